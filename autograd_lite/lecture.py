"""The lectures' graphs and their gradient-descent loops, each defined once.

The first lecture's graph, for one example with features ``x1 … xn``::

    z = w1·x1 + … + wn·xn + b        a = σ(z)        L(a, y) = −(y·log a + (1 − y)·log(1 − a))

The second lecture's cost over m examples, first as a for-loop over the examples with
accumulators (``ExampleLoop``: the one-example graph built once and run again for each
example), then vectorized (``VectorizedGraph``: ``J = mean(L(σ(X·w + b), y))``, built once and
run again for each step). Both give ``J``, ``dw`` and ``db``; ``LogisticRegression.fit`` takes
the step ``w := w − α·dw``, ``b := b − α·db``.

The products ``w1·x1`` … are left unnamed: drawings and explanations call them by their
expression (``w1 · x1``), and ``L.gradients(unnamed=False)`` lists only the lecture's names.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from autograd_lite.compile import Program
from autograd_lite.compile import compile as compile_graph
from autograd_lite.node import Constant, Node, Variable
from autograd_lite.ops import LogLoss, Mean, Sigmoid, log_loss, mean, sigmoid

__all__ = [
    "ALPHA",
    "LECTURE_EXAMPLE",
    "LOOP_FORMS",
    "CompiledCost",
    "CompiledLoop",
    "ExampleLoop",
    "LectureGraph",
    "VectorizedGraph",
    "cost",
    "example_loss",
    "lecture_graph",
]

LOOP_FORMS = ("features", "vector")
"""The two forms of the per-example loop: one node per feature, or one vector product."""


def example_loss(
    w: Sequence[Node] | Node, b: Node, x: Sequence[Node] | Node, y: Node
) -> LogLoss:
    """The first lecture's graph for one example: ``L`` of ``a = σ(z)``; ``z``, ``a``, ``L`` named.

    Two forms, as the second lecture goes:

    - ``w`` and ``x`` sequences of scalar nodes: ``z = w1·x1 + … + wn·xn + b``, one
      ``Multiply`` per feature and a chain of ``Add`` nodes (the loop over the features);
    - ``w`` and ``x`` vector nodes of shape (n,): ``z = x·w + b``, one vector product (that
      loop removed).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w = [ag.Variable(0.5, name="w1"), ag.Variable(-0.25, name="w2")]
    >>> x = [ag.Constant(1.0, name="x1"), ag.Constant(2.0, name="x2")]
    >>> L = example_loss(w, ag.Variable(0.1, name="b"), x, ag.Constant(1.0, name="y"))
    >>> L.backward()
    >>> {k: round(v, 4) for k, v in L.gradients(unnamed=False).items()}
    {'dL': 1.0, 'da': -1.9048, 'dz': -0.475, 'dw1': -0.475, 'dw2': -0.95, 'db': -0.475}
    """
    if isinstance(w, Node):
        z = x @ w
    else:
        z = w[0] * x[0]
        for w_j, x_j in zip(w[1:], x[1:], strict=True):
            z = z + w_j * x_j
    z = (z + b).named("z")
    a = sigmoid(z, name="a")
    return log_loss(a, y, name="L")


def cost(X: Node, y: Node, w: Node, b: Node) -> Mean:
    """The second lecture's vectorized cost: ``J = mean(L(σ(X·w + b), y))`` over m examples.

    ``X`` has shape (m, n) with one example per row, ``w`` shape (n,), ``y`` shape (m,).

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> X = ag.Constant(np.array([[1.0, 2.0], [3.0, -1.0]]), name="X")
    >>> y = ag.Constant(np.array([1.0, 0.0]), name="y")
    >>> w, b = ag.Variable(np.zeros(2), name="w"), ag.Variable(0.0, name="b")
    >>> J = cost(X, y, w, b)
    >>> J.backward()
    >>> w.grad.tolist(), b.grad                  # Xᵀ(A − y)/m and mean(A − y) at A = 0.5
    ([0.5, -0.75], 0.0)
    """
    Z = (X @ w + b).named("Z")
    A = sigmoid(Z, name="A")
    return mean(log_loss(A, y, name="L"), name="J")


class VectorizedGraph:
    """The vectorized cost's graph over all m examples: built once, run again for each step.

    Its data are the constants ``X`` and ``y``: give them the next mini-batch's rows
    (``graph.X.value = X_batch``) and the same graph runs on those (``autograd_lite.minibatch``).

    Examples
    --------
    >>> import numpy as np
    >>> graph = VectorizedGraph(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]))
    >>> J, dw, db = graph.gradients(np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.w = Variable(np.zeros(X.shape[1]), name="w")
        self.b = Variable(0.0, name="b")
        self.X = Constant(X, name="X")
        self.y = Constant(y, name="y")
        self.J = cost(self.X, self.y, self.w, self.b)

    def gradients(self, w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        """``J``, ``dw`` and ``db`` at ``w``, ``b``: one forward and one backward pass."""
        self.w.value = w
        self.b.value = b
        self.J.forward()
        self.J.backward()
        return self.J.value, self.w.grad, self.b.grad


class ExampleLoop:
    """The second lecture's for-loop over the examples, on one example's graph run again.

    The graph ``example_loss`` is built once; for each example ``i`` the loop gives its
    inputs the values ``x(i)``, ``y(i)``, runs ``L.forward()`` and ``L.backward()``, and adds
    ``L``, ``dw`` and ``db`` into the accumulators ``J``, ``dw``, ``db``, which it divides by
    ``m`` at the end, as the lecture writes it.

    ``form="features"`` builds ``z = w1·x1 + … + wn·xn + b`` (the loop over the features, one
    node each); ``form="vector"`` builds ``z = x·w + b`` (that loop removed).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    >>> J, dw, db = ExampleLoop(X, y).gradients(np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, form: str = "features") -> None:
        if form not in LOOP_FORMS:
            raise ValueError(f"form must be 'features' or 'vector', got {form!r}")
        n = X.shape[1]
        self.form = form
        self.y = Constant(0.0, name="y")
        self.b = Variable(0.0, name="b")
        self.labels = np.asarray(y, dtype=np.float64).tolist()
        if form == "features":
            # Python floats, read once: each example then costs no conversion.
            self.examples = X.tolist()
            self.w = [Variable(0.0, name=f"w{j}") for j in range(1, n + 1)]
            self.x = [Constant(0.0, name=f"x{j}") for j in range(1, n + 1)]
        else:
            self.examples = list(np.array(X, dtype=np.float64))
            self.w = Variable(np.zeros(n), name="w")
            self.x = Constant(np.zeros(n), name="x")
        self.L = example_loss(self.w, self.b, self.x, self.y)

    def gradients(self, w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        """``J``, ``dw`` and ``db`` at ``w``, ``b``, accumulated example by example."""
        L, b_node, y_node = self.L, self.b, self.y
        b_node.value = b
        m = len(self.labels)
        J, db = 0.0, 0.0  # the accumulators: no superscript (i)
        if self.form == "features":
            for w_j, value in zip(self.w, w.tolist(), strict=True):
                w_j.value = value
            dw = [0.0] * len(self.w)
            for x_i, y_i in zip(self.examples, self.labels, strict=True):
                for x_j, value in zip(self.x, x_i, strict=True):
                    x_j.value = value
                y_node.value = y_i
                L.forward()
                L.backward()  # dz(i) = a(i) − y(i), dw_j(i) = x_j(i)·dz(i), db(i) = dz(i)
                J += L.value
                for j, w_j in enumerate(self.w):
                    dw[j] += w_j.grad
                db += b_node.grad
            return J / m, np.array(dw) / m, db / m
        self.w.value = w
        dw_vector = np.zeros(len(w))
        for x_i, y_i in zip(self.examples, self.labels, strict=True):
            self.x.value = x_i
            y_node.value = y_i
            L.forward()
            L.backward()  # dw(i) = x(i)·dz(i): one vector, the loop over features gone
            J += L.value
            dw_vector += self.w.grad
            db += b_node.grad
        return J / m, dw_vector / m, db / m


class CompiledCost:
    """The vectorized cost ``J = mean(L(σ(X·w + b), y))`` compiled once, for any rows.

    ``ag.compile`` turns the graph into a numpy function (``program.source`` shows it); each
    call runs it on the rows given, so one program serves every batch size.

    Examples
    --------
    >>> import numpy as np
    >>> step = CompiledCost(2)
    >>> J, dw, db = step.gradients(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0]),
    ...                            np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """

    def __init__(self, n: int) -> None:
        # Two rows of zeros are enough to write the program: it takes any number of rows.
        X = Constant(np.zeros((2, n)), name="X")
        y = Constant(np.zeros(2), name="y")
        w, b = Variable(np.zeros(n), name="w"), Variable(0.0, name="b")
        self.program: Program = compile_graph(cost(X, y, w, b), name="cost_and_gradients")
        self._positions = [self.program.inputs.index(k) for k in ("X", "y", "w", "b")]

    def gradients(
        self, X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[float, np.ndarray, float]:
        """``J``, ``dw`` and ``db`` over the rows ``(X, y)`` at ``w``, ``b``."""
        args: list = [None] * 4
        for position, value in zip(self._positions, (X, y, w, b), strict=True):
            args[position] = value
        J, dw, db = self.program.function(*args)
        return float(J), dw, float(db)


class CompiledLoop:
    """The second lecture's for-loop over the examples, calling the compiled one-example graph.

    The one-example graph (``example_loss``, one node per feature or one vector product) is
    compiled to a function of floats; the loop around it is the lecture's, with its
    accumulators ``J += L``, ``dw1 += dw1(i)`` …, divided by ``m`` at the end. ``loop_source``
    is that loop as Python, written for the number of features.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    >>> J, dw, db = CompiledLoop(2).gradients(X, y, np.zeros(2), 0.0)
    >>> round(J, 6), dw.tolist(), db
    (0.693147, [0.5, -0.75], 0.0)
    """

    def __init__(self, n: int, form: str = "features") -> None:
        if form not in LOOP_FORMS:
            raise ValueError(f"form must be 'features' or 'vector', got {form!r}")
        self.form = form
        y, b = Constant(0.0, name="y"), Variable(0.0, name="b")
        if form == "features":
            w = [Variable(0.0, name=f"w{j}") for j in range(1, n + 1)]
            x = [Constant(0.0, name=f"x{j}") for j in range(1, n + 1)]
            L = example_loss(w, b, x, y)
            ws = [f"w{j}" for j in range(1, n + 1)]
            xs = [f"x{j}" for j in range(1, n + 1)]
        else:
            L = example_loss(Variable(np.zeros(n), name="w"), b, Constant(np.zeros(n), name="x"), y)
            ws, xs = ["w"], ["x"]
        self.program: Program = compile_graph(L, name="one_example")
        grads = [f"d{name}" for name in ws]
        inputs = ", ".join(self.program.inputs)
        unpack = "(" + ", ".join(xs) + ("," if len(xs) == 1 else "") + ")"
        if form == "vector":
            unpack = "x"
        self.loop_source = "\n".join([
            f"def the_loop({', '.join(ws)}, b, examples, labels):",
            "    J = db = 0.0",
            *(f"    {g} = 0.0" for g in grads),
            f"    for {unpack}, y in zip(examples, labels):",
            f"        L_i, {', '.join(g + '_i' for g in grads)}, db_i = one_example({inputs})",
            "        J += L_i",
            *(f"        {g} += {g}_i" for g in grads),
            "        db += db_i",
            "    m = len(labels)",
            f"    return J / m, [{', '.join(g + ' / m' for g in grads)}], db / m",
        ]) + "\n"
        namespace = {"one_example": self.program.function}
        exec(builtins.compile(self.loop_source, "<the lecture's loop>", "exec"), namespace)
        self._loop = namespace["the_loop"]

    def gradients(
        self, X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[float, np.ndarray, float]:
        """``J``, ``dw`` and ``db`` at ``w``, ``b``, accumulated example by example."""
        labels = np.asarray(y, dtype=np.float64).tolist()
        if self.form == "features":
            J, dw, db = self._loop(*np.asarray(w, dtype=np.float64).tolist(), float(b),
                                   np.asarray(X, dtype=np.float64).tolist(), labels)
            return J, np.array(dw), db
        J, dw, db = self._loop(np.asarray(w, dtype=np.float64), float(b),
                               list(np.asarray(X, dtype=np.float64)), labels)
        return float(J), dw[0], float(db)

ALPHA = 0.1
"""The learning rate α of one step of gradient descent, wherever a default is needed: the
command line (``quickstart``, ``explain``, ``draw``, ``demo``), ``step_through``,
``LogisticRegression``, and the docs and notebooks' own steps."""

LECTURE_EXAMPLE: dict[str, float] = {
    "x1": 2.0,
    "x2": -1.0,
    "w1": 0.3,
    "w2": -0.4,
    "b": 0.1,
    "y": 1.0,
}
"""The one canonical example of lecture 1, used by ``lecture_graph()``, the CLI, the docs and
the notebooks: ``z = 0.3·2 + (−0.4)·(−1) + 0.1 = 1.1``."""


class LectureGraph(NamedTuple):
    """The named nodes of the lecture's graph: the inputs, parameters, label, z, a and L."""

    x1: Constant | Variable
    x2: Constant | Variable
    w1: Variable
    w2: Variable
    b: Variable
    y: Constant
    z: Node
    a: Sigmoid
    L: LogLoss


def lecture_graph(
    x1: float = LECTURE_EXAMPLE["x1"],
    x2: float = LECTURE_EXAMPLE["x2"],
    w1: float = LECTURE_EXAMPLE["w1"],
    w2: float = LECTURE_EXAMPLE["w2"],
    b: float = LECTURE_EXAMPLE["b"],
    y: float = LECTURE_EXAMPLE["y"],
    *,
    differentiate_x: bool = False,
) -> LectureGraph:
    """Build the lecture's forward graph for one example (backward is not run).

    The defaults are the canonical example, ``LECTURE_EXAMPLE``. ``w1, w2, b`` become
    ``Variable`` leaves; ``x1, x2`` are data, ``Constant`` leaves named ``x1`` and ``x2``, as
    in the lecture, unless ``differentiate_x=True`` makes them Variables too (then ``dx1`` and
    ``dx2`` are computed). ``y`` is a ``Constant`` named ``y``: a label, not something to
    differentiate. The graph is ``example_loss``'s.

    Parameters
    ----------
    x1, x2 : float
        The example's two features.
    w1, w2, b : float
        The parameters.
    y : float
        The label, in [0, 1].
    differentiate_x : bool
        Make ``x1`` and ``x2`` Variables, so that backward computes ``dx1`` and ``dx2``.

    Returns
    -------
    LectureGraph
        The nodes by name; ``g.L`` is the loss to call ``backward()`` on.

    Examples
    --------
    >>> from autograd_lite.lecture import lecture_graph
    >>> g = lecture_graph()
    >>> g.L.backward()
    >>> round(g.z.grad, 6) == round(g.a.value - g.y.value, 6)      # dz = a − y
    True
    >>> g.w1.grad == g.x1.value * g.z.grad                           # dw1 = x1 · dz
    True
    >>> g.x1.grad is None                                            # x1 is data
    True
    """
    if differentiate_x:
        x1_node: Constant | Variable = Variable(x1, name="x1")
        x2_node: Constant | Variable = Variable(x2, name="x2")
    else:
        x1_node = Constant(x1, name="x1", what="the feature x1")
        x2_node = Constant(x2, name="x2", what="the feature x2")
    w1_node, w2_node = Variable(w1, name="w1"), Variable(w2, name="w2")
    b_node = Variable(b, name="b")
    y_node = Constant(y, name="y", what="the label y")
    L = example_loss([w1_node, w2_node], b_node, [x1_node, x2_node], y_node)
    a = L.inputs[0]
    return LectureGraph(x1_node, x2_node, w1_node, w2_node, b_node, y_node, a.inputs[0], a, L)
