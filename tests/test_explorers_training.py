"""Lesson 06's explorers: gradient descent, mini-batches, live training, the sweep, the digits.

The pure functions are checked against computations written out here; the widgets are driven
headless by setting every control, including the extremes of each slider.
"""

import asyncio
import io
import itertools
import math
import time

import numpy as np
import pytest
from PIL import Image

from backproplib import BinaryCrossEntropy, mlp, train
from backproplib.errors import ConfigError, DataError, InputTypeError, NonFiniteError, ShapeError
from backproplib.explorers import live_training
from backproplib.explorers.base import BUSY
from backproplib.explorers.descent import STEEP, DescentExplorer, bowl_loss_and_grad, descent_path
from backproplib.explorers.digits import (
    DigitExplorer,
    confusion_matrix,
    misclassified,
    read_digit,
    train_digits,
)
from backproplib.explorers.live_training import (
    COLOURS,
    LiveTrainingExplorer,
    contour_line,
    upsample,
)
from backproplib.explorers.minibatch import BatchNoiseExplorer, batch_line_data, minibatch_run
from backproplib.explorers.plane_training import (
    decision_grid,
    failed,
    finished,
    snapshot_epochs,
    toy_data,
    train_2d,
    train_2d_epochs,
)
from backproplib.explorers.reveal import judge_prediction
from backproplib.explorers.sweep import SweepRevealExplorer, lr_width_sweep, sweep_reveal


def slider_extremes(control):
    """The values a test should visit for a control: both ends of a slider, every option."""
    if hasattr(control, "options"):
        return [value for _, value in control.options] if isinstance(control.options[0], tuple) \
            else list(control.options)
    if hasattr(control, "base"):               # a FloatLogSlider: min and max are exponents
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


def shown_numbers_are_finite(explorer):
    text = explorer.readout.value.lower()
    return "nan" not in text and "inf " not in text and "cannot be computed" not in text


# -- gradient descent on the bowl -----------------------------------------------------------------

def test_bowl_gradient_matches_a_finite_difference():
    theta, h = np.array([1.3, -0.7]), 1e-6
    _, grad = bowl_loss_and_grad(theta)
    numeric = [(bowl_loss_and_grad(theta + e)[0] - bowl_loss_and_grad(theta - e)[0]) / (2 * h)
               for e in np.eye(2) * h]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)


@pytest.mark.parametrize("lr", [0.01, 0.08, 0.15])
def test_descent_without_momentum_shrinks_each_coordinate_by_one_minus_eta_lambda(lr):
    run = descent_path(lr, 25, start=(-4.0, 2.0))
    k = np.arange(26)
    np.testing.assert_allclose(run.path[:, 0], -4.0 * (1 - lr * 1.0) ** k, rtol=1e-12)
    np.testing.assert_allclose(run.path[:, 1], 2.0 * (1 - lr * STEEP) ** k, rtol=1e-9, atol=1e-12)


def test_descent_with_momentum_matches_a_loop_written_here():
    lr, mu = 0.03, 0.8
    theta, v, path = np.array([-4.0, 2.0]), np.zeros(2), []
    for _ in range(40):
        v = mu * v - lr * np.array([1.0, STEEP]) * theta
        theta = theta + v
        path.append(theta)
    np.testing.assert_allclose(descent_path(lr, 40, mu).path[1:], path, rtol=1e-12)


@pytest.mark.parametrize("lr, steps, verdict", [(0.001, 30, "too slow"), (0.05, 100, "smooth"),
                                                (0.15, 60, "zig-zag"), (0.25, 30, "diverged")])
def test_descent_verdicts_follow_eq_6_4(lr, steps, verdict):
    assert descent_path(lr, steps).verdict == verdict


def test_a_diverging_run_stops_before_overflow_and_says_so():
    run = descent_path(50.0, 100)
    assert run.verdict == "diverged" and 0 < run.diverged_at < 100
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))
    assert "smaller learning rate" in run.message


def test_descent_explorer_every_control_at_its_extremes():
    e = DescentExplorer()
    for name, control in e.controls.items():
        for value in slider_extremes(control):
            control.value = value
            assert e.error is None and shown_numbers_are_finite(e), (name, value)
            assert np.all(np.isfinite(e.result.path)) and e.image.value[:4] == b"\x89PNG"
    e.controls["lr"].value = e.controls["lr"].base ** e.controls["lr"].max
    e.controls["momentum"].value = 0.0
    assert e.result.verdict == "diverged" and "Diverged" in e.readout.value
    assert e.banner.get_visible()
    e.controls["lr"].value = 0.05
    assert not e.banner.get_visible()


