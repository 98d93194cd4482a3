"""``EventStream``: every event of one session, exactly once and in order, for as long as you read.

The server's stream (``GET /sse/sessions/<id>``) never ends by itself, sends no
heartbeats, keeps the last 1000 events of a session in memory and numbers them
from 1 again after it restarts. This module turns that into an iterator that a
notebook or a service can hold open for days::

    with client.events(session_id) as stream:
        for event in stream:
            if event["type"] == "text_delta":
                print(event["text"], end="")

How the stream keeps its promise
--------------------------------

* Each event with an ``id`` moves the cursor, ``stream.last_seq``, and leaves a
  fingerprint (a hash of its data) in a bounded record of the last 1024 ids.
* After a dropped connection, an idle timeout or an early end of the body, the
  stream reconnects (with backoff and jitter) and asks the server, through the
  ``Last-Event-ID`` header, to replay the last few events it already delivered
  (up to :data:`OVERLAP`) as well as what came after. The server sends that
  replay at once, right after ``stream_meta``. Every replayed event up to the
  cursor is compared with its fingerprint: if all are the same, the numbering
  still holds and the stream carries on after the cursor.
* If a replayed event differs, or the server sends an id below the ones asked
  for, the server restarted (or dropped the session's buffer) and numbers its
  events from 1 again. If the replay does not come at all within
  :data:`REPLAY_WAIT` seconds, the stream asks for the whole buffer and
  compares every event it knows; a buffer that is empty, lacks the cursor, or
  holds an event the stream never saw below the cursor means a restart too.
  On a restart the stream reads the new numbering from its start, so each of
  its events is delivered once, however low its id; it logs a warning, counts
  ``stream.restarts`` and describes it in ``stream.last_restart``
  (:class:`StreamRestart`: the last id delivered before it, whether a turn
  was running).
* If the first event after a reconnect has a higher id than expected, the
  events in between fell out of the server's 1000-event buffer. They are lost:
  the stream logs a warning, counts ``stream.gaps`` and ``stream.missed_events``,
  and goes on: a session's stream is read for hours or days, and one hole in
  it does not make the rest wrong. Read the session's history with
  ``client.sessions.get`` to fill the hole. A *turn* (``chat.ask``,
  ``chat.stream``, ``chat.follow``) is different: its reply, tool calls and
  usage would come back incomplete, so it raises :class:`~ethos_sdk.StreamError`
  instead (see :class:`~ethos_sdk.TurnStream`).
* Within one connection the server's order is taken as it comes. An id that
  does not go up (the same or a lower one) is never dropped: it is delivered,
  the cursor follows it, and it is logged and counted as a restart, because
  silently skipping it could lose a turn. An id that jumps is delivered and
  counted as a gap.
* Events without an ``id`` are delivered but do not move the cursor.
  ``stream_meta`` (the first frame of every connection) is kept as
  ``stream.request_id`` and yielded only with ``include_meta=True``.
* ``data`` that is not a JSON object with a string ``"type"`` is skipped, logged
  and counted in ``stream.malformed_count``; an id it carries still moves the
  cursor. An event type this SDK does not know is delivered as the plain dict.

What cannot be recovered: events that happened while the stream was away and
were then pushed out of the 1000-event buffer; after a restart, every event the
old server produced and had not sent yet (its buffer died with it: a turn that
was running is lost, and never finishes); after a restart followed by more
than 1000 events before the stream reconnects, the new numbering's first events
(reported as a gap). An event identical to the delivered one at the same id,
across a restart, cannot be told from it. The detection of a restart during
silence relies on the server writing its replay right after ``stream_meta``
(it does, in the same step). A replay slower than :data:`REPLAY_WAIT` costs one
more reconnect that reads and compares the whole buffer; if even that comes
too late, a restart is reported, but the fingerprints are kept for the next
read, so the late events are recognised and none is delivered twice.

Warnings go to the ``ethos_sdk`` logger.

Reading other SSE bodies
------------------------

:func:`iter_sse_events` parses any ``text/event-stream`` response (the
system and goal streams too) into ``sseclient.Event`` objects, with the same
parser and the same handling of line endings, split reads and cut-off frames.
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Deque, Dict, Iterator, List, Mapping, Optional, Tuple, Union
from urllib.parse import quote

import requests
import sseclient
import urllib3.exceptions

from ._limits import DEFAULT_MAX_EVENT_BYTES, check_max_event_bytes
from ._observe import log_fields
from ._safety import check_headers, path_segment
from ._transport import _socket_of, backoff_delay, dropped_before_answer
from ._types import check_timeout
from .errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    NotFoundError,
    ResponseTooLargeError,
    StreamError,
    UnexpectedResponseError,
)
from .types.events import StreamEvent

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._client import EthosClient

__all__ = [
    "EventStream",
    "StreamRestart",
    "iter_sse_events",
    "LIVE",
    "DEFAULT_IDLE_TIMEOUT",
    "OVERLAP",
    "REPLAY_WAIT",
    "DEFAULT_MAX_EVENT_BYTES",
]

log = logging.getLogger("ethos_sdk")

LIVE = "live"
"""``since=LIVE`` skips the replay of the server's buffer: only new events are delivered."""

LIVE_LAST_EVENT_ID = "9007199254740991"
"""The ``Last-Event-ID`` that makes the server replay nothing (its largest safe integer)."""

DEFAULT_IDLE_TIMEOUT = 60.0
"""Seconds of silence after which the stream quietly reconnects (the server sends no heartbeats)."""

DEFAULT_CONNECT_TIMEOUT = 10.0

HEALTHY_AFTER = 60.0
"""A connection that lasted this long (or delivered an event) resets the reconnect backoff."""

OVERLAP = 3
"""How many already-delivered events a reconnect asks the server to replay, to compare them."""

REPLAY_WAIT = 1.0
"""Seconds a reconnect waits for the replay the server sends right after ``stream_meta``.

A replay that does not come means the server's numbering no longer reaches
the cursor; the stream then reads the whole buffer to decide (see the module
documentation). Never more than ``idle_timeout``.
"""

SERVER_BUFFER = 1000
"""How many events of a session the server keeps for replay."""

_NOT_FOUND_RECHECKS = (0.25, 0.75, None)  # seconds before asking again; None: raise
_RING = 1024  # fingerprints kept: at least SERVER_BUFFER, a power of two
_MASK = _RING - 1
_EMPTY_RING: List[int] = [-1] * _RING
_READ_SIZE = 64 * 1024
_MAX_RETRY_AFTER = 60.0
_RETRYABLE_STATUSES = frozenset({408, 429})

