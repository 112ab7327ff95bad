"""``backprop-course site``: write the static HTML site of the course.

    backprop-course site                  # into ./site
    backprop-course site --out /tmp/book  # anywhere

The site mirrors the course's folders: ``index.html``, ``lessons/NN_topic.html``,
``exercises/NN_topic.html``, with the lessons' saved pictures under ``lessons/img/``. Links
between notebooks become links between pages; a link to another file of the course (a licence)
is carried over, a Markdown file as a page of its own; a link to a notebook that is not in this
copy of the course becomes plain text. It is built in a temporary folder and moved into place
at the end, so a failed build leaves the previous site as it was.
"""

import html
import os
import posixpath
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .. import lessons
from .mathml import MathError, markdown_to_html
from .render import render_notebook
from .style import STYLE

FOLDERS = ("lessons", "exercises")
MARKER = ".backprop-course-site"
HREF = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class SiteError(Exception):
    """The site cannot be built (the message says why and what to do)."""


def page_path(notebook_rel):
    """"lessons/01_forward_pass.html" for "lessons/01_forward_pass.ipynb"."""
    return posixpath.splitext(notebook_rel)[0] + ".html"


def course_pages(course):
    """[(relative notebook path, nbformat notebook)] of every lesson and exercise."""
    import nbformat
    found = []
    for folder in FOLDERS:
        for path in lessons.find_notebooks(Path(course) / folder):
            found.append((f"{folder}/{path.name}", nbformat.read(path, as_version=4)))
    return found


class _Links:
    """Rewrites the hrefs of one page and remembers the extra files the site needs."""

    def __init__(self, course, pages, extra):
        self.course, self.pages, self.extra = Path(course), pages, extra
        self.dropped = []

    def rewrite(self, body, source_rel):
        folder = posixpath.dirname(source_rel)

        def replace(match):
            href, rest, text = match.groups()
            new = self._target(href, folder)
            if new is None:
                self.dropped.append(f"{source_rel}: {href}")
                return f'<span class="missing-link" title="not in this copy of the course">{text}</span>'
            return f'<a href="{html.escape(new, quote=True)}"{rest}>{text}</a>'
        return HREF.sub(replace, body)

    def _target(self, href, folder):
        href = html.unescape(href)
        if not href or href.startswith("#") or SCHEME.match(href) or href.startswith("//"):
            return href
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(folder, path))
        anchor = f"#{fragment}" if fragment else ""
        if target.endswith(".ipynb"):
            if target not in self.pages:
                return None
            return posixpath.relpath(page_path(target), folder or ".") + anchor
        if target.startswith("..") or not (self.course / target).is_file():
            return None
        site_name = page_path(target) if target.endswith(".md") else (
            target if posixpath.splitext(target)[1] else target + ".txt")
        self.extra[target] = site_name
        return posixpath.relpath(site_name, folder or ".") + anchor


def _document(title, body, depth, nav=""):
    up = "../" * depth
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n"
            f'<link rel="stylesheet" href="{up}style.css">\n</head>\n<body>\n'
            f"{nav}<main>\n{body}\n</main>\n{nav}</body>\n</html>\n")


def _nav(rel, order, titles):
    """Links to the contents, the previous and the next page of the same folder."""
    folder = posixpath.dirname(rel)
    same = [r for r in order if posixpath.dirname(r) == folder]
    i = same.index(rel)
    links = ['<a href="../index.html" rel="index">Contents</a>']
    if i > 0:
        links.append(f'<a href="{posixpath.basename(page_path(same[i - 1]))}" rel="prev">← '
                     f"{html.escape(titles[same[i - 1]])}</a>")
    if i + 1 < len(same):
        links.append(f'<a href="{posixpath.basename(page_path(same[i + 1]))}" rel="next">'
                     f"{html.escape(titles[same[i + 1]])} →</a>")
    return f'<nav class="pages">{" ".join(links)}</nav>\n'


def _title(rel, nb):
    return lessons.lesson_title(nb) or Path(rel).stem.replace("_", " ")


