"""``backprop-course timed-plan``: the instructor's timed plan and agendas, from measurements.

    backprop-course timed-plan --measure   # run new or changed notebooks in a kernel, then write
    backprop-course timed-plan --check     # exit 1 if the tables are not current (CI)

Minutes come from two sources, never typed by hand:

* **measured**: every lesson and solutions notebook runs top to bottom in a fresh kernel
  (``measure.run_notebook``); the run time of each cell, the kernel's peak memory and CPU time
  are kept in ``docs/instructor/measurements.json`` with a hash of the code they belong to;
* **computed from the text**: reading time from the word count at the speeds below, plus the
  stated allowances for explorers, self-check questions and exercise tasks.

From these, ``docs/instructor/timed-plan.md`` (per lesson and section, exercises, per-learner
resources) and ``docs/instructor/agendas.md`` are rendered. Lessons are discovered
(``lessons/NN_*.ipynb``), so a new lesson appears after one ``--measure``.
"""

import json
import math
import sys
from pathlib import Path

from . import lessons
from .files import write_atomic
from .measure import NotebookRun, code_hash, measure_server, run_notebook

PROSE_WORDS_PER_MINUTE = 130      # technical prose with equations, read with care
CODE_LINES_PER_MINUTE = 10        # code read before it is run
EXPLORER_MINUTES = 3              # moving the sliders through the lesson's "things to try"
SELF_CHECK_MINUTES = 1            # per self-check question, before opening the answer
PREDICT_MINUTES = 1               # per "Predict, then run" prompt: make the guess, then compare
OPEN_QUESTION_MINUTES = 3         # per open question: a few sentences written before the answer
TASK_MINUTES = 8                  # per graded exercise task: write, run the check, fix
QUESTION_MINUTES = 2              # per graded question (multiple choice or a number to predict)
DOCS = Path("docs") / "instructor"
MEASUREMENTS = DOCS / "measurements.json"
PLAN = DOCS / "timed-plan.md"
AGENDAS = DOCS / "agendas.md"


def section_minutes(section, run):
    """Minutes for one Section given the lesson's NotebookRun: (reading, running, activity)."""
    reading = (section.prose_words / PROSE_WORDS_PER_MINUTE
               + section.code_lines / CODE_LINES_PER_MINUTE)
    running = sum(run.cell_seconds.get(i, 0.0) for i in section.code_cells) / 60
    activity = (len(section.explorers) * EXPLORER_MINUTES
                + section.self_check_questions * SELF_CHECK_MINUTES
                + section.predictions * PREDICT_MINUTES
                + section.open_questions * OPEN_QUESTION_MINUTES)
    return reading, running, activity


def lesson_plan(nb, run):
    """[(Section, reading, running, activity, total minutes)] for a lesson notebook."""
    rows = []
    for section in lessons.sections(nb):
        reading, running, activity = section_minutes(section, run)
        rows.append((section, reading, running, activity, reading + running + activity))
    return rows


def exercise_minutes(solution_nb, run, questions=0):
    """(tasks, reading, running, total) minutes for an exercise, from its solutions notebook.

    questions: how many of its graded answers are questions (``graded_questions``), which take
    less time than code."""
    tasks = lessons.exercise_tasks(solution_nb)
    reading = lessons.notebook_words(solution_nb) / PROSE_WORDS_PER_MINUTE
    running = sum(run.cell_seconds.values()) / 60
    work = (tasks - questions) * TASK_MINUTES + questions * QUESTION_MINUTES
    return tasks, reading, running, reading + running + work


def graded_questions(number):
    """How many tasks of exercise ``number`` are questions rather than code (0 if unknown)."""
    try:
        from ..checks import tasks
        from ..checks.questions import is_question
        return sum(1 for task in tasks(number) if is_question(task))
    except (ImportError, ValueError, AttributeError):
        return 0


def whole(minutes):
    """Minutes as shown in a plan: rounded up to a whole minute, at least 1 when not zero."""
    return 0 if minutes <= 0 else max(1, math.ceil(minutes - 1e-9))


# -- the course's notebooks and their measurements ---------------------------------------------

