"""Exercise 03 · The backward pass: a dense layer, two activations, a two-layer network.

The functions the learner writes (Lesson 03); N examples, D inputs, M units:
    dense_backward(dZ, X, W)       dZ (N, M), X (N, D), W (D, M) -> dX (N, D), dW (D, M), db (M,)
                                   dW = Xᵀ dZ, db = Σₙ dZₙ, dX = dZ Wᵀ        (eqs. 3.8–3.10)
    sigmoid_backward(dA, Z)        (N, M), (N, M) -> dZ = dA ⊙ σ(Z)(1 − σ(Z))   (eq. 3.6)
    relu_backward(dA, Z)           (N, M), (N, M) -> dZ = dA where Z > 0, else 0 (eq. 3.6)
    two_layer_backward(X, Y, W1, b1, W2, b2)
                                   sigmoid hidden layer, linear output, MSE loss (eq. 2.1)
                                   -> dW1 (D, H), db1 (H,), dW2 (H, K), db2 (K,)  (eq. 3.11)
"""

import numpy as np

from ...activations import sigmoid as _sigmoid
from ...activations import sigmoid_derivative as _dsigmoid
from .. import questions
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "The backward pass"
NOTEBOOK = "03_backward_pass"




# -- 1. the backward pass of a dense layer -------------------------------------------------------

def _dense_cases(rng):
    def case(N, D, M, label):
        return Case((_normal(rng, N, M), _normal(rng, N, D), _normal(rng, D, M)), label)
    return [case(5, 3, 4, "batch of 5, 3 → 4 units"), case(7, 6, 2, "batch of 7, 6 → 2 units"),
            case(1, 4, 3, "one example, 4 → 3 units")]


def _dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


DENSE_BACKWARD = Task(
    id="03.dense_backward", function="dense_backward",
    title="the backward pass of a dense layer", points=3,
    args=("dZ", "X", "W"), outputs=("dX", "dW", "db"), cases=_dense_cases,
    reference=_dense_backward,
    mistakes=(
        Mistake("you divided by N: the layer sums over the batch, dW = Xᵀ dZ and db = Σₙ dZₙ "
                "(eqs. 3.8–3.9); the 1/N of the mean loss is already inside dZ",
                lambda dZ, X, W: (dZ @ W.T, X.T @ dZ / len(X), dZ.mean(axis=0))),
        Mistake("db: you averaged dZ over the batch; the bias is used once per example, so its "
                "gradient is the sum, db = Σₙ dZₙ (eq. 3.9)",
                lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0))),
        Mistake("db must have the shape of b, (M,): sum dZ over the examples, "
                "db = dZ.sum(axis=0) (eq. 3.9)",
                lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ)),
        Mistake("db: you summed over the units (axis=1); the bias gradient sums over the "
                "examples, axis=0, and has one entry per unit",
                lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1))),
        Mistake("return the gradients in the order of the task: dX, dW, db",
                lambda dZ, X, W: (X.T @ dZ, dZ.sum(axis=0), dZ @ W.T)),
        Mistake("return the gradients in the order of the task: dX, dW, db",
                lambda dZ, X, W: (X.T @ dZ, dZ @ W.T, dZ.sum(axis=0))),
    ),
    forbidden=("Dense", "Network", "mlp"),
    partial={"one example, 4 → 3 units": 1},
)


# -- 2. the backward pass of the sigmoid ---------------------------------------------------------

def _activation_cases(rng):
    Z1 = _normal(rng, 3, 4, scale=2.0)
    Z2 = _normal(rng, 6, 2, scale=2.0)
    Z2[0, 0] = Z2[3, 1] = 0.0  # ReLU's kink: this course takes the slope 0 there
    return [Case((_normal(rng, 3, 4), Z1), "random batch, shape (3, 4)"),
            Case((_normal(rng, 6, 2), Z2), "random batch, shape (6, 2)")]


