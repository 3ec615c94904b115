"""A neural network with one hidden layer, trained by gradient descent on the engine's graph.

The next lecture after logistic regression, in the course's own notation and layout: examples
in the *columns* of ``X`` (shape n_x × m), a hidden layer of ``n_h`` units and one sigmoid
output unit::

    Z1 = W1·X + b1        A1 = g(Z1)           (g = tanh, or ReLU)
    Z2 = W2·A1 + b2       A2 = σ(Z2)
    J  = −(1/m) Σ ( Y·log A2 + (1 − Y)·log(1 − A2) )

``W1`` has shape (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h) and ``b2`` (1, 1), the course's
parameter dictionary. The model writes no gradient formula of its own: ``fit`` builds that graph
from the engine's nodes once and each step of gradient descent runs it, forward and backward,
then takes the step ``W := W − α·dW`` for each of the four parameters.

The API is scikit-learn's (``fit``/``predict``/``predict_proba``/``score``, ``classes_``,
``coefs_`` and ``intercepts_`` in ``MLPClassifier``'s shapes), with examples in the rows of the
``X`` it is given, as scikit-learn puts them; the graph (``graph``) is the course's, with
``X`` transposed.

Examples
--------
>>> import autograd_lite as ag
>>> X, y = ag.load_flower()
>>> model = ag.NeuralNetwork(hidden_units=4, max_iter=1001, random_state=2).fit(X, y)
>>> [round(model.loss_curve_[i], 6) for i in (0, 1000)]     # the course's printed costs
[0.693048, 0.288083]
"""

from __future__ import annotations

import math
import numbers
import os
import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_lite.compile import Program
from autograd_lite.compile import compile as compile_graph
from autograd_lite.conventions import (
    NotFittedError,
    check_feature_names,
    feature_names,
    sklearn_kind,
)
from autograd_lite.logistic import _Progress
from autograd_lite.node import Constant, Node, Variable
from autograd_lite.ops import log_loss, mean, relu, sigmoid, tanh
from autograd_lite.validation import checked_sample_weight, checked_X, checked_y, same, two_classes

__all__ = ["ACTIVATIONS", "PARAMETER_NAMES", "NeuralNetwork"]

ACTIVATIONS = {"tanh": tanh, "relu": relu}
"""The hidden layer's activations ``NeuralNetwork(activation=...)`` accepts, by name."""

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
"""The course's parameters, in its order: the keys of ``parameters_`` and of ``fit``'s start."""

_NETWORK_PARAMS = ("hidden_units", "activation", "learning_rate", "max_iter", "random_state",
                   "verbose")


# --- checking what the user gives ---------------------------------------------------------------


def checked_network_params(params: dict[str, Any]) -> dict[str, Any]:
    """The constructor's parameters, checked and made plain Python values.

    Raises ``ValueError`` (``TypeError`` for a value of the wrong kind altogether) naming the
    first parameter that is wrong, and what it must be.

    Examples
    --------
    >>> checked_network_params({"hidden_units": 0, "activation": "tanh", "learning_rate": 1.2,
    ...                         "max_iter": 10, "random_state": None, "verbose": 0})
    Traceback (most recent call last):
    ...
    ValueError: hidden_units must be a whole number >= 1 (units in the hidden layer), got 0
    """
    units = params["hidden_units"]
    if isinstance(units, (bool, np.bool_)) or not isinstance(units, numbers.Real):
        raise TypeError(
            f"hidden_units must be a whole number >= 1 (units in the hidden layer), got "
            f"{units!r} of type {type(units).__name__}"
        )
    if not isinstance(units, numbers.Integral):
        if not (math.isfinite(units) and float(units).is_integer()):
            raise ValueError(
                f"hidden_units must be a whole number >= 1 (units in the hidden layer), got "
                f"{units!r}"
            )
        raise TypeError(
            f"hidden_units must be an int, got the float {units!r}: write "
            f"hidden_units={int(units)}"
        )
    if units < 1:
        raise ValueError(
            f"hidden_units must be a whole number >= 1 (units in the hidden layer), got {units!r}"
        )
    activation = params["activation"]
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(map(repr, ACTIVATIONS))} (the hidden "
            f"layer's g), got {activation!r}"
        )
    rate = params["learning_rate"]
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, numbers.Real):
        raise TypeError(f"learning_rate must be a finite number > 0, got {rate!r}")
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(
            f"learning_rate must be a finite number > 0 (the step size α of W := W − α·dW), "
            f"got {rate!r}"
        )
    max_iter = params["max_iter"]
    if (
        not isinstance(max_iter, numbers.Integral)
        or isinstance(max_iter, (bool, np.bool_))
        or max_iter < 1
    ):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    verbose = params["verbose"]
    if (
        not isinstance(verbose, numbers.Integral)
        or isinstance(verbose, (bool, np.bool_))
        or verbose < 0
    ):
        raise ValueError(
            f"verbose must be an integer >= 0 (print the cost every k iterations), got "
            f"{verbose!r}"
        )
    random_state = params["random_state"]
    generators = (np.random.RandomState, np.random.Generator)
    if random_state is not None and not isinstance(random_state, generators) and (
        not isinstance(random_state, numbers.Integral)
        or isinstance(random_state, (bool, np.bool_))
        or not 0 <= random_state < 2**32
    ):
        raise ValueError(
            f"random_state must be None, an integer in [0, 2**32) (the seed of the starting "
            f"weights, as np.random.seed takes it), a numpy.random.RandomState or a "
            f"numpy.random.Generator, got {random_state!r}"
        )
    return {
        "hidden_units": int(units),
        "activation": activation,
        "learning_rate": float(rate),
        "max_iter": int(max_iter),
        "random_state": random_state if random_state is None or isinstance(
            random_state, generators) else int(random_state),
        "verbose": int(verbose),
    }


