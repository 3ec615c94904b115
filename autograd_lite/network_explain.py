"""The course's backward pass of a network with one hidden layer, told with the numbers.

``ag.explain(J)`` of the network's cost (``NeuralNetwork.graph``, or any graph of the same
shape) tells the six formulas of the course's ``backward_propagation``, in its notation::

    dZ2 = A2 − Y
    dW2 = (1/m) dZ2 A1ᵀ
    db2 = (1/m) Σ dZ2
    dZ1 = W2ᵀ dZ2 ∗ (1 − A1²)         (with ReLU: W2ᵀ dZ2 ∗ [Z1 > 0])
    dW1 = (1/m) dZ1 Xᵀ
    db1 = (1/m) Σ dZ1

each with the numbers put in, and says where the engine's own convention differs: the engine's
``Z2.grad`` is dJ/dZ2 = (A2 − Y)/m (the course leaves the 1/m out of dZ2 and dZ1, and divides
by m in dW and db), and the engine goes through ``A1`` (``dA1 = W2ᵀ · Z2.grad``), a step the
course writes into dZ1. ``Σ`` sums over the examples (the columns, ``axis=1``); ``∗`` is
elementwise; a product of two names is the matrix product. ``convention="engine"`` tells the
engine's walk node by node instead.

Every number is computed from the formula as written and compared with the engine's gradient
before it is shown (tests/test_network_explain.py evaluates the shown formulas again).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograd_lite.explain import Explanation, Step
from autograd_lite.node import Node
from autograd_lite.notation import format_value, node_labels
from autograd_lite.ops import Add, LogLoss, MatMul, Mean, Sigmoid

__all__ = ["NetworkCost", "NetworkExplanation", "explain_network", "network_cost_view"]


@dataclass(frozen=True)
class NetworkCost:
    """The nodes of a one-hidden-layer network's cost, as the course names them."""

    X: Node
    Y: Node
    W1: Node
    b1: Node
    Z1: Node
    A1: Node
    W2: Node
    b2: Node
    Z2: Node
    A2: Node
    J: Node
    activation: str
    """``"tanh"`` or ``"relu"``: the hidden layer's g."""


def _activation(node: Node) -> str | None:
    symbol = getattr(type(node), "symbol", None)
    return {"tanh": "tanh", "ReLU": "relu"}.get(symbol) if symbol else None


def _affine(node: Node) -> tuple[Node, Node, Node] | None:
    """``(W, X, b)`` of a node ``W @ X + b``, else ``None``."""
    if not isinstance(node, Add) or not isinstance(node.inputs[0], MatMul):
        return None
    W, X = node.inputs[0].inputs
    return W, X, node.inputs[1]


def network_cost_view(J: Node) -> NetworkCost | None:
    """The network's nodes if ``J`` is ``mean(L(σ(W2·g(W1·X + b1) + b2), Y))``, else ``None``.

    ``X`` is n_x × m (the course's columns) and ``Y`` 1 × m; ``g`` is tanh or ReLU.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> X, y = ag.load_flower()
    >>> J = ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y).graph(X, y)
    >>> view = network_cost_view(J)
    >>> view.activation, view.Z1.name, view.X.value.shape
    ('tanh', 'Z1', (2, 400))
    """
    if not isinstance(J, Mean) or np.shape(J.value) != () or not isinstance(J.inputs[0], LogLoss):
        return None
    loss = J.inputs[0]
    A2, Y = loss.inputs
    if not isinstance(A2, Sigmoid):
        return None
    Z2 = A2.inputs[0]
    second = _affine(Z2)
    if second is None:
        return None
    W2, A1, b2 = second
    activation = _activation(A1)
    if activation is None:
        return None
    Z1 = A1.inputs[0]
    first = _affine(Z1)
    if first is None:
        return None
    W1, X, b1 = first
    shapes = [np.shape(n.value) for n in (X, Y, W1, b1, W2, b2)]
    (n_x, m), (one, m_y), (n_h, n_x1), b1_shape, W2_shape, b2_shape = (
        s if len(s) == 2 else (None, None) for s in shapes
    )
    if one != 1 or m_y != m or n_x1 != n_x or b1_shape != (n_h, 1) or W2_shape != (1, n_h):
        return None
    if b2_shape != (1, 1) or m is None:
        return None
    return NetworkCost(X, Y, W1, b1, Z1, A1, W2, b2, Z2, A2, J, activation)


