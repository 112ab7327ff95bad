"""Explorers for Lesson 03: the derivative as a slope, and the backward pass step by step.

Both follow the pattern of ``base.py``: pure functions of this module turn the controls into
numbers and plot data (``nudge``, ``backward_step_state``), and the explorers only draw them.

* ``NudgeExplorer``: nudge a weight w by Δw and compare the change of the loss ΔL with the
  first-order prediction (dL/dw)·Δw (Lesson 03, eq. 3.1), for L(w) = (tanh(w·x + b) − y)².
* ``BackwardStepExplorer``: the computational graph of one neuron and its loss; step k shows
  the k-th node of the backward pass receiving its gradient, with the local derivative and the
  chain-rule product (eqs. 3.2–3.4).
"""

import html
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..scalar import Value, backward_steps, topological_order
from .base import panel
from .blit import BlitExplorer
from .graph import add_state_artists, draw_graph, format_number, layout_graph, node_text, set_node_state
from .kept import KeptPictures
from .style import BLACK, BLUE, ORANGE, VERMILLION

#: the fixed numbers of the one-weight example L(w) = (tanh(w·x + b) − y)²
NUDGE_EXAMPLE = dict(x=1.0, b=0.3, y=0.6)
#: the fixed numbers of the neuron z = w1·x1 + w2·x2 + b, a = tanh(z), L = (a − y)²
NEURON_EXAMPLE = dict(x1=2.0, x2=-1.0, w2=0.8, b=0.3, y=0.5)
#: the ground of a pending node's numbers, so that its hatching never crosses them (a text
#: without it draws faster: none is kept where there is no hatching)
WHITE_GROUND = dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.9)


# -- the derivative as a slope -------------------------------------------------------------------

def loss_and_gradient(w, x=1.0, b=0.3, y=0.6):
    """L(w) = (tanh(w·x + b) − y)² and dL/dw, the latter by backpropagation through Values."""
    w = Value(w, label="w")
    L = ((w * x + b).tanh() - y) ** 2
    L.backward()
    return L.data, w.grad


def loss_curve(ws, x=1.0, b=0.3, y=0.6):
    """ws: (K,) weights.  Returns (K,) losses L(w), computed with numpy."""
    return (np.tanh(np.asarray(ws, dtype=float) * x + b) - y) ** 2


class NudgeState(NamedTuple):
    w: float
    dw: float
    L: float               # L(w)
    grad: float            # dL/dw at w
    L_nudged: float        # L(w + Δw)
    dL: float              # ΔL = L(w + Δw) − L(w), the real change
    linear: float          # (dL/dw)·Δw, the first-order prediction (eq. 3.1)
    error: float           # ΔL − (dL/dw)·Δw
    curve_w: np.ndarray    # (K,) weights for the plot of L(w)
    curve_L: np.ndarray    # (K,) L at curve_w
    tangent_L: np.ndarray  # (K,) the tangent line L(w) + (dL/dw)(w' − w) at curve_w
    dws: np.ndarray        # (J,) nudges from 1e-6 to 1, for the error plot
    dLs: np.ndarray        # (J,) |ΔL| for each nudge
    errors: np.ndarray     # (J,) |ΔL − (dL/dw)·Δw| for each nudge
    tanh_slope: float      # tanh'(z) = 1 − tanh(z)² at z = w·x + b: near 0 when saturated


def nudge(w, dw, x=1.0, b=0.3, y=0.6, w_range=(-6.0, 6.0)):
    """Compare the real change of L(w) = (tanh(w·x + b) − y)² with the prediction (dL/dw)·Δw."""
    L, grad = loss_and_gradient(w, x, b, y)
    L_nudged = float(loss_curve(w + dw, x, b, y))
    curve_w = np.linspace(w_range[0] - 0.5, w_range[1] + 0.5, 400)
    dws = np.logspace(-6, 0, 61)
    dLs = loss_curve(w + dws, x, b, y) - L
    return NudgeState(w, dw, L, grad, L_nudged, L_nudged - L, grad * dw,
                      (L_nudged - L) - grad * dw, curve_w, loss_curve(curve_w, x, b, y),
                      L + grad * (curve_w - w), dws, np.abs(dLs), np.abs(dLs - grad * dws),
                      1.0 - np.tanh(w * x + b) ** 2)


