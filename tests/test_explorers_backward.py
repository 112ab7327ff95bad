"""Lesson 03's explorers driven headless, and the layout of a Value graph."""

import math
from pathlib import Path

import numpy as np
import pytest

from backproplib.explorers.backward import (
    NEURON_EXAMPLE,
    NUDGE_EXAMPLE,
    BackwardStepExplorer,
    NudgeExplorer,
    backward_step_state,
    local_rule,
    neuron_loss_graph,
    nudge,
    step_formula,
)
from backproplib.explorers.graph import draw_graph, format_number, layout_graph
from backproplib.explorers.render import new_figure
from backproplib.scalar import Value, topological_order

PNG = b"\x89PNG"


def L_of(w, x=NUDGE_EXAMPLE["x"], b=NUDGE_EXAMPLE["b"], y=NUDGE_EXAMPLE["y"]):
    return (math.tanh(w * x + b) - y) ** 2


def dL_dw(w, x=NUDGE_EXAMPLE["x"], b=NUDGE_EXAMPLE["b"], y=NUDGE_EXAMPLE["y"]):
    a = math.tanh(w * x + b)
    return 2 * (a - y) * (1 - a * a) * x


# -- the nudge explorer -------------------------------------------------------------------------

@pytest.mark.parametrize("w, log10_dw", [(-1.0, -0.5), (0.4, -2.0), (2.5, 0.0), (-3.0, -6.0)])
def test_nudge_readout_matches_independent_computation(w, log10_dw):
    e = NudgeExplorer()
    e.controls["w"].value = w
    e.controls["log10_dw"].value = log10_dw
    r, dw = e.result, 10.0 ** log10_dw
    assert e.error is None and r.w == w and r.dw == pytest.approx(dw)
    assert r.L == pytest.approx(L_of(w), rel=1e-14)
    assert r.dL == pytest.approx(L_of(w + dw) - L_of(w), rel=1e-9, abs=1e-15)
    assert r.grad == pytest.approx(dL_dw(w), rel=1e-12)
    assert r.linear == pytest.approx(dL_dw(w) * dw, rel=1e-12)
    assert f"{r.dL:.3e}" in e.readout.value and f"{r.linear:.3e}" in e.readout.value
    # the tangent line touches the curve at w and has the slope dL/dw
    i = np.argmin(np.abs(r.curve_w - w))
    assert r.tangent_L[i] == pytest.approx(r.L + r.grad * (r.curve_w[i] - w))


def test_first_order_error_shrinks_like_dw_squared():
    r = nudge(-1.0, 0.1, **NUDGE_EXAMPLE)
    j2, j3 = np.argmin(np.abs(r.dws - 1e-2)), np.argmin(np.abs(r.dws - 1e-3))
    ratio = r.errors[j2] / r.errors[j3]
    assert 80 < ratio < 120  # 10x smaller nudge -> about 100x smaller error
    assert r.dLs[j2] / r.dLs[j3] == pytest.approx(10, rel=0.05)  # the change itself: 10x


def test_nudge_image_changes_with_the_weight():
    e = NudgeExplorer()
    before = e.image.value
    e.controls["w"].value = 1.5
    assert bytes(e.image.value).startswith(PNG) and e.image.value != before


@pytest.mark.parametrize("w", [-6.0, 6.0])
@pytest.mark.parametrize("log10_dw", [-6.0, 0.0])
def test_nudge_extremes_give_finite_pictures_and_say_saturated(w, log10_dw):
    e = NudgeExplorer()
    e.controls["w"].value = w
    e.controls["log10_dw"].value = log10_dw
    r = e.result
    assert e.error is None and bytes(e.image.value).startswith(PNG)
    for arr in (r.curve_L, r.tangent_L, r.dLs, r.errors):
        assert np.all(np.isfinite(arr))
    assert all(np.isfinite(line.get_ydata()).all() for line in e.ax_error.lines)
    lo, hi = e.ax_error.get_ylim()
    assert 0 < lo < hi < np.inf
    assert "saturated" in e.readout.value


