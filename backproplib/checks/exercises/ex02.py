"""Exercise 02 · Measuring the error: MSE, softmax, cross-entropy and their gradients.

The functions the learner writes (Lesson 02); N examples, K outputs or classes:
    mse(Y_hat, Y)                 (N, K), (N, K) -> a number, the mean over all N·K entries (eq. 2.1)
    mse_gradient(Y_hat, Y)        -> ∂L/∂Ŷ = 2 (Ŷ − Y) / (N·K), (N, K)                       (eq. 2.2)
    softmax(Z)                    logits (N, K) -> (N, K), each row sums to 1, no overflow (eq. 2.4)
    cross_entropy(Z, y)           logits (N, K), labels (N,) -> −mean log softmax(Z)[n, y_n] (eq. 2.5)
    cross_entropy_gradient(Z, y)  -> ∂L/∂Z = (softmax(Z) − Y) / N, (N, K), Y one-hot     (eq. 2.6)
"""

import numpy as np

from ...activations import sigmoid as _sigmoid
from ...losses import cross_entropy as _cross_entropy
from ...losses import log_softmax as _log_softmax
from ...losses import mse as _mse
from ...losses import mse_gradient as _mse_gradient
from ...losses import one_hot as _one_hot
from ...losses import softmax as _softmax
from .. import questions
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Measuring the error"
NOTEBOOK = "02_error_calculation"


def _sizes(A, *_):
    N, K = A.shape
    return {"N·K": N * K, "N": N, "K": K}



# -- 1. and 2. mean squared error and its gradient -------------------------------------------------

def _regression_cases(rng):
    return [Case((_normal(rng, 5, 3), _normal(rng, 5, 3)), "5 examples, 3 outputs"),
            Case((_normal(rng, 6, 4), _normal(rng, 6, 4)), "6 examples, 4 outputs")]


MSE = Task(
    id="02.mse", function="mse", title="the mean squared error", points=1,
    args=("Y_hat", "Y"), cases=_regression_cases, reference=_mse, sizes=_sizes,
    mistakes=(
        Mistake("you summed the squared errors: the MSE is their mean over all N·K entries",
                lambda P, Y: np.sum((P - Y) ** 2)),
        Mistake("you divided by N only: the MSE averages over all N·K entries (every example "
                "and every output)", lambda P, Y: np.sum((P - Y) ** 2) / len(P)),
        Mistake("square the differences before averaging: otherwise positive and negative "
                "errors cancel", lambda P, Y: np.mean(P - Y)),
        Mistake("that is the mean absolute error: square the differences instead",
                lambda P, Y: np.mean(np.abs(P - Y))),
        Mistake("that is the root of the MSE (RMSE): do not take the square root",
                lambda P, Y: np.sqrt(np.mean((P - Y) ** 2))),
        Mistake("the MSE here has no factor ½ (Lesson 02, eq. 2.1)",
                lambda P, Y: 0.5 * np.mean((P - Y) ** 2)),
        Mistake("you returned one error per example: average over the examples too",
                lambda P, Y: np.mean((P - Y) ** 2, axis=1)),
    ),
    forbidden=("mse", "mse_gradient", "MSE"),
)

MSE_GRADIENT = Task(
    id="02.mse_gradient", function="mse_gradient", title="the gradient of the MSE", points=2,
    args=("Y_hat", "Y"), cases=_regression_cases, reference=_mse_gradient, sizes=_sizes,
    mistakes=(
        Mistake("the sign: ∂L/∂Ŷ = 2 (Ŷ − Y) / (N·K) is positive where a prediction is too large",
                lambda P, Y: 2 * (Y - P) / P.size),
        Mistake("a missing factor 2: the derivative of (ŷ − y)² is 2 (ŷ − y)",
                lambda P, Y: (P - Y) / P.size),
        Mistake("the MSE is a mean over N·K entries, so its gradient is divided by N·K",
                lambda P, Y: 2 * (P - Y)),
        Mistake("divide by N·K, the number of entries the MSE averages, not by N only",
                lambda P, Y: 2 * (P - Y) / len(P)),
    ),
    forbidden=("mse_gradient", "MSE"),
)


# -- 3. softmax ------------------------------------------------------------------------------------

