"""Events and answers that lack what the SDK reads are typed errors naming the field (issue 28, item 5).

A turn reads a few fields of its events (the text of each ``text_delta``, the
counts of ``usage``, the ids of tool calls, the reply in ``done``, the message
of ``error``); a wait reads the status of what ``get`` answers. When one is
missing or of another type, the user gets a :class:`StreamError` or an
:class:`UnexpectedResponseError` saying which field of which event, never a
``KeyError``, ``TypeError`` or ``AttributeError`` from deep inside the SDK,
and never a wrong type in a result.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ethos_sdk import EthosClient, EthosError, StreamError, UnexpectedResponseError

from .adversarial_servers import RawServer, Request, response_bytes
from .conftest import FAKE_KEY
from .sse_server import HOLD, Script, SSEServer, frame, meta
from .test_stream_turn import Chat, chat, done, run_start, server  # noqa: F401 - chat and server are fixtures


TURN_CASES = [
    ('{"type":"text_delta"}', "'text_delta' event has no 'text'"),
    ('{"type":"text_delta","text":42}', "'text_delta' event has 'text' of type integer, not string"),
    ('{"type":"usage","outputTokens":1,"estimatedCostUsd":0}', "'usage' event has no 'inputTokens'"),
    ('{"type":"usage","inputTokens":1,"outputTokens":"2","estimatedCostUsd":0}', "'outputTokens' of type string, not integer"),
    ('{"type":"tool_start","toolName":"t","args":{}}', "'tool_start' event has no 'toolCallId'"),
    ('{"type":"tool_start","toolCallId":{"a":1},"toolName":"t","args":{}}', "'toolCallId' of type object, not string"),
    ('{"type":"tool_end","toolCallId":"c","toolName":"t","durationMs":1}', "'tool_end' event has no 'ok'"),
    ('{"type":"tool_end","toolCallId":"c","toolName":"t","ok":true,"durationMs":null}', "'durationMs' of type null, not number"),
    ('{"type":"done","text":{"not":"text"},"turnCount":1}', "'done' event has 'text' of type object"),
    ('{"type":"error","code":"X"}', "'error' event has no 'error'"),
    ('{"type":"error","error":["a"],"code":"X"}', "'error' event has 'error' of type array"),
]


@pytest.mark.parametrize(("event", "said"), TURN_CASES)
def test_a_malformed_turn_event_is_a_stream_error_naming_the_field(
    server: SSEServer, chat: Chat, event: str, said: str
) -> None:
    server.add(Script([meta(), run_start(1), frame(2, event), done(3, "the reply"), HOLD]))
    with pytest.raises(EthosError) as caught:
        EthosClient(server.url, api_key=FAKE_KEY).chat.ask("x", timeout=10)
    assert isinstance(caught.value, StreamError), repr(caught.value)
    assert said in str(caught.value) and "session sess-1" in str(caught.value)
    assert len(chat.aborts) == 1  # a turn the SDK cannot read is stopped, as on leaving it


def test_a_done_whose_text_is_not_text_never_becomes_the_reply(server: SSEServer) -> None:
    server.add(Script([meta(), run_start(1), frame(2, '{"type":"done","text":{"html":"<b>"},"turnCount":1}'), HOLD]))
    turn = EthosClient(server.url, api_key=FAKE_KEY).chat.stream("x", timeout=10)
    with pytest.raises(StreamError):
        list(turn)
    assert turn.text == "" and turn.final is None  # nothing of the wrong type got into the turn


@pytest.mark.parametrize(
    ("event", "stream"),
    [('{"type":"text_delta"}', "text_stream"), ('{"type":"thinking_delta","thinking":null}', "thinking_stream")],
)
def test_the_text_streams_raise_stream_errors_too(server: SSEServer, event: str, stream: str) -> None:
    server.add(Script([meta(), run_start(1), frame(2, event), done(3, "x"), HOLD]))
    with EthosClient(server.url, api_key=FAKE_KEY).chat.stream("x", timeout=10) as turn:
        with pytest.raises(StreamError, match="event has"):
            list(getattr(turn, stream))


# -- the answers a wait reads


def _answering(payload: Any) -> Any:
    def behaviour(conn: socket.socket, request: Request, server: RawServer) -> None:
        conn.sendall(response_bytes("200 OK", json.dumps({"json": payload}).encode()))

    return behaviour


@pytest.mark.parametrize(
    ("wait", "payload", "said"),
    [
        ("goals", {"goal": {"id": "g_1"}, "events": [], "attempts": []}, "goals.get answered, but goal has no 'status'"),
        ("goals", {"goal": {"status": "running"}, "events": [{"seq": "1"}], "attempts": []}, "has 'seq' of type string, not integer"),
        ("batch", {"run": None}, "batch.get answered, but the answer has 'run' of type null, not object"),
        ("eval", {"run": {"status": 3}}, "eval.get answered, but run has 'status' of type integer, not string"),
        ("tasks", {"id": "t1", "status": ["done"]}, "tasks.get answered, but the answer has 'status' of type array, not string"),
    ],
)
def test_a_wait_reading_a_malformed_answer_names_the_field(wait: str, payload: Any, said: str) -> None:
    with RawServer(_answering(payload)) as server:
        client = EthosClient(server.url, cookie="c" * 64, timeout=5)
        with pytest.raises(UnexpectedResponseError) as caught:
            getattr(client, wait).wait("id-1", timeout=5)
    assert said in str(caught.value)
