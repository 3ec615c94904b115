"""Logistic regression on the engine, timed against numpy by hand, PyTorch, JAX and plain Python.

It measures every target of issue 9 and prints them in one table (markdown) with "met" or
"NOT met"; every number goes to a JSON file too.

- **One vectorized step** (forward with the cost J, backward, ``w := w − α·dw``, in float64) at
  each size: the graph built once and re-run (``J.forward(); J.backward()``), a fresh graph per
  step from the raw numpy ``X, y``, a fresh graph over Constants made once, and
  ``LogisticRegression.fit`` per iteration, against the step written by hand in numpy (with and
  without J) and, where installed, PyTorch eager (sigmoid + BCE, and BCE-with-logits) and a
  JAX-jitted step.
- **The lecture's loop**: per iteration on the demo's data (the shipped breast-cancer data,
  standardised: 456×30), ``LogisticRegression(method="loop")`` against the lecture's two-loop
  code in plain Python (floats, ``math.exp``); and per example at n = 2 (m = 1,000), the
  engine's one-example graph re-run for each example, rebuilt for each example, and the
  estimator's loop.
- **Memory**: the fresh allocations of one re-run step after warm-up (tracemalloc), the peak of
  ``fit`` at 1,000,000×10, and backward (and a forward re-run) over a 1,000,000-node chain.

The method: for each group the candidates run side by side in one process, interleaved round by
round (the order rotates each round), each timed with ``timeit`` over a calibrated number of
calls. Ratios are taken within each round and the tables report medians of them. Before
timing, every candidate's gradients are checked against the numpy reference. ``fit`` per
iteration is the slope ``(T(fit, k iterations) − T(fit, 1 iteration)) / (k − 1)``, so the
one-off work of ``fit`` (checking X, building the graph) is not spread over a short run; the
per-call time ``T(k)/k`` is reported beside it.

The standard library's ``timeit`` is the harness: pytest-benchmark times one function per test
and cannot interleave candidates within a round, which is what makes per-round ratios fair on a
shared machine.

Run it (after ``bash scripts/test`` or ``bash scripts/demo`` made ``.venv``)::

    .venv/bin/python benchmarks/bench_logistic.py            # everything, about five minutes
    .venv/bin/python benchmarks/bench_logistic.py --quick    # small sizes, no 1,000,000 extras
    .venv/bin/python benchmarks/bench_logistic.py --sizes 64x2 --rounds 1 --target 0.001 \
        --no-extras --json /tmp/bench.json                     # a smoke run, seconds

PyTorch and JAX are compared when installed (``pip install torch jax``; neither is a dependency
of the project). OpenBLAS reads ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE``: the kernel it
chose (as threadpoolctl reports it, when installed) is recorded with the machine.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite import LogisticRegression
from autograd_lite.compare import plain_python_loop
from autograd_lite.lecture import LOOP_FORMS, ExampleLoop, example_loss

SIZES = ((64, 2), (1_000, 2), (10_000, 20), (100_000, 100), (1_000_000, 10))
QUICK_SIZES = ((64, 2), (1_000, 2), (10_000, 20))
BIG = (1_000_000, 10)  # the size of the memory measures
LOOP_N2_EXAMPLES = 1_000  # m of the per-example loop at n = 2
CHAIN_NODES = 1_000_000
LEARNING_RATE = 0.1

REFERENCE = "numpy by hand with J"
RERUN = "re-run graph"
FRESH_RAW = "fresh graph, raw arrays"
FRESH_CONSTANTS = "fresh graph, Constants"
FIT_SLOPE = "LogisticRegression.fit / iter"
FIT_K = "fit(k) / k, setup included"
FIT_ONE = "fit, 1 iteration"
TORCH_BCE = "PyTorch eager, sigmoid + BCE"
TORCH_LOGITS = "PyTorch eager, BCE with logits"
JAX_JIT = "JAX jit"
CONTENDERS = (TORCH_BCE, TORCH_LOGITS, JAX_JIT)

LECTURE_LOOP = "lecture's two loops, plain Python"
EXAMPLE_RERUN = "one-example graph re-run per example"
EXAMPLE_REBUILT = "one-example graph rebuilt per example"

Step = Callable[[], None]
Gradients = Callable[[], tuple[np.ndarray, float]]


@dataclass
class Candidate:
    step: Step
    gradients: Gradients
    per_call: float = 1.0  # steps (or examples) per call of ``step``


def make_data(m: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from a logistic model with ‖w‖ = 2: never separable, so thousands of steps
    of descent keep w bounded and σ(z) away from exactly 0 or 1 (no log(0), no denormals)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    w = rng.standard_normal(n)
    w *= 2.0 / np.linalg.norm(w)
    y = (rng.random(m) < 1.0 / (1.0 + np.exp(-(X @ w)))).astype(np.float64)
    return X, y


def demo_data() -> tuple[np.ndarray, np.ndarray]:
    """The demo's training set: the shipped breast-cancer data, split and standardised."""
    from autograd_lite.demo import prepare

    X, y, names = ag.load_breast_cancer()
    data = prepare(X, y, names)
    return data.X_train, (data.y_train == 1).astype(np.float64)


