"""Every frame, line and picture consistent with the lecture and with itself (issue 20).

The lecture's first example as a teacher checks it by hand: x = (1, 2), w = (1, −1), b = 0,
y = 0 (so z = −1, a = σ(−1) = 0.268941 and dz = a − y = a), and lecture 2's cost on a few
examples of both classes.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.explain import explain, explain_forward, explain_update
from autograd_lite.lecture import lecture_graph
from autograd_lite.notation import graph_nodes, node_labels
from autograd_lite.stepthrough import step_through


@pytest.fixture(scope="module")
def by_hand():
    g = lecture_graph(x1=1.0, x2=2.0, w1=1.0, w2=-1.0, b=0.0, y=0.0)
    g.L.backward()
    return g, step_through(g.L, alpha=0.1)


def _levels(output: ag.Node) -> dict[int, int]:
    """Each node's distance from the output, in edges (the output is level 0)."""
    level = {id(output): 0}
    for node in reversed(graph_nodes(output)):  # every user before the node it uses
        for x in node.inputs:
            level[id(x)] = min(level.get(id(x), 10**9), level[id(node)] + 1)
    return level


# --- item 1: the forward pass reads as the expression does -------------------------------------


def test_forward_frames_follow_the_expressions_reading_order(by_hand):
    g, steps = by_hand
    labels = node_labels(g.L)
    forward = [labels[id(f.node)] for f in steps if f.phase == "forward"]
    assert forward == ["w1 · x1", "w2 · x2", "w1 · x1 + w2 · x2", "z", "a", "L"]
    assert [labels[id(c.node)] for c in explain_forward(g.L)] == forward
    # each op after its inputs: a pass forward() could compute in
    seen: set[int] = set()
    for frame in steps:
        if frame.phase == "forward":
            assert all(id(x) in seen or not x.inputs for x in frame.node.inputs)
            seen.add(id(frame.node))


def test_backward_frames_keep_the_reading_order_within_each_level(by_hand):
    g, steps = by_hand
    reading = {id(node): k for k, node in enumerate(graph_nodes(g.L))}
    level = _levels(g.L)
    backward = [f.node for f in steps if f.phase == "backward"]
    for depth in set(level.values()):
        at_level = [node for node in backward if level[id(node)] == depth]
        assert at_level == sorted(at_level, key=lambda node: reading[id(node)])
    labels = node_labels(g.L)
    assert [labels[id(n)] for n in backward if level[id(n)] == 5] == ["w1", "w2"]


# --- item 8: one minus sign ------------------------------------------------------------------

_HYPHEN_NUMBER = re.compile(r"-\d|-\.\d|\(-")


def test_every_caption_line_and_label_writes_the_lectures_minus_sign(by_hand):
    g, steps = by_hand
    texts = [f.caption for f in steps]
    texts += str(explain(g.L)).splitlines()
    texts += [str(u) for u in explain_update(g.L, 0.1)]
    texts += [str(c) for c in explain_forward(g.L)]
    texts += ag.draw(g.L, derivatives=True).source.splitlines()
    assert "a = σ(z) = 1 / (1 + e^(−z)) = 1 / (1 + e^(−(−1))) = 0.268941" in texts
    assert any("(−0/0.268941 + (1 − 0)/(1 − 0.268941))" in t for t in texts)
    assert [t for t in texts if _HYPHEN_NUMBER.search(t)] == []
    X = np.array([[1.0, -2.0], [-0.5, 1.0], [2.0, 0.5]])
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(-0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(ag.Constant(X, name="X") @ w + b), np.array([1.0, 0, 1])))
    J.backward()
    for convention in ("lecture", "engine"):
        lines = str(explain(J, convention=convention)).splitlines()
        assert [t for t in lines if _HYPHEN_NUMBER.search(t)] == []


# --- item 2: one scale per explanation; every line's numbers satisfy its formula -------------


