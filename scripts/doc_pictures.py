"""Draw the pictures the documentation shows, with autograd_lite itself.

    .venv/bin/python scripts/doc_pictures.py            # redraws docs/pictures/
    .venv/bin/python scripts/doc_pictures.py OUTDIR     # or into another folder

Every picture in docs/ is made here, from the same graphs the pages build in their code. The
pictures are committed, so that the pages show them wherever they are read (on the code host as
well as on the site); run this after a change to what the library draws, and commit
docs/pictures/.

Each file written carries, in an XML comment, the SHA-256 of the text it was drawn from: the
picture's DOT text, as ``ag.draw`` makes it (for the slideshow, every frame's DOT text, which
holds the frame's caption; the slideshow's page template itself is not part of the hash). That
text is the library's output alone, the same with any Graphviz, and needs no Graphviz to make.
tests/test_docs.py makes it again and fails, naming the picture and this command, when a
committed picture carries another hash: the library draws it differently now.
It also checks that every picture a page links is one this script draws, and that every one it
draws is used.

Needs Graphviz's ``dot`` program (SVG is rendered by it); the pages link the pictures as
``pictures/NAME.svg``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import graphviz
import numpy as np

import autograd_lite as ag
from autograd_lite.draw import save

DOCS = Path(__file__).resolve().parent.parent / "docs"
FOLDER = DOCS / "pictures"
"""Where the pictures go, and are committed."""
STEPS_FOLDER = "backward-steps"
"""Where the slideshow of the backward pass goes, inside the pictures folder."""
COMMAND = ".venv/bin/python scripts/doc_pictures.py"
"""The command that redraws the pictures, as the stale-picture message and the stamps say it."""


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


def with_derivatives(pinned: bool = True) -> graphviz.Digraph:
    return ag.draw(_after_backward()["L"], derivatives=True, pinned=pinned)


def path_from_w1() -> graphviz.Digraph:
    g = _after_backward()
    return ag.draw(g["L"], highlight=ag.path_between(g["w1"], g["L"]))


def collapsed(pinned: bool = True) -> graphviz.Digraph:
    return ag.draw(_after_backward()["L"], collapse=True, derivatives=True, pinned=pinned)


def step_of_dz() -> graphviz.Digraph:
    return ag.draw_steps(_after_backward()["L"])[2]


def vectorized_cost() -> graphviz.Digraph:
    return ag.draw(four_examples())


PICTURES: dict[str, Callable[[], graphviz.Digraph]] = {
    "one-example-forward.svg": forward_only,
    "one-example.svg": with_gradients,
    "one-example-derivatives.svg": with_derivatives,
    "one-example-path-w1.svg": path_from_w1,
    "one-example-collapsed.svg": collapsed,
    "one-example-step-3.svg": step_of_dz,
    "four-examples-vectorized.svg": vectorized_cost,
}
"""Each picture's file name and the function that draws it (pure: no file is written)."""

UNPINNED = (with_derivatives, collapsed)
"""The pictures ``ag.draw(derivatives=True)`` pins to the plain drawing's places with Graphviz;
``pinned=False`` gives the library's text alone, which ``sources`` hashes."""


# --- what each file is drawn from, and the stamp that records it --------------------------------


def sources() -> dict[str, str]:
    """Each file ``main`` writes, by its path in the pictures folder, and the text it is drawn from.

    The text is the library's DOT text of the picture (a drawing with derivatives unpinned,
    ``draw(pinned=False)``, as a step frame is); for a step frame, that frame's before
    Graphviz pins it into the layout all frames share (``draw_steps(pinned=False)``: the pinned
    text holds the positions Graphviz computed, which vary with its version); for the
    slideshow, every frame's in order (the frames carry the captions). Pure as far as Graphviz
    goes: nothing is rendered or laid out, so any Graphviz, or none, gives the same texts.
    """
    texts = {  # a drawing with derivatives unpinned: its pinned text holds Graphviz's places
        name: (picture(pinned=False) if picture in UNPINNED else picture()).source
        for name, picture in PICTURES.items()
    }
    frames = ag.draw_steps(_after_backward()["L"], pinned=False)
    width = max(2, len(str(len(frames))))  # save_steps' own file names
    steps = {
        f"{STEPS_FOLDER}/step_{k:0{width}d}.svg": frame.source
        for k, frame in enumerate(frames, start=1)
    }
    texts.update(steps)
    texts[f"{STEPS_FOLDER}/steps.html"] = "\n".join(steps.values())
    return texts


def fingerprint(text: str) -> str:
    """The SHA-256 of ``text``, in hex: what a picture's stamp records."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


STAMP = re.compile(
    r"<!-- drawn by scripts/doc_pictures\.py from a DOT text with SHA-256 ([0-9a-f]{64})"
)


def stamped(content: str, digest: str) -> str:
    """``content`` (an SVG or HTML file's text) with a comment recording ``digest``.

    The comment goes after the XML declaration or the HTML doctype, which must come first.
    """
    comment = (
        f"<!-- drawn by scripts/doc_pictures.py from a DOT text with SHA-256 {digest};"
        f" when the library draws it differently, redraw with: {COMMAND} -->\n"
    )
    head, newline, rest = content.partition("\n")
    if head.startswith(("<?xml", "<!DOCTYPE", "<!doctype")):
        return head + newline + comment + rest
    return comment + content


def stamp_of(content: str) -> str | None:
    """The digest a file's stamp records, or None if it has none."""
    found = STAMP.search(content)
    return found.group(1) if found else None


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else FOLDER
    if folder.exists():
        shutil.rmtree(folder)  # nothing stale: a picture no longer drawn disappears
    folder.mkdir(parents=True)
    written = [save(picture(), folder / name) for name, picture in PICTURES.items()]
    written += ag.save_steps(_after_backward()["L"], folder / STEPS_FOLDER)
    texts = sources()
    names = {path.relative_to(folder).as_posix(): path for path in written}
    if set(names) != set(texts):  # sources() must describe exactly the files written
        raise RuntimeError(
            f"doc_pictures: wrote {sorted(names)}, but sources() describes {sorted(texts)}"
        )
    for name, path in names.items():
        content = path.read_text(encoding="utf-8")
        path.write_text(stamped(content, fingerprint(texts[name])), encoding="utf-8")
    print(
        f"doc_pictures: wrote {len(PICTURES)} pictures and {len(names) - len(PICTURES) - 1} "
        f"step frames with a slideshow into {folder}, each stamped with its DOT text's hash"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
