"""SGD, mini-batches and the training loop: the maths of one step, determinism, and results."""

import io
import time

import numpy as np
import pytest

import backproplib as bp
from backproplib.datasets import load_digits, make_spirals, standardize, train_test_split
from backproplib.progress import Progress


def test_sgd_step_moves_against_the_gradient():
    net = bp.mlp([3, 2], seed=0)
    W0 = net.layers[0].W.copy()
    net.layers[0].grads["W"][:] = 1.0
    bp.SGD(lr=0.5).step(net)
    np.testing.assert_allclose(net.layers[0].W, W0 - 0.5)


def test_momentum_accumulates_velocity():
    net = bp.mlp([1, 1], seed=0)
    W0 = net.layers[0].W.copy()
    opt = bp.SGD(lr=0.1, momentum=0.9)
    net.layers[0].grads["W"][:] = 1.0
    opt.step(net)  # v = -0.1
    opt.step(net)  # v = 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(net.layers[0].W, W0 - 0.1 - 0.19)


def test_weight_decay_shrinks_weights_but_not_biases():
    net = bp.mlp([2, 2], seed=0)
    net.layers[0].params["b"][:] = 1.0
    W0 = net.layers[0].W.copy()
    bp.SGD(lr=0.1, weight_decay=0.5).step(net)  # gradients are zero: only the decay acts
    np.testing.assert_allclose(net.layers[0].W, W0 * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(net.layers[0].b, 1.0)


def test_minibatches_cover_the_data_once_and_are_seeded():
    X = np.arange(10).reshape(10, 1).astype(float)
    y = np.arange(10)
    batches = list(bp.iterate_minibatches(X, y, 4, rng=1))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen) == list(range(10)) and list(seen) != list(range(10))
    np.testing.assert_array_equal(batches[0][0][:, 0], batches[0][1])  # rows stay paired
    again = np.concatenate([b[1] for b in bp.iterate_minibatches(X, y, 4, rng=1)])
    np.testing.assert_array_equal(seen, again)


def test_training_is_deterministic_for_a_seed():
    X, y = make_spirals(n_per_class=30, seed=0)

    def run(seed):
        net = bp.mlp([2, 8, 2], activation="tanh", seed=seed)
        return bp.train(net, bp.SoftmaxCrossEntropy(), X, y, epochs=3, lr=0.1, seed=seed).loss

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_history_records_loss_accuracy_validation_and_gradient_norms():
    X, y = make_spirals(n_per_class=30, seed=0)
    net = bp.mlp([2, 8, 8, 2], activation="tanh", seed=0)
    calls = []
    history = bp.train(net, bp.SoftmaxCrossEntropy(), X, y, epochs=4, lr=0.1,
                       validation=(X[:10], y[:10]), track_grad_norms=True,
                       callback=lambda epoch, h: calls.append((epoch, len(h.loss))))
    assert history.epochs == 4 and len(history.accuracy) == 4
    assert len(history.val_loss) == 4 and len(history.val_accuracy) == 4
    assert calls == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert list(history.grad_norms[0]) == ["dense1", "dense2", "dense3"]
    assert all(v > 0 for norms in history.grad_norms for v in norms.values())
    assert history.val_loss[-1] == pytest.approx(bp.SoftmaxCrossEntropy()(net.forward(X[:10]), y[:10]))


def test_callback_returning_true_stops_training():
    X, y = make_spirals(n_per_class=10, seed=0)
    history = bp.train(bp.mlp([2, 4, 2], seed=0), bp.SoftmaxCrossEntropy(), X, y, epochs=50,
                       callback=lambda epoch, h: epoch == 3)
    assert history.epochs == 3


def test_regression_history_has_no_accuracy():
    x = np.linspace(-1, 1, 20).reshape(-1, 1)
    history = bp.train(bp.mlp([1, 8, 1], activation="tanh", seed=0), bp.MSE(), x, x ** 2, epochs=30,
                       lr=0.1, batch_size=5)
    assert history.accuracy == [] and history.loss[-1] < history.loss[0]


def test_terminal_progress_bar_reports_each_step():
    stream = io.StringIO()
    bar = Progress(3, "grading", stream=stream)
    for i in range(1, 4):
        bar.update(i, "ok")
    bar.close()
    text = stream.getvalue()
    assert "1/3 ok" in text and "3/3 ok" in text and "#" * 24 in text and text.endswith("\n")


def test_train_shows_progress_in_a_terminal(capsys):
    X, y = make_spirals(n_per_class=10, seed=0)
    bp.train(bp.mlp([2, 4, 2], seed=0), bp.SoftmaxCrossEntropy(), X, y, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "2/2 loss" in err


def test_spirals_are_solved():
    X, y = make_spirals(n_per_class=100, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=0)
    net = bp.mlp([2, 32, 32, 2], activation="tanh", init="xavier", seed=0)
    bp.train(net, bp.SoftmaxCrossEntropy(), X_train, y_train, epochs=300, lr=0.1, momentum=0.9,
             batch_size=32, seed=0)
    assert bp.accuracy(net.forward(X_test), y_test) >= 0.95


def test_xor_is_solved_with_a_single_sigmoid_output():
    X, y = bp.load_xor()
    net = bp.mlp([2, 4, 1], activation="tanh", init="xavier", seed=0)
    bp.train(net, bp.BinaryCrossEntropy(), X, y.reshape(-1, 1), epochs=500, lr=0.5, batch_size=4)
    assert bp.accuracy(net.forward(X), y) == 1.0


def test_digits_reach_97_percent_test_accuracy_median_over_5_seeds():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    X_train, X_test = standardize(X_train, X_test)
    accuracies = []
    start = time.perf_counter()
    for seed in range(5):
        net = bp.mlp([64, 64, 10], activation="relu", seed=seed)
        bp.train(net, bp.SoftmaxCrossEntropy(), X_train, y_train, epochs=20, lr=0.02, momentum=0.9,
                 weight_decay=1e-3, batch_size=32, seed=seed)
        accuracies.append(bp.accuracy(net.forward(X_test), y_test))
    print(f"digits test accuracy per seed: {accuracies}; {time.perf_counter() - start:.2f} s for 5 runs")
    assert np.median(accuracies) >= 0.97
    assert min(accuracies) >= 0.95
