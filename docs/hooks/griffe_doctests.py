"""A griffe extension for the Reference: doctests outside an ``Examples`` section render as code.

The package's docstrings are numpy style, and many put a short doctest straight after the
summary, with no ``Examples`` heading. The doctests run either way, but the numpy parser passes
such lines to Markdown as text, where ``>>>`` opens three nested block quotes. This extension
(named in mkdocs.yml, under the python handler's ``extensions``) adds the heading in front of
each such doctest when the site is built, so it renders as highlighted code. The source is not
changed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_UNDERLINE = re.compile(r"-{3,}\s*$")


def with_examples_heading(text: str) -> str:
    """``text`` with an ``Examples`` heading before each doctest that has none.

    A doctest is a ``>>>`` line at the start of a paragraph; one inside an ``Examples`` section
    is left alone. tests/test_docs.py shows the rewrite on an example.
    """
    lines = text.splitlines()
    out: list[str] = []
    section = ""
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and line.strip() and _UNDERLINE.match(lines[i + 1]):
            section = line.strip()
        starts_block = line.startswith(">>>") and (i == 0 or not lines[i - 1].strip())
        if starts_block and section != "Examples":
            if out and out[-1].strip():
                out.append("")
            out.extend(["Examples", "--------"])
            section = "Examples"
        out.append(line)
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Rewrites the docstrings of every object of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None and ">>>" in obj.docstring.value:
                obj.docstring.value = with_examples_heading(obj.docstring.value)
            stack.extend(m for m in obj.members.values() if not m.is_alias)
