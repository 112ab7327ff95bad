"""Tests of backproplib.datasets: generated toy sets, the shipped digits, and the helpers."""

import fnmatch
import gzip
import hashlib
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import tomllib

import backproplib
from backproplib import datasets
from backproplib.datasets import (
    Standardizer,
    load_digits,
    load_xor,
    make_circles,
    make_moons,
    make_regression_curve,
    make_spirals,
    one_hot,
    regression_curve_truth,
    standardize,
    train_test_split,
)
from backproplib.errors import ConfigError, DataError, InputTypeError, ShapeError, UsageError

REPO = Path(__file__).resolve().parents[1]

# Published class counts of the UCI optdigits test set ("optdigits.tes"), digits 0..9.
UCI_TEST_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
# SHA-256 of the uncompressed CSV text (1,797 lines of 64 pixels and a label).
DIGITS_CSV_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"

CLASSIFICATION_SETS = {
    "spirals": (make_spirals, dict(n_per_class=50, n_classes=3), 150, 3),
    "moons": (make_moons, dict(n=101), 101, 2),
    "circles": (make_circles, dict(n=101), 101, 2),
}


# ---------------------------------------------------------------------------- toy problems

def test_xor_is_the_truth_table():
    X, y = load_xor()
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.int64
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))
    assert sorted(map(tuple, X)) == [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.mark.parametrize("name", CLASSIFICATION_SETS)
def test_classification_sets_shapes_dtypes_labels_and_balance(name):
    make, kwargs, n, k = CLASSIFICATION_SETS[name]
    X, y = make(**kwargs)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    counts = np.bincount(y)
    assert len(counts) == k
    assert counts.max() - counts.min() <= 1          # balanced (n odd: one class has one more)
    assert np.sum(np.diff(y) != 0) > n / 4           # rows are shuffled, not class blocks


@pytest.mark.parametrize("make", [make_spirals, make_moons, make_circles, make_regression_curve])
def test_same_seed_same_data_other_seed_other_data(make):
    first, again, other = make(seed=3), make(seed=3), make(seed=4)
    for a, b in zip(first, again):
        assert np.array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_circles_lie_on_their_radii_without_noise():
    X, y = make_circles(n=60, noise=0.0, factor=0.3)
    radius = np.linalg.norm(X, axis=1)
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.3)


def test_moons_lie_on_their_half_circles_without_noise():
    X, y = make_moons(n=60, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.linalg.norm(upper, axis=1), 1.0) and np.all(upper[:, 1] >= -1e-12)
    assert np.allclose(np.linalg.norm(lower - [1.0, 0.5], axis=1), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_spiral_arms_wind_from_the_centre_to_radius_one():
    X, y = make_spirals(n_per_class=40, n_classes=2, noise=0.0)
    for k in (0, 1):
        r = np.sort(np.linalg.norm(X[y == k], axis=1))
        assert np.allclose(r, np.linspace(0, 1, 40))
    # without noise, arm 1 is arm 0 turned by half a turn
    arm0 = X[y == 0][np.argsort(np.linalg.norm(X[y == 0], axis=1))]
    arm1 = X[y == 1][np.argsort(np.linalg.norm(X[y == 1], axis=1))]
    assert np.allclose(arm1, -arm0)


def test_noise_sets_the_spread_of_the_points():
    X0, _ = make_circles(n=2000, noise=0.0, seed=1)
    X1, _ = make_circles(n=2000, noise=0.1, seed=1)   # same seed: same row order
    assert np.std(X1 - X0) == pytest.approx(0.1, rel=0.05)


def test_regression_curve_follows_the_documented_truth():
    x, y = make_regression_curve(n=2000, noise=0.1)
    assert x.shape == (2000, 1) and y.shape == (2000, 1)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.diff(x[:, 0]) >= 0) and -3 <= x.min() and x.max() <= 3
    assert x.min() < -2.9 and x.max() > 2.9
    residual = y - regression_curve_truth(x)
    assert np.std(residual) == pytest.approx(0.1, rel=0.05)
    assert abs(np.mean(residual)) < 0.01
    x0, y0 = make_regression_curve(n=50, noise=0.0)
    assert np.allclose(y0, np.sin(1.5 * x0) + 0.3 * x0)


