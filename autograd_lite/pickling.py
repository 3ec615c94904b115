"""Pickling (and deep-copying) a graph flat, whatever its depth.

Pickling a node pickles its inputs inside it, their inputs inside them, and so on: a chain
50,000 nodes deep goes far past Python's recursion limit. So the node pickled first (the output,
usually) puts every node it depends on, inputs first, ahead of its own state, each behind a
marker that has it pickled on its own: by then its inputs are pickled already, and it refers to
them. Unpickling is a flat loop either way.
"""

from __future__ import annotations

import copyreg
import threading
from collections.abc import Callable, Sequence
from typing import Any

_pickling = threading.local()
"""``alone``: the id of the node whose pickle comes next in a flattened graph (``_Alone``)."""


class _Alone:
    """In a pickled graph, the marker before each node: "pickle the next node on its own".

    Pickle and deepcopy reduce an object once, when they come to it, so the marker's reduce
    runs right before the node's own (or before nothing, if the node was pickled already).
    """

    __slots__ = ("node_id",)

    def __init__(self, node_id: int | None) -> None:
        self.node_id = node_id

    def __reduce__(self) -> Any:
        _pickling.alone = self.node_id
        return (_nothing, ())


def _nothing() -> None:
    """What a marker unpickles to."""


def _slots(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in names and name != "__weakref__":
                names.append(name)
    return names


def reduce(node: Any, walk: Callable[[Any], Sequence[Any]]) -> Any:
    """``__reduce_ex__`` of ``node``; ``walk(node)`` gives its graph, inputs first, itself last."""
    state = {name: getattr(node, name) for name in _slots(type(node)) if hasattr(node, name)}
    if getattr(_pickling, "alone", None) == id(node):
        _pickling.alone = None
    elif node.inputs:
        graph = walk(node)
        ahead: list[Any] = []
        for other in graph[:-1]:
            ahead += (_Alone(id(other)), other)
        ahead.append(_Alone(None))
        state = {"_graph": ahead, **state}  # first: pickled before the inputs
    return (copyreg.__newobj__, (type(node),), state)


def restore(node: Any, state: dict[str, Any], clock_past: Callable[[int], None]) -> None:
    """``__setstate__``: the slots back; the clock moved past the stamps loaded."""
    clock_past(state.get("stamp", 0))  # later changes must stamp newer than these
    for name, value in state.items():
        if name != "_graph":
            object.__setattr__(node, name, value)
