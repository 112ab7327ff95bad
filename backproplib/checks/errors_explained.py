"""Turn the exceptions learners commonly meet into advice in the task's terms.

``explain_error(task, case, ename, message)`` returns one sentence, or "" when the error is
not one of these. A shape error names the arguments whose shapes are involved, and for a
matrix product that does not fit, the transposes of the arguments that would fit.
"""

import re

import numpy as np

from .quantities import _arg_names

AMBIGUOUS = ("Python's own `max`, `min`, `if`, `and` or `or` work on one number, not on an "
             "array (\"the truth value of an array is ambiguous\"): use the element-wise "
             "np.maximum(0, z), np.minimum, np.where(condition, a, b), & and | instead")


def _shapes(task, case):
    return [(n, a.shape) for n, a in zip(_arg_names(task, case), case.args)
            if isinstance(a, np.ndarray) and a.ndim]


def _named(task, case, shape):
    names = [f"`{n}`" for n, s in _shapes(task, case) if s == shape]
    return f"{' or '.join(names)} {shape}" if names else f"an array of shape {shape}"


def _matmul(task, case, message):
    m = re.search(r"size (\d+) is different from (\d+)", message)
    m2 = re.search(r"shapes \(([\d, ]+)\) and \(([\d, ]+)\) not aligned", message)
    if m:
        right_rows, left_cols = int(m.group(1)), int(m.group(2))
    elif m2:
        left = tuple(int(x) for x in m2.group(1).split(",") if x.strip())
        right = tuple(int(x) for x in m2.group(2).split(",") if x.strip())
        left_cols, right_rows = left[-1], right[0]
    else:
        return ""
    text = (f"a matrix product does not fit: its left factor has {left_cols} columns but the "
            f"right one has {right_rows} rows (for A @ B, A's columns must equal B's rows)")
    fits = []
    two = [(n, s) for n, s in _shapes(task, case) if len(s) == 2]
    for n1, s1 in two:
        for n2, s2 in two:
            if n1 != n2 and s1[1] == left_cols and s2[0] == right_rows:
                if s1[0] == s2[0]:
                    fits.append(f"{n1}.T @ {n2}")
                if s1[1] == s2[1]:
                    fits.append(f"{n1} @ {n2}.T")
    for n, s in two:
        if s == (left_cols, right_rows):
            fits.append(f"{n}")
    if fits:
        text += (f". Likely a transpose missing or too many: "
                 f"{' or '.join(f'`{f}`' for f in fits[:3])} fits there")
    else:
        text += ". Write the shape of every factor beside the product: a transpose is likely missing"
    return text


def _broadcast(task, case, message):
    m = re.search(r"shapes ((?:\([\d,]*\)\s*)+)", message)
    if not m:
        return ""
    shapes = [tuple(int(x) for x in s.split(",") if x.strip())
              for s in re.findall(r"\(([\d,]*)\)", m.group(1))]
    parts = " and ".join(_named(task, case, s) for s in shapes)
    return (f"the shapes do not fit together: an element-wise operation (+, −, *, /, ==) "
            f"combined {parts}, which cannot be broadcast. Check that each operand is the "
            f"array you meant (a missing transpose, the wrong axis of a sum or an argmax)")


def explain_error(task, case, ename, message):
    """Advice for a raised exception, or ""."""
    lower = message.lower()
    if "truth value of an array" in lower:
        return AMBIGUOUS
    if "matmul" in lower or "not aligned" in lower:
        return _matmul(task, case, message)
    if "could not be broadcast" in lower:
        return _broadcast(task, case, message)
    if ename == "IndexError" and "out of bounds" in lower:
        return (f"an index runs past the end ({message}): indices go from 0 to n − 1, so "
                f"loop over range(n), not range(n + 1) or range(1, n + 1)")
    if ename == "NameError":
        name = re.search(r"name '([^']+)'", message)
        what = f"`{name.group(1)}`" if name else "a name"
        return (f"your function uses {what}, which is not defined: a typo, a variable of "
                f"another cell, or a helper defined below the function's cell")
    if ename == "UnboundLocalError":
        return (f"{message}: a variable is used before the line that assigns it (or only "
                f"assigned inside an if or a loop that did not run)")
    if ename == "RecursionError":
        return ("your function calls itself without end: does it call a function of the same "
                "name (e.g. `def sigmoid(z): return sigmoid(z)`)?")
    if ename == "ZeroDivisionError":
        return ("a division by zero: a count that is 0 (an empty batch, int() rounding down) or "
                "a norm of zero (return 0 there)")
    if "only size-1 arrays" in lower or "only length-1 arrays" in lower or \
            "converted to python scalars" in lower or "math range error" in lower:
        return ("the math module (math.exp, math.log...) works on one number: use np.exp, "
                "np.log... which work entry by entry on arrays")
    if ename == "AttributeError" and "'list' object" in message:
        return ("a Python list has no array methods: turn it into an array with np.array(...) "
                "first")
    if "unsupported operand type" in lower and "nonetype" in lower:
        return "a value is None: a helper function without `return`?"
    if "setting an array element with a sequence" in lower:
        return ("an array entry was given several numbers: check the shapes of what you put "
                "into one entry (a whole row where one number belongs?)")
    return ""
