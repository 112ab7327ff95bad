"""A small network drawn as a diagram: weights on the edges, activations in the nodes.

The forward pass of Lesson 01 (eqs. 1.5–1.7) for one input x, layer by layer. The pure
functions build the example network, lay the nodes out and trace the forward pass;
``NetworkDiagramExplorer`` draws the result: line width ∝ |w|, solid for w > 0 and dashed for
w < 0 (so colour is not the only cue), node shade and printed value for each activation. One
colour, one meaning: orange is positive and purple negative, for weights and activations alike.
"""

from typing import NamedTuple

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.patches import Circle

from ..activations import activation_layer
from ..dense import Dense
from ..network import Network
from .blit import BlitExplorer
from .kept import KeptPictures
from .style import DIVERGING_CMAP, NEGATIVE, POSITIVE

#: the worked example of Lesson 01: a 2-3-1 network with small, readable weights
EXAMPLE_WEIGHTS = {
    "W1": [[0.5, -1.0, 0.8],
           [0.3, 0.6, -0.4]],     # (2, 3)
    "b1": [0.1, 0.0, -0.2],       # (3,)
    "W2": [[1.2], [-0.7], [0.5]],  # (3, 1)
    "b2": [0.05],                 # (1,)
}
LAYER_SIZES = (2, 3, 1)
PRESETS = ("lesson example", "random (seed 0)", "random (seed 1)", "random (seed 2)")
#: node shades run over this range of values (beyond it the shade stays at its darkest)
SHADE_RANGE = 3.0


def preset_weights(preset="lesson example"):
    """The weights {"W1", "b1", "W2", "b2"} of a preset, as float arrays.

    "lesson example" gives ``EXAMPLE_WEIGHTS``; "random (seed k)" draws W ~ N(0, 1) and
    b ~ N(0, 0.5²) with seed k, rounded to one decimal so the diagram stays readable.
    """
    if preset == "lesson example":
        return {k: np.array(v, dtype=float) for k, v in EXAMPLE_WEIGHTS.items()}
    if preset.startswith("random (seed ") and preset.endswith(")"):
        rng = np.random.default_rng(int(preset[len("random (seed "):-1]))
        D, H, K = LAYER_SIZES
        return {"W1": rng.normal(0, 1, (D, H)).round(1), "b1": rng.normal(0, 0.5, H).round(1),
                "W2": rng.normal(0, 1, (H, K)).round(1), "b2": rng.normal(0, 0.5, K).round(1)}
    raise ValueError(f"unknown preset {preset!r}; choose one of {PRESETS}.")


def example_network(preset="lesson example", activation="sigmoid", output_activation="sigmoid"):
    """The 2-3-1 network Dense(2→3), f, Dense(3→1), f_out with the weights of ``preset``."""
    weights = preset_weights(preset)
    dense1, dense2 = Dense(2, 3, init="zeros"), Dense(3, 1, init="zeros")
    dense1.W[...], dense1.b[...] = weights["W1"], weights["b1"]
    dense2.W[...], dense2.b[...] = weights["W2"], weights["b2"]
    return Network([dense1, activation_layer(activation), dense2,
                    activation_layer(output_activation)])


def network_diagram_layout(layer_sizes, layer_gap=1.0, node_gap=1.0):
    """Node positions for a diagram of a network with the given layer sizes (input first).

    Returns a list with one array (n_l, 2) per layer: the (x, y) of each node. Layer l sits at
    x = l·layer_gap; its nodes are spaced node_gap apart, centred on y = 0, first node on top.
    """
    if len(layer_sizes) < 2 or any(int(n) < 1 for n in layer_sizes):
        raise ValueError(f"layer_sizes must list at least two layers of ≥ 1 node, got {layer_sizes!r}.")
    positions = []
    for l, n in enumerate(layer_sizes):
        y = node_gap * ((n - 1) / 2 - np.arange(n))
        positions.append(np.column_stack([np.full(n, l * layer_gap), y]))
    return positions


def forward_trace(network, x):
    """Run one input through ``network`` and keep every layer's output.

    x: (D,) one input (or (1, D)).  Returns a list of (name, array) pairs: ("input", x (D,)),
    then (layer.name, output (M,)) for each layer in order, e.g. ("dense1", z1), ("sigmoid1", a1).
    """
    X = np.asarray(x, dtype=float).reshape(1, -1)
    trace = [("input", X[0])]
    for layer in network.layers:
        X = layer.forward(X)
        trace.append((layer.name, X[0]))
    return trace


