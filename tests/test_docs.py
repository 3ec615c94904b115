"""Every Python block in README.md and docs/ runs here, so the docs cannot rot.

Sybil reads the pages: a ```python block that starts with ``>>>`` is a doctest (its printed
output is checked), any other ```python block is run as code (its ``assert`` lines are the
check). The blocks of one page share one namespace, in page order, as a reader would type
them; the pages do not share anything. ``<!-- skip: next -->`` in a page hides a block from
the run. Warnings are errors here as everywhere in the suite.

The pictures the pages show are committed in docs/pictures/, drawn by scripts/doc_pictures.py;
the tests at the end check that each is current and that every image a page shows is committed.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import re
import subprocess
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


# --- the pictures --------------------------------------------------------------------------------

PICTURES = ROOT / "docs" / "pictures"
# A local link a page makes, to an image or any other file: ](target) or ](<target>), no URL.
LOCAL_LINK = re.compile(r"(!?)\[[^\]]*\]\(<?(?![a-z][a-z0-9+.-]*:|#)([^)\s>#]+)[^)]*\)")


def _picture_script():
    path = ROOT / "scripts" / "doc_pictures.py"
    spec = importlib.util.spec_from_file_location("doc_pictures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _linked_files(page: Path, images_only: bool) -> list[tuple[str, Path]]:
    """Each local file ``page`` links (only images, if ``images_only``): (as written, path)."""
    text = page.read_text(encoding="utf-8")
    links = []
    for bang, target in LOCAL_LINK.findall(text):
        if images_only and not bang:
            continue
        links.append((target, (page.parent / target).resolve()))
    return links


def _tracked() -> set[Path] | None:
    """The files git tracks in this checkout, or None outside a git checkout (or with no git)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
    except (OSError, subprocess.SubprocessError):
        return None
    return {(ROOT / name).resolve() for name in listed.split("\0") if name}


def test_every_image_a_page_shows_is_committed() -> None:
    """An image link to a missing or uncommitted file shows a broken image where it is read."""
    tracked = _tracked()
    problems = []
    for page in PAGES:
        for target, path in _linked_files(page, images_only=True):
            if not path.is_file():
                problems.append(f"{_id(page)} shows {target}, which does not exist")
            elif tracked is not None and path not in tracked:
                problems.append(f"{_id(page)} shows {target}, which git does not track: add it")
    assert not problems, "\n".join(problems)


def test_every_picture_in_the_docs_is_drawn_by_the_picture_script() -> None:
    """No hand-drawn picture: each one a page links is drawn by the script, and each is used."""
    script = _picture_script()
    drawn = {(PICTURES / name).resolve() for name in script.sources()}
    pictures = {(PICTURES / name).resolve() for name in script.PICTURES}
    linked: dict[Path, str] = {}
    for page in PAGES:
        for target, path in _linked_files(page, images_only=False):
            if path.is_relative_to(PICTURES.resolve()):
                linked.setdefault(path, f"{_id(page)} links {target}")
    for path, where in linked.items():
        assert path in drawn, f"{where}, which scripts/doc_pictures.py does not draw"
    unused = sorted(path.name for path in pictures - set(linked))
    assert not unused, f"scripts/doc_pictures.py draws pictures no page shows: {unused}"
    for name, picture in script.PICTURES.items():  # pure: builds the DOT text, renders nothing
        assert "digraph" in picture().source, name


def test_the_committed_pictures_are_current() -> None:
    """Each picture carries the hash of the DOT text the library makes for it now.

    The DOT texts are made again here, without Graphviz; each committed file's stamp must be
    their hash. A picture with another hash was drawn by an older library: the pages would show
    what the library no longer draws.
    """
    script = _picture_script()
    expected = {name: script.fingerprint(text) for name, text in script.sources().items()}
    present = {
        path.relative_to(PICTURES).as_posix()
        for path in (PICTURES.rglob("*") if PICTURES.is_dir() else [])
        if path.is_file()
    }
    problems = [f"  {name}: missing" for name in sorted(set(expected) - present)]
    problems += [
        f"  {name}: no longer drawn by the script" for name in sorted(present - set(expected))
    ]
    for name in sorted(set(expected) & present):
        stamp = script.stamp_of((PICTURES / name).read_text(encoding="utf-8"))
        if stamp is None:
            problems.append(f"  {name}: carries no stamp; it was not drawn by the script")
        elif stamp != expected[name]:
            problems.append(f"  {name}: out of date, the library now draws it differently")
    assert not problems, (
        "docs/pictures/ does not match what the library draws now:\n"
        + "\n".join(problems)
        + f"\nRedraw the pictures with `{script.COMMAND}` (needs Graphviz's dot), look at "
        f"them, and commit docs/pictures/."
    )


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
