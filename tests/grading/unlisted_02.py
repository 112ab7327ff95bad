"""Typical wrong answers to exercise 02 that the checks do not list (see unlisted_01.py)."""

UNLISTED = [
    ("02.mse", """
def mse(Y_hat, Y):
    return np.mean((Y_hat - Y) ** 2, axis=0)
""", "single number"),
    ("02.mse", """
def mse(Y_hat, Y):
    return np.sum((Y_hat - Y) ** 2) / Y.shape[1]
""", "N = "),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return 2 * (Y_hat - Y) / Y.shape[1]
""", "N = "),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return (2 * (Y_hat - Y) / Y.size).T
""", "transpose"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
""", "not numerically stable"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
""", "wrong axis"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
""", "log(0)"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    Z = Z - Z.max(axis=1, keepdims=True)
    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -np.mean(log_p[:, y])
""", "correct class"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / Z.shape[1]
""", "instead of N"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return (P - np.eye(Z.shape[1])[y]).T / len(y)
""", "transpose"),
]
