"""Predict, then reveal — for every explorer that hides its answer until Reveal is pressed: a new
question (another setting, another guess) hides the answer again *before* anything is drawn, so
no picture or readout of the new question ever shows its answer, not even for one update."""

import numpy as np
import pytest

from backproplib.explorers.bptt import BPTTGradientExplorer
from backproplib.explorers.depth import DepthExplorer
from backproplib.explorers.noisy_labels import NoisyLabelExplorer, noisy_label_sweep
from backproplib.explorers.sweep import SweepRevealExplorer, lr_width_sweep


@pytest.fixture(scope="module")
def explorers():
    sweep = lr_width_sweep(lrs=(0.1, 1e6), widths=(2, 8), dataset="moons", epochs=5)
    noisy = noisy_label_sweep(fractions=(0.0, 0.4), hidden=16, epochs=5, n_train=100)
    return {
        "sweep": (SweepRevealExplorer(sweep), "reveal", ["lr", "width", "prediction"]),
        "noisy labels": (NoisyLabelExplorer(noisy), "reveal", ["i", "prediction"]),
        "bptt": (BPTTGradientExplorer(), "revealed", ["length", "scale", "activation", "prediction"]),
        "depth": (DepthExplorer(), "revealed", ["depth", "activation", "init", "gain"]),
    }


def shown_results(explorer):
    """Record the result behind every picture and readout the explorer shows from now on."""
    seen = []
    explorer.image.observe(lambda change: seen.append(("picture", explorer.result)), names="shown")
    explorer.readout.observe(lambda change: seen.append(("readout", explorer.result)),
                             names="value")
    return seen


def another(control):
    options = getattr(control, "options", None)
    if options:
        values = [v for _, v in options] if isinstance(options[0], tuple) else list(options)
        return next(v for v in values if v != control.value)
    return control.max if control.value != control.max else control.min


@pytest.mark.parametrize("name", ["sweep", "noisy labels", "bptt"])
def test_a_new_question_never_shows_its_answer(explorers, name):
    explorer, reveal, questions = explorers[name]
    for question in questions:
        explorer.controls[reveal].value = True
        assert explorer.result.revealed
        seen = shown_results(explorer)
        explorer.controls[question].value = another(explorer.controls[question])
        assert explorer.controls[reveal].value is False, f"{name}: {question} did not hide the answer"
        assert seen, f"{name}: moving {question} showed nothing new"
        revealed = [what for what, result in seen if result.revealed]
        assert not revealed, (f"{name}: moving {question} showed the new question's answer in "
                              f"the {revealed[0]} before hiding it")


@pytest.mark.parametrize("name, guess", [("sweep", "prediction"), ("noisy labels", "prediction"),
                                         ("bptt", "prediction"), ("depth", "guess_log10")])
def test_moving_the_guess_before_reveal_is_acknowledged_on_screen(explorers, name, guess):
    """A guess is made before the answer is shown, but the learner still sees each move of it
    (in the readout or the picture), without the answer."""
    explorer, reveal, _ = explorers[name]
    explorer.controls[reveal].value = False
    for _ in range(2):
        readout, pixels = explorer.readout.value, explorer.image.pixels.copy()
        explorer.controls[guess].value = another(explorer.controls[guess])
        assert not explorer.controls[reveal].value
        assert explorer.readout.value != readout or not np.array_equal(
            explorer.image.pixels, pixels), f"{name}: moving the guess changed nothing on screen"
