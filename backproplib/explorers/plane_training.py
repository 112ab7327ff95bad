"""Lesson 06: training a small network on points in the plane (drawn by ``live_training.py``).

Pure functions (each returns one named record):
    toy_data(name)                         the two-class data sets of the lesson: moons, spirals
    decision_grid(network, xlim, ylim)     P(class 1) on a grid of the plane: the picture of the
                                           decision boundary
    train_2d_epochs(...)                   trains mlp([2, width × depth, 1]) with the binary
                                           cross-entropy (Lesson 02, eq. 2.7) and mini-batch SGD
                                           (eqs. 6.1–6.3), one epoch at a time: after each, the run
                                           so far (losses, accuracies, snapshots of the boundary);
                                           a run that diverges is reported, not raised
    train_2d(...)                          the same run, whole
"""

from typing import NamedTuple

import numpy as np

from ..activations import sigmoid
from ..datasets import make_moons, make_spirals
from ..errors import ConfigError, TrainingDivergedError
from ..losses import BinaryCrossEntropy
from ..network import mlp
from ..optim import SGD
from ..training import History, check_progress, evaluate_epoch, run_epoch

DATASETS = ("moons", "spirals")
#: points per side of the grid on which the boundary is drawn
GRID = 60


def toy_data(name="moons", seed=0):
    """X: (200, 2) points, y: (200,) labels 0/1 of the data set ``name`` ("moons", "spirals")."""
    if name == "moons":
        return make_moons(n=200, noise=0.2, seed=seed)
    if name == "spirals":
        return make_spirals(n_per_class=100, noise=0.15, seed=seed)
    raise ConfigError(f"toy_data: unknown data set {name!r}; choose one of {', '.join(DATASETS)}.")


def plane_limits(X, margin=0.3):
    """((x_min, x_max), (y_min, y_max)) around the points X: (N, 2), with a margin."""
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    return (low[0], high[0]), (low[1], high[1])


def decision_grid(network, xlim, ylim, n=GRID):
    """P(class 1) = σ(network(x)) at n × n points of the rectangle xlim × ylim.

    Returns (xs: (n,), ys: (n,), P: (n, n)) with P[i, j] at the point (xs[j], ys[i]).
    """
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    gx, gy = np.meshgrid(xs, ys)
    logits = network.forward(np.column_stack([gx.ravel(), gy.ravel()]))
    return xs, ys, sigmoid(logits).reshape(n, n)


def not_learning(losses):
    """True when training failed: the loss rose, or ended far above log 2, the binary
    cross-entropy of a guess of 50% for every point."""
    return len(losses) > 0 and (losses[-1] > losses[0] or losses[-1] > 10 * np.log(2))


class TrainingRun(NamedTuple):
    dataset: str
    width: int
    depth: int
    lr: float
    epochs: int
    X: np.ndarray            # (N, 2) the points
    y: np.ndarray            # (N,) their labels
    loss: np.ndarray         # (E,) mean training loss of each epoch run (E < epochs if diverged)
    accuracy: np.ndarray     # (E,) training accuracy after each epoch
    snapshots: tuple         # ((epoch, P (n, n)), ...) the boundary at some epochs
    grid: tuple              # (xs (n,), ys (n,)) where P was evaluated
    diverged_epoch: int      # the epoch whose loss was NaN or infinite (-1: none)
    message: str             # one sentence for the reader


def snapshot_epochs(epochs, count=8):
    """About ``count`` epochs spread over 1..epochs (always the first and the last)."""
    return sorted({1, epochs, *np.linspace(1, epochs, count).round().astype(int).tolist()})


