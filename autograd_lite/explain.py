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
derivative of the output with respect to that product. The helpers here (``graph_nodes``,
``node_labels``, ``format_value``) are shared with ``draw``.
"""

from __future__ import annotations

import operator
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from autograd_lite.node import (
    Node,
    Sent,
    Variable,
    chain_rule,
    require_current,
    require_one_backward_pass,
    topological_order,
)
from autograd_lite.values import Value

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

_MAX_EXPRESSION = 32
"""Longer expressions are not used as labels: the node is called by its op and a number."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# --- numbers ------------------------------------------------------------------------------------


def check_digits(digits: object, where: str) -> int:
    """``digits`` if it is an integer of at least 1; else a ``TypeError`` or ``ValueError``.

    ``where`` names the function in the message, e.g. ``"draw"``. A bool is not a number of
    digits.
    """
    if isinstance(digits, bool):
        raise TypeError(f"{where}: digits must be an integer ≥ 1, got {digits!r}")
    try:
        count = operator.index(digits)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(
            f"{where}: digits must be an integer ≥ 1, got {type(digits).__name__} {digits!r}"
        ) from None
    if count < 1:
        raise ValueError(f"{where}: digits must be an integer ≥ 1, got digits={count}")
    return count


def format_value(value: Value | None, digits: int = 6, max_entries: int = 6) -> str:
    """A number or array as the explanations and drawings show it.

    Scalars get ``digits`` significant digits; arrays of at most ``max_entries`` entries are
    written out, larger ones summarised by shape, mean and range.

    Examples
    --------
    >>> from autograd_lite.explain import format_value
    >>> format_value(-0.4750208125210601)
    '-0.475021'
    >>> format_value(np.array([1.0, 2.5]))
    '[1, 2.5]'
    >>> format_value(np.zeros((100, 2)), digits=4)
    '(100, 2) array: mean 0, min 0, max 0'
    """
    digits = check_digits(digits, "format_value")
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.{digits}g}"
    if array.size <= max_entries:
        return np.array2string(
            array, separator=", ", formatter={"float_kind": lambda t: f"{t:.{digits}g}"}
        )
    if array.size == 0:
        return f"{array.shape} array, empty"
    return (
        f"{array.shape} array: mean {np.mean(array):.{digits}g}, "
        f"min {np.min(array):.{digits}g}, max {np.max(array):.{digits}g}"
    )


# --- the graph and what to call its nodes -----------------------------------------------------


def graph_nodes(output: Node) -> list[Node]:
    """Every node ``output`` is computed from, constants included, each after its inputs.

    The order is the same on every run (inputs in their tuple order), which keeps drawings
    and explanations reproducible; the walk uses an explicit stack, not recursion.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.Variable(2.0, name="x")
    >>> [n.label for n in graph_nodes((x * 3).named("y"))]
    ['x', '3', 'y']
    """
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(output, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.inputs):  # reversed: the first input is expanded first
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def _template(node: Node) -> str:
    """The right-hand side of the op's forward formula: ``σ({0})`` from ``{out} = σ({0}) = …``."""
    formula = type(node).formula
    if not formula.startswith("{out} = "):
        return ""
    return formula[len("{out} = ") :].split(" = ")[0]


def _top_level(text: str) -> Iterator[tuple[int, str]]:
    depth = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0:
            yield i, char


def _precedence(text: str) -> int:
    """How tightly an expression binds: 1 for a sum, 2 for a product, 3 prefix, 4 atom."""
    top = "".join(char for _, char in _top_level(text))
    if " + " in top or " − " in top or " - " in top:
        return 1
    if " " in top:
        return 2
    if text.startswith(("−", "-")):
        return 3
    return 4


def _enclosed(template: str, start: int, end: int) -> bool:
    """Whether a placeholder sits alone in parentheses or an argument list: ``σ({0})``."""
    before = template[start - 1] if start > 0 else ""
    after = template[end] if end < len(template) else ""
    return (before == "(" or template[max(start - 2, 0) : start] == ", ") and after in ",)"


_PLACEHOLDER = re.compile(r"\{(\d+)\}")


