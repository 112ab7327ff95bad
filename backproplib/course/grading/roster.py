"""Who handed in what: the class roster, and submissions matched to students.

A roster is a CSV file with a header row and the columns (names are matched case-insensitively;
common spellings are accepted):

    student_id   (or id, student id, sis user id)     required
    name         (or student, full name)               optional
    email        (or e-mail, sis login id)             optional
    file         (or folder, submission, notebook)     optional: the student's notebook or folder,
                                                       relative to the graded folder

Submissions are matched to students, in this order: the roster's ``file`` (a notebook name or a
folder that contains it); nbgrader's layout ``[submitted/]{student_id}/{assignment}/{notebook}``;
a first folder or a file name that equals a student id. Unmatched submissions are reported.
"""

import csv
from dataclasses import dataclass
from pathlib import PurePosixPath

COLUMNS = {
    "student_id": ("student_id", "student id", "id", "sis user id", "studentid"),
    "name": ("name", "student", "full name", "student name"),
    "email": ("email", "e-mail", "mail", "sis login id"),
    "file": ("file", "folder", "submission", "notebook", "path"),
}


class RosterError(ValueError):
    """A roster file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    email: str = ""
    file: str = ""

    @property
    def first_last(self):
        """(first name, last name): the last word of the name is the last name."""
        parts = self.name.split()
        return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", self.name)


def read_roster(path):
    """The Students of a roster CSV (see the module docstring); RosterError if unusable."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from None
    if not rows:
        raise RosterError(f"the roster {path} is empty: it needs a header row with a "
                          f"student_id column, then one row per student")
    header = [h.strip().lower() for h in rows[0]]
    where = {key: next((header.index(a) for a in names if a in header), None)
             for key, names in COLUMNS.items()}
    if where["student_id"] is None:
        raise RosterError(f"the roster {path} has no student id column (found: "
                          f"{', '.join(rows[0])}); name one 'student_id'")
    students, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {k: (row[i].strip() if i is not None and i < len(row) else "")
                  for k, i in where.items()}
        if not values["student_id"]:
            raise RosterError(f"{path}, line {number}: the student id is empty")
        if values["student_id"] in seen:
            raise RosterError(f"{path}, line {number}: the student id "
                              f"{values['student_id']!r} appears twice")
        seen.add(values["student_id"])
        students.append(Student(**values))
    return students


def nbgrader_parts(name):
    """(student id, assignment) when ``name`` follows nbgrader's layout
    ``[submitted/]{student_id}/{assignment}/{notebook}.ipynb``, else None."""
    parts = PurePosixPath(name).parts
    if "submitted" in parts[:-1]:
        parts = parts[parts.index("submitted") + 1:]
    return (parts[0], parts[1]) if len(parts) == 3 else None


def match(names, students):
    """({submission name: Student}, [unmatched names]) for the graded submission names
    (paths relative to the graded folder, with /)."""
    by_id = {s.student_id: s for s in students}
    found, unmatched = {}, []
    for name in names:
        student = _by_file(name, students) or _by_layout(name, by_id)
        if student is None:
            unmatched.append(name)
        else:
            found[name] = student
    return found, unmatched


def _by_file(name, students):
    path = PurePosixPath(name)
    for s in students:
        if not s.file:
            continue
        given = PurePosixPath(s.file.replace("\\", "/").strip("/"))
        if path == given or given in path.parents or path.name == given.name == given.as_posix():
            return s
    return None


def _by_layout(name, by_id):
    parts = nbgrader_parts(name)
    if parts and parts[0] in by_id:
        return by_id[parts[0]]
    path = PurePosixPath(name)
    if len(path.parts) > 1 and path.parts[0] in by_id:
        return by_id[path.parts[0]]
    return by_id.get(path.stem)
