"""Installing the course in a room without internet, and on Binder.

The quick tests check the commands' pure parts. The ``network`` tests need the package index:
they build a wheelhouse for this computer with ``backprop-course wheelhouse``, install the course
from it into a fresh virtual environment with the index switched off, and do the install that
Binder's repo2docker performs (``pip install -r binder/requirements.txt`` from the repository's
root, in a clean environment); ``backprop-course doctor`` must then pass in each environment.
They run when BACKPROP_NETWORK_TESTS=1 (set by .ci/run); the two installs run at the same
time, in separate copies of the course and separate environments.
"""

import os
import re
import shutil
import subprocess
import sys
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from course_copy import course_copy

from backproplib.course import wheelhouse

ROOT = Path(__file__).resolve().parent.parent
NETWORK = os.environ.get("BACKPROP_NETWORK_TESTS") == "1"
network = pytest.mark.skipif(not NETWORK, reason="needs the package index: set "
                             "BACKPROP_NETWORK_TESTS=1 (CI does)")
#: what Binder runs, as repo2docker 2026.4 writes it into the image's Dockerfile
BINDER_PIP = re.compile(r'pip install --no-cache-dir -r "binder/requirements.txt"')


# -- pure parts ---------------------------------------------------------------------------------

def test_download_command_names_the_targets_platform_and_python():
    command = wheelhouse.download_command(["course.whl", "setuptools>=77"], "wh", "windows", "3.12")
    assert command[command.index("--platform") + 1] == "win_amd64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert "--only-binary=:all:" in command and "course.whl" in command
    here = wheelhouse.download_command(["course.whl"], "wh", wheelhouse.THIS, "3.11")
    assert "--platform" not in here and "--only-binary=:all:" in here


def test_platform_only_requirements_are_found_for_the_target(tmp_path):
    import zipfile
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo-1.0.dist-info/METADATA", "Name: demo\nRequires-Dist: numpy\n"
                         "Requires-Dist: pywinpty>=1.1; os_name == \"nt\"\n"
                         "Requires-Dist: appnope; platform_system == \"Darwin\"\n"
                         "Requires-Dist: pytest; extra == \"test\"\n")
    windows = wheelhouse.missed_requirements([wheel], wheelhouse.target_markers("windows", "3.12"))
    macos = wheelhouse.missed_requirements([wheel], wheelhouse.target_markers("macos", "3.12"))
    assert windows == ["pywinpty>=1.1"] and macos == ["appnope"]


def test_a_bad_python_version_is_refused_before_any_download():
    done = subprocess.run([sys.executable, "-m", "backproplib.course", "wheelhouse", "--python",
                           "three"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "X.Y" in done.stderr


def test_binder_configuration_installs_the_course_and_the_badge_opens_lesson_00():
    assert (ROOT / "binder" / "requirements.txt").read_text().split() == ["-e", "."]
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    badge = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/HEAD\?urlpath=lab/tree/(\S+?)\)",
                      (ROOT / "README.md").read_text())
    assert badge, "README has no Binder badge with a urlpath"
    assert (ROOT / badge.group(2)).is_file() and badge.group(2).startswith("lessons/00_")
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"https://github.com/{badge.group(1)}"' in pyproject, "badge and project URL differ"


@pytest.mark.skipif(shutil.which("repo2docker") is None, reason="repo2docker is not installed")
def test_repo2docker_reads_the_binder_folder(tmp_path):
    copy = _course_copy(tmp_path / "course")
    done = subprocess.run(["repo2docker", "--no-build", "--no-run", "--debug", str(copy)],
                          capture_output=True, text=True, timeout=300)
    dockerfile = done.stdout + done.stderr
    assert BINDER_PIP.search(dockerfile), dockerfile[-2000:]
    version = (ROOT / "binder" / "runtime.txt").read_text().strip().split("-")[1]
    assert f"python={version}" in dockerfile or f"python{version}" in dockerfile


# -- with the package index ------------------------------------------------------------------------

def _course_copy(target):
    return course_copy(target)


def _fresh_venv(path):
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / ("Scripts" if os.name == "nt" else "bin")


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    return dict(env, **extra)


def _doctor(bindir, course):
    done = subprocess.run([str(bindir / "backprop-course"), "doctor", "--dir", str(course)],
                          capture_output=True, text=True, timeout=300, env=_clean_env(), cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All" in done.stdout and "checks passed" in done.stdout


def _wheelhouse_install(root):
    """Build a wheelhouse from a copy of the course, then install it offline in a fresh venv."""
    course = _course_copy(root / "course")
    house = root / "wheelhouse"
    build = subprocess.run([sys.executable, "-m", "backproplib.course", "wheelhouse", "--dir",
                            str(course), "--out", str(house)], capture_output=True, text=True,
                           timeout=900)
    if build.returncode != 0:
        return {"build": build, "house": house}
    bindir = _fresh_venv(root / "room-laptop")
    offline = _clean_env(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull)   # no index, no mirrors
    install = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--no-index",
                              "--find-links", str(house), "-e", str(course)],
                             capture_output=True, text=True, timeout=900, env=offline)
    return {"build": build, "house": house, "course": course, "bindir": bindir, "install": install}


def _binder_install(root):
    """Binder's install: ``pip install -r binder/requirements.txt`` from the root of a copy."""
    course = _course_copy(root / "course")
    bindir = _fresh_venv(root / "binder-env")
    install = subprocess.run([str(bindir / "pip"), "install", "-r", "binder/requirements.txt"],
                             cwd=course, capture_output=True, text=True, timeout=900,
                             env=_clean_env())
    return {"course": course, "bindir": bindir, "install": install}


@pytest.fixture(scope="module")
def installs(tmp_path_factory):
    """Both installs, each in its own course copy and fresh venv, run at the same time: each
    spends most of its time in pip (the index, the disk, unpacking), so together they take
    little longer than the longer one. {"wheelhouse": ..., "binder": ...}"""
    jobs = {"wheelhouse": _wheelhouse_install, "binder": _binder_install}
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(job, tmp_path_factory.mktemp(name)) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


@network
def test_install_from_the_wheelhouse_with_the_index_switched_off(installs):
    done = installs["wheelhouse"]
    build, house = done["build"], done["house"]
    assert build.returncode == 0, build.stderr[-2000:]
    assert list(house.glob("backprop_course-*.whl")) and list(house.glob("setuptools-*.whl"))
    command = build.stdout.strip().splitlines()[-1].strip()
    assert command == wheelhouse.install_command(house.name)
    install = done["install"]
    assert install.returncode == 0, install.stderr[-2000:]
    _doctor(done["bindir"], done["course"])


@network
def test_the_install_binder_performs_gives_a_working_course(installs):
    done = installs["binder"]
    install = done["install"]
    assert install.returncode == 0, install.stderr[-2000:]
    _doctor(done["bindir"], done["course"])