# -- the backward pass, step by step ------------------------------------------------------------

def reference_grads(w1):
    L = neuron_loss_graph(w1, **NEURON_EXAMPLE)
    L.backward()
    order = topological_order(L)
    return [(n.label, n.grad) for n in order[::-1]]


@pytest.mark.parametrize("w1", [-0.5, 1.3])
def test_step_k_shows_the_kth_node_in_reverse_topological_order_with_its_full_grad(w1):
    e = BackwardStepExplorer(w1=w1)
    expected = reference_grads(w1)
    # the slider counts from 1, as the readout's "Step k of n" does
    assert (e.controls["step"].min, e.controls["step"].max) == (1, len(expected)) == (1, 13)
    for k, (label, grad) in enumerate(expected):
        e.controls["step"].value = k + 1
        r = e.result
        assert f"Step {k + 1} of {len(expected)}" in e.readout.value
        assert r.current.node.label == label
        assert r.current.grad == pytest.approx(grad, rel=1e-14)
        assert f"∂L/∂{label}</" in e.readout.value.replace(" is now", "</")
        # nodes not yet reached are hatched, dashed and show "grad ?"
        hatched = [s for s in e.states if s.overlay.get_hatch()]
        assert len(hatched) == len(expected) - 1 - k
        assert all(s.grad.get_text() == "grad ?" for s in hatched)
        current = [s for s in e.states if s.overlay.get_linewidth() == 3.0]
        assert len(current) == 1 and "now" in current[0].grad.get_text()
        assert format_number(grad) in current[0].grad.get_text()


def test_the_readout_shows_local_derivative_and_chain_rule_product():
    e = BackwardStepExplorer(w1=-0.5)
    labels = [lab for lab, _ in reference_grads(-0.5)]
    e.controls["step"].value = labels.index("z") + 1
    r = e.result
    a = 1.0 - math.tanh(-0.5 * 2.0 + 0.8 * -1.0 + 0.3) ** 2  # tanh'(z)
    (term,) = r.current.terms
    assert term.local == pytest.approx(a) and term.child.label == "a"
    assert r.current.grad == pytest.approx(term.local * term.child_grad)
    assert "1 − tanh(z)²" in e.readout.value
    assert f"{format_number(term.local)} × {format_number(term.child_grad)}" in e.readout.value


def test_buttons_move_the_step_and_stop_at_the_ends():
    e = BackwardStepExplorer()
    e.buttons["previous"].click()
    assert e.controls["step"].value == 1 and e.result.step == 0
    e.buttons["next"].click()
    e.buttons["next"].click()
    assert e.controls["step"].value == 3 and e.result.step == 2
    e.controls["step"].value = e.controls["step"].max
    image = e.image.value
    e.buttons["next"].click()
    assert e.controls["step"].value == e.controls["step"].max and e.image.value == image
    e.buttons["previous"].click()
    assert e.result.step == e.controls["step"].max - 2 and e.image.value != image


@pytest.mark.parametrize("w1", [-6.0, 6.0])
def test_step_explorer_with_a_saturated_tanh_is_finite_and_says_so(w1):
    e = BackwardStepExplorer()
    before = e.image.value
    e.controls["w1"].value = w1
    assert e.image.value != before  # the forward values in the boxes were redrawn
    w1_box = e.artists[[n.label for n in e.result.nodes].index("w1")]
    assert f"data {format_number(w1)}" in w1_box.text.get_text()
    e.controls["step"].value = 13
    assert e.error is None and bytes(e.image.value).startswith(PNG)
    assert all(np.isfinite(s.grad) for s in e.result.steps)
    w1_grad = next(s.grad for s in e.result.steps if s.node.label == "w1")
    assert abs(w1_grad) < 1e-6
    assert "saturated" in e.readout.value


