"""Every Python block in README.md and docs/ runs here, so the docs cannot rot.

Sybil reads the pages: a ```python block that starts with ``>>>`` is a doctest (its printed
output is checked), any other ```python block is run as code (its ``assert`` lines are the
check). The blocks of one page share one namespace, in page order, as a reader would type
them; the pages do not share anything. ``<!-- skip: next -->`` in a page hides a block from
the run. Warnings are errors here as everywhere in the suite.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
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


# A picture a page shows: ![...](pictures/NAME) or a link to the slideshow, [...](pictures/...).
PICTURE_LINK = re.compile(r"\]\((pictures/[^)\s#]+)\)")


def _picture_script():
    path = ROOT / "scripts" / "doc_pictures.py"
    spec = importlib.util.spec_from_file_location("doc_pictures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_picture_in_the_docs_is_drawn_by_the_picture_script() -> None:
    """No hand-drawn picture: each one a page links is drawn by the script, and each is used."""
    script = _picture_script()
    drawn = {f"pictures/{name}" for name in script.PICTURES}
    steps = f"pictures/{script.STEPS_FOLDER}/"
    linked: dict[str, str] = {}
    for page in PAGES[1:]:
        for link in PICTURE_LINK.findall(page.read_text(encoding="utf-8")):
            linked.setdefault(link, _id(page))
    for link, page in linked.items():
        in_steps = re.fullmatch(re.escape(steps) + r"(steps\.html|step_\d\d\.svg)", link)
        assert link in drawn or in_steps, (
            f"{page} shows {link}, which scripts/doc_pictures.py does not draw"
        )
    unused = sorted(drawn - set(linked))
    assert not unused, f"scripts/doc_pictures.py draws pictures no page shows: {unused}"
    for name, picture in script.PICTURES.items():  # pure: builds the DOT text, renders nothing
        assert "digraph" in picture().source, name


def test_every_docstring_example_sits_in_an_examples_section() -> None:
    """numpy style renders a ``>>>`` outside an ``Examples`` section as block quotes."""
    bare = []
    for path in sorted((ROOT / "autograd_lite").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                continue
            doc = ast.get_docstring(node, clean=True) or ""
            before_example = doc.split("\n>>>", 1)[0] if "\n>>>" in doc else None
            if before_example is not None and "Examples\n--------" not in before_example:
                bare.append(f"{path.relative_to(ROOT)}: {getattr(node, 'name', '(module)')}")
    assert not bare, f"add an 'Examples' heading before the doctest of: {bare}"
