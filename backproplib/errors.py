"""Errors the library raises, and the input checks that raise them.

Every error says three things: what was wrong, what was expected, and what to try.
They subclass the built-in exception a Python programmer would expect (``ValueError``,
``TypeError``, ``RuntimeError``), so ``except ValueError`` still works.
"""

import numpy as np


class BackpropError(Exception):
    """Base class of every error raised on purpose by backproplib."""


class ShapeError(BackpropError, ValueError):
    """An array has the wrong shape for the layer, loss or function it was given to."""


class LabelError(BackpropError, ValueError):
    """Targets (labels) of the wrong kind or range for a loss."""


class ConfigError(BackpropError, ValueError):
    """A setting (learning rate, batch size, layer size...) that cannot work."""


class InputTypeError(BackpropError, TypeError):
    """Input that is not numbers and cannot be turned into a numeric array."""


class TrainingDivergedError(BackpropError, RuntimeError):
    """The loss became NaN or infinite during training."""


class NonFiniteError(BackpropError, ValueError):
    """Input that contains NaN or infinite values where numbers are needed."""


def as_float_array(x, name, dtype=None):
    """Return ``x`` as a floating-point numpy array, or raise a clear error.

    Lists, tuples, integer and boolean arrays are converted (to float64, or to ``dtype``).
    Strings, ``None``, objects and complex numbers are refused with an ``InputTypeError``.

    x: array-like of any shape.   Returns: ndarray of the same shape, floating dtype.
    """
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and dtype in (None, x.dtype):
        return x
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise InputTypeError(
            f"{name} could not be turned into an array ({exc}); expected a rectangular "
            f"array of numbers, e.g. a numpy array of shape (N, D)."
        ) from None
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} must contain real numbers, but it has dtype {arr.dtype} "
            f"(got {type(x).__name__}); convert it with np.asarray(..., dtype=float)."
        )
    return arr.astype(dtype or (arr.dtype if arr.dtype.kind == "f" else np.float64), copy=False)


def check_positive(value, name, kind=float):
    """Return ``value`` if it is a positive number of the given kind, else raise ``ConfigError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{name} must be a positive number, got {value!r} ({type(value).__name__}).")
    if kind is int and int(value) != value:
        raise ConfigError(f"{name} must be a whole number, got {value!r}.")
    if not np.isfinite(value) or value <= 0:
        hint = {"learning rate": " Typical values are 0.001 to 1.",
                "batch_size": " Typical values are 16 to 256."}.get(name, "")
        raise ConfigError(f"{name} must be positive, got {value!r}.{hint}")
    return kind(value)
