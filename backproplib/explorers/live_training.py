"""Lesson 06: watch a network learn to separate points in the plane.

``LiveTrainingExplorer()`` trains ``train_2d`` (plane_training.py) and redraws the boundary and
the loss curve while it trains, under a progress bar; moving a control meanwhile stops that run
and starts the new one at once.
"""

import asyncio
import functools
import math

import ipywidgets as widgets
import numpy as np
from contourpy import contour_generator
from matplotlib import colormaps
from matplotlib.artist import Artist

from .base import COMPUTE_ERRORS
from .blit import BlitExplorer
from .plane_training import DATASETS, failed, finished, last, train_2d_epochs
from .style import BLACK, BLUE, DIVERGING_CMAP, MARKERS, MIN_FONT_SIZE, ORANGE, VERMILLION, decades

#: how many finished runs the explorer keeps (going back to their settings shows them at once)
KEEP_RUNS = 16
#: seconds a new run waits after its first epoch before training on: the page takes about
#: 30 ms to show that first picture, and training at once would take the processor from it
#: (on 2 cores, in three runs of 20 moves of the width, the picture was shown after a median of
#: 39–55 ms, 95th percentile 57–90 ms, when training went on at once; 36–38 and 41–45 ms in
#: three runs with this wait)
FIRST_PICTURE_S = 0.04
#: the shading of P(class 1) has one colour per tenth (0–0.1, ..., 0.9–1) ...
BANDS = 10
#: ... these, (BANDS, 4) RGBA bytes: DIVERGING_CMAP at the middle of each tenth, 60 % over white
COLOURS = np.round(255 * (0.4 + 0.6 * colormaps[DIVERGING_CMAP]((np.arange(BANDS) + 0.5) / BANDS)))
COLOURS = COLOURS.astype(np.uint8)


