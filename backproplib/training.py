"""Mini-batches and the training loop: forward, loss, backward, update — repeated."""

import math
from dataclasses import dataclass, field

import numpy as np

from .errors import (
    BackpropError,
    ConfigError,
    DataError,
    ShapeError,
    TrainingDivergedError,
    as_float_array,
    as_numeric_array,
    check_count,
    check_finite,
    check_flag,
    check_rows,
    check_seed,
)
from .losses import Loss, check_class_labels
from .network import Network
from .optim import SGD
from .progress import Progress


def iterate_minibatches(X, Y, batch_size, rng=None, shuffle=True):
    """Yield (X_batch, Y_batch) pairs that cover the data set once (one epoch).

    X: (N, ...), Y: (N, ...).  Each batch has ``batch_size`` rows (the last one may be smaller).
    With ``shuffle`` the order is a permutation drawn from ``rng`` (a Generator or a seed ≥ 0;
    None draws fresh randomness), so the same seed gives the same batches. Rows are only
    reordered, never computed on.
    """
    batch_size = check_count(batch_size, "batch_size", hint=" Typical values are 16 to 256.")
    X, Y = check_rows(X, "X"), check_rows(Y, "Y")
    _same_length(X, Y, "X", "Y")
    rng = np.random.default_rng() if rng is None else check_seed(rng, "rng")
    N = X.shape[0]
    order = rng.permutation(N) if check_flag(shuffle, "shuffle") else np.arange(N)
    for start in range(0, N, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], Y[idx]


def accuracy(Y_hat, y):
    """Fraction of correct class predictions, a float in [0, 1].

    Y_hat: (N, K) scores with K ≥ 2 (predicted class = argmax), or (N, 1) / (N,) logits of a binary
    classifier (predicted class = 1 where the logit is > 0).
    y: (N,) or (N, 1) integer labels, or (N, K) one-hot rows.
    """
    Y_hat = check_finite(as_numeric_array(Y_hat, "accuracy: scores Y_hat"), "accuracy: scores Y_hat")
    if Y_hat.ndim == 2 and Y_hat.shape[1] > 1:
        predicted, K = Y_hat.argmax(axis=1), Y_hat.shape[1]
    elif Y_hat.ndim in (1, 2):
        predicted, K = (Y_hat.reshape(-1) > 0).astype(int), 2
    else:
        raise ShapeError(f"accuracy: scores must have shape (N, K) or (N,), got {Y_hat.shape}.")
    y = check_finite(as_numeric_array(y, "accuracy: labels y"), "accuracy: labels y")
    N = predicted.shape[0]
    if y.shape == (N, K):
        labels = y.argmax(axis=1)  # one-hot rows
    elif y.shape in ((N,), (N, 1)):
        labels = check_class_labels(y.reshape(N), K, "accuracy")
    else:
        raise ShapeError(f"accuracy: labels must have shape ({N},) (or one-hot ({N}, {K})) to match "
                         f"the scores of shape {Y_hat.shape}, got {y.shape}.")
    return float(np.mean(predicted == labels))


@dataclass
class History:
    """What happened during training, one entry per epoch.

    loss:          mean training loss over the epoch's mini-batches.
    accuracy:      training accuracy at the end of the epoch (classification losses only).
    val_loss, val_accuracy: the same on the validation data, when it was given.
    grad_norms:    per epoch, a dict layer name -> mean ‖dW‖ over the epoch (when asked for).
    """
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.loss)


def train_step(network, loss, X, Y, optimizer):
    """One step of gradient descent on one batch; returns the batch loss (a float).

    1. forward pass    Y_hat = network(X)
    2. loss            L = loss(Y_hat, Y)
    3. backward pass   every dW, db (gradients zeroed first, so they are this batch's alone)
    4. update          optimizer.step: θ ← θ − η ∂L/∂θ
    A loss that is NaN or infinite raises TrainingDivergedError before any weight changes.
    """
    X = check_finite(as_float_array(X, "X"), "X")
    Y_hat = network.forward(X)
    L = loss.forward(Y_hat, Y)
    if not math.isfinite(L):
        raise TrainingDivergedError(
            f"the loss is {L}, so the weights were not updated: the batch holds NaN or infinite "
            f"values, or training diverged (a smaller learning rate may help)", loss=L)
    network.zero_grad()
    network.backward(loss.backward())
    optimizer.step(network)
    return L


