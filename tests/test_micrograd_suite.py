"""micrograd's own test suite and its demo, on this library's native ops, held to PyTorch.

micrograd's users write ``Value(-4.0)``, ``z.relu()``, ``b**3``, ``10.0 / f`` and
``y.backward()``; here the same programs run with ``ag.Variable`` in place of ``Value`` and
``.value`` in place of ``.data``, and nothing else changed (``c += c + 1`` included: a node has
no in-place add, so it rebinds ``c``, as micrograd's ``Value`` does).

Its demo trains a 2-16-16-1 MLP with ReLU on ``make_moons(100, noise=0.1)`` with a max-margin
loss, L2 regularisation 1e-4 and 100 steps of SGD at the rate ``1 − 0.9·k/100``, reaching 100 %
accuracy. Written as micrograd's users write it, one scalar node per weight and per product
(``Neuron``, ``Layer``, ``MLP`` below), its first steps are held to PyTorch's loss from the same
start and to micrograd's own printed first loss (0.8958441028683222). Each such step builds
~60,000 nodes, seconds in this interpreter; the 100 steps run on the same MLP written with the
library's array ops (``X @ W + b``, ``.relu()``), from the same start, and every step's loss is
held to PyTorch's.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import autograd_lite as ag

torch = pytest.importorskip("torch")
sklearn_datasets = pytest.importorskip("sklearn.datasets")

Value = ag.Variable  # what micrograd calls a scalar that takes part in the graph


# --- micrograd's test_engine.py -----------------------------------------------------------------


def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    assert ymg.value == ypt.data.item()  # forward, exactly
    assert xmg.grad == xpt.grad.item()  # backward, exactly


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    assert abs(gmg.value - gpt.data.item()) < tol
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol


@pytest.mark.parametrize(
    ("value_fn", "tensor_fn"),
    [
        (lambda v: v.tanh(), torch.Tensor.tanh),
        (lambda v: v.exp(), torch.Tensor.exp),
        (lambda v: v.relu(), torch.Tensor.relu),
        (lambda v: v.sigmoid(), torch.Tensor.sigmoid),
    ],
    ids=["tanh", "exp", "relu", "sigmoid"],
)
def test_unary_tensor_fns(value_fn, tensor_fn):
    for x in [-1.0, 0.123, 2.0, 0.0]:
        xv = Value(x)
        yv = value_fn(xv)
        yv.backward()
        xt = torch.Tensor([x]).double()
        xt.requires_grad = True
        yt = tensor_fn(xt)
        yt.backward()
        assert abs(yv.value - yt.data.item()) < 1e-6
        assert abs(xv.grad - xt.grad.item()) < 1e-6


# --- micrograd's demo: an MLP as its users write it --------------------------------------------


class Neuron:
    def __init__(self, nin: int, nonlin: bool, rng: random.Random) -> None:
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return [*self.w, self.b]


class Layer:
    def __init__(self, nin: int, nout: int, nonlin: bool, rng: random.Random) -> None:
        self.neurons = [Neuron(nin, nonlin, rng) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin: int, nouts: list[int], rng: random.Random) -> None:
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], i != len(nouts) - 1, rng) for i in range(len(nouts))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def moons() -> tuple[np.ndarray, np.ndarray]:
    """The demo's data: ``np.random.seed(1337)`` then ``make_moons(100, noise=0.1)``, y in ±1."""
    X, y = sklearn_datasets.make_moons(n_samples=100, noise=0.1,
                                       random_state=np.random.RandomState(1337))
    return X, y * 2 - 1


def scalar_loss(model: MLP, X: np.ndarray, y: np.ndarray):
    """The demo's loss function, as micrograd's demo writes it (the full batch)."""
    inputs = [list(map(Value, row)) for row in X.tolist()]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (si.value > 0) for yi, si in zip(y.tolist(), scores, strict=True)]
    return total_loss, sum(accuracy) / len(accuracy)