def rerun_available() -> bool:
    """Whether ``out.forward()`` re-runs a built graph (issue 9)."""
    u = ag.Variable(3.0, name="u")
    p = u * 2.0
    try:
        u.value = 5.0
        p.forward()
    except TypeError:
        return False
    return p.value == 10.0


def add_loop_fits(
    candidates: dict, ks: dict, X: np.ndarray, y: np.ndarray, target: float, forms: dict
) -> None:
    """``LogisticRegression(method="loop")`` with k steps and with 1, for each loop form."""
    for form, params in forms.items():
        k_candidate, one, ks[form] = fit_candidates(X, y, target, 3, method="loop", **params)
        candidates[f"loop {form}, fit(k)"] = k_candidate
        candidates[f"loop {form}, fit(1)"] = one


def loop_forms() -> dict[str, dict[str, Any]]:
    """The forms of ``LogisticRegression(method="loop")`` to time: per-feature nodes, and one
    vector product per example."""
    return {f"loop_form={form!r}": {"loop_form": form} for form in LOOP_FORMS}


def judged_form(form: str, forms: Any, per_feature: bool) -> bool:
    """Whether a target is about this form: the per-feature one (n = 2, µs per example) or
    the vector-product one (the demo's data); the only form when there is one."""
    if len(forms) == 1:
        return True
    return ("feature" in form) if per_feature else ("vector" in form)


# --- the vectorized candidates --------------------------------------------------------------


def numpy_step(X: np.ndarray, y: np.ndarray, with_cost: bool) -> Candidate:
    """The step as a course writes it by hand in numpy (examples in rows)."""
    m, n = X.shape
    state = {"w": np.zeros(n), "b": 0.0}

    def gradients() -> tuple[np.ndarray, float]:
        w, b = state["w"], state["b"]
        A = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        if with_cost:  # J is computed and dropped, as a training loop that logs it would
            -np.mean(y * np.log(A) + (1.0 - y) * np.log(1.0 - A))
        dZ = A - y
        return X.T @ dZ / m, float(np.mean(dZ))

    def step() -> None:
        dw, db = gradients()
        state["w"] = state["w"] - LEARNING_RATE * dw
        state["b"] = state["b"] - LEARNING_RATE * db

    return Candidate(step, gradients)


def rerun_step(X: np.ndarray, y: np.ndarray) -> Candidate:
    """The graph built once; each step re-runs it: ``J.forward(); J.backward()``, update."""
    X_node, y_node = ag.Constant(X, name="X"), ag.Constant(y, name="y")
    w, b = ag.Variable(np.zeros(X.shape[1]), name="w"), ag.Variable(0.0, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(X_node @ w + b), y_node))

    def gradients() -> tuple[np.ndarray, float]:
        J.forward()
        J.backward()
        return np.array(w.grad), float(b.grad)  # copies: the buffers are rewritten next run

    def step() -> None:
        J.forward()
        J.backward()
        w.value = w.value - LEARNING_RATE * w.grad
        b.value = b.value - LEARNING_RATE * b.grad

    return Candidate(step, gradients)


def fresh_step(X: np.ndarray, y: np.ndarray, raw: bool) -> Candidate:
    """A new graph every step: from the raw arrays (copied in each time), or from Constants
    made once (the way before re-running)."""
    X_in, y_in = (X, y) if raw else (ag.Constant(X, name="X"), ag.Constant(y, name="y"))
    w, b = ag.Variable(np.zeros(X.shape[1]), name="w"), ag.Variable(0.0, name="b")

    def gradients() -> tuple[np.ndarray, float]:
        ag.mean(ag.log_loss(ag.sigmoid(X_in @ w + b), y_in)).backward()
        return w.grad, b.grad

    def step() -> None:
        ag.mean(ag.log_loss(ag.sigmoid(X_in @ w + b), y_in)).backward()
        w.value = w.value - LEARNING_RATE * w.grad
        b.value = b.value - LEARNING_RATE * b.grad

    return Candidate(step, gradients)


def fit_candidates(
    X: np.ndarray,
    y: np.ndarray,
    target: float,
    min_k: int,
    per_iteration: float | None = None,
    **params: Any,
) -> tuple[Candidate, Candidate, int]:
    """``fit`` with k iterations and with 1 (their difference gives the cost per iteration).

    k is chosen so the k iterations take about ``target`` seconds and at least twice a whole
    ``fit(max_iter=1)`` (whose one-off work, checking and copying X, varies from call to call),
    with at least ``min_k`` iterations; ``per_iteration`` is an estimate of one iteration (else
    ``fit(max_iter=3)`` against ``fit(max_iter=1)`` gives one)."""
    probe = LogisticRegression(learning_rate=LEARNING_RATE, max_iter=1, **params)
    three = LogisticRegression(learning_rate=LEARNING_RATE, max_iter=3, **params)

    def gradients() -> tuple[np.ndarray, float]:
        seen: list = []
        probe.fit(X, y, callback=seen.append)
        return seen[0].dw, seen[0].db

    def seconds(model: LogisticRegression) -> float:
        start = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - start

    probe.fit(X, y)  # warm up
    one = seconds(probe)
    if per_iteration is None:
        per_iteration = max((seconds(three) - one) / 2, one / 10)
    k = int(min(max(min_k, round(max(target, 2 * one) / per_iteration)), 2000))
    model = LogisticRegression(learning_rate=LEARNING_RATE, max_iter=k, **params)
    return (
        Candidate(lambda: model.fit(X, y), gradients, k),
        Candidate(lambda: probe.fit(X, y), gradients, 1),
        k,
    )


