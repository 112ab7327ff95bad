"""Lesson 06: the learning rate and the width as hyperparameters — a sweep, and a guessing game.

Pure functions (each returns one named record):
    lr_width_sweep(lrs, widths, ...)      trains one network per (learning rate, width) on the
                                          spirals (``plane_training.train_2d``) and keeps the final
                                          loss and accuracy of each, and whether it diverged
    sweep_reveal(sweep, i, j, predicted)  the result of cell (i, j) and the verdict on the guess
Explorer: ``SweepRevealExplorer(sweep)``: pick a cell, commit a prediction of its accuracy,
press *Reveal*; revealed cells fill in the map. Each cell of the map is drawn on its own, so a
change redraws only the cells it changes (blit.py).
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from ..errors import ConfigError
from .blit import BlitExplorer
from .kept import KeptPictures
from .plane_training import not_learning, train_2d
from .reveal import Verdict, judge_prediction, reveal_button
from .style import BLACK, SEQUENTIAL_CMAP, VERMILLION

#: a tile of the map is this much of its cell wide: white gaps keep the cells apart, so that
#: each is drawn again on its own (blit.py)
TILE = 0.88
#: the colour of a tile not revealed yet
NOT_REVEALED = "#EEEEEE"


class Sweep(NamedTuple):
    dataset: str
    lrs: tuple                # the learning rates (rows)
    widths: tuple             # the widths (columns)
    epochs: int
    accuracy: np.ndarray      # (L, W) final training accuracy; 0.5 for a run that diverged
    loss: np.ndarray          # (L, W) final training loss; inf for a run that diverged
    failed: np.ndarray        # (L, W) True where the run diverged or did not learn


def lr_width_sweep(lrs=(0.01, 0.1, 1.0, 10.0), widths=(2, 4, 16, 64), dataset="spirals",
                   epochs=100, depth=1, seed=0):
    """Train ``train_2d(dataset, width, depth, lr, epochs)`` for every pair; return a Sweep."""
    acc = np.full((len(lrs), len(widths)), 0.5)
    loss = np.full((len(lrs), len(widths)), np.inf)
    failed = np.zeros((len(lrs), len(widths)), bool)
    for i, lr in enumerate(lrs):
        for j, width in enumerate(widths):
            run = train_2d(dataset, width, depth, lr, epochs, seed=seed, snapshots=1)
            failed[i, j] = run.diverged_epoch > 0 or not_learning(run.loss)
            if run.diverged_epoch < 0:
                acc[i, j], loss[i, j] = run.accuracy[-1], run.loss[-1]
    return Sweep(dataset, tuple(lrs), tuple(widths), int(epochs), acc, loss, failed)


class Reveal(NamedTuple):
    i: int
    j: int
    lr: float
    width: int
    revealed: bool
    verdict: Verdict          # the verdict (present even before the reveal; the view hides it)
    failed: bool
    lesson: str               # what this cell teaches, shown after the reveal


def sweep_reveal(sweep, i, j, predicted, revealed=True):
    """The result of cell (learning rate i, width j) of ``sweep`` and the verdict on ``predicted``
    (a training accuracy in percent)."""
    if not (0 <= i < len(sweep.lrs) and 0 <= j < len(sweep.widths)):
        raise ConfigError(f"sweep_reveal: no cell ({i}, {j}) in a sweep of {len(sweep.lrs)} "
                          f"learning rates × {len(sweep.widths)} widths.")
    actual = 100 * float(sweep.accuracy[i, j])
    lr, width = sweep.lrs[i], sweep.widths[j]
    if sweep.failed[i, j]:
        lesson = (f"η = {lr:g} is too large: the steps overshoot and the network stays at chance "
                  f"level whatever its width.")
    elif lr == min(sweep.lrs) and actual < 95:
        lesson = (f"η = {lr:g} is too small: in {sweep.epochs} epochs the network has barely "
                  f"started; more epochs or a larger η would help.")
    elif width <= 4 and actual < 95:
        lesson = (f"Too narrow: {width} tanh units can bend the boundary only a little; the "
                  f"{sweep.dataset} need more.")
    else:
        lesson = "A good pair: the learning rate lets it learn fast and the width is enough."
    return Reveal(int(i), int(j), lr, width, bool(revealed),
                  judge_prediction(predicted, actual), bool(sweep.failed[i, j]), lesson)


class SweepRevealExplorer(KeptPictures, BlitExplorer):
    """Predict the training accuracy of a (learning rate, width) pair before it is revealed."""

    def __init__(self, sweep):
        self.sweep = sweep
        self.shown = set()        # the cells revealed so far: (i, j)
        controls = {
            "lr": widgets.Dropdown(options=[(f"{v:g}", i) for i, v in enumerate(sweep.lrs)],
                                   value=0, description="η (lr)"),
            "width": widgets.Dropdown(options=[(str(v), j) for j, v in enumerate(sweep.widths)],
                                      value=0, description="width"),
            "prediction": widgets.IntSlider(value=75, min=40, max=100,
                                            description="your guess %"),
            "reveal": reveal_button(),
        }
        for name in ("lr", "width", "prediction"):
            controls[name].observe(self.hide, names="value")   # hides first: no update shows the answer
        super().__init__(controls, width=5.5, height=3.6,
                         title="Guess the accuracy, then reveal it")

    def hide(self, change):
        """A new cell or a new guess: the answer is hidden again until Reveal is pressed."""
        self.controls["reveal"].value = False

    def setup_figure(self, fig):
        ax = self.ax = fig.subplots()
        L, W = len(self.sweep.lrs), len(self.sweep.widths)
        self.colours = ScalarMappable(Normalize(vmin=0.5, vmax=1.0), SEQUENTIAL_CMAP)
        fig.colorbar(self.colours, ax=ax, label="training accuracy")
        corner = [[(j - TILE / 2, i - TILE / 2) for j in range(W)] for i in range(L)]
        self.tiles = [[ax.add_patch(Rectangle(xy, TILE, TILE, facecolor=NOT_REVEALED, lw=0))
                       for xy in row] for row in corner]
        self.frames = [[ax.add_patch(Rectangle(xy, TILE, TILE, fill=False, lw=3,
                                               edgecolor=VERMILLION, visible=False))
                        for xy in row] for row in corner]     # shown around the chosen cell
        self.texts = [[ax.text(j, i, "?", ha="center", va="center", fontsize=10)
                       for j in range(W)] for i in range(L)]
        ax.set_xticks(range(W), [str(w) for w in self.sweep.widths])
        ax.set_yticks(range(L), [f"{v:g}" for v in self.sweep.lrs])
        ax.set(xlim=(-0.5, W - 0.5), ylim=(-0.5, L - 0.5), xlabel="width (hidden units)",
               ylabel="learning rate η", title=f"{self.sweep.dataset}, {self.sweep.epochs} epochs")
        # each cell is drawn again only when one of its artists changes (blit.py)
        self.parts = [[self.tiles[i][j], self.frames[i][j], self.texts[i][j]]
                      for i in range(L) for j in range(W)]

    def compute(self, lr, width, prediction, reveal):
        r = sweep_reveal(self.sweep, lr, width, prediction, reveal)
        if reveal:
            self.shown.add((lr, width))
        return r

    def picture_key(self, r):   # the cells revealed so far and the framed one, not the guess
        return tuple(sorted(self.shown)), r.i, r.j

    def draw(self, r):
        for i, j in self.shown:       # a revealed cell stays revealed: it is set once
            if self.texts[i][j].get_text() == "?":
                self.reveal_cell(i, j)
        for i, row in enumerate(self.frames):
            for j, frame in enumerate(row):   # changes (and is drawn again) for two cells only
                frame.set_visible((i, j) == (r.i, r.j))

    def reveal_cell(self, i, j):
        """Colour the tile of cell (i, j) by its accuracy and write the accuracy on it."""
        acc = self.sweep.accuracy[i, j]
        self.tiles[i][j].set_facecolor(self.colours.to_rgba(acc))
        self.texts[i][j].set(text="failed" if self.sweep.failed[i, j] else f"{acc:.0%}",
                             color="white" if acc < 0.8 else BLACK)

    def describe(self, r):
        head = f"cell: η = {r.lr:g}, width {r.width} (the framed cell)"
        if not r.revealed:
            return (f"{head}<br>Move <b>your guess</b> to the training accuracy you expect after "
                    f"{self.sweep.epochs} epochs, then press <b>Reveal</b>.<br>"
                    f"Your guess: {r.verdict.predicted:g}%.")
        colour = VERMILLION if r.verdict.grade == "far off" else BLACK
        return (f"{head}<br><span style='color:{colour}'><b>{r.verdict.text}</b></span><br>"
                f"{r.lesson}<br>{len(self.shown)} of {self.sweep.accuracy.size} cells revealed.")
