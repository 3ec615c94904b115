"""One step of gradient descent, frame by frame: forward pass, backward pass, update.

``step_through(L)`` makes a ``StepThrough``: one frame per op of the forward pass (its value
appears), one per step of the backward pass (its gradient appears, and the edges it comes
back along point the way it flows), and one per parameter's update ``w := w − α·dw``. Each
frame highlights its node and has the formula with the numbers as its caption, from
``explain_forward``, ``explain`` and ``explain_update``: the text is the one those print.

The same frames have three faces:

- in Jupyter, the last expression of a cell shows a widget (previous / next buttons, a
  slider, the caption), ``.widget()`` returns it; it needs ``ipywidgets``
  (``pip install "autograd_lite[notebook]"``), and without it the page below is shown inline;
- ``save_html(path)`` writes one self-contained page (no server, no network): buttons, a
  slider, the arrow keys, the caption shown once, the phase and ``k / N``;
- ``save_frames(folder)`` writes one SVG or PNG file per frame, the caption in the picture.

``.frames`` holds them as data (phase, node, caption, SVG text).

Every frame has the same size and every node the same place: the graph is laid out once by
Graphviz, with each box as large as its fullest label, and each frame is drawn with the nodes
pinned there (``draw.py``, "one layout for many frames"). A value not computed yet shows as
``value ?``; a gradient not computed yet leaves its row empty, so no box ever changes size.
In the update frames, a value computed from a parameter updated since is grey and marked
``(old)``: it holds until the next forward pass.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from autograd_lite.draw import (
    GraphvizNotFoundError,
    View,
    backward_frames,
    check_size,
    explained_view,
    laid_out_once,
    write_file,
    write_folder,
)
from autograd_lite.explain import (
    check_digits,
    explain_forward,
    explain_update,
    format_value,
    graph_nodes,
)
from autograd_lite.lecture import ALPHA
from autograd_lite.node import Node, require_current
from autograd_lite.notation import printable
from autograd_lite.pages import PageFrame, attribute, escaped, frames_page
from autograd_lite.values import Value

__all__ = ["MAX_NODES", "PHASES", "Frame", "StepThrough", "step_through"]

PHASES = ("forward", "backward", "update")
"""The three passes of one step of gradient descent, in the order the frames show them."""

MAX_NODES = 40
"""``step_through``'s default ``max_nodes``: the largest graph it steps through in a few seconds.
Each of its 1.5 frames per node draws the whole graph, so the work grows as the square of the
graph: 40 nodes take 1.5–4 s and make a 2.5 MB page; 200 (the lecture's graph of one
example with 49 features) took a minute, 1.5 GB and a 64 MB page."""

_MAX_PICTURE_CAPTION = 240

_FRAME_FILES = re.compile(r"\d+-(?:forward|backward|update)\.(?:svg|png)")
"""The files ``save_frames`` writes: an earlier run's that this one does not are removed."""
"""A caption drawn into a picture is cut here (the page and the widget show it whole)."""

_NEEDS_IPYWIDGETS = (
    "StepThrough.widget() needs ipywidgets, which is not installed. Install the notebook "
    'extra: pip install "autograd_lite[notebook]" (or pip install ipywidgets). Without it, '
    "save_html(path) writes the same step-through as one page that any browser opens."
)


@dataclass(frozen=True)
class Frame:
    """One frame of a step-through.

    ``index`` counts from 1 over all frames; ``phase`` is ``"forward"``, ``"backward"`` or
    ``"update"``, and ``step`` counts from 1 within it, of ``steps``. ``node`` is the node the
    frame is about (computed, given its gradient, or updated), ``caption`` its formula with the
    numbers, ``svg`` the picture as SVG text (without the caption, which the page and the
    widget show apart).
    """

    index: int
    phase: str
    step: int
    steps: int
    node: Node
    caption: str
    svg: str

    @property
    def heading(self) -> str:
        """``backward 3 of 9``: where in which pass the frame is."""
        return f"{self.phase} {self.step} of {self.steps}"


@dataclass(frozen=True)
class _Spec:
    """What one frame shows: its phase, node and caption, and ``_build``'s keywords."""

    phase: str
    node: Node
    caption: str
    build: dict[str, Any]


