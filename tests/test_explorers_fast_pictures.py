"""The fast ways explorers redraw show the same picture as drawing the whole figure again.

Explorers draw their still parts once and only what moves on each change (``blit.py``), and
keep the pictures of settings seen before (``kept.py``). Here every such explorer is moved
through settings that exercise each control, to both ends of its sliders and back, and after
every move its picture is compared, pixel for pixel, with a full render of the figure.
"""

import numpy as np
import pytest

from backproplib.explorers.blit import BlitExplorer
from backproplib.explorers.bptt import BPTTGradientExplorer
from backproplib.explorers.depth import DepthExplorer
from backproplib.explorers.descent import BatchNoiseExplorer, DescentExplorer
from backproplib.explorers.gradcheck_step import StepSizeExplorer
from backproplib.explorers.render import figure_to_png

#: explorer -> the moves to make, in order: (control, value); a move repeated later is a revisit
MOVES = {
    DescentExplorer: [("lr", 0.398), ("steps", 100), ("momentum", 0.95), ("lr", 0.05),
                      ("steps", 1), ("lr", 0.001), ("momentum", 0.0), ("steps", 100),
                      ("lr", 0.398), ("steps", 30)],
    BatchNoiseExplorer: [("lr", 0.5), ("batch_size", 1), ("epochs", 20), ("lr", 10 ** -2.5),
                         ("batch_size", 64), ("epochs", 1), ("lr", 0.5), ("batch_size", 1),
                         ("epochs", 5)],
    StepSizeExplorer: [("guess_log10", -16.0), ("revealed", True), ("method", "forward"),
                       ("precision", "float32"), ("guess_log10", 0.0), ("method", "central"),
                       ("guess_log10", -16.0), ("precision", "float64"), ("revealed", False)],
    BPTTGradientExplorer: [("revealed", True), ("length", 100), ("revealed", True),
                           ("scale", 2.0), ("revealed", True), ("activation", "linear"),
                           ("prediction", -40.0), ("length", 20), ("prediction", 0.0),
                           ("scale", 0.8), ("activation", "tanh"), ("revealed", True)],
    DepthExplorer: [("depth", 3), ("revealed", True), ("gain", 10.0), ("activation", "relu"),
                    ("init", "zeros"), ("guess_log10", -4.0), ("init", "xavier"),
                    ("depth", 2), ("gain", 1.0), ("revealed", False), ("revealed", True)],
}


def full_render(explorer):
    """The figure rendered the ordinary way, all at once."""
    if isinstance(explorer, BlitExplorer):
        return explorer.full_render()
    return figure_to_png(explorer.figure)


@pytest.mark.parametrize("cls", list(MOVES), ids=lambda cls: cls.__name__)
def test_every_picture_equals_a_full_render_of_the_figure(cls):
    explorer = cls()
    assert explorer.image.value == full_render(explorer)
    seen = {}
    for name, value in MOVES[cls]:
        explorer.controls[name].value = value
        assert explorer.error is None, (name, value)
        shown = explorer.image.value
        assert shown == full_render(explorer), (name, value)
        seen.setdefault(shown, []).append((name, value))
    revisits = [moves for moves in seen.values() if len(moves) > 1]
    assert revisits, "the moves go back to a setting seen before (a kept picture)"


@pytest.mark.parametrize("cls", [DescentExplorer, BatchNoiseExplorer], ids=lambda c: c.__name__)
def test_the_path_and_its_loss_move_while_the_contours_stay(cls):
    explorer = cls()
    before = np.asarray(explorer.figure.canvas.buffer_rgba()).copy()
    name, value = MOVES[cls][0]
    explorer.controls[name].value = value
    after = np.asarray(explorer.figure.canvas.buffer_rgba())
    assert not np.array_equal(before, after)          # the picture changed (and is checked above)
    assert explorer.ax_path not in explorer.moving and explorer.ax_loss in explorer.moving
