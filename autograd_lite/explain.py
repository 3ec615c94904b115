"""The backward pass, step by step, in the lecture's notation and with the numbers.

``explain(L)`` runs the backward pass's one walk of the chain rule again (``chain_rule``, the
walk ``L.backward()`` ran, with its starting gradient) and tells, node by node in the order
``backward()`` visits them (``topological_order``), how each gradient came about: the
formula (the op class's ``gradient_formulas``, with ``{out}``, ``{0}``, ``{1}`` replaced by
the nodes' names), the same formula with the numbers in it, and the result. Where a node feeds
several others it says the contributions add up; where the lecture has a closed form
(``dz = a − y`` for a log loss on a sigmoid, ``dw1 = x1 · dz``, ``db = dz``) it shows it and
that the numbers agree.

Nodes without a name are called by their expression (``w1 · x1``); ``d(w1 · x1)`` is the
derivative of the output with respect to that product. How nodes and values are written
(``node_labels``, ``format_value``) lives in ``notation``, shared with ``draw`` and the CLI.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite.node import (
    Node,
    Sent,
    Variable,
    chain_rule,
    require_current,
    topological_order,
)
from autograd_lite.notation import (
    check_digits,
    describe_nodes,
    display_name,
    fill_expression,
    fill_formula,
    fill_template,
    format_value,
    gradient_name,
    graph_nodes,
    is_negative,
    node_expressions,
    node_labels,
    precedence,
)
from autograd_lite.ops import LogLoss, Sigmoid
from autograd_lite.passes import require_one_backward_pass
from autograd_lite.values import Value
from autograd_lite.views import (
    LectureCost,
    SumOfProducts,
    check_convention,
    lecture_cost,
    lecture_letters,
    sums_of_products,
)

_D_PLACEHOLDER = re.compile(r"d\{(\w+)\}")
_STANDALONE_M = re.compile(r"(?<![\w{])m(?![\w}])")

__all__ = [
    "Computation",
    "Contribution",
    "Explanation",
    "Step",
    "Update",
    "explain",
    "explain_forward",
    "explain_update",
    "fill_formula",
    "format_value",
    "gradient_name",
    "graph_nodes",
    "node_expressions",
    "node_labels",
]


def _split(formula: str) -> tuple[str, str]:
    """``("d{0}", "{1} · d{out}")`` from ``"d{0} = {1} · d{out}"``."""
    lhs, _, rhs = formula.partition(" = ")
    return lhs, rhs


def _needs_parentheses(text: str) -> bool:
    return precedence(text) < 4


# --- the structured explanation -----------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One gradient a node receives from one node that uses it (its ``source``).

    ``formula`` is the source op's gradient formula in the nodes' names (``x1 · d(w1 · x1)``),
    ``closed_form`` the same with pass-through gradients resolved to the lecture's names
    (``x1 · dz``) or ``""``, ``numbers`` the formula with the numbers in it (``""`` for arrays),
    ``value`` the gradient sent, in the receiving node's shape.
    """

    source: Node
    formula: str
    closed_form: str
    numbers: str
    value: Value
    summed: bool = False
    """The source sent a larger (broadcast) gradient, summed here to the node's shape."""
    simplified: bool = False
    """The lecture's shortcut ``dz = a − y``, sent by a log loss straight to the logit."""
    passes_on: bool = True
    """False for ``da`` under a log loss on a sigmoid: recorded in ``a.grad``, not sent on."""
    unsimplified: str = ""
    """For the shortcut: the chain rule it replaces, ``da · a(1 − a)``."""
    alias: str = ""
    """The named gradient the source's gradient equals, passed on by ``+`` nodes (``dz``)."""


@dataclass(frozen=True)
class Step:
    """One node's gradient: how the backward pass computed it.

    ``gradient_name`` is ``dz``; ``formula`` is ``dz = dL · (a − y)``; ``formula_with_numbers``
    the whole chain ``dz = dL · (a − y) = 1 · (0.524979 − 1) = −0.475021``; ``value`` is
    a copy of ``node.grad``. ``notes`` say what the lecture would say about it: the
    simplification, the closed form, contributions adding up.
    """

    index: int
    node: Node
    label: str
    gradient_name: str
    formula: str
    formula_with_numbers: str
    value: Value
    contributions: tuple[Contribution, ...]
    notes: tuple[str, ...]

    @property
    def sources(self) -> tuple[Node, ...]:
        """The nodes whose gradients this step combines (empty for the output)."""
        return tuple(c.source for c in self.contributions)

    def __str__(self) -> str:
        lines = [f"{self.index:>2}. {self.formula_with_numbers}"]
        for note in self.notes:
            lines.extend(
                textwrap.wrap(
                    note,
                    width=96,
                    initial_indent=" " * 6,
                    subsequent_indent=" " * 8,
                    break_on_hyphens=False,
                )
            )
        return "\n".join(lines)


