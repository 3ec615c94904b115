"""Lecture 3's exercises: forward and backward propagation of a network with one hidden layer.

In the course's layout, examples in columns: ``X`` n_x × m, ``Y`` 1 × m, and its parameter
dict ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1); tanh in the hidden
layer, a sigmoid at the output.

- ``network_forward``: ``check(forward)`` for ``forward(X, parameters)`` returning
  ``(Z1, A1, Z2, A2)``;
- ``network_backward``: ``check(backward)`` for ``backward(parameters, cache, X, Y)`` (the
  course's order) returning the dict ``{"dW1", "db1", "dW2", "db2"}``, ``cache`` being
  ``{"Z1", "A1", "Z2", "A2"}`` of the forward pass.

The reference is the engine's graph (``autograd_lite.network.network_cost``) on the given
numbers. Each wrong result gets a hint that names the mistake it matches (the sigmoid's
derivative where tanh's belongs, a forgotten 1/m, a sum over the wrong axis …), never the right
number.

Examples
--------
>>> from autograd_lite.exercises import network_backward
>>> def backward(parameters, cache, X, Y):
...     m = X.shape[1]
...     dZ2 = cache["A2"] - Y
...     dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"])      # not tanh's derivative
...     return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m,
...             "dW2": dZ2 @ cache["A1"].T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
>>> print(network_backward.check(backward))   # doctest: +NORMALIZE_WHITESPACE
✗ Backward propagation, one hidden layer: 2 of 4 not right yet; right: dW2, db2.
  • dW1: your dW1 matches dZ1 = W2ᵀ dZ2 ∗ (1 − A1): tanh's derivative is 1 − A1², with the
    square (1 − tanh(z)²).
  • db1: your db1 matches dZ1 = W2ᵀ dZ2 ∗ (1 − A1): tanh's derivative is 1 − A1², with the
    square (1 − tanh(z)²).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite.exercises._checking import (
    Feedback,
    _close,
    _Exercise,
    _fmt,
    _raised,
    _require_callable,
    _run,
    _warned,
)
from autograd_lite.node import Constant, Variable

__all__ = ["NetworkBackward", "NetworkForward", "network_backward", "network_forward"]

_PARAMETERS = ("W1", "b1", "W2", "b2")
_FORWARD = ("Z1", "A1", "Z2", "A2")
_BACKWARD = ("dW1", "db1", "dW2", "db2")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _given() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Five examples of two features, three hidden units: every shape mistake shows."""
    rng = np.random.RandomState(3)
    X = rng.randn(2, 5)
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    parameters = {
        "W1": rng.randn(3, 2) * 0.8,
        "b1": rng.randn(3, 1) * 0.3,
        "W2": rng.randn(1, 3) * 0.8,
        "b2": np.array([[0.1]]),
    }
    return X, Y, parameters


def _forward(X: np.ndarray, p: dict[str, np.ndarray], hidden: Callable[[Any], Any] = np.tanh,
             bias: bool = True, output: Callable[[Any], Any] = _sigmoid) -> dict[str, np.ndarray]:
    Z1 = p["W1"] @ X + (p["b1"] if bias else 0)
    A1 = hidden(Z1)
    Z2 = p["W2"] @ A1 + (p["b2"] if bias else 0)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": output(Z2)}


