"""Saving a fitted ``LogisticRegression`` to ``.npz`` and reading it back, without pickle.

The file holds plain numpy arrays and the parameters as JSON text, so loading one never runs
code from it. Loading checks every key, dtype, shape and value, and says what is wrong with a
file that was damaged, edited by hand or written by something else.

``LogisticRegression.save`` and ``LogisticRegression.load`` are the public way in; the
functions here take the model (or its class) as an argument so that this module need not import
the estimator's.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import pathlib
import zipfile
import zlib
from typing import Any, BinaryIO, Protocol, TypeVar

import numpy as np

from autograd_lite.validation import PARAM_DEFAULTS, PARAM_NAMES, checked_params

__all__ = ["FittedModel", "load_model", "load_network", "save_model", "save_network"]

_FORMAT = "autograd_lite.LogisticRegression/1"
_SAVED_KEYS = ("format", "params", "coef", "intercept", "classes", "loss_curve")
_NAMES_KEY = "feature_names"
"""Saved when the model was fitted on a data frame with column names (``feature_names_in_``)."""
_SHUFFLE_KEY = "shuffle_state"
"""Saved when ``partial_fit`` shuffles: where its order goes on, so a loaded model goes on."""
_OPTIONAL_KEYS = (_NAMES_KEY, _SHUFFLE_KEY)
MAX_ARRAY_BYTES = 2**26
"""The most one array of a model file may hold, 64 MiB: 8 million weights or loss-curve
entries. Load checks each member's header against it before reading the member."""
# What reading a member of a damaged .npz raises (a bad CRC, a cut-off or garbled header).
_DAMAGED = (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError)


class FittedModel(Protocol):
    """What saving and loading use of a model: ``LogisticRegression`` is one."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray
    n_features_in_: int
    loss_curve_: list[float] | np.ndarray
    n_iter_: int

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def _parameters(self) -> tuple[np.ndarray, float]: ...


Model = TypeVar("Model", bound=FittedModel)


def save_model(model: FittedModel, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write a fitted model to an ``.npz`` file (numpy arrays and JSON text, no pickle).

    Parameters
    ----------
    model : FittedModel
        A fitted ``LogisticRegression``.
    path : str or os.PathLike
        The file to write; ``.npz`` (in any case) is added to a name without it.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    NotFittedError
        If the model was not fitted.
    ValueError
        If ``classes_`` cannot be stored without pickle, or is not two sorted labels.
    IsADirectoryError
        If ``path`` is an existing folder.
    """
    w, b = model._parameters()
    classes = _saveable_classes(model.classes_)
    # Every array first: a parameter that cannot be saved leaves no file behind.
    arrays = {
        "format": np.array(_FORMAT),
        "params": np.array(json.dumps(model.get_params(), default=_plain)),
        "coef": w.reshape(1, -1),
        "intercept": np.array([b]),
        "classes": classes,
        "loss_curve": np.asarray(model.loss_curve_, dtype=np.float64),
        **_names_to_save(model),
    }
    return _write(path, arrays)


def _saveable_classes(classes: Any) -> np.ndarray:
    """``classes_`` as an array ``save`` can write without pickle: two sorted labels."""
    classes = np.asarray(classes)
    if classes.dtype.kind == "O" and _one_plain_kind(classes.tolist()):
        classes = np.asarray(classes.tolist())  # e.g. labels from an object-dtype y
    if classes.dtype.kind not in "biufU":
        raise ValueError(
            f"cannot save classes_ of dtype {classes.dtype} without pickle; use numbers, "
            "bools or strings as labels"
        )
    if classes.shape != (2,) or not classes[0] < classes[1]:
        # load refuses such a file: classes_[1] is the positive class, so order matters
        raise ValueError(
            f"cannot save classes_ = {classes.tolist()}: it must be two labels, sorted, "
            "as fit sets it"
        )
    return classes


