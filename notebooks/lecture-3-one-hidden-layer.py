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
# # Lecture 3 — a neural network with one hidden layer
#
# Logistic regression draws one straight line through the plane. The course's next data set,
# a "flower" of two classes, cannot be split by a line: this lecture adds a hidden layer of
# `tanh` units in front of the logistic regression, trains it with the same gradient descent,
# and reproduces the course's numbers. The backward pass is the chain rule through the same
# kind of graph, told in the course's six formulas. Every number is computed by a cell, with
# `autograd_lite`.

# %% [markdown] tags=["instructor"]
# *Instructor version.* The exercise cells at the end hold the solutions, and each check cell
# after them prints ✓. The student version (`notebooks/student/`) has the same cells with the
# solutions taken out; both are generated from `notebooks/lecture-3-one-hidden-layer.py`.

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
import contextlib
import io
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd_lite as ag
from autograd_lite import exercises

# %% [markdown]
# ## 1. The flower
#
# 400 points in the plane, 200 of each class, generated exactly as the course generates them
# (`ag.load_flower()`, from `RandomState(1)`; nothing is downloaded). As everywhere in this
# library, `X` holds one example per row; the course keeps its transpose, the examples in
# columns.

# %%
X, y = ag.load_flower()
print(f"X: {X.shape}, y: {y.shape}, {int(y.sum())} of class 1; the course's X is X.T, {X.T.shape}")

# %%
figure, axes = plt.subplots(figsize=(5, 5))
axes.scatter(X[:, 0], X[:, 1], c=y, s=12, cmap=plt.cm.Spectral)
axes.set_title("the flower: red is class 0, blue class 1")
axes.set_aspect("equal")
plt.show()

# %% [markdown]
# ## 2. Logistic regression cannot draw it
#
# Lecture 2's model, trained on the flower: one straight line, and 47 % of the points on the
# right side of it, as in the course.

# %%
logistic = ag.LogisticRegression(learning_rate=0.5, max_iter=1000).fit(X, y)
print(f"logistic regression: {logistic.score(X, y):.0%} of the training points right")

# %% [markdown]
# ## 3. One hidden layer
#
# The network of the course, examples in columns:
#
# ```text
# Z1 = W1·X + b1      A1 = tanh(Z1)        W1: n_h × n_x,  b1: n_h × 1
# Z2 = W2·A1 + b2     A2 = σ(Z2)           W2: 1 × n_h,    b2: 1 × 1
# J  = −(1/m) Σ ( Y·log A2 + (1 − Y)·log(1 − A2) )
# ```
#
# `ag.NeuralNetwork` builds this graph from the engine's nodes and runs gradient descent on
# it. With the course's setup (n_h = 4, α = 1.2, 10,000 steps, its start from
# `np.random.seed(2)`, here `random_state=2`) it prints the course's costs, and reaches its
# 90 %:

# %%
start = time.perf_counter()
network = ag.NeuralNetwork(hidden_units=4, learning_rate=1.2, max_iter=10000, random_state=2,
                           verbose=1000)
with contextlib.redirect_stderr(io.StringIO()):  # a fit past 3 s reports progress there
    network.fit(X, y)
seconds = time.perf_counter() - start
print(f"network: {network.score(X, y):.2%} of the training points right ({seconds:.1f} s)")

# %% [markdown]
# The costs up to step 7000 are the course's to all six digits. After that the descent
# oscillates a little, and the last digits depend on the rounding of each machine's arithmetic:
# published runs of the course print 0.218558 to 0.218571 at step 9000.
#
# ## 4. The decision boundaries
#
# Each model's prediction over a grid of the plane, with the flower on top: logistic regression's
# one line, and the network's petals.

# %%
grid_x, grid_y = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-4.5, 4.5, 200))
grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
figure, panels = plt.subplots(1, 2, figsize=(11, 5))
for axes, model, title in [
    (panels[0], logistic, "logistic regression"),
    (panels[1], network, "one hidden layer, n_h = 4"),
]:
    predicted = model.predict(grid).reshape(grid_x.shape)
    axes.contourf(grid_x, grid_y, predicted, cmap=plt.cm.Spectral, alpha=0.6)
    axes.scatter(X[:, 0], X[:, 1], c=y, s=10, cmap=plt.cm.Spectral, edgecolors="k",
                 linewidths=0.2)
    axes.set_title(f"{title}: {model.score(X, y):.0%} right")
    axes.set_aspect("equal")