class Explanation:
    """The backward pass of ``output`` as text (``str()``) and as ``steps`` (a tuple of ``Step``).

    In a notebook it shows as Markdown. ``explanation[node]`` gives that node's step.
    ``lecture`` says the steps are in lecture 2's convention (``dZ = A − Y``).
    """

    def __init__(
        self,
        output: Node,
        steps: Sequence[Step],
        labels: dict[int, str],
        lecture: bool = False,
    ) -> None:
        self.output = output
        self.steps: tuple[Step, ...] = tuple(steps)
        self.lecture = lecture
        self._labels = labels
        self._by_node = {id(step.node): step for step in self.steps}

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __getitem__(self, key: int | Node) -> Step:
        if isinstance(key, Node):
            try:
                return self._by_node[id(key)]
            except KeyError:
                raise KeyError(f"no backward step for {key.describe()}") from None
        return self.steps[key]

    def label(self, node: Node) -> str:
        """What the explanation calls ``node``."""
        return self._labels[id(node)]

    def __str__(self) -> str:
        name = _output_name(self.output)
        cost = lecture_cost(self.output) if self.lecture else None
        if cost is not None:
            L, A, Z, Y, w, b = (
                self._labels[id(node)]
                for node in (cost.loss, cost.A, cost.Z, cost.Y, cost.w, cost.b)
            )
            header = (
                f"Backward pass of {name} in lecture 2's convention, in the order backward() "
                f"visits the nodes.\nPer example, as the lecture writes them: d{L}, d{A} and "
                f"d{Z} are each example's own derivatives\n(d{A} = d{L}/d{A}, d{Z} = {A} − {Y}, "
                f"one entry per example); 1/m appears only in d{w} and d{b},\nwhich are "
                f"d{name}/d{w} and d{name}/d{b}."
            )
        elif self.output.name is not None:
            header = (
                f"Backward pass of {name}, in the order backward() visits the nodes: each node\n"
                f"after every node that uses it. dv means d{name}/dv, the derivative of {name} "
                f"with respect to v."
            )
        else:
            header = (
                "Backward pass of the output, in the order backward() visits the nodes: each\n"
                "node after every node that uses it. dv means the derivative of the output "
                "with respect to v."
            )
        return header + "\n\n" + "\n".join(str(step) for step in self.steps)

    def __repr__(self) -> str:
        return f"<Explanation of {self.output.describe()}: {len(self.steps)} steps>"

    def _repr_markdown_(self) -> str:
        return "```text\n" + str(self) + "\n```"


def explain(
    output: Node,
    digits: int = 6,
    *,
    fused: bool | None = None,
    collapse: bool = False,
    convention: str = "auto",
    _where: str = "explain",
) -> Explanation:
    """Explain the backward pass that ran from ``output``, step by step, with the numbers.

    Run ``output.backward()`` first: ``explain`` runs the same walk of the chain rule again
    (``chain_rule``, from the same starting gradient), tells each gradient it sends, in the
    order ``backward()`` visits the nodes, and puts every ``.grad`` back as it was. It raises
    ``StaleGraphError`` if a leaf changed since the graph was computed (call
    ``output.forward()`` and ``output.backward()``), and ``RuntimeError`` if there is no
    backward pass from ``output`` to explain, or a gradient was changed after it.

    Parameters
    ----------
    output : Node
        The node ``backward()`` was called on (the loss ``L`` or the cost ``J``).
    digits : int
        Significant digits of the numbers in the text, at least 1 (else ``ValueError``).
    fused : bool, optional
        How to walk a log loss on a sigmoid: ``True`` sends the lecture's simplification
        ``dz = dL · (a − y)`` straight to ``z``; ``False`` runs the chain rule literally,
        ``dz = da · a(1 − a)``, through the sigmoid's own backward step. By default, as
        ``backward()`` ran (``output.backward(fused=False)`` is literal).
    collapse : bool
        Explain each sum of products ``z = w1·x1 + w2·x2 + b`` as the slide's one box:
        ``dw1 = x1 · dz``, with no steps for the products and partial sums inside it.
    convention : {"auto", "lecture", "engine"}
        For lecture 2's cost ``J = mean(L(σ(X·w + b), Y))``: ``"lecture"`` writes the
        lecture's ``dZ = A − Y``, ``dw = (1/m)·Xᵀ·dZ`` (``(1/m)·X·dZᵀ`` in the course's
        columns) and ``db = (1/m)·Σ dZ``; ``"engine"`` writes what each node stores
        (``Z.grad`` is ``dJ/dZ = (A − Y)/m``). ``"auto"`` is ``"lecture"`` for that cost.

    Returns
    -------
    Explanation
        ``str()`` is the text; ``.steps`` one ``Step`` per node, in backward order.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> e = explain(g.L)
    >>> print(e[g.w1].formula_with_numbers)
    dw1 = x1 · d(w1 · x1) = x1 · dz = 2 · (−0.24974) = −0.49948
    >>> e[g.z].value == g.z.grad
    True
    """
    if not isinstance(output, Node):
        raise TypeError(f"explain() takes a node, got {type(output).__name__}")
    digits = check_digits(digits, "explain")
    fused = check_option(fused, "fused", _where, allow_none=True)
    collapse = check_option(collapse, "collapse", _where)
    convention = check_convention(convention, _where)
    name = _output_name(output)
    if output.grad is None:
        raise RuntimeError(
            f"explain() reads the gradients that backward() computed, but {output.describe()} "
            f"has none yet: call {name}.backward() first"
        )
    require_current(output, f"explain({name})")
    require_one_backward_pass(topological_order(output), f"explain({name})")
    if output.grad_pass is None or not output.grad_pass.started_from(output):
        raise RuntimeError(
            f"explain({name}): the gradients in the graph are not from {name}.backward(); "
            f"backward() ran from another node. Call {name}.backward() again, then explain it."
        )
    if convention != "engine":  # the network of the next lecture: the course's six formulas
        from autograd_lite.network_explain import explain_network, network_cost_view

        network = network_cost_view(output)
        if network is not None:
            return explain_network(network, digits)
    order = topological_order(output)
    # The walk writes every gradient again; what backward() left (and whatever the reader did
    # to it since) is put back afterwards, so explaining changes nothing.
    kept = [(node, node.grad, node.grad_pass, _copied(node.grad)) for node in order]
    ran_fused = output.grad_pass.fused
    try:
        received = _received(chain_rule(output, kept[0][3], fused=ran_fused))
        for node, _, _, before in kept:
            _require_same(output, node, before)
        if fused is not None and fused != ran_fused:  # the other walk, told as it computes
            received = _received(chain_rule(output, kept[0][3], fused=fused))
        walk_fused = ran_fused if fused is None else fused
        recognised = lecture_cost(output)
        cost = recognised if convention != "engine" else None
        why_not = _not_lectures(cost, output, walk_fused) if cost is not None else ""
        if convention == "lecture" and (cost is None or why_not):
            raise ValueError(
                f"explain({name}, convention='lecture'): "
                + (why_not or f"{name} is not lecture 2's cost J = mean(L(σ(X·w + b), Y))")
                + "; use convention='engine' (or 'auto')"
            )
        if why_not:
            cost = None  # "auto": the lecture's formulas would not be these numbers
        # The lecture's letters (X, Z, A, Y) in either convention: never a made-up const₁.
        letters = lecture_letters(recognised) if recognised is not None else None
        steps = _steps(output, order, received, digits, letters, walk_fused)
        if collapse:
            steps = _collapsed(output, steps, digits, letters)
        if cost is not None:
            steps = _in_lecture_convention(cost, steps, digits, _per_example(cost))
    finally:
        _put_back(kept)
    return Explanation(output, steps, node_labels(output, letters), lecture=cost is not None)


