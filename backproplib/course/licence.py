"""``backprop-course licence-footer``: the licence footer at the end of every course notebook.

    backprop-course licence-footer           # add or update it in lessons/, solutions/, exercises/
    backprop-course licence-footer --check   # write nothing; exit 1 where it is missing or old

The footer is one Markdown cell tagged ``licence-footer`` with the fixed id ``licence-footer``:
the code is MIT, the lesson text CC BY 4.0, and the digits data set is credited as its licence
asks. Adding it is idempotent: a notebook that already ends with the current footer is left
byte for byte as it was; an old footer is replaced and moved to the end. The generated exercises
(``generate-exercises``) get the same footer from their solutions notebook.
"""

import sys
from pathlib import Path

from . import lessons
from .files import write_atomic

TAG = "licence-footer"
FOLDERS = ("lessons", "solutions", "exercises")
FOOTER = """\
---
*Backprop, hands-on.* The text, equations and figures of this notebook are licensed under
[CC BY 4.0](../LICENSE-TEXT.md) (Creative Commons Attribution 4.0 International); its code, like
the rest of the course's code, under the [MIT licence](../LICENSE). The handwritten digits data
set is by E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository,
doi:10.24432/C50P49, used under CC BY 4.0
([details](../backproplib/data/DIGITS_LICENSE.txt))."""


def is_footer(cell):
    return TAG in cell.get("metadata", {}).get("tags", [])


def with_footer(nb):
    """The notebook with exactly one footer cell, the current text, as its last cell (pure:
    returns a new notebook when something changes, ``nb`` itself when nothing does)."""
    import copy

    import nbformat
    last = nb.cells[-1] if nb.cells else None
    if last is not None and is_footer(last) and last.source == FOOTER \
            and sum(is_footer(c) for c in nb.cells) == 1:
        return nb
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not is_footer(c)]
    cell = nbformat.v4.new_markdown_cell(FOOTER, metadata={"tags": [TAG]})
    if nb.get("nbformat_minor", 0) >= 5 or nb.get("nbformat", 4) > 4:
        cell["id"] = TAG
    else:
        cell.pop("id", None)
    nb.cells.append(cell)
    return nb


def notebook_text(nb):
    import nbformat
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def apply(course, check=False):
    """Add or refresh the footer in every course notebook; returns [(path, status)] with status
    "up to date", "written" or (with ``check``) "missing or old"."""
    import nbformat
    report = []
    for folder in FOLDERS:
        for path in lessons.find_notebooks(Path(course) / folder):
            nb = nbformat.read(path, as_version=4)
            new = with_footer(nb)
            if new is nb:
                report.append((path, "up to date"))
            elif check:
                report.append((path, "missing or old"))
            else:
                write_atomic(path, notebook_text(new))
                report.append((path, "written"))
    return report


def register(subparsers):
    p = subparsers.add_parser(
        "licence-footer", help="add the licence footer to every lesson, solution and exercise",
        description="Add (or bring up to date) the licence footer cell at the end of every "
                    "notebook in lessons/, solutions/ and exercises/. Idempotent.")
    p.add_argument("--dir", metavar="COURSE", help="the course folder (default: found from the "
                   "current folder)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a notebook lacks the current footer")
    p.set_defaults(func=run)


def run(args):
    from .launch import course_dir_or_report
    course = course_dir_or_report(args.dir)
    if course is None:
        return 2
    report = apply(course, check=args.check)
    for path, status in report:
        print(f"{Path(path).relative_to(course).as_posix()}: {status}")
    bad = [p for p, s in report if s == "missing or old"]
    if bad:
        print(f"{len(bad)} notebook(s) without the current licence footer: run 'backprop-course "
              f"licence-footer' and commit the result.", file=sys.stderr)
        return 1
    return 0
