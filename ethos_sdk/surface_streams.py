"""The two event streams besides a session's: the server-wide one and a goal's.

``SystemEventStream`` (``GET /sse/system``, from :meth:`EthosClient.system_events
<ethos_sdk.EthosClient.system_events>`) carries what happens across the server:
cron jobs completed or failed, platforms connecting, sessions titled. The
server keeps **no history** of it: each connection sees only what happens
while it is open, and numbers its frames from 1. After a dropped connection
the stream reconnects by itself, but events of the gap are lost; it counts
its reconnects in ``stream.reconnects`` so a script can tell (and, say,
re-read ``client.cron.list()`` to catch up).

``GoalEventStream`` (``GET /sse/goals/<id>``, from :meth:`client.goals.events
<ethos_sdk.namespaces.goals.Goals.events>`) replays a goal's stored events, then
follows it live. Its ids are the events' persisted ``seq``, so after a drop it
resumes with ``Last-Event-ID`` and delivers every event exactly once, in
order. It ends by itself at the frame ``{"type": "done"}`` that follows the
goal's end -- the server sometimes keeps the connection open after it.

Both stream over the client's transport, are iterators of plain dicts, work in
a ``with`` block, and can be closed from another thread.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Dict, Iterator, Mapping, Optional, cast
from urllib.parse import quote

import requests
from typing_extensions import Self

from ._safety import path_segment
from ._surfaces import _cookie_only
from .errors import APIStatusError, NotFoundError, StreamError
from .stream import _Connection, _parse_id, _ReconnectingStream, _sse_events
from .types.goals import GoalEvent
from .types.system import GoalStreamEnd, SystemEvent

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = ["SystemEventStream", "GoalEventStream"]

log = logging.getLogger("ethos_sdk")


class _FollowedStream(_ReconnectingStream):
    """What the system and goal streams add to the machinery they share with ``EventStream``.

    Connecting early (``wait_ready``), the web cookie a key's user is told to
    use, and each frame read as a JSON object handed to :meth:`_accept`. The
    rest (connecting, reconnecting, closing) is ``stream._ReconnectingStream``.
    """

    _kind = "stream"
    _ready: Optional[requests.Response] = None  # opened by wait_ready(), read by the iteration

    # -- what each stream says ----------------------------------------------------------

    def _path(self) -> str:
        raise NotImplementedError

    def _request_headers(self) -> Dict[str, str]:
        return {}

    def _accept(self, seq: Optional[int], obj: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """What to deliver for one well-formed frame (``None``: nothing); may end the stream."""
        raise NotImplementedError

    # -- public ---------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called or the stream ended."""
        return self._closed

    def _drop_unread(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None and self._frames is None:
            self._release(ready)

    def __iter__(self) -> Self:
        return self

    def _connect_now(self) -> None:
        if self._frames is None and self._ready is None and not self._closed:
            try:
                self._ready = self._open()
            except BaseException:
                self._closed = True
                raise

    def _next_item(self) -> Dict[str, Any]:
        return next(self._frame_iterator())

    # -- connections ------------------------------------------------------------------------

    def _open(self) -> requests.Response:
        path = self._path()
        try:
            return self._get_stream(path, self._request_headers())
        except APIStatusError as exc:  # both streams take the web cookie only: say so to a key's user
            error = _cookie_only(exc, f"GET {path}", self._client._transport.credentials.mode)
            if error is exc:
                raise
            raise error from None

    def _connect(self, conn: _Connection, first: bool) -> requests.Response:
        response, self._ready = (self._ready or self._open()), None
        return response

    def _read(self, response: requests.Response, conn: _Connection) -> Iterator[Dict[str, Any]]:
        for frame in _sse_events(response, self.max_event_bytes):
            out = self._frame(frame)
            if out is not None:
                conn.delivered = True
                yield out
            if self._closed:
                return

    def _frame(self, frame: Any) -> Optional[Dict[str, Any]]:
        data: str = frame.data
        seq = _parse_id(frame.id)
        try:
            obj: Any = json.loads(data)
        except (ValueError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            self.malformed_count += 1
            log.warning("%s: skipped a frame (id %s) whose data is not a JSON object", self._kind, seq)
            return None
        return self._accept(seq, obj)


class SystemEventStream(_FollowedStream):
    """Server-wide events (``GET /sse/system``) as an iterator of typed dicts.

    Get one from :meth:`EthosClient.system_events <ethos_sdk.EthosClient.system_events>`.
    Needs cookie authentication: every API key gets 403.

    Args:
        client: the :class:`~ethos_sdk.EthosClient` whose credentials to use.
        idle_timeout: seconds without a byte after which the connection is
            taken for dead and opened again. The server sends a ping every
            25 s, so the default (60 s) only trips when the connection is lost.
        connect_timeout: seconds to connect and get the answer's headers.
        max_reconnects: how many reconnections in a row may fail before
            :class:`~ethos_sdk.APIConnectionError` is raised.
        extra_headers: headers added to each request of the stream.

    The server keeps no history of this stream and ignores ``Last-Event-ID``:
    **events that happen while the stream is reconnecting are lost**. Each
    reconnection is counted in ``reconnects`` (and logged), so a script that
    must not miss a cron failure can re-read the state it cares about after
    the count moves. Pings are dropped; an event of a type this SDK does not
    know is delivered as the plain dict. The stream never ends by itself:
    leave the ``with`` block, or call :meth:`close` (from any thread).

    Raises (while iterating):
        AuthenticationError, PermissionDeniedError: the server refused the
            stream (with an API key: use cookie authentication).
        StreamError: the answer is not an event stream.
        APIConnectionError: the first connection failed, or reconnecting failed
            ``max_reconnects`` times in a row.

    Attributes:
        reconnects: how many times the stream has connected again (each may
            have lost events).
        pings: how many pings the server sent.
        malformed_count: frames skipped because their data was not an event.
    """

    _kind = "system event stream"

    def __init__(
        self,
        client: EthosClient,
        *,
        idle_timeout: float = 60.0,
        connect_timeout: float = 10.0,
        max_reconnects: int = 8,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(client, idle_timeout, connect_timeout, max_reconnects, extra_headers)
        self.pings = 0

    def wait_ready(self) -> Self:
        """Connect now; return once the server has answered, so events from then on are delivered.

        The server sends nothing when a stream opens, so this is the only way
        to know that an event you are about to cause will not be missed::

            with client.system_events().wait_ready() as stream:
                client.chat.send("hello")          # its session.titled will arrive
                ...

        Raises what iterating would raise for a refused connection.
        """
        self._connect_now()
        return self

    def _path(self) -> str:
        return "/sse/system"

    def _accept(self, seq: Optional[int], obj: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        kind = obj.get("type")
        if not isinstance(kind, str):
            self.malformed_count += 1
            log.warning("%s: skipped a frame (id %s) without a \"type\"", self._kind, seq)
            return None
        if kind == "ping":
            self.pings += 1
            return None
        return obj

    def _reconnected(self) -> None:
        log.warning(
            "system event stream reconnected (%d so far): events of the gap are lost, "
            "the server keeps no history of this stream",
            self.reconnects,
        )

    def __next__(self) -> SystemEvent:
        return cast(SystemEvent, self._next_item())

    def __repr__(self) -> str:
        return f"<SystemEventStream reconnects={self.reconnects} {self._describe_state()}>"

class GoalEventStream(_FollowedStream):
    """One goal's events (``GET /sse/goals/<id>``), each exactly once, until the goal ends.

    Get one from :meth:`client.goals.events <ethos_sdk.namespaces.goals.Goals.events>`.
    Needs cookie authentication, like every ``goals`` procedure.

    Args:
        client: the :class:`~ethos_sdk.EthosClient` whose credentials to use.
        goal_id: the goal to follow (``g_...``).
        since: resume after this event ``seq`` (a ``last_seq`` saved earlier);
            ``None`` (default) starts with the goal's first stored event.
        idle_timeout: seconds without a byte after which the stream reconnects
            (and resumes where it was). The server sends no pings, and a goal
            may think for minutes, so this is not an error.
        connect_timeout: seconds to connect and get the answer's headers.
        max_reconnects: how many reconnections in a row may fail before
            :class:`~ethos_sdk.APIConnectionError` is raised.
        extra_headers: headers added to each request of the stream.

    Iterating yields the goal's stored events (``GoalEvent`` dicts: ``seq``,
    ``eventType``, ``payload``...), then the new ones as they are stored. After
    a drop the stream reconnects with ``Last-Event-ID`` set to the last ``seq``
    it delivered; the server's ``seq`` is persisted, so nothing is lost or
    repeated. When the goal reaches a final state the server sends
    ``{"type": "done", "goalId", "status"}``: the iteration then ends (whether
    or not the server closes the connection), with that frame kept as
    :attr:`end` and its status as :attr:`status`.

    Raises (while iterating):
        NotFoundError: there is no goal with this id.
        AuthenticationError, PermissionDeniedError: the server refused the
            stream (with an API key: use cookie authentication).
        StreamError: the answer is not an event stream, or it sent an error.
        APIConnectionError: the first connection failed, or reconnecting failed
            ``max_reconnects`` times in a row.

    Attributes:
        goal_id: the goal followed.
        last_seq: the ``seq`` of the last event delivered (``None`` before the
            first); pass it as ``since=`` to resume in another process.
        end: the final ``{"type": "done", ...}`` frame, once it came.
        status: the goal's final status (``"completed"``, ``"cancelled"``...), once known.
        reconnects: how many times the stream has connected again.
        malformed_count: frames skipped because their data was not an event.
    """

    _kind = "goal event stream"

    def __init__(
        self,
        client: EthosClient,
        goal_id: str,
        *,
        since: Optional[int] = None,
        idle_timeout: float = 60.0,
        connect_timeout: float = 10.0,
        max_reconnects: int = 8,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        path_segment(goal_id, "goal_id")  # empty, "." and ".." would open another URL
        if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
            raise ValueError(f"since must be None or an event seq (int >= 0), got {since!r}")
        super().__init__(client, idle_timeout, connect_timeout, max_reconnects, extra_headers)
        self.goal_id = goal_id
        self._kind = f"event stream of goal {goal_id}"
        self.last_seq: Optional[int] = since
        self.end: Optional[GoalStreamEnd] = None

    @property
    def status(self) -> Optional[str]:
        """The goal's final status from the ``done`` frame; ``None`` until it came."""
        return self.end["status"] if self.end is not None else None

    def _path(self) -> str:
        return "/sse/goals/" + quote(self.goal_id, safe="")

    def _request_headers(self) -> Dict[str, str]:
        return {} if self.last_seq is None else {"Last-Event-ID": str(self.last_seq)}

    def _accept(self, seq: Optional[int], obj: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        kind = obj.get("type")
        if kind == "done":
            self.end = cast(GoalStreamEnd, obj)
            self._closed = True  # ends the iteration, whether or not the server closes
            return None
        if kind == "error":
            message = str(obj.get("error") or "the server sent an error")
            self._closed = True
            if "not found" in message.lower():
                raise NotFoundError(
                    message,
                    status=404,
                    hint=f"there is no goal {self.goal_id!r}; client.goals.list() shows the goals",
                )
            raise StreamError(f"the {self._kind} ended with an error: {message}")
        event_seq = obj.get("seq")
        if not isinstance(event_seq, int) or isinstance(event_seq, bool):
            event_seq = seq
        if event_seq is None or "eventType" not in obj:
            self.malformed_count += 1
            log.warning("%s: skipped a frame (id %s) that is not a goal event", self._kind, seq)
            return None
        if self.last_seq is not None and event_seq <= self.last_seq:
            return None  # already delivered (seq is persisted, so this is a repeat)
        if self.last_seq is not None and event_seq > self.last_seq + 1:
            log.warning(
                "%s: events %d to %d are missing; client.goals.get() has the history",
                self._kind, self.last_seq + 1, event_seq - 1,
            )
        self.last_seq = event_seq
        return obj

    def __next__(self) -> GoalEvent:
        return cast(GoalEvent, self._next_item())

    def __repr__(self) -> str:
        return (
            f"<GoalEventStream goal_id={self.goal_id!r} last_seq={self.last_seq!r} "
            f"status={self.status!r} reconnects={self.reconnects} {self._describe_state()}>"
        )
