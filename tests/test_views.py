"""The lecture's views: the slide's one z box, the chain rule taken literally, lecture 2's dZ.

Each view changes what is shown, never what is computed: every number a view prints is
checked here against the engine's gradients or against the formula it shows, evaluated.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.draw import WRITTEN_RECORD
from autograd_lite.lecture import lecture_graph
from autograd_lite.notation import format_value
from autograd_lite.views import lecture_cost, sums_of_products


def _last_number(text: str) -> float:
    return float(text.rsplit(" = ", 1)[1].replace("−", "-"))


# --- the slide's one box: z = w1·x1 + w2·x2 + b ---------------------------------------------


def test_collapsed_explanation_has_the_slides_steps_and_the_engines_numbers() -> None:
    g = lecture_graph()
    g.L.backward()
    e = ag.explain(g.L, collapse=True, digits=17)
    assert [step.gradient_name for step in e] == ["dL", "da", "dz", "dw1", "dw2", "db"]
    assert [step.index for step in e] == [1, 2, 3, 4, 5, 6]
    assert e[g.w1].formula == "dw1 = x1 · dz"
    assert e[g.w2].formula == "dw2 = x2 · dz"
    assert e[g.b].formula == "db = dz"
    for leaf in (g.w1, g.w2, g.b):
        assert e[leaf].value == leaf.grad
        assert _last_number(e[leaf].formula_with_numbers) == leaf.grad
    assert e[g.w1].formula_with_numbers.startswith("dw1 = x1 · dz = 2 · (−0.2497")


def test_collapsed_drawing_has_one_z_box_with_an_edge_from_each_leaf() -> None:
    g = lecture_graph()
    g.L.backward()
    source = html.unescape(ag.draw(g.L, collapse=True, derivatives=True).source)
    assert "z = w1 · x1 + w2 · x2 + b" in source
    assert "w1 · x1<" not in source  # no box for the products inside z
    boxes = re.findall(r"^\s*(n\d+) \[label=", source, re.MULTILINE)
    assert len(boxes) == 9  # x1, w1, x2, w2, b, z, a, y, L
    assert "∂z/∂w1 = x1 = 2" in source and "∂z/∂b = 1" in source
    assert "dw1 = −0.4995" in source


def test_a_product_of_a_leaf_with_itself_is_not_collapsed() -> None:
    w = ag.Variable(0.5, name="w")
    z = (w * w + 1.0).named("z")
    assert sums_of_products(z) == {}


def test_a_product_used_twice_stays_a_node_of_its_own() -> None:
    w, x, b = ag.Variable(0.5, name="w"), ag.Constant(2.0, name="x"), ag.Variable(0.1, name="b")
    p = w * x
    z = (p + b).named("z")
    out = (z * p).named("out")
    assert sums_of_products(out) == {}


# --- the chain rule taken literally: dz = da · a(1 − a) -------------------------------------


def test_an_unfused_pass_sends_da_through_the_sigmoids_own_backward_step() -> None:
    g = lecture_graph()
    g.L.backward(fused=False)
    assert g.L.grad_pass.fused is False
    da = g.L.backward_step(1.0)[0]
    assert g.a.grad == da
    assert g.z.grad == g.a.backward_step(da)[0]  # da · a(1 − a), as the sigmoid computes it
    e = ag.explain(g.L)  # as backward ran: literal
    assert e[g.z].formula == "dz = da · a(1 − a)"
    assert any("fused=False" in note and "the same" in note for note in e[g.z].notes)


def test_explain_can_tell_the_other_walk_and_leaves_the_gradients_alone() -> None:
    g = lecture_graph()
    g.L.backward()
    before = g.z.grad
    e = ag.explain(g.L, fused=False)
    assert e[g.z].formula == "dz = da · a(1 − a)"
    assert g.z.grad == before and g.L.grad_pass.fused is True


def test_where_a_rounds_to_1_the_literal_chain_rule_loses_dz() -> None:
    z = ag.Variable(40.0, name="z")  # σ(40) rounds to 1: a(1 − a) is 0
    L = ag.log_loss(ag.sigmoid(z, name="a"), 0.0, name="L")
    L.backward(fused=False)
    assert z.grad == 0.0  # the true dz = a − y is 1
    note = " ".join(ag.explain(L)[z].notes)
    assert "differs" in note and "lost its digits" in note
    L.backward()
    assert z.grad == 1.0


def test_an_unfused_drawing_has_no_shortcut_edge() -> None:
    g = lecture_graph()
    g.L.backward()
    assert "shortcut" in ag.draw(g.L, derivatives=True).source
    assert "shortcut" not in ag.draw(g.L, derivatives=True, fused=False).source


def test_view_options_are_checked() -> None:
    g = lecture_graph()
    g.L.backward()
    with pytest.raises(TypeError, match="fused must be True or False"):
        ag.explain(g.L, fused="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="collapse must be True or False"):
        ag.draw(g.L, collapse=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="convention must be one of"):
        ag.explain(g.L, convention="course")
    with pytest.raises(ValueError, match="not lecture 2's cost"):
        ag.explain(g.L, convention="lecture")


# --- lecture 2's convention: dZ = A − Y, dw = (1/m)·Xᵀ·dZ, db = (1/m)·Σ dZ -------------------


@st.composite
def problems(draw):
    m = draw(st.integers(1, 8))
    n = draw(st.integers(1, 4))
    floats = st.floats(-3, 3, allow_nan=False)
    X = np.array(draw(st.lists(floats, min_size=m * n, max_size=m * n))).reshape(m, n)
    y = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=m, max_size=m)))
    w = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
    return X, y, w, draw(floats), draw(st.booleans())


@given(problems())
def test_lecture_2s_formulas_evaluated_give_the_engines_gradients(problem) -> None:
    X_value, y_value, w_value, b_value, columns = problem
    m = len(y_value)
    b = ag.Variable(b_value, name="b")
    if columns:  # the course's layout: X is n × m, w is n × 1, Z = wᵀX + b is 1 × m
        X, w = ag.Constant(X_value.T.copy(), name="X"), ag.Variable(w_value[:, None], name="w")
        Y = y_value[None, :]
        Z = (w.T @ X + b).named("Z")
    else:
        X, w, Y = ag.Constant(X_value, name="X"), ag.Variable(w_value, name="w"), y_value
        Z = (X @ w + b).named("Z")
    A = ag.sigmoid(Z, name="A")
    J = ag.mean(ag.log_loss(A, Y), name="J")
    J.backward()
    e = ag.explain(J)
    dZ = A.value - Y  # the lecture's dZ, shown as it is
    np.testing.assert_array_equal(e[Z].value, dZ)
    assert e[Z].formula == "dZ = dA · A(1 − A) = A − y"  # per example, as dA is
    if columns:
        assert e[w].formula == "dw = (1/m) · X · dZᵀ"
        shown = (1 / m) * (X.value @ dZ.T)
    else:
        assert e[w].formula == "dw = (1/m) · Xᵀ · dZ"
        shown = (1 / m) * (X.value.T @ dZ)
    # The same sums in another order: a few ulps of the largest term apart.
    scale = (np.abs(X_value).T @ np.abs(dZ).reshape(m, 1)).max()
    np.testing.assert_allclose(w.grad, shown.reshape(w.shape), rtol=0, atol=1e-15 * scale + 1e-300)
    np.testing.assert_array_equal(e[w].value, w.grad)
    assert e[b].formula == "db = (1/m) · Σ dZ"
    assert e[b].value == b.grad == pytest.approx(np.sum(dZ) / m, rel=1e-12, abs=1e-15)
    assert [s.gradient_name for s in e][-3:] == ["dZ", "dw", "db"]


def test_the_engines_convention_is_still_there_and_only_the_cost_gets_the_lectures() -> None:
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0]]), name="X")
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), np.array([1.0, 0.0])), name="J")
    J.backward()
    cost = lecture_cost(J)
    assert cost is not None and cost.m == 2 and not cost.columns
    engine = ag.explain(J, convention="engine")
    assert engine[b].formula == "db = Σ dZ"  # Z is unnamed: the lecture's letter, in either
    lecture = ag.explain(J)
    assert lecture[b].formula == "db = (1/m) · Σ dZ"
    assert "(1/2) · " in lecture[b].formula_with_numbers
    L = ag.sum(ag.log_loss(ag.sigmoid(X @ w + b), np.array([1.0, 0.0])), name="L")
    assert lecture_cost(L) is None  # a sum, not the mean: the engine's own words


def test_the_drawing_of_lecture_2s_cost_shows_the_lectures_dZ() -> None:
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0]]), name="X")
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(0.1, name="b")
    Z = (X @ w + b).named("Z")
    A = ag.sigmoid(Z, name="A")
    J = ag.mean(ag.log_loss(A, np.array([1.0, 0.0])), name="J")
    J.backward()
    lecture = html.unescape(ag.draw(J).source)
    engine = html.unescape(ag.draw(J, convention="engine").source)
    dZ = ag.explain(J)[Z].value
    assert format_value(dZ, 4) in lecture and format_value(Z.grad, 4) in engine


# --- the views in the step-through and the step pictures ------------------------------------


def _geometry(svg: str) -> tuple:
    root = ET.fromstring(svg)
    nodes = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if "node" in (group.get("class") or "").split():
            title = group.find("{http://www.w3.org/2000/svg}title").text
            boxes = [el for el in group if el.tag[35:] in ("polygon", "path", "ellipse")]
            nodes[title] = [el.get("points") or el.get("d") for el in boxes]  # not the text
    return (root.get("width"), root.get("height"), root.get("viewBox")), nodes


def test_the_step_through_tells_the_slide_and_keeps_one_layout() -> None:
    g = lecture_graph()
    g.L.backward()
    steps = ag.step_through(g.L, collapse=True)
    forward = [f for f in steps if f.phase == "forward"]
    assert [f.node for f in forward] == [g.z, g.a, g.L]  # no frame inside the z box
    backward = [f.caption for f in steps if f.phase == "backward"]
    assert backward == [s.formula_with_numbers for s in ag.explain(g.L, digits=4, collapse=True)]
    geometries = {repr(_geometry(f.svg)) for f in steps}
    assert len(geometries) == 1  # every frame: the same size, every box in the same place


def test_the_step_through_of_lecture_2s_cost_speaks_its_language() -> None:
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0], [0.5, 0.5]]), name="X")
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), np.array([1.0, 0.0, 1.0])), name="J")
    J.backward()
    captions = [f.caption for f in ag.step_through(J)]
    assert any(c.startswith("Z = X · w + b = ") for c in captions)
    assert any(c.startswith("dZ = dA · A(1 − A) = A − y = ") for c in captions)
    assert any(c.startswith("db = (1/m) · Σ dZ = (1/3) · ") for c in captions)


def test_step_pictures_take_the_views_too() -> None:
    g = lecture_graph()
    g.L.backward()
    frames = ag.draw_steps(g.L, collapse=True)
    assert len(frames) == 6 and "step 4 of 6: dw1 = x1 · dz" in frames[3].source
    literal = ag.draw_steps(g.L, fused=False)
    assert "step 3 of 9: dz = da · a(1 − a) = " in literal[2].source
    assert "shortcut" not in literal[2].source


# --- what a review found ----------------------------------------------------------------------


def _cost(w: list[float], b: float | list[float] = 0.0):
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0], [0.5, 0.5]]), name="X")
    w_node, b_node = ag.Variable(np.array(w), name="w"), ag.Variable(b, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w_node + b_node), np.array([1.0, 0.0, 1.0])), name="J")
    return J, w_node, b_node


@pytest.mark.parametrize(
    ("walk", "why"),
    [
        ({"fused": False}, "literal walk"),
        ({"grad": 2.0}, "started from dJ ≠ 1"),
    ],
)
def test_the_lectures_convention_is_never_shown_for_numbers_it_does_not_give(walk, why) -> None:
    J, _w, b = _cost([40.0, 40.0])
    J.backward(walk.get("grad"), fused=walk.get("fused", True))
    e = ag.explain(J)  # "auto": falls back to what each node stores
    assert not e.lecture and e[b].formula == "db = Σ dZ"
    with pytest.raises(ValueError, match=why):
        ag.explain(J, convention="lecture")


def test_a_vector_b_keeps_the_engines_convention() -> None:
    J, _w, _b = _cost([0.3, -0.4], [0.1, 0.2, 0.3])
    J.backward()
    assert not ag.explain(J).lecture


def test_collapse_keeps_the_sum_of_a_broadcast_leaf() -> None:
    x1 = ag.Constant(np.array([2.0, 1.0, -1.0]), name="x1")
    x2 = ag.Constant(np.zeros(3), name="x2")
    w1, w2 = ag.Variable(0.3, name="w1"), ag.Variable(-0.4, name="w2")
    b = ag.Variable(0.1, name="b")
    z = (w1 * x1 + w2 * x2 + b).named("z")
    J = ag.mean(ag.log_loss(ag.sigmoid(z, name="a"), np.array([1.0, 0.0, 1.0])), name="J")
    J.backward()
    e = ag.explain(J, collapse=True)
    assert e[w1].formula == "dw1 = Σ (x1 · dz)" and e[w1].value == w1.grad
    assert e[b].formula == "db = Σ dz" and e[b].value == b.grad


def test_a_shared_sigmoid_gets_no_false_notes() -> None:
    z = ag.Variable(0.4, name="z")
    a = ag.sigmoid(z, name="a")
    out = (ag.log_loss(a, 0.0, name="L") + a * 2.0).named("out")
    out.backward()
    notes = " ".join(ag.explain(out)[z].notes)
    assert "fused=False" not in notes and "the same" in notes
    assert "fused=False" not in " ".join(ag.explain(out, fused=False)[z].notes)


def test_explain_with_another_walk_leaves_the_arrays_a_reader_holds() -> None:
    J, _w, _b = _cost([400.0, 400.0])
    J.backward()
    product = J.inputs[0].inputs[0].inputs[0].inputs[0]  # X · w
    held, before = product.grad, product.grad.copy()
    with np.errstate(invalid="ignore"):  # the literal walk: ∞ · 0 where A rounds to 1
        ag.explain(J, fused=False, convention="engine")
    np.testing.assert_array_equal(held, before)
    assert product.grad is held


def test_explain_update_takes_only_the_outputs_pass_and_variables() -> None:
    g = lecture_graph()
    g.z.backward()
    with pytest.raises(RuntimeError, match=r"not from L\.backward"):
        ag.explain_update(g.L, 0.1)
    g.L.backward()
    with pytest.raises(ValueError, match="only a Variable"):
        ag.explain_update(g.L, 0.1, parameters=[g.z])
    with pytest.raises(TypeError, match="parameters must be a list"):
        ag.explain_update(g.L, 0.1, parameters=g.w1)  # type: ignore[arg-type]


def test_collapse_with_a_path_highlights_the_box() -> None:
    g = lecture_graph()
    g.L.backward()
    source = ag.draw(g.L, collapse=True, highlight=ag.path_between(g.w1, g.L)).source
    assert source.count('class=highlight') == 4 + 3  # w1, z, a, L and the edges between them


def test_options_are_named_by_the_function_given_them() -> None:
    g = lecture_graph()
    g.L.backward()
    with pytest.raises(ValueError, match=r"^draw_steps: convention must be one of"):
        ag.draw_steps(g.L, convention="bogus")
    with pytest.raises(TypeError, match=r"^step_through: collapse must be True or False"):
        ag.step_through(g.L, collapse="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="draw\\(convention='lecture'\\): the graph is not"):
        ag.draw(g.L, convention="lecture")
    with pytest.raises(TypeError, match="fused must be True or False"):
        g.L.backward(fused="False")  # type: ignore[arg-type]


def test_saving_again_leaves_no_stale_frames(tmp_path) -> None:
    g = lecture_graph()
    g.L.backward()
    folder = tmp_path / "frames"
    ag.step_through(g.L).save_frames(folder)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    ag.step_through(g.L, collapse=True).save_frames(folder)
    names = sorted(p.name for p in folder.iterdir() if p.name != WRITTEN_RECORD)
    assert len(names) == 12 + 1 and "notes.txt" in names  # the reader's own file stays
