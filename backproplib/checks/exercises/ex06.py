"""Exercise 06 · Training with SGD: the update rules, a training loop, binary cross-entropy, accuracy.

The functions the learner writes (Lesson 06), one per section of the lesson:
    sgd_step(theta, grad, lr)                   -> θ − η ∇L, a new array (eq. 6.1)
    momentum_step(theta, grad, v, lr, mu)       -> (θ_new, v_new): v ← μ v − η ∇L, θ ← θ + v
                                                (eq. 6.2)
    train_network(X, y, W1, b1, W2, b2, lr, mu, batch_size, orders)
                                                mini-batch SGD with momentum on a two-layer ReLU
                                                network with softmax cross-entropy; epoch e visits
                                                the examples in the order orders[e] (eq. 6.3)
                                                -> the trained (W1, b1, W2, b2)
    bce_with_logits(z, y)                       logits (N, 1), targets (N, 1) -> (L, ∂L/∂z): the
                                                binary cross-entropy, stable for any z
                                                (Lesson 02, eqs. 2.3, 2.7)
    accuracy(scores, y)                         scores (N, K), labels (N,) -> the fraction of rows
                                                whose largest score is at the label
The notebook gives ``loss_and_gradients(X, y, W1, b1, W2, b2)`` (the same as
``_loss_and_gradients`` here), so the training task is about the loop, not the backward pass.
The loop is judged on what matters, each update given the batch it used: the shuffled orders
are an input, so a learner's loop is never marked wrong for drawing other random numbers.
"""

import numpy as np

from ...activations import sigmoid as _sigmoid
from ...datasets import load_digits, standardize, train_test_split
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Training with SGD"
NOTEBOOK = "06_sgd_training"



# -- 1. one step of gradient descent -------------------------------------------------------------

def _step_cases(rng):
    return [Case((_normal(rng, 3, 4), _normal(rng, 3, 4), 0.1), "a (3, 4) weight matrix, η = 0.1"),
            Case((_normal(rng, 5), _normal(rng, 5), 0.5), "a (5,) bias vector, η = 0.5")]


SGD_STEP = Task(
    id="06.sgd_step", function="sgd_step", title="one step of gradient descent", points=1,
    args=("theta", "grad", "lr"), cases=_step_cases,
    reference=lambda theta, grad, lr: theta - lr * grad,
    mistakes=(
        Mistake("you moved uphill: the gradient points where the loss grows, so the step goes "
                "the other way, θ − η ∇L (eq. 6.1)", lambda theta, grad, lr: theta + lr * grad),
        Mistake("you forgot the learning rate: θ − η ∇L (eq. 6.1)",
                lambda theta, grad, lr: theta - grad),
        Mistake("the learning rate multiplies the gradient: θ − η ∇L, not θ − ∇L / η",
                lambda theta, grad, lr: theta - grad / lr),
        Mistake("you returned the step −η ∇L alone: add it to θ",
                lambda theta, grad, lr: -lr * grad),
    ),
    forbidden=("SGD", "train", "train_step"),
)


# -- 2. one step with momentum -------------------------------------------------------------------

def _momentum_cases(rng):
    return [Case((_normal(rng, 3, 2), _normal(rng, 3, 2), np.zeros((3, 2)), 0.1, 0.9),
                 "first step (v = 0)"),
            Case((_normal(rng, 3, 2), _normal(rng, 3, 2), _normal(rng, 3, 2, scale=0.1), 0.1, 0.9),
                 "a later step (v ≠ 0)"),
            Case((_normal(rng, 4), _normal(rng, 4), _normal(rng, 4, scale=0.1), 0.05, 0.5),
                 "a later step (v ≠ 0)")]


def _momentum(theta, grad, v, lr, mu):
    v = mu * v - lr * grad
    return theta + v, v


MOMENTUM_STEP = Task(
    id="06.momentum_step", function="momentum_step", title="one step with momentum", points=2,
    args=("theta", "grad", "v", "lr", "mu"), outputs=("theta", "v"), cases=_momentum_cases,
    reference=_momentum, sizes=lambda *a: {},
    mistakes=(
        Mistake("θ must move with the new velocity: first v ← μ v − η ∇L, then θ ← θ + v "
                "(eq. 6.2); you moved θ with the old v",
                lambda theta, grad, v, lr, mu: (theta + v, mu * v - lr * grad)),
        Mistake("v: eq. 6.2 keeps the velocity pointing downhill, v ← μ v − η ∇L and "
                "θ ← θ + v; you stored it with the opposite sign",
                lambda theta, grad, v, lr, mu: (theta - (mu * v + lr * grad), mu * v + lr * grad)),
        Mistake("the velocity remembers the previous steps: v ← μ v − η ∇L; you left out μ v",
                lambda theta, grad, v, lr, mu: (theta - lr * grad, -lr * grad)),
        Mistake("you moved uphill: v ← μ v − η ∇L, with a minus before the gradient (eq. 6.2)",
                lambda theta, grad, v, lr, mu: (theta + mu * v + lr * grad, mu * v + lr * grad)),
        Mistake("return the two arrays in the order of the task: θ, then v",
                lambda *a: _momentum(*a)[::-1]),
    ),
    forbidden=("SGD", "train", "train_step"),
    partial={"first step (v = 0)": 0.5},
)


