"""Checking what a user hands ``LogisticRegression``: its parameters, data and starting point.

Every function here either returns its input converted to what training needs (float64 arrays,
plain Python numbers) or raises a ``ValueError`` whose message says what is wrong and, where it
can, how to fix it. Training and prediction never see input that did not pass through here.

Examples
--------
>>> from autograd_lite.validation import checked_X
>>> checked_X([[1, 2], [3, 4]]).dtype
dtype('float64')
>>> checked_X([1.0, 2.0])
Traceback (most recent call last):
...
ValueError: X must be 2-D, one example per row (shape (m, n)), got shape (2,); ...
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple

import numpy as np

from autograd_lite.lecture import LOOP_FORMS

__all__ = [
    "METHODS",
    "PARAM_DEFAULTS",
    "PARAM_NAMES",
    "Params",
    "check_finite",
    "checked_X",
    "checked_classes",
    "checked_layout",
    "checked_params",
    "checked_start",
    "checked_y",
    "same",
    "two_classes",
]

METHODS = ("vectorized", "loop")
"""The values ``LogisticRegression(method=...)`` accepts."""

PARAM_NAMES = (
    "learning_rate",
    "max_iter",
    "method",
    "loop_form",
    "tol",
    "verbose",
    "batch_size",
    "shuffle",
    "random_state",
)
"""The constructor's parameters, in order: what ``checked_params`` checks and ``save`` stores."""

PARAM_DEFAULTS = {
    "loop_form": "features",
    "batch_size": None,
    "shuffle": True,
    "random_state": None,
}
"""The defaults of the parameters added after the first saved models: ``load`` fills them in."""


