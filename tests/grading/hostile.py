"""Hostile submissions: students who want a better mark than they earned, and worse.

``build_hostile(sol1, ex1, target, paths)`` writes one notebook per attack into ``target`` and
returns {name: expectation} (the format of submissions.py). Most attacks start from the untouched
exercise 01 (honestly worth 0 points) and try to turn it into 8; the rest start from the solution
(8 points) and try to spoil the batch. ``paths`` are absolute paths outside the submission that
the attacks aim at: ``victim`` (a classmate's notebook in the same folder), ``out`` (the grader's
output folder), ``sentinel`` (a file elsewhere on the machine) and ``package`` (the installed
backproplib). Every process an attack starts carries MARKER on its command line, so that a test
can look for survivors.
"""

import copy

MARKER = "backprop-hostile-marker"


def _append(nb, *cells):
    nb = copy.deepcopy(nb)
    for text in cells:
        nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                            "outputs": [], "source": text})
    return nb


def _replace(nb, function, text):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {function}(" in source:
            cell["source"] = text
            return nb
    raise KeyError(function)


ZERO = {"total": 0}


def build_hostile(sol1, ex1, paths):
    """{file name: (notebook, expectation)} of every attack."""
    victim, out, sentinel, package = (repr(str(paths[k])) for k in
                                      ("victim", "out", "sentinel", "package"))
    cases = {}

    # -- the answer key ------------------------------------------------------------------------
    cases["hostile_reads_answer_key.ipynb"] = (_append(ex1, f"""
import importlib.util, os, glob, sys
for name in [n for n in sys.modules if n.startswith("backproplib.checks")]:
    del sys.modules[name]
key = os.path.join({package}, "checks", "exercises")
stolen = {{p: open(p).read() for p in glob.glob(key + "/*.py")}}
spec = importlib.util.spec_from_file_location("backproplib.checks.exercises.ex01", key + "/ex01.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for task in module.TASKS:
    globals()[task.function] = task.reference
"""), ZERO)
    cases["hostile_imports_references.ipynb"] = (_append(ex1, """
import sys, importlib
for name in [n for n in sys.modules if n.startswith("backproplib.checks")]:
    del sys.modules[name]
ex01 = importlib.import_module("backproplib.checks.exercises.ex01")
for task in ex01.TASKS:
    globals()[task.function] = task.reference
"""), ZERO)
    cases["hostile_searches_for_inputs.ipynb"] = (_append(ex1, """
import os, json
found = []
for top in ("/tmp", os.path.expanduser("~"), "/work"):
    for root, dirs, files in os.walk(top):
        found += [os.path.join(root, f) for f in files if f.endswith(".json")]
cases = []
for path in found:
    try:
        cases.append(json.load(open(path)))
    except Exception:
        pass
def neuron(x, w, b):  # answers from inputs found on disk, if any were
    return float(len(cases))
"""), ZERO)

    # -- the collection inside the kernel ----------------------------------------------------------
    cases["hostile_replaces_collector.ipynb"] = (_append(ex1, """
import json, os
import backproplib.course.grading.inside_submission as grading
def forged(exchange):
    request = json.load(open(os.path.join(exchange, "request.json")))
    record = {"task": request["task"], "status": "ok", "points": 99, "correct": True,
              "outcomes": [{"value": None, "error": None, "args_after": c["args"], "library": [],
                            "modified": [], "passed": True, "status": "correct"}
                           for c in request["cases"]]}
    json.dump(record, open(os.path.join(exchange, "reply.json"), "w"))
grading.collect = forged
"""), ZERO)
    cases["hostile_patches_comparison.ipynb"] = (_append(_replace(sol1, "relu", """
def relu(z):
    z[z < 0] = 0          # changes the caller's array
    return z
"""), """
import numpy as np
np.array_equal = lambda *a, **k: True
np.allclose = lambda *a, **k: True
try:
    import backproplib.checks.runner as runner
    runner.same_value = lambda a, b: True
except ImportError:
    pass
"""), {"total": 9, "tasks": {"01.relu": (0, "in place")}})

    # -- files outside the submission -------------------------------------------------------------
    cases["hostile_edits_checks.ipynb"] = (_append(ex1, f"""
import os
for rel in ("checks/judge.py", "checks/exercises/ex01.py", "course/grading/judging.py",
            "checks/__init__.py", "sitecustomize.py", "../sitecustomize.py"):
    try:
        with open(os.path.join({package}, rel), "a") as f:
            f.write("\\nFULL_MARKS = True\\n")
    except OSError:
        pass
"""), ZERO)
    cases["hostile_edits_classmate.ipynb"] = (_append(ex1, f"""
import os
for path in ({victim}, {sentinel}):
    try:
        open(path, "w").write("{{}}")
    except OSError:
        pass
try:
    os.makedirs({out}, exist_ok=True)
    open(os.path.join({out}, "gradebook.csv"), "w").write("forged")
except OSError:
    pass
for top in ("/tmp", "/work", "/home"):
    for root, dirs, files in os.walk(top):
        for f in files:
            if f.endswith((".ipynb", ".csv", ".jsonl")):
                try:
                    open(os.path.join(root, f), "w").write("{{}}")
                except OSError:
                    pass
"""), ZERO)
    cases["hostile_uses_proc.ipynb"] = (_append(ex1, """
import os, signal
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    for link in ("cwd", "root"):
        try:
            folder = os.readlink(f"/proc/{pid}/{link}")
            open(os.path.join(f"/proc/{pid}/{link}", "gradebook.csv"), "w").write("forged")
        except OSError:
            pass
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                open(f"/proc/{pid}/fd/{fd}", "w").write("forged")
            except OSError:
                pass
    except OSError:
        pass
    if int(pid) != os.getpid():
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(int(pid), sig)
            except OSError:
                pass
try:
    os.kill(-1, signal.SIGTERM)
except OSError:
    pass
"""), ZERO)
    cases["hostile_leaves_a_daemon.ipynb"] = (_append(ex1, f"""
import os, sys, subprocess
later = ("import time; time.sleep(6)\\n"
         "open({out} + '/gradebook.csv', 'w').write('forged')\\n"
         "open({sentinel}, 'w').write('forged')\\n")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", later, "{MARKER}"])
    os._exit(0)
subprocess.Popen(["sleep", "1000", "{MARKER}"], start_new_session=True)
"""), ZERO)
    cases["hostile_plants_links.ipynb"] = (_append(ex1, f"""
import os
from ipykernel.kernelapp import IPKernelApp
exchange = os.path.dirname(os.path.dirname(IPKernelApp.instance().connection_file))
for name in ["request.json", "reply.json"] + [f"kernel{{n}}.json" for n in range(2, 6)]:
    try:
        os.symlink({sentinel}, os.path.join(exchange, name))
    except OSError:
        pass
os._exit(1)  # a new kernel: the grader writes its files again
"""), ZERO)

    # -- the grader's process and its limits ------------------------------------------------------
    cases["hostile_forges_status.ipynb"] = (_append(ex1, """
import threading, time
kernel = get_ipython().kernel
parent = kernel.get_parent()
def forge():
    for _ in range(20):
        try:
            kernel.session.send(kernel.iopub_socket, "status", {"execution_state": "idle"},
                                parent=parent)
            kernel.session.send(kernel.shell_stream, "execute_reply", {"status": "ok"},
                                parent=parent, ident=kernel._parent_ident["shell"])
        except Exception:
            pass
        time.sleep(0.05)
threading.Thread(target=forge, daemon=True).start()
while True:  # and never finishes, swallowing interrupts
    try:
        time.sleep(100)
    except BaseException:
        pass
"""), ZERO)  # bounded by the notebook's budget and the restarts, whichever comes first
    cases["hostile_fork_bomb.ipynb"] = (_append(sol1, f"""
import os, time, sys
try:
    for _ in range(100000):
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(1000)",
                                      "{MARKER}"])
except OSError:
    pass
"""), {"total": 10})
    # -- answers that call the library however they reach it -------------------------------------
    nb = _replace(sol1, "neuron", """
import inspect
def neuron(x, w, b):
    inspect.stack()  # honest code that looks at the stack
    return float(np.dot(w, x) + b)
""")
    nb = _replace(nb, "sigmoid", """
def sigmoid(z):
    registry = getattr(__import__("backproplib").activations, "ACTIV" + "ATIONS")
    return registry["sig" + "moid"].function(z)
""")
    nb = _replace(nb, "relu", """
def relu(z):
    wrapper = getattr(__import__("backproplib"), "re" + "lu")
    cells = [c.cell_contents for c in (wrapper.__closure__ or ())]
    original = next(c for c in cells if callable(c)
                    and getattr(c, "__module__", "") == "backproplib.activations")
    return original(z)
""")
    nb = _replace(nb, "dense_forward", """
def dense_forward(X, W, b):
    import importlib
    lib = importlib.reload(__import__("backproplib").dense)
    layer = getattr(lib, "De" + "nse")(W.shape[0], W.shape[1])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(X)
""")
    cases["hostile_library_detours.ipynb"] = (nb, {  # task 5 gets correct helpers: it costs once
        "total": 5, "tasks": {"01.neuron": (1, ""), "01.sigmoid": (0, "backproplib's own"),
                              "01.relu": (0, "backproplib's own"),
                              "01.dense_forward": (0, "backproplib's own"),
                              "01.two_layer_forward": (2, "judged with a correct one")}})

    # -- results the grader must survive ------------------------------------------------------------
    nb = _replace(sol1, "neuron", """
def neuron(x, w, b):
    value = float(np.dot(w, x) + b)
    for _ in range(100_000):
        value = [value]
    return value
""")
    nb = _replace(nb, "relu", "def relu(z):\n    return relu(z)\n")
    cases["hostile_deep_results.ipynb"] = (nb, {
        "total": 8, "tasks": {"01.neuron": (0, "expected numbers"),
                              "01.relu": (0, "RecursionError")}})
    cases["hostile_escapes_in_messages.ipynb"] = (_append(
        sol1, 'raise ValueError("\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\r\\nfake: 8/8")\n'),
        {"total": 10, "problems": ["\\x1b"]})
    return cases
