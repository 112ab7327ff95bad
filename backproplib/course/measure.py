"""Run a notebook top to bottom in a fresh kernel and measure what it costs.

For each code cell: the wall time from sending it to its reply, and the kernel's CPU time over
the same stretch. For the whole run: the kernel process's peak resident memory (RSS) and its
total CPU time. psutil reads the kernel process: a thread samples its RSS every few
milliseconds, and on Linux the kernel's own high-water mark (``VmHWM`` in /proc) is taken too,
so a spike between two samples is not missed.

These figures feed the instructor's timed plan and the per-learner resources of the hosting
guide; they are measured, never typed.
"""

import hashlib
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.005


@dataclass
class NotebookRun:
    """What one run of a notebook cost."""
    cell_seconds: dict = field(default_factory=dict)      # code cell index -> wall seconds
    cell_cpu_seconds: dict = field(default_factory=dict)  # code cell index -> kernel CPU seconds
    kernel_start_rss_mb: float = 0.0   # the kernel's RSS before the first cell
    peak_rss_mb: float = 0.0           # the kernel's peak RSS over the run
    cpu_seconds: float = 0.0           # the kernel's CPU time (user + system) over the cells
    code_hash: str = ""                # of the code cells' sources: tells when a run is stale

    def to_json(self):
        record = asdict(self)
        record["cell_seconds"] = {str(k): round(v, 3) for k, v in self.cell_seconds.items()}
        record["cell_cpu_seconds"] = {str(k): round(v, 3) for k, v in self.cell_cpu_seconds.items()}
        for key in ("kernel_start_rss_mb", "peak_rss_mb", "cpu_seconds"):
            record[key] = round(record[key], 2)
        return record

    @classmethod
    def from_json(cls, record):
        run = cls(**record)
        run.cell_seconds = {int(k): v for k, v in record["cell_seconds"].items()}
        run.cell_cpu_seconds = {int(k): v for k, v in record.get("cell_cpu_seconds", {}).items()}
        return run


def code_hash(nb):
    """A short hash of the notebook's code, in order: measurements belong to exactly this code."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class _PeakRss:
    """Samples a process's RSS in a background thread; ``peak_mb`` is the largest seen."""

    def __init__(self, process):
        self.process, self.peak = process, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss, _high_water(self.process.pid))
            except Exception:  # the process ended: keep what was seen
                return
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _high_water(pid):
    """The process's peak RSS in bytes from /proc/PID/status (0 where there is no /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu(process):
    times = process.cpu_times()
    return times.user + times.system


def run_notebook(path, timeout=600, kernel_name="python3", env=None):
    """Execute the notebook at ``path`` (not modified on disk) and return a NotebookRun.

    Cells run in the notebook's folder, as in JupyterLab. A cell that raises stops the run with
    nbclient's CellExecutionError, which names the cell.
    """
    import nbformat
    import psutil
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}})
    run = NotebookRun(code_hash=code_hash(nb))
    with client.setup_kernel(**({"env": env} if env is not None else {})):
        kernel = psutil.Process(client.km.provisioner.pid)
        run.kernel_start_rss_mb = kernel.memory_info().rss / 2**20
        cpu_start = _cpu(kernel)
        with _PeakRss(kernel) as sampler:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                wall, cpu = time.perf_counter(), _cpu(kernel)
                client.execute_cell(cell, index)
                run.cell_seconds[index] = time.perf_counter() - wall
                run.cell_cpu_seconds[index] = _cpu(kernel) - cpu
            run.cpu_seconds = _cpu(kernel) - cpu_start
        run.peak_rss_mb = max(sampler.peak, _high_water(kernel.pid)) / 2**20
    return run


def measure_server(settle_seconds=3.0, timeout=90):
    """The resident memory (MB) of a JupyterLab server with no notebook open: started in an
    empty folder, measured once it answers and has settled, then stopped."""
    import socket
    import subprocess
    import sys
    import tempfile
    import urllib.request

    import psutil
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as root:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--allow-root",
             f"--ServerApp.root_dir={root}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("JupyterLab did not start; run 'backprop-course "
                                           "doctor'") from None
                    time.sleep(0.5)
            time.sleep(settle_seconds)
            process = psutil.Process(server.pid)
            return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