SIGMOID_BACKWARD = Task(
    id="03.sigmoid_backward", function="sigmoid_backward",
    title="the backward pass of the sigmoid", points=2,
    args=("dA", "Z"), cases=_activation_cases,
    reference=lambda dA, Z: dA * _dsigmoid(Z),
    mistakes=(
        Mistake("you returned σ'(Z) alone: the chain rule multiplies the local derivative by "
                "the upstream gradient, dZ = dA ⊙ σ'(Z) (eq. 3.6)",
                lambda dA, Z: _dsigmoid(Z)),
        Mistake("you multiplied dA by σ(Z) itself; the local derivative is "
                "σ'(Z) = σ(Z)(1 − σ(Z))", lambda dA, Z: dA * _sigmoid(Z)),
        Mistake("σ'(Z) = a(1 − a) with a = σ(Z), the activation — not Z(1 − Z)",
                lambda dA, Z: dA * Z * (1 - Z)),
        Mistake("you applied σ' to σ(Z): with a = σ(Z) the derivative is simply a(1 − a)",
                lambda dA, Z: dA * _dsigmoid(_sigmoid(Z))),
        Mistake("that is the derivative of tanh, 1 − tanh²(Z); the sigmoid's is σ(Z)(1 − σ(Z))",
                lambda dA, Z: dA * (1 - np.tanh(Z) ** 2)),
        Mistake("the chain rule multiplies: dZ = dA ⊙ σ'(Z), not dA + σ'(Z)",
                lambda dA, Z: dA + _dsigmoid(Z)),
    ),
    forbidden=("Sigmoid", "sigmoid_derivative", "ACTIVATIONS", "activations.activation_layer"),
)


# -- 3. the backward pass of ReLU ----------------------------------------------------------------

RELU_BACKWARD = Task(
    id="03.relu_backward", function="relu_backward", title="the backward pass of ReLU",
    points=1, args=("dA", "Z"), cases=_activation_cases,
    reference=lambda dA, Z: dA * (Z > 0),
    mistakes=(
        Mistake("the gate is the forward pass's input: the gradient passes where Z > 0, "
                "whatever the sign of dA", lambda dA, Z: np.maximum(dA, 0)),
        Mistake("you returned ReLU'(Z) alone: multiply it by the upstream gradient, "
                "dZ = dA ⊙ ReLU'(Z) (eq. 3.6)", lambda dA, Z: (Z > 0).astype(float)),
        Mistake("you multiplied by ReLU(Z) = max(Z, 0) instead of its derivative (1 where "
                "Z > 0, else 0)", lambda dA, Z: dA * np.maximum(Z, 0)),
        Mistake("at the kink Z = 0 this course takes the slope 0: use Z > 0, not Z >= 0",
                lambda dA, Z: dA * (Z >= 0)),
        Mistake("the gradient passes where Z > 0 and stops where Z < 0, not the other way round",
                lambda dA, Z: dA * (Z < 0)),
    ),
    forbidden=("ReLU", "relu_derivative", "LeakyReLU", "leaky_relu_derivative", "ACTIVATIONS",
               "activations.activation_layer"),
)


# -- 4. backpropagation through a two-layer network ----------------------------------------------

def _two_layer_cases(rng):
    def case(N, D, H, K, label):
        return Case((_normal(rng, N, D), _normal(rng, N, K), _normal(rng, D, H),
                     _normal(rng, H, scale=0.5), _normal(rng, H, K), _normal(rng, K, scale=0.5)),
                    label)
    return [case(4, 3, 5, 2, "4 examples, 3 → 5 → 2"), case(6, 2, 7, 3, "6 examples, 2 → 7 → 3")]


def _two_layer_backward(X, Y, W1, b1, W2, b2, loss_gradient=None, hidden_derivative=None,
                        order=(0, 1, 2, 3)):
    Z1 = X @ W1 + b1
    A1 = _sigmoid(Z1)
    Y_hat = A1 @ W2 + b2
    dY_hat = (loss_gradient or (lambda Y_hat, Y: 2 * (Y_hat - Y) / Y.size))(Y_hat, Y)
    dW2, db2 = A1.T @ dY_hat, dY_hat.sum(axis=0)
    dA1 = dY_hat @ W2.T
    dZ1 = dA1 * (hidden_derivative or (lambda Z1, A1: A1 * (1 - A1)))(Z1, A1)
    grads = (X.T @ dZ1, dZ1.sum(axis=0), dW2, db2)
    return tuple(grads[i] for i in order)


def _two_layer_sizes(X, Y, *_):
    N, K = Y.shape
    return {"N·K": N * K, "N": N, "K": K}


