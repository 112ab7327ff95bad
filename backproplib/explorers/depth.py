"""Lesson 05's explorer: how the gradient's size changes with depth, and what that does to training.

    DepthExplorer()   guess log₁₀ of ‖dW⁽¹⁾‖ / ‖dW⁽ᴧ⁾‖ (first over last layer, Λ = depth), reveal,
                      then move depth, activation, initialisation and its gain and watch both views update.
A thin view over ``depth_study`` (depth_runs.py, importable from here too): before Reveal it runs
no training, and a change redraws only the curves over a kept still picture (blit.py).
"""

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.ticker import MaxNLocator, NullLocator

from .blit import BlitExplorer
from .depth_runs import (
    ACTIVATION_NAMES,
    HUGE,
    TINY,
    DepthStudy,
    backward_recording,
    build_network,
    depth_study,
    train_recording,
    training_run,
)
from .kept import KeptPictures
from .reveal import power_of_ten, reveal_button
from .style import (
    BLACK,
    BLUE,
    LINESTYLES,
    MARKERS,
    MIN_FONT_SIZE,
    SEQUENTIAL_CMAP,
    VERMILLION,
    decades,
    nice_upper,
)

STEPS = 60            # the explorer's training run


# -- the explorer -------------------------------------------------------------------------------

def _log_limits(*arrays, floor=TINY, ceiling=1e15):
    """y-limits of a log axis that show every value (clipped to [floor, ceiling]) with margins."""
    values = np.concatenate([np.ravel(a) for a in arrays] + [[1.0]])
    values = np.clip(values[np.isfinite(values)], floor, ceiling)
    return values.min() / 3, values.max() * 3


