"""Section 1: one training step (forward, loss, backward, SGD update) at four sizes.

Contenders, all float64 (the library's default dtype), plain SGD (no momentum), softmax
cross-entropy on integer labels, ReLU hidden layers, the same weights and the same batch:

* ``library``    – ``backproplib.train_step`` on ``mlp(sizes)``;
* ``BLAS floor`` – the step's matrix products alone, in numpy, into preallocated arrays:
  forward ``A @ W`` per layer, backward ``Aᵀ @ dZ`` per layer and ``dZ @ Wᵀ`` for every layer
  but the first (a training step never needs the gradient with respect to the data; the
  library computes it anyway, because its backward pass is the forward pass reversed);
* ``floor + update passes`` – the floor plus the three passes over every parameter that a
  step with accumulating gradients cannot avoid: zero dW, add the new dW into it, θ −= η dW
  (memory-bound; it shows how much of the gap to the floor is the update itself);
* ``unchecked``  – the library's own numpy operations, in the same order, with none of its input
  checks (the price of the named errors: what the library's step would cost if it trusted
  every argument);
* ``per-sample`` – the textbook loop: one example at a time, outer products, same maths;
* ``PyTorch``    – ``torch.nn`` + ``torch.optim.SGD`` on the CPU, when torch is installed.
"""

import numpy as np

from backproplib import SGD, SoftmaxCrossEntropy, mlp, train_step

from .timing import Row, interleaved, meets, ratio_of_medians, skipped

SECTION = "1 training step"

#: name, layer sizes, batch size, rounds (full run), per-sample loop included
SIZES = [
    ("tiny", [2, 16, 2], 32),
    ("digits", [64, 64, 10], 32),
    ("MNIST-like", [784, 128, 10], 64),
    ("wide", [784, 512, 512, 10], 256),
]
#: (comparison, bound) targets at the lessons' sizes: torch/library and loop/library. The ratio
#: to the BLAS floor is shown as information: it is no target for code written to be read.
TORCH_TARGET = {"tiny": (">=", 3.0), "digits": (">=", 3.0)}
LOOP_TARGET = {"tiny": (">=", 10.0), "digits": (">=", 10.0)}
LR = 0.01


def make_problem(sizes, batch, seed=0):
    """A network, a batch (X (N, D), integer labels y (N,)) and a loss/optimizer pair."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0]))
    y = rng.integers(0, sizes[-1], batch)
    return mlp(sizes, activation="relu", init="he", seed=seed), X, y


def library_step(net, X, y):
    loss, optimizer = SoftmaxCrossEntropy(), SGD(lr=LR)
    return lambda: train_step(net, loss, X, y, optimizer)


def blas_floor(sizes, batch, seed=0):
    """The step's matrix products alone, into preallocated arrays of random values."""
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
    A = [rng.standard_normal((batch, n)) for n in sizes]        # A[0] is X
    dZ = [rng.standard_normal((batch, n)) for n in sizes[1:]]
    dW = [np.empty_like(w) for w in W]
    dA = [np.empty((batch, n)) for n in sizes[:-1]]

    def step():
        for l, w in enumerate(W):
            np.matmul(A[l], w, out=A[l + 1])
        for l in reversed(range(len(W))):
            np.matmul(A[l].T, dZ[l], out=dW[l])
            if l > 0:
                np.matmul(dZ[l], W[l].T, out=dA[l])
    return step


def floor_with_update(sizes, batch, seed=0):
    """The floor plus, for every weight matrix, zero dW; dW += new dW; W -= η dW."""
    floor = blas_floor(sizes, batch, seed)
    rng = np.random.default_rng(seed + 1)
    params = [(rng.standard_normal((m, n)), np.zeros((m, n)), rng.standard_normal((m, n)))
              for m, n in zip(sizes[:-1], sizes[1:])]

    def step():
        floor()
        for W, dW, new_dW in params:
            dW.fill(0.0)
            dW += new_dW
            W -= LR * dW
    return step


def unchecked_step(net, X, y):
    """The operations ``train_step`` runs for this network (Dense, ReLU, ..., softmax
    cross-entropy, SGD), in the same order, on copies of the weights, without any check."""
    dense = [layer for layer in net.layers if "W" in layer.params]
    params = [[layer.params["W"].copy(), layer.params["b"].copy()] for layer in dense]
    grads = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    N, K = len(X), params[-1][0].shape[1]

    def step():
        A, cache = X, []
        for l, (W, b) in enumerate(params):
            Z = A @ W + b
            cache.append((A, Z))
            A = np.maximum(Z, 0.0) if l < len(params) - 1 else Z
        Y = (y[:, None] == np.arange(K)).astype(float)
        shifted = Z - Z.max(axis=-1, keepdims=True)
        log_P = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        P = np.exp(log_P)
        L = float(-(Y * log_P).sum() / N)
        for pair in grads:
            for g in pair:
                g.fill(0.0)
        dZ = (P - Y) / N
        for l in reversed(range(len(params))):
            A, Z = cache[l]
            grads[l][0] += A.T @ dZ
            grads[l][1] += dZ.sum(axis=0)
            dA = dZ @ params[l][0].T
            if l > 0:
                dZ = dA * (cache[l - 1][1] > 0).astype(float)
        for pair, gpair in zip(params, grads):
            for theta, dtheta in zip(pair, gpair):
                theta -= LR * dtheta
        return L
    step.weights = params
    return step


