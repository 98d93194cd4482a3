"""client.chat.stream / client.chat.ask: send and follow one turn on a loopback server."""

from __future__ import annotations

import json
import threading
from typing import Any, Iterator, List, Tuple

import pytest

from ethos_sdk import APITimeoutError, EthosClient, NotFoundError, TurnError
from ethos_sdk.stream import LIVE_LAST_EVENT_ID

from .conftest import FAKE_KEY
from .sse_server import HOLD, Received, Script, SSEServer, Step, delta, frame, meta

RUN_START = '{"type":"run_start","provider":"p","model":"m","source":"global","traceId":"t-%s"}'


def run_start(seq: int, trace: str = "1") -> bytes:
    return frame(seq, RUN_START % trace)


def done(seq: int, text: str, trace: str = "1") -> bytes:
    return frame(seq, json.dumps({"type": "done", "text": text, "turnCount": 2, "traceId": f"t-{trace}"}))


class Chat:
    """A chat.send endpoint that records each call and signals when it was made (chat.abort is recorded apart)."""

    def __init__(self, answer: Tuple[str, Any] = ("200 OK", {"sessionId": "sess-1", "turnId": "turn-1"})) -> None:
        self.sent = threading.Event()
        self.bodies: List[Any] = []
        self.aborts: List[Any] = []
        self.answer = answer

    def __call__(self, request: Received, body: bytes) -> Tuple[str, bytes]:
        if request.path == "/rpc/chat/abort":  # a turn left early is stopped
            self.aborts.append(json.loads(body))
            return "200 OK", b'{"json":{"ok":true}}'
        assert request.path == "/rpc/chat/send"
        self.bodies.append(json.loads(body))
        self.sent.set()
        status, payload = self.answer
        return status, json.dumps({"json": payload} if status.startswith("200") else payload).encode()


@pytest.fixture
def chat() -> Chat:
    return Chat()


@pytest.fixture
def server(chat: Chat) -> Iterator[SSEServer]:
    with SSEServer(on_post=chat) as srv:
        yield srv


def client_for(server: SSEServer) -> EthosClient:
    return EthosClient(server.url, api_key=FAKE_KEY, client_id="test-client")


TOOL_TURN = [
    run_start(42, "mine"),
    frame(43, '{"type":"usage","inputTokens":100,"outputTokens":5,"estimatedCostUsd":0.5}'),
    frame(44, '{"type":"tool_start","toolCallId":"c1","toolName":"memory_read","args":{"store":"memory"}}'),
    frame(45, '{"type":"tool_end","toolCallId":"c1","toolName":"memory_read","ok":true,"durationMs":7,"result":"notes"}'),
    delta(46, "Four"),
    delta(47, "."),
    frame(48, '{"type":"usage","inputTokens":120,"outputTokens":2,"estimatedCostUsd":0.25}'),
    done(49, "Four.", "mine"),
]


def test_ask_on_existing_session_subscribes_live_before_sending(server: SSEServer, chat: Chat) -> None:
    steps: List[Step] = [meta(), chat.sent]  # nothing more is sent until chat.send was called
    steps += [delta(40, "tail of another turn"), done(41, "other", "other"), *TOOL_TURN, HOLD]
    server.add(Script(steps))
    printed: List[str] = []
    reply = client_for(server).chat.ask(
        "What is 2+2?", session_id="sess-1", on_event=lambda e: printed.append(e["type"]), timeout=10
    )
    assert reply.text == "Four."
    assert (reply.session_id, reply.turn_id) == ("sess-1", "turn-1")
    assert reply.usage is not None
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.model_calls) == (220, 7, 2)
    assert reply.usage.estimated_cost_usd == pytest.approx(0.75)
    [call] = reply.tool_calls
    assert (call.id, call.name, call.args, call.result, call.ok, call.duration_ms) == (
        "c1", "memory_read", {"store": "memory"}, "notes", True, 7
    )
    assert reply.done is not None and reply.done["traceId"] == "t-mine"
    assert printed[0] == "run_start" and printed[-1] == "done"  # the other turn's tail is skipped
    assert len(printed) == len(TOOL_TURN)
    get, post = server.requests
    assert get.method == "GET" and get.header("last-event-id") == LIVE_LAST_EVENT_ID
    assert post.method == "POST" and get.at < post.at
    assert chat.bodies == [{"json": {"sessionId": "sess-1", "clientId": "test-client", "text": "What is 2+2?"}}]
    assert server.wait_for_hang_ups(1) == 1  # the stream was closed after done


def test_stream_on_new_session_sends_first_then_replays(server: SSEServer, chat: Chat) -> None:
    server.add(Script([meta(), run_start(1), delta(2, "Hi"), done(3, "Hi"), HOLD]))
    turn = client_for(server).chat.stream("Hello", personality_id="researcher")
    assert turn.session_id == "sess-1" and turn.turn_id == "turn-1"
    kinds = [event["type"] for event in turn]
    assert kinds == ["run_start", "text_delta", "done"]
    assert turn.finished
    post, get = server.requests
    assert post.method == "POST" and get.method == "GET"
    assert get.path == "/sse/sessions/sess-1" and get.header("last-event-id") is None
    assert chat.bodies[0]["json"]["personalityId"] == "researcher"


def test_error_event_ends_the_turn(server: SSEServer) -> None:
    error = frame(3, '{"type":"error","error":"model unavailable","code":"PROVIDER_DOWN"}')
    server.add(Script([meta(), run_start(1), delta(2, "Hm"), error, HOLD]))
    server.add(Script([meta(), run_start(1), delta(2, "Hm"), error, HOLD]))
    client = client_for(server)
    kinds = [event["type"] for event in client.chat.stream("x")]
    assert kinds == ["run_start", "text_delta", "error"]
    with pytest.raises(TurnError) as info:
        client.chat.ask("x")
    assert info.value.code == "PROVIDER_DOWN" and "model unavailable" in str(info.value)


def test_failed_send_closes_the_open_stream() -> None:
    chat = Chat(("404 Not Found", {"json": {"defined": False, "code": "SESSION_NOT_FOUND", "status": 404, "message": "Session gone not found"}}))
    with SSEServer([Script([meta(), HOLD])], on_post=chat) as server:
        with pytest.raises(NotFoundError):
            client_for(server).chat.ask("x", session_id="gone")
        assert server.wait_for_hang_ups(1) == 1


def test_timeout_raises_and_closes(server: SSEServer, chat: Chat) -> None:
    server.add(Script([meta(), run_start(1), delta(2, "slow"), HOLD]))
    with pytest.raises(APITimeoutError, match="it was stopped"):
        client_for(server).chat.ask("x", timeout=0.5)
    assert [body["json"] for body in chat.aborts] == [{"sessionId": "sess-1"}]  # the turn is not left running
    assert server.wait_for_hang_ups(1) == 1
