"""Which turn ``client.chat.follow(session_id)`` joins: the session's last one, found without guessing from silence.

The server replays a session's buffer (its last 1000 events) to a stream that
asks for it from the start, then goes on with live events, and it never says
where the replay ends. A proxy that holds the replay back for a moment looks
exactly like the end of it, and taking that moment for the end returned the
turn *before* the last one. So the end is found from evidence instead:

1. A *live* subscription is opened first (``Last-Event-ID:
   9007199254740991``), and its ``stream_meta`` awaited: from then on every
   new event of the session reaches it. The first id it delivers, ``L``,
   bounds the replay: every event numbered below ``L`` happened before, so
   once the buffer has been read up to ``L - 1`` nothing older is missing.
   (If that first event is a ``run_start``, a turn began at that moment, and
   it is the one joined.)
2. Then the session's saved conversation is read (``sessions.get``, which
   also says the session exists). When nothing happens on the session (no
   live event comes), it tells whether the turn read last is the session's
   last: its reply is the conversation's last assistant message (or, for a
   turn still running or one that failed, the conversation's last turn has no
   reply yet and no tool call the turn did not make), and the turn before it
   in the buffer gave the reply saved before the last user message.
3. Only then is the buffer read from its start, in a thread, while the live
   subscription waits in another: the first of the two kinds of evidence
   decides.

What remains undecidable is said plainly. A buffer that holds a single turn of
a session that had earlier ones cannot be checked against the turn before it;
then the record has to agree and the replay has to pause for
:data:`UNSURE_QUIET` seconds. A turn the record singles out that is still
running, on a session where no live event comes (it waits for a person), is
joined once the replay pauses for as long: which turn it is is settled, and
the pause only tells that its replayed events (a request and its answer,
say) are all in hand before the stream goes on. A replay that never shows the start of a turn
within :data:`~ethos_sdk.stream.REPLAY_WAIT` seconds is an empty buffer
(:class:`~ethos_sdk.TurnNotFoundError`). Anything else undecided after
:data:`FIND_WITHIN` seconds (or at the caller's deadline) raises instead of
guessing: :class:`~ethos_sdk.StreamError` (or
:class:`~ethos_sdk.APITimeoutError` at the deadline).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Set, Tuple, Union

from ._wire_checks import check_turn_event
from .errors import APITimeoutError, StreamError
from .stream import DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, LIVE, REPLAY_WAIT, EventStream
from .types.events import StreamEvent, TURN_END_TYPES

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = ["find_last_turn", "FIND_WITHIN", "UNSURE_QUIET"]

FIND_WITHIN = 10.0
"""Seconds ``follow`` looks at most for the end of the server's replay before it raises :class:`~ethos_sdk.StreamError`."""

UNSURE_QUIET = 0.25
"""Seconds the replay must pause before a turn is taken that the saved conversation agrees with but cannot
single out, or singles out while it still runs."""

_PROVEN, _AGREES, _NOT_YET = 0, 1, 2  # what the saved conversation says of the turn read last
_UNKNOWN = object()  # a reply the record cannot tell


@dataclass
class _Turn:
    """One turn as the replay showed it so far (the first may lack its ``run_start``: the buffer began in it)."""

    events: List[StreamEvent]
    started: bool
    start_id: Optional[int] = None
    """The id of its ``run_start`` (``None`` when it has none, or an event without id)."""
    end: Optional[StreamEvent] = None
    tool_ids: Set[str] = field(default_factory=set)

    def add(self, event: StreamEvent) -> None:
        self.events.append(event)
        if self.end is not None:
            return
        kind = event["type"]
        if kind in ("tool_start", "tool_end"):
            self.tool_ids.add(event["toolCallId"])  # type: ignore[typeddict-item]  # checked by check_turn_event
        elif kind == "tool.approval_required":
            request = event.get("request")
            call = request.get("toolCallId") if isinstance(request, dict) else None
            if isinstance(call, str):
                self.tool_ids.add(call)
        elif kind in TURN_END_TYPES:
            self.end = event

    def reply(self) -> Optional[str]:
        """The whole reply if the turn ended with ``done``; ``None`` while it runs, or when it failed."""
        if self.end is None or self.end["type"] != "done":
            return None
        text = self.end.get("text")
        if isinstance(text, str):
            return text
        return "".join(e["text"] for e in self.events if e["type"] == "text_delta")