def course_notebooks(course):
    """{key: path} of every lesson and solutions notebook, e.g. "lessons/03_backward_pass"."""
    found = {}
    for folder in ("lessons", "solutions"):
        for path in lessons.find_notebooks(Path(course) / folder):
            found[f"{folder}/{path.stem}"] = path
    return found


def load_measurements(course):
    path = Path(course) / MEASUREMENTS
    if not path.exists():
        return {"notebooks": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def stale_notebooks(course, measurements):
    """Keys of notebooks whose measurement is missing or was made for other code."""
    import nbformat
    stale = []
    for key, path in course_notebooks(course).items():
        record = measurements["notebooks"].get(key)
        if record is None or record["code_hash"] != code_hash(nbformat.read(path, as_version=4)):
            stale.append(key)
    return stale


def measure(course, keys, out=sys.stderr):
    """Run the notebooks ``keys`` and store their measurements (atomically)."""
    import platform

    import numpy
    measurements = load_measurements(course)
    notebooks = course_notebooks(course)
    for key in keys:
        print(f"measuring {key} in a fresh kernel...", file=out, flush=True)
        measurements["notebooks"][key] = run_notebook(notebooks[key]).to_json()
    measurements["notebooks"] = {k: measurements["notebooks"][k]
                                 for k in sorted(measurements["notebooks"]) if k in notebooks}
    if keys or "server_rss_mb" not in measurements:
        print("measuring a JupyterLab server with no notebook open...", file=out, flush=True)
        measurements["server_rss_mb"] = round(measure_server(), 1)
    measurements["machine"] = (f"{platform.machine()}, {_cpu_count()} cores, Python "
                               f"{platform.python_version()}, numpy {numpy.__version__}")
    path = Path(course) / MEASUREMENTS
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(measurements, indent=1, sort_keys=True) + "\n")
    return measurements


def _cpu_count():
    import os
    return os.cpu_count() or 1


# -- the command ------------------------------------------------------------------------------

def register(subparsers):
    p = subparsers.add_parser(
        "timed-plan", help="write the instructor's timed plan and agendas from measured run times",
        description="Render docs/instructor/timed-plan.md and agendas.md from the lessons' text "
                    "and the run times measured in a kernel (docs/instructor/measurements.json).")
    p.add_argument("--dir", metavar="COURSE", help="the course folder (default: found from the "
                   "current folder)")
    p.add_argument("--measure", action="store_true", help="first run every new or changed "
                   "notebook in a fresh kernel and store its measurements")
    p.add_argument("--remeasure", action="store_true", help="run every notebook again")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a measurement "
                   "or a table is not current")
    p.set_defaults(func=run)


def run(args):
    from . import agendas
    from .launch import course_dir_or_report
    from .planrender import render_plan
    course = course_dir_or_report(args.dir)
    if course is None:
        return 2
    measurements = load_measurements(course)
    stale = stale_notebooks(course, measurements)
    if args.check:
        return _check(course, measurements, stale)
    if args.remeasure or args.measure:
        keys = list(course_notebooks(course)) if args.remeasure else stale
        measurements = measure(course, keys)
        stale = []
    if stale:
        print("not measured yet, or changed since: " + ", ".join(stale) + "\nrun "
              "'backprop-course timed-plan --measure'", file=sys.stderr)
        return 1
    for relative, text in ((PLAN, render_plan(course, measurements)),
                           (AGENDAS, agendas.render_agendas(course, measurements))):
        write_atomic(Path(course) / relative, text)
        print(f"wrote {relative.as_posix()}")
    return 0


def _check(course, measurements, stale):
    from . import agendas
    from .planrender import render_plan
    problems = [f"{key}: not measured, or its code changed since" for key in stale]
    if not stale:
        for relative, text in ((PLAN, render_plan(course, measurements)),
                               (AGENDAS, agendas.render_agendas(course, measurements))):
            path = Path(course) / relative
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                problems.append(f"{relative.as_posix()}: not what the lessons and measurements "
                                f"give now")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run 'backprop-course timed-plan --measure' and commit the result", file=sys.stderr)
        return 1
    print("timed plan and agendas are current")
    return 0


def run_of(measurements, key):
    """The NotebookRun stored for ``key``."""
    return NotebookRun.from_json(measurements["notebooks"][key])