def _write(path: str | os.PathLike[str], arrays: dict[str, np.ndarray]) -> pathlib.Path:
    """Write ``arrays`` to the ``.npz`` file ``path`` (``.npz`` added to a name without it)."""
    path = pathlib.Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"{path} is a folder; give the model a file name, e.g. {path / 'model.npz'}"
        )
    if path.suffix.lower() != ".npz":
        path = path.with_name(path.name + ".npz")
    # An open file, so numpy does not add ".npz" to a name that ends in ".NPZ".
    with open(path, "wb") as file:
        np.savez(file, **arrays)
    return path


def _names_to_save(model: FittedModel) -> dict[str, np.ndarray]:
    """``feature_names_in_`` as an array of text, when there are names, and the shuffle's state
    as JSON text, when ``partial_fit`` has one: no pickle needed for either."""
    saved = {}
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        saved[_NAMES_KEY] = np.array([str(name) for name in names], dtype=np.str_)
    rng = getattr(model, "_rng", None)
    if isinstance(rng, np.random.Generator):
        saved[_SHUFFLE_KEY] = np.array(json.dumps(rng.bit_generator.state))
    return saved


def load_model(cls: type[Model], path: str | os.PathLike[str]) -> Model:
    """Read a model written by ``save_model``, checking every key, shape and value.

    Parameters
    ----------
    cls : type
        The model's class, called with the saved parameters.
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    Model
        A fitted instance of ``cls``.

    Raises
    ------
    ValueError
        Naming what is wrong, for a file that is not such a model, was changed by hand, is
        damaged, or holds pickled objects (never unpickled).
    """
    where = os.fspath(path)
    # The file is ours to close on every path: np.load leaves its own open when the archive
    # inside is damaged.
    with open(path, "rb") as file:
        data = _read_arrays(file, where)
    return _from_arrays(cls, data, where)


def _read_arrays(
    file: BinaryIO,
    where: str,
    saved_keys: tuple[str, ...] = _SAVED_KEYS,
    optional_keys: tuple[str, ...] = _OPTIONAL_KEYS,
    kind: str = "LogisticRegression",
) -> dict[str, np.ndarray]:
    """Every saved array of the open ``.npz`` ``file``, by key; ``where`` names it in errors.

    ``saved_keys`` must all be there, ``optional_keys`` may be; ``kind`` is the model's class
    name, for the messages."""
    try:
        archive = np.load(file, allow_pickle=False)
    except ValueError:  # neither a zip archive nor a .npy array: numpy takes it for a pickle
        raise ValueError(
            f"{where}: not a saved {kind} model (.npz) file; load reads only "
            f"the files that {kind}.save writes"
        ) from None
    except (EOFError, zipfile.BadZipFile, NotImplementedError) as error:
        raise ValueError(
            f"{where}: not a saved {kind} (.npz), or a damaged one: {error}"
        ) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{where}: a single .npy array, not a saved {kind}")
    with archive:
        keys = set(archive.files)
        optional = keys & set(optional_keys)  # named columns; a shuffle to go on with
        if keys - optional != set(saved_keys):
            missing = sorted(set(saved_keys) - keys)
            extra = sorted(keys - set(saved_keys) - optional)
            raise ValueError(
                f"{where}: not a saved {kind}: missing keys {missing}, "
                f"unexpected keys {extra}"
            )
        data = {}
        for key in (*saved_keys, *sorted(optional)):
            _require_within_bounds(archive, key, where, kind)
            try:
                data[key] = archive[key]
            except ValueError as error:
                if "pickle" in str(error):
                    raise ValueError(
                        f"{where}: the array {key!r} holds Python objects, which are only "
                        "loaded with pickle; refusing to load it"
                    ) from None
                raise _damaged(where, key, error) from None
            except _DAMAGED as error:
                raise _damaged(where, key, error) from None
            if not isinstance(data[key], np.ndarray):  # numpy hands over the member's bytes
                raise ValueError(
                    f"{where}: the saved model is damaged or was not written by "
                    f"{kind}.save: its member {key!r} is not a .npy array"
                )
    return data


