"""One Jupyter kernel for grading, and the loop that enforces a cell's limits.

``KernelSession.run(code, timeout)`` executes code and waits for it, reading every message the
kernel sends: printed output is counted (never stored), the error is taken from the
execute_reply (it names the error even when the kernel could not print a traceback), and
every half second the kernel is checked: dead, or over its memory (a watchdog behind the
kernel's own address-space limit, set by ``inside_submission.limit_memory``).
"""

import os
import queue
import subprocess
import time
from dataclasses import dataclass

_POLL = 0.2


class KernelStartError(RuntimeError):
    """No Jupyter kernel could be started: a problem of this machine, not of a submission."""


@dataclass
class Step:
    status: str  # "ok", "error", "timeout", "died", "memory"
    error: tuple | None = None
    output_bytes: int = 0


class KernelSession:
    """One kernel process and its client, with the run loop that enforces the limits."""

    def __init__(self, workdir, memory_mb, kernel_name="python3"):
        self.workdir, self.memory_mb, self.kernel_name = str(workdir), memory_mb, kernel_name
        self.km = self.kc = None
        self.rss_limit = None

    def start(self, setup_code, timeout=60):
        from jupyter_client import KernelManager
        options = {"transport": "ipc", "ip": os.path.join(self.workdir, ".kernel")} \
            if os.name == "posix" else {}
        self.km = KernelManager(kernel_name=self.kernel_name, **options)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", MPLBACKEND="Agg", PYTHONHASHSEED="0",
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        try:
            self.km.start_kernel(cwd=self.workdir, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            self.kc = self.km.client()
            self.kc.start_channels()
            self.kc.wait_for_ready(timeout=timeout)
        except Exception as exc:
            self.shutdown()
            raise KernelStartError(f"could not start a Jupyter kernel {self.kernel_name!r}: "
                                   f"{exc}. Run 'backprop-course doctor'.") from None
        step = self.run(setup_code, timeout, store_history=False)
        if step.status != "ok":
            self.shutdown()
            raise KernelStartError(f"the grading kernel could not be prepared: {step.error}")
        rss = _rss(self.km)
        self.rss_limit = None if rss is None else rss + (self.memory_mb + 256) * 2**20

    def run(self, code, timeout, store_history=True):
        """Execute ``code`` and wait for it: a Step (the outputs are only counted)."""
        msg_id = self.kc.execute(code, store_history=store_history, allow_stdin=False)
        return self._wait(msg_id, time.monotonic() + timeout)

    def interrupt(self, grace=3.0):
        """Interrupt the running cell; True if the kernel is idle again within ``grace`` s."""
        try:
            self.km.interrupt_kernel()
        except Exception:
            return False
        probe = self.kc.execute("", store_history=False)
        return self._wait(probe, time.monotonic() + grace).status in ("ok", "error")

    def _wait(self, msg_id, deadline):
        output, error, next_memory_check = 0, None, 0.0
        while True:
            now = time.monotonic()
            if now >= next_memory_check:
                next_memory_check = now + 0.5
                if not self.km.is_alive():
                    return Step("died", error, output)
                if self.rss_limit is not None and (_rss(self.km) or 0) > self.rss_limit:
                    self.km.kill_kernel()
                    return Step("memory", error, output)
            if now >= deadline:
                return Step("timeout", error, output)
            try:
                msg = self.kc.get_iopub_msg(timeout=min(_POLL, deadline - now))
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output += len(content.get("text", ""))
            elif kind in ("display_data", "execute_result", "update_display_data"):
                output += sum(len(str(v)) for v in content.get("data", {}).values())
            elif kind == "error":
                error = (content.get("ename", "Error"), content.get("evalue", ""))
            elif kind == "status" and content.get("execution_state") == "idle":
                error = self._reply_error(msg_id) or error
                return Step("ok" if error is None else "error", error, output)

    def _reply_error(self, msg_id, timeout=5.0):
        """(ename, evalue) from the cell's execute_reply, which names the error even when the
        kernel could not format a traceback (e.g. out of memory)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=_POLL)
            except queue.Empty:
                if not self.km.is_alive():
                    return None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                content = reply.get("content", {})
                if content.get("status") == "error":
                    return content.get("ename", "Error"), content.get("evalue", "")
                return None
        return None

    def shutdown(self):
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:
                pass
        self.km = self.kc = None


def _rss(km):
    """Resident memory in bytes of the kernel and its children (None without psutil)."""
    try:
        import psutil
        process = psutil.Process(km.provisioner.process.pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
    except Exception:
        return None
