"""The exercises accept their solutions, name each listed mistake, and never crash on a student.

Every mistake is a deliberately wrong answer written out as a student would write it; the test
asserts on a fragment of the hint that names it. Misuse (a missing answer, a non-number, a
wrong callable) raises with the argument's name.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import exercises
from autograd_lite import exercises_solutions as solutions
from autograd_lite.exercises import Feedback
from autograd_lite.lecture import ExampleLoop

# --- lecture 1: one example ----------------------------------------------------------------


def forward(g: dict[str, float]) -> float:
    """The student's forward pass: ``a = σ(z)``."""
    return 1 / (1 + math.exp(-(g["w1"] * g["x1"] + g["w2"] * g["x2"] + g["b"])))


def right_answers(ex: exercises.OneExampleBackward) -> dict[str, float]:
    return solutions.one_example_backward(**ex.given)


def hint_for(feedback: Feedback, name: str) -> str:
    (hint,) = [h for h in feedback.hints if h.startswith(f"{name}: ")]
    return hint


def test_the_one_example_exercise_gives_the_lectures_numbers_and_accepts_its_solution() -> None:
    ex = exercises.one_example_backward
    assert ex.given == {"x1": 2.0, "x2": -1.0, "w1": 0.3, "w2": -0.4, "b": 0.1, "y": 1.0}
    ex.given["x1"] = 100.0  # a copy: the exercise keeps its numbers
    assert ex.given["x1"] == 2.0
    feedback = ex.check(**right_answers(ex))
    assert feedback.passed and feedback and feedback.hints == []
    assert str(feedback) == "✓ Backward on one example: da, dz, dw1, dw2 and db are all right."


def test_numpy_numbers_and_one_entry_arrays_are_answers_too() -> None:
    ex = exercises.one_example_backward
    answers = {k: np.float64(v) for k, v in right_answers(ex).items()}
    answers["dz"] = np.array([[answers["dz"]]])
    assert ex.check(**answers).passed


def _one_example_mistakes() -> list[tuple[str, str, float, str]]:
    g = exercises.one_example_backward.given
    x1, x2, b, y = g["x1"], g["x2"], g["b"], g["y"]
    a = forward(g)
    da, dz = -y / a + (1 - y) / (1 - a), a - y
    return [
        # (id, the answer that is wrong, the wrong number, a fragment of its hint)
        ("da sign", "da", y / a - (1 - y) / (1 - a), "has the wrong sign: it equals +y/a"),
        ("da is dz", "da", a - y, "equals a − y, which is dz"),
        ("dz = a", "dz", a, "equals a, the activation: dz = a − y"),
        ("dz = da", "dz", da, "equals da: the chain through σ is missing"),
        ("dz = a(1 - a)", "dz", a * (1 - a), "σ's local derivative da/dz alone"),
        ("dz sign", "dz", y - a, "has the wrong sign: it equals y − a"),
        ("dw1 = x2·dz", "dw1", x2 * dz, "equals x2·dz, which is dw2"),
        ("dw2 = x1·dz", "dw2", x1 * dz, "equals x1·dz, which is dw1"),
        ("dw1 = dz", "dw1", dz, "the factor ∂z/∂w1 = x1 is missing"),
        ("dw1 = w1·dz", "dw1", g["w1"] * dz, "is x1, not w1"),
        ("db = 1", "db", 1.0, "equals 1, the local derivative ∂z/∂b alone"),
        ("db = b·dz", "db", b * dz, "∂z/∂b = 1, not b"),
        ("db = x1·dz", "db", x1 * dz, "b is added to z, not multiplied by an input"),
        ("db = da", "db", da, "the upstream gradient is dz, not da"),
        ("typed, rounded", "dz", round(dz, 3), "is close, but not equal"),
    ]


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [m[1:] for m in _one_example_mistakes()],
    ids=[m[0] for m in _one_example_mistakes()],
)
def test_each_one_example_mistake_gets_its_own_hint(name: str, value: float, fragment: str) -> None:
    ex = exercises.one_example_backward
    answers = right_answers(ex)
    answers[name] = value
    feedback = ex.check(**answers)
    assert not feedback.passed
    assert len(feedback.hints) == 1
    hint = hint_for(feedback, name)
    assert fragment in hint
    assert f"your {name} = {value:.6g}" in hint  # the student's own number, shown
    assert f"{right_answers(ex)[name]:.4g}" not in hint  # and never the right one
    assert (
        feedback.summary
        == "1 of 5 not right yet; right: "
        + ", ".join(k for k in ("da", "dz", "dw1", "dw2", "db") if k != name)
        + "."
    )


