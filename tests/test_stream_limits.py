"""Large frames on an event stream: assembled in linear work, bounded by ``max_event_bytes``.

A server (or a proxy) may send one huge event, or bytes that never end a
frame. The stream must assemble a large frame in work proportional to its
size (it used to scan the whole frame again at every read: an 8 MB event
took 13 s, 20 MB without a newline hung for minutes), and give up with a
typed error once a frame passes ``max_event_bytes``, its memory bounded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, List, Optional

import pytest
import sseclient

import ethos_sdk.stream as stream_module
from ethos_sdk import ConfigurationError, EthosClient, ResponseTooLargeError
from ethos_sdk.stream import DEFAULT_MAX_EVENT_BYTES, EventStream, _FrameParser, _sseclient_events, iter_sse_events

from .conftest import FAKE_KEY
from .sse_server import ReadsResponse, Script, SSEServer, delta, meta

ROOT = Path(__file__).resolve().parents[1]


def offline_client(**options: Any) -> EthosClient:
    return EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY, **options)


def stream_over(chunks: List[bytes], **options: Any) -> tuple[EventStream, ReadsResponse]:
    """An EventStream reading ``chunks`` (one per read) with no socket; no reconnecting."""
    client = offline_client()
    stream = client.events("s", check_session=False, max_reconnects=0, **options)
    response = ReadsResponse(chunks)
    stream._open = lambda last_event_id: response  # type: ignore[method-assign,assignment,return-value]
    return stream, response


def pieces(body: bytes, size: int) -> List[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


class _CountingPattern:
    """Stands in for the stream's frame pattern, adding up how many bytes each match may look at."""

    def __init__(self, pattern: "re.Pattern[bytes]") -> None:
        self._pattern = pattern
        self.scanned = 0

    def match(self, buf: bytes, pos: int = 0) -> Optional["re.Match[bytes]"]:
        self.scanned += len(buf) - pos
        return self._pattern.match(buf, pos)


def test_a_large_event_is_assembled_with_work_linear_in_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "x" * (4 * 1024 * 1024)
    body = meta() + b'data: {"type":"text_delta","text":"%s"}\nid: 1\n\n' % text.encode() + delta(2, "after")
    counting = _CountingPattern(stream_module._EVENT_FRAME)
    monkeypatch.setattr(stream_module, "_EVENT_FRAME", counting)
    stream, _ = stream_over(pieces(body, 16 * 1024))  # 257 reads for the big event

    events = [next(iter(stream)), next(iter(stream))]
    stream.close()

    assert [len(e["text"]) for e in events] == [len(text), 5]  # type: ignore[typeddict-item]
    assert stream.last_seq == 2
    # Each byte is looked at a bounded number of times, however many reads the
    # frame took; scanning the frame again at each read would be ~128 times its size.
    assert counting.scanned <= 3 * len(body), counting.scanned


def test_a_frame_without_end_stops_at_max_event_bytes_with_a_typed_error() -> None:
    limit = 64 * 1024
    endless = [b"data: " + b"y" * 16 * 1024] + [b"y" * 16 * 1024] * 200  # 3.2 MB, no newline
    stream, response = stream_over([meta(), delta(1, "before")] + endless, max_event_bytes=limit)

    got = []
    with pytest.raises(ResponseTooLargeError) as caught:
        for event in stream:
            got.append(event)

    assert [e.get("text") for e in got] == ["before"]
    assert caught.value.limit == limit and caught.value.what == "event"
    assert "max_event_bytes" in str(caught.value) and "after id 1" in str(caught.value)
    assert stream.closed and stream.last_seq == 1
    # Reading stopped once the limit was passed: the rest of the body was never read.
    read = 2 + len(endless) - len(response.raw._chunks)
    assert read <= 2 + limit // (16 * 1024) + 1, read


def test_a_whole_frame_over_the_limit_in_one_read_is_refused_too() -> None:
    small = delta(1, "ok")
    big = delta(2, "z" * 500)
    stream, _ = stream_over([meta() + small + big], max_event_bytes=len(big) - 1)
    first = next(iter(stream))
    assert first["text"] == "ok"  # type: ignore[typeddict-item]
    with pytest.raises(ResponseTooLargeError):
        next(iter(stream))

    at_limit, _ = stream_over([meta() + small + big], max_event_bytes=len(big))
    assert [e["text"] for e in (next(iter(at_limit)), next(iter(at_limit)))] == ["ok", "z" * 500]  # type: ignore[typeddict-item]
    at_limit.close()


def test_max_event_bytes_comes_from_the_client_and_is_checked() -> None:
    client = offline_client(max_event_bytes=1000)
    assert client.max_event_bytes == 1000
    assert client.events("s", check_session=False).max_event_bytes == 1000
    assert client.events("s", check_session=False, max_event_bytes=50).max_event_bytes == 50
    assert client.with_options(timeout=3).events("s", check_session=False).max_event_bytes == 1000
    assert offline_client().max_event_bytes == DEFAULT_MAX_EVENT_BYTES == 16 * 1024 * 1024
    for bad in (0, -1, True, 1.5, "100"):
        with pytest.raises(ConfigurationError, match="max_event_bytes"):
            offline_client(max_event_bytes=bad)
        with pytest.raises(ConfigurationError, match="max_event_bytes"):
            client.events("s", check_session=False, max_event_bytes=bad)


