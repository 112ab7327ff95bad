"""A progress bar for long loops: a widget in a notebook, a line of text in a terminal."""

import sys
import time

from .errors import check_count


def _in_notebook():
    """True when running inside a Jupyter kernel (where widgets can be shown)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class Progress:
    """Progress(total, label): call ``update(i, text)`` after step i (1-based), ``close()`` at the end.

    Also a context manager that closes itself: ``with Progress(10, "training") as bar: ...``.
    With ``shown=False`` it shows nothing, so a loop can update it either way.
    """

    def __init__(self, total, label="", stream=None, shown=True):
        self.total = check_count(total, "Progress: total (the number of steps)")
        self.label, self.start, self.shown = str(label), time.perf_counter(), shown
        self.stream = stream or sys.stderr
        self.widget = None
        if shown and stream is None and _in_notebook():
            import ipywidgets
            from IPython.display import display
            self.bar = ipywidgets.IntProgress(min=0, max=self.total, description=self.label)
            self.text = ipywidgets.Label()
            self.widget = ipywidgets.HBox([self.bar, self.text])
            display(self.widget)

    def update(self, i, text=""):
        elapsed = time.perf_counter() - self.start
        message = f"{i}/{self.total} {text} ({elapsed:.1f} s)"
        if self.widget is not None:
            self.bar.value, self.text.value = i, message
        elif self.shown:
            width = 24
            filled = int(width * i / self.total)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {message}")
            self.stream.flush()

    def close(self):
        if self.shown and self.widget is None:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
