"""The code learners read stays short, and every equation it cites exists in its lesson."""

import ast
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "backproplib"
TOOLING = ("course", "checks")          # course tooling, not what learners read
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 40

CITATION = re.compile(r"Lesson (\d+), eqs?\. (\d+)\.(\d+)(?:\s*[–-]\s*(\d+)\.(\d+))?")
TAG = re.compile(r"\\tag\{(\d+)\.(\d+)\}")


def learner_modules():
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in TOOLING and "__pycache__" not in p.parts)


def repository_files(suffix):
    return sorted(p for p in REPO.rglob(f"*{suffix}")
                  if not any(part.startswith(".") or part in ("__pycache__", "node_modules", "build")
                             for part in p.relative_to(REPO).parts))


@pytest.mark.parametrize("path", learner_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_learner_modules_and_functions_are_short(path):
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name}: {lines} lines, more than {MAX_MODULE_LINES}"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_size_check_sees_the_library():
    names = {p.name for p in learner_modules()}
    assert {"dense.py", "network.py", "training.py", "errors.py"} <= names


def code_texts():
    """(where, text) for every Python file and every notebook code cell of the repository."""
    for path in repository_files(".py"):
        yield str(path.relative_to(REPO)), path.read_text(encoding="utf-8")
    for path in repository_files(".ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                yield f"{path.relative_to(REPO)} cell {i}", "".join(cell["source"])


def lesson_tags():
    """lesson number -> set of (N, M) for every \\tag{N.M} in lessons/NN_*.ipynb."""
    tags = {}
    for path in sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb")):
        text = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
        tags[int(path.name[:2])] = {(int(a), int(b)) for a, b in TAG.findall(text)}
    return tags


def cited_equations(match):
    """The equations (N, M) a citation names; a range "3.8–3.10" names 3.8, 3.9 and 3.10."""
    first = (int(match[2]), int(match[3]))
    if match[4] is None:
        return [first]
    last = (int(match[4]), int(match[5]))
    if last[0] != first[0] or last[1] < first[1]:
        return [first, last]
    return [(first[0], m) for m in range(first[1], last[1] + 1)]


def citations():
    return [(where, m[0], int(m[1]), eq) for where, text in code_texts()
            for m in CITATION.finditer(text) for eq in cited_equations(m)]


def test_the_citation_pattern_reads_single_equations_and_ranges():
    text = "Lesson 03, eqs. 3.8–3.10 and Lesson 01, eq. 1.5"
    assert [eq for m in CITATION.finditer(text) for eq in cited_equations(m)] == \
        [(3, 8), (3, 9), (3, 10), (1, 5)]


def test_every_cited_equation_exists_in_its_lesson():
    tags = lesson_tags()
    found = citations()
    assert len(found) >= 10, "the search for citations finds too few: is the pattern still right?"
    wrong = [f"{where}: '{text}' cites eq. {n}.{m}, "
             + (f"but lessons/{lesson:02d}_*.ipynb has no \\tag{{{n}.{m}}}" if lesson in tags
                else f"but there is no lessons/{lesson:02d}_*.ipynb")
             for where, text, lesson, (n, m) in found
             if n != lesson or (n, m) not in tags.get(lesson, set())]
    assert not wrong, "citations of equations that do not exist:\n" + "\n".join(wrong)
