"""Nodes of a computation graph, and the backward pass that runs the chain rule over them.

A node holds its ``value``, the nodes it was computed from (``inputs``, in order) and, after
``backward()``, its ``grad``. In the lecture's notation ``z.grad`` is ``dz``: the derivative
of the final output with respect to ``z``.

Every op (``Add``, ``Sigmoid``, ``LogLoss`` ... in ``ops.py``) is a small subclass that writes
only two things, side by side: ``forward`` (its value from its inputs' values) and
``backward_step`` (its inputs' gradients from its own). Everything else lives here, once:
turning numbers and arrays into nodes, shape errors that name the nodes, summing a gradient
back to the shape of a broadcast input, accumulating where a node feeds several others, and
visiting the nodes in an order where each comes after every node that uses it.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

import numpy as np

from autograd_lite.errors import NonFiniteError, ShapeError

Value: TypeAlias = "float | np.ndarray"
"""A node's value or gradient: a Python float for a scalar, a float64 array otherwise."""

Operand: TypeAlias = "Node | float | int | bool | np.ndarray | list"
"""What an operator or op accepts: a node, or numbers that become a ``Constant``."""


class _Settings:
    detect_anomaly = False


def set_detect_anomaly(enabled: bool) -> None:
    """Switch NaN/inf origin reporting on or off for the whole program (off by default).

    When on, every op checks its value as it is computed and every backward step checks the
    gradients it sends on; the first NaN or inf raises ``NonFiniteError`` naming the node that
    produced it. A gradient that is only recorded, not passed on (``da`` when a ``LogLoss``
    sits on a ``Sigmoid``), is not checked: nothing is computed from it, and its inf at
    saturation is the true value rounded. The check costs one pass over each array, which is
    why it is off by default.
    """
    _Settings.detect_anomaly = bool(enabled)


