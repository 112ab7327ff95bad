"""Lesson 01's explorers: the neuron over the input plane and the network diagram.

The pure functions are checked against values computed here by hand; the explorers are driven
headless by setting their controls, as a learner would move a slider.
"""

import re
import warnings

import numpy as np
import pytest

from backproplib import Network
from backproplib.explorers.network_diagram import (
    EXAMPLE_WEIGHTS,
    PRESETS,
    NetworkDiagramExplorer,
    diagram_columns,
    diagram_state,
    edge_style,
    example_network,
    forward_trace,
    network_diagram_layout,
    preset_weights,
)
from backproplib.explorers.neuron import (
    NeuronExplorer,
    decision_line,
    neuron_output,
    neuron_output_grid,
    neuron_state,
    output_range,
)

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def by_hand(name, z):
    """The activations written out independently of the library."""
    return {"sigmoid": logistic(z), "tanh": np.tanh(z), "relu": np.where(z > 0, z, 0.0),
            "leaky_relu": np.where(z > 0, z, 0.01 * z), "identity": z}[name]


# -- the neuron: pure functions -----------------------------------------------------------------

def test_neuron_output_is_weighted_sum_plus_bias_through_f():
    z, a = neuron_output(2.0, -1.0, w1=0.5, w2=3.0, b=0.25, activation="sigmoid")
    assert z == pytest.approx(0.5 * 2.0 + 3.0 * -1.0 + 0.25)
    assert a == pytest.approx(logistic(-1.75))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_grid_rows_follow_x2_and_columns_follow_x1(activation):
    x1, x2, A = neuron_output_grid(1.5, -0.7, 0.3, activation, extent=2.0, resolution=11)
    assert x1.shape == (11,) and x2.shape == (11,) and A.shape == (11, 11)
    assert x1[0] == -2.0 and x1[-1] == 2.0
    i, j = 2, 8
    assert A[i, j] == pytest.approx(by_hand(activation, 1.5 * x1[j] - 0.7 * x2[i] + 0.3))


def test_grid_refuses_a_single_point():
    with pytest.raises(ValueError, match="resolution"):
        neuron_output_grid(1, 1, 0, resolution=1)


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="unknown activation 'softsign'"):
        neuron_output(0, 0, 1, 1, 0, "softsign")


@pytest.mark.parametrize("w1, w2, b", [(1.0, -0.5, 0.3), (0.2, 5.0, -1.0), (-10, 0.0, 10), (0.0, 3.0, 1.0)])
def test_decision_line_points_have_z_zero(w1, w2, b):
    xs, ys = decision_line(w1, w2, b, extent=3.0)
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    np.testing.assert_allclose(w1 * xs + w2 * ys + b, 0.0, atol=1e-12)


def test_no_decision_line_without_weights():
    assert decision_line(0.0, 0.0, 2.0) is None


def test_output_range_keeps_bounded_activations_fixed():
    A = np.array([[0.2, 0.4]])
    assert output_range("sigmoid", A) == (0.0, 1.0)
    assert output_range("tanh", A) == (-1.0, 1.0)
    assert output_range("relu", np.array([0.0, 25.0])) == (0.0, 50.0)
    assert output_range("relu", np.array([0.0, 0.3])) == (0.0, 1.0)
    assert output_range("identity", np.array([-40.0, 5.0])) == (-50.0, 50.0)
    assert output_range("leaky_relu", np.array([-2.0, 1.5])) == (-2.0, 2.0)


def test_neuron_state_reports_the_slope_at_the_point():
    s = neuron_state(2.0, 1.0, -0.5, "tanh", point=(0.5, 0.25))
    z = 2.0 * 0.5 + 1.0 * 0.25 - 0.5
    assert s.z == pytest.approx(z)
    assert s.slope == pytest.approx(1 - np.tanh(z) ** 2)


# -- the neuron explorer ------------------------------------------------------------------------

def readout_number(explorer, label):
    """The number printed after e.g. 'a = sigmoid(z) = ' in bold in the readout."""
    match = re.search(re.escape(label) + r"[^<]*<b>(-?[\d.]+)</b>", explorer.readout.value)
    assert match, f"no {label!r} in readout: {explorer.readout.value}"
    return float(match.group(1))


