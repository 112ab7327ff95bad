"""A simple recurrent layer and backpropagation through time (BPTT).

Shapes (Lesson 08, eq. 8.1): a batch of N sequences of T steps with D features each,
X (N, T, D), goes through H hidden units, one step after the other:

    h_t = tanh(x_t W_x + h_{t−1} W_h + b),      x_t (N, D), h_t (N, H), h_0 given (zeros by default)

and the layer returns every hidden state, H (N, T, H). The same W_x (D, H), W_h (H, H) and b (H,)
are used at every step, so backward ADDS one contribution per step to their gradients — the
reason the layer contract (``layer.py``) says gradients accumulate.

Two small layers put an output on top (Lesson 08, eq. 8.2):
    LastStep()        H (N, T, H) -> h_T (N, H): one output per sequence, e.g. with Dense after it;
    PerStep(layer)    applies a layer (say Dense(H, K)) at every step: (N, T, H) -> (N, T, K).

Notation as in the lesson: ``Wx`` is W_x, ``Wh`` is W_h; ``dWh`` is ∂L/∂W_h. The code counts time
steps from 0 (``X[:, 0]`` is x_1 of the lesson), as Python does.
"""

import numpy as np

from .dense import init_weights
from .errors import (
    ConfigError,
    NonFiniteError,
    ShapeError,
    as_float_array,
    check_count,
    check_positive,
    check_seed,
)
from .layer import Layer


