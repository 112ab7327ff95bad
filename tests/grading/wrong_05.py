"""Typical wrong answers to exercise 05, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code.
"""

NORMS = '''
def layer_gradient_norms(X, Y, Ws, bs):
    s = lambda z: 1 / (1 + np.exp(-z))
    As = [X]
    for W, b in zip(Ws, bs):
        As.append(s(As[-1] @ W + b))
    dA = 2 * (As[-1] - Y) / DIVISOR
    norms = []
    for l in reversed(range(len(Ws))):
        dZ = DZ
        norms.append(NORM)
        dA = dZ @ Ws[l].T
    return np.array(norms[::-1])
'''


def norms(divisor="Y.size", dz="dA * As[l + 1] * (1 - As[l + 1])",
          norm="np.linalg.norm(As[l].T @ dZ)"):
    return NORMS.replace("DIVISOR", divisor).replace("DZ", dz).replace("NORM", norm)

SPEEDS = '''
def layer_learning_speeds(X, Y, Ws, bs, lr, steps):
    s = lambda z: 1 / (1 + np.exp(-z))
    Ws, bs = Ws.copy(), bs.copy()
    out = np.zeros((steps, len(Ws)))
    for t in range(steps):
        As = [X]
        for W, b in zip(Ws, bs):
            As.append(s(As[-1] @ W + b))
        dA = 2 * (As[-1] - Y) / Y.size
        dWs, dbs = np.zeros_like(Ws), np.zeros_like(bs)
        for l in reversed(range(len(Ws))):
            dZ = dA * As[l + 1] * (1 - As[l + 1])
            dWs[l], dbs[l] = As[l].T @ dZ, dZ.sum(axis=0)
            dA = dZ @ Ws[l].T
        BEFORE
        for l in range(len(Ws)):
            out[t, l] = RATIO
        AFTER
    return out
'''


def speeds(ratio="lr * np.linalg.norm(dWs[l]) / np.linalg.norm(Ws[l])", before="",
           after="Ws -= lr * dWs; bs -= lr * dbs"):
    return SPEEDS.replace("RATIO", ratio).replace("BEFORE", before or "pass").replace(
        "AFTER", after or "pass")


WRONG = [
    ("05.chain_gradient", '''
def chain_gradient(a0, w, b):
    a, grad = a0, 1.0
    for w_l, b_l in zip(w, b):
        a = 1 / (1 + np.exp(-(w_l * a + b_l)))
        grad *= a * (1 - a)
    return a, grad
''', "left out the weights"),
    ("05.chain_gradient", '''
def chain_gradient(a0, w, b):
    a, grad = a0, 0.0
    for w_l, b_l in zip(w, b):
        a = 1 / (1 + np.exp(-(w_l * a + b_l)))
        grad += w_l * a * (1 - a)
    return a, grad
''', "you added them"),
    ("05.chain_gradient", '''
def chain_gradient(a0, w, b):
    s = lambda z: 1 / (1 + np.exp(-z))
    a, grad = a0, 1.0
    for w_l, b_l in zip(w, b):
        a = s(w_l * a + b_l)
        grad *= w_l * s(a) * (1 - s(a))
    return a, grad
''', "you took it at a_l"),
    ("05.layer_gradient_norms", norms().replace("norms[::-1]", "norms"), "reverse order"),
    ("05.layer_gradient_norms", norms(dz="dA"), "you left out σ'"),
    ("05.layer_gradient_norms", norms(norm="np.sum((As[l].T @ dZ) ** 2)"), "squared norms"),
    ("05.layer_gradient_norms", norms(divisor="len(Y)"), "divided by N only"),
    ("05.init_std", '''
def init_std(n_in, n_out):
    return 0.01
''', "far too small"),
    ("05.init_std", '''
def init_std(n_in, n_out):
    return 2 / n_in
''', "you returned the variance"),
    ("05.init_std", '''
def init_std(n_in, n_out):
    return np.sqrt(2 / (n_in + n_out))
''', "meant for tanh"),
    ("05.init_std", '''
def init_std(n_in, n_out):
    return 1 / np.sqrt(n_in)
''', "halves the signal's variance"),
    ("05.init_std", '''
def init_std(n_in, n_out):
    return np.sqrt(2 / n_out)
''', "going backward"),
    ("05.layer_learning_speeds", speeds(after=""), "at the starting weights"),
    ("05.layer_learning_speeds", speeds(before="Ws -= lr * dWs; bs -= lr * dbs", after=""),
     "before* the update"),
    ("05.layer_learning_speeds", speeds(after="Ws -= lr * dWs"), "biases must be trained"),
    ("05.layer_learning_speeds", speeds(ratio="np.linalg.norm(dWs[l]) / np.linalg.norm(Ws[l])"),
     "learning rate is missing"),
]