def _require_within_bounds(
    archive: np.lib.npyio.NpzFile, key: str, where: str, kind: str = "LogisticRegression"
) -> None:
    """Refuse member ``key`` if its .npy header claims more than ``MAX_ARRAY_BYTES``.

    numpy allocates what the header claims before it reads a byte: a header claiming shape
    (1, 10¹¹) asks for 745 GiB, and 10⁸ zeros compress to under a megabyte. The header is
    read on its own first (it is at most a few kilobytes), so such a member costs nothing.
    A member that is not a .npy array is left to numpy, which hands over its bytes.
    """
    name = key if key in archive.zip.namelist() else f"{key}.npy"  # as NpzFile finds it
    try:
        with archive.zip.open(name) as member:
            if member.read(len(np.lib.format.MAGIC_PREFIX)) != np.lib.format.MAGIC_PREFIX:
                return
            member.seek(0)
            version = np.lib.format.read_magic(member)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0  # 3.0 differs only in its text
            )
            shape, _, dtype = read_header(member)
    except ValueError as error:  # a garbled header
        raise _damaged(where, key, error) from None
    except _DAMAGED as error:
        raise _damaged(where, key, error) from None
    if dtype.hasobject:  # refused by numpy, without reading, as pickled
        return
    size = math.prod(shape) * dtype.itemsize
    if size > MAX_ARRAY_BYTES:
        raise ValueError(
            f"{where}: the saved model is damaged or was not written by {kind}.save: "
            f"its member {name!r} claims an array of shape {shape} and dtype {dtype} "
            f"({_binary_size(size)}), more than a saved model may hold "
            f"({_binary_size(MAX_ARRAY_BYTES)} an array); refusing to read it"
        )


def _binary_size(count: int) -> str:
    """``count`` bytes in the largest binary unit that keeps a whole number in front."""
    for unit, power in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 2**power:
            return f"{count // 2**power:,} {unit}"
    return f"{count} bytes"


def _text(data: dict[str, np.ndarray], key: str, where: str) -> str:
    value = data[key]
    if value.dtype.kind != "U" or value.shape != ():
        raise ValueError(f"{where}: {key!r} must be a text scalar, got {_what(value)}")
    return str(value)


def _saved_params(data: dict[str, np.ndarray], where: str, expected: str) -> Any:
    """The saved format checked, and the saved parameters read from their JSON text."""
    if _text(data, "format", where) != expected:
        raise ValueError(
            f"{where}: format {_text(data, 'format', where)!r}, expected {expected!r}"
        )
    try:
        return json.loads(_text(data, "params", where))
    except ValueError as error:  # JSONDecodeError, or an integer of too many digits
        raise ValueError(f"{where}: 'params' is not valid JSON: {error}") from None
    except RecursionError:  # the parameters are numbers and strings: nothing nests
        raise ValueError(
            f"{where}: 'params' nests lists or objects too deep to be the saved parameters"
        ) from None


