"""``backprop-course grade``: grade exercise notebooks offline, one or a whole folder.

    backprop-course grade alice.ipynb                      # prints a per-task table
    backprop-course grade submissions/ --jobs 2 --out marks  # writes marks/gradebook.csv|json
    backprop-course grade submissions/ --out marks --resume  # continues a run that was stopped
    backprop-course grade my_work.ipynb --mine             # your own notebook, no sandbox needed
    backprop-course grade course/submitted --roster roster.csv --out marks
                                     # + canvas.csv, nbgrader_grades.csv (nbgrader's layout)
    backprop-course gradescope-bundle 03 --out autograder   # a Gradescope autograder folder

A batch also writes feedback/ (one report per submission, the reasons the notebook's own
check gives) and class_report.html|json (score distribution, task means, the most common
mistakes with the lesson section that addresses each).

Each submission runs in a fresh Jupyter kernel inside a bubblewrap sandbox (``sandbox``: no view
of other submissions, the output folder or the answer key; no network; its own processes only;
time limits per cell and per notebook; memory and process limits), and its functions are then
called on secret tests and judged in this process (``judging``), so nothing a notebook prints,
writes or redefines changes its score. Submissions are opened read-only and never modified.

Where bubblewrap is missing (macOS, Windows, a Linux without it), grading other people's code is
refused with a message on how to get isolation, unless ``--no-sandbox`` accepts the risk.
``--mine`` says the single notebook given is your own: it is graded without a sandbox (a learner
checking their work on a laptop). A folder always means other people's work.

Nothing is lost: each graded submission is appended to ``grading-record.jsonl`` in the output
folder as soon as it is graded, so a grader stopped by SIGTERM, Ctrl-C or a crash continues with
``--resume``; the gradebook is written atomically once all are graded (then the record is
removed), and an output folder that cannot be written is reported before anything is graded.
Names and messages are shown and written without control characters or terminal escapes.
"""

import json
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ...progress import Progress
from ..files import write_atomic
from . import exports, gradescope, roster
from .class_report import class_report, report_html
from .gradebook import GRADEBOOK_FILES, format_report, format_summary, safe_text, write_gradebook
from .judging import GradeOptions, SubmissionResult, grade_submission
from .kernel_session import KernelSession
from .record import Record, RecordError, file_key
from .running import KernelStartError
from .sandbox import HOW_TO_ISOLATE, isolation_problem


def register(subparsers):
    p = subparsers.add_parser(
        "grade", help="grade exercise notebooks offline: one, or a folder into a gradebook",
        description="Grade exercise notebooks. For one notebook, print a per-task table; for a "
                    "folder, grade every .ipynb in it (and below) and write gradebook.csv and "
                    "gradebook.json. Every submission runs in a fresh kernel in a bubblewrap "
                    "sandbox with time and memory limits; its score comes only from the "
                    "grader's own checks.")
    p.add_argument("path", help="a notebook, or a folder of notebooks")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="grade N notebooks at a time (default 1)")
    p.add_argument("--out", metavar="DIR", help="folder for the gradebook (default: the current "
                   "folder for a batch; none for one notebook)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S",
                   help="seconds a cell may run (default 60)")
    p.add_argument("--budget", type=float, default=600.0, metavar="S",
                   help="seconds a whole notebook may run, cells and tests (default 600)")
    p.add_argument("--memory", type=int, default=1024, metavar="MB",
                   help="memory a notebook may use, in MB (default 1024)")
    p.add_argument("--exercise", metavar="NN", help="grade every notebook as exercise NN "
                   "(default: from the notebook's metadata, name or check cells)")
    p.add_argument("--seed", type=int, default=0,
                   help="changes the secret tests (default 0; the same seed, the same grades)")
    p.add_argument("--resume", action="store_true",
                   help="continue a batch that was stopped (reads grading-record.jsonl in --out)")
    p.add_argument("--mine", action="store_true",
                   help="the one notebook given is your own: grade it without a sandbox")
    p.add_argument("--no-sandbox", action="store_true",
                   help="grade other people's notebooks without isolation, at your own risk "
                        "(only where bubblewrap cannot be had)")
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
    try:
        students = roster.read_roster(args.roster) if args.roster else None
    except roster.RosterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sandboxed = not (args.mine or args.no_sandbox)
    if sandboxed:
        why = isolation_problem()
        if why:
            print(f"error: cannot isolate the submissions: {why}.\n{HOW_TO_ISOLATE}",
                  file=sys.stderr)
            return 2
    else:
        print("note: grading without a sandbox: the notebook's code runs with your rights",
              file=sys.stderr)
    options = GradeOptions(timeout=args.timeout, budget=args.budget, memory_mb=args.memory,
                           exercise=args.exercise, seed=args.seed, sandboxed=sandboxed)
    try:
        if path.is_file():
            return _grade_one(path, options, args.out)
        return _grade_folder(path, options, args.jobs, Path(args.out or "."), args.resume,
                             students)
    except KernelStartError as exc:
        print(f"error: {safe_text(str(exc))}", file=sys.stderr)
        return 1


def _bad_options(args, path):
    if not path.exists():
        return f"{safe_text(str(path))} does not exist; give a notebook or a folder of notebooks"
    if args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if not args.timeout > 0:
        return f"--timeout must be a positive number of seconds, got {args.timeout}"
    if not args.budget >= args.timeout:
        return f"--budget (per notebook) must be at least --timeout (per cell), got {args.budget}"
    if args.memory < 100:
        return f"--memory is in MB and must be at least 100, got {args.memory}"
    if args.mine and not path.is_file():
        return "--mine is for one notebook of your own; a folder holds other people's work"
    if args.exercise is not None:
        from ...checks import exercise_numbers
        if args.exercise.zfill(2) not in exercise_numbers():
            return (f"--exercise {args.exercise}: there is no such exercise; choose one of "
                    f"{', '.join(exercise_numbers())}")
    out = Path(args.out) if args.out else (None if path.is_file() else Path("."))
    return None if out is None else unwritable(out)


