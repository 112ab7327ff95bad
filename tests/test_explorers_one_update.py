"""One key press, one redraw — for every explorer and every control, whatever state it is in.

An explorer's own observer may set another control when one moves (a new question hides the
answer: Reveal goes back to off; a new setting clears the prediction). Both changes reach the
explorer's update; drawing the same settings twice would double the time a learner waits. Here
every explorer is put in the states where those observers act (every switch on, every choice
made), and then each control is moved: the figure must be drawn exactly once per move, and the
picture shown must be that of the settings the controls hold.
"""

import pytest
from test_explorers_fast_pictures import BUILD

from backproplib.explorers.digits import DigitExplorer, train_digits
from backproplib.explorers.live_training import LiveTrainingExplorer
from backproplib.explorers.style import EXPLORER_RC
from benchmarks.explorers import find_explorers, other_value

#: (explorer, control) pairs that draw several pictures for one change on purpose: a Train
#: button. (The live training explorer does too, but only in an event loop: not here.)
LIVE_CONTROLS = {("MemoryTaskExplorer", "train")}

BUILDERS = {name.split(".")[-1]: cls for name, cls, _ in find_explorers() if cls is not None}
BUILDERS.update({name: build for name, build in BUILD.items() if name not in BUILDERS})
BUILDERS["DigitExplorer"] = lambda: DigitExplorer(train_digits(hidden=8, epochs=1))
BUILDERS["LiveTrainingExplorer"] = lambda: LiveTrainingExplorer(epochs=20)


def test_every_explorer_of_the_package_is_covered():
    every = {name.split(".")[-1] for name, _, _ in find_explorers()}
    assert every <= set(BUILDERS)


def counting_draws(explorer):
    """Count the calls of ``explorer.draw`` from now on (a list with one number)."""
    count, draw = [0], explorer.draw

    def counted(result):
        count[0] += 1
        return draw(result)
    explorer.draw = counted
    return count


def answer_state(explorer):
    """Every switch on (Reveal pressed) and every choice made: where moving another control
    makes the explorer's own observers set controls too. Disabled controls are left alone."""
    for control in explorer.controls.values():
        if control.disabled:
            continue
        if isinstance(control.value, bool) and not control.value:
            control.value = True
        elif control.value is None and getattr(control, "options", None):
            control.value = other_value(control)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_move_draws_the_figure_once(name):
    explorer = BUILDERS[name]()
    count = counting_draws(explorer)
    moved = 0
    for control_name in explorer.controls:
        answer_state(explorer)
        control = explorer.controls[control_name]
        value = other_value(control)
        if control.disabled or value is None or value == control.value \
                or (name, control_name) in LIVE_CONTROLS:
            continue
        count[0] = 0
        control.value = value
        moved += 1
        if explorer.error is not None:
            continue
        assert count[0] == 1, f"{name}: moving {control_name} drew the figure {count[0]} times"
        assert explorer.shown_values == explorer.values(), (
            f"{name}: after moving {control_name}, the picture is not of the controls' settings")
    assert moved >= 1, f"{name}: no control could be moved"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_titles_sit_where_matplotlib_would_put_them(name, monkeypatch):
    """Explorers put titles just above their axes (``EXPLORER_RC``) instead of letting
    matplotlib find the place at every draw: the picture is the same."""
    placed = BUILDERS[name]().image.value
    monkeypatch.setitem(EXPLORER_RC, "axes.titley", None)       # matplotlib finds the place
    assert BUILDERS[name]().image.value == placed
