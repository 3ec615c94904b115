"""Mini-batch gradient descent, partial_fit, and training on data read one batch at a time."""

from __future__ import annotations

import argparse
import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd_lite import demo
from autograd_lite.datasets import load_breast_cancer
from autograd_lite.demo import prepare
from autograd_lite.lecture import VectorizedGraph
from autograd_lite.logistic import GradientStep, LogisticRegression
from autograd_lite.minibatch import Examples, batch_rows

# --- references -------------------------------------------------------------------------------


def numpy_gradients(X, y, w, b):
    z = X @ w + b
    A = 1.0 / (1.0 + np.exp(-z))
    J = float(np.mean(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))
    return J, X.T @ (A - y) / len(y), float(np.mean(A - y))


def numpy_minibatch(X, y, alpha, epochs, batch_size, seed=None):
    """Mini-batch gradient descent written out: the order rng.permutation(m) per epoch."""
    m, n = X.shape
    rng = None if seed is None else np.random.default_rng(seed)
    w, b, curve = np.zeros(n), 0.0, []
    for _ in range(epochs):
        order = np.arange(m) if rng is None else rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            rows = order[start : start + batch_size]
            J, dw, db = numpy_gradients(X[rows], y[rows], w, b)
            total += J * len(rows)
            w, b = w - alpha * dw, b - alpha * db
        curve.append(total / m)
    return w, b, curve


def todays_fit(X, y, alpha, steps):
    """The full-batch fit as it was before batch_size: one graph, built once, run again."""
    classes = np.unique(y)
    graph = VectorizedGraph(np.asarray(X, dtype=np.float64), y == classes[1])
    w, b, curve = np.zeros(X.shape[1]), 0.0, []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            J, dw, db = graph.gradients(w, b)
            curve.append(J)
            w, b = w - alpha * dw, b - alpha * db
    return w, b, curve


def small_data(m=40, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.normal(size=m) > 0).astype(int)
    return X, y


def parameters(model):
    return np.append(model.coef_[0], model.intercept_)


@pytest.fixture(scope="module")
def shipped():
    return prepare(*load_breast_cancer())


# --- batch_size=None is today's fit; batch_size=m is the full batch ------------------------------


def test_batch_size_none_is_todays_full_batch_fit_bit_for_bit(shipped):
    X, y = shipped.X_train, shipped.y_train
    w, b, curve = todays_fit(X, y, 0.1, 60)
    for model in (
        LogisticRegression(max_iter=60),
        LogisticRegression(max_iter=60, batch_size=None, shuffle=True, random_state=3),
        LogisticRegression(max_iter=60, shuffle=False),
    ):
        model.fit(X, y)
        assert model.coef_[0].tobytes() == w.tobytes()
        assert model.intercept_[0] == b
        assert model.loss_curve_ == curve


@pytest.mark.parametrize("batch_size", [40, 41, 1000])
def test_one_batch_of_all_m_examples_equals_full_batch(batch_size):
    X, y = small_data()  # m = 40; a larger batch_size is taken as m
    full = LogisticRegression(learning_rate=0.5, max_iter=25).fit(X, y)
    mini = LogisticRegression(
        learning_rate=0.5, max_iter=25, batch_size=batch_size, shuffle=False
    ).fit(X, y)
    np.testing.assert_allclose(parameters(mini), parameters(full), rtol=1e-12, atol=0)
    np.testing.assert_allclose(mini.loss_curve_, full.loss_curve_, rtol=1e-12, atol=0)


def test_batch_size_m_equals_full_batch_on_the_shipped_data(shipped):
    X, y = shipped.X_train, shipped.y_train
    full = LogisticRegression(max_iter=100).fit(X, y)
    mini = LogisticRegression(max_iter=100, batch_size=len(y), shuffle=False).fit(X, y)
    np.testing.assert_allclose(parameters(mini), parameters(full), rtol=1e-12, atol=0)


@st.composite
def batched_runs(draw):
    m = draw(st.integers(2, 12))
    n = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (m, n), elements=st.floats(-4, 4, allow_subnormal=False)))
    y = draw(arrays(np.int64, m, elements=st.integers(0, 1)))
    y[0], y[1] = 0, 1
    batch_size = draw(st.integers(1, m + 2))
    seed = draw(st.none() | st.integers(0, 2**32))
    epochs = draw(st.integers(1, 3))
    return X, y, batch_size, seed, epochs


