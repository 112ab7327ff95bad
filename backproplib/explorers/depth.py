"""Lesson 05's explorer: how the gradient's size changes with depth, and what that does to training.

Pure function (tested without a browser):
    depth_study(depth, activation, init, gain, ...)
        builds a network of ``depth`` dense layers (2 inputs → width units → … → 2 classes),
        measures ‖dW⁽ˡ⁾‖ for every layer at initialisation, then trains it for a few dozen steps
        of full-batch gradient descent on the two moons, recording per layer and per step the
        gradient norm and the update-to-weight ratio ‖ΔW⁽ˡ⁾‖/‖W⁽ˡ⁾‖ (how fast the layer learns),
        and at a few checkpoints the 5th/50th/95th percentiles of the activations A⁽ˡ⁾ and of
        the gradients |dA⁽ˡ⁾| reaching each layer's output. Optional gradient clipping by norm
        (Lesson 05, eq. 5.6), with the library's ``clip_grad_norm``.
Explorer (a thin view over it):
    DepthExplorer()   guess log₁₀ of ‖dW⁽¹⁾‖ / ‖dW⁽ᴧ⁾‖ (first over last layer, Λ = depth), reveal,
                      then move depth, activation, initialisation and its gain and watch both views update.
"""

from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets
import matplotlib
import numpy as np

from ..activations import activation_layer
from ..clipping import clip_grad_norm
from ..datasets import make_moons
from ..dense import INITIALISATIONS, Dense
from ..errors import ConfigError
from ..losses import SoftmaxCrossEntropy
from ..network import Network
from ..training import accuracy
from .base import Explorer
from .kept import KeptPictures
from .reveal import PredictionFeedback, prediction_feedback, reveal_button
from .style import BLACK, BLUE, LINESTYLES, MARKERS, MIN_FONT_SIZE, SEQUENTIAL_CMAP, VERMILLION

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu")
PERCENTILES = (5, 50, 95)
TINY = 1e-12          # norms and ratios below this are drawn at this level (log axes)
HUGE = 1e12           # a gradient norm above this counts as exploded


@dataclass
class DepthStudy:
    depth: int
    activation: str
    init: str
    gain: float
    grad_norms_init: np.ndarray    # (depth,) ‖dW⁽ˡ⁾‖ before any update, layer 1 first
    delta_norms_init: np.ndarray   # (depth,) ‖dZ⁽ˡ⁾‖, the gradient reaching layer l, at the start
    first_over_last: float | None  # log₁₀(‖dW⁽¹⁾‖ / ‖dW⁽ᴧ⁾‖), Λ = depth; None when either is 0
    grad_norms: np.ndarray         # (steps_run, depth) ‖dW⁽ˡ⁾‖ at every step
    update_ratios: np.ndarray      # (steps_run, depth) lr ‖dW⁽ˡ⁾‖ / ‖W⁽ˡ⁾‖ (after clipping)
    loss: np.ndarray               # (steps_run,) training loss before each step
    checkpoints: list              # steps at which percentiles were taken
    act_percentiles: np.ndarray    # (len(checkpoints), depth − 1, 3) of A⁽ˡ⁾, hidden layers
    grad_percentiles: np.ndarray   # (len(checkpoints), depth, 3) of |dA⁽ˡ⁾|
    diverged_at: int | None        # the step at which the numbers overflowed, if they did
    clipped_steps: int             # how many steps gradient clipping shortened
    final_accuracy: float          # training accuracy after the last step
    guess_log10: float
    revealed: bool
    feedback: PredictionFeedback | None


def build_network(depth, activation, init, gain, width=16, seed=0):
    """``depth`` Dense layers 2 → width → … → width → 2, each hidden one followed by ``activation``.

    The initial weights follow ``init`` (Lesson 05, eq. 5.5; "normal" has std 0.01), times ``gain``.
    """
    rng = np.random.default_rng(seed)
    sizes = [2] + [width] * (depth - 1) + [2]
    layers = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        dense = Dense(n_in, n_out, init=init, rng=rng)
        dense.params["W"] *= gain
        layers.append(dense)
        if l < depth:
            layers.append(activation_layer(activation))
    return Network(layers)


def backward_recording(net, dout):
    """Network.backward written out (Lesson 03, eq. 3.11), keeping per Dense layer, layer 1 first,
    dZ⁽ˡ⁾ (the gradient at its pre-activations) and dA⁽ˡ⁾ (at its output, before the activation's
    backward step; the same as dZ of the last layer, which has no activation).
    Returns (dZs, dAs), two lists of (N, units) arrays."""
    last = [dout] if "W" in net.layers[-1].params else []   # no activation after the last layer
    dZs, dAs = list(last), list(last)
    for layer in reversed(net.layers):
        if "W" not in layer.params:
            dAs.append(dout)                 # reaches the activation: dA of the Dense before it
        dout = layer.backward(dout)
        if "W" not in layer.params:          # an activation returned dZ of the Dense before it
            dZs.append(dout)
    return dZs[::-1], dAs[::-1]