def check_option(value: object, option: str, where: str, allow_none: bool = False) -> bool:
    """``value`` if it is a bool (or ``None`` when allowed); else a ``TypeError`` naming it."""
    if (value is None and allow_none) or isinstance(value, (bool, np.bool_)):
        return value if value is None else bool(value)
    raise TypeError(f"{where}: {option} must be True or False, got {value!r}")


def _received(walk: list[Sent]) -> dict[int, list[Sent]]:
    received: dict[int, list[Sent]] = {}
    for sent in walk:
        received.setdefault(id(sent.target), []).append(sent)
    return received


def _put_back(kept: list[tuple[Node, Any, Any, Any]]) -> None:
    """Every gradient as backward() left it, in the very arrays a reader may hold.

    The walks again write into the arrays the engine keeps; another walk (``fused=``) writes
    other numbers there, so the numbers are copied back into them, not just onto the node.
    """
    for node, grad, grad_pass, before in kept:
        if type(grad) is np.ndarray and grad.flags.writeable and grad.shape == np.shape(before):
            np.copyto(grad, before)
            node.grad = grad
        else:
            node.grad = before if type(before) is np.ndarray else grad
        node.grad_pass = grad_pass


def _copied(grad: object) -> object:
    return np.array(grad) if type(grad) is np.ndarray else grad


def _require_same(output: Node, node: Node, before: object) -> None:
    """The walk again must give what backward() stored; a gradient changed since is named."""
    after = node.grad
    if type(before) is float and type(after) is float:
        same = before == after or (before != before and after != after)  # NaN is NaN
    else:
        same = np.shape(before) == np.shape(after) and np.array_equal(
            before, after, equal_nan=True
        )
    if not same:
        name = _output_name(output)
        raise RuntimeError(
            f"explain({name}): {node.describe()} holds the gradient {format_value(before)}, but "
            f"the backward pass from {name} gives {format_value(after)}: it was changed after "
            f"backward(). Call {name}.backward() again, then explain it."
        )


def _steps(
    output: Node,
    order: list[Node],
    received: dict[int, list[Sent]],
    digits: int,
    letters: dict[int, str] | None = None,
    fused: bool = True,
) -> list[Step]:
    labels = node_labels(output, letters)
    grad_names = {id(node): gradient_name(node, labels[id(node)]) for node in order}
    aliases: dict[int, str] = {}  # unnamed pass-through nodes: d(w1 · x1) is dz
    steps: list[Step] = []
    for node in order:
        if node is not output and id(node) not in received:
            continue
        contributions = [
            _contribution(sent, labels, grad_names, aliases, digits)
            for sent in received.get(id(node), [])
        ]
        if node is not output and node.name is None and len(contributions) == 1:
            only = contributions[0]
            if only.formula == grad_names[id(only.source)] and not only.summed:
                aliases[id(node)] = aliases.get(id(only.source), only.formula)
        steps.append(_step(len(steps) + 1, node, output, labels, grad_names, contributions, digits))
    if fused:
        return steps
    return [_with_literal_note(step, received, labels, digits) for step in steps]


def _with_literal_note(
    step: Step, received: dict[int, list[Sent]], labels: dict[int, str], digits: int
) -> Step:
    """After an unfused walk: the lecture's ``a − y`` beside the literal ``da · a(1 − a)``."""
    for c in step.contributions:
        a = c.source
        if not isinstance(a, Sigmoid) or not c.passes_on:
            continue
        users = [s.source for s in received.get(id(a), [])]
        if len(users) != 1 or not isinstance(users[0], LogLoss) or users[0].logit is not step.node:
            continue  # a shares its gradient with other users: no one simplification to set beside
        loss = users[0]
        y, dL = loss.inputs[1], loss.grad
        with np.errstate(all="ignore"):
            simplified = dL * (a.value - y.value)
        texts = {
            "out": labels[id(loss)],
            "dout": gradient_name(loss, labels[id(loss)]),
            "0": labels[id(a)],
            "1": labels[id(y)],
        }
        formula = fill_template(_rhs(LogLoss.simplified_formula).replace("{dlogit}", ""), texts, {})
        numbers = _with_numbers(_rhs(LogLoss.simplified_formula), loss, dL, digits)
        shown = f"{numbers} = " if numbers else ""
        gap = np.abs(np.asarray(simplified) - np.asarray(c.value))
        same = bool(np.all(gap <= 1e-12 * np.maximum(np.abs(simplified), 1e-300)))
        verdict = (
            "the same"
            if same
            else f"here the literal product differs by up to {format_value(float(np.max(gap)), 2)}"
            ": a(1 − a) has lost its digits where a rounds towards 0 or 1"
        )
        note = (
            f"the chain rule taken literally (fused=False); the lecture simplifies it to "
            f"{formula} = {shown}{format_value(simplified, digits)}, {verdict}"
        )
        return dataclasses.replace(step, notes=(*step.notes, note))
    return step


