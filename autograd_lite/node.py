"""Nodes of a computation graph, and the two passes over them: forward and backward.

A node holds its ``value``, the nodes it was computed from (``inputs``, in order) and, after
``backward()``, its ``grad``. In the lecture's notation ``z.grad`` is ``dz``: the derivative of
the final output with respect to ``z``.

The backward pass is ``chain_rule`` below, one short loop: visit the nodes output first, each
after every node that uses it; ask each for the gradients it sends its inputs (its op's local
derivatives times its own gradient); sum a gradient back to the shape of a broadcast input;
add up what a node receives from several users. The ops themselves are in ``ops.py``.

A graph runs again: ``L.forward()`` recomputes every value from the leaves' current values
(a changed leaf makes the graph stale until then: ``passes.py``). Speed is not this module's
business: ``ag.compile`` turns a graph into a program that runs fast; this one stays plain.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np

from autograd_lite import anomaly, pickling
from autograd_lite.errors import ShapeError, check_switch
from autograd_lite.naming import NodeNaming, checked_name
from autograd_lite.passes import (
    BackwardPass,
    Sent,
    check_current,
    check_gradient_count,
    clock_past,
    starting_gradient,
    tick,
)
from autograd_lite.values import (
    Value,
    as_output,
    as_value,
    copied,
    frozen,
    read_only,
    shape_of,
    unbroadcast,
)

Operand: TypeAlias = "Node | float | int | bool | np.ndarray | list"
"""What an operator or op accepts: a node, or numbers that become a ``Constant``."""

ENGINE_LOCK = threading.RLock()
"""One forward or backward pass at a time: a graph shared by threads is never half-updated."""


def as_node(data: Operand, what: str = "value") -> Node:
    """Return ``data`` if it is a node, else a ``Constant`` holding a copy of it."""
    return data if isinstance(data, Node) else Constant(data, what=what)


def dependencies(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each after its inputs, ``output`` itself last.

    An explicit stack, not recursion, so a chain of a million nodes is fine. Read backwards it
    is the backward pass's order, the first input's branch first: dL, da, dz, dw1, dx1, ...
    """
    order: list[Node] = []
    visited = {id(output)}  # ids: a node class may define == (and so no hash)
    stack: list[Any] = [(output,), *output.inputs]  # a node, or (node,) once its inputs are in
    while stack:
        node = stack.pop()
        if type(node) is tuple:
            order.append(node[0])
        elif id(node) not in visited:
            visited.add(id(node))
            stack += [(node,), *(x for x in node.inputs if id(x) not in visited)]
    return order


def require_current(output: Node, reader: str) -> None:
    """Raise ``StaleGraphError`` if a leaf of ``output``'s graph changed since it was computed."""
    check_current(output, reader, dependencies(output))


def topological_order(output: Node) -> list[Node]:
    """The nodes ``output``'s gradient reaches, each before all of its inputs (``output`` first).

    Nodes that depend on no ``Variable`` (constants, ops on constants only) are left out.
    """
    return [node for node in reversed(dependencies(output)) if node.requires_grad or node is output]


def chain_rule(output: Node, grad: Operand | None = None, *, fused: bool = True) -> list[Sent]:
    """The backward pass: set every node's ``grad`` from ``output`` back; return its steps.

    Each node, after every node that uses it, sends each input its gradient (the op's local
    derivative times its own); a gradient is summed back to a broadcast input's shape, and a
    node used several times adds up what it receives. ``fused`` as in ``Node.backward``.
    """
    graph = dependencies(output)
    check_current(output, f"{output.name or type(output).__name__}.backward()", graph)
    order = [node for node in reversed(graph) if node.requires_grad or node is output]
    this_pass = BackwardPass(output, fused)
    for node in order:
        node.grad, node.grad_pass = None, this_pass
    output.grad = starting_gradient(output, grad)
    kept: dict[int, list[Value]] = {}  # gradients a node records but does not send on (da)
    steps: list[Sent] = []
    for node in order:
        if node.grad is not None and node.inputs:
            send = node.send_gradients if fused else node.literal_gradients
            for k, (target, g, passes_on) in enumerate(send(node.grad)):
                if g is None or not target.requires_grad:
                    continue
                fitted = unbroadcast(as_output(g), target.shape, node, target)
                anomaly.check_gradient(node, target, fitted, passes_on)
                index = k if node.inputs[k : k + 1] == (target,) else None  # None: past them
                steps.append(Sent(node, target, index, fitted, node.grad,
                                  np.shape(g) != np.shape(fitted), passes_on))
                if passes_on:
                    target.receive(fitted)
                else:
                    kept.setdefault(id(target), []).append(fitted)
        for g in kept.pop(id(node), ()):  # added after the node has sent on what it received
            node.receive(g)
    this_pass.complete = True
    return steps


