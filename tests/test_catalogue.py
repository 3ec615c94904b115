"""The catalogue: every hostile input the library promises to handle, and what it does with it.

One row per input. A row either names the exception it raises and a fragment of its message
(the message must say what is wrong and what to do), or the exact result it gives. New cases
are added here, in the section they belong to; the test runs each row on its own.

- ``run`` does the hostile thing and returns what it gives;
- ``raises`` and ``message``: the exception type and a fragment of ``str(exception)``;
- ``result``: a predicate on what ``run`` returned, for an input the library handles correctly
  (``expected`` says in words what it checks).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import io
import pickle
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest

import autograd_lite as ag
from autograd_lite import cli
from autograd_lite.datasets import read_csv


@dataclass(frozen=True)
class Case:
    """One hostile input and the promise the library makes about it."""

    name: str
    run: Callable[[], Any]
    raises: type[BaseException] | None = None
    message: str = ""
    result: Callable[[Any], bool] | None = None
    expected: str = ""


# --- helpers: what a row needs to set up -------------------------------------------------------


def _in_folder(use: Callable[[Path], Any]) -> Any:
    """``use(folder)`` on a new empty folder, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        return use(Path(folder))


def _file(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


class Ran(NamedTuple):
    """What ``autograd-lite ARGS`` did: its exit status and what it printed."""

    status: int
    out: str
    err: str


def _cli(*argv: str) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(argv))
        except SystemExit as done:  # argparse's refusals
            status = done.code
    return Ran(status, out.getvalue(), err.getvalue())


def _chain(depth: int) -> ag.Node:
    """``−(−(…(−x)))``, ``depth`` ops deep: far past Python's recursion limit."""
    y = ag.Variable(1.0, name="x")
    for _ in range(depth):
        y = -y
    return y.named("y")


def _runs_on_its_own(twin: ag.Node, depth: int) -> bool:
    """A copied chain: its own leaf, the same value, and forward and backward run on it."""
    leaf = ag.topological_order(twin)[-1]
    sign = -1.0 if depth % 2 else 1.0
    if leaf.name != "x" or twin.value != sign:
        return False
    leaf.value = 3.0
    twin.forward()
    twin.backward()
    return twin.value == 3.0 * sign and leaf.grad == sign


LONG_CELL = "x1,y\n1," + "9" * 140_000 + "\n"
"""A cell longer than the csv module's limit of 131,072 characters."""


def _saved_model(folder: Path) -> Path:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(int)
    return ag.LogisticRegression(max_iter=3).fit(X, y).save(folder / "model.npz")


