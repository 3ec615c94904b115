"""draw(L): the graph as DOT text and, through Graphviz's dot, as SVG, PNG and PDF."""

from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.draw import (
    Drawing,
    GraphvizNotFoundError,
    draw,
    draw_steps,
    path_between,
    save,
    save_steps,
)
from autograd_lite.explain import explain, format_value, graph_nodes
from autograd_lite.lecture import LectureGraph, lecture_graph

HIGHLIGHT_FILL = 'fillcolor="#fdba74"'
GRADIENT_COLOUR = 'COLOR="#b91c1c"'


def _graph(**values: float) -> LectureGraph:
    """The graph these tests were written for: x1, x2 as Variables, so dx1, dx2 are drawn."""
    example = {"x1": 1.0, "x2": 2.0, "w1": 0.5, "w2": -0.25, "b": 0.1, **values}
    return lecture_graph(**example, differentiate_x=True)


def svg_texts(svg: bytes | str) -> list[str]:
    """Every text the SVG shows, as a viewer would read it (entities decoded)."""
    root = ET.fromstring(svg.encode() if isinstance(svg, str) else svg)
    return [el.text for el in root.iter("{http://www.w3.org/2000/svg}text") if el.text]


def node_statements(source: str) -> list[str]:
    return [line for line in source.splitlines() if re.match(r"\s*n\d+ \[", line)]