def _from_arrays(cls: type[Model], data: dict[str, np.ndarray], where: str) -> Model:
    params = _saved_params(data, where, _FORMAT)
    if isinstance(params, dict):
        # Saved before loop_form, batch_size, shuffle or random_state existed: each default is
        # what that model ran (the features loop; full batch, so no shuffle to seed).
        params = {**PARAM_DEFAULTS, **params}
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        raise ValueError(
            f"{where}: 'params' must name exactly {', '.join(PARAM_NAMES)}; got {params}"
        )
    try:
        checked_params(params)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{where}: 'params' holds a value the model refuses: {error}") from None

    coef, intercept, classes, curve = (
        data[k] for k in ("coef", "intercept", "classes", "loss_curve")
    )
    for key, value in (("coef", coef), ("intercept", intercept), ("loss_curve", curve)):
        if value.dtype.kind != "f":
            raise ValueError(f"{where}: {key!r} must hold floats, got {_what(value)}")
        if not np.isfinite(value).all():
            raise ValueError(f"{where}: {key!r} holds NaN or inf: {value}")
    if coef.ndim != 2 or coef.shape[0] != 1 or coef.shape[1] < 1:
        raise ValueError(f"{where}: 'coef' must have shape (1, n), got {_what(coef)}")
    if intercept.shape != (1,):
        raise ValueError(f"{where}: 'intercept' must have shape (1,), got {_what(intercept)}")
    if curve.ndim != 1 or curve.size < 1:
        raise ValueError(f"{where}: 'loss_curve' must be 1-D, not empty; got {_what(curve)}")
    _check_saved_classes(classes, where)

    model = cls(**params)
    model.coef_ = np.array(coef, dtype=np.float64)
    model.intercept_ = np.array(intercept, dtype=np.float64)
    model.classes_ = classes
    model.n_features_in_ = coef.shape[1]
    model.loss_curve_ = np.array(curve, dtype=np.float64)  # an array, as saved: not a list
    model.n_iter_ = curve.size
    _load_names(model, data, coef.shape[1], where)
    if _SHUFFLE_KEY in data:
        model._rng = _shuffle_from(data[_SHUFFLE_KEY], where)
    return model


def _check_saved_classes(classes: np.ndarray, where: str) -> None:
    """The saved ``classes``: two different labels, sorted, of a kind saved without pickle."""
    if classes.dtype.kind not in "biufU" or classes.shape != (2,):
        raise ValueError(f"{where}: 'classes' must be two labels, got {_what(classes)}")
    if classes.dtype.kind == "f" and not np.isfinite(classes).all():
        raise ValueError(f"{where}: 'classes' holds NaN or inf: {classes}")
    if classes[0] == classes[1]:
        raise ValueError(f"{where}: 'classes' must be two different labels: {classes}")
    if not classes[0] < classes[1]:  # classes_[1] is the positive class: order matters
        raise ValueError(
            f"{where}: 'classes' must be sorted (classes[0] < classes[1]), got "
            f"{classes.tolist()}; reversed labels would swap every prediction"
        )


def _load_names(model: Any, data: dict[str, np.ndarray], n: int, where: str) -> None:
    """``feature_names_in_`` from the file, when it holds the names of the ``n`` features."""
    if _NAMES_KEY in data:
        names = data[_NAMES_KEY]
        if names.dtype.kind != "U" or names.shape != (n,):
            raise ValueError(
                f"{where}: {_NAMES_KEY!r} must be {n} names of text, one per "
                f"feature, got {_what(names)}"
            )
        model.feature_names_in_ = np.array(names.tolist(), dtype=object)  # as fit records them


def _shuffle_from(saved: np.ndarray, where: str) -> np.random.Generator:
    """The generator ``partial_fit`` shuffled with, in the state it was saved in."""
    try:
        state = json.loads(str(saved)) if saved.dtype.kind == "U" and saved.shape == () else None
        rng = np.random.default_rng()
        rng.bit_generator.state = state  # PCG64's own check of every field
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(
            f"{where}: {_SHUFFLE_KEY!r} is not the state of the shuffle's generator ({error})"
        ) from None
    return rng


