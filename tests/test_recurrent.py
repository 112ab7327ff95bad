"""The recurrent layer (BPTT), its output layers and gradient clipping.

Gradients: central differences in float64 (relative error ≤ 1e-7) and the independent autodiff
library autograd (to 1e-9), on random shapes with non-trivial random parameters and fixed seeds;
truncated BPTT against autograd with the hidden state cut at the same steps.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

import backproplib as bp
from backproplib.gradcheck import numerical_gradient, relative_error
from backproplib.recurrent import check_finite

TOL = 1e-7
SEEDS = range(5)


def random_layer(seed, truncate=None):
    """A Recurrent layer with random sizes, non-zero bias, a batch X, a first state h0 and R."""
    rng = np.random.default_rng(seed)
    N, T, D, H = (int(rng.integers(1, 5)), int(rng.integers(1, 8)), int(rng.integers(1, 5)),
                  int(rng.integers(2, 6)))
    layer = bp.Recurrent(D, H, truncate=truncate, rng=seed)
    layer.params["b"][:] = 0.3 * rng.normal(size=H)
    return layer, rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), rng.normal(size=(N, T, H))


@pytest.mark.parametrize("seed", SEEDS)
def test_recurrent_backward_matches_central_differences(seed):
    layer, X, h0, R = random_layer(seed)
    loss = lambda: np.sum(layer.forward(X, h0) * R)  # noqa: E731  L = Σ H ⊙ R, so dH = R
    layer.forward(X, h0)
    dX = layer.backward(R)
    assert dX.shape == X.shape and layer.dh0.shape == h0.shape
    for analytic, array in [(dX, X), (layer.dh0, h0), (layer.dWx, layer.Wx),
                            (layer.dWh, layer.Wh), (layer.db, layer.b)]:
        assert relative_error(analytic, numerical_gradient(loss, array)) <= TOL


def autograd_states(Wx, Wh, b, X, h0, cut=None, H_const=None):
    """The hidden states of eq. 8.1 written again for autograd; with ``cut`` = k the state that
    enters each piece of k steps is the constant H_const (no gradient flows through it)."""
    h, states = h0, []
    for t in range(X.shape[1]):
        if cut is not None and t > 0 and t % cut == 0:
            h = H_const[:, t - 1]
        h = anp.tanh(anp.dot(X[:, t], Wx) + anp.dot(h, Wh) + b)
        states.append(h)
    return states


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("truncate", [None, 1, 2, 3])
def test_recurrent_backward_matches_autograd_full_and_truncated(seed, truncate):
    layer, X, h0, R = random_layer(seed + 10, truncate)
    H_const = layer.forward(X, h0).copy()

    def loss(params):
        states = autograd_states(*params, X, h0, truncate, H_const)
        return sum(anp.sum(h * R[:, t]) for t, h in enumerate(states))

    expected = grad(loss)([layer.Wx.copy(), layer.Wh.copy(), layer.b.copy()])
    layer.zero_grad()
    layer.backward(R)
    for ours, theirs in zip((layer.dWx, layer.dWh, layer.db), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_truncation_changes_the_gradient_only_when_the_sequence_is_longer_than_a_piece():
    layer, X, h0, R = random_layer(3)
    X = np.concatenate([X, X], axis=1)  # at least 2 steps
    R = np.concatenate([R, R], axis=1)
    T = X.shape[1]
    full = bp.Recurrent(X.shape[2], layer.Wh.shape[0], rng=3)
    results = {}
    for k in (None, T, T + 5, 1):
        full.truncate = k
        full.zero_grad()
        full.forward(X, h0)
        dX = full.backward(R)
        results[k] = (dX.copy(), full.dWh.copy())
    for k in (T, T + 5):   # one piece holds the whole sequence: nothing is cut inside it
        np.testing.assert_allclose(results[k][1], results[None][1], rtol=1e-12)
    assert not np.allclose(results[1][1], results[None][1])
    # with k = 1 the gradient of x_t comes from step t only: dx_t = (R_t ⊙ (1 − h_t²)) W_xᵀ
    Hs = full.forward(X, h0)
    np.testing.assert_allclose(results[1][0], (R * (1 - Hs ** 2)) @ full.Wx.T, rtol=1e-12)


def test_w_h_gradient_is_the_sum_of_one_contribution_per_step():
    layer, X, h0, R = random_layer(1)
    H = layer.forward(X, h0)
    layer.backward(R)
    # rebuild dz_t with eq. 8.4/8.5 by hand and add the steps' contributions h_{t−1}ᵀ dz_t
    T = X.shape[1]
    dz, total = [None] * T, np.zeros_like(layer.Wh)
    later = np.zeros_like(h0)
    for t in reversed(range(T)):
        dz[t] = (R[:, t] + later) * (1 - H[:, t] ** 2)
        later = dz[t] @ layer.Wh.T
        total += (H[:, t - 1] if t else h0).T @ dz[t]
    np.testing.assert_allclose(layer.dWh, total, rtol=1e-12)
    layer.backward(R)  # a second pass without zero_grad doubles it (the contract)
    np.testing.assert_allclose(layer.dWh, 2 * total, rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_networks_with_last_step_and_per_step_outputs_pass_the_gradient_check(seed):
    rng = np.random.default_rng(seed)
    N, T, D, H, K = 3, int(rng.integers(2, 6)), 2, 4, 3
    X = rng.normal(size=(N, T, D))
    last = bp.Network([bp.Recurrent(D, H, rng=seed), bp.LastStep(), bp.Dense(H, K, rng=seed)])
    report = bp.check_network_gradients(last, bp.SoftmaxCrossEntropy(), X,
                                        rng.integers(0, K, size=N), check_input=True)
    assert report.passed and report.max_relative_error <= TOL, str(report)
    per = bp.Network([bp.Recurrent(D, H, rng=seed), bp.Tanh(), bp.PerStep(bp.Dense(H, K, rng=1))])
    report = bp.check_network_gradients(per, bp.MSE(), X, rng.normal(size=(N, T, K)),
                                        check_input=True)
    assert report.passed and report.max_relative_error <= TOL, str(report)
    assert [r.name for r in report.rows][:3] == ["recurrent1.Wx", "recurrent1.Wh", "recurrent1.b"]


def test_per_step_output_matches_autograd():
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 1))
    net = bp.Network([bp.Recurrent(2, 4, rng=0), bp.PerStep(bp.Dense(4, 1, rng=1))])

    def loss(p):
        states = autograd_states(p[0], p[1], p[2], X, np.zeros((3, 4)))
        out = anp.stack([anp.dot(h, p[3]) + p[4] for h in states], axis=1)
        return anp.mean((out - Y) ** 2)

    expected = grad(loss)([p.copy() for _, p in net.parameters()])
    mse = bp.MSE()
    net.zero_grad()
    mse.forward(net.forward(X), Y)
    net.backward(mse.backward())
    for (name, ours), theirs in zip(net.gradients(), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, err_msg=name)


def test_forward_matches_the_equation_step_by_step_and_starts_from_h0():
    layer, X, h0, _ = random_layer(2)
    H = layer.forward(X, h0)
    h = h0
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ layer.Wx + h @ layer.Wh + layer.b)
        np.testing.assert_allclose(H[:, t], h, rtol=1e-12)
    zero_start = layer.forward(X)
    np.testing.assert_allclose(zero_start[:, 0], np.tanh(X[:, 0] @ layer.Wx + layer.b))


def test_recurrent_scale_sets_the_largest_singular_value():
    for s in (0.5, 1.0, 1.7):
        layer = bp.Recurrent(3, 8, rng=0, recurrent_scale=s)
        assert np.linalg.norm(layer.Wh, 2) == pytest.approx(s, rel=1e-12)


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("X, match", [
    (np.zeros((4, 3)), r"\(N, T, 3\).*\(4, 3\).*X\[None\]"),
    (np.zeros(3), r"\(N, T, 3\).*\(3,\)"),
    (np.zeros((2, 5, 3, 1)), r"\(N, T, 3\)"),
    (np.zeros((2, 5, 4)), r"3 features per step.*\(2, 5, 4\)"),
    (np.zeros((2, 0, 3)), r"empty sequences \(T = 0\)"),
    (np.zeros((0, 5, 3)), r"empty batch \(N = 0\)"),
])
def test_sequences_of_the_wrong_shape_or_empty_get_a_shape_error(X, match):
    with pytest.raises(bp.ShapeError, match=match):
        bp.Recurrent(3, 2, rng=0).forward(X)


def test_hidden_state_of_the_wrong_size_names_the_expected_shape():
    layer = bp.Recurrent(3, 4, rng=0)
    for h0 in (np.zeros((2, 5)), np.zeros(4), np.zeros((3, 4))):
        with pytest.raises(bp.ShapeError, match=r"h0 must have shape \(N, H\) = \(2, 4\)"):
            layer.forward(np.zeros((2, 6, 3)), h0)


def test_nan_or_inf_in_sequences_or_state_is_refused_with_its_position():
    layer = bp.Recurrent(2, 3, rng=0)
    X = np.zeros((2, 4, 2))
    X[1, 2, 0] = np.nan
    with pytest.raises(bp.NonFiniteError, match=r"NaN or infinite.*index \(1, 2, 0\)"):
        layer.forward(X)
    h0 = np.zeros((2, 3))
    h0[0, 1] = np.inf
    with pytest.raises(bp.NonFiniteError, match=r"h0 of recurrent.*index \(0, 1\)"):
        layer.forward(np.zeros((2, 4, 2)), h0)
    assert issubclass(bp.NonFiniteError, bp.BackpropError) and issubclass(bp.NonFiniteError, ValueError)
    check_finite(np.ones(3), "fine")  # no error for finite numbers


def test_non_numeric_input_bad_settings_and_backward_misuse_are_named():
    with pytest.raises(bp.InputTypeError):
        bp.Recurrent(2, 3, rng=0).forward([["a", "b"]])
    for kwargs in ({"truncate": 0}, {"truncate": 2.5}, {"truncate": True}):
        with pytest.raises(bp.ConfigError, match="truncate"):
            bp.Recurrent(2, 3, **kwargs)
    with pytest.raises(bp.ConfigError, match="n_hidden"):
        bp.Recurrent(2, 0)
    layer = bp.Recurrent(2, 3, rng=0)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((1, 2, 3)))
    layer.forward(np.zeros((1, 2, 2)))
    with pytest.raises(bp.ShapeError, match=r"\(1, 2, 3\)"):
        layer.backward(np.zeros((1, 3, 3)))
    for out_layer in (bp.LastStep(), bp.PerStep(bp.Dense(3, 1))):
        with pytest.raises(bp.ShapeError, match=r"\(N, T, H\)"):
            out_layer.forward(np.zeros((2, 3)))


# -- clipping ------------------------------------------------------------------------------------

def test_clip_grad_norm_scales_all_gradients_together_and_returns_the_old_norm():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    before = [g.copy() for g in grads]
    norm = np.sqrt(sum(np.sum(g ** 2) for g in before))
    assert bp.clip_grad_norm(grads, 0.5) == pytest.approx(norm)
    assert np.sqrt(sum(np.sum(g ** 2) for g in grads)) == pytest.approx(0.5)
    for g, b in zip(grads, before):        # same direction: every entry scaled by one factor
        np.testing.assert_allclose(g, b * 0.5 / norm)
    small = [np.array([0.1, -0.2])]
    assert bp.clip_grad_norm(small, 1.0) == pytest.approx(np.sqrt(0.05))
    np.testing.assert_array_equal(small[0], [0.1, -0.2])   # below the threshold: unchanged
    inf = [np.array([np.inf, 1.0])]
    assert bp.clip_grad_norm(inf, 1.0) == np.inf and inf[0][1] == 1.0
    for bad in (0, -1.0, np.nan, "1"):
        with pytest.raises(bp.ConfigError):
            bp.clip_grad_norm(small, bad)


def test_sgd_with_clip_norm_takes_a_step_of_length_at_most_lr_times_c():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(4, 6, 2)) * 5, rng.normal(size=(4, 1)) * 50
    net = bp.Network([bp.Recurrent(2, 3, rng=0, recurrent_scale=1.5), bp.LastStep(),
                      bp.Dense(3, 1, rng=1)])
    before = [p.copy() for _, p in net.parameters()]
    bp.train_step(net, bp.MSE(), X, Y, bp.SGD(lr=0.1, clip_norm=1.0))
    step = np.sqrt(sum(np.sum((p - b) ** 2) for (_, p), b in zip(net.parameters(), before)))
    assert step == pytest.approx(0.1 * 1.0, rel=1e-9)   # the raw gradient is far larger than 1
    with pytest.raises(bp.ConfigError, match="clip_norm"):
        bp.SGD(clip_norm=0)
    assert bp.SGD().clip_norm is None


def test_a_recurrent_network_learns_to_remember_a_value_over_a_short_delay():
    rng = np.random.default_rng(0)

    def batch(n, delay=3):
        X = np.zeros((n, delay + 1, 1))
        X[:, 0, 0] = rng.uniform(-1, 1, size=n)
        return X, X[:, 0]

    net = bp.Network([bp.Recurrent(1, 8, rng=0), bp.LastStep(), bp.Dense(8, 1, rng=1)])
    opt, mse = bp.SGD(lr=0.5, clip_norm=1.0), bp.MSE()
    first = [bp.train_step(net, mse, *batch(32), opt) for _ in range(5)]
    for _ in range(300):
        last = bp.train_step(net, mse, *batch(32), opt)
    assert np.mean(first) > 0.1 and last < 0.01


def test_weight_decay_pulls_every_weight_matrix_of_a_recurrent_layer_but_not_its_bias():
    """With no gradient at all, one step of SGD with weight decay λ multiplies each weight matrix
    by (1 − ηλ) (Lesson 07, eq. 7.3) and leaves the bias where it is."""
    net = bp.Network([bp.Recurrent(2, 3, rng=0), bp.LastStep(), bp.Dense(3, 1, rng=1)])
    before = {name: theta.copy() for name, theta, _ in net.parameters_and_gradients()}
    for _, _, dtheta in net.parameters_and_gradients():
        dtheta[...] = 0.0
    bp.SGD(lr=0.1, weight_decay=0.5).step(net)
    for name, theta, _ in net.parameters_and_gradients():
        factor = 1.0 if name.endswith(".b") else 1 - 0.1 * 0.5
        np.testing.assert_allclose(theta, factor * before[name], err_msg=name)


def test_grad_norms_include_a_recurrent_layers_weights():
    rnn = bp.Recurrent(2, 3, rng=0)
    net = bp.Network([rnn, bp.LastStep(), bp.Dense(3, 1, rng=1)])
    for layer in net.layers:
        for name, g in layer.grads.items():
            g[...] = 2.0 if name.startswith("W") else 100.0   # biases do not count
    norms = net.grad_norms()
    assert list(norms) == [rnn.name, "dense1"]
    expected = 2.0 * np.sqrt(rnn.Wx.size + rnn.Wh.size)
    assert norms[rnn.name] == pytest.approx(expected)