class DepthExplorer(KeptPictures, BlitExplorer):
    """Guess the first-to-last gradient ratio, reveal, then vary depth, activation and init."""

    MAX_DEPTH = 12

    def __init__(self, depth=6, activation="sigmoid", init="xavier", gain=1.0, guess_log10=0.0):
        controls = {
            "depth": widgets.IntSlider(value=depth, min=2, max=self.MAX_DEPTH,
                                       description="layers Λ"),
            "activation": widgets.Dropdown(options=ACTIVATION_NAMES, value=activation,
                                           description="activation"),
            "init": widgets.Dropdown(options=[("zeros", "zeros"), ("small normal (0.01)", "normal"),
                                              ("Xavier (eq. 5.5)", "xavier"), ("He (eq. 5.5)", "he")],
                                     value=init, description="init"),
            "gain": widgets.FloatLogSlider(value=gain, base=10, min=-1, max=1, step=0.05,
                                           description="× gain", readout_format=".2f"),
            "guess_log10": widgets.FloatSlider(value=guess_log10, min=-12, max=12, step=0.5,
                                               description="guess: 10^", readout_format=".1f"),
            "revealed": reveal_button(),
        }
        super().__init__(controls, width=10.0, height=3.4,
                         title="Depth, activation and initialisation: gradients and learning speed")

    def setup_figure(self, fig):
        self.ax_g, self.ax_r, self.ax_l = fig.subplots(1, 3)
        for ax in (self.ax_g, self.ax_r):
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(NullLocator())   # uncluttered, and twice as fast to draw
        (self.dw_line,) = self.ax_g.plot([], [], "-o", color=BLUE, label="‖dW⁽ˡ⁾‖")
        (self.dz_line,) = self.ax_g.plot([], [], "--^", color=VERMILLION, label="‖dZ⁽ˡ⁾‖")
        self.ax_g.set(xlabel="layer l (1 = next to the input)", title="gradients at the start",
                      xlim=(0.5, self.MAX_DEPTH + 0.5), xticks=range(2, self.MAX_DEPTH + 1, 2))
        self.ax_g.legend(fontsize=MIN_FONT_SIZE, loc="lower right")
        self.ratio_lines = [self.ax_r.plot([], [], lw=1.5, ls=LINESTYLES[l % 4],
                                           marker=MARKERS[l % len(MARKERS)], markevery=15, ms=4)[0]
                            for l in range(self.MAX_DEPTH)]
        self.ratio_labels = [self.ax_r.text(0, 1, "", fontsize=MIN_FONT_SIZE, va="center")
                             for _ in range(self.MAX_DEPTH)]
        self.ax_r.set(xlabel="training step", title="learning speed ‖ΔW⁽ˡ⁾‖/‖W⁽ˡ⁾‖",
                      xlim=(0, STEPS + 8))                        # room for the labels l=…
        (self.loss_line,) = self.ax_l.plot([], [], color=BLACK, lw=2, marker=".", markevery=[0])
        self.stopped = [ax.text(0.5, 0.85, "", ha="center", va="center", fontsize=9, color=VERMILLION,
                                transform=ax.transAxes) for ax in (self.ax_r, self.ax_l)]
        self.ax_l.set(xlabel="training step", ylabel="training loss", title="loss", xlim=(0, STEPS))
        self.ax_l.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))  # labels ≤ 3 wide
        self.covers = [ax.text(0.5, 0.5, "?", ha="center", va="center", fontsize=28,
                               transform=ax.transAxes) for ax in (self.ax_g, self.ax_r, self.ax_l)]
        for ax in (self.ax_g, self.ax_r, self.ax_l):
            ax.grid(alpha=0.3)
        spines = [spine for ax in (self.ax_g, self.ax_r, self.ax_l) for spine in ax.spines.values()]
        self.moving = [self.dw_line, self.dz_line, *self.ratio_lines, self.loss_line, *spines,
                       *self.ratio_labels, *self.stopped]          # in drawing (z) order

    def compute(self, depth, activation, init, gain, guess_log10, revealed):
        # before Reveal nothing is shown: no training run (steps=0) until it is pressed
        return depth_study(depth, activation, init, gain, steps=STEPS if revealed else 0,
                           guess_log10=guess_log10, revealed=revealed)

    def picture_key(self, r):   # never the guess; before Reveal, one picture for all settings
        return ("revealed", r.depth, r.activation, r.init, r.gain) if r.revealed else "hidden"

    def draw(self, r):
        self.frame = r.revealed            # the covers "?" are in the still picture before Reveal
        layers = np.arange(1, r.depth + 1)
        self.dw_line.set_data(layers, np.maximum(r.grad_norms_init, TINY))
        self.dz_line.set_data(layers, np.maximum(r.delta_norms_init, TINY))
        colours = matplotlib.colormaps[SEQUENTIAL_CMAP](np.linspace(0, 0.9, r.depth))
        steps = np.arange(len(r.update_ratios))
        for l, (line, label) in enumerate(zip(self.ratio_lines, self.ratio_labels)):
            shown = l < r.depth and len(steps) > 0
            line.set_visible(shown and r.revealed)
            label.set_visible(shown and r.revealed)
            if shown:
                y = np.clip(r.update_ratios[:, l], TINY, 1e15)
                line.set_data(steps, y)
                line.set_color(colours[l])
                label.set_position((steps[-1] + 1, y[-1]))
                label.set_text(f"l={l + 1}" if l in (0, r.depth - 1) else "")
        self.loss_line.set_data(np.arange(len(r.loss)), r.loss)
        for artist in (self.dw_line, self.dz_line, self.loss_line):
            artist.set_visible(r.revealed)
        for cover in self.covers:
            cover.set_visible(not r.revealed)
        for text in self.stopped:          # exploding gradients: say why the curves end early
            text.set_text("" if r.diverged_at is None else
                          f"⚠ overflow:\nstopped at step {r.diverged_at}")
            text.set_visible(r.revealed)
        self.set_limits(r)

    def set_limits(self, r):
        """y-limits in whole decades (the loss: 1, 2, 5 or 10; a larger loss leaves the top), so
        that most settings share one still picture (blit.py); before Reveal, neutral ones."""
        if not r.revealed:
            for ax in (self.ax_g, self.ax_r):
                ax.set_ylim(1e-12, 1e2)
            self.ax_l.set_ylim(0, 1)
            return
        self.ax_g.set_ylim(decades(*_log_limits(r.grad_norms_init, r.delta_norms_init)))
        self.ax_r.set_ylim(decades(*_log_limits(r.update_ratios)))
        top = float(np.max(r.loss)) if len(r.loss) else 1.0
        self.ax_l.set_ylim(0, nice_upper(min(max(top, 0.8) * 1.05, 10)))

    def describe(self, r):
        if not r.revealed:
            return (f"<b>Predict first.</b> With {r.depth} layers, {r.activation} and "
                    f"{r.init} initialisation (× {r.gain:.2f}): how many times larger or smaller "
                    f"is ‖dW<sup>(1)</sup>‖ than ‖dW<sup>(Λ)</sup>‖? Set the slider to the power of "
                    f"ten, then press <i>Reveal</i>.<br>Your guess: ‖dW<sup>(1)</sup>‖ / "
                    f"‖dW<sup>(Λ)</sup>‖ ≈ {power_of_ten(r.guess_log10)}.")
        lines = []
        if r.feedback is None:
            lines.append("No gradient reaches some layer (its ‖dW‖ is exactly 0): with zero "
                         "weights every unit of a layer computes the same thing, and the "
                         "gradient of all but (at most) the last layer is 0.")
        else:
            lines.append(r.feedback.sentence("‖dW<sup>(1)</sup>‖ / ‖dW<sup>(Λ)</sup>‖"))
        if r.diverged_at is not None:
            lines.append(f"<span style='color:#D55E00'>⚠ Exploding gradients: training stopped "
                         f"at step {r.diverged_at}, where the gradient norm passed {HUGE:.0e} "
                         f"or overflowed.</span>")
        elif len(r.update_ratios):
            last = r.update_ratios[-1]
            lines.append(f"after {len(r.loss)} steps: loss {r.loss[0]:.3f} → {r.loss[-1]:.3f}, "
                         f"training accuracy {r.final_accuracy:.2f}; learning speed at the last "
                         f"step: layer 1 {last[0]:.1e}, layer {r.depth} {last[-1]:.1e} "
                         f"(about 1e-3 is healthy).")
        return "<br>".join(lines)


__all__ = ["depth_study", "DepthStudy", "DepthExplorer", "build_network", "train_recording",
           "training_run", "backward_recording"]
