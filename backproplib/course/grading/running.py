"""Run a submission in a fresh Jupyter kernel, with limits, and collect its answers.

``run_submission`` starts a kernel (``python3``, in a private temporary folder), sends it the
grader's setup (``inside_submission.setup``), every code cell of the submission and then one
collection cell per task (``inside_submission.collect``), and returns an ``Execution`` report.

Limits and what happens at them:
* a cell running longer than ``timeout`` seconds is interrupted (if the kernel does not come
  back, it is restarted: see below);
* memory: the kernel may grow by ``memory_mb`` (an allocation beyond raises MemoryError in the
  kernel); a watchdog kills a kernel whose resident memory still exceeds the limit;
* a cell that kills the kernel (``os._exit``, a crash, the watchdog) is skipped: a new kernel
  runs the setup and the cells that had finished, and the notebook carries on — at most
  ``MAX_RESTARTS`` times;
* printed output is counted, never stored: 10 MB of prints cost nothing but a note.
"""

import json
import os
import re
from dataclasses import dataclass, field

from .kernel_session import KernelSession, KernelStartError

MAX_RESTARTS = 3
#: printed output above this is mentioned in the report (it is ignored either way)
OUTPUT_NOTE_BYTES = 1 * 2**20


@dataclass
class TaskPlan:
    """What the collection cell of one task needs."""
    task_id: str
    function: str
    forbidden: tuple
    arg_names: tuple
    inputs_path: str
    output_path: str
    substitutes: dict = field(default_factory=dict)


@dataclass
class Execution:
    """What happened while running a submission.

    problems: messages about the notebook's cells (errors, timeouts, crashes, output floods).
    cell_errors: {cell number: "ExceptionName: message"} of the cells that raised.
    task_problems: {task id: message} for collections that timed out or crashed.
    records: {task id: the record its collection wrote (read at once), or None}.
    """
    problems: list = field(default_factory=list)
    cell_errors: dict = field(default_factory=dict)
    task_problems: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)


def setup_code(memory_mb, guarded):
    return ("import backproplib.course.grading.inside_submission as _grading\n"
            f"_grading.setup({int(memory_mb)}, {tuple(guarded)!r})\n"
            "del _grading\n")


def collect_code(plan):
    return ("import backproplib.course.grading.inside_submission as _grading\n"
            f"_grading.collect({plan.task_id!r}, {plan.function!r}, {tuple(plan.forbidden)!r}, "
            f"{tuple(plan.arg_names)!r}, {plan.inputs_path!r}, {plan.output_path!r}, "
            f"{dict(plan.substitutes)!r})\n"
            "del _grading\n")


def run_submission(cells, plans, workdir, timeout, memory_mb, guarded, kernel_name="python3"):
    """Run the code ``cells`` ([(cell number, source)]) then collect every TaskPlan.

    Raises KernelStartError if no kernel can be started at all; everything a submission does
    ends up in the returned Execution.
    """
    runner = _Runner(workdir, timeout, memory_mb, setup_code(memory_mb, guarded), kernel_name)
    try:
        runner.session.start(runner.setup)
        for number, source in cells:
            runner.cell(number, source)
        for plan in plans:
            runner.collect(plan)
    finally:
        runner.session.shutdown()
    return runner.report


