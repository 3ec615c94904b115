"""scikit-learn's own estimator suite, run on LogisticRegression: every check passes.

``sklearn.utils.estimator_checks`` holds the checks scikit-learn runs on its own estimators: the
API (``get_params``, ``clone``, fitted attributes), the errors for bad input and their words
(NaN, sparse, complex, empty, multiclass, continuous or missing ``y``), pickling, read-only
memmaps, predictions invariant to the order and grouping of the examples. They run here one by
one (``parametrize_with_checks``) on three settings of the model: the default, mini-batches and
the lecture's loop.

One check is skipped in this process, by scikit-learn itself: ``check_array_api_input`` needs the
environment variable ``SCIPY_ARRAY_API=1`` set before scipy is first imported, which would change
scipy for the whole test session. ``test_check_estimator_passes_every_check`` runs the whole of
``check_estimator`` in a process of its own with it set, so that check runs too: 56 of 56 pass.

The library itself never needs scikit-learn: the last tests run it with scikit-learn blocked.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    parametrize_with_checks,
)

from autograd_lite.conventions import NotFittedError
from autograd_lite.logistic import LogisticRegression

SETTINGS = [
    LogisticRegression(),
    LogisticRegression(batch_size=16, max_iter=100, random_state=0),
    LogisticRegression(method="loop", loop_form="vector", max_iter=50),
]


with warnings.catch_warnings():
    # The model does not inherit from scikit-learn's BaseEstimator, on purpose: the library
    # does not need scikit-learn. It implements the conventions instead, which is what the
    # checks check.
    warnings.filterwarnings("ignore", "Estimator LogisticRegression does not inherit")
    EVERY_CHECK = parametrize_with_checks(SETTINGS)


@EVERY_CHECK
def test_scikit_learn_check(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", SETTINGS, ids=repr)
def test_feature_names_follow_scikit_learns_check(estimator):
    # Not among check_estimator's checks in scikit-learn 1.9, but its own words for
    # feature_names_in_: names recorded from a data frame, and checked by every later call.
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)


CHECK_ESTIMATOR = textwrap.dedent(
    """
    import collections, json, warnings
    from sklearn.utils.estimator_checks import check_estimator
    from autograd_lite import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "does not inherit from BaseEstimator": on purpose
        results = check_estimator(LogisticRegression(), on_fail=None)
    print(json.dumps({
        "counts": collections.Counter(r["status"] for r in results),
        "not passed": {r["check_name"]: repr(r["exception"]) for r in results
                       if r["status"] != "passed"},
    }))
    """
)


def test_check_estimator_passes_every_check():
    environment = {**os.environ, "SCIPY_ARRAY_API": "1"}  # or check_array_api_input skips
    done = subprocess.run(
        [sys.executable, "-c", CHECK_ESTIMATOR],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["not passed"] == {}
    assert summary["counts"]["passed"] >= 56, summary  # scikit-learn 1.9 has 56 for us


def test_the_not_fitted_error_pickles_as_scikit_learns_kind():
    # Raised in a worker process (cross_val_score(n_jobs=2)), it travels back pickled.
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    with pytest.raises(SklearnNotFittedError) as caught:
        LogisticRegression().predict([[1.0]])
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is type(caught.value)
    assert isinstance(again, NotFittedError) and str(again) == str(caught.value)


WITHOUT_SKLEARN = textwrap.dedent(
    """
    import sys, warnings
    sys.modules["sklearn"] = None  # import sklearn now raises ImportError, as if not installed

    import numpy as np
    import pandas as pd
    import autograd_lite as ag
    from autograd_lite.conventions import DataConversionWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    for params in ({}, {"batch_size": 8, "random_state": 0}):
        model = ag.LogisticRegression(max_iter=200, **params).fit(X, y)
        assert model.score(X, y) > 0.9 and model.predict_proba(X).shape == (60, 2)
    model = ag.LogisticRegression().partial_fit(X, y, classes=[0, 1])

    try:
        ag.LogisticRegression().predict(X)
    except ag.NotFittedError as error:
        assert type(error) is ag.NotFittedError, type(error)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ag.LogisticRegression(max_iter=5).fit(X, y.reshape(-1, 1))
    assert [w.category for w in caught] == [DataConversionWarning], caught

    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = ag.LogisticRegression(max_iter=5).fit(frame, y)
    try:
        model.predict(frame[["c", "b", "a"]])
    except ValueError as error:
        assert "same order" in str(error)
    else:
        raise AssertionError("columns in another order were not refused")
    loaded = [name for name in sys.modules if name.startswith("sklearn.")]
    assert not loaded, loaded
    print("ok")
    """
)


def test_the_library_imports_and_works_without_scikit_learn():
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_SKLEARN],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_the_library_does_not_import_scikit_learn():
    code = "import sys, autograd_lite; print('sklearn' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_column_y_is_accepted_with_scikit_learns_warning():
    from sklearn.exceptions import DataConversionWarning

    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.warns(DataConversionWarning, match="A column-vector y was passed"):
        model = LogisticRegression(max_iter=5).fit(X, np.array([[0], [0], [1], [1]]))
    assert model.predict(X).shape == (4,)
