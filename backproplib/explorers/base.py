"""The pattern every explorer follows: controls → a pure function → a figure and a readout.

A subclass provides
    controls:            dict name -> ipywidgets control (sliders, dropdowns...)
    compute(**values):   a pure function of the control values returning a result (numbers
                         and plot data) — usually a call to a function of the library;
    draw(result):        update the persistent figure's artists from the result;
    describe(result):    the readout, an HTML string with the numbers that teach something.

``Explorer`` wires them: each control change recomputes, redraws, renders the figure into a
``Picture`` (``render.py``) and the description into an ``ipywidgets.HTML``. The last result is
kept in ``explorer.result`` so tests can set ``explorer.controls["w"].value`` and check the numbers.
If a setting makes the numbers overflow, the readout says so instead of raising.

What every explorer gets without writing anything for it:
* a picture sharp on HiDPI screens, never stretched, to which only what changed is sent
  (``render.py``);
* a layout that wraps: the controls keep their width, the readout moves below them when the
  window is narrow;
* a text alternative: the image's accessible name (its ``title``) is the readout in words;
* a saved still picture: displaying an explorer also offers an HTML picture of its first state
  with a line saying to run the cell, which is what a notebook shows wherever the live widget
  cannot be drawn (untrusted notebook, exported page, repository viewer).
"""

import html
import re

import ipywidgets as widgets
import matplotlib
import numpy as np

from .render import (
    Picture,
    css_size,
    figure_pixels,
    image_layout,
    new_figure,
    still_html,
    still_png,
)
from .style import EXPLORER_RC, plain_log_labels

#: the class of an explorer still drawing pictures for the last move (training, say)
BUSY = "backprop-busy"
#: what numbers that overflow raise in ``compute``: shown as a warning in the readout
COMPUTE_ERRORS = (OverflowError, FloatingPointError, ValueError)
#: the width of a control besides its description (slider and value, or menu)
CONTROL_WIDTH = "16em"
#: the readout takes the rest of the row, but wraps below the controls when narrower than this
READOUT_MIN_WIDTH = "18em"


