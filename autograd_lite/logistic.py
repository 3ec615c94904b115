"""Logistic regression trained by gradient descent on the engine's graphs, as the lectures do it.

The model writes no gradient formula of its own. ``fit`` builds a graph from the engine's nodes
once (``autograd_lite.lecture``), and each step of gradient descent runs it again, forward and
backward, then takes the step ``w := w − α·dw``, ``b := b − α·db``:

- ``method="loop"`` is the second lecture taken literally. For each example ``i`` it runs the
  one-example graph ``z = w1·x1 + … + wn·xn + b``, ``a = σ(z)``, ``L(a, y)`` on ``x(i)``,
  ``y(i)`` and adds ``L``, ``dw1 … dwn`` and ``db`` into accumulators ``J``, ``dw``, ``db``;
  then it divides them by ``m``. ``loop_form="vector"`` writes ``z = x·w + b`` instead: the loop
  over the features removed, the loop over the examples kept.
- ``method="vectorized"`` runs one graph over all ``m`` examples: ``Z = X·w + b``,
  ``A = σ(Z)``, ``J = mean(L(A, y))``. The same numbers, without Python loops.

Examples are in the rows of ``X`` (shape m × n), as in numpy and scikit-learn; the course puts
them in columns (``Z = wᵀX + b`` with X of shape n × m). The API follows scikit-learn's
conventions (``fit``/``predict``/``predict_proba``/``score``, ``coef_``, ``intercept_``,
``classes_``), so the model works in scikit-learn's ``clone``, ``Pipeline`` and
``cross_val_score``; scikit-learn itself is never imported here.

Examples
--------
>>> import numpy as np
>>> from autograd_lite.logistic import LogisticRegression
>>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 2.0]])
>>> y = np.array(["no", "no", "yes", "yes"])
>>> model = LogisticRegression(learning_rate=0.5, max_iter=200).fit(X, y)
>>> model.predict([[0.5, 0.5], [2.5, 2.5]]).tolist()
['no', 'yes']
>>> round(model.loss_curve_[0], 6)           # J before the first step, from w = 0, b = 0: log 2
0.693147
"""

from __future__ import annotations

import os
import pathlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite.lecture import ExampleLoop, VectorizedGraph, cost, example_loss
from autograd_lite.node import Constant, Variable
from autograd_lite.ops import LogLoss, sigmoid
from autograd_lite.persistence import load_model, save_model
from autograd_lite.validation import (
    PARAM_NAMES,
    check_finite,
    checked_params,
    checked_start,
    checked_X,
    checked_y,
    same,
    two_classes,
)

__all__ = ["GradientStep", "LogisticRegression", "NotFittedError"]


class NotFittedError(ValueError, AttributeError):
    """The model was used before ``fit`` (or ``load``): scikit-learn's kind of error.

    It is both a ``ValueError`` and an ``AttributeError``, like ``sklearn.exceptions.
    NotFittedError``, so code that catches either keeps working.
    """


@dataclass(frozen=True)
class GradientStep:
    """One step of gradient descent, as ``fit(..., callback=...)`` reports it.

    The gradients are those the engine's backward pass gave at ``w``, ``b`` (the parameters
    *before* this step's update ``w := w − α·dw``, ``b := b − α·db``).
    """

    iteration: int
    """0 for the first step."""
    J: float
    """The cost at ``w``, ``b``: the mean log-loss over the m examples."""
    dw: np.ndarray
    """dJ/dw, shape (n,)."""
    db: float
    """dJ/db."""
    w: np.ndarray
    """The weights before the update, shape (n,)."""
    b: float
    """The bias before the update."""


