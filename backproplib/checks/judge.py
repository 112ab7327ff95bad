"""Judge a learner's results against the reference and name the likely cause of a wrong one.

``judge(task, number, cases, outcomes)`` turns the Outcomes of ``runner`` into a TaskResult:
points, a status, a one-line ``reason`` for lost points and a few ``details`` lines (the test,
the learner's result beside the expected one). Diagnosis, in order: not implemented, an
exception, a known mistake of the task, then generic causes — wrong shape (transposed?),
nan/inf (overflow), sign flipped, off by a constant factor (sum vs mean: ×N).
Only values are ever shown, never the code of a solution.
"""

import copy
from dataclasses import dataclass

import numpy as np

from .feedback import describe_test, format_value, shape_text
from .runner import STRICT, clean_message

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code"
OVERFLOW = ("your function overflows for large inputs (exp of a large number gives inf): it is "
            "not numerically stable")


@dataclass
class TaskResult:
    """The points for one task and why some were lost.

    status: "correct", "partly correct", "wrong", "error", "not implemented", "not found",
            "uses the library" or "not graded".
    reason: one sentence, the likely cause of lost points ("" with full marks).
    details: lines for the learner: the failing test, their result, the expected one.
    """
    task_id: str
    number: int
    function: str
    title: str
    points: float
    max_points: float
    status: str
    reason: str = ""
    details: tuple = ()

    @property
    def full_marks(self):
        return self.points >= self.max_points

    def to_dict(self):
        return {"points": self.points, "max": self.max_points, "status": self.status,
                "reason": self.reason}


def result(task, number, status, points=0.0, reason="", details=()):
    return TaskResult(task.id, number, task.function, task.title, float(points),
                      float(task.points), status, reason, tuple(details))


def library_result(task, number, names, how="calls"):
    """No points: the answer uses backproplib's own implementation of what it should write."""
    used = ", ".join(f"`{n}`" for n in names)
    return result(task, number, "uses the library",
                  reason=f"`{task.function}` {how} backproplib's own {used}: the task asks you to "
                         f"write it yourself, so it earns no points")


def judge(task, number, cases, outcomes, earlier=None):
    """Points and feedback for one task.

    cases: the task's tests; outcomes: one runner.Outcome per test (same order).
    earlier: {task id: TaskResult} of tasks already judged, to mention a failing one this uses.
    """
    library = sorted({name for o in outcomes for name in o.library})
    if library:
        return library_result(task, number, library)
    if task.judge is not None:  # a question (questions.py) judges itself
        return task.judge(task, number, cases, outcomes, earlier)
    failures = []
    for case, outcome in zip(cases, outcomes):
        verdict = check_case(task, case, outcome)
        if verdict is not None and verdict[0] == "not implemented":
            return result(task, number, "not implemented", reason=NOT_IMPLEMENTED)
        if verdict is not None:
            failures.append((case, verdict))
    if not failures:
        return result(task, number, "correct", points=task.points)
    failed = {case.label for case, _ in failures}
    labels = {case.label for case in cases}
    points = sum(p for label, p in task.partial.items() if label in labels - failed)
    points = min(points, task.points)
    case, (kind, cause, lines) = failures[0]
    mistake = matching_mistake(task, cases, outcomes)
    if mistake is not None:
        cause = mistake.cause
    lines = [describe_test(task, case), *lines]
    for used in task.uses:
        before = (earlier or {}).get(used)
        if before is not None and not before.full_marks:
            lines.append(f"note: this task calls your `{before.function}`, whose check (task "
                         f"{before.number}) did not pass — fix that one first.")
    status = "partly correct" if points > 0 else kind
    return result(task, number, status, points, cause, lines)


def check_case(task, case, outcome):
    """None when the outcome is right, else (kind, likely cause, lines)."""
    if outcome.error is not None:
        ename, message = outcome.error
        if ename == "NotImplementedError":
            return "not implemented", NOT_IMPLEMENTED, []
        lines = [f"your function raised {ename}: {message}"]
        if ename == "FloatingPointError" and case.strict:
            cause = case.hint or OVERFLOW
        elif _is_shape_error(message):
            cause, lines = (f"the shapes do not fit together inside your function ({ename}: "
                            f"{message}): compare each step with the shapes given in the "
                            f"task"), []
        else:
            cause, lines = case.hint or f"your function raised {ename}: {message}", []
        return "error", cause, lines
    with np.errstate(all="ignore"):
        expected = task.reference(*copy.deepcopy(case.args))
    problem = compare(task, case, outcome.value, expected)
    if problem is None:
        if outcome.modified and not task.may_modify_inputs:
            names = ", ".join(f"`{n}`" for n in outcome.modified)
            return "wrong", (f"the result is right, but your function changed its input {names} "
                             f"in place: leave the inputs as they are and build a new array for the "
                             f"result (or work on a copy)"), []
        return None
    cause, lines = problem
    return "wrong", cause, lines


def compare(task, case, value, expected):
    """None when ``value`` matches ``expected``, else (generic likely cause, lines)."""
    if not task.outputs:
        return compare_one(task, case, value, expected, "")
    names = ", ".join(task.outputs)
    if not isinstance(value, (tuple, list)) or len(value) != len(task.outputs):
        return (f"return the {len(task.outputs)} values as a tuple: `return {names}`",
                [f"your function returned {_kind(value)}"])
    for name, v, e in zip(task.outputs, value, expected):
        problem = compare_one(task, case, v, e, name)
        if problem is not None:
            cause, lines = problem
            return f"{name}: {cause}", lines
    return None


