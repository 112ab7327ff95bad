"""backproplib: a small, readable numpy library for learning backpropagation.

The core (layers, losses, training, gradient checking, data sets) needs only numpy. The
interactive explorers (``backproplib.explorers``) load matplotlib and ipywidgets when imported.

Naming rule: ``dX`` always means ∂L/∂X, the gradient of the loss with respect to X.
"""

from .activations import (
                          ACTIVATIONS,
                          Activation,
                          Identity,
                          LeakyReLU,
                          ReLU,
                          Sigmoid,
                          Tanh,
                          identity,
                          identity_derivative,
                          leaky_relu,
                          leaky_relu_derivative,
                          relu,
                          relu_derivative,
                          sigmoid,
                          sigmoid_derivative,
                          tanh,
                          tanh_derivative,
)
from .clipping import clip_grad_norm
from .datasets import (
                          Standardizer,
                          load_digits,
                          load_xor,
                          make_circles,
                          make_moons,
                          make_regression_curve,
                          make_spirals,
                          regression_curve_truth,
                          standardize,
                          train_test_split,
)
from .dense import Dense, init_weights
from .errors import (
                          BackpropError,
                          ConfigError,
                          DataError,
                          InputTypeError,
                          LabelError,
                          MathDomainError,
                          NonFiniteError,
                          ShapeError,
                          TrainingDivergedError,
                          UsageError,
)
from .gradcheck import check_network_gradients, numerical_gradient, relative_error
from .layer import Layer
from .losses import (
                          MSE,
                          BinaryCrossEntropy,
                          SoftmaxCrossEntropy,
                          binary_cross_entropy,
                          cross_entropy,
                          log_softmax,
                          mse,
                          mse_gradient,
                          one_hot,
                          softmax,
)
from .network import Network, mlp
from .optim import SGD
from .recurrent import LastStep, PerStep, Recurrent
from .training import History, accuracy, iterate_minibatches, train, train_step

__version__ = "0.1.0"
