"""Section 5: time to grade with ``backprop-course grade``.

1. 30 submissions (copies of the solution notebooks, so every check runs), serially and with 2
   jobs; serial and 2-job runs alternate, so the machine's noise hits both alike.
2. The cost of isolation: a class of 200 generated submissions (a mix of correct, wrong and
   broken notebooks of exercises 01 and 02, built by tests/grading/submissions.py from the real
   solutions) with ``--jobs 2``, in the bubblewrap sandbox and with ``--no-sandbox``, alternating;
   seconds per submission, the sandbox's overhead (target < 15%) and the class's time (target
   < 3 minutes on a 2-core machine).

Everything is written into temporary directories that are deleted afterwards; the grader runs
with such a directory as its working directory, so nothing is written into the repository.
"""

import importlib.util
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .timing import ORIGINAL_ENVIRONMENT, Row, skipped

SECTION = "5 grading"
ROOT = Path(__file__).resolve().parent.parent
TARGET = 45.0  # seconds for 30 submissions with 2 jobs
CLASS_SIZE, CLASS_TARGET, OVERHEAD_TARGET = 200, 180.0, 0.15
#: the class: these kinds of submission (see tests/grading/submissions.py), in turn
CLASS_MIX = ("solution_01.ipynb", "solution_02.ipynb", "wrong_01.ipynb", "wrong_02.ipynb",
             "untouched_01.ipynb", "syntax_error.ipynb", "exception_in_one_task.ipynb",
             "deleted_cell.ipynb", "renamed_function.ipynb", "not_a_notebook.ipynb")


def make_submissions(folder, count):
    """Copy the solution notebooks into ``count`` student folders (cycling over the notebooks)."""
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    for i in range(count):
        student = folder / f"student{i + 1:02d}"
        student.mkdir(parents=True)
        source = solutions[i % len(solutions)]
        shutil.copy(source, student / source.name)


def make_class(folder, count):
    """``count`` submissions cycling over CLASS_MIX, one folder per student."""
    build = runpy.run_path(str(ROOT / "tests" / "grading" / "submissions.py"))
    kinds = folder.parent / "kinds"
    build["build_all"](ROOT / "solutions", ROOT / "exercises", kinds)
    for i in range(count):
        student = folder / f"student{i + 1:03d}"
        student.mkdir(parents=True)
        shutil.copy(kinds / CLASS_MIX[i % len(CLASS_MIX)], student / CLASS_MIX[i % len(CLASS_MIX)])


def grade(folder, jobs, *extra):
    """Run the grader once; returns (seconds, exit code, last line of its output)."""
    command = [sys.executable, "-m", "backproplib.course.cli", "grade", str(folder / "submitted"),
               "--jobs", str(jobs), *extra]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=dict(ORIGINAL_ENVIRONMENT),
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, done.returncode, lines[-1][:120] if lines else ""


def class_rows(quick=False):
    """The class of 200 with --jobs 2, sandboxed and not: seconds per submission, overhead."""
    from backproplib.course.grading.sandbox import isolation_problem
    problem = isolation_problem()
    if problem:
        return [skipped(SECTION, "a class, sandbox overhead", f"no sandbox here: {problem}")]
    count, rounds = (10, 1) if quick else (CLASS_SIZE, 1)
    times, outcome = {"sandbox": [], "no sandbox": []}, {}
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        folder = Path(tmp)
        make_class(folder / "submitted", count)
        for _ in range(rounds):
            for how, extra in (("sandbox", ()), ("no sandbox", ("--no-sandbox",))):
                seconds, code, last = grade(folder, 2, *extra)
                times[how].append(seconds)
                outcome[how] = f"exit code {code}: {last}"
    boxed, bare = statistics.median(times["sandbox"]), statistics.median(times["no sandbox"])
    overhead = boxed / bare - 1
    what = f"grade a class of {count} (correct, wrong, broken), --jobs 2"
    return [
        Row(SECTION, f"{what}, no sandbox", tuple(times["no sandbox"]), "time",
            f"{bare / count:.2f} s per submission", None, outcome["no sandbox"]),
        Row(SECTION, f"{what}, in the sandbox", tuple(times["sandbox"]), "time",
            f"{boxed / count:.2f} s per submission; overhead {overhead:+.1%}"
            + ("" if quick else f" (target < {OVERHEAD_TARGET:.0%}); class target "
                                f"< {CLASS_TARGET:g} s"),
            None if quick else (overhead < OVERHEAD_TARGET and boxed < CLASS_TARGET),
            outcome["sandbox"]),
    ]


def run(quick=False):
    if importlib.util.find_spec("backproplib.course.grading.command") is None:
        return [skipped(SECTION, "backprop-course grade", "the grader is not written yet "
                                                          "(no backproplib.course.grading.command)")]
    if not list((ROOT / "solutions").glob("*.ipynb")):
        return [skipped(SECTION, "backprop-course grade", "no solution notebooks to grade")]
    count, rounds = (4, 1) if quick else (30, 2)
    times = {1: [], 2: []}
    outcome = {}
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        folder = Path(tmp)
        make_submissions(folder / "submitted", count)
        for _ in range(rounds):
            for jobs in (1, 2):
                seconds, code, last = grade(folder, jobs)
                times[jobs].append(seconds)
                outcome[jobs] = f"exit code {code}: {last}"
    rows = class_rows(quick)
    serial, parallel = statistics.median(times[1]), statistics.median(times[2])
    what = f"grade {count} submissions"
    return [
        Row(SECTION, f"{what}, serial (--jobs 1)", tuple(times[1]), "time", "",
            None, outcome[1]),
        Row(SECTION, f"{what}, --jobs 2", tuple(times[2]), "time",
            f"{serial / parallel:.2f}x faster than serial" + ("" if quick else
                                                              f"; target <= {TARGET:g} s"),
            None if quick else parallel <= TARGET, outcome[2]),
        *rows,
    ]
