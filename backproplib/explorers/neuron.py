"""One neuron with two inputs: z = w1·x1 + w2·x2 + b, a = f(z)   (Lesson 01, eqs. 1.1–1.2).

The pure functions turn the neuron's parameters into numbers and plot data; ``NeuronExplorer``
is a thin view over them: sliders for w1, w2, b and a menu for f, an image of a over the input
plane with the decision line z = 0, and the activation curve with the marked point on it.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import ACTIVATIONS
from .blit import BlitExplorer
from .style import BLACK, BLUE, DIVERGING_CMAP, MIN_FONT_SIZE, SEQUENTIAL_CMAP, VERMILLION

#: activations whose output is never negative get a sequential colour map; the others a
#: diverging one, white at a = 0
NON_NEGATIVE = ("sigmoid", "relu")
#: |z| beyond which sigmoid and tanh are flat to three decimals (σ'(6) ≈ 0.0025)
SATURATION = 6.0
#: the slope of leaky ReLU left of 0 (the library's α)
LEAKY_SLOPE = float(ACTIVATIONS["leaky_relu"].derivative(-1.0))
LEAKY_NOTE = (f"z < 0: a = {LEAKY_SLOPE}·z, a slope of {LEAKY_SLOPE}:\n"
              f"not 0, but too gentle to see at this scale")


def activation_function(name):
    """The function f for an activation name ("sigmoid", "tanh", "relu", "leaky_relu", "identity")."""
    try:
        return ACTIVATIONS[name].function
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}.") from None


def neuron_output(x1, x2, w1, w2, b, activation="sigmoid"):
    """z = w1·x1 + w2·x2 + b and a = f(z) for inputs of any (matching) shape.

    Returns (z, a), arrays of the broadcast shape of x1 and x2.
    """
    f = activation_function(activation)
    z = w1 * np.asarray(x1, dtype=float) + w2 * np.asarray(x2, dtype=float) + b
    return z, f(z)


def neuron_output_grid(w1, w2, b, activation="sigmoid", extent=3.0, resolution=101):
    """The neuron's output over the square x1, x2 ∈ [−extent, extent].

    Returns (x1, x2, A): x1 (R,) and x2 (R,) the grid coordinates (R = resolution) and A (R, R)
    with A[i, j] = f(w1·x1[j] + w2·x2[i] + b) — rows follow x2, so ``imshow(A, origin="lower")``
    puts x2 upwards.
    """
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2 grid points, got {resolution}.")
    x1 = np.linspace(-extent, extent, resolution)
    x2 = np.linspace(-extent, extent, resolution)
    _, A = neuron_output(x1[None, :], x2[:, None], w1, w2, b, activation)
    return x1, x2, A


def decision_line(w1, w2, b, extent=3.0):
    """Two points on the line z = w1·x1 + w2·x2 + b = 0, spanning the square [−extent, extent]².

    Returns (xs, ys), each of shape (2,), or None when w1 = w2 = 0 (then z = b everywhere and
    there is no line). The line is solved for the input with the larger weight so its slope is
    at most 1 in magnitude and the numbers stay finite.
    """
    if w1 == 0 and w2 == 0:
        return None
    t = np.array([-extent, extent], dtype=float)
    if abs(w2) >= abs(w1):
        return t, -(w1 * t + b) / w2
    return -(w2 * t + b) / w1, t


def nice_ceiling(x):
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is ≥ x (for x ≤ 1: 1)."""
    if x <= 1.0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(x))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= x:
            return step * power
    return 10.0 * power


def output_range(activation, A):
    """Colour limits (vmin, vmax) for an image of outputs A of the given activation.

    Bounded activations get their full range (so a saturated neuron looks saturated); unbounded
    ones a round range (1, 2, 5, 10, ...) that covers A, symmetric around 0 where outputs can be
    negative. Round limits change rarely, so the colour bar stays put while a slider moves.
    """
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    top = nice_ceiling(float(np.max(np.abs(A))))
    return (0.0, top) if activation in NON_NEGATIVE else (-top, top)


def curve_span(z):
    """Half-width of the z range for the activation curve: 8, 16 or 32, whichever shows z."""
    for span in (8.0, 16.0, 32.0):
        if abs(z) <= 0.9 * span:
            return span
    return nice_ceiling(abs(z) / 0.9)


