"""EventStream against a real loopback server: framing, latency, reconnects, restarts, gaps, close."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import pytest
import requests

from ethos_sdk import (
    APIConnectionError,
    AuthenticationError,
    EthosClient,
    NotFoundError,
    PermissionDeniedError,
    StreamError,
)
from ethos_sdk.stream import LIVE_LAST_EVENT_ID, EventStream, iter_sse_events
from ethos_sdk.types.events import KNOWN_EVENT_TYPES

from .conftest import FAKE_KEY
from .sse_server import CLOSE, HOLD, ReadsResponse, Script, SSEServer, delta, frame, meta
from .wire import load_exchange


@pytest.fixture
def server() -> Iterator[SSEServer]:
    with SSEServer() as srv:
        yield srv


def client_for(server: SSEServer) -> EthosClient:
    return EthosClient(server.url, api_key=FAKE_KEY)


def collect(stream: EventStream, count: int, limit: float = 5.0) -> List[Tuple[Optional[int], dict[str, Any]]]:
    """Read ``count`` events (with the cursor after each), closing the stream if it takes too long."""
    guard = threading.Timer(limit, stream.close)
    guard.start()
    out: List[Tuple[Optional[int], dict[str, Any]]] = []
    try:
        for event in stream:
            out.append((stream.last_seq, dict(event)))
            if len(out) >= count:
                break
    finally:
        guard.cancel()
        stream.close()
    return out


def texts(events: List[Tuple[Optional[int], dict[str, Any]]]) -> List[str]:
    return [e.get("text", e["type"]) for _, e in events]


# -- recorded streams -------------------------------------------------------------------


def recorded_frames(body: bytes) -> List[Tuple[Optional[int], dict[str, Any]]]:
    """(id, event) of each frame of a recorded body, read independently of the SDK."""
    out = []
    for block in body.decode("utf-8").split("\n\n"):
        if not block.strip():
            continue
        data, seq = "", None
        for line in block.split("\n"):
            if line.startswith("data: "):
                data += line[len("data: "):]
            elif line.startswith("id: "):
                seq = int(line[len("id: "):])
        out.append((seq, json.loads(data)))
    return out


def sse_captures(wire_dir: Path) -> List[Path]:
    return sorted(wire_dir.glob("sse-*.txt"))


def test_every_recorded_stream_is_delivered_as_recorded(server: SSEServer, wire_dir: Path) -> None:
    captures = sse_captures(wire_dir)
    assert len(captures) >= 12
    for path in captures:
        exchange = load_exchange(path)
        expected = recorded_frames(exchange.response.body)
        meta_frame = expected[0][1]
        assert meta_frame["type"] == "stream_meta"
        events = [(seq, e) for seq, e in expected[1:]]
        server.add(Script(raw=exchange.response.raw, steps=[HOLD]))
        stream = EventStream(client_for(server), "s", idle_timeout=5)
        if events:
            got = collect(stream, len(events))
            assert got == events, path.name
            assert stream.last_seq == events[-1][0]
        else:
            stream.wait_ready()
            stream.close()
        assert stream.request_id == meta_frame["requestId"], path.name
        assert stream.restarts == 0 and stream.gaps == 0 and stream.malformed_count == 0


def test_restart_recorded_pair_delivers_the_new_turn_once(
    server: SSEServer, wire_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """sse-11: subscribed with Last-Event-ID 16 after a restart, live ids 1..15 arrive; sse-12 is the full replay."""
    after_restart = load_exchange(wire_dir / "sse-11-after-server-restart-seq-reset.txt")
    full_replay = load_exchange(wire_dir / "sse-12-after-server-restart-full-replay.txt")
    server.add(Script(raw=after_restart.response.raw, steps=[HOLD]))
    server.add(Script(raw=full_replay.response.raw, steps=[HOLD]))
    stream = EventStream(client_for(server), "s", since=16, idle_timeout=5)
    with caplog.at_level(logging.WARNING, logger="ethos_sdk"):
        got = collect(stream, 15)
    expected = recorded_frames(full_replay.response.body)[1:]
    assert got == expected
    assert [seq for seq, _ in got] == list(range(1, 16))
    assert stream.restarts == 1
    assert [r.header("last-event-id") for r in server.requests] == ["16", None]
    assert "restarted" in caplog.text


# -- framing ----------------------------------------------------------------------------


def parse_chunks(chunks: List[bytes]) -> List[Tuple[Optional[int], dict[str, Any]]]:
    """Run the stream's own byte-to-event path over ``chunks`` (one body, then its end)."""
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    stream = EventStream(client, "s", max_reconnects=0, check_session=False)
    stream._open = lambda last_event_id: ReadsResponse(chunks)  # type: ignore[assignment,method-assign,return-value]
    out: List[Tuple[Optional[int], dict[str, Any]]] = []
    with pytest.raises(APIConnectionError):
        for event in stream:
            out.append((stream.last_seq, dict(event)))
    return out


