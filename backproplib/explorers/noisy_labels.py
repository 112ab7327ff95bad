"""Lesson 07: noisy data — what a network learns from labels that are partly wrong.

Pure functions (each returns one named record):
    noisy_label_sweep(fractions)          for each fraction of wrong training labels: training
                                          accuracy, how many wrong labels it reproduces, and the
                                          accuracy on test images with their true labels
    noisy_reveal(sweep, i, predicted)     the result of noise level i and the verdict on a guess
Explorer: ``NoisyLabelExplorer(sweep)``: guess the test accuracy, then reveal it.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..errors import ConfigError
from ..training import accuracy
from .blit import BlitExplorer
from .generalisation import digit_splits, train_on_splits
from .kept import KeptPictures
from .reveal import judge_prediction, reveal_button
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, VERMILLION


class NoisySweep(NamedTuple):
    fractions: tuple
    train_acc: np.ndarray     # (F,) against the noisy labels it was trained on
    train_acc_clean: np.ndarray  # (F,) the same training images against their true labels
    memorised: np.ndarray     # (F,) share of the flipped examples given their wrong label
    test_acc: np.ndarray      # (F,) on clean test labels


def noisy_label_sweep(fractions=(0.0, 0.2, 0.4, 0.6, 0.8), hidden=128, epochs=30, n_train=300,
                      seed=0):
    """For each fraction of flipped training labels, train on n_train digits and measure."""
    out = {k: [] for k in ("train", "clean", "memorised", "test")}
    for fraction in fractions:
        s = digit_splits(n_train=n_train, n_val=1, noise=fraction, seed=seed)
        net, history = train_on_splits(s, hidden, epochs, seed=seed)
        predicted = net.forward(s.X_train).argmax(axis=1)
        out["train"].append(history.accuracy[-1])
        out["clean"].append(float(np.mean(predicted == s.y_train_clean)))
        out["memorised"].append(float(np.mean(predicted[s.flipped] == s.y_train[s.flipped]))
                                if s.flipped.any() else 0.0)
        out["test"].append(accuracy(net.forward(s.X_test), s.y_test))
    return NoisySweep(tuple(fractions), *(np.array(out[k]) for k in out))


class NoisyReveal(NamedTuple):
    i: int
    fraction: float
    revealed: bool
    verdict: object           # reveal.Verdict on the predicted test accuracy
    train_acc: float
    test_acc: float
    memorised: float


def noisy_reveal(sweep, i, predicted, revealed=True):
    """The result for noise level i and the verdict on a predicted test accuracy (percent)."""
    if not 0 <= i < len(sweep.fractions):
        raise ConfigError(f"noisy_reveal: no noise level {i}; there are {len(sweep.fractions)}.")
    return NoisyReveal(int(i), sweep.fractions[i], bool(revealed),
                       judge_prediction(predicted, 100 * sweep.test_acc[i]),
                       float(sweep.train_acc[i]), float(sweep.test_acc[i]),
                       float(sweep.memorised[i]))


class NoisyLabelExplorer(KeptPictures, BlitExplorer):
    """Predict the test accuracy of a network trained on partly wrong labels, then reveal it.
    The axes never move: they are drawn once, then only the points and what lies over them."""

    def __init__(self, sweep):
        self.sweep = sweep
        self.shown = set()
        controls = {
            "i": widgets.Dropdown(options=[(f"{f:.0%}", i) for i, f in enumerate(sweep.fractions)],
                                  value=min(1, len(sweep.fractions) - 1),
                                  description="wrong labels"),
            "prediction": widgets.IntSlider(value=50, min=0, max=100,
                                            description="your guess %"),
            "reveal": reveal_button(),
        }
        for name in ("i", "prediction"):
            controls[name].observe(self.hide, names="value")   # hides first: no update shows the answer
        super().__init__(controls, width=6.0, height=3.4,
                         title="Noisy labels: guess the test accuracy, then reveal it")

    def hide(self, change):
        self.controls["reveal"].value = False

    def setup_figure(self, fig):
        ax = self.ax = fig.subplots()
        f = 100 * np.array(self.sweep.fractions)
        ax.plot(f, 100 * (1 - np.array(self.sweep.fractions)), ":", color=BLACK, lw=1,
                label="share of right training labels")
        (self.train_pts,) = ax.plot([], [], "s-", color=BLUE, label="training accuracy (noisy labels)")
        (self.test_pts,) = ax.plot([], [], "o--", color=ORANGE, label="test accuracy (true labels)")
        (self.guess,) = ax.plot([], [], "X", color=VERMILLION, ms=10, label="your guess")
        ax.set(xlim=(f.min() - 5, f.max() + 5), ylim=(0, 105), xlabel="wrong training labels (%)",
               ylabel="accuracy (%)", title="revealed results")
        ax.legend(fontsize=MIN_FONT_SIZE, loc="lower left")
        ax.grid(alpha=0.3)
        self.moving = [self.train_pts, self.test_pts, self.guess, *ax.spines.values()]

    def picture_key(self, r):   # the levels revealed so far, the level and the guess
        return tuple(sorted(self.shown)), r.fraction, r.verdict.predicted

    def compute(self, i, prediction, reveal):
        if reveal:
            self.shown.add(i)
        return noisy_reveal(self.sweep, i, prediction, reveal)

    def draw(self, r):
        idx = sorted(self.shown)
        f = 100 * np.array(self.sweep.fractions)[idx]
        self.train_pts.set_data(f, 100 * self.sweep.train_acc[idx])
        self.test_pts.set_data(f, 100 * self.sweep.test_acc[idx])
        self.guess.set_data([100 * r.fraction], [r.verdict.predicted])

    def describe(self, r):
        head = f"{r.fraction:.0%} of the training labels replaced by wrong ones"
        if not r.revealed:
            return (f"{head}.<br>Set <b>your guess</b> of the <b>test</b> accuracy (on true "
                    f"labels), then press <b>Reveal</b>.")
        colour = VERMILLION if r.verdict.grade == "far off" else BLACK
        return (f"{head}.<br><span style='color:{colour}'><b>{r.verdict.text}</b></span><br>"
                f"Training accuracy on the labels it was given: {r.train_acc:.1%}; it gives "
                f"{r.memorised:.0%} of the wrongly labelled images their wrong label: it has "
                f"memorised the noise.")
