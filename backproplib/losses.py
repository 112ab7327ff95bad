"""Losses: how wrong a batch of predictions is, and the gradient that starts backpropagation.

Every loss obeys the layer contract's two steps:
    L = loss.forward(Y_hat, Y)    # a float, the mean over the batch
    dY_hat = loss.backward()      # ∂L/∂Y_hat, same shape as Y_hat
Notation: N examples, K outputs; Y_hat are the network outputs, Y the targets.
"""

import numpy as np

from .activations import sigmoid
from .errors import (
    DataError,
    LabelError,
    ShapeError,
    UsageError,
    as_float_array,
    as_numeric_array,
    check_count,
    check_finite,
    check_flag,
)

_EPS = 1e-12  # probabilities are clipped to [_EPS, 1 − _EPS] before taking a log


# -- plain functions -----------------------------------------------------------------------------

def softmax(Z):
    """Z: (N, K) logits.  Returns P: (N, K), each row positive and summing to 1 (Lesson 02, eq. 2.4).

    Subtracting each row's maximum first changes nothing mathematically and keeps exp() from
    overflowing, so logits of ±1000 are fine.
    """
    Z = _logits(Z, "softmax").astype(np.float64, copy=False)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def log_softmax(Z):
    """Z: (N, K).  Returns log softmax(Z), (N, K), computed without overflow or log(0)."""
    Z = _logits(Z, "log_softmax").astype(np.float64, copy=False)
    shifted = Z - Z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(y, num_classes, where="one_hot"):
    """y: (N,) integer labels in 0..num_classes−1.  Returns: (N, num_classes) of 0.0 and 1.0.

    ``where`` names the caller in the error raised for labels out of range.
    """
    num_classes = check_count(num_classes, f"{where}: num_classes")
    return _encode(check_class_labels(y, num_classes, where), num_classes)


def _encode(y, num_classes):
    """Checked labels y (N,) as one-hot rows (N, num_classes): row n has 1.0 in column y[n]."""
    return (y[:, None] == np.arange(num_classes)).astype(float)


def mse(Y_hat, Y):
    """Mean squared error, L = (1 / (N·K)) Σ (ŷ − y)²   (Lesson 02, eq. 2.1)."""
    Y_hat, Y = _regression_pair(Y_hat, Y, "mse")
    return float(np.mean((Y_hat - Y) ** 2))


def mse_gradient(Y_hat, Y):
    """∂L/∂Ŷ = 2 (Ŷ − Y) / (N·K), same shape as Y_hat   (Lesson 02, eq. 2.2)."""
    Y_hat, Y = _regression_pair(Y_hat, Y, "mse_gradient")
    return 2.0 * (Y_hat - Y) / Y_hat.size


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
    """Base class: ``forward(Y_hat, Y)`` returns the loss and keeps what ``backward()`` needs.

    ``classifies``: True for the classification losses (training then also reports accuracy).
    """

    classifies = False

    def forward(self, Y_hat, Y):
        """Y_hat: (N, K) predictions, Y: their targets.  Returns: the loss, a float."""
        raise UsageError(f"{type(self).__name__} has no forward(Y_hat, Y) of its own; a loss class "
                         f"must define forward and backward (see MSE for an example).")

    def backward(self):
        """Returns: ∂L/∂Y_hat, the shape of the last Y_hat."""
        raise UsageError(f"{type(self).__name__} has no backward() of its own; a loss class "
                         f"must define forward and backward (see MSE for an example).")

    def __call__(self, Y_hat, Y):
        return self.forward(Y_hat, Y)

    def _check_forward_done(self, kept):
        if kept is None:
            raise UsageError(f"{type(self).__name__}: call forward(Y_hat, Y) before backward(); "
                             f"backward() needs the predictions and targets that forward() keeps.")


class MSE(Loss):
    """Mean squared error for regression. Y_hat and Y: (N, K) (or (N,) and (N, 1))."""

    def __init__(self):
        self.Y_hat = self.Y = None  # kept by forward: predictions and targets, same shape

    def forward(self, Y_hat, Y):
        self.Y_hat, self.Y = _regression_pair(Y_hat, Y, "MSE")
        return mse(self.Y_hat, self.Y)

    def backward(self):
        """Returns ∂L/∂Ŷ = 2 (Ŷ − Y) / (N·K), the shape of Y_hat   (Lesson 02, eq. 2.2)."""
        self._check_forward_done(self.Y_hat)
        return mse_gradient(self.Y_hat, self.Y)


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy for two classes.

    With ``from_logits=True`` (the default) Y_hat are raw scores z (N, 1) and the sigmoid is part
    of the loss: L = mean(softplus(z) − y·z), computed stably, and ∂L/∂z = (σ(z) − y) / N
    (Lesson 02, eq. 2.7). With ``from_logits=False`` Y_hat are probabilities p in [0, 1].
    """

    classifies = True

    def __init__(self, from_logits=True):
        self.from_logits = check_flag(from_logits, "BinaryCrossEntropy: from_logits")
        self.Y_hat = self.Y = None  # kept by forward: logits z (or probabilities p), targets y

    def forward(self, Y_hat, Y):
        self.Y_hat, self.Y = _binary_pair(Y_hat, Y, "BinaryCrossEntropy", not self.from_logits)
        if not self.from_logits:
            return binary_cross_entropy(self.Y_hat, self.Y)
        z, y = self.Y_hat, self.Y
        # softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)): no overflow for z = ±1000
        return float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))

    def backward(self):
        """Returns ∂L/∂Y_hat, the shape of Y_hat: (σ(z) − y) / N from logits (eq. 2.7)."""
        self._check_forward_done(self.Y_hat)
        N, y = self.Y_hat.size, self.Y
        if self.from_logits:
            return (sigmoid(self.Y_hat) - y) / N
        p = np.clip(self.Y_hat, _EPS, 1 - _EPS)
        return (-(y / p) + (1 - y) / (1 - p)) / N


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, for K classes. Y_hat are logits (N, K).

    Targets: integer labels (N,) or one-hot rows (N, K). The gradient is the famous
    ∂L/∂Z = (softmax(Z) − Y) / N   (Lesson 02, eq. 2.6).
    """

    classifies = True

    def __init__(self):
        self.P = self.Y = None  # kept by forward: P = softmax(Z) and one-hot targets Y, (N, K)

    def forward(self, Z, y):
        Z, self.Y = _classification_pair(Z, y, "SoftmaxCrossEntropy")
        log_P = log_softmax(Z)
        self.P = np.exp(log_P)
        return float(-(self.Y * log_P).sum() / Z.shape[0])  # Lesson 02, eq. 2.5

    def backward(self):
        """Returns ∂L/∂Z = (P − Y) / N, (N, K)   (Lesson 02, eq. 2.6)."""
        self._check_forward_done(self.P)
        return (self.P - self.Y) / self.P.shape[0]


