"""What the three event streams do alike, run on each: the session's, the system's and a goal's.

They share one piece of code (opening, the content-type check, the reconnect
loop, closing); these tests hold each stream to it, so that what one of them
does right cannot quietly differ in another.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Dict, Iterator, List, Union

import pytest

from ethos_sdk import APIConnectionError, EthosClient, StreamError
from ethos_sdk.stream import EventStream
from ethos_sdk.surface_streams import GoalEventStream, SystemEventStream

from .sse_server import CLOSE, HOLD, Script, SSEServer, delta, frame, meta

KINDS = ["session", "system", "goal"]
PATHS = {"session": "/sse/sessions/s1", "system": "/sse/system", "goal": "/sse/goals/g1"}

AnyStream = Union[EventStream, SystemEventStream, GoalEventStream]


@pytest.fixture
def server() -> Iterator[SSEServer]:
    with SSEServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def no_reconnect_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect at once: the backoff itself is tested in test_stream.py."""
    monkeypatch.setattr("ethos_sdk.stream.backoff_delay", lambda attempt: 0.0)


def open_stream(kind: str, server: SSEServer, **options: Any) -> AnyStream:
    client = EthosClient(server.url, cookie="c" * 64)  # the surface streams take the web cookie
    if kind == "session":
        return EventStream(client, "s1", check_session=False, **options)
    if kind == "system":
        return SystemEventStream(client, **options)
    return GoalEventStream(client, "g1", **options)


def event(kind: str, seq: int) -> bytes:
    """One event frame of the stream ``kind``, told apart by ``seq``."""
    if kind == "session":
        return delta(seq, f"e{seq}")
    if kind == "system":
        return frame(seq, json.dumps({"type": "session.titled", "sessionId": f"s{seq}", "title": f"t{seq}"}))
    return frame(seq, json.dumps({"seq": seq, "goalId": "g1", "eventType": "step", "payload": {"n": seq}}))


def opening(kind: str) -> List[bytes]:
    """What a connection begins with: ``stream_meta`` on a session's stream, nothing on the others."""
    return [meta()] if kind == "session" else []


def label(kind: str, item: Dict[str, Any]) -> int:
    """The ``seq`` an event delivered by :func:`event` was made with."""
    if kind == "session":
        return int(item["text"][1:])
    if kind == "system":
        return int(item["sessionId"][1:])
    return int(item["seq"])


def read(stream: AnyStream, count: int, limit: float = 5.0) -> List[Dict[str, Any]]:
    """Read ``count`` events, closing the stream if that takes longer than ``limit`` seconds."""
    guard = threading.Timer(limit, stream.close)
    guard.start()
    out: List[Dict[str, Any]] = []
    try:
        for item in stream:
            out.append(dict(item))
            if len(out) >= count:
                break
    finally:
        guard.cancel()
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_that_is_not_an_event_stream_raises_stream_error(kind: str, server: SSEServer) -> None:
    server.add(Script([b"<html>a proxy</html>"], content_type="text/html", body_is_complete=True))
    stream = open_stream(kind, server)
    with pytest.raises(StreamError) as caught:
        next(stream)
    message = str(caught.value)
    assert f"GET {PATHS[kind]} answered 200" in message and "'text/html'" in message
    assert "base_url" in message  # says what to check
    assert stream.closed and stream._response is None  # the answer was released
    assert len(server.requests) == 1  # not retried: a wrong server stays wrong


@pytest.mark.parametrize("kind", KINDS)
def test_each_stream_sends_the_stream_headers_and_its_extra_headers(kind: str, server: SSEServer) -> None:
    server.add(Script([*opening(kind), event(kind, 1), HOLD]))
    stream = open_stream(kind, server, extra_headers={"X-Trace": "abc"})
    with stream:
        assert [label(kind, item) for item in read(stream, 1)] == [1]
    sent = server.requests[0]
    assert sent.path == PATHS[kind]
    assert sent.header("accept") == "text/event-stream" and sent.header("cache-control") == "no-cache"
    assert sent.header("x-trace") == "abc"


@pytest.mark.parametrize("kind", KINDS)
def test_reconnecting_gives_up_after_max_reconnects_failures_in_a_row(kind: str, server: SSEServer) -> None:
    server.add(Script([*opening(kind), event(kind, 1), CLOSE]))
    server.default = Script([b"down"], status="503 Service Unavailable", content_type="text/plain", body_is_complete=True)
    stream = open_stream(kind, server, max_reconnects=2)
    assert label(kind, dict(next(stream))) == 1
    with pytest.raises(APIConnectionError) as caught:
        next(stream)
    message = str(caught.value)
    assert "could not be re-established after 2 attempts" in message and "last problem" in message
    if kind == "session":
        assert "since=1" in message  # where to resume
    assert len(server.requests) == 3  # the first connection, then two reconnects
    assert stream.closed


@pytest.mark.parametrize("kind", KINDS)
def test_idle_reconnects_are_never_counted_as_failures(kind: str, server: SSEServer) -> None:
    """max_reconnects=0 allows no failed reconnect, yet silence only reopens the connection."""
    # The reconnect after silence: the session stream asks for its last event again
    # (to check the server's numbering), the goal stream resumes after it, the
    # system stream has no history.
    again = [] if kind == "system" else [event(kind, 1)]
    server.add(
        Script([*opening(kind), event(kind, 1), HOLD]),
        Script([*opening(kind), *again, HOLD]),
        Script([*opening(kind), *again, event(kind, 2), HOLD]),
    )
    stream = open_stream(kind, server, idle_timeout=0.3, max_reconnects=0)
    with stream:
        got = [label(kind, item) for item in read(stream, 2)]
    assert got == [1, 2]
    assert stream.reconnects == 2 and len(server.requests) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_close_from_another_thread_ends_a_blocked_loop_and_frees_the_connection(
    kind: str, server: SSEServer
) -> None:
    server.add(Script([*opening(kind), event(kind, 1), HOLD]))
    stream = open_stream(kind, server, idle_timeout=30)
    seen: List[Any] = []
    first = threading.Event()

    def loop() -> None:
        for item in stream:
            seen.append(item)
            first.set()

    reader = threading.Thread(target=loop, daemon=True)
    reader.start()
    assert first.wait(5)
    stream.close()
    reader.join(timeout=5)
    assert not reader.is_alive() and len(seen) == 1
    assert server.wait_for_hang_ups(1, within=5) == 1  # the connection is really gone
    assert stream.closed and stream._response is None
    stream.close()  # twice is fine


@pytest.mark.parametrize("kind", KINDS)
def test_leaving_the_with_block_by_an_error_closes_the_stream(kind: str, server: SSEServer) -> None:
    """``with`` gives the stream itself, and Ctrl-C in the loop body frees its connection."""
    server.add(Script([*opening(kind), event(kind, 1), HOLD]))
    with pytest.raises(KeyboardInterrupt):
        with open_stream(kind, server, idle_timeout=30) as stream:
            for _ in stream:
                raise KeyboardInterrupt
    assert stream.closed and stream._response is None
    assert server.wait_for_hang_ups(1, within=5) == 1
    with pytest.raises(StopIteration):
        next(stream)
