"""Bad input fails at once, with a message that names the op or argument and shows the shapes."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as ag


def test_shapes_that_cannot_broadcast_name_the_op_the_inputs_and_their_shapes() -> None:
    u = ag.Variable(np.ones(3), name="u")
    v = ag.Variable(np.ones(4), name="v")
    expected = (
        "Add cannot combine its inputs 'u' (Variable, shape (3,)), 'v' (Variable, shape (4,))"
    )
    with pytest.raises(ag.ShapeError, match=re.escape(expected)):
        u + v
    with pytest.raises(ag.ShapeError, match=re.escape("Multiply cannot combine its inputs")):
        u * np.ones((2, 2))
    with pytest.raises(ag.ShapeError, match=r"\(Constant, shape \(2, 2\)\)"):
        np.ones((2, 2)) - u


def test_a_matmul_shape_mismatch_names_both_operands() -> None:
    X = ag.Variable(np.ones((2, 3)), name="X")
    w = ag.Variable(np.ones(4), name="w")
    expected = (
        "MatMul cannot combine its inputs 'X' (Variable, shape (2, 3)), 'w' (Variable, shape (4,))"
    )
    with pytest.raises(ag.ShapeError, match=re.escape(expected)):
        X @ w


def test_matmul_of_more_than_2_dimensions_is_refused() -> None:
    T = ag.Variable(np.ones((2, 2, 2)), name="T")
    with pytest.raises(
        ag.ShapeError,
        match=re.escape("MatMul takes 1-D and 2-D operands; got 'T' (Variable, shape (2, 2, 2))"),
    ):
        T @ np.ones(2)


@pytest.mark.parametrize(
    ("a_shape", "y_shape"),
    [((5, 1), (5,)), ((5,), (5, 1)), ((3,), (4,)), ((2, 3), (3,)), ((), (1,))],
)
def test_prediction_and_labels_of_different_shapes_are_refused(a_shape, y_shape) -> None:
    # (m, 1) against (m,) would broadcast to (m, m): m² losses instead of m, silently.
    a = ag.sigmoid(ag.Variable(np.zeros(a_shape), name="z"), name="a")
    with pytest.raises(
        ag.ShapeError,
        match=re.escape(
            f"LogLoss needs one label per prediction, but the prediction 'a' (Sigmoid) has shape "
            f"{a_shape} and the labels 'y' (Constant) have shape {y_shape}"
        ),
    ):
        ag.log_loss(a, np.zeros(y_shape))


@pytest.mark.parametrize(
    ("y", "shown"),
    [([0.0, 2.0], "from 0.0 to 2.0"), ([-0.5, 1.0], "from -0.5 to 1.0"), ([np.nan, 1.0], "nan")],
)
def test_labels_outside_0_1_or_nan_are_refused(y, shown) -> None:
    a = ag.sigmoid(ag.Variable([0.0, 0.0], name="z"))
    with pytest.raises(
        ValueError,
        match=rf"LogLoss labels 'y' \(Constant\) must lie in \[0, 1\], but range .*{shown}",
    ):
        ag.log_loss(a, y)


@pytest.mark.parametrize("a", [1.5, -0.25, np.nan, [0.5, 1.01]])
def test_a_plain_prediction_outside_0_1_is_refused(a) -> None:
    with pytest.raises(
        ValueError, match=r"LogLoss prediction 'a' \(Variable\) must lie in \[0, 1\], but range"
    ):
        ag.log_loss(ag.Variable(a, name="a"), np.ones(np.shape(a)))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.5", "str of dtype <U3"),
        (None, "NoneType of dtype object"),
        (np.array([1.0, "x"], dtype=object), "ndarray of dtype object"),
        (1 + 2j, "complex of dtype complex128"),
        (np.array([1.0 + 0j, 2.0]), "ndarray of dtype complex128"),
    ],
    ids=["string", "None", "object array", "complex", "complex array"],
)
def test_non_numeric_values_are_refused_by_name(value, shown) -> None:
    with pytest.raises(TypeError, match=rf"Variable 'w': expected real numbers, got {shown}"):
        ag.Variable(value, name="w")
    with pytest.raises(TypeError, match=rf"Add input 1: expected real numbers, got {shown}"):
        ag.Variable(1.0) + value


def test_labels_that_are_not_numbers_are_refused() -> None:
    with pytest.raises(TypeError, match=r"LogLoss labels y: expected real numbers, got str"):
        ag.log_loss(ag.sigmoid(ag.Variable(0.0)), "1")


def test_ragged_lists_are_refused() -> None:
    with pytest.raises(ValueError, match=r"Variable 'X': cannot read list as an array"):
        ag.Variable([[1.0, 2.0], [3.0]], name="X")
    with pytest.raises(ValueError, match=r"MatMul input 0: cannot read list as an array"):
        [[1.0, 2.0], [3.0]] @ ag.Variable([1.0, 2.0])


def test_the_mean_of_an_empty_array_is_refused() -> None:
    empty = ag.Variable(np.zeros((0, 3)), name="empty")
    with pytest.raises(
        ag.ShapeError, match=re.escape("Mean of an empty array: 'empty' (Variable, shape (0, 3))")
    ):
        ag.mean(empty)
