"""Checks of the graded exercises: feedback in the notebook, the same judgement for the grader.

In an exercise notebook::

    from backproplib.checks import check, summary
    check("01.sigmoid", sigmoid)   # after the answer cell: ✓/✗, points, your result beside the
                                   # expected one, and the likely cause of a wrong answer
    summary("01")                  # the exercise's points so far, one line per task

How a task is checked: the check draws tests (``Case``) from a fixed seed and adds probes
derived from them (``probes``: other sizes, a batch of one, exact zeros), calls the learner's
function on a private copy of the inputs (``runner``) — with correct versions of the earlier
tasks' functions it calls (``references``: a bug costs once) — compares with a reference
computed here (``judge``) and names the likely cause (the task's known ``Mistake``s first,
then the general diagnoses of ``diagnose``, then the smallest failing test in full). An
answer that calls backproplib's own implementation earns nothing (``codecheck`` reads the
code; ``guard`` refuses the call).
The grader (``backprop-course grade``) runs the same functions on secret tests in a fresh
kernel and judges the results in its own process, so nothing a notebook prints or redefines
changes a score.

Adding exercise NN (e.g. 03) takes four steps:

1. ``backproplib/checks/exercises/exNN.py`` defines ``TITLE`` ("Backward pass"), ``NOTEBOOK``
   ("03_backward_pass") and ``TASKS``, a tuple of ``spec.Task`` (3–6 of them). Per task:
   id "NN.name", the function's name and argument names, points, ``cases(rng)`` returning a
   few Cases (different sizes N ≠ D ≠ M so that a transpose or a factor N shows; a ``strict``
   case with extreme values for numerical stability), ``reference(*args)``, typical
   ``mistakes`` (each a Mistake(cause, wrong)), ``forbidden`` library names, and optionally
   ``outputs`` (names of a returned tuple such as ("dX", "dW", "db")), ``partial`` points,
   ``uses`` and ``sizes``. Tasks are plain functions of arrays and numbers returning arrays or
   numbers; a task that trains a model should return predictions on inputs it is given.
   The module is found automatically (any ``exNN.py`` in ``exercises/``); ``ex01.py`` is a model.
2. ``solutions/NN_topic.ipynb``: per task a statement, an answer cell with the answer between
   ``### BEGIN SOLUTION`` and ``### END SOLUTION`` inside ``def name(...)``, and a check cell
   ``check("NN.name", name)``; ``summary("NN")`` at the end; notebook metadata
   ``{"backprop_course": {"exercise": "NN"}}``. Execute it and commit it with outputs.
3. ``backprop-course generate-exercises`` writes ``exercises/NN_topic.ipynb``.
4. ``tests/grading/wrong_NN.py``: at least two typical wrong answers per task, each with the
   piece of feedback it must produce; tests/test_exercises.py picks them up.

The grader needs nothing more: it finds the exercise from the notebook's metadata, calls the
functions named in TASKS and judges them with the same code. Check a new exercise with
``backprop-course grade solutions/NN_topic.ipynb`` (full marks) and
``backprop-course grade exercises/NN_topic.ipynb`` (zero, "not implemented yet").
"""

import importlib
import pkgutil
import sys

import numpy as np

from . import codecheck, exercises
from .feedback import format_feedback, format_summary
from .guard import LibraryGuard
from .judge import TaskResult, judge, library_result, result
from .probes import with_probes
from .references import substituted, substitutes
from .runner import run_cases
from .spec import Case, Mistake, Task, seed_for

__all__ = ["check", "summary", "evaluate", "exercise_numbers", "exercise_module", "tasks",
           "get_task", "Task", "Case", "Mistake", "TaskResult"]

#: results of the checks run in this Python session, by task id (for ``summary``)
_SESSION = {}


def exercise_numbers():
    """The exercise numbers that have checks, sorted: ["01", "02", ...] (one per ``exercises/exNN.py``)."""
    return sorted(m.name[2:] for m in pkgutil.iter_modules(exercises.__path__)
                  if m.name.startswith("ex") and m.name[2:].isdigit())


