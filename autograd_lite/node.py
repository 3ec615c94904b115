"""Nodes of a computation graph, and the two passes over them: forward and backward.

A node holds its ``value``, the nodes it was computed from (``inputs``, in order) and, after
``backward()``, its ``grad``. In the lecture's notation ``z.grad`` is ``dz``: the derivative of
the final output with respect to ``z``.

The backward pass is ``chain_rule`` below, one short loop: visit the nodes output first, each
after every node that uses it; ask each for the gradients it sends its inputs (its op's local
derivatives times its own gradient); sum a gradient back to the shape of a broadcast input;
add up what a node receives from several users. The ops themselves are in ``ops.py``.

A graph runs again: ``L.forward()`` recomputes every value from the leaves' current values.
Each leaf change takes a tick of one clock, and every node carries the newest tick its value was
computed from (its ``stamp``); a node whose input has a newer stamp is *stale*, and backward
refuses to read it. Speed is not this module's business: ``ag.compile`` turns a graph into a
program that runs fast; this interpreter stays plain.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple, TypeAlias

import numpy as np

from autograd_lite import anomaly, pickling
from autograd_lite.errors import ShapeError, StaleGraphError
from autograd_lite.values import (
    Value,
    as_output,
    as_value,
    frozen,
    read_only,
    shape_of,
    unbroadcast,
)

Operand: TypeAlias = "Node | float | int | bool | np.ndarray | list"
"""What an operator or op accepts: a node, or numbers that become a ``Constant``."""

_clock = itertools.count(1)
"""Ticks: every leaf change and every backward pass takes the next one."""

ENGINE_LOCK = threading.RLock()
"""One forward or backward pass at a time: a graph shared by threads is never half-updated."""


def tick() -> int:
    """The next tick of the clock."""
    return next(_clock)


def clock_past(stamp: int) -> None:
    """Move the clock past ``stamp``: stamps loaded from a pickle came from another clock."""
    global _clock
    now = next(_clock)
    if now <= stamp:
        _clock = itertools.count(stamp + 1)


def as_node(data: Operand, what: str = "value") -> Node:
    """Return ``data`` if it is a node, else a ``Constant`` holding a copy of it."""
    return data if isinstance(data, Node) else Constant(data, what=what)


def checked_name(name: Any) -> str | None:
    """``name`` if it is a string or ``None``; a ``TypeError`` otherwise."""
    if name is not None and not isinstance(name, str):
        kind = type(name).__name__
        raise TypeError(f"a node's name must be a string or None, got {kind} {name!r}")
    return name


class Sent(NamedTuple):
    """One step of the chain rule: ``source`` sends ``gradient`` to ``target``.

    ``index`` is the target's position among the source's inputs, or ``None`` for a gradient
    sent past them (``LogLoss``'s ``dz = a − y`` to the logit). ``upstream`` is the source's own
    gradient. ``summed`` says the raw gradient had a broadcast shape and was summed to the
    target's. ``passes_on`` is false for a gradient that is only recorded in ``target.grad``
    (``da`` when the loss sends ``dz`` straight to ``z``): the target does not send it on.
    """

    source: Node
    target: Node
    index: int | None
    gradient: Value
    upstream: Value
    summed: bool
    passes_on: bool


class BackwardPass:
    """One call of ``backward()``: ``output`` names the node it ran from.

    Every node it reaches holds it as ``grad_pass``, so gradients from two passes are never read
    as one. ``tick`` is the clock when it ran; ``complete`` turns true when it reached every
    node; ``fused`` says whether the loss sent ``dz = a − y`` straight to the logit. The output
    is held weakly: a reference back from every node would make each graph a cycle.
    """

    __slots__ = ("complete", "fused", "origin", "output", "tick")

    def __init__(self, output: Node | None, name: str, fused: bool = True) -> None:
        self.output = name
        self.origin = weakref.ref(output) if output is not None else None
        self.tick = tick()
        self.complete = False
        self.fused = fused

    def started_from(self, node: Node) -> bool:
        """Whether this pass ran from ``node`` (``node.backward()``)."""
        return self.origin is not None and self.origin() is node and node.grad_pass is self

    def __reduce__(self) -> Any:  # a weak reference does not pickle; the node itself does
        origin = self.origin() if self.origin is not None else None
        return (_restored_pass, (origin, self.output, self.tick, self.complete, self.fused))

    def __repr__(self) -> str:
        return f"BackwardPass(output={self.output!r})"


def _restored_pass(origin: Any, name: str, stamp: int, complete: bool, fused: bool) -> Any:
    clock_past(stamp)
    restored = BackwardPass(origin, name, fused)
    restored.tick, restored.complete = stamp, complete
    return restored


def fitted_gradient(sender: Node, target: Node, g: Any) -> Value:
    """``g`` as ``target``'s gradient: a float, or a float64 array summed to its shape."""
    try:
        return unbroadcast(as_output(g), target.shape)
    except ShapeError as error:
        raise ShapeError(
            f"{sender.describe()}: backward_step returned a gradient that does not fit its "
            f"input {target.describe()} of shape {target.shape}: {error}"
        ) from None


def dependencies(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each after its inputs, ``output`` itself last.

    An explicit stack, not recursion, so a chain of a million nodes is fine. Read backwards it
    is the backward pass's order, the first input's branch first: dL, da, dz, dw1, dx1, ...
    """
    order: list[Node] = []
    visited = {id(output)}  # ids: a node class may define == (and so no hash)
    stack: list[Any] = [(output,), *output.inputs]  # a node, or (node,) once expanded
    while stack:
        node = stack.pop()
        if type(node) is tuple:  # all its inputs are in ``order`` now
            order.append(node[0])
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node,))
            stack.extend(x for x in node.inputs if id(x) not in visited)
    return order


def topological_order(output: Node) -> list[Node]:
    """The nodes ``output``'s gradient reaches, each before all of its inputs (``output`` first).

    Nodes that depend on no ``Variable`` (constants, ops on constants only) are left out.
    """
    return [node for node in reversed(dependencies(output)) if node.requires_grad or node is output]


def chain_rule(output: Node, grad: Operand | None = None, *, fused: bool = True) -> list[Sent]:
    """Run the chain rule from ``output``, setting every node's ``grad``; return its steps.

    This is the backward pass, the one place it is computed. ``fused`` as in ``Node.backward``.
    """
    require_current(output, f"{output.label}.backward()")
    order = topological_order(output)
    this_pass = BackwardPass(output, output.label, fused)
    for node in order:
        node.grad, node.grad_pass = None, this_pass
    output.grad = output.seed(grad)
    recorded: dict[int, list[Value]] = {}  # gradients a node keeps but does not send on
    check = anomaly.enabled()
    steps: list[Sent] = []
    for node in order:
        upstream = node.grad
        if upstream is not None and node.inputs:
            sends = node.send_gradients(upstream) if fused else Node.send_gradients(node, upstream)
            for index, (target, g, passes_on) in enumerate(sends):
                if g is None or not target.requires_grad:
                    continue
                fitted = fitted_gradient(node, target, g)
                if check and not anomaly.is_finite(fitted) and passes_on:
                    anomaly.report_non_finite_gradient(node, target, fitted, upstream)
                summed = np.shape(g) != shape_of(fitted)
                at = index if index < len(node.inputs) and node.inputs[index] is target else None
                steps.append(Sent(node, target, at, fitted, upstream, summed, passes_on))
                if passes_on:
                    target.receive(fitted)
                else:
                    recorded.setdefault(id(target), []).append(fitted)
        for g in recorded.pop(id(node), ()):  # added after the node has sent on what it got
            node.receive(g)
    this_pass.complete = True
    return steps


def require_current(output: Node, reader: str) -> None:
    """Raise ``StaleGraphError`` if a leaf of ``output``'s graph changed since it was computed."""
    graph = dependencies(output)
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


def require_one_backward_pass(nodes: Iterable[Node], reader: str) -> None:
    """Raise if the gradients of ``nodes`` do not belong to one complete, current pass."""
    first: Node | None = None
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


class Node:
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

    @property
    def name(self) -> str | None:
        """What drawings, explanations and ``gradients()`` call this node (a string or None)."""
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        self._name = checked_name(name)

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
        if type(grads) not in (tuple, list) or len(grads) != len(self.inputs):
            count = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
            raise TypeError(
                f"{type(self).__name__}.backward_step returned {count} gradient(s) for its "
                f"{len(self.inputs)} input(s); return a tuple with one gradient per input "
                f"(None for an input that needs none)"
            )
        return [(x, g, True) for x, g in zip(self.inputs, grads)]

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
        self._value = frozen(value, self.describe())
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
        if not isinstance(fused, (bool, np.bool_)):
            raise TypeError(f"{self.label}.backward: fused must be True or False, got {fused!r}")
        with ENGINE_LOCK:
            chain_rule(self, grad, fused=bool(fused))

    def seed(self, grad: Operand | None) -> Value:
        """The gradient the backward pass starts from: 1 for a scalar, or ``grad`` checked."""
        if grad is None:
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

    def receive(self, g: Value) -> None:
        """Add a gradient this node receives: out of place, so no two nodes share an array."""
        if self.grad is None:
            self.grad = g.copy() if type(g) is np.ndarray else g
        else:
            self.grad = self.grad + g

    # --- reading a graph -------------------------------------------------------------------

    def gradients(self) -> dict[str, Value]:
        """The gradients of this graph's named nodes, by the lecture's names, output first.

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
        reader = f"{self.describe()}.gradients()"
        require_current(self, reader)
        order = topological_order(self)
        require_one_backward_pass(order, reader)
        found: dict[str, Value] = {}
        owners: dict[str, Node] = {}
        for node in order:
            if node.name is None or node.grad is None:
                continue
            key = "d" + node.name
            if owners.setdefault(key, node) is not node:
                raise ValueError(
                    f"two different nodes are named {node.name!r} ({owners[key].describe()} "
                    f"and {node.describe()}); give them distinct names"
                )
            found[key] = node.grad
        return found

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
        return int(np.prod(self.shape))

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

    def __reduce_ex__(self, protocol: Any) -> Any:
        return pickling.reduce(self, dependencies)  # flat, for a graph of any depth

    def __setstate__(self, state: dict[str, Any]) -> None:
        pickling.restore(self, state, clock_past)

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}"] if self.name is not None else []
        parts.append(f"value={anomaly.summary(self.value)}")
        if self.grad is not None:
            parts.append(f"grad={anomaly.summary(self.grad)}")
        return f"{type(self).__name__}({', '.join(parts)})"


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
