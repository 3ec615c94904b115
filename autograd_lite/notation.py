"""How nodes, values and formulas are written: one source for draw, explain and the CLI.

A node is called by its name, shown safely (``display_name``: names are data, never format
strings or markup), or, unnamed, by its expression (``w1 · x1``); a value by
``format_value`` (one line) or ``value_lines`` (a line per row, for drawings); an op's
formula by ``fill_formula``, which fills the op class's ``{out}``, ``{0}`` … with names.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence

import numpy as np

from autograd_lite.node import (
    Constant,
    Node,
    require_current,
    topological_order,
)
from autograd_lite.passes import require_one_backward_pass
from autograd_lite.values import Value

__all__ = [
    "EMPTY_NAME",
    "MAX_NAME",
    "MINUS",
    "check_digits",
    "describe_nodes",
    "display_name",
    "drawn_gradients",
    "fill_expression",
    "fill_formula",
    "fill_template",
    "format_value",
    "gradient_name",
    "graph_nodes",
    "is_negative",
    "node_expressions",
    "node_labels",
    "precedence",
    "printable",
    "showable",
    "value_lines",
]

_MAX_EXPRESSION = 32
"""Longer expressions are not used as labels: the node is called by its op and a number."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

MINUS = "−"
"""The minus sign of every number shown (U+2212, the lecture's): ``−0.4``, as in ``e^(−z)``."""

_HYPHEN_MINUS = str.maketrans("-", MINUS)


def _with_minus(text: str) -> str:
    """A number as Python wrote it, its hyphens as the lecture's minus sign: ``−0.4``, ``1e−05``."""
    return text.translate(_HYPHEN_MINUS)


def is_negative(text: str) -> bool:
    """Whether a shown number (or expression) starts with a minus sign, either one."""
    return text.startswith((MINUS, "-"))


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


def value_lines(value: Value | None, digits: int = 6, max_entries: int = 6) -> list[str]:
    """A number or array as lines of text: one line, or one line per row of a small matrix.

    Scalars get ``digits`` significant digits; arrays of at most ``max_entries`` entries are
    written out (a 2-D one row by row, as numpy prints it), larger ones summarised by shape,
    mean and range. Drawings put each line in a row of the box; ``format_value`` joins them.

    Examples
    --------
    >>> value_lines(np.array([[0.3], [-0.4]]))
    ['[[0.3],', ' [−0.4]]']
    """
    digits = check_digits(digits, "format_value")
    if value is None:
        return ["none"]
    if isinstance(value, float):
        return [_with_minus(f"{value:.{digits}g}")]
    array = np.asarray(value)
    if array.ndim == 0:
        return [_with_minus(f"{float(array):.{digits}g}")]
    if array.size == 0:
        return [f"{array.shape} array, empty"]
    if array.size <= max_entries:
        text = np.array2string(
            array,
            separator=", ",
            max_line_width=1_000_000,  # a line per row of the array, never a wrapped row
            formatter={"float_kind": lambda t: f"{t:.{digits}g}"},
        )
        return _with_minus(text).split("\n")
    return [
        _with_minus(
            f"{array.shape} array: mean {np.mean(array):.{digits}g}, "
            f"min {np.min(array):.{digits}g}, max {np.max(array):.{digits}g}"
        )
    ]


def format_value(value: Value | None, digits: int = 6, max_entries: int = 6) -> str:
    """A number or array on one line, as the explanations and drawings show it.

    Scalars get ``digits`` significant digits, negative ones the lecture's minus sign ``−``
    (U+2212); arrays of at most ``max_entries`` entries are written out, rows side by side
    (never a line break), larger ones summarised by shape, mean and range.

    Examples
    --------
    >>> format_value(-0.4750208125210601)                       # the lecture's minus sign
    '−0.475021'
    >>> format_value(np.array([1.0, 2.5]))
    '[1, 2.5]'
    >>> format_value(np.array([[0.3], [-0.4]]))                 # the course's column vector
    '[[0.3], [−0.4]]'
    >>> format_value(np.zeros((100, 2)), digits=4)
    '(100, 2) array: mean 0, min 0, max 0'
    """
    return " ".join(line.strip() for line in value_lines(value, digits, max_entries))


# --- names: user data, shown safely -------------------------------------------------------------

