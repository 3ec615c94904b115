"""The network's catalogue: every bad input ``NeuralNetwork`` refuses, and what it says.

As tests/test_catalogue.py: one row per input, the exception and a fragment of its message
(which names the argument or key, and shows the shapes). After every refused ``fit``, the
model holds nothing it did not hold before: a new model stays unfitted, a fitted one keeps its
fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import scipy.sparse

import autograd_lite as ag
from autograd_lite.network import initial_parameters

X, y = ag.load_flower()


def start(**changes: Any) -> dict[str, Any]:
    """The course's start for the flower (n_x = 2, n_h = 4), with some keys changed or gone."""
    parameters: dict[str, Any] = initial_parameters(2, 4, 2)
    for key, value in changes.items():
        if value is None:
            del parameters[key]
        else:
            parameters[key] = value
    return parameters


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], ag.NeuralNetwork]
    fit: Callable[[ag.NeuralNetwork], Any]
    raises: type[BaseException]
    message: str


def fit_flower(**kwargs: Any) -> Callable[[ag.NeuralNetwork], Any]:
    return lambda model: model.fit(X, y, **kwargs)


def fit_on(X_: Any, y_: Any) -> Callable[[ag.NeuralNetwork], Any]:
    return lambda model: model.fit(X_, y_)


def net(**params: Any) -> Callable[[], ag.NeuralNetwork]:
    return lambda: ag.NeuralNetwork(max_iter=2, random_state=0, **params)


CATALOGUE = [
    # the constructor's parameters, checked at fit as scikit-learn does
    Case("hidden_units 0", net(hidden_units=0), fit_flower(), ValueError,
         "hidden_units must be a whole number >= 1"),
    Case("hidden_units negative", net(hidden_units=-3), fit_flower(), ValueError,
         "hidden_units must be a whole number >= 1 (units in the hidden layer), got -3"),
    Case("hidden_units a fraction", net(hidden_units=2.5), fit_flower(), ValueError,
         "hidden_units must be a whole number >= 1"),
    Case("hidden_units a whole float", net(hidden_units=4.0), fit_flower(), TypeError,
         "write hidden_units=4"),
    Case("hidden_units nan", net(hidden_units=math.nan), fit_flower(), ValueError,
         "hidden_units must be a whole number"),
    Case("hidden_units a bool", net(hidden_units=True), fit_flower(), TypeError,
         "hidden_units must be a whole number >= 1"),
    Case("hidden_units a string", net(hidden_units="4"), fit_flower(), TypeError,
         "of type str"),
    Case("activation unknown", net(activation="sigmoid"), fit_flower(), ValueError,
         "activation must be one of 'tanh', 'relu' (the hidden layer's g), got 'sigmoid'"),
    Case("activation in capitals", net(activation="TANH"), fit_flower(), ValueError,
         "got 'TANH'"),
    Case("activation not a string", net(activation=np.tanh), fit_flower(), ValueError,
         "activation must be one of"),
    Case("learning_rate 0", net(learning_rate=0.0), fit_flower(), ValueError,
         "learning_rate must be a finite number > 0"),
    Case("learning_rate negative", net(learning_rate=-1.2), fit_flower(), ValueError,
         "got -1.2"),
    Case("learning_rate inf", net(learning_rate=math.inf), fit_flower(), ValueError,
         "learning_rate must be a finite number > 0"),
    Case("learning_rate nan", net(learning_rate=math.nan), fit_flower(), ValueError,
         "learning_rate must be a finite number > 0"),
    Case("learning_rate a string", net(learning_rate="1.2"), fit_flower(), TypeError,
         "learning_rate must be a finite number > 0"),
    Case("max_iter 0", lambda: ag.NeuralNetwork(max_iter=0), fit_flower(), ValueError,
         "max_iter must be an integer >= 1, got 0"),
    Case("verbose negative", net(verbose=-1), fit_flower(), ValueError,
         "verbose must be an integer >= 0"),
    Case("random_state negative", lambda: ag.NeuralNetwork(random_state=-2), fit_flower(),
         ValueError, "random_state must be None, an integer in [0, 2**32)"),
    # the starting parameters
    Case("parameters not a dict", net(), fit_flower(parameters=[1, 2, 3]), TypeError,
         "parameters must be a dict with the keys W1, b1, W2, b2"),
    Case("parameters missing W2", net(), fit_flower(parameters=start(W2=None)), ValueError,
         "missing 'W2'"),
    Case("parameters with an extra key", net(),
         fit_flower(parameters={**start(), "W3": np.zeros((1, 1))}), ValueError,
         "unexpected 'W3'"),
    Case("parameters W1 transposed", net(), fit_flower(parameters=start(W1=np.zeros((2, 4)))),
         ValueError, "parameters['W1'] must have shape (n_h, n_x) = (4, 2), got shape (2, 4)"),
    Case("parameters b1 flat", net(), fit_flower(parameters=start(b1=np.zeros(4))), ValueError,
         "parameters['b1'] must have shape (n_h, 1) = (4, 1), got shape (4,)"),
    Case("parameters W2 for another n_h", net(hidden_units=4),
         fit_flower(parameters=start(W2=np.zeros((1, 5)))), ValueError,
         "W1 (4, 2), b1 (4, 1), W2 (1, 5), b2 (1, 1)"),
    Case("parameters for 3 units, hidden_units 4", net(hidden_units=4),
         fit_flower(parameters=initial_parameters(2, 3, 0)), ValueError,
         "n_h = hidden_units = 4"),
    Case("parameters b2 a scalar", net(), fit_flower(parameters=start(b2=0.0)), ValueError,
         "parameters['b2'] must have shape (1, 1) = (1, 1), got shape ()"),
    Case("parameters with nan", net(),
         fit_flower(parameters=start(W1=np.full((4, 2), math.nan))), ValueError,
         "parameters['W1'] must be finite, but W1[0, 0] is nan (8 NaN or inf entries)"),
    Case("parameters with inf", net(),
         fit_flower(parameters=start(b1=np.array([[0.0], [math.inf], [0.0], [0.0]]))),
         ValueError, "b1[1, 0] is inf"),
    Case("parameters of strings", net(),
         fit_flower(parameters=start(b2=np.array([["0"]]))), TypeError,
         "parameters['b2'] must hold real numbers"),
    Case("parameters ragged", net(), fit_flower(parameters=start(W2=[[1.0, 2.0], [3.0]])),
         ValueError, "parameters['W2'] must be an array of numbers"),
    Case("parameters a node", net(),
         fit_flower(parameters=start(b2=ag.Variable(np.zeros((1, 1)), name="b2"))), TypeError,
         "give its array (.value)"),
    # the data: LogisticRegression's checks, reused
    Case("three classes", net(), fit_on(X, np.arange(400) % 3), ValueError,
         "Only binary classification is supported: y has 3 classes (0, 1, 2)"),
    Case("one class", net(), fit_on(X, np.zeros(400)), ValueError, "y has only one class"),
    Case("continuous y", net(), fit_on(X, np.linspace(0, 1, 400)), ValueError,
         "y has 400 classes"),
    Case("X with nan", net(), fit_on(np.where(X > 3.5, math.nan, X), y), ValueError,
         "X must be finite"),
    Case("X 1-D", net(), fit_on(X[:, 0], y), ValueError, "Reshape your data"),
    Case("X empty", net(), fit_on(np.zeros((0, 2)), []), ValueError, "X has no examples"),
    Case("X sparse", net(), fit_on(scipy.sparse.csr_matrix(X), y), TypeError,
         "sparse input is not supported"),
    Case("X complex", net(), fit_on(X + 1j, y), ValueError, "Complex data not supported"),
    Case("y too short", net(), fit_on(X, y[:-1]), ValueError,
         "X and y have different lengths: 400 examples in X, 399 in y"),
    Case("y missing", net(), fit_on(X, None), ValueError, "requires y to be passed"),
    Case("X strings", net(), fit_on([["a", "b"], ["c", "d"]], [0, 1]), ValueError,
         "X must hold real numbers"),
    # training that diverges
    Case("learning rate so large the descent diverges", lambda: ag.NeuralNetwork(
        activation="relu", learning_rate=1e300, max_iter=50, random_state=0),
         fit_on(X * 1e100, y), ValueError, "diverged"),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_bad_input_is_refused_and_leaves_nothing_behind(case: Case) -> None:
    model = case.make()
    with pytest.raises(case.raises) as caught:
        case.fit(model)
    assert case.message in str(caught.value), f"{case.name}: {caught.value}"
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(model))
    fitted = ag.NeuralNetwork(max_iter=2, random_state=0).fit(X, y)
    before = {k: v.copy() for k, v in fitted.parameters_.items()}
    fitted.set_params(**{k: v for k, v in case.make().get_params().items()})
    with pytest.raises(case.raises):
        case.fit(fitted)
    assert all(np.array_equal(fitted.parameters_[k], before[k]) for k in before)
    assert fitted.n_iter_ == 2


