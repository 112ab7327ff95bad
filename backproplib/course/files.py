"""Write files without losing data: the whole new file or the old one, never half.

``write_atomic`` writes a temporary file next to the target and renames it over the target, so
a gradebook (or a generated exercise) is either the old file or the new one, never half.
"""

import os
import tempfile
from pathlib import Path


def write_atomic(path, data):
    """Write bytes (or text, as UTF-8) to ``path`` via a temporary file and os.replace."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a gradebook or notebook is not
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
