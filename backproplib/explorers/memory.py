"""Lesson 08's live explorer: train a recurrent network to remember a value, and watch it fail.

The learner chooses the delay, the largest singular value s of W_h at the start, gradient
clipping (eq. 8.9) and truncated BPTT (eq. 8.10); predicts whether the network will learn the
memory task; then presses Train and watches the loss curve grow while ``train_memory`` runs
(``backproplib/memory_task.py``). At the end the readout says whether the prediction held, and
the second panel shows the reason: how much of the gradient reaches x_1, the input that carries
the value (Lesson 08, eq. 8.8).

Pure function (tested without a browser), in ``memory_readout.py``:
    memory_readout(delay, scale, clip, truncate, steps, prediction, records, running)
        -> MemoryReadout, everything the view shows, from the records of the run so far.
Explorer (a thin view over it):
    MemoryTaskExplorer()   sliders and menus for the settings, a choice for the prediction and
                           a Train button; training redraws every few dozen steps.
"""

import time

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..memory_task import (
    BASELINE,
    DIVERGED,
    LEARNT,
    SMOOTHING,
    memory_network,
    train_memory,
)
from .blit import BlitExplorer
from .memory_readout import LR, MAX_DELAY, MAX_STEPS, PREDICTIONS, describe_memory, memory_readout
from .style import BLACK, BLUE, GREEN, MIN_FONT_SIZE, ORANGE, SKY, VERMILLION, decades, nice_upper

#: ratios of gradients below this are drawn at this level (a gradient of exactly 0 included)
FLOOR = 1e-20
#: losses above this (and NaN) are drawn at this level
CEILING = 1e6
#: seconds the kernel waits after a run's first picture before it disables the controls and
#: trains on, so that the page paints the answer to the press with the machine to itself
#: (about 10 ms sooner in the page)
ANSWER_PAUSE = 0.04


