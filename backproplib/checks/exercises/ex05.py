"""Exercise 05 · Vanishing gradients: a chain of sigmoids, per-layer gradients, during training, init.

The functions the learner writes (Lesson 05):
    chain_gradient(a0, w, b)          a chain of Λ sigmoid units a_l = σ(w_l a_{l−1} + b_l);
                                      a0 a number, w (Λ,), b (Λ,) -> (a_Λ, ∂a_Λ/∂a0) with
                                      ∂a_Λ/∂a0 = Π_l w_l σ'(z_l)   (eqs. 5.1, 5.2)
    layer_gradient_norms(X, Y, Ws, bs)
                                      a deep sigmoid network of Λ layers of width H, every layer
                                      A⁽ˡ⁾ = σ(A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾), MSE loss (eq. 2.1); X, Y (N, H),
                                      Ws (Λ, H, H), bs (Λ, H) -> (Λ,) with ‖dW⁽ˡ⁾‖, first layer first
    layer_learning_speeds(X, Y, Ws, bs, lr, steps)
                                      the same network trained by full-batch gradient descent for
                                      ``steps`` steps -> (steps, Λ): per step and layer the
                                      update-to-weight ratio lr ‖dW⁽ˡ⁾‖ / ‖W⁽ˡ⁾‖ (Lesson 05, 5.2)
    init_std(n_in, n_out)             the standard deviation of the weights of a ReLU layer that
                                      keeps the size of the forward signal from layer to layer:
                                      He's √(2 / n_in) (eq. 5.5)
"""

import numpy as np

from ...activations import sigmoid as _sigmoid
from ...activations import sigmoid_derivative as _dsigmoid
from ..spec import Case, Mistake, Task
from ..spec import normal as _normal

TITLE = "Vanishing gradients"
NOTEBOOK = "05_vanishing_gradients"




# -- 1. a chain of sigmoid units -----------------------------------------------------------------

def _chain_cases(rng):
    return [Case((float(rng.uniform(-1, 1)), _normal(rng, 4, scale=1.5), _normal(rng, 4)),
                 "4 units, random weights"),
            Case((float(rng.uniform(-1, 1)), np.ones(12), _normal(rng, 12, scale=0.5)),
                 "12 units, all weights 1"),
            Case((float(rng.uniform(-1, 1)), _normal(rng, 3, scale=4.0), _normal(rng, 3)),
                 "3 units, large weights")]


def _chain(a0, w, b, factor=None, product=True, order=(0, 1)):
    a, factors = float(a0), []
    for w_l, b_l in zip(w, b):
        z = w_l * a + b_l
        a_new = float(_sigmoid(z))
        factors.append((factor or (lambda w_l, z, a_new: w_l * _dsigmoid(z)))(w_l, z, a_new))
        a = a_new
    grad = float(np.prod(factors)) if product else float(np.sum(factors))
    return tuple((a, grad)[i] for i in order)


CHAIN_GRADIENT = Task(
    id="05.chain_gradient", function="chain_gradient",
    title="the gradient through a chain of sigmoids", points=2,
    args=("a0", "w", "b"), outputs=("a_L", "grad"), cases=_chain_cases, reference=_chain,
    sizes=lambda a0, w, b: {"L": len(w)}, atol=0.0,
    mistakes=(
        Mistake("each unit contributes w_l σ'(z_l): you left out the weights w_l "
                "(∂z_l/∂a_{l−1} = w_l)",
                lambda *a: _chain(*a, factor=lambda w, z, s: _dsigmoid(z))),
        Mistake("each factor is w_l σ'(z_l), the derivative of the sigmoid, σ(z)(1 − σ(z)), "
                "not σ(z_l) itself", lambda *a: _chain(*a, factor=lambda w, z, s: w * s)),
        Mistake("σ' must be taken at the unit's input z_l: σ'(z_l) = a_l (1 − a_l); you took "
                "it at a_l", lambda *a: _chain(*a, factor=lambda w, z, s: w * _dsigmoid(s))),
        Mistake("along a chain the chain rule multiplies the local derivatives (eq. 3.2); you "
                "added them", lambda *a: _chain(*a, product=False)),
        Mistake("return the two values in the order of the task: a_L, then the gradient",
                lambda *a: _chain(*a, order=(1, 0))),
    ),
    forbidden=("sigmoid_derivative", "Sigmoid", "ACTIVATIONS", "activations.activation_layer"),
)


