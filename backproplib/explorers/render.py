"""How an explorer's figure becomes the picture in the page: resolution, PNG, the saved still.

* **Size and sharpness.** A figure of ``width × height`` inches is shown ``CSS_DPI`` CSS pixels
  per inch wide and is rendered with ``PIXEL_RATIO`` image pixels per CSS pixel, so it stays
  sharp on a HiDPI screen (device pixel ratio 2). The page may shrink the picture to fit a
  narrow window, but never stretches it beyond its natural size (``image_layout``).
* **Only what changed is sent** (``Picture``, ``changed_rectangles``): the page holds the
  picture on a canvas; after a redraw the kernel compares the new pixels with those shown and
  sends PNGs of the rectangles that differ, which the page paints over the old picture. A moved
  point costs the page a few small PNGs to decode instead of the whole picture.
* **PNG for every redraw** (``pixels_to_png``): the simplest valid PNG, written out here —
  the canvas's RGBA rows as they are, each after a 0 ("no filter"), in one deflate stream at
  level 1, made by ISA-L (``isal``) when it is installed, else by Python's ``zlib``. At the
  explorers' resolution that takes about 1 ms with ISA-L, 5–12 ms with zlib and 20–30 ms with
  Pillow (which picks a filter for every row and offers no way to turn that off), for about
  the same size (``python3 -m benchmarks.run --explorers`` prints all three). Dropping the
  alpha channel would make the file a quarter smaller but costs a 6 ms copy of the pixels.
* **The saved still picture** (``still_png``, ``still_html``): what a notebook shows before
  its explorer cell has run in a live kernel (an untrusted notebook, an exported page, a
  repository viewer). Size matters more than speed there, so Pillow makes it: 256 colours,
  full compression.
"""

import base64
import html
import io
import struct
import zlib
from pathlib import Path

import anywidget
import numpy as np
import traitlets

try:                       # the same deflate as zlib, several times faster
    from isal import isal_zlib as deflate
except ImportError:        # pragma: no cover - isal is a dependency; zlib is the fallback
    deflate = zlib

#: CSS pixels per inch of figure size: a 6-inch-wide figure is shown 480 CSS pixels wide
CSS_DPI = 80
#: image pixels per CSS pixel: one image pixel per screen pixel at device pixel ratio 2
PIXEL_RATIO = 2
#: deflate level for the PNGs of explorers: 1 is several times faster than the default 6
PNG_COMPRESS_LEVEL = 1
#: what a saved still picture says under it
RUN_TO_MOVE = "▶ A still picture: run this cell (Shift+Enter) to make the explorer move."


def new_figure(width=6.0, height=4.0, dpi=CSS_DPI * PIXEL_RATIO):
    """A matplotlib Figure that is not managed by pyplot (so it is never shown twice or leaked).

    Explorers create it once and update its artists' data on every slider change; rendering it
    to PNG (``figure_to_png``) is then much cheaper than building a new figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def css_size(figure):
    """(width, height) in CSS pixels at which ``figure`` is shown."""
    width, height = figure.get_size_inches()
    return round(width * CSS_DPI), round(height * CSS_DPI)


def image_layout(figure):
    """ipywidgets layout of the image: its natural CSS size, shrunk (never stretched) to fit."""
    import ipywidgets as widgets

    width, _ = css_size(figure)
    return widgets.Layout(width=f"{width}px", max_width="100%", height="auto", margin="0",
                          align_self="flex-start", object_fit="contain")


def figure_to_png(fig):
    """Render a Figure to PNG bytes."""
    return pixels_to_png(figure_pixels(fig))


def figure_pixels(fig):
    """Render a Figure; returns the canvas's pixels, (H, W, 4) RGBA bytes (a view: the next
    render overwrites them)."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def canvas_to_png(canvas):
    """PNG bytes of the pixels an Agg canvas holds now (without drawing the figure again)."""
    return pixels_to_png(np.asarray(canvas.buffer_rgba()))


def pixels_to_png(rgba):
    """PNG bytes of RGBA pixels, (H, W, 4) bytes."""
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 4 * width), np.uint8)    # a filter byte 0, then the pixels
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", deflate.compress(rows, PNG_COMPRESS_LEVEL))
            + png_chunk(b"IEND", b""))


def packed(pixels):
    """(H, W, 4) pixels compressed to keep (a picture of 3.5 MB packs into about 130 KB)."""
    return pixels.shape, deflate.compress(np.ascontiguousarray(pixels), PNG_COMPRESS_LEVEL)


def unpacked(pack):
    """The pixels of ``packed(pixels)``, (H, W, 4), read-only."""
    shape, data = pack
    return np.frombuffer(deflate.decompress(data), np.uint8).reshape(shape)


#: changed rows or columns closer than this many pixels are sent as one rectangle: each
#: rectangle costs a PNG of its own, and the page decodes each one separately
JOIN_GAP = 24


