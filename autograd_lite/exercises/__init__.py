"""Exercises that check themselves, for the two lectures.

An instructor assigns them; a student answers in a notebook cell and calls ``check``. The check
computes the reference with the library's own graph, compares, and answers with a ``Feedback``:
``passed``, and for each thing that is not right yet a hint in the lecture's notation that
names the mistake and says where to look. Hints show the student's own numbers and what they
match ("your dz equals a, the activation"), never the right number. The one exception is the
new op's check: it reports gradcheck's comparison, which sets the student's backward beside the
numerical derivative of the student's own forward, as gradcheck always does.

The exercises, each a ready-made object (its class takes other numbers or data):

- ``one_example_backward`` (lecture 1): ``da, dz, dw1, dw2, db`` for one example.
  ``check(da=..., dz=..., dw1=..., dw2=..., db=...)``.
- ``loop_step`` (lecture 2): one step of gradient descent with the for-loop over the m
  examples. ``check(gradient_step)`` for a function ``gradient_step(X, y, w, b, alpha)``
  returning ``(J, dw, db, w, b)``; ``X[i]`` is the example ``x(i)``.
- ``vectorized_step`` (lecture 2): the same step without a loop, in the course's convention,
  examples in columns: ``X`` n × m, ``Y`` 1 × m, ``w`` n × 1. ``vectorized_step_rows`` is the
  same exercise with examples in rows, as numpy and this library put them: ``X`` m × n, ``y``
  and ``w`` 1-D. The convention belongs to the exercise object, not guessed from the answer:
  a hint can then say which shape was expected and why. ``check(step)`` for a function
  ``step(X, Y, w, b)`` returning ``(Z, A, dZ, dw, db, J)``.
- ``network_forward``, ``network_backward`` (lecture 3): forward and backward propagation of
  a network with one hidden layer, in the course's layout (``autograd_lite.exercises.network``).
- ``tanh_op``, ``square_op``: a new op, a ``Node`` subclass with ``forward_step`` and
  ``backward_step`` (see docs/adding-an-op.md). ``check(Tanh)`` runs ``gradcheck`` and reports
  the entries that differ.

Every exercise has ``given``: the numbers or data the check uses, to show in the notebook.

A ``check`` never raises for a wrong answer: an answer of ``None`` (a cell not done yet), a
function that raises, returns the wrong thing or computes wrong numbers, all give a
``Feedback``. It raises ``TypeError`` or ``ValueError``, naming the argument, only for misuse:
an answer missing, something that is not a number where a number is asked, a function that
cannot take the exercise's arguments.

Numbers are compared to within ``RTOL`` of the size of the terms they are computed from (see
there). The reference solutions, the code an instructor's notebook shows, are plain functions
in ``autograd_lite.exercises_solutions``; each check passes its solution. One module per
exercise (``one_example``, ``loop``, ``vectorized``, ``new_op``); ``_checking`` holds what they
share. ``import autograd_lite`` does not load them; ``ag.exercises`` or
``from autograd_lite import exercises`` does.

Examples
--------
A notebook cell, as a student fills it in:

>>> from autograd_lite import exercises
>>> ex = exercises.one_example_backward
>>> ex.given
{'x1': 2.0, 'x2': -1.0, 'w1': 0.3, 'w2': -0.4, 'b': 0.1, 'y': 1.0}
>>> x1, x2, w1, w2, b, y = ex.given.values()
>>> import math
>>> a = 1 / (1 + math.exp(-(w1 * x1 + w2 * x2 + b)))
>>> da = -y / a + (1 - y) / (1 - a)
>>> print(ex.check(da=da, dz=a, dw1=None, dw2=None, db=None))
✗ Backward on one example: 4 of 5 not right yet; right: da.
  • dz: your dz = 0.75026 equals a, the activation: dz = a − y, the label is subtracted.
  • dw1: not answered yet.
  • dw2: not answered yet.
  • db: not answered yet.
"""

from autograd_lite.exercises._checking import RTOL, Z_LIMIT, Feedback
from autograd_lite.exercises.loop import LoopStep, loop_step
from autograd_lite.exercises.network import (
    NetworkBackward,
    NetworkForward,
    network_backward,
    network_forward,
)
from autograd_lite.exercises.new_op import NewOp, square_op, tanh_op
from autograd_lite.exercises.one_example import OneExampleBackward, one_example_backward
from autograd_lite.exercises.vectorized import (
    VectorizedStep,
    vectorized_step,
    vectorized_step_rows,
)

__all__ = [
    "RTOL",
    "Z_LIMIT",
    "Feedback",
    "LoopStep",
    "NetworkBackward",
    "NetworkForward",
    "NewOp",
    "OneExampleBackward",
    "VectorizedStep",
    "loop_step",
    "network_backward",
    "network_forward",
    "one_example_backward",
    "square_op",
    "tanh_op",
    "vectorized_step",
    "vectorized_step_rows",
]