# What a connection is checking (see EventStream._judge).
_NORMAL = 0  # ids follow each other; nothing left to verify
_AFTER = 1  # resumed from an id without fingerprints: the first id must be above it
_VERIFY = 2  # the replay must begin with the overlap, identical to what was delivered
_RESCAN = 3  # the whole buffer, compared with every fingerprint until the cursor shows up
_FROM_START = 4  # a new numbering, read from its start

_DELIVER, _SKIP, _HOLD = 0, 1, 2

# json.loads(text) is this scanner at 0, plus a check that only whitespace follows.
_scan_json: Callable[[str, int], Tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

# Every event frame of the Ethos server, once line endings are LF: the data line,
# then the id line, then the blank line. The data line holds no LF, so the first
# blank line after the frame's start is the one matched: the frame ends there.
_EVENT_FRAME = re.compile(rb"data: ([^\n]*)\nid: ([0-9]+)\n\n")


@dataclass(frozen=True)
class StreamRestart:
    """What an :class:`EventStream` saw of one server restart (``stream.last_restart``).

    After a restart the server numbers the session's events from 1 again and
    has forgotten everything it had not sent: events the old server produced
    after ``last_seq`` and never delivered are lost for good, and a turn that
    was running is lost too (it never finishes). The session itself and the
    messages the old server saved survive: ``client.sessions.get(session_id)``
    shows them.
    """

    last_seq: Optional[int]
    """The id of the last event of the old numbering that was delivered (``None``: none)."""
    turn_in_flight: bool
    """True when the last turn delivered had started (``run_start``) and not ended."""
    reason: str
    """How the restart showed (which event differed, or what the replay lacked)."""
    at: float
    """When it was seen, as ``time.time()``."""


class _BodyEnded(Exception):
    """The response body ended (the server or a proxy closed the connection)."""


class _Resync(Exception):
    """The server's numbering restarted: reconnect at once, from the start of its buffer."""


class _Connection:
    """What the stream knows about the connection being read."""

    __slots__ = (
        "started", "mode", "last_event_id", "after", "cursor", "prev", "delivered", "seen", "held", "response"
    )

    def __init__(self, mode: int, after: int = 0, cursor: int = 0, last_event_id: Optional[str] = None) -> None:
        self.started = time.monotonic()
        self.mode = mode
        self.last_event_id = last_event_id  # the Last-Event-ID header to send (None: none)
        self.after = after  # the Last-Event-ID sent (the server replays ids above it)
        self.cursor = cursor  # last_seq when the connection was planned
        self.prev: Optional[int] = None  # the last id seen on this connection
        self.delivered = False  # an event with an id was delivered on this connection
        self.seen = False  # a replayed event matched a fingerprint (_VERIFY, _RESCAN)
        self.held: List[Tuple[int, bytes, Any]] = []  # _RESCAN: unknown old ids, until decided
        self.response: Optional[requests.Response] = None


def _normalised_line_endings(chunks: Iterator[bytes]) -> Iterator[bytes]:
    r"""Turn CRLF and lone CR into LF, across chunk boundaries, without holding bytes back.

    sseclient finds the end of a frame by the end of the bytes read so far, so a
    frame whose lines end in mixed styles (``\n`` then ``\r\n``, or ``\r`` then
    ``\r\n``) would never end there. With LF only, every blank line is ``\n\n``.
    """
    after_cr = False
    for chunk in chunks:
        if after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF whose CR ended the previous chunk
        if not chunk:
            continue
        after_cr = chunk.endswith(b"\r")
        yield chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


class _FrameParser:
    r"""sseclient's parser, splitting frames in bulk and building the usual event at once.

    sseclient handles each line in Python (two concatenations, a decode and a
    split per line, then a debug log), which made it half the cost of a stream
    of small events. Here the bytes have LF line endings only
    (:func:`_normalised_line_endings`), so a frame ends at the first ``\n\n`` --
    where sseclient's line-by-line ``_read`` ends it too -- and one ``find``
    per frame splits the stream. A frame of exactly ``data: <x>\nid: <y>\n\n``
    (every event of the Ethos server) becomes the ``Event`` sseclient would
    build; any other frame goes through ``sseclient.SSEClient`` itself.
    """

    def __init__(
        self, chunks: Iterator[bytes], char_enc: str = "utf-8", max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    ) -> None:
        self._chunks = chunks
        self._char_enc = char_enc
        self._max_event_bytes = max_event_bytes
        self._logger = logging.getLogger("sseclient")  # where sseclient logs "Dispatching"

    def _frames(self) -> Iterator[bytes]:
        limit = self._max_event_bytes
        pending = _PendingFrame(limit)
        for chunk in self._chunks:
            if pending.parts:
                if not pending.ends_in(chunk):
                    continue
                buf, scan = pending.joined()
            else:
                buf, scan = chunk, 0
            start = 0
            while True:
                end = buf.find(b"\n\n", scan)
                if end < 0:
                    break
                if end + 2 - start > limit:
                    raise _frame_too_large(limit, end + 2 - start)
                yield buf[start : end + 2]
                start = scan = end + 2
            if start < len(buf):
                pending.hold(buf[start:] if start else buf)
        if pending.parts:
            yield pending.joined()[0]

    def events(self) -> Iterator[sseclient.Event]:
        encoding = self._char_enc
        logger = self._logger
        debug = logger.isEnabledFor(logging.DEBUG)
        make = sseclient.Event
        for frame in self._frames():
            if frame.startswith(b"data: "):
                data_end = frame.find(b"\n", 6)
                if frame.startswith(b"id: ", data_end + 1):
                    id_end = frame.find(b"\n", data_end + 5)
                    if id_end == len(frame) - 2 and frame.endswith(b"\n\n"):
                        event = make()
                        # Bytes that are not UTF-8 become U+FFFD, as in browsers, not an exception.
                        event.id = frame[data_end + 5 : id_end].decode(encoding, "replace")
                        event.data = frame[6:data_end].decode(encoding, "replace")
                        if debug:
                            logger.debug("Dispatching %s...", event)
                        yield event
                        continue
            yield from _sseclient_events(frame, encoding)


class _PendingFrame:
    r"""The start of a frame whose end has not arrived yet, kept as the pieces that came.

    Each new piece is searched for the frame's end (``\n\n``) alone, and the
    pieces are joined once, when it comes: assembling a frame costs time in
    proportion to its size, however many reads it took (joining the rest with
    each new read, and scanning it all again, made a large frame cost the
    square of its size). More than ``limit`` bytes without an end raise
    :class:`~ethos_sdk.ResponseTooLargeError`.
    """

    __slots__ = ("parts", "size", "limit", "too_large")

    def __init__(self, limit: int, too_large: Optional[Callable[[int], ResponseTooLargeError]] = None) -> None:
        self.parts: List[bytes] = []
        self.size = 0
        self.limit = limit
        self.too_large = too_large or functools.partial(_frame_too_large, limit)
        """The error for a frame of the given size."""

    def hold(self, rest: bytes) -> None:
        """Keep ``rest``, a frame's beginning (bytes without a blank line)."""
        if len(rest) > self.limit:
            raise self.too_large(len(rest))
        self.parts = [rest]
        self.size = len(rest)

    def ends_in(self, chunk: bytes) -> bool:
        """Add ``chunk``; True when the frame's end is in it (then call :meth:`joined`)."""
        ends = b"\n\n" in chunk or (chunk[:1] == b"\n" and self.parts[-1][-1:] == b"\n")
        self.parts.append(chunk)
        self.size += len(chunk)
        if not ends and self.size > self.limit:
            raise self.too_large(self.size)
        return ends

    def joined(self) -> Tuple[bytes, int]:
        """All the pieces as one buffer, emptying this; and where a blank line may begin in it."""
        scan = self.size - len(self.parts[-1]) - 1  # a "\n\n" may straddle the last two pieces
        buf = b"".join(self.parts)
        self.parts = []
        self.size = 0
        return buf, max(scan, 0)


def _frame_too_large(limit: int, size: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"an event of the stream is larger than max_event_bytes ({limit:,} bytes): {size:,} bytes "
        "of it arrived without its end, and reading stopped there. If events this large are "
        "expected, raise the limit: EthosClient(max_event_bytes=...) or "
        "client.events(..., max_event_bytes=...)",
        limit=limit,
        what="event",
    )


def _sseclient_events(frame: bytes, encoding: str = "utf-8") -> Iterator[sseclient.Event]:
    r"""The event sseclient reads from one frame (any shape), read in time linear in its size.

    ``frame`` has LF line endings and its first blank line at its end (or none),
    so sseclient would read it as one chunk; it builds the data with ``+=``
    per line, which costs the square of the size for a frame of many lines.
    The same rules here: lines that are blank or start with ``:`` are skipped,
    ``field: value`` loses one leading space of the value, ``data`` lines are
    joined with ``
``, ``id``/``event``/``retry`` keep their last value,
    other fields are ignored, and a frame without a ``data`` line is no event.
    Bytes that are not valid in ``encoding`` become U+FFFD.
    """
    fields: Dict[str, str] = {}
    data: List[str] = []
    for line in frame.decode(encoding, "replace").split("\n"):
        if not line.strip() or line[0] == ":":
            continue
        field, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field in _EVENT_FIELDS:
            fields[field] = value
    if not data:
        return iter(())
    event = sseclient.Event()
    event.id = fields.get("id")
    event.event = fields.get("event") or "message"
    event.data = "\n".join(data)
    event.retry = fields.get("retry")
    logger = logging.getLogger("sseclient")
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("Dispatching %s...", event)
    return iter((event,))


_EVENT_FIELDS = frozenset({"id", "event", "retry"})


def _body_reader(response: requests.Response) -> Callable[[], bytes]:
    """A function returning the body's next bytes as they arrive (never waiting to fill a buffer).

    It returns ``b""`` at the end of the body.
    """
    raw: Any = response.raw
    # Without a Content-Encoding there is nothing to decode: skip urllib3's
    # decoder and its buffer, a cost per read (a read per event when chunked).
    decode = bool(response.headers.get("content-encoding"))
    if getattr(raw, "chunked", False) and hasattr(raw, "read_chunked") and raw.supports_chunked_reads():
        # The server writes one HTTP chunk per event. read1 would return one chunk
        # per call, setting up urllib3's error handling and http.client's chunk
        # bookkeeping each time; read_chunked sets up the error handling once for
        # the whole body and returns each chunk (at most _READ_SIZE bytes of it) as
        # it arrives. It raises the same errors read1 does.
        pieces = raw.read_chunked(_READ_SIZE, decode_content=decode)
        return functools.partial(next, pieces, b"")
    if hasattr(raw, "read1"):  # urllib3 >= 2
        return functools.partial(raw.read1, _READ_SIZE, decode_content=decode)
    fp: Any = getattr(raw, "_fp", None)
    if hasattr(fp, "read1") and not response.headers.get("content-encoding"):
        # urllib3 1.x: http.client's read1 returns what has arrived
        return functools.partial(fp.read1, _READ_SIZE)
    chunks = response.iter_content(None)
    return lambda: next(chunks, b"")


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body's bytes as they arrive; raises :class:`_BodyEnded` at its end."""
    read = _body_reader(response)
    while True:
        chunk = read()
        if not chunk:
            break
        yield chunk
    # Raising (rather than returning) keeps the parser from dispatching the
    # incomplete frame a cut-off body may end with.
    raise _BodyEnded()


def iter_sse_events(
    response: requests.Response, *, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> Iterator[sseclient.Event]:
    r"""The events of a ``text/event-stream`` response, as ``sseclient.Event`` objects.

    The parser of :class:`EventStream`, for any SSE body (``/sse/system``,
    ``/sse/goals/<id>``...): each event is yielded as soon as its frame has
    arrived; CR, LF and CRLF line endings are all accepted; ``id``, ``event``,
    ``data`` (lines joined with ``\n``) and ``retry`` are read as sseclient
    reads them. The iteration ends when the body ends; an incomplete frame it
    ends with is not yielded. Network errors (timeouts, resets) propagate as
    ``requests``/``urllib3`` raise them. It does not close ``response``.

    Args:
        response: an answer obtained with ``stream=True``.
        max_event_bytes: the largest frame accepted, in bytes; a larger one
            raises :class:`~ethos_sdk.ResponseTooLargeError` once that many
            of its bytes have arrived (memory stays bounded).
    """
    try:
        yield from _sse_events(response, check_max_event_bytes(max_event_bytes))
    except _BodyEnded:
        return


def _sse_events(
    response: requests.Response, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> Iterator[sseclient.Event]:
    """The events of an SSE body; raises :class:`_BodyEnded` at its end (a cut-off frame is dropped)."""
    return _FrameParser(_normalised_line_endings(_body_chunks(response)), max_event_bytes=max_event_bytes).events()


def _set_read_timeout(response: Optional[requests.Response], seconds: float) -> None:
    sock = _socket_of(response) if response is not None else None
    if sock is not None:
        try:
            sock.settimeout(seconds)
        except OSError:
            pass


def _parse_event(text: str) -> Any:
    """The event a frame's data holds, or ``None`` when it is not a JSON object with a string type."""
    try:
        obj: Any = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        return None
    if isinstance(obj, dict) and isinstance(obj.get("type"), str):
        return obj
    return None


class _Closing:
    """``with`` gives the object itself and calls its ``close()`` on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class _ReconnectingStream(_Closing):
    """What every event stream of this SDK does alike: connect, read, reconnect, close.

    :class:`EventStream` and the streams of :mod:`ethos_sdk.surface_streams`
    subclass it. It opens ``GET <path>`` through the client's transport with
    the stream headers, the connect timeout on the answer's headers and
    ``idle_timeout`` on the socket; refuses an answer that is not an event
    stream; runs the loop that reads one connection after another, with
    backoff and jitter between failed ones; and closes from any thread. A
    subclass says how to open and check a connection (:meth:`_connect`), how
    to read one (:meth:`_read`), and what an idle connection means
    (:meth:`_idle_while_checking`).
    """

    _kind = "event stream"  # how log lines and errors name the stream

    def __init__(
        self,
        client: EthosClient,
        idle_timeout: float,
        connect_timeout: float,
        max_reconnects: int,
        extra_headers: Optional[Mapping[str, str]],
        max_event_bytes: Optional[int] = None,
    ) -> None:
        for name, seconds in (("idle_timeout", idle_timeout), ("connect_timeout", connect_timeout)):
            if seconds is None or isinstance(seconds, tuple):  # one wait each, never "no limit"
                raise ConfigurationError(f"{name} must be one number of seconds above 0; got {seconds!r}")
            check_timeout(seconds, name)
        if max_reconnects < 0:
            raise ValueError("max_reconnects must be 0 or more")
        self._client = client
        self.idle_timeout = float(idle_timeout)
        self.connect_timeout = float(connect_timeout)
        self.max_reconnects = max_reconnects
        if extra_headers:
            check_headers(extra_headers)
        self._extra_headers = dict(extra_headers or {})
        if max_event_bytes is None:  # the client's own limit (a stand-in client may have none)
            max_event_bytes = getattr(client, "max_event_bytes", DEFAULT_MAX_EVENT_BYTES)
        self.max_event_bytes = check_max_event_bytes(max_event_bytes)
        """The largest frame accepted, in bytes (see :data:`DEFAULT_MAX_EVENT_BYTES`)."""
        self.reconnects = 0
        self.malformed_count = 0
        self._closed = False
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._response: Optional[requests.Response] = None  # the connection being read, to shut it down
        self._pid = os.getpid()  # a child process made by fork never shuts down this process's connection
        self._frames: Optional[Iterator[Dict[str, Any]]] = None  # the stream's one generator (_run)

    def _log_fields(self) -> Dict[str, Any]:
        """``extra=`` of this stream's log records: the ``ethos.*`` fields it knows."""
        return log_fields(getattr(self._client, "_transport", None), session_id=getattr(self, "session_id", None))

    # -- what a subclass says -------------------------------------------------------------

    def _connect(self, conn: _Connection, first: bool) -> requests.Response:
        """Open the connection ``conn`` describes (``first``: the stream's first one)."""
        raise NotImplementedError

    def _read(self, response: requests.Response, conn: _Connection) -> Iterator[Dict[str, Any]]:
        """What to deliver from one connection; raises :class:`_BodyEnded` at its end."""
        raise NotImplementedError

    def _plan(self) -> _Connection:
        """The next connection, and what it must check."""
        return _Connection(_NORMAL)

    def _idle_while_checking(self, conn: _Connection) -> bool:
        """``conn`` went silent for ``idle_timeout``: True to reconnect at once for a check of its own."""
        return False

    def _reconnected(self) -> None:
        """Called before each reconnection that follows a dropped or idle connection."""

    def _resume_hint(self) -> str:
        """Appended to the error raised when reconnecting failed ``max_reconnects`` times."""
        return ""

    def _drop_unread(self) -> None:
        """On :meth:`close`: free a connection opened ahead of the iteration, if any."""

    # -- public ---------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called or the stream stopped for good."""
        return self._closed

    def close(self) -> None:
        """Stop the stream and free its connection; safe to call from any thread, and twice.

        A ``for`` loop blocked on the stream in another thread ends promptly.
        """
        self._closed = True
        self._wake.set()
        self._drop_unread()
        with self._lock:
            response = self._response
        if response is not None and self._pid == os.getpid():
            sock = _socket_of(response)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        frames = self._frames
        if frames is not None and hasattr(frames, "close"):
            try:
                frames.close()  # runs its cleanup here when it is not being read elsewhere
            except ValueError:
                pass  # another thread is reading it: the shutdown above wakes it up

    def _describe_state(self) -> str:
        return "closed" if self._closed else "open"

    # -- connections ----------------------------------------------------------------------

    def _frame_iterator(self) -> Iterator[Dict[str, Any]]:
        if self._frames is None:
            self._frames = self._run()
        return self._frames

    def _get_stream(self, path: str, headers: Mapping[str, str]) -> requests.Response:
        """``GET path`` as an event stream, with ``headers`` and the stream's extra headers.

        Waiting for the answer's headers is part of connecting (``connect_timeout``):
        a server that accepts and never answers must not hold us for
        ``idle_timeout``. From then on, silence on the socket means idle.
        """
        sent = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        sent.update(headers)
        sent.update(self._extra_headers)
        transport = self._client._transport
        try:
            response = transport.get(
                path, headers=sent, timeout=(self.connect_timeout, self.connect_timeout), stream=True
            )
        except APIConnectionError as exc:
            if self._closed or not dropped_before_answer(exc):
                raise
            # A pooled connection the server had closed (after sessions.get, say): once more, as reads are.
            log.debug(
                "%s: the connection broke before any answer (%s); connecting again", self._kind, exc,
                extra=self._log_fields(),
            )
            response = transport.get(
                path, headers=sent, timeout=(self.connect_timeout, self.connect_timeout), stream=True
            )
        with self._lock:
            self._response = response
        _set_read_timeout(response, self.idle_timeout)
        content_type = response.headers.get("content-type", "")
        if not 200 <= response.status_code < 300 or (
            content_type.split(";")[0].strip().lower() != "text/event-stream"
        ):
            self._release(response)
            raise StreamError(
                f"GET {path} answered {response.status_code} with content type "
                f"{content_type or 'none'!r}, not an event stream; is base_url the Ethos server itself?"
            )
        return response

    def _release(self, response: Optional[requests.Response]) -> None:
        with self._lock:
            if self._response is response:
                self._response = None
        if response is not None:
            try:
                response.close()
            except Exception:  # closing a broken connection must not hide why it broke
                pass

    def _run(self) -> Iterator[Dict[str, Any]]:
        """One connection after another, until the stream is closed or gives up.

        A failure of the first connection is raised at once. After that, a
        dropped connection, an early end of the body, a 5xx, 408 or 429 is
        retried with backoff (at least ``Retry-After``), ``max_reconnects``
        times in a row; a connection that delivered something or lasted
        :data:`HEALTHY_AFTER` seconds starts the count again. An idle
        connection is opened again at once, and never counts as a failure.
        """
        failures = 0
        first = True
        while not self._closed:
            conn = self._plan()
            idle = False
            response: Optional[requests.Response] = None
            retry_after: Optional[float] = None
            problem: Optional[BaseException] = None
            try:
                response = self._connect(conn, first)
                first = False
                if self._closed:
                    return
                yield from self._read(response, conn)
            except _Resync:
                self.reconnects += 1
                continue
            except _BodyEnded as exc:
                problem = exc
            except APIStatusError as exc:
                if first or not (exc.status >= 500 or exc.status in _RETRYABLE_STATUSES):
                    self._closed = True
                    raise
                problem = exc
                retry_after = exc.retry_after
            except APIConnectionError as exc:
                if first:
                    self._closed = True
                    raise
                problem = exc
            except (urllib3.exceptions.ReadTimeoutError, socket.timeout) as exc:
                idle = True
                problem = exc
            except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError) as exc:
                problem = exc
            except BaseException:  # StreamError, the caller's own (a restart hook), the generator's close
                self._closed = True
                raise
            finally:
                self._release(response)
            if self._closed:
                return
            if idle:
                if self._idle_while_checking(conn):
                    self.reconnects += 1
                    continue
                log.debug(
                    "%s: nothing arrived for %.0f s: reconnecting", self._kind, self.idle_timeout,
                    extra=self._log_fields(),
                )
                failures = 0
            else:
                if conn.delivered or time.monotonic() - conn.started >= HEALTHY_AFTER:
                    failures = 0
                if failures >= self.max_reconnects:
                    self._closed = True
                    raise APIConnectionError(
                        f"the {self._kind} could not be re-established after {failures} attempts "
                        f"(last problem: {_describe(problem)}){self._resume_hint()}"
                    ) from problem
                delay = backoff_delay(failures)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), _MAX_RETRY_AFTER)
                failures += 1
                log.info(
                    "%s: %s; reconnecting in %.2f s (attempt %d of %d)",
                    self._kind, _describe(problem), delay, failures, self.max_reconnects,
                    extra=self._log_fields(),
                )
                if self._wake.wait(delay):
                    return
            if self._closed:
                return
            self.reconnects += 1
            self._reconnected()


