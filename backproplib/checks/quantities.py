"""The quantities of a test that can explain a wrong result: sizes and scalar arguments.

A result that is off by a constant factor usually lost or gained one of the task's own
quantities: the batch size N, the number of entries N·K, a factor 2, the learning rate, the
step h. ``factor_name`` finds which, and says it in the task's terms ("N = 5 times too large",
"divided by K = 3 instead of N = 4", "h² = 1e-08 times the expected value").
"""

import math

import numpy as np


def _arg_names(task, case):
    return list(task.args) + [f"argument {i + 1}" for i in range(len(task.args), len(case.args))]


def size_names(task, case):
    """[(name, size)]: the task's named sizes first (N, K, N·K...), then the axes of the array
    arguments that no named size explains (``len(x)``, ``scores.shape[1]``)."""
    named = [(n, int(v)) for n, v in task.named_sizes(case.args).items() if int(v) > 1]
    seen = {v for _, v in named}
    for name, a in zip(_arg_names(task, case), case.args):
        if not isinstance(a, np.ndarray):
            continue
        for k, size in enumerate(a.shape):
            if size > 1 and size not in seen:
                seen.add(size)
                named.append((f"len({name})" if k == 0 else f"{name}.shape[{k}]", size))
    return named


def describe_size(names, size):
    """'N = 5', 'len(x) = 4', or just the number."""
    for name, value in names:
        if value == size:
            return f"{name} = {size}"
    return str(size)


def scalars(task, case):
    """[(name, value)] of the float arguments (learning rate, step h...) other than 0 and ±1."""
    return [(n, float(v)) for n, v in zip(_arg_names(task, case), case.args)
            if isinstance(v, float) and v not in (0.0, 1.0, -1.0) and np.isfinite(v)]


def _candidates(task, case):
    """(value, sentence) pairs, the simplest explanations first."""
    sizes = size_names(task, case)
    out = [(2.0, "is twice too large: an extra factor 2"),
           (0.5, "is half the expected value: a missing factor 2 (d/dx x² = 2x)")]
    for n, v in sizes:
        out.append((v, f"is {n} = {v} times too large: a sum where the mean is needed, or a "
                       f"missing division by {n}"))
        out.append((1 / v, f"is {n} = {v} times too small: an extra division by {n}"))
    for n, v in scalars(task, case):
        out.append((v, f"is {n} = {v:g} times the expected value: an extra factor {n}"))
        out.append((1 / v, f"is 1/{n} = {1 / v:g} times the expected value: a missing factor "
                           f"{n}, or a division by {n} where a product is meant"))
        out.append((v * v, f"is {n}² = {v * v:g} times the expected value: {n} used twice "
                           f"(e.g. / 2 * {n} instead of / (2 * {n}))"))
        out.append((1 / (v * v), f"is 1/{n}² = {1 / (v * v):g} times the expected value: a "
                                 f"division by {n} twice"))
    for (n1, v1) in sizes:
        for (n2, v2) in sizes:
            if n1 != n2:
                out.append((v1 / v2, f"is {n1}/{n2} = {v1}/{v2} times the expected value: you "
                                     f"divided by {n2} = {v2} instead of {n1} = {v1}"))
        out.append((v1 / 2, f"is {n1}/2 = {v1 / 2:g} times too large: a missing factor 2/{n1}"))
        out.append((2 / v1, f"is 2/{n1} = {2 / v1:.4g} times the expected value: an extra "
                            f"division by {n1} and a factor 2 too many"))
    out += [(math.sqrt(2), "is √2 times too large: a factor 2 too many under a square root (or "
                           "one outside it)"),
            (1 / math.sqrt(2), "is 1/√2 times the expected value: a factor 2 missing under a "
                               "square root")]
    return out


def factor_name(task, case, factor):
    """'is N = 5 times too large: ...' when ``factor`` (> 0) matches a quantity, else ''."""
    for value, sentence in _candidates(task, case):
        if np.isclose(factor, value, rtol=1e-6):
            return sentence
    return ""
