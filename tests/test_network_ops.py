"""The next lecture's ops, held to PyTorch: ``tanh``, ``relu``, ``x ** k``, ``k ** x`` and the
methods micrograd's and PyTorch's users write (``x.tanh()``, ``x.relu()``, ``x.exp()``,
``x.log()``, ``x.sigmoid()``), on scalars and arrays, forward and backward, for random inputs
and a random upstream gradient. ReLU's derivative at 0 is 0, as PyTorch's; a node as exponent
is refused with a ``TypeError`` saying the exponent must be a number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import autograd_lite as ag

torch = pytest.importorskip("torch")

shapes = array_shapes(min_dims=0, max_dims=2, max_side=4)
moderate = st.floats(-4.0, 4.0, allow_subnormal=False)
positive = st.floats(0.05, 4.0)
exponents = st.sampled_from([2, 3, -1, 0.5, 1.5, 2.0, -2, 0, 1])


def against_torch(build_ag, build_torch, x: np.ndarray, upstream: np.ndarray) -> None:
    """Forward and backward of one op, ours against PyTorch's in float64."""
    node = ag.Variable(x if x.ndim else float(x), name="x")
    out = build_ag(node)
    out.backward(grad=upstream if upstream.ndim else float(upstream))
    tensor = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    expected = build_torch(tensor)
    expected.backward(torch.tensor(upstream, dtype=torch.float64))
    np.testing.assert_allclose(out.value, expected.detach().numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(node.grad, tensor.grad.numpy(), rtol=1e-11, atol=1e-300)


def _upstream(data, x):
    return data.draw(arrays(np.float64, x.shape, elements=moderate), label="upstream")


@given(data=st.data(), x=arrays(np.float64, shapes, elements=moderate))
def test_tanh_as_function_and_method(data, x):
    upstream = _upstream(data, x)
    against_torch(ag.tanh, torch.tanh, x, upstream)
    against_torch(lambda v: v.tanh(), lambda t: t.tanh(), x, upstream)


@given(data=st.data(), x=arrays(np.float64, shapes, elements=st.sampled_from(
    [-2.0, -0.5, 0.0, 0.0, 0.5, 3.0])))
def test_relu_with_zeros_has_pytorchs_derivative_zero_at_the_corner(data, x):
    upstream = _upstream(data, x)
    against_torch(ag.relu, torch.relu, x, upstream)
    against_torch(lambda v: v.relu(), lambda t: t.relu(), x, upstream)


@given(data=st.data(), x=arrays(np.float64, shapes, elements=moderate))
def test_exp_log_sigmoid_methods(data, x):
    upstream = _upstream(data, x)
    against_torch(lambda v: v.exp(), lambda t: t.exp(), x, upstream)
    against_torch(lambda v: v.sigmoid(), lambda t: t.sigmoid(), x, upstream)
    positive_x = np.abs(x) + 0.1
    against_torch(lambda v: v.log(), lambda t: t.log(), positive_x, upstream)


@given(data=st.data(), k=exponents, x=arrays(np.float64, shapes, elements=positive))
def test_x_to_a_constant_power(data, k, x):
    upstream = _upstream(data, x)
    against_torch(lambda v: v**k, lambda t: t**k, x, upstream)


@given(data=st.data(), k=st.sampled_from([2, 3, 4]), x=arrays(np.float64, shapes,
                                                                elements=moderate))
def test_whole_powers_of_negative_numbers(data, k, x):
    upstream = _upstream(data, x)
    against_torch(lambda v: v**k, lambda t: t**k, x, upstream)


@given(data=st.data(), k=st.floats(0.1, 5.0), x=arrays(np.float64, shapes, elements=moderate))
def test_a_constant_to_the_power_x(data, k, x):
    assume(abs(k - 1.0) > 1e-3)
    upstream = _upstream(data, x)
    against_torch(lambda v: k**v, lambda t: k**t, x, upstream)


def test_a_node_as_exponent_is_refused_naming_a_number():
    x, k = ag.Variable(2.0, name="x"), ag.Variable(3.0, name="k")
    with pytest.raises(TypeError, match="number"):
        x**k


def test_composed_scalar_expression_matches_pytorch():
    a, b = ag.Variable(-1.5, name="a"), ag.Variable(0.7, name="b")
    out = (a * b).tanh() + (a**2).relu() * b.sigmoid() + (b - a).exp().log() / 2.0**b
    out.backward()
    ta = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    expected = (ta * tb).tanh() + (ta**2).relu() * tb.sigmoid() + (tb - ta).exp().log() / 2.0**tb
    expected.backward()
    assert math.isclose(out.value, expected.item(), rel_tol=1e-12)
    assert math.isclose(a.grad, ta.grad.item(), rel_tol=1e-12)
    assert math.isclose(b.grad, tb.grad.item(), rel_tol=1e-12)