@dataclass(frozen=True)
class _Formula:
    name: str
    node: str
    rhs: str
    engine: str
    """How the course's number relates to the engine's gradient of that node, for the note."""


def _formulas(activation: str) -> tuple[_Formula, ...]:
    local = "(1 − A1²)" if activation == "tanh" else "[Z1 > 0]"
    return (
        _Formula("dZ2", "Z2", "A2 − Y", "m · Z2.grad"),
        _Formula("dW2", "W2", "(1/m) dZ2 A1ᵀ", "W2.grad"),
        _Formula("db2", "b2", "(1/m) Σ dZ2", "b2.grad"),
        _Formula("dZ1", "Z1", f"W2ᵀ dZ2 ∗ {local}", "m · Z1.grad"),
        _Formula("dW1", "W1", "(1/m) dZ1 Xᵀ", "W1.grad"),
        _Formula("db1", "b1", "(1/m) Σ dZ1", "b1.grad"),
    )


def _shown(value: np.ndarray, digits: int) -> str:
    """A small array in full; a wide one (one column per example) by its first column."""
    if value.size <= 8:
        return format_value(value, digits, max_entries=8)
    rows, columns = value.shape
    first = format_value(value[:, :1], digits, max_entries=8)
    return f"({rows} × {columns}, example 1: {first})"


