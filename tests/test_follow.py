"""``client.chat.follow(session_id)``: join a turn that is running, or read the last one (issue 19, item 2).

The user's side::

    client.chat.send("Write the release notes", session_id=sid)
    ...  # later, or in another process
    with client.chat.follow(sid) as turn:
        for text in turn.text_stream:
            print(text, end="", flush=True)
    print(turn.result().usage)

Each test compares what ``follow`` gave with what the server published, read
by a second stream of the session's own.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from ethos_sdk import APITimeoutError, EthosClient, EventStream, NotFoundError, StreamError, TurnNotFoundError
from ethos_sdk._last_turn import UNSURE_QUIET
from ethos_sdk.stream import LIVE_LAST_EVENT_ID
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.events import StreamEvent

from .conftest import FAKE_KEY, report
from .sse_server import HOLD, Received, Script, SSEServer, delta, meta
from .test_hitl import drop
from .test_stream_turn import done, run_start

PROMPT = "SLOW " + " ".join(f"w{i}" for i in range(12))
REPLY = f"Hello from the fake LLM. You said: {PROMPT}"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(slow_word_delay=0.15) as running:
        yield running


@pytest.fixture
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=10) as c:
        yield c


@pytest.fixture
def session_id(client: EthosClient) -> str:
    """A session with one finished turn in the server's buffer already."""
    return client.chat.ask("Hello, an earlier turn").session_id


class Published:
    """The session's events as the server publishes them from now on, read in a thread."""

    def __init__(self, client: EthosClient, session_id: str) -> None:
        self.stream = EventStream(client, session_id, since="live", check_session=False).wait_ready()
        self.events: List[StreamEvent] = []
        self.deltas = threading.Semaphore(0)
        self.ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for event in self.stream:
                self.events.append(event)
                if event["type"] == "text_delta":
                    self.deltas.release()
                if event["type"] in ("done", "error"):
                    self.ended.set()
                    return
        except Exception:  # closed by the test
            pass

    def wait_deltas(self, count: int) -> None:
        for _ in range(count):
            assert self.deltas.acquire(timeout=10), "the turn stopped producing text"

    def turn(self) -> List[StreamEvent]:
        assert self.ended.wait(15), "the turn did not end on the server"
        self.stream.close()
        return self.events


def start_turn(client: EthosClient, session_id: str, deltas: int) -> Published:
    """Send the slow prompt on the session; return once the turn has produced ``deltas`` words."""
    published = Published(client, session_id)
    client.chat.send(PROMPT, session_id=session_id)
    published.wait_deltas(deltas)
    return published


def _aborts(server: LocalEthosServer) -> int:
    return server.request_counts.get("chat.abort", 0)


def test_follow_joins_a_running_turn_midway_with_every_event_once(
    client: EthosClient, session_id: str
) -> None:
    published = start_turn(client, session_id, 3)  # well under way when the script joins it
    with client.chat.follow(session_id) as turn:
        seen = list(turn)
    assert seen == published.turn()  # from run_start to done: nothing lost, nothing twice, no earlier turn
    assert seen[0]["type"] == "run_start" and seen[-1]["type"] == "done"
    assert turn.state == "done" and turn.turn_id == "" and turn.session_id == session_id
    result = turn.result()
    assert result.text == REPLY == "".join(e["text"] for e in seen if e["type"] == "text_delta")
    assert result.usage is not None and result.usage.output_tokens > 0


def test_text_stream_of_a_followed_turn_is_its_whole_text(client: EthosClient, session_id: str) -> None:
    start_turn(client, session_id, 2)
    with client.chat.follow(session_id) as turn:
        text = "".join(turn.text_stream)
    assert text == turn.result().text == REPLY


