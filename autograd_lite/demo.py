"""``autograd-lite demo``: the two lectures, run on real data, measured and drawn.

It trains the engine-built logistic regression on the Wisconsin breast-cancer data that ships
inside the package (or on your own CSV), once with the lecture's per-example for-loop and once
vectorized; shows the cost as it goes; reports cost, accuracy and wall time; times one gradient
step five ways with ``autograd_lite.compare`` (the lecture's two loops in plain Python, numpy
with one loop removed, numpy vectorized, and the engine's loop and vectorized graph), so the
speed-up of vectorization is the lecture's and the engine's own overhead is named apart; checks
that both methods reach the same parameters; and writes into a new folder the trained model's
one-example graph for its most borderline example (``z = x·w + b`` with ``x`` a vector: a
handful of nodes, values and gradients, SVG), the cost curve (PNG with matplotlib, and CSV)
and the model itself (``model.npz``).

How the data are prepared (``prepare``): a stratified split with a fixed seed (each class is
shuffled on its own and the same fraction of it goes to the test set), then every feature is
standardised with the *training* set's mean and standard deviation (a constant feature is only
centred), so gradient descent with one learning rate suits all features.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import os
import pathlib
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite import compare
from autograd_lite.datasets import BREAST_CANCER_TARGET_NAMES, load_breast_cancer, read_csv
from autograd_lite.demo_flower import DEFAULT_FLOWER_STEPS, flower_comparison
from autograd_lite.lecture import ALPHA, example_loss
from autograd_lite.logistic import LogisticRegression
from autograd_lite.node import Constant, Variable
from autograd_lite.ops import LogLoss

__all__ = ["Prepared", "add_command", "borderline_graph", "prepare", "run", "stratified_split"]

DEFAULT_ITERATIONS = 1000
DEFAULT_LOOP_ITERATIONS = 30
DEFAULT_LEARNING_RATE = ALPHA  # the one default α (autograd_lite.lecture)
DEFAULT_TEST_FRACTION = 0.2
DEFAULT_SEED = 0
TIMING: dict[str, Any] = {"repeats": 3, "min_time": 0.02}
"""How ``compare`` times the five forms in the demo: short, a second or so (the command
``autograd-lite compare`` takes longer and is steadier)."""


def stratified_split(
    y: np.ndarray, test_fraction: float = DEFAULT_TEST_FRACTION, seed: int = DEFAULT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)``: each class shuffled, ``test_fraction`` of it held out.

    Each class keeps at least one example in the training set; both index arrays are sorted.

    Examples
    --------
    >>> train, test = stratified_split(np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]), 0.5)
    >>> len(train), len(test)
    (5, 5)
    """
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    test: list[np.ndarray] = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        count = min(round(test_fraction * len(members)), len(members) - 1)
        test.append(members[:count])
    test_idx = np.sort(np.concatenate(test))
    train_idx = np.setdiff1d(np.arange(len(y)), test_idx)
    return train_idx, test_idx


