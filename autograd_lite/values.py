"""What a node's value is: a Python float, or a read-only float64 array.

The engine (``node.py``) keeps every value in one of two forms: a Python float for a scalar,
a float64 array otherwise. This module turns what a user gives into those forms (checked and
copied), keeps every node's array read-only (``LeafValue``), and sums a broadcast gradient back
to its input's shape.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np

from autograd_lite.errors import ShapeError

Value: TypeAlias = "float | np.ndarray"
"""A node's value or gradient: a Python float for a scalar, a float64 array otherwise."""


def as_value(data: Any, what: str = "value", copy: bool = True) -> Value:
    """Read numbers as a node value: a float for a scalar, otherwise a new float64 array.

    Arrays are copied (unless ``copy=False``, for a caller that copies them itself), so
    changing the caller's array later cannot reach the graph. Integers and bools become
    float64; anything else (strings, objects, complex) is a ``TypeError`` that names ``what``.
    A masked array with masked entries is a ``ValueError``: the engine has no mask, and reading
    the array would compute with the hidden numbers.
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
    if array.dtype == object:
        _refuse_huge_integers(array, what)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{what}: expected real numbers, got {type(data).__name__} of dtype {array.dtype}"
        )
    if array.dtype.kind == "f" and array.dtype.itemsize > 8:  # long double: may not fit
        _refuse_beyond_float64(array, what)
    if array.ndim == 0:
        return float(array)
    return np.array(array, dtype=np.float64) if copy else np.asarray(array, dtype=np.float64)


def _refuse_huge_integers(array: np.ndarray, what: str) -> None:
    """Python integers past float64's range in a list: named, as a lone one is."""
    for index, entry in np.ndenumerate(array):
        if isinstance(entry, int) and not isinstance(entry, bool):
            try:
                float(entry)
            except OverflowError:
                where = f"[{', '.join(map(str, index))}]"
                raise ValueError(
                    f"{what}: the integer at {where} has {len(str(abs(entry)))} digits, too large "
                    f"for a float64 (whose largest is about 1.8e308)"
                ) from None
        elif not isinstance(entry, (int, float, np.integer, np.floating)):
            return  # not all numbers: the caller's type check says so


def _refuse_beyond_float64(array: np.ndarray, what: str) -> None:
    """A long double beyond float64's range would become ±inf silently: refused, named."""
    with np.errstate(over="ignore"):
        converted = array.astype(np.float64)
    lost = np.isinf(converted) & np.isfinite(array)
    if lost.any():
        index = tuple(int(i) for i in np.argwhere(lost)[0])
        where = f" at [{', '.join(map(str, index))}]" if index else ""
        raise ValueError(
            f"{what}: the {array.dtype} value{where} is {array[index]!r}, too large for a "
            f"float64 (whose largest is about 1.8e308)"
        )


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


def copied(g: Value) -> Value:
    """A float as it is, an array as a copy of its own."""
    return g.copy() if type(g) is np.ndarray else g


def shape_of(value: Value) -> tuple[int, ...]:
    """The shape of a value: ``()`` for a float."""
    return () if type(value) is float else value.shape


def unbroadcast(
    grad: Value, shape: tuple[int, ...], sender: Any = None, target: Any = None
) -> Value:
    """Sum ``grad`` over the axes that broadcasting added, so it has ``shape``.

    A scalar bias ``b`` added to a vector ``X·w`` receives ``db = Σ dz``: it was used once per
    entry, so each use contributes. A gradient that cannot be summed to ``shape`` is a
    ``ShapeError`` (naming ``sender`` and its input ``target``, nodes, when given).
    """
    grad_shape = shape_of(grad)
    if grad_shape == shape:
        return grad
    extra = len(grad_shape) - len(shape)
    if extra < 0 or any(n != 1 and n != grad_shape[extra + i] for i, n in enumerate(shape)):
        problem = f"a gradient of shape {grad_shape} cannot be summed to shape {shape}"
        if sender is not None:
            problem = (
                f"{sender.describe()}: backward_step returned a gradient that does not fit its "
                f"input {target.describe()} of shape {shape}: {problem}"
            )
        raise ShapeError(problem)
    if not shape:
        return float(np.sum(grad))
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape)


class LeafValue(np.ndarray):
    """A node's array value as you read it: read-only, so every change goes through assignment.

    ``w.value[0] = 5`` is refused (the graph could not notice it); assign a new array instead,
    ``w.value = new``. An op's value is read-only too: it is computed from its inputs. In-place
    operators give a new array, as they do for a float, so ``w.value -= alpha * w.grad``
    assigns the difference. Arithmetic gives ordinary arrays. A leaf's memory is its own and
    immutable (an array over a bytes object), so it cannot be made writable again.
    """

    _owner = "this leaf"
    _computed = False

    def __array_wrap__(
        self, array: np.ndarray, context: Any = None, return_scalar: bool = False
    ) -> Any:
        if return_scalar:
            return array[()]
        return array.view(np.ndarray) if type(array) is not np.ndarray else array

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.flags.writeable:  # a copy of a node's value, not the value itself
            super().__setitem__(key, value)
            return
        owner = self._owner
        if isinstance(owner, tuple):  # (kind, name) of the op that computed it
            kind, name = owner
            owner = f"{kind} {name!r}" if name is not None else kind
        if self._computed:
            raise ValueError(
                f"the value of {owner} is read-only: it is computed from its inputs, and "
                f"the next backward() reads it. Give a leaf a new value and call forward(), or "
                f"work on a copy of it (.value.copy())"
            )
        raise ValueError(
            f"the value of {owner} is read-only, so that the graphs built on it notice "
            f"every change; assign a new value instead: new = leaf.value.copy(); "
            f"new[...] = ...; leaf.value = new"
        )

    def __repr__(self) -> str:  # shown as the array it is: read-only is not a kind of number
        return repr(np.asarray(self))

    def copy(self, order: Any = "C") -> np.ndarray:  # type: ignore[override]
        """A writable copy, as an ordinary array."""
        return np.array(self, order=order, subok=False)

    def __reduce__(self) -> Any:
        return (_unpickled, (np.asarray(self).copy(), self._owner))

    def __deepcopy__(self, memo: Any) -> LeafValue:
        return _unpickled(np.asarray(self).copy(), self._owner)

    def _in_place(self, ufunc: np.ufunc, other: Any) -> np.ndarray:
        if self.flags.writeable:  # an ordinary copy: changed in place, as numpy does
            return ufunc(self, other, out=self)
        return ufunc(self, other)  # the node's value: a new array, to assign

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


def _unpickled(array: np.ndarray, owner: str) -> LeafValue:
    return read_only(array, owner)


def read_only(array: np.ndarray, owner: str = "this leaf") -> LeafValue:
    """A read-only copy of ``array`` in memory of its own, whose view cannot be made writable."""
    data = np.array(array, dtype=np.float64)  # the one copy: nobody else holds this memory
    data.flags.writeable = False
    view = data.view(LeafValue)
    view.flags.writeable = False
    view._owner = owner
    return view


def frozen(value: Value, owner: Any = "this node") -> Value:
    """``value`` as a node holds it: a float, or a read-only view of the array (not copied)."""
    if type(value) is float:
        return value
    view = value.view(LeafValue)
    view.flags.writeable = False
    view._owner = owner
    view._computed = True
    return view
