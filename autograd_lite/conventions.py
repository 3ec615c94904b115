"""scikit-learn's conventions for an estimator, kept without importing scikit-learn.

``LogisticRegression`` behaves as scikit-learn's own estimators do, so that scikit-learn's
tools (``clone``, ``Pipeline``, ``cross_val_score``, ``check_estimator``) and the code written
around them work with it. The library never needs scikit-learn; this module holds what the
conventions ask for beyond checking numbers (``autograd_lite.validation`` does that):

- the kinds of exception and warning scikit-learn's users catch: a ``NotFittedError`` and a
  ``DataConversionWarning`` that, when scikit-learn is installed, are also scikit-learn's own
  (``sklearn_kind``);
- the names of the features, recorded by ``fit`` from a data frame (``feature_names_in_``)
  and checked by every later call, with scikit-learn's messages: columns given in another
  order would otherwise silently feed each weight the wrong feature.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"radius": [1.0, 2.0], "texture": [3.0, 4.0]})
>>> feature_names(frame).tolist()
['radius', 'texture']
>>> try:
...     check_feature_names(feature_names(frame), frame[["texture", "radius"]], "Model")
... except ValueError as error:
...     print(error)
The feature names should match those that were passed during fit.
Feature names must be in the same order as they were in fit.
<BLANKLINE>
"""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "DataConversionWarning",
    "NotFittedError",
    "check_feature_names",
    "feature_names",
    "sklearn_kind",
]

Kind = TypeVar("Kind", bound=type)


class DataConversionWarning(UserWarning):
    """The data were converted to what the model needs: e.g. a column ``y`` was raveled.

    scikit-learn's kind of warning; when scikit-learn is installed the warning given is also a
    ``sklearn.exceptions.DataConversionWarning``.
    """


class NotFittedError(ValueError, AttributeError):
    """The model was used before ``fit`` (or ``load``): scikit-learn's kind of error.

    It is both a ``ValueError`` and an ``AttributeError``, like ``sklearn.exceptions.
    NotFittedError``, so code that catches either keeps working. When scikit-learn is
    installed, the error raised is also a ``sklearn.exceptions.NotFittedError``
    (``sklearn_kind``), so scikit-learn's tools recognise it.
    """


class _Twins:
    """The library's kinds joined to scikit-learn's classes of the same name, made on first use.

    Each twin is named as both its parents, so a message or a ``repr`` reads as scikit-learn's
    tools expect. Its qualified name is ``sklearn_twins.<name>``: pickle finds it there, so an
    error raised in a worker process (``cross_val_score(n_jobs=2)``) comes back as itself, and
    scikit-learn is imported only then, never by ``import autograd_lite``.
    """

    def __getattr__(self, name: str) -> type:
        ours = {"NotFittedError": NotFittedError, "DataConversionWarning": DataConversionWarning}
        if name not in ours:
            raise AttributeError(name)
        import sklearn.exceptions  # only here: the library itself never needs scikit-learn

        twin = type(name, (ours[name], getattr(sklearn.exceptions, name)), {
            "__module__": __name__,
            "__qualname__": f"sklearn_twins.{name}",
            "__doc__": f"``{name}`` that is also scikit-learn's ``{name}``.",
        })
        setattr(self, name, twin)
        return twin


sklearn_twins = _Twins()


def sklearn_kind(kind: Kind) -> Kind:
    """``kind``, or its twin that is also scikit-learn's class of that name, if it is installed.

    So ``except sklearn.exceptions.NotFittedError`` catches the library's ``NotFittedError``,
    and ``except autograd_lite.NotFittedError`` still does. scikit-learn is imported the first
    time an error of such a kind is raised, never by ``import autograd_lite``.

    Examples
    --------
    >>> import sklearn.exceptions
    >>> twin = sklearn_kind(NotFittedError)
    >>> issubclass(twin, NotFittedError), issubclass(twin, sklearn.exceptions.NotFittedError)
    (True, True)
    """
    try:
        twin: Kind = getattr(sklearn_twins, kind.__name__)
    except ImportError:  # scikit-learn is not installed (or is blocked): ours alone
        return kind
    return twin


# --- the names of the features -------------------------------------------------------------------


def feature_names(X: Any) -> np.ndarray | None:
    """The column names of a data frame ``X`` when they are all strings, as scikit-learn keeps.

    Parameters
    ----------
    X : array-like
        A pandas or polars data frame (anything with 2-D ``shape`` and ``columns``), or
        another array.

    Returns
    -------
    numpy.ndarray of dtype object, or None
        The names; ``None`` for an array, or a frame whose column names are not all strings
        (the default ``0, 1, 2 …`` of pandas, say): such names are not recorded or checked.

    Raises
    ------
    TypeError
        For column names that mix strings and other kinds, as scikit-learn does: convert them
        all to strings (``X.columns = X.columns.astype(str)``) to have them checked.
    """
    columns = getattr(X, "columns", None)
    shape = getattr(X, "shape", None)
    if columns is None or isinstance(X, np.ndarray) or not isinstance(shape, tuple):
        return None
    if len(shape) != 2:
        return None
    names = np.asarray(list(columns), dtype=object)
    if names.shape != (shape[1],) or len(names) == 0:
        return None
    kinds = sorted({type(name).__qualname__ for name in names})
    if len(kinds) > 1 and "str" in kinds:
        raise TypeError(
            "Feature names are only supported if all input features have string names, but "
            f"your input has {kinds} as feature name / column name types. If you want feature "
            "names to be stored and validated, you must convert them all to strings, by using "
            "X.columns = X.columns.astype(str) for example. Otherwise you can remove feature / "
            "column names from your input data, or convert them all to a non-string data type."
        )
    return names if kinds == ["str"] else None


def check_feature_names(fitted: np.ndarray | None, X: Any, estimator: str) -> None:
    """Check ``X``'s column names against those recorded by ``fit`` (``feature_names_in_``).

    scikit-learn's rule and words: the same names in the same order, or a ``ValueError`` that
    lists the names unseen at fit time and those missing; a ``UserWarning`` when only one of
    ``fit`` and this call had names (the columns cannot be checked then).

    Parameters
    ----------
    fitted : numpy.ndarray or None
        ``feature_names_in_``, or ``None`` if ``fit`` was given no names.
    X : array-like
        The data of this call.
    estimator : str
        The estimator's class name, for the messages.

    Raises
    ------
    ValueError
        For names that differ from ``fitted``, or the same names in another order.
    """
    given = feature_names(X)
    if fitted is None and given is None:
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {estimator} was fitted without feature names",
            UserWarning,
            stacklevel=3,
        )
        return
    if given is None:
        warnings.warn(
            f"X does not have valid feature names, but {estimator} was fitted with feature "
            "names",
            UserWarning,
            stacklevel=3,
        )
        return
    if len(given) == len(fitted) and np.all(given == fitted):
        return
    unseen = sorted(set(given) - set(fitted))
    missing = sorted(set(fitted) - set(given))
    message = "The feature names should match those that were passed during fit.\n"
    if unseen:
        message += "Feature names unseen at fit time:\n" + _listed(unseen)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + _listed(missing)
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def _listed(names: list[str], most: int = 5) -> str:
    shown = "".join(f"- {name}\n" for name in names[:most])
    return shown + ("- ...\n" if len(names) > most else "")
