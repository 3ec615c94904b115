"""The graph as a program run again (issue 9): forward() and backward() over the same nodes.

A leaf's value may change between runs (gradient descent's update, a new example's data); the
graph then refuses to be read until ``forward()`` recomputes it, and once recomputed it gives,
bit for bit, what a freshly built graph on the new values gives. Assigning ``.value`` converts
and refuses exactly as the constructors do. A re-run step allocates no m-long array, the da
under a fused LogLoss∘Sigmoid is computed when read, anomaly mode is per thread, and a custom
op's wrong gradients are errors that name the op.
"""

from __future__ import annotations

import contextvars
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    away_from_zero,
    axes_for,
    broadcastable_shapes,
    labels,
    logits,
    matmul_shapes,
    positive,
    probabilities,
    shapes,
    small,
)

import autograd_lite as ag
from autograd_lite import errors

# A quarter of the loaded profile's examples (25 in dev, 50 in ci): every test here builds and
# re-runs several graphs per example, and the state machine covers random graphs at length.
FEW = settings(max_examples=max(10, settings.default.max_examples // 4))


# --- comparing two graphs, bit for bit ---------------------------------------------------------


def all_nodes(output: ag.Node) -> list[ag.Node]:
    """Every node ``output`` depends on, constants too, in one fixed order (output first)."""
    order, seen, stack = [], set(), [output]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            stack.extend(reversed(node.inputs))
    return order


def assert_identical(actual, expected, what: str) -> None:
    """Same kind (float or array), shape, dtype and numbers, down to the sign of each zero."""
    assert (actual is None) == (expected is None), f"{what}: {actual!r} vs {expected!r}"
    if expected is None:
        return
    assert (type(actual) is float) == (type(expected) is float), (
        f"{what}: {type(actual).__name__} vs {type(expected).__name__}"
    )
    np.testing.assert_array_equal(actual, expected, err_msg=what, strict=True)
    np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected), err_msg=what)


def assert_same_graph(rerun: ag.Node, fresh: ag.Node) -> None:
    """Every node's value and gradient in the re-run graph equal the freshly built graph's."""
    old, new = all_nodes(rerun), all_nodes(fresh)
    assert [type(n) for n in old] == [type(n) for n in new]
    for k, (a, b) in enumerate(zip(old, new, strict=True)):
        who = f"node {k}, {a.describe()}"
        assert_identical(a.value, b.value, f"{who}: value")
        assert_identical(a.grad, b.grad, f"{who}: grad")


def seed_for(shape: tuple[int, ...]) -> np.ndarray | None:
    """``None`` (dL/dL = 1) for a scalar output, otherwise uneven weights of that shape."""
    if not shape:
        return None
    size = math.prod(shape)
    return (np.linspace(-1.0, 1.0, size) + 0.125).reshape(shape)


def message_of(excinfo: pytest.ExceptionInfo) -> str:
    return str(excinfo.value)


# --- 1. stale graphs ---------------------------------------------------------------------------


def leafy_graph() -> tuple[ag.Node, dict[str, ag.Node]]:
    scale = ag.Variable(2.0, name="scale")
    weights = ag.Variable([1.0, -2.0, 0.5], name="weights")
    data = ag.Constant([3.0, 4.0, 5.0], name="data")
    out = ag.sum(weights * data * scale).named("out")
    return out, {"scale": scale, "weights": weights, "data": data}


def assign_a_float_variable(leaves: dict[str, ag.Node]) -> str:
    leaves["scale"].value = 5.0
    return "scale"


def assign_an_array_variable(leaves: dict[str, ag.Node]) -> str:
    leaves["weights"].value = np.array([0.5, 0.5, 0.5])
    return "weights"


def assign_an_equal_value(leaves: dict[str, ag.Node]) -> str:
    leaves["weights"].value = leaves["weights"].value  # every assignment counts as a change
    return "weights"


def subtract_from_a_float_variable(leaves: dict[str, ag.Node]) -> str:
    leaves["scale"].value -= 0.5
    return "scale"


