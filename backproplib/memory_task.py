"""Training a recurrent network on the memory task of Lesson 08, one recorded step at a time.

The task (``make_memory_task``): a value v enters at the first step, ``delay`` steps of noise
follow, and after the last step the network must output v. The network is

    Recurrent(2 -> 16) -> LastStep() -> Dense(16 -> 1)        (Lesson 08, eqs. 8.1–8.2)

trained with the mean squared error and plain SGD, optionally with gradient clipping (eq. 8.9)
and truncated BPTT (eq. 8.10, set on the Recurrent layer). ``train_memory`` is a generator: it
yields one ``MemoryStep`` record per training step, so a plot can be redrawn while training
runs; ``summarise_memory_run`` turns the records so far into the numbers a reader looks at.

Predicting 0 every time gives a loss of Var(v) = 1/3: a run that stays near that line has not
learnt to remember.
"""

from dataclasses import dataclass

import numpy as np

from .clipping import clip_grad_norm, global_grad_norm
from .dense import Dense
from .errors import ConfigError, check_positive
from .losses import MSE
from .network import Network
from .optim import SGD
from .recurrent import LastStep, Recurrent
from .sequences import make_memory_task

#: the loss of always predicting 0: Var(v) for v ~ U(−1, 1)
BASELINE = 1 / 3
#: a run whose final loss is below LEARNT has learnt the task; below PARTLY it has partly
LEARNT, PARTLY = 0.05, 0.25
#: a loss above this (or NaN) means the run diverged: training stops there
DIVERGED = 1e3
#: the final loss is the mean over this many last steps (single batches are noisy)
FINAL_WINDOW = 50
#: the moving average drawn over the noisy loss of single batches
SMOOTHING = 20


@dataclass(frozen=True)
class MemoryStep:
    """One training step, measured after the backward pass and before the update.

    step: 1, 2, ...;  loss: the batch's MSE;  grad_norm: ‖g‖ of all gradients before clipping;
    clipped: whether eq. 8.9 shortened the step;  input_gradients: (T,) ‖∂L/∂x_t‖ over the batch
    for t = 1..T (T = delay + 1; x_1 carries v);  recurrent_scale: s, the largest singular value
    of W_h;  diverged: the loss or the gradient overflowed (or passed DIVERGED): no update was
    made and this is the last record.
    """
    step: int
    loss: float
    grad_norm: float
    clipped: bool
    input_gradients: np.ndarray
    recurrent_scale: float
    diverged: bool


def memory_network(hidden=16, truncate=None, scale=None, seed=0):
    """Recurrent(2 -> hidden, truncate) -> LastStep() -> Dense(hidden -> 1), seeded.

    truncate: None (full BPTT) or k ≥ 1 (Lesson 08, eq. 8.10).  scale: None for the layer's
    default initialisation, or the largest singular value s of W_h at the start.
    """
    return Network([Recurrent(2, hidden, truncate=truncate, rng=seed, recurrent_scale=scale),
                    LastStep(), Dense(hidden, 1, rng=seed + 1)])


def train_memory(net, delay, steps=400, lr=0.5, clip=None, batch_size=32, seed=0):
    """Train ``net`` (from ``memory_network``) on the memory task; yield a MemoryStep per step.

    Every step draws a fresh batch of ``batch_size`` sequences of delay + 1 steps (seeded by
    ``seed``), runs forward, loss and BPTT, clips the gradients at ``clip`` (None: no clipping;
    eq. 8.9) and takes an SGD step with learning rate ``lr``. Stops early, after yielding a
    record with diverged=True, if the loss or the gradient overflows.
    """
    delay = check_positive(delay, "delay", int)
    steps = check_positive(steps, "steps", int)
    if clip is not None:
        clip = check_positive(clip, "clip")
    if not isinstance(net, Network) or not isinstance(net.layers[0], Recurrent):
        raise ConfigError(f"train_memory needs a network from memory_network(), got {net!r}.")
    batch_size = check_positive(batch_size, "batch_size", int)
    return _training_steps(net, delay, steps, SGD(lr=lr), clip, batch_size,
                           np.random.default_rng(seed))


