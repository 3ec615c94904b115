"""step_through(L): forward, backward and update frames, one layout, three faces."""

from __future__ import annotations

import html
import math
import re
import struct
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

import autograd_lite as ag
from autograd_lite.draw import save_steps
from autograd_lite.explain import (
    explain,
    explain_forward,
    explain_update,
    format_value,
    graph_nodes,
)
from autograd_lite.lecture import lecture_graph
from autograd_lite.notation import display_name
from autograd_lite.stepthrough import StepThrough, step_through

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def lecture():
    g = lecture_graph()
    g.L.backward()
    return g, step_through(g.L, alpha=0.1)


def dot_id(output: ag.Node, node: ag.Node) -> str:
    """The DOT name of ``node`` in drawings of ``output``: ``n`` and its place in the graph."""
    return f"n{[id(n) for n in graph_nodes(output)].index(id(node))}"


def svg_geometry(svg: str) -> tuple[tuple[str, str, str], dict[str, list[str]]]:
    """The picture's size and viewBox, and each node's outline coordinates by its DOT name."""
    root = ET.fromstring(svg)
    size = (root.get("width"), root.get("height"), root.get("viewBox"))
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if "node" in (group.get("class") or "").split():
            title = group.find(f"{SVG}title").text
            shapes = [
                el.get("points") or el.get("d") or ""
                for el in group
                if el.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")
            ]
            nodes[title] = shapes
    transform = root.find(f"{SVG}g").get("transform")
    return (*size, transform), nodes


