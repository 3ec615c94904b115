"""The benchmark script still runs: one tiny size, one round, and the JSON it writes is whole.

No timing is asserted (the machine may be busy); only that every candidate was checked, timed
and reported with positive, finite numbers.
"""

import importlib.util
import json
import math
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_logistic.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("bench_logistic", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_main_writes_every_candidate_with_sane_ratios(tmp_path, capsys):
    bench = _load_script()
    out = tmp_path / "bench.json"
    argv = ["--sizes", "16x2", "--rounds", "2", "--target", "0.001", "--no-extras"]
    assert bench.main([*argv, "--json", str(out)]) == 0

    report = json.loads(out.read_text())
    assert report["machine"]["numpy"]
    [size] = report["sizes"]
    assert (size["m"], size["n"], size["rounds"]) == (16, 2, 2)
    expected = {
        "numpy with J",
        "numpy without J",
        "autograd_lite vectorized",
        "LogisticRegression.fit / iter",
        "autograd_lite loop",
    }
    try:
        import torch  # noqa: F401

        expected.add("PyTorch eager")
    except ImportError:
        pass
    assert set(size["candidates"]) == expected
    for name, entry in size["candidates"].items():
        assert len(entry["ratios"]) == 2, name
        assert all(math.isfinite(r) and r > 0 for r in entry["ratios"]), name
        assert math.isfinite(entry["median_seconds"]) and entry["median_seconds"] > 0, name
    assert size["candidates"]["numpy with J"]["ratios"] == [1.0, 1.0]
    assert report["loop_us_per_example"] > 0
    assert "autograd_lite vectorized" in capsys.readouterr().out  # the table was printed