def test_follow_after_the_turn_ended_gives_the_last_turn_at_once(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    asked = client.chat.ask("Hello, the second turn", session_id=session_id)
    gets = server.request_counts.get("sessions.get", 0)
    started = time.perf_counter()
    turn = client.chat.follow(session_id)
    took = time.perf_counter() - started
    assert turn.state == "done"  # the whole turn came with the buffer: nothing left to wait for
    report(f"chat.follow of a finished turn on the local server: {took * 1000:.1f} ms")
    # No pause is waited for: the saved conversation says the replay's last turn is the session's.
    assert took < UNSURE_QUIET, f"{took:.3f} s"
    events = list(turn)
    assert [e["type"] for e in events][0] == "run_start" and events[-1]["type"] == "done"
    result = turn.result()
    assert result.text == asked.text == "Hello from the fake LLM. You said: Hello, the second turn"
    assert result.usage == asked.usage
    assert server.request_counts.get("sessions.get", 0) == gets + 1  # the one check that the session exists


def test_follow_a_session_that_does_not_exist_raises_not_found(client: EthosClient) -> None:
    with pytest.raises(NotFoundError, match="does not exist") as caught:
        client.chat.follow("no-such-session")
    assert "check_session" not in str(caught.value)  # follow has no such parameter to suggest


def test_follow_when_the_buffer_holds_no_turn_raises_turn_not_found(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    server.restart_event_buffer()  # what a restart or five idle minutes do to the buffer
    with pytest.raises(TurnNotFoundError, match="is empty") as caught:
        client.chat.follow(session_id)
    assert caught.value.session_id == session_id
    assert f"client.sessions.get({session_id!r})" in str(caught.value)


def _conversation(*replies: Optional[str]) -> Callable[[Received, bytes], Tuple[str, bytes]]:
    """A server whose session s1 saved one turn per reply (``None``: a turn with no reply yet); chat.abort answers ok."""
    messages: List[Dict[str, Any]] = []
    for index, reply in enumerate(replies):
        messages.append({"id": f"u{index}", "role": "user", "content": f"question {index}"})
        if reply is not None:
            messages.append({"id": f"a{index}", "role": "assistant", "content": reply, "toolCalls": None})

    def answer(request: Received, body: bytes) -> Tuple[str, bytes]:
        if request.path == "/rpc/chat/abort":
            return "200 OK", b'{"json":{"ok":true}}'
        assert request.path == "/rpc/sessions/get", request.path
        return "200 OK", json.dumps({"json": {"session": {"id": "s1"}, "messages": messages}}).encode()

    return answer


IDLE = Script([meta("live"), HOLD])
"""The live subscription of a session where nothing happens any more."""

FIRST = [run_start(1, "a"), delta(2, "first"), done(3, "first", "a")]
SECOND = [run_start(4, "b"), delta(5, "second"), done(6, "second", "b")]


def test_follow_when_the_buffer_holds_only_the_end_of_a_turn_raises_turn_not_found() -> None:
    tail = Script([meta(), delta(500, "the end of "), delta(501, "a long turn"), done(502, "... a long turn"), HOLD])
    with SSEServer([IDLE, tail], on_post=_conversation("earlier", "... a long turn")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with pytest.raises(TurnNotFoundError, match="only the end of a turn"):
            client.chat.follow("s1")


def test_follow_picks_the_last_of_several_turns_in_the_buffer() -> None:
    buffer = Script([meta(), *FIRST, *SECOND, HOLD])
    with SSEServer([IDLE, buffer], on_post=_conversation("first", "second")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        turn = client.chat.follow("s1")
        assert [e["type"] for e in turn] == ["run_start", "text_delta", "done"]
        assert turn.result().text == "second" and turn.result().done["traceId"] == "t-b"  # type: ignore[index]
        # The live subscription, sessions.get and the buffer: an ended turn opens no further stream.
        assert [(r.method, r.header("Last-Event-ID")) for r in sse.requests] == [
            ("GET", LIVE_LAST_EVENT_ID), ("POST", None), ("GET", None),
        ]


@pytest.mark.parametrize("stall", [0.3, 1.2, 3.0])
def test_a_replay_held_back_midway_never_yields_the_previous_turn(stall: float) -> None:
    # Nothing happens on the session any more; a proxy holds the replay back between its two turns.
    buffer = Script([meta(), *FIRST, stall, *SECOND, HOLD])
    with SSEServer([IDLE, buffer], on_post=_conversation("first", "second")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        started = time.monotonic()
        turn = client.chat.follow("s1")
        took = time.monotonic() - started
        assert turn.result().text == "second" and turn.state == "done"
    report(f"chat.follow, replay held back {stall:g} s between two turns: the last turn after {took:.2f} s")
    assert took >= stall  # it waited for the rest of the replay, not for the silence to end it


@pytest.mark.parametrize("stall", [0.3, 1.2])
def test_a_replay_held_back_before_a_running_turn_joins_the_running_turn(stall: float) -> None:
    # The session's turn runs on: its next events reach the live subscription, whose first id bounds the replay.
    live = Script([meta("live"), delta(6, "ond"), done(7, "second", "b"), HOLD])
    buffer = Script([meta(), *FIRST, stall, run_start(4, "b"), delta(5, "sec"), HOLD])
    # The stream that goes on after the replay: the last events read again (to check them), then the rest.
    rest = Script([meta("go-on"), done(3, "first", "a"), run_start(4, "b"), delta(5, "sec"), delta(6, "ond"),
                   done(7, "second", "b"), HOLD])
    with SSEServer([live, buffer, rest], on_post=_conversation("first", None)) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        turn = client.chat.follow("s1")
        assert "".join(turn.text_stream) == "second"
        assert turn.result().done["traceId"] == "t-b"  # type: ignore[index]


def test_a_replay_held_back_before_its_first_event_never_yields_a_wrong_turn() -> None:
    buffer = Script([meta(), 0.5, *FIRST, *SECOND, HOLD])
    with SSEServer([IDLE, buffer], on_post=_conversation("first", "second")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        assert client.chat.follow("s1").result().text == "second"


def test_a_buffer_holding_one_turn_of_a_longer_session_is_read_to_a_pause() -> None:
    # The record agrees with the one turn read but cannot single it out (nothing before it to compare).
    buffer = Script([meta(), *SECOND, HOLD])
    with SSEServer([IDLE, buffer], on_post=_conversation("first", "second")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        started = time.monotonic()
        assert client.chat.follow("s1").result().text == "second"
        assert time.monotonic() - started >= UNSURE_QUIET


def test_the_same_reply_twice_is_not_taken_for_the_end_of_a_held_back_replay() -> None:
    same = [run_start(4, "b"), delta(5, "ok"), done(6, "ok", "b")]
    buffer = Script([meta(), run_start(1, "a"), delta(2, "ok"), done(3, "ok", "a"), 0.6, *same, HOLD])
    with SSEServer([IDLE, buffer], on_post=_conversation("ok", "ok")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        turn = client.chat.follow("s1")
        assert turn.result().done["traceId"] == "t-b"  # type: ignore[index]


def test_a_replay_that_never_shows_its_end_raises_instead_of_guessing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ethos_sdk._last_turn.FIND_WITHIN", 1.0)
    # The saved conversation ends with a turn the buffer never shows: the rest of the replay is held back.
    buffer = Script([meta(), *FIRST, HOLD])
    with SSEServer([IDLE, buffer, IDLE, buffer], on_post=_conversation("first", "second")) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with pytest.raises(StreamError, match="could not tell which turn is the session's last"):
            client.chat.follow("s1")
        with pytest.raises(APITimeoutError, match="did not end within 0.5 s"):
            client.chat.follow("s1", timeout=0.5)


def test_a_followed_turn_continues_where_the_buffer_ended(client: EthosClient) -> None:
    live = Script([meta("live"), delta(9, "two"), HOLD])
    buffer = Script([meta(), run_start(7, "c"), delta(8, "one "), HOLD])
    # The server replays what it still holds after the id asked for: the two events read, then the rest.
    rest = Script([meta("req-2"), run_start(7, "c"), delta(8, "one "), delta(9, "two"), done(10, "one two", "c"), HOLD])
    with SSEServer([live, buffer, rest], on_post=_conversation(None)) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with client.chat.follow("s1") as turn:
            assert "".join(turn.text_stream) == "one two"
        streams = [r for r in sse.requests if r.method == "GET"]
        # Resumed with the events already read asked for again, to check them: a restart in between shows.
        assert [r.header("Last-Event-ID") for r in streams] == [LIVE_LAST_EVENT_ID, None, "6"]


def test_leaving_a_followed_turn_stops_it_unless_detached(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    published = start_turn(client, session_id, 1)
    with client.chat.follow(session_id, detach=True) as watching:
        next(watching)
    assert watching.state == "detached"
    before = _aborts(server)
    with client.chat.follow(session_id) as turn:
        for event in turn:
            if event["type"] == "text_delta":
                break
    assert _aborts(server) == before + 1
    last = published.turn()[-1]
    assert last["type"] == "done" and len(last["text"]) < len(REPLY)  # stopped part-way


def test_a_followed_turn_that_times_out_is_stopped(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    published = start_turn(client, session_id, 1)
    before = _aborts(server)
    with pytest.raises(APITimeoutError, match="stopped with client.chat.abort"):
        client.chat.follow(session_id, timeout=0.6).result()
    assert _aborts(server) == before + 1
    assert published.turn()[-1]["type"] == "done"


def test_follow_answers_a_parked_approval_with_its_policy(client: EthosClient, session_id: str) -> None:
    published = Published(client, session_id)
    client.chat.send(drop("follow"), session_id=session_id)
    while not any(e["type"] == "tool.approval_required" for e in published.events):
        assert not published.ended.wait(0.05), "the turn ended without asking for approval"
    result = client.chat.follow(session_id, on_approval="deny").result()
    assert [(a.tool_name, a.decision, a.decided_by) for a in result.approvals] == [("terminal", "deny", "policy")]
    assert published.turn()[-1]["type"] == "done"


def test_follow_keeps_every_event_once_across_dropped_connections(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    published = start_turn(client, session_id, 2)
    server.faults.drop_stream_after(3, streams=2)
    turn = client.chat.follow(session_id)
    seen = list(turn)
    assert seen == published.turn()
    assert turn.result().text == REPLY


def test_a_server_restart_while_following_ends_in_stream_error(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    start_turn(client, session_id, 1)
    turn = client.chat.follow(session_id, timeout=30)
    next(turn)
    server.faults.restart()
    with pytest.raises(StreamError, match=r"restarted while turn \(joined\)"):
        turn.result()
    assert turn.state == "lost"
