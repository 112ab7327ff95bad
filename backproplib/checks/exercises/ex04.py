"""Exercise 04 · Gradient checking: numerical gradients, the relative error, finding a bug.

The functions the learner writes (Lesson 04), for the test loss of a tanh layer
L = Σ tanh(X W + b) ⊙ R with X (N, D), W (D, M), b (M,), R (N, M):
    layer_numerical_gradients(X, W, b, R, h)
                            -> dX, dW, db by central differences (eq. 4.2), nudging one entry at a
                               time and restoring it (X, W, b are unchanged afterwards)
    relative_error(a, b)    two arrays of one shape -> ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero
                            (eq. 4.5)
    find_wrong_gradients(X, W, b, R, dX, dW, db)
                            gradients from some backward pass -> (dX_ok, dW_ok, db_ok), True where
                            the gradient agrees with the numerical one (relative error < 1e-6)
    tanh_backward(dA, Z)    the fixed backward pass of tanh: dZ = dA ⊙ (1 − tanh²(Z))
"""

import numpy as np

from ...gradcheck import numerical_gradient as _numerical_gradient
from ...gradcheck import relative_error as _relative_error
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Gradient checking"
NOTEBOOK = "04_gradient_checking"

#: a gradient whose relative error to the numerical one is below this passes the check
TOLERANCE = 1e-6



# -- 1. the numerical gradient -------------------------------------------------------------------

def _tanh_loss(X, W, b, R):
    """The test loss L = Σ tanh(X W + b) ⊙ R of a tanh layer (R: fixed weights of the outputs)."""
    return float(np.sum(np.tanh(X @ W + b) * R))


def _layer_cases(rng):
    def case(N, D, M, h, label):
        return Case((_normal(rng, N, D), _normal(rng, D, M, scale=0.7), _normal(rng, M, scale=0.5),
                     _normal(rng, N, M), h), label)
    return [case(4, 3, 2, 1e-4, "4 examples, 3 → 2 units, h = 1e-4"),
            case(3, 5, 4, 1e-3, "3 examples, 5 → 4 units, h = 1e-3")]


def _differences(f, x, h, restore=True, one_sided=False, denominator=2.0, by_rows=False):
    """Central (or one-sided) differences of f() as x changes in place, mistakes switched on."""
    grad = np.zeros_like(x, dtype=float)
    entries = range(x.shape[0]) if by_rows else np.ndindex(x.shape)
    for i in entries:
        old = np.copy(x[i])
        x[i] = old + h
        f_plus = f()
        x[i] = old if one_sided else old - h
        f_minus = f()
        if restore:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (h if one_sided else denominator * h)
    return grad


def layer_numerical_gradients_reference(X, W, b, R, h, **mistake):
    """(dX, dW, db) of L = Σ tanh(X W + b) ⊙ R by central differences, in that order."""
    X, W, b = X.copy(), W.copy(), b.copy()

    def loss():
        return _tanh_loss(X, W, b, R)

    return tuple(_differences(loss, p, h, **mistake) for p in (X, W, b))


LAYER_NUMERICAL_GRADIENTS = Task(
    id="04.layer_numerical_gradients", function="layer_numerical_gradients",
    title="numerical gradients by central differences", points=3,
    args=("X", "W", "b", "R", "h"), outputs=("dX", "dW", "db"), cases=_layer_cases,
    reference=layer_numerical_gradients_reference,
    mistakes=(
        Mistake("that is the one-sided difference (L(x + h) − L(x)) / h, whose error shrinks "
                "only like h; use the central difference (L(x + h eᵢ) − L(x − h eᵢ)) / 2h "
                "(eq. 4.2)",
                lambda *a: layer_numerical_gradients_reference(*a, one_sided=True)),
        Mistake("the two points x + h and x − h are 2h apart: divide by 2h, not h (eq. 4.2)",
                lambda *a: layer_numerical_gradients_reference(*a, denominator=1.0)),
        Mistake("you forgot to restore each entry after nudging it, so every later slope is "
                "measured at a shifted point: keep the old value and put it back (x[i] = old)",
                lambda *a: layer_numerical_gradients_reference(*a, restore=False)),
        Mistake("for a matrix, x[i] with one index is a whole row: you nudged every entry of "
                "the row at once. Loop over every entry, e.g. `for i in np.ndindex(x.shape):`",
                lambda *a: layer_numerical_gradients_reference(*a, by_rows=True)),
        Mistake("your gradients are all zeros: the loss never saw the nudged values. Nudge the "
                "array the loss reads (X, W or b itself) and restore it afterwards",
                lambda X, W, b, R, h: (np.zeros_like(X), np.zeros_like(W), np.zeros_like(b))),
    ),
    forbidden=("numerical_gradient", "check_network_gradients", "Tanh", "tanh_derivative",
               "Dense", "Network"),
)


