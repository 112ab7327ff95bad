"""``backprop-course doctor``: check that this computer can run the course, and say how to fix it.

The usual set-up failures in a workshop room: widgets showing as text
(``interactive(children=(FloatSlider…``) because JupyterLab's widget extension is missing, a
notebook kernel from another Python environment, a package too old, a broken matplotlib.

Each check is a small function returning ``Check(ok, message, fix)``; the inputs it judges
(versions, folders, a kernel's command line) are passed in, so every check can be tested with a
faked bad situation. ``gather_checks()`` does the looking-up and runs them all.
"""

import importlib
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

from . import launch

DISTRIBUTION = "backprop-course"
#: used when the course's own metadata cannot be read (running from a copy that is not installed)
DEFAULT_REQUIREMENTS = ("numpy>=1.24", "matplotlib>=3.7,<3.11", "ipywidgets>=8.0",
                        "anywidget>=0.9", "jupyterlab>=4.0")
MINIMUM_PYTHON = (3, 10)
#: the JupyterLab front-end package that renders ipywidgets
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
#: its first major version that draws ipywidgets 8 widgets
WIDGETS_MANAGER_MAJOR = 5
#: the JupyterLab front-end package that draws the explorers' pictures (``render.Picture``)
PICTURE_EXTENSION = "anywidget"
DEFAULT_KERNEL = "python3"
#: how long a kernel's Python may take to import backproplib
KERNEL_TIMEOUT = 20


class Check(NamedTuple):
    ok: bool
    message: str
    fix: str = ""


def pip_install(requirement):
    return f'{sys.executable} -m pip install --upgrade "{requirement}"'


# -- the checks (each judges what it is given) -----------------------------------------------

def check_python(version_info, minimum=MINIMUM_PYTHON):
    """version_info: (major, minor, ...) of the Python running the course."""
    have = ".".join(str(v) for v in version_info[:3])
    need = ".".join(str(v) for v in minimum)
    if tuple(version_info[:2]) >= tuple(minimum):
        return Check(True, f"Python {have} (the course needs ≥ {need})")
    return Check(False, f"Python {have} is too old: the course needs Python ≥ {need}",
                 f"install Python {need} or newer, then reinstall the course with it: "
                 f'python3 -m pip install -e ".[test]"')


def check_package(requirement, installed_version):
    """requirement: e.g. "numpy>=1.24"; installed_version: str, or None when not installed."""
    req = Requirement(requirement)
    if installed_version is None:
        return Check(False, f"{req.name} is not installed (the course needs {requirement})",
                     pip_install(requirement))
    try:
        ok = req.specifier.contains(Version(installed_version), prereleases=True)
    except InvalidVersion:
        ok = False
    if ok:
        return Check(True, f"{req.name} {installed_version}")
    return Check(False, f"{req.name} {installed_version} does not satisfy {requirement}",
                 pip_install(requirement))


def check_widgets_extension(labextension_dirs):
    """labextension_dirs: the folders where JupyterLab looks for prebuilt extensions
    (``jupyter_core.paths.jupyter_path("labextensions")`` of the Python that runs JupyterLab),
    in JupyterLab's order: the first copy found is the one it loads."""
    fix = (f"{pip_install('ipywidgets>=8.0')} \"jupyterlab_widgets>=3\", then restart JupyterLab "
           f"and reload the browser page")
    found = find_labextension(labextension_dirs, WIDGETS_EXTENSION)
    if found is None:
        return Check(False, f"JupyterLab cannot draw widgets: {WIDGETS_EXTENSION} is not installed "
                            f"for this JupyterLab (even after their cell has run, explorers would "
                            f"stay a still picture, or show as text)", fix)
    version, folder = found
    if version.split(".")[0].isdigit() and int(version.split(".")[0]) >= WIDGETS_MANAGER_MAJOR:
        return Check(True, f"JupyterLab widget extension {version} ({folder})")
    return Check(False, f"JupyterLab's widget extension {version} ({folder}) is for "
                        f"ipywidgets 7: ipywidgets 8 widgets would fail to display", fix)


