"""Graded exercises: the single source (solutions/ -> exercises/) and the checks' feedback.

No kernels here: the checks are called in-process on the solutions' own functions, on the
untouched exercises and on the typical wrong answers kept in tests/grading/wrong_NN.py.
"""

import contextlib
import io
import json
import re
import runpy
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backproplib.checks import (
    codecheck,
    evaluate,
    exercise_module,
    exercise_numbers,
    get_task,
    summary,
    tasks,
)
from backproplib.checks.feedback import format_feedback
from backproplib.checks.guard import LibraryCallRefused, LibraryGuard
from backproplib.checks.questions import is_question
from backproplib.checks.runner import run_case
from backproplib.checks.spec import Case
from backproplib.course import cli
from backproplib.course.exercises import (
    BEGIN,
    END,
    MarkerError,
    exercise_text,
    generate,
    make_exercise,
    strip_solutions,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
NUMBERS = exercise_numbers()
WRONG = [(tid, code, hint) for path in sorted((ROOT / "tests" / "grading").glob("wrong_*.py"))
         for tid, code, hint in runpy.run_path(str(path))["WRONG"]]


def notebook_path(folder, number):
    return ROOT / folder / f"{exercise_module(number).NOTEBOOK}.ipynb"


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def functions_of(path):
    """Run a notebook's code cells (checks silenced) and return its namespace."""
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in code_cells(path):
            exec(source, namespace)
    return namespace


# -- exercises/ is generated from solutions/ ------------------------------------------------------

def test_every_exercise_with_checks_has_a_solution_and_an_exercise_notebook():
    assert {"01", "02"} <= set(NUMBERS)
    for number in NUMBERS:
        assert notebook_path("solutions", number).exists(), number
        assert notebook_path("exercises", number).exists(), number


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_is_what_the_generator_writes_now(solution):
    exercise = ROOT / "exercises" / solution.name
    assert exercise.exists(), f"run 'backprop-course generate-exercises' ({exercise.name} missing)"
    assert exercise.read_bytes() == exercise_text(solution), \
        f"{exercise.name} is stale: run 'backprop-course generate-exercises' and commit it"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_leaks_into_the_student_copy(solution):
    text = (ROOT / "exercises" / solution.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    nb = json.loads(text)
    regions = sum(s.count(BEGIN) for s in code_cells(solution))
    assert regions >= 3
    copies = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert copies.count("raise NotImplementedError()") == regions
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "execution" not in cell["metadata"]
    # no line of an answer survives in the copy
    for source in code_cells(solution):
        for region in re.findall(rf"{BEGIN}\n(.*?){END}", source, re.S):
            for line in region.splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in text, f"answer line leaked: {line.strip()!r}"


def test_generator_is_deterministic_and_check_mode_reports_stale_copies(tmp_path, capsys):
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    (course / "solutions").mkdir()
    for s in SOLUTIONS[:2]:
        (course / "solutions" / s.name).write_bytes(s.read_bytes())
    assert cli.main(["generate-exercises", "--dir", str(course), "--check"]) == 1
    assert "missing" in capsys.readouterr().out
    assert cli.main(["generate-exercises", "--dir", str(course)]) == 0
    first = {p.name: p.read_bytes() for p in (course / "exercises").glob("*.ipynb")}
    assert len(first) == 2
    assert cli.main(["generate-exercises", "--dir", str(course), "--check"]) == 0
    assert [s for _, s in generate(course / "solutions", course / "exercises")] == ["up to date"] * 2
    assert first == {p.name: p.read_bytes() for p in (course / "exercises").glob("*.ipynb")}
    stale = course / "exercises" / SOLUTIONS[0].name
    stale.write_bytes(stale.read_bytes().replace(b"NotImplementedError", b"ValueError"))
    capsys.readouterr()
    assert cli.main(["generate-exercises", "--dir", str(course), "--check"]) == 1
    captured = capsys.readouterr()
    assert f"exercises/{SOLUTIONS[0].name}: stale" in captured.out
    assert "generate-exercises" in captured.err
    assert not list((course / "exercises").glob(".*.tmp"))


def test_strip_solutions_keeps_indentation_and_everything_outside_the_markers():
    source = ("def f(x):\n    \"\"\"doc\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n\nprint('after')\n")
    out = strip_solutions(source, "nb, cell 1")
    assert out == ("def f(x):\n    \"\"\"doc\"\"\"\n    # YOUR CODE HERE\n"
                   "    raise NotImplementedError()\n\nprint('after')\n")
    two = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n  ### BEGIN SOLUTION\n  c\n  ### END SOLUTION"
    assert strip_solutions(two, "x").splitlines() == [
        "# YOUR CODE HERE", "raise NotImplementedError()", "b = 2",
        "  # YOUR CODE HERE", "  raise NotImplementedError()"]


@pytest.mark.parametrize("source, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "line 2 has no '### END SOLUTION'"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "line 3: '### END SOLUTION' without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "line 2: a second"),
])
def test_malformed_markers_name_the_notebook_cell_and_line(source, message):
    with pytest.raises(MarkerError, match=re.escape(message)) as info:
        strip_solutions(source, "solutions/09_x.ipynb, cell 4")
    assert "solutions/09_x.ipynb, cell 4" in str(info.value)