def exercise_module(number):
    """The module ``backproplib.checks.exercises.exNN`` (with TITLE, NOTEBOOK, TASKS)."""
    number = str(number).zfill(2)
    if number not in exercise_numbers():
        raise ValueError(f"there is no exercise {number!r}; the exercises with checks are "
                         f"{', '.join(exercise_numbers())}.")
    return importlib.import_module(f"{exercises.__name__}.ex{number}")


def tasks(number):
    """The Tasks of exercise ``number``, in order."""
    return tuple(exercise_module(number).TASKS)


def get_task(task_id):
    """The Task with id "NN.name"; a ValueError lists the exercise's ids if there is none."""
    number = str(task_id).split(".", 1)[0]
    found = {t.id: t for t in tasks(number)}
    if task_id not in found:
        raise ValueError(f"unknown task {task_id!r}; exercise {number} has the tasks "
                         f"{', '.join(found)}.")
    return found[task_id]


def task_number(task):
    return [t.id for t in tasks(task.exercise)].index(task.id) + 1


def evaluate(task_id, function, cells=None, earlier=None, salt=0):
    """Check ``function`` against task ``task_id`` and return a TaskResult (prints nothing).

    cells: the code to read for library use (default: the cells this IPython session ran).
    earlier: {task id: TaskResult} of tasks checked before (to point at a failing dependency).
    salt: changes the tests drawn (0 is what the notebooks use).
    """
    task = task_id if isinstance(task_id, Task) else get_task(task_id)
    number = task_number(task)
    if not callable(function):
        return result(task, number, "error", reason=(
            f"check needs your function itself, e.g. check({task.id!r}, {task.function}) "
            f"without parentheses after {task.function}; got {type(function).__name__}"))
    cells = _session_cells() if cells is None else cells
    name = getattr(function, "__name__", task.function)
    used = codecheck.library_uses(cells, name, task.forbidden, task.forbidden_other)
    if used:
        return library_result(task, number, used, how="uses")
    cases = with_probes(task, task.cases(np.random.default_rng(seed_for(task.id, salt))))
    sources = substitutes(task)
    guard = LibraryGuard(task.forbidden).install()
    try:
        with substituted(function, sources):
            outcomes = run_cases(function, cases, task.args, guard, task.forbidden)
    finally:
        guard.remove()
    earlier = _with_used_tasks(task, function, cells, dict(earlier or {}))
    called = tuple(u for u in task.uses
                   if _calls(cells, function, task.function, u.split(".", 1)[1]))
    used = tuple(u for u in called if u.split(".", 1)[1] in sources)
    return judge(task, number, cases, outcomes, earlier, substituted=used, called=called)


def _calls(cells, function, name, used):
    """Does the learner's function call the earlier task's function ``used``?"""
    if cells and codecheck.defining_cell(cells, name) is not None:
        return codecheck.calls_function(cells, name, used)
    code = getattr(function, "__code__", None)
    return code is not None and used in code.co_names


def _with_used_tasks(task, function, cells, earlier):
    """``earlier`` plus the results of the used tasks not checked yet, when the learner's
    function of that name is at hand (so the note on a wrong earlier function is the same as
    in the grader, which judges every task)."""
    namespace = getattr(function, "__globals__", {})
    for used in task.uses:
        name = used.split(".", 1)[1]
        if used not in earlier and callable(namespace.get(name)):
            earlier[used] = evaluate(used, namespace[name], cells=cells)
    return earlier


def check(task_id, function):
    """Check your function for a task and print the feedback (✓/✗, points, likely cause)."""
    res = evaluate(task_id, function, earlier=_SESSION)
    _SESSION[res.task_id] = res
    print(format_feedback(res))


def summary(number):
    """Print the points of exercise ``number`` so far (from the checks run in this session)."""
    module = exercise_module(number)
    done = {k: v for k, v in _SESSION.items() if k.startswith(f"{str(number).zfill(2)}.")}
    print(format_summary(f"Exercise {str(number).zfill(2)} · {module.TITLE}", module.TASKS, done))


def _session_cells():
    """The code this IPython session has run (its ``In`` list), or [] outside IPython."""
    ipython = sys.modules.get("IPython")  # never import IPython just to look
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return []
    return [c for c in shell.user_ns.get("In", []) if isinstance(c, str)]