# -- 2. the gradient norms of every layer --------------------------------------------------------

def _deep_cases(rng):
    def case(N, H, L, label):
        return Case((_normal(rng, N, H), _normal(rng, N, H), _normal(rng, L, H, H),
                     _normal(rng, L, H, scale=0.1)), label)
    return [case(8, 5, 6, "6 layers of width 5"), case(6, 4, 4, "4 layers of width 4")]


def layer_gradient_norms_reference(X, Y, Ws, bs, derivative=None, mean_over=None, measure="W",
                                   reverse=False, squared=False, last_linear=False):
    """‖dW_l‖ for l = 1..L of a deep sigmoid network with MSE loss (the options switch on
    typical mistakes)."""
    df = derivative or (lambda Z, A: A * (1.0 - A))
    L = len(Ws)
    As, Zs = [X], []
    for l in range(L):
        Z = As[-1] @ Ws[l] + bs[l]
        Zs.append(Z)
        As.append(Z if last_linear and l == L - 1 else _sigmoid(Z))
    dA = 2.0 * (As[-1] - Y) / (mean_over or Y.size)   # eq. 2.2
    norms = []
    for l in reversed(range(L)):
        dZ = dA if last_linear and l == L - 1 else dA * df(Zs[l], As[l + 1])
        value = {"W": As[l].T @ dZ, "Z": dZ, "A": dA}[measure]
        norms.append(np.sum(value ** 2) if squared else np.linalg.norm(value))
        dA = dZ @ Ws[l].T
    norms = np.array(norms)
    return norms if reverse else norms[::-1]


def _deep_sizes(X, Y, *_):
    N, H = Y.shape
    return {"N·H": N * H, "N": N, "H": H}


LAYER_GRADIENT_NORMS = Task(
    id="05.layer_gradient_norms", function="layer_gradient_norms",
    title="the gradient norm of every layer", points=4,
    args=("X", "Y", "Ws", "bs"), cases=_deep_cases,
    reference=layer_gradient_norms_reference, sizes=_deep_sizes, atol=1e-14,
    mistakes=(
        Mistake("your norms are in reverse order: entry 0 belongs to the first layer (next to "
                "the input), the last entry to the output layer",
                lambda *a: layer_gradient_norms_reference(*a, reverse=True)),
        Mistake("every layer has a sigmoid, so each step back needs dZ_l = dA_l ⊙ σ'(Z_l) "
                "(eq. 3.6); you left out σ'",
                lambda *a: layer_gradient_norms_reference(*a, derivative=lambda Z, A: 1.0)),
        Mistake("σ'(Z_l) = A_l (1 − A_l) with A_l = σ(Z_l); you applied σ' to A_l",
                lambda *a: layer_gradient_norms_reference(
                    *a, derivative=lambda Z, A: _dsigmoid(A))),
        Mistake("that is tanh's derivative, 1 − A²; the sigmoid's is σ'(Z) = A (1 − A)",
                lambda *a: layer_gradient_norms_reference(*a, derivative=lambda Z, A: 1 - A * A)),
        Mistake("the last layer has the sigmoid too: every layer computes "
                "A_l = σ(A_{l−1} W_l + b_l)",
                lambda *a: layer_gradient_norms_reference(*a, last_linear=True)),
        Mistake("the task asks for ‖dW_l‖, the gradient of each layer's weights, "
                "dW_l = A_{l−1}ᵀ dZ_l; you measured ‖dZ_l‖",
                lambda *a: layer_gradient_norms_reference(*a, measure="Z")),
        Mistake("the task asks for ‖dW_l‖, the gradient of each layer's weights, "
                "dW_l = A_{l−1}ᵀ dZ_l; you measured ‖dA_l‖",
                lambda *a: layer_gradient_norms_reference(*a, measure="A")),
        Mistake("you returned the squared norms: ‖dW‖ is the square root of the sum of squares "
                "(np.linalg.norm)", lambda *a: layer_gradient_norms_reference(*a, squared=True)),
        Mistake("the MSE is the mean over all N·H entries (eq. 2.1), so the backward pass "
                "starts with dA_L = 2 (A_L − Y) / (N·H); you divided by N only",
                lambda *a: layer_gradient_norms_reference(*a, mean_over=len(a[1]))),
    ),
    forbidden=("Dense", "Network", "mlp", "Sigmoid", "sigmoid_derivative", "MSE",
               "mse_gradient", "ACTIVATIONS", "activations.activation_layer", "train"),
)


