"""Lesson 02's explorers: the pure functions, and the widgets driven headless by their sliders."""

import io

import numpy as np
import pytest
from PIL import Image

from backproplib import cross_entropy, mse, numerical_gradient, softmax
from backproplib.errors import ConfigError, ShapeError
from backproplib.explorers.loss import (
    LogitExplorer,
    LossExplorer,
    LossLandscapeExplorer,
    linear_model_loss_and_grad,
    mse_landscape,
    mse_readout,
    softmax_ce_readout,
)
from backproplib.explorers.loss_landscape import best_fit, landscape_readout, line_data, lines_loss_and_grad
from backproplib.explorers.minibatch import batch_line_data


def central_difference(f, x, h=1e-6):
    """Central-difference gradient of f at the array x (written out here, independent of the library)."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        grad.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


# -- pure functions ---------------------------------------------------------------------------

@pytest.mark.parametrize("prediction, target", [(2.0, 0.5), (-3.7, 1.2), (0.4, 0.4)])
def test_mse_readout_matches_the_formula_and_a_finite_difference(prediction, target):
    r = mse_readout(prediction, target)
    assert r["loss"] == pytest.approx((prediction - target) ** 2)
    assert r["grad"] == pytest.approx(2 * (prediction - target))
    numeric = central_difference(lambda p: (p[0] - target) ** 2, [prediction])[0]
    assert r["grad"] == pytest.approx(numeric, abs=1e-6)


def test_softmax_ce_readout_matches_the_library_and_a_finite_difference():
    z, target = np.array([1.3, -0.4, 2.1]), 1
    r = softmax_ce_readout(z, target)
    assert r["loss"] == pytest.approx(cross_entropy(z[None, :], [target]))
    assert r["loss"] == pytest.approx(-np.log(np.exp(z[1]) / np.exp(z).sum()))
    assert r["probs"].sum() == pytest.approx(1.0)
    numeric = central_difference(lambda v: -np.log(np.exp(v[target]) / np.exp(v).sum()), z)
    np.testing.assert_allclose(r["grad"], numeric, atol=1e-7)
    # the gradient is p − onehot: negative for the true class only
    assert r["grad"][target] < 0 and np.all(np.delete(r["grad"], target) > 0)


def test_softmax_ce_readout_is_finite_for_huge_logits():
    r = softmax_ce_readout([1000.0, -1000.0, 0.0], target=1)
    assert np.all(np.isfinite(r["probs"])) and np.all(np.isfinite(r["grad"]))
    assert r["loss"] == pytest.approx(2000.0)       # −log softmax = 1000 − (−1000)
    assert r["p_true"] == 0.0                         # underflows, yet the loss stays finite


def test_linear_model_gradient_matches_a_finite_difference():
    x, y = line_data()
    w, b = 0.7, -1.3
    L, dw, db = linear_model_loss_and_grad(x, y, w, b)
    assert L == pytest.approx(np.mean((w * x + b - y) ** 2))
    numeric = central_difference(lambda p: np.mean((p[0] * x + p[1] - y) ** 2), [w, b])
    np.testing.assert_allclose([dw, db], numeric, rtol=1e-6)


def test_mse_landscape_entries_are_the_mse_at_each_grid_point():
    x, y = line_data(n=7, seed=3)
    w_grid, b_grid = np.linspace(-1, 2, 5), np.linspace(-2, 1, 4)
    L = mse_landscape(x, y, w_grid, b_grid)
    assert L.shape == (4, 5)                          # rows follow b, columns follow w
    for i, b in enumerate(b_grid):
        for j, w in enumerate(w_grid):
            assert L[i, j] == pytest.approx(mse(w * x + b, y))


def test_best_fit_is_where_the_gradient_vanishes_and_the_loss_is_lowest():
    x, y = line_data()
    w, b = best_fit(x, y)
    L, dw, db = linear_model_loss_and_grad(x, y, w, b)
    assert abs(dw) < 1e-10 and abs(db) < 1e-10
    grid = mse_landscape(x, y, np.linspace(-2, 4, 61), np.linspace(-3, 3, 61))
    assert L <= grid.min()
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1))


def test_landscape_functions_name_mismatched_data():
    with pytest.raises(ShapeError, match="same number"):
        linear_model_loss_and_grad([1.0, 2.0], [1.0], 1.0, 0.0)
    with pytest.raises(ShapeError, match="different x"):
        best_fit([1.0, 1.0], [0.0, 2.0])


def test_logit_explorer_names_a_wrong_start():
    with pytest.raises(ConfigError, match="3 classes"):
        LogitExplorer(logits=(1.0, 2.0))
    with pytest.raises(ConfigError, match="true class"):
        LogitExplorer(target=3)


def test_line_data_is_seeded():
    np.testing.assert_array_equal(line_data(seed=4)[1], line_data(seed=4)[1])
    assert not np.array_equal(line_data(seed=4)[1], line_data(seed=5)[1])


# -- the explorers, driven from Python --------------------------------------------------------

def test_loss_explorer_shows_the_library_mse_and_its_gradient():
    ex = LossExplorer()
    first_image = ex.image.value
    ex.controls["prediction"].value = -2.5
    ex.controls["target"].value = 1.0
    assert ex.result["loss"] == pytest.approx(mse([[-2.5]], [[1.0]]))
    assert ex.result["grad"] == pytest.approx(central_difference(lambda p: (p[0] - 1.0) ** 2,
                                                                 [-2.5])[0], abs=1e-6)
    assert "12.2500" in ex.readout.value and "-7.0000" in ex.readout.value
    assert "moves ŷ up" in ex.readout.value
    assert ex.image.value != first_image


def test_loss_explorer_extremes_are_finite_and_flagged():
    ex = LossExplorer()
    for p in (ex.controls["prediction"].min, ex.controls["prediction"].max):
        for t in (ex.controls["target"].min, ex.controls["target"].max):
            ex.controls["prediction"].value, ex.controls["target"].value = p, t
            assert ex.error is None and np.isfinite(ex.result["loss"])
    ex.controls["prediction"].value = ex.controls["prediction"].min
    assert "⚠" in ex.readout.value                     # (−6 − 3)² = 81: a large error


def test_loss_explorer_at_the_target_has_zero_gradient():
    ex = LossExplorer(prediction=1.0, target=1.0)
    assert ex.result["loss"] == 0.0 and ex.result["grad"] == 0.0
    assert "nothing to correct" in ex.readout.value and not ex.arrow.get_visible()
    ex.controls["prediction"].value = 0.1 + 0.2        # 0.30000000000000004, a slider-step value
    ex.controls["target"].value = 0.3
    assert "nothing to correct" in ex.readout.value
    ex.controls["prediction"].value = 0.4
    assert "moves ŷ down" in ex.readout.value and ex.arrow.get_visible()


def test_logit_explorer_shows_the_library_cross_entropy_and_its_gradient():
    ex = LogitExplorer()
    ex.controls["z0"].value, ex.controls["z1"].value, ex.controls["z2"].value = 0.5, -1.2, 2.0
    ex.controls["target"].value = 2
    z = np.array([[0.5, -1.2, 2.0]])
    assert ex.result["loss"] == pytest.approx(cross_entropy(z, [2]))
    np.testing.assert_allclose(ex.result["probs"], softmax(z)[0])
    zz = z[0].copy()
    numeric = numerical_gradient(lambda: cross_entropy(zz[None, :], [2]), zz)
    np.testing.assert_allclose(ex.result["grad"], numeric, atol=1e-8)
    assert f"{ex.result['loss']:.4f}" in ex.readout.value


def test_raising_the_true_logit_lowers_the_loss_and_moving_the_label_changes_it():
    ex = LogitExplorer(logits=(0.0, 0.0, 0.0), target=1)
    losses = []
    for z1 in (-3.0, 0.0, 3.0, 6.0):
        ex.controls["z1"].value = z1
        losses.append(ex.result["loss"])
    assert all(a > b for a, b in zip(losses, losses[1:]))
    image_class1 = ex.image.value
    ex.controls["target"].value = 0                    # z1 = 6 is now the wrong class's logit
    assert ex.result["loss"] > losses[-1] + 5
    assert ex.image.value != image_class1


@pytest.mark.parametrize("corner", [(-1, 1, 1), (1, -1, -1), (1, 1, 1), (-1, -1, -1)])
def test_logit_explorer_extremes_are_finite_and_explained(corner):
    ex = LogitExplorer()
    for k, sign in enumerate(corner):
        slider = ex.controls[f"z{k}"]
        ex.controls[f"z{k}"].value = slider.max if sign > 0 else slider.min
    assert ex.controls["z0"].max >= 20
    for target in range(3):
        ex.controls["target"].value = target
        r = ex.result
        assert ex.error is None
        assert np.isfinite(r["loss"]) and np.all(np.isfinite(r["grad"]))
        assert r["loss"] == pytest.approx(cross_entropy(r["logits"][None, :], [target]))
        if r["loss"] > 10:
            assert "Confidently wrong" in ex.readout.value
    # z0 = −25 with z1 = +25 and target 0: p_true ≈ e^−50, loss ≈ 50, flagged
    ex.controls["z0"].value, ex.controls["z1"].value, ex.controls["z2"].value = -25.0, 25.0, 0.0
    ex.controls["target"].value = 0
    assert ex.result["loss"] == pytest.approx(50.0, abs=1e-6)
    assert "⚠" in ex.readout.value


def test_landscape_point_is_the_grid_value_and_the_gradient_is_correct():
    ex = LossLandscapeExplorer()
    j, i = 40, 97                                      # a grid point: w_grid[j], b_grid[i]
    ex.controls["w"].value = round(float(ex.w_grid[j]), 2)
    ex.controls["b"].value = round(float(ex.b_grid[i]), 2)
    assert ex.result["w"] == pytest.approx(ex.w_grid[j]) and ex.result["b"] == pytest.approx(ex.b_grid[i])
    assert ex.result["loss"] == pytest.approx(ex.L_grid[i, j])
    assert ex.result["loss"] == pytest.approx(mse(ex.result["w"] * ex.x + ex.result["b"], ex.y))
    w, b = ex.result["w"], ex.result["b"]
    numeric = central_difference(lambda p: mse(p[0] * ex.x + p[1], ex.y), [w, b])
    np.testing.assert_allclose([ex.result["dw"], ex.result["db"]], numeric, rtol=1e-6)
    assert f"{ex.result['loss']:.4f}" in ex.readout.value
    # the marked point and the arrow follow the sliders; the arrow points along −∇L
    assert list(ex.point.get_xdata()) == [w] and list(ex.point.get_ydata()) == [b]
    u, v = ex.arrow.U[0], ex.arrow.V[0]
    cos = -(u * ex.result["dw"] + v * ex.result["db"]) / (np.hypot(u, v) * ex.result["grad_norm"])
    assert cos == pytest.approx(1.0)


def test_landscape_grid_is_computed_once_and_the_line_moves():
    ex = LossLandscapeExplorer()
    grid = ex.L_grid
    line_before = ex.line.get_ydata().copy()
    ex.controls["w"].value = 2.5
    assert ex.L_grid is grid
    assert not np.allclose(ex.line.get_ydata(), line_before)
    np.testing.assert_allclose(ex.line.get_ydata(), 2.5 * ex.x_line + ex.controls["b"].value)


def test_landscape_extremes_are_finite_and_the_minimum_is_recognised():
    ex = LossLandscapeExplorer()
    for w in (ex.controls["w"].min, ex.controls["w"].max):
        for b in (ex.controls["b"].min, ex.controls["b"].max):
            ex.controls["w"].value, ex.controls["b"].value = w, b
            assert ex.error is None and np.isfinite(ex.result["loss"])
            assert ex.result["loss"] > ex.L_best
    ex.controls["w"].value = round(ex.w_best / 0.05) * 0.05
    ex.controls["b"].value = round(ex.b_best / 0.05) * 0.05
    assert "bottom of the bowl" in ex.readout.value
    ex.controls["w"].value = 0.0
    assert "bottom of the bowl" not in ex.readout.value


def test_landscape_readout_predictions():
    x, y = line_data(n=5)
    r = landscape_readout(x, y, 2.0, -1.0)
    np.testing.assert_allclose(r["y_hat"], 2.0 * x - 1.0)
    assert r["grad_norm"] == pytest.approx(np.hypot(r["dw"], r["db"]))


# -- the fast redraw shows the same picture as a full render ----------------------------------

def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=float)


@pytest.mark.parametrize("make, settings", [
    (LossExplorer, {"prediction": -4.0, "target": 2.0}),
    (LogitExplorer, {"z1": 3.0, "z2": -20.0, "target": 2}),
    (LossLandscapeExplorer, {"w": 0.5, "b": -2.0}),
])
def test_redrawing_only_the_moving_artists_matches_a_full_render(make, settings):
    ex = make()
    first = pixels(ex.image.value)
    for name, value in settings.items():
        ex.controls[name].value = value
    shown = pixels(ex.image.value)
    assert np.abs(shown - first).max() > 0              # the picture did change
    full = pixels(ex.full_render())   # every artist drawn the ordinary way, in zorder
    assert shown.shape == full.shape
    # the same picture, up to a few pixels where a moving artist now lies on top of a still one
    # (leaving out the smallest moving artist, the landscape's arrow, changes 5e-4 of them)
    assert np.mean(np.abs(shown - full).max(axis=2) > 64) < 2e-4


def test_lines_loss_and_grad_is_linear_model_loss_and_grad_for_each_line():
    x, y = batch_line_data()
    lines = np.array([[-1.0, 2.0], [1.2, -0.5], [0.0, 0.0], [3e5, -2e5]])
    L, G = lines_loss_and_grad(x, y, lines)
    assert L.shape == (4,) and G.shape == (4, 2)
    for k, (w, b) in enumerate(lines):
        one = linear_model_loss_and_grad(x, y, w, b)
        np.testing.assert_allclose([L[k], *G[k]], one, rtol=1e-12)
