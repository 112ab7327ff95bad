"""Every explorer that redraws only what moves (``BlitExplorer``) shows the same picture as a full
render of its figure, whichever control moves, in any order — the class, not one explorer."""

import io

import numpy as np
import pytest
from PIL import Image

from backproplib.explorers.blit import BlitExplorer
from benchmarks.explorers import find_explorers, other_value

BLIT_EXPLORERS = [(name, cls) for name, cls, _ in find_explorers()
                  if cls is not None and issubclass(cls, BlitExplorer)]


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def another_value(control):
    """A valid value of ``control`` other than its current one (None if there is none, e.g. a
    choice nothing is chosen in yet)."""
    options = getattr(control, "options", None)
    if options and control.value not in list(getattr(control, "_options_values", options)):
        return None
    return other_value(control)


def test_the_blitting_explorers_are_found():
    names = {name.split(".")[-1] for name, _ in BLIT_EXPLORERS}
    assert {"NeuronExplorer", "SquareExplorer", "LossExplorer"} <= names, names


@pytest.mark.parametrize("name, cls", BLIT_EXPLORERS, ids=[n for n, _ in BLIT_EXPLORERS])
def test_blitted_picture_equals_a_full_render_after_every_control(name, cls):
    explorer = cls()
    moves = [(control, another_value(control)) for control in explorer.controls.values()]
    moves = [(control, value) for control, value in moves
             if value is not None and value != control.value]
    assert moves, f"{name}: no control to move"
    for control, value in moves + [(c, v) for c, v in reversed(moves)]:
        control.value = value if control.value != value else another_value(control)
        if explorer.error is not None:
            continue
        fast = pixels(explorer.image.value)
        full = pixels(explorer.full_render())
        different = np.abs(fast - full).max(axis=2) > 2
        assert different.mean() < 1e-3, (
            f"{name}: after {control.description!r} = {control.value!r}, "
            f"{different.mean():.2%} of the pixels differ from a full render")