# -- 3. the learning speed of every layer during training ---------------------------------------

def _gradients(X, Y, Ws, bs):
    """dW, db of every layer of the deep sigmoid network with MSE loss (eqs. 2.2, 3.6, 3.8–3.10)."""
    As = [X]
    for W, b in zip(Ws, bs):
        As.append(_sigmoid(As[-1] @ W + b))
    dA = 2.0 * (As[-1] - Y) / Y.size
    dWs, dbs = np.zeros_like(Ws), np.zeros_like(bs)
    for l in reversed(range(len(Ws))):
        dZ = dA * As[l + 1] * (1.0 - As[l + 1])
        dWs[l], dbs[l] = As[l].T @ dZ, dZ.sum(axis=0)
        dA = dZ @ Ws[l].T
    return dWs, dbs


def layer_learning_speeds_reference(X, Y, Ws, bs, lr, steps, after_update=False,
                                    update_biases=True, with_lr=True, frozen=False):
    """(steps, Λ): lr ‖dW⁽ˡ⁾‖ / ‖W⁽ˡ⁾‖ at every step of full-batch gradient descent (the options
    switch on typical mistakes)."""
    Ws, bs = np.array(Ws, dtype=float), np.array(bs, dtype=float)
    speeds = np.zeros((int(steps), len(Ws)))
    for t in range(int(steps)):
        dWs, dbs = _gradients(X, Y, Ws, bs)
        new_Ws = Ws if frozen else Ws - lr * dWs
        for l in range(len(Ws)):
            W = new_Ws[l] if after_update else Ws[l]
            speeds[t, l] = (lr if with_lr else 1.0) * np.linalg.norm(dWs[l]) / np.linalg.norm(W)
        if not frozen:
            Ws = new_Ws
            bs = bs - lr * dbs if update_biases else bs
    return speeds


def _speed_cases(rng):
    def case(N, H, L, steps, label):
        return Case((_normal(rng, N, H), rng.random((N, H)), _normal(rng, L, H, H, scale=0.8),
                     _normal(rng, L, H, scale=0.1), 2.0, steps), label)
    return [case(8, 5, 5, 6, "5 layers of width 5, 6 steps"),
            case(6, 4, 3, 4, "3 layers of width 4, 4 steps")]