def subtract_from_an_array_variable(leaves: dict[str, ag.Node]) -> str:
    leaves["weights"].value -= np.array([0.1, 0.2, 0.3])
    return "weights"


def give_a_constant_a_new_value(leaves: dict[str, ag.Node]) -> str:
    leaves["data"].value = [1.0, 1.0, 1.0]
    return "data"


def give_a_constant_a_new_shape(leaves: dict[str, ag.Node]) -> str:
    leaves["data"].value = [[1.0], [2.0]]  # weights · data becomes (2, 3); the sum a scalar still
    return "data"


CHANGES = [
    assign_a_float_variable,
    assign_an_array_variable,
    assign_an_equal_value,
    subtract_from_a_float_variable,
    subtract_from_an_array_variable,
    give_a_constant_a_new_value,
    give_a_constant_a_new_shape,
]

READERS: dict[str, Callable[[ag.Node], object]] = {
    "backward": lambda out: out.backward(),
    "gradients": lambda out: out.gradients(),
    "draw": ag.draw,
    "draw_steps": ag.draw_steps,
    "explain": ag.explain,
}


def assert_names_the_leaf_and_forward(message: str, leaf: str) -> None:
    assert re.search(rf"\b{re.escape(leaf)}\b", message), f"{leaf!r} not named in: {message}"
    assert "forward()" in message, f"forward() not mentioned in: {message}"


def test_stale_graph_error_is_a_runtime_error_exported_at_the_top() -> None:
    assert ag.StaleGraphError is errors.StaleGraphError
    assert issubclass(ag.StaleGraphError, RuntimeError)


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_graph_whose_leaf_changed_refuses_to_be_read_until_forward(change, reader) -> None:
    out, leaves = leafy_graph()
    out.backward()  # the previous run's gradients are in place
    leaf = change(leaves)
    with pytest.raises(ag.StaleGraphError) as excinfo:
        READERS[reader](out)
    assert_names_the_leaf_and_forward(message_of(excinfo), leaf)


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_after_forward_every_reader_works_and_the_numbers_are_the_new_ones(change) -> None:
    out, leaves = leafy_graph()
    out.backward()
    change(leaves)
    assert out.forward() == out.value
    out.backward()
    out.gradients()
    ag.draw(out)
    ag.draw_steps(out)
    ag.explain(out)

    fresh_leaves = {
        "scale": ag.Variable(leaves["scale"].value, name="scale"),
        "weights": ag.Variable(leaves["weights"].value, name="weights"),
        "data": ag.Constant(leaves["data"].value, name="data"),
    }
    fresh = ag.sum(fresh_leaves["weights"] * fresh_leaves["data"] * fresh_leaves["scale"])
    fresh.named("out").backward()
    assert_same_graph(out, fresh)
    got, want = out.gradients(), fresh.gradients()
    assert list(got) == list(want)
    for key in want:
        assert_identical(got[key], want[key], key)


def test_the_issues_example_is_refused_then_right_after_forward() -> None:
    u, v = ag.Variable(3.0, name="u"), ag.Variable(4.0, name="v")
    p = u * v
    u.value = 100.0
    with pytest.raises(ag.StaleGraphError) as excinfo:
        p.backward()
    assert_names_the_leaf_and_forward(message_of(excinfo), "u")
    assert p.forward() == 400.0
    assert p.value == 400.0
    p.backward()
    assert u.grad == 4.0
    assert v.grad == 100.0


def test_a_new_op_on_a_stale_node_is_stale_too() -> None:
    u = ag.Variable(3.0, name="u")
    p = u * 2.0
    u.value = 1.0
    q = p + 1.0  # built on p, whose value is still 6.0
    with pytest.raises(ag.StaleGraphError) as excinfo:
        q.backward()
    assert_names_the_leaf_and_forward(message_of(excinfo), "u")
    assert q.forward() == 3.0
    q.backward()
    assert u.grad == 2.0


def test_forward_over_part_of_a_graph_with_no_leaf_changed_leaves_the_rest_current() -> None:
    # Recomputing h from unchanged leaves gives h's same numbers: out is not out of date.
    x = ag.Variable(2.0, name="x")
    h = (x * x).named("h")
    out = (h + 1.0).named("out")
    h.forward()
    out.backward()
    assert out.value == 5.0
    assert x.grad == 4.0


