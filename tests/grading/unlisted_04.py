"""Typical wrong answers to exercise 04 that the checks do not list (see unlisted_01.py)."""

_LOSS = """
def _loss(X, W, b, R):
    return np.sum(np.tanh(X @ W + b) * R)
"""

UNLISTED = [
    ("04.layer_numerical_gradients", _LOSS + """
def layer_numerical_gradients(X, W, b, R, h):
    grads = []
    for p in (X, W):
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = _loss(X, W, b, R)
            p[i] = old - h
            down = _loss(X, W, b, R)
            p[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads[0], grads[1], np.zeros_like(b)
""", "all zeros"),
    ("04.layer_numerical_gradients", _LOSS + """
def layer_numerical_gradients(X, W, b, R, h):
    grads = []
    for p in (X, W, b):
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = _loss(X, W, b, R)
            p[i] = old - h
            down = _loss(X, W, b, R)
            p[i] = old
            g[i] = (up - down) / 2 * h
        grads.append(g)
    return tuple(grads)
""", "h"),
    ("04.layer_numerical_gradients", _LOSS + """
def layer_numerical_gradients(X, W, b, R, h):
    grads = []
    for p in (X, W, b):
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = _loss(X, W, b, R)
            p[i] = old - h
            down = _loss(X, W, b, R)
            p[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads[1], grads[0], grads[2]
""", "order"),
    ("04.relative_error", """
def relative_error(a, b):
    return np.linalg.norm(a - b, axis=0) / (np.linalg.norm(a) + np.linalg.norm(b))
""", "single number"),
    ("04.relative_error", """
def relative_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a + b)
""", "‖a‖ + ‖b‖"),
    ("04.find_wrong_gradients", _LOSS + """
def _numeric(X, W, b, R, p):
    g = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        p[i] = old + 1e-5
        up = _loss(X, W, b, R)
        p[i] = old - 1e-5
        down = _loss(X, W, b, R)
        p[i] = old
        g[i] = (up - down) / 2e-5
    return g

def _rel(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))

def find_wrong_gradients(X, W, b, R, dX, dW, db):
    X, W, b = X.copy(), W.copy(), b.copy()
    ok = [_rel(g, _numeric(X, W, b, R, p)) < 1e-6 for g, p in ((dX, X), (dW, W), (db, b))]
    return ok[0], ok[2], ok[1]
""", "order"),
    ("04.tanh_backward", """
def tanh_backward(dA, Z):
    return -dA * (1 - np.tanh(Z) ** 2)
""", "sign"),
    ("04.tanh_backward", """
def tanh_backward(dA, Z):
    return dA * (1 - np.tanh(Z) ** 2) / Z.shape[0]
""", "times too small"),
]
