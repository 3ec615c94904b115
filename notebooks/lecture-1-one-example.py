# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lecture 1 — gradient descent for one example, on a computation graph
#
# Logistic regression on **one** training example, drawn as a computation graph: the forward
# pass left to right, the backward pass right to left with the chain rule, and one step of
# gradient descent. Every number in this notebook is computed by a cell, with
# `autograd_lite`; run the cells in order.

# %% [markdown] tags=["instructor"]
# *Instructor version.* The exercise cells at the end hold the solutions, and each check cell
# after them prints ✓. The student version (`notebooks/student/`) has the same cells with the
# solutions taken out; both are generated from `notebooks/lecture-1-one-example.py`.

# %% [markdown] tags=["student"]
# *Student version.* The exercises are at the end: fill in each cell marked *Exercise*, then
# run the cell after it, which checks your answer and says what is not right yet.

# %% tags=["setup"]
# Run this cell first. `bash scripts/notebooks`, in the clone, installs all these notebooks need;
# elsewhere this cell installs autograd_lite (not on PyPI) from the clone it sits in, or from
# AUTOGRAD_LITE_SOURCE: a Git URL, a clone's path or a wheel, to set for a hosted service.
AUTOGRAD_LITE_SOURCE = ""
import importlib.util
import shlex
from pathlib import Path

if importlib.util.find_spec("autograd_lite") is None:
    from IPython import get_ipython

    here = [p for p in (Path.cwd(), *Path.cwd().parents) if (p / "autograd_lite").is_dir()]
    source = str(here[0]) if here else AUTOGRAD_LITE_SOURCE
    if not source:
        raise RuntimeError("no autograd_lite: set AUTOGRAD_LITE_SOURCE, run the cell again")
    print(f"Installing autograd_lite from {source} ...")
    packages = f"{shlex.quote(source)} matplotlib ipywidgets"
    get_ipython().run_line_magic("pip", f"install --quiet {packages}")
else:
    print("autograd_lite is importable: nothing to install.")

# %%
import math

import numpy as np

import autograd_lite as ag
from autograd_lite import exercises

# %% [markdown]
# ## 1. The example and the graph
#
# One example has two features `x1, x2` and a label `y ∈ {0, 1}`; the parameters are
# `w1, w2, b`. The model computes, one box per step:
#
# ```text
# z = w1·x1 + w2·x2 + b
# a = ŷ = σ(z) = 1 / (1 + e^(−z))
# L(a, y) = −( y·log(a) + (1 − y)·log(1 − a) )
# ```
#
# The lecture's example, the one the whole package uses:

# %%
ag.LECTURE_EXAMPLE

# %% [markdown]
# `ag.lecture_graph()` builds that graph. The features and the label are data, `Constant`s;
# the parameters are `Variable`s, the leaves whose derivatives we want. Each node computes its
# value when it is built: this is the **forward pass**.

# %%
g = ag.lecture_graph()
print(f"z = {g.z.value:.6f}")
print(f"a = {g.a.value:.6f}")
print(f"L = {g.L.value:.6f}")

# %% [markdown]
# The same three lines by hand, with Python's `math`, give the same numbers:

# %%
z = g.w1.value * g.x1.value + g.w2.value * g.x2.value + g.b.value
a = 1 / (1 + math.exp(-z))
L = -(g.y.value * math.log(a) + (1 - g.y.value) * math.log(1 - a))
assert math.isclose(z, g.z.value) and math.isclose(a, g.a.value) and math.isclose(L, g.L.value)
print(f"by hand: z = {z:.6f}, a = {a:.6f}, L = {L:.6f}")

# %% [markdown]
# `ag.draw` draws the graph as the engine built it. Blue boxes are the `Variable`s, grey
# dashed ones the `Constant`s, yellow ones the operations, each with its value. Before
# `backward()` there are no gradients to show. Inside the engine, `z` adds up smaller boxes:
# two products and a partial sum, each called by its expression.

# %%
ag.draw(g.L)

# %% [markdown]
# ## 2. Backward: the chain rule, right to left
#
# In code each derivative of the final output `L` is named after the variable: `da` means
# dL/da, `dz` means dL/dz, and so on. The lecture's formulas:
#
# ```text
# da  = −y/a + (1 − y)/(1 − a)
# dz  = dL/da · da/dz = da · a(1 − a)          (the chain rule)
# dw1 = x1 · dz      dw2 = x2 · dz      db = dz
# ```
#
# `L.backward()` runs the backward pass; `L.gradients()` lists every gradient by the
# lecture's name.

