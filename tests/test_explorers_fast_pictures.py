"""The fast ways explorers redraw show the same picture as drawing the whole figure again.

Explorers draw their still parts once and only what moves on each change (``blit.py``), and
keep the pictures of settings seen before (``kept.py``). Here every such explorer is moved
through settings that exercise each control, to both ends of its sliders and back, and after
every move its picture is compared, pixel for pixel, with a full render of the figure.
"""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from backproplib.explorers.backward import BackwardStepExplorer, NudgeExplorer
from backproplib.explorers.blit import BlitExplorer
from backproplib.explorers.bptt import BPTTGradientExplorer
from backproplib.explorers.depth import DepthExplorer
from backproplib.explorers.descent import DescentExplorer
from backproplib.explorers.digits import DigitExplorer, train_digits
from backproplib.explorers.generalisation import OverfittingExplorer, Runs
from backproplib.explorers.gradcheck_step import StepSizeExplorer
from backproplib.explorers.live_training import LiveTrainingExplorer
from backproplib.explorers.minibatch import BatchNoiseExplorer
from backproplib.explorers.network_diagram import NetworkDiagramExplorer
from backproplib.explorers.noisy_labels import NoisyLabelExplorer, NoisySweep
from backproplib.explorers.render import figure_to_png
from backproplib.explorers.style import decades, nice_upper, power_of_ten
from backproplib.explorers.sweep import Sweep, SweepRevealExplorer
from backproplib.explorers.widget_check import SquareExplorer


def made_up_runs(epochs=50, sizes=(4, 16, 64, 256)):
    """Curves of the shape training gives (falling training loss, U-shaped validation loss),
    with seeded noise: the explorer only draws them."""
    rng, t = np.random.default_rng(0), np.arange(1, epochs + 1) / epochs
    train = np.array([2.3 * np.exp(-4 * t * k) + 0.05 * rng.random(epochs) for k in (1, 2, 3, 4)])
    val = np.array([1.5 - t + 2 * t ** 2 * k + 0.05 * rng.random(epochs) for k in (0, 1, 2, 3)])
    return Runs(sizes, epochs, train, val, 1 - train / 3, 1 - val / 4)


def made_up_noisy_sweep(fractions=(0.0, 0.2, 0.4, 0.6, 0.8)):
    f = np.array(fractions)
    return NoisySweep(fractions, 1 - 0.1 * f, 1 - 0.5 * f, 0.9 * f, 0.9 - 0.6 * f ** 2)


def made_up_sweep(lrs=(0.01, 0.1, 1.0, 10.0), widths=(2, 4, 16, 64)):
    accuracy = np.random.default_rng(1).uniform(0.5, 1.0, (len(lrs), len(widths)))
    failed = accuracy < 0.6
    return Sweep("spirals", lrs, widths, 100, accuracy, np.where(failed, np.inf, 1 - accuracy),
                 failed)

