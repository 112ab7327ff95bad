"""Judge a learner's results against the reference and name the likely cause of a wrong one.

``judge(task, number, cases, outcomes)`` turns the Outcomes of ``runner`` into a TaskResult:
points, a status, a one-line ``reason`` for lost points and a few ``details`` lines (the test,
the learner's result beside the expected one). Diagnosis, in order: not implemented, an
exception (explained: ``errors_explained``), a known mistake of the task, then the general
diagnoses of ``diagnose`` (transposed, negated, scaled by one of the task's quantities, the
wrong axis, right in some rows only...). When nothing explains a wrong result, the smallest
failing test is shown in full, the learner's result beside the expected one. The hint of a
strict (extreme-value) test is given only when its cause is seen: an inf, a nan or a
FloatingPointError, or an answer right on every ordinary test and wrong only at the extremes.
Only values are ever shown, never the code of a solution.
"""

import copy
from dataclasses import dataclass

import numpy as np

from .diagnose import diagnose_shape, diagnose_values, explain_error, fixed_argument, zero_argument
from .feedback import describe_test, format_value, shape_text
from .runner import STRICT, clean_message

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code"
OVERFLOW = ("your function overflows for large inputs (exp of a large number gives inf): it is "
            "not numerically stable")
#: the start of the cause when the values are right but something else is not
RIGHT_BUT = "the result is right, but"
#: the start of the cause when no diagnosis explains a wrong value
VALUES_WRONG = "the values are wrong"


@dataclass
class TaskResult:
    """The points for one task and why some were lost.

    status: "correct", "partly correct", "wrong", "error", "not implemented", "not found",
            "uses the library" or "not graded".
    reason: one sentence, the likely cause of lost points ("" with full marks).
    details: lines for the learner: the failing test, their result, the expected one.
    note: a remark that does not cost points (an earlier task's function that was replaced
          by a correct one for this task's tests).
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
    note: str = ""

    @property
    def full_marks(self):
        return self.points >= self.max_points

    def to_dict(self):
        return {"points": self.points, "max": self.max_points, "status": self.status,
                "reason": self.reason, "note": self.note, "details": list(self.details)}


def result(task, number, status, points=0.0, reason="", details=(), note=""):
    return TaskResult(task.id, number, task.function, task.title, float(points),
                      float(task.points), status, reason, tuple(details), note)


def library_result(task, number, names, how="calls"):
    """No points: the answer uses backproplib's own implementation of what it should write."""
    used = ", ".join(f"`{n}`" for n in names)
    return result(task, number, "uses the library",
                  reason=f"`{task.function}` {how} backproplib's own {used}: the task asks you to "
                         f"write it yourself, so it earns no points")


def judge(task, number, cases, outcomes, earlier=None, substituted=(), called=None):
    """Points and feedback for one task.

    cases: the task's tests; outcomes: one runner.Outcome per test (same order).
    earlier: {task id: TaskResult} of tasks already judged, to mention a failing one this uses.
    substituted: ids of the earlier tasks whose functions were replaced by correct versions
    while this task's tests ran (``references``).
    called: ids of the used tasks whose functions the answer calls (default: all of ``uses``).
    """
    library = sorted({name for o in outcomes for name in o.library})
    if library:
        return library_result(task, number, library)
    if task.judge is not None:  # a question (questions.py) judges itself
        return task.judge(task, number, cases, outcomes, earlier)
    note = dependency_note(task, earlier, substituted, called)
    failures = []
    for case, outcome in zip(cases, outcomes):
        verdict = check_case(task, case, outcome)
        if verdict is not None and verdict[0] == "not implemented":
            return result(task, number, "not implemented", reason=NOT_IMPLEMENTED)
        if verdict is not None:
            failures.append((case, outcome, verdict))
    if not failures:
        return result(task, number, "correct", points=task.points, note=note)
    failed = {case.label for case, _, _ in failures}
    labels = {case.label for case in cases}
    points = sum(p for label, p in task.partial.items() if label in labels - failed)
    points = min(points, task.points)
    case, outcome, (kind, cause, lines) = failures[0]
    lines = [describe_test(task, case), *lines]
    mistake = matching_mistake(task, cases, outcomes)
    in_place = any(c.startswith(RIGHT_BUT) for _, _, (_, c, _) in failures)
    fixed = fixed_argument(task, cases, failures) if kind == "wrong" and not in_place else ""
    if mistake is not None:
        cause = mistake.cause
    elif kind == "wrong" and case.hint and all(c.strict for c, _, _ in failures):
        cause = case.hint  # right on every ordinary test, wrong only at extreme values
    elif fixed:
        cause = fixed
    elif _undiagnosed_cause(cause) and zero_argument(task, cases, failures):
        cause = zero_argument(task, cases, failures)
    elif _undiagnosed_cause(cause):
        cause, lines = _undiagnosed(task, cases, failures, cause, lines)
    if note:
        lines.append(note)
    status = "partly correct" if points > 0 else kind
    return result(task, number, status, points, cause, lines, note)