# -- mini-batches ---------------------------------------------------------------------------------

def test_full_batch_run_is_plain_gradient_descent_on_the_line():
    x, y = batch_line_data()
    run = minibatch_run(len(x), epochs=4, lr=0.1, x=x, y=y)
    theta = np.array([-1.0, 2.0])
    for k in range(4):
        r = theta[0] * x + theta[1] - y
        theta = theta - 0.1 * np.array([2 * np.mean(r * x), 2 * np.mean(r)])
        np.testing.assert_allclose(run.path[k + 1], theta, rtol=1e-12)
    assert run.iterations_per_epoch == 1 and run.noise < 1e-12


@pytest.mark.parametrize("batch_size", [1, 5, 16, 64])
def test_minibatch_run_uses_each_example_once_per_epoch_in_batches_of_the_given_size(batch_size):
    x, y = batch_line_data()
    run = minibatch_run(batch_size, epochs=2, lr=0.05, x=x, y=y, seed=3)
    assert run.iterations_per_epoch == math.ceil(len(x) / batch_size)
    assert len(run.path) == 2 * run.iterations_per_epoch + 1 == len(run.loss)
    # the first update, recomputed from the first batch of the same shuffled order
    batch = np.random.default_rng(3).permutation(len(x))[:batch_size]
    r = -1.0 * x[batch] + 2.0 - y[batch]
    step = -0.05 * np.array([2 * np.mean(r * x[batch]), 2 * np.mean(r)])
    np.testing.assert_allclose(run.path[1], np.array([-1.0, 2.0]) + step, rtol=1e-12)
    w, b = run.path[-1]
    assert run.loss[-1] == pytest.approx(np.mean((w * x + b - y) ** 2))


@pytest.mark.parametrize("x, y, error, says", [
    ([1.0, 2.0, 3.0], [1.0, 2.0], ShapeError, "3 inputs and 2 targets"),
    ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], NonFiniteError, "x contains NaN"),
    ([1.0, 2.0], [np.inf, 2.0], NonFiniteError, "y contains NaN or infinite"),
    (["a", "b"], [1.0, 2.0], InputTypeError, "real numbers"),
    ([], [], DataError, "no rows"),
])
def test_minibatch_run_names_bad_data_instead_of_training_on_it(x, y, error, says):
    with pytest.raises(error, match=says):
        minibatch_run(2, epochs=2, x=x, y=y)


def test_smaller_batches_are_noisier():
    noise = [minibatch_run(b, epochs=2, lr=0.05).noise for b in (1, 8, 64)]
    assert noise[0] > noise[1] > noise[2]


def test_batch_noise_explorer_every_control_at_its_extremes():
    e = BatchNoiseExplorer()
    for name, control in e.controls.items():
        for value in slider_extremes(control):
            control.value = value
            assert e.error is None and shown_numbers_are_finite(e), (name, value)
    e.controls["batch_size"].value, e.controls["epochs"].value = 1, 20
    e.controls["lr"].value = e.controls["lr"].base ** e.controls["lr"].max
    assert np.all(np.isfinite(e.result.loss))
    assert "iterations (updates) per epoch" in e.readout.value


def test_minibatch_divergence_is_reported_with_finite_numbers():
    run = minibatch_run(1, epochs=3, lr=5.0)
    assert run.diverged and np.all(np.isfinite(run.loss)) and run.stop_epoch == -1


# -- live training --------------------------------------------------------------------------------

def test_decision_grid_is_the_sigmoid_of_the_network_at_each_point():
    net = mlp([2, 5, 1], activation="tanh", seed=1)
    xs, ys, P = decision_grid(net, (-1, 2), (0, 1), n=7)
    assert P.shape == (7, 7)
    for i, j in [(0, 0), (3, 5), (6, 2)]:
        z = net.forward(np.array([[xs[j], ys[i]]]))[0, 0]
        assert P[i, j] == pytest.approx(1 / (1 + np.exp(-z)))


