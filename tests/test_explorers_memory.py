"""Lesson 08's live memory-task explorer, headless: predict-then-train wiring, the live redraws,
its numbers against the library run on its own, every control at its extremes (no error, no NaN,
no blank picture), a diverging run, and the picture against a full render."""

import io
import time

import numpy as np
import pytest
from PIL import Image

from backproplib.explorers.base import BUSY
from backproplib.explorers.memory import ANSWER_PAUSE, FLOOR, MemoryTaskExplorer
from backproplib.explorers.memory_readout import PREDICTIONS, describe_memory, memory_readout
from backproplib.memory_task import MemoryStep, memory_network, summarise_memory_run, train_memory


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def train(ex, prediction="fails", **settings):
    """Set the controls, commit a prediction and press Train; returns the readout."""
    for name, value in settings.items():
        ex.controls[name].value = value
    ex.controls["prediction"].value = prediction
    ex.controls["train"].value = True
    return ex.readout.value


def assert_clean(ex):
    text = ex.readout.value.lower()
    assert ex.error is None
    assert "nan" not in text and " inf" not in text and "error" not in text
    assert len(ex.image.value) > 1000


def test_nothing_trains_before_a_prediction_is_committed():
    ex = MemoryTaskExplorer(steps=100)
    assert ex.result.phase == "predict" and "Predict first" in ex.readout.value
    assert ex.controls["train"].disabled and ex.records == []
    assert len(ex.start.get_xdata()) == 0 and ex.cover.get_visible()
    ex.controls["train"].value = True                   # only code can press a disabled button
    assert ex.records == [] and ex.controls["train"].value is False
    ex.controls["prediction"].value = "learns"
    assert not ex.controls["train"].disabled and ex.result.phase == "ready"
    assert "it learns" in ex.readout.value


def test_training_redraws_as_it_goes_then_reveals_the_gradient_and_the_verdict():
    ex = MemoryTaskExplorer(delay=8, steps=200)
    ex.controls["prediction"].value = "learns"
    pictures, readouts = [], []
    ex.image.observe(lambda change: pictures.append(ex.image.value), names="shown")
    ex.readout.observe(lambda change: readouts.append(change["new"]), names="value")
    busy = []                  # busy when each picture is shown: the page waits for the last
    ex.image.observe(lambda change: busy.append(BUSY in ex.widget._dom_classes), names="shown")
    # the first picture comes before the controls are disabled (a message each): the press is
    # answered first; every later picture of the run comes while they are disabled
    locked = []
    ex.image.observe(lambda change: locked.append(ex.controls["delay"].disabled), names="shown")
    hidden_limits = ex.ax_grad.get_ylim()
    ex.controls["train"].value = True
    assert all(busy) and BUSY not in ex.widget._dom_classes      # not busy once all are shown
    assert locked[0] is False and all(locked[1:-1]) and locked[-1] is False
    training = [text for text in readouts if "Training…" in text]
    assert len(training) >= 16                 # after the first step, then every 10 steps of 200
    assert "step 1 of 200" in training[0] and "<progress value='1' max='200'>" in training[0]
    assert "step 10 of 200" in training[1]
    assert len(set(pictures)) >= 15                     # the picture changed at every redraw
    assert ex.result.phase == "done" and len(ex.records) == 200
    assert "Your prediction did not hold" in ex.readout.value and "fails" in ex.readout.value
    assert "Why:" in ex.readout.value and "x<sub>1</sub>" in ex.readout.value
    assert not ex.cover.get_visible() and len(ex.start.get_xdata()) == 9
    assert ex.ax_grad.get_ylim() != hidden_limits
    assert ex.controls["prediction"].disabled and not ex.controls["delay"].disabled
    assert ex.controls["train"].value is False and ex.controls["train"].description == "Train"


