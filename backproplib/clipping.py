"""Gradient clipping by norm: cap the size of a step without changing its direction.

All of a network's gradients together form one long vector g. If its norm ‖g‖ is above a
threshold c, every gradient is scaled by the same factor c / ‖g‖   (Lesson 08, eq. 8.9):

    g ← g · min(1, c / ‖g‖)

so the step keeps its direction but has length at most c. It is the usual remedy for the
exploding gradients of recurrent networks; it does nothing against vanishing ones.
"""

import numpy as np

from .errors import ConfigError, check_positive


def global_grad_norm(grads):
    """‖g‖ = √(Σ over every gradient array of the sum of its squared entries)."""
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))


def clip_grad_norm(grads, max_norm):
    """Scale the gradients in place so that their joint norm is at most ``max_norm`` (eq. 8.9).

    grads: a Network (its ``gradients()`` are used) or an iterable of gradient arrays.
    max_norm: c > 0.   Returns ‖g‖ before clipping (a number), to log or plot.
    A non-finite norm (an overflowed gradient) is returned unchanged and nothing is scaled.
    """
    max_norm = check_positive(max_norm, "max_norm (the largest norm the gradients may have)")
    if hasattr(grads, "gradients"):
        grads = [g for _, g in grads.gradients()]
    grads = list(grads) if np.iterable(grads) and not isinstance(grads, (str, bytes)) else [grads]
    if not all(isinstance(g, np.ndarray) and g.dtype.kind == "f" for g in grads):
        raise ConfigError(f"clip_grad_norm needs a Network or a list of float gradient arrays "
                          f"(scaled in place), got {grads!r:.80}.")
    norm = global_grad_norm(grads)
    if np.isfinite(norm) and norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return norm
