"""``client.call()`` checks the procedure name and input keys against the SDK's methods (issue 22)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from ethos_sdk import ConfigurationError, EthosError, InvalidCallError
from ethos_sdk._procedures import procedure_inputs
from ethos_sdk.testing import LocalEthosServer


@pytest.fixture(scope="module")
def server() -> Any:
    with LocalEthosServer() as running:
        yield running


def test_the_table_has_every_procedure_of_the_contract_with_its_input_keys(contract: Dict[str, Any]) -> None:
    table = procedure_inputs()
    assert set(table) == set(contract["procedures"])
    wrong = {}
    for name, spec in contract["procedures"].items():
        schema = spec.get("input") or {}
        expected = frozenset(schema.get("properties") or ())
        got = table[name].keys or frozenset()
        if got != expected:
            wrong[name] = (sorted(got), sorted(expected))
    assert not wrong, wrong
    assert table["sessions.list"].method == "client.sessions.list"


def test_an_unknown_procedure_names_the_closest_and_sends_nothing(server: LocalEthosServer) -> None:
    with server.client() as client:
        with pytest.raises(InvalidCallError) as caught:
            client.call("sessions.lst", {})
    error = caught.value
    assert isinstance(error, EthosError) and isinstance(error, ConfigurationError)
    assert "did you mean 'sessions.list'" in str(error)
    assert error.suggestions[0] == "sessions.list" and error.procedure == "sessions.lst"
    assert "strict=False" in str(error) and "Nothing was sent" in str(error)
    assert server.request_counts == {}


def test_the_case_of_a_procedure_is_forgiven_in_the_suggestion_only() -> None:
    with pytest.raises(InvalidCallError, match="did you mean 'apiKeys.list'"):
        _offline().call("apikeys.list")


def _offline() -> Any:
    from ethos_sdk import EthosClient

    return EthosClient("http://127.0.0.1:9", api_key="sk-ethos-" + "0" * 32, max_retries=0)


def test_a_snake_case_key_is_refused_with_its_wire_name(server: LocalEthosServer) -> None:
    with server.client() as client:
        with pytest.raises(InvalidCallError) as caught:
            client.call("sessions.list", {"personality_id": "engineer"})
    message = str(caught.value)
    assert "'personality_id' (did you mean 'personalityId'?)" in message
    assert "client.sessions.list()" in message
    assert caught.value.unknown_keys == ["personality_id"] and caught.value.suggestions == ["personalityId"]
    assert server.request_counts == {}


def test_a_misspelt_key_and_a_key_of_a_procedure_without_input() -> None:
    with pytest.raises(InvalidCallError, match=r"'limt' \(did you mean 'limit'\?\)"):
        _offline().call("sessions.list", {"limt": 5})
    with pytest.raises(InvalidCallError, match="it takes no input"):
        _offline().call("meta.capabilities", {"verbose": True})


def test_known_calls_go_through_and_strict_false_sends_anything(server: LocalEthosServer) -> None:
    with server.client() as client:
        assert client.call("sessions.list", {"limit": 1, "personalityId": "engineer"})["items"] == []
        assert server.request_counts == {"sessions.list": 1}
        # A newer server's procedure: sent as asked, and the server's own answer comes back.
        from ethos_sdk import APIStatusError

        with pytest.raises(APIStatusError):  # this server has no such procedure either
            client.call("sessions.brandNew", {"x": 1}, strict=False)
        assert server.request_counts.get("sessions.brandNew") == 1
        client.call("sessions.list", {"limit": 1, "newFilter": True}, strict=False)
        assert server.request_counts["sessions.list"] == 2
