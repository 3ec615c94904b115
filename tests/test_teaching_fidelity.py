"""Every frame, line and picture consistent with the lecture and with itself (issue 20).

The lecture's first example as a teacher checks it by hand: x = (1, 2), w = (1, −1), b = 0,
y = 0 (so z = −1, a = σ(−1) = 0.268941 and dz = a − y = a), and lecture 2's cost on a few
examples of both classes.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.explain import explain, explain_forward, explain_update
from autograd_lite.lecture import lecture_graph
from autograd_lite.notation import graph_nodes, node_labels
from autograd_lite.stepthrough import step_through


@pytest.fixture(scope="module")
def by_hand():
    g = lecture_graph(x1=1.0, x2=2.0, w1=1.0, w2=-1.0, b=0.0, y=0.0)
    g.L.backward()
    return g, step_through(g.L, alpha=0.1)


def _levels(output: ag.Node) -> dict[int, int]:
    """Each node's distance from the output, in edges (the output is level 0)."""
    level = {id(output): 0}
    for node in reversed(graph_nodes(output)):  # every user before the node it uses
        for x in node.inputs:
            level[id(x)] = min(level.get(id(x), 10**9), level[id(node)] + 1)
    return level


# --- item 1: the forward pass reads as the expression does -------------------------------------


def test_forward_frames_follow_the_expressions_reading_order(by_hand):
    g, steps = by_hand
    labels = node_labels(g.L)
    forward = [labels[id(f.node)] for f in steps if f.phase == "forward"]
    assert forward == ["w1 · x1", "w2 · x2", "w1 · x1 + w2 · x2", "z", "a", "L"]
    assert [labels[id(c.node)] for c in explain_forward(g.L)] == forward
    # each op after its inputs: a pass forward() could compute in
    seen: set[int] = set()
    for frame in steps:
        if frame.phase == "forward":
            assert all(id(x) in seen or not x.inputs for x in frame.node.inputs)
            seen.add(id(frame.node))


def test_backward_frames_keep_the_reading_order_within_each_level(by_hand):
    g, steps = by_hand
    reading = {id(node): k for k, node in enumerate(graph_nodes(g.L))}
    level = _levels(g.L)
    backward = [f.node for f in steps if f.phase == "backward"]
    for depth in set(level.values()):
        at_level = [node for node in backward if level[id(node)] == depth]
        assert at_level == sorted(at_level, key=lambda node: reading[id(node)])
    labels = node_labels(g.L)
    assert [labels[id(n)] for n in backward if level[id(n)] == 5] == ["w1", "w2"]


# --- item 8: one minus sign ------------------------------------------------------------------

_HYPHEN_NUMBER = re.compile(r"-\d|-\.\d|\(-")


def test_every_caption_line_and_label_writes_the_lectures_minus_sign(by_hand):
    g, steps = by_hand
    texts = [f.caption for f in steps]
    texts += str(explain(g.L)).splitlines()
    texts += [str(u) for u in explain_update(g.L, 0.1)]
    texts += [str(c) for c in explain_forward(g.L)]
    texts += ag.draw(g.L, derivatives=True).source.splitlines()
    assert "a = σ(z) = 1 / (1 + e^(−z)) = 1 / (1 + e^(−(−1))) = 0.268941" in texts
    assert any("(−0/0.268941 + (1 − 0)/(1 − 0.268941))" in t for t in texts)
    assert [t for t in texts if _HYPHEN_NUMBER.search(t)] == []
    X = np.array([[1.0, -2.0], [-0.5, 1.0], [2.0, 0.5]])
    w, b = ag.Variable(np.array([0.3, -0.4]), name="w"), ag.Variable(-0.1, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(ag.Constant(X, name="X") @ w + b), np.array([1.0, 0, 1])))
    J.backward()
    for convention in ("lecture", "engine"):
        lines = str(explain(J, convention=convention)).splitlines()
        assert [t for t in lines if _HYPHEN_NUMBER.search(t)] == []
