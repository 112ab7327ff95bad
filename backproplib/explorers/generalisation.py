"""Lesson 07: generalisation — overfitting, noisy labels, weight decay, a validation sweep.

All experiments use the shipped digits, split once into training, validation and test rows
(``digit_splits``). Pure functions (each returns one named record):
    flip_labels(y, fraction, seed)                  replace a fraction of the labels by wrong ones
    overfitting_runs(hidden_sizes, epochs)          train vs validation curves per hidden size
    overfitting_readout(runs, h, epoch)             the numbers at one epoch of one run
    weight_decay_runs(lambdas)                      curves and weight sizes per λ (eq. 7.3)
    validation_sweep(hidden_sizes, lambdas)         choose on validation, test the choice once
Explorer: ``OverfittingExplorer(runs)``. The noisy-label experiment is in ``noisy_labels.py``.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..datasets import load_digits, standardize
from ..errors import ConfigError
from ..losses import SoftmaxCrossEntropy
from ..network import mlp
from ..training import accuracy, train
from .blit import BlitExplorer
from .kept import KeptPictures
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, VERMILLION

#: settings shared by the experiments (fast: each run takes a fraction of a second)
TRAINING = dict(lr=0.01, momentum=0.9, batch_size=20)


class Splits(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray       # possibly noisy (see ``noise``)
    y_train_clean: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    flipped: np.ndarray       # (n_train,) True where the training label was replaced
    train_rows: np.ndarray    # (n_train,) the rows of ``load_digits()`` in the training set


def flip_labels(y, fraction, seed=0, K=10):
    """Labels with a random ``fraction`` of them replaced by a different, random class.

    y: (N,) labels in 0..K−1.  Returns (y_noisy (N,), flipped (N,) bool); every flipped label is
    wrong (it never lands on the true class by chance).
    """
    if not 0.0 <= fraction <= 1.0:
        raise ConfigError(f"flip_labels: fraction must lie in [0, 1], got {fraction!r}.")
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    flipped = rng.random(y.shape[0]) < fraction
    noisy = y.copy()
    noisy[flipped] = (y[flipped] + rng.integers(1, K, size=int(flipped.sum()))) % K
    return noisy, flipped


def digit_splits(n_train=200, n_val=500, noise=0.2, seed=0):
    """Split the digits at random: n_train training rows (a ``noise`` fraction of their labels
    flipped), n_val validation rows, the rest (1,797 − n_train − n_val) test rows, all with
    pixels standardised by the training rows' statistics."""
    X, y = load_digits()
    rows = np.random.default_rng(seed).permutation(len(X))
    tr, va, te = rows[:n_train], rows[n_train:n_train + n_val], rows[n_train + n_val:]
    y_noisy, flipped = flip_labels(y[tr], noise, seed)
    X_tr, X_va, X_te = standardize(X[tr], X[va], X[te])
    return Splits(X_tr, y_noisy, y[tr], X_va, y[va], X_te, y[te], flipped, tr)


def train_on_splits(splits, hidden, epochs, weight_decay=0.0, seed=0, callback=None):
    """Train mlp([64, hidden, 10]) on the training rows of ``splits`` (settings ``TRAINING``),
    validating on its validation rows. Returns (network, History)."""
    net = mlp([64, hidden, 10], activation="relu", seed=seed)
    history = train(net, SoftmaxCrossEntropy(), splits.X_train, splits.y_train, epochs=epochs,
                    weight_decay=weight_decay, seed=seed, validation=(splits.X_val, splits.y_val),
                    callback=callback, **TRAINING)
    return net, history


# -- overfitting ----------------------------------------------------------------------------------

class Runs(NamedTuple):
    hidden_sizes: tuple
    epochs: int
    train_loss: np.ndarray    # (H, E) per hidden size and epoch
    val_loss: np.ndarray      # (H, E)
    train_acc: np.ndarray     # (H, E) against the (noisy) training labels
    val_acc: np.ndarray       # (H, E)


