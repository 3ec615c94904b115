"""What every exercise shares: ``Feedback``, reading answers, running the student's code."""

from __future__ import annotations

import html
import inspect
import math
import numbers
import reprlib
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from autograd_lite.node import Node

RTOL = 1e-9
"""How close an answer must be: within ``RTOL`` times the size of the terms it is made of.

The student and the engine compute the same formulas with different float operations (the
engine's σ works from e^(−|z|) and its loss from log1p; a student writes 1 / (1 + e^(−z)) and
log(a)), so the last bits may differ. Each operation rounds to within about 1e-16 of its terms'
size; a few dozen of them stay far below 1e-9. Measuring against the terms (``|a| + |y|`` for
``dz = a − y``), not the result, keeps the check fair where the result nearly cancels. A real
mistake (a sign, a forgotten factor or 1/m) moves a number by far more than that.
"""

Z_LIMIT = 10.0
"""The largest ``|z|`` an exercise accepts in its given numbers.

Beyond it ``a = σ(z)`` is within 5e-5 of 0 or 1, and a student's ``1 − a`` or ``log(1 − a)``
loses digits to rounding that the engine's stable forms do not: a right answer could miss
``RTOL``. Exercises are for the formulas, not for saturation.
"""

_PACKAGE = Path(__file__).resolve().parents[1]  # autograd_lite/: not the student's code
_NUMPY = Path(np.__file__).resolve().parent


@dataclass(frozen=True)
class Feedback:
    """What a check found: passed or not, and a hint for each thing that is not right yet.

    ``str(feedback)`` is the text a terminal shows; Jupyter shows ``_repr_html_``. The truth
    value is ``passed``, so ``assert exercise.check(...)`` works in a test.

    Examples
    --------
    >>> print(Feedback("A title", False, "1 of 2 not right yet.", ["dz: look at the sign."]))
    ✗ A title: 1 of 2 not right yet.
      • dz: look at the sign.
    """

    exercise: str
    """The exercise's title."""
    passed: bool
    """Whether every answer is right."""
    summary: str
    """One line: what is right, how much is not."""
    hints: list[str] = field(default_factory=list)
    """One hint per mistake found, in the lecture's notation; empty when passed."""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        lines = [f"{mark} {self.exercise}: {self.summary}"]
        for hint in self.hints:
            first, *rest = hint.split("\n")
            lines.append(f"  • {first}")
            lines.extend(f"    {line}" for line in rest)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if self.passed else "#c62828"
        mark = "✓" if self.passed else "✗"
        items = "".join(
            "<li>" + "<br>".join(html.escape(line) for line in hint.split("\n")) + "</li>"
            for hint in self.hints
        )
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 0.2em 0.8em">'
            f"<p><strong>{mark} {html.escape(self.exercise)}</strong>: "
            f"{html.escape(self.summary)}</p>" + (f"<ul>{items}</ul>" if items else "") + "</div>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython's plain text
        printer.text(str(self))


# --- reading answers and running the student's code ---------------------------------------


def _fmt(value: Any) -> str:
    """A student's number or array, short, for a hint."""
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    text = np.array2string(array, precision=6, separator=", ", threshold=12)
    return " ".join(text.split())  # an n × 1 column on one line


def _close(student: Any, reference: Any, scale: Any) -> bool:
    """Whether ``student`` is ``reference`` up to rounding: within ``RTOL · (scale + |ref|)``.

    ``scale`` is the size of the terms the number is made of (see ``RTOL``). The ``1e-300``
    leaves room for subnormal numbers, which round on a fixed grid whatever their size.
    """
    difference = np.abs(np.subtract(student, reference))
    return bool(np.all(difference <= RTOL * (np.abs(reference) + scale) + 1e-300))  # NaN: False


def _number(value: Any, where: str) -> float | None:
    """An answer given as a number, as a float; ``None`` (not answered yet) stays ``None``."""
    if value is None:
        return None
    if isinstance(value, Node):
        raise TypeError(
            f"{where}: got the node {value.describe()}; give its number (.value or .grad)"
        )
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{where}: expected a number, got the bool {value!r}")
    if isinstance(value, numbers.Integral) and abs(int(value)) > _LARGEST_WHOLE:
        raise ValueError(f"{where}: {_too_large(int(value))}")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        if value.size == 1:
            return float(value.reshape(-1)[0])
        raise ValueError(f"{where}: expected one number, got an array of shape {value.shape}")
    raise TypeError(f"{where}: expected a number, got {type(value).__name__} {reprlib.repr(value)}")


