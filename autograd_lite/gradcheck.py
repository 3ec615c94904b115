"""Check backward against central differences: the test every op, built-in or yours, should pass."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from autograd_lite.errors import GradcheckError
from autograd_lite.node import Node, Operand, Variable
from autograd_lite.values import Value, as_value


class Mismatch(NamedTuple):
    """One entry where backward and central differences disagree, as ``GradcheckError`` lists it.

    ``variable`` is the variable's name (``"variable"`` for an unnamed one), ``index`` the
    entry's index in it (``()`` for a scalar).
    """

    variable: str
    index: tuple[int, ...]
    backward: float
    numerical: float


@dataclass(frozen=True)
class GradcheckReport:
    """What a passing ``gradcheck`` compared: how many entries, and the largest differences."""

    entries: int
    max_abs_difference: float
    max_rel_difference: float

    def __str__(self) -> str:
        return (
            f"gradcheck passed: {self.entries} entries, largest difference "
            f"{self.max_abs_difference:.3g} (relative {self.max_rel_difference:.3g})"
        )


def gradcheck(
    fn: Callable[..., Node],
    variables: Variable | Sequence[Variable],
    *,
    upstream: Operand | None = None,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    seed: int = 0,
) -> GradcheckReport:
    """Compare the gradients ``backward()`` gives with float64 central differences.

    ``fn(*variables)`` must build the graph afresh from the variables' current values and return
    its output node. For a non-scalar output the check is on ``Σ upstream · output`` with a
    random ``upstream`` (seeded), which exercises every entry of every backward step. Each entry
    ``x`` of each variable is moved by ``h = eps · max(1, |x|)`` both ways; the numerical
    derivative ``(f(x + h) − f(x − h)) / 2h`` must match backward's within
    ``atol + rtol · |numerical|``.

    Returns a ``GradcheckReport``; raises ``GradcheckError`` listing each entry that differs
    (in its message, and as ``Mismatch`` records in its ``mismatches``).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w = ag.Variable([0.5, -0.25], name="w")
    >>> print(ag.gradcheck(lambda w: ag.sum(ag.sigmoid(w * 3.0)), [w]))
    gradcheck passed: 2 entries, largest difference ...
    """
    for option, value in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if not (math.isfinite(value) and (value > 0 if option == "eps" else value >= 0)):
            bound = "> 0" if option == "eps" else ">= 0"
            raise ValueError(f"gradcheck: {option} must be finite and {bound}, got {value!r}")
    if isinstance(variables, Node):
        variables = [variables]
    variables = list(variables)
    for i, v in enumerate(variables):
        if not isinstance(v, Variable):
            raise TypeError(f"gradcheck: variables[{i}] is {type(v).__name__}, not a Variable")
    output = fn(*variables)
    if not isinstance(output, Node):
        raise TypeError(f"gradcheck: fn must return a Node, got {type(output).__name__}")
    if upstream is None:
        rng = np.random.default_rng(seed)
        upstream = 1.0 if not output.shape else rng.standard_normal(output.shape)
    weights = as_value(upstream, "gradcheck upstream")
    output.backward(weights)
    backward_grads = [np.zeros(v.shape) if v.grad is None else np.array(v.grad) for v in variables]

    def objective() -> float:
        return float(np.sum(weights * fn(*variables).value))

    rows: list[str] = []
    mismatches: list[Mismatch] = []
    entries = 0
    max_abs = max_rel = 0.0
    for v, analytic in zip(variables, backward_grads, strict=True):
        numerical = _central_differences(v, objective, eps)
        difference = np.abs(analytic - numerical)
        scale = np.abs(numerical)
        bad = ~(difference <= atol + rtol * scale)  # NaN anywhere counts as a mismatch
        entries += difference.size
        if difference.size:
            max_abs = max(max_abs, float(np.nanmax(difference)))
            max_rel = max(max_rel, float(np.nanmax(difference / np.maximum(scale, 1e-300))))
        for index in zip(*np.nonzero(bad), strict=True) if analytic.ndim else ([()] if bad else []):
            index = tuple(int(i) for i in index)
            label = v.name or "variable"
            where = f"{label}[{', '.join(map(str, index))}]" if index else label
            mismatches.append(
                Mismatch(label, index, float(analytic[index]), float(numerical[index]))
            )
            rows.append(
                f"  {where}: backward {float(analytic[index])!r}, "
                f"numerical {float(numerical[index])!r}, "
                f"difference {difference[index]:.3g}"
            )
    if rows:
        shown = rows[:20] + ([f"  ... and {len(rows) - 20} more"] if len(rows) > 20 else [])
        raise GradcheckError(
            f"gradcheck failed: {len(rows)} of {entries} entries differ by more than "
            f"atol={atol} + rtol={rtol}·|numerical|:\n" + "\n".join(shown),
            tuple(mismatches),
        )
    return GradcheckReport(entries, max_abs, max_rel)


def _central_differences(v: Variable, objective: Callable[[], float], eps: float) -> np.ndarray:
    original = v.value
    flat = np.array(original, dtype=np.float64).reshape(-1)
    numerical = np.empty(flat.size)
    try:
        for i in range(flat.size):
            x = flat[i]
            h = eps * max(1.0, abs(x))
            flat[i] = x + h
            v.value = _shaped(flat, original)
            f_plus = objective()
            flat[i] = x - h
            v.value = _shaped(flat, original)
            f_minus = objective()
            flat[i] = x
            numerical[i] = (f_plus - f_minus) / (2.0 * h)
    finally:
        v.value = original
    return numerical.reshape(np.shape(original))


def _shaped(flat: np.ndarray, like: Value) -> Value:
    return float(flat[0]) if isinstance(like, float) else flat.reshape(like.shape).copy()
