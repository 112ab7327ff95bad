"""Lesson 04's step-size explorer, the predict-then-reveal feedback, and the checker's diagnosis."""

import numpy as np
import pytest

import backproplib as bp
from backproplib.explorers.gradcheck_step import (
    StepSizeExplorer,
    difference,
    loss,
    loss_derivatives,
    step_size_study,
)
from backproplib.explorers.reveal import prediction_feedback
from backproplib.planted_bugs import network_with_a_bug


def test_exact_derivatives_match_independent_finite_differences():
    L, dL, d2L, d3L = loss_derivatives(-1.0)
    f = lambda w: (np.tanh(w + 0.3) - 0.6) ** 2                     # noqa: E731
    assert L == pytest.approx(f(-1.0))
    h = 1e-3
    assert dL == pytest.approx((f(-1 + h) - f(-1 - h)) / (2 * h), rel=1e-5)
    assert d2L == pytest.approx((f(-1 + h) - 2 * f(-1) + f(-1 - h)) / h ** 2, rel=1e-5)
    third = (f(-1 + 2 * h) - 2 * f(-1 + h) + 2 * f(-1 - h) - f(-1 - 2 * h)) / (2 * h ** 3)
    assert d3L == pytest.approx(third, rel=1e-4)


def test_truncation_error_orders_are_one_and_two():
    dL = loss_derivatives()[1]
    err = {m: [abs(difference(m, h) - dL) for h in (1e-2, 1e-3)] for m in ("forward", "central")}
    assert err["forward"][0] / err["forward"][1] == pytest.approx(10, rel=0.1)     # ∝ h
    assert err["central"][0] / err["central"][1] == pytest.approx(100, rel=0.1)    # ∝ h²


def test_float32_computes_in_float32():
    assert loss(-1.0, np.float32).dtype == np.float32
    # a step below float32's resolution at w = −1 leaves w unchanged: the difference is 0
    assert difference("central", 1e-9, np.float32) == 0.0


@pytest.mark.parametrize("method, precision, lo, hi", [
    ("central", "float64", 1e-7, 1e-4), ("forward", "float64", 1e-9, 1e-6),
    ("central", "float32", 1e-4, 1e-1), ("forward", "float32", 1e-5, 1e-2)])
def test_best_step_is_where_the_theory_puts_it(method, precision, lo, hi):
    r = step_size_study(method, precision, revealed=True)
    assert lo <= r.best_step <= hi and lo <= r.predicted_best_step <= hi * 10
    assert r.best_error == pytest.approx(r.errors.min())
    assert np.all(np.isfinite(r.errors)) and np.all(r.errors > 0)
    # the U shape: both ends far worse than the minimum
    assert r.errors[0] > 1e3 * r.best_error and r.errors[-1] > 1e3 * r.best_error


def test_feedback_measures_the_guess_in_decades():
    on = prediction_feedback(-5.2, -5.0)
    assert on.verdict == "spot on" and on.direction == ""
    far = prediction_feedback(-2.0, -5.0)
    assert far.decades_off == pytest.approx(3.0) and far.direction == "too large"
    assert far.verdict == "far off" and "1e+03" in far.sentence("h")
    assert prediction_feedback(-6.0, -5.0).direction == "too small"
    r = step_size_study("central", "float64", guess_log10=-2.0, revealed=True)
    assert r.feedback.decades_off == pytest.approx(abs(-2.0 - np.log10(r.best_step)))
    assert r.guess_error == pytest.approx(abs(difference("central", 1e-2) - loss_derivatives()[1])
                                          / abs(loss_derivatives()[1]))


def test_explorer_hides_the_answer_until_revealed_and_moves_every_control():
    ex = StepSizeExplorer()
    assert not ex.curve.get_visible() and "Predict first" in ex.readout.value
    first = ex.image.value
    ex.controls["revealed"].value = True
    assert ex.curve.get_visible()
    assert "decades" in ex.readout.value or "spot on" in ex.readout.value
    assert ex.image.value != first
    for method in ("forward", "central"):
        for precision in ("float32", "float64"):
            for guess in (ex.controls["guess_log10"].min, ex.controls["guess_log10"].max):
                ex.controls["method"].value = method
                ex.controls["precision"].value = precision
                ex.controls["guess_log10"].value = guess
                assert ex.error is None
                assert ex.result.method == method and ex.result.precision == precision
                assert ex.result.guess_step == pytest.approx(10.0 ** guess)
                assert "nan" not in ex.readout.value and "inf" not in ex.readout.value
                assert np.isfinite(ex.result.guess_error)


def test_bad_settings_are_named():
    with pytest.raises(bp.ConfigError, match="method"):
        step_size_study("backward")


def _data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(6, 3)), rng.integers(0, 2, 6)


def test_report_points_at_the_first_wrong_tensor_in_backward_order():
    X, y = _data()
    report = bp.check_network_gradients(network_with_a_bug("activation"), bp.SoftmaxCrossEntropy(), X, y)
    assert not report.passed
    assert [r.name for r in report.backward_order()][:3] == ["dense3.W", "dense3.b", "dense2.W"]
    assert report.first_wrong.name == "dense2.W"
    assert report["dense3.W"].passed and not report["dense1.W"].passed
    assert "dense2" in report.diagnosis() and "dense3" in report.diagnosis()
    assert report.diagnosis() in str(report)


def test_report_for_a_bug_in_one_tensor_names_that_tensor():
    X, y = _data()
    report = bp.check_network_gradients(network_with_a_bug("bias"), bp.SoftmaxCrossEntropy(), X, y)
    assert [r.name for r in report.rows if not r.passed] == ["dense3.b"]
    assert report.first_wrong.name == "dense3.b" and "this tensor alone" in report.diagnosis()


def test_a_correct_network_has_no_diagnosis_and_input_comes_last():
    X, y = _data()
    net = bp.Network([bp.Dense(3, 4, rng=0), bp.Tanh(), bp.Dense(4, 2, rng=1)])
    report = bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, y, check_input=True)
    assert report.passed and report.first_wrong is None and report.diagnosis() == ""
    assert report.backward_order()[-1].name == "input"
    with pytest.raises(bp.ConfigError):
        network_with_a_bug("loss")


@pytest.mark.parametrize("precision, dtype", [("float64", np.float64), ("float32", np.float32)])
def test_measured_errors_match_a_difference_written_out_here(precision, dtype):
    r = step_size_study("central", precision)
    f = lambda w: (np.tanh(w * dtype(1.0) + dtype(0.3)) - dtype(0.6)) ** 2     # noqa: E731
    exact = 2 * (np.tanh(-0.7) - 0.6) * (1 - np.tanh(-0.7) ** 2)
    for i in (40, 100, 140):                                             # h = 1e-12, 1e-6, 1e-2
        h, w = dtype(r.steps[i]), dtype(-1.0)
        measured = float((f(w + h) - f(w - h)) / (dtype(2) * h))
        assert r.errors[i] == pytest.approx(max(abs(measured - exact) / abs(exact), 1e-17))
