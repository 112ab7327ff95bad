"""Timing helpers and the result table shared by every section.

Shared machines are noisy and absolute times drift, so contenders are timed round-robin in the
same loop (noise hits them alike) and compared by the ratio of their medians.
"""

import math
import os
import statistics
import time
from dataclasses import dataclass

#: the environment as the benchmark found it, for the processes it starts (kernels, pytest,
#: the grader): the thread limits and matplotlib backend set for the timing of the library
#: itself must not leak into them.
ORIGINAL_ENVIRONMENT = dict(os.environ)


@dataclass
class Row:
    """One line of the table. Times are in seconds (``unit`` says how to print them)."""
    section: str
    item: str
    samples: tuple = ()      # the measurements, seconds (or a fraction for unit "%")
    unit: str = "time"       # "time" (printed in us, ms or s to suit the median) or "%"
    ratio: str = ""          # e.g. "1.13x floor (target <= 1.2x)"
    met: bool | None = None  # None: no target for this row
    note: str = ""

    @property
    def median(self):
        return statistics.median(self.samples) if self.samples else math.nan

    @property
    def min(self):
        return min(self.samples) if self.samples else math.nan

    @property
    def max(self):
        return max(self.samples) if self.samples else math.nan


def skipped(section, what, reason):
    """A row that says a part was not measured, and why."""
    return Row(section, what, note=f"skipped: {reason}")


def calibrate(fn, min_time=2e-3):
    """How many calls of ``fn`` make one sample last at least ``min_time`` seconds."""
    fn()
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= min_time or number >= 1 << 16:
            return number
        number *= 2


def interleaved(contenders, rounds, warmup=3, min_time=2e-3):
    """Time every contender ``rounds`` times, round-robin, and return name -> per-call seconds.

    contenders: dict name -> zero-argument callable. Each sample repeats a call enough times to
    last about ``min_time`` (so the timer's resolution does not matter); the order within a
    round rotates so no contender always runs right after the same neighbour.
    """
    numbers = {name: calibrate(fn, min_time) for name, fn in contenders.items()}
    names = list(contenders)
    samples = {name: [] for name in names}
    for r in range(-warmup, rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn, number = contenders[name], numbers[name]
            start = time.perf_counter()
            for _ in range(number):
                fn()
            elapsed = (time.perf_counter() - start) / number
            if r >= 0:
                samples[name].append(elapsed)
    return samples


def ratio_of_medians(a, b):
    return statistics.median(a) / statistics.median(b)


def meets(value, target):
    if target is None:
        return None
    op, bound = target
    return value <= bound if op == "<=" else value >= bound


# -- printing ---------------------------------------------------------------------------------

_SCALE = {"us": 1e6, "ms": 1e3, "s": 1.0, "%": 100.0}


def _time_unit(seconds):
    return "us" if seconds < 1e-3 else "ms" if seconds < 1.0 else "s"


def _fmt(value, unit):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = value * _SCALE[unit]
    text = f"{v:.1f}" if unit == "%" else f"{v:.3g}" if v < 100 else f"{v:.0f}"
    return f"{text} {unit}"


def format_median(row):
    return _fmt(row.median, _time_unit(row.median) if row.unit == "time" else row.unit)


def _met(row):
    return {True: "met", False: "MISSED", None: ""}[row.met]


def _cells(row):
    unit = _time_unit(row.median) if row.unit == "time" else row.unit
    ratio = row.ratio if not row.note else (row.ratio + "; " if row.ratio else "") + row.note
    return [row.section, row.item, _fmt(row.median, unit), _fmt(row.min, unit),
            _fmt(row.max, unit), ratio, _met(row)]


HEADER = ["section", "item", "median", "min", "max", "ratio / target", "met?"]


def format_text(rows):
    """A plain-text table with aligned columns."""
    table = [HEADER] + [_cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = []
    for k, line in enumerate(table):
        lines.append("  ".join(c.ljust(w) if i < 2 or i >= 5 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths))).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown(rows):
    """The same table in Markdown, to paste into the README."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |")
    return "\n".join(lines)
