"""Leaving a turn stops it; detaching leaves it running (issue 19, item 1).

The user's side, in five lines::

    with client.chat.stream("Write a long report", session_id=sid) as turn:
        for text in turn.text_stream:
            print(text, end="", flush=True)
    # Ctrl-C, an exception or a break in there stops the turn on the server;
    # turn.detach() (or detach=True) leaves it running.

Each test watches the server's side: the session's own event stream, where an
aborted turn ends with a ``done`` that holds only the text produced so far, and
the local server's count of ``chat.abort`` calls.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import pytest

from ethos_sdk import ApprovalRequired, EthosClient, EventStream, TurnStream
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.events import StreamEvent

from .conftest import FAKE_KEY, ROOT
from .sse_server import HOLD, Received, Script, SSEServer, delta, frame, meta
from .test_stream_turn import run_start

WORDS = " ".join(f"w{i}" for i in range(24))
PROMPT = f"SLOW please answer {WORDS}"
"""A reply of about 33 words at 0.3 s each: some 10 s unless it is stopped."""
FULL_REPLY = f"Hello from the fake LLM. You said: {PROMPT}"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(slow_word_delay=0.3) as running:
        yield running


@pytest.fixture
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=10) as c:
        yield c


@pytest.fixture
def session_id(client: EthosClient) -> str:
    return client.chat.ask("Hello, a session to work in").session_id


def _aborts(server: LocalEthosServer) -> int:
    return server.request_counts.get("chat.abort", 0)


class Watcher:
    """The session's events as the server publishes them, read in a thread of the test."""

    def __init__(self, client: EthosClient, session_id: str) -> None:
        self.stream = EventStream(client, session_id, since="live", check_session=False).wait_ready()
        self.events: List[Tuple[float, StreamEvent]] = []
        self.ended = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for event in self.stream:
                self.events.append((time.monotonic(), event))
                if event["type"] in ("done", "error"):
                    self.ended.set()
                    return
        except Exception:  # closed by the test
            pass

    def end(self, timeout: float) -> Tuple[float, StreamEvent]:
        """When the turn ended on the server, and its last event (fails after ``timeout`` s)."""
        assert self.ended.wait(timeout), f"the turn did not end on the server within {timeout} s"
        self.stream.close()
        return self.events[-1]


def _watch(client: EthosClient, session_id: str) -> Watcher:
    return Watcher(client, session_id)


# -- Ctrl-C in another process ------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from ethos_sdk import EthosClient

    base_url, api_key, origin, session_id, prompt = sys.argv[1:6]
    client = EthosClient(base_url, api_key=api_key, origin=origin)
    with client.chat.stream(prompt, session_id=session_id) as turn:
        for event in turn:
            print(event["type"], flush=True)
    print("the with block ended without an interrupt", flush=True)
    """
)


def _child(args: List[str], tmp_path: Path, log: str = "info") -> "subprocess.Popen[str]":
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, ETHOS_LOG=log, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for_line(child: "subprocess.Popen[str]", wanted: str, timeout: float = 15.0) -> None:
    """Read the child's output until a line is ``wanted`` (the child is then inside the with block)."""
    assert child.stdout is not None
    found = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == wanted:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(timeout), f"the child never printed {wanted!r}"


def test_ctrl_c_in_a_child_process_stops_the_turn_on_the_server(
    server: LocalEthosServer, client: EthosClient, session_id: str, tmp_path: Path
) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)
    child = _child([server.base_url, server.api_key, server.origin, session_id, PROMPT], tmp_path)
    try:
        _wait_for_line(child, "text_delta")
        interrupted = time.monotonic()
        child.send_signal(signal.SIGINT)
        ended_at, last = watcher.end(timeout=5)
        _, stderr = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert ended_at - interrupted < 2.0  # the turn would have run ~10 s more
    assert last["type"] == "done" and FULL_REPLY.startswith(last["text"]) and last["text"] != FULL_REPLY
    assert _aborts(server) == before + 1  # once
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr  # the interrupt is not swallowed
    assert "stopped it with chat.abort" in stderr and "interrupted (KeyboardInterrupt)" in stderr  # logged
    assert server.api_key not in stderr