def test_after_the_first_picture_the_kernel_leaves_the_page_a_moment_before_it_trains_on():
    """The page paints the answer to the press first: the controls are disabled (a message
    each) and training goes on only ANSWER_PAUSE seconds after the first picture."""
    ex = MemoryTaskExplorer(delay=4, steps=100)
    ex.controls["prediction"].value = "learns"
    events = []
    ex.image.observe(lambda change: events.append(("picture", time.monotonic())), names="shown")
    ex.controls["delay"].observe(lambda change: events.append(("locked", time.monotonic()))
                                 if change["new"] else None, names="disabled")
    ex.controls["train"].value = True
    (first, shown), (then, locked) = events[:2]
    assert (first, then) == ("picture", "locked")
    assert locked - shown >= ANSWER_PAUSE


def test_the_explorer_shows_what_the_library_computes():
    ex = MemoryTaskExplorer(delay=6, scale=0.5, clip=1.0, steps=300)
    train(ex, "learns")
    alone = summarise_memory_run(list(train_memory(memory_network(scale=0.5), 6, 300, clip=1.0)))
    run = ex.result.run
    np.testing.assert_array_equal(run.losses, alone.losses)
    np.testing.assert_array_equal(ex.smooth.get_ydata(), alone.smoothed)
    np.testing.assert_array_equal(ex.end.get_ydata(), alone.last_gradients)
    assert run.verdict == alone.verdict == "learns" and ex.result.held
    assert f"{alone.final_loss:.3g}" in ex.readout.value
    assert "Your prediction held" in ex.readout.value


def test_a_new_setting_is_a_new_question():
    ex = MemoryTaskExplorer(delay=2, steps=100)
    train(ex, "learns")
    assert ex.result.phase == "done"
    for name, value in [("delay", 3), ("scale", 0.8), ("clip", 0.0), ("truncate", 2), ("steps", 200)]:
        ex.controls["prediction"].disabled = True       # as after a run
        ex.controls["prediction"].value = "partly"
        ex.records = ex.records or [None]               # pretend a run is shown
        ex.controls[name].value = value
        assert ex.records == [] and ex.controls["prediction"].value is None, name
        assert not ex.controls["prediction"].disabled and ex.controls["train"].disabled
        assert ex.result.phase == "predict" and ex.cover.get_visible()


EXTREMES = [dict(delay=1, clip=0.0), dict(delay=1, clip=1.0), dict(delay=30, clip=0.0),
            dict(delay=30, clip=10.0, scale=2.0), dict(delay=1, scale=0.25, truncate=1),
            dict(delay=30, scale=2.0, truncate=10, clip=0.1), dict(delay=15, scale=1.0, clip=0.0)]


def test_extreme_settings_never_raise_or_show_nan():
    ex, verdicts = MemoryTaskExplorer(steps=100), set()
    for i, settings in enumerate(EXTREMES):
        prediction = list(PREDICTIONS)[i % 3]             # every answer in turn
        train(ex, prediction, **settings)
        assert_clean(ex)
        assert ex.result.phase == "done", settings
        assert ex.result.held == (ex.result.outcome == prediction)
        assert np.all(np.isfinite(ex.raw.get_ydata())) and np.all(ex.raw.get_ydata() > 0)
        verdicts.add(ex.result.run.verdict)
    assert {"learns", "fails"} <= verdicts


def test_every_control_at_its_ends():
    ex = MemoryTaskExplorer(steps=100)
    for name in ("delay", "scale", "steps"):
        for value in (ex.controls[name].min, ex.controls[name].max):
            ex.controls[name].value = value
            assert_clean(ex)
    for name in ("clip", "truncate"):
        for _, value in ex.controls[name].options:
            ex.controls[name].value = value
            assert_clean(ex)
    ex.controls["steps"].value = 100
    train(ex, "partly")
    assert_clean(ex)