def overfitting_runs(hidden_sizes=(4, 16, 64, 256), epochs=50, splits=None):
    """Train one network per hidden size on ``splits`` (default ``digit_splits()``)."""
    splits = splits or digit_splits()
    curves = [train_on_splits(splits, h, epochs)[1] for h in hidden_sizes]
    return Runs(tuple(hidden_sizes), int(epochs),
                *(np.array([getattr(c, name) for c in curves])
                  for name in ("loss", "val_loss", "accuracy", "val_accuracy")))


class Moment(NamedTuple):
    hidden: int
    epoch: int
    train_loss: float
    val_loss: float
    gap: float                # val_loss − train_loss, the generalisation gap (eq. 7.1)
    train_acc: float
    val_acc: float
    best_epoch: int           # the epoch of the lowest validation loss of this run
    overfitting: bool         # past the best epoch, with a growing validation loss


def overfitting_readout(runs, h, epoch):
    """The numbers of run ``h`` (an index into runs.hidden_sizes) after ``epoch`` (1-based)."""
    if not 1 <= epoch <= runs.epochs:
        raise ConfigError(f"overfitting_readout: epoch must be 1..{runs.epochs}, got {epoch}.")
    e = epoch - 1
    best = int(np.argmin(runs.val_loss[h])) + 1
    return Moment(runs.hidden_sizes[h], int(epoch), float(runs.train_loss[h, e]),
                  float(runs.val_loss[h, e]), float(runs.val_loss[h, e] - runs.train_loss[h, e]),
                  float(runs.train_acc[h, e]), float(runs.val_acc[h, e]), best,
                  epoch > best and runs.val_loss[h, e] > runs.val_loss[h, best - 1])


class OverfittingExplorer(KeptPictures, BlitExplorer):
    """Hidden size and training length → the training and validation loss curves.
    The axes never move: they are drawn once, then only the curves and what lies over them."""

    def __init__(self, runs, h=2, epoch=None):
        self.runs = runs
        controls = {
            "h": widgets.Dropdown(options=[(str(s), i) for i, s in enumerate(runs.hidden_sizes)],
                                  value=h, description="hidden units"),
            "epoch": widgets.IntSlider(value=epoch or runs.epochs, min=1, max=runs.epochs,
                                       description="epochs"),
        }
        super().__init__(controls, width=8.5, height=3.4,
                         title="Overfitting: training and validation loss")

    def setup_figure(self, fig):
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        top = float(np.max(np.minimum(self.runs.val_loss, 5.0)))
        (self.train_line,) = self.ax_loss.plot([], [], "-", color=BLUE, lw=2, label="training")
        (self.val_line,) = self.ax_loss.plot([], [], "--", color=ORANGE, lw=2, label="validation")
        self.best_mark = self.ax_loss.axvline(1, color=BLACK, ls=":", label="lowest validation loss")
        self.ax_loss.set(xlim=(0, self.runs.epochs), ylim=(0, top * 1.05), xlabel="epoch",
                         ylabel="cross-entropy", title="loss")
        (self.train_acc,) = self.ax_acc.plot([], [], "-", color=BLUE, lw=2, label="training")
        (self.val_acc,) = self.ax_acc.plot([], [], "--", color=ORANGE, lw=2, label="validation")
        self.ax_acc.set(xlim=(0, self.runs.epochs), ylim=(0, 1.02), xlabel="epoch",
                        ylabel="accuracy", title="accuracy (training labels are 20% wrong)")
        for ax in (self.ax_loss, self.ax_acc):
            ax.legend(fontsize=MIN_FONT_SIZE, loc="center right")
            ax.grid(alpha=0.3)
        self.moving = [self.train_line, self.val_line, self.best_mark,   # in a full render's order
                       *self.ax_loss.spines.values(), self.train_acc, self.val_acc,
                       *self.ax_acc.spines.values()]

    def compute(self, h, epoch):
        return overfitting_readout(self.runs, h, epoch)

    def draw(self, r):
        h = self.controls["h"].value
        e = np.arange(1, r.epoch + 1)
        self.train_line.set_data(e, self.runs.train_loss[h, :r.epoch])
        self.val_line.set_data(e, self.runs.val_loss[h, :r.epoch])
        self.train_acc.set_data(e, self.runs.train_acc[h, :r.epoch])
        self.val_acc.set_data(e, self.runs.val_acc[h, :r.epoch])
        self.best_mark.set_xdata([r.best_epoch, r.best_epoch])
        self.best_mark.set_visible(r.best_epoch <= r.epoch)

    def describe(self, r):
        lines = [f"{r.hidden} hidden units after {r.epoch} epochs: training loss "
                 f"{r.train_loss:.3f}, validation loss {r.val_loss:.3f} (gap {r.gap:+.3f}, "
                 f"eq. 7.1)",
                 f"accuracy: training {r.train_acc:.1%}, validation {r.val_acc:.1%}",
                 f"lowest validation loss at epoch {r.best_epoch}"]
        if r.overfitting:
            lines.append(f"<span style='color:{VERMILLION}'>Overfitting: {r.epoch - r.best_epoch} "
                         f"epochs past the best one, the training loss still falls while the "
                         f"validation loss rises.</span>")
        return "<br>".join(lines)