def per_sample_step(net, X, y):
    """The classic textbook step: loop over the examples, outer products, then average."""
    dense = [layer for layer in net.layers if "W" in layer.params]
    Ws = [layer.params["W"].copy() for layer in dense]
    bs = [layer.params["b"].copy() for layer in dense]

    def step():
        dWs = [np.zeros_like(W) for W in Ws]
        dbs = [np.zeros_like(b) for b in bs]
        total = 0.0
        for x, t in zip(X, y):
            a, activations, zs = x, [x], []
            for l, (W, b) in enumerate(zip(Ws, bs)):
                z = a @ W + b
                zs.append(z)
                a = np.maximum(z, 0.0) if l < len(Ws) - 1 else z
                activations.append(a)
            p = np.exp(z - z.max())
            p /= p.sum()
            total -= np.log(p[t])
            delta = p.copy()
            delta[t] -= 1.0
            for l in reversed(range(len(Ws))):
                dWs[l] += np.outer(activations[l], delta)
                dbs[l] += delta
                if l > 0:
                    delta = (Ws[l] @ delta) * (zs[l - 1] > 0)
        n = len(X)
        for W, b, dW, db in zip(Ws, bs, dWs, dbs):
            W -= LR * dW / n
            b -= LR * db / n
        return total / n
    step.weights = (Ws, bs)
    return step


def torch_step(net, X, y, torch):
    """The same network, batch and update in PyTorch (float64, CPU)."""
    dense = [layer for layer in net.layers if "W" in layer.params]
    modules = []
    for i, layer in enumerate(dense):
        linear = torch.nn.Linear(*layer.W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W.T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.b.copy()))
        modules.append(linear)
        if i < len(dense) - 1:
            modules.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*modules)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def load_torch(threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def _ratio_row(name, label, samples, value, value_of_minima, what, target):
    """The ratio of medians decides the target; the ratio of minima (least disturbed by a busy
    machine) is shown beside it."""
    text = f"{value:.2f}x {what} (of minima {value_of_minima:.2f}x)"
    if target:
        text += f"; target {target[0]} {target[1]:g}x"
    return Row(SECTION, f"{name}: {label}", tuple(samples), "time", text, meets(value, target))


def _ratios(a, b):
    return ratio_of_medians(a, b), min(a) / min(b)


def run(quick=False, threads=1, sizes=None):
    """Return the rows of section 1. ``sizes``: names to run (default all)."""
    torch = load_torch(threads)
    rows = []
    for name, layer_sizes, batch in SIZES:
        if sizes is not None and name not in sizes:
            continue
        title = f"{name} {'-'.join(map(str, layer_sizes))} b{batch}"
        big = layer_sizes[1] * layer_sizes[0] * batch > 10**6
        rounds = (5 if big else 15) if quick else (30 if big else 100)
        net, X, y = make_problem(layer_sizes, batch)
        contenders = {"floor": blas_floor(layer_sizes, batch),
                      "floor+update": floor_with_update(layer_sizes, batch)}
        contenders["unchecked"] = unchecked_step(net, X, y)
        include_loop = not (quick and name == "wide")
        if include_loop:
            contenders["loop"] = per_sample_step(net, X, y)
        if torch is not None:
            contenders["torch"] = torch_step(net, X, y, torch)
        contenders["library"] = library_step(net, X, y)  # last: it updates net's weights
        s = interleaved(contenders, rounds, warmup=2 if big else 5)
        lib = s["library"]
        rows.append(_ratio_row(title, "library", lib, *_ratios(lib, s["floor"]),
                               "BLAS floor", None))
        rows.append(Row(SECTION, f"{title}: BLAS floor", tuple(s["floor"])))
        rows.append(Row(SECTION, f"{title}: floor + update passes", tuple(s["floor+update"]),
                        ratio="library {:.2f}x this (of minima {:.2f}x)".format(
                            *_ratios(lib, s["floor+update"]))))
        rows.append(Row(SECTION, f"{title}: library's operations unchecked", tuple(s["unchecked"]),
                        ratio="library {:.2f}x this (of minima {:.2f}x): the price of its checks; "
                              "per-sample loop {:.2f}x this".format(
                            *_ratios(lib, s["unchecked"]),
                            ratio_of_medians(s["loop"], s["unchecked"]) if include_loop else np.nan)))
        if include_loop:
            rows.append(_ratio_row(title, "per-sample loop", s["loop"],
                                   *_ratios(s["loop"], lib), "library speed-up",
                                   LOOP_TARGET.get(name)))
        else:
            rows.append(skipped(SECTION, f"{title}: per-sample loop", "--quick"))
        if torch is not None:
            rows.append(_ratio_row(title, "PyTorch CPU", s["torch"],
                                   *_ratios(s["torch"], lib), "library speed-up",
                                   TORCH_TARGET.get(name)))
        else:
            rows.append(skipped(SECTION, f"{title}: PyTorch CPU",
                                "torch is not installed (optional: pip install torch)"))
    return rows
