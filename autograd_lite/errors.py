"""The errors autograd_lite raises, each naming the node or argument at fault."""

from __future__ import annotations

from typing import Any


class ShapeError(ValueError):
    """Inputs whose shapes an op cannot combine (the op, its inputs and their shapes are named)."""


class NonFiniteError(FloatingPointError):
    """A NaN or inf first appeared at the named node (raised only under ``detect_anomaly``)."""


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message lists the entries that differ.

    ``mismatches`` holds the same entries as data, for a program that explains them in its own
    words (``autograd_lite.exercises`` does): one ``gradcheck.Mismatch`` per entry.
    """

    def __init__(self, message: str, mismatches: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.mismatches = tuple(mismatches)


class StaleGraphError(RuntimeError):
    """A leaf changed after the graph was computed: call ``forward()`` on it, or build it again.

    The message names the leaf (or the node recomputed since) and the node computed before it.
    """


def check_switch(value: Any, what: str) -> bool:
    """``value`` as a bool if it is one (numpy's too); a ``TypeError`` naming ``what`` else."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise TypeError(f"{what} must be True or False, got {type(value).__name__} {value!r}")