def test_a_wrong_dz_is_named_once_and_what_follows_from_it_is_traced_back() -> None:
    ex = exercises.one_example_backward
    g = ex.given
    a = forward(g)
    answers = right_answers(ex)
    answers.update(dz=a, dw1=g["x1"] * a, dw2=g["x2"] * a, db=a)  # dz = a, and on from there
    feedback = ex.check(**answers)
    assert "equals a, the activation" in hint_for(feedback, "dz")
    assert "is x1·dz for your dz, which is not right: fix dz" in hint_for(feedback, "dw1")
    assert "is x2·dz for your dz" in hint_for(feedback, "dw2")
    assert "equals your dz, which is not right: fix dz first" in hint_for(feedback, "db")


def test_fractional_labels_tell_the_two_terms_of_da_apart() -> None:
    ex = exercises.OneExampleBackward(y=0.3)
    y = 0.3
    a = forward(ex.given)
    for da, fragment in [
        (y / a + (1 - y) / (1 - a), "wrong sign in its first term"),
        (-y / a - (1 - y) / (1 - a), "wrong sign in its second term"),
    ]:
        answers = right_answers(ex)
        answers["da"] = da
        assert fragment in hint_for(ex.check(**answers), "da")


def test_unanswered_nan_and_all_wrong_answers_give_feedback_not_errors() -> None:
    ex = exercises.one_example_backward
    feedback = ex.check(da=None, dz=None, dw1=None, dw2=None, db=None)
    assert not feedback.passed
    assert feedback.hints == [f"{k}: not answered yet." for k in ("da", "dz", "dw1", "dw2", "db")]
    answers = right_answers(ex)
    answers["da"] = float("nan")
    assert "a NaN or infinity comes from 0/0" in hint_for(ex.check(**answers), "da")
    feedback = ex.check(da=7.0, dz=7.0, dw1=7.0, dw2=7.0, db=7.0)
    assert "Every answer is off: check the forward pass first" in feedback.hints[-1]


def test_one_example_misuse_raises_naming_the_argument() -> None:
    ex = exercises.one_example_backward
    answers = right_answers(ex)
    del answers["dz"]
    with pytest.raises(TypeError, match="dz"):
        ex.check(**answers)  # a missing answer
    for bad, error, message in [
        ("0.25", TypeError, r"check\(dz=...\): expected a number, got str '0.25'"),
        (True, TypeError, r"check\(dz=...\): expected a number, got the bool True"),
        (np.ones(2), ValueError, r"check\(dz=...\): expected one number, got an array of shape"),
        (ag.Variable(1.0, name="z"), TypeError, r"check\(dz=...\): got the node Variable 'z'"),
    ]:
        with pytest.raises(error, match=message):
            ex.check(**{**right_answers(ex), "dz": bad})
    with pytest.raises(TypeError, match="dw3"):
        ex.check(**right_answers(ex), dw3=0.0)


