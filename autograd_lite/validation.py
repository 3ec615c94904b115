"""Checking what a user hands ``LogisticRegression``: its parameters, data and starting point.

Every function here either returns its input converted to what training needs (float64 arrays,
plain Python numbers) or raises a ``ValueError`` whose message says what is wrong and, where it
can, how to fix it (a ``TypeError`` for data of the wrong kind altogether: a sparse matrix, an
entry that is not a number). Training and prediction never see input that did not pass through
here. Where scikit-learn's tools look for words in a message (``check_estimator`` does), the
message has them, in a sentence of its own.

Examples
--------
>>> from autograd_lite.validation import checked_X
>>> checked_X([[1, 2], [3, 4]]).dtype
dtype('float64')
>>> checked_X([1.0, 2.0])
Traceback (most recent call last):
...
ValueError: X must be 2-D, one example per row (shape (m, n)), got shape (2,). Reshape your ...
"""

from __future__ import annotations

import math
import numbers
import types
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from autograd_lite.conventions import DataConversionWarning, sklearn_kind
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
    "checked_sample_weight",
    "checked_start",
    "checked_y",
    "label_kind",
    "refuse_sparse_or_masked",
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
    random_state: int | np.random.RandomState | np.random.Generator | None


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
    generators = (np.random.RandomState, np.random.Generator)
    if random_state is not None and not isinstance(random_state, generators) and (
        not isinstance(random_state, numbers.Integral)
        or isinstance(random_state, (bool, np.bool_))
        or random_state < 0
    ):
        raise ValueError(
            f"random_state must be None, an integer >= 0 (the seed of the shuffle), a "
            f"numpy.random.RandomState or a numpy.random.Generator, got {random_state!r}"
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
        random_state if random_state is None or isinstance(random_state, generators)
        else int(random_state),
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


def checked_X(X: Any, convert: bool = True) -> np.ndarray:
    """``X`` as a 2-D array of finite real numbers, or an error that says why not.

    Parameters
    ----------
    X : array-like of shape (m, n)
        One example per row; at least one example and one feature. A sparse matrix is refused
        (``TypeError``), and so is a masked array with masked entries: their numbers are not
        ``X``'s own, and reading them would train on the hidden values.
    convert : bool, default True
        ``True``: return float64 (not copied when ``X`` already is). ``False``: an array of
        bools, integers, float16 or float32 is returned as it is, checked but not copied, for a
        caller that makes its own float64 copy anyway (the graph's constant ``X`` does): one
        copy of the data in memory, not two. Other dtypes are converted to float64 all the
        same (a ``longdouble`` can overflow on the way, so it is checked after).

    Returns
    -------
    numpy.ndarray
        ``X`` as float64, or as it was (see ``convert``).

    Raises
    ------
    ValueError
        For ragged, non-numeric, complex, non-2-D, empty or non-finite input, or masked
        entries.
    TypeError
        For sparse input, or entries that are not numbers at all (a dict, ``pd.NA``).

    Examples
    --------
    >>> checked_X(np.ones((2, 3), dtype=np.float32), convert=False).dtype
    dtype('float32')
    >>> checked_X([[1.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X must be finite, but X[0, 1] is nan (1 NaN or inf entries in all): ...
    """
    refuse_sparse_or_masked(X, "X")
    if X is None:
        raise ValueError("X is None: give the examples, an array of shape (m, n), one per row")
    try:
        array = np.asarray(X)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"X must be a 2-D array of numbers; cannot read it: {error}") from None
    if array.dtype.kind == "O":
        array = _numbers(array)
    checked_layout(array.shape, array.dtype)
    if convert or not (array.dtype.kind in "biu" or array.dtype.itemsize <= 8):
        array = np.asarray(array, dtype=np.float64)
    if array.dtype.kind == "f":
        finite = np.isfinite(array)
        if not finite.all():
            i, j = np.argwhere(~finite)[0]
            raise ValueError(
                f"X must be finite, but X[{i}, {j}] is {array[i, j]} "
                f"({np.count_nonzero(~finite)} NaN or inf entries in all): drop those examples "
                "or fill in the missing values first"
            )
    return array


