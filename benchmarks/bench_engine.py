"""The engine issue's targets, measured in one interleaved run (issue 17).

Every candidate does the same step of gradient descent on the same data: ``J``, ``dw``, ``db``
at ``w``, ``b``, then ``w := w − α·dw``, ``b := b − α·db``. Rounds interleave the candidates,
so a busy machine slows them all alike; each ratio is a candidate's time over numpy by hand's
in the same round, and the table gives the median over rounds.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/bench_engine.py

PyTorch (``pip install torch==2.13.0``) and JAX (``pip install jax jaxlib``) are measured when
installed. ``--quick`` runs the small sizes only; ``--json FILE`` writes every number.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite.compare import plain_python_loop
from autograd_lite.datasets import load_breast_cancer
from autograd_lite.lecture import CompiledLoop, lecture_graph

SIZES = ((64, 2), (1_000, 2), (10_000, 20), (100_000, 100), (1_000_000, 10))
ALPHA = 0.1
TARGETS = {  # compiled step ÷ numpy by hand, at most
    (64, 2): 0.9, (1_000, 2): 0.9, (10_000, 20): 1.0, (100_000, 100): 0.8, (1_000_000, 10): 0.8,
}

Step = Callable[[], None]


def make_data(m: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    y = (X @ rng.standard_normal(n) + 0.5 * rng.standard_normal(m) > 0).astype(np.float64)
    return X, y


def by_hand(X: np.ndarray, y: np.ndarray) -> Step:
    """The step as a course writes it in numpy, with the cost J (examples in rows)."""
    m, n = X.shape
    state: dict[str, Any] = {"w": np.zeros(n), "b": 0.0}

    def step() -> None:
        w, b = state["w"], state["b"]
        A = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        state["J"] = -np.mean(y * np.log(A) + (1.0 - y) * np.log(1.0 - A))
        dZ = A - y
        state["w"] = w - ALPHA * (X.T @ dZ / m)
        state["b"] = b - ALPHA * float(np.mean(dZ))

    return step


def graph_of(X: np.ndarray, y: np.ndarray) -> tuple[ag.Node, ag.Variable, ag.Variable]:
    w, b = ag.Variable(np.zeros(X.shape[1]), name="w"), ag.Variable(0.0, name="b")
    J = ag.mean(ag.log_loss(ag.sigmoid(ag.Constant(X, name="X") @ w + b), ag.Constant(y, name="y")))
    return J.named("J"), w, b


def compiled(X: np.ndarray, y: np.ndarray) -> Step:
    """``ag.compile`` of the cost, called as ``program(w=…, b=…)`` each step."""
    program = ag.compile(graph_of(X, y)[0])
    state: dict[str, Any] = {"w": np.zeros(X.shape[1]), "b": 0.0}

    def step() -> None:
        out = program(w=state["w"], b=state["b"])
        state["w"] = state["w"] - ALPHA * out["dw"]
        state["b"] = state["b"] - ALPHA * out["db"]

    return step


def interpreted_fresh(X: np.ndarray, y: np.ndarray) -> Step:
    """A new graph every step, from the raw arrays (the interpreter copies them in)."""
    w, b = ag.Variable(np.zeros(X.shape[1]), name="w"), ag.Variable(0.0, name="b")

    def step() -> None:
        ag.mean(ag.log_loss(ag.sigmoid(X @ w + b), y)).backward()
        w.value = w.value - ALPHA * w.grad
        b.value = b.value - ALPHA * b.grad

    return step


def interpreted_rerun(X: np.ndarray, y: np.ndarray) -> Step:
    """The graph built once, run again: ``J.forward(); J.backward()``."""
    J, w, b = graph_of(X, y)

    def step() -> None:
        J.forward()
        J.backward()
        w.value = w.value - ALPHA * w.grad
        b.value = b.value - ALPHA * b.grad

    return step


def fit_iteration(X: np.ndarray, y: np.ndarray, k: int) -> tuple[Step, Step, int]:
    """``fit`` with k iterations and with 1: their difference over k - 1 is one iteration."""
    many = ag.LogisticRegression(learning_rate=ALPHA, max_iter=k)
    one = ag.LogisticRegression(learning_rate=ALPHA, max_iter=1)
    return (lambda: many.fit(X, y)), (lambda: one.fit(X, y)), k


def torch_steps(X: np.ndarray, y: np.ndarray) -> dict[str, Step]:
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(2)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    steps = {}
    for name, logits in (("PyTorch eager, sigmoid + BCE", False),
                         ("PyTorch eager, BCE with logits", True)):
        w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
        b = torch.zeros((), dtype=torch.float64, requires_grad=True)

        def step(w: Any = w, b: Any = b, logits: bool = logits) -> None:
            z = Xt @ w + b
            if logits:
                J = torch.nn.functional.binary_cross_entropy_with_logits(z, yt)
            else:
                J = torch.nn.functional.binary_cross_entropy(torch.sigmoid(z), yt)
            J.backward()
            with torch.no_grad():
                w -= ALPHA * w.grad
                b -= ALPHA * b.grad
                w.grad = None
                b.grad = None

        steps[name] = step
    return steps


def jax_step(X: np.ndarray, y: np.ndarray) -> dict[str, Step]:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {}
    jax.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def cost(w: Any, b: Any) -> Any:
        z = Xj @ w + b
        return jnp.mean(jnp.logaddexp(0.0, z) - yj * z)

    grads = jax.jit(jax.value_and_grad(cost, argnums=(0, 1)))
    state = {"w": jnp.zeros(X.shape[1]), "b": jnp.asarray(0.0)}

    def step() -> None:
        _, (dw, db) = grads(state["w"], state["b"])
        state["w"] = state["w"] - ALPHA * dw
        state["b"] = (state["b"] - ALPHA * db).block_until_ready()

    step()
    return {"JAX jit": step}


def seconds(step: Step, repeats: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - start) / repeats


def repeats_for(step: Step, target: float) -> int:
    step()
    once = seconds(step, 1)
    return max(1, int(target / max(once, 1e-7)))


def measure_size(m: int, n: int, rounds: int, target: float) -> dict[str, Any]:
    X, y = make_data(m, n)
    candidates: dict[str, Step] = {
        "numpy by hand with J": by_hand(X, y),
        "compiled step, program(w=, b=)": compiled(X, y),
        "interpreted, fresh graph on raw arrays": interpreted_fresh(X, y),
        "interpreted, re-run graph": interpreted_rerun(X, y),
        **torch_steps(X, y),
        **jax_step(X, y),
    }
    repeats = {name: repeats_for(step, target) for name, step in candidates.items()}
    k = max(3, min(200, repeats["compiled step, program(w=, b=)"]))
    fit_many, fit_one, k = fit_iteration(X, y, k)
    times: dict[str, list[float]] = {name: [] for name in [*candidates, "fit per iteration"]}
    for _ in range(rounds):
        for name, step in candidates.items():
            times[name].append(seconds(step, repeats[name]))
        times["fit per iteration"].append(
            max(seconds(fit_many, 1) - seconds(fit_one, 1), 1e-9) / (k - 1)
        )
    reference = times["numpy by hand with J"]
    return {
        "size": f"{m}×{n}",
        "seconds": {name: statistics.median(t) for name, t in times.items()},
        "ratio": {
            name: statistics.median(a / r for a, r in zip(t, reference, strict=True))
            for name, t in times.items()
        },
        "fit ÷ compiled step": statistics.median(
            f / c for f, c in zip(times["fit per iteration"],
                                  times["compiled step, program(w=, b=)"], strict=True)
        ),
    }


def measure_loops(rounds: int) -> dict[str, Any]:
    """Per example: the lecture's loop in plain Python floats against the compiled loop."""
    results: dict[str, Any] = {}
    for label, (X, y) in {"n = 2, m = 1000": make_data(1000, 2),
                          "the demo's data, 456×30": _demo_data()}.items():
        m = X.shape[0]
        forms = _loop_forms(X, y)
        times = {name: [seconds(f, 3) for _ in range(rounds)] for name, f in forms.items()}
        base = times["lecture's loop, plain Python"]
        results[label] = {
            name: {
                "µs per example": statistics.median(t) / m * 1e6,
                "÷ plain Python": statistics.median(a / r for a, r in zip(t, base, strict=True)),
            }
            for name, t in times.items()
        }
    return results


