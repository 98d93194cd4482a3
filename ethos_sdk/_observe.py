"""What watches the SDK at work: the fields of its log records, its middleware, and the watchers of its turns.

Three things live here, all cheap when unused (this module is loaded with the
package; :mod:`ethos_sdk.middleware` and :mod:`ethos_sdk.otel` only when used):

* **Log fields.** Every record the ``ethos_sdk`` logger writes carries the
  attributes named in :data:`LOG_FIELDS` (``None`` where not known), so a JSON
  formatter or ``%(ethos.request_id)s`` finds them on any record.
* **Observers.** A client's middleware and the instrumentation added to it
  (:func:`ethos_sdk.otel.instrument`), shared by every client derived from it
  with ``with_options``; :data:`EVERY_CLIENT` holds what was added for all
  clients. The transport asks :func:`chain_for` at each attempt.
* **Turn watches.** Each turn (``chat.ask``, ``chat.stream``, ``chat.follow``)
  has one :class:`TurnWatch`: it starts the clock of the turn, hands each event
  to the instrumentation's watchers, and at the end writes the turn's INFO line.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple

if TYPE_CHECKING:
    from typing import Protocol

    from ._transport import Transport
    from ._turn import TurnResult, TurnStream
    from .middleware import Middleware, Request, Response
    from .types.events import StreamEvent

    class TurnWatcher(Protocol):
        """What an instrumentation follows one turn with (see :meth:`Instrument.watch_turn`)."""

        def event(self, turn: TurnStream, event: StreamEvent) -> None: ...

        def end(self, turn: TurnStream, summary: TurnResult, error: Optional[BaseException]) -> None: ...

    class Instrument(Protocol):
        """Instrumentation added to clients: a middleware, and a watcher per turn."""

        def active(self) -> bool: ...

        def middleware(self, request: Request, call_next: Callable[[Request], Response]) -> Response: ...

        def watch_turn(self, turn: TurnStream) -> Optional[TurnWatcher]: ...

else:
    TurnWatcher = Instrument = Any

__all__ = ["LOG_FIELDS", "log_fields", "Observers", "EVERY_CLIENT", "chain_for", "TurnWatch"]

log = logging.getLogger("ethos_sdk")

LOG_FIELDS = (
    "ethos.procedure", "ethos.status", "ethos.elapsed_ms", "ethos.request_id", "ethos.attempt",
    "ethos.session_id", "ethos.turn_id",
)
"""The attributes every record of the ``ethos_sdk`` logger has (``None`` where not known)."""


class _AllFields(logging.Filter):
    """Gives every record of the logger each of :data:`LOG_FIELDS`, ``None`` when the call site did not know it."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = record.__dict__
        for name in LOG_FIELDS:
            if name not in found:
                found[name] = None
        return True


log.addFilter(_AllFields())


def log_fields(transport: Optional[Transport] = None, **known: Any) -> Dict[str, Any]:
    """``extra=`` of a log call: ``known`` (named without ``ethos.``), and the ids of ``transport``'s turn, if any."""
    fields = {f"ethos.{name}": value for name, value in known.items()}
    ref = getattr(transport, "turn", None)  # a stand-in transport (tests, with_raw_response) may have none
    turn = ref() if ref is not None else None
    if turn is not None:
        if fields.get("ethos.session_id") is None:
            fields["ethos.session_id"] = turn.session_id or None
        fields["ethos.turn_id"] = turn.turn_id or None
    return fields


class Observers:
    """The middleware of one client and the instrumentation added to it.

    Shared, not copied, by the clients derived from it with ``with_options``,
    so that instrumenting a client instruments them too. ``chain`` is what an
    attempt goes through: the middleware given to the client, in order, then
    each instrumentation's (nearest the wire).
    """

    __slots__ = ("middleware", "instruments", "chain", "__weakref__")

    def __init__(self, middleware: Tuple[Middleware, ...] = ()) -> None:
        self.middleware = middleware
        self.instruments: Dict[str, Instrument] = {}
        self.chain: Tuple[Middleware, ...] = middleware

    def add(self, name: str, instrument: Instrument) -> None:
        """Add (or replace) the instrumentation called ``name``."""
        self.instruments = {**self.instruments, name: instrument}
        self.chain = self.middleware + tuple(i.middleware for i in self.instruments.values())

    def remove(self, name: str) -> bool:
        """Remove the instrumentation called ``name``; False when there was none."""
        if name not in self.instruments:
            return False
        self.instruments = {k: v for k, v in self.instruments.items() if k != name}
        self.chain = self.middleware + tuple(i.middleware for i in self.instruments.values())
        return True


