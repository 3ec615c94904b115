"""The ops: one small class per box of the graph, its forward and its backward side by side.

Each op states its formulas once, as lines of Python in the lecture's names::

    class Sigmoid(Op):
        forward_code = "a = sigmoid(z)"
        backward_code = ("dz = da * a * (1 - a)",)

The interpreter runs those lines, the compiler (``ag.compile``) pastes them into the program it
writes, and drawings and explanations show them in the lecture's symbols (``formula``,
``gradient_formulas``, ``local_derivatives`` are made from them: ``dz = da · a(1 − a)``). Where
is ``dz`` computed? In ``Sigmoid.backward_code``, and, when a ``LogLoss`` sits right on a
``Sigmoid``, in ``LogLoss.logit_backward_code`` (``dz = dL * (a - y)``).

The lowercase functions (``sigmoid``, ``log_loss``, ``mean`` ...) build these nodes; so do the
operators ``+ - * / @ **`` and unary ``-`` on nodes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np

from autograd_lite import formulas
from autograd_lite.errors import ShapeError
from autograd_lite.formulas import Statement
from autograd_lite.node import Constant, Node, Operand, as_node
from autograd_lite.values import Value, as_output, shape_of

Axis = int | tuple[int, ...] | None


def _as_numpy(value: Any) -> Any:
    return np.float64(value) if type(value) is float else value


def run(statement: Statement, *values: Any) -> Any:
    """Evaluate ``statement`` on values: floats with Python's arithmetic, arrays with numpy's.

    Where Python's floats raise (1.0 / 0.0, 1e200 ** 2), numpy's give the rounded truth, ±inf
    (with numpy's warning): the formula is evaluated again on numpy floats.
    """
    try:
        return as_output(statement.function(*values))
    except (ZeroDivisionError, OverflowError):
        return as_output(statement.function(*[_as_numpy(v) for v in values]))


class Op(Node):
    """A built-in op: its formulas stated once as code (``forward_code``, ``backward_code``).

    ``forward_code`` is ``"output = expression"`` over the inputs' names; ``backward_code`` has
    one ``"d<input> = expression"`` per input, in the inputs' order, over the inputs, the
    output and its gradient ``d<output>``. ``parameters`` are the op's own numbers (an axis,
    an exponent), which the formulas may use by name. Expressions may call the functions of
    ``autograd_lite.numerics``.
    """

    __slots__ = ()
    forward_code: ClassVar[str] = ""
    backward_code: ClassVar[tuple[str, ...]] = ()
    parameters: ClassVar[tuple[str, ...]] = ()
    input_names: ClassVar[tuple[str, ...]] = ()
    output_name: ClassVar[str] = ""
    forward_statement: ClassVar[Statement]
    backward_statements: ClassVar[tuple[Statement, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "forward_code" not in cls.__dict__:
            return
        where = f"{cls.__name__}"
        cls.output_name = cls.forward_code.split("=")[0].strip()
        cls.input_names = tuple(line.split("=")[0].strip()[1:] for line in cls.backward_code)
        names = (*cls.input_names, cls.output_name, "d" + cls.output_name, *cls.parameters)
        cls.forward_statement = formulas.parse(
            cls.forward_code, (*cls.input_names, *cls.parameters), f"{where}.forward_code"
        )
        cls.backward_statements = tuple(
            formulas.parse(line, names, f"{where}.backward_code") for line in cls.backward_code
        )
        placeholders = {name: f"{{{k}}}" for k, name in enumerate(cls.input_names)}
        placeholders |= {cls.output_name: "{out}", "d" + cls.output_name: "d{out}"}
        gradients = frozenset({"d" + cls.output_name})
        cls.formula = "{out} = " + formulas.shown(cls.forward_statement.expression, placeholders)
        definition = formulas.definition(cls.forward_statement.expression, placeholders)
        if definition:
            cls.formula += " = " + definition
        cls.gradient_formulas = tuple(
            f"d{{{k}}} = " + formulas.shown(s.expression, placeholders, gradients)
            for k, s in enumerate(cls.backward_statements)
        )
        cls.local_derivatives = tuple(
            formulas.shown(formulas.local_derivative(s.expression, "d" + cls.output_name),
                           placeholders, gradients)
            for s in cls.backward_statements
        )

    def parameter_values(self) -> list[Any]:
        """The op's own numbers, in ``parameters``' order."""
        return [getattr(self, name) for name in self.parameters]

    def check(self, *values: Value) -> None:
        """Refuse inputs the formulas cannot take (an op overrides it); called before forward."""

    def forward_step(self, *values: Value) -> Value:
        self.check(*values)
        return run(self.forward_statement, *values, *self.parameter_values())

    def backward_step(self, grad: Value) -> tuple[Value | None, ...]:
        known = (*[x.value for x in self.inputs], self.value, grad, *self.parameter_values())
        return tuple(
            run(statement, *known) if x.requires_grad else None
            for x, statement in zip(self.inputs, self.backward_statements, strict=False)
        )


class Add(Op):
    """``z = x + y``, with broadcasting. Backward: ``dx = dz``, ``dy = dz``.

    An input that was broadcast (a scalar ``b`` added to a vector) receives the sum of ``dz``
    over the broadcast axes; the engine does that summing for every op.
    """

    __slots__ = ()
    symbol = "+"
    forward_code = "z = x + y"
    backward_code = ("dx = dz", "dy = dz")


class Subtract(Op):
    """``z = x − y``. Backward: ``dx = dz``, ``dy = −dz``."""

    __slots__ = ()
    symbol = "−"
    forward_code = "z = x - y"
    backward_code = ("dx = dz", "dy = -dz")


class Negate(Op):
    """``z = −x``. Backward: ``dx = −dz``."""

    __slots__ = ()
    symbol = "−"
    forward_code = "z = -x"
    backward_code = ("dx = -dz",)


class Multiply(Op):
    """``z = x · y``, elementwise. Backward: ``dx = y · dz``, ``dy = x · dz``.

    In the lecture's graph ``w1 · x1`` gives ``dw1 = x1 · dz``.
    """

    __slots__ = ()
    symbol = "×"
    forward_code = "z = x * y"
    backward_code = ("dx = y * dz", "dy = x * dz")


class Divide(Op):
    """``z = x / y``. Backward: ``dx = dz / y``, ``dy = −dz · x / y²``."""

    __slots__ = ()
    symbol = "÷"
    forward_code = "z = x / y"
    backward_code = ("dx = dz / y", "dy = -dz * x / y ** 2")


class MatMul(Op):
    """``Z = X · w``, the matrix product (1-D and 2-D operands, as numpy's ``@``).

    Backward: ``dX = dZ · wᵀ`` and ``dw = Xᵀ · dZ``. With examples in the rows of ``X``,
    ``dw = Xᵀ · dZ`` is the lecture's accumulator loop ``dw += x(i) · dz(i)`` done at once.
    """

    __slots__ = ()
    symbol = "@"
    forward_code = "Z = X @ W"
    backward_code = ("dX = times_transpose(dZ, W)", "dW = transpose_times(X, dZ)")

    def check(self, x: Value, w: Value) -> None:
        if type(x) is float or type(w) is float or x.ndim > 2 or w.ndim > 2:
            raise ShapeError(f"MatMul takes 1-D and 2-D operands; got {self.describe_inputs()}")


class Transpose(Op):
    """``z = xᵀ``. Backward: ``dx = dzᵀ``."""

    __slots__ = ()
    symbol = "ᵀ"
    forward_code = "z = transpose(x)"
    backward_code = ("dx = transpose(dz)",)


def _checked_axis(axis: Any, x: Node, op: str) -> Axis:
    """``axis`` as an int, a tuple of ints or None, each in range for ``x``; a clear error else."""
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(
                f"ag.{op}: axis must be a whole number, a tuple of them, or None; got "
                f"{type(a).__name__} {a!r}"
            )
        if not -x.ndim <= a < x.ndim:
            raise ShapeError(
                f"ag.{op}: axis {a} is out of range for {x.describe_with_shape()}, which has "
                f"{x.ndim} axes"
            )
    normal = tuple(int(a) % x.ndim for a in axes)
    if len(set(normal)) != len(normal):
        raise ShapeError(f"ag.{op}: axis {axis!r} names an axis twice")
    return normal if isinstance(axis, tuple) else normal[0]


class _Reduction(Op):
    """What ``Sum`` and ``Mean`` share: the axis they reduce over, and whether to keep it."""

    __slots__ = ("axis", "keepdims")

    def __init__(
        self, x: Operand, axis: Axis = None, keepdims: bool = False, name: str | None = None
    ) -> None:
        x = as_node(x, what=f"{type(self).__name__} input 0")
        if not isinstance(keepdims, (bool, np.bool_)):
            raise TypeError(f"ag.{type(self).__name__.lower()}: keepdims must be True or False, "
                            f"got {keepdims!r}")
        self.axis = _checked_axis(axis, x, type(self).__name__.lower())
        self.keepdims = bool(keepdims)
        super().__init__(x, name=name)


class Sum(_Reduction):
    """``s = Σ x`` over all entries, or over ``axis``. Backward: every entry gets ``dx = ds``.

    Each entry of ``x`` went into the sum once, with weight 1, so each receives the whole
    upstream gradient.
    """

    __slots__ = ()
    symbol = "Σ"
    parameters = ("axis", "keepdims")
    forward_code = "s = total(x, axis, keepdims)"
    backward_code = ("dx = spread(ds, x, axis, keepdims)",)


class Mean(_Reduction):
    """``J = (1/m) Σ x`` over all entries, or over ``axis``. Backward: ``dx = dJ / m``.

    ``m`` is the number of entries averaged: with one loss per example, the cost
    ``J = (1/m) Σ L(i)`` sends ``dL(i) = dJ / m`` to each example, which is where the
    lecture's ``dw /= m`` comes from. The mean of numbers whose sum overflows float64 is still
    their mean: ``ag.mean`` of two losses of 1e308 is 1e308, not inf.
    """

    __slots__ = ()
    symbol = "mean"
    parameters = ("axis", "keepdims", "m")
    forward_code = "J = average(x, axis, keepdims)"
    backward_code = ("dx = spread(dJ / m, x, axis, keepdims)",)

    @property
    def m(self) -> int:
        """How many entries each output entry averages."""
        x = self.inputs[0]
        if self.axis is None:
            return x.size
        axes = self.axis if isinstance(self.axis, tuple) else (self.axis,)
        return int(np.prod([x.shape[a] for a in axes]))

    def check(self, x: Value, *parameters: Any) -> None:
        if np.size(x) == 0:
            raise ShapeError(f"Mean of an empty array: {self.describe_inputs()}")


class Log(Op):
    """``z = log x`` (natural log). Backward: ``dx = dz / x``."""

    __slots__ = ()
    symbol = "log"
    forward_code = "z = log(x)"
    backward_code = ("dx = dz / x",)


class Exp(Op):
    """``z = e^x``. Backward: ``dx = dz · e^x = dz · z`` (the output, reused)."""

    __slots__ = ()
    symbol = "exp"
    forward_code = "z = exp(x)"
    backward_code = ("dx = dz * z",)


class Sigmoid(Op):
    """``a = σ(z) = 1 / (1 + e^(−z))``. Backward: ``dz = da · a(1 − a)``.

    The derivative reuses the output ``a``. The forward never overflows or warns, whatever the
    finite ``z``. When the loss is a ``LogLoss`` right on this node, ``dz`` is not
    ``da · a(1 − a)`` multiplied out but the simplified ``a − y`` (see ``LogLoss``).
    """

    __slots__ = ()
    symbol = "σ"
    forward_code = "a = sigmoid(z)"
    backward_code = ("dz = da * a * (1 - a)",)


class Tanh(Op):
    """``a = tanh(z)``. Backward: ``dz = da · (1 − a²)``, from the output again."""

    __slots__ = ()
    symbol = "tanh"
    forward_code = "a = tanh(z)"
    backward_code = ("dz = da * (1 - a ** 2)",)


class ReLU(Op):
    """``a = max(z, 0)``. Backward: ``dz = da · [z > 0]``: 0 at ``z = 0``, as PyTorch's."""

    __slots__ = ()
    symbol = "ReLU"
    forward_code = "a = relu(z)"
    backward_code = ("dz = da * (z > 0)",)


class Power(Op):
    """``z = x^k`` for a constant real ``k``. Backward: ``dx = dz · k · x^(k − 1)``."""

    __slots__ = ("k",)
    symbol = "^"
    parameters = ("k",)
    forward_code = "z = x ** k"
    backward_code = ("dx = dz * k * x ** (k - 1)",)

    def __init__(self, x: Operand, k: Any, name: str | None = None) -> None:
        self.k = _exponent(k)
        super().__init__(x, name=name)

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"^{formulas.number(self.k)}"


class Exponential(Op):
    """``z = k^x`` for a constant ``k > 0``. Backward: ``dx = dz · z · log k``."""

    __slots__ = ("k",)
    symbol = "k^x"
    parameters = ("k",)
    forward_code = "z = k ** x"
    backward_code = ("dx = dz * z * log(k)",)

    def __init__(self, x: Operand, k: Any, name: str | None = None) -> None:
        self.k = _exponent(k)
        if not self.k > 0:
            raise ValueError(f"k ** x needs a base k > 0, got {self.k!r}")
        super().__init__(x, name=name)


def _exponent(k: Any) -> float:
    if isinstance(k, Node):
        raise TypeError(
            f"the exponent of ** must be a number, got the node {k.describe()}; for e^x write "
            f"ag.exp(x)"
        )
    if isinstance(k, bool) or not isinstance(k, numbers.Real):
        raise TypeError(f"the exponent of ** must be a real number, got {type(k).__name__} {k!r}")
    k = float(k)
    if not math.isfinite(k):
        raise ValueError(f"the exponent of ** must be finite, got {k!r}")
    return k


class _LabelError(ValueError):
    """Labels or a probability outside [0, 1]: a ValueError of the op's own, not numpy's."""


class LogLoss(Op):
    """``L(a, y) = −(y · log a + (1 − y) · log(1 − a))``, one loss per entry.

    Backward: ``da = −y/a + (1 − y)/(1 − a)`` (times ``dL``), and for labels that are
    variables ``dy = log(1 − a) − log a``.

    When ``a`` is a ``Sigmoid``'s output, ``a = σ(z)``, this node works from the logit ``z``
    (``logit_forward_code``, ``logit_backward_code``):

    - ``L = log(1 + e^(−|z|)) + ([z ≥ 0] − y) · z``, exact for every finite ``z`` with no
      clipping (``y = 1, z = −800`` gives 800);
    - going back, it sends the lecture's simplification ``dz = dL · (a − y)`` straight to ``z``.
      ``da`` is still recorded in ``a.grad``, but ``a`` does not multiply it by ``a(1 − a)``
      again: once ``a`` rounds to 0.0 or 1.0 that product would be ``∞ · 0``.

    Labels must have exactly the prediction's shape and lie in [0, 1]. For a plain probability
    ``a`` (not a Sigmoid's output), ``a`` of exactly 0 or 1 gives an honest ``inf``;
    ``0 · log 0`` counts as 0.
    """

    __slots__ = ()
    symbol = "L"
    forward_code = "L = -(xlogy(y, a) + xlog1my(1 - y, a))"
    backward_code = (
        "da = dL * (-ratio(y, a) + ratio(1 - y, 1 - a))",
        "dy = dL * (log1m(a) - log(a))",
    )
    logit_forward_code: ClassVar[str] = "L = logit_loss(z, y)"
    logit_backward_code: ClassVar[tuple[str, ...]] = (
        "da = dL * (ratio(1 - y, sigmoid(-z)) - ratio(y, a))",  # 1 − a as σ(−z): no rounding
        "dy = -dL * z",  # log(1 − σ(z)) − log σ(z) = −z
        "dz = dL * (a - y)",  # dz = da · a(1 − a) = a − y, simplified as in the lecture
    )
    logit_statements: ClassVar[tuple[Statement, ...]]

    def __init__(self, a: Operand, y: Operand, name: str | None = None) -> None:
        a = as_node(a, what="LogLoss prediction a")
        y = as_node(y, what="LogLoss labels y")
        super().__init__(a, y, name=name)

    @property
    def logit(self) -> Node | None:
        """``z`` when the prediction is ``a = σ(z)``, a Sigmoid's output; otherwise ``None``."""
        a = self.inputs[0]
        return a.inputs[0] if isinstance(a, Sigmoid) else None

    def check(self, a: Value, y: Value) -> None:
        a_node, y_node = self.inputs
        if shape_of(a) != shape_of(y):
            raise ShapeError(
                f"LogLoss needs one label per prediction, but the prediction "
                f"{_who(a_node)} has shape {shape_of(a)} and the labels {_who(y_node)} have "
                f"shape {shape_of(y)}; reshape one of them (e.g. y.reshape({shape_of(a)})) so "
                f"they match"
            )
        _require_unit_interval(y, "LogLoss labels", y_node)
        if not isinstance(a_node, Sigmoid):
            _require_unit_interval(a, "LogLoss prediction", a_node)

    def forward_step(self, a: Value, y: Value) -> Value:
        logit = self.logit
        if logit is None:
            return super().forward_step(a, y)
        self.check(a, y)
        return run(self.logit_statements[0], logit.value, y)

    def _logit_gradients(self, dL: Value) -> list[Value]:
        a, y = self.inputs
        known = (a.value, y.value, self.logit.value, self.value, dL)
        return [run(statement, *known) for statement in self.logit_statements[1:]]

    def backward_step(self, dL: Value) -> tuple[Value | None, Value | None]:
        if self.logit is None:
            return super().backward_step(dL)  # type: ignore[return-value]
        with np.errstate(divide="ignore", over="ignore"):  # da at saturation: inf, the truth
            da, dy, _ = self._logit_gradients(dL)
        return da, dy if self.inputs[1].requires_grad else None

    def send_gradients(self, dL: Value) -> Iterable[tuple[Node, Any, bool]]:
        logit = self.logit
        if logit is None:
            return super().send_gradients(dL)
        a, y = self.inputs
        with np.errstate(divide="ignore", over="ignore"):
            da, dy, dz = self._logit_gradients(dL)
        return [(a, da, False), (y, dy, True), (logit, dz, True)]


LogLoss.logit_statements = (
    formulas.parse(LogLoss.logit_forward_code, ("z", "y"), "LogLoss.logit_forward_code"),
    *(
        formulas.parse(line, ("a", "y", "z", "L", "dL"), "LogLoss.logit_backward_code")
        for line in LogLoss.logit_backward_code
    ),
)
LogLoss.simplified_formula = "d{logit} = " + formulas.shown(
    LogLoss.logit_statements[3].expression,
    {"a": "{0}", "y": "{1}", "L": "{out}", "dL": "d{out}"},
    frozenset({"dL"}),
)
"""What ``send_gradients`` computes for the logit when ``a`` is a Sigmoid's output."""


def _who(node: Node) -> str:
    return f"{node.name!r} ({type(node).__name__})" if node.name else f"({type(node).__name__})"


def _require_unit_interval(value: Value, role: str, node: Node) -> None:
    if np.size(value) == 0:
        return
    low, high = float(np.min(value)), float(np.max(value))
    if not (0.0 <= low and high <= 1.0):  # NaN fails both comparisons
        raise _LabelError(f"{role} {_who(node)} must lie in [0, 1], but range from {low} to {high}")


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


def tanh(z: Operand, name: str | None = None) -> Tanh:
    """``a = tanh(z)``, elementwise: a ``Tanh`` node.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> ag.tanh(0.0).value
    0.0
    """
    return Tanh(z, name=name)


def relu(z: Operand, name: str | None = None) -> ReLU:
    """``a = max(z, 0)``, elementwise: a ``ReLU`` node (its derivative at 0 is 0).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> ag.relu(ag.Variable([-1.0, 2.0])).value
    array([0., 2.])
    """
    return ReLU(z, name=name)


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


# --- operators and methods build op nodes ---------------------------------------------------------
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
Node.__pow__ = lambda x, k: Power(x, k)  # type: ignore[attr-defined]
Node.__rpow__ = lambda x, k: Exponential(x, k)  # type: ignore[attr-defined]
Node.T = property(Transpose, doc="The transpose, as a ``Transpose`` node.")  # type: ignore[attr-defined]
Node.sum = sum  # type: ignore[attr-defined]
Node.mean = mean  # type: ignore[attr-defined]
Node.sigmoid = sigmoid  # type: ignore[attr-defined]
Node.tanh = tanh  # type: ignore[attr-defined]
Node.relu = relu  # type: ignore[attr-defined]
Node.exp = exp  # type: ignore[attr-defined]
Node.log = log  # type: ignore[attr-defined]