def test_the_catalogue_names_are_unique() -> None:
    assert len({c.name for c in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.predict(np.zeros((3, 5))), "X has 5 features, but NeuralNetwork is "
         "expecting 2 features as input (n_features_in_; W1 has shape (4, 2) = (n_h, n_x))"),
        (lambda m: m.graph(X, np.full(400, 7)), "y holds labels the model does not know"),
        (lambda m: m.score(X, y, sample_weight=-np.ones(400)), "sample_weight must be finite"),
    ],
)
def test_a_fitted_model_refuses_bad_data(call, message) -> None:
    model = ag.NeuralNetwork(max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError) as caught:
        call(model)
    assert message in str(caught.value)


def test_a_damaged_or_edited_file_is_refused(tmp_path) -> None:
    model = ag.NeuralNetwork(max_iter=2, random_state=0).fit(X, y)
    path = model.save(tmp_path / "net")
    with np.load(path) as data:
        arrays = dict(data)
    for key, value, message in [
        ("W2", np.zeros((1, 3)), "'W2' must have shape (1, 4) (n_h = 4)"),
        ("W1", np.full((4, 2), np.nan), "'W1' holds NaN or inf"),
        ("params", np.array('{"hidden_units": 0}'), "'params' must name exactly"),
        ("classes", np.array([1, 0]), "'classes' must be sorted"),
    ]:
        edited = tmp_path / f"edited-{key}.npz"
        np.savez(edited, **{**arrays, key: value})
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            ag.NeuralNetwork.load(edited)
    (tmp_path / "text.npz").write_text("not a model")
    with pytest.raises(ValueError, match="not a saved NeuralNetwork"):
        ag.NeuralNetwork.load(tmp_path / "text.npz")
    with pytest.raises(TypeError, match="cannot save random_state"):
        ag.NeuralNetwork(max_iter=1, random_state=np.random.RandomState(0)).fit(X, y).save(
            tmp_path / "rng")