def train_2d_epochs(dataset="moons", width=16, depth=2, lr=0.1, epochs=100, momentum=0.9,
                    batch_size=20, seed=0, snapshots=8):
    """Train mlp([2] + [width] * depth + [1], tanh) on ``toy_data(dataset)`` with the binary
    cross-entropy on its logit and mini-batch SGD with momentum, one epoch at a time.

    A generator: after each epoch it yields the TrainingRun so far, with the boundary kept at
    about ``snapshots`` epochs, so that a caller can draw, or stop, between two epochs. An epoch
    is the body of the library's ``train`` loop (training.py), so the run is ``train``'s. A run
    that diverges ends with ``diverged_epoch`` set and a message saying what to try.
    """
    X, y = toy_data(dataset)
    Y = y.reshape(-1, 1).astype(float)
    net = mlp([2] + [int(width)] * int(depth) + [1], activation="tanh", init="xavier", seed=seed)
    loss, optimizer = BinaryCrossEntropy(), SGD(lr=lr, momentum=momentum)
    rng, history = np.random.default_rng(seed), History()
    xlim, ylim = plane_limits(X)
    grid = (np.linspace(*xlim, GRID), np.linspace(*ylim, GRID))
    wanted, kept = snapshot_epochs(int(epochs), snapshots), []

    def run_so_far(done, diverged=-1):
        losses, accuracies = history.loss[:done], history.accuracy[:done]
        return TrainingRun(dataset, int(width), int(depth), float(lr), int(epochs), X, y,
                           np.array(losses), np.array(accuracies), tuple(kept), grid, diverged,
                           run_message(losses, accuracies, diverged, lr, int(epochs)))

    for epoch in range(1, int(epochs) + 1):
        try:
            run_epoch(net, loss, X, Y, optimizer, batch_size, rng, history)
            evaluate_epoch(net, loss, (X, Y), None, history)
            check_progress(net, optimizer, history)
        except TrainingDivergedError:
            yield run_so_far(epoch - 1, diverged=epoch)
            return
        if epoch in wanted:
            kept.append((epoch, decision_grid(net, xlim, ylim, GRID)[2]))
        yield run_so_far(epoch)


def train_2d(dataset="moons", width=16, depth=2, lr=0.1, epochs=100, momentum=0.9, batch_size=20,
             seed=0, snapshots=8):
    """The whole run of ``train_2d_epochs`` (same arguments): its last TrainingRun."""
    return last(train_2d_epochs(dataset, width, depth, lr, epochs, momentum, batch_size, seed,
                                snapshots))


def last(runs):
    """The last run of ``train_2d_epochs``: the finished one."""
    for run in runs:
        final = run
    return final


def finished(run):
    """True when ``run`` trained all its epochs, or diverged."""
    return run.diverged_epoch > 0 or len(run.loss) == run.epochs


def failed(run):
    """True when ``run`` diverged, or finished without learning (``not_learning``)."""
    return run.diverged_epoch > 0 or (finished(run) and not_learning(run.loss))


def run_message(losses, accuracies, diverged_epoch, lr, epochs=None):
    """One sentence on how a run of ``train_2d`` went: diverged, not learning, or its result;
    with ``epochs`` (the epochs asked for) and fewer run, how far training has come."""
    if diverged_epoch > 0:
        return (f"Diverged in epoch {diverged_epoch}: the loss became infinite. The learning rate "
                f"{lr:g} is too large for this network; try one ten times smaller.")
    if epochs is not None and len(losses) < epochs:
        return (f"Training: epoch {len(losses)} of {epochs}, training loss {losses[-1]:.3f}, "
                f"training accuracy {accuracies[-1]:.1%}.")
    if not_learning(losses):
        return (f"Not learning: the loss went from {losses[0]:.3g} in epoch 1 to {losses[-1]:.3g}, "
                f"worse than a coin toss (log 2 ≈ 0.693): the steps overshoot (training accuracy "
                f"{accuracies[-1]:.1%}). The learning rate {lr:g} is too large; try one ten times "
                f"smaller.")
    epochs_run = f"{len(losses)} epoch" + ("s" if len(losses) != 1 else "")
    return (f"After {epochs_run}: training loss {losses[-1]:.3f}, training accuracy "
            f"{accuracies[-1]:.1%}.")