class _Value:
    """A number or array in a narrated formula; ``·`` is a matrix product when either side is
    the data matrix or a transpose (``Xᵀ · dZ``), else entry by entry (``dA · A(1 − A)``)."""

    def __init__(self, value, matrix=False):
        self.value, self.matrix = np.asarray(value, dtype=float), matrix

    def _other(self, other):
        return other if isinstance(other, _Value) else _Value(other)

    def __mul__(self, other):
        other = self._other(other)
        if (self.matrix or other.matrix) and self.value.ndim and other.value.ndim:
            return _Value(self.value @ other.value)
        keep = (self.matrix and not other.value.ndim) or (other.matrix and not self.value.ndim)
        return _Value(self.value * other.value, keep)

    __rmul__ = __mul__

    def __add__(self, other):
        return _Value(self.value + self._other(other).value)

    __radd__ = __add__

    def __sub__(self, other):
        return _Value(self.value - self._other(other).value)

    def __rsub__(self, other):
        return _Value(self._other(other).value - self.value)

    def __truediv__(self, other):
        return _Value(self.value / self._other(other).value, self.matrix)

    def __rtruediv__(self, other):
        return _Value(self._other(other).value / self.value)

    def __neg__(self):
        return _Value(-self.value, self.matrix)

    @property
    def T(self):
        return _Value(np.atleast_2d(self.value).T if self.value.ndim else self.value, True)


def _evaluate(text: str, names: dict[str, object]) -> np.ndarray:
    """A narrated formula (names and numbers, the lecture's signs) computed with numpy."""
    text = text.replace(", for every entry", "")
    keys = {}
    for k, name in enumerate(sorted(names, key=len, reverse=True)):
        if name in text:
            keys[f"v{k}_"] = names[name]
            text = text.replace(name, f" v{k}_ ")
    text = text.replace("ᵀ", ".T").replace("·", "*").replace("−", "-")
    text = re.sub(r"Σ\s*(v\d+_)", r"S(\1)", text).replace("Σ (", "S(")
    text = re.sub(r"(v\d+_|\d|\))\s*\(", r"\1 * (", text)  # A(1 − A): a product
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d*)?(?:e[+-]?\d+)?)", r"V(\1)", text)
    scope = {**keys, "V": _Value, "S": lambda v: _Value(np.sum(v.value))}
    result = eval(text, {"__builtins__": {}}, scope)
    return result.value if isinstance(result, _Value) else np.asarray(result, dtype=float)


def _check_every_line(explanation, output: ag.Node) -> int:
    """Each part of each step's line, evaluated, is the step's value; returns parts checked."""
    names: dict[str, object] = {}
    for node in graph_nodes(output):
        label = explanation._labels[id(node)]
        names[label] = _Value(node.value, matrix=np.ndim(node.value) == 2)
    names["(1/m)"] = _Value(1.0)  # m itself is written next to it as a number: (1/3)
    for step in explanation.steps:
        names[step.gradient_name] = _Value(step.value)
    cost = ag.views.lecture_cost(output)
    if cost is not None:
        names["(1/m)"] = _Value(1 / cost.m)
        names["m"] = _Value(cost.m)
    checked = 0
    for step in explanation.steps:
        for part in step.formula_with_numbers.split(" = ")[1:]:
            if "array:" in part or part.startswith("the gradient"):
                continue
            if part.startswith("[") or part.startswith("[["):
                got = np.array(eval(part.replace("−", "-"), {"__builtins__": {}}))
            else:
                got = _evaluate(part, names)
            want = np.asarray(step.value, dtype=float)
            assert np.allclose(got.reshape(want.shape) if got.size == want.size else got, want,
                               rtol=1e-9, atol=1e-12), (step.formula_with_numbers, part)
            checked += 1
    return checked


@pytest.fixture(scope="module")
def four_examples():
    X = np.array([[1.0, -2.0], [-0.5, 1.0], [2.0, 0.5], [0.3, 0.3]])
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(-0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(ag.Constant(X) @ w + b), np.array([1.0, 0, 1, 0])))
    J.backward()
    return J