def _collapsed(
    output: Node, steps: list[Step], digits: int, letters: dict[int, str] | None = None
) -> list[Step]:
    """The slide's view: each sum of products one box, ``dw1 = x1 · dz``, nothing inside it."""
    boxes = sums_of_products(output)
    if not boxes:
        return steps
    labels = node_labels(output, letters)
    grad_names = {id(step.node): step.gradient_name for step in steps}
    inner = {i: box for box in boxes.values() for i in box.inner}
    box_of = {**inner, **{id(box.root): box for box in boxes.values()}}
    kept: list[Step] = []
    for step in steps:
        if id(step.node) in inner:
            continue
        from_boxes = [c for c in step.contributions if id(c.source) in box_of]
        if not from_boxes:
            kept.append(dataclasses.replace(step, index=len(kept) + 1))
            continue
        others = [c for c in step.contributions if id(c.source) not in box_of]
        senders = {id(box_of[id(c.source)].root): box_of[id(c.source)] for c in from_boxes}
        merged = [
            _box_contribution(box, step.node, labels, grad_names, digits, from_boxes)
            for box in senders.values()
        ]
        kept.append(
            _step(
                len(kept) + 1,
                step.node,
                output,
                labels,
                grad_names,
                [*merged, *others],
                digits,
            )
        )
    return kept


def _box_contribution(
    box: SumOfProducts,
    leaf: Node,
    labels: dict[int, str],
    grad_names: dict[int, str],
    digits: int,
    contributions: list[Contribution],
) -> Contribution:
    """``x1 · dz``: what the box ``z`` sends its leaf ``w1``, ``∂z/∂w1 · dz``."""
    ids = box.inner | {id(box.root)}
    value = None
    summed = False
    for c in contributions:
        if id(c.source) in ids:
            value = c.value if value is None else value + c.value
            summed = summed or c.summed
    factors = box.coefficient(leaf)
    dz = grad_names[id(box.root)]
    texts = [labels[id(f)] if f is not None else "1" for f in factors]
    if texts == ["1"]:
        formula = dz
    elif len(texts) == 1:
        formula = f"{_wrapped(texts[0])} · {dz}"
    else:
        formula = f"({' + '.join(texts)}) · {dz}"
    numbers = ""
    upstream = box.root.grad
    coefficients = [1.0 if f is None else f.value for f in factors]
    if summed:  # the leaf was broadcast: its gradient adds up every entry's
        formula = _sum_of(formula)
    elif isinstance(upstream, float) and all(isinstance(k, float) for k in coefficients):
        total = sum(coefficients)  # type: ignore[arg-type]
        if formula != dz:
            coefficient = _wrapped(format_value(total, digits))
            numbers = f"{coefficient} · {_wrapped(format_value(upstream, digits))}"
    return Contribution(
        source=box.root,
        formula=formula,
        closed_form="",
        numbers=numbers,
        value=value,
        summed=summed,
    )


def _not_lectures(cost: LectureCost, output: Node, fused: bool) -> str:
    """Why lecture 2's formulas would not give the engine's numbers here, or ``""``.

    The lecture's ``dZ = A − Y`` is the fused walk's (a literal walk computes
    ``dA · A(1 − A)``), its ``1/m`` assumes backward started from ``dJ = 1``, and its
    ``db = (1/m)·Σ dZ`` a single number ``b``. Then the formulas, evaluated, are the engine's
    gradients to rounding: checked, since what is shown must be what is computed.
    """
    if not fused:
        return "the literal walk (fused=False) computes dZ = dA · A(1 − A), not A − Y"
    if not np.all(np.asarray(output.grad) == 1.0):
        return f"backward() started from d{_output_name(output)} ≠ 1, not the lecture's 1"
    if np.shape(cost.b.value) != ():
        return f"b has shape {np.shape(cost.b.value)}: the lecture's b is one number"
    dZ = np.asarray(cost.A.value) - np.asarray(cost.Y.value)
    X = np.asarray(cost.X.value)
    dw = (X @ dZ.T if cost.columns else X.T @ dZ) / cost.m
    scale = (np.abs(X) @ np.abs(dZ).T if cost.columns else np.abs(X).T @ np.abs(dZ)) / cost.m
    # The same sums in other orders: a few ulps of the sum of the terms' sizes apart.
    close_w = np.all(np.abs(dw.reshape(np.shape(cost.w.grad)) - cost.w.grad) <= 1e-12 * (
        scale.reshape(np.shape(cost.w.grad)) + np.finfo(float).tiny))
    close_b = abs(float(np.sum(dZ)) / cost.m - cost.b.grad) <= 1e-12 * (
        float(np.sum(np.abs(dZ))) / cost.m + np.finfo(float).tiny)
    if not (close_w and close_b):
        return "the lecture's dw and db do not evaluate to the engine's gradients here"
    return ""


def _per_example(cost: LectureCost) -> dict[int, Value]:
    """Each example's own ``dL``, ``dA`` and ``dZ``: the chain rule walked from the losses ``L``.

    The engine's own walk (``chain_rule``, fused as the lecture's ``dZ = A − Y`` is) from the
    vector of losses with ``dL = 1`` for every example: the lecture's per-example quantities,
    before J's ``1/m``. It writes the gradients below ``L``; ``explain`` puts them back.
    """
    below = topological_order(cost.loss)
    kept = [(node, node.grad, node.grad_pass, _copied(node.grad)) for node in below]
    try:
        chain_rule(cost.loss, np.ones(np.shape(cost.loss.value)), fused=True)
        return {id(node): _copied(node.grad) for node in (cost.loss, cost.A, cost.Z)}
    finally:
        _put_back(kept)  # the engine's dJ/d· again, in the very arrays it keeps