class Params(NamedTuple):
    """The constructor's parameters, checked: what ``checked_params`` returns."""

    learning_rate: float
    max_iter: int
    method: str
    loop_form: str
    tol: float | None
    verbose: int
    batch_size: int | None
    shuffle: bool
    random_state: int | None


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are equal and of one type, so ``1.0`` differs from ``1``.

    Parameters
    ----------
    a, b : Any
        Two parameter values.

    Returns
    -------
    bool
        ``True`` for values a ``repr`` may leave out as the default.

    Examples
    --------
    >>> same(0.1, 0.1), same(1, 1.0), same(True, 1)
    (True, False, False)
    """
    return type(a) is type(b) and a == b


def checked_params(params: dict[str, Any]) -> Params:
    """The constructor's parameters, checked and converted to plain Python numbers.

    Parameters
    ----------
    params : dict
        ``get_params()``'s dictionary, with every name of ``PARAM_NAMES``.

    Returns
    -------
    Params
        ``(learning_rate, max_iter, method, loop_form, tol, verbose, batch_size, shuffle,
        random_state)``, by name too.

    Raises
    ------
    ValueError
        Naming the first parameter that is out of range or of the wrong type.

    Examples
    --------
    >>> p = checked_params({"learning_rate": 1, "max_iter": 10, "method": "loop",
    ...                     "loop_form": "vector", "tol": None, "verbose": 0,
    ...                     "batch_size": None, "shuffle": True, "random_state": 0})
    >>> p.learning_rate, p.max_iter, p.method, p.loop_form, p.batch_size, p.random_state
    (1.0, 10, 'loop', 'vector', None, 0)
    """
    learning_rate, max_iter = params["learning_rate"], params["max_iter"]
    method, tol, verbose = params["method"], params["tol"], params["verbose"]
    loop_form = params["loop_form"]
    batch_size, shuffle = params["batch_size"], params["shuffle"]
    random_state = params["random_state"]
    if (
        not isinstance(learning_rate, numbers.Real)
        or isinstance(learning_rate, bool)
        or not math.isfinite(learning_rate)
        or learning_rate < 0
    ):
        raise ValueError(
            f"learning_rate must be a finite number >= 0, got {learning_rate!r}"
        )
    if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    if method not in METHODS:
        raise ValueError(f"method must be 'vectorized' or 'loop', got {method!r}")
    if loop_form not in LOOP_FORMS:
        raise ValueError(f"loop_form must be 'features' or 'vector', got {loop_form!r}")
    if tol is not None and (
        not isinstance(tol, numbers.Real)
        or isinstance(tol, bool)
        or not math.isfinite(tol)
        or tol < 0
    ):
        raise ValueError(f"tol must be None or a finite number >= 0, got {tol!r}")
    if not isinstance(verbose, numbers.Integral) or verbose < 0:
        raise ValueError(f"verbose must be an integer >= 0 (print every k iterations), got "
                         f"{verbose!r}")
    if batch_size is not None and (
        not isinstance(batch_size, numbers.Integral)
        or isinstance(batch_size, (bool, np.bool_))
        or batch_size < 1
    ):
        raise ValueError(
            f"batch_size must be None (full batch) or an integer >= 1 (examples per "
            f"mini-batch), got {batch_size!r}"
        )
    if batch_size is not None and method == "loop":
        raise ValueError(
            f"batch_size={batch_size!r} needs method='vectorized': method='loop' is the "
            "lecture's full-batch loop over all m examples; use batch_size=None with it"
        )
    if not isinstance(shuffle, (bool, np.bool_)):
        raise ValueError(f"shuffle must be True or False, got {shuffle!r}")
    if random_state is not None and (
        not isinstance(random_state, numbers.Integral)
        or isinstance(random_state, (bool, np.bool_))
        or random_state < 0
    ):
        raise ValueError(
            f"random_state must be None or an integer >= 0 (the seed of the shuffle), got "
            f"{random_state!r}"
        )
    return Params(
        float(learning_rate),
        int(max_iter),
        method,
        loop_form,
        tol,
        int(verbose),
        None if batch_size is None else int(batch_size),
        bool(shuffle),
        None if random_state is None else int(random_state),
    )


def check_finite(
    i: int, what: str, J: float, w: np.ndarray, b: float, learning_rate: float
) -> None:
    """Stop gradient descent that has diverged, before NaN spreads into the model.

    Parameters
    ----------
    i : int
        The iteration, for the message.
    what : str
        What ``J``, ``w`` and ``b`` are at this point of the step, for the message.
    J : float
        The cost.
    w : numpy.ndarray
        The weights, or their gradient.
    b : float
        The bias, or its gradient.
    learning_rate : float
        The step size, which the message suggests lowering.

    Raises
    ------
    ValueError
        If any of ``J``, ``w``, ``b`` is NaN or infinite.
    """
    # A NaN or inf anywhere makes the sum so (Python's floats overflow quietly, to inf).
    if math.isfinite(J + b + sum(np.ravel(w).tolist())):
        return
    if math.isfinite(J) and math.isfinite(b) and np.isfinite(w).all():  # the sum overflowed
        return
    raise ValueError(
        f"gradient descent diverged at iteration {i}: {what} are not finite (J = {J}); "
        f"lower learning_rate (now {learning_rate})"
    )


def checked_X(X: Any) -> np.ndarray:
    """``X`` as a 2-D float64 array of finite numbers, or a ``ValueError`` that says why not.

    Parameters
    ----------
    X : array-like of shape (m, n)
        One example per row; at least one example and one feature.

    Returns
    -------
    numpy.ndarray
        ``X`` as float64 (not copied when it already is).

    Raises
    ------
    ValueError
        For ragged, non-numeric, non-2-D, empty or non-finite input.
    """
    try:
        array = np.asarray(X)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"X must be a 2-D array of numbers; cannot read it: {error}") from None
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("X must hold numbers, but some entries are not numbers") from None
    checked_layout(array.shape, array.dtype)
    array = np.asarray(array, dtype=np.float64)
    finite = np.isfinite(array)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        raise ValueError(
            f"X must be finite, but X[{i}, {j}] is {array[i, j]} "
            f"({np.count_nonzero(~finite)} non-finite entries in all)"
        )
    return array


def checked_layout(shape: tuple[int, ...], dtype: np.dtype[Any]) -> tuple[int, int]:
    """``(m, n)`` of an ``X`` of this shape and dtype, checked without reading its numbers.

    ``checked_X`` starts with it; mini-batch training (``autograd_lite.minibatch``) calls it
    alone for data it reads one batch at a time, and checks each batch's numbers as it reads it.

    Parameters
    ----------
    shape : tuple of int
        ``X.shape``.
    dtype : numpy.dtype
        ``X.dtype``.

    Returns
    -------
    tuple of int
        ``(m, n)``: examples and features.

    Raises
    ------
    ValueError
        For a non-real dtype, a shape that is not 2-D, no examples or no features.

    Examples
    --------
    >>> checked_layout((1000, 3), np.dtype(np.float32))
    (1000, 3)
    """
    if dtype.kind not in "biuf":
        raise ValueError(f"X must hold real numbers, got dtype {dtype}")
    if len(shape) != 2:
        raise ValueError(
            f"X must be 2-D, one example per row (shape (m, n)), got shape {shape}; "
            "for a single feature use X.reshape(-1, 1), for a single example X.reshape(1, -1)"
        )
    if shape[0] == 0:
        raise ValueError(f"X has no examples (shape {shape})")
    if shape[1] == 0:
        raise ValueError(f"X has no features (shape {shape})")
    return int(shape[0]), int(shape[1])


def checked_y(y: Any, m: int) -> np.ndarray:
    """``y`` as a 1-D array of ``m`` labels, of any comparable kind.

    Parameters
    ----------
    y : array-like of shape (m,)
        One label per example.
    m : int
        The number of examples in ``X``.

    Returns
    -------
    numpy.ndarray
        The labels, as ``np.asarray`` gives them.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, not ``m`` long, or holds NaN or inf.
    """
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(
            f"y must be 1-D, one label per example, got shape {labels.shape}"
            + ("; use y.ravel()" if labels.ndim == 2 and 1 in labels.shape else "")
        )
    if labels.shape[0] != m:
        raise ValueError(f"X and y have different lengths: {m} examples in X, {len(labels)} in y")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError("y must not hold NaN or inf labels")
    return labels


def two_classes(labels: np.ndarray) -> np.ndarray:
    """The two distinct labels of ``labels``, sorted: ``classes_`` for a binary model.

    Parameters
    ----------
    labels : numpy.ndarray
        The labels, as ``checked_y`` returns them.

    Returns
    -------
    numpy.ndarray of shape (2,)
        The labels; the second plays the lecture's ``y = 1``.

    Raises
    ------
    ValueError
        For labels that cannot be sorted, or fewer or more than two classes.

    Examples
    --------
    >>> two_classes(np.array(["yes", "no", "yes"])).tolist()
    ['no', 'yes']
    """
    try:
        classes = np.unique(labels)
    except TypeError as error:
        raise ValueError(f"the labels in y cannot be compared with each other: {error}") from None
    if len(classes) == 1:
        raise ValueError(
            f"y has a single class, {classes.tolist()[0]!r}: logistic regression needs "
            "examples of two classes"
        )
    if len(classes) > 2:
        shown = ", ".join(repr(c) for c in classes[:5].tolist())
        raise ValueError(
            f"y has {len(classes)} classes ({shown}{' …' if len(classes) > 5 else ''}); this "
            "logistic regression is binary and needs exactly two"
        )
    return classes


def checked_classes(classes: Any) -> np.ndarray:
    """``partial_fit``'s ``classes``: the two labels of the whole data set, sorted.

    Parameters
    ----------
    classes : array-like of shape (2,)
        The two labels; their order does not matter.

    Returns
    -------
    numpy.ndarray of shape (2,)
        The labels, sorted: ``classes_``.

    Raises
    ------
    ValueError
        Unless ``classes`` is two different, comparable labels.

    Examples
    --------
    >>> checked_classes(["yes", "no"]).tolist()
    ['no', 'yes']
    """
    labels = np.asarray(classes)
    try:
        distinct = np.unique(labels)
    except TypeError as error:
        raise ValueError(f"classes cannot be compared with each other: {error}") from None
    if labels.ndim != 1 or labels.shape[0] != 2 or distinct.shape[0] != 2:
        raise ValueError(
            f"classes must be the two different labels of the data set, e.g. classes=[0, 1]; "
            f"got {labels.tolist()!r} (shape {labels.shape})"
        )
    if distinct.dtype.kind == "f" and not np.isfinite(distinct).all():
        raise ValueError(f"classes must not hold NaN or inf, got {labels.tolist()!r}")
    return distinct


def checked_start(value: Any, what: str, shapes: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """A starting value for ``fit`` (``coef_init``, ``intercept_init``) as finite float64.

    Parameters
    ----------
    value : array-like
        The value given.
    what : str
        Its parameter's name, for the message.
    shapes : tuple of shapes
        The shapes it may have.

    Returns
    -------
    numpy.ndarray
        A float64 copy of ``value``.

    Raises
    ------
    ValueError
        For a non-real dtype, a shape not in ``shapes``, or NaN or inf.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{what} must hold real numbers, got dtype {array.dtype}")
    if array.shape not in shapes:
        raise ValueError(
            f"{what} must have shape {' or '.join(map(str, shapes))}, got {array.shape}"
        )
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{what} must be finite, got {array}")
    return array