def _frame_specs(
    output: Node,
    *,
    alpha: float,
    parameters: Sequence[Node] | None,
    digits: int,
    collapse: bool,
    fused: bool | None,
    convention: str,
) -> list[_Spec]:
    """Every frame's node, caption and drawing keywords, the three passes in order.

    The one place the step-through asks ``explain_forward``, ``explain`` and
    ``explain_update`` for its texts and says what each frame draws, in the lecture view asked
    for (``collapse``, ``fused``, ``convention``: as ``draw`` and ``explain`` take them).
    """
    explanation, view = explained_view(
        output, digits, collapse, fused, convention, "step_through"
    )
    hidden = view.hidden  # inside the slide's z box: computed, but no frame of their own
    # The forward captions take the lecture's letters where the backward ones do.
    computations = explain_forward(
        output, digits=digits, convention="auto" if explanation.lecture else "engine"
    )
    forward = [c for c in computations if id(c.node) not in hidden]
    updates = explain_update(output, alpha, parameters=parameters, digits=digits)
    specs = []
    for k, computation in enumerate(forward):
        node = computation.node
        later = {id(c.node): None for c in forward[k + 1 :]}  # not computed yet: "value ?"
        build = {
            "grads": None,
            "values": later,
            "highlight_nodes": [node],
            "highlight_edges": {(id(x), id(node)) for x in _drawn_inputs(node, view)},
            "shortcut_edges": set(),
            "view": view,
        }
        specs.append(_Spec("forward", node, computation.formula_with_numbers, build))
    backward = backward_frames(explanation)
    for step, build in zip(explanation.steps, backward, strict=True):
        build["view"] = view
        specs.append(_Spec("backward", step.node, step.formula_with_numbers, build))
    grads = backward[-1]["grads"] if backward else {}
    updated: dict[int, Value | None] = {}
    stale: set[int] = set()
    for update in updates:
        updated[id(update.node)] = update.value  # the box shows the new value from here on
        stale |= _computed_from(output, update.node)  # old until the next forward pass
        build = {
            "grads": grads,
            "values": dict(updated),
            "highlight_nodes": [update.node],
            "highlight_edges": set(),
            "shortcut_edges": set(),
            "view": view,
            "stale": set(stale),
        }
        specs.append(_Spec("update", update.node, update.formula_with_numbers, build))
    return specs


def _computed_from(output: Node, parameter: Node) -> set[int]:
    """The ids of the ops whose values ``parameter`` feeds: out of date once it is updated."""
    fed = {id(parameter)}
    for node in graph_nodes(output):
        if any(id(x) in fed for x in node.inputs):
            fed.add(id(node))
    fed.discard(id(parameter))
    return fed


def _drawn_inputs(node: Node, view: View) -> tuple[Node, ...]:
    """The nodes drawn with an edge into ``node``: a box's leaves, or the op's inputs."""
    box = view.boxes.get(id(node))
    return box.leaves if box is not None else node.inputs