def test_train_2d_is_the_library_training_run_and_keeps_its_snapshots():
    run = train_2d("moons", width=8, depth=1, lr=0.1, epochs=12)
    X, y = toy_data("moons")
    net = mlp([2, 8, 1], activation="tanh", init="xavier", seed=0)
    history = train(net, BinaryCrossEntropy(), X, y.reshape(-1, 1).astype(float), epochs=12,
                    lr=0.1, momentum=0.9, batch_size=20, seed=0)
    np.testing.assert_allclose(run.loss, history.loss)
    np.testing.assert_allclose(run.accuracy, history.accuracy)
    assert [e for e, _ in run.snapshots] == snapshot_epochs(12)
    xs, ys = run.grid
    np.testing.assert_allclose(run.snapshots[-1][1], decision_grid(net, (xs[0], xs[-1]),
                                                                   (ys[0], ys[-1]))[2])


def test_train_2d_learns_the_spirals_and_reports_a_failing_learning_rate():
    good = train_2d("spirals", 16, 2, 0.1, 150)
    assert good.accuracy[-1] > 0.95 and good.diverged_epoch == -1
    bad = train_2d("spirals", 16, 2, 10.0, 30)
    assert "too large" in bad.message and np.all(np.isfinite(bad.loss))


def test_train_2d_catches_divergence():
    huge = train_2d("moons", 64, 3, 1e6, 10)
    assert huge.diverged_epoch == -1 and "Not learning" in huge.message
    run = train_2d("moons", 64, 3, 1e306, 20)     # the weights overflow to inf
    assert run.diverged_epoch > 0 and "Diverged" in run.message
    assert len(run.loss) == run.diverged_epoch - 1 and np.all(np.isfinite(run.loss))
    with pytest.raises(ConfigError, match="unknown data set"):
        toy_data("circles!")


def test_live_explorer_survives_every_extreme_and_shows_the_run_of_its_settings():
    e = LiveTrainingExplorer(epochs=20)       # no event loop here: each move trains a whole run
    assert e.frames == 0 and e.training is None
    for name, control in e.controls.items():
        for value in slider_extremes(control):
            control.value = value
            assert e.error is None and shown_numbers_are_finite(e), (name, value)
            assert e.progress.value == len(e.result.loss)
    e.controls["lr"].value = 10.0
    assert "too large" in e.readout.value or "Diverged" in e.readout.value
    settings = e.values()
    expected = train_2d(settings["dataset"], settings["width"], settings["depth"], settings["lr"],
                        settings["epochs"])
    np.testing.assert_array_equal(e.result.loss, expected.loss)


def test_train_2d_epochs_yields_the_run_after_every_epoch():
    runs = list(train_2d_epochs("moons", 4, 1, 0.1, 9))
    whole = train_2d("moons", 4, 1, 0.1, 9)
    assert [len(r.loss) for r in runs] == list(range(1, 10))
    assert [finished(r) for r in runs] == [False] * 8 + [True]
    assert "epoch 3 of 9" in runs[2].message and runs[-1].message == whole.message
    np.testing.assert_array_equal(runs[-1].loss, whole.loss)
    assert [len(r.snapshots) for r in runs] == [sum(e <= k for e in snapshot_epochs(9))
                                                for k in range(1, 10)]
    early_rise = runs[0]._replace(loss=np.array([0.5, 0.6]), epochs=5)
    assert not failed(early_rise)             # judged "not learning" only when finished


