"""Mini-batches: the examples read a batch of rows at a time, and the lecture's graph run on each.

Mini-batch gradient descent takes a step for every batch of ``B`` examples instead of one for all
``m``. Each step is the second lecture's vectorized step with the mean taken over the batch::

    Z = X_B·w + b      A = σ(Z)      J_B = mean(L(A, y_B))
    dZ = A − y_B       dw = X_Bᵀ·dZ / B      db = mean(dZ)

One pass over all the batches is an epoch: ``ceil(m / B)`` steps. With ``B = m`` it is the
full-batch step again, exactly.

This module holds what that needs beside the estimator:

- ``batch_rows``: the rows of each batch of one epoch, in order or shuffled;
- ``Examples``: ``X`` and ``y`` read one batch of rows at a time (from memory, from a
  ``numpy.memmap``, or from any array that can be sliced by rows), so that ``X`` is never read
  whole, let alone copied;
- ``BatchGraphs``: the vectorized graph, built once per batch shape and given each batch's rows;
- ``run_epoch``: one pass of steps ``w := w − α·dw``, ``b := b − α·db`` over the batches.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [0.0, 1.0]])
>>> [rows for rows in batch_rows(5, 2)]                 # in order: slices of X
[slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
>>> examples = Examples(X, np.array([0, 0, 1, 1, 0]))
>>> J, w, b = run_epoch(examples, BatchGraphs(), batch_rows(5, 2), 1, np.zeros(2), 0.0, 0.1)
>>> round(J, 6)                                         # the mean cost over the epoch
0.841415
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd_lite.lecture import CompiledCost, CompiledLoop
from autograd_lite.validation import (
    check_finite,
    checked_layout,
    checked_X,
    checked_y,
    refuse_sparse_or_masked,
    two_classes,
)

__all__ = ["BatchGraphs", "Examples", "Rows", "batch_rows", "run_epoch"]

Rows = slice | np.ndarray
"""The rows of one batch: a slice (in order) or an array of row numbers (shuffled)."""

RELEASE_EVERY = 64 * 2**20
"""About how many bytes of a memory-mapped file a process may hold before ``Examples`` lets
the operating system take its pages back (see ``Examples``)."""

# What reading one row at random may map of a file: Linux maps the pages around it (64 KiB),
# or the whole large folio the file cache holds it in, up to 2 MiB (measured on ext4).
_MAPPED_PER_ROW = 2 * 2**20

_LABEL_CHUNK = 2**16  # labels checked this many at a time, so no check copies all of y


def batch_rows(m: int, batch_size: int, rng: np.random.Generator | None = None) -> Iterator[Rows]:
    """The rows of each mini-batch of one epoch over ``m`` examples.

    Parameters
    ----------
    m : int
        The number of examples.
    batch_size : int
        Examples per batch, ``B``; a ``B`` larger than ``m`` is taken as ``m`` (one batch).
        The last batch holds the ``m mod B`` examples left over, when there are any.
    rng : numpy.random.Generator, optional
        Shuffle: the epoch takes the examples in the order ``rng.permutation(m)``. Without it,
        they are taken in order, as slices (which read a memmap sequentially).

    Yields
    ------
    slice or numpy.ndarray
        The rows of one batch.

    Examples
    --------
    >>> [r.tolist() for r in batch_rows(5, 2, np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    """
    size = min(batch_size, m)
    if rng is None:
        for start in range(0, m, size):
            yield slice(start, min(start + size, m))
        return
    order = rng.permutation(m)
    for start in range(0, m, size):
        yield order[start : start + size]


class Examples:
    """``X`` and ``y``, read one batch of rows at a time and checked as they are read.

    ``X`` in memory (a numpy array, a list) is checked once, whole, as ``fit`` does. Any
    other array that knows its ``shape`` and ``dtype`` and can be sliced by rows — a
    ``numpy.memmap``, an HDF5 or zarr dataset, … — is never read whole: its shape and dtype
    are checked at once, its numbers batch by batch, so only one batch at a time is in memory,
    as float64. Shuffled rows are read in increasing order (what h5py needs, and what keeps a
    disk's reads short) and put back in the shuffled order.

    A ``numpy.memmap`` needs one thing more. The pages of the file that a process has read stay
    in its memory map, counted in its resident memory, until the operating system needs the
    memory back; reading one row maps the pages around it too (on Linux from 64 KiB up to the
    2 MiB of a large folio), so a shuffled batch maps far more of the file than its rows. So
    ``Examples`` reads a batch in pieces, and after about ``RELEASE_EVERY`` bytes of the map
    may have been mapped it tells the system that the process no longer needs them
    (``madvise(MADV_DONTNEED)``, where the platform has it): the file's pages stay in the
    system's file cache, and a later read finds them there. Reading rows in order
    (``shuffle=False``) is the quicker for a memmap: each page is mapped once. A map opened
    with ``mode="c"`` (copy on write) is left alone, since that would throw away the changes
    made to it in memory.

    Parameters
    ----------
    X : array-like of shape (m, n)
        One example per row.
    y : array-like of shape (m,)
        One label per example.

    Examples
    --------
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> examples = Examples(X, np.array([0, 1, 0, 1, 0, 1]))
    >>> examples.m, examples.n, examples.classes().tolist()
    (6, 2, [0, 1])
    >>> rows, labels = examples.read(np.array([4, 1]))
    >>> rows.tolist(), labels.tolist()
    ([[8.0, 9.0], [2.0, 3.0]], [0, 1])
    """

    def __init__(self, X: Any, y: Any) -> None:
        refuse_sparse_or_masked(X, "X")  # a sparse matrix can be sliced by rows, but not read
        self.lazy = _read_by_rows(X)
        if self.lazy:
            self.X = X
            self.m, self.n = checked_layout(tuple(X.shape), np.dtype(X.dtype))
        else:
            self.X = checked_X(X)
            self.m, self.n = self.X.shape
        self.labels = checked_y(y, self.m)
        self._maps = [mapped for mapped in (_file_map(X), _file_map(self.labels)) if mapped]
        self._row_bytes = self.n * np.dtype(self.X.dtype).itemsize
        self._read = 0

    def classes(self) -> np.ndarray:
        """The two labels of ``y``, sorted (``two_classes``), read a chunk at a time."""
        parts = []
        for start in range(0, self.m, _LABEL_CHUNK):
            try:
                parts.append(np.unique(self.labels[start : start + _LABEL_CHUNK]))
            except TypeError as error:
                raise ValueError(
                    f"the labels in y cannot be compared with each other: {error}"
                ) from None
        return two_classes(np.concatenate(parts))

    def unknown_label(self, classes: np.ndarray) -> Any | None:
        """The first label of ``y`` that is not one of ``classes``, or ``None``."""
        for start in range(0, self.m, _LABEL_CHUNK):
            chunk = self.labels[start : start + _LABEL_CHUNK]
            unknown = ~np.isin(chunk, classes)
            if unknown.any():
                return chunk[unknown][:1].tolist()[0]  # a Python value, for the message
        return None

    def read(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """The batch ``rows``: its examples as a float64 array of shape (k, n), and its labels.

        Raises ``ValueError`` naming the row and column of a number that is not finite.
        """
        labels = self.labels[rows]
        if not self.lazy:
            return self.X[rows], labels
        shuffled = not isinstance(rows, slice)
        if shuffled:  # read in increasing order, then put back in the shuffled order
            into = np.argsort(rows, kind="stable")
            wanted = rows[into]
            first = 0
        else:
            first = range(self.m)[rows].start  # batch_rows' slices: consecutive rows
        k = len(labels)
        per_row = self._row_bytes + (_MAPPED_PER_ROW if shuffled else 0)
        piece = max(1, RELEASE_EVERY // (4 * per_row)) if self._maps else k
        block = np.empty((k, self.n))
        for start in range(0, k, piece):
            stop = min(start + piece, k)
            if shuffled:
                values, where = self.X[wanted[start:stop]], into[start:stop]
            else:
                values, where = self.X[first + start : first + stop], slice(start, stop)
            values = np.asarray(values)
            if values.shape != (stop - start, self.n):
                raise ValueError(
                    f"X[rows] gave an array of shape {values.shape}, expected "
                    f"{(stop - start, self.n)}: X must be an array that can be sliced by rows, "
                    "as numpy arrays are"
                )
            block[where] = values
            self._account((stop - start) * per_row)
        finite = np.isfinite(block)
        if not finite.all():
            i, j = np.argwhere(~finite)[0]
            row = range(self.m)[rows][i] if isinstance(rows, slice) else rows[i]
            raise ValueError(
                f"X must be finite, but X[{row}, {j}] is {block[i, j]} (NaN or inf; X is read "
                "and checked one mini-batch at a time): drop that example or fill in the value"
            )
        return block, labels

    def release(self) -> None:
        """Let the system take back the pages of the memory-mapped files read so far."""
        for mapped in self._maps:
            try:
                mapped.madvise(mmap.MADV_DONTNEED)
            except (ValueError, OSError):  # closed meanwhile, or refused: only memory is at stake
                pass
        self._read = 0

    def _account(self, mapped: int) -> None:
        self._read += mapped
        if self._maps and self._read >= RELEASE_EVERY:
            self.release()


def _read_by_rows(X: Any) -> bool:
    """Whether ``X`` is read one batch at a time: not a numpy array in memory, but a memmap or
    another array that knows its shape and dtype (a pandas DataFrame, sliced by columns, is not
    one)."""
    if isinstance(X, np.memmap):
        return True
    if isinstance(X, np.ndarray) or hasattr(X, "iloc") or not hasattr(X, "__getitem__"):
        return False
    try:
        return isinstance(X.shape, tuple) and np.dtype(X.dtype).kind != "O"
    except (AttributeError, TypeError):
        return False


def _file_map(array: Any) -> mmap.mmap | None:
    """The memory map under a ``numpy.memmap`` (not copy-on-write), if the platform can release
    its pages."""
    if not isinstance(array, np.memmap) or array.mode == "c" or not hasattr(mmap, "MADV_DONTNEED"):
        return None
    base = array.base
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base


class BatchGraphs:
    """The cost compiled once (``CompiledCost``), then run on each batch's rows, whatever their
    number: ``B`` rows, and the ``m mod B`` left over. With ``loop_form`` given, each batch
    runs the lecture's per-example loop on the compiled one-example function (``CompiledLoop``).

    Examples
    --------
    >>> graphs = BatchGraphs()
    >>> X = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> J, dw, db = graphs.gradients(X, np.array([1.0, 0.0]), np.zeros(2), 0.0)
    >>> J, dw, db = graphs.gradients(X[::-1], np.array([0.0, 1.0]), np.zeros(2), 0.0)
    >>> len(graphs.built), round(J, 6), dw.tolist()       # one program, run on both batches
    (1, 0.693147, [0.5, -0.75])
    """

    def __init__(self, loop_form: str | None = None) -> None:
        self.loop_form = loop_form
        self.built: dict[int, CompiledCost | CompiledLoop] = {}

    def gradients(
        self, X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[float, np.ndarray, float]:
        """``J``, ``dw`` and ``db`` over the batch ``(X, y)`` at ``w``, ``b``."""
        n = X.shape[1]
        program = self.built.get(n)
        if program is None:
            program = self.built[n] = (
                CompiledCost(n) if self.loop_form is None else CompiledLoop(n, self.loop_form)
            )
        X = X if X.dtype == np.float64 else X.astype(np.float64)
        return program.gradients(X, np.asarray(y, dtype=np.float64), w, b)


Step = Callable[[float, np.ndarray, float, np.ndarray, float], None]
"""Called before each update with ``J``, ``dw``, ``db`` and the ``w``, ``b`` they were taken at."""


def run_epoch(
    examples: Examples,
    graphs: BatchGraphs,
    batches: Iterable[Rows],
    positive: Any,
    w: np.ndarray,
    b: float,
    learning_rate: float,
    iteration: int = 0,
    on_step: Step | None = None,
) -> tuple[float, np.ndarray, float]:
    """One pass of gradient descent over ``batches``: a step ``w := w − α·dw``,
    ``b := b − α·db`` for each.

    Parameters
    ----------
    examples : Examples
        The data.
    graphs : BatchGraphs
        The graphs that compute each batch's ``J``, ``dw``, ``db``.
    batches : iterable of slices or row arrays
        The rows of each batch, in the order of the steps (``batch_rows``).
    positive : label
        The label that is the lecture's ``y = 1`` (``classes_[1]``).
    w, b : numpy.ndarray, float
        The parameters to start from.
    learning_rate : float
        ``α``.
    iteration : int
        The epoch's number, for the message if the descent diverges.
    on_step : callable, optional
        Called before each update (see ``Step``).

    Returns
    -------
    tuple
        ``(J, w, b)``: the mean over all examples of the cost each batch had before its step
        (the epoch's cost, as ``loss_curve_`` records it), and the parameters after the epoch.
    """
    total = 0.0
    for rows in batches:
        X, labels = examples.read(rows)
        J, dw, db = graphs.gradients(X, labels == positive, w, b)
        check_finite(iteration, "the cost and gradients", J, dw, db, learning_rate)
        total += J * len(labels)
        if on_step is not None:
            on_step(J, dw, db, w, b)
        w, b = w - learning_rate * dw, b - learning_rate * db  # w := w − α·dw, b := b − α·db
        check_finite(iteration, "the updated w and b", J, w, b, learning_rate)
    return total / examples.m, w, b
