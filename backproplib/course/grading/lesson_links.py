"""Where a task is taught: the lesson section and the explorer that address it.

``lesson_link(task)`` reads the exercise's lesson notebook (``lessons/NN_*.ipynb``), picks the
heading whose words best match the task (its title and function name), and the explorer used
in that section (or the nearest one after it, else before it). Links are relative to the
course folder, with the anchor JupyterLab and nbviewer give a heading
(``lessons/03_backward_pass.ipynb#3.5-The-backward-pass-of-a-dense-layer``).
"""

import json
import re
from functools import cache
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[3]
_STOP = {"a", "an", "the", "of", "on", "and", "its", "to", "in", "by", "with", "that", "for",
         "one", "how", "from", "every"}
_EXPLORER = re.compile(r"\b([A-Z]\w*Explorer)\s*\(")


def _words(text):
    words = re.findall(r"[a-zA-Z]+", text.lower().replace("_", " "))
    return {w.rstrip("s") for w in words if w not in _STOP and len(w) > 1}


@cache
def _sections(path):
    """[(heading, anchor, [explorer names], words of its text)] of a lesson notebook."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    sections = []
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                m = re.match(r"^(#{2,4})\s+(.*)", line)
                if m:
                    heading = m.group(2).strip()
                    sections.append((heading, heading.replace(" ", "-"), [], set()))
                elif sections:
                    sections[-1][3].update(_words(line))
        elif sections:
            sections[-1][2].extend(_EXPLORER.findall(source))
    return sections


def lesson_link(task, root=COURSE_ROOT):
    """{"lesson": path, "section": heading, "href": path#anchor, "explorer": name or ""}."""
    found = sorted((Path(root) / "lessons").glob(f"{task.exercise}_*.ipynb"))
    if not found:
        return {"lesson": f"lessons/{task.exercise}_…", "section": "", "href": "", "explorer": ""}
    path = found[0]
    rel = f"lessons/{path.name}"
    sections = _sections(str(path))
    if not sections:
        return {"lesson": rel, "section": "", "href": rel, "explorer": ""}
    wanted = _words(task.title) | _words(task.function)
    scores = [3 * len(wanted & _words(heading)) + len(wanted & text)
              for heading, _, _, text in sections]
    best = max(range(len(sections)), key=lambda i: (scores[i], -i))
    heading, anchor, _, _ = sections[best]
    after = [e for _, _, explorers, _ in sections[best:] for e in explorers]
    before = [e for _, _, explorers, _ in sections[:best] for e in explorers]
    explorer = (after or before[::-1] or [""])[0]
    return {"lesson": rel, "section": heading, "href": f"{rel}#{anchor}", "explorer": explorer}
