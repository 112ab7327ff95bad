"""The static site (``backprop-course site``): built, then read in Chromium with the network off.

Headless checks of the builder come first (pure functions: math, links, outputs). The browser
test opens every page from file:// with every other URL aborted, so a page that needed a CDN
would show it: each lesson page exists, every link resolves to a file of the site, every image
loads, no ``$`` of raw LaTeX is left in the text, equations are MathML with a size, and the
console shows no error. Chromium is Debian's; without it the browser test is skipped (it fails
instead under BACKPROP_REQUIRE_BROWSER=1 or CI=true, as the JupyterLab browser test does).
"""

import base64
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_browser import CHROMIUM_ARGS, INSTALL_HINT, REQUIRE_BROWSER

from backproplib.course.site.build import SiteError, build_site
from backproplib.course.site.mathml import MathError, extract_math, markdown_to_html
from backproplib.course.site.render import EXPLORER_NOTE, render_notebook
from benchmarks.browser_lab import find_chromium

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "site"
PNG_1x1 = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cf000000030101009ba2c1e70000000049454e44ae426082")).decode()


# -- the builder, headless ----------------------------------------------------------------------

def test_math_outside_code_becomes_mathml_and_code_is_left_alone():
    html = markdown_to_html("Cost $x^2$ here, `$not math$`, and\n\n$$\nZ = XW + b \\tag{1.5}\n$$\n")
    assert html.count("<math") == 2 and "$" not in html.replace("$not math$", "")
    assert "<code>$not math$</code>" in html
    assert 'class="equation-number" id="eq-1.5">(1.5)' in html


def test_a_formula_that_cannot_be_converted_is_named():
    with pytest.raises(MathError, match=r"lessons/09_x.ipynb, cell 2.*'x\^'"):
        extract_math("bad: $x^$", "lessons/09_x.ipynb, cell 2")


def _explorer_cell(with_png):
    data = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2,
                                                        "version_minor": 0},
            "text/plain": "NeuronExplorer(...)"}
    if with_png:
        data["image/png"] = PNG_1x1
    return nbformat.v4.new_code_cell("NeuronExplorer()", outputs=[
        nbformat.v4.new_output("execute_result", data=data, execution_count=1)])


def test_an_explorer_shows_its_saved_picture_and_otherwise_a_note():
    nb = nbformat.v4.new_notebook(cells=[_explorer_cell(True), _explorer_cell(False)])
    page = render_notebook(nb, "01_x", "lessons/01_x.ipynb")
    assert list(page.images) == ["01_x-0-0.png"] and page.images["01_x-0-0.png"].startswith(b"\x89PNG")
    assert page.body.count('<img src="img/01_x-0-0.png"') == 1
    assert page.body.count(EXPLORER_NOTE) == 1 and page.explorer_notes == 1
    assert "<script" not in page.body


def _tiny_course(root, lessons=("01_one", "02_two")):
    for folder in ("lessons", "exercises"):
        (root / folder).mkdir(parents=True)
    for i, stem in enumerate(lessons):
        nxt = lessons[i + 1] if i + 1 < len(lessons) else "09_missing"
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Lesson {stem}\n\n$a = f(z)$ and [next]({nxt}.ipynb), "
                                          f"[exercise](../exercises/{stem}.ipynb#task-1), "
                                          f"[licence](../LICENSE)"),
            nbformat.v4.new_code_cell("print(1)", outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="1\n")])])
        nbformat.write(nb, root / "lessons" / f"{stem}.ipynb")
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Exercise {stem}")]),
                       root / "exercises" / f"{stem}.ipynb")
    (root / "LICENSE").write_text("MIT\n")


def test_links_between_notebooks_become_pages_and_missing_ones_text(tmp_path):
    _tiny_course(tmp_path / "course")
    summary = build_site(tmp_path / "course", tmp_path / "out")
    page = (tmp_path / "out" / "lessons" / "01_one.html").read_text()
    assert 'href="02_two.html"' in page and 'href="../exercises/01_one.html#task-1"' in page
    assert 'href="../LICENSE.txt"' in page and (tmp_path / "out" / "LICENSE.txt").read_text() == "MIT\n"
    assert summary["dropped_links"] == ["lessons/02_two.ipynb: 09_missing.ipynb"]
    assert 'rel="next"' in page and 'rel="prev"' not in page