@pytest.fixture(scope="module")
def recorded_body(wire_dir: Path) -> bytes:
    return load_exchange(wire_dir / "sse-09-tool-call-turn.txt").response.body


def test_split_at_every_byte_offset(recorded_body: bytes) -> None:
    expected = recorded_frames(recorded_body)[1:]
    assert parse_chunks([recorded_body]) == expected
    for cut in range(1, len(recorded_body)):
        assert parse_chunks([recorded_body[:cut], recorded_body[cut:]]) == expected, cut


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_line_endings_at_every_split(recorded_body: bytes, newline: str) -> None:
    body = recorded_body.replace(b"\n", newline.encode())
    expected = recorded_frames(recorded_body)[1:]
    for cut in range(1, len(body), 3):
        assert parse_chunks([body[:cut], body[cut:]]) == expected, cut
    one_byte_chunks = [body[i : i + 1] for i in range(len(body))]
    assert parse_chunks(one_byte_chunks) == expected


def test_mixed_line_endings_end_a_frame() -> None:
    body = (
        b'data: {"type":"text_delta","text":"a"}\nid: 1\n\r\n'
        b'data: {"type":"text_delta","text":"b"}\rid: 2\r\r\n'
        b'data: {"type":"text_delta","text":"c"}\r\nid: 3\r\n\n'
    )
    assert texts(parse_chunks([body])) == ["a", "b", "c"]


def test_multi_line_data_and_split_utf8() -> None:
    body = 'data: {"type":"text_delta",\ndata: "text":"héllo ✓"}\nid: 4\n\n'.encode()
    cut = body.index("✓".encode()) + 1  # inside the three bytes of the check mark
    assert parse_chunks([body[:cut], body[cut:]]) == [(4, {"type": "text_delta", "text": "héllo ✓"})]


def test_incomplete_last_frame_is_not_delivered() -> None:
    body = delta(1, "a") + b'data: {"type":"text_delta","text":"b"}\n'
    assert parse_chunks([body]) == [(1, {"type": "text_delta", "text": "a"})]


def test_unknown_type_without_id_and_meta(caplog: pytest.LogCaptureFixture) -> None:
    body = (
        meta("r-9")
        + frame(1, '{"type":"brand.new","x":1}')
        + frame(None, '{"type":"notification","message":"hi"}')
        + delta(2, "a")
    )
    got = parse_chunks([body])
    assert got == [
        (1, {"type": "brand.new", "x": 1}),
        (1, {"type": "notification", "message": "hi"}),  # no id: the cursor stays at 1
        (2, {"type": "text_delta", "text": "a"}),
    ]
    assert "brand.new" not in KNOWN_EVENT_TYPES


def test_malformed_data_is_counted_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    body = (
        frame(1, "not json")
        + frame(2, "[1, 2]")
        + frame(3, '{"no": "type"}')
        + frame(None, '"just a string"')
        + delta(4, "ok")
    )
    stream = EventStream(client, "s", max_reconnects=0, check_session=False)
    stream._open = lambda last_event_id: ReadsResponse([body])  # type: ignore[assignment,method-assign,return-value]
    with caplog.at_level(logging.WARNING, logger="ethos_sdk"):
        first = next(stream)
    assert first == {"type": "text_delta", "text": "ok"}
    assert stream.malformed_count == 4
    assert stream.last_seq == 4
    assert caplog.text.count("skipped a frame") == 4
    stream.close()