# ---------------------------------------------------------------------------- digits

def test_digits_shapes_values_and_uci_class_counts():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    counts = np.bincount(y, minlength=10)
    assert len(counts) == 10 and counts.sum() == 1797
    assert all(174 <= c <= 183 for c in counts)
    assert counts.tolist() == UCI_TEST_COUNTS
    # a real image set: the mean images of different digits differ clearly
    means = np.array([X[y == d].mean(axis=0) for d in range(10)])
    distances = np.linalg.norm(means[:, None] - means[None], axis=2)
    assert distances[~np.eye(10, dtype=bool)].min() > 10


def test_digits_as_images_are_the_rows_reshaped():
    X, y = load_digits()
    images, y2 = load_digits(as_images=True)
    assert images.shape == (1797, 8, 8)
    assert np.array_equal(images.reshape(1797, 64), X) and np.array_equal(y, y2)
    # the first image of the file is a 0, whose first row is 0 0 5 13 9 1 0 0
    assert y[0] == 0 and images[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_are_cached_but_each_call_gets_its_own_copy():
    X, y = load_digits()
    X[:] = -1
    y[:] = 99
    X2, y2 = load_digits()
    assert X2.min() == 0 and set(np.unique(y2)) == set(range(10))
    cached_X, cached_y = datasets._digits_cache
    assert not np.shares_memory(X2, cached_X) and not np.shares_memory(y2, cached_y)


def test_digits_file_comes_from_the_installed_package_data():
    source = resources.files("backproplib.data").joinpath("digits.csv.gz")
    assert source.is_file()
    raw = source.read_bytes()
    assert len(raw) < 100_000                        # the wheel stays small
    text = gzip.decompress(raw)
    assert hashlib.sha256(text).hexdigest() == DIGITS_CSV_SHA256
    table = np.loadtxt(text.decode().splitlines(), delimiter=",")
    X, y = load_digits()
    assert np.array_equal(table[:, :64], X) and np.array_equal(table[:, 64], y)


def test_digits_licence_and_attribution_ship_with_the_data():
    text = resources.files("backproplib.data").joinpath("DIGITS_LICENSE.txt").read_text("utf-8")
    for needed in ("Alpaydin", "Kaynak", "UCI Machine Learning Repository", "CC BY 4.0",
                   "https://doi.org/10.24432/C50P49", "1,797"):
        assert needed in text


def test_every_data_file_is_listed_as_package_data():
    """A file not matched by pyproject's package-data would be missing from the wheel."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["backproplib.data"]
    files = [p.name for p in (REPO / "backproplib" / "data").iterdir()
             if p.is_file() and p.suffix != ".py"]
    assert {"digits.csv.gz", "DIGITS_LICENSE.txt"} <= set(files)
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


def test_importing_backproplib_does_not_read_the_digits():
    code = ("import backproplib, backproplib.datasets as d; "
            "assert d._digits_cache is None; d.load_digits(); assert d._digits_cache is not None")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ---------------------------------------------------------------------------- split

def test_split_is_disjoint_covers_every_row_and_keeps_pairs():
    X = np.arange(200.0).reshape(100, 2)             # row i holds 2i, 2i + 1
    y = np.arange(100) % 3
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(X_test) == len(y_test) == 25 and len(X_train) == len(y_train) == 75
    rows_train, rows_test = X_train[:, 0] // 2, X_test[:, 0] // 2
    assert set(rows_train).isdisjoint(rows_test)
    assert sorted(np.concatenate([rows_train, rows_test])) == list(range(100))
    assert np.array_equal(y_train, rows_train.astype(int) % 3)
    assert np.array_equal(y_test, rows_test.astype(int) % 3)


def test_split_is_stratified_by_class():
    y = np.repeat([0, 1, 2], [100, 50, 10])
    X = np.zeros((160, 1))
    _, _, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    assert np.bincount(y_test).tolist() == [20, 10, 2]
    assert np.bincount(y_train).tolist() == [80, 40, 8]
    X_digits, y_digits = load_digits()
    _, _, _, y_test = train_test_split(X_digits, y_digits, test_fraction=0.3, seed=5)
    assert len(y_test) == round(0.3 * 1797)
    assert np.all(np.abs(np.bincount(y_test) - 0.3 * np.bincount(y_digits)) <= 1)


def test_split_without_stratify_and_with_continuous_or_one_hot_targets():
    y = np.repeat([0, 1], [90, 10])
    X = np.arange(100.0)[:, None]
    counts = {tuple(np.bincount(train_test_split(X, y, 0.5, seed=s, stratify=False)[3],
                                minlength=2)) for s in range(10)}
    assert len(counts) > 1                           # plain random: class counts vary with seed
    x, t = make_regression_curve(n=50)
    x_train, x_test, t_train, t_test = train_test_split(x, t, test_fraction=0.2)
    assert x_test.shape == t_test.shape == (10, 1) and x_train.shape == (40, 1)
    Y = one_hot(np.arange(20) % 4, 4)
    assert train_test_split(X[:20], Y, 0.25)[3].shape == (5, 4)


def test_split_is_seeded_and_works_on_tiny_sets():
    X, y = make_moons()
    a, b, c = (train_test_split(X, y, seed=s) for s in (7, 7, 8))
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a[1], c[1])
    X_train, X_test, y_train, y_test = train_test_split(*load_xor(), test_fraction=0.25)
    assert X_test.shape == (1, 2) and X_train.shape == (3, 2)


# ---------------------------------------------------------------------------- standardize

def test_standardize_uses_the_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal([5.0, -2.0], [3.0, 0.5], size=(200, 2))
    X_test = rng.normal([8.0, 0.0], [1.0, 2.0], size=(50, 2))
    S_train, S_test = standardize(X_train, X_test)
    assert np.allclose(S_train.mean(axis=0), 0) and np.allclose(S_train.std(axis=0), 1)
    expected = (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)
    assert np.allclose(S_test, expected)
    assert not np.allclose(S_test.mean(axis=0), 0)  # test data was not re-centred on itself
    assert isinstance(standardize(X_train), np.ndarray)  # one array in, one array out


def test_standardize_constant_columns_give_zeros_not_nan():
    X_train = np.column_stack([np.arange(10.0), np.zeros(10), np.full(10, 0.1)])
    X_test = np.array([[3.0, 2.0, 0.1]])
    S_train, S_test = standardize(X_train, X_test)
    assert np.all(np.isfinite(S_train)) and np.allclose(S_train[:, 1:], 0, atol=1e-12)
    assert S_test[0, 1] == 2.0 and S_test[0, 2] == pytest.approx(0.0, abs=1e-9)
    X, y = load_digits()
    X_train, X_test, _, _ = train_test_split(X, y)
    assert np.any(X_train.std(axis=0) == 0)          # the digits do have blank pixels
    assert all(np.all(np.isfinite(S)) for S in standardize(X_train, X_test))


def test_standardizer_round_trip_and_misuse():
    X = make_regression_curve(n=30)[1]
    scaler = Standardizer().fit(X)
    assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X)
    assert np.allclose(Standardizer().fit_transform(X), scaler.transform(X))
    with pytest.raises(UsageError, match="not been fitted.*fit\\(X_train\\)"):
        Standardizer().transform(X)
    with pytest.raises(ShapeError, match=r"rows of shape \(3,\).*fitted on rows of shape \(1,\)"):
        scaler.transform(np.zeros((4, 3)))


def test_helpers_are_exported_from_the_package():
    for name in ("load_xor", "make_spirals", "make_moons", "make_circles", "make_regression_curve",
                 "regression_curve_truth", "load_digits", "train_test_split", "standardize",
                 "Standardizer", "one_hot"):
        assert getattr(backproplib, name) is getattr(datasets, name)
    assert np.array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


# ---------------------------------------------------------------------------- bad input

X4, y4 = np.zeros((4, 2)), np.array([0, 1, 0, 1])

BAD_INPUT = [
    (make_moons, dict(n=0), ConfigError, ["make_moons", "n ", "≥ 2", "0"]),
    (make_moons, dict(n=2.5), ConfigError, ["whole number", "2.5"]),
    (make_moons, dict(noise=-0.1), ConfigError, ["noise", "≥ 0", "-0.1"]),
    (make_circles, dict(n=-5), ConfigError, ["make_circles", "-5"]),
    (make_circles, dict(factor=1.5), ConfigError, ["factor", "> 0 and < 1", "1.5"]),
    (make_circles, dict(noise=float("nan")), ConfigError, ["noise", "nan"]),
    (make_spirals, dict(n_per_class=0), ConfigError, ["n_per_class", "≥ 1"]),
    (make_spirals, dict(n_classes=1), ConfigError, ["n_classes", "≥ 2", "1"]),
    (make_spirals, dict(noise=-1), ConfigError, ["make_spirals", "noise"]),
    (make_spirals, dict(seed="abc"), ConfigError, ["seed", "whole number", "'abc'"]),
    (make_regression_curve, dict(n=0), ConfigError, ["make_regression_curve", "n must be"]),
    (make_regression_curve, dict(noise=-0.5), ConfigError, ["noise", "-0.5"]),
    (train_test_split, dict(X=X4, y=y4, test_fraction=0), ConfigError,
     ["test_fraction", "> 0 and < 1", "got 0"]),
    (train_test_split, dict(X=X4, y=y4, test_fraction=1.2), ConfigError, ["test_fraction", "1.2"]),
    (train_test_split, dict(X=X4, y=y4, test_fraction=0.05), ConfigError,
     ["0 test rows", "empty"]),
    (train_test_split, dict(X=X4, y=y4[:3]), ShapeError, ["4 rows", "y has 3", "same length"]),
    (train_test_split, dict(X="not data", y=y4), InputTypeError, ["X must contain real numbers",
                                                                  "str"]),
    (train_test_split, dict(X=X4, y=None), InputTypeError, ["y must contain real numbers", "NoneType"]),
    (train_test_split, dict(X=[[1, 2], [3]], y=[0, 1]), InputTypeError,
     ["X could not be turned into an array"]),
    (train_test_split, dict(X=3.0, y=y4), ShapeError, ["one row per example", "3.0"]),
    (standardize, dict(X_train="abc"), InputTypeError, ["Standardizer.fit", "numbers"]),
    (standardize, dict(X_train=np.zeros((0, 3))), DataError, ["no rows"]),
]


@pytest.mark.parametrize("func, kwargs, error, fragments", BAD_INPUT,
                         ids=[f"{f.__name__}-{sorted(k)[-1]}-{i}"
                              for i, (f, k, _, _) in enumerate(BAD_INPUT)])
def test_bad_input_raises_a_named_error_that_says_what_was_wrong(func, kwargs, error, fragments):
    with pytest.raises(error) as info:
        func(**kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_standardize_rejects_other_arrays_with_the_wrong_columns():
    with pytest.raises(ShapeError, match=r"\(5,\).*\(2,\)"):
        standardize(np.ones((3, 2)), np.ones((3, 5)))


# ---------------------------------------------------------------------------- learnable

def test_xor_and_spirals_are_learnable_by_a_small_network():
    loss = backproplib.SoftmaxCrossEntropy()
    X, y = load_xor()
    net = backproplib.mlp([2, 16, 2], activation="tanh", seed=0)
    history = backproplib.train(net, loss, X, y, epochs=300, lr=0.5, batch_size=4, seed=0)
    assert history.accuracy[-1] == 1.0
    X, y = make_spirals()
    net = backproplib.mlp([2, 16, 2], activation="tanh", seed=0)
    history = backproplib.train(net, loss, X, y, epochs=200, lr=0.3, momentum=0.9,
                                batch_size=32, seed=0)
    assert history.accuracy[-1] >= 0.95
    assert backproplib.accuracy(net.forward(X), y) >= 0.95
