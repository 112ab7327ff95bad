"""Stochastic gradient descent, with optional momentum, weight decay and gradient clipping."""

import numpy as np

from .clipping import clip_grad_norm
from .errors import ConfigError, check_number, check_positive


class SGD:
    """Gradient descent step on every parameter of a network (Lesson 06, eqs. 6.1–6.2).

    Without momentum:  θ ← θ − η ∂L/∂θ.
    With momentum μ:   v ← μ v − η ∂L/∂θ;   θ ← θ + v   (v starts at zero).
    With weight decay λ, the weights (W, and a recurrent layer's Wx and Wh; not the biases b)
    are also pulled towards zero, as if the loss had the extra term (λ/2)‖W‖²:
    ∂L/∂W becomes ∂L/∂W + λ W   (Lesson 07, eq. 7.3).
    lr is η (> 0); momentum is μ, in [0, 1); weight_decay is λ ≥ 0.
    clip_norm: None, or c > 0 to clip the gradients by norm before each step (Lesson 08, eq. 8.9).

    Each parameter's velocity v is stored with the parameter array itself, so one SGD object
    can serve several networks (each parameter it has not seen yet starts with v = 0).
    """

    def __init__(self, lr=0.1, momentum=0.0, weight_decay=0.0, clip_norm=None):
        self.lr = check_positive(lr, "learning rate", hint=" Typical values are 0.001 to 1.")
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0, high_open=True,
                                     hint=" 0 turns it off; 0.9 is a common choice.")
        self.weight_decay = check_number(weight_decay, "weight_decay", low=0.0,
                                         hint=" 0 turns it off; 1e-4 to 1e-2 are common choices.")
        self.clip_norm = None if clip_norm is None else check_positive(clip_norm, "clip_norm")
        self._velocities = []  # (θ, v) pairs: each velocity stored beside its parameter array

    def step(self, network):
        """Update every parameter of ``network`` in place from its current gradients."""
        if not hasattr(network, "parameters_and_gradients"):
            raise ConfigError(f"SGD.step(network) needs a Network (e.g. bp.mlp([2, 8, 1])), got "
                              f"{type(network).__name__}.")
        if self.clip_norm is not None:
            clip_grad_norm(network, self.clip_norm)
        for name, theta, dtheta in network.parameters_and_gradients():
            if self.weight_decay and name.rsplit(".", 1)[-1].startswith("W"):
                dtheta = dtheta + self.weight_decay * theta
            if self.momentum == 0.0:
                theta -= self.lr * dtheta
                continue
            v = self.velocity(theta)
            v *= self.momentum
            v -= self.lr * dtheta
            theta += v

    def velocity(self, theta):
        """The velocity v of parameter θ (same shape): zero the first time this very array is seen."""
        for param, v in self._velocities:
            if param is theta:
                return v
        v = np.zeros_like(theta)
        self._velocities.append((theta, v))
        return v
