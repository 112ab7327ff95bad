"""Smoke tests of the benchmark (``python3 -m benchmarks.run``): it runs, and it measures the
same maths in every contender. The figures themselves are not tested: speed goals are checked
by reading the benchmark's output, never by a timed test."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backproplib import SGD, SoftmaxCrossEntropy, train_step
from benchmarks import step, timing
from benchmarks.explorers import other_value

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_a_table_with_the_expected_rows_and_positive_times():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--step", "--sizes", "tiny",
         "--digits", "--import"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("backprop course benchmarks")
    assert "numpy" in lines[0] and "cores" in lines[0]
    assert re.split(r"\s{2,}", lines[1]) == timing.HEADER
    expected = ["tiny 2-16-2 b32: library", "tiny 2-16-2 b32: BLAS floor",
                "tiny 2-16-2 b32: floor + update passes", "tiny 2-16-2 b32: per-sample loop",
                "tiny 2-16-2 b32: PyTorch CPU", "test accuracy", "training time",
                "import backproplib"]
    for item in expected:
        row = next((line for line in lines if item in line), None)
        assert row is not None, f"no row for {item!r} in\n{done.stdout}"
        if "PyTorch" in item and "skipped" in row:
            continue
        median = re.search(r"\s(\d+(?:\.\d+)?) (us|ms|s|%)\s", row)
        assert median and float(median.group(1)) > 0, row
    library = next(line for line in lines if "tiny 2-16-2 b32: library" in line)
    assert re.search(r"\d+\.\d\dx BLAS floor", library)
    assert re.search(r"^targets: \d+ met, \d+ missed", done.stdout, re.M)


@pytest.mark.parametrize("lessons", [["1"], ["08", "x8"], ["008"]])
def test_lessons_option_refuses_what_is_not_a_two_digit_lesson_number(lessons, capsys):
    from benchmarks.run import parse_args
    with pytest.raises(SystemExit):
        parse_args(["--explorers", "--lessons", *lessons])
    assert "two-digit lesson numbers" in capsys.readouterr().err
    assert parse_args(["--explorers", "--lessons", "01", "08"]).lessons == ["01", "08"]


def test_markdown_output_is_a_table():
    rows = [timing.Row("s", "a", (0.001, 0.002, 0.003), "time", "1.00x floor", True),
            timing.skipped("s", "b", "not there")]
    text = timing.format_markdown(rows).splitlines()
    assert text[0] == "| " + " | ".join(timing.HEADER) + " |"
    assert text[2] == "| s | a | 2 ms | 1 ms | 3 ms | 1.00x floor | met |"
    assert text[3].endswith("| skipped: not there |  |")


def test_interleaved_timing_gives_one_positive_sample_per_round_and_contender():
    calls = {"a": 0, "b": 0}

    def a():
        calls["a"] += 1

    def b():
        calls["b"] += 1
        sum(range(100))

    samples = timing.interleaved({"a": a, "b": b}, rounds=4, warmup=1, min_time=1e-4)
    assert sorted(samples) == ["a", "b"]
    assert all(len(v) == 4 and min(v) > 0 for v in samples.values())
    assert calls["a"] > 4 and calls["b"] > 4


@pytest.mark.parametrize("sizes", [[2, 16, 2], [5, 7, 6, 3]])
def test_per_sample_loop_takes_the_same_step_as_the_library(sizes):
    net, X, y = step.make_problem(sizes, batch=9, seed=3)
    loop = step.per_sample_step(net, X, y)
    loop_loss = loop()
    loss = train_step(net, SoftmaxCrossEntropy(), X, y, SGD(lr=step.LR))
    assert loop_loss == pytest.approx(loss, rel=1e-12)
    Ws, bs = loop.weights
    dense = [layer for layer in net.layers if "W" in layer.params]
    for layer, W, b in zip(dense, Ws, bs):
        np.testing.assert_allclose(W, layer.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, layer.b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sizes", [[2, 16, 2], [5, 7, 6, 3]])
def test_unchecked_contender_takes_the_same_steps_as_the_library(sizes):
    net, X, y = step.make_problem(sizes, batch=9, seed=3)
    unchecked = step.unchecked_step(net, X, y)
    library = step.library_step(net, X, y)
    for _ in range(3):  # equal losses after updates, and equal weights at the end
        assert unchecked() == pytest.approx(library(), rel=1e-12)
    dense = [layer for layer in net.layers if "W" in layer.params]
    for layer, (W, b) in zip(dense, unchecked.weights):
        np.testing.assert_allclose(W, layer.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, layer.b, rtol=1e-12, atol=1e-14)


def test_pytorch_step_is_the_same_step_when_torch_is_installed():
    torch = pytest.importorskip("torch")
    net, X, y = step.make_problem([4, 8, 3], batch=6, seed=1)
    torch_step = step.torch_step(net, X, y, torch)
    library = step.library_step(net, X, y)
    for _ in range(3):  # equal losses after updates: the updates are equal too
        assert torch_step() == pytest.approx(library(), rel=1e-10)


def test_blas_floor_runs_every_product_into_preallocated_arrays():
    floor = step.blas_floor([3, 4, 2], batch=5)
    assert floor() is None  # runs; nothing to return


def test_other_value_moves_each_kind_of_control_to_a_valid_different_value():
    widgets = pytest.importorskip("ipywidgets")
    controls = [widgets.FloatSlider(value=0.0, min=-2.0, max=2.0, step=0.1),
                widgets.IntSlider(value=10, min=0, max=10),
                widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=0, step=0.5),
                widgets.Dropdown(options=["relu", "tanh"], value="relu"),
                widgets.Dropdown(options=[("one", 1), ("two", 2)], value=2),
                widgets.Checkbox(value=False)]
    for control in controls:
        other = other_value(control)
        assert other is not None and other != control.value, control
        control.value = other  # a valid value: the widget accepts it unchanged
        assert control.value == pytest.approx(other) if isinstance(other, float) else \
            control.value == other
    assert other_value(widgets.Text(value="x")) is None


def test_other_value_chooses_a_first_option_when_nothing_is_chosen_yet():
    widgets = pytest.importorskip("ipywidgets")
    choice = widgets.RadioButtons(options=[("yes", "y"), ("no", "n")], value=None)
    assert other_value(choice) == "y"


def test_explorers_that_need_arguments_are_built_as_their_lessons_build_them():
    from benchmarks.explorers import find_explorers, lesson_built

    needing = [name for name, cls, _ in find_explorers() if cls is None]
    assert needing, "some explorers need arguments (a trained network, a sweep)"
    assert all(callable(lesson_built(name)) for name in needing), needing
    assert lesson_built("no.SuchExplorer") is None