def test_markers_outside_code_cells_are_refused_and_solution_only_cells_dropped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"x = 1\n{BEGIN}\ny = 2\n{END}"),
        nbformat.v4.new_markdown_cell("The answer, explained.", metadata={"tags": ["solution-only"]}),
    ])
    out = make_exercise(nb, "nb.ipynb")
    assert len(out.cells) == 1 and "y = 2" not in out.cells[0].source
    nb.cells.append(nbformat.v4.new_markdown_cell(f"{BEGIN}\nsecret\n{END}"))
    with pytest.raises(MarkerError, match="nb.ipynb, cell 3: solution markers belong in code cells"):
        make_exercise(nb, "nb.ipynb")


# -- the exercises' tasks -------------------------------------------------------------------------

@pytest.mark.parametrize("number", NUMBERS)
def test_each_exercise_has_3_to_6_tasks_each_with_an_answer_cell_and_a_check_cell(number):
    module = exercise_module(number)
    questions = [t for t in module.TASKS if is_question(t)]
    assert 3 <= len(module.TASKS) - len(questions) <= 6 and len(questions) <= 3
    ids = [t.id for t in module.TASKS]
    assert len(set(ids)) == len(ids) and all(i.startswith(f"{number}.") for i in ids)
    path = notebook_path("solutions", number)
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["backprop_course"]["exercise"] == number
    cells = code_cells(path)
    for task in module.TASKS:
        assert task.points > 0 and task.cases
        answer = [c for c in cells if f"def {task.function}(" in c]
        assert answer and BEGIN in answer[0], f"{task.function}: no answer cell with markers"
        assert f'check("{task.id}", {task.function})' in cells, f"{task.id}: no check cell"
        assert sum(task.partial.values()) < task.points
    assert f'summary("{number}")' in cells


@pytest.mark.parametrize("number", NUMBERS)
def test_solutions_score_full_marks_and_the_notebook_says_so(number):
    path = notebook_path("solutions", number)
    namespace = functions_of(path)
    cells = code_cells(path)
    for task in tasks(number):
        res = evaluate(task.id, namespace[task.function], cells=cells)
        assert res.full_marks and res.status == "correct", (task.id, res.reason, res.details)
    outputs = [o.get("text", "") for c in json.loads(path.read_text())["cells"]
               if c["cell_type"] == "code" for o in c.get("outputs", [])]
    text = "".join("".join(t) for t in outputs)
    assert text.count("✓ Task") == len(tasks(number)) and "✗" not in text


@pytest.mark.parametrize("number", NUMBERS)
def test_untouched_exercises_score_zero_with_not_implemented_yet(number):
    path = notebook_path("exercises", number)
    namespace = functions_of(path)
    for task in tasks(number):
        res = evaluate(task.id, namespace[task.function], cells=code_cells(path))
        assert res.points == 0 and res.status == "not implemented"
        assert "not implemented yet" in format_feedback(res)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # wrong answers may divide 0 by 0
