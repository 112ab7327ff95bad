"""Stochastic gradient descent, with optional momentum."""

import numpy as np

from .clipping import clip_grad_norm
from .errors import ConfigError, check_positive


class SGD:
    """Gradient descent step on every parameter of a network (Lesson 06, eqs. 6.1–6.2).

    Without momentum:  θ ← θ − η ∂L/∂θ.
    With momentum μ:   v ← μ v − η ∂L/∂θ;   θ ← θ + v   (v starts at zero).
    With weight decay λ, the weights W (not the biases) are also pulled towards zero, as if the
    loss had the extra term (λ/2)‖W‖²:  ∂L/∂W becomes ∂L/∂W + λ W   (Lesson 07, eq. 7.3).
    lr is η (> 0); momentum is μ, in [0, 1); weight_decay is λ ≥ 0.
    clip_norm: None, or c > 0 to clip the gradients by norm before each step (Lesson 08, eq. 8.9).
    """

    def __init__(self, lr=0.1, momentum=0.0, weight_decay=0.0, clip_norm=None):
        self.clip_norm = None if clip_norm is None else check_positive(clip_norm, "clip_norm")
        self.lr = check_positive(lr, "learning rate")
        if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)) \
                or not weight_decay >= 0:
            raise ConfigError(f"weight_decay must be a number ≥ 0, got {weight_decay!r}. "
                              f"0 turns it off; 1e-4 to 1e-2 are common choices.")
        self.weight_decay = float(weight_decay)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) \
                or not 0.0 <= momentum < 1.0:
            raise ConfigError(f"momentum must be a number in [0, 1), got {momentum!r}. "
                              f"0 turns it off; 0.9 is a common choice.")
        self.momentum = float(momentum)
        self._velocity = {}  # id(parameter) -> v, same shape as the parameter

    def step(self, network):
        """Update every parameter of ``network`` in place from its current gradients."""
        if self.clip_norm is not None:
            clip_grad_norm(network, self.clip_norm)
        for layer in network.layers:
            for name, theta in layer.params.items():
                grad = layer.grads[name]
                if self.weight_decay and name == "W":
                    grad = grad + self.weight_decay * theta
                if self.momentum == 0.0:
                    theta -= self.lr * grad
                    continue
                v = self._velocity.get(id(theta))
                if v is None:
                    v = self._velocity[id(theta)] = np.zeros_like(theta)
                v *= self.momentum
                v -= self.lr * grad
                theta += v
