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
    """Progress(total, label) — call ``update(i, text)`` after step i (1-based), ``close()`` at the end."""

    def __init__(self, total, label="", stream=None):
        self.total = check_count(total, "Progress: total (the number of steps)")
        self.label, self.start = str(label), time.perf_counter()
        self.stream = stream or sys.stderr
        self.widget = None
        if stream is None and _in_notebook():
            import ipywidgets
            from IPython.display import display
            self.bar = ipywidgets.IntProgress(min=0, max=total, description=label)
            self.text = ipywidgets.Label()
            self.widget = ipywidgets.HBox([self.bar, self.text])
            display(self.widget)

    def update(self, i, text=""):
        elapsed = time.perf_counter() - self.start
        message = f"{i}/{self.total} {text} ({elapsed:.1f} s)"
        if self.widget is not None:
            self.bar.value, self.text.value = i, message
        else:
            width = 24
            filled = int(width * i / max(self.total, 1))
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {message}")
            self.stream.flush()

    def close(self):
        if self.widget is None:
            self.stream.write("\n")
            self.stream.flush()
