"""Activation functions a = f(z), their derivatives f'(z), and the same as layers.

Each function works elementwise on an array ``z`` of any shape (lists and numbers too) and
returns a float array of the same shape; NaN stays NaN. ``ACTIVATIONS`` is the one registry:
name -> layer class, each class carrying its ``function`` f and ``derivative`` f'. Every
activation layer has the same backward step, the chain rule with an elementwise derivative
(Lesson 03, eq. 3.6):  dZ = dA ⊙ f'(Z).
"""

from functools import partial

import numpy as np

from .errors import as_float_array, check_choice, check_number
from .layer import Layer


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z| (Lesson 01, eq. 1.3)."""
    z = as_float_array(z, "z", np.float64)
    e = np.exp(-np.abs(z))  # never overflows: the exponent is ≤ 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """σ'(z) = σ(z) (1 − σ(z)); largest (0.25) at z = 0, vanishing for large |z|."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z), with outputs in (−1, 1)."""
    return np.tanh(as_float_array(z, "z"))


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)²; largest (1) at z = 0."""
    return 1.0 - tanh(z) ** 2


def relu(z):
    """ReLU(z) = max(0, z)   (Lesson 01, eq. 1.4)."""
    return np.maximum(as_float_array(z, "z"), 0.0)


def relu_derivative(z):
    """ReLU'(z) = 1 where z > 0, else 0 (we take 0 at the kink z = 0, and for NaN)."""
    return (as_float_array(z, "z") > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha·z (Lesson 01, eq. 1.4). Its slope is never zero."""
    z = as_float_array(z, "z", np.float64)
    return np.where(z > 0, z, _slope(alpha) * z)


def leaky_relu_derivative(z, alpha=0.01):
    """1 where z > 0, alpha where z ≤ 0; NaN stays NaN."""
    z = as_float_array(z, "z")
    return np.where(z > 0, 1.0, np.where(z <= 0, _slope(alpha), np.nan))


def _slope(alpha):
    """Leaky ReLU's slope for z ≤ 0: a number in [0, 1)."""
    return check_number(alpha, "alpha", low=0.0, high=1.0, high_open=True, hint=" 0.01 is usual.")


def identity(z):
    """f(z) = z: the 'no activation' of a regression output layer."""
    return as_float_array(z, "z", np.float64)


def identity_derivative(z):
    """f'(z) = 1."""
    return np.ones_like(as_float_array(z, "z"))


class Activation(Layer):
    """An elementwise activation as a layer: forward A = f(Z), backward dZ = dA ⊙ f'(Z).

    Subclasses only name their ``function`` f and ``derivative`` f'.
    """

    function = staticmethod(identity)
    derivative = staticmethod(identity_derivative)

    def forward(self, Z):
        """Z: (N, M) pre-activations.  Returns: A = f(Z), (N, M)  (Lesson 01, eq. 1.6).

        Keeps Z, which the backward step needs, and A, which plots of the activations read.
        """
        self.Z = as_float_array(Z, f"input of {self.name}")
        self.A = self.function(self.Z)
        self._out_shape = self.A.shape
        return self.A

    def backward(self, dA):
        """dA: (N, M) = ∂L/∂A.  Returns: dZ = dA ⊙ f'(Z), (N, M)   (Lesson 03, eq. 3.6)."""
        dA = self._check_dout(dA)
        return dA * self.derivative(self.Z)


class Sigmoid(Activation):
    function = staticmethod(sigmoid)
    derivative = staticmethod(sigmoid_derivative)


class Tanh(Activation):
    function = staticmethod(tanh)
    derivative = staticmethod(tanh_derivative)


class ReLU(Activation):
    function = staticmethod(relu)
    derivative = staticmethod(relu_derivative)


class LeakyReLU(Activation):
    """Leaky ReLU with slope ``alpha`` for z ≤ 0 (0.01 unless given)."""

    function = staticmethod(leaky_relu)
    derivative = staticmethod(leaky_relu_derivative)

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = _slope(alpha)
        self.function = partial(leaky_relu, alpha=self.alpha)
        self.derivative = partial(leaky_relu_derivative, alpha=self.alpha)


class Identity(Activation):
    pass


#: The one registry: name -> activation layer class. ``ACTIVATIONS["tanh"].function`` is f,
#: ``.derivative`` is f', ``ACTIVATIONS["tanh"]()`` a new layer.
ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
               "identity": Identity}


def activation_layer(name):
    """Return a new activation layer from its name ("relu", "tanh", "sigmoid", ...)."""
    return ACTIVATIONS[check_choice(name, ACTIVATIONS, "activation")]()
