"""A throw-away JupyterLab server for the real-browser test and benchmark, and where to find Chromium.

The server listens on 127.0.0.1 on a free port with a random token, and uses its own settings,
workspace and runtime folders, so nothing from (or into) the user's JupyterLab leaks in. News and
update checks are switched off (no request leaves the machine), and notebooks are drawn as the
course command draws them (``LAB_DEFAULTS``): every cell is in the page, only those on screen are
painted, so text is read with ``textContent`` (``innerText`` is empty in a cell not painted).
``stop()`` shuts the server down through its API, then ends whatever is left of it, and returns
the processes that had to be killed. Autosave is off: running the course's notebooks in the
browser must not rewrite them. Its Jupyter data folder is its own too, so no notebook is
trusted: the server sees them as a fresh clone does.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from backproplib.course.launch import build_lab_argv, lab_environment

#: settings given to the throw-away JupyterLab: plugin id -> settings
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "contentVisibility"},
    # the test runs the course's notebooks: never write them back
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}


def find_chromium():
    """Path of the installed Chromium (Debian's package), or None."""
    for candidate in (shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_settings(settings_dir):
    """Write LAB_SETTINGS as JupyterLab user settings under ``settings_dir``."""
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.rsplit(":", 1)
        path = Path(settings_dir, package, f"{name}.jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


class JupyterLabServer:
    """JupyterLab serving ``root_dir``, its state kept in ``work_dir`` (a temporary folder)."""

    def __init__(self, root_dir, work_dir):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.work_dir / "jupyterlab.log"
        self.process = None
        self.seen = {}  # pid -> psutil.Process of every server descendant noticed

    def argv(self):
        """The course command's JupyterLab command line (``build_lab_argv``), on a loopback
        port with a token, and with the app exposed to the page."""
        return build_lab_argv(self.root_dir, port=self.port, no_browser=True) + [
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            # window.jupyterapp: lets the test see when a notebook's kernel is connected
            "--LabApp.expose_app_in_browser=True"]

    def env(self):
        """The course command's environment (``lab_environment``: its Jupyter config folder,
        one thread for numpy, no widget echo), with JupyterLab's state in ``work_dir``."""
        env = lab_environment(self.work_dir / "config")
        for name, sub in (("JUPYTERLAB_SETTINGS_DIR", "settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"),
                          ("JUPYTER_DATA_DIR", "data")):
            env[name] = str(self.work_dir / sub)
            (self.work_dir / sub).mkdir(parents=True, exist_ok=True)
        write_settings(self.work_dir / "settings")
        env["MPLBACKEND"] = "Agg"
        return env

    def start(self, timeout=90):
        """Start the server in its own process group; return once its API answers."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.argv(), env=self.env(), stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        cwd=self.root_dir)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{self.log_tail()}")

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(self.url + path, method=method,
                                          headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def settings(self, plugin):
        """The settings JupyterLab applies for ``plugin`` (defaults merged with ours)."""
        return self.api("GET", f"/lab/api/settings/{plugin}")["settings"]

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def note_processes(self):
        """Remember the server's descendants (kernels run in their own sessions, so the
        process group alone does not find them)."""
        if self.process is None:
            return
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.seen[child.pid] = child
        except psutil.NoSuchProcess:
            pass

    def stop(self, timeout=15):
        """Shut down cleanly (API), then terminate, then kill. Returns descriptions of the
        processes that had to be ended by force (empty when the shutdown was clean)."""
        if self.process is None:
            return []
        self.note_processes()
        try:
            self.api("POST", "/api/shutdown")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        forced = []
        if self.process.poll() is None:
            forced.append(f"jupyter lab (pid {self.process.pid})")
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        survivors = [p for p in self.seen.values() if p.is_running()
                     and p.status() != psutil.STATUS_ZOMBIE]
        for proc in survivors:
            forced.append(f"{' '.join(proc.cmdline()[:4])} (pid {proc.pid})")
            proc.kill()
        psutil.wait_procs(survivors, timeout=5)
        return forced

    def leftover_processes(self):
        """Server processes still alive (should be none after ``stop``)."""
        alive = [p for p in self.seen.values() if p.is_running()
                 and p.status() != psutil.STATUS_ZOMBIE]
        if self.process is not None and self.process.poll() is None:
            alive.append(psutil.Process(self.process.pid))
        return alive