# -- 3. the training loop ------------------------------------------------------------------------

def _loss_and_gradients(X, y, W1, b1, W2, b2):
    """The notebook's given function: L and (dW1, db1, dW2, db2) of a ReLU network with
    softmax cross-entropy (eqs. 2.5–2.6, 3.6–3.10)."""
    N = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))   # log-softmax
    L = -np.mean(log_P[np.arange(N), y])
    dZ2 = np.exp(log_P)
    dZ2[np.arange(N), y] -= 1.0
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return L, (X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0))


def train_network_reference(X, y, W1, b1, W2, b2, lr, mu, batch_size, orders,
                            ignore_orders=False, first_order_only=False, reset_velocity=False,
                            momentum=True, drop_last=False, old_velocity=False):
    """Mini-batch SGD with momentum (the options switch on typical mistakes)."""
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    velocities = [np.zeros_like(p) for p in params]
    N = X.shape[0]
    for epoch in range(len(orders)):
        if reset_velocity:
            velocities = [np.zeros_like(p) for p in params]
        order = orders[0] if first_order_only else orders[epoch]
        if ignore_orders:
            order = np.arange(N)
        stop = N - batch_size + 1 if drop_last else N
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            _, grads = _loss_and_gradients(X[idx], y[idx], *params)
            for i, (p, v, g) in enumerate(zip(params, velocities, grads)):
                if not momentum:
                    params[i] = p - lr * g
                    continue
                new_v = mu * v - lr * g
                params[i] = p + (v if old_velocity else new_v)
                velocities[i] = new_v
    return tuple(params)


def epoch_orders(rng, N, epochs):
    """(epochs, N): one random order of the N examples per epoch."""
    return np.array([rng.permutation(N) for _ in range(epochs)])


_DIGITS = None


def _digits():
    """The standardised training part of the digits (the split of the notebook)."""
    global _DIGITS
    if _DIGITS is None:
        X, y = load_digits()
        X_train, X_test, y_train, _ = train_test_split(X, y, test_fraction=0.2, seed=0)
        _DIGITS = standardize(X_train, X_test)[0], y_train
    return _DIGITS[0].copy(), _DIGITS[1].copy()


def _he(rng, n_in, n_out):
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)


LOOP_HINT = ("compare your loop with the steps of the task: velocities of zeros made once, "
             "before the first epoch; in epoch e the batches orders[e][start:start + "
             "batch_size]; every parameter updated by momentum_step after each batch")


def _train_cases(rng):
    def small(epochs, label):
        X, y = _normal(rng, 42, 5), rng.integers(0, 3, size=42)
        return Case((X, y, _he(rng, 5, 8), np.zeros(8), _he(rng, 8, 3), np.zeros(3), 0.1, 0.9, 8,
                     epoch_orders(rng, 42, epochs)), label, hint=LOOP_HINT)
    X, y = _digits()
    digits = Case((X, y, _he(rng, 64, 64), np.zeros(64), _he(rng, 64, 10), np.zeros(10), 0.02,
                   0.9, 32, epoch_orders(rng, len(y), 20)), "the digits, 20 epochs",
                  hint=LOOP_HINT)
    return [small(1, "one epoch, 42 examples"), small(3, "3 epochs, 42 examples"), digits]


def _mistake(**option):
    return lambda *a: train_network_reference(*a, **option)


TRAIN_NETWORK = Task(
    id="06.train_network", function="train_network", title="a mini-batch training loop",
    points=5, args=("X", "y", "W1", "b1", "W2", "b2", "lr", "mu", "batch_size", "orders"),
    outputs=("W1", "b1", "W2", "b2"), cases=_train_cases, reference=train_network_reference,
    sizes=lambda *a: {},
    mistakes=(
        Mistake("use the given orders: epoch e takes its batches from orders[e], "
                "batch = orders[e][start:start + batch_size]; you went through the rows in "
                "their stored order", _mistake(ignore_orders=True)),
        Mistake("every epoch used the first order: epoch e must use its own order, orders[e]",
                _mistake(first_order_only=True)),
        Mistake("the velocities carry over from one epoch to the next: set them to zero once, "
                "before training", _mistake(reset_velocity=True)),
        Mistake("you trained without momentum: update every parameter with your momentum_step, "
                "v ← μ v − η ∇L, θ ← θ + v", _mistake(momentum=False)),
        Mistake("the last mini-batch is smaller when N is not a multiple of batch_size; it must "
                "be used too (order[start:start + batch_size] simply gives fewer rows)",
                _mistake(drop_last=True)),
        Mistake("θ must move with the new velocity (eq. 6.2): first v ← μ v − η ∇L, then "
                "θ ← θ + v", _mistake(old_velocity=True)),
    ),
    forbidden=("SGD", "train", "train_step", "iterate_minibatches", "training.run_epoch",
               "Network", "mlp", "Dense"),
    uses=("06.momentum_step",),
    partial={"one epoch, 42 examples": 2},
)