class _NetworkExercise(_Exercise):
    def __init__(self) -> None:
        self._X, self._Y, self._p = _given()
        self._reference = self._engine()

    @property
    def given(self) -> dict[str, Any]:
        """``X`` (2 × 5), ``Y`` (1 × 5) and ``parameters`` (n_h = 3): copies."""
        return {"X": self._X.copy(), "Y": self._Y.copy(),
                "parameters": {k: v.copy() for k, v in self._p.items()}}

    def _engine(self) -> dict[str, np.ndarray]:
        from autograd_lite.network import network_cost
        from autograd_lite.notation import graph_nodes

        leaves = {k: Variable(self._p[k], name=k) for k in _PARAMETERS}
        J = network_cost(Constant(self._X, name="X"), Constant(self._Y, name="Y"),
                         *leaves.values())
        J.backward()
        nodes = {n.name: n for n in graph_nodes(J) if n.name}
        values = {k: np.array(nodes[k].value) for k in _FORWARD}
        values.update({"d" + k: np.array(leaves[k].grad) for k in _PARAMETERS})
        return values

    def _read(self, result: Any, keys: tuple[str, ...], hints: list[str]) -> dict[str, Any]:
        got = {}
        for key, value in zip(keys, result, strict=True):
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                hints.append(f"{key} is not an array of numbers: got {type(value).__name__}.")
                continue
            expected = self._reference[key].shape
            if array.shape != expected:
                hint = f"{key} has shape {array.shape}; expected {expected}."
                if array.shape == expected[::-1]:
                    hint += " It is the transpose of what is expected."
                elif array.ndim == 1 and array.size == expected[0]:
                    hint += (
                        " A sum over the examples loses the axis: np.sum(..., axis=1, "
                        "keepdims=True) keeps the column."
                    )
                hints.append(hint)
                continue
            got[key] = array
        return got

    def _verdict(self, keys: tuple[str, ...], got: dict[str, Any], hints: list[str],
                 mistakes: dict[str, Callable[[str], dict[str, np.ndarray]]]) -> Feedback:
        right = []
        for key in keys:
            if key not in got:
                continue
            if _close(got[key], self._reference[key], np.abs(self._reference[key]) + 1.0):
                right.append(key)
                continue
            for why, variant in mistakes.items():
                if _close(got[key], variant(key), np.abs(self._reference[key]) + 1.0):
                    hints.append(f"{key}: your {key} matches {why}")
                    break
            else:
                hints.append(f"{key}: your {key} = {_fmt(got[key])} is not right yet.")
        if not hints:
            return self._result(f"{_join_all(keys)} are all right.", [])
        wrong = len(keys) - len(right)
        return self._result(
            f"{wrong} of {len(keys)} not right yet" + (f"; right: {', '.join(right)}." if right
                                                         else "."), hints)


def _join_all(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1]


class NetworkForward(_NetworkExercise):
    """Forward propagation: ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``,
    ``A2 = σ(Z2)``.

    Examples
    --------
    >>> from autograd_lite.exercises_solutions import network_forward as solution
    >>> print(network_forward.check(solution))
    ✓ Forward propagation, one hidden layer: Z1, A1, Z2 and A2 are all right.
    """

    title = "Forward propagation, one hidden layer"

    def check(self, forward: Callable[..., Any] | None) -> Feedback:
        """Run ``forward(X, parameters)`` on ``given``; compare ``(Z1, A1, Z2, A2)``."""
        if forward is None:
            return self._result("not answered yet.", ["forward: not written yet."])
        args = (self._X.copy(), {k: v.copy() for k, v in self._p.items()})
        _require_callable(forward, "check(forward)", args, "forward(X, parameters)")
        run = _run(forward, *args)
        if run.error is not None:
            return self._result(
                "not answered yet." if isinstance(run.error, NotImplementedError)
                else "your function raised an exception.",
                _raised(run.error, getattr(forward, "__name__", "forward"), None),
            )
        result = run.result
        if not isinstance(result, tuple | list) or len(result) != 4:
            return self._result("its results cannot be read.", [
                "your function must return 4 arrays: (Z1, A1, Z2, A2)."])
        hints: list[str] = []
        got = self._read(result, _FORWARD, hints)
        X, p = self._X, self._p
        mistakes = {
            "a sigmoid in the hidden layer: the hidden layer's g is tanh, A1 = tanh(Z1).":
                lambda k: _forward(X, p, hidden=_sigmoid)[k],
            "the forward pass without the biases: Z1 = W1 X + b1, Z2 = W2 A1 + b2.":
                lambda k: _forward(X, p, bias=False)[k],
            "tanh at the output: the output unit is a sigmoid, A2 = σ(Z2), a probability.":
                lambda k: _forward(X, p, output=np.tanh)[k],
        }
        feedback = self._verdict(_FORWARD, got, hints, mistakes)
        return feedback if feedback.passed else self._result(
            feedback.summary, feedback.hints + _warned(run))


