"""What a graded task is: the student's function, its tests, the right answer, typical mistakes.

Each exercise module (``ex01.py``, ``ex02.py`` ...) lists its tasks in ``TASKS``; the package
docstring (``backproplib/checks/__init__.py``) shows how to write one.
"""

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One test of a task: the arguments the student's function is called with.

    args:   the positional arguments (arrays and numbers: they reach the grading kernel as
            JSON), in the order of ``Task.args``.
            The function gets a fresh copy, so it cannot spoil the next test.
    label:  a few words shown to the student, e.g. "large |z| (±1000)". ``Task.partial`` refers
            to tests by their label.
    strict: run under ``np.errstate(over/divide/invalid="raise")``: an overflowing exp() raises
            FloatingPointError instead of warning. For tests of numerical stability.
    hint:   the likely cause shown when this test fails and no known mistake explains it.
    """
    args: tuple
    label: str = "random inputs"
    strict: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``wrong(*args)`` returns (or raises) what that mistake gives.

    When the student's result equals the mistake's (within the task's tolerance), the check
    names ``cause``. For a task that returns several values, ``wrong`` returns the same tuple.
    """
    cause: str
    wrong: Callable


@dataclass(frozen=True, eq=False)
class Task:
    """A graded task: write function ``function`` whose result must match ``reference``.

    id:        "NN.name", NN the exercise number, e.g. "01.sigmoid" (used by ``check`` and in
               gradebooks).
    function:  the name of the function the student writes (the grader looks it up by name).
    title:     a few words shown in feedback, e.g. "a stable sigmoid".
    points:    the points for a fully correct answer.
    args:      the names of the function's arguments, e.g. ("X", "W", "b"), to describe tests.
    cases:     cases(rng) -> list of Case, the tests, drawn from the numpy Generator ``rng``
               (the notebook check uses a fixed seed, the grader a secret one).
    reference: reference(*args) -> the right result (an array, a number, or a tuple of them).
    outputs:   names of the returned values when the function returns a tuple, e.g.
               ("dX", "dW", "db"); empty for a single result.
    mistakes:  typical wrong answers, tried in order when a result is wrong.
    forbidden: backproplib names ("sigmoid", "Dense", "losses.softmax"...) the function must not
               use: an answer that calls the library's own implementation earns no points.
    forbidden_other: other dotted names that count as using a ready-made implementation, e.g.
               ("scipy.special.expit",) (found by reading the code only).
    partial:   {case label: points} given when every test with that label passes but others fail
               (e.g. a sigmoid right for ordinary z but overflowing for z = -1000).
    uses:      ids of earlier tasks whose functions this one calls; their failure is mentioned.
    sizes:     sizes(*args) -> {"N": 5, ...} named sizes, used to explain a result that is off by
               a constant factor ("N = 5 times too large"); default: N = rows of the first array.
    rtol, atol: tolerance of the comparison with the reference (np.allclose).
    may_modify_inputs: allow the function to change its arguments in place (default: a
               function that does is told so and gets no points).
    judge:     judge(task, number, cases, outcomes, earlier) -> TaskResult, for a task that is
               not compared with ``reference`` (the conceptual questions of ``questions.py``).
    """
    id: str
    function: str
    title: str
    points: float
    args: tuple
    cases: Callable
    reference: Callable
    outputs: tuple = ()
    mistakes: tuple = ()
    forbidden: tuple = ()
    forbidden_other: tuple = ()
    partial: dict = field(default_factory=dict)
    uses: tuple = ()
    sizes: Callable | None = None
    rtol: float = 1e-6
    atol: float = 1e-8
    may_modify_inputs: bool = False
    judge: Callable | None = None

    @property
    def exercise(self):
        """The exercise number, e.g. "01"."""
        return self.id.split(".", 1)[0]

    def named_sizes(self, args):
        """{name: size} for explaining constant factors (see ``sizes``)."""
        if self.sizes is not None:
            return dict(self.sizes(*args))
        for a in args:
            if isinstance(a, np.ndarray) and a.ndim >= 1:
                return {"N": a.shape[0]}
        return {}


def seed_for(task_id, salt=0):
    """A fixed seed per task (and salt): the notebook checks draw the same tests every run."""
    return [zlib.crc32(task_id.encode()), salt]


def normal(rng, *shape, scale=1.0):
    """Test inputs: an array of the given shape drawn from N(0, scale²) with the Generator rng."""
    return scale * rng.standard_normal(shape)
