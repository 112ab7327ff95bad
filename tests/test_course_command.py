"""``backprop-course open`` with a real JupyterLab: it stops cleanly on SIGINT and SIGTERM, with
every kernel, and the course's JupyterLab has no news pop-up."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from backproplib.course import cli, doctor, launch

TOKEN = "course-command-test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(port, method, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture
def course(tmp_path):
    (tmp_path / "course" / "lessons").mkdir(parents=True)
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN)
    for name in ("JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "JUPYTER_RUNTIME_DIR",
                 "JUPYTER_DATA_DIR"):
        env[name] = str(tmp_path / name.lower())
    return tmp_path / "course", env


def start(course, env):
    """The course command on a free port, once JupyterLab answers; and the port."""
    port = free_port()
    command = subprocess.Popen([sys.executable, "-m", "backproplib.course", "open", "--dir",
                                str(course), "--port", str(port), "--no-browser"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert command.poll() is None, command.stdout.read()
        try:
            api(port, "GET", "/api/status")
            return command, port
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    command.kill()
    pytest.fail("JupyterLab did not answer within 90 s")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_course_command_stops_jupyterlab_and_its_kernels(course, sig):
    course_dir, env = course
    command, port = start(course_dir, env)
    try:
        kernel = api(port, "POST", "/api/kernels")
        deadline = time.monotonic() + 60   # wait until the kernel process exists
        while time.monotonic() < deadline:
            family = psutil.Process(command.pid).children(recursive=True)
            if len(family) >= 2:   # JupyterLab and the kernel
                break
            time.sleep(0.2)
        assert len(family) >= 2, f"no kernel process under the course command: {family}"
        command.send_signal(sig)
        status = command.wait(60)
        output = command.stdout.read()
    finally:
        if command.poll() is None:
            command.kill()
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"left running after {sig.name}: {[p.cmdline()[:4] for p in alive]}"
    assert status == 0, output
    assert "Shutting JupyterLab down" in output
    assert "did not stop" not in output, output   # a clean shutdown, not a forced one
    assert kernel["id"]


def test_the_course_jupyterlab_has_no_news_pop_up_and_paints_only_cells_on_screen(course):
    course_dir, env = course
    command, port = start(course_dir, env)
    try:
        settings = api(port, "GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification")
        notebook = api(port, "GET", "/lab/api/settings/@jupyterlab/notebook-extension:tracker")
    finally:
        command.send_signal(signal.SIGTERM)
        command.wait(60)
    # given as defaults (a learner's own settings still win): "none", JupyterLab's own default,
    # asks the learner with a pop-up; "false" never fetches and never asks
    defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false"
    assert defaults["checkForUpdates"] is False
    # every cell stays in the page; the browser skips painting those off screen
    assert notebook["schema"]["properties"]["windowingMode"]["default"] == "contentVisibility"


def test_lab_environment_keeps_other_config_folders(tmp_path):
    env = launch.lab_environment(tmp_path / "config", {"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(tmp_path / "config"), "/elsewhere"]
    written = json.loads((tmp_path / "config" / "labconfig" / "default_setting_overrides.json")
                         .read_text())
    assert written == launch.LAB_DEFAULTS
    page_config = json.loads((tmp_path / "config" / "labconfig" / "page_config.json").read_text())
    assert page_config == launch.LAB_PAGE_CONFIG
    assert page_config["disabledExtensions"] == {
        "@jupyterlab/application-extension:faviconbusy": True}


def test_the_course_kernels_run_numpy_on_one_thread_unless_told_otherwise(tmp_path):
    env = launch.lab_environment(tmp_path / "config", {"PATH": "/bin"})
    assert {env[name] for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                   "MKL_NUM_THREADS")} == {"1"}
    chosen = launch.lab_environment(tmp_path / "config", {"OPENBLAS_NUM_THREADS": "4"})
    assert chosen["OPENBLAS_NUM_THREADS"] == "4" and chosen["OMP_NUM_THREADS"] == "1"


def test_the_course_kernels_do_not_echo_widget_values_unless_told_otherwise(tmp_path):
    env = launch.lab_environment(tmp_path / "config", {"PATH": "/bin"})
    assert env["JUPYTER_WIDGETS_ECHO"] == "0"
    chosen = launch.lab_environment(tmp_path / "config", {"JUPYTER_WIDGETS_ECHO": "1"})
    assert chosen["JUPYTER_WIDGETS_ECHO"] == "1"


def test_no_echo_is_the_setting_ipywidgets_reads():
    # ipywidgets reads JUPYTER_WIDGETS_ECHO when it is imported: a kernel started with the
    # course's environment sends no echo_update message for a value set by the page
    code = ("import ipywidgets.widgets.widget as w, ipywidgets as ip\n"
            "s = ip.IntSlider(); sent = []\n"
            "s._send = lambda msg, buffers=None: sent.append(msg.get('method'))\n"
            "s.set_state({'value': 3})\n"
            "print(w.JUPYTER_WIDGETS_ECHO, s.value, sent)")
    for env, expected in ((launch.NO_ECHO, "False 3 []"), ({"JUPYTER_WIDGETS_ECHO": "1"},
                                                           "True 3 ['echo_update']")):
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out == expected


# -- doctor: what a first open shows is told apart from a missing widgets extension -----------

def test_first_open_check_explains_still_pictures_and_untrusted_lessons():
    lessons = [doctor.LessonOutputs("00_start_here.ipynb", False, 1, 0),
               doctor.LessonOutputs("01_forward_pass.ipynb", True, 2, 0)]
    check = doctor.check_first_open(lessons)
    assert check.ok   # nothing to fix: it explains what the learner will see
    assert "1 of 2 lessons not yet trusted" in check.message
    assert "3 explorers saved with a still picture" in check.message
    assert "run the cell" in check.message and "not a widget problem" in check.message


def test_first_open_check_names_lessons_saved_with_widgets_as_text():
    check = doctor.check_first_open([doctor.LessonOutputs("04_x.ipynb", False, 0, 2)])
    assert "04_x.ipynb" in check.message and "as text" in check.message


def test_missing_widgets_extension_says_it_shows_even_after_running(tmp_path):
    check = doctor.check_widgets_extension([tmp_path])
    assert not check.ok and "even after their cell has run" in check.message


def test_lesson_outputs_reads_trust_and_saved_pictures(tmp_path, monkeypatch):
    import nbformat
    from nbformat.sign import NotebookNotary

    (tmp_path / "lessons").mkdir()
    nb = nbformat.v4.new_notebook()
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}}
    nb.cells = [nbformat.v4.new_code_cell("A()", outputs=[nbformat.v4.new_output(
                    "display_data", {**view, "text/html": "<div class='backprop-explorer-still'>"})]),
                nbformat.v4.new_code_cell("B()", outputs=[nbformat.v4.new_output(
                    "display_data", {**view, "text/plain": "HBox()"})])]
    nbformat.write(nb, tmp_path / "lessons" / "00_a.ipynb")
    (found,) = doctor.lesson_outputs(tmp_path)
    assert found == doctor.LessonOutputs("00_a.ipynb", False, 1, 1)
    monkeypatch.setattr(NotebookNotary, "check_signature", lambda self, nb: True)
    assert doctor.lesson_outputs(tmp_path)[0].trusted   # a signed notebook: JupyterLab trusts it


# -- execute: a notebook's outputs, saved without widget state, or the file left alone --------

def test_execute_saves_outputs_without_widget_state(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert cli.main(["execute", str(path)]) == 0
    done = nbformat.read(path, as_version=4)
    assert done.cells[0].outputs[0].text == "42\n" and done.cells[0].execution_count == 1
    assert "widgets" not in done.metadata


def test_execute_leaves_a_failing_notebook_unchanged(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert cli.main(["execute", str(path), str(tmp_path / "missing.ipynb")]) == 1
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]   # no half-written file left behind
