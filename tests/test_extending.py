"""docs/instructor/extending.md, followed step by step on a copy of the course.

A tiny lesson 09 and exercise 09 are added exactly as the guide says (files, metadata, commands),
then the checks the guide names are run in the copy: the notebook frame and link tests, nbval on
the new lesson, the licence footer, the timed plan, the static site, the exercise tests for 09,
and the grader (full marks for the solution, zero for the untouched exercise). If the guide and
the tooling drift apart, this test fails.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_copy import course_copy
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "instructor" / "extending.md").read_text(encoding="utf-8")
STEM = "09_tiny_steps"

LESSON_CELLS = [
    ("markdown", "# Lesson 09 — Tiny steps\n\n**Learning objectives.** After this lesson you can "
                 "double a number.\n\n**Estimated time:** about 5 min."),
    ("code", "import numpy as np\n\nfrom backproplib.explorers.neuron import NeuronExplorer"),
    ("markdown", "## 9.1 Doubling\n\nDoubling is a product with 2:\n\n$$\ny = 2x \\tag{9.1}\n$$\n\n"
                 "*Predict, then run:* what is $2 \\cdot 21$?"),
    ("code", "x = np.arange(3.0)\nprint(2 * x)   # eq. 9.1"),
    ("markdown", "Things to try: move $w_1$ and watch the line turn."),
    ("code", "NeuronExplorer()"),
    ("markdown", "**Self-check.**\n\n1. What is $y$ for $x = 0$?\n\n<details><summary>Answer"
                 "</summary>\n\n1. $y = 0$.\n\n</details>"),
    ("markdown", f"## Summary\n\n* Doubling is eq. 9.1.\n\n**Practise:** [Exercise 09](../exercises/"
                 f"{STEM}.ipynb)"),
]

CHECKS_MODULE = '''\
"""Exercise 09 · Tiny steps (made by tests/test_extending.py)."""

import numpy as np

from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Tiny steps"
NOTEBOOK = "09_tiny_steps"


def _cases(rng):
    return [Case((_normal(rng, 4),), "4 numbers"), Case((_normal(rng, 3, 2),), "a (3, 2) array")]


def _task(name, title, reference, mistakes):
    return Task(id=f"09.{name}", function=name, title=title, points=1, args=("x",), cases=_cases,
                reference=reference, mistakes=mistakes)


DOUBLE = _task("double", "doubling", lambda x: 2 * x,
               (Mistake("you returned x itself", lambda x: x),
                Mistake("you added 2 instead of multiplying", lambda x: x + 2)))
SQUARE = _task("square", "squaring", lambda x: x ** 2,
               (Mistake("you doubled x instead of squaring it", lambda x: 2 * x),
                Mistake("you returned x itself", lambda x: x)))
NEGATE = _task("negate", "negating", lambda x: -x,
               (Mistake("you returned x itself", lambda x: x),
                Mistake("you returned |x|", lambda x: np.abs(x))))
TASKS = (DOUBLE, SQUARE, NEGATE)
'''

ANSWERS = {"double": "2 * x", "square": "x ** 2", "negate": "-x"}
WRONG = '''\
WRONG = [
    ("09.double", "\\ndef double(x):\\n    return x\\n", "returned x itself"),
    ("09.double", "\\ndef double(x):\\n    return x + 2\\n", "added 2"),
    ("09.square", "\\ndef square(x):\\n    return 2 * x\\n", "doubled x"),
    ("09.square", "\\ndef square(x):\\n    return x\\n", "returned x itself"),
    ("09.negate", "\\ndef negate(x):\\n    return x\\n", "returned x itself"),
    ("09.negate", "\\ndef negate(x):\\n    return abs(x)\\n", "|x|"),
]
'''


def _notebook(cells, metadata=None):
    nb = nbformat.v4.new_notebook(metadata=metadata or {})
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            if "Explorer()" in source:
                cell.metadata["tags"] = ["nbval-ignore-output"]
                cell.metadata["nbval-ignore-reason"] = "an explorer's widget view"
            nb.cells.append(cell)
    return nb


def _execute(path, env):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    nbformat.write(nb, path)


def _run(args, course, env, ok=True):
    done = subprocess.run(args, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, f"{args}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    return done


def test_the_guide_names_the_steps_this_test_follows():
    for step in ("lessons/NN_topic.ipynb", "\\tag{NN.M}", "backprop-course licence-footer",
                 "backprop-course timed-plan --measure", "backproplib/checks/exercises/exNN.py",
                 '{"backprop_course": {"exercise": "NN"}}', "### BEGIN SOLUTION",
                 "backprop-course generate-exercises", "tests/grading/wrong_NN.py",
                 "backprop-course grade --mine solutions/NN_topic.ipynb", "nbval-ignore-output",
                 "backprop-course site"):
        assert step in GUIDE, step


def test_following_the_guide_adds_a_lesson_and_an_exercise(tmp_path):
    course = tmp_path / "course"
    course_copy(course)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(course)
    cli = [sys.executable, "-m", "backproplib.course"]

    # Adding a lesson, steps 1-3: the notebook, linked from the previous lesson, run top to bottom.
    lesson = course / "lessons" / f"{STEM}.ipynb"
    nbformat.write(_notebook(LESSON_CELLS), lesson)
    previous = sorted((course / "lessons").glob("[0-9][0-9]_*.ipynb"))[-2]
    nb = nbformat.read(previous, as_version=4)
    summary = [c for c in nb.cells if c.cell_type == "markdown"
               and "licence-footer" not in c.metadata.get("tags", [])][-1]
    summary.source += f"\n\n**Then:** [Lesson 09 — Tiny steps]({STEM}.ipynb)"
    nbformat.write(nb, previous)
    _execute(lesson, env)

    # Adding an exercise, steps 1-3 and 5: checks, the single source, the student copy, wrong answers.
    (course / "backproplib" / "checks" / "exercises" / "ex09.py").write_text(CHECKS_MODULE)
    cells = [("markdown", "# Exercise 09 · Tiny steps\n\nAfter [Lesson 09](../lessons/09_tiny_steps.ipynb)."),
             ("code", "import numpy as np\nfrom backproplib.checks import check, summary")]
    for name, answer in ANSWERS.items():
        cells += [("markdown", f"## Task · {name} (1 point)\n\nWrite `{name}(x)`."),
                  ("code", f"def {name}(x):\n    ### BEGIN SOLUTION\n    return {answer}\n"
                           f"    ### END SOLUTION"),
                  ("code", f'check("09.{name}", {name})')]
    cells.append(("code", 'summary("09")'))
    solution = course / "solutions" / f"{STEM}.ipynb"
    nbformat.write(_notebook(cells, {"backprop_course": {"exercise": "09"}}), solution)
    _execute(solution, env)
    _run([*cli, "generate-exercises"], course, env)
    (course / "tests" / "grading" / "wrong_09.py").write_text(WRONG)

    # Footer and tables (lesson steps 4-5, exercise step 4).
    _run([*cli, "licence-footer"], course, env)
    _run([*cli, "timed-plan", "--measure"], course, env)
    assert "Lesson 09 — Tiny steps" in (course / "docs/instructor/timed-plan.md").read_text()
    assert "`exercises/09_tiny_steps.ipynb`" in (course / "docs/instructor/timed-plan.md").read_text()

    # The checks the guide names.
    for check in ("generate-exercises", "licence-footer", "timed-plan"):
        _run([*cli, check, "--check"], course, env)
    _run([*cli, "site", "--out", str(tmp_path / "site")], course, env)
    assert (tmp_path / "site" / "lessons" / f"{STEM}.html").is_file()
    tests = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  f"lessons/{STEM}.ipynb", "tests/test_notebooks.py", "tests/test_exercises.py",
                  "-k", "09"],
                 course, env, ok=False)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout

    full = _run([*cli, "grade", "--mine", f"solutions/{STEM}.ipynb"], course, env)
    assert "3/3" in full.stdout.replace(" ", "") or "3 / 3" in full.stdout, full.stdout
    empty = _run([*cli, "grade", "--mine", f"exercises/{STEM}.ipynb"], course, env, ok=False)
    assert "0/3" in empty.stdout.replace(" ", "") and "not implemented" in empty.stdout.lower(), \
        empty.stdout


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    assert not (ROOT / "lessons" / f"{STEM}.ipynb").exists()
    assert not (ROOT / "backproplib" / "checks" / "exercises" / "ex09.py").exists()