def test_a_graph_forwarded_only_in_part_is_still_stale_and_names_the_changed_leaf() -> None:
    x = ag.Variable(2.0, name="x")
    h = (x * x).named("h")
    out = (h + 1.0).named("out")
    x.value = 3.0
    assert h.forward() == 9.0  # h is current now, out is not
    with pytest.raises(ag.StaleGraphError) as excinfo:
        out.backward()
    assert_names_the_leaf_and_forward(message_of(excinfo), "x")
    assert out.forward() == 10.0
    out.backward()
    assert x.grad == 6.0


def test_forward_recomputes_constant_only_subtrees_too() -> None:
    w = ag.Variable(2.0, name="w")
    c = ag.Constant(2.0, name="c")
    k = c * 3.0  # depends on no Variable: backward never visits it
    out = w * k
    c.value = 5.0
    assert out.forward() == 30.0
    assert k.value == 15.0
    out.backward()
    assert w.grad == 15.0


def test_forward_of_a_long_chain_needs_no_recursion() -> None:
    x = ag.Variable(1.5, name="x")
    out: ag.Node = x
    for _ in range(20_000):  # twenty times Python's default recursion limit
        out = -out
    x.value = -0.25
    assert out.forward() == -0.25
    out.backward()
    assert x.grad == 1.0


def test_forward_of_a_leaf_returns_its_value() -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    np.testing.assert_array_equal(w.forward(), [1.0, 2.0])


IN_PLACE_NAMING_THE_LEAF = {
    "item assignment": lambda v: v.__setitem__(0, 5),
    "slice assignment": lambda v: v.__setitem__(slice(None), 0.0),
}
IN_PLACE = {
    **IN_PLACE_NAMING_THE_LEAF,
    "fill": lambda v: v.fill(0.0),
    "a ufunc's out=": lambda v: np.add(v, 1, out=v),
}


@pytest.mark.parametrize("kind", [ag.Variable, ag.Constant])
@pytest.mark.parametrize("how", list(IN_PLACE))
def test_changing_a_leafs_array_in_place_is_refused_and_changes_nothing(kind, how) -> None:
    w = kind([1.0, 2.0, 3.0], name="w")
    out = ag.sum(ag.Variable(1.0, name="s") * w)
    with pytest.raises(ValueError) as excinfo:
        IN_PLACE[how](w.value)
    if how in IN_PLACE_NAMING_THE_LEAF:
        message = message_of(excinfo)
        assert re.search(r"\bw\b", message), message
        assert re.search(r"\.value\s*=", message), f"no advice to assign a new value: {message}"
    np.testing.assert_array_equal(w.value, [1.0, 2.0, 3.0])
    out.backward()  # nothing changed, so nothing is stale
    assert out.value == 6.0


def apply_augmented(leaf: ag.Node, op: str, d) -> None:
    if op == "-=":
        leaf.value -= d
    elif op == "+=":
        leaf.value += d
    elif op == "*=":
        leaf.value *= d
    else:
        leaf.value /= d


UFUNCS = {"-=": np.subtract, "+=": np.add, "*=": np.multiply, "/=": np.divide}


@pytest.mark.parametrize("op", list(UFUNCS))
def test_augmented_assignment_of_a_value_builds_a_new_one(op) -> None:
    w = ag.Variable([1.0, 2.0, 4.0], name="w")
    kept = w.value  # someone holding the old array sees it unchanged
    d = np.array([0.5, 0.25, 2.0])
    apply_augmented(w, op, d)
    assert_identical(w.value, UFUNCS[op](np.array([1.0, 2.0, 4.0]), d), f"w.value {op} d")
    np.testing.assert_array_equal(kept, [1.0, 2.0, 4.0])

    b = ag.Variable(0.5, name="b")
    apply_augmented(b, op, 0.25)
    assert_identical(b.value, float(UFUNCS[op](0.5, 0.25)), f"b.value {op} 0.25")