def check_picture_extension(labextension_dirs):
    """Whether JupyterLab can draw the explorers' pictures (anywidget's front-end extension)."""
    found = find_labextension(labextension_dirs, PICTURE_EXTENSION)
    if found is None:
        return Check(False, f"JupyterLab cannot draw the explorers' pictures: the "
                            f"{PICTURE_EXTENSION} extension is not installed for this JupyterLab "
                            f"(each explorer would show its controls and an error box)",
                     f"{pip_install('anywidget>=0.9')}, then restart JupyterLab and reload the "
                     f"browser page")
    version, folder = found
    return Check(True, f"JupyterLab picture extension ({PICTURE_EXTENSION} {version}, {folder})")


def find_labextension(labextension_dirs, name):
    """(version, folder) of the first copy of the front-end extension ``name`` in these folders
    (the one JupyterLab loads), or None. The version is "?" when its package.json is unreadable."""
    for folder in labextension_dirs:
        package = Path(folder) / name / "package.json"
        if not package.is_file():
            continue
        try:
            version = json.loads(package.read_text(encoding="utf-8")).get("version", "?")
        except (OSError, ValueError):
            version = "?"
        return str(version), package.parent
    return None


def kernel_python(kernel_argv, server_python=None):
    """The Python a kernel runs, as JupyterLab started from ``server_python`` would run it.

    jupyter_client replaces a bare ``python``/``python3``/``python3.X`` in a kernel's command
    with the server's own Python, so the default kernel always matches the server.
    """
    server_python = server_python or sys.executable
    first = kernel_argv[0]
    bare = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    return server_python if first in bare else first


def check_kernel(name, kernel_argv, import_report, expected_file):
    """name: the kernel the notebooks ask for; kernel_argv: its command line (None: no such
    kernel); import_report: (ok, text) of running the kernel's Python with ``import backproplib``
    (text is backproplib's file on success, the error otherwise); expected_file: this
    environment's backproplib/__init__.py."""
    reinstall = (f"{sys.executable} -m ipykernel install --user --name {name} "
                 f'--display-name "Python 3 (backprop course)"')
    if kernel_argv is None:
        return Check(False, f"no Jupyter kernel named '{name}' (the notebooks use it)", reinstall)
    python = kernel_python(kernel_argv)
    ok, text = import_report
    if not ok:
        return Check(False, f"kernel '{name}' runs {python}, which cannot import backproplib: "
                            f"{text}", reinstall)
    if Path(text).resolve() != Path(expected_file).resolve():
        return Check(False, f"kernel '{name}' runs {python}, which imports another copy of "
                            f"backproplib ({text}, not {expected_file})", reinstall)
    return Check(True, f"kernel '{name}' imports backproplib ({python})")


def check_grading_isolation(platform, problem):
    """platform: sys.platform; problem: None when ``grade`` can sandbox submissions here (see
    ``grading.sandbox.isolation_problem``), else why not."""
    if problem is None:
        return Check(True, "grading is isolated: each submission runs in a bubblewrap sandbox")
    if platform != "linux":
        return Check(True, f"grading others' notebooks needs Linux (no sandbox on {platform}): "
                           f"use a Linux container or Gradescope; your own: grade --mine")
    return Check(False, f"grading is not isolated: {problem}",
                 "sudo apt-get install bubblewrap (Fedora: sudo dnf install bubblewrap), "
                 "needed only to grade other people's notebooks")


def check_datasets(loaders):
    """loaders: dict name -> function returning (X, y) arrays with as many rows."""
    problems, sizes = [], []
    for name, load in loaders.items():
        try:
            X, y = load()
            if len(X) == 0 or len(X) != len(y):
                raise ValueError(f"got X with {len(X)} rows and y with {len(y)}")
            sizes.append(f"{name} {tuple(X.shape)}")
        except Exception as exc:  # the report names any failure, whatever its kind
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    if problems:
        return Check(False, "shipped data sets do not load: " + "; ".join(problems),
                     'reinstall the course from its folder: python3 -m pip install -e ".[test]"')
    return Check(True, "data sets load: " + ", ".join(sizes))


