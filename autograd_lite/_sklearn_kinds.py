"""The library's exception and warning kinds joined to scikit-learn's own (see ``sklearn_kind``).

Imported only when one is raised, and only where scikit-learn is installed: this module imports
scikit-learn, the rest of the library never does. Each class has the name of both its parents,
so a message or a ``repr`` reads as scikit-learn's tools expect, and lives at module level, so
an error raised in a worker process (``cross_val_score(n_jobs=2)``) can be pickled back.
"""

from __future__ import annotations

import sklearn.exceptions

from autograd_lite import conventions, logistic

__all__ = ["DataConversionWarning", "NotFittedError"]


class NotFittedError(logistic.NotFittedError, sklearn.exceptions.NotFittedError):
    """``autograd_lite.NotFittedError`` that is also ``sklearn.exceptions.NotFittedError``."""


class DataConversionWarning(
    conventions.DataConversionWarning, sklearn.exceptions.DataConversionWarning
):
    """``conventions.DataConversionWarning`` that is also scikit-learn's."""
