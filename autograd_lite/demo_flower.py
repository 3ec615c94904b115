"""The demo's third part: the course's flower, logistic regression against one hidden layer.

Both models are trained on the 400 points of ``ag.load_flower()``: logistic regression (lecture
2's model, one straight line) and ``NeuralNetwork`` with the course's setup (4 tanh units,
α = 1.2, its start). The demo prints each one's training accuracy and time, and, with
matplotlib, draws both decision boundaries side by side into ``flower.png``.
"""

from __future__ import annotations

import pathlib
import time

import numpy as np

from autograd_lite.datasets import load_flower
from autograd_lite.logistic import LogisticRegression
from autograd_lite.network import NeuralNetwork

__all__ = ["DEFAULT_FLOWER_STEPS", "flower_comparison"]

DEFAULT_FLOWER_STEPS = 10000
"""The course's 10,000 steps for the network on the flower."""


def flower_comparison(
    out: pathlib.Path, steps: int = DEFAULT_FLOWER_STEPS
) -> list[tuple[pathlib.Path, str]]:
    """Train both models on the flower, print how they do, and draw them (the files written).

    Examples
    --------
    >>> import contextlib, io, pathlib, tempfile
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     files = flower_comparison(pathlib.Path(tempfile.mkdtemp()), steps=200)
    >>> "logistic regression" in printed.getvalue(), [path.name for path, _ in files]
    (True, ['flower.png'])
    """
    X, y = load_flower()
    print(
        "\nlecture 3: the course's flower, 400 points of two classes that no straight line "
        "separates"
    )
    start = time.perf_counter()
    logistic = LogisticRegression(learning_rate=0.5, max_iter=1000).fit(X, y)
    logistic_time = time.perf_counter() - start
    start = time.perf_counter()
    network = NeuralNetwork(hidden_units=4, learning_rate=1.2, max_iter=steps,
                            random_state=2).fit(X, y)
    network_time = time.perf_counter() - start
    rows = [
        ("logistic regression, 1000 steps", logistic.score(X, y), logistic.loss_curve_[-1],
         logistic_time),
        (f"one hidden layer, 4 tanh units, {steps} steps", network.score(X, y),
         network.loss_curve_[-1], network_time),
    ]
    width = max(len(name) for name, *_ in rows)
    for name, accuracy, cost, seconds in rows:
        print(f"  {name:<{width}}  train accuracy {accuracy:6.2%}  J = {cost:.6f}  "
              f"({seconds:.2f} s)")
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return []
    figure = Figure(figsize=(10, 4.6))
    grid_x, grid_y = np.meshgrid(np.linspace(-4.5, 4.5, 150), np.linspace(-4.5, 4.5, 150))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    for k, (model, (name, accuracy, _, _)) in enumerate(zip((logistic, network), rows,
                                                            strict=True), start=1):
        axes = figure.add_subplot(1, 2, k)
        axes.contourf(grid_x, grid_y, model.predict(grid).reshape(grid_x.shape),
                      cmap="Spectral", alpha=0.6)
        axes.scatter(X[:, 0], X[:, 1], c=y, s=8, cmap="Spectral", edgecolors="k",
                     linewidths=0.2)
        axes.set_title(f"{name}: {accuracy:.0%}", fontsize=10)
        axes.set_aspect("equal")
    figure.tight_layout()
    path = out / "flower.png"
    figure.savefig(path, dpi=110)
    return [(path, "the flower: logistic regression's line beside the network's petals")]
