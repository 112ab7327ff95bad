"""Typical wrong answers to exercise 07 that the checks do not list (see unlisted_01.py)."""

UNLISTED = [
    ("07.split_train_validation", """
def split_train_validation(X, y, val_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = round(val_fraction * len(X))
    return X[order[:n_val]], X[order[n_val:]], y[order[:n_val]], y[order[n_val:]]
""", "X_val"),
    ("07.split_train_validation", """
def split_train_validation(X, y, val_fraction, seed):
    np.random.seed(seed)
    order = np.random.permutation(len(X))
    n_val = round(val_fraction * len(X))
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]
""", "order"),
    ("07.split_train_validation", """
def split_train_validation(X, y, val_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = round(val_fraction * len(X))
    return X[order[n_val + 1:]], X[order[:n_val + 1]], y[order[n_val + 1:]], y[order[:n_val + 1]]
""", "one"),
    ("07.split_train_validation", """
def split_train_validation(X, y, val_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = round(val_fraction * len(X))
    return X[order[n_val:]], X[order[:n_val]], y[n_val:], y[:n_val]
""", "order"),
    ("07.early_stopping", """
def early_stopping(val_losses, patience):
    best, best_loss = 0, np.inf
    for e, loss in enumerate(val_losses):
        if loss < best_loss:
            best, best_loss = e, loss
        if e - best >= patience:
            return e + 1, best + 1
    return len(val_losses), best + 1
""", "order"),
    ("07.early_stopping", """
def early_stopping(val_losses, patience):
    best = int(np.argmin(val_losses))
    return best + 1, min(best + 1 + patience, len(val_losses))
""", "best_epoch"),
    ("07.early_stopping", """
def early_stopping(val_losses, patience):
    best, best_loss = 0, np.inf
    for e, loss in enumerate(val_losses):
        if loss < best_loss:
            best, best_loss = e, loss
        if e - best >= patience:
            return best, e + 1
    return best, len(val_losses)
""", "one too small"),
    ("07.early_stopping", """
def early_stopping(val_losses, patience):
    best, best_loss, waited = 0, np.inf, 0
    for e, loss in enumerate(val_losses):
        if loss < best_loss:
            best, best_loss, waited = e, loss, 0
        waited += 1
        if waited >= patience:
            return best + 1, e + 1
    return best + 1, len(val_losses)
""", "too early"),
]
