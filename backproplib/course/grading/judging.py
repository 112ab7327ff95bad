"""Grade one submission: read it, run it in a kernel, judge every task in this process.

The score comes only from the grader's own judgement: the kernel returns raw outcomes of the
student's functions on tests drawn from a seed the notebook cannot see in advance (derived
from the file's bytes, so grading the same file again draws the same tests), and
``backproplib.checks.judge`` compares them with references computed here. Before running
anything, the code is read (``codecheck``) for calls of backproplib's own implementations.
"""

import hashlib
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...checks import codecheck, exercise_module, exercise_numbers
from ...checks.judge import judge, library_result, result
from ...checks.probes import with_probes
from ...checks.references import substitutes
from ...checks.runner import Outcome, modified_arguments
from .gradebook import safe_text
from .reading import SubmissionError, exercise_of, read_submission
from .running import TaskPlan, run_submission
from .transport import DecodeError, decode, encode


@dataclass
class GradeOptions:
    """timeout: seconds per cell; budget: seconds per notebook; memory_mb: per notebook;
    exercise: force "NN"; seed: changes the secret tests (the same seed gives the same
    gradebook); sandboxed: run the kernel in a bubblewrap sandbox (see ``sandbox``)."""
    timeout: float = 60.0
    budget: float = 600.0
    memory_mb: int = 1024
    exercise: str | None = None
    seed: int = 0
    sandboxed: bool = True


@dataclass
class SubmissionResult:
    """The grade of one notebook. ``error`` is set (and ``tasks`` empty) when it could not be
    graded at all; ``problems`` are notes about running it."""
    name: str
    exercise: str | None = None
    title: str = ""
    tasks: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    error: str | None = None

    @property
    def total(self):
        return sum(t.points for t in self.tasks)

    @property
    def max_total(self):
        return sum(t.max_points for t in self.tasks)


def grade_submission(path, options=None, name=None):
    """Grade the notebook at ``path``; never raises for a bad submission (see ``error``).
    Every text in the result is safe to print (no control characters: ``safe_text``)."""
    return _safe(_grade(path, options or GradeOptions(), name))


def _safe(out):
    out.name, out.title = safe_text(out.name), safe_text(out.title)
    out.problems = [safe_text(p) for p in out.problems]
    out.error = None if out.error is None else safe_text(out.error)
    for t in out.tasks:
        t.reason = safe_text(t.reason)
        t.details = tuple(safe_text(d, keep="\n") for d in t.details)
    return out


def _grade(path, options, name):
    out = SubmissionResult(name or Path(path).name)
    try:
        sub = read_submission(path)
        out.exercise = exercise_of(sub, exercise_numbers(), options.exercise)
        module = exercise_module(out.exercise)
    except (SubmissionError, ValueError) as exc:
        out.error = str(exc)
        return out
    out.title = module.TITLE
    tasks = module.TASKS
    code = sub.code_cells
    sources = [src for _, src in code]
    static = {t.id: codecheck.library_uses(sources, t.function, t.forbidden, t.forbidden_other)
              for t in tasks}
    base = _secret_seed(sub.data, options.seed)
    cases = {t.id: with_probes(t, t.cases(np.random.default_rng([base, zlib.crc32(t.id.encode())])))
             for t in tasks}
    with tempfile.TemporaryDirectory(prefix="backprop-grade-") as tmp:
        exchange = os.path.join(tmp, "exchange")  # the only folder the sandbox shares
        os.mkdir(exchange)
        plans = [_plan(t, cases[t.id], substitutes(t)) for t in tasks if not static[t.id]]
        guarded = sorted({name for t in tasks for name in t.forbidden})
        execution = run_submission(code, plans, exchange, options.timeout, options.memory_mb,
                                   guarded, options.budget, options.sandboxed)
    records = execution.records
    out.problems = [p.replace(tmp, "<tmp>") for p in execution.problems]
    earlier = {}
    for number, task in enumerate(tasks, start=1):
        if static[task.id]:
            res = library_result(task, number, static[task.id], how="uses")
        elif task.id in execution.task_problems:
            res = result(task, number, "not graded",
                         reason=execution.task_problems[task.id].replace(tmp, "<tmp>"))
        else:
            res = _judge_record(task, number, records.get(task.id), cases[task.id], code,
                                execution.cell_errors, earlier, _called(task, sources))
        earlier[task.id] = res
        out.tasks.append(res)
    return out


