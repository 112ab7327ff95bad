"""Typical wrong answers to exercise 01, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_grader.py). ``np`` is imported for the code.
"""

WRONG = [
    ("01.neuron", """
def neuron(x, w, b):
    return float(np.dot(w, x))
""", "forgot to add the bias"),
    ("01.neuron", """
def neuron(x, w, b):
    return w * x + b
""", "one by one"),
    ("01.neuron", """
def neuron(x, w, b):
    return 2 * (np.dot(w, x) + b)
""", "twice too large"),
    ("01.sigmoid", """
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
""", "not numerically stable"),
    ("01.sigmoid", """
def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
""", "np.where computes both"),
    ("01.sigmoid", """
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
""", "sign in the exponent"),
    ("01.sigmoid", """
def sigmoid(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * (1 - s)
""", "derivative"),
    ("01.relu", """
def relu(z):
    return np.max(z, 0)
""", "np.max(z, 0)"),
    ("01.relu", """
def relu(z):
    z[z < 0] = 0
    return z
""", "changed its input `z` in place"),
    ("01.relu", """
def relu(z):
    return (z > 0).astype(float)
""", "derivative"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return X @ W
""", "forgot to add the bias"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return W.T @ X.T + b[:, None]
""", "transpose"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return W @ X + b
""", "order of the product"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return X @ W + b.reshape(-1, 1)
""", "not as a column"),
    ("01.two_layer_forward", """
def two_layer_forward(X, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    return 1 / (1 + np.exp(-(A1 @ W2 + b2)))
""", "output layer has no activation"),
    ("01.two_layer_forward", """
def two_layer_forward(X, W1, b1, W2, b2):
    return (X @ W1 + b1) @ W2 + b2
""", "hidden layer needs its activation"),
    ("01.two_layer_forward", """
def two_layer_forward(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2
""", "not ReLU"),
    ("01.question_parameters", """
def question_parameters():
    return 784 * 128
""", "not the biases"),
    ("01.question_parameters", """
def question_parameters():
    return 784 + 128
""", "not D + M"),
    ("01.question_parameters", """
def question_parameters():
    return 1000
""", "too small"),
    ("01.question_nonlinearity", """
def question_nonlinearity():
    return 3
""", "ReLU's outputs are unbounded"),
    ("01.question_nonlinearity", """
def question_nonlinearity():
    return 4
""", "expressive power"),
    ("01.question_nonlinearity", """
def question_nonlinearity():
    return 'b'
""", "the number of one option"),
]
