"""Lesson 05's depth explorer: gradient norms per layer, the short training run, clipping."""

import numpy as np
import pytest

import backproplib as bp
from backproplib.explorers.depth import (
    DepthExplorer,
    backward_recording,
    build_network,
    depth_study,
)
from backproplib.gradcheck import numerical_gradient


def test_initial_weights_follow_the_scheme_times_the_gain():
    net = build_network(4, "relu", "he", 2.0, width=200, seed=1)
    W = net.layers[2].W                                  # a 200 × 200 hidden layer
    assert W.std() == pytest.approx(2.0 * np.sqrt(2 / 200), rel=0.02)
    xavier = build_network(4, "tanh", "xavier", 1.0, width=200).layers[2].W
    assert xavier.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert [type(layer).__name__ for layer in net.layers] == [
        "Dense", "ReLU", "Dense", "ReLU", "Dense", "ReLU", "Dense"]


def test_gradient_norms_match_numerical_gradients():
    r = depth_study(3, "sigmoid", "xavier", 1.0, steps=1, width=4)
    X, y = bp.make_moons(n=200, noise=0.15, seed=0)
    net, loss = build_network(3, "sigmoid", "xavier", 1.0, width=4), bp.SoftmaxCrossEntropy()
    dense = [layer for layer in net.layers if "W" in layer.params]
    for l, layer in enumerate(dense):
        numeric = numerical_gradient(lambda: loss.forward(net.forward(X), y), layer.params["W"])
        assert r.grad_norms_init[l] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)


def test_recorded_dZ_are_the_gradients_reaching_each_dense_layer():
    X, y = bp.make_moons(n=50, seed=2)
    net, loss = build_network(4, "tanh", "he", 1.0, width=5), bp.SoftmaxCrossEntropy()
    loss.forward(net.forward(X), y)
    net.zero_grad()
    dZs, dAs = backward_recording(net, loss.backward())
    dense = [layer for layer in net.layers if "W" in layer.params]
    assert len(dZs) == len(dAs) == len(dense) == 4
    for layer, dZ in zip(dense, dZs):
        np.testing.assert_allclose(layer.dW, layer.X.T @ dZ, rtol=1e-12)   # eq. 3.8
    activations = [layer for layer in net.layers if "W" not in layer.params]
    for act, dA, dZ in zip(activations, dAs, dZs):
        np.testing.assert_allclose(dZ, dA * (1 - act.A ** 2), rtol=1e-12)    # eq. 3.6 for tanh
    np.testing.assert_array_equal(dAs[-1], dZs[-1])


def test_deep_sigmoid_vanishes_he_relu_does_not_and_large_gain_explodes():
    sig = depth_study(8, "sigmoid", "xavier", 1.0, steps=5)
    assert sig.first_over_last < -3
    assert np.all(np.diff(np.log10(sig.grad_norms_init)) > 0)      # smaller towards the input
    relu = depth_study(8, "relu", "he", 1.0, steps=5)
    assert abs(relu.first_over_last) < 1
    boom = depth_study(12, "relu", "he", 10.0)
    assert boom.diverged_at is not None and boom.diverged_at < 5
    assert boom.grad_norms_init.max() > 1e8


def test_he_relu_trains_and_learning_speed_is_lr_times_gradient_over_weight():
    r = depth_study(6, "relu", "he", 1.0, steps=60)
    assert r.loss[-1] < 0.6 * r.loss[0] and r.final_accuracy > 0.8
    assert r.update_ratios.shape == r.grad_norms.shape == (60, 6)
    assert len(r.checkpoints) == 3 and r.act_percentiles.shape == (3, 5, 3)
    assert r.grad_percentiles.shape == (3, 6, 3)
    assert np.all(np.diff(r.act_percentiles, axis=-1) >= 0)       # 5th ≤ 50th ≤ 95th
    net = build_network(6, "relu", "he", 1.0)
    first_W = [layer.W for layer in net.layers if "W" in layer.params]
    expected = 0.5 * r.grad_norms[0] / np.array([np.linalg.norm(W) for W in first_W])
    np.testing.assert_allclose(r.update_ratios[0], expected, rtol=1e-10)


def test_zero_initialisation_has_no_ratio_to_predict_and_hidden_layers_never_learn():
    r = depth_study(5, "relu", "zeros", 1.0, steps=10)
    assert r.first_over_last is None and r.feedback is None
    assert np.all(r.update_ratios[:, :-1] == 0)


