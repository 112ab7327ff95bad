"""The dense (fully connected) layer: Z = X W + b.

Shapes (Lesson 01, eq. 1.5):  X (N, D) · W (D, M) + b (M,)  ->  Z (N, M),
where N is the batch size, D the number of inputs and M the number of units.
"""

import numpy as np

from .errors import ConfigError, ShapeError, as_float_array
from .layer import Layer

INITIALISATIONS = ("zeros", "normal", "xavier", "he")


def init_weights(n_in, n_out, scheme="he", rng=None, scale=0.01, dtype=np.float64):
    """Return initial weights W of shape (n_in, n_out) (Lesson 05, eq. 5.5).

    scheme:
        "zeros"  – all zero: every unit computes the same thing and learns the same thing.
        "normal" – N(0, scale²), small random numbers (``scale`` defaults to 0.01).
        "xavier" – N(0, 2 / (n_in + n_out)), Glorot's choice for tanh and sigmoid.
        "he"     – N(0, 2 / n_in), He's choice for ReLU.
    rng: a ``numpy.random.Generator`` or an int seed (the same seed gives the same weights).
    """
    if scheme not in INITIALISATIONS:
        raise ConfigError(f"unknown initialisation {scheme!r}; choose one of {INITIALISATIONS}.")
    rng = np.random.default_rng(rng)
    std = {"zeros": 0.0, "normal": scale, "xavier": np.sqrt(2.0 / (n_in + n_out)),
           "he": np.sqrt(2.0 / n_in)}[scheme]
    if std == 0.0:
        return np.zeros((n_in, n_out), dtype=dtype)
    return (std * rng.standard_normal((n_in, n_out))).astype(dtype)


class Dense(Layer):
    """A fully connected layer with weights W (D, M) and bias b (M,).

    Dense(D, M, init="he", rng=0) makes a layer from D inputs to M units.
    """

    def __init__(self, n_in, n_out, init="he", rng=None, scale=0.01, dtype=np.float64):
        super().__init__()
        for value, what in ((n_in, "n_in"), (n_out, "n_out")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ConfigError(f"Dense: {what} must be a whole number ≥ 1, got {value!r}.")
        self.params = {"W": init_weights(n_in, n_out, init, rng, scale, dtype),
                       "b": np.zeros(n_out, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    @property
    def dW(self):
        return self.grads["W"]

    @property
    def db(self):
        return self.grads["b"]

    def forward(self, X):
        """X: (N, D) inputs.  Returns: Z = X W + b, (N, M)   (Lesson 01, eq. 1.5). Keeps X."""
        X = as_float_array(X, f"input of {self.name}", self.W.dtype)
        D, M = self.W.shape
        if X.ndim == 1 and X.shape[0] == D:
            raise ShapeError(
                f"{self.name} expects a batch of shape (N, {D}) but got a single vector of shape "
                f"{X.shape}; for one example use X.reshape(1, -1)."
            )
        if X.ndim != 2 or X.shape[1] != D:
            raise ShapeError(
                f"{self.name} expects input of shape (N, {D}) (N examples with {D} features each) "
                f"but got shape {X.shape}. Check the previous layer's size or the data's columns."
            )
        self.X = X
        Z = X @ self.W + self.b
        self._out_shape = Z.shape
        return Z

    def backward(self, dZ, input_gradient=True):
        """dZ: (N, M) = ∂L/∂Z.  Returns dX (N, D); adds dW (D, M) and db (M,) into self.grads.

        Lesson 03, eqs. 3.8–3.10:  dW = Xᵀ dZ,   db = Σₙ dZₙ (sum over the batch),   dX = dZ Wᵀ.
        input_gradient=False skips dX and returns None: the first layer of a network being
        trained needs only dW and db (nothing uses ∂L/∂data), and dX costs as much as dW.
        """
        dZ = self._check_dout(dZ)
        self.grads["W"] += self.X.T @ dZ
        self.grads["b"] += dZ.sum(axis=0)
        if not input_gradient:
            return None
        return dZ @ self.W.T

    def __repr__(self):
        D, M = self.W.shape
        return f"Dense({D} -> {M})"
