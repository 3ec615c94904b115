"""The small functions the ops' formulas call, each in two versions and with how it is shown.

An op's formulas (``ops.py``) are ordinary Python expressions over its inputs, its output and
its upstream gradient: ``da * a * (1 - a)``. Most need only ``+ - * / ** @``; the rest call
the functions here: ``sigmoid(z)`` without overflow, ``xlogy(y, a)`` with the lecture's
``0 · log 0 = 0``, ``spread(g, x, ...)`` for a sum's gradient, and so on.

Each function has a numpy version, which the interpreter runs (on arrays and on numpy floats
alike), and where it pays a version on Python floats and ``math``, which the compiler pastes
into the program of a graph of scalars. ``shown`` is how drawings and explanations write a
call, in the lecture's symbols (``{0}``, ``{1}`` are its arguments as shown). The compiler
copies a function's own source into the program it writes, so each is short and
self-contained: it may use ``np`` or ``math`` and the functions named in its ``needs``.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Function:
    """One function the formulas may call: its versions, and how a call is shown."""

    name: str
    array: Callable[..., Any]
    shown: str
    scalar: Callable[..., Any] | None = None
    needs: tuple[str, ...] = ()
    numpy_name: str | None = None
    """Set when the array version *is* a numpy function: the program calls ``np.<name>``."""
    math_name: str | None = None
    """Set when the scalar version is a ``math`` function (or a builtin, as ``max``)."""
    precedence: int = 100
    """How tightly the shown form binds (see ``formulas.shown``): a call binds tightest."""
    definition: str = ""
    """What the function is, shown after a forward formula that is this one call: σ's."""
    source: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: Any) -> Any:
        return self.array(*args)

    def code(self, scalar: bool) -> str:
        """The function's source as the program defines it (named ``self.name``)."""
        key = "scalar" if scalar and self.scalar is not None else "array"
        if key not in self.source:
            self.source[key] = self._code(scalar)
        return self.source[key]

    def _code(self, scalar: bool) -> str:
        version = self.scalar if scalar and self.scalar is not None else self.array
        text = textwrap.dedent(inspect.getsource(version))
        lines = [line for line in text.splitlines() if not line.startswith("@")]
        header = lines[0]
        lines[0] = f"def {self.name}(" + header.split("(", 1)[1]
        return "\n".join(lines) + "\n"


FUNCTIONS: dict[str, Function] = {}
"""Every function a formula may call, by name."""


def _function(
    shown: str,
    *,
    numpy_name: str | None = None,
    math_name: str | None = None,
    needs: tuple[str, ...] = (),
    precedence: int = 100,
    definition: str = "",
) -> Callable[[Callable[..., Any]], Function]:
    def register(array: Callable[..., Any]) -> Function:
        name = array.__name__
        fn = Function(
            name, array, shown, None, needs, numpy_name, math_name, precedence, definition
        )
        FUNCTIONS[name] = fn
        return fn

    return register


def _scalar_of(fn: Function) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(scalar: Callable[..., Any]) -> Callable[..., Any]:
        fn.scalar = scalar
        return scalar

    return register


# --- elementwise functions of one argument ---------------------------------------------------


@_function("e^{0}", numpy_name="exp", math_name="exp")
def exp(x):
    return np.exp(x)


@_function("log {0}", numpy_name="log", math_name="log")
def log(x):
    return np.log(x)


@_function("log(1 + {0})", numpy_name="log1p", math_name="log1p")
def log1p(x):
    return np.log1p(x)


@_function("log(1 − {0})")
def log1m(p):
    return np.log1p(-p)


@_scalar_of(log1m)
def _log1m_of_a_float(p):
    return math.log1p(-p)


@_function("tanh({0})", numpy_name="tanh", math_name="tanh")
def tanh(x):
    return np.tanh(x)


@_function("|{0}|", numpy_name="abs", math_name="abs")
def absolute(x):
    return np.abs(x)


@_function("max({0}, {1})", numpy_name="maximum", math_name="max")
def maximum(x, y):
    return np.maximum(x, y)


