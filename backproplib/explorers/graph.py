"""Draw the computational graph of a scalar ``Value`` with matplotlib (Lesson 03).

``layout_graph`` is pure: it places every node of the graph in a column by its depth (inputs on
the left, the loss on the right) and in a row within its column. ``draw_graph`` draws that
layout on a matplotlib Axes: one box per value (its label, data and grad), a small circle for the
operation that made it, and arrows from each input to the operation that uses it.
``add_state_artists`` and ``set_node_state`` mark each node as done / current / pending with
artists of their own, so an explorer stepping through the backward pass redraws only those.
"""

from typing import NamedTuple

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..scalar import topological_order
from .style import BLACK, MIN_FONT_SIZE, ORANGE, SKY

#: how the operations are shown in their circles
OP_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "neg": "−x", "sigmoid": "σ"}
BOX_WIDTH, BOX_HEIGHT = 0.62, 0.7   # in data units: one column is 1 wide, one row 1 high
OP_GAP = 0.18                       # the operation's mark sits this far left of its value's box


class GraphLayout(NamedTuple):
    nodes: list       # every Value of the graph once, parents before children (root last)
    positions: list   # (x, y) of each node's box centre, aligned with ``nodes``
    edges: list       # (parent index, child index, uses): each input of an operation, once


def layout_graph(root, sweeps=4):
    """Place the graph of ``root`` in columns by depth; returns a ``GraphLayout``.

    An operation's column is one more than its deepest input; an input that nothing computed
    (a leaf: a weight, an input, a constant) sits just left of the first operation that uses it.
    Within a column, nodes are sorted by the mean row of their neighbours a few times (``sweeps``)
    to reduce crossing arrows.
    """
    nodes = topological_order(root)
    index = {id(node): i for i, node in enumerate(nodes)}
    edges = {}
    for child in nodes:
        for parent in child.parents:
            key = (index[id(parent)], index[id(child)])
            edges[key] = edges.get(key, 0) + 1
    children = [[] for _ in nodes]
    for p, c in edges:
        children[p].append(c)

    column = [0] * len(nodes)
    for i, node in enumerate(nodes):  # parents come first, so their columns are known
        if node.parents:
            column[i] = 1 + max(column[index[id(p)]] for p in node.parents)
    for i, node in enumerate(nodes):
        if not node.parents and children[i]:
            column[i] = max(0, min(column[c] for c in children[i]) - 1)

    neighbours = [[index[id(p)] for p in node.parents] + children[i] for i, node in enumerate(nodes)]
    row = [float(i) for i in range(len(nodes))]
    for _ in range(sweeps + 1):
        for col in set(column):
            members = [i for i in range(len(nodes)) if column[i] == col]
            members.sort(key=lambda i: (sum(row[j] for j in neighbours[i]) / len(neighbours[i])
                                        if neighbours[i] else row[i], i))
            for k, i in enumerate(members):
                row[i] = k - (len(members) - 1) / 2
    positions = [(float(column[i]), -row[i]) for i in range(len(nodes))]
    return GraphLayout(nodes, positions, [(p, c, n) for (p, c), n in edges.items()])


def format_number(x):
    """A short text for a float that fits a node's box, at most 6 characters and a sign: 4
    digits (-1.234, 12.34, 123.4, 1234), or 2 and a short exponent when large or tiny (8.2e-6,
    1.5e4; 2e-10 when the exponent takes two digits)."""
    if x != x or abs(x) == float("inf"):
        return str(x)
    if x != 0 and (abs(x) >= 1e4 or abs(x) < 1e-3):
        mantissa, exponent = f"{x:.1e}".split("e")
        if abs(int(exponent)) >= 10:
            mantissa, exponent = f"{x:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    for decimals, bound in ((3, 10), (2, 100), (1, 1000)):
        if abs(round(x, decimals)) < bound:
            return f"{x:.{decimals}f}"
    return f"{x:.0f}"


def node_text(node, show_grad=True, grad=None):
    """The text of a node's box: label, data and (if shown) grad; ``grad=None`` uses node.grad."""
    lines = [node.label or node.op, f"data {format_number(node.data)}"]
    if show_grad:
        g = node.grad if grad is None else grad
        lines.append(f"grad {g}" if isinstance(g, str) else f"grad {format_number(g)}")
    return "\n".join(lines)


class NodeArtists(NamedTuple):
    box: FancyBboxPatch
    text: object          # matplotlib Text: label, data, grad
    op: object            # matplotlib Text of the operation's mark, None for a leaf


