"""How a node names itself: in drawings (``label``), in messages (``describe``), and to numpy.

A mixin of ``Node`` (``node.py``), kept apart from the engine's two passes: nothing here
computes. ``__array__`` refuses numpy's and pandas' wish to read a node as numbers.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from autograd_lite import anomaly


def checked_name(name: Any) -> str | None:
    """``name`` if it is a string or ``None``; a ``TypeError`` otherwise."""
    if name is not None and not isinstance(name, str):
        kind = type(name).__name__
        raise TypeError(f"a node's name must be a string or None, got {kind} {name!r}")
    return name


class NodeNaming:
    """Names, descriptions and numpy's view of a node (see ``Node``)."""

    __slots__ = ()

    # numpy defers to our reflected operators, so ``X @ w`` builds a node; pandas does too, to
    # an object of a higher priority than its own (a DataFrame's is 4000).
    __array_ufunc__ = None
    __pandas_priority__ = 5000

    symbol: ClassVar[str] = ""
    """Short label for drawings of an unnamed node: ``+``, ``σ``, ``@`` ..."""
    formula: ClassVar[str] = ""
    """The forward formula as shown, e.g. ``"{out} = σ({0})"``."""
    gradient_formulas: ClassVar[tuple[str, ...]] = ()
    """One backward formula per input as shown, e.g. ``("d{0} = d{out} · {out}(1 − {out})",)``."""
    local_derivatives: ClassVar[tuple[str, ...]] = ()
    """One ``∂{out}/∂{i}`` per input as shown, for edge labels, e.g. ``("{out}(1 − {out})",)``."""

    @property
    def name(self) -> str | None:
        """What drawings, explanations and ``gradients()`` call this node (a string or None)."""
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        self._name = checked_name(name)

    @property
    def label(self) -> str:
        """The name, or for an unnamed node its op's symbol (a constant shows its value)."""
        if self.name is not None:
            return self.name
        if not self.inputs and isinstance(self.value, float):
            return f"{self.value:g}"
        return self.symbol or type(self).__name__

    def describe(self) -> str:
        """``Sigmoid 'a'`` for a named node, ``Sigmoid`` for an unnamed one."""
        kind = type(self).__name__
        return f"{kind} {self.name!r}" if self.name is not None else kind

    def describe_with_shape(self) -> str:
        """``'z' (Add, shape (3,))``: the name, kind and shape, for error messages."""
        kind = type(self).__name__
        who = f"{self.name!r} ({kind}" if self.name is not None else f"({kind}"
        return f"{who}, shape {self.shape})"

    def describe_inputs(self) -> str:
        """The inputs with their kinds and shapes, for error messages."""
        return ", ".join(x.describe_with_shape() for x in self.inputs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Refused: numpy or pandas reading a node as numbers would compute past the graph."""
        if dtype is not None and np.dtype(dtype) == np.dtype(object):
            holder = np.empty((), dtype=object)
            holder[()] = self
            return holder
        name = self.name or "node"
        who = self.describe() if self.name else f"the {self.describe()}"
        raise TypeError(
            f"{who} is a node of a computation graph, not an array, and numpy or "
            f"pandas asked for its numbers: {name}.value holds them. A pandas DataFrame or "
            f"Series on the left of @ runs pandas' own dot, which cannot build a node: write "
            f"ag.matmul(df, {name}) or df.to_numpy() @ {name}. Keep nodes in a list, or in "
            f"a numpy array of dtype=object"
        )

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}"] if self.name is not None else []
        parts.append(f"value={anomaly.summary(self.value)}")
        if self.grad is not None:
            parts.append(f"grad={anomaly.summary(self.grad)}")
        return f"{type(self).__name__}({', '.join(parts)})"