#: explorer -> the moves to make, in order: (control, value); a move repeated later is a revisit
MOVES = {
    "BackwardStepExplorer": [("step", 2), ("step", 3), ("step", 2), ("w1", 6.0), ("step", 9),
                             ("w1", -6.0), ("step", 1), ("step", 2), ("step", 3), ("w1", 6.0),
                             ("step", 9)],
    "NetworkDiagramExplorer": [("x1", 3.0), ("preset", "random (seed 1)"), ("activation", "relu"),
                               ("x2", -3.0), ("x1", 1.0), ("preset", "lesson example"),
                               ("x2", -0.5), ("activation", "sigmoid")],
    "SquareExplorer": [("n", 0), ("n", 10), ("n", 9), ("n", 1), ("n", 10)],
    "OverfittingExplorer": [("epoch", 1), ("h", 0), ("epoch", 25), ("h", 1), ("epoch", 50),
                            ("h", 3), ("epoch", 1), ("h", 1), ("epoch", 50)],
    "NoisyLabelExplorer": [("reveal", True), ("prediction", 0), ("reveal", True), ("i", 4),
                           ("reveal", True), ("prediction", 100), ("i", 0), ("reveal", True),
                           ("i", 4)],
    "SweepRevealExplorer": [("reveal", True), ("prediction", 100), ("lr", 3), ("reveal", True),
                            ("width", 3), ("reveal", True), ("prediction", 40), ("lr", 0),
                            ("width", 0), ("lr", 3)],
    "DescentExplorer": [("lr", 0.398), ("steps", 100), ("momentum", 0.95), ("lr", 0.05),
                      ("steps", 1), ("lr", 0.001), ("momentum", 0.0), ("steps", 100),
                      ("lr", 0.398), ("steps", 30)],
    "BatchNoiseExplorer": [("lr", 0.5), ("batch_size", 1), ("epochs", 20), ("lr", 10 ** -2.5),
                         ("batch_size", 64), ("epochs", 1), ("lr", 0.5), ("batch_size", 1),
                         ("epochs", 5)],
    "StepSizeExplorer": [("guess_log10", -16.0), ("revealed", True), ("method", "forward"),
                       ("precision", "float32"), ("guess_log10", 0.0), ("method", "central"),
                       ("guess_log10", -16.0), ("precision", "float64"), ("revealed", False),
                         ("guess_log10", -4.0)],
    "BPTTGradientExplorer": [("revealed", True), ("length", 100), ("revealed", True),
                           ("scale", 2.0), ("revealed", True), ("activation", "linear"),
                           ("prediction", -40.0), ("length", 20), ("prediction", 0.0),
                           ("scale", 0.8), ("activation", "tanh"), ("revealed", True)],
    "DepthExplorer": [("depth", 3), ("activation", "tanh"), ("init", "he"), ("gain", 10.0),
                      ("activation", "relu"), ("gain", 1.0), ("revealed", True), ("gain", 10.0),
                      ("activation", "relu"), ("init", "zeros"), ("guess_log10", -4.0),
                      ("init", "xavier"), ("depth", 2), ("gain", 1.0), ("revealed", False),
                      ("revealed", True)],
    "LiveTrainingExplorer": [("width", 4), ("dataset", "spirals"), ("lr", 10.0), ("epochs", 30),
                             ("depth", 1), ("lr", 0.1), ("dataset", "moons"), ("epochs", 20),
                             ("width", 16), ("depth", 2), ("width", 4)],
    "DigitExplorer": [("index", 5), ("source", "my drawing"), ("index", 7), ("source", "test image"),
                      ("index", 359), ("index", 5), ("index", 6)],
}


BUILD = {"OverfittingExplorer": lambda: OverfittingExplorer(made_up_runs(), h=3),
         "DigitExplorer": lambda: DigitExplorer(train_digits(hidden=8, epochs=1)),
         "NoisyLabelExplorer": lambda: NoisyLabelExplorer(made_up_noisy_sweep()),
         "SweepRevealExplorer": lambda: SweepRevealExplorer(made_up_sweep()),
         "LiveTrainingExplorer": lambda: LiveTrainingExplorer(epochs=20),
         **{cls.__name__: cls for cls in (DescentExplorer, BatchNoiseExplorer, StepSizeExplorer,
                                         BPTTGradientExplorer, DepthExplorer, SquareExplorer,
                                         BackwardStepExplorer, NetworkDiagramExplorer)}}


def full_render(explorer):
    """The figure rendered the ordinary way, all at once."""
    if isinstance(explorer, BlitExplorer):
        return explorer.full_render()
    return figure_to_png(explorer.figure)


@pytest.mark.parametrize("name", list(MOVES))
def test_every_picture_equals_a_full_render_of_the_figure(name):
    explorer = BUILD[name]()
    assert explorer.image.value == full_render(explorer)
    seen = {explorer.image.value: [("first", "picture")]}
    for control, value in MOVES[name]:
        explorer.controls[control].value = value
        assert explorer.error is None, (control, value)
        shown = explorer.image.value
        assert shown == full_render(explorer), (control, value)
        seen.setdefault(shown, []).append((control, value))
    revisits = [moves for moves in seen.values() if len(moves) > 1]
    assert revisits, "the moves go back to a setting seen before (a kept picture)"


