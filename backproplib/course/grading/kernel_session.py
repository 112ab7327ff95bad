"""One Jupyter kernel for grading, in its sandbox, and the loop that enforces a cell's limits.

``KernelSession.start`` writes a connection file (``ipc`` transport: Unix sockets in the
submission's private exchange folder, see ``sandbox``), starts this Python's ipykernel inside
the sandbox (or, without one, as a plain process in a session of its own) and connects to it.
The grader owns the process: it never asks the kernel to stop, it kills the sandbox, and with it
every process the submission started.

``run(code, timeout, deadline)`` executes code and waits for it, reading every message the
kernel sends: printed output is counted (never stored), the error is taken from the
execute_reply. A cell is finished only when the kernel has said "idle" for it AND sent its
execute_reply, both before the grader's own deadline: the deadline is fixed when the cell is
sent, from the grader's clock, and nothing the kernel sends moves it (a forged "idle" or "busy"
status changes nothing). Every half second the sandbox is checked: dead, or using more memory
than allowed in all its processes together (resident memory of the whole process tree, summed
with psutil): the watchdog kills it.

Interrupting a cell uses Jupyter's ``interrupt_request`` message (the kernel cannot be signalled
from outside its PID namespace): a cell that does not stop within a few seconds gets its
sandbox killed and ``running`` starts a new one.
"""

import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from .sandbox import Sandbox, python_command

_POLL = 0.2
#: the environment of the kernel (one thread per numerical library: the grader runs jobs in parallel)
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
              "JUPYTER_PLATFORM_DIRS": "1", "PYTHONDONTWRITEBYTECODE": "1"}


class KernelStartError(RuntimeError):
    """No Jupyter kernel could be started: a problem of this machine, not of a submission."""


@dataclass
class Step:
    status: str  # "ok", "error", "timeout", "died", "memory"
    error: tuple | None = None
    output_bytes: int = 0


