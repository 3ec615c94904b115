"""Loop against vectorized, measured honestly: one gradient step, seven ways, on the same data.

The second lecture ends on one claim: the for-loops are slow, and vectorization is what makes
training practical. ``compare`` measures that claim and keeps it apart from the cost of the
engine's graphs. It times one step of gradient descent's work — the cost ``J`` and the
gradients ``dw``, ``db`` at the same ``w``, ``b`` — written seven ways:

1. **the lecture's two loops in plain Python**: lists and floats, ``math.exp``, accumulators
   ``dw[j] += x(i)_j·dz(i)``; the lecture's "one line per feature" is the inner loop over the
   features;
2. **one loop removed**: the loop over the examples kept, numpy over the features
   (``z(i) = x(i)·w + b``, ``dw += x(i)·dz(i)``);
3. **numpy vectorized**: ``Z = X·w + b``, ``A = σ(Z)``, ``dZ = A − y``, ``dw = Xᵀ·dZ / m``;
4. **the engine's per-example loop** (``ExampleLoop``, one node per feature): what
   ``LogisticRegression(method="loop")`` runs;
5. **the engine's vectorized graph** (``VectorizedGraph``), interpreted: the graph run again;
6. **the compiled per-example loop** (``CompiledLoop``): the one-example graph compiled by
   ``ag.compile`` to a function of floats, called once per example; what
   ``LogisticRegression(method="loop")`` runs;
7. **the compiled vectorized program** (``CompiledCost``): the vectorized graph compiled to
   numpy; what ``LogisticRegression(method="vectorized")`` runs.

The lecture's "speed-up of vectorization" is (1) ÷ (3): the same arithmetic with and without
Python's loops. (4) ÷ (5) is larger, because the per-example loop also pays the graph's
bookkeeping (a few microseconds per node, per example); that is the interpreter's own overhead
and is reported on its own line, as is (5) ÷ (3). The compiled forms (6) and (7) are the same
graphs written out as Python: (6) ÷ (1) and (7) ÷ (3) show what the graph costs once compiled.

Before anything is timed, the seven results are checked to agree (``check_agreement``): the sums
run in different orders (sequential accumulators in the loops, pairwise sums and BLAS in numpy),
so they differ by rounding, never by more than ``RTOL`` times the size of what is summed.
"""

from __future__ import annotations

import gc
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autograd_lite.lecture import CompiledCost, CompiledLoop, ExampleLoop, VectorizedGraph
from autograd_lite.validation import checked_X, checked_y

__all__ = [
    "CHART_FORMATS",
    "COMPILED_LOOP",
    "COMPILED_VECTORIZED",
    "DEFAULT_MIN_TIME",
    "DEFAULT_REPEATS",
    "ENGINE_LOOP",
    "ENGINE_VECTORIZED",
    "FORMS",
    "NUMPY_LOOP",
    "NUMPY_VECTORIZED",
    "PLAIN_LOOP",
    "RTOL",
    "Comparison",
    "Row",
    "chart_format",
    "check_agreement",
    "compare",
    "gradient_functions",
    "numpy_one_loop",
    "numpy_vectorized",
    "plain_python_loop",
    "shipped_data",
    "time_steps",
]

Gradients = Callable[[np.ndarray, float], tuple[float, np.ndarray, float]]
"""A function ``(w, b) -> (J, dw, db)``: one step's cost and gradients."""

PLAIN_LOOP = "plain_loop"
NUMPY_LOOP = "numpy_loop"
NUMPY_VECTORIZED = "numpy_vectorized"
ENGINE_LOOP = "engine_loop"
ENGINE_VECTORIZED = "engine_vectorized"
COMPILED_LOOP = "compiled_loop"
COMPILED_VECTORIZED = "compiled_vectorized"