def _training_steps(net, delay, steps, optimizer, clip, batch_size, rng):
    """The loop of ``train_memory`` (a generator of its own, so that the checks run at once)."""
    loss = MSE()
    for step in range(1, steps + 1):
        X, Y = make_memory_task(batch_size, delay, rng=rng)
        net.zero_grad()
        with np.errstate(all="ignore"):        # an overflow is reported in the record instead
            L = loss.forward(net.forward(X), Y)
            dX = net.backward(loss.backward())
            norm = clip_grad_norm(net, clip) if clip else global_grad_norm(g for _, g in net.gradients())
            diverged = not (L < DIVERGED and np.isfinite(norm))
            record = MemoryStep(step, float(L), float(norm), bool(clip and norm > clip),
                                np.linalg.norm(dX, axis=(0, 2)),
                                float(np.linalg.norm(net.layers[0].Wh, 2)), diverged)
        yield record
        if diverged:
            return
        optimizer.step(net)


@dataclass(frozen=True)
class MemoryRun:
    """What the records of a run (so far) show.

    losses: (k,) the loss of every step run;  grad_norms: (k,) ‖g‖ before clipping;
    smoothed: (k,) the moving average of the losses over the last SMOOTHING steps;
    final_loss: the mean of the last FINAL_WINDOW losses (the last loss, if it diverged);
    verdict: "learns", "partly", "fails" (by final_loss: < LEARNT, < PARTLY, else) or "diverged";
    diverged_at: the step at which it diverged, or None;  first_gradients, last_gradients: (T,)
    ‖∂L/∂x_t‖ / ‖∂L/∂x_T‖ at the first step and at the last step with finite numbers;
    first_share, last_share: their value at t = 1 (0.0 when no gradient reaches x_1);
    first_scale, last_scale: s of W_h at those steps;  clipped_steps: steps shortened by clipping.
    """
    steps_run: int
    losses: np.ndarray
    grad_norms: np.ndarray
    smoothed: np.ndarray
    final_loss: float
    verdict: str
    diverged_at: int | None
    first_gradients: np.ndarray
    last_gradients: np.ndarray
    first_share: float
    last_share: float
    first_scale: float
    last_scale: float
    clipped_steps: int


def summarise_memory_run(records):
    """The numbers of a run from its MemoryStep records (at least one).  Returns MemoryRun."""
    if not records:
        raise ValueError("summarise_memory_run needs the record of at least one training step.")
    losses = np.array([r.loss for r in records])
    smoothed = np.array([losses[max(0, i + 1 - SMOOTHING):i + 1].mean() for i in range(len(losses))])
    diverged_at = records[-1].step if records[-1].diverged else None
    finite = [r for r in records if np.all(np.isfinite(r.input_gradients))] or records[:1]
    first, last = (relative_gradients(r.input_gradients) for r in (finite[0], finite[-1]))
    if diverged_at is None:
        final = float(losses[-FINAL_WINDOW:].mean())
        verdict = "learns" if final < LEARNT else "partly" if final < PARTLY else "fails"
    else:
        final, verdict = float(losses[-1]), "diverged"
    return MemoryRun(len(records), losses, np.array([r.grad_norm for r in records]), smoothed,
                     final, verdict, diverged_at, first, last, float(first[0]), float(last[0]),
                     finite[0].recurrent_scale, finite[-1].recurrent_scale,
                     sum(r.clipped for r in records))


def relative_gradients(norms):
    """(T,) ‖∂L/∂x_t‖ divided by the last one, ‖∂L/∂x_T‖ (all zeros if that one is 0 or not finite)."""
    norms = np.nan_to_num(np.asarray(norms, dtype=float), nan=0.0, posinf=0.0)
    return norms / norms[-1] if norms[-1] > 0 else np.zeros_like(norms)
