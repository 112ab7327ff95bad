"""The course in a real browser: JupyterLab + headless Chromium, driven by Playwright.

Headless tests (nbval, widget tests) never draw a widget; this one does:
* first open: each lesson as a fresh clone shows it (untrusted, not run): every explorer cell
  shows its saved still picture and says to run the cell, and no widget appears as text;
* every explorer cell of every lesson (found in the notebooks, see benchmarks/explorer_pages.py),
  run in one notebook: nothing clipped at 1920, 1440 and 1024 pixels, with and without a
  warning shown in the readout (a screenshot of each explorer at each width), and every
  control, moved with the keyboard, changes the explorer's output;
* an exercise notebook runs and its checks' feedback is drawn;
* lesson 08's memory-task explorer: its picture changes while the network trains, not only at
  the end.
Browser console errors from the widgets or the course fail the test. Screenshots and the
notebook of explorers go to test-artifacts/browser/ (not committed).

Chromium is Debian's (``apt-get install chromium``); Playwright never downloads a browser.
Without it the test is skipped, unless BACKPROP_REQUIRE_BROWSER=1 (set by .ci/run) or CI=true, where it
fails. BACKPROP_BROWSER_COURSE_DIR serves another course folder (e.g. draft notebooks).
"""

import hashlib
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from backproplib.course.launch import LAB_DEFAULTS, LAB_PAGE_CONFIG
from backproplib.explorers.base import warning_html
from backproplib.explorers.render import RUN_TO_MOVE
from benchmarks.browser_lab import LAB_SETTINGS, JupyterLabServer, find_chromium
from benchmarks.explorer_pages import (
    ARM_JS,
    NOTEBOOK,
    WAIT_JS,
    clipped_parts,
    explorer_cells,
    explorer_controls,
    is_disabled,
    menu,
    press_and_time,
    run_all,
    show_warning,
    write_explorer_notebook,
)
from benchmarks.explorer_pages import open_notebook as open_in_lab

REPO = Path(__file__).resolve().parents[1]
COURSE_DIR = Path(os.environ.get("BACKPROP_BROWSER_COURSE_DIR", REPO))
#: the notebooks the test opens, relative to the course folder
EXERCISE_NOTEBOOK = "exercises/01_forward_pass.ipynb"
#: the notebook whose explorer trains a network live, and the code that shows that explorer
LIVE_NOTEBOOK, LIVE_EXPLORER = "lessons/08_backprop_through_time.ipynb", "MemoryTaskExplorer()"
ARTIFACTS = REPO / "test-artifacts" / "browser"
#: window widths at which every explorer must fit (screenshots of each for review)
VIEWPORT_WIDTHS = (1920, 1440, 1024)
#: a long warning, as an explorer shows it when its settings cannot be computed (the layout must
#: fit with it too: a warning once squeezed the controls out of view)
WARNING = warning_html("These settings cannot be computed: the loss overflowed to infinity at "
                       "step 3 of 60; try a smaller learning rate or gain, or fewer layers.")
RUN_TO_MOVE_START = RUN_TO_MOVE[:30]
RERUN_HINT = ("jupyter nbconvert --to notebook --execute --inplace "
              "--ExecutePreprocessor.store_widget_state=False lessons/NN_name.ipynb")

REQUIRE_BROWSER = (os.environ.get("BACKPROP_REQUIRE_BROWSER") == "1"
                   or os.environ.get("CI", "").lower() == "true")
INSTALL_HINT = ("install Debian's Chromium: sudo apt-get install chromium "
                "(and the test tools: python3 -m pip install -e \".[test]\")")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]

#: console errors that fail the test: those of the widgets or of the course
RELEVANT_CONSOLE = re.compile(r"widget|jupyter-widgets|backprop", re.IGNORECASE)
#: a widget drawn as text: JupyterLab could not render it (front-end extension missing)
WIDGET_AS_TEXT = re.compile(r"^\s*(interactive|VBox|HBox|Box|FloatSlider|IntSlider)\(")
#: a line of an exercise cell that calls a check (not its definition)
CHECK_CALL = re.compile(r"^(?!\s*(def|#)).*\bcheck\w*\s*\(", re.MULTILINE)

TIMEOUT_MS = 90_000
#: the index of the notebook's active cell, and of the cell that holds explorer i
ACTIVE_CELL_JS = """(i) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const explorer = document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  const cells = notebook.widgets.map(cell => cell.node);
  return [notebook.activeCellIndex, cells.findIndex(node => node.contains(explorer))];
}"""

