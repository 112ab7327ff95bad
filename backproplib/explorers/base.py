"""The pattern every explorer follows: controls → a pure function → a figure and a readout.

A subclass provides
    controls:            dict name -> ipywidgets control (sliders, dropdowns...)
    compute(**values):   a pure function of the control values returning a result (numbers
                         and plot data) — usually a call to a function of the library;
    draw(result):        update the persistent figure's artists from the result;
    describe(result):    the readout, an HTML string with the numbers that teach something.

``Explorer`` wires them: each control change recomputes, redraws, renders the figure into an
``ipywidgets.Image`` and the description into an ``ipywidgets.HTML``. The last result is kept in
``explorer.result`` so tests can set ``explorer.controls["w"].value`` and check the numbers.
If a setting makes the numbers overflow, the readout says so instead of raising.
"""

import html

import ipywidgets as widgets
import numpy as np

from .style import figure_to_png, new_figure


class Explorer:
    controls: dict

    def __init__(self, controls, width=6.0, height=4.0, title=""):
        self.controls = dict(controls)
        self.figure = new_figure(width, height)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.readout = widgets.HTML()
        self.result = None
        self.error = None
        self.setup_figure(self.figure)
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = widgets.VBox(header + [
            widgets.HBox([widgets.VBox(list(self.controls.values())), self.readout]),
            self.image,
        ])
        self.widget.add_class("backprop-explorer")
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.update()
        # The first render placed the axes; keep that layout so later renders skip the
        # layout engine (about half the time of a redraw).
        self.figure.set_layout_engine("none")

    # -- to be provided by subclasses ---------------------------------------------------------

    def setup_figure(self, fig):
        """Create the axes and artists once (lines, images, text) that ``draw`` will update."""

    def compute(self, **values):
        raise NotImplementedError

    def draw(self, result):
        pass

    def describe(self, result):
        return ""

    # -- the wiring ---------------------------------------------------------------------------

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change=None):
        """Recompute from the controls, redraw, and refresh the image and the readout."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                self.result = self.compute(**self.values())
                self.error = None
            except (OverflowError, FloatingPointError, ValueError) as exc:
                self.error = str(exc)
        if self.error is not None:
            self.readout.value = (f"<span style='color:#D55E00'>⚠ These settings cannot be "
                                  f"computed: {html.escape(self.error)}</span>")
            return
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.draw(self.result)
        self.image.value = self.render()
        self.readout.value = self.describe(self.result)

    def render(self):
        """The figure as PNG bytes for the image (``BlitExplorer`` redraws only what moves)."""
        return figure_to_png(self.figure)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