def torch_step(X: np.ndarray, y: np.ndarray, logits: bool) -> Candidate | None:
    try:
        import torch
    except ImportError:
        return None
    F = torch.nn.functional
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)

    def backward() -> None:
        w.grad = b.grad = None
        Z = X_t @ w + b
        J = (
            F.binary_cross_entropy_with_logits(Z, y_t)
            if logits
            else F.binary_cross_entropy(torch.sigmoid(Z), y_t)
        )
        J.backward()

    def gradients() -> tuple[np.ndarray, float]:
        backward()
        return w.grad.numpy().copy(), float(b.grad)

    def step() -> None:
        backward()
        with torch.no_grad():
            w.sub_(LEARNING_RATE * w.grad)
            b.sub_(LEARNING_RATE * b.grad)

    return Candidate(step, gradients)


def choose_torch_threads(candidates: dict[str, Candidate], target: float) -> int | None:
    """Give PyTorch its best thread count at this size, 1 or all cores (its pool is
    process-wide, so both PyTorch candidates share it). On a busy machine two OpenMP threads can
    cost PyTorch milliseconds per step, even at 64×2."""
    steps = [candidates[name].step for name in (TORCH_BCE, TORCH_LOGITS) if name in candidates]
    if not steps:
        return None
    import torch

    choices = sorted({1, os.cpu_count() or 1})
    numbers = {}
    for threads in choices:
        torch.set_num_threads(threads)
        numbers[threads] = [calibrate(step, target / 5) for step in steps]
    trials: dict[int, list[float]] = {threads: [] for threads in choices}
    for _ in range(3):  # interleaved, as the rounds are
        for threads in choices:
            torch.set_num_threads(threads)
            trials[threads].append(
                sum(
                    timeit.Timer(step).timeit(number) / number
                    for step, number in zip(steps, numbers[threads], strict=True)
                )
            )
    best = min(choices, key=lambda threads: statistics.median(trials[threads]))
    torch.set_num_threads(best)
    return best


def jax_step(X: np.ndarray, y: np.ndarray) -> Candidate | None:
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def cost(w: Any, b: Any, X: Any, y: Any) -> Any:
        A = jax.nn.sigmoid(X @ w + b)
        return -jnp.mean(y * jnp.log(A) + (1.0 - y) * jnp.log(1.0 - A))

    value_and_grad = jax.value_and_grad(cost, argnums=(0, 1))

    @jax.jit
    def jitted_step(w: Any, b: Any, X: Any, y: Any) -> tuple[Any, Any, Any]:
        J, (dw, db) = value_and_grad(w, b, X, y)
        return w - LEARNING_RATE * dw, b - LEARNING_RATE * db, J

    jitted_gradients = jax.jit(jax.grad(cost, argnums=(0, 1)))
    X_j, y_j = jax.device_put(X), jax.device_put(y)
    state = {"w": jnp.zeros(X.shape[1], dtype=jnp.float64), "b": jnp.zeros((), jnp.float64)}

    def gradients() -> tuple[np.ndarray, float]:
        dw, db = jitted_gradients(state["w"], state["b"], X_j, y_j)
        return np.asarray(dw), float(db)

    def step() -> None:
        w, b, J = jitted_step(state["w"], state["b"], X_j, y_j)
        jax.block_until_ready((w, b, J))
        state["w"], state["b"] = w, b

    return Candidate(step, gradients)


# --- the loop candidates --------------------------------------------------------------------


def lecture_loop(X: np.ndarray, y: np.ndarray) -> Candidate:
    """The lecture's two loops in plain Python: the library's ``compare.plain_python_loop``."""
    lecture_gradients = plain_python_loop(X, y)
    state: dict[str, Any] = {"w": np.zeros(X.shape[1]), "b": 0.0}

    def gradients() -> tuple[np.ndarray, float]:
        state["J"], dw, db = lecture_gradients(state["w"], state["b"])
        return dw, db

    def step() -> None:
        dw, db = gradients()
        state["w"] = state["w"] - LEARNING_RATE * dw
        state["b"] = state["b"] - LEARNING_RATE * db

    return Candidate(step, gradients)


