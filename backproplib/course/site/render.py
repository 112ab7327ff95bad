"""One notebook as the body of an HTML page: prose, code, and the saved outputs.

Outputs are taken as the notebook saved them, in this order of preference per output:
a PNG picture (a plot, or an explorer's initial state saved beside its widget view), SVG, HTML
without scripts, plain text. An explorer saved only as a widget view (no picture) becomes a
short note: the site never loads widget JavaScript. Pictures are returned as files for the
builder to write, so the page stays small and every image is a real file.
"""

import base64
import html
import re
from dataclasses import dataclass, field

from .mathml import markdown_to_html

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.DOTALL | re.IGNORECASE)
DATA_PNG = re.compile(r"""src=(["'])data:image/png;base64,([A-Za-z0-9+/=\s]+)\1""")
EXPLORER_NOTE = ("<p class=\"explorer-note\">Interactive: open this lesson in JupyterLab "
                 "(<code>backprop-course</code>) to move the sliders that are here.</p>")


@dataclass
class Page:
    """A rendered notebook: its HTML body and the images it refers to."""
    body: str
    images: dict = field(default_factory=dict)   # file name -> bytes
    explorer_notes: int = 0                       # explorers shown without a picture


def highlight(code):
    from pygments import highlight as pygments_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    return pygments_highlight(code, PythonLexer(), HtmlFormatter(cssclass="highlight"))


def render_notebook(nb, stem, where):
    """Render ``nb``; images are named ``{stem}-{cell}-{n}.png``; ``where`` names the notebook in
    error messages."""
    page = Page(body="")
    parts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            prose = markdown_to_html(cell.source, f"{where}, cell {index + 1}")
            parts.append(f'<section class="prose">{prose}</section>')
        elif cell.cell_type == "code" and cell.source.strip():
            parts.append(f'<div class="code">{highlight(cell.source)}</div>')
            for number, output in enumerate(cell.get("outputs", [])):
                parts.append(_output(output, page, f"{stem}-{index}-{number}", where))
    page.body = "\n".join(p for p in parts if p)
    return page


def _output(output, page, name, where):
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="output">{html.escape(output.get("text", ""))}</pre>'
    if kind == "error":
        text = ANSI.sub("", "\n".join(output.get("traceback", [])))
        return f'<pre class="output error">{html.escape(text)}</pre>'
    data = output.get("data", {})
    if "image/png" in data:
        png = data["image/png"]
        page.images[f"{name}.png"] = base64.b64decode(png if isinstance(png, str) else "".join(png))
        alt = "An explorer's initial picture" if WIDGET_VIEW in data else "A figure"
        return f'<figure class="output"><img src="img/{name}.png" alt="{alt} ({where})"></figure>'
    if "image/svg+xml" in data:
        return f'<figure class="output">{SCRIPT.sub("", _text(data["image/svg+xml"]))}</figure>'
    html_text = _text(data.get("text/html", ""))
    if html_text and (WIDGET_VIEW not in data or DATA_PNG.search(html_text)):
        return f'<div class="output">{_html(html_text, page, name)}</div>'
    if WIDGET_VIEW in data:
        page.explorer_notes += 1
        return EXPLORER_NOTE
    if "text/plain" in data:
        return f'<pre class="output">{html.escape(_text(data["text/plain"]))}</pre>'
    return ""


def _html(text, page, name):
    """Saved HTML without scripts, its embedded PNG pictures written as files."""
    count = 0

    def to_file(match):
        nonlocal count
        file = f"{name}-html{count}.png"
        count += 1
        page.images[file] = base64.b64decode(re.sub(r"\s", "", match.group(2)))
        return f'src="img/{file}"'
    return DATA_PNG.sub(to_file, SCRIPT.sub("", text))


def _text(value):
    return value if isinstance(value, str) else "".join(value)
