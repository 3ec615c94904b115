"""The command line as a teaching kit: no command, quickstart, the update step, the m-example
graph (`--m`, `--csv`) in explain and draw, and `autograd-lite compare`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd_lite import compare as cmp
from autograd_lite.cli import main
from autograd_lite.explain import explain, explain_update
from autograd_lite.lecture import lecture_graph
from autograd_lite.notation import format_value as _g

# --- no command -------------------------------------------------------------------------------


def test_no_command_prints_the_help_and_exits_0(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-lite")
    for command in ("demo", "compare", "quickstart", "explain", "draw"):
        assert re.search(rf"^    {command}\b", out, re.MULTILINE), command


# --- quickstart -------------------------------------------------------------------------------


def test_quickstart_prints_forward_backward_the_check_and_the_update(capsys):
    assert main(["quickstart"]) == 0
    out = capsys.readouterr().out
    g = lecture_graph()
    g.L.backward()
    assert out.splitlines()[:3] == [
        "The lecture's graph for one example",
        "  the example:    x1 = 2, x2 = −1, y = 1",
        "  the parameters: w1 = 0.3, w2 = −0.4, b = 0.1",
    ]
    assert "\nforward:\n  z = w1·x1 + w2·x2 + b = 1.1\n  a = σ(z)              = 0.75026\n" in out
    assert "  L = L(a, y)           = 0.287335\n" in out
    block = "\n".join(
        [
            "  dL  = 1",
            "  da  = −1.33287",
            "  dz  = −0.24974",
            "  dw1 = −0.49948",
            "  dw2 = 0.24974",
            "  db  = −0.24974",
        ]
    )
    assert block in out
    assert "check: dz = a − y = 0.75026 − 1 = −0.24974, the same as dz" in out
    updates = [f"  {u.formula_with_numbers}" for u in explain_update(g.L, 0.1)]
    assert out.endswith("update, one step of gradient descent with α = 0.1:\n"
                        + "\n".join(updates) + "\n")
    assert "  w1 := w1 − α·dw1 = 0.3 − 0.1 · (−0.49948) = 0.349948" in updates


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["--x1=-1e300", "--w2", "-3", "--y", "0"],
        ["--x1", "123456.789", "--x2", "-0.000123456", "--w1", "-98765.4321", "--b", "1e-300"],
    ],
)
def test_quickstart_lines_are_at_most_100_characters(capsys, values):
    assert main(["quickstart", "--alpha", "0.123456789", *values]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 15
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)


def test_quickstart_alpha_sets_the_update_step(capsys):
    assert main(["quickstart", "--alpha", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "with α = 0.5:" in out
    assert "  w1 := w1 − α·dw1 = 0.3 − 0.5 · (−0.49948) = 0.54974" in out


# --- explain: the update step at the end ------------------------------------------------------


def test_explain_ends_with_the_update_step(capsys):
    assert main(["explain", "--alpha", "0.2", "--digits", "4"]) == 0
    out = capsys.readouterr().out
    g = lecture_graph()
    g.L.backward()
    steps = str(explain(g.L, digits=4))
    updates = [f"  {u.formula_with_numbers}" for u in explain_update(g.L, 0.2, digits=4)]
    assert out == (
        steps
        + "\n\nupdate, one step of gradient descent with α = 0.2:\n"
        + "\n".join(updates)
        + "\n"
    )


# --- the m-example graph ----------------------------------------------------------------------


def _numpy_step(X, y, w, b):
    return cmp.numpy_vectorized(X, y)(np.asarray(w, dtype=float), b)


def test_explain_m_explains_the_vectorized_cost_of_the_first_m_examples(capsys):
    assert main(["explain", "--m", "5", "--first"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "J over the first 5 examples of the shipped breast-cancer data, standardised"
    assert lines[1] == "features: mean radius, mean texture; w = [0, 0], b = 0"
    assert "Backward pass of J in lecture 2's convention" in out
    assert "J = (1/m) Σ L(i), m = 5" in " ".join(out.split())
    X, y, _ = cmp.shipped_data()
    _, dw, db = _numpy_step(X[:5, :2], y[:5], [0.0, 0.0], 0.0)
    dw_text = f"[{_g(dw[0])}, {_g(dw[1])}]"
    # lecture 2's convention, chosen for its cost: dw = (1/m)·Xᵀ·dZ with dZ = A − Y
    assert re.search(rf"dw = \(1/m\) · Xᵀ · dZ = .* = {re.escape(dw_text)}$", out, re.MULTILINE)
    assert f"  b := b − α·db = 0 − 0.1 · {_g(db)} = {_g(-0.1 * db)}" in out
    new_w = f"[{_g(-0.1 * dw[0])}, {_g(-0.1 * dw[1])}]"
    assert out.endswith(f"  w := w − α·dw = {new_w}\n  b := b − α·db = 0 − 0.1 · {_g(db)} = "
                        f"{_g(-0.1 * db)}\n")


def test_explain_m_takes_features_weights_and_bias(capsys):
    argv = ["explain", "--m", "8", "--first", "--features", "worst radius,2,30", "--weights",
            "0.5,-1,2", "--b", "0.25"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "features: worst radius, mean texture, worst fractal dimension; w = [0.5, −1, 2], " \
           "b = 0.25" in out
    X, y, names = cmp.shipped_data()
    columns = [names.index("worst radius"), 1, 29]
    *_, db = _numpy_step(X[:8][:, columns], y[:8], [0.5, -1.0, 2.0], 0.25)
    assert re.search(rf"db = \(1/m\) · Σ dZ = .* = {re.escape(_g(db))}$", out, re.MULTILINE)


def test_explain_and_draw_read_a_csv(tmp_path, capsys):
    path = tmp_path / "two.csv"
    path.write_text("x1,x2,y\n2,-1,1\n1,3,0\n0.5,0.5,1\n")
    assert main(["explain", "--csv", str(path), "--weights", "0.3,-0.4", "--b", "0.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"J over {path}\nfeatures: x1, x2; w = [0.3, −0.4], b = 0.1\n")
    X = np.array([[2.0, -1.0], [1.0, 3.0], [0.5, 0.5]])
    *_, db = _numpy_step(X, np.array([1.0, 0.0, 1.0]), [0.3, -0.4], 0.1)
    assert re.search(rf"db = \(1/m\) · Σ dZ = .* = {re.escape(_g(db))}$", out, re.MULTILINE)
    dot = tmp_path / "g.dot"
    assert main(["draw", "--csv", str(path), "--m", "2", "--first", "--out", str(dot)]) == 0
    assert f"J over the first 2 examples of {path}" in capsys.readouterr().out
    assert "shape (2, 2)" in dot.read_text(encoding="utf-8")


def test_draw_m_draws_the_vectorized_graph_a_handful_of_nodes(tmp_path, capsys):
    dot = tmp_path / "g.dot"
    assert main(["draw", "--m", "50", "--features", "all", "--out", str(dot), "--path", "w"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("30 features: mean radius, mean texture, …, worst")
    source = dot.read_text(encoding="utf-8")
    nodes = re.findall(r"^\s*\S+ \[label=", source, re.MULTILINE)
    assert 5 <= len(nodes) <= 15
    for name in ("X", "w", "b", "Z", "A", "y", "L", "J"):
        assert f"<B>{name}</B>" in source, name
    assert "dJ = 1" in source


def test_draw_m_highlight_names_the_vectorized_graphs_nodes(tmp_path, capsys):
    assert main(["draw", "--m", "3", "--out", str(tmp_path / "g.dot"), "--highlight", "z"]) == 2
    err = capsys.readouterr().err
    assert "--highlight z: not a node of the graph; use one of" in err
    assert all(name in err for name in ("X", "w", "Z", "A", "J"))


def test_draw_m_steps_writes_one_picture_per_backward_step(tmp_path, capsys):
    folder = tmp_path / "steps"
    assert main(["draw", "--m", "4", "--steps", str(folder), "--steps-format", "dot"]) == 0
    assert len(list(folder.glob("step_*.dot"))) == 6  # dJ, dL, dA, dZ, dw, db: the lecture's steps


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["explain", "--m", "600"], "--m 600: the shipped breast-cancer data, standardised has "
         "only 569 examples"),
        (["explain", "--m", "5", "--x1", "2"], "--x1: the one-example graph's values"),
        (["draw", "--m", "5", "--out", "g.dot", "--y", "1", "--w2", "1"], "--w2, --y: the one-"),
        (["explain", "--features", "1"], "--features is for the m-example graph"),
        (["explain", "--weights", "1,2"], "--weights is for the m-example graph"),
        (["explain", "--m", "5", "--weights", "1,2,3"], "--weights has 3 numbers, but 2 features"),
        (["explain", "--m", "5", "--features", "radius"], "'radius' is neither a column number"),
        (["explain", "--m", "5", "--features", "1,1"], "a column is chosen twice"),
        (["explain", "--csv", "missing.csv"], "No such file or directory"),
    ],
)
def test_bad_m_example_options_exit_2_with_a_message(
    tmp_path, monkeypatch, capsys, arguments, message
):
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert f"autograd-lite {arguments[0]}: error: " in captured.err
    assert message in captured.err
    assert not (tmp_path / "g.dot").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1,x2,label\n1,2,0\n", "no target column 'y'; the columns are: x1, x2, label"),
        ("x1,y\n1,yes\n2,no\n", "column 'y' must hold the labels 0 and 1, found 'yes'"),
        ("x1,y\n1,0\n2,3\n", "column 'y' must hold the labels 0 and 1, found 3"),
        ("x1,y\n1,0\n2\n", "line 3: 1 cells, but the header has 2 columns"),
        ("x1,y\n1,0\nabc,1\n", "line 3, column 'x1': 'abc' is not a number"),
        ("y\n1\n", "the only column is the target 'y'; no features"),
        ("", "the file is empty"),
    ],
)
def test_a_bad_csv_exits_2_naming_what_is_wrong(tmp_path, capsys, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["explain", "--csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite explain: error: ") and message in err


def test_the_csv_format_is_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "one column named y holding each example's label, 0 or 1" in out
    assert "at w = 0, b = 0 unless --weights and --b say otherwise" in out


# --- the command ------------------------------------------------------------------------------


def test_the_command_prints_the_table_and_writes_the_chart(tmp_path, capsys):
    chart = tmp_path / "speed.svg"
    argv = ["compare", "--steps", "1", "--repeats", "1", "--m", "30", "--first", "--chart",
            str(chart)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "One gradient step (J, dw, db), seven ways, on the first 30 examples of the shipped "
        "breast-cancer data, standardised\n(30 examples × 30 features); time per step: one "
        "repeat;"
    )
    assert re.search(r"^speed-up of vectorization: [\d,.]+× ", out, re.MULTILINE)
    assert out.endswith(f"wrote {chart}\n")
    ET.parse(chart)


def test_the_command_runs_on_a_csv_with_chosen_features(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("u,v,y\n1,2,0\n-1,0.5,1\n0,1,1\n")
    assert main(["compare", "--csv", str(path), "--features", "v", *_tiny()]) == 0
    assert "(3 examples × 1 feature);" in capsys.readouterr().out


def _tiny() -> list[str]:
    return ["--steps", "1", "--repeats", "1"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--chart", "speed.jpg"], "cannot tell the chart's format"),
        (["--chart", "no/such/folder/speed.png"], "the folder does not exist"),
        (["--m", "1000"], "has only 569 examples"),
        (["--features", "31"], "neither a column number from 1 to 30"),
    ],
)
def test_bad_compare_options_exit_2_before_any_timing(
    tmp_path, monkeypatch, capsys, arguments, message
):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", *arguments, *_tiny()]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "autograd-lite compare: error: " in captured.err
    assert message in captured.err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--repeats", "0"], "argument --repeats: must be ≥ 1"),
        (["--steps", "x"], "argument --steps: not a whole number"),
        (["--min-time", "-1"], "argument --min-time: must be ≥ 0 seconds"),
    ],
)
def test_compare_options_are_checked_by_argparse(capsys, arguments, message):
    with pytest.raises(SystemExit) as caught:
        main(["compare", *arguments])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


# --- hostile CSVs and numbers (issue 19) ----------------------------------------------------------


@pytest.mark.parametrize("label", ["nan", "NaN", " inf", "-inf", "Infinity"])
def test_read_csv_names_the_file_and_line_of_a_label_that_is_not_a_finite_number(tmp_path, label):
    from autograd_lite.datasets import read_csv

    path = tmp_path / "labels.csv"
    path.write_text(f"x1,y\n1,0\n2,{label}\n3,1\n")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}, line 3, column 'y': the "
                       rf"label {re.escape(repr(label.strip()))} is not a finite number"):
        read_csv(path, "y")


def test_a_nan_label_in_the_csv_exits_2_naming_file_and_line(tmp_path, capsys):
    path = tmp_path / "labels.csv"
    path.write_text("x1,y\n1,1\n2,nan\n")
    assert main(["explain", "--csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 3, column 'y': the label 'nan' is not a finite number" in err


@pytest.mark.parametrize(
    ("text", "opened"),
    [
        ('x1,y\n1,1\n"2,0\n3,1\n4,0\n', 3),
        ('x1,y\n"1,1\n2,0\n', 2),
        ('x1,y\n1,0\n2,"1\n3,0\n4,1\n', 3),
    ],
)
def test_read_csv_says_a_quote_is_never_closed_and_the_line_it_opens_on(tmp_path, text, opened):
    from autograd_lite.datasets import read_csv

    path = tmp_path / "quote.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}, line {opened}: a quote "
                       rf"\(\"\) opened on line {opened} is never closed"):
        read_csv(path, "y")


def test_a_quoted_cell_over_two_lines_is_still_read(tmp_path):
    from autograd_lite.datasets import read_csv

    path = tmp_path / "ok.csv"
    path.write_text('x1,y\n1,"ye\ns"\n2,no\n')
    X, y, _ = read_csv(path, "y")
    assert X.tolist() == [[1.0], [2.0]] and y.tolist() == ["ye\ns", "no"]


@pytest.mark.parametrize("command", ["explain", "draw"])
def test_weights_that_overflow_float64_give_the_right_result_and_no_raw_numpy_warning(
    tmp_path, capsys, command
):
    path = tmp_path / "big.csv"
    path.write_text("x1,y\n1e308,1\n-1e308,0\n")
    more = ["--out", str(tmp_path / "g.dot")] if command == "draw" else []
    assert main([command, "--csv", str(path), "--weights", "10", *more]) == 0
    captured = capsys.readouterr()
    assert "RuntimeWarning" not in captured.err and ".py:" not in captured.err
    assert captured.err == (
        f"autograd-lite {command}: note: a number went beyond float64's range (±1.8e308) and "
        "was taken as ±inf, as IEEE arithmetic does; the results above follow from that\n"
    )
    if command == "explain":  # z = ±inf: σ(z) is exactly 1 and 0, the labels: no loss
        assert "dZ = dA · A(1 − A) = A − y = [0, 0]" in captured.out
