"""Nodes of a computation graph, and the two passes over them: forward and backward.

A node holds its ``value``, the nodes it was computed from (``inputs``, in order) and, after
``backward()``, its ``grad``. In the lecture's notation ``z.grad`` is ``dz``: the derivative
of the final output with respect to ``z``.

Every op (``Add``, ``Sigmoid``, ``LogLoss`` ... in ``ops.py``) is a small subclass that writes
only two things, side by side: ``forward_step`` (its value from its inputs' values) and
``backward_step`` (its inputs' gradients from its own). Everything else lives here, once:
turning numbers and arrays into leaves, shape errors that name the nodes, summing a gradient
back to the shape of a broadcast input, accumulating where a node feeds several others, and
visiting the nodes in an order where each comes after every node that uses it.

A graph is a program that runs again: ``L.forward()`` recomputes every value from the leaves'
current values, ``L.backward()`` then runs the chain rule on them. Each leaf change takes a
tick of one clock, and every node carries the newest tick its value was computed from (its
``stamp``); a node whose input has a newer stamp than its own is *stale*, and backward refuses
to read it.
"""

from __future__ import annotations

import copyreg
import itertools
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, NamedTuple, TypeAlias

import numpy as np

from autograd_lite import anomaly
from autograd_lite.errors import ShapeError, StaleGraphError
from autograd_lite.values import (
    LeafValue,
    Value,
    as_output,
    as_value,
    may_share,
    read_only,
    shape_of,
    unbroadcast,
)

Operand: TypeAlias = "Node | float | int | bool | np.ndarray | list"
"""What an operator or op accepts: a node, or numbers that become a ``Constant``."""

_clock = itertools.count(1)
"""Ticks: every leaf change and every backward pass takes the next one."""


def _clock_past(tick: int) -> None:
    """Move the clock past ``tick``: stamps loaded from a pickle came from another clock."""
    global _clock
    now = next(_clock)
    if now <= tick:
        _clock = itertools.count(tick + 1)


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


def as_node(data: Operand, what: str = "value") -> Node:
    """Return ``data`` if it is a node, else a ``Constant`` holding a copy of it."""
    return data if isinstance(data, Node) else Constant(data, what=what)


def _checked_name(name: Any) -> str | None:
    if name is not None and not isinstance(name, str):
        kind = type(name).__name__
        raise TypeError(f"a node's name must be a string or None, got {kind} {name!r}")
    return name


def _label(node: Node) -> str:
    return node.name or type(node).__name__


def require_one_backward_pass(nodes: Iterable[Node], reader: str) -> None:
    """Raise if the gradients of ``nodes`` do not belong together with each other and the values.

    ``w`` used by two losses holds ``dL2/dw`` after ``L2.backward()``; read next to ``dL1``'s other
    gradients, it would look like part of ``L1``'s: a ``RuntimeError``. ``L.forward()`` after
    ``L.backward()`` gives new values, and the gradients are the old values' until backward runs
    again: a ``StaleGraphError``. ``reader`` names who asks, for the message.
    """
    first: Node | None = None
    for node in nodes:
        grad_pass = node.grad_pass
        if node._grad is None or grad_pass is None:
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
        elif node.grad_pass is not first.grad_pass:
            raise RuntimeError(
                f"{reader}: the gradients here come from different backward passes: "
                f"{_label(first)}'s from {first.grad_pass.output}.backward(), "
                f"{_label(node)}'s from {node.grad_pass.output}.backward(); call "
                f"backward() again on the output whose gradients you want, then read them"
            )


def require_current(output: Node, reader: str) -> None:
    """Raise ``StaleGraphError`` if a leaf of ``output``'s graph changed since it was computed.

    A node is current when it was computed after every one of its inputs last changed; the
    check compares the stamps along every edge. ``reader`` names who asks, for the message.
    """
    stale = output._stale_edge()
    if stale is not None:
        x, node = stale
        # A tick belongs to one assignment: the leaf with x's stamp is the one that changed.
        changed = next(
            (leaf for leaf in output._orders()[0] if leaf.stamp == x.stamp and not leaf.inputs),
            x,
        )
        name = output.name or "output"
        raise StaleGraphError(
            f"{reader}: {changed.describe()} was given a new value after {node.describe()} "
            f"was computed, so the graph's values are out of date; call {name}.forward() "
            f"to recompute them from the leaves (or build the graph again)"
        )