def highlighted(svg: str, kind: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [
        g
        for g in root.iter(f"{SVG}g")
        if {kind, "highlight"} <= set((g.get("class") or "").split())
    ]


def centre(points: str) -> tuple[float, float]:
    pairs = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", points)]
    return sum(x for x, _ in pairs) / len(pairs), sum(y for _, y in pairs) / len(pairs)


def arrow_end(edge: ET.Element) -> str:
    """The end of an SVG edge (titled ``tail->head``) its arrowhead is drawn at."""
    tail, head = html.unescape(edge.find(f"{SVG}title").text).split("->")
    (path,) = edge.iter(f"{SVG}path")
    (arrow,) = edge.iter(f"{SVG}polygon")
    points = re.findall(r"(-?[\d.]+),(-?[\d.]+)", path.get("d"))
    start, end = [(float(x), float(y)) for x, y in (points[0], points[-1])]
    tip = centre(arrow.get("points"))  # the path stops where the arrowhead begins
    return tail if math.dist(tip, start) < math.dist(tip, end) else head


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- the frames -------------------------------------------------------------------------------


def test_frames_go_forward_then_backward_then_update(lecture):
    g, steps = lecture
    assert len(steps) == len(steps.frames) == 6 + 9 + 3
    assert [f.phase for f in steps] == ["forward"] * 6 + ["backward"] * 9 + ["update"] * 3
    assert [f.index for f in steps] == list(range(1, 19))
    assert steps[0].heading == "forward 1 of 6" and steps[14].heading == "backward 9 of 9"
    # The forward pass in the expression's reading order; backward visits the same ops, from
    # the output (tests/test_teaching_fidelity.py checks the order within each level).
    ops = [f.node for f in steps if f.phase == "forward"]
    assert ops[-3:] == [g.z, g.a, g.L]
    backward = [f.node for f in steps if f.phase == "backward"]
    assert sorted(id(n) for n in backward if n.inputs) == sorted(map(id, ops))
    assert [n for n in backward if n.inputs][:3] == [g.L, g.a, g.z]
    assert [f.node for f in steps if f.phase == "update"] == [g.w1, g.w2, g.b]
    assert repr(steps) == (
        "<StepThrough of LogLoss 'L': 18 frames (6 forward, 9 backward, 3 update)>"
    )


def test_forward_captions_are_explain_forward_and_their_numbers_give_the_value():
    g = lecture_graph()
    g.L.backward()
    steps = step_through(g.L, digits=12)
    forward = [f for f in steps if f.phase == "forward"]
    computations = explain_forward(g.L, digits=12)
    assert [f.caption for f in forward] == [c.formula_with_numbers for c in computations]
    z = next(f for f in forward if f.node is g.z)
    assert steps_caption_with_digits(g, 4) == (
        "z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = 1.1"
    )
    for frame in forward:
        *_, numbers, shown = frame.caption.split(" = ")
        assert shown == format_value(frame.node.value, 12)
        # The numbers, evaluated, give the value the node computed.
        assert math.isclose(evaluate(numbers), frame.node.value, rel_tol=1e-9), frame.caption
    assert z.caption.startswith("z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = ")


def steps_caption_with_digits(g, digits: int) -> str:
    return next(c for c in explain_forward(g.L, digits) if c.node is g.z).formula_with_numbers


def evaluate(numbers: str) -> float:
    """A line of numbers in the lecture's notation, computed with Python's math."""
    text = numbers.replace("·", "*").replace("−", "-").replace("e^(", "exp(")
    text = re.sub(r"σ\(", "sigmoid(", text)
    text = re.sub(r"log ([\d.e+-]+)", r"log(\1)", text)
    names = {"exp": math.exp, "log": math.log, "sigmoid": lambda t: 1 / (1 + math.exp(-t))}
    return float(eval(text, {"__builtins__": {}}, names))


def test_backward_and_update_captions_are_explains_own(lecture):
    g, steps = lecture
    backward = [f.caption for f in steps if f.phase == "backward"]
    assert backward == [s.formula_with_numbers for s in explain(g.L, digits=4).steps]
    update = [f.caption for f in steps if f.phase == "update"]
    assert update == [u.formula_with_numbers for u in explain_update(g.L, 0.1, digits=4)]
    assert update[0] == "w1 := w1 − α·dw1 = 0.3 − 0.1 · (−0.4995) = 0.3499"


def test_every_frame_has_the_same_size_and_every_node_the_same_place(lecture):
    g, steps = lecture
    geometries = [svg_geometry(frame.svg) for frame in steps]
    size, nodes = geometries[0]
    assert len(nodes) == len(graph_nodes(g.L)) == 12
    for k, (other_size, other_nodes) in enumerate(geometries[1:], start=2):
        assert other_size == size, f"frame {k}"
        assert other_nodes == nodes, f"frame {k}"


def test_each_frame_highlights_its_node_and_only_it(lecture):
    g, steps = lecture
    for frame in steps:
        (node,) = highlighted(frame.svg, "node")
        assert node.find(f"{SVG}title").text == dot_id(g.L, frame.node)


def test_values_appear_in_the_forward_pass_and_gradients_in_the_backward_pass(lecture):
    _, steps = lecture
    forward = [f for f in steps if f.phase == "forward"]
    for k, frame in enumerate(forward, start=1):
        texts = texts_of(frame.svg)
        assert texts.count("value ?") == len(forward) - k  # the ops not computed yet
        assert f"value {format_value(frame.node.value, 4)}" in texts
        assert not [t for t in texts if t.startswith(("dz", "dw1", "dL"))]
    backward = [f for f in steps if f.phase == "backward"]
    for k, frame in enumerate(backward, start=1):
        texts = texts_of(frame.svg)
        assert "value ?" not in texts
        gradients = [t for t in texts if re.match(r"d\S* = |d\(.*\) = ", t)]
        assert len(gradients) == k, frame.caption
    last = texts_of(steps[-1].svg)
    assert "value 0.3499" in last and "value −0.425" in last and "value 0.125" in last
    first_update = texts_of(next(f for f in steps if f.phase == "update").svg)
    assert "value 0.3499" in first_update and "value −0.4" in first_update  # w2 not yet


def texts_of(svg: str) -> list[str]:
    return [el.text for el in ET.fromstring(svg).iter(f"{SVG}text") if el.text]


def test_backward_edges_point_the_way_the_gradient_flows(lecture):
    g, steps = lecture
    for frame in steps:
        edges = highlighted(frame.svg, "edge")
        if frame.phase == "update" or (frame.node is g.L and frame.phase == "backward"):
            assert edges == []
            continue
        assert edges, frame.caption
        for edge in edges:
            tail, head = html.unescape(edge.find(f"{SVG}title").text).split("->")
            # Forward, the arrow points to the op computed from its inputs; backward, to the
            # input the op sends its gradient to: to the frame's node in both cases.
            assert arrow_end(edge) == (head if frame.phase == "forward" else tail)
            assert arrow_end(edge) == dot_id(g.L, frame.node)
    # dz comes back along the dashed shortcut from L, drawn only in that frame.
    dz = next(f for f in steps if f.phase == "backward" and f.node is g.z)
    (edge,) = highlighted(dz.svg, "edge")
    assert html.unescape(edge.find(f"{SVG}title").text) == f"{dot_id(g.L, g.z)}->n11"
    assert any(p.get("stroke-dasharray") for p in edge.iter(f"{SVG}path"))


def test_the_vectorized_cost_steps_through_with_arrays():
    X = ag.Constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], name="X")
    y = ag.Constant([1.0, 0.0, 1.0], name="y")
    w, b = ag.Variable([0.3, -0.4], name="w"), ag.Variable(0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), y), name="J")
    J.backward()
    steps = step_through(J, alpha=0.5)
    assert [f.phase for f in steps].count("update") == 2
    assert steps[0].caption == f"X · w = {format_value(X.value @ w.value, 4)}"
    assert steps[-2].caption == explain_update(J, 0.5, digits=4)[0].formula_with_numbers
    sizes = {svg_geometry(f.svg)[0] for f in steps}
    assert len(sizes) == 1


