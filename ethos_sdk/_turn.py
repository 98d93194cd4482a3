"""Following one agent turn: send a message, read its events until ``done`` or ``error``.

``client.chat.stream(...)`` and ``client.chat.ask(...)`` are built on
:class:`TurnStream`. The order of steps matters and comes from measurements on
the real server:

* New session (no ``session_id``): ``chat.send`` first (it creates the
  session), then read the stream from the start of the server's buffer, which
  still holds the whole turn.
* Existing session: subscribe with ``since="live"`` first and wait for the
  ``stream_meta`` frame (the server has registered the subscriber once it is
  written), then ``chat.send``. The turn's ``run_start`` follows the send
  within a millisecond; subscribing afterwards loses it.
* Events carry the turn's ``traceId``, not the ``turnId`` ``chat.send``
  returns, so a turn is recognised by position: everything before the first
  ``run_start`` after the send (the end of a turn already running) is skipped.
* A turn cannot outlive its server: when the stream sees the server restart
  (see :mod:`ethos_sdk.stream`), the turn is gone and will never finish, so
  iteration ends at once with :class:`~ethos_sdk.StreamError` and the
  turn's ``state`` is ``"lost"``.
* ``timeout`` bounds everything: the send (its HTTP timeout, its retries and
  their waits all end by the turn's deadline), the stream's connection and the
  wait for the end of the turn.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
import warnings
import weakref
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from ._hitl import (
    ApprovalDecision, ApprovalRequest, PauseRequest, Question, QuestionAnswer, _TurnWaits,
)
from ._last_turn import find_last_turn
from ._observe import TurnClock, TurnWatch
from ._turn_options import EventCallback, TurnOptions
from ._wire_checks import check_turn_event
from .errors import (
    APITimeoutError, ClientClosedError, ConcurrentReadError, ConfigurationError, StreamError, TurnError,
    TurnNotFoundError, TurnPaused,
)
from .stream import DEFAULT_CONNECT_TIMEOUT, LIVE, SERVER_BUFFER, EventStream, StreamRestart, _Closing
from .types.events import DoneEvent, StreamEvent, TURN_END_TYPES
from .types.tools import ApprovalScope

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = [
    "TurnStream", "TurnResult", "ToolCall", "TurnUsage", "TurnOptions", "EventCallback", "stream_turn", "ask",
    "ABORT_WITHIN",
]

log = logging.getLogger("ethos_sdk")

ABORT_WITHIN = 2.0
"""Seconds a turn left early gets to be stopped on the server: denying its pending
tool approval, if any, and ``chat.abort``, retries included. Past it the SDK gives up
(and logs it): leaving never waits longer than this for the server."""


@dataclass
class ToolCall:
    """One tool the agent used during the turn (from ``tool_start`` and ``tool_end``)."""

    id: str
    name: str
    args: Any
    result: Optional[str] = None
    """What the tool returned, as text (``None`` if it did not end or said nothing)."""
    ok: Optional[bool] = None
    """``None`` while no ``tool_end`` arrived for it."""
    duration_ms: Optional[float] = None
    """How long the tool ran, as the server measured it (``tool_end``'s ``durationMs``)."""
    elapsed: Optional[timedelta] = field(default=None, compare=False)
    """From its ``tool_start`` to its ``tool_end`` as this client saw them (``None`` without both)."""
    waited_for_person: Optional[timedelta] = field(default=None, compare=False)
    """Time spent waiting for a person: from the approval request to its answer, or from the
    agent's question to its answer (``None`` when nobody was asked). Timings are left out of ``==``."""


@dataclass
class TurnUsage:
    """Tokens and cost of the turn, summed over its model calls (one ``usage`` event each)."""

    input_tokens: int = 0
    output_tokens: int = 0
    estimated_cost_usd: float = 0.0
    model_calls: int = 0


@dataclass
class TurnResult:
    """What ``client.chat.ask`` returns: the reply and what it took to make it."""

    text: str
    """The whole reply (the ``done`` event's text)."""
    session_id: str
    turn_id: str
    """The id ``chat.send`` gave the turn (its request id)."""
    usage: Optional[TurnUsage]
    """``None`` when the server reported no usage."""
    tool_calls: List[ToolCall] = field(default_factory=list)
    done: Optional[DoneEvent] = None
    """The ``done`` event itself (``turnCount``, ``traceId``)."""
    approvals: List[ApprovalDecision] = field(default_factory=list)
    """How each tool call that needed approval was settled, in order (decision, scope, who)."""
    questions: List[QuestionAnswer] = field(default_factory=list)
    """Each question the agent asked during the turn, with its answer."""
    elapsed: timedelta = field(default=timedelta(0), compare=False)
    """From sending the message to the turn's end (``done`` or ``error``) as this client saw it;
    for a turn joined with ``chat.follow``, from the join. Same clock as ``RawResponse.elapsed``."""
    time_to_first_token: Optional[timedelta] = field(default=None, compare=False)
    """From sending the message to the first ``text_delta`` or ``thinking_delta``; ``None`` when
    none came, or for a turn joined with ``chat.follow`` (its start is not known here). Timings are
    left out of ``==``: two results that say the same are equal however long they took."""

    def _repr_markdown_(self) -> str:
        """Jupyter shows the reply rendered as Markdown."""
        return self.text


class _TurnRecord:
    """What a :class:`TurnStream` has delivered so far, kept to build its :class:`TurnResult`."""

    def __init__(self) -> None:
        self.pieces: List[str] = []
        self.usage: Optional[TurnUsage] = None
        self.tools: Dict[str, ToolCall] = {}
        self.end: Optional[StreamEvent] = None
        self.clock = TurnClock()

    def add(self, event: StreamEvent, session_id: str = "") -> StreamEvent:
        """Keep what ``event`` adds to the turn, once the fields read of it are checked (StreamError if not)."""
        check_turn_event(event, session_id)
        if event["type"] == "text_delta":
            self.pieces.append(event["text"])
        elif event["type"] == "usage":
            self.usage = self.usage or TurnUsage()
            self.usage.input_tokens += event["inputTokens"]
            self.usage.output_tokens += event["outputTokens"]
            self.usage.estimated_cost_usd += event["estimatedCostUsd"]
            self.usage.model_calls += 1
        elif event["type"] == "tool_start":
            self.tools[event["toolCallId"]] = ToolCall(event["toolCallId"], event["toolName"], event["args"])
        elif event["type"] == "tool_end":
            call = self.tools.setdefault(
                event["toolCallId"], ToolCall(event["toolCallId"], event["toolName"], None)
            )
            call.ok = event["ok"]
            call.result = event.get("result")
            call.duration_ms = event["durationMs"]
        elif event["type"] in TURN_END_TYPES:
            self.end = event
        self.clock.saw(event, self.tools)
        return event

    def text(self) -> str:
        so_far = "".join(self.pieces)
        if self.end is not None and self.end["type"] == "done":
            return self.end.get("text", so_far)
        return so_far

    def result(self, session_id: str, turn_id: str, waits: Optional[_TurnWaits] = None) -> TurnResult:
        done = self.end if self.end is not None and self.end["type"] == "done" else None
        elapsed, first_token = self.clock.timings()
        return TurnResult(
            text=self.text(),
            session_id=session_id,
            turn_id=turn_id,
            usage=self.usage,
            tool_calls=list(self.tools.values()),
            done=done,
            approvals=list(waits.approvals) if waits is not None else [],
            questions=list(waits.questions) if waits is not None else [],
            elapsed=elapsed,
            time_to_first_token=first_token,
        )


class TurnStream(_Closing):
    """The events of one turn, from its ``run_start`` to its ``done`` or ``error``, then it stops.

    Created by ``client.chat.stream(...)``, which has already sent the message
    when it returns, or by ``client.chat.follow(session_id)``, which joins the
    turn running on a session. ``session_id`` and ``turn_id`` say where the
    turn runs. Use it in a ``with`` block::

        with client.chat.stream("Summarise this repo") as turn:
            for text in turn.text_stream:
                print(text, end="", flush=True)

    **Leaving a turn stops it.** When the ``with`` block is left before the
    turn ended -- Ctrl-C (``KeyboardInterrupt``), any exception, ``break``,
    or :meth:`close` -- the SDK stops the turn on the server: it denies the
    tool approval the turn waits on, if any, then calls
    ``client.chat.abort(session_id)``, once, giving it at most
    two seconds, and logs that it did (logger ``ethos_sdk``,
    level INFO; ``ETHOS_LOG=info`` shows it). The exception that made you
    leave is raised as it was; a failed abort is only logged. A second
    Ctrl-C during the abort stops waiting for it at once. The same happens
    when iterating raises (an interrupt while waiting for the next event, a
    ``timeout``), even without a ``with`` block. To leave the turn running
    instead, call :meth:`detach` (or pass ``detach=True`` to
    ``client.chat.stream``); ``client.chat.follow(session_id)`` joins it
    again later. A :class:`~ethos_sdk.TurnPaused` error (a tool approval or a
    question waiting for a person) is not a way of leaving: it hands you the
    live turn, which is neither stopped nor closed. A TurnStream dropped
    before its turn ended, outside a ``with`` block and without
    :meth:`close`, is stopped the same way when Python frees it, with a
    :class:`ResourceWarning` -- except a turn a pause handed out, whose
    request is still pending: it is left waiting for its answer
    (``client.chat.follow(session_id).pending`` answers it).

    One thread reads a turn at a time: another thread iterating it or
    calling :meth:`result` meanwhile gets
    :class:`~ethos_sdk.ConcurrentReadError`, and the turn goes on untouched.

    Raises (while iterating): :class:`~ethos_sdk.APITimeoutError` when
    ``timeout`` seconds pass before the turn ends (counted from the call that
    sent the message, send included); :class:`~ethos_sdk.StreamError` as soon
    as the stream sees that the server restarted while the turn was in
    flight (the turn is lost, :attr:`state` says ``"lost"``: send the message
    again on the same session); and the errors of
    :class:`~ethos_sdk.EventStream`. An ``error`` event is yielded, not raised.

    A turn may wait for a person (a tool approval, a question): the request's
    event is yielded, :attr:`pending` holds it, and :meth:`approve`,
    :meth:`deny` or :meth:`answer` answer it (or ``on_approval`` /
    ``on_question`` did already); see the "Human in the loop" guide.

    While and after iterating, :attr:`text` holds the reply and :attr:`state`
    says how far the turn got; :meth:`result` returns the same
    :class:`TurnResult` as ``client.chat.ask`` (reading the rest of the turn
    first if needed), and :attr:`final` the same once the turn is over.
    In Jupyter a finished turn shows its reply as Markdown.
    """

    session_id: str
    """The session the turn runs on."""
    turn_id: str
    """The id ``chat.send`` gave the turn (``""`` while unknown)."""
    _timer: Optional[threading.Timer]
    _stream: Optional[EventStream]
    _events: Iterator[StreamEvent]
    _armed = False  # handed to the caller: dropping it unfinished stops the turn (see __del__)

    def __init__(self, client: EthosClient, text: str, options: TurnOptions = TurnOptions()) -> None:
        options.checked_timeout()  # a bad timeout is refused before the files are read
        send = options.send_arguments()  # files are read (and refused) before anything is sent
        client = self._prepare(client, options)
        session_id, idle_timeout = options.session_id, options.idle_timeout
        left = self._left_for_a_step
        if self._each_wait is not None:
            send.setdefault("timeout", self._each_wait)
        elif self._deadline is not None:
            send.setdefault("timeout", left())
            client = client._ending_by(self._deadline)  # chat.send below, retries included, ends in time
        try:
            if session_id is None:
                self._watch.sending(self)
                receipt = client.chat.send(text, **send)
                self.session_id, self.turn_id = receipt["sessionId"], receipt["turnId"]
                # The session was just created by that send: no need to check it exists.
                self._stream = self._open_stream(self.session_id, None, idle_timeout, left())
            else:
                # chat.send reports an unknown session itself.
                self._stream = self._open_stream(session_id, LIVE, idle_timeout, left())
                self._stream.wait_ready()
                if self._deadline is not None:
                    send["timeout"] = left()
                self._watch.sending(self)
                receipt = client.chat.send(text, session_id=session_id, **send)
                self.turn_id = receipt["turnId"]
            if self._timed_out:
                raise self._timeout_error()
        except APITimeoutError as exc:
            self._release()  # the server never ends a stream: an unused one must be closed here
            self._leave(_why(exc))  # only when the send went through: turn_id is set
            if self._deadline is not None and (self._timed_out or time.monotonic() >= self._deadline - 0.05):
                raise self._timeout_error() from exc
            raise  # a step timed out on its own, shorter limit (the stream's connect): say that one
        except BaseException as exc:
            self._release()
            self._leave(_why(exc))
            if self._timed_out:
                raise self._timeout_error() from exc
            if self._stopped_by is not None:
                raise self._stopped_error() from exc
            raise
        finally:
            self._send_done.set()
        if self._stopped_by is not None:  # stopped while the message was on its way: whoever stopped it aborts it
            self._release()
            raise self._stopped_error()
        self._events = self._follow(self._stream)
        self._armed = True

    @classmethod
    def _join(cls, client: EthosClient, session_id: str, options: TurnOptions = TurnOptions()) -> TurnStream:
        """The turn running on ``session_id``, or the last one there, from the server's buffer (see ``follow``)."""
        self = cls.__new__(cls)
        client = self._prepare(client, options.but(session_id=session_id))
        self._joined = True
        self._send_done.set()  # nothing to send: the turn is known from the start
        try:
            before, reader, seen = find_last_turn(client, session_id, self._left_for_a_step(), self._deadline)
        except APITimeoutError as exc:
            self._release()
            if self._deadline is None or time.monotonic() < self._deadline - 0.05:
                raise  # a step's own limit (the stream's connect), not the turn's timeout
            if not self._timed_out:
                self._time_out()
            self._leave(_why(exc))  # the turn running on the session is the one asked for: stop it
            raise self._timeout_error() from exc
        except BaseException:
            self._release()  # nothing joined yet: there is no turn of ours to stop
            raise
        if not before:
            self._release()
            raise _no_turn(session_id, seen)
        if before[-1]["type"] in TURN_END_TYPES:
            self._known_end = before[-1]
        try:
            self._waits.replayed(before, session_id)  # settled requests are not offered again; pending is set
            if self._known_end is None:  # still running: go on after the last event read, checking it
                if self._deadline is not None and not self._timed_out and time.monotonic() >= self._deadline - 0.05:
                    self._time_out()  # the buffer read took the time there was: no stream worth opening
                if self._timed_out:
                    raise self._timeout_error()
                self._stream = self._open_stream(session_id, None, options.idle_timeout, self._left_for_a_step())
                self._stream._go_on_from(reader)
        except BaseException as exc:
            self._release()
            self._leave(_why(exc))
            raise
        self._events = self._follow(self._stream, before)
        self._armed = True
        return self

    def _prepare(self, client: EthosClient, options: TurnOptions) -> EthosClient:
        """Set up what every turn stream has, whether it sends the message or joins a turn.

        Everything is checked here, before anything is sent: the timeout, the
        policies, the headers. Returns the client every request of the turn
        goes through (the send, the stream, a denial, the abort): ``client``
        with ``extra_headers``.
        """
        timeout = options.checked_timeout()  # a bad value is a ConfigurationError
        self._owner = client._transport  # whose close() stops this turn (see ethos_sdk._inflight)
        self._pid = os.getpid()  # the process that follows the turn (a forked child's copy never stops it)
        self._stopped_by: Optional[str] = None  # why close(), ask_many or a signal stopped it from outside
        self._missing: Optional[str] = None  # events of the turn lost for good (see _events_missing)
        self._send_done = threading.Event()  # the message was sent, or sending it failed
        self._leaving = threading.Lock()  # one thread at a time stops the turn on the server
        # The turn's own client: extra_headers, and its requests (logs, middleware) know their turn.
        client = client.with_options(headers=options.extra_headers)
        client._transport.turn = weakref.ref(self)
        self._waits = _TurnWaits(client, options.on_approval, options.on_question)
        self._each_wait: Optional[Tuple[float, float]] = timeout if isinstance(timeout, tuple) else None
        self._client = client
        self._on_event = options.on_event
        self._timed_out = False
        self._timer = None
        self._stream = None
        self._events = iter(())
        self._finished = False
        self._handed_out: Optional[PauseRequest] = None  # the request of the last pause raised, until reading goes on
        self._closed_by_caller = False  # close() or the with block, before the end
        self._lost: Optional[str] = None  # why the turn was lost to a server restart
        self._detached = bool(options.detach)  # leaving does not stop the turn on the server
        self._left = False  # the turn was left early, and stopping it was tried (once)
        self._waited_on: Optional[PauseRequest] = None  # what the turn waited on when the SDK gave up
        self._denied_on_giving_up = False
        self._reading = threading.Lock()  # held while the turn is read (see __next__ and result)
        self._joined = False  # joined with chat.follow: no turn id, but a turn to stop all the same
        self._known_end: Optional[StreamEvent] = None  # a joined turn that had ended: its end, read or not
        self._record = _TurnRecord()
        self.turn_id = ""
        self.session_id = options.session_id or ""
        self._watch = TurnWatch(self, client._transport.observers)
        self.timeout = timeout
        self._owner.pool.in_flight().add(self)  # refused (ClientClosedError) while its client is being closed
        whole = None if isinstance(timeout, tuple) else timeout
        self._deadline = None if whole is None else time.monotonic() + whole
        if whole is not None:
            self._timer = threading.Timer(whole, _weakly(self._time_out))
            self._timer.daemon = True
            self._timer.start()
        return client

    def _left_for_a_step(self) -> float:
        """What the deadline leaves for one step (never 0: that means "no wait")."""
        if self._each_wait is not None:
            return self._each_wait[0]
        if self._deadline is None:
            return DEFAULT_CONNECT_TIMEOUT
        return max(0.001, self._deadline - time.monotonic())

    def _open_stream(
        self, session_id: str, since: Optional[str | int], idle_timeout: float, connect_timeout: float
    ) -> EventStream:
        if self._each_wait is not None:
            connect_timeout, idle_timeout = self._each_wait
        stream = EventStream(
            self._client, session_id, since=since, idle_timeout=idle_timeout,
            connect_timeout=min(DEFAULT_CONNECT_TIMEOUT, connect_timeout), check_session=False,
        )
        stream._restart_hook = _weakly(self._server_restarted)
        stream._gap_hook = _weakly(self._events_missing)
        if self._each_wait is not None:
            stream._silence_hook = _weakly(self._silent_too_long)
        self._stream = stream
        return stream

    def _name(self, unsent: str) -> str:
        """How messages name the turn: its id, ``(joined)`` for one ``chat.follow`` joined, else ``unsent``."""
        return self.turn_id or ("(joined)" if self._joined else unsent)

    def _server_restarted(self, restart: StreamRestart) -> None:
        """Called by the stream when it sees a restart: the turn in flight is lost."""
        if self._finished:
            return
        self._lost = (
            f"the Ethos server restarted while turn {self._name('(being sent)')} on session "
            f"{self.session_id or '(new)'} was in flight; the turn was lost and will never finish. "
            "The session and what the server saved of it survive: send the message again with "
            f"session_id={self.session_id!r} to resume the conversation (client.sessions.get shows "
            "what was kept)."
        )
        raise StreamError(self._lost)

    def _events_missing(self, have: int, seq: int) -> None:
        """Called by the stream when the events between two ids are gone for good: the turn would come back short."""
        if self._finished:
            return
        fate = "it goes on, detached" if self._detached else "the SDK stopped it on the server"
        self._missing = (
            f"{seq - have - 1} event(s) of turn {self._name('(being sent)')} on session {self.session_id or '(new)'} "
            f"are missing (ids {have + 1} to {seq - 1} are no longer in the server's buffer), so its reply, tool "
            f"calls and usage would be incomplete; {fate}. client.sessions.get({self.session_id!r}) has what "
            "the server saved of the conversation"
        )
        raise StreamError(self._missing)

    def _stopped_error(self) -> ClientClosedError:
        """What the turn's own thread raises once ``close()``, ``ask_many`` or a signal stopped it."""
        return ClientClosedError(
            f"turn {self._name('(being sent)')} on session {self.session_id or '(new)'} was stopped: "
            f"{self._stopped_by}. The SDK stopped it on the server (a pending approval denied, then chat.abort)"
        )

    def _time_out(self) -> None:
        self._timed_out = True
        self._waited_on = self._waits.pending
        if not self._detached:  # a detached turn's approval is left to whoever answers it
            self._denied_on_giving_up = self._waits.deny_pending(
                f"the script stopped waiting for the turn after {self._what_timed_out()}"
            )
        if self._stream is not None:
            self._stream.close()

    def _silent_too_long(self) -> None:
        """The stream heard nothing for the read part of ``timeout=(connect, read)``: give up on the turn."""
        self._time_out()
        raise self._timeout_error()

    def _what_timed_out(self) -> str:
        if self._each_wait is not None:
            return f"{self._each_wait[1]:g} s without an event (the read part of timeout={self.timeout!r})"
        return f"its timeout of {self.timeout} s"

    def _timeout_error(self) -> APITimeoutError:
        if self._detached or not (self.turn_id or self._joined):
            what = "it may still be running (client.chat.abort stops it)"
        else:
            what = "it was stopped with client.chat.abort (detach=True leaves a turn running)"
        if self._each_wait is not None:
            head = f"the turn on session {self.session_id or '(new)'} went {self._what_timed_out()}"
        else:
            head = f"the turn on session {self.session_id or '(new)'} did not end within {self.timeout} s"
        return APITimeoutError(
            f"{head}{self._waits.waiting_on(self._waited_on, self._denied_on_giving_up)}; {what}",
            request_id=self.turn_id or None,
        )

    def _follow(self, stream: Optional[EventStream], before: Sequence[StreamEvent] = ()) -> Iterator[StreamEvent]:
        """The turn's events: ``before`` (already read from the server's buffer), then ``stream``."""
        return _turn_events(stream, before)

    def __iter__(self) -> TurnStream:
        return self

    def __next__(self) -> StreamEvent:
        if not self._reading.acquire(blocking=False):
            raise self._busy()  # before anything else: the turn is the other reader's, and goes on
        try:
            return self._next_event()
        finally:
            self._reading.release()

    def _next_event(self) -> StreamEvent:
        self._handed_out = None  # read again: the caller took the turn back
        try:
            try:
                event = next(self._events)
            except StopIteration:
                self._release()
                if self._timed_out:  # the timer closed the stream before the turn ended
                    raise self._timeout_error() from None
                raise
            self._record.add(event, self.session_id)
            if self._on_event is not None:
                self._on_event(event)
            ended = event["type"] in TURN_END_TYPES
            if ended:
                self._finished = True
            paused = self._waits.see(event, self)
            self._watch.event(self, event)
            if ended:
                self._release()  # the turn is over: its connection and timer are not needed any more
        except (StopIteration, TurnPaused):
            raise  # the end, or a pause handed to the caller with the turn still live
        except BaseException as exc:
            self._release()
            self._leave(_why(exc))  # Ctrl-C while waiting or prompting, a timeout, on_event raising...
            if self._timed_out and not isinstance(exc, (KeyboardInterrupt, APITimeoutError)):
                # A policy or prompt that answered after the deadline: the SDK had denied the request and sent
                # nothing more. The timeout is what happened to the turn; the late answer's error is its cause.
                raise self._timeout_error() from exc
            raise
        if paused is not None:
            self._handed_out = self._waits.pending
            raise paused  # the generator is untouched: the caller may go on following the turn
        return event

    def _busy(self) -> ConcurrentReadError:
        return ConcurrentReadError(
            f"the turn {self._name('(unsent)')} on session {self.session_id or '(new)'} is being read already, by "
            "another thread (or by the code that called this, such as on_event): a TurnStream has one reader at a "
            "time (iterating it, text_stream and result() all take its events). Nothing was done to the turn: the "
            "other reader goes on. Read it in one place, and share turn.text or the result from there."
        )

    # -- a turn that waits for a person (see ethos_sdk._hitl) --

    @property
    def pending(self) -> Optional[PauseRequest]:
        """What the turn waits on: an :class:`~ethos_sdk.ApprovalRequest`, a :class:`~ethos_sdk.Question`, or ``None``.

        Set when the ``tool.approval_required`` or ``clarify.request`` event
        arrives and nothing answered it (``on_approval``/``on_question``);
        ``None`` again once it was answered, here or by another client.
        """
        return self._waits.pending

    def approve(self, scope: ApprovalScope = "once") -> None:
        """Allow the tool call the turn waits on (:attr:`pending`); see :meth:`ApprovalRequest.approve`.

        ``scope`` defaults to ``"once"``. ``"exact-args"`` and ``"any-args"``
        add a permanent entry to the server's allowlist that no procedure
        lists or removes.

        Raises:
            ConfigurationError: the turn waits on no approval.
        """
        self._pending_of(ApprovalRequest, "approve").approve(scope)

    def deny(self, reason: Optional[str] = None) -> None:
        """Refuse the tool call the turn waits on; the model is told, and the turn goes on.

        Raises:
            ConfigurationError: the turn waits on no approval.
        """
        self._pending_of(ApprovalRequest, "deny").deny(reason)

    def answer(self, text: str) -> None:
        """Answer the question the turn waits on; see :meth:`Question.answer`.

        Raises:
            ConfigurationError: the turn waits on no question.
            PermissionDeniedError: this client uses an API key (the server
                takes answers only with the web cookie).
        """
        self._pending_of(Question, "answer").answer(text)

    def _pending_of(self, kind: type, verb: str) -> Any:
        pending = self._waits.pending
        if not isinstance(pending, kind):
            what = "nothing" if pending is None else f"the {type(pending).__name__} {pending.describe()}"
            raise ConfigurationError(
                f"turn.{verb}(): the turn waits on no {kind.__name__} (it waits on {what}); "
                "turn.pending says what it waits on"
            )
        return pending

    def _deny_pending(self, reason: str, within: float = 2.0) -> None:
        """Deny the approval the turn waits on, if any (best effort, within ``within`` s; logs, never raises).

        Called whenever the SDK gives up on the turn: the server neither times
        approvals out nor ends them on ``chat.abort``, so an unanswered one
        would keep the turn parked (and run the tool if approved later).
        """
        self._waits.deny_pending(reason, within)

    @property
    def finished(self) -> bool:
        """True once ``done`` or ``error`` was delivered."""
        return self._finished

    @property
    def detached(self) -> bool:
        """True when leaving this iterator early leaves the turn running (see :meth:`detach`)."""
        return self._detached

    @property
    def state(self) -> str:
        """How far the turn got, as this iterator saw it.

        ``"running"`` until the end arrives, then ``"done"`` (a ``done``
        event), ``"failed"`` (an ``error`` event), ``"timed out"`` (``timeout``
        passed first), ``"lost"`` (the server restarted while the turn was in
        flight: the turn will never finish, and iterating raised
        :class:`~ethos_sdk.StreamError`), ``"closed"`` (left early, by
        :meth:`close`, the ``with`` block or an error, without seeing the end:
        the SDK stopped the turn on the server) or ``"detached"`` (left early
        with the turn still running on the server, see :meth:`detach`).
        """
        end = self._record.end or self._known_end
        if end is not None:
            return "done" if end["type"] == "done" else "failed"
        if self._lost is not None:
            return "lost"
        if self._timed_out:
            return "timed out"
        if self._stream is None or self._stream.closed:
            return "detached" if self._detached else "closed"
        return "running"

    @property
    def text(self) -> str:
        """The reply, which is the final answer once the turn is ``done``.

        Before that it is the text received so far (the ``text_delta`` events
        read up to now, ``""`` before the first), so it grows as you iterate.
        Once ``done`` arrived it is that event's ``text``, the whole answer,
        exactly as :attr:`TurnResult.text` from ``client.chat.ask``.
        """
        return self._record.text()

    @property
    def text_stream(self) -> Iterator[str]:
        """The reply as it comes: an iterator of the text of each ``text_delta`` event, nothing else.

        ::

            with client.chat.stream("Write a haiku") as turn:
                for text in turn.text_stream:
                    print(text, end="", flush=True)

        It reads the same iterator as ``for event in turn`` (the other events
        are read too: they go to ``on_event`` and into :meth:`result`, and are
        not given to anyone else), so after it ``"".join`` of what it gave is
        the turn's :attr:`text`, and ``turn.result()`` returns at once. Each
        access gives a new iterator that carries on where reading stopped.
        """
        return (event["text"] for event in self if event["type"] == "text_delta")

    @property
    def thinking_stream(self) -> Iterator[str]:
        """The model's reasoning as it comes: the text of each ``thinking_delta`` event, nothing else.

        Only models and providers that expose their reasoning send these
        events (many send none, and then this iterator gives nothing). Like
        :attr:`text_stream` it reads the turn's events: the reply's text is
        not lost (:attr:`text` and :meth:`result` hold it), but it is not
        yielded here.
        """
        return (event["thinking"] for event in self if event["type"] == "thinking_delta")

    @property
    def final(self) -> Optional[TurnResult]:
        """The :class:`TurnResult` once the turn ended with ``done``; ``None`` before that.

        Unlike :meth:`result` it never waits and never raises: a turn that
        failed, was lost or is still running has ``None`` here (:attr:`state`
        says which).
        """
        end = self._record.end
        if end is None or end["type"] != "done":
            return None
        return self._record.result(self.session_id, self.turn_id, self._waits)

    def result(self) -> TurnResult:
        """The turn as a :class:`TurnResult`, the same one ``client.chat.ask`` returns.

        Called before the turn ended, it first reads the rest of the turn (the
        events still go to ``on_event``, but are not yielded to you) and frees
        the connection. Called again, it returns an equal result without
        reading anything. Interrupted (Ctrl-C) while it waits, it stops the
        turn, as leaving a ``with`` block does.

        Raises:
            TurnError: the turn ended with an ``error`` event (``code`` says why).
            APITimeoutError: ``timeout`` seconds passed before the turn ended.
            StreamError: the server restarted and lost the turn (``state`` is
                ``"lost"``), or the iterator was closed (or its stream stopped)
                before the turn ended, so there is no whole reply to return;
                or an event lacked a field the turn reads (the turn is then
                stopped, as on leaving it).
            ConcurrentReadError: another thread is reading the turn; nothing
                is done to the turn.
            ApprovalRequired, QuestionAsked: a new request arrived that
                nothing here answers (no ``on_approval``/``on_question``, or a
                question with an API key). The turn goes on running: answer
                ``e.request`` and call ``result()`` again. A request already
                reported is not raised again: ``result()`` waits for it to be
                answered (here, in another tab or by another client), up to
                ``timeout``.
        """
        if not self._reading.acquire(blocking=False):
            raise self._busy()
        try:
            saved, self._waits.raise_on_pause = self._waits.raise_on_pause, True
            try:
                while True:
                    self._next_event()
            except StopIteration:
                pass
            finally:
                self._waits.raise_on_pause = saved
        finally:
            self._reading.release()
        end = self._record.end
        if end is not None and end["type"] == "error":
            raise TurnError(end["error"], code=end.get("code"), event=end)
        if end is None and self._lost is not None:
            raise StreamError(self._lost)
        if end is None and self._missing is not None:
            raise StreamError(self._missing)
        if end is None and self._stopped_by is not None:
            raise self._stopped_error()
        if end is None and self._timed_out:
            raise self._timeout_error()
        if end is None and self._closed_by_caller:
            how = (
                "it was detached, and the turn goes on without it: client.chat.follow"
                f"({self.session_id!r}) joins it again"
                if self._detached
                else "its iterator was closed before the turn ended, which stopped the turn "
                "(read it to the end, or call result() before closing it)"
            )
            raise StreamError(
                f"the turn {self._name('(unsent)')} on session {self.session_id or '(new)'} "
                f"has no result: {how}"
            )
        if end is None:
            raise StreamError(f"the event stream of session {self.session_id} stopped before the turn ended")
        return self._record.result(self.session_id, self.turn_id, self._waits)

    def __repr__(self) -> str:
        return f"<TurnStream session={self.session_id!r} turn={self.turn_id!r} {self.state}>"

    def _repr_markdown_(self) -> Optional[str]:
        """Jupyter shows a finished turn's reply as Markdown (otherwise the repr)."""
        return self.text if self.state == "done" else None

    def close(self) -> None:
        """Stop reading the turn and free the connection; a turn still running is stopped on the server.

        Stopping it means denying the tool approval it waits on, if any, and
        ``client.chat.abort(session_id)``, within two seconds
        (see the class documentation). After :meth:`detach`, or with
        ``detach=True``, the turn is left running. Safe to call twice: the
        turn is stopped once.
        """
        self._stop("close() was called")

    def detach(self) -> None:
        """Stop following the turn and leave it running on the server.

        The connection is freed at once; the turn goes on and keeps its
        events in the server's buffer, so ``client.chat.follow(session_id)``
        joins it again (from this or another process) and returns its result.
        Call it inside the ``with`` block before you leave it, or instead of
        :meth:`close`.
        """
        self._detached = True
        if not self._finished:
            self._closed_by_caller = True
        self._release()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if isinstance(exc, TurnPaused):
            return  # the caller gets the live turn: nothing is stopped, nothing closed
        self._stop("the with block was left" if exc is None else _why(exc))

    def _stop(self, why: str) -> None:
        if not self._finished:
            self._closed_by_caller = True
        self._release()
        self._leave(why)

    def __del__(self) -> None:
        """A TurnStream dropped before its turn ended (no ``with``, no close()) stops the turn and warns.

        It is what leaving a ``with`` block does -- deny the pending approval,
        ``chat.abort`` unless detached, close the stream -- plus a
        :class:`ResourceWarning`, because the turn was not stopped where the
        script meant it to be. One exception: a turn handed to the caller by
        a pause (:class:`~ethos_sdk.TurnPaused`, its request still pending)
        is left as the pause left it, waiting for a person, and only its
        connection is freed: the pause's message tells how to answer it
        without the exception (``client.chat.follow(session_id).pending``),
        which must still work once the exception is gone.
        """
        if not self._armed or self._finished or self._closed_by_caller or self._lost is not None or self._timed_out:
            return
        if self._pid != os.getpid():  # a copy a forked child inherited: the turn is the parent's to stop
            return
        if sys.is_finalizing():  # the interpreter is going away: no more requests
            return
        waiting = self._handed_out if self._handed_out is not None and self._waits.pending is self._handed_out else None
        if waiting is not None:
            what = (
                f"the turn was left waiting for {waiting.describe()}, as the pause left it, and its connection "
                f"closed; client.chat.follow({self.session_id!r}).pending answers it (the server denies an "
                "approval nobody follows after five minutes)"
            )
        elif self._detached:
            what = "its stream was closed; the turn goes on (detached)"
        else:
            what = "the SDK stopped the turn (denied its pending approval, if any, and called chat.abort)"
        try:
            warnings.warn(
                f"the TurnStream of turn {self._name('(unsent)')} on session {self.session_id} was dropped before "
                f"the turn ended, without close() or a with block: {what}. Read it in a with block, or call "
                "close() (or detach()) when done with it",
                ResourceWarning,
                source=self,
            )
            if waiting is not None:
                self.detach()
            else:
                self._stop("the TurnStream was dropped before the turn ended")
        except Exception:  # noqa: BLE001 - a finalizer must not raise; _stop already logs what failed
            log.debug("stopping a dropped TurnStream failed", exc_info=True)

    def _leave(self, why: str) -> None:
        """The caller left the turn before it ended: stop it on the server, once, within ABORT_WITHIN s.

        Not for a detached turn, one that ended or was lost, nor one whose
        ``chat.send`` never answered (there is no known turn to stop). Errors
        are logged, never raised; a second Ctrl-C during it is raised at once.
        Another thread may stop the turn at the same time (``client.close()``):
        the second caller waits for the first, and the turn is stopped once.
        """
        with self._leaving:
            self._leave_once(self._stopped_by or why)

    def _leave_once(self, why: str) -> None:
        if self._left or self._finished or self._detached or self._lost is not None:
            return
        if not self.turn_id and not self._joined:
            return
        self._left = True
        started = time.monotonic()
        if not self._timed_out:  # a timeout tried once already, and its message says how that went
            self._deny_pending(f"the client stopped the turn ({why})", ABORT_WITHIN / 2)
        try:
            left = max(0.25, ABORT_WITHIN - (time.monotonic() - started))
            client = self._client._ending_by(time.monotonic() + left)
            client.chat.abort(self.session_id, timeout=left)
        except Exception as exc:  # never hide why the caller left
            log.warning(
                "turn %s on session %s was left early (%s) but chat.abort failed (%s): it may still be "
                "running; client.chat.abort(%r) stops it", self.turn_id, self.session_id, why, exc, self.session_id,
            )
            return
        log.info(
            "turn %s on session %s was left early (%s): stopped it with chat.abort in %.2f s "
            "(detach=True or turn.detach() leaves a turn running)",
            self.turn_id, self.session_id, why, time.monotonic() - started,
        )

    def _release(self) -> None:
        """Free the connection and the timer (the turn ended, failed, or was never followed)."""
        if self._timer is not None:
            self._timer.cancel()
        if self._stream is not None:
            self._stream.close()
        self._owner.pool.in_flight().discard(self)
        self._watch.end(self, sys.exc_info()[1])  # the exception that made us leave, if any


def _turn_events(stream: Optional[EventStream], before: Sequence[StreamEvent]) -> Iterator[StreamEvent]:
    """``before`` then ``stream``, from the first ``run_start`` to the turn's ``done`` or ``error``.

    A plain function, holding no :class:`TurnStream`: a turn nobody holds any
    more is freed at once, and its ``__del__`` stops it.
    """
    started = False
    for event in itertools.chain(before, stream if stream is not None else ()):
        kind = event.get("type")
        if not started:
            if kind != "run_start":
                continue  # the tail of a turn that was already running
            started = True
        yield event
        if kind in TURN_END_TYPES:
            return


def _weakly(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (bound to a TurnStream) as a callback that does not keep its object alive; then a no-op."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> Any:
        bound = ref()
        return None if bound is None else bound(*args)

    return call


def _no_turn(session_id: str, seen: bool) -> TurnNotFoundError:
    what = (
        f"holds only the end of a turn whose start is no longer in it (it keeps the last {SERVER_BUFFER} events)"
        if seen else
        "is empty: no turn ran on it lately (the server drops the buffer five minutes after the last "
        "subscriber left, and at a restart)"
    )
    return TurnNotFoundError(
        f"client.chat.follow({session_id!r}): the server's event buffer of the session {what}; "
        f"client.sessions.get({session_id!r})['messages'] has the saved conversation, and "
        "client.chat.stream(text, session_id=...) starts a new turn",
        session_id=session_id,
    )


def _why(exc: BaseException) -> str:
    """How a log line names the exception that made the caller leave a turn."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (KeyboardInterrupt)"
    if isinstance(exc, APITimeoutError):
        return "its timeout passed"
    return f"{type(exc).__name__} raised"


def stream_turn(client: EthosClient, text: str, options: TurnOptions = TurnOptions()) -> TurnStream:
    """Send ``text`` and return the iterator of that turn's events (see :class:`TurnStream`)."""
    return TurnStream(client, text, options)


def ask(client: EthosClient, text: str, options: TurnOptions = TurnOptions()) -> TurnResult:
    """Send ``text``, wait for the whole reply and return it as a :class:`TurnResult`.

    Raises :class:`~ethos_sdk.TurnError` when the turn ends with an ``error`` event.
    It is :meth:`TurnStream.result` of the turn :func:`stream_turn` starts, and
    raises what that raises. A request nobody answers (no ``on_approval`` /
    ``on_question``) raises :class:`~ethos_sdk.TurnPaused` at once, which hands
    the turn over still following: the stream is not closed.
    Leaving it early (Ctrl-C, a timeout) stops the
    turn on the server, as leaving a ``TurnStream``'s ``with`` block does.
    """
    turn = stream_turn(client, text, options)
    turn._waits.raise_on_pause = True
    try:
        result = turn.result()
    except TurnPaused:
        raise  # the caller answers the request and calls e.turn.result(): keep the turn open
    except BaseException:
        turn.close()
        raise
    turn.close()
    return result


# The methods ``client.chat.stream``, ``client.chat.ask`` and ``client.chat.follow`` (ethos_sdk/namespaces/chat.py)
# delegate to ``stream_turn``, ``ask`` and ``TurnStream._join`` above.
