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
# # Lecture 2 — gradient descent on m examples
#
# The cost is the average loss over the training set, and its derivatives are the averages of
# the per-example derivatives of lecture 1. First as the lecture writes it, a for-loop over the
# examples with accumulators; then with one loop removed; then vectorized, with no loop at all.
# All of them give the same numbers; what differs is speed, measured here. At the end, training
# on a real data set. Every number is computed by a cell, with `autograd_lite`.

# %% [markdown] tags=["instructor"]
# *Instructor version.* The exercise cells at the end hold the solutions, and each check cell
# after them prints ✓. The student version (`notebooks/student/`) has the same cells with the
# solutions taken out; both are generated from `notebooks/lecture-2-m-examples.py`.

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

import matplotlib.pyplot as plt
import numpy as np

import autograd_lite as ag
from autograd_lite import exercises
from autograd_lite.compare import compare
from autograd_lite.lecture import ExampleLoop, VectorizedGraph

# %% [markdown]
# ## 1. The cost over m examples
#
# ```text
# J(w, b) = (1/m) Σ_{i=1..m} L(a(i), y(i)),    a(i) = σ(z(i)),    z(i) = wᵀx(i) + b
# ```
#
# A superscript `(i)` marks example `i`. Our training set: a few examples with lecture 1's two
# features, the first of them lecture 1's example, and lecture 1's parameters to start from.
# One example per row of `X`, as numpy puts them:

# %%
example = ag.LECTURE_EXAMPLE
X_data = np.array(
    [
        [example["x1"], example["x2"]],  # x(1): lecture 1's example
        [1.0, 3.0],
        [-1.0, 0.5],
        [0.5, -2.0],
    ]
)
y_data = np.array([example["y"], 0.0, 0.0, 1.0])
w_start, b_start = np.array([example["w1"], example["w2"]]), example["b"]
m, n = X_data.shape
print(f"m = {m} examples, n = {n} features; X is {m} × {n}")

# %% [markdown]
# ## 2. The lecture's for-loop, with accumulators
#
# ```text
# J = 0; dw1 = 0; dw2 = 0; db = 0          # accumulators: no superscript (i)
# for i = 1..m:
#     z(i)  = wᵀx(i) + b
#     a(i)  = σ(z(i))
#     J    += −[ y(i)·log a(i) + (1 − y(i))·log(1 − a(i)) ]
#     dz(i) = a(i) − y(i)
#     dw1  += x1(i)·dz(i)
#     dw2  += x2(i)·dz(i)
#     db   += dz(i)
# J /= m; dw1 /= m; dw2 /= m; db /= m
# ```
#
# The body of the loop is lecture 1: one example's forward and backward pass. So we build
# lecture 1's graph once, and for each example give its data `x(i)`, `y(i)` to the graph's
# constants, run it forward and backward, and add into the accumulators. Each `backward()`
# replaces the gradients of the one before; keeping the running sums is the loop's job.

# %%
graph = ag.lecture_graph(w1=w_start[0], w2=w_start[1], b=b_start)  # built once
J, dw1, dw2, db = 0.0, 0.0, 0.0, 0.0  # the accumulators
for i in range(m):
    graph.x1.value, graph.x2.value = X_data[i]
    graph.y.value = y_data[i]
    J += graph.L.forward()  # z(i), a(i), L(i)
    graph.L.backward()  # dz(i) = a(i) − y(i), dw1(i) = x1(i)·dz(i), db(i) = dz(i)
    dw1 += graph.w1.grad
    dw2 += graph.w2.grad
    db += graph.b.grad
    assert math.isclose(graph.z.grad, graph.a.value - y_data[i], rel_tol=1e-12)
    print(
        f"i = {i + 1}: a(i) = {graph.a.value:.6f}   L(i) = {graph.L.value:.6f}   "
        f"dz(i) = a(i) − y(i) = {graph.z.grad:+.6f}"
    )
