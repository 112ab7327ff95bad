"""Exercise 07 · Generalisation: a validation split, weight decay, the early-stopping rule, early stopping.

The functions the learner writes (Lesson 07), one per section of the lesson:
    split_train_validation(X, y, val_fraction, seed)
                        -> X_train, X_val, y_train, y_val: order = rng.permutation(N) with
                           rng = np.random.default_rng(seed); the first round(val_fraction · N)
                           rows of that order are the validation part, the rest the training part
    weight_decay_step(W, dW, lr, lam)
                        -> W − η (∂L/∂W + λ W), a new array (eqs. 7.3, 7.4)
    early_stopping(val_losses, patience)
                        validation losses of epochs 1, 2, ... -> (best_epoch, stop_epoch): stop
                        after the first epoch that is ``patience`` epochs past the best so far
                        (a strictly lower loss is an improvement); without such an epoch,
                        stop_epoch is the last epoch
    train_with_early_stopping(X_train, y_train, X_val, y_val, hidden, lr, max_epochs, patience,
                              seed)
                        train mlp([D, hidden, K], "relu", seed=seed) with backproplib's ``train``
                        (momentum 0.9, batch size 16, seed=seed, softmax cross-entropy), stop by
                        the rule above and restore the weights of the best epoch
                        -> (best_epoch, W1, b1, W2, b2)
"""

import numpy as np

from ...datasets import load_digits, make_moons, standardize
from ...losses import SoftmaxCrossEntropy
from ...network import mlp
from ...training import train
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Generalisation"
NOTEBOOK = "07_generalisation"

MOMENTUM, BATCH_SIZE = 0.9, 16



# -- 1. a validation split -----------------------------------------------------------------------

def _split_cases(rng):
    def case(N, D, fraction, label):
        return Case((_normal(rng, N, D), rng.integers(0, 3, size=N), fraction,
                     int(rng.integers(1000))), label)
    return [case(20, 3, 0.25, "20 examples, 25% for validation"),
            case(47, 2, 0.25, "47 examples, 25% for validation")]


def _split(X, y, val_fraction, seed, shuffle=True, from_end=False, two_orders=False,
           count=round):
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    n_val = int(count(val_fraction * N))
    order = rng.permutation(N) if shuffle else np.arange(N)
    order_y = rng.permutation(N) if two_orders else order
    if from_end:  # validation rows order[-n_val:], training rows order[:-n_val]
        order, order_y = np.roll(order, n_val), np.roll(order_y, n_val)
    return X[order[n_val:]], X[order[:n_val]], y[order_y[n_val:]], y[order_y[:n_val]]


SPLIT = Task(
    id="07.split_train_validation", function="split_train_validation",
    title="a training / validation split", points=2,
    args=("X", "y", "val_fraction", "seed"), outputs=("X_train", "X_val", "y_train", "y_val"),
    cases=_split_cases, reference=_split, sizes=lambda *a: {},
    mistakes=(
        Mistake("shuffle first: the rows are taken in the order rng.permutation(N), with "
                "rng = np.random.default_rng(seed); data files are often sorted (by class, by "
                "date), and the first rows are then no fair sample",
                lambda *a: _split(*a, shuffle=False)),
        Mistake("X and y must be shuffled with the same permutation, or examples lose their "
                "labels: draw one order and index both arrays with it",
                lambda *a: _split(*a, two_orders=True)),
        Mistake("the validation rows are the first round(val_fraction · N) of the shuffled "
                "order, the training rows the rest; you took them from the end",
                lambda *a: _split(*a, from_end=True)),
        Mistake("the validation part has round(val_fraction · N) rows; int() rounds down",
                lambda *a: _split(*a, count=np.floor)),
        Mistake("return the four arrays in the order of the task: X_train, X_val, y_train, y_val",
                lambda *a: (lambda r: (r[0], r[2], r[1], r[3]))(_split(*a))),
    ),
    forbidden=("train_test_split",),
)


# -- 2. a step with weight decay ----------------------------------------------------------------

def _decay_cases(rng):
    return [Case((_normal(rng, 4, 3), _normal(rng, 4, 3), 0.1, 0.01), "W (4, 3), η = 0.1, λ = 0.01"),
            Case((_normal(rng, 5, 2), _normal(rng, 5, 2), 0.05, 0.5), "W (5, 2), η = 0.05, λ = 0.5")]


