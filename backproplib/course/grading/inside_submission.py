"""The grader's code inside the submission's kernel: set the stage, then call the answers.

This is the only grader code that runs in the sandbox, in the submission's own process, so the
submission can replace or wrap any of it: it decides nothing. At worst a submission that does
gives wrong answers to its own calls. ``running`` sends the kernel, in this order:

1. ``setup(memory_mb, guarded)`` before any cell of the submission: hard limits on each
   process's memory, a guard on the backproplib functions the tasks ask students to write (see
   ``checks.guard``), and a silent stand-in for ``backproplib.checks`` so the notebook's check
   cells do nothing (the answer key is not in the sandbox anyway);
2. the submission's code cells, as they are;
3. per task, ``collect(exchange)`` (the exchange folder's path). The protocol of one collection:

   * just before, the grader writes ``request.json`` into the exchange folder (the only folder
     shared with the grader)::

         {"task": "01.sigmoid", "function": "sigmoid", "arg_names": ["z"],
          "forbidden": ["sigmoid", ...],
          "cases": [{"args": <transport.encode(args)>, "strict": false}, ...],
          "substitutes": {"relu": "def relu(z):\\n    ..."}}          # optional

     ``collect`` reads and deletes it at once: the tests of a task exist in the sandbox only
     during that task's collection, and never those of another task.
   * ``substitutes`` (optional, default none): source code of functions that stand in for the
     submission's own of the same name during this collection only, e.g. the reference of an
     earlier task that this task's function calls, so that one bug costs points once. Each
     source is executed in a fresh namespace (it must import what it needs) and the names it
     defines replace the notebook's for the duration of the calls; the notebook's are put
     back afterwards. The grader decides what to send and judges the results.
   * ``collect`` calls the function once per case on the decoded arguments and writes
     ``reply.json``: per case the returned value, the exception (type and message) if it
     raised, the arguments as they are after the call, and the forbidden library names it
     called. Values are plain JSON (``transport``).

The grader judges every value in its own process: it compares the returned values with its
references, and the arguments that come back with the ones it sent (an in-place change of an
input is found there, not reported from here).
"""

import json
import os
import sys
import types

from backproplib.checks.guard import LibraryGuard
from backproplib.checks.runner import call

from .transport import decode, encode

_GUARD = None
REQUEST, REPLY = "request.json", "reply.json"


def setup(memory_mb, guarded):
    """Prepare this kernel for a submission (see the module docstring)."""
    global _GUARD
    limit_memory(memory_mb)
    _GUARD = LibraryGuard(guarded).install()
    _silence_checks()


def limit_memory(memory_mb):
    """Let each process grow by at most ``memory_mb`` MB of address space (Linux); beyond it an
    allocation raises MemoryError instead of exhausting the machine. The limit is hard: the
    submission cannot raise it again, and the processes it starts inherit it."""
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

    def any_check(name):  # check_all, evaluate...; never __file__ & co (inspect looks there)
        if name.startswith("__"):
            raise AttributeError(name)
        return quiet

    stub = types.ModuleType("backproplib.checks", "Checks are run by the grader, not here.")
    stub.check = stub.summary = stub.evaluate = quiet
    stub.__getattr__ = any_check
    for name in [n for n in sys.modules if n == "backproplib.checks"
                 or n.startswith("backproplib.checks.")]:
        del sys.modules[name]
    sys.modules["backproplib.checks"] = stub
    import backproplib
    backproplib.checks = stub


def collect(exchange):
    """Run one collection (see the module docstring); the request is deleted once read."""
    from IPython import get_ipython
    namespace = get_ipython().user_ns
    request_path = os.path.join(exchange, REQUEST)
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    os.unlink(request_path)
    record = {"task": request["task"]}
    with _substituted(namespace, request.get("substitutes") or {}):
        fn = namespace.get(request["function"])
        if fn is None:
            record["status"] = "missing"
        elif not callable(fn):
            record.update(status="not callable", detail=type(fn).__name__)
        else:
            record.update(status="ok", outcomes=[_call(fn, case, request) for case in request["cases"]])
    _write(os.path.join(exchange, REPLY), record)


def _call(fn, case, request):
    args = list(decode(case["args"]))
    value, error, library = call(fn, args, bool(case.get("strict")), _GUARD,
                                 tuple(request.get("forbidden", ())))
    return {"value": _safe_encode(value), "error": error, "args_after": _safe_encode(tuple(args)),
            "library": list(library)}


def _safe_encode(value):
    try:
        return encode(value)
    except RecursionError:
        return {"opaque": "a value nested too deeply to compare"}
    except Exception as exc:
        return {"opaque": f"a value that could not be read ({type(exc).__name__})"}


class _substituted:
    """Put the substitute functions in the notebook's namespace, and the notebook's back after."""

    def __init__(self, namespace, sources):
        self.namespace, self.sources, self.saved = namespace, sources, {}

    def __enter__(self):
        for name, source in self.sources.items():
            scope = {"__name__": "__grader_substitute__"}
            exec(compile(source, f"<substitute for {name}>", "exec"), scope)
            self.saved[name] = self.namespace.get(name, _ABSENT)
            self.namespace[name] = scope[name]

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            if value is _ABSENT:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value


_ABSENT = object()


def _write(path, record):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, allow_nan=True)
    os.replace(tmp, path)
