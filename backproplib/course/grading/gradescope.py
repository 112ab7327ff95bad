"""Grade on Gradescope: an autograder bundle, and the program it runs for each submission.

``write_bundle(exercise, out_dir)`` writes the folder to zip and upload as a Gradescope
"programming assignment" autograder (Gradescope's documented layout):

    setup.sh          runs once when Gradescope builds the image: installs this course
                      package (copied into the bundle) and its dependencies with pip
    run_autograder    runs for every submission: grades the notebook found in
                      /autograder/submission with the same grader as ``backprop-course grade``
                      and writes /autograder/results/results.json
    backprop-course/  the course package (pyproject.toml and backproplib/)

``results(result, ...)`` turns a graded submission into Gradescope's results.json: the total
``score``, ``execution_time``, an ``output`` summary, and one test per task with ``name``,
``number``, ``score``, ``max_score``, ``status`` (passed/failed), the task's feedback as
``output`` and its ``visibility``. ``python3 -m backproplib.course.grading.gradescope`` is the
program ``run_autograder`` calls; ``--root`` replaces /autograder (for tests).
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from ...checks import exercise_module
from ...checks.feedback import format_feedback
from ..files import write_atomic
from .judging import GradeOptions, grade_submission

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
PACKAGE_ROOT = Path(__file__).resolve().parents[3]

SETUP = """#!/usr/bin/env bash
# Runs once, when Gradescope builds the autograder image.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq python3 python3-pip > /dev/null
python3 -m pip install --quiet /autograder/source/backprop-course
"""

RUN = """#!/usr/bin/env bash
# Runs for every submission: grade the notebook in $ROOT/submission, write $ROOT/results/results.json.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
exec python3 -m backproplib.course.grading.gradescope --root "$ROOT" --exercise {exercise} \\
    --visibility {visibility} --timeout {timeout:g}
"""


def write_bundle(exercise, out_dir, visibility="visible", timeout=60.0):
    """Write the autograder folder for exercise ``exercise`` into ``out_dir``; return its path."""
    number = str(exercise).zfill(2)
    exercise_module(number)  # a clear error for an unknown exercise
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "setup.sh", SETUP)
    write_atomic(out / "run_autograder", RUN.format(exercise=number, visibility=visibility,
                                                    timeout=timeout))
    for name in ("setup.sh", "run_autograder"):
        (out / name).chmod(0o755)
    package = out / "backprop-course"
    if package.exists():
        shutil.rmtree(package)
    shutil.copytree(PACKAGE_ROOT / "backproplib", package / "backproplib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (PACKAGE_ROOT / name).exists():
            shutil.copy(PACKAGE_ROOT / name, package / name)
    return out


def results(result, seconds, visibility="visible"):
    """Gradescope's results.json (a dict) for one graded submission."""
    if result.error:
        return {"score": 0.0, "execution_time": round(seconds, 1), "visibility": visibility,
                "stdout_visibility": "hidden", "output_format": "text",
                "output": f"Your notebook could not be graded: {result.error}", "tests": []}
    tests = []
    for t in result.tasks:
        tests.append({"name": f"Task {t.number} · {t.function} — {t.title}",
                      "number": f"{result.exercise}.{t.number}", "score": t.points,
                      "max_score": t.max_points,
                      "status": "passed" if t.full_marks else "failed",
                      "output": format_feedback(t), "output_format": "text",
                      "visibility": visibility, "tags": [t.task_id]})
    summary = (f"Exercise {result.exercise} · {result.title}: "
               f"{result.total:g}/{result.max_total:g} points")
    if result.problems:
        summary += "\nWhile running your notebook:\n" + "\n".join(f"- {p}" for p in result.problems)
    return {"score": result.total, "execution_time": round(seconds, 1), "output": summary,
            "output_format": "text", "visibility": visibility, "stdout_visibility": "hidden",
            "tests": tests}


def find_notebook(folder, exercise):
    """The submission's notebook: the one named like the exercise, else the only .ipynb."""
    notebooks = sorted(p for p in Path(folder).rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    name = exercise_module(exercise).NOTEBOOK + ".ipynb"
    named = [p for p in notebooks if p.name == name]
    return (named or notebooks or [None])[0]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m backproplib.course.grading.gradescope")
    parser.add_argument("--root", default="/autograder")
    parser.add_argument("--exercise", required=True)
    parser.add_argument("--visibility", default="visible", choices=VISIBILITIES)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    root = Path(args.root)
    start = time.monotonic()
    notebook = find_notebook(root / "submission", args.exercise)
    if notebook is None:
        from .judging import SubmissionResult
        graded = SubmissionResult("submission", error=(
            f"no notebook (.ipynb) was submitted; upload "
            f"{exercise_module(args.exercise).NOTEBOOK}.ipynb"))
    else:
        # Gradescope runs every submission in its own throw-away container, which holds
        # nothing but this submission: that container is the isolation (no bubblewrap here)
        options = GradeOptions(timeout=args.timeout, exercise=args.exercise.zfill(2),
                               sandboxed=False)
        graded = grade_submission(notebook, options, name=notebook.name)
    out = results(graded, time.monotonic() - start, args.visibility)
    (root / "results").mkdir(parents=True, exist_ok=True)
    write_atomic(root / "results" / "results.json", json.dumps(out, indent=2, ensure_ascii=False))
    print(out["output"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
