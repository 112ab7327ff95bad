"""pytest's set-up for the whole repository (tests/, lessons/, solutions/), wherever it is run from."""

import os

import pytest

# -- parallel workers (pytest-xdist, ``-n 2 --dist loadgroup`` in pyproject.toml) ----------------
#: test files that start sandboxed kernels or a sandbox at all (the grader, ``doctor``'s isolation
#: check) or look for the sandbox users' processes: sandboxes share user ids and their process
#: limit, so these files run one after another, on one worker
SANDBOX_USERS = {"test_cli.py", "test_exercises_graded.py", "test_exports.py", "test_feedback.py",
                 "test_grader.py", "test_grading_sandbox.py", "test_offline_install.py"}
#: the longest groups are handed out first, so that no worker is left with one at the end
LONGEST_FIRST = ("sandbox users", "tests/test_browser.py", "tests/test_extending.py")


def worker_group(item):
    """The group of tests that one worker runs in order: its file (a notebook's cells share a
    kernel; a module's fixtures its tests), or all the files in SANDBOX_USERS."""
    path = item.nodeid.split("::")[0]
    return "sandbox users" if os.path.basename(path) in SANDBOX_USERS else path


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):   # not a pytest-xdist worker: the usual order
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(worker_group(item)))
    rank = {group: i for i, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(worker_group(item), len(rank)))
