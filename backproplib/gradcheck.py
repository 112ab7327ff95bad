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
from .errors import as_float_array


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f() with respect to the array x.

    f: a function of no arguments that reads x (x is perturbed in place, one entry at a time,
       and every entry is restored to its exact original value afterwards).
    x: array of any shape, float.   Returns: array of x's shape, ≈ ∂f/∂x.
    """
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        f_plus = f()
        x[i] = original - h
        f_minus = f()
        x[i] = original  # restore: the next entry must see the unperturbed x
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """Relative error of two gradient tensors: ‖a − b‖ / (‖a‖ + ‖b‖)   (Lesson 04, eq. 4.5).

    Scale-free: 1e−7 means "agree to about 7 digits", whatever the size of the gradients; 0 when
    both are zero. Measured over the whole tensor, so an entry that is nearly zero (where round-off
    dominates any finite difference) cannot make a correct gradient look wrong.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} vs {b.shape}.")
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
        return all(r.passed for r in self.rows)

    @property
    def max_relative_error(self):
        return max((r.relative_error for r in self.rows), default=0.0)

    def __getitem__(self, name):
        return next(r for r in self.rows if r.name == name)

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
            verdict = "ok" if r.passed else "WRONG?"
            where = f"[{', '.join(map(str, r.worst_index))}]"
            lines.append(f"{r.name:<12}{shape:<9}{r.relative_error:>11.2e}  {verdict:<8}"
                         f"{where:<8}{r.analytic_value:>+12.6g} vs {r.numeric_value:>+12.6g}")
        lines.append("-" * width)
        summary = ("all gradients match" if self.passed else
                   "some gradients do not match: look at the backward pass of the layers marked WRONG?")
        lines.append(f"tolerance {self.tolerance:.0e}: {summary}")
        if not self.passed:
            lines.append(self.diagnosis())
        lines.extend(f"note: {w}" for w in self.warnings)
        return "\n".join(lines)

    __repr__ = __str__


def check_network_gradients(network, loss, X, Y, h=1e-5, tolerance=1e-7, check_input=False):
    """Compare a network's backprop gradients with numerical ones on one batch.

    network: a Network; loss: a Loss object; X: (N, D) batch; Y: its targets.
    Returns a GradCheckReport (one row per parameter tensor, plus "input" if check_input).
    Warns (and notes in the report) when the data or parameters are float32 — too imprecise for
    a numerical gradient — or when a ReLU input lies within h of the kink at 0, where the
    slope jumps and central differences can disagree with backprop through no fault of it.
    """
    X = as_float_array(X, "X")
    notes = []
    arrays = [X] + [p for _, p in network.parameters()]
    if any(a.dtype != np.float64 for a in arrays):
        notes.append("some arrays are not float64: numerical gradients need float64 "
                     "(use X.astype(np.float64)); expect errors around 1e-3 in float32.")

    def total_loss():
        return loss.forward(network.forward(X), Y)

    total_loss()
    for layer in network.layers:
        if isinstance(layer, (ReLU, LeakyReLU)) and np.any(np.abs(layer.Z) < 2 * h):
            notes.append(f"{layer.name}: some inputs are within {2 * h:g} of the ReLU kink at 0, "
                         f"where the slope jumps; a mismatch there is not a bug.")
    network.zero_grad()
    dX = network.backward(loss.backward())
    analytic = [(name, g.copy()) for name, g in network.gradients()]
    if check_input:
        analytic.append(("input", dX))
    targets = dict(network.parameters(), input=X)
    rows = []
    for name, grad in analytic:
        numeric = numerical_gradient(total_loss, targets[name], h)
        err = relative_error(grad, numeric)
        i = worst_entry(grad, numeric)
        rows.append(GradCheckRow(name, grad.shape, err, err <= tolerance, tuple(map(int, i)),
                                 float(grad[i]), float(numeric[i])))
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return GradCheckReport(rows, tolerance, notes)