def _index(pages, titles):
    items = {folder: [] for folder in FOLDERS}
    for rel, _ in pages:
        folder = posixpath.dirname(rel)
        items[folder].append(f'<li><a href="{page_path(rel)}">{html.escape(titles[rel])}</a></li>')
    body = ["<h1>Backprop, hands-on</h1>",
            "<p>A course on backpropagation, to read without a kernel: every lesson with its "
            "equations, plots and each explorer's starting picture. To move the sliders and run "
            "the code, open the course in JupyterLab.</p>",
            "<h2>Lessons</h2>", f'<ol class="contents">{"".join(items["lessons"])}</ol>']
    if items["exercises"]:
        body += ["<h2>Exercises</h2>", "<p>The tasks, to read; solve them in JupyterLab.</p>",
                 f'<ul class="contents">{"".join(items["exercises"])}</ul>']
    return _document("Backprop, hands-on", "\n".join(body), 0)


def build_site(course, out):
    """Build the site of the course at ``course`` into the folder ``out``; returns a summary
    dict (pages, images, explorer notes, dropped links)."""
    course, out = Path(course), Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(f"{out} exists and is not a site made by this command; choose an empty "
                        f"or new folder with --out (nothing was written)")
    pages = course_pages(course)
    if not any(rel.startswith("lessons/") for rel, _ in pages):
        raise SiteError(f"no lessons (lessons/NN_topic.ipynb) in {course}")
    order = [rel for rel, _ in pages]
    titles = {rel: _title(rel, nb) for rel, nb in pages}
    extra, summary = {}, {"pages": 0, "images": 0, "explorer_notes": 0, "dropped_links": []}
    links = _Links(course, set(order), extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, nb in pages:
            page = render_notebook(nb, Path(rel).stem, rel)
            body = links.rewrite(page.body, rel)
            _write(work / page_path(rel), _document(titles[rel], body, 1, _nav(rel, order, titles)))
            for name, data in page.images.items():
                _write(work / posixpath.dirname(rel) / "img" / name, data)
            summary["pages"] += 1
            summary["images"] += len(page.images)
            summary["explorer_notes"] += page.explorer_notes
        done = set()
        while set(extra) - done:                  # a Markdown page may link to more files
            for source in sorted(set(extra) - done):
                _copy_extra(course / source, work / extra[source], source, links)
                done.add(source)
        _write(work / "index.html", _index(pages, titles))
        _write(work / "style.css", STYLE)
        _write(work / MARKER, "made by backprop-course site\n")
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    summary["dropped_links"] = links.dropped
    return summary


def _copy_extra(source, target, source_rel, links):
    if source.suffix == ".md":
        body = markdown_to_html(source.read_text(encoding="utf-8"), source_rel)
        body = links.rewrite(body, source_rel)
        _write(target, _document(source.stem, body, source_rel.count("/")))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def register(subparsers):
    p = subparsers.add_parser(
        "site", help="build a static HTML site of every lesson, readable offline",
        description="Write every lesson and exercise as an HTML page with an index, navigation, "
                    "the saved plots and explorer pictures, and equations as MathML. Nothing is "
                    "loaded from the network: open index.html from the folder, or print it.")
    p.add_argument("--dir", metavar="COURSE", help="the course folder (default: found from the "
                   "current folder)")
    p.add_argument("--out", metavar="FOLDER", default="site", help="where to write the site "
                   "(default: ./site); replaced if it holds a site made by this command")
    p.set_defaults(func=run)


def run(args):
    from ..launch import CourseNotFoundError, find_course_dir
    try:
        course = find_course_dir(args.dir)
        summary = build_site(course, args.out)
    except (CourseNotFoundError, SiteError, MathError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    print(f"wrote {summary['pages']} pages and {summary['images']} images to {out}; "
          f"open {out / 'index.html'}")
    if summary["explorer_notes"]:
        print(f"{summary['explorer_notes']} explorer(s) have no saved picture and show a note "
              f"instead")
    for link in summary["dropped_links"]:
        print(f"link to a file not in this copy of the course, shown as text: {link}")
    return 0
