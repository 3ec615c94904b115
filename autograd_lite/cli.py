"""The ``autograd-lite`` command (also ``python -m autograd_lite``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import autograd_lite as ag


def _quickstart(args: argparse.Namespace) -> int:
    """The lecture's one-example graph: forward, backward, and the gradients by name."""
    x1, x2 = ag.Variable(args.x1, name="x1"), ag.Variable(args.x2, name="x2")
    w1, w2 = ag.Variable(args.w1, name="w1"), ag.Variable(args.w2, name="w2")
    b = ag.Variable(args.b, name="b")
    z = (w1 * x1 + w2 * x2 + b).named("z")
    a = ag.sigmoid(z, name="a")
    L = ag.log_loss(a, args.y, name="L")
    L.backward()
    print(f"forward:  z = {z.value:.6g}   a = σ(z) = {a.value:.6g}   L(a, y) = {L.value:.6g}")
    print("backward: " + "   ".join(f"{k} = {v:.6g}" for k, v in L.gradients().items()))
    print(f"check:    dz = a − y = {a.value - args.y:.6g}")
    return 0


def _add_lecture_values(parser: argparse.ArgumentParser) -> None:
    for name, default in (("x1", 1.0), ("x2", 2.0), ("w1", 0.5), ("w2", -0.25), ("b", 0.1)):
        parser.add_argument(f"--{name}", type=float, default=default, help=f"default {default}")
    parser.add_argument("--y", type=float, default=1.0, help="the label, in [0, 1]; default 1")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Backpropagation on a computation graph, for teaching.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ag.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    quickstart = commands.add_parser(
        "quickstart", help="the lecture's one-example graph, forward and backward"
    )
    _add_lecture_values(quickstart)
    quickstart.set_defaults(run=_quickstart)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError) as error:
        print(f"autograd-lite {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