def _in_lecture_convention(
    cost: LectureCost, steps: list[Step], digits: int, per_example: dict[int, Value]
) -> list[Step]:
    """Lecture 2's scale: ``dL``, ``dA``, ``dZ = A − Y`` per example, ``1/m`` in dw and db only.

    ``per_example`` holds each example's own ``dL`` (1), ``dA`` and ``dZ`` (``_per_example``);
    ``dw = (1/m)·Xᵀ·dZ`` and ``db = (1/m)·Σ dZ`` are the engine's ``dJ/dw`` and ``dJ/db``.
    """
    labels = node_labels(cost.J, lecture_letters(cost))
    X, w, b, Z, A, Y = (labels[id(n)] for n in (cost.X, cost.w, cost.b, cost.Z, cost.A, cost.Y))
    L = labels[id(cost.loss)]
    m = cost.m
    dZ_value = per_example[id(cost.Z)]  # the lecture's dZ = A − Y, one entry per example
    dZ = f"d{Z}"
    rewritten: list[Step] = []
    for step in steps:
        node = step.node
        if node is cost.product or (cost.columns and node is cost.product.inputs[0]):
            continue  # X·w (or wᵀ, wᵀX) passes dJ/dZ on: the lecture has no step for it
        if node is cost.loss:
            value = per_example[id(node)]
            line = f"d{L} = 1"
            note = (
                f"per example: each example's loss {L}(i) with respect to itself; J's 1/m "
                f"(J = (1/m) Σ {L}(i), m = {m}) comes in dw and db"
            )
            shown = f"{line} = {format_value(value, digits)}"
            rewritten.append(_rewritten(step, f"d{L}", line, shown, value, note))
        elif node is cost.A:
            value = per_example[id(node)]
            line = step.formula
            note = (
                f"per example, d{L}/d{A}; the engine's own gradient of {A} is "
                f"dJ/d{A} = d{A}/m = {format_value(node.grad, digits)}"
            )
            shown = f"{line} = {format_value(value, digits)}"
            rewritten.append(_rewritten(step, step.gradient_name, line, shown, value, note))
        elif node is cost.Z:
            line = f"{dZ} = d{A} · {A}(1 − {A}) = {A} − {Y}"
            note = (
                f"lecture 2's dZ, one entry per example, not yet divided by m = {m}; the "
                f"engine's own gradient of {Z} is dJ/d{Z} = ({A} − {Y})/m = "
                f"{format_value(node.grad, digits)}"
            )
            shown = f"{line} = {format_value(dZ_value, digits)}"
            rewritten.append(_rewritten(step, dZ, line, shown, dZ_value, note))
        elif node is cost.w:
            product = f"{X} · {dZ}ᵀ" if cost.columns else f"{X}ᵀ · {dZ}"
            line = f"d{w} = (1/m) · {product}"
            numbers = f"(1/{m}) · {product} = {format_value(node.grad, digits)}"
            note = f"the same numbers as the engine's chain rule through {labels[id(cost.product)]}"
            shown = f"{line} = {numbers}"
            rewritten.append(_rewritten(step, f"d{w}", line, shown, node.grad, note))
        elif node is cost.b:
            line = f"d{b} = (1/m) · Σ {dZ}"
            total = float(np.sum(dZ_value))
            numbers = (
                f"(1/{m}) · {_wrapped(format_value(total, digits))} = "
                f"{format_value(node.grad, digits)}"
            )
            note = "Σ adds dZ over the examples: b is broadcast to each of them"
            shown = f"{line} = {numbers}"
            rewritten.append(_rewritten(step, f"d{b}", line, shown, node.grad, note))
        else:
            rewritten.append(step)
    return [dataclasses.replace(step, index=k) for k, step in enumerate(rewritten, start=1)]


def _rewritten(
    step: Step, name: str, formula: str, with_numbers: str, value: Value, note: str
) -> Step:
    return dataclasses.replace(
        step,
        gradient_name=name,
        formula=formula,
        formula_with_numbers=with_numbers,
        value=_copied(value),
        notes=(note,),
    )


def _output_name(node: Node) -> str:
    return display_name(node.name) if node.name is not None else "output"


def _contribution(
    sent: Sent,
    labels: dict[int, str],
    grad_names: dict[int, str],
    aliases: dict[int, str],
    digits: int,
) -> Contribution:
    source, target, k = sent.source, sent.target, sent.index
    op = type(source)
    simplified = generic = False
    if k is not None and k < len(op.gradient_formulas):
        template = op.gradient_formulas[k]
    elif getattr(op, "simplified_formula", None) and getattr(source, "logit", None) is target:
        template = op.simplified_formula
        simplified = True
    else:
        template = f"d{{target}} = the gradient {op.__name__}.send_gradients gives"
        generic = True
    rhs = _rhs(template)
    texts = {"out": labels[id(source)], "dout": grad_names[id(source)]}
    wrap = {"out": source.name is None and _needs_parentheses(labels[id(source)])}
    for i, x in enumerate(source.inputs):
        texts[str(i)] = labels[id(x)]
        wrap[str(i)] = x.name is None and _needs_parentheses(labels[id(x)])
    if simplified:
        texts["logit"] = labels[id(target)]
    formula = fill_template(rhs, texts, wrap)
    alias = aliases.get(id(source), "")
    closed_form = fill_template(rhs, {**texts, "dout": alias}, wrap) if alias else ""
    unsimplified = _chain_rule_through(source.inputs[0], labels, grad_names) if simplified else ""
    numbers = "" if generic or sent.summed else _with_numbers(rhs, source, sent.upstream, digits)
    if sent.summed:
        formula = _sum_of(formula)
        closed_form = _sum_of(closed_form) if closed_form else ""
    # A copy: the engine writes the next pass's gradients into the arrays it keeps.
    value = _copied(sent.gradient)
    return Contribution(
        source=source,
        formula=formula,
        closed_form=closed_form,
        numbers=numbers,
        value=value,
        summed=sent.summed,
        simplified=simplified,
        passes_on=sent.passes_on,
        unsimplified=unsimplified,
        alias=alias,
    )