# -- over a socket: latency, headers, errors --------------------------------------------------


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_small_events_arrive_at_once(server: SSEServer, chunked: bool) -> None:
    server.add(Script([meta(), delta(1, "a"), 0.6, delta(2, "b"), HOLD], chunked=chunked))
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    started = time.monotonic()
    arrivals = []
    with stream:
        for event in stream:
            arrivals.append(time.monotonic() - started)
            if len(arrivals) == 2:
                break
    assert arrivals[0] < 0.4, arrivals  # not held back until more bytes come
    assert 0.5 < arrivals[1] < 1.2, arrivals


def test_request_headers_and_quoted_session_id(server: SSEServer) -> None:
    server.add(Script([meta(), HOLD]))
    stream = EventStream(client_for(server), "a b/c?d", since=7, idle_timeout=5)
    stream.wait_ready()
    stream.close()
    request = server.requests[0]
    assert request.path == "/sse/sessions/a%20b%2Fc%3Fd"
    assert request.header("accept") == "text/event-stream"
    assert request.header("cache-control") == "no-cache"
    assert request.header("last-event-id") == "7"
    assert request.header("authorization") == f"Bearer {FAKE_KEY}"


def test_since_live_skips_replay_and_meta_is_optional(server: SSEServer) -> None:
    server.add(Script([meta("m-1"), delta(17, "x"), HOLD]))
    stream = EventStream(client_for(server), "s", since="live", include_meta=True, idle_timeout=5)
    got = collect(stream, 2)
    assert [e["type"] for _, e in got] == ["stream_meta", "text_delta"]
    assert server.requests[0].header("last-event-id") == LIVE_LAST_EVENT_ID
    assert stream.request_id == "m-1"


@pytest.mark.parametrize(
    "capture, error",
    [
        ("err-29-sse-no-auth.txt", AuthenticationError),
        ("err-30-sse-bad-key.txt", AuthenticationError),
        ("scope-01-sse-with-events-subscribe-only.txt", PermissionDeniedError),
    ],
)
def test_refused_stream_raises_the_typed_error(
    server: SSEServer, wire_dir: Path, capture: str, error: type[Exception]
) -> None:
    server.add(Script(raw=load_exchange(wire_dir / capture).response.raw))
    stream = EventStream(client_for(server), "s")
    with pytest.raises(error):
        next(stream)
    assert len(server.requests) == 1  # never retried
    assert stream.closed


def test_not_found_raises(server: SSEServer) -> None:
    body = b'{"ok":false,"code":"NOT_FOUND","error":"no such route"}'
    server.add(Script([body], status="404 Not Found", content_type="application/json", body_is_complete=True))
    with pytest.raises(NotFoundError):
        next(EventStream(client_for(server), "s"))


def test_wrong_content_type_raises_stream_error(server: SSEServer) -> None:
    server.add(Script([b"<html>proxy</html>"], content_type="text/html", body_is_complete=True))
    with pytest.raises(StreamError):
        next(EventStream(client_for(server), "s"))


# -- reconnecting -------------------------------------------------------------------


def test_drop_mid_turn_resumes_with_last_event_id(server: SSEServer) -> None:
    server.add(
        Script([meta(), delta(1, "a"), delta(2, "b"), delta(3, "c"), delta(4, "d"), CLOSE]),
        # The server replays above the id asked for: the overlap, then the rest.
        Script([meta(), delta(2, "b"), delta(3, "c"), delta(4, "d"), delta(5, "e"), delta(6, "f"), HOLD]),
    )
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    got = collect(stream, 6)
    assert texts(got) == ["a", "b", "c", "d", "e", "f"]
    assert [seq for seq, _ in got] == [1, 2, 3, 4, 5, 6]
    # It asks for the last OVERLAP (3) events again, to check the server still has them.
    assert [r.header("last-event-id") for r in server.requests] == [None, "1"]
    assert stream.reconnects == 1 and stream.restarts == 0 and stream.gaps == 0