def test_augmenting_a_copy_of_the_reference_leaves_the_leaf_alone() -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    v = w.value
    v -= 1.0  # rebinds v, as it would for a float
    np.testing.assert_array_equal(v, [0.0, 1.0])
    np.testing.assert_array_equal(w.value, [1.0, 2.0])


def test_arithmetic_on_a_leafs_value_gives_ordinary_arrays() -> None:
    w = ag.Variable([1.0, 2.0], name="w")
    for result in (w.value * 2, np.exp(w.value), w.value - w.value, -w.value):
        assert type(result) is np.ndarray
        result[0] = 7.0  # writable, like any array


def test_assigning_an_array_copies_it_and_leaves_the_callers_array_writable() -> None:
    w = ag.Variable([0.0, 0.0], name="w")
    mine = np.array([1.0, 2.0])
    w.value = mine
    mine[0] = 9.0
    np.testing.assert_array_equal(w.value, [1.0, 2.0])


# --- 2. assignment refuses what the constructor refuses ----------------------------------------

BAD_VALUES: dict[str, tuple[Callable[[], object], type[Exception]]] = {
    "a string": (lambda: "0.5", TypeError),
    "a complex number": (lambda: 1.0 + 2.0j, TypeError),
    "a complex array": (lambda: np.array([1.0 + 0.0j, 2.0]), TypeError),
    "an object array": (lambda: np.array([1.0, None], dtype=object), TypeError),
    "a ragged list": (lambda: [[1.0, 2.0], [3.0]], ValueError),
    "an int beyond float64": (lambda: 4 * 10**400, ValueError),
    "a node": (lambda: ag.Variable(1.0, name="other"), TypeError),
}


@pytest.mark.parametrize("kind", [ag.Variable, ag.Constant])
@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_assigning_a_value_refuses_what_the_constructor_refuses_with_its_message(kind, bad) -> None:
    make, error = BAD_VALUES[bad]
    with pytest.raises(error) as built:
        kind(make(), name="w")
    leaf = kind([1.0, 2.0], name="w")
    with pytest.raises(error) as assigned:
        leaf.value = make()
    assert type(assigned.value) is type(built.value)
    assert str(assigned.value) == str(built.value)
    assert_identical(leaf.value, np.array([1.0, 2.0]), "the refused value left it unchanged")


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (3, 3.0),
        (True, 1.0),
        (np.float32(0.5), 0.5),
        (np.array(2.5), 2.5),
        (np.int64(7), 7.0),
    ],
)
def test_assigning_a_scalar_gives_a_python_float(given_value, expected) -> None:
    w = ag.Variable(0.0, name="w")
    w.value = given_value
    assert_identical(w.value, expected, f"w.value = {given_value!r}")


def test_an_int64_array_becomes_float64_so_w_times_w_does_not_wrap_around() -> None:
    w = ag.Variable([1.0], name="w")
    square = w * w
    w.value = np.array([4_000_000_000], dtype=np.int64)
    assert w.value.dtype == np.float64
    square.forward()
    assert_identical(square.value, np.array([1.6e19]), "w * w after forward()")
    assert_identical((w * w).value, np.array([1.6e19]), "w * w built afresh")


# --- 3. a re-run graph equals a rebuilt one, bit for bit ---------------------------------------


@dataclass(frozen=True)
class OpCase:
    build: Callable[..., ag.Node]
    shapes: st.SearchStrategy  # one shape per leaf
    elements: tuple[st.SearchStrategy, ...]  # one strategy per leaf


def one_shape() -> st.SearchStrategy:
    return shapes().map(lambda shape: (shape,))


def same_shape_twice() -> st.SearchStrategy:
    return shapes().map(lambda shape: (shape, shape))


