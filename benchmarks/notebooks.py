"""Section 4: execution time of every lesson and solution notebook, and of the test suite.

Each notebook runs top to bottom in a fresh kernel with nbclient, as Restart & Run All would.
The figure is the wall time *including* starting and stopping the kernel; the note gives the
cells alone (from the first cell sent to the last reply). ``--suite`` also times one run of
``python3 -m pytest -q`` (the README's test command, browser test included when it can run).
"""

import subprocess
import sys
import time
from pathlib import Path

from .timing import ORIGINAL_ENVIRONMENT, Row, skipped

SECTION = "4 notebooks"
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_TARGET = 20.0   # seconds, each lesson
SUITE_TARGET = 300.0     # seconds, the whole test suite


def execute(path, timeout=300):
    """Run one notebook in a fresh kernel. Returns (total seconds, cells-only seconds)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    marks = {}

    def first_cell(**_):
        marks.setdefault("first", time.perf_counter())

    def last_reply(**_):
        marks["last"] = time.perf_counter()

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=first_cell, on_cell_executed=last_reply)
    start = time.perf_counter()
    client.execute(env=dict(ORIGINAL_ENVIRONMENT))
    total = time.perf_counter() - start
    cells = marks["last"] - marks["first"] if "first" in marks else 0.0
    return total, cells


def notebook_rows(quick):
    paths = sorted((ROOT / "lessons").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    if not paths:
        return [skipped(SECTION, "lessons/*.ipynb, solutions/*.ipynb", "no notebooks found")]
    if quick:
        paths = paths[:1]
    runs = 1 if quick else 3
    rows = []
    for path in paths:
        name = str(path.relative_to(ROOT))
        try:
            results = [execute(path) for _ in range(runs)]
        except Exception as exc:  # a notebook being written may fail: say so, go on
            first_line = (str(exc).strip().splitlines() or [""])[-1][:120]
            rows.append(skipped(SECTION, name, f"execution failed: {type(exc).__name__}: "
                                               f"{first_line}"))
            continue
        totals = tuple(t for t, _ in results)
        cells = sorted(c for _, c in results)[len(results) // 2]
        is_lesson = path.parent.name == "lessons"
        median = sorted(totals)[len(totals) // 2]
        rows.append(Row(SECTION, name, totals, "time",
                        f"target <= {NOTEBOOK_TARGET:g} s" if is_lesson else "",
                        (median <= NOTEBOOK_TARGET) if is_lesson else None,
                        f"cells alone {cells:.1f} s; kernel start and stop included"))
    return rows


def suite_row():
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=dict(ORIGINAL_ENVIRONMENT), capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1]
    return Row(SECTION, "whole test suite (python3 -m pytest -q)", (seconds,), "time",
               f"target <= {SUITE_TARGET:g} s", seconds <= SUITE_TARGET,
               f"1 run; exit code {done.returncode}: {summary}")


def run(quick=False, notebooks=True, suite=False):
    rows = notebook_rows(quick) if notebooks else []
    if suite:
        rows.append(suite_row())
    return rows
