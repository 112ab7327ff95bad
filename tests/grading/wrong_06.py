"""Typical wrong answers to exercise 06, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code. The training loops define the
notebook's given ``loss_and_gradients`` and a correct momentum update under another name (so
that, in a whole notebook, they do not replace the wrong ``momentum_step`` of Task 2).
"""

GIVEN = '''
def loss_and_gradients(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    dZ2 = P.copy()
    dZ2[np.arange(N), y] -= 1.0
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return 0.0, (X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0))

def momentum_update(theta, grad, v, lr, mu):
    v = mu * v - lr * grad
    return theta + v, v
'''

LOOP = GIVEN + '''
def train_network(X, y, W1, b1, W2, b2, lr, mu, batch_size, orders):
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    vs = [np.zeros_like(p) for p in params]
    N = len(X)
    for e in range(len(orders)):
        ORDER
        for start in range(0, STOP, batch_size):
            batch = order[start:start + batch_size]
            _, grads = loss_and_gradients(X[batch], y[batch], *params)
            for i, g in enumerate(grads):
                UPDATE
    return tuple(params)
'''


def loop(order="order = orders[e]", stop="N",
         update="params[i], vs[i] = momentum_update(params[i], g, vs[i], lr, mu)"):
    return LOOP.replace("ORDER", order).replace("STOP", stop).replace("UPDATE", update)


WRONG = [
    ("06.sgd_step", '''
def sgd_step(theta, grad, lr):
    return theta + lr * grad
''', "you moved uphill"),
    ("06.sgd_step", '''
def sgd_step(theta, grad, lr):
    theta -= lr * grad
    return theta
''', "changed its input `theta` in place"),
    ("06.sgd_step", '''
def sgd_step(theta, grad, lr):
    return theta - grad
''', "forgot the learning rate"),
    ("06.momentum_step", '''
def momentum_step(theta, grad, v, lr, mu):
    return theta + v, mu * v - lr * grad
''', "with the old v"),
    ("06.momentum_step", '''
def momentum_step(theta, grad, v, lr, mu):
    v = -lr * grad
    return theta + v, v
''', "you left out μ v"),
    ("06.momentum_step", '''
def momentum_step(theta, grad, v, lr, mu):
    v *= mu
    v -= lr * grad
    return theta + v, v
''', "changed its input `v` in place"),
    ("06.accuracy", '''
def accuracy(scores, y):
    return 100 * np.mean(scores.argmax(axis=1) == y)
''', "percentage"),
    ("06.accuracy", '''
def accuracy(scores, y):
    return np.sum(scores.argmax(axis=1) == y)
''', "number of correct predictions"),
    ("06.accuracy", '''
def accuracy(scores, y):
    return np.mean(scores.argmax(axis=0) == y)
''', "shapes do not fit"),
    ("06.train_network", loop(order="order = np.arange(N)"), "use the given orders"),
    ("06.train_network", loop(order="order = orders[0]"), "every epoch used the first order"),
    ("06.train_network", loop(order="order = np.random.default_rng(e).permutation(N)"),
     "in epoch e the batches orders[e]"),
    ("06.train_network", loop(update="params[i] = params[i] - lr * g"), "without momentum"),
    ("06.train_network", loop(stop="N - batch_size + 1"), "last mini-batch"),
    ("06.train_network", loop(order="order = orders[e]; vs = [np.zeros_like(p) for p in params]"),
     "velocities carry over"),
    ("06.bce_with_logits", '''
def bce_with_logits(z, y):
    p = 1 / (1 + np.exp(-z))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (p - y) / len(z)
''', "not numerically stable"),
    ("06.bce_with_logits", '''
def bce_with_logits(z, y):
    L = np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(L), p - y
''', "puts a 1/N into every gradient"),
    ("06.bce_with_logits", '''
def bce_with_logits(z, y):
    L = np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(L), (y - p) / len(z)
''', "prediction minus target"),
    ("06.bce_with_logits", '''
def bce_with_logits(z, y):
    L = np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(L), (p - y) / len(z)
''', "not their sum"),
]
