"""Explorer of Lesson 06: gradient descent on a 2-D loss surface.

Pure functions (each returns one named record; the explorer only draws it):
    bowl_loss_and_grad(theta)                the loss L(θ) = ½ (a θ₁² + c θ₂²) and its gradient
    descent_path(lr, steps, momentum)        gradient descent (eqs. 6.1, 6.2) from a fixed start:
                                             the path, the losses and a verdict
Explorer: ``DescentExplorer()``: a change redraws only the path and its loss (blit.py).
The noise of mini-batches (eq. 6.3) has an explorer of its own: ``minibatch.py``.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from .blit import BlitExplorer
from .kept import KeptPictures
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, SEQUENTIAL_CMAP, SKY, VERMILLION, decades, nice_upper

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