class NudgeExplorer(BlitExplorer):
    """Nudge the weight and compare ΔL with (dL/dw)·Δw: the derivative is the slope of L(w)."""

    #: values below this are shown at this height on the log-scale plot (0 has no logarithm)
    FLOOR = 1e-20

    def __init__(self, w=-1.0, log10_dw=-0.5):
        controls = {
            "w": widgets.FloatSlider(value=w, min=-6.0, max=6.0, step=0.1, description="w"),
            "log10_dw": widgets.FloatSlider(value=log10_dw, min=-6.0, max=0.0, step=0.25,
                                            description="log₁₀ Δw"),
        }
        super().__init__(controls, width=9.0, height=4.4,
                         title="Nudge the weight: the derivative as a slope")

    def setup_figure(self, fig):
        self.ax_curve, self.ax_error = fig.subplots(1, 2)
        ax = self.ax_curve
        (self.curve,) = ax.plot([], [], color=BLUE, lw=2, label="L(w)")
        (self.tangent,) = ax.plot([], [], color=BLACK, ls="--", lw=1.2, label="tangent at w")
        (self.point,) = ax.plot([], [], "o", color=BLACK, ms=6, label="w")
        (self.nudged,) = ax.plot([], [], "s", color=VERMILLION, ms=6, label="real L(w+Δw)")
        (self.predicted,) = ax.plot([], [], "^", color=ORANGE, ms=7, mec=BLACK,
                                    label="predicted L(w)+(dL/dw)Δw")
        ax.set(xlabel="weight w", ylabel="loss L(w)", ylim=(-0.25, 2.9), xlim=(-6.5, 6.5))
        # legends under the plots, not on them: the points may go anywhere
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        ax = self.ax_error
        (self.dL_line,) = ax.plot([], [], color=BLUE, lw=2, label="|ΔL|, the change")
        (self.err_line,) = ax.plot([], [], color=VERMILLION, ls="--", lw=2,
                                   label="|ΔL − (dL/dw)Δw|, the error")
        (self.dL_mark,) = ax.plot([], [], "o", color=BLUE, ms=6)
        (self.err_mark,) = ax.plot([], [], "s", color=VERMILLION, ms=6)
        ax.set(xscale="log", yscale="log", xlabel="nudge Δw", ylabel="size",
               xlim=(1e-6, 1.0), ylim=(self.FLOOR / 10, 1e2))
        ax.set_yticks([1e-20, 1e-16, 1e-12, 1e-8, 1e-4, 1e0])
        ax.minorticks_off()
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
        # the curve L(w) and everything else stay; only these move (drawn by BlitExplorer)
        self.moving = [self.tangent, self.point, self.nudged, self.predicted, self.dL_line,
                       self.err_line, self.dL_mark, self.err_mark]

    def compute(self, w, log10_dw):
        return nudge(w, 10.0 ** log10_dw, **NUDGE_EXAMPLE)

    def draw(self, r):
        self.curve.set_data(r.curve_w, r.curve_L)
        self.tangent.set_data(r.curve_w, r.tangent_L)
        self.point.set_data([r.w], [r.L])
        self.nudged.set_data([r.w + r.dw], [r.L_nudged])
        self.predicted.set_data([r.w + r.dw], [r.L + r.linear])
        dLs, errors = np.maximum(r.dLs, self.FLOOR), np.maximum(r.errors, self.FLOOR)
        self.dL_line.set_data(r.dws, dLs)
        self.err_line.set_data(r.dws, errors)
        self.dL_mark.set_data([r.dw], [max(abs(r.dL), self.FLOOR)])
        self.err_mark.set_data([r.dw], [max(abs(r.error), self.FLOOR)])

    def describe(self, r):
        rows = [("L(w)", r.L), ("dL/dw (backprop)", r.grad), ("Δw", r.dw),
                ("ΔL = L(w+Δw) − L(w)", r.dL), ("(dL/dw)·Δw", r.linear),
                ("error ΔL − (dL/dw)·Δw", r.error)]
        table = "".join(f"<tr><td>{name}</td><td style='text-align:right'><code>{v:.3e}</code>"
                        f"</td></tr>" for name, v in rows)
        if r.tanh_slope < 1e-2:
            note = (f"tanh is saturated here (tanh'(z) = {r.tanh_slope:.1e}): the slope dL/dw is "
                    "almost 0, so nudging w hardly changes the loss (the gradient 'vanishes').")
        elif r.dL != 0:
            note = (f"The prediction explains {100 * r.linear / r.dL:.2f}% of the real change; "
                    "make Δw 10× smaller and the error shrinks about 100× (it is of order Δw²).")
        else:
            note = "The nudge is too small to change L in floating point."
        return (f"<table style='border-spacing:0.8em 0.1em'>{table}</table>"
                f"<p style='max-width:22em'>{html.escape(note)}</p>")


