"""Run a submission in a fresh, sandboxed Jupyter kernel, with limits, and collect its answers.

``run_submission`` starts a kernel (``kernel_session``, in a bubblewrap sandbox: ``sandbox``),
sends it the grader's setup (``inside_submission.setup``), every code cell of the submission and
then one collection per task (``inside_submission.collect``: the task's tests are written into
the exchange folder just before, and removed by the kernel as soon as read), and returns an
``Execution`` report with the raw replies. Nothing here judges.

Limits and what happens at them:
* a cell running longer than ``timeout`` seconds is interrupted (if the kernel does not come
  back, its sandbox is killed and a new one started: see below);
* the whole notebook (its cells, restarts and collections) gets ``budget`` seconds: past it,
  the sandbox is killed, the remaining cells are not run and the tasks not yet collected are
  not graded, so a notebook of thousands of slow cells cannot hold the batch;
* memory: each process may grow by ``memory_mb`` (an allocation beyond raises MemoryError in the
  kernel); a watchdog kills a sandbox whose processes together exceed the limit;
* a cell that kills the kernel (``os._exit``, a crash, the watchdog) is skipped: a new kernel
  runs the setup and the cells that had finished, and the notebook carries on — at most
  ``MAX_RESTARTS`` times;
* printed output is counted, never stored: 10 MB of prints cost nothing but a note.
"""

import json
import os
import re
import stat
import time
from dataclasses import dataclass, field

from .inside_submission import REPLY, REQUEST
from .kernel_session import KernelSession, KernelStartError

MAX_RESTARTS = 3
#: printed output above this is mentioned in the report (it is ignored either way)
OUTPUT_NOTE_BYTES = 1 * 2**20
#: largest reply the grader reads from a kernel
MAX_REPLY_BYTES = 64 * 2**20


@dataclass
class TaskPlan:
    """What the collection of one task sends: see ``inside_submission`` for the protocol.

    cases: [{"args": encoded arguments, "strict": bool}], the task's tests.
    substitutes: {function name: source code} that stand in for the notebook's functions of
        those names during this collection only (optional).
    """
    task_id: str
    function: str
    forbidden: tuple
    arg_names: tuple
    cases: list
    substitutes: dict = field(default_factory=dict)

    def request(self):
        return {"task": self.task_id, "function": self.function, "arg_names": list(self.arg_names),
                "forbidden": list(self.forbidden), "cases": self.cases,
                "substitutes": dict(self.substitutes)}


@dataclass
class Execution:
    """What happened while running a submission.

    problems: messages about the notebook's cells (errors, timeouts, crashes, output floods).
    cell_errors: {cell number: "ExceptionName: message"} of the cells that raised.
    task_problems: {task id: message} for collections that timed out or crashed.
    records: {task id: the reply its collection wrote (read at once), or None}.
    """
    problems: list = field(default_factory=list)
    cell_errors: dict = field(default_factory=dict)
    task_problems: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)


def setup_code(memory_mb, guarded):
    return ("import backproplib.course.grading.inside_submission as _grading\n"
            f"_grading.setup({int(memory_mb)}, {tuple(guarded)!r})\n"
            "del _grading\n")


def collect_code(exchange):
    return ("import backproplib.course.grading.inside_submission as _grading\n"
            f"_grading.collect({str(exchange)!r})\n"
            "del _grading\n")


def run_submission(cells, plans, exchange, timeout, memory_mb, guarded, budget=None,
                   sandboxed=True):
    """Run the code ``cells`` ([(cell number, source)]) then collect every TaskPlan.

    exchange: an empty private folder shared with the kernel. budget: seconds for the whole
    notebook (default: no limit beyond the cells'). Raises KernelStartError if no kernel can be
    started at all; everything a submission does ends up in the returned Execution.
    """
    runner = _Runner(exchange, timeout, memory_mb, setup_code(memory_mb, guarded), budget,
                     sandboxed)
    try:
        runner.session.start(runner.setup)
        for number, source in cells:
            runner.cell(number, source)
        for plan in plans:
            runner.collect(plan)
    finally:
        runner.session.close()
    return runner.report


