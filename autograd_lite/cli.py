"""The ``autograd-lite`` command (also ``python -m autograd_lite``)."""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite import compare, demo
from autograd_lite.datasets import read_csv
from autograd_lite.draw import GraphvizNotFoundError, draw, path_between, save, save_steps
from autograd_lite.explain import explain, explain_update, format_value, graph_nodes
from autograd_lite.lecture import (
    ALPHA,
    LECTURE_EXAMPLE,
    LectureGraph,
    VectorizedGraph,
    lecture_graph,
)
from autograd_lite.node import Node
from autograd_lite.stepthrough import step_through

ONE_EXAMPLE_VALUES = ("x1", "x2", "w1", "w2", "y")
"""The one-example graph's own options, refused with --m and --csv (the data gives them)."""

DEFAULT_SHIPPED_FEATURES = "1,2"
"""With --m on the shipped data: its first two features, as the lecture has x1 and x2."""

CSV_FORMAT = (
    "a header row naming the columns; one column named y holding each example's label, 0 or 1; "
    "every other column a feature, a number in each row"
)


def _lecture(args: argparse.Namespace) -> LectureGraph:
    values = {name: getattr(args, name) for name in (*ONE_EXAMPLE_VALUES, "b")}
    for name, value in values.items():
        if value is None:
            values[name] = LECTURE_EXAMPLE[name]
    return lecture_graph(**values)


def _quickstart(args: argparse.Namespace) -> int:
    """The lecture's one-example graph: forward, backward, the check dz = a − y, the update."""
    g = _lecture(args)
    g.L.backward()

    def values(*names: str) -> str:
        return ", ".join(f"{name} = {format_value(getattr(g, name).value)}" for name in names)

    print("The lecture's graph for one example")
    print(f"  the example:    {values('x1', 'x2', 'y')}")
    print(f"  the parameters: {values('w1', 'w2', 'b')}")
    print("\nforward:")
    print(f"  z = w1·x1 + w2·x2 + b = {format_value(g.z.value)}")
    print(f"  a = σ(z)              = {format_value(g.a.value)}")
    print(f"  L = L(a, y)           = {format_value(g.L.value)}")
    gradients = g.L.gradients(unnamed=False)  # the lecture's names only
    width = max(map(len, gradients))
    print("\nbackward, right to left (dv is dL/dv, the derivative of L with respect to v):")
    for name, value in gradients.items():
        print(f"  {name:<{width}} = {format_value(value)}")
    a_minus_y = g.a.value - g.y.value
    same = "the same as dz" if np.isclose(a_minus_y, g.z.grad, rtol=1e-12, atol=0) else "not dz"
    print(
        f"\ncheck: dz = a − y = {format_value(g.a.value)} − {format_value(g.y.value)} = "
        f"{format_value(a_minus_y)}, {same}"
    )
    _print_update(g.L, args.alpha)
    return 0


def _print_update(output: Node, alpha: float, digits: int = 6) -> None:
    """The step w := w − α·dw of each parameter, with the numbers (``explain_update``)."""
    print(f"\nupdate, one step of gradient descent with α = {format_value(alpha, digits)}:")
    for update in explain_update(output, alpha, digits=digits):
        print(f"  {update.formula_with_numbers}")


def _explain(args: argparse.Namespace) -> int:
    """The graph, backward step by step, with the numbers; then the update step."""
    if _data_mode(args):
        output, caption = _cost_graph(args)
        print("\n".join(caption) + "\n")
    else:
        output = _lecture(args).L
        output.backward()
    print(explain(output, digits=args.digits, **_views(args)))
    _print_update(output, args.alpha, args.digits)
    return 0


def _views(args: argparse.Namespace) -> dict[str, Any]:
    """The lecture's views asked for: ``--collapse`` and ``--literal``."""
    return {"collapse": args.collapse, "fused": False if args.literal else None}


def _add_views(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--collapse",
        action="store_true",
        help="the slide's one box z = w1·x1 + w2·x2 + b: dw1 = x1 · dz, no steps inside it",
    )
    parser.add_argument(
        "--literal",
        action="store_true",
        help="the chain rule taken literally through σ: dz = da · a(1 − a), not the "
        "simplification a − y sent straight to z",
    )