class NetworkBackward(_NetworkExercise):
    """Backward propagation, the course's six formulas: ``dZ2 = A2 − Y``, ``dW2 = (1/m) dZ2 A1ᵀ``,
    ``db2 = (1/m) Σ dZ2``, ``dZ1 = W2ᵀ dZ2 ∗ (1 − A1²)``, ``dW1 = (1/m) dZ1 Xᵀ``,
    ``db1 = (1/m) Σ dZ1``.

    Examples
    --------
    >>> from autograd_lite.exercises_solutions import network_backward as solution
    >>> print(network_backward.check(solution))
    ✓ Backward propagation, one hidden layer: dW1, db1, dW2 and db2 are all right.
    """

    title = "Backward propagation, one hidden layer"

    @property
    def given(self) -> dict[str, Any]:
        """``X``, ``Y``, ``parameters`` and ``cache`` (the forward pass's ``Z1, A1, Z2, A2``)."""
        return {**super().given, "cache": {k: self._reference[k].copy() for k in _FORWARD}}

    def _mistaken(self, local: str = "square", scale: bool = True,
                  axis: int = 1) -> dict[str, np.ndarray]:
        X, Y, p = self._X, self._Y, self._p
        cache = {k: self._reference[k] for k in _FORWARD}
        m = X.shape[1] if scale else 1
        A1 = cache["A1"]
        dZ2 = cache["A2"] - Y
        derivative = {"square": 1 - A1**2, "linear": 1 - A1, "sigmoid": A1 * (1 - A1)}[local]
        dZ1 = p["W2"].T @ dZ2 * derivative
        def total(d: np.ndarray) -> np.ndarray:
            return np.sum(d, axis=axis, keepdims=True) if axis == 1 else np.full(
                (d.shape[0], 1), np.sum(d))
        return {"dW1": dZ1 @ X.T / m, "db1": total(dZ1) / m,
                "dW2": dZ2 @ A1.T / m, "db2": total(dZ2) / m}

    def check(self, backward: Callable[..., Any] | None) -> Feedback:
        """Run ``backward(parameters, cache, X, Y)`` on ``given``; compare the four gradients."""
        if backward is None:
            return self._result("not answered yet.", ["backward: not written yet."])
        given = self.given
        args = (given["parameters"], given["cache"], given["X"], given["Y"])
        _require_callable(backward, "check(backward)", args, "backward(parameters, cache, X, Y)")
        run = _run(backward, *args)
        if run.error is not None:
            return self._result(
                "not answered yet." if isinstance(run.error, NotImplementedError)
                else "your function raised an exception.",
                _raised(run.error, getattr(backward, "__name__", "backward"), None),
            )
        result = run.result
        if not isinstance(result, dict) or not set(_BACKWARD) <= set(result):
            return self._result("its results cannot be read.", [
                "your function must return a dict with the keys dW1, db1, dW2, db2 "
                f"(got {type(result).__name__}"
                + (f" with keys {sorted(result)}" if isinstance(result, dict) else "") + ")."])
        hints: list[str] = []
        got = self._read([result[k] for k in _BACKWARD], _BACKWARD, hints)
        mistakes = {
            "dZ1 = W2ᵀ dZ2 ∗ (1 − A1): tanh's derivative is 1 − A1², with the square "
            "(1 − tanh(z)²).": lambda k: self._mistaken(local="linear")[k],
            "dZ1 = W2ᵀ dZ2 ∗ A1(1 − A1), the sigmoid's derivative: the hidden layer is tanh, "
            "whose derivative is 1 − A1².": lambda k: self._mistaken(local="sigmoid")[k],
            "the gradients without 1/m: J is the mean over the m examples, so dW = (1/m) ….":
                lambda k: self._mistaken(scale=False)[k],
            "a sum over all the entries: db is one number per unit, Σ over the examples "
            "(axis=1) only.": lambda k: self._mistaken(axis=0)[k],
        }
        feedback = self._verdict(_BACKWARD, got, hints, mistakes)
        return feedback if feedback.passed else self._result(
            feedback.summary, feedback.hints + _warned(run))


network_forward = NetworkForward()
"""Lecture 3: forward propagation with one hidden layer."""
network_backward = NetworkBackward()
"""Lecture 3: backward propagation with one hidden layer."""
