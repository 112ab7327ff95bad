"""Predict, then reveal: how far a learner's committed guess was from what the explorer measured.

Explorers that ask for a prediction keep their result hidden until the learner presses
*Reveal*; then ``prediction_feedback`` says how far off the guess was, in powers of ten
(decades), which is the natural unit for step sizes and gradient ratios spanning many orders of
magnitude; ``judge_prediction`` does the same on a linear scale, for accuracies in percent.
"""

from dataclasses import dataclass
from typing import NamedTuple

import ipywidgets as widgets

#: within this many decades a guess counts as spot on, within CLOSE as close
SPOT_ON, CLOSE = 0.5, 1.5


@dataclass
class PredictionFeedback:
    predicted_log10: float      # the guess, as a power of ten
    actual_log10: float         # what was measured, as a power of ten
    decades_off: float          # |predicted − actual|, in powers of ten
    verdict: str                # "spot on", "close" or "far off"
    direction: str              # "too large", "too small" or "" (spot on)

    def sentence(self, what):
        """HTML, e.g. 'Your guess for the best step, 10<sup>-3.0</sup>, is 2.3 decades too large…'"""
        guess, actual = power_of_ten(self.predicted_log10), power_of_ten(self.actual_log10)
        if self.verdict == "spot on":
            return f"Your guess for {what}, {guess}, is spot on: the measured value is {actual}."
        return (f"Your guess for {what}, {guess}, is {self.decades_off:.1f} decades "
                f"{self.direction} ({self.verdict}): the measured value is {actual}, a factor of "
                f"{10 ** self.decades_off:.3g}.")


def prediction_feedback(predicted_log10, actual_log10):
    """Compare a guess with a measurement, both as base-10 logarithms.  Returns PredictionFeedback."""
    off = abs(float(predicted_log10) - float(actual_log10))
    verdict = "spot on" if off <= SPOT_ON else "close" if off <= CLOSE else "far off"
    direction = "" if verdict == "spot on" else (
        "too large" if predicted_log10 > actual_log10 else "too small")
    return PredictionFeedback(float(predicted_log10), float(actual_log10), off, verdict, direction)


def power_of_ten(log10):
    """HTML of 10 to the power ``log10``, e.g. 10<sup>-3.0</sup>."""
    return f"10<sup>{log10:.1f}</sup>"


def reveal_button():
    """The toggle a learner presses once the guess is committed."""
    return widgets.ToggleButton(value=False, description="Reveal", icon="eye",
                                tooltip="Commit your guess first, then reveal the measurement")


class Verdict(NamedTuple):
    """A guess on a linear scale (an accuracy in percent): how far off, and which way."""
    predicted: float
    actual: float
    off_by: float             # predicted − actual
    grade: str                # "spot on", "close", "far off"
    text: str


def judge_prediction(predicted, actual, unit="points", close=5.0, spot_on=2.0):
    """Compare a guess with the result: |off| ≤ spot_on is "spot on", ≤ close is "close"."""
    off = float(predicted) - float(actual)
    grade = "spot on" if abs(off) <= spot_on else "close" if abs(off) <= close else "far off"
    direction = "too high" if off > 0 else "too low"
    text = (f"You predicted {predicted:g}, the result is {actual:.1f}: "
            + ("spot on." if grade == "spot on" else f"{abs(off):.1f} {unit} {direction} ({grade})."))
    return Verdict(float(predicted), float(actual), off, grade, text)
