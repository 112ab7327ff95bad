"""Typical wrong answers to exercise 03 that the checks do not list (see unlisted_01.py)."""

UNLISTED = [
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)
""", "keepdims"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)
""", "W.T"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return W @ dZ.T, X.T @ dZ, dZ.sum(axis=0)
""", "dX"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return -dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
""", "sign"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum()
""", "single number"),
    ("03.sigmoid_backward", """
def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA @ (s * (1 - s)).T
""", "element-wise"),
    ("03.relu_backward", """
def relu_backward(dA, Z):
    return np.where(Z > 0, dA, Z)
""", "where `Z`"),
    ("03.two_layer_backward", """
def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    dY = 2 * (A1 @ W2 + b2 - Y) / Y.shape[1]
    dZ1 = (dY @ W2.T) * A1 * (1 - A1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)
""", "N = "),
    ("03.two_layer_backward", """
def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    dY = 2 * (A1 @ W2 + b2 - Y) / Y.size
    dZ1 = (dY @ W2.T) * A1 * (1 - A1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY
""", "db2"),
    ("03.two_layer_backward", """
def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    dY = 2 * (A1 @ W2 + b2 - Y) / Y.size
    dZ1 = (dY @ W2) * A1 * (1 - A1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)
""", "W2.T"),
]