# %%
g.L.backward()
for name, value in g.L.gradients().items():
    print(f"{name:>3} = {value: .6f}")

# %% [markdown]
# The lecture's formulas by hand, with the values of the forward pass, give the engine's
# numbers:

# %%
a, y = g.a.value, g.y.value
da = -y / a + (1 - y) / (1 - a)
dz = da * a * (1 - a)  # the chain rule: dL/da · da/dz
dw1, dw2, db = g.x1.value * dz, g.x2.value * dz, dz
for name, by_hand, node in [
    ("da", da, g.a), ("dz", dz, g.z), ("dw1", dw1, g.w1), ("dw2", dw2, g.w2), ("db", db, g.b)
]:
    assert math.isclose(by_hand, node.grad, rel_tol=1e-12), name
    print(f"{name:>3}: by hand {by_hand: .6f}, engine {node.grad: .6f}")

# %% [markdown]
# ### The lecture's simplification: dz = a − y
#
# Put `da` into the chain rule and multiply out:
#
# ```text
# dz = ( −y/a + (1 − y)/(1 − a) ) · a(1 − a)
#    = −y·(1 − a) + (1 − y)·a
#    = a − y
# ```
#
# The engine's `dz` is exactly that difference between the prediction and the label:

# %%
assert math.isclose(g.z.grad, g.a.value - g.y.value, rel_tol=1e-12)
print(f"dz = {g.z.grad:.6f},  a − y = {g.a.value - g.y.value:.6f}")

# %% [markdown]
# One example proves nothing; here are many logits `z` and both labels. For each, the engine's
# `dz` must be `a − y`:

# %%
cases = 0
for label in (0.0, 1.0):
    for logit in np.linspace(-8.0, 8.0, 33):
        z_node = ag.Variable(float(logit), name="z")
        a_node = ag.sigmoid(z_node, name="a")
        ag.log_loss(a_node, label, name="L").backward()
        assert math.isclose(z_node.grad, a_node.value - label, rel_tol=1e-12, abs_tol=1e-15)
        cases += 1
print(f"dz = a − y held in all {cases} cases")

# %% [markdown]
# The picture after `backward()`: each box now carries its gradient in red.
# With `derivatives=True` each edge also carries its local derivative (`∂a/∂z = a(1 − a)`),
# the factor the chain rule multiplies by on the way back. The dashed purple edge is the
# shortcut `dz = dL · (a − y)` that the loss box sends straight back to `z`.

# %%
ag.draw(g.L, derivatives=True)

# %% [markdown]
# ### The backward pass, step by step: `ag.explain`
#
# `ag.explain(L)` tells how every gradient came about, in the order `backward()` visits the
# nodes: the formula in the lecture's names, the same formula with the numbers, and what the
# lecture would remark. It redoes each step with the ops' own code, so it tells the engine's
# story, not a copy of it.

# %%
ag.explain(g.L)

# %% [markdown]
# ### The slide's single z box: `collapse=True`
#
# The lecture's slide draws `z = w1·x1 + w2·x2 + b` as one box, and writes `dw1 = x1 · dz`
# directly. `collapse=True` draws and explains the graph that way; the numbers are the same.

# %%
ag.draw(g.L, collapse=True, derivatives=True)

# %%
ag.explain(g.L, collapse=True)

# %% [markdown]
# ### The chain rule taken literally: `fused=False`
#
# The engine takes the lecture's shortcut: the loss box sends `dz = a − y` straight to `z`.
# With `fused=False` the backward pass multiplies out the chain rule instead, box by box:
# `da` from the loss, then `dz = da · a(1 − a)` in the sigmoid's own backward step. Same
# numbers here; the shortcut is safer only where `a` rounds to exactly 0 or 1. In the picture
# the dashed shortcut is gone: the gradient flows back along the edges, `∂L/∂a` then `∂a/∂z`.

# %%
ag.explain(g.L, fused=False, collapse=True)

# %%
ag.draw(g.L, fused=False, collapse=True, derivatives=True)

# %% [markdown]
# A graph of its own, run backward literally, gives the same gradients:

# %%
literal = ag.lecture_graph()
literal.L.backward(fused=False)
for name in ("z", "w1", "w2", "b"):
    ours, theirs = getattr(literal, name).grad, getattr(g, name).grad
    assert math.isclose(ours, theirs, rel_tol=1e-12), name
    print(f"d{name}: literal chain rule {ours: .6f}, shortcut {theirs: .6f}")

