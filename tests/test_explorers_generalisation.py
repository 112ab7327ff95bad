"""Lesson 07's experiments and explorers: splits, noisy labels, overfitting, weight decay, selection.

Small settings keep these fast; the numbers are compared with runs of the library's ``train``
written out here, and the widgets are driven headless through every control.
"""

import numpy as np
import pytest

from backproplib import SoftmaxCrossEntropy, accuracy, load_digits, mlp, train
from backproplib.errors import ConfigError
from backproplib.explorers.generalisation import (
    TRAINING,
    OverfittingExplorer,
    digit_splits,
    flip_labels,
    overfitting_readout,
    overfitting_runs,
    validation_sweep,
    weight_decay_runs,
)
from backproplib.explorers.noisy_labels import NoisyLabelExplorer, noisy_label_sweep, noisy_reveal


def readout_is_clean(explorer):
    text = explorer.readout.value.lower()
    return explorer.error is None and "nan" not in text and "cannot be computed" not in text


@pytest.mark.parametrize("fraction", [0.0, 0.3, 1.0])
def test_flip_labels_replaces_the_chosen_labels_by_wrong_ones(fraction):
    y = np.random.default_rng(0).integers(0, 10, size=2000)
    noisy, flipped = flip_labels(y, fraction, seed=4)
    assert np.all(noisy[flipped] != y[flipped]) and np.all(noisy[~flipped] == y[~flipped])
    assert flipped.mean() == pytest.approx(fraction, abs=0.03)
    assert noisy.min() >= 0 and noisy.max() <= 9
    with pytest.raises(ConfigError):
        flip_labels(y, 1.5)


def test_digit_splits_are_disjoint_and_standardised_on_the_training_rows():
    s = digit_splits(n_train=150, n_val=300, noise=0.2, seed=1)
    X, y = load_digits()
    assert len(s.y_train) == 150 and len(s.y_val) == 300 and len(s.y_test) == len(y) - 450
    assert np.array_equal(s.y_train_clean, y[s.train_rows])
    assert np.array_equal(s.y_train != s.y_train_clean, s.flipped)
    raw = X[s.train_rows]
    std = np.where(raw.std(axis=0) > 0, raw.std(axis=0), 1.0)
    np.testing.assert_allclose(s.X_train, (raw - raw.mean(axis=0)) / std, atol=1e-9)


@pytest.fixture(scope="module")
def splits():
    return digit_splits(n_train=120, n_val=200, noise=0.2, seed=0)


@pytest.fixture(scope="module")
def runs(splits):
    return overfitting_runs(hidden_sizes=(4, 64), epochs=25, splits=splits)


def test_overfitting_runs_are_the_library_training_curves(runs, splits):
    net = mlp([64, 64, 10], activation="relu", seed=0)
    history = train(net, SoftmaxCrossEntropy(), splits.X_train, splits.y_train, epochs=25,
                    seed=0, validation=(splits.X_val, splits.y_val), **TRAINING)
    np.testing.assert_allclose(runs.train_loss[1], history.loss)
    np.testing.assert_allclose(runs.val_loss[1], history.val_loss)
    np.testing.assert_allclose(runs.val_acc[1], history.val_accuracy)


def test_the_large_network_overfits_the_noisy_labels(runs):
    big = overfitting_readout(runs, 1, runs.epochs)
    assert big.train_acc > 0.95 and big.val_acc < 0.85       # 20% of the labels are wrong
    assert big.best_epoch < runs.epochs and big.overfitting
    assert big.gap == pytest.approx(big.val_loss - big.train_loss)
    assert big.gap > overfitting_readout(runs, 1, big.best_epoch).gap
    with pytest.raises(ConfigError):
        overfitting_readout(runs, 1, 0)


