"""Small real data sets that ship with the package, and a plain CSV reader for your own.

No network and no pandas: the files are read from inside the installed package with
``importlib.resources`` and parsed with the standard ``csv`` module.

Examples
--------
>>> from autograd_lite.datasets import load_breast_cancer
>>> X, y, feature_names = load_breast_cancer()
>>> X.shape, y.shape, feature_names[0]
((569, 30), (569,), 'mean radius')
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["BREAST_CANCER_TARGET_NAMES", "load_breast_cancer", "load_flower", "read_csv"]

BREAST_CANCER_TARGET_NAMES = ("malignant", "benign")
"""What ``y`` means in ``load_breast_cancer``: 0 = malignant, 1 = benign (scikit-learn's coding)."""


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The Wisconsin diagnostic breast-cancer data: 569 examples, 30 features, two classes.

    Returns
    -------
    X : numpy.ndarray of shape (569, 30)
        One breast mass per row (float64), unscaled.
    y : numpy.ndarray of shape (569,)
        The diagnosis as int: 0 = malignant (212 rows), 1 = benign (357 rows), see
        ``BREAST_CANCER_TARGET_NAMES``.
    feature_names : list of str
        The 30 column names, e.g. ``"mean radius"``, ``"worst concavity"``.

    Notes
    -----
    From the UCI Machine Learning Repository (CC BY 4.0); source, licence and citation are in
    ``breast_cancer.txt`` next to the CSV.

    Examples
    --------
    >>> X, y, names = load_breast_cancer()
    >>> int(y.sum()), names[-1]
    (357, 'worst fractal dimension')
    """
    text = (resources.files(__name__) / "breast_cancer.csv").read_text(encoding="utf-8")
    return _parse_csv(io.StringIO(text), "target", "breast_cancer.csv")


def load_flower() -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": 400 points in the plane, two classes of 200, generated.

    Made exactly as the course's ``load_planar_dataset`` makes it, from ``RandomState(1)``:
    for class ``j = 0`` then ``j = 1``, the angles ``t = linspace(j·3.12, (j+1)·3.12, 200) +
    0.2·randn(200)``, then the radii ``r = 4·sin(4t) + 0.2·randn(200)`` (the two draws in that
    order), and the points ``(r·sin t, r·cos t)``, labelled ``j``. Nothing is downloaded; the
    global ``np.random`` state is not touched.

    Returns
    -------
    X : numpy.ndarray of shape (400, 2)
        One point per row (float64): the rows of class 0, then those of class 1, in the
        course's order. The course keeps ``X.T``, of shape (2, 400): examples in columns.
    y : numpy.ndarray of shape (400,)
        The labels as int: 0 (red in the course's pictures) and 1 (blue), 200 of each.

    Examples
    --------
    >>> X, y = load_flower()
    >>> X.shape, y.shape, int(y.sum())
    ((400, 2), (400,), 200)
    >>> X[0].round(6).tolist()
    [1.204442, 3.576114]
    """
    per_class, radius = 200, 4
    rng = np.random.RandomState(1)
    X = np.zeros((2 * per_class, 2))
    y = np.zeros(2 * per_class, dtype=int)
    for j in range(2):
        rows = slice(per_class * j, per_class * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, per_class) + rng.randn(per_class) * 0.2
        r = radius * np.sin(4 * t) + rng.randn(per_class) * 0.2
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[rows] = j
    return X, y


def read_csv(
    path: str | os.PathLike[str], target: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV with a header row: every column but ``target`` is a numeric feature.

    Parameters
    ----------
    path : str or path-like
        The file. The first row names the columns; every other non-blank row is one example.
    target : str
        The name of the label column. Its cells may be numbers or text (e.g. ``yes``/``no``);
        numbers are read as int when they are all whole, else as float.

    Returns
    -------
    X : numpy.ndarray of shape (m, n), float64
    y : numpy.ndarray of shape (m,)
    feature_names : list of str

    Raises
    ------
    ValueError
        No header, a missing or repeated column name, a row with the wrong number of cells,
        a cell that is not a finite number, a cell longer than the csv module reads, or no
        examples: the message names the line and the column.
        A file that is not UTF-8 text (a byte-order mark at the start is fine).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.csv"
    >>> _ = path.write_text("x1,x2,label\\n1,2,yes\\n3,4,no\\n")
    >>> X, y, names = read_csv(path, "label")
    >>> X.tolist(), y.tolist(), names
    ([[1.0, 2.0], [3.0, 4.0]], ['yes', 'no'], ['x1', 'x2'])
    """
    where = os.fspath(path)
    try:
        # utf-8-sig: a byte-order mark at the start (as Excel writes) is not part of a name.
        with open(path, newline="", encoding="utf-8-sig") as file:
            return _parse_csv(file, target, where)
    except UnicodeDecodeError as error:
        byte = error.object[error.start : error.start + 1].hex()
        raise ValueError(
            f"{where}: not UTF-8 text (byte 0x{byte} cannot be decoded); save the CSV as "
            "UTF-8, e.g. \"CSV UTF-8\" in Excel"
        ) from None


def _parse_csv(
    file: io.TextIOBase, target: str, where: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    raw: list[str] = []  # the lines of the row being read, for _refuse_unclosed_quote

    def recorded() -> Iterator[str]:
        for text in file:
            raw.append(text)
            yield text

    reader = csv.reader(recorded())
    lines = _rows(reader, where)
    header = next(lines, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ValueError(f"{where}: the file is empty; the first row must name the columns")
    header = [cell.strip() for cell in header]
    for column, name in enumerate(header, start=1):
        if not name:
            raise ValueError(f"{where}, line 1: column {column} has no name in the header row")
        if header.index(name) != column - 1:
            raise ValueError(f"{where}, line 1: the column name {name!r} appears twice")
    if target not in header:
        raise ValueError(
            f"{where}: no target column {target!r}; the columns are: {', '.join(header)}"
        )
    t = header.index(target)
    feature_names = [name for k, name in enumerate(header) if k != t]
    if not feature_names:
        raise ValueError(f"{where}: the only column is the target {target!r}; no features")
    rows: list[list[float]] = []
    labels: list[str] = []
    ended = reader.line_num  # the last line read so far
    raw.clear()
    for row in lines:
        start, ended = ended + 1, reader.line_num  # a quoted cell can span lines
        if ended > start:
            _refuse_unclosed_quote("".join(raw), start, ended, where)
        raw.clear()
        if not any(cell.strip() for cell in row):
            continue  # blank lines, e.g. at the end of the file
        line = reader.line_num
        if len(row) != len(header):
            raise ValueError(
                f"{where}, line {line}: {len(row)} cells, but the header has {len(header)} "
                "columns"
            )
        values = []
        for k, cell in enumerate(row):
            if k == t:
                if not cell.strip():
                    raise ValueError(f"{where}, line {line}, column {target!r}: the label is empty")
                labels.append(_label(cell.strip(), where, line, target))
                continue
            values.append(_number(cell, where, line, header[k]))
        rows.append(values)
    if not rows:
        raise ValueError(f"{where}: no examples; the header row is followed by no data")
    return np.array(rows, dtype=np.float64), _labels(labels), feature_names


def _rows(reader: Any, where: str) -> Iterator[list[str]]:
    """The reader's rows; what the csv module cannot read is a ``ValueError`` naming the line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            if "field larger than field limit" in str(error):
                raise ValueError(
                    f"{where}, line {line}: a cell longer than {csv.field_size_limit():,} "
                    "characters, the csv module's limit; no number is that long. A quote "
                    "(\") that is never closed runs on into one cell: check the quotes on that "
                    "line and the lines before it"
                ) from None
            raise ValueError(f"{where}, line {line}: not CSV that Python reads: {error}") from None
        yield row


def _refuse_unclosed_quote(text: str, start: int, end: int, where: str) -> None:
    """``ValueError`` if the row ``text`` (lines ``start`` to ``end``) opens a quote it never
    closes.

    The csv module reads a quoted cell from its quote (") to the next, across lines: a quote
    never closed swallows the rest of the file into one cell. Only a quote at a cell's start
    opens one (``12" pipe`` is text), and ``""`` inside is a quote character.
    """
    inside, at_start, opened = False, True, 0
    at = 0
    while at < len(text):
        char = text[at]
        if inside:
            if char == '"':
                if text[at + 1 : at + 2] == '"':
                    at += 1
                else:
                    inside = False
        elif char == '"' and at_start:
            inside, opened = True, at
        at_start = not inside and char in ",\r\n"
        at += 1
    if inside:
        line = start + text[:opened].count("\n")
        raise ValueError(
            f"{where}, line {line}: a quote (\") opened on line {line} is never closed, so "
            f"the csv module reads everything after it, to line {end}, as one cell; close the "
            "quote, or remove it"
        )


def _label(cell: str, where: str, line: int, column: str) -> str:
    """``cell``, unless it reads as a number that is not finite (NaN is a missing label)."""
    try:
        value = float(cell)
    except ValueError:
        return cell
    if not math.isfinite(value):
        raise ValueError(
            f"{where}, line {line}, column {column!r}: the label {cell!r} is not a finite "
            "number; a missing label must be filled in, or its row dropped"
        )
    return cell


def _number(cell: str, where: str, line: int, column: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(
            f"{where}, line {line}, column {column!r}: {cell!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{where}, line {line}, column {column!r}: {cell!r} is not finite")
    return value


def _labels(cells: list[str]) -> np.ndarray:
    """Labels as numbers when every cell is one (int if all whole), else as text."""
    try:
        numbers = [float(cell) for cell in cells]
    except ValueError:
        return np.array(cells)
    if all(math.isfinite(x) and x == int(x) for x in numbers):
        return np.array([int(x) for x in numbers])
    return np.array(numbers)
