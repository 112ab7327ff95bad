"""Faster redraws: draw the still parts of a figure once, then only the artists that move.

Rendering a whole figure spends most of its time on text (tick labels, titles, numbers in boxes;
matplotlib draws text glyph by glyph) and on large images such as a loss landscape, none of
which change when a slider moves. A ``BlitExplorer`` renders them once, keeps the pixels, and on
every later redraw pastes those pixels back and draws only its moving artists on top
("blitting"). The picture is the same as a full render.

Two refinements for explorers with many numbers in the picture:

* ``frame``: a short description of what the still picture shows (say, which activation's
  colour bar). When ``draw`` changes a still artist it also changes ``frame``; the still picture
  of each frame is rendered once and kept, so going back to an earlier frame is fast.
* ``parts``: groups of moving artists that lie apart from each other (the box of one node of a
  graph and its numbers). A part is drawn again only when one of its artists changed: matplotlib
  marks an artist "stale" whenever one of its properties is set, so ``draw`` should set only
  what changes.

The legend of an axes where something moves is an "overlay": it is left out of the still
picture and drawn after the moving artists, so that a line passes under it as in a full render.
"""

import numpy as np
from matplotlib.transforms import Bbox

from .base import Explorer
from .render import canvas_to_png, figure_to_png

#: how many still pictures (one per frame) to keep
KEEP_FRAMES = 8
#: pixels around a part's artists that are also repainted (thick borders, antialiased edges)
PART_PADDING = 4


class BlitExplorer(Explorer):
    """An ``Explorer`` that lists, in ``setup_figure``, the artists ``draw`` changes.

    Subclasses set ``self.moving`` to the list of artists drawn again on every redraw (lines,
    patches, texts...), and/or ``self.parts`` to a list of groups of artists (each group drawn
    again only when it changed; the groups must not overlap each other or ``self.moving``).
    Everything else must stay as it was at the first render of the current ``self.frame``. That
    holds because ``Explorer`` freezes the figure layout after the first render.
    """

    moving = ()
    parts = ()
    frame = None

    def __init__(self, controls, **figure):
        self._stills = {}     # frame -> (H, W, 4) pixels of the still picture of that frame
        self._shown = None    # the still picture the canvas is built on now (None: unknown)
        self._regions = {}    # part index -> (top, bottom, left, right) pixels it was drawn in
        super().__init__(controls, **figure)

    def render(self):
        still = self._stills.get(self.frame)
        if still is None:
            still = self.draw_still_picture()
        pixels = np.asarray(self.figure.canvas.buffer_rgba())  # (H, W, 4): the canvas itself
        parts = self.all_parts()
        if self.moving or self._shown is not still:
            pixels[...] = still                    # start again from the still picture
            redraw = {i: self.region(part) for i, part in enumerate(parts)}
        else:                                      # keep the picture; repaint changed parts only
            redraw = self.changed_parts(parts)
            for i, new in redraw.items():          # where the part was and where it will be
                top, bottom, left, right = join(self._regions[i], new)
                pixels[top:bottom, left:right] = still[top:bottom, left:right]
        for artist in self.moving:
            self.figure.draw_artist(artist)
        for i, new in sorted(redraw.items()):
            for artist in parts[i]:
                self.figure.draw_artist(artist)
            self._regions[i] = new
        self._shown = still
        return canvas_to_png(self.figure.canvas)

    def draw_still_picture(self):
        """Render the figure without the moving artists and keep its pixels for ``self.frame``."""
        for artist in self.all_moving():
            artist.set_animated(True)   # a full draw now leaves them out
        self.figure.canvas.draw()
        if len(self._stills) >= KEEP_FRAMES:
            del self._stills[next(iter(self._stills))]   # forget the oldest frame
        still = self._stills[self.frame] = np.array(self.figure.canvas.buffer_rgba())
        self._shown = None
        return still

    def changed_parts(self, parts):
        """{index: region it will cover} of the parts to draw again: those with a changed artist,
        the overlays (always), and those whose pixels lie where a changed part was or will be
        (repainting erases them)."""
        redraw = {i: self.region(part) for i, part in enumerate(parts)
                  if i >= len(self.parts) or any(artist.stale for artist in part)}
        repainted = [join(self._regions[i], new) for i, new in redraw.items()]
        while True:
            erased = [j for j in range(len(parts)) if j not in redraw
                      and any(overlap(self._regions[j], r) for r in repainted)]
            if not erased:
                return redraw
            for j in erased:
                redraw[j] = self._regions[j]       # unchanged: drawn again where it was
                repainted.append(self._regions[j])

    def overlays(self):
        """The legends of the axes where something moves: drawn after the moving artists and
        parts, so that a moving line passes under a legend as in a full render."""
        moving = [*self.moving, *(artist for part in self.parts for artist in part)]
        return [ax.get_legend() for ax in self.figure.axes if ax.get_legend() is not None
                and any(artist.axes is ax for artist in moving)]

    def all_parts(self):
        """``self.parts``, then each overlay as a part of its own (drawn last)."""
        return [*self.parts, *([legend] for legend in self.overlays())]

    def region(self, part):
        """(top, bottom, left, right): the pixel rows and columns that ``part`` covers, padded."""
        canvas = self.figure.canvas
        width, height = canvas.get_width_height()
        renderer = canvas.get_renderer()
        box = Bbox.union([artist.get_window_extent(renderer) for artist in part])
        return (max(int(height - box.y1) - PART_PADDING, 0),     # pixel rows run downwards
                min(int(np.ceil(height - box.y0)) + PART_PADDING, height),
                max(int(box.x0) - PART_PADDING, 0),
                min(int(np.ceil(box.x1)) + PART_PADDING, width))

    def all_moving(self):
        return [*self.moving, *(artist for part in self.all_parts() for artist in part)]

    def full_render(self):
        """PNG bytes of the figure rendered the ordinary way, all at once (to check ``render``)."""
        artists = self.all_moving()
        for artist in artists:
            artist.set_animated(False)
        png = figure_to_png(self.figure)
        for artist in artists:
            artist.set_animated(True)
        self._shown = None   # the canvas no longer holds the blitted picture
        return png


def join(a, b):
    """The smallest rectangle (top, bottom, left, right) holding rectangles a and b."""
    return min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])


def overlap(a, b):
    """Whether rectangles a and b (top, bottom, left, right) share a pixel."""
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]

