"""Explorer of Lesson 06: the noise of mini-batch gradients (eq. 6.3) on a line fit.

Pure functions (each returns one named record; the explorer only draws it):
    batch_line_data()                        the 64 examples of a noisy line
    minibatch_run(batch_size, epochs, lr)    mini-batch SGD on the line fit: the path in (w, b),
                                             the loss after every iteration, the noise
Explorer: ``BatchNoiseExplorer()``: a change redraws only the curves (blit.py).
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..training import iterate_minibatches
from .blit import BlitExplorer
from .descent import ESCAPE
from .kept import KeptPictures
from .loss_landscape import (
    best_fit,
    check_xy,
    linear_model_loss_and_grad,
    lines_loss_and_grad,
    mse_landscape,
)
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, SEQUENTIAL_CMAP, SKY, VERMILLION, decades, nice_upper


def batch_line_data(n=64, seed=0):
    """A regression set for the mini-batch explorer: y = 1.2 x − 0.5 + noise (std 0.5), x in [−1, 2].

    Returns x: (n,), y: (n,) float64.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 2.0, n)
    return x, 1.2 * x - 0.5 + 0.5 * rng.standard_normal(n)


class MinibatchRun(NamedTuple):
    batch_size: int
    epochs: int
    lr: float
    iterations_per_epoch: int
    path: np.ndarray         # (T + 1, 2) (w, b) after 0, 1, ... T iterations (T updates in all)
    loss: np.ndarray         # (T + 1,) the loss on all the data after each iteration
    batch_loss: np.ndarray   # (T,) the loss on the batch each update used (what SGD sees)
    epoch_loss: np.ndarray   # (epochs,) the loss on all the data at the end of each epoch
    noise: float             # mean ‖g_batch − g_full‖ over the run, over ‖g_full‖ at the start
    stop_epoch: int          # first epoch improving the epoch loss by < 1% (-1: none yet)
    best: tuple              # (w*, b*) the exact minimum
    diverged: bool           # |θ| passed ESCAPE: the run was stopped there


