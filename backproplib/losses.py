"""Losses: how wrong a batch of predictions is, and the gradient that starts backpropagation.

Every loss obeys the layer contract's two steps:
    L = loss.forward(Y_hat, Y)    # a float, the mean over the batch
    dY_hat = loss.backward()      # ∂L/∂Y_hat, same shape as Y_hat
Notation: N examples, K outputs; Y_hat are the network outputs, Y the targets.
"""

import numpy as np

from .errors import LabelError, ShapeError, as_float_array

_EPS = 1e-12  # probabilities are clipped to [_EPS, 1 − _EPS] before taking a log


# -- plain functions -----------------------------------------------------------------------------

def softmax(Z):
    """Z: (N, K) logits.  Returns P: (N, K), each row positive and summing to 1 (Lesson 02, eq. 2.4).

    Subtracting each row's maximum first changes nothing mathematically and keeps exp() from
    overflowing, so logits of ±1000 are fine.
    """
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def log_softmax(Z):
    """Z: (N, K).  Returns log softmax(Z), (N, K), computed without overflow or log(0)."""
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(y, num_classes, where="one_hot"):
    """y: (N,) integer labels in 0..num_classes−1.  Returns: (N, num_classes) of 0.0 and 1.0.

    ``where`` names the caller in the error raised for labels out of range.
    """
    y = check_class_labels(y, num_classes, where)
    Y = np.zeros((y.shape[0], num_classes))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def mse(Y_hat, Y):
    """Mean squared error, L = (1 / (N·K)) Σ (ŷ − y)²   (Lesson 02, eq. 2.1)."""
    Y_hat, Y = _regression_pair(Y_hat, Y, "mse")
    return float(np.mean((Y_hat - Y) ** 2))


def mse_gradient(Y_hat, Y):
    """∂L/∂Ŷ = 2 (Ŷ − Y) / (N·K), same shape as Y_hat   (Lesson 02, eq. 2.2)."""
    Y_hat2, Y = _regression_pair(Y_hat, Y, "mse_gradient")
    return (2.0 * (Y_hat2 - Y) / Y_hat2.size).reshape(np.shape(Y_hat))


def binary_cross_entropy(P, Y):
    """Binary cross-entropy of probabilities P in [0, 1] for targets Y in {0, 1}  (eq. 2.3).

    L = −(1/N) Σ [y log p + (1 − y) log(1 − p)]; p is clipped to [1e−12, 1 − 1e−12], so p = 0 or
    p = 1 gives a large finite loss, never inf or NaN.
    """
    P, Y = _binary_pair(P, Y, "binary_cross_entropy")
    Pc = np.clip(P, _EPS, 1 - _EPS)
    return float(-np.mean(Y * np.log(Pc) + (1 - Y) * np.log(1 - Pc)))


def cross_entropy(Z, y):
    """Softmax cross-entropy of logits Z (N, K) for labels y: L = −(1/N) Σₙ log softmax(Zₙ)[yₙ].

    y is either (N,) integer class labels or (N, K) one-hot / probability rows (Lesson 02, eq. 2.5).
    """
    Z, Y = _classification_pair(Z, y, "cross_entropy")
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[0])


# -- the losses as objects with forward / backward -------------------------------------------------

class Loss:
    """Base class: ``forward(Y_hat, Y)`` returns the loss and keeps what ``backward()`` needs."""

    def __call__(self, Y_hat, Y):
        return self.forward(Y_hat, Y)

    def backward(self):
        if not hasattr(self, "_cache"):
            raise RuntimeError(f"{type(self).__name__}: call forward(Y_hat, Y) before backward().")
        return self._backward(*self._cache)


class MSE(Loss):
    """Mean squared error for regression. Y_hat and Y: (N, K) (or (N,) and (N, 1))."""

    def forward(self, Y_hat, Y):
        L = mse(Y_hat, Y)
        self._cache = (Y_hat, Y)
        return L

    def _backward(self, Y_hat, Y):
        return mse_gradient(Y_hat, Y)


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy for two classes.

    With ``from_logits=True`` (the default) Y_hat are raw scores z (N, 1) and the sigmoid is part
    of the loss: L = mean(softplus(z) − y·z), computed stably, and ∂L/∂z = (σ(z) − y) / N
    (Lesson 02, eq. 2.7). With ``from_logits=False`` Y_hat are probabilities p in [0, 1].
    """

    def __init__(self, from_logits=True):
        self.from_logits = from_logits

    def forward(self, Y_hat, Y):
        Y_hat_arr, Yb = _binary_pair(Y_hat, Y, "BinaryCrossEntropy", probabilities=not self.from_logits)
        self._cache = (Y_hat_arr, Yb, np.shape(Y_hat))
        if not self.from_logits:
            return binary_cross_entropy(Y_hat_arr, Yb)
        z = Y_hat_arr
        # softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)): no overflow for z = ±1000
        return float(np.mean(np.maximum(z, 0) - Yb * z + np.log1p(np.exp(-np.abs(z)))))

    def _backward(self, Y_hat, Y, shape):
        N = Y_hat.size
        if self.from_logits:
            from .activations import sigmoid
            return ((sigmoid(Y_hat) - Y) / N).reshape(shape)
        P = np.clip(Y_hat, _EPS, 1 - _EPS)
        return ((-(Y / P) + (1 - Y) / (1 - P)) / N).reshape(shape)


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, for K classes. Y_hat are logits (N, K).

    Targets: integer labels (N,) or one-hot rows (N, K). The gradient is the famous
    ∂L/∂Z = (softmax(Z) − Y) / N   (Lesson 02, eq. 2.6).
    """

    def forward(self, Z, y):
        Z, Y = _classification_pair(Z, y, "SoftmaxCrossEntropy")
        log_P = log_softmax(Z)
        self._cache = (np.exp(log_P), Y)  # P = softmax(Z), kept for the backward step
        return float(-np.sum(Y * log_P) / Z.shape[0])

    def _backward(self, P, Y):
        return (P - Y) / P.shape[0]


