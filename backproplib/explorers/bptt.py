"""Explorer of Lesson 08: how the gradient through time vanishes or explodes.

A tanh recurrent layer h_t = f(x_t W_x + h_{t−1} W_h) with H hidden units runs over T steps; the
loss reads the last state only. Backpropagation through time multiplies the gradient by one
Jacobian per step (Lesson 08, eq. 8.8):

    ∂L/∂h_{t−1} = (∂L/∂h_t ⊙ f'(z_t)) W_hᵀ,      so  ‖∂L/∂h_t‖ ≲ (max f' · s)^(T−t) ‖∂L/∂h_T‖

with s the largest singular value of W_h. W_h here is s times a random orthogonal matrix, so all
its singular values equal s and, without the tanh, the bound is exact.

Pure function (tested without a browser):
    bptt_readout(length, scale, activation, prediction, revealed) -> BPTTReadout
Explorer (a thin view over it):
    BPTTGradientExplorer()   sliders for T and s, a menu for the activation, a slider for the
                             learner's prediction of log₁₀(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖) and a Reveal
                             button; the curve is hidden until the prediction is committed.
                             A change redraws only the markers and the curve (blit.py).
"""

import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullFormatter

from .blit import BlitExplorer
from .kept import KeptPictures
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, VERMILLION, nice_upper

ACTIVATIONS = ("tanh", "linear")
#: the number of hidden units and of input features of the explorer's layer
HIDDEN, FEATURES = 16, 4
#: log₁₀ of a gradient norm is never drawn below this (a gradient of 1e−300 is zero in practice)
FLOOR = -300.0
#: |prediction − truth|, in powers of 10, counted as a good prediction
GOOD_GUESS = 1.0
#: the explorer's y-axis spans at least 10^−10 to 10^10 (the answer at the first setting fits)
MIN_DECADES = 10


@dataclass(frozen=True)
class BPTTReadout:
    """What the explorer shows for one setting (arrays have one entry per step t = 1..T).

    steps: (T,) 1..T;  log10_norms: (T,) log₁₀ ‖∂L/∂h_t‖ with ‖∂L/∂h_T‖ = 1 (so the last is 0).
    log10_ratio: log₁₀(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖), the number the learner predicts.
    factor_per_step: the geometric mean of ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖ over the steps.
    regime: "vanishing", "exploding" or "steady" (within a factor of 10 over the whole sequence).
    prediction: the learner's guess of log10_ratio; error: guess − truth, in powers of 10.
    revealed: whether the answer is shown; good_guess: |error| ≤ GOOD_GUESS.
    """
    length: int
    scale: float
    activation: str
    steps: np.ndarray
    log10_norms: np.ndarray
    log10_ratio: float
    factor_per_step: float
    regime: str
    prediction: float
    error: float
    revealed: bool
    good_guess: bool


def recurrent_matrix(scale, hidden=HIDDEN, seed=0):
    """W_h (hidden, hidden): ``scale`` times a random orthogonal matrix (every singular value = scale)."""
    Q, R = np.linalg.qr(np.random.default_rng(seed).standard_normal((hidden, hidden)))
    return scale * Q * np.sign(np.diag(R))