J, dw1, dw2, db = J / m, dw1 / m, dw2 / m, db / m
print(f"J = {J:.6f}   dw1 = {dw1:.6f}   dw2 = {dw2:.6f}   db = {db:.6f}")

# %% [markdown]
# Example 1 is lecture 1's example, so its loss is lecture 1's `L`:

# %%
first = ag.lecture_graph()
graph.x1.value, graph.x2.value = X_data[0]
graph.y.value = y_data[0]
assert math.isclose(graph.L.forward(), first.L.value, rel_tol=1e-12)
print(f"L(1) = {graph.L.value:.6f}, lecture 1's L = {first.L.value:.6f}")

# %% [markdown]
# `ExampleLoop` is that loop in the library, the one `LogisticRegression(method="loop")`
# trains with. It gives the same `J`, `dw` and `db`:

# %%
loop = ExampleLoop(X_data, y_data)  # one node per feature: z = w1·x1 + w2·x2 + b
J_loop, dw_loop, db_loop = loop.gradients(w_start, b_start)
assert np.allclose([J_loop, *dw_loop, db_loop], [J, dw1, dw2, db], rtol=1e-12, atol=0)
print(f"J = {J_loop:.6f}   dw = {np.round(dw_loop, 6)}   db = {db_loop:.6f}")

# %% [markdown]
# ## 3. One loop removed
#
# The loop has a second, hidden loop: over the `n` features, one line `dw_j += x_j(i)·dz(i)`
# per feature (and one product `w_j·x_j(i)` per feature in `z(i)`). With `w` and `x(i)` as
# vectors, `z(i) = wᵀx(i) + b` is one vector product and `dw += x(i)·dz(i)` one vector
# update; only the loop over the examples is left. The per-example graph shrinks:

# %%
vector_loop = ExampleLoop(X_data, y_data, form="vector")  # z = x·w + b: one vector product
J_vector, dw_vector, db_vector = vector_loop.gradients(w_start, b_start)
assert np.allclose([J_vector, *dw_vector, db_vector], [J, dw1, dw2, db], rtol=1e-12, atol=0)
print(f"J = {J_vector:.6f}   dw = {np.round(dw_vector, 6)}   db = {db_vector:.6f}")
print(
    f"nodes per example: {len(ag.topological_order(loop.L))} with one node per feature, "
    f"{len(ag.topological_order(vector_loop.L))} with one vector product"
)

# %%
ag.draw(vector_loop.L, title=f"one example's graph, as the loop left it after example i = {m}")

# %% [markdown]
# ## 4. Vectorized: no loop at all
#
# Stack the examples in the rows of `X` (m × n) and the labels in `Y`. Every `z(i)` at once is
# one matrix-vector product, and the rest follows entry by entry:
#
# ```text
# Z = X·w + b        A = σ(Z)        J = mean(L(A, Y))
# dZ = A − Y         dw = Xᵀ·dZ / m  db = mean(dZ)
# ```
#
# The whole graph has the same few nodes, however large `m` is.

# %%
X = ag.Constant(X_data, name="X")
Y = ag.Constant(y_data, name="Y")
w = ag.Variable(w_start, name="w")
b = ag.Variable(b_start, name="b")
Z = (X @ w + b).named("Z")
A = ag.sigmoid(Z, name="A")
J_vectorized = ag.mean(ag.log_loss(A, Y, name="L"), name="J")
J_vectorized.backward()
print(f"Z = {Z.value}")
print(f"A = {A.value.round(6)}")
print(f"J = {J_vectorized.value:.6f}   dw = {w.grad.round(6)}   db = {b.grad:.6f}")

# %% [markdown]
# `A` holds the loop's `a(i)`, one per example. The picture writes `Z`'s gradient as the
# lecture does, `dZ = A − Y`: one `dz(i)` per example.

# %%
ag.draw(J_vectorized)

# %% [markdown]
# `ag.explain` speaks the lecture's language on this cost: `dZ = A − Y`, one entry per
# example, and the `1/m` written where the lecture writes it, in `dw` and `db`:

# %%
ag.explain(J_vectorized)

