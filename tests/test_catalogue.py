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
import json
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
from autograd_lite import cli, exercises
from autograd_lite import compare as cmp
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


def _no_warning(run: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run()


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


def _differentiated(output: ag.Node) -> ag.Node:
    output.backward()
    return output


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


def _npy_header(shape: tuple[int, ...]) -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    return header.getvalue()


def _zeros_curve(folder: Path) -> Path:
    """The saved model with a ``loss_curve.npy`` of 10⁸ zeros: 800 MB in a 3.5 MB file."""
    good = _saved_model(folder)
    path = folder / "zeros.npz"
    with (
        zipfile.ZipFile(good) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for name in source.namelist():
            if name != "loss_curve.npy":
                target.writestr(name, source.read(name))
        with target.open("loss_curve.npy", "w") as member:
            member.write(_npy_header((10**8,)))
            zeros = bytes(8 * 10**6)
            for _ in range(100):
                member.write(zeros)
    return path


def _claimed_coef(name: str, data: bytes) -> tuple[str, bytes]:
    """A ``coef.npy`` whose header claims shape (1, 10¹¹), 745 GiB, and holds nothing more."""
    return (name, _npy_header((1, 10**11))) if name == "coef.npy" else (name, data)


def _params_with(folder: Path, **changed: Any) -> Path:
    with np.load(_saved_model(folder), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["params"] = np.array(json.dumps({**json.loads(str(arrays["params"])), **changed}))
    path = folder / "edited.npz"
    np.savez(path, **arrays)
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
    # numbers beyond float64 (issue 19): refused, never a silent inf
    Case(
        "a long double beyond float64's range",
        lambda: ag.Variable(np.array([1.0, np.longdouble("1e4000")]), name="w"),
        raises=ValueError,
        message="Variable 'w': the float128 value at [1] is",
    ),
    Case(
        "a 401-digit integer inside a list",
        lambda: ag.Variable([10**400, 1.0], name="w"),
        raises=ValueError,
        message="Variable 'w': the integer at [0] has 401 digits, too large for a float64",
    ),
    Case(
        "mean over an axis a scalar does not have",
        lambda: ag.mean(ag.Variable(3.0, name="v"), axis=5),
        raises=ag.ShapeError,
        message="ag.mean: axis 5 is out of range for 'v' (Variable, shape ()), which has 0 axes",
    ),
    Case(
        "sum over an axis out of range",
        lambda: ag.sum(ag.Variable([1.0, 2.0], name="v"), axis=5),
        raises=ag.ShapeError,
        message="ag.sum: axis 5 is out of range for 'v' (Variable, shape (2,)), which has 1 axes",
    ),
    Case(
        "an axis that is not a whole number",
        lambda: ag.mean(ag.Variable([1.0, 2.0], name="v"), axis=1.0),
        raises=TypeError,
        message="ag.mean: axis must be a whole number, a tuple of them, or None; got float 1.0",
    ),
    Case(
        "a name that is not a string, set after building",
        lambda: setattr(ag.Variable(1.0, name="v"), "name", 5),
        raises=TypeError,
        message="a node's name must be a string or None, got int 5",
    ),
    Case(
        "the log loss of logits of 1e308, with warnings as errors",
        lambda: _no_warning(
            lambda: ag.log_loss(ag.sigmoid(ag.Variable([1e308, 1e308])), [1, 0]).value
        ),
        result=lambda value: value.tolist() == [0.0, 1e308],
        expected="[0, 1e308], no RuntimeWarning",
    ),
    Case(
        "writing into an op's value",
        lambda: ag.sigmoid(ag.Variable([0.0, 1.0]), name="A").value.__setitem__(0, 1.0),
        raises=ValueError,
        message="the value of Sigmoid 'A' is read-only: it is computed from its inputs",
    ),
    Case(
        "assigning an op's value",
        lambda: setattr(ag.sigmoid(ag.Variable([0.0, 1.0]), name="A"), "value", 1.0),
        raises=AttributeError,
        message="Sigmoid 'A' is an op: its value is computed from its inputs",
    ),
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
    # step pictures grow as the square of the graph: refused before any frame is made
    *(
        Case(
            f"{where} of a chain 1,000 ops long",
            lambda make=make: make(_differentiated(_chain(1_000))),
            raises=ValueError,
            message=f"{where}: the graph of Negate 'y' has 1001 nodes, more than "
            f"max_nodes={limit}",
        )
        for where, make, limit in (
            ("draw_steps", ag.draw_steps, 200),
            ("save_steps", lambda y: ag.save_steps(y, Path(tempfile.mkdtemp()) / "steps"), 200),
            ("step_through", ag.step_through, 40),
        )
    ),
]


# --- the estimator: LogisticRegression, its data, scikit-learn's conventions --------------------

LR = ag.LogisticRegression


def _data(m: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(m, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.normal(size=m) > 0).astype(int)
    return X, y


def _fitted(**params: Any) -> ag.LogisticRegression:
    return LR(**{"max_iter": 20, **params}).fit(*_data())


def _warned(call: Callable[[], Any]) -> tuple[Any, list[tuple[str, str]]]:
    """What ``call`` returns, and the (kind, message) of every warning it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [(w.category.__name__, str(w.message)) for w in caught]


def _error(call: Callable[[], Any]) -> BaseException | None:
    """The exception ``call`` raised (``None`` if it raised none)."""
    try:
        call()
    except Exception as error:  # any kind: the case's predicate judges it
        return error
    return None


def _strict(call: Callable[[], Any]) -> Any:
    """``call`` with every warning an error, so ``_error`` catches the first one."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


def _is_sklearn(kind: str) -> Callable[[Any], bool]:
    def check(error: Any) -> bool:
        import sklearn.exceptions

        return isinstance(error, getattr(sklearn.exceptions, kind))

    return check


def _frame(X: np.ndarray, columns: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(X, columns=columns)


def _with_missing() -> pd.DataFrame:
    """A data frame of a nullable integer column holding pd.NA, and a float column."""
    return pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [1.0, 2.0]})


def _named_fit() -> ag.LogisticRegression:
    X, y = _data()
    return LR(max_iter=20).fit(_frame(X, ["radius", "texture", "area"]), y)


def _sparse(X: np.ndarray) -> Any:
    import scipy.sparse

    return scipy.sparse.csr_matrix(X)


def _masked_row(X: np.ndarray) -> np.ma.MaskedArray:
    """``X`` with its first entry replaced by 100 and masked: a hidden value, not data."""
    hidden = X.copy()
    hidden[0, 0] = 100.0
    return np.ma.masked_array(hidden, mask=np.eye(1, hidden.size).reshape(hidden.shape))


def _standardised_demo(value: float) -> tuple[bool, float]:
    """The demo's preparation of a column of ±value that separates the classes perfectly."""
    from autograd_lite.demo import prepare

    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = (rng.random(100) > 0.5).astype(int)
    X[:, 0] = np.where(y == 1, value, -value)
    data = prepare(X, y, ["separating", "noise 1", "noise 2"])
    finite = bool(np.isfinite(data.X_train).all() and np.isfinite(data.X_test).all())
    score = LR(max_iter=100).fit(data.X_train, data.y_train).score(data.X_test, data.y_test)
    return finite, score


def _overflowing() -> ag.LogisticRegression:
    """A model whose z for [1e300, −0.9e300] is 1e309: beyond float64, but positive."""
    model = LR(max_iter=1).fit([[0.0, 1.0], [1.0, 0.0]], ["no", "yes"])
    model.coef_, model.intercept_ = np.array([[1e10, 1e10]]), np.array([0.0])
    return model


def _float32_peaks() -> list[tuple[int, int, int]]:
    """``(peak, X.nbytes, m)`` of ``fit`` on a wide and a narrow float32 X, in bytes."""
    import tracemalloc

    peaks = []
    for shape in ((20_000, 200), (200_000, 5)):
        X = np.random.default_rng(0).normal(size=shape).astype(np.float32)
        y = X[:, 0] > 0
        tracemalloc.start()
        try:
            LR(max_iter=2).fit(X, y)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        peaks.append((peak, X.nbytes, shape[0]))
    return peaks


def _same_model(a: ag.LogisticRegression, b: ag.LogisticRegression) -> bool:
    return bool(np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_))


def _unsaved(model: ag.LogisticRegression) -> Any:
    return model.save(Path(tempfile.mkdtemp()) / "model.npz")


_NOT_FITTED = "This LogisticRegression instance is not fitted yet. Call 'fit'"

ESTIMATOR: list[Case] = [
    # -- the model used before fit
    *(
        Case(
            f"{use} before fit",
            lambda use=use: (
                _unsaved(LR()) if use == "save" else getattr(LR(), use)([[1.0, 2.0]])
            ),
            raises=ag.NotFittedError,
            message=_NOT_FITTED,
        )
        for use in ("predict", "predict_proba", "decision_function", "save")
    ),
    Case(
        "predict before fit: the error is a ValueError and an AttributeError",
        lambda: _error(lambda: LR().predict([[1.0]])),
        result=lambda error: isinstance(error, ValueError) and isinstance(error, AttributeError),
        expected="both, as scikit-learn's NotFittedError is, so code catching either works",
    ),
    Case(
        "predict before fit: the error is scikit-learn's NotFittedError too",
        lambda: _error(lambda: LR().predict([[1.0]])),
        result=_is_sklearn("NotFittedError"),
        expected="an instance of sklearn.exceptions.NotFittedError (and of ag.NotFittedError)",
    ),
    # -- the parameters, checked by fit
    *(
        Case(f"fit with {params}", lambda params=params: LR(**params).fit(*_data()),
             raises=ValueError, message=message)
        for params, message in (
            ({"learning_rate": -0.1}, "learning_rate must be a finite number >= 0, got -0.1"),
            ({"learning_rate": float("nan")}, "learning_rate must be a finite number >= 0, "
             "got nan"),
            ({"learning_rate": float("inf")}, "learning_rate must be a finite number >= 0, "
             "got inf"),
            ({"learning_rate": "fast"}, "learning_rate must be a finite number >= 0, got 'fast'"),
            ({"max_iter": 0}, "max_iter must be an integer >= 1, got 0"),
            ({"max_iter": 2.5}, "max_iter must be an integer >= 1, got 2.5"),
            ({"method": "newton"}, "method must be 'vectorized' or 'loop', got 'newton'"),
            ({"method": "loop", "loop_form": "x"}, "loop_form must be 'features' or 'vector', "
             "got 'x'"),
            ({"tol": -1.0}, "tol must be None or a finite number >= 0, got -1.0"),
            ({"verbose": -1}, "verbose must be an integer >= 0"),
        )
    ),
    *(
        Case(f"fit with {name}", lambda kwargs=kwargs: LR(max_iter=1).fit(*_data(), **kwargs),
             raises=ValueError, message=message)
        for name, kwargs, message in (
            ("coef_init of 4 weights for 3 features", {"coef_init": np.zeros(4)},
             "coef_init must have shape (3,) or (1, 3), got (4,)"),
            ("coef_init holding NaN", {"coef_init": [0.0, np.nan, 0.0]},
             "coef_init must be finite"),
            ("intercept_init of two numbers", {"intercept_init": [1.0, 2.0]},
             "intercept_init must have shape () or (1,), got (2,)"),
        )
    ),
    Case(
        "a learning rate so large that gradient descent diverges",
        lambda: LR(learning_rate=1e200, max_iter=5).fit(
            np.array([[1e154, 0.0], [-1e154, 1.0]]), [0, 1]
        ),
        raises=ValueError,
        message="gradient descent diverged at iteration 0: the updated w and b are not finite",
    ),
    # -- X: its shape, kind and numbers (scikit-learn's words where its tools look for them)
    Case(
        "X 1-D in fit",
        lambda: LR().fit([1.0, 2.0], [0, 1]),
        raises=ValueError,
        message="got shape (2,). Reshape your data: X.reshape(-1, 1) if it has a single feature",
    ),
    Case(
        "X 1-D in predict: one example without its row",
        lambda: _fitted().predict(np.array([1.0, 2.0, 3.0])),
        raises=ValueError,
        message="X must be 2-D, one example per row (shape (m, n)), got shape (3,). Reshape your",
    ),
    Case(
        "X 3-D",
        lambda: LR().fit(np.zeros((2, 2, 2)), [0, 1]),
        raises=ValueError,
        message="X must be 2-D, one example per row (shape (m, n)), got shape (2, 2, 2)",
    ),
    Case(
        "X of strings",
        lambda: LR().fit([["a", "b"], ["c", "d"]], [0, 1]),
        raises=ValueError,
        message="X must hold real numbers, got dtype <U1",
    ),
    Case(
        "X an object array with a string in it",
        lambda: LR().fit(np.array([[1.0, "x"], [2.0, 3.0]], dtype=object), [0, 1]),
        raises=ValueError,
        message="X must hold numbers, but X[0, 1] is 'x', not a number",
    ),
    Case(
        "X an object array with a dict in it",
        lambda: LR().fit(np.array([[1.0, {"a": 1}], [2.0, 3.0]], dtype=object), [0, 1]),
        raises=TypeError,
        message="X[0, 1] is {'a': 1}, not a number (float() argument must be a string or a real "
        "number, not 'dict')",
    ),
    Case(
        "X a data frame with a missing value (pd.NA)",
        lambda: LR().fit(_with_missing(), [0, 1]),
        raises=TypeError,
        message="X must hold numbers, but X[1, 0] is <NA>, not a number",
    ),
    Case(
        "X an object array of numbers",
        lambda: (LR(max_iter=5).fit(_data()[0].astype(object), _data()[1]),
                 LR(max_iter=5).fit(*_data())),
        result=lambda models: _same_model(*models),
        expected="the model of the same numbers as float64",
    ),
    Case(
        "X of complex numbers",
        lambda: LR().fit(np.array([[1 + 1j], [2 + 0j]]), [0, 1]),
        raises=ValueError,
        message="Complex data not supported: X must hold real numbers, got dtype complex128",
    ),
    Case(
        "y of complex numbers",
        lambda: LR().fit([[1.0], [2.0]], np.array([0 + 1j, 1 + 1j])),
        raises=ValueError,
        message="Complex data not supported: y holds complex numbers (dtype complex128)",
    ),
    Case(
        "X with no examples",
        lambda: LR().fit(np.zeros((0, 3)), []),
        raises=ValueError,
        message="X has no examples: 0 sample(s) (shape=(0, 3)) while a minimum of 1 is required",
    ),
    Case(
        "X with no features",
        lambda: LR().fit(np.zeros((12, 0)), [0, 1] * 6),
        raises=ValueError,
        message="X has no features: 0 feature(s) (shape=(12, 0)) while a minimum of 1 is "
        "required",
    ),
    Case(
        "X holding NaN in fit",
        lambda: LR().fit([[1.0, np.nan], [2.0, 3.0]], [0, 1]),
        raises=ValueError,
        message="X must be finite, but X[0, 1] is nan (1 NaN or inf entries in all): drop",
    ),
    Case(
        "X holding inf in fit",
        lambda: LR().fit([[1.0, 2.0], [np.inf, 3.0]], [0, 1]),
        raises=ValueError,
        message="X must be finite, but X[1, 0] is inf (1 NaN or inf entries in all)",
    ),
    Case(
        "X holding NaN in predict",
        lambda: _fitted().predict([[np.nan, 0.0, 0.0]]),
        raises=ValueError,
        message="X must be finite, but X[0, 0] is nan",
    ),
    Case(
        "X sparse in fit",
        lambda: LR().fit(_sparse(_data()[0]), _data()[1]),
        raises=TypeError,
        message="X is a sparse matrix (csr_matrix): sparse input is not supported, the model "
        "needs dense data. Convert it with X.toarray() first (a dense float64 copy of shape "
        "(40, 3) takes 960 bytes)",
    ),
    Case(
        "X sparse in fit with mini-batches (it can be sliced by rows, but not read)",
        lambda: LR(batch_size=8).fit(_sparse(_data()[0]), _data()[1]),
        raises=TypeError,
        message="X is a sparse matrix (csr_matrix): sparse input is not supported",
    ),
    Case(
        "X sparse in predict",
        lambda: _fitted().predict(_sparse(_data()[0])),
        raises=TypeError,
        message="sparse input is not supported",
    ),
    Case(
        "X a masked array in fit (the mask would be dropped: a sum of 101, not 1)",
        lambda: LR().fit(_masked_row(_data()[0]), _data()[1]),
        raises=ValueError,
        message="X is a masked array with 1 masked entries (X[0, 0] is masked): the model does "
        "not read masks, and unmasking would use the hidden values; drop the examples with "
        "masked entries",
    ),
    Case(
        "X a masked array in predict",
        lambda: _fitted().predict(_masked_row(_data()[0])),
        raises=ValueError,
        message="X is a masked array with 1 masked entries",
    ),
    Case(
        "X a masked array with nothing masked",
        lambda: (LR(max_iter=5).fit(np.ma.masked_array(_data()[0]), _data()[1]),
                 LR(max_iter=5).fit(*_data())),
        result=lambda models: _same_model(*models),
        expected="the model of its data: there is nothing hidden to drop",
    ),
    Case(
        "X of float32 is copied once in fit",
        _float32_peaks,
        # One float64 copy is twice X's bytes; the graph's Z, A, L, dZ … are about 9 vectors
        # of m float64 (4.16x and 7.6x X's bytes before: a second copy).
        result=lambda peaks: all(peak <= 2.2 * size + 10 * 8 * m for peak, size, m in peaks),
        expected="a peak of at most 2.2 X.nbytes (one float64 copy) + 10 · 8m bytes (the "
        "graph's vectors of m numbers): 2.16x for 20000 × 200, 5.6x for 200000 × 5",
    ),
    Case(
        "X of float32 trains the model of its float64 values",
        lambda: (LR(max_iter=5).fit(_data()[0].astype(np.float32), _data()[1]),
                 LR(max_iter=5).fit(_data()[0].astype(np.float32).astype(np.float64),
                                    _data()[1])),
        result=lambda models: _same_model(*models),
        expected="bit for bit the same coef_ and intercept_",
    ),
    # -- predictions whose z overflows float64
    Case(
        "predict where z = x·w overflows float64",
        lambda: _warned(lambda: _overflowing().predict([[1e300, -0.9e300], [-1e300, 0.9e300]])),
        result=lambda out: out[0].tolist() == ["yes", "no"] and out[1] == [],
        expected="['yes', 'no'] (z = ±1e309), with no warning",
    ),
    Case(
        "predict_proba where z = x·w overflows float64",
        lambda: _warned(lambda: _overflowing().predict_proba([[1e300, -0.9e300]])),
        result=lambda out: out[0].tolist() == [[0.0, 1.0]] and out[1] == [],
        expected="[[0.0, 1.0]] exactly, no NaN, no warning",
    ),
    # -- the demo's standardisation of finite numbers whose squares overflow
    Case(
        "the demo standardises a separating column of ±1e200",
        lambda: _standardised_demo(1e200),
        result=lambda out: out == (True, 1.0),
        expected="finite standardised data and a test accuracy of 1.0",
    ),
    Case(
        "the demo standardises a separating column of ±1e308",
        lambda: _standardised_demo(1e308),
        result=lambda out: out == (True, 1.0),
        expected="finite standardised data and a test accuracy of 1.0",
    ),
    # -- y
    Case(
        "y is None",
        lambda: LR().fit(*_data()[:1], None),
        raises=ValueError,
        message="this model requires y to be passed, but the target y is None",
    ),
    Case(
        "X and y of different lengths",
        lambda: LR().fit([[1.0], [2.0], [3.0]], [0, 1]),
        raises=ValueError,
        message="X and y have different lengths: 3 examples in X, 2 in y",
    ),
    Case(
        "y of three classes",
        lambda: LR().fit([[1.0], [2.0], [3.0]], [0, 1, 2]),
        raises=ValueError,
        message="Only binary classification is supported. The type of the target is "
        "multiclass: y has 3 classes (0, 1, 2); this logistic regression needs exactly two",
    ),
    Case(
        "y a regression target",
        lambda: LR().fit(*_data()[:1], np.linspace(-1.5, 2.5, 40)),
        raises=ValueError,
        message="Unknown label type: continuous. y holds 40 different numbers, not all whole",
    ),
    Case(
        "y of a single class",
        lambda: LR().fit([[1.0], [2.0]], ["a", "a"]),
        raises=ValueError,
        message="y has only one class, 'a': logistic regression needs examples of two classes",
    ),
    Case(
        "one example",
        lambda: LR().fit([[1.0, 2.0]], [1]),
        raises=ValueError,
        message="y has only one class, 1",
    ),
    Case(
        "y of shape (1, 2)",
        lambda: LR().fit([[1.0], [2.0]], [[0, 1]]),
        raises=ValueError,
        message="y must be 1-D, one label per example, got shape (1, 2); use y.ravel()",
    ),
    Case(
        "y holding NaN",
        lambda: LR().fit([[1.0], [2.0]], [0.0, np.nan]),
        raises=ValueError,
        message="y must not hold NaN or inf labels",
    ),
    Case(
        "y a masked array",
        lambda: LR().fit(_data()[0], np.ma.masked_array(_data()[1], mask=[1] + [0] * 39)),
        raises=ValueError,
        message="y is a masked array with 1 masked entries (y[0] is masked)",
    ),
    Case(
        "y a column (m, 1)",
        lambda: _warned(lambda: LR(max_iter=5).fit(_data()[0], _data()[1].reshape(-1, 1))),
        result=lambda out: (
            _same_model(out[0], LR(max_iter=5).fit(*_data()))
            and [kind for kind, _ in out[1]] == ["DataConversionWarning"]
            and out[1][0][1].startswith("A column-vector y was passed when a 1d array was "
                                        "expected: y of shape (40, 1) is taken as y.ravel()")
        ),
        expected="the model of y.ravel(), with one DataConversionWarning saying so",
    ),
    Case(
        "y a column: the warning is scikit-learn's DataConversionWarning too",
        lambda: _error(lambda: _strict(lambda: LR(max_iter=1).fit([[0.0], [1.0]], [[0], [1]]))),
        result=_is_sklearn("DataConversionWarning"),
        expected="an instance of sklearn.exceptions.DataConversionWarning",
    ),
    # -- the features: their number and their names
    Case(
        "predict with 2 features after fit on 3",
        lambda: _fitted().predict([[1.0, 2.0]]),
        raises=ValueError,
        message="X has 2 features, but LogisticRegression is expecting 3 features as input",
    ),
    Case(
        "score with 1 feature after fit on 3",
        lambda: _fitted().score(_data()[0][:, :1], _data()[1]),
        raises=ValueError,
        message="X has 1 features, but LogisticRegression is expecting 3 features as input",
    ),
    Case(
        "partial_fit with 2 features after 3",
        lambda: LR().partial_fit(*_data(), classes=[0, 1]).partial_fit(
            _data()[0][:, :2], _data()[1]
        ),
        raises=ValueError,
        message="X has 2 features, but LogisticRegression is expecting 3 features as input",
    ),
    Case(
        "predict on a data frame whose columns are in another order than at fit",
        lambda: _named_fit().predict(_frame(_data()[0], ["area", "radius", "texture"])),
        raises=ValueError,
        message="The feature names should match those that were passed during fit.\n"
        "Feature names must be in the same order as they were in fit.\n",
    ),
    Case(
        "predict on a data frame with other column names",
        lambda: _named_fit().predict_proba(_frame(_data()[0], ["radius", "texture", "volume"])),
        raises=ValueError,
        message="Feature names unseen at fit time:\n- volume\n"
        "Feature names seen at fit time, yet now missing:\n- area\n",
    ),
    Case(
        "partial_fit on a data frame whose columns are in another order",
        lambda: LR().partial_fit(_frame(_data()[0], ["a", "b", "c"]), _data()[1], classes=[0, 1])
        .partial_fit(_frame(_data()[0], ["c", "b", "a"]), _data()[1]),
        raises=ValueError,
        message="Feature names must be in the same order as they were in fit.",
    ),
    Case(
        "fit on a data frame: feature_names_in_",
        lambda: _named_fit().feature_names_in_,
        result=lambda names: names.dtype == object
        and names.tolist() == ["radius", "texture", "area"],
        expected="the column names, as an object array",
    ),
    Case(
        "predict on an array after fit on a data frame",
        lambda: _warned(lambda: _named_fit().predict(_data()[0]))[1],
        result=lambda caught: caught == [("UserWarning", "X does not have valid feature names, "
                                          "but LogisticRegression was fitted with feature names")],
        expected="scikit-learn's UserWarning: the columns cannot be checked",
    ),
    Case(
        "predict on a data frame after fit on an array",
        lambda: _warned(lambda: _fitted().predict(_frame(_data()[0], ["a", "b", "c"])))[1],
        result=lambda caught: caught == [("UserWarning", "X has feature names, but "
                                          "LogisticRegression was fitted without feature names")],
        expected="scikit-learn's UserWarning: the columns cannot be checked",
    ),
    Case(
        "fit on a data frame whose column names mix strings and numbers",
        lambda: LR().fit(_frame(_data()[0], ["a", 1, "c"]), _data()[1]),
        raises=TypeError,
        message="Feature names are only supported if all input features have string names",
    ),
    Case(
        "refit on an array after a data frame forgets the names",
        lambda: hasattr(LR(max_iter=2).fit(_frame(_data()[0], ["a", "b", "c"]), _data()[1])
                        .fit(*_data()), "feature_names_in_"),
        result=lambda has: has is False,
        expected="no feature_names_in_, as scikit-learn does",
    ),
    # -- score's sample_weight
    Case(
        "score with 2 weights for 6 examples",
        lambda: _fitted().score(_data(6)[0], _data(6)[1], sample_weight=[1, 2]),
        raises=ValueError,
        message="sample_weight must hold one weight per example: shape (6,) for the 6 examples "
        "of X, got shape (2,)",
    ),
    *(
        Case(
            f"score with a weight of {bad}",
            lambda bad=bad: _fitted().score(*_data(6), sample_weight=[1, bad, 1, 1, 1, 1]),
            raises=ValueError,
            message=f"sample_weight must be finite and >= 0, but sample_weight[1] is {bad}",
        )
        for bad in (np.nan, np.inf, -1.0)
    ),
    Case(
        "score with weights that are all 0",
        lambda: _fitted().score(*_data(6), sample_weight=np.zeros(6)),
        raises=ValueError,
        message="sample_weight is 0 for every example: at least one weight must be positive",
    ),
    Case(
        "score with weights of text",
        lambda: _fitted().score(*_data(6), sample_weight=["1"] * 6),
        raises=ValueError,
        message="sample_weight must hold real numbers, got dtype <U1",
    ),
    Case(
        "score with weights near the largest float64",
        lambda: (_fitted().score(*_data(6), sample_weight=np.full(6, 1e308)),
                 _fitted().score(*_data(6))),
        result=lambda scores: scores[0] == scores[1],
        expected="the unweighted accuracy (their sum is beyond float64, their ratios are not)",
    ),
    # -- labels of two kinds, numbers too large, what is not data (issue 19)
    Case(
        "fit with labels that mix numbers and strings",
        lambda: LR(max_iter=1).fit(_data(4)[0], [0, "a", 0, "a"]),
        raises=ValueError,
        message="Mix of label input types (string and number): y holds strings (e.g. 'a') "
        "and numbers (e.g. 0)",
    ),
    Case(
        "score with the labels as strings on a model fitted on numbers",
        lambda: _fitted().score(_data()[0], _data()[1].astype(str)),
        raises=ValueError,
        message="Mix of label input types (string and number): y holds strings ('0', '1'), "
        "but the model was fitted on numbers: classes_ = [0, 1]",
    ),
    Case(
        "fit with an integer of 401 digits in X",
        lambda: LR(max_iter=1).fit([[10**400, 1.0], [1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
                                   [0, 1, 0, 1]),
        raises=ValueError,
        message="X must hold numbers float64 can hold, but X[0, 0] is an integer of 401 "
        "digits, too large for float64",
    ),
    Case(
        "fit with callback=5",
        lambda: LR(max_iter=3).fit(*_data(), callback=5),
        raises=TypeError,
        message="fit: callback must be callable (a function taking a GradientStep) or None, "
        "got 5 (int)",
    ),
    Case(
        "fit with X a generator of rows",
        lambda: LR(max_iter=1).fit((row for row in _data()[0]), _data()[1]),
        raises=TypeError,
        message="X is a generator: it can be read only once and does not know its length",
    ),
]


# --- around the engine: anomaly mode, gradcheck, drawing, the exercises, compare ---------------

def _lecture() -> ag.Node:
    """The lecture's graph of one example, after backward."""
    return _differentiated(ag.lecture_graph().L)


def _one_example(features: int) -> ag.Node:
    """The lecture's graph of one example with ``features`` features: 4·features + 4 nodes."""
    from autograd_lite.lecture import example_loss

    w = [ag.Variable(0.1, name=f"w{j + 1}") for j in range(features)]
    x = [ag.Constant(1.0, name=f"x{j + 1}") for j in range(features)]
    return example_loss(w, ag.Variable(0.1, name="b"), x, ag.Constant(1.0, name="y"))


def _named(folder: Path, write: Callable[[Path], Any]) -> Any:
    """``write(folder)``, its error's message with ``folder`` written as ``<folder>``."""
    try:
        return write(folder)
    except OSError as error:
        raise type(error)(str(error).replace(str(folder), "<folder>")) from None


def _users_files_after_save_steps(folder: Path) -> dict[str, bytes]:
    for name in ("step_1.png", "step_99.pdf"):
        (folder / name).write_bytes(b"mine")
    ag.save_steps(_lecture(), folder, format="dot")
    return {name: (folder / name).read_bytes() for name in ("step_1.png", "step_99.pdf")}


def _gradcheck_of_a_graph_built_outside() -> Any:
    w = ag.Variable([0.5, -0.25], name="w")
    pre = ag.sum(ag.sigmoid(w * 3.0))
    return ag.gradcheck(lambda v: pre, [w])


TOOLS: list[Case] = [
    # anomaly mode's switches
    *(
        Case(
            f"set_detect_anomaly({value!r})",
            lambda value=value: ag.set_detect_anomaly(value),
            raises=TypeError,
            message=f"set_detect_anomaly: enabled must be True or False, got {value!r}",
        )
        for value in ["no", 1, None]
    ),
    Case(
        "detect_anomaly(enabled='no')",
        lambda: ag.detect_anomaly(enabled="no").__enter__(),
        raises=TypeError,
        message="detect_anomaly: enabled must be True or False, got 'no' (str)",
    ),
    # gradcheck
    Case(
        "gradcheck(eps='1e-6')",
        lambda: ag.gradcheck(lambda w: w * w, [ag.Variable([1.0, 2.0])], eps="1e-6"),
        raises=TypeError,
        message="gradcheck: eps must be a real number, got '1e-6' (str)",
    ),
    Case(
        "gradcheck(seed='x')",
        lambda: ag.gradcheck(lambda w: w * w, [ag.Variable([1.0, 2.0])], seed="x"),
        raises=TypeError,
        message="gradcheck: seed must be a whole number >= 0, got 'x' (str)",
    ),
    Case(
        "gradcheck of a function that returns a graph built once outside it",
        lambda: _gradcheck_of_a_graph_built_outside(),
        raises=ValueError,
        message="gradcheck: fn did not rebuild its graph from the variables it was given: "
        "called again, it returned Sum (and 2 more ops) from the graph of its first call",
    ),
    # drawing
    Case(
        "draw with max_nodes=np.int64(200)",
        lambda: ag.draw(_lecture(), max_nodes=np.int64(200)).source == ag.draw(_lecture()).source,
        result=lambda same: same is True,
        expected="the same picture as max_nodes=200: a numpy integer is a whole number",
    ),
    Case(
        "draw with title=123",
        lambda: ag.draw(_lecture(), title=123),
        raises=TypeError,
        message="draw: title must be a string or None, got 123 (int)",
    ),
    Case(
        "draw(3.0)",
        lambda: ag.draw(3.0),
        raises=TypeError,
        message="draw() takes a node, got float",
    ),
    Case(
        "save_frames with format=None",
        lambda: _in_folder(
            lambda folder: ag.step_through(_lecture()).save_frames(folder / "f", format=None)
        ),
        raises=TypeError,
        message="save_frames: format must be 'svg' or 'png', got None (NoneType)",
    ),
    Case(
        "save_html into an existing folder",
        lambda: _in_folder(lambda folder: _named(folder, ag.step_through(_lecture()).save_html)),
        raises=IsADirectoryError,
        message="save_html: <folder> is a folder: give the name of the page to write, e.g. "
        "<folder>/step_through.html",
    ),
    Case(
        "save_steps into a folder holding the user's step_1.png and step_99.pdf",
        lambda: _in_folder(_users_files_after_save_steps),
        result=lambda kept: kept == {"step_1.png": b"mine", "step_99.pdf": b"mine"},
        expected="both files as they were: only what the library wrote is ever replaced",
    ),
    # the exercises and compare
    Case(
        "exercises check(da=10**400, ...)",
        lambda: exercises.one_example_backward.check(
            da=10**400, dz=None, dw1=None, dw2=None, db=None
        ),
        raises=ValueError,
        message="check(da=...): an integer of 401 digits is too large for float64",
    ),
    Case(
        "exercises OneExampleBackward(x1=10**400)",
        lambda: exercises.OneExampleBackward(x1=10**400),
        raises=ValueError,
        message="OneExampleBackward(x1=...): an integer of 401 digits is too large for float64",
    ),
    Case(
        "compare with w=[nan, 0, 0]",
        lambda: cmp.compare(*_data(20), w=[np.nan, 0, 0], steps=1, repeats=1),
        raises=ValueError,
        message="w must be 3 finite numbers, but w[0] is nan (1 NaN or inf in all)",
    ),
    Case(
        "compare(...).plot(123)",
        lambda: cmp.compare(*_data(20), steps=1, repeats=1).plot(123),
        raises=TypeError,
        message="plot: target must be a file name (.png, .svg or .pdf), a matplotlib Axes or "
        "None, got 123 (int)",
    ),
    Case(
        "step_through of the one-example graph with 49 features (200 nodes)",
        lambda: ag.step_through(_differentiated(_one_example(49))),
        raises=ValueError,
        message="step_through: the graph of LogLoss 'L' has 200 nodes, more than max_nodes=40, "
        "the most it draws in a few seconds",
    ),
]


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
    Case(
        "explain --csv with a label nan",
        lambda: _in_folder(
            lambda folder: _cli("explain", "--csv", str(_file(folder, "nan.csv",
                                                              "x1,y\n1,1\n2,nan\n")))
        ),
        result=lambda ran: ran.status == 2
        and "nan.csv, line 3, column 'y': the label 'nan' is not a finite number" in ran.err,
        expected="exit 2 and the message naming the file, the line and the column",
    ),
    Case(
        "explain --csv with a quote never closed",
        lambda: _in_folder(
            lambda folder: _cli("explain", "--csv", str(_file(folder, "quote.csv",
                                                              'x1,y\n1,1\n"2,0\n3,1\n4,0\n')))
        ),
        result=lambda ran: ran.status == 2
        and 'quote.csv, line 3: a quote (") opened on line 3 is never closed, so the csv '
        "module reads everything after it, to line 5, as one cell" in ran.err,
        expected="exit 2 and the message naming the quote and the line it opens on",
    ),
    Case(
        "explain --weights 10 on data near 1e308",
        lambda: _in_folder(
            lambda folder: _cli("explain", "--csv", str(_file(folder, "big.csv",
                                                              "x1,y\n1e308,1\n-1e308,0\n")),
                                "--weights", "10")
        ),
        result=lambda ran: ran.status == 0
        and "dZ = dA · A(1 − A) = A − y = [0, 0]" in ran.out
        and "RuntimeWarning" not in ran.err
        and "autograd-lite explain: note: a number went beyond float64's range" in ran.err,
        expected="exit 0, the right result (z = ±inf, no loss) and a note, no numpy warning",
    ),
    Case(
        "draw --steps naming a file, not a folder",
        lambda: _in_folder(
            lambda folder: (
                folder,
                _cli("draw", "--steps", str(_file(folder, "afile", "mine")), "--steps-format",
                     "dot"),
            )
        ),
        result=lambda made: made[1].status == 2
        and f"save_steps: {made[0] / 'afile'} is a file, not a folder" in made[1].err
        and ".tmp" not in made[1].err,
        expected="exit 2 and the message naming the path given, never a hidden temporary one",
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
    Case(
        "LogisticRegression.load of a compressed loss_curve.npy of 10**8 zeros",
        lambda: _in_folder(lambda folder: ag.LogisticRegression.load(_zeros_curve(folder))),
        raises=ValueError,
        message="zeros.npz: the saved model is damaged or was not written by "
        "LogisticRegression.save: its member 'loss_curve.npy' claims an array of shape "
        "(100000000,) and dtype float64 (762 MiB), more than a saved model may hold (64 MiB "
        "an array); refusing to read it",
    ),
    Case(
        "LogisticRegression.load of a coef.npy whose header claims shape (1, 10**11)",
        lambda: _in_folder(
            lambda folder: ag.LogisticRegression.load(_rewritten(folder, _claimed_coef))
        ),
        raises=ValueError,
        message="changed.npz: the saved model is damaged or was not written by "
        "LogisticRegression.save: its member 'coef.npy' claims an array of shape "
        "(1, 100000000000) and dtype float64 (745 GiB)",
    ),
    Case(
        "LogisticRegression.load of a file whose params hold max_iter 0",
        lambda: _in_folder(
            lambda folder: ag.LogisticRegression.load(_params_with(folder, max_iter=0))
        ),
        raises=ValueError,
        message="edited.npz: 'params' holds a value the model refuses: max_iter must be an "
        "integer >= 1, got 0",
    ),
    # negative numbers, in every notation, after a value option
    *(
        Case(
            f"quickstart --w1 {value}",
            lambda value=value: _cli("quickstart", "--w1", value),
            result=lambda ran, shown=shown: ran.status == 0
            and f"w1 = {shown}, w2 = −0.4" in ran.out,
            expected=f"exit 0, and w1 = {shown}",
        )
        for value, shown in [("-1e3", "−1000"), ("-.5e1", "−5"), ("-1E+3", "−1000")]
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
        result=lambda ran: ran.status == 0 and "w = [−0.1, 0.2], b = −0.001" in ran.out,
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


CATALOGUE = [*ENGINE, *ESTIMATOR, *TOOLS, *FILES_AND_CLI]


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
