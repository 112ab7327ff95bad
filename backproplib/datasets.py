"""Small data sets for the lessons, all shipped with the package (nothing is downloaded).

Toy problems (2-D points, so a decision boundary can be drawn): ``load_xor``, ``make_spirals``,
``make_moons``, ``make_circles``; a 1-D regression curve: ``make_regression_curve``; real
images: ``load_digits`` (the 8×8 UCI handwritten digits, see ``data/DIGITS_LICENSE.txt``).
Helpers: ``train_test_split``, ``standardize`` / ``Standardizer``, ``one_hot``.

Every generator takes a ``seed`` and draws all its randomness from
``numpy.random.default_rng(seed)``: the same seed always gives the same data.
Labels are int64 class numbers 0..K−1; inputs are float64.
"""

import gzip
from importlib import resources

import numpy as np

from .errors import ConfigError, InputTypeError, ShapeError
from .losses import one_hot

__all__ = ["load_xor", "make_spirals", "make_moons", "make_circles", "make_regression_curve",
           "regression_curve_truth", "load_digits", "train_test_split", "standardize",
           "Standardizer", "one_hot"]


# ---------------------------------------------------------------------------- argument checks

def _count(value, name, where, minimum=1):
    """Return ``value`` as an int if it is a whole number ≥ minimum, else raise ConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(f"{where}: {name} must be a whole number ≥ {minimum}, got {value!r}.")
    return int(value)


def _non_negative(value, name, where):
    """Return ``value`` as a float if it is a finite real number ≥ 0, else raise ConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: {name} must be a number ≥ 0 (the standard deviation of the "
                          f"Gaussian noise; 0 means no noise), got {value!r}.")
    return float(value)


def _rng(seed, where):
    """A numpy Generator from an int seed (or an existing Generator)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer, np.random.Generator)):
        raise ConfigError(f"{where}: seed must be a whole number (e.g. seed=0) or a "
                          f"numpy Generator, got {seed!r}.")
    return np.random.default_rng(seed)


def _shuffled(X, y, rng):
    """The rows of X and y in a random order drawn from ``rng`` (the same order for both)."""
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------------------- toy problems

def load_xor():
    """The four XOR points: the smallest problem a single linear layer cannot solve.

    Returns X: (4, 2) float64, the corners of the unit square; y: (4,) int64, 1 where exactly
    one input is 1: y = [0, 1, 1, 0].
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def make_spirals(n_per_class=100, n_classes=2, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class, winding out from the origin.

    Point i of arm k has radius r = i / (n_per_class − 1), from 0 to 1, and angle
    θ = 2πk / n_classes + 2πr + ε (radians), with noise ε ~ N(0, noise²); its coordinates are
    x = (r sin θ, r cos θ). Each arm makes one full turn.
    Returns X: (n_per_class · n_classes, 2) float64, y: (n_per_class · n_classes,) int64 in
    0..n_classes−1, rows in random order.
    """
    where = "make_spirals"
    n_per_class = _count(n_per_class, "n_per_class", where)
    n_classes = _count(n_classes, "n_classes", where, minimum=2)
    noise = _non_negative(noise, "noise", where)
    rng = _rng(seed, where)
    r = np.linspace(0.0, 1.0, n_per_class)
    X, y = [], []
    for k in range(n_classes):
        theta = 2 * np.pi * k / n_classes + 2 * np.pi * r + noise * rng.standard_normal(n_per_class)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        y.append(np.full(n_per_class, k, dtype=np.int64))
    return _shuffled(np.concatenate(X), np.concatenate(y), rng)


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles ("moons"), a curved boundary no straight line can follow.

    Class 0: (cos t, sin t); class 1: (1 − cos t, 0.5 − sin t), t evenly spaced in [0, π];
    Gaussian noise of standard deviation ``noise`` is added to both coordinates.
    Class 0 gets n // 2 points, class 1 the rest.
    Returns X: (n, 2) float64, y: (n,) int64 in {0, 1}, rows in random order.
    """
    where = "make_moons"
    n = _count(n, "n (the total number of points, at least one per moon)", where, minimum=2)
    noise = _non_negative(noise, "noise", where)
    rng = _rng(seed, where)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng)


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A small circle inside a large one: the boundary between the classes is a ring.

    Class 0 lies on the circle of radius 1, class 1 on the circle of radius ``factor``
    (0 < factor < 1), at evenly spaced angles; Gaussian noise of standard deviation ``noise`` is
    added to both coordinates. Class 0 gets n // 2 points, class 1 the rest.
    Returns X: (n, 2) float64, y: (n,) int64 in {0, 1}, rows in random order.
    """
    where = "make_circles"
    n = _count(n, "n (the total number of points, at least one per circle)", where, minimum=2)
    noise = _non_negative(noise, "noise", where)
    if isinstance(factor, bool) or not isinstance(factor, (int, float, np.integer, np.floating)) \
            or not 0 < factor < 1:
        raise ConfigError(f"{where}: factor must be a number between 0 and 1 (the inner "
                          f"circle's radius; the outer one has radius 1), got {factor!r}.")
    rng = _rng(seed, where)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng)


def regression_curve_truth(x):
    """The noise-free curve behind ``make_regression_curve``: f(x) = sin(1.5 x) + 0.3 x.

    x: array of any shape (or a number).  Returns an array of the same shape, float64.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.sin(1.5 * x) + 0.3 * x


