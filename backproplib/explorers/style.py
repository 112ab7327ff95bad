"""Colours and figure helpers shared by every explorer and lesson plot.

Colours are the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
Meaning is never carried by colour alone: lines also differ in style or marker, and classes in
marker shape.
"""

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


def figure_to_png(fig):
    """Render a Figure to PNG bytes (for an ``ipywidgets.Image``)."""
    import io

    buf = io.BytesIO()
    # print_png draws once (running the layout engine, if any); savefig would draw twice
    # whenever the figure has a layout engine, even the placeholder left by "none".
    fig.canvas.print_png(buf)
    return buf.getvalue()