class NetworkExplanation(Explanation):
    """The course's backward propagation of the network's ``J``: six steps, with the numbers.

    ``steps`` are ``Step`` objects as ``explain`` gives them (``formula``,
    ``formula_with_numbers``, ``value``: the course's number; ``notes``: how the engine's
    gradient of that node relates to it). ``explanation[W1]`` is ``dW1``'s step.
    """

    def __str__(self) -> str:
        m = np.shape(self.view.X.value)[1]
        g = "tanh" if self.view.activation == "tanh" else "ReLU"
        header = (
            f"Backward propagation of J, as the course writes it (examples in columns, m = {m};"
            f" g = {g}).\n"
            "dZ2, dZ1 are the course's: m times the engine's Z2.grad, Z1.grad (dJ/dZ); dW, db "
            "are dJ/dW, dJ/db.\nΣ sums over the examples; ∗ is elementwise; a product of two "
            "names is the matrix product."
        )
        return header + "\n\n" + "\n".join(str(step) for step in self.steps)

    @property
    def view(self) -> NetworkCost:
        return self._view

    def namespace(self) -> dict[str, np.ndarray | int]:
        """The values the formulas use, by their names (``X``, ``Y``, ``A1``, … ``m``, and the
        course's ``dZ2``, ``dZ1``): what a reader needs to compute each formula again."""
        v = self.view
        values: dict[str, np.ndarray | int] = {
            name: np.asarray(getattr(v, name).value, dtype=np.float64)
            for name in ("X", "Y", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2")
        }
        values["m"] = int(np.shape(v.X.value)[1])
        for step in self.steps:
            values[step.gradient_name] = np.asarray(step.value)
        return values


def explain_network(view: NetworkCost, digits: int = 6) -> NetworkExplanation:
    """The course's six backward formulas for ``view``'s graph, each checked against the engine.

    ``view.J.backward()`` must have run (``explain`` checks it). Raises ``RuntimeError`` if a
    number computed from a formula differs from the engine's gradient: what is shown is what
    the engine computed.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> X, y = ag.load_flower()
    >>> J = ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y).graph(X, y)
    >>> J.backward()
    >>> e = ag.explain(J)
    >>> [step.formula for step in e][:3]
    ['dZ2 = A2 − Y', 'dW2 = (1/m) dZ2 A1ᵀ', 'db2 = (1/m) Σ dZ2']
    """
    v = view
    m = int(np.shape(v.X.value)[1])
    X, Y = np.asarray(v.X.value), np.asarray(v.Y.value)
    W2, A1, A2 = np.asarray(v.W2.value), np.asarray(v.A1.value), np.asarray(v.A2.value)
    Z1 = np.asarray(v.Z1.value)
    dZ2 = A2 - Y
    local = 1 - A1**2 if v.activation == "tanh" else (Z1 > 0).astype(np.float64)
    dZ1 = W2.T @ dZ2 * local
    values = {
        "dZ2": dZ2,
        # in the order the formulas read, so that evaluating the text gives these very bits
        "dW2": (1 / m) * dZ2 @ A1.T,
        "db2": (1 / m) * np.sum(dZ2, axis=1, keepdims=True),
        "dZ1": dZ1,
        "dW1": (1 / m) * dZ1 @ X.T,
        "db1": (1 / m) * np.sum(dZ1, axis=1, keepdims=True),
    }
    numbers = {
        "dZ2": lambda: f"{_shown(A2, digits)} − {_shown(Y, digits)}",
        "dW2": lambda: f"(1/{m}) · {_shown(dZ2, digits)} · {_shown(A1, digits)}ᵀ",
        "db2": lambda: f"(1/{m}) · Σ {_shown(dZ2, digits)}",
        "dZ1": lambda: f"{_shown(W2.T, digits)} · {_shown(dZ2, digits)} ∗ "
        + _shown(local, digits),
        "dW1": lambda: f"(1/{m}) · {_shown(dZ1, digits)} · {_shown(X, digits)}ᵀ",
        "db1": lambda: f"(1/{m}) · Σ {_shown(dZ1, digits)}",
    }
    labels = node_labels(v.J)
    steps = []
    for k, f in enumerate(_formulas(v.activation), start=1):
        node = getattr(v, f.node)
        engine = np.asarray(node.grad, dtype=np.float64)
        scale = m if f.engine.startswith("m ·") else 1
        value = values[f.name]
        if value.shape != engine.shape or not np.allclose(
            value, scale * engine, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(value).max()))
        ):
            raise RuntimeError(
                f"explain(J): the course's {f.name} = {f.rhs} gives {format_value(value)}, "
                f"but the engine's {f.engine} is {format_value(scale * engine)}"
            )
        notes = [_note(f, v.activation, m, engine, digits)]
        steps.append(
            Step(
                index=k,
                node=node,
                label=labels.get(id(node), f.node),
                gradient_name=f.name,
                formula=f"{f.name} = {f.rhs}",
                formula_with_numbers=(
                    f"{f.name} = {f.rhs} = {numbers[f.name]()} = {_shown(value, digits)}"
                ),
                value=value,
                contributions=(),
                notes=tuple(notes),
            )
        )
    explanation = NetworkExplanation(v.J, steps, labels, lecture=True)
    explanation._view = view
    return explanation


def _note(f: _Formula, activation: str, m: int, engine: np.ndarray, digits: int) -> str:
    if f.name == "dZ2":
        return (
            "The chain rule through L and σ, simplified as in lecture 1 (dz = a − y). The "
            f"engine's Z2.grad is dJ/dZ2 = (A2 − Y)/m = {_shown(engine, digits)}: J is the mean "
            "over the m examples, and the engine divides by m here; the course leaves the 1/m "
            "out of dZ2 and puts it into dW2 and db2."
        )
    if f.name == "dZ1":
        through = "dA1 ∗ (1 − A1²), in the tanh node" if activation == "tanh" else (
            "dA1 ∗ [Z1 > 0], in the ReLU node"
        )
        return (
            "The engine takes two steps for this one: dA1 = W2ᵀ · Z2.grad, in the matrix "
            f"product W2 · A1, then dZ1 = {through}; its Z1.grad is the course's dZ1 / m = "
            f"{_shown(engine, digits)}."
        )
    return f"The same number as the engine's {f.engine} (d J / d {f.node}), shape {engine.shape}."