def example_graph_loop(X: np.ndarray, y: np.ndarray, rerun: bool) -> Candidate:
    """The lecture's loop on the engine's one-example graph: the library's own ``ExampleLoop``
    (built once, re-run with each example's x(i), y(i)), or, the way before, a graph built anew
    for each example (``example_loss``), kept here only to measure against."""
    m, n = X.shape
    state = {"w": np.zeros(n), "b": 0.0}
    if rerun:
        loop = ExampleLoop(X, y, "features")

        def gradients() -> tuple[np.ndarray, float]:
            _, dw, db = loop.gradients(state["w"], state["b"])
            return dw, db
    else:
        rows, labels = X.tolist(), y.tolist()
        w = [ag.Variable(0.0, name=f"w{j}") for j in range(1, n + 1)]
        b = ag.Variable(0.0, name="b")
        x_nodes = [
            [ag.Constant(v, name=f"x{j}") for j, v in enumerate(row, start=1)] for row in rows
        ]
        y_nodes = [ag.Constant(v, name="y") for v in labels]

        def gradients() -> tuple[np.ndarray, float]:
            for w_j, value in zip(w, state["w"].tolist(), strict=True):
                w_j.value = value
            b.value = state["b"]
            dw, db = [0.0] * n, 0.0
            for i in range(m):
                example_loss(w, b, x_nodes[i], y_nodes[i]).backward()
                for j in range(n):
                    dw[j] += w[j].grad
                db += b.grad
            return np.array(dw) / m, db / m

    def step() -> None:
        dw, db = gradients()
        state["w"] = state["w"] - LEARNING_RATE * dw
        state["b"] = state["b"] - LEARNING_RATE * db

    return Candidate(step, gradients)


# --- measuring ------------------------------------------------------------------------------


def check_gradients(name: str, gradients: Gradients, reference: tuple[np.ndarray, float]) -> None:
    dw, db = gradients()
    if not (
        np.allclose(dw, reference[0], rtol=1e-9, atol=1e-12)
        and np.isclose(db, reference[1], rtol=1e-9, atol=1e-12)
    ):
        raise SystemExit(f"{name}: gradients differ from the numpy reference; not timing it")


def calibrate(step: Step, target_seconds: float) -> int:
    step()  # warm up
    number = 1
    while True:
        seconds = timeit.Timer(step).timeit(number)
        if seconds >= target_seconds or number >= 1 << 20:
            return number
        number = max(number * 2, int(number * target_seconds / max(seconds, 1e-9)) + 1)


def run_rounds(
    candidates: dict[str, Candidate], rounds: int, target: float
) -> dict[str, list[float]]:
    """Seconds per step (per ``per_call``) of each candidate in each round, interleaved."""
    numbers = {name: calibrate(c.step, target) for name, c in candidates.items()}
    times: dict[str, list[float]] = {name: [] for name in candidates}
    names = list(candidates)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate the order
            candidate = candidates[name]
            gc.collect()
            seconds = timeit.Timer(candidate.step).timeit(numbers[name])
            times[name].append(seconds / numbers[name] / candidate.per_call)
    return times


def ratio_entry(times: list[float], reference: list[float]) -> dict:
    ratios = [t / ref for t, ref in zip(times, reference, strict=True)]
    return {
        "median_seconds": statistics.median(times),
        "median_ratio": statistics.median(ratios),
        "ratios": ratios,
    }


def slope(times_k: list[float], times_one: list[float], k: int) -> list[float]:
    """Per-iteration seconds from per-iteration T(k)/k and T(1), round by round."""
    return [
        max((t_k * k - t_one) / (k - 1), 1e-12)
        for t_k, t_one in zip(times_k, times_one, strict=True)
    ]


def measure_size(m: int, n: int, rounds: int, target: float, rerun: bool, notes: list[str]) -> dict:
    X, y = make_data(m, n)
    reference = numpy_step(X, y, with_cost=True)
    reference_gradients = reference.gradients()
    candidates: dict[str, Candidate] = {}

    def add(name: str, made: Candidate | None) -> None:
        if made is None:
            return
        check_gradients(f"{name} at {m:,}×{n}", made.gradients, reference_gradients)
        candidates[name] = made

    add(REFERENCE, reference)
    add("numpy by hand without J", numpy_step(X, y, with_cost=False))
    if rerun:
        add(RERUN, rerun_step(X, y))
    add(FRESH_RAW, fresh_step(X, y, raw=True))
    add(FRESH_CONSTANTS, fresh_step(X, y, raw=False))
    number = calibrate(reference.step, target / 5)
    reference_seconds = timeit.Timer(reference.step).timeit(number) / number
    fit_k, fit_one, k = fit_candidates(X, y, target, 5, reference_seconds)
    add(FIT_K, fit_k)
    add(FIT_ONE, fit_one)
    for name, made in (
        (TORCH_BCE, torch_step(X, y, logits=False)),
        (TORCH_LOGITS, torch_step(X, y, logits=True)),
        (JAX_JIT, jax_step(X, y)),
    ):
        if made is None:
            note = f"{name}: not installed, skipped"
            if note not in notes:
                notes.append(note)
        add(name, made)

    torch_threads = choose_torch_threads(candidates, target)
    times = run_rounds(candidates, rounds, target)
    times[FIT_SLOPE] = slope(times[FIT_K], times[FIT_ONE], k)
    reference_times = times[REFERENCE]
    result: dict = {
        "m": m,
        "n": n,
        "rounds": rounds,
        "fit_iterations_k": k,
        "torch_threads": torch_threads,
        "candidates": {},
        "rerun_vs": {},
    }
    for name in times:
        result["candidates"][name] = ratio_entry(times[name], reference_times)
    result["candidates"][FIT_ONE].pop("median_ratio")  # one whole fit: not a step
    result["candidates"][FIT_ONE].pop("ratios")
    if rerun:
        # fit per iteration against the re-run step; the re-run step against each contender.
        result["fit_vs_rerun"] = ratio_entry(times[FIT_SLOPE], times[RERUN])
        for name in CONTENDERS:
            if name in times:
                result["rerun_vs"][name] = ratio_entry(times[RERUN], times[name])
    return result


