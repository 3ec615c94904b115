"""One step of logistic-regression gradient descent: autograd_lite against hand-written numpy.

A step is forward with the cost J, backward, and the update ``w := w − α·dw``, in float64. For
each size the candidates run side by side in one process, interleaved round by round (the order
rotates each round), each timed with ``timeit`` over a calibrated number of steps. The ratio to
the hand-written numpy step with J is taken within each round, and the table reports medians.
Before timing, every candidate's gradients are checked against the numpy reference.

The standard library's ``timeit`` is the harness: pytest-benchmark times one function per test
and cannot interleave candidates within a round, which is what makes per-round ratios fair on a
shared machine.

Run it (after ``bash scripts/test`` or ``bash scripts/demo`` made ``.venv``)::

    .venv/bin/python benchmarks/bench_logistic.py            # all sizes, about two minutes
    .venv/bin/python benchmarks/bench_logistic.py --quick    # small sizes only, seconds
    .venv/bin/python benchmarks/bench_logistic.py --sizes 64x2 --rounds 1 --target 0.001 \
        --no-extras --json /tmp/bench.json                     # a smoke run, under a second

PyTorch is compared when it is installed (``pip install torch``; optional).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite.logistic import LogisticRegression, cost, example_loss

SIZES = ((64, 2), (1_000, 2), (10_000, 20), (100_000, 100), (1_000_000, 10))
QUICK_SIZES = ((64, 2), (1_000, 2), (10_000, 20))
LEARNING_RATE = 0.1
MICROGRAD_LOOP_US_PER_EXAMPLE = 55.0  # the measurement, n = 2

Step = Callable[[], None]


def make_data(m: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    y = (X @ rng.standard_normal(n) + 0.5 * rng.standard_normal(m) > 0).astype(np.float64)
    return X, y


# --- the candidates: each returns (step, gradients) ----------------------------------------------


def numpy_step(X: np.ndarray, y: np.ndarray, with_cost: bool) -> tuple[Step, Callable]:
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

    return step, gradients


def autograd_lite_vectorized(X: np.ndarray, y: np.ndarray) -> tuple[Step, Callable]:
    """The engine's vectorized step: X and y wrapped once, one graph per step."""
    X_node, y_node = ag.Constant(X, name="X"), ag.Constant(y, name="y")
    w, b = ag.Variable(np.zeros(X.shape[1]), name="w"), ag.Variable(0.0, name="b")

    def gradients() -> tuple[np.ndarray, float]:
        cost(X_node, y_node, w, b).backward()
        return w.grad, b.grad

    def step() -> None:
        dw, db = gradients()
        w.value = w.value - LEARNING_RATE * dw
        b.value = b.value - LEARNING_RATE * db

    return step, gradients


def autograd_lite_loop(X: np.ndarray, y: np.ndarray) -> tuple[Step, Callable]:
    """The lecture's per-example loop on the engine: one small graph per example."""
    m, n = X.shape
    x_nodes = [[ag.Constant(v) for v in row] for row in X.tolist()]
    y_nodes = [ag.Constant(v) for v in y.tolist()]
    w = [ag.Variable(0.0, name=f"w{j}") for j in range(1, n + 1)]
    b = ag.Variable(0.0, name="b")

    def gradients() -> tuple[np.ndarray, float]:
        dw, db = [0.0] * n, 0.0
        for x_i, y_i in zip(x_nodes, y_nodes, strict=True):
            example_loss(w, b, x_i, y_i).backward()
            for j, w_j in enumerate(w):
                dw[j] += w_j.grad
            db += b.grad
        return np.array(dw) / m, db / m

    def step() -> None:
        dw, db = gradients()
        for w_j, d in zip(w, dw.tolist(), strict=True):
            w_j.value = w_j.value - LEARNING_RATE * d
        b.value = b.value - LEARNING_RATE * db

    return step, gradients


def fit_per_iteration(X: np.ndarray, y: np.ndarray, iterations: int) -> tuple[Step, Callable]:
    """``LogisticRegression.fit`` with ``iterations`` steps; timed per step."""
    model = LogisticRegression(learning_rate=LEARNING_RATE, max_iter=iterations)
    probe = LogisticRegression(learning_rate=LEARNING_RATE, max_iter=1)

    def gradients() -> tuple[np.ndarray, float]:
        seen: list = []
        probe.fit(X, y, callback=seen.append)
        return seen[0].dw, seen[0].db

    return (lambda: model.fit(X, y)), gradients


def torch_step(X: np.ndarray, y: np.ndarray) -> tuple[Step, Callable] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)

    def gradients() -> tuple[np.ndarray, float]:
        w.grad = b.grad = None
        A = torch.sigmoid(X_t @ w + b)
        torch.nn.functional.binary_cross_entropy(A, y_t).backward()
        return w.grad.numpy().copy(), float(b.grad)

    def step() -> None:
        gradients()
        with torch.no_grad():
            w.sub_(LEARNING_RATE * w.grad)
            b.sub_(LEARNING_RATE * b.grad)

    return step, gradients


# --- measuring ------------------------------------------------------------------------------


def check_gradients(name: str, gradients: Callable, reference: tuple[np.ndarray, float]) -> None:
    dw, db = gradients()
    if not (np.allclose(dw, reference[0], rtol=1e-9, atol=1e-12)
            and np.isclose(db, reference[1], rtol=1e-9, atol=1e-12)):
        raise SystemExit(f"{name}: gradients differ from the numpy reference; not timing it")


