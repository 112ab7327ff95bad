"""Probe tests: edge sizes and values derived from a task's own tests.

A formula that only works for the shapes of the examples (a size hard-coded, an axis that
happens to fit, a transpose that a square array hides) fails on other sizes. ``probes(task,
cases)`` derives, from the task's first ordinary test, up to three more:

* "small sizes": every size of the test mapped to the smallest distinct ones (2, 3, 4...) and
  the values rounded to one decimal: the test a learner can follow by hand, and the
  counterexample the feedback shows;
* "a batch of one": the first size of the first array set to 1;
* "exact zeros": every third entry of every float array set to 0 (the kink of ReLU, a zero
  gradient, a tie).

A probe is kept only when the reference computes a finite result on it without a floating
point error. Tasks with an integer argument (a count, a seed, a patience, epochs) get no
probes: their sizes are tied to those numbers. Large magnitudes are tested by the tasks' own
``strict`` tests.
"""

import copy

import numpy as np

from .runner import STRICT
from .spec import Case


def probes(task, cases):
    """The probe Cases of ``task`` derived from ``cases`` (possibly none)."""
    if getattr(task, "judge", None) is not None:  # a question judges its own fixed cases
        return []
    base = next((c for c in cases if not c.strict), None)
    if base is None or any(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                           for a in base.args):
        return []
    made = [_resize(base, _small_sizes(base), "small sizes", decimals=1),
            _resize(base, _batch_of_one(base), "a batch of one"),
            Case(tuple(_zeros(a) for a in base.args), "exact zeros")]
    kept, seen = [], [base.args]
    for case in made:
        case = _usable(task, case) if case is not None else None
        if case is not None and not any(_same_args(case.args, s) for s in seen):
            kept.append(case)
            seen.append(case.args)
    return kept


def with_probes(task, cases):
    """The task's tests followed by its probes."""
    return [*cases, *probes(task, cases)]


def _arrays(case):
    return [a for a in case.args if isinstance(a, np.ndarray) and a.ndim]


def _small_sizes(case):
    sizes = sorted({s for a in _arrays(case) for s in a.shape if s > 1})
    return {s: i + 2 for i, s in enumerate(sizes)}


def _batch_of_one(case):
    first = _arrays(case)
    if not first or first[0].shape[0] <= 1:
        return None
    return {first[0].shape[0]: 1}


def _resize(case, mapping, label, decimals=None):
    if not mapping:
        return None
    args = []
    for a in case.args:
        if isinstance(a, np.ndarray) and a.ndim:
            a = a[tuple(slice(0, mapping.get(s, s)) for s in a.shape)].copy()
            if decimals is not None and a.dtype.kind == "f":
                a = np.round(a, decimals)
                a[a == 0] = 0.0  # no -0.0 in what a learner reads
        args.append(a)
    return Case(tuple(args), label)


def _zeros(a):
    if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size >= 3:
        a = a.copy()
        a.flat[::3] = 0.0
    return a


def _usable(task, case):
    """``case``, or a copy with 0/1 labels (when a label is beyond a shrunk class count), on
    which the reference gives a finite result; None if neither."""
    for attempt in (case, _binary_labels(case)):
        try:
            with np.errstate(**STRICT):
                value = task.reference(*copy.deepcopy(attempt.args))
        except Exception:
            continue
        values = value if isinstance(value, tuple) else (value,)
        try:
            finite = all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)
        except (TypeError, ValueError):
            finite = False
        if finite:
            return attempt
    return None


def _binary_labels(case):
    args = tuple(a % 2 if isinstance(a, np.ndarray) and a.dtype.kind in "iu" else a
                 for a in case.args)
    return Case(args, case.label)


def _same_args(a, b):
    return all(np.shape(x) == np.shape(y) and np.array_equal(x, y) for x, y in zip(a, b))