def test_the_one_example_exercise_refuses_given_numbers_it_cannot_check_fairly() -> None:
    with pytest.raises(ValueError, match=r"OneExampleBackward\(y=...\): labels must lie in"):
        exercises.OneExampleBackward(y=2.0)
    with pytest.raises(ValueError, match="beyond Z_LIMIT"):
        exercises.OneExampleBackward(x1=50.0)
    with pytest.raises(TypeError, match=r"OneExampleBackward\(x1=...\): expected a number"):
        exercises.OneExampleBackward(x1="2")


features = st.floats(-2.0, 2.0)
labels = st.sampled_from([0.0, 1.0]) | st.floats(0.0, 1.0)


@given(x1=features, x2=features, w1=features, w2=features, b=st.floats(-1.0, 1.0), y=labels)
def test_the_solution_passes_for_any_given_numbers(
    x1: float, x2: float, w1: float, w2: float, b: float, y: float
) -> None:
    ex = exercises.OneExampleBackward(x1=x1, x2=x2, w1=w1, w2=w2, b=b, y=y)
    assert ex.check(**right_answers(ex)).passed


@given(
    x1=features,
    x2=features,
    w1=features,
    w2=features,
    b=st.floats(-1.0, 1.0),
    y=st.just(1.0) | st.floats(0.05, 1.0),  # y = 0 makes a the right dz
)
def test_a_instead_of_a_minus_y_is_always_diagnosed(
    x1: float, x2: float, w1: float, w2: float, b: float, y: float
) -> None:
    ex = exercises.OneExampleBackward(x1=x1, x2=x2, w1=w1, w2=w2, b=b, y=y)
    answers = right_answers(ex)
    answers["dz"] = forward(ex.given)
    feedback = ex.check(**answers)
    assert not feedback.passed
    assert "equals a, the activation: dz = a − y" in hint_for(feedback, "dz")


# --- lecture 2: the loop -------------------------------------------------------------------


def loop_with(*, accumulate=True, divide=True, update="after", divide_J=None):
    """The lecture's loop, or a student's mistaken version of it."""

    def gradient_step(X, y, w, b, alpha):
        m, n = X.shape
        J, dw, db = 0.0, [0.0] * n, 0.0
        w = list(w)
        for i in range(m):
            z = b
            for j in range(n):
                z += w[j] * X[i][j]
            a = 1 / (1 + math.exp(-z))
            L = -(y[i] * math.log(a) + (1 - y[i]) * math.log(1 - a))
            dz = a - y[i]
            if accumulate:
                J += L
                for j in range(n):
                    dw[j] += X[i][j] * dz
                db += dz
            else:
                J = L
                for j in range(n):
                    dw[j] = X[i][j] * dz
                db = dz
            if update == "inside":
                for j in range(n):
                    w[j] = w[j] - alpha * dw[j]
                b = b - alpha * db
            elif update == "each example":
                for j in range(n):
                    w[j] = w[j] - alpha * X[i][j] * dz
                b = b - alpha * dz
        if update == "before dividing":
            w = [w[j] - alpha * dw[j] for j in range(n)]
            b = b - alpha * db
        if divide:
            dw = [d / m for d in dw]
            db /= m
        if divide if divide_J is None else divide_J:
            J /= m
        if update == "after":
            w = [w[j] - alpha * dw[j] for j in range(n)]
            b = b - alpha * db
        elif update == "uphill":
            w = [w[j] + alpha * dw[j] for j in range(n)]
            b = b + alpha * db
        return J, dw, db, w, b

    return gradient_step


def test_the_loop_exercise_accepts_its_solution_and_the_lectures_loop() -> None:
    assert exercises.loop_step.check(solutions.loop_step).passed
    feedback = exercises.loop_step.check(loop_with())
    assert feedback.passed
    assert str(feedback) == (
        "✓ Gradient descent on m examples, with a loop: J, dw, db and the updated w and b are "
        "all right."
    )