def check_widget_and_plot(make_widget, make_plot):
    """make_widget, make_plot: functions that build an ipywidgets control and a PNG plot."""
    try:
        widget = make_widget()
        png = make_plot()
        if not png.startswith(b"\x89PNG"):
            raise ValueError("the plot did not render to PNG")
    except Exception as exc:  # the report names any failure, whatever its kind
        return Check(False, f"cannot create a widget and a plot: {type(exc).__name__}: {exc}",
                     f"{pip_install('ipywidgets>=8.0')} \"matplotlib>=3.7,<3.11\"")
    return Check(True, f"a widget ({type(widget).__name__}) and a plot ({len(png)} bytes PNG) "
                       f"can be created")


class LessonOutputs(NamedTuple):
    """What one lesson notebook shows before anything runs."""
    name: str
    trusted: bool        # JupyterLab trusts it (it was saved or trusted on this computer)
    pictures: int        # widget outputs saved with a still picture
    text_only: int       # widget outputs saved without one: shown as text until the cell runs


def check_first_open(lessons):
    """lessons: a LessonOutputs per lesson. Says what a learner sees before running anything,
    so that a still picture (or text) is not mistaken for a missing widgets extension."""
    if not lessons:
        return Check(True, "no lesson notebooks to open yet")
    untrusted = [l.name for l in lessons if not l.trusted]
    text_only = [l.name for l in lessons if l.text_only]
    parts = []
    if untrusted:
        parts.append(f"{len(untrusted)} of {len(lessons)} lessons not yet trusted by JupyterLab "
                     f"(normal for a fresh copy)")
    parts.append(f"{sum(l.pictures for l in lessons)} explorers saved with a still picture: "
                 f"before its cell runs, an explorer shows that picture and 'run this cell' "
                 f"(or, in a notebook you saved yourself, 'Error displaying widget: model not "
                 f"found') — not a widget problem, run the cell")
    if text_only:
        parts.append(f"widgets saved as text only in {', '.join(text_only)} (they show as text "
                     f"until their cell runs)")
    return Check(True, "first open: " + "; ".join(parts))


def check_course_dir(find):
    """find: function returning the course folder, or raising CourseNotFoundError."""
    try:
        folder = find()
    except launch.CourseNotFoundError as exc:
        return Check(False, str(exc).splitlines()[0],
                     "run from the course folder, or give it: backprop-course doctor --dir PATH")
    return Check(True, f"course found: {folder}")


# -- looking things up ------------------------------------------------------------------------

def course_requirements():
    try:
        reqs = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return list(DEFAULT_REQUIREMENTS)
    return [r for r in reqs if Requirement(r).marker is None] or list(DEFAULT_REQUIREMENTS)


def installed_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def notebook_kernel_name(course_dir):
    """The kernel the first lesson asks for (default: python3)."""
    for nb in sorted(Path(course_dir, "lessons").glob("*.ipynb")):
        try:
            meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})
            return meta.get("kernelspec", {}).get("name") or DEFAULT_KERNEL
        except (OSError, ValueError):
            continue
    return DEFAULT_KERNEL