def _node_named(nodes: dict[str, Node], option: str, name: str) -> Node:
    if name not in nodes:
        raise ValueError(f"{option} {name}: not a node of the graph; use one of {', '.join(nodes)}")
    return nodes[name]


def _draw(args: argparse.Namespace) -> int:
    """The graph as a picture (and, with --steps, one picture per backward step)."""
    if args.out is None and args.steps is None and args.step_through is None:
        raise ValueError(
            "give --out FILE (.svg, .png, .pdf or .dot), --steps FOLDER and/or "
            "--step-through PAGE.html"
        )
    caption: tuple[str, ...] = ()
    stepping = args.steps is not None or args.step_through is not None
    if _data_mode(args):
        output, caption = _cost_graph(args, backward=not args.no_gradients or stepping)
        nodes = {node.name: node for node in graph_nodes(output) if node.name is not None}
    else:
        g = _lecture(args)
        if not args.no_gradients or stepping:
            g.L.backward()
        output, nodes = g.L, g._asdict()
    highlight = [_node_named(nodes, "--highlight", name) for name in args.highlight]
    if args.path is not None:
        highlight.extend(path_between(_node_named(nodes, "--path", args.path), output))
    if caption:
        print("\n".join(caption))  # what is drawn, before what is written
    if args.out is not None:
        picture = draw(
            output,
            gradients=not args.no_gradients,
            highlight=highlight,
            derivatives=args.derivatives,
            digits=args.digits,
            title="\n".join(caption) or None,
            **_views(args),
        )
        print(f"wrote {save(picture, args.out)}")
    if args.steps is not None:
        written = save_steps(
            output,
            args.steps,
            format=args.steps_format,
            derivatives=args.derivatives,
            digits=args.digits,
            **_views(args),
        )
        if written[-1].suffix == ".html":
            print(f"wrote {len(written) - 1} step pictures and the slideshow {written[-1]}")
        else:  # DOT: the text of each step, and no slideshow (that needs Graphviz)
            print(f"wrote {len(written)} step pictures in {Path(args.steps)}")
    if args.step_through is not None:
        steps = step_through(
            output,
            alpha=args.alpha,
            digits=args.digits,
            derivatives=args.derivatives,
            **_views(args),
        )
        page = steps.save_html(args.step_through)
        print(f"wrote the step-through, {len(steps)} frames (forward, backward, update), {page}")
    return 0


# --- the m-example graph: data from --m and --csv ------------------------------------------------


def _data_mode(args: argparse.Namespace) -> bool:
    """Whether the command works on m examples (--m or --csv) rather than the lecture's one."""
    if args.m is None and args.csv is None:
        for option in ("features", "weights"):
            if getattr(args, option) is not None:
                raise ValueError(f"--{option} is for the m-example graph: give --m or --csv too")
        for option in ("columns", "first"):
            if getattr(args, option, False):
                raise ValueError(f"--{option} is for the m-example graph: give --m or --csv too")
        return False
    given = [f"--{name}" for name in ONE_EXAMPLE_VALUES if getattr(args, name) is not None]
    if given:
        raise ValueError(
            f"{', '.join(given)}: the one-example graph's values; with --m or --csv the examples "
            "come from the data, the weights from --weights and the bias from --b"
        )
    return True


def _examples(
    args: argparse.Namespace, shipped_features: str | None
) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """``X``, ``y``, the feature names and a description, from --csv or the shipped data.

    ``--m`` keeps the first m examples; ``--features`` the columns chosen (default: all of a
    CSV, and ``shipped_features`` of the shipped data, None meaning all).
    """
    if args.csv is not None:
        X, labels, names = read_csv(args.csv, "y")
        if labels.dtype.kind not in "iuf" or np.any((labels < 0) | (labels > 1)):
            bad = next(v for v in labels.tolist() if isinstance(v, str) or not 0 <= v <= 1)
            raise ValueError(
                f"{args.csv}: column 'y' must hold the labels 0 and 1, found {bad!r}; "
                f"the CSV format: {CSV_FORMAT}"
            )
        y = labels.astype(np.float64)
        source, features = str(args.csv), args.features
    else:
        X, y, names = compare.shipped_data()
        source = "the shipped breast-cancer data, standardised"
        features = args.features if args.features is not None else shipped_features
    if args.m is not None:
        if args.m > len(y):
            raise ValueError(f"--m {args.m}: {source} has only {len(y)} examples")
        if args.first:
            rows, chosen = np.arange(args.m), f"the first {args.m} examples"
        else:
            rows, chosen = both_classes(y, args.m)
        X, y = X[rows], y[rows]
        source = f"{chosen} of {source}"
    elif args.first:
        raise ValueError("--first says which --m examples to take: give --m too")
    columns = _columns(features, names)
    return X[:, columns], y, [names[j] for j in columns], source