OP_CASES = {
    "Add": OpCase(lambda x, y: x + y, broadcastable_shapes(2), (small(), small())),
    "Subtract": OpCase(lambda x, y: x - y, broadcastable_shapes(2), (small(), small())),
    "Multiply": OpCase(lambda x, y: x * y, broadcastable_shapes(2), (small(), small())),
    "Divide": OpCase(lambda x, y: x / y, broadcastable_shapes(2), (small(), away_from_zero)),
    "MatMul": OpCase(lambda x, y: x @ y, matmul_shapes(), (small(), small())),
    "Negate": OpCase(lambda x: -x, one_shape(), (small(),)),
    "Transpose": OpCase(lambda x: x.T, one_shape(), (small(),)),
    "Log": OpCase(ag.log, one_shape(), (positive,)),
    "Exp": OpCase(ag.exp, one_shape(), (small(),)),
    "Sigmoid": OpCase(ag.sigmoid, one_shape(), (logits,)),
    "LogLoss on a Sigmoid": OpCase(
        lambda z, y: ag.log_loss(ag.sigmoid(z, name="a"), y), same_shape_twice(), (logits, labels)
    ),
    "LogLoss on a probability": OpCase(
        lambda a, y: ag.log_loss(a, y), same_shape_twice(), (probabilities, labels)
    ),
}


def check_reruns(data, build: Callable[..., ag.Node], draw_shapes, elements) -> None:
    """Build on first values, then three times change the leaves, re-run, compare to a rebuild.

    The first new values keep the shapes (each node reuses its buffers); the second have newly
    drawn shapes, where the op allows them; the third keep those (buffers of the new shapes).
    """
    first_shapes = draw_shapes()
    # The first leaf is a Variable; the others may be data (Constants) as well.
    kinds = [ag.Variable] + [
        data.draw(st.sampled_from([ag.Variable, ag.Constant]), label=f"kind of leaf {i}")
        for i in range(1, len(first_shapes))
    ]

    def draw_values(leaf_shapes, label):
        return [
            data.draw(arrays(shape, each), label=f"{label}, leaf {i}")
            for i, (shape, each) in enumerate(zip(leaf_shapes, elements, strict=True))
        ]

    def make_leaves(values):
        return [
            kind(v, name=f"x{i}") for i, (kind, v) in enumerate(zip(kinds, values, strict=True))
        ]

    leaves = make_leaves(draw_values(first_shapes, "first values"))
    out = build(*leaves)
    out.backward(seed_for(out.shape))

    new_shapes = draw_shapes()
    for label, leaf_shapes in [
        ("same shapes", first_shapes),
        ("new shapes", new_shapes),
        ("the new shapes again", new_shapes),
    ]:
        values = draw_values(leaf_shapes, label)
        for leaf, value in zip(leaves, values, strict=True):
            leaf.value = value
        returned = out.forward()
        assert_identical(returned, out.value, "forward() returns the output's value")
        out.backward(seed_for(out.shape))
        fresh = build(*make_leaves(values))
        fresh.backward(seed_for(fresh.shape))
        assert_same_graph(out, fresh)


@pytest.mark.parametrize("op", list(OP_CASES))
@FEW
@given(data=st.data())
def test_a_rerun_graph_equals_a_rebuilt_one_bit_for_bit(op, data) -> None:
    case = OP_CASES[op]
    check_reruns(data, case.build, lambda: data.draw(case.shapes, label="shapes"), case.elements)


@pytest.mark.parametrize("reduction", [ag.sum, ag.mean], ids=["Sum", "Mean"])
@FEW
@given(data=st.data(), ndim=st.integers(0, 3), keepdims=st.booleans())
def test_a_rerun_reduction_equals_a_rebuilt_one_bit_for_bit(
    reduction, data, ndim, keepdims
) -> None:
    axis = data.draw(axes_for(ndim), label="axis")

    def build(x, w):
        return reduction(x * w, axis=axis, keepdims=keepdims)

    def draw_shapes():
        shape = data.draw(shapes(min_dims=ndim, max_dims=ndim), label="shape")
        return (shape, shape)

    check_reruns(data, build, draw_shapes, (small(), small()))


def logistic_cost(X, w: ag.Node, b: ag.Node, y) -> ag.Node:
    z = (X @ w + b).named("z")
    a = ag.sigmoid(z, name="a")
    return ag.mean(ag.log_loss(a, y, name="L"), name="J")


