"""Bad input gets a clear, named error: what was wrong, what was expected, what to try."""

import numpy as np
import pytest

import backproplib as bp


def test_wrong_input_shape_names_the_layer_and_both_shapes():
    net = bp.mlp([4, 3, 2], seed=0)
    with pytest.raises(bp.ShapeError) as info:
        net.forward(np.zeros((5, 3)))
    message = str(info.value)
    assert "dense1" in message and "(N, 4)" in message and "(5, 3)" in message


def test_a_single_vector_gets_a_hint_to_reshape():
    layer = bp.Dense(3, 2, rng=0)
    with pytest.raises(bp.ShapeError, match=r"reshape\(1, -1\)"):
        layer.forward(np.ones(3))


def test_backward_with_wrong_shape_or_before_forward():
    layer = bp.Dense(3, 2, rng=0)
    with pytest.raises(bp.UsageError, match="before forward"):
        layer.backward(np.ones((4, 2)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(bp.ShapeError, match=r"\(4, 2\).*\(4, 3\)"):
        layer.backward(np.ones((4, 3)))


@pytest.mark.parametrize("labels, match", [
    (np.array([0, 1, 3]), r"0\.\.2 for 3 classes.*range from 0 to 3"),
    (np.array([0, -1, 2]), r"0\.\.2"),
    (np.array([0.5, 1.0, 2.0]), "whole class numbers"),
    (np.array(["a", "b", "c"]), "must contain real numbers"),
])
def test_softmax_cross_entropy_refuses_bad_labels(labels, match):
    with pytest.raises((bp.LabelError, bp.InputTypeError), match=match):
        bp.SoftmaxCrossEntropy().forward(np.zeros((3, 3)), labels)


def test_softmax_cross_entropy_refuses_labels_of_the_wrong_count_or_bad_one_hot_rows():
    with pytest.raises(bp.ShapeError, match="expected 3 integer labels"):
        bp.SoftmaxCrossEntropy().forward(np.zeros((3, 3)), np.array([0, 1]))
    with pytest.raises(bp.LabelError, match="probability distribution"):
        bp.SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([[1, 1, 0], [0, 0, 1]]))


def test_binary_cross_entropy_refuses_targets_outside_0_1_and_bad_probabilities():
    with pytest.raises(bp.LabelError, match="0 or 1.*SoftmaxCrossEntropy"):
        bp.BinaryCrossEntropy().forward(np.zeros((3, 1)), np.array([0, 1, 2]))
    with pytest.raises(bp.DataError, match="from_logits=True"):
        bp.BinaryCrossEntropy(from_logits=False).forward(np.array([[2.0]]), np.array([1]))


def test_mse_refuses_mismatched_shapes_but_accepts_n_vs_n_by_1():
    with pytest.raises(bp.ShapeError, match=r"\(4, 2\).*\(4, 3\)"):
        bp.MSE().forward(np.zeros((4, 2)), np.zeros((4, 3)))
    assert bp.MSE().forward(np.zeros((4, 1)), np.ones(4)) == 1.0


def test_non_finite_loss_stops_training_and_says_where_and_what_to_try():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 1)) * 100
    Y = X ** 2
    net = bp.mlp([1, 8, 1], seed=0)
    with pytest.raises(bp.TrainingDivergedError) as info:
        bp.train(net, bp.MSE(), X, Y, epochs=5, lr=10.0, batch_size=16)
    message = str(info.value)
    assert "epoch 1" in message and "step" in message and "smaller learning rate" in message
    assert "10.0" in message


def test_nan_in_the_data_is_reported_as_such():
    X = np.ones((4, 2))
    X[2, 1] = np.nan
    with pytest.raises(bp.DataError, match=r"X contains NaN.*rows \[2\]"):
        bp.train(bp.mlp([2, 2], seed=0), bp.SoftmaxCrossEntropy(), X, np.zeros(4, dtype=int))


@pytest.mark.parametrize("kwargs, match", [
    ({"lr": 0}, "learning rate must be > 0"),
    ({"lr": -0.1}, "learning rate must be > 0"),
    ({"lr": float("nan")}, "learning rate must be a finite number"),
    ({"lr": "0.1"}, "learning rate must be a finite number"),
    ({"batch_size": 0}, "batch_size must be ≥ 1"),
    ({"batch_size": 2.5}, "batch_size must be a whole number"),
    ({"epochs": -1}, r"epochs \(the number of passes over the data\) must be ≥ 1"),
    ({"momentum": 1.0}, "momentum must be ≥ 0 and < 1"),
])
def test_bad_training_settings_are_refused(kwargs, match):
    X, y = np.ones((4, 2)), np.zeros(4, dtype=int)
    with pytest.raises(bp.ConfigError, match=match):
        bp.train(bp.mlp([2, 2], seed=0), bp.SoftmaxCrossEntropy(), X, y, **kwargs)


def test_mismatched_numbers_of_examples_and_targets():
    with pytest.raises(bp.ShapeError, match="X has 4 examples but Y has 3"):
        bp.train(bp.mlp([2, 2], seed=0), bp.SoftmaxCrossEntropy(), np.ones((4, 2)), np.zeros(3, dtype=int))


def test_integer_and_list_inputs_are_converted():
    net = bp.mlp([2, 3, 2], seed=0)
    from_ints = net.forward(np.array([[1, 2], [3, 4]]))
    from_list = net.forward([[1, 2], [3, 4]])
    from_floats = net.forward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert from_ints.dtype == np.float64
    np.testing.assert_array_equal(from_ints, from_floats)
    np.testing.assert_array_equal(from_list, from_floats)


@pytest.mark.parametrize("bad", ["not an array", [["a", "b"]], None, [[1, 2], [3]], {"x": 1}])
def test_non_numeric_inputs_are_refused_clearly(bad):
    with pytest.raises(bp.InputTypeError, match="input of dense1"):
        bp.mlp([2, 2], seed=0).forward(bad)


def test_bad_layer_sizes_and_initialisation():
    with pytest.raises(bp.ConfigError, match=r"n_in \(the number of inputs of the layer\) must be ≥ 1"):
        bp.Dense(0, 3)
    with pytest.raises(bp.ConfigError, match="unknown initialisation 'glorot'"):
        bp.Dense(2, 3, init="glorot")
    with pytest.raises(bp.ConfigError, match="unknown activation 'relu6'"):
        bp.mlp([2, 3, 2], activation="relu6")


def test_errors_are_also_the_builtin_exceptions_people_catch():
    assert issubclass(bp.ShapeError, ValueError) and issubclass(bp.LabelError, ValueError)
    assert issubclass(bp.InputTypeError, TypeError)
    assert issubclass(bp.TrainingDivergedError, RuntimeError)