def _decay(W, dW, lr, lam, factor=1.0, sign=1.0, decay_lr=True):
    decay = sign * factor * lam * W
    return W - lr * dW - (lr * decay if decay_lr else decay)


WEIGHT_DECAY = Task(
    id="07.weight_decay_step", function="weight_decay_step", title="a step with weight decay",
    points=2, args=("W", "dW", "lr", "lam"), cases=_decay_cases, reference=_decay,
    sizes=lambda *a: {},
    mistakes=(
        Mistake("the gradient of (λ/2)‖W‖² is λ W (the ½ cancels the 2 of the square, eq. 7.3); "
                "you used (λ/2) W", lambda *a: _decay(*a, factor=0.5)),
        Mistake("the gradient of (λ/2)‖W‖² is λ W, not 2λ W: the ½ in eq. 7.2 is there to "
                "cancel the 2", lambda *a: _decay(*a, factor=2.0)),
        Mistake("weight decay pulls W towards zero: the step subtracts η λ W (eq. 7.4); you "
                "added it, so the weights grow", lambda *a: _decay(*a, sign=-1.0)),
        Mistake("λ W is part of the gradient (eq. 7.3), so the learning rate multiplies it too: "
                "W − η (∂L/∂W + λ W)", lambda *a: _decay(*a, decay_lr=False)),
        Mistake("you left out the decay: W − η (∂L/∂W + λ W), eq. 7.3",
                lambda W, dW, lr, lam: W - lr * dW),
    ),
    forbidden=("SGD", "train", "train_step"),
)


# -- 3. the early-stopping rule ------------------------------------------------------------------

def _curve(rng, n, turn, noise=0.02):
    """A validation curve that falls until epoch ``turn`` and then rises, with a little noise."""
    e = np.arange(1, n + 1)
    return 0.5 + 0.002 * (e - turn) ** 2 / max(turn, 1) + noise * rng.random(n)


def _rule_cases(rng):
    dip = np.array([1.0, 0.8, 0.7, 0.72, 0.74, 0.71, 0.69, 0.75, 0.78, 0.8, 0.83, 0.86])
    tie = np.array([0.9, 0.6, 0.65, 0.6, 0.62, 0.66, 0.7])
    return [Case((_curve(rng, 40, int(rng.integers(8, 15))), 5), "a U-shaped curve, patience 5"),
            Case((dip + 0.001 * rng.random(dip.size), 4), "a new best within the patience"),
            Case((np.sort(rng.random(10))[::-1].copy(), 3), "a curve that keeps falling"),
            Case((tie, 3), "an equal loss is no improvement"),
            Case((np.array([1.0, 0.8, 0.85, 0.9, 0.95, 0.99, 0.5]), 3), "a lower loss after the stop")]


def _rule(val_losses, patience, first=1, strict=True, late=0, whole_curve=False):
    losses = np.asarray(val_losses, dtype=float)
    if whole_curve:
        return int(np.argmin(losses)) + first, len(losses) - 1 + first
    best, best_loss = 0, np.inf
    for e, loss in enumerate(losses):
        if loss < best_loss or (not strict and loss <= best_loss):
            best, best_loss = e, loss
        if e - best >= patience + late:
            return best + first, e + first
    return best + first, len(losses) - 1 + first


EARLY_STOPPING = Task(
    id="07.early_stopping", function="early_stopping", title="the early-stopping rule", points=3,
    args=("val_losses", "patience"), outputs=("best_epoch", "stop_epoch"), cases=_rule_cases,
    reference=_rule, sizes=lambda *a: {},
    mistakes=(
        Mistake("epochs are counted from 1 (the first entry of val_losses is epoch 1); your "
                "answers are one too small", lambda *a: _rule(*a, first=0)),
        Mistake("you looked at the whole curve, but early stopping decides after each epoch "
                "and never sees the epochs after it stops", lambda *a: _rule(*a, whole_curve=True)),
        Mistake("only a strictly lower loss is an improvement (loss < best); an equal loss is "
                "not", lambda *a: _rule(*a, strict=False)),
        Mistake("stop as soon as `patience` epochs have passed without a new best "
                "(epoch − best_epoch ≥ patience); you waited one epoch more",
                lambda *a: _rule(*a, late=1)),
        Mistake("stop as soon as `patience` epochs have passed without a new best "
                "(epoch − best_epoch ≥ patience); you stopped one epoch too early",
                lambda *a: _rule(*a, late=-1)),
    ),
    forbidden=("train",),
)