# -- 4. binary cross-entropy on a logit ----------------------------------------------------------

STABLE_BCE = ("your loss is not numerically stable: for z = ±1000, σ(z) rounds to 0 or 1 and "
              "log 0 is −inf (or exp(1000) overflows). Compute log σ(z) and log(1 − σ(z)) from z "
              "directly: the loss per example is max(z, 0) − y·z + log(1 + e^(−|z|))")


def _bce_cases(rng):
    def targets(N):
        return rng.integers(0, 2, size=(N, 1)).astype(float)
    return [Case((_normal(rng, 6, 1, scale=2.0), targets(6)), "6 examples"),
            Case((_normal(rng, 9, 1, scale=2.0), targets(9)), "9 examples"),
            Case((np.array([[-1000.0], [-30.0], [0.0], [30.0], [1000.0]]),
                  np.array([[1.0], [0.0], [1.0], [1.0], [0.0]])), "large |z| (±1000)",
                 strict=True, hint=STABLE_BCE)]


def _bce(z, y, mean=True, grad_sign=1.0, grad_scale=None):
    N = z.shape[0]
    L = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
    dz = grad_sign * (_sigmoid(z) - y) / (N if grad_scale is None else grad_scale)
    return (float(np.mean(L)) if mean else float(np.sum(L))), dz


def _bce_naive(z, y):
    p = 1.0 / (1.0 + np.exp(-z))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (p - y) / z.shape[0]


BCE = Task(
    id="06.bce_with_logits", function="bce_with_logits",
    title="binary cross-entropy on a logit", points=2, args=("z", "y"), outputs=("L", "dz"),
    cases=_bce_cases, reference=_bce,
    mistakes=(
        Mistake("L is the mean over the N examples, not their sum",
                lambda z, y: _bce(z, y, mean=False)),
        Mistake("∂L/∂z is (σ(z) − y) / N: the mean in L puts a 1/N into every gradient",
                lambda z, y: _bce(z, y, grad_scale=1.0)),
        Mistake("the gradient points the wrong way: ∂L/∂z = (σ(z) − y) / N, prediction minus "
                "target", lambda z, y: _bce(z, y, grad_sign=-1.0)),
        Mistake(STABLE_BCE, _bce_naive),
    ),
    forbidden=("BinaryCrossEntropy", "binary_cross_entropy", "sigmoid", "Sigmoid",
               "losses.softplus"),
    forbidden_other=("scipy.special.expit", "scipy.special.log_expit"),
    partial={"6 examples": 0.5, "9 examples": 0.5},
)

# -- 5. accuracy ---------------------------------------------------------------------------------

def _accuracy_cases(rng):
    def case(N, K, label):
        return Case((_normal(rng, N, K), rng.integers(0, K, size=N)), label)
    return [case(8, 3, "8 examples, 3 classes"), case(12, 10, "12 examples, 10 classes")]


def _accuracy(scores, y):
    return float(np.mean(scores.argmax(axis=1) == y))


ACCURACY = Task(
    id="06.accuracy", function="accuracy", title="the accuracy of class scores", points=1,
    args=("scores", "y"), cases=_accuracy_cases, reference=_accuracy,
    mistakes=(
        Mistake("you returned a percentage; the accuracy here is a fraction between 0 and 1",
                lambda scores, y: 100.0 * _accuracy(scores, y)),
        Mistake("you returned the number of correct predictions; divide by N for the fraction",
                lambda scores, y: float(np.sum(scores.argmax(axis=1) == y))),
        Mistake("the predicted class is the one with the largest score (argmax), not the "
                "smallest", lambda scores, y: float(np.mean(scores.argmin(axis=1) == y))),
        Mistake("you returned the error rate, the fraction of wrong predictions",
                lambda scores, y: 1.0 - _accuracy(scores, y)),
    ),
    forbidden=("accuracy", "train"),
)


TASKS = (SGD_STEP, MOMENTUM_STEP, TRAIN_NETWORK, BCE, ACCURACY)
