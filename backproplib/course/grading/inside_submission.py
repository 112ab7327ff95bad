"""The grader's code inside the grading kernel: set the stage, then call the answers.

``running`` sends the kernel, in this order:

1. ``setup(memory_mb, guarded)`` before any cell of the submission: a memory limit for the
   kernel, a guard on the backproplib functions the tasks ask students to write (a call during
   a task's collection is refused and recorded), and a silent stand-in for
   ``backproplib.checks`` so the notebook's check cells do nothing (and the reference answers
   are not importable).
2. the submission's code cells, as they are;
3. per task, ``collect(...)``: look the function up by name, call it on the grader's tests
   (read from a JSON file) and write the raw outcomes (values, exceptions) to another file.
   ``substitutes`` ({name: source code}) are correct versions of the earlier tasks' functions
   that this task calls: they replace the notebook's own during the calls (a bug costs once).

Nothing here decides a score: the grader judges the outcomes in its own process.
"""

import json
import os
import sys
import types

from backproplib.checks.guard import LibraryGuard
from backproplib.checks.references import substituted
from backproplib.checks.runner import run_cases
from backproplib.checks.spec import Case

from .transport import decode, encode

_GUARD = None


def setup(memory_mb, guarded):
    """Prepare this kernel for a submission (see the module docstring)."""
    global _GUARD
    limit_memory(memory_mb)
    _GUARD = LibraryGuard(guarded).install()
    _silence_checks()


def limit_memory(memory_mb):
    """Let the kernel grow by at most ``memory_mb`` MB of address space (Linux); beyond it an
    allocation raises MemoryError instead of exhausting the machine."""
    try:
        import resource
        with open("/proc/self/status") as f:
            used = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    except (ImportError, OSError, StopIteration):
        return
    limit = used + int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _silence_checks():
    def quiet(*args, **kwargs):
        return None

    stub = types.ModuleType("backproplib.checks", "Checks are run by the grader, not here.")
    stub.check = stub.summary = stub.evaluate = quiet
    stub.__getattr__ = lambda name: quiet
    for name in [n for n in sys.modules if n == "backproplib.checks"
                 or n.startswith("backproplib.checks.")]:
        del sys.modules[name]
    sys.modules["backproplib.checks"] = stub
    import backproplib
    backproplib.checks = stub


def collect(task_id, function, forbidden, arg_names, inputs_path, output_path, substitutes=None):
    """Call the notebook's ``function`` on the tests in ``inputs_path``; write the outcomes."""
    from IPython import get_ipython
    namespace = get_ipython().user_ns
    record = {"task": task_id}
    fn = namespace.get(function)
    if fn is None:
        record["status"] = "missing"
    elif not callable(fn):
        record.update(status="not callable", detail=type(fn).__name__)
    else:
        with open(inputs_path, encoding="utf-8") as f:
            tests = json.load(f)
        cases = [Case(decode(t["args"]), t["label"], t["strict"]) for t in tests]
        with substituted(fn, substitutes or {}):
            outcomes = run_cases(fn, cases, tuple(arg_names), _GUARD, tuple(forbidden))
        record["status"] = "ok"
        record["outcomes"] = [{"value": encode(o.value), "error": o.error,
                               "modified": list(o.modified), "library": list(o.library)}
                              for o in outcomes]
    tmp = output_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f)
    os.replace(tmp, output_path)