# -- the backward pass, one node at a time -------------------------------------------------------

def neuron_loss_graph(w1, x1=2.0, x2=-1.0, w2=0.8, b=0.3, y=0.5):
    """The graph of L = (tanh(w1·x1 + w2·x2 + b) − y)², every node labelled; returns L."""
    x1, w1, x2, w2 = (Value(v, label=n) for v, n in ((x1, "x1"), (w1, "w1"), (x2, "x2"), (w2, "w2")))
    b, y = Value(b, label="b"), Value(y, label="y")
    p1 = x1 * w1
    p2 = x2 * w2
    s = p1 + p2
    z = s + b
    a = z.tanh()
    e = a - y
    L = e ** 2
    for node, name in ((p1, "w1·x1"), (p2, "w2·x2"), (s, "s"), (z, "z"), (a, "a"), (e, "e"),
                       (L, "L")):
        node.label = name
    return L


def local_rule(child, position):
    """The local derivative ∂child/∂(its input number ``position``) as a short formula."""
    op, inputs = child.op, [p.label or format_number(p.data) for p in child.parents]
    x = inputs[position]
    if op == "+":
        return "1"
    if op == "-":
        return "1" if position == 0 else "−1"
    if op == "*":
        return f"{inputs[1 - position]} (the other factor)"
    if op == "/":
        return f"1/{inputs[1]}" if position == 0 else f"−{inputs[0]}/{inputs[1]}²"
    if op.startswith("**"):
        n = float(op[2:])
        return f"{n:g}·{x}" if n == 2 else f"{n:g}·{x}^{n - 1:g}"
    return {"neg": "−1", "exp": f"exp({x})", "log": f"1/{x}", "tanh": f"1 − tanh({x})²",
            "sigmoid": f"σ({x})(1 − σ({x}))", "relu": f"1 if {x} > 0 else 0"}.get(op, op)


class StepState(NamedTuple):
    nodes: list            # the graph's Values in topological order (inputs first, L last)
    steps: list            # backward_steps(L): L first, then each node when its grad is complete
    step: int              # which step is shown (0 = the loss itself)
    current: object        # steps[step], a BackwardStep


def backward_step_state(step, w1, **neuron):
    """Build the neuron's graph for weight w1 and pick step ``step`` of its backward pass."""
    L = neuron_loss_graph(w1, **neuron)
    steps = backward_steps(L)
    if not 0 <= step < len(steps):
        raise ValueError(f"step must be between 0 and {len(steps) - 1}, got {step}.")
    return StepState(topological_order(L), steps, step, steps[step])


def step_formula(current):
    """The chain-rule sum of a BackwardStep as text: ∂L/∂node = Σ local · ∂L/∂child = grad."""
    name = current.node.label or current.node.op
    if not current.terms:
        return f"∂L/∂{name} = 1: the backward pass starts at the loss."
    parts, lines = [], []
    for t in current.terms:
        child = t.child.label or t.child.op
        lines.append(f"local ∂{child}/∂{name} = {local_rule(t.child, t.position)} = "
                     f"{format_number(t.local)}")
        parts.append(f"{format_number(t.local)} × {format_number(t.child_grad)}")
    lines.append(f"∂L/∂{name} = " + " + ".join(parts) + f" = {format_number(current.grad)}")
    return "\n".join(lines)


