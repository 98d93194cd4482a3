"""A client used before ``fork`` keeps each process's answers its own (issue 26, item 1).

The user's side::

    client = EthosClient(...)
    client.sessions.list()                      # the pool now holds open connections
    with multiprocessing.Pool(8) as pool:       # fork, Linux's default
        pool.map(work_using_client, items)      # each child: connections of its own

Without the SDK's care, every child inherits the parent's pooled sockets, and
two processes reading one socket get each other's answers (measured before the
fix: hundreds of crossed answers, BadStatusLine, 60 s hangs). Every answer
here identifies its request -- the server echoes the ``x-request-id`` sent,
and the scripted agent repeats the message -- so a crossed answer is seen.

Also here: a turn whose stream finds events missing for good raises
:class:`~ethos_sdk.StreamError` rather than returning a shorter reply.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest
import requests

from ethos_sdk import EthosClient, EventStream, StreamError, TurnStream

from .conftest import FAKE_KEY, ROOT, report
from .sse_server import CLOSE, HOLD, Script, SSEServer, delta, meta
from .test_stream_turn import Chat, done, run_start

# Forking a process that runs threads (the test's loopback servers, the client's pool) is what these tests
# are about: it is what multiprocessing's default start method does to a user's script on Linux. Python
# 3.12 and newer say so with a DeprecationWarning, which here is the scenario, not a fault of the code.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork exists on POSIX only")


class ServerProcess:
    """``python -m ethos_sdk.testing`` in a process of its own: forking the tests' process forks no server."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ethos_sdk.testing", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        assert self.process.stdout is not None
        base_url = api_key = None
        deadline = time.monotonic() + 30
        while (base_url is None or api_key is None) and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"server on (http://\S+)", line)
            base_url = found.group(1) if found else base_url
            found = re.search(r"API key .*: (sk-ethos-\S+)", line)
            api_key = found.group(1) if found else api_key
        assert base_url and api_key, "the local server did not start"
        self.base_url, self.api_key = base_url, api_key

    def client(self, **options: object) -> EthosClient:
        return EthosClient(self.base_url, api_key=self.api_key, origin=self.base_url, **options)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    running = ServerProcess()
    try:
        yield running
    finally:
        running.stop()


# -- forked workers -----------------------------------------------------------------------------

_CLIENT: Optional[EthosClient] = None  # made and used by the parent, inherited by each forked worker


def _calls_and_turns(worker: int) -> Tuple[int, int, List[str]]:
    """50 calls and turns whose answers name their request: (errors, wrong answers, what went wrong)."""
    assert _CLIENT is not None
    errors = wrong = 0
    seen: List[str] = []
    for step in range(50):
        try:
            if step % 2 == 0:
                mine = uuid.uuid4().hex
                raw = _CLIENT.sessions.with_raw_response.list(limit=1, extra_headers={"x-request-id": mine})
                if raw.request_id != mine:
                    wrong += 1
                    seen.append(f"call {step}: answer to request {raw.request_id}")
            else:
                text = f"worker {worker} (pid {os.getpid()}) turn {step}"
                reply = _CLIENT.chat.ask(text, timeout=20)
                if not reply.text.endswith(text):
                    wrong += 1
                    seen.append(f"turn {step}: {reply.text[-60:]!r}")
        except Exception as exc:  # counted, and shown if the test fails
            errors += 1
            seen.append(f"step {step}: {type(exc).__name__}: {str(exc)[:160]}")
    return errors, wrong, seen


def test_a_client_used_before_fork_answers_each_forked_worker_its_own(server: ServerProcess) -> None:
    global _CLIENT
    _CLIENT = server.client(timeout=(5, 20), max_retries=0)
    try:
        with ThreadPoolExecutor(8) as threads:  # the parent's pool now holds 8 idle keep-alive connections
            list(threads.map(lambda _: _CLIENT.sessions.list(limit=1) if _CLIENT else None, range(16)))
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(8) as workers:
            pending = workers.map_async(_calls_and_turns, range(8))
            parent = [_CLIENT.chat.ask(f"the parent, turn {i}", timeout=20).text for i in range(5)]  # meanwhile
            outcome = pending.get(timeout=120)  # a hang fails here, not in the CI's time limit
        elapsed = time.monotonic() - started
    finally:
        _CLIENT.close()
        _CLIENT = None
    errors = sum(e for e, _, _ in outcome)
    wrong = sum(w for _, w, _ in outcome)
    problems = [line for _, _, seen in outcome for line in seen]
    report(f"fork: 8 workers x 50 calls and turns on a client used before the fork: {errors} errors, "
           f"{wrong} wrong answers in {elapsed:.1f} s")
    assert (errors, wrong) == (0, 0), problems[:10]
    assert parent == [f"Hello from the fake LLM. You said: the parent, turn {i}" for i in range(5)]


def _in_a_child(work: Callable[[], int]) -> int:
    """Run ``work`` in a process made with os.fork and return its exit status (nothing else runs there)."""
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            status = work()
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_session_passed_in_gets_fresh_connections_in_the_child_and_keeps_its_own_in_the_parent(
    server: ServerProcess,
) -> None:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=4)
    session.mount("http://", adapter)
    client = server.client(session=session)
    client.sessions.list(limit=1)  # one idle connection in the user's adapter
    parents_pool = adapter.poolmanager

    def child() -> int:
        mine = uuid.uuid4().hex
        raw = client.sessions.with_raw_response.list(limit=1, extra_headers={"x-request-id": mine})
        fresh = adapter.poolmanager is not parents_pool  # the child's copy of the adapter has its own pools
        return 0 if raw.request_id == mine and fresh else 3

    assert _in_a_child(child) == 0
    assert adapter.poolmanager is parents_pool  # the parent's session is untouched
    mine = uuid.uuid4().hex
    assert client.sessions.with_raw_response.list(limit=1, extra_headers={"x-request-id": mine}).request_id == mine
    client.close()


