"""The drawing grid of the digit explorer: an 8 × 8 grid of pixel buttons in one widget.

Each pixel is a button; a click gives it the next ink level (white → grey → black → white).
The grid is one widget (``InkGrid``, drawn by ``ink_grid.js``) whose state is the list of ink
levels: copying a test image or clearing the grid sends the page that one list, where 64
separate button widgets would send up to 64 messages, and the page would lay itself out again
after each of them.
"""

from pathlib import Path

import anywidget
import traitlets


class InkGrid(anywidget.AnyWidget):
    """An 8 × 8 grid of pixel buttons. ``ink``: 64 ink levels (indices into ``colours``), row
    by row; ``colours``: the colour of each level; ``names``: each level in words (for the
    buttons' accessible names). A click in the page is sent to the kernel, which sets ``ink``
    (``click``): the kernel holds the drawing, the page only shows it."""

    _esm = (Path(__file__).parent / "ink_grid.js").read_text(encoding="utf-8")
    ink = traitlets.List(traitlets.Int(), default_value=[0] * 64).tag(sync=True)
    colours = traitlets.List(traitlets.Unicode()).tag(sync=True)
    names = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, colours, names, **kwargs):
        super().__init__(colours=list(colours), names=list(names), **kwargs)
        self.on_msg(self._clicked)

    def click(self, k):
        """Pixel k (0..63, row by row) takes the next ink level."""
        ink = list(self.ink)
        ink[k] = (ink[k] + 1) % len(self.colours)
        self.ink = ink

    def _clicked(self, _widget, content, _buffers):
        if isinstance(content.get("click"), int) and 0 <= content["click"] < len(self.ink):
            self.click(content["click"])
