"""The site's one style sheet: readable on a phone, printable, and no web fonts."""


def _code_style():
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(style="default").get_style_defs(".highlight")


STYLE = """\
:root { color-scheme: light; }
body { margin: 0; font: 17px/1.6 Georgia, "DejaVu Serif", serif; color: #1a1a1a; background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
nav.pages { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; justify-content: space-between;
            max-width: 46rem; margin: 0 auto; padding: 0.6rem 1.2rem;
            font-family: system-ui, sans-serif; font-size: 0.9rem; border-bottom: 1px solid #ddd; }
nav.pages:last-of-type { border-top: 1px solid #ddd; border-bottom: none; }
a { color: #0b5cad; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.35rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
pre, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { overflow-x: auto; padding: 0.6rem 0.8rem; margin: 0.4rem 0; }
div.code pre { background: #f6f8fa; border-left: 3px solid #0b5cad; }
pre.output { background: #fff; border-left: 3px solid #bbb; white-space: pre-wrap; }
pre.output.error { border-left-color: #c0392b; }
figure.output { margin: 0.5rem 0; }
figure.output img { max-width: 100%; height: auto; }
details { background: #f4f7fb; padding: 0.4rem 0.8rem; border-radius: 4px; margin: 0.6rem 0; }
summary { cursor: pointer; font-family: system-ui, sans-serif; }
math[display="block"] { margin: 0.6rem 0; overflow-x: auto; overflow-y: hidden; }
span.equation { display: flex; align-items: center; gap: 1rem; }
span.equation math { flex: 1; }
span.equation-number { font-family: system-ui, sans-serif; font-size: 0.9rem; color: #555; }
p.explorer-note { background: #fff7e0; border: 1px solid #e8c66a; padding: 0.5rem 0.8rem;
                  font-family: system-ui, sans-serif; font-size: 0.9rem; }
span.missing-link { color: #555; }
ol.contents li, ul.contents li { margin: 0.3rem 0; }
@media print {
  nav.pages { display: none; }
  body { font-size: 11pt; }
  details { background: none; }
  details::details-content { content-visibility: visible; display: block; }   /* print answers */
  a { color: inherit; }
}
""" + _code_style() + "\n"