def _percentiles(arrays):
    return np.array([np.percentile(a, PERCENTILES) for a in arrays]).reshape(len(arrays), 3)


def _check(depth, activation, init, gain):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2:
        raise ConfigError(f"depth_study: depth must be a whole number ≥ 2, got {depth!r}.")
    if activation not in ACTIVATION_NAMES or init not in INITIALISATIONS:
        raise ConfigError(f"depth_study: activation must be one of {ACTIVATION_NAMES} and init one "
                          f"of {INITIALISATIONS}, got {activation!r} and {init!r}.")
    if not (isinstance(gain, (int, float)) and gain > 0):
        raise ConfigError(f"depth_study: gain must be a number > 0, got {gain!r}.")


def train_recording(net, X, y, steps, lr, clip=None):
    """Full-batch gradient descent on the softmax cross-entropy, recording every layer at every
    step; stops when the numbers overflow or the gradient passes HUGE.  Returns a dict of lists:
    loss, norms (‖dW⁽ˡ⁾‖), ratios (lr ‖dW⁽ˡ⁾‖/‖W⁽ˡ⁾‖), deltas (‖dZ⁽ˡ⁾‖ at the first step),
    checkpoints, acts and grads (percentiles), diverged_at, clipped."""
    loss, dense = SoftmaxCrossEntropy(), [layer for layer in net.layers if "W" in layer.params]
    run = dict(loss=[], norms=[], ratios=[], deltas=None, checkpoints=[], acts=[], grads=[],
               diverged_at=None, clipped=0)
    for step in range(steps):
        L = loss.forward(net.forward(X), y)                                # forward, loss
        net.zero_grad()
        dZs, dAs = backward_recording(net, loss.backward())                # backward
        norms = [np.linalg.norm(d.grads["W"]) for d in dense]
        if not (np.isfinite(L) and np.all(np.isfinite(norms))) or max(norms) > HUGE:
            run["diverged_at"] = step                                      # overflowed: stop
            if run["deltas"] is None and np.all(np.isfinite(norms)):
                run["norms"], run["deltas"] = [norms], [np.linalg.norm(d) for d in dZs]
            break
        run["deltas"] = run["deltas"] or [np.linalg.norm(d) for d in dZs]
        if step in (0, steps // 2, steps - 1):
            run["checkpoints"].append(step)
            run["acts"].append(_percentiles([a.A for a in net.layers if "W" not in a.params]))
            run["grads"].append(_percentiles([np.abs(d) for d in dAs]))
        run["clipped"] += bool(clip is not None and clip_grad_norm(net, clip) > clip)  # eq. 5.6
        run["loss"].append(L)
        run["norms"].append(norms)
        run["ratios"].append([lr * np.linalg.norm(d.grads["W"]) / max(np.linalg.norm(d.W), TINY)
                              for d in dense])
        for d in dense:                                                   # update (plain SGD)
            for name in d.params:
                d.params[name] -= lr * d.grads[name]
    return run


def depth_study(depth=6, activation="sigmoid", init="xavier", gain=1.0, steps=60, lr=0.5,
                width=16, clip=None, guess_log10=0.0, revealed=False, seed=0):
    """Gradient norms at initialisation and a short training run, per layer.  Returns DepthStudy."""
    _check(depth, activation, init, gain)
    run, final_accuracy = training_run(depth, activation, init, gain, steps, lr, width, clip, seed)
    first = np.asarray(run["norms"][0]) if run["norms"] else np.zeros(depth)
    ratio = (None if first[0] <= 0 or first[-1] <= 0
             else float(np.log10(first[0] / first[-1])))
    done = len(run["ratios"])
    return DepthStudy(
        depth, activation, init, float(gain), first, np.asarray(run["deltas"] or np.zeros(depth)),
        ratio, np.array(run["norms"][:done]).reshape(done, depth),
        np.array(run["ratios"]).reshape(done, depth), np.array(run["loss"]), list(run["checkpoints"]),
        np.array(run["acts"]).reshape(-1, depth - 1, 3), np.array(run["grads"]).reshape(-1, depth, 3),
        run["diverged_at"], run["clipped"], float(final_accuracy), float(guess_log10),
        bool(revealed), None if ratio is None else prediction_feedback(guess_log10, ratio))


@lru_cache(maxsize=64)
def training_run(depth, activation, init, gain, steps, lr, width, clip, seed):
    """``train_recording`` on the two moons and the final accuracy; kept for 64 settings (read only)."""
    X, y = make_moons(n=200, noise=0.15, seed=seed)
    net = build_network(depth, activation, init, gain, width, seed)
    with np.errstate(all="ignore"):
        run = train_recording(net, X, y, steps, lr, clip)
        final_accuracy = accuracy(net.forward(X), y) if run["diverged_at"] is None else 0.5
    return run, final_accuracy


# -- the explorer -------------------------------------------------------------------------------

def _log_limits(*arrays, floor=TINY, ceiling=1e15):
    """y-limits of a log axis that show every value (clipped to [floor, ceiling]) with margins."""
    values = np.concatenate([np.ravel(a) for a in arrays] + [[1.0]])
    values = np.clip(values[np.isfinite(values)], floor, ceiling)
    return values.min() / 3, values.max() * 3


class DepthExplorer(KeptPictures, Explorer):
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
        (self.dw_line,) = self.ax_g.plot([], [], "-o", color=BLUE, label="‖dW⁽ˡ⁾‖")
        (self.dz_line,) = self.ax_g.plot([], [], "--^", color=VERMILLION, label="‖dZ⁽ˡ⁾‖")
        self.ax_g.set(xlabel="layer l (1 = next to the input)", title="gradients at the start")
        self.ax_g.legend(fontsize=MIN_FONT_SIZE, loc="lower right")
        self.ratio_lines = [self.ax_r.plot([], [], lw=1.5, ls=LINESTYLES[l % 4],
                                           marker=MARKERS[l % len(MARKERS)], markevery=15, ms=4)[0]
                            for l in range(self.MAX_DEPTH)]
        self.ratio_labels = [self.ax_r.text(0, 1, "", fontsize=MIN_FONT_SIZE, va="center")
                             for _ in range(self.MAX_DEPTH)]
        self.ax_r.set(xlabel="training step", title="learning speed ‖ΔW⁽ˡ⁾‖/‖W⁽ˡ⁾‖")
        (self.loss_line,) = self.ax_l.plot([], [], color=BLACK, lw=2, marker=".", markevery=[0])
        self.stopped = [ax.text(0.5, 0.85, "", ha="center", va="center", fontsize=9, color=VERMILLION,
                                transform=ax.transAxes) for ax in (self.ax_r, self.ax_l)]
        self.ax_l.set(xlabel="training step", ylabel="training loss", title="loss")
        self.covers = [ax.text(0.5, 0.5, "?", ha="center", va="center", fontsize=28,
                               transform=ax.transAxes) for ax in (self.ax_g, self.ax_r, self.ax_l)]
        for ax in (self.ax_g, self.ax_r, self.ax_l):
            ax.grid(alpha=0.3)

    def compute(self, depth, activation, init, gain, guess_log10, revealed):
        return depth_study(depth, activation, init, gain, guess_log10=guess_log10,
                           revealed=revealed)

    def picture_key(self, r):   # never the guess; before Reveal, only the depth and steps run
        return ("revealed", r.depth, r.activation, r.init, r.gain) if r.revealed else \
            ("hidden", r.depth, len(r.loss))

    def draw(self, r):
        layers = np.arange(1, r.depth + 1)
        self.dw_line.set_data(layers, np.maximum(r.grad_norms_init, TINY))
        self.dz_line.set_data(layers, np.maximum(r.delta_norms_init, TINY))
        self.ax_g.set(xlim=(0.5, r.depth + 0.5), ylim=_log_limits(r.grad_norms_init, r.delta_norms_init))
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
        self.ax_r.set(xlim=(0, max(len(steps), 2) + 8), ylim=_log_limits(r.update_ratios))
        self.loss_line.set_data(np.arange(len(r.loss)), r.loss)
        top = float(np.max(r.loss)) if len(r.loss) else 1.0
        self.ax_l.set(xlim=(0, max(len(r.loss), 2)), ylim=(0, max(top, 0.8) * 1.05))
        for artist in (self.dw_line, self.dz_line, self.loss_line):
            artist.set_visible(r.revealed)
        for cover in self.covers:
            cover.set_visible(not r.revealed)
        if not r.revealed:                 # neutral axes: their limits must not give the answer away
            for ax in (self.ax_g, self.ax_r):
                ax.set_ylim(1e-12, 1e2)
            self.ax_l.set_ylim(0, 1)
        for text in self.stopped:          # exploding gradients: say why the curves end early
            text.set_text("" if r.diverged_at is None else
                          f"⚠ overflow:\nstopped at step {r.diverged_at}")
            text.set_visible(r.revealed)

    def describe(self, r):
        if not r.revealed:
            return (f"<b>Predict first.</b> With {r.depth} layers, {r.activation} and "
                    f"{r.init} initialisation (× {r.gain:.2f}): how many times larger or smaller "
                    f"is ‖dW<sup>(1)</sup>‖ than ‖dW<sup>(Λ)</sup>‖? Set the slider to the power of "
                    f"ten, then press <i>Reveal</i>.")
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