@pytest.mark.parametrize("task_id, code, hint", WRONG,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_typical_wrong_answers_lose_points_with_the_expected_hint(task_id, code, hint):
    task = get_task(task_id)
    namespace = {"np": np}
    exec(code, namespace)
    res = evaluate(task_id, namespace[task.function], cells=["import numpy as np", code])
    assert res.points < task.points
    assert hint in res.reason, (res.reason, res.details)
    shown = format_feedback(res)
    assert f"{res.points:g}/{task.points:g} points" in shown and "✗" in shown
    # the feedback shows values, never the reference solution's code
    solution = "\n".join(code_cells(notebook_path("solutions", task.exercise)))
    body = solution.split(f"def {task.function}(", 1)[1].split(END, 1)[0].split(BEGIN, 1)[1]
    for line in body.splitlines():
        if len(line.strip()) > 12:
            assert line.strip() not in shown


def test_every_task_has_at_least_two_typical_wrong_answers_in_tests():
    counted = {}
    for tid, _, _ in WRONG:
        counted[tid] = counted.get(tid, 0) + 1
    for number in NUMBERS:
        for task in tasks(number):
            assert counted.get(task.id, 0) >= 2, f"{task.id}: add wrong answers to tests/grading"


# -- feedback details -----------------------------------------------------------------------------

def test_other_correct_ways_pass_within_floating_point_tolerance():
    def sigmoid(z):
        return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float)))

    def relu(z):
        return z * (z > 0)

    def dense_forward(X, W, b):
        return np.einsum("nd,dm->nm", X, W) + b

    def mse(Y_hat, Y):
        return [[np.sum((Y_hat - Y) ** 2) / Y.size]]  # a 1x1 list is still one number

    for task_id, fn in [("01.sigmoid", sigmoid), ("01.relu", relu),
                        ("01.dense_forward", dense_forward), ("02.mse", mse)]:
        res = evaluate(task_id, fn, cells=[])
        assert res.full_marks, (task_id, res.reason)


def test_wrong_shape_names_the_expected_shape_and_result_is_shown_beside_the_expected():
    res = evaluate("01.dense_forward", lambda X, W, b: (X @ W + b)[:, :-1], cells=[])
    assert "expected (5, 4), got (5, 3)" in res.reason
    res = evaluate("02.mse_gradient", lambda P, Y: 3 * (P - Y), cells=[])
    text = format_feedback(res)
    assert "your result:" in text and "expected:" in text and "likely cause:" in text
    assert re.search(r"times too large|constant factor", res.reason)


def test_check_explains_none_a_non_function_and_an_unknown_task(capsys):
    assert "forget `return`" in evaluate("01.relu", lambda z: None, cells=[]).reason
    assert "without parentheses" in evaluate("01.relu", 3.0, cells=[]).reason
    with pytest.raises(ValueError, match="01.neuron"):
        evaluate("01.nope", lambda z: z)
    with pytest.raises(ValueError, match="no exercise '99'"):
        evaluate("99.x", lambda z: z)


def test_summary_lists_points_so_far_and_tasks_not_checked(capsys):
    from backproplib import checks
    checks._SESSION.clear()
    checks.check("01.relu", lambda z: np.maximum(z, 0))
    checks.check("01.neuron", lambda x, w, b: 0.0)
    summary("01")
    out = capsys.readouterr().out
    assert "✓ Task 3 · relu — 1/1 points" in out
    assert "Exercise 01 · The forward pass: 1/10 points" in out
    assert "not checked yet" in out and re.search(r"✗ 1 neuron\s+0/1", out)
    checks._SESSION.clear()


def test_later_task_is_judged_with_a_correct_earlier_function_and_says_so():
    namespace = {"np": np}
    exec("def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"
         "def two_layer_forward(X, W1, b1, W2, b2):\n"
         "    return sigmoid(X @ W1 + b1) @ W2 + b2\n", namespace)
    earlier = {"01.sigmoid": evaluate("01.sigmoid", namespace["sigmoid"], cells=[])}
    res = evaluate("01.two_layer_forward", namespace["two_layer_forward"], cells=[],
                   earlier=earlier)
    assert res.full_marks and "your `sigmoid` is wrong (task 2)" in res.note


# -- calling the library is noticed ------------------------------------------------------------

