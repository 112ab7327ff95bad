"""Graded conceptual questions: a multiple choice or a numeric prediction, with an explanation.

The learner answers in a function that returns the answer, so a question is graded like every
other task (the same check cell, the same grader)::

    def question_activation():
        ### BEGIN SOLUTION
        return 2          # the number of the chosen option
        ### END SOLUTION
    check("01.question_activation", question_activation)

``choice(...)`` and ``number(...)`` build the ``spec.Task`` of a question. Such a task is not
compared with a reference by ``judge.compare``; its own ``judge`` (below) gives the points and
feedback that explains the right answer: why the chosen option is wrong, or why a number is off,
and in every case why the right answer is right.
"""

import math

from .judge import NOT_IMPLEMENTED, result
from .spec import Case, Task

LABEL = "your answer"


def choice(id, title, options, answer, why, why_not, points=1):
    """A multiple-choice question: the learner returns the number (1, 2, ...) of one option.

    options: the option texts, numbered from 1 in the statement; answer: the right number;
    why: why that option is right; why_not: {number: why that option is wrong} for the others.
    """
    if answer not in range(1, len(options) + 1) or set(why_not) != \
            set(range(1, len(options) + 1)) - {answer}:
        raise ValueError(f"{id}: answer must number an option, and why_not explain every other one")

    def judge(task, number, cases, outcomes, earlier=None):
        value, problem = _answer(task, number, outcomes)
        if problem is not None:
            return problem
        picked = _whole(value)
        if picked not in range(1, len(options) + 1):
            return result(task, number, "wrong", reason=(
                f"answer with the number of one option, 1 to {len(options)}; your function "
                f"returned {value!r}"))
        right = f"the right choice: {answer} ({options[answer - 1]}) — {why}"
        if picked == answer:
            return result(task, number, "correct", task.points, details=[right])
        return result(task, number, "wrong", reason=why_not[picked], details=[
            f"your choice: {picked} ({options[picked - 1]})", right])

    judge.options = tuple(options)     # what makes it a multiple choice (tests read it)
    return _question(id, title, points, answer, judge)


def number(id, title, answer, why, typical=(), rtol=0.01, points=1):
    """A numeric prediction: the learner returns a number, right within ``rtol`` (relative).

    typical: ((value, explanation), ...) wrong answers that come from a known slip.
    """
    def judge(task, number_, cases, outcomes, earlier=None):
        value, problem = _answer(task, number_, outcomes)
        if problem is not None:
            return problem
        try:
            guess = float(value)
        except (TypeError, ValueError):
            guess = math.nan
        if not math.isfinite(guess):
            return result(task, number_, "wrong", reason=(
                f"return one number (an int or a float); your function returned {value!r}"))
        right = f"the right answer: {answer:.6g} — {why}"
        if math.isclose(guess, answer, rel_tol=rtol, abs_tol=1e-12):
            return result(task, number_, "correct", task.points, details=[right])
        cause = next((text for wrong, text in typical
                      if math.isclose(guess, wrong, rel_tol=rtol, abs_tol=1e-12)), None)
        if cause is None:
            way = "too large" if guess > answer else "too small"
            cause = f"your number is {way}, off by {abs(guess - answer) / abs(answer):.0%}"
        return result(task, number_, "wrong", reason=cause,
                      details=[f"your answer: {guess:.6g}", right])

    return _question(id, title, points, answer, judge)


def is_question(task):
    """True for a task made by ``choice`` or ``number``."""
    return task.judge is not None and task.args == ()


def _question(id, title, points, answer, judge):
    return Task(id=id, function=id.split(".", 1)[1], title=title, points=points, args=(),
                cases=lambda rng: [Case((), LABEL)], reference=lambda: answer, judge=judge)


def _answer(task, number, outcomes):
    """(the returned value, None), or (None, the TaskResult of an answer that is missing)."""
    outcome = outcomes[0]
    if outcome.error is not None:
        name, message = outcome.error
        if name == "NotImplementedError":
            return None, result(task, number, "not implemented", reason=NOT_IMPLEMENTED)
        return None, result(task, number, "error", reason=f"your function raised {name}: {message}")
    if outcome.value is None:
        return None, result(task, number, "wrong",
                            reason="your function returned None: did you forget `return`?")
    return outcome.value, None


def _whole(value):
    """``value`` as an int when it is a whole number (1, 1.0, numpy 1), else None."""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return None
    return int(as_float) if math.isfinite(as_float) and as_float == int(as_float) else None
