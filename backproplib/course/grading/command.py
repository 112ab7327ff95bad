"""``backprop-course grade``: grade exercise notebooks offline, one or a whole folder.

    backprop-course grade alice.ipynb                      # prints a per-task table
    backprop-course grade submissions/ --jobs 2 --out marks  # writes marks/gradebook.csv|json
    backprop-course grade course/submitted --roster roster.csv --out marks
                                     # + canvas.csv, nbgrader_grades.csv (nbgrader's layout)
    backprop-course gradescope-bundle 03 --out autograder   # a Gradescope autograder folder

A batch also writes feedback/ (one report per submission, the reasons the notebook's own
check gives) and class_report.html|json (score distribution, task means, the most common
mistakes with the lesson section that addresses each).

Each submission runs in a fresh Jupyter kernel with a time limit per cell and a memory limit
(``running``); its functions are then called on secret tests and judged in this process
(``judging``), so nothing a notebook prints, writes or redefines changes its score.
Submissions are opened read-only and never modified; results are written atomically and are
the same when the same folder is graded again. A bad submission (not a notebook, a syntax
error, an endless loop, a crash...) gets a message and the batch carries on.

Limits of the protection: a submission runs with your user's rights. The grader contains the
usual accidents and cheats, but it is not a security sandbox: grade code you do not trust as
an unprivileged user or in a container.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ...progress import Progress
from ..files import write_atomic
from . import exports, gradescope, roster
from .class_report import class_report, report_html
from .gradebook import format_report, format_summary, write_gradebook
from .judging import GradeOptions, SubmissionResult, grade_submission
from .running import KernelStartError


def register(subparsers):
    p = subparsers.add_parser(
        "grade", help="grade exercise notebooks offline: one, or a folder into a gradebook",
        description="Grade exercise notebooks. For one notebook, print a per-task table; for a "
                    "folder, grade every .ipynb in it (and below) and write gradebook.csv and "
                    "gradebook.json. Every submission runs in a fresh kernel with time and "
                    "memory limits; its score comes only from the grader's own checks.")
    p.add_argument("path", help="a notebook, or a folder of notebooks")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="grade N notebooks at a time (default 1)")
    p.add_argument("--out", metavar="DIR", help="folder for the gradebook (default: the current "
                   "folder for a batch; none for one notebook)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S",
                   help="seconds a cell may run (default 60)")
    p.add_argument("--memory", type=int, default=1024, metavar="MB",
                   help="memory a notebook may use, in MB (default 1024)")
    p.add_argument("--exercise", metavar="NN", help="grade every notebook as exercise NN "
                   "(default: from the notebook's metadata, name or check cells)")
    p.add_argument("--seed", type=int, default=0,
                   help="changes the secret tests (default 0; the same seed, the same grades)")
    p.add_argument("--roster", metavar="CSV", help="class roster (student_id, name, email, file "
                   "or folder): also write canvas.csv and nbgrader_grades.csv")
    p.set_defaults(func=run)
    b = subparsers.add_parser(
        "gradescope-bundle", help="write a Gradescope autograder (setup.sh, run_autograder) for "
                                  "one exercise",
        description="Write the folder to zip and upload as a Gradescope autograder: setup.sh, "
                    "run_autograder (writes results/results.json with one test per task) and "
                    "a copy of the course package.")
    b.add_argument("exercise", help="the exercise number, e.g. 03")
    b.add_argument("--out", default="gradescope_autograder", metavar="DIR")
    b.add_argument("--visibility", default="visible", choices=gradescope.VISIBILITIES,
                   help="when students see the per-task results (default visible)")
    b.set_defaults(func=run_bundle)


def run_bundle(args):
    try:
        out = gradescope.write_bundle(args.exercise, args.out, args.visibility)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote the Gradescope autograder to {out}: zip the files inside it (setup.sh and "
          f"run_autograder at the top of the zip) and upload the zip on Gradescope.")
    return 0


def run(args):
    path = Path(args.path)
    problem = _bad_options(args, path)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    options = GradeOptions(timeout=args.timeout, memory_mb=args.memory,
                           exercise=args.exercise, seed=args.seed)
    try:
        students = roster.read_roster(args.roster) if args.roster else None
    except roster.RosterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if path.is_file():
            return _grade_one(path, options, args.out)
        return _grade_folder(path, options, args.jobs, Path(args.out or "."), students)
    except KernelStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _bad_options(args, path):
    if not path.exists():
        return f"{path} does not exist; give a notebook or a folder of notebooks"
    if args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if not args.timeout > 0:
        return f"--timeout must be a positive number of seconds, got {args.timeout}"
    if args.memory < 100:
        return f"--memory is in MB and must be at least 100, got {args.memory}"
    if args.exercise is not None:
        from ...checks import exercise_numbers
        if args.exercise.zfill(2) not in exercise_numbers():
            return (f"--exercise {args.exercise}: there is no such exercise; choose one of "
                    f"{', '.join(exercise_numbers())}")
    return None


def _grade_one(path, options, out):
    result = grade_submission(path, options, name=path.name)
    print(format_report(result))
    if out:
        written = write_gradebook([result], out)
        print(f"\nWrote {', '.join(str(p) for p in written)}")
    return 1 if result.error else 0


def find_notebooks(folder):
    """(notebooks, number of other files): every *.ipynb below ``folder``, sorted, skipping
    hidden folders such as .ipynb_checkpoints."""
    notebooks, others = [], 0
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        if p.suffix == ".ipynb":
            notebooks.append(p)
        else:
            others += 1
    return notebooks, others


def _grade_folder(folder, options, jobs, out, students=None):
    notebooks, others = find_notebooks(folder)
    if not notebooks:
        print(f"error: no notebooks (.ipynb) found in {folder}", file=sys.stderr)
        return 2
    names = {p: p.relative_to(folder).as_posix() for p in notebooks}
    results = []
    bar = Progress(len(notebooks), "grading", stream=sys.stderr)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade_safely, p, options, names[p]): p for p in notebooks}
        for done, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            bar.update(done, names[futures[future]])
    bar.close()
    results.sort(key=lambda r: r.name)
    fatal = [r for r in results if r.error and r.error.startswith("could not start")]
    if fatal and len(fatal) == len(results):
        print(f"error: {fatal[0].error}", file=sys.stderr)
        return 1
    written = write_gradebook(results, out) + write_exports(results, out, students)
    print(format_summary(results))
    if others:
        print(f"({others} file(s) that are not .ipynb were ignored)")
    print(f"Graded {len(results)} notebook(s); wrote {' and '.join(str(p) for p in written)}")
    return 0


def write_exports(results, out, students=None):
    """feedback/, class_report.html|json and, with a roster, canvas.csv and nbgrader_grades.csv."""
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    matched = {}
    if students is not None:
        matched, unmatched = roster.match([r.name for r in results], students)
        for name in unmatched:
            print(f"note: {name} matches no student of the roster", file=sys.stderr)
    for name, text in exports.feedback_files(results, matched).items():
        write_atomic(out / "feedback" / name, text)
    data = class_report(results)
    written = [out / "feedback", out / "class_report.html", out / "class_report.json"]
    write_atomic(written[1], report_html(data))
    write_atomic(written[2], json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if students is not None:
        written += [out / "canvas.csv", out / "nbgrader_grades.csv"]
        write_atomic(written[-2], exports.canvas_csv(results, matched, students))
        write_atomic(written[-1], exports.nbgrader_csv(results, matched))
    return written


def _grade_safely(path, options, name):
    """grade_submission, turning an unexpected failure into a message for this row only."""
    try:
        return grade_submission(path, options, name=name)
    except KernelStartError as exc:
        return SubmissionResult(name, error=str(exc))
    except Exception as exc:  # a bug of the grader must not stop the batch
        return SubmissionResult(name, error=f"the grader failed on this notebook "
                                            f"({type(exc).__name__}: {exc}); please report it")
