"""Gradient checking: compare backprop's gradients with slopes measured by central differences.

The numerical derivative of f at x along entry i, by central differences (Lesson 04, eq. 4.2):

    ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / (2h)

has an error of order h², so with h = 1e−5 in float64 a correct analytic gradient agrees to about
1e−9 relative error or better. A wrong backward pass typically disagrees by 1e−2 or more.
"""

import warnings
from dataclasses import dataclass

import numpy as np

from .activations import LeakyReLU, ReLU
from .errors import (
    ConfigError,
    InputTypeError,
    ShapeError,
    as_float_array,
    check_choice,
    check_finite,
    check_flag,
    check_number,
    check_rows,
)
from .training import check_model


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f() with respect to the array x.

    f: a function of no arguments that reads x and returns a number (x is perturbed in place,
       one entry at a time, and every entry is restored to its exact original value afterwards).
    x: float numpy array of any shape.   h: the step, a positive number.
    Returns: array of x's shape, ≈ ∂f/∂x.
    """
    if not callable(f):
        raise ConfigError(f"numerical_gradient needs a function f() of no arguments, got {f!r}.")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise InputTypeError(f"numerical_gradient needs x as a float numpy array, which it nudges in "
                             f"place; got {type(x).__name__} of dtype {np.asarray(x).dtype}. An "
                             f"integer array cannot hold x + h: pass x.astype(float) and read that.")
    h = check_number(h, "h (the finite-difference step)", low=0.0, low_open=True, hint=" 1e-5 is usual.")
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        original = x[i]
        if original + h == original or original - h == original:
            raise ConfigError(f"h = {h:g} is too small for x{list(i)} = {original:g}: x + h rounds "
                              f"back to x in {x.dtype}. Use a larger h, e.g. 1e-5 in float64.")
        x[i] = original + h
        f_plus = _number(f())
        x[i] = original - h
        f_minus = _number(f())
        x[i] = original  # restore: the next entry must see the unperturbed x
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _number(value):
    """The value of f() as a float; f must return one number (a loss), not an array."""
    if np.ndim(value) != 0:
        raise ShapeError(f"numerical_gradient: f() must return a single number (the loss), got an "
                         f"array of shape {np.shape(value)}.")
    return float(as_float_array(value, "f()"))


def relative_error(a, b):
    """Relative error of two gradient tensors: ‖a − b‖ / (‖a‖ + ‖b‖)   (Lesson 04, eq. 4.5).

    Scale-free: 1e−7 means "agree to about 7 digits", whatever the size of the gradients; 0 when
    both are zero; NaN when either holds a NaN or infinite value (no agreement can be vouched
    for). Measured over the whole tensor, so an entry that is nearly zero (where round-off
    dominates any finite difference) cannot make a correct gradient look wrong.
    """
    a, b = as_float_array(a, "relative_error: a"), as_float_array(b, "relative_error: b")
    if a.shape != b.shape:
        raise ShapeError(f"relative_error: shapes differ, {a.shape} vs {b.shape}; compare a "
                         f"gradient with the numerical gradient of the same array.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("nan")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def worst_entry(a, b):
    """Index of the entry where a and b differ most, in absolute terms (where to look for a bug)."""
    diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    return np.unravel_index(np.argmax(diff), diff.shape) if diff.size else ()


@dataclass
class GradCheckRow:
    name: str
    shape: tuple
    relative_error: float
    passed: bool
    worst_index: tuple = ()
    analytic_value: float = 0.0
    numeric_value: float = 0.0


class GradCheckReport:
    """Per parameter tensor: its name, shape, relative error, pass/fail and its worst entry.

    ``report.passed`` is True when every tensor passed; printing the report shows a table.
    """

    def __init__(self, rows, tolerance, warnings_=()):
        self.rows, self.tolerance, self.warnings = list(rows), tolerance, list(warnings_)

    @property
    def passed(self):
        return bool(self.rows) and all(r.passed for r in self.rows)

    @property
    def max_relative_error(self):
        errors = [r.relative_error for r in self.rows]
        return float("nan") if any(np.isnan(errors)) else max(errors, default=0.0)

    def __getitem__(self, name):
        rows = {r.name: r for r in self.rows}
        return rows[check_choice(name, rows, "parameter name")]

    def backward_order(self):
        """The rows in the order the backward pass computes them: last layer first, "input" last.

        Rows arrive in forward order ("dense1.W", "dense1.b", "dense2.W", ...); within a layer the
        order is kept.
        """
        layers = list(dict.fromkeys(r.name.split(".")[0] for r in self.rows if r.name != "input"))
        ordered = [r for layer in reversed(layers) for r in self.rows
                   if r.name.split(".")[0] == layer and r.name != "input"]
        return ordered + [r for r in self.rows if r.name == "input"]

    @property
    def first_wrong(self):
        """The first failing row in backward order (where the error entered), or None.

        The gradient flows from the loss backwards; a bug in one layer's backward pass spoils
        that layer's gradients and every gradient computed after it. The first wrong tensor in
        backward order is therefore next to the bug: in its own layer, or in a parameter-free
        layer (an activation) between it and the last tensor that passed.
        """
        return next((r for r in self.backward_order() if not r.passed), None)

    def diagnosis(self):
        """One sentence: where to look for the bug (empty when everything passed)."""
        first = self.first_wrong
        if first is None:
            return ""
        if first.name == "input":
            return ("only the gradient with respect to the input is wrong: every parameter "
                    "gradient passed, so look at how the first layer computes dX (eq. 3.10).")
        order = self.backward_order()
        passed_before = [r.name for r in order[:order.index(first)] if r.passed]
        where = first.name.split(".")[0]
        if not passed_before:
            return (f"first wrong gradient in backward order: {first.name}. Nothing before it "
                    f"passed: look at the loss's backward pass and at the backward pass of "
                    f"{where} and every layer after it.")
        after = passed_before[-1].split(".")[0]
        if after == where:
            return (f"first wrong gradient in backward order: {first.name}. The other gradients "
                    f"of {where} are right, so look at the line of {where}'s backward pass that "
                    f"computes this tensor alone.")
        return (f"first wrong gradient in backward order: {first.name}. The gradients of "
                f"{after} (computed just before) are right, so the bug is in the backward pass of "
                f"{where} or of a layer between {where} and {after} (such as an activation).")

    def __str__(self):
        width = 78
        lines = [f"{'parameter':<12}{'shape':<9}{'rel. error':>11}  {'result':<8}"
                 f"worst entry: backprop vs numerical", "-" * width]
        for r in self.rows:
            shape = "x".join(map(str, r.shape))
            verdict = "ok" if r.passed else "NOT FINITE" if np.isnan(r.relative_error) else "WRONG?"
            where = f"[{', '.join(map(str, r.worst_index))}]"
            lines.append(f"{r.name:<12}{shape:<9}{r.relative_error:>11.2e}  {verdict:<8}"
                         f"{where:<8}{r.analytic_value:>+12.6g} vs {r.numeric_value:>+12.6g}")
        lines.append("-" * width)
        marked = "WRONG? or NOT FINITE" if np.isnan(self.max_relative_error) else "WRONG?"
        summary = ("all gradients match" if self.passed else
                   f"some gradients do not match: look at the backward pass of the layers marked {marked}")
        lines.append(f"tolerance {self.tolerance:.0e}: {summary}")
        if not self.passed:
            lines.append(self.diagnosis())
        lines.extend(f"note: {w}" for w in self.warnings)
        return "\n".join(lines)

    __repr__ = __str__


def check_network_gradients(network, loss, X, Y, h=1e-5, tolerance=1e-7, check_input=False):
    """Compare a network's backprop gradients with numerical ones on one batch.

    network: a Network; loss: a Loss object; X: (N, D) batch of finite numbers; Y: its targets.
    h: the finite-difference step; tolerance: the largest relative error that passes.
    Returns a GradCheckReport (one row per parameter tensor, plus "input" if check_input). A
    row passes only if both gradients are finite and agree; NaN or inf on either side fails.
    Warns (and notes in the report) when the data or parameters are float32 — too imprecise for
    a numerical gradient — or when a ReLU input lies within h of the kink at 0, where the
    slope jumps and central differences can disagree with backprop through no fault of it.
    """
    check_model(network, loss)
    X = check_finite(as_float_array(check_rows(X, "X"), "X"), "X").copy()  # nudged in place: a copy
    h = check_number(h, "h (the finite-difference step)", low=0.0, low_open=True, hint=" 1e-5 is usual.")
    tolerance = check_number(tolerance, "tolerance (the largest relative error that passes)", low=0.0,
                             low_open=True, hint=" 1e-7 is usual in float64.")
    check_input = check_flag(check_input, "check_input")
    if not network.parameters() and not check_input:
        raise ConfigError("check_network_gradients: the network has no parameters to check; pass "
                          "check_input=True to check the gradient with respect to X.")

    def total_loss():
        return loss.forward(network.forward(X), Y)

    notes = _precision_notes(network, X)
    total_loss()
    notes += _kink_notes(network, h)
    network.zero_grad()
    dX = network.backward(loss.backward())
    analytic = [(name, g.copy()) for name, g in network.gradients()]
    if check_input:
        analytic.append(("input", dX))
    targets = dict(network.parameters(), input=X)
    rows = [_compare(name, grad, numerical_gradient(total_loss, targets[name], h), tolerance)
            for name, grad in analytic]
    notes += [f"{r.name}: a gradient holds NaN or infinite values" for r in rows
              if np.isnan(r.relative_error)]
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return GradCheckReport(rows, tolerance, notes)


def _precision_notes(network, X):
    if any(a.dtype != np.float64 for a in [X] + [p for _, p in network.parameters()]):
        return ["some arrays are not float64: numerical gradients need float64 "
                "(use X.astype(np.float64)); expect errors around 1e-3 in float32."]
    return []


def _kink_notes(network, h):
    """Notes for ReLU layers whose last inputs lie within 2h of the kink at 0."""
    return [f"{layer.name}: some inputs are within {2 * h:g} of the ReLU kink at 0, where the "
            f"slope jumps; a mismatch there is not a bug."
            for layer in network.layers
            if isinstance(layer, (ReLU, LeakyReLU)) and np.any(np.abs(layer.Z) < 2 * h)]


def _compare(name, analytic, numeric, tolerance):
    """One report row: the relative error of the two gradients and where they differ most."""
    err = relative_error(analytic, numeric)
    i = tuple(map(int, worst_entry(analytic, numeric)))
    passed = bool(np.isfinite(err) and err <= tolerance)
    return GradCheckRow(name, analytic.shape, err, passed, i, float(analytic[i]), float(numeric[i]))
