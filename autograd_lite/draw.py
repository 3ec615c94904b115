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
- after ``backward()``, its **gradient** in red, in the lecture's notation (``da = −1.905``).
  A node without a gradient (before backward, or a constant) shows no gradient line at all,
  never a zero.

Shapes and colours:

- rounded blue box: a ``Variable`` (a leaf backward differentiates: ``w1``, ``b``, ``x1``);
- rounded grey dashed box: a ``Constant`` (data such as ``y`` or ``X``: no gradient);
- square yellow box: an op (``+``, ``×``, ``σ``, ``L`` ...);
- double border: the output ``draw`` was called on;
- a grey value marked ``(old)``: in a step-through's update frames, computed from a parameter
  updated since, until the next forward pass;
- orange fill and thick border: highlighted nodes and edges (``highlight=``, and the node
  whose gradient a step computes in ``draw_steps``);
- edge labels (``derivatives=True``): the local derivative ``∂a/∂z = a(1 − a)`` from the op
  class's ``local_derivatives``, with its number for scalars, an unnamed op called by its
  symbol (``∂(+)/∂(×) = 1``: the edge shows which boxes); the boxes stay where the plain
  drawing has them, the columns moved apart to make room for the labels;
- a saved PNG fits a 16:9 slide of 1920 × 1080 pixels: 150 dpi, or less for a larger
  picture;
- dashed purple edge: a ``LogLoss`` on a ``Sigmoid`` sends ``dz = dL · (a − y)`` straight to
  ``z`` (drawn with ``derivatives=True`` and in the step it is used).
"""

from __future__ import annotations

import hashlib
import html
import json
import numbers
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd_lite.explain import Explanation, Step, check_option, explain
from autograd_lite.node import (
    Constant,
    Node,
    require_current,
)
from autograd_lite.notation import (
    check_digits,
    display_name,
    fill_formula,
    format_value,
    gradient_name,
    graph_nodes,
    node_expressions,
    node_labels,
    printable,
    value_lines,
)
from autograd_lite.pages import PageFrame, frames_page
from autograd_lite.passes import require_one_backward_pass
from autograd_lite.values import Value
from autograd_lite.views import (
    SumOfProducts,
    check_convention,
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
_EDGE_HIGHLIGHT = {"color": "#c2410c", "penwidth": "3", "class": "highlight"}
_SHORTCUT = {
    "style": "dashed",
    "color": "#7e22ce",
    "fontcolor": "#7e22ce",
    "constraint": "false",
}
_GRADIENT_COLOUR = "#b91c1c"
_STALE_COLOUR = "#9ca3af"


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's ``dot`` program, which is not installed (the message says how)."""

    def __init__(self, message: str = _INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering says how to install Graphviz when it is missing.

    ``edge_labels`` lists the (tail, head, text) of each edge from an input to its op, the
    text its derivative label (``""`` for none), in the order drawn: for the layout that
    keeps the plain drawing's places (``_like_plain``).

    Everything else is the ``graphviz`` package's own: ``.source``, ``.render``, ``.pipe``,
    inline display in Jupyter. A frame of ``draw_steps`` keeps its nodes where the shared
    layout put them: its engine is ``neato``, run as ``neato -n2`` (the DOT text says
    ``layout=neato``, so ``dot -Tsvg`` on a saved ``.dot`` file draws the same picture).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edge_labels: list[tuple[str, str, str]] = []

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        if self.engine == "neato":  # a frame of a step-through: its nodes' places are given
            kwargs.setdefault("neato_no_op", 2)
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        if self.engine == "neato":
            kwargs.setdefault("neato_no_op", 2)
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
    visible = printable(text)
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
    *,
    value: Value | None = None,
    computed: bool = True,
    stale: bool = False,
) -> str:
    """``value`` shows another value than ``node.value`` (a parameter after its update step);
    ``computed=False`` shows ``value ?`` (an op the forward pass has not reached yet);
    ``stale`` greys the value and says ``(old)``: it was computed from a parameter updated
    since, until the next forward pass."""
    rows = [f"<TR><TD><B>{_text(label)}</B></TD></TR>"]
    if node.inputs:
        kind = type(node).__name__
        about = f"{kind}: {label} = {expression}" if node.name is not None and expression else kind
        if box and expression:  # the slide's one box: z = w1 · x1 + w2 · x2 + b
            about = f"{label} = {expression}"
        small = f'<FONT POINT-SIZE="10" COLOR="#57534e">{_text(about)}</FONT>'
        rows.append(f"<TR><TD>{small}</TD></TR>")
    shown = _value_rows(node.value if value is None else value, digits) if computed else ["value ?"]
    if stale:
        shown[0] += " (old)"
        rows.extend(
            f'<TR><TD><FONT COLOR="{_STALE_COLOUR}">{_text(row)}</FONT></TD></TR>' for row in shown
        )
    else:
        rows.extend(f"<TR><TD>{_text(row)}</TD></TR>" for row in shown)
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
    texts = {"out": _short(node, labels)}
    texts.update({str(k): _short(x, labels) for k, x in enumerate(node.inputs)})
    local = fill_formula(formulas[i], texts)
    text = f"∂{_short(node, labels)}/∂{_short(node.inputs[i], labels)} = {local}"
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
    text = f"∂{_short(box.root, labels)}/∂{_short(leaf, labels)} = {' + '.join(texts)}"
    numbers = [1.0 if f is None else f.value for f in factors]
    if texts != ["1"] and all(isinstance(k, float) for k in numbers):
        text += f" = {format_value(sum(numbers), digits)}"  # type: ignore[arg-type]
    return text


