"""The demo end to end, its output folder, the user's CSV and the shipped data set.

The demo is run through a tiny argparse built here with ``demo.add_command``, the same hook
the ``autograd-lite`` CLI uses.
"""

from __future__ import annotations

import argparse
import re
import sys

import numpy as np
import pytest

from autograd_lite import compare, demo
from autograd_lite.datasets import BREAST_CANCER_TARGET_NAMES, load_breast_cancer, read_csv
from autograd_lite.logistic import LogisticRegression

FAST = ["--iterations", "30", "--loop-iterations", "2", "--flower-steps", "50"]


@pytest.fixture(autouse=True)
def tiny_timing(monkeypatch):
    """The demo's five-way timing with one step, once: the tests check its format, not speed."""
    monkeypatch.setattr(demo, "TIMING", {"steps": 1, "repeats": 1})


def run_demo(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="autograd-lite")
    demo.add_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["demo", *argv])
    return args.run(args)


def test_the_demo_trains_both_ways_reports_and_writes_its_files(tmp_path, capsys):
    out = tmp_path / "out"
    assert run_demo("--out", str(out), *FAST) == 0
    printed = capsys.readouterr().out

    assert "569 examples × 30 features; y = 1: benign, y = 0: malignant" in printed
    assert "456 to train, 113 to test" in printed
    assert printed.count("Cost after iteration 0: 0.693147") == 2  # once per method
    for row in ("final cost J", "train accuracy", "test accuracy", "wall time", "per iteration"):
        assert re.search(rf"^  {row} .+ .+$", printed, re.MULTILINE), row
    assert "the loop ran 2 iterations, the vectorized fit 30: the loop is the slow path" in printed
    assert "timing one gradient step, five ways, on the training set's 456 examples:" in printed
    for k, form in enumerate(compare.FORMS.values(), start=1):
        assert re.search(rf"^\({k}\) {re.escape(form)} +[\d.,]+ ms ", printed, re.MULTILINE)
    assert re.search(
        r"^speed-up of vectorization: [\d,.]+× \(the lecture's two loops in plain Python ÷ "
        r"numpy vectorized\)$",
        printed,
        re.MULTILINE,
    )
    assert "the engine's own overhead, measured apart:" in printed
    assert re.search(r"^  \(4\) its per-example loop ÷ \(5\) its vectorized graph: +[\d,.]+×$",
                     printed, re.MULTILINE)
    assert re.search(r"^  \(5\) its vectorized graph ÷ \(3\) numpy: +[\d,.]+×$", printed,
                     re.MULTILINE)
    match = re.search(r"after 2 steps, loop and vectorized w, b differ by (\S+) ", printed)
    assert match and float(match.group(1)) <= 1e-10
    assert f"files in {out}" in printed

    graph = out / "graph.svg" if (out / "graph.svg").exists() else out / "graph.dot"
    assert graph.stat().st_size > 0 and graph.name in printed
    if graph.suffix == ".svg":  # lecture-sized: it was 124 nodes, 8264 × 2647 pt
        text = graph.read_text(encoding="utf-8")
        assert 5 <= text.count('class="node"') <= 15
        size = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', text).groups()
        assert float(size[0]) < 2000 and float(size[1]) < 1000
    assert (out / "cost_curve.png").read_bytes().startswith(b"\x89PNG")
    rows = (out / "cost_curve.csv").read_text().splitlines()
    assert rows[0] == "iteration,vectorized,loop" and len(rows) == 1 + 30
    assert rows[3] == "2," + rows[3].split(",")[1] + ","  # the loop stopped after 2 steps
    model = LogisticRegression.load(out / "model.npz")
    assert model.n_iter_ == 30 and model.classes_.tolist() == [0, 1]


def test_the_default_folder_is_new_in_the_working_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run_demo(*FAST)
    run_demo(*FAST)  # within the same second: a second, different folder
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert len(folders) == 2
    assert all(re.fullmatch(r"autograd_lite_demo-\d{8}-\d{6}(-\d+)?", f) for f in folders)
    assert "files in" in capsys.readouterr().out