def _rhs(template: str) -> str:
    """``{1} · {dout}`` from ``d{0} = {1} · d{out}``: the right-hand side, ``d{x}`` as ``{dx}``."""
    return _split(_D_PLACEHOLDER.sub(lambda m: "{d" + m.group(1) + "}", template))[1]


def _with_numbers(rhs: str, node: Node, upstream: Value | None, digits: int) -> str:
    """``rhs`` of ``node``'s formula with the numbers in it; ``""`` unless all are scalars."""
    values = [node.value, upstream, *(x.value for x in node.inputs)]
    if not all(isinstance(v, float) for v in values):
        return ""
    texts = {"out": format_value(node.value, digits), "dout": format_value(upstream, digits)}
    for i, x in enumerate(node.inputs):
        texts[str(i)] = format_value(x.value, digits)
    if hasattr(node, "m"):
        rhs = _STANDALONE_M.sub(str(node.m), rhs)
    return fill_template(rhs, texts, {key: is_negative(text) for key, text in texts.items()})


def _chain_rule_through(a: Node, labels: dict[int, str], grad_names: dict[int, str]) -> str:
    """``da · a(1 − a)``: the gradient formula of the sigmoid ``a``, which the shortcut skips."""
    formulas = type(a).gradient_formulas
    if not formulas or not a.inputs:
        return ""
    z = a.inputs[0]
    texts = {"out": labels[id(a)], "dout": grad_names[id(a)], "0": labels[id(z)]}
    wrap = {
        "out": a.name is None and _needs_parentheses(labels[id(a)]),
        "0": z.name is None and _needs_parentheses(labels[id(z)]),
    }
    return fill_template(_rhs(formulas[0]), texts, wrap)


def _sum_of(text: str) -> str:
    return f"Σ {text}" if precedence(text) >= 3 else f"Σ ({text})"


def _step(
    index: int,
    node: Node,
    output: Node,
    labels: dict[int, str],
    grad_names: dict[int, str],
    contributions: list[Contribution],
    digits: int,
) -> Step:
    label = labels[id(node)]
    name = grad_names[id(node)]
    grad = _copied(node.grad)
    value_text = format_value(grad, digits)
    if node is output:
        is_one = bool(np.all(np.asarray(grad) == 1.0))
        formula = f"{name} = {'1' if is_one else value_text}"
        if not is_one:
            note = "the start: the gradient given to backward()"
        elif node.name is not None:
            note = f"the start: d{label}/d{label} = 1"
        else:
            note = "the start: the output's derivative with respect to itself is 1"
        return Step(index, node, label, name, formula, formula, grad, (), (note,))

    formula = f"{name} = " + " + ".join(c.formula for c in contributions)
    parts = [" + ".join(c.unsimplified or c.formula for c in contributions)]
    if any(c.unsimplified for c in contributions):
        parts.append(" + ".join(c.formula for c in contributions))
        formula = f"{name} = {parts[0]} = {parts[1]}"
    if any(c.closed_form for c in contributions):
        parts.append(" + ".join(c.closed_form or c.formula for c in contributions))
    if len(contributions) == 1:
        if contributions[0].numbers:
            parts.append(contributions[0].numbers)
    elif all(c.numbers for c in contributions):
        parts.append(" + ".join(_wrapped(c.numbers) for c in contributions))
        parts.append(" + ".join(_wrapped(format_value(c.value, digits)) for c in contributions))
    else:
        parts.append(" + ".join(_wrapped(format_value(c.value, digits)) for c in contributions))
    if parts[-1] != value_text:
        parts.append(value_text)
    chain = f"{name} = " + " = ".join(parts)
    return Step(
        index,
        node,
        label,
        name,
        formula,
        chain,
        grad,
        tuple(contributions),
        tuple(_notes(node, label, name, labels, grad_names, contributions, digits)),
    )


def _notes(
    node: Node,
    label: str,
    name: str,
    labels: dict[int, str],
    grad_names: dict[int, str],
    contributions: list[Contribution],
    digits: int,
) -> Iterator[str]:
    """What the lecture would add: contributions adding up, the shortcut, closed forms."""
    if len(contributions) > 1:
        users = "; ".join(labels[id(c.source)] for c in contributions)
        yield f"{label} is used {len(contributions)} times (by {users}): the contributions add up"
    for c in contributions:
        source = labels[id(c.source)]
        if not c.passes_on:
            logit = getattr(c.source, "logit", None)
            via = f" to {labels[id(logit)]}" if logit is not None else ""
            yield (
                f"recorded in {label}.grad but not passed on: {source} sends its gradient "
                f"straight{via}"
            )
        if c.simplified:
            yield _simplification_note(c, source, label, digits)
        m = getattr(c.source, "m", None)
        if isinstance(m, int) and "m" in c.formula.replace(labels[id(c.source)], ""):
            yield f"m = {m}: {source} averages {m} entries"
        if c.summed:
            yield (
                f"summed to {label}'s shape {node.shape}: {label} was broadcast, so every use "
                f"contributes"
            )
    if node.name is not None and len(contributions) == 1:
        c = contributions[0]
        if c.closed_form and not c.summed:
            yield f"closed form {name} = {c.closed_form}: each + passes {c.alias} on unchanged"
        elif c.formula == grad_names[id(c.source)] and not c.summed:
            yield f"closed form {name} = {c.formula}: + passes {c.formula} on unchanged"


def _wrapped(text: str) -> str:
    return f"({text})" if is_negative(text) or precedence(text) < 2 else text


