"""TEMPORARY stand-ins for ``ag.tanh`` and ``ag.relu`` until the engine's own ops land on main.

Written as user ops, the documented way (docs/adding-an-op.md). Delete this file once main has
``ag.tanh`` and ``ag.relu``; ``autograd_lite.network`` is the only user.
"""

from __future__ import annotations

import numpy as np

from autograd_lite.node import Node


class _Tanh(Node):
    __slots__ = ()
    symbol = "tanh"
    formula = "{out} = tanh({0})"
    gradient_formulas = ("d{0} = d{out} · (1 − {out}²)",)
    local_derivatives = ("1 − {out}²",)

    def forward_step(self, z):
        return np.tanh(z)

    def backward_step(self, da):
        a = self.value
        return (da * (1.0 - a * a),)


class _ReLU(Node):
    __slots__ = ()
    symbol = "ReLU"
    formula = "{out} = max({0}, 0)"
    gradient_formulas = ("d{0} = d{out} · [{0} > 0]",)
    local_derivatives = ("[{0} > 0]",)

    def forward_step(self, z):
        return np.maximum(z, 0.0)

    def backward_step(self, da):
        return (da * (np.asarray(self.inputs[0].value) > 0),)


def tanh(z, name=None):
    return _Tanh(z, name=name)


def relu(z, name=None):
    return _ReLU(z, name=name)