# -- checks of predictions and targets -----------------------------------------------------------

def check_class_labels(y, num_classes, where):
    """Return y as an int array (N,) of labels in 0..num_classes−1, or raise a LabelError."""
    y = np.asarray(y)
    if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu" or y.ndim != 1:
        raise LabelError(
            f"{where}: labels must be whole class numbers of shape (N,), got dtype {y.dtype} and "
            f"shape {y.shape}. If you have one-hot rows, pass them as an (N, {num_classes}) array."
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise LabelError(
            f"{where}: labels must be in 0..{num_classes - 1} for {num_classes} classes, but they "
            f"range from {y.min()} to {y.max()}. Check the number of outputs of the last layer."
        )
    return y


def _classification_pair(Z, y, where):
    Z = as_float_array(Z, f"{where} logits")
    if Z.ndim != 2:
        raise ShapeError(f"{where}: logits must have shape (N, K) — N examples, K classes — but got "
                         f"shape {Z.shape}.")
    N, K = Z.shape
    y_arr = np.asarray(y)
    if y_arr.ndim == 2:
        Y = as_float_array(y_arr, f"{where} targets")
        if Y.shape != Z.shape:
            raise ShapeError(f"{where}: one-hot targets must have the logits' shape {Z.shape}, "
                             f"got {Y.shape}.")
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0):
            raise LabelError(f"{where}: each row of (N, K) targets must be a probability "
                             f"distribution (entries ≥ 0 summing to 1), e.g. a one-hot row.")
        return Z, Y
    if y_arr.ndim != 1 or y_arr.shape[0] != N:
        raise ShapeError(f"{where}: expected {N} integer labels of shape ({N},) for logits of shape "
                         f"{Z.shape}, got labels of shape {y_arr.shape}.")
    return Z, one_hot(y_arr, K, where)


def _match_targets(Y_hat, Y, where):
    """Accept (N,) targets for (N, 1) outputs and vice versa; otherwise the shapes must match."""
    if Y.shape != Y_hat.shape and Y.size == Y_hat.size and Y_hat.ndim <= 2 and Y.ndim <= 2 \
            and max(Y_hat.shape + (1,)) == Y_hat.size:
        Y = Y.reshape(Y_hat.shape)
    if Y.shape != Y_hat.shape:
        raise ShapeError(f"{where}: predictions have shape {Y_hat.shape} but targets have shape "
                         f"{Y.shape}; they must match (one target per output).")
    return Y


def _regression_pair(Y_hat, Y, where):
    Y_hat = as_float_array(Y_hat, f"{where} predictions")
    Y = _match_targets(Y_hat, as_float_array(Y, f"{where} targets"), where)
    return Y_hat, Y


def _binary_pair(Y_hat, Y, where, probabilities=True):
    Y_hat = as_float_array(Y_hat, f"{where} predictions")
    Y = _match_targets(Y_hat, as_float_array(Y, f"{where} targets"), where)
    if np.any((Y < 0) | (Y > 1)) or np.any(np.isnan(Y)):
        raise LabelError(f"{where}: targets must be 0 or 1 (or probabilities in [0, 1]); got values "
                         f"from {np.nanmin(Y)} to {np.nanmax(Y)}. For more than two classes use "
                         f"SoftmaxCrossEntropy.")
    if probabilities and (np.any((Y_hat < 0) | (Y_hat > 1)) or np.any(np.isnan(Y_hat))):
        raise ValueError(f"{where}: predictions must be probabilities in [0, 1]; got values from "
                         f"{np.nanmin(Y_hat)} to {np.nanmax(Y_hat)}. Pass raw scores with "
                         f"from_logits=True instead.")
    return Y_hat, Y