@dataclass
class Prepared:
    """A data set split and standardised for the demo."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    mean: np.ndarray
    """The training means each feature was centred by."""
    scale: np.ndarray
    """The training standard deviations each feature was divided by (1 for a constant one)."""


def prepare(
    X: np.ndarray,
    y: np.ndarray,
    feature_names: list[str],
    test_fraction: float = DEFAULT_TEST_FRACTION,
    seed: int = DEFAULT_SEED,
) -> Prepared:
    """Split ``(X, y)`` with ``stratified_split`` and standardise with the training statistics.

    Examples
    --------
    >>> X, y, names = load_breast_cancer()
    >>> data = prepare(X, y, names)
    >>> data.X_train.shape, data.X_test.shape       # 42 of 212 malignant, 71 of 357 benign
    ((456, 30), (113, 30))
    >>> bool(np.allclose(data.X_train.mean(axis=0), 0))
    True
    >>> huge = np.array([[1e200], [-1e200], [2e200], [-2e200]])   # std beyond float64 if squared
    >>> prepare(huge, np.array([1, 0, 1, 0]), ["x"], 0.0).X_train.ravel().tolist()
    [0.6324555320336759, -0.6324555320336759, 1.2649110640673518, -1.2649110640673518]
    """
    train, test = stratified_split(y, test_fraction, seed)
    # Each feature is first divided by the power of 2 that brings its largest |x| below 1:
    # the mean and std of finite numbers then cannot overflow (the squares of ±1e200 would,
    # making the std inf and the feature all zeros), and since dividing by a power of 2 is
    # exact, the standardised numbers are those of the plain formula, bit for bit.
    _, exponent = np.frexp(np.max(np.abs(X), axis=0, initial=0.0))
    scaled = np.ldexp(X, -exponent)
    mean = scaled[train].mean(axis=0)
    scale = scaled[train].std(axis=0)
    scale[scale == 0] = 1.0  # a constant feature: centring makes it 0, dividing would give NaN
    return Prepared(
        (scaled[train] - mean) / scale,
        y[train],
        (scaled[test] - mean) / scale,
        y[test],
        list(feature_names),
        np.ldexp(mean, exponent),
        np.where(scale == 1.0, 1.0, np.ldexp(scale, exponent)),
    )


# --- the command ----------------------------------------------------------------------------


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register ``demo`` and its options on the CLI's subcommands."""
    parser = commands.add_parser(
        "demo",
        help="train on the shipped breast-cancer data, loop vs vectorized; write graph and curve",
        description=(
            "Train logistic regression built from the engine's nodes, with the lecture's "
            "per-example loop and vectorized, on the Wisconsin breast-cancer data shipped with "
            "the package (or on your CSV); report cost, accuracy and the measured speed-up; "
            "write the one-example graph (SVG), the cost curve (PNG/CSV) and the model."
        ),
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        help="folder for the files (must not exist or be empty); "
        "default: a new autograd_lite_demo-YYYYmmdd-HHMMSS in the working directory",
    )
    parser.add_argument(
        "--csv", type=pathlib.Path, help="train on this CSV instead (a header row is required)"
    )
    parser.add_argument("--target", help="with --csv: the name of the label column")
    parser.add_argument(
        "--iterations",
        type=int,
        default=DEFAULT_ITERATIONS,
        help=f"gradient-descent steps of the vectorized fit (default {DEFAULT_ITERATIONS})",
    )
    parser.add_argument(
        "--loop-iterations",
        type=int,
        default=DEFAULT_LOOP_ITERATIONS,
        help="steps of the per-example loop, the slow path "
        f"(default {DEFAULT_LOOP_ITERATIONS})",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=DEFAULT_LEARNING_RATE,
        help=f"α for both fits (default {DEFAULT_LEARNING_RATE})",
    )
    parser.add_argument(
        "--test-fraction",
        type=float,
        default=DEFAULT_TEST_FRACTION,
        help=f"share of each class held out for testing (default {DEFAULT_TEST_FRACTION})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"split seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        help="train the vectorized model by mini-batch gradient descent on batches of this many "
        "examples, shuffled with --seed, an iteration being one epoch (default: full batch)",
    )
    parser.add_argument(
        "--flower-steps",
        type=int,
        default=DEFAULT_FLOWER_STEPS,
        help="steps of the one-hidden-layer network on the course's flower "
        f"(default {DEFAULT_FLOWER_STEPS}, the course's)",
    )
    parser.set_defaults(run=run)


