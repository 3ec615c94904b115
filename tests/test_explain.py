"""explain(L): the backward pass step by step, whose numbers are the engine's own gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.explain import Explanation, Step, explain, format_value, node_labels
from autograd_lite.lecture import LectureGraph, lecture_graph
from autograd_lite.node import Node, topological_order


def _graph(**values: float) -> LectureGraph:
    """The graph these tests were written for: x1, x2 as Variables, so dx1, dx2 are drawn."""
    example = {"x1": 1.0, "x2": 2.0, "w1": 0.5, "w2": -0.25, "b": 0.1, **values}
    return lecture_graph(**example, differentiate_x=True)


def _assert_steps_are_the_backward_pass(output: Node, explanation: Explanation) -> None:
    """One step per node backward() gave a gradient, in its order, with exactly its numbers."""
    visited = [node for node in topological_order(output) if node.grad is not None]
    assert [step.node for step in explanation.steps] == visited
    for k, step in enumerate(explanation.steps, start=1):
        assert step.index == k
        # a copy of the gradient (the next pass rewrites the engine's arrays), bit for bit
        assert type(step.value) is type(step.node.grad)
        np.testing.assert_array_equal(step.value, step.node.grad)
        assert step.formula.startswith(step.gradient_name + " = ")
        assert step.formula_with_numbers.startswith(step.formula.split(" = ")[0] + " = ")
        assert step.formula_with_numbers.endswith(" " + format_value(step.node.grad))
        if step.node is output:
            assert step.contributions == ()
            continue
        total = None
        for contribution in step.contributions:
            assert np.shape(contribution.value) == step.node.shape
            total = contribution.value if total is None else total + contribution.value
        # The contributions, added in the engine's order, give the stored gradient bit for bit.
        np.testing.assert_array_equal(total, step.node.grad)


def test_lecture_graph_steps_are_backward_order_with_the_engines_numbers():
    g = _graph()
    g.L.backward()
    explanation = explain(g.L)
    _assert_steps_are_the_backward_pass(g.L, explanation)
    assert len(explanation) == 11


def test_lecture_graph_text_in_the_lectures_notation():
    g = _graph()
    g.L.backward()
    e = explain(g.L)
    dz = format_value(g.z.grad)
    assert e[g.L].formula_with_numbers == "dL = 1"
    assert e[g.a].formula == "da = dL · (−y/a + (1 − y)/(1 − a))"
    assert e[g.z].formula == "dz = da · a(1 − a) = dL · (a − y)"
    assert e[g.z].formula_with_numbers == (
        f"dz = da · a(1 − a) = dL · (a − y) = 1 · ({format_value(g.a.value)} − 1) = {dz}"
    )
    assert e[g.w1].formula_with_numbers == f"dw1 = x1 · d(w1 · x1) = x1 · dz = 1 · ({dz}) = {dz}"
    assert e[g.x2].formula_with_numbers == (
        f"dx2 = w2 · d(w2 · x2) = w2 · dz = (−0.25) · ({dz}) = {format_value(g.x2.grad)}"
    )
    assert e[g.b].formula_with_numbers == f"db = dz = {dz}"
    text = str(e)
    for step in e.steps:
        assert step.formula_with_numbers in text


def test_the_logloss_on_sigmoid_shortcut_is_named_and_equals_z_grad():
    g = lecture_graph(x1=0.3, x2=-1.2, w1=2.0, w2=0.7, b=-0.4, y=0.0)
    g.L.backward()
    step = explain(g.L)[g.z]
    (shortcut,) = step.contributions
    assert shortcut.simplified and shortcut.source is g.L
    assert shortcut.value == g.z.grad == g.a.value - g.y.value  # dz = a − y, dL = 1
    assert "the lecture's simplification" in "\n".join(step.notes)
    # The chain rule it replaces, multiplied out, is shown with its number, which agrees.
    product = g.a.grad * g.a.value * (1 - g.a.value)
    assert f"= {format_value(product)}, the same" in "\n".join(step.notes)
    assert format_value(product) == format_value(g.z.grad)
    a_step = explain(g.L)[g.a]
    assert not a_step.contributions[0].passes_on
    assert "not passed on" in a_step.notes[0]


def test_saturated_sigmoid_says_the_multiplied_out_form_would_be_inf_times_zero():
    z = ag.Variable(-800.0, name="z")
    a = ag.sigmoid(z, name="a")
    L = ag.log_loss(a, 1.0, name="L")
    L.backward()
    e = explain(L)
    assert e[z].value == z.grad == -1.0
    assert "∞ · 0" in "\n".join(e[z].notes)
    assert e[a].value == a.grad == -np.inf


def test_closed_forms_dw_equals_x_dz_and_db_equals_dz_are_stated():
    g = _graph()
    g.L.backward()
    e = explain(g.L)
    assert e[g.w2].contributions[0].closed_form == "x2 · dz"
    assert "closed form dw2 = x2 · dz" in e[g.w2].notes[0]
    assert g.w2.grad == g.x2.value * g.z.grad
    assert "closed form db = dz" in e[g.b].notes[0]
    assert g.b.grad == g.z.grad


def test_a_node_used_several_times_says_the_contributions_add_up():
    x = ag.Variable(3.0, name="x")
    y = (x * x + x).named("y")
    y.backward()
    e = explain(y)
    _assert_steps_are_the_backward_pass(y, e)
    step = e[x]
    assert len(step.contributions) == 3
    assert step.formula == "dx = dy + x · d(x · x) + x · d(x · x)"
    assert step.formula_with_numbers.endswith("= 1 + 3 + 3 = 7")
    assert "x is used 3 times" in step.notes[0] and "add up" in step.notes[0]


def _vectorized(seed: int = 7):
    rng = np.random.default_rng(seed)
    X = ag.Constant(rng.normal(size=(5, 3)), name="X")
    y = ag.Constant([1.0, 0.0, 1.0, 1.0, 0.0] if seed == 7 else rng.integers(2, size=5), name="y")
    w = ag.Variable(rng.normal(size=3), name="w")
    b = ag.Variable(0.2 if seed == 7 else rng.normal(), name="b")
    Z = (X @ w + b).named("Z")
    A = ag.sigmoid(Z, name="A")
    J = ag.mean(ag.log_loss(A, y), name="J")
    return X, y, w, b, Z, A, J


def test_vectorized_graph_numbers_equal_the_gradients():
    X, y, w, b, Z, A, J = _vectorized()
    J.backward()
    e = explain(J, convention="engine")  # what each node stores; tests/test_views.py: lecture's
    _assert_steps_are_the_backward_pass(J, e)
    assert e[w].formula == "dw = Xᵀ · d(X · w)"
    assert e[w].contributions[0].closed_form == "Xᵀ · dZ"
    np.testing.assert_array_equal(e[w].value, X.value.T @ Z.grad)
    assert e[Z].formula == "dZ = dA · A(1 − A) = dL · (A − y)"  # the loss: lecture 2's L
    np.testing.assert_array_equal(e[Z].value, (1 / 5) * (A.value - y.value))
    # b was broadcast over the 5 examples: its gradient is the sum of dZ, and the step says so.
    assert e[b].formula == "db = Σ dZ"
    assert e[b].value == pytest.approx(np.sum(Z.grad), rel=1e-15)
    assert any("broadcast" in note for note in e[b].notes)
    assert any("m = 5" in note for note in e[e.steps[1].node].notes)


def _random_graph(seed: int) -> tuple[Node, list[Node]]:
    """A random graph of the other ops, on scalars or on arrays, with safe domains."""
    rng = np.random.default_rng(seed)
    shape = [(), (3,), (2, 3)][seed % 3]

    def value() -> float | np.ndarray:
        v = rng.uniform(-1.5, 1.5, size=shape)
        return float(v) if shape == () else v

    leaves = [ag.Variable(value(), name=f"v{k}") for k in range(3)]
    pool: list[Node] = list(leaves)
    for _ in range(8):
        x, y = (pool[i] for i in rng.integers(len(pool), size=2))
        kind = rng.integers(10)
        if kind == 0:
            node = x + y
        elif kind == 1:
            node = x - y
        elif kind == 2:
            node = x * y
        elif kind == 3:
            node = x / (y * y + 1.0)
        elif kind == 4:
            node = -x
        elif kind == 5:
            node = ag.exp(ag.sigmoid(x))
        elif kind == 6:
            node = ag.log(x * x + 0.5)
        elif kind == 7:
            node = ag.sigmoid(x) * 2.0
        elif kind == 8:
            node = x * 0.5 + ag.mean(y)
        else:
            node = ag.sum(x) - y
        pool.append(node)
    output = ag.sum(pool[-1] + pool[-2] + pool[-3])
    return output, leaves


@pytest.mark.parametrize("seed", range(24))
def test_random_graphs_of_other_ops_are_explained_with_the_engines_numbers(seed):
    output, leaves = _random_graph(seed)
    output.backward()
    e = explain(output)
    _assert_steps_are_the_backward_pass(output, e)
    text = str(e)
    assert len(text.splitlines()) >= len(e.steps)
    for leaf in leaves:
        if leaf.grad is not None:
            assert e[leaf].gradient_name == "d" + leaf.name


def test_explain_needs_backward_first():
    g = _graph()
    with pytest.raises(RuntimeError, match=r"call L\.backward\(\) first"):
        explain(g.L)


def test_explain_refuses_gradients_that_no_longer_match_the_values():
    g = _graph()
    g.L.backward()
    g.x1.value = 5.0  # dw1 = x1 · dz no longer holds for the stored gradients
    with pytest.raises(ag.StaleGraphError, match=r"^explain\(L\): Variable 'x1' .*L\.forward\(\)"):
        explain(g.L)
    g.L.forward()
    g.L.backward()
    assert explain(g.L)[g.w1].value == g.w1.grad == 5.0 * g.z.grad


@pytest.mark.parametrize("name", ["X", "y", "w", "b"])
def test_explain_of_a_stale_graph_names_the_leaf_that_changed(name):
    X, y, w, b, *_, J = _vectorized()
    J.backward()
    leaf = {"X": X, "y": y, "w": w, "b": b}[name]
    leaf.value = 1.0 - leaf.value  # keeps the labels in [0, 1]
    with pytest.raises(ag.StaleGraphError) as caught:
        explain(J)
    message = str(caught.value)
    assert message.startswith(f"explain(J): {leaf.describe()} was given a new value")
    assert "call J.forward()" in message


def _lecture_values(seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    values = dict(zip(["x1", "x2", "w1", "w2", "b"], rng.uniform(-2, 2, size=5), strict=True))
    return {**values, "y": float(seed % 2)}


@pytest.mark.parametrize("seed", range(4))
def test_a_rerun_graph_is_explained_exactly_as_a_fresh_one(seed):
    g = _graph()
    g.L.backward()
    explain(g.L)
    values = _lecture_values(seed)
    for name, value in values.items():
        getattr(g, name).value = value
    g.L.forward()
    g.L.backward()
    fresh = lecture_graph(**values, differentiate_x=True)
    fresh.L.backward()
    assert str(explain(g.L)) == str(explain(fresh.L))
    _assert_steps_are_the_backward_pass(g.L, explain(g.L))


def test_a_rerun_vectorized_graph_is_explained_exactly_as_a_fresh_one():
    old, fresh = _vectorized(), _vectorized(8)
    J = old[-1]
    J.backward()
    explain(J)
    for leaf, new in zip(old[:4], fresh[:4], strict=True):  # X, y, w, b
        leaf.value = new.value
    J.forward()
    J.backward()
    fresh[-1].backward()
    assert str(explain(J)) == str(explain(fresh[-1]))
    _assert_steps_are_the_backward_pass(J, explain(J, convention="engine"))


def test_explain_leaves_every_gradient_as_backward_left_it():
    J = _vectorized()[-1]
    J.backward()
    before = {id(node): np.array(node.grad) for node in topological_order(J)}
    explain(J)
    for node in topological_order(J):
        np.testing.assert_array_equal(node.grad, before[id(node)])


def test_the_multiplied_out_note_is_what_the_sigmoids_backward_step_computes():
    class DoubledSigmoid(ag.Sigmoid):
        """A sigmoid whose backward step is deliberately twice the true one."""

        def backward_step(self, da):
            return (2.0 * super().backward_step(da)[0],)

    def note(kind):
        z = ag.Variable(0.4, name="z")
        a = kind(z, name="a")
        L = ag.log_loss(a, 1.0, name="L")
        L.backward()
        (text,) = [n for n in explain(L)[z].notes if "multiplied out" in n]
        return text, a, z

    text, a, z = note(ag.Sigmoid)
    product = a.backward_step(a.grad)[0]
    assert f"= {format_value(product)}, the same" in text
    doubled, _, z2 = note(DoubledSigmoid)
    assert z2.grad == z.grad  # the shortcut dz = a − y does not use the sigmoid's backward step
    assert f"= {format_value(2.0 * product)}, not {format_value(z.grad)}" in doubled
    assert "the same" not in doubled


def test_explain_refuses_a_node_that_backward_did_not_start_from():
    g = _graph()
    total = (g.L + g.z).named("total")
    total.backward()
    with pytest.raises(RuntimeError, match="ran from another node"):
        explain(g.L)


def test_explanation_is_text_markdown_and_steps():
    g = _graph()
    g.L.backward()
    e = explain(g.L)
    assert isinstance(e.steps, tuple) and all(isinstance(s, Step) for s in e.steps)
    assert str(e).startswith("Backward pass of L")
    assert e._repr_markdown_() == "```text\n" + str(e) + "\n```"
    assert repr(e) == "<Explanation of LogLoss 'L': 11 steps>"
    assert e[0] is e.steps[0] and e[g.z].node is g.z
    with pytest.raises(KeyError, match="no backward step"):
        e[g.y]  # a constant: no gradient flows into it
    with pytest.raises(TypeError, match="takes a node"):
        explain(1.0)  # type: ignore[arg-type]


def test_unnamed_nodes_are_called_by_their_expression_or_their_op():
    w1, x1 = ag.Variable(0.5, name="w1"), ag.Variable(1.0, name="x1")
    w2, x2 = ag.Variable(-0.25, name="w2"), ag.Variable(2.0, name="x2")
    b = ag.Variable(0.1, name="b")
    z = w1 * x1 + w2 * x2 + b
    q = -(z - (w1 - x1)) / ag.exp(-z)
    labels = node_labels(q)
    assert labels[id(z)] == "w1 · x1 + w2 · x2 + b"
    assert labels[id(q.inputs[1])] == "e^(−(w1 · x1 + w2 · x2 + b))"
    # Too long for a label: the op's name and a number, never an ambiguous symbol.
    assert labels[id(q.inputs[0].inputs[0])] == "subtract₁"
    assert labels[id(q.inputs[0])] == "−subtract₁"
    assert labels[id(q)] == "divide₂"
    s = ag.sigmoid(w1 - x1)
    assert node_labels(s)[id(s)] == "σ(w1 − x1)"
    t = (w1 * (x1 + w2)).named("t")
    assert node_labels(t)[id(t.inputs[1])] == "x1 + w2"
    assert node_labels(t)[id(t)] == "t"


@pytest.mark.parametrize("digits", [0, -1, -3])
def test_explain_refuses_digits_below_1_by_name_and_value(digits):
    g = _graph()
    g.L.backward()
    message = f"explain: digits must be an integer ≥ 1, got digits={digits}"
    with pytest.raises(ValueError, match=message):
        explain(g.L, digits=digits)
    with pytest.raises(ValueError, match="format_value: digits must be an integer ≥ 1"):
        format_value(0.5, digits=digits)


def test_explain_refuses_digits_that_are_not_integers():
    g = _graph()
    g.L.backward()
    with pytest.raises(TypeError, match=r"explain: digits must be an integer ≥ 1, got float 2\.5"):
        explain(g.L, digits=2.5)
    assert str(explain(g.L, digits=np.int64(3))) == str(explain(g.L, digits=3))


def test_update_lines_evaluate_to_the_value_they_show() -> None:
    g = lecture_graph()
    g.L.backward()
    updates = ag.explain_update(g.L, alpha=0.5, digits=17)
    assert [u.label for u in updates] == ["w1", "w2", "b"]
    for update in updates:
        node = update.node
        assert update.value == node.value - 0.5 * node.grad  # w := w − α·dw, computed once
        assert update.formula == f"{update.label} := {update.label} − α·d{update.label}"
        shown = update.formula_with_numbers.rsplit(" = ", 1)[1]
        assert float(shown.replace("−", "-")) == update.value
    assert g.w1.value == 0.3  # nothing is assigned


def test_update_refuses_constants_and_bad_learning_rates() -> None:
    g = lecture_graph()
    g.L.backward()
    with pytest.raises(ValueError, match="Constant 'x1' has no gradient"):
        ag.explain_update(g.L, alpha=0.1, parameters=[g.x1])
    with pytest.raises(TypeError, match="alpha must be a number"):
        ag.explain_update(g.L, alpha="0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alpha must be finite"):
        ag.explain_update(g.L, alpha=float("nan"))
    other = ag.Variable(1.0, name="other")
    with pytest.raises(ValueError, match="not a node of the graph of L"):
        ag.explain_update(g.L, alpha=0.1, parameters=[other])


def test_explain_forward_tells_each_op_in_the_expressions_reading_order():
    g = lecture_graph()  # no backward needed: the forward pass is all values
    lines = ag.explain_forward(g.L, digits=4)
    assert [c.node for c in lines][-3:] == [g.z, g.a, g.L]
    z = lines[3]
    assert z.formula == "z = w1 · x1 + w2 · x2 + b"
    assert str(z) == "z = w1 · x1 + w2 · x2 + b = 0.3 · 2 + (−0.4) · (−1) + 0.1 = 1.1"
    assert lines[4].formula == "a = σ(z) = 1 / (1 + e^(−z))"
    assert lines[0].formula == "w1 · x1"  # an unnamed op is called by its expression
    assert [c.value for c in lines] == [c.node.value for c in lines]
    g.w1.value = 1.0
    with pytest.raises(ag.StaleGraphError, match=r"^explain_forward\(L\)"):
        ag.explain_forward(g.L)
    with pytest.raises(ValueError, match="explain_forward: digits must be an integer ≥ 1"):
        ag.explain_forward(g.L.inputs[0], digits=0)


def test_explain_forward_with_arrays_ends_with_the_value():
    X = ag.Constant([[1.0, 2.0], [3.0, -1.0]], name="X")
    w = ag.Variable([0.5, -1.0], name="w")
    Z = (X @ w).named("Z")
    J = ag.mean(ag.sigmoid(Z, name="A"), name="J")
    lines = ag.explain_forward(J, digits=3)
    assert [str(c) for c in lines] == [
        "Z = X · w = [−1.5, 2.5]",
        f"A = σ(Z) = 1 / (1 + e^(−Z)) = {format_value(ag.sigmoid(Z).value, 3)}",
        f"J = (1/m) Σ A = {format_value(J.value, 3)}",
    ]