def test_a_diverging_run_says_so():
    ex = MemoryTaskExplorer(steps=400)
    text = train(ex, "learns", delay=4, scale=2.0, clip=0.0)
    run = ex.result.run
    assert run.diverged_at is not None and run.diverged_at < 50
    assert "diverged" in text and f"step {run.diverged_at}" in text and "Clipping" in text
    assert "did not hold" in text and ex.result.outcome == "fails"
    assert "diverged at step" in ex.alarm.get_text() and ex.alarm.get_visible()
    assert ex.ax_loss.get_ylim()[1] >= 1e3                # the curve stays in the picture
    assert_clean(ex)
    text = train(ex, "fails", clip=1.0)                  # the same with clipping learns
    assert ex.result.run.diverged_at is None and ex.alarm.get_text() == ""
    assert "learns" in text and "did not hold" in text


def test_truncation_shows_the_cut_gradient():
    ex = MemoryTaskExplorer(steps=100)
    text = train(ex, "fails", delay=5, truncate=3)
    assert ex.result.reached_from == 4 and "no gradient reaches x<sub>1</sub>" in text
    assert "cut by truncation" in ex.cut.get_text()
    start = ex.start.get_ydata()
    assert np.all(np.isnan(start[:3])) and np.all(start[3:] > 0)   # zeros leave a gap
    train(ex, "fails", truncate=10)                      # k > T: nothing is cut
    assert ex.result.reached_from == 1 and ex.cut.get_text() == ""


def test_the_fast_picture_matches_a_full_render():
    ex = MemoryTaskExplorer(steps=100)
    for settings in [dict(), dict(delay=4, scale=2.0, clip=0.0), dict(truncate=3, delay=5)]:
        train(ex, "fails", **settings)
        fast, full = pixels(ex.image.value), pixels(ex.full_render())
        assert np.mean(np.abs(fast - full).max(axis=2) > 2) < 2e-3, settings


def test_readout_for_made_up_records():
    def record(step, loss, first=1e-6, diverged=False):
        return MemoryStep(step, loss, 1.0, False, np.array([first, 1e-2, 1.0]), 0.5, diverged)

    records = [record(i + 1, 0.34) for i in range(60)]
    r = memory_readout(2, 0.5, 1.0, 0, 60, "fails", records, running=True)
    assert r.phase == "training" and r.held is None and "step 60 of 60" in describe_memory(r)
    r = memory_readout(2, 0.5, 1.0, 0, 60, "fails", records)
    assert r.phase == "done" and r.held and r.outcome == "fails"
    assert "10<sup>-6</sup>" in describe_memory(r) and "0.001 per step" in describe_memory(r)
    r = memory_readout(2, 0.5, 0.0, 0, 60, "fails", records[:3] + [record(4, np.inf, np.nan, True)])
    assert r.outcome == "fails" and r.held and "diverged" in describe_memory(r)
    assert "nan" not in describe_memory(r).lower()
    unstable = [record(i + 1, 80.0) for i in range(60)]
    text = describe_memory(memory_readout(2, 1.0, 10.0, 0, 60, "fails", unstable))
    assert "far above 1/3" in text and "η c = 5" in text and "saturate" in text
    text = describe_memory(memory_readout(2, 1.0, 0.0, 0, 60, "fails", unstable))
    assert "without clipping each step is η‖g‖ long" in text
    cut = [MemoryStep(i + 1, 0.01, 1.0, False, np.array([0.0, 0.0, 1.0]), 0.5, False)
           for i in range(60)]
    r = memory_readout(2, 0.5, 1.0, 1, 60, "fails", cut)
    assert r.reached_from == 3 and r.outcome == "learns" and not r.held
    assert "after every step cuts it" in describe_memory(r)
    assert "only x<sub>3</sub> receives one" in describe_memory(r)
    assert "never asked for it" in describe_memory(r)
    with pytest.raises(ValueError, match="prediction"):
        memory_readout(2, 0.5, 1.0, 0, 60, "maybe")
    assert FLOOR < 1e-15