def _short(node: Node, labels: dict[int, str]) -> str:
    """A node's short name for an edge's label: its name or letter, else its op's symbol.

    ``∂(+)/∂(×) = 1`` on the edge from ``w1 · x1`` into ``w1 · x1 + w2 · x2``: the edge shows
    which two boxes, and the whole expressions would make the label wider than both boxes.
    """
    label = labels[id(node)]
    if node.name is not None or " " not in label:
        return label
    symbol = type(node).symbol
    return f"({symbol})" if symbol else label


def _graph_attributes(title: str | None) -> dict[str, str]:
    # ordering=in: each op's inputs top to bottom in their order (w1 above x1, a above y), in
    # every drawing alike, so that edge labels (derivatives=True) move no box.
    attributes = {
        "rankdir": "LR",
        "fontname": "Helvetica",
        "nodesep": "0.3",
        "ranksep": "0.3",
        "ordering": "in",
    }
    if title:
        if len(title) > _MAX_TITLE:
            title = title[: _MAX_TITLE - 1] + "…"
        lines = "<BR/>".join(_text(line) for line in title.split("\n"))  # one per line
        attributes.update(label=_html(lines), labelloc="t", fontsize="16")
    return attributes


def check_size(output: Node, nodes: Sequence[Node], max_nodes: int, where: str = "draw") -> None:
    """Refuse a graph of more than ``max_nodes`` nodes, at once, before any work on it.

    Step pictures grow as the square of the graph (a frame per node, each of every node), so
    ``draw_steps``, ``save_steps`` and ``step_through`` check first, not at their first frame.
    """
    # numpy's integers are whole numbers too (numbers.Integral); a bool is not a count.
    if (
        isinstance(max_nodes, bool | np.bool_)
        or not isinstance(max_nodes, numbers.Integral)
        or max_nodes < 1
    ):
        raise ValueError(f"{where}: max_nodes must be a whole number ≥ 1, got {max_nodes!r}")
    if len(nodes) > max_nodes:
        raise ValueError(
            f"{where}: the graph of {output.describe()} has {len(nodes)} nodes, more than "
            f"max_nodes={max_nodes}; a picture that large is slow to lay out and hard to read. "
            f"Draw a graph for one example (or the vectorized form, which has a handful of "
            f"nodes), or pass max_nodes={len(nodes)} to draw it anyway."
        )


def check_node(output: Any, where: str) -> None:
    """``TypeError`` unless ``output`` is a node, in ``explain``'s words."""
    if not isinstance(output, Node):
        raise TypeError(f"{where}() takes a node, got {type(output).__name__}")


def _checked_title(title: Any, where: str) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(
            f"{where}: title must be a string or None, got {title!r} ({type(title).__name__})"
        )
    return title


def _as_nodes(highlight: Node | Iterable[Node] | None, what: str) -> list[Node]:
    if highlight is None:
        return []
    items = [highlight] if isinstance(highlight, Node) else list(highlight)
    for item in items:
        if not isinstance(item, Node):
            raise TypeError(f"{what}: expected nodes, got {type(item).__name__}")
    return items


@dataclass(frozen=True)
class View:
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
) -> View:
    """The view ``draw`` was asked for; the gradients from ``explain`` in that view."""
    collapse = check_option(collapse, "collapse", where)
    fused = check_option(fused, "fused", where, allow_none=True)
    convention = check_convention(convention, where)
    cost = lecture_cost(output) if convention != "engine" else None
    if convention == "lecture" and cost is None:
        raise ValueError(
            f"{where}(convention='lecture'): the graph is not lecture 2's cost "
            f"J = mean(L(σ(X·w + b), Y)); use convention='engine' (or 'auto')"
        )
    boxes = sums_of_products(output) if collapse else {}
    ran = output.grad_pass if output.grad is not None else None
    ran_fused = ran.fused if ran is not None else True
    walk_fused = ran_fused if fused is None else fused
    recognised = lecture_cost(output)  # the lecture's letters in either convention
    letters = lecture_letters(recognised) if recognised is not None else None
    if not gradients or ran is None or not ran.started_from(output):
        return View(boxes, None, {}, letters, walk_fused)
    if cost is None and not boxes and walk_fused == ran_fused:
        return View(boxes, None, {}, letters, walk_fused)
    return explained_view(output, digits, collapse, fused, convention, where)[1]


