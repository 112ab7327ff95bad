"""What a learner sees before running anything, and what every explorer gets for free.

For every explorer class of the package (found, not listed): a picture at twice its CSS size,
shown at most at that size; a text alternative made from its readout; a display that carries a
still picture of its first state and a line saying to run the cell. For every lesson: each
explorer cell's saved output is that picture (so an untrusted notebook, nbconvert's HTML and a
repository viewer show it), no widget state is saved, and the notebook stays small.
"""

import base64
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from backproplib.explorers.base import plain_text
from backproplib.explorers.render import CSS_DPI, PIXEL_RATIO, RUN_TO_MOVE, css_size
from benchmarks.explorer_pages import explorer_cells
from benchmarks.explorers import find_explorers

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
CELLS = explorer_cells(ROOT / "lessons")
EXPLORERS = [(name, cls) for name, cls, _ in find_explorers() if cls is not None]
#: the most a committed lesson notebook may weigh (its outputs included)
WHOLE_BUDGET_KB = 1000  # with the plots
LESSON_BUDGET_KB = 300
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STILL_IMAGE = re.compile(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)' alt='([^']+)'")
RERUN = "re-run it: backprop-course execute lessons/NN_name.ipynb"


@pytest.fixture(scope="module", params=EXPLORERS, ids=[name for name, _ in EXPLORERS])
def explorer(request):
    return request.param[1]()


def test_every_explorer_is_found():
    assert len(EXPLORERS) >= 8, [name for name, _ in EXPLORERS]


def test_the_picture_has_twice_the_pixels_of_its_css_size_and_is_never_stretched(explorer):
    width, height = css_size(explorer.figure)
    pixels = Image.open(io.BytesIO(explorer.image.value)).size
    assert pixels == (width * PIXEL_RATIO, height * PIXEL_RATIO)
    inches = explorer.figure.get_size_inches()
    assert (width, height) == (round(inches[0] * CSS_DPI), round(inches[1] * CSS_DPI))
    layout = explorer.image.layout
    assert (layout.width, layout.max_width, layout.height) == (f"{width}px", "100%", "auto")


def test_the_text_alternative_is_the_readout_in_words(explorer):
    alt = explorer.image.alt
    words = plain_text(explorer.readout.value)
    assert words and words in alt and not re.search(r"</?[a-z]", alt)   # words, no markup
    before = alt
    control = next(iter(explorer.controls.values()))
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        control.value = values[(values.index(control.value) + 1) % len(values)]
    else:
        control.value = control.max if control.value != control.max else control.min
    assert explorer.image.alt != before   # it follows the readout


def test_the_display_carries_a_still_picture_and_says_to_run_the_cell(explorer):
    data, metadata = explorer._repr_mimebundle_()
    assert WIDGET_VIEW in data                         # the live widget where it can be drawn
    assert metadata["backprop"]["explorer"] == type(explorer).__name__
    match = STILL_IMAGE.search(data["text/html"])
    assert match, data["text/html"][:300]
    picture = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    assert picture.size == Image.open(io.BytesIO(explorer.image.value)).size
    assert len(match.group(1)) < 150_000               # small enough to save in a notebook
    assert match.group(2).startswith("Picture of the explorer")
    assert html.escape(RUN_TO_MOVE) in data["text/html"]
    assert "run this cell" in data["text/plain"] and "Box(" not in data["text/plain"]


def test_plain_text_drops_markup_and_keeps_rows_apart():
    markup = ("<b>Step 1</b>: done<br>a &lt; b<table><tr><td>x</td><td>1.0</td></tr>"
              "<tr><td>y</td><td>2.0</td></tr></table><pre>line one\nline two</pre>")
    assert plain_text(markup) == "Step 1: done; a < b; x 1.0; y 2.0; line one; line two"


# -- the committed lessons ----------------------------------------------------------------------

def test_explorer_cells_are_found_in_the_lessons():
    assert len(CELLS) >= 8 and {c.notebook[:2] for c in CELLS} >= {"00", "01", "02", "03"}


@pytest.mark.parametrize("cell", CELLS, ids=[c.name for c in CELLS])
def test_each_explorer_cell_was_saved_with_its_still_picture(cell):
    nb = nbformat.read(ROOT / "lessons" / cell.notebook, as_version=4)
    outputs = nb.cells[cell.index].outputs
    saved = [o.data.get("text/html", "") for o in outputs if "data" in o]
    assert any(STILL_IMAGE.search(h) and "run this cell" in h for h in saved), (
        f"{cell.notebook} cell {cell.index} was not saved with a still picture; {RERUN}")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_saves_no_widget_state_and_stays_small(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], (
        f"{path.name} holds saved widget state (it repeats the still pictures, many times "
        f"larger); {RERUN}")
    size = path.stat().st_size // 1024
    assert size <= WHOLE_BUDGET_KB, f"{path.name} is {size} KB (budget {WHOLE_BUDGET_KB} KB)"
    # the lesson's ordinary plots aside, what is saved (text, explorers' still pictures) stays small
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("image/png", None)
    rest = len(json.dumps(nb, indent=1, ensure_ascii=False).encode()) // 1024
    assert rest <= LESSON_BUDGET_KB, (
        f"{path.name} holds {rest} KB besides its plots (budget {LESSON_BUDGET_KB} KB)")


def test_exported_html_shows_the_pictures_without_a_kernel_or_the_network(tmp_path):
    with_explorers = sorted({c.notebook for c in CELLS})
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                           "--output-dir", str(tmp_path),
                           *(str(ROOT / "lessons" / n) for n in with_explorers)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in with_explorers:
        page = (tmp_path / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        expected = sum(c.notebook == name for c in CELLS)
        stills = re.findall(r"backprop-explorer-still.{0,3000}?<img[^>]*src=.data:image/png;base64,",
                            page, re.DOTALL)
        assert len(stills) == expected, name
        # no widget left for a widget manager fetched from the network to draw
        assert WIDGET_VIEW not in page and "@jupyter-widgets/html-manager" not in page, name


def test_plain_text_keeps_a_power_readable():
    assert plain_text("h = 10<sup>-4.0</sup>, ‖dW<sup>(1)</sup>‖") == "h = 10^-4.0, ‖dW^(1)‖"