def _given_array(value: Any, where: str, ndim: int) -> np.ndarray:
    """Given data (not an answer): a finite float64 array with ``ndim`` axes."""
    try:
        array = np.array(value, dtype=np.float64)
    except OverflowError:  # a Python int of more than 308 digits
        entries = np.array(value, dtype=object)
        at, huge = next(
            (at, entry)
            for at, entry in np.ndenumerate(entries)
            if isinstance(entry, numbers.Integral) and abs(int(entry)) > _LARGEST_WHOLE
        )
        raise ValueError(f"{where}: entry {list(at)}: {_too_large(int(huge))}") from None
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where}: expected an array of numbers: {error}") from None
    if array.ndim != ndim:
        raise ValueError(f"{where}: expected {ndim} axes, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: every entry must be finite")
    return array


_LARGEST_WHOLE = int(np.finfo(np.float64).max)
"""The largest whole number float64 holds, about 1.8e308; ``float()`` of a larger int raises."""


def _too_large(value: int) -> str:
    return (
        f"an integer of {len(str(abs(value)))} digits is too large for float64 (whose largest "
        "is about 1.8e308)"
    )


def _given_number(value: Any, where: str) -> float:
    number = _number(value, where)
    if number is None or not math.isfinite(number):
        raise ValueError(f"{where}: expected a finite number, got {value!r}")
    return number


def _check_labels(y: Any, where: str) -> None:
    if not np.all((np.asarray(y) >= 0) & (np.asarray(y) <= 1)):
        raise ValueError(f"{where}: labels must lie in [0, 1]")


def _check_logits(z: Any, where: str) -> None:
    largest = float(np.max(np.abs(z)))
    if largest > Z_LIMIT:
        raise ValueError(
            f"{where}: these numbers give |z| = {largest:.3g}, beyond Z_LIMIT = {Z_LIMIT}; "
            f"choose smaller ones (σ saturates there, and the exercise is about the formulas)"
        )


def _require_callable(fn: Any, where: str, args: tuple[Any, ...], form: str) -> None:
    """Raise ``TypeError`` if ``fn`` is not a function that can be called with ``args``."""
    if not callable(fn):
        raise TypeError(f"{where}: expected your function {form}, got {type(fn).__name__}")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin without a signature: just try it
        return
    try:
        signature.bind(*args)
    except TypeError:
        name = getattr(fn, "__name__", "your function")
        raise TypeError(
            f"{where}: {name}{signature} cannot be called as {form}; the check calls it with "
            f"{len(args)} arguments"
        ) from None


class _Run(NamedTuple):
    result: Any
    error: Exception | None
    warned: list[str]


def _run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> _Run:
    """Call the student's code: its result or its exception, and what numpy warned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except Exception as error:  # the student's bug, reported as feedback
            return _Run(None, error, _warning_texts(caught))
    return _Run(result, None, _warning_texts(caught))


def _warning_texts(caught: list[warnings.WarningMessage]) -> list[str]:
    texts: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in texts:
            texts.append(text)
    return texts


def _student_line(error: BaseException) -> str:
    """Where in the student's code ``error`` happened: the last frame outside numpy and us."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if _PACKAGE in path.parents or _NUMPY in path.parents:
            continue
        line = (frame.line or "").strip()
        return f"line {frame.lineno} of {frame.name}" + (f": {line}" if line else "")
    return ""


def _raised(error: Exception, what: str, advice: str | None) -> list[str]:
    """The hints for student code that raised: the exception, where, and what it suggests."""
    if isinstance(error, NotImplementedError) and not str(error).strip():
        return [f"{what} is not written yet: replace `raise NotImplementedError` with your code."]
    where = _student_line(error)
    message = f"{what} raised {type(error).__name__}: {error}"
    hints = [message + (f"\n(at {where})" if where else "")]
    if advice:
        hints.append(advice)
    return hints


def _warned(run: _Run) -> list[str]:
    if not run.warned:
        return []
    return [
        "numpy warned while your code ran (" + "; ".join(run.warned) + "): such a warning "
        "usually means a value left its range (a log of 0 or of a negative number, a division "
        "by 0, an overflow in exp)."
    ]


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _Exercise:
    """What every exercise has: a title, the given numbers or data, and ``check``."""

    title = ""

    def _result(self, summary: str, hints: list[str]) -> Feedback:
        return Feedback(self.title, not hints, summary, hints)

    def __repr__(self) -> str:
        return f"<exercise {self.title!r}>"
