"""Installing the package is quiet: no setuptools warning about folders named like the package.

The README's two commands (scripts/demo, scripts/test) install the project editable with pip.
With the packages found automatically in this flat layout, setuptools made an import-finder
install and warned, every time, "Please be careful with folders in your working directory with
the same name as your package"; pyproject.toml declares the packages, and it does not.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_an_editable_install_prints_no_setuptools_warning(tmp_path: Path) -> None:
    target = tmp_path / "env"
    venv.create(target, with_pip=False)  # pip itself is the suite's, run for that Python
    python = target / "bin" / "python"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--disable-pip-version-check", "--no-deps", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "same name as your package" not in shown, shown
    assert "Warning" not in shown.replace("is neither a file nor a directory", ""), shown
    where = "import importlib.util; print(importlib.util.find_spec('autograd_lite').origin)"
    found = subprocess.run(
        [str(python), "-c", where],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    assert Path(found.stdout.strip()) == ROOT / "autograd_lite" / "__init__.py"