def _simplification_note(c: Contribution, source: str, target: str, digits: int) -> str:
    """The lecture's ``dz = da · a(1 − a) = a − y``, checked in numbers.

    The chain rule is multiplied out by the sigmoid's own ``backward_step``: the number shown is
    what the op computes.
    """
    loss = c.source
    a = loss.inputs[0]
    # The loss's own da, not a.grad: a sigmoid used elsewhere too adds its other users' da there.
    da = loss.backward_step(loss.grad)[0] if loss.grad is not None else None
    text = (
        f"the lecture's simplification: {c.unsimplified or 'the chain rule'} = {c.formula}, "
        f"which {source} sends straight to {target}"
    )
    if da is None:
        return text
    with np.errstate(invalid="ignore", over="ignore"):
        product = a.backward_step(da)[0]
    if not np.all(np.isfinite(product)):
        return text + "; multiplied out it would be ∞ · 0 where a rounds to 0 or 1"
    formulas = type(a).gradient_formulas
    numbers = _with_numbers(_rhs(formulas[0]), a, da, digits) if formulas else ""
    if numbers and np.ndim(product) == 0:
        same = np.isclose(product, c.value, rtol=1e-9, atol=1e-12)
        verdict = "the same" if same else f"not {format_value(c.value, digits)}"
        result = format_value(float(product), digits)
        return text + f"; multiplied out: {numbers} = {result}, {verdict}"
    if np.shape(product) == np.shape(c.value):
        gap = float(np.max(np.abs(product - np.asarray(c.value)))) if np.size(product) else 0.0
        return text + f"; multiplied out it differs by at most {format_value(gap, 2)}"
    return text


# --- the update step ------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """One parameter's step of gradient descent, ``w1 := w1 − α·dw1``, with the numbers.

    ``formula`` is ``w1 := w1 − α·dw1``; ``formula_with_numbers`` the whole line
    ``w1 := w1 − α·dw1 = 0.3 − 0.1 · (−0.49948) = 0.349948``; ``value`` the new value, computed
    as ``w1.value - alpha * w1.grad`` (the line shows it; nothing is assigned).
    """

    node: Node
    label: str
    formula: str
    formula_with_numbers: str
    value: Value

    def __str__(self) -> str:
        return self.formula_with_numbers


def explain_update(
    output: Node,
    alpha: float,
    parameters: Sequence[Node] | None = None,
    digits: int = 6,
) -> list[Update]:
    """The update ``w := w − α·dw`` of each parameter after ``output.backward()``, in numbers.

    Nothing is changed: each ``Update`` holds the line to show and the new value; assign it
    (``w1.value = update.value``) and call ``output.forward()`` to take the step.

    Parameters
    ----------
    output : Node
        The node ``backward()`` ran from (``L`` or ``J``).
    alpha : float
        The learning rate α, a finite number.
    parameters : sequence of Node, optional
        The leaves to update, in this order; by default every ``Variable`` of the graph with a
        gradient, in the order the graph uses them.
    digits : int
        Significant digits of the numbers in the text, at least 1.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> for update in explain_update(g.L, alpha=0.1):
    ...     print(update)
    w1 := w1 − α·dw1 = 0.3 − 0.1 · (−0.49948) = 0.349948
    w2 := w2 − α·dw2 = −0.4 − 0.1 · 0.24974 = −0.424974
    b := b − α·db = 0.1 − 0.1 · (−0.24974) = 0.124974
    """
    if not isinstance(output, Node):
        raise TypeError(f"explain_update() takes a node, got {type(output).__name__}")
    digits = check_digits(digits, "explain_update")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating, np.integer)):
        raise TypeError(f"explain_update: alpha must be a number, got {type(alpha).__name__}")
    alpha = float(alpha)
    if not np.isfinite(alpha):
        raise ValueError(f"explain_update: alpha must be finite, got {alpha}")
    name = _output_name(output)
    require_current(output, f"explain_update({name})")
    nodes = graph_nodes(output)
    require_one_backward_pass(nodes, f"explain_update({name})")
    if output.grad_pass is None or not output.grad_pass.started_from(output):
        raise RuntimeError(
            f"explain_update({name}): the gradients in the graph are not from "
            f"{name}.backward(): call {name}.backward() first"
        )
    if isinstance(parameters, Node) or (
        parameters is not None and not isinstance(parameters, (list, tuple))
    ):
        raise TypeError(
            f"explain_update: parameters must be a list of Variables, got "
            f"{type(parameters).__name__}; write parameters=[w1]"
        )
    if parameters is None:
        parameters = [n for n in nodes if isinstance(n, Variable) and n.grad is not None]
    in_graph = {id(n) for n in nodes}
    labels = node_labels(output)
    updates = []
    for node in parameters:
        if not isinstance(node, Node) or id(node) not in in_graph:
            shown = node.describe() if isinstance(node, Node) else type(node).__name__
            raise ValueError(f"explain_update: {shown} is not a node of the graph of {name}")
        if node.grad is None:
            raise ValueError(
                f"explain_update: {node.describe()} has no gradient: backward() from {name} "
                f"does not reach it (a Constant is data, not a parameter)"
            )
        if not isinstance(node, Variable):
            raise ValueError(
                f"explain_update: parameters holds {node.describe()}; only a Variable (a "
                f"parameter such as w1 or b) is updated by w := w − α·dw"
            )
        label = labels[id(node)]
        grad_name = gradient_name(node, label)
        formula = f"{label} := {label} − α·{grad_name}"
        value = node.value - alpha * node.grad
        if isinstance(value, float):
            numbers = (
                f"{format_value(node.value, digits)} − {format_value(alpha, digits)} · "
                f"{_wrapped(format_value(node.grad, digits))}"
            )
            line = f"{formula} = {numbers} = {format_value(value, digits)}"
        else:
            line = f"{formula} = {format_value(value, digits)}"
        updates.append(Update(node, label, formula, line, value))
    return updates


# --- the forward pass -------------------------------------------------------------------------


@dataclass(frozen=True)
class Computation:
    """One op's value in the forward pass, ``z = w1 · x1 + w2 · x2 + b``, with the numbers.

    ``formula`` is the op's formula in the nodes' names, every form the op class states
    (``a = σ(z) = 1 / (1 + e^(−z))``); ``formula_with_numbers`` the whole line, the numbers put
    in where the names were (an unnamed input, such as ``w1 · x1``, written out as its own
    numbers) and the result: ``z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = 1.1``.
    With arrays the line ends with the value alone. ``value`` is the node's value (a copy).
    """

    index: int
    node: Node
    label: str
    formula: str
    formula_with_numbers: str
    value: Value

    def __str__(self) -> str:
        return self.formula_with_numbers


def explain_forward(
    output: Node, digits: int = 6, *, convention: str = "auto"
) -> list[Computation]:
    """The forward pass of ``output``, op by op, in the expression's reading order.

    Each line is built from the same expressions that name the nodes (``node_expressions``)
    and the same numbers ``format_value`` writes, so the text shown is the one the drawings
    use. It needs no ``backward()``; a graph a leaf of which changed since it was computed is
    refused with ``StaleGraphError``.

    Parameters
    ----------
    output : Node
        The node whose computation to tell (usually ``L`` or ``J``).
    digits : int
        Significant digits of the numbers in the text, at least 1.
    convention : {"auto", "lecture", "engine"}
        Checked as in ``explain``; on lecture 2's cost, in either convention, unnamed nodes
        take the lecture's letters (``Z = X · w + b``, ``A = σ(Z)``).

    Returns
    -------
    list of Computation
        One per op node (leaves are given, not computed), each after its inputs and in the
        order the expression reads, left to right (``w1 · x1`` before ``w2 · x2``); ``output``
        last.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> for computation in explain_forward(g.L, digits=4):
    ...     print(computation)
    w1 · x1 = 0.3 · 2 = 0.6
    w2 · x2 = (−0.4) · (−1) = 0.4
    w1 · x1 + w2 · x2 = 0.3 · 2 + (−0.4) · (−1) = 1
    z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = 1.1
    a = σ(z) = 1 / (1 + e^(−z)) = 1 / (1 + e^(−1.1)) = 0.7503
    L = −(y · log a + (1 − y) · log(1 − a)) = −(1 · log 0.7503 + (1 − 1) · log(1 − 0.7503)) = 0.2873
    """
    if not isinstance(output, Node):
        raise TypeError(f"explain_forward() takes a node, got {type(output).__name__}")
    digits = check_digits(digits, "explain_forward")
    require_current(output, f"explain_forward({_output_name(output)})")
    convention = check_convention(convention, "explain_forward")
    cost = lecture_cost(output)  # its letters in either convention: X, never const₁
    letters = lecture_letters(cost) if cost is not None else None
    labels, expressions = describe_nodes(output, letters)
    numbers: dict[int, tuple[str, int]] = {}  # each node as its numbers read as an operand
    for node in graph_nodes(output):
        numbers[id(node)] = _operand_numbers(node, labels, expressions, numbers, digits)
    # The expression's reading order, left to right (w1 · x1 before w2 · x2), each op after
    # its inputs: an order forward() may compute in, and the one the slides read in.
    computed = [node for node in graph_nodes(output) if node.inputs]
    lines = []
    for index, node in enumerate(computed, start=1):
        label = labels[id(node)]
        forms = _forms(node)
        operands = [_as_operand(x, labels) for x in node.inputs]
        names = [fill_expression(form, operands) for form in forms]
        formula_parts = names if names[:1] == [label] else [label, *names]
        parts = list(formula_parts)
        if forms and all(isinstance(v, float) for v in (node.value, *_input_values(node))):
            args = [numbers[id(x)] for x in node.inputs]
            parts.append(fill_expression(_with_m(forms[-1], node), args))
        value_text = format_value(node.value, digits)
        if parts[-1] != value_text:
            parts.append(value_text)
        formula = " = ".join(formula_parts)
        lines.append(
            Computation(index, node, label, formula, " = ".join(parts), _copied(node.value))
        )
    return lines


def _forms(node: Node) -> list[str]:
    """Every right-hand side of the op's ``formula``: ``["σ({0})", "1 / (1 + e^(−{0}))"]``."""
    formula = type(node).formula
    if not formula.startswith("{out} = "):
        return []
    return formula[len("{out} = ") :].split(" = ")