def test_second_ctrl_c_during_the_abort_is_honoured_at_once(tmp_path: Path) -> None:
    abort_arrived = threading.Event()

    def on_post(request: Received, body: bytes) -> Tuple[str, bytes]:
        if request.path == "/rpc/chat/abort":
            abort_arrived.set()
            time.sleep(4)  # a server that takes its time: longer than the abort's own bound
            return "200 OK", b'{"json":{"ok":true}}'
        return "200 OK", json.dumps({"json": {"sessionId": "sess-1", "turnId": "turn-1"}}).encode()

    with SSEServer([Script([meta(), run_start(1), delta(2, "slow "), HOLD])], on_post=on_post) as sse:
        child = _child([sse.url, FAKE_KEY, "http://localhost", "sess-1", "x"], tmp_path)
        try:
            _wait_for_line(child, "text_delta")
            child.send_signal(signal.SIGINT)
            assert abort_arrived.wait(5), "the first Ctrl-C did not call chat.abort"
            second = time.monotonic()
            child.send_signal(signal.SIGINT)
            child.communicate(timeout=10)
            gone = time.monotonic() - second
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert child.returncode != 0
    assert gone < 1.5  # not the 2 s the abort may take, let alone the server's 4 s


# -- leaving in the same process ------------------------------------------------------------


def test_an_exception_inside_the_block_stops_the_turn_and_is_raised_unchanged(
    server: LocalEthosServer, client: EthosClient, session_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)
    mine = ValueError("my own bug")
    with caplog.at_level(logging.INFO, logger="ethos_sdk"):
        with pytest.raises(ValueError) as info:
            with client.chat.stream(PROMPT, session_id=session_id) as turn:
                for event in turn:
                    if event["type"] == "text_delta":
                        left = time.monotonic()
                        raise mine
    ended_at, last = watcher.end(timeout=5)
    assert info.value is mine and info.value.__context__ is None  # nothing chained onto it
    assert ended_at - left < 2.0 and last["type"] == "done" and last["text"] != FULL_REPLY
    assert _aborts(server) == before + 1
    assert turn.state == "closed" and turn.final is None
    assert any("ValueError raised" in r.getMessage() and "chat.abort" in r.getMessage() for r in caplog.records)


def test_break_and_close_stop_the_turn_once(server: LocalEthosServer, client: EthosClient, session_id: str) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)
    with client.chat.stream(PROMPT, session_id=session_id) as turn:
        for event in turn:
            if event["type"] == "text_delta":
                break
        turn.close()  # and again on leaving the block: still one abort
    _, last = watcher.end(timeout=5)
    assert last["type"] == "done" and last["text"] != FULL_REPLY
    assert _aborts(server) == before + 1


def test_an_error_in_on_event_inside_ask_stops_the_turn(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)

    def on_event(event: StreamEvent) -> None:
        if event["type"] == "text_delta":
            raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        client.chat.ask(PROMPT, session_id=session_id, on_event=on_event)
    _, last = watcher.end(timeout=5)
    assert last["type"] == "done" and last["text"] != FULL_REPLY
    assert _aborts(server) == before + 1


def test_a_turn_that_ended_is_not_aborted(server: LocalEthosServer, client: EthosClient) -> None:
    before = _aborts(server)
    with client.chat.stream("Hello to the end") as turn:
        for _ in turn:
            pass
    with pytest.raises(KeyError):
        with client.chat.stream("Hello again") as other:
            other.result()
            raise KeyError("after the end")
    assert turn.state == other.state == "done"
    assert _aborts(server) == before


def test_detach_leaves_the_turn_running_to_its_end(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)
    prompt = "SLOW short one"
    with client.chat.stream(prompt, session_id=session_id) as turn:
        assert next(turn)["type"] == "run_start"
        turn.detach()
    _, last = watcher.end(timeout=10)
    assert last["type"] == "done" and last["text"] == f"Hello from the fake LLM. You said: {prompt}"
    assert _aborts(server) == before
    assert turn.state == "detached" and turn.detached
    with pytest.raises(Exception, match="detached.*client.chat.follow"):
        turn.result()


