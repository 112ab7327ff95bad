"""Section 7: how well the checks judge wrong answers nobody listed.

The battery is tests/grading/unlisted_NN.py: typical wrong answers that the exercise modules do
not list as known mistakes, each with a piece of feedback that names its cause in the task's
terms. Each answer replaces its function in the exercise's solution notebook (so the other
functions, and the notebook's given helpers, are right) and is checked in this process, as the
notebook's check cell does. Figures: the share of wrong answers that lose points (target
>= 98%), the share whose feedback names the cause (target >= 70%), and the solutions (100%)
and untouched exercises (0%), all in the same run. The same answers are then graded by
``backprop-course grade`` (one notebook each, two jobs): the share losing points and the share
named there, where the tests are the grader's secret ones.
"""

import contextlib
import copy
import io
import json
import runpy
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from .timing import Row

SECTION = "7 feedback"
ROOT = Path(__file__).resolve().parent.parent
LOSE_TARGET, NAMED_TARGET = 0.98, 0.70


def code_cells(path):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def run_cells(cells):
    """The namespace after running ``cells`` (prints and the checks' output swallowed)."""
    import matplotlib.pyplot as plt
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in cells:
            exec(source, namespace)
    plt.close("all")
    return namespace


def battery():
    """[(task id, code, piece of the cause)] of every tests/grading/unlisted_NN.py."""
    return [entry for path in sorted((ROOT / "tests" / "grading").glob("unlisted_*.py"))
            for entry in runpy.run_path(str(path))["UNLISTED"]]


def judge_unlisted(task_id, code, solution_cells):
    """The TaskResult of the answer ``code`` put into the solution notebook."""
    from backproplib.checks import evaluate, get_task
    task = get_task(task_id)
    namespace = run_cells(solution_cells)
    exec("import numpy as np\n" + code, namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(task_id, namespace[task.function], cells=[*solution_cells, code])


def measure():
    """{"wrong": [(task id, lost points?, named?, reason)], "solutions": share, "untouched": share}."""
    from backproplib.checks import evaluate, exercise_module, exercise_numbers, tasks
    out = {"wrong": [], "solutions": [], "untouched": []}
    cells = {}
    for number in exercise_numbers():
        name = exercise_module(number).NOTEBOOK + ".ipynb"
        cells[number] = code_cells(ROOT / "solutions" / name)
        for kind, folder in (("solutions", "solutions"), ("untouched", "exercises")):
            source = code_cells(ROOT / folder / name)
            namespace = run_cells(source)
            for task in tasks(number):
                res = evaluate(task.id, namespace[task.function], cells=source)
                out[kind].append((res.points, res.max_points))
    for task_id, code, piece in battery():
        res = judge_unlisted(task_id, code, cells[task_id.split(".")[0]])
        out["wrong"].append((task_id, res.points < res.max_points, piece in res.reason,
                             res.reason))
    return out


def measure_grader():
    """[(task id, lost points?, named?)] of the battery graded by the real grader."""
    from backproplib.checks import exercise_module
    entries = battery()
    with tempfile.TemporaryDirectory(prefix="backprop-feedback-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i, (task_id, code, _) in enumerate(entries):
            name = exercise_module(task_id[:2]).NOTEBOOK + ".ipynb"
            nb = json.loads((ROOT / "solutions" / name).read_text(encoding="utf-8"))
            nb = _with_answer(nb, task_id.split(".", 1)[1], "import numpy as np\n" + code)
            (folder / f"{i:03d}_{name}").write_text(json.dumps(nb), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade", str(folder),
                        "--jobs", "2", "--out", str(Path(tmp) / "out")], cwd=tmp,
                       capture_output=True, text=True, check=True)
        book = json.loads((Path(tmp) / "out" / "gradebook.json").read_text(encoding="utf-8"))
    rows = {row["submission"]: row for row in book["submissions"]}
    out = []
    for i, (task_id, _, piece) in enumerate(entries):
        name = f"{i:03d}_{exercise_module(task_id[:2]).NOTEBOOK}.ipynb"
        task = (rows[name]["tasks"] or {}).get(task_id, {"points": 1, "max": 1, "reason": ""})
        out.append((task_id, task["points"] < task["max"], piece in task["reason"]))
    return out


def _with_answer(nb, function, code):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and f"def {function}(" in source:
            cell["source"] = code
            return nb
    raise ValueError(f"no cell defines {function}")


def figures(out):
    wrong = out["wrong"]
    lost = sum(1 for _, lost, _, _ in wrong if lost) / len(wrong)
    named = sum(1 for _, _, named, _ in wrong if named) / len(wrong)
    solutions = sum(p for p, _ in out["solutions"]) / sum(m for _, m in out["solutions"])
    untouched = sum(p for p, _ in out["untouched"]) / sum(m for _, m in out["untouched"])
    return {"answers": len(wrong), "lose points": lost, "name the cause": named,
            "solutions": solutions, "untouched": untouched}


def run(quick=False):
    """The section's rows (``quick`` changes nothing: about two minutes, most of it grading)."""
    import matplotlib
    matplotlib.use("Agg")
    f = figures(measure())
    n = f["answers"]
    graded = measure_grader()
    lost = sum(1 for _, lost, _ in graded if lost) / len(graded)
    named = sum(1 for _, _, named in graded if named) / len(graded)
    return [
        Row(SECTION, f"unlisted wrong answers that lose points ({n})", (f["lose points"],), "%",
            f"target >= {LOSE_TARGET:.0%}", f["lose points"] >= LOSE_TARGET),
        Row(SECTION, f"unlisted wrong answers whose feedback names the cause ({n})",
            (f["name the cause"],), "%", f"target >= {NAMED_TARGET:.0%}",
            f["name the cause"] >= NAMED_TARGET),
        Row(SECTION, f"graded by the grader: lose points ({len(graded)})", (lost,), "%",
            f"target >= {LOSE_TARGET:.0%}", lost >= LOSE_TARGET),
        Row(SECTION, f"graded by the grader: feedback names the cause ({len(graded)})", (named,),
            "%", f"target >= {NAMED_TARGET:.0%}", named >= NAMED_TARGET),
        Row(SECTION, "points of the solution notebooks", (f["solutions"],), "%",
            "target 100%", f["solutions"] == 1.0),
        Row(SECTION, "points of the untouched exercises", (f["untouched"],), "%",
            "target 0%", f["untouched"] == 0.0),
    ]


if __name__ == "__main__":
    result = measure()
    for task_id, lost, named, reason in result["wrong"]:
        print(f"{'lost' if lost else 'KEPT'} {'named' if named else '-----'} {task_id}: {reason}")
    print(figures(result))