MAX_NAME = 40
"""Longer names are cut to this many characters, the last an ellipsis, wherever they are shown."""

EMPTY_NAME = '""'
"""What an empty name is shown as: visible, and plainly the empty string."""

_UNSHOWABLE = re.compile(r"[\ud800-\udfff]")  # lone surrogates: no encoding can write them


def showable(text: str) -> str:
    """``text`` with every character no encoding can write (a lone surrogate) as ``\ufffd``."""
    return _UNSHOWABLE.sub("\ufffd", text)


def printable(text: str) -> str:
    """``text`` as any page or picture can show it: control characters written out (``\\n``),
    unwritable ones (lone surrogates) as ``\ufffd``."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in showable(text))


def display_name(name: str) -> str:
    """A node's name as drawings and explanations show it, whatever the name holds.

    The name is data: shown, never interpreted. An empty name is shown as ``""``; control
    characters are written out (``\\n``); characters no encoding can write (lone surrogates)
    become the replacement character ``\ufffd``; a name longer than ``MAX_NAME`` characters
    is cut, ending in ``…``.

    Examples
    --------
    >>> display_name("z"), display_name(""), display_name("a\\nb"), display_name("x" * 50)[-3:]
    ('z', '""', 'a\\\\nb', 'xx…')
    """
    if name == "":
        return EMPTY_NAME
    text = printable(name)
    if len(text) > MAX_NAME:
        text = text[: MAX_NAME - 1] + "…"
    return text


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


def precedence(text: str) -> int:
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


def fill_expression(template: str, inputs: Sequence[tuple[str, int]]) -> str:
    """``template`` with each ``{i}`` replaced by an input's text, parenthesised as needed."""
    own = precedence(template)

    def replace(match: re.Match[str]) -> str:
        text, precedence = inputs[int(match.group(1))]
        if _enclosed(template, match.start(), match.end()):
            return text
        needed = own if match.start() == 0 else own + 1
        if own == 4:
            needed = 4
        return f"({text})" if precedence < min(needed, 4) else text

    return _PLACEHOLDER.sub(replace, template)


def node_labels(output: Node, letters: dict[int, str] | None = None) -> dict[int, str]:
    """What drawings and explanations call each node, keyed by ``id(node)``.

    A named node is called by its name. An unnamed op is called by its expression, built from
    its op's ``formula`` and its inputs' labels (``w1 · x1``, ``σ(z)``, ``L(a, y)``); when that
    gets long, by its op and a number (``divide₁``). An unnamed constant shows its value.
    ``letters`` names unnamed nodes by id for a view (lecture 2's ``Z``, ``A``).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w, x = ag.Variable(0.5, name="w"), ag.Variable(2.0, name="x")
    >>> z = w * x + 1
    >>> node_labels(z)[id(z)], node_labels(z)[id(z.inputs[0])]
    ('w · x + 1', 'w · x')
    """
    return describe_nodes(output, letters)[0]


def node_expressions(output: Node, letters: dict[int, str] | None = None) -> dict[int, str]:
    """Each op's right-hand side in its inputs' labels (``z`` → ``w1 · x1 + w2 · x2 + b``).

    Keyed by ``id(node)``; leaves and ops whose expression would be long are left out.
    """
    return describe_nodes(output, letters)[1]


def describe_nodes(
    output: Node, letters: dict[int, str] | None = None
) -> tuple[dict[int, str], dict[int, str]]:
    """``node_labels`` and ``node_expressions`` at once, from one walk of the graph."""
    labels: dict[int, str] = {}
    expressions: dict[int, str] = {}
    precedences: dict[int, int] = {}
    fallbacks = 0
    for node in graph_nodes(output):
        text: str | None = None
        if node.inputs:
            args = [(labels[id(x)], precedences[id(x)]) for x in node.inputs]
            template = _template(node)
            text = fill_expression(template, args) if template else None
            symbol = type(node).symbol
            if (text is None or len(text) > _MAX_EXPRESSION) and symbol.isalpha():
                text = f"{symbol}({', '.join(label for label, _ in args)})"
            if text is not None and len(text) > _MAX_EXPRESSION:
                text = None
            if text is not None:
                expressions[id(node)] = text
        elif isinstance(node.value, float) and isinstance(node, Constant):
            text = format_value(node.value, digits=4)  # a number written in: 3 in 3 · x
        if node.name is not None:
            labels[id(node)], precedences[id(node)] = display_name(node.name), 4
        elif letters and id(node) in letters:  # the lecture's letter for an unnamed node: Z
            labels[id(node)], precedences[id(node)] = letters[id(node)], 4
        elif text is not None:
            # A negative number is parenthesised wherever it is an operand: w1 · (-0.5).
            negative = not node.inputs and is_negative(text)
            labels[id(node)], precedences[id(node)] = text, 1 if negative else precedence(text)
        else:
            fallbacks += 1
            if node.inputs:
                kind = type(node).__name__.lower()
            else:  # two unnamed leaves of one value are two nodes: never the same label
                kind = "const" if isinstance(node, Constant) else "var"
            labels[id(node)] = kind + str(fallbacks).translate(_SUBSCRIPTS)
            precedences[id(node)] = 4
    return labels, expressions


