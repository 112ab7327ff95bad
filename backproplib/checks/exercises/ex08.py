"""Exercise 08 · Backpropagation through time: one recurrent step, a whole sequence, clipping.

The functions the learner writes (Lesson 08); N sequences, T steps, D features, H hidden units:
    rnn_step_forward(x, h_prev, Wx, Wh, b)
                        x (N, D), h_prev (N, H), Wx (D, H), Wh (H, H), b (H,) -> h (N, H)
                        h = tanh(x Wx + h_prev Wh + b)                            (eq. 8.1)
    rnn_step_backward(dh, x, h_prev, h, Wx, Wh)
                        -> dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,)
                        dz = dh ⊙ (1 − h²), dx = dz Wxᵀ, dh_prev = dz Whᵀ,
                        dWx = xᵀ dz, dWh = h_prevᵀ dz, db = Σₙ dz                 (eqs. 8.5–8.7)
    bptt(X, h0, Wx, Wh, b, dH)
                        X (N, T, D), h0 (N, H), dH (N, T, H) = ∂L/∂h_t from the outputs
                        -> dWx, dWh, db summed over the steps, and dh0 (N, H)      (eqs. 8.4–8.7)
    clip_by_norm(dWx, dWh, db, max_norm)
                        the three gradients scaled by min(1, c / ‖g‖), ‖g‖ their joint norm (eq. 8.9)
"""

import numpy as np

from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Backpropagation through time"
NOTEBOOK = "08_backprop_through_time"

FORBIDDEN = ("Recurrent", "LastStep", "PerStep", "Network", "Tanh", "tanh_derivative",
             "clip_grad_norm", "clipping.global_grad_norm")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- 1. one step forward -------------------------------------------------------------------------

def _weights(rng, D, H):
    return _normal(rng, D, H, scale=0.7), _normal(rng, H, H, scale=0.5), _normal(rng, H, scale=0.3)


def _forward_cases(rng):
    def case(N, D, H, label, scale=1.0, strict=False):
        return Case((_normal(rng, N, D, scale=scale), np.tanh(_normal(rng, N, H)),
                     *_weights(rng, D, H)), label, strict=strict)
    return [case(4, 3, 5, "4 sequences, 3 features → 5 units"),
            case(2, 6, 3, "2 sequences, 6 features → 3 units"),
            case(3, 2, 4, "large inputs (|z| up to several hundred)", scale=400.0, strict=True)]


def _step_forward(x, h_prev, Wx, Wh, b, f=np.tanh, recurrent=True, transpose=False, bias=True):
    z = x @ Wx + (h_prev @ (Wh.T if transpose else Wh) if recurrent else 0.0) + (b if bias else 0.0)
    return f(z)


STEP_FORWARD = Task(
    id="08.rnn_step_forward", function="rnn_step_forward",
    title="one recurrent step forward", points=2,
    args=("x", "h_prev", "Wx", "Wh", "b"), cases=_forward_cases, reference=_step_forward,
    mistakes=(
        Mistake("the new state is squashed by tanh: h = tanh(x Wx + h_prev Wh + b) (eq. 8.1); "
                "you returned the pre-activation z", lambda *a: _step_forward(*a, f=lambda z: z)),
        Mistake("the recurrent layer uses tanh, not the sigmoid: its states lie in (−1, 1)",
                lambda *a: _step_forward(*a, f=_sigmoid)),
        Mistake("the previous state is missing: h = tanh(x Wx + h_prev Wh + b) — without "
                "h_prev Wh the layer has no memory", lambda *a: _step_forward(*a, recurrent=False)),
        Mistake("h_prev (N, H) multiplies Wh from the left, h_prev @ Wh, like x @ Wx; you used "
                "Wh transposed", lambda *a: _step_forward(*a, transpose=True)),
        Mistake("the bias b is missing: h = tanh(x Wx + h_prev Wh + b)",
                lambda *a: _step_forward(*a, bias=False)),
    ),
    forbidden=FORBIDDEN,
    partial={"4 sequences, 3 features → 5 units": 1},
)


# -- 2. one step backward ------------------------------------------------------------------------