class EventStream(_ReconnectingStream):
    """The events of one session, as an iterator of typed dicts.

    Args:
        client: the :class:`~ethos_sdk.EthosClient` whose credentials to use.
        session_id: the session to follow.
        since: where to start. ``None`` (default) replays what the server still
            holds of the session (up to its last 1000 events), then goes live;
            an ``int`` resumes after that event id (for instance a ``last_seq``
            saved earlier); ``"live"`` delivers only events that happen from now on.
        idle_timeout: seconds without a byte after which the stream reconnects,
            silently. The server sends nothing while the session is idle, so
            this never raises; it just checks that the connection still works.
        connect_timeout: seconds to connect and get the answer's headers.
        include_meta: also yield the ``stream_meta`` frame each connection
            starts with.
        max_reconnects: how many times in a row reconnecting may fail (refused,
            reset, 5xx, an early end) before :class:`~ethos_sdk.APIConnectionError`
            is raised. The count starts again after a connection that delivered
            an event or lasted a minute. Idle timeouts do not count.
        extra_headers: headers added to each request of the stream.
        max_event_bytes: the largest frame (one event) accepted, in bytes;
            ``None`` (default) takes the client's (16 MiB unless it says
            otherwise). A larger frame ends the iteration with
            :class:`~ethos_sdk.ResponseTooLargeError` once that many of its
            bytes have arrived, so memory stays bounded.
        check_session: before the first connection, check with one
            ``sessions.get`` call that the session exists, and raise
            :class:`~ethos_sdk.NotFoundError` if it does not (the server
            answers an unknown id with a stream that stays silent forever).
            A "not found" is asked again for about a second before it is
            raised, for a session ``chat.send`` created an instant before.
            The check is skipped, and the stream opened as usual, when that
            call is refused (a key without ``sessions:read`` is refused the
            stream as well, with its own error) or fails in any other way than
            "not found" or a connection problem. ``False`` skips the check:
            for a session about to be created, or to save the call (it carries
            the session's transcript).

    Iterate it, ideally in a ``with`` block so the connection is freed when you
    leave it. :meth:`close` (from any thread) ends the iteration promptly.

    Raises (while iterating):
        NotFoundError: the session does not exist (``check_session``).
        AuthenticationError, PermissionDeniedError, NotFoundError: the server
            refused the stream (401, 403, 404); never retried.
        StreamError: the answer is not an event stream.
        APIConnectionError: the first connection failed, or reconnecting failed
            ``max_reconnects`` times in a row.
        ResponseTooLargeError: a frame was larger than ``max_event_bytes``
            (the stream is closed; ``last_seq`` is the event before it).

    Attributes:
        last_seq: the id of the last event received (``None`` before the first,
            and right after a restart). Pass it as ``since=`` to resume in
            another process.
        request_id: the ``requestId`` of the current connection's ``stream_meta``.
        reconnects: how many times the stream has connected again.
        restarts: how many times the server's numbering was seen to start again
            (see the module documentation for what a restart loses).
        last_restart: a :class:`StreamRestart` describing the latest restart
            (``None`` before any).
        gaps: how many times events were found missing; ``missed_events`` is
            how many ids were skipped in all.
        malformed_count: frames skipped because their data was not an event.
    """

    _not_found_hint = ", or pass check_session=False to follow a session that is about to be created"

    def __init__(
        self,
        client: EthosClient,
        session_id: str,
        *,
        since: Union[int, str, None] = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        include_meta: bool = False,
        max_reconnects: int = 8,
        extra_headers: Optional[Mapping[str, str]] = None,
        check_session: bool = True,
        max_event_bytes: Optional[int] = None,
    ) -> None:
        path_segment(session_id, "session_id")  # empty, "." and ".." would open another URL
        if since is not None and since != LIVE:
            if isinstance(since, bool) or not isinstance(since, int) or since < 0:
                raise ValueError(f"since must be None, 'live' or an event id (int >= 0), got {since!r}")
        super().__init__(client, idle_timeout, connect_timeout, max_reconnects, extra_headers, max_event_bytes)
        self.session_id = session_id
        self._kind = f"event stream of session {session_id}"
        self.include_meta = include_meta
        self.check_session = check_session

        self.last_seq: Optional[int] = since if isinstance(since, int) else None
        self.request_id: Optional[str] = None
        self.restarts = 0
        self.last_restart: Optional[StreamRestart] = None
        self.gaps = 0
        self.missed_events = 0

        self._live = since == LIVE
        self._ring_seq: List[int] = list(_EMPTY_RING)  # fingerprints of the last ids delivered,
        self._ring_hash: List[int] = list(_EMPTY_RING)  # slot = id % _RING
        self._first_seq: Optional[int] = None  # the first id delivered in the current numbering
        self._turn_open = False  # a run_start was delivered, and no done/error after it
        self._resync = False
        self._rescan = False
        self._suspect_record = False  # the fingerprints of before a restart seen by silence only
        self._yield_meta = include_meta
        self._meta_count = 0
        self._restart_hook: Optional[Callable[[StreamRestart], None]] = None  # for TurnStream
        self._gap_hook: Optional[Callable[[int, int], None]] = None  # for TurnStream: events lost for good
        self._silence_hook: Optional[Callable[[], None]] = None  # for TurnStream: idle_timeout is a read timeout
        self._pending: Deque[Dict[str, Any]] = collections.deque()

    # -- public -------------------------------------------------------------------

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._pending:
            return self._iterate()  # type: ignore[return-value]
        # The stream's own generator: a ``for`` loop that breaks does not close it.
        return self._frame_iterator()  # type: ignore[return-value]

    def _iterate(self) -> Iterator[Dict[str, Any]]:
        # A plain loop, not ``yield from``: leaving a ``for`` loop early closes this
        # generator, and must not close the stream's own (a later loop goes on).
        pending = self._pending
        while pending:
            yield pending.popleft()
        for event in self._frame_iterator():
            yield event

    def __next__(self) -> StreamEvent:
        if self._pending:
            return self._pending.popleft()  # type: ignore[return-value]
        return next(self._frame_iterator())  # type: ignore[return-value]

    def wait_ready(self) -> EventStream:
        """Connect, and return once the server has registered this subscriber.

        Events sent after this returns will be delivered, also with
        ``since="live"``: the server writes ``stream_meta`` just before it adds
        the subscriber. Anything that arrives before it is kept for iteration.
        """
        frames = self._frame_iterator()
        start = self._meta_count
        self._yield_meta = True
        try:
            for item in frames:
                if self._meta_count != start and item.get("type") == "stream_meta":
                    if self.include_meta:
                        self._pending.append(item)
                    return self
                self._pending.append(item)
        finally:
            self._yield_meta = self.include_meta
        raise StreamError("the event stream was closed before the server answered")

    def _go_on_from(self, other: EventStream) -> None:
        """Start where ``other`` (a closed stream of the same session) stopped.

        Its cursor and the fingerprints of what it delivered are taken over, so
        the first connection checks them as a reconnect does: a server that
        restarted in between is seen, not waited on in silence.
        """
        self.last_seq = other.last_seq
        self._ring_seq[:] = other._ring_seq
        self._ring_hash[:] = other._ring_hash
        self._first_seq = other._first_seq
        self._turn_open = other._turn_open

    def __repr__(self) -> str:
        return (
            f"<EventStream session_id={self.session_id!r} last_seq={self.last_seq!r} "
            f"reconnects={self.reconnects} {self._describe_state()}>"
        )

    # -- connections ------------------------------------------------------------------

    def _known(self, seq: int) -> Optional[int]:
        """The fingerprint of the event delivered with id ``seq``, if it is still in the record."""
        slot = seq & _MASK
        return self._ring_hash[slot] if self._ring_seq[slot] == seq else None

    def _record(self, seq: int, fingerprint: int) -> None:
        slot = seq & _MASK
        self._ring_seq[slot] = seq
        self._ring_hash[slot] = fingerprint
        self.last_seq = seq
        if self._first_seq is None:
            self._first_seq = seq

    def _plan(self) -> _Connection:
        """The next connection: the ``Last-Event-ID`` it sends and what it must check."""
        if self._resync or self._suspect_record:
            return _Connection(_FROM_START)
        cursor = self.last_seq
        if cursor is None:
            return _Connection(_NORMAL, last_event_id=LIVE_LAST_EVENT_ID if self._live else None)
        if self._rescan:
            return _Connection(_RESCAN, 0, cursor)
        depth = 0
        while depth < OVERLAP and cursor - depth >= 1 and self._known(cursor - depth) is not None:
            depth += 1
        if depth:
            # Ask for the last `depth` events again, to compare them with what was delivered.
            return _Connection(_VERIFY, cursor - depth, cursor, str(cursor - depth))
        return _Connection(_AFTER, cursor, cursor, str(cursor))

    def _check_session_exists(self) -> Any:
        """Raise NotFoundError when the session does not exist; see ``check_session``.

        Returns the answer of ``sessions.get`` (the session and its saved
        messages), or ``None`` when the check was skipped.
        """
        transport = self._client._transport
        for delay in _NOT_FOUND_RECHECKS:
            try:
                return transport.rpc(
                    "sessions.get",
                    {"id": self.session_id},
                    idempotent=False,
                    timeout=self.connect_timeout,
                    extra_headers=self._extra_headers or None,
                )
            except NotFoundError as exc:
                if exc.code != "SESSION_NOT_FOUND":
                    log.debug(
                        "event stream of %s: session check skipped (%s)", self.session_id, exc,
                        extra=self._log_fields(),
                    )
                    return None
                if delay is not None:
                    # A session chat.send created an instant ago may not be visible yet.
                    if self._wake.wait(delay):
                        return None
                    continue
                raise NotFoundError(
                    f"session {self.session_id!r} does not exist, so its event stream would stay "
                    f"silent forever; check the id (client.sessions.list shows yours){self._not_found_hint}",
                    status=exc.status,
                    code=exc.code,
                    request_id=exc.request_id,
                    body=exc.body,
                ) from exc
            except (APIStatusError, UnexpectedResponseError) as exc:
                log.debug(
                    "event stream of %s: session check skipped (%s)", self.session_id, exc, extra=self._log_fields(),
                )
                return None
        return None

    def _open(self, last_event_id: Optional[str]) -> requests.Response:
        headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
        return self._get_stream("/sse/sessions/" + quote(self.session_id, safe=""), headers)

    def _connect(self, conn: _Connection, first: bool) -> requests.Response:
        if first and self.check_session:
            self._check_session_exists()
        response = self._open(conn.last_event_id)
        self._resync = False
        conn.response = response
        if conn.mode == _VERIFY or conn.mode == _RESCAN:
            _set_read_timeout(response, min(REPLAY_WAIT, self.idle_timeout))
        return response

    def _idle_while_checking(self, conn: _Connection) -> bool:
        if conn.mode == _VERIFY:
            # The server did not replay what it must still have if its numbering
            # goes on: read its whole buffer and compare (see the module docs).
            log.info(
                "event stream of %s: no replay of ids %d..%d; reading the server's whole buffer to check "
                "for a restart", self.session_id, conn.after + 1, conn.cursor,
                extra=self._log_fields(),
            )
            self._rescan = True
            return True
        if conn.mode == _RESCAN:
            # Seen by silence only: keep the fingerprints, so that if the server was
            # merely slow, its replay is recognised and not delivered a second time.
            self._restarted(
                f"the server's buffer {'lacks' if conn.seen or conn.held else 'is empty, without'} "
                f"the event with id {conn.cursor} delivered before",
                keep_record=True,
            )
            self._resync = True
            return True
        if self._silence_hook is not None:
            self._silence_hook()  # raises: the caller gives up rather than reconnect
        return False

    def _resume_hint(self) -> str:
        return f"; resume later with since={self.last_seq}"

    # -- reading one connection -----------------------------------------------------------

    def _read(self, response: requests.Response, conn: _Connection) -> Iterator[Dict[str, Any]]:
        """The events of one connection, checked; raises :class:`_BodyEnded` at its end.

        The common case -- a ``data: <json>\\nid: <n>\\n\\n`` frame whose id follows the
        previous one -- is handled inline, with no call per event beyond one regular
        expression match, decoding and ``json.loads``; everything else goes through
        :meth:`_frame`.
        """
        read = _body_reader(response)
        limit = self.max_event_bytes
        pending = _PendingFrame(limit, self._too_large)  # a frame's beginning, until its end comes
        loads = json.loads
        scan_json = _scan_json
        ring_seq = self._ring_seq
        ring_hash = self._ring_hash
        frame_of = self._frame
        match = _EVENT_FRAME.match
        mask, fingerprint_of, dict_type = _MASK, hash, dict  # locals: the loop runs once per event
        prev = -2  # no fast path until an id has been seen on this connection in _NORMAL mode
        delivered = False
        after_cr = False
        while True:
            chunk = read()
            if not chunk:
                raise _BodyEnded()
            if after_cr:
                after_cr = False
                if chunk[:1] == b"\n":
                    chunk = chunk[1:]  # the LF of a CRLF whose CR ended the previous chunk
                    if not chunk:
                        continue
            if b"\r" in chunk:
                after_cr = chunk[-1:] == b"\r"
                chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if pending.parts:
                if not pending.ends_in(chunk):
                    continue  # still no end: nothing to parse yet
                buf, scan = pending.joined()
            else:  # the usual case, without a call: the last read ended with a whole frame
                buf, scan = chunk, 0
            start = 0
            size = len(buf)
            large = size > limit  # only then can a frame in it be too large
            while start < size:
                fast = match(buf, start)
                if fast is not None:
                    data, seq_bytes = fast.groups()
                    seq = int(seq_bytes)
                    if large and fast.end() - start > limit:
                        raise self._too_large(fast.end() - start)
                    start = fast.end()
                    if seq == prev + 1:
                        prev = seq
                        slot = seq & mask
                        ring_seq[slot] = seq
                        ring_hash[slot] = fingerprint_of(data)
                        self.last_seq = seq
                        try:
                            text = data.decode()
                            obj, end = scan_json(text, 0)  # json.loads without its two calls around it
                            if end != len(text):
                                obj = loads(text)  # more after the value: json.loads says what it is
                        except UnicodeDecodeError:  # not UTF-8: U+FFFD, as browsers do
                            obj = _parse_event(data.decode("utf-8", "replace"))
                        except StopIteration:  # no JSON value at the start (a space, or nothing)
                            obj = _parse_event(text)
                        except (ValueError, RecursionError):
                            obj = None
                        if obj.__class__ is dict_type:
                            kind = obj.get("type")
                            if kind == "text_delta" or (kind.__class__ is str and self._tracked(kind)):
                                if not delivered:
                                    conn.delivered = delivered = True
                                yield obj
                                if self._closed:
                                    return
                                continue
                            if kind.__class__ is str:
                                continue  # an id-bearing stream_meta, not asked for
                        self._malformed(seq, len(data))
                        continue
                    if prev != -2:  # the fast path's cursor; in other modes _judge keeps conn.prev
                        conn.prev = prev
                    events = frame_of(conn, seq, data)
                else:
                    end = buf.find(b"\n\n", scan if scan > start else start)
                    if end < 0:
                        break
                    if large and end + 2 - start > limit:
                        raise self._too_large(end + 2 - start)
                    frame = buf[start : end + 2]
                    start = end + 2
                    if prev != -2:
                        conn.prev = prev
                    events = []
                    for sse in _sseclient_events(frame):
                        events += frame_of(conn, _parse_id(sse.id), sse.data.encode("utf-8", "surrogatepass"))
                for event in events:
                    yield event
                prev = conn.prev if conn.mode == _NORMAL and conn.prev is not None else -2
                delivered = conn.delivered
                if self._closed:
                    return
            if start < size:
                pending.hold(buf[start:] if start else buf)

    def _too_large(self, size: int) -> ResponseTooLargeError:
        """The error for a frame of ``size`` bytes (or more) over ``max_event_bytes``."""
        after = "the first event" if self.last_seq is None else f"the event after id {self.last_seq}"
        return ResponseTooLargeError(
            f"event stream of {self.session_id}: {after} is larger than max_event_bytes "
            f"({self.max_event_bytes:,} bytes; {size:,} of it arrived without its end), so the stream "
            "stopped there. If events this large are expected, raise the limit "
            "(client.events(..., max_event_bytes=...) or EthosClient(max_event_bytes=...)); to skip "
            "this one, open a new stream with since= its id",
            limit=self.max_event_bytes,
            what="event",
        )

    def _tracked(self, kind: str) -> bool:
        """Note turn boundaries; False for an id-bearing ``stream_meta`` (not yielded by default)."""
        if kind == "run_start":
            self._turn_open = True
        elif kind == "done" or kind == "error":
            self._turn_open = False
        elif kind == "stream_meta":
            return self._yield_meta
        return True

    def _frame(self, conn: _Connection, seq: Optional[int], data: bytes) -> List[Dict[str, Any]]:
        """Check one frame that the fast path of :meth:`_read` did not take; return what to deliver."""
        text = data.decode("utf-8", "replace")
        obj = _parse_event(text)
        if seq is None:
            if obj is None:
                self._malformed(None, len(data))
                return []
            if obj["type"] == "stream_meta":
                request_id = obj.get("requestId")
                self.request_id = request_id if isinstance(request_id, str) else None
                self._meta_count += 1
                return [obj] if self._yield_meta else []
            self._tracked(obj["type"])
            return [obj]

        fingerprint = hash(data)
        verdict = self._judge(conn, seq, fingerprint)
        if verdict == _SKIP:
            return []
        if verdict == _HOLD:
            conn.held.append((seq, data, obj))
            return []
        out: List[Dict[str, Any]] = []
        if conn.held:  # the restart showed: the old ids held back were of the new numbering
            for held_seq, held_data, held_obj in conn.held:
                out.extend(self._deliver(held_seq, held_data, held_obj))
            conn.held = []
        conn.prev = seq
        out.extend(self._deliver(seq, data, obj))
        if out:
            conn.delivered = True
        return out

    def _deliver(self, seq: int, data: bytes, obj: Any) -> List[Dict[str, Any]]:
        self._record(seq, hash(data))
        if obj is None:
            self._malformed(seq, len(data))
            return []
        return [obj] if self._tracked(obj["type"]) else []

    def _judge(self, conn: _Connection, seq: int, fingerprint: int) -> int:
        """Decide about an event with an id: deliver it, skip it (delivered before) or hold it."""
        mode = conn.mode
        if mode == _NORMAL:
            previous = conn.prev
            if previous is not None:
                if seq <= previous:
                    self._restarted(f"id {seq} came after id {previous} on the same connection")
                elif seq > previous + 1:
                    self._gap(previous, seq)
            return _DELIVER
        if mode == _FROM_START:
            if self._suspect_record:
                if self._known(seq) == fingerprint:
                    conn.prev = seq  # delivered before the restart seen by silence: not twice
                    return _SKIP
                self._suspect_record = False
                if conn.prev is None:  # nothing recognised: a new numbering indeed
                    self._ring_seq[:] = _EMPTY_RING
            have = conn.prev or 0
            self._leave_check(conn)
            if seq > have + 1:
                self._gap(have, seq)
            return _DELIVER
        if mode == _AFTER:
            self._leave_check(conn)
            if seq <= conn.after:
                # The replay had nothing above the id we sent, yet the server is at a
                # lower one: its numbering started again and the replay filter hid
                # the new events below our cursor. Fetch them all.
                self._restarted(f"the server sent id {seq} after being asked for ids above {conn.after}", True)
            if seq > conn.after + 1:
                self._gap(conn.after, seq)
            return _DELIVER
        cursor = conn.cursor
        known = self._known(seq)
        if mode == _VERIFY:
            if seq <= conn.after:
                self._restarted(f"the server sent id {seq} after being asked for ids above {conn.after}", True)
            if seq <= cursor:
                if known != fingerprint:
                    self._restarted(f"the event with id {seq} is not the one delivered before", True)
                conn.seen = True
                if seq == cursor:
                    self._leave_check(conn)
                    conn.prev = seq
                return _SKIP
            if conn.seen:
                self._restarted(f"the server's replay jumped from below id {cursor} to id {seq}", True)
            self._leave_check(conn)
            self._gap(cursor, seq)  # even the overlap left the server's buffer
            return _DELIVER
        # _RESCAN: the whole buffer, after a reconnect whose replay never came.
        if known is not None:
            if known != fingerprint:
                self._leave_check(conn)
                self._restarted(f"the event with id {seq} is not the one delivered before")
                return _DELIVER
            conn.seen = True
            if seq == cursor:
                log.info(
                    "event stream of %s: the server's numbering still holds", self.session_id,
                    extra=self._log_fields(),
                )
                conn.held = []  # ids before the stream's first one: not asked for
                self._leave_check(conn)
                conn.prev = seq
            return _SKIP
        if seq <= cursor:
            first = self._first_seq if self._first_seq is not None else cursor
            if seq < first and seq > cursor - SERVER_BUFFER:
                return _HOLD  # older than what this stream delivered: wait for a known id
            self._leave_check(conn)
            self._restarted(f"the server has an event with id {seq} that this stream never saw")
            return _DELIVER
        if conn.seen or conn.held:
            self._leave_check(conn)
            self._restarted(f"the server's buffer jumps from below id {cursor} to id {seq}")
            return _DELIVER
        self._leave_check(conn)
        self._gap(cursor, seq)
        return _DELIVER

    def _leave_check(self, conn: _Connection) -> None:
        """The connection's numbering is settled: read it like any other from now on."""
        if conn.mode == _VERIFY or conn.mode == _RESCAN:
            _set_read_timeout(conn.response, self.idle_timeout)
        if conn.mode == _RESCAN:
            self._rescan = False
        conn.mode = _NORMAL

    def _restarted(self, why: str, resync: bool = False, keep_record: bool = False) -> None:
        """Count and report a restart; with ``resync``, reconnect from the new numbering's start.

        Without it, the connection being read already carries the new numbering
        from its start (or live): the stream goes on reading it. ``keep_record``
        keeps the fingerprints for the next read from the start, which skips the
        events it recognises until the first one it does not.
        """
        info = StreamRestart(last_seq=self.last_seq, turn_in_flight=self._turn_open, reason=why, at=time.time())
        self.restarts += 1
        self.last_restart = info
        self.last_seq = None
        self._suspect_record = keep_record
        if not keep_record:
            self._ring_seq[:] = _EMPTY_RING
        self._first_seq = None
        self._turn_open = False
        self._rescan = False
        self._live = False  # every event of the new numbering is new, its buffered ones too
        log.warning(
            "event stream of %s: the server restarted or dropped the session's buffer (%s); "
            "reading its new numbering from the start. Events after id %s that the old server had "
            "not sent are lost%s; client.sessions.get has what it saved.",
            self.session_id, why, info.last_seq,
            ", and so is the turn that was running" if info.turn_in_flight else "",
            extra=self._log_fields(),
        )
        if self._restart_hook is not None:
            try:
                self._restart_hook(info)
            except BaseException:
                self._closed = True
                raise
        if resync:
            self._resync = True
            raise _Resync()

    def _gap(self, have: int, seq: int) -> None:
        missing = seq - have - 1
        self.gaps += 1
        self.missed_events += missing
        log.warning(
            "event stream of %s: %d event(s) missing between ids %d and %d (no longer in the "
            "server's buffer); client.sessions.get has the history",
            self.session_id, missing, have, seq,
            extra=self._log_fields(),
        )
        if self._gap_hook is not None:
            self._gap_hook(have, seq)  # may raise: the iteration ends with it

    def _malformed(self, seq: Optional[int], size: int) -> None:
        self.malformed_count += 1
        log.warning(
            "event stream of %s: skipped a frame (id %s, %d bytes) whose data is not "
            "a JSON object with a \"type\"",
            self.session_id, seq if seq is not None else "none", size,
            extra=self._log_fields(),
        )


def _parse_id(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value)
    return None


def _describe(problem: Optional[BaseException]) -> str:
    if problem is None:
        return "unknown"
    if isinstance(problem, _BodyEnded):
        return "the server ended the stream"
    if isinstance(problem, (urllib3.exceptions.ReadTimeoutError, socket.timeout)):
        return "nothing arrived within idle_timeout"
    return f"{type(problem).__name__}: {problem}"
