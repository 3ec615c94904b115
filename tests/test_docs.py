"""Every Python block in README.md and docs/ runs here, so the docs cannot rot.

Sybil reads the pages: a ```python block that starts with ``>>>`` is a doctest (its printed
output is checked), any other ```python block is run as code (its ``assert`` lines are the
check). The blocks of one page share one namespace, in page order, as a reader would type
them; the pages do not share anything. ``<!-- skip: next -->`` in a page hides a block from
the run. Warnings are errors here as everywhere in the suite.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

import autograd_lite as ag

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

SYBIL = Sybil(
    parsers=[
        SkipParser(),
        PythonCodeBlockParser(doctest_optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE),
    ],
)

# A fence Sybil would not run: labelled py/python3/pycon, or indented (inside a list or an
# admonition). Pages write every Python example as a ```python fence at the start of a line.
UNRUN_FENCE = re.compile(
    r"^(?:[ \t]+```+ *(?:python|py|pycon)\b|```+ *(?:py|python3|pycon)\b)", re.MULTILINE
)


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_examples_run(page: Path) -> None:
    assert page.exists(), f"{_id(page)} is missing"
    ag.set_detect_anomaly(False)  # a reader starts from the default, whatever ran before
    examples = list(SYBIL.parse(page))
    for example in examples:
        try:
            example.evaluate()
        except SybilFailure:  # a doctest whose output differs: already names page and line
            raise
        except Exception as error:
            # Name the page and line: the traceback alone points into exec'd code.
            raise AssertionError(
                f"{_id(page)}, line {example.line}: {type(error).__name__}: {error}"
            ) from error


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_has_no_python_block_the_runner_skips_silently(page: Path) -> None:
    if not page.exists():
        pytest.fail(f"{_id(page)} is missing")
    text = page.read_text(encoding="utf-8")
    found = [text.count("\n", 0, m.start()) + 1 for m in UNRUN_FENCE.finditer(text)]
    assert not found, (
        f"{_id(page)}: Python blocks at lines {found} would not be run; write them as "
        f"```python fences that start at the beginning of a line"
    )


def test_every_docs_page_has_examples_and_is_in_the_site() -> None:
    """A page with no runnable example, or one left out of mkdocs.yml's nav, is a mistake."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES[1:]:
        relative = page.relative_to(ROOT / "docs").as_posix()
        assert relative in nav, f"docs/{relative} is not in mkdocs.yml's nav"
        if relative == "reference.md":  # generated from the docstrings, which doctest checks
            continue
        assert list(SYBIL.parse(page)), f"docs/{relative} has no Python example to run"