def pixels(png):
    """The RGBA pixels (H, W, 4) of PNG bytes, as ints."""
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def test_step_explorer_redraws_only_changed_nodes_and_matches_a_full_render():
    ex, reference = BackwardStepExplorer(), BackwardStepExplorer()
    drawn = []
    draw_artist = ex.figure.draw_artist
    ex.figure.draw_artist = lambda artist: (drawn.append(artist), draw_artist(artist))
    boxes = {id(part[0]): i for i, part in enumerate(ex.parts)}  # overlay -> node index
    for name, value, changed in [("step", 2, 2), ("step", 5, 4), ("w1", 1.5, None),
                                 ("step", 13, 9), ("w1", -6.0, None), ("step", 1, 13),
                                 ("w1", 6.0, None), ("step", 6, 6), ("step", 5, 2)]:
        drawn.clear()
        before = ex.image.value
        ex.controls[name].value = reference.controls[name].value = value
        assert ex.image.value != before
        redrawn = {boxes[id(a)] for a in drawn if id(a) in boxes}
        if changed is not None:   # a step changes the state of the nodes it passes, no others
            assert len(redrawn) == changed, (name, value)
        else:   # w1 changes every forward value left of the loss: at least those nodes
            labels = [ex.result.nodes[i].label for i in redrawn]
            assert {"w1", "w1·x1", "s", "z", "a", "e", "L"} <= set(labels), labels
        fast, full = pixels(ex.image.value), pixels(reference.full_render())
        assert np.mean(np.abs(fast - full).max(axis=2) > 2) < 1e-4, (name, value)


@pytest.mark.parametrize("neuron", [None, dict(x1=-2000.0, x2=-1.0, w2=0.8, b=-0.3, y=-0.5),
                                    dict(x1=1e-5, x2=-1e-5, w2=-1e-4, b=-3e-4, y=-123456.0)])
def test_every_number_stays_inside_its_node_box(neuron):
    """The numbers never cross a box's border, at any step, weight or size of number; and the
    stepper redraws a node by its box alone (``parts_in_boxes``), which needs exactly that."""
    e = BackwardStepExplorer(neuron=neuron)
    renderer = e.figure.canvas.get_renderer()
    for w1 in (-6.0, -3.3, -0.1, 0.0, 0.1, 6.0):
        e.controls["w1"].value = w1
        for step in range(1, e.controls["step"].max + 1):
            e.controls["step"].value = step
            for box, *texts in e.parts:
                assert_inside(box, texts, renderer, (w1, step))


def assert_inside(box, texts, renderer, case):
    """Each text lies inside the box, 2 pixels clear of its border."""
    from backproplib.explorers.regions import extent
    inner = extent(box, renderer).padded(-2)
    for text in texts:
        drawn = text.get_window_extent(renderer)
        assert (inner.x0 <= drawn.x0 and drawn.x1 <= inner.x1 and inner.y0 <= drawn.y0
                and drawn.y1 <= inner.y1), (text.get_text(), case)


@pytest.mark.parametrize("scale", [1e-9, 1.0, 2e3, 3e7])
def test_a_drawn_graph_keeps_label_data_and_grad_inside_each_box(scale):
    """Lesson 03 draws graphs with every node's label, data and grad: at any size of number."""
    x, w = Value(-1.5 * scale, label="x"), Value(0.7, label="w")
    L = ((x * w).tanh() - Value(-scale, label="y")) ** 2
    L.backward()
    figure = new_figure(9.5, 4.0)
    artists = draw_graph(figure.add_subplot(), layout_graph(L))
    renderer = figure.canvas.get_renderer()
    for drawn in artists:
        assert_inside(drawn.box, [drawn.text], renderer, scale)


