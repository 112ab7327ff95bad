"""The silent wrong answers seen in the library, each checked at its cause."""

import gc

import numpy as np
import pytest

import backproplib as bp


class BrokenBackward(bp.Layer):
    """f(X) = X whose backward pass returns ``value`` everywhere: a bug the checker must catch."""

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, X):
        self._out_shape = np.shape(X)
        return np.asarray(X, dtype=float)

    def backward(self, dout):
        self._check_dout(dout)
        return np.full(self._out_shape, self.value)


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(5, 3)), rng.integers(0, 2, 5)


# ---------------------------------------------------------------------------- gradient checking

@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_non_finite_backward_pass_fails_the_gradient_check(value):
    X, y = _problem()
    net = bp.Network([bp.Dense(3, 4, rng=0), bp.Tanh(), bp.Dense(4, 2, rng=1), BrokenBackward(value)])
    with pytest.warns(UserWarning, match="NaN or infinite"):
        report = bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, y)
    assert not report.passed
    assert all(not row.passed for row in report.rows)
    assert "NOT FINITE" in str(report) and "all gradients match" not in str(report)
    assert np.isnan(report.max_relative_error)


def test_a_correct_network_still_passes():
    X, y = _problem()
    report = bp.check_network_gradients(bp.mlp([3, 4, 2], activation="tanh"), bp.SoftmaxCrossEntropy(),
                                        X, y, check_input=True)
    assert report.passed and report.max_relative_error < 1e-7


def test_a_loss_that_is_nan_near_the_weights_fails_the_check():
    class NaNLoss(bp.MSE):
        def forward(self, Y_hat, Y):
            return super().forward(Y_hat, Y) * np.nan
    X, _ = _problem()
    with pytest.warns(UserWarning):
        report = bp.check_network_gradients(bp.mlp([3, 2]), NaNLoss(), X, np.zeros((5, 2)))
    assert not report.passed


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_weight_is_refused_by_name(bad):
    X, y = _problem()
    net = bp.mlp([3, 4, 2])
    net.layers[2].W[1, 1] = bad
    with pytest.raises(bp.DataError, match=r"dense2\.W holds NaN or infinite"):
        bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, y)


@pytest.mark.parametrize("h", [0, -1e-5, np.nan, np.inf, "1e-5", True, None, 1e-300])
def test_a_bad_step_size_is_refused(h):
    X, y = _problem()
    with pytest.raises(bp.ConfigError, match="h"):
        bp.check_network_gradients(bp.mlp([3, 2]), bp.SoftmaxCrossEntropy(), X, y, h=h)


def test_integer_arrays_cannot_be_nudged_and_say_so():
    x = np.array([1, 2, 3])
    with pytest.raises(bp.InputTypeError, match="astype"):
        bp.numerical_gradient(lambda: float(np.sum(x ** 2)), x)


def test_a_network_without_parameters_has_nothing_to_vouch_for():
    X, y = _problem()
    with pytest.raises(bp.ConfigError, match="no parameters"):
        bp.check_network_gradients(bp.Network([bp.Tanh()]), bp.MSE(), X, np.zeros((5, 3)))


def test_the_users_data_is_never_modified_by_the_check():
    X, y = _problem()
    before = X.copy()
    bp.check_network_gradients(bp.mlp([3, 2]), bp.SoftmaxCrossEntropy(), X, y, check_input=True)
    assert np.array_equal(X, before)


def test_relative_error_of_non_finite_values_is_nan_never_zero():
    assert np.isnan(bp.relative_error([np.nan, 1.0], [0.0, 1.0]))
    assert np.isnan(bp.relative_error([np.inf], [np.inf]))
    assert bp.relative_error([0.0], [0.0]) == 0.0


# ---------------------------------------------------------------------------- optimiser state

def _train_steps(net, optimizer, steps=5):
    X, y = _problem(1)
    for _ in range(steps):
        bp.train_step(net, bp.SoftmaxCrossEntropy(), X, y, optimizer)
    return [p.copy() for _, p in net.parameters()]


def test_an_optimiser_reused_for_new_networks_gives_each_its_own_velocity():
    shared = bp.SGD(lr=0.1, momentum=0.9)
    for seed in range(20):  # many networks built and dropped: ids of dropped arrays get reused
        reused = _train_steps(bp.mlp([3, 5, 2], seed=seed), shared)
        fresh = _train_steps(bp.mlp([3, 5, 2], seed=seed), bp.SGD(lr=0.1, momentum=0.9))
        for a, b in zip(reused, fresh):
            np.testing.assert_array_equal(a, b)
        gc.collect()


