"""Draw the pictures the documentation shows, with autograd_lite itself.

    .venv/bin/python scripts/doc_pictures.py            # writes docs/pictures/
    .venv/bin/python scripts/doc_pictures.py OUTDIR     # or another folder

Every picture in docs/ is made here, from the same graphs the pages build in their code, so a
change to ``draw`` shows up in the site at the next build. ``scripts/docs`` and ``scripts/test``
run this before ``mkdocs build --strict``; docs/pictures/ is git-ignored. The pages link the
pictures as ``pictures/NAME.svg``; tests/test_docs.py checks that every picture a page links is
one this script draws, and that every one it draws is used.

Needs Graphviz's ``dot`` program (SVG is rendered by it).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import graphviz
import numpy as np

import autograd_lite as ag
from autograd_lite.draw import save

DOCS = Path(__file__).resolve().parent.parent / "docs"
STEPS_FOLDER = "backward-steps"
"""Where the slideshow of the backward pass goes, inside the pictures folder."""


# --- the graphs, exactly as the pages build them ------------------------------------------------


def one_example() -> dict[str, ag.Node]:
    """Start here and Tutorial 1: x1 = 2, x2 = −1, y = 1; w1 = 0.3, w2 = −0.4, b = 0.1."""
    x1, x2, y = ag.Constant(2.0, name="x1"), ag.Constant(-1.0, name="x2"), 1.0
    w1, w2 = ag.Variable(0.3, name="w1"), ag.Variable(-0.4, name="w2")
    b = ag.Variable(0.1, name="b")
    z = (w1 * x1 + w2 * x2 + b).named("z")
    a = ag.sigmoid(z, name="a")
    L = ag.log_loss(a, y, name="L")
    return {"w1": w1, "w2": w2, "b": b, "z": z, "a": a, "L": L}


def four_examples() -> ag.Node:
    """Tutorial 2's vectorized cost over its four examples, at w = (0.3, −0.4), b = 0.1."""
    X = ag.Constant(np.array([[2.0, -1.0], [1.0, 3.0], [-1.0, 0.5], [0.5, -2.0]]), name="X")
    y = ag.Constant(np.array([1.0, 0.0, 0.0, 1.0]), name="y")
    w = ag.Variable(np.array([0.3, -0.4]), name="w")
    b = ag.Variable(0.1, name="b")
    Z = (X @ w + b).named("Z")
    A = ag.sigmoid(Z, name="A")
    J = ag.mean(ag.log_loss(A, y, name="L"), name="J")
    J.backward()
    return J


def _after_backward() -> dict[str, ag.Node]:
    g = one_example()
    g["L"].backward()
    return g


def forward_only() -> graphviz.Digraph:
    return ag.draw(one_example()["L"])  # before backward(): values, no gradients


def with_gradients() -> graphviz.Digraph:
    return ag.draw(_after_backward()["L"])


def with_derivatives() -> graphviz.Digraph:
    return ag.draw(_after_backward()["L"], derivatives=True)


def path_from_w1() -> graphviz.Digraph:
    g = _after_backward()
    return ag.draw(g["L"], highlight=ag.path_between(g["w1"], g["L"]))


def step_of_dz() -> graphviz.Digraph:
    return ag.draw_steps(_after_backward()["L"])[2]


def vectorized_cost() -> graphviz.Digraph:
    return ag.draw(four_examples())


PICTURES: dict[str, Callable[[], graphviz.Digraph]] = {
    "one-example-forward.svg": forward_only,
    "one-example.svg": with_gradients,
    "one-example-derivatives.svg": with_derivatives,
    "one-example-path-w1.svg": path_from_w1,
    "one-example-step-3.svg": step_of_dz,
    "four-examples-vectorized.svg": vectorized_cost,
}
"""Each picture's file name and the function that draws it (pure: no file is written)."""


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DOCS / "pictures"
    if folder.exists():
        shutil.rmtree(folder)  # nothing stale: a picture no longer drawn disappears
    folder.mkdir(parents=True)
    for name, picture in PICTURES.items():
        save(picture(), folder / name)
    steps = ag.save_steps(_after_backward()["L"], folder / STEPS_FOLDER)
    print(f"doc_pictures: wrote {len(PICTURES)} pictures and {len(steps) - 1} step frames "
          f"with a slideshow into {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