# -- 2. the relative error -----------------------------------------------------------------------

ONE_NORM = ("eq. 4.5 divides by the sum of both norms, ‖a‖ + ‖b‖, not by one of them: then "
            "neither gradient is treated as the right one")
BOTH_ZERO = ("when both gradients are zero they agree perfectly: return 0.0 there instead of "
             "dividing 0 by 0 (which gives nan)")


def _relative_error_cases(rng):
    a = _normal(rng, 5)
    return [Case((_normal(rng, 3, 4), _normal(rng, 3, 4)), "random gradients"),
            Case((a, a + _normal(rng, 5, scale=1e-6)), "random gradients"),
            Case((np.zeros((2, 3)), np.zeros((2, 3))), "both zero", hint=BOTH_ZERO)]


def _norm(v):
    return np.sqrt(np.sum(np.asarray(v, dtype=float) ** 2))


def _ratio(top, bottom):
    """top / bottom, and 0 for 0 / 0 (the learner's guard for two zero gradients)."""
    top, bottom = np.float64(top), np.float64(bottom)
    return np.float64(0.0) if top == 0 and bottom == 0 else top / bottom


RELATIVE_ERROR = Task(
    id="04.relative_error", function="relative_error", title="the relative error", points=2,
    args=("a", "b"), cases=_relative_error_cases, reference=_relative_error, atol=1e-12,
    mistakes=(
        Mistake("eq. 4.5 divides by ‖a‖ + ‖b‖, both norms, so that neither gradient is "
                "treated as the right one; you divided by ‖a‖ only",
                lambda a, b: _ratio(_norm(a - b), _norm(a))),
        Mistake(ONE_NORM, lambda a, b: _ratio(_norm(a - b), _norm(b))),
        Mistake(ONE_NORM, lambda a, b: _ratio(_norm(a - b), max(_norm(a), _norm(b)))),
        Mistake("you returned ‖a − b‖ alone: divide by ‖a‖ + ‖b‖ so that the error does not "
                "depend on the size of the gradients (eq. 4.5)", lambda a, b: _norm(a - b)),
        Mistake("the relative error of eq. 4.5 uses the norms of the whole arrays, not the "
                "mean of entry-by-entry ratios |aᵢ − bᵢ| / (|aᵢ| + |bᵢ|)",
                lambda a, b: float(np.mean([_ratio(x, y) for x, y in
                                            zip(np.abs(a - b).ravel(), (np.abs(a) + np.abs(b)).ravel())]))),
        Mistake("‖v‖ is the Euclidean norm, the square root of the sum of squares: you left out "
                "the square roots",
                lambda a, b: _ratio(np.sum((a - b) ** 2), np.sum(a ** 2) + np.sum(b ** 2))),
        Mistake("‖v‖ is the Euclidean norm (np.linalg.norm), the square root of the sum of "
                "squares, not the sum of absolute values",
                lambda a, b: _ratio(np.sum(np.abs(a - b)), np.sum(np.abs(a)) + np.sum(np.abs(b)))),
    ),
    forbidden=("relative_error", "gradcheck.worst_entry", "check_network_gradients"),
    partial={"random gradients": 1.5},
)


# -- 3. finding the wrong gradient ---------------------------------------------------------------

def _tanh_layer_backward(X, W, b, R, bugs=()):
    """The gradients of L = Σ tanh(X W + b) ⊙ R, right or with the named bugs (test inputs)."""
    A = np.tanh(X @ W + b)
    dZ = R * (1.0 - (X @ W + b) ** 2 if "derivative at Z" in bugs else 1.0 - A ** 2)
    dX = dZ @ (W if "dX no transpose" in bugs else W.T)
    dW = X.T @ dZ * (-1.0 if "dW sign" in bugs else 1.0)
    db = dZ.mean(axis=0) if "db mean" in bugs else dZ.sum(axis=0)
    return dX, dW, db


FIND_HINT = ("compare each given gradient with the numerical gradient of the same loss, "
             "L = Σ tanh(X W + b) ⊙ R (your layer_numerical_gradients), using your "
             f"relative_error: below {TOLERANCE:g} means right")


