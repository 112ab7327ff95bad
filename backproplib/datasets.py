"""Small data sets for the lessons, all shipped with the package (nothing is downloaded).

Toy problems (2-D points, so a decision boundary can be drawn): ``load_xor``, ``make_spirals``,
``make_moons``, ``make_circles``; a 1-D regression curve: ``make_regression_curve``; real
images: ``load_digits`` (the 8×8 UCI handwritten digits, see ``data/DIGITS_LICENSE.txt``).
Helpers (from ``preprocessing``): ``train_test_split``, ``standardize`` / ``Standardizer``;
and ``one_hot``.

Every generator takes a ``seed`` and draws all its randomness from
``numpy.random.default_rng(seed)``: the same seed always gives the same data.
Labels are int64 class numbers 0..K−1; inputs are float64.
"""

import gzip
from importlib import resources

import numpy as np

from .errors import (
    DataError,
    as_numeric_array,
    check_count,
    check_flag,
    check_number,
    check_seed,
)
from .losses import one_hot
from .preprocessing import Standardizer, standardize, train_test_split

__all__ = ["load_xor", "make_spirals", "make_moons", "make_circles", "make_regression_curve",
           "regression_curve_truth", "load_digits", "train_test_split", "standardize",
           "Standardizer", "one_hot"]


# ---------------------------------------------------------------------------- argument checks

def _noise(value, where):
    """``value`` as a float if it is a finite number ≥ 0, else ConfigError."""
    return check_number(value, f"{where}: noise", low=0.0,
                        hint=" It is the standard deviation of the Gaussian noise; 0 means none.")


def _two_classes(X0, X1, noise, rng):
    """Points X0 (class 0) and X1 (class 1) with Gaussian noise added, rows in random order."""
    X = np.concatenate([X0, X1])
    y = np.concatenate([np.zeros(len(X0), np.int64), np.ones(len(X1), np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng)


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
    n_per_class = check_count(n_per_class, f"{where}: n_per_class")
    n_classes = check_count(n_classes, f"{where}: n_classes", minimum=2)
    noise = _noise(noise, where)
    rng = check_seed(seed, f"{where}: seed")
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
    n = check_count(n, f"{where}: n (the total number of points, at least one per moon)", minimum=2)
    noise = _noise(noise, where)
    rng = check_seed(seed, f"{where}: seed")
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    return _two_classes(np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]), noise, rng)


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A small circle inside a large one: the boundary between the classes is a ring.

    Class 0 lies on the circle of radius 1, class 1 on the circle of radius ``factor``
    (0 < factor < 1), at evenly spaced angles; Gaussian noise of standard deviation ``noise`` is
    added to both coordinates. Class 0 gets n // 2 points, class 1 the rest.
    Returns X: (n, 2) float64, y: (n,) int64 in {0, 1}, rows in random order.
    """
    where = "make_circles"
    n = check_count(n, f"{where}: n (the total number of points, at least one per circle)", minimum=2)
    noise = _noise(noise, where)
    factor = check_number(factor, f"{where}: factor", low=0.0, high=1.0, low_open=True, high_open=True,
                          hint=" It is the inner circle's radius; the outer one has radius 1.")
    rng = check_seed(seed, f"{where}: seed")
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    return _two_classes(np.column_stack([np.cos(t0), np.sin(t0)]),
                        factor * np.column_stack([np.cos(t1), np.sin(t1)]), noise, rng)


def regression_curve_truth(x):
    """The noise-free curve behind ``make_regression_curve``: f(x) = sin(1.5 x) + 0.3 x.

    x: array of any shape (or a number).  Returns an array of the same shape, float64.
    """
    x = as_numeric_array(x, "regression_curve_truth: x").astype(np.float64)
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
    n = check_count(n, f"{where}: n")
    noise = _noise(noise, where)
    rng = check_seed(seed, f"{where}: seed")
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
        raise DataError(f"the digits data file {DIGITS_FILE} is missing from the "
                                f"installed backproplib package; reinstall the course with "
                                f"`python3 -m pip install --force-reinstall backprop-course`.")
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65):
        raise DataError(f"the digits data file holds a table of shape {table.shape}, expected "
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
    as_images = check_flag(as_images, "load_digits: as_images")
    if _digits_cache is None:
        _digits_cache = _read_digits()
    X, y = _digits_cache
    X = X.reshape(-1, 8, 8) if as_images else X
    return X.copy(), y.copy()