EVERY_CLIENT = Observers()
"""The instrumentation of every client (``ethos_sdk.otel.instrument()`` without a client)."""


def _instruments(observers: Observers) -> Mapping[str, Instrument]:
    """A client's instrumentation over every client's: one of each name, the client's own winning."""
    if not EVERY_CLIENT.instruments:
        return observers.instruments
    return {**EVERY_CLIENT.instruments, **observers.instruments}


def chain_for(observers: Observers) -> Tuple[Middleware, ...]:
    """The middleware an attempt of a client with ``observers`` goes through (empty: none at all).

    Instrumentation that is not ``active()`` (no tracer provider set) is left
    out, so that it costs no more than this question.
    """
    instruments = _instruments(observers)
    if not instruments:
        return observers.middleware
    active = [i.middleware for i in instruments.values() if i.active()]
    return observers.middleware + tuple(active) if active else observers.middleware


class TurnWatch:
    """Follows one turn for its observers: the clock starts at the send, events are handed on, the end is logged.

    Made by the turn when it starts (:meth:`TurnStream._prepare`); a watcher
    that raises is logged and dropped, never allowed to break the turn.
    """

    __slots__ = ("watchers", "over")

    def __init__(self, turn: TurnStream, observers: Observers) -> None:
        self.over = False
        self.watchers: List[TurnWatcher] = []
        for instrument in _instruments(observers).values():
            try:
                watcher = instrument.watch_turn(turn)
            except Exception as exc:  # noqa: BLE001 - instrumentation must never break a turn
                _dropped(instrument, exc)
                continue
            if watcher is not None:
                self.watchers.append(watcher)

    def sending(self, turn: TurnStream) -> None:
        """The message is about to be sent: the turn's clock starts now."""
        turn._record.clock.sent()

    def event(self, turn: TurnStream, event: StreamEvent) -> None:
        """``event`` was delivered; once it is the turn's end, the watch ends too."""
        for watcher in self.watchers:
            try:
                watcher.event(turn, event)
            except Exception as exc:  # noqa: BLE001
                self.watchers.remove(watcher)
                _dropped(watcher, exc)
        if turn._record.end is not None:
            self.end(turn, None)

    def end(self, turn: TurnStream, error: Optional[BaseException]) -> None:
        """The turn is over here (ended, failed, left, lost or detached): log it, tell the watchers. Once."""
        if self.over:
            return
        self.over = True
        if isinstance(error, GeneratorExit):
            error = None  # the iterator was closed: the turn's state says so
        summary = turn._record.result(turn.session_id, turn.turn_id, turn._waits)
        if log.isEnabledFor(logging.INFO):
            _log_turn(turn, summary)
        for watcher in self.watchers:
            try:
                watcher.end(turn, summary, error)
            except Exception as exc:  # noqa: BLE001
                _dropped(watcher, exc)


def _dropped(what: object, exc: Exception) -> None:
    log.warning(
        "observability: %s raised %s: %s; it sees no more of this turn", type(what).__name__, type(exc).__name__, exc
    )


def _seconds(value: Any) -> str:
    return "-" if value is None else f"{value.total_seconds():.3f} s"


def _log_turn(turn: TurnStream, summary: TurnResult) -> None:
    """The turn's INFO line: how it ended, how long it took, its first token, tools, approvals and tokens."""
    usage = summary.usage
    tokens = f"{usage.input_tokens} in + {usage.output_tokens} out" if usage is not None else "none reported"
    log.info(
        "turn %s on session %s %s in %s (first token %s; %d tool call(s), %d approval(s), %d question(s); tokens %s)",
        summary.turn_id or "(unsent)", summary.session_id or "(new)", turn.state, _seconds(summary.elapsed),
        _seconds(summary.time_to_first_token), len(summary.tool_calls), len(summary.approvals),
        len(summary.questions), tokens,
        extra={
            **log_fields(
                session_id=summary.session_id or None, turn_id=summary.turn_id or None,
                elapsed_ms=round(summary.elapsed.total_seconds() * 1000, 3),
            ),
            "ethos.state": turn.state,
            "ethos.time_to_first_token_ms": (
                None if summary.time_to_first_token is None
                else round(summary.time_to_first_token.total_seconds() * 1000, 3)
            ),
            "ethos.tool_calls": len(summary.tool_calls),
            "ethos.approvals": len(summary.approvals),
            "ethos.questions": len(summary.questions),
            "ethos.input_tokens": usage.input_tokens if usage is not None else None,
            "ethos.output_tokens": usage.output_tokens if usage is not None else None,
        },
    )