@given(batched_runs(), st.floats(0.05, 1.0))
def test_minibatch_descent_is_the_numpy_reference_in_order_or_shuffled(run, alpha):
    X, y, batch_size, seed, epochs = run
    w, b, curve = numpy_minibatch(X, y.astype(float), alpha, epochs, batch_size, seed)
    model = LogisticRegression(
        learning_rate=alpha,
        max_iter=epochs,
        batch_size=batch_size,
        shuffle=seed is not None,
        random_state=seed,
    ).fit(X, y)
    # Each step moves a parameter by at most α·max(|x|, 1), since |a − y| ≤ 1.
    steps = epochs * math.ceil(len(y) / min(batch_size, len(y)))
    size = alpha * steps * max(float(np.max(np.abs(X))), 1.0)
    np.testing.assert_allclose(parameters(model), np.append(w, b), rtol=0, atol=1e-10 * size)
    np.testing.assert_allclose(model.loss_curve_, curve, rtol=1e-10, atol=1e-12)
    assert model.n_iter_ == epochs


def test_loss_curve_is_each_epochs_mean_cost_and_the_callback_sees_every_step():
    X, y = small_data(m=23)
    seen: list[GradientStep] = []
    model = LogisticRegression(learning_rate=0.3, max_iter=3, batch_size=10, random_state=0)
    model.fit(X, y, callback=seen.append)
    assert [(s.iteration, s.step) for s in seen] == [
        (epoch, 3 * epoch + k) for epoch in range(3) for k in range(3)
    ]
    sizes = [10, 10, 3]  # 23 = 10 + 10 + 3
    for epoch, cost in enumerate(model.loss_curve_):
        steps = seen[3 * epoch : 3 * epoch + 3]
        mean = sum(s.J * k for s, k in zip(steps, sizes, strict=True)) / 23
        assert cost == pytest.approx(mean, rel=1e-14)
    for step, following in itertools.pairwise(seen):  # each update used the step's gradients
        np.testing.assert_array_equal(following.w, step.w - 0.3 * step.dw)
        assert following.b == step.b - 0.3 * step.db


def test_seeded_runs_are_reproducible_and_other_seeds_shuffle_otherwise():
    X, y = small_data()

    def run(seed):
        model = LogisticRegression(max_iter=4, batch_size=8, random_state=seed).fit(X, y)
        return parameters(model)

    np.testing.assert_array_equal(run(5), run(5))
    assert not np.array_equal(run(5), run(6))
    assert not np.array_equal(run(None), run(None))  # a fresh order at each fit
    in_order = LogisticRegression(max_iter=4, batch_size=8, shuffle=False, random_state=5)
    assert not np.array_equal(parameters(in_order.fit(X, y)), run(5))


def test_batch_rows_shuffle_each_epoch_anew_and_cover_every_example():
    rng = np.random.default_rng(0)
    first = np.concatenate(list(batch_rows(10, 3, rng)))
    second = np.concatenate(list(batch_rows(10, 3, rng)))
    assert sorted(first) == sorted(second) == list(range(10))
    assert first.tolist() != second.tolist()
    assert [len(r) for r in batch_rows(10, 3, rng)] == [3, 3, 3, 1]
    assert list(batch_rows(4, 10)) == [slice(0, 4)]


@pytest.mark.parametrize("seed", range(5))
def test_batch_32_for_a_few_epochs_is_within_a_point_of_full_batch_on_the_shipped_data(
    shipped, seed
):
    data = shipped
    full = LogisticRegression().fit(data.X_train, data.y_train)  # 1000 full-batch steps
    mini = LogisticRegression(batch_size=32, max_iter=10, random_state=seed)
    mini.fit(data.X_train, data.y_train)  # 10 epochs of 15 steps
    full_test = full.score(data.X_test, data.y_test)
    mini_test = mini.score(data.X_test, data.y_test)
    assert abs(mini_test - full_test) <= 0.01, (mini_test, full_test)
    assert mini.loss_curve_[-1] < mini.loss_curve_[0]


def test_tol_stops_mini_batch_training_on_the_epoch_costs():
    X, y = small_data()
    model = LogisticRegression(
        learning_rate=0.5, max_iter=500, batch_size=8, shuffle=False, tol=1e-4
    ).fit(X, y)
    assert 1 < model.n_iter_ < 500
    assert model.loss_curve_[-2] - model.loss_curve_[-1] < 1e-4


def test_verbose_prints_the_cost_of_every_kth_epoch(capsys):
    X, y = small_data()
    LogisticRegression(max_iter=5, batch_size=16, verbose=2, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"Cost after iteration {i}" for i in (0, 2, 4)
    ]


