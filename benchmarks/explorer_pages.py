"""Every explorer of every lesson, found in the notebooks and driven in a real browser.

Shared by the browser test (``tests/test_browser.py``) and the benchmark
(``benchmarks/explorers.py``), so both cover each explorer a lesson gains without a list to keep.

* ``explorer_cells(lessons_dir)``: the code cells that show an explorer — a saved output marked
  as an explorer's (``backprop``/``explorer`` in its metadata), or a last line that calls a
  name ending in ``Explorer``.
* ``write_explorer_notebook(cells, path)``: one notebook with each of those cells, preceded by
  what it needs from its lesson (the lesson's imports, or all the code above it when the cell
  uses a name its imports do not give).
* In JupyterLab: ``open_notebook``, ``run_all``; for explorers ``explorer_controls``,
  ``press_and_time`` (from a key press to the new image decoded and painted, measured by the
  page's own clock) and ``clipped_parts``.
"""

import ast
import builtins
import json
import re
import time
from pathlib import Path
from typing import NamedTuple

import nbformat

#: a last line like ``NeuronExplorer()`` or ``explorer = LossExplorer(w=1)``'s display
EXPLORER_CALL = re.compile(r"\b\w*Explorer\s*\(")


class ExplorerCell(NamedTuple):
    notebook: str      # e.g. "01_forward_pass.ipynb"
    index: int         # position among the notebook's cells
    source: str        # the cell's code
    setup: str         # what must run before it (imports, or the code above it)

    @property
    def name(self):
        return f"{self.notebook.split('_')[0]}-cell{self.index}"


def is_explorer_cell(cell):
    """Whether a notebook cell shows an explorer (saved marker, or a last expression
    that calls ``…Explorer(…)``)."""
    if cell.cell_type != "code":
        return False
    for output in cell.get("outputs", []):
        if "explorer" in output.get("metadata", {}).get("backprop", {}):
            return True
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call) \
        and bool(EXPLORER_CALL.match(ast.unparse(body[-1].value)))


def imports_and_names(source):
    """(the import statements of ``source``, the names they bind); ({}, set()) if not Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], set()
    statements, names = [], set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            statements.append(ast.unparse(node))
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return statements, names


def used_names(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {"?"}   # not plain Python: assume it needs everything above it
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - bound - set(dir(builtins))


def explorer_cells(lessons_dir):
    """Every explorer cell of every lesson notebook (``NN_*.ipynb``) in ``lessons_dir``."""
    found = []
    for path in sorted(Path(lessons_dir).glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        imports, names = [], set()
        for _, cell in code:
            statements, bound = imports_and_names(cell.source)
            imports += [s for s in statements if s not in imports]
            names |= bound
        for i, cell in code:
            if not is_explorer_cell(cell):
                continue
            if used_names(cell.source) <= names:
                setup = "\n".join(imports)
            else:
                setup = "\n\n".join(c.source for j, c in code if j < i)
            found.append(ExplorerCell(path.name, i, cell.source, setup))
    return found


def write_explorer_notebook(cells, path):
    """A notebook showing every explorer cell after its set-up; returns its path."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for cell in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"### {cell.name}"))
        nb.cells.append(nbformat.v4.new_code_cell(cell.setup))
        nb.cells.append(nbformat.v4.new_code_cell(cell.source))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# -- JupyterLab pages: every query is limited to the visible notebook ---------------------------

#: seconds to wait for a kernel, or for Run All
TIMEOUT_S = 90
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS_JS = """() => {
  const panel = document.querySelector('%s');
  if (!panel) return null;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    kernel: status ? status.getAttribute('data-status') : null,
    cells: [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(cell => ({
      source: [...cell.querySelectorAll('.jp-InputArea-editor .cm-line')].map(e => e.textContent)
          .join('\\n'),
      prompt: ((cell.querySelector('.jp-InputPrompt') || {}).textContent || '').trim(),
      errors: [...cell.querySelectorAll(
          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
          '.jp-RenderedText[data-mime-type*="error"]')].map(e => e.textContent),
      texts: [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/plain"]')]
          .map(e => e.textContent),
      output: [...cell.querySelectorAll('.jp-OutputArea-output')]
          .map(e => e.textContent).join('\\n').trim(),
    })),
  };
}""".replace("%s", NOTEBOOK)


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


