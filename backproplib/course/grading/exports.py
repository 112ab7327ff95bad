"""Grades in the formats instructors import: Canvas, nbgrader, and feedback files per student.

All take the graded ``SubmissionResult``s and the roster's matches ({submission name: Student},
from ``roster.match``). One grade per student and exercise (an exercise is one assignment);
a student with several notebooks of one exercise gets the best. Formats (see REFERENCE):

* ``canvas_csv``: Canvas's gradebook import — ``Student,ID,SIS User ID,SIS Login ID,Section``,
  then one column per exercise named without an id (Canvas creates the assignment), a
  ``Points Possible`` row, then one row per student of the roster;
* ``nbgrader_csv``: the columns of ``nbgrader export``;
* ``feedback_files``: {file name: text}, the single-notebook report (every task's points and
  the reasons for lost points, the same as the notebook's own check) per submission.
"""

import csv
import io
import re
from pathlib import PurePosixPath

from ...checks import exercise_module
from ...checks.feedback import format_points
from .gradebook import format_report
from .roster import nbgrader_parts

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name",
                    "first_name", "email", "raw_score", "late_submission_penalty", "score",
                    "max_score"]


def assignment_title(number):
    """'Exercise 01: The forward pass' (the Canvas column of an exercise)."""
    return f"Exercise {number}: {exercise_module(number).TITLE}"


def grades_by_student(results, matched):
    """{(student id, exercise): (result, Student)}: the best graded submission of each."""
    best = {}
    for r in results:
        student = matched.get(r.name)
        if student is None or not r.exercise or r.error:
            continue
        key = (student.student_id, r.exercise)
        if key not in best or r.total > best[key][0].total:
            best[key] = (r, student)
    return best


def canvas_csv(results, matched, students):
    """The Canvas gradebook import CSV (every roster student gets a row; missing work is empty)."""
    numbers = sorted({r.exercise for r in results if r.exercise and not r.error})
    grades = grades_by_student(results, matched)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                     *(assignment_title(n) for n in numbers)])
    writer.writerow(["    Points Possible", "", "", "", "",
                     *(format_points(sum(t.points for t in exercise_module(n).TASKS))
                       for n in numbers)])
    for s in students:
        scores = [format_points(grades[(s.student_id, n)][0].total)
                  if (s.student_id, n) in grades else "" for n in numbers]
        writer.writerow([s.name, "", s.student_id, s.email, "", *scores])
    return out.getvalue()


def nbgrader_csv(results, matched):
    """The grades as ``nbgrader export`` writes them: one row per student and assignment."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NBGRADER_COLUMNS)
    rows = []
    for (student_id, number), (r, s) in grades_by_student(results, matched).items():
        first, last = s.first_last
        rows.append([_assignment(r.name, number), "", "", student_id, last, first, s.email,
                     format_points(r.total), "0", format_points(r.total),
                     format_points(r.max_total)])
    writer.writerows(sorted(rows))
    return out.getvalue()


def _assignment(name, number):
    parts = nbgrader_parts(name)
    return parts[1] if parts else exercise_module(number).NOTEBOOK


def feedback_files(results, matched=None):
    """{file name: report text}: one plain-text feedback file per submission, named after the
    student id when known (``alice__01_forward_pass.txt``), else after the submission."""
    files = {}
    for r in results:
        student = (matched or {}).get(r.name)
        stem = PurePosixPath(r.name).with_suffix("").as_posix()
        base = f"{student.student_id}__{PurePosixPath(r.name).stem}" if student else stem
        files[_safe(base) + ".txt"] = format_report(r) + "\n"
    return files


def _safe(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "submission"
