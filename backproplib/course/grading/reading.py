"""Grading step 1: read a submission without trusting it.

``read_submission`` opens a notebook read-only and never executes or rewrites it; anything that
is not a readable notebook becomes a ``SubmissionError`` with a message for the gradebook.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

#: larger files are refused (a notebook with a few plots is well under 10 MB)
MAX_NOTEBOOK_BYTES = 50 * 2**20


class SubmissionError(ValueError):
    """A submission that cannot be graded at all (not a notebook, corrupt, unknown exercise)."""


@dataclass
class Submission:
    """A notebook as read from disk: its bytes, its cells and its metadata (plain dicts).

    cells: list of (cell type, source text); code: the sources of the code cells with their
    1-based position among all cells.
    """
    path: Path
    data: bytes
    cells: list
    metadata: dict

    @property
    def code_cells(self):
        return [(i, src) for i, (kind, src) in enumerate(self.cells, start=1) if kind == "code"]


def read_submission(path):
    """Read and check a notebook file. Raises SubmissionError saying what is wrong with it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise SubmissionError(f"the file is {size / 2**20:.0f} MB, too large for a notebook "
                                  f"(limit {MAX_NOTEBOOK_BYTES // 2**20} MB)")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc.strerror}") from None
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError("not a notebook: the file is not text (UTF-8); is it a PDF, a "
                              "zip or an image?") from None
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"not a notebook: the file is not valid JSON ({exc.msg}: line "
                              f"{exc.lineno}, column {exc.colno}); it may be truncated or "
                              f"edited by hand") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SubmissionError("not a notebook: valid JSON, but without a list of 'cells'")
    if nb.get("nbformat") != 4:
        raise SubmissionError(f"not a notebook in format 4 (found nbformat={nb.get('nbformat')!r}); "
                              f"open and save it in JupyterLab to convert it")
    cells = []
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise SubmissionError(f"not a valid notebook: cell {number} has no cell_type")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise SubmissionError(f"not a valid notebook: the source of cell {number} is not text")
        cells.append((cell["cell_type"], source))
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return Submission(path, data, cells, metadata)


def exercise_of(submission, known, forced=None):
    """The exercise number ("01") a submission answers.

    In order: ``forced`` (--exercise), the notebook metadata ``backprop_course.exercise``, the
    file name (``01_forward_pass.ipynb``), the task ids in its check cells (``check("01.``).
    known: the exercise numbers that have checks.
    """
    if forced is not None:
        return str(forced).zfill(2)
    meta = submission.metadata.get("backprop_course")
    if isinstance(meta, dict) and str(meta.get("exercise")) in known:
        return str(meta["exercise"])
    prefix = submission.path.name[:2]
    if prefix in known and submission.path.name[2:3] in ("_", "-", "."):
        return prefix
    ids = re.findall(r"""check\(\s*["'](\d\d)\.""", "\n".join(s for _, s in submission.code_cells))
    found = sorted(set(ids) & set(known))
    if len(found) == 1:
        return found[0]
    raise SubmissionError("cannot tell which exercise this notebook answers (no course metadata, "
                          "file name or check cells); grade it with --exercise NN")
