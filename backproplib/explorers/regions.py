"""Where an artist paints, in pixels: the boxes ``BlitExplorer`` (blit.py) repaints.

    extent(artist, renderer)          a box around everything the artist draws
    may_paint(artist, box, renderer)  whether the artist may paint a pixel of the box
    join(a, b), overlap(a, b)         rectangles (top, bottom, left, right) of pixels
    painted_box(painted)              the rectangle around the painted pixels of a mask
"""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: pixels around a moving artist's data that it may paint (line width, antialiased edges)
REACH = 6


def extent(artist, renderer):
    """A box in pixels around everything ``artist`` draws (its line width aside). For a patch:
    the box of its outline's points, curves' control points included (a curve stays within
    them), found in microseconds where matplotlib's exact extent of a rounded box takes one
    or two milliseconds."""
    if not isinstance(artist, Patch):
        return artist.get_window_extent(renderer)
    path = artist.get_path()
    points = path.vertices if path.codes is None else path.vertices[path.codes != Path.CLOSEPOLY]
    if len(points) == 0:
        return artist.get_window_extent(renderer)
    points = artist.get_transform().transform(points)
    return Bbox([points.min(axis=0), points.max(axis=0)])


def may_paint(artist, box, renderer):
    """Whether ``artist`` may paint a pixel of ``box`` (in doubt: yes). A line does when one of
    its segments, markers included, passes within REACH pixels of the box."""
    if isinstance(artist, Spine):           # along the edges of the axes, away from a legend
        return False
    clip = artist.get_clip_box() if artist.get_clip_on() else None
    if clip is not None and not clip.padded(REACH).overlaps(box):
        return False                        # it paints inside its clip box (the axes) only
    if isinstance(artist, Text) and artist.get_bbox_patch() is not None:   # a box round it:
        style = artist.get_bbox_patch().get_boxstyle()                      # pad × font size
        pad = getattr(style, "pad", 1.0) * renderer.points_to_pixels(artist.get_fontsize())
        return artist.get_window_extent(renderer).padded(pad + REACH).overlaps(box)
    if isinstance(artist, Line2D) and artist.get_drawstyle() == "default":
        path = artist.get_transform().transform_path(artist.get_path())   # in pixels
        if not np.all(np.isfinite(path.vertices)):
            return True
        marker = artist.get_markersize() * renderer.points_to_pixels(1) / 2
        return len(path.vertices) > 0 and path.intersects_bbox(box.padded(REACH + marker),
                                                               filled=False)
    extent = artist.get_window_extent(renderer)
    return not np.all(np.isfinite(extent.extents)) or extent.padded(REACH).overlaps(box)


def join(a, b):
    """The smallest rectangle (top, bottom, left, right) holding rectangles a and b."""
    return min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])


def overlap(a, b):
    """Whether rectangles a and b (top, bottom, left, right) share a pixel."""
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]



def painted_box(painted):
    """(top, bottom, left, right) of the True pixels of the (H, W) ``painted`` (None: none)."""
    rows, columns = np.flatnonzero(painted.any(axis=1)), np.flatnonzero(painted.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1