class KernelSession:
    """One kernel process (in its sandbox) and its client, with the loop that enforces limits.

    exchange: the submission's private folder shared with the kernel (sockets, requests).
    sandboxed: False runs the kernel as a plain process (``--no-sandbox``, ``--mine``).
    """

    #: every session with a live kernel, so that a stopped grader can end them all at once
    live = set()
    _live_lock = threading.RLock()   # re-entrant: a stop signal may arrive while it is held
    stopping = False
    _main_spawning = False           # the main thread is starting a kernel process
    _held_stop = None                # a stop that waits for that kernel to be registered

    @classmethod
    def kill_all(cls):
        """End every kernel of this grader and refuse to start new ones (SIGTERM, Ctrl-C)."""
        cls.stopping = True
        with cls._live_lock:
            sessions = list(cls.live)
        for session in sessions:
            session.kill()

    @classmethod
    def stop_now_or_after_spawn(cls, stop):
        """Call ``stop`` (which ends the kernels and raises) now — or, if the main thread is
        starting a kernel process, as soon as that process is registered as live. A stop that
        interrupted the start itself would leave the new process running without a grader."""
        if cls._main_spawning:
            cls._held_stop = stop
            return
        stop()

    def _spawn(self, command, env):
        """Start the kernel process and register it as live in one step: ``kill_all`` in another
        thread waits for it, and a stop signal in the main thread is held back until it is done."""
        try:
            with KernelSession._live_lock:
                if KernelSession.stopping:
                    raise KernelStartError("the grader is stopping")
                KernelSession._main_spawning = threading.current_thread() is threading.main_thread()
                try:
                    self.proc = subprocess.Popen(command, env=env, cwd=self.exchange,
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL, start_new_session=True)
                    KernelSession.live.add(self)
                finally:
                    KernelSession._main_spawning = False
        finally:
            held, KernelSession._held_stop = KernelSession._held_stop, None
            if held is not None:
                held()

    def __init__(self, exchange, memory_mb, sandboxed=True):
        self.exchange, self.memory_mb, self.sandboxed = str(exchange), memory_mb, sandboxed
        self.proc = self.kc = None
        self.sandbox = None
        self.rss_limit = None
        self.starts = 0

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, setup_code, timeout=60):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file
        if KernelSession.stopping:
            raise KernelStartError("the grader is stopping")
        self.starts += 1
        # a new folder per start: nothing the previous kernel left in the exchange folder (a
        # link in place of the connection file, say) is ever written through
        sockets = os.path.join(self.exchange, f"kernel{self.starts}-{secrets.token_hex(4)}")
        os.mkdir(sockets, 0o700)
        connection = os.path.join(sockets, "connection.json")
        write_connection_file(fname=connection, transport="ipc", key=secrets.token_hex(16).encode(),
                              ip=os.path.join(sockets, "k"))
        argv = python_command() + [connection]
        try:
            if self.sandboxed:
                self.sandbox = self.sandbox or Sandbox()
                self.sandbox.prepare(self.exchange, sockets, connection)
                command, env = self.sandbox.command(argv, self.exchange, KERNEL_ENV), None
            else:
                command, env = argv, dict(os.environ, **KERNEL_ENV)
            self._spawn(command, env)
            self.kc = BlockingKernelClient()
            self.kc.load_connection_file(connection)
            self.kc.start_channels(hb=False)  # liveness is the process's, see ``alive``
            self._wait_for_ready(timeout)
        except Exception as exc:
            self.shutdown()
            raise KernelStartError(f"could not start a Jupyter kernel ({sys.executable} -m "
                                   f"ipykernel_launcher{' in a bubblewrap sandbox' * self.sandboxed}"
                                   f"): {exc}. Run 'backprop-course doctor'.") from None
        step = self.run(setup_code, timeout, store_history=False)
        if step.status != "ok":
            self.shutdown()
            raise KernelStartError(f"the grading kernel could not be prepared: {step.error}")
        rss = self.memory()
        self.rss_limit = None if rss is None else rss + (self.memory_mb + 256) * 2**20

    def _wait_for_ready(self, timeout):
        """Ask for kernel_info until the kernel answers (RuntimeError if it dies or is late)."""
        deadline = time.monotonic() + timeout
        while True:
            self.kc.kernel_info()
            try:
                if self.kc.get_shell_msg(timeout=1.0).get("msg_type") == "kernel_info_reply":
                    break
            except queue.Empty:
                pass
            if not self.alive:
                raise RuntimeError("the kernel exited while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer within {timeout:g} s")
        while True:  # what the kernel said while starting is not part of any cell
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                break

    def run(self, code, timeout, store_history=True, deadline=None):
        """Execute ``code`` and wait for it at most ``timeout`` seconds (and never beyond the
        monotonic ``deadline``): a Step (the outputs are only counted)."""
        end = time.monotonic() + timeout
        if deadline is not None:
            end = min(end, deadline)
        msg_id = self.kc.execute(code, store_history=store_history, allow_stdin=False)
        return self._wait(msg_id, end)

    def interrupt(self, grace=3.0):
        """Interrupt the running cell; True if the kernel is idle again within ``grace`` s."""
        try:
            self.kc.control_channel.send(self.kc.session.msg("interrupt_request", {}))
        except Exception:
            return False
        probe = self.kc.execute("", store_history=False)
        return self._wait(probe, time.monotonic() + grace).status in ("ok", "error")

    def _wait(self, msg_id, deadline):
        output, error, idle, reply, next_check = 0, None, False, None, 0.0
        while True:
            now = time.monotonic()
            if now >= next_check:
                next_check = now + 0.5
                trouble = self._watchdog()
                if trouble:
                    return Step(trouble, error, output)
            if idle and reply is not None:
                if reply.get("status") == "error":
                    error = (str(reply.get("ename", "Error")), str(reply.get("evalue", "")))
                return Step("ok" if error is None else "error", error, output)
            if now >= deadline:
                return Step("timeout", error, output)
            wait = min(_POLL, deadline - now)
            if idle:
                reply = self._reply(msg_id, wait)
                continue
            try:
                msg = self.kc.get_iopub_msg(timeout=wait)
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output += len(str(content.get("text", "")))
            elif kind in ("display_data", "execute_result", "update_display_data"):
                output += sum(len(str(v)) for v in content.get("data", {}).values())
            elif kind == "error":
                error = (str(content.get("ename", "Error")), str(content.get("evalue", "")))
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True

    def _reply(self, msg_id, wait):
        """The content of the execute_reply to ``msg_id`` if it arrives within ``wait`` s."""
        try:
            reply = self.kc.get_shell_msg(timeout=wait)
        except queue.Empty:
            return None
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            content = reply.get("content")
            return content if isinstance(content, dict) else {}
        return None

    def _watchdog(self):
        """"died" or "memory" (after killing the sandbox) when the kernel is in trouble."""
        if not self.alive:
            return "died"
        if self.rss_limit is not None and (self.memory() or 0) > self.rss_limit:
            self.kill()
            return "memory"
        return None

    def memory(self):
        """Resident memory in bytes of every process of the sandbox together (None if unknown)."""
        try:
            import psutil
            top = psutil.Process(self.proc.pid)
            total = 0
            for p in [top, *top.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            return total
        except Exception:
            return None

    def kill(self):
        """End the kernel and every process it started (the whole sandbox)."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            try:  # bwrap, or the kernel's own session without a sandbox
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def shutdown(self):
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        self.kill()
        self.proc = self.kc = None

    def close(self):
        """Shut down and give the sandbox's user id back."""
        self.shutdown()
        if self.sandbox is not None:
            self.sandbox.release()
