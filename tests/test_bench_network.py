"""The network's benchmark script still runs: two short rounds, and the JSON it writes is whole.

No timing is asserted (the machine may be busy), only that every candidate was checked against
numpy by hand, timed and reported with positive, finite numbers, and that both targets of
issue 18 have their row when PyTorch is installed.
"""

import importlib.util
import json
import math
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_network.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("bench_network", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_network_benchmark_writes_every_measure(tmp_path, capsys):
    bench = _load_script()
    out = tmp_path / "bench.json"
    assert bench.main(["--rounds", "2", "--target", "0.005", "--fit-steps", "5",
                       "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    results = report["results"]
    assert {bench.NUMPY, bench.FIT} <= set(results)
    for name, entry in results.items():
        assert len(entry["seconds"]) == 2, name
        assert all(math.isfinite(s) and s > 0 for s in entry["seconds"]), name
    targets = [row["target"] for row in report["targets"]]
    assert targets[0].startswith("fit per step ≤ 1.25×")
    if importlib.util.find_spec("torch") is not None:
        assert bench.TORCH in results and len(targets) == 2
    assert "| NeuralNetwork.fit / step |" in capsys.readouterr().out