class _Runner:
    def __init__(self, exchange, timeout, memory_mb, setup, budget, sandboxed):
        self.exchange, self.timeout, self.memory_mb, self.setup = str(exchange), timeout, memory_mb, setup
        self.session = KernelSession(exchange, memory_mb, sandboxed)
        self.report = Execution()
        self.finished = []  # (number, source) of the cells to run again after a restart
        self.restarts = 0
        self.budget = budget
        self.deadline = None if budget is None else time.monotonic() + budget
        self.out_of_time = False

    def _run(self, code, store_history=True):
        return self.session.run(code, self.timeout, store_history, self.deadline)

    def _over_budget(self):
        """True (once the sandbox is killed and a note written) when the notebook's time is up."""
        if self.deadline is None or time.monotonic() < self.deadline:
            return False
        if not self.out_of_time:
            self.out_of_time = True
            self.session.shutdown()
            self.report.problems.append(f"the notebook used up its {self.budget:g} s; the rest "
                                        f"of it was not run")
        return True

    def cell(self, number, source):
        if self._over_budget():
            return
        if not self.session.alive:
            self.report.problems.append(f"cell {number} {_first_line(source)}was not run: the "
                                        f"kernel was restarted too many times")
            return
        step = self._run(source)
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
        if self._over_budget():
            return
        self.report.problems.append(self._trouble(where, step.status))
        self._recover(step.status)

    def collect(self, plan):
        fn = f"`{plan.function}`"
        if self._over_budget():
            self.report.task_problems[plan.task_id] = (
                f"not graded: the notebook used up its {self.budget:g} s before {fn} was called")
            return
        if not self.session.alive:
            self.report.task_problems[plan.task_id] = ("not graded: the notebook stopped the "
                                                       "kernel too many times")
            return
        reply = os.path.join(self.exchange, REPLY)
        request = os.path.join(self.exchange, REQUEST)
        _remove(reply)
        try:
            self._write_request(request, plan.request())
        except OSError:  # the submission keeps putting something in the request's place
            self.report.task_problems[plan.task_id] = (
                f"not graded: the notebook got in the way of the grader's files when {fn} was "
                f"to be called")
            return
        step = self._run(collect_code(self.exchange), store_history=False)
        _remove(request)  # whatever happened, the tests leave the sandbox
        self.report.records[plan.task_id] = read_outcomes(reply)
        _remove(reply)
        if step.status == "timeout":
            self.report.task_problems[plan.task_id] = (
                f"{fn} did not finish within {self.timeout:g} s on the grader's tests (an endless "
                f"loop?)" if not self._over_budget() else
                f"not graded: the notebook used up its {self.budget:g} s while {fn} was called")
        elif step.status in ("died", "memory"):
            what = ("used more than the memory limit" if step.status == "memory"
                    else "stopped the kernel (sys.exit, os._exit or a crash)")
            self.report.task_problems[plan.task_id] = f"{fn} {what} on the grader's tests"
        elif step.error is not None and step.error[0] == "MemoryError":
            self.report.task_problems[plan.task_id] = (f"{fn} ran out of memory on the grader's "
                                                       f"tests (limit {self.memory_mb} MB)")
        elif step.error is not None and self.report.records[plan.task_id] is None:
            self.report.task_problems[plan.task_id] = (
                f"the grader could not call {fn}: {step.error[0]}: {_clean(step.error[1])} "
                f"(does the notebook change Python itself?)")
        if step.status not in ("ok", "error") and not self.out_of_time:
            self._recover(step.status)

    def _write_request(self, path, request):
        """Write the request where the kernel will look, never through a link the submission
        may have put there (the file is created anew, O_EXCL, and handed to the sandbox)."""
        _remove(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if self.session.sandbox is not None and self.session.sandbox.uid is not None:
                os.fchown(f.fileno(), self.session.sandbox.uid, self.session.sandbox.uid)
            json.dump(request, f)

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
        while self.restarts < MAX_RESTARTS and not self._over_budget():
            self.restarts += 1
            self.session.shutdown()
            try:
                self.session.start(self.setup)
            except KernelStartError:
                break
            bad = next((cell for cell in self.finished
                        if self._run(cell[1]).status not in ("ok", "error")), None)
            if bad is None:
                return
            self.finished.remove(bad)
        self.session.shutdown()


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


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


def read_outcomes(path, limit=MAX_REPLY_BYTES):
    """The record a collection wrote (a dict), or None if there is none or it is unusable.

    The file is opened without following links (the sandbox could have put a link to another
    file there) and must be a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            data = f.read(limit + 1)
        if len(data) > limit:
            return None
        record = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None