class LiveTrainingExplorer(BlitExplorer):
    """Choose the data, the network and the learning rate; the boundary and the loss curve are
    redrawn while the network trains (``continuous_update`` is off: it trains when you let go).

    Training goes on one epoch at a time. In a notebook each epoch is one step of the kernel's
    event loop (asyncio), so between two epochs the kernel reads the next move of a control:
    a move stops the run in progress, and the new run's first epoch is shown at once (the
    others follow once the page has had ``FIRST_PICTURE_S`` to show it). Where no
    event loop runs (a script, a test) and for the first run, a move trains the whole run
    before it returns. Finished runs are kept: going back to their settings shows them again.
    """

    def __init__(self, dataset="moons", width=16, depth=2, lr=0.1, epochs=100):
        self.progress = widgets.IntProgress(min=0, max=epochs, description="training")
        self.frames = 0           # how many pictures were shown while training (for tests)
        self.training = None      # the run in progress in the event loop (a generator), if any
        self.finished = {}        # settings -> their finished TrainingRun, least recent first
        self.live = False         # the first run is trained whole: nothing is on screen yet
        slider = dict(continuous_update=False)
        controls = {
            "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data"),
            "width": widgets.IntSlider(value=width, min=1, max=64, description="width",
                                       **slider),
            "depth": widgets.IntSlider(value=depth, min=1, max=3, description="hidden layers",
                                       **slider),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25,
                                         description="η (lr)", readout_format=".3f", **slider),
            "epochs": widgets.IntSlider(value=epochs, min=10, max=300, step=10,
                                        description="epochs", **slider),
        }
        super().__init__(controls, width=9.0, height=3.6,
                         title="Training a network on points in the plane")
        self.widget.children = (*self.widget.children, self.progress)
        self.live = True

    def setup_figure(self, fig):
        self.ax_plane, self.ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.2])
        ax = self.ax_plane
        self.shading = Shading(ax)
        self.points = [ax.plot([], [], linestyle="none", marker=MARKERS[k], ms=3.5, color=colour,
                               mec=BLACK, mew=0.4, label=f"class {k}")[0]
                       for k, colour in enumerate([BLUE, ORANGE])]
        (self.boundary,) = ax.plot([], [], color=BLACK, lw=2)   # the contour P = 0.5
        self.banner = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                              color="white", fontweight="bold", bbox=dict(facecolor=VERMILLION))
        ax.set(xticks=[], yticks=[])
        # legends outside the axes, where nothing moves: drawn once (blit.py)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), ncols=2, fontsize=MIN_FONT_SIZE)
        self.ax_loss.set(xlabel="epoch", ylabel="training loss (log scale)")
        self.ax_loss.set_yscale("log")
        self.ax_loss.minorticks_off()   # uncluttered, and faster to draw (as in descent.py)
        (self.loss_line,) = self.ax_loss.plot([], [], "-", color=BLUE, lw=2,
                                              label="binary cross-entropy")
        self.ax_loss.grid(alpha=0.3)
        self.ax_acc = self.ax_loss.twinx()
        (self.acc_line,) = self.ax_acc.plot([], [], "--", color=ORANGE, lw=1.5, label="accuracy")
        self.ax_acc.set(ylim=(0.4, 1.02), ylabel="training accuracy")
        self.ax_acc.legend(handles=[self.loss_line, self.acc_line], loc="lower center",
                           bbox_to_anchor=(0.5, 1), ncols=2, fontsize=MIN_FONT_SIZE)

    def moving_in_order(self):
        """The artists ``draw`` changes, in the order a full render draws them."""
        return [self.shading, *self.points, self.boundary, *self.ax_plane.spines.values(),
                self.banner, self.ax_plane.title, self.loss_line, *self.ax_loss.spines.values(),
                self.acc_line, *self.ax_acc.spines.values()]

    def compute(self, dataset, width, depth, lr, epochs):
        """Settings seen before: their finished run. Otherwise a new run: in the event loop its
        first epoch (``train_on`` goes on with the rest), elsewhere the whole run."""
        self.training = None              # a run still in progress stops
        key = (dataset, int(width), int(depth), float(lr), int(epochs))
        if key in self.finished:
            run = self.finished[key]
        else:
            training = train_2d_epochs(*key)
            loop = running_loop() if self.live else None
            if loop is None:
                run = last(training)
            else:
                run = next(training)
                if not finished(run):
                    self.training = training
                    loop.call_later(FIRST_PICTURE_S, self.train_on, training)
        if finished(run):
            self.keep(run)
        return run

    def show(self, compute):
        """The picture first, then the progress bar and the busy mark: each change of a widget
        is a message that the page handles in turn, and the picture takes it longest to show."""
        super().show(compute)
        if self.error is None:
            self.progress.max = self.result.epochs
            self.progress.value = len(self.result.loss)
        self.set_busy(self.training is not None)

    def train_on(self, training):
        """The next epoch of ``training``, shown if its boundary was kept, and the one after it
        scheduled; nothing if a move of a control has started another run meanwhile."""
        if training is not self.training:
            return
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run = next(training)
        except COMPUTE_ERRORS as exc:     # as in the first epoch (Explorer.show)
            self.training = None
            self.set_busy(False)
            return self.show_error(str(exc))
        if finished(run):
            self.training = None
            self.keep(run)
        else:
            asyncio.get_running_loop().call_soon(self.train_on, training)
        if finished(run) or (run.snapshots and run.snapshots[-1][0] == len(run.loss)):
            self.frames += 1
            self.show(lambda: run)                    # the busy mark goes after the last one
        else:
            self.progress.value = len(run.loss)

    def keep(self, run):
        """Keep a finished run under its settings (as ``compute`` looks them up)."""
        key = (run.dataset, run.width, run.depth, run.lr, run.epochs)
        self.finished.pop(key, None)
        self.finished[key] = run                      # now the most recent
        if len(self.finished) > KEEP_RUNS:
            del self.finished[next(iter(self.finished))]

    def draw(self, r):
        ax = self.ax_plane
        xs, ys = r.grid
        if r.snapshots:
            epoch, P = r.snapshots[-1]
            self.shading.set_P(P)
            self.boundary.set_data(*contour_line(xs, ys, P, 0.5))
            ax.set_title(f"boundary P = 0.5 after epoch {epoch}")
        else:
            ax.set_title("no boundary: the first epoch diverged")
        self.shading.set_visible(bool(r.snapshots))
        self.boundary.set_visible(bool(r.snapshots))
        for k, points in enumerate(self.points):
            points.set_data(*r.X[r.y == k].T)
        ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]))
        self.banner.set_text("DIVERGED" if r.diverged_epoch > 0
                             else "NOT LEARNING: the steps overshoot")
        self.banner.set_visible(failed(r))
        epochs = np.arange(1, len(r.loss) + 1)
        floor = np.maximum(r.loss, 1e-6)
        self.loss_line.set_data(epochs, floor)
        self.acc_line.set_data(epochs, r.accuracy)
        self.ax_loss.set_xlim(0, 50 * math.ceil(r.epochs / 50))   # in steps: fewer stills
        if len(r.loss):
            self.ax_loss.set_ylim(decades(floor.min(), floor.max(), every=3))
        self.moving = self.moving_in_order()

    def describe(self, r):
        colour = VERMILLION if failed(r) else BLACK
        return (f"{r.dataset}, {r.depth} hidden layer(s) of {r.width} tanh units, η = {r.lr:.3f}, "
                f"momentum 0.9, batches of 20<br><span style='color:{colour}'>{r.message}</span>")