def measure_loops(rounds: int, target: float, rerun: bool) -> dict:
    """The lecture's loop: per iteration on the demo's 456×30, per example at n = 2."""
    forms = loop_forms()
    result: dict = {"forms": list(forms)}

    # On the demo's data, per iteration.
    X, y = demo_data()
    reference_gradients = numpy_step(X, y, with_cost=True).gradients()
    candidates = {LECTURE_LOOP: lecture_loop(X, y)}
    ks = {}
    add_loop_fits(candidates, ks, X, y, target, forms)
    for name, candidate in candidates.items():
        check_gradients(f"{name} on the demo's data", candidate.gradients, reference_gradients)
    times = run_rounds(candidates, rounds, target)
    demo: dict = {
        "m": X.shape[0],
        "n": X.shape[1],
        "rounds": rounds,
        "lecture_loop_seconds": statistics.median(times[LECTURE_LOOP]),
        "forms": {},
    }
    for form in forms:
        per_iteration = slope(
            times[f"loop {form}, fit(k)"], times[f"loop {form}, fit(1)"], ks[form]
        )
        entry = ratio_entry(per_iteration, times[LECTURE_LOOP])
        entry["k"] = ks[form]
        entry["fit_k_per_iteration_seconds"] = statistics.median(times[f"loop {form}, fit(k)"])
        demo["forms"][form] = entry
    result["demo"] = demo

    # At n = 2, per example.
    X, y = make_data(LOOP_N2_EXAMPLES, 2)
    m = X.shape[0]
    reference_gradients = numpy_step(X, y, with_cost=True).gradients()
    candidates = {LECTURE_LOOP: lecture_loop(X, y)}
    if rerun:
        candidates[EXAMPLE_RERUN] = example_graph_loop(X, y, rerun=True)
    candidates[EXAMPLE_REBUILT] = example_graph_loop(X, y, rerun=False)
    add_loop_fits(candidates, ks, X, y, target, forms)
    for name, candidate in candidates.items():
        check_gradients(f"{name} at n = 2", candidate.gradients, reference_gradients)
    times = run_rounds(candidates, rounds, target)
    for form in forms:
        times[f"LogisticRegression(method='loop') {form}"] = slope(
            times.pop(f"loop {form}, fit(k)"), times.pop(f"loop {form}, fit(1)"), ks[form]
        )
    n2: dict = {"m": m, "n": 2, "rounds": rounds, "candidates": {}}
    for name, per_step in times.items():
        entry = ratio_entry(per_step, times[LECTURE_LOOP])
        entry["us_per_example"] = entry["median_seconds"] / m * 1e6
        n2["candidates"][name] = entry
    result["n2"] = n2
    return result


def rerun_allocations(m: int, n: int) -> dict:
    """Fresh allocations of one re-run step after warm-up: the peak growth, and the largest
    growth within one bytecode instruction (one allocation, or one C call's temporaries)."""
    X, y = make_data(m, n)
    candidate = rerun_step(X, y)
    for _ in range(3):
        candidate.step()
    gc.collect()
    tracemalloc.start()
    candidate.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    largest = {"bytes": 0, "where": None, "count_at_least_8m": 0}
    state = {"last": 0, "where": None}

    def trace(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        peak = tracemalloc.get_traced_memory()[1]
        growth = peak - state["last"]
        if growth >= 8 * m:
            largest["count_at_least_8m"] += 1
        if growth > largest["bytes"]:
            largest["bytes"], largest["where"] = growth, state["where"]
        state["where"] = (
            f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} ({frame.f_code.co_name})"
        )
        tracemalloc.reset_peak()
        state["last"] = tracemalloc.get_traced_memory()[0]
        return trace

    gc.collect()
    tracemalloc.start()
    sys.settrace(trace)
    try:
        candidate.step()
    finally:
        sys.settrace(None)
        tracemalloc.stop()
    return {
        "m": m,
        "n": n,
        "m_long_float64_bytes": 8 * m,
        "peak_growth_bytes": peak,
        "largest_single_bytes": largest["bytes"],
        "largest_where": largest["where"],
        "allocations_of_8m_bytes_or_more": largest["count_at_least_8m"],
    }


