"""Legends drawn again only when something that moves comes close to them.

A ``BlitExplorer`` (``blit.py``) draws the legend of an axes where something moves again on
every change, after the moving artists (an "overlay"), so that a line passing under the legend
stays under it. Text is slow to draw, and most changes leave the legend's corner of the axes
empty. ``StillLegends`` keeps such a legend in the still picture while no moving artist of its
axes comes within ``REACH`` pixels of it, and draws it again, over them, only when one does.
Either way the picture is the same as a full render.

Use it before ``BlitExplorer``: ``class MyExplorer(StillLegends, BlitExplorer)``. Its
``self.frame`` says which legends are drawn again (do not use the frame for anything else).
"""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.spines import Spine
from matplotlib.text import Text

#: pixels around a moving artist's data that it may paint (line width, antialiased edges)
REACH = 6


class StillLegends:
    """BlitExplorer mixin: an overlay (legend) is drawn again only when a moving artist reaches it."""

    def render(self):
        if not hasattr(self, "_reached"):                  # the first render:
            engine = self.figure.get_layout_engine()
            if engine is not None:
                engine.execute(self.figure)                # place the axes, and so their legends
        self._reached = {legend: self.reached(legend) for legend in super().overlays()}
        for legend, again in self._reached.items():
            legend.set_animated(again)                     # animated: left out of the still picture
        self.frame = tuple(self._reached.values())         # one still picture per combination
        return super().render()

    def overlays(self):
        """The legends drawn again after the moving artists: those that one of them reaches."""
        reached = getattr(self, "_reached", {})
        return [legend for legend in super().overlays() if reached.get(legend, True)]

    def reached(self, legend):
        """Whether a visible moving artist of the legend's axes comes within REACH pixels of it."""
        renderer = self.figure.canvas.get_renderer()
        box = legend.get_window_extent(renderer)
        moving = [*self.moving, *(artist for part in self.parts for artist in part)]
        return any(artist.get_visible() and artist.axes is legend.axes
                   and may_paint(artist, box, renderer) for artist in moving)


def may_paint(artist, box, renderer):
    """Whether ``artist`` may paint a pixel of ``box`` (in doubt: yes). A line does when one of
    its segments, markers included, passes within REACH pixels of the box."""
    if isinstance(artist, Spine):           # along the edges of the axes, away from a legend
        return False
    if isinstance(artist, Text) and artist.get_bbox_patch() is not None:
        return True                         # its box is placed only when it is drawn
    if isinstance(artist, Line2D) and artist.get_drawstyle() == "default":
        path = artist.get_transform().transform_path(artist.get_path())   # in pixels
        if not np.all(np.isfinite(path.vertices)):
            return True
        marker = artist.get_markersize() * renderer.points_to_pixels(1) / 2
        return len(path.vertices) > 0 and path.intersects_bbox(box.padded(REACH + marker),
                                                               filled=False)
    extent = artist.get_window_extent(renderer)
    return not np.all(np.isfinite(extent.extents)) or extent.padded(REACH).overlaps(box)
