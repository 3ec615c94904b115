"""Hypothesis strategies shared by the tests: logits, labels, shapes and arrays with safe domains.

Each strategy draws from the domain where an op's formula is defined and its central differences
are trustworthy (``log`` of values away from 0, division by values away from 0), so a failure
points at the engine, not at the test.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# --- scalars ----------------------------------------------------------------------------------

logits = st.floats(-5000.0, 5000.0, allow_nan=False, allow_infinity=False)
"""Any finite z the lectures could meet, including |z| in the hundreds and thousands, where
``e^(−z)`` overflows and σ(z) rounds to exactly 0.0 or 1.0."""

hard_labels = st.sampled_from([0.0, 1.0])
"""y ∈ {0, 1}, the lecture's labels."""

soft_labels = st.floats(0.0, 1.0, allow_nan=False)
"""y ∈ [0, 1]: the loss and ``dz = a − y`` hold for soft labels too."""

labels = st.one_of(hard_labels, soft_labels)

probabilities = st.floats(0.01, 0.99)
"""A plain probability away from 0 and 1, where log a and log(1 − a) have tame derivatives."""


def small(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[float]:
    """Floats in ``[low, high]`` (no NaN, no inf): entries of arrays for most ops."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


positive = small(0.1, 5.0)
"""Entries for ``log``: bounded away from 0, so ``1/x`` stays moderate."""

away_from_zero = st.one_of(small(-3.0, -0.5), small(0.5, 3.0))
"""Entries for a denominator: |y| ≥ 0.5, so ``x/y`` and ``−x/y²`` stay moderate."""


# --- shapes and arrays ------------------------------------------------------------------------


def shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy:
    """Array shapes from ``()`` (a scalar) up to ``max_dims`` axes of at most ``max_side``."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, max_dims: int = 3) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together (sizes 1 and missing axes)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=max_dims, min_side=1, max_side=4
    ).map(lambda drawn: drawn.input_shapes)


def arrays(shape: tuple[int, ...], elements: st.SearchStrategy[float]) -> st.SearchStrategy:
    """float64 arrays of ``shape`` with entries from ``elements``."""
    return hnp.arrays(np.float64, shape, elements=elements)


def matmul_shapes(max_side: int = 4) -> st.SearchStrategy:
    """Pairs of 1-D/2-D shapes that ``@`` accepts.

    (n,) @ (n,), (m, n) @ (n,), (n,) @ (n, k) and (m, n) @ (n, k).
    """
    side = st.integers(1, max_side)

    def pair(m: int, n: int, k: int, left_2d: bool, right_2d: bool) -> tuple:
        return ((m, n) if left_2d else (n,), (n, k) if right_2d else (n,))

    return st.builds(pair, side, side, side, st.booleans(), st.booleans())


def axes_for(ndim: int) -> st.SearchStrategy:
    """An ``axis`` argument for a reduction over an array of ``ndim`` axes.

    ``None``, one axis (negative too) or a tuple of distinct axes.
    """
    if ndim == 0:
        return st.none()
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.one_of(st.none(), one, several)


# --- references computed without the engine ---------------------------------------------------


def _exact_sigmoid(z: Decimal) -> Decimal:
    # e^(−|z|) only: it underflows towards 0 harmlessly, where e^(|z|) would overflow.
    e = (-abs(z)).exp()
    return 1 / (1 + e) if z >= 0 else e / (1 + e)


def _exact_log1p_exp(u: Decimal) -> Decimal:
    """log(1 + e^u) = max(u, 0) + log(1 + e^(−|u|)), with a series where 1 + t would round."""
    t = (-abs(u)).exp()
    tail = t - t * t / 2 + t * t * t / 3 if t < Decimal("1e-25") else (1 + t).ln()
    return max(u, Decimal(0)) + tail


def exact_sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^(−z)) to 60 digits with ``decimal``, then rounded once to a float.

    An independent reference: no float64 intermediate can overflow or cancel.

    >>> exact_sigmoid(0.0)
    0.5
    >>> exact_sigmoid(-40.0)
    4.248354255291589e-18
    >>> exact_sigmoid(-1e308), exact_sigmoid(1e308)
    (0.0, 1.0)
    """
    with localcontext() as ctx:
        ctx.prec = 60
        return float(_exact_sigmoid(Decimal(z)))


def exact_sigmoid_minus(z: float, y: float) -> float:
    """σ(z) − y to 60 digits, rounded once: the lecture's ``dz = a − y``, exactly."""
    with localcontext() as ctx:
        ctx.prec = 60
        return float(_exact_sigmoid(Decimal(z)) - Decimal(y))


def exact_log_loss(z: float, y: float) -> float:
    """``L = y·log(1 + e^(−z)) + (1 − y)·log(1 + e^z)`` to 60 digits, rounded once.

    That is ``−(y log σ(z) + (1 − y) log(1 − σ(z)))`` written with the logit.

    >>> exact_log_loss(-800.0, 1.0)
    800.0
    >>> exact_log_loss(745.0, 1.0)
    5e-324
    """
    with localcontext() as ctx:
        ctx.prec = 60
        z_, y_ = Decimal(z), Decimal(y)
        return float(y_ * _exact_log1p_exp(-z_) + (1 - y_) * _exact_log1p_exp(z_))


def ulps(actual: float, expected: float) -> float:
    """How many units in the last place of ``expected`` separate ``actual`` from it."""
    if actual == expected:
        return 0.0
    return abs(actual - expected) / float(np.spacing(abs(expected)))
