"""Name the mistake from how a wrong result relates to the right one, for any task.

``judge`` first tries the task's own known mistakes; when none matches, these general
diagnoses look at the learner's result ``arr`` beside the expected ``exp`` and at the test's
inputs, and say what the relation suggests, in the task's own terms (the output's name, the
arguments' names, the task's named sizes N, K...):

* shapes: transposed; one row or entry too many or too few (an off-by-one in a slice or a
  count); reduced over the wrong axis; kept a size-1 axis; broadcasting or a matrix product
  that silently made a larger array;
* values: transposed; negated; scaled by a factor the task's quantities explain (N, 2, N·K,
  the learning rate, h...), also for the change made to an input (an update θ − η∇L);
  normalised over the wrong axis; right in some rows, columns or entries (where an input is
  positive, say) and wrong in others; an input returned unchanged; the right values or rows
  in another order; an integer one too large or small; float32 instead of float64.

``explain_error`` turns a raised exception into advice (a matrix product that does not fit,
``max(0, z)`` on an array...). Each function returns one sentence, or "" when nothing fits.
"""

import copy

import numpy as np

from .errors_explained import explain_error  # noqa: F401  (part of this module's interface)
from .quantities import describe_size, factor_name, size_names


def _close(task, a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=task.rtol, atol=task.atol))


def _arrays(task, case):
    """[(name, array)] of the test's array arguments."""
    names = list(task.args) + [f"argument {i + 1}" for i in range(len(task.args), len(case.args))]
    return [(n, a) for n, a in zip(names, case.args) if isinstance(a, np.ndarray) and a.ndim]


# -- different shapes -----------------------------------------------------------------------------

def diagnose_shape(task, case, arr, exp, what):
    """A sentence about a result of the wrong shape (``arr.shape != exp.shape``)."""
    for check in (_single_number, _matrix_product, _kept_axis, _too_large, _off_by_one, _wrong_axis):
        cause = check(task, case, arr, exp, what)
        if cause:
            return cause
    return ""


def _kept_axis(task, case, arr, exp, what):
    if arr.size != exp.size or exp.ndim == 0 or arr.squeeze().shape != exp.squeeze().shape:
        return ""
    same = "the values are right, but " if _close(task, arr.reshape(exp.shape), exp) else ""
    return (f"{same}your {what} has shape {arr.shape} where {exp.shape} is expected: an extra "
            f"axis of size 1 (keepdims=True, or a reshape/[:, None] too many)")


def _single_number(task, case, arr, exp, what):
    if arr.ndim != 0 or exp.ndim == 0:
        return ""
    return (f"your {what} is a single number where shape {exp.shape} is expected: a sum or "
            f"mean over all entries, where one over a single axis (e.g. axis=0) is meant")


def _matrix_product(task, case, arr, exp, what):
    if exp.ndim == 2 and arr.ndim == 2 and arr.shape[0] == arr.shape[1] == exp.shape[0] \
            and any(a.shape == exp.shape for _, a in _arrays(task, case)):
        return (f"your {what} is a {arr.shape[0]} × {arr.shape[0]} matrix where {exp.shape} is "
                f"expected: a matrix product (@ or np.dot) where the element-wise product (*) "
                f"is meant")
    return ""


def _too_large(task, case, arr, exp, what):
    if arr.size <= exp.size or arr.ndim <= exp.ndim or exp.ndim == 0:
        return ""
    extra = arr.ndim - exp.ndim
    if exp.ndim == 1 and arr.shape == (exp.shape[0], exp.shape[0]):
        n = exp.shape[0]
        return (f"your {what} has shape {arr.shape} where ({n},) is expected: broadcasting "
                f"combined an ({n},) array with an ({n}, 1) one and silently made an {n} × {n} "
                f"array (check keepdims and [:, None])")
    if arr.shape[extra:] == exp.shape:
        size = describe_size(size_names(task, case), arr.shape[0])
        return (f"your {what} has shape {arr.shape} where {exp.shape} is expected: one row per "
                f"example ({size}) — the sum over the examples (axis=0) is missing")
    if arr.shape[:exp.ndim] == exp.shape:
        return (f"your {what} has shape {arr.shape} where {exp.shape} is expected: each entry "
                f"is an array of shape {arr.shape[exp.ndim:]} instead of one number (a sum, "
                f"norm or mean over the last axis is missing, or an axis= too many)")
    return (f"your {what} has shape {arr.shape}, larger than the expected {exp.shape}: "
            f"broadcasting combined arrays of different shapes (e.g. an ({exp.shape[0]},) "
            f"array with an ({exp.shape[0]}, 1) one) and silently made a larger array")