class Column(NamedTuple):
    """One column of nodes in the diagram: z (None for the input) and a for each node."""
    name: str
    z: np.ndarray | None
    a: np.ndarray


def diagram_columns(network, trace):
    """Group a ``forward_trace`` into node columns: the input, then one per Dense layer.

    A Dense layer's output is the column's z; the activation after it (if any) gives a,
    otherwise a = z. Returns a list of ``Column``.
    """
    columns = [Column("input", None, trace[0][1])]
    for i, (layer, (name, out)) in enumerate(zip(network.layers, trace[1:])):
        if isinstance(layer, Dense):
            nxt = network.layers[i + 1] if i + 1 < len(network.layers) else None
            a = trace[i + 2][1] if nxt is not None and not isinstance(nxt, Dense) else out
            columns.append(Column(name, out, a))
    return columns


class DiagramState(NamedTuple):
    """Everything the diagram shows for one input."""
    x: np.ndarray            # (D,) the input
    weights: list            # [(W (n_l, n_l+1), b (n_l+1,)), ...] one pair per Dense layer
    columns: list            # [Column, ...] input first
    output: np.ndarray       # (K,) the network's output, = network.forward(x[None])[0]


def diagram_state(network, x):
    """Trace the forward pass of ``network`` on one input x (D,) and collect what to draw."""
    trace = forward_trace(network, x)
    columns = diagram_columns(network, trace)
    weights = [(layer.W.copy(), layer.b.copy()) for layer in network.layers if isinstance(layer, Dense)]
    return DiagramState(trace[0][1], weights, columns, trace[-1][1])


def edge_style(w, max_width=7.0):
    """(linewidth, linestyle, colour) for an edge of weight w: width ∝ |w|, dashed if w < 0;
    orange if positive, purple if negative (the colours of the nodes' shades)."""
    width = min(0.4 + 2.0 * abs(w), max_width)
    return width, ("-" if w >= 0 else "--"), (POSITIVE if w >= 0 else NEGATIVE)


