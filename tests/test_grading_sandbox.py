"""The grader's sandbox and protocol, one kernel at a time, and the batch's safety nets.

What the sandbox hides and forbids is checked from inside it (a small Python script run by the
very command line the grader uses); the protocol (tests reach the kernel only during their own
collection, substitutes, the watchdog, the notebook's time budget) with a real sandboxed kernel;
the command line (refusals, an unwritable output, SIGTERM then --resume) with the real command.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backproplib.checks import exercise_module
from backproplib.course.grading.gradebook import safe_text
from backproplib.course.grading.running import TaskPlan, run_submission
from backproplib.course.grading.sandbox import (
    MAX_FILE_MB,
    MAX_PROCESSES,
    Sandbox,
    answer_key_folder,
    isolation_problem,
    package_folder,
)
from backproplib.course.grading.transport import encode

ROOT = Path(__file__).resolve().parents[1]
needs_sandbox = pytest.mark.skipif(isolation_problem() is not None,
                                   reason=f"no sandbox here: {isolation_problem()}")

INSIDE = """
import json, os, socket, sys
key, package, course, grader = sys.argv[1:5]
seen = {}
try:
    open(os.path.join(key, "ex01.py")).read()
    seen["key"] = "readable"
except OSError as exc:
    seen["key"] = type(exc).__name__
seen["key_listing"] = os.listdir(key)
seen["course"] = sorted(os.listdir(course))
try:
    open(os.path.join(package, "x.py"), "w")
    seen["package"] = "writable"
except OSError as exc:
    seen["package"] = type(exc).__name__
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    seen["net"] = "open"
except OSError as exc:
    seen["net"] = type(exc).__name__
seen["interfaces"] = sorted(name for _, name in socket.if_nameindex())
seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
seen["grader_visible"] = os.path.exists(f"/proc/{grader}") and grader not in seen["pids"]
seen["uid"] = os.getuid()
import resource
seen["nproc"] = resource.getrlimit(resource.RLIMIT_NPROC)
seen["fsize"] = resource.getrlimit(resource.RLIMIT_FSIZE)
try:
    resource.setrlimit(resource.RLIMIT_NPROC, (10**6, 10**6))
    seen["raise"] = "raised"
except (ValueError, OSError) as exc:
    seen["raise"] = type(exc).__name__
seen["tmp"] = [os.path.join(r, f) for r, _, files in os.walk("/tmp") for f in files
              if not os.path.join(r, f).startswith(package + os.sep)]  # a course cloned in /tmp
print(json.dumps(seen))
"""


@needs_sandbox
def test_inside_the_sandbox_the_answer_key_the_course_and_the_network_are_out_of_reach(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    (tmp_path / "grader-private.json").write_text("{}")
    sandbox = Sandbox()
    sandbox.prepare(str(exchange))
    package = package_folder()
    course = str(Path(package).parent)
    command = sandbox.command([sys.executable, "-c", INSIDE, answer_key_folder(), package, course,
                               str(os.getpid())], str(exchange))
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    sandbox.release()
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["key"] == "FileNotFoundError" and seen["key_listing"] == []
    assert seen["course"] == ["backproplib"]  # no solutions/, tests/ or notebooks beside it
    assert seen["package"] in ("OSError", "PermissionError")
    assert seen["net"] != "open" and seen["interfaces"] == ["lo"]
    assert max(seen["pids"]) < 10 and not seen["grader_visible"]
    assert seen["tmp"] == []  # only the (empty) exchange folder: not the grader's files beside it
    assert seen["nproc"] == [MAX_PROCESSES, MAX_PROCESSES] and seen["raise"] != "raised"
    assert seen["fsize"] == [MAX_FILE_MB * 2**20] * 2
    if os.geteuid() == 0:
        assert seen["uid"] != 0


def _exchange(tmp_path):
    folder = tmp_path / "exchange"
    folder.mkdir()
    return str(folder)


SPY = """
import os, threading, time, json
seen = []
def watch(folder):
    while True:
        path = os.path.join(folder, "request.json")
        try:
            seen.append(json.load(open(path))["task"])
        except Exception:
            pass
        time.sleep(0.002)
