"""``ag.gradcheck`` passes correct graphs with a report and fails wrong derivatives with numbers."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

import autograd_lite as ag


class BuggySquare(ag.Node):
    """``z = x²`` whose backward forgets the factor 2: ``dx = x · dz`` instead of ``2x · dz``."""

    __slots__ = ()
    symbol = "²"
    formula = "{out} = {0}²"
    gradient_formulas = ("d{0} = {0} · d{out}",)  # wrong on purpose
    local_derivatives = ("{0}",)

    def forward_step(self, x):
        return x * x

    def backward_step(self, dz):
        return (self.inputs[0].value * dz,)


def test_gradcheck_passes_the_lecture_graph_and_reports_what_it_compared() -> None:
    w = ag.Variable([0.5, -0.25], name="w")
    b = ag.Variable(0.1, name="b")
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, 1.0]])
    y = np.array([1.0, 0.0, 1.0])
    report = ag.gradcheck(lambda w, b: ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), y)), [w, b])
    assert isinstance(report, ag.GradcheckReport)
    assert report.entries == 3
    assert report.max_abs_difference < 1e-9
    assert str(report).startswith("gradcheck passed: 3 entries, largest difference ")


def test_gradcheck_passes_a_non_scalar_output_with_a_given_upstream() -> None:
    v = ag.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    report = ag.gradcheck(lambda v: v * v.T, v, upstream=np.array([[1.0, -2.0], [0.5, 3.0]]))
    assert report.entries == 4


def test_gradcheck_fails_a_wrong_derivative_and_lists_both_numbers() -> None:
    w = ag.Variable([1.0, -3.0, 0.0], name="w")
    with pytest.raises(ag.GradcheckError) as caught:
        ag.gradcheck(lambda w: ag.sum(BuggySquare(w)), [w])
    message = str(caught.value)
    assert message.startswith("gradcheck failed: 2 of 3 entries differ by more than")
    # Each entry that differs, with the backward value (x) and the numerical one (2x).
    rows = re.findall(r"  (w\[\d\]): backward (\S+), numerical (\S+), difference (\S+)", message)
    assert [(where, float(back)) for where, back, _, _ in rows] == [("w[0]", 1.0), ("w[1]", -3.0)]
    assert [float(numerical) for _, _, numerical, _ in rows] == pytest.approx([2.0, -6.0])
    assert [float(difference) for *_, difference in rows] == pytest.approx([1.0, 3.0])
    assert "w[2]" not in message  # x = 0: both are 0
    # The same entries as data, for a program that words them itself (the exercises do).
    mismatches = caught.value.mismatches
    assert [(m.variable, m.index, m.backward) for m in mismatches] == [
        ("w", (0,), 1.0),
        ("w", (1,), -3.0),
    ]
    assert [m.numerical for m in mismatches] == pytest.approx([2.0, -6.0])
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == message and again.mismatches == mismatches


def test_gradcheck_fails_a_wrong_scalar_derivative() -> None:
    x = ag.Variable(2.5, name="x")
    with pytest.raises(
        ag.GradcheckError,
        match=r"1 of 1 entries differ.*\n  x: backward 2\.5, numerical (5\.0|4\.99)",
    ):
        ag.gradcheck(BuggySquare, x)


def test_gradcheck_rejects_what_is_not_a_variable() -> None:
    with pytest.raises(TypeError, match=r"gradcheck: variables\[1\] is Constant, not a Variable"):
        ag.gradcheck(lambda a, b: a * b, [ag.Variable(1.0), ag.Constant(2.0)])
    with pytest.raises(TypeError, match=r"gradcheck: variables\[0\] is ndarray, not a Variable"):
        ag.gradcheck(lambda a: a, [np.ones(2)])
    with pytest.raises(TypeError, match=r"gradcheck: fn must return a Node, got float"):
        ag.gradcheck(lambda a: 1.0, [ag.Variable(1.0)])


def test_gradcheck_leaves_the_variables_as_it_found_them() -> None:
    w = ag.Variable([0.5, -0.25], name="w")
    ag.gradcheck(lambda w: ag.sum(ag.exp(w)), w)
    np.testing.assert_array_equal(w.value, [0.5, -0.25])


@pytest.mark.parametrize(("option", "value"), [
    ("eps", 0.0), ("eps", -1e-6), ("eps", float("nan")), ("atol", -1.0), ("rtol", float("inf")),
])
def test_gradcheck_refuses_a_step_or_tolerance_that_cannot_work(option, value) -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    with pytest.raises(ValueError, match=rf"gradcheck: {option} must be finite and"):
        ag.gradcheck(lambda w: ag.sum(w * w), [w], **{option: value})


@pytest.mark.parametrize(("option", "value"), [
    ("eps", "1e-6"), ("atol", None), ("rtol", [1e-5]), ("eps", True), ("atol", 1 + 0j),
])
def test_gradcheck_refuses_a_step_or_tolerance_that_is_not_a_number_naming_it(
    option, value
) -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    with pytest.raises(
        TypeError, match=rf"gradcheck: {option} must be a real number, got {re.escape(repr(value))}"
    ):
        ag.gradcheck(lambda w: ag.sum(w * w), [w], **{option: value})


@pytest.mark.parametrize("seed", ["x", 1.5, -1, True, None])
def test_gradcheck_refuses_a_seed_that_is_not_a_whole_number_naming_it(seed) -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    with pytest.raises(
        (TypeError, ValueError),
        match=rf"gradcheck: seed must be a whole number >= 0, got {re.escape(repr(seed))}",
    ):
        ag.gradcheck(lambda w: w * w, [w], seed=seed)


def test_gradcheck_takes_numpy_numbers_for_its_options() -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    report = ag.gradcheck(
        lambda w: w * w, [w], eps=np.float32(1e-6), atol=np.int64(0), seed=np.int64(3)
    )
    assert report.entries == 2


def _sum_of_sigmoids(w: ag.Node) -> ag.Node:
    return ag.sum(ag.sigmoid(w * 3.0))


@pytest.mark.parametrize(
    "returns",
    [
        pytest.param(lambda pre, v: pre, id="the graph itself"),
        pytest.param(lambda pre, v: pre * 1.0, id="a new op on the old graph"),
        pytest.param(lambda pre, v: pre + ag.sum(v * 0.0), id="the old graph beside a new one"),
    ],
)
def test_gradcheck_refuses_a_function_that_returns_a_graph_built_before_the_call(
    returns,
) -> None:
    w = ag.Variable([0.5, -0.25], name="w")
    pre = _sum_of_sigmoids(w)
    with pytest.raises(ValueError, match=r"gradcheck: fn did not rebuild its graph") as caught:
        ag.gradcheck(lambda v: returns(pre, v), [w])
    assert "built before the call" in str(caught.value)
    assert "lambda" in str(caught.value)


class SilentSquare(BuggySquare):
    """``z = x²`` whose backward sends nothing: ``dx = 0``."""

    __slots__ = ()

    def backward_step(self, dz):
        return (np.zeros_like(self.inputs[0].value * dz),)


def test_gradcheck_refuses_a_stale_graph_even_when_its_backward_is_wrong() -> None:
    # The case that passed with "largest difference 0": a backward that sends nothing agrees
    # with a stale graph, whose value never moves, on 0.
    w = ag.Variable([0.5, -0.25], name="w")
    pre = ag.sum(SilentSquare(w))
    with pytest.raises(ValueError, match=r"gradcheck: fn did not rebuild its graph"):
        ag.gradcheck(lambda v: pre, [w])


def test_gradcheck_takes_a_function_that_reuses_a_graph_not_built_from_the_variables() -> None:
    w = ag.Variable([0.5, -0.25], name="w")
    shift = ag.exp(ag.Constant(np.array([1.0, 2.0])))  # built once; depends on no variable
    report = ag.gradcheck(lambda v: ag.sum(v * shift), [w])
    assert report.entries == 2