def train(network, loss, X, Y, *, epochs=10, lr=0.1, momentum=0.0, weight_decay=0.0,
          optimizer=None, batch_size=32, seed=0, validation=None, track_grad_norms=False,
          progress=False, callback=None):
    """Train ``network`` on (X, Y) with mini-batch SGD and return a ``History``.

    X: (N, D) inputs; Y: targets in the form ``loss`` expects ((N,) labels, (N, K) values...).
    epochs, batch_size: whole numbers ≥ 1.
    lr, momentum, weight_decay: for a new SGD (not used when ``optimizer`` is given).
    seed: the shuffling order of every epoch comes from it (same seed, same run).
    validation: optional (X_val, Y_val), evaluated at the end of each epoch.
    track_grad_norms: record each layer's mean ‖dW‖ per epoch (History.grad_norms).
    progress: show a progress bar (a widget in a notebook, text in a terminal).
    callback: called as callback(epoch, history) after each epoch (1-based epoch), e.g. to
        redraw a live plot; if it returns True, training stops early.

    Raises TrainingDivergedError (with the history so far) if the loss becomes NaN or infinite
    or grows tenfold three epochs in a row.
    """
    epochs = check_count(epochs, "epochs (the number of passes over the data)")
    batch_size = check_count(batch_size, "batch_size", hint=" Typical values are 16 to 256.")
    check_model(network, loss)
    optimizer = optimizer_for(optimizer, lr, momentum, weight_decay)
    X, Y = check_data(network, loss, X, Y, "")
    if validation is not None:
        validation = check_data(network, loss, *check_pair(validation), "validation ")
    track_grad_norms = check_flag(track_grad_norms, "track_grad_norms")
    if callback is not None and not callable(callback):
        raise ConfigError(f"callback must be a function callback(epoch, history), got {callback!r}.")
    rng, history = check_seed(seed), History()
    with Progress(epochs, "training", shown=check_flag(progress, "progress")) as bar:
        for epoch in range(1, epochs + 1):
            run_epoch(network, loss, X, Y, optimizer, batch_size, rng, history, track_grad_norms)
            evaluate_epoch(network, loss, (X, Y), validation, history)
            check_progress(network, optimizer, history)
            bar.update(epoch, f"loss {history.loss[-1]:.4f}")
            if callback is not None and callback(epoch, history):
                break
    return history


def run_epoch(network, loss, X, Y, optimizer, batch_size, rng, history, track_grad_norms=False):
    """One pass over the data in shuffled mini-batches; appends to ``history``.

    Appends the mean batch loss to history.loss and, with ``track_grad_norms``, the mean ‖dW‖
    of each layer to history.grad_norms. Raises TrainingDivergedError, naming the epoch and
    step, if a batch loss is NaN or infinite.
    """
    losses, norms = [], {}
    # numpy would warn at each overflow; instead a non-finite loss stops training with an
    # error that says where it happened and what to try.
    with np.errstate(over="ignore", invalid="ignore"):
        for step, (Xb, Yb) in enumerate(iterate_minibatches(X, Y, batch_size, rng), start=1):
            try:
                losses.append(train_step(network, loss, Xb, Yb, optimizer))
            except TrainingDivergedError as err:
                raise diverged(f"the loss became {err.loss} at epoch {history.epochs + 1}, step {step}",
                               network, optimizer, history, err.loss) from None
            if track_grad_norms:
                for name, value in network.grad_norms().items():
                    norms[name] = norms.get(name, 0.0) + value
    history.loss.append(float(np.mean(losses)))
    if track_grad_norms:
        history.grad_norms.append({k: v / len(losses) for k, v in norms.items()})


def evaluate_epoch(network, loss, data, validation, history):
    """Append the end-of-epoch accuracy, validation loss and validation accuracy to ``history``."""
    if loss.classifies:
        history.accuracy.append(accuracy(network.forward(data[0]), data[1]))
    if validation is not None:
        Xv, Yv = validation
        out = network.forward(Xv)
        history.val_loss.append(loss.forward(out, Yv))
        if loss.classifies:
            history.val_accuracy.append(accuracy(out, Yv))


