"""Every public function × every kind of bad argument: a named error, never a silent wrong answer.

Each case calls one public function with one argument replaced by a variant of a kind (NaN,
empty, wrong shape, wrong dtype, a string, a bad hyperparameter...). The expected outcome is one of
  error    – a BackpropError whose message names the argument (and is a sentence, not a code);
  same     – a valid input of another common type: the result equals the result for the
             equivalent float64 input (``close``: the same to float32 precision);
  ok       – valid, with a different but legitimate result (e.g. one more column of data);
  nonfinite – arithmetic that passes NaN/inf through, as numpy does: the result shows it.
A case that returns when an error was expected, or returns a different result, is a silent wrong
answer; an exception that is not a BackpropError is a raw error. Both fail.

    python3 tests/test_bad_input_battery.py     prints the counts of cases by outcome.
"""

import types
from dataclasses import dataclass, field

import numpy as np
import pytest

import backproplib as bp
from backproplib.gradcheck import GradCheckReport
from backproplib.progress import Progress
from backproplib.scalar import Value, value_array

RNG = np.random.default_rng(0)
X6 = RNG.normal(size=(6, 3))                 # 6 examples, 3 features
Y6 = RNG.normal(size=(6, 2))                 # regression targets
LABELS6 = np.array([0, 1, 2, 0, 1, 2])       # 3 classes
BINARY6 = np.array([0, 1, 1, 0, 1, 0])
P6 = 1 / (1 + np.exp(-RNG.normal(size=(6, 1))))
SEQ = RNG.normal(size=(6, 5, 3))             # 6 sequences of 5 steps with 3 features


# ---------------------------------------------------------------------------- kinds of variants

@dataclass
class Variant:
    name: str
    make: object            # good value -> bad value
    expect: str = "error"
    equivalent: object = None  # good value -> the float64 input that should give the same result


