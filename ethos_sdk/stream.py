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

* Each event with an ``id`` moves the cursor, ``stream.last_seq``. After a
  dropped connection, an idle timeout or an early end of the body, the stream
  reconnects (with backoff and jitter) and asks the server, through the
  ``Last-Event-ID`` header, to replay from the event *at* the cursor. That one
  event is compared with the one already delivered: if it is the same, it is
  skipped and the stream carries on after it; if it differs, or the server no
  longer has it and sends a lower id, the server has restarted (or dropped the
  session's buffer) and numbered its events from 1 again. The stream then
  reconnects from the start of the new numbering so the events the replay
  filter would have hidden are delivered too, logs a warning and counts it in
  ``stream.restarts``.
* If the first event after a reconnect has a higher id than expected, the
  events in between fell out of the server's 1000-event buffer. They are lost:
  the stream logs a warning, counts ``stream.gaps`` and ``stream.missed_events``,
  and goes on. Read the session's history with ``client.sessions.get`` to fill
  the hole.
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
were then pushed out of the 1000-event buffer, and events of the server's
previous life after a restart (its buffer is gone). An event that is identical
to the one at the cursor, with the same id, across a restart cannot be told
from it.

Warnings go to the ``ethos_sdk`` logger.
"""

from __future__ import annotations

import collections
import json
import logging
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, Deque, Dict, Iterator, Mapping, Optional, Tuple, Union, cast
from urllib.parse import quote

import requests
import sseclient
import urllib3.exceptions

from ._transport import backoff_delay
from .errors import APIConnectionError, APIStatusError, StreamError
from .types.events import StreamEvent

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = ["EventStream", "LIVE", "DEFAULT_IDLE_TIMEOUT"]

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

_READ_SIZE = 64 * 1024
_MAX_RETRY_AFTER = 60.0
_RETRYABLE_STATUSES = frozenset({408, 429})


class _BodyEnded(Exception):
    """The response body ended (the server or a proxy closed the connection)."""


class _Resync(Exception):
    """The server's numbering restarted: reconnect from the start of its buffer."""


class _Connection:
    """What the stream knows about the connection being read."""

    __slots__ = ("started", "check", "after", "verify_data", "previous_seq", "delivered")

    def __init__(self, check: str, after: int, verify_data: Optional[str]) -> None:
        self.started = time.monotonic()
        self.check = check  # "none", "after", "verify" or "from_start"
        self.after = after  # the Last-Event-ID sent (the server replays ids above it)
        self.verify_data = verify_data  # data of the event at the cursor, when verifying
        self.previous_seq: Optional[int] = None  # the last id seen on this connection
        self.delivered = False  # an event with an id was delivered on this connection


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

    def __init__(self, chunks: Iterator[bytes], char_enc: str = "utf-8") -> None:
        self._chunks = chunks
        self._char_enc = char_enc
        self._logger = logging.getLogger("sseclient")  # where sseclient logs "Dispatching"

    def _frames(self) -> Iterator[bytes]:
        buf = b""
        for chunk in self._chunks:
            if buf:
                scan = len(buf) - 1  # a "\n\n" may straddle the two chunks
                buf += chunk
            else:
                scan = 0
                buf = chunk
            start = 0
            while True:
                end = buf.find(b"\n\n", scan)
                if end < 0:
                    break
                yield buf[start : end + 2]
                start = scan = end + 2
            if start:
                buf = buf[start:]
        if buf:
            yield buf

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
            frame = frame.decode(encoding, "replace").encode(encoding)  # sseclient decodes strictly
            yield from sseclient.SSEClient(iter((frame,)), encoding).events()


def _socket_of(response: requests.Response) -> Optional[socket.socket]:
    """The socket under a streamed response, to shut it down from another thread."""
    raw: Any = getattr(response, "raw", None)
    connection = getattr(raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    try:  # http.client.HTTPResponse -> BufferedReader -> SocketIO -> socket
        sock = raw._fp.fp.raw._sock
    except AttributeError:
        return None
    return sock if isinstance(sock, socket.socket) else None


class EventStream:
    """The events of one session, as an iterator of typed dicts.

    Args:
        client: the :class:`~ethos_sdk.EthosClient` whose credentials to use.
        session_id: the session to follow. An unknown id is not an error: the
            server answers with a silent stream.
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

    Iterate it, ideally in a ``with`` block so the connection is freed when you
    leave it. :meth:`close` (from any thread) ends the iteration promptly.

    Raises (while iterating):
        AuthenticationError, PermissionDeniedError, NotFoundError: the server
            refused the stream (401, 403, 404); never retried.
        StreamError: the answer is not an event stream.
        APIConnectionError: the first connection failed, or reconnecting failed
            ``max_reconnects`` times in a row.

    Attributes:
        last_seq: the id of the last event received (``None`` before the first).
            Pass it as ``since=`` to resume in another process.
        request_id: the ``requestId`` of the current connection's ``stream_meta``.
        reconnects: how many times the stream has connected again.
        restarts: how many times the server's numbering was seen to start again.
        gaps: how many times events were found missing; ``missed_events`` is
            how many ids were skipped in all.
        malformed_count: frames skipped because their data was not an event.
    """

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
    ) -> None:
        if not isinstance(session_id, str) or not session_id:
            raise ValueError("session_id must be a non-empty string")
        if since is not None and since != LIVE:
            if isinstance(since, bool) or not isinstance(since, int) or since < 0:
                raise ValueError(f"since must be None, 'live' or an event id (int >= 0), got {since!r}")
        if idle_timeout <= 0 or connect_timeout <= 0:
            raise ValueError("idle_timeout and connect_timeout must be positive")
        if max_reconnects < 0:
            raise ValueError("max_reconnects must be 0 or more")
        self._client = client
        self.session_id = session_id
        self.idle_timeout = float(idle_timeout)
        self.connect_timeout = float(connect_timeout)
        self.include_meta = include_meta
        self.max_reconnects = max_reconnects
        self._extra_headers = dict(extra_headers or {})

        self.last_seq: Optional[int] = since if isinstance(since, int) else None
        self.request_id: Optional[str] = None
        self.reconnects = 0
        self.restarts = 0
        self.gaps = 0
        self.missed_events = 0
        self.malformed_count = 0

        self._live = since == LIVE
        self._last_data: Optional[str] = None  # data of the event at last_seq, once seen
        self._resync = False
        self._closed = False
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._response: Optional[requests.Response] = None
        self._pending: Deque[Tuple[bool, Dict[str, Any]]] = collections.deque()
        self._frames: Optional[Iterator[Tuple[bool, Dict[str, Any]]]] = None

    # -- public -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called or the stream stopped for good."""
        return self._closed

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> StreamEvent:
        while True:
            if self._pending:
                is_meta, item = self._pending.popleft()
            else:
                is_meta, item = next(self._frame_iterator())
            if is_meta and not self.include_meta:
                continue
            return cast(StreamEvent, item)

    def wait_ready(self) -> EventStream:
        """Connect, and return once the server has registered this subscriber.

        Events sent after this returns will be delivered, also with
        ``since="live"``: the server writes ``stream_meta`` just before it adds
        the subscriber. Anything that arrives before it is kept for iteration.
        """
        frames = self._frame_iterator()
        for is_meta, item in frames:
            self._pending.append((is_meta, item))
            if is_meta:
                return self
        raise StreamError("the event stream was closed before the server answered")

    def close(self) -> None:
        """Stop the stream and free its connection; safe to call from any thread, and twice.

        A ``for`` loop blocked on the stream in another thread ends promptly.
        """
        self._closed = True
        self._wake.set()
        with self._lock:
            response = self._response
        if response is not None:
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

    def __enter__(self) -> EventStream:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (
            f"<EventStream session_id={self.session_id!r} last_seq={self.last_seq!r} "
            f"reconnects={self.reconnects} {state}>"
        )

    # -- connections ------------------------------------------------------------------

    def _frame_iterator(self) -> Iterator[Tuple[bool, Dict[str, Any]]]:
        if self._frames is None:
            self._frames = self._run()
        return self._frames

    def _plan(self) -> Tuple[Optional[str], _Connection]:
        """The ``Last-Event-ID`` to send and the check for the first event it brings."""
        if self._resync:
            return None, _Connection("from_start", 0, None)
        cursor = self.last_seq
        if cursor is None:
            return (LIVE_LAST_EVENT_ID if self._live else None), _Connection("none", 0, None)
        if self._last_data is not None and cursor >= 1:
            # Ask for the event at the cursor too, to check it is the one we have.
            return str(cursor - 1), _Connection("verify", cursor - 1, self._last_data)
        return str(cursor), _Connection("after", cursor, None)

    def _open(self, last_event_id: Optional[str]) -> requests.Response:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        headers.update(self._extra_headers)
        path = "/sse/sessions/" + quote(self.session_id, safe="")
        transport = self._client._transport
        # Waiting for the answer's headers is part of connecting: a server that
        # accepts and never answers must not hold us for idle_timeout.
        response = transport.get(
            path,
            headers=headers,
            timeout=(self.connect_timeout, self.connect_timeout),
            stream=True,
        )
        with self._lock:
            self._response = response
        sock = _socket_of(response)
        if sock is not None:
            try:
                sock.settimeout(self.idle_timeout)  # from now on, silence means idle
            except OSError:
                pass
        try:
            if not 200 <= response.status_code < 300:
                raise StreamError(
                    f"GET {path} answered {response.status_code} instead of an event stream; "
                    "is base_url the Ethos server itself?"
                )
            content_type = response.headers.get("content-type", "")
            if content_type.split(";")[0].strip().lower() != "text/event-stream":
                raise StreamError(
                    f"GET {path} answered with content type {content_type or 'none'!r}, "
                    "not text/event-stream; is base_url the Ethos server itself?"
                )
        except BaseException:
            self._release(response)
            raise
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

    def _byte_chunks(self, response: requests.Response) -> Iterator[bytes]:
        """The body's bytes as they arrive, never waiting to fill a buffer; raises at its end."""
        raw: Any = response.raw
        if hasattr(raw, "read1"):  # urllib3 >= 2
            while True:
                chunk = raw.read1(_READ_SIZE, decode_content=True)
                if not chunk:
                    break
                yield chunk
        elif hasattr(getattr(raw, "_fp", None), "read1") and not response.headers.get(
            "content-encoding"
        ):  # urllib3 1.x: http.client's read1 returns what has arrived
            while True:
                chunk = raw._fp.read1(_READ_SIZE)
                if not chunk:
                    break
                yield chunk
        else:
            yield from response.iter_content(None)
        # Raising (rather than returning) keeps sseclient from dispatching the
        # incomplete frame a cut-off body may end with.
        raise _BodyEnded()

    def _run(self) -> Iterator[Tuple[bool, Dict[str, Any]]]:
        failures = 0
        first = True
        while not self._closed:
            last_event_id, conn = self._plan()
            idle = False
            response: Optional[requests.Response] = None
            retry_after: Optional[float] = None
            problem: Optional[BaseException] = None
            try:
                response = self._open(last_event_id)
                first = False
                if self._closed:
                    return
                self._resync = False
                events = _FrameParser(_normalised_line_endings(self._byte_chunks(response)))
                for frame in events.events():
                    out = self._accept(frame, conn)
                    if out is not None:
                        if conn.delivered:
                            failures = 0
                        yield out
                        if self._closed:
                            return
            except _Resync:
                self._resync = True
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
            except StreamError:
                self._closed = True
                raise
            finally:
                self._release(response)
            if self._closed:
                return
            if idle:
                log.debug("event stream of %s idle for %.0f s: reconnecting", self.session_id, self.idle_timeout)
                self.reconnects += 1
                failures = 0
                continue
            if conn.delivered or time.monotonic() - conn.started >= HEALTHY_AFTER:
                failures = 0
            if failures >= self.max_reconnects:
                self._closed = True
                raise APIConnectionError(
                    f"the event stream of session {self.session_id} could not be re-established "
                    f"after {failures} attempts (last problem: {_describe(problem)}); "
                    f"resume later with since={self.last_seq}"
                ) from problem
            delay = backoff_delay(failures)
            if retry_after is not None:
                delay = min(max(delay, retry_after), _MAX_RETRY_AFTER)
            failures += 1
            log.info(
                "event stream of %s: %s; reconnecting in %.2f s (attempt %d of %d)",
                self.session_id, _describe(problem), delay, failures, self.max_reconnects,
            )
            if self._wake.wait(delay):
                return
            self.reconnects += 1

    # -- one frame ----------------------------------------------------------------------

    def _accept(self, frame: Any, conn: _Connection) -> Optional[Tuple[bool, Dict[str, Any]]]:
        """Check one parsed frame; return what to deliver (``(is_meta, event)``) or ``None``."""
        data: str = frame.data
        seq = _parse_id(frame.id)
        try:
            obj: Any = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
            obj = None
        well_formed = isinstance(obj, dict) and isinstance(obj.get("type"), str)

        if seq is None:
            if not well_formed:
                self._malformed(seq, data)
                return None
            if obj["type"] == "stream_meta":
                request_id = obj.get("requestId")
                self.request_id = request_id if isinstance(request_id, str) else None
                return True, obj
            return False, obj

        if not self._in_sequence(seq, data, conn):
            return None  # the event at the cursor, replayed and verified: already delivered
        conn.previous_seq = seq
        self.last_seq = seq
        self._last_data = data
        if not well_formed:
            self._malformed(seq, data)
            return None
        conn.delivered = True
        return obj["type"] == "stream_meta", obj

    def _in_sequence(self, seq: int, data: str, conn: _Connection) -> bool:
        """Check an id against what came before; ``False`` means "already delivered, skip it"."""
        previous = conn.previous_seq
        if previous is not None:
            if seq <= previous:
                self.restarts += 1
                log.warning(
                    "event stream of %s: id %d came after id %d on the same connection; "
                    "delivering it (the server's numbering restarted)",
                    self.session_id, seq, previous,
                )
            elif seq > previous + 1:
                self._gap(previous, seq)
            return True

        if conn.check == "none":
            return True
        if conn.check == "from_start":
            if seq > 1:
                self._gap(0, seq)
            return True
        if seq <= conn.after:
            # The replay had nothing above the id we sent, yet the server is at a
            # lower one: its numbering started again and the replay filter hid
            # the new events below our cursor. Fetch them all.
            self._restarted(f"the server sent id {seq} after being asked for ids above {conn.after}")
        if conn.check == "verify":
            cursor = conn.after + 1
            if seq == cursor:
                if data == conn.verify_data:
                    conn.previous_seq = seq
                    return False
                self._restarted(f"the event with id {seq} is not the one delivered before")
            elif seq > cursor + 1:
                self._gap(cursor, seq)
            return True
        if seq > conn.after + 1:
            self._gap(conn.after, seq)
        return True

    def _restarted(self, why: str) -> None:
        self.restarts += 1
        self.last_seq = None
        self._last_data = None
        log.warning(
            "event stream of %s: the server restarted or dropped the session's buffer (%s); "
            "reading its events again from the start. Events of before the restart that were "
            "not delivered yet are lost; client.sessions.get has the history.",
            self.session_id, why,
        )
        raise _Resync()

    def _gap(self, have: int, seq: int) -> None:
        missing = seq - have - 1
        self.gaps += 1
        self.missed_events += missing
        log.warning(
            "event stream of %s: %d event(s) missing between ids %d and %d (no longer in the "
            "server's buffer); client.sessions.get has the history",
            self.session_id, missing, have, seq,
        )

    def _malformed(self, seq: Optional[int], data: str) -> None:
        self.malformed_count += 1
        log.warning(
            "event stream of %s: skipped a frame (id %s, %d characters) whose data is not "
            "a JSON object with a \"type\"",
            self.session_id, seq if seq is not None else "none", len(data),
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
    return f"{type(problem).__name__}: {problem}"
