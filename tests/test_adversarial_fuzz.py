"""Hostile input, fuzzed: SSE bytes, success envelopes and error bodies of every shape.

The property everywhere: nothing escapes but the SDK's own typed errors
(``EthosError`` subclasses; the envelope decoder's internal ``MetaError`` is
turned into ``UnexpectedResponseError`` by the transport), and a valid event
frame is never lost, whatever bytes surround it and wherever the reads split.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any, Dict, Iterator, List, Optional, cast

import pytest
import requests
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from ethos_sdk import EthosClient, UnexpectedResponseError
from ethos_sdk._envelope import MetaError, decode_output
from ethos_sdk._transport import status_error
from ethos_sdk.errors import APIStatusError, EthosError, status_error_class
from ethos_sdk.stream import EventStream

from .adversarial_servers import FIGURES, adversarial_summary, report
from .conftest import FAKE_KEY

__all__ = ["adversarial_summary"]

BASE = "http://127.0.0.1:3000"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the SSE path ------------------------------------------------------------------------------


class _FakeRaw:
    """``response.raw`` handing out the given chunks; at the end it closes the stream (no reconnect)."""

    def __init__(self, chunks: List[bytes], stream: EventStream) -> None:
        self._chunks = list(chunks)
        self._stream = stream

    def read1(self, size: int = -1, decode_content: bool = True) -> bytes:
        if self._chunks:
            return self._chunks.pop(0)
        self._stream.close()
        return b""


class _FakeResponse:
    status_code = 200

    def __init__(self, raw: _FakeRaw) -> None:
        self.raw = raw
        self.headers = CaseInsensitiveDict({"content-type": "text/event-stream"})

    def close(self) -> None:
        pass


def feed(chunks: List[bytes]) -> tuple[List[Dict[str, Any]], EventStream]:
    """Run EventStream's real parsing path over ``chunks`` as one connection's reads."""
    client = EthosClient(BASE, api_key=FAKE_KEY)
    stream = EventStream(client, "s1", check_session=False)
    opened: List[int] = []

    def fake_open(last_event_id: Optional[str]) -> Any:
        opened.append(1)
        assert len(opened) == 1, "the fake body ends by closing the stream: no reconnect expected"
        return _FakeResponse(_FakeRaw(chunks, stream))

    stream._open = fake_open  # type: ignore[method-assign]
    delivered: List[Dict[str, Any]] = []
    for event in stream:
        assert isinstance(event, dict) and isinstance(event.get("type"), str)
        delivered.append(dict(event))
        assert len(delivered) < 100_000
    client.close()
    return delivered, stream


def split(data: bytes, points: List[int]) -> List[bytes]:
    cuts = sorted({p % (len(data) + 1) for p in points} | {0, len(data)})
    return [data[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


@FUZZ
@given(st.binary(max_size=2000), st.lists(st.integers(min_value=0, max_value=4000), max_size=20))
def test_arbitrary_bytes_on_the_stream_raise_nothing_but_typed_errors(data: bytes, points: List[int]) -> None:
    FIGURES.add("fuzzed")
    try:
        feed(split(data, points))
    except EthosError:
        pass


# A text that the real server's JSON.stringify sends raw: line separators, NEL, CR-looking
# characters inside strings, astral characters split across reads.
_texts = st.lists(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=cast(Any, ("Cs",))), max_size=8)
    | st.sampled_from(["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "😀", "é", ":", "data: ", "id: 7"]),
    max_size=6,
).map("".join)
_junk_frames = st.sampled_from(
    [
        b": a comment\n\n",
        b"event: custom\nretry: 10\n\n",
        b"unknown: field\n\n",
        b"data: not json\n\n",
        b"data: {\"no\":\"type\"}\n\n",
        b"data: [1,2]\n\n",
        b"\n",
    ]
)


@FUZZ
@given(
    texts=st.lists(_texts, min_size=1, max_size=25),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    junk=st.lists(st.tuples(st.integers(0, 25), _junk_frames), max_size=6),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
)
def test_valid_frames_are_never_lost_at_any_split_point(
    texts: List[str], newline: str, junk: List[tuple[int, bytes]], points: List[int]
) -> None:
    events = [{"type": "text_delta", "text": t} for t in texts]
    frames: List[bytes] = [('data: {"type":"stream_meta","requestId":"r"}' + newline * 2).encode()]
    for seq, event in enumerate(events, start=1):
        data = json.dumps(event, ensure_ascii=False)
        frames.append((f"data: {data}{newline}id: {seq}{newline}{newline}").encode("utf-8"))
    for position, frame in sorted(junk, reverse=True):
        frames.insert(1 + min(position, len(events)), frame.replace(b"\n", newline.encode()))
    body = b"".join(frames)
    FIGURES.add("fuzzed")
    FIGURES.add("events", len(events))
    delivered, stream = feed(split(body, points))
    lost = max(0, len(events) - len(delivered))
    FIGURES.add("lost", lost)
    assert delivered == events
    assert stream.last_seq == len(events)


def test_hostile_sse_examples_that_once_broke_parsers() -> None:
    """Invalid UTF-8 in a frame, a JSON nesting bomb, a NUL in the id: skipped, not raised; good frames kept."""
    good = b'data: {"type":"done","text":"ok"}\nid: 3\n\n'
    body = (
        b'data: {"type":"text_delta","text":"\xff\xfe"}\nid: 1\n\n'
        + b"data: " + b"[" * 50_000 + b"\nid: 2\n\n"
        + b'data: {"type":"x"}\nid: 2\x00\n\n'
        + good
    )
    for points in ([], list(range(0, len(body), 7))):
        delivered, stream = feed(split(body, points))
        assert delivered[-1] == {"type": "done", "text": "ok"}
        assert stream.last_seq == 3
    FIGURES.add("fuzzed", 2)
    report("SSE fuzz: arbitrary bytes at arbitrary split points raised only typed errors; "
           "valid frames among junk, LF/CRLF/CR, raw U+2028/NEL, split UTF-8: none lost")


# -- the envelope decoder and the transport's success path --------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)
_segment = st.one_of(st.text(max_size=4), st.integers(-2, 5), st.sampled_from(["0", "1", "a", "json"]), st.booleans())
_meta_entry = st.one_of(
    st.lists(st.one_of(st.integers(-1, 9), _segment), max_size=4),
    st.tuples(st.integers(0, 7)).map(list),
    st.tuples(st.integers(0, 7), _segment).map(list),
    st.tuples(st.integers(0, 7), _segment, _segment).map(list),
    _json,
)
_envelopes = st.one_of(
    _json,
    st.fixed_dictionaries({"json": _json}),
    st.fixed_dictionaries({"json": _json, "meta": st.one_of(st.lists(_meta_entry, max_size=4), _json)}),
)


@FUZZ
@given(_envelopes)
def test_the_envelope_decoder_raises_only_meta_error(envelope: Any) -> None:
    FIGURES.add("fuzzed")
    try:
        decode_output(envelope)
    except MetaError:
        pass


@pytest.fixture(scope="module")
def mocked_client() -> Iterator[EthosClient]:
    with EthosClient(BASE, api_key=FAKE_KEY, max_retries=0) as client:
        yield client


@FUZZ
@given(body=st.one_of(_envelopes.map(lambda e: json.dumps(e).encode()), st.binary(max_size=300)))
def test_any_success_body_returns_a_value_or_an_unexpected_response_error(body: bytes) -> None:
    FIGURES.add("fuzzed")
    with EthosClient(BASE, api_key=FAKE_KEY, max_retries=0) as client:
        with responses.RequestsMock() as mock:
            mock.post(f"{BASE}/rpc/sessions/list", body=body, status=200, content_type="application/json")
            try:
                client.call("sessions.list", {})
            except UnexpectedResponseError as exc:
                assert str(exc) and repr(exc)


# -- error bodies of every shape ------------------------------------------------------------------

_anything = _json
_error_bodies = st.one_of(
    _json.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.fixed_dictionaries(
        {"json": st.fixed_dictionaries(
            {"defined": _anything, "code": _anything, "status": _anything, "message": _anything},
            optional={"data": st.one_of(_anything, st.fixed_dictionaries(
                {}, optional={"action": _anything, "issues": st.one_of(_anything, st.lists(_anything, max_size=3))}))},
        )}
    ).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"ok": st.just(False)},
        optional={"code": _anything, "error": _anything, "action": _anything, "requestId": _anything},
    ).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"error": st.one_of(_anything, st.fixed_dictionaries(
        {}, optional={"message": _anything, "code": _anything, "type": _anything}))}).map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 100_000),
    st.just(b"x" * 200_000),
)
_header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


def fake_response(status: int, body: bytes, headers: Dict[str, str]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.raw = io.BytesIO(body)
    response.headers = CaseInsensitiveDict(headers)
    response.reason = "Whatever"
    response.url = f"{BASE}/rpc/x"
    return response


@FUZZ
@given(
    status=st.one_of(st.integers(400, 599), st.sampled_from([300, 399, 600, 999])),
    body=_error_bodies,
    retry_after=st.one_of(st.none(), _header_text, st.sampled_from(
        ["1e400", "-5", "nan", "inf", "Wed, 21 Oct 2015 07:28:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "99999999999"])),
    request_id=st.one_of(st.none(), _header_text),
    auth_mode=st.sampled_from([None, "bearer", "cookie"]),
)
def test_every_error_body_shape_becomes_the_status_typed_error(
    status: int, body: bytes, retry_after: Optional[str], request_id: Optional[str], auth_mode: Optional[str]
) -> None:
    FIGURES.add("fuzzed")
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    if request_id is not None:
        headers["x-request-id"] = request_id
    error = status_error(fake_response(status, body, headers), request_id="sent-id",
                         auth_mode=auth_mode, procedure="sessions.list")
    assert isinstance(error, APIStatusError) and type(error) is status_error_class(status)
    assert error.status == status
    assert isinstance(error.message, str) and isinstance(error.text, str)
    assert error.retry_after is None or (error.retry_after >= 0 and not math.isnan(error.retry_after))
    assert str(error) and repr(error)
    assert isinstance(error.issues, list) and all(isinstance(i, dict) for i in error.issues)


def test_fuzz_figures() -> None:
    report("fuzz: envelope/meta decoder raised only MetaError; every 2xx body returned or raised "
           "UnexpectedResponseError; every error body shape became the status's typed error")
