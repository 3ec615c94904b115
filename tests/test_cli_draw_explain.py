"""`autograd-lite draw` and `autograd-lite explain` on the lecture's graph."""

from __future__ import annotations

import pytest

from autograd_lite.cli import main
from autograd_lite.draw import WRITTEN_RECORD
from autograd_lite.explain import explain, format_value
from autograd_lite.lecture import lecture_graph

VALUES = ["--x1", "0.3", "--x2", "-1.2", "--w1", "2", "--w2", "0.7", "--b", "-0.4", "--y", "0"]


def test_explain_prints_the_steps_for_the_given_values(capsys):
    assert main(["explain", *VALUES]) == 0
    out = capsys.readouterr().out
    g = lecture_graph(x1=0.3, x2=-1.2, w1=2.0, w2=0.7, b=-0.4, y=0.0)
    g.L.backward()
    assert out.startswith(str(explain(g.L)) + "\n\nupdate, one step of gradient descent")
    dz = format_value(g.z.grad)
    assert f"dz = da · a(1 − a) = dL · (a − y) = 1 · ({format_value(g.a.value)} − 0) = {dz}" in out
    assert f"dw1 = x1 · d(w1 · x1) = x1 · dz = 0.3 · {dz} = {format_value(g.w1.grad)}" in out


def test_explain_defaults_are_the_lectures_example(capsys):
    assert main(["explain", "--digits", "3"]) == 0
    out = capsys.readouterr().out
    assert " 3. dz = da · a(1 − a) = dL · (a − y) = 1 · (0.75 − 1) = −0.25" in out
    assert " 6. dw1 = x1 · d(w1 · x1) = x1 · dz = 2 · (−0.25) = −0.499" in out
    assert " 9. db = dz = −0.25" in out


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
    assert sorted(p.name for p in folder.iterdir() if p.name != WRITTEN_RECORD) == [
        *(f"step_{k:02d}.png" for k in range(1, 10)),
        "steps.html",
    ]
    assert "wrote 9 step pictures" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["draw"], "give --out FILE"),
        (["draw", "--out", "g.jpg"], "cannot tell the format"),
        (["draw", "--out", "g.dot", "--highlight", "q"], "--highlight q: not a node"),
        (["draw", "--out", "g.dot", "--path", "q"], "--path q: not a node"),
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


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["quickstart", "--x1", "inf"], "argument --x1: must be a finite number, got 'inf'"),
        (["quickstart", "--x1", "nan"], "argument --x1: must be a finite number, got 'nan'"),
        (["quickstart", "--x2", "1e999"], "argument --x2: must be a finite number"),
        (["explain", "--w1", "NaN"], "argument --w1: must be a finite number"),
        (["explain", "--w2=-inf"], "argument --w2: must be a finite number"),
        (["draw", "--out", "g.dot", "--b", "inf"], "argument --b: must be a finite number"),
        (["draw", "--out", "g.dot", "--y", "nan"], "argument --y: must be a finite number"),
        (["explain", "--y", "2"], "argument --y: the label must lie in [0, 1], got '2'"),
        (["quickstart", "--y=-0.5"], "argument --y: the label must lie in [0, 1]"),
        (["quickstart", "--b", "abc"], "argument --b: not a number: 'abc'"),
    ],
)
def test_lecture_values_must_be_finite_and_the_label_in_0_1(
    tmp_path, monkeypatch, capsys, arguments, message
):
    monkeypatch.chdir(tmp_path)
    assert message in _refused_by_argparse(arguments, capsys)
    assert not (tmp_path / "g.dot").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["explain", "--digits", "-3"], "argument --digits: must be ≥ 1, got '-3'"),
        (["explain", "--digits", "0"], "argument --digits: must be ≥ 1, got '0'"),
        (["draw", "--out", "g.dot", "--digits", "-1"], "argument --digits: must be ≥ 1"),
        (["draw", "--out", "g.dot", "--digits", "2.5"], "argument --digits: not a whole number"),
    ],
)
def test_digits_option_must_be_a_whole_number_at_least_1(
    tmp_path, monkeypatch, capsys, arguments, message
):
    monkeypatch.chdir(tmp_path)
    assert message in _refused_by_argparse(arguments, capsys)
    assert not (tmp_path / "g.dot").exists()


def test_lecture_values_at_the_edges_are_accepted(capsys):
    assert main(["quickstart", "--y", "0", "--x1=-1e300", "--w2", "-3"]) == 0
    assert "nan" not in capsys.readouterr().out.lower()
    assert main(["explain", "--y", "1", "--digits", "1"]) == 0


def test_draw_steps_as_dot_needs_no_graphviz(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    folder = tmp_path / "steps"
    assert main(["draw", "--steps", str(folder), "--steps-format", "dot"]) == 0
    written = sorted(p.name for p in folder.iterdir() if p.name != WRITTEN_RECORD)
    assert written == [f"step_{k:02d}.dot" for k in range(1, 10)]
    assert capsys.readouterr().out == f"wrote 9 step pictures in {folder}\n"
    assert "step 3 of 9: dz = da" in (folder / "step_03.dot").read_text(encoding="utf-8")
    svg_folder = tmp_path / "svg-steps"
    assert main(["draw", "--steps", str(svg_folder)]) == 2  # SVG does need Graphviz
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert not svg_folder.exists()  # and the failure leaves no empty folder behind


def _refused_by_argparse(arguments, capsys) -> str:
    """Run the CLI expecting argparse to refuse: exit status 2, nothing on stdout; return stderr."""
    with pytest.raises(SystemExit) as caught:
        main(arguments)
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_explain_takes_the_lectures_views(capsys):
    assert main(["explain", "--collapse", "--literal", "--digits", "4"]) == 0
    out = capsys.readouterr().out
    g = lecture_graph()
    g.L.backward()
    assert str(explain(g.L, digits=4, collapse=True, fused=False)) in out
    assert " 3. dz = da · a(1 − a) = (−1.333) · 0.7503(1 − 0.7503) = −0.2497" in out
    assert " 4. dw1 = x1 · dz = 2 · (−0.2497) = −0.4995" in out


def test_draw_writes_the_step_through_page(tmp_path, capsys):
    page = tmp_path / "step.html"
    assert main(["draw", "--step-through", str(page), "--collapse", "--alpha", "0.5"]) == 0
    assert capsys.readouterr().out == (
        f"wrote the step-through, 12 frames (forward, backward, update), {page}\n"
    )
    text = page.read_text(encoding="utf-8")
    assert "α = 0.5" in text and text.count("<svg") == 12