class StepThrough:
    """Frames of one step of gradient descent on a graph; see ``step_through``.

    ``frames`` is a tuple of ``Frame``; ``len()``, indexing and iteration go over it.
    """

    def __init__(
        self,
        output: Node,
        *,
        alpha: float = ALPHA,
        parameters: Sequence[Node] | None = None,
        digits: int = 4,
        derivatives: bool = False,
        max_nodes: int = MAX_NODES,
        collapse: bool = False,
        fused: bool | None = None,
        convention: str = "auto",
    ) -> None:
        if not isinstance(output, Node):
            raise TypeError(f"step_through() takes a node, got {type(output).__name__}")
        digits = check_digits(digits, "step_through")
        name = output.name if output.name is not None else "output"
        if output.grad is None:
            raise RuntimeError(
                f"step_through() shows the gradients that backward() computed, but "
                f"{output.describe()} has none yet: call {name}.backward() first"
            )
        require_current(output, f"step_through({name})")
        nodes = graph_nodes(output)
        if max_nodes == MAX_NODES and len(nodes) > MAX_NODES:  # the default: say why it is low
            raise ValueError(
                f"step_through: the graph of {output.describe()} has {len(nodes)} nodes, more "
                f"than max_nodes={MAX_NODES}, the most it draws in a few seconds: it draws the "
                f"whole graph once per frame, and there are 1.5 frames per node, so the time "
                f"and the page grow as the square of the graph (200 nodes: a minute, 1.5 GB "
                f"and a 64 MB page). Step through a smaller graph (the vectorized form has a "
                f"handful of nodes), use draw({name}) for one picture, or pass "
                f"max_nodes={len(nodes)} to wait for it."
            )
        check_size(output, nodes, max_nodes, "step_through")
        self.output = output
        self.alpha = alpha
        self.digits = digits
        self._common = {"derivatives": derivatives, "digits": digits, "max_nodes": max_nodes}
        self._specs = _frame_specs(
            output,
            alpha=alpha,
            parameters=parameters,
            digits=digits,
            collapse=collapse,
            fused=fused,
            convention=convention,
        )
        self._dot_ids = {id(node): f"n{k}" for k, node in enumerate(nodes)}
        counts = {phase: sum(spec.phase == phase for spec in self._specs) for phase in PHASES}
        within = dict.fromkeys(PHASES, 0)
        self._places: list[tuple[int, int]] = []  # (step, steps) of each frame in its phase
        for spec in self._specs:
            within[spec.phase] += 1
            self._places.append((within[spec.phase], counts[spec.phase]))
        svgs = [svg.decode("utf-8") for svg in _render_all(self._drawings(captions=False), "svg")]
        self.frames: tuple[Frame, ...] = tuple(
            Frame(
                index,
                spec.phase,
                step,
                steps,
                spec.node,
                spec.caption,
                svg[svg.index("<svg") :],  # no XML prolog: the SVG goes inside HTML too
            )
            for index, (spec, (step, steps), svg) in enumerate(
                zip(self._specs, self._places, svgs, strict=True), start=1
            )
        )

    # --- the frames as data -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, k: int) -> Frame:
        return self.frames[k]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{sum(f.phase == phase for f in self.frames)} {phase}" for phase in PHASES
        )
        return f"<StepThrough of {self.output.describe()}: {len(self)} frames ({counts})>"

    @property
    def title(self) -> str:
        """``One step of gradient descent on L (α = 0.1)``: the page's heading."""
        name = self.output.name if self.output.name is not None else "the output"
        return f"One step of gradient descent on {name} (α = {format_value(self.alpha)})"

    def _drawings(self, *, captions: bool) -> list[graphviz.Digraph]:
        frames = []
        for spec, (step, steps) in zip(self._specs, self._places, strict=True):
            heading = f"{spec.phase} {step} of {steps}"
            title = _shortened(f"{heading}: {spec.caption}") if captions else None
            frames.append({**spec.build, **self._common, "title": title})
        drawings = laid_out_once(self.output, frames)
        for k, drawing in enumerate(drawings, start=1):
            drawing.graph_attr["id"] = f"frame{k}"  # SVG ids unique on a page of many frames
        return drawings

    # --- face 1: a page -------------------------------------------------------------------

    def to_html(self) -> str:
        """The step-through as one self-contained HTML page (what ``save_html`` writes).

        Examples
        --------
        >>> from autograd_lite.lecture import lecture_graph
        >>> g = lecture_graph()
        >>> g.L.backward()
        >>> page = step_through(g.L).to_html()
        >>> page.startswith("<!DOCTYPE html>"), page.count('class="frame"')
        (True, 18)
        """
        frames = [
            PageFrame(f.phase, f.heading, f.caption, self._dot_ids[id(f.node)], f.svg)
            for f in self.frames
        ]
        return frames_page(self.title, frames, PHASES)

    def save_html(self, path: str | Path) -> Path:
        """Write the step-through as one self-contained HTML page; returns the path.

        The page has every frame inline as SVG and a short script: previous / next buttons,
        a slider, the arrow keys (and Home / End), the caption shown once, the phase
        (forward, backward, update) and ``k / N``. It loads nothing from anywhere: open it in
        any browser, offline. The file is made in memory and written whole.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from autograd_lite.lecture import lecture_graph
        >>> g = lecture_graph()
        >>> g.L.backward()
        >>> path = step_through(g.L).save_html(Path(tempfile.mkdtemp()) / "step.html")
        >>> path.name, "<script>" in path.read_text(encoding="utf-8")
        ('step.html', True)
        """
        path = Path(path)
        if path.is_dir():
            raise IsADirectoryError(
                f"save_html: {path} is a folder: give the name of the page to write, e.g. "
                f"{path / 'step_through.html'}"
            )
        write_file(path, self.to_html().encode("utf-8"))
        return path

    # --- face 2: one file per frame -------------------------------------------------------

    def save_frames(
        self,
        folder: str | Path,
        *,
        format: str = "svg",  # noqa: A002
        captions: bool = True,
    ) -> list[Path]:
        """Write one picture per frame into ``folder``: ``01-forward.svg``, ``02-forward.svg`` …

        Every file has the same size (in pixels, for PNG at 150 dpi) and every node the same
        place, so the frames can go on slides one after another. With ``captions`` (the
        default) each picture has its heading and caption on top (cut after 240 characters);
        without, it is the frame's ``svg``.

        All files are made in memory first, and a new folder is filled under a temporary
        name and renamed when complete: an error leaves no half-written folder. In an existing
        folder only files this library wrote there are replaced or removed (see
        ``draw.write_folder``). Returns the paths written, in frame order.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from autograd_lite.lecture import lecture_graph
        >>> g = lecture_graph()
        >>> g.L.backward()
        >>> paths = step_through(g.L).save_frames(Path(tempfile.mkdtemp()) / "frames")
        >>> [p.name for p in paths[5:8]]
        ['06-forward.svg', '07-backward.svg', '08-backward.svg']
        """
        if not isinstance(format, str):
            raise TypeError(
                f"save_frames: format must be 'svg' or 'png', got {format!r} "
                f"({type(format).__name__})"
            )
        fmt = format.lower().lstrip(".")
        if fmt not in ("svg", "png"):
            raise ValueError(f"save_frames: format must be 'svg' or 'png', got {format!r}")
        width = max(2, len(str(len(self.frames))))
        names = [f"{f.index:0{width}d}-{f.phase}.{fmt}" for f in self.frames]
        if fmt == "svg" and not captions:
            contents = [
                ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + f.svg).encode()
                for f in self.frames
            ]
        else:
            contents = _render_all(self._drawings(captions=captions), fmt)
        return write_folder(
            folder, dict(zip(names, contents, strict=True)), _FRAME_FILES, "save_frames"
        )

    # --- face 3: Jupyter ------------------------------------------------------------------

    def widget(self) -> Any:
        """An ipywidgets box: previous / next buttons, a slider, the caption and the picture.

        Needs ``ipywidgets`` (``pip install "autograd_lite[notebook]"``); without it raises
        ``ImportError`` saying so. The box has the parts as attributes: ``previous``,
        ``next``, ``slider`` (1 … N), ``caption`` and ``picture`` (HTML widgets).

        Examples
        --------
        >>> from autograd_lite.lecture import lecture_graph
        >>> g = lecture_graph()
        >>> g.L.backward()
        >>> box = step_through(g.L).widget()
        >>> box.next.click()
        >>> box.slider.value, "w2 · x2 = (−0.4) · (−1) = 0.4" in box.caption.value
        (2, True)
        """
        try:
            import ipywidgets as widgets
        except ImportError as error:
            raise ImportError(_NEEDS_IPYWIDGETS) from error
        frames = self.frames
        if not frames:
            return widgets.HTML("<p>No frames.</p>")
        previous = widgets.Button(description="previous", icon="arrow-left", tooltip="previous")
        following = widgets.Button(description="next", icon="arrow-right", tooltip="next")
        slider = widgets.IntSlider(
            value=1, min=1, max=len(frames), description="frame", continuous_update=True
        )
        caption = widgets.HTML()
        picture = widgets.HTML()

        def show(k: int) -> None:
            frame = frames[k - 1]
            caption.value = (
                f"<b>{escaped(frame.heading)}</b> · {k} / {len(frames)}<br>"
                f"<code>{escaped(frame.caption)}</code>"
            )
            picture.value = frame.svg
            previous.disabled = k == 1
            following.disabled = k == len(frames)

        slider.observe(lambda change: show(change["new"]), names="value")
        previous.on_click(lambda _: setattr(slider, "value", max(1, slider.value - 1)))
        following.on_click(lambda _: setattr(slider, "value", min(len(frames), slider.value + 1)))
        show(1)
        box = widgets.VBox([widgets.HBox([previous, slider, following]), caption, picture])
        box.previous, box.next, box.slider = previous, following, slider
        box.caption, box.picture = caption, picture
        return box

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        try:
            shown = self.widget()
        except ImportError:  # no ipywidgets: the page, inline
            shown = HTML(self._repr_html_())
        display(shown)

    def _repr_html_(self) -> str:
        """The page in an iframe, so that its script and ids keep to themselves."""
        height = 260
        if self.frames:
            match = re.search(r'<svg width="[\d.]+pt" height="([\d.]+)pt"', self.frames[0].svg)
            height += int(float(match.group(1)) * 4 / 3) if match else 400
        return (
            f'<div class="autograd-lite-step-through"><iframe '
            f'srcdoc="{html.escape(self.to_html(), quote=True)}" title="{attribute(self.title)}" '
            f'style="width: 100%; height: {height}px; border: 0"></iframe></div>'
        )


