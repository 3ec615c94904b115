"""The anomaly switches take only True or False: a truthy string must not switch checking on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import anomaly

non_bools = st.one_of(
    st.text(max_size=5),
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.lists(st.booleans(), max_size=2),
    st.just(np.array([True])),
)
"""Values ``bool()`` would turn into True or False, and which no switch should take."""


@given(value=non_bools)
def test_set_detect_anomaly_refuses_anything_but_a_bool_and_leaves_the_switch_alone(
    value: object,
) -> None:
    with pytest.raises(TypeError, match=r"set_detect_anomaly: enabled must be True or False"):
        ag.set_detect_anomaly(value)  # type: ignore[arg-type]
    assert anomaly.enabled() is False


@given(value=non_bools)
def test_detect_anomaly_refuses_anything_but_a_bool_before_entering_the_block(
    value: object,
) -> None:
    with pytest.raises(TypeError, match=r"detect_anomaly: enabled must be True or False"):
        with ag.detect_anomaly(value):  # type: ignore[arg-type]
            pass
    assert anomaly.enabled() is False


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_the_anomaly_switches_take_python_and_numpy_bools(value: bool) -> None:
    with ag.detect_anomaly(value):
        assert anomaly.enabled() is bool(value)
    ag.set_detect_anomaly(value)
    try:
        assert anomaly.enabled() is bool(value)
    finally:
        ag.set_detect_anomaly(False)
