"""Feedback on wrong answers nobody listed, probe tests, and "a bug costs once".

The battery of tests/grading/unlisted_NN.py holds typical wrong answers that the exercise
modules do not list as known mistakes; each must lose points, and most must be diagnosed in
the task's terms (the figures are in benchmarks/feedback.py). The rest checks the general
diagnoses, the explained errors, the honesty of hints, the smallest failing test, the probes
and the substitution of correct earlier functions, in the notebook check and in the grader.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backproplib.checks import evaluate, exercise_module, get_task
from backproplib.checks.feedback import format_feedback
from backproplib.checks.probes import probes
from backproplib.checks.references import SOURCES, agrees_with_reference, substituted
from benchmarks import feedback as bench

ROOT = Path(__file__).resolve().parents[1]
BATTERY = bench.battery()
SOLUTION_CELLS = {}
JUDGED = {}  # (task id, code) -> the judgement, shared by the two tests of the battery


def solution_cells(number):
    if number not in SOLUTION_CELLS:
        name = exercise_module(number).NOTEBOOK + ".ipynb"
        SOLUTION_CELLS[number] = bench.code_cells(ROOT / "solutions" / name)
    return SOLUTION_CELLS[number]


def judged(task_id, code):
    """bench.judge_unlisted of one wrong answer of the battery, judged once per test run."""
    if (task_id, code) not in JUDGED:
        JUDGED[task_id, code] = bench.judge_unlisted(task_id, code, solution_cells(task_id[:2]))
    return JUDGED[task_id, code]


def test_the_battery_has_at_least_8_unlisted_wrong_answers_per_exercise_01_to_07():
    counted = {}
    for task_id, _, _ in BATTERY:
        counted[task_id[:2]] = counted.get(task_id[:2], 0) + 1
    assert all(counted.get(f"{n:02d}", 0) >= 8 for n in range(1, 8)), counted


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("task_id, code, piece", BATTERY,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(BATTERY)])
def test_every_unlisted_wrong_answer_loses_points(task_id, code, piece):
    if task_id == "06.train_network":
        pytest.skip("trains on the digits: measured by benchmarks/feedback.py")
    res = judged(task_id, code)
    assert res.points < res.max_points, (res.reason, res.details)
    assert res.reason and "✗" in format_feedback(res)


def test_most_unlisted_wrong_answers_are_diagnosed_in_the_tasks_terms():
    quick = [(t, c, p) for t, c, p in BATTERY if t != "06.train_network"]
    named = sum(p in judged(t, c).reason for t, c, p in quick)
    assert named / len(quick) >= 0.7, f"{named}/{len(quick)} diagnosed"


# -- general diagnoses ----------------------------------------------------------------------------

@pytest.mark.parametrize("task_id, function, piece", [
    ("03.dense_backward", lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=0).astype(np.float16)),
     "db is float16"),
    ("03.relu_backward", lambda dA, Z: np.where(Z > 0, dA, 2 * dA), "right where `Z` > 0"),
    ("02.softmax", lambda Z: (lambda E: E / E.sum(axis=0, keepdims=True))(
        np.exp(Z - Z.max(axis=1, keepdims=True))), "normalised over the wrong axis"),
    ("06.sgd_step", lambda theta, grad, lr: theta - 2 * lr * grad, "update of `theta`"),
    ("02.mse_gradient", lambda P, Y: 2 * (P - Y) / (P.shape[1] * P.shape[1]),
     "divided by K = 3 instead of N = 5"),
    ("03.dense_backward", lambda dZ, X, W: (dZ @ W.T, (X.T @ dZ)[::-1], dZ.sum(axis=0)),
     "dW has the right values in reverse order (the rows)"),
    ("03.dense_backward", lambda dZ, X, W: (dZ @ W.T, (X.T @ dZ) * (np.arange(len(W)) < 2)[:, None],
                                            dZ.sum(axis=0)), "dW is right in rows 0, 1 and wrong"),
    ("01.dense_forward", lambda X, W, b: (X @ W + b)[:, ::-1], "columns in reverse order"),
    ("01.dense_forward", lambda X, W, b: X @ W + b[:, None] if len(X) == len(b) else
     (X @ W)[:, :, None] + b, "instead of one number"),
    ("03.dense_backward", lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=0) + 0 * dZ.sum(axis=0)[:, None]),
     "db has shape (4, 4) where (4,) is expected: broadcasting"),
    ("07.early_stopping", lambda losses, p: (get_task("07.early_stopping").reference(losses, p)[0],
                                             get_task("07.early_stopping").reference(losses, p)[1] + 1),
     "stop_epoch is one too large"),
])
def test_general_diagnoses_name_the_relation_in_the_tasks_terms(task_id, function, piece):
    with np.errstate(all="ignore"):
        res = evaluate(task_id, function, cells=[])
    assert res.points < res.max_points
    assert piece in res.reason, res.reason


@pytest.mark.parametrize("code, piece", [
    ("def relu(z):\n    return max(0, z)", "np.maximum(0, z)"),
    ("def relu(z):\n    return np.array([max(0, v) for v in z])", "np.maximum(0, z)"),
    ("def relu(z):\n    import math\n    return np.vectorize(lambda v: max(0, v))(z) + math.exp(z)",
     "np.exp"),
    ("def relu(z):\n    flat, out = z.ravel(), np.zeros(z.size)\n    for i in range(z.size + 1):\n"
     "        out[i] = flat[i] if flat[i] > 0 else 0.0\n    return out.reshape(z.shape)",
     "range(n + 1)"),
    ("def relu(z):\n    return np.maximum(0, zz)", "`zz`"),
    ("def relu(z):\n    return relu(z)", "calls itself"),
])
def test_raw_errors_are_translated_into_advice(code, piece):
    namespace = {"np": np}
    exec(code, namespace)
    res = evaluate("01.relu", namespace["relu"], cells=[code])
    assert res.points == 0 and piece in res.reason, res.reason


def test_a_matrix_product_that_does_not_fit_names_the_transpose_that_would():
    res = evaluate("03.dense_backward", lambda dZ, X, W: (dZ @ W, X.T @ dZ, dZ.sum(0)), cells=[])
    assert "a matrix product does not fit" in res.reason and "`dZ @ W.T`" in res.reason


def test_a_stability_hint_only_when_an_overflow_is_seen():
    def naive(Z):
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)

    def wrong_axis(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)

    with np.errstate(all="ignore"):
        assert "not numerically stable" in evaluate("02.softmax", naive, cells=[]).reason
        reason = evaluate("02.softmax", wrong_axis, cells=[]).reason
    assert "not numerically stable" not in reason and "overflow" not in reason, reason


def test_without_a_diagnosis_the_smallest_failing_test_is_shown_in_full():
    res = evaluate("04.relative_error", lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(a + b),
                   cells=[])
    text = format_feedback(res)
    assert "smallest test on which your answer differs" in text
    assert "a = [" in text and "your result:" in text and "expected:" in text
    assert "np.linalg.norm" not in text  # values only, never code


# -- probes ---------------------------------------------------------------------------------------

def test_probes_catch_a_formula_that_only_works_for_the_examples_sizes():
    def dense_forward(X, W, b):
        return np.squeeze(X) @ W + b  # right unless the batch has one example

    task = get_task("01.dense_forward")
    cases = task.cases(np.random.default_rng(0))
    assert all(np.allclose(dense_forward(*c.args), task.reference(*c.args)) for c in cases)
    res = evaluate("01.dense_forward", dense_forward, cells=[])
    assert res.points < res.max_points
    assert any("a batch of one" in line for line in res.details), res.details


def test_probes_are_small_other_sizes_a_batch_of_one_and_exact_zeros():
    task = get_task("03.dense_backward")
    found = probes(task, task.cases(np.random.default_rng(0)))
    labels = [c.label for c in found]
    assert labels == ["small sizes", "a batch of one", "exact zeros"]
    small = found[0]
    assert sorted({s for a in small.args for s in a.shape}) == [2, 3, 4]
    assert all(np.array_equal(np.round(a, 1), a) for a in small.args)
    assert found[1].args[0].shape[0] == 1 and np.sum(found[2].args[0] == 0) >= 3
    assert probes(get_task("07.early_stopping"), get_task("07.early_stopping").cases(
        np.random.default_rng(0))) == []  # an integer argument: no probes


# -- a bug costs once -----------------------------------------------------------------------------

@pytest.mark.parametrize("task_id", sorted(SOURCES))
def test_each_correct_version_sent_to_the_grader_agrees_with_the_reference(task_id):
    task = get_task(task_id)
    cases = task.cases(np.random.default_rng(1))
    assert agrees_with_reference(task, SOURCES[task_id], [*cases, *probes(task, cases)])


WRONG_SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"


def _notebook_01_with_wrong_sigmoid():
    cells = [c.replace("A1 = sigmoid(", "A1 = sigmoid(") for c in solution_cells("01")]
    index = next(i for i, c in enumerate(cells) if "def sigmoid(" in c)
    cells[index] = WRONG_SIGMOID
    return cells


def test_a_wrong_earlier_function_costs_points_once_in_the_notebook_check():
    cells = _notebook_01_with_wrong_sigmoid()
    namespace = bench.run_cells(["import numpy as np", *cells])
    wrong = namespace["sigmoid"]
    with np.errstate(all="ignore"):
        res = evaluate("01.two_layer_forward", namespace["two_layer_forward"], cells=cells)
        sig = evaluate("01.sigmoid", wrong, cells=cells)
    assert sig.points < sig.max_points
    assert res.full_marks, res.reason
    assert res.note == ("your `sigmoid` is wrong (task 2); this task was judged with a "
                        "correct one")
    assert res.note in format_feedback(res)
    assert namespace["sigmoid"] is wrong  # the notebook's own function is back


def test_no_note_when_the_answer_does_not_call_the_earlier_function():
    cells = _notebook_01_with_wrong_sigmoid()
    code = ("def two_layer_forward(X, W1, b1, W2, b2):\n"
            "    return (1 / (1 + np.exp(-(X @ W1 + b1)))) @ W2 + b2\n")
    namespace = bench.run_cells(["import numpy as np", *cells, code])
    res = evaluate("01.two_layer_forward", namespace["two_layer_forward"], cells=[*cells, code])
    assert res.full_marks and res.note == ""


def test_substitution_restores_the_namespace_even_for_a_missing_name():
    namespace = {}
    exec("def f(z):\n    return g(z)\n", namespace)
    with substituted(namespace["f"], {"g": "def g(z):\n    return z + 1\n"}):
        assert namespace["f"](1) == 2
    assert "g" not in namespace


def test_the_grader_gives_the_same_reasons_and_note_as_the_notebook_check(tmp_path):
    nb = json.loads((ROOT / "solutions" / "01_forward_pass.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "def sigmoid(" in "".join(cell["source"]):
            cell["source"] = WRONG_SIGMOID
    path = tmp_path / "wrong_sigmoid.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade", str(path),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    book = json.loads((tmp_path / "out" / "gradebook.json").read_text(encoding="utf-8"))
    tasks = book["submissions"][0]["tasks"]
    two = tasks["01.two_layer_forward"]
    assert two["points"] == two["max"]
    assert two["note"] == "your `sigmoid` is wrong (task 2); this task was judged with a correct one"
    cells = _notebook_01_with_wrong_sigmoid()
    namespace = bench.run_cells(["import numpy as np", *cells])
    with np.errstate(all="ignore"):
        local = evaluate("01.sigmoid", namespace["sigmoid"], cells=cells)
    assert tasks["01.sigmoid"]["reason"] == local.reason
    assert "judged with a correct one" in (tmp_path / "out" / "gradebook.csv").read_text()


def test_an_empty_result_travels_from_the_kernel_with_its_shape():
    from backproplib.course.grading.transport import decode, encode
    for shape in [(0, 4), (3, 0), (0,)]:
        back = decode(json.loads(json.dumps(encode(np.zeros(shape)))))
        assert back.shape == shape
