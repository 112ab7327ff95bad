"""Section 3: each interactive explorer — time from a key press to the new picture in the page.

In a real browser (JupyterLab in headless Chromium, device pixel ratio 2, a 1440-pixel window):
every explorer cell of every lesson notebook (found in the notebooks, see ``explorer_pages``)
runs in a notebook of its lesson's explorers (one lesson open at a time, as a learner has it);
then each control of each explorer is moved with its key, back and
forth, and the page's own clock times the key press to the new image decoded and painted. The
first move after an explorer appears is timed too, and counts. Targets, for every control:
median <= 50 ms and 95th percentile <= 100 ms.

Also here: the PNG encoder of the explorers against Pillow's, on each explorer's picture at the
crisp resolution. Without Chromium (or Playwright), the in-kernel time of each explorer's update
is printed instead, marked as such.
"""

import importlib
import inspect
import math
import pkgutil
import statistics
import tempfile
import time
from pathlib import Path

from .timing import Row, skipped

SECTION = "3 explorers"
MEDIAN_TARGET, P95_TARGET = 0.050, 0.100   # seconds, per control, key press to new picture
KERNEL_TARGET = 0.050                      # seconds, median, in-kernel update only (no browser)
GROUP_PRESSES = 2                          # presses of each control of a group sharing one label
REPO = Path(__file__).resolve().parents[1]


def find_explorers():
    """Yield (qualified name, class or None, reason) for every explorer in the package."""
    try:
        import backproplib.explorers as package
        from backproplib.explorers.base import Explorer
    except ImportError as exc:
        yield "backproplib.explorers", None, f"cannot import the explorers ({exc})"
        return
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        name = f"{package.__name__}.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # a module being written may not import yet
            yield name, None, f"import failed: {type(exc).__name__}: {exc}"
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, Explorer) and cls is not Explorer and cls.__module__ == name):
                continue
            if needs_arguments(cls):
                if not cls.__subclasses__():  # a base for other explorers is not one to time
                    yield f"{info.name}.{cls.__name__}", None, "cannot be built without arguments"
                continue
            yield f"{info.name}.{cls.__name__}", cls, ""


def needs_arguments(cls):
    parameters = inspect.signature(cls).parameters.values()
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                   p.KEYWORD_ONLY) for p in parameters)


def other_value(control):
    """A second valid value for ``control`` (to move to and back), or None if it has none.
    A choice with nothing chosen yet (value None) moves to its first option."""
    if getattr(control, "options", None):
        options = list(getattr(control, "_options_values", control.options))
        if control.value not in options:
            return options[0]
        if len(options) < 2:
            return None
        return options[(options.index(control.value) + 1) % len(options)]
    value = control.value
    if isinstance(value, bool):
        return not value
    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if not isinstance(value, (int, float)) or lo is None or hi is None or hi <= lo:
        return None
    step = getattr(control, "step", None) or (hi - lo) / 100
    base = getattr(control, "base", None)  # FloatLogSlider: min, max and step are exponents
    position = math.log(value, base) if base else value
    move = max(step, round((hi - lo) / 4 / step) * step)
    target = position + move if position + move <= hi else position - move
    target = min(max(target, lo), hi)
    result = base ** target if base else target
    return type(value)(result) if isinstance(value, int) else result