# %% [markdown]
# One step of gradient descent on this graph, frame by frame: the forward pass, the backward
# pass in the lecture's `dZ = A − Y`, and the update `w := w − α·dw`, `b := b − α·db`. Each
# box holds all m examples at once.

# %%
alpha = 0.1
stepper = ag.step_through(J_vectorized, alpha=alpha)
for frame in stepper:
    print(f"{frame.heading:>16}: {frame.caption}")

# %%
stepper

# %% [markdown]
# What the engine stores in `Z.grad` is the derivative of the *cost*, `dJ/dZ`, which is
# `m` times smaller than the lecture's `dZ`, the derivative of each example's own *loss*.
# `convention="engine"` explains the numbers the nodes hold; both give the same `dw`, `db`:

# %%
dZ = A.value - y_data  # the lecture's dZ
assert np.allclose(Z.grad, dZ / m, rtol=1e-12, atol=0)
assert np.allclose(w.grad, X_data.T @ dZ / m, rtol=1e-12, atol=0)  # dw = Xᵀ·dZ / m
assert math.isclose(b.grad, np.mean(dZ), rel_tol=1e-12)  # db = mean(dZ)
engine = ag.explain(J_vectorized, convention="engine")
print(engine[Z])
print(engine[b])

# %% [markdown]
# ## 5. The course's convention: examples in columns
#
# The course stores one example per **column**: `X` is n × m, `w` an n × 1 column, `Y` a
# 1 × m row, and `Z = wᵀX + b`, `dw = (1/m)·X·dZᵀ`. numpy, scikit-learn and this library put
# one example per **row**. It is the same computation, transposed; here it is built as the
# course writes it:

# %%
X_columns = ag.Constant(X_data.T, name="X")  # n × m
Y_row = ag.Constant(y_data.reshape(1, m), name="Y")  # 1 × m
w_column = ag.Variable(w_start.reshape(n, 1), name="w")  # n × 1
b_columns = ag.Variable(b_start, name="b")
Z_columns = (w_column.T @ X_columns + b_columns).named("Z")  # Z = wᵀX + b
A_columns = ag.sigmoid(Z_columns, name="A")
J_columns = ag.mean(ag.log_loss(A_columns, Y_row, name="L"), name="J")
J_columns.backward()

print(f"{'':4}{'numpy: rows':>16}{'course: columns':>18}")
pairs = [("X", X, X_columns), ("w", w, w_column), ("Y", Y, Y_row), ("Z", Z, Z_columns)]
for name, rows, columns in [*pairs, ("A", A, A_columns)]:
    print(f"{name:<4}{rows.shape!s:>16}{columns.shape!s:>18}")
print(f"{'dw':<4}{w.grad.shape!s:>16}{w_column.grad.shape!s:>18}")

# %% [markdown]
# The same logits, cost and gradients, laid out the other way:

# %%
assert np.allclose(Z_columns.value.ravel(), Z.value, rtol=1e-12, atol=0)
assert math.isclose(J_columns.value, J_vectorized.value, rel_tol=1e-12)
assert np.allclose(w_column.grad.ravel(), w.grad, rtol=1e-12, atol=0)
dZ_columns = A_columns.value - y_data.reshape(1, m)  # the course's dZ, 1 × m
assert np.allclose(w_column.grad, X_data.T @ dZ_columns.T / m, rtol=1e-12, atol=0)
print(f"Z (columns) = {Z_columns.value}")
print(f"dw (columns) =\n{w_column.grad.round(6)}")

# %% [markdown]
# `ag.explain` recognises the course's form too, and writes `dw = (1/m)·X·dZᵀ`:

# %%
ag.explain(J_columns)

# %% [markdown]
# ## 6. The loop and the vectorized forms give the same numbers
#
# They add the same terms in different orders, so they may differ in the last digits by
# rounding, never more:

