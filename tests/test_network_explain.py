"""``ag.explain`` of the network's cost tells the course's backward pass, and what it shows is
what the engine computed: each narrated formula, read as text and evaluated with numpy on the
graph's values, gives the engine's gradient (m times it for dZ2 and dZ1, the course's
convention, which the explanation says)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.notation import format_value

COURSE = [
    "dZ2 = A2 − Y",
    "dW2 = (1/m) dZ2 A1ᵀ",
    "db2 = (1/m) Σ dZ2",
    "dZ1 = W2ᵀ dZ2 ∗ (1 − A1²)",
    "dW1 = (1/m) dZ1 Xᵀ",
    "db1 = (1/m) Σ dZ1",
]


def as_numpy(rhs: str) -> str:
    """The course's notation as a numpy expression: juxtaposed names are a matrix product,
    Σ sums over the examples (columns), ∗ is elementwise, ᵀ transposes, ² squares."""
    text = rhs.replace("−", "-").replace("∗", "*").replace("²", "**2").replace("ᵀ", ".T")
    text = re.sub(r"Σ (\w+)", r"np.sum(\1, axis=1, keepdims=True)", text)
    text = re.sub(r"\[(\w+) > 0\]", r"(\1 > 0)", text)
    text = text.replace("(1/m) ", "(1/m) * ")
    # two operands side by side, with no operator between them: a matrix product
    return re.sub(r"([\w.)]+) (?=[A-Za-z(])(?!\*)", r"\1 @ ", text)


@pytest.fixture(params=["tanh", "relu"])
def explained(request):
    X, y = ag.load_flower()
    model = ag.NeuralNetwork(activation=request.param, hidden_units=5, max_iter=300,
                             learning_rate=0.5, random_state=3).fit(X, y)
    J = model.graph(X, y)
    J.backward()
    return J, ag.explain(J), request.param


def test_the_six_formulas_are_the_courses(explained):
    _, explanation, activation = explained
    expected = COURSE if activation == "tanh" else [
        *COURSE[:3], "dZ1 = W2ᵀ dZ2 ∗ [Z1 > 0]", *COURSE[4:]
    ]
    assert [step.formula for step in explanation] == expected
    assert explanation.lecture


def test_each_shown_formula_evaluates_to_the_engines_gradient(explained):
    J, explanation, _ = explained
    names = explanation.namespace()
    m = names["m"]
    nodes = {n.name: n for n in ag.topological_order(J) if n.name}
    computed: dict[str, np.ndarray] = {}
    for step in explanation:
        lhs, rhs = step.formula.split(" = ")
        value = eval(as_numpy(rhs), {"np": np}, {**names, **computed})
        computed[lhs] = value
        target = nodes[lhs[1:]]
        scale = m if lhs in ("dZ2", "dZ1") else 1
        np.testing.assert_allclose(value, scale * target.grad, rtol=1e-9, atol=1e-15)
        np.testing.assert_array_equal(step.value, value)
        assert step.formula_with_numbers.startswith(step.formula + " = ")
        assert explanation[target] is step


def test_the_numbers_are_in_the_text_and_the_engines_convention_is_named(explained):
    J, explanation, _ = explained
    text = str(explanation)
    W2 = next(n for n in ag.topological_order(J) if n.name == "W2")
    for entry in np.ravel(W2.grad):  # dW2 in full: 1 × n_h numbers
        assert format_value(float(entry)) in text
    assert "m times the engine's Z2.grad" in text
    assert "(A2 − Y)/m" in text and "dA1 = W2ᵀ · Z2.grad" in text
    assert "m = 400" in text


def test_the_engines_own_walk_is_still_there():
    X, y = ag.load_flower()
    J = ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y).graph(X, y)
    J.backward()
    engine = ag.explain(J, convention="engine")
    assert not isinstance(engine, type(ag.explain(J)))
    assert any(step.gradient_name == "dA1" for step in engine)


def test_a_formula_that_disagreed_with_the_engine_would_be_refused():
    X, y = ag.load_flower()
    J = ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y).graph(X, y)
    J.backward()
    W1 = next(n for n in ag.topological_order(J) if n.name == "W1")
    W1.grad = W1.grad + 1.0  # a gradient changed after backward
    with pytest.raises(RuntimeError, match="dW1"):
        ag.explain(J)
