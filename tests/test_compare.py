"""`autograd_lite.compare`: five forms of one gradient step, checked, timed, tabled and drawn.

Correctness and format only: no test asserts a time or a ratio's size (the benchmark script
measures speed). Timings run with the tiny workload (``steps=1, repeats=1``) to stay fast. The
command ``autograd-lite compare`` is tested in test_cli_kit.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import small

from autograd_lite import compare as cmp

TINY = {"steps": 1, "repeats": 1}


def _all_results(X, y, w, b):
    """Each form's (J, dw, db), dw copied (the engine's forms reuse their arrays)."""
    return {
        key: (J, np.array(dw), db)
        for key, (J, dw, db) in (
            (key, f(w, b)) for key, f in cmp.gradient_functions(X, y).items()
        )
    }


def _assert_same(results, reference, J_atol=1e-12):
    J_ref, dw_ref, db_ref = reference
    for key, (J, dw, db) in results.items():
        np.testing.assert_allclose(J, J_ref, rtol=1e-9, atol=J_atol, err_msg=key)
        np.testing.assert_allclose(dw, dw_ref, rtol=1e-9, atol=1e-12, err_msg=key)
        np.testing.assert_allclose(db, db_ref, rtol=1e-9, atol=1e-12, err_msg=key)


def _reference(X, y, w, b):
    """The lecture's vectorized formulas, written here independently, with a stable J."""
    z = X @ w + b
    a = 1.0 / (1.0 + np.exp(-z))
    J = np.mean(np.logaddexp(0.0, -z) * y + np.logaddexp(0.0, z) * (1.0 - y))
    return float(J), X.T @ (a - y) / len(y), float(np.mean(a - y))


# --- the five forms agree ---------------------------------------------------------------------


def test_the_seven_forms_are_the_lectures_then_interpreted_then_compiled_in_order():
    assert list(cmp.FORMS) == [
        cmp.PLAIN_LOOP,
        cmp.NUMPY_LOOP,
        cmp.NUMPY_VECTORIZED,
        cmp.ENGINE_LOOP,
        cmp.ENGINE_VECTORIZED,
        cmp.COMPILED_LOOP,
        cmp.COMPILED_VECTORIZED,
    ]
    X, y, _ = cmp.shipped_data()
    assert list(cmp.gradient_functions(X[:3], y[:3])) == list(cmp.FORMS)


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_all_seven_forms_agree_on_the_shipped_data(seed):
    X, y, _ = cmp.shipped_data()
    n = X.shape[1]
    if seed is None:  # gradient descent's first step, where compare times them
        w, b = np.zeros(n), 0.0
    else:
        rng = np.random.default_rng(seed)
        w, b = rng.normal(scale=0.3, size=n), float(rng.normal())
    results = _all_results(X, y, w, b)
    _assert_same(results, _reference(X, y, w, b))
    differences = cmp.check_agreement(results, X, w, b)
    assert set(differences) == set(cmp.FORMS)
    assert differences[cmp.NUMPY_VECTORIZED] == 0.0
    assert max(differences.values()) < 1e-12


@given(
    data=st.data(),
    m=st.integers(1, 6),
    n=st.integers(1, 4),
    b=small(-1.0, 1.0),
)
def test_the_seven_forms_give_the_same_J_dw_db_on_any_small_problem(data, m, n, b):
    # |x| ≤ 3, |w| ≤ 2, |b| ≤ 1, n ≤ 4: |z| ≤ 25, where the lecture's plain log(1 − a) is
    # still defined (it fails where a rounds to 1, above about z = 36).
    X = data.draw(hnp.arrays(np.float64, (m, n), elements=small(-3.0, 3.0)), label="X")
    y = data.draw(hnp.arrays(np.float64, (m,), elements=st.sampled_from([0.0, 1.0])), label="y")
    w = data.draw(hnp.arrays(np.float64, (n,), elements=small(-2.0, 2.0)), label="w")
    results = _all_results(X, y, w, b)
    # The lecture's log(1 − a) loses digits where a is near 1: a's rounding ε divided by 1 − a.
    z = X @ w + b
    J_atol = np.mean(4 * np.finfo(float).eps * (1.0 + np.exp(np.abs(z))))
    _assert_same(results, _reference(X, y, w, b), J_atol=max(J_atol, 1e-12))
    cmp.check_agreement(results, X, w, b)  # and the module's own check agrees they agree


