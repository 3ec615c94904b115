"""LogisticRegression: built from the engine's graphs, held to a hand-written numpy reference."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import time
import warnings
import zipfile
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd_lite.datasets import load_breast_cancer
from autograd_lite.demo import prepare
from autograd_lite.logistic import GradientStep, LogisticRegression

# --- a hand-written numpy reference: the lecture's vectorized formulas ---------------------------


def numpy_gradients(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float):
    z = X @ w + b
    A = 1.0 / (1.0 + np.exp(-z))
    # J = mean(−(y log A + (1 − y) log(1 − A))), with log σ(z) = −log(1 + e^(−z)) kept exact.
    J = float(np.mean(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))
    dw = X.T @ (A - y) / len(y)
    db = float(np.mean(A - y))
    return J, dw, db


def numpy_descent(X, y, alpha, steps, w=None, b=0.0):
    w = np.zeros(X.shape[1]) if w is None else np.array(w, dtype=float)
    costs = []
    for _ in range(steps):
        J, dw, db = numpy_gradients(X, y, w, b)
        costs.append(J)
        w, b = w - alpha * dw, b - alpha * db
    return w, b, costs


def assert_relative(actual, expected, rtol=1e-10, size=0.0):
    """|actual − expected| ≤ rtol · scale, entrywise, scale = max(max|expected|, size).

    ``size`` is the size of the terms that were summed, for results that cancel to about 0
    (a gradient that is exactly 0 in real numbers comes out as ±1e-18 after rounding).
    """
    actual, expected = np.atleast_1d(actual), np.atleast_1d(expected)
    scale = max(float(np.max(np.abs(expected))), size)
    assert np.max(np.abs(actual - expected)) <= rtol * scale, (actual, expected)


@st.composite
def datasets(draw):
    m = draw(st.integers(2, 8))
    n = draw(st.integers(1, 4))
    X = draw(arrays(np.float64, (m, n), elements=st.floats(-5, 5, allow_subnormal=False)))
    y = draw(arrays(np.int64, m, elements=st.integers(0, 1)))
    y[0], y[1] = 0, 1  # both classes present
    return X, y


def small_data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.normal(size=40) > 0).astype(int)
    return X, y


# --- the same numbers, three ways -------------------------------------------------------------

# The lecture's two loops (per-feature nodes), one loop removed (a vector product per example),
# and no loop at all.
THREE_WAYS = (("loop", "features"), ("loop", "vector"), ("vectorized", "features"))


@given(datasets(), st.integers(1, 6), st.floats(0.01, 2.0))
def test_loop_equals_vectorized_equals_numpy_after_several_steps(data, steps, alpha):
    X, y = data
    w, b, costs = numpy_descent(X, y.astype(float), alpha, steps)
    for method, loop_form in THREE_WAYS:
        model = LogisticRegression(
            learning_rate=alpha, max_iter=steps, method=method, loop_form=loop_form
        )
        model.fit(X, y)
        assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
        # Each step moves a parameter by at most α·max(|x|, 1), since |a − y| ≤ 1.
        size = alpha * steps * max(float(np.max(np.abs(X))), 1.0)
        assert_relative(np.append(model.coef_[0], model.intercept_), np.append(w, b), size=size)
        assert len(model.loss_curve_) == model.n_iter_ == steps
        assert_relative(model.loss_curve_, costs)


@given(datasets(), st.sampled_from(THREE_WAYS))
def test_gradients_are_the_lecture_formulas_at_every_step(data, way):
    X, y = data
    steps: list[GradientStep] = []
    alpha = 0.5
    method, loop_form = way
    LogisticRegression(learning_rate=alpha, max_iter=4, method=method, loop_form=loop_form).fit(
        X, y, callback=steps.append
    )
    assert [s.iteration for s in steps] == [0, 1, 2, 3]
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        A = 1.0 / (1.0 + np.exp(-(X @ step.w + step.b)))
        size = max(float(np.max(np.abs(X))), 1.0)  # |x_j(i)·dz(i)| ≤ max|x|
        assert_relative(step.dw, X.T @ (A - y) / len(y), rtol=1e-12, size=size)  # Xᵀ(A − y)/m
        assert_relative(step.db, np.mean(A - y), rtol=1e-12, size=1.0)  # mean(A − y)
        if following is not None:  # the update really used these gradients
            np.testing.assert_array_equal(following.w, step.w - alpha * step.dw)
            assert following.b == step.b - alpha * step.db


def test_first_cost_from_zeros_is_log_2_and_curve_has_one_entry_per_iteration():
    X, y = small_data()
    model = LogisticRegression(max_iter=7).fit(X, y)
    assert model.loss_curve_[0] == pytest.approx(math.log(2), rel=1e-15)
    assert len(model.loss_curve_) == model.n_iter_ == 7
    assert all(later < earlier for earlier, later in itertools.pairwise(model.loss_curve_))


@pytest.mark.parametrize(("method", "loop_form"), THREE_WAYS)
def test_fit_starts_from_coef_init_and_intercept_init(method, loop_form):
    X, y = small_data()
    w0, b0 = np.array([0.3, -0.2, 0.1]), -0.4
    steps = []
    model = LogisticRegression(max_iter=3, method=method, loop_form=loop_form).fit(
        X, y, coef_init=w0.reshape(1, 3), intercept_init=[b0], callback=steps.append
    )
    np.testing.assert_array_equal(steps[0].w, w0)
    assert steps[0].b == b0
    w, b, costs = numpy_descent(X, y.astype(float), 0.1, 3, w0, b0)
    assert_relative(np.append(model.coef_[0], model.intercept_), np.append(w, b))
    assert_relative(model.loss_curve_, costs)


def test_tol_stops_once_a_step_lowers_the_cost_by_less_than_tol():
    X, y = small_data()
    model = LogisticRegression(learning_rate=0.5, max_iter=5000, tol=1e-4).fit(X, y)
    curve = model.loss_curve_
    assert 1 < model.n_iter_ < 5000
    assert curve[-2] - curve[-1] < 1e-4
    assert all(earlier - later >= 1e-4 for earlier, later in itertools.pairwise(curve[:-1]))


def test_verbose_prints_the_cost_every_k_iterations(capsys):
    X, y = small_data()
    LogisticRegression(max_iter=25, verbose=10).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Cost after iteration 0",
        "Cost after iteration 10",
        "Cost after iteration 20",
    ]
    assert lines[0] == "Cost after iteration 0: 0.693147"


# --- predictions -------------------------------------------------------------------------------


def test_predict_proba_columns_follow_classes_and_predict_agrees():
    X, y = small_data()
    labels = np.where(y == 1, "yes", "no")
    model = LogisticRegression(learning_rate=0.5, max_iter=200).fit(X, labels)
    assert model.classes_.tolist() == ["no", "yes"]
    proba = model.predict_proba(X)
    assert proba.shape == (40, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    z = X @ model.coef_[0] + model.intercept_[0]
    np.testing.assert_allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_array_equal(model.predict(X), np.where(proba[:, 1] > 0.5, "yes", "no"))
    assert model.score(X, labels) >= 0.9


@pytest.mark.parametrize(
    ("labels", "classes"),
    [
        ([False, True], [False, True]),
        ([0, 1], [0, 1]),
        ([-1, 1], [-1, 1]),
        (["benign", "malignant"], ["benign", "malignant"]),
    ],
)
def test_any_two_labels_work_and_classes_are_sorted(labels, classes):
    X, y01 = small_data()
    y = np.array(labels)[y01]
    model = LogisticRegression(learning_rate=0.5, max_iter=100).fit(X, y)
    assert model.classes_.tolist() == classes
    assert model.n_features_in_ == 3
    assert set(model.predict(X).tolist()) <= set(classes)
    assert model.score(X, y) >= 0.9


def test_setting_coef_and_intercept_by_hand_changes_predictions():
    X, y = small_data()
    model = LogisticRegression(max_iter=50).fit(X, y)
    model.coef_ = -model.coef_
    model.intercept_ = -model.intercept_
    assert model.score(X, y) <= 0.1
    model.coef_ = np.zeros((1, 3))
    model.intercept_ = np.array([2.0])
    np.testing.assert_allclose(model.predict_proba(X[:1]), [[1 / (1 + math.e**2),
                                                            1 / (1 + math.e**-2)]])


def test_example_graph_is_the_lectures_one_example_graph_with_fitted_values():
    X, y = small_data()
    model = LogisticRegression(max_iter=20).fit(X, y)
    L = model.example_graph(X[0], y[0])
    L.backward()
    grads = L.gradients()
    a = model.predict_proba(X[:1])[0, 1]
    assert grads["dz"] == pytest.approx(a - y[0], rel=1e-12)
    for j in range(3):
        assert grads[f"dw{j + 1}"] == pytest.approx(X[0, j] * (a - y[0]), rel=1e-12)
    assert grads["db"] == grads["dz"]


def test_decision_function_is_x_dot_w_plus_b_bit_for_bit_where_it_does_not_overflow():
    X, y = small_data()
    model = LogisticRegression(max_iter=30).fit(X, y)
    z = model.decision_function(X)
    np.testing.assert_array_equal(z, X @ model.coef_[0] + model.intercept_[0])


def exact_z(x, w, b):
    """z = x·w + b in exact rational arithmetic: the truth a float result is judged by."""
    return sum((Fraction(v) * Fraction(u) for v, u in zip(x, w, strict=True)), Fraction(b))


huge = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 3)), elements=huge),
    st.data(),
)
def test_the_sign_of_z_is_right_even_where_x_dot_w_overflows(X, data):
    n = X.shape[1]
    w = data.draw(arrays(np.float64, n, elements=huge))
    b = data.draw(huge)
    model = LogisticRegression(max_iter=1).fit(np.eye(2, n) if n > 1 else [[0.0], [1.0]], [0, 1])
    model.coef_, model.intercept_ = w.reshape(1, n), np.array([b])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        z = model.decision_function(X)
        proba = model.predict_proba(X)
    assert not np.isnan(z).any() and not np.isnan(proba).any()
    for x, z_i, p in zip(X, z, proba, strict=True):
        exact = exact_z(x, w, b)
        # Each term is rounded once (relative error 2⁻⁵³, or 2⁻¹⁰⁷⁴ where it underflows), the
        # sum n times more: a sign can only be wrong for a z within that rounding of 0.
        size = sum(abs(Fraction(v) * Fraction(u)) for v, u in zip(x, w, strict=True))
        size += abs(Fraction(b))
        rounding = size * Fraction(n + 2, 2**52) + Fraction(n + 2, 2**1074)
        if abs(exact) > rounding:
            assert (z_i > 0) == (exact > 0), (x, w, b, z_i, exact)
            assert p[1] >= 0.5 if exact > 0 else p[1] <= 0.5  # σ(1e-300) rounds to 0.5
        if abs(exact) - rounding > 2 * Fraction(np.finfo(np.float64).max):
            assert np.isinf(z_i)


@given(st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_score_with_whole_weights_is_the_score_on_the_examples_repeated(counts):
    X, y = small_data()
    model = LogisticRegression(max_iter=20).fit(X, y)
    X, y = X[:6], y[:6]
    assume(sum(counts) > 0)  # all 0 is refused (see the catalogue)
    repeated = np.repeat(np.arange(6), counts)
    assert model.score(X, y, sample_weight=counts) == pytest.approx(
        model.score(X[repeated], y[repeated]), rel=1e-15
    )


def test_feature_names_are_recorded_by_partial_fit_and_checked_by_every_later_call():
    pd = pytest.importorskip("pandas")
    X, y = small_data()
    frame = pd.DataFrame(X, columns=["radius", "texture", "area"])
    model = LogisticRegression().partial_fit(frame, y, classes=[0, 1])
    assert model.feature_names_in_.tolist() == ["radius", "texture", "area"]
    model.partial_fit(frame, y)  # the same names: no warning (warnings are errors here)
    model.predict(frame)
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        model.cost(frame[["area", "radius", "texture"]], y)
    assert model.n_iter_ == 2


# --- scikit-learn conventions and interop ----------------------------------------------------


def test_constructor_only_stores_parameters_and_get_set_params_round_trip():
    model = LogisticRegression(learning_rate=-1.0, method="nonsense")  # checked in fit
    assert model.get_params() == {
        "learning_rate": -1.0,
        "max_iter": 1000,
        "method": "nonsense",
        "loop_form": "features",
        "tol": None,
        "verbose": 0,
        "batch_size": None,
        "shuffle": True,
        "random_state": None,
    }
    assert model.set_params(learning_rate=0.3, method="loop") is model
    assert (model.learning_rate, model.method) == (0.3, "loop")
    assert repr(model) == "LogisticRegression(learning_rate=0.3, method='loop')"
    with pytest.raises(ValueError, match=r"invalid parameter 'alpha'.*learning_rate"):
        model.set_params(alpha=0.1)


def test_sklearn_clone_pipeline_and_cross_val_score():
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, _ = load_breast_cancer()
    model = LogisticRegression(learning_rate=0.5, max_iter=300)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert is_classifier(model)

    pipeline = make_pipeline(StandardScaler(), model).fit(X, y)
    assert pipeline.score(X, y) >= 0.97
    assert not hasattr(model, "coef_") or model is pipeline[-1]  # the pipeline fits its own step

    scores = cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() >= 0.93


def test_sklearn_check_is_fitted_sees_fitted_state():
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError
    from sklearn.utils.validation import check_is_fitted

    model = LogisticRegression(max_iter=2)
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(model)
    check_is_fitted(model.fit(*small_data()))


def test_accuracy_on_the_shipped_data_is_within_two_points_of_sklearn():
    from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression

    data = prepare(*load_breast_cancer())
    ours = LogisticRegression(learning_rate=0.1, max_iter=1000).fit(data.X_train, data.y_train)
    reference = SklearnLogisticRegression().fit(data.X_train, data.y_train)
    ours_test = ours.score(data.X_test, data.y_test)
    reference_test = reference.score(data.X_test, data.y_test)
    assert abs(ours_test - reference_test) <= 0.02, (ours_test, reference_test)
    assert ours_test >= 0.95


# --- saving without pickle ----------------------------------------------------------------------


@pytest.mark.parametrize("labels", [[0, 1], [False, True], ["benign", "malignant"], [-1.5, 2.5]])
def test_save_and_load_round_trip(tmp_path, labels):
    X, y01 = small_data()
    y = np.array(labels)[y01]
    model = LogisticRegression(learning_rate=0.3, max_iter=40, method="loop", tol=1e-9).fit(X, y)
    path = model.save(tmp_path / "model")
    assert path == tmp_path / "model.npz"
    with np.load(path, allow_pickle=False) as archive:  # no object arrays in the file
        assert archive["classes"].dtype.kind in "biufU"
    loaded = LogisticRegression.load(path)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    np.testing.assert_array_equal(loaded.intercept_, model.intercept_)
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert loaded.classes_.dtype == model.classes_.dtype
    np.testing.assert_array_equal(loaded.loss_curve_, model.loss_curve_)  # an array, as saved
    assert loaded.n_iter_ == model.n_iter_
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def _saved_arrays(tmp_path):
    model = LogisticRegression(max_iter=3).fit(*small_data())
    with np.load(model.save(tmp_path / "good.npz"), allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("coef"), "missing keys \\['coef'\\]"),
        (lambda d: d.update(weights=np.zeros(3)), "unexpected keys \\['weights'\\]"),
        (lambda d: d.update(coef=np.zeros((2, 3))), "'coef' must have shape \\(1, n\\)"),
        (lambda d: d.update(coef=np.zeros(3)), "'coef' must have shape \\(1, n\\)"),
        (lambda d: d.update(intercept=np.zeros((1, 1))), "'intercept' must have shape \\(1,\\)"),
        (lambda d: d.update(coef=np.array([[0.0, np.nan, 1.0]])), "'coef' holds NaN or inf"),
        (lambda d: d.update(intercept=np.array([np.inf])), "'intercept' holds NaN or inf"),
        (lambda d: d.update(classes=np.array([0, 1, 2])), "'classes' must be two labels"),
        (lambda d: d.update(classes=np.array([1, 1])), "two different labels"),
        (lambda d: d.update(classes=np.array([0, 1], dtype=object)), "holds Python objects"),
        (lambda d: d.update(params=np.array('{"max_iter": 0}')), "'params' must name exactly"),
        (lambda d: d.update(format=np.array("something else")), "format 'something else'"),
    ],
)
def test_a_tampered_file_is_a_clear_error(tmp_path, change, message):
    arrays_ = _saved_arrays(tmp_path)
    change(arrays_)
    path = tmp_path / "tampered.npz"
    np.savez(path, **arrays_)  # object arrays are pickled by np.savez; load must refuse them
    with pytest.raises(ValueError, match=message):
        LogisticRegression.load(path)


def test_loading_a_file_that_is_not_a_model_is_a_clear_error(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("not an archive")
    with pytest.raises(ValueError, match="not a saved LogisticRegression"):
        LogisticRegression.load(text)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match=r"single .npy array"):
        LogisticRegression.load(single)


def test_a_file_whose_classes_are_not_sorted_is_refused_not_flipped(tmp_path):
    # classes_ is sorted; a reversed pair would silently swap every prediction.
    arrays_ = _saved_arrays(tmp_path)
    arrays_["classes"] = np.array([1, 0])
    path = tmp_path / "reversed.npz"
    np.savez(path, **arrays_)
    with pytest.raises(ValueError, match=r"'classes' must be sorted"):
        LogisticRegression.load(path)


def test_a_corrupted_member_is_a_value_error_naming_the_file(tmp_path):
    model = LogisticRegression(max_iter=3).fit(*small_data())
    path = model.save(tmp_path / "model.npz")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte inside the archive's stored data
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"model\.npz: .*damaged") as caught:
        LogisticRegression.load(path)
    assert "pickle" not in str(caught.value) and "objects" not in str(caught.value)


def test_a_text_file_is_reported_as_not_a_model_file_in_our_words(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    message = r"notes\.txt: not a saved LogisticRegression model \(\.npz\) file"
    with pytest.raises(ValueError, match=message) as caught:
        LogisticRegression.load(path)
    assert "pickle" not in str(caught.value)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 0, 1, 1], dtype=object),
        np.array([False, False, True, True], dtype=object),
        np.array([-0.5, -0.5, 2.5, 2.5], dtype=object),
        np.array(["no", "no", "yes", "yes"], dtype=object),
    ],
)
def test_numbers_bools_and_strings_in_an_object_array_save_and_round_trip(tmp_path, labels):
    X = np.array([[0.0], [0.5], [2.0], [3.0]])
    model = LogisticRegression(learning_rate=0.5, max_iter=20).fit(X, labels)
    assert model.classes_.dtype.kind == "O"
    loaded = LogisticRegression.load(model.save(tmp_path / "model"))
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert [type(c) for c in loaded.classes_.tolist()] == [type(c) for c in labels[[0, 2]].tolist()]
    assert loaded.predict(X).tolist() == model.predict(X).tolist()


def test_object_labels_of_other_kinds_are_still_refused_at_save(tmp_path):
    model = LogisticRegression(max_iter=2).fit([[0.0], [1.0]], [0, 1])
    model.classes_ = np.array([None, (1, 2)], dtype=object)
    with pytest.raises(ValueError, match=r"cannot save classes_ of dtype object"):
        model.save(tmp_path / "model")
    assert not list(tmp_path.iterdir())


def test_saving_to_an_existing_folder_is_an_error_not_a_sibling_file(tmp_path):
    model = LogisticRegression(max_iter=2).fit([[0.0], [1.0]], [0, 1])
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=r"models is a folder"):
        model.save(folder)
    assert [p.name for p in tmp_path.iterdir()] == ["models"] and not list(folder.iterdir())


@pytest.mark.parametrize("name", ["model.NPZ", "model.Npz", "model.npz"])
def test_the_npz_suffix_is_recognised_in_any_case(tmp_path, name):
    model = LogisticRegression(max_iter=2).fit([[0.0], [1.0]], [0, 1])
    path = model.save(tmp_path / name)
    assert path == tmp_path / name
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert LogisticRegression.load(path).classes_.tolist() == [0, 1]


def test_save_refuses_classes_set_by_hand_out_of_order(tmp_path):
    model = LogisticRegression(max_iter=2).fit(*small_data())
    model.classes_ = model.classes_[::-1]  # would swap every prediction once loaded
    refused = r"cannot save classes_ = \[1, 0\]: it must be two labels, sorted"
    with pytest.raises(ValueError, match=refused):
        model.save(tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("loop_form", ["features", "vector"])
def test_the_loop_and_the_vectorized_graph_agree_to_1e_10(loop_form):
    X, y = small_data()
    loop = LogisticRegression(max_iter=25, method="loop", loop_form=loop_form).fit(X, y)
    vectorized = LogisticRegression(max_iter=25).fit(X, y)
    np.testing.assert_allclose(loop.coef_, vectorized.coef_, rtol=1e-10, atol=0)
    np.testing.assert_allclose(loop.intercept_, vectorized.intercept_, rtol=1e-10, atol=0)


def test_a_model_saved_before_loop_form_existed_still_loads(tmp_path):
    X, y = small_data()
    path = LogisticRegression(max_iter=2).fit(X, y).save(tmp_path / "model.npz")
    with np.load(path) as archive:
        data = dict(archive)
    params = json.loads(str(data["params"]))
    del params["loop_form"]
    data["params"] = np.array(json.dumps(params))
    old = tmp_path / "old.npz"
    np.savez(old, **data)
    assert LogisticRegression.load(old).loop_form == "features"


def test_a_saved_model_keeps_the_feature_names_it_was_fitted_with(tmp_path):
    pd = pytest.importorskip("pandas")  # installed with the test extra: never skipped in CI
    X, y, names = load_breast_cancer()
    frame = pd.DataFrame((X[:, :3] - X[:, :3].mean(0)) / X[:, :3].std(0), columns=names[:3])
    model = LogisticRegression(max_iter=20).fit(frame, y)
    loaded = LogisticRegression.load(model.save(tmp_path / "model.npz"))
    assert loaded.feature_names_in_.tolist() == names[:3]
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        loaded.predict(frame[frame.columns[::-1]])


# --- hostile input (issue 19) --------------------------------------------------------------------

_X4 = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
_Y4 = np.array([0, 1, 0, 1])

_numbers = st.one_of(st.integers(-5, 5), st.floats(-5.0, 5.0), st.booleans())
_mixed_labels = st.tuples(
    st.lists(_numbers, min_size=1, max_size=3),
    st.lists(st.text(max_size=3), min_size=1, max_size=3),
).flatmap(lambda parts: st.permutations([*parts[0], *parts[1]]))
"""Label lists that mix numbers and strings, in any order."""


@given(labels=_mixed_labels)
def test_fit_refuses_labels_that_mix_strings_and_numbers_as_sklearn_does(labels) -> None:
    X = np.arange(2.0 * len(labels)).reshape(-1, 2)
    with pytest.raises(ValueError, match=r"Mix of label input types \(string and number\)"):
        LogisticRegression(max_iter=1).fit(X, labels)


def test_fit_refuses_an_object_array_of_mixed_labels_in_sklearn_words() -> None:
    labels = np.array([0, "a", 0, "a"], dtype=object)
    with pytest.raises(ValueError, match=r"Mix of label input types \(string and number\)"):
        LogisticRegression(max_iter=1).fit(_X4, labels)


@pytest.mark.parametrize(
    ("fitted", "given", "kinds"),
    [
        (_Y4, _Y4.astype(str), "y holds strings .'0'.*, but the model was fitted on numbers"),
        (_Y4.astype(str), _Y4, "y holds numbers .0.*, but the model was fitted on strings"),
    ],
)
def test_score_refuses_labels_of_another_type_than_the_model_was_fitted_on(
    fitted, given, kinds
) -> None:
    model = LogisticRegression(max_iter=3).fit(_X4, fitted)
    mix = r"Mix of label input types \(string and number\): "
    with pytest.raises(ValueError, match=mix + kinds):
        model.score(_X4, given)


def test_fit_refuses_an_integer_too_large_for_float64_naming_its_entry() -> None:
    X = [[1.0, 2.0], [10**400, 1.0], [3.0, 4.0], [5.0, 6.0]]
    too_large = r"X\[1, 0\] is an integer of 401 digits, too large for float64"
    with pytest.raises(ValueError, match=too_large):
        LogisticRegression(max_iter=1).fit(X, _Y4)


@pytest.mark.parametrize("batch_size", [None, 2])
@pytest.mark.parametrize("callback", [5, "print", [print]])
def test_fit_refuses_a_callback_that_cannot_be_called_before_any_step(
    batch_size, callback
) -> None:
    model = LogisticRegression(max_iter=3, batch_size=batch_size)
    refused = rf"fit: callback must be callable .*, got {re.escape(repr(callback))}"
    with pytest.raises(TypeError, match=refused):
        model.fit(_X4, _Y4, callback=callback)
    assert not hasattr(model, "coef_")


@pytest.mark.parametrize("batch_size", [None, 2])
@pytest.mark.parametrize("what", ["X", "y"])
def test_fit_refuses_a_generator_saying_it_is_one(batch_size, what) -> None:
    data = {"X": _X4, "y": _Y4}
    data[what] = (row for row in data[what])
    with pytest.raises(TypeError, match=rf"{what} is a generator: .* list\({what}\)"):
        LogisticRegression(max_iter=1, batch_size=batch_size).fit(data["X"], data["y"])


def test_partial_fit_and_predict_refuse_an_iterator_saying_it_is_one() -> None:
    with pytest.raises(TypeError, match=r"X is an iterator \(list_iterator\)"):
        LogisticRegression().partial_fit(iter(_X4.tolist()), _Y4, classes=[0, 1])
    model = LogisticRegression(max_iter=1).fit(_X4, _Y4)
    with pytest.raises(TypeError, match=r"X is a generator"):
        model.predict(row for row in _X4)


# --- what a model file may hold, checked before reading it (issue 19) -----------------------------


def _with_member(tmp_path, key, shape, descr="<f8", data=b""):
    """The saved model with member ``key`` replaced by a .npy header claiming ``shape``, and
    ``data`` after it (the header's claim is what load must check, before reading)."""
    arrays_ = _saved_arrays(tmp_path)
    del arrays_[key]
    header = io.BytesIO()
    np.lib.format.write_array_header_2_0(
        header, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    path = tmp_path / "oversized.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays_.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, value)
            archive.writestr(name + ".npy", member.getvalue())
        archive.writestr(key + ".npy", header.getvalue() + data)
    return path


_LIMIT = 2**26


@given(
    key=st.sampled_from(["coef", "intercept", "classes", "loss_curve", "params", "format"]),
    shape=st.one_of(
        st.tuples(st.integers(_LIMIT // 8 + 1, 10**15)),
        st.tuples(st.just(1), st.integers(_LIMIT // 8 + 1, 10**11)),
        st.tuples(st.integers(2**20, 2**40), st.integers(2**20, 2**40)),
    ),
)
def test_load_refuses_a_member_too_large_before_reading_it_naming_file_and_member(
    tmp_path_factory, key, shape
):
    path = _with_member(tmp_path_factory.mktemp("m"), key, shape)
    started = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        LogisticRegression.load(path)
    assert time.perf_counter() - started < 1.0
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert f"its member '{key}.npy' claims an array of shape {shape}" in message
    assert "more than a saved model may hold (64 MiB an array)" in message


def test_load_refuses_a_header_claiming_shape_1_by_10_to_the_11_not_numpys_memory_error(
    tmp_path,
):
    path = _with_member(tmp_path, "coef", (1, 10**11))
    with pytest.raises(ValueError, match=r"its member 'coef.npy' claims an array of shape "
                       r"\(1, 100000000000\) and dtype float64 \(745 GiB\)"):
        LogisticRegression.load(path)


def test_load_refuses_a_member_whose_data_is_shorter_than_its_header_claims(tmp_path):
    path = _with_member(tmp_path, "loss_curve", (1000,), data=bytes(80))
    with pytest.raises(ValueError, match=r"oversized.npz: the saved model is damaged; "
                       r"its array 'loss_curve' cannot be read"):
        LogisticRegression.load(path)


def test_a_loaded_loss_curve_stays_an_array_as_it_was_saved(tmp_path):
    model = LogisticRegression(max_iter=5).fit(*small_data())
    loaded = LogisticRegression.load(model.save(tmp_path / "model.npz"))
    assert isinstance(loaded.loss_curve_, np.ndarray) and loaded.loss_curve_.dtype == np.float64
    np.testing.assert_array_equal(loaded.loss_curve_, model.loss_curve_)
    loaded.partial_fit(*small_data())  # and goes on, one entry more
    assert len(loaded.loss_curve_) == loaded.n_iter_ == 6


@pytest.mark.parametrize(
    ("params", "refused"),
    [('"max_iter": 0', "max_iter must be an integer >= 1, got 0"),
     ('"learning_rate": "fast"', "learning_rate must be a finite number >= 0, got 'fast'")],
)
def test_a_parameter_the_model_refuses_in_a_file_is_named_with_the_file(
    tmp_path, params, refused
):
    arrays_ = _saved_arrays(tmp_path)
    saved = json.loads(str(arrays_["params"]))
    saved.update(json.loads("{" + params + "}"))
    arrays_["params"] = np.array(json.dumps(saved))
    path = tmp_path / "edited.npz"
    np.savez(path, **arrays_)
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}: 'params' holds a value "
                       rf"the model refuses: {re.escape(refused)}"):
        LogisticRegression.load(path)