TWO_LAYER_BACKWARD = Task(
    id="03.two_layer_backward", function="two_layer_backward",
    title="backpropagation through a two-layer network", points=4,
    args=("X", "Y", "W1", "b1", "W2", "b2"), outputs=("dW1", "db1", "dW2", "db2"),
    cases=_two_layer_cases, reference=_two_layer_backward, sizes=_two_layer_sizes,
    mistakes=(
        Mistake("the MSE is the mean over all N·K entries (eq. 2.1), so the backward pass "
                "starts with dŶ = 2 (Ŷ − Y) / (N·K); you divided by N only",
                lambda *a: _two_layer_backward(
                    *a, loss_gradient=lambda P, Y: 2 * (P - Y) / len(Y))),
        Mistake("the MSE gradient has a factor 2: dŶ = 2 (Ŷ − Y) / (N·K) (eq. 2.2)",
                lambda *a: _two_layer_backward(*a, loss_gradient=lambda P, Y: (P - Y) / Y.size)),
        Mistake("the sign of the loss gradient: dŶ = 2 (Ŷ − Y) / (N·K), prediction minus "
                "target (eq. 2.2)",
                lambda *a: _two_layer_backward(
                    *a, loss_gradient=lambda P, Y: 2 * (Y - P) / Y.size)),
        Mistake("the hidden layer's activation needs its own backward step: "
                "dZ1 = dA1 ⊙ σ'(Z1) before dW1 and db1 (eq. 3.6)",
                lambda *a: _two_layer_backward(*a, hidden_derivative=lambda Z, A: 1.0)),
        Mistake("σ'(Z1) = A1 (1 − A1) with A1 = σ(Z1); you applied σ' to A1",
                lambda *a: _two_layer_backward(*a, hidden_derivative=lambda Z, A: _dsigmoid(A))),
        Mistake("σ'(Z1) = A1 (1 − A1) with A1 = σ(Z1), the activation — not Z1 (1 − Z1)",
                lambda *a: _two_layer_backward(*a, hidden_derivative=lambda Z, A: Z * (1 - Z))),
        Mistake("return the gradients in the order of the task: dW1, db1, dW2, db2",
                lambda *a: _two_layer_backward(*a, order=(2, 3, 0, 1))),
    ),
    forbidden=("Dense", "Network", "mlp", "Sigmoid", "sigmoid_derivative", "MSE",
               "mse_gradient", "ACTIVATIONS", "activations.activation_layer"),
    uses=("03.dense_backward", "03.sigmoid_backward"),
)


# -- 5, 6. questions -----------------------------------------------------------------------------

CHAIN_RULE = questions.number(
    "03.question_chain_rule", "a derivative by the chain rule",
    answer=6.0,
    why="with u = w·x − y = 2·3 − 5 = 1, L = u², so dL/dw = dL/du · du/dw = 2u · x = 2 · 1 · 3 "
        "= 6 (eq. 3.2: one local derivative at a time)",
    typical=((2.0, "you stopped at dL/du = 2u = 2; the chain rule multiplies by du/dw = x = 3"),
             (3.0, "du/dw = x = 3 is only the last link: multiply by dL/du = 2u = 2"),
             (1.0, "L = u² = 1 is the loss itself; its slope is 2u · x"),
             (36.0, "that is (w·x)² ... compute u = w·x − y = 1 first, then dL/dw = 2u · x")))

FAN_OUT = questions.choice(
    "03.question_fan_out", "a value used twice",
    options=("the gradient of its first use only",
             "the sum of the gradients of both uses",
             "the product of the gradients of both uses",
             "the mean of the gradients of both uses"),
    answer=2,
    why="nudging the value changes the loss through both uses at once, and the two effects "
        "add (the multivariable chain rule); that is why backward passes accumulate with += and "
        "why gradients are zeroed before each pass",
    why_not={1: "the second use also depends on the value: its contribution would be lost",
             3: "the chain rule multiplies along one path and adds across paths; two uses are "
                "two paths",
             4: "nothing divides by the number of uses: a value used twice has twice the effect "
                "of a nudge"})

TASKS = (DENSE_BACKWARD, SIGMOID_BACKWARD, RELU_BACKWARD, TWO_LAYER_BACKWARD, CHAIN_RULE, FAN_OUT)
