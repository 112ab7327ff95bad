"""Section 6: time to ``import backproplib`` in a fresh process.

Each sample is one ``python3 -c "import backproplib"`` minus the interpreter start-up, measured
by a ``python3 -c pass`` run right before it. A last process checks that the core did not pull
in matplotlib or ipywidgets (they load only with ``backproplib.explorers``).
"""

import subprocess
import sys
import time

from .timing import ORIGINAL_ENVIRONMENT, Row

SECTION = "6 import"
TARGET = 0.3  # seconds
HEAVY = ("matplotlib", "ipywidgets")


def wall(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(ORIGINAL_ENVIRONMENT))
    return time.perf_counter() - start


def run(quick=False):
    runs = 3 if quick else 15
    wall("import backproplib")  # warm the file-system cache
    samples = tuple(wall("import backproplib") - wall("pass") for _ in range(runs))
    check = subprocess.run(
        [sys.executable, "-c", "import sys, backproplib; "
                               f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"],
        capture_output=True, text=True, check=True, env=dict(ORIGINAL_ENVIRONMENT))
    heavy = check.stdout.split()
    median = sorted(samples)[len(samples) // 2]
    return [
        Row(SECTION, "import backproplib (fresh process, minus start-up)", samples, "time",
            f"target <= {TARGET:g} s", median <= TARGET),
        Row(SECTION, "matplotlib / ipywidgets not loaded by the core", (), "time",
            "loaded: " + ", ".join(heavy) if heavy else "neither is in sys.modules",
            not heavy),
    ]