def _backward_cases(rng):
    def case(N, D, H, label):
        x, h_prev = _normal(rng, N, D), np.tanh(_normal(rng, N, H))
        Wx, Wh, b = _weights(rng, D, H)
        h = np.tanh(x @ Wx + h_prev @ Wh + b)
        return Case((_normal(rng, N, H), x, h_prev, h, Wx, Wh), label)
    return [case(4, 3, 5, "4 sequences, 3 features → 5 units"),
            case(3, 6, 2, "3 sequences, 6 features → 2 units")]


def _step_backward(dh, x, h_prev, h, Wx, Wh, slope=None, Wh_for_dh=None, state_for_dWh=None,
                   db=None, order=(0, 1, 2, 3, 4)):
    dz = dh * (slope(h) if slope else 1.0 - h * h)
    grads = (dz @ Wx.T, dz @ (Wh_for_dh(Wh) if Wh_for_dh else Wh.T), x.T @ dz,
             (h if state_for_dWh == "h" else h_prev).T @ dz, (db or np.sum)(dz, axis=0))
    return tuple(grads[i] for i in order)


STEP_BACKWARD = Task(
    id="08.rnn_step_backward", function="rnn_step_backward",
    title="one recurrent step backward", points=3,
    args=("dh", "x", "h_prev", "h", "Wx", "Wh"), outputs=("dx", "dh_prev", "dWx", "dWh", "db"),
    cases=_backward_cases, reference=_step_backward,
    mistakes=(
        Mistake("the gradient must pass back through tanh first: dz = dh ⊙ (1 − h²) (eq. 8.5), "
                "then the products", lambda *a: _step_backward(*a, slope=lambda h: 1.0)),
        Mistake("tanh'(z) = 1 − h², with h squared; you used 1 − h",
                lambda *a: _step_backward(*a, slope=lambda h: 1.0 - h)),
        Mistake("h is already tanh(z), so tanh'(z) = 1 − h²; you took tanh of h again, "
                "1 − tanh(h)²", lambda *a: _step_backward(*a, slope=lambda h: 1 - np.tanh(h) ** 2)),
        Mistake("dh_prev = dz Whᵀ: going back through h_prev @ Wh needs Wh transposed (like "
                "dX = dZ Wᵀ, eq. 3.10)", lambda *a: _step_backward(*a, Wh_for_dh=lambda W: W)),
        Mistake("dWh = h_prevᵀ dz: Wh multiplies the previous state h_prev, not the new state h",
                lambda *a: _step_backward(*a, state_for_dWh="h")),
        Mistake("db sums dz over the sequences of the batch (like eq. 3.9); you averaged it",
                lambda *a: _step_backward(*a, db=np.mean)),
        Mistake("return the gradients in the order of the task: dx, dh_prev, dWx, dWh, db",
                lambda *a: _step_backward(*a, order=(2, 3, 4, 0, 1))),
    ),
    forbidden=FORBIDDEN,
)


# -- 3. backpropagation through time over a whole sequence ---------------------------------------

def _bptt_cases(rng):
    def case(N, T, D, H, label):
        Wx, Wh, b = _weights(rng, D, H)
        return Case((_normal(rng, N, T, D), np.tanh(_normal(rng, N, H)), Wx, Wh, b,
                     _normal(rng, N, T, H)), label)
    return [case(3, 4, 2, 3, "3 sequences of 4 steps, 2 → 3"),
            case(2, 6, 3, 4, "2 sequences of 6 steps, 3 → 4"),
            case(4, 1, 3, 2, "sequences of one step")]


def _bptt(X, h0, Wx, Wh, b, dH, carry=True, accumulate=True, only_last=False,
          state_for_dWh="prev", dh0_before=False, order=(0, 1, 2, 3)):
    T = X.shape[1]
    states = [h0]
    for t in range(T):
        states.append(np.tanh(X[:, t] @ Wx + states[-1] @ Wh + b))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    later = np.zeros_like(h0)
    dh = later
    for t in reversed(range(T)):
        h, h_prev = states[t + 1], states[t]
        arriving = dH[:, t] if not only_last or t == T - 1 else 0.0
        dh = arriving + (later if carry else 0.0)
        dz = dh * (1.0 - h * h)
        parts = (X[:, t].T @ dz, (h if state_for_dWh == "h" else h_prev).T @ dz, dz.sum(axis=0))
        if accumulate:
            dWx, dWh, db = dWx + parts[0], dWh + parts[1], db + parts[2]
        else:
            dWx, dWh, db = parts
        later = dz @ Wh.T
    grads = (dWx, dWh, db, dh if dh0_before else later)
    return tuple(grads[i] for i in order)


