"""A network: a sequence of layers, run forward in order and backward in reverse order."""

import numpy as np

from .activations import activation_layer
from .dense import Dense
from .errors import ConfigError, check_count, check_seed
from .layer import Layer


class Network:
    """A feed-forward network made of layers that obey the contract in ``layer.py``.

    >>> net = Network([Dense(2, 16, rng=0), Tanh(), Dense(16, 1, rng=1)])
    >>> out = net.forward(X)        # X: (N, 2) -> out: (N, 1)
    >>> dX = net.backward(dout)     # dout: (N, 1) -> dX: (N, 2); fills every layer's grads
    """

    def __init__(self, layers):
        self.layers = list(layers) if isinstance(layers, (list, tuple)) else None
        if not self.layers or not all(isinstance(layer, Layer) for layer in self.layers):
            raise ConfigError(f"a Network needs a list of layers, e.g. [Dense(2, 8), Tanh(), "
                              f"Dense(8, 1)], got {layers!r}.")
        counts = {}
        for layer in self.layers:
            kind = type(layer).__name__.lower()
            counts[kind] = counts.get(kind, 0) + 1
            layer.name = f"{kind}{counts[kind]}"

    def forward(self, X):
        """X: (N, D) inputs.  Returns: the last layer's output, (N, K). Every layer keeps its cache."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dout):
        """dout: (N, K) = ∂L/∂output.  Returns dX, (N, D). Adds each layer's parameter gradients.

        Lesson 03, eq. 3.11: the gradient flows through the layers in reverse order.
        """
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def predict(self, X):
        """X: (N, D).  Returns the network's output (N, K) (same as forward)."""
        return self.forward(X)

    def __call__(self, X):
        return self.forward(X)

    def parameters(self):
        """List of (name, array) for every parameter, e.g. ("dense1.W", W). Arrays are live."""
        return [(f"{layer.name}.{k}", v) for layer in self.layers for k, v in layer.params.items()]

    def gradients(self):
        """List of (name, array) for every parameter gradient, in the order of ``parameters()``."""
        return [(f"{layer.name}.{k}", v) for layer in self.layers for k, v in layer.grads.items()]

    def parameters_and_gradients(self):
        """List of (name, θ, ∂L/∂θ) for every parameter θ: what an optimiser needs."""
        return [(f"{layer.name}.{k}", theta, layer.grads[k])
                for layer in self.layers for k, theta in layer.params.items()]

    def zero_grad(self):
        """Reset every parameter gradient to zero. Call before each backward pass."""
        for layer in self.layers:
            layer.zero_grad()

    def grad_norms(self):
        """dict layer name -> ‖dW‖ (Frobenius norm) for each layer with weights; for a layer
        with several weight matrices (a recurrent layer's Wx and Wh), the norm of them all.

        Read after a backward pass: in a deep sigmoid network the norms shrink layer by layer
        towards the input — the vanishing gradient of Lesson 05.
        """
        norms = {}
        for layer in self.layers:
            weights = [g for name, g in layer.grads.items() if name.startswith("W")]
            if weights:
                norms[layer.name] = float(np.sqrt(sum(np.sum(g ** 2) for g in weights)))
        return norms

    def num_parameters(self):
        return sum(v.size for _, v in self.parameters())

    def summary(self):
        """A table of layers with their output sizes and parameter counts."""
        lines = [f"{'layer':<12}{'shape':<16}{'parameters':>10}"]
        for layer in self.layers:
            shape = "x".join(map(str, layer.params["W"].shape)) if "W" in layer.params else "-"
            count = sum(v.size for v in layer.params.values())
            lines.append(f"{layer.name:<12}{shape:<16}{count:>10}")
        lines.append(f"{'total':<28}{self.num_parameters():>10}")
        return "\n".join(lines)

    def __repr__(self):
        return "Network([" + ", ".join(map(repr, self.layers)) + "])"


def mlp(sizes, activation="relu", init="he", seed=0, output_activation=None, dtype=np.float64):
    """Build a multi-layer perceptron from layer sizes.

    mlp([64, 64, 10]) is Dense(64→64), ReLU, Dense(64→10). The output layer has no activation
    unless ``output_activation`` is given (losses take raw scores, "logits").
    Each Dense layer gets its own stream of random numbers from ``seed``.
    """
    if isinstance(sizes, (str, bytes)) or np.ndim(sizes) != 1 or len(sizes) < 2:
        raise ConfigError(f"mlp needs a list of at least an input and an output size, e.g. "
                          f"[2, 16, 1], got sizes={sizes!r}.")
    sizes = [check_count(n, "each layer size in mlp(sizes)") for n in sizes]
    rng = check_seed(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
        last = i == len(sizes) - 2
        if not last:
            layers.append(activation_layer(activation))
        elif output_activation is not None:
            layers.append(activation_layer(output_activation))
    return Network(layers)