def compare_one(task, case, value, expected, name):
    what = name or "result"
    if value is None:
        return "your function returned None: did you forget `return`?", []
    arr = as_numbers(value)
    if arr is None:
        return f"expected numbers, but your {what} is {_kind(value)}", []
    exp = np.asarray(expected, dtype=float)
    if exp.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())
    if arr.shape != exp.shape:
        lines = [f"your {what} has shape {arr.shape}; expected {shape_text(exp)}"]
        if exp.ndim == 2 and arr.shape == exp.shape[::-1]:
            how = "is the transpose of the right one" if close(task, arr.T, exp) else \
                "has the transposed shape"
            return (f"your {what} {how}: {arr.shape} instead of {exp.shape} — check the order "
                    f"of the matrix product (a missing or extra .T)"), lines
        if exp.ndim == 0:
            return (f"expected a single number, but your {what} is an array of shape "
                    f"{arr.shape}: did you forget to sum or average?"), lines
        return f"wrong shape: expected {exp.shape}, got {arr.shape}", lines
    if close(task, arr, exp):
        return None
    lines = _aligned(what, arr, exp)
    if np.all(np.isfinite(exp)) and not np.all(np.isfinite(arr)):
        return case.hint or ("your result contains nan or inf: " + OVERFLOW), lines
    if close(task, arr, -exp):
        return "the sign is flipped (a minus sign missing or extra)", lines
    cause = explain_factor(task, case, arr, exp)
    if cause:
        return cause, lines
    largest = float(np.max(np.abs(arr - exp)))
    return case.hint or f"the values are wrong (largest difference {largest:.3g})", lines


def matching_mistake(task, cases, outcomes):
    """The first of the task's Mistakes that behaves like the learner's function on every test
    (same values within tolerance, or the same exception), or None. A strict test on which the
    learner's function overflowed says nothing about a mistake that does not overflow there."""
    for mistake in task.mistakes:
        if all(_behaves_like(task, mistake, case, outcome) for case, outcome in zip(cases, outcomes)):
            return mistake
    return None


def _behaves_like(task, mistake, case, outcome):
    try:
        with np.errstate(**STRICT) if case.strict else np.errstate(all="ignore"):
            wrong, wrong_error = mistake.wrong(*copy.deepcopy(case.args)), None
    except Exception as exc:
        wrong, wrong_error = None, (type(exc).__name__, clean_message(exc))
    if case.strict and _unstable(outcome) and (wrong_error or ("",))[0] != "FloatingPointError":
        return True  # an overflow hides what else the function does: no evidence either way
    if outcome.error is not None or wrong_error is not None:
        return outcome.error == wrong_error
    return _same_result(task, outcome.value, wrong)


def _unstable(outcome):
    if outcome.error is not None:
        return outcome.error[0] == "FloatingPointError"
    arr = as_numbers(outcome.value) if not isinstance(outcome.value, (tuple, list)) else None
    return arr is not None and not np.all(np.isfinite(arr))


def explain_factor(task, case, arr, exp):
    """A sentence when ``arr`` is ``exp`` times a constant (other than 1), else ''."""
    denom = float(np.sum(exp * exp))
    if denom == 0.0:
        return ""
    c = float(np.sum(arr * exp)) / denom
    if not np.isfinite(c) or abs(c - 1) < 1e-6 or not close(task, arr, c * exp):
        return ""
    sign = "the sign is flipped and " if c < 0 else ""
    a = abs(c)
    for name, n in task.named_sizes(case.args).items():
        if n > 1 and np.isclose(a, n, rtol=1e-6):
            return (f"{sign}your result is {name} = {n} times too large: a sum where the mean is "
                    f"needed, or a missing division by {name}")
        if n > 1 and np.isclose(a, 1 / n, rtol=1e-6):
            return f"{sign}your result is {name} = {n} times too small: an extra division by {name}"
    if np.isclose(a, 2):
        return f"{sign}your result is twice too large: an extra factor 2"
    if np.isclose(a, 0.5):
        return f"{sign}your result is half the expected value: a missing factor 2 (d/dx x² = 2x)"
    if arr.ndim == 0:  # two numbers always differ by some factor: name only the usual ones
        return ""
    return f"{sign}your result is the expected one times {c:.4g}: a wrong constant factor"


def close(task, a, b, equal_nan=False):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=task.rtol, atol=task.atol,
                                                   equal_nan=equal_nan))


def as_numbers(value):
    """``value`` as a float array, or None when it is not numbers (strings, objects, ragged)."""
    try:
        arr = np.asarray(value)
    except Exception:
        return None
    if arr.dtype.kind not in "biuf":
        return None
    return arr.astype(float)


def _same_result(task, value, wrong):
    if task.outputs:
        return (isinstance(value, (tuple, list)) and len(value) == len(wrong)
                and all(_same_one(task, v, w) for v, w in zip(value, wrong)))
    return _same_one(task, value, wrong)


def _same_one(task, value, wrong):
    arr, ref = as_numbers(value), as_numbers(wrong)
    if arr is None or ref is None:
        return False
    if ref.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())
    return close(task, arr, ref, equal_nan=True)  # a mistake that gives NaN is still that mistake


def _aligned(what, arr, exp):
    """'your result: ...' and 'expected:    ...' with the values starting in the same column."""
    left = [f"your {what}:", "expected:"]
    width = max(map(len, left)) + 1
    return [f"{label:<{width}}{format_value(v, indent=width)}" for label, v in zip(left, (arr, exp))]


def _is_shape_error(message):
    words = ("shape", "broadcast", "matmul", "aligned", "dimension", "size")
    return any(w in message.lower() for w in words)


def _kind(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"