class _Progress:
    """What ``fit`` prints while it trains, so the training loop shows only the lecture's steps.

    ``verbose = k`` prints the cost every k iterations on stdout, as the course's notebooks do.
    Apart from that, training that has run for more than a few seconds reports how far it has
    come on stderr, so that a long ``fit`` (``method="loop"`` on real data) does not look hung.
    """

    AFTER = 3.0  # seconds of training before the first progress line
    EVERY = 5.0  # seconds between progress lines

    def __init__(self, method: str, max_iter: int, verbose: int) -> None:
        self.method = method
        self.max_iter = max_iter
        self.verbose = verbose
        self.start = time.perf_counter()
        self.next = self.start + self.AFTER

    def cost(self, i: int, J: float) -> None:
        if self.verbose and i % self.verbose == 0:
            print(f"Cost after iteration {i}: {J:.6f}", flush=True)

    def tick(self, i: int, J: float) -> None:
        now = time.perf_counter()
        if now >= self.next and i + 1 < self.max_iter:
            self.next = now + self.EVERY
            left = (now - self.start) / (i + 1) * (self.max_iter - i - 1)
            print(
                f"LogisticRegression(method={self.method!r}): iteration {i + 1}/{self.max_iter}, "
                f"J = {J:.6f}, {now - self.start:.0f} s so far, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )


# --- the estimator ----------------------------------------------------------------------------


class LogisticRegression:
    """Binary logistic regression by full-batch gradient descent on the engine's graphs.

    Parameters
    ----------
    learning_rate : float, default 0.1
        The step size α of ``w := w − α·dw``; finite and not negative.
    max_iter : int, default 1000
        The number of gradient-descent steps (at most, with ``tol``); at least 1.
    method : {"vectorized", "loop"}, default "vectorized"
        ``"loop"``: one small graph run for each example, and accumulators, as the second
        lecture writes it first (slow on purpose). ``"vectorized"``: one graph over all
        examples. Both give the same parameters, up to rounding.
    loop_form : {"features", "vector"}, default "features"
        For ``method="loop"``: ``"features"`` computes ``z = w1·x1 + … + wn·xn + b`` with one
        node per feature (the loop over the features); ``"vector"`` computes ``z = x·w + b``,
        one vector product per example (that loop removed). Ignored by ``"vectorized"``.
    tol : float or None, default None
        Stop early once a step lowers the cost by less than ``tol``. ``None`` runs all
        ``max_iter`` steps.
    verbose : int, default 0
        Print ``Cost after iteration i: J`` every ``verbose`` iterations (0: silent).
        Independently, training that runs longer than a few seconds reports its progress on
        stderr.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (1, n)
        The weights ``w`` (the lecture's ``w1 … wn``).
    intercept_ : numpy.ndarray of shape (1,)
        The bias ``b``.
    classes_ : numpy.ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` plays the lecture's ``y = 1``.
    n_features_in_ : int
        The number of features ``n`` seen by ``fit``.
    loss_curve_ : list of float
        The cost ``J`` before each update, one entry per iteration.
    n_iter_ : int
        The number of steps taken (``len(loss_curve_)``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> loop = LogisticRegression(method="loop", max_iter=5).fit(X, y)
    >>> vectorized = LogisticRegression(max_iter=5).fit(X, y)
    >>> bool(np.allclose(loop.coef_, vectorized.coef_, rtol=1e-12, atol=0))
    True
    >>> model = LogisticRegression(learning_rate=0.5, max_iter=100).fit(X, y)
    >>> model.predict_proba([[1.0, 1.0], [4.0, 4.0]]).round(3)   # columns: classes_ 0, 1
    array([[0.924, 0.076],
           [0.033, 0.967]])
    """

    _estimator_type = "classifier"  # scikit-learn before 1.6 reads this

    def __init__(
        self,
        learning_rate: float = 0.1,
        max_iter: int = 1000,
        method: str = "vectorized",
        loop_form: str = "features",
        tol: float | None = None,
        verbose: int = 0,
    ) -> None:
        # scikit-learn's convention: store the parameters as given; fit checks them.
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.method = method
        self.loop_form = loop_form
        self.tol = tol
        self.verbose = verbose

    # --- parameters, as scikit-learn expects them ---------------------------------------------

    _PARAM_NAMES = PARAM_NAMES

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters by name (``deep`` is accepted for scikit-learn).

        Examples
        --------
        >>> LogisticRegression(max_iter=50).get_params()["max_iter"]
        50
        """
        return {name: getattr(self, name) for name in self._PARAM_NAMES}

    def set_params(self, **params: Any) -> LogisticRegression:
        """Set constructor parameters by name and return the model.

        Examples
        --------
        >>> LogisticRegression().set_params(method="loop").method
        'loop'
        """
        for name in params:
            if name not in self._PARAM_NAMES:
                raise ValueError(
                    f"invalid parameter {name!r} for LogisticRegression; valid parameters are: "
                    f"{', '.join(self._PARAM_NAMES)}"
                )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = LogisticRegression().get_params()
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not same(value, defaults[name])
        ]
        return f"LogisticRegression({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's estimator tags (only scikit-learn calls this, so it may import it)."""
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=ClassifierTags(multi_class=False),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "coef_")

    # --- training ------------------------------------------------------------------------------

    def fit(
        self,
        X: Any,
        y: Any,
        coef_init: Any = None,
        intercept_init: Any = None,
        callback: Callable[[GradientStep], None] | None = None,
    ) -> LogisticRegression:
        """Run gradient descent from ``w = 0, b = 0`` (or the given start) on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (m, n)
            One example per row; finite real numbers.
        y : array-like of shape (m,)
            Exactly two distinct labels: 0/1, bools, strings … ``classes_[1]`` (the larger,
            in sorted order) is the one the model's ``a`` is the probability of.
        coef_init : array-like of shape (n,) or (1, n), optional
            Start from these weights instead of zeros.
        intercept_init : float or array-like of shape (1,), optional
            Start from this bias instead of 0.
        callback : callable, optional
            Called once per step with a ``GradientStep`` (the cost and the gradients the
            backward pass gave, before the update). It runs with numpy's overflow warnings
            off, as the steps do: a diverging descent is reported as an error instead.

        Returns
        -------
        LogisticRegression
            ``self``, fitted.
        """
        learning_rate, max_iter, method, loop_form, tol, verbose = checked_params(
            self.get_params()
        )
        X = checked_X(X)
        m, n = X.shape
        labels = checked_y(y, m)
        classes = two_classes(labels)
        w = (
            np.zeros(n)
            if coef_init is None
            else checked_start(coef_init, "coef_init", ((n,), (1, n))).reshape(n)
        )
        b = (
            0.0
            if intercept_init is None
            else float(checked_start(intercept_init, "intercept_init", ((), (1,))).reshape(()))
        )

        # The graph is built once; each step runs it again (forward, then backward).
        # The lecture's y = 1 where the label is classes_[1]; the graph holds its own float64 copy.
        if method == "vectorized":
            graph = VectorizedGraph(X, labels == classes[1])
        else:
            graph = ExampleLoop(X, labels == classes[1], loop_form)
        progress = _Progress(method, max_iter, verbose)
        curve: list[float] = []
        # Overflow only happens when the descent diverges, which check_finite reports (so the
        # callback, too, runs without numpy's overflow warnings).
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(max_iter):
                J, dw, db = graph.gradients(w, b)  # the lecture's forward and backward pass
                check_finite(i, "the cost and gradients", J, dw, db, learning_rate)
                curve.append(J)
                if callback is not None:
                    callback(GradientStep(i, J, np.array(dw), db, w.copy(), b))
                progress.cost(i, J)
                w, b = w - learning_rate * dw, b - learning_rate * db  # w := w − α·dw, …
                check_finite(i, "the updated w and b", J, w, b, learning_rate)
                if tol is not None and i > 0 and curve[-2] - J < tol:
                    break
                progress.tick(i, J)

        self.coef_ = w.reshape(1, n)
        self.intercept_ = np.array([b])
        self.classes_ = classes
        self.n_features_in_ = n
        self.loss_curve_ = curve
        self.n_iter_ = len(curve)
        return self

    # --- prediction ------------------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        """``z = X·w + b`` for each example (shape (m,)): positive means ``classes_[1]``."""
        w, b = self._parameters()
        X = checked_X(X)
        if X.shape[1] != w.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but this LogisticRegression was fitted with "
                f"{w.shape[0]} features"
            )
        return X @ w + b

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each class, shape (m, 2), columns in the order of ``classes_``.

        The second column is the lecture's ``a = σ(z)``; the first is ``1 − a``, computed as
        ``σ(−z)`` so that it does not round to 0.
        """
        z = self.decision_function(X)
        return np.column_stack([sigmoid(-z).value, sigmoid(z).value]).reshape(-1, 2)

    def predict(self, X: Any) -> np.ndarray:
        """The predicted label of each example: ``classes_[1]`` where ``a > 0.5`` (``z > 0``)."""
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(int)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The accuracy on ``(X, y)``: the fraction of examples predicted right."""
        predicted = self.predict(X)
        labels = checked_y(y, len(predicted))
        return float(np.average(predicted == labels, weights=sample_weight))

    def cost(self, X: Any, y: Any) -> float:
        """The cost ``J`` (mean log-loss) of the current parameters on ``(X, y)``."""
        w, b = self._parameters()
        X = checked_X(X)
        labels = checked_y(y, X.shape[0])
        unknown = ~np.isin(labels, self.classes_)
        if unknown.any():
            raise ValueError(
                f"y holds labels the model does not know, e.g. {labels[unknown][0]!r}; "
                f"classes_ = {self.classes_.tolist()}"
            )
        y01 = (labels == self.classes_[1]).astype(np.float64)
        return cost(Constant(X), Constant(y01), Constant(w), Constant(b)).value

    def example_graph(self, x: Any, y: Any) -> LogLoss:
        """The one-example graph with the fitted parameters: ``L`` for ``(x, y)``, before backward.

        Its leaves are named ``w1 … wn``, ``b`` (variables) and ``x1 … xn``, ``y`` (constants),
        as in the lecture; call ``L.backward()`` to fill in ``dz``, ``dw1`` …

        Examples
        --------
        >>> import numpy as np
        >>> model = LogisticRegression(max_iter=1).fit([[1.0, 2.0], [2.0, 0.0]], [0, 1])
        >>> L = model.example_graph([1.0, 2.0], 0)
        >>> L.backward()
        >>> sorted(L.gradients())
        ['dL', 'da', 'db', 'dw1', 'dw2', 'dz']
        """
        w, b = self._parameters()
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        checked_X(x.reshape(1, -1))
        if x.shape[0] != w.shape[0]:
            raise ValueError(f"x has {x.shape[0]} features, but the model has {w.shape[0]}")
        label = checked_y([y], 1)[0]
        if label not in self.classes_:
            raise ValueError(f"y = {y!r} is not one of classes_ = {self.classes_.tolist()}")
        y01 = float(label == self.classes_[1])
        weights = [Variable(v, name=f"w{j}") for j, v in enumerate(w.tolist(), start=1)]
        inputs = [Constant(v, name=f"x{j}") for j, v in enumerate(x.tolist(), start=1)]
        return example_loss(weights, Variable(b, name="b"), inputs, Constant(y01, name="y"))

    def _parameters(self) -> tuple[np.ndarray, float]:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                "This LogisticRegression instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        coef = np.asarray(self.coef_, dtype=np.float64)
        intercept = np.asarray(self.intercept_, dtype=np.float64)
        if coef.ndim != 2 or coef.shape[0] != 1 or intercept.shape != (1,):
            raise ValueError(
                f"coef_ must have shape (1, n) and intercept_ shape (1,); they have "
                f"{coef.shape} and {intercept.shape}"
            )
        return coef[0], float(intercept[0])

    # --- saving without pickle --------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write the fitted model to an ``.npz`` file (numpy arrays and JSON text, no pickle).

        ``.npz`` (in any case) is added to a name without it; the path written is returned.
        Labels held in an object array are saved when they are all numbers, all bools or all
        strings. Raises ``IsADirectoryError`` if ``path`` is an existing folder.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> model = LogisticRegression(max_iter=3).fit([[0.0], [1.0]], ["cat", "dog"])
        >>> path = model.save(pathlib.Path(tempfile.mkdtemp()) / "model")
        >>> path.name, LogisticRegression.load(path).classes_.tolist()
        ('model.npz', ['cat', 'dog'])
        """
        return save_model(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LogisticRegression:
        """Read a model written by ``save``, checking every key, shape and value.

        Raises ``ValueError`` naming what is wrong for a file that is not such a model, was
        changed by hand, or holds pickled objects (never unpickled).
        """
        return load_model(cls, path)