def test_detach_true_leaves_the_turn_running_whatever_ends_the_block(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    watcher = _watch(client, session_id)
    before = _aborts(server)
    prompt = "SLOW short two"
    with pytest.raises(ZeroDivisionError):
        with client.chat.stream(prompt, session_id=session_id, detach=True) as turn:
            next(turn)
            1 / 0
    _, last = watcher.end(timeout=10)
    assert last["type"] == "done" and last["text"].endswith(prompt)
    assert _aborts(server) == before and turn.state == "detached"


def test_a_pause_hands_the_live_turn_over_without_stopping_it(
    server: LocalEthosServer, client: EthosClient, session_id: str
) -> None:
    before = _aborts(server)
    turn: Optional[TurnStream] = None
    with pytest.raises(ApprovalRequired) as info:
        with client.chat.stream("SLOW short three", session_id=session_id) as turn:
            next(turn)
            raise ApprovalRequired("a tool call waits for approval", request={"approvalId": "a1"}, turn=turn)
    assert info.value.turn is turn and turn.state == "running"  # neither stopped nor closed
    assert _aborts(server) == before
    assert turn.result().text.endswith("SLOW short three")  # the caller runs it to its end


# -- a pending approval is denied before the abort ------------------------------------------

APPROVAL = {
    "type": "tool.approval_required",
    "request": {
        "approvalId": "appr-1", "sessionId": "sess-1", "toolCallId": "c1", "toolName": "terminal",
        "args": {"command": "echo drop table x"}, "reason": "hardline guard",
    },
}


class Recorder:
    """chat.send, tools.deny and chat.abort as a loopback server sees them, in order."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Any]] = []

    def __call__(self, request: Received, body: bytes) -> Tuple[str, bytes]:
        self.calls.append((request.path, json.loads(body)["json"]))
        if request.path == "/rpc/chat/send":
            return "200 OK", json.dumps({"json": {"sessionId": "sess-1", "turnId": "turn-1"}}).encode()
        return "200 OK", b'{"json":{"ok":true}}'


def test_leaving_a_turn_parked_on_an_approval_denies_it_then_aborts() -> None:
    recorder = Recorder()
    parked = Script([meta(), run_start(1), frame(2, json.dumps(APPROVAL)), HOLD])
    with SSEServer([parked], on_post=recorder) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY, client_id="me")
        with pytest.raises(KeyboardInterrupt):
            with client.chat.stream("x") as turn:
                for event in turn:
                    if event["type"] == "tool.approval_required":
                        raise KeyboardInterrupt  # what Ctrl-C does here
    paths = [path for path, _ in recorder.calls]
    assert paths == ["/rpc/chat/send", "/rpc/tools/deny", "/rpc/chat/abort"]
    deny = recorder.calls[1][1]
    assert deny["approvalId"] == "appr-1" and deny["clientId"] == "me" and "KeyboardInterrupt" in deny["reason"]
    assert recorder.calls[2][1] == {"sessionId": "sess-1"}


def test_an_answered_approval_is_not_denied() -> None:
    recorder = Recorder()
    resolved = {"type": "approval.resolved", "approvalId": "appr-1", "decision": "allow", "decidedBy": "web"}
    script = Script([meta(), run_start(1), frame(2, json.dumps(APPROVAL)), frame(3, json.dumps(resolved)),
                     delta(4, "go"), HOLD])
    with SSEServer([script], on_post=recorder) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY, client_id="me")
        with client.chat.stream("x") as turn:
            for event in turn:
                if event["type"] == "text_delta":
                    break
    assert [path for path, _ in recorder.calls] == ["/rpc/chat/send", "/rpc/chat/abort"]


def test_a_failed_abort_is_logged_and_never_hides_the_reason_for_leaving(caplog: pytest.LogCaptureFixture) -> None:
    def refuse(request: Received, body: bytes) -> Tuple[str, bytes]:
        if request.path == "/rpc/chat/send":
            return "200 OK", json.dumps({"json": {"sessionId": "sess-1", "turnId": "turn-1"}}).encode()
        return "403 Forbidden", json.dumps(
            {"json": {"defined": False, "code": "FORBIDDEN", "status": 403, "message": "missing scope chat:send"}}
        ).encode()

    with SSEServer([Script([meta(), run_start(1), delta(2, "a"), HOLD])], on_post=refuse) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with caplog.at_level(logging.WARNING, logger="ethos_sdk"):
            with pytest.raises(LookupError, match="mine"):
                with client.chat.stream("x") as turn:
                    next(turn)
                    raise LookupError("mine")
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "chat.abort failed" in warning and "may still be running" in warning
    assert FAKE_KEY not in warning
