"""Colours and figure helpers shared by every explorer and lesson plot.

Colours are the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
Meaning is never carried by colour alone: lines also differ in style or marker, and classes in
marker shape.
"""

import struct
import zlib

import numpy as np

#: Okabe–Ito colours by role
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, YELLOW, BLACK = "#56B4E9", "#CC79A7", "#F0E442", "#000000"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK]
#: marker per class, so classes differ in shape as well as colour
MARKERS = ["o", "^", "s", "D", "v", "P", "X", "*", "h", "<"]
LINESTYLES = ["-", "--", ":", "-."]
#: colour maps that stay readable for colour-blind readers and in greyscale
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr_r"


def new_figure(width=6.0, height=4.0, dpi=80):
    """A matplotlib Figure that is not managed by pyplot (so it is never shown twice or leaked).

    Explorers create it once and update its artists' data on every slider change; rendering it
    to PNG (``figure_to_png``) is then much cheaper than building a new figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


#: zlib level for the PNGs of explorers: 1 is several times faster than the default 6
PNG_COMPRESS_LEVEL = 1


def figure_to_png(fig):
    """Render a Figure to PNG bytes (for an ``ipywidgets.Image``)."""
    fig.canvas.draw()
    return canvas_to_png(fig.canvas)


def canvas_to_png(canvas):
    """PNG bytes of the pixels an Agg canvas holds now (without drawing the figure again).

    The simplest valid PNG, written out here: the RGBA rows, each after a 0 ("no filter"), in
    one zlib stream at level 1. For figures (large areas of one colour) it is 2–3 times faster
    to make than Pillow's default PNG, and no larger.
    """
    rgba = np.asarray(canvas.buffer_rgba())               # (H, W, 4) bytes
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 4 * width), np.uint8)    # a filter byte 0, then the pixels
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_COMPRESS_LEVEL))
            + png_chunk(b"IEND", b""))


def png_chunk(kind, data):
    """One PNG chunk: length, 4-letter kind, data, CRC of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
