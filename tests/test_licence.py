"""The licence: stated in the package metadata, the README, and a footer in every notebook."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from backproplib.course import exercises, licence

ROOT = Path(__file__).resolve().parent.parent


def test_every_course_notebook_ends_with_the_current_footer():
    notebooks = [p for folder in licence.FOLDERS for p in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))]
    assert len(notebooks) >= 4
    missing = [p.relative_to(ROOT).as_posix() for p in notebooks if not _ends_with_footer(p)]
    assert not missing, (f"no current licence footer in {missing}: run "
                         f"'backprop-course licence-footer' and commit the result")


def _ends_with_footer(path):
    nb = nbformat.read(path, as_version=4)
    return nb.cells[-1].source == licence.FOOTER and sum(licence.is_footer(c) for c in nb.cells) == 1


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def test_adding_the_footer_is_idempotent_and_moves_an_old_one_to_the_end():
    nb = _notebook([nbformat.v4.new_markdown_cell("# Lesson 99"), nbformat.v4.new_code_cell("1 + 1")])
    once = licence.with_footer(nb)
    assert once is not nb and len(nb.cells) == 2            # the input is not modified
    assert [c.cell_type for c in once.cells] == ["markdown", "code", "markdown"]
    assert licence.with_footer(once) is once                  # a second time changes nothing
    assert licence.notebook_text(licence.with_footer(once)) == licence.notebook_text(once)

    old = licence.with_footer(nb)
    old.cells[-1].source = "old licence text"
    old.cells.insert(0, old.cells.pop())                      # an old footer, not at the end
    fixed = licence.with_footer(old)
    assert fixed.cells[-1].source == licence.FOOTER
    assert sum(licence.is_footer(c) for c in fixed.cells) == 1
    assert fixed.cells[0].source == "# Lesson 99"


def test_command_adds_then_check_passes_and_leaves_bytes_alone(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "solutions").mkdir()
    nb = _notebook([nbformat.v4.new_markdown_cell("# Lesson 09 — Tiny")])
    nbformat.write(nb, tmp_path / "lessons" / "09_tiny.ipynb")
    nbformat.write(nb, tmp_path / "solutions" / "09_tiny.ipynb")
    command = [sys.executable, "-m", "backproplib.course", "licence-footer", "--dir", str(tmp_path)]
    assert subprocess.run([*command, "--check"], capture_output=True).returncode == 1
    assert {status for _, status in licence.apply(tmp_path)} == {"written"}
    before = (tmp_path / "lessons" / "09_tiny.ipynb").read_bytes()
    done = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {status for _, status in licence.apply(tmp_path)} == {"up to date"}
    assert (tmp_path / "lessons" / "09_tiny.ipynb").read_bytes() == before


def test_generated_exercises_keep_the_footer_of_their_solution():
    nb = _notebook([nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                              "    ### END SOLUTION")])
    made = exercises.make_exercise(licence.with_footer(nb), "solutions/09_tiny.ipynb")
    assert made.cells[-1].source == licence.FOOTER


def test_package_metadata_names_both_licences_and_ships_the_files():
    tomllib = pytest.importorskip("tomllib")                  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name


@pytest.mark.parametrize("phrase", ["MIT", "CC BY 4.0", "Alpaydin", "LICENSE-TEXT.md"])
def test_readme_states_the_licences(phrase):
    readme = (ROOT / "README.md").read_text()
    assert phrase in readme[readme.index("## Licence"):]


def test_footer_links_point_at_files_that_exist():
    for target in ("LICENSE-TEXT.md", "LICENSE", "backproplib/data/DIGITS_LICENSE.txt"):
        assert f"(../{target})" in licence.FOOTER
        assert (ROOT / target).is_file()