def test_step_through_needs_backward_and_a_current_graph(tmp_path):
    g = lecture_graph()
    with pytest.raises(RuntimeError, match=r"has none yet: call L.backward\(\) first"):
        step_through(g.L)
    g.L.backward()
    g.w1.value = 2.0
    with pytest.raises(ag.StaleGraphError, match="step_through"):
        step_through(g.L)
    g.L.forward()
    g.L.backward()
    with pytest.raises(ValueError, match="step_through: digits must be an integer ≥ 1"):
        step_through(g.L, digits=0)
    with pytest.raises(TypeError, match="step_through\\(\\) takes a node"):
        step_through("L")  # type: ignore[arg-type]
    steps = step_through(g.L)
    assert steps[0].caption.startswith("w1 · x1")
    with pytest.raises(ValueError, match="format must be 'svg' or 'png'"):
        steps.save_frames(tmp_path / "frames", format="jpg")
    assert not (tmp_path / "frames").exists()


# --- face 1: the page -------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links.extend(v or "" for k, v in attrs if k in ("src", "href", "xlink:href"))


def test_the_page_is_self_contained_with_every_frame_and_its_caption(lecture, tmp_path):
    _, steps = lecture
    path = steps.save_html(tmp_path / "step.html")
    page = path.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(page)
    assert parser.links == []  # nothing loaded from anywhere: no src, no href
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/)", page)
    assert page.count('<figure class="frame"') == 18 and page.count("<svg") == 18
    assert page.count(" hidden>") == 17
    for frame in steps:
        assert f'data-caption="{html.escape(frame.caption)}"' in page
    # The caption is shown once: in the page, not also inside the pictures.
    assert "z = w1 · x1 + w2 · x2 + b = 0.3" not in "".join(f.svg for f in steps)
    assert page.count('id="caption"') == 1


def test_names_are_escaped_in_the_page_and_never_read_as_templates():
    w = ag.Variable(0.5, name="<b>&")
    x = ag.Constant(2.0, name="@@TITLE@@ {out} %s")
    L = ag.log_loss(ag.sigmoid((w * x).named("z"), name="a"), 1.0, name="L")
    L.backward()
    page = step_through(L).to_html()
    assert "<b>&" not in page and "&lt;b&gt;&amp;" in page
    assert "@@TITLE@@ {out} %s" in page  # the name as written, not a placeholder filled
    assert page.count("One step of gradient descent on L") == 2  # <title> and <h1>


# --- face 2: one file per frame -------------------------------------------------------------