def lesson_built(name):
    """A function building explorer ``name`` (one that needs arguments) the way its lesson does,
    or None. The networks it needs are trained first, as in the lesson (seconds each)."""
    from backproplib.explorers import digits, generalisation, noisy_labels, sweep

    def digit_explorer():
        model = digits.train_digits(hidden=64, epochs=20, lr=0.05, seed=0)
        wrong = digits.misclassified(model.y_test, model.predicted)
        return digits.DigitExplorer(model, index=int(wrong[0]))

    def overfitting_explorer():
        splits = generalisation.digit_splits(n_train=200, n_val=500, noise=0.2, seed=0)
        runs = generalisation.overfitting_runs(hidden_sizes=(4, 16, 64, 256), epochs=50,
                                               splits=splits)
        return generalisation.OverfittingExplorer(runs, h=3)

    builds = {   # lessons 06 and 07
        "digits.DigitExplorer": digit_explorer,
        "sweep.SweepRevealExplorer": lambda: sweep.SweepRevealExplorer(sweep.lr_width_sweep(
            lrs=(0.01, 0.1, 1.0, 10.0), widths=(2, 4, 16, 64), dataset="spirals", epochs=100)),
        "generalisation.OverfittingExplorer": overfitting_explorer,
        "noisy_labels.NoisyLabelExplorer": lambda: noisy_labels.NoisyLabelExplorer(
            noisy_labels.noisy_label_sweep(fractions=(0.0, 0.2, 0.4, 0.6, 0.8), hidden=128,
                                           epochs=30, n_train=300)),
    }
    return builds.get(name)


