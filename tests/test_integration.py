"""The SDK end to end over real HTTP, against ``LocalEthosServer``.

The unit tests mock the wire; these run the client, the transport and the
event stream against a server that speaks it, as a user's script would.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from ethos_sdk import (
    AuthenticationError,
    BadRequestError,
    EthosClient,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    TurnError,
)
from ethos_sdk.testing import LocalEthosServer


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as running:
        yield running


@pytest.fixture
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=10) as c:
        yield c


def test_a_session_from_first_message_to_deletion(client: EthosClient, server: LocalEthosServer) -> None:
    reply = client.chat.ask("Hello integration test")
    assert "Hello integration test" in reply.text
    session_id = reply.session_id

    assert any(s["id"] == session_id for s in client.sessions.list_all())
    detail = client.sessions.get(session_id)
    assert [m["role"] for m in detail["messages"]][:2] == ["user", "assistant"]

    renamed = client.sessions.update(session_id, "Integration")
    assert renamed["session"]["title"] == "Integration"
    cleared = client.sessions.update(session_id, None)
    assert cleared["session"]["title"] is None

    exported = client.sessions.export(session_id, "markdown")
    assert "Hello integration test" in exported["content"]

    assert client.sessions.delete(session_id) == {"ok": True}
    with pytest.raises(NotFoundError) as info:
        client.sessions.get(session_id)
    assert info.value.code == "SESSION_NOT_FOUND" and info.value.action


def test_a_second_turn_on_the_same_session_sees_only_its_own_events(client: EthosClient) -> None:
    first = client.chat.ask("first turn")
    second = client.chat.ask("second turn", session_id=first.session_id)
    assert "second turn" in second.text and "first turn" not in second.text
    assert second.session_id == first.session_id and second.turn_id != first.turn_id


def test_streaming_a_tool_turn_yields_the_tool_events(client: EthosClient) -> None:
    types = [event["type"] for event in client.chat.stream("please USE_TOOL:memory_read now")]
    assert types[0] == "run_start" and types[-1] == "done"
    assert "tool_start" in types and "tool_end" in types


def test_a_failed_turn_raises_turn_error(client: EthosClient) -> None:
    with pytest.raises(TurnError):
        client.chat.ask("FAIL on purpose")


def test_validation_and_scope_errors_are_typed(server: LocalEthosServer) -> None:
    with server.client() as client:
        with pytest.raises(BadRequestError) as bad:
            client.sessions.list(limit=500)
        assert bad.value.issues and bad.value.issues[0]["path"] == ["limit"]

    read_only = server.create_key(scopes=["sessions:read"], origins=[server.origin])
    with EthosClient(server.base_url, api_key=read_only, origin=server.origin, timeout=10) as limited:
        assert "items" in limited.sessions.list(limit=1)
        with pytest.raises(PermissionDeniedError, match="chat:send"):
            limited.chat.send("not allowed")
        with pytest.raises(PermissionDeniedError, match="cannot be called with an API key"):
            limited.meta.capabilities()

    with EthosClient(server.base_url, api_key=read_only, timeout=10) as no_origin:
        with pytest.raises(PermissionDeniedError, match="origin="):
            no_origin.sessions.list()


def test_cookie_login_rotates_the_token(server: LocalEthosServer) -> None:
    first_url = server.login_url
    with EthosClient(server.base_url, cookie="stale", timeout=10) as client:
        with pytest.raises(AuthenticationError):
            client.sessions.list()
        client.login(first_url)
        assert client.meta.capabilities()["capabilities"]
    with EthosClient(server.base_url, cookie="x", timeout=10) as other:
        with pytest.raises(AuthenticationError, match="rotated"):
            other.login(first_url)


def test_reads_ride_out_a_burst_of_503s_and_writes_are_sent_once(server: LocalEthosServer) -> None:
    with server.client(max_retries=2) as client:
        client._transport.sleep = lambda seconds: None
        server.faults.fail_next(2, retry_after="0")
        assert "items" in client.sessions.list(limit=1)

        before = server.request_counts.get("chat.send", 0)
        server.faults.fail_next(1)
        with pytest.raises(InternalServerError):
            client.chat.send("once only")
        assert server.request_counts.get("chat.send", 0) == before + 1
        server.faults.clear()