# --- partial_fit -------------------------------------------------------------------------------


def chunks(m, size):
    return [slice(start, min(start + size, m)) for start in range(0, m, size)]


def test_partial_fit_over_chunks_equals_one_fit_pass_over_the_same_chunks(shipped):
    X, y = shipped.X_train, shipped.y_train  # 456 examples
    stepwise = LogisticRegression()
    for rows in chunks(len(y), 32):  # 14 chunks of 32 and one of 8
        stepwise.partial_fit(X[rows], y[rows], classes=[0, 1])
    one_pass = LogisticRegression(batch_size=32, shuffle=False, max_iter=1).fit(X, y)
    np.testing.assert_array_equal(stepwise.coef_, one_pass.coef_)
    np.testing.assert_array_equal(stepwise.intercept_, one_pass.intercept_)
    assert len(stepwise.loss_curve_) == stepwise.n_iter_ == 15


def test_partial_fit_with_batch_size_takes_a_step_per_batch_of_each_chunk(shipped):
    X, y = shipped.X_train, shipped.y_train
    stepwise = LogisticRegression(batch_size=16, shuffle=False)
    for epoch in range(2):
        for rows in chunks(len(y), 64):  # chunks of 64 = 4 batches of 16; the last, 8 = 1
            stepwise.partial_fit(X[rows], y[rows], classes=[0, 1] if epoch == 0 else None)
    two_epochs = LogisticRegression(batch_size=16, shuffle=False, max_iter=2).fit(X, y)
    np.testing.assert_array_equal(stepwise.coef_, two_epochs.coef_)
    np.testing.assert_array_equal(stepwise.intercept_, two_epochs.intercept_)


def test_partial_fit_after_fit_goes_on_from_the_fitted_model():
    X, y = small_data()
    model = LogisticRegression(max_iter=3).fit(X, y)
    model.partial_fit(X, y)  # classes_ known from fit
    four = LogisticRegression(max_iter=4).fit(X, y)
    np.testing.assert_array_equal(model.coef_, four.coef_)
    assert model.loss_curve_ == four.loss_curve_ and model.n_iter_ == 4
    assert model.classes_.tolist() == [0, 1]


def test_partial_fit_shuffles_each_chunk_from_one_seeded_stream():
    X, y = small_data()

    def run(seed):
        model = LogisticRegression(batch_size=4, random_state=seed)
        for rows in chunks(40, 10):
            model.partial_fit(X[rows], y[rows], classes=[0, 1])
        return parameters(model)

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))


def test_partial_fit_accepts_a_chunk_of_one_class_and_any_labels():
    X, y01 = small_data()
    y = np.where(y01 == 1, "yes", "no")
    model = LogisticRegression(learning_rate=0.5)
    model.partial_fit(X[y01 == 0], y[y01 == 0], classes=["yes", "no"])
    model.partial_fit(X[y01 == 1], y[y01 == 1])
    assert model.classes_.tolist() == ["no", "yes"]
    assert set(model.predict(X).tolist()) <= {"no", "yes"}


def test_partial_fit_with_the_loop_method_takes_the_same_step():
    X, y = small_data()
    loop = LogisticRegression(method="loop", loop_form="vector")
    vectorized = LogisticRegression()
    for rows in chunks(40, 16):
        loop.partial_fit(X[rows], y[rows], classes=[0, 1])
        vectorized.partial_fit(X[rows], y[rows], classes=[0, 1])
    np.testing.assert_allclose(parameters(loop), parameters(vectorized), rtol=1e-12, atol=1e-15)


