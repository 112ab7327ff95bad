"""Every activation, loss, layer and whole networks, checked against central differences.

All in float64, at random shapes with non-trivial random parameters (never zeros or ones, which
can hide a wrong backward pass), relative error ≤ 1e-7.
"""

import numpy as np
import pytest

import backproplib as bp
from backproplib.activations import ACTIVATIONS, activation_layer
from backproplib.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
SEEDS = range(5)


def random_shape(rng):
    return int(rng.integers(2, 7)), int(rng.integers(2, 6))


def away_from_kinks(rng, shape):
    """Random pre-activations with |z| ≥ 0.05, so ReLU's kink at 0 is never within h."""
    Z = rng.normal(size=shape)
    return np.where(np.abs(Z) < 0.05, 0.5, Z)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_layer_backward_matches_central_differences(name, seed):
    rng = np.random.default_rng(seed)
    Z = away_from_kinks(rng, random_shape(rng))
    R = rng.normal(size=Z.shape)  # L = Σ A ⊙ R, so dA = R
    layer = activation_layer(name)
    layer.forward(Z)
    dZ = layer.backward(R)
    numeric = numerical_gradient(lambda: np.sum(layer.forward(Z) * R), Z)
    assert relative_error(dZ, numeric) <= TOL


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_function_matches_central_differences(name):
    f, df = ACTIVATIONS[name].function, ACTIVATIONS[name].derivative
    z = away_from_kinks(np.random.default_rng(1), (50,))
    h = 1e-5
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    assert relative_error(df(z), numeric) <= TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    N, D = random_shape(rng)
    M = int(rng.integers(1, 6))
    layer = bp.Dense(D, M, init="normal", scale=1.0, rng=seed)
    layer.params["b"][:] = rng.normal(size=M)
    X = rng.normal(size=(N, D))
    R = rng.normal(size=(N, M))
    loss = lambda: np.sum(layer.forward(X) * R)  # noqa: E731
    layer.forward(X)
    dX = layer.backward(R)
    assert relative_error(dX, numerical_gradient(loss, X)) <= TOL
    assert relative_error(layer.dW, numerical_gradient(loss, layer.W)) <= TOL
    assert relative_error(layer.db, numerical_gradient(loss, layer.b)) <= TOL


def loss_cases(rng, N, K):
    """(loss object, predictions, targets) for every loss, with targets of every accepted kind."""
    Z = rng.normal(size=(N, K)) * 2
    labels = rng.integers(0, K, size=N)
    probs = rng.uniform(0.05, 0.95, size=(N, 1))
    return [
        ("mse", bp.MSE(), Z, rng.normal(size=(N, K))),
        ("bce-logits", bp.BinaryCrossEntropy(), Z[:, :1], rng.integers(0, 2, size=(N, 1)).astype(float)),
        ("bce-logits-soft", bp.BinaryCrossEntropy(), Z[:, :1], rng.uniform(size=N)),
        ("bce-probs", bp.BinaryCrossEntropy(from_logits=False), probs, rng.integers(0, 2, size=(N, 1))),
        ("softmax-ce-labels", bp.SoftmaxCrossEntropy(), Z, labels),
        ("softmax-ce-onehot", bp.SoftmaxCrossEntropy(), Z, bp.one_hot(labels, K)),
    ]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", range(6))
def test_loss_gradient_matches_central_differences(case, seed):
    rng = np.random.default_rng(seed)
    N, K = random_shape(rng)
    name, loss, Y_hat, Y = loss_cases(rng, N, K)[case]
    loss.forward(Y_hat, Y)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(Y_hat, Y), Y_hat)
    assert analytic.shape == Y_hat.shape, name
    assert relative_error(analytic, numeric) <= TOL, name


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_whole_network_passes_the_gradient_check(activation, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(2, 6, size=4)]
    net = bp.mlp(sizes, activation=activation, init="xavier", seed=seed)
    for _, p in net.parameters():  # non-trivial biases too
        p += 0.1 * rng.normal(size=p.shape)
    X = rng.normal(size=(int(rng.integers(2, 7)), sizes[0]))
    y = rng.integers(0, sizes[-1], size=X.shape[0])
    report = bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, y, check_input=True)
    assert report.passed, str(report)
    assert report.max_relative_error <= TOL
    assert [r.name for r in report.rows] == [n for n, _ in net.parameters()] + ["input"]


def test_network_with_mse_and_sigmoid_output_passes_the_gradient_check():
    rng = np.random.default_rng(7)
    net = bp.mlp([3, 5, 4, 2], activation="tanh", output_activation="sigmoid", seed=7)
    X, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    report = bp.check_network_gradients(net, bp.MSE(), X, Y)
    assert report.passed, str(report)


def test_gradients_accumulate_until_zeroed():
    rng = np.random.default_rng(0)
    net = bp.mlp([3, 4, 2], seed=0)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    loss = bp.SoftmaxCrossEntropy()
    net.zero_grad()
    loss.forward(net.forward(X), y)
    net.backward(loss.backward())
    once = [g.copy() for _, g in net.gradients()]
    net.backward(loss.backward())  # again, without zeroing: every gradient doubles
    for g1, (_, g2) in zip(once, net.gradients()):
        np.testing.assert_allclose(g2, 2 * g1)
    net.zero_grad()
    assert all(not g.any() for _, g in net.gradients())


def test_numerical_gradient_restores_every_entry_exactly():
    x = np.random.default_rng(3).normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert np.array_equal(x, before)


def test_gradient_check_report_flags_a_wrong_backward_pass():
    class BrokenTanh(bp.Tanh):
        def backward(self, dA):  # the classic slip: forgets the derivative of tanh
            return dA

    rng = np.random.default_rng(0)
    net = bp.Network([bp.Dense(3, 4, rng=0), BrokenTanh(), bp.Dense(4, 2, rng=1)])
    report = bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), rng.normal(size=(5, 3)),
                                        rng.integers(0, 2, size=5))
    assert not report.passed
    assert report["dense1.W"].relative_error > 1e-3 and not report["dense1.W"].passed
    assert report["dense2.W"].passed  # layers after the bug are still right
    text = str(report)
    assert "WRONG?" in text and "dense1.W" in text and "some gradients do not match" in text


def test_gradient_check_warns_in_float32_and_near_a_relu_kink():
    net = bp.mlp([2, 3, 2], activation="relu", seed=0, dtype=np.float32)
    X = np.array([[1.0, 2.0], [0.5, -1.0]], dtype=np.float32)
    with pytest.warns(UserWarning, match="float64"):
        bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, np.array([0, 1]))
    net = bp.mlp([2, 3, 2], activation="relu", seed=0)
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    net.layers[0].params["b"][:] = -(X[0] @ net.layers[0].W)  # unit inputs exactly at the kink
    with pytest.warns(UserWarning, match="kink"):
        report = bp.check_network_gradients(net, bp.SoftmaxCrossEntropy(), X, np.array([0, 1]))
    assert any("kink" in note for note in report.warnings)