def _batch_size(text: str) -> int:
    """``--batch-size``: an integer >= 1, or argparse's error naming the option."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    """Run the demo with parsed arguments; returns the exit status (0)."""
    _check_options(args)  # before anything is read, printed or trained
    out = _checked_out(args.out)

    if args.csv is None:
        if args.target is not None:
            raise ValueError("--target names a column of --csv; give --csv PATH too")
        X, y, names = load_breast_cancer()
        source = "the Wisconsin diagnostic breast-cancer data (UCI, CC BY 4.0), shipped inside"
        labels = f"y = 1: {BREAST_CANCER_TARGET_NAMES[1]}, y = 0: {BREAST_CANCER_TARGET_NAMES[0]}"
    else:
        if args.target is None:
            raise ValueError("--csv needs --target COLUMN, the name of the label column")
        X, y, names = read_csv(args.csv, args.target)
        classes = np.unique(y)
        if len(classes) != 2:
            what = "a single class" if len(classes) == 1 else f"{len(classes)} classes"
            raise ValueError(
                f"{args.csv}: the target column {args.target!r} has {what} "
                f"({', '.join(map(str, classes[:5].tolist()))}); it needs exactly two"
            )
        source = str(args.csv)
        first, second = classes.tolist()
        labels = f"y = 1: {second!r}, y = 0: {first!r} (target column {args.target!r})"

    data = prepare(X, y, names, args.test_fraction, args.seed)
    m, n = data.X_train.shape
    print("autograd-lite demo: logistic regression built from the engine's nodes")
    print(f"data:  {source}")
    print(f"       {X.shape[0]} examples × {n} features; {labels}")
    print(
        f"split: stratified, seed {args.seed}: {m} to train, {len(data.y_test)} to test; "
        "features standardised with the training mean and std"
    )

    alpha = args.learning_rate
    plan = (
        f"{args.iterations} epochs, α = {alpha}, one graph run on each shuffled mini-batch of "
        f"{args.batch_size} examples"
        if args.batch_size
        else f"{args.iterations} steps, α = {alpha}, one graph over all {m} examples"
    )
    print(f"\nvectorized: {plan}")
    vectorized, vectorized_time = _fit(
        data, "vectorized", args.iterations, alpha, args.batch_size, args.seed
    )
    print(
        f"\nloop: {args.loop_iterations} steps, α = {alpha}, one example's graph run again for "
        f"each of the {m} examples per step, as the lecture's for-loop"
    )
    loop, loop_time = _fit(data, "loop", args.loop_iterations, alpha)

    _report(data, vectorized, vectorized_time, loop, loop_time)
    _speedup(data, vectorized)
    shared = min(args.loop_iterations, args.iterations)
    _compare(data, loop, shared, alpha)

    out.mkdir(parents=True, exist_ok=True)
    files = [
        *_write_graph(out, vectorized, data),
        *_write_curves(out, vectorized, loop),
        (vectorized.save(out / "model.npz"), "the trained vectorized model: "
         "autograd_lite.logistic.LogisticRegression.load(path)"),
        *flower_comparison(out, getattr(args, "flower_steps", DEFAULT_FLOWER_STEPS)),
    ]
    print(f"\nfiles in {out}{os.sep}")
    for path, what in files:
        print(f"  {path.name:<16} {what}")
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """Refuse bad option values up front, naming the option."""
    for option, value in (("--iterations", args.iterations), ("--loop-iterations",
                                                              args.loop_iterations),
                          ("--flower-steps", getattr(args, "flower_steps", 1))):
        if value < 1:
            raise ValueError(f"{option} must be at least 1, got {value}")
    if not math.isfinite(args.learning_rate) or args.learning_rate < 0:
        raise ValueError(f"--learning-rate must be a finite number >= 0, got {args.learning_rate}")
    if not 0.0 <= args.test_fraction < 1.0:  # also refuses nan
        raise ValueError(
            f"--test-fraction must be in [0, 1), got {args.test_fraction}; it is the share of "
            "each class held out for testing"
        )
    if args.seed < 0:
        raise ValueError(f"--seed must be an integer >= 0, got {args.seed}")


def _fit(
    data: Prepared,
    method: str,
    steps: int,
    alpha: float,
    batch_size: int | None = None,
    seed: int | None = None,
) -> tuple[LogisticRegression, float]:
    model = LogisticRegression(
        learning_rate=alpha,
        max_iter=steps,
        method=method,
        verbose=max(1, steps // 5),
        batch_size=batch_size,
        random_state=seed,
    )
    start = time.perf_counter()
    model.fit(data.X_train, data.y_train)
    return model, time.perf_counter() - start


def _report(
    data: Prepared,
    vectorized: LogisticRegression,
    vectorized_time: float,
    loop: LogisticRegression,
    loop_time: float,
) -> None:
    def accuracy(model: LogisticRegression, X: np.ndarray, y: np.ndarray) -> str:
        return f"{100 * model.score(X, y):.2f} %" if len(y) else "no examples"

    rows = [
        ("iterations", *(f"{model.n_iter_}" for model in (vectorized, loop))),
        ("final cost J", *(f"{model.cost(data.X_train, data.y_train):.6f}"
                           for model in (vectorized, loop))),
        ("train accuracy", *(accuracy(model, data.X_train, data.y_train)
                             for model in (vectorized, loop))),
        ("test accuracy", *(accuracy(model, data.X_test, data.y_test)
                            for model in (vectorized, loop))),
        ("wall time", f"{vectorized_time:.3f} s", f"{loop_time:.3f} s"),
        ("per iteration", *(_duration(t / model.n_iter_)
                            for t, model in ((vectorized_time, vectorized), (loop_time, loop)))),
    ]
    print(f"\n{'results':<16}{'vectorized':>16}{'loop':>16}")
    for name, left, right in rows:
        print(f"  {name:<14}{left:>16}{right:>16}")
    if loop.n_iter_ != vectorized.n_iter_:
        print(
            f"  the loop ran {loop.n_iter_} iterations, the vectorized fit {vectorized.n_iter_}: "
            "the loop is the slow path, kept\n  short by --loop-iterations: its cost and "
            f"accuracy are after {loop.n_iter_} steps; compare time per iteration"
        )


def _speedup(data: Prepared, model: LogisticRegression) -> None:
    """Time one gradient step five ways on the training set: ``autograd_lite.compare``."""
    y01 = (data.y_train == model.classes_[1]).astype(np.float64)
    m = len(y01)
    what = f"the training set's {m} examples"
    print(f"\ntiming one gradient step, five ways, on {what}:")
    result = compare.compare(data.X_train, y01, data=what, **TIMING)
    print(result.to_text(header=False))
    print("(autograd-lite compare times them longer, and draws the bar chart)\n")


def _compare(data: Prepared, loop: LogisticRegression, shared: int, alpha: float) -> None:
    """Refit vectorized for the loop's number of steps and compare the parameters."""
    same = LogisticRegression(learning_rate=alpha, max_iter=shared).fit(
        data.X_train, data.y_train
    )
    params_loop = np.append(loop.coef_[0], loop.intercept_)
    params_vec = np.append(same.coef_[0], same.intercept_)
    relative = np.max(np.abs(params_loop - params_vec)) / max(np.max(np.abs(params_vec)), 1e-300)
    costs = np.max(np.abs(np.subtract(loop.loss_curve_[:shared], same.loss_curve_[:shared])))
    print(
        f"same parameters: after {shared} steps, loop and vectorized w, b differ by "
        f"{relative:.1e} (largest difference / largest parameter); their costs J by "
        f"at most {costs:.1e}"
    )


