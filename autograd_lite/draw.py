"""Pictures of a computation graph, with Graphviz: values, gradients and the backward steps.

``draw(L)`` is a pure function from the graph to a ``graphviz.Digraph`` (its ``.source`` is the
DOT text); it shows inline in Jupyter, and ``save(g, "graph.svg")`` (or ``g.render``) turns it
into a file, which needs Graphviz's ``dot`` program. ``draw_steps(L)`` gives one picture per
backward step, and ``save_steps(L, folder)`` writes them, with a one-file slideshow.

Legend
------
The graph reads left to right, inputs first, as the lecture draws it. Each box shows

- its **name** in bold (an unnamed op shows its expression, e.g. ``w1 · x1``);
- for an op, a grey line with its kind and formula (``Sigmoid: a = σ(z)``);
- its **value** (``value 0.525``; arrays show their shape and a short summary);
- after ``backward()``, its **gradient** in red, in the lecture's notation (``da = -1.905``).
  A node without a gradient (before backward, or a constant) shows no gradient line at all,
  never a zero.

Shapes and colours:

- rounded blue box: a ``Variable`` (a leaf backward differentiates: ``w1``, ``b``, ``x1``);
- rounded grey dashed box: a ``Constant`` (data such as ``y`` or ``X``: no gradient);
- square yellow box: an op (``+``, ``×``, ``σ``, ``L`` ...);
- double border: the output ``draw`` was called on;
- orange fill and thick border: highlighted nodes and edges (``highlight=``, and the node
  whose gradient a step computes in ``draw_steps``);
- edge labels (``derivatives=True``): the local derivative ``∂a/∂z = a(1 − a)`` from the op
  class's ``local_derivatives``, with its number for scalars;
- dashed purple edge: a ``LogLoss`` on a ``Sigmoid`` sends ``dz = dL · (a − y)`` straight to
  ``z`` (drawn with ``derivatives=True`` and in the step it is used).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd_lite.explain import Step, check_option, explain
from autograd_lite.node import (
    Constant,
    Node,
    require_current,
    require_one_backward_pass,
)
from autograd_lite.notation import (
    check_digits,
    fill_formula,
    format_value,
    gradient_name,
    graph_nodes,
    node_expressions,
    node_labels,
    showable,
    value_lines,
)
from autograd_lite.values import Value
from autograd_lite.views import (
    CONVENTIONS,
    SumOfProducts,
    lecture_cost,
    lecture_letters,
    sums_of_products,
)

__all__ = [
    "Drawing",
    "GraphvizNotFoundError",
    "draw",
    "draw_steps",
    "path_between",
    "save",
    "save_steps",
]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
"""File extensions ``save`` understands, and the Graphviz format of each."""

_INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH, and rendering a picture needs it. "
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install graphviz`, or see "
    "https://graphviz.org/download/. The DOT text needs no Graphviz: use graph.source, or "
    "save to a .dot file."
)

_VARIABLE = {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe", "color": "#1d4ed8"}
_CONSTANT = {
    "shape": "box",
    "style": "rounded,filled,dashed",
    "fillcolor": "#f3f4f6",
    "color": "#6b7280",
    "fontcolor": "#374151",
}
_OP = {"shape": "box", "style": "filled", "fillcolor": "#fef9c3", "color": "#a16207"}
_HIGHLIGHT = {"fillcolor": "#fdba74", "color": "#c2410c", "penwidth": "3"}
_EDGE = {"color": "#6b7280"}
_EDGE_HIGHLIGHT = {"color": "#c2410c", "penwidth": "3"}
_SHORTCUT = {
    "style": "dashed",
    "color": "#7e22ce",
    "fontcolor": "#7e22ce",
    "constraint": "false",
}
_GRADIENT_COLOUR = "#b91c1c"


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's ``dot`` program, which is not installed (the message says how)."""

    def __init__(self, message: str = _INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering says how to install Graphviz when it is missing.

    Everything else is the ``graphviz`` package's own: ``.source``, ``.render``, ``.pipe``,
    inline display in Jupyter.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error


# --- the pure part: graph to DOT -----------------------------------------------------------------


_MAX_TITLE = 300
"""Longer titles are cut (with an ellipsis): Graphviz refuses labels beyond 16,384 bytes."""


def _text(text: str) -> str:
    """Text for an HTML-like label: markup escaped, control characters written out.

    Square brackets are written as character references: Graphviz 2.42's label parser reads a
    bare ``]`` as a syntax error. Characters no encoding can write become ``\ufffd``.
    """
    visible = "".join(c if c.isprintable() else repr(c)[1:-1] for c in showable(text))
    escaped = html.escape(visible, quote=True)
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


def _html(markup: str) -> str:
    return f"<{markup}>"


def _value_rows(value: Value, digits: int) -> list[str]:
    if isinstance(value, float):
        return [f"value {format_value(value, digits)}"]
    return [f"shape {value.shape}", *_array_rows(value, digits)]


def _array_rows(value: Value, digits: int) -> list[str]:
    """The entries of a small array, a row per matrix row, or a large one's mean and range."""
    if np.size(value) <= 4:
        return value_lines(value, digits, max_entries=4)
    if np.size(value) == 0:
        return ["empty"]
    return [
        f"mean {format_value(float(np.mean(value)), digits)}, "
        f"min {format_value(float(np.min(value)), digits)}, "
        f"max {format_value(float(np.max(value)), digits)}"
    ]


def _node_label(
    node: Node,
    label: str,
    expression: str | None,
    grad: Value | None,
    digits: int,
    grad_name: str | None = None,
    box: bool = False,
) -> str:
    rows = [f"<TR><TD><B>{_text(label)}</B></TD></TR>"]
    if node.inputs:
        kind = type(node).__name__
        about = f"{kind}: {label} = {expression}" if node.name is not None and expression else kind
        if box and expression:  # the slide's one box: z = w1 · x1 + w2 · x2 + b
            about = f"{label} = {expression}"
        small = f'<FONT POINT-SIZE="10" COLOR="#57534e">{_text(about)}</FONT>'
        rows.append(f"<TR><TD>{small}</TD></TR>")
    rows.extend(f"<TR><TD>{_text(row)}</TD></TR>" for row in _value_rows(node.value, digits))
    if grad is not None:
        name = grad_name or gradient_name(node, label)
        if isinstance(grad, float):
            grad_rows = [f"{name} = {format_value(grad, digits)}"]
        else:
            grad_rows = [f"{name}:", *_array_rows(grad, digits)]
        rows.extend(
            f'<TR><TD><FONT COLOR="{_GRADIENT_COLOUR}">{_text(row)}</FONT></TD></TR>'
            for row in grad_rows
        )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
    return _html(table + "".join(rows) + "</TABLE>")


def _local_derivative(node: Node, i: int, labels: dict[int, str], digits: int) -> str:
    """``∂a/∂z = a(1 − a) = 0.2494``, from the op class's ``local_derivatives``."""
    formulas = type(node).local_derivatives
    if i >= len(formulas):
        return ""
    texts = {"out": _operand(node, labels)}
    texts.update({str(k): _operand(x, labels) for k, x in enumerate(node.inputs)})
    local = fill_formula(formulas[i], texts)
    text = f"∂{_operand(node, labels)}/∂{_operand(node.inputs[i], labels)} = {local}"
    if isinstance(node.value, float) and all(isinstance(x.value, float) for x in node.inputs):
        number = node.backward_step(1.0)[i]  # a scalar op's backward of 1 is its local slope
        shown = None if number is None else format_value(float(number), digits)
        if shown is not None and shown != local:  # ∂z/∂b = 1, not "= 1 = 1"
            text += f" = {shown}"
    return text


def _box_derivative(box: SumOfProducts, leaf: Node, labels: dict[int, str], digits: int) -> str:
    """``∂z/∂w1 = x1 = 2``: the slope of the slide's box ``z`` in one of its leaves."""
    factors = box.coefficient(leaf)
    texts = [labels[id(f)] if f is not None else "1" for f in factors]
    text = f"∂{_operand(box.root, labels)}/∂{_operand(leaf, labels)} = {' + '.join(texts)}"
    numbers = [1.0 if f is None else f.value for f in factors]
    if texts != ["1"] and all(isinstance(k, float) for k in numbers):
        text += f" = {format_value(sum(numbers), digits)}"  # type: ignore[arg-type]
    return text


def _operand(node: Node, labels: dict[int, str]) -> str:
    label = labels[id(node)]
    return f"({label})" if node.name is None and (" " in label) else label


def _graph_attributes(title: str | None) -> dict[str, str]:
    attributes = {"rankdir": "LR", "fontname": "Helvetica", "nodesep": "0.3", "ranksep": "0.5"}
    if title:
        if len(title) > _MAX_TITLE:
            title = title[: _MAX_TITLE - 1] + "…"
        attributes.update(label=_html(_text(title)), labelloc="t", fontsize="16")
    return attributes


def _check_size(output: Node, nodes: Sequence[Node], max_nodes: int) -> None:
    if len(nodes) > max_nodes:
        raise ValueError(
            f"draw: the graph of {output.describe()} has {len(nodes)} nodes, more than "
            f"max_nodes={max_nodes}; a picture that large is slow to lay out and hard to read. "
            f"Draw a graph for one example (or the vectorized form, which has a handful of "
            f"nodes), or pass max_nodes={len(nodes)} to draw it anyway."
        )


def _as_nodes(highlight: Node | Iterable[Node] | None, what: str) -> list[Node]:
    if highlight is None:
        return []
    items = [highlight] if isinstance(highlight, Node) else list(highlight)
    for item in items:
        if not isinstance(item, Node):
            raise TypeError(f"{what}: expected nodes, got {type(item).__name__}")
    return items


@dataclass(frozen=True)
class _View:
    """What a lecture view changes in a picture (see ``draw``'s ``collapse``, ``fused``).

    ``boxes`` are the sums of products drawn as one box; ``grads`` and ``grad_names`` the
    gradients to show, from ``explain`` in the same view, when they differ from ``.grad``;
    ``fused`` whether the log loss sends ``dz`` straight to the logit (the dashed edge).
    """

    boxes: dict[int, SumOfProducts] = field(default_factory=dict)
    grads: dict[int, Value] | None = None
    grad_names: dict[int, str] = field(default_factory=dict)
    letters: dict[int, str] | None = None
    fused: bool = True

    @property
    def hidden(self) -> set[int]:
        return {i for box in self.boxes.values() for i in box.inner}


def _view(
    output: Node,
    *,
    gradients: bool,
    collapse: bool,
    fused: bool | None,
    convention: str,
    digits: int,
    where: str,
) -> _View:
    """The view ``draw`` was asked for; the gradients from ``explain`` in that view."""
    collapse = check_option(collapse, "collapse", where)
    fused = check_option(fused, "fused", where, allow_none=True)
    if convention not in CONVENTIONS:
        raise ValueError(
            f"{where}: convention must be one of {', '.join(map(repr, CONVENTIONS))}, "
            f"got {convention!r}"
        )
    cost = lecture_cost(output) if convention != "engine" else None
    boxes = sums_of_products(output) if collapse else {}
    ran = output.grad_pass if output.grad is not None else None
    ran_fused = ran.fused if ran is not None else True
    walk_fused = ran_fused if fused is None else fused
    letters = lecture_letters(cost) if cost is not None else None
    if not gradients or ran is None or not ran.started_from(output):
        return _View(boxes, None, {}, letters, walk_fused)
    if cost is None and not boxes and walk_fused == ran_fused:
        return _View(boxes, None, {}, letters, walk_fused)
    explanation = explain(
        output, digits, fused=walk_fused, collapse=collapse, convention=convention
    )
    steps = explanation.steps
    return _View(
        boxes,
        {id(step.node): step.value for step in steps},
        {id(step.node): step.gradient_name for step in steps},
        letters,
        walk_fused,
    )


def _build(
    output: Node,
    *,
    grads: dict[int, Value] | None,
    highlight_nodes: Iterable[Node],
    highlight_edges: set[tuple[int, int]] | None,
    derivatives: bool,
    shortcut_edges: set[tuple[int, int]],
    digits: int,
    max_nodes: int,
    title: str | None,
    view: _View | None = None,
) -> Drawing:
    view = view or _View()
    nodes = graph_nodes(output)
    _check_size(output, nodes, max_nodes)
    labels = node_labels(output, view.letters)
    expressions = node_expressions(output, view.letters)
    hidden = view.hidden
    nodes = [node for node in nodes if id(node) not in hidden]
    ids = {id(node): f"n{k}" for k, node in enumerate(nodes)}
    marked = set()
    for node in highlight_nodes:
        if id(node) not in ids:
            raise ValueError(
                f"draw: highlight={node.describe()} is not in the graph of {output.describe()}"
            )
        marked.add(id(node))
    if highlight_edges is None:  # a highlighted path: every edge between two marked nodes
        highlight_edges = {
            (id(x), id(node)) for node in nodes for x in node.inputs if {id(x), id(node)} <= marked
        }

    graph = Drawing(
        graph_attr=_graph_attributes(title),
        node_attr={"fontname": "Helvetica", "fontsize": "12", "margin": "0.08,0.04"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.7"},
    )
    for node in nodes:
        style = dict(_CONSTANT if isinstance(node, Constant) else _OP if node.inputs else _VARIABLE)
        if id(node) in marked:
            style.update(_HIGHLIGHT)
        if node is output:
            style["peripheries"] = "2"
        grad = None if grads is None else grads.get(id(node))
        label = _node_label(
            node,
            labels[id(node)],
            expressions.get(id(node)),
            grad,
            digits,
            grad_name=view.grad_names.get(id(node)),
            box=id(node) in view.boxes,
        )
        graph.node(ids[id(node)], label=label, **style)

    for node in nodes:
        box = view.boxes.get(id(node))
        edges = (
            [(x, _box_derivative(box, x, labels, digits)) for x in box.leaves]
            if box is not None
            else [
                (x, _local_derivative(node, i, labels, digits)) for i, x in enumerate(node.inputs)
            ]
        )
        for x, derivative in edges:
            style = dict(_EDGE_HIGHLIGHT if (id(x), id(node)) in highlight_edges else _EDGE)
            if derivatives and x.requires_grad and derivative:
                style["label"] = _html(_text(derivative))
            graph.edge(ids[id(x)], ids[id(node)], **style)
        logit = getattr(node, "logit", None)
        formula = getattr(type(node), "simplified_formula", "")
        if logit is not None and formula and id(logit) in ids and view.fused:
            key = (id(logit), id(node))
            if derivatives or key in shortcut_edges:
                style = dict(_SHORTCUT)
                if key in highlight_edges:
                    style["penwidth"] = "3"
                shortcut = _fill_simple(formula, node, logit, labels)
                style["label"] = _html(_text(f"shortcut: {shortcut}"))
                graph.edge(ids[id(logit)], ids[id(node)], **style)
    return graph


def _fill_simple(formula: str, node: Node, logit: Node, labels: dict[int, str]) -> str:
    """``dz = dL · (a − y)`` from ``d{logit} = d{out} · ({0} − {1})``, names filled in."""
    texts = {"out": labels[id(node)], "logit": labels[id(logit)]}
    texts.update({str(k): labels[id(x)] for k, x in enumerate(node.inputs)})
    return fill_formula(formula, texts)


def draw(
    output: Node,
    *,
    gradients: bool = True,
    highlight: Node | Iterable[Node] | None = None,
    derivatives: bool = False,
    digits: int = 4,
    max_nodes: int = 200,
    title: str | None = None,
    collapse: bool = False,
    fused: bool | None = None,
    convention: str = "auto",
) -> graphviz.Digraph:
    """The computation graph of ``output`` as a Graphviz picture (see the legend above).

    A pure function of the graph: nothing is rendered or written; call ``save`` (or
    ``.render``) for a file, or let Jupyter show it. A graph a leaf of which changed since it
    was computed is refused with ``StaleGraphError``: call ``output.forward()`` first.

    Parameters
    ----------
    output : Node
        The node to draw with everything it depends on (usually the loss ``L``).
    gradients : bool
        Show the gradients that ``backward()`` stored (nodes without one show none).
    highlight : Node or iterable of Node, optional
        Nodes to highlight; the edges between two highlighted nodes are highlighted too, so
        ``highlight=path_between(w1, L)`` highlights a path.
    derivatives : bool
        Write the local derivative on each edge (``∂a/∂z = a(1 − a)``).
    digits : int
        Significant digits of the numbers shown, at least 1 (else ``ValueError``).
    max_nodes : int
        Refuse graphs larger than this (``ValueError``, which says how many nodes there are).
    title : str, optional
        A caption above the picture.
    collapse : bool
        Draw each sum of products as the slide's one box ``z = w1 · x1 + w2 · x2 + b``, with
        an edge from each of its leaves (``∂z/∂w1 = x1`` with ``derivatives=True``).
    fused : bool, optional
        ``False`` shows the chain rule taken literally through σ (no dashed shortcut; the
        gradients of a literal walk, as ``explain(fused=False)``); by default as
        ``backward()`` ran.
    convention : {"auto", "lecture", "engine"}
        For lecture 2's cost, show the lecture's ``dZ = A − Y`` (``"auto"`` does) or the
        engine's ``dJ/dZ`` (``"engine"``); as in ``explain``.

    Returns
    -------
    graphviz.Digraph
        A ``Drawing``; ``.source`` is the DOT text.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> picture = draw(g.L, derivatives=True)
    >>> "dz = -0.2497" in picture.source and "∂a/∂z = a(1 − a)" in picture.source
    True
    """
    digits = check_digits(digits, "draw")
    require_current(output, "draw")  # never a picture of out-of-date values
    grads = None
    if gradients:
        nodes = graph_nodes(output)
        require_one_backward_pass(nodes, "draw")  # never one picture of two passes' gradients
        grads = {id(node): node.grad for node in nodes if node.grad is not None}
    view = _view(
        output,
        gradients=gradients,
        collapse=collapse,
        fused=fused,
        convention=convention,
        digits=digits,
        where="draw",
    )
    if view.grads is not None:
        grads = view.grads
    return _build(
        output,
        grads=grads,
        highlight_nodes=_as_nodes(highlight, "draw(highlight=...)"),
        highlight_edges=None,
        derivatives=derivatives,
        shortcut_edges=set(),
        digits=digits,
        max_nodes=max_nodes,
        title=title,
        view=view,
    )


def path_between(start: Node, end: Node) -> list[Node]:
    """The nodes on every path from ``start`` to ``end`` (both included), inputs first.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w, x = ag.Variable(0.5, name="w"), ag.Variable(2.0, name="x")
    >>> y = (w * x + 1).named("y")
    >>> [n.label for n in path_between(w, y)]
    ['w', '×', 'y']
    """
    nodes = graph_nodes(end)
    leads_to_start = {id(start)}
    for node in nodes:
        if any(id(x) in leads_to_start for x in node.inputs):
            leads_to_start.add(id(node))
    if id(end) not in leads_to_start:
        raise ValueError(f"path_between: {end.describe()} does not depend on {start.describe()}")
    on_path = {id(end)}
    for node in reversed(nodes):
        if id(node) in on_path:
            on_path.update(id(x) for x in node.inputs if id(x) in leads_to_start)
    return [node for node in nodes if id(node) in on_path]


def draw_steps(
    output: Node,
    *,
    derivatives: bool = False,
    digits: int = 4,
    max_nodes: int = 200,
) -> list[graphviz.Digraph]:
    """One picture per backward step: the node whose gradient is computed is highlighted.

    Step ``k`` shows the gradients of steps 1 … k (later nodes have none yet), highlights the
    node of step ``k`` and the edges its gradient comes back along, and has the step's
    formula with numbers (from ``explain``) as its caption. Needs ``output.backward()`` first.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> frames = draw_steps(g.L)
    >>> len(frames), "step 3 of 9: dz = da · a(1 − a)" in frames[2].source
    (9, True)
    """
    digits = check_digits(digits, "draw_steps")
    require_current(output, "draw_steps")
    explanation = explain(output, digits=digits)
    total = len(explanation.steps)
    frames = []
    shown: dict[int, Value] = {}
    for step in explanation.steps:
        shown[id(step.node)] = step.value
        frames.append(
            _build(
                output,
                grads=dict(shown),
                highlight_nodes=[step.node],
                highlight_edges=_step_edges(step),
                derivatives=derivatives,
                shortcut_edges=_step_shortcuts(step),
                digits=digits,
                max_nodes=max_nodes,
                title=f"step {step.index} of {total}: {step.formula_with_numbers}",
            )
        )
    return frames


def _step_edges(step: Step) -> set[tuple[int, int]]:
    return {(id(step.node), id(c.source)) for c in step.contributions}


def _step_shortcuts(step: Step) -> set[tuple[int, int]]:
    return {(id(step.node), id(c.source)) for c in step.contributions if c.simplified}


# --- rendering: separate, and the only part that needs Graphviz installed -------------------------


def _pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        if isinstance(error, GraphvizNotFoundError):
            raise
        raise GraphvizNotFoundError() from error


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS.values():
            raise ValueError(f"save: unknown format {fmt!r}; use one of svg, png, pdf, dot")
        return fmt
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"save: cannot tell the format of {str(path)!r} from its extension; use one of "
            f"{', '.join(FORMATS)}"
        ) from None


def save(graph: graphviz.Digraph, path: str | Path, format: str | None = None) -> Path:  # noqa: A002
    """Write ``graph`` to ``path``: SVG, PNG, PDF or DOT, by the extension (or ``format``).

    DOT is the text itself and needs nothing else; the other formats run Graphviz's ``dot``
    and raise ``GraphvizNotFoundError``, which says how to install it, when it is missing.
    Returns the path written.
    """
    path = Path(path)
    fmt = _format_of(path, format)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
        return path
    path.write_bytes(_rendered(graph, fmt))
    return path


def _rendered(graph: graphviz.Digraph, fmt: str) -> bytes:
    """``graph`` rendered by Graphviz as ``fmt`` (svg, png or pdf), PNG at 150 dpi."""
    if fmt == "png":  # the default 96 dpi makes small, blurry text on slides
        graph = graph.copy()
        graph.graph_attr["dpi"] = "150"
    return _pipe(graph, fmt)


def save_steps(
    output: Node,
    folder: str | Path,
    *,
    format: str = "svg",  # noqa: A002
    derivatives: bool = False,
    digits: int = 4,
    max_nodes: int = 200,
) -> list[Path]:
    """Write one file per backward step into ``folder``, and ``steps.html``, a slideshow.

    The files are ``step_01.svg``, ``step_02.svg`` … (or ``.png``, ``.pdf``, ``.dot`` with
    ``format``). ``steps.html`` holds every step as inline SVG in one self-contained page:
    open it in any browser and page with the arrow keys or the buttons. Returns the paths
    written, the slideshow last.

    ``format="dot"`` writes each frame's DOT text (``.source``) and needs no Graphviz; it
    writes no slideshow, which needs Graphviz to render the SVGs. Every picture is made
    before ``folder`` is created, so a failure (Graphviz missing, bad ``digits``) leaves no
    folder behind.
    """
    digits = check_digits(digits, "save_steps")
    folder = Path(folder)
    fmt = _format_of(folder / f"x.{format.lower().lstrip('.')}", None)
    frames = draw_steps(output, derivatives=derivatives, digits=digits, max_nodes=max_nodes)
    width = max(2, len(str(len(frames))))
    paths = [folder / f"step_{k:0{width}d}.{fmt}" for k in range(1, len(frames) + 1)]
    contents: list[str | bytes]
    slideshow: str | None = None
    if fmt == "dot":
        contents = [frame.source for frame in frames]
    else:
        svgs = [_rendered(frame, "svg").decode("utf-8") for frame in frames]
        contents = list(svgs) if fmt == "svg" else [_rendered(frame, fmt) for frame in frames]
        captions = [step.formula_with_numbers for step in explain(output, digits=digits).steps]
        slideshow = _slideshow(svgs, captions, output)
    folder.mkdir(parents=True, exist_ok=True)
    for path, content in zip(paths, contents, strict=True):
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    written = list(paths)
    if slideshow is not None:
        written.append(folder / "steps.html")
        written[-1].write_text(slideshow, encoding="utf-8")
    return written


def _slideshow(svgs: Sequence[str], captions: Sequence[str], output: Node) -> str:
    slides = []
    for k, (svg, caption) in enumerate(zip(svgs, captions, strict=True), start=1):
        body = svg[svg.index("<svg") :]  # drop the XML prolog: the page is HTML
        hidden = "" if k == 1 else " hidden"
        slides.append(
            f'<section class="slide"{hidden}><p>{html.escape(caption)}</p>{body}</section>'
        )
    title = html.escape(f"Backward pass of {output.name or type(output).__name__}, step by step")
    return _PAGE.format(title=title, count=len(slides), slides="\n".join(slides))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; }}
  nav {{ margin-bottom: 1em; }}
  button {{ font-size: 1em; padding: 0.2em 0.8em; }}
  .slide p {{ font-family: monospace; font-size: 1.1em; }}
  .slide svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>{title}</h1>
<nav><button id="previous">&larr; previous</button>
<span id="where">1 / {count}</span>
<button id="next">next &rarr;</button> (or the arrow keys)</nav>
{slides}
<script>
  const slides = document.querySelectorAll(".slide");
  let shown = 0;
  function show(k) {{
    shown = Math.max(0, Math.min(slides.length - 1, k));
    slides.forEach((slide, i) => {{ slide.hidden = i !== shown; }});
    document.getElementById("where").textContent = (shown + 1) + " / " + slides.length;
  }}
  document.getElementById("previous").onclick = () => show(shown - 1);
  document.getElementById("next").onclick = () => show(shown + 1);
  document.addEventListener("keydown", (event) => {{
    if (event.key === "ArrowRight" || event.key === "PageDown") show(shown + 1);
    if (event.key === "ArrowLeft" || event.key === "PageUp") show(shown - 1);
  }});
</script>
</body>
</html>
"""
