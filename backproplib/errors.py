"""Errors the library raises, and the few input checks that raise them.

Every error says three things: what was wrong, what was expected, and what to try. Each is a
``BackpropError`` and also the built-in exception a Python programmer would expect
(``ValueError``, ``TypeError``, ``RuntimeError``), so ``except ValueError`` still works.

NaN and infinity follow one rule. Arithmetic (a forward pass, an activation, a loss of
predictions) lets them through, as numpy does: NaN in, NaN out, never hidden. Every place where
data enters (training data, targets, labels) and every result that would hide a NaN (an
accuracy, a pass/fail verdict, a column mean) refuses them with a ``DataError``.
"""

import math

import numpy as np

#: Python and numpy real numbers (bool is a subclass of int; it is refused separately)
NUMBER_TYPES = (int, float, np.integer, np.floating)


class BackpropError(Exception):
    """Base class of every error raised on purpose by backproplib."""


class ShapeError(BackpropError, ValueError):
    """An array has the wrong shape for the layer, loss or function it was given to."""


class LabelError(BackpropError, ValueError):
    """Targets (labels) of the wrong kind or range for a loss."""


class DataError(BackpropError, ValueError):
    """Data that cannot be used: NaN or infinite values, no rows, values out of range."""


class NonFiniteError(DataError):
    """Data that contains NaN or infinite values where finite numbers are needed."""


class ConfigError(BackpropError, ValueError):
    """A setting (learning rate, batch size, layer size, seed...) that cannot work."""


class InputTypeError(BackpropError, TypeError):
    """Input that is not numbers and cannot be turned into a numeric array."""


class MathDomainError(BackpropError, ArithmeticError, ValueError):
    """An operation outside its domain: division by 0, log of a number ≤ 0, exp overflow."""


class UsageError(BackpropError, RuntimeError):
    """A step called out of order, e.g. ``backward()`` before ``forward()``."""


class TrainingDivergedError(BackpropError, RuntimeError):
    """The loss became NaN or infinite, or grew by orders of magnitude, during training.

    ``loss``: the value that stopped training; ``history``: the ``History`` up to the failure;
    ``weights_finite``: whether every parameter is still a finite number (if not, the network
    must be built again before training again).
    """

    def __init__(self, message, loss=None, history=None, weights_finite=True):
        super().__init__(message)
        self.loss, self.history, self.weights_finite = loss, history, weights_finite


def as_numeric_array(x, name):
    """Return ``x`` as a numpy array of real numbers (bool, int or float kept as they are).

    Lists, tuples and pandas objects are converted. Strings, ``None``, objects and complex
    numbers are refused with an ``InputTypeError``.   x: array-like of any shape.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise InputTypeError(f"{name} could not be turned into an array ({exc}); expected a "
                             f"rectangular array of numbers, e.g. a numpy array of shape (N, D).") from None
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} must contain real numbers, but it has dtype {arr.dtype} "
                             f"(got {type(x).__name__}); convert it with np.asarray(..., dtype=float).")
    return arr


def as_float_array(x, name, dtype=None):
    """Return ``x`` as a floating-point numpy array, or raise a clear error.

    Like ``as_numeric_array``, and integer and boolean arrays are converted to float64 (or to
    ``dtype``).   x: array-like of any shape.   Returns: ndarray of the same shape, floating dtype.
    """
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and dtype in (None, x.dtype):
        return x
    arr = as_numeric_array(x, name)
    return arr.astype(dtype or (arr.dtype if arr.dtype.kind == "f" else np.float64), copy=False)


def check_batch(X, name, columns=None, dtype=None):
    """``X`` as a float array of shape (N, columns), else a clear error naming ``name``.

    columns: the required number of columns (None: any).  Returns: ndarray (N, D), float.
    """
    X = as_float_array(X, name, dtype)
    D = "D" if columns is None else columns
    if X.ndim == 0:
        raise ShapeError(f"{name} expects a batch of shape (N, {D}), one row per example, but got a "
                         f"single number {X}.")
    if X.ndim == 1 and columns in (None, X.shape[0]):
        raise ShapeError(f"{name} expects a batch of shape (N, {D}) but got a single vector of shape "
                         f"{X.shape}; for one example use X.reshape(1, -1).")
    if X.ndim != 2 or columns not in (None, X.shape[1]):
        raise ShapeError(f"{name} expects input of shape (N, {D}) (N examples with {D} features each) "
                         f"but got shape {X.shape}. Check the previous layer's size or the data's columns.")
    return X


def check_rows(A, name):
    """``A`` as a numeric array with one row per example (at least one dimension)."""
    A = as_numeric_array(A, name)
    if A.ndim == 0:
        raise ShapeError(f"{name} must have one row per example, got a single number {A}; pass an "
                         f"array of shape (N, ...).")
    return A


def check_finite(X, name):
    """Refuse an array with NaN or infinite values or with no rows (``DataError``); return it."""
    if X.ndim >= 1 and X.shape[0] == 0:
        raise DataError(f"{name} has no rows (shape {X.shape}); at least one example is needed.")
    finite = np.isfinite(X)
    if not finite.all():
        rows = np.unique(np.nonzero(~finite)[0]) if X.ndim else np.array([0])
        raise NonFiniteError(f"{name} contains NaN or infinite values (rows {rows[:5].tolist()}"
                        f"{'...' if rows.size > 5 else ''}); remove or fill them first, e.g. "
                        f"X[np.isfinite(X).all(axis=1)].")
    return X


def check_number(value, name, low=None, high=None, low_open=False, high_open=False, hint=""):
    """Return ``value`` as a float if it is a finite real number in the range, else ``ConfigError``.

    Python and numpy numbers are accepted (not bools). low/high: the bounds, None for none;
    low_open/high_open: whether the bound itself is excluded.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, NUMBER_TYPES) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {value!r} ({type(value).__name__}).{hint}")
    rules = []
    if low is not None:
        rules.append(f"{'>' if low_open else '≥'} {low:g}")
    if high is not None:
        rules.append(f"{'<' if high_open else '≤'} {high:g}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ConfigError(f"{name} must be {' and '.join(rules)}, got {value!r}.{hint}")
    return float(value)


def check_positive(value, name, kind=float, hint=""):
    """Return ``value`` if it is a number > 0: a float, or with ``kind=int`` a whole number ≥ 1."""
    if kind is int:
        return check_count(value, name, 1, hint)
    return check_number(value, name, low=0.0, low_open=True, hint=hint)


def check_count(value, name, minimum=1, hint=""):
    """Return ``value`` as an int if it is a whole number ≥ minimum (int, numpy int or 3.0)."""
    number = check_number(value, name, low=minimum, hint=hint)
    if number != int(number):
        raise ConfigError(f"{name} must be a whole number, got {value!r}.{hint}")
    return int(number)


def check_choice(value, choices, name):
    """Return ``value`` if it is one of ``choices`` (strings), else ``ConfigError``."""
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"unknown {name} {value!r}; choose one of {sorted(choices)}.")
    return value


def check_flag(value, name):
    """Return ``value`` if it is True or False (Python or numpy bool), else ``ConfigError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{name} must be True or False, got {value!r} ({type(value).__name__}); "
                          f"other values are refused rather than guessed at.")
    return bool(value)


def check_seed(seed, name="seed"):
    """A numpy Generator from a seed: a whole number ≥ 0 or an existing ``numpy.random.Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"{name} must be a whole number ≥ 0 (e.g. seed=0) or a numpy Generator, "
                          f"got {seed!r} ({type(seed).__name__}).")
    return np.random.default_rng(seed)