def _duration(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.3f} s"


# --- files ------------------------------------------------------------------------------------


def _checked_out(out: pathlib.Path | None) -> pathlib.Path:
    if out is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = pathlib.Path.cwd() / f"autograd_lite_demo-{stamp}"
        suffix = 2
        while out.exists():  # two runs in the same second: never reuse a folder
            out = out.with_name(f"autograd_lite_demo-{stamp}-{suffix}")
            suffix += 1
        return out
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder that does not exist yet")
    if out.is_dir() and any(out.iterdir()):
        raise ValueError(f"--out {out} is not empty; choose a new folder (nothing is overwritten)")
    return out


def _write_graph(
    out: pathlib.Path, model: LogisticRegression, data: Prepared
) -> list[tuple[pathlib.Path, str]]:
    L, caption = borderline_graph(model, data)
    L.backward()
    kind = caption.split(",")[0]  # "one test example"
    what = f"the trained model's graph for {kind}, the one it is least sure of"
    import graphviz

    from autograd_lite.draw import draw

    graph = draw(L, title=f"{caption}, through the trained model")
    try:
        svg = graph.pipe(format="svg")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as error:
        path = out / "graph.dot"
        path.write_text(graph.source, encoding="utf-8")
        print(f"note: could not run Graphviz ({error}); wrote the DOT text instead")
        return [(path, what + "; DOT text, render it with: dot -Tsvg graph.dot > graph.svg")]
    path = out / "graph.svg"
    path.write_bytes(svg)
    return [(path, what)]


