"""Timeouts and deadlines are checked where they are given: the client, ``with_options``, each call, each stream."""

from __future__ import annotations

import math
import warnings
from typing import Any, Iterator

import pytest

from ethos_sdk import ConfigurationError, EthosClient
from ethos_sdk.testing import LocalEthosServer

BAD = [math.inf, 1e300, math.nan, "30", -1, 0, [5, 10], (5, 60, 1), (5, "60"), True]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as running:
        yield running


def _offline(**options: Any) -> EthosClient:
    return EthosClient("http://127.0.0.1:9", api_key="sk-ethos-" + "0" * 32, **options)


@pytest.mark.parametrize("value", BAD)
def test_the_client_refuses_a_bad_timeout_at_once(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        _offline(timeout=value)


@pytest.mark.parametrize("value", [math.inf, "30", -1, 0, (5, 60), [5]])
def test_the_client_refuses_a_bad_deadline_at_once(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        _offline(deadline=value)


def test_a_pair_as_deadline_is_told_apart_from_timeout() -> None:
    with pytest.raises(ConfigurationError, match=r"not a pair.*timeout= takes"):
        _offline(deadline=(5, 60))


def test_accepted_values_are_kept_as_floats() -> None:
    client = _offline(timeout=(5, 60), deadline=30)
    assert client._transport.timeout == (5.0, 60.0) and client._transport.deadline == 30.0
    derived = client.with_options(timeout=7, deadline=None)
    assert derived._transport.timeout == 7.0 and derived._transport.deadline is None


@pytest.mark.parametrize("value", BAD)
def test_with_options_refuses_a_bad_timeout(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        _offline().with_options(timeout=value)


def test_with_options_refuses_a_bad_deadline() -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        _offline().with_options(deadline=-5)


def test_milliseconds_by_mistake_warn_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _offline(timeout=30000 * 3)
    assert [w.filename for w in caught] == [__file__]
    assert "not milliseconds" in str(caught[0].message)


@pytest.mark.parametrize("value", BAD)
def test_a_bad_timeout_for_one_call_is_refused_before_sending(value: Any, server: LocalEthosServer) -> None:
    before = dict(server.request_counts)
    with server.client() as client:
        with pytest.raises(ConfigurationError, match="timeout"):
            client.sessions.list(timeout=value)
        with pytest.raises(ConfigurationError, match="timeout"):
            client.call("sessions.list", {}, timeout=value)
        with pytest.raises(ConfigurationError, match="timeout"):
            client.health(timeout=value)
    assert server.request_counts == before


def test_a_good_timeout_for_one_call_is_used(server: LocalEthosServer) -> None:
    with server.client() as client:
        assert client.sessions.list(timeout=(5, 30))["items"] is not None
        assert client.health(timeout=10)["status"] == "ok"


@pytest.mark.parametrize("name", ["idle_timeout", "connect_timeout"])
@pytest.mark.parametrize("value", [math.inf, "30", 0, None, (5, 60)])
def test_streams_refuse_a_bad_wait(name: str, value: Any) -> None:
    client = _offline()
    with pytest.raises(ConfigurationError, match=name):
        client.events("s1", **{name: value})
    with pytest.raises(ConfigurationError, match=name):
        client.system_events(**{name: value})