# -- checks of predictions and targets -----------------------------------------------------------

def _logits(Z, where):
    """Z as a float array with a last axis of at least one entry (the K classes)."""
    Z = as_float_array(Z, f"{where}: logits Z")
    if Z.ndim == 0 or Z.shape[-1] == 0:
        raise ShapeError(f"{where}: logits must have shape (N, K) or (K,) with K ≥ 1 scores per "
                         f"example, got shape {Z.shape}.")
    return Z


def check_class_labels(y, num_classes, where):
    """Return y as an int array (N,) of labels in 0..num_classes−1, or raise a LabelError."""
    y = as_numeric_array(y, f"{where}: labels")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)  # a column of labels
    if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64, copy=False)
    if y.dtype.kind not in "biu" or y.ndim != 1:
        raise LabelError(
            f"{where}: labels must be whole class numbers of shape (N,), got dtype {y.dtype} and "
            f"shape {y.shape}. If you have one-hot rows, pass them as an (N, {num_classes}) array."
        )
    y = y.astype(np.int64, copy=False)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise LabelError(
            f"{where}: labels must be in 0..{num_classes - 1} for {num_classes} classes, but they "
            f"range from {y.min()} to {y.max()}. Check the number of outputs of the last layer."
        )
    return y


def _classification_pair(Z, y, where):
    """Logits Z (N, K) with K ≥ 2, and targets as one-hot rows Y (N, K)."""
    Z = _logits(Z, where)
    if Z.ndim != 2 or Z.shape[0] == 0 or Z.shape[1] < 2:
        raise ShapeError(f"{where}: logits must have shape (N, K) — N ≥ 1 examples, K ≥ 2 classes — "
                         f"but got shape {Z.shape}. For two classes with one output use "
                         f"BinaryCrossEntropy.")
    N, K = Z.shape
    y = as_numeric_array(y, f"{where}: targets")
    if y.shape == (N, 1):
        y = y.reshape(N)  # a column of labels
    if y.ndim == 2:
        Y = check_finite(as_float_array(y, f"{where}: targets"), f"{where}: targets")
        if Y.shape != Z.shape:
            raise ShapeError(f"{where}: one-hot targets must have the logits' shape {Z.shape}, "
                             f"got {Y.shape}.")
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0):
            raise LabelError(f"{where}: each row of (N, K) targets must be a probability "
                             f"distribution (entries ≥ 0 summing to 1), e.g. a one-hot row.")
        return Z, Y
    if y.ndim != 1 or y.shape[0] != N:
        raise ShapeError(f"{where}: expected {N} integer labels of shape ({N},) for logits of shape "
                         f"{Z.shape}, got labels of shape {y.shape}.")
    return Z, _encode(check_class_labels(y, K, where), K)


def _match_targets(Y_hat, Y, where):
    """Accept (N,) targets for (N, 1) outputs and vice versa; otherwise the shapes must match."""
    if Y_hat.size == 0:
        raise DataError(f"{where}: there are no predictions (shape {Y_hat.shape}); a loss needs at "
                        f"least one example.")
    if Y.shape != Y_hat.shape and Y.size == Y_hat.size and Y_hat.ndim <= 2 and Y.ndim <= 2 \
            and max(Y_hat.shape + (1,)) == Y_hat.size:
        Y = Y.reshape(Y_hat.shape)
    if Y.shape != Y_hat.shape:
        raise ShapeError(f"{where}: predictions have shape {Y_hat.shape} but targets have shape "
                         f"{Y.shape}; they must match (one target per output).")
    return check_finite(Y, f"{where}: targets")


def _regression_pair(Y_hat, Y, where):
    Y_hat = as_float_array(Y_hat, f"{where}: predictions")
    Y = _match_targets(Y_hat, as_float_array(Y, f"{where}: targets"), where)
    return Y_hat, Y


def _binary_pair(Y_hat, Y, where, probabilities=True):
    Y_hat, Y = _regression_pair(Y_hat, Y, where)
    if np.any((Y < 0) | (Y > 1)):
        raise LabelError(f"{where}: targets must be 0 or 1 (or probabilities in [0, 1]); got values "
                         f"from {Y.min()} to {Y.max()}. For more than two classes use "
                         f"SoftmaxCrossEntropy.")
    if probabilities and np.any((Y_hat < 0) | (Y_hat > 1)):
        raise DataError(f"{where}: predictions must be probabilities in [0, 1]; got values from "
                        f"{np.nanmin(Y_hat)} to {np.nanmax(Y_hat)}. Pass raw scores with "
                        f"from_logits=True instead.")
    return Y_hat, Y
