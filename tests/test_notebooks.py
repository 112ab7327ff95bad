"""Every lesson has its frame (objectives, time, summary, links) and every link points at a file.

Links are relative Markdown links between notebooks, so a renamed notebook breaks this test
rather than a learner's click.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
ALL_NOTEBOOKS = LESSONS + sorted((ROOT / "solutions").glob("*.ipynb")) + \
    sorted((ROOT / "exercises").glob("*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def markdown(path):
    """The Markdown cells' text, without the licence footer that ends every notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
            and "licence-footer" not in c.get("metadata", {}).get("tags", [])]


def relative_links(text):
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_relative_link_points_at_an_existing_file(path):
    for cell in markdown(path):
        for target in relative_links(cell):
            file = (path.parent / target.split("#")[0]).resolve()
            assert file.exists(), f"{path.name} links to {target}, which does not exist"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_has_objectives_time_summary_and_next_links(path):
    cells = markdown(path)
    top = cells[0].lower()
    assert "learning objectives" in top or "you will" in top, f"{path.name}: no objectives at the top"
    assert re.search(r"\d+\s*min", top), f"{path.name}: no estimated time (e.g. '30 min') at the top"
    bottom = cells[-1]
    assert "summary" in bottom.lower(), f"{path.name}: the last cell should hold the summary"
    links = relative_links(bottom)
    later = [p for p in LESSONS if p.name > path.name]
    if later:
        assert later[0].name in links, f"{path.name}: the last cell must link to {later[0].name}"
    exercise = ROOT / "exercises" / path.name
    if exercise.exists():
        assert f"../exercises/{path.name}" in links, \
            f"{path.name}: the last cell must link to its exercise ../exercises/{path.name}"


COMMITTED_WITH_OUTPUTS = LESSONS + sorted((ROOT / "solutions").glob("*.ipynb"))


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", COMMITTED_WITH_OUTPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_was_run_top_to_bottom_without_errors(path):
    cells = code_cells(path)
    counts = [c["execution_count"] for c in cells]
    assert all(n is not None for n in counts), f"{path.name}: some cells were never run"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: run it with Restart & Run All"
    for i, cell in enumerate(cells):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{path.name}: code cell {i + 1} has a stored error"


@pytest.mark.parametrize("path", COMMITTED_WITH_OUTPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_cell_whose_output_is_not_compared_says_why(path):
    for i, cell in enumerate(code_cells(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        if {"nbval-ignore-output", "nbval-skip"} & set(tags):
            reason = cell["metadata"].get("nbval-ignore-reason", "")
            assert reason.strip(), f"{path.name}: code cell {i + 1} ignores its output without a reason"