def _bptt_sizes(X, *_):
    N, T, _ = X.shape
    return {"T": T, "N": N}


BPTT = Task(
    id="08.bptt", function="bptt", title="backpropagation through time", points=4,
    args=("X", "h0", "Wx", "Wh", "b", "dH"), outputs=("dWx", "dWh", "db", "dh0"),
    cases=_bptt_cases, reference=_bptt, sizes=_bptt_sizes,
    mistakes=(
        Mistake("h_t also reaches the loss through the later steps: dh_t = dH_t + dz_{t+1} Whᵀ "
                "(eq. 8.4); you used only the gradient dH_t from its own output",
                lambda *a: _bptt(*a, carry=False)),
        Mistake("the same weights are used at every step, so their gradients add up over the "
                "steps (eq. 8.6, +=); you kept only one step's contribution",
                lambda *a: _bptt(*a, accumulate=False)),
        Mistake("every step receives its own gradient dH_t from the outputs; you used only the "
                "last one, dH_T", lambda *a: _bptt(*a, only_last=True)),
        Mistake("dWh = Σ_t h_{t−1}ᵀ dz_t: Wh multiplies the state before the step, not the new "
                "one", lambda *a: _bptt(*a, state_for_dWh="h")),
        Mistake("dh0 is the gradient that leaves the first step, dz_1 Whᵀ (eq. 8.7); you "
                "returned dh_1, the gradient of the first state",
                lambda *a: _bptt(*a, dh0_before=True)),
        Mistake("return the gradients in the order of the task: dWx, dWh, db, dh0",
                lambda *a: _bptt(*a, order=(1, 0, 2, 3))),
    ),
    forbidden=FORBIDDEN,
    uses=("08.rnn_step_forward", "08.rnn_step_backward"),
    partial={"sequences of one step": 1},
)


# -- 4. clipping by norm -------------------------------------------------------------------------

def _clip_cases(rng):
    def case(scale, max_norm, label):
        return Case((_normal(rng, 3, 4, scale=scale), _normal(rng, 4, 4, scale=scale),
                     _normal(rng, 4, scale=scale), max_norm), label)
    return [case(10.0, 1.0, "a large gradient (‖g‖ ≈ 50), c = 1"),
            case(0.1, 5.0, "a small gradient (‖g‖ ≈ 0.5), c = 5"),
            case(3.0, 2.5, "‖g‖ ≈ 15, c = 2.5")]


def _norm(grads):
    return float(np.sqrt(sum(np.sum(g * g) for g in grads)))


def _clip(dWx, dWh, db, max_norm, how="joint"):
    grads = (dWx, dWh, db)
    if how == "separately":
        return tuple(g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads)
    if how == "entries":
        return tuple(np.clip(g, -max_norm, max_norm) for g in grads)
    norm = sum(np.linalg.norm(g) for g in grads) if how == "sum of norms" else _norm(grads)
    factor = max_norm / norm if how == "always" else min(1.0, max_norm / norm)
    return tuple(g * factor for g in grads)


CLIP = Task(
    id="08.clip_by_norm", function="clip_by_norm", title="gradient clipping by norm", points=2,
    args=("dWx", "dWh", "db", "max_norm"), outputs=("dWx", "dWh", "db"), cases=_clip_cases,
    reference=_clip, sizes=lambda *a: {},
    mistakes=(
        Mistake("clip all gradients together: ‖g‖ is the norm of all their entries at once, "
                "√(Σ over dWx, dWh, db of the squares), and all three get the same factor; you "
                "clipped each one by its own norm", lambda *a: _clip(*a, how="separately")),
        Mistake("clipping by norm scales the whole gradient (eq. 8.9) and keeps its direction; "
                "np.clip cuts single entries and changes the direction",
                lambda *a: _clip(*a, how="entries")),
        Mistake("a gradient whose norm is already below c must stay as it is: the factor is "
                "min(1, c / ‖g‖)", lambda *a: _clip(*a, how="always")),
        Mistake("‖g‖ is the square root of the sum of ALL squared entries, not the sum of the "
                "three norms", lambda *a: _clip(*a, how="sum of norms")),
    ),
    forbidden=FORBIDDEN,
)

TASKS = (STEP_FORWARD, STEP_BACKWARD, BPTT, CLIP)
