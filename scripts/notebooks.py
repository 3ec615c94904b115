"""Write the lecture notebooks, an instructor and a student version of each, from one source.

    .venv/bin/python scripts/notebooks.py           # writes notebooks/instructor/ and student/
    .venv/bin/python scripts/notebooks.py --check   # only says whether they are current

The sources are the jupytext "percent" files ``notebooks/*.py``, one per lecture: text, so that
they diff and review; Jupyter with jupytext opens them as notebooks too. From each, this script
writes ``notebooks/instructor/NAME.ipynb`` and ``notebooks/student/NAME.ipynb``, without outputs,
so that they open in Jupyter or a hosted notebook service without jupytext. They are committed;
tests/test_notebooks.py makes them again in memory and fails, naming this command, when a
committed one differs, and runs every one of them in a real Jupyter kernel.

What a source marks, and what each version gets:

- ``# BEGIN SOLUTION`` and ``# END SOLUTION``, each on a line of its own, around solution code
  inside a function or method: the instructor version has the code (the marker lines removed);
  the student version has, at the markers' indentation, ``raise NotImplementedError`` under a
  comment saying to replace it. A check calling the function then answers "not answered yet".
- A line ``NAME = EXPRESSION  # SOLUTION`` (or ``# SOLUTION: a note``): the instructor version
  has ``NAME = EXPRESSION`` (``# a note``); the student version ``NAME = None  # your answer``
  (``# your answer: a note``). A check given ``None`` answers "not answered yet". Several names
  (``a, b = ...``) become ``a = b = None``.
- Cell tags (jupytext: ``# %% tags=["check"]``): ``instructor`` or ``student`` keeps a cell
  in that version only; ``exercise`` marks a cell to fill in, which must hold solution markers
  and be followed by a ``check`` cell, the one calling the exercise's ``check``; ``setup``
  marks the first code cell, the one that installs the package when it is missing; it is the
  same in every source.

Both versions of every code cell must be valid Python, and no marker may be left in either;
a source that breaks a rule is refused with a message naming the cell.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
VERSIONS = ("instructor", "student")
COMMAND = ".venv/bin/python scripts/notebooks.py"
"""The command that writes the notebooks, as the currency test's message says it."""

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
LINE_MARK = re.compile(r"^(?P<code>.*?)\s*#\s*SOLUTION\b:?\s*(?P<note>.*)$")
ASSIGNMENT = re.compile(r"^(?P<indent>\s*)(?P<targets>[A-Za-z_][\w\s,]*?)\s*=(?!=)\s*\S")
STUDENT_BLOCK = ("# Your code here: replace the next line with it.", "raise NotImplementedError")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
TAGS = {"instructor", "student", "exercise", "check", "setup"}


class SourceError(ValueError):
    """A notebook source breaks one of the rules above; the message names the cell."""


def sources() -> list[Path]:
    """The lecture sources, ``notebooks/*.py``, in name order."""
    return sorted(NOTEBOOKS.glob("*.py"))


def _solution_lines(source: str, version: str, where: str) -> str:
    """One code cell's text for ``version``: solution blocks and lines kept or stubbed."""
    out: list[str] = []
    block_indent: str | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        here = f"{where}, line {number}"
        if stripped == BEGIN:
            if block_indent is not None:
                raise SourceError(f"{here}: {BEGIN} inside another solution block")
            block_indent = line[: len(line) - len(line.lstrip())]
            if version == "student":
                out.extend(block_indent + stub for stub in STUDENT_BLOCK)
            continue
        if stripped == END:
            if block_indent is None:
                raise SourceError(f"{here}: {END} without {BEGIN}")
            block_indent = None
            continue
        if block_indent is not None:
            if "SOLUTION" in line:
                raise SourceError(f"{here}: a SOLUTION marker inside a solution block")
            if version == "instructor":
                out.append(line)
            continue
        marked = LINE_MARK.match(line)
        if marked and "SOLUTION" in line:
            out.append(_solution_line(marked["code"], marked["note"], version, here))
            continue
        if "SOLUTION" in line:
            raise SourceError(f"{here}: a SOLUTION marker this script does not understand")
        out.append(line)
    if block_indent is not None:
        raise SourceError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def _solution_line(code: str, note: str, version: str, here: str) -> str:
    assignment = ASSIGNMENT.match(code)
    if assignment is None:
        raise SourceError(f"{here}: `# SOLUTION` ends an assignment, NAME = EXPRESSION")
    if version == "instructor":
        return code + (f"  # {note}" if note else "")
    names = [name.strip() for name in assignment["targets"].split(",") if name.strip()]
    comment = f"your answer: {note}" if note else "your answer"
    return f"{assignment['indent']}{' = '.join(names)} = None  # {comment}"