def explained_view(
    output: Node,
    digits: int,
    collapse: bool,
    fused: bool | None,
    convention: str,
    where: str = "explain",
) -> tuple[Explanation, View]:
    """``explain(output)`` in a lecture view, and the view to draw its frames in.

    Shared by ``draw``, ``draw_steps`` and the step-through, so that the pictures show the
    gradients, and the names, that the captions tell.
    """
    explanation = explain(
        output, digits, fused=fused, collapse=collapse, convention=convention, _where=where
    )
    cost = lecture_cost(output)  # its letters, in either convention
    walk_fused = output.grad_pass.fused if fused is None else fused
    steps = explanation.steps
    view = View(
        sums_of_products(output) if collapse else {},
        {id(step.node): step.value for step in steps},
        {id(step.node): step.gradient_name for step in steps},
        lecture_letters(cost) if cost is not None else None,
        walk_fused,
    )
    return explanation, view


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
    view: View | None = None,
    values: dict[int, Value | None] | None = None,
    gradient_flow: bool = False,
    layout: _Layout | None = None,
    stale: set[int] | None = None,
) -> Drawing:
    """The DOT of ``output``'s graph. ``view`` is a lecture view (boxes, gradients to show);
    of the keywords past it, each frame of a step-through sets its own: ``values`` shows other
    values than the nodes' own (``None``: not computed yet); ``gradient_flow`` turns the
    highlighted edges to point the way the gradient flows, from an op back to its input;
    ``layout`` fixes every node's size and place; ``stale`` holds the ids of the nodes whose
    values were computed from a parameter updated since (shown grey, ``(old)``)."""
    view = view or View()
    nodes = graph_nodes(output)
    check_size(output, nodes, max_nodes)
    labels = node_labels(output, view.letters)
    expressions = node_expressions(output, view.letters)
    hidden = view.hidden
    # Ids over every node, hidden ones too: a node keeps its id in every view and every frame.
    ids = {id(node): f"n{k}" for k, node in enumerate(nodes) if id(node) not in hidden}
    nodes = [node for node in nodes if id(node) not in hidden]
    marked = set()
    inside = {i: box.root for box in view.boxes.values() for i in box.inner}
    for node in highlight_nodes:
        node = inside.get(id(node), node)  # a node inside the slide's box: the box itself
        if id(node) not in ids:
            raise ValueError(
                f"draw: highlight={node.describe()} is not in the graph of {output.describe()}"
            )
        marked.add(id(node))
    if highlight_edges is None:  # a highlighted path: every edge between two marked nodes
        highlight_edges = {
            (id(x), id(node))
            for node in nodes
            for x in (view.boxes[id(node)].leaves if id(node) in view.boxes else node.inputs)
            if {id(x), id(node)} <= marked
        }
    flow = {"dir": "back"} if gradient_flow else {}  # arrowhead at the input: the gradient's way

    graph = Drawing(
        graph_attr=_graph_attributes(title),
        node_attr={"fontname": "Helvetica", "fontsize": "12", "margin": "0.08,0.04"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"},
    )
    if layout is not None:
        layout.pin_graph(graph)
    for node in nodes:
        style = dict(_CONSTANT if isinstance(node, Constant) else _OP if node.inputs else _VARIABLE)
        if id(node) in marked:
            style.update(_HIGHLIGHT, **{"class": "highlight"})
        if node is output:
            style["peripheries"] = "2"
        if layout is not None:
            style.update(layout.node_attributes(ids[id(node)]))
        grad = None if grads is None else grads.get(id(node))
        shown: dict[str, Any] = {}
        if values is not None and id(node) in values:
            value = values[id(node)]
            shown = {"computed": False} if value is None else {"value": value}
        label = _node_label(
            node,
            labels[id(node)],
            expressions.get(id(node)),
            grad,
            digits,
            grad_name=view.grad_names.get(id(node)),
            box=id(node) in view.boxes,
            stale=stale is not None and id(node) in stale,
            **shown,
        )
        if layout is not None:
            label = layout.label(label)
        graph.node(ids[id(node)], label=label, **style)

    made: dict[tuple[str, str], int] = {}

    def add_edge(tail: str, head: str, style: dict[str, str]) -> None:
        k = made[(tail, head)] = made.get((tail, head), -1) + 1  # the k-th from tail to head
        if layout is not None:
            style.update(layout.edge_attributes(tail, head, k, back=style.get("dir") == "back"))
        graph.edge(tail, head, **style)

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
            marked_edge = (id(x), id(node)) in highlight_edges
            style = dict(_EDGE_HIGHLIGHT, **flow) if marked_edge else dict(_EDGE)
            text = derivative if derivatives and x.requires_grad and derivative else ""
            if text:
                style["label"] = _html("<BR/>".join(_text(line) for line in _label_lines(text)))
            graph.edge_labels.append((ids[id(x)], ids[id(node)], text))
            add_edge(ids[id(x)], ids[id(node)], style)
        logit = getattr(node, "logit", None)
        formula = getattr(type(node), "simplified_formula", "")
        if logit is not None and formula and id(logit) in ids and view.fused:
            key = (id(logit), id(node))
            if derivatives or key in shortcut_edges:
                style = dict(_SHORTCUT)
                if key in highlight_edges:
                    style.update(penwidth="3", **{"class": "highlight"}, **flow)
                shortcut = _fill_simple(formula, node, logit, labels)
                style["label"] = _html(_text(f"shortcut: {shortcut}"))
                add_edge(ids[id(logit)], ids[id(node)], style)
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
    pinned: bool = True,
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
    pinned : bool
        With ``derivatives``, keep every box where the plain drawing has it (Graphviz lays
        the plain drawing out here, and the DOT text holds its positions); ``False``, or no
        Graphviz installed, gives the DOT text alone, laid out wherever it is rendered (its
        edge labels then move boxes).

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
    >>> "dz = −0.2497" in picture.source and "∂a/∂z = a(1 − a)" in picture.source
    True
    """
    check_node(output, "draw")
    title = _checked_title(title, "draw")
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
    drawing = {
        "grads": grads,
        "highlight_nodes": _as_nodes(highlight, "draw(highlight=...)"),
        "highlight_edges": None,
        "derivatives": derivatives,
        "shortcut_edges": set(),
        "digits": digits,
        "max_nodes": max_nodes,
        "title": title,
        "view": view,
    }
    if derivatives and check_option(pinned, "pinned", "draw"):
        try:
            return _like_plain(output, drawing)
        except GraphvizNotFoundError:  # the DOT text needs no Graphviz; the plain places do
            pass
    return _build(output, **drawing)


def _label_lines(text: str) -> list[str]:
    """An edge label on up to three lines when long: ``∂a/∂z =``, ``a(1 − a)``, ``= 0.1874``.

    A label is as wide as its longest line, and in a graph read left to right every column
    of labels widens the picture by that much.
    """
    parts = text.split(" = ")
    if len(text) <= 28 or len(parts) < 2:
        return [text]
    if len(parts) == 2:
        return [f"{parts[0]} =", parts[1]]
    return [f"{parts[0]} =", " = ".join(parts[1:-1]), f"= {parts[-1]}"]


_LABEL_CHARACTER = 4.7
"""About the width, in points, of a character of an edge label (Helvetica, 9 points)."""


def _like_plain(output: Node, drawing: dict[str, Any]) -> Drawing:
    """The drawing with edge labels, its boxes where the plain drawing (no labels) has them.

    ``dot`` lays the plain drawing out once; each column of boxes then moves right by the
    room the labels of the edges leaving the column before it need, nothing else moves, and
    ``neato -n2`` draws the edges between the pinned boxes, with their labels. Edge labels in
    ``dot``'s own layout are nodes of their own, and reorder the boxes around them.
    """
    plain = _build(output, **{**drawing, "derivatives": False})
    labelled = _build(output, **drawing)
    (placed,) = _graphviz_json("dot", plain.source)
    boxes = {item["name"]: item for item in placed["objects"]}
    centre = {name: tuple(map(float, item["pos"].split(","))) for name, item in boxes.items()}
    half = {name: 36 * float(item["width"]) for name, item in boxes.items()}
    columns = sorted({round(x) for x, _ in centre.values()})
    column = {name: columns.index(round(x)) for name, (x, _) in centre.items()}
    ranks = range(len(columns))  # in a graph read left to right, a rank is a column
    left = [min(centre[n][0] - half[n] for n in boxes if column[n] == k) for k in ranks]
    right = [max(centre[n][0] + half[n] for n in boxes if column[n] == k) for k in ranks]
    extra = [0.0] * len(columns)
    for tail, head, text in labelled.edge_labels:
        first, last = column[tail], column[head]
        if last > first and text:
            wide = max(map(len, _label_lines(text)))
            need = _LABEL_CHARACTER * wide + 12 - (left[first + 1] - right[first])
            extra[first] = max(extra[first], need)
    shift = [sum(extra[:k]) for k in range(len(columns))]
    moved = {name: (x + shift[column[name]], y) for name, (x, y) in centre.items()}
    positions = {name: f"{x:.2f},{y:.2f}" for name, (x, y) in moved.items()}
    # Each edge between neighbouring columns runs straight, from the side of one box to the
    # side of the next; its label sits just above its middle. Others neato routes itself.
    edges: dict[tuple[str, str, int], tuple[str, str | None]] = {}
    for tail, head, text in labelled.edge_labels:
        k = sum(key[:2] == (tail, head) for key in edges)
        if column[head] != column[tail] + 1:
            continue
        (xt, yt), (xh, yh) = moved[tail], moved[head]
        reach = 36 * float(boxes[head]["height"]) / 2
        start = (xt + half[tail], yt)
        tip = (xh - half[head], yh + max(-reach, min(reach, yt - yh)))
        end = (tip[0] - 7, tip[1] + (start[1] - tip[1]) * 7 / max(tip[0] - start[0], 1.0))
        a, b = f"{start[0]:.2f},{start[1]:.2f}", f"{end[0]:.2f},{end[1]:.2f}"
        curve = " ".join([f"e,{tip[0]:.2f},{tip[1]:.2f}", a, *_straight(a, b)])
        slope = abs(tip[1] - start[1]) / max(tip[0] - start[0], 1.0)
        lines = _label_lines(text)
        wide = max(map(len, lines))
        above = 7 + slope * _LABEL_CHARACTER * wide / 2 + 5.5 * (len(lines) - 1)  # off its line
        middle = ((start[0] + tip[0]) / 2, (start[1] + tip[1]) / 2 + above)
        edges[(tail, head, k)] = (curve, f"{middle[0]:.2f},{middle[1]:.2f}" if text else None)
    sizes = {name: (item["width"], item["height"]) for name, item in boxes.items()}
    return _build(output, **drawing, layout=_Layout(sizes, positions, edges))


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
    collapse: bool = False,
    fused: bool | None = None,
    convention: str = "auto",
    pinned: bool = True,
) -> list[graphviz.Digraph]:
    """One picture per backward step: the node whose gradient is computed is highlighted.

    Step ``k`` shows the gradients of steps 1 … k (later nodes have none yet), highlights the
    node of step ``k`` and the edges its gradient comes back along, their arrows pointing the
    way the gradient flows (from the op back to its input), and has the step's formula with
    numbers (from ``explain``) as its caption. Needs ``output.backward()`` first.

    Every frame has the same size and every node the same place (see "one layout for many
    frames" in this module), so paging through them does not jump. That layout is computed
    by Graphviz; without Graphviz installed the frames' DOT text is still made, each to be laid
    out on its own wherever it is rendered, and ``pinned=False`` asks for that text anyway: the
    library's drawing alone, the same with any Graphviz. ``collapse``, ``fused`` and
    ``convention`` are the lecture's views, as in ``draw`` and ``explain``.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> frames = draw_steps(g.L)
    >>> len(frames), "step 3 of 9: dz = da · a(1 − a)" in frames[2].source
    (9, True)
    """
    check_node(output, "draw_steps")
    digits = check_digits(digits, "draw_steps")
    require_current(output, "draw_steps")
    check_size(output, graph_nodes(output), max_nodes, "draw_steps")
    explanation, view = explained_view(output, digits, collapse, fused, convention, "draw_steps")
    total = len(explanation.steps)
    frames = [
        {
            **frame,
            "view": view,
            "derivatives": derivatives,
            "digits": digits,
            "max_nodes": max_nodes,
            "title": f"step {step.index} of {total}: {step.formula_with_numbers}",
        }
        for step, frame in zip(explanation.steps, backward_frames(explanation), strict=True)
    ]
    if check_option(pinned, "pinned", "draw_steps"):
        try:
            return list(laid_out_once(output, frames))
        except GraphvizNotFoundError:  # the DOT text needs no Graphviz; the shared layout does
            pass
    return [_build(output, **frame) for frame in frames]


def backward_frames(explanation: Explanation) -> list[dict[str, Any]]:
    """``_build``'s keywords for each backward step (all but the common ones and the title)."""
    frames = []
    shown: dict[int, Value] = {}
    for step in explanation.steps:
        shown[id(step.node)] = step.value
        frames.append(
            {
                "grads": dict(shown),
                "highlight_nodes": [step.node],
                "highlight_edges": _step_edges(step),
                "shortcut_edges": _step_shortcuts(step),
                "gradient_flow": True,
            }
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


# --- one layout for many frames ----------------------------------------------------------------
#
# Frames of a step-through differ in their labels (values and gradients appear, "value ?" before
# a value is computed), and Graphviz lays every graph out afresh: a box that grows moves its
# neighbours, and the slides jump. So the frames are laid out once, as follows.
#
# 1. Measure: ``dot`` sizes every frame's boxes (one run, the frames as one input); each node
#    gets the largest size it has in any frame.
# 2. Place: ``dot`` lays out the graph once with those sizes fixed (``fixedsize``), with every
#    edge any frame draws and room for an arrowhead at both ends of each; its JSON output gives
#    the nodes' centres, the edges' curves and labels' places, and the box around them all.
# 3. Draw: each frame is drawn by ``neato -n2``, which takes all of that as given: nodes pinned
#    (``pos="x,y!"``), sizes fixed, labels at the top of their boxes (rows not there yet leave
#    room below), each edge on its curve with the arrowhead at the end the frame needs (the
#    other end drawn up to its box), and two invisible points at the corners of the box, so
#    that every frame has the same size and every node the same coordinates.


@dataclass(frozen=True)
class _Layout:
    """One layout for many frames: each node's size and, once placed, its centre, each edge's
    curve and the box every frame is drawn in. Nodes are keyed by their DOT ids (``n0`` …),
    edges by (tail, head, k) for the k-th edge between the two."""

    sizes: dict[str, tuple[str, str]]
    """Width and height in inches, as Graphviz wrote them."""
    positions: dict[str, str] | None = None
    """The centre ``"x,y"`` in points, as ``dot`` placed it."""
    edges: dict[tuple[str, str, int], tuple[str, str | None]] = field(default_factory=dict)
    """The curve (``dot``'s ``pos``, with room for an arrowhead at both ends) and the label's
    place (``lp``), if it has one."""
    extent: tuple[float, float, float, float] | None = None
    """The box (x0, y0, x1, y1), in points, that every frame's drawing fits in."""

    def node_attributes(self, name: str) -> dict[str, str]:
        width, height = self.sizes[name]
        attributes = {"width": width, "height": height, "fixedsize": "true", "labelloc": "t"}
        if self.positions is not None:
            attributes["pos"] = self.positions[name] + "!"
        return attributes

    def edge_attributes(self, tail: str, head: str, k: int, back: bool) -> dict[str, str]:
        """Where the k-th edge from ``tail`` to ``head`` runs, its arrowhead at the head, or
        at the tail when ``back`` (``dir=back``)."""
        if (tail, head, k) not in self.edges:
            return {}
        curve, label_at = self.edges[(tail, head, k)]
        attributes = {"pos": _one_way(curve, back)}
        if label_at is not None:
            attributes["lp"] = label_at
        return attributes

    def label(self, label: str) -> str:
        """An HTML-like label a little below the top of its box (where ``labelloc=t`` puts it):
        about the margin a box of its own size would have, so the fullest label sits as it
        would alone and the others keep its top rows where they are."""
        if self.positions is None or not (label.startswith("<") and label.endswith(">")):
            return label
        spacer = '<TR><TD HEIGHT="3" CELLPADDING="0"></TD></TR>'
        table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        return _html(f"{table}{spacer}<TR><TD>{label[1:-1]}</TD></TR></TABLE>")

    def pin_graph(self, graph: Drawing) -> None:
        """Make ``graph`` keep the layout: drawn by ``neato -n2`` (``Drawing`` passes it).

        Before the nodes are placed, ``dot`` is asked to keep each op's inputs in their order,
        top to bottom (``w2`` above ``x2`` as ``w1`` above ``x1``), and to leave room for an
        arrowhead at both ends of every edge."""
        if self.positions is None:
            graph.graph_attr["ordering"] = "in"
            graph.edge_attr["dir"] = "both"
            return
        graph.engine = "neato"
        graph.graph_attr.update(layout="neato", inputscale="72", notranslate="true", splines="true")
        if self.extent is not None:
            x0, y0, x1, y1 = self.extent
            for name, x, y in (("corner_low", x0, y0), ("corner_high", x1, y1)):
                graph.node(name, label="", shape="point", style="invis", width="0", height="0",
                           pos=f"{x:.2f},{y:.2f}!")


def _one_way(curve: str, back: bool) -> str:
    """``dot``'s curve for an edge with arrowheads at both ends (``s,x,y e,x,y p0 p1 …``) as
    one with a single arrowhead, at the head or (``back``) at the tail: the other end is
    drawn on, straight, to where its arrowhead's tip was, on the edge of its box."""
    parts = curve.split(";")[0].split()
    start = next((p[2:] for p in parts if p.startswith("s,")), None)
    end = next((p[2:] for p in parts if p.startswith("e,")), None)
    points = [p for p in parts if not p.startswith(("s,", "e,"))]
    if back:
        if end is not None:
            points = [*points, *_straight(points[-1], end)]
        arrow = f"s,{start}" if start is not None else ""
    else:
        if start is not None:
            points = [start, *_straight(start, points[0])[:-1], *points]
        arrow = f"e,{end}" if end is not None else ""
    return " ".join([arrow, *points] if arrow else points)


def _straight(a: str, b: str) -> list[str]:
    """The three more points of a cubic Bézier piece that runs straight from ``a`` to ``b``."""
    (ax, ay), (bx, by) = (tuple(map(float, p.split(","))) for p in (a, b))
    return [f"{ax + (bx - ax) * t:.2f},{ay + (by - ay) * t:.2f}" for t in (1 / 3, 2 / 3, 1)]


def laid_out_once(output: Node, frames: Sequence[dict[str, Any]]) -> list[Drawing]:
    """``_build(output, **frame)`` for each of ``frames``, all drawn with one layout (see above).

    Runs ``dot`` twice, whatever the number of frames; raises ``GraphvizNotFoundError``
    without it.
    """
    loose = [_build(output, **frame) for frame in frames]
    sizes: dict[str, tuple[str, str]] = {}
    widest_title = 0.0
    for drawn in _graphviz_json("dot", "\n".join(frame.source for frame in loose)):
        widest_title = max(widest_title, 72 * float(drawn.get("lwidth", 0)))
        for item in drawn.get("objects", []):
            old = sizes.get(item["name"], ("0", "0"))
            sizes[item["name"]] = (
                max(old[0], item["width"], key=float),
                max(old[1], item["height"], key=float),
            )
    union = {  # every edge any frame draws; no title, nothing highlighted
        **frames[-1],
        "shortcut_edges": set().union(*(frame["shortcut_edges"] for frame in frames)),
        "highlight_nodes": (),
        "highlight_edges": set(),
        "title": None,
    }
    (placed,) = _graphviz_json("dot", _build(output, **union, layout=_Layout(sizes)).source)
    names = {item["_gvid"]: item["name"] for item in placed["objects"]}
    positions = {item["name"]: item["pos"] for item in placed["objects"]}
    edges: dict[tuple[str, str, int], tuple[str, str | None]] = {}
    for item in placed.get("edges", []):  # in the order _build made them, as keyed there
        tail, head = names[item["tail"]], names[item["head"]]
        k = sum(key[:2] == (tail, head) for key in edges)
        edges[(tail, head, k)] = (item["pos"], item.get("lp"))
    x0, y0, x1, y1 = (float(v) for v in placed["bb"].split(","))
    x0, y0, x1, y1 = x0 - 4, y0 - 4, x1 + 4, y1 + 4
    # Graphviz keeps 8 points either side of a title; 4 more for the rounding of its width.
    missing = widest_title + 24 - (x1 - x0)
    if missing > 0:
        x0, x1 = x0 - missing / 2, x1 + missing / 2
    layout = _Layout(sizes, positions, edges, (x0, y0, x1, y1))
    return [_build(output, **frame, layout=layout) for frame in frames]


def _graphviz_json(
    engine: str, source: str, neato_no_op: int | None = None
) -> list[dict[str, Any]]:
    """Graphviz's JSON output for each graph in ``source`` (one run for many graphs)."""
    try:
        out = graphviz.pipe(
            engine, "json", source.encode("utf-8"), neato_no_op=neato_no_op, quiet=True
        )
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError() from error
    text = out.decode("utf-8")
    decoder = json.JSONDecoder()
    graphs, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return graphs
        graph, at = decoder.raw_decode(text, at)
        graphs.append(graph)


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


SLIDE = (1920, 1080)
"""A 16:9 slide in pixels: a saved PNG fits it (at 150 dpi, or less for a larger picture)."""


def png_dpi(svg: bytes) -> int:
    """The resolution a picture is saved as PNG in: 150 dpi, or less, to fit ``SLIDE``.

    The default 96 dpi makes small, blurry text on slides; 150 is sharp. A picture larger
    than a slide at 150 dpi gets the most that fits, so it goes on a slide as it is.
    """
    match = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if match is None:
        return 150
    width, height = (float(v) / 72 for v in match.groups())  # inches
    return max(1, min(150, int(SLIDE[0] / width), int(SLIDE[1] / height)))


def _rendered(graph: graphviz.Digraph, fmt: str) -> bytes:
    """``graph`` rendered by Graphviz as ``fmt`` (svg, png or pdf); a PNG fits ``SLIDE``."""
    if fmt == "png":
        dpi = png_dpi(_pipe(graph, "svg"))
        graph = graph.copy()
        graph.graph_attr["dpi"] = str(dpi)
    return _pipe(graph, fmt)


def save_steps(
    output: Node,
    folder: str | Path,
    *,
    format: str = "svg",  # noqa: A002
    derivatives: bool = False,
    digits: int = 4,
    max_nodes: int = 200,
    collapse: bool = False,
    fused: bool | None = None,
    convention: str = "auto",
) -> list[Path]:
    """Write one file per backward step into ``folder``, and ``steps.html``, a slideshow.

    The files are ``step_01.svg``, ``step_02.svg`` … (or ``.png``, ``.pdf``, ``.dot`` with
    ``format``), all of one size, the nodes in the same places. ``steps.html`` holds every
    step as inline SVG in one self-contained page: open it in any browser and page with the
    arrow keys or the buttons. Returns the paths written, the slideshow last.

    ``format="dot"`` writes each frame's DOT text and needs no Graphviz; it writes no
    slideshow, which needs Graphviz to render the SVGs. Every file is made in memory before
    anything is written, and a new ``folder`` is filled under a temporary name and renamed
    when complete, so a failure (Graphviz missing, bad ``digits``, a full disk) leaves no
    folder behind. An existing folder keeps its other files; each file written replaces its
    namesake whole, but only a file this library wrote there (recorded in the folder's
    ``.autograd_lite-written.json``): a namesake of the user's own is ``FileExistsError``, and
    their ``step_1.png`` beside the frames is never removed. ``collapse``, ``fused`` and
    ``convention`` are the lecture's views, as in ``draw_steps``.
    """
    check_node(output, "save_steps")
    digits = check_digits(digits, "save_steps")
    if not isinstance(format, str):
        raise TypeError(f"save_steps: format must be a string such as 'svg', got {format!r}")
    check_size(output, graph_nodes(output), max_nodes, "save_steps")
    fmt = _format_of(Path(folder) / f"x.{format.lower().lstrip('.')}", None)
    frames = draw_steps(
        output,
        derivatives=derivatives,
        digits=digits,
        max_nodes=max_nodes,
        collapse=collapse,
        fused=fused,
        convention=convention,
    )
    width = max(2, len(str(len(frames))))
    names = [f"step_{k:0{width}d}.{fmt}" for k in range(1, len(frames) + 1)]
    files: dict[str, bytes] = {}
    if fmt == "dot":
        files.update(zip(names, (frame.source.encode("utf-8") for frame in frames), strict=True))
    else:
        svgs = [_rendered(frame, "svg") for frame in frames]
        contents = svgs if fmt == "svg" else [_rendered(frame, fmt) for frame in frames]
        files.update(zip(names, contents, strict=True))
        pages = [svg.decode("utf-8") for svg in svgs]
        files["steps.html"] = _slideshow(pages, output).encode("utf-8")
    return write_folder(folder, files, _STEP_FILES, "save_steps")


_STEP_FILES = re.compile(r"step_\d+\.(?:svg|png|pdf|dot)|steps\.html")
"""The files ``save_steps`` writes: an earlier run's that this one does not are removed."""

WRITTEN_RECORD = ".autograd_lite-written.json"
"""The record ``write_folder`` keeps in each folder it writes: the name and SHA-256 of every
file it wrote there. Only a file named in it, and unchanged since, is ever replaced or removed:
the user's own ``step_1.png`` beside the frames is never touched."""


def write_folder(
    folder: str | Path,
    files: dict[str, bytes],
    owned: re.Pattern[str] | None = None,
    where: str = "write_folder",
) -> list[Path]:
    """Write ``files`` (name → bytes) into ``folder``, never leaving half a new folder behind.

    A folder that does not exist yet is written under a temporary name beside it and renamed
    once every file is in it; on any error it is removed again, with any parent folders made
    for it. In an existing folder each file replaces its namesake whole (written beside it,
    then renamed), and the files an earlier run wrote there (names ``owned`` matches) that
    this run does not are removed: fewer frames than last time leave no stale frames behind.

    Only files this library wrote are ever replaced or removed: ``WRITTEN_RECORD``, kept in
    the folder, names each with its SHA-256. A file of one of ``files``' names that is not in
    the record, or changed since, is the user's: ``FileExistsError`` naming it, before
    anything is written. Other files are left alone. Returns the paths, in the order of
    ``files``. ``where`` names the caller in errors.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"{where}: {folder} is a file, not a folder: give the name of a folder to write "
            f"the pictures into (a new one is made)"
        )
    if folder.is_dir():
        record = _written_record(folder)
        mine = {name for name in record if _unchanged(folder / name, record[name])}
        theirs = [name for name in files if (folder / name).exists() and name not in mine]
        if theirs:
            shown = ", ".join(str(folder / name) for name in theirs[:3])
            more = f" (and {len(theirs) - 3} more)" if len(theirs) > 3 else ""
            raise FileExistsError(
                f"{where}: {shown}{more} was not written by autograd_lite (or was changed "
                f"since), so it is not replaced; move it away, or write into another folder"
            )
        for name, data in files.items():
            write_file(folder / name, data)
        stale = [name for name in sorted(mine - set(files)) if owned and owned.fullmatch(name)]
        for name in stale:
            (folder / name).unlink(missing_ok=True)
        kept = {name: record[name] for name in mine - set(files) - set(stale)}
        write_file(folder / WRITTEN_RECORD, _record_of(files, kept))
        return [folder / name for name in files]
    made = [p for p in (folder.parent, *folder.parent.parents) if not p.exists()]
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        for name, data in files.items():
            (temporary / name).write_bytes(data)
        (temporary / WRITTEN_RECORD).write_bytes(_record_of(files, {}))
        temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        for parent in made:  # deepest first
            try:
                parent.rmdir()
            except OSError:
                break
        raise
    return [folder / name for name in files]


def _written_record(folder: Path) -> dict[str, str]:
    """``WRITTEN_RECORD`` of ``folder``: name → SHA-256; empty when missing or unreadable (so
    nothing in the folder counts as the library's)."""
    try:
        record = json.loads((folder / WRITTEN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return {}
    return {
        name: digest
        for name, digest in record["files"].items()
        if isinstance(name, str) and isinstance(digest, str) and Path(name).name == name
    }


def _unchanged(path: Path, digest: str) -> bool:
    try:
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _record_of(files: dict[str, bytes], kept: dict[str, str]) -> bytes:
    written = {**kept, **{name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}
    return json.dumps({"written_by": "autograd_lite", "files": written}, indent=1).encode()


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: into a file beside it, then renamed over it.

    Errors name ``path``, the user's, never the hidden file beside it.
    """
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder: give the name of a file to write")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        if error.errno is None:  # no system error to restate
            raise
        raise type(error)(error.errno, error.strerror, str(path)) from None
    finally:
        temporary.unlink(missing_ok=True)


def _slideshow(svgs: Sequence[str], output: Node) -> str:
    """The frames as one page, ``step_through``'s: each SVG holds its caption (its title), so
    the page adds none."""
    frames = [PageFrame("backward", "", "", "", svg) for svg in svgs]
    name = display_name(output.name) if output.name is not None else type(output).__name__
    return frames_page(f"Backward pass of {name}, step by step", frames, ["backward"])