STABLE_SOFTMAX = (
    "your softmax is not numerically stable: e^1000 overflows to inf and inf/inf is nan. "
    "Subtract each row's own maximum before np.exp: that changes nothing mathematically, and "
    "the largest exponent becomes 0")


def _softmax_cases(rng):
    large = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]])
    return [Case((_normal(rng, 4, 3, scale=2.0),), "random logits, shape (4, 3)"),
            Case((large,), "large logits (±1000)", strict=True, hint=STABLE_SOFTMAX)]


def _exp_shifted(Z, shift=None):
    return np.exp(Z - (Z.max(axis=1, keepdims=True) if shift is None else shift))


def _softmax_global_max(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


SOFTMAX = Task(
    id="02.softmax", function="softmax", title="a numerically stable softmax", points=2,
    args=("Z",), cases=_softmax_cases, reference=_softmax, sizes=_sizes,
    mistakes=(  # written stably, so that they also match a stable version of the mistake
        Mistake("each row (one example) must sum to 1: normalise over the classes (axis 1), "
                "not over the batch", lambda Z: _softmax(Z.T).T),
        Mistake("you divided by the sum over the whole batch: divide each row by its own sum",
                lambda Z: _exp_shifted(Z, Z.max()) / _exp_shifted(Z, Z.max()).sum()),
        Mistake("the row sums have shape (N,): keep them as a column of shape (N, 1) "
                "(keepdims=True) so that each row is divided by its own sum",
                lambda Z: _exp_shifted(Z) / _exp_shifted(Z).sum(axis=1)),
        Mistake("softmax exponentiates first: p = e^z / Σ e^z",
                lambda Z: Z / Z.sum(axis=1, keepdims=True)),
        Mistake("that is a sigmoid of each entry; softmax divides the exponentials of a row by "
                "their sum", _sigmoid),
        Mistake("subtract each row's own maximum: with the maximum of the whole batch, a row of "
                "very negative logits still underflows to 0/0", _softmax_global_max),
    ),
    forbidden=("softmax", "log_softmax", "SoftmaxCrossEntropy", "cross_entropy"),
    forbidden_other=("scipy.special.softmax",),
    partial={"random logits, shape (4, 3)": 1},
)


# -- 4. and 5. softmax cross-entropy and its gradient ---------------------------------------------

STABLE_LOG = (
    "for logits like ±1000 two things can go wrong: a softmax that does not subtract each row's "
    "maximum overflows (e^1000 is inf, and inf/inf is nan); and even a stable softmax gives the "
    "correct class a probability that underflows to 0, where log(0) = −inf (a small epsilon only "
    "hides it: the loss comes out wrong). Compute log softmax directly: "
    "log pₖ = zₖ − max(z) − log Σⱼ e^(zⱼ − max(z))")


def _labels(rng, N, K):
    return rng.integers(0, K, size=N)


def _classification_cases(rng):
    large = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, -1000.0]])
    return [Case((_normal(rng, 5, 3, scale=2.0), _labels(rng, 5, 3)), "random logits (5, 3)"),
            Case((large, np.array([2, 0])), "large logits (±1000)", strict=True, hint=STABLE_LOG)]


def _log_p_correct(Z, y):
    return _log_softmax(Z)[np.arange(len(y)), y]


CROSS_ENTROPY = Task(
    id="02.cross_entropy", function="cross_entropy", title="the softmax cross-entropy loss",
    points=2, args=("Z", "y"), cases=_classification_cases, reference=_cross_entropy,
    sizes=_sizes,
    mistakes=(
        Mistake("you summed over the batch: the loss is the mean over the N examples",
                lambda Z, y: -np.sum(_log_p_correct(Z, y))),
        Mistake("the loss is minus the log-probability of the correct class, a positive number: "
                "the minus sign is missing", lambda Z, y: np.mean(_log_p_correct(Z, y))),
        Mistake("you averaged over all N·K entries of Y ⊙ log P: sum over the classes, then "
                "average over the N examples",
                lambda Z, y: -np.mean(_one_hot(y, Z.shape[1]) * _log_softmax(Z))),
        Mistake("take the log of the softmax probabilities (log-softmax), not the raw logits",
                lambda Z, y: -np.mean(Z[np.arange(len(y)), y])),
        Mistake("you returned one loss per example: take their mean",
                lambda Z, y: -_log_p_correct(Z, y)),
    ),
    forbidden=("cross_entropy", "SoftmaxCrossEntropy", "log_softmax", "softmax"),
    forbidden_other=("scipy.special.log_softmax", "scipy.special.softmax",
                     "scipy.special.logsumexp"),
    partial={"random logits (5, 3)": 1},
)


