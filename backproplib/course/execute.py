"""``backprop-course execute NOTEBOOK...``: run notebooks top to bottom and save their outputs.

What *Restart Kernel and Run All Cells* then *Save* does in JupyterLab, for a whole folder at
once: each notebook runs in a fresh kernel, in its own folder, and its outputs are written back.
The outputs an explorer saves are a still picture of its first state, which is what a learner
sees on first open; no widget state is saved in the notebook (it would only repeat that picture
at many times the size). A notebook whose run fails is left exactly as it was.
"""

import os
import sys
from pathlib import Path

from .files import write_atomic

#: seconds a single cell may run
CELL_TIMEOUT = 600


def execute_notebook(path, timeout=CELL_TIMEOUT):
    """Run ``path`` in a fresh kernel and save it with its new outputs (atomically).

    Raises nbclient's CellExecutionError (or a kernel error) when a cell fails; the file on
    disk is then unchanged.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)   # a stale widget state from an older run
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    # plots are saved inline, as JupyterLab saves them, even when this shell chose another
    # matplotlib backend (MPLBACKEND=Agg would leave the lessons without their plots)
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        client.execute()
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    write_atomic(path, nbformat.writes(nb) + "\n")


def register(subparsers):
    parser = subparsers.add_parser(
        "execute", help="run notebooks top to bottom in a fresh kernel and save their outputs",
        description="Run each notebook in a fresh kernel, in its own folder, and save its outputs "
                    "(as Restart Kernel and Run All Cells, then Save). A notebook whose run "
                    "fails is left unchanged.")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="the .ipynb files")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT,
                        help=f"seconds a cell may run (default {CELL_TIMEOUT})")
    parser.set_defaults(func=run)


def run(args):
    failed = 0
    for name in args.notebooks:
        path = Path(name)
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"✗ {name}: not a notebook file (expected an existing .ipynb)", file=sys.stderr)
            failed += 1
            continue
        print(f"running {path} ...", flush=True)
        try:
            execute_notebook(path, args.timeout)
        except Exception as exc:  # the report names any failure; the file is unchanged
            print(f"✗ {path}: {type(exc).__name__}: {str(exc)[-2000:]}\n  (file left unchanged)",
                  file=sys.stderr)
            failed += 1
            continue
        print(f"✓ {path} ({path.stat().st_size // 1024} KB)", flush=True)
    return 1 if failed else 0
