"""Grades where instructors keep them: roster, Canvas and nbgrader CSV, Gradescope, class report.

Each export is checked against its documented format (REFERENCE: Canvas's gradebook import,
``nbgrader export``, Gradescope's autograder specification). The Gradescope bundle is run for
real: its ``run_autograder`` grades a notebook in a fake /autograder folder and its
results.json is validated with a JSON Schema written from Gradescope's specification.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from backproplib.checks import evaluate, exercise_module, tasks
from backproplib.course.grading import exports, gradescope, roster
from backproplib.course.grading.class_report import class_report, report_html
from backproplib.course.grading.judging import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]

ROSTER = """Student ID,Name,Email,Folder
alice,Alice Martin,alice@example.org,
bob,Bob van Dijk,bob@example.org,bob_files
carol,Carol Ng,carol@example.org,carol.ipynb
"""


def _graded(name, number, answers):
    """A SubmissionResult built with the checks (no kernel): ``answers`` {function: callable}."""
    out = SubmissionResult(name, exercise=number, title=exercise_module(number).TITLE)
    with np.errstate(all="ignore"):
        for task in tasks(number):
            out.tasks.append(evaluate(task.id, answers.get(task.function, _todo), cells=[]))
    return out


def _todo(*args):
    raise NotImplementedError()


def _right_03():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def two_layer_backward(X, Y, W1, b1, W2, b2):
        A1 = sigmoid(X @ W1 + b1)
        dY = 2 * (A1 @ W2 + b2 - Y) / Y.size
        dZ1 = (dY @ W2.T) * A1 * (1 - A1)
        return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)

    return {"dense_backward": lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)),
            "sigmoid_backward": lambda dA, Z: dA * sigmoid(Z) * (1 - sigmoid(Z)),
            "relu_backward": lambda dA, Z: dA * (Z > 0),
            "two_layer_backward": two_layer_backward}


def _class():
    right = _right_03()
    mean_db = dict(right, dense_backward=lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)))
    return [_graded("submitted/alice/ps3/03_backward_pass.ipynb", "03", right),
            _graded("bob_files/03_backward_pass.ipynb", "03", mean_db),
            _graded("carol.ipynb", "03", mean_db),
            _graded("dave/ps3/03_backward_pass.ipynb", "03", {})]


@pytest.fixture
def students(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return roster.read_roster(path)


def test_roster_columns_are_found_by_their_usual_names_and_bad_rosters_are_named(tmp_path, students):
    assert [s.student_id for s in students] == ["alice", "bob", "carol"]
    assert students[1].first_last == ("Bob van", "Dijk") and students[2].file == "carol.ipynb"
    for text, message in [("name,email\nA,a@x\n", "no student id column"),
                          ("id,name\na,A\na,B\n", "appears twice"),
                          ("", "is empty"), ("id\n\n,\n ,x\n", "student id is empty")]:
        path = tmp_path / "bad.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(roster.RosterError, match=message):
            roster.read_roster(path)


def test_submissions_are_matched_by_file_folder_and_nbgrader_layout(students):
    names = [r.name for r in _class()]
    matched, unmatched = roster.match(names, students)
    assert {n: s.student_id for n, s in matched.items()} == {
        "submitted/alice/ps3/03_backward_pass.ipynb": "alice",
        "bob_files/03_backward_pass.ipynb": "bob", "carol.ipynb": "carol"}
    assert unmatched == ["dave/ps3/03_backward_pass.ipynb"]
    assert roster.nbgrader_parts("submitted/alice/ps3/x.ipynb") == ("alice", "ps3")


def test_canvas_csv_follows_the_gradebook_import_format(students):
    results = _class()
    matched, _ = roster.match([r.name for r in results], students)
    rows = list(csv.reader(io.StringIO(exports.canvas_csv(results, matched, students))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "Exercise 03: The backward pass"]  # no "(id)": Canvas creates it
    assert rows[1][0] == "    Points Possible" and rows[1][1:5] == ["", "", "", ""]
    assert float(rows[1][5]) == sum(t.points for t in tasks("03"))
    body = {r[2]: r for r in rows[2:]}
    assert list(body) == ["alice", "bob", "carol"] and all(len(r) == 6 for r in rows)
    assert body["alice"][0] == "Alice Martin" and body["alice"][3] == "alice@example.org"
    alice, bob = results[0], results[1]
    assert float(body["alice"][5]) == alice.total and float(body["bob"][5]) == bob.total
    assert alice.total > bob.total


def test_nbgrader_csv_has_the_columns_of_nbgrader_export(students):
    results = _class()
    matched, _ = roster.match([r.name for r in results], students)
    rows = list(csv.DictReader(io.StringIO(exports.nbgrader_csv(results, matched))))
    assert list(rows[0]) == exports.NBGRADER_COLUMNS == [
        "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
        "raw_score", "late_submission_penalty", "score", "max_score"]
    by_id = {r["student_id"]: r for r in rows}
    assert by_id["alice"]["assignment"] == "ps3"  # from submitted/{student}/{assignment}/
    assert by_id["bob"]["assignment"] == "03_backward_pass"
    assert by_id["bob"]["last_name"] == "Dijk" and by_id["bob"]["first_name"] == "Bob van"
    assert float(by_id["alice"]["score"]) == results[0].total
    assert float(by_id["alice"]["max_score"]) == sum(t.points for t in tasks("03"))


def test_feedback_files_carry_the_same_reasons_as_the_notebook_check(students):
    results = _class()
    matched, _ = roster.match([r.name for r in results], students)
    files = exports.feedback_files(results, matched)
    assert sorted(files) == ["alice__03_backward_pass.txt", "bob__03_backward_pass.txt",
                             "carol__carol.txt", "dave_ps3_03_backward_pass.txt"]
    bob = next(r for r in results if r.name.startswith("bob"))
    assert bob.tasks[0].reason in files["bob__03_backward_pass.txt"]


def test_class_report_counts_the_common_mistakes_and_links_the_lesson():
    data = class_report(_class())
    ex = data["exercises"]["03"]
    assert ex["submissions"] == 4 and ex["totals"] == sorted(ex["totals"])
    top = ex["mistakes"][0]
    assert top["task"] == "03.dense_backward" and top["count"] == 2 and top["share"] == 0.5
    assert "averaged dZ" in top["reason"] or "divided by N" in top["reason"]
    assert top["href"].startswith("lessons/03_backward_pass.ipynb#3.5-")
    lesson = json.loads((ROOT / top["lesson"]).read_text(encoding="utf-8"))
    headings = "".join("".join(c["source"]) for c in lesson["cells"] if c["cell_type"] == "markdown")
    assert top["section"] in headings and top["explorer"] in json.dumps(lesson)
    assert ex["tasks"][0]["mean"] == pytest.approx((3 + 0 + 0 + 0) / 4 + 0.0, abs=1.5)
    page = report_html(data)
    assert page.count("<svg") == 1 and "<script" not in page and "src=" not in page
    assert "50%</b> (2) · task 1" in page and 'href="lessons/03_backward_pass.ipynb#3.5-' in page
    json.dumps(data)  # the same data is JSON


# -- Gradescope -----------------------------------------------------------------------------------

#: results.json as Gradescope's autograder specification describes it
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "simple_format", "md", "html", "ansi"]},
        "visibility": {"enum": list(gradescope.VISIBILITIES)},
        "stdout_visibility": {"enum": list(gradescope.VISIBILITIES)},
        "tests": {"type": "array", "items": {
            "type": "object", "required": ["score", "max_score", "name", "status"],
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
                "name_format": {"enum": ["text", "simple_format", "md", "html", "ansi"]},
                "number": {"type": "string"}, "output": {"type": "string"},
                "output_format": {"enum": ["text", "simple_format", "md", "html", "ansi"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"enum": list(gradescope.VISIBILITIES)},
                "extra_data": {"type": "object"}}}},
    },
    "additionalProperties": False,
}


def _run_bundle(tmp_path, notebook, visibility="after_published"):
    """Lay out a fake /autograder (source/, submission/, metadata), run run_autograder there."""
    root = tmp_path / "autograder"
    gradescope.write_bundle("01", root / "source", visibility=visibility)
    (root / "submission").mkdir(parents=True)
    if notebook is not None:
        shutil.copy(notebook, root / "submission" / "01_forward_pass.ipynb")
    (root / "submission_metadata.json").write_text(json.dumps({
        "id": 1, "created_at": "2026-01-01T00:00:00Z", "assignment": {"total_points": 8},
        "users": [{"email": "alice@example.org", "id": 7, "name": "Alice"}],
        "previous_submissions": []}))
    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               PYTHONPATH=str(root / "source" / "backprop-course"))
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, RESULTS_SCHEMA)
    return data


def test_the_gradescope_bundle_grades_a_submission_into_a_valid_results_json(tmp_path):
    bundle = gradescope.write_bundle("01", tmp_path / "check")
    assert os.access(bundle / "run_autograder", os.X_OK) and os.access(bundle / "setup.sh", os.X_OK)
    assert (bundle / "backprop-course" / "pyproject.toml").exists()
    assert (bundle / "backprop-course" / "backproplib" / "checks" / "judge.py").exists()
    nb = json.loads((ROOT / "solutions" / "01_forward_pass.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "def relu(" in "".join(cell["source"]):
            cell["source"] = "def relu(z):\n    return max(0, z)\n"
    wrong = tmp_path / "wrong.ipynb"
    wrong.write_text(json.dumps(nb), encoding="utf-8")
    data = _run_bundle(tmp_path, wrong)
    assert [t["tags"] for t in data["tests"]] == [[t.id] for t in tasks("01")]
    assert data["score"] == sum(t["score"] for t in data["tests"]) == \
        sum(t.points for t in tasks("01")) - 1
    relu = data["tests"][2]
    assert relu["status"] == "failed" and relu["score"] == 0 and relu["max_score"] == 1
    assert "np.maximum(0, z)" in relu["output"] and relu["visibility"] == "after_published"
    assert all(t["status"] == "passed" for i, t in enumerate(data["tests"]) if i != 2)


def test_the_gradescope_bundle_reports_a_missing_notebook(tmp_path):
    data = _run_bundle(tmp_path, None)
    assert data["score"] == 0 and data["tests"] == [] and "no notebook" in data["output"]


def test_a_batch_with_a_roster_writes_every_export(tmp_path):
    nb = ROOT / "solutions" / "01_forward_pass.ipynb"
    for student in ("alice", "bob"):
        folder = tmp_path / "course" / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(nb, folder / nb.name)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade",
                           str(tmp_path / "course" / "submitted"), "--roster",
                           str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"),
                           "--jobs", "2"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "out"
    for name in ("gradebook.csv", "gradebook.json", "canvas.csv", "nbgrader_grades.csv",
                 "class_report.html", "class_report.json"):
        assert (out / name).stat().st_size > 0, name
    assert sorted(p.name for p in (out / "feedback").iterdir()) == [
        "alice__01_forward_pass.txt", "bob__01_forward_pass.txt"]
    canvas = list(csv.reader(open(out / "canvas.csv", encoding="utf-8")))
    full = f"{sum(t.points for t in tasks('01')):g}"
    assert [r[5] for r in canvas[2:]] == [full, full, ""]  # carol handed nothing in
    nbgrader = list(csv.DictReader(open(out / "nbgrader_grades.csv", encoding="utf-8")))
    assert {r["assignment"] for r in nbgrader} == {"ps1"}


def test_bad_roster_and_unknown_exercise_get_a_clear_error(tmp_path):
    (tmp_path / "roster.csv").write_text("name,email\nA,a@x\n", encoding="utf-8")
    (tmp_path / "subs").mkdir()
    for command, message in [
            (["grade", str(tmp_path / "subs"), "--roster", str(tmp_path / "roster.csv")],
             "no student id column"),
            (["gradescope-bundle", "99", "--out", str(tmp_path / "b")], "no exercise '99'")]:
        done = subprocess.run([sys.executable, "-m", "backproplib.course.cli", *command],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "b").exists()