def _gradient_cases(rng):
    return [Case((_normal(rng, 4, 3, scale=2.0), _labels(rng, 4, 3)), "4 examples, 3 classes"),
            Case((_normal(rng, 6, 5, scale=2.0), _labels(rng, 6, 5)), "6 examples, 5 classes")]


def _ce_gradient(Z, y):
    return (_softmax(Z) - _one_hot(y, Z.shape[1])) / Z.shape[0]


CROSS_ENTROPY_GRADIENT = Task(
    id="02.cross_entropy_gradient", function="cross_entropy_gradient",
    title="the gradient of softmax cross-entropy", points=2, args=("Z", "y"),
    cases=_gradient_cases, reference=_ce_gradient, sizes=_sizes,
    mistakes=(
        Mistake("the sign: ∂L/∂Z = (P − Y) / N, positive for the wrong classes",
                lambda Z, y: -_ce_gradient(Z, y)),
        Mistake("subtract the one-hot targets Y: ∂L/∂Z = (softmax(Z) − Y) / N",
                lambda Z, y: _softmax(Z) / len(y)),
        Mistake("subtract the one-hot rows Y (a 1 in the column of the correct class), not the "
                "label numbers", lambda Z, y: (_softmax(Z) - y[:, None]) / len(y)),
        Mistake("the loss is a mean over the batch, so its gradient is divided by N",
                lambda Z, y: _ce_gradient(Z, y) * len(y)),
    ),
    forbidden=("SoftmaxCrossEntropy", "cross_entropy", "softmax", "log_softmax"),
    forbidden_other=("scipy.special.softmax",),
    uses=("02.softmax",),
)


# -- 6, 7. questions -----------------------------------------------------------------------------

UNIFORM = questions.number(
    "02.question_uniform", "the cross-entropy of a guess",
    answer=float(np.log(10)),
    why="every class gets p = 1/10, so L = −log(1/10) = log 10 ≈ 2.303 (natural logarithm), "
        "whatever the true class: the loss of a model that knows nothing, log K (eq. 2.5)",
    typical=((0.1, "0.1 is the probability of the true class; the loss is minus its logarithm, "
                   "−log 0.1"),
             (1.0, "the cross-entropy uses the natural logarithm: −ln(1/10) = ln 10, not "
                   "log₁₀ 10 = 1"),
             (-float(np.log(10)), "mind the minus sign: L = −log p, and log 0.1 < 0, so the "
                                  "loss is positive")))

SATURATION = questions.choice(
    "02.question_saturation", "why MSE stalls a sigmoid classifier",
    options=("the MSE is not differentiable at the target",
             "its gradient with respect to z carries the factor σ'(z), nearly 0 when the "
             "neuron is confidently wrong",
             "the MSE of a wrong prediction is too large, so the steps overshoot",
             "the MSE needs a smaller learning rate than the cross-entropy"),
    answer=2,
    why="∂L/∂z = 2(a − y) σ'(z) (eq. 2.8), and σ'(z) ≈ 0 for large |z|; the cross-entropy "
        "cancels that factor, ∂L/∂z = σ(z) − y (eq. 2.7), so a wrong neuron is pushed hard",
    why_not={1: "the MSE is a smooth parabola in the prediction, differentiable everywhere",
             3: "the opposite: on a saturated sigmoid the MSE's gradient is tiny (at most "
                "2 σ'(z) ≤ 0.5), so the steps are small, not too large",
             4: "no learning rate fixes it: the factor σ'(z) makes the gradient of a "
                "confidently wrong neuron hundreds of times smaller than that of a right one"})

TASKS = (MSE, MSE_GRADIENT, SOFTMAX, CROSS_ENTROPY, CROSS_ENTROPY_GRADIENT, UNIFORM, SATURATION)
