"""The scalar autodiff Value: gradients against autograd and central differences, accumulation,
zeroing, the pure backward_steps, and the scalar dense layer against the vectorised one."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from backproplib import MSE, Dense, Network, Tanh
from backproplib.errors import DataError, InputTypeError, MathDomainError
from backproplib.gradcheck import relative_error
from backproplib.scalar import Value, backward_steps, grad_array, topological_order, value_array

UNARY = ["neg", "exp", "log", "tanh", "sigmoid", "relu", "pow"]
BINARY = ["+", "-", "*", "/", "radd", "rsub", "rmul", "rdiv"]
POWERS = [2, 3, 0.5, -1, 1.5]


def random_program(rng, n_inputs, n_ops, must_use=None):
    """A random composition and its inputs: ([(op, i, j, constant)...], x0 (n_inputs,)).

    Each op reads earlier results (so values get reused); ops are only chosen where they are
    smooth and defined at the current value (log of a positive number, no relu at its kink...),
    so central differences are a fair reference.
    """
    x0 = rng.normal(size=n_inputs)
    x = list(x0)
    program = []
    ops = UNARY + BINARY
    for k in range(n_ops):
        for _ in range(100):
            op = must_use if (must_use and k == n_ops // 2) else ops[rng.integers(len(ops))]
            i, j = rng.integers(len(x)), rng.integers(len(x))
            c = float(rng.choice(POWERS)) if op == "pow" else float(rng.uniform(0.5, 2.0))
            a, b = x[i], x[j]
            ok = {"exp": abs(a) < 4, "log": a > 0.2, "relu": abs(a) > 0.05,
                  "pow": (a > 0.2 if c != int(c) or c < 0 else True) and abs(a) < 5,
                  "/": abs(b) > 0.3, "rdiv": abs(a) > 0.3}.get(op, True)
            if ok and abs(a) < 50 and abs(b) < 50:
                break
        else:
            raise RuntimeError("no valid operation found")
        program.append((op, i, j, c))
        x.append(apply(op, a, b, c, math))
    return program, x0


def apply(op, a, b, c, lib):
    """One operation on Values (lib=None), floats (lib=math) or autograd arrays (lib=anp)."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    if op == "radd":
        return c + a
    if op == "rsub":
        return c - a
    if op == "rmul":
        return c * a
    if op == "rdiv":
        return c / a
    if op == "neg":
        return -a
    if op == "pow":
        return a ** c
    if lib is None:
        return getattr(a, op)()
    if op == "sigmoid":
        return 1.0 / (1.0 + lib.exp(-a))
    if op == "relu":
        return a if a > 0 else 0.0 * a
    return getattr(lib, op)(a)


def run(program, inputs, lib):
    values = list(inputs)
    for op, i, j, c in program:
        values.append(apply(op, values[i], values[j], c, lib))
    return values[-1]