class MemoryTaskExplorer(BlitExplorer):
    """Predict whether a recurrent network learns to remember a value, then train it live."""

    def __init__(self, delay=8, scale=0.5, clip=1.0, truncate=0, steps=400):
        self.records, self.running = [], False
        controls = {
            "delay": widgets.IntSlider(value=delay, min=1, max=MAX_DELAY, description="delay",
                                       continuous_update=False),
            "scale": widgets.FloatSlider(value=scale, min=0.25, max=2.0, step=0.05,
                                         description="s of W_h", continuous_update=False),
            "clip": widgets.Dropdown(options=[("off", 0.0), ("c = 0.1", 0.1), ("c = 1", 1.0),
                                              ("c = 10", 10.0)], value=clip, description="clipping"),
            "truncate": widgets.Dropdown(options=[("full BPTT", 0)] + [(f"k = {k}", k) for k in
                                                                       (1, 2, 3, 5, 10)],
                                         value=truncate, description="BPTT"),
            "steps": widgets.IntSlider(value=steps, min=100, max=MAX_STEPS, step=100,
                                       description="SGD steps", continuous_update=False),
            "prediction": widgets.RadioButtons(options=[(text, key) for key, text in
                                                        PREDICTIONS.items()], value=None,
                                               description="Will it?"),
            "train": widgets.ToggleButton(value=False, description="Train", icon="play",
                                          tooltip="Commit your prediction first"),
        }
        for name in ("delay", "scale", "clip", "truncate", "steps"):
            controls[name].observe(self.new_question, names="value")
        controls["prediction"].observe(self.forget_run, names="value")
        controls["train"].observe(self.train, names="value")
        controls["train"].disabled = controls["prediction"].value is None
        super().__init__(controls, width=10.0, height=3.6,
                         title="Predict, then train: how long can a recurrent network remember?")

    # -- the wiring of the run ----------------------------------------------------------------

    def new_question(self, change=None):
        """A setting changed: forget the run and ask for a fresh prediction."""
        self.records = []
        self.controls["prediction"].disabled = False
        self.controls["prediction"].value = None

    def forget_run(self, change=None):
        """The prediction changed: the last run no longer answers it; Train needs a prediction."""
        self.records = []
        self.controls["train"].disabled = self.controls["prediction"].value is None

    def train(self, change):
        """Run ``train_memory`` for the current settings, redrawing after the first step (the
        press is answered at once) and then every few dozen steps."""
        if not change["new"] or self.running:
            return
        v = self.values()
        if v["prediction"] is None:           # the button is disabled; only code gets here
            self.controls["train"].value = False
            return
        net = memory_network(truncate=v["truncate"] or None, scale=v["scale"])
        every = max(10, v["steps"] // 20)
        self.records, self.running = [], True
        self.set_busy(True)
        try:
            for record in train_memory(net, v["delay"], v["steps"], lr=LR,
                                       clip=v["clip"] or None):
                self.records.append(record)
                if (record.step == 1 or record.step % every == 0) and record.step < v["steps"]:
                    self.update()
                if record.step == 1:          # the press is answered first (ANSWER_PAUSE)
                    time.sleep(ANSWER_PAUSE)
                    self.lock(True)
        finally:
            self.running = False
            self.lock(False)
            self.controls["prediction"].disabled = True     # the question is answered
            self.shown_values = None                        # the run changed what they show
            self.controls["train"].value = False            # redraws the finished run
            self.set_busy(False)                            # after that last picture

    def lock(self, locked):
        """Disable every control while training (the Train button says "Training…")."""
        for control in self.controls.values():
            control.disabled = locked
        self.controls["train"].description = "Training…" if locked else "Train"

    # -- the view -------------------------------------------------------------------------------

    def setup_figure(self, fig):
        self.ax_loss, self.ax_grad = fig.subplots(1, 2)
        ax = self.ax_loss
        (self.raw,) = ax.plot([], [], color=SKY, lw=0.8, zorder=3, label="loss of each batch")
        (self.smooth,) = ax.plot([], [], color=BLUE, lw=2, marker="o", ms=4, zorder=4,
                                 label=f"moving average of {SMOOTHING}")
        ax.axhline(BASELINE, color=BLACK, ls=":", label="predicting 0 (1/3)")
        ax.axhline(LEARNT, color=GREEN, ls="--", label=f"learnt below {LEARNT}")
        ax.set(yscale="log", xlabel="training step", ylabel="loss (log scale)",
               title="loss while training")
        ax.legend(fontsize=MIN_FONT_SIZE, loc="lower left")
        self.alarm = ax.text(0.5, 0.6, "", ha="center", va="center", fontsize=10, color=VERMILLION,
                             transform=ax.transAxes)
        ax = self.ax_grad
        (self.start,) = ax.plot([], [], color=ORANGE, ls="--", marker="^", ms=6,
                                label="at the first step (untrained)")
        (self.end,) = ax.plot([], [], color=BLUE, ls="-", marker="o", ms=5, label="at the last step")
        ax.set(yscale="log", xlabel="input step t (v enters at t = 1)",
               ylabel=r"$\|\partial L/\partial x_t\| \,/\, \|\partial L/\partial x_T\|$",
               title="gradient reaching each input")
        ax.legend(fontsize=MIN_FONT_SIZE, loc="lower right")
        self.cover = ax.text(0.5, 0.5, "?", ha="center", va="center", fontsize=28,
                             transform=ax.transAxes)
        self.cut = ax.text(0.02, 0.93, "", fontsize=8, color=VERMILLION, transform=ax.transAxes)
        for ax in (self.ax_loss, self.ax_grad):
            ax.grid(alpha=0.3)
        self.ax_grad.xaxis.set_major_locator(MaxNLocator(integer=True))   # input steps: 1, 2, not 1.50
        # only these change while training runs; the axes are drawn again only when their
        # limits change (see blit.py)
        self.moving = [self.raw, self.smooth, self.alarm, self.start, self.end, self.cover, self.cut]

    def widest_labels(self):
        return {self.ax_loss: {"xlim": (0, nice_upper(MAX_STEPS)), "ylim": (1e-6, CEILING)},
                self.ax_grad: {"xlim": (0.5, nice_upper(MAX_DELAY + 1) + 0.5), "ylim": (FLOOR, 1e2)}}

    def compute(self, delay, scale, clip, truncate, steps, prediction, train):
        return memory_readout(delay, scale, clip, truncate, steps, prediction, self.records,
                              self.running)

    def draw(self, r):
        run, shown = r.run, r.phase == "done"
        x = np.arange(1, r.progress + 1)
        losses, smoothed = (_drawable(run.losses), _drawable(run.smoothed)) if run else ([], [])
        self.raw.set_data(x, losses)
        self.smooth.set_data(x, smoothed)
        self.smooth.set_markevery(max(1, r.steps // 8))
        self.alarm.set_text("" if run is None or run.diverged_at is None else
                            f"⚠ diverged at step {run.diverged_at}:\nthe loss passed {DIVERGED:g}")
        t = np.arange(1, r.delay + 2)
        for line, gradients in ((self.start, run and run.first_gradients),
                                (self.end, run and run.last_gradients)):
            if shown:        # a gradient of exactly 0 (truncation) leaves a gap on the log axis
                line.set_data(t, np.where(gradients > 0, gradients, np.nan))
            else:
                line.set_data([], [])
        self.cover.set_visible(not shown)
        self.cut.set_text(f"0 before step {r.reached_from}: cut by truncation (eq. 8.10)"
                          if shown and r.reached_from > 1 else "")
        limits = memory_axes_limits(r)
        self.ax_loss.set(xlim=limits[0], ylim=limits[1])
        self.ax_grad.set(xlim=limits[2], ylim=limits[3])

    def describe(self, r):
        # a narrow column, so that the controls beside it keep their width
        return f"<div style='max-width:34em'>{describe_memory(r)}</div>"


def memory_axes_limits(r):
    """((x, y) limits of the loss panel, (x, y) limits of the gradient panel) for a MemoryReadout.

    The loss axis spans 10⁻³ to 1 unless the losses leave it (then it grows by whole powers of
    ten, so that it changes rarely while training runs); the gradient axis is neutral (10⁻²⁰ to
    10²) until the run is done, so that it does not give the answer away.
    """
    low, top = 1e-3, 1.0
    if r.run is not None:
        losses = _drawable(r.run.losses)
        if losses.min() < low:
            low = 10.0 ** np.floor(np.log10(losses.min()))
        if losses.max() > 0.9:
            top = 10.0 ** np.ceil(np.log10(3 * losses.max()))
    grad_y = (FLOOR, 1e2)
    if r.phase == "done":
        values = np.concatenate([r.run.first_gradients, r.run.last_gradients])
        positive = values[values > 0]
        grad_y = decades(max(FLOOR, positive.min() / 10), max(1e2, 10 * positive.max()))
    # the axes of steps end at 2, 5, 10, 20...: neighbouring settings share a still picture
    steps_x, delay_x = (0, nice_upper(r.steps)), (0.5, nice_upper(r.delay + 1) + 0.5)
    return steps_x, (float(low), float(top)), delay_x, grad_y


def _drawable(losses):
    """Losses for a log axis: NaN and overflow drawn at CEILING, zeros at 1e−6."""
    return np.clip(np.nan_to_num(losses, nan=CEILING, posinf=CEILING), 1e-6, CEILING)