@pytest.mark.parametrize("cls", [DescentExplorer, BatchNoiseExplorer], ids=lambda c: c.__name__)
def test_the_path_and_its_loss_move_while_the_contours_stay(cls):
    explorer = cls()
    before = np.asarray(explorer.figure.canvas.buffer_rgba()).copy()
    name, value = MOVES[cls.__name__][0]
    explorer.controls[name].value = value
    after = np.asarray(explorer.figure.canvas.buffer_rgba())
    assert not np.array_equal(before, after)          # the picture changed (and is checked above)
    assert explorer.ax_path not in explorer.moving and explorer.ax_loss not in explorer.moving


@pytest.mark.parametrize("name", ["StepSizeExplorer", "DescentExplorer", "BatchNoiseExplorer",
                                  "OverfittingExplorer", "NoisyLabelExplorer"])
def test_the_moves_above_draw_a_legend_again_only_when_something_reaches_it(name):
    """Both cases are among the moves checked against full renders: a legend kept in the still
    picture, and a legend drawn again over a curve that passes under it."""
    explorer, frames = BUILD[name](), []
    legends = explorer.legends_of_moving_axes()
    assert legends, f"{name}: no legend on an axes where something moves"
    for control, value in MOVES[name]:
        explorer.controls[control].value = value
        frames.append([legend in explorer.overlays() for legend in legends])  # drawn again?
    assert any({frame[i] for frame in frames} == {True, False} for i in range(len(legends)))
    assert all(legend.get_animated() for legend in explorer.overlays())   # not in the still


def one_key_press(control):
    """The value one key press gives: a slider one step on (back at its end), the next choice,
    a switch flipped."""
    options = getattr(control, "options", None)
    if options:
        values = list(control._options_values)
        return values[(values.index(control.value) + 1) % len(values)]
    if isinstance(control.value, bool):
        return not control.value
    up = control.value + control.step
    return up if up <= control.max else control.value - control.step


@pytest.mark.parametrize("name", ["BPTTGradientExplorer", "SweepRevealExplorer"])
def test_a_first_key_press_on_any_control_draws_no_new_still_picture(name):
    """The axes limits change in steps, so the first move of every control from the initial
    state, Reveal included, draws only what moves on the kept still picture (the fast path)."""
    for control in BUILD[name]().controls:
        explorer = BUILD[name]()
        stills = recording(explorer, "draw_still_picture")
        explorer.controls[control].value = one_key_press(explorer.controls[control])
        assert explorer.error is None and not stills, (name, control)


def recording(owner, method):
    """Record the first argument of every call of ``owner.method`` from now on (a list)."""
    calls, original = [], getattr(owner, method)

    def recorded(argument):
        calls.append(argument)
        return original(argument)
    setattr(owner, method, recorded)
    return calls


def test_choosing_another_cell_of_the_sweep_draws_only_the_cells_the_frame_leaves_and_enters():
    explorer = BUILD["SweepRevealExplorer"]()
    explorer.controls["reveal"].value = True
    drawn = recording(explorer.figure, "draw_artist")
    explorer.controls["lr"].value = 1                    # from cell (0, 0) to cell (1, 0)
    texts = [text for text in drawn if text in explorer.texts[0] + explorer.texts[1]]
    assert texts == [explorer.texts[0][0], explorer.texts[1][0]], [text.get_text() for text in texts]
    assert explorer.image.value == full_render(explorer)


def test_before_reveal_the_bptt_axes_do_not_depend_on_the_answer():
    """The log axis is set by the prediction alone until Reveal: its limits give nothing away."""
    explorer = BUILD["BPTTGradientExplorer"]()
    limits = set()
    for scale, activation in [(0.5, "tanh"), (2.0, "linear"), (1.0, "linear"), (0.8, "tanh")]:
        explorer.controls["scale"].value = scale
        explorer.controls["activation"].value = activation
        limits.add(explorer.ax.get_ylim())
    explorer.controls["revealed"].value = True
    assert len(limits) == 1 and explorer.ax.get_ylim() in limits
    explorer.controls["length"].value = 100          # hides; this answer is 10^−26.9
    assert explorer.ax.get_ylim() in limits
    explorer.controls["revealed"].value = True
    low, high = explorer.ax.get_ylim()
    assert (low, high) not in limits and low <= 10.0 ** explorer.result.log10_ratio < high