def test_iter_sse_events_and_the_shared_parser_keep_the_limit() -> None:
    body = b"event: ping\ndata: 1\n\n" + b"data: " + b"q" * 5000
    response = ReadsResponse(pieces(body, 1000))
    events = iter_sse_events(response, max_event_bytes=4096)  # type: ignore[arg-type]
    assert next(events).data == "1"
    with pytest.raises(ResponseTooLargeError) as caught:
        next(events)
    assert caught.value.limit == 4096

    big = b"data: " + b"w" * 3_000_000 + b"\n\n"
    parsed = list(_FrameParser(iter(pieces(big, 4096))).events())
    assert [len(e.data) for e in parsed] == [3_000_000]
    with pytest.raises(ConfigurationError):
        list(iter_sse_events(ReadsResponse([]), max_event_bytes=0))  # type: ignore[arg-type]


def test_the_system_stream_takes_the_clients_limit() -> None:
    with SSEServer() as server:
        server.add(Script([b'data: {"type":"cron_completed"}\n\n', b"data: " + b"s" * 20_000]))
        client = EthosClient(server.url, api_key=FAKE_KEY, max_event_bytes=10_000)
        with client.system_events(max_reconnects=0) as stream:
            assert dict(next(iter(stream))) == {"type": "cron_completed"}
            with pytest.raises(ResponseTooLargeError):
                next(iter(stream))
            assert stream.closed


@pytest.mark.parametrize(
    "frame",
    [
        b"data: a\ndata: b\nid: 7\nevent: x\nretry: 5\n\n",
        b": comment\ndata\nid:8\n\n",
        b"data:\n\n",
        b"id: 3\nevent: only\n\n",
        b"  \ndata:  two spaces\nunknown: field\ndata: \xff\xfe\n\n",
        b"event:\ndata: e\n\n",
    ],
)
def test_the_linear_frame_reader_reads_what_sseclient_reads(frame: bytes) -> None:
    ours = [(e.id, e.event, e.data, e.retry) for e in _sseclient_events(frame)]
    fixed = frame.decode("utf-8", "replace").encode("utf-8")
    theirs = [(e.id, e.event, e.data, e.retry) for e in sseclient.SSEClient(iter((fixed,))).events()]
    assert ours == theirs


def test_a_frame_of_many_data_lines_is_read_whole() -> None:
    lines = 50_000
    frame = b"data: line\n" * lines + b"id: 1\n\n"
    (event,) = list(_sseclient_events(frame))
    assert event.data == "\n".join(["line"] * lines) and event.id == "1"


@pytest.mark.parametrize(
    ("data", "delivered"),
    [
        ('{"type":"text_delta","text":"a"}', True),
        (' {"type":"text_delta","text":"a"}', True),  # a space after "data: " is JSON whitespace
        ('{"type":"text_delta","text":"a"}  ', True),
        ('{"type":"text_delta","text":"a"} {}', False),
        ('[{"type":"text_delta"}]', False),
        ("", False),
        ('{"type": 5}', False),
    ],
)
def test_event_data_is_decoded_as_json_loads_decodes_it(data: str, delivered: bool) -> None:
    body = meta() + b"data: " + data.encode() + b"\nid: 1\n\n" + delta(2, "next")
    stream, _ = stream_over([body])
    first = next(iter(stream))
    stream.close()
    expected = json.loads(data) if delivered else {"type": "text_delta", "text": "next"}
    assert first == expected
    assert stream.malformed_count == (0 if delivered else 1)


def test_an_endless_line_ends_with_the_typed_error_in_bounded_memory() -> None:
    """20 MB without a newline over a real chunked socket: the error, in a child process whose peak is measured."""
    script = textwrap.dedent(
        """
        import resource, sys
        sys.path.insert(0, sys.argv[1])
        from ethos_sdk import EthosClient, ResponseTooLargeError
        from tests.sse_server import Script, SSEServer, meta

        piece = b"v" * (256 * 1024)
        steps = [meta(), b"data: " + piece] + [piece] * 79  # 20 MiB, one HTTP chunk per piece
        with SSEServer([Script(steps)]) as server:
            client = EthosClient(server.url, api_key="sk-ethos-" + "0" * 64)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with client.events("s", check_session=False, max_reconnects=0, idle_timeout=20) as stream:
                try:
                    for _ in stream:
                        pass
                    print("no error")
                except ResponseTooLargeError as exc:
                    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
                    print(exc.what, exc.limit, grown // 1024)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    what, limit, grown_mib = done.stdout.split()
    assert (what, int(limit)) == ("event", DEFAULT_MAX_EVENT_BYTES)
    # The frame held up to the limit (16 MiB) in pieces: the peak grows by about that, not by the 20 MiB sent.
    assert int(grown_mib) < 40, f"peak RSS grew by {grown_mib} MiB"
    print(f"20 MiB without a newline: ResponseTooLargeError at the 16 MiB limit, peak RSS +{grown_mib} MiB")
