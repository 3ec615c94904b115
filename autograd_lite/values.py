"""What a node's value is: a Python float, or a float64 array; and how arrays are reused.

The engine (``node.py``) keeps every value in one of two forms: a Python float for a scalar,
a float64 array otherwise. This module turns what a user gives into those forms (checked and
copied), keeps a leaf's array read-only (``LeafValue``), sums a broadcast gradient back to its
input's shape, and hands an op the array it wrote last time, to write into again.
"""

from __future__ import annotations

import threading
from typing import Any, TypeAlias

import numpy as np

from autograd_lite.errors import ShapeError

Value: TypeAlias = "float | np.ndarray"
"""A node's value or gradient: a Python float for a scalar, a float64 array otherwise."""


def as_value(data: Any, what: str = "value", order: str = "C") -> Value:
    """Read numbers as a node value: a float for a scalar, otherwise a new float64 array.

    Arrays are always copied (in the memory ``order`` asked for), so changing the caller's
    array later cannot reach the graph. Integers and bools become float64; anything else
    (strings, objects, complex) is a ``TypeError`` that names ``what``. A masked array with
    masked entries is a ``ValueError``: the engine has no mask, and reading the array would
    compute with the hidden numbers.
    """
    if isinstance(data, (float, int)):  # bool is an int
        try:
            return float(data)
        except OverflowError:  # an int beyond float64's range
            digits = len(str(abs(data)))
            raise ValueError(
                f"{what}: an integer of {digits} digits is too large for a float64"
            ) from None
    if hasattr(data, "inputs") and hasattr(data, "describe"):  # a node (this module knows none)
        raise TypeError(f"{what}: expected numbers, got the node {data.describe()}")
    if isinstance(data, np.ma.MaskedArray) and np.ma.is_masked(data):
        raise ValueError(
            f"{what}: a masked array with {np.ma.count_masked(data)} of its {data.size} entries "
            f"masked; the engine has no mask and would compute with the hidden numbers. Say "
            f"what a masked entry means first: data.filled(value) replaces them, "
            f"data.compressed() drops them"
        )
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        kind = type(data).__name__
        raise ValueError(f"{what}: cannot read {kind} as an array: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{what}: expected real numbers, got {type(data).__name__} of dtype {array.dtype}"
        )
    if array.ndim == 0:
        return float(array)
    return np.array(array, dtype=np.float64, order=order)


def as_output(value: Any) -> Value:
    """``value`` as a node value: a Python float for a scalar, else a float64 ndarray."""
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return float(value)
        if value.dtype != np.float64:
            return value.astype(np.float64)
        return value if type(value) is np.ndarray else value.view(np.ndarray)
    return float(value)


def shape_of(value: Value) -> tuple[int, ...]:
    """The shape of a value: ``()`` for a float."""
    return () if type(value) is float else value.shape


