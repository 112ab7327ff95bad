"""Explorers of Lesson 06: gradient descent on a 2-D loss surface, and the noise of mini-batches.

Pure functions (each returns one named record; the explorers only draw it):
    bowl_loss_and_grad(theta)                the loss L(θ) = ½ (a θ₁² + c θ₂²) and its gradient
    descent_path(lr, steps, momentum)        gradient descent (eqs. 6.1, 6.2) from a fixed start:
                                             the path, the losses and a verdict
    minibatch_run(batch_size, epochs, lr)    mini-batch SGD on a line fit (eq. 6.3): the path in
                                             (w, b), the loss after every iteration, the noise
Explorers: ``DescentExplorer()``, ``BatchNoiseExplorer()``: a change redraws only the curves (blit.py).
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..training import iterate_minibatches
from .blit import BlitExplorer, decades, nice_upper
from .kept import KeptPictures
from .loss_landscape import best_fit, linear_model_loss_and_grad, lines_loss_and_grad, mse_landscape
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, SEQUENTIAL_CMAP, SKY, VERMILLION

#: curvatures of the bowl along θ₁ (flat) and θ₂ (steep): eq. 6.4 puts the limit at η = 2 / STEEP
FLAT, STEEP = 1.0, 10.0
START, VIEW = (-4.0, 2.0), ((-5.0, 5.0), (-3.0, 3.0))   # VIEW: the part of the plane shown
#: a path that gets this far from the minimum has diverged (it is stopped before it overflows)
ESCAPE = 1e6


def bowl_loss_and_grad(theta):
    """L(θ) = ½ (FLAT·θ₁² + STEEP·θ₂²), minimum 0 at θ = (0, 0); and ∇L = (FLAT·θ₁, STEEP·θ₂).

    theta: (2,) or (..., 2).  Returns (L: (...), grad: (..., 2)).
    """
    theta = np.asarray(theta, dtype=float)
    curvature = np.array([FLAT, STEEP])
    return 0.5 * np.sum(curvature * theta ** 2, axis=-1), curvature * theta


class DescentPath(NamedTuple):
    lr: float
    momentum: float
    steps: int
    path: np.ndarray        # (S + 1, 2) θ after 0, 1, ... S steps (fewer if it diverged)
    losses: np.ndarray      # (S + 1,) L at each θ of the path
    verdict: str            # "diverged", "zig-zag", "smooth" or "too slow"
    diverged_at: int        # the step at which |θ| passed ESCAPE (-1 if it did not)
    zigzags: int            # how often the steep coordinate θ₂ changed sign
    message: str            # one sentence for the reader


def descent_path(lr, steps, momentum=0.0, start=START):
    """Run gradient descent on the bowl: v ← μ v − η ∇L, θ ← θ + v (eq. 6.2; μ = 0 is eq. 6.1).

    The run stops early when |θ| exceeds ESCAPE (diverged), so every number stays finite.
    Verdict: "diverged" (the loss grew past its start), "smooth" or "zig-zag" when the loss fell
    below 1e-3 of its start, "too slow" when it did not within ``steps`` steps (a run that
    zig-zags but shrinks is "zig-zag").
    """
    theta, v = np.array(start, dtype=float), np.zeros(2)
    path, diverged_at = [theta.copy()], -1
    for step in range(1, int(steps) + 1):
        v = momentum * v - lr * bowl_loss_and_grad(theta)[1]
        theta = theta + v
        path.append(theta.copy())
        if np.max(np.abs(theta)) > ESCAPE:
            diverged_at = step
            break
    path = np.array(path)
    losses = bowl_loss_and_grad(path)[0]
    zigzags = int(np.sum(np.diff(np.sign(path[:, 1])) != 0))
    if diverged_at > 0 or losses[-1] > losses[0]:
        verdict = "diverged"
        message = (f"Diverged: every step overshoots the valley floor by more than it corrects; "
                   f"after {len(path) - 1} steps the loss is {losses[-1]:.3g}, "
                   f"{losses[-1] / losses[0]:.3g} times its start. Use a smaller learning rate.")
    elif losses[-1] <= 1e-3 * losses[0]:
        verdict = "zig-zag" if zigzags > 2 else "smooth"
        message = ("Converged, zig-zagging across the steep direction." if verdict == "zig-zag"
                   else "Converged smoothly.")
    else:
        verdict = "zig-zag" if zigzags > len(path) // 2 else "too slow"
        message = (f"Still {losses[-1] / losses[0]:.1%} of the starting loss after "
                   f"{len(path) - 1} steps: "
                   + ("it bounces from wall to wall and settles slowly." if verdict == "zig-zag"
                      else "the steps are too small (or too few)."))
    return DescentPath(float(lr), float(momentum), int(steps), path, losses, verdict,
                       diverged_at, zigzags, message)


class DescentExplorer(KeptPictures, BlitExplorer):
    """Learning rate, steps and momentum → the path of gradient descent over the contour plot."""

    def __init__(self, lr=0.05, steps=30, momentum=0.0):
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=-0.4, step=0.05,
                                         description="η (lr)", readout_format=".3f"),
            "steps": widgets.IntSlider(value=steps, min=1, max=100, description="steps"),
            "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05,
                                            description="μ (momentum)"),
        }
        super().__init__(controls, width=9.5, height=3.6,
                         title="Gradient descent on the bowl L = ½(θ₁² + 10 θ₂²)")

    def setup_figure(self, fig):
        self.ax_path, self.ax_loss = fig.subplots(1, 2, width_ratios=[1.4, 1])
        (x0, x1), (y0, y1) = VIEW
        g1, g2 = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 121))
        L = bowl_loss_and_grad(np.stack([g1, g2], axis=-1))[0]
        ax = self.ax_path
        levels = np.geomspace(0.01, L.max(), 14)
        ax.contourf(g1, g2, L, levels=levels, cmap=SEQUENTIAL_CMAP, alpha=0.85)
        ax.contour(g1, g2, L, levels=levels, colors="white", linewidths=0.5)
        ax.plot([0], [0], "*", color=ORANGE, mec=BLACK, ms=14, label="minimum")
        (self.line,) = ax.plot([], [], "-o", color="white", mec=BLACK, ms=3.5, lw=1.5,
                               label="path of θ")
        (start,) = ax.plot([START[0]], [START[1]], "s", color=SKY, mec=BLACK, ms=8, label="start")
        self.banner = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                              fontsize=11, color="white", fontweight="bold",
                              bbox=dict(facecolor=VERMILLION, alpha=0.9))
        ax.set(xlim=VIEW[0], ylim=VIEW[1], xlabel="θ₁ (flat direction)",
               ylabel="θ₂ (steep direction)", title="path over the contours of L")
        ax.legend(loc="lower right", fontsize=MIN_FONT_SIZE, framealpha=0.9)
        (self.loss_line,) = self.ax_loss.semilogy([], [], "-", color=BLUE, lw=2,
                                                  label="L(θ) after each step")
        self.ax_loss.minorticks_off()   # uncluttered, and twice as fast to draw
        self.ax_loss.set(xlabel="step", ylabel="loss (log scale)", title="loss")
        self.ax_loss.grid(alpha=0.3)
        self.moving = [self.line, start, *ax.spines.values(), self.banner, self.loss_line,
                       *self.ax_loss.spines.values()]   # spines over the lines, as drawn in full

    def compute(self, lr, steps, momentum):
        return descent_path(lr, steps, momentum)

    def draw(self, r):
        self.line.set_data(r.path[:, 0], r.path[:, 1])
        self.banner.set_text("DIVERGES: the path leaves the picture" if r.verdict == "diverged"
                             else "")
        self.banner.set_visible(r.verdict == "diverged")
        floor = np.maximum(r.losses, 1e-12)           # a loss of exactly 0 has no logarithm
        self.loss_line.set_data(np.arange(len(r.losses)), floor)
        self.ax_loss.set_xlim(0, nice_upper(max(r.steps, 1)))   # in steps: fewer stills (blit.py)
        self.ax_loss.set_ylim(decades(max(floor.min() / 3, 1e-12), max(floor.max() * 3, 10), every=3))

    def describe(self, r):
        colour = VERMILLION if r.verdict == "diverged" else BLACK
        return "<br>".join([
            f"η = {r.lr:.3f}, μ = {r.momentum:.2f}, {r.steps} steps",
            f"<b>verdict: {r.verdict}</b> — <span style='color:{colour}'>{r.message}</span>",
            f"loss {r.losses[0]:.3g} → {r.losses[-1]:.3g};  θ₂ changed sign {r.zigzags} times",
            f"Without momentum, eq. 6.4 predicts divergence for η > 2 / {STEEP:g} = "
            f"{2 / STEEP:g} and zig-zags for η > 1 / {STEEP:g}."])


# -- mini-batches ---------------------------------------------------------------------------------

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
    if x is None or y is None:
        x, y = batch_line_data()
    N = len(x)
    theta = np.array(start, dtype=float)
    path, batch = [theta.copy()], []    # batch: (L, dw, db) on the batch each update used
    rng, diverged = np.random.default_rng(seed), False
    for _ in range(int(epochs)):
        if diverged:
            break
        for xb, yb in iterate_minibatches(x[:, None], y, int(batch_size), rng):
            Lb, dw, db = linear_model_loss_and_grad(xb[:, 0], yb, *theta)
            theta = theta - lr * np.array([dw, db])
            path.append(theta.copy())
            batch.append((Lb, dw, db))
            if np.max(np.abs(theta)) > ESCAPE:
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
        self.ax_loss.minorticks_off()   # as in DescentExplorer
        self.stop_mark = self.ax_loss.axvline(0, ymax=0.7, color=BLACK, ls=":", label="gain < 1% per epoch")
        self.ax_loss.set(xlabel="epoch (one tick = one pass over the data)",
                         ylabel="MSE (log scale)", title="loss per iteration")
        self.ax_loss.legend(loc="upper right", fontsize=MIN_FONT_SIZE)
        self.ax_loss.grid(alpha=0.3)
        self.moving = [self.line, self.ends, *ax.spines.values(), self.batch_line, self.full_line,
                       self.stop_mark, *self.ax_loss.spines.values()]   # in drawing order

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
        self.ax_loss.set_xlim(0, nice_upper(r.epochs))   # in steps, as in DescentExplorer
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