def test_a_form_that_is_wrong_is_named_by_the_check():
    X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    w, b = np.zeros(2), 0.0
    results = _all_results(X, y, w, b)
    J, dw, db = results[cmp.ENGINE_LOOP]
    results[cmp.ENGINE_LOOP] = (J, dw * 1.001, db)  # a formula off by a tenth of a percent
    with pytest.raises(ValueError, match=r"engine's per-example loop .* disagree on dw"):
        cmp.check_agreement(results, X, w, b)
    results[cmp.ENGINE_LOOP] = (J * (1 + 1e-6), dw / 1.001, db)
    with pytest.raises(ValueError, match=r"disagree on J"):
        cmp.check_agreement(results, X, w, b)


def test_the_plain_loop_is_the_lectures_code_with_lists_and_floats():
    """Its results are Python floats, and it reads nothing from numpy while it loops."""
    step = cmp.plain_python_loop(np.array([[2.0, -1.0]]), np.array([1.0]))
    J, dw, db = step(np.array([0.3, -0.4]), 0.1)
    assert type(J) is float and type(db) is float
    assert round(db, 5) == -0.24974 and dw.round(5).tolist() == [-0.49948, 0.24974]


# --- compare() ------------------------------------------------------------------------------


def test_compare_returns_rows_in_order_with_ratios_to_numpy_vectorized():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), (rng.random(30) < 0.5).astype(float)
    result = cmp.compare(X, y, steps=2, repeats=3)
    assert [row.key for row in result.rows] == list(cmp.FORMS)
    reference = result[cmp.NUMPY_VECTORIZED].seconds
    for row in result.rows:
        assert row.form == cmp.FORMS[row.key]
        assert len(row.times) == 3 and row.steps == 2
        assert row.seconds == sorted(row.times)[1]  # the median of three
        assert row.ratio == pytest.approx(row.seconds / reference)
        assert row.difference < 1e-12
    assert result.speedup == pytest.approx(result.ratio(cmp.PLAIN_LOOP, cmp.NUMPY_VECTORIZED))
    assert "speed-up of vectorization" in repr(result)


def test_the_table_lists_seven_forms_then_the_speedup_and_the_engines_overhead():
    X, y, _ = cmp.shipped_data()
    result = cmp.compare(X[:40], y[:40], data="the first 40 examples", steps=1, repeats=7)
    text = str(result)
    lines = text.splitlines()
    assert lines[0] == "One gradient step (J, dw, db), seven ways, on the first 40 examples"
    assert lines[1] == (
        "(40 examples × 30 features); time per step: the median of 7 repeats; ÷ (3): the ratio "
        "to (3)"
    )
    assert re.fullmatch(r" +form +time per step +÷ \(3\) +max \|Δ\| vs \(3\)", lines[3])
    number = r"[\d,.]+(e[+-]\d+)?"
    for k, (line, form) in enumerate(zip(lines[4:11], cmp.FORMS.values(), strict=True), start=1):
        assert re.fullmatch(
            rf"\({k}\) {re.escape(form)} +{number} ms +{number}× +\d\.\de[+-]\d\d", line
        ), line
    assert re.search(r"\(3\) numpy vectorized .* 1\.0× +0\.0e\+00$", lines[6])
    assert re.fullmatch(
        r"speed-up of vectorization: [\d,.]+× \(the lecture's two loops in plain Python ÷ "
        r"numpy vectorized\)",
        lines[12],
    )
    assert lines[13] == "the engine's own overhead, measured apart:"
    pairs = ["(4) .* ÷ (5)", "(5) .* ÷ (3)", "(4) .* ÷ (1)", "(6) .* ÷ (1)", "(7) .* ÷ (3)"]
    for line, pair in zip(lines[14:19], pairs, strict=True):
        assert re.fullmatch(rf"  {re.escape(pair[:3])}.*÷ {re.escape(pair[-3:])}.*: +[\d,.]+×",
                            line), line
    assert "all seven give the same J, dw, db" in text
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)