class _Canned(requests.adapters.BaseAdapter):
    """An adapter that answers by itself, as test adapters (requests-mock...) do: it has no urllib3 pools."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body = b'{"json":{"items":[],"nextCursor":null}}'
        response = requests.Response()
        response.status_code = 200
        response.headers.update({"content-type": "application/json", "content-length": str(len(body))})
        response.raw = io.BytesIO(body)
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def test_an_adapter_without_pools_is_used_as_it_is_in_the_child_with_a_warning() -> None:
    session = requests.Session()
    session.mount("http://", _Canned())
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY, session=session)
    assert client.sessions.list(limit=1)["items"] == []

    def child() -> int:
        seen: List[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("ethos_sdk").addHandler(handler)
        answered = client.sessions.list(limit=1)["items"] == []
        warned = any("_Canned adapter of the session passed to EthosClient is not an HTTPAdapter" in m for m in seen)
        return 0 if answered and warned else 4

    assert _in_a_child(child) == 0


def test_closing_in_the_child_leaves_the_parents_connections_open(server: ServerProcess) -> None:
    client = server.client()
    session_id = client.chat.ask("a session to watch").session_id
    with client.events(session_id, since="live") as stream:
        stream.wait_ready()  # the parent reads this connection

        def child() -> int:
            stream.close()  # the parent's stream and pool, inherited: never shut down from here
            client.close()
            return 0

        assert _in_a_child(child) == 0
        reply = client.chat.ask("after the child left", session_id=session_id)
        kinds = []
        bound = threading.Timer(15, stream.close)  # a stream that lost the turn would wait for it forever
        bound.start()
        for event in stream:
            kinds.append(event["type"])
            if event["type"] == "done":
                break
        bound.cancel()
        assert stream.reconnects == 0  # the same connection carried the turn
    assert kinds and kinds[0] == "run_start" and reply.text.endswith("after the child left")
    client.close()


_HELD: List[TurnStream] = []  # the only reference to the parent's turn: the child's copy of it can be dropped


def test_a_forked_child_dropping_the_parents_turn_leaves_it_alone(server: ServerProcess) -> None:
    client = server.client(timeout=20)
    _HELD.append(client.chat.stream('USE_TOOL:terminal ARGS:{"command":"echo drop table forked"}'))
    for event in _HELD[0]:
        if event["type"] == "tool.approval_required":
            break  # parked on the approval: the parent's to answer

    def child() -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            _HELD.clear()  # the child's copy of the turn is dropped here, unfinished
            gc.collect()
        return 0

    assert _in_a_child(child) == 0
    turn = _HELD.pop()
    turn.approve()  # still pending: the child neither denied it nor aborted the turn
    assert turn.result().text == "Tool said: drop table forked"
    client.close()


# -- events lost for good -----------------------------------------------------------------------


@pytest.fixture
def chat() -> Chat:
    return Chat()


@pytest.fixture
def sse(chat: Chat) -> Iterator[SSEServer]:
    with SSEServer(on_post=chat) as running:
        yield running


def test_a_turn_whose_events_are_lost_for_good_raises_stream_error_and_is_stopped(
    sse: SSEServer, chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    sse.add(
        Script([meta(), chat.sent, run_start(42), delta(43, "Four"), CLOSE]),
        # The reconnect: the replay of 42 and 43, then 47 -- 44 to 46 left the server's buffer.
        Script([meta(), run_start(42), delta(43, "Four"), delta(47, " and more"), done(48, "Four and more"), HOLD]),
    )
    client = EthosClient(sse.url, api_key=FAKE_KEY, client_id="test-client")
    with caplog.at_level(logging.INFO, logger="ethos_sdk"), pytest.raises(StreamError) as raised:
        client.chat.ask("What is 2+2?", session_id="sess-1", timeout=10)
    message = str(raised.value)
    assert "3 event(s) of turn turn-1 on session sess-1 are missing (ids 44 to 46" in message
    assert "would be incomplete; the SDK stopped it on the server" in message
    assert [a["json"]["sessionId"] for a in chat.aborts] == ["sess-1"]  # not left running unread
    assert "3 event(s) missing between ids 43 and 47" in caplog.text
    client.close()


def test_a_plain_event_stream_goes_on_after_a_gap(sse: SSEServer) -> None:
    """client.events() is a session's whole stream, read for days: a hole is counted and logged, not raised."""
    sse.add(
        Script([meta(), delta(1, "a"), CLOSE]),
        Script([meta(), delta(1, "a"), delta(5, "e"), HOLD]),
    )
    client = EthosClient(sse.url, api_key=FAKE_KEY)
    with EventStream(client, "s", check_session=False, idle_timeout=5) as stream:
        texts = []
        for event in stream:
            texts.append(event.get("text"))
            if len(texts) == 2:
                break
    assert texts == ["a", "e"] and (stream.gaps, stream.missed_events) == (1, 3)
    client.close()