class BackwardPass:
    """One call of ``backward()``: ``output`` names the node it ran from.

    Each node a pass visits holds it as ``grad_pass``; two nodes hold the same one exactly when
    their gradients belong together. ``tick`` is the clock when the pass ran, so a value
    recomputed after it is known to be newer than its gradient. ``complete`` turns true when
    the walk has visited every node (a pass an error stopped leaves some gradients unset). The
    node it ran from is held weakly: a reference back to the output from every node would make
    every graph a cycle.
    """

    __slots__ = ("complete", "fused", "origin", "output", "tick")

    def __init__(
        self, output: Node | None, name: str, tick: int | None = None, fused: bool = True
    ) -> None:
        self.output = name
        self.origin = weakref.ref(output) if output is not None else None
        self.tick = next(_clock) if tick is None else tick
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


def _restored_pass(
    origin: Node | None, name: str, tick: int, complete: bool, fused: bool = True
) -> BackwardPass:
    _clock_past(tick)
    restored = BackwardPass(origin, name, tick, fused)
    restored.complete = complete
    return restored


def fitted_gradient(sender: Node | str, target: Node, g: Any) -> Value:
    """The gradient ``sender`` sends ``target``, as the engine stores it.

    A float, or a float64 array in the target's shape (summed over the axes broadcasting
    added); a gradient that cannot be brought to that shape is a ``ShapeError`` naming both
    (``sender`` a node, or its description).
    """
    try:
        return unbroadcast(as_output(g), target.shape)
    except ShapeError as error:
        who = sender if isinstance(sender, str) else sender.describe()
        raise ShapeError(
            f"{who}: backward_step returned a gradient that does not fit its "
            f"input {target.describe()} of shape {target.shape}: {error}"
        ) from None


class Deferred:
    """A gradient recorded but passed on to nothing, so computed only when it is read.

    ``LogLoss`` on a ``Sigmoid`` sends ``dz = a − y`` straight to ``z``; the ``da`` it gives
    ``a`` is one of these. ``compute`` holds the numbers it needs, not the nodes (``a`` holds
    this, so a node in it would make a cycle that outlives the graph). ``watched`` are the
    nodes whose arrays those numbers are: if one was recomputed since, the numbers are a later
    pass's, and it refuses. They are held weakly; a node gone can no longer be recomputed.
    """

    __slots__ = ("compute", "sender", "watched")

    def __init__(self, compute: Callable[[], Any], sender: Node, watched: tuple[Node, ...]):
        self.compute = compute
        self.sender = (type(sender).__name__, sender.name)  # for a message; not the node
        self.watched = [(weakref.ref(node), node.stamp) for node in watched]

    def value(self, target: Node) -> Value:
        """Compute the gradient for ``target`` now."""
        for ref, stamp in self.watched:
            node = ref()
            if node is not None and node.stamp != stamp:
                raise StaleGraphError(
                    f"d{_label(target)} belongs to a backward pass whose values have been "
                    f"recomputed since; call backward() again, then read it"
                )
        kind, name = self.sender
        return fitted_gradient(f"{kind} {name!r}" if name else kind, target, self.compute())


class _Pending:
    """A node's gradient with deferred parts: what it received, plus what is computed on read."""

    __slots__ = ("held", "passed")

    def __init__(self, passed: Value | None, held: list[Any]) -> None:
        self.passed = passed
        self.held = held

    def resolve(self, node: Node) -> Value:
        extra = None
        for part in self.held:
            g = part.value(node) if type(part) is Deferred else part
            extra = g if extra is None else extra + g
        return extra if self.passed is None else self.passed + extra


class Sent(NamedTuple):
    """One step of the chain rule: ``source`` sends ``gradient`` to ``target``.

    ``index`` is the target's position among the source's inputs, or ``None`` for a gradient
    sent past them (``LogLoss``'s ``dz = a − y`` to the logit). ``upstream`` is the source's
    own gradient. ``summed`` says the raw gradient had a broadcast shape and was summed to the
    target's. ``passes_on`` is false for a gradient that is only recorded (``gradient`` is then
    a ``Deferred``, computed when read).
    """

    source: Node
    target: Node
    index: int | None
    gradient: Any
    upstream: Value
    summed: bool
    passes_on: bool


