"""Lecture 2's first exercise: one step of gradient descent, with the for-loop over the examples."""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from typing import Any, NamedTuple

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
    _join,
    _raised,
    _require_callable,
    _run,
    _warned,
)
from autograd_lite.lecture import example_loss
from autograd_lite.node import Constant, Variable


class _ExampleGraph:
    """The first lecture's graph for n features, run again for each example: the reference."""

    def __init__(self, n: int) -> None:
        self.w = [Variable(0.0, name=f"w{j}") for j in range(1, n + 1)]
        self.x = [Constant(0.0, name=f"x{j}") for j in range(1, n + 1)]
        self.b = Variable(0.0, name="b")
        self.y = Constant(0.0, name="y")
        self.L = example_loss(self.w, self.b, self.x, self.y)

    def __call__(
        self, x: np.ndarray, y: float, w: np.ndarray, b: float
    ) -> tuple[float, np.ndarray, float, float]:
        """``L(i)``, ``dw(i)``, ``db(i)`` and ``a(i)`` for one example ``x``, ``y``."""
        for node, value in zip(self.x, x.tolist(), strict=True):
            node.value = value
        for node, value in zip(self.w, w.tolist(), strict=True):
            node.value = value
        self.b.value = float(b)
        self.y.value = float(y)
        self.L.forward()
        self.L.backward()
        dw = np.array([node.grad for node in self.w])
        return self.L.value, dw, self.b.grad, self.L.inputs[0].value


class _Loop(NamedTuple):
    J: float
    dw: np.ndarray
    db: float
    w: np.ndarray
    b: float


_LOOP_RESULTS = ("J", "dw", "db", "w", "b")

_LOOP_MISTAKES: tuple[tuple[dict[str, Any], str], ...] = (
    # (how the mistaken loop runs, what to say when an answer matches it)
    (
        {"divide": False},
        "a loop that never divides by m: J, dw and db are then sums over the examples, not "
        "averages. After the loop, divide each accumulator by m (J /= m, dw1 /= m, …, "
        "db /= m), then update w and b.",
    ),
    (
        {"accumulate": False},
        "a loop that assigns with = instead of adding with +=: each example overwrites the "
        "one before, so only the last example (i = m) counts. The accumulators add up every "
        "example's contribution: J += …, dw1 += …, db += ….",
    ),
    (
        {"accumulate": False, "divide": False},
        "a loop that assigns with = instead of adding with += and does not divide by m: only "
        "the last example (i = m) counts. The accumulators add up every example's "
        "contribution (J += …, dw1 += …, db += …), and are divided by m after the loop.",
    ),
    (
        {"update": "inside"},
        "a loop that updates w and b inside the loop, after each example, so later examples "
        "see other parameters. One step of gradient descent updates once, after the loop and "
        "the division by m: w := w − α·dw, b := b − α·db.",
    ),
    (
        {"update": "each example"},
        "a loop that updates w and b inside the loop with each example's own gradient "
        "x(i)·dz(i): that is another algorithm (stochastic gradient descent). The lecture's "
        "step updates once, after the loop and the division by m: w := w − α·dw.",
    ),
    (
        {"update": "before dividing"},
        "an update made before dividing by m: w := w − α·dw and b := b − α·db use the "
        "averages, so they come after J /= m, dw /= m, db /= m.",
    ),
    (
        {"update": "uphill"},
        "a step uphill, w := w + α·dw: gradient descent subtracts, w := w − α·dw, b := b − α·db.",
    ),
    (
        {"update": "none"},
        "no update at all: they are the w and b you were given. The step w := w − α·dw, "
        "b := b − α·db is missing.",
    ),
)

_LOOP_ADVICE = {
    "J": "J is the average loss over the m examples: J = (1/m) Σ L(a(i), y(i)), with "
    "L(a, y) = −(y·log a + (1 − y)·log(1 − a)), a(i) = σ(z(i)) and z(i) = wᵀx(i) + b.",
    "dw": "each example adds x_j(i)·dz(i) to dw_j, with dz(i) = a(i) − y(i); after the loop "
    "dw_j /= m.",
    "db": "each example adds dz(i) = a(i) − y(i) to db; after the loop db /= m.",
    "w": "the updated w is w − α·dw, with the w you were given and the averaged dw.",
    "b": "the updated b is b − α·db, with the b you were given and the averaged db.",
}