def test_partial_fit_reads_a_memmap_chunk_a_batch_at_a_time(tmp_path):
    X, y = small_data()
    mapped = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", shape=X.shape)
    mapped[:] = X
    mapped.flush()
    on_disk = np.load(tmp_path / "X.npy", mmap_mode="r")
    a, b = (LogisticRegression(batch_size=8, random_state=2) for _ in range(2))
    for rows in chunks(40, 20):
        a.partial_fit(on_disk[rows], y[rows], classes=[0, 1])
        b.partial_fit(X[rows], y[rows], classes=[0, 1])
    np.testing.assert_array_equal(a.coef_, b.coef_)


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        ([{}], r"classes must be given on the first call to partial_fit.*classes=\[0, 1\]"),
        ([{"classes": [0, 1, 2]}], r"classes must be the two different labels.*\[0, 1, 2\]"),
        ([{"classes": [1, 1]}], r"classes must be the two different labels.*\[1, 1\]"),
        ([{"classes": [[0, 1]]}], r"classes must be the two different labels.*shape \(1, 2\)"),
        ([{"classes": ["a", "b"]}], r"y holds the label 0, which is not one of classes = "
         r"\['a', 'b'\]"),
        ([{"classes": [0, 1]}, {"classes": [0, 2]}], r"classes=\[0, 2\] differs from the "
         r"model's classes_ = \[0, 1\]"),
        ([{"classes": [0, 1]}, {"X": np.zeros((4, 2))}], r"X has 2 features, but "
         r"LogisticRegression is expecting 3 features as input \(n_features_in_, shape of X "
         r"\(4, 2\)\); every call to partial_fit must give the same features"),
        ([{"classes": [0, 1]}, {"y": [0, 1, 5, 1]}], r"y holds the label 5, which is not one"),
    ],
)
def test_partial_fit_refuses_what_scikit_learn_refuses(calls, message):
    model = LogisticRegression()
    X, y = small_data(m=4)
    for call in calls[:-1]:
        model.partial_fit(X, y, **call)
    last = {"X": X, "y": y, **calls[-1]}
    with pytest.raises(ValueError, match=message):
        model.partial_fit(**last)


def test_a_failed_partial_fit_leaves_the_model_as_it_was():
    X, y = small_data()
    model = LogisticRegression().partial_fit(X, y, classes=[0, 1])
    before = parameters(model).copy()
    with pytest.raises(ValueError):
        model.partial_fit(X, np.full(40, 7))
    np.testing.assert_array_equal(parameters(model), before)
    assert model.n_iter_ == 1


# --- data read one batch at a time -------------------------------------------------------------


def write_memmap(path, X, dtype=np.float64):
    mapped = np.memmap(path, dtype=dtype, mode="w+", shape=X.shape)
    mapped[:] = X
    mapped.flush()
    del mapped
    return np.memmap(path, dtype=dtype, mode="r", shape=X.shape)


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_memmap_trains_exactly_as_the_same_array_in_memory(tmp_path, shuffle):
    X, y = small_data(m=100)
    on_disk = write_memmap(tmp_path / "X.dat", X)
    labels = write_memmap(tmp_path / "y.dat", y.reshape(-1, 1), np.int8).reshape(-1)
    params = {"max_iter": 3, "batch_size": 16, "shuffle": shuffle, "random_state": 4}
    from_disk = LogisticRegression(**params).fit(on_disk, labels)
    in_memory = LogisticRegression(**params).fit(X, y)
    np.testing.assert_array_equal(from_disk.coef_, in_memory.coef_)
    assert from_disk.loss_curve_ == in_memory.loss_curve_


def test_a_float32_memmap_is_converted_one_batch_at_a_time(tmp_path):
    X, y = small_data(m=50)
    on_disk = write_memmap(tmp_path / "X32.dat", X, np.float32)
    mini = LogisticRegression(max_iter=2, batch_size=7, random_state=0)
    np.testing.assert_array_equal(
        mini.fit(on_disk, y).coef_,
        LogisticRegression(**mini.get_params()).fit(X.astype(np.float32), y).coef_,
    )


class RowsOnly:
    """An array-like as h5py's datasets are: shape, dtype, and rows read in increasing order."""

    def __init__(self, X):
        self.array = X
        self.shape = X.shape
        self.dtype = X.dtype
        self.largest = 0

    def __getitem__(self, rows):
        if not isinstance(rows, slice):
            rows = np.asarray(rows)
            if rows.ndim != 1 or np.any(np.diff(rows) <= 0):
                raise TypeError("indices must be increasing")
        part = self.array[rows]
        self.largest = max(self.largest, len(part))
        return part.copy()

    def __array__(self, *args, **kwargs):
        raise AssertionError("X was read whole")


@pytest.mark.parametrize("shuffle", [False, True])
def test_any_array_sliced_by_rows_is_read_one_batch_at_a_time(shuffle):
    X, y = small_data(m=60)
    source = RowsOnly(X)
    params = {"max_iter": 2, "batch_size": 8, "shuffle": shuffle, "random_state": 1}
    model = LogisticRegression(**params).fit(source, y)
    assert source.largest == 8
    np.testing.assert_array_equal(model.coef_, LogisticRegression(**params).fit(X, y).coef_)


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_non_finite_number_on_disk_is_named_by_its_row_and_column(tmp_path, shuffle):
    X, y = small_data(m=30)
    X[17, 2] = np.nan
    on_disk = write_memmap(tmp_path / "X.dat", X)
    model = LogisticRegression(batch_size=4, shuffle=shuffle, random_state=0)
    with pytest.raises(ValueError, match=r"X must be finite, but X\[17, 2\] is nan .*mini-batch"):
        model.fit(on_disk, y)
    assert not hasattr(model, "coef_")


