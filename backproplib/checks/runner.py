"""Call a learner's function on a task's tests and record what happened (no judging here).

The same code runs in a learner's notebook (``check``) and in the grading kernel, where the
records are written to a file and judged by the grader in its own process.
"""

import copy
import re
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

#: np.errstate settings of a strict test: overflow, division by zero and invalid results raise
STRICT = dict(over="raise", divide="raise", invalid="raise", under="ignore")


@dataclass
class Outcome:
    """What one call of the learner's function gave.

    value:    the returned value (when it returned).
    error:    (exception type name, message) when it raised, else None.
    modified: names of the arguments it changed in place.
    library:  forbidden backproplib names it called.
    """
    value: object = None
    error: tuple | None = None
    modified: tuple = ()
    library: tuple = ()


def run_case(function, case, arg_names=(), guard=None, forbidden=()):
    """Call ``function(*case.args)`` on a private copy of the arguments; return an Outcome."""
    args = copy.deepcopy(case.args)
    value, error, library = call(function, args, case.strict, guard, forbidden)
    return Outcome(value=value, error=error, modified=modified_arguments(arg_names, case.args, args),
                   library=library)


def call(function, args, strict=False, guard=None, forbidden=()):
    """``function(*args)`` (on these very ``args``: pass a copy); (value, error, library used).

    error: (exception type name, message) when it raised, else None; library: the forbidden
    backproplib names it called (``guard``). A KeyboardInterrupt (the grader's interrupt) is
    passed on.
    """
    watching = guard.watch(forbidden) if guard is not None and forbidden else nullcontext(set())
    value, error = None, None
    with watching as used, np.errstate(**STRICT) if strict else nullcontext():
        try:
            value = function(*args)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit and friends are the answer's fault too
            error = (type(exc).__name__, clean_message(exc))
    return value, error, tuple(sorted(used))


def modified_arguments(arg_names, before, after):
    """Names of the arguments whose value in ``after`` differs from ``before``."""
    return tuple(name for name, b, a in zip(_names(arg_names, after), before, after)
                 if not same_value(b, a))


def run_cases(function, cases, arg_names=(), guard=None, forbidden=()):
    """run_case for every test, in order."""
    return [run_case(function, case, arg_names, guard, forbidden) for case in cases]


def clean_message(exc, limit=300):
    """An exception's message on one line, without memory addresses, at most ``limit`` chars."""
    try:
        text = " ".join(str(exc).split())
    except BaseException:  # an exception whose message itself fails
        text = ""
    text = re.sub(r"0x[0-9a-fA-F]{4,}", "0x…", text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _names(arg_names, args):
    return [arg_names[i] if i < len(arg_names) else f"argument {i + 1}" for i in range(len(args))]


def same_value(before, after):
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (tuple, list)):
        return (type(after) is type(before) and len(after) == len(before)
                and all(same_value(b, a) for b, a in zip(before, after)))
    try:
        return bool(before == after)
    except Exception:
        return True
