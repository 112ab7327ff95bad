"""The course in a real browser: JupyterLab + headless Chromium, driven by Playwright.

Headless tests (nbval, widget tests) never draw a widget; this one does. It opens lesson 01,
runs every cell, checks that no cell shows an error and that the explorer is drawn as a widget,
moves a slider with the keyboard and checks that the explorer's output changes; then runs an
exercise notebook and checks that a check's feedback is drawn; and it runs lesson 08's memory-task
explorer and checks that its picture changes while the network trains, not only at the end.
Browser console errors from the widgets or the course fail the test. Screenshots go to test-artifacts/browser/.

Chromium is Debian's (``apt-get install chromium``); Playwright never downloads a browser.
Without it the test is skipped, unless BACKPROP_REQUIRE_BROWSER=1 (set by .ci/run) or CI=true, where it
fails. BACKPROP_BROWSER_COURSE_DIR serves another course folder (e.g. draft notebooks).
"""

import hashlib
import os
import re
import time
from pathlib import Path

import pytest
from browser_lab import LAB_SETTINGS, JupyterLabServer, find_chromium

REPO = Path(__file__).resolve().parents[1]
COURSE_DIR = Path(os.environ.get("BACKPROP_BROWSER_COURSE_DIR", REPO))
#: the notebooks the test opens, relative to the course folder
LESSON_NOTEBOOK = "lessons/01_forward_pass.ipynb"
EXERCISE_NOTEBOOK = "exercises/01_forward_pass.ipynb"
#: the notebook whose explorer trains a network live, and the code that shows that explorer
LIVE_NOTEBOOK, LIVE_EXPLORER = "lessons/08_backprop_through_time.ipynb", "MemoryTaskExplorer()"
ARTIFACTS = REPO / "test-artifacts" / "browser"

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

# -- JavaScript run in the page; every query is limited to the visible notebook ----------------
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS_JS = """() => {
  const panel = document.querySelector('NOTEBOOK');
  if (!panel) return null;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    kernel: status ? status.getAttribute('data-status') : null,
    cells: [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(cell => ({
      source: (cell.querySelector('.jp-InputArea-editor .cm-content') || {}).innerText || '',
      prompt: ((cell.querySelector('.jp-InputPrompt') || {}).textContent || '').trim(),
      errors: [...cell.querySelectorAll(
          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
          '.jp-RenderedText[data-mime-type*="error"]')].map(e => e.innerText),
      texts: [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/plain"]')]
          .map(e => e.innerText),
      output: [...cell.querySelectorAll('.jp-OutputArea-output')]
          .map(e => e.innerText).join('\\n').trim(),
    })),
  };
}""".replace("'NOTEBOOK'", repr(NOTEBOOK))


