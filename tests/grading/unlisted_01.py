"""Typical wrong answers to exercise 01 that the checks do not list (backproplib/checks/exercises).

Each entry: (task id, the answer's code, a piece of feedback that names the cause in the task's
terms). tests/test_feedback.py and benchmarks/feedback.py run them: every one must lose points;
the share whose feedback contains its piece is the benchmark's "names the cause" figure.
``np`` is imported for the code.
"""

UNLISTED = [
    ("01.neuron", """
def neuron(x, w, b):
    return (np.dot(w, x) + b) / len(x)
""", "times too small"),
    ("01.neuron", """
def neuron(x, w, b):
    return -(np.dot(w, x) + b)
""", "sign"),
    ("01.sigmoid", """
def sigmoid(z):
    return np.exp(z) / (1 + np.exp(z))
""", "not numerically stable"),
    ("01.relu", """
def relu(z):
    return max(0, z)
""", "np.maximum"),
    ("01.relu", """
def relu(z):
    return z + np.abs(z)
""", "twice too large"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return (X @ W).T + b
""", "`b`"),
    ("01.dense_forward", """
def dense_forward(X, W, b):
    return X[1:] @ W + b
""", "one row"),
    ("01.two_layer_forward", """
def two_layer_forward(X, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    return A1 @ W2.T + b2
""", "`W2`"),
    ("01.two_layer_forward", """
def two_layer_forward(X, W1, b1, W2, b2):
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    return A1 @ W2 + b1
""", "`b1`"),
]
