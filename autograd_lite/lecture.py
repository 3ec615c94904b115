"""The lecture's one-example graph, built once for the docs, the command line and the tests.

Two features, parameters ``w1, w2, b``, one example ``(x1, x2)`` with label ``y``::

    z = w1·x1 + w2·x2 + b        a = σ(z)        L(a, y) = −(y·log a + (1 − y)·log(1 − a))

The products ``w1·x1`` and ``w2·x2`` are left unnamed: drawings and explanations call them by
their expression (``w1 · x1``), and ``L.gradients()`` lists only the lecture's names.
"""

from __future__ import annotations

from typing import NamedTuple

from autograd_lite.node import Constant, Node, Variable
from autograd_lite.ops import LogLoss, Sigmoid


class LectureGraph(NamedTuple):
    """The named nodes of the lecture's graph: the inputs, parameters, label, z, a and L."""

    x1: Variable
    x2: Variable
    w1: Variable
    w2: Variable
    b: Variable
    y: Constant
    z: Node
    a: Sigmoid
    L: LogLoss


def lecture_graph(
    x1: float = 1.0,
    x2: float = 2.0,
    w1: float = 0.5,
    w2: float = -0.25,
    b: float = 0.1,
    y: float = 1.0,
) -> LectureGraph:
    """Build the lecture's forward graph for one example (backward is not run).

    ``x1, x2, w1, w2, b`` become ``Variable`` leaves (so ``dx1`` is computed too, as the
    lecture's picture allows), ``y`` a ``Constant`` named ``y``: a label, not something to
    differentiate.

    Parameters
    ----------
    x1, x2 : float
        The example's two features.
    w1, w2, b : float
        The parameters.
    y : float
        The label, in [0, 1].

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
    """
    x1_node, x2_node = Variable(x1, name="x1"), Variable(x2, name="x2")
    w1_node, w2_node = Variable(w1, name="w1"), Variable(w2, name="w2")
    b_node = Variable(b, name="b")
    y_node = Constant(y, name="y", what="the label y")
    z = (w1_node * x1_node + w2_node * x2_node + b_node).named("z")
    a = Sigmoid(z, name="a")
    L = LogLoss(a, y_node, name="L")
    return LectureGraph(x1_node, x2_node, w1_node, w2_node, b_node, y_node, z, a, L)
