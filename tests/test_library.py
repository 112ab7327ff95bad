"""Numerical stability of the losses, initialisation, gradient norms, and the progress widget."""

import warnings

import numpy as np
import pytest

import backproplib as bp
from backproplib import progress


@pytest.mark.parametrize("big", [1000.0, -1000.0])
def test_softmax_cross_entropy_is_finite_for_huge_logits(big):
    Z = np.array([[big, 0.0, -big], [0.0, big, 0.0]])
    y = np.array([2, 1])
    loss = bp.SoftmaxCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L = loss.forward(Z, y)
        dZ = loss.backward()
        P = bp.softmax(Z)
    assert np.isfinite(L) and np.all(np.isfinite(dZ)) and np.all(np.isfinite(P))
    # big > 0: row 1 is wrong by a margin of 2000, row 2 right;  big < 0: row 1 right, row 2
    # wrong by 1000 with two classes tied at 0. The loss says so, exactly.
    expected = 2000 / 2 if big > 0 else (1000 + np.log(2)) / 2
    assert L == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)


@pytest.mark.parametrize("z", [1000.0, -1000.0])
@pytest.mark.parametrize("target", [0.0, 1.0])
def test_binary_cross_entropy_from_logits_is_finite_and_exact(z, target):
    loss = bp.BinaryCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L = loss.forward(np.array([[z]]), np.array([[target]]))
        dz = loss.backward()
    wrong = (z > 0) != (target == 1.0)
    assert L == pytest.approx(1000.0 if wrong else 0.0, abs=1e-9)
    assert dz[0, 0] == pytest.approx((1.0 if z > 0 else 0.0) - target)


@pytest.mark.parametrize("p", [0.0, 1.0])
@pytest.mark.parametrize("target", [0.0, 1.0])
def test_binary_cross_entropy_of_probabilities_0_and_1_is_finite(p, target):
    loss = bp.BinaryCrossEntropy(from_logits=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L = loss.forward(np.array([[p]]), np.array([[target]]))
        dp = loss.backward()
    assert np.isfinite(L) and np.all(np.isfinite(dp))
    assert (L > 20) == (p != target)  # a confident wrong answer costs a lot, a right one ~nothing


def test_sigmoid_is_finite_and_exact_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = bp.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("scheme, std", [
    ("normal", lambda n_in, n_out: 0.01),
    ("xavier", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out))),
    ("he", lambda n_in, n_out: np.sqrt(2 / n_in)),
])
def test_initialisations_have_the_documented_spread(scheme, std):
    W = bp.init_weights(400, 300, scheme, rng=0)
    assert abs(W.mean()) < 0.01 * std(400, 300) * 10
    assert W.std() == pytest.approx(std(400, 300), rel=0.02)
    np.testing.assert_array_equal(W, bp.init_weights(400, 300, scheme, rng=0))  # seeded


def test_zero_initialisation_and_biases_start_at_zero():
    layer = bp.Dense(5, 3, init="zeros")
    assert not layer.W.any() and not layer.b.any()


def test_gradient_norms_shrink_towards_the_input_in_a_deep_sigmoid_network():
    rng = np.random.default_rng(0)
    net = bp.mlp([10] + [32] * 8 + [2], activation="sigmoid", init="normal", seed=0)
    X, y = rng.normal(size=(64, 10)), rng.integers(0, 2, size=64)
    loss = bp.SoftmaxCrossEntropy()
    net.zero_grad()
    loss.forward(net.forward(X), y)
    net.backward(loss.backward())
    norms = list(net.grad_norms().values())
    assert list(net.grad_norms()) == [f"dense{i}" for i in range(1, 10)]
    assert norms[0] < 1e-6 * norms[-1]  # the vanishing gradient, measured


def test_network_summary_lists_layers_and_parameter_count():
    net = bp.mlp([64, 32, 10], seed=0)
    text = net.summary()
    assert "dense1" in text and "64x32" in text and "relu1" in text
    assert str(64 * 32 + 32 + 32 * 10 + 10) in text
    assert net.num_parameters() == 64 * 32 + 32 + 32 * 10 + 10


def test_progress_is_a_widget_in_a_notebook(monkeypatch):
    shown = []
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, **options: shown.append(obj))
    bar = progress.Progress(4, "training")
    bar.update(2, "loss 0.5")
    bar.close()
    (bundle,) = shown   # the bar's widget, and a line instead of its repr where it cannot be drawn
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == bar.widget.model_id
    assert bundle["text/plain"] == "training: a progress bar while the cell runs"
    assert bar.bar.value == 2 and bar.bar.max == 4 and "2/4 loss 0.5" in bar.text.value