def calibrate(step: Step, target_seconds: float) -> int:
    step()  # warm up
    number = 1
    while True:
        seconds = timeit.Timer(step).timeit(number)
        if seconds >= target_seconds or number >= 1 << 20:
            return number
        number = max(number * 2, int(number * target_seconds / max(seconds, 1e-9)) + 1)


def measure_size(m: int, n: int, rounds: int, target: float) -> dict:
    X, y = make_data(m, n)
    reference_step, reference_gradients = numpy_step(X, y, with_cost=True)
    reference = reference_gradients()
    candidates: dict[str, tuple[Step, Callable, float]] = {}

    def add(name: str, made: tuple[Step, Callable] | None, steps_per_call: float = 1.0) -> None:
        if made is not None:
            check_gradients(name, made[1], reference)
            candidates[name] = (made[0], made[1], steps_per_call)

    add("numpy with J", (reference_step, reference_gradients))
    add("numpy without J", numpy_step(X, y, with_cost=False))
    add("autograd_lite vectorized", autograd_lite_vectorized(X, y))
    fit_iterations = 20
    add("LogisticRegression.fit / iter", fit_per_iteration(X, y, fit_iterations), fit_iterations)
    add("PyTorch eager", torch_step(X, y))
    if n == 2 and m <= 1_000:
        add("autograd_lite loop", autograd_lite_loop(X, y))

    numbers = {name: calibrate(step, target) for name, (step, _, _) in candidates.items()}
    times: dict[str, list[float]] = {name: [] for name in candidates}
    names = list(candidates)
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:  # rotate the order
            step, _, per_call = candidates[name]
            gc.collect()
            seconds = timeit.Timer(step).timeit(numbers[name])
            times[name].append(seconds / numbers[name] / per_call)
    reference_times = times["numpy with J"]
    result = {"m": m, "n": n, "rounds": rounds, "candidates": {}}
    for name in names:
        ratios = [t / ref for t, ref in zip(times[name], reference_times, strict=True)]
        entry = {"median_seconds": statistics.median(times[name]),
                 "median_ratio": statistics.median(ratios), "ratios": ratios}
        if name == "autograd_lite loop":
            entry["us_per_example"] = statistics.median(times[name]) / m * 1e6
        result["candidates"][name] = entry
    return result


def fit_peak_memory(m: int, n: int, iterations: int = 5) -> dict:
    X, y = make_data(m, n)
    gc.collect()
    tracemalloc.start()
    LogisticRegression(max_iter=iterations).fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"m": m, "n": n, "peak_bytes": peak, "x_bytes": X.nbytes, "ratio": peak / X.nbytes}


def deep_chain(length: int) -> dict:
    x = ag.Variable(1.0, name="x")
    start = time.perf_counter()
    node = x
    for _ in range(length):
        node = node * 1.0
    built = time.perf_counter()
    node.backward()
    done = time.perf_counter()
    del node
    gc.collect()
    tracemalloc.start()
    node = x
    for _ in range(length):
        node = node * 1.0
    node.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"nodes": length, "build_seconds": built - start, "backward_seconds": done - built,
            "peak_bytes_build_and_backward": peak}


def print_table(results: list[dict]) -> None:
    names = []
    for result in results:
        names += [name for name in result["candidates"] if name not in names]
    header = ["per step (ratio to numpy with J)"] + [f"{r['m']:,}×{r['n']}" for r in results]
    rows = [header]
    for name in names:
        row = [name]
        for result in results:
            entry = result["candidates"].get(name)
            row.append("—" if entry is None else
                       f"{entry['median_ratio']:.2f}× ({entry['median_seconds'] * 1e6:,.0f} µs)")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("-+-".join("-" * width for width in widths))


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
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer rounds")
    parser.add_argument("--sizes", type=parse_sizes, default=None,
                        help="m×n sizes to time, e.g. 64x2,1000x2 (default: all, or --quick's)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per size (default 7)")
    parser.add_argument("--target", type=float, default=None,
                        help="seconds per candidate per round (default 0.2, --quick 0.05)")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip the fit-memory and 1,000,000-node measurements")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latest.json"))
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    rounds = args.rounds or (3 if args.quick else 7)
    target = args.target or (0.05 if args.quick else 0.2)
    machine = {"python": sys.version.split()[0], "numpy": np.__version__,
               "platform": platform.platform(), "processor": platform.processor() or "unknown",
               "autograd_lite": ag.__version__}
    print(f"machine: {machine}")
    results = []
    for m, n in sizes:
        print(f"timing {m:,}×{n} ...", file=sys.stderr, flush=True)
        results.append(measure_size(m, n, rounds, target))
    print_table(results)
    loop = [r["candidates"]["autograd_lite loop"] for r in results
            if "autograd_lite loop" in r["candidates"]]
    report: dict = {"machine": machine, "sizes": results}
    if loop:
        us = loop[-1]["us_per_example"]
        print(f"\nper-example loop (n = 2): {us:.1f} µs per example; micrograd about "
              f"{MICROGRAD_LOOP_US_PER_EXAMPLE:.0f} µs (target: at most half)")
        report["loop_us_per_example"] = us
    if not (args.quick or args.no_extras):
        memory = fit_peak_memory(1_000_000, 10)
        print(f"fit at 1,000,000×10: peak {memory['peak_bytes'] / 1e6:,.0f} MB = "
              f"{memory['ratio']:.2f}× the bytes of X (target: at most 3×)")
        chain = deep_chain(1_000_000)
        print(f"backward over a 1,000,000-node chain: built in {chain['build_seconds']:.2f} s, "
              f"backward {chain['backward_seconds']:.2f} s, peak "
              f"{chain['peak_bytes_build_and_backward'] / 1e6:,.0f} MB")
        report.update(fit_memory=memory, deep_chain=chain)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