def _fill_expression(template: str, inputs: Sequence[tuple[str, int]]) -> str:
    """``template`` with each ``{i}`` replaced by an input's text, parenthesised as needed."""
    own = _precedence(template)

    def replace(match: re.Match[str]) -> str:
        text, precedence = inputs[int(match.group(1))]
        if _enclosed(template, match.start(), match.end()):
            return text
        needed = own if match.start() == 0 else own + 1
        if own == 4:
            needed = 4
        return f"({text})" if precedence < min(needed, 4) else text

    return _PLACEHOLDER.sub(replace, template)


def node_labels(output: Node) -> dict[int, str]:
    """What drawings and explanations call each node, keyed by ``id(node)``.

    A named node is called by its name. An unnamed op is called by its expression, built from
    its op's ``formula`` and its inputs' labels (``w1 · x1``, ``σ(z)``, ``L(a, y)``); when that
    gets long, by its op and a number (``divide₁``). An unnamed constant shows its value.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w, x = ag.Variable(0.5, name="w"), ag.Variable(2.0, name="x")
    >>> z = w * x + 1
    >>> node_labels(z)[id(z)], node_labels(z)[id(z.inputs[0])]
    ('w · x + 1', 'w · x')
    """
    return _describe(output)[0]


def node_expressions(output: Node) -> dict[int, str]:
    """Each op's right-hand side in its inputs' labels (``z`` → ``w1 · x1 + w2 · x2 + b``).

    Keyed by ``id(node)``; leaves and ops whose expression would be long are left out.
    """
    return _describe(output)[1]


def _describe(output: Node) -> tuple[dict[int, str], dict[int, str]]:
    labels: dict[int, str] = {}
    expressions: dict[int, str] = {}
    precedences: dict[int, int] = {}
    fallbacks = 0
    for node in graph_nodes(output):
        text: str | None = None
        if node.inputs:
            args = [(labels[id(x)], precedences[id(x)]) for x in node.inputs]
            template = _template(node)
            text = _fill_expression(template, args) if template else None
            symbol = type(node).symbol
            if (text is None or len(text) > _MAX_EXPRESSION) and symbol.isalpha():
                text = f"{symbol}({', '.join(label for label, _ in args)})"
            if text is not None and len(text) > _MAX_EXPRESSION:
                text = None
            if text is not None:
                expressions[id(node)] = text
        elif isinstance(node.value, float):
            text = format_value(node.value, digits=4)
        if node.name is not None:
            labels[id(node)], precedences[id(node)] = node.name, 4
        elif text is not None:
            # A negative number is parenthesised wherever it is an operand: w1 · (-0.5).
            negative = not node.inputs and text.startswith("-")
            labels[id(node)], precedences[id(node)] = text, 1 if negative else _precedence(text)
        else:
            fallbacks += 1
            kind = "const" if not node.inputs else type(node).__name__.lower()
            labels[id(node)] = kind + str(fallbacks).translate(_SUBSCRIPTS)
            precedences[id(node)] = 4
    return labels, expressions


def gradient_name(node: Node, label: str) -> str:
    """``dz`` for a node named ``z``; ``d(w1 · x1)`` for an unnamed one."""
    return "d" + label if node.name is not None else f"d({label})"


# --- filling the op classes' gradient formulas ------------------------------------------------

_D_PLACEHOLDER = re.compile(r"d\{(\w+)\}")
_ANY_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_STANDALONE_M = re.compile(r"(?<![\w{])m(?![\w}])")


