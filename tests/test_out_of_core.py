"""Data larger than memory: a 1 GiB memmap trained in bounded memory, and a Dask cluster.

The memory test writes a 1 GiB file (in chunks, never whole in memory), trains on it in a
fresh interpreter, and measures there how far the resident memory rose above what it was just
before ``fit``; the file is deleted afterwards. The Dask test starts a cluster of worker
processes on this machine, trains through ``dask_ml.wrappers.Incremental`` and closes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from autograd_lite.datasets import load_breast_cancer
from autograd_lite.demo import prepare
from autograd_lite.logistic import LogisticRegression

GiB = 2**30
ROWS, FEATURES = 2**21, 64  # 2,097,152 examples × 64 float64 features: 1 GiB exactly
LIMIT = 200 * 2**20  # the most the resident memory may grow while training on it


@pytest.fixture(scope="module")
def one_gib_on_disk(tmp_path_factory):
    """X (float64) and y (int8) as raw files, written 32 MiB at a time; deleted after."""
    folder = tmp_path_factory.mktemp("memmap")
    paths = folder / "X.f64", folder / "y.i8"
    rng = np.random.default_rng(0)
    w = rng.normal(size=FEATURES)
    chunk = 2**16
    try:
        with open(paths[0], "wb") as fx, open(paths[1], "wb") as fy:
            for _ in range(ROWS // chunk):
                X = rng.normal(size=(chunk, FEATURES))
                fx.write(X.tobytes())
                fy.write((X @ w + 0.5 * rng.normal(size=chunk) > 0).astype(np.int8).tobytes())
        assert paths[0].stat().st_size == ROWS * FEATURES * 8 == GiB
        yield paths
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


# Runs in a fresh interpreter, so that only what fit allocates is measured. Linux's VmHWM is
# the peak resident memory; writing 5 to clear_refs resets it to the current value first.
MEASURE = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from autograd_lite.logistic import LogisticRegression

    def status(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024

    x_path, y_path, rows, features, shuffle = sys.argv[1:]
    rows, features = int(rows), int(features)
    X = np.memmap(x_path, dtype=np.float64, mode="r", shape=(rows, features))
    y = np.memmap(y_path, dtype=np.int8, mode="r", shape=(rows,))
    model = LogisticRegression(batch_size=4096, max_iter=1, shuffle=shuffle == "shuffle",
                               random_state=0)
    model.fit(X[:8192], y[:8192])  # the first fit's imports and caches are not fit's memory
    before = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    peak = status("VmHWM")
    sample = slice(0, 100_000)
    print(json.dumps({
        "before": before, "peak": peak, "growth": peak - before, "seconds": seconds,
        "after": status("VmRSS"), "loss_curve": model.loss_curve_,
        "accuracy": model.score(X[sample], y[sample]),
    }))
    """
)


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's /proc")
@pytest.mark.parametrize("order", ["in-order", "shuffle"])
def test_a_1_gib_memmap_trains_with_resident_memory_growing_under_200_mib(one_gib_on_disk, order):
    x_path, y_path = one_gib_on_disk
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(x_path), str(y_path), str(ROWS), str(FEATURES),
         order],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    MiB = 2**20
    print(
        f"\n1 GiB memmap ({ROWS:,} × {FEATURES} float64, {x_path.stat().st_size:,} bytes), "
        f"batch_size=4096, one epoch, {order}: {result['seconds']:.1f} s; resident memory "
        f"{result['before'] / MiB:.1f} MiB before fit, peak {result['peak'] / MiB:.1f} MiB, "
        f"growth {result['growth'] / MiB:.1f} MiB (limit {LIMIT / MiB:.0f}); "
        f"J = {result['loss_curve'][0]:.4f}, accuracy on 100,000 rows "
        f"{100 * result['accuracy']:.2f} %"
    )
    assert result["growth"] < LIMIT, result
    assert result["loss_curve"][0] < 0.5 and result["accuracy"] > 0.9, result


# --- Dask ---------------------------------------------------------------------------------------


def test_incremental_on_a_local_cluster_gives_the_partial_fit_coefficients():
    # Imported here: dask, distributed and dask-ml are the optional extra "dask", which the
    # test command installs; without it this test fails with an ImportError, the rest runs.
    import dask.array as da
    from dask.distributed import Client, LocalCluster
    from dask_ml.wrappers import Incremental

    data = prepare(*load_breast_cancer())
    X, y = data.X_train, data.y_train  # 456 examples: blocks of 96, 96, 96, 96, 72

    def model():
        return LogisticRegression(learning_rate=0.1, batch_size=32, random_state=0)

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        worker_pids = sorted(client.run(os.getpid).values())
        dask_X = da.from_array(X, chunks=(96, X.shape[1]))
        dask_y = da.from_array(y, chunks=96)
        # shuffle_blocks=False: the blocks in order, so the same calls can be made here.
        trained = Incremental(model(), shuffle_blocks=False).fit(dask_X, dask_y, classes=[0, 1])
        trained.partial_fit(dask_X, dask_y)  # a second pass goes on from the first
        accuracy = trained.score(da.from_array(data.X_test, chunks=50), data.y_test)
    assert os.getpid() not in worker_pids and len(worker_pids) == 2

    here = model()
    for _ in range(2):
        for start in range(0, len(y), 96):
            here.partial_fit(X[start : start + 96], y[start : start + 96], classes=[0, 1])
    on_cluster = trained.estimator_
    np.testing.assert_array_equal(on_cluster.coef_, here.coef_)
    np.testing.assert_array_equal(on_cluster.intercept_, here.intercept_)
    assert on_cluster.loss_curve_ == here.loss_curve_ and on_cluster.n_iter_ == 10
    print(
        f"\nDask: {dask_X.numblocks[0]} blocks {dask_X.chunks[0]} on a LocalCluster of 2 worker "
        f"processes (pids {worker_pids}); 2 passes of Incremental(LogisticRegression("
        f"batch_size=32, random_state=0)): coef_ equal to in-process partial_fit, bit for bit; "
        f"max |coef_| {np.max(np.abs(on_cluster.coef_)):.6f}, intercept_ "
        f"{on_cluster.intercept_[0]:.6f}, last chunk cost {on_cluster.loss_curve_[-1]:.6f}, "
        f"test accuracy {100 * accuracy:.2f} %"
    )


NO_DASK = textwrap.dedent(
    """
    import sys
    import importlib.abc

    class NoDask(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("dask", "distributed", "dask_ml"):
                raise ImportError(f"{name} is not installed (blocked by the test)")
            return None

    sys.meta_path.insert(0, NoDask())
    import numpy as np
    import autograd_lite as ag

    X = np.random.default_rng(0).normal(size=(50, 2))
    y = (X[:, 0] > 0).astype(int)
    model = ag.LogisticRegression(batch_size=8, random_state=0).fit(X, y)
    model.partial_fit(X[:10], y[:10])
    loaded = [name for name in sys.modules if name.split(".")[0] in ("dask", "dask_ml",
                                                                     "distributed")]
    assert not loaded, loaded
    print(model.score(X, y))
    """
)


def test_the_library_imports_and_trains_without_dask():
    done = subprocess.run(
        [sys.executable, "-c", NO_DASK], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) > 0.9
