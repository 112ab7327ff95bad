"""Section 3: each interactive explorer — time from a control change to the redrawn output.

Every subclass of ``backproplib.explorers.base.Explorer`` found in ``backproplib.explorers.*`` is
built with its defaults. Each of its controls in turn is moved back and forth between its
starting value and a value about a quarter of its range away (or the next option); setting
``control.value`` runs the explorer's whole update (compute, draw, PNG, readout) before it
returns, so the time of that assignment is the time until the new image is ready in the kernel.
"""

import importlib
import inspect
import math
import pkgutil
import statistics
import time

from .timing import Row, skipped

SECTION = "3 explorers"
TARGET = 0.060  # seconds, median


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
    """A second valid value for ``control`` (to move to and back), or None if it has none."""
    if getattr(control, "options", None):
        options = list(getattr(control, "_options_values", control.options))
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


def time_explorer(cls, changes):
    """Build the explorer, then time ``changes`` control changes (cycling over the controls).

    Returns (samples in seconds, {control name: median seconds}, error text or "").
    """
    explorer = cls()
    plan = []
    for name, control in explorer.controls.items():
        other = other_value(control)
        if other is not None and other != control.value:
            plan.append((name, control, [other, control.value]))
    if not plan:
        return (), {}, "no control could be moved"
    for _, control, values in plan:  # warm-up: one round trip per control
        for v in values:
            control.value = v
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
    return tuple(samples), slowest, explorer.error or ""


def run(quick=False):
    rows, found = [], False
    changes = 6 if quick else 40
    for name, cls, reason in find_explorers():
        if cls is None:
            rows.append(skipped(SECTION, name, reason))
            continue
        found = True
        try:
            samples, per_control, error = time_explorer(cls, changes)
        except Exception as exc:
            rows.append(skipped(SECTION, name, f"failed: {type(exc).__name__}: {exc}"))
            continue
        if not samples:
            rows.append(skipped(SECTION, name, error))
            continue
        median = statistics.median(samples)
        worst = max(per_control, key=per_control.get)
        note = f"slowest control: {worst} {per_control[worst] * 1e3:.0f} ms"
        if error:
            note += f"; readout shows an error: {error}"
        rows.append(Row(SECTION, name, samples, "time", f"target <= {TARGET * 1e3:.0f} ms",
                        median <= TARGET, note))
    if not found and not rows:
        rows.append(skipped(SECTION, "explorers", "no Explorer subclass found yet"))
    return rows
