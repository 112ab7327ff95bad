"""Every exercise through the real grader, and the claims their tasks rest on.

The in-process checks of every exercise (solutions full marks, untouched copies zero, every wrong
answer in tests/grading/wrong_NN.py losing points with its hint) run in tests/test_exercises.py.
Here each exercise is graded in kernels, in ONE batch: its solutions notebook, its untouched
exercise and a submission with the first wrong answer of every task. The other tests check what
the exercises promise learners: the training recipe of 06 reaches 95% on the digits, the
initialisation accepted by 05 keeps gradients within a factor of 10, and the problem of 07
really overfits.
"""

import json
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backproplib.checks import exercise_module, exercise_numbers, get_task

ROOT = Path(__file__).resolve().parents[1]
BUILD = runpy.run_path(str(ROOT / "tests" / "grading" / "submissions.py"))
NUMBERS = exercise_numbers()


def _submissions(target):
    """Write the submissions into ``target``; {file name: (exercise, kind, expectations)}."""
    Path(target).mkdir(parents=True, exist_ok=True)
    cases = {}
    for number in NUMBERS:
        name = exercise_module(number).NOTEBOOK + ".ipynb"
        solution = BUILD["load"](ROOT / "solutions" / name)
        untouched = BUILD["load"](ROOT / "exercises" / name)
        wrong, expected = BUILD["all_wrong"](solution, number)
        for kind, nb in (("solution", solution), ("untouched", untouched), ("wrong", wrong)):
            BUILD["save"](nb, Path(target) / f"{kind}_{number}.ipynb")
            cases[f"{kind}_{number}.ipynb"] = (number, kind, expected)
    return cases


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading_all")
    cases = _submissions(root / "submissions")
    done = subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade",
                           str(root / "submissions"), "--jobs", "2", "--out", str(root / "out")],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    book = json.loads((root / "out" / "gradebook.json").read_text(encoding="utf-8"))
    return cases, {row["submission"]: row for row in book["submissions"]}


@pytest.mark.parametrize("name", [f"{kind}_{n}.ipynb" for n in NUMBERS
                                  for kind in ("solution", "untouched", "wrong")])
def test_the_grader_gives_full_marks_zero_or_the_hint_of_each_wrong_answer(gradebook, name):
    cases, rows = gradebook
    number, kind, expected = cases[name]
    row = rows[name]
    assert row["error"] is None, row["error"]
    tasks = exercise_module(number).TASKS
    assert sorted(row["tasks"]) == sorted(t.id for t in tasks)
    for task_id, result in row["tasks"].items():
        if kind == "solution":
            assert result["status"] == "correct" and result["points"] == result["max"], result
        elif kind == "untouched":
            assert result["points"] == 0 and "not implemented yet" in result["reason"], result
        else:
            _, hint = expected[task_id]
            assert result["points"] < result["max"] and hint in result["reason"], (task_id, result)
    if kind == "solution":
        assert row["total"] == sum(t.points for t in tasks) and not row["problems"], row


# -- what the tasks promise -----------------------------------------------------------------------

def test_the_training_loop_of_06_reaches_95_percent_on_the_digits_from_any_start():
    task = get_task("06.train_network")
    from backproplib import load_digits, standardize, train_test_split
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    X_train, X_test = standardize(X_train, X_test)
    for seed in range(3):  # the grader draws other starting weights than the notebook
        case = task.cases(np.random.default_rng(seed))[-1]
        assert case.label == "the digits, 20 epochs" and case.args[0].shape == X_train.shape
        assert np.array_equal(case.args[0], X_train)
        W1, b1, W2, b2 = task.reference(*case.args)
        scores = np.maximum(X_test @ W1 + b1, 0) @ W2 + b2
        assert np.mean(scores.argmax(axis=1) == y_test) >= 0.95


def _gradient_ratio(std, depth=10, width=64, seeds=range(4)):
    """Geometric mean over seeds of ‖∂L/∂Z_1‖ / ‖∂L/∂Z_depth‖ in a deep ReLU network."""
    ratios = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        Ws = std * rng.standard_normal((depth, width, width))
        A, Zs = rng.standard_normal((32, width)), []
        for W in Ws:
            Zs.append(A @ W)
            A = np.maximum(Zs[-1], 0)
        dA, sizes = rng.standard_normal(A.shape), []
        for W, Z in zip(Ws[::-1], Zs[::-1]):
            dZ = dA * (Z > 0)
            sizes.append(np.linalg.norm(dZ))
            dA = dZ @ W.T
        ratios.append(sizes[-1] / sizes[0])
    return float(np.exp(np.mean(np.log(ratios))))


def test_every_std_that_05_accepts_keeps_the_gradient_within_a_factor_of_10():
    task = get_task("05.init_std")
    best = task.reference(64, 64)
    for factor in (1 - task.rtol, 1.0, 1 + task.rtol):
        assert 0.1 < _gradient_ratio(factor * best) < 10
    for mistake in task.mistakes:  # and what it names as wrong (for square layers) fails it
        std = mistake.wrong(64, 64)
        if not np.isclose(std, best, rtol=task.rtol):
            assert not 0.1 < _gradient_ratio(std) < 10, mistake.cause


def test_the_problems_of_07_overfit_so_early_stopping_matters():
    task = get_task("07.train_with_early_stopping")
    from backproplib import SoftmaxCrossEntropy, mlp, train
    for case in task.cases(np.random.default_rng(0)):
        X_train, y_train, X_val, y_val, hidden, lr, max_epochs, patience, seed = case.args
        best_epoch, *_ = task.reference(*case.args)
        assert 1 <= best_epoch <= max_epochs
        if patience >= max_epochs:
            continue
        net = mlp([X_train.shape[1], hidden, int(max(y_train.max(), y_val.max())) + 1],
                  activation="relu", seed=seed)
        history = train(net, SoftmaxCrossEntropy(), X_train, y_train, epochs=max_epochs, lr=lr,
                        momentum=0.9, batch_size=16, seed=seed, validation=(X_val, y_val))
        assert best_epoch < max_epochs - patience
        assert history.val_loss[-1] > 1.05 * min(history.val_loss), case.label
