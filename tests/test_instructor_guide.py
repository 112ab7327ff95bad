"""The instructor guide: current tables, a section for every lesson, settings that exist, links.

* The timed plan and agendas are what the lessons and the stored measurements give now
  (``backprop-course timed-plan --check``), and every lesson and solution was measured with its
  current code.
* docs/instructor/lessons.md has a section with every part for every lesson found in lessons/.
* Every explorer call in the guide (``NeuronExplorer(w1=10.0, ...)``) opens that explorer with
  each control at exactly the value named (a value outside a slider's range would be clamped).
* Every relative link of the guide's pages resolves, anchors included, and the README links the
  guide.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backproplib.course import lessons as course_lessons

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "instructor"
GUIDE = (DOCS / "lessons.md").read_text(encoding="utf-8")
PARTS = ("**Objectives.**", "**Timed plan.**", "**Talking points.**", "**Misconceptions",
         "**Discussion questions.**", "**Answers", "**Exercise.**")
EXPLORER_CALL = re.compile(r"`((\w+Explorer)\((.*?)\))`")


def test_timed_plan_and_agendas_are_current():
    done = subprocess.run([sys.executable, "-m", "backproplib.course", "timed-plan", "--check",
                           "--dir", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _sections():
    return {m.group(1): m.group(0) for m in
            re.finditer(r"^## Lesson (\d\d) .*?(?=^## Lesson |\Z)", GUIDE, re.MULTILINE | re.DOTALL)}


@pytest.mark.parametrize("lesson", course_lessons.find_notebooks(ROOT / "lessons"), ids=lambda p: p.stem)
def test_every_lesson_has_a_complete_section(lesson):
    section = _sections().get(course_lessons.lesson_number(lesson))
    assert section, f"docs/instructor/lessons.md has no '## Lesson {lesson.name[:2]}' section"
    missing = [part for part in PARTS if part not in section]
    assert not missing, f"lesson {lesson.name[:2]}: missing {missing}"


def _explorer_classes():
    import backproplib.explorers as package
    found = {}
    for module in Path(package.__file__).parent.glob("*.py"):
        mod = __import__(f"backproplib.explorers.{module.stem}", fromlist=["*"])
        found.update({n: getattr(mod, n) for n in dir(mod) if n.endswith("Explorer")
                      and isinstance(getattr(mod, n), type)})
    return found


CALLS = sorted({(number, *call) for number, section in _sections().items()
                for call in EXPLORER_CALL.findall(section)})
PRESENT = {course_lessons.lesson_number(p) for p in course_lessons.find_notebooks(ROOT / "lessons")}


def test_the_guide_shows_misconceptions_with_explorer_settings():
    assert len(CALLS) >= 10


@pytest.mark.parametrize("lesson, call, name, arguments", CALLS, ids=[c[1] for c in CALLS])
def test_every_explorer_setting_in_the_guide_opens_in_that_state(lesson, call, name, arguments):
    classes = _explorer_classes()
    if name not in classes and lesson not in PRESENT:
        pytest.skip(f"lesson {lesson} and its explorer {name} are not in this copy of the course")
    assert name in classes, f"{call}: there is no explorer {name}"
    tree = ast.parse(call, mode="eval").body
    kwargs = {k.arg: ast.literal_eval(k.value) for k in tree.keywords}
    explorer = classes[name](**kwargs)
    assert explorer.error is None and explorer.result is not None
    for key, value in kwargs.items():
        if key in explorer.controls:
            shown = explorer.controls[key].value
            assert shown == pytest.approx(value) if isinstance(value, float) else shown == value, \
                f"{call}: the {key} control shows {shown}, not {value} (outside its range?)"
        elif key == "logits":
            shown = [explorer.controls[f"z{i}"].value for i in range(len(value))]
            assert shown == pytest.approx(list(value)), f"{call}: logits show {shown}"


def _slug(heading):
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path):
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)}


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_every_relative_link_of_the_guide_resolves(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{page.name} links to #{anchor}, not a heading of {path.name}"


def test_readme_links_the_instructor_guide_and_hosting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/instructor/README.md", "docs/instructor/hosting.md"):
        assert f"({target})" in readme


def test_every_agenda_fits_its_time():
    text = (DOCS / "agendas.md").read_text(encoding="utf-8")
    planned = re.findall(r"Planned: (\d+) of (\d+) minutes", text)
    assert len(planned) == 2
    for used, budget in planned:
        assert int(used) <= int(budget), (f"an agenda takes {used} of {budget} minutes: shorten it "
                                          f"in backproplib/course/agendas.py")