def _off_by_one(task, case, arr, exp, what):
    if arr.ndim != exp.ndim or exp.ndim == 0:
        return ""
    diff = [k for k in range(exp.ndim) if arr.shape[k] != exp.shape[k]]
    if len(diff) != 1 or abs(arr.shape[diff[0]] - exp.shape[diff[0]]) != 1:
        return ""
    k = diff[0]
    unit = "entry" if exp.ndim == 1 else ("row" if k == 0 else "column")
    more = "too many" if arr.shape[k] > exp.shape[k] else "too few"
    return (f"your {what} has one {unit} {more} (expected {exp.shape}, got {arr.shape}): "
            f"an off-by-one in a slice or a count (range(1, N), [:-1], n + 1...)")


def _wrong_axis(task, case, arr, exp, what):
    if arr.ndim != exp.ndim or exp.ndim == 0:
        return ""
    diff = [k for k in range(exp.ndim) if arr.shape[k] != exp.shape[k]]
    if len(diff) != 1:
        return ""
    k, names = diff[0], size_names(task, case)
    got, want = arr.shape[k], exp.shape[k]
    unit = "entries" if exp.ndim == 1 else ("rows" if k == 0 else "columns")
    return (f"your {what} has {got} {unit} ({describe_size(names, got)}) where {want} are "
            f"expected ({describe_size(names, want)}): a sum, mean or product over the wrong "
            f"axis, or the wrong array")


# -- same shape, other values ---------------------------------------------------------------------

def diagnose_values(task, case, arr, exp, what, raw=None):
    """A sentence about a result of the right shape but wrong values."""
    if np.asarray(raw).dtype == bool or isinstance(raw, bool):
        return ""  # True/False answers: only their order can be diagnosed (``judge.compare``)
    checks = (_float32, _unchanged_input, _all_zero, _transposed, _negated, _scaled, _integer_off_by_one,
              _normalised_axis, _reordered, _rows_of_input, _where_input, _update, _some_rows)
    for check in checks:
        cause = check(task, case, arr, exp, what, raw)
        if cause:
            return cause
    return ""


def _float32(task, case, arr, exp, what, raw):
    dtype = getattr(raw, "dtype", None)
    if dtype is None or dtype.name not in ("float32", "float16"):
        return ""
    if np.allclose(arr, exp, rtol=1e-3, atol=1e-5):
        return (f"your {what} is {dtype.name} (single precision, about 7 digits): work in "
                f"float64, numpy's default (no dtype=np.float32 or .astype(np.float32))")
    return ""


def _all_zero(task, case, arr, exp, what, raw):
    if arr.size and not np.any(arr) and np.any(np.abs(exp) > task.atol):
        return (f"your {what} is all zeros: it was never computed (a loop that skips it, or a "
                f"result that never saw the inputs)")
    return ""


def _unchanged_input(task, case, arr, exp, what, raw):
    for name, a in _arrays(task, case):
        if a.shape == arr.shape and np.array_equal(a, arr) and not _close(task, a, exp):
            return (f"your {what} is the input `{name}` unchanged: it was never updated or "
                    f"computed (a loop that skips it, or a copy that was not written back)")
    return ""


def _transposed(task, case, arr, exp, what, raw):
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and _close(task, arr.T, exp):
        return f"your {what} is the transpose of the right one: a missing or extra .T"
    return ""


def _negated(task, case, arr, exp, what, raw):
    if _close(task, -arr, exp):
        return f"the sign of your {what} is flipped: a minus sign missing or extra"
    return ""