def step_through(
    output: Node,
    *,
    alpha: float = ALPHA,
    parameters: Sequence[Node] | None = None,
    digits: int = 4,
    derivatives: bool = False,
    max_nodes: int = MAX_NODES,
    collapse: bool = False,
    fused: bool | None = None,
    convention: str = "auto",
) -> StepThrough:
    """One step of gradient descent on ``output``'s graph, frame by frame.

    The frames: the forward pass, one per op in the expression's reading order (``w1 · x1``
    before ``w2 · x2``); the backward pass, one per step of ``explain(output)``, which visits
    each level of the graph in that order too; the update ``w := w − α·dw``, one per
    parameter, each box showing its new value from then on (nothing is assigned). Run
    ``output.backward()`` first: the step-through shows the gradients it computed, and raises
    ``RuntimeError`` without them (and ``StaleGraphError`` for a graph a leaf of which changed
    since). It needs Graphviz (``GraphvizNotFoundError`` says how to install it).

    Parameters
    ----------
    output : Node
        The node ``backward()`` ran from: the loss ``L`` of one example, or the cost ``J``.
    alpha : float
        The learning rate α of the update frames.
    parameters : sequence of Node, optional
        The leaves to update, in this order; by default every ``Variable`` with a gradient.
    digits : int
        Significant digits of the numbers, in the boxes and the captions alike; at least 1.
    derivatives : bool
        Write each edge's local derivative on it, as ``draw(derivatives=True)``.
    max_nodes : int
        Refuse larger graphs, as ``draw`` does; 40 by default (``MAX_NODES``), which takes a
        few seconds: every frame draws the whole graph, so a graph of 200 nodes (300 frames)
        takes about a minute and makes a 64 MB page.
    collapse, fused, convention
        The lecture's views, as ``draw`` and ``explain`` take them: the slide's one ``z`` box
        (its inner products and sums get no forward frame), the chain rule taken literally
        through σ, and lecture 2's ``dZ = A − Y`` for its cost.

    Returns
    -------
    StepThrough
        ``.frames``; in Jupyter a widget; ``save_html(path)``, ``save_frames(folder)``.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> steps = step_through(g.L, alpha=0.1)
    >>> len(steps), [f.phase for f in steps].count("backward")
    (18, 9)
    >>> print(steps[3].heading + ": " + steps[3].caption)
    forward 4 of 6: z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = 1.1
    >>> print(steps[-1].caption)
    b := b − α·db = 0.1 − 0.1 · (−0.2497) = 0.125
    """
    return StepThrough(
        output,
        alpha=alpha,
        parameters=parameters,
        digits=digits,
        derivatives=derivatives,
        max_nodes=max_nodes,
        collapse=collapse,
        fused=fused,
        convention=convention,
    )


