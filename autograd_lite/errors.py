"""The errors autograd_lite raises, each naming the node or argument at fault."""

from __future__ import annotations


class ShapeError(ValueError):
    """Inputs whose shapes an op cannot combine (the op, its inputs and their shapes are named)."""


class NonFiniteError(FloatingPointError):
    """A NaN or inf first appeared at the named node (raised only under ``detect_anomaly``)."""


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message lists the entries that differ."""


class StaleGraphError(RuntimeError):
    """A leaf changed after the graph was computed: call ``forward()`` on it, or build it again.

    The message names the leaf (or the node recomputed since) and the node computed before it.
    """