def test_idle_timeout_reconnects_quietly(server: SSEServer) -> None:
    server.add(
        Script([meta(), delta(1, "a"), HOLD]),
        Script([meta(), delta(1, "a"), HOLD]),
        Script([meta(), delta(1, "a"), 0.1, delta(2, "b"), HOLD]),
    )
    stream = EventStream(client_for(server), "s", idle_timeout=0.3)
    started = time.monotonic()
    got = collect(stream, 2)
    assert texts(got) == ["a", "b"]
    assert stream.reconnects == 2
    assert time.monotonic() - started < 3  # idle reconnects do not back off
    assert [r.header("last-event-id") for r in server.requests] == [None, "0", "0"]


def test_restart_detected_by_the_event_at_the_cursor(server: SSEServer, caplog: pytest.LogCaptureFixture) -> None:
    """After a restart the new numbering reached past our cursor: the replay filter would hide 1..4."""
    old = [delta(i, f"old{i}") for i in range(1, 8)]
    new = [delta(i, f"new{i}") for i in range(1, 10)]
    server.add(
        Script([meta(), *old, CLOSE]),
        Script([meta(), *new[4:], HOLD]),  # asked for > 4: ids 5..9 of the new numbering
        Script([meta(), *new, HOLD]),
    )
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    with caplog.at_level(logging.WARNING, logger="ethos_sdk"):
        got = collect(stream, 16)
    assert texts(got) == [f"old{i}" for i in range(1, 8)] + [f"new{i}" for i in range(1, 10)]
    assert stream.restarts == 1 and stream.last_seq == 9
    assert [r.header("last-event-id") for r in server.requests] == [None, "4", None]
    assert stream.last_restart is not None and stream.last_restart.last_seq == 7
    assert "id 5 is not the one delivered" in caplog.text


def test_lower_id_within_one_connection_is_delivered(server: SSEServer) -> None:
    server.add(Script([meta(), delta(5, "a"), delta(6, "b"), delta(2, "c"), delta(2, "d"), HOLD]))
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    got = collect(stream, 4)
    assert [(seq, t) for (seq, _), t in zip(got, texts(got))] == [(5, "a"), (6, "b"), (2, "c"), (2, "d")]
    assert stream.restarts == 2


E = [delta(i, f"e{i}") for i in range(1, 12)]
"""Events e1..e11, with ids 1..11."""


@pytest.fixture
def short_replay_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ethos_sdk.stream.REPLAY_WAIT", 0.2)


def read_e1_to_e7(server: SSEServer, *scripts: Script) -> Tuple[EventStream, List[Optional[str]]]:
    """Read e1..e7 (asserted) through ``scripts``; the stream and the ``Last-Event-ID`` of each request."""
    server.add(*scripts)
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    assert texts(collect(stream, 7)) == [f"e{i}" for i in range(1, 8)]
    return stream, [r.header("last-event-id") for r in server.requests]


@pytest.mark.usefixtures("short_replay_wait")
def test_a_slow_replay_is_checked_against_the_whole_buffer_not_taken_for_a_restart(server: SSEServer) -> None:
    """The overlap comes later than REPLAY_WAIT: the whole buffer is read and compared; nothing twice."""
    stream, sent = read_e1_to_e7(
        server,
        Script([meta(), *E[:5], CLOSE]),
        Script([meta(), 1.0, *E[2:6], HOLD]),  # asked for > 2, answered too late
        Script([meta(), *E[:7], HOLD]),  # the whole buffer: 1..5 known, then 6 and 7
    )
    assert sent == [None, "2", None]
    assert stream.restarts == 0 and stream.gaps == 0


