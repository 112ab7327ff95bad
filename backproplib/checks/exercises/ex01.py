"""Exercise 01 · The forward pass: a neuron, two activations, a dense layer, a small network.

The functions the learner writes (Lesson 01):
    neuron(x, w, b)                      x (D,), w (D,), b a number  ->  z = w·x + b, a number
    sigmoid(z)                           any shape -> same shape, σ(z) without overflow (eq. 1.3)
    relu(z)                              any shape -> same shape, max(0, z)
    dense_forward(X, W, b)               X (N, D), W (D, M), b (M,) -> Z = X W + b, (N, M) (eq. 1.5)
    two_layer_forward(X, W1, b1, W2, b2) sigmoid hidden layer, no output activation -> (N, K)
"""

import numpy as np

from ...activations import sigmoid as _sigmoid
from .. import questions
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "The forward pass"
NOTEBOOK = "01_forward_pass"



# -- 1. a neuron ---------------------------------------------------------------------------------

def _neuron_cases(rng):
    return [Case((_normal(rng, 4), _normal(rng, 4), float(rng.normal())), "4 inputs"),
            Case((_normal(rng, 7), _normal(rng, 7), float(rng.normal())), "7 inputs")]


NEURON = Task(
    id="01.neuron", function="neuron", title="a neuron's weighted sum", points=1,
    args=("x", "w", "b"), cases=_neuron_cases,
    reference=lambda x, w, b: float(np.dot(w, x) + b),
    mistakes=(
        Mistake("you forgot to add the bias b", lambda x, w, b: float(np.dot(w, x))),
        Mistake("you returned the products wᵢ·xᵢ one by one: z is one number, their sum plus "
                "the bias, z = Σᵢ wᵢ xᵢ + b", lambda x, w, b: w * x + b),
        Mistake("you returned the products wᵢ·xᵢ one by one: z is one number, their sum plus "
                "the bias, z = Σᵢ wᵢ xᵢ + b", lambda x, w, b: w * x),
    ),
    forbidden=("Dense",),
)


# -- 2. a stable sigmoid -------------------------------------------------------------------------

STABLE_SIGMOID = (
    "your sigmoid is not numerically stable: np.exp overflows for large |z| (e^1000 is inf). "
    "Beware: np.where computes both of its branches for every entry. Only ever take exp of "
    "−|z| (between 0 and 1) and build σ(z) from it for z ≥ 0 and for z < 0")


def _sigmoid_cases(rng):
    return [Case((_normal(rng, 3, 4, scale=2.0),), "random z, shape (3, 4)"),
            Case((np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0]),),
                 "large |z| (±1000)", strict=True, hint=STABLE_SIGMOID)]