def test_frame_files_are_all_one_size(lecture, tmp_path):
    _, steps = lecture
    pngs = steps.save_frames(tmp_path / "png", format="png")
    assert [p.name for p in pngs[:7]] == [
        *(f"0{k}-forward.png" for k in range(1, 7)),
        "07-backward.png",
    ]
    assert pngs[-1].name == "18-update.png"
    sizes = {png_size(p.read_bytes()) for p in pngs}
    assert len(sizes) == 1
    (width, height), = sizes
    assert width > 1000 and height > 300  # 150 dpi
    svgs = steps.save_frames(tmp_path / "svg")
    assert len({svg_geometry(p.read_text(encoding="utf-8"))[0] for p in svgs}) == 1
    assert "forward 4 of 6: z = w1 · x1 + w2 · x2 + b" in svgs[3].read_text(encoding="utf-8")
    bare = steps.save_frames(tmp_path / "bare", captions=False)
    assert bare[3].read_text(encoding="utf-8").endswith(steps[3].svg)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bare", "png", "svg"]  # nothing else


def test_a_failure_while_writing_leaves_no_folder(lecture, tmp_path, monkeypatch):
    _, steps = lecture
    written = []
    real = Path.write_bytes

    def failing(self, data):
        if len(written) == 5:
            raise OSError("disk full")
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    target = tmp_path / "new" / "frames"
    with pytest.raises(OSError, match="disk full"):
        steps.save_frames(target)
    assert len(written) == 5  # it failed half-way ...
    assert list(tmp_path.iterdir()) == []  # ... and left nothing, not even the parent folder
    with pytest.raises(OSError, match="disk full"):
        save_steps(lecture[0].L, tmp_path / "steps")
    assert list(tmp_path.iterdir()) == []


def test_an_unencodable_name_is_written_out_in_every_file(tmp_path):
    w = ag.Variable(0.5, name="x\ud800")
    L = ag.log_loss(ag.sigmoid((w * 2.0).named("z"), name="a"), 1.0, name="L\ud800")
    L.backward()
    steps = step_through(L)
    assert "x\ufffd" in steps.to_html()  # the replacement character: no codec fails on it
    paths = steps.save_frames(tmp_path / "frames", format="png")
    assert len({png_size(p.read_bytes()) for p in paths}) == 1


# --- face 3: Jupyter --------------------------------------------------------------------------


def test_the_widget_pages_through_the_frames(lecture):
    _, steps = lecture
    box = steps.widget()
    assert box.slider.value == 1 and box.slider.max == 18
    assert box.previous.disabled and not box.next.disabled
    assert box.picture.value == steps[0].svg
    assert html.escape(steps[0].caption) in box.caption.value
    box.next.click()
    assert box.slider.value == 2 and box.picture.value == steps[1].svg
    assert html.escape(steps[1].caption) in box.caption.value and "2 / 18" in box.caption.value
    box.previous.click()
    assert box.slider.value == 1 and box.picture.value == steps[0].svg
    box.slider.value = 9
    assert box.picture.value == steps[8].svg and "backward 3 of 9" in box.caption.value
    box.slider.value = 18
    assert box.next.disabled
    box.next.click()
    assert box.slider.value == 18


def test_without_ipywidgets_the_error_names_the_extra_and_the_page_shows_instead(
    lecture, monkeypatch
):
    _, steps = lecture
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r'pip install "autograd_lite\[notebook\]"'):
        steps.widget()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    steps._ipython_display_()
    (page,) = shown
    assert "<iframe srcdoc=" in page.data and "&lt;svg" in page.data


def test_in_a_notebook_the_widget_is_shown(lecture, monkeypatch):
    _, steps = lecture
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    steps._ipython_display_()
    (box,) = shown
    assert box.slider.max == 18


# --- names are data -------------------------------------------------------------------------

HOSTILE = {
    "braces": "{zzz}",
    "out": "{out}",
    "surrogate": "x\ud800",
    "markup": "<b>&",
    "empty": "",
    "long": "n" * 20_000,
}
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, id=key) for key, name in HOSTILE.items()
    ],
)
def test_hostile_names_do_not_break_the_page_or_the_frames(name, tmp_path):
    w = ag.Variable(0.3, name=name)
    x = ag.Constant(2.0, name="x")
    L = ag.log_loss(ag.sigmoid((w * x + 0.1).named("z"), name="a"), 1.0, name="L")
    L.backward()
    steps = step_through(L)
    page = steps.save_html(tmp_path / "page.html").read_text(encoding="utf-8")
    assert html.escape(display_name(name)) in page  # shown as every picture shows it
    for frame in steps:
        ET.fromstring(frame.svg)  # well-formed XML
    paths = steps.save_frames(tmp_path / "frames")
    assert len({svg_geometry(p.read_text(encoding="utf-8"))[0] for p in paths}) == 1


