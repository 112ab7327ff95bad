"""The class report: what a workshop instructor reviews before the next session.

``class_report(results)`` gathers, per exercise: the distribution of the totals, each task's
mean, and the most common diagnosed mistakes across the class ("37% · dense_backward: db must
have the shape of b..."), each linked to the lesson section and explorer that address it
(``lesson_links``). ``report_html`` draws the same data as one self-contained HTML page (an
inline SVG histogram, no script, nothing fetched); ``json.dumps`` of the data is the JSON.
"""

import html
import re
from collections import Counter

from ...checks import exercise_module
from ...checks.feedback import format_points
from .lesson_links import lesson_link

#: reasons that are not a mistake in the answer
_NOT_MISTAKES = ("not implemented", "not found", "not graded")


def _key(reason):
    """A reason without its numbers, so that 'largest difference 0.3' and '0.5' count as one."""
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", reason)


def class_report(results, top=8):
    """{"exercises": {NN: {...}}}: the report's data (see the module docstring)."""
    graded = [r for r in results if r.exercise and not r.error]
    report = {"submissions": len(results), "not graded": len(results) - len(graded),
              "exercises": {}}
    for number in sorted({r.exercise for r in graded}):
        rows = [r for r in graded if r.exercise == number]
        tasks = exercise_module(number).TASKS
        maximum = sum(t.points for t in tasks)
        report["exercises"][number] = {
            "title": exercise_module(number).TITLE, "submissions": len(rows),
            "max": maximum, "totals": sorted(r.total for r in rows),
            "mean": sum(r.total for r in rows) / len(rows),
            "tasks": [_task_summary(t, rows) for t in tasks],
            "mistakes": _mistakes(tasks, rows, top)}
    return report


def _task_summary(task, rows):
    got = [t for r in rows for t in r.tasks if t.task_id == task.id]
    return {"id": task.id, "function": task.function, "title": task.title, "max": task.points,
            "mean": sum(t.points for t in got) / max(len(got), 1),
            "full marks": sum(t.full_marks for t in got) / max(len(got), 1)}


def _mistakes(tasks, rows, top):
    counts, example = Counter(), {}
    for r in rows:
        for t in r.tasks:
            if t.full_marks or t.status in _NOT_MISTAKES or not t.reason:
                continue
            key = (t.task_id, _key(t.reason))
            counts[key] += 1
            example.setdefault(key, t)
    by_id = {t.id: t for t in tasks}
    out = []
    for (task_id, _), count in counts.most_common(top):
        t = example[(task_id, _)]
        out.append({"task": task_id, "function": t.function, "number": t.number,
                    "share": count / len(rows), "count": count, "reason": t.reason,
                    **lesson_link(by_id[task_id])})
    return out


def histogram_svg(totals, maximum, width=420, height=160):
    """An inline SVG bar chart of how many submissions got each total (bins of 1 point)."""
    bins = int(maximum) + 1
    counts = Counter(min(int(t), bins - 1) for t in totals)
    top = max(counts.values(), default=1)
    bar = (width - 40) / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="distribution of the totals">',
             f'<line x1="30" y1="{height - 20}" x2="{width - 5}" y2="{height - 20}" stroke="#444"/>']
    for b in range(bins):
        h = (height - 40) * counts.get(b, 0) / top
        x = 30 + b * bar
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - 20 - h:.1f}" width="{bar - 2:.1f}" '
                     f'height="{h:.1f}" fill="#3b6ea5"><title>{b} points: {counts.get(b, 0)}'
                     f'</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 5}" font-size="10" '
                     f'text-anchor="middle">{b}</text>')
        if counts.get(b):
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 24 - h:.1f}" font-size="10" '
                         f'text-anchor="middle">{counts[b]}</text>')
    parts.append(f'<text x="{width - 5}" y="{height - 24}" font-size="10" text-anchor="end">'
                 f'points</text><text x="4" y="12" font-size="10">submissions</text></svg>')
    return "".join(parts)


def report_html(report):
    """The class report as one self-contained HTML page."""
    e = html.escape
    body = [f"<h1>Class report</h1><p>{report['submissions']} submission(s)"
            f"{', ' + str(report['not graded']) + ' not graded' if report['not graded'] else ''}."
            " Lesson links are relative to the course folder.</p>"]
    for number, ex in report["exercises"].items():
        body.append(f"<h2>Exercise {e(number)} · {e(ex['title'])}</h2>"
                    f"<p>{ex['submissions']} submission(s); mean {ex['mean']:.1f} of "
                    f"{format_points(ex['max'])} points.</p>"
                    f"<h3>Distribution of the totals</h3>{histogram_svg(ex['totals'], ex['max'])}"
                    "<h3>Tasks</h3><table><tr><th>#</th><th>task</th><th>mean</th>"
                    "<th>full marks</th></tr>")
        for i, t in enumerate(ex["tasks"], start=1):
            body.append(f"<tr><td>{i}</td><td><code>{e(t['function'])}</code> — {e(t['title'])}"
                        f"</td><td>{t['mean']:.2f} / {format_points(t['max'])}</td>"
                        f"<td>{t['full marks']:.0%}</td></tr>")
        body.append("</table><h3>Most common mistakes</h3>")
        if not ex["mistakes"]:
            body.append("<p>No diagnosed mistakes.</p>")
        body.append("<ol>")
        for m in ex["mistakes"]:
            where = (f' — see <a href="{e(m["href"])}">{e(m["lesson"])}, {e(m["section"])}</a>'
                     if m["href"] else f" — see {e(m['lesson'])}")
            explorer = f" and the explorer <code>{e(m['explorer'])}</code>" if m["explorer"] else ""
            body.append(f"<li><b>{m['share']:.0%}</b> ({m['count']}) · task {m['number']} "
                        f"<code>{e(m['function'])}</code>: {e(m['reason'])}{where}{explorer}</li>")
        body.append("</ol>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Class report</title><style>{style}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