class TurnClock:
    """When things happened in one turn, on ``time.monotonic()``: the clock of ``RawResponse.elapsed`` too.

    Fed every event of the turn (:meth:`saw`); sets each :class:`~ethos_sdk.ToolCall`'s
    ``elapsed`` (``tool_start`` to ``tool_end`` as this client saw them) and
    ``waited_for_person`` (a ``tool.approval_required`` to its
    ``approval.resolved``, a ``clarify.request`` to its ``clarify.resolved``).
    """

    __slots__ = ("created", "sent_at", "first_token", "ended", "_started", "_asked", "_waited", "_approval_calls",
                 "_open_clarify")

    def __init__(self) -> None:
        self.created = time.monotonic()
        self.sent_at: Optional[float] = None
        self.first_token: Optional[float] = None
        self.ended: Optional[float] = None
        self._started: Dict[str, float] = {}  # tool call id -> its tool_start
        self._asked: Dict[str, Tuple[str, float]] = {}  # approval or question id -> (tool call id, when asked)
        self._waited: Dict[str, float] = {}  # tool call id -> seconds waited for a person
        self._approval_calls: Dict[str, str] = {}
        self._open_clarify: List[str] = []  # clarify tool calls started and not ended, oldest first

    def sent(self) -> None:
        self.sent_at = time.monotonic()

    def saw(self, event: Mapping[str, Any], tools: Mapping[str, Any]) -> None:
        """Note when ``event`` arrived; ``tools`` are the turn's :class:`ToolCall`\\ s by id."""
        kind = event.get("type")
        now = time.monotonic()
        if kind == "text_delta" or kind == "thinking_delta":
            if self.first_token is None:
                self.first_token = now
        elif kind == "tool_start":
            call_id = str(event.get("toolCallId"))
            self._started[call_id] = now
            if event.get("toolName") == "clarify":
                self._open_clarify.append(call_id)
            self._note_wait(call_id, tools)  # asked before it started: an approval
        elif kind == "tool_end":
            call_id = str(event.get("toolCallId"))
            if call_id in self._open_clarify:
                self._open_clarify.remove(call_id)
            for asked_id, (asked_call, _) in list(self._asked.items()):
                if asked_call == call_id:  # the person was still being waited for when the tool ended
                    self._resolved(asked_id, now, tools)
            started = self._started.pop(call_id, None)
            call = tools.get(call_id)
            if call is not None and started is not None:
                call.elapsed = _delta(now - started)
            self._note_wait(call_id, tools)
        elif kind == "tool.approval_required":
            request = event["request"]  # checked where it arrived (ethos_sdk._wire_checks)
            call_id = str(request.get("toolCallId"))
            approval_id = str(request.get("approvalId"))
            if approval_id not in self._approval_calls:  # a replay after a reconnect is not a new wait
                self._approval_calls[approval_id] = call_id
                self._asked[approval_id] = (call_id, now)
        elif kind == "approval.resolved":
            self._resolved(str(event.get("approvalId")), now, tools)
        elif kind == "clarify.request":
            request_id = str(event.get("requestId"))
            if request_id not in self._asked and self._open_clarify:
                self._asked[request_id] = (self._open_clarify[-1], now)
        elif kind == "clarify.resolved":
            self._resolved(str(event.get("requestId")), now, tools)
        elif kind == "done" or kind == "error":
            self.ended = now

    def _resolved(self, asked_id: str, now: float, tools: Mapping[str, Any]) -> None:
        found = self._asked.pop(asked_id, None)
        if found is None:
            return
        call_id, since = found
        self._waited[call_id] = self._waited.get(call_id, 0.0) + (now - since)
        self._note_wait(call_id, tools)

    def _note_wait(self, call_id: str, tools: Mapping[str, Any]) -> None:
        """Put the time ``call_id`` waited for a person on its ToolCall, once there is one."""
        call = tools.get(call_id)
        if call is not None and call_id in self._waited:
            call.waited_for_person = _delta(self._waited[call_id])

    def timings(self) -> Tuple[timedelta, Optional[timedelta]]:
        """``(elapsed, time_to_first_token)`` as ``timedelta``: from the send (or the join) to the end (or now)."""
        start = self.sent_at if self.sent_at is not None else self.created
        end = self.ended if self.ended is not None else time.monotonic()
        first = None
        if self.first_token is not None and self.sent_at is not None:
            first = _delta(self.first_token - self.sent_at)
        return _delta(end - start), first


def _delta(seconds: float) -> timedelta:
    return timedelta(seconds=max(0.0, seconds))
