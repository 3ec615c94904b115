"""Hostile input to the engine, as families (issue 19): every axis out of range, every name."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from tests.strategies import shapes


@given(
    shape=shapes(max_dims=3),
    axis=st.integers(-10, 10),
    reduction=st.sampled_from(["sum", "mean"]),
)
def test_any_axis_out_of_range_is_a_shape_error_naming_the_reduction_and_the_input(
    shape, axis, reduction
) -> None:
    x = ag.Variable(np.ones(shape), name="x")
    reduce = getattr(ag, reduction)
    if -len(shape) <= axis < len(shape):
        value = reduce(x, axis=axis).value
        np.testing.assert_array_equal(value, getattr(np, reduction)(np.ones(shape), axis=axis))
    else:
        message = f"ag.{reduction}: axis {axis} is out of range for .x."
        with pytest.raises(ag.ShapeError, match=message):
            reduce(x, axis=axis)


@given(name=st.one_of(st.integers(), st.floats(), st.lists(st.text(max_size=2), max_size=2)))
def test_any_name_that_is_not_a_string_is_refused_where_it_is_set(name) -> None:
    node = ag.Variable(1.0, name="v")
    with pytest.raises(TypeError, match="a node's name must be a string or None"):
        node.name = name
    assert node.name == "v"