def both_classes(y: np.ndarray, m: int) -> tuple[np.ndarray, str]:
    """The rows of ``m`` examples with both labels where the data has both, and what they are.

    Half of them (rounded down, at least one) are the first examples labelled 1, the rest the
    first labelled 0 (fewer of a class when it has fewer), kept in the data's order. The first
    m rows of a data set sorted by label would show one class only: ``dZ`` all alike.

    Examples
    --------
    >>> rows, text = both_classes(np.array([0.0, 0, 0, 1, 0, 1]), 4)
    >>> rows.tolist(), text
    ([0, 1, 3, 5], '4 examples (the first 2 labelled 1, the first 2 labelled 0)')
    """
    positive = np.flatnonzero(y >= 0.5)
    negative = np.flatnonzero(y < 0.5)
    ones = min(len(positive), max(1, m // 2)) if m > 1 or not len(negative) else 0
    zeros = min(len(negative), m - ones)
    ones = m - zeros
    rows = np.sort(np.concatenate([positive[:ones], negative[:zeros]]))
    parts = [f"the first {k} labelled {label}" for k, label in ((ones, 1), (zeros, 0)) if k]
    return rows, f"{m} example{'s' if m > 1 else ''} ({', '.join(parts)})"


def _columns(features: str | None, names: list[str]) -> list[int]:
    """The column indices --features chooses: 1-based numbers or names, comma-separated."""
    if features is None or features.strip().lower() == "all":
        return list(range(len(names)))
    columns = []
    for item in features.split(","):
        item = item.strip()
        if item in names:
            columns.append(names.index(item))
        elif item.isdigit() and 1 <= int(item) <= len(names):
            columns.append(int(item) - 1)
        else:
            shown = ", ".join(f"{j} {name!r}" for j, name in enumerate(names[:4], start=1))
            raise ValueError(
                f"--features: {item!r} is neither a column number from 1 to {len(names)} nor a "
                f"column name (the columns: {shown}{' …' if len(names) > 4 else ''})"
            )
    if len(set(columns)) != len(columns):
        raise ValueError(f"--features {features}: a column is chosen twice")
    return columns


def _cost_graph(
    args: argparse.Namespace, backward: bool = True
) -> tuple[Node, tuple[str, str]]:
    """The vectorized graph ``J = mean(L(σ(X·w + b), y))`` on the data; two caption lines."""
    X, y, names, source = _examples(args, DEFAULT_SHIPPED_FEATURES)
    n = X.shape[1]
    w = np.zeros(n) if args.weights is None else np.array(args.weights)
    if w.shape != (n,):
        raise ValueError(
            f"--weights has {len(w)} numbers, but {n} feature{'s' if n > 1 else ''} "
            f"{'are' if n > 1 else 'is'} chosen ({', '.join(names)})"
        )
    b = 0.0 if args.b is None else args.b
    if args.columns:
        J = _course_columns(X, y, w, b)
    else:
        graph = VectorizedGraph(X, y)
        graph.w.value, graph.b.value = w, b
        graph.J.forward()
        J = graph.J
    if backward:
        J.backward()
    return J, (
        f"J over {source}",
        f"{_features_text(names)}; w = {format_value(w)}, b = {format_value(b)}",
    )


def _course_columns(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> Node:
    """The course's layout of the cost: X is n × m (an example per column), w is n × 1,
    ``Z = wᵀX + b`` and the labels ``Y`` are 1 × m; ``dw = (1/m) · X · dZᵀ``."""
    X_node = ag.Constant(np.ascontiguousarray(X.T), name="X")
    Y = ag.Constant(y[None, :], name="Y", what="the labels Y")
    w_node, b_node = ag.Variable(w[:, None], name="w"), ag.Variable(b, name="b")
    Z = (w_node.T @ X_node + b_node).named("Z")
    A = ag.sigmoid(Z, name="A")
    return ag.mean(ag.log_loss(A, Y, name="L"), name="J")


def _features_text(names: list[str]) -> str:
    if len(names) <= 4:
        return f"features: {', '.join(names)}"
    return f"{len(names)} features: {names[0]}, {names[1]}, …, {names[-1]}"


def _compare(args: argparse.Namespace) -> int:
    """Time one gradient step seven ways; print the table; write the chart."""
    if args.chart is not None:
        compare.chart_format(args.chart)  # a bad name is refused before the timing
        if not Path(args.chart).parent.is_dir():
            raise ValueError(f"--chart {args.chart}: the folder does not exist")
    X, y, _, source = _examples(args, None)
    result = compare.compare(
        X, y, repeats=args.repeats, steps=args.steps, min_time=args.min_time, data=source
    )
    print(result)
    if args.chart is not None:
        print(f"wrote {result.plot(args.chart)}")
    return 0


_RUN = r"\d(?:_?\d)*"  # digits, as float() reads them: 1_000 too
_FLOAT = rf"(?:(?:{_RUN}(?:\.(?:{_RUN})?)?|\.{_RUN})(?:e[+-]?{_RUN})?|inf(?:inity)?|nan)"
NEGATIVE_NUMBERS = re.compile(rf"-{_FLOAT}(?:,\s*[+-]?{_FLOAT})*$", re.IGNORECASE)
"""A value that starts with a minus sign, in any notation ``float`` reads (``-1e3``, ``-.5e1``,
``-1E+3``, ``-inf``), or a list of them (``--weights -0.3,1e-2``)."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, reading ``--w1 -1e3`` as the option and its value.

    argparse takes a word that starts with ``-`` for an option unless it looks like a negative
    number, and its test knows only digits with at most a decimal point: ``--w1 -1e3`` (or
    ``-inf``, ``-.5e1``, a list for ``--weights``) was "expected one argument", and only
    ``--w1=-1e3`` worked. Its own switch for this, ``_negative_number_matcher``, is set here to
    ``NEGATIVE_NUMBERS``. No option of this command looks like a negative number, so no option
    is mistaken for a value. The subcommands' parsers are made of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBERS


def _finite(text: str) -> float:
    """An argparse type: a finite float (argparse names the option in its message)."""
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return number


def _label(text: str) -> float:
    """An argparse type: a finite float in [0, 1], the label y."""
    number = _finite(text)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"the label must lie in [0, 1], got {text!r}")
    return number


MAX_DIGITS = 17
"""The most significant digits a float64 has to show: 17 tell every float64 from the next."""


def _digits(text: str) -> int:
    """An argparse type: a whole number of significant digits, from 1 to ``MAX_DIGITS``."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not number.is_integer():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1, got {text!r}")
    if number > MAX_DIGITS:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_DIGITS}: a float64 has no more significant digits to show; "
            f"got {text!r}"
        )
    return int(number)


