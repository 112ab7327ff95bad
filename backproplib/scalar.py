"""A scalar that remembers how it was computed, so it can backpropagate (Lesson 03).

Every arithmetic operation on ``Value`` objects builds a node of a computational graph: the new
Value keeps its ``parents`` (the inputs of the operation), the name of the operation ``op``, and
the **local derivatives** ∂self/∂parent, one per parent. ``L.backward()`` then walks the graph
from L back to the leaves and applies the chain rule at every node (Lesson 03, eq. 3.4):

    parent.grad += (∂node/∂parent) · node.grad

The ``+=`` is the sum over paths of eq. 3.3: a value used twice (``x * x``, ``b + b``) gets one
contribution per use. Gradients also accumulate across calls of ``backward()`` (like the layers'
``grads``); call ``zero_grad()`` before a new backward pass.
"""

import math
from numbers import Real
from typing import NamedTuple

import numpy as np

from .errors import DataError, InputTypeError, MathDomainError, as_float_array


class Value:
    """A float ``data`` with a gradient ``grad`` = ∂L/∂(this value), filled by ``L.backward()``."""

    def __init__(self, data, parents=(), op="", local_grads=(), label=""):
        if isinstance(data, Value) or not isinstance(data, Real) or isinstance(data, bool):
            raise InputTypeError(f"Value(data) needs a real number, got {data!r} ({type(data).__name__}).")
        if not math.isfinite(data):
            raise DataError(f"Value(data) needs a finite number, got {data!r}; NaN and infinity have no "
                            f"derivatives to follow.")
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)        # the Values this one was computed from
        self.op = op                         # "+", "*", "tanh"... ("" for a leaf)
        self.local_grads = tuple(local_grads)  # ∂self/∂parent, one float per parent
        self.label = label

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    # -- arithmetic: each returns a new node with its local derivatives ------------------------

    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __sub__(self, other):
        other = as_value(other)
        return Value(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __mul__(self, other):
        other = as_value(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __truediv__(self, other):
        other = as_value(other)
        if other.data == 0.0:
            raise MathDomainError(f"{self!r} / {other!r}: division by a Value equal to 0.")
        return Value(self.data / other.data, (self, other), "/",
                     (1.0 / other.data, -self.data / other.data ** 2))

    def __pow__(self, n):
        if isinstance(n, (Value, bool)) or not isinstance(n, Real) or not math.isfinite(n):
            raise InputTypeError(f"Value ** n needs a plain finite number n (got {n!r}); "
                                 f"for x ** y with a Value y write (y * x.log()).exp().")
        if self.data == 0.0 and n < 1 or self.data < 0 and n != int(n):
            raise MathDomainError(f"{self.data} ** {n} is not a real number with a real derivative.")
        try:
            power, slope = self.data ** n, n * self.data ** (n - 1)
        except OverflowError:
            raise MathDomainError(f"{self.data:g} ** {n:g} is larger than the largest float "
                                  f"(about 1.8e308); use smaller inputs.") from None
        return Value(power, (self,), f"**{n:g}", (slope,))

    def __neg__(self):
        return Value(-self.data, (self,), "neg", (-1.0,))

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return as_value(other) - self

    def __rtruediv__(self, other):
        return as_value(other) / self

    # -- functions -------------------------------------------------------------------------------

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise MathDomainError(f"exp({self.data:g}) is larger than the largest float "
                                f"(about 1.8e308); use smaller inputs.") from None
        return Value(e, (self,), "exp", (e,))

    def log(self):
        if self.data <= 0.0:
            raise MathDomainError(f"log({self.data:g}): the logarithm needs a positive number.")
        return Value(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self):
        """σ(x) (Lesson 01, eq. 1.3), computed without overflow; σ'(x) = σ(x)(1 − σ(x))."""
        e = math.exp(-abs(self.data))
        s = 1.0 / (1.0 + e) if self.data >= 0 else e / (1.0 + e)
        return Value(s, (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 otherwise (0 at the kink x = 0)."""
        return Value(max(self.data, 0.0), (self,), "relu", (1.0 if self.data > 0 else 0.0,))

    # -- backpropagation -------------------------------------------------------------------------

    def backward(self):
        """Add ∂self/∂node to ``node.grad`` for every node of the graph that made ``self``."""
        for step in backward_steps(self):
            step.node.grad += step.grad

    def zero_grad(self):
        """Set ``grad`` to 0 on every node of the graph that made ``self``."""
        for node in topological_order(self):
            node.grad = 0.0


def as_value(x):
    """x unchanged if it is a Value, else a new constant leaf Value(x)."""
    return x if isinstance(x, Value) else Value(x, label=f"{x:g}" if isinstance(x, Real) else "")


def topological_order(root):
    """Every node of root's graph exactly once, each after all of its parents (root last)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # a depth-first search with an explicit stack: long chains need no recursion
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


class Term(NamedTuple):
    """One use of a node by a ``child`` (as its input number ``position``) in the backward pass."""
    child: Value
    position: int
    local: float        # ∂child/∂node, the local derivative
    child_grad: float   # ∂L/∂child, already complete when it is passed on


class BackwardStep(NamedTuple):
    """One step of the backward pass: ``node`` receives its complete gradient ``grad``.

    terms: one Term per use of ``node``; grad = Σ local · child_grad over them (eq. 3.3).
    """
    node: Value
    grad: float
    terms: tuple


def backward_steps(root):
    """The backward pass of ``root`` as a list of BackwardStep, root first (grad 1), leaves last.

    Pure: it reads the graph and leaves every ``grad`` unchanged. The nodes come in reverse
    topological order, so when a node's turn comes every node that used it has passed on its
    share (eq. 3.4), and its gradient is complete.
    """
    order = topological_order(root)[::-1]
    grad = {id(node): 0.0 for node in order}
    terms = {id(node): [] for node in order}
    grad[id(root)] = 1.0  # ∂L/∂L = 1
    steps = []
    for node in order:
        steps.append(BackwardStep(node, grad[id(node)], tuple(terms[id(node)])))
        for position, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            grad[id(parent)] += local * grad[id(node)]  # chain rule, eq. 3.4
            terms[id(parent)].append(Term(node, position, local, grad[id(node)]))
    return steps


def value_array(A, label="x"):
    """A: array of any shape.  Returns an object array of leaf Values labelled e.g. "W[0,1]"."""
    A = as_float_array(A, "value_array: A")
    out = np.empty(A.shape, dtype=object)
    for i in np.ndindex(A.shape):
        out[i] = Value(A[i], label=f"{label}[{','.join(map(str, i))}]")
    return out


def grad_array(V):
    """V: object array of Values.  Returns the float array of their ``grad``s, same shape."""
    return np.vectorize(lambda v: v.grad, otypes=[float])(V)
