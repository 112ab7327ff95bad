"""The course's notebooks, found rather than listed, and what a reader meets in each.

Lessons are ``lessons/NN_topic.ipynb`` (two digits, an underscore, a topic); the matching
exercise is ``solutions/NN_topic.ipynb`` with its student copy in ``exercises/``. Everything
here is a pure function of the notebooks' text, so the instructor's tables, the static site and
the licence footer all see the same lessons, including ones added later.

A lesson is split into **sections** at its Markdown headings of level 1 and 2 (``#``, ``##``):
each section keeps its prose, its code and its explorers, so the timed plan can be given per
section.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
HEADING = re.compile(r"^(#{1,2})\s+(.*\S)\s*$")
WORD = re.compile(r"\S+")
EXPLORER_CALL = re.compile(r"\b([A-Z]\w*Explorer)\s*\(")
SELF_CHECK = re.compile(r"\*\*Self-check\.?\*\*")
#: the label or heading of questions that ask for a written explanation (answers folded away)
OPEN_QUESTIONS = re.compile(r"^#+ (?:Open questions?|Questions to think about)\s*$"
                            r"|\*\*Open questions?\.?\*\*", re.MULTILINE | re.IGNORECASE)
#: a prompt to guess before running ("*Predict, then run:*", "**Predict, then run.**")
PREDICT = re.compile(r"Predict,? then run[:.]", re.IGNORECASE)
NUMBERED_QUESTION = re.compile(r"^\s*\d+\.\s", re.MULTILINE)
SOLUTION_BEGIN = "### BEGIN SOLUTION"


@dataclass
class Section:
    """One part of a lesson, from a level-1 or level-2 heading to the next."""
    title: str
    prose_words: int = 0
    code_lines: int = 0
    code_cells: list = field(default_factory=list)   # indices of the notebook's code cells
    explorers: list = field(default_factory=list)     # names of the explorers shown
    self_check_questions: int = 0
    open_questions: int = 0
    predictions: int = 0                              # "Predict, then run" prompts


def find_notebooks(folder):
    """The course notebooks ``NN_topic.ipynb`` in ``folder``, sorted by number."""
    return sorted(Path(folder).glob(NOTEBOOK_PATTERN))


def lesson_number(path):
    """"03" for lessons/03_backward_pass.ipynb."""
    return Path(path).name[:2]


def lesson_title(nb):
    """The text of the notebook's first level-1 heading (or its file name's topic)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = HEADING.match(line)
                if match and len(match.group(1)) == 1:
                    return match.group(2)
    return ""


def _strip_answers(markdown):
    """Markdown without the folded ``<details>`` answers (read only by those who open them)."""
    return re.sub(r"<details>.*?</details>", "", markdown, flags=re.DOTALL)


def count_questions(markdown, label=SELF_CHECK):
    """Questions in the numbered lists that follow each ``label`` (**Self-check.**, or an open
    questions heading), up to the folded answer; at least 1 for each label."""
    total = 0
    for part in label.split(markdown)[1:]:
        block = part.split("<details>")[0]
        total += max(1, len(NUMBERED_QUESTION.findall(block)))
    return total


def sections(nb):
    """The lesson's sections in order (a list of Section).

    Prose words are counted in the Markdown outside the folded answers; an equation's symbols
    count as words, which slows the reading estimate where the text is dense with mathematics.
    """
    found = [Section(title="(before the first heading)")]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            _add_markdown(found, cell.source)
        elif cell.cell_type == "code":
            current = found[-1]
            current.code_cells.append(index)
            current.code_lines += sum(1 for line in cell.source.splitlines() if line.strip())
            current.explorers += EXPLORER_CALL.findall(_last_statement(cell.source))
    first = found[0]
    return found if first.prose_words or first.code_cells else found[1:]


def _add_markdown(found, source):
    text = _strip_answers(source)
    chunk = []

    def flush():
        words = "\n".join(chunk)
        found[-1].prose_words += len(WORD.findall(words))
        found[-1].self_check_questions += count_questions(words)
        found[-1].open_questions += count_questions(words, OPEN_QUESTIONS)
        found[-1].predictions += len(PREDICT.findall(words))
        chunk.clear()

    for line in text.splitlines():
        match = HEADING.match(line)
        if match and not OPEN_QUESTIONS.match(line):
            flush()
            found.append(Section(title=match.group(2)))
        chunk.append(line)
    flush()


def _last_statement(source):
    """The last non-blank line of a code cell (where an explorer is displayed)."""
    lines = [line for line in source.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def exercise_tasks(solution_nb):
    """How many answers a solutions notebook asks for (its BEGIN SOLUTION markers)."""
    return sum(cell.source.count(SOLUTION_BEGIN) for cell in solution_nb.cells
               if cell.cell_type == "code")


def notebook_words(nb):
    """Words of prose in the whole notebook (outside folded answers)."""
    return sum(len(WORD.findall(_strip_answers(c.source))) for c in nb.cells
               if c.cell_type == "markdown")