def run_import(python):
    """Run ``python -c "import backproplib"``; return (ok, backproplib's file or the error)."""
    code = "import backproplib; print(backproplib.__file__)"
    try:
        done = subprocess.run([python, "-c", code], capture_output=True, text=True,
                              timeout=KERNEL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return False, lines[-1]
    return True, done.stdout.strip()


def make_slider():
    import ipywidgets
    return ipywidgets.FloatSlider(value=0.5, min=0.0, max=1.0, description="w")


def make_png_plot():
    from ..explorers.render import figure_to_png, new_figure
    fig = new_figure(2, 2)
    fig.add_subplot().plot([0, 1], [0, 1])
    return figure_to_png(fig)


def lesson_outputs(course_dir):
    """A LessonOutputs for each notebook of the course's lessons/ folder."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary, found = NotebookNotary(), []
    for path in sorted(Path(course_dir, "lessons").glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
            trusted = bool(notary.check_signature(nb))
        except Exception:  # an unreadable notebook is reported by JupyterLab itself
            continue
        widgets = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
                   if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        pictures = sum("backprop-explorer-still" in d.get("text/html", "") for d in widgets)
        found.append(LessonOutputs(path.name, trusted, pictures, len(widgets) - pictures))
    return found


def dataset_loaders():
    """The shipped data sets, by name (an import failure is reported as a failing loader)."""
    try:
        datasets = importlib.import_module("backproplib.datasets")
    except Exception as exc:  # reported, not raised
        def broken(exc=exc):
            raise exc
        return {"backproplib.datasets": broken}
    return {"xor": datasets.load_xor, "digits": datasets.load_digits}


def gather_checks(course_dir_arg=None):
    """Run every check on this computer; return the list of Check."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_core.paths import jupyter_path

    import backproplib

    checks = [check_python(sys.version_info)]
    checks += [check_package(r, installed_version(Requirement(r).name))
               for r in course_requirements()]
    checks.append(check_widgets_extension(jupyter_path("labextensions")))
    checks.append(check_picture_extension(jupyter_path("labextensions")))
    course = check_course_dir(lambda: launch.find_course_dir(course_dir_arg))
    checks.append(course)
    name = DEFAULT_KERNEL
    if course.ok:
        name = notebook_kernel_name(launch.find_course_dir(course_dir_arg))
        checks.append(check_first_open(lesson_outputs(launch.find_course_dir(course_dir_arg))))
    specs = KernelSpecManager().get_all_specs()
    argv = specs[name]["spec"]["argv"] if name in specs else None
    report = run_import(kernel_python(argv)) if argv else (False, "no kernel")
    checks.append(check_kernel(name, argv, report, backproplib.__file__))
    checks.append(check_datasets(dataset_loaders()))
    from .grading.sandbox import isolation_problem
    checks.append(check_grading_isolation(sys.platform, isolation_problem()))
    checks.append(check_widget_and_plot(make_slider, make_png_plot))
    return checks


def format_report(checks, marks=("✓", "✗")):
    """The report: one line per check, the fix under each failed one, and a summary."""
    good, bad = marks
    lines = ["backprop-course doctor"]
    for check in checks:
        lines.append(f"  {good if check.ok else bad} {check.message}")
        if not check.ok and check.fix:
            lines.append(f"      fix: {check.fix}")
    failed = sum(not c.ok for c in checks)
    if failed:
        lines.append(f"{failed} problem{'s' * (failed > 1)} found; fix "
                     f"{'them' if failed > 1 else 'it'} and run backprop-course doctor again.")
    else:
        lines.append(f"All {len(checks)} checks passed: ready for the course.")
    return "\n".join(lines)


def register(subparsers):
    parser = subparsers.add_parser(
        "doctor", help="check this computer's set-up for the course and say how to fix problems",
        description="Check Python, packages, JupyterLab's widget extension, the notebook kernel, "
                    "the data sets, and that a widget and a plot can be made.",
    )
    parser.add_argument("--dir", metavar="PATH", help="the course folder (containing lessons/)")
    parser.set_defaults(func=run)


def run(args):
    checks = gather_checks(args.dir)
    encoding = sys.stdout.encoding or "ascii"
    try:
        "✓✗≥".encode(encoding)
        marks = ("✓", "✗")
    except UnicodeEncodeError:
        marks = ("ok", "XX")
    report = format_report(checks, marks)
    print(report.encode(encoding, "replace").decode(encoding))
    return 0 if all(c.ok for c in checks) else 1