LIBRARY_USES = [
    ("import backproplib\ndef sigmoid(z):\n    return backproplib.sigmoid(z)", "backproplib.sigmoid"),
    ("import backproplib as bp\ndef sigmoid(z):\n    return bp.activations.sigmoid(z)",
     "backproplib.activations.sigmoid"),
    ("from backproplib import sigmoid as s\ndef helper(z):\n    return s(z)\n"
     "def sigmoid(z):\n    return helper(z)", "backproplib.sigmoid"),
    ("def sigmoid(z):\n    from backproplib.activations import Sigmoid\n    return Sigmoid().forward(z)",
     "backproplib.activations.Sigmoid"),
    ("from backproplib.activations import *\ndef sigmoid(z):\n    return ACTIVATIONS['sigmoid'].function(z)",
     "backproplib.activations.ACTIVATIONS"),
    ("import backproplib\nsigmoid = backproplib.sigmoid", "backproplib.sigmoid"),
    ("from scipy.special import expit\ndef sigmoid(z):\n    return expit(z)", "scipy.special.expit"),
    ("import backproplib.checks.exercises.ex01 as ref\ndef sigmoid(z):\n    return ref.SIGMOID.reference(z)",
     "backproplib.checks.exercises.ex01.SIGMOID.reference"),
]


@pytest.mark.parametrize("code, found", LIBRARY_USES)
def test_reading_the_code_finds_library_calls(code, found):
    task = get_task("01.sigmoid")
    uses = codecheck.library_uses(["import numpy as np", code], "sigmoid", task.forbidden,
                                  task.forbidden_other)
    assert found in uses


def test_reading_the_code_does_not_flag_own_code_or_allowed_library_parts():
    cells = ["import numpy as np\nfrom backproplib import sigmoid, one_hot\n%matplotlib inline",
             "def sigmoid(z):\n    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1/(1+e), e/(1+e))",
             "def relu(z):\n    one_hot(np.array([0]), 2)\n    return np.maximum(z, 0)",
             "def broken(:\n    pass"]
    task = get_task("01.sigmoid")
    assert codecheck.library_uses(cells, "sigmoid", task.forbidden) == []
    assert codecheck.library_uses(cells, "relu", get_task("01.relu").forbidden) == []
    assert codecheck.defining_cell(cells, "broken") == 3
    assert codecheck.defining_cell(cells, "missing") is None


def test_a_library_call_the_code_hides_is_refused_at_run_time():
    def sigmoid(z):
        lib = __import__("backprop" + "lib")
        return getattr(lib, "sig" + "moid")(z)

    res = evaluate("01.sigmoid", sigmoid, cells=[])
    assert res.points == 0 and "backproplib's own `sigmoid`" in res.reason


def test_guard_wraps_functions_and_methods_and_restores_them_exactly():
    import backproplib
    from backproplib import activations
    originals = (backproplib.sigmoid, activations.sigmoid, vars(backproplib.Dense)["forward"])
    guard = LibraryGuard(["sigmoid", "Dense", "Sigmoid"]).install()
    try:
        assert backproplib.sigmoid is not originals[0]
        layer = backproplib.Dense(3, 2, rng=0)
        X = np.ones((4, 3))
        assert layer.forward(X).shape == (4, 2)  # outside watch: works as usual
        with guard.watch(["Dense"]) as used:
            with pytest.raises(LibraryCallRefused):
                layer.forward(X)
            assert backproplib.sigmoid(0.0) == 0.5  # not forbidden in this task
        assert used == {"Dense"}
        with guard.watch(["Sigmoid"]) as used:
            with pytest.raises(LibraryCallRefused):
                backproplib.Sigmoid().forward(X)
        assert used == {"Sigmoid"}
    finally:
        guard.remove()
    assert (backproplib.sigmoid, activations.sigmoid, vars(backproplib.Dense)["forward"]) == originals
    assert "forward" not in vars(backproplib.Sigmoid)


def test_runner_copies_inputs_notices_changes_and_makes_strict_tests_raise():
    z = np.array([-1.0, 2.0])

    def in_place(a):
        a[a < 0] = 0
        return a

    outcome = run_case(in_place, Case((z,)), ("z",))
    assert outcome.modified == ("z",) and z[0] == -1.0
    overflow = run_case(lambda a: np.exp(a), Case((np.array([1000.0]),), strict=True))
    assert overflow.error[0] == "FloatingPointError"
    stopped = run_case(lambda: exit(3), Case(()))
    assert stopped.error[0] == "SystemExit"