LAYER_LEARNING_SPEEDS = Task(
    id="05.layer_learning_speeds", function="layer_learning_speeds",
    title="the learning speed of every layer during training", points=3,
    args=("X", "Y", "Ws", "bs", "lr", "steps"), cases=_speed_cases,
    reference=layer_learning_speeds_reference, sizes=lambda *a: {}, atol=1e-12,
    mistakes=(
        Mistake("you measured every step at the starting weights: update Ws and bs after each "
                "step (W⁽ˡ⁾ ← W⁽ˡ⁾ − lr dW⁽ˡ⁾), so that each row is measured where training is",
                lambda *a: layer_learning_speeds_reference(*a, frozen=True)),
        Mistake("divide by the norm of the weights *before* the update: the ratio says how much "
                "this step changes the weights it starts from",
                lambda *a: layer_learning_speeds_reference(*a, after_update=True)),
        Mistake("the biases must be trained too (b⁽ˡ⁾ ← b⁽ˡ⁾ − lr db⁽ˡ⁾): without that the later "
                "steps see a different network",
                lambda *a: layer_learning_speeds_reference(*a, update_biases=False)),
        Mistake("the update is lr · dW⁽ˡ⁾, so the ratio is lr ‖dW⁽ˡ⁾‖ / ‖W⁽ˡ⁾‖: the learning rate "
                "is missing", lambda *a: layer_learning_speeds_reference(*a, with_lr=False)),
        Mistake("your columns are in reverse order: column 0 belongs to the first layer (next "
                "to the input)", lambda *a: layer_learning_speeds_reference(*a)[:, ::-1]),
    ),
    forbidden=("Dense", "Network", "mlp", "Sigmoid", "sigmoid_derivative", "MSE",
               "mse_gradient", "ACTIVATIONS", "activations.activation_layer", "train",
               "train_step", "SGD", "depth_study"),
    uses=("05.layer_gradient_norms",),
)


# -- 4. an initialisation that keeps the gradient alive ------------------------------------------

def init_std_reference(n_in, n_out):
    """He's standard deviation for a ReLU layer of n_in inputs (eq. 5.5): √(2 / n_in)."""
    return float(np.sqrt(2.0 / n_in))


def _init_cases(rng):
    square = int(rng.choice([32, 50, 64, 100]))
    wide, narrow = int(rng.choice([20, 30, 40])), int(rng.choice([120, 150, 200]))
    return [Case((square, square), "a square layer"),
            Case((wide, narrow), "more units than inputs"),
            Case((narrow, wide), "fewer units than inputs")]


INIT_STD = Task(
    id="05.init_std", function="init_std", title="an initialisation that keeps gradients alive",
    points=3, args=("n_in", "n_out"), cases=_init_cases, reference=init_std_reference,
    rtol=0.1, atol=0.0, sizes=lambda n_in, n_out: {},
    mistakes=(
        Mistake("0.01 is far too small for a deep network: every layer shrinks the forward "
                "signal by about 0.01·√(n_in / 2) (and the gradient going back by "
                "0.01·√(n_out / 2)), so after 10 layers almost nothing is left",
                lambda n_in, n_out: 0.01),
        Mistake("a standard deviation of 1 is far too large: every ReLU layer multiplies the "
                "size of the forward signal by about √(n_in / 2) (and of the gradient going back "
                "by √(n_out / 2))",
                lambda n_in, n_out: 1.0),
        Mistake("you returned the variance 2 / n_in; the weights are drawn with the standard "
                "deviation, its square root", lambda n_in, n_out: 2.0 / n_in),
        Mistake("ReLU sets about half of its inputs to zero, which halves the signal's variance "
                "in every layer; He's √(2 / n_in) makes up for it, 1/√n_in does not",
                lambda n_in, n_out: float(np.sqrt(1.0 / n_in))),
        Mistake("Xavier's √(2 / (n_in + n_out)) is the compromise meant for tanh; for ReLU and "
                "the forward signal use He's √(2 / n_in) (eq. 5.5)",
                lambda n_in, n_out: float(np.sqrt(2.0 / (n_in + n_out)))),
        Mistake("√(2 / n_out) keeps the size of the gradient going backward (eq. 5.4: it counts "
                "the layer's outputs); this task asks for the forward signal, which counts the "
                "layer's inputs: √(2 / n_in) (eqs. 5.3, 5.5)",
                lambda n_in, n_out: float(np.sqrt(2.0 / n_out))),
    ),
    forbidden=("init_weights", "Dense", "mlp"),
    partial={"a square layer": 1},
)

TASKS = (CHAIN_GRADIENT, LAYER_GRADIENT_NORMS, LAYER_LEARNING_SPEEDS, INIT_STD)
