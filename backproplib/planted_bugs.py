"""Networks with one bug planted in a backward pass, for practising gradient checking (Lesson 04).

Read this module only after you have located the bug with ``check_network_gradients``: the point
of the exercise is to find it from the checker's report, as you would in your own code.

    network_with_a_bug(which="activation")   Dense(3→5), Tanh, Dense(5→4), Tanh, Dense(4→2)
                                             with one wrong backward step; ``which`` picks the bug.
"""

import numpy as np

from . import activations
from .dense import Dense
from .errors import ConfigError
from .network import Network

BUGS = ("activation", "bias")


class Tanh(activations.Tanh):
    """tanh with the classic slip in its backward step: 1 − z² instead of 1 − tanh²(z)."""

    def backward(self, dA):
        dA = self._check_dout(dA)
        return dA * (1.0 - self.Z * self.Z)      # WRONG on purpose: should be 1 − A²


class DenseMeanBias(Dense):
    """A dense layer whose db averages over the batch instead of summing (eq. 3.9 says sum)."""

    def backward(self, dZ):
        dX = super().backward(dZ)
        self.grads["b"] -= dZ.sum(axis=0)
        self.grads["b"] += dZ.mean(axis=0)       # WRONG on purpose: should be the sum
        return dX


def network_with_a_bug(which="activation", seed=0):
    """A 3-layer tanh network (3 inputs, 2 outputs) with one bug in one backward step.

    which: "activation" (the second tanh's backward step is wrong) or "bias" (the last dense
    layer's db is wrong). Every layer keeps its usual name (dense1, tanh1, ...), so the name
    does not give the bug away.
    """
    if which not in BUGS:
        raise ConfigError(f"network_with_a_bug: which must be one of {BUGS}, got {which!r}.")
    rng = np.random.default_rng(seed)
    second_tanh = Tanh() if which == "activation" else activations.Tanh()
    last = (DenseMeanBias if which == "bias" else Dense)(4, 2, init="xavier", rng=rng)
    net = Network([Dense(3, 5, init="xavier", rng=rng), activations.Tanh(),
                   Dense(5, 4, init="xavier", rng=rng), second_tanh, last])
    for layer in net.layers:                     # non-zero biases, so a wrong db cannot hide
        if "b" in layer.params:
            layer.params["b"][:] = rng.normal(scale=0.3, size=layer.params["b"].shape)
    net.layers[4].name = "dense3"                # as a plain network would name it
    return net
