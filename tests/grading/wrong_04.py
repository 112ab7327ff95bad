"""Typical wrong answers to exercise 04, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code. An answer defines every helper
it calls, under names of its own, so that in a whole notebook it does not replace the (wrong)
answers of the earlier tasks.
"""

LAYER = '''
def layer_numerical_gradients(X, W, b, R, h=1e-5):
    def loss():
        return np.sum(np.tanh(X @ W + b) * R)
    return numerical_gradient(loss, X, h), numerical_gradient(loss, W, h), numerical_gradient(loss, b, h)
'''

CENTRAL = '''
def central_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad

def layer_gradients(X, W, b, R):
    loss = lambda: np.sum(np.tanh(X @ W + b) * R)
    return [central_gradient(loss, p) for p in (X, W, b)]

def rel_error(a, b):
    s = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if s == 0 else np.linalg.norm(a - b) / s
'''

WRONG = [
    ("04.layer_numerical_gradients", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad
''' + LAYER, "one-sided difference"),
    ("04.layer_numerical_gradients", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        grad[i] = (up - down) / (2 * h)
    return grad
''' + LAYER, "forgot to restore"),
    ("04.layer_numerical_gradients", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / h
    return grad
''' + LAYER, "2h apart"),
    ("04.layer_numerical_gradients", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
''' + LAYER, "a whole row"),
    ("04.relative_error", '''
def relative_error(a, b):
    if not np.any(a) and not np.any(b):
        return 0.0
    return np.linalg.norm(a - b) / np.linalg.norm(a)
''', "divided by ‖a‖ only"),
    ("04.relative_error", '''
def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
''', "return 0.0 there"),
    ("04.relative_error", '''
def relative_error(a, b):
    d = np.abs(a) + np.abs(b)
    return float(np.mean(np.abs(a - b) / np.where(d == 0, 1, d)))
''', "entry-by-entry"),
    ("04.find_wrong_gradients", CENTRAL + '''
def find_wrong_gradients(X, W, b, R, dX, dW, db):
    numeric = layer_gradients(X, W, b, R)
    return tuple(rel_error(g, n) > 1e-6 for g, n in zip((dX, dW, db), numeric))
''', "wrong way round"),
    ("04.find_wrong_gradients", CENTRAL + '''
def find_wrong_gradients(X, W, b, R, dX, dW, db):
    return tuple(g.shape == n.shape for g, n in zip((dX, dW, db), (X, W, b)))
''', "judged every gradient right"),
    ("04.find_wrong_gradients", '''
def one_sided(f, x, h=1e-5):
    grad = np.zeros_like(x)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad

def find_wrong_gradients(X, W, b, R, dX, dW, db):
    loss = lambda: np.sum(np.tanh(X @ W + b) * R)
    numeric = [one_sided(loss, p) for p in (X, W, b)]
    return tuple(bool(np.linalg.norm(g - n) / (np.linalg.norm(g) + np.linalg.norm(n)) < 1e-6)
                 for g, n in zip((dX, dW, db), numeric))
''', "judged every gradient wrong"),
    ("04.tanh_backward", '''
def tanh_backward(dA, Z):
    return dA * (1 - Z ** 2)
''', "buggy version"),
    ("04.tanh_backward", '''
def tanh_backward(dA, Z):
    return 1 - np.tanh(Z) ** 2
''', "tanh'(Z) alone"),
    ("04.tanh_backward", '''
def tanh_backward(dA, Z):
    return dA * (1 - np.tanh(Z))
''', "the square of tanh"),
]