@_function("σ({0})", definition="1 / (1 + e^(−{0}))")
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), with no overflow and no warning for any finite z."""
    e = np.exp(-np.abs(z))  # e^(−|z|) ≤ 1: for z < 0, σ(z) = e^z / (1 + e^z) = e / (1 + e)
    return np.maximum(e, z >= 0) / (1.0 + e)  # the numerator is 1 for z ≥ 0, e for z < 0


@_scalar_of(sigmoid)
def _sigmoid_of_a_float(z):
    """σ(z) = 1 / (1 + e^(−z)), with no overflow for any finite z."""
    e = math.exp(-abs(z))
    return (1.0 if z >= 0 else e) / (1.0 + e)


@_function("max({0}, 0)")
def relu(z):
    return np.maximum(z, 0.0)


@_scalar_of(relu)
def _relu_of_a_float(z):
    return z if z > 0 else 0.0


# --- the log loss, with the lecture's 0 · log 0 = 0 ------------------------------------------


@_function("{0} · log {1}", precedence=20)
def xlogy(c, p):
    """c · log p, and 0 wherever c = 0 (the lecture's 0 · log 0 = 0), with no warning."""
    c, p = np.broadcast_arrays(c, p)
    out = np.zeros(c.shape)
    np.log(p, out=out, where=c != 0)
    return c * out


@_scalar_of(xlogy)
def _xlogy_of_floats(c, p):
    return 0.0 if c == 0 else c * math.log(p)


@_function("{0} · log(1 − {1})", precedence=20)
def xlog1my(c, p):
    """c · log(1 − p), and 0 wherever c = 0; log1p keeps the digits of a tiny p."""
    c, p = np.broadcast_arrays(c, p)
    out = np.zeros(c.shape)
    np.log1p(-p, out=out, where=c != 0)
    return c * out


@_scalar_of(xlog1my)
def _xlog1my_of_floats(c, p):
    return 0.0 if c == 0 else c * math.log1p(-p)


@_function("{0}/{1}", precedence=20)
def ratio(c, p):
    """c / p for a probability p ≥ 0, and 0 wherever c = 0, also where p = 0."""
    if np.all(p):  # no zero divisor: where c = 0, c/p is 0 already
        return c / p
    c, p = np.broadcast_arrays(c, p)
    out = np.zeros(c.shape)
    with np.errstate(divide="ignore", over="ignore"):  # c/0 is ±inf: the true value, rounded
        np.divide(c, p, out=out, where=c != 0)
    return out


@_scalar_of(ratio)
def _ratio_of_floats(c, p):
    if c == 0:
        return 0.0
    return c / p if p != 0 else math.copysign(math.inf, c)


@_function("log(1 + e^(−|{0}|)) + ([{0} ≥ 0] − {1}) · {0}", precedence=10)
def logit_loss(z, y):
    """L(σ(z), y) computed from the logit z: exact for every finite z, never overflows.

    −(y log σ(z) + (1 − y) log(1 − σ(z))) = log(1 + e^(−|z|)) + ([z ≥ 0] − y) · z: the first
    term is log(1 + e^(−|z|)), the second (1 − y) · z for z ≥ 0 and y · (−z) for z < 0, both
    ≥ 0 (y = 1, z = −800 gives 800, not inf).
    """
    with np.errstate(invalid="ignore"):  # z = ±inf: 0 · inf where the label agrees with it
        loss = np.log1p(np.exp(-np.abs(z))) + ((z >= 0) - y) * z
    return np.where(np.isnan(loss) & ~np.isnan(z), 0.0, loss)


@_scalar_of(logit_loss)
def _logit_loss_of_floats(z, y):
    term = ((1.0 if z >= 0 else 0.0) - y) * z
    return math.log1p(math.exp(-abs(z))) + (0.0 if term != term else term)


# --- shapes: matrix products and reductions --------------------------------------------------


@_function("{0} · {1}ᵀ", precedence=20)
def times_transpose(dZ, W):
    """dZ · Wᵀ, the gradient of Z = X · W for X; a 1-D W is a column, as numpy's @ takes it."""
    if np.ndim(W) == 1:
        return np.multiply.outer(dZ, W)
    return np.matmul(dZ, np.swapaxes(W, -1, -2))


@_function("{0}ᵀ · {1}", precedence=20)
def transpose_times(X, dZ):
    """Xᵀ · dZ, the gradient of Z = X · W for W; a 1-D X is a row, as numpy's @ takes it."""
    if np.ndim(X) == 1:
        return np.multiply.outer(X, dZ)
    return np.matmul(np.swapaxes(X, -1, -2), dZ)


@_function("{0}ᵀ", numpy_name="transpose")
def transpose(x):
    return np.transpose(x)


@_scalar_of(transpose)
def _transpose_of_a_float(x):
    return x


@_function("Σ {0}", numpy_name="sum")
def total(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


@_function("(1/m) Σ {0}")
def average(x, axis=None, keepdims=False):
    """The mean; where the sum overflows (1e308 twice), the sum of x/m, which does not."""
    with np.errstate(over="ignore", invalid="ignore"):
        if axis is None and not keepdims:  # the cost J: one sum, one division
            mean = np.add.reduce(x, axis=None) / np.size(x)
        else:
            mean = np.mean(x, axis=axis, keepdims=keepdims)
    if np.isfinite(mean).all():
        return mean
    scaled = np.sum(x / (np.size(x) // np.size(mean)), axis=axis, keepdims=keepdims)
    return np.where(np.isfinite(mean), mean, scaled)


@_function("{0}, for every entry")
def spread(g, x, axis=None, keepdims=False):
    """Give every entry of x the gradient g of the sum (or mean) over ``axis`` it went into."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, np.shape(x)).copy()


def shown(name: str) -> str:
    """How a call of the function ``name`` is shown."""
    return FUNCTIONS[name].shown
