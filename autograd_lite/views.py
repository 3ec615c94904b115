"""The lecture's views of a graph: what ``draw``, ``explain`` and the step-through can show.

The engine builds ``z = w1·x1 + w2·x2 + b`` from four nodes (two products and two sums); the
lecture's slide has one box. ``sums_of_products`` finds such boxes: a sum of products whose
inner nodes are unnamed and used nowhere else. ``lecture_cost`` recognises lecture 2's
vectorized cost ``J = mean(L(σ(X·w + b), Y))`` (or the course's columns ``wᵀX + b``), where the
lecture writes ``dZ = A − Y`` and divides by m later. Both only read the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autograd_lite.node import Node, Variable
from autograd_lite.notation import graph_nodes
from autograd_lite.ops import Add, LogLoss, MatMul, Mean, Multiply, Sigmoid, Transpose

__all__ = [
    "CONVENTIONS",
    "LectureCost",
    "SumOfProducts",
    "check_convention",
    "lecture_cost",
    "lecture_letters",
    "sums_of_products",
]

CONVENTIONS = ("auto", "lecture", "engine")
"""How a vectorized cost is explained: the lecture's dZ = A − Y, or the engine's dJ/dZ."""


def check_convention(convention: object, where: str) -> str:
    """``convention`` if it is one of ``CONVENTIONS``; else a ``ValueError`` naming ``where``."""
    if convention not in CONVENTIONS:
        raise ValueError(
            f"{where}: convention must be one of {', '.join(map(repr, CONVENTIONS))}, "
            f"got {convention!r}"
        )
    return convention  # type: ignore[return-value]


@dataclass(frozen=True)
class SumOfProducts:
    """One box of the slide, ``z = w1·x1 + w2·x2 + b``: ``root`` is ``z``.

    ``inner`` holds the ids of the nodes the box hides (the products and partial sums);
    ``terms`` maps each leaf of the box (by id) to the other factors it is multiplied by, in
    order (``None`` for a leaf added as it is): ``∂z/∂w1 = x1``, ``∂z/∂b = 1``.
    """

    root: Node
    inner: frozenset[int]
    leaves: tuple[Node, ...]
    terms: dict[int, tuple[Node | None, ...]]

    def coefficient(self, leaf: Node) -> tuple[Node | None, ...]:
        """The factors ``leaf`` is multiplied by in the sum (``None`` for 1), once per use."""
        return self.terms[id(leaf)]


def _users(nodes: list[Node]) -> dict[int, int]:
    count: dict[int, int] = {}
    for node in nodes:
        for x in node.inputs:
            count[id(x)] = count.get(id(x), 0) + 1
    return count


def sums_of_products(output: Node) -> dict[int, SumOfProducts]:
    """Every sum of products in ``output``'s graph that the slide draws as one box, by root id.

    A box's root is an ``Add``; inside it are unnamed ``Add`` and ``Multiply`` nodes that only
    the box uses; a product's factors are the box's leaves. A sum with nothing to hide (no
    product and no partial sum) is no box. A product of a leaf with itself is not linear in
    it, so its sum is left as it is.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> box = sums_of_products(g.L)[id(g.z)]
    >>> [leaf.label for leaf in box.leaves], len(box.inner)
    (['w1', 'x1', 'w2', 'x2', 'b'], 3)
    """
    nodes = graph_nodes(output)
    users = _users(nodes)

    def hidden(node: Node) -> bool:
        return (
            type(node) in (Add, Multiply)
            and node.name is None
            and users.get(id(node), 0) == 1
            and node is not output
        )

    boxes: dict[int, SumOfProducts] = {}
    taken: set[int] = set()
    for root in reversed(nodes):  # outermost sums first
        if type(root) is Add and id(root) not in taken:
            box = _box(root, hidden)
            if box is not None:
                taken.update(box.inner)
                boxes[id(root)] = box
    return boxes


def _box(root: Node, hidden: Callable[[Node], bool]) -> SumOfProducts | None:
    """The box whose root is ``root``, or ``None`` if it hides nothing or is not linear."""
    inner: set[int] = set()
    terms: dict[int, list[Node | None]] = {}
    leaves: list[Node] = []

    def add_leaf(leaf: Node, factor: Node | None) -> None:
        if id(leaf) not in terms:
            leaves.append(leaf)
            terms[id(leaf)] = []
        terms[id(leaf)].append(factor)

    stack = [root]
    while stack:
        node = stack.pop()
        for x in node.inputs:
            if hidden(x) and type(x) is Add:
                inner.add(id(x))
                stack.append(x)
            elif hidden(x) and type(x) is Multiply:
                first, second = x.inputs
                if first is second:  # w · w: not linear in w, so no box
                    return None
                inner.add(id(x))
                add_leaf(first, second)
                add_leaf(second, first)
            else:
                add_leaf(x, None)
    if not inner:
        return None
    ordered = _in_reading_order(root, inner, leaves)
    return SumOfProducts(root, frozenset(inner), ordered, {k: tuple(v) for k, v in terms.items()})


def _in_reading_order(root: Node, inner: set[int], leaves: list[Node]) -> tuple[Node, ...]:
    """The leaves as the sum reads left to right: ``w1, x1, w2, x2, b``."""
    order: list[Node] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node is not root and id(node) not in inner:
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
            continue
        stack.extend(reversed(node.inputs))
    assert len(order) == len(leaves)
    return tuple(order)


@dataclass(frozen=True)
class LectureCost:
    """Lecture 2's cost ``J = (1/m) Σ L(A, Y)``, ``A = σ(Z)``, ``Z = X·w + b`` (or ``wᵀX + b``).

    ``columns`` is true for the course's layout (examples in columns: X is n × m, Z = wᵀX + b).
    ``product`` is the ``X·w`` (or ``wᵀX``) node, ``m`` the number of examples averaged.
    """

    J: Node
    loss: Node
    A: Node
    Z: Node
    product: Node
    X: Node
    w: Node
    b: Node
    Y: Node
    m: int
    columns: bool


def lecture_cost(output: Node) -> LectureCost | None:
    """``output`` as lecture 2's vectorized cost, or ``None`` if it is another graph.

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0]]), name="X")
    >>> w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(0.1, name="b")
    >>> J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), np.array([1.0, 0.0])), name="J")
    >>> cost = lecture_cost(J)
    >>> cost.m, cost.columns, cost.w is w
    (2, False, True)
    """
    if type(output) is not Mean or output.inputs[0].shape == ():
        return None
    loss = output.inputs[0]
    if type(loss) is not LogLoss or type(loss.inputs[0]) is not Sigmoid:
        return None
    A, Y = loss.inputs
    Z = A.inputs[0]
    if type(Z) is not Add:
        return None
    for product, b in (Z.inputs, reversed(Z.inputs)):
        if type(product) is not MatMul or product.inputs[0] is b or product.inputs[1] is b:
            continue
        left, right = product.inputs
        if isinstance(right, Variable) and not isinstance(left, Variable):  # X · w
            X, w, columns = left, right, False
        elif type(left) is Transpose and isinstance(left.inputs[0], Variable):  # wᵀ · X
            X, w, columns = right, left.inputs[0], True
        else:
            continue
        if not isinstance(b, Variable) or X.requires_grad:
            continue
        m = X.shape[1] if columns else X.shape[0]
        return LectureCost(output, loss, A, Z, product, X, w, b, Y, m, columns)
    return None


def lecture_letters(cost: LectureCost) -> dict[int, str]:
    """The lecture's letters for the cost's unnamed nodes, by id: ``X``, ``w``, ``b``, ``Z`` …

    Both conventions use them: a reader of either sees ``X``, never a made-up ``const₁``.
    """
    named = (
        (cost.X, "X"), (cost.w, "w"), (cost.b, "b"), (cost.Z, "Z"), (cost.A, "A"), (cost.loss, "L")
    )
    letters = {id(node): letter for node, letter in named if node.name is None}
    if cost.Y.name is None:
        letters[id(cost.Y)] = "Y"
    return letters
