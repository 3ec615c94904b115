"""Lecture 2's second exercise: the same step vectorized, in either convention."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite.exercises._checking import (
    Feedback,
    _check_labels,
    _check_logits,
    _close,
    _Exercise,
    _fmt,
    _given_array,
    _given_number,
    _raised,
    _require_callable,
    _run,
    _warned,
)
from autograd_lite.node import Constant, Variable
from autograd_lite.ops import log_loss, mean, sigmoid

_VECTOR_RESULTS = ("Z", "A", "dZ", "dw", "db", "J")
_COMPUTED_FROM = {"A": "Z", "dZ": "A", "dw": "dZ", "db": "dZ", "J": "A"}
_CONVENTIONS = {
    # the formulas as each convention writes them, for hints
    "columns": {"Z": "wᵀX + b", "dw": "(1/m)·X·dZᵀ", "other": "vectorized_step_rows"},
    "rows": {"Z": "X·w + b", "dw": "Xᵀ·dZ / m", "other": "vectorized_step"},
}


class VectorizedStep(_Exercise):
    """Lecture 2: the same step vectorized: ``Z, A, dZ, dw, db, J`` with numpy, no loop.

    The student writes ``step(X, Y, w, b)`` returning ``(Z, A, dZ, dw, db, J)``, with the
    lecture's ``dZ = A − Y`` (one ``dz(i)`` per example, no 1/m). The convention is the
    exercise's, and decides the shapes it expects:

    - ``"columns"``, the course's: ``X`` n × m, ``Y`` 1 × m, ``w`` n × 1; ``Z``, ``A``, ``dZ``
      1 × m, ``dw`` n × 1;
    - ``"rows"``, numpy's and this library's: ``X`` m × n, ``y`` shape (m,), ``w`` shape (n,);
      ``Z``, ``A``, ``dZ`` shape (m,), ``dw`` shape (n,).

    ``db`` and ``J`` are single numbers (an array of one entry is accepted). The default data
    has n = 3 features and m = 5 examples, so every shape mistake shows. A function with a
    ``for`` or ``while`` loop or a comprehension does not pass, whatever its numbers: the
    exercise is to do without one. The reference is the engine's graph in that convention.

    Parameters
    ----------
    convention : {"columns", "rows"}
        Where the examples are.
    X, Y, w : array_like, optional
        The data in that convention (``|z|`` at most ``Z_LIMIT``); all three, or none.
    b : float
        The bias.

    Examples
    --------
    >>> import numpy as np
    >>> def step(X, Y, w, b):                     # dZ·Xᵀ: a row, where dw is a column
    ...     m = X.shape[1]
    ...     Z = w.T @ X + b
    ...     A = 1 / (1 + np.exp(-Z))
    ...     dZ = A - Y
    ...     J = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    ...     return Z, A, dZ, dZ @ X.T / m, np.mean(dZ), J
    >>> print(vectorized_step.check(step))   # doctest: +NORMALIZE_WHITESPACE
    ✗ One vectorized step (examples in columns): 1 of 6 results not right yet; right: Z, A,
      dZ, db, J.
      • dw has shape (1, 3) = (1, n); expected (3, 1) = (n, 1). It is the transpose of what is
        expected, with the right numbers. X·dZᵀ is n × 1, dZ·Xᵀ is 1 × n.
    """

    def __init__(
        self,
        convention: str = "columns",
        X: Any = None,
        Y: Any = None,
        w: Any = None,
        b: float = -0.1,
    ) -> None:
        if convention not in _CONVENTIONS:
            raise ValueError(
                f"VectorizedStep(convention=...): 'columns' or 'rows', got {convention!r}"
            )
        self.convention = convention
        columns = convention == "columns"
        self.title = f"One vectorized step (examples in {convention})"
        if X is None and Y is None and w is None:
            X_rows = np.array(
                [
                    [1.0, -0.5, 2.0],
                    [0.3, 1.2, -1.0],
                    [-1.5, 0.4, 0.5],
                    [2.0, 1.0, 1.5],
                    [-0.7, -1.1, 0.2],
                ]
            )
            y_rows, w_rows = np.array([1.0, 0.0, 0.0, 1.0, 0.0]), np.array([0.4, -0.2, 0.1])
            X = X_rows.T if columns else X_rows
            Y = y_rows.reshape(1, -1) if columns else y_rows
            w = w_rows.reshape(-1, 1) if columns else w_rows
        elif X is None or Y is None or w is None:
            raise ValueError("VectorizedStep: give X, Y and w together, or none of them")
        self._X = _given_array(X, "VectorizedStep(X=...)", 2)
        self._Y = _given_array(Y, "VectorizedStep(Y=...)", 2 if columns else 1)
        self._w = _given_array(w, "VectorizedStep(w=...)", 2 if columns else 1)
        self._b = _given_number(b, "VectorizedStep(b=...)")
        n, m = self._X.shape if columns else self._X.shape[::-1]
        self._n, self._m = n, m
        vector, column = ((1, m), (n, 1)) if columns else ((m,), (n,))
        if self._Y.shape != vector or self._w.shape != column:
            raise ValueError(
                f"VectorizedStep: with examples in {convention}, X {self._X.shape} needs Y of "
                f"shape {vector} and w of shape {column}; got {self._Y.shape} and {self._w.shape}"
            )
        self._shapes = {"Z": vector, "A": vector, "dZ": vector, "dw": column, "db": (), "J": ()}
        _check_labels(self._Y, "VectorizedStep(Y=...)")
        self._reference = self._engine()
        _check_logits(self._reference["Z"], "VectorizedStep")
        ref = self._reference
        # Sizes of the terms each result is made of (see RTOL): the same formulas on |values|.
        s_z = self._product(np.abs(self._X), np.abs(self._w), "Z") + abs(self._b)
        s_dz = np.abs(ref["A"]) + np.abs(self._Y) + s_z
        log_terms = np.abs(self._Y * np.log(ref["A"])) + np.abs((1 - self._Y) * np.log1p(-ref["A"]))
        self._scales = {
            "Z": s_z,
            "A": np.abs(ref["A"]) + s_z,
            "dZ": s_dz,
            "dw": self._product(np.abs(self._X), s_dz, "dw"),
            "db": float(np.sum(s_dz)),
            "J": float(np.sum(log_terms + s_z)),
        }

    def _product(self, X: np.ndarray, v: np.ndarray, which: str) -> np.ndarray:
        """``wᵀX`` or ``X·dZᵀ`` (columns), ``X·w`` or ``Xᵀ·dZ`` (rows), on any arrays."""
        if self.convention == "columns":
            return v.T @ X if which == "Z" else X @ v.T
        return X @ v if which == "Z" else X.T @ v

    def _engine(self) -> dict[str, Any]:
        X, Y = Constant(self._X, name="X"), Constant(self._Y, name="Y")
        w, b = Variable(self._w, name="w"), Variable(self._b, name="b")
        Z = ((w.T @ X if self.convention == "columns" else X @ w) + b).named("Z")
        A = sigmoid(Z, name="A")
        L = log_loss(A, Y, name="L")
        J = mean(L, name="J")
        L.backward(np.ones(L.shape))  # each example's own loss: Z.grad is the lecture's A − Y
        dZ = np.array(Z.grad)
        J.backward()
        return {
            "Z": np.array(Z.value),
            "A": np.array(A.value),
            "dZ": dZ,
            "dw": np.array(w.grad),
            "db": float(b.grad),
            "J": float(J.value),
        }

    @property
    def given(self) -> dict[str, Any]:
        """``X``, the labels (``Y``, or ``y`` for rows), ``w`` and ``b``: copies."""
        labels = "Y" if self.convention == "columns" else "y"
        return {"X": self._X.copy(), labels: self._Y.copy(), "w": self._w.copy(), "b": self._b}

    def check(self, step: Callable[..., Any] | None) -> Feedback:
        """Run ``step(X, Y, w, b)`` on ``given``; compare shapes, then numbers, with the engine's.

        Parameters
        ----------
        step : callable or None
            ``step(X, Y, w, b) -> (Z, A, dZ, dw, db, J)``; ``None`` if not written yet.

        Returns
        -------
        Feedback
            Passed when all six results have the convention's shapes and the right numbers,
            and the function has no loop.

        Raises
        ------
        TypeError
            ``step`` is not a function of four arguments.

        Examples
        --------
        >>> from autograd_lite.exercises_solutions import vectorized_step_rows as solution
        >>> print(vectorized_step_rows.check(solution))
        ✓ One vectorized step (examples in rows): Z, A, dZ, dw, db and J are all right.
        """
        if step is None:
            return self._result("not answered yet.", ["step: not written yet."])
        args = tuple(self.given.values())
        form = "step(X, Y, w, b)"
        _require_callable(step, "check(step)", args, form)
        name = getattr(step, "__name__", "your function")
        run = _run(step, *args)
        if run.error is not None:
            return self._result(
                "not answered yet."
                if isinstance(run.error, NotImplementedError)
                else "your function raised an exception.",
                _raised(run.error, name, self._advice_for(run.error)),
            )
        result = run.result
        if not isinstance(result, tuple | list) or len(result) != 6:
            got = (
                f"{len(result)} values"
                if isinstance(result, tuple | list)
                else f"{type(result).__name__}"
            )
            return self._result(
                "its results cannot be read.",
                [f"your function returned {got}; it must return 6: (Z, A, dZ, dw, db, J)."],
            )
        own: dict[str, Any] = {}  # the student's results of the right shape
        hints: list[str] = []
        right: list[str] = []
        said: set[str] = set()  # explanations of shapes given already: once is enough
        for key, value in zip(_VECTOR_RESULTS, result, strict=True):
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                hints.append(f"{key} is not an array of numbers: got {type(value).__name__}.")
                continue
            expected = self._shapes[key]
            if not expected and array.size == 1:
                array = array.reshape(())
            if array.shape != expected:
                hint, why = self._shape_hint(key, array, own)
                hints.append(f"{hint} {why}" if why and why not in said else hint)
                said.add(why)
                continue
            own[key] = array
            if _close(array, self._reference[key], self._scales[key]):
                right.append(key)
            else:
                hints.append(self._value_hint(key, array, own))
        loop = _loop_line(step)
        if loop is not None:
            hints.append(
                f"{name} has a loop ({loop}): the point of vectorizing is to have none; use "
                f"whole-array operations (@, np.sum, np.exp, …) over all m examples at once."
            )
        hints += _warned(run) if hints else []
        wrong = 6 - len(right)
        if not wrong and not hints:
            return self._result("Z, A, dZ, dw, db and J are all right.", [])
        summary = (
            f"{wrong} of 6 results not right yet"
            + (f"; right: {', '.join(right)}." if right else ".")
            if wrong
            else "the numbers are right, but not vectorized."
        )
        return self._result(summary, hints)

    def _dims(self, shape: tuple[int, ...]) -> str:
        """``(1, m)`` for ``(1, 5)``: a shape in the lecture's letters, when they are clear."""
        n, m = self._n, self._m
        if n == m or 1 in (n, m):
            return ""
        letters = {n: "n", m: "m", 1: "1"}
        if not all(d in letters for d in shape):
            return ""
        return (
            " = (" + ", ".join(letters[d] for d in shape) + ("," if len(shape) == 1 else "") + ")"
        )

    def _shape_hint(self, key: str, array: np.ndarray, own: dict[str, Any]) -> tuple[str, str]:
        """What is wrong with ``key``'s shape, and why it may have come about."""
        got, expected = array.shape, self._shapes[key]
        n, m = self._n, self._m
        columns = self.convention == "columns"
        what = "a single number" if not expected else f"{expected}{self._dims(expected)}"
        hint = f"{key} has shape {got}{self._dims(got)}; expected {what}."
        if not expected:
            return hint, f"{key} is one number for all m examples: a sum or mean is missing."
        if len(got) == 2 and got == expected[::-1]:
            hint += " It is the transpose of what is expected"
            if _close(array.T, self._reference[key], self._scales[key]):
                hint += ", with the right numbers"
            return hint + ".", {
                "dw": "X·dZᵀ is n × 1, dZ·Xᵀ is 1 × n.",
                "Z": "wᵀX is 1 × m, Xᵀw is m × 1.",
            }.get(key, "Z, A and dZ are 1 × m, like Y.")
        if got == (m, m) and m != n:
            return hint, (
                "An m × m table means numpy broadcast a column against a row (A − Y with one "
                "of them m × 1 and the other 1 × m, say): make sure Z, A, dZ and Y all have "
                f"shape {expected}."
            )
        if columns and len(got) == 1:
            return hint, (
                "A 1-D array is the rows convention. Here the examples are in columns, as in "
                "the course, and every array is 2-D (w and dw n × 1; Z, A and dZ 1 × m); "
                f"exercises.{_CONVENTIONS['columns']['other']} takes 1-D vectors."
            )
        if not columns and len(got) == 2:
            return hint, (
                "With examples in rows, w, y, Z, A, dZ and dw are 1-D here; "
                f"exercises.{_CONVENTIONS['rows']['other']} is the course's 2-D form."
            )
        source = _COMPUTED_FROM.get(key)
        if source is not None and source not in own:
            return (
                hint,
                f"{key} is computed from {source}, whose shape is wrong: fix {source} first.",
            )
        if key == "dw" and len(got) == 2 and sorted(got) == sorted((n, m)) and m != n:
            return hint, (
                "One entry per feature and example: an elementwise product (*) where the "
                "matrix product (@) multiplies and sums over the m examples in one go."
            )
        return hint, ""

    def _value_hint(self, key: str, s: np.ndarray, own: dict[str, Any]) -> str:
        """The hint for a result of the right shape whose numbers are wrong."""
        ref, m, Y = self._reference, self._m, self._Y
        f = _CONVENTIONS[self.convention]
        start = f"{key} = {_fmt(s)}"
        if not np.all(np.isfinite(s)):
            return (
                f"{start} holds NaN or infinity: log(0), 0/0 or a division by 0 upstream. "
                f"Check that A = σ(Z) lies strictly between 0 and 1."
            )
        with np.errstate(all="ignore"):
            mistakes: list[tuple[Any, str]] = []
            if key == "Z":
                product = f["Z"].removesuffix(" + b")
                no_b = ref["Z"] - self._b
                mistakes += [
                    (no_b, f"equals {product} without b: Z = {f['Z']}, b added to every entry."),
                    (no_b - self._b, f"equals {product} − b: b is added, Z = {f['Z']}."),
                ]
            elif key == "A":
                mistakes += [
                    (ref["Z"], "equals Z: the sigmoid is missing, A = σ(Z) = 1/(1 + e^(−Z))."),
                    (1 - ref["A"], "equals σ(−Z): check the sign, σ(Z) = 1/(1 + e^(−Z))."),
                ]
                if "Z" in own:
                    follows = 1 / (1 + np.exp(-own["Z"]))
                    mistakes.append((follows, "is σ(Z) for your Z, which is not right: fix Z."))
            elif key == "dZ":
                mistakes += [
                    (ref["A"], "equals A, the activations: dZ = A − Y, the labels subtracted."),
                    (-ref["dZ"], "has the wrong sign: it equals Y − A."),
                    (
                        ref["dZ"] / m,
                        "is (A − Y)/m: the lecture's dZ is one dz(i) per example, no 1/m; the "
                        "1/m belongs in dw and db.",
                    ),
                ]
                if "A" in own:
                    mistakes.append(
                        (own["A"] - Y, "is A − Y for your A, which is not right: fix A.")
                    )
            elif key in ("dw", "db"):
                average = (
                    (lambda v: self._product(self._X, v, "dw") / m)
                    if key == "dw"
                    else (lambda v: float(np.sum(v)) / m)
                )
                formula = f["dw"] if key == "dw" else "(1/m)·Σ dZ"
                mistakes += [
                    (ref[key] * m, f"is m times too large: {key} = {formula}, the 1/m is missing."),
                    (ref[key] / m, f"is m times too small: {key} = {formula}, divided by m once."),
                    (average(ref["A"]), f"is computed from A where dZ = A − Y belongs: {formula}."),
                    (-ref[key], "has the wrong sign."),
                ]
                if "dZ" in own:  # computed right, or without the 1/m, from a wrong dZ
                    mistakes += [
                        (
                            average(own["dZ"]),
                            f"is {formula} for your dZ, which is not right: fix dZ.",
                        ),
                        (
                            average(own["dZ"]) * m,
                            f"is m times {formula} for your dZ: the 1/m is missing, and your "
                            f"dZ is not right either: fix dZ, then divide by m.",
                        ),
                    ]
            else:  # J
                mistakes += [
                    (
                        ref["J"] * m,
                        "is m times too large: J is the mean loss over the examples, not the sum.",
                    ),
                    (
                        -ref["J"],
                        "has the wrong sign: L = −(y·log a + (1 − y)·log(1 − a)) starts with −.",
                    ),
                ]
                if "A" in own:
                    A = own["A"]
                    follows = -float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
                    mistakes.append(
                        (follows, "is the mean loss for your A, which is not right: fix A.")
                    )
            for value, words in mistakes:
                if _close(s, value, self._scales[key] * m):
                    return f"{start} {words}"
        advice = {
            "Z": f"Z = {f['Z']}: one z(i) per example.",
            "A": "A = σ(Z) = 1/(1 + e^(−Z)), entry by entry (np.exp).",
            "dZ": "dZ = A − Y, one dz(i) per example.",
            "dw": f"dw = {f['dw']}: the loop's Σ x(i)·dz(i) / m as one matrix product.",
            "db": "db = (1/m)·Σ dZ.",
            "J": "J = −(1/m)·Σ (Y·log A + (1 − Y)·log(1 − A)).",
        }[key]
        return f"{start} is not right: {advice}"

    def _advice_for(self, error: Exception) -> str | None:
        text = str(error)
        if isinstance(error, ValueError) and ("matmul" in text or "align" in text):
            f = _CONVENTIONS[self.convention]
            X = f"X is {self._X.shape}"
            return (
                f"A matrix product whose shapes do not fit ({X}, w {self._w.shape}, Y "
                f"{self._Y.shape}): check which factor needs a transpose (.T). Here Z = "
                f"{f['Z']} and dw = {f['dw']}."
            )
        if isinstance(error, ValueError) and "broadcast" in text:
            return "Two arrays of shapes that cannot combine entry by entry: print their shapes."
        return None


_LOOPS = {
    ast.For: "a for-loop",
    ast.AsyncFor: "a for-loop",
    ast.While: "a while-loop",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
}


def _loop_line(fn: Callable[..., Any]) -> str | None:
    """The first loop in the body of the function ``fn`` (``"a for-loop, line 7"``), if any.

    Only a function written with ``def`` whose source can be read is looked at (a notebook
    cell's can); ``None`` otherwise.
    """
    try:
        lines, start = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):  # no source: a builtin, a lambda mid-expression
        return None
    name = getattr(fn, "__name__", None)
    for definition in ast.walk(tree):
        if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef) and (
            definition.name == name
        ):
            for node in ast.walk(definition):
                if type(node) in _LOOPS:
                    return f"{_LOOPS[type(node)]}, line {start + node.lineno - 1}"
            return None
    return None


vectorized_step = VectorizedStep("columns")
"""Lecture 2 vectorized, as the course writes it: examples in columns."""

vectorized_step_rows = VectorizedStep("rows")
"""Lecture 2 vectorized with examples in rows, as numpy and autograd_lite put them."""