def test_lecture_convention_is_per_example_and_1_over_m_is_only_in_dw_and_db(four_examples):
    J = four_examples
    e = explain(J, digits=12, convention="lecture")
    header = str(e).split("\n\n")[0]
    assert "per example" in header.lower() and "1/m appears only in dw and db" in header
    cost = ag.views.lecture_cost(J)
    A, Y = cost.A.value, cost.Y.value
    by_name = {step.gradient_name: step for step in e.steps}
    assert np.allclose(by_name["dA"].value, -Y / A + (1 - Y) / (1 - A))  # dL/dA, not /m
    assert np.allclose(by_name["dZ"].value, A - Y)
    assert np.allclose(by_name["dZ"].value, by_name["dA"].value * A * (1 - A))  # one scale
    assert np.allclose(by_name["dw"].value, cost.X.value.T @ (A - Y) / 4)
    assert "1/m" not in by_name["dZ"].formula and "1/m" in by_name["dw"].formula
    assert _check_every_line(e, J) >= 8


def test_engine_convention_is_dJ_of_everything_and_names_X(four_examples):
    J = four_examples
    e = explain(J, digits=12, convention="engine")
    assert "dv means the derivative of the output" in str(e) or "dJ/dv" in str(e)
    assert "const" not in str(e) and "Xᵀ" in str(e)
    cost = ag.views.lecture_cost(J)
    by_name = {step.gradient_name: step for step in e.steps}
    assert np.allclose(by_name["dZ"].value, (cost.A.value - cost.Y.value) / 4)
    assert np.allclose(by_name["dA"].value, cost.A.grad)
    assert _check_every_line(e, J) >= 8


def test_lecture_one_lines_satisfy_their_formulas(by_hand):
    g, _ = by_hand
    for fused in (True, False):
        assert _check_every_line(explain(g.L, digits=12, fused=fused), g.L) >= 10


# --- item 3: the course's columns from the command line ------------------------------------


def test_explain_columns_speaks_the_courses_column_form(capsys):
    from autograd_lite.cli import main

    assert main(["explain", "--m", "4", "--columns"]) == 0
    out = capsys.readouterr().out
    assert "dw = (1/m) · X · dZᵀ = (1/4) · X · dZᵀ = [[" in out  # w is n × 1: a column
    assert "dZ = dA · A(1 − A) = A − Y = [[" in out  # Y, 1 × m: a row of labels
    assert "Xᵀ" not in out and "const" not in out


def test_draw_columns_names_the_labels_Y(tmp_path, capsys):
    from autograd_lite.cli import main

    dot = tmp_path / "columns.dot"
    assert main(["draw", "--m", "4", "--columns", "--out", str(dot), "--highlight", "Y"]) == 0
    source = dot.read_text(encoding="utf-8")
    assert "<B>Y</B>" in source and "<B>y</B>" not in source and "wᵀ · X" in source


def test_an_unnamed_label_and_data_print_Y_and_X_in_either_convention():
    X = ag.Constant(np.array([[1.0, 2.0], [0.5, -1.0]]))
    Y = ag.Constant(np.array([1.0, 0.0]))  # unnamed, as a user may leave them
    w, b = ag.Variable(np.zeros(2), name="w"), ag.Variable(0.0, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), Y), name="J")
    J.backward()
    for convention in ("lecture", "engine"):
        texts = [str(explain(J, convention=convention))]
        texts += [str(c) for c in explain_forward(J, convention=convention)]
        texts.append(ag.draw(J, convention=convention).source)
        for text in texts:
            assert "const" not in text and "var₁" not in text
        assert "A − Y" in texts[0] and "Xᵀ" in texts[0]


# --- item 4: a useful default example --------------------------------------------------------