def changed_rectangles(before, after):
    """(x, y, width, height) of rectangles that together cover every pixel in which ``after``
    differs from ``before`` (both (H, W, 4) RGBA): the bands of changed rows, each cut into its
    runs of changed columns. The whole picture when there is no ``before`` of the same size.
    """
    height, width, _ = after.shape
    if before is None or before.shape != after.shape:
        return [(0, 0, width, height)]
    changed = one_number_per_pixel(before) != one_number_per_pixel(after)     # (H, W)
    rectangles = []
    for top, bottom in runs(changed.any(axis=1)):
        for left, right in runs(changed[top:bottom].any(axis=0)):
            rectangles.append((left, top, right - left, bottom - top))
    return rectangles


def one_number_per_pixel(rgba):
    """(H, W, 4) bytes seen as (H, W) 32-bit numbers: one comparison per pixel."""
    return np.ascontiguousarray(rgba).view(np.uint32)[..., 0]


def runs(flags, gap=JOIN_GAP):
    """[(start, stop), ...] of the runs of True in the 1-d ``flags``, runs closer than ``gap``
    joined into one."""
    where = np.flatnonzero(flags)
    if where.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(where) > gap)
    starts = [where[0], *where[breaks + 1]]
    stops = [*where[breaks], where[-1]]
    return [(int(start), int(stop) + 1) for start, stop in zip(starts, stops)]


class Picture(anywidget.AnyWidget):
    """An explorer's picture in the page: a canvas to which only what changed is sent.

    ``show(pixels)`` compares new (H, W, 4) pixels with those shown and sends a PNG of each
    changed rectangle (``changed_rectangles``); ``picture.js`` paints them over the old picture.
    A view that opens later (the notebook opened again) asks for the whole picture.
    ``alt``: the picture's text alternative (its accessible name, and its title).
    ``value``: PNG bytes of the whole picture shown now; ``shown``: how many pictures have been
    shown (observe it to follow them).
    """

    _esm = (Path(__file__).parent / "picture.js").read_text(encoding="utf-8")
    alt = traitlets.Unicode("").tag(sync=True)
    size = traitlets.Tuple(traitlets.Int(), traitlets.Int(), default_value=(0, 0)).tag(sync=True)
    shown = traitlets.Int(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pixels = None      # (H, W, 4): the picture the page shows now
        self.on_msg(self._answer)

    def show(self, pixels):
        """Show (H, W, 4) RGBA pixels, sending the page only the rectangles that changed."""
        rectangles = changed_rectangles(self.pixels, pixels)
        self.pixels = np.array(pixels)     # a copy: the figure's canvas is drawn over next time
        self.size = (pixels.shape[1], pixels.shape[0])
        self.send_rectangles(rectangles)
        self.shown += 1

    def send_rectangles(self, rectangles, view=None):
        """Send PNGs of these rectangles of the picture: to every view, or to ``view`` alone."""
        if rectangles:
            pngs = [pixels_to_png(self.pixels[y:y + h, x:x + w]) for x, y, w, h in rectangles]
            self.send({"rectangles": rectangles, "view": view}, buffers=pngs)

    def _answer(self, _widget, content, _buffers):
        """A new view asks for the whole picture (the others have it already)."""
        if content.get("want") == "whole picture" and self.pixels is not None:
            self.send_rectangles([(0, 0, *self.size)], view=content.get("view"))

    @property
    def value(self):
        """PNG bytes of the whole picture shown now (None before the first ``show``)."""
        return None if self.pixels is None else pixels_to_png(self.pixels)


def png_chunk(kind, data):
    """One PNG chunk: length, 4-letter kind, data, CRC of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pillow_png(rgba, compress_level=PNG_COMPRESS_LEVEL):
    """PNG bytes of (H, W, 4) pixels made by Pillow (to compare with ``canvas_to_png``)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba), "RGBA").save(buffer, "PNG", compress_level=compress_level)
    return buffer.getvalue()


def still_png(canvas):
    """A small PNG of the canvas as it is now, for saving in a notebook (in 128 colours)."""
    from PIL import Image

    picture = Image.fromarray(np.asarray(canvas.buffer_rgba()), "RGBA").convert("RGB")
    buffer = io.BytesIO()
    picture.quantize(128, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def still_html(png, css_width, title, alt, readout=""):
    """HTML of a saved still picture: the readout, the image (with its text alternative) and
    ``RUN_TO_MOVE``.

    Plain HTML with inline styles only, so it survives the sanitising of an untrusted notebook,
    of nbconvert's export and of repository viewers.
    """
    source = base64.b64encode(png).decode("ascii")
    heading = f"<b>{html.escape(title)}</b><br>" if title else ""
    return (f"<div class='backprop-explorer-still'>{heading}<div>{readout}</div>"
            f"<img src='data:image/png;base64,{source}' alt='{html.escape(alt, quote=True)}' "
            f"style='width:{css_width}px;max-width:100%;height:auto'>"
            f"<p><i>{html.escape(RUN_TO_MOVE)}</i></p></div>")