async def until_trained(explorer, timeout_s=30):
    """Let the event loop run until the explorer's run in progress ends (at most ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if explorer.training is None:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"still training after {timeout_s} s of the event loop")


def test_live_explorer_trains_in_the_event_loop_and_a_move_stops_the_run_in_progress(monkeypatch):
    monkeypatch.setattr(live_training, "FIRST_PICTURE_S", 0.3)   # longer than a busy machine's step

    async def moves():
        e = LiveTrainingExplorer(epochs=40)   # the first run: trained whole, even in a loop
        assert e.training is None and len(e.result.loss) == 40
        assert BUSY not in e.widget._dom_classes
        e.controls["width"].value = 4
        assert len(e.result.loss) == 1 and e.training is not None   # its first epoch, at once
        assert BUSY in e.widget._dom_classes                          # the page is told
        assert "epoch 1 of 40" in e.readout.value and e.progress.value == 1
        for _ in range(3):                    # the page is given time to show the first epoch
            await asyncio.sleep(0)
        assert e.progress.value == 1
        await asyncio.sleep(live_training.FIRST_PICTURE_S)
        trained = e.progress.value
        assert trained > 1
        for _ in range(10):                   # the kernel reads messages between these epochs
            await asyncio.sleep(0)
        assert e.progress.value == trained + 10 and e.result.snapshots[-1][0] == len(e.result.loss)
        e.controls["lr"].value = 0.5          # a move in the middle of the run
        assert len(e.result.loss) == 1 and e.progress.value == 1
        frames = e.frames
        busy = []              # busy when each picture is shown: the page waits for the last
        e.image.observe(lambda change: busy.append(BUSY in e.widget._dom_classes), names="shown")
        await until_trained(e)
        return e, frames, busy

    e, frames, busy = asyncio.run(moves())
    assert len(busy) == len(snapshot_epochs(40)) - 1 and all(busy)
    assert ("moons", 4, 2, 0.1, 40) not in e.finished         # the first run stopped
    np.testing.assert_array_equal(e.result.loss, train_2d("moons", 4, 2, 0.5, 40).loss)
    assert e.frames - frames == len(snapshot_epochs(40)) - 1   # each later snapshot, once
    assert e.image.value == e.full_render() and "After 40 epochs" in e.readout.value
    assert BUSY not in e.widget._dom_classes
    draws = e.frames
    e.controls["lr"].value = 0.1                                  # settings of a finished run
    e.controls["lr"].value = 0.5
    assert e.training is None and e.frames == draws and len(e.result.loss) == 40


def test_a_move_sends_the_picture_before_the_progress_bar_and_the_busy_mark(monkeypatch):
    """Each widget change is a message the page handles in turn: the picture goes first."""
    monkeypatch.setattr(live_training, "FIRST_PICTURE_S", 0.3)

    async def move():
        e = LiveTrainingExplorer(epochs=40)
        sent = []
        e.image.observe(lambda change: sent.append("picture"), names="shown")
        e.progress.observe(lambda change: sent.append("progress"), names="value")
        e.widget.observe(lambda change: sent.append("busy"), names="_dom_classes")
        e.controls["width"].value = 4          # a new run: its first epoch
        e.training = None                      # (and no more)
        return sent

    assert asyncio.run(move()) == ["picture", "progress", "busy"]


def test_a_first_epoch_that_fails_says_so_and_clears_the_busy_mark(monkeypatch):
    """The move stops the run in progress (busy), and its own run fails at once: the readout
    says why, and the page is told that nothing is being drawn any more."""
    monkeypatch.setattr(live_training, "FIRST_PICTURE_S", 0.3)

    def failing(*settings):
        raise FloatingPointError("overflow in the first epoch")
        yield

    async def moves():
        e = LiveTrainingExplorer(epochs=40)
        e.controls["width"].value = 4
        assert e.training is not None and BUSY in e.widget._dom_classes
        monkeypatch.setattr(live_training, "train_2d_epochs", failing)
        e.controls["width"].value = 5
        return e

    e = asyncio.run(moves())
    assert "cannot be computed" in e.readout.value and "overflow in the first" in e.readout.value
    assert e.training is None and BUSY not in e.widget._dom_classes


def test_the_shading_interpolates_P_linearly_and_the_boundary_is_where_P_is_one_half():
    rng = np.random.default_rng(0)
    P = rng.random((6, 5))
    big = upsample(P, 31, 17)
    assert big.shape == (31, 17) and big[0, 0] == P[0, 0] and big[-1, -1] == pytest.approx(P[-1, -1])
    rows = np.array([np.interp(np.linspace(0, 4, 17), np.arange(5), row) for row in P])
    expected = np.array([np.interp(np.linspace(0, 5, 31), np.arange(6), col) for col in rows.T]).T
    np.testing.assert_allclose(big, expected, atol=1e-12)
    xs, ys = np.linspace(-1, 1, 9), np.linspace(0, 2, 7)
    x, y = contour_line(xs, ys, np.tile((xs + 1) / 2, (7, 1)), 0.5)   # P = (x + 1) / 2
    assert np.isnan(x[-1]) and np.isnan(y[-1])                        # the end of a piece
    np.testing.assert_allclose(x[:-1], 0.0, atol=1e-12)
    assert np.nanmin(y) == 0 and np.nanmax(y) == 2
    assert contour_line(xs, ys, np.zeros((7, 9)), 0.5) == ([], [])    # no P of 0.5: no line


def test_the_shading_shows_each_tenth_of_P_where_it_is():
    """P = 0.95 in the left third of the plane's grid, 0.05 in the top of the rest, 0.55 below:
    the plane's pixels there have the colours of those tenths."""
    e = LiveTrainingExplorer(epochs=10)
    xs, ys = e.result.grid
    P = np.where(ys[:, None] > np.mean(ys), 0.05, 0.55) * np.ones((len(ys), len(xs)))
    P[:, xs < xs[0] + (xs[-1] - xs[0]) / 3] = 0.95
    e.shading.set_P(P)
    for artist in (*e.points, e.boundary):
        artist.set_visible(False)
    pixels = np.asarray(Image.open(io.BytesIO(e.full_render())))
    box = e.ax_plane.get_window_extent()
    top, left = pixels.shape[0] - box.y1, box.x0              # of the plane, in pixel rows

    def at(fx, fy):              # the pixel a fraction fx across, fy down the plane
        return tuple(pixels[int(top + fy * box.height), int(left + fx * box.width)])
    assert at(0.15, 0.3) == tuple(COLOURS[9]) == at(0.15, 0.7)   # left: 0.9–1 everywhere
    assert at(0.7, 0.3) == tuple(COLOURS[0])                     # upper right: 0–0.1
    assert at(0.7, 0.7) == tuple(COLOURS[5])                     # lower right: 0.5–0.6