class NeuronState(NamedTuple):
    """Everything the explorer shows for one setting of the sliders."""
    w1: float
    w2: float
    b: float
    activation: str
    x1: np.ndarray          # (R,) grid along x1
    x2: np.ndarray          # (R,) grid along x2
    A: np.ndarray           # (R, R) outputs over the grid
    line: tuple | None      # (xs, ys) of the decision line z = 0, or None
    point: tuple            # (x1, x2) of the marked point
    z: float                # pre-activation at the marked point
    a: float                # output at the marked point
    slope: float            # f'(z) at the marked point
    curve_z: np.ndarray     # (K,) z values for the activation curve
    curve_a: np.ndarray     # (K,) f(curve_z)


def neuron_state(w1, w2, b, activation="sigmoid", point=(1.0, 0.5), extent=3.0, resolution=101):
    """Compute a ``NeuronState``: the image, the decision line and the numbers at ``point``."""
    activation_function(activation)  # a clear error for an unknown name
    f, df = ACTIVATIONS[activation].function, ACTIVATIONS[activation].derivative
    x1, x2, A = neuron_output_grid(w1, w2, b, activation, extent, resolution)
    z, a = neuron_output(point[0], point[1], w1, w2, b, activation)
    span = curve_span(float(z))
    curve_z = np.linspace(-span, span, 201)
    return NeuronState(w1, w2, b, activation, x1, x2, A, decision_line(w1, w2, b, extent),
                       tuple(point), float(z), float(a), float(df(z)), curve_z, f(curve_z))