def checked_parameters(parameters: Any, n_h: int, n_x: int) -> dict[str, np.ndarray]:
    """``fit``'s starting ``parameters``: the course's dict, as float64 copies, checked.

    Examples
    --------
    >>> checked_parameters({"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1)),
    ...                     "W2": np.zeros((1, 3)), "b2": np.zeros((1, 1))}, 4, 2)
    Traceback (most recent call last):
    ...
    ValueError: parameters['W2'] must have shape (1, n_h) = (1, 4), got shape (1, 3) ...
    """
    if not isinstance(parameters, Mapping):
        raise TypeError(
            f"parameters must be a dict with the keys {', '.join(PARAMETER_NAMES)} (the "
            f"course's), got {type(parameters).__name__}"
        )
    missing = [k for k in PARAMETER_NAMES if k not in parameters]
    extra = [k for k in parameters if k not in PARAMETER_NAMES]
    if missing or extra:
        raise ValueError(
            f"parameters must have exactly the keys {', '.join(PARAMETER_NAMES)}: "
            + (f"missing {', '.join(map(repr, missing))}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"unexpected {', '.join(map(repr, extra))}" if extra else "")
        )
    expected = {
        "W1": ((n_h, n_x), "(n_h, n_x)"),
        "b1": ((n_h, 1), "(n_h, 1)"),
        "W2": ((1, n_h), "(1, n_h)"),
        "b2": ((1, 1), "(1, 1)"),
    }
    checked = {}
    for key in PARAMETER_NAMES:
        value = parameters[key]
        where = f"parameters[{key!r}]"
        if isinstance(value, Node):
            raise TypeError(f"{where} is the node {value.describe()}; give its array (.value)")
        try:
            array = np.asarray(value)
        except ValueError as error:  # ragged lists
            raise ValueError(f"{where} must be an array of numbers: {error}") from None
        if array.dtype.kind not in "biuf" or array.dtype.kind == "b":
            raise TypeError(f"{where} must hold real numbers, got dtype {array.dtype}")
        shape, letters = expected[key]
        if array.shape != shape:
            raise ValueError(
                f"{where} must have shape {letters} = {shape}, got shape {array.shape} "
                f"(n_h = hidden_units = {n_h}, n_x = {n_x} features of X; the shapes given: "
                + ", ".join(f"{k} {np.shape(parameters[k])}" for k in PARAMETER_NAMES)
                + ")"
            )
        array = array.astype(np.float64)  # a copy: the caller's arrays are never written
        bad = ~np.isfinite(array)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(
                f"{where} must be finite, but {key}[{i}, {j}] is {array[i, j]} "
                f"({np.count_nonzero(bad)} NaN or inf entries)"
            )
        checked[key] = array
    return checked


def _binary_classes(labels: np.ndarray) -> np.ndarray:
    """The two classes of ``labels``; more than two refused in the network's words."""
    try:
        distinct = np.unique(labels)
    except TypeError:
        distinct = None  # two_classes says why
    if distinct is not None and len(distinct) > 2:
        shown = ", ".join(repr(c) for c in distinct[:5].tolist())
        shown += " …" if len(distinct) > 5 else ""
        raise ValueError(
            f"Only binary classification is supported: y has {len(distinct)} classes "
            f"({shown}); NeuralNetwork has one sigmoid output unit, for exactly two classes"
        )
    return two_classes(labels)


def initial_parameters(
    n_x: int, n_h: int, random_state: int | np.random.RandomState | np.random.Generator | None
) -> dict[str, np.ndarray]:
    """The course's start: ``W1 = randn(n_h, n_x)·0.01``, then ``W2 = randn(1, n_h)·0.01``; zero
    biases.

    ``random_state`` seeds ``np.random.RandomState`` as the course's ``np.random.seed`` does,
    so ``random_state=2`` starts where the course's ``initialize_parameters`` does. A
    ``RandomState`` or ``Generator`` is drawn from as it is.

    Examples
    --------
    >>> p = initial_parameters(2, 4, 2)
    >>> p["W1"].shape, p["W2"].shape, round(float(p["W1"][0, 0]), 8)
    ((4, 2), (1, 4), -0.00416758)
    """
    rng = random_state
    if rng is None or isinstance(rng, numbers.Integral):
        rng = np.random.RandomState(rng)
    if isinstance(rng, np.random.Generator):
        W1 = rng.standard_normal((n_h, n_x)) * 0.01
        W2 = rng.standard_normal((1, n_h)) * 0.01
    else:
        W1 = rng.randn(n_h, n_x) * 0.01
        W2 = rng.randn(1, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((1, 1))}


# --- the graph ------------------------------------------------------------------------------------


def network_cost(
    X: Node, Y: Node, W1: Node, b1: Node, W2: Node, b2: Node, activation: str = "tanh"
) -> Node:
    """The course's cost ``J`` of the one-hidden-layer network, its nodes named as the course.

    ``X`` is n_x × m (examples in columns), ``Y`` 1 × m; the nodes ``Z1``, ``A1``, ``Z2``,
    ``A2``, ``L`` (each example's loss) and ``J`` are named.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> X = ag.Constant([[1.0, -1.0], [2.0, 0.5]], name="X")
    >>> Y = ag.Constant([[1.0, 0.0]], name="Y")
    >>> p = initial_parameters(2, 3, 0)
    >>> J = network_cost(X, Y, *(ag.Variable(p[k], name=k) for k in PARAMETER_NAMES))
    >>> round(J.value, 6)
    0.693075
    """
    g = ACTIVATIONS[activation]
    Z1 = (W1 @ X + b1).named("Z1")
    A1 = g(Z1, name="A1")
    Z2 = (W2 @ A1 + b2).named("Z2")
    A2 = sigmoid(Z2, name="A2")
    return mean(log_loss(A2, Y, name="L"), name="J")


class _Trainer:
    """The network's graph over all m examples, built once and compiled once (``ag.compile``);
    ``step`` runs the compiled program at new parameters: one forward and backward pass.

    The one place ``fit`` runs the graph. ``program.source`` is the Python of one step, the
    course's forward and backward propagation as the engine computes them.
    """

    def __init__(self, X_columns: np.ndarray, Y_row: np.ndarray, start: dict[str, np.ndarray],
                 activation: str) -> None:
        leaves = [Variable(start[k], name=k) for k in PARAMETER_NAMES]
        self.J = network_cost(
            Constant(X_columns, name="X"), Constant(Y_row, name="Y"), *leaves,
            activation=activation,
        )
        self.program: Program = compile_graph(self.J, name="training_step")
        self.data = {"X": X_columns, "Y": Y_row}
        self.gradients = [self.program.outputs.index("d" + k) for k in PARAMETER_NAMES]

    def step(self, parameters: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        """``J`` and ``dW1, db1, dW2, db2`` at ``parameters``.

        The compiled function is called with its leaves in ``program.inputs`` order. The
        checks ``program(**leaves)`` makes on each call (the names, the shapes) hold here by
        construction: ``fit`` checked the start's shapes once, and each step keeps them.
        """
        values = {**self.data, **parameters}
        results = self.program.function(*(values[name] for name in self.program.inputs))
        return float(results[0]), {
            k: results[i] for k, i in zip(PARAMETER_NAMES, self.gradients, strict=True)
        }


class _NetworkProgress(_Progress):
    """``LogisticRegression``'s progress lines, naming this model."""

    MODEL = "NeuralNetwork"


# --- the estimator --------------------------------------------------------------------------------


class NeuralNetwork:
    """A binary classifier with one hidden layer, by full-batch gradient descent on the graph.

    Parameters
    ----------
    hidden_units : int, default 4
        ``n_h``, the units of the hidden layer; a whole number >= 1.
    activation : {"tanh", "relu"}, default "tanh"
        The hidden layer's ``g``; the output unit is always a sigmoid.
    learning_rate : float, default 1.2
        The step size α of ``W := W − α·dW``; finite and > 0. The course's 1.2.
    max_iter : int, default 10000
        The number of gradient-descent steps, at least 1.
    random_state : int, RandomState, Generator or None, default None
        Seeds the starting weights as ``np.random.seed`` would (``2`` is the course's start).
    verbose : int, default 0
        Print ``Cost after iteration i: J`` every ``verbose`` iterations (the course prints
        every 1000). Independently, a fit that runs longer than a few seconds reports its
        progress on stderr.

    Attributes
    ----------
    parameters_ : dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1): the course's dict,
        trained.
    coefs_, intercepts_ : list of numpy.ndarray
        The same weights in scikit-learn's ``MLPClassifier`` shapes: ``[W1ᵀ, W2ᵀ]`` of shapes
        (n_x, n_h) and (n_h, 1); ``[b1, b2]`` of shapes (n_h,) and (1,).
    classes_ : numpy.ndarray of shape (2,)
        The labels; ``classes_[1]`` is the one ``A2`` is the probability of.
    loss_curve_ : list of float, or numpy.ndarray after load
        ``J`` before each step.
    n_iter_ : int
        The steps taken.
    n_features_in_ : int
        ``n_x``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> rng = np.random.RandomState(1)                  # XOR needs a start larger than 0.01
    >>> start = {"W1": rng.randn(3, 2), "b1": np.zeros((3, 1)),
    ...          "W2": rng.randn(1, 3), "b2": np.zeros((1, 1))}
    >>> model = NeuralNetwork(hidden_units=3, max_iter=500)
    >>> model.fit(X, ["same", "differ", "differ", "same"], parameters=start).predict(X).tolist()
    ['same', 'differ', 'differ', 'same']
    """

    _PARAM_NAMES = _NETWORK_PARAMS

    def __init__(
        self,
        hidden_units: int = 4,
        activation: str = "tanh",
        learning_rate: float = 1.2,
        max_iter: int = 10000,
        random_state: int | np.random.RandomState | np.random.Generator | None = None,
        verbose: int = 0,
    ) -> None:
        self.hidden_units = hidden_units
        self.activation = activation
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state
        self.verbose = verbose

    # --- scikit-learn's conventions ---------------------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters by name (``deep`` is accepted for scikit-learn).

        Examples
        --------
        >>> NeuralNetwork(hidden_units=5).get_params()["hidden_units"]
        5
        """
        return {name: getattr(self, name) for name in self._PARAM_NAMES}

    def set_params(self, **params: Any) -> NeuralNetwork:
        """Set constructor parameters by name and return the model.

        Examples
        --------
        >>> NeuralNetwork().set_params(activation="relu").activation
        'relu'
        """
        for name in params:
            if name not in self._PARAM_NAMES:
                raise ValueError(
                    f"invalid parameter {name!r} for NeuralNetwork; valid parameters are: "
                    f"{', '.join(self._PARAM_NAMES)}"
                )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = NeuralNetwork().get_params()
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not same(value, defaults[name])
        ]
        return f"NeuralNetwork({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's estimator tags: a binary classifier on dense, finite, 2-D ``X``."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True, single_output=True, multi_output=False),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=ClassifierTags(multi_class=False),
            input_tags=InputTags(two_d_array=True, sparse=False, allow_nan=False),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "parameters_")

    # --- training ---------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any, parameters: Mapping[str, Any] | None = None) -> NeuralNetwork:
        """Run ``max_iter`` steps of gradient descent on ``(X, y)``, from the course's start.

        Parameters
        ----------
        X : array-like of shape (m, n_x)
            One example per row (the graph holds its transpose, the course's n_x × m).
        y : array-like of shape (m,)
            Exactly two distinct labels; ``classes_[1]`` (the larger, sorted) plays ``Y = 1``.
        parameters : dict, optional
            The course's ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1) to
            start from (copied, never changed); by default ``initial_parameters``.

        Returns
        -------
        NeuralNetwork
            ``self``, fitted. Nothing is set on the model unless training succeeds.

        Raises
        ------
        ValueError, TypeError
            Naming the constructor parameter, the key of ``parameters`` or the data that is
            wrong, with the shapes; or when gradient descent diverges.
        """
        params = checked_network_params(self.get_params())
        names = feature_names(X)
        X = checked_X(X)
        m, n_x = X.shape
        labels = checked_y(y, m)
        classes = _binary_classes(labels)
        n_h = params["hidden_units"]
        start = (
            initial_parameters(n_x, n_h, params["random_state"])
            if parameters is None
            else checked_parameters(parameters, n_h, n_x)
        )
        Y = (labels == classes[1]).astype(np.float64).reshape(1, m)
        trainer = _Trainer(np.ascontiguousarray(X.T), Y, start, params["activation"])
        rate = params["learning_rate"]
        progress = _NetworkProgress(f"hidden_units={n_h}", params["max_iter"], params["verbose"])
        curve: list[float] = []
        current = dict(start)
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(params["max_iter"]):
                J, grads = trainer.step(current)  # forward and backward on the graph
                if not math.isfinite(J):
                    raise ValueError(
                        f"gradient descent diverged at iteration {i}: the cost J is {J}; "
                        f"lower learning_rate (now {rate})"
                    )
                curve.append(J)
                progress.cost(i, J)
                current = {k: current[k] - rate * grads[k] for k in PARAMETER_NAMES}
                progress.tick(i, J)
        for key, value in current.items():
            if not np.isfinite(value).all():
                raise ValueError(
                    f"gradient descent diverged: the trained {key} is not finite; lower "
                    f"learning_rate (now {rate})"
                )
        return self._fitted(current, classes, curve, names)

    def _fitted(
        self,
        parameters: dict[str, np.ndarray],
        classes: np.ndarray,
        curve: list[float],
        names: np.ndarray | None,
    ) -> NeuralNetwork:
        """Set what training learnt, all at once."""
        self.parameters_ = {k: np.array(parameters[k], dtype=np.float64) for k in PARAMETER_NAMES}
        self.classes_ = classes
        self.n_features_in_ = int(self.parameters_["W1"].shape[1])
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.loss_curve_ = list(curve)
        self.n_iter_ = len(curve)
        return self

    @property
    def coefs_(self) -> list[np.ndarray]:
        """``[W1ᵀ, W2ᵀ]``, of shapes (n_x, n_h) and (n_h, 1): ``MLPClassifier.coefs_``."""
        p = self._parameters()
        return [p["W1"].T.copy(), p["W2"].T.copy()]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """``[b1, b2]`` as 1-D arrays, of shapes (n_h,) and (1,): ``MLPClassifier.intercepts_``."""
        p = self._parameters()
        return [p["b1"].reshape(-1).copy(), p["b2"].reshape(-1).copy()]

    def _parameters(self) -> dict[str, np.ndarray]:
        if not hasattr(self, "parameters_"):
            raise sklearn_kind(NotFittedError)(
                "This NeuralNetwork instance is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this estimator."
            )
        return self.parameters_

    # --- prediction -------------------------------------------------------------------------------

    def _checked_X(self, X: Any) -> np.ndarray:
        p = self._parameters()
        check_feature_names(getattr(self, "feature_names_in_", None), X, type(self).__name__)
        X = checked_X(X)
        n_x = p["W1"].shape[1]
        if X.shape[1] != n_x:
            raise ValueError(
                f"X has {X.shape[1]} features, but NeuralNetwork is expecting {n_x} features "
                f"as input (n_features_in_; W1 has shape {p['W1'].shape} = (n_h, n_x))"
            )
        return X

    def decision_function(self, X: Any) -> np.ndarray:
        """``Z2 = W2·g(W1·x + b1) + b2`` for each example, shape (m,): positive means
        ``classes_[1]``.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> X, y = ag.load_flower()
        >>> model = NeuralNetwork(max_iter=10, random_state=2).fit(X, y)
        >>> model.decision_function(X[:3]).shape
        (3,)
        """
        X = self._checked_X(X)
        p = self.parameters_
        g = ACTIVATIONS[checked_network_params(self.get_params())["activation"]]
        with np.errstate(over="ignore", invalid="ignore"):
            Z1 = Constant(p["W1"]) @ Constant(X.T) + Constant(p["b1"])
            Z2 = (Constant(p["W2"]) @ g(Z1) + Constant(p["b2"])).value
        z = np.asarray(Z2, dtype=np.float64).reshape(-1)
        if np.isnan(z).any():
            raise ValueError(
                "X is too large for this network: the hidden layer overflows float64 (inf − inf)"
                f" for {int(np.isnan(z).sum())} example(s); scale the features first"
            )
        return z

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each class, shape (m, 2): ``[1 − A2, A2]``, in ``classes_`` order."""
        largest = float(np.finfo(np.float64).max)
        z = np.clip(self.decision_function(X), -largest, largest)
        return np.column_stack([sigmoid(-z).value, sigmoid(z).value]).reshape(-1, 2)

    def predict(self, X: Any) -> np.ndarray:
        """The predicted label of each example: ``classes_[1]`` where ``A2 > 0.5``."""
        z = self.decision_function(X)  # first: an unfitted model says so
        return self.classes_[(z > 0).astype(int)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The accuracy on ``(X, y)``: the (weighted) fraction of examples predicted right."""
        predicted = self.predict(X)
        labels = checked_y(y, len(predicted))
        weights = checked_sample_weight(sample_weight, len(predicted))
        right = predicted == labels
        if weights is None:
            return float(np.mean(right))
        return float(np.average(right, weights=weights / weights.max()))

    def graph(self, X: Any, y: Any) -> Node:
        """The cost node ``J`` of the model's graph on ``(X, y)``, computed forward, named as the
        course names it: ``X``, ``Y``, ``W1``, ``b1``, ``Z1``, ``A1``, ``W2``, ``b2``, ``Z2``,
        ``A2``, ``L``, ``J``.

        ``X`` is given with examples in rows, as to ``fit``; the graph's ``X`` is its
        transpose, the course's n_x × m, and ``Y`` is 1 × m (1 for ``classes_[1]``). Call
        ``J.backward()`` to fill in ``dZ2``, ``dW1`` …; ``ag.draw``, ``ag.explain`` and
        ``ag.step_through`` take ``J``.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> X, y = ag.load_flower()
        >>> model = NeuralNetwork(max_iter=1, random_state=2).fit(X, y)
        >>> J = model.graph(X, y)
        >>> J.backward()
        >>> sorted(J.gradients(unnamed=False))
        ['dA1', 'dA2', 'dJ', 'dL', 'dW1', 'dW2', 'dZ1', 'dZ2', 'db1', 'db2']
        """
        X = self._checked_X(X)
        labels = checked_y(y, X.shape[0])
        unknown = ~np.isin(labels, self.classes_)
        if unknown.any():
            raise ValueError(
                f"y holds labels the model does not know, e.g. {labels[unknown][0]!r}; "
                f"classes_ = {self.classes_.tolist()}"
            )
        p = self.parameters_
        Y = (labels == self.classes_[1]).astype(np.float64).reshape(1, -1)
        activation = checked_network_params(self.get_params())["activation"]
        return network_cost(
            Constant(X.T.copy(), name="X"), Constant(Y, name="Y"),
            *(Variable(p[k].copy(), name=k) for k in PARAMETER_NAMES), activation=activation,
        )

    # --- saving without pickle ----------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write the fitted model to an ``.npz`` file (arrays and JSON text, no pickle), as
        ``LogisticRegression.save`` does.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> model = NeuralNetwork(hidden_units=2, max_iter=3, random_state=0)
        >>> model = model.fit([[0.0, 1.0], [1.0, 0.0]], ["a", "b"])
        >>> path = model.save(pathlib.Path(tempfile.mkdtemp()) / "net")
        >>> path.name, NeuralNetwork.load(path).parameters_["W1"].shape
        ('net.npz', (2, 2))
        """
        from autograd_lite.persistence import save_network

        return save_network(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> NeuralNetwork:
        """Read a model written by ``save``, checking every key, shape and value."""
        from autograd_lite.persistence import load_network

        return load_network(cls, path)
