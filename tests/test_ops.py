"""Every op against a numpy formula (its value) and central differences (its gradient).

One factory, ``check_op``, does the work for every op: it draws the input shapes and values from
the op's own domain, compares the node's value with the numpy reference, and runs
``ag.gradcheck`` with an upstream gradient drawn by hypothesis, so every entry of every
backward step is exercised, broadcasting included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    arrays,
    away_from_zero,
    axes_for,
    broadcastable_shapes,
    matmul_shapes,
    positive,
    probabilities,
    shapes,
    small,
)

import autograd_lite as ag

EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class OpCase:
    """One op to check: how to build it, its numpy reference and where its inputs live.

    ``build(*variables, **params)`` returns the node; ``reference(*arrays, **params)`` its value
    with plain numpy. ``shapes`` draws a tuple of input shapes, ``domains`` one element strategy
    per input, and ``params(shapes)`` the op's keyword arguments (a reduction's ``axis``).
    ``ulps`` is how far the value may be from the reference (0: bit for bit).
    """

    name: str
    build: Callable[..., ag.Node]
    reference: Callable[..., object]
    shapes: st.SearchStrategy[tuple[tuple[int, ...], ...]]
    domains: Sequence[st.SearchStrategy[float]]
    params: Callable[[tuple], st.SearchStrategy[dict]] = field(default=lambda shapes: st.just({}))
    ulps: float = 0.0


def check_op(case: OpCase, data: st.DataObject) -> None:
    """Check ``case``'s value against its reference and its gradient against central differences."""
    input_shapes = data.draw(case.shapes, label="shapes")
    params = data.draw(case.params(input_shapes), label="params")
    values = [
        data.draw(arrays(shape, domain), label=f"input {i}")
        for i, (shape, domain) in enumerate(zip(input_shapes, case.domains, strict=True))
    ]
    variables = [ag.Variable(v, name=f"x{i}") for i, v in enumerate(values)]

    out = case.build(*variables, **params)
    assert isinstance(out, ag.Node)
    expected = np.asarray(case.reference(*values, **params), dtype=np.float64)
    assert out.shape == expected.shape
    assert isinstance(out.value, float) == (expected.ndim == 0)
    difference = np.abs(np.asarray(out.value) - expected)
    assert np.all(difference <= case.ulps * np.spacing(np.abs(expected))), (out.value, expected)

    upstream = data.draw(arrays(out.shape, small(-2.0, 2.0)), label="upstream")
    report = ag.gradcheck(lambda *xs: case.build(*xs, **params), variables, upstream=upstream)
    assert report.entries == sum(v.size for v in values)


def _same_shape(arity: int, max_dims: int = 3) -> st.SearchStrategy:
    return shapes(max_dims=max_dims).map(lambda shape: (shape,) * arity)


def _reduction_params(input_shapes: tuple) -> st.SearchStrategy[dict]:
    (shape,) = input_shapes
    return st.fixed_dictionaries({"axis": axes_for(len(shape)), "keepdims": st.booleans()})


def _plain_log_loss(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    # log1p(−a), not log(1 − a): rounding 1 − a first costs up to ~6 ulp for a small a.
    return -(y * np.log(a) + (1.0 - y) * np.log1p(-a))


def _sigmoid_log_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)


