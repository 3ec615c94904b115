"""The lecture notebooks: current with their sources, and run, every one, in a real Jupyter kernel.

notebooks/*.py are the sources, jupytext "percent" files, one per lecture. scripts/notebooks.py
writes from each an instructor and a student notebook (notebooks/instructor/, notebooks/student/,
committed without outputs). Here:

- the committed notebooks are what the sources give now (made again in memory and compared; the
  failure names the command that writes them), and the generator's marker rules hold;
- every generated notebook, instructor and student, runs top to bottom with nbclient on an
  ipykernel ("python3", the kernel of this Python), each cell under a time limit. A cell that
  raises fails the test with the cell and its traceback. Then what the notebook showed is read:
  the install cell installed nothing (the package is importable here); the kernel ran this
  checkout's autograd_lite; no cell wrote to stderr (a warning is a failure, as in the rest of
  the suite); the graphs showed as pictures and the step-through as a widget; and each
  exercise's check cell printed its feedback: ✓ in the instructor version, a "not answered
  yet" kind of ✗ in the student version;
- the install cell's three ways (nothing to do, the clone, the instructor's location) are run
  with pip replaced by a recorder.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 120
"""Seconds any one cell may run; the slowest takes about a second."""


def _generator():
    path = ROOT / "scripts" / "notebooks.py"
    spec = importlib.util.spec_from_file_location("notebooks_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
GENERATED = sorted(GENERATOR.expected())


def _id(path: Path) -> str:
    return path.relative_to(ROOT / "notebooks").as_posix()


# --- current with the sources ----------------------------------------------------------------


def test_there_is_a_source_per_lecture_and_two_versions_of_each() -> None:
    names = [path.name for path in GENERATOR.sources()]
    assert names == [
        "lecture-1-one-example.py",
        "lecture-2-m-examples.py",
        "lecture-3-one-hidden-layer.py",
    ]
    assert len(GENERATED) == 2 * len(names)


def test_the_committed_notebooks_are_current() -> None:
    problems = GENERATOR.stale()
    listed = "\n  ".join(problems)
    assert not problems, (
        "the notebooks in notebooks/instructor/ and notebooks/student/ are not what their "
        f"sources give now:\n  {listed}\nWrite them with `{GENERATOR.COMMAND}` and commit them "
        "with their source."
    )


# --- the generator's rules -------------------------------------------------------------------

SOURCE = '''# %% tags=["setup"]
import math

# %% tags=["exercise"]
x = 2.0
y = math.sqrt(x)  # SOLUTION
first, second = 1, 2  # SOLUTION: two at once


def f(v):
    """Doubles."""
    # BEGIN SOLUTION
    return 2 * v
    # END SOLUTION


# %% tags=["check"]
print(y, f)

# %% [markdown] tags=["instructor"]
# For the instructor.

# %% [markdown] tags=["student"]
# For the student.
'''


def _cells(text: str) -> list[dict]:
    return json.loads(text)["cells"]


def test_the_instructor_version_keeps_the_solutions_without_markers() -> None:
    cells = _cells(GENERATOR.render_text(SOURCE, "instructor", "example.py"))
    assert [cell["id"] for cell in cells] == ["cell-01", "cell-02", "cell-03", "cell-04"]
    exercise = "".join(cells[1]["source"])
    assert "y = math.sqrt(x)\n" in exercise
    assert "first, second = 1, 2  # two at once" in exercise
    assert exercise.endswith("    return 2 * v")
    assert "SOLUTION" not in exercise
    assert "".join(cells[3]["source"]) == "For the instructor."


def test_the_student_version_has_stubs_that_run() -> None:
    cells = _cells(GENERATOR.render_text(SOURCE, "student", "example.py"))
    assert [cell["id"] for cell in cells] == ["cell-01", "cell-02", "cell-03", "cell-05"]
    exercise = "".join(cells[1]["source"])
    assert "y = None  # your answer\n" in exercise
    assert "first = second = None  # your answer: two at once" in exercise
    assert "math.sqrt" not in exercise and "2 * v" not in exercise and "SOLUTION" not in exercise
    assert exercise.endswith("    raise NotImplementedError")
    namespace: dict = {}
    exec("import math\n" + exercise, namespace)  # the stub runs; calling it says not written yet
    with pytest.raises(NotImplementedError):
        namespace["f"](1)
    assert "".join(cells[3]["source"]) == "For the student."
    assert all(cell.get("outputs", []) == [] for cell in cells)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (SOURCE.replace("    # END SOLUTION\n", ""), "BEGIN SOLUTION without"),
        (SOURCE.replace("    # BEGIN SOLUTION\n", ""), "END SOLUTION without"),
        (SOURCE.replace("y = math.sqrt(x)", "y == math.sqrt(x)"), "ends an assignment"),
        (SOURCE.replace("    return 2 * v\n", "    v = 2  # SOLUTION\n"), "inside a solution"),
        (SOURCE.replace('tags=["check"]', ""), "not followed by a check"),
        (SOURCE.replace('tags=["setup"]', ""), "the install cell"),
        (SOURCE.replace('tags=["exercise"]', 'tags=["exercize"]'), "unknown tags"),
        (SOURCE.replace("print(y, f)", "z = y  # SOLUTION"), "outside an exercise cell"),
        (SOURCE.replace("# For the student.", "# For the SOLUTION."), "Markdown cell"),
        (SOURCE.replace("    return 2 * v\n", "    return (\n"), "not valid Python"),
    ],
)
def test_a_source_that_breaks_a_rule_is_refused(source: str, message: str) -> None:
    with pytest.raises(GENERATOR.SourceError, match=message):
        for version in GENERATOR.VERSIONS:
            GENERATOR.render_text(source, version, "example.py")


def test_every_lecture_has_the_same_install_cell() -> None:
    cells = {GENERATOR.setup_cell(p.read_text(encoding="utf-8")) for p in GENERATOR.sources()}
    assert len(cells) == 1


# --- the install cell ------------------------------------------------------------------------


class _Shell:
    """IPython's shell as the install cell uses it, recording ``%pip`` instead of running it."""

    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.magics.append((name, line))