def test_the_markdown_table_has_a_row_per_form():
    X, y, _ = cmp.shipped_data()
    result = cmp.compare(X[:20], y[:20], **TINY)
    markdown = result._repr_markdown_()
    assert markdown == result.to_markdown()
    rows = [line for line in markdown.splitlines() if line.startswith("| (")]
    assert [row.split(" | ")[1] for row in rows] == list(cmp.FORMS.values())
    assert "- speed-up of vectorization:" in markdown
    assert "  - (4) its per-example loop ÷ (5) its vectorized graph:" in markdown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"X": np.zeros((2, 2))}, "X without y"),
        ({"y": np.zeros(2)}, "y without X"),
        ({"X": np.zeros((2, 2)), "y": np.array([0.0, 2.0])}, r"labels in \[0, 1\]"),
        ({"X": np.zeros((2, 2)), "y": np.array(["a", "b"])}, "labels 0 and 1 as numbers"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(3)}, "different lengths"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "w": np.zeros(3)}, r"w must be 2 finite"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "b": float("nan")}, "b must be a finite"),
        ({"X": np.ones((2, 1)), "y": np.zeros(2), "w": [100.0]}, r"need \|z\| below about 36"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "repeats": 0}, "repeats must be"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "steps": 0}, "steps must be"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "min_time": -1.0}, "min_time must be"),
    ],
)
def test_compare_refuses_bad_input_with_a_clear_message(arguments, message):
    with pytest.raises(ValueError, match=message):
        cmp.compare(**arguments)


def test_time_steps_runs_each_function_interleaved_and_sizes_repeats_by_min_time():
    calls: list[str] = []
    functions = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times, steps = cmp.time_steps(functions, repeats=2, steps=3)
    assert steps == {"a": 3, "b": 3} and all(len(t) == 2 for t in times.values())
    # one warm-up call each, then the rounds: a first in round 1, b first in round 2
    assert "".join(calls) == "ab" + "aaabbb" + "bbbaaa"
    times, steps = cmp.time_steps({"quick": lambda: None}, repeats=1, min_time=0.0)
    assert steps == {"quick": 1}


# --- the chart --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_result():
    X, y, _ = cmp.shipped_data()
    return cmp.compare(X[:20], y[:20], **TINY)


def test_the_chart_is_written_as_png(tmp_path, small_result):
    path = small_result.plot(tmp_path / "speed.png")
    assert path == tmp_path / "speed.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_chart_is_written_as_svg_that_parses(tmp_path, small_result):
    path = small_result.plot(str(tmp_path / "speed.svg"))
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "speed-up of vectorization" in path.read_text(encoding="utf-8")


def test_the_chart_draws_into_given_axes(small_result):
    from matplotlib.figure import Figure

    axes = Figure().add_subplot()
    assert small_result.plot(axes) is axes
    assert axes.get_xscale() == "log"
    assert len(axes.patches) == 7
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels[0] == "(1) lecture's two loops, plain Python"


def test_a_chart_name_without_a_known_extension_is_refused(tmp_path, small_result):
    with pytest.raises(ValueError, match=r"end the name in \.png, \.svg, \.pdf"):
        small_result.plot(tmp_path / "speed.jpg")
    assert not (tmp_path / "speed.jpg").exists()


# --- hostile arguments (issue 19) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("w", "said"),
    [
        ([np.nan, 0.0, 0.0], r"w\[0\] is nan"),
        ([0.0, 0.0, np.inf], r"w\[2\] is inf"),
        ([0.0, -np.inf, np.nan], r"w\[1\] is -inf"),
    ],
)
def test_compare_names_a_weight_that_is_not_finite_not_the_shape(w, said):
    X, y, _ = cmp.shipped_data()
    with pytest.raises(ValueError, match=rf"^w must be 3 finite numbers, but {said}") as caught:
        cmp.compare(X[:20, :3], y[:20], w=w, **TINY)
    assert "got shape (3,)" not in str(caught.value)


def test_compare_still_names_the_shape_of_a_w_of_the_wrong_shape():
    X, y, _ = cmp.shipped_data()
    with pytest.raises(ValueError, match=r"w must be 3 finite numbers \(shape \(3,\)\), got "
                       r"shape \(2,\)"):
        cmp.compare(X[:20, :3], y[:20], w=[0.0, 0.0], **TINY)


@pytest.mark.parametrize("target", [123, 1.5, ["speed.png"], b"speed.png"])
def test_plot_refuses_a_target_that_is_no_file_name_or_axes(small_result, target):
    with pytest.raises(TypeError, match=rf"plot: target must be a file name \(.png, .svg or "
                       rf".pdf\), a matplotlib Axes or None, got {re.escape(repr(target))} "
                       rf"\({type(target).__name__}\)"):
        small_result.plot(target)