def unwritable(out):
    """None if the gradebook can be written into folder ``out``, else why not (checked before
    grading, so no work is lost to a bad output path)."""
    if out.exists() and not out.is_dir():
        return f"--out {safe_text(str(out))} is a file, not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the output folder {safe_text(str(out))}: {exc.strerror}"
    for name in GRADEBOOK_FILES:
        target = out / name
        if target.exists() and not target.is_file():
            return f"{safe_text(str(target))} exists and is not a file; move it away"
    probe = out / f".backprop-grade-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"cannot write into the output folder {safe_text(str(out))}: {exc.strerror}"
    return None


def _grade_one(path, options, out):
    result = grade_submission(path, options, name=display_name(path.name))
    print(format_report(result))
    if out:
        written = write_gradebook([result], out)
        print(f"\nWrote {', '.join(safe_text(str(p)) for p in written)}")
    return 1 if result.error else 0


def display_name(relative):
    """A file name as text that can be shown and written: bytes that are not UTF-8 as \\xNN,
    control characters escaped."""
    return safe_text(os.fsencode(str(relative)).decode("utf-8", "backslashreplace"))


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


def _grade_folder(folder, options, jobs, out, resume, students=None):
    notebooks, others = find_notebooks(folder)
    if not notebooks:
        print(f"error: no notebooks (.ipynb) found in {safe_text(str(folder))}", file=sys.stderr)
        return 2
    record = Record(out)
    settings = {"seed": options.seed, "exercise": options.exercise, "timeout": options.timeout,
                "budget": options.budget, "memory_mb": options.memory_mb,
                "sandboxed": options.sandboxed}
    relative = {p: p.relative_to(folder).as_posix() for p in notebooks}
    names = {p: display_name(relative[p]) for p in notebooks}
    keys = {p: file_key(p, relative[p]) for p in notebooks}
    done = {}
    if resume and record.exists():
        try:
            done = record.load(settings)
        except (RecordError, OSError) as exc:
            print(f"error: {safe_text(str(exc))}", file=sys.stderr)
            return 2
    elif record.exists():
        print(f"error: {safe_text(str(record.path))} holds the results of a batch that did not "
              f"finish: add --resume to continue it, or delete it to start again", file=sys.stderr)
        return 2
    else:
        record.start(settings)
    results = [done[keys[p]] for p in notebooks if keys[p] in done]
    todo = [p for p in notebooks if keys[p] not in done]
    if results:
        print(f"resuming: {len(results)} notebook(s) already graded, {len(todo)} to go",
              file=sys.stderr)
    stop = _Stop()
    bar = Progress(len(notebooks), "grading", stream=sys.stderr)
    try:
        with stop.on_signals(), ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_grade_safely, p, options, names[p], stop): p for p in todo}
            for future in as_completed(futures):
                p = futures[future]
                result = future.result()
                record.add(keys[p], result)
                results.append(result)
                bar.update(len(results), names[p])
    except _Stopped as exc:
        bar.close()
        print(f"stopped by {exc}: {len(results)} of {len(notebooks)} notebook(s) graded and kept "
              f"in {safe_text(str(record.path))}; run the same command with --resume to finish",
              file=sys.stderr)
        return 128 + stop.signal_number
    bar.close()
    results.sort(key=lambda r: r.name)
    fatal = [r for r in results if r.error and r.error.startswith("could not start")]
    if fatal and len(fatal) == len(results):
        print(f"error: {fatal[0].error}", file=sys.stderr)
        record.remove()
        return 1
    written = write_gradebook(results, out) + write_exports(results, out, students)
    record.remove()
    print(format_summary(results))
    if others:
        print(f"({others} file(s) that are not .ipynb were ignored)")
    print(f"Graded {len(results)} notebook(s); wrote "
          f"{' and '.join(safe_text(str(p)) for p in written)}")
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


class _Stopped(Exception):
    """SIGTERM or SIGINT reached the grader."""


class _Stop:
    """Turns SIGTERM/SIGINT into _Stopped in the main thread and ends the running kernels."""

    def __init__(self):
        self.event = threading.Event()
        self.signal_number = 0

    def on_signals(self):
        stop = self

        class _Handlers:
            def __enter__(self):
                self.previous = {}
                if threading.current_thread() is threading.main_thread():
                    for number in (signal.SIGTERM, signal.SIGINT):
                        self.previous[number] = signal.signal(number, stop.handle)

            def __exit__(self, kind, exc, tb):
                if kind is _Stopped:
                    KernelSession.kill_all()
                for number, handler in self.previous.items():
                    signal.signal(number, handler)

        return _Handlers()

    def handle(self, number, frame):
        self.signal_number = number
        self.event.set()
        KernelSession.stop_now_or_after_spawn(lambda: self.stop(number))

    @staticmethod
    def stop(number):
        KernelSession.kill_all()
        raise _Stopped(signal.Signals(number).name)


def _grade_safely(path, options, name, stop):
    """grade_submission, turning an unexpected failure into a message for this row only."""
    if stop.event.is_set():
        return SubmissionResult(name, error="not graded: the grader was stopped")
    try:
        return grade_submission(path, options, name=name)
    except KernelStartError as exc:
        return SubmissionResult(name, error=safe_text(str(exc)))
    except Exception as exc:  # a bug of the grader must not stop the batch
        return SubmissionResult(name, error=safe_text(f"the grader failed on this notebook "
                                                      f"({type(exc).__name__}: {exc}); please "
                                                      f"report it"))