def time_explorer(cls, changes):
    """Build the explorer (``cls()``: a class or a function building one), then time
    ``changes`` control changes (cycling over the controls). A control that is disabled when
    the explorer appears (a Train button waiting for a prediction) is left alone.

    The first move of each control goes to a setting not shown before; the timed changes then
    go back and forth, to settings shown before (which explorers that keep their pictures show
    at once), so the first moves are timed apart.

    Returns (samples in seconds, {control name: median seconds}, error text or "",
    {control name: seconds of its first move}, [bytes of picture sent to the page per change],
    bytes of the whole picture as a PNG).
    """
    explorer = cls()
    sent = []   # what the picture sends the page: PNGs of the rectangles that changed
    explorer.image.send = lambda content, buffers=(): sent.append(sum(map(len, buffers)))
    plan = []
    for name, control in explorer.controls.items():
        if getattr(control, "disabled", False):
            continue
        other = other_value(control)
        if other is not None and other != control.value:
            plan.append((name, control, [other, control.value]))
    if not plan:
        return (), {}, "no control could be moved", {}, [], 0
    first = {}
    for name, control, values in plan:  # warm-up: one round trip per control
        start = time.perf_counter()
        control.value = values[0]
        first[name] = time.perf_counter() - start
        control.value = values[1]
    samples, per_control = [], {name: [] for name, _, _ in plan}
    for i in range(changes):
        name, control, values = plan[i % len(plan)]
        value = values[(i // len(plan)) % 2]
        start = time.perf_counter()
        control.value = value
        elapsed = time.perf_counter() - start
        samples.append(elapsed)
        per_control[name].append(elapsed)
    slowest = {k: statistics.median(v) for k, v in per_control.items() if v}
    return (tuple(samples), slowest, explorer.error or "", first, sent,
            len(explorer.image.value or b""))


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def browser_rows(quick, lessons=None):
    """Rows of key-press-to-picture times per control, or None when no browser is available.
    lessons: the lesson numbers to time ("01", "08"...), None for all."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from .browser_lab import JupyterLabServer, find_chromium
    from .explorer_pages import (
        explorer_cells,
        explorer_controls,
        open_notebook,
        press_and_time,
        run_all,
        write_explorer_notebook,
    )
    chromium = find_chromium()
    if chromium is None:
        return None
    cells = [cell for cell in explorer_cells(REPO / "lessons")
             if lessons is None or cell.notebook[:2] in lessons]
    if not cells:
        return [skipped(SECTION, "explorers", f"no explorer cell in lessons/ {lessons or ''}")]
    presses = 4 if quick else 20
    lessons = {}
    for cell in cells:
        lessons.setdefault(cell.notebook, []).append(cell)
    rows = []
    with tempfile.TemporaryDirectory(prefix="explorer-bench-") as folder:
        server = JupyterLabServer(folder, Path(folder, "lab")).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_context(viewport={"width": 1440, "height": 1000},
                                           device_scale_factor=2).new_page()
                for notebook, lesson_cells in lessons.items():   # one lesson's explorers a page
                    name = f"explorers-{notebook[:2]}.ipynb"
                    write_explorer_notebook(lesson_cells, Path(folder, name))
                    open_notebook(page, server, name, f"bench-{notebook[:2]}")
                    failed = [c for c in run_all(page, server) if c["errors"]]
                    if failed:
                        raise RuntimeError(
                            f"a cell of {notebook}'s explorers failed in JupyterLab, so nothing "
                            f"was timed (is backproplib importable by the kernel? pip install "
                            f"-e .):\n{failed[0]['source'][:300]}\n{failed[0]['errors'][0][-1500:]}")
                    for i, cell in enumerate(lesson_cells):
                        rows += time_controls(page, i, cell, presses, explorer_controls,
                                              press_and_time)
                    for kernel in server.api("GET", "/api/kernels"):   # the next lesson alone
                        server.api("DELETE", f"/api/kernels/{kernel['id']}")
                browser.close()
        finally:
            server.stop()
    return rows


def time_controls(page, i, cell, presses, explorer_controls, press_and_time):
    """One row per control of explorer ``i``: ``presses`` key presses, one way to the end of
    the control's range and then back towards the other end, so that most presses show a
    setting not shown before (explorers keep the pictures of settings seen before: the note
    says how many presses were new). The explorer's very first move is the first sample of its
    first control. A control whose first
    press changes nothing (◀ Previous at the first step) is timed again after the others.
    Controls that share a label (the 64 pixel buttons of a drawing grid) make one row: each of
    them is pressed, ``GROUP_PRESSES`` times, and their samples are pooled."""
    from .explorer_pages import can_move, is_disabled, setting

    page.locator(".backprop-explorer").nth(i).scroll_into_view_if_needed()
    first, waiting = None, explorer_controls(page, i)
    groups = {}
    for control in waiting:
        groups.setdefault(control["label"].strip() or control["kind"], []).append(control)
    samples = {label: [] for label in groups}
    text_only, new = dict.fromkeys(groups, 0), dict.fromkeys(groups, 0)
    seen = {setting(page, i)}
    for attempt in range(2):
        for control in list(waiting):
            if attempt == 0 and is_disabled(page, control):
                continue                       # enabled once another control has moved
            label = control["label"].strip() or control["kind"]
            times = presses if len(groups[label]) == 1 else GROUP_PRESSES
            timed, forward = [], True
            for _ in range(times):
                if not can_move(page, control, forward):
                    forward = not forward      # at the end: go back, on to the other end
                timing = press_and_time(page, i, control, forward=forward)
                ms = timing["image_ms"] if timing["image_ms"] is not None else timing["readout_ms"]
                if ms is None and not timed:
                    break                      # nothing to move yet: try again later
                text_only[label] += timing["image_ms"] is None and ms is not None
                if ms is not None:
                    timed.append(ms / 1000)
                    now = setting(page, i)
                    new[label] += now not in seen
                    seen.add(now)
            if not timed:
                continue
            waiting.remove(control)
            if first is None:
                first = (label, timed[0])
            samples[label] += timed
    rows = []
    for label, timed in samples.items():
        if not timed:
            continue
        note = [f"p95 {p95(timed) * 1e3:.0f} ms"]
        if len(groups[label]) > 1:
            note.append(f"{len(groups[label])} controls pooled")
        if first and first[0] == label:
            note.append(f"first move {first[1] * 1e3:.0f} ms")
        note.append(f"{new[label]} of {len(timed)} presses to a setting not shown before")
        if text_only[label]:
            note.append(f"{text_only[label]} presses changed only the readout")
        median, high = statistics.median(timed), p95(timed)
        rows.append(Row(SECTION, f"{cell.name} {label}", tuple(timed), "time",
                        f"median <= {MEDIAN_TARGET * 1e3:.0f} ms, p95 <= {P95_TARGET * 1e3:.0f} ms",
                        median <= MEDIAN_TARGET and high <= P95_TARGET, "; ".join(note)))
    rows += [skipped(SECTION, f"{cell.name} {c['label']}", "the key press changed nothing")
             for c in waiting]
    return rows


def encoder_rows(quick):
    """The explorers' PNG encoder (ISA-L's deflate) against the same PNG made with Python's zlib
    and against Pillow's (level 1), on each explorer's picture."""
    import zlib

    import numpy as np

    from backproplib.explorers import render

    encoders = {"explorers' (ISA-L deflate)": lambda canvas, rgba: render.canvas_to_png(canvas),
                "the same with zlib": lambda canvas, rgba: with_zlib(render, canvas, zlib),
                "Pillow, level 1": lambda canvas, rgba: render.pillow_png(rgba)}
    times = {name: [] for name in encoders}
    sizes = {name: [] for name in encoders}
    for _, cls, _ in find_explorers():
        if cls is None:
            continue
        canvas = cls().figure.canvas
        rgba = np.asarray(canvas.buffer_rgba())
        for _ in range(3 if quick else 15):
            for name, encode in encoders.items():
                start = time.perf_counter()
                encode(canvas, rgba)
                times[name].append(time.perf_counter() - start)
        for name, encode in encoders.items():
            sizes[name].append(len(encode(canvas, rgba)))
    if not any(times.values()):
        return []
    ours = statistics.median(times["explorers' (ISA-L deflate)"])
    return [Row(SECTION, f"PNG encoder: {name}", tuple(samples), "time",
                "" if i == 0 else f"{statistics.median(samples) / ours:.1f}x as long as the explorers'",
                None, f"mean {sum(sizes[name]) / len(sizes[name]) / 1024:.0f} KB per picture")
            for i, (name, samples) in enumerate(times.items())]


def with_zlib(render, canvas, zlib):
    """``canvas_to_png`` with Python's zlib as its deflate."""
    saved, render.deflate = render.deflate, zlib
    try:
        return render.canvas_to_png(canvas)
    finally:
        render.deflate = saved


def kernel_rows(quick):
    """Fallback without a browser: the in-kernel update time of each explorer class."""
    rows = []
    for name, cls, reason in find_explorers():
        cls = cls or lesson_built(name)
        if cls is None:
            rows.append(skipped(SECTION, name, reason))
            continue
        try:
            samples, per_control, error, first, sent, whole = time_explorer(
                cls, 6 if quick else 40)
        except Exception as exc:
            rows.append(skipped(SECTION, name, f"failed: {type(exc).__name__}: {exc}"))
            continue
        if not samples:
            rows.append(skipped(SECTION, name, error))
            continue
        worst, new = max(per_control, key=per_control.get), max(first, key=first.get)
        first_median = statistics.median(first.values())
        rows.append(Row(SECTION, f"{name}: update in the kernel", (*first.values(), *samples),
                        "time", f"target <= {KERNEL_TARGET * 1e3:.0f} ms, first moves too",
                        max(statistics.median(samples), first_median) <= KERNEL_TARGET,
                        f"slowest control: {worst} {per_control[worst] * 1e3:.0f} ms; first "
                        f"move to a new setting: median {first_median * 1e3:.0f} ms, slowest "
                        f"{new} {first[new] * 1e3:.0f} ms; sent to the page per change: "
                        f"median {statistics.median(sent or [0]) / 1024:.1f} KB (the whole "
                        f"picture: {whole / 1024:.0f} KB)"))
    return rows


def run(quick=False, lessons=None):
    """Browser rows (or, without a browser, in-kernel rows with their target), then the
    in-kernel time of each explorer's update as information (the kernel's share of the
    browser's figure), then the PNG encoders. lessons: only these lessons' browser rows."""
    rows = browser_rows(quick, lessons)
    if rows is None:
        return kernel_rows(quick) + encoder_rows(quick)
    kernel = [Row(r.section, r.item, r.samples, r.unit, "information: the kernel's share", None,
                  r.note) if r.samples else r for r in kernel_rows(quick)]
    return rows + kernel + encoder_rows(quick)
