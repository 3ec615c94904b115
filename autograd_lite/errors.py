"""The errors autograd_lite raises, each naming the node or argument at fault."""

from __future__ import annotations


class ShapeError(ValueError):
    """Inputs whose shapes an op cannot combine (the op, its inputs and their shapes are named)."""


class NonFiniteError(FloatingPointError):
    """A NaN or inf first appeared at the named node (raised only under ``detect_anomaly``)."""


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message lists the entries that differ."""