@FEW
@given(
    data=st.data(),
    m=st.integers(1, 12),
    n=st.integers(1, 4),
    alpha=st.floats(0.01, 3.0),
    data_as_constant=st.booleans(),
    augmented=st.booleans(),
)
def test_the_logistic_cost_rerun_five_times_equals_rebuilding_it_each_step(
    data, m, n, alpha, data_as_constant, augmented
) -> None:
    X = data.draw(arrays((m, n), small(-5.0, 5.0)), label="X")
    y = data.draw(arrays((m,), labels), label="y")
    w = ag.Variable(data.draw(arrays((n,), small()), label="w"), name="w")
    b = ag.Variable(data.draw(small(), label="b"), name="b")
    J = logistic_cost(ag.Constant(X, name="X") if data_as_constant else X, w, b, y)
    for _ in range(5):
        J.forward()
        J.backward()
        fresh_w, fresh_b = ag.Variable(w.value, name="w"), ag.Variable(b.value, name="b")
        fresh_X = ag.Constant(X, name="X") if data_as_constant else X
        fresh = logistic_cost(fresh_X, fresh_w, fresh_b, y)
        fresh.backward()
        assert_same_graph(J, fresh)
        if augmented:
            w.value -= alpha * w.grad
            b.value -= alpha * b.grad
        else:
            w.value = w.value - alpha * w.grad
            b.value = b.value - alpha * b.grad


# --- 4. the da under a fused LogLoss∘Sigmoid, computed when read -------------------------------


def ratio(c, p):
    """``c / p`` where a zero ``c`` gives 0 whatever ``p`` is (0 · log 0 = 0 differentiated)."""
    if type(c) is float:
        return 0.0 if c == 0 else float(np.divide(c, p))
    out = np.zeros(np.shape(c))
    np.divide(c, p, out=out, where=c != 0)
    return out


def unfused_da(dL, z, y, a):
    """The chain rule's da = dL · (−y/a + (1 − y)/(1 − a)), with 1 − a computed as σ(−z).

    σ(−z) is the library's own sigmoid of −z, so 1 − a never rounds to 0 before a does.
    """
    one_minus_a = ag.sigmoid(ag.Constant(-z)).value
    with np.errstate(divide="ignore", over="ignore"):
        return dL * (ratio(1.0 - y, one_minus_a) - ratio(y, a))


@FEW
@given(
    data=st.data(),
    shape=st.one_of(st.just(()), shapes(min_dims=1, max_dims=2)),
    hard=st.booleans(),
)
def test_da_read_after_a_fused_pass_equals_the_unfused_chain_rule_bit_for_bit(
    data, shape, hard
) -> None:
    label_values = st.sampled_from([0.0, 1.0]) if hard else labels

    def draw(elements, label):
        value = data.draw(arrays(shape, elements), label=label)
        return float(value) if value.ndim == 0 else value

    z = ag.Variable(draw(logits, "z"), name="z")
    y = ag.Constant(draw(label_values, "y"), name="y")
    a = ag.sigmoid(z, name="a")
    L = ag.log_loss(a, y, name="L")
    for run in ("first", "re-run"):
        if run == "re-run":
            z.value = draw(logits, "new z")
            y.value = draw(label_values, "new y")
            L.forward()
        dL = draw(st.one_of(small(-2.0, -0.01), small(0.01, 2.0)), f"{run} dL")
        L.backward(dL)
        expected = unfused_da(L.grad, z.value, y.value, a.value)
        assert_identical(a.grad, expected, f"{run}: da against plain numpy")
        with np.errstate(divide="ignore", over="ignore"):
            step = L.backward_step(L.grad)[0]
        assert_identical(a.grad, step, f"{run}: da against LogLoss.backward_step")
        assert_identical(L.gradients()["da"], expected, f"{run}: gradients()['da']")
        assert_identical(a.grad, expected, f"{run}: da read a second time")


# --- 6. anomaly mode per thread ----------------------------------------------------------------


