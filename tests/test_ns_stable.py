"""The stable core: ``sessions``, ``chat``, ``memory``, ``meta``, plus ``tools`` and ``clarify``.

What a user relies on: each method reaches its own path with the wire keys
written out, "not given" stays out of the body while ``None`` goes as null,
the ``*_all`` iterators carry the filters and stop, writes are never sent
twice, and recorded answers of the real server decode to the keys the types
declare.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import responses

from ethos_sdk import EthosClient
from ethos_sdk.errors import InternalServerError, NotFoundError, PermissionDeniedError
from ethos_sdk.types.chat import Attachment, TurnReceipt
from ethos_sdk.types.memory import MemoryFile, MemoryFileResult
from ethos_sdk.types.meta import Capabilities
from ethos_sdk.types.sessions import Message, Session, SessionDetail, ToolCall

from .conftest import FAKE_KEY
from .mocking import BASE, answer as ok, assert_shape, replay, sent_body as sent

STABLE_NAMESPACES = ("sessions", "chat", "memory", "meta", "personalities")


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient(BASE, api_key=FAKE_KEY) as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as rsps:
        yield rsps


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --- the promise: every stable procedure has its method ----------------------------


def test_every_stable_procedure_has_a_method_on_the_client(contract: dict[str, Any]) -> None:
    client = EthosClient(BASE, api_key=FAKE_KEY)
    stable = [name for name, entry in contract["procedures"].items() if entry["tier"] == "stable"]
    assert stable, "the contract lists no stable procedure"
    missing = []
    for name in stable:
        target: Any = client
        try:
            for part in name.split("."):
                target = getattr(target, snake(part))
        except (AttributeError, ImportError):
            missing.append(name)
            continue
        if not callable(target):
            missing.append(name)
    assert not missing, f"{len(missing)} of {len(stable)} stable procedures have no method: {missing}"
    assert {name.split(".")[0] for name in stable} <= set(STABLE_NAMESPACES)


# --- sessions ------------------------------------------------------------------------


def test_get_decodes_a_recorded_transcript_with_tool_calls(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "sess-14-get-tool-session")
    session_id = exchange.request.json()["json"]["id"]

    detail = client.sessions.get(session_id)

    assert sent(mocked) == exchange.request.json()
    assert_shape(detail, SessionDetail)
    assert_shape(detail["session"], Session)
    assert detail["session"]["id"] == session_id
    for message in detail["messages"]:
        assert_shape(message, Message)
    calls = [call for m in detail["messages"] for call in (m["toolCalls"] or [])]
    assert calls, "the recorded session has a tool call"
    for call in calls:
        assert_shape(call, ToolCall)


def test_get_of_an_unknown_session_raises_not_found(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    replay(mocked, wire_dir, "sess-10-get-deleted")

    with pytest.raises(NotFoundError) as caught:
        client.sessions.get("b73d0ba3-3738-4f2c-a3fc-912c1e306803")

    assert caught.value.code == "SESSION_NOT_FOUND"


def test_update_sends_none_as_null_and_leaves_out_what_was_not_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "sessions/update", {"session": {}})

    client.sessions.update("s1", None)

    assert sent(mocked) == {"json": {"id": "s1", "title": None}}


def test_fork_writes_out_its_wire_keys(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "sessions/fork", {"session": {}})

    client.sessions.fork("s1", personality_id="coder", expected_version=3)

    assert mocked.calls[0].request.url == f"{BASE}/rpc/sessions/fork"
    assert sent(mocked) == {"json": {"id": "s1", "personalityId": "coder", "expectedVersion": 3}}


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (
            lambda c: c.sessions.export("s1", "markdown"),
            "sessions/export",
            {"id": "s1", "format": "markdown"},
        ),
        (lambda c: c.sessions.pin("s1"), "sessions/pin", {"id": "s1"}),
        (lambda c: c.sessions.unpin("s1"), "sessions/unpin", {"id": "s1"}),
        (lambda c: c.sessions.context_anatomy("s1"), "sessions/contextAnatomy", {"id": "s1"}),
        (lambda c: c.sessions.compact("s1"), "sessions/compact", {"id": "s1"}),
        (
            lambda c: c.sessions.compact("s1", instructions="keep the numbers"),
            "sessions/compact",
            {"id": "s1", "instructions": "keep the numbers"},
        ),
    ],
)
def test_session_procedures_reach_their_own_path(
    client: EthosClient, mocked: responses.RequestsMock, call: Any, path: str, body: Any
) -> None:
    ok(mocked, path, {})

    call(client)

    assert mocked.calls[0].request.url == f"{BASE}/rpc/{path}"
    assert sent(mocked) == {"json": body}


def test_undo_turns_is_not_routed_by_the_server_yet(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "err-40-contract-only-procedure-undoTurns-cookie")

    with pytest.raises(NotFoundError) as caught:
        client.sessions.undo_turns("x", n=1)

    assert sent(mocked) == exchange.request.json()
    assert caught.value.status == 404


def test_sessions_list_all_stops_on_a_repeated_cursor(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "sessions/list", {"items": [{"id": "a"}], "nextCursor": "1"})
    ok(mocked, "sessions/list", {"items": [{"id": "b"}], "nextCursor": "1"})

    ids = [session["id"] for session in client.sessions.list_all(q="deploy")]

    assert ids == ["a", "b"]
    assert len(mocked.calls) == 2
    assert [sent(mocked, i)["json"] for i in range(2)] == [{"q": "deploy"}, {"q": "deploy", "cursor": "1"}]


# --- chat ------------------------------------------------------------------------------


def test_send_matches_the_recorded_request_and_decodes_its_answer(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "chat-01-send-new-session")
    recorded = exchange.request.json()["json"]

    receipt = client.chat.send(recorded["text"], client_id=recorded["clientId"])

    assert sent(mocked) == exchange.request.json()
    assert_shape(receipt, TurnReceipt)
    assert receipt["turnId"] == exchange.response.header("x-request-id")


def test_send_reports_the_clients_own_id_unless_given_one(mocked: responses.RequestsMock) -> None:
    ok(mocked, "chat/send", {"sessionId": "s1", "turnId": "t1"})
    ok(mocked, "chat/send", {"sessionId": "s1", "turnId": "t2"})
    client = EthosClient(BASE, api_key=FAKE_KEY, client_id="notebook-7")

    client.chat.send("hello", session_id="s1")
    client.chat.send("again", session_id="s1", client_id="other")

    assert sent(mocked, 0) == {"json": {"sessionId": "s1", "clientId": "notebook-7", "text": "hello"}}
    assert sent(mocked, 1)["json"]["clientId"] == "other"


def test_send_passes_attachments_and_flags_under_their_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "chat/send", {"sessionId": "s1", "turnId": "t1"})
    picture: Attachment = {"type": "image", "data": "aGk=", "mimeType": "image/png", "name": "a.png"}

    client.chat.send(
        "what is this?",
        personality_id="researcher",
        user_id="u1",
        dry_run=True,
        origin="voice",
        attachments=[picture],
    )

    body = sent(mocked)["json"]
    assert body["personalityId"] == "researcher"
    assert body["userId"] == "u1"
    assert body["dryRun"] is True
    assert body["origin"] == "voice"
    assert body["attachments"] == [picture]
    assert "sessionId" not in body


def test_send_is_never_sent_twice_after_a_server_error(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{BASE}/rpc/chat/send", status=502, body="")
    client = EthosClient(BASE, api_key=FAKE_KEY, max_retries=3)
    client._transport.sleep = lambda seconds: None

    with pytest.raises(InternalServerError):
        client.chat.send("do it once")

    assert len(mocked.calls) == 1


def test_abort_and_steer_name_the_session(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "chat/abort", {"ok": True})
    ok(mocked, "chat/steer", {"ok": False})

    client.chat.abort("s1")
    steered = client.chat.steer("s1", "shorter, please")

    assert sent(mocked, 0) == {"json": {"sessionId": "s1"}}
    assert sent(mocked, 1) == {"json": {"sessionId": "s1", "text": "shorter, please"}}
    assert steered["ok"] is False


# --- memory ------------------------------------------------------------------------------


def test_write_takes_store_content_then_personality_like_the_recorded_call(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "mem-03-write-memory")
    recorded = exchange.request.json()["json"]

    result = client.memory.write(recorded["store"], recorded["content"], recorded["personalityId"])

    assert sent(mocked) == exchange.request.json()
    assert_shape(result, MemoryFileResult)
    assert_shape(result["file"], MemoryFile)
    assert result["file"]["content"] == recorded["content"]


def test_memory_list_decodes_the_recorded_page(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    replay(mocked, wire_dir, "mem-01-list")

    files = list(client.memory.list_all("researcher"))

    assert [f["store"] for f in files] == ["memory", "user"]
    for file in files:
        assert_shape(file, MemoryFile)
    assert len(mocked.calls) == 1  # nextCursor null: one page only


def test_memory_list_all_carries_the_filters_to_every_page(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "memory/list", {"items": [{"store": "memory"}], "nextCursor": "c1"})
    ok(mocked, "memory/list", {"items": [{"store": "user"}], "nextCursor": None})

    stores = [f["store"] for f in client.memory.list_all("researcher", limit=1, user_id="u1")]

    assert stores == ["memory", "user"]
    assert sent(mocked, 0)["json"] == {"personalityId": "researcher", "limit": 1, "userId": "u1"}
    assert sent(mocked, 1)["json"] == {
        "personalityId": "researcher",
        "limit": 1,
        "cursor": "c1",
        "userId": "u1",
    }


def test_memory_history_all_walks_entries_until_the_cursor_repeats(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "memory/history", {"entries": [{"key": "a"}], "nextCursor": "n1", "corruptLines": 0})
    ok(mocked, "memory/history", {"entries": [{"key": "b"}], "nextCursor": "n2", "corruptLines": 0})
    ok(mocked, "memory/history", {"entries": [{"key": "c"}], "nextCursor": "n1", "corruptLines": 0})

    keys = [e["key"] for e in client.memory.history_all("researcher", source="dream", since_ms=5)]

    assert keys == ["a", "b", "c"]
    assert len(mocked.calls) == 3
    assert sent(mocked, 2)["json"] == {
        "personalityId": "researcher",
        "source": "dream",
        "sinceMs": 5,
        "cursor": "n2",
    }


def test_memory_procedures_without_filters_send_an_empty_object(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "memory/listUsers", {"users": []})

    client.memory.list_users()

    assert sent(mocked) == {"json": {}}


def test_pending_facts_are_approved_and_rejected_by_id(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "memory/pendingApprove", {"ok": True})
    ok(mocked, "memory/pendingReject", {"ok": True})

    client.memory.pending_approve("researcher", "p1")
    client.memory.pending_reject("researcher", "p2")

    assert mocked.calls[0].request.url == f"{BASE}/rpc/memory/pendingApprove"
    assert sent(mocked, 0) == {"json": {"personalityId": "researcher", "id": "p1"}}
    assert mocked.calls[1].request.url == f"{BASE}/rpc/memory/pendingReject"
    assert sent(mocked, 1) == {"json": {"personalityId": "researcher", "id": "p2"}}


# --- meta --------------------------------------------------------------------------------


def test_capabilities_sends_null_and_decodes_the_recorded_answer(
    mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "meta-02-capabilities-cookie-json-null")
    client = EthosClient(BASE, cookie="f" * 64)

    result = client.meta.capabilities()

    assert sent(mocked) == {"json": None}
    assert_shape(result, Capabilities)
    assert result == exchange.response.json()["json"]


def test_capabilities_with_an_api_key_is_refused(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    replay(mocked, wire_dir, "meta-01-capabilities-bearer")

    with pytest.raises(PermissionDeniedError):
        client.meta.capabilities()


# --- tools and clarify -------------------------------------------------------------------


def test_approve_and_deny_write_out_their_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "tools/approve", {"ok": True})
    ok(mocked, "tools/deny", {"ok": True})

    client.tools.approve("ap1", client.client_id, "exact-args")
    client.tools.deny("ap2", client.client_id)

    assert sent(mocked, 0) == {
        "json": {"approvalId": "ap1", "clientId": client.client_id, "scope": "exact-args"}
    }
    assert sent(mocked, 1) == {"json": {"approvalId": "ap2", "clientId": client.client_id}}


def test_list_pending_returns_the_list_itself(client: EthosClient, mocked: responses.RequestsMock) -> None:
    question = {
        "requestId": "r1",
        "jobId": "j1",
        "question": "Which region?",
        "options": ["eu", "us"],
        "defaultDeadlineAt": "2026-01-01T00:00:00.000Z",
    }
    ok(mocked, "clarify/listPending", [question])
    ok(mocked, "clarify/respond", {"ok": True})

    pending = client.clarify.list_pending("web:abc")
    client.clarify.respond(pending[0]["requestId"], "eu", "user")

    assert pending == [question]
    assert sent(mocked, 0) == {"json": {"rootSessionKey": "web:abc"}}
    assert sent(mocked, 1) == {"json": {"requestId": "r1", "answer": "eu", "source": "user"}}
