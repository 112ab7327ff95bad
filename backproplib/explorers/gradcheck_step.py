"""Lesson 04's explorer: the step size h of a numerical derivative against its error.

Pure function (tested without a browser):
    step_size_study(method, precision, guess_log10, revealed)
        the relative error of a forward (eq. 4.1) or central (eq. 4.2) difference of Lesson 03's
        one-weight loss, for 161 step sizes h from 1e-16 to 1, in float64 or float32; the
        truncation (eq. 4.3) and round-off (eq. 4.4) estimates; the measured and predicted best
        step; and how far the learner's guess was from the measured best step.
Explorer (a thin view over it):
    StepSizeExplorer()   guess the best h first, press Reveal, then see the U-shaped error curve.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ..errors import ConfigError
from .blit import BlitExplorer
from .kept import KeptPictures
from .reveal import PredictionFeedback, prediction_feedback, reveal_button
from .style import BLACK, BLUE, GREEN, MIN_FONT_SIZE, ORANGE, VERMILLION

#: Lesson 03's one-weight loss L(w) = (tanh(w x + b) − y)² with x = 1, at w = −1
X, B, Y, W0 = 1.0, 0.3, 0.6, -1.0
METHODS = {"forward": 1, "central": 2}          # method -> order of its truncation error
PRECISIONS = {"float64": np.float64, "float32": np.float32}
STEPS = np.logspace(-16, 0, 161)                  # h, 10 per decade
FLOOR = 1e-17                                     # errors below this are drawn at this level


def loss(w, dtype=np.float64):
    """L(w) = (tanh(w x + b) − y)², computed entirely in ``dtype``."""
    w = dtype(w)
    return (np.tanh(w * dtype(X) + dtype(B)) - dtype(Y)) ** 2


def loss_derivatives(w=W0):
    """L, L′, L″, L‴ at w, exactly (float64), from t = tanh(u), u = w x + b, s = 1 − t²."""
    t = np.tanh(w * X + B)
    s = 1.0 - t * t
    t2 = -2.0 * t * s                                 # t″
    t3 = -2.0 * s * s + 4.0 * t * t * s               # t‴
    e = t - Y
    return e * e, 2 * e * s * X, 2 * (s * s + e * t2), 2 * (3 * s * t2 + e * t3)


def difference(method, h, dtype=np.float64, w=W0):
    """The forward (eq. 4.1) or central (eq. 4.2) difference of L at w, in ``dtype``."""
    w, h = dtype(w), dtype(h)
    if method == "forward":
        return float((loss(w + h, dtype) - loss(w, dtype)) / h)
    return float((loss(w + h, dtype) - loss(w - h, dtype)) / (dtype(2) * h))


@dataclass
class StepSizeStudy:
    method: str
    precision: str
    steps: np.ndarray            # (161,) h
    errors: np.ndarray           # (161,) |difference − L′| / |L′|, at least FLOOR
    truncation: np.ndarray       # (161,) eq. 4.3's estimate, relative
    roundoff: np.ndarray         # (161,) eq. 4.4's estimate, relative
    epsilon: float               # machine epsilon of the precision
    best_step: float             # the measured h with the smallest error
    best_error: float
    predicted_best_step: float   # eq. 4.4's optimum, from the derivatives
    guess_step: float            # the learner's guess for the best h
    guess_error: float           # the error the guessed h really gives
    revealed: bool
    feedback: PredictionFeedback


def step_size_study(method="central", precision="float64", guess_log10=-8.0, revealed=False):
    """Measure the error of a numerical derivative for every step size.  Returns StepSizeStudy."""
    if method not in METHODS or precision not in PRECISIONS:
        raise ConfigError(f"step_size_study: method must be one of {tuple(METHODS)} and precision "
                          f"one of {tuple(PRECISIONS)}, got {method!r} and {precision!r}.")
    dtype = PRECISIONS[precision]
    L, dL, d2L, d3L = loss_derivatives()
    errors = np.array([abs(difference(method, h, dtype) - dL) for h in STEPS]) / abs(dL)
    errors = np.maximum(errors, FLOOR)
    eps = float(np.finfo(dtype).eps)
    order = METHODS[method]
    curvature = abs(d2L) / 2 if order == 1 else abs(d3L) / 6
    truncation = curvature * STEPS ** order / abs(dL)
    roundoff = eps * abs(L) / STEPS / abs(dL)
    # eq. 4.4: the sum curvature·h^p + ε|L|/h is smallest at h = (ε|L| / (p·curvature))^(1/(p+1))
    predicted = (eps * abs(L) / (order * curvature)) ** (1.0 / (order + 1))
    best = int(np.argmin(errors))
    guess = 10.0 ** float(guess_log10)
    guess_error = max(abs(difference(method, guess, dtype) - dL) / abs(dL), FLOOR)
    return StepSizeStudy(method, precision, STEPS, errors, truncation, roundoff, eps,
                         float(STEPS[best]), float(errors[best]), float(predicted), guess,
                         float(guess_error), bool(revealed),
                         prediction_feedback(guess_log10, np.log10(STEPS[best])))


class StepSizeExplorer(KeptPictures, BlitExplorer):
    """Guess the best step h, reveal the error curve, compare forward/central and float64/32.
    The axes never move: they are drawn once, then only the curves and what lies over them."""

    def __init__(self, method="central", precision="float64", guess_log10=-8.0):
        controls = {
            "method": widgets.Dropdown(options=[("central difference (eq. 4.2)", "central"),
                                                ("forward difference (eq. 4.1)", "forward")],
                                       value=method, description="method"),
            "precision": widgets.Dropdown(options=list(PRECISIONS), value=precision,
                                          description="precision"),
            "guess_log10": widgets.FloatSlider(value=guess_log10, min=-16, max=0, step=0.5,
                                               description="guess: h = 10^",
                                               readout_format=".1f"),
            "revealed": reveal_button(),
        }
        super().__init__(controls, width=6.5, height=3.8,
                         title="Step size h against the error of the numerical derivative")

    def setup_figure(self, fig):
        ax = self.ax = fig.add_subplot()
        ax.set(xscale="log", yscale="log", xlim=(1e-16, 1), ylim=(1e-19, 1e2))
        (self.curve,) = ax.plot([], [], color=BLUE, lw=2, marker=".", ms=3,
                                  label="measured relative error")
        (self.trunc,) = ax.plot([], [], ":", color=GREEN, lw=2, label="truncation (eq. 4.3)")
        (self.round,) = ax.plot([], [], "--", color=ORANGE, lw=2, label="round-off (eq. 4.4)")
        (self.best,) = ax.plot([], [], "*", color=BLACK, ms=14, label="measured best h")
        self.guess_line = ax.axvline(1e-8, color=VERMILLION, lw=2, ls="-.", label="your guess")
        self.hidden = ax.text(0.5, 0.5, "?  Commit your guess, then press Reveal", ha="center",
                              va="center", transform=ax.transAxes, fontsize=12)
        ax.set(xlabel="step size h (log scale)",
               ylabel="relative error of dL/dw (log scale)")
        ax.grid(alpha=0.3, which="major")
        ax.legend(fontsize=MIN_FONT_SIZE, loc="lower left", ncol=2)
        self.moving = [self.curve, self.trunc, self.round, self.best, self.guess_line,
                       *ax.spines.values(), self.hidden]    # in a full render's order

    def compute(self, method, precision, guess_log10, revealed):
        return step_size_study(method, precision, guess_log10, revealed)

    def draw(self, r):
        for line, y in ((self.curve, r.errors), (self.trunc, r.truncation), (self.round, r.roundoff)):
            line.set_data(r.steps, np.clip(y, FLOOR, 1e3))
            line.set_visible(r.revealed)
        self.best.set_data([r.best_step], [r.best_error])
        self.best.set_visible(r.revealed)
        self.hidden.set_visible(not r.revealed)
        self.guess_line.set_xdata([r.guess_step, r.guess_step])

    def describe(self, r):
        name = "central" if r.method == "central" else "forward"
        if not r.revealed:
            return (f"<b>Predict first.</b> For the {name} difference in {r.precision} "
                    f"(machine epsilon {r.epsilon:.1e}), which step h gives the most accurate "
                    f"derivative? Set the slider to your guess, then press <i>Reveal</i>.")
        return "<br>".join([
            r.feedback.sentence("the best step"),
            f"error at your guess: {r.guess_error:.1e}; smallest error: {r.best_error:.1e} "
            f"(at h = {r.best_step:.0e}); eq. 4.4 predicts the best h ≈ {r.predicted_best_step:.0e}.",
            "Left of the minimum round-off wins (error ∝ ε/h); right of it truncation wins "
            f"(error ∝ h{'²' if r.method == 'central' else ''}).",
            "To guess again: switch Reveal off, change a setting, move the slider."])


__all__ = ["step_size_study", "StepSizeStudy", "StepSizeExplorer", "difference", "loss",
           "loss_derivatives"]
