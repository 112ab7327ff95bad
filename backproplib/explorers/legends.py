"""Legends drawn again only when something that moves comes close to them.

A legend lies over the curves of its axes. In a ``BlitExplorer`` (``blit.py``) it has to be
drawn again after the moving curves, so that a curve passing under it stays under it. Text is
slow to draw, and most changes leave the legend's corner of the axes empty. ``StillLegends``
keeps each legend in the still picture while no moving artist of its axes comes within ``REACH``
pixels of it, and draws it again, over them, only when one does. Either way the picture is the
same as a full render.

Use it before ``BlitExplorer``: ``class MyExplorer(StillLegends, BlitExplorer)``. In
``setup_figure`` list the moving artists in ``self.moving`` without the legends, and the legends
in ``self.legends``; ``self.frame`` says which legends are drawn again (do not use it otherwise).
"""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.spines import Spine
from matplotlib.text import Text

#: pixels around a moving artist's data that it may paint (line width, antialiased edges)
REACH = 6


class StillLegends:
    """BlitExplorer mixin: each legend of ``self.legends`` drawn again only when reached."""

    legends = ()

    def render(self):
        if not hasattr(self, "_below_legends"):        # the first render
            self._below_legends = list(self.moving)
            engine = self.figure.get_layout_engine()
            if engine is not None:
                engine.execute(self.figure)            # place the axes, and so their legends
        reached = [self.reached(legend) for legend in self.legends]
        for legend, again in zip(self.legends, reached):
            legend.set_animated(again)                 # animated: left out of the still picture
        self.moving = self._below_legends + [legend for legend, again in zip(self.legends, reached)
                                             if again]
        self.frame = tuple(reached)                    # one still picture for each combination
        return super().render()

    def reached(self, legend):
        """Whether a visible moving artist of the legend's axes comes within REACH pixels of it."""
        renderer = self.figure.canvas.get_renderer()
        box = legend.get_window_extent(renderer)
        return any(artist.get_visible() and artist.axes is legend.axes
                   and may_paint(artist, box, renderer) for artist in self._below_legends)


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