class Explorer:
    controls: dict

    def __init__(self, controls, width=6.0, height=4.0, title=""):
        with matplotlib.rc_context(EXPLORER_RC):
            self._build(controls, width, height, title)
        for ax in self.figure.axes:   # tick labels made later (new limits) keep the size
            ax.tick_params(labelsize=EXPLORER_RC["xtick.labelsize"])
        # The first render placed the axes; keep that layout so later renders skip the
        # layout engine (about half the time of a redraw).
        self.figure.set_layout_engine("none")
        self.first_picture = None   # still PNG of the first state, made when first displayed

    def _build(self, controls, width, height, title):
        self.controls = dict(controls)
        self.title = title
        self.figure = new_figure(width, height)
        self.image = Picture(layout=image_layout(self.figure))
        self.readout = widgets.HTML(layout=widgets.Layout(flex="1 1 24em",
                                                          min_width=READOUT_MIN_WIDTH))
        self.readout.add_class("backprop-readout")
        self.result = None
        self.error = None
        self.shown_values = None   # the control values of the last update
        self.setup_figure(self.figure)
        plain_log_labels(self.figure)
        self.lay_out()
        fit_controls(self.controls.values())
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = widgets.VBox(header + [panel(list(self.controls.values()), self.readout),
                                             self.image])
        self.widget.add_class("backprop-explorer")
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.update()

    # -- to be provided by subclasses ---------------------------------------------------------

    def setup_figure(self, fig):
        """Create the axes and artists once (lines, images, text) that ``draw`` will update."""

    def widest_labels(self):
        """{axes: {"xlim": ..., "ylim": ...}}: the limits at which an axes' tick labels reach
        farthest (the longest labels, the last one nearest the edge). The layout is made once,
        for them; by default for the first picture, whose labels may be narrower than later
        ones (which would then be cut off at the figure's edge)."""
        return {}

    def compute(self, **values):
        raise NotImplementedError

    def draw(self, result):
        pass

    def describe(self, result):
        return ""

    def describe_in_words(self, result):
        """The text alternative of the picture: by default the readout without its markup."""
        return plain_text(self.describe(result))

    # -- the wiring ---------------------------------------------------------------------------

    def lay_out(self):
        """Place the axes now, with the tick labels of ``widest_labels`` (if any), and keep
        that layout."""
        widest = self.widest_labels()
        if widest:
            for ax, limits in widest.items():
                ax.set(**limits)
            self.figure.get_layout_engine().execute(self.figure)
            self.figure.set_layout_engine("none")

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change=None):
        """Recompute from the controls, redraw, and refresh the image and the readout.

        Called by a control's change (``change``), it does nothing when the controls hold the
        settings shown last: another observer of the same change (one that hid an answer, say,
        by setting another control) has already shown them. Called from code, it always redraws.
        """
        values = self.values()
        if change is not None and values == self.shown_values:
            return
        self.shown_values = values
        self.show(lambda: self.compute(**values))

    def show(self, compute):
        """Set ``result`` to ``compute()`` and show it: the picture, its text alternative and the
        readout (or, if the numbers overflow, ``error`` and a warning in the readout)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                self.result = compute()
                self.error = None
            except COMPUTE_ERRORS as exc:
                return self.show_error(str(exc))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.draw(self.result)
        self.image.show(self.render())   # first: the picture takes the page longest to show
        self.image.alt = self.alt_text()
        self.readout.value = self.describe(self.result)

    def set_busy(self, busy):
        """Mark the explorer in the page as busy (``BUSY``: still drawing for the last move, as
        while training) or not."""
        if busy:
            self.widget.add_class(BUSY)
        else:
            self.widget.remove_class(BUSY)

    def show_error(self, message):
        """Say in the readout that these settings cannot be computed, and why (``error``)."""
        self.error = message
        self.readout.value = warning_html(f"These settings cannot be computed: {message}")
        self.image.alt = plain_text(self.readout.value)

    def render(self):
        """The figure's pixels, (H, W, 4) RGBA (``BlitExplorer`` redraws only what moves)."""
        return figure_pixels(self.figure)

    def alt_text(self):
        """'Picture: …' followed by the readout in words (the image's accessible name)."""
        words = self.describe_in_words(self.result) if self.result is not None else ""
        return f"Picture of the explorer {self.title or type(self).__name__}: {words}".strip()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a still picture of the first state for wherever the widget
        cannot be drawn (HTML and plain text; the widget is preferred where it can be)."""
        data = self.widget._repr_mimebundle_(**kwargs)
        if self.first_picture is None:
            self.first_picture = (still_png(self.figure.canvas), self.alt_text(),
                                  self.readout.value)
        png, alt, readout = self.first_picture
        data["text/html"] = still_html(png, css_size(self.figure)[0], self.title, alt, readout)
        data["text/plain"] = (f"{self.title or type(self).__name__} (an explorer): run this cell "
                              f"to make it move.")
        return data, {"backprop": {"explorer": type(self).__name__}}


def fit_controls(controls):
    """Give controls room for their whole descriptions (one width for all, so the sliders line
    up) and values, whatever the window width."""
    labelled = [c for c in controls if hasattr(getattr(c, "style", None), "description_width")
                and not isinstance(c, (widgets.Button, widgets.ToggleButton))]   # buttons: own text
    longest = max((len(c.description) for c in labelled), default=0)
    for control in labelled:
        control.style.description_width = f"{longest + 1}ch"
        if control.layout.width is None:
            control.layout.width = f"calc({longest + 1}ch + {CONTROL_WIDTH})"


def panel(controls, readout):
    """Controls in a column, the readout beside them, wrapping below when the row is narrow."""
    column = widgets.VBox(controls, layout=widgets.Layout(flex="0 0 auto", margin="0 1em 0 0"))
    return widgets.Box([column, readout], layout=widgets.Layout(flex_flow="row wrap",
                                                                align_items="flex-start"))


def warning_html(message):
    """The readout's markup for a warning: a ⚠ sign and the message, in the warning colour."""
    return f"<span style='color:#D55E00'>⚠ {html.escape(message)}</span>"


def plain_text(markup):
    """HTML as one line of words: tags dropped (a row break becomes "; ", a superscript "^"),
    entities decoded."""
    text = re.sub(r"<sup>(.*?)</sup>", r"^\1", markup)       # 10<sup>-3</sup>: 10^-3
    text = re.sub(r"<br\s*/?>|</?(p|tr|div|li|pre)\b[^>]*>|\n", "; ", text)
    text = re.sub(r"</t[dh]>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\s*;\s*)+", "; ", text).strip(" ;")
