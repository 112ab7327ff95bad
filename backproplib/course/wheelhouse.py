"""``backprop-course wheelhouse``: a folder of wheels to install the course with no internet.

    backprop-course wheelhouse --out wheelhouse --platform linux --platform windows \\
        --python 3.11 --python 3.12

Before a workshop, on a machine with internet, the instructor builds one folder holding the
course's own wheel and a wheel of every package it needs, for each platform and Python version
the room's laptops use; then copies it (with the course folder) onto a USB stick. In the room,
with no internet:

    python3 -m pip install --no-index --find-links wheelhouse -e course-folder

pip picks, for each laptop, the wheels that fit it. The folder also holds the build back-end
(setuptools), so the editable install of the course folder works offline too. Each step is one
``pip`` call (``pip wheel`` for the course, ``pip download --only-binary=:all: --platform ...
--python-version ...`` per target); a failed step stops with pip's message and what to try.
"""

import subprocess
import sys
from pathlib import Path

from .launch import CourseNotFoundError, find_course_dir

#: short names for the platform tags of the laptops a room usually has; pip also accepts the
#: older tags of the same family (e.g. manylinux2014 for manylinux_2_28, macOS 11 for 14)
PLATFORMS = {
    "linux": ["manylinux_2_28_x86_64"],
    "linux-arm": ["manylinux_2_28_aarch64"],
    "macos": ["macosx_14_0_arm64"],
    "macos-intel": ["macosx_13_0_x86_64"],
    "windows": ["win_amd64"],
}
THIS = "this"
#: what pip needs to install the course folder itself (pyproject.toml's build-system)
BUILD_BACKEND = "setuptools>=77"
#: the environment markers of each platform family (pip evaluates a package's markers, such as
#: ``pywinpty; os_name == "nt"``, for the computer it runs on, not for the target: these let
#: the command add what the target needs)
MARKERS = {
    "win": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
            "platform_machine": "AMD64"},
    "macosx": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
               "platform_machine": "arm64"},
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
              "platform_machine": "x86_64"},
}


class WheelhouseError(Exception):
    """A step failed; the message says which and what to try."""


def install_command(folder="wheelhouse", course="course-folder"):
    return f"python3 -m pip install --no-index --find-links {folder} -e {course}"


def download_command(requirements, out, platform, python, pip=(sys.executable, "-m", "pip")):
    """The ``pip download`` command for ``requirements`` and one (platform, Python version)
    target; ``THIS`` means the running computer (pure function)."""
    command = [*pip, "download", "--dest", str(out), "--only-binary=:all:", *map(str, requirements)]
    if platform != THIS:
        for tag in PLATFORMS.get(platform, [platform]):
            command += ["--platform", tag]
        command += ["--python-version", python, "--implementation", "cp"]
    return command


def targets_from(platforms, pythons):
    """[(platform, python)] for every pair; no platform means this computer only."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if not platforms:
        return [(THIS, here)]
    return [(p, v) for p in platforms for v in (pythons or [here])]


def target_markers(platform, python):
    """The environment-marker values of a target (platform name or pip tag, "X.Y")."""
    tag = PLATFORMS.get(platform, [platform])[0]
    family = next((f for f in MARKERS if tag.startswith(f)), "linux")
    env = dict(MARKERS[family], python_version=python, python_full_version=f"{python}.0",
               implementation_name="cpython", platform_python_implementation="CPython")
    for machine in ("x86_64", "aarch64", "arm64"):
        if tag.endswith(machine):
            env["platform_machine"] = machine
    return env


def wheel_requirements(wheel):
    """The Requires-Dist lines of a wheel's metadata."""
    import zipfile
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8", "replace")
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.startswith("Requires-Dist:")]


def missed_requirements(wheels, target_env):
    """Requirements that apply to the target but not to this computer, so pip skipped them."""
    from packaging.requirements import Requirement
    missed = set()
    for wheel in wheels:
        for line in wheel_requirements(wheel):
            req = Requirement(line)
            if req.marker is None:
                continue
            there = req.marker.evaluate(dict(target_env, extra=""))
            here = req.marker.evaluate({"extra": ""})
            if there and not here:
                req.marker = None
                missed.add(str(req))
    return sorted(missed)


def _run(command, what):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise WheelhouseError(f"{what} failed:\n{tail}\n(is the package index reachable? a "
                              f"package without a wheel for that platform needs another "
                              f"--python version or platform)")
    return done


def build(course, out, targets, progress=print):
    """Build the wheelhouse; returns the sorted list of wheel files in ``out``."""
    course, out = Path(course), Path(out)
    if not (course / "pyproject.toml").is_file():
        raise WheelhouseError(f"{course} has no pyproject.toml: build the wheelhouse from a clone "
                              f"of the course's repository")
    out.mkdir(parents=True, exist_ok=True)
    progress(f"building the course's wheel from {course}")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(course)],
         "building the course's wheel")
    wheels = sorted(out.glob("backprop_course-*.whl"), key=lambda p: p.stat().st_mtime)
    for platform, python in targets:
        progress(f"downloading wheels for {platform}, Python {python}")
        _run(download_command([wheels[-1], BUILD_BACKEND], out, platform, python),
             f"downloading for {platform}, Python {python}")
        if platform == THIS:
            continue
        asked = set()
        while True:   # the target's own platform-specific packages, and theirs in turn
            extra = [r for r in missed_requirements(sorted(out.glob("*.whl")),
                                                    target_markers(platform, python)) if r not in asked]
            if not extra:
                break
            progress(f"  and for {platform} only: {', '.join(extra)}")
            asked.update(extra)
            _run(download_command(extra, out, platform, python),
                 f"downloading {', '.join(extra)} for {platform}, Python {python}")
    return sorted(out.glob("*.whl"))


def register(subparsers):
    p = subparsers.add_parser(
        "wheelhouse", help="build a folder of wheels to install the course in a room without internet",
        description="Download the course's wheel and every wheel it needs, for the platforms "
                    "and Python versions of the room's laptops, into one folder. Then install "
                    "offline with: " + install_command())
    p.add_argument("--out", default="wheelhouse", metavar="FOLDER",
                   help="where to put the wheels (default: ./wheelhouse)")
    p.add_argument("--platform", action="append", metavar="NAME",
                   help=f"a laptop platform: {', '.join(PLATFORMS)}, or a pip platform tag such as "
                        f"manylinux_2_17_x86_64; repeat for several (default: this computer)")
    p.add_argument("--python", action="append", metavar="X.Y",
                   help="a Python version of the laptops, e.g. 3.11; repeat for several "
                        "(default: this Python)")
    p.add_argument("--dir", metavar="COURSE", help="the course folder, a clone of the repository "
                   "(default: found from the current folder)")
    p.set_defaults(func=run)


def run(args):
    bad = [v for v in args.python or [] if not _is_version(v)]
    if bad:
        print(f"error: --python {bad[0]}: give a version as X.Y, e.g. 3.11", file=sys.stderr)
        return 2
    try:
        course = find_course_dir(args.dir)
        wheels = build(course, args.out, targets_from(args.platform, args.python),
                       progress=lambda m: print(m, file=sys.stderr, flush=True))
    except (CourseNotFoundError, WheelhouseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    print(f"{len(wheels)} wheels in {out}. Copy it and the course folder to each laptop, then, "
          f"with no internet:\n  {install_command(out.name)}")
    return 0


def _is_version(text):
    parts = text.split(".")
    return len(parts) == 2 and all(p.isdigit() for p in parts)