def check_progress(network, optimizer, history, epochs=3, factor=10.0):
    """Raise TrainingDivergedError if the weights are no longer finite, or if the loss grew by
    ``factor`` or more in each of the last ``epochs`` epochs to above its first value."""
    if not parameters_finite(network):
        raise diverged(f"the weights became NaN or infinite in epoch {history.epochs}",
                       network, optimizer, history)
    recent = history.loss[-(epochs + 1):]
    growing = len(recent) == epochs + 1 and all(b >= factor * a > 0 for a, b in zip(recent, recent[1:]))
    if growing and recent[-1] > history.loss[0]:
        raise diverged(f"the loss grew from {recent[0]:.3g} to {recent[-1]:.3g} over epochs "
                       f"{history.epochs - epochs}–{history.epochs}, at least {factor:g}× per epoch",
                       network, optimizer, history, recent[-1])


def parameters_finite(network):
    """True if every parameter of ``network`` is a finite number."""
    return all(np.isfinite(theta).all() for _, theta in network.parameters())


def diverged(what, network, optimizer, history, loss=None):
    """A TrainingDivergedError that says what happened, what to try and the state of the weights."""
    finite = parameters_finite(network)
    state = ("The weights are still finite numbers." if finite else
             "Some weights are now NaN or infinite: build the network again before retraining.")
    return TrainingDivergedError(
        f"{what}: training diverged. Try a smaller learning rate (now "
        f"{getattr(optimizer, 'lr', '?')}), e.g. ten times smaller, or standardise the inputs. "
        f"{state} The error's .history holds the {history.epochs} complete epoch(s) so far.",
        loss, history, finite)


# -- checks of train()'s arguments -----------------------------------------------------------------

def check_model(network, loss):
    """Refuse anything but a Network with finite parameters and a Loss object (not the class)."""
    if not isinstance(network, Network):
        raise ConfigError(f"network must be a Network, e.g. bp.mlp([2, 16, 1]), got "
                          f"{type(network).__name__}.")
    for name, theta in network.parameters():
        if not np.isfinite(theta).all():
            raise DataError(f"the network's parameter {name} holds NaN or infinite values already, "
                            f"before this call; build the network again (e.g. with mlp(...)).")
    if isinstance(loss, type) and issubclass(loss, Loss):
        raise ConfigError(f"loss must be a loss object: write loss={loss.__name__}() with "
                          f"parentheses, not the class {loss.__name__}.")
    if not isinstance(loss, Loss):
        raise ConfigError(f"loss must be a loss object such as bp.MSE() or bp.SoftmaxCrossEntropy(), "
                          f"got {loss!r}.")


def optimizer_for(optimizer, lr, momentum, weight_decay):
    """The given optimizer, or a new SGD(lr, momentum, weight_decay) when it is None."""
    if optimizer is None:
        return SGD(lr=lr, momentum=momentum, weight_decay=weight_decay)
    if isinstance(optimizer, type) or not callable(getattr(optimizer, "step", None)):
        raise ConfigError(f"optimizer must be an object with a step(network) method, such as "
                          f"bp.SGD(lr=0.1), got {optimizer!r}.")
    return optimizer


def check_pair(validation):
    """``validation`` as a pair (X_val, Y_val), else ConfigError."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ConfigError(f"validation must be a pair (X_val, Y_val), got {validation!r:.80}.")
    return validation


def check_data(network, loss, X, Y, which):
    """X (N, ...) and Y as arrays, finite, of equal length, and accepted by network and loss.

    ``which`` ("" or "validation ") names the data in errors. Running the network and the
    loss once on the data shows any mismatch now, not after an epoch of training.
    """
    X = check_finite(as_float_array(check_rows(X, f"{which}X"), f"{which}X"), f"{which}X")
    Y = check_finite(check_rows(Y, f"{which}Y"), f"{which}Y")
    _same_length(X, Y, f"{which}X", f"{which}Y")
    try:
        loss.forward(network.forward(X), Y)
    except BackpropError as err:
        raise type(err)(f"{which or 'training '}data: {err}") from None
    return X, Y


def _same_length(X, Y, x_name, y_name):
    if X.shape[0] != Y.shape[0]:
        raise ShapeError(f"{x_name} has {X.shape[0]} examples but {y_name} has {Y.shape[0]}; they "
                         f"must have the same first dimension (one target per example).")
