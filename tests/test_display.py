"""What the library shows is readable and safe, whatever the values and names hold.

Arrays of any rank are one readable line in explanations and a row per matrix row in drawings;
a node's name is data: never a format string, never markup, never a reason for Graphviz or a
codec to fail. Every drawing here is rendered by Graphviz and parsed as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import autograd_lite as ag
from autograd_lite.draw import _pipe
from autograd_lite.notation import EMPTY_NAME, MAX_NAME, display_name, format_value, value_lines

HOSTILE_NAMES = [
    "",  # Graphviz's label parser refused an empty <B></B>
    "{zzz}",  # was a KeyError: the name was filled in as a placeholder
    "{out}",
    "{0}",
    "d{out}",
    "{logit}",
    "%s",
    "x" * 20_000,  # longer than Graphviz's 16,384-byte label limit
    "x\ud800",  # a lone surrogate: no encoding can write it
    "<b>&\"'",
    "]",  # Graphviz 2.42 reads a bare ] in a label as a syntax error
    "a\nb\tc",
    "σ · −",
]


def _column_graph(name: str = "w") -> ag.Node:
    """The course's column convention: w is n × 1, X is m × n."""
    w = ag.Variable(np.array([[0.3], [-0.4]]), name=name)
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0]]), name="X")
    A = ag.sigmoid(X @ w, name="A")
    J = ag.mean(ag.log_loss(A, np.array([[1.0], [0.0]])), name="J")
    J.backward()
    return J


def _svg(picture) -> ET.Element:
    return ET.fromstring(_pipe(picture, "svg"))


def test_a_column_vector_is_one_line_in_explanations_and_rows_in_drawings() -> None:
    J = _column_graph()
    assert format_value(np.array([[0.3], [-0.4]])) == "[[0.3], [−0.4]]"
    text = str(ag.explain(J))
    assert "\\n" not in text and "[[" in text
    source = ag.draw(J).source
    assert "\\n" not in source
    rows = source.replace("&#91;", "[").replace("&#93;", "]")
    assert "<TD>[[0.3],</TD></TR><TR><TD> [−0.4]]</TD>" in rows
    _svg(ag.draw(J))


SMALL_ARRAYS = arrays(
    np.float64, array_shapes(min_dims=0, max_dims=4, max_side=3), elements=st.floats(-9, 9)
)


@given(SMALL_ARRAYS)
def test_any_rank_formats_on_one_line_and_the_lines_rejoin_to_it(value: np.ndarray) -> None:
    text = format_value(value, digits=4)
    assert "\n" not in text
    lines = value_lines(value, digits=4)
    assert " ".join(line.strip() for line in lines) == text
    if value.ndim == 2 and value.size <= 6:
        assert len(lines) == value.shape[0]  # a line per row


@pytest.mark.parametrize("node_name", ["x1", "w1", "z", "a", "L", "y", "b"])
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_hostile_names_draw_explain_and_step_without_error(node_name: str, name: str) -> None:
    g = ag.lecture_graph(differentiate_x=True)
    getattr(g, node_name).name = name
    g.L.backward()
    shown = display_name(name)
    svg = _svg(ag.draw(g.L, derivatives=True))
    texts = "".join(svg.itertext())
    assert shown in texts  # drawn as given (cut, or its placeholder), never interpreted
    frames = ag.draw_steps(g.L, derivatives=True)
    _svg(frames[-1])  # the last frame shows every gradient; the others are the same graph
    explanation = str(ag.explain(g.L))
    assert shown in explanation
    for update in ag.explain_update(g.L, alpha=0.1):
        assert " := " in str(update)


def test_a_name_is_filled_in_as_text_never_as_a_placeholder() -> None:
    g = ag.lecture_graph()
    g.L.name = "{out}"
    g.L.backward()
    source = ag.draw(g.L, derivatives=True).source
    assert "shortcut: dz = d{out} · (a − y)" in source  # was "dL = dL · (a − y)"
    g = ag.lecture_graph(differentiate_x=True)
    g.x1.name = "{zzz}"
    g.L.backward()
    assert "∂(×)/∂w1 = {zzz} = 2" in ag.draw(g.L, derivatives=True).source


def test_names_are_shown_safely() -> None:
    assert display_name("") == EMPTY_NAME == '""'
    assert display_name("x\ud800") == "x\ufffd"
    cut = display_name("x" * 20_000)
    assert len(cut) == MAX_NAME and cut.endswith("…")
    assert display_name("a\nb") == "a\\nb"
    assert display_name("w1") == "w1"
    display_name("x\ud800").encode("utf-8")  # writable by any codec


def test_a_long_title_is_cut_not_refused_by_graphviz() -> None:
    J = _column_graph()
    svg = _svg(ag.draw(J, title="t" * 20_000))
    assert "…" in "".join(svg.itertext())


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_hostile_names_in_the_column_graph(name: str) -> None:
    J = _column_graph(name)
    _svg(ag.draw(J, derivatives=True))
    assert "\\n" not in ag.draw(J).source.replace(display_name(name), "")
    str(ag.explain(J))
