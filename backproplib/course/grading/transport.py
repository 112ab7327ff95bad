"""Values passed between the grader and the grading kernel: plain JSON, arrays spelled out.

The grader never unpickles what a submission's kernel wrote. Arrays travel as
``{"ndarray": nested lists, "dtype": "float64", "shape": [N, K]}`` and are rebuilt only with a
numeric dtype; tuples and lists are tagged; anything else becomes an ``Opaque`` description.
Python's json keeps floats exact (repr round-trips) and writes nan/inf as NaN/Infinity.
"""

import numpy as np

#: arrays with more entries are not sent back (the grader only needs their shape)
MAX_ELEMENTS = 1_000_000
#: tuples and lists nested deeper are not sent (a result is at most a tuple of arrays)
MAX_DEPTH = 20
_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64"}


class DecodeError(ValueError):
    """Data that is not what ``encode`` writes."""


class Opaque:
    """A returned value the grader cannot compare (a string, an object, a huge array)."""

    def __init__(self, description):
        self.description = str(description)[:200]

    def __repr__(self):
        return self.description


def encode(value, depth=0):
    """A JSON-ready form of ``value`` (numbers, arrays, tuples/lists of them)."""
    if depth > MAX_DEPTH:
        return {"opaque": "a value nested too deeply to compare"}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype.name not in _DTYPES:
            return {"opaque": f"an array of dtype {value.dtype}"}
        if value.size > MAX_ELEMENTS:
            return {"opaque": f"an array of shape {value.shape}, too large to compare"}
        return {"ndarray": value.tolist(), "dtype": value.dtype.name, "shape": list(value.shape)}
    if isinstance(value, (tuple, list)):
        tag = "tuple" if isinstance(value, tuple) else "list"
        return {tag: [encode(v, depth + 1) for v in value]}
    if isinstance(value, str):
        return {"opaque": f"a str ({value[:40]!r})"}
    return {"opaque": f"a {type(value).__name__}"}


def decode(data, depth=0):
    """The value ``encode`` described. Raises DecodeError on anything else."""
    if depth > MAX_DEPTH + 1:  # encode stops one level earlier, with an Opaque
        raise DecodeError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if not isinstance(data, dict):
        raise DecodeError(f"unexpected {type(data).__name__}")
    if set(data) == {"ndarray", "dtype", "shape"}:
        if data["dtype"] not in _DTYPES:
            raise DecodeError(f"dtype {data['dtype']!r} not allowed")
        try:
            arr = np.array(data["ndarray"], dtype=data["dtype"])
            if arr.size == 0 and isinstance(data["shape"], list) and 0 in data["shape"]:
                arr = arr.reshape(data["shape"])  # [] alone cannot say (0, 4)
        except (TypeError, ValueError, OverflowError) as exc:
            raise DecodeError(f"bad array: {exc}") from None
        if list(arr.shape) != data["shape"]:
            raise DecodeError(f"array of shape {arr.shape}, announced {data['shape']}")
        return arr
    if len(data) == 1:
        (tag, body), = data.items()
        if tag in ("tuple", "list") and isinstance(body, list):
            items = [decode(v, depth + 1) for v in body]
            return tuple(items) if tag == "tuple" else items
        if tag == "opaque":
            return Opaque(body)
    raise DecodeError(f"unexpected keys {sorted(data)[:5]}")
