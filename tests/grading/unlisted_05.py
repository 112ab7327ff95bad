"""Typical wrong answers to exercise 05 that the checks do not list (see unlisted_01.py)."""

_SIGMOID = """
def _s(z):
    return 1 / (1 + np.exp(-z))
"""

_NORMS = _SIGMOID + """
def layer_gradient_norms(X, Y, Ws, bs):
    As = [X]
    for W, b in zip(Ws, bs):
        As.append(_s(As[-1] @ W + b))
    dA = {scale}
    norms = []
    for l in {layers}:
        dZ = dA * As[l + 1] * (1 - As[l + 1])
        norms.append({measure})
        dA = dZ @ Ws[l].T
    return np.array(norms[::-1])
"""

UNLISTED = [
    ("05.chain_gradient", _SIGMOID + """
def chain_gradient(a0, w, b):
    a, grad = a0, 1.0
    for w_l, b_l in zip(w, b):
        a = _s(w_l * a + b_l)
        grad *= w_l * a * (1 - a)
    return a, -grad
""", "sign"),
    ("05.chain_gradient", _SIGMOID + """
def chain_gradient(a0, w, b):
    a, grad = a0, 1.0
    for w_l, b_l in zip(w, b):
        a = _s(w_l * a + b_l)
        grad = w_l * a * (1 - a)
    return a, grad
""", "multipl"),
    ("05.layer_gradient_norms", _NORMS.format(
        scale="2 * (As[-1] - Y) / Y.size", layers="reversed(range(1, len(Ws)))",
        measure="np.linalg.norm(As[l].T @ dZ)"), "one"),
    ("05.layer_gradient_norms", _NORMS.format(
        scale="As[-1] - Y", layers="reversed(range(len(Ws)))",
        measure="np.linalg.norm(As[l].T @ dZ)"), "N·H"),
    ("05.layer_gradient_norms", _NORMS.format(
        scale="2 * (As[-1] - Y) / Y.size", layers="reversed(range(len(Ws)))",
        measure="np.linalg.norm(As[l].T @ dZ, axis=0)"), "shape"),
    ("05.layer_gradient_norms", _NORMS.format(
        scale="2 * (As[-1] - Y) / Y.size", layers="reversed(range(len(Ws)))",
        measure="np.linalg.norm(As[l].T @ dZ) / len(X)"), "N = "),
    ("05.init_std", """
def init_std(n_in, n_out):
    return np.sqrt(1 / (2 * n_in))
""", "half"),
    ("05.init_std", """
def init_std(n_in, n_out):
    return 2 / n_in
""", "n_in"),
]
