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
- ``batch_size=B`` runs that graph on mini-batches of ``B`` examples, one step per batch, the
  mean taken over the batch (``autograd_lite.minibatch``); an epoch is one pass over them all.
  ``partial_fit`` takes such steps over one chunk of the data at a time, so that data larger
  than memory (a ``numpy.memmap``, or a Dask array through ``dask_ml.wrappers.Incremental``)
  can be trained on.

Examples are in the rows of ``X`` (shape m × n), as in numpy and scikit-learn; the course puts
them in columns (``Z = wᵀX + b`` with X of shape n × m). The API follows scikit-learn's
conventions (``fit``/``predict``/``predict_proba``/``score``, ``coef_``, ``intercept_``,
``classes_``), so the model works in scikit-learn's ``clone``, ``Pipeline`` and
``cross_val_score``, and passes scikit-learn's own ``check_estimator``. scikit-learn is never
needed (``autograd_lite.conventions`` keeps its conventions without it); when it is installed, a
``NotFittedError`` is also scikit-learn's, so its tools catch it.

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

from autograd_lite.conventions import (
    NotFittedError,
    check_feature_names,
    feature_names,
    sklearn_kind,
)
from autograd_lite.lecture import ALPHA, CompiledCost, CompiledLoop, cost, example_loss
from autograd_lite.minibatch import BatchGraphs, Examples, batch_rows, run_epoch
from autograd_lite.node import Constant, Variable
from autograd_lite.ops import LogLoss, sigmoid
from autograd_lite.persistence import load_model, save_model
from autograd_lite.validation import (
    PARAM_NAMES,
    Params,
    check_finite,
    checked_classes,
    checked_params,
    checked_sample_weight,
    checked_start,
    checked_X,
    checked_y,
    label_kind,
    same,
    seeded,
    two_classes,
)

__all__ = ["GradientStep", "LogisticRegression", "NotFittedError"]


@dataclass(frozen=True)
class GradientStep:
    """One step of gradient descent, as ``fit(..., callback=...)`` reports it.

    The gradients are those the engine's backward pass gave at ``w``, ``b`` (the parameters
    *before* this step's update ``w := w − α·dw``, ``b := b − α·db``). With full batches
    there is one step per iteration; with mini-batches (``batch_size``), one per batch, and an
    iteration is an epoch, a pass over all the batches.
    """

    iteration: int
    """The iteration (epoch) the step belongs to: 0 for the first."""
    J: float
    """The cost at ``w``, ``b``: the mean log-loss over the step's examples (all m, or the
    batch)."""
    dw: np.ndarray
    """dJ/dw, shape (n,)."""
    db: float
    """dJ/db."""
    w: np.ndarray
    """The weights before the update, shape (n,)."""
    b: float
    """The bias before the update."""
    step: int
    """The step's number in this ``fit``, from 0: ``iteration`` again with full batches."""


