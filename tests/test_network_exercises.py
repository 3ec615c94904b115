"""Lecture 3's exercises: the solutions pass, and each usual mistake is named by its hint."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_lite import exercises
from autograd_lite.exercises_solutions import network_backward, network_forward

forward_ex, backward_ex = exercises.network_forward, exercises.network_backward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_with(hidden=np.tanh, bias=True, output=sigmoid):
    def forward(X, parameters):
        Z1 = parameters["W1"] @ X + (parameters["b1"] if bias else 0)
        A1 = hidden(Z1)
        Z2 = parameters["W2"] @ A1 + (parameters["b2"] if bias else 0)
        return Z1, A1, Z2, output(Z2)

    return forward


def backward_with(local="square", scale=True, keepdims=True, total=False):
    def backward(parameters, cache, X, Y):
        m = X.shape[1] if scale else 1
        A1 = cache["A1"]
        dZ2 = cache["A2"] - Y
        derivative = {"square": 1 - A1**2, "linear": 1 - A1, "sigmoid": A1 * (1 - A1)}[local]
        dZ1 = parameters["W2"].T @ dZ2 * derivative

        def s(d):
            if total:
                return np.full((d.shape[0], 1), d.sum())
            return np.sum(d, axis=1, keepdims=keepdims)

        return {"dW1": dZ1 @ X.T / m, "db1": s(dZ1) / m, "dW2": dZ2 @ A1.T / m,
                "db2": s(dZ2) / m}

    return backward


def test_the_solutions_pass_and_the_reference_is_the_engines():
    assert forward_ex.check(network_forward)
    assert backward_ex.check(network_backward)
    given = backward_ex.given
    assert given["X"].shape == (2, 5) and given["parameters"]["W1"].shape == (3, 2)
    A2 = network_forward(given["X"], given["parameters"])[3]
    np.testing.assert_allclose(A2, given["cache"]["A2"], rtol=1e-12)


@pytest.mark.parametrize(
    ("forward", "fragment"),
    [
        (forward_with(hidden=sigmoid), "the hidden layer's g is tanh"),
        (forward_with(bias=False), "without the biases"),
        (forward_with(output=np.tanh), "the output unit is a sigmoid"),
    ],
)
def test_each_forward_mistake_gets_its_hint(forward, fragment):
    feedback = forward_ex.check(forward)
    assert not feedback
    assert any(fragment in hint for hint in feedback.hints), feedback


@pytest.mark.parametrize(
    ("backward", "fragment", "wrong"),
    [
        (backward_with(local="linear"), "with the square", {"dW1", "db1"}),
        (backward_with(local="sigmoid"), "the sigmoid's derivative", {"dW1", "db1"}),
        (backward_with(scale=False), "without 1/m", {"dW1", "db1", "dW2", "db2"}),
        (backward_with(total=True), "a sum over all the entries", {"db1"}),
        (backward_with(keepdims=False), "keepdims=True", {"db1", "db2"}),
    ],
)
def test_each_backward_mistake_gets_its_hint(backward, fragment, wrong):
    feedback = backward_ex.check(backward)
    assert not feedback
    named = {hint.split(" ")[0].rstrip(":") for hint in feedback.hints}
    assert wrong <= named, feedback
    assert any(fragment in hint for hint in feedback.hints), feedback
    assert "right:" in feedback.summary or len(wrong) == 4


def test_not_answered_not_written_and_broken_code_give_feedback_not_errors():
    assert "not answered yet" in str(forward_ex.check(None))
    assert "not answered yet" in str(backward_ex.check(None))

    def stub(parameters, cache, X, Y):
        raise NotImplementedError

    assert "not written yet" in str(backward_ex.check(stub))

    def broken(X, parameters):
        return X @ parameters["W1"]  # shapes do not fit

    feedback = forward_ex.check(broken)
    assert not feedback and "raised ValueError" in str(feedback)
    assert "must return 4 arrays" in str(forward_ex.check(lambda X, parameters: 1.0))
    assert "keys dW1, db1, dW2, db2" in str(backward_ex.check(lambda p, c, X, Y: [1, 2]))


def test_a_transposed_result_is_named_and_misuse_raises():
    def transposed(parameters, cache, X, Y):
        grads = network_backward(parameters, cache, X, Y)
        return {**grads, "dW1": grads["dW1"].T}

    feedback = backward_ex.check(transposed)
    assert "dW1 has shape (2, 3); expected (3, 2). It is the transpose" in str(feedback)
    with pytest.raises(TypeError, match="check\\(forward\\)"):
        forward_ex.check(42)
    with pytest.raises(TypeError, match="cannot be called as backward"):
        backward_ex.check(lambda X: X)


def test_the_given_numbers_are_copies():
    given = forward_ex.given
    given["parameters"]["W1"][:] = 0
    assert forward_ex.given["parameters"]["W1"].any()
