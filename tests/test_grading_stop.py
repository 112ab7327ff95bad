"""A grader stopped (SIGTERM, Ctrl-C) while it starts a kernel still ends that kernel: the stop
waits until the new process is registered, then ends it with the others — no kernel outlives the
grader, even one whose start the signal interrupted."""

import subprocess
import sys

import pytest

from backproplib.course.grading import kernel_session as ks


class Stopped(Exception):
    pass


@pytest.fixture
def grader_state(monkeypatch):
    """A fresh class-wide state of the kernel sessions (restored after the test)."""
    monkeypatch.setattr(ks.KernelSession, "live", set())
    monkeypatch.setattr(ks.KernelSession, "stopping", False)
    monkeypatch.setattr(ks.KernelSession, "_held_stop", None)


def stop():
    """What the grader's signal handler does: end every kernel, then stop."""
    ks.KernelSession.kill_all()
    raise Stopped


def test_a_stop_signal_during_a_kernel_start_ends_that_kernel(monkeypatch, tmp_path, grader_state):
    real_popen = subprocess.Popen
    started = []

    def popen_interrupted_by_a_signal(*args, **kwargs):
        proc = real_popen([sys.executable, "-c", "import time; time.sleep(60)"],
                          start_new_session=True)
        started.append(proc)
        ks.KernelSession.stop_now_or_after_spawn(stop)   # the signal arrives here, mid-start
        return proc

    monkeypatch.setattr(ks.subprocess, "Popen", popen_interrupted_by_a_signal)
    session = ks.KernelSession(str(tmp_path), memory_mb=100, sandboxed=False)
    with pytest.raises(Stopped):
        session._spawn(["python"], env=None)
    assert started and started[0].wait(timeout=10) is not None, "the new kernel was left running"
    assert session in ks.KernelSession.live


def test_a_stop_outside_a_kernel_start_happens_at_once(grader_state):
    with pytest.raises(Stopped):
        ks.KernelSession.stop_now_or_after_spawn(stop)
    assert ks.KernelSession.stopping


def test_no_kernel_starts_once_the_grader_is_stopping(tmp_path, grader_state, monkeypatch):
    monkeypatch.setattr(ks.KernelSession, "stopping", True)
    session = ks.KernelSession(str(tmp_path), memory_mb=100, sandboxed=False)
    with pytest.raises(ks.KernelStartError, match="stopping"):
        session._spawn([sys.executable, "-c", "pass"], env=None)
    assert session.proc is None
