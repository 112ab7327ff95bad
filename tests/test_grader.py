"""The grader: ``backprop-course grade`` on good, wrong and hostile submissions.

The expensive part runs once: every submission built by tests/grading/submissions.py (from the
real solutions notebooks) and every attack of tests/grading/hostile.py is graded in ONE batch
with --jobs 2, in the sandbox, then each test reads the gradebook. For every attack: its score
is what it earned (the forged part zero), the other submissions of the batch get exactly their
points, no process survives, no file outside the grader's output changes and every submission
is byte-for-byte unchanged. The pieces around it (reading notebooks, the data format, the
gradebook, the record) are tested without kernels.
"""

import csv
import hashlib
import json
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from backproplib.checks.judge import TaskResult
from backproplib.course import cli
from backproplib.course.grading.command import find_notebooks
from backproplib.course.grading.gradebook import gradebook_csv, lost_points, write_gradebook
from backproplib.course.grading.judging import SubmissionResult
from backproplib.course.grading.reading import SubmissionError, exercise_of, read_submission
from backproplib.course.grading.transport import DecodeError, Opaque, decode, encode

ROOT = Path(__file__).resolve().parents[1]
BUILD = runpy.run_path(str(ROOT / "tests" / "grading" / "submissions.py"))
HOSTILE = runpy.run_path(str(ROOT / "tests" / "grading" / "hostile.py"))
OPTIONS = ["--timeout", "5", "--memory", "512", "--budget", "40"]
#: file names a grader must survive (bytes: one is not UTF-8) and how the gradebook shows them
ODD_NAMES = {b"\xff\xfeodd.ipynb": "\\xff\\xfeodd.ipynb", b"new\nline.ipynb": "new\\x0aline.ipynb",
             b"-dash.ipynb": "-dash.ipynb", b"\x1b[31mred.ipynb": "\\x1b[31mred.ipynb"}
VICTIM = "classmate_victim.ipynb"


def grade(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


def snapshot(folder):
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(Path(folder).rglob("*"))
            if p.is_file()}


