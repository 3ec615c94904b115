"""The one-hidden-layer network on the engine, per step, against numpy by hand, PyTorch and JAX.

One step of the course's gradient descent on its flower (m = 400, n_x = 2, n_h = 4, tanh,
float64): forward with the cost J, backward, and ``W := W − α·dW`` for the four parameters.

- ``NeuralNetwork.fit / step``: the slope ``(T(fit, k steps) − T(fit, 1 step)) / (k − 1)``,
  so the one-off work of ``fit`` (checking the data, building the graph, compiling it) is not
  spread over the steps;
- ``numpy by hand``: the course's ``forward_propagation``, ``compute_cost``,
  ``backward_propagation`` and ``update_parameters``, written out in numpy (the reference);
- ``PyTorch eager``: the same network in torch float64 tensors with ``requires_grad``, the
  cost written as the course writes it, ``J.backward()``, the update under ``no_grad``;
- ``JAX jit``: ``jax.value_and_grad`` of the same cost and the update, jitted as one function
  (reported beside, no target).

The targets (issue 18): ``fit`` per step at most 1.25× numpy by hand, and ahead of PyTorch
eager. The candidates run in one process, interleaved round by round (the order rotates each
round), each timed with ``timeit`` over a calibrated number of calls; ratios are taken within
each round, and the table reports their medians. Before timing, every candidate's first step
is checked against numpy's.

    .venv/bin/python benchmarks/bench_network.py                   # about a minute
    .venv/bin/python benchmarks/bench_network.py --rounds 2 --target 0.01 --json /tmp/b.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite.network import PARAMETER_NAMES, initial_parameters

RATE = 1.2
N_H = 4
FIT = "NeuralNetwork.fit / step"
NUMPY = "numpy by hand"
TORCH = "PyTorch eager"
JAX = "JAX jit"
FIT_TARGET = 1.25


@dataclass
class Candidate:
    name: str
    step: Callable[[], Any]
    """One call: one step (or, for fit, a whole fit: see ``per_call``)."""
    first: Callable[[], dict[str, np.ndarray]]
    """The gradients of the first step from the course's start, to check before timing."""


def flower_columns() -> tuple[np.ndarray, np.ndarray]:
    X, y = ag.load_flower()
    return np.ascontiguousarray(X.T), y.reshape(1, -1).astype(np.float64)


def numpy_candidate() -> Candidate:
    X, Y = flower_columns()
    m = X.shape[1]
    p = initial_parameters(2, N_H, 2)

    def gradients(p: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        A1 = np.tanh(p["W1"] @ X + p["b1"])
        A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
        J = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
        dZ2 = A2 - Y
        dZ1 = p["W2"].T @ dZ2 * (1 - A1**2)
        return float(J), {
            "W1": dZ1 @ X.T / m, "b1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "W2": dZ2 @ A1.T / m, "b2": np.sum(dZ2, axis=1, keepdims=True) / m,
        }

    state = dict(p)

    def step() -> None:
        _, g = gradients(state)
        for k in PARAMETER_NAMES:
            state[k] = state[k] - RATE * g[k]

    return Candidate(NUMPY, step, lambda: gradients(dict(p))[1])


def fit_candidate(k: int) -> tuple[Candidate, Candidate]:
    """``fit`` for ``k`` steps and for 1 step: the slope between them is the time per step."""
    X, y = ag.load_flower()

    def grads() -> dict[str, np.ndarray]:
        """What fit's first step took, as gradients: (start − parameters after it) / α."""
        start = initial_parameters(2, N_H, 2)
        after = ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y).parameters_
        return {k: (start[k] - after[k]) / RATE for k in PARAMETER_NAMES}

    many = Candidate(FIT, lambda: ag.NeuralNetwork(max_iter=k, random_state=2).fit(X, y), grads)
    one = Candidate(FIT + " (1 step)",
                    lambda: ag.NeuralNetwork(max_iter=1, random_state=2).fit(X, y), grads)
    return many, one


def torch_candidate() -> Candidate | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    Xn, Yn = flower_columns()
    X, Y = torch.from_numpy(Xn), torch.from_numpy(Yn)
    start = initial_parameters(2, N_H, 2)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}

    def cost(p: dict[str, Any]) -> Any:
        A1 = torch.tanh(p["W1"] @ X + p["b1"])
        A2 = torch.sigmoid(p["W2"] @ A1 + p["b2"])
        return -(Y * torch.log(A2) + (1 - Y) * torch.log(1 - A2)).mean()

    def step() -> None:
        J = cost(params)
        J.backward()
        with torch.no_grad():
            for p in params.values():
                p -= RATE * p.grad
                p.grad = None

    def first() -> dict[str, np.ndarray]:
        fresh = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
        cost(fresh).backward()
        return {k: fresh[k].grad.numpy() for k in PARAMETER_NAMES}

    return Candidate(TORCH, step, first)


