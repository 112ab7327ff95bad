"""No explorer cuts a label off, or crowds it into the next axes, whatever its controls say.

An explorer's layout is made once (``Explorer.lay_out``) and kept, so tick labels that a later
setting brings (a longer number, or the last one nearer the edge) must fit in the room the first
layout left. Every explorer of the package (found, not listed, plus those built from made-up
data) is moved, one control at a time, to each end of each slider and to each option of each
menu; after every move each axes, with its tick labels, axis labels, title and legend, must lie
inside the picture and apart from the axes beside it, no text shows a raw "_" (subscripts
are written as maths: ``$h_t$``), and no text placed in a box or circle (a node's numbers, a
tile's accuracy) spills out of it.
"""

import re

import pytest
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text
from test_explorers_fast_pictures import BUILD  # explorers that need made-up data

from backproplib.explorers.base import Explorer
from backproplib.explorers.memory import MemoryTaskExplorer
from backproplib.explorers.regions import extent
from benchmarks.explorers import find_explorers

BUILDERS = {**{cls.__name__: cls for _, cls, _ in find_explorers() if cls is not None}, **BUILD}
#: how far (pixels) a bounding box may reach past the edge: rounding of text extents
SLACK = 0.5


def settings(control):
    """The values at the ends of a control: each option of a menu, both ends of a slider."""
    options = getattr(control, "options", None)
    if options is not None:
        return [option[1] if isinstance(option, tuple) else option for option in options]
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    return [control.min, control.max]


def cut_off(explorer):
    """[(axes title, its bounding box in pixels)] of the axes that reach outside the picture."""
    figure = explorer.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    width, height = figure.canvas.get_width_height(physical=True)
    outside = []
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        box = ax.get_tightbbox(renderer)   # ticks and their labels, labels, title, legend
        if (box.x0 < -SLACK or box.y0 < -SLACK or box.x1 > width + SLACK
                or box.y1 > height + SLACK):
            outside.append((ax.get_title() or ax.get_xlabel(), [round(v) for v in box.extents]))
    return outside


def crowded(explorer):
    """[(title, title)] of axes side by side (not twins) whose labels run into each other."""
    renderer = explorer.figure.canvas.get_renderer()
    axes = [ax for ax in explorer.figure.axes if ax.get_visible()]
    return [(a.get_title() or a.get_xlabel(), b.get_title() or b.get_xlabel())
            for i, a in enumerate(axes) for b in axes[i + 1:]
            if not a.get_position().overlaps(b.get_position())
            and a.get_tightbbox(renderer).overlaps(b.get_tightbbox(renderer))]


def raw_underscores(explorer):
    """The texts of the picture that show "_" outside maths ($…$)."""
    return sorted({text.get_text() for text in explorer.figure.findobj(Text)
                   if "_" in re.sub(r"\$[^$]*\$", "", text.get_text())})


def spilled(explorer):
    """[(text, patch)] of the texts anchored inside a patch (box, circle, tile) that reach past
    its edge. The picture must have been drawn (``cut_off`` draws it)."""
    renderer = explorer.figure.canvas.get_renderer()
    found = []
    for ax in explorer.figure.axes:
        patches = [patch for patch in ax.patches                 # arrows hold no text
                   if patch.get_visible() and not isinstance(patch, FancyArrowPatch)]
        for text in ax.texts:
            if not (text.get_visible() and text.get_text().strip()):
                continue
            anchor = text.get_transform().transform(text.get_position())
            drawn = text.get_window_extent(renderer)
            for patch in patches:
                if patch.contains_point(anchor):
                    box = extent(patch, renderer).padded(SLACK)
                    if not (box.x0 <= drawn.x0 and drawn.x1 <= box.x1
                            and box.y0 <= drawn.y0 and drawn.y1 <= box.y1):
                        found.append((text.get_text(), type(patch).__name__))
    return found


def problems(explorer):
    found = {"cut off": cut_off(explorer), "crowded": crowded(explorer),
             "raw _": raw_underscores(explorer), "spills out of its box": spilled(explorer)}
    return {what: where for what, where in found.items() if where}


def every_explorer_class(base=Explorer):
    """The explorers of the package: subclasses of ``Explorer`` that nothing subclasses."""
    for cls in base.__subclasses__():
        if cls.__module__.startswith("backproplib.explorers."):
            yield from every_explorer_class(cls) if cls.__subclasses__() else [cls.__name__]


def test_every_explorer_of_the_package_is_checked():
    import_all = [name for name, cls, _ in find_explorers()]   # imports every module
    assert import_all
    explorers = set(every_explorer_class())
    assert len(explorers) >= 19 and explorers <= set(BUILDERS), explorers - set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_setting_of_any_control_cuts_or_crowds_a_label(name):
    explorer = BUILDERS[name]()
    found = {"first picture": problems(explorer)}
    for control_name, control in explorer.controls.items():
        start = control.value
        for value in settings(control):
            control.value = value
            if explorer.error is None:
                found[f"{control_name} = {value!r}"] = problems(explorer)
        control.value = start
    found = {setting: where for setting, where in found.items() if where}
    assert not found, found


def test_without_room_for_its_widest_labels_the_last_delay_label_is_cut_off(monkeypatch):
    """The check above can fail: the memory explorer laid out for its first picture (axes of
    input steps up to 20) cuts the label 50 of the longest delay at the right edge."""
    monkeypatch.setattr(MemoryTaskExplorer, "widest_labels", Explorer.widest_labels)
    explorer = MemoryTaskExplorer()
    assert not cut_off(explorer)
    explorer.controls["delay"].value = explorer.controls["delay"].max
    assert [title for title, _ in cut_off(explorer)] == ["gradient reaching each input"]


def test_laid_out_without_its_widest_y_labels_the_loss_axes_run_into_the_gradient_axes(
        monkeypatch):
    """Laid out for the x labels alone (the y axes at matplotlib's limits for no data), the
    memory explorer leaves too little room between its axes for the labels 10⁻²⁰ and 1000."""
    widest = MemoryTaskExplorer.widest_labels
    monkeypatch.setattr(MemoryTaskExplorer, "widest_labels", lambda self: {
        ax: {"xlim": limits["xlim"]} for ax, limits in widest(self).items()})
    explorer = MemoryTaskExplorer()
    explorer.controls["steps"].value = explorer.controls["steps"].max
    assert crowded(explorer) == [("loss while training", "gradient reaching each input")]


def test_a_raw_underscore_is_found():
    explorer = MemoryTaskExplorer()
    explorer.ax_grad.set_ylabel("‖∂L/∂x_t‖ / ‖∂L/$∂x_T$‖")
    assert raw_underscores(explorer) == ["‖∂L/∂x_t‖ / ‖∂L/$∂x_T$‖"]


def test_numbers_wider_than_their_boxes_are_found(monkeypatch):
    """The stepper with boxes too narrow for its numbers: every node's numbers spill."""
    import backproplib.explorers.graph as graph
    from backproplib.explorers.backward import BackwardStepExplorer
    monkeypatch.setattr(graph, "BOX_WIDTH", 0.45)
    explorer = BackwardStepExplorer()
    cut_off(explorer)                                  # draws the picture
    assert ("w1\ndata -0.500", "FancyBboxPatch") in spilled(explorer)
    monkeypatch.undo()
    explorer = BackwardStepExplorer()
    cut_off(explorer)
    assert spilled(explorer) == []