@dataclass
class _Record:
    """What ``sessions.get`` says of the session's last two turns (a turn starts at a ``user`` message)."""

    turns: int = 0
    last_reply: Any = None
    """The assistant's reply ending the last turn; ``None`` while it runs (or when it failed)."""
    reply_before: Any = _UNKNOWN
    """The reply ending the turn before it (:data:`_UNKNOWN` when there is no such turn)."""
    tool_ids: Set[str] = field(default_factory=set)
    """The tool calls saved in the last turn."""

    @classmethod
    def of(cls, answer: Any) -> Optional[_Record]:
        messages = answer.get("messages") if isinstance(answer, dict) else None
        if not isinstance(messages, list):
            return None
        messages = [m for m in messages if isinstance(m, dict)]
        starts = [i for i, m in enumerate(messages) if m.get("role") == "user"]
        record = cls(turns=len(starts))
        if not starts:
            return record
        last = messages[starts[-1] + 1 :]
        record.last_reply = _reply_in(last)
        if len(starts) > 1:
            record.reply_before = _reply_in(messages[starts[-2] + 1 : starts[-1]])
        for message in last:
            calls = message.get("toolCalls")
            for call in calls if isinstance(calls, list) else ():
                if isinstance(call, dict) and isinstance(call.get("id"), str):
                    record.tool_ids.add(call["id"])
            if isinstance(message.get("toolCallId"), str):
                record.tool_ids.add(message["toolCallId"])
        return record

    def judge(self, turns: List[_Turn]) -> int:
        """Whether the last of ``turns`` is the session's last turn: proven, agreed with, or not (yet)."""
        turn = turns[-1]
        if turn.reply() != self.last_reply or not turn.tool_ids >= self.tool_ids:
            return _NOT_YET
        if self.turns == 1:
            return _PROVEN if turn.started else _NOT_YET  # the session's only turn
        before = turns[-2] if len(turns) > 1 and turns[-2].started else None
        if before is not None and self.reply_before is not _UNKNOWN:
            return _PROVEN if before.reply() == self.reply_before else _NOT_YET
        if self.reply_before is not _UNKNOWN and self.reply_before == self.last_reply:
            return _NOT_YET  # the same reply twice in a row: the turn read may be the first of the two
        return _AGREES


def _reply_in(messages: List[Any]) -> Optional[str]:
    """The reply ending a turn's saved messages: its last message, if it is the assistant's final answer."""
    if not messages:
        return None
    last = messages[-1]
    if last.get("role") == "assistant" and not last.get("toolCalls") and isinstance(last.get("content"), str):
        return str(last["content"])
    return None


class _Probe(EventStream):
    """The live subscription, opened first; its ``sessions.get`` names no ``check_session`` (follow has none)."""

    _not_found_hint = ""

    def _idle_while_checking(self, conn: Any) -> bool:
        if self._meta_count == 0:  # the server writes stream_meta with the answer's headers: this is no Ethos stream
            raise APITimeoutError(
                f"the event stream of session {self.session_id} sent nothing within {self.idle_timeout:g} s of "
                "answering (the Ethos server starts every stream with a stream_meta frame at once)"
            )
        return super()._idle_while_checking(conn)


_Item = Tuple[str, Union[StreamEvent, BaseException, None], Optional[int], int]
"""What a reading thread reports: ``(which, event | error | None at the end, its id, restarts so far)``."""