# -- JavaScript run in the page; every query is limited to the visible notebook ----------------
#: per code or markdown cell of the visible notebook: its outputs' text and still pictures' widths
STILLS_JS = """() => [...document.querySelectorAll('%s .jp-Notebook .jp-Cell')].map(cell => ({
  text: [...cell.querySelectorAll('.jp-OutputArea-output')].map(e => e.textContent).join('\\n'),
  images: [...cell.querySelectorAll('.backprop-explorer-still img')].map(img => img.naturalWidth),
}))""".replace("%s", NOTEBOOK)

# -- fixtures ---------------------------------------------------------------------------------

def unavailable(reason):
    message = f"real-browser test cannot run: {reason}; {INSTALL_HINT}"
    if REQUIRE_BROWSER:
        pytest.fail(message + " (BACKPROP_REQUIRE_BROWSER=1: it must run here)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed")
    path = find_chromium()
    if path is None:
        unavailable("no chromium on PATH or at /usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # screenshots of an earlier run would mislead
        old.unlink()
    server = JupyterLabServer(COURSE_DIR, tmp_path_factory.mktemp("jupyterlab"))
    watched = [*(p.relative_to(COURSE_DIR) for p in sorted(COURSE_DIR.glob("lessons/*.ipynb"))),
               EXERCISE_NOTEBOOK]
    notebooks = {path: notebook_digest(path) for path in watched}
    try:
        server.start()
        for plugin, values in {**LAB_DEFAULTS, **LAB_SETTINGS}.items():   # as the learner's
            applied = server.settings(plugin)
            assert all(applied.get(k) == v for k, v in values.items()), (plugin, applied)
        yield server
    finally:
        forced = server.stop()
        left = server.leftover_processes()
        print(f"\nbrowser test screenshots: {ARTIFACTS}")
        assert not left, f"processes left behind after JupyterLab shut down: {left}"
        changed = [p for p, digest in notebooks.items() if notebook_digest(p) != digest]
        assert not changed, f"the browser test changed the course's notebooks: {changed}"
        assert not forced, ("JupyterLab did not shut down cleanly; had to kill: "
                            + ", ".join(forced) + "\n" + server.log_tail())


def notebook_digest(path):
    path = COURSE_DIR / path
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


class Console:
    """Browser console errors and uncaught page errors, sorted into relevant and ignored."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda msg: msg.type == "error" and self.messages.append(
            f"console.error: {msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda exc: self.messages.append(f"page error: {exc}"))

    def check(self):
        relevant = [m for m in self.messages if RELEVANT_CONSOLE.search(m)]
        ignored = [m for m in self.messages if m not in relevant]
        if ignored:
            print("\nignored browser console errors (not from widgets or the course):")
            print("\n".join(f"  {m[:300]}" for m in ignored))
        assert not relevant, "browser console errors:\n" + "\n".join(relevant)


@pytest.fixture
def page(chromium, lab, request):
    # a HiDPI screen: explorer images must be sharp at device pixel ratio 2
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console = Console(page)
    try:
        yield page
    finally:
        if getattr(request.node, "failed_here", True):
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png")
        lab.note_processes()
        context.close()


# -- steps ------------------------------------------------------------------------------------

def open_notebook(page, lab, path, workspace, kernel=True):
    if not (COURSE_DIR / path).is_file():
        pytest.fail(f"{COURSE_DIR / path} is missing: the browser test opens it")
    open_in_lab(page, lab, path, workspace, kernel=kernel)


def assert_no_cell_error(cells, notebook):
    for i, cell in enumerate(cells, 1):
        assert not cell["errors"], (f"{notebook}, code cell {i} shows an error:\n"
                                    + "\n".join(cell["errors"])[:2000])
        for text in cell["texts"]:
            assert not WIDGET_AS_TEXT.match(text), (
                f"{notebook}, code cell {i}: a widget is drawn as text ({text[:80]}…): "
                f"JupyterLab's widget extension did not load")


def explorer_output(explorer):
    return {"readout": explorer.locator(".widget-html-content").all_inner_texts(),
            "picture": explorer.locator("canvas").first.get_attribute("data-frame")}


# -- the tests --------------------------------------------------------------------------------

def test_first_open_shows_a_still_picture_of_every_explorer(page, lab, request):
    """A fresh clone's lessons are not trusted and nothing has run: every explorer cell must
    show the picture saved with it and say to run the cell — never a widget as text."""
    cells = explorer_cells(COURSE_DIR / "lessons")
    assert cells, "no explorer cell found in lessons/"
    for notebook in sorted({c.notebook for c in cells}):
        open_notebook(page, lab, f"lessons/{notebook}", f"first-{notebook[:2]}", kernel=False)
        count = len(nbformat.read(COURSE_DIR / "lessons" / notebook, as_version=4).cells)
        page.wait_for_function(f"""() => document.querySelectorAll('{NOTEBOOK} .jp-Notebook .jp-Cell')
                                   .length === {count} && [...document.querySelectorAll(
                                   '{NOTEBOOK} img')].every(img => img.complete)""")
        shown = page.evaluate(STILLS_JS)
        for cell in (c for c in cells if c.notebook == notebook):
            still = shown[cell.index]
            assert still["images"] and all(w > 0 for w in still["images"]), (
                f"lessons/{notebook}, cell {cell.index}: no still picture of the explorer on first "
                f"open (outputs: {still['text'][:200]!r}); re-run the notebook: {RERUN_HINT}")
            assert RUN_TO_MOVE_START in still["text"], (notebook, cell.index, still["text"][:200])
        for i, out in enumerate(shown):
            assert not WIDGET_AS_TEXT.match(out["text"]) and "Error displaying widget" not in \
                out["text"], f"lessons/{notebook}, cell {i} shows a widget as text: {out['text'][:80]}"
        first = next(c for c in cells if c.notebook == notebook)
        output = page.locator(f"{NOTEBOOK} .jp-Notebook .jp-Cell").nth(first.index).locator(
            ".backprop-explorer-still")
        output.scroll_into_view_if_needed()
        output.screenshot(path=ARTIFACTS / f"first-open-{first.name}.png")
    page.console.check()
    request.node.failed_here = False


def test_the_course_leaves_out_the_plugins_it_disables(page, lab, request):
    """The course's page config reaches the page: the busy tab icon, which the page loaded
    again at every move of an explorer, is not there; the plugin beside it is."""
    open_notebook(page, lab, "lessons/00_start_here.ipynb", "plugins", kernel=False)
    plugins = page.evaluate("""(ids) => ids.map(id => window.jupyterapp.hasPlugin(id))""",
                            [*LAB_PAGE_CONFIG["disabledExtensions"],
                             "@jupyterlab/application-extension:shell"])
    assert plugins == [False] * len(LAB_PAGE_CONFIG["disabledExtensions"]) + [True], plugins
    request.node.failed_here = False


def test_every_explorer_fits_and_answers_every_control_from_the_keyboard(page, lab, request):
    """Every explorer cell of every lesson, in one notebook: nothing clipped at 1920, 1440 and
    1024 pixels, with and without a warning shown (screenshots of each), and each control,
    moved with its key, changes the picture."""
    cells = explorer_cells(COURSE_DIR / "lessons")
    path = write_explorer_notebook(cells, COURSE_DIR / "test-artifacts" / "browser" / "explorers.ipynb")
    open_notebook(page, lab, path.relative_to(COURSE_DIR).as_posix(), "explorers")
    assert_no_cell_error(run_all(page, lab), path.name)
    explorers = page.locator(f"{NOTEBOOK} .backprop-explorer")
    assert explorers.count() == len(cells), (explorers.count(), [c.name for c in cells])
    problems = []
    for width in VIEWPORT_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for i, cell in enumerate(cells):
            explorers.nth(i).scroll_into_view_if_needed()
            explorers.nth(i).locator("canvas[data-frame]").first.wait_for(state="visible")
            explorers.nth(i).screenshot(path=ARTIFACTS / f"explorer-{cell.name}-{width}.png")
            problems += [f"{cell.name} at {width} px: {p}" for p in clipped_parts(page, i)]
            show_warning(page, i, WARNING)
            problems += [f"{cell.name} at {width} px with a warning: {p}"
                         for p in clipped_parts(page, i)]
            if width == min(VIEWPORT_WIDTHS):
                explorers.nth(i).screenshot(path=ARTIFACTS / f"explorer-{cell.name}-{width}-warning.png")
            show_warning(page, i, WARNING)   # taken away again
    assert not problems, "explorer parts that do not fit:\n" + "\n".join(problems)

    silent, report = [], []
    for i, cell in enumerate(cells):
        explorers.nth(i).scroll_into_view_if_needed()
        controls = explorer_controls(page, i)
        assert controls, f"{cell.name}: the explorer has no control the keyboard can reach"
        # a control may do nothing at first (◀ Previous at the first step): tried again last
        waiting = list(controls)
        for attempt in range(2):
            for control in list(waiting):
                if attempt == 0 and is_disabled(page, control):
                    continue                  # enabled once another control has moved
                timing = press_and_time(page, i, control)
                if timing["image_ms"] is not None or timing["readout_ms"] is not None:
                    waiting.remove(control)
                    report.append(f"{cell.name} {control['label']!r} {timing['key']}: image "
                                  f"{fmt_ms(timing['image_ms'])}, readout {fmt_ms(timing['readout_ms'])}")
        silent += [f"{cell.name}: {c['label']!r} ({c['kind']})" for c in waiting]
        active, own = page.evaluate(ACTIVE_CELL_JS, i)
        assert active == own, (
            f"{cell.name}: a key pressed in the explorer's controls moved JupyterLab to another "
            f"cell (its shortcuts must not take keys from the controls)")
    print("\nkey press → new output (one press each; the benchmark has the statistics):")
    print("\n".join(f"  {line}" for line in report))
    assert not silent, "controls whose key press changed nothing:\n" + "\n".join(silent)
    page.console.check()
    request.node.failed_here = False


def fmt_ms(ms):
    return "unchanged" if ms is None else f"{ms:.0f} ms"


def test_exercise_runs_and_shows_check_feedback(page, lab, request):
    open_notebook(page, lab, EXERCISE_NOTEBOOK, "exercise")
    cells = run_all(page, lab)
    page.screenshot(path=ARTIFACTS / "exercise-01-after-run-all.png")
    assert_no_cell_error(cells, EXERCISE_NOTEBOOK)

    checks = [c for c in cells if CHECK_CALL.search(c["source"])]
    assert checks, f"{EXERCISE_NOTEBOOK} has no cell that calls a check"
    silent = [c["source"][:80] for c in checks if not c["output"]]
    assert not silent, f"checks that showed no feedback: {silent}"

    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(
        has_text=re.compile(CHECK_CALL.pattern, re.MULTILINE)).first
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=ARTIFACTS / "exercise-01-check-feedback.png")

    page.console.check()
    request.node.failed_here = False


def test_live_explorer_redraws_while_it_trains(page, lab, request):
    """Widget updates sent while a button's callback still runs must reach the page: the loss
    curve of lesson 08's memory-task explorer grows during training, not only at its end."""
    open_notebook(page, lab, LIVE_NOTEBOOK, "live")
    menu(page, "Edit", "editmenu:clear-all")            # no stored widget views
    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text=LIVE_EXPLORER).first
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")                  # run this cell only
    explorer = cell.locator(".backprop-explorer")
    explorer.locator("canvas[data-frame]").first.wait_for(state="visible")
    train = explorer.locator("button:has-text('Train')")
    assert train.is_disabled(), "Train must wait for a prediction"
    explorer.locator("input[type=radio]").last.check()
    page.wait_for_function("b => !b.disabled", arg=train.element_handle())
    train.click()
    images, readouts, deadline = [], set(), time.monotonic() + 60
    while time.monotonic() < deadline:
        text = explorer_output(explorer)
        if not images or text["picture"] != images[-1]:
            images.append(text["picture"])
        readouts.update(text["readout"])
        if any("Your prediction" in r for r in text["readout"]):
            break
        time.sleep(0.05)
    explorer.screenshot(path=ARTIFACTS / "lesson-08-memory-explorer-trained.png")
    assert any("Your prediction" in r for r in readouts), (
        f"training did not finish within 60 s: {readouts}")
    assert any("Training…" in r and "step" in r for r in readouts), (
        f"no progress was shown while training: {readouts}")
    # the first picture, at least one drawn mid-training, and the last: a loaded machine may merge
    # some redraws, but a picture that changes only at the end is not live
    assert len(images) >= 3, (f"the picture changed only {len(images) - 1} times while the "
                              f"network trained: the redraws do not reach the page as they happen")
    page.console.check()
    request.node.failed_here = False