def _rewritten(folder: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    """The saved model with each member ``(name, bytes)`` replaced by ``change(name, bytes)``."""
    good = _saved_model(folder)
    path = folder / "changed.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            target.writestr(*change(name, source.read(name)))
    return path


def _raw_coef(name: str, data: bytes) -> tuple[str, bytes]:
    return ("coef", b"not an array") if name == "coef.npy" else (name, data)


def _nested_params(folder: Path) -> Path:
    with np.load(_saved_model(folder), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["params"] = np.array("[" * 100_000 + "]" * 100_000)
    path = folder / "nested.npz"
    np.savez(path, **arrays)
    return path


def _truncated(folder: Path) -> Path:
    good = _saved_model(folder)
    path = folder / "truncated.npz"
    path.write_bytes(good.read_bytes()[:500])
    return path


def _closing_every_file(run: Callable[[], Any]) -> Any:
    """``run()``, and an ``AssertionError`` if it left a file open for the collector to close.

    What ``run`` raises is raised again without its traceback, whose frames would keep a
    leaked file alive past the check.
    """
    raised = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            result = run()
        except Exception as error:  # raised again below, after the check
            raised = type(error)(str(error))
        gc.collect()
    left_open = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not left_open, f"files left open: {left_open}"
    if raised is not None:
        raise raised
    return result


# --- the engine: graphs, ops, values ------------------------------------------------------------

_NON_NUMBERS = [
    ("a string", "0.5", "str of dtype <U3"),
    ("None", None, "NoneType of dtype object"),
    ("an object array", np.array([1.0, "x"], dtype=object), "ndarray of dtype object"),
    ("a complex number", 1 + 2j, "complex of dtype complex128"),
    ("a complex array", np.array([1.0 + 0j, 2.0]), "ndarray of dtype complex128"),
]

_MISMATCHED = [((5, 1), (5,)), ((5,), (5, 1)), ((3,), (4,)), ((2, 3), (3,)), ((), (1,))]


def _masked() -> np.ma.MaskedArray:
    return np.ma.masked_array([1, 100], mask=[0, 1])


_FRAME = pd.DataFrame(np.arange(8.0).reshape(4, 2), columns=["a", "b"])
_GRID = np.arange(8.0).reshape(4, 2) - 3.0

ENGINE: list[Case] = [
    # shapes
    Case(
        "shapes that cannot broadcast",
        lambda: ag.Variable(np.ones(3), name="u") + ag.Variable(np.ones(4), name="v"),
        raises=ag.ShapeError,
        message="Add cannot combine its inputs 'u' (Variable, shape (3,)), "
        "'v' (Variable, shape (4,))",
    ),
    Case(
        "a product with an array that cannot broadcast",
        lambda: ag.Variable(np.ones(3), name="u") * np.ones((2, 2)),
        raises=ag.ShapeError,
        message="Multiply cannot combine its inputs 'u' (Variable, shape (3,)), "
        "(Constant, shape (2, 2))",
    ),
    Case(
        "an array on the left that cannot broadcast",
        lambda: np.ones((2, 2)) - ag.Variable(np.ones(3), name="u"),
        raises=ag.ShapeError,
        message="Subtract cannot combine its inputs (Constant, shape (2, 2)), "
        "'u' (Variable, shape (3,))",
    ),
    Case(
        "a matrix product of mismatched shapes",
        lambda: ag.Variable(np.ones((2, 3)), name="X") @ ag.Variable(np.ones(4), name="w"),
        raises=ag.ShapeError,
        message="MatMul cannot combine its inputs 'X' (Variable, shape (2, 3)), "
        "'w' (Variable, shape (4,))",
    ),
    Case(
        "a matrix product of a 3-D array",
        lambda: ag.Variable(np.ones((2, 2, 2)), name="T") @ np.ones(2),
        raises=ag.ShapeError,
        message="MatMul takes 1-D and 2-D operands; got 'T' (Variable, shape (2, 2, 2))",
    ),
    *(
        Case(
            f"predictions of shape {a_shape} and labels of shape {y_shape}",
            # (m, 1) against (m,) would broadcast to (m, m): m² losses instead of m, silently.
            lambda a_shape=a_shape, y_shape=y_shape: ag.log_loss(
                ag.sigmoid(ag.Variable(np.zeros(a_shape), name="z"), name="a"), np.zeros(y_shape)
            ),
            raises=ag.ShapeError,
            message=f"LogLoss needs one label per prediction, but the prediction 'a' (Sigmoid) "
            f"has shape {a_shape} and the labels 'y' (Constant) have shape {y_shape}",
        )
        for a_shape, y_shape in _MISMATCHED
    ),
    Case(
        "the mean of an empty array",
        lambda: ag.mean(ag.Variable(np.zeros((0, 3)), name="empty")),
        raises=ag.ShapeError,
        message="Mean of an empty array: 'empty' (Variable, shape (0, 3))",
    ),
    # labels and probabilities
    *(
        Case(
            f"labels {y}",
            lambda y=y: ag.log_loss(ag.sigmoid(ag.Variable([0.0, 0.0], name="z")), y),
            raises=ValueError,
            message=f"LogLoss labels 'y' (Constant) must lie in [0, 1], but range {shown}",
        )
        for y, shown in [
            ([0.0, 2.0], "from 0.0 to 2.0"),
            ([-0.5, 1.0], "from -0.5 to 1.0"),
            ([np.nan, 1.0], "from nan to nan"),
        ]
    ),
    *(
        Case(
            f"a plain prediction {a}",
            lambda a=a: ag.log_loss(ag.Variable(a, name="a"), np.ones(np.shape(a))),
            raises=ValueError,
            message=f"LogLoss prediction 'a' (Variable) must lie in [0, 1], but range {shown}",
        )
        for a, shown in [
            (1.5, "from 1.5 to 1.5"),
            (-0.25, "from -0.25 to -0.25"),
            (np.nan, "from nan to nan"),
            ([0.5, 1.01], "from 0.5 to 1.01"),
        ]
    ),
    Case(
        "labels that are text",
        lambda: ag.log_loss(ag.sigmoid(ag.Variable(0.0)), "1"),
        raises=TypeError,
        message="LogLoss labels y: expected real numbers, got str",
    ),
    # values that are not real numbers
    *(
        Case(
            f"{kind} as a Variable",
            lambda value=value: ag.Variable(value, name="w"),
            raises=TypeError,
            message=f"Variable 'w': expected real numbers, got {shown}",
        )
        for kind, value, shown in _NON_NUMBERS
    ),
    *(
        Case(
            f"{kind} in a sum",
            lambda value=value: ag.Variable(1.0) + value,
            raises=TypeError,
            message=f"Add input 1: expected real numbers, got {shown}",
        )
        for kind, value, shown in _NON_NUMBERS
    ),
    Case(
        "a ragged list as a Variable",
        lambda: ag.Variable([[1.0, 2.0], [3.0]], name="X"),
        raises=ValueError,
        message="Variable 'X': cannot read list as an array",
    ),
    Case(
        "a ragged list on the left of @",
        lambda: [[1.0, 2.0], [3.0]] @ ag.Variable([1.0, 2.0]),
        raises=ValueError,
        message="MatMul input 0: cannot read list as an array",
    ),
    # masked arrays: the engine has no mask, so it never reads one past its mask
    Case(
        "a masked array with a masked entry",
        lambda: ag.sum(ag.Variable(_masked())),
        raises=ValueError,
        message="Variable: a masked array with 1 of its 2 entries masked; the engine has no "
        "mask and would compute with the hidden numbers. Say what a masked entry means first: "
        "data.filled(value) replaces them, data.compressed() drops them",
    ),
    Case(
        "a masked array on the left of an operator",
        lambda: _masked() * ag.Variable(1.0),
        raises=ValueError,
        message="Multiply input 0: a masked array with 1 of its 2 entries masked",
    ),
    Case(
        "a masked array with nothing masked",
        lambda: ag.sum(ag.Variable(np.ma.masked_array([1, 100], mask=[0, 0]))).value,
        result=lambda total: total == 101.0,
        expected="101.0: every entry is a number",
    ),
    # means whose sum overflows
    Case(
        "the mean of two losses of 1e308",
        lambda: ag.mean(ag.Variable([1e308, 1e308])).value,
        result=lambda mean: mean == 1e308,
        expected="1e308 exactly, not inf",
    ),
    Case(
        "the mean along an axis of numbers whose sum overflows",
        lambda: ag.mean(ag.Variable([[1e308, 1.0], [1e308, 3.0]]), axis=0).value,
        result=lambda means: means.tolist() == [1e308, 2.0],
        expected="[1e308, 2.0]",
    ),
    Case(
        "the mean of numbers one of which is -inf, whose other entries overflow",
        lambda: ag.mean(ag.Variable([1e308, 1e308, -np.inf])).value,
        result=lambda mean: mean == -np.inf,
        expected="-inf (Σx would be inf − inf = NaN)",
    ),
    Case(
        "the mean of ordinary numbers",
        lambda: ag.mean(ag.Variable(np.linspace(0.1, 0.9, 1001) ** 3)).value,
        result=lambda mean: mean == np.add.reduce(np.linspace(0.1, 0.9, 1001) ** 3) / 1001,
        expected="Σx / m to the last bit, as before",
    ),
    # pandas on the left of an operator
    Case(
        "a DataFrame times a node",
        lambda: _FRAME * ag.Variable(_GRID, name="w"),
        result=lambda node: isinstance(node, ag.Node)
        and np.array_equal(node.value, _FRAME.to_numpy() * _GRID),
        expected="a Multiply node of the frame's numbers, entry by entry as laid out",
    ),
    Case(
        "a DataFrame plus a node",
        lambda: _FRAME + ag.Variable(1.0),
        result=lambda node: isinstance(node, ag.Node)
        and np.array_equal(node.value, _FRAME.to_numpy() + 1.0),
        expected="an Add node of the frame's numbers plus 1",
    ),
    Case(
        "a Series of one number times a node",
        lambda: pd.Series(3) * ag.Variable(2.0),
        result=lambda node: isinstance(node, ag.Node) and node.value.tolist() == [6.0],
        expected="a Multiply node whose value is [6.0], not a Series of nodes",
    ),
    Case(
        "a Series times a node of its length",
        lambda: pd.Series([1.0, 2.0]) * ag.Variable([2.0, 3.0]),
        result=lambda node: isinstance(node, ag.Node) and node.value.tolist() == [2.0, 6.0],
        expected="a Multiply node whose value is [2.0, 6.0]",
    ),
    Case(
        "a DataFrame @ a node",
        lambda: _FRAME @ ag.Variable([1.0, 2.0], name="w"),
        raises=TypeError,
        message="Variable 'w' is a node of a computation graph, not an array, and numpy or "
        "pandas asked for its numbers: w.value holds them. A pandas DataFrame or Series on "
        "the left of @ runs pandas' own dot, which cannot build a node: write "
        "ag.matmul(df, w) or df.to_numpy() @ w",
    ),
    Case(
        "a Series @ a node",
        lambda: pd.Series([1.0, 2.0]) @ ag.Variable([1.0, 2.0]),
        raises=TypeError,
        message="the Variable is a node of a computation graph, not an array",
    ),
    Case(
        "ag.matmul of a DataFrame and a node",
        lambda: ag.matmul(_FRAME, ag.Variable([1.0, 2.0])),
        result=lambda node: node.value.tolist() == (_FRAME.to_numpy() @ [1.0, 2.0]).tolist(),
        expected="the frame's numbers times w: [2.0, 8.0, 14.0, 20.0]",
    ),
    # graphs far deeper than Python's recursion limit
    Case(
        "copy.deepcopy of a chain 50,000 deep",
        lambda: copy.deepcopy(_chain(50_000)),
        result=lambda twin: _runs_on_its_own(twin, 50_000),
        expected="a copy with its own leaf that runs forward and backward",
    ),
    Case(
        "pickle of a chain 50,000 deep",
        lambda: pickle.loads(pickle.dumps(_chain(50_000))),
        result=lambda twin: _runs_on_its_own(twin, 50_000),
        expected="a copy with its own leaf that runs forward and backward",
    ),
]


# --- the estimator: LogisticRegression, its data, scikit-learn's conventions --------------------

ESTIMATOR: list[Case] = []


# --- files and the command line -----------------------------------------------------------------

FILES_AND_CLI: list[Case] = [
    # CSV files
    Case(
        "read_csv of a cell longer than the csv module's limit",
        lambda: _in_folder(lambda folder: read_csv(_file(folder, "long.csv", LONG_CELL), "y")),
        raises=ValueError,
        message="long.csv, line 2: a cell longer than 131,072 characters, the csv module's "
        "limit; no number is that long",
    ),
    *(
        Case(
            f"{command} --csv with a cell longer than the csv module's limit",
            lambda command=command, more=more: _in_folder(
                lambda folder: _cli(
                    command, "--csv", str(_file(folder, "long.csv", LONG_CELL)), *more(folder)
                )
            ),
            result=lambda ran, command=command: ran.status == 2
            and f"autograd-lite {command}: error: " in ran.err
            and "line 2: a cell longer than 131,072 characters" in ran.err
            and "Traceback" not in ran.err,
            expected="exit 2 and the message naming the line, no traceback",
        )
        for command, more in [
            ("explain", lambda folder: []),
            ("draw", lambda folder: ["--out", str(folder / "graph.dot")]),
            ("demo", lambda folder: ["--target", "y", "--out", str(folder / "out")]),
        ]
    ),
    # saved models
    Case(
        "LogisticRegression.load of a member that is not a .npy array",
        lambda: _in_folder(
            lambda folder: ag.LogisticRegression.load(_rewritten(folder, _raw_coef))
        ),
        raises=ValueError,
        message="changed.npz: the saved model is damaged or was not written by "
        "LogisticRegression.save: its member 'coef' is not a .npy array",
    ),
    Case(
        "LogisticRegression.load of a member without the .npy suffix",
        lambda: _in_folder(
            lambda folder: ag.LogisticRegression.load(
                _rewritten(folder, lambda name, data: (name.removesuffix(".npy"), data))
            )
        ),
        result=lambda model: isinstance(model, ag.LogisticRegression)
        and model.coef_.shape == (1, 3),
        expected="the model: numpy reads a .npy member by its contents, whatever its name",
    ),
    Case(
        "LogisticRegression.load of params nested 100,000 deep",
        lambda: _in_folder(lambda folder: ag.LogisticRegression.load(_nested_params(folder))),
        raises=ValueError,
        message="nested.npz: 'params' nests lists or objects too deep to be the saved "
        "parameters",
    ),
    Case(
        "LogisticRegression.load of a truncated file",
        lambda: _closing_every_file(
            lambda: _in_folder(lambda folder: ag.LogisticRegression.load(_truncated(folder)))
        ),
        raises=ValueError,
        message="truncated.npz: not a saved LogisticRegression (.npz), or a damaged one",
    ),
    # negative numbers, in every notation, after a value option
    *(
        Case(
            f"quickstart --w1 {value}",
            lambda value=value: _cli("quickstart", "--w1", value),
            result=lambda ran, shown=shown: ran.status == 0
            and f"w1 = {shown}, w2 = -0.4" in ran.out,
            expected=f"exit 0, and w1 = {shown}",
        )
        for value, shown in [("-1e3", "-1000"), ("-.5e1", "-5"), ("-1E+3", "-1000")]
    ),
    Case(
        "quickstart --w1 -inf",
        lambda: _cli("quickstart", "--w1", "-inf"),
        result=lambda ran: ran.status == 2
        and "argument --w1: must be a finite number, got '-inf'" in ran.err,
        expected="exit 2: --w1 must be a finite number",
    ),
    Case(
        "explain --weights starting with a negative number in exponent notation",
        lambda: _cli("explain", "--m", "3", "--weights", "-1e-1,2E-1", "--b", "-1e-3"),
        result=lambda ran: ran.status == 0 and "w = [-0.1, 0.2], b = -0.001" in ran.out,
        expected="exit 0, with w = [-0.1, 0.2] and b = -0.001",
    ),
    *(
        Case(
            f"explain --digits {digits}",
            lambda digits=digits: _cli("explain", "--digits", digits),
            result=lambda ran, digits=digits: ran.status == 2
            and f"argument --digits: must be at most 17: a float64 has no more significant "
            f"digits to show; got '{digits}'" in ran.err,
            expected="exit 2: --digits must be at most 17",
        )
        for digits in ["1e20", "100000000000000000000"]
    ),
]


CATALOGUE = [*ENGINE, *ESTIMATOR, *FILES_AND_CLI]


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_hostile_input(case: Case) -> None:
    if case.raises is not None:
        with pytest.raises(case.raises) as caught:
            case.run()
        assert case.message in str(caught.value), (
            f"{case.name}: the message does not say {case.message!r}: {caught.value}"
        )
        return
    assert case.result is not None, f"{case.name}: a case needs raises= or result="
    outcome = case.run()
    assert case.result(outcome), f"{case.name}: expected {case.expected}, got {outcome!r}"


def test_the_catalogue_names_are_unique() -> None:
    names = [case.name for case in CATALOGUE]
    assert len(names) == len(set(names))