def minibatch_run(batch_size, epochs, lr=0.1, start=(-1.0, 2.0), seed=0, x=None, y=None):
    """Mini-batch SGD on the MSE of a line ŷ = w x + b (eq. 6.3: each update uses the gradient of
    the mean loss over one batch of the shuffled data).

    x, y: (N,) data (default ``batch_line_data()``); batch_size ≥ 1 (N or more is full-batch
    gradient descent); epochs ≥ 1; the shuffling comes from ``seed``.
    """
    x, y = batch_line_data() if x is None or y is None else check_xy(x, y, "minibatch_run")
    N = len(x)
    theta = np.array(start, dtype=float)   # (w, b)
    path, batch = [theta], []    # batch: (L, dw, db) on the batch each update used
    rng, diverged = np.random.default_rng(seed), False
    for _ in range(int(epochs)):
        if diverged:
            break
        for xb, yb in iterate_minibatches(x, y, int(batch_size), rng):
            residual = theta[0] * xb + theta[1] - yb           # ŷ − y on the batch
            dY_hat = 2 * residual / len(xb)                    # ∂L/∂ŷ (Lesson 02, eq. 2.2)
            gradient = np.array([dY_hat @ xb, dY_hat.sum()])    # (dw, db) (Lesson 02, eq. 2.9)
            theta = theta - lr * gradient                      # the update (eq. 6.3)
            path.append(theta)
            batch.append((residual @ residual / len(xb), *gradient))   # L (Lesson 02, eq. 2.1)
            if np.abs(theta).max() > ESCAPE:
                diverged = True
                break
    path, batch = np.array(path), np.array(batch).reshape(-1, 3)
    # on all the data, at every point of the path at once: what the batches only estimate
    loss, full_grad = lines_loss_and_grad(x, y, path)
    noise = np.hypot(*(batch[:, 1:] - full_grad[:-1]).T) / max(np.hypot(*full_grad[0]), 1e-12)
    per_epoch = -(-N // int(batch_size))
    epoch_loss = loss[per_epoch::per_epoch]
    if (len(path) - 1) % per_epoch:
        epoch_loss = np.append(epoch_loss, loss[-1])   # the epoch a diverging run stopped in
    gains = -np.diff([loss[0], *epoch_loss]) / np.maximum([loss[0], *epoch_loss[:-1]], 1e-12)
    calm = np.flatnonzero((gains >= 0) & (gains < 0.01))
    return MinibatchRun(int(batch_size), int(epochs), float(lr), per_epoch, path,
                        loss, batch[:, 0], epoch_loss,
                        float(np.mean(noise)), int(calm[0]) + 1 if calm.size and not diverged
                        else -1, best_fit(x, y), diverged)


class BatchNoiseExplorer(KeptPictures, BlitExplorer):
    """Batch size and epochs → the noisy path of SGD in (w, b) and its loss per iteration."""

    W_RANGE, B_RANGE = (-1.5, 2.5), (-1.5, 2.5)

    def __init__(self, batch_size=8, epochs=5, lr=0.1):
        self.x, self.y = batch_line_data()
        controls = {
            "batch_size": widgets.Dropdown(options=[1, 2, 4, 8, 16, 32, 64], value=batch_size,
                                           description="batch size"),
            "epochs": widgets.IntSlider(value=epochs, min=1, max=20, description="epochs"),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-2.5, max=-0.3, step=0.1,
                                         description="η (lr)", readout_format=".3f"),
        }
        super().__init__(controls, width=9.5, height=3.6,
                         title=f"Mini-batch SGD on a line fit ({len(self.x)} examples)")

    def setup_figure(self, fig):
        self.ax_path, self.ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.2])
        w_grid, b_grid = np.linspace(*self.W_RANGE, 121), np.linspace(*self.B_RANGE, 121)
        L = mse_landscape(self.x, self.y, w_grid, b_grid)
        ax = self.ax_path
        ax.contour(w_grid, b_grid, L, levels=np.geomspace(L.min() * 1.05, L.max(), 12),
                   cmap=SEQUENTIAL_CMAP, linewidths=0.8)
        w_best, b_best = best_fit(self.x, self.y)
        ax.plot([w_best], [b_best], "*", color=ORANGE, mec=BLACK, ms=14, label="minimum")
        (self.line,) = ax.plot([], [], "-", color=VERMILLION, lw=1, label="SGD path")
        (self.ends,) = ax.plot([], [], "o", color=BLUE, mec=BLACK, ms=4, label="end of an epoch")
        ax.set(xlim=self.W_RANGE, ylim=self.B_RANGE, xlabel="slope w", ylabel="intercept b",
               title="path of (w, b)")
        ax.legend(loc="upper right", fontsize=MIN_FONT_SIZE)
        (self.batch_line,) = self.ax_loss.semilogy([], [], "-", color=SKY, lw=0.8,
                                                   label="loss on the batch used")
        (self.full_line,) = self.ax_loss.semilogy([], [], "--", color=BLUE, lw=2,
                                                  label="loss on all the data")
        self.ax_loss.minorticks_off()   # uncluttered, and twice as fast to draw
        self.stop_mark = self.ax_loss.axvline(0, ymax=0.7, color=BLACK, ls=":", label="gain < 1% per epoch")
        self.ax_loss.set(xlabel="epochs (passes over the data)", ylabel="MSE (log scale)",
                         title="loss per iteration")
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))   # whole epochs: 20, not 20.0
        self.ax_loss.legend(loc="upper right", fontsize=MIN_FONT_SIZE)
        self.ax_loss.grid(alpha=0.3)
        self.moving = [self.line, self.ends, *ax.spines.values(), self.batch_line, self.full_line,
                       self.stop_mark, *self.ax_loss.spines.values()]   # in drawing order

    def widest_labels(self):
        epochs = self.controls["epochs"].max   # and losses from 10⁻⁶ to a diverged run's
        return {self.ax_loss: {"xlim": (0, nice_upper(epochs)), "ylim": (1e-9, 1e15)}}

    def compute(self, batch_size, epochs, lr):
        return minibatch_run(batch_size, epochs, lr, x=self.x, y=self.y)

    def draw(self, r):
        w, b = np.clip(r.path[:, 0], -1e3, 1e3), np.clip(r.path[:, 1], -1e3, 1e3)
        self.line.set_data(w, b)
        ends = np.arange(1, r.epochs + 1) * r.iterations_per_epoch
        ends = ends[ends < len(w)]
        self.ends.set_data(w[ends], b[ends])
        t = np.arange(len(r.loss)) / r.iterations_per_epoch
        self.batch_line.set_data(t[1:], np.maximum(r.batch_loss, 1e-6))
        self.full_line.set_data(t, r.loss)
        self.stop_mark.set_xdata([r.stop_epoch, r.stop_epoch])
        self.stop_mark.set_visible(r.stop_epoch > 0)
        self.ax_loss.set_xlim(0, nice_upper(r.epochs))   # in steps: fewer stills (blit.py)
        low = min(r.loss.min(), np.maximum(r.batch_loss, 1e-6).min())
        self.ax_loss.set_ylim(decades(low / 2, max(r.loss.max(), r.batch_loss.max()) * 2, every=3))

    def describe(self, r):
        lines = [f"N = {len(self.x)} examples, batch size {r.batch_size}: "
                 f"<b>{r.iterations_per_epoch} iterations (updates) per epoch</b>, "
                 f"{r.epochs} epochs = {r.epochs * r.iterations_per_epoch} iterations",
                 f"gradient noise: a batch gradient differs from the full-data gradient by "
                 f"{r.noise:.0%} of the starting gradient's length, on average",
                 f"loss on all the data: {r.loss[0]:.3f} → {r.loss[-1]:.3f} "
                 f"(the best line reaches {linear_model_loss_and_grad(self.x, self.y, *r.best)[0]:.3f})"]
        if r.stop_epoch > 0:
            lines.append(f"From epoch {r.stop_epoch} on, an epoch improves the loss by less than "
                         f"1%: a reasonable place to stop.")
        if r.diverged or r.loss[-1] > r.loss[0]:
            what = (f"Diverged after {len(r.loss) - 1} iterations" if r.diverged
                    else "The loss ended higher than it started")
            lines.append(f"<span style='color:#D55E00'>⚠ {what}: this learning rate is too "
                         f"large for steps this noisy; try one a few times smaller.</span>")
        return "<br>".join(lines)