class BackwardStepExplorer(KeptPictures, BlitExplorer):
    """Walk the backward pass of a neuron's graph one node at a time (slider or buttons)."""

    def __init__(self, w1=-0.5, step=1, neuron=None):
        """step: the step shown first, counted from 1 (the loss itself) like the slider."""
        self.neuron = dict(NEURON_EXAMPLE if neuron is None else neuron)
        n = len(topological_order(neuron_loss_graph(w1, **self.neuron)))
        controls = {
            # counted from 1, as the readout says "Step k of n"
            "step": widgets.IntSlider(value=step, min=1, max=n, description="step"),
            "w1": widgets.FloatSlider(value=w1, min=-6.0, max=6.0, step=0.1, description="w1"),
        }
        self.w1_start = w1
        super().__init__(controls, width=9.5, height=4.0,
                         title="The backward pass, one node at a time")
        self.buttons = {"previous": widgets.Button(description="◀ Previous"),
                        "next": widgets.Button(description="Next ▶")}
        self.buttons["previous"].on_click(lambda _: self.move(-1))
        self.buttons["next"].on_click(lambda _: self.move(+1))
        controls = [widgets.HBox(list(self.buttons.values())), *self.controls.values()]
        self.widget.children = (*self.widget.children[:-2], panel(controls, self.readout),
                                self.image)

    def move(self, by):
        """Go ``by`` steps forward (or back), staying within the first and the last step."""
        slider = self.controls["step"]
        slider.value = min(max(slider.value + by, slider.min), slider.max)

    def setup_figure(self, fig):
        ax = fig.add_subplot()
        self.layout = layout_graph(neuron_loss_graph(self.w1_start, **self.neuron))
        self.artists = draw_graph(ax, self.layout, show_grad=False)  # boxes, label and data
        self.states = add_state_artists(ax, self.layout)              # what each step changes
        # one part per node (overlay, label and data, grad): a step redraws the few it changes;
        # the numbers lie inside the node's box, the overlay (tested), so it is the part's region
        self.parts = [(state.overlay, drawn.text, state.grad)
                      for drawn, state in zip(self.artists, self.states)]
        self.parts_in_boxes = True
        self.shown = [None] * len(self.layout.nodes)   # (state, grad) each node shows

    def compute(self, step, w1):
        return backward_step_state(step - 1, w1, **self.neuron)   # the slider counts from 1

    def draw(self, r):
        n = len(r.nodes)
        grads = {id(s.node): s.grad for s in r.steps}
        for i, (node, drawn, artists) in enumerate(zip(r.nodes, self.artists, self.states)):
            drawn.text.set_text(node_text(node, show_grad=False))  # the same text: not redrawn
            position = n - 1 - i  # the node's step: steps run in reverse topological order
            state = "done" if position < r.step else "current" if position == r.step else "pending"
            grad = None if state == "pending" else grads[id(node)]  # a pending grad shows "?"
            if self.shown[i] != (state, grad):  # set only what changed (see blit.py)
                self.shown[i] = (state, grad)
                set_node_state(artists, state, grad)
                for text in (drawn.text, artists.grad):   # a white ground under hatching only
                    text.set_bbox(WHITE_GROUND if state == "pending" else None)
                    text.stale = True

    def describe(self, r):
        name = r.current.node.label
        formula = html.escape(step_formula(r.current))
        saturated = ""
        a = next(node for node in r.nodes if node.label == "a")
        if 1.0 - a.data ** 2 < 1e-3:
            saturated = ("<p>tanh is saturated (|z| is large): its local derivative 1 − a² is "
                         "almost 0, so every gradient left of it is almost 0.</p>")
        return (f"<b>Step {r.step + 1} of {len(r.steps)}</b>: ∂L/∂{html.escape(name)} is now "
                f"complete.<pre style='font-size:90%'>{formula}</pre>"
                f"<p>Hatched boxes with dashed borders have not been reached yet (grad ?); "
                f"the thick box is the node of this step.</p>{saturated}")
