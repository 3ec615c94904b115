"""Which backward pass computed what, and whether a graph is current: the engine's bookkeeping.

Kept beside the engine, not inside its loop (``node.py``): a clock whose ticks stamp every leaf
change, the ``BackwardPass`` each gradient belongs to, and the checks that refuse a stale graph
(a leaf changed since it was computed) or gradients of two passes read as one. The checks build
their messages from the nodes; nothing here imports the engine.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from autograd_lite.errors import ShapeError, StaleGraphError
from autograd_lite.values import as_value

_clock = itertools.count(1)
"""Ticks: every leaf change and every backward pass takes the next one."""

def tick() -> int:
    """The next tick of the clock."""
    return next(_clock)


def clock_past(stamp: int) -> None:
    """Move the clock past ``stamp``: stamps loaded from a pickle came from another clock."""
    global _clock
    now = next(_clock)
    if now <= stamp:
        _clock = itertools.count(stamp + 1)


class BackwardPass:
    """One call of ``backward()``: ``output`` names the node it ran from.

    Every node it reaches holds it as ``grad_pass``, so gradients from two passes are never read
    as one. ``tick`` is the clock when it ran; ``complete`` turns true when it reached every
    node; ``fused`` says whether the loss sent ``dz = a − y`` straight to the logit. The output
    is held weakly: a reference back from every node would make each graph a cycle.
    """

    __slots__ = ("complete", "fused", "origin", "output", "tick")

    def __init__(self, output: Any | None, fused: bool = True, name: str | None = None) -> None:
        self.output = name if name is not None else output.label
        self.origin = weakref.ref(output) if output is not None else None
        self.tick = tick()
        self.complete = False
        self.fused = fused

    def started_from(self, node: Any) -> bool:
        """Whether this pass ran from ``node`` (``node.backward()``)."""
        return self.origin is not None and self.origin() is node and node.grad_pass is self

    def __reduce__(self) -> Any:  # a weak reference does not pickle; the node itself does
        origin = self.origin() if self.origin is not None else None
        return (_restored_pass, (origin, self.output, self.tick, self.complete, self.fused))

    def __repr__(self) -> str:
        return f"BackwardPass(output={self.output!r})"


def _restored_pass(origin: Any, name: str, stamp: int, complete: bool, fused: bool) -> Any:
    clock_past(stamp)
    restored = BackwardPass(origin, fused, name)
    restored.tick, restored.complete = stamp, complete
    return restored


def check_current(output: Any, reader: str, graph: Iterable[Any]) -> None:
    """Raise ``StaleGraphError`` if a leaf of ``graph`` (``output``'s) changed since computed."""
    graph = list(graph)
    for node in graph:
        for x in node.inputs:
            if x.stamp > node.stamp:
                # A tick belongs to one assignment: the leaf with x's stamp is the one changed.
                changed = next((n for n in graph if n.stamp == x.stamp and not n.inputs), x)
                raise StaleGraphError(
                    f"{reader}: {changed.describe()} was given a new value after "
                    f"{node.describe()} was computed, so the graph's values are out of date; "
                    f"call {output.name or 'output'}.forward() to recompute them from the "
                    f"leaves (or build the graph again)"
                )


def require_one_backward_pass(nodes: Iterable[Any], reader: str) -> None:
    """Raise if the gradients of ``nodes`` do not belong to one complete, current pass."""
    first: Any | None = None
    for node in nodes:
        grad_pass = node.grad_pass
        if node.grad is None or grad_pass is None:
            continue
        if not grad_pass.complete:
            raise RuntimeError(
                f"{reader}: {grad_pass.output}.backward() stopped with an error before it "
                f"reached every node; its gradients are not all there. Call backward() again"
            )
        if node.stamp > grad_pass.tick:
            raise StaleGraphError(
                f"{reader}: the gradient of {node.describe()} comes from a backward pass made "
                f"before its value was recomputed; call {grad_pass.output}.backward() again, "
                f"then read the gradients"
            )
        if first is None:
            first = node
        elif grad_pass is not first.grad_pass:
            raise RuntimeError(
                f"{reader}: the gradients here come from different backward passes: "
                f"{first.label}'s from {first.grad_pass.output}.backward(), "
                f"{node.label}'s from {grad_pass.output}.backward(); call "
                f"backward() again on the output whose gradients you want, then read them"
            )


def starting_gradient(node: Any, grad: Any) -> Any:
    """The gradient a backward pass from ``node`` starts from: 1 for a scalar, or ``grad``."""
    if grad is not None:
        return checked_seed(node, grad)
    require_scalar(node)
    return 1.0 if not node.shape else np.ones(node.shape)


def require_scalar(node: Any) -> None:
    """A backward pass without a seed starts from a scalar: ``dL/dL = 1``."""
    if node.size != 1:
        raise ShapeError(
            f"backward() needs a scalar output, but {node.describe()} has shape "
            f"{node.shape}; reduce it first (for example ag.mean(...)) or pass "
            f"backward(grad=...) with an array of shape {node.shape}"
        )


def checked_seed(node: Any, grad: Any) -> Any:
    """``backward(grad=...)``'s seed, in the output's exact shape."""
    seed = as_value(grad, "backward(grad=...)")
    if np.shape(seed) != node.shape:
        raise ShapeError(
            f"backward(grad=...) got shape {np.shape(seed)}, but {node.describe()} has "
            f"shape {node.shape}; the seed gradient must have exactly that shape"
        )
    return seed


def check_gradient_count(node: Any, grads: Any) -> None:
    """A ``backward_step`` returns one gradient per input (``None`` for none)."""
    if type(grads) not in (tuple, list) or len(grads) != len(node.inputs):
        count = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
        raise TypeError(
            f"{type(node).__name__}.backward_step returned {count} gradient(s) for its "
            f"{len(node.inputs)} input(s); return a tuple with one gradient per input "
            f"(None for an input that needs none)"
        )


class Sent(NamedTuple):
    """One step of the chain rule: ``source`` sends ``gradient`` to ``target``.

    ``index`` is the target's position among the source's inputs, or ``None`` for a gradient
    sent past them (``LogLoss``'s ``dz = a − y`` to the logit). ``upstream`` is the source's own
    gradient. ``summed`` says the raw gradient had a broadcast shape and was summed to the
    target's. ``passes_on`` is false for a gradient that is only recorded in ``target.grad``
    (``da`` when the loss sends ``dz`` straight to ``z``): the target does not send it on.
    """

    source: Any
    target: Any
    index: int | None
    gradient: Any
    upstream: Any
    summed: bool
    passes_on: bool