def reusable(buffer: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """``buffer`` if it is a float64 array of exactly ``shape`` to write into, else ``None``.

    Ops pass the result as numpy's ``out=``: with ``None`` numpy allocates a new array.
    """
    if type(buffer) is np.ndarray and buffer.shape == shape:
        return buffer
    return None


def scratch(buffer: Any, shape: tuple[int, ...], dtype: Any = np.float64) -> np.ndarray:
    """``buffer`` if it has ``shape`` and ``dtype``, else a new empty array: an op's workspace."""
    if type(buffer) is np.ndarray and buffer.shape == shape and buffer.dtype == dtype:
        return buffer
    return np.empty(shape, dtype=dtype)


_workspace = threading.local()


def workspace(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 array of ``shape`` for an op to compute in during its own step, then drop.

    One per thread, kept from call to call: the next op that asks for the same shape gets the
    same array, so an op is done with it before its step returns. σ and the fused log loss
    both need an m-long array only while they compute; sharing one saves a graph an m-long
    array (and a re-run allocates none).
    """
    array = getattr(_workspace, "array", None)
    if type(array) is not np.ndarray or array.shape != shape:
        array = _workspace.array = np.empty(shape)
    return array


def may_share(g: np.ndarray, other: Any) -> bool:
    """Whether two gradients may overlap in memory (a quick answer for owners of their data)."""
    if type(other) is float or other is None:
        return False
    if g is other:
        return True
    # Two arrays that each own their buffer cannot overlap; only views need numpy's check.
    if g.base is None and other.base is None:
        return False
    return np.may_share_memory(g, other)


def unbroadcast(grad: Value, shape: tuple[int, ...]) -> Value:
    """Sum ``grad`` over the axes that broadcasting added, so it has ``shape``.

    A scalar bias ``b`` added to a vector ``X·w`` receives ``db = Σ dz``: it was used once per
    entry, so each use contributes. A gradient smaller than ``shape`` is a ``ShapeError``:
    broadcasting only ever makes an input larger, never smaller.
    """
    grad_shape = shape_of(grad)
    if grad_shape == shape:
        return grad
    if not shape:
        return float(np.add.reduce(grad, axis=None))  # np.sum's arithmetic, less overhead
    extra = len(grad_shape) - len(shape)
    if extra < 0 or any(
        n != 1 and n != grad_shape[extra + i] for i, n in enumerate(shape)
    ):
        raise ShapeError(f"a gradient of shape {grad_shape} cannot be summed to shape {shape}")
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape)


class LeafValue(np.ndarray):
    """A leaf's array value as you read it: read-only, so every change goes through assignment.

    ``w.value[0] = 5`` is refused (the graph could not notice it); assign a new array instead,
    ``w.value = new``. In-place operators give a new array, as they do for a float, so
    ``w.value -= alpha * w.grad`` assigns the difference. Arithmetic gives ordinary arrays. The
    memory behind it is read-only too, so it cannot be made writable again.

    A numpy method that copies (``astype``, ``flatten`` ...) gives a writable array of this
    type: that one is an ordinary array of its own, changed in place as any other.
    """

    _owner = "this leaf"

    def __array_wrap__(
        self, array: np.ndarray, context: Any = None, return_scalar: bool = False
    ) -> Any:
        if return_scalar:
            return array[()]
        return array.view(np.ndarray) if type(array) is not np.ndarray else array

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.flags.writeable:  # a copy of a leaf's value, not the value itself
            super().__setitem__(key, value)
            return
        raise ValueError(
            f"the value of {self._owner} is read-only, so that the graphs built on it notice "
            f"every change; assign a new value instead: new = leaf.value.copy(); "
            f"new[...] = ...; leaf.value = new"
        )

    def copy(self, order: Any = "C") -> np.ndarray:  # type: ignore[override]
        """A writable copy, as an ordinary array."""
        return np.array(self, order=order, subok=False)

    def __reduce__(self) -> Any:
        return (read_only, (np.asarray(self).copy(order="K"), self._owner))

    def __deepcopy__(self, memo: Any) -> LeafValue:
        return read_only(np.asarray(self).copy(order="K"), self._owner)

    def _in_place(self, ufunc: np.ufunc, other: Any) -> np.ndarray:
        if self.flags.writeable:  # an ordinary copy: changed in place, as numpy does
            return ufunc(self, other, out=self)
        return ufunc(self, other)  # the leaf's value: a new array, to assign

    def __iadd__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self._in_place(np.add, other)

    def __isub__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self._in_place(np.subtract, other)

    def __imul__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self._in_place(np.multiply, other)

    def __itruediv__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self._in_place(np.true_divide, other)

    def __ipow__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self._in_place(np.power, other)

    def __imatmul__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.matmul(self, other)


def read_only(array: np.ndarray, owner: str = "this leaf") -> LeafValue:
    """``array`` (not copied, and frozen) as a read-only ``LeafValue``; ``owner`` for messages.

    ``array`` itself becomes read-only, so no view of it can be made writable again: hand over
    an array that nothing else writes to. A leaf given a read-only ``LeafValue`` shares it
    without a copy: feeding one graph example after example (``x.value = rows[i]``) then costs
    no conversion.
    """
    array.flags.writeable = False
    view = array.view(LeafValue)
    view.flags.writeable = False
    view._owner = owner
    return view
