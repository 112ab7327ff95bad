"""Faster redraws: draw the still parts of a figure once, then only the artists that move.

Rendering a whole figure spends most of its time on text (tick labels, titles, numbers in boxes;
matplotlib draws text glyph by glyph) and on large images such as a loss landscape, none of
which change when a slider moves. A ``BlitExplorer`` renders them once, keeps the pixels, and on
every later redraw pastes those pixels back and draws only its moving artists on top
("blitting"). The picture is the same as a full render. Refinements for many numbers:

* ``frame``: a short description of what the still picture shows (say, which activation's
  colour bar). When ``draw`` changes a still artist it also changes ``frame``; the still picture
  of each frame is rendered once and kept, so going back to an earlier frame is fast.
* ``parts``: groups of moving artists that lie apart from each other (the box of one node of a
  graph and its numbers). A part is drawn again only when one of its artists changed: matplotlib
  marks an artist "stale" whenever one of its properties is set, so ``draw`` should set only
  what changes. ``parts_in_boxes = True`` says that the first artist of each part (a node's
  box) holds the others: its extent is the part's region, found without laying out any text.

The still picture of a frame also depends on the limits of every axes: when ``draw`` gives an
axes new limits, the still picture is rendered again for them (and kept). Limits that change in
steps (``style.nice_upper``, ``style.decades``) let neighbouring settings share one still picture.

Legends. Text is slow to draw, and most changes leave a legend's corner of the axes empty. A
legend stays in the still picture while no moving artist of its axes comes within ``REACH``
pixels of it (regions.py); when one does, it is an "overlay": left out of the still picture and
drawn again after the moving artists, so that a line passes under it as in a full render.
"""

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.transforms import Bbox

from .base import Explorer
from .regions import extent, join, may_paint, overlap, painted_box
from .render import figure_to_png, one_number_per_pixel

#: how many still pictures (one per frame) to keep
KEEP_FRAMES = 8
#: pixels around a part's artists that are also repainted (thick borders, antialiased edges)
PART_PADDING = 4