class _Progress:
    """What ``fit`` prints while it trains, so the training loop shows only the lecture's steps.

    ``verbose = k`` prints the cost every k iterations on stdout, as the course's notebooks do.
    Apart from that, training that has run for more than a few seconds reports how far it has
    come on stderr, so that a long ``fit`` (``method="loop"`` on real data) does not look hung.
    """

    MODEL = "LogisticRegression"  # the model the progress line names
    AFTER = 3.0  # seconds of training before the first progress line
    EVERY = 5.0  # seconds between progress lines

    def __init__(self, setting: str, max_iter: int, verbose: int) -> None:
        self.setting = setting  # e.g. "method='loop'", which the progress line names
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
                f"{self.MODEL}({self.setting}): iteration {i + 1}/{self.max_iter}, "
                f"J = {J:.6f}, {now - self.start:.0f} s so far, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )

    def batch(self, i: int, k: int, batches: int, J: float) -> None:
        """After mini-batch ``k`` (from 1) of ``batches`` in iteration ``i``: an epoch can be
        long, so progress is reported within it too."""
        now = time.perf_counter()
        if now >= self.next and (i + 1 < self.max_iter or k < batches):
            self.next = now + self.EVERY
            done = i + k / batches
            left = (now - self.start) / done * (self.max_iter - done)
            print(
                f"{self.MODEL}({self.setting}): iteration {i + 1}/"
                f"{self.max_iter}, mini-batch {k}/{batches}, J = {J:.6f} on this batch, "
                f"{now - self.start:.0f} s so far, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )


def _start(n: int, coef_init: Any, intercept_init: Any) -> tuple[np.ndarray, float]:
    """``w`` and ``b`` to start from: zeros, or ``fit``'s ``coef_init`` and ``intercept_init``."""
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
    return w, b


_LARGEST = float(np.finfo(np.float64).max)


def _logits(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """``z = X·w + b`` for each row of ``X``, with the right sign even where it overflows.

    ``X @ w + b`` is used as it is where it is finite. Where it is not, a product
    ``x_j·w_j`` overflowed (``X``, ``w``, ``b`` are finite), and an ``inf − inf`` may have made
    it NaN: a row with 1e300 and −0.9e300 against weights 1e10 would be predicted at random.
    Those rows are computed again with ``(x, 1)`` and ``(w, b)`` each divided by a power of 2
    that brings its largest entry below 1 (an exact division, which cannot change a sign),
    then multiplied back: ``z`` as ``X @ w + b`` would give it with an unbounded exponent, so
    ``±inf`` only where ``|z|`` itself is beyond float64.

    Examples
    --------
    >>> _logits(np.array([[1e300, -0.9e300], [1.0, 2.0]]), np.array([1e10, 1e10]), 0.5).tolist()
    [inf, 30000000000.5]
    """
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
    lost = ~np.isfinite(z)
    if not lost.any():
        return z
    rows = np.column_stack([X[lost], np.ones(np.count_nonzero(lost))])  # (x, 1)
    weights = np.append(w, b)  # (w, b): not all 0, or z would be 0
    _, row_exponents = np.frexp(np.max(np.abs(rows), axis=1))
    _, weight_exponent = np.frexp(np.max(np.abs(weights)))
    scaled = np.ldexp(rows, -row_exponents[:, None]) @ np.ldexp(weights, -weight_exponent)
    with np.errstate(over="ignore"):
        z[lost] = np.ldexp(scaled, row_exponents + weight_exponent)
    return z


# --- the estimator ----------------------------------------------------------------------------


class LogisticRegression:
    """Binary logistic regression by gradient descent on the engine's graphs.

    Full-batch gradient descent by default, as the lectures do it; mini-batch gradient descent
    with ``batch_size``, and one chunk of the data at a time with ``partial_fit``.

    Parameters
    ----------
    learning_rate : float, default 0.1
        The step size α of ``w := w − α·dw``; finite and not negative.
    max_iter : int, default 1000
        The number of iterations (at most, with ``tol``); at least 1. An iteration is one
        gradient-descent step with full batches, one epoch (a step per mini-batch) with
        ``batch_size``.
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
    batch_size : int or None, default None
        ``None``: full-batch gradient descent, one step per iteration on all m examples.
        An integer ``B >= 1``: mini-batch gradient descent, each iteration one epoch of
        ``ceil(m / B)`` steps, each on ``B`` examples with the mean taken over those (the last
        batch holds what is left over). A ``B`` larger than ``m`` is taken as ``m``: one batch,
        the full-batch step. ``X`` is then read one batch at a time, so a ``numpy.memmap`` (or
        any array sliced by rows) larger than memory can be trained on. Needs
        ``method="vectorized"``.
    shuffle : bool, default True
        With ``batch_size``: take the examples in a new random order each epoch
        (``rng.permutation(m)``, ``rng = numpy.random.default_rng(random_state)``) rather
        than in the order given. Ignored with full batches.
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None, default None
        The seed of the shuffle: the same seed, the same batches, the same model. ``None``:
        a fresh order at each ``fit``. A generator instance, as scikit-learn takes one, draws
        the order from its stream (successive fits differ); only an integer seed can be saved.
        A saved model's ``partial_fit`` goes on with the shuffle where it stopped.

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
    feature_names_in_ : numpy.ndarray of shape (n,), dtype object
        The column names of ``X``, when ``fit`` was given a data frame whose column names are
        all strings (otherwise not set). Every later call checks the names of its ``X``
        against them, as scikit-learn does: columns in another order would silently give each
        weight the wrong feature.
    loss_curve_ : list of float, or numpy.ndarray after load
        The cost ``J`` before each update, one entry per iteration. With mini-batches, the
        epoch's mean cost: each batch's ``J`` before its step, averaged over all m examples.
        ``partial_fit`` adds one entry per call. A model read by ``load`` holds it as the
        float64 array the file holds (a long curve is not turned into Python floats).
    n_iter_ : int
        The number of iterations run (``len(loss_curve_)``).

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
        learning_rate: float = ALPHA,
        max_iter: int = 1000,
        method: str = "vectorized",
        loop_form: str = "features",
        tol: float | None = None,
        verbose: int = 0,
        batch_size: int | None = None,
        shuffle: bool = True,
        random_state: int | np.random.RandomState | np.random.Generator | None = None,
    ) -> None:
        # scikit-learn's convention: store the parameters as given; fit checks them.
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.method = method
        self.loop_form = loop_form
        self.tol = tol
        self.verbose = verbose
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state

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
        """scikit-learn's estimator tags (only scikit-learn calls this, so it may import it).

        A classifier of two classes only, trained on a dense 2-D ``X`` of finite numbers and a
        1-D ``y``, which it needs; ``fit`` refuses multiclass or continuous ``y``, NaN and
        sparse ``X`` with scikit-learn's kinds of error.
        """
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

        With ``batch_size``, ``X`` in memory is checked once and read a batch at a time;
        a ``numpy.memmap`` or any other array that knows its ``shape`` and ``dtype`` and can be
        sliced by rows (``X[i:j]``, ``X[[i, j, k]]``) is read, converted to float64 and checked
        one batch at a time, and never whole: the memory training needs is that of a batch,
        plus 8 bytes per example for a shuffled order (see ``autograd_lite.minibatch``).

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
        params = checked_params(self.get_params())
        if callback is not None and not callable(callback):  # refused before any step runs
            raise TypeError(
                f"fit: callback must be callable (a function taking a GradientStep) or None, "
                f"got {callback!r} ({type(callback).__name__})"
            )
        names = feature_names(X)
        if params.batch_size is not None:
            return self._fit_batches(params, X, y, coef_init, intercept_init, callback, names)
        learning_rate, max_iter, method, loop_form, tol, verbose = params[:6]
        # A float32 (or integer) X stays as it is: the graph's constant X is the one float64
        # copy of the data, not a second one.
        X = checked_X(X, convert=False)
        m, n = X.shape
        labels = checked_y(y, m)
        classes = two_classes(labels)
        w, b = _start(n, coef_init, intercept_init)

        # The graph is compiled once (ag.compile); each step runs the program: forward, then
        # backward, as the lecture writes them. The lecture's y = 1 where the label is classes_[1].
        Y = (labels == classes[1]).astype(np.float64)
        if method == "vectorized":
            step = CompiledCost(n)
            data = X if X.dtype == np.float64 else X.astype(np.float64)
        else:
            step = CompiledLoop(n, loop_form)
            data = X.astype(np.float64, copy=False)
        progress = _Progress(f"method={method!r}", max_iter, verbose)
        curve: list[float] = []
        # Overflow only happens when the descent diverges, which check_finite reports (so the
        # callback, too, runs without numpy's overflow warnings).
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(max_iter):
                J, dw, db = step.gradients(data, Y, w, b)  # the lecture's forward and backward
                check_finite(i, "the cost and gradients", J, dw, db, learning_rate)
                curve.append(J)
                if callback is not None:
                    callback(GradientStep(i, J, np.array(dw), db, w.copy(), b, i))
                progress.cost(i, J)
                w, b = w - learning_rate * dw, b - learning_rate * db  # w := w − α·dw, …
                check_finite(i, "the updated w and b", J, w, b, learning_rate)
                if tol is not None and i > 0 and curve[-2] - J < tol:
                    break
                progress.tick(i, J)
        return self._fitted(w, b, classes, curve, None, names)

    def _fit_batches(
        self,
        params: Params,
        X: Any,
        y: Any,
        coef_init: Any,
        intercept_init: Any,
        callback: Callable[[GradientStep], None] | None,
        names: np.ndarray | None,
    ) -> LogisticRegression:
        """``fit`` with mini-batches: one epoch over the batches per iteration."""
        examples = Examples(X, y)
        classes = examples.classes()
        w, b = _start(examples.n, coef_init, intercept_init)
        size = min(params.batch_size or examples.m, examples.m)  # larger than m: all m
        batches = -(-examples.m // size)
        # One batch of all m examples is the full-batch step: nothing to shuffle.
        rng = seeded(params.random_state) if params.shuffle and size < examples.m else None
        graphs = BatchGraphs()  # built once per batch shape, then run again on each batch
        progress = _Progress(f"batch_size={params.batch_size}", params.max_iter, params.verbose)
        curve: list[float] = []
        steps = 0

        def on_step(J: float, dw: np.ndarray, db: float, w: np.ndarray, b: float) -> None:
            nonlocal steps
            if callback is not None:
                callback(GradientStep(i, J, np.array(dw), db, w.copy(), b, steps))
            steps += 1
            progress.batch(i, steps - i * batches, batches, J)

        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(params.max_iter):
                J, w, b = run_epoch(
                    examples, graphs, batch_rows(examples.m, size, rng), classes[1], w, b,
                    params.learning_rate, i, on_step,
                )
                curve.append(J)
                progress.cost(i, J)
                if params.tol is not None and i > 0 and curve[-2] - J < params.tol:
                    break
        examples.release()
        return self._fitted(w, b, classes, curve, rng, names)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> LogisticRegression:
        """One pass of gradient descent over one chunk of the data, from where the model is.

        scikit-learn's convention for training on data that comes a chunk at a time (a loop
        over the chunks of a file, or ``dask_ml.wrappers.Incremental`` over the blocks of a
        Dask array). The first call starts from ``w = 0, b = 0`` and must name both labels in
        ``classes``, since a chunk may hold only one; each later call, and a call after
        ``fit``, goes on from the model's ``coef_`` and ``intercept_``.

        Each call takes the steps of one epoch over the chunk: with ``batch_size=None``, one
        full-batch step on the whole chunk (read into memory); with ``batch_size=B``, one step
        per batch of ``B`` examples of the chunk, shuffled if ``shuffle`` (the order continues
        from call to call, seeded by ``random_state``). It adds one entry to ``loss_curve_``,
        the chunk's mean cost before its steps. So ``partial_fit`` over the chunks of ``X`` in
        order takes the steps of one epoch of ``fit`` with ``batch_size`` the chunks' size and
        ``shuffle=False``. ``max_iter`` and ``tol`` are ``fit``'s alone.

        Parameters
        ----------
        X : array-like of shape (k, n)
            The chunk's examples, with the same n features at every call.
        y : array-like of shape (k,)
            Their labels, each one of ``classes``.
        classes : array-like of shape (2,), optional
            The two labels of the whole data set. Required on the first call; on a later
            call, if given, it must be the same two (``classes_``).

        Returns
        -------
        LogisticRegression
            ``self``.

        Raises
        ------
        ValueError
            For a first call without ``classes``, ``classes`` that are not two labels or not
            those of the first call, a label of ``y`` not in ``classes``, or a number of
            features that differs from ``n_features_in_``.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 2.0]])
        >>> y = np.array([0, 0, 1, 1])
        >>> model = LogisticRegression(learning_rate=0.5)
        >>> for start in (0, 2):                   # two chunks of two examples, in order
        ...     _ = model.partial_fit(X[start:start + 2], y[start:start + 2], classes=[0, 1])
        >>> once = LogisticRegression(learning_rate=0.5, batch_size=2, shuffle=False,
        ...                           max_iter=1).fit(X, y)
        >>> bool(np.array_equal(model.coef_, once.coef_)), len(model.loss_curve_)
        (True, 2)
        """
        params = checked_params(self.get_params())
        fitted = hasattr(self, "coef_")
        names = feature_names(X)
        if fitted:
            check_feature_names(self._feature_names(), X, type(self).__name__)
            names = self._feature_names()
        examples = Examples(X, y)
        if fitted:
            w, b = self._parameters()
            if examples.n != w.shape[0]:
                raise ValueError(
                    f"X has {examples.n} features, but {type(self).__name__} is expecting "
                    f"{w.shape[0]} features as input (n_features_in_, shape of X "
                    f"{(examples.m, examples.n)}); every call to partial_fit must give the "
                    "same features"
                )
            known = np.asarray(self.classes_)
            if classes is not None and not np.array_equal(checked_classes(classes), known):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()!r} differs from the model's "
                    f"classes_ = {known.tolist()!r}, set by the first call to fit or partial_fit"
                )
        else:
            if classes is None:
                raise ValueError(
                    "classes must be given on the first call to partial_fit: the two labels of "
                    "the whole data set, e.g. classes=[0, 1], since one chunk may hold only one"
                )
            known = checked_classes(classes)
            w, b = np.zeros(examples.n), 0.0
        unknown = examples.unknown_label(known)
        if unknown is not None:
            raise ValueError(
                f"y holds the label {unknown!r}, which is not one of classes = "
                f"{known.tolist()!r}"
            )
        rng = getattr(self, "_rng", None)  # the shuffle goes on from the last call's order
        size = min(params.batch_size or examples.m, examples.m)
        shuffled = params.shuffle and params.batch_size is not None and size < examples.m
        if shuffled and rng is None:
            rng = seeded(params.random_state)
        graphs = BatchGraphs(params.loop_form if params.method == "loop" else None)
        with np.errstate(over="ignore", invalid="ignore"):
            J, w, b = run_epoch(
                examples, graphs, batch_rows(examples.m, size, rng if shuffled else None),
                known[1], np.array(w, dtype=np.float64), b, params.learning_rate,
                getattr(self, "n_iter_", 0),
            )
        examples.release()
        curve = [*getattr(self, "loss_curve_", []), J] if fitted else [J]
        if params.verbose:  # fit's line, for this call's entry of loss_curve_
            _Progress("partial_fit", 1, params.verbose).cost(len(curve) - 1, J)
        return self._fitted(w, b, known, curve, rng, names)

    def _fitted(
        self,
        w: np.ndarray,
        b: float,
        classes: np.ndarray,
        curve: list[float],
        rng: np.random.Generator | None,
        names: np.ndarray | None,
    ) -> LogisticRegression:
        """Set what training learnt (and the shuffle's generator, for partial_fit to go on)."""
        n = w.shape[0]
        self.coef_ = w.reshape(1, n)
        self.intercept_ = np.array([b])
        self.classes_ = classes
        self.n_features_in_ = n
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):  # refitted on data without names
            del self.feature_names_in_
        self.loss_curve_ = curve
        self.n_iter_ = len(curve)
        self._rng = rng
        return self

    def _feature_names(self) -> np.ndarray | None:
        return getattr(self, "feature_names_in_", None)

    # --- prediction ------------------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        """``z = X·w + b`` for each example (shape (m,)): positive means ``classes_[1]``.

        Each ``z`` is the one ``X @ w + b`` gives, and keeps its sign even where that
        overflows: where ``|z|`` is beyond the largest float64 (about 1.8e308) it is ``±inf``,
        never NaN (see ``_logits``).

        Examples
        --------
        >>> model = LogisticRegression(max_iter=1).fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
        >>> model.coef_, model.intercept_ = np.array([[1e10, 1e10]]), np.array([0.0])
        >>> model.decision_function([[1e300, -0.9e300]])     # 1e309: too large, but positive
        array([inf])
        """
        w, b = self._parameters()
        check_feature_names(self._feature_names(), X, type(self).__name__)
        X = checked_X(X)
        if X.shape[1] != w.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{w.shape[0]} features as input (n_features_in_, set by fit)"
            )
        return _logits(X, w, b)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each class, shape (m, 2), columns in the order of ``classes_``.

        The second column is the lecture's ``a = σ(z)``; the first is ``1 − a``, computed as
        ``σ(−z)`` so that it does not round to 0. A ``z`` too large for float64 gives exactly
        0 and 1.
        """
        # σ(±1.8e308) is already exactly 1 or 0: the engine is given finite numbers only.
        z = np.clip(self.decision_function(X), -_LARGEST, _LARGEST)
        return np.column_stack([sigmoid(-z).value, sigmoid(z).value]).reshape(-1, 2)

    def predict(self, X: Any) -> np.ndarray:
        """The predicted label of each example: ``classes_[1]`` where ``a > 0.5`` (``z > 0``)."""
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(int)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The accuracy on ``(X, y)``: the fraction of examples predicted right.

        With ``sample_weight`` (one finite weight >= 0 per example, not all 0), the weighted
        fraction: the weights of the examples predicted right over the sum of all weights.

        Examples
        --------
        >>> model = LogisticRegression(max_iter=50).fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
        >>> model.score([[0.0], [3.0]], [1, 1]), model.score([[0.0], [3.0]], [1, 1], [1, 3])
        (0.5, 0.75)
        """
        predicted = self.predict(X)
        labels = checked_y(y, len(predicted))
        # "0" never equals 0: labels of the other kind would score 0.0 whatever the model.
        given, fitted = label_kind(labels), label_kind(self.classes_)
        if given != fitted:
            shown = ", ".join(repr(v) for v in np.unique(labels)[:3].tolist())
            raise ValueError(
                f"Mix of label input types (string and number): y holds {given}s ({shown}), "
                f"but the model was fitted on {fitted}s: classes_ = {self.classes_.tolist()}; "
                f"give y as {fitted}s"
            )
        weights = checked_sample_weight(sample_weight, len(predicted))
        right = predicted == labels
        if weights is None:
            return float(np.mean(right))
        with np.errstate(over="ignore", invalid="ignore"):  # inf / inf: retried below
            score = np.average(right, weights=weights)  # scikit-learn's accuracy_score, exactly
        if not np.isfinite(score):  # weights near 1e308 summed to inf: scale them down first
            score = np.average(right, weights=weights / weights.max())
        return float(score)

    def cost(self, X: Any, y: Any) -> float:
        """The cost ``J`` (mean log-loss) of the current parameters on ``(X, y)``."""
        w, b = self._parameters()
        check_feature_names(self._feature_names(), X, type(self).__name__)
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
        >>> sorted(L.gradients(unnamed=False))
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
            raise sklearn_kind(NotFittedError)(
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