def chain_rule(output: Node, grad: Operand | None = None, *, fused: bool = True) -> list[Sent]:
    """Run the chain rule from ``output``, setting every node's ``grad``; return its steps.

    The steps are what ``explain()`` narrates: one ``Sent`` per gradient, in the order they
    were sent. ``backward()`` runs the same walk without keeping them. ``fused`` as in
    ``Node.backward``.
    """
    steps: list[Sent] = []
    _walk_chain_rule(output, grad, steps.append, fused)
    return steps


def _walk_chain_rule(
    output: Node, grad: Operand | None, record: Callable[[Sent], Any] | None, fused: bool = True
) -> None:
    """The one place the backward pass is computed.

    Nodes are visited output first, each after every node that uses it; a node that feeds
    several others adds up what they send. ``record``, if given, receives every step.
    Unfused, every node sends what its own ``backward_step`` gives (``Node.send_gradients``),
    so no op takes a shortcut past its inputs.
    """
    if output._stale_edge() is not None:
        require_current(output, f"{_label(output)}.backward()")
    backward_order = output._orders()[1]
    seed = output._seed(grad)
    # A token, not the output itself: a reference from every node back to the output would
    # make each graph a cycle that outlives its step until the garbage collector runs.
    this_pass = BackwardPass(output, _label(output), fused=fused)
    for node in backward_order:
        node._grad = None
        node.grad_pass = this_pass
    output._grad = seed
    output.grad_pass = this_pass
    held: dict[int, list[Any]] = {}  # gradients recorded but not passed on (see send_gradients)
    check = anomaly.enabled()
    for node in itertools.chain((output,), backward_order):
        upstream = node._grad
        if held and id(node) in held:
            node._grad = _Pending(upstream, held.pop(id(node)))
        inputs = node.inputs
        if upstream is None or not inputs:
            continue
        sent: list[np.ndarray] | None = None  # the arrays this node has sent so far
        sends = node.send_gradients(upstream) if fused else Node.send_gradients(node, upstream)
        for k, (target, g, passes_on) in enumerate(sends):
            if g is None or not target.requires_grad:
                continue
            if not passes_on:
                held.setdefault(id(target), []).append(g)
                if record is not None:
                    index = k if k < len(inputs) and inputs[k] is target else None
                    record(Sent(node, target, index, g, upstream, False, False))
                continue
            raw = g
            kind = type(g)
            if kind is float:
                if type(target.value) is not float:
                    g = fitted_gradient(node, target, g)
            elif kind is not np.ndarray or g.dtype != np.float64 or g.shape != target.shape:
                g = fitted_gradient(node, target, g)
            if type(g) is not float:
                # No two nodes may share a gradient array: a step may hand back its upstream
                # gradient itself (Add), a view of it, or one array twice.
                if may_share(g, upstream) or (sent and any(may_share(g, s) for s in sent)):
                    g = target._copy_of(g)
                if sent is None:
                    sent = [g]
                else:
                    sent.append(g)
            if check and not anomaly.is_finite(g):
                anomaly.report_non_finite_gradient(node, target, g, upstream)
            before = target._grad
            target._grad = g if before is None else before + g
            if record is not None:
                index = k if k < len(inputs) and inputs[k] is target else None
                summed = np.shape(raw) != shape_of(g)
                record(Sent(node, target, index, g, upstream, summed, True))
    this_pass.complete = True


def topological_order(output: Node) -> list[Node]:
    """The nodes ``output``'s gradient reaches, each before all of its inputs (``output`` first).

    Nodes that do not depend on any ``Variable`` (constants, and ops on constants only) are
    left out: no gradient flows into them. The order is the backward pass's: the first input's
    branch first, so the lecture's graph goes dL, da, dz, dw1, dx1, dw2, dx2, db.
    """
    return [output, *output._orders()[1]]