def fit_peak_memory(m: int, n: int, iterations: int = 5) -> dict:
    X, y = make_data(m, n)
    gc.collect()
    tracemalloc.start()
    LogisticRegression(max_iter=iterations).fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"m": m, "n": n, "peak_bytes": peak, "x_bytes": X.nbytes, "ratio": peak / X.nbytes}


def deep_chain(length: int, rerun: bool) -> dict:
    x = ag.Variable(1.0, name="x")
    start = time.perf_counter()
    node = x
    for _ in range(length):
        node = node * 1.0
    built = time.perf_counter()
    node.backward()
    done = time.perf_counter()
    result: dict = {
        "nodes": length,
        "build_seconds": built - start,
        "backward_seconds": done - built,
    }
    if rerun:
        x.value = 2.0
        start = time.perf_counter()
        node.forward()
        forwarded = time.perf_counter()
        node.backward()
        result.update(
            forward_rerun_seconds=forwarded - start,
            backward_after_rerun_seconds=time.perf_counter() - forwarded,
        )
        if node.value != 2.0:
            raise SystemExit(f"the chain's forward re-run gave {node.value}, not 2.0")
    del node
    gc.collect()
    tracemalloc.start()
    node = x
    for _ in range(length):
        node = node * 1.0
    node.backward()
    _, peak = tracemalloc.get_traced_memory()
    result["peak_bytes_build_and_backward"] = peak
    if rerun:
        x.value = 3.0
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        node.forward()
        node.backward()
        result["peak_growth_bytes_forward_and_backward_rerun"] = (
            tracemalloc.get_traced_memory()[1] - before
        )
    tracemalloc.stop()
    return result


# --- reporting ------------------------------------------------------------------------------


def size_label(m: int, n: int) -> str:
    return f"{m:,}×{n}"


