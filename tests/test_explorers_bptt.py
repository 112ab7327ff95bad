"""Lesson 08's explorer, headless: its numbers against an independent computation, every control
moved, the predict-then-reveal wiring, and the extreme settings (no error, no NaN, no blank plot)."""

import itertools

import numpy as np
import pytest

from backproplib.explorers.bptt import (
    ACTIVATIONS,
    FEATURES,
    HIDDEN,
    BPTTGradientExplorer,
    bptt_readout,
    recurrent_matrix,
)


def gradient_norms_by_jacobians(length, scale, activation, seed=0):
    """‖∂L/∂h_t‖ computed a second way: build every Jacobian ∂h_t/∂h_{t−1} explicitly and
    multiply them, without rescaling (fine for short sequences)."""
    rng = np.random.default_rng(seed)
    Wh = recurrent_matrix(scale, seed=seed)
    Wx = rng.standard_normal((FEATURES, HIDDEN)) / np.sqrt(FEATURES)
    X = rng.standard_normal((length, FEATURES))
    h, jacobians = np.zeros(HIDDEN), []
    for t in range(length):
        z = X[t] @ Wx + h @ Wh
        h = np.tanh(z) if activation == "tanh" else z
        slope = 1 - np.tanh(z) ** 2 if activation == "tanh" else np.ones(HIDDEN)
        jacobians.append(np.diag(slope) @ Wh.T)   # ∂h_t/∂h_{t−1}, rows: h_t, columns: h_{t−1}
    g = rng.standard_normal(HIDDEN)
    g /= np.linalg.norm(g)
    norms = [1.0]
    for t in range(length - 1, 0, -1):
        g = jacobians[t].T @ g
        norms.append(np.linalg.norm(g))
    return np.array(norms[::-1])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("length, scale", [(2, 0.5), (10, 0.9), (25, 1.3), (40, 2.0)])
def test_norms_match_explicit_jacobian_products(length, scale, activation):
    r = bptt_readout(length, scale, activation)
    expected = gradient_norms_by_jacobians(length, scale, activation)
    np.testing.assert_allclose(10.0 ** r.log10_norms, expected, rtol=1e-9)
    assert r.log10_ratio == pytest.approx(np.log10(expected[0]), abs=1e-9)


@pytest.mark.parametrize("scale", [0.5, 0.8, 1.0, 1.25, 2.0])
def test_without_tanh_the_norm_is_exactly_s_to_the_power_of_the_distance(scale):
    r = bptt_readout(60, scale, "linear")
    np.testing.assert_allclose(r.log10_norms, (60 - r.steps) * np.log10(scale), atol=1e-9)
    assert r.factor_per_step == pytest.approx(scale, rel=1e-9)
    assert r.regime == ("vanishing" if scale < 0.97 else "exploding" if scale > 1.03 else "steady")
    assert np.linalg.svd(recurrent_matrix(scale), compute_uv=False) == pytest.approx(scale)


def test_with_tanh_the_gradient_never_grows_faster_than_s_per_step():
    for scale in (0.5, 1.0, 1.5, 2.0):
        r = bptt_readout(50, scale, "tanh")
        steps_back = np.diff(r.log10_norms)       # log₁₀ of ‖∂L/∂h_t‖ / ‖∂L/∂h_{t−1}‖, negated
        assert np.all(-steps_back <= np.log10(scale) + 1e-12)


def test_prediction_error_and_verdict():
    truth = bptt_readout(30, 0.8, "tanh").log10_ratio
    near = bptt_readout(30, 0.8, "tanh", prediction=truth + 0.5, revealed=True)
    assert near.good_guess and near.error == pytest.approx(0.5) and near.revealed
    far = bptt_readout(30, 0.8, "tanh", prediction=0.0)
    assert not far.good_guess and far.error == pytest.approx(-truth) and not far.revealed


def test_extreme_settings_stay_finite_and_floor_what_underflows():
    for length, scale, activation in itertools.product((2, 100), (0.5, 2.0), ACTIVATIONS):
        r = bptt_readout(length, scale, activation, prediction=-40, revealed=True)
        assert np.all(np.isfinite(r.log10_norms)) and np.isfinite(r.factor_per_step)
        assert r.log10_norms[-1] == 0.0 and r.log10_norms.shape == (length,)
    with pytest.raises(ValueError, match="at least 2 steps"):
        bptt_readout(1, 1.0)
    with pytest.raises(ValueError, match="activation"):
        bptt_readout(5, 1.0, "relu")


def test_the_curve_stays_hidden_until_reveal_and_hides_again_on_every_new_question():
    e = BPTTGradientExplorer()
    assert not e.result.revealed and len(e.curve.get_xdata()) == 0
    assert "press Reveal" in e.readout.value and e.error is None
    e.controls["prediction"].value = -5.0
    e.reveal.value = True
    assert e.result.revealed and len(e.curve.get_xdata()) == e.result.length
    assert "Truth" in e.readout.value
    assert ("powers of 10" in e.readout.value) != ("well predicted" in e.readout.value)
    for name, value in [("length", 60), ("scale", 1.5), ("activation", "linear"),
                        ("prediction", 3.0)]:
        e.reveal.value = True
        e.controls[name].value = value
        assert getattr(e.result, name) == value and not e.result.revealed, name
        assert len(e.curve.get_xdata()) == 0 and "press Reveal" in e.readout.value


def test_every_extreme_combination_of_controls_draws_finite_limits_and_points():
    e = BPTTGradientExplorer()
    c = e.controls
    for length, scale, activation, prediction in itertools.product(
            (c["length"].min, c["length"].max), (c["scale"].min, c["scale"].max), ACTIVATIONS,
            (c["prediction"].min, c["prediction"].max)):
        c["length"].value, c["scale"].value = length, scale
        c["activation"].value, c["prediction"].value = activation, prediction
        e.reveal.value = True
        assert e.error is None and e.result.revealed
        ys = np.asarray(e.curve.get_ydata(), dtype=float)
        assert ys.size == length and np.all(np.isfinite(ys)) and np.all(ys > 0)
        low, high = e.ax.get_ylim()
        assert 0 < low < high < np.inf
        assert low <= ys.min() and ys.max() <= high
        assert low <= 10.0 ** prediction <= high
        assert "nan" not in e.readout.value.lower() and e.image.value[:4] == b"\x89PNG"