def borderline_graph(model: LogisticRegression, data: Prepared) -> tuple[LogLoss, str]:
    """The one-example graph, in vector form, for the example the model is least sure of.

    The example is the test example (a training one when there is no test set) whose
    ``a = σ(z)`` is nearest 0.5, so that its gradients ``dz = a − y`` and ``dw = x·dz`` are
    far from 0. The graph is ``z = x·w + b`` with ``x`` and ``w`` vectors: eight nodes, however
    many features there are.

    Returns
    -------
    L : LogLoss
        The example's loss, before backward.
    caption : str
        Which example it is, its label and its ``a``.

    Examples
    --------
    >>> from autograd_lite.explain import graph_nodes
    >>> X, y, names = load_breast_cancer()
    >>> data = prepare(X, y, names)
    >>> model = LogisticRegression(max_iter=100).fit(data.X_train, data.y_train)
    >>> L, caption = borderline_graph(model, data)
    >>> L.backward()
    >>> len(graph_nodes(L)), caption.split(",")[0], abs(L.gradients()["dz"]) > 0.1
    (8, 'one test example', True)
    """
    if len(data.y_test):
        X, y, example, rows = data.X_test, data.y_test, "one test example", "the test set"
    else:  # --test-fraction 0: no test set, so the example comes from the training set
        X, y, example, rows = data.X_train, data.y_train, "one training example", "the training set"
    a = model.predict_proba(X)[:, 1]
    i = int(np.argmin(np.abs(a - 0.5)))
    y01 = float(y[i] == model.classes_[1])
    w = Variable(model.coef_[0], name="w")
    b = Variable(float(model.intercept_[0]), name="b")
    L = example_loss(w, b, Constant(X[i], name="x"), Constant(y01, name="y"))
    caption = (
        f"{example}, the one the model is least sure of (row {i} of {rows}: y = {y01:g}, "
        f"a = {a[i]:.3f})"
    )
    return L, caption


def _write_curves(
    out: pathlib.Path, vectorized: LogisticRegression, loop: LogisticRegression
) -> list[tuple[pathlib.Path, str]]:
    curves = {"vectorized": vectorized.loss_curve_, "loop": loop.loss_curve_}
    csv_path = out / "cost_curve.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["iteration", *curves])
        for i in range(max(map(len, curves.values()))):
            writer.writerow([i, *(f"{c[i]!r}" if i < len(c) else "" for c in curves.values())])
    files = [(csv_path, "the cost J before each update, both methods")]
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(
            "note: matplotlib is not installed, so there is no cost_curve.png; for the picture: "
            "pip install 'autograd_lite[demo]'"
        )
        return files
    png_path = out / "cost_curve.png"
    _plot(Figure(figsize=(7, 4.2)), curves, png_path)
    return [(png_path, "the cost J per iteration (picture)"), *files]


def _plot(figure: Any, curves: dict[str, list[float]], path: pathlib.Path) -> None:
    axes = figure.add_subplot()
    styles = {"vectorized": {"linewidth": 2}, "loop": {"linestyle": "--", "marker": "o",
                                                       "markersize": 3}}
    for method, curve in curves.items():
        # Step i + 1 on a log axis, so the loop's few steps are as visible as the long tail.
        axes.plot(range(1, len(curve) + 1), curve, label=f"{method} ({len(curve)} steps)",
                  **styles[method])
    axes.set_xscale("log")
    axes.set_xlabel("gradient-descent step (log scale)")
    axes.set_ylabel("cost J (mean log-loss), before the update")
    axes.set_title("Gradient descent on the engine's graphs: loop and vectorized")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
