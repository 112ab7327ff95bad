"""Backprop's gradients against an independent automatic-differentiation library (autograd).

The same random networks are written a second time as plain functions of their parameters;
autograd differentiates those, and every gradient must agree with backproplib's backward pass.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

import backproplib as bp

AUTOGRAD_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + anp.exp(-z)),
    "tanh": anp.tanh,
    "relu": lambda z: anp.maximum(z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
    "identity": lambda z: z,
}


def autograd_loss(kind, out, Y):
    if kind == "mse":
        return anp.mean((out - Y) ** 2)
    if kind == "bce":
        return anp.mean(anp.maximum(out, 0) - Y * out + anp.log1p(anp.exp(-anp.abs(out))))
    shifted = out - anp.max(out, axis=1, keepdims=True)
    log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.sum(Y * log_p) / out.shape[0]


def random_problem(kind, activation, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(2, 7, size=int(rng.integers(3, 6)))]
    if kind == "bce":
        sizes[-1] = 1
    net = bp.mlp(sizes, activation=activation, init="xavier", seed=seed)
    for _, p in net.parameters():
        p += 0.1 * rng.normal(size=p.shape)
    N = int(rng.integers(1, 9))
    X = rng.normal(size=(N, sizes[0]))
    if kind == "mse":
        return net, bp.MSE(), X, rng.normal(size=(N, sizes[-1])), rng.normal(size=(N, sizes[-1]))
    if kind == "bce":
        y = rng.integers(0, 2, size=(N, 1)).astype(float)
        return net, bp.BinaryCrossEntropy(), X, y, y
    labels = rng.integers(0, sizes[-1], size=N)
    return net, bp.SoftmaxCrossEntropy(), X, labels, bp.one_hot(labels, sizes[-1])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", sorted(AUTOGRAD_ACTIVATIONS))
@pytest.mark.parametrize("kind", ["mse", "bce", "softmax-ce"])
def test_backprop_matches_autograd(kind, activation, seed):
    net, loss, X, Y, Y_dense = random_problem(kind, activation, seed)
    if kind == "mse":
        Y_dense = Y
    names = [n for n, _ in net.parameters()]
    f = AUTOGRAD_ACTIVATIONS[activation]

    def as_function(params):
        A = X
        dense = [p for p in params]
        for i in range(0, len(dense), 2):
            A = anp.dot(A, dense[i]) + dense[i + 1]
            if i + 2 < len(dense):
                A = f(A)
        return autograd_loss(kind, A, Y_dense)

    expected = grad(as_function)([p.copy() for _, p in net.parameters()])
    net.zero_grad()
    loss_value = loss.forward(net.forward(X), Y)
    net.backward(loss.backward())
    assert loss_value == pytest.approx(float(as_function([p for _, p in net.parameters()])), rel=1e-12)
    for name, (_, ours), theirs in zip(names, net.gradients(), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, err_msg=name)