CASES = [
    OpCase("Add", lambda x, y: x + y, np.add, broadcastable_shapes(), (small(), small())),
    OpCase("Subtract", lambda x, y: x - y, np.subtract, broadcastable_shapes(), (small(), small())),
    OpCase("Multiply", lambda x, y: x * y, np.multiply, broadcastable_shapes(), (small(), small())),
    OpCase(
        "Divide",
        lambda x, y: x / y,
        np.divide,
        broadcastable_shapes(),
        (small(), away_from_zero),
    ),
    OpCase("Negate", lambda x: -x, np.negative, _same_shape(1), (small(),)),
    OpCase("MatMul", lambda x, w: x @ w, np.matmul, matmul_shapes(), (small(), small())),
    OpCase("matmul()", ag.matmul, np.matmul, matmul_shapes(), (small(), small())),
    OpCase("Transpose", lambda x: x.T, np.transpose, _same_shape(1), (small(),)),
    OpCase(
        "Sum",
        lambda x, axis, keepdims: ag.sum(x, axis=axis, keepdims=keepdims),
        np.sum,
        _same_shape(1),
        (small(),),
        params=_reduction_params,
    ),
    OpCase(
        "Mean",
        lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims),
        np.mean,
        _same_shape(1),
        (small(),),
        params=_reduction_params,
    ),
    OpCase("Log", ag.log, np.log, _same_shape(1), (positive,)),
    OpCase("Exp", ag.exp, np.exp, _same_shape(1), (small(),)),
    OpCase(
        "Sigmoid",
        ag.sigmoid,
        lambda z: 1.0 / (1.0 + np.exp(-z)),
        _same_shape(1),
        (small(-30.0, 30.0),),
        ulps=3,
    ),
    OpCase(
        "LogLoss of a probability",
        ag.log_loss,
        _plain_log_loss,
        _same_shape(2),
        (probabilities, probabilities),
        ulps=4,
    ),
    OpCase(
        "LogLoss on a Sigmoid",
        lambda z, y: ag.log_loss(ag.sigmoid(z), y),
        _sigmoid_log_loss,
        _same_shape(2),
        (small(-30.0, 30.0), probabilities),
        ulps=8,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@given(data=st.data())
def test_op_value_matches_numpy_and_gradient_matches_central_differences(
    case: OpCase, data: st.DataObject
) -> None:
    check_op(case, data)


# --- operands that are not nodes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "reference"),
    [
        (lambda X, w: X @ w, np.matmul),
        (lambda X, w: X * w, np.multiply),
        (lambda X, w: X + w, np.add),
        (lambda X, w: X - w, np.subtract),
        (lambda X, w: X / w, np.divide),
    ],
    ids=["@", "*", "+", "-", "/"],
)
def test_an_ndarray_on_the_left_of_an_operator_builds_a_node(operator, reference) -> None:
    X = np.array([[1.0, 2.0], [3.0, -4.0]])
    w_value = np.array([0.5, -2.0])
    w = ag.Variable(w_value, name="w")
    out = operator(X, w)
    assert isinstance(out, ag.Node)
    assert isinstance(out.inputs[0], ag.Constant) and out.inputs[1] is w
    np.testing.assert_array_equal(out.value, reference(X, w_value))
    ag.gradcheck(lambda w: operator(X, w), [w])


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        (lambda w: 2 + w, 5.0),
        (lambda w: w + 2, 5.0),
        (lambda w: 2 - w, -1.0),
        (lambda w: w - 2, 1.0),
        (lambda w: 2 * w, 6.0),
        (lambda w: w * 2.5, 7.5),
        (lambda w: 6 / w, 2.0),
        (lambda w: w / 2, 1.5),
        (lambda w: True + w, 4.0),
    ],
)
def test_python_numbers_on_either_side_of_an_operator_build_nodes(operator, expected) -> None:
    w = ag.Variable(3.0, name="w")
    out = operator(w)
    assert isinstance(out, ag.Node)
    assert type(out.value) is float and out.value == expected
    ag.gradcheck(operator, [w])


@pytest.mark.parametrize(
    "data",
    [3, True, np.int32(7), [1, 2, 3], np.array([[1, 0], [2, 5]], dtype=np.int64), [True, False]],
    ids=["int", "bool", "np.int32", "int list", "int64 array", "bool list"],
)
def test_integer_and_bool_inputs_become_float64(data) -> None:
    for node in (ag.Variable(data), ag.Constant(data), ag.Variable(1.5) + data):
        if np.ndim(data) == 0:
            assert type(node.value) is float
        else:
            assert node.value.dtype == np.float64
    assert ag.Variable(True).value == 1.0
