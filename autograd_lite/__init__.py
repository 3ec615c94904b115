"""autograd_lite: backpropagation on a computation graph, made for teaching.

Build the lecture's graph with operators and small functions, call ``backward()`` on the
loss, and read each gradient by the lecture's name (``z.grad`` is ``dz``).

Examples
--------
>>> import autograd_lite as ag
>>> x1, x2 = ag.Variable(1.0, name="x1"), ag.Variable(2.0, name="x2")
>>> w1, w2 = ag.Variable(0.5, name="w1"), ag.Variable(-0.25, name="w2")
>>> b = ag.Variable(0.1, name="b")
>>> z = (w1 * x1 + w2 * x2 + b).named("z")
>>> a = ag.sigmoid(z, name="a")
>>> L = ag.log_loss(a, 1, name="L")
>>> L.backward()
>>> round(z.grad, 6), round(a.value - 1, 6)       # dz = a − y
(-0.475021, -0.475021)
"""

from autograd_lite.anomaly import detect_anomaly, set_detect_anomaly
from autograd_lite.compile import (
    Program,
    compile,  # noqa: A004 (ag.compile, the graph as code)
)
from autograd_lite.conventions import NotFittedError
from autograd_lite.datasets import load_breast_cancer, load_flower
from autograd_lite.draw import (
    Drawing,
    GraphvizNotFoundError,
    draw,
    draw_steps,
    path_between,
    save_steps,
)
from autograd_lite.errors import GradcheckError, NonFiniteError, ShapeError, StaleGraphError
from autograd_lite.explain import (
    Computation,
    Explanation,
    Update,
    explain,
    explain_forward,
    explain_update,
)
from autograd_lite.gradcheck import GradcheckReport, gradcheck
from autograd_lite.lecture import LECTURE_EXAMPLE, LectureGraph, lecture_graph
from autograd_lite.logistic import GradientStep, LogisticRegression
from autograd_lite.network import NeuralNetwork
from autograd_lite.node import Constant, Node, Variable, topological_order
from autograd_lite.ops import (
    Add,
    Divide,
    Exp,
    Exponential,
    Log,
    LogLoss,
    MatMul,
    Mean,
    Multiply,
    Negate,
    Op,
    Power,
    ReLU,
    Sigmoid,
    Subtract,
    Sum,
    Tanh,
    Transpose,
    exp,
    log,
    log_loss,
    matmul,
    mean,
    relu,
    sigmoid,
    sum,  # noqa: A004 (ag.sum, as np.sum)
    tanh,
)
from autograd_lite.stepthrough import Frame, StepThrough, step_through

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ``ag.exercises`` is imported on first use: a notebook that needs the exercises gets them,
    # ``import autograd_lite`` alone does not pay for building them.
    if name == "exercises":
        import importlib

        return importlib.import_module("autograd_lite.exercises")
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")


__all__ = [
    "LECTURE_EXAMPLE",
    "Add",
    "Computation",
    "Constant",
    "Divide",
    "Drawing",
    "Exp",
    "Explanation",
    "Exponential",
    "Frame",
    "GradcheckError",
    "GradcheckReport",
    "GradientStep",
    "GraphvizNotFoundError",
    "LectureGraph",
    "Log",
    "LogLoss",
    "LogisticRegression",
    "MatMul",
    "Mean",
    "Multiply",
    "Negate",
    "NeuralNetwork",
    "Node",
    "NonFiniteError",
    "NotFittedError",
    "Op",
    "Power",
    "Program",
    "ReLU",
    "ShapeError",
    "Sigmoid",
    "StaleGraphError",
    "StepThrough",
    "Subtract",
    "Sum",
    "Tanh",
    "Transpose",
    "Update",
    "Variable",
    "compile",
    "detect_anomaly",
    "draw",
    "draw_steps",
    "exp",
    "explain",
    "explain_forward",
    "explain_update",
    "gradcheck",
    "lecture_graph",
    "load_breast_cancer",
    "load_flower",
    "log",
    "log_loss",
    "matmul",
    "mean",
    "path_between",
    "relu",
    "save_steps",
    "set_detect_anomaly",
    "sigmoid",
    "step_through",
    "sum",
    "tanh",
    "topological_order",
]
