"""Lesson 05's study of depth: how the gradient's size changes from layer to layer, and what that
does to training.

    depth_study(depth, activation, init, gain, ...)
        builds a network of ``depth`` dense layers (2 inputs → width units → … → 2 classes),
        measures ‖dW⁽ˡ⁾‖ for every layer at initialisation, then trains it for a few dozen steps
        of full-batch gradient descent on the two moons, recording per layer and per step the
        gradient norm and the update-to-weight ratio ‖ΔW⁽ˡ⁾‖/‖W⁽ˡ⁾‖ (how fast the layer learns),
        and at a few checkpoints the 5th/50th/95th percentiles of the activations A⁽ˡ⁾ and of
        the gradients |dA⁽ˡ⁾| reaching each layer's output. Optional gradient clipping by norm
        (Lesson 05, eq. 5.6), with the library's ``clip_grad_norm``.
The explorer that shows it is ``depth.DepthExplorer``.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..activations import activation_layer
from ..clipping import clip_grad_norm
from ..datasets import make_moons
from ..dense import INITIALISATIONS, Dense
from ..errors import ConfigError
from ..losses import SoftmaxCrossEntropy
from ..network import Network
from ..training import accuracy
from .reveal import PredictionFeedback, prediction_feedback

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