def _with(value):
    def make(A):
        A = np.array(A, dtype=float, copy=True)
        A.flat[A.size // 2] = value
        return A
    return make


def _pandas_frame(A):
    pd = pytest.importorskip("pandas")
    if np.ndim(A) > 2:
        pytest.skip("pandas holds tables (2-D) and columns (1-D) only")
    return pd.DataFrame(A) if np.ndim(A) == 2 else pd.Series(A)


NOT_NUMBERS = [
    Variant("string", lambda A: "data"),
    Variant("None", lambda A: None),
    Variant("dict", lambda A: {"A": A}),
    Variant("object dtype", lambda A: np.asarray(A).astype(object)),
    Variant("complex", lambda A: np.asarray(A) + 1j),
    Variant("ragged list", lambda A: [[1.0, 2.0], [3.0]]),
]
OTHER_TYPES = [
    Variant("list", lambda A: np.asarray(A).tolist(), "same", lambda A: A),
    Variant("int", lambda A: np.round(A).astype(int), "same", lambda A: np.round(A).astype(float)),
    Variant("bool", lambda A: np.asarray(A) > 0, "same", lambda A: (np.asarray(A) > 0).astype(float)),
    Variant("float32", lambda A: np.asarray(A, np.float32), "close",
            lambda A: np.asarray(A, np.float32).astype(float)),
    Variant("pandas", _pandas_frame, "same", lambda A: A),
]
DATA = [  # a 2-D array (N, D) of data
    Variant("NaN", _with(np.nan)),
    Variant("inf", _with(np.inf)),
    Variant("empty", lambda A: np.asarray(A)[:0]),
    Variant("extra column", lambda A: np.hstack([A, A[:, :1]])),
    Variant("1-D", lambda A: np.asarray(A)[0]),
    Variant("3-D", lambda A: np.asarray(A)[None]),
    Variant("scalar", lambda A: 1.5),
    *NOT_NUMBERS, *OTHER_TYPES,
]
ELEMENTWISE = [  # an array of any shape, computed on entry by entry
    Variant("NaN", _with(np.nan), "nonfinite"),
    Variant("inf", _with(np.inf), "ok"),
    Variant("empty", lambda A: np.asarray(A)[:0], "same", lambda A: np.asarray(A)[:0]),
    Variant("1-D", lambda A: np.asarray(A)[0], "same", lambda A: np.asarray(A)[0]),
    Variant("scalar", lambda A: 1.5, "same", lambda A: np.array(1.5)),
    Variant("numpy scalar", lambda A: np.float32(1.5), "close", lambda A: np.array(1.5)),
    *NOT_NUMBERS, *OTHER_TYPES,
]
LABELS = [  # (N,) integer class labels
    Variant("NaN", _with(np.nan)),
    Variant("inf", _with(np.inf)),
    Variant("fraction", _with(0.5)),
    Variant("negative", _with(-1)),
    Variant("too large", _with(7)),
    Variant("wrong length", lambda y: np.asarray(y)[:-1]),
    Variant("2-D", lambda y: np.stack([y, y], axis=1)),
    Variant("scalar", lambda y: 1),
    *NOT_NUMBERS,
    Variant("list", lambda y: list(y), "same", lambda y: y),
    Variant("whole floats", lambda y: np.asarray(y, float), "same", lambda y: y),
    Variant("int32", lambda y: np.asarray(y, np.int32), "same", lambda y: y),
    Variant("uint8", lambda y: np.asarray(y, np.uint8), "same", lambda y: y),
    Variant("column (N, 1)", lambda y: np.asarray(y).reshape(-1, 1), "same", lambda y: y),
    Variant("pandas", _pandas_frame, "same", lambda y: y),
]
BAD_NUMBERS = [
    Variant("NaN", lambda v: float("nan")), Variant("inf", lambda v: float("inf")),
    Variant("bool", lambda v: True), Variant("string", lambda v: str(v)),
    Variant("None", lambda v: None), Variant("list", lambda v: [v]),
    Variant("complex", lambda v: complex(v, 1)), Variant("array", lambda v: np.array([v, v])),
]
POSITIVE = [  # a real number > 0
    Variant("zero", lambda v: 0), Variant("negative", lambda v: -v), *BAD_NUMBERS,
    Variant("numpy float32", lambda v: np.float32(v), "same", lambda v: float(np.float32(v))),
    Variant("numpy float64", lambda v: np.float64(v), "same", lambda v: v),
]
NON_NEGATIVE = [  # a real number ≥ 0
    Variant("negative", lambda v: -0.1), *BAD_NUMBERS,
    Variant("zero int", lambda v: 0, "same", lambda v: 0.0),
    Variant("numpy float32", lambda v: np.float32(v), "same", lambda v: float(np.float32(v))),
]
FRACTION = [  # a real number in [0, 1)
    Variant("negative", lambda v: -0.1), Variant("one", lambda v: 1.0), Variant("above one", lambda v: 1.5),
    *BAD_NUMBERS,
    Variant("numpy float32", lambda v: np.float32(v), "same", lambda v: float(np.float32(v))),
]
OPEN_FRACTION = [  # a real number in (0, 1)
    Variant("zero", lambda v: 0.0), Variant("one", lambda v: 1), Variant("negative", lambda v: -0.5),
    *BAD_NUMBERS,
    Variant("numpy float32", lambda v: np.float32(v), "same", lambda v: float(np.float32(v))),
]
COUNT = [  # a whole number ≥ 1
    Variant("zero", lambda v: 0), Variant("negative", lambda v: -v), Variant("fraction", lambda v: v + 0.5),
    *BAD_NUMBERS,
    Variant("numpy int", lambda v: np.int64(v), "same", lambda v: v),
    Variant("whole float", lambda v: float(v), "same", lambda v: v),
]
SEED = [
    Variant("negative", lambda s: -1), Variant("fraction", lambda s: 0.5), Variant("bool", lambda s: True),
    Variant("string", lambda s: "0"), Variant("None", lambda s: None), Variant("list", lambda s: [0]),
    Variant("numpy int", lambda s: np.int64(s), "same", lambda s: s),
    Variant("Generator", lambda s: np.random.default_rng(s), "same", lambda s: s),
]
FLAG = [
    Variant("string", lambda f: "yes"), Variant("int", lambda f: 1), Variant("None", lambda f: None),
    Variant("numpy bool", lambda f: np.bool_(f), "same", lambda f: f),
]
ACTIVATION_NAME = [
    Variant("unknown", lambda n: "relu6"), Variant("capitalised", lambda n: "ReLU"),
    Variant("number", lambda n: 3), Variant("class", lambda n: bp.ReLU), Variant("None", lambda n: None),
]
INIT_NAME = [Variant("unknown", lambda n: "glorot"), Variant("number", lambda n: 1),
             Variant("None", lambda n: None)]
DTYPE = [
    Variant("int", lambda d: int), Variant("np.int32", lambda d: np.int32), Variant("bool", lambda d: bool),
    Variant("object", lambda d: object), Variant("nonsense", lambda d: "banana"),
    Variant("complex", lambda d: np.complex128),
    Variant("string float64", lambda d: "float64", "same", lambda d: d),
    Variant("float32", lambda d: np.float32, "ok"),
]
NETWORK = [
    Variant("None", lambda n: None), Variant("string", lambda n: "net"),
    Variant("a layer", lambda n: bp.Dense(3, 3, rng=0)), Variant("list of layers", lambda n: n.layers),
]
LOSS = [
    Variant("class", lambda loss: type(loss)), Variant("function", lambda loss: bp.mse),
    Variant("string", lambda loss: "mse"), Variant("None", lambda loss: None),
]
OPTIMIZER = [
    Variant("string", lambda o: "sgd"), Variant("class", lambda o: bp.SGD), Variant("number", lambda o: 0.1),
]
VALIDATION = [
    Variant("array only", lambda v: v[0]), Variant("one-tuple", lambda v: (v[0],)),
    Variant("triple", lambda v: (*v, v[1])), Variant("wrong columns", lambda v: (v[0][:, :2], v[1])),
    Variant("wrong length", lambda v: (v[0], v[1][:-1])),
    Variant("NaN", lambda v: (_with(np.nan)(v[0]), v[1])),
    Variant("bad labels", lambda v: (v[0], np.full(len(v[1]), 9))), Variant("string", lambda v: "val"),
    Variant("list pair", lambda v: list(v), "same", lambda v: v),
]
CALLBACK = [Variant("number", lambda c: 3), Variant("string", lambda c: "print"),
            Variant("function", lambda c: (lambda epoch, history: None), "same", lambda c: None)]
LAYERS = [
    Variant("empty", lambda ls: []), Variant("None", lambda ls: None), Variant("string", lambda ls: "dense"),
    Variant("class in list", lambda ls: [bp.Dense, bp.ReLU]), Variant("a layer", lambda ls: ls[0]),
    Variant("tuple", lambda ls: tuple(ls), "same", lambda ls: ls),
]
SIZES = [
    Variant("one size", lambda s: [3]), Variant("empty", lambda s: []), Variant("zero", lambda s: [3, 0]),
    Variant("negative", lambda s: [3, -2]), Variant("fraction", lambda s: [3, 2.5]),
    Variant("string", lambda s: "3,2"), Variant("number", lambda s: 3), Variant("None", lambda s: None),
    Variant("bool", lambda s: [3, True]),
    Variant("tuple", lambda s: tuple(s), "same", lambda s: s),
    Variant("numpy array", lambda s: np.array(s), "same", lambda s: s),
]
FUNCTION = [Variant("None", lambda f: None), Variant("number", lambda f: 3),
            Variant("returns an array", lambda f: (lambda: np.ones(3))),
            Variant("returns a string", lambda f: (lambda: "loss"))]
FLOAT_ARRAY = [  # an array nudged in place: must be a float ndarray
    Variant("int array", lambda x: np.round(x).astype(int)), Variant("list", lambda x: x.tolist()),
    Variant("python float", lambda x: 1.5), *NOT_NUMBERS[:2],
]
NUMBER = [  # a single real number
    Variant("NaN", lambda v: float("nan")), Variant("inf", lambda v: float("inf")),
    Variant("bool", lambda v: True), Variant("string", lambda v: "1.5"), Variant("None", lambda v: None),
    Variant("complex", lambda v: 1j), Variant("array", lambda v: np.array([v])),
    Variant("numpy float32", lambda v: np.float32(v), "same", lambda v: float(np.float32(v))),
    Variant("numpy int", lambda v: np.int64(2), "same", lambda v: 2.0),
]


# ---------------------------------------------------------------------------- the public functions

@dataclass
class Spec:
    name: str
    call: object            # called with keyword arguments
    good: object            # () -> dict of good keyword arguments (fresh objects every time)
    args: dict              # argument name -> list of Variants
    overrides: dict = field(default_factory=dict)   # (argument, variant) -> expected outcome
    mentions: dict = field(default_factory=dict)    # argument -> words one of which the error names


def _net(seed=0, sizes=(3, 4, 3)):
    return bp.mlp(list(sizes), activation="tanh", seed=seed)


def _dense_backward(dZ):
    layer = bp.Dense(3, 2, rng=0)
    layer.forward(X6)
    return layer.backward(dZ), layer.dW


def _network_backward(dout):
    net = _net()
    net.forward(X6)
    return net.backward(dout), [g for _, g in net.gradients()]


def _layer_backward(dA):
    layer = bp.Tanh()
    layer.forward(Y6)
    return layer.backward(dA)


def _standardizer_transform(X):
    return bp.Standardizer().fit(X6).transform(X)


def _sgd_step(network):
    bp.SGD(lr=0.1).step(network)
    return network


def _numgrad(f, x, h):
    return bp.numerical_gradient(f, x, h)


X_NUDGED = RNG.normal(size=(2, 3))
ELEMENTWISE_FUNCTIONS = ["sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu",
                         "relu_derivative", "identity", "identity_derivative"]
LOSS_OVERRIDES = {("Y_hat", "NaN"): "nonfinite", ("Y_hat", "inf"): "nonfinite",
                  ("Y_hat", "bool"): "same"}

SPECS = [
    # f'(z) = 1 for the identity whatever z is; ReLU's slope is 1 only where z > 0, which NaN is
    # not (relu(NaN) itself is NaN, so the NaN stays visible in the forward pass and the loss)
    *[Spec(name, getattr(bp, name), lambda: {"z": Y6}, {"z": ELEMENTWISE},
           {("z", "NaN"): "ok"} if name in ("identity_derivative", "relu_derivative") else {})
      for name in ELEMENTWISE_FUNCTIONS],
    *[Spec(name, getattr(bp, name), lambda: {"z": Y6, "alpha": 0.25}, {"z": ELEMENTWISE, "alpha": FRACTION})
      for name in ("leaky_relu", "leaky_relu_derivative")],
    Spec("regression_curve_truth", bp.regression_curve_truth, lambda: {"x": Y6}, {"x": ELEMENTWISE}),
    *[Spec(name, getattr(bp, name), lambda: {"Z": Y6}, {"Z": DATA},
           {("Z", "NaN"): "nonfinite", ("Z", "inf"): "nonfinite", ("Z", "empty"): "ok",
            ("Z", "extra column"): "ok", ("Z", "1-D"): "ok", ("Z", "3-D"): "ok", ("Z", "bool"): "same"},
           {"Z": ("logits",)}) for name in ("softmax", "log_softmax")],
    Spec("one_hot", bp.one_hot, lambda: {"y": LABELS6, "num_classes": 3},
         {"y": LABELS, "num_classes": COUNT},
         {("y", "wrong length"): "ok", ("num_classes", "negative"): "error"}, {"y": ("labels",)}),
    *[Spec(name, fn, lambda: {"Y_hat": Y6, "Y": Y6 + 1}, {"Y_hat": DATA, "Y": DATA}, LOSS_OVERRIDES,
           {"Y_hat": ("predictions",), "Y": ("targets",)})
      for name, fn in (("mse", bp.mse), ("mse_gradient", bp.mse_gradient),
                       ("MSE.forward", lambda Y_hat, Y: bp.MSE().forward(Y_hat, Y)))],
    Spec("binary_cross_entropy", lambda P, Y: bp.binary_cross_entropy(P, Y), lambda: {"P": P6, "Y": BINARY6},
         {"P": DATA, "Y": LABELS}, {("P", "NaN"): "nonfinite", ("P", "1-D"): "error", ("P", "bool"): "same",
                                    ("Y", "fraction"): "ok", ("P", "int"): "same"},
         {"P": ("predictions",), "Y": ("targets",)}),
    Spec("BinaryCrossEntropy.forward", lambda Y_hat, Y: bp.BinaryCrossEntropy().forward(Y_hat, Y),
         lambda: {"Y_hat": P6 - 0.5, "Y": BINARY6}, {"Y_hat": DATA, "Y": LABELS},
         {**LOSS_OVERRIDES, ("Y", "fraction"): "ok"}, {"Y_hat": ("predictions",), "Y": ("targets",)}),
    Spec("BinaryCrossEntropy", bp.BinaryCrossEntropy, lambda: {"from_logits": True}, {"from_logits": FLAG}),
    *[Spec(name, fn, lambda: {"Z": Y6 @ np.ones((2, 3)) + X6, "y": LABELS6}, {"Z": DATA, "y": LABELS},
           {("Z", "NaN"): "nonfinite", ("Z", "inf"): "nonfinite", ("Z", "extra column"): "ok",
            ("Z", "bool"): "same"}, {"Z": ("logits",), "y": ("labels", "targets")})
      for name, fn in (("cross_entropy", bp.cross_entropy),
                       ("SoftmaxCrossEntropy.forward", lambda Z, y: bp.SoftmaxCrossEntropy().forward(Z, y)))],
    Spec("Dense", bp.Dense, lambda: {"n_in": 3, "n_out": 2, "init": "normal", "rng": 0, "scale": 0.5,
                                     "dtype": np.float64},
         {"n_in": COUNT, "n_out": COUNT, "init": INIT_NAME, "rng": SEED, "scale": POSITIVE, "dtype": DTYPE},
         {("rng", "None"): "ok"}, {"init": ("initialisation",)}),
    Spec("init_weights", bp.init_weights, lambda: {"n_in": 3, "n_out": 2, "scheme": "he", "rng": 0},
         {"n_in": COUNT, "n_out": COUNT, "scheme": INIT_NAME, "rng": SEED}, {("rng", "None"): "ok"},
         {"scheme": ("initialisation",)}),
    Spec("Dense.forward", lambda X: bp.Dense(3, 2, rng=0).forward(X), lambda: {"X": X6}, {"X": DATA},
         {("X", "NaN"): "nonfinite", ("X", "inf"): "nonfinite", ("X", "empty"): "ok"},
         {"X": ("input of", "dense")}),
    Spec("Dense.backward", _dense_backward, lambda: {"dZ": Y6}, {"dZ": DATA},
         {("dZ", "NaN"): "nonfinite", ("dZ", "inf"): "nonfinite"}, {"dZ": ("dout",)}),
    Spec("Tanh.forward", lambda Z: bp.Tanh().forward(Z), lambda: {"Z": Y6}, {"Z": ELEMENTWISE},
         mentions={"Z": ("input of",)}),
    Spec("Tanh.backward", _layer_backward, lambda: {"dA": Y6}, {"dA": DATA},
         {("dA", "NaN"): "nonfinite", ("dA", "inf"): "nonfinite"}, {"dA": ("dout",)}),
    Spec("LeakyReLU", bp.LeakyReLU, lambda: {"alpha": 0.1}, {"alpha": FRACTION}),
    Spec("Network", bp.Network, lambda: {"layers": [bp.Dense(3, 2, rng=0), bp.Tanh()]}, {"layers": LAYERS},
         mentions={"layers": ("Network",)}),
    Spec("Network.forward", lambda X: _net().forward(X), lambda: {"X": X6}, {"X": DATA},
         {("X", "NaN"): "nonfinite", ("X", "inf"): "ok", ("X", "empty"): "ok"},
         {"X": ("input of", "dense")}),
    Spec("Network.backward", _network_backward, lambda: {"dout": X6}, {"dout": DATA},
         {("dout", "NaN"): "nonfinite", ("dout", "inf"): "nonfinite"}),
    Spec("mlp", bp.mlp, lambda: {"sizes": [3, 4, 2], "activation": "relu", "init": "he", "seed": 0,
                                 "output_activation": "sigmoid", "dtype": np.float64},
         {"sizes": SIZES, "activation": ACTIVATION_NAME, "init": INIT_NAME, "seed": SEED,
          "output_activation": ACTIVATION_NAME, "dtype": DTYPE}, {("output_activation", "None"): "ok"},
         {"sizes": ("size",), "init": ("initialisation",), "output_activation": ("activation",)}),
    Spec("SGD", bp.SGD, lambda: {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.01},
         {"lr": POSITIVE, "momentum": FRACTION, "weight_decay": NON_NEGATIVE}, {},
         {"lr": ("learning rate",)}),
    Spec("SGD.step", _sgd_step, lambda: {"network": _net()}, {"network": NETWORK}),
    Spec("train", bp.train,
         lambda: {"network": _net(), "loss": bp.SoftmaxCrossEntropy(), "X": X6, "Y": LABELS6, "epochs": 2,
                  "lr": 0.1, "momentum": 0.5, "weight_decay": 0.01, "batch_size": 4, "seed": 0,
                  "validation": (X6[:4], LABELS6[:4]), "track_grad_norms": True, "progress": False,
                  "callback": None},
         {"network": NETWORK, "loss": LOSS, "X": DATA, "Y": LABELS, "epochs": COUNT, "lr": POSITIVE,
          "momentum": FRACTION, "weight_decay": NON_NEGATIVE, "batch_size": COUNT, "seed": SEED,
          "validation": VALIDATION, "track_grad_norms": FLAG, "progress": FLAG, "callback": CALLBACK},
         {("progress", "numpy bool"): "ok"},
         {"lr": ("learning rate",), "X": ("training data",), "Y": ("labels", "targets", "training data")}),
    Spec("train(optimizer=)", bp.train,
         lambda: {"network": _net(), "loss": bp.SoftmaxCrossEntropy(), "X": X6, "Y": LABELS6, "epochs": 1,
                  "optimizer": bp.SGD(lr=0.1)}, {"optimizer": OPTIMIZER}),
    Spec("train_step", bp.train_step,
         lambda: {"network": _net(), "loss": bp.SoftmaxCrossEntropy(), "X": X6, "Y": LABELS6,
                  "optimizer": bp.SGD(lr=0.1)}, {"X": DATA, "Y": LABELS},
         {("X", "empty"): "error"}, {"X": ("input of", "dense"), "Y": ("labels", "targets")}),
    Spec("iterate_minibatches", lambda **kw: list(bp.iterate_minibatches(**kw)),
         lambda: {"X": X6, "Y": LABELS6, "batch_size": 4, "rng": 0, "shuffle": True},
         {"X": DATA, "batch_size": COUNT, "rng": SEED, "shuffle": FLAG},
         {("X", "NaN"): "same", ("X", "inf"): "same", ("X", "extra column"): "ok", ("X", "3-D"): "error",
          ("X", "1-D"): "error", ("rng", "None"): "ok"}),
    Spec("accuracy", bp.accuracy, lambda: {"Y_hat": X6, "y": LABELS6}, {"Y_hat": DATA, "y": LABELS},
         {("Y_hat", "extra column"): "ok"}, {"Y_hat": ("scores",), "y": ("labels",)}),
    Spec("numerical_gradient", _numgrad,
         lambda: {"f": lambda: float(np.sum(X_NUDGED ** 3)), "x": X_NUDGED, "h": 1e-5},
         {"f": FUNCTION, "x": FLOAT_ARRAY, "h": [*POSITIVE, Variant("too small", lambda h: 1e-300)]},
         {("x", "None"): "error"}, {"f": ("f",)}),
    Spec("relative_error", bp.relative_error, lambda: {"a": Y6, "b": Y6 + 1e-3}, {"a": DATA, "b": DATA},
         {**{(arg, kind): "nonfinite" for arg in "ab" for kind in ("NaN", "inf")},
          ("a", "empty"): "error", ("b", "empty"): "error",
          ("a", "scalar"): "error", ("b", "scalar"): "error",
          ("a", "bool"): "ok", ("b", "bool"): "ok"}, {"a": ("shapes", "relative_error"),
                                                      "b": ("shapes", "relative_error")}),
    Spec("check_network_gradients", bp.check_network_gradients,
         lambda: {"network": _net(), "loss": bp.SoftmaxCrossEntropy(), "X": X6, "Y": LABELS6, "h": 1e-5,
                  "tolerance": 1e-6, "check_input": True},
         {"network": NETWORK, "loss": LOSS, "X": DATA, "Y": LABELS, "h": POSITIVE, "tolerance": POSITIVE,
          "check_input": FLAG}, {("X", "float32"): "ok", ("X", "int"): "ok", ("X", "bool"): "ok"},
         {"X": ("input of",), "Y": ("labels", "targets")}),
    Spec("make_spirals", bp.make_spirals, lambda: {"n_per_class": 5, "n_classes": 3, "noise": 0.2, "seed": 0},
         {"n_per_class": COUNT, "n_classes": COUNT, "noise": NON_NEGATIVE, "seed": SEED}),
    Spec("make_moons", bp.make_moons, lambda: {"n": 10, "noise": 0.1, "seed": 0},
         {"n": COUNT, "noise": NON_NEGATIVE, "seed": SEED}),
    Spec("make_circles", bp.make_circles, lambda: {"n": 10, "noise": 0.1, "factor": 0.5, "seed": 0},
         {"n": COUNT, "noise": NON_NEGATIVE, "factor": OPEN_FRACTION, "seed": SEED}),
    Spec("make_regression_curve", bp.make_regression_curve, lambda: {"n": 10, "noise": 0.1, "seed": 0},
         {"n": COUNT, "noise": NON_NEGATIVE, "seed": SEED}),
    Spec("load_digits", bp.load_digits, lambda: {"as_images": False}, {"as_images": FLAG}),
    Spec("train_test_split", bp.train_test_split,
         lambda: {"X": X6, "y": LABELS6, "test_fraction": 0.5, "seed": 0, "stratify": True},
         {"X": DATA, "y": LABELS, "test_fraction": OPEN_FRACTION, "seed": SEED, "stratify": FLAG},
         # float labels are not stratified (they may be regression targets): a different split
         {("X", "extra column"): "ok", ("X", "3-D"): "error", ("X", "1-D"): "error", ("X", "empty"): "error",
          ("y", "whole floats"): "ok",
          ("y", "fraction"): "ok", ("y", "negative"): "ok", ("y", "too large"): "ok", ("y", "2-D"): "ok",
          ("y", "column (N, 1)"): "ok"}),
    Spec("standardize", bp.standardize, lambda: {"X_train": X6}, {"X_train": DATA},
         {("X_train", "extra column"): "ok", ("X_train", "1-D"): "ok", ("X_train", "3-D"): "ok",
          ("X_train", "bool"): "ok", ("X_train", "int"): "ok"}, {"X_train": ("X",)}),
    Spec("Standardizer.transform", _standardizer_transform, lambda: {"X": X6}, {"X": DATA},
         {("X", "1-D"): "error", ("X", "3-D"): "error"}),
    Spec("Value", Value, lambda: {"data": 1.5}, {"data": NUMBER}),
    Spec("Value.__mul__", lambda other: Value(1.5) * other, lambda: {"other": 2.0}, {"other": NUMBER},
         mentions={"other": ("Value",)}),
    Spec("value_array", value_array, lambda: {"A": Y6}, {"A": ELEMENTWISE},
         {("A", "NaN"): "error", ("A", "inf"): "error"}, {"A": ("Value", "A")}),
    Spec("Recurrent", bp.Recurrent, lambda: {"n_in": 3, "n_hidden": 4, "truncate": 2, "rng": 0,
                                             "recurrent_scale": 0.9, "dtype": np.float64},
         {"n_in": COUNT, "n_hidden": COUNT, "truncate": COUNT, "rng": SEED, "recurrent_scale": POSITIVE,
          "dtype": DTYPE},
         {("rng", "None"): "ok", ("truncate", "None"): "ok", ("recurrent_scale", "None"): "ok"}),
    Spec("Recurrent.forward", lambda X: bp.Recurrent(3, 4, rng=0).forward(X), lambda: {"X": SEQ},
         {"X": DATA}, {("X", "extra column"): "ok"}, {"X": ("input of", "recurrent")}),
    Spec("Recurrent.forward(h0=)", lambda h0: bp.Recurrent(3, 4, rng=0).forward(SEQ, h0),
         lambda: {"h0": SEQ[:, 0, :].repeat(2, axis=1)[:, :4]}, {"h0": DATA}, {("h0", "None"): "ok"}),
    Spec("LastStep.forward", lambda H: bp.LastStep().forward(H), lambda: {"H": SEQ}, {"H": DATA},
         {("H", "NaN"): "ok", ("H", "inf"): "ok", ("H", "extra column"): "ok", ("H", "empty"): "ok"},
         {"H": ("input of", "laststep")}),
    Spec("PerStep", lambda layer: bp.PerStep(layer).forward(SEQ), lambda: {"layer": bp.Dense(3, 2, rng=0)},
         {"layer": NETWORK[:3]}, {("layer", "a layer"): "ok"}),
    Spec("clip_grad_norm", lambda grads, max_norm: bp.clip_grad_norm(grads, max_norm),
         lambda: {"grads": [np.ones((2, 2)), np.ones(3)], "max_norm": 1.0},
         {"grads": [Variant("None", lambda g: None), Variant("string", lambda g: "grads"),
                    Variant("NaN gradient", lambda g: [np.full((2, 2), np.nan)], "nonfinite")],
          "max_norm": POSITIVE}, mentions={"grads": ("gradient",)}),
    Spec("Progress", lambda total: Progress(total, "x", stream=open("/dev/null", "w")), lambda: {"total": 5},
         {"total": COUNT}),
]


# ---------------------------------------------------------------------------- running a case

@dataclass
class Case:
    id: str
    spec: Spec
    arg: str
    variant: Variant
    expect: str


def cases():
    out = []
    for spec in SPECS:
        for arg, variants in spec.args.items():
            for variant in variants:
                expect = spec.overrides.get((arg, variant.name), variant.expect)
                out.append(Case(f"{spec.name}-{arg}-{variant.name}", spec, arg, variant, expect))
    return out


def canon(result):
    """A result as nested lists of float arrays, to compare two results."""
    if isinstance(result, types.GeneratorType | list | tuple):
        return [canon(r) for r in result]
    if isinstance(result, np.ndarray) and result.dtype == object:
        return canon(result.tolist())
    if isinstance(result, bp.History):
        return canon([result.loss, result.accuracy, result.val_loss, result.val_accuracy])
    if isinstance(result, bp.Network):
        return canon([p for _, p in result.parameters()])
    if isinstance(result, bp.Dense):
        return canon(list(result.params.values()))
    if isinstance(result, GradCheckReport):
        return [float(result.passed)]
    if isinstance(result, bp.SGD):
        return canon([result.lr, result.momentum, result.weight_decay])
    if isinstance(result, Value):
        return canon(result.data)
    if isinstance(result, Progress):
        return canon([result.total, result.label])
    if isinstance(result, (bp.Layer, bp.BinaryCrossEntropy)):
        return canon(sorted(f"{k}={v}" for k, v in vars(result).items() if isinstance(v, (int, float, str))))
    return np.asarray(result, dtype=float if not isinstance(result, str) else object)


def same(a, b, rtol):
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and \
            all(same(x, y, rtol) for x, y in zip(a, b))
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object or b.dtype == object:
        return a.shape == b.shape and bool(np.all(a == b))
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=rtol * 1e-3, equal_nan=True)