class Node(NodeNaming):
    """A box of the computation graph: a value, the inputs it came from, and its gradient.

    An op is a subclass. The built-in ones (``ops.Op``) state their formulas once, as code; a
    user's own op writes ``forward_step`` and ``backward_step`` (docs: adding an op).

    Attributes
    ----------
    value : float or numpy.ndarray
        A Python float for a scalar, a read-only float64 array otherwise.
    grad : float, numpy.ndarray or None
        After ``backward()`` on some output ``L``: ``dL/d(this node)``, in the shape of
        ``value`` (the lecture's ``dz`` is ``z.grad``), an array of its own. ``None`` before
        backward, and for nodes that no gradient reaches (constants).
    grad_pass : BackwardPass or None
        The ``backward()`` call that last set ``grad``.
    name : str or None
        What drawings, explanations and ``gradients()`` call the node.
    inputs : tuple of Node
        The nodes this one was computed from, in order. Empty for a leaf.
    requires_grad : bool
        Whether any ``Variable`` feeds this node, i.e. whether backward computes its gradient.
    stamp : int
        For a leaf, the tick when it was last given a value; for an op, the newest of its
        inputs' stamps when it was computed.
    """

    __slots__ = ("_value", "grad", "grad_pass", "_name", "inputs", "requires_grad", "stamp",
                 "__weakref__")

    def __init__(self, *inputs: Operand, name: str | None = None) -> None:
        op = type(self).__name__
        self.inputs = tuple(
            x if isinstance(x, Node) else Constant(x, what=f"{op} input {i}")
            for i, x in enumerate(inputs)
        )
        self._name = checked_name(name)
        self.requires_grad = any(x.requires_grad for x in self.inputs)
        self.grad = self.grad_pass = None
        self._compute()

    @property
    def value(self) -> Value:
        """This node's value: a float, or a read-only float64 array."""
        return self._value

    @value.setter
    def value(self, data: Any) -> None:
        raise AttributeError(
            f"{self.describe()} is an op: its value is computed from its inputs. Give a leaf a "
            f"new value (w.value = ...), then call forward() on the output"
        )

    # --- what a user's op writes ---------------------------------------------------------

    def forward_step(self, *values: Value) -> Value:
        """This node's value from its inputs' values."""
        kind = type(self).__name__
        if type(self).forward is not Node.forward:  # an op written before forward() re-ran graphs
            raise NotImplementedError(
                f"{kind} defines forward(); an op computes its value in forward_step(self, "
                f"*values) (Node.forward() re-runs a whole graph): rename it"
            )
        raise NotImplementedError(f"{kind} does not define forward_step")

    def backward_step(self, grad: Value) -> tuple[Value | None, ...]:
        """One step of the chain rule: given ``d(this node)``, return ``d(input)`` per input.

        A gradient may come back in the broadcast shape; the engine sums it to the input's
        shape. ``None`` means "no gradient for that input".
        """
        raise NotImplementedError(f"{type(self).__name__} does not define backward_step")

    def send_gradients(self, grad: Value) -> Iterable[tuple[Node, Any, bool]]:
        """``(target, gradient, passes_on)`` for each gradient this node sends back.

        By default each input receives what ``backward_step`` gives it. ``LogLoss`` on a
        ``Sigmoid`` sends ``dz = a − y`` straight to ``z`` and only records ``da`` in ``a``.
        """
        grads = self.backward_step(grad)
        check_gradient_count(self, grads)
        return [(x, g, True) for x, g in zip(self.inputs, grads, strict=True)]

    literal_gradients = send_gradients  # what backward_step gives, whatever an op overrides

    # --- the two passes --------------------------------------------------------------------

    def _compute(self) -> None:
        try:
            value = as_output(self.forward_step(*[x.value for x in self.inputs]))
        except ValueError as error:
            if type(error) is not ValueError:  # an op's own error (ShapeError ...) as it is
                raise
            raise ShapeError(  # numpy's broadcasting and matmul errors
                f"{type(self).__name__} cannot combine its inputs {self.describe_inputs()}: "
                f"{error}"
            ) from error
        self._value = frozen(value, (type(self).__name__, self._name))
        self.stamp = max((x.stamp for x in self.inputs), default=0)
        if anomaly.enabled() and not anomaly.is_finite(value):
            anomaly.report_non_finite_value(self)

    def forward(self) -> Value:
        """Recompute this node and every node it depends on from the leaves' current values.

        Run it after changing a leaf (``w.value = ...``), then ``backward()``: the graph is
        built once and run again, as a training loop does. Without recursion.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> u, v = ag.Variable(3.0, name="u"), ag.Variable(4.0, name="v")
        >>> p = (u * v).named("p")
        >>> u.value = 100.0
        >>> p.forward()
        400.0
        """
        with ENGINE_LOCK:
            for node in dependencies(self):
                if node.inputs:
                    node._compute()
        return self.value

    def backward(self, grad: Operand | None = None, *, fused: bool = True) -> None:
        """Run the chain rule from this node back to every node it depends on.

        Fills ``.grad`` of every node on the way (``z.grad`` is the lecture's ``dz``). Without
        ``grad`` this node must be a scalar, and ``dL/dL = 1`` starts the pass; otherwise
        ``grad`` is the gradient of this node, in its exact shape. Each call computes the
        gradients afresh (twice gives the same numbers, never double). A leaf changed since the
        graph was computed is a ``StaleGraphError`` naming it: call ``forward()`` first.

        ``fused=False`` runs the chain rule literally, each op through its own backward: a log
        loss on a sigmoid then sends ``da`` to ``a``, and ``a`` sends ``dz = da · a(1 − a)``,
        instead of the lecture's simplification ``dz = a − y`` (see the numerics page).

        One pass runs at a time: a graph used from several threads is safe, each pass whole.
        """
        check_switch(fused, "backward: fused")
        with ENGINE_LOCK:
            chain_rule(self, grad, fused=bool(fused))

    def receive(self, g: Value) -> None:
        """Add a gradient this node receives: out of place, so no two nodes share an array."""
        self.grad = copied(g) if self.grad is None else self.grad + g

    # --- reading a graph (``gradients()`` is bound in ``notation``, by the names drawn) ------

    def named(self, name: str) -> Node:
        """Set ``name`` and return the node, to name a node where it is built."""
        self.name = name
        return self

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``value``: ``()`` for a scalar."""
        return shape_of(self.value)

    @property
    def ndim(self) -> int:
        """The number of axes of ``value``."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """The number of entries of ``value``."""
        return math.prod(self.shape)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return pickling.reduce(self, dependencies)  # flat, for a graph of any depth

    def __setstate__(self, state: dict[str, Any]) -> None:
        pickling.restore(self, state, clock_past)

class _Leaf(Node):
    """What ``Variable`` and ``Constant`` share: a value set by assignment, and noticed."""

    __slots__ = ("_what",)

    def __init__(self, value: Any, name: str | None, what: str, requires_grad: bool) -> None:
        self.inputs = ()
        self._name = checked_name(name)
        self.requires_grad = requires_grad
        self.grad = self.grad_pass = None
        self._what = what  # the constructor's words for it, which assignment's messages reuse
        self.value = value

    @property
    def value(self) -> Value:
        """The leaf's value: a float, or a read-only float64 array of its own.

        Assigning converts, checks and copies as the constructor does, and marks every graph
        built on this leaf stale until its ``forward()`` runs.
        """
        return self._value

    @value.setter
    def value(self, data: Any) -> None:
        value = as_value(data, self._what, copy=False)
        self._value = value if type(value) is float else read_only(value, self.describe())
        self.stamp = tick()


class Variable(_Leaf):
    """A leaf whose gradient ``backward()`` computes: a parameter (``w``, ``b``) or an input.

    The value is copied (integers and bools become float64). Update it between steps, as
    gradient descent does: ``w.value = w.value - alpha * w.grad``, then ``L.forward()``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w1 = ag.Variable(0.5, name="w1")
    >>> w1
    Variable(name='w1', value=0.5)
    """

    __slots__ = ()

    def __init__(self, value: Any, name: str | None = None) -> None:
        what = f"Variable {name!r}" if isinstance(name, str) else "Variable"
        super().__init__(value, name, what, requires_grad=True)


class Constant(_Leaf):
    """A leaf that ``backward()`` does not differentiate: data such as ``X`` and ``y``.

    Numbers and arrays given to an operator or op become constants; the value is copied, so
    changing the original array afterwards cannot change the graph. Its value can be replaced,
    like a variable's (``x.value = next_example``), to run the same graph on new data.
    """

    __slots__ = ()

    def __init__(self, value: Any, name: str | None = None, *, what: str | None = None) -> None:
        if what is None:
            what = f"Constant {name!r}" if isinstance(name, str) else "Constant"
        super().__init__(value, name, what, requires_grad=False)
