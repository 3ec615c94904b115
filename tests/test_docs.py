"""Every Python block in README.md and docs/ runs here, so the docs cannot rot.

The pages are written to be pasted into Jupyter, where the course is taught: a ```python block
holds code only, no ``>>>`` prompts, and what running it shows, if anything, follows it in an
output block::

    ```python
    z = (w1 * x1 + w2 * x2 + b).named("z")
    z
    ```

    ```text title="Output"
    Add(name='z', value=1.1)
    ```

The output block is a ```text fence with ``title="Output"`` (the site labels it "Output"), and
only blank lines between the two. Each python block is run as a Jupyter cell would run it, and
what the reader would see under the cell must be the output block, exactly:

- everything the cell prints, in order;
- then, if the cell's last statement is a bare expression, its value as Jupyter's displayhook
  shows it: nothing for ``None``, otherwise ``repr(value)`` and a newline. Jupyter's text is
  IPython's pretty printer, which is ``repr`` except that it wraps containers and strings wider
  than 79 characters across lines and sorts sets; a cell that would show one of those, or a
  value Jupyter draws instead of printing (``_repr_html_``, ``_repr_markdown_``, ...), fails
  here: ``print`` it or show less. (Only the last statement displays; a trailing ``;`` is not
  special here.)
- If the cell raises, its output block ends as the end of Jupyter's traceback reads: the line
  ``Traceback (most recent call last):``, a line ``  ...`` for the frames, and
  ``ExceptionName: message`` (the class's bare name, as IPython writes it). A cell raises only
  where its output block says so; elsewhere the error fails the test with its own traceback.

(When this was written, every page run as a notebook by a real kernel, IPython 9 and ipykernel
7, one cell per python block, showed exactly its output blocks.)

Lines are compared exactly, except for whitespace at their ends (invisible on the page). In an
output block ``...`` stands for any text (doctest's ELLIPSIS), except in the traceback's header:
it is for numbers that differ from run to run, such as timings, and is used sparingly. A python
block with no output block must show nothing. A block may also check itself with ``assert``.
A ``>>>`` prompt in any block of a page fails (it would not paste), as does an output block that
follows no python block, or an unlabelled text block right after one (it would read as output).

The blocks of one page share one namespace, in page order, as a reader would run them in one
notebook; the pages do not share anything. ``<!-- skip: next -->`` in a page hides the next block
(and its output block) from the run. Warnings are errors here as everywhere in the suite.

The pictures the pages show are committed in docs/pictures/, drawn by scripts/doc_pictures.py;
the tests at the end check that each is current and that every image a page shows is committed.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib.util
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import SkipParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

import autograd_lite as ag

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

OUTPUT_INFO = 'text title="Output"'
"""The info string of an output block: a ```text fence titled "Output"."""
TRACEBACK = "Traceback (most recent call last):\n  ...\n"
"""How an output block shows that the cell raised, before ``ExceptionName: message``."""
DISPLAY_WIDTH = 79
"""IPython's pretty printer wraps a container or string wider than this."""
RICH_DISPLAY = (
    "_repr_html_", "_repr_markdown_", "_repr_svg_", "_repr_png_", "_repr_jpeg_",
    "_repr_latex_", "_repr_json_", "_repr_mimebundle_",
)  # fmt: skip
"""Methods by which Jupyter shows a value as a picture or formatted text instead of its repr."""


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its info string (``python``, ``text title="Output"``...)."""

    info: str
    source: str
    start: int
    end: int
    line: int  # of the opening fence


def fenced_blocks(document: Document) -> list[Block]:
    """Every fenced block of the page, in page order."""
    lexer = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)\n"))
    text = document.text
    blocks = []
    for region in lexer(document):
        # The text as the page has it: Sybil's lexeme is dedented, and an output's indent counts.
        begin = region.start + region.lexemes["source"].offset
        end = max(begin, text.rfind("\n", begin, region.end) + 1)  # the closing fence's line
        line = text.count("\n", 0, region.start) + 1
        blocks.append(
            Block(region.lexemes["info"].strip(), text[begin:end], region.start, region.end, line)
        )
    return sorted(blocks, key=lambda block: block.start)


def _adjacent(document: Document, first: Block, second: Block) -> bool:
    return not document.text[first.end : second.start].strip()


@dataclass(frozen=True)
class Cell:
    """A python block, and the output block after it (``None`` when it has none)."""

    code: str
    code_line: int  # of the code's first line
    expected: str | None
    expected_line: int | None


def _parse_cells(document: Document) -> list[Region]:
    """A region per python block, spanning its output block too; evaluated by ``_run_cell``."""
    blocks = fenced_blocks(document)
    regions = []
    for k, block in enumerate(blocks):
        if block.info != "python":
            continue
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        output = None
        if after and after.info == OUTPUT_INFO and _adjacent(document, block, after):
            output = after
        cell = Cell(
            block.source,
            block.line + 1,
            output.source if output else None,
            output.line if output else None,
        )
        regions.append(Region(block.start, (output or block).end, cell, _run_cell))
    return regions


SYBIL = Sybil(parsers=[SkipParser(), _parse_cells])


class DisplayError(Exception):
    """A cell ends on a value whose Jupyter display this test does not reproduce."""


def _displayed(value: object) -> str:
    """What Jupyter shows under a cell whose last statement is a bare expression."""
    if value is None:
        return ""
    rich = [name for name in RICH_DISPLAY if hasattr(type(value), name)]
    if rich:
        raise DisplayError(
            f"the cell ends on a {type(value).__name__}, which Jupyter shows through "
            f"{rich[0]} rather than as text; end it otherwise (assign it, or print something)"
        )
    text = repr(value)
    if isinstance(value, (set, frozenset)):
        raise DisplayError("the cell ends on a set, which Jupyter shows sorted: print it instead")
    wrappable = (list, tuple, dict, str, bytes)
    if isinstance(value, wrappable) and (len(text) > DISPLAY_WIDTH or "\n" in text):
        raise DisplayError(
            f"the cell ends on a {type(value).__name__} whose repr is {len(text)} characters "
            f"wide, which Jupyter would wrap across lines: print it, or show less"
        )
    return text + "\n"


def _normal(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(lines) + "\n" if lines else ""


def _indented(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines()) or "    (nothing)\n"


def _run_cell(example: Example) -> str | None:
    """Run one cell as Jupyter would, and compare what it shows with its output block."""
    cell: Cell = example.parsed
    path = example.path
    tree = ast.parse("\n" * (cell.code_line - 1) + cell.code, filename=path)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    expects_error = cell.expected is not None and TRACEBACK in cell.expected
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        try:
            exec(compile(tree, path, "exec"), example.namespace)
            if last is not None:
                value = eval(compile(last, path, "eval"), example.namespace)
                shown.write(_displayed(value))
        except DisplayError:
            raise
        except Exception as error:
            if not expects_error:
                raise
            shown.write(f"{TRACEBACK}{type(error).__name__}: {error}\n")
    got = _normal(shown.getvalue())
    if cell.expected is None:
        if got:
            return (
                f"the block shows output but no output block follows it; add one, a "
                f"```{OUTPUT_INFO} block right after it:\n{_indented(got)}"
            )
        return None
    want = _normal(cell.expected)
    # The "  ..." of the traceback's header is no wildcard: it must not absorb the message.
    header = "\0traceback\0\n"
    literal_want, literal_got = want.replace(TRACEBACK, header), got.replace(TRACEBACK, header)
    flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_BLANKLINE
    if doctest.OutputChecker().check_output(literal_want, literal_got, flags):
        return None
    return (
        f"what the block shows differs from its output block at line {cell.expected_line}.\n"
        f"Output block:\n{_indented(want)}Shown:\n{_indented(got)}"
    )


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _document(page: Path) -> Document:
    return Document(page.read_text(encoding="utf-8"), str(page))


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_examples_run(page: Path) -> None:
    assert page.exists(), f"{_id(page)} is missing"
    ag.set_detect_anomaly(False)  # a reader starts from the default, whatever ran before
    examples = list(SYBIL.parse(page))
    for example in examples:
        try:
            example.evaluate()
        except SybilFailure:  # output that differs: the message names page and line
            raise
        except Exception as error:
            # Name the page and line: the traceback alone points into exec'd code.
            raise AssertionError(
                f"{_id(page)}, line {example.line}: {type(error).__name__}: {error}"
            ) from error