@pytest.mark.parametrize("cls, control, values", [
    (DescentExplorer, "lr", [0.13, 0.25]),
    (BatchNoiseExplorer, "batch_size", [1, 64]),
], ids=["descent", "batch noise"])
def test_new_limits_on_the_loss_axes_draw_that_axes_alone(cls, control, values):
    """A still picture for new loss-axis limits is made from a kept one by drawing the loss
    axes only: the contour plot beside it is not drawn again, and the picture is still the
    full render's."""
    explorer = cls()
    contours = recording(explorer.ax_path.xaxis, "draw")   # drawn with its axes
    for value in values:
        stills = len(explorer._stills)
        explorer.controls[control].value = value
        assert len(explorer._stills) == stills + 1 and not contours, (control, value)
        assert explorer.image.value == full_render(explorer), (control, value)
        contours.clear()   # full_render draws everything


def test_twin_axes_get_new_limits_together_without_drawing_the_axes_beside_them():
    """The live explorer's loss axes and their twin (accuracy) share a place: new limits on the
    loss axes draw both again, and not the plane beside them."""
    explorer = LiveTrainingExplorer(epochs=20)
    plane, twin = recording(explorer.ax_plane.xaxis, "draw"), recording(explorer.ax_acc.yaxis,
                                                                          "draw")
    for lr in (10.0, 1.0):                   # loss axes from 1 to 10³, then 10⁻³ to 10³
        stills = len(explorer._stills)
        explorer.controls["lr"].value = lr
        assert len(explorer._stills) == stills + 1 and twin and not plane, lr
        assert explorer.image.value == full_render(explorer), lr
        plane.clear(), twin.clear()


class TwinAxesExplorer(BlitExplorer):
    """Two axes on the same place (a twin): new limits on one must draw the other too."""

    def __init__(self):
        super().__init__({"top": widgets.FloatSlider(value=1.0, min=1.0, max=100.0)})

    def setup_figure(self, fig):
        ax = fig.subplots()
        self.twin = ax.twinx()
        ax.plot([0, 1], [0, 1])
        self.twin.plot([0, 1], [0, 1], color="black")   # in the other axes' place
        ax.set_title("twin axes")
        self.label = ax.text(0.05, 0.9, "", transform=ax.transAxes)
        self.moving = [self.label]

    def compute(self, top):
        return top

    def draw(self, top):
        self.label.set_text(f"top = {top:g}")
        self.twin.set_ylim(0, nice_upper(top))


def test_axes_that_share_their_place_are_drawn_together_when_one_gets_new_limits():
    explorer = TwinAxesExplorer()
    for top in (3.0, 30.0, 80.0, 3.0):
        explorer.controls["top"].value = top
        assert explorer.image.value == full_render(explorer), top


def test_a_legend_under_the_axes_stays_in_the_still_picture():
    """The nudge explorer's legends sit under its plots. Its tangent line runs past the axes,
    but is clipped to them, so it never reaches a legend: no legend is drawn again."""
    explorer = NudgeExplorer()
    for w in (-6.0, -1.0, 0.0, 2.5, 6.0):
        explorer.controls["w"].value = w
        assert explorer.overlays() == [], w
        fast, full = (np.asarray(Image.open(io.BytesIO(png)), dtype=int)
                      for png in (explorer.image.value, full_render(explorer)))
        assert (np.abs(fast - full).max(axis=2) > 2).mean() < 1e-3, w   # as test_explorers_blit