def test_the_graphs_drawn_in_lesson_03_keep_their_numbers_inside_the_boxes(monkeypatch):
    """Each cell of the lesson that draws a graph, run as written (its figure size, its layout)."""
    import matplotlib.pyplot as plt
    import nbformat
    lesson = Path(__file__).resolve().parents[1] / "lessons" / "03_backward_pass.ipynb"
    cells = [cell.source for cell in nbformat.read(lesson, as_version=4).cells
             if cell.cell_type == "code" and "draw_graph(ax" in cell.source]
    assert len(cells) >= 2
    monkeypatch.setattr(plt, "show", lambda: None)
    L = neuron_loss_graph(**{"w1": -0.5, **NEURON_EXAMPLE})   # the lesson's neuron and numbers
    L.backward()
    drawn = []    # (source, artists) of every graph drawn
    for source in cells:
        namespace = dict(plt=plt, Value=Value, L=L, layout_graph=layout_graph,
                         draw_graph=lambda ax, layout, s=source: drawn.append((s, draw_graph(ax, layout))))
        exec(source, namespace)
        figure = plt.gcf()
        figure.canvas.draw()
        for node in drawn[-1][1]:
            assert_inside(node.box, [node.text], figure.canvas.get_renderer(), source[:40])
        plt.close(figure)
    assert len(drawn) == len(cells)


@pytest.mark.parametrize("x, text", [
    (0.0, "0.000"), (-1.0, "-1.000"), (9.9996, "10.00"), (-12.345, "-12.35"), (123.45, "123.5"),
    (999.96, "1000"), (-9999.4, "-9999"), (12345.0, "1.2e4"), (8.2e-6, "8.2e-6"),
    (-1.7e-10, "-2e-10"), (0.00099, "9.9e-4"), (float("nan"), "nan"), (float("-inf"), "-inf"),
])
def test_format_number_is_short(x, text):
    assert format_number(x) == text
    assert len(format_number(x).lstrip("-")) <= 6


def test_backward_step_state_refuses_a_step_out_of_range():
    with pytest.raises(ValueError, match="between 0 and 12"):
        backward_step_state(13, 0.5)


@pytest.mark.parametrize("make, position, rule", [
    (lambda x, y: x + y, 1, "1"), (lambda x, y: x - y, 1, "−1"), (lambda x, y: x * y, 0, "y"),
    (lambda x, y: x / y, 1, "−x/y²"), (lambda x, y: x ** 3, 0, "3·x^2"),
    (lambda x, y: x.tanh(), 0, "1 − tanh(x)²"), (lambda x, y: x.relu(), 0, "1 if x > 0 else 0"),
])
def test_local_rule_names_the_local_derivative(make, position, rule):
    child = make(Value(0.5, label="x"), Value(2.0, label="y"))
    assert local_rule(child, position).startswith(rule)


def test_step_formula_of_a_value_used_twice_sums_two_products():
    x = Value(3.0, label="x")
    f = x * x
    f.label = "f"
    from backproplib.scalar import backward_steps
    text = step_formula(backward_steps(f)[1])
    assert "3.000 × 1.000 + 3.000 × 1.000 = 6.000" in text


# -- the layout of a graph ----------------------------------------------------------------------

def test_layout_has_every_node_once_and_edges_from_parents_to_children():
    L = neuron_loss_graph(0.7)
    layout = layout_graph(L)
    order = topological_order(L)
    assert len(layout.nodes) == len(order) == len({id(n) for n in layout.nodes})
    assert {id(n) for n in layout.nodes} == {id(n) for n in order}
    assert len(set(layout.positions)) == len(layout.nodes)  # no two boxes on top of each other
    pairs = {(p, c) for p, c, _ in layout.edges}
    for c, child in enumerate(layout.nodes):
        for parent in child.parents:
            assert (layout.nodes.index(parent), c) in pairs
    for p, c, uses in layout.edges:
        assert layout.nodes[p] in layout.nodes[c].parents
        assert uses == sum(q is layout.nodes[p] for q in layout.nodes[c].parents)
        assert layout.positions[p][0] < layout.positions[c][0]  # drawn left to right


def test_layout_and_drawing_of_a_value_used_twice():
    x = Value(3.0, label="x")
    f = x * x
    layout = layout_graph(f)
    assert len(layout.nodes) == 2 and layout.edges == [(0, 1, 2)]
    ax = new_figure().add_subplot()
    artists = draw_graph(ax, layout)
    assert len(artists) == 2
    assert any("used ×2" in t.get_text() for t in ax.texts)
    assert "grad" in artists[1].text.get_text()