def _find_cases(rng):
    def case(name, bugs, N, D, M):
        X, W, b = _normal(rng, N, D), _normal(rng, D, M, scale=0.7), _normal(rng, M, scale=0.5)
        R = _normal(rng, N, M)
        return Case((X, W, b, R, *_tanh_layer_backward(X, W, b, R, bugs)), name, hint=FIND_HINT)
    return [case("gradients A", (), 4, 3, 2),
            case("gradients B", ("db mean",), 5, 3, 4),
            case("gradients C", ("dX no transpose", "dW sign"), 4, 3, 3),
            case("gradients D", ("derivative at Z",), 6, 2, 3)]


def find_wrong_gradients_reference(X, W, b, R, dX, dW, db):
    """(dX_ok, dW_ok, db_ok): does each given gradient pass the gradient check?"""
    X, W, b = X.copy(), W.copy(), b.copy()
    numeric = [_numerical_gradient(lambda: _tanh_loss(X, W, b, R), p) for p in (X, W, b)]
    return tuple(bool(_relative_error(g, n) < TOLERANCE) for g, n in zip((dX, dW, db), numeric))


FIND_WRONG_GRADIENTS = Task(
    id="04.find_wrong_gradients", function="find_wrong_gradients",
    title="finding the wrong gradient", points=3,
    args=("X", "W", "b", "R", "dX", "dW", "db"), outputs=("dX_ok", "dW_ok", "db_ok"),
    cases=_find_cases, reference=find_wrong_gradients_reference,
    mistakes=(
        Mistake("your answers are the wrong way round: return True for a gradient that passes "
                "the check (it is right) and False for one that fails",
                lambda *a: tuple(not ok for ok in find_wrong_gradients_reference(*a))),
        Mistake("you judged every gradient right, but some are wrong: compare each given "
                "gradient with a numerical gradient of the same loss",
                lambda *a: (True, True, True)),
        Mistake("you judged every gradient wrong, but some are right: a correct gradient has a "
                "relative error of about 1e-10 to the numerical one, far below the tolerance",
                lambda *a: (False, False, False)),
    ),
    forbidden=("numerical_gradient", "relative_error", "check_network_gradients", "Dense",
               "Network", "Tanh", "tanh_derivative"),
    uses=("04.layer_numerical_gradients", "04.relative_error"),
)


# -- 4. fixing a backward pass -------------------------------------------------------------------

def _tanh_cases(rng):
    return [Case((_normal(rng, 3, 4), _normal(rng, 3, 4, scale=1.5)), "random batch, shape (3, 4)"),
            Case((_normal(rng, 5, 2), _normal(rng, 5, 2, scale=1.5)), "random batch, shape (5, 2)")]


TANH_BACKWARD = Task(
    id="04.tanh_backward", function="tanh_backward", title="the fixed backward pass of tanh",
    points=2, args=("dA", "Z"), cases=_tanh_cases,
    reference=lambda dA, Z: dA * (1.0 - np.tanh(Z) ** 2),
    mistakes=(
        Mistake("that is the buggy version: tanh'(Z) = 1 − a² with a = tanh(Z), the activation, "
                "not 1 − Z²", lambda dA, Z: dA * (1.0 - Z ** 2)),
        Mistake("you returned tanh'(Z) alone: multiply it by the upstream gradient, "
                "dZ = dA ⊙ (1 − tanh²(Z)) (eq. 3.6)", lambda dA, Z: 1.0 - np.tanh(Z) ** 2),
        Mistake("tanh'(Z) = 1 − tanh(Z)², the square of tanh, not 1 − tanh(Z)",
                lambda dA, Z: dA * (1.0 - np.tanh(Z))),
        Mistake("tanh'(Z) = 1 − tanh(Z)²: square tanh(Z) first, then subtract it from 1",
                lambda dA, Z: dA * (1.0 - np.tanh(Z)) ** 2),
        Mistake("that is the sigmoid's derivative; tanh'(Z) = 1 − tanh(Z)²",
                lambda dA, Z: dA * np.exp(-Z) / (1.0 + np.exp(-Z)) ** 2),
    ),
    forbidden=("Tanh", "tanh_derivative", "ACTIVATIONS", "activations.activation_layer"),
)

TASKS = (LAYER_NUMERICAL_GRADIENTS, RELATIVE_ERROR, FIND_WRONG_GRADIENTS, TANH_BACKWARD)