def _walk(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each after its inputs, ``output`` itself left out.

    An explicit stack instead of recursion, so a chain of a million nodes is fine; inputs are
    pushed in their tuple order, so the last input is expanded first and, read backwards, the
    first input's branch comes first. The order is the same on every run.
    """
    order: list[Node] = []
    visited: set[int] = {id(output)}  # ids: a node class may define == (and so no hash)
    stack: list[Node | tuple[Node]] = list(output.inputs)  # a node, or (node,) once expanded
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
            for parent in node.inputs:
                if id(parent) not in visited:
                    stack.append(parent)
    return order


class Node:
    """A box of the computation graph: a value, the inputs it came from, and its gradient.

    Subclasses (ops) set the class attributes ``symbol``, ``formula``, ``gradient_formulas``
    and ``local_derivatives`` (the lecture's formulas, with ``{out}`` for this node and
    ``{0}``, ``{1}`` for its inputs) and write ``forward_step`` and ``backward_step``.

    Attributes
    ----------
    value : float or numpy.ndarray
        A Python float for a scalar, a float64 array otherwise. ``forward()`` writes a new
        value into the same array when the shape is unchanged: copy it to keep it.
    grad : float, numpy.ndarray or None
        After ``backward()`` on some output ``L``: ``dL/d(this node)``, in the shape of
        ``value`` (the lecture's ``dz`` is ``z.grad``). ``None`` before backward, and for
        nodes that no gradient reaches (constants). Like values, gradient arrays may be
        rewritten in place by the next pass. Reading ``.grad`` or ``.value`` directly is not
        checked against later changes of the leaves; ``gradients()``, drawing and explaining
        are, and refuse what is out of date.
    grad_pass : BackwardPass or None
        The ``backward()`` call that last set ``grad`` (it names ``L`` above), so gradients
        from two different backward passes are never read as one.
    name : str or None
        What drawings, explanations and ``gradients()`` call the node; settable.
    inputs : tuple of Node
        The nodes this one was computed from, in order. Empty for a leaf.
    requires_grad : bool
        Whether any ``Variable`` feeds this node, i.e. whether backward computes its gradient.
    stamp : int
        Which data the value reflects: for a leaf, the tick of the clock when it was last given
        a value; for an op, the newest of its inputs' stamps when it was computed. An op whose
        input's stamp is newer than its own is stale.
    """

    __slots__ = (
        "value",
        "_grad",
        "grad_pass",
        "name",
        "inputs",
        "requires_grad",
        "stamp",
        "_orders_cache",
        "_edges_cache",
        "_copy_buffer",
        "__weakref__",
    )

    # numpy defers to our reflected operators, so ``X @ w`` and ``X * w`` build nodes; so does
    # pandas, to an object of a higher priority than its own (a DataFrame's is 4000), so
    # ``df * w`` reads the frame's numbers as they are laid out. (``__array_priority__`` would
    # add nothing: numpy reads it only for a class that does not set ``__array_ufunc__``.)
    __array_ufunc__ = None
    __pandas_priority__ = 5000

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Refused: numpy or pandas reading a node as numbers would compute past the graph.

        Asked for objects (``np.array([x, z], dtype=object)``), a node is itself, as before.
        """
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
        self._start(inputs, name, any(x.requires_grad for x in inputs))
        self.value = None  # no buffer to reuse yet
        self.stamp = 0
        self._compute(anomaly.enabled())

    def _start(self, inputs: tuple[Node, ...], name: str | None, requires_grad: bool) -> None:
        """Set what every node has before its first value: inputs, name, no gradient yet."""
        self.inputs = inputs
        self.name = _checked_name(name)
        self.requires_grad = requires_grad
        self._grad: Value | None = None
        self.grad_pass: BackwardPass | None = None
        self._orders_cache = self._edges_cache = self._copy_buffer = None

    # --- what each op writes -------------------------------------------------------------

    def forward_step(self, *values: Value) -> Value:
        """This node's value from its inputs' values.

        ``self.value`` still holds the previous run's value: an op may write the new one into
        it (numpy's ``out=``, through ``reusable``) instead of allocating.
        """
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
        shape. ``None`` means "no gradient for that input" (e.g. a constant).
        """
        raise NotImplementedError(f"{type(self).__name__} does not define backward_step")

    def send_gradients(self, grad: Value) -> Iterable[tuple[Node, Any, bool]]:
        """``(target, gradient, passes_on)`` for each gradient this node sends back.

        By default each input receives what ``backward_step`` gives it, and passes it on.
        ``LogLoss`` after a ``Sigmoid`` overrides this to send ``dz = a − y`` straight to
        ``z``; the ``da`` it gives ``a`` is then recorded in ``a.grad`` but not passed on again
        (``passes_on=False``), so ``dz`` is never ``∞ · 0`` when ``a`` saturates.
        """
        grads = self.backward_step(grad)
        inputs = self.inputs
        if type(grads) not in (tuple, list) or len(grads) != len(inputs):
            count = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
            raise TypeError(
                f"{type(self).__name__}.backward_step returned {count} gradient(s) for its "
                f"{len(inputs)} input(s); return a tuple with one gradient per input (None "
                f"for an input that needs none)"
            )
        return zip(inputs, grads, itertools.repeat(True))

    # --- the two passes --------------------------------------------------------------------

    def _compute(self, check: bool) -> None:
        stamp = 0
        for x in self.inputs:  # the newest data this value is computed from
            if x.stamp > stamp:
                stamp = x.stamp
        try:
            value = self.forward_step(*[x.value for x in self.inputs])
            if type(value) is not float and type(value) is not np.ndarray:
                value = as_output(value)
            elif type(value) is np.ndarray and (value.ndim == 0 or value.dtype != np.float64):
                value = as_output(value)
        except ValueError as error:
            if type(error) is not ValueError:  # an op's own error (ShapeError ...) as it is
                raise
            raise ShapeError(  # numpy's broadcasting and matmul errors
                f"{type(self).__name__} cannot combine its inputs {self.describe_inputs()}: "
                f"{error}"
            ) from error
        self.value = value
        self.stamp = stamp
        if check and not anomaly.is_finite(value):
            anomaly.report_non_finite_value(self)

    def _orders(self) -> tuple[list[Node], list[Node]]:
        """(every node this one depends on, inputs first; the backward pass's order after it).

        Built once per output and kept: a node's inputs never change, so neither do these.
        Neither list holds the node itself, so keeping them makes no reference cycle.
        """
        cached = self._orders_cache
        if cached is None:
            forward_order = _walk(self)
            backward_order = [node for node in reversed(forward_order) if node.requires_grad]
            cached = self._orders_cache = (forward_order, backward_order)
        return cached

    def _stale_edge(self) -> tuple[Node, Node] | None:
        """An (input, node) pair of the graph whose input is newer than the node, if any."""
        edges = self._edges_cache
        if edges is None:  # kept like the orders; it does not hold the node itself
            edges = self._edges_cache = [
                (x, node) for node in self._orders()[0] for x in node.inputs
            ]
        for x, node in edges:
            if x.stamp > node.stamp:
                return x, node
        stamp = self.stamp
        for x in self.inputs:
            if x.stamp > stamp:
                return x, self
        return None

    def forward(self) -> Value:
        """Recompute this node and every node it depends on from the leaves' current values.

        Run it after changing a leaf (``w.value = ...``, a ``Constant``'s new data), then
        ``backward()``: the graph is built once and run again, as a training loop does. Nodes
        are visited each after its inputs, without recursion. Values are written into the
        arrays they already have when the shape is unchanged, so copy a value to keep it.

        Returns
        -------
        float or numpy.ndarray
            This node's new value.

        Examples
        --------
        >>> import autograd_lite as ag
        >>> u, v = ag.Variable(3.0, name="u"), ag.Variable(4.0, name="v")
        >>> p = (u * v).named("p")
        >>> u.value = 100.0
        >>> p.forward()
        400.0
        >>> p.backward()
        >>> u.grad, v.grad
        (4.0, 100.0)
        """
        check = anomaly.enabled()
        for node in self._orders()[0]:
            if node.inputs:
                node._compute(check)
        if self.inputs:
            self._compute(check)
        return self.value

    def backward(self, grad: Operand | None = None, *, fused: bool = True) -> None:
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

        A leaf changed since the graph was computed makes it stale: backward raises
        ``StaleGraphError`` naming the leaf; call ``forward()`` first.

        ``fused=False`` runs the chain rule literally, each op through its own
        ``backward_step``: a log loss on a sigmoid then sends ``da`` to ``a``, and ``a`` sends
        ``dz = da · a(1 − a)``, instead of the lecture's simplification ``dz = a − y`` sent
        straight to ``z``. Where ``a`` rounds to 0 or 1 that product loses its digits (or is
        ``∞ · 0``): see the numerics page. The pass records which way it ran (``grad_pass``).
        """
        if not isinstance(fused, (bool, np.bool_)):
            raise TypeError(f"{_label(self)}.backward: fused must be True or False, got {fused!r}")
        _walk_chain_rule(self, grad, None, bool(fused))

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

    def _copy_of(self, g: np.ndarray) -> np.ndarray:
        """A copy of ``g`` to be this node's own gradient, in the array kept from the last pass.

        A later gradient the node receives needs no copy: it is added to what the node holds
        out of place, into a new array (writing it into the kept array would lose the first).
        """
        if self._grad is not None:
            return g
        buffer = self._copy_buffer
        if type(buffer) is not np.ndarray or buffer.shape != g.shape:
            buffer = self._copy_buffer = np.empty(g.shape)
        np.copyto(buffer, g)
        return buffer

    @property
    def grad(self) -> Value | None:
        """``dL/d(this node)`` after ``L.backward()``; see the class docstring."""
        g = self._grad
        if type(g) is _Pending:
            g = self._grad = g.resolve(self)
        elif type(g) is np.ndarray and not g.flags.writeable:
            # One number for every entry (a sum's or mean's gradient is a broadcast view, no
            # array of the input's size): made an array of its own when you read it.
            g = self._grad = np.array(g)
        return g

    @grad.setter
    def grad(self, value: Value | None) -> None:
        self._grad = value

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
        if self._grad is None:
            raise RuntimeError(f"{self.describe()} has no gradient yet: call backward() first")
        reader = f"{self.describe()}.gradients()"
        require_current(self, reader)
        order = topological_order(self)
        require_one_backward_pass(order, reader)
        found: dict[str, Value] = {}
        owners: dict[str, Node] = {}
        for node in order:
            if node.name is None or node._grad is None:
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
        return shape_of(self.value)

    @property
    def ndim(self) -> int:
        """The number of axes of ``value``."""
        return len(shape_of(self.value))

    @property
    def size(self) -> int:
        """The number of entries of ``value``."""
        value = self.value
        return 1 if type(value) is float else value.size

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

    # --- copying and pickling --------------------------------------------------------------

    _TRANSIENT: ClassVar[tuple[str, ...]] = ("_orders_cache", "_edges_cache", "_copy_buffer")
    """Slots rebuilt on demand, not copied: caches of the graph's order and a spare buffer."""

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for name, slot, transient in _fields(type(self)):
            if transient:
                continue
            try:  # the slot itself, not a property of the same name (a leaf's value)
                state[name] = slot.__get__(self)
            except AttributeError:  # never set (a leaf's ``value`` slot)
                continue
        try:
            state["_grad"] = self.grad  # a gradient computed on read is computed now
        except StaleGraphError:  # it belonged to values recomputed since: nothing to keep
            state["_grad"] = None
        return state

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickle (or deepcopy) a node and its graph, whatever the graph's depth.

        Pickling a node pickles its inputs inside it, their inputs inside them, and so on:
        a chain 50,000 nodes deep goes far past Python's recursion limit. So the node pickled
        first (the output, usually) puts every node it depends on, inputs first, ahead of its
        own state, each behind a marker that has it pickled on its own: by then its inputs
        are pickled already, and it refers to them. Unpickling is a flat loop either way.
        """
        state = self.__getstate__()
        if getattr(_pickling, "alone", None) == id(self):
            _pickling.alone = None
        else:
            graph = self._orders()[0]
            if graph:
                ahead: list[Any] = []
                for node in graph:
                    ahead += (_Alone(id(node)), node)
                ahead.append(_Alone(None))
                state = {"_graph": ahead, **state}  # first: pickled before the inputs
        return (copyreg.__newobj__, (type(self),), state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _clock_past(state.get("stamp", 0))  # later changes must stamp newer than these
        for name, slot, transient in _fields(type(self)):
            if name in state:
                slot.__set__(self, state[name])
            elif transient:
                slot.__set__(self, None)

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}"] if self.name is not None else []
        parts.append(f"value={anomaly.summary(self.value)}")
        if self._grad is not None:
            try:
                parts.append(f"grad={anomaly.summary(self.grad)}")
            except StaleGraphError:  # computed on read, from numbers recomputed since
                parts.append("grad=<of values recomputed since>")
        return f"{type(self).__name__}({', '.join(parts)})"


_FIELDS: dict[type[Node], tuple[tuple[str, Any, bool], ...]] = {}


def _fields(cls: type[Node]) -> tuple[tuple[str, Any, bool], ...]:
    """``(name, slot, transient)`` for each slot of ``cls``'s nodes, found once per class."""
    fields = _FIELDS.get(cls)
    if fields is None:
        found: dict[str, tuple[str, Any, bool]] = {}
        for klass in cls.__mro__:
            slots = klass.__dict__.get("__slots__", ())
            for name in (slots,) if isinstance(slots, str) else slots:
                if name not in found and name != "__weakref__":
                    found[name] = (name, klass.__dict__[name], name in cls._TRANSIENT)
        fields = _FIELDS[cls] = tuple(found.values())
    return fields


class _Leaf(Node):
    """What ``Variable`` and ``Constant`` share: a value set by assignment, and noticed."""

    __slots__ = ("_value", "_order", "_what")

    def __init__(
        self, value: Any, name: str | None, what: str, requires_grad: bool, order: str = "C"
    ) -> None:
        self._start((), name, requires_grad)
        self._order = order
        self._what = what  # the constructor's words for it, which assignment's messages reuse
        self._set(value, what)

    @property  # type: ignore[override]
    def value(self) -> Value:
        """The leaf's value: a float, or a read-only float64 array (see ``LeafValue``).

        Assigning converts and checks as the constructor does, and marks every graph built on
        this leaf stale until its ``forward()`` runs.
        """
        return self._value

    @value.setter
    def value(self, data: Any) -> None:
        self._set(data, self._what)

    def _set(self, data: Any, what: str) -> None:
        if type(data) is float:  # the common case of a training loop's scalar, checked at once
            value = data
        elif (
            type(data) is LeafValue
            and not data.flags.writeable
            and (data.flags.c_contiguous if self._order == "C" else data.flags.f_contiguous)
        ):
            value = data  # read-only (memory and all), so it can be shared without a copy
        else:
            value = as_value(data, what, self._order)
            if type(value) is not float:
                value = read_only(value, self.describe())
        self._value = value
        self.stamp = next(_clock)

    def _lay_out(self, order: str) -> None:
        """Keep the value in memory ``order`` from now on (the same numbers, not a change).

        ``MatMul`` asks its data operand for Fortran order, so that both ``X·w`` and
        ``Xᵀ·dZ`` read it contiguously.
        """
        self._order = order
        value = self._value
        if type(value) is not float and not value.flags[f"{order}_CONTIGUOUS"]:
            self._value = read_only(np.array(value, order=order), value._owner)


class Variable(_Leaf):
    """A leaf whose gradient ``backward()`` computes: a parameter (``w``, ``b``) or an input.

    The value is copied (integers and bools become float64). It is yours to update between
    steps, as gradient descent does: ``w.value = w.value - alpha * w.grad``, then
    ``L.forward()`` to recompute the graph from it.

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
        super().__init__(value, name, what, requires_grad=True)


class Constant(_Leaf):
    """A leaf that ``backward()`` does not differentiate: data such as ``X`` and ``y``.

    Numbers and arrays given to an operator or op become constants; the value is copied, so
    changing the original array afterwards cannot change the graph. Wrap a large data set once
    (``X = ag.Constant(X)``) and reuse it, rather than letting every step copy it again. A
    constant's value can be replaced, like a variable's (``x.value = next_example``), to run
    the same graph on new data.
    """

    __slots__ = ()

    def __init__(
        self,
        value: Any,
        name: str | None = None,
        *,
        what: str | None = None,
        order: str = "C",
    ) -> None:
        if what is None:
            what = f"Constant {name!r}" if name is not None else "Constant"
        super().__init__(value, name, what, requires_grad=False, order=order)
