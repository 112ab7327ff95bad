"""The sandbox a submission's kernel runs in: bubblewrap (``bwrap``), the sandbox Flatpak uses.

``Sandbox.command(argv, exchange)`` wraps a kernel's command line so that, inside:

* the file system is a fresh, empty root with, read-only, only what Python needs: ``/usr``,
  ``/etc`` (the usual ``/bin``, ``/lib`` links), this Python's installation, the folders of its
  packages, and the ``backproplib`` package folder alone (not the course folder around it, which
  holds the solutions). ``backproplib/checks/exercises`` (the answer key: reference answers,
  typical mistakes, the generators of hidden inputs) is covered by an empty folder: reading it
  fails. ``/tmp`` and ``$HOME`` are private, size-limited, in-memory folders that disappear with
  the sandbox;
* the only folder shared with the grader is the submission's own ``exchange`` folder, mounted at
  the same path (the kernel's sockets and connection file, and one request or reply at a time:
  see ``running``). Other submissions, the output folder and the grader's other temporary files
  are not mounted, so they do not exist inside;
* its own PID namespace (it sees only its own processes; the grader is not there to signal) whose
  first process is bwrap's tiny init: when the kernel exits or the grader kills the sandbox, the
  kernel (Linux) ends every process left in it, however it was forked or detached; bwrap also
  dies with the grader (``--die-with-parent``); its own network namespace (no network at all,
  not even the machine's loopback), IPC and host name; a new session (no terminal to inject
  keystrokes into);
* when the grader runs as root, the kernel runs as an unprivileged user id of its own (one per
  sandbox alive at the same time in this grader, from ``FIRST_UID`` on, so that the process
  limit counts this submission only), with no capabilities; otherwise as the grader's user
  inside a user namespace of its own;
* limits that hold for every process of the submission: at most ``MAX_PROCESSES`` processes
  (RLIMIT_NPROC), files of at most ``MAX_FILE_MB`` (RLIMIT_FSIZE), no core dumps. Memory is
  limited per process in the kernel (``inside_submission.limit_memory``, a hard RLIMIT_AS) and
  for all processes together by the watchdog of ``kernel_session``, which sums their resident
  memory and kills the whole sandbox beyond the limit.

How the kernel talks to the grader: Jupyter's ZMQ sockets normally listen on TCP ports of
127.0.0.1, but the sandbox has a loopback of its own, which the grader cannot reach. The kernel
therefore uses jupyter_client's ``ipc`` transport: Unix socket files in the exchange folder,
which is private to this submission, so no other kernel is reachable (sharing the network
namespace instead would let a submission connect to every other kernel's TCP ports on the
machine's loopback, and TCP needs the ports to be chosen and kept free). Measured on the
development machine (2 cores shared with other work, load average about 10; medians of 4, see
``benchmarks/grading.py`` for the class-level figure): starting a kernel takes 3.8 s in the
sandbox, 3.3 s without it over ipc and 3.4 s over TCP (the kernel's imports dominate; bwrap
itself starts in tens of milliseconds; the difference is of the order of this machine's noise),
and a round trip of a one-line cell takes 23 ms over ipc in the sandbox, 26 ms over
ipc and 22 ms over TCP without it: the transport costs nothing that matters. Grading a class of
200 with ``--jobs 2`` took 7% and 11% longer in the sandbox than without it (two runs).

What the sandbox does not protect against: a bug in the Linux kernel or in bubblewrap; CPU time
taken from other work on the machine (the grader bounds wall-clock time, not CPU share); the
disk filled through the exchange folder (files are limited in size, not in number); reading
anything that is readable under ``/usr``, ``/etc`` or the Python installation (nothing of the
course's answers is there, but other software's files are).
"""

import os
import shutil
import sys
import threading
from pathlib import Path

#: processes a submission may have at the same time (the kernel needs a handful of threads)
MAX_PROCESSES = 256
#: largest file a submission may write
MAX_FILE_MB = 256
#: size of the private in-memory /tmp and home folder
PRIVATE_MB = 256
#: unprivileged user ids for sandboxes when the grader runs as root (one per live sandbox)
FIRST_UID = 61000

HOW_TO_ISOLATE = (
    "Grading other people's notebooks runs their code, so the grader runs each one in a "
    "bubblewrap sandbox, and bubblewrap ('bwrap') is not available here. Either install it "
    "(Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap), or "
    "grade inside a Linux container (docker run with the course installed), or let Gradescope "
    "run each submission in its own container (see the README's grading section). To grade "
    "anyway, without isolation, at your own risk, add --no-sandbox; to grade your own single "
    "notebook, add --mine.")


def bwrap_path():
    """The bwrap executable, or None when it is not installed."""
    return shutil.which("bwrap")