# %%
forms = {
    "the lecture's loop, lecture 1's graph": (J, np.array([dw1, dw2]), db),
    "ExampleLoop, one node per feature": (J_loop, dw_loop, db_loop),
    "ExampleLoop, one vector product": (J_vector, dw_vector, db_vector),
    "VectorizedGraph (what fit runs)": VectorizedGraph(X_data, y_data).gradients(w_start, b_start),
    "vectorized, examples in rows": (J_vectorized.value, w.grad, b.grad),
    "vectorized, examples in columns": (J_columns.value, w_column.grad.ravel(), b_columns.grad),
}
for name, (J_form, dw_form, db_form) in forms.items():
    dw_text = ", ".join(f"{value:.12f}" for value in dw_form)
    print(f"{name:<38} J = {J_form:.12f}  dw = [{dw_text}]  db = {db_form:.12f}")
    assert np.allclose([J_form, *dw_form, db_form], [J, dw1, dw2, db], rtol=1e-12, atol=1e-15)

# %% [markdown]
# ## 7. Why vectorize: the speed-up, measured
#
# The lecture's closing point: explicit loops are slow, and vectorization is what makes
# training practical. `compare` measures it on the shipped breast-cancer data (every feature
# standardised): one step's work (`J`, `dw`, `db`) seven ways, after checking that all seven give
# the same numbers:
#
# 1. the lecture's two loops in plain Python;
# 2. one loop removed (numpy over the features, a loop over the examples);
# 3. numpy vectorized, no loop;
# 4. the engine's per-example loop, interpreted (`ExampleLoop`);
# 5. the engine's vectorized graph, interpreted (`VectorizedGraph`);
# 6. the per-example loop on the compiled one-example graph (`CompiledLoop`);
# 7. the vectorized graph compiled to numpy (`CompiledCost`), which `fit` runs.
#
# The lecture's speed-up of vectorization is (1) ÷ (3): the same arithmetic with and without
# Python's loops. (4) ÷ (5) is larger: the interpreted loop also pays the graph's bookkeeping
# at every node of every example; compiled, (6) and (7) pay it once. The times are your
# computer's, measured now; they vary from run to run. (Only a few short repeats here, to keep
# the notebook quick; the command `autograd-lite compare` measures at length.)

# %%
comparison = compare(repeats=3, min_time=0.02)
listed = ["plain_loop", "numpy_loop", "numpy_vectorized", "engine_loop", "engine_vectorized",
          "compiled_loop", "compiled_vectorized"]
assert [row.key for row in comparison.rows] == listed  # the seven forms above, in that order
assert comparison.speedup > 1  # vectorized numpy beats the plain-Python loops
comparison

# %%
figure, axes = plt.subplots(figsize=(10, 4))
comparison.plot(axes)
plt.show()

# %% [markdown]
# ## 8. Training on a real data set
#
# `ag.LogisticRegression` runs the vectorized step `max_iter` times: `w := w − α·dw`,
# `b := b − α·db`. The data ships with the package: the Wisconsin breast-cancer data, each
# example a breast mass described by its features, labelled 0 (malignant) or 1 (benign). We
# keep some examples aside to test on, and standardise each feature with the training
# examples' mean and standard deviation.

# %%
X_all, y_all, feature_names = ag.load_breast_cancer()
order = np.random.default_rng(0).permutation(len(y_all))
test, train = order[:100], order[100:]
mean, std = X_all[train].mean(axis=0), X_all[train].std(axis=0)
X_train, y_train = (X_all[train] - mean) / std, y_all[train]
X_test, y_test = (X_all[test] - mean) / std, y_all[test]
print(f"{X_all.shape[0]} examples, {X_all.shape[1]} features, such as {feature_names[:3]}")
print(f"training on {len(y_train)}, testing on {len(y_test)}")

# %%
model = ag.LogisticRegression(learning_rate=0.5, max_iter=300, verbose=50)
model.fit(X_train, y_train)
print(f"accuracy on the training examples: {model.score(X_train, y_train):.3f}")
print(f"accuracy on the test examples:     {model.score(X_test, y_test):.3f}")
assert model.loss_curve_[-1] < model.loss_curve_[0]

