"""The solutions to ``autograd_lite.exercises``: the code an instructor's notebook shows.

Each is written as the lecture writes it, in plain Python and numpy, the way a student would:
not with the engine, which the checks use for their reference. The tests hold every check to
accepting these.

Examples
--------
>>> from autograd_lite import exercises
>>> ex = exercises.one_example_backward
>>> print(ex.check(**one_example_backward(**ex.given)))
✓ Backward on one example: da, dz, dw1, dw2 and db are all right.
>>> print(exercises.loop_step.check(loop_step))
✓ Gradient descent on m examples, with a loop: J, dw, db and the updated w and b are all right.
>>> print(exercises.vectorized_step.check(vectorized_step))
✓ One vectorized step (examples in columns): Z, A, dZ, dw, db and J are all right.
>>> print(exercises.tanh_op.check(Tanh))
✓ A new op: tanh: forward and backward are right; gradcheck passes.
"""

from __future__ import annotations

import math

import numpy as np

from autograd_lite.node import Node
from autograd_lite.values import Value

__all__ = [
    "Square",
    "Tanh",
    "loop_step",
    "network_backward",
    "network_forward",
    "one_example_backward",
    "vectorized_step",
    "vectorized_step_rows",
]


def one_example_backward(
    x1: float, x2: float, w1: float, w2: float, b: float, y: float
) -> dict[str, float]:
    """Lecture 1: forward, then ``da, dz, dw1, dw2, db`` right to left.

    Examples
    --------
    >>> d = one_example_backward(x1=2.0, x2=-1.0, w1=0.3, w2=-0.4, b=0.1, y=1.0)
    >>> round(d["dz"], 6) == round(d["db"], 6)
    True
    """
    z = w1 * x1 + w2 * x2 + b
    a = 1 / (1 + math.exp(-z))
    da = -y / a + (1 - y) / (1 - a)
    dz = a - y  # da · a(1 − a), simplified
    dw1 = x1 * dz
    dw2 = x2 * dz
    db = dz
    return {"da": da, "dz": dz, "dw1": dw1, "dw2": dw2, "db": db}


def loop_step(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, alpha: float
) -> tuple[float, list[float], float, list[float], float]:
    """Lecture 2: one step of gradient descent, with the for-loop over the m examples.

    ``X[i]`` is the example ``x(i)``; returns ``(J, dw, db, w, b)``, the parameters updated.

    Examples
    --------
    >>> J, dw, db, w, b = loop_step(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]),
    ...                             np.zeros(2), 0.0, alpha=0.1)
    >>> print(f"J = {J:.6f}, dw = {np.round(dw, 6)}, db = {db:.6f}, w = {np.round(w, 6)}")
    J = 0.693147, dw = [ 0.5  -0.75], db = 0.000000, w = [-0.05   0.075]
    """
    m, n = X.shape
    J, dw, db = 0.0, [0.0] * n, 0.0  # the accumulators
    for i in range(m):
        z = b
        for j in range(n):
            z += w[j] * X[i][j]
        a = 1 / (1 + math.exp(-z))
        J += -(y[i] * math.log(a) + (1 - y[i]) * math.log(1 - a))
        dz = a - y[i]
        for j in range(n):
            dw[j] += X[i][j] * dz
        db += dz
    J /= m
    dw = [dw_j / m for dw_j in dw]
    db /= m
    w = [w[j] - alpha * dw[j] for j in range(n)]
    b = b - alpha * db
    return J, dw, db, w, b


def vectorized_step(
    X: np.ndarray, Y: np.ndarray, w: np.ndarray, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Lecture 2 vectorized, the course's way: ``X`` n × m, ``Y`` 1 × m, ``w`` n × 1.

    Examples
    --------
    >>> X, Y, w = np.ones((2, 3)), np.ones((1, 3)), np.zeros((2, 1))
    >>> Z, A, dZ, dw, db, J = vectorized_step(X, Y, w, 0.0)
    >>> Z.shape, dw.shape, float(db)
    ((1, 3), (2, 1), -0.5)
    """
    m = X.shape[1]
    Z = w.T @ X + b
    A = 1 / (1 + np.exp(-Z))
    dZ = A - Y
    dw = X @ dZ.T / m
    db = np.sum(dZ) / m
    J = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return Z, A, dZ, dw, db, J


def vectorized_step_rows(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Lecture 2 vectorized with examples in rows: ``X`` m × n, ``y`` (m,), ``w`` (n,).

    Examples
    --------
    >>> Z, A, dZ, dw, db, J = vectorized_step_rows(np.ones((3, 2)), np.ones(3), np.zeros(2), 0.0)
    >>> Z.shape, dw.shape, float(db)
    ((3,), (2,), -0.5)
    """
    m = X.shape[0]
    Z = X @ w + b
    A = 1 / (1 + np.exp(-Z))
    dZ = A - y
    dw = X.T @ dZ / m
    db = np.mean(dZ)
    J = -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))
    return Z, A, dZ, dw, db, J


class Tanh(Node):
    """``a = tanh(z)``, elementwise. Backward: ``dz = da · (1 − a²)``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> z = ag.Variable(0.5, name="z")
    >>> Tanh(z).backward()
    >>> round(z.grad, 6)
    0.786448
    """

    __slots__ = ()
    symbol = "tanh"
    formula = "{out} = tanh({0})"
    gradient_formulas = ("d{0} = d{out} · (1 − {out}²)",)
    local_derivatives = ("1 − {out}²",)

    def forward_step(self, z: Value) -> Value:
        return np.tanh(z)

    def backward_step(self, da: Value) -> tuple[Value]:
        a = self.value
        return (da * (1 - a * a),)


class Square(Node):
    """``a = z²``, elementwise. Backward: ``dz = da · 2z``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> z = ag.Variable(3.0, name="z")
    >>> Square(z).backward()
    >>> z.grad
    6.0
    """

    __slots__ = ()
    symbol = "²"
    formula = "{out} = {0}²"
    gradient_formulas = ("d{0} = d{out} · 2{0}",)
    local_derivatives = ("2{0}",)

    def forward_step(self, z: Value) -> Value:
        return np.square(z)

    def backward_step(self, da: Value) -> tuple[Value]:
        z = self.inputs[0].value
        return (da * 2 * z,)


def network_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Lecture 3: forward propagation with one hidden layer, examples in columns.

    Examples
    --------
    >>> from autograd_lite import exercises
    >>> print(exercises.network_forward.check(network_forward))
    ✓ Forward propagation, one hidden layer: Z1, A1, Z2 and A2 are all right.
    """
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return Z1, A1, Z2, A2


def network_backward(
    parameters: dict[str, np.ndarray], cache: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> dict[str, np.ndarray]:
    """Lecture 3: backward propagation with one hidden layer, the course's six formulas.

    Examples
    --------
    >>> from autograd_lite import exercises
    >>> print(exercises.network_backward.check(network_backward))
    ✓ Backward propagation, one hidden layer: dW1, db1, dW2 and db2 are all right.
    """
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = (1 / m) * dZ2 @ cache["A1"].T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