def central_differences(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def check_program(program, x0):
    leaves = [Value(v) for v in x0]
    out = run(program, leaves, None)
    out.backward()
    ours = np.array([v.grad for v in leaves])
    assert out.data == pytest.approx(run(program, list(x0), math), rel=1e-12)
    reference = autograd.grad(lambda x: run(program, [x[i] for i in range(len(x0))], anp))(x0)
    numeric = central_differences(lambda x: run(program, list(x), math), x0.copy())
    assert relative_error(ours, reference) <= 1e-7, (program, ours, reference)
    assert relative_error(ours, numeric) <= 1e-7, (program, ours, numeric)


@pytest.mark.parametrize("seed", range(25))
def test_random_compositions_match_autograd_and_central_differences(seed):
    rng = np.random.default_rng(seed)
    check_program(*random_program(rng, n_inputs=3, n_ops=8))


@pytest.mark.parametrize("op", UNARY + BINARY)
def test_every_operation_inside_a_composition(op):
    for seed in range(4):
        rng = np.random.default_rng(100 + seed)
        program, x0 = random_program(rng, n_inputs=3, n_ops=5, must_use=op)
        assert any(step[0] == op for step in program)
        check_program(program, x0)


@pytest.mark.parametrize("make, expected", [
    (lambda x: x * x, lambda x: 2 * x),
    (lambda x: x + x, lambda x: 2.0),
    (lambda x: (x * x) * x, lambda x: 3 * x * x),
    (lambda x: (x + x).tanh() * x, lambda x: 2 * (1 - math.tanh(2 * x) ** 2) * x + math.tanh(2 * x)),
])
def test_a_value_used_twice_collects_both_contributions(make, expected):
    x = Value(0.7)
    make(x).backward()
    assert x.grad == pytest.approx(expected(0.7), rel=1e-12)


def test_a_equals_b_plus_b_gives_grad_two():
    b = Value(-1.3, label="b")
    a = b + b
    a.backward()
    assert b.grad == 2.0
    assert a.grad == 1.0


def neuron():
    x1, w1, x2, w2, b = (Value(v) for v in (2.0, -0.5, -1.0, 0.8, 0.3))
    L = ((x1 * w1 + x2 * w2 + b).tanh() - 0.5) ** 2
    return L, [x1, w1, x2, w2, b]


def test_backward_twice_without_zeroing_doubles_every_gradient_and_zero_grad_resets():
    L, leaves = neuron()
    nodes = topological_order(L)
    L.backward()
    first = [n.grad for n in nodes]
    assert any(abs(g) > 0.1 for g in first[:-1])
    L.backward()
    assert [n.grad for n in nodes] == pytest.approx([2 * g for g in first], rel=1e-15)
    L.zero_grad()
    assert all(n.grad == 0.0 for n in nodes)
    L.backward()
    assert [n.grad for n in nodes] == pytest.approx(first, rel=1e-15)


def test_backward_steps_is_pure_and_matches_backward():
    L, leaves = neuron()
    steps = backward_steps(L)
    nodes = topological_order(L)
    assert all(n.grad == 0.0 for n in nodes)  # nothing written
    assert [s.node for s in steps] == nodes[::-1]
    assert steps[0].node is L and steps[0].grad == 1.0 and steps[0].terms == ()
    L.backward()
    for s in steps:
        assert s.grad == pytest.approx(s.node.grad, rel=1e-15)
        # eq. 3.3: the gradient is the sum of local derivative × the child's gradient
        assert s.grad == pytest.approx(sum(t.local * t.child_grad for t in s.terms) or 1.0)
        for t in s.terms:
            assert t.child.parents[t.position] is s.node
            assert t.child_grad == pytest.approx(t.child.grad)


def test_backward_steps_lists_a_value_used_twice_once_with_two_terms():
    x = Value(3.0, label="x")
    f = x * x
    steps = backward_steps(f)
    assert [s.node for s in steps] == [f, x]
    assert len(steps[1].terms) == 2 and steps[1].grad == 6.0


def test_topological_order_has_every_node_once_parents_first_and_handles_long_chains():
    L, leaves = neuron()
    order = topological_order(L)
    assert len({id(n) for n in order}) == len(order) == 13
    seen = set()
    for node in order:
        assert all(id(p) in seen for p in node.parents)
        seen.add(id(node))
    x = Value(0.0)
    y = x
    for _ in range(5000):
        y = y + 1.0
    y.backward()  # no RecursionError
    assert x.grad == 1.0 and y.data == 5000.0


def test_saturated_and_huge_inputs_stay_finite():
    assert Value(1000.0).sigmoid().data == 1.0
    s = Value(-1000.0).sigmoid()
    s.backward()
    assert s.data == 0.0 and s.grad == 1.0
    t = Value(50.0)
    out = t.tanh()
    out.backward()
    assert out.data == 1.0 and t.grad == 0.0


@pytest.mark.parametrize("make, error, words", [
    (lambda: Value("a"), InputTypeError, "real number"),
    (lambda: Value(None), InputTypeError, "real number"),
    (lambda: Value(2.0) ** Value(2.0), InputTypeError, "plain finite number"),
    (lambda: Value(-1.0).log(), MathDomainError, "positive"),
    (lambda: Value(1.0) / Value(0.0), MathDomainError, "0"),
    (lambda: 1.0 / Value(0.0), MathDomainError, "0"),
    (lambda: Value(1000.0).exp(), MathDomainError, "largest float"),
    (lambda: Value(-2.0) ** 0.5, MathDomainError, "real"),
    (lambda: Value(float("nan")), DataError, "finite"),
    (lambda: Value(1.0) ** float("inf"), InputTypeError, "finite"),
])
def test_bad_input_gets_a_clear_error(make, error, words):
    with pytest.raises(error, match=words):
        make()


# -- the scalar dense layer equals the vectorised one (Lesson 03, eqs. 3.6–3.10) --------------

def scalar_dense(layer, X):
    """The same layer built from Values: returns (Xv, Wv, bv, Zv) object arrays."""
    Xv, Wv, bv = value_array(X, "X"), value_array(layer.W, "W"), value_array(layer.b, "b")
    return Xv, Wv, bv, Xv @ Wv + bv


def test_scalar_dense_layer_equals_dense_backward():
    rng = np.random.default_rng(3)
    layer = Dense(3, 2, rng=4)
    layer.params["b"][:] = rng.normal(size=2)
    X, dZ = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    Z = layer.forward(X)
    dX = layer.backward(dZ)
    Xv, Wv, bv, Zv = scalar_dense(layer, X)
    np.testing.assert_allclose(np.vectorize(lambda v: v.data)(Zv), Z, rtol=1e-13)
    L = (Zv * dZ).sum()  # a loss whose gradient with respect to Z is exactly dZ
    L.backward()
    np.testing.assert_allclose(grad_array(Wv), layer.dW, rtol=1e-12)
    np.testing.assert_allclose(grad_array(bv), layer.db, rtol=1e-12)
    np.testing.assert_allclose(grad_array(Xv), dX, rtol=1e-12)


def test_scalar_activation_backward_equals_tanh_layer():
    rng = np.random.default_rng(5)
    Z, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    layer = Tanh()
    layer.forward(Z)
    Zv = value_array(Z, "Z")
    (np.vectorize(lambda v: v.tanh(), otypes=[object])(Zv) * dA).sum().backward()
    np.testing.assert_allclose(grad_array(Zv), layer.backward(dA), rtol=1e-12)


def test_scalar_two_layer_network_equals_network_backward():
    rng = np.random.default_rng(6)
    net = Network([Dense(2, 3, rng=7), Tanh(), Dense(3, 1, rng=8)])
    for layer in (net.layers[0], net.layers[2]):
        layer.params["b"][:] = rng.normal(size=layer.b.shape)
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    loss = MSE()
    L = loss.forward(net.forward(X), Y)
    net.backward(loss.backward())

    Xv = value_array(X, "X")
    W1, b1 = value_array(net.layers[0].W, "W1"), value_array(net.layers[0].b, "b1")
    W2, b2 = value_array(net.layers[2].W, "W2"), value_array(net.layers[2].b, "b2")
    A1 = np.vectorize(lambda v: v.tanh(), otypes=[object])(Xv @ W1 + b1)
    Lv = (((A1 @ W2 + b2) - Y) ** 2).sum() / Y.size
    Lv.backward()
    assert Lv.data == pytest.approx(L, rel=1e-13)
    for V, (name, grad) in zip([W1, b1, W2, b2], net.gradients()):
        np.testing.assert_allclose(grad_array(V), grad, rtol=1e-11, err_msg=name)