def _run_install_cell(
    monkeypatch: pytest.MonkeyPatch, cwd: Path, importable: bool, source: str = ""
) -> tuple[_Shell, str]:
    """Run the install cell in ``cwd``, autograd_lite importable or not; pip is a recorder."""
    import IPython

    cell = GENERATOR.setup_cell(GENERATOR.sources()[0].read_text(encoding="utf-8"))
    assert 'AUTOGRAD_LITE_SOURCE = ""\n' in cell
    cell = cell.replace('AUTOGRAD_LITE_SOURCE = ""', f"AUTOGRAD_LITE_SOURCE = {source!r}")
    shell = _Shell()
    find_spec = importlib.util.find_spec

    def pretend(name: str, *args: object) -> object:
        if name == "autograd_lite" and not importable:
            return None
        return find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", pretend)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.chdir(cwd)
    printed: list[str] = []
    namespace = {"print": lambda *args, **kwargs: printed.append(" ".join(map(str, args)))}
    exec(compile(cell, "the install cell", "exec"), namespace)
    return shell, "\n".join(printed)


def test_the_install_cell_does_nothing_when_the_package_is_importable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shell, printed = _run_install_cell(monkeypatch, tmp_path, importable=True)
    assert shell.magics == []
    assert "nothing to install" in printed


def test_the_install_cell_installs_the_clone_the_notebook_sits_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell, printed = _run_install_cell(
        monkeypatch, ROOT / "notebooks" / "student", importable=False, source="ignored-here"
    )
    assert len(shell.magics) == 1
    name, line = shell.magics[0]
    assert name == "pip"
    assert line.startswith(f"install --quiet {shlex.quote(str(ROOT))}")  # not editable
    assert "ignored-here" not in line
    assert f"Installing autograd_lite from {ROOT}" in printed