plt.show()

# %% [markdown]
# ## 5. The graph, and its backward pass in the course's notation
#
# `network.graph(X, y)` is the cost `J` of the model's graph on the data, its nodes named as
# the course names them. Its boxes: the first layer `Z1`, `A1`, the second `Z2`, `A2`, the
# loss of each example `L`, and their mean `J`.

# %%
J = network.graph(X, y)
ag.draw(J, title="the trained network's graph, before backward")

# %%
J.backward()
ag.draw(J, title="after J.backward(): each box also holds its gradient")

# %% [markdown]
# `ag.explain(J)` tells the backward pass as the course's `backward_propagation` writes it,
# with the numbers (for a 1 × 400 or 4 × 400 array, its first example's column). The course's
# `dZ2` and `dZ1` are `m` times the engine's `Z2.grad` and `Z1.grad`: the engine divides by `m`
# at the mean, the course in `dW` and `db`. The gradients of the parameters are the same.

# %%
explanation = ag.explain(J)
print(explanation)

# %% [markdown]
# The same, one frame at a time, with the update `W := W − α·dW` at the end:

# %%
stepper = ag.step_through(J, alpha=network.learning_rate)
stepper

# %% [markdown]
# ## 6. One training step, compiled
#
# `fit` does not walk the graph node by node at every step: it compiles the graph once
# (`ag.compile`) into the Python a person would write for it, and runs that 10,000 times. Here
# it is: the course's forward propagation, its cost, and its backward propagation, line by line
# as the engine computes them (the engine's `dZ2` is the course's divided by `m`, see above;
# `A2` and the loss `L` come from `Z2` and `e = e^(−|Z2|)`, exact for any `Z2`).

# %%
program = ag.compile(J, name="training_step")
print(program.source[program.source.index("def training_step"):].strip())

# %%
gradients = program(**network.parameters_)
print(program.outputs)
print(np.allclose(gradients["dW1"], explanation.view.W1.grad))

# %% [markdown]
# ## 7. The size of the hidden layer
#
# The course's table: the same network with 1 to 50 hidden units, 5,000 steps each. One unit
# is a logistic regression on a tanh; from three or four the petals are caught; more units
# fit the training points no better, and begin to fit their noise.

# %%
print("hidden units | training accuracy | J after 5000 steps")
for units in (1, 2, 3, 4, 5, 20, 50):
    model = ag.NeuralNetwork(hidden_units=units, max_iter=5000, random_state=2)
    with contextlib.redirect_stderr(io.StringIO()):  # no progress lines in the table
        model.fit(X, y)
    print(f"{units:>12} | {model.score(X, y):>17.2%} | {model.loss_curve_[-1]:.6f}")

# %% [markdown]
# ## 8. Exercises
#
# ### Exercise 1: forward propagation
#
# Write `forward(X, parameters)` in numpy, examples in columns: return `(Z1, A1, Z2, A2)`, with
# tanh in the hidden layer and a sigmoid at the output. The check runs it on these numbers:

# %%
exercises.network_forward.given

# %% tags=["exercise"]
def forward(X, parameters):
    """Forward propagation: returns (Z1, A1, Z2, A2)."""
    # BEGIN SOLUTION
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return Z1, A1, Z2, A2
    # END SOLUTION


# %% tags=["check"]
exercises.network_forward.check(forward)

# %% [markdown]
# ### Exercise 2: backward propagation
#
# Write `backward(parameters, cache, X, Y)`, the course's six formulas, and return the dict
# `{"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}`. `cache` holds the forward pass's `Z1`,
# `A1`, `Z2`, `A2`. Mind the shapes: each `db` is a column, one number per unit.

# %% tags=["exercise"]
def backward(parameters, cache, X, Y):
    """Backward propagation: returns the dict of dW1, db1, dW2, db2."""
    # BEGIN SOLUTION
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    # END SOLUTION


# %% tags=["check"]
exercises.network_backward.check(backward)
