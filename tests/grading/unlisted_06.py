"""Typical wrong answers to exercise 06 that the checks do not list (see unlisted_01.py)."""

UNLISTED = [
    ("06.sgd_step", """
def sgd_step(theta, grad, lr):
    return theta - lr * grad / len(grad)
""", "update"),
    ("06.sgd_step", """
def sgd_step(theta, grad, lr):
    return theta - 0.1 * grad
""", "`lr` = 0.5"),
    ("06.momentum_step", """
def momentum_step(theta, grad, v, lr, mu):
    v = v - lr * grad
    return theta + v, v
""", "`v` ≠ 0"),
    ("06.momentum_step", """
def momentum_step(theta, grad, v, lr, mu):
    v = mu * v - lr * grad
    return theta - v, v
""", "sign"),
    ("06.accuracy", """
def accuracy(scores, y):
    return np.mean(scores.argmax(axis=0) == y)
""", "axis"),
    ("06.accuracy", """
def accuracy(scores, y):
    return np.sum(scores.argmax(axis=1) == y) / scores.shape[1]
""", "instead of N"),
    ("06.train_network", """
def train_network(X, y, W1, b1, W2, b2, lr, mu, batch_size, orders):
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    vs = [np.zeros_like(p) for p in params]
    for order in orders:
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            _, grads = loss_and_gradients(X[idx], y[idx], *params)
            for i, g in enumerate(grads):
                if i % 2 == 0:
                    vs[i] = mu * vs[i] - lr * g
                    params[i] = params[i] + vs[i]
    return tuple(params)
""", "unchanged"),
    ("06.train_network", """
def train_network(X, y, W1, b1, W2, b2, lr, mu, batch_size, orders):
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    vs = [np.zeros_like(p) for p in params]
    for order in orders:
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            _, grads = loss_and_gradients(X[idx], y[start:start + batch_size], *params)
            for i, g in enumerate(grads):
                vs[i] = mu * vs[i] - lr * g
                params[i] = params[i] + vs[i]
    return tuple(params)
""", "labels"),
]