# %%
figure, axes = plt.subplots(figsize=(7, 3.5))
axes.plot(model.loss_curve_)
axes.set_xlabel("step of gradient descent")
axes.set_ylabel("cost J on the training examples")
axes.set_title("learning rate α = " + str(model.learning_rate))
plt.show()

# %% [markdown]
# The per-example loop (`method="loop"`) takes the same steps, more slowly: a few steps of
# each end at the same parameters.

# %%
steps = 2
by_loop = ag.LogisticRegression(method="loop", learning_rate=0.5, max_iter=steps)
vectorized = ag.LogisticRegression(learning_rate=0.5, max_iter=steps)
by_loop.fit(X_train, y_train)
vectorized.fit(X_train, y_train)
assert np.allclose(by_loop.coef_, vectorized.coef_, rtol=1e-9, atol=1e-12)
print(f"after {steps} steps, the largest difference in w: "
      f"{np.max(np.abs(by_loop.coef_ - vectorized.coef_)):.1e}")

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: one step of gradient descent, with the lecture's loop
#
# Write `gradient_step(X, y, w, b, alpha)`: one step of gradient descent with the lecture's
# for-loop and accumulators, in plain Python (`math`, no engine). `X[i]` is the example
# `x(i)`, `X[i][j]` its feature `j`. Return `(J, dw, db, w, b)`: the cost, the averaged
# gradients, and the parameters after the step `w := w − α·dw`, `b := b − α·db`. The check
# runs it on these data:

# %%
exercises.loop_step.given

# %% tags=["exercise"]
def gradient_step(X, y, w, b, alpha):
    """One step of gradient descent with the lecture's loop: returns (J, dw, db, w, b)."""
    # BEGIN SOLUTION
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
    J, dw, db = J / m, [dw_j / m for dw_j in dw], db / m
    w = [w[j] - alpha * dw[j] for j in range(n)]
    b = b - alpha * db
    return J, dw, db, w, b
    # END SOLUTION


# %% tags=["check"]
exercises.loop_step.check(gradient_step)

# %% [markdown]
# ### Exercise 2: the same step vectorized, in the course's columns
#
# Write `vectorized_step(X, Y, w, b)` with numpy and no loop, the examples in columns as the
# course writes it: `X` is n × m, `Y` 1 × m, `w` n × 1. Return `(Z, A, dZ, dw, db, J)` with the
# lecture's `dZ = A − Y` (no `1/m` in it), `dw` an n × 1 column, `db` and `J` numbers.

# %%
exercises.vectorized_step.given

# %% tags=["exercise"]
def vectorized_step(X, Y, w, b):
    """Examples in columns: returns (Z, A, dZ, dw, db, J)."""
    # BEGIN SOLUTION
    m = X.shape[1]
    Z = w.T @ X + b
    A = 1 / (1 + np.exp(-Z))
    dZ = A - Y
    dw = X @ dZ.T / m
    db = np.sum(dZ) / m
    J = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return Z, A, dZ, dw, db, J
    # END SOLUTION


# %% tags=["check"]
exercises.vectorized_step.check(vectorized_step)

# %% [markdown]
# ### Exercise 3: the same step with the examples in rows
#
# Now as numpy and this library put them: `X` is m × n, `y` and `w` are 1-D. The same six
# results; `Z`, `A`, `dZ` of shape (m,), `dw` of shape (n,).

# %%
exercises.vectorized_step_rows.given

# %% tags=["exercise"]
def vectorized_step_rows(X, y, w, b):
    """Examples in rows: returns (Z, A, dZ, dw, db, J)."""
    # BEGIN SOLUTION
    m = X.shape[0]
    Z = X @ w + b
    A = 1 / (1 + np.exp(-Z))
    dZ = A - y
    dw = X.T @ dZ / m
    db = np.mean(dZ)
    J = -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))
    return Z, A, dZ, dw, db, J
    # END SOLUTION


# %% tags=["check"]
exercises.vectorized_step_rows.check(vectorized_step_rows)
