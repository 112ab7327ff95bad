"""Typical wrong answers to exercise 02, with the hint each must produce (see wrong_01.py)."""

WRONG = [
    ("02.mse", """
def mse(Y_hat, Y):
    return np.sum((Y_hat - Y) ** 2)
""", "summed the squared errors"),
    ("02.mse", """
def mse(Y_hat, Y):
    return np.sum((Y_hat - Y) ** 2) / len(Y)
""", "divided by N only"),
    ("02.mse", """
def mse(Y_hat, Y):
    return np.mean(Y_hat - Y)
""", "square the differences"),
    ("02.mse", """
def mse(Y_hat, Y):
    return np.mean((Y_hat - Y) ** 2, axis=1)
""", "one error per example"),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return 2 * (Y - Y_hat) / Y.size
""", "the sign"),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return (Y_hat - Y) / Y.size
""", "missing factor 2"),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return 2 * (Y_hat - Y)
""", "divided by N·K"),
    ("02.mse_gradient", """
def mse_gradient(Y_hat, Y):
    return 2 * (Y_hat - Y) / len(Y)
""", "not by N only"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
""", "not numerically stable"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
""", "each row (one example) must sum to 1"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1)
""", "keepdims=True"),
    ("02.softmax", """
def softmax(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)
""", "each row's own maximum"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y] + 1e-12))
""", "a small epsilon only hides it"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    E = np.exp(Z)
    P = E / E.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
""", "e^1000 is inf"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    S = Z - Z.max(axis=1, keepdims=True)
    log_P = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return -np.sum(log_P[np.arange(len(y)), y])
""", "mean over the N examples"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    S = Z - Z.max(axis=1, keepdims=True)
    log_P = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return np.mean(log_P[np.arange(len(y)), y])
""", "minus sign is missing"),
    ("02.cross_entropy", """
def cross_entropy(Z, y):
    return -np.mean(Z[np.arange(len(y)), y])
""", "not the raw logits"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P
""", "divided by N"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return P / len(y)
""", "subtract the one-hot targets"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return (P - y[:, None]) / len(y)
""", "not the label numbers"),
    ("02.cross_entropy_gradient", """
def cross_entropy_gradient(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return -P / len(y)
""", "the sign"),
    ("02.question_uniform", """
def question_uniform():
    return 0.1
""", "minus its logarithm"),
    ("02.question_uniform", """
def question_uniform():
    return 1
""", "natural logarithm"),
    ("02.question_uniform", """
def question_uniform():
    return -2.302585
""", "minus sign"),
    ("02.question_saturation", """
def question_saturation():
    return 3
""", "the steps are small"),
    ("02.question_saturation", """
def question_saturation():
    return 1
""", "differentiable everywhere"),
    ("02.question_saturation", """
def question_saturation():
    pass
""", "returned None"),
]
