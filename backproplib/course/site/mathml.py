"""Markdown with LaTeX to HTML with MathML, at build time (no MathJax, no CDN).

Math in the lessons is written ``$...$`` (inline) and ``$$...$$`` (display). Before the Markdown
is rendered, each formula outside code is replaced by a placeholder of letters and digits (which
Markdown leaves alone); after rendering, each placeholder becomes the formula's MathML, made by
latex2mathml. Chromium, Firefox and Safari draw MathML natively.
"""

import html
import re

from latex2mathml.converter import convert

#: fenced code blocks and inline code spans: never searched for math
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)
#: $$...$$ (may span lines) or $...$ (within a paragraph; not "\$", not "$ " at the start)
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)((?:[^$\n]|\n(?!\s*\n))+?)(?<![\s\\])\$",
                  re.DOTALL)
PLACEHOLDER = "MATHPLACEHOLDER{}END"


class MathError(ValueError):
    """A formula latex2mathml cannot convert; names the formula and where it is."""


TAG = re.compile(r"\\tag\{([^}]*)\}")
ALIGNED = re.compile(r"\\begin\{(aligned|align\*?|gathered)\}(.*?)\\end\{\1\}", re.DOTALL)


def _as_array(match):
    """latex2mathml has no ``aligned``: the same rows as an array of right/left column pairs."""
    body = match.group(2)
    columns = max(row.count("&") for row in body.split("\\\\")) + 1
    spec = ("rl" * columns)[:columns] if match.group(1) != "gathered" else "c"
    return f"\\begin{{array}}{{{spec}}}{body}\\end{{array}}"


def to_mathml(tex, display, where=""):
    """One formula as a MathML element (``display``: a block of its own, with its equation
    number ``\\tag{N.M}`` set at the right margin)."""
    tags = TAG.findall(tex)
    if display and tags:
        body = to_mathml(TAG.sub("", tex), True, where)
        return (f'<span class="equation">{body}<span class="equation-number" '
                f'id="eq-{html.escape(tags[0])}">({html.escape(tags[0])})</span></span>')
    try:
        mathml = convert(ALIGNED.sub(_as_array, tex.strip()), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises several kinds; name the formula in any case
        raise MathError(f"{where}: cannot convert the formula {tex.strip()[:80]!r} to MathML "
                        f"({type(exc).__name__}: {exc}); simplify it or report it") from exc
    return mathml.replace("<math ", f'<math aria-label="{html.escape(tex.strip())}" ', 1)


def extract_math(markdown, where=""):
    """(markdown with placeholders, [MathML of each formula]) — pure."""
    formulas = []

    def replace(match):
        display = match.group(1) is not None
        formulas.append(to_mathml(match.group(1) if display else match.group(2), display, where))
        return PLACEHOLDER.format(len(formulas) - 1)

    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):          # even parts are outside code
        parts[i] = MATH.sub(replace, parts[i])
    return "".join(parts), formulas


def insert_math(rendered_html, formulas):
    """Put each formula's MathML where its placeholder is."""
    def replace(match):
        return formulas[int(match.group(1))]
    return re.sub(PLACEHOLDER.format(r"(\d+)"), replace, rendered_html)


def markdown_to_html(markdown, where=""):
    """Render Markdown (tables, raw HTML such as <details>) with its math as MathML."""
    import mistune
    text, formulas = extract_math(markdown, where)
    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    return insert_math(render(text), formulas)