def test_clipping_lets_an_exploding_network_train():
    clipped = depth_study(10, "relu", "he", 1.5, clip=1.0, steps=60)
    free = depth_study(10, "relu", "he", 1.5, steps=60)
    assert free.diverged_at is not None and clipped.diverged_at is None
    assert 0 < clipped.clipped_steps < 60 and clipped.final_accuracy > 0.9
    # the first step is clipped: its updates are shorter than the raw gradients would give
    raw = depth_study(10, "relu", "he", 1.5, steps=1)
    assert np.all(clipped.update_ratios[0] < raw.update_ratios[0])


def test_bad_settings_are_named():
    with pytest.raises(bp.ConfigError, match="depth"):
        depth_study(1)
    with pytest.raises(bp.ConfigError, match="activation"):
        depth_study(4, "softplus")
    with pytest.raises(bp.ConfigError, match="gain"):
        depth_study(4, gain=0)


def test_explorer_hides_until_revealed_then_every_control_at_its_extremes():
    ex = DepthExplorer()
    assert "Predict first" in ex.readout.value and not ex.dw_line.get_visible()
    hidden_limits = ex.ax_g.get_ylim()
    ex.controls["depth"].value = 10                  # the hidden axes do not move with the answer
    assert ex.ax_g.get_ylim() == hidden_limits
    ex.controls["revealed"].value = True
    assert ex.dw_line.get_visible() and "decades" in ex.readout.value
    settings = [("depth", v) for v in (2, 12)] + [("gain", v) for v in (0.1, 10.0)] + \
        [("guess_log10", v) for v in (-12, 12)] + [("activation", v) for v in ("tanh", "relu")] + \
        [("init", v) for v in ("zeros", "normal", "he")]
    for name, value in settings:
        ex.controls[name].value = value
        assert ex.error is None, (name, value)
        text = ex.readout.value.lower()
        assert "nan" not in text and " inf" not in text, (name, value)
        assert len(ex.image.value) > 1000
    for combo in [(12, "relu", "he", 10.0), (12, "sigmoid", "normal", 0.1), (2, "tanh", "zeros", 10.0)]:
        for name, value in zip(("depth", "activation", "init", "gain"), combo):
            ex.controls[name].value = value
        assert ex.error is None and "nan" not in ex.readout.value.lower()
    boom = DepthExplorer(12, "relu", "he", 10.0)
    assert "Exploding" in _readout(boom)
    assert all("stopped at step" in t.get_text() and t.get_visible() for t in boom.stopped)
    assert boom.dw_line.get_visible() and np.all(np.isfinite(boom.dw_line.get_ydata()))


def _readout(ex):
    ex.controls["revealed"].value = True
    return ex.readout.value


def test_kept_runs_and_pictures_are_those_of_a_fresh_computation():
    """Going back to a setting, or moving only the guess, reuses the training run and the
    picture: both equal what training and rendering again give."""
    from backproplib.explorers.depth import training_run

    ex = DepthExplorer(depth=3, activation="tanh")
    ex.controls["revealed"].value = True
    ex.controls["depth"].value = 4
    ex.controls["depth"].value = 3                   # back: the kept run and picture
    kept = ex.result
    run, final_accuracy = training_run.__wrapped__(3, "tanh", "xavier", 1.0, 60, 0.5, 16, None, 0)
    np.testing.assert_array_equal(kept.loss, run["loss"])
    np.testing.assert_array_equal(kept.update_ratios, np.array(run["ratios"]))
    np.testing.assert_array_equal(kept.grad_norms_init, run["norms"][0])
    assert kept.final_accuracy == final_accuracy
    shown = ex.image.value
    assert shown == ex.full_render()                  # the kept picture is a fresh render
    ex.controls["guess_log10"].value = -3.0           # the guess is not in the picture...
    assert ex.image.value == shown == ex.full_render()
    assert ex.result.feedback != kept.feedback        # ...but it is in the readout
    assert ex.result.guess_log10 == -3.0


def test_the_saved_still_picture_is_of_the_current_state_after_a_kept_picture_was_shown():
    from backproplib.explorers.render import still_png

    ex = DepthExplorer(depth=3, activation="tanh")
    ex.controls["depth"].value = 4
    ex.controls["depth"].value = 3                   # the kept picture: the canvas shows depth 4
    ex._repr_mimebundle_()
    png, _, _ = ex.first_picture
    ex.full_render()
    assert png == still_png(ex.figure.canvas)