def test_an_array_sliced_by_rows_is_checked_for_shape_and_dtype_before_any_reading(tmp_path):
    flat = np.memmap(tmp_path / "flat.dat", dtype=np.float64, mode="w+", shape=(10,))
    with pytest.raises(ValueError, match=r"X must be 2-D.*got shape \(10,\)"):
        LogisticRegression(batch_size=2).fit(flat, np.arange(10) % 2)
    complex_ = np.memmap(tmp_path / "c.dat", dtype=np.complex128, mode="w+", shape=(4, 2))
    with pytest.raises(ValueError, match=r"X must hold real numbers, got dtype complex128"):
        LogisticRegression(batch_size=2).fit(complex_, [0, 1, 0, 1])


def test_the_memory_map_is_released_unless_it_is_copy_on_write(tmp_path):
    X, y = small_data()
    write_memmap(tmp_path / "X.dat", X)
    for mode, maps in (("r", 1), ("r+", 1), ("c", 0)):
        mapped = np.memmap(tmp_path / "X.dat", dtype=np.float64, mode=mode, shape=X.shape)
        assert len(Examples(mapped[5:], y[5:])._maps) == maps, mode
    assert Examples(X, y)._maps == []


# --- parameters, persistence, scikit-learn -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"batch_size": 0}, r"batch_size must be None \(full batch\) or an integer >= 1 .*got 0"),
        ({"batch_size": -3}, r"batch_size must be .*got -3"),
        ({"batch_size": 2.5}, r"batch_size must be .*got 2.5"),
        ({"batch_size": True}, r"batch_size must be .*got True"),
        ({"batch_size": np.True_}, r"batch_size must be .*got np.True_"),
        ({"batch_size": "32"}, r"batch_size must be .*got '32'"),
        ({"batch_size": 8, "method": "loop"}, r"batch_size=8 needs method='vectorized'"),
        ({"shuffle": "yes"}, r"shuffle must be True or False, got 'yes'"),
        ({"shuffle": 1}, r"shuffle must be True or False, got 1"),
        ({"random_state": -1}, r"random_state must be None, an integer >= 0 .*got -1"),
        ({"random_state": 1.5}, r"random_state must be .*got 1.5"),
        ({"random_state": True}, r"random_state must be .*got True"),
    ],
)
def test_bad_mini_batch_parameters_are_a_clear_value_error(params, message):
    X, y = small_data()
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).fit(X, y)
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).partial_fit(X, y, classes=[0, 1])


def test_numpy_integers_are_accepted_as_batch_size_and_seed():
    X, y = small_data()
    a = LogisticRegression(max_iter=2, batch_size=np.int64(8), random_state=np.int32(3))
    b = LogisticRegression(max_iter=2, batch_size=8, random_state=3)
    np.testing.assert_array_equal(a.fit(X, y).coef_, b.fit(X, y).coef_)


def test_numpy_numbers_as_parameters_are_saved_as_python_numbers(tmp_path):
    X, y = small_data()
    model = LogisticRegression(max_iter=np.int64(2), batch_size=np.int64(8),
                               shuffle=np.True_, random_state=np.int32(1)).fit(X, y)
    loaded = LogisticRegression.load(model.save(tmp_path / "model"))
    assert loaded.get_params() == model.get_params()
    assert type(loaded.batch_size) is int and loaded.shuffle is True


def test_the_new_parameters_are_saved_and_loaded(tmp_path):
    X, y = small_data()
    model = LogisticRegression(max_iter=3, batch_size=8, shuffle=False, random_state=11)
    loaded = LogisticRegression.load(model.fit(X, y).save(tmp_path / "model"))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    loaded.partial_fit(X, y)  # and training goes on from the loaded model
    assert loaded.n_iter_ == 4


