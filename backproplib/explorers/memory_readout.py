"""What Lesson 08's memory-task explorer shows, as numbers and as words (no drawing here).

The explorer (``memory.py``) collects the ``MemoryStep`` records of ``train_memory`` while a run
goes on; ``memory_readout`` turns the settings, the learner's prediction and the records so far
into one ``MemoryReadout``; ``describe_memory`` writes the readout: the progress while training,
then whether the prediction held, and why — how much of the gradient reaches x_1, the input
that carries the value (Lesson 08, eq. 8.8), or why the run diverged.
"""

import html
from dataclasses import dataclass

import numpy as np

from ..memory_task import BASELINE, DIVERGED, FINAL_WINDOW, LEARNT, PARTLY, MemoryRun, summarise_memory_run
from .style import VERMILLION

#: the answers a learner can commit to, keyed like MemoryRun.verdict
PREDICTIONS = {"learns": f"it learns (final loss < {LEARNT})",
               "partly": f"partly ({LEARNT} to {PARTLY})",
               "fails": "it fails (stays near 1/3)"}
MAX_DELAY, MAX_STEPS = 30, 1000
#: the learning rate η of every run (the lesson's)
LR = 0.5


@dataclass(frozen=True)
class MemoryReadout:
    """What the explorer shows for one setting and the run so far.

    phase: "predict" (no prediction yet), "ready" (predicted, not trained), "training" or "done".
    run: the MemoryRun of the records so far (None before training);  progress: steps run.
    outcome: the run's verdict, a diverged run counting as "fails" (None until done);
    held: whether the prediction equals the outcome (None until done).
    reached_from: the first step t whose input x_t receives a gradient (1 unless truncated).
    """
    delay: int
    scale: float
    clip: float
    truncate: int
    steps: int
    prediction: str | None
    phase: str
    run: MemoryRun | None
    progress: int
    outcome: str | None
    held: bool | None
    reached_from: int


def memory_readout(delay, scale, clip, truncate, steps, prediction, records=(), running=False):
    """Summarise the run so far for the view.  clip, truncate: 0 means off.  Returns MemoryReadout."""
    if prediction is not None and prediction not in PREDICTIONS:
        raise ValueError(f"prediction must be one of {list(PREDICTIONS)} or None, got {prediction!r}.")
    run = summarise_memory_run(records) if records else None
    done = run is not None and not running
    phase = ("training" if running else "done" if done else
             "predict" if prediction is None else "ready")
    outcome = None if not done else "fails" if run.verdict == "diverged" else run.verdict
    reached = 1 if run is None else int(np.argmax(run.first_gradients > 0)) + 1
    return MemoryReadout(int(delay), float(scale), float(clip), int(truncate), int(steps),
                         prediction, phase, run, len(records), outcome,
                         None if outcome is None else outcome == prediction, reached)


def describe_memory(r):
    """The readout (HTML) for a MemoryReadout."""
    setting = (f"delay {r.delay} (T = {r.delay + 1} steps), s = {r.scale:.2f}, clipping "
               f"{'off' if not r.clip else f'at c = {r.clip:g}'}, "
               f"{'full BPTT' if not r.truncate else f'truncated BPTT, k = {r.truncate}'}, "
               f"{r.steps} SGD steps")
    if r.phase == "predict":
        return (f"<b>Predict first.</b> With {setting}: will the network learn to remember v? "
                f"Choose an answer, then press <i>Train</i>.")
    if r.phase == "ready":
        return f"With {setting}.<br>You predict: <i>{PREDICTIONS[r.prediction]}</i>. Press <i>Train</i>."
    run = r.run
    bar = f"<progress value='{r.progress}' max='{r.steps}'></progress>"
    if r.phase == "training":
        return (f"<b>Training…</b> {bar} step {r.progress} of {r.steps}; moving average of the "
                f"loss {run.smoothed[-1]:.3f} (1/3 means: nothing remembered).")
    held = "<b>Your prediction held.</b>" if r.held else "<b>Your prediction did not hold.</b>"
    return (f"{held} You predicted <i>{PREDICTIONS[r.prediction]}</i>. {_result(r)}<br>"
            f"{_why(r)}<br><small>{html.escape(setting)}</small>")