def _fill(template: str, texts: dict[str, str], wrap: dict[str, bool]) -> str:
    """Replace ``{key}`` by ``texts[key]``, in parentheses when ``wrap[key]`` and not enclosed."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        text = texts[key]
        alone = template.strip() == match.group(0)
        enclosed = _enclosed(template, match.start(), match.end())
        if wrap.get(key, False) and not alone and not enclosed:
            return f"({text})"
        return text

    return _ANY_PLACEHOLDER.sub(replace, template)


def fill_formula(template: str, texts: dict[str, str]) -> str:
    """An op's formula with ``{out}``, ``{0}``, ``{1}`` … replaced by ``texts``.

    Examples
    --------
    >>> fill_formula("d{0} = d{out} · {out}(1 − {out})", {"out": "a", "0": "z"})
    'dz = da · a(1 − a)'
    """

    def gradient_of(match: re.Match[str]) -> str:
        text = texts[match.group(1)]
        return f"d({text})" if " " in text else f"d{text}"

    return _fill(_D_PLACEHOLDER.sub(gradient_of, template), texts, {})


def _split(formula: str) -> tuple[str, str]:
    """``("d{0}", "{1} · d{out}")`` from ``"d{0} = {1} · d{out}"``."""
    lhs, _, rhs = formula.partition(" = ")
    return lhs, rhs


def _needs_parentheses(text: str) -> bool:
    return _precedence(text) < 4


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
    the whole chain ``dz = dL · (a − y) = 1 · (0.524979 − 1) = -0.475021``; ``value`` is
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
    """

    def __init__(self, output: Node, steps: Sequence[Step], labels: dict[int, str]) -> None:
        self.output = output
        self.steps: tuple[Step, ...] = tuple(steps)
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
        name = self.output.name
        if name is not None:
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


def explain(output: Node, digits: int = 6) -> Explanation:
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
    dw1 = x1 · d(w1 · x1) = x1 · dz = 2 · (-0.24974) = -0.49948
    >>> e[g.z].value == g.z.grad
    True
    """
    if not isinstance(output, Node):
        raise TypeError(f"explain() takes a node, got {type(output).__name__}")
    digits = check_digits(digits, "explain")
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
    order = topological_order(output)
    # The walk writes every gradient again; what backward() left (and whatever the reader did
    # to it since) is put back afterwards, so explaining changes nothing.
    kept = [(node, node._grad, node.grad_pass, _copied(node.grad)) for node in order]
    received: dict[int, list[Sent]] = {}
    try:
        for sent in chain_rule(output, kept[0][3]):
            received.setdefault(id(sent.target), []).append(sent)
        for node, _, _, before in kept:
            _require_same(output, node, before)
        steps = _steps(output, order, received, digits)
    finally:
        for node, grad, grad_pass, before in kept:
            node._grad = before if type(before) is np.ndarray else grad
            node.grad_pass = grad_pass
    return Explanation(output, steps, node_labels(output))


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
    output: Node, order: list[Node], received: dict[int, list[Sent]], digits: int
) -> list[Step]:
    labels = node_labels(output)
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
    return steps


def _output_name(node: Node) -> str:
    return node.name if node.name is not None else "output"


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
    formula = _fill(rhs, texts, wrap)
    alias = aliases.get(id(source), "")
    closed_form = _fill(rhs, {**texts, "dout": alias}, wrap) if alias else ""
    unsimplified = _chain_rule_through(source.inputs[0], labels, grad_names) if simplified else ""
    numbers = "" if generic or sent.summed else _with_numbers(rhs, source, sent.upstream, digits)
    if sent.summed:
        formula = _sum_of(formula)
        closed_form = _sum_of(closed_form) if closed_form else ""
    # A copy: the engine writes the next pass's gradients into the arrays it keeps.
    value = _copied(sent.gradient if sent.passes_on else sent.gradient.value(target))
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
    return _fill(rhs, texts, {key: text.startswith("-") for key, text in texts.items()})


def _chain_rule_through(a: Node, labels: dict[int, str], grad_names: dict[int, str]) -> str:
    """``da · a(1 − a)``: the gradient formula of the sigmoid ``a``, which the shortcut skips."""
    formulas = type(a).gradient_formulas
    if not formulas or not a.inputs:
        return ""
    texts = {"out": labels[id(a)], "dout": grad_names[id(a)], "0": labels[id(a.inputs[0])]}
    wrap = {"out": a.name is None, "0": a.inputs[0].name is None}
    return _fill(_rhs(formulas[0]), texts, wrap)


def _sum_of(text: str) -> str:
    return f"Σ {text}" if _precedence(text) >= 3 else f"Σ ({text})"


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
    return f"({text})" if text.startswith("-") or _precedence(text) < 2 else text


def _simplification_note(c: Contribution, source: str, target: str, digits: int) -> str:
    """The lecture's ``dz = da · a(1 − a) = a − y``, checked in numbers.

    The chain rule is multiplied out by the sigmoid's own ``backward_step``: the number shown is
    what the op computes.
    """
    a = c.source.inputs[0]
    da = a.grad
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
        return text + f"; multiplied out it differs by at most {gap:.2g}"
    return text


# --- the update step ------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """One parameter's step of gradient descent, ``w1 := w1 − α·dw1``, with the numbers.

    ``formula`` is ``w1 := w1 − α·dw1``; ``formula_with_numbers`` the whole line
    ``w1 := w1 − α·dw1 = 0.3 − 0.1 · (-0.49948) = 0.349948``; ``value`` the new value, computed
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
    w1 := w1 − α·dw1 = 0.3 − 0.1 · (-0.49948) = 0.349948
    w2 := w2 − α·dw2 = -0.4 − 0.1 · 0.24974 = -0.424974
    b := b − α·db = 0.1 − 0.1 · (-0.24974) = 0.124974
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
    numbers) and the result: ``z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (-0.4) · (-1) + 0.1 = 1.1``.
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


