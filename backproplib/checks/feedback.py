"""How check results are shown: a short block per task and a table for an exercise.

Plain text (it prints the same in a notebook, a terminal and a gradebook) with numbers
rounded to 4 significant digits, so the same answer always prints the same feedback.
"""

import numpy as np

PASS, FAIL, UNCHECKED = "✓", "✗", "·"


def format_points(x):
    """3 -> '3', 1.5 -> '1.5'."""
    return f"{x:g}"


def shape_text(arr):
    arr = np.asarray(arr)
    return "a single number" if arr.ndim == 0 else f"shape {arr.shape}"


def format_value(value, indent=0):
    """An array or number as short text: 4 significant digits, long arrays abbreviated."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    text = np.array2string(arr.astype(float), precision=4, threshold=12, edgeitems=2,
                           max_line_width=max(40, 88 - indent), floatmode="maxprec",
                           suppress_small=False, separator=" ")
    lines = text.splitlines()
    if arr.size > 12:
        lines[-1] += f"  (shape {arr.shape})"
    return ("\n" + " " * indent).join(lines)


def describe_argument(name, value):
    if isinstance(value, np.ndarray):
        return f"{name} {value.shape}" if value.ndim else f"{name} = {float(value):.4g}"
    if isinstance(value, float):
        return f"{name} = {value:.4g}"
    return f"{name} = {value!r}"


def describe_test(task, case):
    """'test "random batch": X (5, 3), W (3, 4), b (4,)'."""
    names = list(task.args) + [f"argument {i + 1}" for i in range(len(task.args), len(case.args))]
    inputs = ", ".join(describe_argument(n, v) for n, v in zip(names, case.args))
    return f'test "{case.label}": {inputs}'


def format_feedback(result):
    """The block a check cell prints: ✓/✗, the task, the points, then why points were lost."""
    mark = PASS if result.full_marks else FAIL
    head = (f"{mark} Task {result.number} · {result.function} — "
            f"{format_points(result.points)}/{format_points(result.max_points)} points")
    if result.full_marks:
        return "\n".join([head + ": correct, well done.",
                          *("    " + line for line in result.details),
                          *([f"    note: {result.note}"] if result.note else [])])
    if result.status in ("not implemented", "not found", "uses the library", "not graded"):
        return f"{head}: {result.reason}"
    lines = [head, *("    " + line.replace("\n", "\n    ") for line in result.details),
             f"    likely cause: {result.reason}"]
    return "\n".join(lines)


def format_summary(title, tasks, results):
    """A table of an exercise's tasks: points so far and the reason for each lost point.

    tasks: the exercise's Tasks in order; results: {task id: TaskResult} of the tasks checked.
    """
    total = sum(r.points for r in results.values())
    possible = sum(t.points for t in tasks)
    width = max(len(t.function) for t in tasks) + 2
    lines = [f"{title}: {format_points(total)}/{format_points(possible)} points"]
    for number, task in enumerate(tasks, start=1):
        r = results.get(task.id)
        if r is None:
            lines.append(f"  {UNCHECKED} {number} {task.function:<{width}} "
                         f"{'-':>5}/{format_points(task.points):<3} not checked yet: run its check cell")
            continue
        mark = PASS if r.full_marks else FAIL
        note = "" if r.full_marks else r.reason
        lines.append(f"  {mark} {number} {task.function:<{width}} "
                     f"{format_points(r.points):>5}/{format_points(r.max_points):<3} {note}".rstrip())
    return "\n".join(lines)
