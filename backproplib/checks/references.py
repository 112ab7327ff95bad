"""Correct versions of the functions that later tasks call, as self-contained source code.

"A bug costs once": when a task calls the learner's function from an earlier task (``uses``),
the check and the grader call it with the correct version below substituted for the earlier
function, so that one mistake loses points in one task. The versions are source text (numpy
only) because the grader sends them into the grading kernel; each is tested against the
earlier task's reference (tests/test_feedback.py).
"""

import copy
from contextlib import contextmanager

import numpy as np

SOURCES = {
    "01.sigmoid": '''
def sigmoid(z):
    import numpy as np
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    "01.dense_forward": '''
def dense_forward(X, W, b):
    return X @ W + b
''',
    "02.softmax": '''
def softmax(Z):
    import numpy as np
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''',
    "03.dense_backward": '''
def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
''',
    "03.sigmoid_backward": '''
def sigmoid_backward(dA, Z):
    import numpy as np
    Z = np.asarray(Z, dtype=float)
    e = np.exp(-np.abs(Z))
    s = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return dA * s * (1.0 - s)
''',
    "04.layer_numerical_gradients": '''
def layer_numerical_gradients(X, W, b, R, h):
    import numpy as np
    X, W, b = X.copy(), W.copy(), b.copy()
    grads = []
    for p in (X, W, b):
        g = np.zeros_like(p, dtype=float)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = np.sum(np.tanh(X @ W + b) * R)
            p[i] = old - h
            down = np.sum(np.tanh(X @ W + b) * R)
            p[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return tuple(grads)
''',
    "04.relative_error": '''
def relative_error(a, b):
    import numpy as np
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    top = np.linalg.norm(a - b)
    bottom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if bottom == 0 else float(top / bottom)
''',
    "08.rnn_step_forward": '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    import numpy as np
    return np.tanh(x @ Wx + h_prev @ Wh + b)
''',
    "08.rnn_step_backward": '''
def rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    dz = dh * (1.0 - h * h)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
''',
    "06.momentum_step": '''
def momentum_step(theta, grad, v, lr, mu):
    v = mu * v - lr * grad
    return theta + v, v
''',
}


def substitutes(task):
    """{function name: source} of the correct versions of the tasks ``task`` uses."""
    out = {}
    for used in task.uses:
        if used in SOURCES:
            out[used.split(".", 1)[1]] = SOURCES[used]
    return out


def build(sources):
    """{name: function} from {name: source}, each defined in a fresh namespace."""
    functions = {}
    for name, source in sources.items():
        namespace = {}
        exec(source, namespace)
        functions[name] = namespace[name]
    return functions


@contextmanager
def substituted(function, sources):
    """While inside, the global names in ``sources`` seen by ``function`` are the correct
    versions; afterwards the function's namespace is exactly as before."""
    namespace = getattr(function, "__globals__", None)
    if namespace is None or not sources:
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in sources}
    namespace.update(build(sources))
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = old


def agrees_with_reference(task, source, cases):
    """Does the source's function give the task's reference result on ``cases``?"""
    function = build({task.function: source})[task.function]
    for case in cases:
        got = function(*copy.deepcopy(case.args))
        want = task.reference(*copy.deepcopy(case.args))
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        if not all(np.allclose(g, w, rtol=1e-9, atol=1e-12) for g, w in zip(got, want)):
            return False
    return True
