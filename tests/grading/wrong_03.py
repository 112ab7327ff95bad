"""Typical wrong answers to exercise 03, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code.
"""

WRONG = [
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ / len(X), dZ.mean(axis=0)
""", "you divided by N"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ
""", "db must have the shape of b"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)
""", "the transpose of the right one"),
    ("03.dense_backward", """
def dense_backward(dZ, X, W):
    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T
""", "order of the task"),
    ("03.sigmoid_backward", """
from backproplib import sigmoid

def sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return s * (1 - s)
""", "σ'(Z) alone"),
    ("03.sigmoid_backward", """
def sigmoid_backward(dA, Z):
    return dA * Z * (1 - Z)
""", "not Z(1 − Z)"),
    ("03.sigmoid_backward", """
def sigmoid_backward(dA, Z):
    return dA / (1 + np.exp(-Z))
""", "σ(Z) itself"),
    ("03.relu_backward", """
def relu_backward(dA, Z):
    return np.maximum(dA, 0)
""", "whatever the sign of dA"),
    ("03.relu_backward", """
def relu_backward(dA, Z):
    return dA * (Z >= 0)
""", "not Z >= 0"),
    ("03.relu_backward", """
def relu_backward(dA, Z):
    dA[Z <= 0] = 0
    return dA
""", "changed its input `dA` in place"),
    ("03.two_layer_backward", """
from backproplib import sigmoid

def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1 + b1)
    dY = 2 * (A1 @ W2 + b2 - Y) / len(Y)
    dZ1 = (dY @ W2.T) * A1 * (1 - A1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)
""", "you divided by N only"),
    ("03.two_layer_backward", """
from backproplib import sigmoid

def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1 + b1)
    dY = 2 * (A1 @ W2 + b2 - Y) / Y.size
    dZ1 = dY @ W2.T
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)
""", "needs its own backward step"),
    ("03.two_layer_backward", """
from backproplib import sigmoid

def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1 + b1)
    dY = 2 * (Y - (A1 @ W2 + b2)) / Y.size
    dZ1 = (dY @ W2.T) * A1 * (1 - A1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dY, dY.sum(axis=0)
""", "prediction minus target"),
    ("03.two_layer_backward", """
from backproplib import sigmoid

def two_layer_backward(X, Y, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1 + b1)
    dY = 2 * (A1 @ W2 + b2 - Y) / Y.size
    dZ1 = (dY @ W2.T) * A1 * (1 - A1)
    return A1.T @ dY, dY.sum(axis=0), X.T @ dZ1, dZ1.sum(axis=0)
""", "order of the task"),
    ("03.question_chain_rule", """
def question_chain_rule():
    return 2
""", "multiplies by du/dw"),
    ("03.question_chain_rule", """
def question_chain_rule():
    return 3
""", "only the last link"),
    ("03.question_chain_rule", """
def question_chain_rule():
    return 7.5
""", "too large"),
    ("03.question_fan_out", """
def question_fan_out():
    return 1
""", "would be lost"),
    ("03.question_fan_out", """
def question_fan_out():
    return 4
""", "twice the effect"),
    ("03.question_fan_out", """
def question_fan_out():
    return 5
""", "1 to 4"),
]
