"""`autograd-lite draw` and `autograd-lite explain` on the lecture's graph."""

from __future__ import annotations

import pytest

from autograd_lite.cli import main
from autograd_lite.explain import explain, format_value
from autograd_lite.lecture import lecture_graph

VALUES = ["--x1", "0.3", "--x2", "-1.2", "--w1", "2", "--w2", "0.7", "--b", "-0.4", "--y", "0"]


def test_explain_prints_the_steps_for_the_given_values(capsys):
    assert main(["explain", *VALUES]) == 0
    out = capsys.readouterr().out
    g = lecture_graph(x1=0.3, x2=-1.2, w1=2.0, w2=0.7, b=-0.4, y=0.0)
    g.L.backward()
    assert out == str(explain(g.L)) + "\n"
    dz = format_value(g.z.grad)
    assert f"dz = da · a(1 − a) = dL · (a − y) = 1 · ({format_value(g.a.value)} − 0) = {dz}" in out
    assert f"dw1 = x1 · d(w1 · x1) = x1 · dz = 0.3 · {dz} = {format_value(g.w1.grad)}" in out


def test_explain_defaults_are_the_lectures_example(capsys):
    assert main(["explain", "--digits", "3"]) == 0
    out = capsys.readouterr().out
    assert " 3. dz = da · a(1 − a) = dL · (a − y) = 1 · (0.525 − 1) = -0.475" in out
    assert "11. db = dz = -0.475" in out


@pytest.mark.parametrize(
    ("name", "magic"),
    [("g.svg", b"<?xml"), ("g.png", b"\x89PNG"), ("g.pdf", b"%PDF"), ("g.dot", b"digraph")],
)
def test_draw_writes_the_format_of_the_extension(tmp_path, capsys, name, magic):
    out = tmp_path / name
    assert main(["draw", "--out", str(out), *VALUES, "--derivatives", "--path", "w1"]) == 0
    assert out.read_bytes().lstrip().startswith(magic)
    assert capsys.readouterr().out == f"wrote {out}\n"


def test_draw_dot_holds_the_given_values_and_gradients(tmp_path):
    out = tmp_path / "g.dot"
    assert main(["draw", "--out", str(out), *VALUES, "--highlight", "z"]) == 0
    g = lecture_graph(x1=0.3, x2=-1.2, w1=2.0, w2=0.7, b=-0.4, y=0.0)
    g.L.backward()
    source = out.read_text(encoding="utf-8")
    assert f"dz = {format_value(g.z.grad, 4)}" in source and "value 0.3" in source
    assert main(["draw", "--out", str(out), "--no-gradients"]) == 0
    assert "dz =" not in out.read_text(encoding="utf-8")


def test_draw_steps_writes_one_picture_per_step_and_the_slideshow(tmp_path, capsys):
    folder = tmp_path / "steps"
    assert main(["draw", "--steps", str(folder), "--steps-format", "png"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        *(f"step_{k:02d}.png" for k in range(1, 12)),
        "steps.html",
    ]
    assert "wrote 11 step pictures" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["draw"], "give --out FILE"),
        (["draw", "--out", "g.jpg"], "cannot tell the format"),
        (["draw", "--out", "g.dot", "--highlight", "q"], "--highlight q: not a node"),
        (["draw", "--out", "g.dot", "--path", "q"], "--path q: not a node"),
        (["explain", "--y", "2"], "must lie in [0, 1]"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


def test_draw_without_graphviz_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(["draw", "--out", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert "autograd-lite draw: error:" in err and "apt-get install graphviz" in err
    assert main(["draw", "--out", str(tmp_path / "g.dot")]) == 0  # DOT needs no Graphviz


@pytest.mark.parametrize("option", ["--highlight", "--path"])
def test_draw_names_an_unknown_node_and_lists_the_graphs_nodes(tmp_path, capsys, option):
    assert main(["draw", "--out", str(tmp_path / "g.svg"), option, "w3"]) == 2
    err = capsys.readouterr().err
    assert f"{option} w3: not a node of the graph; use one of x1, x2, w1, w2, b, y, z, a, L" in err
    assert not (tmp_path / "g.svg").exists()
