"""The ``backprop-course`` command: sub-commands, ``open``'s command line, and ``doctor``."""

import subprocess
import sys
import types
from pathlib import Path

import pytest

from backproplib.course import cli, doctor, launch

REPO = Path(__file__).resolve().parents[1]


def run_command(*args):
    return subprocess.run([sys.executable, "-m", "backproplib.course.cli", *args],
                          capture_output=True, text=True, timeout=60, cwd=REPO)


# -- the command and its sub-commands ---------------------------------------------------------

def test_help_lists_every_sub_command():
    done = run_command("--help")
    assert done.returncode == 0, done.stderr
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"open", "doctor"} <= set(commands)
    assert len(commands) >= len(cli.COMMAND_MODULES)
    for name in commands:
        assert name in done.stdout


@pytest.mark.parametrize("argv, port, no_browser", [
    ([], None, False),
    (["--port", "9999", "--no-browser"], 9999, True),
    (["open", "--dir", "somewhere"], None, False),
])
def test_no_command_or_options_only_runs_open(monkeypatch, argv, port, no_browser):
    seen = {}

    def fake_run(args):
        seen["args"] = args
        return 7
    monkeypatch.setattr(launch, "run", fake_run)
    assert cli.main(argv) == 7
    assert seen["args"].command == "open"
    assert seen["args"].port == port and seen["args"].no_browser is no_browser


# -- open: finding the course and building JupyterLab's command line --------------------------

def make_course(root):
    (root / "lessons").mkdir(parents=True)
    (root / "exercises").mkdir()
    return root