def package_digest():
    """SHA-256 of every file of the installed backproplib package (not its byte-code caches)."""
    import backproplib
    digest = hashlib.sha256()
    for p in sorted(Path(backproplib.__file__).parent.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            digest.update(str(p).encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


def survivors():
    """Processes started by the attacks, or running as a sandbox's user, that are still alive."""
    import psutil

    from backproplib.course.grading.sandbox import FIRST_UID
    found = []
    for p in psutil.process_iter(["cmdline", "uids"]):
        cmdline = " ".join(p.info["cmdline"] or [])
        uids = p.info["uids"]
        if HOSTILE["MARKER"] in cmdline or (uids and FIRST_UID <= uids.real < FIRST_UID + 10_000):
            found.append((p.pid, cmdline[:100]))
    return found


def build_batch(root):
    """Every test submission in root/submissions; {gradebook name: expectation}, and the paths."""
    from backproplib.course.grading.sandbox import package_folder
    folder, out = root / "submissions", root / "out"
    cases = BUILD["build_all"](ROOT / "solutions", ROOT / "exercises", folder)
    sol1 = BUILD["load"](ROOT / "solutions" / "01_forward_pass.ipynb")
    ex1 = BUILD["load"](ROOT / "exercises" / "01_forward_pass.ipynb")
    (root / "elsewhere").mkdir()
    paths = {"victim": folder / VICTIM, "out": out, "sentinel": root / "elsewhere" / "sentinel.txt",
             "package": package_folder()}
    paths["sentinel"].write_text("untouched\n")
    BUILD["save"](sol1, paths["victim"])
    cases[VICTIM] = {"total": 10}
    for name, (nb, expect) in HOSTILE["build_hostile"](sol1, ex1, paths).items():
        BUILD["save"](nb, folder / name)
        cases[name] = expect
    data = (ROOT / "solutions" / "01_forward_pass.ipynb").read_bytes()
    for raw, shown in ODD_NAMES.items():
        with open(os.path.join(os.fsencode(folder), raw), "wb") as f:
            f.write(data)
        cases[shown] = {"total": 10}
    return cases, paths


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade every test submission once, with --jobs 2, in the sandbox."""
    root = tmp_path_factory.mktemp("grading")
    cases, paths = build_batch(root)
    folder, out = root / "submissions", paths["out"]
    before, package = snapshot(folder), package_digest()
    start = time.monotonic()
    done = grade(str(folder), "--jobs", "2", "--out", str(out), *OPTIONS)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stdout + done.stderr
    book_bytes = {name: (out / name).read_bytes() for name in ("gradebook.csv", "gradebook.json")}
    book = json.loads(book_bytes["gradebook.json"].decode("utf-8"))
    rows = {row["submission"]: row for row in book["submissions"]}
    return {"cases": cases, "rows": rows, "book": book, "out": out, "folder": folder,
            "before": before, "done": done, "paths": paths, "package": package,
            "book_bytes": book_bytes, "seconds": seconds, "done_at": time.monotonic()}


def _names():
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        return sorted(build_batch(Path(tmp))[0])


CASES = _names()


@pytest.mark.parametrize("name", CASES)
def test_each_submission_gets_the_expected_grade_and_messages(batch, name):
    expect, row = batch["cases"][name], batch["rows"][name]
    if "error" in expect:
        assert row["error"] and expect["error"] in row["error"]
        assert row["tasks"] == {} and row["total"] == 0
        return
    assert row["error"] is None, row["error"]
    if "total" in expect:
        assert row["total"] == expect["total"], row
    full = sum(t["max"] for t in row["tasks"].values())
    if expect.get("total") == full:
        assert all(t["status"] == "correct" for t in row["tasks"].values())
    for task_id, (points, hint) in expect.get("tasks", {}).items():
        task = row["tasks"][task_id]
        if points == "<":
            assert task["points"] < task["max"], task
        else:
            assert task["points"] == points, task
        assert hint in task["reason"] or hint in task["note"], task
    for piece in expect.get("problems", []):  # "a|b": either piece
        assert any(any(alt in p for alt in piece.split("|")) for p in row["problems"]), row["problems"]


def test_the_gradebook_has_one_row_per_submission_and_a_column_per_task(batch):
    with open(batch["out"] / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["submission"].removeprefix("'") for r in rows] == sorted(batch["cases"])
    task_ids = [t["id"] for n in ("01", "02") for t in batch["book"]["exercises"][n]["tasks"]]
    assert list(rows[0])[2:2 + len(task_ids)] == task_ids
    assert list(rows[0])[-4:] == ["total", "max", "lost points", "notes"]
    wrong = next(r for r in rows if r["submission"] == "wrong_01.ipynb")
    assert wrong["01.relu"] == "0" and wrong["02.mse"] == "" and wrong["max"] == "10"
    assert "01.relu -1: np.max(z, 0)" in wrong["lost points"]
    solution = next(r for r in rows if r["submission"] == "solution_02.ipynb")
    assert solution["total"] == "11" and solution["lost points"] == ""
    bad = next(r for r in rows if r["submission"] == "corrupt_json.ipynb")
    assert bad["lost points"].startswith("not graded: not a notebook")


def test_batch_shows_progress_and_a_summary_and_modifies_nothing(batch):
    done = batch["done"]
    assert f"{len(CASES)}/{len(CASES)}" in done.stderr and "grading [" in done.stderr
    assert "solution_01.ipynb" in done.stdout and "10/10" in done.stdout
    assert snapshot(batch["folder"]) == batch["before"]
    assert sorted(p.name for p in batch["out"].iterdir()) == [
        "class_report.html", "class_report.json", "feedback", "gradebook.csv", "gradebook.json"]


def test_no_attack_leaves_a_process_or_changes_a_file_outside_the_output(batch):
    time.sleep(max(0.0, batch["done_at"] + 8 - time.monotonic()))  # the daemons' delay is 6 s
    assert survivors() == []
    assert snapshot(batch["folder"]) == batch["before"]  # every submission byte-for-byte
    assert batch["paths"]["sentinel"].read_text() == "untouched\n"
    assert package_digest() == batch["package"]
    assert sorted(p.name for p in batch["out"].iterdir()) == [
        "class_report.html", "class_report.json", "feedback", "gradebook.csv", "gradebook.json"]
    assert {n: (batch["out"] / n).read_bytes() for n in batch["book_bytes"]} == batch["book_bytes"]


def test_names_and_messages_reach_terminal_and_csv_without_control_characters(batch):
    csv_text = batch["book_bytes"]["gradebook.csv"].decode("utf-8")
    for text in (csv_text, batch["done"].stdout, batch["done"].stderr.replace("\r", "")):
        assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 for c in text)
    assert "'-dash.ipynb," in csv_text  # a spreadsheet shows it as text, not a formula
    assert csv_text.count("\n") == len(batch["cases"]) + 1


def test_printed_output_and_redefined_checks_change_nothing(batch):
    row = batch["rows"]["fake_full_marks.ipynb"]
    assert row["total"] == 0
    assert all(t["status"] == "not implemented" for t in row["tasks"].values())


def test_grading_again_gives_the_same_gradebook_and_one_notebook_prints_a_table(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    cases = BUILD["build_all"](ROOT / "solutions", ROOT / "exercises", tmp_path / "all")
    for name in ("solution_01.ipynb", "wrong_02.ipynb", "not_a_notebook.ipynb"):
        (folder / name).write_bytes((tmp_path / "all" / name).read_bytes())
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    books = []
    for run in ("first", "second"):
        done = grade(str(folder), "--jobs", "2", "--out", str(tmp_path / run), *OPTIONS)
        assert done.returncode == 0, done.stderr
        books.append([(tmp_path / run / f).read_bytes() for f in (
            "gradebook.csv", "gradebook.json", "class_report.html", "class_report.json",
            "feedback/wrong_02.txt")])
    assert books[0] == books[1]
    assert len(json.loads(books[0][1])["submissions"]) == 3  # the checkpoint folder is skipped
    one = grade(str(tmp_path / "all" / "wrong_01.ipynb"), *OPTIONS)
    assert one.returncode == 0, one.stderr
    lines = one.stdout.splitlines()
    assert lines[0] == "wrong_01.ipynb — Exercise 01 · The forward pass"
    for function in ("neuron", "sigmoid", "relu", "dense_forward", "two_layer_forward",
                     "question_parameters", "question_nonlinearity"):
        assert any(line.split()[1:2] == [function] for line in lines[2:11]), function
    assert "Total: 1/10 points" in one.stdout and "likely cause:" in one.stdout
    assert cases["wrong_01.ipynb"]["tasks"]


def test_bad_command_lines_exit_2_with_a_message(tmp_path, capsys):
    assert cli.main(["grade", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["grade", str(tmp_path), "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err
    assert cli.main(["grade", str(tmp_path)]) == 2
    assert "no notebooks" in capsys.readouterr().err
    assert cli.main(["grade", str(tmp_path), "--exercise", "42"]) == 2
    assert "no such exercise" in capsys.readouterr().err


# -- pieces, without kernels ----------------------------------------------------------------------

def test_read_submission_explains_what_is_wrong(tmp_path):
    cases = {"empty.ipynb": (b"", "not valid JSON"), "list.ipynb": (b"[1, 2]", "list of 'cells'"),
             "old.ipynb": (b'{"cells": [], "nbformat": 3}', "format 4"),
             "bad_cell.ipynb": (b'{"cells": [1], "nbformat": 4}', "cell 1"),
             "pdf.ipynb": (b"%PDF-1.4\xff\xfe", "not text")}
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(SubmissionError, match=message):
            read_submission(tmp_path / name)
    with pytest.raises(SubmissionError, match="cannot read"):
        read_submission(tmp_path / "missing.ipynb")


def test_exercise_is_found_from_option_metadata_name_or_check_cells(tmp_path):
    def notebook(name, metadata=None, code=""):
        cells = [{"cell_type": "code", "source": code, "metadata": {}, "outputs": []}]
        (tmp_path / name).write_text(json.dumps({"cells": cells, "nbformat": 4,
                                                 "metadata": metadata or {}}))
        return read_submission(tmp_path / name)
    known = ["01", "02"]
    assert exercise_of(notebook("a.ipynb", {"backprop_course": {"exercise": "02"}}), known) == "02"
    assert exercise_of(notebook("01_forward_pass.ipynb"), known) == "01"
    assert exercise_of(notebook("b.ipynb", code='check("02.mse", mse)'), known) == "02"
    assert exercise_of(notebook("c.ipynb"), known, forced="1") == "01"
    with pytest.raises(SubmissionError, match="--exercise"):
        exercise_of(notebook("d.ipynb"), known)


def test_values_travel_exactly_and_nothing_else_is_rebuilt():
    values = [1.5, np.array([[0.1, np.nan], [np.inf, -0.0]]), (np.arange(3), 2.0),
              np.float32(0.1), [1, 2], np.array(True), None]
    for value in values:
        back = decode(json.loads(json.dumps(encode(value))))
        assert type(back) is type(np.asarray(value) if isinstance(value, np.generic) else value)
        if isinstance(value, tuple):
            assert np.array_equal(back[0], value[0]) and back[1] == value[1]
        elif value is not None:
            assert np.array_equal(np.asarray(back), np.asarray(value), equal_nan=True)
            assert np.asarray(back).dtype == np.asarray(value).dtype
    assert isinstance(decode(encode("text")), Opaque)
    assert "too large" in decode(encode(np.zeros(2_000_000))).description
    for bad in [{"ndarray": [1], "dtype": "object", "shape": [1]},
                {"ndarray": [1, 2], "dtype": "float64", "shape": [3]},
                {"__reduce__": "os.system"}, "a string", {"tuple": 3}]:
        with pytest.raises(DecodeError):
            decode(bad)


def test_gradebook_is_written_atomically_and_says_why_points_were_lost(tmp_path):
    task = TaskResult("01.relu", 3, "relu", "the ReLU activation", 0.0, 1.0, "wrong",
                      "np.max(z, 0) reduces")
    ok = TaskResult("01.neuron", 1, "neuron", "a neuron", 1.0, 1.0, "correct")
    results = [SubmissionResult("b.ipynb", "01", "The forward pass", [ok, task], ["cell 3 raised X"]),
               SubmissionResult("a.ipynb", error="not a notebook: the file is not text")]
    assert lost_points(results[0]) == "01.relu -1: np.max(z, 0) reduces"
    (tmp_path / "gradebook.csv").write_text("old")
    paths = write_gradebook(results, tmp_path)
    assert [p.name for p in paths] == ["gradebook.csv", "gradebook.json"]
    text = (tmp_path / "gradebook.csv").read_text()
    assert text.splitlines()[1].startswith("a.ipynb,,") and "b.ipynb,01,1," in text
    assert "cell 3 raised X" in text and text == gradebook_csv(sorted(results, key=lambda r: r.name))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook.csv", "gradebook.json"]


def test_find_notebooks_skips_hidden_folders_and_counts_other_files(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "01_forward_pass.ipynb").write_text("{}")
    (tmp_path / "bob.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "bob-checkpoint.ipynb").write_text("{}")
    notebooks, others = find_notebooks(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in notebooks] == \
        ["alice/01_forward_pass.ipynb", "bob.ipynb"]
    assert others == 1
