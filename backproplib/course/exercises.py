"""``backprop-course generate-exercises``: write ``exercises/`` from ``solutions/``.

``solutions/NN_topic.ipynb`` is the single source. In it, each graded answer sits between a
line ``### BEGIN SOLUTION`` and a line ``### END SOLUTION``. The student copy
``exercises/NN_topic.ipynb``:

* replaces each such region by ``# YOUR CODE HERE`` and ``raise NotImplementedError()``,
  indented like the BEGIN line;
* clears every output, execution count and execution timing;
* drops cells tagged ``solution-only`` (e.g. a worked explanation of the answer).

The same solutions give the same bytes, so ``--check`` (write nothing, exit 1 when a copy is
stale or missing) can run in CI. A marker out of place (BEGIN without END, END without BEGIN,
a marker in a Markdown cell) stops generation with an error naming the notebook and cell.
"""

import copy
import sys
from pathlib import Path

from .files import write_atomic

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = ("# YOUR CODE HERE", "raise NotImplementedError()")
SOLUTION_ONLY = "solution-only"


class MarkerError(ValueError):
    """A ``### BEGIN/END SOLUTION`` marker out of place in a solutions notebook."""


def strip_solutions(source, where):
    """Cell code with each solution region replaced by the placeholder (pure function).

    where: "solutions/01_x.ipynb, cell 4", used in error messages.
    """
    out, begun = [], None
    for lineno, line in enumerate(source.split("\n"), start=1):
        text = line.strip()
        if text.startswith(BEGIN):
            if begun:
                raise MarkerError(f"{where}, line {lineno}: a second {BEGIN!r} before the "
                                  f"{END!r} of the one on line {begun}.")
            indent = line[:len(line) - len(line.lstrip())]
            out.extend(indent + p for p in PLACEHOLDER)
            begun = lineno
        elif text.startswith(END):
            if not begun:
                raise MarkerError(f"{where}, line {lineno}: {END!r} without a {BEGIN!r} before it.")
            begun = None
        elif not begun:
            out.append(line)
    if begun:
        raise MarkerError(f"{where}: {BEGIN!r} on line {begun} has no {END!r} after it; add one "
                          f"where the answer ends.")
    return "\n".join(out)


def make_exercise(nb, name):
    """The student copy of the solutions notebook ``nb`` (an nbformat NotebookNode).

    name: the notebook's path for error messages.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        where = f"{name}, cell {number}"
        if SOLUTION_ONLY in cell.get("metadata", {}).get("tags", []):
            continue
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where)
            cell.outputs, cell.execution_count = [], None
        elif BEGIN in cell.source or END in cell.source:
            raise MarkerError(f"{where}: solution markers belong in code cells, but this is a "
                              f"{cell.cell_type} cell (tag it {SOLUTION_ONLY!r} to leave it out "
                              f"of the exercise).")
        cells.append(cell)
    nb.cells = cells
    return nb


def exercise_text(solution_path):
    """The bytes the exercise copy of ``solution_path`` should have."""
    import nbformat
    nb = nbformat.read(str(solution_path), as_version=4)
    text = nbformat.writes(make_exercise(nb, _display(solution_path)), version=4)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def generate(solutions_dir, exercises_dir, check=False):
    """Write (or with ``check`` only compare) every exercise; returns [(path, status)].

    status: "written", "up to date", "stale", "missing" or "no solution" (an exercise whose
    solutions notebook is gone). Raises MarkerError before writing anything if a marker is
    out of place.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    wanted = {exercises_dir / p.name: exercise_text(p)
              for p in sorted(solutions_dir.glob("[0-9][0-9]_*.ipynb"))}
    report = []
    for target, data in wanted.items():
        current = target.read_bytes() if target.exists() else None
        if current == data:
            report.append((target, "up to date"))
        elif check:
            report.append((target, "missing" if current is None else "stale"))
        else:
            exercises_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
            report.append((target, "written"))
    for orphan in sorted(set(exercises_dir.glob("[0-9][0-9]_*.ipynb")) - set(wanted)):
        report.append((orphan, "no solution"))
    return report


def register(subparsers):
    p = subparsers.add_parser(
        "generate-exercises", help="write exercises/ from solutions/ (the student copies)",
        description="Write exercises/NN_topic.ipynb from solutions/NN_topic.ipynb: answers "
                    "between '### BEGIN SOLUTION' and '### END SOLUTION' become "
                    "'raise NotImplementedError()', outputs are cleared.")
    p.add_argument("--dir", metavar="COURSE", help="the course folder (default: found from the "
                   "current folder, as for 'open')")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if an exercise is not what would be written now")
    p.set_defaults(func=run)


def run(args):
    from .launch import course_dir_or_report
    course = course_dir_or_report(args.dir)
    if course is None:
        return 2
    solutions = course / "solutions"
    if not any(solutions.glob("[0-9][0-9]_*.ipynb")):
        print(f"no solutions notebooks (NN_topic.ipynb) in {solutions}", file=sys.stderr)
        return 2
    try:
        report = generate(solutions, course / "exercises", check=args.check)
    except MarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path, status in report:
        print(f"{_display(path, course)}: {status}")
    bad = [p for p, s in report if s in ("stale", "missing", "no solution")]
    if bad:
        print(f"{len(bad)} exercise notebook(s) out of date: run 'backprop-course "
              f"generate-exercises' and commit the result.", file=sys.stderr)
        return 1
    return 0


def _display(path, base=None):
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(base or path.parents[1]).resolve()).as_posix()
    except ValueError:
        return str(path)