# %% [markdown]
# ## 3. One step of gradient descent
#
# With learning rate `α`, each parameter moves a little against its derivative:
#
# ```text
# w1 := w1 − α·dw1      w2 := w2 − α·dw2      b := b − α·db
# ```
#
# `ag.explain_update` writes the step with the numbers, and changes nothing:

# %%
alpha = 0.1
updates = ag.explain_update(g.L, alpha)
for update in updates:
    print(update)

# %% [markdown]
# ### The whole step, frame by frame: `ag.step_through`
#
# Before we take the step, here it is from the start, one frame at a time: the forward pass
# (each box gets its value), the backward pass (each box gets its gradient, the edges pointing
# the way it flows back), and the update of each parameter. Each frame's caption is the
# formula with the numbers, the same text `ag.explain` and `ag.explain_update` print. Drawn
# with the slide's single `z` box:

# %%
stepper = ag.step_through(g.L, alpha=alpha, collapse=True)
for frame in stepper:
    print(f"{frame.heading:>16}: {frame.caption}")

# %% [markdown]
# In Jupyter the step-through is a widget: step with *previous* / *next* or the slider.
# (`stepper.save_html("step.html")` writes the same frames as one page that any browser opens,
# offline; `stepper.save_frames("frames")` one picture per frame, for slides.)

# %%
stepper

# %% [markdown]
# Take the step, then run the same graph forward again: `L.forward()` recomputes every node
# from the leaves' new values and returns the new `L`.

# %%
loss_before = g.L.value
for update in updates:
    update.node.value = update.value  # w := w − α·dw
loss_after = g.L.forward()
assert loss_after < loss_before
print(f"L before the step: {loss_before:.6f}")
print(f"L after the step:  {loss_after:.6f}")

# %% [markdown]
# Training is this, repeated on the one graph: forward, backward, step.

# %%
losses = []
for _ in range(5):
    losses.append(g.L.forward())  # left to right: z, a, L
    g.L.backward()  # right to left: dz, dw1, dw2, db
    for parameter in (g.w1, g.w2, g.b):
        parameter.value = parameter.value - alpha * parameter.grad
assert np.all(np.diff(losses) < 0)  # L falls at every step
print("L, step by step:", ", ".join(f"{loss:.6f}" for loss in losses))

# %%
g.L.forward()
g.L.backward()
ag.draw(g.L, collapse=True, title="after the steps of gradient descent")

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: backward on one example
#
# With the numbers below (the lecture's example), compute the forward pass and then the five
# derivatives `da, dz, dw1, dw2, db`, in plain Python with `math`: no engine. Use the
# lecture's formulas; type no rounded numbers, compute them.

# %%
exercises.one_example_backward.given

# %% tags=["exercise"]
given = exercises.one_example_backward.given
x1, x2, y = given["x1"], given["x2"], given["y"]
w1, w2, b = given["w1"], given["w2"], given["b"]

z = w1 * x1 + w2 * x2 + b  # SOLUTION: forward: z, then a = σ(z)
a = 1 / (1 + math.exp(-z))  # SOLUTION
da = -y / a + (1 - y) / (1 - a)  # SOLUTION: dL/da
dz = da * a * (1 - a)  # SOLUTION: dL/dz, by the chain rule
dw1 = x1 * dz  # SOLUTION
dw2 = x2 * dz  # SOLUTION
db = dz  # SOLUTION

# %% tags=["check"]
exercises.one_example_backward.check(da=da, dz=dz, dw1=dw1, dw2=dw2, db=db)

# %% [markdown]
# ### Exercise 2: the backward step of a new box
#
# Every box of the graph is a subclass of `ag.Node` with two methods side by side:
# `forward_step` computes its value from its inputs', and `backward_step(da)` is one step of
# the chain rule: given `da`, the derivative of the output with respect to this box, it
# returns the derivative with respect to each input, as a tuple.
#
# Here is a new box, `a = tanh(z)`, with its forward step written. Write its backward step.
# Its local derivative can be written with its own output, as the sigmoid's can:
# `da/dz = 1 − tanh(z)² = 1 − a²`, and the box's value `a` is `self.value`.

# %% tags=["exercise"]
class Tanh(ag.Node):
    """``a = tanh(z)``, elementwise."""

    def forward_step(self, z):
        return np.tanh(z)

    def backward_step(self, da):
        # BEGIN SOLUTION
        a = self.value
        return (da * (1 - a * a),)  # dz = da · (1 − a²)
        # END SOLUTION


# %% tags=["check"]
exercises.tanh_op.check(Tanh)