@contextlib.contextmanager
def detect_anomaly(enabled: bool = True) -> Iterator[None]:
    """Report the first node that produces a NaN or inf, inside a ``with`` block.

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
    before = _Settings.detect_anomaly
    _Settings.detect_anomaly = bool(enabled)
    try:
        yield
    finally:
        _Settings.detect_anomaly = before


def as_value(data: Any, what: str = "value") -> Value:
    """Read numbers as a node value: a float for a scalar, otherwise a new float64 array.

    Arrays are always copied, so changing the caller's array later cannot reach the graph.
    Integers and bools become float64; anything else (strings, objects, complex) is a
    ``TypeError`` that names ``what``.
    """
    if isinstance(data, (float, int)):  # bool is an int
        try:
            return float(data)
        except OverflowError:  # an int beyond float64's range
            digits = len(str(abs(data)))
            raise ValueError(
                f"{what}: an integer of {digits} digits is too large for a float64"
            ) from None
    if isinstance(data, Node):
        raise TypeError(f"{what}: expected numbers, got the node {data.describe()}")
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
    return np.array(array, dtype=np.float64)


def as_node(data: Operand, what: str = "value") -> Node:
    """Return ``data`` if it is a node, else a ``Constant`` holding a copy of it."""
    return data if isinstance(data, Node) else Constant(data, what=what)


def _as_output(value: Any) -> Value:
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return float(value)
        return value if value.dtype == np.float64 else value.astype(np.float64)
    return float(value)


def _fits(g: Any, value: Value) -> bool:
    """Whether ``g`` is already a gradient for ``value``: a float for a float, else same shape."""
    if type(g) is float:
        return type(value) is float
    return (
        type(g) is np.ndarray
        and g.dtype == np.float64
        and type(value) is np.ndarray
        and g.shape == value.shape
    )


def _may_share(g: np.ndarray, other: Value) -> bool:
    """Whether two gradients may overlap in memory (a quick answer for owners of their data)."""
    if type(other) is float:
        return False
    if g is other:
        return True
    # Two arrays that each own their buffer cannot overlap; only views need numpy's check.
    if g.base is None and other.base is None:
        return False
    return np.may_share_memory(g, other)


def _shape_of(value: Value) -> tuple[int, ...]:
    return () if type(value) is float else np.shape(value)


def _is_finite(value: Value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return bool(np.isfinite(value).all())


def _summary(value: Value | None) -> str:
    if value is None:
        return "None"
    if isinstance(value, float):
        return f"{value:.6g}"
    if value.size <= 6:
        return np.array2string(value, precision=6, separator=", ")
    return f"<array {value.shape}>"


def unbroadcast(grad: Value, shape: tuple[int, ...]) -> Value:
    """Sum ``grad`` over the axes that broadcasting added, so it has ``shape``.

    A scalar bias ``b`` added to a vector ``X·w`` receives ``db = Σ dz``: it was used once per
    entry, so each use contributes.
    """
    grad_shape = _shape_of(grad)
    if grad_shape == shape:
        return grad
    if not shape:
        return float(np.sum(grad))
    extra = len(grad_shape) - len(shape)
    if extra < 0 or any(
        n != 1 and n != grad_shape[extra + i] for i, n in enumerate(shape)
    ):
        if np.size(grad) == 1:  # a scalar gradient for an array that fed a scalar result
            return np.full(shape, float(np.sum(grad)))
        raise ShapeError(f"a gradient of shape {grad_shape} cannot be summed to shape {shape}")
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape)


def _checked_name(name: Any) -> str | None:
    if name is not None and not isinstance(name, str):
        kind = type(name).__name__
        raise TypeError(f"a node's name must be a string or None, got {kind} {name!r}")
    return name


def require_one_backward_pass(nodes: Iterable[Node], reader: str) -> None:
    """Raise ``RuntimeError`` if the gradients of ``nodes`` come from different backward passes.

    ``w`` used by two losses holds ``dL2/dw`` after ``L2.backward()``; read next to ``dL1``'s other
    gradients, it would look like part of ``L1``'s. ``reader`` names who asks, for the message.
    """
    first: Node | None = None
    for node in nodes:
        if node.grad is None or node.grad_pass is None:
            continue
        if first is None:
            first = node
        elif node.grad_pass is not first.grad_pass:
            raise RuntimeError(
                f"{reader}: the gradients here come from different backward passes: "
                f"{_label(first)}'s from {first.grad_pass.output}.backward(), "
                f"{_label(node)}'s from {node.grad_pass.output}.backward(); call "
                f"backward() again on the output whose gradients you want, then read them"
            )


def _label(node: Node) -> str:
    return node.name or type(node).__name__


@dataclass(frozen=True, eq=False)
class BackwardPass:
    """One call of ``backward()``: ``output`` names the node it ran from.

    Each node a pass visits holds it as ``grad_pass``; two nodes hold the same one exactly when
    their gradients belong together.
    """

    output: str


def fitted_gradient(sender: Node, target: Node, g: Any) -> Value:
    """The gradient ``sender`` sends ``target``, as the engine stores it.

    A float, or a float64 array in the target's shape (summed over the axes broadcasting
    added); a gradient that cannot be brought to that shape is a ``ShapeError`` naming both.
    """
    try:
        return unbroadcast(_as_output(g), target.shape)
    except ShapeError as error:
        raise ShapeError(
            f"{sender.describe()}: backward_step returned a gradient that does not fit its "
            f"input {target.describe()} of shape {target.shape}: {error}"
        ) from None


def topological_order(output: Node) -> list[Node]:
    """The nodes ``output`` depends on, each before all of its inputs (``output`` first).

    An explicit stack instead of recursion, so a chain of a million nodes is fine; inputs are
    visited in their tuple order, so the order is the same on every run. Nodes that do not
    depend on any ``Variable`` (constants, and ops on constants only) are left out: no
    gradient flows into them.
    """
    order: list[Node] = []
    visited: set[int] = set()  # ids: a node class may define == (and so no hash)
    stack: list[Node | tuple[Node]] = [output]  # a node to expand, or (node,) once expanded
    while stack:
        node = stack.pop()
        if type(node) is tuple:  # its inputs are all in ``order`` now
            order.append(node[0])
        elif id(node) not in visited:
            visited.add(id(node))
            if not node.inputs:  # a leaf is done at once
                order.append(node)
                continue
            stack.append((node,))
            # Pushed in order, so the last input is expanded first; reversed at the end, the
            # first input's branch comes first: dz, dw1, dx1, dw2, dx2, db, as the lecture goes.
            for parent in node.inputs:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append(parent)
    order.reverse()
    return order


class Node:
    """A box of the computation graph: a value, the inputs it came from, and its gradient.

    Subclasses (ops) set the class attributes ``symbol``, ``formula``, ``gradient_formulas``
    and ``local_derivatives`` (the lecture's formulas, with ``{out}`` for this node and
    ``{0}``, ``{1}`` for its inputs) and write ``forward`` and ``backward_step``.

    Attributes
    ----------
    value : float or numpy.ndarray
        A Python float for a scalar, a float64 array otherwise.
    grad : float, numpy.ndarray or None
        After ``backward()`` on some output ``L``: ``dL/d(this node)``, in the shape of
        ``value`` (the lecture's ``dz`` is ``z.grad``). ``None`` before backward, and for
        nodes that no gradient reaches (constants).
    grad_pass : BackwardPass or None
        The ``backward()`` call that last set ``grad`` (it names ``L`` above), so gradients
        from two different backward passes are never read as one.
    name : str or None
        What drawings, explanations and ``gradients()`` call the node; settable.
    inputs : tuple of Node
        The nodes this one was computed from, in order. Empty for a leaf.
    requires_grad : bool
        Whether any ``Variable`` feeds this node, i.e. whether backward computes its gradient.
    """

    __slots__ = ("value", "grad", "grad_pass", "name", "inputs", "requires_grad")

    # numpy defers to our reflected operators, so ``X @ w`` and ``X * w`` build nodes.
    __array_ufunc__ = None

    symbol: ClassVar[str] = ""
    """Short label for drawings of an unnamed node: ``+``, ``σ``, ``@`` ..."""
    formula: ClassVar[str] = ""
    """The forward formula, e.g. ``"{out} = σ({0}) = 1 / (1 + e^(−{0}))"``."""
    gradient_formulas: ClassVar[tuple[str, ...]] = ()
    """One backward formula per input, e.g. ``("d{0} = d{out} · {out}(1 − {out})",)``."""
    local_derivatives: ClassVar[tuple[str, ...]] = ()
    """One ``∂{out}/∂{i}`` per input, for edge labels, e.g. ``("{out}(1 − {out})",)``."""

    def __init__(self, *inputs: Operand, name: str | None = None) -> None:
        for x in inputs:
            if not isinstance(x, Node):
                op = type(self).__name__
                inputs = tuple(
                    x if isinstance(x, Node) else Constant(x, what=f"{op} input {i}")
                    for i, x in enumerate(inputs)
                )
                break
        self.inputs = inputs
        self.name = _checked_name(name)
        self.grad: Value | None = None
        self.grad_pass: BackwardPass | None = None
        self.requires_grad = False
        for x in inputs:
            if x.requires_grad:
                self.requires_grad = True
                break
        try:
            value = self.forward(*[x.value for x in inputs])
        except ShapeError:
            raise
        except ValueError as error:  # numpy's broadcasting and matmul errors
            raise ShapeError(
                f"{type(self).__name__} cannot combine its inputs {self.describe_inputs()}: "
                f"{error}"
            ) from error
        self.value: Value = _as_output(value)
        if _Settings.detect_anomaly and not _is_finite(self.value):
            self._report_non_finite_value()

    # --- what each op writes -------------------------------------------------------------

    def forward(self, *values: Value) -> Value:
        """This node's value from its inputs' values."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward")

    def backward_step(self, grad: Value) -> tuple[Value | None, ...]:
        """One step of the chain rule: given ``d(this node)``, return ``d(input)`` per input.

        A gradient may come back in the broadcast shape; the engine sums it to the input's
        shape. ``None`` means "no gradient for that input" (e.g. a constant).
        """
        raise NotImplementedError(f"{type(self).__name__} does not define backward_step")

    def send_gradients(self, grad: Value) -> Iterable[tuple[Node, Value | None, bool]]:
        """``(target, gradient, passes_on)`` for each gradient this node sends back.

        By default each input receives what ``backward_step`` gives it, and passes it on.
        ``LogLoss`` after a ``Sigmoid`` overrides this to send ``dz = a − y`` straight to
        ``z``; the ``da`` it gives ``a`` is then recorded in ``a.grad`` but not passed on again
        (``passes_on=False``), so ``dz`` is never ``∞ · 0`` when ``a`` saturates.
        """
        return [(x, g, True) for x, g in zip(self.inputs, self.backward_step(grad), strict=True)]

    # --- the backward pass -----------------------------------------------------------------

    def backward(self, grad: Operand | None = None) -> None:
        """Run the chain rule from this node back to every node it depends on.

        Fills ``.grad`` of every node on the way (``z.grad`` is the lecture's ``dz``). Without
        ``grad`` this node must be a scalar, and ``dL/dL = 1`` starts the pass; otherwise
        ``grad`` is the gradient of this node, in its exact shape.

        Each call computes the gradients afresh: it first clears the ``.grad`` of every node
        it will visit, so calling it twice gives the same numbers (it never doubles them). To
        add up the gradients of two losses, backpropagate their sum. Every node it visits
        records this call as its ``grad_pass``; ``gradients()`` and drawing refuse a graph
        whose gradients come from different backward passes (a ``Variable`` shared by two
        losses holds the gradient of whichever ran last).
        """
        seed = self._seed(grad)
        order = topological_order(self)
        # A token, not self: a reference from every node back to the output would make each
        # graph a cycle that outlives its step until the garbage collector runs.
        this_pass = BackwardPass(_label(self))
        for node in order:
            node.grad = None
            node.grad_pass = this_pass
        self.grad = seed
        held: dict[int, Value] = {}  # gradients recorded but not passed on (see send_gradients)
        check = _Settings.detect_anomaly
        for node in order:
            upstream = node.grad
            if upstream is not None and node.inputs:
                sent: list[np.ndarray] = []
                for target, g, passes_on in node.send_gradients(upstream):
                    if g is None or not target.requires_grad:
                        continue
                    if not _fits(g, target.value):
                        g = fitted_gradient(node, target, g)
                    if type(g) is not float:
                        # No two nodes may share a gradient array: a step may hand back its
                        # upstream gradient itself (Add), a view of it, or one array twice.
                        if _may_share(g, upstream) or any(_may_share(g, s) for s in sent):
                            g = g.copy()
                        sent.append(g)
                    if passes_on:
                        if check and not _is_finite(g):
                            node._report_non_finite_gradient(target, g)
                        target.grad = g if target.grad is None else target.grad + g
                    else:
                        before = held.get(id(target))
                        held[id(target)] = g if before is None else before + g
            if held and id(node) in held:
                extra = held.pop(id(node))
                node.grad = extra if node.grad is None else node.grad + extra

    def _seed(self, grad: Operand | None) -> Value:
        if grad is None:
            if type(self.value) is float:
                return 1.0
            if self.size != 1:
                raise ShapeError(
                    f"backward() needs a scalar output, but {self.describe()} has shape "
                    f"{self.shape}; reduce it first (for example ag.mean(...)) or pass "
                    f"backward(grad=...) with an array of shape {self.shape}"
                )
            return 1.0 if not self.shape else np.ones(self.shape)
        seed = as_value(grad, "backward(grad=...)")
        if np.shape(seed) != self.shape:
            raise ShapeError(
                f"backward(grad=...) got shape {np.shape(seed)}, but {self.describe()} has "
                f"shape {self.shape}; the seed gradient must have exactly that shape"
            )
        return seed

    def _report_non_finite_value(self) -> None:
        bad = [x for x in self.inputs if not _is_finite(x.value)]
        kind = _non_finite_kind(self.value)
        if bad:
            origin = ", ".join(_describe_with_shape(x) for x in bad)
            raise NonFiniteError(
                f"{self.describe()} produced {kind} in its value because its input already "
                f"held NaN or inf: {origin}"
            )
        raise NonFiniteError(
            f"{self.describe()} produced {kind} in its value from finite inputs: "
            f"{self.describe_inputs()}"
        )

    def _report_non_finite_gradient(self, target: Node, g: Value) -> None:
        label = target.name or f"input of {self.describe()}"
        raise NonFiniteError(
            f"the backward step of {self.describe()} produced {_non_finite_kind(g)} in "
            f"d{label} (for {target.describe()}); its own gradient was "
            f"{_summary(self.grad)}, its inputs {self.describe_inputs()}"
        )

    # --- reading a graph -------------------------------------------------------------------

    def gradients(self) -> dict[str, Value]:
        """The gradients of this graph's named nodes, by the lecture's names.

        After ``L.backward()``, ``L.gradients()`` is ``{"dL": 1.0, "da": ..., "dz": ...,
        "dw1": ...}``: one entry per named node that a gradient reached, output first, in the
        order the backward pass visited them.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> w = ag.Variable(3.0, name="w")
        >>> y = (w * w).named("y")
        >>> y.backward()
        >>> y.gradients()
        {'dy': 1.0, 'dw': 6.0}
        """
        if self.grad is None:
            raise RuntimeError(f"{self.describe()} has no gradient yet: call backward() first")
        order = topological_order(self)
        require_one_backward_pass(order, f"{self.describe()}.gradients()")
        found: dict[str, Value] = {}
        owners: dict[str, Node] = {}
        for node in order:
            if node.name is None or node.grad is None:
                continue
            key = "d" + node.name
            if key in owners and owners[key] is not node:
                raise ValueError(
                    f"two different nodes are named {node.name!r} "
                    f"({owners[key].describe()} and {node.describe()}); give them distinct names"
                )
            owners[key] = node
            found[key] = node.grad
        return found

    def named(self, name: str) -> Node:
        """Set ``name`` and return the node, to name a node where it is built.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> z = (ag.Variable(2.0) * 3).named("z")
        >>> z.name
        'z'
        """
        self.name = _checked_name(name)
        return self

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``value``: ``()`` for a scalar."""
        return _shape_of(self.value)

    @property
    def ndim(self) -> int:
        """The number of axes of ``value``."""
        value = self.value
        return value.ndim if type(value) is np.ndarray else np.ndim(value)

    @property
    def size(self) -> int:
        """The number of entries of ``value``."""
        value = self.value
        return value.size if type(value) is np.ndarray else int(np.size(value))

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

    def describe_inputs(self) -> str:
        """The inputs with their kinds and shapes, for error messages."""
        return ", ".join(_describe_with_shape(x) for x in self.inputs)

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}"] if self.name is not None else []
        parts.append(f"value={_summary(self.value)}")
        if self.grad is not None:
            parts.append(f"grad={_summary(self.grad)}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # --- operators build op nodes --------------------------------------------------------------

    def __add__(self, other: Operand) -> Node:
        return _ops.Add(self, other)

    def __radd__(self, other: Operand) -> Node:
        return _ops.Add(other, self)

    def __sub__(self, other: Operand) -> Node:
        return _ops.Subtract(self, other)

    def __rsub__(self, other: Operand) -> Node:
        return _ops.Subtract(other, self)

    def __mul__(self, other: Operand) -> Node:
        return _ops.Multiply(self, other)

    def __rmul__(self, other: Operand) -> Node:
        return _ops.Multiply(other, self)

    def __truediv__(self, other: Operand) -> Node:
        return _ops.Divide(self, other)

    def __rtruediv__(self, other: Operand) -> Node:
        return _ops.Divide(other, self)

    def __matmul__(self, other: Operand) -> Node:
        return _ops.MatMul(self, other)

    def __rmatmul__(self, other: Operand) -> Node:
        return _ops.MatMul(other, self)

    def __neg__(self) -> Node:
        return _ops.Negate(self)

    @property
    def T(self) -> Node:
        """The transpose, as a ``Transpose`` node."""
        return _ops.Transpose(self)

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
        """A ``Sum`` node: the sum of the entries (over ``axis`` if given)."""
        return _ops.Sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
        """A ``Mean`` node: the average of the entries (over ``axis`` if given)."""
        return _ops.Mean(self, axis=axis, keepdims=keepdims)


def _describe_with_shape(node: Node) -> str:
    kind = type(node).__name__
    who = f"{node.name!r} ({kind}" if node.name is not None else f"({kind}"
    return f"{who}, shape {node.shape})"


def _non_finite_kind(value: Value) -> str:
    return "nan" if np.isnan(value).any() else "inf"


class Variable(Node):
    """A leaf whose gradient ``backward()`` computes: a parameter (``w``, ``b``) or an input.

    The value is copied (integers and bools become float64). It is yours to update between
    steps, as gradient descent does: ``w.value = w.value - alpha * w.grad``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w1 = ag.Variable(0.5, name="w1")
    >>> w1
    Variable(name='w1', value=0.5)
    """

    __slots__ = ()

    def __init__(self, value: Any, name: str | None = None) -> None:
        what = f"Variable {name!r}" if name is not None else "Variable"
        self.value = as_value(value, what)
        self.inputs = ()
        self.name = _checked_name(name)
        self.grad = None
        self.grad_pass = None
        self.requires_grad = True


class Constant(Node):
    """A leaf that ``backward()`` does not differentiate: data such as ``X`` and ``y``.

    Numbers and arrays given to an operator or op become constants; the value is copied, so
    changing the original array afterwards cannot change the graph. Wrap a large data set once
    (``X = ag.Constant(X)``) and reuse it, rather than letting every step copy it again.
    """

    __slots__ = ()

    def __init__(self, value: Any, name: str | None = None, *, what: str = "Constant") -> None:
        self.value = as_value(value, what)
        self.inputs = ()
        self.name = _checked_name(name)
        self.grad = None
        self.grad_pass = None
        self.requires_grad = False


from autograd_lite import ops as _ops  # noqa: E402  (ops subclass Node; operators build them)