@pytest.mark.usefixtures("short_replay_wait")
def test_a_restart_seen_by_silence_alone_delivers_nothing_twice(server: SSEServer) -> None:
    """Even the whole buffer comes later than REPLAY_WAIT: a restart is declared, yet the late replay
    is recognised by its fingerprints and only the events after the cursor are delivered."""
    stream, sent = read_e1_to_e7(
        server,
        Script([meta(), *E[:5], CLOSE]),
        Script([meta(), 1.0, *E[2:6], HOLD]),  # the overlap, too late
        Script([meta(), 1.0, *E[:6], HOLD]),  # the whole buffer, too late
        Script([meta(), *E[:3], CLOSE]),  # from the start: cut while still recognising
        Script([meta(), *E[:7], HOLD]),
    )
    assert sent == [None, "2", None, None, None]
    assert stream.restarts == 1 and stream.gaps == 0 and stream.last_seq == 7


@pytest.mark.usefixtures("short_replay_wait")
def test_a_live_stream_holds_back_older_ids_until_the_buffer_decides(server: SSEServer) -> None:
    """Started "live" at id 8: ids 1..7 in the whole buffer are the server's past, or a new numbering."""
    old = E
    server.add(
        Script([meta(), *old[7:10], CLOSE]),  # live: 8, 9, 10
        Script([meta(), HOLD]),  # asked for > 7: nothing comes
        Script([meta(), *old[:11], HOLD]),  # the whole buffer: the same numbering, 11 is new
    )
    stream = EventStream(client_for(server), "s", since="live", idle_timeout=5)
    assert texts(collect(stream, 4)) == ["e8", "e9", "e10", "e11"]
    assert stream.restarts == 0

    new = [delta(i, f"n{i}") for i in range(1, 4)]
    server.add(
        Script([meta(), *old[7:10], CLOSE]),
        Script([meta(), HOLD]),
        Script([meta(), *new, HOLD]),  # the whole buffer: only ids below 8, then silence
        Script([meta(), CLOSE]),  # the read from the new numbering's start is cut before any event
        Script([meta(), *new, HOLD]),  # from its start again, not "live"
    )
    stream = EventStream(client_for(server), "s", since="live", idle_timeout=5)
    assert texts(collect(stream, 6)) == ["e8", "e9", "e10", "n1", "n2", "n3"]
    assert stream.restarts == 1 and stream.last_seq == 3
    sent = [r.header("last-event-id") for r in server.requests[-5:]]
    assert sent == [LIVE_LAST_EVENT_ID, "7", None, None, None]


def test_gap_is_reported(server: SSEServer, caplog: pytest.LogCaptureFixture) -> None:
    server.add(
        Script([meta(), delta(1, "a"), delta(2, "b"), CLOSE]),
        Script([meta(), delta(6, "f"), delta(7, "g"), HOLD]),  # 2..5 left the buffer
    )
    stream = EventStream(client_for(server), "s", idle_timeout=5)
    with caplog.at_level(logging.WARNING, logger="ethos_sdk"):
        got = collect(stream, 4)
    assert texts(got) == ["a", "b", "f", "g"]
    assert stream.gaps == 1 and stream.missed_events == 3
    assert "3 event(s) missing" in caplog.text


def test_unreachable_server_ends_in_connection_error(server: SSEServer) -> None:
    unavailable = Script([b"down"], status="503 Service Unavailable", content_type="text/plain", body_is_complete=True)
    server.add(Script([meta(), delta(1, "a"), CLOSE]))
    server.default = unavailable
    stream = EventStream(client_for(server), "s", idle_timeout=5, max_reconnects=2)
    assert next(stream)["type"] == "text_delta"
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as info:
        next(stream)
    assert time.monotonic() - started < 5
    assert "since=1" in str(info.value)
    assert len(server.requests) == 3  # the first, then two reconnects


def test_first_connection_failure_raises_at_once() -> None:
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)  # nothing listens on port 9
    started = time.monotonic()
    with pytest.raises(APIConnectionError):
        next(EventStream(client, "s", connect_timeout=2))
    assert time.monotonic() - started < 3


