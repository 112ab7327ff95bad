"""Activation functions a = f(z), their derivatives f'(z), and the same as layers.

Each function works elementwise on an array ``z`` of any shape and returns an array of the same
shape. The backward step of an activation layer is the chain rule with an elementwise
derivative (Lesson 03, eq. 3.6):  dZ = dA ⊙ f'(Z).
"""

import numpy as np

from .errors import as_float_array
from .layer import Layer


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z| (Lesson 01, eq. 1.3)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # never overflows: the exponent is ≤ 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """σ'(z) = σ(z) (1 − σ(z)); largest (0.25) at z = 0, vanishing for large |z|."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z), with outputs in (−1, 1)."""
    return np.tanh(z)


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)²; largest (1) at z = 0."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0.0)


def relu_derivative(z):
    """ReLU'(z) = 1 where z > 0, else 0 (we take 0 at the kink z = 0)."""
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha·z. Its gradient is never exactly zero."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=0.01):
    """1 where z > 0, else alpha."""
    return np.where(np.asarray(z) > 0, 1.0, alpha)


def identity(z):
    """f(z) = z: the 'no activation' of a regression output layer."""
    return np.asarray(z, dtype=float)


def identity_derivative(z):
    """f'(z) = 1."""
    return np.ones_like(np.asarray(z, dtype=float))


#: name -> (f, f'), for explorers and menus that let a learner pick an activation.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "identity": (identity, identity_derivative),
}


class Activation(Layer):
    """An elementwise activation as a layer: forward a = f(z), backward dZ = dA ⊙ f'(z)."""

    function = staticmethod(identity)
    derivative = staticmethod(identity_derivative)

    def forward(self, Z):
        """Z: (N, M) pre-activations.  Returns: A = f(Z), (N, M).  Keeps Z and A."""
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

    def backward(self, dA):
        """Same as Activation.backward, using the kept output: σ'(z) = a (1 − a)."""
        dA = self._check_dout(dA)
        return dA * self.A * (1.0 - self.A)


class Tanh(Activation):
    function = staticmethod(tanh)
    derivative = staticmethod(tanh_derivative)

    def backward(self, dA):
        """Same as Activation.backward, using the kept output: tanh'(z) = 1 − a²."""
        dA = self._check_dout(dA)
        return dA * (1.0 - self.A * self.A)


class ReLU(Activation):
    function = staticmethod(relu)
    derivative = staticmethod(relu_derivative)

    def backward(self, dA):
        """Same as Activation.backward: the gradient passes where z > 0 and stops elsewhere."""
        dA = self._check_dout(dA)
        return dA * (self.Z > 0)


class LeakyReLU(Activation):
    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = alpha

    def function(self, z):
        return leaky_relu(z, self.alpha)

    def derivative(self, z):
        return leaky_relu_derivative(z, self.alpha)


class Identity(Activation):
    pass


def activation_layer(name):
    """Return a new activation layer from its name ("relu", "tanh", "sigmoid", ...)."""
    layers = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
              "identity": Identity}
    try:
        return layers[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(layers)}.") from None
