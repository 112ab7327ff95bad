"""Graded questions (backproplib/checks/questions.py): multiple choice and numeric predictions.

Each question is a task with its own judge; here the judge is exercised on every kind of
answer, the feedback is checked to explain the right answer, and every question of the
exercises is checked to be well formed (its right answer scores, each explained wrong one is
recognised).
"""

import numpy as np
import pytest

from backproplib.checks import evaluate, exercise_numbers, tasks
from backproplib.checks.feedback import format_feedback
from backproplib.checks.judge import judge
from backproplib.checks.questions import choice, is_question, number
from backproplib.checks.runner import Outcome, run_cases

PICK = choice("99.question_pick", "a test question", options=("red", "green", "blue"), answer=2,
              why="green is right because of X", why_not={1: "red fails because of Y",
                                                          3: "blue fails because of Z"})
GUESS = number("99.question_guess", "a test prediction", answer=2.5, why="2.5 because of W",
               typical=((25.0, "a factor 10: mind the units"),), rtol=0.02)


def answer(value):
    def question():
        return value
    return question


def graded(task, value, function=None):
    """The TaskResult of a function returning ``value`` (as the notebook check would give it)."""
    if task.exercise in exercise_numbers():
        return evaluate(task, function or answer(value), cells=[])
    cases = task.cases(None)
    return judge(task, 1, cases, run_cases(function or answer(value), cases))


@pytest.mark.parametrize("value", [2, 2.0, np.int64(2), np.float32(2.0)])
def test_the_right_choice_scores_and_the_feedback_says_why(value):
    res = graded(PICK, value)
    assert res.full_marks and res.status == "correct"
    shown = format_feedback(res)
    assert "1/1 points: correct" in shown and "green is right because of X" in shown


@pytest.mark.parametrize("value, why", [(1, "red fails because of Y"), (3, "blue fails because of Z")])
def test_a_wrong_choice_is_explained_and_the_right_one_shown(value, why):
    res = graded(PICK, value)
    assert res.points == 0 and res.reason == why
    shown = format_feedback(res)
    assert "the right choice: 2 (green)" in shown and "green is right because of X" in shown


@pytest.mark.parametrize("value", [0, 4, 2.5, "b", None, [2], np.nan])
def test_answers_that_are_no_option_get_a_clear_reason(value):
    res = graded(PICK, value)
    assert res.points == 0
    assert "number of one option, 1 to 3" in res.reason or "returned None" in res.reason


@pytest.mark.parametrize("value", [2.5, 2.52, 2.45, np.float64(2.5)])
def test_a_prediction_within_the_tolerance_scores(value):
    res = graded(GUESS, value)
    assert res.full_marks and "2.5 because of W" in format_feedback(res)


@pytest.mark.parametrize("value, reason", [(25, "a factor 10"), (3.0, "too large, off by 20%"),
                                           (1.0, "too small, off by 60%"),
                                           ("x", "return one number"), (np.inf, "return one number")])
def test_a_wrong_prediction_is_explained(value, reason):
    res = graded(GUESS, value)
    assert res.points == 0 and reason in res.reason
    assert "the right answer: 2.5" in format_feedback(res) or "return one number" in res.reason


def test_not_implemented_and_exceptions_are_reported_like_other_tasks():
    def question_pick():
        raise NotImplementedError()

    def question_guess():
        return 1 / 0

    assert graded(PICK, None).reason.startswith("your function returned None")
    assert graded(PICK, None, question_pick).status == "not implemented"
    res = graded(GUESS, None, question_guess)
    assert res.status == "error" and "ZeroDivisionError" in res.reason


def test_the_grader_path_judges_outcomes_the_same_way():
    # the grader passes decoded outcomes to judge(); a string comes back as an Opaque value
    right = judge(PICK, 1, PICK.cases(None), [Outcome(value=2)])
    wrong = judge(GUESS, 2, GUESS.cases(None), [Outcome(value=25.0)])
    assert right.full_marks and wrong.reason == "a factor 10: mind the units"


def test_a_badly_written_question_is_refused():
    with pytest.raises(ValueError, match="why_not"):
        choice("99.q", "t", options=("a", "b"), answer=1, why="", why_not={})
    with pytest.raises(ValueError, match="answer"):
        choice("99.q", "t", options=("a", "b"), answer=3, why="", why_not={1: "", 2: ""})


QUESTIONS = [t for n in exercise_numbers() for t in tasks(n) if is_question(t)]


def test_exercises_01_to_03_have_two_questions_each():
    assert sorted({t.exercise for t in QUESTIONS}) == ["01", "02", "03"]
    assert all(sum(t.exercise == n for t in QUESTIONS) == 2 for n in ("01", "02", "03"))


@pytest.mark.parametrize("task", QUESTIONS, ids=lambda t: t.id)
def test_each_question_accepts_its_answer_and_rejects_the_others(task):
    right = task.reference()
    assert graded(task, right).full_marks
    options = getattr(task.judge, "options", None)
    if options:                                  # a choice: every other option loses
        for other in range(1, len(options) + 1):
            if other != right:
                res = graded(task, other)
                assert res.points == 0 and res.reason and "the right choice" in res.details[-1]
    else:
        assert graded(task, right * 1.5).points == 0
