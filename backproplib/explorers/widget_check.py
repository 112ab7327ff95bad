"""The widget check of Lesson 00: one slider n, its square in words and in a small plot.

The smallest explorer: if its slider moves the number and the dot, every explorer of the course
will work too. ``square_state`` is the pure function; ``SquareExplorer`` draws it.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from .blit import BlitExplorer
from .style import BLACK, BLUE, VERMILLION

#: the slider's range
N_MAX = 10


class SquareState(NamedTuple):
    n: int
    square: int           # n²
    ns: np.ndarray        # (N_MAX + 1,) 0, 1, ..., N_MAX
    squares: np.ndarray   # (N_MAX + 1,) their squares


def square_state(n):
    """n and n², and the curve of squares from 0 to ``N_MAX`` to draw it on."""
    ns = np.arange(N_MAX + 1)
    return SquareState(int(n), int(n) ** 2, ns, ns ** 2)


class SquareExplorer(BlitExplorer):
    """Move n: the readout says n², and the dot moves along the curve of squares."""

    def __init__(self, n=3):
        controls = {"n": widgets.IntSlider(value=n, min=0, max=N_MAX, description="n")}
        super().__init__(controls, width=4.5, height=2.4, title="Widget check: move the slider")

    def setup_figure(self, fig):
        ax = fig.add_subplot()
        ns = np.arange(N_MAX + 1)
        (self.curve,) = ax.plot(ns, ns ** 2, color=BLUE, lw=1.5, marker="o", ms=3, label="n²")
        (self.dot,) = ax.plot([], [], "s", color=VERMILLION, mec=BLACK, ms=9, label="your n")
        self.moving = [self.dot]   # only the dot moves: the rest is drawn once (blit.py)
        ax.set(xlim=(-0.5, N_MAX + 0.5), ylim=(-5, N_MAX ** 2 + 8), xlabel="n", ylabel="n²")
        ax.legend(loc="upper left")
        ax.grid(alpha=0.3)

    def compute(self, n):
        return square_state(n)

    def draw(self, s):
        self.dot.set_data([s.n], [s.square])

    def describe(self, s):
        return f"n = {s.n}, so n² = <b>{s.square}</b>"