def _factor(task, arr, exp):
    denom = float(np.sum(exp * exp))
    if denom == 0.0 or not np.all(np.isfinite(arr)):
        return None
    c = float(np.sum(arr * exp)) / denom
    if not np.isfinite(c) or abs(c - 1) < 1e-6 or abs(c) < 1e-300 or not _close(task, arr, c * exp):
        return None
    return c


def _scaled(task, case, arr, exp, what, raw, subject=None):
    if arr.ndim == 0 and float(arr).is_integer() and float(exp).is_integer():
        return ""  # counts and epochs: a ratio of two integers explains nothing
    c = _factor(task, arr, exp)
    if c is None:
        return ""
    subject = subject or f"your {what}"
    sign = "has the wrong sign and " if c < 0 else ""
    named = factor_name(task, case, abs(c))
    if named:
        return f"{subject} {sign}{named}"
    if arr.size < 4:  # a few numbers are often proportional by chance: name only explained ones
        return ""
    return f"{subject} {sign}is the expected one times {c:.4g}: a wrong constant factor"


def _integer_off_by_one(task, case, arr, exp, what, raw):
    if arr.ndim != 0 or not float(exp).is_integer() or not float(arr).is_integer():
        return ""
    d = float(arr) - float(exp)
    if abs(d) == 1:
        return (f"your {what} is one too {'large' if d > 0 else 'small'} ({float(arr):g} "
                f"instead of {float(exp):g}): an off-by-one (counting from 0 or 1, < or <=)")
    return ""


def _normalised_axis(task, case, arr, exp, what, raw):
    if exp.ndim != 2:
        return ""
    for k in (0, 1):
        want = exp.sum(axis=k)
        if np.allclose(want, want.flat[0]) and not np.allclose(arr.sum(axis=k), want):
            other = arr.sum(axis=1 - k)
            if np.allclose(other, want.flat[0]):
                line = "rows" if k == 1 else "columns"
                theirs = "columns" if k == 1 else "rows"
                return (f"each of the {line} of the expected {what} sums to {want.flat[0]:.4g}, "
                        f"but in yours the {theirs} do: you normalised over the wrong axis "
                        f"(axis={1 - k} instead of axis={k}, with keepdims=True)")
    return ""


def _update(task, case, arr, exp, what, raw):
    """The change made to an input of the result's shape (θ_new − θ) is off by a factor."""
    for name, a in _arrays(task, case):
        if a.shape != exp.shape or _close(task, a, exp):
            continue
        step = f"the update of `{name}` (your {what} − {name})"
        if _close(task, arr - a, -(exp - a)):
            return f"{step} has the wrong sign: the step must go the other way"
        cause = _scaled(task, case, arr - a, exp - a, what, None, subject=step)
        if cause:
            return cause
    return ""


def _reordered(task, case, arr, exp, what, raw):
    if arr.ndim == 0 or arr.size < 2 or not _close(task, np.sort(arr, axis=None),
                                                     np.sort(exp, axis=None)):
        return ""
    if _close(task, arr[::-1], exp):
        rows = " (the rows)" if arr.ndim > 1 else ""
        return f"your {what} has the right values in reverse order{rows}"
    if arr.ndim > 1 and _close(task, arr[:, ::-1], exp):
        return f"your {what} has the right values with its columns in reverse order"
    return f"your {what} has the right values, but in another order"


def _rows_of_input(task, case, arr, exp, what, raw):
    for name, a in _arrays(task, case):
        if a.ndim != arr.ndim or a.shape[1:] != arr.shape[1:] or arr.shape[0] == 0:
            continue
        rows = a.reshape(len(a), -1)
        if all(np.any(np.all(rows == r, axis=1)) for r in arr.reshape(len(arr), -1)):
            return (f"your {what} is made of rows of `{name}`, but not the expected ones or "
                    f"not in the expected order: take them in the order the task prescribes "
                    f"(the same permutation for every array)")
    return ""


_RELATIONS = (("> 0", lambda a: a > 0, "≤ 0"), ("< 0", lambda a: a < 0, "≥ 0"),
              ("≥ 0", lambda a: a >= 0, "< 0"), ("≤ 0", lambda a: a <= 0, "> 0"))