def _called(task, sources):
    """Ids of the used tasks whose functions the answer calls."""
    return tuple(u for u in task.uses
                 if codecheck.calls_function(sources, task.function, u.split(".", 1)[1]))


def _judge_record(task, number, record, cases, code, cell_errors, earlier, called=()):
    fn = f"`{task.function}`"
    status = record.get("status") if record else None
    if status == "missing":
        return result(task, number, "not found", reason=_missing(task, code, cell_errors))
    if status == "not callable":
        return result(task, number, "not found", reason=(
            f"{fn} is a {record.get('detail', 'value')}, not a function: did another cell "
            f"reuse the name?"))
    try:
        if status != "ok" or len(record["outcomes"]) != len(cases):
            raise DecodeError("incomplete")
        outcomes = [_outcome(o, c, task.args) for o, c in zip(record["outcomes"], cases)]
    except (DecodeError, KeyError, TypeError, ValueError, RecursionError):
        return result(task, number, "not graded", reason=(
            f"the grader got no usable results from {fn} (did the notebook change Python "
            f"itself, e.g. json or numpy?)"))
    names = substitutes(task)
    substituted = tuple(u for u in called if u.split(".", 1)[1] in names)
    return judge(task, number, cases, outcomes, earlier, substituted, called)


def _outcome(data, case, arg_names):
    """An Outcome from one case of a reply; whether an input was modified is decided here, by
    comparing the arguments that came back with the ones the grader sent."""
    error = data["error"]
    if error is not None:
        if not (isinstance(error, list) and len(error) == 2 and all(isinstance(e, str) for e in error)):
            raise DecodeError("bad error")
        error = (error[0][:100], error[1][:300])
    after = decode(data["args_after"])
    sent = decode(encode(tuple(case.args)))
    if not isinstance(after, tuple) or len(after) != len(sent):
        raise DecodeError("arguments missing")
    library = data["library"]
    if not isinstance(library, list):
        raise DecodeError("bad library list")
    return Outcome(value=decode(data["value"]), error=error,
                   modified=modified_arguments(arg_names, sent, after),
                   library=tuple(str(m)[:100] for m in library))


def _missing(task, code, cell_errors):
    fn = f"`{task.function}`"
    index = codecheck.defining_cell([src for _, src in code], task.function)
    if index is None:
        return (f"function {fn} not found: did you rename or delete it? The grader looks for "
                f"`def {task.function}(...)` with exactly this name")
    number = code[index][0]
    if number in cell_errors:
        return f"function {fn} was not defined: its cell {number} failed ({cell_errors[number]})"
    return f"function {fn} was not defined when the notebook finished running"


def _plan(task, cases, substitutes=None):
    """The collection of ``task``: its tests, and optionally ``substitutes`` {function name:
    source} that replace the notebook's functions of those names during this collection only
    (e.g. the reference of an earlier task this one calls; see ``inside_submission``)."""
    return TaskPlan(task.id, task.function, tuple(task.forbidden), tuple(task.args),
                    [{"args": encode(tuple(c.args)), "strict": c.strict} for c in cases],
                    dict(substitutes or {}))


def _secret_seed(data, seed):
    """A seed the notebook cannot know in advance: it depends on the notebook's own bytes."""
    digest = hashlib.sha256(b"backprop-course grader\0" + str(seed).encode() + b"\0" + data)
    return int.from_bytes(digest.digest()[:8], "little")
