"""Check backward against central differences: the test every op, built-in or yours, should pass."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from autograd_lite.errors import GradcheckError
from autograd_lite.node import Node, Operand, Variable, topological_order
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
    (in its message, and as ``Mismatch`` records in its ``mismatches``). Raises ``ValueError``
    if ``fn`` returns a graph built before the call (``lambda w: pre``): moving the variables
    would change nothing it returns, so no comparison could mean anything. ``TypeError`` for
    ``eps``, ``atol``, ``rtol`` that are not real numbers or a ``seed`` that is not a whole
    number.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w = ag.Variable([0.5, -0.25], name="w")
    >>> print(ag.gradcheck(lambda w: ag.sum(ag.sigmoid(w * 3.0)), [w]))
    gradcheck passed: 2 entries, largest difference ...
    """
    for option, value in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"gradcheck: {option} must be a real number, got {value!r} "
                f"({type(value).__name__})"
            )
        if not (math.isfinite(value) and (value > 0 if option == "eps" else value >= 0)):
            bound = "> 0" if option == "eps" else ">= 0"
            raise ValueError(f"gradcheck: {option} must be finite and {bound}, got {value!r}")
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise (ValueError if isinstance(seed, numbers.Integral) else TypeError)(
            f"gradcheck: seed must be a whole number >= 0, got {seed!r} ({type(seed).__name__})"
        )
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

    # A function that returns a graph built before the call (``lambda w: pre``) is not
    # re-evaluated when gradcheck moves w: its central differences are 0 whatever backward
    # says, so a right op would fail and a backward that sends nothing would pass. The first
    # call after the one above shows it: an op it returns that depends on the variables and
    # was already in the first graph was computed from their values then.
    built = _ops_of_variables(output, variables)
    checked = False

    def objective() -> float:
        nonlocal checked
        again = fn(*variables)
        if not checked:
            _require_rebuilt(built, again, variables)
            checked = True
        return float(np.sum(weights * again.value))

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


def _ops_of_variables(output: Node, variables: Sequence[Variable]) -> dict[int, Node]:
    """The ops of ``output``'s graph whose values depend on one of ``variables``, by id."""
    theirs = {id(v) for v in variables}
    depends: dict[int, Node] = {}
    for node in reversed(topological_order(output)):  # inputs before the ops that use them
        if id(node) in theirs or any(id(x) in depends or id(x) in theirs for x in node.inputs):
            depends[id(node)] = node
    return {key: node for key, node in depends.items() if key not in theirs}


def _require_rebuilt(built: dict[int, Node], again: Node, variables: Sequence[Variable]) -> None:
    """``ValueError`` if ``again`` holds an op of the first call's graph that uses a variable."""
    if not isinstance(again, Node):
        raise TypeError(f"gradcheck: fn must return a Node, got {type(again).__name__}")
    reused = [node for node in topological_order(again) if id(node) in built]
    if not reused:
        return
    names = ", ".join(v.name or "variable" for v in variables)
    others = f" (and {len(reused) - 1} more ops)" if len(reused) > 1 else ""
    raise ValueError(
        f"gradcheck: fn did not rebuild its graph from the variables it was given: called "
        f"again, it returned {reused[0].describe()}{others} from the graph of its first call, "
        f"built before the call from the values {names} had then, so moving them changes "
        f"nothing it returns. fn must build the graph each time it is called, as "
        f"`lambda w: ag.sum(w * 3.0)` does, not return one built outside it"
    )


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
