"""The ``autograd-lite`` command (also ``python -m autograd_lite``)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import autograd_lite as ag
from autograd_lite import demo
from autograd_lite.draw import GraphvizNotFoundError, draw, path_between, save, save_steps
from autograd_lite.explain import explain
from autograd_lite.lecture import LECTURE_EXAMPLE, LectureGraph, lecture_graph
from autograd_lite.node import Node


def _lecture(args: argparse.Namespace) -> LectureGraph:
    return lecture_graph(x1=args.x1, x2=args.x2, w1=args.w1, w2=args.w2, b=args.b, y=args.y)


def _quickstart(args: argparse.Namespace) -> int:
    """The lecture's one-example graph: forward, backward, and the gradients by name."""
    g = _lecture(args)
    g.L.backward()
    z, a, L = g.z, g.a, g.L
    print(f"forward:  z = {z.value:.6g}   a = σ(z) = {a.value:.6g}   L(a, y) = {L.value:.6g}")
    print("backward: " + "   ".join(f"{k} = {v:.6g}" for k, v in L.gradients().items()))
    print(f"check:    dz = a − y = {a.value - args.y:.6g}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    """The lecture's graph, backward step by step, with the numbers."""
    g = _lecture(args)
    g.L.backward()
    print(explain(g.L, digits=args.digits))
    return 0


def _node_named(g: LectureGraph, option: str, name: str) -> Node:
    nodes = g._asdict()
    if name not in nodes:
        raise ValueError(f"{option} {name}: not a node of the graph; use one of {', '.join(nodes)}")
    return nodes[name]


def _draw(args: argparse.Namespace) -> int:
    """The lecture's graph as a picture (and, with --steps, one picture per backward step)."""
    if args.out is None and args.steps is None:
        raise ValueError("give --out FILE (.svg, .png, .pdf or .dot) and/or --steps FOLDER")
    g = _lecture(args)
    if not args.no_gradients or args.steps is not None:
        g.L.backward()
    highlight = [_node_named(g, "--highlight", name) for name in args.highlight]
    if args.path is not None:
        highlight.extend(path_between(_node_named(g, "--path", args.path), g.L))
    if args.out is not None:
        picture = draw(
            g.L,
            gradients=not args.no_gradients,
            highlight=highlight,
            derivatives=args.derivatives,
            digits=args.digits,
        )
        print(f"wrote {save(picture, args.out)}")
    if args.steps is not None:
        written = save_steps(
            g.L,
            args.steps,
            format=args.steps_format,
            derivatives=args.derivatives,
            digits=args.digits,
        )
        if written[-1].suffix == ".html":
            print(f"wrote {len(written) - 1} step pictures and the slideshow {written[-1]}")
        else:  # DOT: the text of each step, and no slideshow (that needs Graphviz)
            print(f"wrote {len(written)} step pictures in {Path(args.steps)}")
    return 0


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


def _digits(text: str) -> int:
    """An argparse type: a whole number of significant digits, at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1, got {text!r}")
    return number


def _add_lecture_values(parser: argparse.ArgumentParser) -> None:
    for name in ("x1", "x2", "w1", "w2", "b"):
        default = LECTURE_EXAMPLE[name]
        parser.add_argument(f"--{name}", type=_finite, default=default, help=f"default {default}")
    parser.add_argument(
        "--y", type=_label, default=LECTURE_EXAMPLE["y"], help="the label, in [0, 1]; default 1"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Backpropagation on a computation graph, for teaching.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ag.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.add_command(commands)  # the main job first
    quickstart = commands.add_parser(
        "quickstart", help="the lecture's one-example graph, forward and backward"
    )
    _add_lecture_values(quickstart)
    quickstart.set_defaults(run=_quickstart)

    explain_command = commands.add_parser(
        "explain", help="the lecture's graph, backward step by step, with the numbers"
    )
    _add_lecture_values(explain_command)
    explain_command.add_argument(
        "--digits", type=_digits, default=6, help="significant digits of the numbers; default 6"
    )
    explain_command.set_defaults(run=_explain)

    draw_command = commands.add_parser(
        "draw",
        help="draw the lecture's graph (SVG, PNG, PDF or DOT, by the extension of --out)",
        description=(
            "Draw the lecture's one-example graph with its values and, after backward, its "
            "gradients. SVG, PNG and PDF need Graphviz's dot program; DOT is plain text."
        ),
    )
    _add_lecture_values(draw_command)
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
        help="highlight a node by name (x1, x2, w1, w2, b, y, z, a, L); repeatable",
    )
    draw_command.add_argument(
        "--path", metavar="NAME", help="highlight the path from this node to L, e.g. --path w1"
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
        "--digits", type=_digits, default=4, help="significant digits of the numbers; default 4"
    )
    draw_command.set_defaults(run=_draw)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError, GraphvizNotFoundError) as error:
        print(f"autograd-lite {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