class LoopStep(_Exercise):
    """Lecture 2: one step of gradient descent, with the for-loop over the m examples.

    The student writes ``gradient_step(X, y, w, b, alpha)`` with the lecture's accumulators and
    returns ``(J, dw, db, w, b)``: the cost, its gradients (averaged over the m examples), and
    the parameters after the step ``w := w − α·dw``, ``b := b − α·db``. ``X`` has one example
    per row (``X[i]`` is ``x(i)``, ``X[i][j]`` its feature ``x_{j+1}(i)``), ``y`` and ``w`` are
    1-D arrays, ``b`` and ``alpha`` numbers; ``dw`` and ``w`` come back as n numbers each.

    The reference runs the engine's one-example graph for each example. A wrong result is
    compared with the results of the mistakes themselves (a loop without 1/m, with ``=``
    instead of ``+=``, updating inside the loop, …), each run on the same data, and the hint
    says which one it matches.

    Parameters
    ----------
    X, y, w : array_like, optional
        The data (m × n, m ≥ 2), labels in [0, 1] and weights; all three, or none for the
        exercise's own.
    b, alpha : float
        The bias and the learning rate α > 0.

    Examples
    --------
    >>> ex = LoopStep()
    >>> def gradient_step(X, y, w, b, alpha):
    ...     raise NotImplementedError
    >>> print(ex.check(gradient_step))
    ✗ Gradient descent on m examples, with a loop: not answered yet.
      • gradient_step is not written yet: replace `raise NotImplementedError` with your code.
    """

    title = "Gradient descent on m examples, with a loop"
    form = "gradient_step(X, y, w, b, alpha)"

    def __init__(
        self,
        X: Any = None,
        y: Any = None,
        w: Any = None,
        b: float = 0.1,
        alpha: float = 0.5,
    ) -> None:
        if X is None and y is None and w is None:
            X = [[0.5, 1.5], [2.0, -1.0], [-1.0, -0.5], [1.5, 2.5]]
            y, w = [1.0, 0.0, 0.0, 1.0], [0.2, -0.3]
        elif X is None or y is None or w is None:
            raise ValueError("LoopStep: give X, y and w together, or none of them")
        self._X = _given_array(X, "LoopStep(X=...)", 2)
        self._y = _given_array(y, "LoopStep(y=...)", 1)
        self._w = _given_array(w, "LoopStep(w=...)", 1)
        self._b = _given_number(b, "LoopStep(b=...)")
        self._alpha = _given_number(alpha, "LoopStep(alpha=...)")
        m, n = self._X.shape
        if m < 2 or self._y.shape != (m,) or self._w.shape != (n,):
            raise ValueError(
                f"LoopStep: X must be m × n with m ≥ 2, y of shape (m,), w of shape (n,); got "
                f"{self._X.shape}, {self._y.shape}, {self._w.shape}"
            )
        if self._alpha <= 0:
            raise ValueError(f"LoopStep(alpha=...): the learning rate must be > 0, got {alpha!r}")
        _check_labels(self._y, "LoopStep(y=...)")
        _check_logits(self._X @ self._w + self._b, "LoopStep")
        self._graph = _ExampleGraph(n)
        self._reference = self._loop()._asdict()
        self._mistaken = [self._loop(**how)._asdict() for how, _ in _LOOP_MISTAKES]
        # Sizes of the terms each result is made of (see RTOL), summed over the examples.
        per_example = [
            self._graph(x, y_i, self._w, self._b) for x, y_i in zip(self._X, self._y, strict=True)
        ]
        a = np.array([e[3] for e in per_example])
        s_dz = np.abs(a) + np.abs(self._y)
        s_z = np.abs(self._X) @ np.abs(self._w) + abs(self._b)  # dL/dz is at most 1
        s_dw, s_db = np.abs(self._X).T @ s_dz, float(np.sum(s_dz))
        self._scales = {
            "J": float(sum(e[0] for e in per_example) + np.sum(s_z)),
            "dw": s_dw,
            "db": s_db,
            "w": np.abs(self._w) + self._alpha * s_dw,
            "b": abs(self._b) + self._alpha * s_db,
        }

    @property
    def given(self) -> dict[str, Any]:
        """``X`` (m × n, one example per row), ``y``, ``w``, ``b`` and ``alpha``: copies."""
        return {
            "X": self._X.copy(),
            "y": self._y.copy(),
            "w": self._w.copy(),
            "b": self._b,
            "alpha": self._alpha,
        }

    def _loop(
        self, *, accumulate: bool = True, divide: bool = True, update: str = "after"
    ) -> _Loop:
        """The lecture's loop, or one of the mistakes in ``_LOOP_MISTAKES``, on the engine."""
        X, y, alpha = self._X, self._y, self._alpha
        m = len(y)
        w, b = self._w.copy(), self._b
        J, dw, db = 0.0, np.zeros_like(w), 0.0
        for x_i, y_i in zip(X, y, strict=True):
            L_i, dw_i, db_i, _ = self._graph(x_i, y_i, w, b)
            if accumulate:
                J, dw, db = J + L_i, dw + dw_i, db + db_i
            else:
                J, dw, db = L_i, dw_i, db_i
            if update == "inside":
                w, b = w - alpha * dw, b - alpha * db
            elif update == "each example":
                w, b = w - alpha * dw_i, b - alpha * db_i
        sums = dw, db
        if divide:
            J, dw, db = J / m, dw / m, db / m
        if update == "after":
            w, b = w - alpha * dw, b - alpha * db
        elif update == "before dividing":
            w, b = w - alpha * sums[0], b - alpha * sums[1]
        elif update == "uphill":
            w, b = w + alpha * dw, b + alpha * db
        return _Loop(J, dw, db, w, b)

    def check(self, gradient_step: Callable[..., Any] | None) -> Feedback:
        """Run ``gradient_step`` on ``given`` and compare its five results with the engine's.

        Parameters
        ----------
        gradient_step : callable or None
            ``gradient_step(X, y, w, b, alpha) -> (J, dw, db, w, b)``; ``None`` if not
            written yet.

        Returns
        -------
        Feedback
            Passed when all five results are right; otherwise a hint per mistaken loop the
            results match, or per result that matches none.

        Raises
        ------
        TypeError
            ``gradient_step`` is not a function of five arguments.

        Examples
        --------
        >>> def gradient_step(X, y, w, b, alpha):   # every example's gradient, not their mean
        ...     import math
        ...     m, n = X.shape
        ...     J, dw, db = 0.0, [0.0] * n, 0.0
        ...     for i in range(m):
        ...         a = 1 / (1 + math.exp(-(sum(w[j] * X[i][j] for j in range(n)) + b)))
        ...         J += -(y[i] * math.log(a) + (1 - y[i]) * math.log(1 - a))
        ...         for j in range(n):
        ...             dw[j] += X[i][j] * (a - y[i])
        ...         db += a - y[i]
        ...     return J, dw, db, [w[j] - alpha * dw[j] for j in range(n)], b - alpha * db
        >>> print(loop_step.check(gradient_step))   # doctest: +NORMALIZE_WHITESPACE
        ✗ Gradient descent on m examples, with a loop: 5 of 5 results not right yet.
          • Your J, dw, db, updated w and updated b match a loop that never divides by m: J,
            dw and db are then sums over the examples, not averages. After the loop, divide
            each accumulator by m (J /= m, dw1 /= m, …, db /= m), then update w and b.
        """
        if gradient_step is None:
            return self._result("not answered yet.", ["gradient_step: not written yet."])
        given = self.given
        args = tuple(given.values())
        _require_callable(gradient_step, "check(gradient_step)", args, self.form)
        name = getattr(gradient_step, "__name__", "your function")
        run = _run(gradient_step, *args)
        if run.error is not None:
            return self._result(
                "not answered yet."
                if isinstance(run.error, NotImplementedError)
                else "your function raised an exception.",
                _raised(run.error, name, self._advice_for(run.error)),
            )
        results, problems = self._read(run.result)
        if problems:
            return self._result("its results cannot be read.", problems + _warned(run))
        reference = self._reference
        wrong = [k for k in _LOOP_RESULTS if not _close(results[k], reference[k], self._scales[k])]
        if not wrong:
            return self._result("J, dw, db and the updated w and b are all right.", [])
        hints = self._diagnose(results, wrong) + _warned(run)
        summary = f"{len(wrong)} of 5 results not right yet" + (
            "."
            if len(wrong) == 5
            else f"; right: {', '.join(self._label(k) for k in _LOOP_RESULTS if k not in wrong)}."
        )
        return self._result(summary, hints)

    @staticmethod
    def _label(key: str) -> str:
        return f"updated {key}" if key in ("w", "b") else key

    def _read(self, result: Any) -> tuple[dict[str, Any], list[str]]:
        """The five results as numbers, or what is wrong with them."""
        if not isinstance(result, tuple | list) or len(result) != 5:
            got = (
                f"{len(result)} values"
                if isinstance(result, tuple | list)
                else "None"
                if result is None
                else f"{type(result).__name__} {reprlib.repr(result)}"
            )
            extra = (
                " The updated w and b are missing."
                if isinstance(result, tuple | list) and len(result) == 3
                else " Is the return statement missing?"
                if result is None
                else ""
            )
            return {}, [
                f"your function returned {got}; it must return 5: (J, dw, db, w, b).{extra}"
            ]
        n = len(self._w)
        results: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in zip(_LOOP_RESULTS, result, strict=True):
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                problems.append(f"{self._label(key)} is not numbers: got {reprlib.repr(value)}.")
                continue
            size = n if key in ("dw", "w") else 1
            if array.size != size:
                what = f"n = {n} numbers, one per feature" if size == n else "one number"
                problems.append(
                    f"{self._label(key)} must be {what}; got {array.size} (shape {array.shape})."
                )
                continue
            results[key] = array.reshape(-1) if size == n else float(array.reshape(-1)[0])
        return results, problems

    def _diagnose(self, results: dict[str, Any], wrong: list[str]) -> list[str]:
        matched: dict[int, list[str]] = {}
        unmatched: list[str] = []
        m = len(self._y)

        def agrees(key: str, mistake: dict[str, Any]) -> bool:
            # A mistake's sums are up to m times the averages: so is their rounding.
            return _close(results[key], mistake[key], self._scales[key] * m)

        # Two mistakes can give the same number for one result (the update before dividing by
        # m, and no division at all, give the same w): the one that explains the most
        # results, right ones included, is the one made.
        explains = [sum(agrees(k, mistake) for k in _LOOP_RESULTS) for mistake in self._mistaken]
        for key in wrong:
            fits = [i for i, mistake in enumerate(self._mistaken) if agrees(key, mistake)]
            if fits:
                matched.setdefault(max(fits, key=explains.__getitem__), []).append(key)
            else:
                unmatched.append(key)
        hints = [
            f"Your {_join([self._label(k) for k in keys])} match{'es' if len(keys) == 1 else ''} "
            + _LOOP_MISTAKES[index][1]
            for index, keys in matched.items()
        ]
        for key in unmatched:
            value = results[key]
            if key in ("w", "b") and ("d" + key) in wrong:
                start = self._w if key == "w" else self._b
                step = start - self._alpha * results["d" + key]
                if _close(value, step, self._scales[key]):
                    hints.append(
                        f"Your updated {key} = {_fmt(value)} is {key} − α·d{key} for your "
                        f"d{key}, which is not right: fix d{key}, and {key} follows."
                    )
                    continue
            hints.append(
                f"Your {self._label(key)} = {_fmt(value)} is not right: {_LOOP_ADVICE[key]}"
            )
        return hints

    def _advice_for(self, error: Exception) -> str | None:
        m, n = self._X.shape
        if isinstance(error, IndexError):
            return (
                f"X has one example per row, shape (m, n) = ({m}, {n}): X[i] is the example "
                f"x(i), for i in range(m), and X[i][j] its feature j, for j in range(n)."
            )
        if isinstance(error, TypeError) and "sequence" in str(error):
            return (
                "a Python list times a number repeats the list, and a list minus a number "
                "fails: update w element by element, or make dw a numpy array (np.zeros(n))."
            )
        return None


loop_step = LoopStep()
"""Lecture 2's loop on 4 examples with 2 features."""