def test_the_install_cell_installs_from_the_instructors_location_outside_a_clone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    location = "git+https://example.org/course/autograd_lite.git"
    shell, _ = _run_install_cell(monkeypatch, tmp_path, importable=False, source=location)
    assert [line.split()[:3] for _, line in shell.magics] == [["install", "--quiet", location]]


def test_the_install_cell_says_what_to_set_when_it_has_nowhere_to_install_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="set AUTOGRAD_LITE_SOURCE"):
        _run_install_cell(monkeypatch, tmp_path, importable=False)


# --- run in a real kernel ----------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")
"""IPython's colours in a traceback, left out of the failure message."""
WIDGET = "application/vnd.jupyter.widget-view+json"
"""How a cell's output shows an ipywidgets widget: the step-through's."""
WHERE_FROM = "import sys, autograd_lite\nprint(autograd_lite.__file__)"
"""A cell appended to each notebook run here: which autograd_lite the kernel imported."""


def _text(output: dict) -> str:
    if output["output_type"] == "stream":
        return output["text"]
    return output.get("data", {}).get("text/plain", "")


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", GENERATED, ids=_id)
def test_the_notebook_runs_in_a_jupyter_kernel(path: Path) -> None:
    import matplotlib.font_manager  # noqa: F401 (see below)
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError

    # matplotlib builds its font cache on first use, saying so on stderr: built here, where it is
    # quiet, the kernel finds it made. A warning in a notebook still fails the test.
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_FROM, id="where-from"))
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},  # the kernel starts there
    )
    start = time.perf_counter()
    failure = None
    try:
        client.execute()
    except CellExecutionError as error:  # the failing cell, its source and its traceback
        failure = ANSI.sub("", str(error))
    if failure is not None:
        pytest.fail(f"{_id(path)}: a cell raised.\n{failure}", pytrace=False)
    seconds = time.perf_counter() - start

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), f"{_id(path)}: a cell did not run"
    setup = "".join(_text(o) for o in code[0].outputs)
    assert "nothing to install" in setup, f"{_id(path)}: the install cell said {setup!r}"
    where = "".join(_text(o) for o in code[-1].outputs).strip()
    assert Path(where).resolve().is_relative_to(ROOT), (
        f"the kernel ({sys.executable}) imported autograd_lite from {where}, not this checkout"
    )
    for cell in code:
        stderr = [o["text"] for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"{_id(path)}, cell {cell.id} wrote to stderr:\n{''.join(stderr)}"
    pictures = sum("image/svg+xml" in o.get("data", {}) for cell in code for o in cell.outputs)
    assert pictures >= 2, f"{_id(path)}: the graphs did not show as pictures"
    widgets = sum(WIDGET in o.get("data", {}) for cell in code for o in cell.outputs)
    assert widgets >= 1, f"{_id(path)}: the step-through did not show as a widget"

    version = path.parent.name
    checks = [cell for cell in code if "check" in _tags(cell)]
    exercises = [cell for cell in code if "exercise" in _tags(cell)]
    assert checks and len(checks) == len(exercises)
    for cell in checks:
        shown = "".join(_text(o) for o in cell.outputs).strip()
        where = f"{_id(path)}, check cell {cell.id} ({cell.source!r})"
        if version == "instructor":
            assert shown.startswith("✓"), f"{where}: the solution does not pass:\n{shown}"
        else:
            assert shown.startswith("✗"), f"{where}: no feedback, or it passed:\n{shown}"
            assert "not answered yet" in shown or "not written yet" in shown, (
                f"{where}: the feedback does not say the exercise is still to do:\n{shown}"
            )
    # A notebook to teach from runs in seconds; the limit leaves room for a slow machine.
    assert seconds < 60, f"{_id(path)} took {seconds:.0f} s to run"