from ipykernel.kernelapp import IPKernelApp
exchange = os.path.dirname(os.path.dirname(IPKernelApp.instance().connection_file))
threading.Thread(target=watch, args=(exchange,), daemon=True).start()
def spy(x):
    time.sleep(0.2)
    return [float("sub" in seen or "t2" in seen), float(os.path.exists(os.path.join(exchange,
                                                                                   "request.json")))]
def helper(x):
    return x
def uses_helper(x):
    return helper(x)
"""


@needs_sandbox
def test_tests_are_in_the_sandbox_only_during_their_collection_and_substitutes_apply_to_one(tmp_path):
    case = [{"args": encode((1.0,)), "strict": False}]
    plans = [TaskPlan("t1", "spy", (), ("x",), case),
             TaskPlan("sub", "uses_helper", (), ("x",), case,
                      substitutes={"helper": "def helper(x):\n    return 100 + x\n"}),
             TaskPlan("t2", "uses_helper", (), ("x",), case)]
    report = run_submission([(1, SPY)], plans, _exchange(tmp_path), 20, 512, ())
    assert not report.problems and not report.task_problems, report
    first = report.records["t1"]["outcomes"][0]["value"]
    assert first == {"list": [0.0, 0.0]}  # not the next ones' tests; its own already removed
    assert report.records["sub"]["outcomes"][0]["value"] == 101.0
    assert report.records["t2"]["outcomes"][0]["value"] == 1.0  # the notebook's own again
    assert sorted(os.listdir(tmp_path / "exchange")) == [n for n in sorted(
        os.listdir(tmp_path / "exchange")) if n.startswith("kernel")]  # no test left behind


@needs_sandbox
def test_the_watchdog_kills_memory_spread_over_processes_and_the_budget_ends_a_notebook(tmp_path):
    children = ("import os, time\nimport numpy as np\nfor _ in range(3):\n"
                "    if os.fork() == 0:\n        block = np.ones(45_000_000)\n"
                "        time.sleep(1000)\ntime.sleep(60)\n")
    report = run_submission([(1, children)], [], _exchange(tmp_path), 40, 512, ())
    assert any("more than 512 MB" in p for p in report.problems), report.problems
    slow = [(n, "import time\ntime.sleep(0.1)\n") for n in range(1, 200)]
    plan = TaskPlan("t1", "f", (), ("x",), [{"args": encode((1.0,)), "strict": False}])
    start = time.monotonic()
    (tmp_path / "exchange2").mkdir()
    report = run_submission(slow, [plan], str(tmp_path / "exchange2"), 5, 512, (), budget=6)
    assert time.monotonic() - start < 6 + 10
    assert any("used up its 6 s" in p for p in report.problems)
    assert "used up its 6 s" in report.task_problems["t1"]


FORGER = """
import threading, time
kernel = get_ipython().kernel
parent = kernel.get_parent()
def forge():
    while True:
        for state in ("busy", "idle"):
            kernel.session.send(kernel.iopub_socket, "status", {"execution_state": state},
                                parent=parent)
        time.sleep(0.01)