def make_regression_curve(n=100, noise=0.1, seed=0):
    """Noisy samples of a smooth 1-D curve, for regression with the MSE loss.

    x is drawn uniformly from [−3, 3] and sorted (so ``plt.plot(x, y)`` draws a line);
    y = f(x) + ε with f(x) = sin(1.5 x) + 0.3 x (``regression_curve_truth``) and
    ε ~ N(0, noise²).
    Returns x: (n, 1) float64, y: (n, 1) float64 (column vectors, the shape a network with one
    input and one output takes and gives).
    """
    where = "make_regression_curve"
    n = _count(n, "n", where)
    noise = _non_negative(noise, "noise", where)
    rng = _rng(seed, where)
    x = np.sort(rng.uniform(-3.0, 3.0, n)).reshape(n, 1)
    y = regression_curve_truth(x) + noise * rng.standard_normal((n, 1))
    return x, y


# ---------------------------------------------------------------------------- handwritten digits

DIGITS_FILE = "digits.csv.gz"
_digits_cache = None          # (X, y) after the first load_digits() call


def _read_digits():
    """Parse the shipped CSV file: 1,797 lines of 64 pixel values and one label."""
    source = resources.files("backproplib.data").joinpath(DIGITS_FILE)
    if not source.is_file():
        raise FileNotFoundError(f"the digits data file {DIGITS_FILE} is missing from the "
                                f"installed backproplib package; reinstall the course with "
                                f"`python3 -m pip install --force-reinstall backprop-course`.")
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65):
        raise ShapeError(f"the digits data file holds a table of shape {table.shape}, expected "
                         f"(1797, 65): 64 pixels and a label per image. Reinstall the course.")
    return table[:, :64].astype(np.float64), table[:, 64].copy()


def load_digits(as_images=False):
    """The 8×8 UCI handwritten digits: 1,797 images of the digits 0–9 by 13 writers.

    Each pixel counts the ink in a 4×4 block of the original 32×32 scan: an integer 0..16,
    returned as float64 (divide by 16, or use ``standardize``, before training).
    Returns X: (1797, 64) float64 (each row an image read row by row), or (1797, 8, 8) with
    ``as_images=True`` (for ``plt.imshow(X[i])``); y: (1797,) int64, the digit 0..9.

    The file is read once per Python process; each call returns fresh copies, so changing
    the arrays you got cannot change what the next call returns.
    Data: E. Alpaydin and C. Kaynak, UCI Machine Learning Repository, CC BY 4.0
    (https://doi.org/10.24432/C50P49); see backproplib/data/DIGITS_LICENSE.txt.
    """
    global _digits_cache
    if _digits_cache is None:
        _digits_cache = _read_digits()
    X, y = _digits_cache
    X = X.reshape(-1, 8, 8) if as_images else X
    return X.copy(), y.copy()


# ---------------------------------------------------------------------------- helpers

def _as_data_array(a, name, where):
    """``a`` as a numeric numpy array with at least one dimension (rows), else a clear error."""
    try:
        arr = np.asarray(a)
    except ValueError:
        arr = np.asarray(None)       # ragged nested lists: reported below as not numeric
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(f"{where}: {name} must be an array of numbers, got "
                             f"{type(a).__name__} (dtype {arr.dtype}); pass a numpy array, "
                             f"e.g. the output of np.asarray(...).")
    if arr.ndim == 0:
        raise ShapeError(f"{where}: {name} must have one row per example, got a single number "
                         f"{a!r}; pass an array of shape (N, ...).")
    return arr


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
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float, np.floating)) \
            or not 0 < test_fraction < 1:
        raise ConfigError(f"{where}: test_fraction must be a number strictly between 0 and 1 "
                          f"(e.g. 0.2 keeps 20% of the rows for testing), got {test_fraction!r}.")
    N = X.shape[0]
    n_test = round(test_fraction * N)
    if not 1 <= n_test <= N - 1:
        raise ConfigError(f"{where}: test_fraction={test_fraction} of {N} rows gives "
                          f"{n_test} test rows, leaving one part empty; use more data or a "
                          f"test_fraction nearer 0.5.")
    rng = _rng(seed, where)
    if stratify and y.ndim == 1 and y.dtype.kind in "iu":
        classes = [np.flatnonzero(y == c) for c in np.unique(y)]
        # Each class gives floor(share) test rows; the rows still missing go to the classes
        # with the largest remainders, so the total is exactly n_test.
        share = np.array([test_fraction * len(rows) for rows in classes])
        per_class = np.floor(share).astype(int)
        extra = n_test - per_class.sum()
        per_class[np.argsort(-(share - per_class), kind="stable")[:extra]] += 1
        test, train = [], []
        for rows, k in zip(classes, per_class):
            rows = rng.permutation(rows)
            test.append(rows[:k])
            train.append(rows[k:])
        test, train = rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(train))
    else:
        order = rng.permutation(N)
        test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


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
        if X.shape[0] == 0:
            raise ShapeError("Standardizer.fit: X has no rows; fit needs at least one example.")
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 1e-12 * np.maximum(1.0, np.abs(self.mean)), std, 1.0)
        return self

    def _check(self, X, where):
        if self.mean is None:
            raise ConfigError(f"{where}: this Standardizer has not been fitted yet; call "
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