def jax_candidate() -> Candidate | None:
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    Xn, Yn = flower_columns()
    X, Y = jnp.asarray(Xn), jnp.asarray(Yn)

    def cost(p: dict[str, Any]) -> Any:
        A1 = jnp.tanh(p["W1"] @ X + p["b1"])
        A2 = jax.nn.sigmoid(p["W2"] @ A1 + p["b2"])
        return -jnp.mean(Y * jnp.log(A2) + (1 - Y) * jnp.log(1 - A2))

    grad = jax.jit(jax.value_and_grad(cost))

    @jax.jit
    def update(p: dict[str, Any]) -> dict[str, Any]:
        _, g = jax.value_and_grad(cost)(p)
        return {k: p[k] - RATE * g[k] for k in p}

    start = {k: jnp.asarray(v) for k, v in initial_parameters(2, N_H, 2).items()}
    state = {"p": start}

    def step() -> None:
        state["p"] = update(state["p"])
        jax.block_until_ready(state["p"])

    def first() -> dict[str, np.ndarray]:
        _, g = grad(start)
        return {k: np.asarray(g[k]) for k in PARAMETER_NAMES}

    return Candidate(JAX, step, first)


def calibrate(step: Callable[[], Any], target: float) -> int:
    number = 1
    while True:
        seconds = timeit.timeit(step, number=number)
        if seconds >= target or number >= 1 << 20:
            return number
        number *= 2 if seconds == 0 else max(2, min(10, int(target / seconds) + 1))


def run(rounds: int, target: float, fit_steps: int) -> dict:
    reference = numpy_candidate()
    many, one = fit_candidate(fit_steps)
    others = [c for c in (torch_candidate(), jax_candidate()) if c is not None]
    expected = reference.first()
    for candidate in (many, *others):
        got = candidate.first()
        for k in PARAMETER_NAMES:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-8, atol=1e-14,
                                       err_msg=f"{candidate.name}: d{k}")
    stepped = [reference, *others]
    for c in stepped:
        for _ in range(3):
            c.step()  # warm: JAX compiles on its first calls
    numbers = {c.name: calibrate(c.step, target) for c in stepped}
    fit_number = calibrate(many.step, target)
    one_number = calibrate(one.step, target / 4)
    per_round: dict[str, list[float]] = {name: [] for name in [NUMPY, FIT, *numbers]}
    order = [*stepped, many]
    for r in range(rounds):
        times: dict[str, float] = {}
        rotated = order[r % len(order):] + order[: r % len(order)]
        for c in rotated:
            if c is many:
                t_many = timeit.timeit(many.step, number=fit_number) / fit_number
                t_one = timeit.timeit(one.step, number=one_number) / one_number
                times[FIT] = max((t_many - t_one) / (fit_steps - 1), 1e-12)
            else:
                times[c.name] = timeit.timeit(c.step, number=numbers[c.name]) / numbers[c.name]
        for name, seconds in times.items():
            per_round[name].append(seconds)
    results = {}
    for name, seconds in per_round.items():
        ratios = [s / ref for s, ref in zip(seconds, per_round[NUMPY], strict=True)]
        results[name] = {
            "median_seconds": statistics.median(seconds),
            "seconds": seconds,
            "ratios_to_numpy": ratios,
            "median_ratio_to_numpy": statistics.median(ratios),
        }
    if TORCH in results:
        ahead = [f / t for f, t in zip(per_round[FIT], per_round[TORCH], strict=True)]
        results[FIT]["median_ratio_to_torch"] = statistics.median(ahead)
    return {
        "setup": {"m": 400, "n_x": 2, "n_h": N_H, "activation": "tanh", "dtype": "float64",
                  "rounds": rounds, "fit_steps": fit_steps},
        "results": results,
        "targets": targets(results),
        "machine": {"python": sys.version.split()[0], "numpy": np.__version__,
                    "platform": platform.platform(), "processor": platform.processor()},
    }


def targets(results: dict) -> list[dict]:
    fit = results[FIT]
    rows = [{
        "target": f"fit per step ≤ {FIT_TARGET}× numpy by hand",
        "measured": f"{fit['median_ratio_to_numpy']:.2f}×",
        "met": fit["median_ratio_to_numpy"] <= FIT_TARGET,
    }]
    if "median_ratio_to_torch" in fit:
        rows.append({
            "target": "fit per step ahead of PyTorch eager",
            "measured": f"{fit['median_ratio_to_torch']:.2f}× PyTorch's time",
            "met": fit["median_ratio_to_torch"] < 1.0,
        })
    return rows


def table(report: dict) -> str:
    lines = ["| candidate | µs per step (median) | × numpy by hand |", "|---|---:|---:|"]
    for name, r in report["results"].items():
        lines.append(f"| {name} | {r['median_seconds'] * 1e6:.1f} | "
                     f"{r['median_ratio_to_numpy']:.2f} |")
    lines += ["", "| target | measured | |", "|---|---|---|"]
    for row in report["targets"]:
        lines.append(f"| {row['target']} | {row['measured']} | "
                     f"{'met' if row['met'] else 'NOT met'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--target", type=float, default=0.25,
                        help="seconds each candidate runs per round")
    parser.add_argument("--fit-steps", type=int, default=400)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(argv)
    report = run(options.rounds, options.target, options.fit_steps)
    print(table(report))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