threading.Thread(target=forge, daemon=True).start()
time.sleep(30)
"""


@needs_sandbox
def test_forged_status_messages_do_not_move_a_cells_deadline(tmp_path):
    from backproplib.course.grading.kernel_session import KernelSession
    from backproplib.course.grading.running import setup_code
    session = KernelSession(_exchange(tmp_path), 512)
    try:
        session.start(setup_code(512, ()))
        start = time.monotonic()
        step = session.run(FORGER, timeout=2)
        elapsed = time.monotonic() - start
    finally:
        session.close()
    assert step.status == "timeout" and elapsed < 3, (step, elapsed)


# -- the command line ----------------------------------------------------------------------------

def grade(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "backproplib.course.cli", "grade", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def test_without_bubblewrap_others_work_is_refused_unless_the_risk_is_accepted(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty))
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.ipynb").write_text("not a notebook")
    done = grade(str(tmp_path / "class"), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 2
    for piece in ("bubblewrap", "apt-get install bubblewrap", "container", "Gradescope",
                  "--no-sandbox", "--mine"):
        assert piece in done.stderr, piece
    assert not (tmp_path / "out" / "gradebook.csv").exists()
    done = grade(str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--no-sandbox", env=env)
    assert done.returncode == 0 and "without a sandbox" in done.stderr
    done = grade(str(tmp_path / "class"), "--mine")
    assert done.returncode == 2 and "--mine is for one notebook" in done.stderr
    done = grade(str(tmp_path / "class" / "a.ipynb"), "--mine", env=env)
    assert done.returncode == 1 and "not valid JSON" in done.stdout


def test_an_output_that_cannot_be_written_is_reported_before_grading(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.ipynb").write_text("{}")
    (tmp_path / "file").write_text("x")
    (tmp_path / "out" / "gradebook.csv").mkdir(parents=True)
    for out, message in ((tmp_path / "file", "is a file"), (tmp_path / "out", "is not a file")):
        done = grade(str(tmp_path / "class"), "--out", str(out))
        assert done.returncode == 2 and message in done.stderr and "grading [" not in done.stderr


@needs_sandbox
def test_sigterm_keeps_what_was_graded_and_resume_finishes_the_batch(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    for name, source in (("a_sol1.ipynb", "solutions/01_forward_pass.ipynb"),
                         ("b_sol2.ipynb", "solutions/02_error_calculation.ipynb"),
                         ("c_ex1.ipynb", "exercises/01_forward_pass.ipynb")):
        (folder / name).write_bytes((ROOT / source).read_bytes())
    command = [sys.executable, "-m", "backproplib.course.cli", "grade", str(folder), "--out",
               str(out), "--timeout", "20"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    record = out / "grading-record.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (record.exists()
                                               and len(record.read_text().splitlines()) >= 2):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "--resume" in err and not (out / "gradebook.csv").exists()
    kept = len(record.read_text().splitlines()) - 1
    assert 1 <= kept <= 3
    again = grade(str(folder), "--out", str(out))
    assert again.returncode == 2 and "--resume" in again.stderr
    done = grade(str(folder), "--out", str(out), "--timeout", "20", "--resume")
    assert done.returncode == 0, done.stderr
    assert f"resuming: {kept} notebook(s) already graded" in done.stderr
    rows = json.loads((out / "gradebook.json").read_text())["submissions"]
    full = {n: sum(t.points for t in exercise_module(n).TASKS) for n in ("01", "02")}
    assert [(r["submission"], r["total"]) for r in rows] == [
        ("a_sol1.ipynb", full["01"]), ("b_sol2.ipynb", full["02"]), ("c_ex1.ipynb", 0)]
    names = {p.name for p in out.iterdir()}
    assert {"gradebook.csv", "gradebook.json"} <= names and "grading-record.jsonl" not in names


def test_safe_text_shows_control_characters_and_keeps_the_rest():
    assert safe_text("a\x1b[31mb\nc\u202ed\udcff") == "a\\x1b[31mb\\x0ac\\u202ed\\udcff"
    assert safe_text("δ = ∂L/∂z ✓", keep="\n") == "δ = ∂L/∂z ✓"
    assert safe_text("two\nlines", keep="\n") == "two\nlines"


def test_the_record_survives_a_cut_line_and_refuses_other_options(tmp_path):
    from backproplib.checks.judge import TaskResult
    from backproplib.course.grading.judging import SubmissionResult
    from backproplib.course.grading.record import Record, RecordError
    record = Record(tmp_path)
    options = {"seed": 0, "timeout": 5.0}
    record.start(options)
    task = TaskResult("01.relu", 3, "relu", "ReLU", 0.0, 1.0, "wrong", "why", ("a", "b"))
    result = SubmissionResult("a\\xffb.ipynb", "01", "The forward pass", [task], ["note"])
    record.add(("61ff62", "0" * 64), result)
    with open(record.path, "a") as f:
        f.write('{"path": "63", "sha256": "1", "res')  # killed while writing
    done = record.load(options)
    assert done == {("61ff62", "0" * 64): result}
    record.add(("63", "1" * 64), SubmissionResult("c.ipynb", error="not text"))
    assert len(record.load(options)) == 2
    with pytest.raises(RecordError, match="other options"):
        record.load({"seed": 1, "timeout": 5.0})