def gradient_log_norms(length, scale, activation="tanh", seed=0):
    """log₁₀ ‖∂L/∂h_t‖ for t = 1..T, (T,), for a random unit gradient ∂L/∂h_T.

    Runs the forward pass over ``length`` steps of random inputs, then BPTT with eq. 8.8. The
    gradient is rescaled to norm 1 after every step and its log-norm accumulated, so nothing
    overflows or underflows whatever T and s are.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}.")
    rng = np.random.default_rng(seed)
    Wh = recurrent_matrix(scale, seed=seed)
    Wx = rng.standard_normal((FEATURES, HIDDEN)) / np.sqrt(FEATURES)
    X = rng.standard_normal((length, FEATURES))
    h, Z = np.zeros(HIDDEN), []
    for t in range(length):
        Z.append(X[t] @ Wx + h @ Wh)
        h = np.tanh(Z[-1]) if activation == "tanh" else Z[-1]
    g = rng.standard_normal(HIDDEN)
    g /= np.linalg.norm(g)
    logs = np.zeros(length)
    for t in range(length - 1, 0, -1):        # from ∂L/∂h_T back to ∂L/∂h_1
        slope = 1.0 / np.cosh(Z[t]) ** 2 if activation == "tanh" else 1.0
        g = (g * slope) @ Wh.T                 # eq. 8.8: one Jacobian per step
        size = np.linalg.norm(g)
        if size == 0.0 or logs[t] <= FLOOR:
            logs[:t] = FLOOR
            break
        logs[t - 1] = max(logs[t] + np.log10(size), FLOOR)
        g /= size
    return logs


def bptt_readout(length, scale, activation="tanh", prediction=0.0, revealed=False):
    """The gradient norm at every step and how far the learner's prediction is from it."""
    length = int(length)
    if length < 2:
        raise ValueError(f"the sequence needs at least 2 steps, got {length}.")
    logs = gradient_log_norms(length, float(scale), activation)
    ratio = float(logs[0])
    regime = "vanishing" if ratio < -1 else "exploding" if ratio > 1 else "steady"
    error = float(prediction) - ratio
    return BPTTReadout(length, float(scale), activation, np.arange(1, length + 1), logs, ratio,
                       float(10 ** (ratio / (length - 1))), regime, float(prediction), error,
                       bool(revealed), abs(error) <= GOOD_GUESS)


class BPTTGradientExplorer(KeptPictures, BlitExplorer):
    """Predict, then reveal: the size of the gradient at every step of a recurrent layer.
    (A new question hides the answer; the picture is drawn once, for the hidden answer.)"""

    def __init__(self, length=20, scale=0.8, activation="tanh"):
        self.reveal = widgets.ToggleButton(value=False, description="Reveal", icon="eye")
        controls = {
            "length": widgets.IntSlider(value=length, min=2, max=100, description="steps T",
                                        continuous_update=False),
            "scale": widgets.FloatSlider(value=scale, min=0.5, max=2.0, step=0.05,
                                         description="s of W_h", continuous_update=False),
            "activation": widgets.Dropdown(options=ACTIVATIONS, value=activation,
                                           description="f"),
            "prediction": widgets.FloatSlider(value=0.0, min=-40, max=40, step=0.5,
                                              description="your log₁₀", readout_format=".1f",
                                              continuous_update=False),
            "revealed": self.reveal,
        }
        for name in ("length", "scale", "activation", "prediction"):  # a new question: hide
            controls[name].observe(self.hide, names="value")
        super().__init__(controls, width=6.5, height=3.6,
                         title="Predict, then reveal: the gradient through time")

    def hide(self, change=None):
        self.reveal.value = False

    def setup_figure(self, fig):
        self.ax = ax = fig.add_subplot()
        (self.curve,) = ax.plot([], [], color=BLUE, lw=2, marker="o", ms=3,
                                label=r"$\|\partial L/\partial h_t\|$ (BPTT)")
        (self.truth,) = ax.plot([], [], "s", color=BLACK, ms=8, label="truth at t = 1")
        (self.guess,) = ax.plot([], [], "^", color=ORANGE, mec=BLACK, ms=10,
                                label="your prediction at t = 1")
        (self.start,) = ax.plot([], [], "D", color=VERMILLION, ms=7,
                                label=r"$\|\partial L/\partial h_T\| = 1$")
        ax.set(yscale="log", xlabel="time step t", ylabel=r"$\|\partial L/\partial h_t\|$ (log scale)")
        ax.grid(alpha=0.3, which="major")
        ax.yaxis.set_minor_formatter(NullFormatter())    # minor ticks without numbers
        fig.legend(loc="outside upper center", ncol=2, fontsize=MIN_FONT_SIZE, frameon=False)
        self.moving = [self.curve, self.truth, self.guess, self.start, *ax.spines.values()]

    def compute(self, length, scale, activation, prediction, revealed):
        return bptt_readout(length, scale, activation, prediction, revealed)

    def draw(self, r):
        self.start.set_data([r.length], [1.0])
        self.guess.set_data([1], [10.0 ** r.prediction])
        shown = r.log10_norms if r.revealed else np.array([])
        self.curve.set_data(r.steps[: shown.size], 10.0 ** shown)
        self.truth.set_data(*(([1], [10.0 ** r.log10_ratio]) if r.revealed else ([], [])))
        decades = gradient_axis_decades(r)
        self.ax.set(xlim=(0, steps_axis_end(r.length)), ylim=(10.0 ** -decades, 10.0 ** decades),
                    yticks=10.0 ** np.linspace(-decades, decades, 5))
        self.ax.set_yticks(10.0 ** np.linspace(-decades, decades, 21), minor=True)

    def describe(self, r):
        head = (f"T = {r.length} steps, s = {r.scale:.2f}, f = {r.activation}.<br>Your "
                f"prediction: ‖∂L/∂h<sub>1</sub>‖ / ‖∂L/∂h<sub>T</sub>‖ ≈ 10<sup>{r.prediction:.1f}</sup>.")
        if not r.revealed:
            return head + "<br><i>Set your prediction, then press Reveal.</i>"
        verdict = ("within a factor of 10 — well predicted." if r.good_guess else
                   f"off by {abs(r.error):.1f} powers of 10 "
                   f"({'too high' if r.error > 0 else 'too low'}).")
        return (head + f"<br>Truth: 10<sup>{r.log10_ratio:.1f}</sup> — {r.regime}; the gradient "
                f"changes by a factor of {r.factor_per_step:.3g} per step.<br>You are {verdict}")