class Recurrent(Layer):
    """A tanh recurrent layer from D inputs to H hidden units, run over whole sequences.

    Recurrent(D, H, rng=0) makes W_x (D, H) and W_h (H, H) with Xavier initialisation
    (``recurrent_scale`` then sets the largest singular value of W_h, if given) and b = 0.
    truncate: None for full BPTT, or k ≥ 1 for truncated BPTT: the sequence is cut into pieces
        of k steps and the gradient is not carried back from one piece into the one before
        (Lesson 08, eq. 8.10). The forward pass is unchanged.
    """

    def __init__(self, n_in, n_hidden, truncate=None, rng=None, recurrent_scale=None,
                 dtype=np.float64):
        super().__init__()
        n_in = check_count(n_in, "Recurrent: n_in (the number of features per step)")
        n_hidden = check_count(n_hidden, "Recurrent: n_hidden (the number of hidden units)")
        self.truncate = check_truncate(truncate)
        rng = np.random.default_rng() if rng is None else check_seed(rng, "Recurrent: rng")
        if recurrent_scale is not None:
            recurrent_scale = check_positive(recurrent_scale, "Recurrent: recurrent_scale (the largest "
                                             "singular value of W_h)")
        Wh = init_weights(n_hidden, n_hidden, "xavier", rng, dtype=dtype)
        if recurrent_scale is not None:
            Wh = Wh * (recurrent_scale / np.linalg.norm(Wh, 2))  # norm 2: largest singular value
        self.params = {"Wx": init_weights(n_in, n_hidden, "xavier", rng, dtype=dtype),
                       "Wh": Wh.astype(dtype), "b": np.zeros(n_hidden, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.dh0 = None

    Wx = property(lambda self: self.params["Wx"])
    Wh = property(lambda self: self.params["Wh"])
    b = property(lambda self: self.params["b"])
    dWx = property(lambda self: self.grads["Wx"])
    dWh = property(lambda self: self.grads["Wh"])
    db = property(lambda self: self.grads["b"])

    def forward(self, X, h0=None):
        """X: (N, T, D) sequences; h0: (N, H) first hidden state (default zeros).

        Returns: H (N, T, H), the hidden states h_1 .. h_T   (Lesson 08, eq. 8.1).
        Keeps X, h0 and H for the backward pass.
        """
        X = self._check_sequences(X)
        N, T, _ = X.shape
        h = self._check_h0(h0, N)
        self.X, self.h0 = X, h
        self.H = np.empty((N, T, self.Wh.shape[0]), dtype=self.Wh.dtype)
        for t in range(T):
            h = np.tanh(X[:, t] @ self.Wx + h @ self.Wh + self.b)   # eq. 8.1
            self.H[:, t] = h
        self._out_shape = self.H.shape
        return self.H

    def backward(self, dH):
        """dH: (N, T, H) = ∂L/∂H, the gradient reaching each h_t from the layers above.

        Returns dX (N, T, D). Adds dWx (D, H), dWh (H, H), db (H,) into self.grads and sets
        self.dh0 (N, H) = ∂L/∂h_0. Walks the steps backwards (Lesson 08, eqs. 8.4–8.7):
            dh_t = dH_t + dz_{t+1} W_hᵀ            (the gradient through h_t: this step + later ones)
            dz_t = dh_t ⊙ (1 − h_t²)
            dW_x += x_tᵀ dz_t,  dW_h += h_{t−1}ᵀ dz_t,  db += Σₙ dz_t,  dx_t = dz_t W_xᵀ
        """
        dH = self._check_dout(dH)
        T = dH.shape[1]
        dX = np.zeros_like(self.X)
        dh_later = np.zeros_like(self.h0)           # dz_{t+1} W_hᵀ: nothing after the last step
        for t in reversed(range(T)):
            h, h_prev = self.H[:, t], (self.H[:, t - 1] if t > 0 else self.h0)
            dh = dH[:, t] + dh_later                 # eq. 8.4
            dz = dh * (1.0 - h * h)                  # eq. 8.5
            self.grads["Wx"] += self.X[:, t].T @ dz  # eq. 8.6: one contribution per step
            self.grads["Wh"] += h_prev.T @ dz
            self.grads["b"] += dz.sum(axis=0)
            dX[:, t] = dz @ self.Wx.T                # eq. 8.7
            dh_later = dz @ self.Wh.T
            if self.truncate is not None and t % self.truncate == 0:
                dh_later = np.zeros_like(dh_later)   # eq. 8.10: cut between two pieces
        self.dh0 = dh_later
        return dX

    def __repr__(self):
        D, H = self.Wx.shape
        cut = "" if self.truncate is None else f", truncate={self.truncate}"
        return f"Recurrent({D} -> {H}{cut})"

    # -- input checks --------------------------------------------------------------------------

    def _check_sequences(self, X):
        X = as_float_array(X, f"input of {self.name}", self.Wx.dtype)
        D = self.Wx.shape[0]
        if X.ndim != 3:
            hint = (f" For one sequence of shape (T, {D}) use X[None]; for a batch of sequences "
                    f"with one feature use X[..., None]." if X.ndim == 2 else "")
            raise ShapeError(f"{self.name} expects a batch of sequences of shape (N, T, {D}) "
                             f"(N sequences, T steps, {D} features) but got shape {X.shape}.{hint}")
        if X.shape[2] != D:
            raise ShapeError(f"{self.name} expects {D} features per step, shape (N, T, {D}), but "
                             f"got shape {X.shape}. Check the data's last axis or the layer's n_in.")
        if X.shape[0] == 0 or X.shape[1] == 0:
            what = "an empty batch (N = 0)" if X.shape[0] == 0 else "empty sequences (T = 0)"
            raise ShapeError(f"{self.name} got {what}, shape {X.shape}: a recurrent layer needs at "
                             f"least one sequence of at least one step.")
        check_finite(X, f"input of {self.name}")
        return X

    def _check_h0(self, h0, N):
        H = self.Wh.shape[0]
        if h0 is None:
            return np.zeros((N, H), dtype=self.Wh.dtype)
        h0 = as_float_array(h0, f"h0 of {self.name}", self.Wh.dtype)
        if h0.shape != (N, H):
            raise ShapeError(f"{self.name}: the first hidden state h0 must have shape (N, H) = "
                             f"({N}, {H}), one state of {H} units per sequence, but got {h0.shape}.")
        check_finite(h0, f"h0 of {self.name}")
        return h0


class LastStep(Layer):
    """Keep the last step only: H (N, T, H) -> h_T (N, H). Backward puts dout at step T, zeros
    elsewhere: only the last step feeds the output (Lesson 08, eq. 8.2, 'at the last step')."""

    def forward(self, H):
        """H: (N, T, H).  Returns H[:, -1], (N, H)."""
        H = as_float_array(H, f"input of {self.name}")
        if H.ndim != 3 or H.shape[1] == 0:
            raise ShapeError(f"{self.name} expects hidden states of shape (N, T, H) with T ≥ 1, "
                             f"e.g. the output of a Recurrent layer, but got shape {H.shape}.")
        self._in_shape = H.shape
        self._out_shape = H[:, -1].shape
        return H[:, -1]

    def backward(self, dout):
        """dout: (N, H) = ∂L/∂h_T.  Returns dH (N, T, H): dout at the last step, 0 before it."""
        dout = self._check_dout(dout)
        dH = np.zeros(self._in_shape, dtype=dout.dtype)
        dH[:, -1] = dout
        return dH


class PerStep(Layer):
    """Apply a layer at every step with the same parameters: (N, T, H) -> (N, T, K).

    PerStep(Dense(H, K)) computes y_t = h_t W_y + b_y for each t (Lesson 08, eq. 8.2, 'per
    step'). It reshapes to (N·T, H), so the inner layer sees N·T examples and its gradients
    already sum over the steps. ``params`` and ``grads`` are the inner layer's own dicts.
    """

    def __init__(self, layer):
        super().__init__()
        if not isinstance(layer, Layer):
            raise ConfigError(f"PerStep needs a layer to apply at every step, e.g. PerStep(Dense(H, K)), "
                              f"got {layer!r}.")
        self.layer = layer
        self.params, self.grads = layer.params, layer.grads

    def forward(self, H):
        """H: (N, T, H).  Returns: the inner layer at every step, (N, T, K)."""
        H = as_float_array(H, f"input of {self.name}")
        if H.ndim != 3:
            raise ShapeError(f"{self.name} expects sequences of shape (N, T, H) but got {H.shape}.")
        N, T, _ = H.shape
        out = self.layer.forward(H.reshape(N * T, -1))
        out = out.reshape(N, T, *out.shape[1:])
        self._out_shape = out.shape
        return out

    def backward(self, dout):
        """dout: (N, T, K).  Returns dH (N, T, H); the inner layer adds its parameter gradients."""
        dout = self._check_dout(dout)
        N, T = dout.shape[:2]
        dH = self.layer.backward(dout.reshape(N * T, *dout.shape[2:]))
        return dH.reshape(N, T, -1)

    def __repr__(self):
        return f"PerStep({self.layer!r})"


def check_truncate(truncate):
    """None, or a whole number k ≥ 1 of steps per piece of truncated BPTT."""
    if truncate is None:
        return None
    return check_count(truncate, "truncate (None for full BPTT, or the number of steps per piece)")


def check_finite(array, name):
    """Raise NonFiniteError, naming the first bad entry, if ``array`` holds NaN or ±inf."""
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise NonFiniteError(f"{name} contains NaN or infinite values ({int(bad.sum())} of them, "
                             f"the first at index {where}); remove or fill them first.")