# -- 4. training with early stopping -------------------------------------------------------------

def train_with_early_stopping_reference(X_train, y_train, X_val, y_val, hidden, lr, max_epochs,
                                        patience, seed, restore=True, first=1, by="val_loss"):
    """(best_epoch, W1, b1, W2, b2) — the options switch on typical mistakes."""
    K = int(max(np.max(y_train), np.max(y_val))) + 1
    net = mlp([X_train.shape[1], hidden, K], activation="relu", seed=seed)
    best = {"epoch": 0, "loss": np.inf, "params": None}

    def callback(epoch, history):
        loss = getattr(history, by)[-1]
        if loss < best["loss"]:
            best.update(epoch=epoch, loss=loss, params=[p.copy() for _, p in net.parameters()])
        return epoch - best["epoch"] >= patience

    train(net, SoftmaxCrossEntropy(), X_train, y_train, epochs=max_epochs, lr=lr,
          momentum=MOMENTUM, batch_size=BATCH_SIZE, seed=seed, validation=(X_val, y_val),
          callback=callback)
    if restore:
        for (_, p), saved in zip(net.parameters(), best["params"]):
            p[...] = saved
    return (best["epoch"] - 1 + first, *[p.copy() for _, p in net.parameters()])


_DIGITS = None


def _noisy_digits(rng, n_train=120, n_val=300, noise=0.2):
    """A few standardised digits with 20% of the training labels replaced by random ones."""
    global _DIGITS
    if _DIGITS is None:
        _DIGITS = load_digits()
    X, y = _DIGITS
    rows = rng.permutation(len(X))
    train_rows, val_rows = rows[:n_train], rows[n_train:n_train + n_val]
    X_train, X_val = standardize(X[train_rows], X[val_rows])
    y_train = y[train_rows].copy()
    flip = rng.random(n_train) < noise
    y_train[flip] = rng.integers(0, 10, size=int(flip.sum()))
    return X_train, y_train, X_val, y[val_rows].copy()


def _early_cases(rng):
    def moons(max_epochs, patience, label):
        X, y = make_moons(n=120, noise=0.35, seed=int(rng.integers(1000)))
        return Case((X[:40], y[:40], X[40:], y[40:], 50, 0.01, max_epochs, patience,
                     int(rng.integers(1000))), label)
    digits = Case((*_noisy_digits(rng), 64, 0.01, 60, 10, int(rng.integers(1000))),
                  "noisy digits, patience 10")
    return [moons(40, 5, "moons, patience 5"), moons(15, 100, "patience longer than training"),
            digits]


def _early_mistake(**option):
    return lambda *a: train_with_early_stopping_reference(*a, **option)


TRAIN_WITH_EARLY_STOPPING = Task(
    id="07.train_with_early_stopping", function="train_with_early_stopping",
    title="training with early stopping", points=5,
    args=("X_train", "y_train", "X_val", "y_val", "hidden", "lr", "max_epochs", "patience", "seed"),
    outputs=("best_epoch", "W1", "b1", "W2", "b2"), cases=_early_cases,
    reference=train_with_early_stopping_reference, sizes=lambda *a: {},
    mistakes=(
        Mistake("the weights you returned are those of the last epoch, not of the best one: "
                "when the validation loss improves, keep copies (p.copy() — the arrays of "
                "net.parameters() keep changing as training goes on) and put them back into "
                "the network at the end (p[...] = saved)", _early_mistake(restore=False)),
        Mistake("epochs are counted from 1 (the callback's first epoch is 1): your best_epoch "
                "is one too small", _early_mistake(first=0)),
        Mistake("the best epoch is the one with the lowest validation loss "
                "(history.val_loss); you used the training loss, which keeps falling",
                _early_mistake(by="loss")),
        Mistake("the best epoch is the one with the lowest validation loss "
                "(history.val_loss); you used the training loss, which keeps falling",
                _early_mistake(by="loss", restore=False)),
    ),
    forbidden=(),
)

TASKS = (SPLIT, WEIGHT_DECAY, EARLY_STOPPING, TRAIN_WITH_EARLY_STOPPING)