def test_m_examples_have_both_labels_by_default_and_first_keeps_the_first_rows(capsys):
    from autograd_lite.cli import build_parser, main

    assert main(["explain", "--m", "4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("J over 4 examples (the first 2 labelled 1, the first 2 labelled 0)")
    dZ = re.search(r"dZ = .* = (\[.*\])$", out, re.MULTILINE).group(1)
    assert dZ == "[0.5, 0.5, −0.5, −0.5]" or len(set(dZ.split(", "))) > 1  # both signs
    assert main(["explain", "--m", "4", "--first"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("J over the first 4 examples")
    assert "dZ = dA · A(1 − A) = A − y = [0.5, 0.5, 0.5, 0.5]" in out  # 19 of 20 are 0
    explain_help = build_parser()._subparsers._group_actions[0].choices["explain"].format_help()
    assert "of both labels" in " ".join(explain_help.split())
    assert "--first" in explain_help


# --- item 6: pictures that fit a slide -----------------------------------------------------

_SVG = "{http://www.w3.org/2000/svg}"


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _svg_pixels(svg: bytes) -> tuple[float, float]:
    """The SVG's size in CSS pixels (96 dpi: a point is 4/3 pixels), as a browser shows it."""
    match = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(match.group(1)) * 4 / 3, float(match.group(2)) * 4 / 3


def _centres(svg: bytes) -> dict[str, tuple[float, float]]:
    import xml.etree.ElementTree as ET

    centres = {}
    for group in ET.fromstring(svg).iter(f"{_SVG}g"):
        if "node" in (group.get("class") or "").split():
            shape = next(el for el in group if el.tag in (f"{_SVG}polygon", f"{_SVG}path"))
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points")
                                                     or shape.get("d"))]
            xs, ys = numbers[0::2], numbers[1::2]
            centres[group.find(f"{_SVG}title").text] = ((min(xs) + max(xs)) / 2,
                                                       (min(ys) + max(ys)) / 2)
    return centres


def _lecture_pictures():
    from autograd_lite.draw import path_between

    g = lecture_graph()
    g.L.backward()
    yield "plain", g.L, {}
    yield "derivatives", g.L, {"derivatives": True}
    yield "derivatives --path w1", g.L, {
        "derivatives": True, "highlight": path_between(g.w1, g.L)}
    yield "collapse", g.L, {"collapse": True}
    yield "collapse --derivatives", g.L, {"collapse": True, "derivatives": True}
    X = np.array([[1.0, -2.0], [-0.5, 1.0], [2.0, 0.5], [0.3, 0.3]])
    graph = ag.lecture.VectorizedGraph(X, np.array([1.0, 0.0, 1.0, 0.0]))
    graph.J.backward()
    yield "m = 4", graph.J, {}
    yield "m = 4, derivatives", graph.J, {"derivatives": True}


@pytest.mark.parametrize("name", [name for name, _, _ in _lecture_pictures()])
def test_the_lecture_graphs_pictures_fit_a_16_9_slide_at_1920_px(name):
    from autograd_lite.draw import _rendered

    output, options = next((o, k) for n, o, k in _lecture_pictures() if n == name)
    picture = ag.draw(output, **options)
    width, height = _png_size(_rendered(picture, "png"))  # as save() writes a .png
    assert width <= 1920 and height <= 1080, (name, width, height)
    width, height = _svg_pixels(_rendered(picture, "svg"))  # text no smaller than on screen
    assert width <= 1920 and height <= 1080, (name, width, height)


def test_derivatives_keep_the_plain_drawings_layout_and_label_edges_with_short_names():
    from autograd_lite.draw import _rendered, path_between

    g = lecture_graph()
    g.L.backward()
    plain = _centres(_rendered(ag.draw(g.L), "svg"))
    labelled = ag.draw(g.L, derivatives=True, highlight=path_between(g.w1, g.L))
    derived = _centres(_rendered(labelled, "svg"))
    assert plain.keys() == derived.keys()
    for axis in (0, 1):  # the same boxes above, below, left and right of each other
        assert sorted(plain, key=lambda n: plain[n][axis]) == sorted(
            derived, key=lambda n: derived[n][axis])
    labels = re.findall(r"label=<(∂[^>]*)>", labelled.source)
    assert "∂(+)/∂(×) = 1" in labels and "∂(×)/∂w1 = x1 = 2" in labels
    assert all(" · " not in label.split(" = ")[0] for label in labels)  # no long names


# --- item 7: stale values shown as stale -----------------------------------------------------


def test_after_an_update_the_values_computed_from_old_parameters_are_marked_old(by_hand):
    g, steps = by_hand
    labels = node_labels(g.L)
    frames = [f for f in steps if f.phase == "update"]
    first = frames[0]
    assert first.caption == "w1 := w1 − α·dw1 = 1 − 0.1 · 0.2689 = 0.9731"
    old = re.findall(r">value ([^<>]*) \(old\)<", first.svg)
    assert old == ["1", "−1", "−1", "0.2689", "0.3133"]  # w1 · x1, the sum, z, a, L
    assert ">value −2<" in first.svg  # w2 · x2 does not use w1: still current
    last = frames[-1]
    assert len(re.findall(r"\(old\)<", last.svg)) == 6  # every op: w1, w2 and b are all new
    for frame in steps:
        if frame.phase != "update":
            assert "(old)" not in frame.svg  # forward and backward frames are all current
    assert labels[id(first.node)] == "w1"


# --- item 9: unnamed nodes have gradients too --------------------------------------------------


def test_unnamed_nodes_gradients_are_given_under_the_names_the_drawing_shows():
    from autograd_lite.notation import drawn_gradients

    x = ag.Variable(3.0, name="x")
    y = x * x + x
    y.backward()
    grads = drawn_gradients(y)
    assert grads == {"d(x · x + x)": 1.0, "d(x · x)": 1.0, "dx": 7.0}
    source = ag.draw(y).source
    for name in grads:
        assert f">{name} = " in source  # the very name the drawing shows
    g = lecture_graph()
    g.L.backward()
    every = drawn_gradients(g.L)
    assert {k: v for k, v in every.items() if k in g.L.gradients()} == g.L.gradients()
    assert every["d(w1 · x1)"] == g.z.grad


# --- item 5: one default everywhere ---------------------------------------------------------


def _subcommands():
    from autograd_lite.cli import build_parser

    return build_parser()._subparsers._group_actions[0].choices


def test_one_alpha_default_in_the_commands_the_step_through_and_the_docs():
    from pathlib import Path

    from autograd_lite.lecture import ALPHA

    for name, parser in _subcommands().items():
        for action in parser._actions:
            if action.dest in ("alpha", "learning_rate"):
                assert action.default == ALPHA, name
    assert ag.step_through.__kwdefaults__["alpha"] == ALPHA
    assert ag.LogisticRegression().learning_rate == ALPHA
    root = Path(__file__).resolve().parents[1]
    # Every page's step of the lectures' logistic regression; adding-an-op.md trains a network
    # of its own, whose α is that model's.
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    pages = [page for page in pages if page.name != "adding-an-op.md"]
    pages += sorted((root / "notebooks").glob("*.py"))
    for page in pages:
        for alpha in re.findall(r"^alpha = ([\d.]+)", page.read_text(encoding="utf-8"), re.M):
            assert float(alpha) == ALPHA, page.name


def test_every_subcommand_describes_itself_and_has_a_docs_section():
    from pathlib import Path

    reference = (Path(__file__).resolve().parents[1] / "docs" / "reference.md").read_text(
        encoding="utf-8")
    for name, parser in _subcommands().items():
        assert parser.description, f"{name} --help has no description"
        for action in parser._actions:
            if action.option_strings and action.dest != "help":
                assert action.help and "default" != action.help.split()[0], (name, action.dest)
        assert f"### `autograd-lite {name}`" in reference, name


# --- item 10: notebooks a teacher opens in one step ------------------------------------------


def test_one_readme_command_installs_jupyterlab_from_the_project_and_opens_the_notebooks():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^bash scripts/(\w+)", readme, re.MULTILINE)
    assert commands[:3] == ["demo", "test", "notebooks"]  # the two main ones, then the third
    script = (root / "scripts" / "notebooks").read_text(encoding="utf-8")
    assert "bash scripts/bootstrap notebook\n" in script  # pip install -e ".[notebook]"
    assert ".venv/bin/jupyter lab notebooks/" in script
    extra = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("jupyterlab") for r in extra["optional-dependencies"]["notebook"])


def test_the_notebooks_first_cell_is_a_few_lines():
    from pathlib import Path

    import jupytext

    for source in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py")):
        notebook = jupytext.read(source)
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        code = [line for line in first.source.splitlines() if line and not line.startswith("#")]
        assert len(code) <= 16, (source.name, len(code))
