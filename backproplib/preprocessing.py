"""Preparing a data set for training: a train/test split and standardised inputs."""

import numpy as np

from .errors import (
    ConfigError,
    ShapeError,
    UsageError,
    as_numeric_array,
    check_finite,
    check_flag,
    check_number,
    check_seed,
)


def _as_data_array(a, name, where):
    """``a`` as a numeric array with at least one row and no NaN or inf, else a clear error."""
    arr = as_numeric_array(a, f"{where}: {name}")
    if arr.ndim == 0:
        raise ShapeError(f"{where}: {name} must have one row per example, got a single number "
                         f"{a!r}; pass an array of shape (N, ...).")
    return check_finite(arr, f"{where}: {name}")


def train_test_split(X, y, test_fraction=0.2, seed=0, stratify=True):
    """Split the rows of (X, y) at random into a training part and a test part.

    X: (N, ...) inputs; y: (N,) labels or (N, K) targets.  test_fraction: share of the rows
    that go to the test part, strictly between 0 and 1 (round(test_fraction · N) rows).
    stratify: when y holds integer class labels (shape (N,)), each class is split in the same
    proportion, so both parts have the class balance of the whole (a class of c rows puts
    about test_fraction · c rows into the test part).
    Returns X_train, X_test, y_train, y_test; every row lands in exactly one part, in a
    random order drawn from ``seed``.
    """
    where = "train_test_split"
    X, y = _as_data_array(X, "X", where), _as_data_array(y, "y", where)
    if X.shape[0] != y.shape[0]:
        raise ShapeError(f"{where}: X has {X.shape[0]} rows but y has {y.shape[0]}; they must "
                         f"have the same length (one target per example).")
    test_fraction = check_number(test_fraction, f"{where}: test_fraction", low=0.0, high=1.0,
                                 low_open=True, high_open=True,
                                 hint=" E.g. 0.2 keeps 20% of the rows for testing.")
    N = X.shape[0]
    n_test = round(test_fraction * N)
    if not 1 <= n_test <= N - 1:
        raise ConfigError(f"{where}: test_fraction={test_fraction} of {N} rows gives "
                          f"{n_test} test rows, leaving one part empty; use more data or a "
                          f"test_fraction nearer 0.5.")
    rng = check_seed(seed, f"{where}: seed")
    if check_flag(stratify, f"{where}: stratify") and y.ndim == 1 and y.dtype.kind in "iu":
        train, test = _stratified_split(y, test_fraction, n_test, rng)
    else:
        order = rng.permutation(N)
        test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _stratified_split(y, test_fraction, n_test, rng):
    """Row numbers (train, test) with n_test test rows, each class split in the same proportion.

    Each class gives floor(share) test rows; the rows still missing go to the classes with the
    largest remainders, so the total is exactly n_test.
    """
    classes = [np.flatnonzero(y == c) for c in np.unique(y)]
    share = np.array([test_fraction * len(rows) for rows in classes])
    per_class = np.floor(share).astype(int)
    extra = n_test - per_class.sum()
    per_class[np.argsort(-(share - per_class), kind="stable")[:extra]] += 1
    test, train = [], []
    for rows, k in zip(classes, per_class):
        rows = rng.permutation(rows)
        test.append(rows[:k])
        train.append(rows[k:])
    test = rng.permutation(np.concatenate(test))  # drawn first, then the training rows
    return rng.permutation(np.concatenate(train)), test


class Standardizer:
    """Rescale every input column to mean 0 and standard deviation 1: x' = (x − mean) / std.

    ``fit(X_train)`` measures mean and std on the training data only; ``transform`` then applies
    those same numbers to any data. Only the training statistics are used because the test
    data stands for data the model has never seen: letting it shape the preprocessing leaks
    information about it into training and makes the test score look better than it is.
    Columns that never change (std 0, e.g. the always-blank corner pixels of the digits) are
    only shifted (divided by 1), so they become 0 instead of NaN.
    """

    def __init__(self):
        self.mean = None      # (D,) column means of the training data
        self.std = None       # (D,) column standard deviations (1 where a column is constant)

    def fit(self, X):
        """X: (N, D) training inputs, N ≥ 1.  Stores mean and std of each column; returns self."""
        X = _as_data_array(X, "X", "Standardizer.fit").astype(np.float64)
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 1e-12 * np.maximum(1.0, np.abs(self.mean)), std, 1.0)
        return self

    def _check(self, X, where):
        if self.mean is None:
            raise UsageError(f"{where}: this Standardizer has not been fitted yet; call "
                              f"fit(X_train) first.")
        X = _as_data_array(X, "X", where).astype(np.float64)
        if X.shape[1:] != self.mean.shape:
            raise ShapeError(f"{where}: X has rows of shape {X.shape[1:]}, but the Standardizer "
                             f"was fitted on rows of shape {self.mean.shape}.")
        return X

    def transform(self, X):
        """X: (N, D) → (N, D) float64, standardised with the fitted mean and std."""
        return (self._check(X, "Standardizer.transform") - self.mean) / self.std

    def inverse_transform(self, X_std):
        """Undo ``transform``: (N, D) standardised values → (N, D) in the original units."""
        return self._check(X_std, "Standardizer.inverse_transform") * self.std + self.mean

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)


def standardize(X_train, *others):
    """Standardise X_train and any other arrays with the mean and std of X_train alone.

    X_train: (N, D); others: arrays of shape (M, D), e.g. X_test.  Why only the training
    statistics: see ``Standardizer``.  Constant columns become 0, never NaN.
    Returns X_train_std alone when no other arrays are given, else the tuple
    (X_train_std, *others_std):  ``X_train, X_test = standardize(X_train, X_test)``.
    """
    scaler = Standardizer().fit(X_train)
    results = tuple(scaler.transform(X) for X in (X_train, *others))
    return results if others else results[0]