def test_the_site_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path):
    _tiny_course(tmp_path / "course")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(SiteError, match="not a site made by this command"):
        build_site(tmp_path / "course", tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"
    build_site(tmp_path / "course", tmp_path / "out")
    build_site(tmp_path / "course", tmp_path / "out")            # its own site: rebuilt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "mine", "out"]


# -- the real site in Chromium, offline ----------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run([sys.executable, "-m", "backproplib.course", "site", "--dir", str(ROOT),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None:
        if REQUIRE_BROWSER:
            pytest.fail(f"Chromium not found; {INSTALL_HINT}")
        pytest.skip(f"Chromium not found; {INSTALL_HINT}")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PAGE_JS = """() => ({
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  images: [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0})),
  text: document.body.innerText,
  maths: [...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().width),
})"""


def test_every_page_reads_offline_in_chromium(site, browser):
    lessons = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert lessons and all((site / "lessons" / f"{s}.html").is_file() for s in lessons)
    context = browser.new_context()
    outside = []

    def route(request_route):
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()
    context.route("**/*", route)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    to_visit, seen, maths = [(site / "index.html").as_uri()], set(), 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        state = page.evaluate(PAGE_JS)
        for link in state["links"]:
            target = link.split("#")[0]
            if target.startswith("file://"):
                assert Path(target[len("file://"):]).is_file(), f"{url} links to a missing {target}"
                if target.endswith(".html"):
                    to_visit.append(target)
        broken = [i["src"] for i in state["images"] if not i["ok"]]
        assert not broken, f"{url}: images that did not load: {broken}"
        raw = re.findall(r"\$[^$\n]{1,40}\$", state["text"])
        assert not raw, f"{url}: raw LaTeX left in the text: {raw[:5]}"
        assert all(width > 0 for width in state["maths"]), f"{url}: an equation drawn with no width"
        maths += len(state["maths"])
        if url.endswith("lessons/01_forward_pass.html"):
            page.screenshot(path=str(ARTIFACTS / "01_forward_pass.png"), full_page=False)
    context.close()
    pages = {Path(u[len("file://"):]).relative_to(site).as_posix() for u in seen}
    assert {f"lessons/{s}.html" for s in lessons} <= pages, "a lesson page is not reachable from the index"
    assert maths > 100, f"only {maths} equations were drawn as MathML"
    assert not errors, f"console errors: {errors[:5]}"
    assert not outside, f"the site asked the network for {outside[:5]}"


def test_a_still_picture_saved_as_html_beside_the_widget_view_becomes_an_image_file():
    still = f"<div><img src='data:image/png;base64,{PNG_1x1}' alt='the neuron'><p>Run me</p></div>"
    cell = _explorer_cell(False)
    cell.outputs[0]["data"]["text/html"] = still + "<script>alert(1)</script>"
    page = render_notebook(nbformat.v4.new_notebook(cells=[cell]), "01_x", "lessons/01_x.ipynb")
    assert page.explorer_notes == 0 and list(page.images) == ["01_x-0-0-html0.png"]
    assert 'src="img/01_x-0-0-html0.png"' in page.body and "alt='the neuron'" in page.body
    assert "<script" not in page.body and "data:image" not in page.body


def _course_formulas():
    for folder in ("lessons", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
            for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
                if cell.cell_type == "markdown":
                    yield f"{folder}/{path.name}, cell {number}", cell.source


def test_every_formula_of_the_course_becomes_mathml_that_chromium_can_lay_out():
    """latex2mathml writes what it does not understand as text: a lone '&' (an alignment it did
    not lay out), a LaTeX command name, or a line break MathML Core ignores."""
    count = 0
    for where, source in _course_formulas():
        _, formulas = extract_math(source, where)
        for mathml in formulas:
            body = re.sub(r'aria-label="[^"]*"', "", mathml)
            assert "<mi>&</mi>" not in body and "<mi>&amp;</mi>" not in body, (where, mathml[:300])
            assert 'linebreak="newline"' not in body, (where, mathml[:300])
            assert not re.search(r"<m[io]>\\\\[a-zA-Z]", body), (where, mathml[:300])
            count += 1
    assert count > 500
