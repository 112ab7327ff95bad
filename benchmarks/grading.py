"""Section 5: time to grade 30 submissions with ``backprop-course grade``, serially and with 2 jobs.

The submissions are copies of the solution notebooks (complete answers, so every check runs),
one folder per student, in a temporary directory that is deleted afterwards; the grader runs
with that directory as its working directory, so nothing is written into the repository.
Serial and 2-job runs alternate, so the machine's noise hits both alike.
"""

import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .timing import ORIGINAL_ENVIRONMENT, Row, skipped

SECTION = "5 grading"
ROOT = Path(__file__).resolve().parent.parent
TARGET = 45.0  # seconds for 30 submissions with 2 jobs


def make_submissions(folder, count):
    """Copy the solution notebooks into ``count`` student folders (cycling over the notebooks)."""
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    for i in range(count):
        student = folder / f"student{i + 1:02d}"
        student.mkdir(parents=True)
        source = solutions[i % len(solutions)]
        shutil.copy(source, student / source.name)


def grade(folder, jobs):
    """Run the grader once; returns (seconds, exit code, last line of its output)."""
    command = [sys.executable, "-m", "backproplib.course.cli", "grade", str(folder / "submitted"),
               "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=dict(ORIGINAL_ENVIRONMENT),
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, done.returncode, lines[-1][:120] if lines else ""


def run(quick=False):
    if importlib.util.find_spec("backproplib.course.grading.command") is None:
        return [skipped(SECTION, "backprop-course grade", "the grader is not written yet "
                                                          "(no backproplib.course.grading.command)")]
    if not list((ROOT / "solutions").glob("*.ipynb")):
        return [skipped(SECTION, "backprop-course grade", "no solution notebooks to grade")]
    count, rounds = (4, 1) if quick else (30, 2)
    times = {1: [], 2: []}
    outcome = {}
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        folder = Path(tmp)
        make_submissions(folder / "submitted", count)
        for _ in range(rounds):
            for jobs in (1, 2):
                seconds, code, last = grade(folder, jobs)
                times[jobs].append(seconds)
                outcome[jobs] = f"exit code {code}: {last}"
    serial, parallel = statistics.median(times[1]), statistics.median(times[2])
    what = f"grade {count} submissions"
    return [
        Row(SECTION, f"{what}, serial (--jobs 1)", tuple(times[1]), "time", "",
            None, outcome[1]),
        Row(SECTION, f"{what}, --jobs 2", tuple(times[2]), "time",
            f"{serial / parallel:.2f}x faster than serial" + ("" if quick else
                                                              f"; target <= {TARGET:g} s"),
            None if quick else parallel <= TARGET, outcome[2]),
    ]
