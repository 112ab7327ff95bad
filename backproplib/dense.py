"""The dense (fully connected) layer: Z = X W + b.

Shapes (Lesson 01, eq. 1.5):  X (N, D) · W (D, M) + b (M,)  ->  Z (N, M),
where N is the batch size, D the number of inputs and M the number of units.
"""

import numpy as np

from .errors import (
    ConfigError,
    check_batch,
    check_choice,
    check_count,
    check_number,
    check_seed,
)
from .layer import Layer

INITIALISATIONS = ("zeros", "normal", "xavier", "he")


def init_weights(n_in, n_out, scheme="he", rng=None, scale=0.01, dtype=np.float64):
    """Return initial weights W of shape (n_in, n_out) (Lesson 05, eq. 5.5).

    scheme:
        "zeros"  – all zero: every unit computes the same thing and learns the same thing.
        "normal" – N(0, scale²), small random numbers (``scale`` defaults to 0.01).
        "xavier" – N(0, 2 / (n_in + n_out)), Glorot's choice for tanh and sigmoid.
        "he"     – N(0, 2 / n_in), He's choice for ReLU.
    rng: a ``numpy.random.Generator`` or a seed ≥ 0 (the same seed gives the same weights);
    None draws fresh randomness. dtype: a floating type, float64 (default) or float32.
    """
    n_in = check_count(n_in, "n_in (the number of inputs of the layer)")
    n_out = check_count(n_out, "n_out (the number of units of the layer)")
    check_choice(scheme, INITIALISATIONS, "initialisation")
    scale = check_number(scale, "scale (the standard deviation of 'normal' weights)", low=0.0,
                         low_open=True, hint=" 0.01 is usual.")
    rng = np.random.default_rng() if rng is None else check_seed(rng, "rng")
    dtype = check_float_dtype(dtype)
    std = {"zeros": 0.0, "normal": scale, "xavier": np.sqrt(2.0 / (n_in + n_out)),
           "he": np.sqrt(2.0 / n_in)}[scheme]
    if std == 0.0:
        return np.zeros((n_in, n_out), dtype=dtype)
    return (std * rng.standard_normal((n_in, n_out))).astype(dtype)


def check_float_dtype(dtype):
    """``dtype`` as a numpy floating dtype; integer weights would be truncated to zero."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ConfigError(f"dtype must be a numpy floating type such as np.float64, got {dtype!r}.") from None
    if dtype.kind != "f":
        raise ConfigError(f"dtype must be a floating type (np.float64 or np.float32), got {dtype}: "
                          f"weights of dtype {dtype} would be rounded (small weights to zero).")
    return dtype


class Dense(Layer):
    """A fully connected layer with weights W (D, M) and bias b (M,).

    Dense(D, M, init="he", rng=0) makes a layer from D inputs to M units.
    """

    def __init__(self, n_in, n_out, init="he", rng=None, scale=0.01, dtype=np.float64):
        super().__init__()
        W = init_weights(n_in, n_out, init, rng, scale, dtype)
        self.params = {"W": W, "b": np.zeros(W.shape[1], dtype=W.dtype)}
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
        self.X = check_batch(X, f"input of {self.name}", columns=self.W.shape[0], dtype=self.W.dtype)
        Z = self.X @ self.W + self.b
        self._out_shape = Z.shape
        return Z

    def backward(self, dZ):
        """dZ: (N, M) = ∂L/∂Z.  Returns dX (N, D); adds dW (D, M) and db (M,) into self.grads.

        Lesson 03, eqs. 3.8–3.10:  dW = Xᵀ dZ,   db = Σₙ dZₙ (sum over the batch),   dX = dZ Wᵀ.
        """
        dZ = self._check_dout(dZ)
        self.grads["W"] += self.X.T @ dZ
        self.grads["b"] += dZ.sum(axis=0)
        return dZ @ self.W.T

    def __repr__(self):
        D, M = self.W.shape
        return f"Dense({D} -> {M})"