def has_nonfinite(result):
    c = canon(result)
    flat = c if isinstance(c, list) else [c]
    return any(has_nonfinite(x) if isinstance(x, list) else not np.all(np.isfinite(x)) for x in flat)


def outcome(case):
    """Run ``case``; return (outcome, detail): outcome is "named error", "valid", "nonfinite",
    "silent" (returned where an error was expected, or a different result) or "raw error"."""
    kwargs = case.spec.good()
    kwargs[case.arg] = case.variant.make(kwargs[case.arg])
    try:
        result = case.spec.call(**kwargs)
    except bp.BackpropError as err:
        if case.expect != "error":
            return "raw error", f"{type(err).__name__} for a valid input: {err}"
        words = (case.arg, *case.spec.mentions.get(case.arg, ()))
        message = str(err)
        if len(message) < 40 or not any(w in message for w in words):
            return "vague error", f"{message!r} names none of {words}"
        return "named error", message
    except pytest.skip.Exception:
        raise
    except Exception as err:  # noqa: BLE001 - any other exception is what this battery looks for
        return "raw error", f"{type(err).__name__}: {err}"
    if case.expect == "error":
        return "silent", f"returned {result!r:.200}"
    if case.expect == "nonfinite":
        return ("nonfinite", "") if has_nonfinite(result) else ("silent", "NaN or inf disappeared")
    if case.expect == "ok":
        return "valid", ""
    reference_kwargs = case.spec.good()
    equivalent = case.variant.equivalent or case.variant.make  # an input that is valid as it is
    reference_kwargs[case.arg] = equivalent(reference_kwargs[case.arg])
    reference = case.spec.call(**reference_kwargs)
    rtol = 1e-4 if case.expect == "close" else 1e-12
    if not same(canon(result), canon(reference), rtol):
        return "silent", f"a different result: {result!r:.200} instead of {reference!r:.200}"
    return "valid", ""