def test_a_model_saved_before_mini_batches_existed_loads_with_the_defaults(tmp_path):
    X, y = small_data()
    model = LogisticRegression(max_iter=2).fit(X, y)
    with np.load(model.save(tmp_path / "model.npz")) as archive:
        data = dict(archive)
    params = json.loads(str(data["params"]))
    for name in ("batch_size", "shuffle", "random_state", "loop_form"):
        del params[name]
    data["params"] = np.array(json.dumps(params))
    np.savez(tmp_path / "old.npz", **data)
    old = LogisticRegression.load(tmp_path / "old.npz")
    assert (old.batch_size, old.shuffle, old.random_state) == (None, True, None)
    np.testing.assert_array_equal(old.predict(X), model.predict(X))


def test_repr_and_sklearn_clone_know_the_new_parameters():
    from sklearn.base import clone

    model = LogisticRegression(batch_size=32, random_state=0)
    assert repr(model) == "LogisticRegression(batch_size=32, random_state=0)"
    copy = clone(model.partial_fit(*small_data(), classes=[0, 1]))
    assert copy.get_params() == model.get_params() and not hasattr(copy, "coef_")


def test_grid_search_over_batch_size(shipped):
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(
        LogisticRegression(max_iter=5, random_state=0),
        {"batch_size": [None, 32], "learning_rate": [0.1, 0.5]},
        cv=3,
    ).fit(shipped.X_train, shipped.y_train)
    assert search.best_score_ >= 0.9
    assert set(search.cv_results_["param_batch_size"].tolist()) == {None, 32}


# --- the demo's option -----------------------------------------------------------------------


def test_the_demo_trains_the_vectorized_model_on_mini_batches(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="autograd-lite")
    demo.add_command(parser.add_subparsers(dest="command", required=True))
    argv = ["demo", "--out", str(tmp_path / "out"), "--iterations", "5", "--loop-iterations",
            "1", "--batch-size", "64"]
    args = parser.parse_args(argv)
    assert args.run(args) == 0
    assert "Cost after iteration 0" in capsys.readouterr().out
    model = LogisticRegression.load(tmp_path / "out" / "model.npz")
    assert model.batch_size == 64 and model.n_iter_ == 5
    with pytest.raises(SystemExit):
        parser.parse_args([*argv[:-1], "0"])


def test_partial_fit_prints_the_cost_of_each_call_with_verbose(capsys):
    X, y = small_data()
    model = LogisticRegression(verbose=1)
    for rows in chunks(40, 20):
        model.partial_fit(X[rows], y[rows], classes=[0, 1])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Cost after iteration 0",
                                                       "Cost after iteration 1"]
    assert lines[0] == "Cost after iteration 0: 0.693147"


# --- what a review found ----------------------------------------------------------------------


def test_a_saved_model_goes_on_with_the_shuffle_where_it_stopped(shipped, tmp_path):
    X, y = shipped.X_train, shipped.y_train
    going = LogisticRegression(batch_size=32, random_state=4)
    going.partial_fit(X, y, classes=[0, 1])
    resumed = LogisticRegression.load(going.save(tmp_path / "checkpoint.npz"))
    going.partial_fit(X, y)
    resumed.partial_fit(X, y)
    np.testing.assert_array_equal(resumed.coef_, going.coef_)  # the same order, to the bit


@pytest.mark.parametrize("make", [np.random.RandomState, np.random.default_rng])
def test_random_state_takes_scikit_learns_generators(shipped, make, tmp_path):
    X, y = shipped.X_train, shipped.y_train
    model = LogisticRegression(batch_size=32, max_iter=3, random_state=make(0)).fit(X, y)
    assert model.score(X, y) > 0.9
    with pytest.raises(TypeError, match="cannot save the parameter value"):
        model.save(tmp_path / "model.npz")  # a generator is no JSON: an integer seed saves
    assert not (tmp_path / "model.npz").exists()  # and nothing half-written is left


def test_one_batch_of_m_or_more_is_the_full_batch_step_even_when_shuffling(shipped):
    X, y = shipped.X_train, shipped.y_train
    full = LogisticRegression(max_iter=50).fit(X, y)
    one_batch = LogisticRegression(max_iter=50, batch_size=10 * len(y), random_state=0).fit(X, y)
    np.testing.assert_array_equal(one_batch.coef_, full.coef_)


def test_a_weighted_score_is_scikit_learns_accuracy_to_the_bit(shipped):
    from sklearn.metrics import accuracy_score

    X, y = shipped.X_train, shipped.y_train
    model = LogisticRegression(max_iter=30).fit(X, y)
    weights = np.random.default_rng(1).random(len(y)) * 10
    assert model.score(X, y, weights) == accuracy_score(y, model.predict(X), sample_weight=weights)