def isolation_problem():
    """None when submissions can be sandboxed here, else a sentence saying why not."""
    if sys.platform != "linux":
        return f"bubblewrap runs on Linux only (this is {sys.platform})"
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing, so the kernel could not drop root rights"
    import subprocess
    sandbox = Sandbox()
    try:
        done = subprocess.run(sandbox.command(["/bin/true"], None), capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not be run: {exc}"
    finally:
        sandbox.release()
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap does not work here: {message[-1] if message else done.returncode}"
    return None


class _UidPool:
    """User ids for sandboxes alive at the same time (grader running as root)."""

    def __init__(self):
        self.lock, self.taken = threading.Lock(), set()

    def take(self):
        with self.lock:
            uid = next(u for u in range(FIRST_UID, FIRST_UID + 10_000) if u not in self.taken)
            self.taken.add(uid)
            return uid

    def give_back(self, uid):
        with self.lock:
            self.taken.discard(uid)


_UIDS = _UidPool()


class Sandbox:
    """The bwrap command line of one submission's kernel (see the module docstring)."""

    def __init__(self):
        self.uid = _UIDS.take() if os.geteuid() == 0 else None

    def release(self):
        if self.uid is not None:
            _UIDS.give_back(self.uid)
            self.uid = None

    def prepare(self, exchange, *files):
        """Make the exchange folder (and ``files`` in it) usable by the sandbox's user only."""
        self.give(exchange)
        os.chmod(exchange, 0o700)
        for path in files:
            self.give(path)

    def give(self, path):
        """Hand a file the grader wrote over to the sandbox's user (when running as root)."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def command(self, argv, exchange, env=None):
        """``argv`` run inside the sandbox, with ``exchange`` (a folder) shared read-write."""
        home = "/home/student"
        args = [bwrap_path() or "bwrap", "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--hostname", "grading"]
        if self.uid is None:
            args += ["--unshare-user"]
        args += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            link = Path("/") / name
            if link.is_symlink():
                args += ["--symlink", os.readlink(link), str(link)]
            elif link.is_dir():
                args += ["--ro-bind", str(link), str(link)]
        # the private /tmp and home first: a course installed under /tmp (a clone there, say)
        # is then mounted on top of the private /tmp rather than hidden by it
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(PRIVATE_MB * 2**20), "--tmpfs", "/tmp",
                 "--size", str(PRIVATE_MB * 2**20), "--perms", "0777", "--tmpfs", home]
        made = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev", home}
        for folder in read_only_folders():
            args += _folders_leading_to(folder, made) + ["--ro-bind", folder, folder]
        key = answer_key_folder()
        args += ["--tmpfs", key, "--remount-ro", key]
        if exchange is not None:
            args += _folders_leading_to(exchange, made) + ["--bind", exchange, exchange]
        args += ["--chdir", home, "--clearenv"]
        for name, value in {**(env or {}), "HOME": home, "TMPDIR": "/tmp",
                            "PATH": "/usr/local/bin:/usr/bin:/bin",
                            "PYTHONPATH": str(Path(package_folder()).parent)}.items():
            args += ["--setenv", name, value]
        args += ["--", "prlimit", f"--nproc={MAX_PROCESSES}", f"--fsize={MAX_FILE_MB * 2**20}",
                 "--core=0", "--"]
        if self.uid is not None:
            args += ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--"]
        return args + list(argv)


def package_folder():
    """The folder of the installed backproplib package."""
    import backproplib
    return str(Path(backproplib.__file__).resolve().parent)


def answer_key_folder():
    """The folder of the exercises' checks: reference answers and hidden-input generators."""
    from ...checks import exercises
    return str(Path(exercises.__file__).resolve().parent)


def read_only_folders():
    """Folders the kernel needs to read: Python's installation, its packages, backproplib.

    Only the installation (sys.prefix) and the package folders on sys.path (``site-packages``,
    ``dist-packages``) are mounted, with the backproplib package folder alone: never the folder
    around an editable checkout (the course, with its solutions and tests), the current folder
    or other entries of PYTHONPATH.
    """
    folders = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    for entry in sys.path:
        if entry and os.path.isdir(entry) and Path(entry).name in ("site-packages", "dist-packages"):
            folders.add(str(Path(entry).resolve()))
    folders = {f for f in folders if not f.startswith(("/usr/", "/etc/")) and f not in ("/usr", "/")}
    folders.add(package_folder())
    # a folder inside another is mounted with it (e.g. the package inside site-packages)
    return sorted(f for f in folders
                  if not any(f != g and f.startswith(g.rstrip("/") + "/") for g in folders))


def _folders_leading_to(path, made):
    """bwrap arguments that create the parents of ``path`` world-readable (bwrap running as
    root would make them private to root otherwise); ``made``: folders that exist already."""
    args = []
    for parent in reversed(Path(path).parents):
        if str(parent) not in made:
            made.add(str(parent))
            args += ["--perms", "0755", "--dir", str(parent)]
    made.add(str(path))
    return args


def python_command():
    """The kernel's command line: this Python's ipykernel, with the connection file appended."""
    return [sys.executable, "-m", "ipykernel_launcher", "--HistoryManager.enabled=False", "-f"]
