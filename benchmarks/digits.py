"""Section 2: the digits network of the lessons — test accuracy and training wall time.

The network: ``mlp([64, 64, 10])`` (ReLU, He initialisation), softmax cross-entropy, SGD with
learning rate 0.05 and momentum 0.9, batches of 32, 20 epochs, inputs standardised with the
training set's mean and standard deviation. Each seed draws its own stratified 80/20 split,
initial weights and batch order, so the median is over five different test sets.
Time: the ``train`` call alone (it also evaluates the training accuracy after each epoch).
"""

import statistics
import time

from backproplib import (
    SoftmaxCrossEntropy,
    accuracy,
    load_digits,
    mlp,
    standardize,
    train,
    train_test_split,
)

from .timing import Row

SECTION = "2 digits training"
CONFIG = dict(epochs=20, lr=0.05, momentum=0.9, batch_size=32)
ACCURACY_TARGET = 0.975
TIME_TARGET = 0.5


def train_once(seed, epochs=CONFIG["epochs"]):
    """Returns (test accuracy, training seconds) for one seed."""
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=seed)
    X_train, X_test = standardize(X_train, X_test)
    net = mlp([64, 64, 10], activation="relu", init="he", seed=seed)
    start = time.perf_counter()
    train(net, SoftmaxCrossEntropy(), X_train, y_train, **{**CONFIG, "epochs": epochs},
          seed=seed)
    seconds = time.perf_counter() - start
    return accuracy(net.forward(X_test), y_test), seconds


def run(quick=False):
    seeds = range(2 if quick else 5)
    results = [train_once(seed, epochs=2 if quick else CONFIG["epochs"]) for seed in seeds]
    accuracies = tuple(a for a, _ in results)
    seconds = tuple(s for _, s in results)
    acc, sec = statistics.median(accuracies), statistics.median(seconds)
    what = f"64-64-10 ReLU, {len(results)} seeds" + (", 2 epochs (--quick)" if quick else "")
    return [
        Row(SECTION, f"test accuracy ({what})", accuracies, "%",
            f"target >= {ACCURACY_TARGET:.1%}", None if quick else acc >= ACCURACY_TARGET),
        Row(SECTION, f"training time ({what})", seconds, "time",
            f"target <= {TIME_TARGET:g} s", None if quick else sec <= TIME_TARGET),
    ]