def test_the_loop_reference_is_the_engines_example_loop() -> None:
    ex = exercises.loop_step
    g = ex.given
    J, dw, db = ExampleLoop(g["X"], g["y"]).gradients(g["w"], g["b"])
    ours = solutions.loop_step(**g)
    np.testing.assert_allclose([J, *dw, db], [ours[0], *ours[1], ours[2]], rtol=1e-12)


@pytest.mark.parametrize(
    ("mistake", "wrong", "fragment"),
    [
        ({"divide": False}, "J, dw, db, updated w and updated b", "never divides by m"),
        ({"divide_J": False}, "J", "never divides by m"),
        ({"accumulate": False}, "J, dw, db, updated w and updated b", "= instead of adding"),
        ({"accumulate": False, "divide": False}, "J, dw, db, updated w and updated b", "+= and"),
        ({"update": "inside"}, "J, dw, db, updated w and updated b", "inside the loop"),
        ({"update": "each example"}, "J, dw, db, updated w and updated b", "each example's own"),
        ({"update": "before dividing"}, "updated w and updated b", "before dividing by m"),
        ({"update": "uphill"}, "updated w and updated b", "a step uphill"),
        ({"update": "none"}, "updated w and updated b", "no update at all"),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else "",
)
def test_each_loop_mistake_is_named_by_the_mistaken_loop_it_matches(
    mistake: dict, wrong: str, fragment: str
) -> None:
    feedback = exercises.loop_step.check(loop_with(**mistake))
    assert not feedback.passed
    J, dw, db, w, b = solutions.loop_step(**exercises.loop_step.given)
    for number in (J, *dw, db, *w, b):  # the right numbers are never given away
        assert f"{number:.4g}" not in str(feedback)
    matching = [h for h in feedback.hints if fragment in h]
    assert len(matching) == 1, feedback
    assert matching[0].startswith(f"Your {wrong} match")


def test_the_mistaken_loops_differ_from_the_right_one_and_from_each_other() -> None:
    ex = exercises.loop_step
    results = [ex._reference, *ex._mistaken]
    flat = [np.hstack([r[k] for k in ("J", "dw", "db", "w", "b")]) for r in results]
    for i in range(len(flat)):
        for j in range(i):
            assert not np.allclose(flat[i], flat[j], rtol=1e-6), (i, j)


def test_a_loop_that_raises_or_returns_the_wrong_things_gets_feedback() -> None:
    ex = exercises.loop_step

    def unfinished(X, y, w, b, alpha):
        raise NotImplementedError

    def divides_by_zero(X, y, w, b, alpha):
        m = 0
        return 1 / m

    def indexes_features_first(X, y, w, b, alpha):
        return [X[j][i] for i in range(len(y)) for j in range(len(w))]

    feedback = ex.check(unfinished)
    assert feedback.summary == "not answered yet."
    assert "unfinished is not written yet" in feedback.hints[0]
    feedback = ex.check(divides_by_zero)
    assert "divides_by_zero raised ZeroDivisionError: division by zero" in feedback.hints[0]
    assert "of divides_by_zero: return 1 / m" in feedback.hints[0]  # the student's line
    feedback = ex.check(indexes_features_first)
    assert "raised IndexError" in feedback.hints[0]
    assert "X[i] is the example x(i)" in feedback.hints[1]
    assert (
        "The updated w and b are missing" in ex.check(lambda X, y, w, b, alpha: (0, 0, 0)).hints[0]
    )
    assert "Is the return statement missing?" in ex.check(lambda X, y, w, b, alpha: None).hints[0]
    feedback = ex.check(lambda X, y, w, b, alpha: (0.0, [0.0], 0.0, [0.0, 0.0], 0.0))
    assert feedback.hints == ["dw must be n = 2 numbers, one per feature; got 1 (shape (1,))."]
    assert ex.check(None).summary == "not answered yet."


def test_loop_misuse_raises_naming_the_argument() -> None:
    ex = exercises.loop_step
    with pytest.raises(TypeError, match=r"check\(gradient_step\): expected your function"):
        ex.check(3)
    with pytest.raises(TypeError, match=r"cannot be called as gradient_step\(X, y, w, b, alpha\)"):
        ex.check(lambda X, y: None)
    with pytest.raises(ValueError, match="give X, y and w together"):
        exercises.LoopStep(X=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="m ≥ 2"):
        exercises.LoopStep(X=[[1.0, 2.0]], y=[1.0], w=[0.0, 0.0])
    with pytest.raises(ValueError, match="learning rate must be > 0"):
        exercises.LoopStep(alpha=0.0)


def test_the_loop_exercise_takes_other_data() -> None:
    X = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 1.0], [-2.0, 1.0, 0.0]])
    ex = exercises.LoopStep(X=X, y=[0.0, 1.0, 1.0], w=[0.1, 0.2, -0.3], b=0.0, alpha=0.1)
    assert ex.check(solutions.loop_step).passed
    assert "never divides by m" in ex.check(loop_with(divide=False)).hints[0]


