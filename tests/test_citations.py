"""Every "Lesson NN, eq. N.M" cited in the library points at a \\tag{N.M} of that lesson's notebook.

Lessons that are not written yet are skipped: their citations are checked once they exist.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITATION = re.compile(r"Lesson (\d\d), eqs?\. (\d+)\.(\d+)(?:[–-](\d+)\.(\d+))?")


def citations():
    found = []
    for path in sorted((ROOT / "backproplib").rglob("*.py")):
        for match in CITATION.finditer(path.read_text(encoding="utf-8")):
            lesson, major, first, last = match.group(1), match.group(2), match.group(3), match.group(5)
            for minor in range(int(first), int(last or first) + 1):
                found.append((path.relative_to(ROOT).as_posix(), lesson, f"{major}.{minor}"))
    return found


def tags(lesson):
    paths = list((ROOT / "lessons").glob(f"{lesson}_*.ipynb"))
    if not paths:
        return None
    nb = json.loads(paths[0].read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"\\tag\{([\d.]+)\}", text))


def test_the_library_cites_equations():
    assert len(citations()) > 20


@pytest.mark.parametrize("where, lesson, equation", citations(),
                         ids=lambda v: str(v).replace("/", "."))
def test_cited_equation_exists_in_the_lesson(where, lesson, equation):
    found = tags(lesson)
    if found is None:
        pytest.skip(f"lesson {lesson} is not written yet")
    assert equation in found, f"{where} cites Lesson {lesson}, eq. {equation}, which has no \\tag"