class _Runner:
    def __init__(self, workdir, timeout, memory_mb, setup, kernel_name):
        self.workdir, self.timeout, self.memory_mb, self.setup = workdir, timeout, memory_mb, setup
        self.session = KernelSession(workdir, memory_mb, kernel_name)
        self.report = Execution()
        self.finished = []  # (number, source) of the cells to run again after a restart
        self.restarts = 0

    def cell(self, number, source):
        if self.session.km is None:
            self.report.problems.append(f"cell {number} {_first_line(source)}was not run: the "
                                        f"kernel was restarted too many times")
            return
        step = self.session.run(source, self.timeout)
        where = f"cell {number} {_first_line(source)}"
        if step.output_bytes > OUTPUT_NOTE_BYTES:
            self.report.problems.append(f"{where}printed {step.output_bytes / 2**20:.1f} MB of "
                                        f"output; the grader ignores printed output")
        if step.status == "error" and step.error[0] == "MemoryError":
            self.report.cell_errors[number] = f"MemoryError: {_clean(step.error[1])}"
            self.report.problems.append(
                f"{where}ran out of memory (the limit is {self.memory_mb} MB) and was skipped: "
                f"MemoryError: {_clean(step.error[1])}")
            self._recover("memory")  # a fresh kernel gets the memory back
            return
        if step.status in ("ok", "error"):
            self.finished.append((number, source))
            if step.error is not None:
                self._cell_error(number, where, step.error)
            return
        self.report.problems.append(self._trouble(where, step.status))
        self._recover(step.status)

    def collect(self, plan):
        if self.session.km is None:
            self.report.task_problems[plan.task_id] = ("not graded: the notebook stopped the "
                                                       "kernel too many times")
            return
        step = self.session.run(collect_code(plan), self.timeout, store_history=False)
        fn = f"`{plan.function}`"
        if step.status == "timeout":
            self.report.task_problems[plan.task_id] = (
                f"{fn} did not finish within {self.timeout:g} s on the grader's tests (an endless "
                f"loop?)")
        elif step.status in ("died", "memory"):
            what = ("used more than the memory limit" if step.status == "memory"
                    else "stopped the kernel (sys.exit, os._exit or a crash)")
            self.report.task_problems[plan.task_id] = f"{fn} {what} on the grader's tests"
        elif step.error is not None and step.error[0] == "MemoryError":
            self.report.task_problems[plan.task_id] = (f"{fn} ran out of memory on the grader's "
                                                       f"tests (limit {self.memory_mb} MB)")
        elif step.error is not None and not os.path.exists(plan.output_path):
            self.report.task_problems[plan.task_id] = (
                f"the grader could not call {fn}: {step.error[0]}: {_clean(step.error[1])} "
                f"(does the notebook change Python itself?)")
        self.report.records[plan.task_id] = read_outcomes(plan.output_path)
        if step.status not in ("ok", "error"):
            self._recover(step.status)

    def _cell_error(self, number, where, error):
        ename, evalue = error[0], _clean(error[1])
        self.report.cell_errors[number] = f"{ename}: {evalue}"
        if ename == "SystemExit":
            self.report.problems.append(f"{where}called sys.exit(); the grader ignored it")
        else:
            self.report.problems.append(f"{where}raised {ename}: {evalue}")

    def _trouble(self, where, status):
        return {
            "timeout": f"{where}did not finish within {self.timeout:g} s (an endless loop?) "
                       f"and was stopped",
            "died": f"{where}stopped the kernel (sys.exit, os._exit or a crash); it was skipped",
            "memory": f"{where}used more than {self.memory_mb} MB of memory and was stopped",
        }[status]

    def _recover(self, status):
        """After a timeout: interrupt. After a dead kernel (or a failed interrupt): start a new
        kernel and run the setup and the finished cells again; a finished cell that now fails
        to finish is dropped and the restart tried again (at most MAX_RESTARTS in all)."""
        if status == "timeout" and self.session.interrupt():
            return
        while self.restarts < MAX_RESTARTS:
            self.restarts += 1
            self.session.shutdown()
            try:
                self.session.start(self.setup)
            except KernelStartError:
                break
            bad = next((cell for cell in self.finished
                        if self.session.run(cell[1], self.timeout).status not in ("ok", "error")),
                       None)
            if bad is None:
                return
            self.finished.remove(bad)
        self.session.shutdown()


def _first_line(source):
    line = next((l.strip() for l in source.splitlines() if l.strip()), "")
    if not line:
        return ""
    return f"({line[:40] + '…' if len(line) > 40 else line}) "


def _clean(text, limit=300):
    """An error message on one line: no colour codes, file names of cells, or addresses."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    text = re.sub(r"\((?:[^()\s]*[/\\])?[^()\s]*\.py, line (\d+)\)", r"(line \1)", text)
    text = re.sub(r"0x[0-9a-fA-F]{4,}", "0x…", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_outcomes(path, limit=20 * 2**20):
    """The record a collection cell wrote (a dict), or None if there is none or it is unusable."""
    try:
        if os.path.getsize(path) > limit:
            return None
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
