"""``backprop-course open`` (the default command): open the lessons in JupyterLab.

JupyterLab runs with the same Python as this command (``python -m jupyter lab``), so the
notebooks' kernel sees the same installed ``backproplib``, numpy and ipywidgets.

The course folder is the one that holds ``lessons/`` (and ``exercises/``). It is found, in order:
from ``--dir``, from the current directory (or one of its parents), or next to the installed
package (an editable install from a clone of the repository).

JupyterLab runs in its own session, so Ctrl+C (SIGINT) or SIGTERM reaches this command only:
it then asks JupyterLab to shut down cleanly (its kernels first), waits, and ends whatever is
left if that takes too long — no server or kernel outlives the command. For the course, the
pop-up asking whether to fetch Jupyter news is off and nothing is fetched (``LAB_DEFAULTS``,
given as default settings, so a learner's own settings still win), a notebook paints only the
cells on screen (``LAB_DEFAULTS`` too), and the tab's icon does not
flicker between busy and idle at every move of an explorer (``LAB_PAGE_CONFIG``). The kernels
run numpy's matrix products on one thread and do not echo widget values back to the page
(``KERNEL_ENVIRONMENT``).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: the first notebook a learner should see, relative to the course folder
START_NOTEBOOK = "lessons/00_start_here.ipynb"
#: JupyterLab default settings for the course: no news pop-up, no update check, cells painted
#: only on screen
LAB_DEFAULTS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                                "checkForUpdates": False},
                # the page paints only the cells on screen (all stay in the page): in lesson
                # 06, a third less painting per frame while an explorer trains (JupyterLab's
                # own default has changed between versions)
                "@jupyterlab/notebook-extension:tracker": {"windowingMode": "contentVisibility"}}
#: JupyterLab plugins the course leaves out. "faviconbusy" swaps the tab's icon whenever a kernel
#: turns busy or idle, which an explorer's kernel does at every move: the page loaded the icon
#: again each time (twice per slider step) while the kernel was drawing, and explorers answered
#: 6-7 ms later (the kernel status in the notebook's toolbar still shows busy)
LAB_PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/application-extension:faviconbusy": True}}
#: the kernel connection JupyterLab uses for the course: messages leave at once (lab_socket.py)
CONNECTION_OPTION = ("--ServerApp.kernel_websocket_connection_class="
                     "backproplib.course.lab_socket.ImmediateConnection")
#: the kernels' numerical libraries use one thread (unless the environment already says how
#: many): the explorers' matrix products are small, and a second thread makes them wait for
#: a core the browser is using (``lab_environment``)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: a value the page sets (a slider moved) is not sent back to the page: ipywidgets' "echo"
#: keeps a second browser tab on the same kernel in step, and costs every move one more message
#: that the page handles while the kernel draws (an explorer answers 3-5 ms later with it)
NO_ECHO = {"JUPYTER_WIDGETS_ECHO": "0"}
#: what the course sets in the kernels' environment, unless the environment already says
KERNEL_ENVIRONMENT = {**ONE_THREAD, **NO_ECHO}
#: seconds JupyterLab gets to shut down (kernels included) before it is ended by force
SHUTDOWN_SECONDS = 20


class CourseNotFoundError(FileNotFoundError):
    """No folder with the course's ``lessons/`` could be found."""


def candidate_dirs(cwd=None, package_dir=None):
    """The folders searched for ``lessons/``, in order: the current directory and its parents,
    then the folder that contains the installed ``backproplib`` package."""
    cwd = Path(cwd or Path.cwd()).resolve()
    package_dir = Path(package_dir or Path(__file__).resolve().parents[1])
    dirs = [cwd, *cwd.parents, package_dir.parent]
    return list(dict.fromkeys(dirs))  # unique, order kept


def course_dir_or_report(folder):
    """``find_course_dir(folder)`` for a sub-command's ``--dir``; None, with the reason printed
    on stderr, when there is no course there (the sub-command then exits with status 2)."""
    try:
        return find_course_dir(folder)
    except CourseNotFoundError as exc:
        print(exc, file=sys.stderr)
        return None


def find_course_dir(explicit=None, cwd=None, package_dir=None):
    """Return the course folder (the one containing ``lessons/``).

    explicit: a folder given with ``--dir`` — the course folder itself or its ``lessons/``.
    Raises CourseNotFoundError naming every place it looked and what to do.
    """
    if explicit is not None:
        path = Path(explicit).expanduser().resolve()
        if (path / "lessons").is_dir():
            return path
        if path.name == "lessons" and path.is_dir():
            return path.parent
        if path.is_dir() and any(path.glob("*.ipynb")):
            return path
        raise CourseNotFoundError(
            f"--dir {explicit}: no lessons found there (looked for {path / 'lessons'} and for "
            f"notebooks in {path}). Give the folder of the course, the one that contains "
            f"'lessons/'."
        )
    looked = candidate_dirs(cwd, package_dir)
    for path in looked:
        if (path / "lessons").is_dir():
            return path
    places = "\n  ".join(str(p / "lessons") for p in looked)
    raise CourseNotFoundError(
        f"Could not find the course's lessons/ folder. Looked in:\n  {places}\n"
        f"Run the command from the course folder (a clone of the repository), or give it: "
        f"backprop-course open --dir PATH/TO/COURSE"
    )


