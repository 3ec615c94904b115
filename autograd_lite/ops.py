"""The ops: one small class per box of the graph, its forward and its backward side by side.

Each class states its formulas in the lecture's notation as class attributes (``formula``,
``gradient_formulas``, ``local_derivatives``), with ``{out}`` for the node itself and
``{0}``, ``{1}`` for its inputs; drawing and explaining read them from there. Where is ``dz``
computed? In ``Sigmoid.backward_step`` (``dz = da · a(1 − a)``), and, when a ``LogLoss`` sits
right on a ``Sigmoid``, in ``LogLoss.send_gradients`` (``dz = a − y``).

The lowercase functions (``sigmoid``, ``log_loss``, ``mean`` ...) build these nodes; so do
the operators ``+ - * / @`` and unary ``-`` on nodes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_lite.errors import ShapeError
from autograd_lite.node import Constant, Deferred, Node, Operand, as_node
from autograd_lite.values import Value, reusable, scratch, shape_of, workspace

Axis = int | tuple[int, ...] | None


def _out(node: Node, *values: Value) -> np.ndarray | None:
    """``node``'s previous value, to write the new one into, when it keeps its shape.

    For an elementwise op: arrays of one shape (floats broadcast over them) give a value of
    that shape. Inputs of different shapes broadcast: then a new array is made.
    """
    shape = None
    for v in values:
        if type(v) is not float:
            if shape is None:
                shape = v.shape
            elif v.shape != shape:
                return None
    return None if shape is None else reusable(node.value, shape)


class Add(Node):
    """``z = x + y``, with broadcasting. Backward: ``dx = dz``, ``dy = dz``.

    An input that was broadcast (a scalar ``b`` added to a vector) receives the sum of ``dz``
    over the broadcast axes; the engine does that summing for every op.
    """

    __slots__ = ()
    symbol = "+"
    formula = "{out} = {0} + {1}"
    gradient_formulas = ("d{0} = d{out}", "d{1} = d{out}")
    local_derivatives = ("1", "1")

    def forward_step(self, x: Value, y: Value) -> Value:
        if type(x) is float and type(y) is float:
            return x + y
        return np.add(x, y, out=_out(self, x, y))

    def backward_step(self, dz: Value) -> tuple[Value, Value]:
        return dz, dz


class Subtract(Node):
    """``z = x − y``. Backward: ``dx = dz``, ``dy = −dz``."""

    __slots__ = ()
    symbol = "−"
    formula = "{out} = {0} − {1}"
    gradient_formulas = ("d{0} = d{out}", "d{1} = −d{out}")
    local_derivatives = ("1", "−1")

    def forward_step(self, x: Value, y: Value) -> Value:
        if type(x) is float and type(y) is float:
            return x - y
        return np.subtract(x, y, out=_out(self, x, y))

    def backward_step(self, dz: Value) -> tuple[Value, Value]:
        return dz, -dz


class Negate(Node):
    """``z = −x``. Backward: ``dx = −dz``."""

    __slots__ = ()
    symbol = "−"
    formula = "{out} = −{0}"
    gradient_formulas = ("d{0} = −d{out}",)
    local_derivatives = ("−1",)

    def forward_step(self, x: Value) -> Value:
        if type(x) is float:
            return -x
        return np.negative(x, out=_out(self, x))

    def backward_step(self, dz: Value) -> tuple[Value]:
        return (-dz,)


class Multiply(Node):
    """``z = x · y``, elementwise. Backward: ``dx = y · dz``, ``dy = x · dz``.

    In the lecture's graph ``w1 · x1`` gives ``dw1 = x1 · dz``.
    """

    __slots__ = ()
    symbol = "×"
    formula = "{out} = {0} · {1}"
    gradient_formulas = ("d{0} = {1} · d{out}", "d{1} = {0} · d{out}")
    local_derivatives = ("{1}", "{0}")

    def forward_step(self, x: Value, y: Value) -> Value:
        if type(x) is float and type(y) is float:
            return x * y
        return np.multiply(x, y, out=_out(self, x, y))

    def backward_step(self, dz: Value) -> tuple[Value | None, Value | None]:
        x, y = self.inputs
        return (
            y.value * dz if x.requires_grad else None,
            x.value * dz if y.requires_grad else None,
        )


class Divide(Node):
    """``z = x / y``. Backward: ``dx = dz / y``, ``dy = −dz · x / y² = −dz · z / y``."""

    __slots__ = ()
    symbol = "÷"
    formula = "{out} = {0} / {1}"
    gradient_formulas = ("d{0} = d{out} / {1}", "d{1} = −d{out} · {0} / {1}²")
    local_derivatives = ("1/{1}", "−{0}/{1}²")

    def forward_step(self, x: Value, y: Value) -> Value:
        # numpy's inf-with-a-warning for a zero divisor, not Python's exception
        return np.divide(x, y, out=_out(self, x, y))

    def backward_step(self, dz: Value) -> tuple[Value | None, Value | None]:
        x, y = self.inputs
        return (
            np.divide(dz, y.value) if x.requires_grad else None,
            -np.divide(dz * self.value, y.value) if y.requires_grad else None,
        )


class MatMul(Node):
    """``Z = X · w``, the matrix product (1-D and 2-D operands, as numpy's ``@``).

    Backward: ``dX = dZ · wᵀ`` and ``dw = Xᵀ · dZ``. With examples in the rows of ``X``,
    ``dw = Xᵀ · dZ`` is the lecture's accumulator loop ``dw += x(i) · dz(i)`` done at once.

    A constant ``X`` (data) is kept in Fortran order, column after column: then both ``X · w``
    and ``Xᵀ · dZ`` read it contiguously, which is up to twice as fast for a tall ``X``.
    """

    __slots__ = ()
    symbol = "@"
    formula = "{out} = {0} · {1}"
    gradient_formulas = ("d{0} = d{out} · {1}ᵀ", "d{1} = {0}ᵀ · d{out}")
    local_derivatives = ("{1}ᵀ", "{0}ᵀ")

    def __init__(self, x: Operand, w: Operand, name: str | None = None) -> None:
        if not isinstance(x, Node):
            x = Constant(x, what="MatMul input 0", order="F")  # one copy, laid out for both
        elif isinstance(x, Constant) and x.ndim == 2:
            x._lay_out("F")
        super().__init__(x, w, name=name)

    def forward_step(self, x: Value, w: Value) -> Value:
        if type(x) is float or type(w) is float or x.ndim > 2 or w.ndim > 2:
            raise ShapeError(
                f"MatMul takes 1-D and 2-D operands; got {self.describe_inputs()}"
            )
        shape = x.shape[:-1] + w.shape[1:]
        if not shape:  # one example's x·w: numpy's dot is the quicker call for two vectors
            return float(np.dot(x, w))
        return np.matmul(x, w, out=reusable(self.value, shape))

    def backward_step(self, dz: Value) -> tuple[Value | None, Value | None]:
        x_node, w_node = self.inputs
        x, w = x_node.value, w_node.value
        if x.ndim == 2 and w.ndim == 1:  # the lecture's Z = X·w: matrix-vector products
            dx = np.outer(dz, w) if x_node.requires_grad else None
            dw = x.T @ dz if w_node.requires_grad else None
            return dx, dw
        if x.ndim == 1 and w.ndim == 1:  # one example's z = x·w: dx = dz · w, dw = dz · x
            return (
                dz * w if x_node.requires_grad else None,
                dz * x if w_node.requires_grad else None,
            )
        # A 1-D operand is a row (on the left) or a column (on the right), as in numpy.
        x2 = x if x.ndim == 2 else x.reshape(1, -1)
        w2 = w if w.ndim == 2 else w.reshape(-1, 1)
        dz2 = np.reshape(dz, (x2.shape[0], w2.shape[1]))
        dx = (dz2 @ w2.T).reshape(x.shape) if x_node.requires_grad else None
        dw = (x2.T @ dz2).reshape(w.shape) if w_node.requires_grad else None
        return dx, dw


class Transpose(Node):
    """``z = xᵀ``. Backward: ``dx = (dz)ᵀ``."""

    __slots__ = ()
    symbol = "ᵀ"
    formula = "{out} = {0}ᵀ"
    gradient_formulas = ("d{0} = (d{out})ᵀ",)
    local_derivatives = ("(·)ᵀ",)

    def forward_step(self, x: Value) -> Value:
        return np.transpose(x)

    def backward_step(self, dz: Value) -> tuple[Value]:
        return (np.transpose(dz),)


class _Reduction(Node):
    """What ``Sum`` and ``Mean`` share: the axis they reduce over, whether to keep it, and the
    array their backward step spreads the gradient into (kept from one pass to the next)."""

    __slots__ = ("axis", "keepdims", "_spread_into")
    _TRANSIENT = (*Node._TRANSIENT, "_spread_into")  # a workspace, not part of a copy

    def __init__(
        self, x: Operand, axis: Axis = None, keepdims: bool = False, name: str | None = None
    ) -> None:
        self.axis = axis
        self.keepdims = keepdims
        self._spread_into = None
        super().__init__(x, name=name)

    def _spread(self, grad: Value) -> Value:
        """Give every entry of the input its share of the gradient: ``grad`` itself.

        A scalar ``grad`` is spread as a read-only broadcast view (no m-long array: reading
        ``x.grad`` makes it an array of its own); an array into the one kept from the last pass.
        """
        shape = self.inputs[0].shape
        if not shape:
            return float(grad)
        if type(grad) is float:  # one number for every entry: a broadcast view, no array
            every = np.ndarray(shape, buffer=np.array([grad]), strides=(0,) * len(shape))
            every.flags.writeable = False  # Node.grad gives the reader an array of its own
            return every
        out = self._spread_into = scratch(self._spread_into, shape)
        if self.axis is not None and not self.keepdims and grad.ndim != 0:
            grad = np.expand_dims(grad, self.axis)
        np.copyto(out, grad)
        return out


class Sum(_Reduction):
    """``s = Σ x`` over all entries, or over ``axis``. Backward: every entry gets ``dx = ds``.

    Each entry of ``x`` went into the sum once, with weight 1, so each receives the whole
    upstream gradient.
    """

    __slots__ = ()
    symbol = "Σ"
    formula = "{out} = Σ {0}"
    gradient_formulas = ("d{0} = d{out}, for every entry",)
    local_derivatives = ("1",)

    def forward_step(self, x: Value) -> Value:
        return np.sum(x, axis=self.axis, keepdims=self.keepdims)

    def backward_step(self, ds: Value) -> tuple[Value]:
        return (self._spread(ds),)


class Mean(_Reduction):
    """``J = (1/m) Σ x`` over all entries, or over ``axis``. Backward: ``dx = dJ / m``.

    ``m`` is the number of entries averaged: with one loss per example, the cost
    ``J = (1/m) Σ L(i)`` sends ``dL(i) = dJ / m`` to each example, which is where the
    lecture's ``dw /= m`` comes from.

    The mean of numbers whose sum overflows float64 is still their mean: ``ag.mean`` of two
    losses of 1e308 is 1e308, not inf.
    """

    __slots__ = ()
    symbol = "mean"
    formula = "{out} = (1/m) Σ {0}"
    gradient_formulas = ("d{0} = d{out} / m, for every entry",)
    local_derivatives = ("1/m",)

    def forward_step(self, x: Value) -> Value:
        if type(x) is float:
            return x
        if x.size == 0:
            raise ShapeError(f"Mean of an empty array: {self.describe_inputs()}")
        whole = self.axis is None and not self.keepdims
        with np.errstate(over="ignore", invalid="ignore"):  # not finite: computed again below
            if whole:  # np.mean's arithmetic, less overhead
                mean = np.add.reduce(x, axis=None) / x.size
            else:
                mean = np.mean(x, axis=self.axis, keepdims=self.keepdims)
        if math.isfinite(mean) if whole else np.isfinite(mean).all():
            return mean
        # The sum overflowed (two losses of 1e308 average 1e308), or an entry is inf or NaN.
        # Σ (x/m) never overflows, and is inf or NaN only where an entry is (with numpy's
        # warning for inf − inf): it replaces the means that are not finite, so every other
        # mean keeps Σx / m to the last bit.
        scaled = np.sum(x / (x.size // np.size(mean)), axis=self.axis, keepdims=self.keepdims)
        return scaled if whole else np.where(np.isfinite(mean), mean, scaled)

    @property
    def m(self) -> int:
        """How many entries each output entry averages."""
        return self.inputs[0].size // max(self.size, 1)

    def backward_step(self, dJ: Value) -> tuple[Value]:
        return (self._spread(dJ / self.m),)


class Log(Node):
    """``z = log x`` (natural log). Backward: ``dx = dz / x``."""

    __slots__ = ()
    symbol = "log"
    formula = "{out} = log {0}"
    gradient_formulas = ("d{0} = d{out} / {0}",)
    local_derivatives = ("1/{0}",)

    def forward_step(self, x: Value) -> Value:
        return np.log(x, out=_out(self, x))  # numpy's −inf with a warning for log 0

    def backward_step(self, dz: Value) -> tuple[Value]:
        return (np.divide(dz, self.inputs[0].value),)


class Exp(Node):
    """``z = e^x``. Backward: ``dx = dz · e^x = dz · z`` (the output, reused)."""

    __slots__ = ()
    symbol = "exp"
    formula = "{out} = e^{0}"
    gradient_formulas = ("d{0} = d{out} · {out}",)
    local_derivatives = ("{out}",)

    def forward_step(self, x: Value) -> Value:
        return np.exp(x, out=_out(self, x))  # numpy's inf with a warning on overflow

    def backward_step(self, dz: Value) -> tuple[Value]:
        return (dz * self.value,)


def _sigmoid(e: Value, nonnegative: bool | np.ndarray) -> Value:
    """σ(t) = 1 / (1 + e^(−t)) from ``e = e^(−|t|)`` and ``t ≥ 0``: no overflow, no warning.

    For t ≥ 0 it is 1 / (1 + e); for t < 0, e^t / (1 + e^t) = e / (1 + e) (writing it as
    1 − σ(−t) would cancel to 0). As 0 ≤ e ≤ 1, max(e, [t ≥ 0]) is exactly the numerator in
    both cases: found without a branch per entry (np.where, or a ufunc's where=, is several
    times slower). ``e`` is the same for ``t = z`` and ``t = −z``, so σ(−z) costs no second
    exponential.
    """
    if type(e) is float:
        return (1.0 if nonnegative else e) / (1.0 + e)
    return np.maximum(e, nonnegative) / (1.0 + e)


class Sigmoid(Node):
    """``a = σ(z) = 1 / (1 + e^(−z))``. Backward: ``dz = da · a(1 − a)``.

    The derivative reuses the output ``a``. The forward never overflows or warns, whatever the
    finite ``z``. When the loss is a ``LogLoss`` right on this node, ``dz`` is not
    ``da · a(1 − a)`` multiplied out but the simplified ``a − y`` (see ``LogLoss``).
    """

    __slots__ = ("e",)
    symbol = "σ"
    formula = "{out} = σ({0}) = 1 / (1 + e^(−{0}))"
    gradient_formulas = ("d{0} = d{out} · {out}(1 − {out})",)
    local_derivatives = ("{out}(1 − {out})",)

    e: Value
    """``e^(−|z|)``, the forward's one exponential; ``LogLoss`` reuses it."""

    def __init__(self, z: Operand, name: str | None = None) -> None:
        self.e = None
        super().__init__(z, name=name)

    def forward_step(self, z: Value) -> Value:
        if type(z) is float:
            e = self.e = math.exp(-abs(z))
            return _sigmoid(e, z >= 0)
        shape = z.shape
        e = self.e = scratch(self.e, shape)
        np.abs(z, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
        a = np.add(e, 1.0, out=reusable(self.value, shape))
        numerator = workspace(shape)  # see _sigmoid
        np.greater_equal(z, 0.0, out=numerator, casting="unsafe")  # 1.0 or 0.0
        np.maximum(e, numerator, out=numerator)
        return np.divide(numerator, a, out=a)

    def backward_step(self, da: Value) -> tuple[Value]:
        a = self.value
        return (da * a * (1.0 - a),)


class _LabelError(ValueError):
    """Labels or a probability outside [0, 1]: a ValueError of the op's own, not numpy's."""


class LogLoss(Node):
    """``L(a, y) = −(y · log a + (1 − y) · log(1 − a))``, one loss per entry.

    Backward: ``da = −y/a + (1 − y)/(1 − a)`` (times ``dL``), and for labels that are
    variables ``dy = log(1 − a) − log a``.

    When ``a`` is a ``Sigmoid``'s output, ``a = σ(z)``, this node works from the logit ``z``:

    - ``L = log(1 + e^(−|z|)) + y · max(−z, 0) + (1 − y) · max(z, 0)``, a sum of non-negative
      terms, exact for every finite ``z`` with no clipping (``y = 1, z = −800`` gives 800);
    - going back, it sends the lecture's simplification ``dz = dL · (a − y)`` straight to ``z``.
      ``da`` is still recorded in ``a.grad``, but ``a`` does not multiply it by ``a(1 − a)``
      again: once ``a`` rounds to 0.0 or 1.0 that product would be ``∞ · 0``. Nothing is
      computed from ``da``, so it is computed only when ``a.grad`` is read.

    Labels must have exactly the prediction's shape (one label per prediction) and lie in
    [0, 1]; they are checked again whenever they change. For a plain probability ``a`` (not a
    Sigmoid's output), ``a`` of exactly 0 or 1 gives an honest ``inf`` with numpy's
    divide-by-zero warning; ``0 · log 0`` counts as 0.
    """

    __slots__ = ("_dz", "_labels_checked")
    _TRANSIENT = (*Node._TRANSIENT, "_dz")  # a workspace, not part of a copy
    symbol = "L"
    formula = "{out} = −({1} · log {0} + (1 − {1}) · log(1 − {0}))"
    gradient_formulas = (
        "d{0} = d{out} · (−{1}/{0} + (1 − {1})/(1 − {0}))",
        "d{1} = d{out} · (log(1 − {0}) − log {0})",
    )
    local_derivatives = ("−{1}/{0} + (1 − {1})/(1 − {0})", "log(1 − {0}) − log {0}")
    simplified_formula = "d{logit} = d{out} · ({0} − {1})"
    """What ``send_gradients`` computes for the logit when ``a`` is a Sigmoid's output."""

    def __init__(self, a: Operand, y: Operand, name: str | None = None) -> None:
        a = as_node(a, what="LogLoss prediction a")
        y = as_node(y, what="LogLoss labels y")
        self._dz = None
        self._labels_checked = -1  # the labels' stamp when last checked
        super().__init__(a, y, name=name)

    @property
    def logit(self) -> Node | None:
        """``z`` when the prediction is ``a = σ(z)``, a Sigmoid's output; otherwise ``None``."""
        a = self.inputs[0]
        return a.inputs[0] if isinstance(a, Sigmoid) else None

    def _check(self, a: Value, y: Value) -> None:
        a_node, y_node = self.inputs
        if (type(a) is not float or type(y) is not float) and shape_of(a) != shape_of(y):
            raise ShapeError(
                f"LogLoss needs one label per prediction, but the prediction "
                f"{_who(a_node)} has shape {shape_of(a)} and the labels {_who(y_node)} have "
                f"shape {shape_of(y)}; reshape one of them (e.g. y.reshape({shape_of(a)})) so "
                f"they match"
            )
        if y_node.stamp != self._labels_checked:  # checked once per new set of labels
            _require_unit_interval(y, "LogLoss labels", y_node)
            self._labels_checked = y_node.stamp
        if not isinstance(a_node, Sigmoid):
            _require_unit_interval(a, "LogLoss prediction", a_node)

    def forward_step(self, a: Value, y: Value) -> Value:
        self._check(a, y)
        logit = self.logit
        if logit is None:
            # log1p(−a) is log(1 − a) without first rounding 1 − a (which loses a tiny a).
            return -(_times_log(y, a) + _times_log(1.0 - y, -a, np.log1p))
        z, e = logit.value, self.inputs[0].e
        if type(z) is float:
            loss = math.log1p(e)  # log(1 + e^(−|z|)), never overflows
            loss += _weighted(y, max(-z, 0.0))
            return loss + _weighted(1.0 - y, max(z, 0.0))
        if not math.isfinite(np.add.reduce(z, axis=None)):  # an infinite logit, or NaN
            loss = np.log1p(e)
            loss += _weighted(y, np.maximum(-z, 0.0))
            return loss + _weighted(1.0 - y, np.maximum(z, 0.0))
        # The same sum, written into arrays kept from the last run: no new m-long array. Of
        # y · max(−z, 0) and (1 − y) · max(z, 0) only one is not 0: (1 − y) · z where z ≥ 0,
        # (−y) · z where z < 0. Both factors are [z ≥ 0] − y, exactly (1 − y is 1 + (−y)).
        loss = np.log1p(e, out=reusable(self.value, z.shape))
        term = workspace(z.shape)
        np.greater_equal(z, 0.0, out=term, casting="unsafe")
        np.subtract(term, y, out=term)
        np.multiply(term, z, out=term)
        return np.add(loss, term, out=loss)

    def backward_step(self, dL: Value) -> tuple[Value | None, Value | None]:
        a_node, y_node = self.inputs
        a, y = a_node.value, y_node.value
        logit = self.logit
        if logit is None:
            da = dL * (_ratio(1.0 - y, 1.0 - a) - _ratio(y, a))
            dy = dL * (np.log1p(-a) - np.log(a)) if y_node.requires_grad else None
            return da, dy
        z = logit.value
        da = _da_on_logit(dL, a, y, z, a_node.e)
        dy = dL * -z if y_node.requires_grad else None  # log(1 − σ(z)) − log σ(z) = −z
        return da, dy

    def send_gradients(self, dL: Value) -> Iterable[tuple[Node, Any, bool]]:
        logit = self.logit
        if logit is None:
            return super().send_gradients(dL)
        a, y = self.inputs
        a_value, y_value = a.value, y.value
        # dz = da · a(1 − a) = a − y, simplified as in the lecture
        if type(a_value) is float:
            dz = dL * (a_value - y_value)
        else:
            dz = self._dz = scratch(self._dz, a_value.shape)
            np.subtract(a_value, y_value, out=dz)
            np.multiply(dL, dz, out=dz)
        z, e = logit.value, a.e
        dy = dL * -z if y.requires_grad else None
        # The numbers, not the nodes: a.grad holds this, and a node in it would make a cycle.
        # Refused once a, y or z hold other numbers (a later forward rewrites arrays in place).
        da = Deferred(lambda: _da_on_logit(dL, a_value, y_value, z, e), self, (a, y, logit))
        return [(a, da, False), (y, dy, True), (logit, dz, True)]


def _da_on_logit(dL: Value, a: Value, y: Value, z: Value, e: Value) -> Value:
    """``da = dL · (−y/a + (1 − y)/(1 − a))`` for ``a = σ(z)``, with ``e = e^(−|z|)``.

    1 − a is σ(−z), computed directly so it does not round to 0. Past |z| ≈ 709 the true da
    exceeds float64 and rounds to inf, which is the correctly rounded value: by a division by 0
    or, where σ is subnormal (|z| ≈ 709 to 745), by an overflow.
    """
    one_minus_a = _sigmoid(e, z <= 0)  # σ(−z): the same e, and −z ≥ 0 where z ≤ 0
    with np.errstate(divide="ignore", over="ignore"):
        return dL * (_ratio(1.0 - y, one_minus_a) - _ratio(y, a))


def _who(node: Node) -> str:
    return f"{node.name!r} ({type(node).__name__})" if node.name else f"({type(node).__name__})"


def _require_unit_interval(value: Value, role: str, node: Node) -> None:
    if type(value) is float:
        low = high = value
    elif np.size(value) == 0:
        return
    else:
        # np.min and np.max themselves, without their Python wrappers' overhead
        low = float(np.minimum.reduce(value, axis=None))
        high = float(np.maximum.reduce(value, axis=None))
    if not (0.0 <= low and high <= 1.0):  # NaN fails both comparisons
        raise _LabelError(
            f"{role} {_who(node)} must lie in [0, 1], but range from {low} to {high}"
        )


def _times_log(c: Value, p: Value, log: np.ufunc = np.log) -> Value:
    """``c · log(p)`` (or ``c · log1p(p)``), where ``c = 0`` gives 0 whatever ``p`` is.

    The lecture's convention 0 · log 0 = 0: a label's zero weight wins, with no warning.
    """
    if type(c) is float and type(p) is float:
        return 0.0 if c == 0 else c * float(log(p))
    c, p = np.broadcast_arrays(c, p)
    out = np.zeros(c.shape)
    log(p, out=out, where=c != 0)
    return c * out


def _ratio(c: Value, p: Value) -> Value:
    """``c / p`` for a probability ``p ≥ 0``, where ``c = 0`` gives 0 whatever ``p`` is.

    A label's zero weight wins, also over a ``p`` of 0.
    """
    if type(c) is float and type(p) is float:
        if c == 0:
            return 0.0
        # Python's / raises for a zero divisor; numpy's gives ±inf (with its warning).
        return c / p if p != 0 else float(np.divide(c, p))
    if np.greater(p, 0).all():  # then c = 0 gives 0 anyway; a mask per entry is slow
        return c / p
    c, p = np.broadcast_arrays(c, p)
    out = np.zeros(c.shape)
    np.divide(c, p, out=out, where=c != 0)
    return out


def _weighted(c: Value, v: Value) -> Value:
    """``c · v``, where a zero weight wins: 0 · inf = 0, as 0 · log 0 = 0.

    Only a logit of ±inf (say an overflowed ``w·x``) makes ``v`` infinite; a label that agrees
    with it then has loss 0, not NaN. ``c`` and ``v`` have the same shape (one label per entry).
    """
    if type(c) is float:
        return 0.0 if c == 0 else c * v
    if not np.isinf(v).any():
        return c * v
    product = np.zeros(v.shape)
    np.multiply(c, v, out=product, where=c != 0)
    return product


# --- functions that build the nodes ------------------------------------------------------------


def sigmoid(z: Operand, name: str | None = None) -> Sigmoid:
    """``a = σ(z)``, elementwise: a ``Sigmoid`` node.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> ag.sigmoid(0.0).value
    0.5
    """
    return Sigmoid(z, name=name)


def log_loss(a: Operand, y: Operand, name: str | None = None) -> LogLoss:
    """``L(a, y) = −(y log a + (1 − y) log(1 − a))``, one loss per entry: a ``LogLoss`` node.

    ``y`` has ``a``'s exact shape; numbers given for it become a constant named ``y``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> z = ag.Variable(-800.0, name="z")
    >>> ag.log_loss(ag.sigmoid(z), 1).value
    800.0
    """
    if not isinstance(y, Node):
        y = Constant(y, name="y", what="LogLoss labels y")
    return LogLoss(a, y, name=name)


def sum(x: Operand, axis: Axis = None, keepdims: bool = False, name: str | None = None) -> Sum:  # noqa: A001
    """The sum of the entries of ``x`` (over ``axis`` if given): a ``Sum`` node."""
    return Sum(x, axis=axis, keepdims=keepdims, name=name)


def mean(x: Operand, axis: Axis = None, keepdims: bool = False, name: str | None = None) -> Mean:
    """The average of the entries of ``x`` (over ``axis`` if given): a ``Mean`` node.

    The cost of m examples is ``J = ag.mean(ag.log_loss(A, y))``.
    """
    return Mean(x, axis=axis, keepdims=keepdims, name=name)


def log(x: Operand, name: str | None = None) -> Log:
    """The natural logarithm, elementwise: a ``Log`` node."""
    return Log(x, name=name)


def exp(x: Operand, name: str | None = None) -> Exp:
    """``e^x``, elementwise: an ``Exp`` node."""
    return Exp(x, name=name)


def matmul(x: Operand, w: Operand, name: str | None = None) -> MatMul:
    """The matrix product ``x @ w``: a ``MatMul`` node."""
    return MatMul(x, w, name=name)


# --- operators build op nodes ---------------------------------------------------------------
# Bound here, on the ops' side, so that the engine (node.py) never imports its ops.


def _operator(op: type[Node], reflected: bool = False) -> Any:
    """``x ∘ y`` builds ``op(x, y)``; the reflected ``y ∘ x`` (numbers on the left) ``op(y, x)``."""
    if reflected:
        return lambda x, y: op(y, x)
    return lambda x, y: op(x, y)


for _name, _op in (
    ("add", Add), ("sub", Subtract), ("mul", Multiply), ("truediv", Divide), ("matmul", MatMul)
):
    setattr(Node, f"__{_name}__", _operator(_op))
    setattr(Node, f"__r{_name}__", _operator(_op, reflected=True))
del _name, _op
Node.__neg__ = lambda x: Negate(x)  # type: ignore[assignment,method-assign]
Node.T = property(Transpose, doc="The transpose, as a ``Transpose`` node.")  # type: ignore[attr-defined]
Node.sum = sum  # type: ignore[attr-defined]
Node.mean = mean  # type: ignore[attr-defined]
