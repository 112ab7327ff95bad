"""``backprop-course hub-link``: the nbgitpuller link that puts the course into a learner's hub.

    backprop-course hub-link --hub https://hub.example.edu \\
        --repo https://github.com/example/backprop-course --lesson 03

A learner who opens the link logs in to the JupyterHub, nbgitpuller clones the repository into
their home folder (or, the next time, merges new commits without touching their own changes),
and JupyterLab opens the lesson. The hub needs ``nbgitpuller`` installed in the users'
environment (see docs/instructor/hosting.md).
"""

import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from . import lessons


class LinkError(ValueError):
    """A hub, repository or lesson that cannot make a link (the message says what to give)."""


def clone_folder(repo):
    """The folder nbgitpuller clones ``repo`` into: the repository's name, without ``.git``."""
    name = urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def lesson_file(course, lesson):
    """"lessons/03_backward_pass.ipynb" for lesson "03" or "3" (or a notebook name) in the course."""
    found = lessons.find_notebooks(Path(course) / "lessons")
    wanted = str(lesson).removesuffix(".ipynb")
    for path in found:
        if wanted == path.stem or wanted.zfill(2) == lessons.lesson_number(path):
            return f"lessons/{path.name}"
    raise LinkError(f"no lesson {lesson!r} in {Path(course) / 'lessons'}; choose one of "
                    f"{', '.join(lessons.lesson_number(p) for p in found) or 'none (no lessons found)'}")


def nbgitpuller_link(hub, repo, branch, notebook, app="lab", target=None):
    """The link (pure). hub: the hub's address; notebook: path inside the repository."""
    hub_parts = urlsplit(hub)
    if hub_parts.scheme not in ("http", "https") or not hub_parts.netloc:
        raise LinkError(f"--hub {hub!r}: give the hub's address, e.g. https://hub.example.edu")
    repo_parts = urlsplit(repo)
    if repo_parts.scheme not in ("http", "https") or not repo_parts.path.strip("/"):
        raise LinkError(f"--repo {repo!r}: give the repository's https address, e.g. "
                        f"https://github.com/example/backprop-course")
    folder = target or clone_folder(repo)
    tree = "lab/tree" if app == "lab" else "tree"
    query = {"repo": repo, "branch": branch, "urlpath": f"{tree}/{folder}/{notebook}"}
    if target:
        query["targetPath"] = target
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote)}"


def register(subparsers):
    p = subparsers.add_parser(
        "hub-link", help="print the nbgitpuller link that opens a lesson on a JupyterHub",
        description="Print a link that clones (or updates) the course into a learner's home on a "
                    "JupyterHub with nbgitpuller and opens a lesson in JupyterLab.")
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    p.add_argument("--repo", required=True, help="the course repository's https address")
    p.add_argument("--branch", default="main", help="the branch to pull (default: main)")
    p.add_argument("--lesson", default="00", help="the lesson to open: its number, e.g. 03 "
                   "(default: 00)")
    p.add_argument("--target", metavar="FOLDER", help="the folder in the learner's home (default: "
                   "the repository's name)")
    p.add_argument("--dir", metavar="COURSE", help="the course folder, to find the lesson's file "
                   "(default: found from the current folder)")
    p.set_defaults(func=run)


def run(args):
    from .launch import CourseNotFoundError, find_course_dir
    try:
        notebook = lesson_file(find_course_dir(args.dir), args.lesson)
        print(nbgitpuller_link(args.hub, args.repo, args.branch, notebook, target=args.target))
    except (CourseNotFoundError, LinkError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
