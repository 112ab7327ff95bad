"""A copy of the course folder for tests that change files or install it."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: folders left out at the top of the course (made by tools, not part of the course)
TOP_LEVEL = {".git", "test-artifacts", "site", ".venv", "venv", "build", "dist", "wheelhouse"}


def _ignore(folder, names):
    top = Path(folder).resolve() == ROOT
    return {n for n in names if (top and n in TOP_LEVEL) or n == "__pycache__"
            or n.endswith(".egg-info")}


def course_copy(target):
    """Copy the course to ``target`` (without tool output and caches); returns ``target``."""
    shutil.copytree(ROOT, target, ignore=_ignore)
    return target