# --- rendering many frames in one run of Graphviz -----------------------------------------


def _render_all(drawings: Sequence[graphviz.Digraph], fmt: str) -> list[bytes]:
    """Each of ``drawings`` rendered as ``fmt`` (svg or png at 150 dpi), one Graphviz run."""
    if not drawings:
        return []
    sources = []
    for drawing in drawings:
        if fmt == "png":  # the default 96 dpi makes small, blurry text on slides
            drawing = drawing.copy()
            drawing.graph_attr["dpi"] = "150"
        sources.append(drawing.source)
    try:
        out = graphviz.pipe(
            "neato", fmt, "\n".join(sources).encode("utf-8"), neato_no_op=2, quiet=True
        )
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError() from error
    pieces = _split_pngs(out) if fmt == "png" else _split_svgs(out)
    if len(pieces) != len(drawings):
        raise RuntimeError(
            f"Graphviz rendered {len(pieces)} pictures for {len(drawings)} frames"
        )
    return pieces


def _split_svgs(out: bytes) -> list[bytes]:
    prolog = b"<?xml"
    return [prolog + piece for piece in out.split(prolog) if piece.strip()]


def _split_pngs(out: bytes) -> list[bytes]:
    """PNG files one after another, cut apart by walking their chunks to each ``IEND``."""
    pictures, start, at = [], 0, 0
    signature = b"\x89PNG\r\n\x1a\n"
    while at < len(out):
        if out[at : at + 8] != signature:
            raise RuntimeError("Graphviz wrote something that is not a PNG file")
        at += 8
        while True:
            length = int.from_bytes(out[at : at + 4], "big")
            kind = out[at + 4 : at + 8]
            at += 12 + length
            if kind == b"IEND" or at >= len(out):
                break
        pictures.append(out[start:at])
        start = at
    return pictures


# --- text at the edge of HTML ---------------------------------------------------------------


def _shortened(text: str) -> str:
    text = printable(text)
    return text if len(text) <= _MAX_PICTURE_CAPTION else text[: _MAX_PICTURE_CAPTION - 1] + "…"
