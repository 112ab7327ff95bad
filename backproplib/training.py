"""Mini-batches and the training loop: forward, loss, backward, update — repeated."""

from dataclasses import dataclass, field

import numpy as np

from .errors import ShapeError, TrainingDivergedError, as_float_array, check_positive
from .losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from .optim import SGD


def iterate_minibatches(X, Y, batch_size, rng=None, shuffle=True):
    """Yield (X_batch, Y_batch) pairs that cover the data set once (one epoch).

    X: (N, D), Y: (N, ...).  Each batch has ``batch_size`` rows (the last one may be smaller).
    With ``shuffle`` the order is a permutation drawn from ``rng`` (a Generator or int seed), so
    the same seed gives the same batches.
    """
    batch_size = check_positive(batch_size, "batch_size", int)
    N = X.shape[0]
    order = np.random.default_rng(rng).permutation(N) if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], Y[idx]


def accuracy(Y_hat, y):
    """Fraction of correct class predictions.

    Y_hat: (N, K) scores with K ≥ 2 (predicted class = argmax), or (N, 1) / (N,) logits of a binary
    classifier (predicted class = 1 where the logit is > 0). y: (N,) labels or (N, K) one-hot rows.
    """
    Y_hat, y = np.asarray(Y_hat), np.asarray(y)
    if Y_hat.ndim == 2 and Y_hat.shape[1] > 1:
        predicted = Y_hat.argmax(axis=1)
        labels = y.argmax(axis=1) if y.ndim == 2 else y
    else:
        predicted = (Y_hat.reshape(-1) > 0).astype(int)
        labels = y.reshape(-1)
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
    """
    Y_hat = network.forward(X)
    L = loss.forward(Y_hat, Y)
    network.zero_grad()
    network.backward(loss.backward(), input_gradient=False)  # ∂L/∂X itself is not needed
    optimizer.step(network)
    return L


def train(network, loss, X, Y, *, epochs=10, lr=0.1, momentum=0.0, weight_decay=0.0,
          optimizer=None, batch_size=32, seed=0, validation=None, track_grad_norms=False,
          progress=False, callback=None):
    """Train ``network`` on (X, Y) with mini-batch SGD and return a ``History``.

    X: (N, D) inputs; Y: targets in the form ``loss`` expects ((N,) labels, (N, K) values...).
    epochs, batch_size: whole numbers ≥ 1.
    lr, momentum, weight_decay: for SGD (ignored if ``optimizer`` is given).
    seed: the shuffling order of every epoch comes from it (same seed, same run).
    validation: optional (X_val, Y_val), evaluated at the end of each epoch.
    track_grad_norms: record each layer's mean ‖dW‖ per epoch (History.grad_norms).
    progress: show a progress bar (a widget in a notebook, text in a terminal).
    callback: called as callback(epoch, history) after each epoch (1-based epoch), e.g. to
        redraw a live plot; if it returns True, training stops early.

    Raises TrainingDivergedError if the loss becomes NaN or infinite.
    """
    epochs = check_positive(epochs, "epochs", int)
    batch_size = check_positive(batch_size, "batch_size", int)
    optimizer = optimizer or SGD(lr=lr, momentum=momentum, weight_decay=weight_decay)
    X = as_float_array(X, "X")
    Y = np.asarray(Y)
    for array, what in ((X, "X"), (Y, "Y")):
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            rows = np.unique(np.nonzero(~np.isfinite(array))[0])
            raise ValueError(f"train: {what} contains NaN or infinite values (rows {rows[:5].tolist()}"
                             f"{'...' if rows.size > 5 else ''}); remove or fill them before training.")
    if Y.shape[0] != X.shape[0]:
        raise ShapeError(f"train: X has {X.shape[0]} examples but Y has {Y.shape[0]}; they must "
                         f"have the same first dimension (one target per example).")
    classify = isinstance(loss, (SoftmaxCrossEntropy, BinaryCrossEntropy))
    rng = np.random.default_rng(seed)
    history = History()
    bar = None
    if progress:
        from .progress import Progress
        bar = Progress(epochs, "training")
    try:
        for epoch in range(1, epochs + 1):
            mean_loss, norms = run_epoch(network, loss, X, Y, optimizer, batch_size, rng, epoch,
                                         track_grad_norms)
            history.loss.append(mean_loss)
            if track_grad_norms:
                history.grad_norms.append(norms)
            if classify:
                history.accuracy.append(accuracy(network.forward(X), Y))
            if validation is not None:
                Xv, Yv = validation
                out = network.forward(Xv)
                history.val_loss.append(loss.forward(out, Yv))
                if classify:
                    history.val_accuracy.append(accuracy(out, Yv))
            if bar:
                bar.update(epoch, f"loss {mean_loss:.4f}")
            if callback is not None and callback(epoch, history):
                break
    finally:
        if bar:
            bar.close()
    return history


def run_epoch(network, loss, X, Y, optimizer, batch_size, rng, epoch=1, track_grad_norms=False):
    """One pass over the data in shuffled mini-batches.

    Returns (mean batch loss, {layer: mean ‖dW‖ over the batches} or None).
    Raises TrainingDivergedError, naming the epoch and step, if a batch loss is NaN or infinite.
    """
    losses, norms = [], {}
    # numpy would warn at each overflow; instead a non-finite loss stops training with an
    # error that says where it happened and what to try.
    with np.errstate(over="ignore", invalid="ignore"):
        for step, (Xb, Yb) in enumerate(iterate_minibatches(X, Y, batch_size, rng), start=1):
            L = train_step(network, loss, Xb, Yb, optimizer)
            if not np.isfinite(L):
                raise TrainingDivergedError(
                    f"the loss became {L} at epoch {epoch}, step {step}: training diverged. Try a "
                    f"smaller learning rate (now {getattr(optimizer, 'lr', '?')}), e.g. ten times "
                    f"smaller, or standardise the inputs.")
            losses.append(L)
            if track_grad_norms:
                for name, value in network.grad_norms().items():
                    norms[name] = norms.get(name, 0.0) + value
    mean_norms = {k: v / len(losses) for k, v in norms.items()} if track_grad_norms else None
    return float(np.mean(losses)), mean_norms
