"""Run the benchmarks and print one table:  python3 -m benchmarks.run [--quick] [--markdown].

Sections (all by default; name some to run only those):
  --step       training step of the library vs the BLAS floor, a per-sample loop and PyTorch
  --digits     digits network: test accuracy and training time over 5 seeds
  --explorers  each interactive explorer: time from a slider change to the redrawn output
  --notebooks  execution time of each lesson and solution notebook
  --grading    grading 30 submissions, serially and with 2 jobs; a class of 200 with and
               without the sandbox
  --import     time to ``import backproplib`` in a fresh process
  --feedback   unlisted wrong answers (tests/grading/unlisted_NN.py): share losing points, share
               whose feedback names the cause; solutions and untouched exercises
  --suite      also time the whole test suite (python3 -m pytest; minutes, so never by default)

Each figure is the median, min and max over repeated runs; every comparison is a ratio of
medians measured side by side in the same run. Nothing is written into the repository.
"""

import argparse
import os
import platform
import sys
import time

SECTIONS = ("step", "digits", "explorers", "notebooks", "grading", "import", "feedback")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m benchmarks.run",
        description="Benchmarks of the backprop course: one table of figures.")
    for name in SECTIONS:
        parser.add_argument(f"--{name}", action="store_true", help=f"run the {name} section")
    parser.add_argument("--suite", action="store_true",
                        help="also time the whole test suite (python3 -m pytest; slow)")
    parser.add_argument("--quick", action="store_true",
                        help="few repetitions and small sizes: a smoke run of a few seconds")
    parser.add_argument("--markdown", action="store_true",
                        help="print the table in Markdown (to paste into the README)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and PyTorch threads (default 1; the machine is shared)")
    parser.add_argument("--sizes", nargs="+", metavar="NAME",
                        help="training-step sizes to run: tiny digits MNIST-like wide")
    parser.add_argument("--lessons", nargs="+", metavar="NN",
                        help="explorer section: time only these lessons in the browser (01 08)")
    args = parser.parse_args(argv)
    bad = [n for n in args.lessons or () if not (len(n) == 2 and n.isdigit())]
    if bad:
        parser.error(f"--lessons takes two-digit lesson numbers such as 01 or 08, got {bad}")
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    chosen = [name for name in SECTIONS if getattr(args, name)]
    args.sections = chosen or ([] if args.suite else list(SECTIONS))
    return args


def limit_threads(threads):
    """Set the BLAS thread count; must run before numpy is first imported to take effect.

    Processes the benchmark starts get the environment as it was (timing.ORIGINAL_ENVIRONMENT).
    """
    from . import timing  # noqa: F401  (remembers the environment before it changes)

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("MPLBACKEND", "Agg")
    return "numpy" not in sys.modules


def machine_description(threads, threads_applied):
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "unknown BLAS"
    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{info['name']} {info['version']}"
    except Exception:  # the layout of show_config differs between numpy versions
        pass
    try:
        import torch
        torch_text = f"torch {torch.__version__}"
    except ImportError:
        torch_text = "torch not installed"
    note = "" if threads_applied else " (numpy was already imported: thread count not applied)"
    return (f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}, numpy {np.__version__} with {blas}, "
            f"{torch_text}; {threads} BLAS/torch thread(s){note}; float64")


def collect(args):
    """Run the chosen sections; yield rows as they come (so a long run shows progress)."""
    if "step" in args.sections:
        from . import step
        yield from step.run(quick=args.quick, threads=args.threads, sizes=args.sizes)
    if "digits" in args.sections:
        from . import digits
        yield from digits.run(quick=args.quick)
    if "explorers" in args.sections:
        from . import explorers
        yield from explorers.run(quick=args.quick, lessons=args.lessons)
    if "notebooks" in args.sections or args.suite:
        from . import notebooks
        yield from notebooks.run(quick=args.quick, notebooks="notebooks" in args.sections,
                                 suite=args.suite)
    if "grading" in args.sections:
        from . import grading
        yield from grading.run(quick=args.quick)
    if "import" in args.sections:
        from . import import_time
        yield from import_time.run(quick=args.quick)
    if "feedback" in args.sections:
        from . import feedback
        yield from feedback.run(quick=args.quick)


def main(argv=None):
    args = parse_args(argv)
    applied = limit_threads(args.threads)
    from .timing import format_markdown, format_median, format_text

    print(f"backprop course benchmarks — {machine_description(args.threads, applied)}",
          flush=True)
    rows = []
    for row in collect(args):
        rows.append(row)
        print(f"  {row.section} | {row.item} ... done", file=sys.stderr, flush=True)
    print(format_markdown(rows) if args.markdown else format_text(rows))
    missed = [r for r in rows if r.met is False]
    met = [r for r in rows if r.met is True]
    print(f"\ntargets: {len(met)} met, {len(missed)} missed"
          + "".join(f"\n  missed: {r.section} | {r.item}: median {format_median(r)}, {r.ratio}"
                    for r in missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