def build_lab_argv(course_dir, port=None, no_browser=False, python=None, as_root=None):
    """The command line that starts JupyterLab on the course (pure: nothing is started).

    course_dir: the folder containing lessons/ — JupyterLab's root, so exercises are reachable.
    Returns: list of str, starting with ``python -m jupyter lab``.
    """
    course_dir = Path(course_dir)
    python = python or sys.executable
    as_root = (os.geteuid() == 0) if as_root is None else as_root
    argv = [python, "-m", "jupyter", "lab", f"--ServerApp.root_dir={course_dir}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            CONNECTION_OPTION]   # explorers' pictures reach the page without a 40 ms wait
    if (course_dir / START_NOTEBOOK).is_file():
        argv.append(f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}")
    elif (course_dir / "lessons").is_dir():
        argv.append("--LabApp.default_url=/lab/tree/lessons")
    if port is not None:
        argv.append(f"--ServerApp.port={port}")
    if no_browser:
        argv.append("--no-browser")
    if as_root:
        argv.append("--allow-root")
    return argv


def register(subparsers):
    parser = subparsers.add_parser(
        "open", help="open the lessons in JupyterLab (the default command)",
        description="Open the course in JupyterLab, using this Python environment's kernel.",
    )
    parser.add_argument("--dir", metavar="PATH",
                        help="the course folder (containing lessons/); default: found from the "
                             "current folder or the installed package")
    parser.add_argument("--port", type=int, help="port for JupyterLab (default: JupyterLab's, 8888 "
                                                 "or the next free one)")
    parser.add_argument("--no-browser", action="store_true",
                        help="start JupyterLab without opening a web browser (open the printed "
                             "link yourself)")
    parser.set_defaults(func=run)


def lab_environment(config_dir, environ=None):
    """The environment for JupyterLab: ``environ`` plus a Jupyter config folder (created in
    ``config_dir``) holding ``LAB_DEFAULTS`` as default settings and ``LAB_PAGE_CONFIG``, and
    ``KERNEL_ENVIRONMENT``."""
    env = {**KERNEL_ENVIRONMENT, **(os.environ if environ is None else environ)}
    folder = Path(config_dir, "labconfig")
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (("default_setting_overrides.json", LAB_DEFAULTS),
                          ("page_config.json", LAB_PAGE_CONFIG)):
        (folder / name).write_text(json.dumps(content, indent=2), encoding="utf-8")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(config_dir), env.get("JUPYTER_CONFIG_PATH", "")) if p)
    return env


def run(args):
    try:
        course_dir = find_course_dir(args.dir)
    except CourseNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    argv = build_lab_argv(course_dir, port=args.port, no_browser=args.no_browser)
    print(f"Opening the course in JupyterLab: {course_dir}\n"
          f"(stop it with Ctrl+C; if widgets show as text, run: backprop-course doctor)",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="backprop-course-") as config_dir:
        server = subprocess.Popen(argv, env=lab_environment(config_dir), stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        return supervise(server)


def supervise(server, grace=SHUTDOWN_SECONDS):
    """Wait for the JupyterLab process ``server``; on SIGINT or SIGTERM shut it down cleanly.

    The first signal sends JupyterLab SIGTERM (its own clean shutdown: kernels, then itself);
    if it has not exited ``grace`` seconds later, or at a second signal, it and its kernels are
    killed. Returns 0 after a shutdown on request, else JupyterLab's exit status.
    """
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        if len(stopping) == 1:
            print("\nShutting JupyterLab down (its kernels first)...", flush=True)
            server.send_signal(signal.SIGTERM)
        else:
            end_by_force(server)

    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, stop) for s in handled}
    deadline = None
    try:
        while True:
            try:
                status = server.wait(timeout=0.25)
                return 0 if stopping else status
            except subprocess.TimeoutExpired:
                if stopping and deadline is None:
                    deadline = time.monotonic() + grace
                if deadline is not None and time.monotonic() > deadline:
                    print(f"JupyterLab did not stop within {grace} s: ending it.", file=sys.stderr)
                    end_by_force(server)
                    deadline = float("inf")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def end_by_force(server):
    """Kill JupyterLab's process group and every process it started (kernels run in sessions
    of their own, so they are found as its descendants)."""
    try:
        import psutil
        descendants = psutil.Process(server.pid).children(recursive=True)
    except Exception:  # psutil missing, or the server already gone: its group is all we know
        descendants = []
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for process in descendants:
        try:
            process.kill()
        except Exception:  # already gone
            pass
