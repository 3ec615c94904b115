"""The last exercise: a new op's ``backward_step``, checked with ``gradcheck``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_lite.errors import GradcheckError, ShapeError
from autograd_lite.exercises._checking import (
    RTOL,
    Feedback,
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
from autograd_lite.gradcheck import gradcheck
from autograd_lite.node import Node, Variable


class NewOp(_Exercise):
    """A new op: the student's ``Node`` subclass, its ``forward_step`` and ``backward_step``.

    The check builds the op on the points ``given["z"]``, compares its value with ``forward``,
    runs backward with the upstream gradient ``given["da"]`` (not all ones, so a
    ``backward_step`` that ignores its argument shows) and compares ``dz`` with
    ``da · derivative(z, a)``. Then ``gradcheck`` compares backward with central differences,
    on those points and on one scalar (the engine passes a scalar as a Python float), and the
    entries that differ are reported. Known mistakes get a hint of their own: the local
    derivative without the upstream gradient, a sign, the upstream passed through, and the
    op's own ``mistakes``.

    Parameters
    ----------
    name : str
        The function, as the student's class should compute it (``"tanh"``).
    formula : str
        Its formula in the lecture's notation (``"a = tanh(z)"``).
    forward : callable
        ``a`` from ``z`` (arrays), e.g. ``np.tanh``.
    derivative : callable
        ``∂a/∂z`` from ``z`` and ``a``, e.g. ``lambda z, a: 1 - a * a``.
    derivative_hint : str
        Where to look when the derivative is wrong in no known way; not the formula itself.
    mistakes : sequence of (callable, str)
        ``dz`` from ``(z, a, da)`` for a known mistake, and what to say when it matches.
    z, da : array_like, optional
        The points and the upstream gradient (same shape; no entry of ``da`` ±1).
    scalar : float
        The scalar point.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> class Tanh(ag.Node):
    ...     def forward_step(self, z):
    ...         return np.tanh(z)
    ...     def backward_step(self, da):
    ...         return (1 - self.value**2,)           # the local derivative alone
    >>> print(tanh_op.check(Tanh))   # doctest: +ELLIPSIS
    ✗ A new op: tanh: backward is not right yet.
      • gradcheck: 5 of 5 entries of dz differ from central differences (f(z + h) − f(z − h)) / 2h:
        z[0] = -1.5, da = 0.7: your backward gives dz = 0.180707, numerically 0.126495
        ...
      • Your backward_step returns the local derivative ∂a/∂z without multiplying by ...
    """

    def __init__(
        self,
        name: str,
        formula: str,
        forward: Callable[[np.ndarray], np.ndarray],
        derivative: Callable[[np.ndarray, np.ndarray], np.ndarray],
        *,
        derivative_hint: str,
        mistakes: Sequence[tuple[Callable[..., Any], str]] = (),
        z: Any = None,
        da: Any = None,
        scalar: float = 0.45,
    ) -> None:
        self.name = name
        self.formula = formula
        self.title = f"A new op: {name}"
        self._forward = forward
        self._derivative = derivative
        self._derivative_hint = derivative_hint
        self._mistakes = tuple(mistakes)
        z = [-1.5, -0.6, 0.3, 0.8, 1.7] if z is None else z
        da = [0.7, -1.3, 2.1, -0.4, 1.6] if da is None else da
        self._z = _given_array(z, "NewOp(z=...)", 1)
        self._da = _given_array(da, "NewOp(da=...)", 1)
        if self._da.shape != self._z.shape or np.any(np.abs(self._da) == 1):
            raise ValueError("NewOp: da must have z's shape, with no entry ±1")
        self._scalar = _given_number(scalar, "NewOp(scalar=...)")

    @property
    def given(self) -> dict[str, Any]:
        """``formula``, the points ``z``, the upstream gradient ``da`` and the ``scalar`` point."""
        return {
            "formula": self.formula,
            "z": self._z.copy(),
            "da": self._da.copy(),
            "scalar": self._scalar,
        }

    def check(self, op: type[Node] | Callable[[Node], Node] | None) -> Feedback:
        """Check the op ``op`` (a ``Node`` subclass, or a function building one from ``z``).

        Parameters
        ----------
        op : type or callable or None
            The student's class (``Tanh``), or a function ``op(z)`` returning its node;
            ``None`` if not written yet.

        Returns
        -------
        Feedback
            Passed when the forward values, ``dz`` for the given ``da`` and ``gradcheck`` all
            agree; otherwise the entries that differ, and a hint.

        Raises
        ------
        TypeError
            ``op`` is a node rather than its class, a class that is not a ``Node``, or not
            callable with one argument.

        Examples
        --------
        >>> from autograd_lite.exercises_solutions import Square
        >>> print(square_op.check(Square))
        ✓ A new op: square: forward and backward are right; gradcheck passes.
        """
        if op is None:
            return self._result("not answered yet.", ["Your op: not written yet."])
        where = "check(op)"
        if isinstance(op, Node):
            raise TypeError(
                f"{where}: got a node, {op.describe()}; pass the class itself, "
                f"check({type(op).__name__})"
            )
        if isinstance(op, type) and not issubclass(op, Node):
            raise TypeError(
                f"{where}: {op.__name__} is not a subclass of autograd_lite.Node; write the op "
                f"as class {self.name.capitalize()}(ag.Node), with forward_step and backward_step"
            )
        _require_callable(op, where, (None,), "op(z)")
        label = getattr(op, "__name__", "your op")
        z = Variable(self._z, name="z")
        run = _run(op, z)
        if run.error is not None:
            return self._result(
                "not answered yet."
                if isinstance(run.error, NotImplementedError)
                else f"{label}(z) raised an exception.",
                _raised(run.error, f"Building {label}(z)", self._advice_for(run.error)),
            )
        out = run.result
        if not isinstance(out, Node):
            return self._result(
                f"{label}(z) is not a node.",
                [f"{label}(z) returned {type(out).__name__}, not a node of the graph."],
            )
        if out.shape != z.shape:
            return self._result(
                "forward is not right yet.",
                [
                    f"forward_step gives shape {out.shape} for z of shape {z.shape}: an "
                    f"elementwise op keeps the shape."
                ],
            )
        forward = self._check_forward(out)
        run = _run(out.backward, self._da)
        if run.error is not None:
            return self._result(
                "backward raised an exception.",
                forward
                + _raised(run.error, "Backward through your op", self._advice_for(run.error)),
            )
        dz = z.grad
        if dz is None:
            return self._result(
                "no gradient reached z.",
                [*forward, "No gradient reached z: backward_step must return (dz,), not (None,)."],
            )
        backward = self._gradchecks(op)
        if not forward:
            local = self._derivative(self._z, out.value)
            scale = np.abs(self._da) * (np.abs(local) + 1)  # the terms of da · ∂a/∂z
            if not _close(dz, self._da * local, scale):
                backward.append(self._diagnose(np.asarray(dz), local, scale, out.value))
        hints = forward + backward
        if not hints:
            return self._result("forward and backward are right; gradcheck passes.", [])
        summary = "forward is not right yet." if forward else "backward is not right yet."
        return self._result(summary, hints + _warned(run))

    def _check_forward(self, out: Node) -> list[str]:
        value, expected = np.asarray(out.value), self._forward(self._z)
        # The student's formula may be another than numpy's (tanh from exponentials): its
        # rounding is of the size of its terms, at most about |a| + |z| + 1 here.
        bad = ~(np.abs(value - expected) <= RTOL * (np.abs(expected) + np.abs(self._z) + 1))
        if not np.any(bad):
            return []
        i = int(np.argmax(bad))
        return [
            f"forward_step: at z = {_fmt(self._z[i])} yours gives a = {_fmt(value[i])}, "
            f"which is not {self.formula}."
        ]

    def _gradchecks(self, op: Callable[[Node], Node]) -> list[str]:
        """``gradcheck`` on the points (with ``da``) and on the scalar, in words."""
        hints: list[str] = []
        for point, da in ((self._z, self._da), (self._scalar, None)):
            if hints:  # the points failed: the scalar would only say it again
                break
            z = Variable(point, name="z")
            run = _run(gradcheck, lambda v: op(v), [z], upstream=da)
            error = run.error
            if error is None:
                continue
            if not isinstance(error, GradcheckError):
                kind = "a single number z (the engine passes a Python float)" if da is None else "z"
                return hints + _raised(error, f"gradcheck on {kind}", self._advice_for(error))
            lines = []
            for miss in error.mismatches[:5]:
                i = miss.index
                at = (
                    f"z = {_fmt(point)}"
                    if not i
                    else f"z[{i[0]}] = {_fmt(self._z[i])}, da = {_fmt(self._da[i])}"
                )
                lines.append(
                    f"{at}: your backward gives dz = {_fmt(miss.backward)}, "
                    f"numerically {_fmt(miss.numerical)}"
                )
            if len(error.mismatches) > 5:
                lines.append(f"… and {len(error.mismatches) - 5} more")
            size = self._z.size if da is not None else 1
            hints.append(
                f"gradcheck: {len(error.mismatches)} of {size} entries of dz differ from central "
                f"differences (f(z + h) − f(z − h)) / 2h:\n" + "\n".join(lines)
            )
        return hints

    def _diagnose(self, dz: np.ndarray, local: np.ndarray, scale: np.ndarray, a: Any) -> str:
        da, z = self._da, self._z
        generic = [
            (
                local,
                "Your backward_step returns the local derivative ∂a/∂z without multiplying by "
                "the upstream gradient da, its argument: dz = da · ∂a/∂z. (With da = 1, as "
                "for a scalar output, the two look the same.)",
            ),
            (-da * local, "Your dz has the wrong sign: it is −da · ∂a/∂z."),
            (
                da,
                "Your backward_step passes the upstream gradient da through unchanged: "
                "multiply it by the local derivative ∂a/∂z.",
            ),
        ]
        specific = [(mistake(z, a, da), words) for mistake, words in self._mistakes]
        for value, words in generic + specific:
            if _close(dz, value, scale):
                return words
        return f"Your dz is not da · ∂a/∂z: {self._derivative_hint}"

    def _advice_for(self, error: Exception) -> str | None:
        text = str(error)
        if isinstance(error, TypeError) and "return a tuple" in text:
            return (
                "backward_step returns a tuple with one gradient per input: for the one input "
                "z, return (dz,), with the comma."
            )
        if isinstance(error, ShapeError):
            return (
                "dz must have z's shape, one derivative per entry: an elementwise op needs no "
                "np.sum or mean in backward_step (the engine sums where broadcasting needs it)."
            )
        if isinstance(error, NotImplementedError):
            return "Write both methods: forward_step(self, z) and backward_step(self, da)."
        if isinstance(error, AttributeError) and "float" in text:
            return (
                "For a scalar z the engine passes a Python float, which has no .shape or "
                "array methods: use numpy functions (np.tanh(z), np.square(z)), which take both."
            )
        return None


tanh_op = NewOp(
    "tanh",
    "a = tanh(z)",
    np.tanh,
    lambda z, a: 1 - a * a,
    derivative_hint=(
        "work out ∂a/∂z for a = tanh(z); like σ's a(1 − a), it can be written with the output "
        "a (self.value)."
    ),
    mistakes=(
        (
            lambda z, a, da: da * a * (1 - a),
            "Your dz is da·a(1 − a): that is σ's derivative, not tanh's.",
        ),
        (
            lambda z, a, da: da * (1 - z * z),
            "Your dz uses the input z where the output a belongs: written with a = tanh(z), the "
            "derivative reads a (self.value), not z (self.inputs[0].value).",
        ),
        (
            lambda z, a, da: da * (1 - a) ** 2,
            "Your dz is da·(1 − a)²: check where the square goes, and the brackets.",
        ),
        (
            lambda z, a, da: da - a * a,
            "Your dz is da − a²: operator precedence; a bracket is missing around the local "
            "derivative, which multiplies da as a whole.",
        ),
    ),
)
"""A ``Tanh`` op, as in docs/adding-an-op.md."""

square_op = NewOp(
    "square",
    "a = z²",
    np.square,
    lambda z, a: 2 * z,
    derivative_hint="work out ∂a/∂z for a = z²; it uses the input z (self.inputs[0].value).",
    mistakes=(
        (lambda z, a, da: z * da, "Your dz is z·da: the derivative of z² has a factor 2."),
        (
            lambda z, a, da: 2 * a * da,
            "Your dz is 2a·da: the derivative uses the input z (self.inputs[0].value), not the "
            "output a = z² (self.value).",
        ),
        (lambda z, a, da: 2 * da, "Your dz is 2·da: the local derivative 2z lost its z."),
        (
            lambda z, a, da: a * da,
            "Your dz is a·da = z²·da: the forward value, where its derivative belongs.",
        ),
    ),
)
"""A ``Square`` op, ``a = z²``."""