class Shading(Artist):
    """P (n, n), on a grid spanning an axes, coloured by its tenth (``COLOURS``) on the axes'
    own pixels: P is interpolated to them (``upsample``), and the colours are drawn as they are.
    (``imshow`` would resample its picture every time: that takes 15 times as long.)"""

    def __init__(self, ax):
        super().__init__()
        self.P, self.pixels = None, None
        ax.add_artist(self)

    def set_P(self, P):
        self.P, self.pixels = P, None
        self.stale = True

    def get_window_extent(self, renderer=None):
        return self.axes.get_window_extent(renderer)

    def draw(self, renderer):
        if self.P is None or not self.get_visible():
            return
        box = self.axes.get_window_extent(renderer)
        height, width = round(box.height), round(box.width)
        if self.pixels is None or self.pixels.shape[:2] != (height, width):
            P = upsample(self.P, height, width)        # rows upwards, as draw_image wants them
            self.pixels = np.take(COLOURS, np.minimum((P * BANDS).astype(int), BANDS - 1), axis=0)
        gc = renderer.new_gc()
        gc.set_clip_rectangle(box)
        renderer.draw_image(gc, round(box.x0), round(box.y0), self.pixels)
        gc.restore()
        self.stale = False


def upsample(P, height, width):
    """P (m, n) interpolated linearly along each axis to (height, width): the values at height
    × width evenly spaced points spanning the same rectangle (corners on corners)."""
    return along(P.shape[0], height) @ P @ along(P.shape[1], width).T


def contour_line(xs, ys, P, level):
    """The curves where P (n, n) on the grid xs × ys equals ``level``, as one polyline (x, y)
    whose pieces are separated by NaN (a break in a matplotlib line)."""
    pieces = contour_generator(xs, ys, P).lines(level)        # [(k, 2) points, ...]
    points = [np.vstack([piece, [(np.nan, np.nan)]]) for piece in pieces]
    return np.vstack(points).T if points else ([], [])


@functools.lru_cache
def along(n, size):
    """(size, n) weights of linear interpolation from n evenly spaced points to ``size``."""
    x = np.linspace(0, n - 1, size)
    left = np.minimum(np.floor(x).astype(int), n - 2)
    weights = np.zeros((size, n))
    weights[np.arange(size), left] = left + 1 - x
    weights[np.arange(size), left + 1] = x - left
    return weights


def running_loop():
    """The event loop running this code (in a notebook: the kernel's), or None (a script)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