def _pump(stream: EventStream, which: str, items: queue.Queue[_Item], first_only: bool) -> threading.Thread:
    """Read ``stream`` in a daemon thread, reporting each event (only the first with an id, if ``first_only``)."""

    def run() -> None:
        try:
            for event in stream:
                items.put((which, event, stream.last_seq, stream.restarts))
                if first_only and stream.last_seq is not None:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the searching thread, which decides
            items.put((which, exc, None, stream.restarts))
            return
        items.put((which, None, None, stream.restarts))

    thread = threading.Thread(target=run, name=f"ethos-follow-{which}", daemon=True)
    thread.start()
    return thread


def find_last_turn(
    client: EthosClient, session_id: str, connect_timeout: float, deadline: Optional[float] = None
) -> Tuple[List[StreamEvent], EventStream, bool]:
    """The events of the session's last turn in the server's buffer, from its ``run_start``.

    Returns those events (up to its ``done`` or ``error`` if it ended; empty
    when the buffer holds no ``run_start``), the stream that read them,
    closed (to go on from with :meth:`EventStream._go_on_from`), and whether
    the buffer held any event at all. ``deadline`` is a ``time.monotonic()``
    value. See the module for how the end of the replay is found.

    Raises:
        NotFoundError: the session does not exist.
        StreamError: the end of the replay could not be told within
            :data:`FIND_WITHIN` seconds; or an event read lacks a field.
        APITimeoutError: ``deadline`` came first.
    """
    started = time.monotonic()
    give_up = started + FIND_WITHIN if deadline is None else min(deadline, started + FIND_WITHIN)
    connect_timeout = min(DEFAULT_CONNECT_TIMEOUT, connect_timeout)
    probe = _Probe(
        client, session_id, since=LIVE, idle_timeout=connect_timeout, connect_timeout=connect_timeout,
        check_session=False,
    )
    reader = EventStream(
        client, session_id, idle_timeout=DEFAULT_IDLE_TIMEOUT, connect_timeout=connect_timeout, check_session=False
    )
    items: queue.Queue[_Item] = queue.Queue()
    threads: List[threading.Thread] = []
    try:
        probe.wait_ready()  # from here on, every new event of the session reaches the probe
        record = _Record.of(probe._check_session_exists())
        threads.append(_pump(probe, "live", items, first_only=True))
        threads.append(_pump(reader, "replay", items, first_only=False))
        search = _Search(session_id, record, lambda: _Record.of(probe._check_session_exists()), items, give_up, deadline)
        search.run()
    finally:
        probe.close()
        reader.close()
        for thread in threads:
            thread.join(1.0)
    chosen = search.chosen()
    while True:  # what the reader had read when it was closed follows what was decided on
        try:
            which, item, seq, restarts = items.get_nowait()
        except queue.Empty:
            break
        if which == "replay" and isinstance(item, dict) and restarts == search.restarts:
            search.read(item, seq, restarts)
    return search.events_of(chosen), reader, search.seen