def test_a_failure_in_the_middle_of_a_run_is_said_in_the_readout(monkeypatch):
    """An epoch trained in the event loop that fails says so where the learner looks, as a
    failing first epoch does, instead of stopping silently in the kernel's log."""
    def failing(*settings):
        yield from itertools.islice(train_2d_epochs(*settings), 3)
        raise OverflowError("the weights overflowed")

    async def move():
        e = LiveTrainingExplorer(epochs=20)
        monkeypatch.setattr(live_training, "train_2d_epochs", failing)
        e.controls["width"].value = 4
        await until_trained(e)
        return e

    e = asyncio.run(move())
    assert e.error == "the weights overflowed" and "cannot be computed" in e.readout.value
    assert e.progress.value == 3 and ("moons", 4, 2, 0.1, 20) not in e.finished
    assert BUSY not in e.widget._dom_classes


# -- the sweep and the guessing game --------------------------------------------------------------

def test_sweep_cells_are_the_runs_of_train_2d():
    sweep = lr_width_sweep(lrs=(0.1, 1e6), widths=(2, 8), dataset="moons", epochs=5)
    run = train_2d("moons", 8, 1, 0.1, 5, snapshots=1)
    assert sweep.accuracy[0, 1] == run.accuracy[-1] and sweep.loss[0, 1] == run.loss[-1]
    assert not sweep.failed[0].any() and sweep.failed[1].all()
    assert np.all(np.isfinite(sweep.accuracy)) and np.all(np.isfinite(sweep.loss[0]))


@pytest.mark.parametrize("predicted, actual, grade", [(90, 89, "spot on"), (80, 84.5, "close"),
                                                      (50, 99, "far off")])
def test_judge_prediction_grades_the_distance(predicted, actual, grade):
    v = judge_prediction(predicted, actual)
    assert v.grade == grade and v.off_by == pytest.approx(predicted - actual)
    assert ("too high" in v.text) == (predicted > actual + 2)


def test_sweep_reveal_hides_the_answer_until_revealed_and_hides_it_again_on_a_new_guess():
    sweep = lr_width_sweep(lrs=(0.1, 1e6), widths=(2, 8), dataset="moons", epochs=5)
    with pytest.raises(ConfigError):
        sweep_reveal(sweep, 2, 0, 50)
    e = SweepRevealExplorer(sweep)
    actual = f"{100 * sweep.accuracy[0, 0]:.1f}"
    assert actual not in e.readout.value and "Reveal" in e.readout.value
    e.controls["prediction"].value = 40
    e.controls["reveal"].value = True
    assert actual in e.readout.value and (0, 0) in e.shown
    e.controls["prediction"].value = 100                  # a new guess hides the answer
    assert e.controls["reveal"].value is False and actual not in e.readout.value
    for i in range(2):
        for j in range(2):
            e.controls["lr"].value, e.controls["width"].value = i, j
            e.controls["reveal"].value = True
            assert shown_numbers_are_finite(e)
    assert len(e.shown) == 4 and "failed" in [t.get_text() for t in e.texts[1]]


# -- the digits -----------------------------------------------------------------------------------

