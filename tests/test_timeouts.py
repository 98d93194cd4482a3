"""Timeouts are checked where they are given: a clear ConfigurationError, never a crash later."""

from __future__ import annotations

import math

import pytest

from ethos_sdk import ConfigurationError
from ethos_sdk._types import check_timeout


@pytest.mark.parametrize("value, expected", [(5, 5.0), (0.5, 0.5), ((5, 60), (5.0, 60.0)), (None, None)])
def test_accepted_timeouts_come_back_as_floats(value: object, expected: object) -> None:
    assert check_timeout(value) == expected


@pytest.mark.parametrize(
    "value, says",
    [
        ((5, 60, 1), "(connect, read)"),
        (math.inf, "finite"),
        (1e300, "finite"),
        (math.nan, "finite"),
        ("30", "number of seconds"),
        (-1, "above 0"),
        (0, "above 0"),
        ([5, 10], "number of seconds"),
        (True, "number of seconds"),
        ((5, "60"), "timeout[1] (read)"),
    ],
)
def test_refused_timeouts_say_what_is_accepted(value: object, says: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_timeout(value)
    assert says in str(caught.value)


def test_a_timeout_over_a_day_warns_about_milliseconds() -> None:
    with pytest.warns(UserWarning, match="not milliseconds"):
        assert check_timeout(30000 * 3) == 90000.0
    with pytest.warns(UserWarning, match="deadline="):
        check_timeout((5, 90000), name="deadline")
