"""One reader per TurnStream, and a TurnStream dropped unfinished stops its turn (issue 28, item 4).

The user's side::

    turn = client.chat.stream("Write a long report", session_id=sid)
    threading.Thread(target=lambda: print(turn.result().text)).start()  # a second reader...
    for text in turn.text_stream:  # ...while this one reads
        print(text, end="")

The second reader gets :class:`ConcurrentReadError` and nothing happens to
the turn. And a stream left with ``break`` outside a ``with`` block, then
dropped, is stopped as leaving the block would have stopped it, with a
``ResourceWarning`` saying so. Each test watches the local server's counts of
``chat.abort`` and ``tools.deny``.
"""

from __future__ import annotations

import gc
import threading
import warnings
import weakref
from typing import Iterator, List, Optional

import pytest

from ethos_sdk import ApprovalRequest, ApprovalRequired, ConcurrentReadError, EthosClient, EthosError, TurnStream
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.events import StreamEvent

from .test_hitl import drop
from .test_turn_lifetime import client, session_id  # noqa: F401 - fixtures, over this module's server

PROMPT = "SLOW " + " ".join(f"w{i}" for i in range(10))
REPLY = f"Hello from the fake LLM. You said: {PROMPT}"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(slow_word_delay=0.05) as running:
        yield running


def _count(server: LocalEthosServer, procedure: str) -> int:
    return server.request_counts.get(procedure, 0)


def _second_reader(turn: TurnStream, how: str) -> Optional[BaseException]:
    """Read ``turn`` from another thread, ``how`` = "result" or "iterate"; what it raised (None: nothing)."""
    raised: List[BaseException] = []

    def read() -> None:
        try:
            if how == "result":
                turn.result()
            else:
                for _ in turn:
                    pass
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            raised.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the second reader was not turned away"
    return raised[0] if raised else None


@pytest.mark.parametrize("how", ["result", "iterate"])
def test_a_second_reader_is_turned_away_and_the_turn_goes_on(
    server: LocalEthosServer, client: EthosClient, session_id: str, how: str
) -> None:
    aborts, denials = _count(server, "chat.abort"), _count(server, "tools.deny")
    turned_away: List[Optional[BaseException]] = []

    def meanwhile(event: StreamEvent) -> None:  # runs while this thread is reading the turn
        if event["type"] == "text_delta" and not turned_away:
            turned_away.append(_second_reader(turn, how))

    turn = client.chat.stream(PROMPT, session_id=session_id, on_event=meanwhile)
    with turn:
        text = "".join(turn.text_stream)
    [error] = turned_away
    assert isinstance(error, ConcurrentReadError) and isinstance(error, EthosError)
    assert "is being read already" in str(error) and "Nothing was done to the turn" in str(error)
    assert text == REPLY and turn.state == "done" and turn.result().text == REPLY
    assert (_count(server, "chat.abort"), _count(server, "tools.deny")) == (aborts, denials)


def test_a_second_reader_leaves_a_pending_approval_alone(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    denials = _count(server, "tools.deny")
    turned_away: List[Optional[BaseException]] = []

    def meanwhile(event: StreamEvent) -> None:
        if event["type"] == "tool.approval_required":
            turned_away.append(_second_reader(turn, "result"))

    turn = client.chat.stream(drop("readers"), session_id=session_id, on_event=meanwhile)
    with turn:
        _read_until(turn, "tool.approval_required")
        assert isinstance(turned_away[0], ConcurrentReadError)
        assert turn.pending is not None and not turn.pending.answered  # still waiting, not denied
        turn.approve()
        assert turn.result().approvals[0].decision == "allow"
    assert _count(server, "tools.deny") == denials


def _read_until(turn: TurnStream, kind: str) -> None:
    for event in turn:
        if event["type"] == kind:
            break


def test_a_turn_dropped_unfinished_is_stopped_at_once_and_warns(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    aborts = _count(server, "chat.abort")
    turn = client.chat.stream(PROMPT, session_id=session_id)
    _read_until(turn, "text_delta")  # a plain for loop left with break: no with block, no close()
    gone = weakref.ref(turn)
    gc.disable()  # freed by reference counting alone: nothing holds the turn in a cycle
    try:
        with pytest.warns(ResourceWarning, match="dropped before the turn ended.*called chat.abort"):
            del turn
        assert gone() is None
    finally:
        gc.enable()
    assert _count(server, "chat.abort") == aborts + 1


def test_a_dropped_turn_waiting_for_approval_has_it_denied(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    aborts, denials = _count(server, "chat.abort"), _count(server, "tools.deny")
    turn = client.chat.stream(drop("dropped"), session_id=session_id)
    _read_until(turn, "tool.approval_required")
    with pytest.warns(ResourceWarning, match="denied its pending approval"):
        del turn
    assert (_count(server, "tools.deny"), _count(server, "chat.abort")) == (denials + 1, aborts + 1)


def test_a_turn_handed_out_by_a_pause_and_dropped_is_left_waiting_for_its_answer(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    """The pause's message says how to answer without the exception: dropping the exception must not undo that."""
    aborts, denials = _count(server, "chat.abort"), _count(server, "tools.deny")

    def ask_and_let_the_pause_go() -> None:
        try:
            client.chat.ask(drop("handed-out"), session_id=session_id, timeout=20)
        except ApprovalRequired as pause:
            assert pause.turn is not None and pause.turn.pending is pause.request
        # leaving the except block drops the exception, and with it the only reference to its turn

    with pytest.warns(ResourceWarning, match="left waiting for terminal .*chat.follow"):
        ask_and_let_the_pause_go()
        gc.collect()  # the exception's traceback holds it in a cycle: this is when it is freed
    assert (_count(server, "tools.deny"), _count(server, "chat.abort")) == (denials, aborts)  # nothing undone
    with client.chat.follow(session_id, timeout=20) as turn:  # the line the pause's message gives
        assert isinstance(turn.pending, ApprovalRequest)
        turn.pending.approve()
        assert turn.result().text == "Tool said: drop table handed-out"


def test_a_dropped_detached_turn_only_frees_its_stream(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    aborts = _count(server, "chat.abort")
    turn = client.chat.stream(PROMPT, session_id=session_id, detach=True)
    _read_until(turn, "text_delta")
    stream = turn._stream
    assert stream is not None and not stream.closed
    with pytest.warns(ResourceWarning, match="the turn goes on"):
        del turn
    assert stream.closed and _count(server, "chat.abort") == aborts
    client.chat.follow(session_id).result()  # it ran on to its end


def test_a_turn_read_to_its_end_or_closed_is_dropped_quietly(client: EthosClient, session_id: str) -> None:
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        finished = client.chat.stream("Hello", session_id=session_id)
        finished.result()
        del finished
        closed = client.chat.stream(PROMPT, session_id=session_id)
        next(closed)
        closed.close()
        del closed
        gc.collect()
    assert not [w for w in recorded if issubclass(w.category, ResourceWarning) and "TurnStream" in str(w.message)]


def test_reading_a_turn_from_its_own_on_event_is_turned_away_too(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    aborts = _count(server, "chat.abort")
    raised: List[BaseException] = []

    def nested(event: StreamEvent) -> None:
        if event["type"] == "run_start":
            try:
                turn.result()
            except ConcurrentReadError as exc:
                raised.append(exc)

    with client.chat.stream("Hello", session_id=session_id, on_event=nested) as turn:
        assert turn.result().text == "Hello from the fake LLM. You said: Hello"
    assert len(raised) == 1 and _count(server, "chat.abort") == aborts
