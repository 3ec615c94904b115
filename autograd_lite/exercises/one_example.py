"""Lecture 1's exercise: the backward pass of one example, by hand."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from autograd_lite.exercises._checking import (
    Feedback,
    _check_labels,
    _check_logits,
    _close,
    _Exercise,
    _fmt,
    _given_number,
    _number,
)
from autograd_lite.lecture import lecture_graph


class OneExampleBackward(_Exercise):
    """Lecture 1: the backward pass of one example, ``da, dz, dw1, dw2, db``, by hand.

    The graph is ``z = w1·x1 + w2·x2 + b``, ``a = σ(z)``, ``L = −(y·log a + (1 − y)·log(1 − a))``;
    the reference is ``lecture_graph`` run backward. The defaults are the lecture's example.

    Parameters
    ----------
    x1, x2, w1, w2, b : float
        The example's features and the parameters (``|z|`` at most ``Z_LIMIT``).
    y : float
        The label, in [0, 1].

    Examples
    --------
    >>> ex = OneExampleBackward(x1=1.0, x2=2.0, w1=0.5, w2=-0.25, b=0.1, y=0.0)
    >>> import math
    >>> a = 1 / (1 + math.exp(-0.1))                  # z = w1·x1 + w2·x2 + b = 0.1
    >>> print(ex.check(da=-1 / (1 - a), dz=round(a, 2), dw1=None, dw2=None, db=None))
    ✗ Backward on one example: 5 of 5 not right yet.
      • da: your da = -2.10517 has the wrong sign: it equals +y/a − (1 − y)/(1 − a). Look at
        the minus in front of L = −(y·log a + (1 − y)·log(1 − a)), and at the inner derivative
        of log(1 − a), which is −1.
      • dz: your dz = 0.52 is close, but not equal (they agree to about 2 digits): compute it
        in Python from the given numbers rather than typing a rounded number; only rounding
        differences of the last digits pass.
      • dw1: not answered yet.
      • dw2: not answered yet.
      • db: not answered yet.
    """

    title = "Backward on one example"
    names = ("da", "dz", "dw1", "dw2", "db")
    """The answers, in the order of the backward pass."""

    def __init__(
        self,
        x1: float = 2.0,
        x2: float = -1.0,
        w1: float = 0.3,
        w2: float = -0.4,
        b: float = 0.1,
        y: float = 1.0,
    ) -> None:
        numbers_ = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "y": y}
        given = {k: _given_number(v, f"OneExampleBackward({k}=...)") for k, v in numbers_.items()}
        _check_labels(given["y"], "OneExampleBackward(y=...)")
        graph = lecture_graph(**given)
        _check_logits(graph.z.value, "OneExampleBackward")
        graph.L.backward()
        self._given = given
        self._a = graph.a.value
        self._reference = {
            "da": graph.a.grad,
            "dz": graph.z.grad,
            "dw1": graph.w1.grad,
            "dw2": graph.w2.grad,
            "db": graph.b.grad,
        }

    @property
    def given(self) -> dict[str, float]:
        """``x1, x2, w1, w2, b, y``: the numbers to work with."""
        return dict(self._given)

    def check(self, *, da: Any, dz: Any, dw1: Any, dw2: Any, db: Any) -> Feedback:
        """Compare the five derivatives with the engine's; a hint for each one that differs.

        Parameters
        ----------
        da, dz, dw1, dw2, db : float or None
            The student's numbers; ``None`` for one not worked out yet.

        Returns
        -------
        Feedback
            Passed when all five are right; a hint for each that is not.

        Raises
        ------
        TypeError, ValueError
            An answer missing, or not a number.

        Examples
        --------
        >>> ex = OneExampleBackward()
        >>> import math
        >>> g = ex.given
        >>> a = 1 / (1 + math.exp(-(g["w1"] * g["x1"] + g["w2"] * g["x2"] + g["b"])))
        >>> print(ex.check(da=-g["y"] / a, dz=a, dw1=None, dw2=None, db=None))
        ✗ Backward on one example: 4 of 5 not right yet; right: da.
          • dz: your dz = 0.75026 equals a, the activation: dz = a − y, the label is subtracted.
          • dw1: not answered yet.
          • dw2: not answered yet.
          • db: not answered yet.
        """
        given = {"da": da, "dz": dz, "dw1": dw1, "dw2": dw2, "db": db}
        answers = {k: _number(v, f"check({k}=...)") for k, v in given.items()}
        g, a = self._given, self._a
        y = g["y"]
        s_dz = abs(a) + abs(y)  # the terms of dz = a − y
        scales = {
            "da": abs(y / a) + abs((1 - y) / (1 - a)),
            "dz": s_dz,
            "dw1": abs(g["x1"]) * s_dz,
            "dw2": abs(g["x2"]) * s_dz,
            "db": s_dz,
        }
        right = [
            k
            for k, v in answers.items()
            if v is not None and _close(v, self._reference[k], scales[k])
        ]
        own = {k: v for k, v in answers.items() if v is not None and k not in right}
        hints: list[str] = []
        specific = 0
        for name in self.names:
            if name in right:
                continue
            s = answers[name]
            if s is None:
                hints.append(f"{name}: not answered yet.")
                continue
            hint, matched = self._diagnose(name, s, scales[name], own)
            hints.append(hint)
            specific += matched
        if len(own) == len(self.names) and not specific:
            hints.append(
                "Every answer is off: check the forward pass first, with the given numbers: "
                "z = w1·x1 + w2·x2 + b, a = σ(z) = 1 / (1 + e^(−z))."
            )
        wrong = len(self.names) - len(right)
        if not wrong:
            return self._result("da, dz, dw1, dw2 and db are all right.", [])
        summary = f"{wrong} of {len(self.names)} not right yet" + (
            f"; right: {', '.join(right)}." if right else "."
        )
        return self._result(summary, hints)

    def _mistakes(self, name: str) -> list[tuple[float, str]]:
        """The numbers each known mistake gives for ``name``, and what to say about them."""
        g, a, ref = self._given, self._a, self._reference
        x1, x2, w1, w2, b, y = (g[k] for k in ("x1", "x2", "w1", "w2", "b", "y"))
        da, dz = ref["da"], ref["dz"]
        if name == "da":
            return [
                (
                    y / a - (1 - y) / (1 - a),
                    "has the wrong sign: it equals +y/a − (1 − y)/(1 − a). Look at the minus in "
                    "front of L = −(y·log a + (1 − y)·log(1 − a)), and at the inner derivative "
                    "of log(1 − a), which is −1.",
                ),
                (
                    y / a + (1 - y) / (1 - a),
                    "has the wrong sign in its first term: the minus in front of L applies to "
                    "y·log a too, so that term gives −y/a.",
                ),
                (
                    -y / a - (1 - y) / (1 - a),
                    "has the wrong sign in its second term: d log(1 − a)/da = −1/(1 − a) (the "
                    "chain rule: the derivative of 1 − a is −1), and the minus in front of L "
                    "turns it around again.",
                ),
                (
                    a - y,
                    "equals a − y, which is dz: da is dL/da, one step earlier, before σ. "
                    "Differentiate L(a, y) with respect to a.",
                ),
            ]
        if name == "dz":
            mistakes = [
                (a, "equals a, the activation: dz = a − y, the label is subtracted."),
                (
                    da,
                    "equals da: the chain through σ is missing. dz = da · da/dz, and for "
                    "a = σ(z) the local derivative da/dz is a(1 − a).",
                ),
                (
                    a * (1 - a),
                    "equals a(1 − a), σ's local derivative da/dz alone: multiply it by the "
                    "upstream gradient da.",
                ),
                (y - a, "has the wrong sign: it equals y − a."),
            ]
            return mistakes
        if name in ("dw1", "dw2"):
            x, other, w = (x1, "x2", w1) if name == "dw1" else (x2, "x1", w2)
            x_other = g[other]
            j = name[-1]
            mistakes = [
                (
                    x_other * dz,
                    f"equals {other}·dz, which is d{other.replace('x', 'w')}: w{j} multiplies "
                    f"x{j} in z = w1·x1 + w2·x2 + b, so dw{j} takes x{j}.",
                ),
                (
                    w * dz,
                    f"equals w{j}·dz: the derivative of w{j}·x{j} with respect to w{j} is x{j}, "
                    f"not w{j}.",
                ),
                (dz, f"equals dz: the factor ∂z/∂w{j} = x{j} is missing."),
                (
                    x,
                    f"equals x{j}, the local derivative ∂z/∂w{j} alone: multiply it by the "
                    f"upstream gradient dz.",
                ),
                (
                    x * da,
                    f"equals x{j}·da: w{j} feeds z, so the upstream gradient is dz, not da.",
                ),
                (-x * dz, "has the wrong sign."),
            ]
            return mistakes
        mistakes = [  # db
            (1.0, "equals 1, the local derivative ∂z/∂b alone: multiply it by the upstream dz."),
            (b * dz, "equals b·dz: z = w1·x1 + w2·x2 + b, so ∂z/∂b = 1, not b."),
            (da, "equals da: b feeds z, so the upstream gradient is dz, not da."),
            (x1 * dz, "equals x1·dz, which is dw1: b is added to z, not multiplied by an input."),
            (x2 * dz, "equals x2·dz, which is dw2: b is added to z, not multiplied by an input."),
            (a, "equals a: db = dz · ∂z/∂b, and dz = a − y."),
            (-dz, "has the wrong sign."),
        ]
        return mistakes

    def _follows(self, name: str, own: dict[str, float]) -> list[tuple[float, str]]:
        """What ``name`` would be if computed right from the student's own wrong answers."""
        g, a = self._given, self._a
        if name == "dz" and "da" in own:
            return [
                (
                    own["da"] * a * (1 - a),
                    "is da·a(1 − a) for your da, which is not right: fix da first (or "
                    "simplify da·a(1 − a) with the right da: the result needs no da).",
                ),
                (own["da"], "equals your da: the chain through σ, · a(1 − a), is missing."),
            ]
        if name in ("dw1", "dw2") and "dz" in own:
            j = name[-1]
            return [
                (
                    g[f"x{j}"] * own["dz"],
                    f"is x{j}·dz for your dz, which is not right: fix dz, and dw{j} follows.",
                )
            ]
        if name == "db" and "dz" in own:
            return [(own["dz"], "equals your dz, which is not right: fix dz first.")]
        return []

    _ADVICE: ClassVar[dict[str, str]] = {
        "da": "da is dL/da for L(a, y) = −(y·log a + (1 − y)·log(1 − a)): differentiate each "
        "term with respect to a (d log a/da = 1/a), with a = σ(z) from the given numbers.",
        "dz": "dz = dL/dz goes through a: dz = da · da/dz, with da/dz = a(1 − a) for a = σ(z); "
        "it simplifies.",
        "dw1": "dw1 = dL/dw1 goes through z = w1·x1 + w2·x2 + b: dz times ∂z/∂w1.",
        "dw2": "dw2 = dL/dw2 goes through z = w1·x1 + w2·x2 + b: dz times ∂z/∂w2.",
        "db": "db = dL/db goes through z = w1·x1 + w2·x2 + b: dz times ∂z/∂b.",
    }

    def _diagnose(
        self, name: str, s: float, scale: float, own: dict[str, float]
    ) -> tuple[str, bool]:
        """The hint for a wrong ``name`` = ``s``, and whether it names a mistake of its own."""
        start = f"{name}: your {name} = {_fmt(s)}"
        if not math.isfinite(s):
            return (
                f"{start}: a NaN or infinity comes from 0/0, a division by 0 or the log of 0 or "
                f"of a negative number. Check that a = σ(z) lies strictly between 0 and 1.",
                False,
            )
        others = {k: v for k, v in own.items() if k != name}
        for value, words in self._follows(name, others):  # the cause first: upstream
            if _close(s, value, scale):
                return f"{start} {words}", False
        for value, words in self._mistakes(name):
            if _close(s, value, scale):
                return f"{start} {words}", True
        reference = self._reference[name]
        if abs(s - reference) <= 1e-2 * abs(reference):  # within 1%: typed, rounded
            digits = max(1, int(-math.log10(abs(s - reference) / abs(reference))))
            return (
                f"{start} is close, but not equal (they agree to about {digits} digits): "
                f"compute it in Python from the given numbers rather than typing a rounded "
                f"number; only rounding differences of the last digits pass.",
                False,
            )
        return f"{start} is not right. {self._ADVICE[name]}", False


one_example_backward = OneExampleBackward()
"""Lecture 1's example: x1 = 2, x2 = −1, w1 = 0.3, w2 = −0.4, b = 0.1, y = 1."""