def torch_mlp(model: MLP):
    """The same network's weights as float64 tensors: (W, b) per layer, rows = neurons."""
    layers = []
    for layer in model.layers:
        W = torch.tensor([[w.value for w in n.w] for n in layer.neurons], dtype=torch.float64,
                         requires_grad=True)
        b = torch.tensor([n.b.value for n in layer.neurons], dtype=torch.float64,
                         requires_grad=True)
        layers.append((W, b))
    return layers


def torch_loss(layers, X: np.ndarray, y: np.ndarray):
    h = torch.tensor(X, dtype=torch.float64)
    for k, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if k < len(layers) - 1:
            h = h.relu()
    scores = h.reshape(-1)
    data_loss = (1 - torch.tensor(y, dtype=torch.float64) * scores).relu().mean()
    reg_loss = 1e-4 * sum((W * W).sum() + (b * b).sum() for W, b in layers)
    return data_loss + reg_loss, scores


def test_the_demo_as_micrograd_users_write_it_gives_pytorchs_and_micrograds_losses():
    X, y = moons()
    model = MLP(2, [16, 16, 1], random.Random(1337))  # micrograd's random.seed(1337)
    assert len(model.parameters()) == 337
    reference = torch_mlp(model)
    for k in range(2):
        total_loss, accuracy = scalar_loss(model, X, y)
        total_loss.backward()
        expected, _ = torch_loss(reference, X, y)
        expected.backward()
        assert total_loss.value == pytest.approx(expected.item(), rel=1e-12)
        if k == 0:  # what micrograd's demo prints: "step 0 loss 0.8958441028683222, ..."
            assert total_loss.value == pytest.approx(0.8958441028683222, rel=1e-14)
            assert accuracy == 0.5
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.value -= learning_rate * p.grad
        with torch.no_grad():
            for W, b in reference:
                W -= learning_rate * W.grad
                b -= learning_rate * b.grad
                W.grad = b.grad = None


def test_the_demos_100_steps_reach_100_percent_with_pytorchs_loss_at_every_step():
    X, y = moons()
    model = MLP(2, [16, 16, 1], random.Random(1337))
    reference = torch_mlp(model)
    # The same MLP with the library's array ops: one node per layer quantity.
    weights = [
        (ag.Variable(W.detach().numpy().copy(), name=f"W{k}"),
         ag.Variable(b.detach().numpy().copy(), name=f"b{k}"))
        for k, (W, b) in enumerate(reference, start=1)
    ]
    inputs = ag.Constant(X, name="X")
    labels = ag.Constant(y.astype(np.float64), name="y")
    h = inputs
    for k, (W, b) in enumerate(weights):
        h = h @ W.T + b
        if k < len(weights) - 1:
            h = h.relu()
    scores = (h @ np.ones(1)).named("scores")  # the one output unit, as a vector of m scores
    data_loss = ag.mean((1 + -labels * scores).relu())
    reg_loss = 1e-4 * sum(ag.sum(W * W) + ag.sum(b * b) for W, b in weights)
    total_loss = (data_loss + reg_loss).named("loss")
    parameters = [p for pair in weights for p in pair]
    losses = []
    for k in range(100):
        total_loss.forward()
        total_loss.backward()
        expected, _ = torch_loss(reference, X, y)
        expected.backward()
        assert total_loss.value == pytest.approx(expected.item(), rel=1e-9, abs=1e-12), k
        losses.append(total_loss.value)
        accuracy = float(np.mean((scores.value > 0) == (y > 0)))
        learning_rate = 1.0 - 0.9 * k / 100
        for p in parameters:
            p.value = p.value - learning_rate * p.grad
        with torch.no_grad():
            for W, b in reference:
                W -= learning_rate * W.grad
                b -= learning_rate * b.grad
                W.grad = b.grad = None
    assert losses[0] == pytest.approx(0.8958441028683222, rel=1e-12)  # micrograd's step 0
    assert accuracy == 1.0  # micrograd's 100 %
    assert losses[-1] < 0.05