def test_one_optimiser_alternating_between_two_networks_keeps_their_velocities_apart():
    shared = bp.SGD(lr=0.1, momentum=0.9)
    a, b = bp.mlp([3, 5, 2], seed=0), bp.mlp([3, 5, 2], seed=1)
    alone_a, alone_b = bp.mlp([3, 5, 2], seed=0), bp.mlp([3, 5, 2], seed=1)
    opt_a, opt_b = bp.SGD(lr=0.1, momentum=0.9), bp.SGD(lr=0.1, momentum=0.9)
    for _ in range(4):
        _train_steps(a, shared, 1), _train_steps(b, shared, 1)
        _train_steps(alone_a, opt_a, 1), _train_steps(alone_b, opt_b, 1)
    for (_, p), (_, q) in zip(a.parameters() + b.parameters(), alone_a.parameters() + alone_b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_weight_decay_pulls_the_weights_and_not_the_biases():
    net = bp.mlp([2, 2], seed=0)
    net.layers[0].b[:] = 1.0
    W = net.layers[0].W.copy()
    bp.SGD(lr=0.1, weight_decay=0.5).step(net)  # gradients are zero: only the decay acts
    np.testing.assert_allclose(net.layers[0].W, W * (1 - 0.05))
    np.testing.assert_array_equal(net.layers[0].b, 1.0)


# ---------------------------------------------------------------------------- accuracy, dtype, data

def test_accuracy_with_a_column_of_labels_is_right():
    scores = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    labels = np.array([0, 1, 1, 0])
    assert bp.accuracy(scores, labels.reshape(-1, 1)) == bp.accuracy(scores, labels) == 0.75
    with pytest.raises(bp.ShapeError, match=r"\(4,\)"):
        bp.accuracy(scores, labels[:3])


@pytest.mark.parametrize("dtype", [int, np.int32, bool, "int64"])
def test_an_integer_network_is_refused_instead_of_truncated(dtype):
    with pytest.raises(bp.ConfigError, match="floating"):
        bp.mlp([2, 3, 1], dtype=dtype)


def test_empty_data_single_numbers_and_bad_validation_are_refused_before_training():
    net, loss = bp.mlp([3, 2]), bp.SoftmaxCrossEntropy()
    X, y = _problem()
    with pytest.raises(bp.DataError, match="no rows"):
        bp.train(net, loss, X[:0], y[:0])
    with pytest.raises(bp.ShapeError, match="one row per example"):
        bp.train(net, loss, 3.0, y)
    before = [p.copy() for _, p in net.parameters()]
    for validation, error in [(X, bp.ConfigError), ((X, y, y), bp.ConfigError),
                              ((X[:, :2], y), bp.ShapeError), ((X, y + 5), bp.LabelError)]:
        with pytest.raises(error, match="validation"):
            bp.train(net, loss, X, y, epochs=50, validation=validation)
    X_nan = X.copy()
    X_nan[2, 0] = np.nan
    with pytest.raises(bp.DataError, match=r"validation X contains NaN.*rows \[2\]"):
        bp.train(net, loss, X, y, validation=(X_nan, y))
    assert all(np.array_equal(p, q) for (_, p), q in zip(net.parameters(), before))


def test_a_nan_weight_before_training_is_not_blamed_on_the_learning_rate():
    X, y = _problem()
    net = bp.mlp([3, 4, 2])
    net.layers[0].b[0] = np.nan
    with pytest.raises(bp.DataError, match=r"dense1\.b.*before") as info:
        bp.train(net, bp.SoftmaxCrossEntropy(), X, y)
    assert "learning rate" not in str(info.value)


def test_standardize_refuses_nan_instead_of_spreading_it_over_a_column():
    X = np.arange(12.0).reshape(4, 3)
    X[1, 2] = np.nan
    with pytest.raises(bp.DataError, match=r"rows \[1\]"):
        bp.standardize(X)


def test_train_step_never_writes_nan_into_the_weights():
    X, y = _problem()
    net = bp.mlp([3, 4, 2], activation="tanh")
    before = [p.copy() for _, p in net.parameters()]
    X[0, 0] = np.inf
    with pytest.raises(bp.DataError, match="X contains NaN or infinite"):
        bp.train_step(net, bp.SoftmaxCrossEntropy(), X, y, bp.SGD(lr=0.1))
    assert all(np.array_equal(p, q) for (_, p), q in zip(net.parameters(), before))


# ---------------------------------------------------------------------------- divergence

def _runaway_regression():
    """Linear regression where each full-batch step multiplies the error by 1 − 4η = −3.5."""
    net = bp.Network([bp.Dense(1, 1, rng=0)])
    return net, np.ones((8, 1)), np.zeros((8, 1))


def test_a_loss_growing_tenfold_per_epoch_is_reported_before_it_is_infinite():
    net, X, Y = _runaway_regression()
    with pytest.raises(bp.TrainingDivergedError, match=r"grew from .* over epochs 1–4") as info:
        bp.train(net, bp.MSE(), X, Y, epochs=100, lr=1.125, batch_size=8)
    error = info.value
    assert error.history.epochs == 4 and np.all(np.isfinite(error.history.loss))
    assert error.weights_finite and "still finite" in str(error)
    assert error.history.loss[-1] > 1000 * error.history.loss[0]


def test_an_infinite_loss_carries_the_history_and_the_state_of_the_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 1)) * 100
    with pytest.raises(bp.TrainingDivergedError) as info:
        bp.train(bp.mlp([1, 8, 1], seed=0), bp.MSE(), X, X ** 2, epochs=5, lr=10.0, batch_size=16)
    error = info.value
    assert isinstance(error.history, bp.History) and error.history.epochs == 0
    assert isinstance(error.weights_finite, bool)
    assert ("still finite" in str(error)) == error.weights_finite


def test_normal_training_is_not_mistaken_for_divergence():
    X, y = bp.make_moons(200, noise=0.2, seed=0)
    history = bp.train(bp.mlp([2, 16, 2], seed=0), bp.SoftmaxCrossEntropy(), X, y, epochs=30, lr=0.5)
    assert history.epochs == 30 and history.loss[-1] < history.loss[0]
