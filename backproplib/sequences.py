"""Sequence data for the recurrent networks of Lesson 08.

A batch of sequences has shape (N, T, D): N sequences of T steps with D features per step.
"""

import numpy as np

from .errors import ConfigError, check_positive


def make_memory_task(n, delay, noise=1.0, rng=None):
    """The memory task of Lesson 08: remember a number for ``delay`` steps.

    Each of the n sequences has T = delay + 1 steps and D = 2 features. Feature 0 holds a value
    v ~ U(−1, 1) at the first step and 0 afterwards; feature 1 is noise U(−noise, noise) at every
    step, which the network must learn to ignore. The target is v, to be output after the last
    step: predicting 0 every time gives a mean squared error of Var(v) = 1/3.

    n, delay: whole numbers ≥ 1; noise ≥ 0; rng: a numpy Generator or an int seed.
    Returns X (n, delay + 1, 2) and Y (n, 1).
    """
    n = check_positive(n, "n", int)
    delay = check_positive(delay, "delay", int)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ConfigError(f"noise must be a number ≥ 0, got {noise!r}.")
    rng = np.random.default_rng(rng)
    value = rng.uniform(-1.0, 1.0, size=n)
    X = np.zeros((n, delay + 1, 2))
    X[:, 0, 0] = value
    X[:, :, 1] = noise * rng.uniform(-1.0, 1.0, size=(n, delay + 1))
    return X, value[:, None]