@pytest.mark.parametrize("value, label", [(1e-3, "10⁻³"), (1.0, "10⁰"), (10.0, "10¹"),
                                          (1e12, "10¹²"), (1e-300, "10⁻³⁰⁰"), (0.5, "0.5"),
                                          (2e-5, "2×10⁻⁵"), (3e5, "3×10⁵"), (2.5e-7, "2.5×10⁻⁷"),
                                          (0.002, "0.002"), (0.0, "0"), (-10.0, "-10")])
def test_a_log_axis_tick_label_is_plain_text(value, label):
    assert power_of_ten(value) == label


def test_every_log_axis_of_an_explorer_is_labelled_in_plain_text():
    """Mathtext labels ("$\\mathdefault{10^{-3}}$") take milliseconds each to lay out."""
    with_log_axes = set()
    for name, build in BUILD.items():
        explorer = build()
        for control, value in MOVES[name]:
            explorer.controls[control].value = value
            explorer.full_render()
            for ax in explorer.figure.axes:
                for axis in (ax.xaxis, ax.yaxis):
                    if axis.get_scale() != "log" or not ax.get_visible():
                        continue
                    with_log_axes.add(name)
                    labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
                    assert labels and not any("$" in text for text in labels), (name, labels)
                    assert any(text.startswith("10") for text in labels), (name, labels)
    assert {"DescentExplorer", "BatchNoiseExplorer", "LiveTrainingExplorer", "DepthExplorer",
            "BPTTGradientExplorer"} <= with_log_axes


@pytest.mark.parametrize("low, high, every, limits", [
    (0.02, 30, 1, (1e-2, 1e2)), (0.02, 30, 3, (1e-3, 1e3)), (1e-7, 5, 3, (1e-9, 1e3)),
    (1.0, 1e3, 3, (1.0, 1e3)), (0.5, 0.7, 1, (0.1, 1.0)), (0.5, 0.7, 3, (1e-3, 1.0))])
def test_log_axis_limits_move_in_steps_of_whole_decades(low, high, every, limits):
    assert decades(low, high, every) == pytest.approx(limits, rel=1e-12)


def test_descent_loss_limits_in_steps_of_three_decades_need_fewer_still_pictures():
    """Twenty learning rates, the sweep a learner makes: each still picture costs a redraw of
    the loss axes (ticks and labels), so fewer different limits mean fewer redraws."""
    explorer = DescentExplorer()
    for k in range(1, 21):
        explorer.controls["lr"].value = 10 ** (np.log10(0.05) + 0.05 * k)
        low, high = explorer.ax_loss.get_ylim()
        assert np.log10(low) % 3 == 0 and np.log10(high) % 3 == 0
        assert low <= explorer.result.losses.min() or low == 1e-12
    assert len({key for key in explorer._stills}) <= 5


def test_the_batch_noise_stop_mark_ends_below_the_legend():
    """The mark of the epoch where training stops gaining runs up to 70 % of the loss axes:
    moving it leaves the legend in the still picture (drawing it again costs 4 ms a move)."""
    explorer = BatchNoiseExplorer()
    legend, overlaid = explorer.ax_loss.get_legend(), 0
    for epochs in range(1, 21):
        explorer.controls["epochs"].value = epochs
        marked = explorer.stop_mark.get_visible()
        overlaid += marked and legend in explorer.overlays()
        assert explorer.image.value == full_render(explorer), epochs
    assert explorer.stop_mark.get_visible() and overlaid <= 2


def test_a_label_that_moved_in_the_kept_picture_is_not_left_behind(monkeypatch):
    """The loss axes' y label sits left of its tick labels, so it moves with their width. Laid
    out with little room between the axes, the label of the widest tick labels (10⁻⁹) reaches
    into the box of the axes beside it; a still picture made from that one must not keep it."""
    monkeypatch.setattr(BatchNoiseExplorer, "widest_labels",
                        lambda self: {self.ax_loss: {"xlim": (0, 20)}})
    explorer = BatchNoiseExplorer()
    for control, value in [("lr", 0.5), ("batch_size", 1), ("epochs", 20), ("lr", 10 ** -2.5),
                           ("batch_size", 64), ("epochs", 1)]:
        explorer.controls[control].value = value
        assert explorer.image.value == full_render(explorer), (control, value)