def explain_forward(output: Node, digits: int = 6) -> list[Computation]:
    """The forward pass of ``output``, op by op in the order ``forward()`` computes them.

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

    Returns
    -------
    list of Computation
        One per op node (leaves are given, not computed), ``output`` last.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> for computation in explain_forward(g.L, digits=4):
    ...     print(computation)
    w2 · x2 = (-0.4) · (-1) = 0.4
    w1 · x1 = 0.3 · 2 = 0.6
    w1 · x1 + w2 · x2 = 0.3 · 2 + (-0.4) · (-1) = 1
    z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (-0.4) · (-1) + 0.1 = 1.1
    a = σ(z) = 1 / (1 + e^(−z)) = 1 / (1 + e^(−1.1)) = 0.7503
    L = −(y · log a + (1 − y) · log(1 − a)) = −(1 · log 0.7503 + (1 − 1) · log(1 − 0.7503)) = 0.2873
    """
    if not isinstance(output, Node):
        raise TypeError(f"explain_forward() takes a node, got {type(output).__name__}")
    digits = check_digits(digits, "explain_forward")
    require_current(output, f"explain_forward({_output_name(output)})")
    labels, expressions = _describe(output)
    numbers: dict[int, tuple[str, int]] = {}  # each node as its numbers read as an operand
    for node in graph_nodes(output):
        numbers[id(node)] = _operand_numbers(node, labels, expressions, numbers, digits)
    # The order forward() computes in (graph_nodes' order is the drawings'): read backwards it
    # is the backward pass's order, as the lecture draws the two passes.
    computed = [node for node in [*output._orders()[0], output] if node.inputs]
    lines = []
    for index, node in enumerate(computed, start=1):
        label = labels[id(node)]
        forms = _forms(node)
        operands = [_as_operand(x, labels) for x in node.inputs]
        names = [_fill_expression(form, operands) for form in forms]
        formula_parts = names if names[:1] == [label] else [label, *names]
        parts = list(formula_parts)
        if forms and all(isinstance(v, float) for v in (node.value, *_input_values(node))):
            args = [numbers[id(x)] for x in node.inputs]
            parts.append(_fill_expression(_with_m(forms[-1], node), args))
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
    if not node.inputs and label.startswith("-"):
        return label, 1
    return label, _precedence(label)


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
        if scalars and forms and _fill_expression(forms[0], args) == shown:
            text = _fill_expression(_with_m(forms[0], node), [numbers[id(x)] for x in node.inputs])
            return text, _precedence(text)
        if scalars:  # the short form, when the expression was long: L(a, y)
            inner = ", ".join(numbers[id(x)][0] for x in node.inputs)
            return f"{type(node).symbol}({inner})", 4
    text = format_value(node.value, digits)
    return text, 1 if text.startswith("-") else 4


def _input_values(node: Node) -> list[Value]:
    return [x.value for x in node.inputs]


def _with_m(form: str, node: Node) -> str:
    """A mean's ``(1/m)`` with its number of entries, as in the backward lines."""
    m = getattr(node, "m", None)
    return _STANDALONE_M.sub(str(m), form) if isinstance(m, int) else form