class NeuronExplorer(BlitExplorer):
    """Move w1, w2 and b of a two-input neuron and watch its output over the input plane.

    Only the image, the line, the markers and the curve are redrawn on a slider step; the axes,
    colour bar and labels are drawn again only when the activation or a range changes (and
    only the first time: the still picture of each setting is kept).
    """

    def __init__(self, w1=1.0, w2=-0.5, b=0.0, activation="sigmoid", point=(1.0, 0.5),
                 extent=3.0, resolution=101):
        self.point = tuple(float(p) for p in point)
        self.extent = float(extent)
        self.resolution = int(resolution)
        self.look = None   # the activation, colour range and curve span drawn now

        def slider(description, value):
            return widgets.FloatSlider(value=value, min=-10.0, max=10.0, step=0.1,
                                       description=description, readout_format=".1f",
                                       continuous_update=True)

        controls = {
            "w1": slider("w₁", w1),
            "w2": slider("w₂", w2),
            "b": slider("b", b),
            "activation": widgets.Dropdown(
                options=[("sigmoid", "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"),
                         ("leaky ReLU", "leaky_relu"), ("identity", "identity")],
                value=activation, description="f"),
        }
        super().__init__(controls, width=8.0, height=3.8, title="One neuron: a = f(w₁x₁ + w₂x₂ + b)")

    def setup_figure(self, fig):
        e = self.extent
        self.ax_plane, self.ax_curve = fig.subplots(1, 2, width_ratios=[1.15, 1])
        # room between the colour bar and the curve for the wider tick labels of tanh and
        # ReLU: the layout is fixed at the first render (sigmoid)
        fig.get_layout_engine().set(wspace=0.1)
        ax = self.ax_plane
        self.im = ax.imshow(np.zeros((2, 2)), origin="lower", extent=(-e, e, -e, e),
                            cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, interpolation="nearest")
        self.colorbar = fig.colorbar(self.im, ax=ax, label="output a")
        self.colorbar.locator = MaxNLocator(4)
        (self.line,) = ax.plot([], [], color=BLACK, linestyle="--", linewidth=1.5,
                               label="z = 0")
        (self.marker,) = ax.plot([self.point[0]], [self.point[1]], marker="o", markersize=8,
                                 markerfacecolor="white", markeredgecolor=BLACK, linestyle="none",
                                 label="marked point")
        ax.set(xlim=(-e, e), ylim=(-e, e), xlabel="input x₁", ylabel="input x₂",
               title="a over the input plane")
        # under the plane, not on it: drawn once with the still picture, never over the image
        self.legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                                fontsize=MIN_FONT_SIZE, frameon=False)
        ax.set_xticks([-2, 0, 2])
        ax.set_yticks([-2, 0, 2])
        self._setup_curve(self.ax_curve)
        # drawn on every redraw, in this order: the image, then what lies on top of it
        self.moving = [self.im, *self.ax_plane.spines.values(), self.line, self.marker,
                       self.curve, self.curve_point]

    def _setup_curve(self, ax):
        """The right panel: the activation curve f with the marked point on it."""
        ax.grid(True, color="0.85", linewidth=0.8)
        (self.curve,) = ax.plot([], [], color=BLUE, linewidth=2)
        (self.curve_point,) = ax.plot([], [], marker="o", markersize=8, markerfacecolor="white",
                                      markeredgecolor=VERMILLION, markeredgewidth=2,
                                      linestyle="none")
        ax.set(xlabel="pre-activation z", ylabel="output a = f(z)",
               title="the marked point on the curve f")
        # a note for what the curve cannot show (leaky ReLU's small slope left of 0)
        self.note = ax.text(0.03, 0.96, "", transform=ax.transAxes, va="top",
                            fontsize=MIN_FONT_SIZE, bbox=dict(facecolor="white", edgecolor="0.6",
                                                              boxstyle="round,pad=0.3"))
        # few ticks: every tick label is text to render on each redraw
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))

    def compute(self, w1, w2, b, activation):
        return neuron_state(w1, w2, b, activation, self.point, self.extent, self.resolution)

    def draw(self, s):
        self.im.set_data(s.A)
        self.line.set_data(*(s.line if s.line is not None else ([], [])))
        self.curve.set_data(s.curve_z, s.curve_a)
        self.curve_point.set_data([s.z], [s.a])
        # the still parts (colour bar, curve axes): set them only when they change; each look
        # of them is rendered once and kept (see blit.py and axes_states)
        look = (s.activation, output_range(s.activation, s.A), s.curve_z[-1])
        if look != self.look:
            self.look = look
            with self.im.callbacks.blocked():    # the colour bar follows once, not twice
                self.im.set_cmap(SEQUENTIAL_CMAP if s.activation in NON_NEGATIVE
                                 else DIVERGING_CMAP)
                self.im.set_clim(*look[1])
            self.im.changed()
            lo, hi = float(s.curve_a.min()), float(s.curve_a.max())
            pad = 0.08 * max(hi - lo, 1e-6)
            self.ax_curve.set_xlim(s.curve_z[0], s.curve_z[-1])
            self.ax_curve.set_ylim(lo - pad, hi + pad)
            self.note.set_text(LEAKY_NOTE if s.activation == "leaky_relu" else "")
            self.note.set_visible(s.activation == "leaky_relu")

    def axes_states(self, reached):
        """As in ``BlitExplorer``, with what limits do not say: the colour bar's colour map and
        the curve's note. A new activation then draws those two axes again, not the plane."""
        looks = {self.colorbar.ax: self.im.get_cmap().name, self.ax_curve: self.note.get_text()}
        return tuple((*state, looks.get(ax))
                     for ax, state in zip(self.figure.axes, super().axes_states(reached)))

    def describe(self, s):
        x1, x2 = s.point
        rows = [
            f"At the marked point (x₁, x₂) = ({x1:.1f}, {x2:.1f}):",
            f"z = w₁x₁ + w₂x₂ + b = ({s.w1:.1f})({x1:.1f}) + ({s.w2:.1f})({x2:.1f}) + ({s.b:.1f})"
            f" = <b>{s.z:.3f}</b>",
            f"a = {s.activation}(z) = <b>{s.a:.4f}</b>",
            f"slope f′(z) = {s.slope:.4f}",
        ]
        if s.line is None:
            rows.append("w₁ = w₂ = 0: z = b everywhere, so the output is flat and there is no "
                        "decision line.")
        else:
            rows.append(f"The dashed line z = 0 is where the neuron switches; its distance from "
                        f"the origin is |b| / ‖w‖ = {abs(s.b) / np.hypot(s.w1, s.w2):.2f}.")
        if s.activation in ("sigmoid", "tanh") and abs(s.z) > SATURATION:
            rows.append("<span style='color:#D55E00'>Saturated: |z| &gt; 6, the curve is flat "
                        "here, so a barely changes when the weights change (f′ ≈ 0).</span>")
        if s.activation == "leaky_relu":
            rows.append(f"Leaky ReLU: left of 0 the slope is α = {LEAKY_SLOPE}, not 0, so a "
                        f"small gradient still flows (f′(z) = {s.slope:g} here).")
        if s.activation == "relu" and s.z <= 0:
            rows.append("ReLU is off at this point: a = 0 and f′(z) = 0.")
        return "<div style='min-width:26em'>" + "<br>".join(rows) + "</div>"