CASES = cases()


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_argument_gets_a_named_error_never_a_silent_answer(case):
    result, detail = outcome(case)
    wanted = {"error": "named error", "nonfinite": "nonfinite"}.get(case.expect, "valid")
    assert result == wanted, f"{case.id}: expected {case.expect}, got {result}: {detail}"


def test_every_public_function_is_in_the_battery():
    covered = {spec.name.split(".")[0].split("(")[0] for spec in SPECS}
    functions = {name for name in dir(bp) if not name.startswith("_") and callable(getattr(bp, name))
                 and not (isinstance(getattr(bp, name), type) and issubclass(getattr(bp, name), Exception))}
    not_covered = functions - covered - {
        "Layer", "Activation", "Identity", "ReLU", "Sigmoid", "Tanh",   # Tanh stands for the layers
        "History", "load_xor", "Standardizer",                          # no arguments / via standardize
    }
    assert not not_covered, f"public functions without battery cases: {sorted(not_covered)}"


if __name__ == "__main__":
    import collections
    import warnings

    warnings.simplefilter("ignore")
    counts, failures = collections.Counter(), []
    for case in CASES:
        try:
            result, detail = outcome(case)
        except pytest.skip.Exception:
            result, detail = "skipped", ""
        except Exception as err:  # noqa: BLE001
            result, detail = "raw error", f"in the reference call: {type(err).__name__}: {err}"
        counts[result] += 1
        if result in ("silent", "raw error", "vague error"):
            failures.append(f"{case.id}: {result}: {detail}")
    print(f"{len(CASES)} cases over {len(SPECS)} functions: " +
          ", ".join(f"{n} {k}" for k, n in counts.most_common()))
    print("\n".join(failures))
