"""How an explorer's figure becomes the picture in the page: resolution, PNG, the saved still.

* **Size and sharpness.** A figure of ``width × height`` inches is shown ``CSS_DPI`` CSS pixels
  per inch wide and is rendered with ``PIXEL_RATIO`` image pixels per CSS pixel, so it stays
  sharp on a HiDPI screen (device pixel ratio 2). The page may shrink the picture to fit a
  narrow window, but never stretches it beyond its natural size (``image_layout``).
* **PNG for every redraw** (``canvas_to_png``): the simplest valid PNG, written out here —
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

import numpy as np

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
    """Render a Figure to PNG bytes (for an ``ipywidgets.Image``)."""
    fig.canvas.draw()
    return canvas_to_png(fig.canvas)


def canvas_to_png(canvas):
    """PNG bytes of the pixels an Agg canvas holds now (without drawing the figure again)."""
    rgba = np.asarray(canvas.buffer_rgba())               # (H, W, 4) bytes
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 4 * width), np.uint8)    # a filter byte 0, then the pixels
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", deflate.compress(rows, PNG_COMPRESS_LEVEL))
            + png_chunk(b"IEND", b""))


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
    """A small PNG of the canvas as it is now, for saving in a notebook (256 colours)."""
    from PIL import Image

    picture = Image.fromarray(np.asarray(canvas.buffer_rgba()), "RGBA").convert("RGB")
    buffer = io.BytesIO()
    picture.quantize(256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
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