def gradient_name(node: Node, label: str) -> str:
    """``dz`` for a node named ``z``; ``d(w1 · x1)`` for an unnamed one."""
    return "d" + label if node.name is not None or label.isalpha() else f"d({label})"


def drawn_gradients(output: Node, unnamed: bool = True) -> dict[str, Value]:
    """Every gradient in ``output``'s graph, named or not, under the name ``draw`` shows it.

    This is ``Node.gradients()``: named nodes by the lecture's names (``dz``), and the unnamed
    ones too, as drawings call them: ``d(x · x)``, ``d(var₁)``. Output first, in the order the
    backward pass visited the nodes (``topological_order``); run ``output.backward()`` first.
    Two named nodes of one name are refused (``ValueError``); two unnamed nodes that read alike
    are told apart by a number, ``d(x · x) (2)``. ``unnamed=False`` keeps the named ones only:
    the lecture's ``dL, da, dz, dw1, dw2, db``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.Variable(3.0)
    >>> y = x * x + x
    >>> y.backward()
    >>> drawn_gradients(y)
    {'d(var₁ · var₁ + var₁)': 1.0, 'd(var₁ · var₁)': 1.0, 'd(var₁)': 7.0}
    """
    if output.grad is None:
        raise RuntimeError(f"{output.describe()} has no gradient yet: call backward() first")
    reader = f"{output.describe()}.gradients()"
    require_current(output, reader)
    order = topological_order(output)
    require_one_backward_pass(order, reader)
    labels = node_labels(output)
    found: dict[str, Value] = {}
    owners: dict[str, Node] = {}
    for node in order:
        grad = node.grad
        if grad is None or (node.name is None and not unnamed):
            continue
        key = gradient_name(node, labels[id(node)])
        if key in owners and owners[key] is not node:
            if node.name is not None and owners[key].name is not None:
                raise ValueError(
                    f"two different nodes are named {node.name!r} "
                    f"({owners[key].describe()} and {node.describe()}); give them distinct names"
                )
            count = 2
            while f"{key} ({count})" in owners:
                count += 1
            key = f"{key} ({count})"
        owners[key] = node
        found[key] = grad
    return found


# --- filling the op classes' gradient formulas ------------------------------------------------

_ANY_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_EITHER_PLACEHOLDER = re.compile(r"d\{(\w+)\}|\{(\w+)\}")


def fill_template(template: str, texts: dict[str, str], wrap: dict[str, bool]) -> str:
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

    One pass over the template: a name that itself looks like a placeholder (``{out}``) is
    put in as text and never filled again.

    Examples
    --------
    >>> fill_formula("d{0} = d{out} · {out}(1 − {out})", {"out": "a", "0": "z"})
    'dz = da · a(1 − a)'
    >>> fill_formula("d{0} = {1} · d{out}", {"out": "{out}", "0": "w", "1": "{zzz}"})
    'dw = {zzz} · d{out}'
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:  # d{key}: the gradient of the node called texts[key]
            text = texts[match.group(1)]
            return f"d({text})" if " " in text else f"d{text}"
        return texts[match.group(2)]

    return _EITHER_PLACEHOLDER.sub(replace, template)


# L.gradients(): bound here, where nodes are named as drawn, so the engine imports no names
Node.gradients = drawn_gradients  # type: ignore[attr-defined]