def _numbers(array: np.ndarray) -> np.ndarray:
    """An object array of numbers as float64, or numpy's error naming the first entry that is
    not a number (``TypeError`` for a dict or ``pd.NA``, ``ValueError`` for a string)."""
    try:
        return array.astype(np.float64)
    except OverflowError:  # a Python int of more than 308 digits
        where, value = next(
            (where, value) for where, value in np.ndenumerate(array) if _too_large(value)
        )
        position = ", ".join(map(str, where))
        raise ValueError(
            f"X must hold numbers float64 can hold, but X[{position}] is an integer of "
            f"{len(str(abs(int(value))))} digits, too large for float64 (whose largest is "
            "about 1.8e308); scale the data down first"
        ) from None
    except (TypeError, ValueError) as error:
        where, value = next(
            (where, value) for where, value in np.ndenumerate(array) if not _is_number(value)
        )
        position = ", ".join(map(str, where))
        raise type(error)(
            f"X must hold numbers, but X[{position}] is {value!r}, not a number ({error}); "
            "missing values must be filled in, or their examples dropped, first"
        ) from None


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except OverflowError:  # a number, only too large: its own message is _numbers'
        return True
    except (TypeError, ValueError):
        return False
    return True


def _too_large(value: Any) -> bool:
    try:
        float(value)
    except OverflowError:
        return True
    except (TypeError, ValueError):
        return False
    return False