# --- lecture 2: vectorized -----------------------------------------------------------------


def sigma(Z):
    return 1 / (1 + np.exp(-Z))


def cost(Y, A):
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))


def dw_transposed(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A - Y
    return w.T @ X + b, A, dZ, dZ @ X.T / m, np.sum(dZ) / m, cost(Y, A)


def dw_without_transpose(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A - Y
    return w.T @ X + b, A, dZ, X @ dZ / m, np.sum(dZ) / m, cost(Y, A)


def dw_elementwise(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A - Y
    return w.T @ X + b, A, dZ, X * dZ / m, np.sum(dZ) / m, cost(Y, A)


def no_one_over_m(X, Y, w, b):
    A = sigma(w.T @ X + b)
    dZ = A - Y
    return w.T @ X + b, A, dZ, X @ dZ.T, np.sum(dZ), cost(Y, A)


def dZ_is_A(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A
    return w.T @ X + b, A, dZ, X @ dZ.T / m, np.sum(dZ) / m, cost(Y, A)


def with_a_loop(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A - Y
    dw = np.zeros_like(w)
    for i in range(m):
        dw += X[:, i : i + 1] * dZ[0, i]
    return w.T @ X + b, A, dZ, dw / m, np.sum(dZ) / m, cost(Y, A)


def dw_per_example_and_feature(X, Y, w, b):
    m = X.shape[1]
    A = sigma(w.T @ X + b)
    dZ = A - Y
    return w.T @ X + b, A, dZ, X.T * dZ.T / m, np.sum(dZ) / m, cost(Y, A)


def rows_with_X_dZ(X, y, w, b):
    m = X.shape[0]
    A = sigma(X @ w + b)
    dZ = A - y
    return X @ w + b, A, dZ, X @ dZ / m, np.mean(dZ), cost(y, A)


def rows_on_the_columns_exercise(X, Y, w, b):
    return solutions.vectorized_step_rows(X.T, Y.ravel(), w.ravel(), b)


def no_sigmoid(X, Y, w, b):
    m = X.shape[1]
    A = w.T @ X + b
    dZ = A - Y
    return w.T @ X + b, A, dZ, X @ dZ.T / m, np.sum(dZ) / m, cost(Y, A)


def column_w_on_the_rows_exercise(X, y, w, b):
    m = X.shape[0]
    Z = X @ w.reshape(-1, 1) + b
    A = sigma(Z)
    dZ = A - y  # (m, 1) − (m,): an m × m table
    return Z, A, dZ, X.T @ dZ / m, np.mean(dZ), cost(y, A)


def test_the_vectorized_exercises_accept_their_solutions_in_both_conventions() -> None:
    feedback = exercises.vectorized_step.check(solutions.vectorized_step)
    assert feedback.passed, feedback
    assert exercises.vectorized_step_rows.check(solutions.vectorized_step_rows).passed
    assert exercises.vectorized_step.given["X"].shape == (3, 5)  # n × m, the course's
    assert exercises.vectorized_step_rows.given["X"].shape == (5, 3)
    assert set(exercises.vectorized_step_rows.given) == {"X", "y", "w", "b"}


@pytest.mark.parametrize(
    ("step", "fragments"),
    [
        (dw_transposed, ["dw has shape (1, 3) = (1, n); expected (3, 1) = (n, 1)", "transpose"]),
        (dw_without_transpose, ["raised ValueError: matmul", "needs a transpose (.T)"]),
        (dw_elementwise, ["dw has shape (3, 5) = (n, m)", "elementwise product (*)"]),
        (dw_per_example_and_feature, ["dw has shape (5, 3) = (m, n)", "elementwise product"]),
        (no_one_over_m, ["dw = [[", "is m times too large", "db = "]),
        (dZ_is_A, ["equals A, the activations: dZ = A − Y", "is computed from A"]),
        (with_a_loop, ["has a loop (a for-loop, line"]),
        (rows_on_the_columns_exercise, ["Z has shape (5,) = (m,)", "rows convention"]),
        (no_sigmoid, ["A = ", "equals Z: the sigmoid is missing", "numpy warned"]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_each_vectorized_mistake_gets_its_hint(step, fragments: list[str]) -> None:
    feedback = exercises.vectorized_step.check(step)
    assert not feedback.passed
    text = "\n".join(feedback.hints)
    for fragment in fragments:
        assert fragment in text, text


def dZ_is_A_and_no_one_over_m(X, Y, w, b):
    A = sigma(w.T @ X + b)
    dZ = A
    return w.T @ X + b, A, dZ, X @ dZ.T, np.sum(dZ) / X.shape[1], cost(Y, A)


def test_two_mistakes_in_one_result_are_both_named() -> None:
    feedback = exercises.vectorized_step.check(dZ_is_A_and_no_one_over_m)
    (dw_hint,) = [h for h in feedback.hints if h.startswith("dw = ")]
    assert "for your dZ: the 1/m is missing, and your dZ is not right either" in dw_hint


def test_a_loop_with_right_numbers_still_fails_and_says_so() -> None:
    feedback = exercises.vectorized_step.check(with_a_loop)
    assert feedback.summary == "the numbers are right, but not vectorized."


def test_the_rows_exercise_names_a_missing_transpose() -> None:
    feedback = exercises.vectorized_step_rows.check(rows_with_X_dZ)
    assert "rows_with_X_dZ raised ValueError: matmul" in feedback.hints[0]
    assert "of rows_with_X_dZ: return X @ w + b, A, dZ, X @ dZ / m" in feedback.hints[0]
    assert "Here Z = X·w + b and dw = Xᵀ·dZ / m." in feedback.hints[1]


def test_the_rows_exercise_explains_an_m_by_m_table() -> None:
    feedback = exercises.vectorized_step_rows.check(column_w_on_the_rows_exercise)
    assert "dZ has shape (5, 5) = (m, m)" in "\n".join(feedback.hints)
    assert "numpy broadcast a column against a row" in "\n".join(feedback.hints)


def test_one_entry_arrays_for_db_and_J_are_accepted() -> None:
    def course_style(X, Y, w, b):
        Z, A, dZ, dw, db, J = solutions.vectorized_step(X, Y, w, b)
        return Z, A, dZ, dw, np.array([[db]]), np.squeeze(J)

    assert exercises.vectorized_step.check(course_style).passed


def test_vectorized_misuse_raises_and_bad_returns_give_feedback() -> None:
    ex = exercises.vectorized_step
    with pytest.raises(TypeError, match=r"check\(step\): expected your function"):
        ex.check("step")
    with pytest.raises(TypeError, match=r"cannot be called as step\(X, Y, w, b\)"):
        ex.check(lambda X: X)
    with pytest.raises(ValueError, match="'columns' or 'rows', got 'cols'"):
        exercises.VectorizedStep("cols")
    with pytest.raises(ValueError, match=r"VectorizedStep\(Y=...\): expected 2 axes, got shape"):
        exercises.VectorizedStep("columns", X=np.ones((2, 3)), Y=np.ones(3), w=np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"needs Y of shape \(1, 3\) and w of shape \(2, 1\)"):
        exercises.VectorizedStep("columns", X=np.ones((2, 3)), Y=np.ones((1, 2)), w=np.ones((2, 1)))
    feedback = ex.check(lambda X, Y, w, b: (1, 2, 3))
    assert feedback.hints == [
        "your function returned 3 values; it must return 6: (Z, A, dZ, dw, db, J)."
    ]
    feedback = ex.check(lambda X, Y, w, b: ("Z", 0, 0, 0, 0, 0))
    assert "Z is not an array of numbers: got str." in feedback.hints


# --- a new op ------------------------------------------------------------------------------


class LocalOnly(ag.Node):
    def forward_step(self, z):
        return np.tanh(z)

    def backward_step(self, da):
        return (1 - self.value**2,)  # the local derivative, da forgotten


class WrongSign(LocalOnly):
    def backward_step(self, da):
        return (-da * (1 - self.value**2),)


class NoTuple(LocalOnly):
    def backward_step(self, da):
        return da * (1 - self.value**2)


class SummedTooEarly(LocalOnly):
    def backward_step(self, da):
        return (np.sum(da * (1 - self.value**2)),)


class SigmoidsDerivative(LocalOnly):
    def backward_step(self, da):
        return (da * self.value * (1 - self.value),)


class InputForOutput(LocalOnly):
    def backward_step(self, da):
        z = self.inputs[0].value
        return (da * (1 - z * z),)


class ArraysOnly(LocalOnly):
    def backward_step(self, da):
        return (da * (np.ones(self.value.shape) - self.value**2),)


class SigmoidForward(LocalOnly):
    def forward_step(self, z):
        return 1 / (1 + np.exp(-z))


class Unfinished(ag.Node):
    def forward_step(self, z):
        raise NotImplementedError

    def backward_step(self, da):
        raise NotImplementedError


class SquareWithoutTwo(ag.Node):
    def forward_step(self, z):
        return z * z

    def backward_step(self, da):
        return (da * self.inputs[0].value,)


def test_the_op_exercises_accept_their_solutions_as_classes_or_functions() -> None:
    feedback = exercises.tanh_op.check(solutions.Tanh)
    assert feedback.passed
    assert str(feedback) == "✓ A new op: tanh: forward and backward are right; gradcheck passes."
    assert exercises.tanh_op.check(lambda z: solutions.Tanh(z, name="a")).passed
    assert exercises.square_op.check(solutions.Square).passed
    assert exercises.tanh_op.given["formula"] == "a = tanh(z)"


def test_an_op_without_the_upstream_gradient_is_reported_entry_by_entry() -> None:
    feedback = exercises.tanh_op.check(LocalOnly)
    assert not feedback.passed
    report, hint = feedback.hints
    g = exercises.tanh_op.given
    z, da = g["z"], g["da"]
    assert report.startswith("gradcheck: 5 of 5 entries of dz differ from central differences")
    for i in range(5):  # the index, the analytic and the numerical derivative of each entry
        analytic, numerical = 1 - np.tanh(z[i]) ** 2, da[i] * (1 - np.tanh(z[i]) ** 2)
        assert (
            f"z[{i}] = {z[i]:.6g}, da = {da[i]:.6g}: your backward gives dz = {analytic:.6g}, "
            f"numerically {numerical:.6g}"
        ) in report
    assert "returns the local derivative ∂a/∂z without multiplying by the upstream" in hint


@pytest.mark.parametrize(
    ("op", "fragment"),
    [
        (WrongSign, "Your dz has the wrong sign"),
        (NoTuple, "return (dz,), with the comma"),
        (SummedTooEarly, "dz must have z's shape"),
        (SigmoidsDerivative, "that is σ's derivative, not tanh's"),
        (InputForOutput, "uses the input z where the output a belongs"),
        (ArraysOnly, "the engine passes a Python float"),
        (SigmoidForward, "forward_step: at z = -1.5 yours gives a = 0.182426"),
        (Unfinished, "is not written yet"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_each_op_mistake_gets_its_hint(op: type[ag.Node], fragment: str) -> None:
    feedback = exercises.tanh_op.check(op)
    assert not feedback.passed
    assert any(fragment in hint for hint in feedback.hints), feedback


def test_the_square_op_knows_the_missing_factor_2() -> None:
    feedback = exercises.square_op.check(SquareWithoutTwo)
    assert "the derivative of z² has a factor 2" in feedback.hints[-1]


def test_op_misuse_raises_and_a_function_that_builds_no_node_gets_feedback() -> None:
    with pytest.raises(TypeError, match=r"check\(op\): got a node, Tanh 'a'; pass the class"):
        exercises.tanh_op.check(solutions.Tanh(ag.Variable(1.0), name="a"))
    with pytest.raises(TypeError, match=r"int is not a subclass of autograd_lite\.Node"):
        exercises.tanh_op.check(int)
    with pytest.raises(TypeError, match=r"check\(op\): expected your function op\(z\)"):
        exercises.tanh_op.check(1.5)
    feedback = exercises.tanh_op.check(lambda z: np.tanh(z.value))
    assert feedback.hints == ["<lambda>(z) returned ndarray, not a node of the graph."]
    assert exercises.tanh_op.check(None).summary == "not answered yet."


# --- feedback ------------------------------------------------------------------------------


def test_feedback_prints_for_a_terminal_and_escapes_for_a_notebook() -> None:
    def shouts(X, y, w, b, alpha):
        raise ValueError("<script>alert('{x}')</script>")

    feedback = exercises.loop_step.check(shouts)
    assert not feedback
    assert str(feedback).startswith("✗ Gradient descent on m examples, with a loop: ")
    assert "raised ValueError: <script>alert('{x}')</script>" in str(feedback)  # data, not a format
    page = feedback._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.startswith('<div style="border-left: 4px solid #c62828')
    assert "#2e7d32" in exercises.tanh_op.check(solutions.Tanh)._repr_html_()


def test_the_exercises_are_reachable_from_the_package() -> None:
    assert ag.exercises is exercises
    assert exercises.one_example_backward is ag.exercises.one_example_backward


# --- numbers too large for float64 (issue 19) ----------------------------------------------------


@given(digits=st.integers(310, 2000), sign=st.sampled_from([1, -1]))
def test_check_refuses_an_answer_too_large_for_float64_naming_it(digits, sign):
    huge = sign * 10 ** (digits - 1)
    with pytest.raises(ValueError, match=rf"^check\(da=...\): an integer of {digits} digits is "
                       r"too large for float64"):
        exercises.one_example_backward.check(da=huge, dz=None, dw1=None, dw2=None, db=None)


@pytest.mark.parametrize("name", ["x1", "x2", "w1", "w2", "b", "y"])
def test_one_example_backward_refuses_a_given_number_too_large_for_float64_naming_it(name):
    with pytest.raises(ValueError, match=rf"^OneExampleBackward\({name}=...\): an integer of "
                       r"401 digits is too large for float64"):
        exercises.OneExampleBackward(**{name: 10**400})


def test_a_given_array_with_an_integer_too_large_for_float64_is_named():
    with pytest.raises(ValueError, match=r"an integer of 401 digits is too large for float64"):
        exercises.LoopStep(X=[[10**400, 1.0], [1.0, 2.0]], y=[0, 1], w=[0.0, 0.0])