def open_notebook(page, lab, path, workspace, kernel=True, timeout_s=TIMEOUT_S):
    """Open ``path`` (relative to the server's folder) in a fresh workspace (nothing else open)
    and wait until its kernel is connected, idle, and stays the same kernel for a second (cells
    run before that are silently skipped by JupyterLab); with ``kernel=False`` only until its
    outputs are drawn."""
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell")
    if not kernel:
        page.wait_for_function(f"""() => [...document.querySelectorAll('{NOTEBOOK} img')]
                                   .every(img => img.complete)""")
        time.sleep(0.5)
        return
    deadline, previous = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        kernel = page.evaluate(KERNEL_JS)
        if kernel and kernel == previous:
            return
        previous = kernel
        time.sleep(1)
    raise TimeoutError(f"the kernel of {path} was not ready within {timeout_s:.0f} s")


def menu(page, title, command):
    page.click(f'.lm-MenuBar-item:has-text("{title}")')
    page.click(f'.lm-Menu-item[data-command="{command}"]')


def run_all(page, lab, timeout_s=TIMEOUT_S):
    """Clear the stored outputs, then Run > Run All Cells; return the cells once it is over."""
    menu(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(f"() => !document.querySelector('{NOTEBOOK} .jp-OutputArea-output')")
    menu(page, "Run", "runmenu:run-all")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        lab.note_processes()
        state = page.evaluate(CELLS_JS)
        if finished(state):
            return state["cells"]
        time.sleep(0.25)
    raise TimeoutError(f"Run All did not finish within {timeout_s:.0f} s: "
                         f"{page.evaluate(CELLS_JS)}")




# -- explorers in the page ----------------------------------------------------------------------

#: the controls of explorer number i: [{kind, index, label}], in page order
CONTROLS_JS = """(i) => {
  const explorer = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  // of a group of radio buttons, the first one not chosen yet (Space chooses it)
  const groups = new Set();
  const found = [...explorer.querySelectorAll('[role=slider], select, button, input[type=checkbox], ' +
                                              'input[type=radio], input[type=number], input[type=text]')]
    .filter(e => !e.closest('.widget-readout'))
    .filter(e => e.type !== 'radio' || (!e.checked && !groups.has(e.name) && groups.add(e.name)));
  found.forEach((e, k) => e.setAttribute('data-bp-control', `${i}-${k}`));
  return found.map((e, k) => {
    const box = e.closest('.widget-inline-hbox, .widget-button, .widget-toggle-button, .jupyter-widgets');
    const label = box && box.querySelector('.widget-label');
    const group = e.closest('[role=group][aria-label]');   // buttons of one grid share its name
    const kind = e.getAttribute('role') === 'slider' ? 'slider' : e.tagName === 'SELECT' ? 'select'
               : e.tagName === 'BUTTON' ? 'button' : e.type;
    return {kind, index: `${i}-${k}`,
            label: (e.type === 'radio' && e.parentElement && e.parentElement.textContent.trim())
                   || (group && group.getAttribute('aria-label'))
                   || (label && label.textContent) || e.textContent || e.getAttribute('aria-label') || kind};
  });
}"""

#: before a key press: watch explorer i's image and readout; the result lands in window.__bpPress
ARM_JS = """(i) => {
  const explorer = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  const canvas = explorer.querySelector('canvas');
  const readoutNow = () => [...explorer.querySelectorAll('.widget-html-content')]
      .map(e => e.innerHTML).join('|');
  let readout = readoutNow();
  const press = window.__bpPress = {t0: null, image: null, readout: null,
                                    frame: canvas.dataset.frame, done: false};
  // resolved when done: waiting on it asks for no frames (polling on every frame would keep
  // the page drawing frames that a learner's page does not draw)
  window.__bpDone = new Promise(resolve => { window.__bpFinish = () => { press.done = true; resolve(); }; });
  // the last key pressed before the output changes (a menu may take two: open, then choose)
  const keydown = e => { if (press.image === null && press.readout === null) press.t0 = e.timeStamp; };
  document.addEventListener('keydown', keydown, {capture: true});
  window.__bpKeydown = keydown;
  const observer = new MutationObserver(() => {
    const now = readoutNow();
    if (press.t0 === null) {   // before any key: the last move's picture still being painted
      readout = now;           // (a live explorer's last frame): not the answer, the new start
      press.frame = canvas.dataset.frame;
      return;
    }
    if (press.readout === null && now !== readout) {
      press.readout = performance.now();
      setTimeout(() => { if (press.image === null) window.__bpFinish(); }, 2000);  // text only
    }
    // the picture's canvas counts the pictures painted on it: on the next frame it is shown
    if (press.image === null && canvas.dataset.frame !== press.frame) {
      press.image = -1;
      requestAnimationFrame(() => {
        press.image = performance.now(); window.__bpFinish(); observer.disconnect();
      });
    }
  });
  observer.observe(explorer, {subtree: true, attributes: true, childList: true, characterData: true});
  window.__bpObserver = observer;
}"""

#: wait until the press armed by ARM_JS is done, at most ``ms``
WAIT_JS = "(ms) => Promise.race([window.__bpDone, new Promise(resolve => setTimeout(resolve, ms))])"

#: wait while explorer i says it is busy (still drawing for the last move: training), at most
#: ``limit`` ms; returns the ms waited
SETTLE_JS = """([i, limit]) => new Promise(resolve => {
  const explorer = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  const start = performance.now();
  const check = () => {
    const now = performance.now();
    if (!explorer.classList.contains('backprop-busy') || now - start >= limit) resolve(now - start);
    else setTimeout(check, 5);
  };
  check();
})"""

#: parts of explorer i that do not fit: outside the explorer, or text cut off inside its box
CLIPPED_JS = """(i) => {
  const explorer = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  const outer = explorer.closest('.jp-OutputArea-output') || explorer;
  const frame = outer.getBoundingClientRect();
  const problems = [];
  const name = e => (e.innerText || e.value || e.className || e.tagName).toString().slice(0, 40);
  const px = x => Math.round(x);
  for (const e of explorer.querySelectorAll('.widget-inline-hbox, .widget-label, .widget-readout, ' +
                                            'select, button, .widget-slider, canvas, .widget-html-content')) {
    const box = e.getBoundingClientRect();
    const what = `${e.tagName.toLowerCase()} "${name(e)}"`;
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < frame.left - 1 || box.right > frame.right + 1)
      problems.push(`${what} reaches outside the output (${px(box.left)}–${px(box.right)} ` +
                    `of ${px(frame.left)}–${px(frame.right)})`);
    if (e.matches('.widget-label, .widget-readout, button, select') && e.scrollWidth > e.clientWidth + 1)
      problems.push(`${what} is cut off (${e.scrollWidth} px of text in ${e.clientWidth} px)`);
  }
  const canvas = explorer.querySelector('canvas');
  if (canvas && canvas.width && canvas.clientWidth > canvas.width / 2 + 1)
    problems.push(`the picture is stretched: ${canvas.clientWidth} CSS px for ${canvas.width} pixels`);
  return problems;
}"""


#: show ``markup`` (a warning) at the top of explorer i's readout, or take it away again
WARNING_JS = """([i, markup]) => {
  const explorer = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .backprop-explorer')[i];
  const readout = explorer.querySelector('.backprop-readout .widget-html-content');
  const old = readout.querySelector('.bp-test-warning');
  if (old) { old.remove(); return; }
  const warning = document.createElement('div');
  warning.className = 'bp-test-warning';
  warning.innerHTML = markup;
  readout.prepend(warning);
}"""


def show_warning(page, i, markup):
    """Show ``markup`` above explorer i's readout, as a warning would appear there (call
    again to take it away): the layout must still fit with it."""
    page.evaluate(WARNING_JS, [i, markup])


#: the values of all of explorer i's controls, as one string (which setting it shows)
SETTING_JS = """(i) => [...document.querySelectorAll(`[data-bp-control^='${i}-']`)].map(e =>
  e.getAttribute('role') === 'slider' ? e.getAttribute('aria-valuenow')
  : e.tagName === 'SELECT' ? e.selectedIndex
  : (e.type === 'checkbox' || e.type === 'radio') ? e.checked
  : e.tagName === 'BUTTON' ? e.classList.contains('mod-active') : e.value).join('|')"""


def setting(page, i):
    """Which setting explorer i shows: the values of its controls, as one string."""
    return page.evaluate(SETTING_JS, i)


def is_disabled(page, control):
    """Whether ``control`` is disabled now (◀ Previous at the first step): pressing it would only
    wait for a change that cannot come."""
    return page.locator(f"[data-bp-control='{control['index']}']").first.is_disabled()


def can_move(page, control, forward=True):
    """Whether ``control`` (a slider or menu) can move one more step in that direction."""
    handle = page.locator(f"[data-bp-control='{control['index']}']").first
    if control["kind"] == "slider":
        return handle.get_attribute("aria-valuenow") != handle.get_attribute(
            "aria-valuemax" if forward else "aria-valuemin")
    if control["kind"] == "select":
        index, count = handle.evaluate("e => [e.selectedIndex, e.options.length]")
        return index != (count - 1 if forward else 0)
    return True


def explorer_controls(page, i):
    return page.evaluate(CONTROLS_JS, i)


def keys_for(page, control, forward=True):
    """The keys that move ``control`` (a dict from CONTROLS_JS) one step forward or back.

    A menu (select) moves with a bare arrow key, without opening: the explorer keeps the keys
    pressed in its controls from JupyterLab's shortcuts (``picture.js``), which would otherwise
    take ↓ in command mode to the next cell.
    """
    kind = control["kind"]
    if kind == "slider":
        handle = page.locator(f"[data-bp-control='{control['index']}']").first
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute(
            "aria-valuemax" if forward else "aria-valuemin")
        return [("ArrowLeft" if at_end else "ArrowRight") if forward else (
            "ArrowRight" if at_end else "ArrowLeft")]
    if kind == "select":   # at the last option "forward" goes up, at the first "back" goes down
        handle = page.locator(f"[data-bp-control='{control['index']}']").first
        index, count = handle.evaluate("e => [e.selectedIndex, e.options.length]")
        down = index == 0 if index in (0, count - 1) else forward
        return ["ArrowDown" if down else "ArrowUp"]
    if kind in ("checkbox", "radio", "button"):
        return ["Enter" if kind == "button" else "Space"]
    return ["ArrowUp" if forward else "ArrowDown"]


#: seconds to wait at most for a busy explorer (a run of 300 epochs of the widest network)
SETTLE_LIMIT_S = 30


def press_and_time(page, explorer, control, forward=True, timeout_s=5.0):
    """Focus ``control`` of explorer number ``explorer``, wait while it says it is busy (a
    live explorer training: a picture of that run must not be taken for the answer), press its
    key, and wait for the output.

    Returns {"image_ms": time from the (last) key press to the new image decoded and painted
    (None if the image did not change), "readout_ms": ... to the new readout (None), "key"}.
    """
    keys = keys_for(page, control, forward)
    handle = page.locator(f"[data-bp-control='{control['index']}']").first
    handle.focus()
    page.evaluate(SETTLE_JS, [explorer, SETTLE_LIMIT_S * 1000])
    page.evaluate(ARM_JS, explorer)
    for key in keys:
        page.keyboard.press(key)
    page.evaluate(WAIT_JS, timeout_s * 1000)   # no new image in time: the readout may have changed
    press = page.evaluate("""() => { window.__bpObserver.disconnect();
        document.removeEventListener('keydown', window.__bpKeydown, {capture: true});
        return window.__bpPress; }""")
    t0 = press["t0"]
    image = press["image"] - t0 if t0 is not None and press["image"] not in (None, -1) else None
    readout = press["readout"] - t0 if t0 is not None and press["readout"] is not None else None
    return {"image_ms": image, "readout_ms": readout, "key": "+".join(keys)}


def clipped_parts(page, i):
    return page.evaluate(CLIPPED_JS, i)


def saved_outputs_summary(path):
    """{cell index: the mime types of its saved outputs} for a notebook (for reports)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return {i: [sorted(o.get("data", {})) for o in c.get("outputs", [])]
            for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"}