def _check_python(text: str, where: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError as error:
        raise SourceError(f"{where}: not valid Python ({error.msg}, line {error.lineno})") from None


def _check_structure(cells: list[nbformat.NotebookNode], name: str) -> None:
    """Tags known; a setup cell first; each exercise marked and followed by its check."""
    code = [(k, cell) for k, cell in enumerate(cells, start=1) if cell.cell_type == "code"]
    if not code or "setup" not in code[0][1].metadata.get("tags", []):
        raise SourceError(f"{name}: the first code cell must be the install cell, tagged setup")
    for position, (k, cell) in enumerate(code):
        tags = set(cell.metadata.get("tags", []))
        if tags - TAGS:
            raise SourceError(f"{name}, cell {k}: unknown tags {sorted(tags - TAGS)}")
        if "exercise" in tags:
            if "SOLUTION" not in cell.source:
                raise SourceError(f"{name}, cell {k}: an exercise cell without solution markers")
            following = code[position + 1][1] if position + 1 < len(code) else None
            if following is None or "check" not in following.metadata.get("tags", []):
                raise SourceError(f"{name}, cell {k}: an exercise cell not followed by a check")
        elif "SOLUTION" in cell.source:
            raise SourceError(f"{name}, cell {k}: solution markers outside an exercise cell")
    if not any("check" in cell.metadata.get("tags", []) for _, cell in code):
        raise SourceError(f"{name}: no exercise check cell")


def render(source: Path, version: str) -> str:
    """The ``.ipynb`` text of ``source`` (a ``notebooks/*.py``) for ``version``, no outputs."""
    name = source.relative_to(ROOT).as_posix() if source.is_relative_to(ROOT) else source.name
    return render_text(source.read_text(encoding="utf-8"), version, name)


def render_text(text: str, version: str, name: str) -> str:
    """The ``.ipynb`` text of the percent source ``text`` for ``version``; ``name`` is its path."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}, got {version!r}")
    notebook = jupytext.reads(text, fmt="py:percent")
    _check_structure(notebook.cells, name)
    other = "student" if version == "instructor" else "instructor"
    cells = []
    for k, cell in enumerate(notebook.cells, start=1):
        tags = list(cell.metadata.get("tags", []))
        if other in tags:
            continue
        cell = copy.deepcopy(cell)
        cell.id = f"cell-{k:02d}"  # stable: the same cell has the same id in both versions
        # Only the tags: jupytext's own cell metadata (blank lines kept...) means nothing here.
        cell.metadata = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            cell.source = _solution_lines(cell.source, version, f"{name}, cell {k}")
            _check_python(cell.source, f"{name}, cell {k} ({version} version)")
            cell.outputs, cell.execution_count = [], None
        elif "SOLUTION" in cell.source:
            raise SourceError(f"{name}, cell {k}: solution markers in a Markdown cell")
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "autograd_lite": {
            "generated_from": name,
            "version": version,
            "by": "scripts/notebooks.py: edit the source, then run it",
        },
    }
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


def setup_cell(text: str) -> str:
    """The install cell of the percent source ``text``: its first code cell."""
    notebook = jupytext.reads(text, fmt="py:percent")
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


def _check_same_setup(paths: list[Path]) -> None:
    """Every lecture installs the package the same way: one install cell, in each source."""
    cells = {path: setup_cell(path.read_text(encoding="utf-8")) for path in paths}
    first = paths[0] if paths else None
    for path, cell in cells.items():
        if cell != cells[first]:
            raise SourceError(
                f"{path.relative_to(ROOT)}: its install cell differs from "
                f"{first.relative_to(ROOT)}'s; every lecture has the same one"
            )


def target(source: Path, version: str) -> Path:
    """Where ``render(source, version)`` goes: ``notebooks/VERSION/NAME.ipynb``."""
    return NOTEBOOKS / version / f"{source.stem}.ipynb"


def expected() -> dict[Path, str]:
    """Every generated notebook, by its path, and the text it must have."""
    paths = sources()
    _check_same_setup(paths)
    return {target(s, v): render(s, v) for s in paths for v in VERSIONS}


def stale() -> list[str]:
    """What differs between the committed notebooks and the sources: one line each."""
    wanted = expected()
    problems = []
    for path, text in wanted.items():
        shown = path.relative_to(ROOT).as_posix()
        if not path.is_file():
            problems.append(f"{shown}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{shown}: differs from what its source gives")
    for version in VERSIONS:
        for path in sorted((NOTEBOOKS / version).glob("*.ipynb")):
            if path not in wanted:
                problems.append(f"{path.relative_to(ROOT).as_posix()}: has no source")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    options = parser.parse_args(argv)
    if options.check:
        problems = stale()
        for problem in problems:
            print(problem)
        if problems:
            print(f"Write them with: {COMMAND}")
        return 1 if problems else 0
    wanted = expected()
    for version in VERSIONS:
        (NOTEBOOKS / version).mkdir(parents=True, exist_ok=True)
        for path in (NOTEBOOKS / version).glob("*.ipynb"):
            if path not in wanted:
                path.unlink()
                print(f"removed {path.relative_to(ROOT)} (its source is gone)")
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