def edge_statements(source: str) -> list[str]:
    return [line for line in source.splitlines() if re.match(r"\s*n\d+ -> n\d+", line)]


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """Graphviz's dot made unreachable: PATH is an empty folder."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_dot_text_holds_each_nodes_name_value_and_gradient_as_formatted():
    g = _graph()
    g.L.backward()
    source = draw(g.L).source
    for name in ("x1", "x2", "w1", "w2", "b", "z", "a", "L"):
        node = getattr(g, name)
        assert f"<B>{name}</B>" in source
        assert f"value {format_value(node.value, 4)}" in source
        assert f"d{name} = {format_value(node.grad, 4)}" in source
    assert "<B>w1 · x1</B>" in source and "d(w1 · x1) = −0.475" in source
    assert "Sigmoid: a = σ(z)" in source and "Add: z = w1 · x1 + w2 · x2 + b" in source
    assert "<B>y</B>" in source and "value 1" in source
    # One box per node, constants included; one edge per input.
    nodes = graph_nodes(g.L)
    assert len(node_statements(source)) == len(nodes) == 12
    assert len(edge_statements(source)) == sum(len(n.inputs) for n in nodes)


def test_before_backward_there_are_no_gradients_never_zeros():
    g = _graph()
    source = draw(g.L).source
    assert GRADIENT_COLOUR not in source
    assert "dw1" not in source and "dz" not in source
    g.L.backward()
    assert GRADIENT_COLOUR not in draw(g.L, gradients=False).source
    # Nodes no gradient reaches (the label y) show none, even after backward.
    assert source.count(GRADIENT_COLOUR) == 0
    assert draw(g.L).source.count(GRADIENT_COLOUR) == 11


def test_ops_leaves_and_constants_are_drawn_differently_left_to_right():
    g = _graph()
    source = draw(g.L).source
    assert "rankdir=LR" in source
    statements = node_statements(source)
    leaves = [s for s in statements if "<B>w1</B>" in s or "<B>b</B>" in s]
    ops = [s for s in statements if "<B>z</B>" in s or "<B>a</B>" in s]
    constants = [s for s in statements if "<B>y</B>" in s]
    assert all('fillcolor="#dbeafe"' in s and "rounded" in s for s in leaves)
    assert all('fillcolor="#fef9c3"' in s and "rounded" not in s for s in ops)
    assert all("dashed" in s for s in constants)
    (output,) = [s for s in statements if "peripheries=2" in s]
    assert "<B>L</B>" in output


def test_arrays_show_shape_and_a_short_summary():
    X = ag.Constant(np.arange(12.0).reshape(6, 2), name="X")
    w = ag.Variable([0.5, -1.0], name="w")
    J = ag.mean(ag.sigmoid(X @ w), name="J")
    J.backward()
    source = html.unescape(draw(J).source)  # labels write [ and ] as character references
    assert "shape (6, 2)" in source and "mean 5.5, min 0, max 11" in source
    assert "shape (2,)" in source and "[0.5, −1]" in source
    assert "dw:" in source and format_value(w.grad, 4) in source


def test_edges_carry_the_local_derivatives_of_the_op_classes():
    g = _graph()
    g.L.backward()
    source = draw(g.L, derivatives=True).source
    a = g.a.value
    assert f"∂a/∂z = a(1 − a) = {format_value(a * (1 - a), 4)}" in source
    assert "∂(×)/∂w1 = x1 = 1" in source  # short names: the edge shows which two boxes
    assert "∂z/∂b = 1>" in source  # a constant slope is written once, not "= 1 = 1"
    assert "= 1 = 1" not in source
    assert "∂L/∂a =<BR/>−y/a + (1 − y)/(1 − a)<BR/>= " in source  # long: on three lines
    assert "shortcut: dz = dL · (a − y)" in source
    # No derivative on the edge from the label y: no gradient flows into a constant.
    (y_edge,) = [e for e in edge_statements(source) if e.strip().startswith("n10 ")]
    assert "label" not in y_edge
    assert "∂" not in draw(g.L).source


def test_highlight_a_node_and_a_path():
    g = _graph()
    g.L.backward()
    statements = node_statements(draw(g.L, highlight=g.z).source)
    assert [s for s in statements if HIGHLIGHT_FILL in s] == [
        s for s in statements if "<B>z</B>" in s
    ]
    path = path_between(g.w1, g.L)
    assert [n.name for n in path] == ["w1", None, None, "z", "a", "L"]
    source = draw(g.L, highlight=path).source
    assert sum(HIGHLIGHT_FILL in s for s in node_statements(source)) == 6
    assert sum("penwidth=3" in e for e in edge_statements(source)) == 5
    with pytest.raises(ValueError, match="does not depend on"):
        path_between(g.L, g.w1)
    stranger = ag.Variable(1.0, name="stranger")
    with pytest.raises(ValueError, match="highlight=Variable 'stranger' is not in the graph"):
        draw(g.L, highlight=stranger)
    with pytest.raises(TypeError, match="expected nodes"):
        draw(g.L, highlight=["z"])  # type: ignore[list-item]


def test_large_graphs_are_refused_with_the_count_and_the_way_out():
    x = ag.Variable(0.0, name="x")
    y = x
    for _ in range(150):
        y = y + 1.0
    count = len(graph_nodes(y))
    assert count == 301
    with pytest.raises(
        ValueError, match=rf"has {count} nodes, more than max_nodes=200.*max_nodes={count}"
    ):
        draw(y)
    assert len(node_statements(draw(y, max_nodes=count).source)) == count


HOSTILE = ['say "hi"', "<b>bold</b>", "{x}|[y]", "back\\slash\\", "ü∂σ→ŷ", "&amp;", "]]>--", "a\nb"]


def test_hostile_names_render_as_written(tmp_path):
    leaves = [ag.Variable(float(k), name=name) for k, name in enumerate(HOSTILE)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total * 1.5 + leaf
    out = ag.sigmoid(total, name='out <"&">')
    out.backward()
    picture = draw(out, derivatives=True, title='title with <tags> & "quotes"')
    texts = svg_texts(picture.pipe(format="svg"))
    shown = [name.replace("\n", "\\n") for name in HOSTILE]  # control characters written out
    for name in [*shown, 'out <"&">']:
        assert name in texts, name
    assert 'title with <tags> & "quotes"' in texts
    assert 'dout <"&"> = ' + format_value(out.grad, 4) in texts
    # Ids come from a counter, never from the names.
    assert re.findall(r"^\s*(n\d+) \[", picture.source, re.M) == [
        f"n{k}" for k in range(len(graph_nodes(out)))
    ]
    save(picture, tmp_path / "hostile.svg")
    assert 'out <"&">' in svg_texts((tmp_path / "hostile.svg").read_bytes())


def test_svg_renders_and_shows_values_and_gradients():
    g = _graph()
    g.L.backward()
    picture = draw(g.L)
    assert isinstance(picture, graphviz.Digraph) and isinstance(picture, Drawing)
    texts = svg_texts(picture.pipe(format="svg"))
    for expected in ("w1", "value 0.5", "dw1 = −0.475", "dz = −0.475", "da = −1.905", "dL = 1"):
        assert expected in texts
    assert "image/svg+xml" in picture._repr_mimebundle_()


def test_save_writes_svg_png_pdf_and_dot_by_extension(tmp_path):
    g = _graph()
    g.L.backward()
    picture = draw(g.L)
    assert save(picture, tmp_path / "g.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert save(picture, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert save(picture, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert save(picture, tmp_path / "g.dot").read_text(encoding="utf-8") == picture.source
    assert save(picture, tmp_path / "g.gv", format="svg").read_bytes().lstrip().startswith(b"<")
    with pytest.raises(ValueError, match=r"cannot tell the format of .*\.jpg"):
        save(picture, tmp_path / "g.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "g.dot",
        "g.gv",
        "g.pdf",
        "g.png",
        "g.svg",
    ]  # rendering leaves no stray source files behind


def test_one_frame_per_backward_step_with_its_node_highlighted():
    g = _graph()
    g.L.backward()
    steps = explain(g.L, digits=4).steps
    frames = draw_steps(g.L)
    assert len(frames) == len(steps) == 11
    for k, (frame, step) in enumerate(zip(frames, steps, strict=True), start=1):
        source = frame.source
        highlighted = [s for s in node_statements(source) if HIGHLIGHT_FILL in s]
        assert len(highlighted) == 1
        assert f"<B>{html.escape(step.label)}</B>" in highlighted[0]
        assert source.count(GRADIENT_COLOUR) == k  # gradients of steps 1 … k only
        assert html.escape(f"step {k} of 11: {step.formula_with_numbers}") in source
    # The step of z highlights the shortcut L sends dz along.
    assert "shortcut: dz = dL · (a − y)" in frames[2].source
    assert "shortcut" not in frames[3].source


def test_save_steps_writes_one_file_per_step_and_a_slideshow(tmp_path):
    g = _graph()
    g.L.backward()
    written = save_steps(g.L, tmp_path / "steps")
    assert [p.name for p in written] == [f"step_{k:02d}.svg" for k in range(1, 12)] + ["steps.html"]
    assert "dz = −0.475" in svg_texts(written[2].read_bytes())
    page = written[-1].read_text(encoding="utf-8")
    # the page is step_through's (autograd_lite/pages.py), each frame a figure
    assert page.count('<figure class="frame"') == 11 and page.count("<svg") == 11
    assert page.count(" hidden>") == 10  # the first step shows, the others wait
    dots = save_steps(g.L, tmp_path / "dots", format="dot")
    assert dots[0].name == "step_01.dot"


def test_without_graphviz_dot_text_works_and_rendering_says_how_to_install(no_dot, tmp_path):
    g = _graph()
    g.L.backward()
    picture = draw(g.L)
    assert "dz = −0.475" in picture.source
    assert save(picture, tmp_path / "g.dot").exists()
    for attempt in (
        lambda: save(picture, tmp_path / "g.svg"),
        lambda: picture.render(tmp_path / "g", format="png"),
        lambda: picture.pipe(format="svg"),
        lambda: picture._repr_mimebundle_(),
        lambda: save(graphviz.Digraph(), tmp_path / "plain.pdf"),
        lambda: save_steps(g.L, tmp_path / "steps"),
    ):
        with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as caught:
            attempt()
        assert "graphviz.org" in str(caught.value)
        assert isinstance(caught.value, graphviz.ExecutableNotFound)  # still catchable as such
    assert not (tmp_path / "g.svg").exists()


def test_draw_is_a_pure_function_of_the_graph():
    g = _graph()
    before = draw(g.L).source
    assert draw(g.L).source == before  # a pure function: the same text every time
    assert all(node.grad is None for node in graph_nodes(g.L))


def test_save_steps_as_dot_writes_each_frames_source_without_graphviz(no_dot, tmp_path):
    g = _graph()
    g.L.backward()
    frames = draw_steps(g.L, derivatives=True, digits=3)
    written = save_steps(g.L, tmp_path / "dots", format="dot", derivatives=True, digits=3)
    assert [p.name for p in written] == [f"step_{k:02d}.dot" for k in range(1, 12)]
    assert [p.read_text(encoding="utf-8") for p in written] == [f.source for f in frames]
    assert not (tmp_path / "dots" / "steps.html").exists()  # the slideshow needs Graphviz


def test_save_steps_creates_no_folder_when_it_cannot_write_the_pictures(no_dot, tmp_path):
    g = _graph()
    g.L.backward()
    for fmt in ("svg", "png", "pdf"):
        with pytest.raises(GraphvizNotFoundError):
            save_steps(g.L, tmp_path / fmt / "steps", format=fmt)
        assert not (tmp_path / fmt).exists()
    with pytest.raises(ValueError, match="save_steps: digits must be an integer ≥ 1, got digits=0"):
        save_steps(g.L, tmp_path / "dots", format="dot", digits=0)
    assert not (tmp_path / "dots").exists()


@pytest.mark.parametrize("digits", [0, -1, -3])
def test_digits_below_1_are_refused_by_name_and_value(digits):
    g = _graph()
    g.L.backward()
    expected = f"digits must be an integer ≥ 1, got digits={digits}"
    for name, attempt in (
        ("draw", lambda: draw(g.L, digits=digits)),
        ("draw_steps", lambda: draw_steps(g.L, digits=digits)),
        ("draw", lambda: ag.draw(g.w1 * g.x1, digits=digits)),
    ):
        with pytest.raises(ValueError, match=re.escape(f"{name}: {expected}")):
            attempt()


@pytest.mark.parametrize("digits", [2.5, "4", True, None])
def test_digits_that_are_not_integers_are_refused_by_type(digits):
    g = _graph()
    g.L.backward()
    with pytest.raises(TypeError, match="draw: digits must be an integer ≥ 1"):
        draw(g.L, digits=digits)


def test_digits_accepts_any_integer_type_from_1():
    g = _graph()
    g.L.backward()
    assert draw(g.L, digits=np.int64(3)).source == draw(g.L, digits=3).source
    assert "dz = −0.5" in draw(g.L, digits=1).source


def test_draw_refuses_gradients_from_two_backward_passes():
    g = _graph()
    g.L.backward()
    g.z.backward()  # the nodes left of z now hold dz/d…, a and L still dL/d…
    with pytest.raises(RuntimeError, match=r"^draw: the gradients here come from different"):
        draw(g.L)
    assert "dz" not in draw(g.L, gradients=False).source  # the forward picture is still fine
    g.L.backward()
    assert "dw1 = −0.475" in draw(g.L).source


@pytest.mark.parametrize("backward_first", [True, False])
def test_a_stale_graph_is_never_drawn_and_the_error_names_the_leaf(tmp_path, backward_first):
    g = _graph()
    if backward_first:
        g.L.backward()
    g.w2.value = 3.0
    attempts = {
        "draw": lambda: draw(g.L),
        "draw_steps": lambda: draw_steps(g.L),
    }
    if backward_first:  # without gradients there are no steps to draw anyway
        attempts["save_steps"] = lambda: save_steps(g.L, tmp_path / "steps", format="dot")
    for reader, attempt in attempts.items():
        with pytest.raises(ag.StaleGraphError) as caught:
            attempt()
        message = str(caught.value)
        assert "Variable 'w2' was given a new value" in message and "L.forward()" in message
        assert message.startswith("draw_steps: " if reader != "draw" else "draw: ")
    with pytest.raises(ag.StaleGraphError):
        draw(g.L, gradients=False)  # the values alone are out of date
    assert not (tmp_path / "steps").exists()
    g.L.forward()
    assert "value 3" in draw(g.L, gradients=False).source  # current again, gradients or not
    g.L.backward()
    fresh = _graph(w2=3.0)
    fresh.L.backward()
    assert draw(g.L, derivatives=True).source == draw(fresh.L, derivatives=True).source
    assert [f.source for f in draw_steps(g.L)] == [f.source for f in draw_steps(fresh.L)]


def test_a_fused_da_is_drawn_from_the_gradient_property():
    X, w = ag.Constant([[1.0, 2.0], [3.0, -1.0]], name="X"), ag.Variable([0.5, -1.0], name="w")
    A = ag.sigmoid(X @ w, name="A")
    J = ag.mean(ag.log_loss(A, [1.0, 0.0]), name="J")
    J.backward()
    source = html.unescape(draw(J).source)  # dA is computed when read: the picture holds it
    assert "dA:" in source and format_value(A.grad, 4) in source


def _layout_of(svg: bytes | str) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """An SVG's size, and each node's outline coordinates by its DOT name."""
    root = ET.fromstring(svg.encode() if isinstance(svg, str) else svg)
    ns = "{http://www.w3.org/2000/svg}"
    size = {key: root.get(key) for key in ("width", "height", "viewBox")}
    size["transform"] = root.find(f"{ns}g").get("transform")
    outlines = (f"{ns}polygon", f"{ns}path")
    nodes = {
        g.find(f"{ns}title").text: [
            el.get("points") or el.get("d") for el in g if el.tag in outlines
        ]
        for g in root.iter(f"{ns}g")
        if "node" in (g.get("class") or "").split()
    }
    return size, nodes


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_step_frames_keep_one_size_and_every_node_in_its_place(tmp_path):
    g = _graph()
    g.L.backward()
    frames = draw_steps(g.L)
    layouts = [_layout_of(frame.pipe(format="svg")) for frame in frames]
    assert len(layouts[0][1]) == 12
    assert all(layout == layouts[0] for layout in layouts)  # no jumping from slide to slide
    written = save_steps(g.L, tmp_path / "steps", format="png")
    assert len({_png_size(p.read_bytes()) for p in written[:-1]}) == 1


def test_step_frames_point_the_gradient_back_from_the_op_to_its_input():
    g = _graph()
    g.L.backward()
    frames = draw_steps(g.L)
    highlighted = [
        [e for e in edge_statements(frame.source) if "penwidth=3" in e] for frame in frames
    ]
    assert highlighted[0] == []  # dL = 1: nothing comes back yet
    assert all(len(edges) == 1 for edges in highlighted[1:])
    assert all("dir=back" in e for edges in highlighted for e in edges)
    # dz comes back along the dashed shortcut from L to z, its arrow at z.
    (shortcut,) = highlighted[2]
    assert "dashed" in shortcut and shortcut.strip().startswith("n8 -> n11")
    assert all("dir=back" not in e for e in edge_statements(draw(g.L, highlight=g.z).source))


def test_the_slideshow_shows_each_caption_once(tmp_path):
    g = _graph()
    g.L.backward()
    page = html.unescape(save_steps(g.L, tmp_path / "steps")[-1].read_text(encoding="utf-8"))
    for step in explain(g.L, digits=4).steps:
        assert page.count(f": {step.formula_with_numbers}<") == 1  # the picture's title
    assert "<p>" not in page  # and no paragraph repeating it


def test_save_steps_writes_whole_files_or_no_folder(tmp_path, monkeypatch):
    w = ag.Variable(0.5, name="x\ud800")  # not encodable as UTF-8: shown as x\ufffd
    L = ag.log_loss(ag.sigmoid((w * 2.0).named("z"), name="a"), 1.0, name="L\ud800")
    L.backward()
    written = save_steps(L, tmp_path / "steps")
    assert len(written) == len(explain(L).steps) + 1
    assert "x\ufffd" in written[-1].read_text(encoding="utf-8")
    assert "L\ufffd" in written[-1].read_text(encoding="utf-8")
    calls = []
    real = Path.write_bytes

    def failing(self, data):
        calls.append(self)
        if len(calls) == 4:
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="disk full"):
        save_steps(L, tmp_path / "new" / "steps", format="png")
    assert len(calls) == 4  # three files were written before the failure ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["steps"]  # ... and none is left


def test_unpinned_frames_are_the_librarys_drawing_alone():
    g = _graph()
    g.L.backward()
    pinned, loose = draw_steps(g.L), draw_steps(g.L, pinned=False)
    assert all("pos=" in frame.source for frame in pinned)  # Graphviz's places, one layout
    assert all("pos=" not in frame.source for frame in loose)  # the same with any Graphviz
    assert [f.source.count("label=<") for f in loose] == [f.source.count("label=<") for f in pinned]


# --- hostile arguments (issue 19) -----------------------------------------------------------------


@pytest.mark.parametrize("limit", [np.int64(200), np.int32(200), np.uint8(200)])
def test_max_nodes_takes_numpy_integers_which_are_whole_numbers(limit):
    g = _graph()
    g.L.backward()
    assert draw(g.L, max_nodes=limit).source == draw(g.L).source
    assert len(draw_steps(g.L, max_nodes=limit, pinned=False)) == len(draw_steps(g.L, pinned=False))


@pytest.mark.parametrize("limit", [np.float64(200.0), 200.0, True, "200", 0, np.int64(-1)])
def test_max_nodes_still_refuses_what_is_not_a_whole_number_at_least_1(limit):
    with pytest.raises(ValueError, match=r"draw: max_nodes must be a whole number ≥ 1"):
        draw(_graph().L, max_nodes=limit)


@pytest.mark.parametrize("title", [123, b"bytes", ["a"], 1.5])
def test_draw_refuses_a_title_that_is_not_text_naming_it(title):
    with pytest.raises(TypeError, match=rf"draw: title must be a string or None, got "
                       rf"{re.escape(repr(title))} \({type(title).__name__}\)"):
        draw(_graph().L, title=title)


@pytest.mark.parametrize("what", [3.0, None, np.ones(2), "L"])
@pytest.mark.parametrize("function", [draw, draw_steps])
def test_drawing_something_that_is_not_a_node_says_it_takes_a_node(function, what):
    name = function.__name__
    with pytest.raises(TypeError, match=rf"^{name}\(\) takes a node, got {type(what).__name__}"):
        function(what)


def test_save_steps_of_something_that_is_not_a_node_says_it_takes_a_node(tmp_path):
    with pytest.raises(TypeError, match=r"^save_steps\(\) takes a node, got float"):
        save_steps(3.0, tmp_path / "steps")
    assert not (tmp_path / "steps").exists()


def test_save_steps_never_removes_or_replaces_files_it_did_not_write(tmp_path):
    g = _graph()
    g.L.backward()
    folder = tmp_path / "mine"
    folder.mkdir()
    theirs = {"step_1.png": b"my png", "step_99.pdf": b"my pdf", "notes.txt": b"notes"}
    for name, data in theirs.items():
        (folder / name).write_bytes(data)
    written = save_steps(g.L, folder, format="dot")
    assert all((folder / name).read_bytes() == data for name, data in theirs.items())
    assert {p.name for p in written} <= {p.name for p in folder.iterdir()}


def test_save_steps_refuses_to_replace_a_file_of_the_same_name_that_it_did_not_write(tmp_path):
    g = _graph()
    g.L.backward()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "step_01.dot").write_bytes(b"my own step one")
    with pytest.raises(FileExistsError, match=rf"{re.escape(str(folder / 'step_01.dot'))} "
                       r"was not written by autograd_lite"):
        save_steps(g.L, folder, format="dot")
    assert (folder / "step_01.dot").read_bytes() == b"my own step one"
    assert sorted(p.name for p in folder.iterdir()) == ["step_01.dot"]  # nothing written


def test_save_steps_replaces_and_removes_only_what_an_earlier_run_wrote(tmp_path):
    g = _graph()
    g.L.backward()
    folder = tmp_path / "steps"
    first = save_steps(g.L, folder, format="dot")  # 11 frames
    small = ag.log_loss(ag.sigmoid(ag.Variable(0.5, name="z"), name="a"), 1.0, name="L")
    small.backward()
    (folder / "step_1.dot").write_bytes(b"mine")
    edited = folder / "step_11.dot"
    edited.write_bytes(b"edited by hand since")  # the user's now: kept
    second = save_steps(small, folder, format="dot")
    assert len(second) < len(first)
    names = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert names == {p.name for p in second} | {"step_1.dot", "step_11.dot"}
    assert edited.read_bytes() == b"edited by hand since"
    assert [p.read_text(encoding="utf-8") for p in second] == [
        f.source for f in draw_steps(small, pinned=True)
    ]


def test_save_steps_into_a_path_that_is_a_file_names_that_path(tmp_path):
    g = _graph()
    g.L.backward()
    target = tmp_path / "afile"
    target.write_text("mine")
    with pytest.raises(NotADirectoryError, match=rf"^save_steps: {re.escape(str(target))} is a "
                       r"file, not a folder") as caught:
        save_steps(g.L, target, format="dot")
    assert ".tmp" not in str(caught.value)
    assert target.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
