"""A plain picture of a network for the course overview (Lesson 00): no values, no controls."""

from matplotlib.patches import Circle

from .network_diagram import network_diagram_layout
from .style import BLUE, VERMILLION


def draw_network_sketch(ax, layer_sizes=(2, 3, 1), names=("inputs x", "hidden layer", "output ŷ")):
    """Draw a plain diagram of a network on ``ax``: circles for neurons, lines for weights.

    A picture for the overview of the course (Lesson 00): the forward pass runs left to right,
    the backward pass of the gradients right to left. Returns the node positions (see
    ``network_diagram_layout``).
    """
    positions = network_diagram_layout(layer_sizes, layer_gap=2.2, node_gap=1.0)
    for src, dst in zip(positions[:-1], positions[1:]):
        for p in src:
            for q in dst:
                ax.plot([p[0], q[0]], [p[1], q[1]], color="0.45", linewidth=1.2, zorder=1)
    for l, column in enumerate(positions):
        shade = "white" if l == 0 else "#F6DDB0" if l == len(positions) - 1 else "#CDE5F3"
        for x, y in column:
            ax.add_patch(Circle((x, y), 0.28, fc=shade, ec="black", lw=1.2, zorder=2))
    if len(positions) >= 3:  # name the parts on the first hidden layer
        node = positions[1][0]
        ax.annotate("a neuron:\na = f(w·x + b)", xy=(node[0] + 0.28, node[1] + 0.05),
                    xytext=(node[0] + 1.0, node[1] + 0.05), fontsize=9, va="bottom",
                    arrowprops=dict(arrowstyle="->", color="0.3"))
        p, q = positions[0][0], positions[1][0]
        mid = (p + q) / 2
        ax.annotate("a weight w", xy=(mid[0], mid[1]), xytext=(p[0] - 1.1, p[1] + 0.75),
                    fontsize=9, arrowprops=dict(arrowstyle="->", color="0.3"))
    top = max(c[:, 1].max() for c in positions) + 0.8
    bottom = min(c[:, 1].min() for c in positions) - 0.55
    for column, name in zip(positions, names):
        ax.text(column[0, 0], top, name, ha="center", va="bottom", fontsize=10)
    right = positions[-1][0, 0]
    _draw_pass_arrows(ax, right, bottom)
    ax.set_xlim(-1.2, right + 1.6)
    ax.set_ylim(bottom - 1.15, top + 0.45)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return positions


def _draw_pass_arrows(ax, right, bottom):
    """The forward arrow (solid, left to right) and the backward arrow (dashed, right to left)."""
    ax.annotate("", xy=(right, bottom), xytext=(0, bottom),
                arrowprops=dict(arrowstyle="-|>", color=BLUE, lw=2))
    ax.text(right / 2, bottom - 0.12, "forward pass: inputs → prediction", ha="center",
            va="top", color=BLUE, fontsize=9)
    ax.annotate("", xy=(0, bottom - 0.6), xytext=(right, bottom - 0.6),
                arrowprops=dict(arrowstyle="-|>", color=VERMILLION, lw=2, linestyle="--"))
    ax.text(right / 2, bottom - 0.72, "backward pass: gradients of the loss → every weight",
            ha="center", va="top", color=VERMILLION, fontsize=9)
