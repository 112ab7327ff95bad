"""The resumable record of a batch: one line per graded submission, written as it is graded.

``grading-record.jsonl`` in the output folder starts with a line of the grading options, then
one JSON line per submission: its name, the hex of its path's bytes and the SHA-256 of its
content (so a file changed since is graded again), and its full result. Each line is flushed
and synced before the next submission is reported done, so a grader that is killed loses at
most the submissions being graded at that moment; ``grade --resume`` reads the record, skips
what it holds and grades the rest. A line cut short by a crash is ignored. Once the gradebook
is written the record is removed.
"""

import dataclasses
import hashlib
import json
import os
import threading
from pathlib import Path

from ...checks.judge import TaskResult
from .judging import SubmissionResult

RECORD = "grading-record.jsonl"


class RecordError(ValueError):
    """A record that cannot be continued (other options, or not a record)."""


def file_key(path, relative):
    """(hex of the relative path's bytes, SHA-256 of the file's bytes): what a line is for."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return os.fsencode(relative).hex(), digest


def result_to_dict(result):
    return dataclasses.asdict(result)


def result_from_dict(data):
    tasks = [TaskResult(**{**t, "details": tuple(t.get("details", ()))}) for t in data["tasks"]]
    return SubmissionResult(**{**data, "tasks": tasks})


class Record:
    """The record file of one batch (thread-safe appends)."""

    def __init__(self, out_dir):
        self.path = Path(out_dir) / RECORD
        self.lock = threading.Lock()

    def exists(self):
        return self.path.exists()

    def load(self, options):
        """{(path hex, sha256): SubmissionResult} from an earlier run with the same options."""
        with open(self.path, "rb+") as f:  # a line cut short gets its end, so appends start afresh
            f.seek(0, os.SEEK_END)
            if f.tell() and (f.seek(-1, os.SEEK_END) or f.read(1) != b"\n"):
                f.write(b"\n")
        done, first = {}, True
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # cut short by a crash
                if first:
                    first = False
                    if entry.get("options") != options:
                        raise RecordError(
                            f"{self.path} was written with other options ({entry.get('options')}); "
                            f"grade with the same options, or delete it to start again")
                    continue
                try:
                    done[(entry["path"], entry["sha256"])] = result_from_dict(entry["result"])
                except (KeyError, TypeError):
                    continue
        return done

    def start(self, options):
        """Begin a new record (the first line holds the options)."""
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"options": options}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def add(self, key, result):
        """Append a submission's result and sync it to disk."""
        line = json.dumps({"path": key[0], "sha256": key[1], "result": result_to_dict(result)},
                          ensure_ascii=True)
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def remove(self):
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