def test_lab_argv_uses_this_python_and_the_options(tmp_path):
    course = make_course(tmp_path / "course")
    argv = launch.build_lab_argv(course, port=9123, no_browser=True, as_root=False)
    assert argv[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={course}" in argv
    assert "--ServerApp.port=9123" in argv and "--no-browser" in argv
    assert "--allow-root" not in argv
    assert "--LabApp.default_url=/lab/tree/lessons" in argv


def test_lab_argv_defaults_and_root(tmp_path):
    course = make_course(tmp_path / "course")
    (course / launch.START_NOTEBOOK).write_text("{}")
    argv = launch.build_lab_argv(course, python="/env/bin/python", as_root=True)
    assert argv[0] == "/env/bin/python"
    assert "--allow-root" in argv
    assert f"--LabApp.default_url=/lab/tree/{launch.START_NOTEBOOK}" in argv
    assert not any(a.startswith("--ServerApp.port") or a == "--no-browser" for a in argv)


def test_course_found_from_a_subfolder_or_next_to_the_package(tmp_path):
    course = make_course(tmp_path / "course")
    (course / "lessons" / "deep").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert launch.find_course_dir(cwd=course / "lessons" / "deep",
                                  package_dir=elsewhere / "pkg") == course
    assert launch.find_course_dir(cwd=elsewhere, package_dir=course / "backproplib") == course


def test_dir_option_accepts_the_course_or_its_lessons(tmp_path):
    course = make_course(tmp_path / "course")
    assert launch.find_course_dir(course) == course
    assert launch.find_course_dir(course / "lessons") == course
    with pytest.raises(launch.CourseNotFoundError, match="--dir"):
        launch.find_course_dir(course / "exercises")


def test_course_not_found_says_where_it_looked_and_what_to_do(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(launch.CourseNotFoundError) as info:
        launch.find_course_dir(cwd=tmp_path / "a", package_dir=tmp_path / "site" / "backproplib")
    text = str(info.value)
    assert str(tmp_path / "a" / "lessons") in text
    assert str(tmp_path / "site" / "lessons") in text
    assert "--dir" in text


def test_open_with_a_wrong_dir_exits_2_with_a_message(tmp_path, capsys):
    args = types.SimpleNamespace(dir=str(tmp_path), port=None, no_browser=True)
    assert launch.run(args) == 2
    assert "no lessons found" in capsys.readouterr().err


# -- doctor -----------------------------------------------------------------------------------

def test_doctor_says_whether_grading_is_isolated():
    assert doctor.check_grading_isolation("linux", None).ok
    missing = doctor.check_grading_isolation("linux", "bubblewrap (bwrap) is not installed")
    assert not missing.ok and "apt-get install bubblewrap" in missing.fix
    mac = doctor.check_grading_isolation("darwin", "bubblewrap runs on Linux only")
    assert mac.ok and "--mine" in mac.message


def test_real_doctor_passes_on_this_machine():
    done = run_command("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All" in done.stdout and "✗" not in done.stdout
    assert "kernel 'python3' imports backproplib" in done.stdout


def test_python_check():
    assert doctor.check_python((3, 11, 7)).ok
    bad = doctor.check_python((3, 9, 18))
    assert not bad.ok and "3.9.18" in bad.message and "3.10" in bad.fix


def test_package_check_old_missing_and_fine():
    assert doctor.check_package("numpy>=1.24", "2.1.0").ok
    old = doctor.check_package("numpy>=1.24", "1.21.6")
    assert not old.ok and "1.21.6" in old.message
    assert "pip install" in old.fix and "numpy>=1.24" in old.fix
    missing = doctor.check_package("ipywidgets>=8.0", None)
    assert not missing.ok and "not installed" in missing.message and "ipywidgets" in missing.fix
    assert not doctor.check_package("numpy>=1.24", "not-a-version").ok


def test_widgets_extension_check(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = doctor.check_widgets_extension([empty, tmp_path / "does-not-exist"])
    assert not bad.ok and "as text" in bad.message and "jupyterlab_widgets" in bad.fix
    old = tmp_path / "old" / doctor.WIDGETS_EXTENSION
    old.mkdir(parents=True)
    (old / "package.json").write_text('{"version": "3.0.13"}')
    ext = tmp_path / "share" / doctor.WIDGETS_EXTENSION
    ext.mkdir(parents=True)
    (ext / "package.json").write_text('{"version": "5.0.16"}')
    good = doctor.check_widgets_extension([empty, tmp_path / "share", tmp_path / "old"])
    assert good.ok and "5.0.16" in good.message
    stale = doctor.check_widgets_extension([tmp_path / "old", tmp_path / "share"])
    assert not stale.ok and "3.0.13" in stale.message and "ipywidgets 7" in stale.message
    assert "jupyterlab_widgets" in stale.fix


def test_picture_extension_check(tmp_path):
    missing = doctor.check_picture_extension([tmp_path / "does-not-exist", tmp_path])
    assert not missing.ok and "pictures" in missing.message and "anywidget" in missing.fix
    ext = tmp_path / "share" / doctor.PICTURE_EXTENSION
    ext.mkdir(parents=True)
    (ext / "package.json").write_text('{"version": "0.11.0"}')
    found = doctor.check_picture_extension([tmp_path, tmp_path / "share"])
    assert found.ok and "0.11.0" in found.message
    (ext / "package.json").write_text("not json")
    assert "?" in doctor.check_picture_extension([tmp_path / "share"]).message


def test_kernel_check(tmp_path):
    here = str(Path(launch.__file__).parents[1] / "__init__.py")
    native = ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    assert doctor.kernel_python(native) == sys.executable
    assert doctor.check_kernel("python3", native, (True, here), here).ok

    missing = doctor.check_kernel("python3", None, (False, "no kernel"), here)
    assert not missing.ok and "no Jupyter kernel named 'python3'" in missing.message
    assert "ipykernel install" in missing.fix and sys.executable in missing.fix

    other_env = ["/opt/old-env/bin/python", "-m", "ipykernel_launcher"]
    error = "ModuleNotFoundError: No module named 'backproplib'"
    cannot = doctor.check_kernel("python3", other_env, (False, error), here)
    assert not cannot.ok and "/opt/old-env/bin/python" in cannot.message
    assert "ipykernel install" in cannot.fix

    copy = doctor.check_kernel("python3", other_env, (True, str(tmp_path / "__init__.py")), here)
    assert not copy.ok and "another copy" in copy.message


def test_run_import_reports_the_error_of_a_python_without_the_course(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'backproplib'\" >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    assert doctor.run_import(str(fake)) == (False, "ModuleNotFoundError: No module named "
                                                   "'backproplib'")
    ok, where = doctor.run_import(sys.executable)
    assert ok and where.endswith("__init__.py")


def test_datasets_check():
    import numpy as np
    good = {"xor": lambda: (np.zeros((4, 2)), np.zeros(4))}
    assert doctor.check_datasets(good).ok

    def missing():
        raise FileNotFoundError("digits.csv.gz")
    bad = doctor.check_datasets({**good, "digits": missing,
                                 "odd": lambda: (np.zeros((3, 2)), np.zeros(2))})
    assert not bad.ok and "digits.csv.gz" in bad.message and "odd" in bad.message
    assert "pip install" in bad.fix


def test_widget_and_plot_check():
    assert doctor.check_widget_and_plot(doctor.make_slider, doctor.make_png_plot).ok

    def no_widgets():
        raise ImportError("No module named 'ipywidgets'")
    bad = doctor.check_widget_and_plot(no_widgets, doctor.make_png_plot)
    assert not bad.ok and "ipywidgets" in bad.message and "pip install" in bad.fix
    assert not doctor.check_widget_and_plot(doctor.make_slider, lambda: b"GIF89a").ok


def test_course_dir_check(tmp_path):
    def nowhere():
        return launch.find_course_dir(cwd=tmp_path, package_dir=tmp_path / "pkg")
    bad = doctor.check_course_dir(nowhere)
    assert not bad.ok and "--dir" in bad.fix


def test_report_marks_failures_with_fixes_and_exit_status(monkeypatch, capsys):
    checks = [doctor.Check(True, "numpy 2.1"), doctor.Check(False, "no widgets", "pip install x")]
    report = doctor.format_report(checks)
    assert "✓ numpy 2.1" in report and "✗ no widgets" in report
    assert "fix: pip install x" in report and "1 problem found" in report
    monkeypatch.setattr(doctor, "gather_checks", lambda course_dir=None: checks)
    assert doctor.run(types.SimpleNamespace(dir=None)) == 1
    monkeypatch.setattr(doctor, "gather_checks", lambda course_dir=None: checks[:1])
    assert doctor.run(types.SimpleNamespace(dir=None)) == 0
    assert "All 1 checks passed" in capsys.readouterr().out


def test_the_course_runs_as_a_module_too():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "backproplib.course", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    for command in ("open", "doctor", "generate-exercises", "grade"):
        assert command in out.stdout