def test_neuron_readout_matches_the_formula():
    ex = NeuronExplorer(point=(1.0, 0.5))
    ex.controls["w1"].value = 2.3
    ex.controls["w2"].value = -1.7
    ex.controls["b"].value = 0.4
    z = 2.3 * 1.0 + -1.7 * 0.5 + 0.4
    assert ex.result.z == pytest.approx(z)
    assert ex.result.a == pytest.approx(logistic(z))
    assert readout_number(ex, "z = w₁x₁") == pytest.approx(z, abs=1e-3)
    assert readout_number(ex, "a = sigmoid(z)") == pytest.approx(logistic(z), abs=1e-4)


def test_fast_redraw_gives_the_same_picture_as_a_full_render():
    import io

    from PIL import Image

    ex = NeuronExplorer()
    for name, value in [("w1", 2.0), ("b", -1.5), ("activation", "relu"), ("w2", 3.0)]:
        ex.controls[name].value = value
        fast = np.asarray(Image.open(io.BytesIO(ex.image.value)))
        full = np.asarray(Image.open(io.BytesIO(ex.full_render())))
        differ = np.abs(fast.astype(int) - full.astype(int)).max(axis=2) > 2
        assert differ.mean() < 1e-3, name   # a few edge pixels where a tick meets the image


def test_each_kept_still_picture_matches_a_full_render_when_the_activation_comes_back():
    # every activation once (a new still picture each), then back to the first ones: the kept
    # pictures must still be right, compared with a second explorer rendered the ordinary way
    ex, reference = NeuronExplorer(), NeuronExplorer()
    for name, value in [("activation", "tanh"), ("activation", "relu"), ("w1", 4.0),
                        ("activation", "identity"), ("activation", "sigmoid"), ("b", -3.0),
                        ("activation", "tanh"), ("activation", "relu"), ("w2", 2.5)]:
        before = ex.image.value
        ex.controls[name].value = reference.controls[name].value = value
        assert ex.image.value != before
        fast, full = pixels(ex.image.value), pixels(reference.full_render())
        assert np.mean(np.abs(fast - full).max(axis=2) > 2) < 1e-3, (name, value)
    assert len(ex._stills) >= 4   # one still picture per activation and range seen


def test_a_new_activation_rebuilds_the_colour_bar_once(monkeypatch):
    """Its colour map and range change together: the colour bar (milliseconds to rebuild)
    follows once, not once for each."""
    ex = NeuronExplorer()
    rebuilt = []
    draw_all = ex.colorbar._draw_all
    monkeypatch.setattr(ex.colorbar, "_draw_all", lambda: rebuilt.append(draw_all()))
    for value in ("tanh", "relu", "sigmoid"):
        rebuilt.clear()
        ex.controls["activation"].value = value
        assert len(rebuilt) == 1, value


def test_a_new_activation_draws_the_colour_bar_and_curve_again_but_not_the_plane(monkeypatch):
    """What changes with the activation (colour map and range, curve limits, the note) is in
    those two axes: the plane's axes, ticks and legend come from a kept still picture."""
    ex = NeuronExplorer()
    drawn = []        # per full draw of the figure: which axes were in it
    draw = ex.figure.canvas.draw
    monkeypatch.setattr(ex.figure.canvas, "draw",
                        lambda: drawn.append({ax for ax in ex.figure.axes if ax.get_visible()})
                        or draw())
    for value in ("tanh", "relu", "leaky_relu", "identity"):
        ex.controls["activation"].value = value
    assert len(drawn) == 4
    assert all(ex.ax_plane not in axes and ex.ax_curve in axes for axes in drawn)
    assert ex.colorbar.ax in drawn[0]     # sigmoid -> tanh: another colour map


def test_png_of_a_canvas_holds_exactly_its_pixels():
    from backproplib.explorers.render import canvas_to_png
    ex = NeuronExplorer()
    canvas = ex.figure.canvas
    assert np.array_equal(pixels(canvas_to_png(canvas)), np.asarray(canvas.buffer_rgba()))


def pixels(png):
    """The RGBA pixels (H, W, 4) of PNG bytes, as ints."""
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def test_one_slider_step_changes_the_picture():
    ex = NeuronExplorer()
    before = ex.image.value
    slider = ex.controls["w1"]
    slider.value = slider.value + slider.step
    assert ex.image.value != before


