"""Lesson 06: train a small network on points in the plane and watch it learn.

Pure functions (each returns one named record):
    toy_data(name)                         the two-class data sets of the lesson: moons, spirals
    decision_grid(network, xlim, ylim)     P(class 1) on a grid of the plane: the picture of the
                                           decision boundary
    train_2d(...)                          trains mlp([2, width × depth, 1]) with the binary
                                           cross-entropy (Lesson 02, eq. 2.7) and mini-batch SGD
                                           (eqs. 6.1–6.3); losses, accuracies and snapshots of the
                                           boundary; a run that diverges is reported, not raised
Explorer: ``LiveTrainingExplorer()`` redraws the boundary and the loss curve while it trains,
under a progress bar.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..activations import sigmoid
from ..datasets import make_moons, make_spirals
from ..errors import ConfigError, TrainingDivergedError
from ..losses import BinaryCrossEntropy
from ..network import mlp
from ..training import train
from .base import Explorer
from .style import BLACK, BLUE, DIVERGING_CMAP, MARKERS, MIN_FONT_SIZE, ORANGE, VERMILLION

DATASETS = ("moons", "spirals")


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


def decision_grid(network, xlim, ylim, n=60):
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


def train_2d(dataset="moons", width=16, depth=2, lr=0.1, epochs=100, momentum=0.9, batch_size=20,
             seed=0, on_snapshot=None, snapshots=8):
    """Train mlp([2] + [width] * depth + [1], tanh) on ``toy_data(dataset)`` with the binary
    cross-entropy on its logit and mini-batch SGD with momentum.

    on_snapshot: called as on_snapshot(run_so_far) at each snapshot epoch (to draw while training).
    Returns a TrainingRun; a diverging run stops there with ``diverged_epoch`` and a message.
    """
    X, y = toy_data(dataset)
    net = mlp([2] + [int(width)] * int(depth) + [1], activation="tanh", init="xavier", seed=seed)
    xlim, ylim = plane_limits(X)
    record = dict(loss=[], accuracy=[], snapshots=[], diverged=-1, grid=None)
    wanted = snapshot_epochs(int(epochs), snapshots)

    def make_run(message=""):
        return TrainingRun(dataset, int(width), int(depth), float(lr), int(epochs), X, y,
                           np.array(record["loss"]), np.array(record["accuracy"]),
                           tuple(record["snapshots"]), record["grid"] or (None, None),
                           record["diverged"], message)

    def after_epoch(epoch, history):
        record["loss"].append(history.loss[-1])
        record["accuracy"].append(history.accuracy[-1])
        if epoch in wanted:
            xs, ys, P = decision_grid(net, xlim, ylim)
            record["grid"] = (xs, ys)
            record["snapshots"].append((epoch, P))
            if on_snapshot is not None:
                on_snapshot(make_run())

    try:
        train(net, BinaryCrossEntropy(), X, y.reshape(-1, 1).astype(float), epochs=int(epochs),
              lr=lr, momentum=momentum, batch_size=batch_size, seed=seed, callback=after_epoch)
    except TrainingDivergedError:
        record["diverged"] = len(record["loss"]) + 1
        if record["grid"] is None:
            record["grid"] = (np.linspace(*xlim, 60), np.linspace(*ylim, 60))
    return make_run(run_message(record["loss"], record["accuracy"], record["diverged"], lr))


def run_message(losses, accuracies, diverged_epoch, lr):
    """One sentence on how a run of ``train_2d`` went: diverged, not learning, or its result."""
    if diverged_epoch > 0:
        return (f"Diverged in epoch {diverged_epoch}: the loss became infinite. The learning rate "
                f"{lr:g} is too large for this network; try one ten times smaller.")
    if not_learning(losses):
        return (f"Not learning: the loss went from {losses[0]:.3g} in epoch 1 to {losses[-1]:.3g}, "
                f"worse than a coin toss (log 2 ≈ 0.693): the steps overshoot (training accuracy "
                f"{accuracies[-1]:.1%}). The learning rate {lr:g} is too large; try one ten times "
                f"smaller.")
    return (f"After {len(losses)} epochs: training loss {losses[-1]:.3f}, training accuracy "
            f"{accuracies[-1]:.1%}.")


class LiveTrainingExplorer(Explorer):
    """Choose the data, the network and the learning rate; the boundary and the loss curve are
    redrawn while the network trains (``continuous_update`` is off: it trains when you let go)."""

    def __init__(self, dataset="moons", width=16, depth=2, lr=0.1, epochs=100):
        self.progress = widgets.IntProgress(min=0, max=epochs, description="training")
        self.frames = 0           # how many pictures were shown while training (for tests)
        self.live = False         # no pictures during the first run: nothing is on screen yet
        slider = dict(continuous_update=False)
        controls = {
            "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data"),
            "width": widgets.IntSlider(value=width, min=1, max=64, description="width",
                                       **slider),
            "depth": widgets.IntSlider(value=depth, min=1, max=3, description="hidden layers",
                                       **slider),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25,
                                         description="η (lr)", readout_format=".3f", **slider),
            "epochs": widgets.IntSlider(value=epochs, min=10, max=300, step=10,
                                        description="epochs", **slider),
        }
        super().__init__(controls, width=9.0, height=3.6,
                         title="Training a network on points in the plane")
        self.widget.children = (*self.widget.children, self.progress)
        self.live = True

    def setup_figure(self, fig):
        self.ax_plane, self.ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.2])
        self.ax_loss.set(xlabel="epoch", ylabel="training loss (log scale)", title="loss curve")
        self.ax_loss.set_yscale("log")
        self.ax_loss.minorticks_off()   # uncluttered, and faster to draw (as in descent.py)
        (self.loss_line,) = self.ax_loss.plot([], [], "-", color=BLUE, lw=2,
                                              label="binary cross-entropy")
        self.ax_acc = self.ax_loss.twinx()
        (self.acc_line,) = self.ax_acc.plot([], [], "--", color=ORANGE, lw=1.5, label="accuracy")
        self.ax_acc.set(ylim=(0.4, 1.02), ylabel="training accuracy")
        self.ax_loss.legend(handles=[self.loss_line, self.acc_line], loc="center right",
                            fontsize=MIN_FONT_SIZE)
        self.ax_loss.grid(alpha=0.3)

    def compute(self, dataset, width, depth, lr, epochs):
        self.progress.max, self.progress.value = epochs, 0

        def show(run):
            self.progress.value = len(run.loss)
            if not self.live:
                return
            self.frames += 1
            self.draw(run)
            self.image.show(self.render())

        run = train_2d(dataset, width, depth, lr, epochs, on_snapshot=show)
        self.progress.value = len(run.loss)
        return run

    def draw(self, r):
        ax = self.ax_plane
        ax.clear()
        xs, ys = r.grid
        if r.snapshots:
            epoch, P = r.snapshots[-1]
            ax.contourf(xs, ys, P, levels=np.linspace(0, 1, 11), cmap=DIVERGING_CMAP, alpha=0.6)
            ax.contour(xs, ys, P, levels=[0.5], colors=BLACK, linewidths=2)
            title = f"boundary P = 0.5 after epoch {epoch}"
        else:
            title = "no boundary: the first epoch diverged"
        for k, colour in enumerate([BLUE, ORANGE]):
            pts = r.X[r.y == k]
            ax.scatter(pts[:, 0], pts[:, 1], s=12, marker=MARKERS[k], color=colour,
                       edgecolors=BLACK, linewidths=0.4, label=f"class {k}")
        ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]), title=title, xticks=[], yticks=[])
        ax.legend(loc="lower right", fontsize=MIN_FONT_SIZE)
        if r.diverged_epoch > 0 or not_learning(r.loss):
            banner = "DIVERGED" if r.diverged_epoch > 0 else "NOT LEARNING: the steps overshoot"
            ax.text(0.5, 0.5, banner, transform=ax.transAxes, ha="center", va="center",
                    color="white", fontweight="bold", bbox=dict(facecolor=VERMILLION))
        epochs = np.arange(1, len(r.loss) + 1)
        self.loss_line.set_data(epochs, np.maximum(r.loss, 1e-6))
        self.acc_line.set_data(epochs, r.accuracy)
        self.ax_loss.set_xlim(0, r.epochs)
        if len(r.loss):
            low, high = np.maximum(r.loss, 1e-6).min(), np.maximum(r.loss, 1e-6).max()
            self.ax_loss.set_ylim(low / 2, high * 2)

    def describe(self, r):
        failed = r.diverged_epoch > 0 or not_learning(r.loss)
        colour = VERMILLION if failed else BLACK
        return (f"{r.dataset}, {r.depth} hidden layer(s) of {r.width} tanh units, η = {r.lr:.3f}, "
                f"momentum 0.9, batches of 20<br><span style='color:{colour}'>{r.message}</span>")