SIGMOID = Task(
    id="01.sigmoid", function="sigmoid", title="a numerically stable sigmoid", points=2,
    args=("z",), cases=_sigmoid_cases, reference=_sigmoid,
    mistakes=(
        Mistake("check the sign in the exponent: σ(z) = 1 / (1 + e^(−z)), so σ(2) ≈ 0.88 "
                "is larger than ½", lambda z: _sigmoid(-z)),
        Mistake("you returned the derivative σ(z)(1 − σ(z)), not σ(z)",
                lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
        Mistake("that is tanh(z), whose values lie in (−1, 1); σ(z) lies in (0, 1)", np.tanh),
    ),
    forbidden=("sigmoid", "Sigmoid", "sigmoid_derivative", "ACTIVATIONS",
               "activations.activation_layer"),
    forbidden_other=("scipy.special.expit", "scipy.special.logistic"),
    partial={"random z, shape (3, 4)": 1},
)


# -- 3. ReLU -------------------------------------------------------------------------------------

def _relu_cases(rng):
    z = _normal(rng, 4, 5)
    z[0, 0] = 0.0
    return [Case((z,), "random z, shape (4, 5)"), Case((_normal(rng, 6),), "z of shape (6,)")]


RELU = Task(
    id="01.relu", function="relu", title="the ReLU activation", points=1,
    args=("z",), cases=_relu_cases, reference=lambda z: np.where(z > 0, z, 0.0),
    mistakes=(
        Mistake("np.max(z, 0) is the largest entry of each column (a reduction along axis 0); "
                "ReLU compares every entry with 0 — NumPy's elementwise maximum does that",
                lambda z: np.max(z, 0)),
        Mistake("you returned the derivative ReLU'(z) (0 or 1), not ReLU(z)",
                lambda z: (z > 0).astype(float)),
        Mistake("you kept the negative part: ReLU keeps z where z > 0 and gives 0 elsewhere",
                lambda z: np.minimum(z, 0)),
        Mistake("|z| is not ReLU: negative z must give 0", np.abs),
    ),
    forbidden=("relu", "ReLU", "relu_derivative", "leaky_relu", "LeakyReLU", "ACTIVATIONS",
               "activations.activation_layer"),
)


# -- 4. a dense layer on a batch -----------------------------------------------------------------

def _dense_cases(rng):
    return [Case((_normal(rng, 5, 3), _normal(rng, 3, 4), _normal(rng, 4)), "batch of 5"),
            Case((_normal(rng, 2, 6), _normal(rng, 6, 3), _normal(rng, 3)), "batch of 2")]


DENSE_FORWARD = Task(
    id="01.dense_forward", function="dense_forward", title="a dense layer on a batch", points=2,
    args=("X", "W", "b"), cases=_dense_cases, reference=lambda X, W, b: X @ W + b,
    mistakes=(
        Mistake("you forgot to add the bias b", lambda X, W, b: X @ W),
        Mistake("the order of the product: X (N, D) comes first, Z = X W gives (N, M)",
                lambda X, W, b: W @ X + b),
        Mistake("W already has shape (D, M): Z = X W needs no transpose",
                lambda X, W, b: X @ W.T + b),
        Mistake("b has one entry per unit, shape (M,): it is added to every row of X W, "
                "not as a column", lambda X, W, b: X @ W + b[:, None]),
        Mistake("* multiplies entry by entry; a layer needs the matrix product of X and W",
                lambda X, W, b: X * W + b),
    ),
    forbidden=("Dense", "Network", "mlp"),
)


# -- 5. a two-layer network ----------------------------------------------------------------------

def _two_layer_cases(rng):
    def case(N, D, H, K, label):
        return Case((_normal(rng, N, D), _normal(rng, D, H), _normal(rng, H),
                     _normal(rng, H, K), _normal(rng, K)), label)
    return [case(4, 3, 5, 2, "4 examples, 3 → 5 → 2"), case(6, 2, 7, 3, "6 examples, 2 → 7 → 3")]


def _two_layer(X, W1, b1, W2, b2, hidden=_sigmoid, output=lambda z: z):
    return output(hidden(X @ W1 + b1) @ W2 + b2)


TWO_LAYER = Task(
    id="01.two_layer_forward", function="two_layer_forward", title="a two-layer network",
    points=2, args=("X", "W1", "b1", "W2", "b2"), cases=_two_layer_cases, reference=_two_layer,
    mistakes=(
        Mistake("the output layer has no activation here: return the raw scores A1 W2 + b2",
                lambda *a: _two_layer(*a, output=_sigmoid)),
        Mistake("the hidden layer needs its activation: A1 = σ(X W1 + b1) before the second layer",
                lambda *a: _two_layer(*a, hidden=lambda z: z)),
        Mistake("the hidden activation is the sigmoid, not ReLU",
                lambda *a: _two_layer(*a, hidden=lambda z: np.maximum(z, 0))),
        Mistake("the hidden activation is the sigmoid, not tanh",
                lambda *a: _two_layer(*a, hidden=np.tanh)),
        Mistake("you forgot a bias (b1 or b2)",
                lambda X, W1, b1, W2, b2: _two_layer(X, W1, 0 * b1, W2, b2)),
        Mistake("you forgot a bias (b1 or b2)",
                lambda X, W1, b1, W2, b2: _two_layer(X, W1, b1, W2, 0 * b2)),
    ),
    forbidden=("Dense", "Network", "mlp", "sigmoid", "Sigmoid"),
    uses=("01.sigmoid", "01.dense_forward"),
)


# -- 6, 7. questions -----------------------------------------------------------------------------

PARAMETERS = questions.number(
    "01.question_parameters", "the parameters of a dense layer",
    answer=784 * 128 + 128,
    why="W has D · M = 784 · 128 = 100,352 entries and b one per unit, 128: 100,480 in all",
    typical=((784 * 128, "you counted the weights W (D · M) but not the biases b, one per unit"),
             (784 + 128, "a dense layer connects every input to every unit: D · M weights, not "
                         "D + M"),
             (784 * 128 + 784, "there is one bias per unit (M = 128), not one per input")),
    rtol=0.0)

NONLINEARITY = questions.choice(
    "01.question_nonlinearity", "why the activation is non-linear",
    options=("it makes the forward pass faster",
             "without it, two dense layers compute what one dense layer can: X W1 W2 is X W "
             "with W = W1 W2",
             "it keeps every output between 0 and 1",
             "without it the network has no gradient"),
    answer=2,
    why="a composition of linear maps is linear, so depth without a non-linearity adds nothing "
        "(Lesson 01): only the activation lets a network draw curved boundaries",
    why_not={1: "an activation is extra work in the forward pass, not a saving",
             3: "only some activations do that (the sigmoid); ReLU's outputs are unbounded, and "
                "it works very well",
             4: "a linear network has gradients too (a line fit is trained by gradient descent); "
                "what it lacks is expressive power"})

TASKS = (NEURON, SIGMOID, RELU, DENSE_FORWARD, TWO_LAYER, PARAMETERS, NONLINEARITY)