#: the id of the visible notebook's kernel once it is connected and idle, else null
KERNEL_JS = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const context = widget && widget.sessionContext;
  const kernel = context && context.isReady && context.session && context.session.kernel;
  return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
      ? kernel.id : null;
}"""


def finished(state):
    """Run All is over: the kernel is idle and every non-empty code cell has run, or a cell
    failed (JupyterLab then stops running the cells below it)."""
    if not state or state["kernel"] != "idle":
        return False
    cells = [c for c in state["cells"] if c["source"].strip()]
    ran = all(re.fullmatch(r"\[\d+\]:", c["prompt"]) for c in cells)
    return ran or any(c["errors"] for c in cells)


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
    notebooks = {path: notebook_digest(path)
                 for path in (LESSON_NOTEBOOK, EXERCISE_NOTEBOOK, LIVE_NOTEBOOK)}
    try:
        server.start()
        for plugin, values in LAB_SETTINGS.items():
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
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
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

def open_notebook(page, lab, path, workspace):
    """Open ``path`` in a fresh workspace (nothing else open) and wait until its kernel is
    connected, idle, and stays the same kernel for a second (cells run before that are
    silently skipped by JupyterLab)."""
    if not (COURSE_DIR / path).is_file():
        pytest.fail(f"{COURSE_DIR / path} is missing: the browser test opens it")
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell")
    deadline, previous = time.monotonic() + TIMEOUT_MS / 1000, None
    while time.monotonic() < deadline:
        kernel = page.evaluate(KERNEL_JS)
        if kernel and kernel == previous:
            return
        previous = kernel
        time.sleep(1)
    raise AssertionError(f"the kernel of {path} was not ready within {TIMEOUT_MS / 1000:.0f} s")


def menu(page, title, command):
    page.click(f'.lm-MenuBar-item:has-text("{title}")')
    page.click(f'.lm-Menu-item[data-command="{command}"]')


def run_all(page, lab):
    """Clear the stored outputs, then Run > Run All Cells; return the cells once it is over."""
    menu(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(f"() => !document.querySelector('{NOTEBOOK} .jp-OutputArea-output')")
    menu(page, "Run", "runmenu:run-all")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        lab.note_processes()
        state = page.evaluate(CELLS_JS)
        if finished(state):
            return state["cells"]
        time.sleep(0.25)
    raise AssertionError(f"Run All did not finish within {TIMEOUT_MS / 1000:.0f} s: "
                         f"{page.evaluate(CELLS_JS)}")


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
            "image": [img.get_attribute("src") for img in explorer.locator("img").all()]}


# -- the tests --------------------------------------------------------------------------------

def test_lesson_runs_and_explorer_responds_to_the_keyboard(page, lab, request):
    open_notebook(page, lab, LESSON_NOTEBOOK, "lesson")
    cells = run_all(page, lab)
    page.screenshot(path=ARTIFACTS / "lesson-01-after-run-all.png")
    assert_no_cell_error(cells, LESSON_NOTEBOOK)

    explorers = page.locator(f"{NOTEBOOK} .backprop-explorer")
    assert explorers.count() >= 1, (f"{LESSON_NOTEBOOK} shows no explorer widget "
                                    f"(an element with class backprop-explorer)")
    explorer = explorers.first
    explorer.scroll_into_view_if_needed()
    explorer.locator("img").first.wait_for(state="visible")
    explorer.screenshot(path=ARTIFACTS / "lesson-01-explorer-before.png")
    handle = explorer.locator("[role=slider]").first
    before, value = explorer_output(explorer), handle.get_attribute("aria-valuenow")
    key = "ArrowLeft" if value == handle.get_attribute("aria-valuemax") else "ArrowRight"
    handle.focus()
    for _ in range(3):
        page.keyboard.press(key)
    moved_to = handle.get_attribute("aria-valuenow")
    assert moved_to != value, f"pressing {key} on the slider did not move it (value {value})"
    deadline = time.monotonic() + 30
    while explorer_output(explorer) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    explorer.screenshot(path=ARTIFACTS / "lesson-01-explorer-after.png")
    assert explorer_output(explorer) != before, (
        f"moving the slider from {value} to {moved_to} changed neither the explorer's readout "
        f"nor its image within 30 s (readout: {before['readout']})")

    page.console.check()
    request.node.failed_here = False


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
    explorer.locator("img").first.wait_for(state="visible")
    train = explorer.locator("button:has-text('Train')")
    assert train.is_disabled(), "Train must wait for a prediction"
    explorer.locator("input[type=radio]").last.check()
    page.wait_for_function("b => !b.disabled", arg=train.element_handle())
    train.click()
    images, readouts, deadline = [], set(), time.monotonic() + 60
    while time.monotonic() < deadline:
        src, text = explorer.locator("img").first.get_attribute("src"), explorer_output(explorer)
        if not images or src != images[-1]:
            images.append(src)
        readouts.update(text["readout"])
        if any("Your prediction" in r for r in text["readout"]):
            break
        time.sleep(0.05)
    explorer.screenshot(path=ARTIFACTS / "lesson-08-memory-explorer-trained.png")
    assert any("Your prediction" in r for r in readouts), (
        f"training did not finish within 60 s: {readouts}")
    assert any("Training…" in r and "step" in r for r in readouts), (
        f"no progress was shown while training: {readouts}")
    assert len(images) >= 5, (f"the picture changed only {len(images) - 1} times while the "
                              f"network trained: the redraws do not reach the page as they happen")
    page.console.check()
    request.node.failed_here = False
