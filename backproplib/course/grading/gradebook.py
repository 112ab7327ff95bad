"""The gradebook (CSV and JSON) of a batch, and the report printed for one notebook.

One row per submission (sorted by file name), one column per task, the total, the maximum, the
reason for every lost point, and notes about running the notebook. No dates, paths or timings:
grading the same folder twice writes the same bytes.

Text that comes from a submission (its file name, its error messages) never carries control
characters into a terminal or a spreadsheet: ``safe_text`` shows them escaped (``\x1b``), and a
CSV cell that a spreadsheet would run as a formula (starting with =, +, -, @) gets a leading '.
"""

import csv
import io
import json
import unicodedata
from pathlib import Path

from ...checks import exercise_module
from ...checks.feedback import FAIL, PASS, format_feedback, format_points
from ..files import write_atomic

GRADEBOOK_FILES = ("gradebook.csv", "gradebook.json")


def safe_text(text, keep=""):
    """``text`` with control and format characters (escapes, newlines, bidi overrides) shown
    as \\xNN / \\uNNNN, and lone surrogates (from undecodable bytes) as \\udcNN; the
    characters in ``keep`` (e.g. "\\n") stay."""
    out = []
    for ch in str(text):
        if ch not in keep and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _cell(text):
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = safe_text(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def task_columns(results):
    """[(exercise, task)] of every exercise that occurs in ``results``, in course order."""
    numbers = sorted({r.exercise for r in results if r.exercise})
    return [(n, t) for n in numbers for t in exercise_module(n).TASKS]


def lost_points(result):
    """'01.sigmoid -1: reason; ...' for every task that lost points (or why nothing was graded)."""
    if result.error:
        return f"not graded: {result.error}"
    return "; ".join(f"{t.task_id} -{format_points(t.max_points - t.points)}: {t.reason}"
                     for t in result.tasks if not t.full_marks)


def task_notes(result):
    """'01.two_layer_forward: your `sigmoid` is wrong (task 2); ...' for tasks with a note."""
    return [f"{t.task_id}: {t.note}" for t in result.tasks if t.note]


def gradebook_csv(results):
    columns = task_columns(results)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["submission", "exercise", *(t.id for _, t in columns), "total", "max",
                     "lost points", "notes"])
    for r in results:
        points = {t.task_id: format_points(t.points) for t in r.tasks}
        writer.writerow([_cell(r.name), r.exercise or "",
                         *(points.get(t.id, "") for _, t in columns),
                         format_points(r.total), format_points(r.max_total) if r.tasks else "",
                         _cell(lost_points(r)), _cell("; ".join([*r.problems, *task_notes(r)]))])
    return out.getvalue()


def gradebook_json(results):
    columns = task_columns(results)
    exercises = {}
    for number, task in columns:
        exercises.setdefault(number, {"title": exercise_module(number).TITLE, "tasks": []})
        exercises[number]["tasks"].append({"id": task.id, "function": task.function,
                                           "points": task.points})
    rows = [{"submission": r.name, "exercise": r.exercise, "total": r.total,
             "max": r.max_total if r.tasks else None,
             "tasks": {t.task_id: t.to_dict() for t in r.tasks},
             "problems": r.problems, "error": r.error} for r in results]
    return json.dumps({"exercises": exercises, "submissions": rows}, indent=2,
                      ensure_ascii=False) + "\n"


def write_gradebook(results, out_dir):
    """Write gradebook.csv and gradebook.json into ``out_dir`` (atomically); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = sorted(results, key=lambda r: r.name)
    paths = [out_dir / name for name in GRADEBOOK_FILES]
    write_atomic(paths[0], gradebook_csv(results))
    write_atomic(paths[1], gradebook_json(results))
    return paths


def format_report(result):
    """The per-task table (and the feedback on lost points) for one notebook."""
    if result.error:
        return f"{result.name}: not graded — {result.error}"
    lines = [f"{result.name} — Exercise {result.exercise} · {result.title}", ""]
    width = max(len(t.function) for t in result.tasks) + 2
    lines.append(f"  #  {'function':<{width}}points  result")
    for t in result.tasks:
        mark = PASS if t.full_marks else FAIL
        score = f"{format_points(t.points)}/{format_points(t.max_points)}"
        note = ("correct" + (f" (note: {t.note})" if t.note else "")) if t.full_marks else t.reason
        lines.append(f"  {t.number}  {t.function:<{width}}{score:<8}{mark} {note}")
    lines += ["", f"Total: {format_points(result.total)}/{format_points(result.max_total)} points"]
    details = [format_feedback(t) for t in result.tasks if not t.full_marks and t.details]
    if details:
        lines += ["", "Feedback on the lost points:", *details]
    if result.problems:
        lines += ["", "While running the notebook:", *(f"  - {p}" for p in result.problems)]
    return "\n".join(lines)


def format_summary(results):
    """One line per submission: points, or why it was not graded, and the number of notes."""
    width = max(len(r.name) for r in results) + 2
    lines = []
    for r in results:
        if r.error:
            lines.append(f"{r.name:<{width}}not graded: {r.error}")
            continue
        notes = f"  ({len(r.problems)} note{'s' * (len(r.problems) != 1)})" if r.problems else ""
        lines.append(f"{r.name:<{width}}{format_points(r.total)}/{format_points(r.max_total)}"
                     f"{notes}")
    return "\n".join(lines)