# -- weight decay and the validation sweep --------------------------------------------------------

class DecayRuns(NamedTuple):
    lambdas: tuple
    val_loss: np.ndarray      # (Λ, E)
    train_loss: np.ndarray    # (Λ, E)
    val_acc: np.ndarray       # (Λ, E)
    weight_norm: np.ndarray   # (Λ, E) ‖W‖ of the first layer after each epoch


def weight_decay_runs(lambdas=(0.0, 0.01, 0.1), hidden=64, epochs=50, splits=None):
    """Train with weight decay λ (eq. 7.3) for each λ; record curves and the first layer's ‖W‖."""
    splits = splits or digit_splits()
    out = {k: [] for k in ("val", "train", "acc", "norm")}
    for lam in lambdas:
        net, norms = mlp([64, hidden, 10], activation="relu", seed=0), []
        history = train(net, SoftmaxCrossEntropy(), splits.X_train, splits.y_train,
                        epochs=epochs, weight_decay=lam, seed=0, callback=_norm_recorder(net, norms),
                        validation=(splits.X_val, splits.y_val), **TRAINING)
        out["val"].append(history.val_loss)
        out["train"].append(history.loss)
        out["acc"].append(history.val_accuracy)
        out["norm"].append(norms)
    return DecayRuns(tuple(lambdas), *(np.array(out[k]) for k in out))


def _norm_recorder(net, norms):
    """A ``train`` callback appending ‖W‖ of the network's first layer to ``norms``."""
    def record(epoch, history):
        norms.append(float(np.linalg.norm(net.layers[0].W)))
    return record


class Selection(NamedTuple):
    hidden_sizes: tuple
    lambdas: tuple
    val_acc: np.ndarray       # (H, Λ) validation accuracy after training
    best: tuple               # (hidden, λ) with the highest validation accuracy
    test_acc: float           # the chosen network on the test set: measured once


def validation_sweep(hidden_sizes=(16, 64), lambdas=(0.0, 0.01, 0.1), epochs=40, splits=None):
    """Train every (hidden, λ) pair, choose by validation accuracy, then test the choice once."""
    splits = splits or digit_splits()
    val_acc, nets = np.zeros((len(hidden_sizes), len(lambdas))), {}
    for i, hidden in enumerate(hidden_sizes):
        for j, lam in enumerate(lambdas):
            nets[i, j], history = train_on_splits(splits, hidden, epochs, weight_decay=lam)
            val_acc[i, j] = history.val_accuracy[-1]
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    test = accuracy(nets[i, j].forward(splits.X_test), splits.y_test)
    return Selection(tuple(hidden_sizes), tuple(lambdas), val_acc,
                     (hidden_sizes[i], lambdas[j]), float(test))
