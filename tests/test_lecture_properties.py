"""The lecture's closed forms, held as properties over every finite z.

Lecture 1: ``a = σ(z)``, ``L = −(y log a + (1 − y) log(1 − a))`` and, going back, ``dz = a − y``,
``dw1 = x1·dz``, ``dw2 = x2·dz``, ``db = dz``. These must hold for any finite logit, including
|z| in the hundreds and thousands where ``e^(−z)`` overflows and ``a`` rounds to exactly 0.0 or
1.0; every test here builds the *separate* nodes ``a = ag.sigmoid(z)`` and
``L = ag.log_loss(a, y)``, as the lecture draws them.

Error bounds, stated once (ulp = the spacing of float64 numbers at the reference value):

- σ(z) is within 2 ulp of the exactly rounded σ (60-digit ``decimal`` reference);
- ``z.grad`` is bit-for-bit ``a − y`` computed from the node's own ``a``, and within
  ``2 ulp(σ(z)) + 1 ulp(σ(z) − y)`` of the exact ``σ(z) − y``: the error of ``a`` plus one
  rounding of the subtraction;
- L is within 4 ulp of its exact value (its stable form adds non-negative terms only).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from strategies import (
    arrays,
    exact_log_loss,
    exact_sigmoid,
    exact_sigmoid_minus,
    hard_labels,
    labels,
    logits,
    small,
    ulps,
)

import autograd_lite as ag

EPS = float(np.finfo(np.float64).eps)

# The logits the issue names: saturation of σ in float64 (±40 for 1 − a, ±709 for e^z, ±745
# for e^(−z) underflowing to 0), far beyond it (±800, ±1e4), and the middle.
SPECIAL_LOGITS = (0.0, 40.0, -40.0, 709.0, -709.0, 745.0, -745.0, 800.0, -800.0, 1e4, -1e4)


def with_special_logits(test=None, *, with_labels: bool = True, **others: float):
    """Add an explicit ``@example`` for each special logit (with both hard labels)."""

    def decorate(test):
        for z in SPECIAL_LOGITS:
            for y in (0.0, 1.0) if with_labels else (None,):
                extra = {"y": y} if with_labels else {}
                test = example(z=z, **extra, **others)(test)
        return test

    return decorate(test) if test is not None else decorate


def _bucket(z: float) -> str:
    size = abs(z)
    if size < 1:
        return "|z| < 1"
    if size < 40:
        return "1 ≤ |z| < 40"
    if size < 746:
        return "40 ≤ |z| < 746 (a = 1.0 exactly, or a < 1e-17)"
    return "|z| ≥ 746 (a = 0.0 or 1.0 exactly)"


@given(z=logits, y=labels)
@with_special_logits
def test_dz_equals_a_minus_y_for_every_finite_z(z: float, y: float) -> None:
    event(_bucket(z))
    z_node = ag.Variable(z, name="z")
    a = ag.sigmoid(z_node, name="a")
    L = ag.log_loss(a, y, name="L")
    L.backward()

    assert z_node.grad == a.value - y  # the lecture's dz = a − y, bit for bit
    exact = exact_sigmoid_minus(z, y)
    bound = 2 * np.spacing(exact_sigmoid(z)) + np.spacing(abs(exact))
    assert abs(z_node.grad - exact) <= bound
    assert math.isfinite(z_node.grad) and math.isfinite(L.value)


@pytest.mark.parametrize("z", [746.0, 800.0, 5000.0, 1e4])  # e^(−746) < 2^(−1075): σ(−z) is 0.0
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_dz_stays_a_minus_y_when_a_saturates_to_exactly_0_or_1(z: float, y: float) -> None:
    for logit in (z, -z):
        z_node = ag.Variable(logit, name="z")
        a = ag.sigmoid(z_node, name="a")
        L = ag.log_loss(a, y, name="L")
        L.backward()
        assert a.value == (1.0 if logit > 0 else 0.0)
        assert z_node.grad == a.value - y  # 0, 1 or −1: never ∞ · 0 = NaN
        assert L.value == exact_log_loss(logit, y)


@given(z=logits, y=labels, c=small(-10.0, 10.0))
@with_special_logits(c=2.5)
@example(z=3.0, y=1.0, c=-10.0)
def test_dz_adds_the_other_uses_of_a(z: float, y: float, c: float) -> None:
    """``a`` feeds the loss and ``c·a``: ``dz = (a − y) + c·a(1 − a)``.

    The loss's part of ``dz`` is the simplified ``a − y``; the other use adds ``da · a(1 − a)``.
    """
    z_node = ag.Variable(z, name="z")
    a = ag.sigmoid(z_node, name="a")
    L2 = ag.log_loss(a, y) + c * a
    L2.backward()

    a_ = a.value
    parts = (a_ - y, c * a_ * (1.0 - a_))
    expected = parts[0] + parts[1]
    assert abs(z_node.grad - expected) <= 4 * EPS * (abs(parts[0]) + abs(parts[1]))
    assert math.isfinite(z_node.grad)


@given(
    x1=small(-10.0, 10.0),
    x2=small(-10.0, 10.0),
    w1=small(-100.0, 100.0),
    w2=small(-100.0, 100.0),
    b=small(-100.0, 100.0),
    y=hard_labels,
)
@example(x1=1.0, x2=2.0, w1=0.5, w2=-0.25, b=0.1, y=1.0)
@example(x1=10.0, x2=-10.0, w1=-100.0, w2=100.0, b=-100.0, y=1.0)  # z = −2100: a = 0.0
def test_lecture_graph_gives_dw1_x1_dz_dw2_x2_dz_db_dz(
    x1: float, x2: float, w1: float, w2: float, b: float, y: float
) -> None:
    x1_, x2_ = ag.Variable(x1, name="x1"), ag.Variable(x2, name="x2")
    w1_, w2_ = ag.Variable(w1, name="w1"), ag.Variable(w2, name="w2")
    b_ = ag.Variable(b, name="b")
    z = (w1_ * x1_ + w2_ * x2_ + b_).named("z")
    a = ag.sigmoid(z, name="a")
    L = ag.log_loss(a, y, name="L")
    L.backward()

    dz = z.grad
    assert dz == a.value - y
    assert w1_.grad == x1 * dz
    assert w2_.grad == x2 * dz
    assert b_.grad == dz
    assert x1_.grad == w1 * dz and x2_.grad == w2 * dz


@given(z=logits, y=labels)
@with_special_logits
def test_loss_equals_its_stable_closed_form(z: float, y: float) -> None:
    L = ag.log_loss(ag.sigmoid(ag.Variable(z, name="z")), y)
    logaddexp_form = y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)
    assert L.value == pytest.approx(logaddexp_form, rel=8 * EPS, abs=1e-300)
    assert ulps(L.value, exact_log_loss(z, y)) <= 4


def test_issue_figures_minus_800_gives_800_and_minus_40_gives_4e_18() -> None:
    far = ag.log_loss(ag.sigmoid(ag.Variable(-800.0, name="z")), 1)
    assert far.value == 800.0

    tiny = ag.log_loss(ag.sigmoid(ag.Variable(-40.0, name="z")), 0)
    expected = exact_log_loss(-40.0, 0.0)  # log(1 + e^(−40)) = 4.248354255291589e-18
    assert expected == pytest.approx(4.248354255291589e-18, rel=1e-15)
    assert ulps(tiny.value, expected) <= 1


@given(z=st.floats(allow_nan=False, allow_infinity=False))
@example(z=-745.2)
@example(z=-1e308)
@example(z=1e308)
@example(z=5e-324)
@with_special_logits(with_labels=False)
def test_sigmoid_is_within_2_ulp_of_exact_and_never_warns(z: float) -> None:
    # Warnings are errors in this suite, so an overflow inside σ would fail here.
    a = ag.sigmoid(ag.Variable(z)).value
    assert 0.0 <= a <= 1.0
    assert ulps(a, exact_sigmoid(z)) <= 2


def test_sigmoid_of_an_array_of_extreme_logits_is_exact_at_the_ends() -> None:
    z = np.array([-1e308, -1e4, -800.0, -745.0, -40.0, 0.0, 40.0, 800.0, 1e4, 1e308])
    a = ag.sigmoid(ag.Variable(z)).value
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a[[0, 1, 2]], 0.0)
    np.testing.assert_array_equal(a[[-3, -2, -1]], 1.0)
    assert a[5] == 0.5
    assert all(ulps(x, exact_sigmoid(float(t))) <= 2 for x, t in zip(a, z, strict=True))


@given(a=st.floats(0.0, 1.0), y=labels)
@example(a=0.0, y=0.0)
@example(a=1.0, y=1.0)
def test_log_loss_of_a_plain_probability_follows_the_formula(a: float, y: float) -> None:
    if (a == 0.0 and y != 0.0) or (a == 1.0 and y != 1.0):
        return  # a certain, wrong prediction: infinite loss, see the test below
    L = ag.log_loss(ag.Variable(a, name="a"), y)
    # 0 · log 0 counts as 0: a label of weight 0 contributes nothing, whatever a is.
    first = y * math.log(a) if y != 0.0 else 0.0
    second = (1.0 - y) * math.log1p(-a) if y != 1.0 else 0.0  # log(1 − a), accurately
    expected = -(first + second)
    assert L.value == pytest.approx(expected, rel=4 * EPS, abs=0.0)
    assert L.value >= 0.0


@pytest.mark.parametrize("a", [1e-10, 1e-17, 5e-324])
def test_log_loss_of_a_tiny_probability_keeps_its_precision(a: float) -> None:
    # −log(1 − a) = a + a²/2 + …: computing 1 − a first would round a away entirely.
    L = ag.log_loss(ag.Variable(a, name="a"), 0.0)
    assert L.value == pytest.approx(a + a * a / 2, rel=2 * EPS, abs=0.0)


@pytest.mark.parametrize(("a", "y"), [(0.0, 1.0), (1.0, 0.0), (0.0, 0.5), (1.0, 0.25)])
def test_log_loss_of_a_certain_wrong_prediction_is_inf_with_a_warning(a: float, y: float) -> None:
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        L = ag.log_loss(ag.Variable(a, name="a"), y)
    assert L.value == math.inf


def test_log_loss_of_arrays_counts_0_log_0_as_0_and_gives_inf_not_nan() -> None:
    right = ag.log_loss(ag.Variable([0.0, 1.0, 0.5]), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(right.value, [0.0, 0.0, math.log(2.0)])

    with pytest.warns(RuntimeWarning, match="divide by zero"):
        wrong = ag.log_loss(ag.Variable([0.0, 1.0, 0.0]), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(wrong.value, [math.inf, math.inf, 0.0])


# --- lecture 2: m examples, vectorized ----------------------------------------------------------


def _numpy_sigmoid(Z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-Z))  # |Z| stays below 100 here, so e^(−Z) cannot overflow


@st.composite
def logistic_regression_problems(draw):
    """X (m × n, examples in rows), labels y ∈ {0, 1}, weights w and a bias b."""
    m = draw(st.integers(1, 12), label="m")
    n = draw(st.integers(1, 5), label="n")
    X = draw(arrays((m, n), small(-4.0, 4.0)), label="X")
    y = draw(arrays((m,), hard_labels), label="y")
    w = draw(arrays((n,), small(-4.0, 4.0)), label="w")
    b = draw(small(-4.0, 4.0), label="b")
    return X, y, w, b


@given(problem=logistic_regression_problems())
def test_vectorized_gradients_are_xt_times_a_minus_y_over_m(problem) -> None:
    X, y, w_value, b_value = problem
    m = X.shape[0]
    w, b = ag.Variable(w_value, name="w"), ag.Variable(b_value, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), y), name="J")
    J.backward()

    A = _numpy_sigmoid(X @ w_value + b_value)
    dZ = A - y
    # Rounding bound for a sum of products: a few eps times the sum of the absolute terms; below
    # the smallest normal number (tiny) floats lose relative precision, so absolute error counts.
    bound = 1e-14 * (np.abs(X).T @ np.abs(dZ)).max() / m
    np.testing.assert_allclose(
        w.grad, X.T @ dZ / m, rtol=1e-12, atol=max(bound, np.finfo(float).tiny)
    )
    assert b.grad == pytest.approx(np.mean(dZ), rel=1e-12, abs=1e-14 * np.abs(dZ).mean())
    assert J.value == pytest.approx(np.mean(_sigmoid_logit_loss(X @ w_value + b_value, y)))


def _sigmoid_logit_loss(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y * np.logaddexp(0.0, -Z) + (1.0 - y) * np.logaddexp(0.0, Z)


@given(problem=logistic_regression_problems())
def test_vectorized_gradients_equal_the_per_example_loop_of_the_lecture(problem) -> None:
    X, y, w_value, b_value = problem
    m, n = X.shape
    w, b = ag.Variable(w_value, name="w"), ag.Variable(b_value, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), y))
    J.backward()

    # The lecture's loop, with one accumulator per feature and no superscript (i).
    cost, dw, db = 0.0, np.zeros(n), 0.0
    for i in range(m):
        z_i = ag.Variable(float(X[i] @ w_value + b_value), name="z")
        L_i = ag.log_loss(ag.sigmoid(z_i), float(y[i]))
        L_i.backward()
        cost += L_i.value
        dw += X[i] * z_i.grad
        db += z_i.grad
    cost, dw, db = cost / m, dw / m, db / m
    scale = np.abs(X).max(initial=1.0)
    np.testing.assert_allclose(w.grad, dw, rtol=1e-12, atol=1e-14 * scale)
    assert b.grad == pytest.approx(db, rel=1e-12, abs=1e-14)
    assert J.value == pytest.approx(cost, rel=1e-12)


@pytest.mark.parametrize(("z", "y", "loss", "dz"), [
    (math.inf, 1.0, 0.0, 0.0),
    (-math.inf, 0.0, 0.0, 0.0),
    (math.inf, 0.0, math.inf, 1.0),
    (-math.inf, 1.0, math.inf, -1.0),
])
def test_log_loss_at_an_infinite_logit_is_0_or_inf_never_nan(z, y, loss, dz) -> None:
    # An overflowed w·x gives z = ±inf; a label that agrees with it costs nothing (0 · inf = 0).
    for shape in ((), (3,)):
        z_node = ag.Variable(np.full(shape, z) if shape else z, name="z")
        L = ag.log_loss(ag.sigmoid(z_node), np.full(shape, y) if shape else y)
        ag.sum(L).backward()
        np.testing.assert_array_equal(L.value, np.full(shape, loss))
        np.testing.assert_array_equal(z_node.grad, np.full(shape, dz))


def test_log_loss_of_an_overflowed_logit_with_the_right_label_is_0() -> None:
    w1 = ag.Variable(1e308, name="w1")
    L = ag.log_loss(ag.sigmoid(w1 * 10.0), 1.0)  # w1 · x1 overflows to inf
    assert L.value == 0.0