def _loop_forms(X: np.ndarray, y: np.ndarray) -> dict[str, Step]:
    n = X.shape[1]
    plain = plain_python_loop(X, y)
    loop = CompiledLoop(n)
    w, b = np.zeros(n), 0.0
    model = ag.LogisticRegression(method="loop", learning_rate=ALPHA, max_iter=1)
    return {
        "lecture's loop, plain Python": lambda: plain(w, b),
        "compiled loop (CompiledLoop)": lambda: loop.gradients(X, y, w, b),
        'fit(method="loop"), 1 iteration': lambda: model.fit(X, y),
    }


def _demo_data() -> tuple[np.ndarray, np.ndarray]:
    """The demo's training set: 456 of the 569 examples, standardised."""
    X, y, _ = load_breast_cancer()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X[:456], y[:456].astype(np.float64)


def compile_times() -> dict[str, float]:
    one = lecture_graph().L
    X, y = make_data(64, 2)
    two = graph_of(X, y)[0]
    out = {}
    for name, node in (("lecture 1's graph", one), ("lecture 2's graph", two)):
        ag.compile(node)
        out[name] = min(seconds(lambda node=node: ag.compile(node), 20) for _ in range(5)) * 1e3
    return out


def fit_peak_memory(m: int, n: int) -> dict[str, float]:
    X, y = make_data(m, n)
    model = ag.LogisticRegression(learning_rate=ALPHA, max_iter=3)
    tracemalloc.start()
    model.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak MB": peak / 2**20, "X MB": X.nbytes / 2**20, "peak ÷ X": peak / X.nbytes}