def _result(r):
    """What the run did, in one sentence (HTML)."""
    run = r.run
    if run.diverged_at is not None:
        return (f"<span style='color:{VERMILLION}'>⚠ The run <b>diverged</b> at step "
                f"{run.diverged_at}: the loss passed {DIVERGED:g} and training stopped.</span>")
    text = (f"Final loss (mean of the last {min(FINAL_WINDOW, run.steps_run)} steps): "
            f"{run.final_loss:.3g}: it <b>{r.outcome}</b>")
    if r.outcome != "fails":
        return text + "."
    if run.final_loss > 2 * BASELINE:
        cap = (f"each step is up to η c = {LR * r.clip:g} long; a smaller c shortens it" if r.clip
               else "without clipping each step is η‖g‖ long; clipping caps it")
        return text + f" — far above 1/3: the steps are so long that the weights jump about ({cap})."
    return text + " — it outputs about 0, the best it can do without remembering v."


def _why(r):
    """The explanation: the gradient that reaches x_1, where v enters (eq. 8.8)."""
    run, T = r.run, r.delay + 1
    if run.diverged_at is not None:
        return _why_diverged(run)
    if r.reached_from > 1:
        every = "step" if r.truncate == 1 else f"{r.truncate} steps"
        reached = (f"x<sub>{T}</sub> receives one" if r.reached_from == T else
                   f"x<sub>{r.reached_from}</sub> to x<sub>{T}</sub> receive one")
        text = (f"<b>Why:</b> no gradient reaches x<sub>1</sub>: truncation after every {every} "
                f"cuts it (eq. 8.10), so only {reached}, and nothing tells the network to keep v.")
        if r.outcome != "fails":
            text += (" It learnt all the same: W_h is shared by every step, so what the last steps "
                     "teach it — to pass on the part of the state that carries v — works at the "
                     "earlier steps too. The gradient never asked for it.")
        return text
    if run.final_loss > 2 * BASELINE:
        return (f"<b>Why:</b> with steps this long, s of W_h went from {run.first_scale:.2f} to "
                f"{run.last_scale:.3g}: the tanh units saturate, their slopes are near 0, and the "
                f"gradient reaching x<sub>1</sub> fell to {_number(run.last_share)} of the one at "
                f"x<sub>T</sub> (eq. 8.8 with tiny slopes). Clipping at c = 1 keeps the steps short.")
    if run.first_share <= 0:
        return "<b>Why:</b> no gradient could be measured at x<sub>1</sub> (the numbers overflowed)."
    per_step = run.first_share ** (1 / (T - 1))
    text = (f"<b>Why:</b> at the first step the gradient reaching x<sub>1</sub>, the only input "
            f"that carries v, was {_number(run.first_share)} times the one at x<sub>T</sub>: a "
            f"factor of {per_step:.2g} per step back. Eq. 8.8 caps that factor at s = "
            f"{run.first_scale:.2f} times the tanh slopes")
    if r.outcome == "learns" or run.last_share > 10 * run.first_share:
        return text + (f". After training, s = {run.last_scale:.2f} and {_number(run.last_share)} "
                       f"of it reaches x<sub>1</sub>: W_h has learnt to keep v, and the gradient "
                       f"now reaches back.")
    return text + (f"; after {run.steps_run} steps it is {_number(run.last_share)} (s = "
                   f"{run.last_scale:.2f}): the signal that could teach the network to keep v is "
                   f"buried under the gradient from the recent, noisy steps.")


def _why_diverged(run):
    return (f"<b>Why:</b> ‖g‖ grew from {_number(run.grad_norms[0])} at the first step to "
            f"{_number(run.grad_norms[-1])} at step {run.diverged_at}, and s of W_h from "
            f"{run.first_scale:.2f} to {run.last_scale:.3g}. Without clipping each step is "
            f"η‖g‖ long: a large gradient makes W_h larger, and a larger s lets the next "
            f"gradient grow more per step back (eq. 8.8). Clipping (eq. 8.9, c = 1) breaks "
            f"that loop.")


def _number(x):
    """1.6×10⁻⁶ style for small and large numbers, 0.42 otherwise (HTML)."""
    if not np.isfinite(x):
        return "more than 10<sup>308</sup> (an overflow)"
    if x == 0:
        return "0"
    if 0.01 <= x < 100:
        return f"{x:.2g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}×10<sup>{int(exponent)}</sup>"