def test_switching_to_relu_changes_the_image_as_the_maths_says():
    ex = NeuronExplorer(w1=1.0, w2=-0.5, b=0.0)
    sigmoid_png, sigmoid_A = ex.image.value, ex.result.A
    ex.controls["activation"].value = "relu"
    assert ex.image.value != sigmoid_png
    x1, x2 = ex.result.x1, ex.result.x2
    np.testing.assert_allclose(ex.result.A, np.maximum(1.0 * x1[None, :] - 0.5 * x2[:, None], 0))
    assert not np.allclose(ex.result.A, sigmoid_A)
    low, high = ex.im.get_clim()
    assert low == 0.0 and ex.result.A.max() <= high < 2.5 * ex.result.A.max()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_extreme_sliders_draw_a_finite_saturated_picture(activation):
    ex = NeuronExplorer(activation=activation)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for w1, w2, b in [(10, 10, 10), (-10, -10, -10), (10, -10, 0), (0, 0, 10), (0, 0, -10)]:
            ex.controls["w1"].value, ex.controls["w2"].value = w1, w2
            ex.controls["b"].value = b
            assert ex.error is None
            assert np.all(np.isfinite(ex.result.A))
            assert ex.image.value[:4] == b"\x89PNG"
            z = w1 * 1.0 + w2 * 0.5 + b
            assert ex.result.a == pytest.approx(by_hand(activation, z))
    if activation == "sigmoid":
        ex.controls["w1"].value, ex.controls["w2"].value, ex.controls["b"].value = 10, 10, 10
        assert "Saturated" in ex.readout.value
        A = ex.result.A  # a sharp step: nearly every grid point is at a ≈ 0 or a ≈ 1
        assert np.mean((A < 0.01) | (A > 0.99)) > 0.8


def test_zero_weights_say_there_is_no_line():
    ex = NeuronExplorer(w1=0.0, w2=0.0, b=2.0)
    assert ex.result.line is None
    assert "no decision line" in ex.readout.value
    assert len(ex.line.get_xdata()) == 0


# -- the network diagram: pure functions --------------------------------------------------------

def test_layout_places_layers_in_columns_centred_on_zero():
    positions = network_diagram_layout([2, 3, 1], layer_gap=2.0, node_gap=1.0)
    assert [p.shape for p in positions] == [(2, 2), (3, 2), (1, 2)]
    np.testing.assert_allclose(positions[1][:, 0], 2.0)
    np.testing.assert_allclose(positions[1][:, 1], [1.0, 0.0, -1.0])
    np.testing.assert_allclose(positions[0][:, 1], [0.5, -0.5])
    np.testing.assert_allclose(positions[2], [[4.0, 0.0]])
    with pytest.raises(ValueError, match="layer_sizes"):
        network_diagram_layout([3])


def test_forward_trace_of_the_lesson_example_by_hand():
    net = example_network("lesson example", "sigmoid")
    x = np.array([1.0, -0.5])
    W1, b1 = np.array(EXAMPLE_WEIGHTS["W1"]), np.array(EXAMPLE_WEIGHTS["b1"])
    W2, b2 = np.array(EXAMPLE_WEIGHTS["W2"]), np.array(EXAMPLE_WEIGHTS["b2"])
    z1 = x @ W1 + b1
    a1 = logistic(z1)
    z2 = a1 @ W2 + b2
    trace = forward_trace(net, x)
    assert [name for name, _ in trace] == ["input", "dense1", "sigmoid1", "dense2", "sigmoid2"]
    for (_, got), want in zip(trace, [x, z1, a1, z2, logistic(z2)]):
        np.testing.assert_allclose(got, want)
    columns = diagram_columns(net, trace)
    assert [c.name for c in columns] == ["input", "dense1", "dense2"]
    np.testing.assert_allclose(columns[1].z, z1)
    np.testing.assert_allclose(columns[1].a, a1)