def steps_axis_end(length):
    """Where the axis of steps ends: the first multiple of 10 at least 5 steps after T. The axes
    then stay the same while T moves a few steps, and so does the still picture (blit.py)."""
    return 10 * math.ceil((length + 5) / 10)


def gradient_axis_decades(r):
    """E: the log axis spans 10^−E to 10^E, with 1 = ‖∂L/∂h_T‖ in the middle; E is 10, 20, 50...
    so that few settings need a new still picture. The axis holds the prediction, and the curve
    once revealed only: before that, the axis gives nothing away."""
    values = [r.prediction] + ([r.log10_norms.min(), r.log10_norms.max()] if r.revealed else [])
    return min(nice_upper(max(MIN_DECADES, max(abs(v) for v in values) + 1)), -FLOOR)


def draw_unrolled(ax, steps=4, output="each step"):
    """Draw a recurrent layer unrolled over ``steps`` steps (Lesson 08, eqs. 8.1–8.3).

    Boxes x_t (inputs), h_t (states) and L_t (losses; only L_T when output="last step"); solid
    black arrows are the forward pass, dashed vermillion arrows the gradient flowing back.
    """
    def box(x, y, text, colour):
        ax.text(x, y, text, ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="round,pad=0.35", fc=colour, ec=BLACK))

    def arrow(start, end, backward=False):
        style = dict(arrowstyle="->", lw=1.5, color=VERMILLION if backward else BLACK,
                     linestyle="--" if backward else "-", shrinkA=14, shrinkB=14)
        ax.annotate("", xy=end, xytext=start, arrowprops=style)

    box(0, 1, "h₀", "white")
    for t in range(1, steps + 1):
        has_loss = output == "each step" or t == steps
        box(t, 0, f"x{_subscript(t)}", "#DDEEFF")
        box(t, 1, f"h{_subscript(t)}", "#FFF2CC")
        arrow((t, 0), (t, 1))
        arrow((t - 1, 1), (t, 1))
        ax.text(t - 0.5, 0.8, "W_h", ha="center", fontsize=8)
        arrow((t, 1.2), (t - 1, 1.2), backward=True)
        if has_loss:
            box(t, 2, f"L{_subscript(t)}", "#E5F5E0")
            arrow((t, 1), (t, 2))
            arrow((t + 0.15, 2), (t + 0.15, 1), backward=True)
    ax.set(xlim=(-0.5, steps + 0.5), ylim=(-0.5, 2.5))
    ax.axis("off")


def _subscript(n):
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