# --- options ----------------------------------------------------------------------------------


def test_the_layout_holds_with_local_derivatives_on_the_edges():
    g = lecture_graph()
    g.L.backward()
    steps = step_through(g.L, derivatives=True)
    assert len({svg_geometry(f.svg)[0] for f in steps}) == 1
    slope = format_value(g.a.value * (1 - g.a.value), 4)
    assert f"∂a/∂z = a(1 − a) = {slope}" in texts_of(steps[0].svg)


def test_step_through_is_exported_with_its_frames():
    assert ag.step_through is step_through and ag.StepThrough is StepThrough
    assert ag.explain_forward is explain_forward


# --- hostile arguments and large graphs (issue 19) -----------------------------------------------


def _one_example(features: int) -> ag.Node:
    """The lecture's graph of one example with ``features`` features: 4·features + 4 nodes."""
    from autograd_lite.lecture import example_loss

    w = [ag.Variable(0.1 * (j % 5) - 0.2, name=f"w{j + 1}") for j in range(features)]
    x = [ag.Constant(1.0 + j % 3, name=f"x{j + 1}") for j in range(features)]
    L = example_loss(w, ag.Variable(0.1, name="b"), x, ag.Constant(1.0, name="y"))
    L.backward()
    return L


def test_step_through_refuses_at_once_by_default_a_graph_it_cannot_step_through_in_seconds():
    L = _one_example(49)
    assert len(graph_nodes(L)) == 200  # inside draw's max_nodes=200
    started = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        step_through(L)
    assert time.perf_counter() - started < 0.5
    message = str(caught.value)
    assert message.startswith("step_through: the graph of LogLoss 'L' has 200 nodes, more than "
                              "max_nodes=40, the most it draws in a few seconds")
    assert "use draw(L) for one picture, or pass max_nodes=200 to wait for it" in message


def test_step_through_of_the_largest_graph_its_default_takes_finishes_in_a_few_seconds():
    L = _one_example(9)
    assert len(graph_nodes(L)) == 40
    started = time.perf_counter()
    steps = step_through(L)
    page = steps.to_html()
    assert time.perf_counter() - started < 10.0  # about 1.5 s on the machine it was measured on
    assert len(steps) == 60 and len(page) < 5_000_000


def test_save_frames_refuses_a_format_that_is_not_text(lecture, tmp_path):
    with pytest.raises(TypeError, match=r"save_frames: format must be 'svg' or 'png', got None "
                       r"\(NoneType\)"):
        lecture[1].save_frames(tmp_path / "frames", format=None)
    assert not (tmp_path / "frames").exists()


def test_save_html_into_a_folder_names_that_folder_not_a_hidden_file(lecture, tmp_path):
    with pytest.raises(IsADirectoryError) as caught:
        lecture[1].save_html(tmp_path)
    assert str(caught.value) == (
        f"save_html: {tmp_path} is a folder: give the name of the page to write, e.g. "
        f"{tmp_path / 'step_through.html'}"
    )
    assert list(tmp_path.iterdir()) == []


def test_save_html_where_it_cannot_write_names_the_path_given(lecture, tmp_path):
    target = tmp_path / "missing" / "page.html"
    with pytest.raises(FileNotFoundError) as caught:
        lecture[1].save_html(target)
    assert caught.value.filename == str(target) and ".tmp" not in str(caught.value)


def test_save_frames_keeps_the_users_own_files_in_the_folder(lecture, tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "1-forward.svg").write_text("mine")
    (folder / "99-update.png").write_text("mine too")
    lecture[1].save_frames(folder)
    assert (folder / "1-forward.svg").read_text() == "mine"
    assert (folder / "99-update.png").read_text() == "mine too"