def dependency_note(task, earlier, substituted, called=None):
    """'your `sigmoid` is wrong (task 2); this task was judged with a correct one' for every
    used task that lost points (or a plain warning when no correct one was substituted)."""
    notes = []
    for used in task.uses if called is None else called:
        before = (earlier or {}).get(used)
        if before is None or before.full_marks:
            continue
        if used in substituted:
            state = {"not implemented": "is not written yet", "not found": "is missing"}.get(
                before.status, "is wrong")
            notes.append(f"your `{before.function}` {state} (task {before.number}); this task "
                         f"was judged with a correct one")
        else:
            notes.append(f"note: this task calls your `{before.function}`, whose check (task "
                         f"{before.number}) did not pass — fix that one first.")
    return "; ".join(notes)


def _undiagnosed(task, cases, failures, cause, lines):
    """No diagnosis fits: say which tests pass, and show the smallest failing test in full."""
    passed = [c.label for c in cases if c.label not in {f[0].label for f in failures}]
    if passed:
        cause = (f"your function is right on the test \"{passed[0]}\" but wrong on "
                 f"\"{failures[0][0].label}\": look at what differs between them ({cause})")
    small, outcome, (_, _, small_lines) = min(failures, key=lambda f: _size(f[0].args))
    if _size(small.args) <= 40:
        if not passed:
            cause = (f"{VALUES_WRONG}, and no typical mistake explains them: follow your code by "
                     f"hand on the small test shown above and compare with the expected value")
        names = list(task.args)
        lines = [f'smallest test on which your answer differs ("{small.label}"):',
                 *(f"  {n} = {format_value(a, indent=len(n) + 5)}"
                   for n, a in zip(names, small.args)), *small_lines]
    return cause, lines


def _undiagnosed_cause(cause):
    """Is ``cause`` the fallback 'the values are wrong (...)', maybe after an output's name?"""
    return cause.split(": ", 1)[-1].startswith(VALUES_WRONG) or cause.startswith(VALUES_WRONG)


def _size(args):
    return sum(np.size(a) for a in args)


def check_case(task, case, outcome):
    """None when the outcome is right, else (kind, likely cause, lines)."""
    if outcome.error is not None:
        ename, message = outcome.error
        if ename == "NotImplementedError":
            return "not implemented", NOT_IMPLEMENTED, []
        lines = [f"your function raised {ename}: {message}"]
        if ename == "FloatingPointError" and case.strict:
            return "error", case.hint or OVERFLOW, lines
        explained = explain_error(task, case, ename, message)
        if explained:
            return "error", f"{explained} ({ename})", lines
        if _is_shape_error(message):
            return "error", (f"the shapes do not fit together inside your function ({ename}: "
                             f"{message}): compare each step with the shapes given in the "
                             f"task"), []
        return "error", f"your function raised {ename}: {message}", []
    with np.errstate(all="ignore"):
        expected = task.reference(*copy.deepcopy(case.args))
    problem = compare(task, case, outcome.value, expected)
    if problem is None:
        if outcome.modified and not task.may_modify_inputs:
            names = ", ".join(f"`{n}`" for n in outcome.modified)
            return "wrong", (f"{RIGHT_BUT} your function changed its input {names} "
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
    problems = []
    for i, (name, v, e) in enumerate(zip(task.outputs, value, expected)):
        problem = compare_one(task, case, v, e, name)
        if problem is None:
            continue
        cause, lines = problem
        other = next((task.outputs[j] for j, e2 in enumerate(expected) if j != i
                      and as_numbers(v) is not None and close(task, as_numbers(v), e2)), None)
        if other is not None:
            return (f"your {name} is what {other} should be: return the values in the "
                    f"order of the task, {names}"), lines
        problems.append((f"{name}: {cause}", lines, cause.startswith(VALUES_WRONG)))
    if not problems:
        return None
    cause, lines, _ = next((p for p in problems if not p[2]), problems[0])
    return cause, lines


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
        return _wrong_shape(task, case, arr, exp, what)
    if close(task, arr, exp):
        return None
    lines = _aligned(what, arr, exp)
    if np.all(np.isfinite(exp)) and not np.all(np.isfinite(arr)):
        return case.hint or ("your result contains nan or inf: " + OVERFLOW), lines
    cause = diagnose_values(task, case, arr, exp, what, raw=value)
    if cause:
        return cause, lines
    if case.hint and not case.strict:  # a strict test's hint is about overflow: not seen here
        return case.hint, lines
    largest = float(np.max(np.abs(arr - exp)))
    return f"{VALUES_WRONG} (largest difference {largest:.3g})", lines


def _wrong_shape(task, case, arr, exp, what):
    lines = [f"your {what} has shape {arr.shape}; expected {shape_text(exp)}"]
    if exp.ndim == 2 and arr.shape == exp.shape[::-1]:
        how = "is the transpose of the right one" if close(task, arr.T, exp) else \
            "has the transposed shape"
        return (f"your {what} {how}: {arr.shape} instead of {exp.shape} — check the order "
                f"of the matrix product (a missing or extra .T)"), lines
    if exp.ndim == 0:
        return (f"expected a single number, but your {what} is an array of shape "
                f"{arr.shape}: did you forget to sum or average?"), lines
    cause = diagnose_shape(task, case, arr, exp, what)
    return cause or f"wrong shape: expected {exp.shape}, got {arr.shape}", lines


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