def _as_operand(node: Node, labels: dict[int, str]) -> tuple[str, int]:
    """A node's label with the precedence ``node_labels`` gives it (a name binds tightest)."""
    label = labels[id(node)]
    if node.name is not None:
        return label, 4
    if not node.inputs and is_negative(label):
        return label, 1
    return label, precedence(label)


def _operand_numbers(
    node: Node,
    labels: dict[int, str],
    expressions: dict[int, str],
    numbers: dict[int, tuple[str, int]],
    digits: int,
) -> tuple[str, int]:
    """How ``node`` reads in numbers where its label stands in an expression.

    A node called by its expression (an unnamed op: ``w1 · x1``) is written out the same way,
    numbers for names (``0.3 · 2``); any other node is its value. The form of the expression
    is the one ``node_labels`` chose, so the numbers line up with the names.
    """
    shown = expressions.get(id(node))
    if node.name is None and shown is not None and labels[id(node)] == shown:
        args = [_as_operand(x, labels) for x in node.inputs]
        forms = _forms(node)
        scalars = all(isinstance(v, float) for v in _input_values(node))
        if scalars and forms and fill_expression(forms[0], args) == shown:
            text = fill_expression(_with_m(forms[0], node), [numbers[id(x)] for x in node.inputs])
            return text, precedence(text)
        if scalars:  # the short form, when the expression was long: L(a, y)
            inner = ", ".join(numbers[id(x)][0] for x in node.inputs)
            return f"{type(node).symbol}({inner})", 4
    text = format_value(node.value, digits)
    return text, 1 if is_negative(text) else 4


def _input_values(node: Node) -> list[Value]:
    return [x.value for x in node.inputs]


def _with_m(form: str, node: Node) -> str:
    """A mean's ``(1/m)`` with its number of entries, as in the backward lines."""
    m = getattr(node, "m", None)
    return _STANDALONE_M.sub(str(m), form) if isinstance(m, int) else form