def draw_graph(ax, layout, show_grad=True, fontsize=MIN_FONT_SIZE):
    """Draw ``layout`` (from ``layout_graph``) on ``ax``; returns one NodeArtists per node.

    Value boxes show label, data and grad; each operation is a small rounded mark on the left
    of the value it made; arrows run from inputs to operations ("used ×2" when an input is
    used twice by the same operation).
    """
    ax.set_axis_off()
    artists, op_xy = [], []
    for node, (x, y) in zip(layout.nodes, layout.positions):
        box = FancyBboxPatch((x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                             boxstyle="round,pad=0.02", facecolor="white", edgecolor=BLACK,
                             linewidth=1.0, zorder=3)
        ax.add_patch(box)
        text = ax.text(x, y if show_grad else y + 0.02, node_text(node, show_grad), ha="center",
                       va="center" if show_grad else "bottom", fontsize=fontsize, zorder=4)
        op = None
        ox = x - BOX_WIDTH / 2 - OP_GAP
        if node.parents:
            op = ax.text(ox, y, OP_SYMBOLS.get(node.op, node.op), ha="center", va="center",
                         fontsize=fontsize, zorder=4,
                         bbox=dict(boxstyle="round,pad=0.3", facecolor=SKY, edgecolor=BLACK))
            ax.add_patch(FancyArrowPatch((ox, y), (x - BOX_WIDTH / 2, y), arrowstyle="-|>",
                                         mutation_scale=8, shrinkA=6, shrinkB=0, zorder=2))
        artists.append(NodeArtists(box, text, op))
        op_xy.append((ox, y))
    for p, c, uses in layout.edges:
        (px, py), end = layout.positions[p], op_xy[c]
        start = (px + BOX_WIDTH / 2, py)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=8,
                                     color=BLACK, linewidth=0.8, zorder=1, shrinkA=0, shrinkB=9))
        if uses > 1:
            ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, f"used ×{uses}",
                    ha="center", fontsize=fontsize, zorder=4)
    xs = [x for x, _ in layout.positions]
    ys = [y for _, y in layout.positions]
    ax.set_xlim(min(xs) - BOX_WIDTH / 2 - 0.05, max(xs) + BOX_WIDTH / 2 + 0.05)
    ax.set_ylim(min(ys) - BOX_HEIGHT / 2 - 0.05, max(ys) + BOX_HEIGHT / 2 + 0.05)
    return artists


#: how a node looks at each stage of a backward pass: not only colour tells them apart
NODE_STYLES = {
    "done":    dict(facecolor="none", edgecolor=BLACK, linewidth=1.5, linestyle="-", hatch=None,
                    alpha=None),
    "current": dict(facecolor=ORANGE, edgecolor=BLACK, linewidth=3.0, linestyle="-", hatch=None,
                    alpha=0.55),
    "pending": dict(facecolor="#E0E0E0", edgecolor="#888888", linewidth=1.2, linestyle="--",
                    hatch="//", alpha=0.6),
}


class StateArtists(NamedTuple):
    overlay: FancyBboxPatch   # drawn over a node's box: fill, hatch and border show the state
    grad: object              # matplotlib Text under the label and data: "grad ..." or "grad ?"


def add_state_artists(ax, layout, fontsize=MIN_FONT_SIZE):
    """For a graph drawn with ``draw_graph(..., show_grad=False)``: one StateArtists per node.

    The box stays as drawn; ``set_node_state`` changes only these artists (and an explorer may
    change the label/data text), so an explorer can redraw just them ("blitting").
    """
    states = []
    for x, y in layout.positions:
        # above the box (zorder 3), below its texts (4 and 6): hatching never covers a number
        overlay = FancyBboxPatch((x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                                 boxstyle="round,pad=0.02", zorder=3.5)
        ax.add_patch(overlay)
        grad = ax.text(x, y - 0.02, "", ha="center", va="top", fontsize=fontsize, zorder=6)
        states.append(StateArtists(overlay, grad))
    return states


def set_node_state(artists, state, grad):
    """Show a node as "done" (grad known), "current" (grad just computed) or "pending".

    A pending node is hatched and greyed with a dashed border and shows "grad ?"; the current
    node has a thick border, an orange tint and a "◀ now" mark.
    """
    style = NODE_STYLES[state]
    artists.overlay.set(**{k: v for k, v in style.items() if k != "hatch"})
    artists.overlay.set_hatch(style["hatch"])
    text = "grad ?" if state == "pending" else f"grad {format_number(grad)}"
    artists.grad.set_text(text + ("\n◀ now" if state == "current" else ""))
    artists.grad.set_color("#444444" if state == "pending" else BLACK)
