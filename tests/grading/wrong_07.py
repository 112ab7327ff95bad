"""Typical wrong answers to exercise 07, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code.
"""

EARLY = '''
from backproplib import SoftmaxCrossEntropy, mlp, train

def train_with_early_stopping(X_train, y_train, X_val, y_val, hidden, lr, max_epochs, patience, seed):
    K = int(max(y_train.max(), y_val.max())) + 1
    net = mlp([X_train.shape[1], hidden, K], activation="relu", seed=seed)
    best = {"epoch": 0, "loss": np.inf, "params": None}

    def after_epoch(epoch, history):
        loss = history.LOSS[-1]
        if loss < best["loss"]:
            best.update(epoch=epoch, loss=loss, params=[SAVE for _, p in net.parameters()])
        return epoch - best["epoch"] >= patience

    train(net, SoftmaxCrossEntropy(), X_train, y_train, epochs=max_epochs, lr=lr, momentum=0.9,
          batch_size=16, seed=seed, validation=(X_val, y_val), callback=after_epoch)
    RESTORE
    return (best["epoch"] SHIFT, *[p for _, p in net.parameters()])
'''

RESTORE = '''for (_, p), saved in zip(net.parameters(), best["params"]):
        p[...] = saved'''


def early(loss="val_loss", save="p.copy()", restore=RESTORE, shift=""):
    return (EARLY.replace("LOSS", loss).replace("SAVE", save).replace("RESTORE", restore)
            .replace(" SHIFT", shift))


RULE = '''
def early_stopping(val_losses, patience):
    best, best_loss = 0, np.inf
    for e, loss in enumerate(val_losses, start=START):
        if loss COMPARE best_loss:
            best, best_loss = e, loss
        if e - best STOP patience:
            return best, e
    return best, len(val_losses) - 1 + START
'''


def rule(start="1", compare="<", stop=">="):
    return RULE.replace("START", start).replace("COMPARE", compare).replace("STOP", stop)


WRONG = [
    ("07.split_train_validation", '''
def split_train_validation(X, y, val_fraction, seed):
    n_val = round(val_fraction * len(X))
    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]
''', "shuffle first"),
    ("07.split_train_validation", '''
def split_train_validation(X, y, val_fraction, seed):
    rng = np.random.default_rng(seed)
    n_val = round(val_fraction * len(X))
    X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]
''', "same permutation"),
    ("07.split_train_validation", '''
def split_train_validation(X, y, val_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = int(val_fraction * len(X))
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]
''', "int() rounds down"),
    ("07.weight_decay_step", '''
def weight_decay_step(W, dW, lr, lam):
    return W - lr * (dW + lam / 2 * W)
''', "you used (λ/2) W"),
    ("07.weight_decay_step", '''
def weight_decay_step(W, dW, lr, lam):
    return W - lr * dW + lr * lam * W
''', "the weights grow"),
    ("07.weight_decay_step", '''
def weight_decay_step(W, dW, lr, lam):
    return W - lr * dW - lam * W
''', "the learning rate multiplies it too"),
    ("07.weight_decay_step", '''
def weight_decay_step(W, dW, lr, lam):
    W -= lr * (dW + lam * W)
    return W
''', "changed its input `W` in place"),
    ("07.early_stopping", rule(start="0"), "counted from 1"),
    ("07.early_stopping", '''
def early_stopping(val_losses, patience):
    return int(np.argmin(val_losses)) + 1, len(val_losses)
''', "whole curve"),
    ("07.early_stopping", rule(compare="<="), "strictly lower loss"),
    ("07.early_stopping", rule(stop=">"), "waited one epoch more"),
    ("07.train_with_early_stopping", early(restore="pass"), "those of the last epoch"),
    ("07.train_with_early_stopping", early(save="p"), "those of the last epoch"),
    ("07.train_with_early_stopping", early(loss="loss"), "training loss"),
    ("07.train_with_early_stopping", early(shift=" - 1"), "counted from 1"),
]