def run_in_thread(target: Callable[[], None]) -> None:
    """Run ``target`` in a new thread and re-raise whatever it raised."""
    failures: list[BaseException] = []

    def wrapped() -> None:
        try:
            target()
        except BaseException as error:  # handed to the caller's thread
            failures.append(error)

    thread = threading.Thread(target=wrapped)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if failures:
        raise failures[0]


def test_detect_anomaly_in_one_thread_does_not_switch_it_on_in_another() -> None:
    x = ag.Variable(1e200, name="x")
    barrier = threading.Barrier(2, timeout=10)
    seen: dict[str, object] = {}

    def inside() -> None:
        with ag.detect_anomaly():
            barrier.wait()  # 1: this thread is inside its block
            barrier.wait()  # 2: the other thread has built its x * x
            try:
                x * x
            except ag.NonFiniteError:
                seen["inside"] = "raised"
            else:
                seen["inside"] = "did not raise"

    def outside() -> None:
        barrier.wait()  # 1
        try:
            seen["outside"] = (x * x).value
        except BaseException as error:
            seen["outside"] = error
        finally:
            barrier.wait()  # 2

    threads = [threading.Thread(target=inside), threading.Thread(target=outside)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen["inside"] == "raised"
    assert seen["outside"] == math.inf, f"the other thread got {seen['outside']!r}"


def test_set_detect_anomaly_in_one_thread_leaves_the_others_alone() -> None:
    x = ag.Variable(1e200, name="x")

    def switch_on_here() -> None:
        ag.set_detect_anomaly(True)
        with pytest.raises(ag.NonFiniteError):
            x * x  # on in this thread

    run_in_thread(switch_on_here)
    assert math.isinf((x * x).value)  # still off here

    def unchecked_there() -> None:
        assert math.isinf((x * x).value)

    ag.set_detect_anomaly(True)
    try:
        run_in_thread(unchecked_there)
        with pytest.raises(ag.NonFiniteError):
            x * x
    finally:
        ag.set_detect_anomaly(False)


def test_set_detect_anomaly_in_a_copied_context_stays_in_that_context() -> None:
    x = ag.Variable(1e200, name="x")

    def switch_on() -> None:
        ag.set_detect_anomaly(True)
        with pytest.raises(ag.NonFiniteError):
            x * x

    contextvars.copy_context().run(switch_on)
    assert math.isinf((x * x).value)


# --- 7. a custom op's mistakes are named ---------------------------------------------------------


class WeighsThree(ag.Node):
    """``s = 2·x0 + 20·x1 + 200·x2``, whose backward_step wrongly returns one number."""

    def forward_step(self, x):
        return float(np.dot(x, [2.0, 20.0, 200.0]))

    def backward_step(self, ds):
        return (np.array([111.0 * ds]),)  # shape (1,) for an input of shape (3,)


class ForgetsAnInput(ag.Node):
    """``z = x · y``, whose backward_step returns one gradient for its two inputs."""

    def forward_step(self, x, y):
        return x * y

    def backward_step(self, dz):
        return (dz * self.inputs[1].value,)


class InventsAnInput(ag.Node):
    """``z = x · y``, whose backward_step returns three gradients for its two inputs."""

    def forward_step(self, x, y):
        return x * y

    def backward_step(self, dz):
        x, y = self.inputs
        return dz * y.value, dz * x.value, dz


def test_a_custom_op_returning_a_gradient_that_does_not_fit_is_a_shape_error_naming_it() -> None:
    x = ag.Variable([1.0, 2.0, 3.0], name="x")
    out = WeighsThree(x)
    with pytest.raises(ag.ShapeError, match=r"WeighsThree"):
        out.backward()


@pytest.mark.parametrize(("op", "returned"), [(ForgetsAnInput, 1), (InventsAnInput, 3)])
def test_a_custom_op_returning_the_wrong_number_of_gradients_names_it_and_the_counts(
    op, returned
) -> None:
    x, y = ag.Variable(2.0, name="x"), ag.Variable(3.0, name="y")
    out = op(x, y)
    with pytest.raises(TypeError) as excinfo:
        out.backward()
    message = message_of(excinfo)
    assert op.__name__ in message
    assert re.search(rf"\b{returned}\b", message) and re.search(r"\b2\b", message), message