class NetworkDiagramExplorer(KeptPictures, BlitExplorer):
    """Choose an input (x1, x2) and a set of weights; see every value of the forward pass.

    The column titles, edges and weights are drawn once per set of weights; the nodes and their
    numbers on every redraw.
    """

    def __init__(self, x1=1.0, x2=-0.5, preset="lesson example", activation="sigmoid"):
        self._networks = {}

        def slider(description, value):
            return widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1,
                                       description=description, readout_format=".1f")

        controls = {
            "x1": slider("x₁", x1),
            "x2": slider("x₂", x2),
            "preset": widgets.Dropdown(options=PRESETS, value=preset, description="weights"),
            "activation": widgets.Dropdown(options=[("sigmoid", "sigmoid"), ("tanh", "tanh"),
                                                    ("ReLU", "relu")],
                                           value=activation, description="hidden f"),
        }
        super().__init__(controls, width=7.0, height=4.4,
                         title="A 2-3-1 network: weights on the edges, activations in the nodes")

    def network(self, preset, activation):
        """The network for a preset and hidden activation (built once, then reused)."""
        key = (preset, activation)
        if key not in self._networks:
            self._networks[key] = example_network(preset, activation)
        return self._networks[key]

    def setup_figure(self, fig):
        ax = self.ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_aspect("equal")
        self.positions = network_diagram_layout(LAYER_SIZES, layer_gap=2.6, node_gap=1.0)
        self.norm = Normalize(-SHADE_RANGE, SHADE_RANGE, clip=True)
        self.cmap = matplotlib.colormaps[DIVERGING_CMAP]
        self._add_edges(ax)
        self._add_nodes(ax)
        titles = ["input x", "hidden layer\na⁽¹⁾ = f(z⁽¹⁾)", "output\na⁽²⁾ = σ(z⁽²⁾)"]
        top = max(c[:, 1].max() for c in self.positions) + 0.55
        for column, title in zip(self.positions, titles):
            ax.text(column[0, 0], top, title, ha="center", va="bottom", fontsize=10)
        ax.set_xlim(-0.5, self.positions[-1][0, 0] + 0.6)
        # the edges and their weights change only with the preset: they are part of the still
        # picture, kept for each preset (the "frame", see blit.py); the nodes move
        self.moving = [artist for group in (self.nodes, self.node_values, self.node_notes)
                       for column in group for artist in column]
        ax.set_ylim(-1.9, top + 0.6)

    def _add_edges(self, ax):
        """One line and one weight label per edge, layer by layer (self.edges, self.edge_labels)."""
        self.edges, self.edge_labels = [], []
        for l in range(len(LAYER_SIZES) - 1):
            src, dst = self.positions[l], self.positions[l + 1]
            layer_edges, layer_labels = [], []
            for i, p in enumerate(src):
                for q in dst:
                    (line,) = ax.plot([p[0], q[0]], [p[1], q[1]], zorder=1, solid_capstyle="butt")
                    # labels sit at different fractions along the edges so they do not collide
                    t = 0.25 + 0.47 * i / max(len(src) - 1, 1)
                    label = ax.text(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), "",
                                    fontsize=9, ha="center", va="center", zorder=3,
                                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                              alpha=0.85))
                    layer_edges.append(line)
                    layer_labels.append(label)
            self.edges.append(layer_edges)
            self.edge_labels.append(layer_labels)

    def _add_nodes(self, ax):
        """A circle, its value and a note per neuron (self.nodes, self.node_values, self.node_notes)."""
        self.nodes, self.node_values, self.node_notes = [], [], []
        for column in self.positions:
            circles, values, notes = [], [], []
            for x, y in column:
                circle = Circle((x, y), 0.3, ec="black", lw=1.2, zorder=4)
                ax.add_patch(circle)
                circles.append(circle)
                values.append(ax.text(x, y, "", ha="center", va="center", fontsize=10,
                                      fontweight="bold", zorder=5))
                notes.append(ax.text(x, y - 0.36, "", ha="center", va="top", fontsize=9, zorder=5))
            self.nodes.append(circles)
            self.node_values.append(values)
            self.node_notes.append(notes)

    def compute(self, x1, x2, preset, activation):
        return diagram_state(self.network(preset, activation), np.array([x1, x2]))

    def draw(self, s):
        self.frame = tuple(w for W, _ in s.weights for w in W.ravel())  # the weights drawn
        for l, (W, _) in enumerate(s.weights):
            for k, (line, label) in enumerate(zip(self.edges[l], self.edge_labels[l])):
                w = W[k // W.shape[1], k % W.shape[1]]
                width, style, colour = edge_style(w)
                line.set(linewidth=width, linestyle=style, color=colour)
                label.set_text(f"{w:+.2f}")
        for l, column in enumerate(s.columns):
            for j, (circle, value, note) in enumerate(zip(self.nodes[l], self.node_values[l],
                                                          self.node_notes[l])):
                a = column.a[j]
                circle.set_facecolor(self.cmap(self.norm(a)))
                value.set_text(f"{a:.2f}")
                value.set_color("white" if abs(a) > 0.6 * SHADE_RANGE else "black")
                if column.z is None:
                    note.set_text(f"x{'₁₂₃₄'[j]}")
                else:
                    note.set_text(f"z = {column.z[j]:.2f}\nb = {s.weights[l - 1][1][j]:+.2f}")

    def describe(self, s):
        rows = [f"input x = [{s.x[0]:.2f}, {s.x[1]:.2f}]"]
        for l, column in enumerate(s.columns[1:], start=1):
            z = ", ".join(f"{v:.3f}" for v in column.z)
            a = ", ".join(f"{v:.3f}" for v in column.a)
            rows.append(f"z⁽{'¹²³'[l - 1]}⁾ = [{z}] → a⁽{'¹²³'[l - 1]}⁾ = [{a}]")
        rows.append(f"network output ŷ = <b>{s.output[0]:.4f}</b>")
        rows.append("Edges: width ∝ |w|; solid orange = positive weight, dashed purple = "
                    "negative. Nodes: the number is the activation a; the shade is orange when "
                    "a &gt; 0 and purple when a &lt; 0, darker the larger |a|.")
        return "<div style='min-width:24em'>" + "<br>".join(rows) + "</div>"

