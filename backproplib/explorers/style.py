"""Colours and figure helpers shared by every explorer and lesson plot.

Colours are the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
Meaning is never carried by colour alone: lines also differ in style or marker, and classes in
marker shape. One colour, one meaning: in a diverging picture (``DIVERGING_CMAP``) orange is
positive and purple negative, and ``POSITIVE``/``NEGATIVE`` are those two colours.
"""

import math

# figures and PNG live in render.py; these names stay importable from here
from .render import canvas_to_png, figure_to_png, new_figure  # noqa: F401

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
#: the ends of DIVERGING_CMAP ("PuOr_r"): positive values orange, negative values purple
POSITIVE, NEGATIVE = "#B25706", "#532687"
#: the smallest font size (points) of any text in an explorer: legible in a 1024-pixel window
MIN_FONT_SIZE = 10
#: matplotlib settings while an explorer builds its figure: text a little larger than usual;
#: titles just above their axes (where matplotlib would put them: no explorer has labels
#: above an axes), which spares matplotlib finding that place at every draw (6–8 ms)
EXPLORER_RC = {"font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11,
               "xtick.labelsize": MIN_FONT_SIZE, "ytick.labelsize": MIN_FONT_SIZE,
               "legend.fontsize": MIN_FONT_SIZE, "axes.titley": 1.0}
#: exponents written as superscripts: 10⁻³
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value, _position=None):
    """A tick label of a log axis in plain text: "10⁻³" for 0.001, "0.5", "2×10⁻⁵".

    Explorers label their log axes with it (``plain_log_labels``): matplotlib's own labels are
    mathtext, which takes a few milliseconds to lay out for each new label.
    """
    if value <= 0:
        return f"{value:g}"
    exponent = round(math.log10(value))
    if math.isclose(value, 10.0 ** exponent, rel_tol=1e-9):
        return "10" + str(exponent).translate(SUPERSCRIPTS)
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    exponent = math.floor(math.log10(value))
    return f"{value / 10.0 ** exponent:.3g}×10" + str(exponent).translate(SUPERSCRIPTS)


def plain_log_labels(figure):
    """Label every log axis of ``figure`` with ``power_of_ten``."""
    from matplotlib.ticker import FuncFormatter

    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(FuncFormatter(power_of_ten))


def nice_upper(x):
    """The smallest of 1, 2, 5, 10, 20, 50... that is ≥ x (> 0): an axis end that changes in steps."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-12))


def decades(low, high, every=1):
    """(10^a, 10^b): the powers of ten around [low, high] (both > 0) whose exponents are
    multiples of ``every``, for a log axis (a larger ``every``: the limits change less often)."""
    return (10.0 ** (every * math.floor(math.log10(low) / every)),
            10.0 ** (every * math.ceil(math.log10(high) / every)))