FORMS: dict[str, str] = {
    PLAIN_LOOP: "lecture's two loops, plain Python",
    NUMPY_LOOP: "one loop removed (numpy over features)",
    NUMPY_VECTORIZED: "numpy vectorized",
    ENGINE_LOOP: "engine's per-example loop (ExampleLoop)",
    ENGINE_VECTORIZED: "engine's vectorized graph (VectorizedGraph)",
    COMPILED_LOOP: "compiled per-example loop (CompiledLoop)",
    COMPILED_VECTORIZED: "compiled vectorized program (CompiledCost)",
}
"""The seven forms, by key, in the order of the table, with the name the table gives each."""

RTOL = 1e-9
"""How far the seven forms may differ, relative to the size of the terms summed.

The forms add the same m terms in different orders, so their results differ by rounding: at
most about m·ε (ε = 2.2e-16) times the terms' size, 1e-11 at m = 50,000. A mistake in a formula
moves a gradient by its own size. 1e-9 leaves room for rounding up to millions of examples and
still catches every mistake.
"""

DEFAULT_REPEATS = 7
DEFAULT_MIN_TIME = 0.05
"""Seconds each repeat of each form lasts at least (when the number of steps is automatic)."""


# --- the seven forms ----------------------------------------------------------------------------


def plain_python_loop(X: np.ndarray, y: np.ndarray) -> Gradients:
    """The lecture's two loops, literally, in plain Python: lists, floats and ``math.exp``.

    ``X`` and ``y`` become lists once, here; each call then runs the lecture's code, with the
    accumulators ``J``, ``dw``, ``db`` and the per-example ``z(i)``, ``a(i)``, ``dz(i)``. The
    lecture's "one line per feature" (``dw1 += x1(i)·dz(i)``, ``dw2 += …``) is the inner loop
    over the features, and so is ``z(i) = wᵀx(i) + b``.

    The lecture's formula ``log(1 − a)`` is kept as it is: it fails (``ValueError``) where
    ``a`` rounds to 1, for ``z`` above about 36, which the engine's log loss avoids.

    Examples
    --------
    >>> import numpy as np
    >>> step = plain_python_loop(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]))
    >>> J, dw, db = step(np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """
    rows: list[list[float]] = np.asarray(X, dtype=np.float64).tolist()
    labels: list[float] = np.asarray(y, dtype=np.float64).tolist()
    m, n = len(rows), len(rows[0])

    def gradients(w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        w_list: list[float] = np.asarray(w, dtype=np.float64).tolist()
        b = float(b)
        J = 0.0
        dw = [0.0] * n
        db = 0.0
        for i in range(m):
            x_i, y_i = rows[i], labels[i]
            z_i = b
            for j in range(n):
                z_i += w_list[j] * x_i[j]
            a_i = 1.0 / (1.0 + math.exp(-z_i))
            J += -(y_i * math.log(a_i) + (1.0 - y_i) * math.log(1.0 - a_i))
            dz_i = a_i - y_i
            for j in range(n):
                dw[j] += x_i[j] * dz_i
            db += dz_i
        J /= m
        for j in range(n):
            dw[j] /= m
        db /= m
        return J, np.array(dw), db

    return gradients


def numpy_one_loop(X: np.ndarray, y: np.ndarray) -> Gradients:
    """The lecture's loop with one loop removed: over the examples, numpy over the features.

    ``dw`` is one vector: ``z(i) = x(i)·w + b`` and ``dw += x(i)·dz(i)`` replace the loop over
    the features; the loop over the examples stays.

    Examples
    --------
    >>> import numpy as np
    >>> step = numpy_one_loop(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]))
    >>> J, dw, db = step(np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """
    X = np.array(X, dtype=np.float64)  # its own copy: the rows below are views of it
    rows = list(X)
    labels: list[float] = np.asarray(y, dtype=np.float64).tolist()
    m, n = X.shape

    def gradients(w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        w = np.asarray(w, dtype=np.float64)
        b = float(b)
        J = 0.0
        dw = np.zeros(n)
        db = 0.0
        for i in range(m):
            x_i, y_i = rows[i], labels[i]
            z_i = float(x_i @ w) + b
            a_i = 1.0 / (1.0 + math.exp(-z_i))
            J += -(y_i * math.log(a_i) + (1.0 - y_i) * math.log(1.0 - a_i))
            dz_i = a_i - y_i
            dw += x_i * dz_i
            db += dz_i
        return J / m, dw / m, db / m

    return gradients


def numpy_vectorized(X: np.ndarray, y: np.ndarray) -> Gradients:
    """The lecture's vectorized step in numpy, examples in rows: no explicit loop.

    ``Z = X·w + b``, ``A = σ(Z)``, ``J = mean(L(A, y))``, ``dZ = A − y``,
    ``dw = Xᵀ·dZ / m``, ``db = mean(dZ)``.

    Examples
    --------
    >>> import numpy as np
    >>> step = numpy_vectorized(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]))
    >>> J, dw, db = step(np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """
    X = np.array(X, dtype=np.float64)
    Y = np.array(y, dtype=np.float64)
    m = X.shape[0]

    def gradients(w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        Z = X @ w + b
        A = 1.0 / (1.0 + np.exp(-Z))
        J = float(-np.mean(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)))
        dZ = A - Y
        dw = X.T @ dZ / m
        db = float(np.mean(dZ))
        return J, dw, db

    return gradients


def _on(program: CompiledLoop | CompiledCost, X: np.ndarray, Y: np.ndarray) -> Gradients:
    """A compiled form as ``(w, b) -> (J, dw, db)`` on the data ``X``, ``Y``."""
    return lambda w, b: program.gradients(X, Y, w, b)


def gradient_functions(X: np.ndarray, y: np.ndarray) -> dict[str, Gradients]:
    """The seven forms on ``(X, y)``, by key in ``FORMS`` order, each ``(w, b) -> (J, dw, db)``.

    The engine's interpreted forms are ``ExampleLoop(X, y).gradients`` and
    ``VectorizedGraph(X, y).gradients``; the compiled ones ``CompiledLoop`` and
    ``CompiledCost``, given the data.

    Examples
    --------
    >>> import numpy as np
    >>> forms = gradient_functions(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]))
    >>> for key, step in forms.items():
    ...     J, dw, db = step(np.array([0.3, -0.4]), 0.1)
    ...     print(f"{key:<19} J = {J:.6f}  dw = {np.round(dw, 6).tolist()}  db = {db:.6f}")
    plain_loop          J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    numpy_loop          J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    numpy_vectorized    J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    engine_loop         J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    engine_vectorized   J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    compiled_loop       J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    compiled_vectorized J = 1.266716  dw = [0.903932, -0.99978]  db = 0.101748
    """
    X, Y = _checked(X, y)
    return {
        PLAIN_LOOP: plain_python_loop(X, Y),
        NUMPY_LOOP: numpy_one_loop(X, Y),
        NUMPY_VECTORIZED: numpy_vectorized(X, Y),
        ENGINE_LOOP: ExampleLoop(X, Y, "features").gradients,
        ENGINE_VECTORIZED: VectorizedGraph(X, Y).gradients,
        COMPILED_LOOP: _on(CompiledLoop(X.shape[1]), X, Y),
        COMPILED_VECTORIZED: _on(CompiledCost(X.shape[1]), X, Y),
    }


def _checked(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = checked_X(X)
    labels = checked_y(y, X.shape[0])
    if labels.dtype.kind not in "biuf":
        raise ValueError(f"y must hold the labels 0 and 1 as numbers, got dtype {labels.dtype}")
    Y = labels.astype(np.float64)
    if np.any((Y < 0) | (Y > 1)):
        bad = Y[(Y < 0) | (Y > 1)][0]
        raise ValueError(f"y must hold labels in [0, 1] (the lecture's 0 and 1), got {bad:g}")
    return X, Y


def shipped_data() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The shipped breast-cancer data, each feature standardised, ``y`` as 0.0 and 1.0.

    All 569 examples, 30 features; each feature has mean 0 and standard deviation 1 over the
    569 (a constant feature would only be centred), as the demo standardises its training set.
    ``y = 1`` is benign, ``y = 0`` malignant.

    Examples
    --------
    >>> X, y, names = shipped_data()
    >>> X.shape, float(y.sum()), names[0]
    ((569, 30), 357.0, 'mean radius')
    >>> bool(np.allclose(X.mean(axis=0), 0) and np.allclose(X.std(axis=0), 1))
    True
    """
    from autograd_lite.datasets import load_breast_cancer

    X, y, names = load_breast_cancer()
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return (X - X.mean(axis=0)) / scale, y.astype(np.float64), names


# --- the check --------------------------------------------------------------------------------


def check_agreement(
    results: dict[str, tuple[float, np.ndarray, float]],
    X: np.ndarray,
    w: np.ndarray,
    b: float,
    reference: str = NUMPY_VECTORIZED,
) -> dict[str, float]:
    """The largest difference of each form's ``J``, ``dw``, ``db`` from the reference's.

    ``results`` maps each form's key to its ``(J, dw, db)`` at ``w``, ``b`` on the examples
    ``X``. Raises ``ValueError``, naming the form and the numbers, if a difference exceeds the
    rounding of sums taken in a different order: ``RTOL`` times the size of the terms summed,
    that is ``J`` itself (a sum of positive losses), the mean of ``|x(i)_j|`` for ``dw_j``
    (``|dz(i)| ≤ 1``) and 1 for ``db``. ``J`` may differ by a little more: the lecture's
    ``log(1 − a)`` loses digits where ``a`` is near 1 (``a`` carries a rounding of ε, which
    ``log(1 − a)`` divides by ``1 − a``), so its tolerance adds the mean of
    ``4ε / min(a, 1 − a)``, which is 1e-15 at ``a = 0.5`` and 1e-12 at ``|z| = 7``.

    Returns
    -------
    dict
        Form key → the largest absolute difference in ``J``, ``dw`` or ``db``.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    >>> w, b = np.array([0.3, -0.4]), 0.1
    >>> results = {k: f(w, b) for k, f in gradient_functions(X, y).items()}
    >>> max(check_agreement(results, X, w, b).values()) < 1e-15
    True
    """
    X = np.asarray(X, dtype=np.float64)
    J_ref, dw_ref, db_ref = results[reference]
    dw_ref = np.asarray(dw_ref, dtype=np.float64)
    scale = np.mean(np.abs(X), axis=0)
    z = X @ np.asarray(w, dtype=np.float64) + b
    nearest = 1.0 / (1.0 + np.exp(np.abs(z)))  # min(a, 1 − a), without rounding 1 − a
    conditioning = float(np.mean(4 * np.finfo(np.float64).eps / nearest))
    differences = {}
    for key, (J, dw, db) in results.items():
        dw = np.asarray(dw, dtype=np.float64)
        if dw.shape != dw_ref.shape:
            raise ValueError(f"{FORMS.get(key, key)}: dw has shape {dw.shape}, not {dw_ref.shape}")
        values = {"J": (J, J_ref), "dw": (dw, dw_ref), "db": (db, db_ref)}
        gaps = {name: np.abs(value - ref) for name, (value, ref) in values.items()}
        allowed = {"J": RTOL * abs(J_ref) + conditioning, "dw": RTOL * scale, "db": RTOL}
        for name, gap in gaps.items():
            if not np.all(gap <= allowed[name]):
                value, ref = values[name]
                raise ValueError(
                    f"{FORMS.get(key, key)} and {FORMS.get(reference, reference)} disagree on "
                    f"{name}: {value} against {ref}, more than the rounding of sums in a "
                    f"different order (tolerance {RTOL:g}, relative to the terms summed)"
                )
        differences[key] = float(max(np.max(gap, initial=0.0) for gap in gaps.values()))
    return differences


# --- the timing ---------------------------------------------------------------------------------


def time_steps(
    functions: dict[str, Callable[[], object]],
    repeats: int = DEFAULT_REPEATS,
    steps: int | None = None,
    min_time: float = DEFAULT_MIN_TIME,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Seconds per call of each function, once per repeat, the functions interleaved.

    Each function is called once to warm up. ``steps`` calls make one repeat; when ``steps``
    is None, each function gets as many calls as last at least ``min_time`` seconds (at least
    one). The repeats go round the functions in turn, starting one further each round, so a
    machine that slows down for a while slows all of them alike. Garbage collection is off
    while a repeat runs, as ``timeit`` does it.

    Returns
    -------
    times : dict
        Key → seconds per call, one entry per repeat.
    steps : dict
        Key → the calls in each repeat.

    Examples
    --------
    >>> times, steps = time_steps({"sum": lambda: sum(range(100))}, repeats=3, steps=10)
    >>> len(times["sum"]), steps["sum"]
    (3, 10)
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a whole number ≥ 1, got {repeats!r}")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"steps must be a whole number ≥ 1, got {steps!r}")
    if not (isinstance(min_time, (int, float)) and math.isfinite(min_time) and min_time >= 0):
        raise ValueError(f"min_time must be a finite number of seconds ≥ 0, got {min_time!r}")
    numbers = {}
    for key, function in functions.items():
        first = _seconds(function, 1)  # the warm-up, which also sizes the repeats
        if steps is not None:
            numbers[key] = steps
            continue
        number = max(1, math.ceil(min_time / max(first, 1e-9)))
        if number > 1:  # a cold first call can be slow: measure again before deciding
            again = _seconds(function, min(number, 10)) / min(number, 10)
            number = max(1, math.ceil(min_time / max(again, 1e-9)))
        numbers[key] = number
    times: dict[str, list[float]] = {key: [] for key in functions}
    keys = list(functions)
    gc.collect()  # once: no collection left over from before falls into a repeat
    for r in range(repeats):
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            times[key].append(_seconds(functions[key], numbers[key]) / numbers[key])
    return times, numbers


def _seconds(function: Callable[[], object], number: int) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            function()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One form's line of the table."""

    key: str
    """The form's key in ``FORMS``, e.g. ``"plain_loop"``."""
    form: str
    """What the table calls it, e.g. ``"lecture's two loops, plain Python"``."""
    seconds: float
    """The median time of one step (J, dw, db) over the repeats, in seconds."""
    ratio: float
    """``seconds`` ÷ numpy vectorized's ``seconds``."""
    difference: float
    """The largest difference of its J, dw, db from numpy vectorized's."""
    times: tuple[float, ...]
    """Seconds per step in each repeat."""
    steps: int
    """Steps timed in each repeat."""


class Comparison:
    """The timings of ``compare``: a table (``str()``), ``rows``, the ratios and a chart.

    In a notebook it shows as a Markdown table. ``comparison[key]`` is the ``Row`` of a form.
    """

    def __init__(self, rows: Sequence[Row], m: int, n: int, repeats: int, data: str) -> None:
        self.rows: tuple[Row, ...] = tuple(rows)
        self.m = m
        self.n = n
        self.repeats = repeats
        self.data = data
        self._by_key = {row.key: row for row in self.rows}

    def __getitem__(self, key: str) -> Row:
        return self._by_key[key]

    def ratio(self, slow: str, fast: str) -> float:
        """How many times ``fast``'s step fits in ``slow``'s: the ratio of their median times."""
        return self[slow].seconds / self[fast].seconds

    @property
    def speedup(self) -> float:
        """The speed-up of vectorization, as the lecture means it: (1) plain loop ÷ (3) numpy."""
        return self.ratio(PLAIN_LOOP, NUMPY_VECTORIZED)

    def summary(self) -> list[str]:
        """The lines under the table: the speed-up of vectorization, then the engine's overhead.

        The demo prints these same lines.
        """
        engine = [
            (ENGINE_LOOP, ENGINE_VECTORIZED, "(4) its per-example loop ÷ (5) its vectorized graph"),
            (ENGINE_VECTORIZED, NUMPY_VECTORIZED, "(5) its vectorized graph ÷ (3) numpy"),
            (ENGINE_LOOP, PLAIN_LOOP, "(4) its per-example loop ÷ (1) the plain-Python loops"),
            (COMPILED_LOOP, PLAIN_LOOP, "(6) compiled loop ÷ (1) the plain-Python loops"),
            (COMPILED_VECTORIZED, NUMPY_VECTORIZED, "(7) compiled program ÷ (3) numpy"),
        ]
        width = max(len(text) for _, _, text in engine)
        lines = [
            f"speed-up of vectorization: {_ratio(self.speedup)} (the lecture's two loops in "
            "plain Python ÷ numpy vectorized)",
            "the engine's own overhead, measured apart:",
        ]
        lines.extend(
            f"  {text + ':':<{width + 1}} {_ratio(self.ratio(slow, fast)):>7}"
            for slow, fast, text in engine
        )
        return lines

    def _header(self) -> str:
        repeats = "one repeat" if self.repeats == 1 else f"the median of {self.repeats} repeats"
        features = f"{self.n} feature{'s' if self.n != 1 else ''}"
        return (
            f"One gradient step (J, dw, db), seven ways, on {self.data}\n({self.m} examples × "
            f"{features}); time per step: {repeats}; ÷ (3): the ratio to (3)"
        )

    def _cells(self) -> list[tuple[str, str, str, str, str]]:
        return [
            (
                f"({i})",
                row.form,
                _duration(row.seconds),
                _ratio(row.ratio),
                f"{row.difference:.1e}",
            )
            for i, row in enumerate(self.rows, start=1)
        ]

    def to_text(self, header: bool = True) -> str:
        """The table as text: the header (unless ``header=False``), one line per form, then the
        speed-up of vectorization, the engine's overhead and the agreement. ``str()`` gives it.
        """
        heads = ("", "form", "time per step", "÷ (3)", "max |Δ| vs (3)")
        cells = self._cells()
        widths = [max(len(heads[k]), *(len(c[k]) for c in cells)) for k in range(5)]
        lines = [self._header(), ""] if header else []
        for c in [heads, *cells]:
            lines.append(
                f"{c[0]:<{widths[0]}} {c[1]:<{widths[1]}}  {c[2]:>{widths[2]}}  "
                f"{c[3]:>{widths[3]}}  {c[4]:>{widths[4]}}"
            )
        lines.append("")
        lines.extend(self.summary())
        lines.append(
            f"all seven give the same J, dw, db: they differ by rounding only, the sums running in "
            f"different\norders (checked: within {RTOL:g} of the size of the terms summed)"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (
            f"<Comparison of {len(self.rows)} forms on {self.m} × {self.n}: speed-up of "
            f"vectorization {_ratio(self.speedup)}>"
        )

    def to_markdown(self) -> str:
        """The table as Markdown, with the summary lines below it."""
        lines = [
            self._header(),
            "",
            "| | form | time per step | ÷ (3) | max \\|Δ\\| vs (3) |",
            "|---|---|---:|---:|---:|",
        ]
        lines.extend(f"| {' | '.join(c)} |" for c in self._cells())
        lines.append("")
        for line in self.summary():  # the indented lines become a nested list
            lines.append(f"  - {line.strip()}" if line.startswith(" ") else f"- {line}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def plot(self, target: Any = None) -> Any:
        """A bar chart of the time per step, on a log scale, each bar labelled with its ratio.

        ``target`` is a file name (``.png``, ``.svg`` or ``.pdf``: the chart is written there
        and the path returned), a matplotlib ``Axes`` (drawn into and returned), or None (a new
        ``matplotlib.figure.Figure`` is returned). Needs matplotlib
        (``pip install 'autograd_lite[demo]'``).
        """
        path = None
        if not (target is None or isinstance(target, (str, os.PathLike))) and not hasattr(
            target, "barh"
        ):  # neither a file name nor something to draw into, as an Axes is
            raise TypeError(
                f"plot: target must be a file name (.png, .svg or .pdf), a matplotlib Axes or "
                f"None, got {target!r} ({type(target).__name__})"
            )
        if target is None or isinstance(target, (str, os.PathLike)):
            if target is not None:
                path = Path(target)
                chart_format(path)  # a bad name is refused before any drawing
            figure = _figure()
            axes = figure.add_subplot()
        else:
            axes = target
            figure = None
        self._draw(axes)
        if path is not None:
            assert figure is not None
            figure.savefig(path, format=chart_format(path), dpi=120)
            return path
        return figure if figure is not None else axes

    def _draw(self, axes: Any) -> None:
        labels = [f"({i}) {row.form}" for i, row in enumerate(self.rows, start=1)]
        milliseconds = [row.seconds * 1e3 for row in self.rows]
        engine = [row.key.startswith("engine") for row in self.rows]
        colours = ["#DD8452" if own else "#4C72B0" for own in engine]
        positions = list(range(len(self.rows)))
        axes.barh(positions, milliseconds, color=colours)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xscale("log")
        axes.set_xlim(min(milliseconds) / 3, max(milliseconds) * 15)  # room for the labels
        for position, row, ms in zip(positions, self.rows, milliseconds, strict=True):
            text = f" {_duration(row.seconds)}, {_ratio(row.ratio)} (3)"
            axes.annotate(text, (ms, position), va="center", fontsize=9)
        axes.set_xlabel(
            "time per gradient step (J, dw, db), milliseconds, log scale\n"
            "blue: plain Python and numpy; orange: the engine's graphs"
        )
        loop_ratio = _ratio(self.ratio(ENGINE_LOOP, ENGINE_VECTORIZED))
        axes.set_title(
            f"One gradient step on {self.m} × {self.n}: speed-up of vectorization (1) ÷ (3) = "
            f"{_ratio(self.speedup)}\nthe engine's loop ÷ its vectorized graph, (4) ÷ (5) = "
            f"{loop_ratio}",
            fontsize=10,
        )
        axes.grid(axis="x", alpha=0.3)
        if axes.figure is not None:
            axes.figure.tight_layout()


def _figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "the chart needs matplotlib, which is not installed: "
            "pip install 'autograd_lite[demo]'"
        ) from None
    return Figure(figsize=(10, 4))


CHART_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def chart_format(path: str | os.PathLike[str]) -> str:
    """The chart's format from its file name's extension, or a ``ValueError`` naming the choices.

    Examples
    --------
    >>> chart_format("speed.svg")
    'svg'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_FORMATS:
        raise ValueError(
            f"cannot tell the chart's format from {os.fspath(path)!r}: end the name in "
            f"{', '.join(CHART_FORMATS)}"
        )
    return CHART_FORMATS[suffix]


def _duration(seconds: float) -> str:
    milliseconds = seconds * 1e3
    if milliseconds >= 100:
        return f"{milliseconds:,.0f} ms"
    if milliseconds >= 0.1:
        return f"{milliseconds:.3g} ms"
    return f"{milliseconds:.2g} ms" if milliseconds >= 0.01 else f"{milliseconds:.1e} ms"


def _ratio(ratio: float) -> str:
    if ratio >= 100:
        return f"{ratio:,.0f}×"
    if ratio >= 10:
        return f"{ratio:.0f}×"
    return f"{ratio:.1f}×"


# --- the function -------------------------------------------------------------------------------


def compare(
    X: Any = None,
    y: Any = None,
    *,
    w: Any = None,
    b: float = 0.0,
    repeats: int = DEFAULT_REPEATS,
    steps: int | None = None,
    min_time: float = DEFAULT_MIN_TIME,
    data: str | None = None,
) -> Comparison:
    """Time one gradient step seven ways on the same data, after checking they agree.

    The seven forms are listed at the top of this module; the ratios compare each with numpy
    vectorized, and ``speedup`` is the lecture's: the plain-Python loop ÷ numpy vectorized.
    With the defaults it takes a few seconds: the engine's per-example loop, the slowest,
    takes about a tenth of a second per step on the shipped data.

    Parameters
    ----------
    X : array-like of shape (m, n), optional
        The examples, one per row. Default: the shipped breast-cancer data, standardised
        (``shipped_data``: 569 × 30).
    y : array-like of shape (m,), optional
        The labels, 0 or 1 (numbers in [0, 1]); required with ``X``.
    w : array-like of shape (n,), optional
        The weights to take the step at; default zeros (gradient descent's first step).
    b : float
        The bias to take the step at; default 0.
    repeats : int
        How many times each form is timed; the table shows the median.
    steps : int, optional
        Steps per repeat, the same for every form; by default each form takes as many as last
        ``min_time`` seconds.
    min_time : float
        Seconds each repeat of each form lasts at least, when ``steps`` is None.
    data : str, optional
        What to call the data in the table's header.

    Returns
    -------
    Comparison
        ``str()`` is the table; ``.rows`` the numbers; ``.speedup`` the lecture's ratio;
        ``.plot(path_or_axes)`` the bar chart.

    Raises
    ------
    ValueError
        For bad data or options, or if the forms disagree (a bug: the message names the form).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 3)), (rng.random(20) < 0.5).astype(float)
    >>> result = compare(X, y, steps=1, repeats=1)
    >>> [row.key for row in result.rows]  # doctest: +NORMALIZE_WHITESPACE
    ['plain_loop', 'numpy_loop', 'numpy_vectorized', 'engine_loop', 'engine_vectorized',
     'compiled_loop', 'compiled_vectorized']
    >>> result[NUMPY_VECTORIZED].ratio
    1.0
    >>> max(row.difference for row in result.rows) < 1e-12
    True
    """
    if X is None:
        if y is not None:
            raise ValueError("y without X: give both, or neither for the shipped data")
        X, y, _ = shipped_data()
        data = data or "the shipped breast-cancer data, standardised"
    elif y is None:
        raise ValueError("X without y: give the labels too")
    X, Y = _checked(X, y)
    m, n = X.shape
    if w is None:
        w = np.zeros(n)
    w = np.array(w, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"w must be {n} finite numbers (shape ({n},)), got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        j = int(np.flatnonzero(~np.isfinite(w))[0])
        raise ValueError(
            f"w must be {n} finite numbers, but w[{j}] is {w[j]} "
            f"({np.count_nonzero(~np.isfinite(w))} NaN or inf in all)"
        )
    if isinstance(b, bool) or not isinstance(b, (int, float, np.number)) or not math.isfinite(b):
        raise ValueError(f"b must be a finite number, got {b!r}")
    b = float(b)
    functions = gradient_functions(X, Y)
    results = {}
    for key, function in functions.items():
        try:
            with np.errstate(all="raise", under="ignore"):  # underflow to 0 is harmless
                J, dw, db = function(w, b)
        except (ValueError, OverflowError, ZeroDivisionError, FloatingPointError) as error:
            raise ValueError(
                f"{FORMS[key]} cannot take the step at these w, b ({error}): the lecture's "
                "formulas σ(z) = 1/(1 + e^(−z)) and log(1 − a) need |z| below about 36; "
                "take w, b nearer 0"
            ) from None
        results[key] = (J, np.array(dw), db)
    differences = check_agreement(results, X, w, b)
    times, numbers = time_steps(
        {key: _bound(function, w, b) for key, function in functions.items()},
        repeats=repeats,
        steps=steps,
        min_time=min_time,
    )
    medians = {key: statistics.median(values) for key, values in times.items()}
    rows = [
        Row(
            key=key,
            form=FORMS[key],
            seconds=medians[key],
            ratio=medians[key] / medians[NUMPY_VECTORIZED],
            difference=differences[key],
            times=tuple(times[key]),
            steps=numbers[key],
        )
        for key in FORMS
    ]
    return Comparison(rows, m, n, repeats, data or "the given data")


def _bound(function: Gradients, w: np.ndarray, b: float) -> Callable[[], object]:
    return lambda: function(w, b)