def test_the_demo_never_writes_into_a_folder_that_has_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        run_demo("--out", str(tmp_path), *FAST)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_without_matplotlib_the_curve_is_a_csv_and_the_extra_is_named(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
    run_demo("--out", str(tmp_path / "out"), *FAST)
    assert "pip install 'autograd_lite[demo]'" in capsys.readouterr().out
    assert not (tmp_path / "out" / "cost_curve.png").exists()
    assert (tmp_path / "out" / "cost_curve.csv").exists()


def test_the_demo_trains_on_the_users_csv_with_text_labels(tmp_path, capsys):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    labels = np.where(X[:, 0] - X[:, 1] > 0, "spam", "ham")
    path = tmp_path / "mail.csv"
    lines = ["x1,label,x2"] + [f"{a},{c},{b}" for (a, b), c in zip(X, labels, strict=True)]
    path.write_text("\n".join(lines) + "\n\n")
    run_demo("--csv", str(path), "--target", "label", "--out", str(tmp_path / "o"), *FAST)
    printed = capsys.readouterr().out
    assert "60 examples × 2 features; y = 1: 'spam', y = 0: 'ham'" in printed
    assert LogisticRegression.load(tmp_path / "o" / "model.npz").classes_.tolist() == [
        "ham",
        "spam",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,y\n1,2,0\n3,4\n", r"line 3: 2 cells, but the header has 3 columns"),
        ("a,b,y\n1,2,0\n3,four,1\n", r"line 3, column 'b': 'four' is not a number"),
        ("a,b,y\n1,nan,0\n3,4,1\n", r"line 2, column 'b': 'nan' is not finite"),
        ("a,b,label\n1,2,0\n3,4,1\n", r"no target column 'y'; the columns are: a, b, label"),
        ("a,b,y\n1,2,0\n3,4,0\n", r"target column 'y' has a single class \(0\)"),
        ("a,b,y\n1,2,0\n3,4,1\n5,6,2\n", r"has 3 classes"),
        ("a,b,y\n1,2,\n3,4,1\n", r"line 2, column 'y': the label is empty"),
        ("", r"the file is empty"),
        ("a,b,y\n", r"no examples"),
        ("a,a,y\n1,2,0\n", r"the column name 'a' appears twice"),
    ],
)
def test_a_bad_csv_is_an_error_naming_the_line_and_column(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        run_demo("--csv", str(path), "--target", "y", "--out", str(tmp_path / "o"), *FAST)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--csv", "data.csv"], "--csv needs --target"),
        (["--target", "y"], "--target names a column of --csv"),
        (["--iterations", "0"], "--iterations must be at least 1"),
        (["--loop-iterations", "0"], "--loop-iterations must be at least 1"),
        (["--learning-rate", "-1"], "--learning-rate must be a finite number >= 0"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path, argv, message):
    with pytest.raises(ValueError, match=message):
        run_demo("--out", str(tmp_path / "o"), *argv)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seed", "-1"], r"--seed must be an integer >= 0, got -1"),
        (["--learning-rate", "-1"], r"--learning-rate must be a finite number >= 0, got -1"),
        (["--learning-rate", "nan"], r"--learning-rate must be a finite number >= 0, got nan"),
        (["--learning-rate", "inf"], r"--learning-rate must be a finite number >= 0, got inf"),
        (["--iterations", "0"], r"--iterations must be at least 1, got 0"),
        (["--loop-iterations", "-2"], r"--loop-iterations must be at least 1, got -2"),
        (["--test-fraction", "1"], r"--test-fraction must be in \[0, 1\), got 1"),
        (["--test-fraction", "-0.1"], r"--test-fraction must be in \[0, 1\), got -0.1"),
        (["--test-fraction", "nan"], r"--test-fraction must be in \[0, 1\), got nan"),
    ],
)
def test_options_are_checked_before_any_data_is_read_or_printed(tmp_path, capsys, argv, message):
    missing = tmp_path / "no_such.csv"  # reading it would fail differently
    with pytest.raises(ValueError, match=message):
        run_demo("--csv", str(missing), "--target", "y", "--out", str(tmp_path / "o"), *argv)
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "o").exists()


def test_without_a_test_set_the_graph_is_captioned_as_a_training_example(tmp_path, capsys):
    out = tmp_path / "out"
    run_demo("--out", str(out), "--test-fraction", "0", *FAST)
    printed = capsys.readouterr().out
    assert "569 to train, 0 to test" in printed
    graph = out / "graph.svg" if (out / "graph.svg").exists() else out / "graph.dot"
    for text in (printed, graph.read_text(encoding="utf-8")):
        assert "one training example" in text
        assert "test example" not in text