#: the canvases of the explorer's picture in the page: their pixels, and how many bytes differ
CANVASES_JS = """() => {
  const canvases = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) canvas[data-frame]')];
  const data = canvases.map(c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
  let differ = 0;
  if (data.length === 2 && data[0].length === data[1].length)
    for (let k = 0; k < data[0].length; k++) differ += data[0][k] !== data[1][k];
  return {sizes: canvases.map(c => [c.width, c.height]), frames: canvases.map(c => c.dataset.frame),
          differ, length: data.length ? data[0].length : 0};
}"""

#: SHA-256 of the first picture's canvas pixels (RGBA rows), to compare with the kernel's
CANVAS_SHA256_JS = """async () => {
  const c = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) canvas[data-frame]');
  const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const digest = await crypto.subtle.digest('SHA-256', pixels);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}"""


def run_cell(page, index):
    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return cell


@pytest.mark.parametrize("decoder", ["ImageDecoder", "createImageBitmap"])
def test_a_picture_painted_from_changed_rectangles_is_the_whole_picture(page, lab, request,
                                                                        decoder):
    """The page paints only the rectangles that changed over the picture it holds. After many
    changes that canvas must hold exactly what a new view, sent the whole picture, shows, and
    exactly the kernel's pixels. Both ways the page decodes a PNG are checked: ImageDecoder,
    and createImageBitmap where a browser lacks ImageDecoder."""
    if decoder == "createImageBitmap":
        page.add_init_script("delete window.ImageDecoder;")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
                          "from backproplib.explorers.descent import DescentExplorer\n"
                          "explorer = DescentExplorer()\nexplorer"),
                      nbformat.v4.new_code_cell("explorer.image   # a second view of the picture"),
                      nbformat.v4.new_code_cell(
                          "import hashlib\n"
                          "print(hashlib.sha256(explorer.image.pixels.tobytes()).hexdigest())")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = ARTIFACTS / "picture.ipynb"
    nbformat.write(notebook, path)
    open_notebook(page, lab, path.relative_to(COURSE_DIR).as_posix(), "picture")
    explorer = run_cell(page, 0).locator(".backprop-explorer")
    canvas = explorer.locator("canvas[data-frame]").first
    canvas.wait_for(state="visible")
    before = canvas.get_attribute("aria-label")          # the text alternative, for screen readers
    assert canvas.get_attribute("role") == "img" and before.startswith("Picture of the explorer")
    assert canvas.get_attribute("title") == before
    changed = 0
    for control in explorer_controls(page, 0):
        for forward in (True, True, True, False):
            if control["kind"] in ("slider", "select"):
                changed += press_and_time(page, 0, control, forward)["image_ms"] is not None
    assert changed >= 8, f"only {changed} key presses changed the picture"
    if decoder == "ImageDecoder":
        # a picture of the last move painted between arming and the key (a live explorer's
        # last frame, after it said it was done) is where the press starts, not its answer
        slider = next(c for c in explorer_controls(page, 0) if c["kind"] == "slider")
        page.locator(f"[data-bp-control='{slider['index']}']").first.focus()
        page.evaluate(ARM_JS, 0)
        canvas.evaluate("c => { c.dataset.frame = 'painted late'; }")
        page.keyboard.press("ArrowLeft")
        page.evaluate(WAIT_JS, 5000)
        late = page.evaluate("() => window.__bpPress")
        assert late["t0"] is not None and late["image"] > late["t0"], (
            f"a picture painted before the key was taken for its answer: {late}")
    assert canvas.get_attribute("aria-label") != before, "the text alternative did not follow"
    run_cell(page, 1)
    page.wait_for_function("() => document.querySelectorAll("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) canvas[data-frame]').length === 2")
    shown = page.evaluate(CANVASES_JS)
    assert shown["sizes"][0] == shown["sizes"][1] and shown["length"] > 0, shown
    assert shown["differ"] == 0, (
        f"{shown['differ']} of {shown['length']} bytes of the picture painted from changed "
        f"rectangles differ from the whole picture ({shown})")
    assert page.evaluate("() => typeof ImageDecoder") == (
        "function" if decoder == "ImageDecoder" else "undefined")
    kernel_sha = run_cell(page, 2).locator(".jp-OutputArea-output pre").first.inner_text().strip()
    assert page.evaluate(CANVAS_SHA256_JS) == kernel_sha, (
        "the page's canvas does not hold the kernel's pixels")
    page.console.check()
    request.node.failed_here = False
