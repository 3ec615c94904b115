"""The catalogue: every hostile input the library promises to handle, and what it does with it.

One row per input. A row either names the exception it raises and a fragment of its message
(the message must say what is wrong and what to do), or the exact result it gives. New cases
are added here, in the section they belong to; the test runs each row on its own.

- ``run`` does the hostile thing and returns what it gives;
- ``raises`` and ``message``: the exception type and a fragment of ``str(exception)``;
- ``result``: a predicate on what ``run`` returned, for an input the library handles correctly
  (``expected`` says in words what it checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag


@dataclass(frozen=True)
class Case:
    """One hostile input and the promise the library makes about it."""

    name: str
    run: Callable[[], Any]
    raises: type[BaseException] | None = None
    message: str = ""
    result: Callable[[Any], bool] | None = None
    expected: str = ""


# --- the engine: graphs, ops, values ------------------------------------------------------------

ENGINE: list[Case] = [
    Case(
        "shapes that cannot broadcast",
        lambda: ag.Variable(np.ones(3), name="u") + ag.Variable(np.ones(4), name="v"),
        raises=ag.ShapeError,
        message="Add cannot combine its inputs 'u' (Variable, shape (3,)), 'v' (Variable",
    ),
]


# --- the estimator: LogisticRegression, its data, scikit-learn's conventions --------------------

ESTIMATOR: list[Case] = []


# --- files and the command line -----------------------------------------------------------------

FILES_AND_CLI: list[Case] = []


CATALOGUE = [*ENGINE, *ESTIMATOR, *FILES_AND_CLI]


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_hostile_input(case: Case) -> None:
    if case.raises is not None:
        with pytest.raises(case.raises) as caught:
            case.run()
        assert case.message in str(caught.value), (
            f"{case.name}: the message does not say {case.message!r}: {caught.value}"
        )
        return
    assert case.result is not None, f"{case.name}: a case needs raises= or result="
    outcome = case.run()
    assert case.result(outcome), f"{case.name}: expected {case.expected}, got {outcome!r}"


def test_the_catalogue_names_are_unique() -> None:
    names = [case.name for case in CATALOGUE]
    assert len(names) == len(set(names))