class _Search:
    """Reads the reports of the two threads until the replay's end is known (see the module)."""

    def __init__(
        self,
        session_id: str,
        record: Optional[_Record],
        reread: Callable[[], Optional[_Record]],
        items: queue.Queue[_Item],
        give_up: float,
        deadline: Optional[float],
    ) -> None:
        self.session_id = session_id
        self.where = f"the event stream of session {session_id}"
        self.record = record
        self.reread = reread
        self.items = items
        self.give_up = give_up
        self.deadline = deadline
        self.turns: List[_Turn] = []
        self.seen = False
        self.last_id: Optional[int] = None
        self.restarts = 0
        self.bound: Optional[int] = None  # the replay is over once an id this high was read
        self.rechecked = False

    def run(self) -> None:
        quiet_since = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= self.give_up:
                raise self._undecided()
            try:
                which, item, seq, restarts = self.items.get(timeout=min(UNSURE_QUIET, self.give_up - now))
            except queue.Empty:
                if self._decided_by_quiet(time.monotonic() - quiet_since):
                    return
                continue
            if isinstance(item, BaseException):
                if which == "replay":
                    raise item
                continue  # the live subscription failed: the replay and the record still decide
            if item is None:
                if which == "replay":
                    raise StreamError(f"{self.where} ended while its buffer was read; call follow again")
                continue
            if which == "live":
                if seq is not None and self.restarts == 0:
                    self.bound = seq if item["type"] == "run_start" else seq - 1
            else:
                quiet_since = time.monotonic()
                self.read(item, seq, restarts)
            if self._decided():
                return

    def read(self, event: StreamEvent, seq: Optional[int], restarts: int) -> None:
        """Take one event of the replay (or of what follows it, live)."""
        if restarts != self.restarts:  # the server restarted: what was read died with it, and so did the bound
            self.restarts, self.turns, self.bound = restarts, [], None
        check_turn_event(event, self.session_id)
        self.seen = True
        if seq is not None:
            self.last_id = seq
        if event["type"] == "run_start":
            self.turns.append(_Turn([], started=True, start_id=seq))
        elif not self.turns:
            self.turns.append(_Turn([], started=False))  # the end of a turn whose start left the buffer
        self.turns[-1].add(event)

    def _decided(self) -> bool:
        if self.bound is not None:
            return (self.last_id or 0) >= self.bound
        # An ended turn the record singles out has all its events read; one still running may have more in the
        # replay (a request's resolution, say): that waits for the bound, or for the replay to pause.
        return (
            bool(self.turns) and self.turns[-1].end is not None and self.record is not None
            and self.record.judge(self.turns) == _PROVEN
        )

    def _decided_by_quiet(self, quiet: float) -> bool:
        """After ``quiet`` seconds without a replayed event: True when that settles it."""
        if self.bound is not None:
            return (self.last_id or 0) >= self.bound  # e.g. a bound of 0: the buffer was empty
        if not self.turns:
            return quiet >= REPLAY_WAIT or (self.record is not None and self.record.turns == 0)
        if self.record is None:
            return False
        verdict = self.record.judge(self.turns)
        if verdict == _NOT_YET and quiet >= REPLAY_WAIT and not self.rechecked:
            self.rechecked = True
            self.record = self.reread() or self.record  # a reply saved just after the record was read
            verdict = self.record.judge(self.turns)
        return verdict != _NOT_YET and quiet >= UNSURE_QUIET

    def chosen(self) -> int:
        """The index of the turn decided on (-1: none).

        With a bound from the live subscription, it is the last turn that began
        by then (a turn the reader saw begin after it is not the one asked
        for); otherwise the last turn read.
        """
        chosen = len(self.turns) - 1
        if self.bound is not None:
            while chosen >= 0 and (self.turns[chosen].start_id or 0) > self.bound:
                chosen -= 1
        return chosen if chosen >= 0 and self.turns[chosen].started else -1

    def events_of(self, chosen: int) -> List[StreamEvent]:
        """The events of turn ``chosen``, from its ``run_start`` to its end, or to the last read ([]: none)."""
        if chosen < 0:
            return []
        events = [event for turn in self.turns[chosen:] for event in turn.events]
        end = self.turns[chosen].end
        return events if end is None else events[: events.index(end) + 1]

    def _undecided(self) -> BaseException:
        if self.deadline is not None and self.give_up >= self.deadline:
            return APITimeoutError(f"the end of the replay of {self.where} was not found before the deadline")
        read = f"up to id {self.last_id}" if self.last_id is not None else "nothing"
        record = (
            "the session's saved conversation could not be read to check it" if self.record is None
            else "the session's saved conversation does not end with the turn read last"
        )
        return StreamError(
            f"client.chat.follow({self.session_id!r}) could not tell which turn is the session's last: the "
            f"server's replay of its buffer showed {read}, {record}, and no new event came within "
            f"{FIND_WITHIN:g} s (is a proxy holding the stream back?). Nothing was joined; call follow again, "
            f"or read client.sessions.get({self.session_id!r})['messages']"
        )
