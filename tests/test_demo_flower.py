"""The demo's flower: logistic regression against the network, printed and drawn, in seconds."""

import argparse
import re
import time

from autograd_lite import demo


def run_demo(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="autograd-lite")
    demo.add_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["demo", *argv])
    return args.run(args)


def test_the_demo_sets_logistic_regression_beside_the_network_on_the_flower(tmp_path, capsys):
    out = tmp_path / "out"
    start = time.perf_counter()
    assert run_demo("--out", str(out), "--iterations", "5", "--loop-iterations", "1") == 0
    seconds = time.perf_counter() - start
    printed = capsys.readouterr().out
    assert "lecture 3: the course's flower" in printed
    logistic = re.search(r"logistic regression, 1000 steps +train accuracy (\S+)%", printed)
    network = re.search(r"one hidden layer, 4 tanh units, 10000 steps +train accuracy (\S+)%",
                        printed)
    assert logistic and float(logistic.group(1)) == 47.0
    assert network and float(network.group(1)) == 90.75
    assert (out / "flower.png").read_bytes().startswith(b"\x89PNG")
    assert "flower.png" in printed
    assert seconds < 60  # the whole demo, the course's 10,000 steps included


def test_flower_steps_must_be_positive(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="--flower-steps must be at least 1"):
        run_demo("--out", str(tmp_path / "o"), "--flower-steps", "0")