def test_a_dense_layer_without_activation_shows_a_equal_to_z():
    from backproplib import Dense, ReLU
    net = Network([Dense(2, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    columns = diagram_state(net, [0.3, -1.2]).columns
    np.testing.assert_allclose(columns[-1].a, columns[-1].z)
    np.testing.assert_allclose(columns[-1].a, net.forward(np.array([[0.3, -1.2]]))[0])


def test_presets_are_reproducible_and_unknown_ones_are_named():
    np.testing.assert_array_equal(preset_weights("random (seed 1)")["W1"],
                                  preset_weights("random (seed 1)")["W1"])
    assert not np.array_equal(preset_weights("random (seed 1)")["W1"],
                              preset_weights("random (seed 2)")["W1"])
    with pytest.raises(ValueError, match="unknown preset"):
        preset_weights("seed 7")


def test_edge_style_width_grows_with_size_and_sign_sets_the_dash():
    assert edge_style(-2.0)[0] > edge_style(0.5)[0]
    assert edge_style(0.5)[1] == "-" and edge_style(-0.5)[1] == "--"
    assert edge_style(1e6)[0] <= 7.0


# -- the network diagram explorer ---------------------------------------------------------------

@pytest.fixture(scope="module")
def diagram():
    return NetworkDiagramExplorer()


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_diagram_nodes_equal_network_forward(diagram, preset, activation):
    ex = diagram
    ex.controls["preset"].value = preset
    ex.controls["activation"].value = activation
    ex.controls["x1"].value = 2.2
    ex.controls["x2"].value = -1.3
    net = example_network(preset, activation)
    out = net.forward(np.array([[2.2, -1.3]]))
    hidden = net.layers[1].forward(net.layers[0].forward(np.array([[2.2, -1.3]])))
    np.testing.assert_allclose(ex.result.output, out[0])
    np.testing.assert_allclose(ex.result.columns[1].a, hidden[0])
    # what is printed in the nodes is the same numbers
    assert [t.get_text() for t in ex.node_values[1]] == [f"{v:.2f}" for v in hidden[0]]
    assert ex.node_values[2][0].get_text() == f"{out[0, 0]:.2f}"
    assert f"{out[0, 0]:.4f}" in ex.readout.value


def test_diagram_edges_show_the_weights():
    ex = NetworkDiagramExplorer(preset="lesson example")
    W1 = np.array(EXAMPLE_WEIGHTS["W1"])
    labels = [t.get_text() for t in ex.edge_labels[0]]
    assert labels == [f"{w:+.2f}" for w in W1.ravel()]
    for line, w in zip(ex.edges[0], W1.ravel()):
        assert line.get_linestyle() == ("-" if w >= 0 else "--")
        assert line.get_linewidth() == pytest.approx(edge_style(w)[0])


def test_moving_an_input_changes_the_diagram():
    ex = NetworkDiagramExplorer()
    before, out_before = ex.image.value, ex.result.output[0]
    ex.controls["x1"].value = ex.controls["x1"].value + ex.controls["x1"].step
    assert ex.image.value != before
    assert ex.result.output[0] != out_before


def test_diagram_fast_redraw_matches_a_full_render():
    # the edges are drawn once per preset, the nodes on every redraw; a second explorer
    # rendered the ordinary way must show the same picture after every change
    ex, reference = NetworkDiagramExplorer(), NetworkDiagramExplorer()
    for name, value in [("x1", 2.0), ("preset", "random (seed 1)"), ("activation", "tanh"),
                        ("x2", 3.0), ("preset", "lesson example"), ("x1", -3.0),
                        ("preset", "random (seed 1)")]:
        before = ex.image.value
        ex.controls[name].value = reference.controls[name].value = value
        assert ex.image.value != before
        fast, full = pixels(ex.image.value), pixels(reference.full_render())
        assert np.mean(np.abs(fast - full).max(axis=2) > 2) < 1e-4, (name, value)


def test_diagram_extremes_stay_finite_without_warnings(diagram):
    ex = diagram
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for preset in PRESETS:
            for activation in ["sigmoid", "tanh", "relu"]:
                for x1, x2 in [(-3, -3), (3, 3), (3, -3)]:
                    s = ex.compute(x1, x2, preset, activation)
                    assert all(np.all(np.isfinite(c.a)) for c in s.columns)
        # and drawn: the corners of the input square with the widest random weights
        ex.controls["preset"].value = "random (seed 0)"
        for x1, x2 in [(-3, -3), (3, 3)]:
            ex.controls["x1"].value, ex.controls["x2"].value = x1, x2
            assert ex.error is None and ex.image.value[:4] == b"\x89PNG"


def test_network_sketch_draws_one_line_per_weight_and_one_circle_per_neuron():
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    from backproplib.explorers.sketch import draw_network_sketch
    ax = Figure().add_subplot()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        positions = draw_network_sketch(ax, layer_sizes=(2, 4, 3))
    assert [len(p) for p in positions] == [2, 4, 3]
    assert len(ax.lines) == 2 * 4 + 4 * 3
    assert sum(isinstance(p, Circle) for p in ax.patches) == 2 + 4 + 3