# -- closing ------------------------------------------------------------------------


def test_close_from_another_thread_unblocks_a_read(server: SSEServer) -> None:
    server.add(Script([meta(), delta(1, "a"), HOLD]))
    stream = EventStream(client_for(server), "s", idle_timeout=30)
    seen: List[Any] = []
    reader = threading.Thread(target=lambda: seen.extend(stream), daemon=True)
    reader.start()
    assert server.wait_for_requests(1)
    time.sleep(0.2)  # the reader is now blocked waiting for bytes
    started = time.monotonic()
    stream.close()
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert time.monotonic() - started < 1.0
    assert len(seen) == 1
    assert server.wait_for_hang_ups(1) == 1  # the connection is really gone


def test_leaving_the_with_block_frees_the_connection(server: SSEServer) -> None:
    server.add(Script([meta(), delta(1, "a"), HOLD]))
    with pytest.raises(KeyboardInterrupt):
        with EventStream(client_for(server), "s", idle_timeout=30) as stream:
            for _ in stream:
                raise KeyboardInterrupt  # Ctrl-C while the loop body runs
    server.wait_for_hang_ups(1)
    assert server.hung_up == 1
    assert stream.closed
    with pytest.raises(StopIteration):
        next(stream)


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_ctrl_c_during_a_blocked_read_frees_the_connection(server: SSEServer) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT is delivered to the main thread only")
    server.add(Script([meta(), HOLD]))
    stream = EventStream(client_for(server), "s", idle_timeout=30)  # no with block
    main = threading.main_thread().ident
    assert main is not None
    interrupt = threading.Timer(0.3, signal.pthread_kill, args=(main, signal.SIGINT))
    interrupt.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in stream:
                pass
    finally:
        interrupt.cancel()
    server.wait_for_hang_ups(1)
    assert server.hung_up == 1


def test_bad_arguments() -> None:
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    for since in (-1, "later", 1.5, True):
        with pytest.raises(ValueError):
            EventStream(client, "s", since=since)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EventStream(client, "")
    assert "EventStream" in repr(client.events("s")) and FAKE_KEY not in repr(client.events("s"))


def test_session_check_asks_again_before_saying_not_found() -> None:
    """A session created an instant ago may answer "not found" once: the stream asks again, then opens."""
    not_found = json.dumps({"json": {"defined": False, "code": "SESSION_NOT_FOUND", "status": 404,
                                     "message": "Session s not found", "data": {"action": "Check the id"}}})
    answers = [("404 Not Found", not_found.encode()), ("200 OK", b'{"json":{"session":{"id":"s"}}}')]

    def sessions_get(request: Any, body: bytes) -> Tuple[str, bytes]:
        assert request.path == "/rpc/sessions/get" and json.loads(body) == {"json": {"id": "s"}}
        return answers.pop(0)

    with SSEServer([Script([meta(), delta(1, "a"), HOLD])], on_post=sessions_get) as server:
        stream = EventStream(client_for(server), "s", idle_timeout=5)
        assert texts(collect(stream, 1)) == ["a"]
        assert [r.method for r in server.requests] == ["POST", "POST", "GET"]
        assert answers == []


def test_iter_sse_events_reads_any_sse_body(server: SSEServer) -> None:
    """The stream's parser, for other SSE routes: frames as sseclient reads them, then the body's end."""
    server.add(Script([
        b'data: {"type":"ping"}\r\nid: 1\r\n\r\n',
        b"event: goal\ndata: a\n",
        b"data: b\nid: 2\n\n: comment\n\n",
        b'data: {"type":"done"}\nid: 3\n\ndata: cut off',
    ]))
    with requests.get(server.url + "/sse/goals/g1", stream=True, timeout=5) as response:
        got = [(e.id, e.event, e.data) for e in iter_sse_events(response)]
    assert got == [("1", "message", '{"type":"ping"}'), ("2", "goal", "a\nb"), ("3", "message", '{"type":"done"}')]
