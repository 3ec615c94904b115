"""Anomaly mode: name the node where a NaN or inf first appears.

Off by default, because the check costs one pass over every value and gradient. The switch is
per thread (and per asyncio task): it lives in a ``contextvars.ContextVar``, so one thread's
``with ag.detect_anomaly():`` does not switch checking on in another.

The engine asks ``enabled()`` once per pass and calls the two ``report_*`` functions when a
check fails; nothing here imports the engine, which only hands its nodes in.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd_lite.errors import NonFiniteError

_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "autograd_lite_detect_anomaly", default=False
)


def enabled() -> bool:
    """Whether anomaly checks are on in the current thread or task."""
    return _ENABLED.get()


def set_detect_anomaly(enabled: bool) -> None:
    """Switch NaN/inf origin reporting on or off in the current thread (off by default).

    When on, every op checks its value as it is computed and every backward step checks the
    gradients it sends on; the first NaN or inf raises ``NonFiniteError`` naming the node that
    produced it. A gradient that is only recorded, not passed on (``da`` when a ``LogLoss``
    sits on a ``Sigmoid``), is not checked: nothing is computed from it, and its inf at
    saturation is the true value rounded. Other threads keep their own setting.

    Raises ``TypeError`` for anything but ``True`` or ``False`` (a numpy bool too): ``"no"`` is
    truthy, and turning checking on for it would be the opposite of what was asked.
    """
    _ENABLED.set(_switch(enabled, "set_detect_anomaly"))


@contextlib.contextmanager
def detect_anomaly(enabled: bool = True) -> Iterator[None]:
    """Report the first node that produces a NaN or inf, inside a ``with`` block.

    Only the current thread (or asyncio task) is affected.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.Variable(1e200, name="x")
    >>> with ag.detect_anomaly():
    ...     y = x * x
    Traceback (most recent call last):
    ...
    autograd_lite.errors.NonFiniteError: Multiply produced inf in its value from finite inputs: ...
    """
    token = _ENABLED.set(_switch(enabled, "detect_anomaly"))
    try:
        yield
    finally:
        _ENABLED.reset(token)


def _switch(value: Any, where: str) -> bool:
    """``value`` as a bool, if it is one; ``TypeError`` naming ``where`` otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{where}: enabled must be True or False, got {value!r} ({type(value).__name__})"
        )
    return bool(value)


def is_finite(value: Any) -> bool:
    """Whether every entry of a float or array is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    return bool(np.isfinite(value).all())


def non_finite_kind(value: Any) -> str:
    """``"nan"`` if ``value`` holds a NaN, else ``"inf"``."""
    return "nan" if np.isnan(value).any() else "inf"


def summary(value: Any) -> str:
    """A short text of a value for messages: the number, a small array, or its shape."""
    if value is None:
        return "None"
    if isinstance(value, float):
        return f"{value:.6g}"
    if value.size <= 6:
        return np.array2string(np.asarray(value), precision=6, separator=", ")
    return f"<array {value.shape}>"


def report_non_finite_value(node: Any) -> None:
    """Raise ``NonFiniteError`` for ``node``, whose value holds a NaN or inf."""
    bad = [x for x in node.inputs if not is_finite(x.value)]
    kind = non_finite_kind(node.value)
    if bad:
        origin = ", ".join(x.describe_with_shape() for x in bad)
        raise NonFiniteError(
            f"{node.describe()} produced {kind} in its value because its input already "
            f"held NaN or inf: {origin}"
        )
    raise NonFiniteError(
        f"{node.describe()} produced {kind} in its value from finite inputs: "
        f"{node.describe_inputs()}"
    )


def report_non_finite_gradient(node: Any, target: Any, g: Any, upstream: Any) -> None:
    """Raise ``NonFiniteError``: ``node``'s backward step sent ``g`` (NaN or inf) to ``target``."""
    label = target.name or f"input of {node.describe()}"
    raise NonFiniteError(
        f"the backward step of {node.describe()} produced {non_finite_kind(g)} in "
        f"d{label} (for {target.describe()}); its own gradient was "
        f"{summary(upstream)}, its inputs {node.describe_inputs()}"
    )


def check_gradient(node: Any, target: Any, g: Any, passes_on: bool) -> None:
    """Under anomaly mode, raise if a gradient ``node`` sends on to ``target`` is not finite.

    A gradient that is only recorded, not passed on, is not checked (see ``set_detect_anomaly``).
    """
    if passes_on and enabled() and not is_finite(g):
        report_non_finite_gradient(node, target, g, node.grad)