def report(results: dict[str, Any]) -> str:
    lines = ["| size | " + " | ".join(results["sizes"][0]["ratio"]) + " | fit ÷ compiled |",
             "|" + "---|" * (len(results["sizes"][0]["ratio"]) + 2)]
    for row in results["sizes"]:
        cells = [f"{row['ratio'][name]:.2f}×" for name in row["ratio"]]
        fit = row["fit ÷ compiled step"]
        lines.append(f"| {row['size']} | " + " | ".join(cells) + f" | {fit:.2f}× |")
    lines.append("")
    for label, forms in results["loops"].items():
        for name, entry in forms.items():
            lines.append(f"- {label}, {name}: {entry['µs per example']:.2f} µs per example, "
                         f"{entry['÷ plain Python']:.2f}× plain Python")
    for name, ms in results["compile"].items():
        lines.append(f"- ag.compile of {name}: {ms:.2f} ms")
    memory = results.get("memory")
    if memory:
        lines.append(f"- fit at {results['memory_size']}: peak {memory['peak MB']:.0f} MB, "
                     f"{memory['peak ÷ X']:.2f}× the bytes of X")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the three small sizes only")
    parser.add_argument("--sizes", help="sizes such as 64x2,1000x2 (default: all five)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--target", type=float, default=0.05, help="seconds per measure")
    parser.add_argument("--json", help="write every number to this file")
    args = parser.parse_args(argv)
    sizes = SIZES[:3] if args.quick else SIZES
    if args.sizes:
        sizes = tuple(tuple(int(k) for k in s.split("x")) for s in args.sizes.split(","))
    targets = {f"{m}×{n}": t for (m, n), t in TARGETS.items()}
    results: dict[str, Any] = {"sizes": [], "targets": targets}
    for m, n in sizes:
        results["sizes"].append(measure_size(m, n, args.rounds, args.target))
        print(f"measured {m}×{n}", file=sys.stderr, flush=True)
    results["loops"] = measure_loops(min(args.rounds, 5))
    results["compile"] = compile_times()
    big = max(sizes, key=lambda s: s[0] * s[1])
    results["memory_size"] = f"{big[0]}×{big[1]}"
    results["memory"] = fit_peak_memory(*big)
    print(report(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(results, file, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