def markdown(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def step_table(results: list[dict]) -> str:
    names = []
    for result in results:
        names += [name for name in result["candidates"] if name not in names and name != FIT_ONE]
    rows = [
        ["per step: ratio to numpy by hand with J (µs)"]
        + [size_label(r["m"], r["n"]) for r in results]
    ]
    for name in names:
        row = [name]
        for result in results:
            entry = result["candidates"].get(name)
            row.append(
                "—"
                if entry is None
                else f"{entry['median_ratio']:.2f}× ({entry['median_seconds'] * 1e6:,.0f})"
            )
        rows.append(row)
    if any(r.get("rerun_vs") for r in results):
        for name in (FIT_SLOPE, *CONTENDERS):
            row = [f"{name} ÷ re-run" if name == FIT_SLOPE else f"re-run ÷ {name}"]
            for result in results:
                entry = (
                    result.get("fit_vs_rerun")
                    if name == FIT_SLOPE
                    else result["rerun_vs"].get(name)
                )
                row.append("—" if entry is None else f"{entry['median_ratio']:.2f}×")
            rows.append(row)
    return markdown(rows)


def loops_table(loops: dict) -> str:
    demo = loops["demo"]
    rows = [["the lecture's loop", "per iteration or per example", "ratio"]]
    rows.append(
        [
            f"{LECTURE_LOOP}, {demo['m']}×{demo['n']}",
            f"{demo['lecture_loop_seconds'] * 1e3:,.2f} ms / iter",
            "1.00×",
        ]
    )
    for form, entry in demo["forms"].items():
        rows.append(
            [
                f"LogisticRegression(method='loop') {form}, {demo['m']}×{demo['n']}",
                f"{entry['median_seconds'] * 1e3:,.2f} ms / iter (k = {entry['k']})",
                f"{entry['median_ratio']:.2f}×",
            ]
        )
    n2 = loops["n2"]
    for name, entry in n2["candidates"].items():
        rows.append(
            [
                f"{name}, n = 2, m = {n2['m']:,}",
                f"{entry['us_per_example']:,.2f} µs / example",
                f"{entry['median_ratio']:.2f}×",
            ]
        )
    return markdown(rows)


def target_rows(report: dict) -> list[dict]:
    """Each target of issue 9 with what was measured: met, NOT met, or not measured."""
    rows: list[dict] = []

    def row(measure: str, target: str, value: float | None, shown: str, met: bool | None) -> None:
        rows.append(
            {"measure": measure, "target": target, "value": value, "measured": shown, "met": met}
        )

    for result in report["sizes"]:
        m, n = result["m"], result["n"]
        label = size_label(m, n)
        cands = result["candidates"]
        limit = 0.7 if (m, n) in ((100_000, 100), (1_000_000, 10)) else 1.0
        entry = cands.get(RERUN)
        row(
            f"re-run step ÷ numpy by hand with J, {label}",
            f"≤ {limit:.1f}×",
            entry and entry["median_ratio"],
            "not measured (no forward())" if entry is None else f"{entry['median_ratio']:.2f}×",
            None if entry is None else entry["median_ratio"] <= limit,
        )
        for name in CONTENDERS:
            vs = result["rerun_vs"].get(name)
            if vs is None:
                row(f"re-run step ÷ {name}, {label}", "< 1×", None, "not measured", None)
            else:
                row(
                    f"re-run step ÷ {name}, {label}",
                    "< 1×",
                    vs["median_ratio"],
                    f"{vs['median_ratio']:.2f}×",
                    vs["median_ratio"] < 1.0,
                )
        limit = 3.0 if (m, n) == (64, 2) else 2.0 if m * n >= 10_000 * 20 else None
        entry = cands[FRESH_RAW]
        row(
            f"fresh graph per step, raw arrays ÷ numpy by hand with J, {label}",
            "—" if limit is None else f"≤ {limit:.0f}×",
            entry["median_ratio"],
            f"{entry['median_ratio']:.2f}×",
            None if limit is None else entry["median_ratio"] <= limit,
        )
        vs = result.get("fit_vs_rerun")
        row(
            f"LogisticRegression.fit per iteration ÷ re-run step, {label}",
            "≤ 1.1×",
            vs and vs["median_ratio"],
            "not measured"
            if vs is None
            else f"{vs['median_ratio']:.2f}× (fit(k)/k incl. setup: "
            f"{cands[FIT_K]['median_seconds'] / cands[RERUN]['median_seconds']:.2f}×, "
            f"k = {result['fit_iterations_k']})",
            None if vs is None else vs["median_ratio"] <= 1.1,
        )

    loops = report.get("loops")
    if loops:
        demo = loops["demo"]
        label = f"{demo['m']}×{demo['n']}"
        forms = demo["forms"]
        for form, entry in forms.items():
            judged = judged_form(form, forms, per_feature=False)
            row(
                f"method='loop' ({form}) per iteration ÷ lecture's plain-Python loop, {label}",
                "≤ 10×" if judged else "—",
                entry["median_ratio"],
                f"{entry['median_ratio']:.1f}× ({entry['median_seconds'] * 1e3:.2f} ms vs "
                f"{demo['lecture_loop_seconds'] * 1e3:.2f} ms)",
                entry["median_ratio"] <= 10 if judged else None,
            )
        for name, entry in loops["n2"]["candidates"].items():
            if name == LECTURE_LOOP:
                continue
            judged = name == EXAMPLE_RERUN or (
                name.startswith("LogisticRegression")
                and judged_form(name, loops["forms"], per_feature=True)
            )
            row(
                f"{name}, n = 2, per example",
                "≤ 5 µs" if judged else "—",
                entry["us_per_example"],
                f"{entry['us_per_example']:.2f} µs",
                entry["us_per_example"] <= 5.0 if judged else None,
            )

    alloc = report.get("allocations")
    if alloc:
        label = size_label(alloc["m"], alloc["n"])
        limit = alloc["m_long_float64_bytes"]
        row(
            f"re-run step after warm-up, largest fresh allocation, {label}",
            f"< {limit:,} B (8·m)",
            alloc["largest_single_bytes"],
            f"{alloc['largest_single_bytes']:,} B at {alloc['largest_where']}",
            alloc["largest_single_bytes"] < limit,
        )
        row(
            f"re-run step after warm-up, peak growth, {label}",
            f"< {limit:,} B (8·m)",
            alloc["peak_growth_bytes"],
            f"{alloc['peak_growth_bytes']:,} B",
            alloc["peak_growth_bytes"] < limit,
        )
    else:
        row(
            "re-run step after warm-up, fresh allocations",
            "no m-long array",
            None,
            "not measured",
            None,
        )
    memory = report.get("fit_memory")
    if memory:
        row(
            f"fit peak memory, {size_label(memory['m'], memory['n'])}",
            "≤ 2× the bytes of X",
            memory["ratio"],
            f"{memory['ratio']:.2f}× ({memory['peak_bytes'] / 1e6:,.0f} MB)",
            memory["ratio"] <= 2.0,
        )
    chain = report.get("deep_chain")
    if chain:
        rerun = (
            ""
            if "forward_rerun_seconds" not in chain
            else f"; forward re-run {chain['forward_rerun_seconds']:.2f} s, backward again "
            f"{chain['backward_after_rerun_seconds']:.2f} s"
        )
        row(
            f"backward over a {chain['nodes']:,}-node chain",
            "completes; time and peak",
            chain["backward_seconds"],
            f"built {chain['build_seconds']:.2f} s, backward {chain['backward_seconds']:.2f} s"
            f"{rerun}; peak {chain['peak_bytes_build_and_backward'] / 1e6:,.0f} MB",
            True,
        )
    return rows


def targets_table(rows: list[dict]) -> str:
    verdict = {True: "met", False: "NOT met", None: "—"}
    return markdown(
        [["measure", "target", "measured", ""]]
        + [[r["measure"], r["target"], r["measured"], verdict[r["met"]]] for r in rows]
    )


def machine_info() -> dict:
    machine: dict = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or "unknown",
        "cpus": os.cpu_count(),
        "autograd_lite": ag.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "load_average_at_start": os.getloadavg(),
    }
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        machine["blas"] = "threadpoolctl not installed"
    else:
        machine["blas"] = [
            {
                key: pool.get(key)
                for key in ("internal_api", "architecture", "version", "num_threads", "prefix")
            }
            for pool in threadpool_info()
            if pool.get("user_api") == "blas"
        ]
    for module in ("torch", "jax"):
        try:
            machine[module] = importlib.import_module(module).__version__
        except ImportError:
            machine[module] = None
    return machine


