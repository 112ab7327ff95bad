"""The one contract every layer obeys.

A layer is a function ``out = f(X)`` with (perhaps) parameters. Backpropagation needs two steps:

* ``forward(X)`` computes ``out`` and **keeps what the backward step will need** (the cache);
* ``backward(dout)`` takes the upstream gradient ``dout`` = ∂L/∂out and returns ``dX`` = ∂L/∂X.
  If the layer has parameters it also **adds** their gradients into ``self.grads``
  (``grads["W"] += ...``). Gradients accumulate until ``zero_grad()`` resets them, so that a
  parameter used twice collects both contributions; the training loop zeroes them before
  every backward pass.

Naming rule used everywhere: ``dX`` always means ∂L/∂X, an array of the same shape as ``X``.
"""


from .errors import ShapeError, UsageError, as_float_array


class Layer:
    """Base class of every layer: a subclass defines ``forward`` and ``backward``.

    Attributes:
        name:   a readable name ("dense1", "relu2"...); the network sets it.
        params: dict name -> array, the trainable parameters (empty for activations).
        grads:  dict name -> array of the same shape, ∂L/∂param, filled by ``backward``.
    """

    def __init__(self):
        self.name = type(self).__name__.lower()
        self.params = {}
        self.grads = {}
        self._out_shape = None  # shape of the last forward output, to check dout against

    def forward(self, X):
        """X: (N, ...) input batch.  Returns: out, the layer's output for the batch."""
        raise UsageError(f"{type(self).__name__} has no forward(X) of its own; a layer class "
                         f"must define forward and backward (see Dense for an example).")

    def backward(self, dout):
        """dout: ∂L/∂out, same shape as the last output.  Returns: dX, same shape as X."""
        raise UsageError(f"{type(self).__name__} has no backward(dout) of its own; a layer class "
                         f"must define forward and backward (see Dense for an example).")

    def zero_grad(self):
        """Set every parameter gradient to zero (in place)."""
        for g in self.grads.values():
            g.fill(0.0)

    def __call__(self, X):
        return self.forward(X)

    def __repr__(self):
        return f"{type(self).__name__}()"

    # -- helpers shared by the subclasses ---------------------------------------------------

    def _check_dout(self, dout):
        """Refuse a backward step before any forward step, or with a gradient of the wrong shape."""
        if self._out_shape is None:
            raise UsageError(
                f"{self.name}: backward() was called before forward(). Run a forward pass on "
                f"the batch first: backward() needs the values that forward() keeps."
            )
        dout = as_float_array(dout, f"dout given to {self.name}.backward")
        if dout.shape != self._out_shape:
            raise ShapeError(
                f"{self.name}: backward() expects dout of shape {self._out_shape} (the shape of "
                f"the last forward output) but got {dout.shape}."
            )
        return dout