def refuse_sparse_or_masked(data: Any, what: str) -> None:
    """Refuse a sparse matrix (``TypeError``) and a masked array with masked entries.

    ``np.asarray`` would turn a sparse matrix into a 0-d object array, and a masked array into
    its data with the masked entries' hidden values in it: a silently different data set.
    A masked array with no entry masked is its data, and passes.

    Parameters
    ----------
    data : Any
        ``X``, ``y`` or ``sample_weight`` as given.
    what : str
        Its name, for the message.

    Raises
    ------
    TypeError
        For a scipy.sparse (or pydata sparse) matrix or array.
    ValueError
        For a ``numpy.ma.MaskedArray`` with masked entries.

    Examples
    --------
    >>> refuse_sparse_or_masked(np.ma.masked_array([[1.0, 100.0]], mask=[[0, 1]]), "X")
    Traceback (most recent call last):
    ...
    ValueError: X is a masked array with 1 masked entries (X[0, 1] is masked): ...
    """
    _refuse_iterator(data, what)
    module = type(data).__module__ or ""
    if module.startswith(("scipy.sparse", "sparse.")) or (
        hasattr(data, "nnz") and hasattr(data, "todense")
    ):
        shape = getattr(data, "shape", None)
        size = ""
        if isinstance(shape, tuple) and shape:
            size = f" (a dense float64 copy of shape {shape} takes {_bytes(8 * math.prod(shape))})"
        raise TypeError(
            f"{what} is a sparse matrix ({type(data).__name__}): sparse input is not supported, "
            f"the model needs dense data. Convert it with {what}.toarray() first{size}"
        )
    if isinstance(data, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(data)
        if mask.any():
            where = ", ".join(map(str, np.argwhere(mask)[0]))
            fix = (
                "drop the examples with masked entries (X[~X.mask.any(axis=1)]) or fill "
                "them in (X.filled(value))"
                if what == "X"
                else f"drop those examples or fill them in ({what}.filled(value))"
            )
            raise ValueError(
                f"{what} is a masked array with {np.count_nonzero(mask)} masked entries "
                f"({what}[{where}] is masked): the model does not read masks, and unmasking "
                f"would use the hidden values; {fix} first"
            )


def _refuse_iterator(data: Any, what: str) -> None:
    """``TypeError`` for a generator or other iterator: ``np.asarray`` makes it one object."""
    if isinstance(data, Iterator):
        kind = "a generator" if isinstance(data, types.GeneratorType) else (
            f"an iterator ({type(data).__name__})"
        )
        raise TypeError(
            f"{what} is {kind}: it can be read only once and does not know its length, so it "
            f"cannot be checked and then read again; pass a list or an array, e.g. "
            f"list({what}) or np.array(list({what}))"
        )


def _bytes(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def checked_layout(shape: tuple[int, ...], dtype: np.dtype[Any]) -> tuple[int, int]:
    """``(m, n)`` of an ``X`` of this shape and dtype, checked without reading its numbers.

    ``checked_X`` starts with it; mini-batch training (``autograd_lite.minibatch``) calls it
    alone for data it reads one batch at a time, and checks each batch's numbers as it reads it.
    The messages are scikit-learn's where its tools look for them ("Complex data not
    supported", "Reshape your data", "0 feature(s)").

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
    if dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: X must hold real numbers, got dtype {dtype}"
        )
    if dtype.kind not in "biuf":
        raise ValueError(f"X must hold real numbers, got dtype {dtype}")
    if len(shape) != 2:
        hint = (
            ". Reshape your data: X.reshape(-1, 1) if it has a single feature, "
            "X.reshape(1, -1) if it is a single example"
            if len(shape) == 1
            else ""
        )
        raise ValueError(
            f"X must be 2-D, one example per row (shape (m, n)), got shape {shape}{hint}"
        )
    if shape[0] == 0:
        raise ValueError(
            f"X has no examples: 0 sample(s) (shape={shape}) while a minimum of 1 is required"
        )
    if shape[1] == 0:
        raise ValueError(
            f"X has no features: 0 feature(s) (shape={shape}) while a minimum of 1 is "
            "required; each example needs at least one number"
        )
    return int(shape[0]), int(shape[1])


def checked_y(y: Any, m: int) -> np.ndarray:
    """``y`` as a 1-D array of ``m`` labels, of any comparable kind.

    A column ``y`` of shape (m, 1) is taken as ``y.ravel()``, with a ``DataConversionWarning``,
    as scikit-learn does.

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
        If ``y`` is missing (``None``), not 1-D, not ``m`` long, complex, masked, or holds NaN
        or inf.
    TypeError
        If ``y`` is a sparse matrix.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     checked_y([[0], [1], [1]], 3).tolist()
    [0, 1, 1]
    >>> str(caught[0].message)[:57]
    'A column-vector y was passed when a 1d array was expected'
    """
    if y is None:
        raise ValueError(
            "this model requires y to be passed, but the target y is None: give one label per "
            "example, an array of shape (m,)"
        )
    refuse_sparse_or_masked(y, "y")
    labels = np.asarray(y)
    # An array of strings holds strings only; a list or an object array may mix them.
    if labels.dtype.kind == "O" or (labels.dtype.kind in "US" and not isinstance(y, np.ndarray)):
        _refuse_mixed_labels(y)
    if labels.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: y holds complex numbers (dtype {labels.dtype}); the "
            "labels must be real numbers, bools or strings"
        )
    if labels.ndim == 2 and labels.shape[1] == 1 and labels.shape[0] != 1:
        warnings.warn(
            sklearn_kind(DataConversionWarning)(
                "A column-vector y was passed when a 1d array was expected: y of shape "
                f"{labels.shape} is taken as y.ravel(), of shape {labels.shape[:1]}; pass "
                "a 1-D y to silence this warning"
            ),
            stacklevel=3,
        )
        labels = labels.ravel()
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


def _refuse_mixed_labels(y: Any) -> None:
    """scikit-learn's ``ValueError`` for labels that mix strings and numbers.

    ``np.asarray([0, "a"])`` turns the 0 into ``"0"``: the labels must be read as given.
    """
    given = np.asarray(y, dtype=object).ravel()
    strings = [isinstance(label, str | bytes) for label in given.tolist()]
    if any(strings) and not all(strings):
        first_string = given[strings.index(True)]
        first_other = given[strings.index(False)]
        raise ValueError(
            f"Mix of label input types (string and number): y holds strings (e.g. "
            f"{first_string!r}) and numbers (e.g. {first_other!r}); give labels of one kind"
        )


def label_kind(labels: np.ndarray) -> str:
    """``"string"`` or ``"number"``: the kind of labels, as scikit-learn tells them apart."""
    if labels.dtype.kind in "US":
        return "string"
    if labels.dtype.kind == "O" and any(isinstance(v, str | bytes) for v in labels.tolist()):
        return "string"
    return "number"


def two_classes(labels: np.ndarray) -> np.ndarray:
    """The two distinct labels of ``labels``, sorted: ``classes_`` for a binary model.

    Any two labels will do, numbers with a fraction too; more than two are refused in
    scikit-learn's words: a target of many fractional numbers is "continuous" (a regression
    target), one of several classes "multiclass".

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
    >>> two_classes(np.array([0.5, 1.25, 3.0]))
    Traceback (most recent call last):
    ...
    ValueError: Unknown label type: continuous. y holds 3 different numbers, ...
    """
    try:
        classes = np.unique(labels)
    except TypeError as error:
        raise ValueError(f"the labels in y cannot be compared with each other: {error}") from None
    if len(classes) == 1:
        raise ValueError(
            f"y has only one class, {classes.tolist()[0]!r}: logistic regression needs "
            "examples of two classes"
        )
    if len(classes) > 2:
        shown = ", ".join(repr(c) for c in classes[:5].tolist())
        shown += " …" if len(classes) > 5 else ""
        if classes.dtype.kind == "f" and np.any(classes != np.floor(classes)):
            raise ValueError(
                f"Unknown label type: continuous. y holds {len(classes)} different numbers, "
                f"not all whole ({shown}): this looks like a regression target, but a "
                "classifier needs discrete labels, and this one exactly two"
            )
        raise ValueError(
            f"Only binary classification is supported. The type of the target is multiclass: "
            f"y has {len(classes)} classes ({shown}); this logistic regression needs exactly two"
        )
    return classes


def checked_sample_weight(sample_weight: Any, m: int) -> np.ndarray | None:
    """``score``'s ``sample_weight``: one finite weight >= 0 per example, not all 0.

    Parameters
    ----------
    sample_weight : array-like of shape (m,), a number, or None
        The weight of each example in the weighted accuracy; a number weighs all alike.
    m : int
        The number of examples.

    Returns
    -------
    numpy.ndarray of shape (m,), or None
        The weights as float64, or ``None`` for none given.

    Raises
    ------
    ValueError
        Naming ``sample_weight`` and what is wrong: its shape, a NaN, inf or negative weight,
        or weights that are all 0.

    Examples
    --------
    >>> checked_sample_weight([1, 2], 6)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must hold one weight per example: shape (6,) for the 6 ...
    """
    if sample_weight is None:
        return None
    refuse_sparse_or_masked(sample_weight, "sample_weight")
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must hold real numbers, got dtype {weights.dtype}")
    weights = weights.astype(np.float64)
    if weights.ndim == 0:
        weights = np.full(m, float(weights))
    if weights.shape != (m,):
        raise ValueError(
            f"sample_weight must hold one weight per example: shape ({m},) for the {m} "
            f"examples of X, got shape {weights.shape}"
        )
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"sample_weight must be finite and >= 0, but sample_weight[{i}] is {weights[i]}"
        )
    if not weights.any():
        raise ValueError(
            "sample_weight is 0 for every example: at least one weight must be positive"
        )
    return weights


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


def seeded(random_state: Any) -> np.random.Generator:
    """The shuffle's generator for ``random_state``, as scikit-learn reads it.

    ``None`` or an integer seeds a new one; a ``Generator`` is used as it is, and a
    ``RandomState`` gives a seed from its stream: either way successive fits shuffle
    differently, as scikit-learn's estimators do with a generator instance.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    return np.random.default_rng(random_state)