# A fence Sybil would not run: labelled py/python3/pycon/ipython, or indented (inside a list
# or an admonition). Pages write every Python example as a ```python fence at the start of a
# line.
UNRUN_FENCE = re.compile(
    r"^(?:[ \t]+```+ *(?:python|py|pycon|ipython)\b|```+ *(?:py|python3|pycon|ipython)\b)",
    re.MULTILINE,
)
PROMPT = re.compile(r"^[ \t]*(?:>>>|In \[\d*\]:)", re.MULTILINE)


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


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_blocks_paste_into_jupyter(page: Path) -> None:
    """No ``>>>`` prompt in any block, and every output block right after a python block."""
    document = _document(page)
    blocks = fenced_blocks(document)
    problems = []
    for k, block in enumerate(blocks):
        before = blocks[k - 1] if k else None
        follows_python = (
            before is not None and before.info == "python" and _adjacent(document, before, block)
        )
        if PROMPT.search(block.source):
            problems.append(
                f"line {block.line}: a block with `>>>` prompts does not paste into Jupyter; "
                f"write the code alone in a ```python block, and what it shows in a "
                f"```{OUTPUT_INFO} block after it"
            )
        if block.info == OUTPUT_INFO and not follows_python:
            problems.append(f"line {block.line}: an output block that follows no python block")
        if block.info in ("text", "") and follows_python:
            problems.append(
                f"line {block.line}: a ```{block.info} block right after a python block reads "
                f"as its output but is not checked; make it ```{OUTPUT_INFO}, or put a "
                f"sentence between them"
            )
    assert not problems, f"{_id(page)}:\n" + "\n".join(problems)


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
    where = "docs/pictures/"
    problems = [f"  {where}{name}: missing" for name in sorted(set(expected) - present)]
    problems += [
        f"  {where}{name}: no longer drawn by the script"
        for name in sorted(present - set(expected))
    ]
    for name in sorted(set(expected) & present):
        stamp = script.stamp_of((PICTURES / name).read_text(encoding="utf-8"))
        if stamp is None:
            problems.append(f"  {where}{name}: carries no stamp; the script did not draw it")
        elif stamp != expected[name]:
            problems.append(f"  {where}{name}: out of date, the library now draws it differently")
    assert not problems, (
        f"{where} does not match what the library draws now:\n"
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