def test_confusion_matrix_counts_every_pair():
    y_true, y_pred = np.array([0, 1, 2, 2, 1, 0, 2]), np.array([0, 2, 2, 1, 1, 0, 2])
    C = confusion_matrix(y_true, y_pred, K=3)
    expected = np.zeros((3, 3), int)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    assert np.array_equal(C, expected) and C.sum() == 7
    assert misclassified(y_true, y_pred).tolist() == [1, 3]
    with pytest.raises(ShapeError):
        confusion_matrix(y_true, y_pred[:3])


@pytest.fixture(scope="module")
def digits_model():
    return train_digits(hidden=32, epochs=8, lr=0.05)


def test_digits_model_reads_most_test_digits_and_its_readings_are_softmax(digits_model):
    m = digits_model
    assert m.test_accuracy == pytest.approx(np.mean(m.predicted == m.y_test)) and m.test_accuracy > 0.9
    r = read_digit(m, m.X_test[5], m.y_test[5])
    z = m.network.forward((m.X_test[5:6] - m.scaler.mean) / m.scaler.std)[0]
    np.testing.assert_allclose(r.probabilities, np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    assert r.predicted == m.predicted[5] and r.probabilities.sum() == pytest.approx(1.0)


def test_digit_explorer_picks_draws_copies_and_clears(digits_model):
    e = DigitExplorer(digits_model)
    index = e.controls["index"]
    for value in (index.min, index.max):
        index.value = value
        assert e.result.label == digits_model.y_test[value] and shown_numbers_are_finite(e)
    def click(k):                                         # what a click in the browser sends
        e.grid._clicked(e.grid, {"click": k}, [])

    click(10)                                             # one click: grey
    assert e.canvas[10] == 8 and e.controls["source"].value == "my drawing"
    assert e.result.label == -1 and np.isfinite(e.result.probabilities).all()
    click(10)
    assert e.canvas[10] == 16                             # two clicks: black
    click(10)
    assert e.canvas[10] == 0                              # three: white again
    e.copy_test_image()
    assert np.all(np.isin(e.canvas, (0, 8, 16)))
    assert e.result.image.sum() > 0 and "reads a" in e.readout.value
    e.set_canvas(np.zeros(64))
    assert e.result.image.sum() == 0 and np.isfinite(e.result.probabilities).all()
    e.controls["source"].value = "test image"
    assert e.result.label >= 0


def test_digit_explorer_pictures_equal_a_full_render(digits_model):
    e = DigitExplorer(digits_model)
    seen = set()
    for value in (3, 4, 3, 4):                            # back and forth: kept pictures
        e.controls["index"].value = value
        assert e.image.value == e.full_render(), value
        seen.add(e.image.value)
    assert len(seen) == 2
    for k in (10, 10, 10, 0, 63):                         # grey, black, white: each a new picture
        e.paint(k)
        assert e.image.value == e.full_render(), k
    e.set_canvas(digits_model.X_test[3])                  # the drawing of test image 3: no label
    assert e.image.value == e.full_render() and e.image.value not in seen


def test_the_drawing_grid_sends_the_page_one_message_per_change(digits_model):
    """The grid is one widget: a click, a copy and a clear each send the page one list of ink
    levels (64 button widgets sent up to 64 messages, one per colour that changed)."""
    e, sent = DigitExplorer(digits_model), []
    e.grid.observe(lambda change: sent.append(change["new"]), names="ink")
    e.paint(10)
    assert len(sent) == 1 and sent[0][10] == 1 and e.canvas[10] == 8
    for change in (e.copy_test_image, lambda: e.set_canvas(np.zeros(64))):
        sent.clear()
        change()
        assert len(sent) == 1 and len(sent[0]) == 64
    assert not e.canvas.any()
    e.set_canvas(np.zeros(64))                            # clear again: nothing to send
    assert len(sent) == 1 and e.controls["source"].value == "my drawing"
    assert e.grid.colours == ["#FFFFFF", "#999999", "#000000"]
    assert e.grid.names == ["white", "grey", "black"]     # in the buttons' accessible names


def test_the_drawing_grid_ignores_a_message_that_names_no_pixel(digits_model):
    e = DigitExplorer(digits_model)
    for content in ({"click": 64}, {"click": -1}, {"click": "3"}, {}):
        e.grid._clicked(e.grid, content, [])
    assert e.grid.ink == [0] * 64


def test_train_digits_is_reproducible():
    a, b = train_digits(hidden=16, epochs=2), train_digits(hidden=16, epochs=2)
    assert a.test_accuracy == b.test_accuracy
    np.testing.assert_array_equal(a.predicted, b.predicted)