def test_with_a_test_set_the_graph_is_captioned_as_a_test_example(tmp_path, capsys):
    out = tmp_path / "out"
    run_demo("--out", str(out), *FAST)
    graph = out / "graph.svg" if (out / "graph.svg").exists() else out / "graph.dot"
    for text in (capsys.readouterr().out, graph.read_text(encoding="utf-8")):
        assert "one test example" in text and "training example" not in text


def test_the_shipped_data_is_the_wisconsin_breast_cancer_set():
    X, y, names = load_breast_cancer()
    assert X.shape == (569, 30) and X.dtype == np.float64 and np.isfinite(X).all()
    assert np.bincount(y).tolist() == [212, 357]  # 0 = malignant, 1 = benign
    assert BREAST_CANCER_TARGET_NAMES == ("malignant", "benign")
    assert names[:3] == ["mean radius", "mean texture", "mean perimeter"]
    assert len(set(names)) == 30 and "target" not in names
    assert X[0, 0] == 17.99 and X[-1, -1] == 0.07039


def test_the_shipped_data_matches_scikit_learns_copy():
    from sklearn import datasets  # a test dependency: never skipped for want of it

    X, y, names = load_breast_cancer()
    reference = datasets.load_breast_cancer()
    np.testing.assert_array_equal(X, reference.data)
    np.testing.assert_array_equal(y, reference.target)
    assert names == list(reference.feature_names)


def test_read_csv_reads_numbers_and_whole_number_labels_as_int(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(" f1 , f2 ,y\n1.5,-2,1\n0,3e2,0.0\n")
    X, y, names = read_csv(path, "y")
    assert names == ["f1", "f2"]
    np.testing.assert_array_equal(X, [[1.5, -2.0], [0.0, 300.0]])
    assert y.dtype.kind == "i" and y.tolist() == [1, 0]


def test_read_csv_ignores_a_utf8_byte_order_mark_as_excel_writes_it(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("label,x\r\nyes,1\r\nno,2\r\n".encode("utf-8-sig"))
    X, y, names = read_csv(path, "label")
    assert names == ["x"] and y.tolist() == ["yes", "no"] and X.tolist() == [[1.0], [2.0]]


@pytest.mark.parametrize("where", ["header", "data"])
def test_a_csv_that_is_not_utf8_is_a_value_error_naming_the_file(tmp_path, where):
    path = tmp_path / "latin1.csv"
    text = "caf\u00e9,y\n1,0\n" if where == "header" else "x,y\n" + "1,0\n" * 3000 + "1,caf\u00e9\n"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.csv: not UTF-8 text") as caught:
        read_csv(path, "y")
    assert not isinstance(caught.value, UnicodeDecodeError)


def test_the_stratified_split_keeps_class_shares_and_is_reproducible():
    y = np.array([0] * 20 + [1] * 80)
    train, test = demo.stratified_split(y, 0.25, seed=1)
    assert np.bincount(y[test]).tolist() == [5, 20]
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    again, _ = demo.stratified_split(y, 0.25, seed=1)
    np.testing.assert_array_equal(train, again)


def test_with_the_same_number_of_iterations_the_table_needs_no_note(tmp_path, capsys):
    run_demo("--out", str(tmp_path / "o"), "--iterations", "2", "--loop-iterations", "2")
    printed = capsys.readouterr().out
    assert re.search(r"^  iterations +2 +2$", printed, re.MULTILINE)
    assert "the loop ran" not in printed


def test_the_graph_is_lecture_sized_for_the_example_the_model_is_least_sure_of():
    from autograd_lite.explain import graph_nodes

    X, y, names = load_breast_cancer()
    data = demo.prepare(X, y, names)
    model = LogisticRegression(max_iter=300).fit(data.X_train, data.y_train)
    L, caption = demo.borderline_graph(model, data)
    L.backward()
    assert len(graph_nodes(L)) <= 15
    a = model.predict_proba(data.X_test)[:, 1]
    i = int(np.argmin(np.abs(a - 0.5)))
    assert caption.startswith("one test example, the one the model is least sure of")
    assert f"(row {i} of the test set: y = {data.y_test[i]:g}, a = {a[i]:.3f})" in caption
    gradients = L.gradients()
    assert abs(gradients["dz"]) > 0.1  # dz = a − y with a near 0.5: far from 0
    assert np.max(np.abs(gradients["dw"])) > 0.01 and abs(gradients["db"]) > 0.1
    np.testing.assert_allclose(gradients["dw"], data.X_test[i] * gradients["dz"])