def cpu_seconds_of_others() -> float | None:
    """CPU seconds the machine spent busy, less this process's own (Linux), since boot."""
    try:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    busy = (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait
    own = os.times()
    return busy - own.user - own.system


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """``"64x2,1000x2"`` → ``((64, 2), (1000, 2))``."""
    try:
        sizes = tuple(
            (int(m), int(n)) for m, n in (part.lower().split("x") for part in text.split(","))
        )
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes look like 64x2,1000x2; got {text!r}") from None
    if not sizes or any(m < 1 or n < 1 for m, n in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive; got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, fewer rounds, no 1,000,000-scale extras"
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=None,
        help="m×n sizes to time, e.g. 64x2,1000x2 (default: all, or --quick's)",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="rounds per group (default 7, --quick 3)"
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="seconds per candidate per round (default 0.15, --quick 0.05)",
    )
    parser.add_argument(
        "--no-extras",
        action="store_true",
        help="skip fit's memory and the 1,000,000-node chain; fresh allocations "
        "are counted at the largest size timed, not at 1,000,000×10",
    )
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latest.json"))
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    rounds = args.rounds or (3 if args.quick else 7)
    target = args.target or (0.05 if args.quick else 0.15)
    extras = not (args.quick or args.no_extras)
    started = time.perf_counter()
    machine = machine_info()
    print(f"machine: {json.dumps(machine)}")
    rerun = rerun_available()
    notes: list[str] = []
    if not rerun:
        notes.append("Node.forward() does not re-run a graph yet: the re-run measures are skipped")
    report: dict = {
        "machine": machine,
        "settings": {
            "rounds": rounds,
            "target_seconds": target,
            "learning_rate": LEARNING_RATE,
            "rerun_available": rerun,
        },
        "notes": notes,
        "sizes": [],
        "section_seconds": {},
        "section_cpu_share_of_other_processes": {},
    }
    sections, others = report["section_seconds"], report["section_cpu_share_of_other_processes"]
    others_before = [cpu_seconds_of_others()]

    def done(section: str, since: float) -> float:
        now = time.perf_counter()
        sections[section] = now - since
        others_now = cpu_seconds_of_others()
        if others_now is not None and others_before[0] is not None:
            others[section] = (others_now - others_before[0]) / (
                sections[section] * (os.cpu_count() or 1)
            )
        others_before[0] = others_now
        return now

    mark = time.perf_counter()
    for m, n in sizes:
        print(f"timing {size_label(m, n)} ...", file=sys.stderr, flush=True)
        report["sizes"].append(measure_size(m, n, rounds, target, rerun, notes))
        mark = done(size_label(m, n), mark)
    print("\n" + step_table(report["sizes"]))
    threads = [f"{size_label(r['m'], r['n'])}: {r['torch_threads']}" for r in report["sizes"]]
    if report["sizes"] and report["sizes"][0]["torch_threads"] is not None:
        print(f"PyTorch threads (the faster of 1 and {os.cpu_count()}): " + ", ".join(threads))

    print("timing the lecture's loop ...", file=sys.stderr, flush=True)
    report["loops"] = measure_loops(rounds, target, rerun)
    mark = done("loops", mark)
    print("\n" + loops_table(report["loops"]))

    if rerun:
        print("counting a re-run step's allocations ...", file=sys.stderr, flush=True)
        report["allocations"] = rerun_allocations(
            *(BIG if extras else max(sizes, key=lambda s: s[0] * s[1]))
        )
        mark = done("allocations", mark)
    if extras:
        print("fit's peak memory ...", file=sys.stderr, flush=True)
        report["fit_memory"] = fit_peak_memory(*BIG)
        mark = done("fit_memory", mark)
        print(f"a {CHAIN_NODES:,}-node chain ...", file=sys.stderr, flush=True)
        report["deep_chain"] = deep_chain(CHAIN_NODES, rerun)
        mark = done("deep_chain", mark)

    busy = {section: share for section, share in others.items() if share > 0.1}
    if busy:
        notes.append(
            "other processes kept the machine busy ("
            + ", ".join(f"{section}: {share:.0%} of the CPUs" for section, share in busy.items())
            + "): timings there are unreliable, PyTorch's most of all; run again on a quiet machine"
        )
    report["targets"] = target_rows(report)
    print("\n" + targets_table(report["targets"]))
    for note in notes:
        print(f"note: {note}")
    report["total_seconds"] = time.perf_counter() - started
    report["load_average_at_end"] = os.getloadavg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"\nwritten: {args.json} (in {report['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