def _plain(value: Any) -> Any:
    """A numpy number among the parameters (``batch_size=np.int64(32)``) as a Python one."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot save the parameter value {value!r} as JSON")


def _what(value: np.ndarray) -> str:
    return f"an array of shape {value.shape} and dtype {value.dtype}"


def _damaged(where: str, key: str, error: BaseException) -> ValueError:
    return ValueError(
        f"{where}: the saved model is damaged; its array {key!r} cannot be read ({error})"
    )


def _one_plain_kind(values: list[Any]) -> bool:
    """All bools, all real numbers (not bools) or all strings: what ``np.asarray`` keeps exact."""
    kinds = {
        "bool" if isinstance(v, (bool, np.bool_))
        else "str" if isinstance(v, str)
        else "number" if isinstance(v, numbers.Real)
        else "other"
        for v in values
    }
    return len(kinds) == 1 and "other" not in kinds


# --- the one-hidden-layer network: the same file format, its own arrays -------------------------

_NETWORK_FORMAT = "autograd_lite.NeuralNetwork/1"
_NETWORK_KEYS = ("format", "params", "W1", "b1", "W2", "b2", "classes", "loss_curve")


def save_network(model: Any, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write a fitted ``NeuralNetwork`` to an ``.npz`` file: its ``W1, b1, W2, b2`` as arrays,
    its parameters as JSON text, no pickle; as ``save_model`` writes a ``LogisticRegression``.
    """
    parameters = model._parameters()
    classes = _saveable_classes(model.classes_)
    arrays = {
        "format": np.array(_NETWORK_FORMAT),
        "params": np.array(json.dumps(model.get_params(), default=_plain_network)),
        **{key: np.array(parameters[key], dtype=np.float64) for key in ("W1", "b1", "W2", "b2")},
        "classes": classes,
        "loss_curve": np.asarray(model.loss_curve_, dtype=np.float64),
        **_names_to_save(model),
    }
    return _write(path, arrays)


def _plain_network(value: Any) -> Any:
    if isinstance(value, (np.random.RandomState, np.random.Generator)):
        # The start is drawn already; the trained weights are what the file keeps.
        raise TypeError(
            "cannot save random_state, a numpy random generator, as JSON; set "
            "random_state to an integer or None before saving (the trained weights do not "
            "depend on it any more)"
        )
    return _plain(value)


def load_network(cls: type[Model], path: str | os.PathLike[str]) -> Any:
    """Read a ``NeuralNetwork`` written by ``save_network``, checking every key, shape and value.

    Raises ``ValueError`` naming what is wrong, as ``load_model`` does.
    """
    from autograd_lite.network import checked_network_params

    where = os.fspath(path)
    with open(path, "rb") as file:
        data = _read_arrays(file, where, _NETWORK_KEYS, (_NAMES_KEY,), "NeuralNetwork")
    params = _saved_params(data, where, _NETWORK_FORMAT)
    names = ("hidden_units", "activation", "learning_rate", "max_iter", "random_state",
             "verbose")
    if not isinstance(params, dict) or set(params) != set(names):
        raise ValueError(f"{where}: 'params' must name exactly {', '.join(names)}; got {params}")
    try:
        checked_network_params(params)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: 'params' holds a value the model refuses: {error}") from None
    n_h = params["hidden_units"]
    for key in ("W1", "b1", "W2", "b2", "loss_curve"):
        value = data[key]
        if value.dtype.kind != "f":
            raise ValueError(f"{where}: {key!r} must hold floats, got {_what(value)}")
        if not np.isfinite(value).all():
            raise ValueError(f"{where}: {key!r} holds NaN or inf: {value}")
    W1 = data["W1"]
    if W1.ndim != 2 or W1.shape[0] != n_h or W1.shape[1] < 1:
        raise ValueError(
            f"{where}: 'W1' must have shape (n_h, n_x) with n_h = hidden_units = {n_h}, got "
            f"{_what(W1)}"
        )
    expected = {"b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}
    for key, shape in expected.items():
        if data[key].shape != shape:
            raise ValueError(
                f"{where}: {key!r} must have shape {shape} (n_h = {n_h}), got {_what(data[key])}"
            )
    curve = data["loss_curve"]
    if curve.ndim != 1 or curve.size < 1:
        raise ValueError(f"{where}: 'loss_curve' must be 1-D, not empty; got {_what(curve)}")
    _check_saved_classes(data["classes"], where)
    model = cls(**params)
    model.parameters_ = {k: np.array(data[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2")}
    model.classes_ = data["classes"]
    model.n_features_in_ = int(W1.shape[1])
    model.loss_curve_ = np.array(curve, dtype=np.float64)  # as LogisticRegression.load keeps it
    model.n_iter_ = int(curve.size)
    _load_names(model, data, W1.shape[1], where)
    return model