def test_overfitting_explorer_every_control_and_every_end(runs):
    e = OverfittingExplorer(runs, h=0)
    for h in range(len(runs.hidden_sizes)):
        e.controls["h"].value = h
        for epoch in (1, runs.epochs):
            e.controls["epoch"].value = epoch
            assert readout_is_clean(e) and e.result.epoch == epoch
            assert len(e.train_line.get_xdata()) == epoch
    assert "Overfitting" in e.readout.value


@pytest.fixture(scope="module")
def noisy():
    return noisy_label_sweep(fractions=(0.0, 0.5), hidden=64, epochs=20, n_train=150)


def test_noisy_label_sweep_measures_memorisation_and_clean_test_accuracy(noisy):
    s = digit_splits(n_train=150, n_val=1, noise=0.5, seed=0)
    net = mlp([64, 64, 10], activation="relu", seed=0)
    train(net, SoftmaxCrossEntropy(), s.X_train, s.y_train, epochs=20, seed=0,
          validation=(s.X_val, s.y_val), **TRAINING)
    predicted = net.forward(s.X_train).argmax(axis=1)
    assert noisy.test_acc[1] == pytest.approx(accuracy(net.forward(s.X_test), s.y_test))
    assert noisy.memorised[1] == pytest.approx(np.mean(predicted[s.flipped] == s.y_train[s.flipped]))
    assert noisy.memorised[0] == 0.0 and noisy.test_acc[0] > noisy.test_acc[1]
    assert noisy.train_acc_clean[1] < noisy.train_acc[1]


def test_noisy_label_explorer_reveals_only_when_asked(noisy):
    with pytest.raises(ConfigError):
        noisy_reveal(noisy, 5, 50)
    e = NoisyLabelExplorer(noisy)
    actual = f"{100 * noisy.test_acc[1]:.1f}"
    assert actual not in e.readout.value
    e.controls["prediction"].value = 0
    e.controls["reveal"].value = True
    assert actual in e.readout.value and "memorised" in e.readout.value
    assert e.result.verdict.off_by == pytest.approx(-100 * noisy.test_acc[1])
    e.controls["i"].value = 0                                  # another level hides it again
    assert e.controls["reveal"].value is False
    for value in (0, 100):
        e.controls["prediction"].value = value
        e.controls["reveal"].value = True
        assert readout_is_clean(e)
    assert e.shown == {0, 1} and len(e.test_pts.get_xdata()) == 2


def test_weight_decay_shrinks_the_weights_as_eq_7_3_says(splits):
    decay = weight_decay_runs(lambdas=(0.0, 0.1), hidden=32, epochs=10, splits=splits)
    assert decay.weight_norm.shape == (2, 10)
    assert decay.weight_norm[1, -1] < 0.7 * decay.weight_norm[0, -1]
    assert decay.train_loss[1, -1] > decay.train_loss[0, -1]
    net = mlp([64, 32, 10], activation="relu", seed=0)           # λ = 0: plain training
    train(net, SoftmaxCrossEntropy(), splits.X_train, splits.y_train, epochs=10, seed=0,
          validation=(splits.X_val, splits.y_val), **TRAINING)
    assert decay.weight_norm[0, -1] == pytest.approx(np.linalg.norm(net.layers[0].W))


def test_validation_sweep_chooses_on_validation_and_tests_only_the_choice(splits):
    chosen = validation_sweep(hidden_sizes=(8, 32), lambdas=(0.0, 0.1), epochs=8, splits=splits)
    i, j = np.unravel_index(np.argmax(chosen.val_acc), chosen.val_acc.shape)
    assert chosen.best == (chosen.hidden_sizes[i], chosen.lambdas[j])
    net = mlp([64, chosen.best[0], 10], activation="relu", seed=0)
    train(net, SoftmaxCrossEntropy(), splits.X_train, splits.y_train, epochs=8, seed=0,
          weight_decay=chosen.best[1], validation=(splits.X_val, splits.y_val), **TRAINING)
    assert chosen.test_acc == pytest.approx(accuracy(net.forward(splits.X_test), splits.y_test))