def _where_input(task, case, arr, exp, what, raw):
    ok = np.isclose(arr, exp, rtol=task.rtol, atol=task.atol)
    if ok.all() or not ok.any():
        return ""
    for name, a in _arrays(task, case):
        if a.shape != arr.shape:
            continue
        for right, test, wrong in _RELATIONS:
            if np.array_equal(ok, test(a)):
                return (f"your {what} is right where `{name}` {right} and wrong where `{name}` "
                        f"{wrong}: check what your formula does there")
    return ""


def _some_rows(task, case, arr, exp, what, raw):
    if arr.ndim == 0:
        return ""
    ok = np.isclose(arr, exp, rtol=task.rtol, atol=task.atol)
    if arr.ndim == 1:
        good = np.flatnonzero(ok)
        if 0 < len(good) < len(ok):
            return (f"your {what} is right in entries {_list(good)} and wrong in entries "
                    f"{_list(np.flatnonzero(~ok))}")
        return ""
    for axis, unit in ((1, "rows"), (0, "columns")):
        whole = ok.all(axis=axis)
        if 0 < whole.sum() < len(whole):
            return (f"your {what} is right in {unit} {_list(np.flatnonzero(whole))} and wrong "
                    f"in {unit} {_list(np.flatnonzero(~whole))} (counting from 0)")
    return ""


def _list(indices, limit=6):
    items = [str(int(i)) for i in indices[:limit]]
    return ", ".join(items) + (", …" if len(indices) > limit else "")



# -- across the tests -----------------------------------------------------------------------------

def fixed_argument(task, cases, failures):
    """'right when `lr` = 0.1, wrong when `lr` = 0.5: it behaves as if `lr` were always 0.1'
    when the answer gives, on a failing test, the right result for the number argument's
    value in the passing tests (checked with the reference); else ''.

    failures: [(case, outcome, verdict)] of the failing tests."""
    failed_labels = {c.label for c, _, _ in failures}
    passed = [c for c in cases if c.label not in failed_labels]
    for i, name in enumerate(task.args):
        values = [c.args[i] if i < len(c.args) else None for c in passed]
        if values and all(isinstance(v, float) for v in values) and len(set(values)) == 1 \
                and _as_if_fixed(task, failures[0], i, values[0]):
            return (f"your function is right when `{name}` = {values[0]:g} but wrong when "
                    f"`{name}` = {failures[0][0].args[i]:g}: it behaves as if `{name}` were "
                    f"always {values[0]:g} — use the argument, not a fixed number")
    return ""


def zero_argument(task, cases, failures):
    """'right when `v` is all zeros but wrong when `v` ≠ 0' when at least two tests pass, all
    with that array argument zero (and another one not), and it is nonzero in every failing
    test; else ''."""
    failed_labels = {c.label for c, _, _ in failures}
    passed = [c for c in cases if c.label not in failed_labels]
    failed = [c for c in cases if c.label in failed_labels]
    if len(passed) < 2:
        return ""
    for i, name in enumerate(task.args):
        if all(i < len(c.args) and _zero(c.args[i]) and _others_nonzero(c, i) for c in passed) \
                and all(isinstance(c.args[i], np.ndarray) and np.any(c.args[i]) for c in failed):
            return (f"your function is right when `{name}` is all zeros but wrong when "
                    f"`{name}` ≠ 0: check how your formula uses `{name}`")
    return ""


def _as_if_fixed(task, failure, i, value):
    case, outcome, _ = failure
    if not isinstance(case.args[i], float) or outcome.error is not None:
        return False
    args = list(copy.deepcopy(case.args))
    args[i] = value
    try:
        with np.errstate(all="ignore"):
            expected = task.reference(*args)
    except Exception:
        return False
    got, want = outcome.value, expected
    got = got if isinstance(got, (tuple, list)) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    try:
        return len(got) == len(want) and all(_close(task, g, w) for g, w in zip(got, want))
    except (TypeError, ValueError):
        return False


def _zero(v):
    return isinstance(v, np.ndarray) and v.size > 0 and not np.any(v)


def _others_nonzero(case, i):
    return any(isinstance(a, np.ndarray) and np.any(a) for j, a in enumerate(case.args) if j != i)