class BlitExplorer(Explorer):
    """An ``Explorer`` that lists, in ``setup_figure``, the artists ``draw`` changes.

    Subclasses set ``self.moving`` to the list of artists drawn again on every redraw (lines,
    patches, texts...), and/or ``self.parts`` to a list of groups of artists (each group drawn
    again only when it changed; the groups must not overlap each other or ``self.moving``).
    Everything else must stay as it was at the first render of the current ``self.frame`` and
    axes limits. That holds because ``Explorer`` freezes the figure layout after the first render.
    """

    moving = ()
    parts = ()
    frame = None
    parts_in_boxes = False

    def __init__(self, controls, **figure):
        self._stills = {}     # still key -> (H, W, 4) pixels of that still picture
        self._boxes = {}      # still key -> {axes index: pixel box it paints in that picture}
        self._legend_boxes = {}   # (legend, its texts, axes position) -> its extent
        self._shown = None    # the still picture the canvas is built on now (None: unknown)
        self._regions = {}    # part index -> (top, bottom, left, right) pixels it was drawn in
        self._overlays = None  # the legends drawn again over the moving artists (None: all)
        super().__init__(controls, **figure)

    def render(self):
        if self._overlays is None:                        # the first render:
            engine = self.figure.get_layout_engine()
            if engine is not None:
                engine.execute(self.figure)               # place the axes, and so their legends
        reached = {legend: self.reached(legend) for legend in self.legends_of_moving_axes()}
        for legend, again in reached.items():
            legend.set_animated(again)                    # animated: left out of the still picture
        self._overlays = [legend for legend, again in reached.items() if again]
        key = (self.frame, self.axes_states(reached))
        still = self._stills.get(key)
        if still is None:
            still = self.draw_still_picture(key)
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
                artist.stale = False   # drawn as it is (an invisible artist's draw leaves it stale)
            self._regions[i] = new
        self._shown = still
        return pixels

    def axes_states(self, reached):
        """What the still picture shows of each axes: its view limits (None for an axes that is
        itself moving) and whether its legend is left out for drawing over the moving artists
        (None: no such legend)."""
        moving = set(self.moving)
        return tuple(((ax.get_xlim(), ax.get_ylim()) if ax not in moving else None,
                      reached.get(ax.get_legend())) for ax in self.figure.axes)

    def draw_still_picture(self, key):
        """Render the figure without the moving artists and keep its pixels under ``key``.

        When a kept still picture of the same frame differs only in some axes (new limits, say),
        only those axes are drawn, over a copy of it (``redraw_some_axes``): the others (a
        contour plot, say) are not drawn again.
        """
        for artist in self.all_moving():
            artist.set_animated(True)   # a full draw now leaves them out
        still = self.redraw_some_axes(key)
        if still is None:
            self.figure.canvas.draw()
            still = np.array(self.figure.canvas.buffer_rgba())
            self._boxes[key] = {}
            if not self._stills:      # the first picture: find where each axes paints now,
                self._boxes[key] = self.axes_boxes(range(len(self.figure.axes)))  # not later
        if len(self._stills) >= KEEP_FRAMES:
            del self._stills[next(iter(self._stills))]   # forget the oldest frame
        self._boxes = {k: v for k, v in self._boxes.items() if k in self._stills or k == key}
        self._stills[key] = still
        self._shown = None
        return still

    def redraw_some_axes(self, key):
        """The still picture ``key`` made from the closest kept one (``closest_still``) by drawing
        the axes that differ, the others hidden, and keeping the kept picture where the others
        paint (their boxes); None unless the drawn pixels there all have the background colour."""
        background = np.round(np.array(to_rgba(self.figure.get_facecolor())) * 255).astype(np.uint8)
        closest = self.closest_still(key) if background[3] == 255 else None
        if closest is None:
            return None
        base, redraw, kept = closest
        axes, boxes = self.figure.axes, self._boxes[base]
        regions = [boxes[i] for i in kept if boxes[i] is not None]
        for i in kept:
            axes[i].set_visible(False)
        try:
            self.figure.canvas.draw()        # the figure with only the axes that differ
        finally:
            for i in kept:
                axes[i].set_visible(True)
        drawn = np.asarray(self.figure.canvas.buffer_rgba())
        painted = one_number_per_pixel(drawn) != one_number_per_pixel(background[None, None])
        if any(np.any(painted[top:bottom, left:right])                # one number per pixel:
               for top, bottom, left, right in regions):             # 4 times fewer to compare
            return None                      # an axes drawn paints where another one does
        pixels = np.array(drawn)
        for top, bottom, left, right in regions:
            pixels[top:bottom, left:right] = self._stills[base][top:bottom, left:right]
        self._boxes[key] = {i: boxes[i] for i in kept}
        places = {axes[i].get_position().bounds for i in redraw}
        if len(places) == 1:                 # one axes (or twins): it painted what was drawn
            self._boxes[key].update(dict.fromkeys(redraw, painted_box(painted)))
        return pixels

    def closest_still(self, key):
        """(kept still picture, axes to draw, axes to keep) that make the still picture ``key``
        with the fewest axes drawn; None if none can (none of the same frame, or in it the axes
        to draw painted where the axes to keep paint: a y label moves with its tick labels'
        width). Boxes: found with ``get_tightbbox``, once per picture, or from drawn pixels."""
        frame, states = key
        axes = self.figure.axes
        bases = [k for k in self._stills if k[0] == frame and len(k[1]) == len(states)]
        if not bases:
            return None
        base = min(bases, key=lambda k: sum(a != b for a, b in zip(k[1], states)))
        redraw = {i for i, (a, b) in enumerate(zip(base[1], states)) if a != b}
        redraw |= {j for j, ax in enumerate(axes) for i in redraw   # twins, say: drawn together
                   if ax.get_position().overlaps(axes[i].get_position())}
        kept = [i for i in range(len(axes)) if i not in redraw and axes[i].get_visible()]
        boxes = self._boxes[base]
        boxes.update(self.axes_boxes([i for i in kept if i not in boxes]))  # as in base
        if not self.find_boxes_in(base, [i for i in redraw if i not in boxes]):
            return None
        if any(boxes[i] is not None and boxes[j] is not None and overlap(boxes[i], boxes[j])
               for i in redraw for j in kept):
            return None                      # in the kept picture they painted there
        return base, redraw, kept

    def find_boxes_in(self, key, indices):
        """Add to ``_boxes[key]`` the boxes these axes paint in the still picture ``key``, found
        by giving them its limits for a moment; False if an axes has no limits there."""
        states = key[1]
        if any(states[i][0] is None for i in indices):
            return False
        axes = self.figure.axes
        now = {i: (axes[i].get_xlim(), axes[i].get_ylim()) for i in indices}
        for i in indices:            # auto=None: autoscaling stays as it was
            axes[i].set_xlim(states[i][0][0], auto=None)
            axes[i].set_ylim(states[i][0][1], auto=None)
        self._boxes[key].update(self.axes_boxes(indices))
        for i, (xlim, ylim) in now.items():
            axes[i].set_xlim(xlim, auto=None)
            axes[i].set_ylim(ylim, auto=None)
        return True

    def axes_boxes(self, indices):
        """{index: (top, bottom, left, right)}: the pixels each of these axes paints now, padded
        (None for a hidden axes; the whole canvas when its extent is not finite)."""
        renderer = self.figure.canvas.get_renderer()
        width, height = self.figure.canvas.get_width_height()
        boxes = {}
        for i in indices:
            box = self.figure.axes[i].get_tightbbox(renderer)
            if box is None:
                boxes[i] = None
            elif np.all(np.isfinite(box.extents)):
                boxes[i] = self.pixel_box(box)
            else:
                boxes[i] = (0, height, 0, width)
        return boxes

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

    def moving_artists(self):
        """``self.moving`` and the artists of ``self.parts`` (legends not included)."""
        return [*self.moving, *(artist for part in self.parts for artist in part)]

    def legends_of_moving_axes(self):
        moving = self.moving_artists()
        return [ax.get_legend() for ax in self.figure.axes if ax.get_legend() is not None
                and any(artist.axes is ax for artist in moving)]

    def overlays(self):
        """The legends drawn after the moving artists and parts, so that a moving line passes
        under a legend as in a full render: those a moving artist reaches (before the first
        render, all legends of axes where something moves)."""
        if self._overlays is None:
            return self.legends_of_moving_axes()
        return self._overlays

    def reached(self, legend):
        """Whether a visible moving artist of the legend's axes comes within REACH pixels of it."""
        renderer = self.figure.canvas.get_renderer()
        box = self.legend_box(legend)
        return any(artist.get_visible() and artist.axes is legend.axes
                   and may_paint(artist, box, renderer) for artist in self.moving_artists())

    def legend_box(self, legend):
        """The legend's extent in pixels. Placing a legend takes milliseconds, so the extent is
        kept: it stays the same while its place in the axes, its texts and the axes do (every
        explorer legend has a fixed ``loc``, and the layout is frozen)."""
        key = (legend, tuple(text.get_text() for text in legend.texts),
               legend.axes.get_position().bounds)
        if key not in self._legend_boxes:
            self._legend_boxes[key] = legend.get_window_extent(self.figure.canvas.get_renderer())
        return self._legend_boxes[key]

    def all_parts(self):
        """``self.parts``, then each overlay as a part of its own (drawn last)."""
        return [*self.parts, *([legend] for legend in self.overlays())]

    def region(self, part):
        """(top, bottom, left, right): the pixel rows and columns that ``part`` covers, padded."""
        renderer = self.figure.canvas.get_renderer()
        artists = part[:1] if self.parts_in_boxes else part
        return self.pixel_box(Bbox.union([extent(artist, renderer) for artist in artists]))

    def pixel_box(self, box):
        """(top, bottom, left, right) of the canvas pixels a display box covers, padded."""
        width, height = self.figure.canvas.get_width_height()
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