def _count(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1, got {text!r}")
    return number


def _seconds(text: str) -> float:
    """An argparse type: a finite number of seconds ≥ 0."""
    number = _finite(text)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0 seconds, got {text!r}")
    return number


def _numbers(text: str) -> list[float]:
    """An argparse type: finite numbers separated by commas, e.g. ``0.3,-0.4``."""
    try:
        return [_finite(item) for item in text.split(",")]
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(
            f"{error} in {text!r}; give numbers like 0.3,-0.4"
        ) from None


def _add_lecture_values(parser: argparse.ArgumentParser, data: bool) -> None:
    """The one-example graph's values; a None default means the lecture's (resolved later)."""
    alone = " (not with --m or --csv)" if data else ""
    what = {
        "x1": "the example's first feature",
        "x2": "the example's second feature",
        "w1": "the weight of x1",
        "w2": "the weight of x2",
    }
    for name in ("x1", "x2", "w1", "w2"):
        default = LECTURE_EXAMPLE[name]
        parser.add_argument(
            f"--{name}", type=_finite, help=f"{what[name]}; default {default}{alone}"
        )
    b_help = f"the bias; default {LECTURE_EXAMPLE['b']}" + (", 0 with --m or --csv" if data else "")
    parser.add_argument("--b", type=_finite, help=b_help)
    parser.add_argument(
        "--y", type=_label, help=f"the example's label, in [0, 1]; default 1{alone}"
    )


def _add_data_options(parser: argparse.ArgumentParser, graph: bool) -> None:
    """--m, --csv and --features (and, for a graph, --weights): the m examples to work on."""
    group = parser.add_argument_group(
        "m examples" if graph else "data",
        (
            "With --m or --csv the graph is the second lecture's vectorized cost "
            "J = mean(L(σ(X·w + b), y)) over m examples, at w = 0, b = 0 unless --weights and "
            "--b say otherwise (the first step of gradient descent)."
            if graph
            else "Default: all 569 examples and 30 features of the shipped breast-cancer data, "
            "each feature standardised."
        ),
    )
    group.add_argument(
        "--m",
        type=_count,
        metavar="M",
        help="M examples of the shipped breast-cancer data (each feature standardised over all "
        "569), or of --csv, of both labels: the first M/2 (rounded down) labelled 1 and the "
        "first others labelled 0, in the data's order",
    )
    group.add_argument(
        "--first",
        action="store_true",
        help="with --m: the first M rows instead, whatever their labels",
    )
    group.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help=f"the examples from a CSV file instead (all rows, or the first --m): {CSV_FORMAT}",
    )
    group.add_argument(
        "--features",
        metavar="LIST",
        help="the feature columns to use, by number from 1 or by name, separated by commas, or "
        "'all'; default: "
        + (f"{DEFAULT_SHIPPED_FEATURES} (mean radius, mean texture) of the shipped data, all "
           "columns of a CSV" if graph else "all"),
    )
    if graph:
        group.add_argument(
            "--weights",
            type=_numbers,
            metavar="LIST",
            help="w, one number per feature chosen, separated by commas; default zeros",
        )
        group.add_argument(
            "--columns",
            action="store_true",
            help="the course's column form: X is n × m (an example per column), w is n × 1, "
            "Z = wᵀX + b, the labels Y are 1 × m, and dw = (1/m) · X · dZᵀ; by default "
            "numpy's rows (X is m × n, Z = X·w + b, dw = (1/m) · Xᵀ · dZ)",
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = _Parser(
        prog="autograd-lite",
        description="Backpropagation on a computation graph, for teaching.",
        epilog="Run 'autograd-lite COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ag.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo.add_command(commands)  # the main job first
    compare_command = commands.add_parser(
        "compare",
        help="time one gradient step seven ways: plain Python, numpy, interpreted, compiled",
        description=(
            "Time one step of gradient descent (the cost J and the gradients dw, db) written "
            "seven ways on the same data: (1) the lecture's two loops in plain Python, (2) one "
            "loop removed (numpy over the features), (3) numpy vectorized, (4) the engine's "
            "per-example loop, interpreted, (5) the engine's vectorized graph, interpreted, "
            "(6) the per-example loop on the compiled one-example graph, (7) the compiled "
            "vectorized program (ag.compile); check that all seven give the same numbers; "
            "print the time per step and the ratios. The speed-up of vectorization, as the "
            "lecture means it, is (1) ÷ (3); (4) ÷ (5) adds the interpreter's own overhead, "
            "which compiling removes. With the defaults it takes a few seconds."
        ),
    )
    compare_command.add_argument(
        "--repeats",
        type=_count,
        default=compare.DEFAULT_REPEATS,
        help=f"times each form is timed; the table shows the median (default "
        f"{compare.DEFAULT_REPEATS})",
    )
    compare_command.add_argument(
        "--steps",
        type=_count,
        help="gradient steps per repeat, the same for every form; default: as many as last "
        "--min-time seconds, for each form",
    )
    compare_command.add_argument(
        "--min-time",
        type=_seconds,
        default=compare.DEFAULT_MIN_TIME,
        metavar="SECONDS",
        help=f"seconds each repeat of each form lasts at least, without --steps (default "
        f"{compare.DEFAULT_MIN_TIME})",
    )
    compare_command.add_argument(
        "--chart",
        metavar="FILE",
        help="also write a bar chart of the times (.png, .svg or .pdf; needs matplotlib)",
    )
    _add_data_options(compare_command, graph=False)
    compare_command.set_defaults(run=_compare)

    quickstart = commands.add_parser(
        "quickstart",
        help="the lecture's one-example graph: forward, backward and one update step",
        description=(
            "The first lecture in one go, on its one example: build the graph "
            "z = w1·x1 + w2·x2 + b, a = σ(z), L(a, y); print the forward values z, a and L; "
            "run backward() and print every derivative of L by the lecture's names (dL, da, "
            "dz, dw1, dw2, db); check dz = a − y; and print one step of gradient descent "
            "w := w − α·dw for w1, w2 and b, with the numbers. The options change the "
            "example, the parameters and α; nothing is written."
        ),
    )
    _add_lecture_values(quickstart, data=False)
    _add_alpha(quickstart)
    quickstart.set_defaults(run=_quickstart)

    explain_command = commands.add_parser(
        "explain",
        help="a graph's backward pass step by step, with the numbers, then the update step",
        description=(
            "Explain the backward pass of the lecture's one-example graph (default) or, with "
            "--m or --csv, of the vectorized cost over m examples, step by step with the "
            "numbers; then show the update w := w − α·dw of each parameter."
        ),
    )
    _add_lecture_values(explain_command, data=True)
    _add_alpha(explain_command)
    _add_views(explain_command)
    explain_command.add_argument(
        "--digits", type=_digits, default=6, help="significant digits of the numbers; default 6"
    )
    _add_data_options(explain_command, graph=True)
    explain_command.set_defaults(run=_explain)

    draw_command = commands.add_parser(
        "draw",
        help="draw a graph (SVG, PNG, PDF or DOT, by the extension of --out)",
        description=(
            "Draw the lecture's one-example graph (default) or, with --m or --csv, the "
            "vectorized cost J = mean(L(σ(X·w + b), y)) over m examples, with its values and, "
            "after backward, its gradients. SVG, PNG and PDF need Graphviz's dot program; DOT "
            "is plain text."
        ),
    )
    _add_lecture_values(draw_command, data=True)
    draw_command.add_argument("--out", metavar="FILE", help="the picture to write, e.g. graph.svg")
    draw_command.add_argument(
        "--no-gradients", action="store_true", help="draw the forward pass only"
    )
    draw_command.add_argument(
        "--derivatives", action="store_true", help="write the local derivative on each edge"
    )
    draw_command.add_argument(
        "--highlight",
        metavar="NAME",
        action="append",
        default=[],
        help="highlight a node by name (x1, x2, w1, w2, b, y, z, a, L; with --m or --csv: X, "
        "w, b, y, Z, A, L, J; Y with --columns); repeatable",
    )
    draw_command.add_argument(
        "--path", metavar="NAME", help="highlight the path from this node to the output, e.g. "
        "--path w1"
    )
    draw_command.add_argument(
        "--steps",
        metavar="FOLDER",
        help="also write one picture per backward step and a slideshow, steps.html, there",
    )
    draw_command.add_argument(
        "--steps-format",
        choices=("svg", "png", "pdf", "dot"),
        default="svg",
        help="the format of the step pictures; default svg",
    )
    draw_command.add_argument(
        "--step-through",
        metavar="PAGE",
        help="also write one step of gradient descent, frame by frame (forward, backward, "
        "update), as one self-contained HTML page, e.g. step.html",
    )
    draw_command.add_argument(
        "--digits", type=_digits, default=4, help="significant digits of the numbers; default 4"
    )
    _add_alpha(draw_command)
    _add_views(draw_command)
    _add_data_options(draw_command, graph=True)
    draw_command.set_defaults(run=_draw)
    return parser


def _add_alpha(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--alpha",
        type=_finite,
        default=ALPHA,
        help=f"the learning rate α of the update step w := w − α·dw; default {ALPHA}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # no command: say what there is
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            # numpy's float warnings (overflow to ±inf) are a note below, not its source lines
            warnings.simplefilter("always", RuntimeWarning)
            status = args.run(args)
    except (ValueError, TypeError, OSError, ImportError, GraphvizNotFoundError) as error:
        print(f"autograd-lite {args.command}: error: {error}", file=sys.stderr)
        return 2
    floats = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    for w in caught:  # any other warning as Python shows it
        if w not in floats:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    said = list(dict.fromkeys(str(w.message) for w in floats))
    if any("overflow" in text for text in said):  # NaN from inf − inf follows from it too
        print(
            f"autograd-lite {args.command}: note: a number went beyond float64's range "
            "(±1.8e308) and was taken as ±inf, as IEEE arithmetic does; the results above "
            "follow from that",
            file=sys.stderr,
        )
    elif said:
        print(f"autograd-lite {args.command}: note: numpy: {'; '.join(said)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
