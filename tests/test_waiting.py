"""Waiting for long work: ``goals.wait``, ``batch.wait``, ``eval.wait``, ``tasks.wait``.

The shared loop (``ethos_sdk._waiting``) is checked on scripted reads (each
change reported once, the pacing, the timeout, Ctrl-C in a child process);
each namespace's ``wait`` against ``LocalEthosServer``, whose goals, runs and
tasks move through their statuses to a final one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from ethos_sdk import (
    APITimeoutError,
    BadRequestError,
    ConfigurationError,
    EthosClient,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
    WaitTimeoutError,
)
from ethos_sdk._waiting import wait_until_final
from ethos_sdk.namespaces.batch import Batch
from ethos_sdk.namespaces.eval import Eval
from ethos_sdk.namespaces.goals import Goals
from ethos_sdk.namespaces.tasks import Tasks
from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import RawServer, Request, reset, response_bytes
from .conftest import FAKE_KEY, ROOT, report


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(
        goal_poll_interval=0.02, goal_step_delay=0.02, slow_goal_step_delay=5, work_step_delay=0.02,
        slow_work_step_delay=5,
    ) as local:
        yield local


@pytest.fixture
def cookie(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client("cookie", timeout=10) as client:
        yield client


def _changes(seen: List[Any]) -> None:
    """Each object handed to on_progress differs from the one before (a change is reported once)."""
    assert all(a != b for a, b in zip(seen, seen[1:])), seen


# ------------------------------------------------------------- the shared loop

NOWHERE = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
"""The client a scripted read is given, and never uses."""


def _script(states: List[str]) -> Any:
    reads = iter(states)
    last: List[str] = []

    def fetch(client: EthosClient) -> Dict[str, str]:
        last[:] = [next(reads, last[0] if last else "running")]
        return {"status": last[0]}

    return fetch


def _wait(fetch: Any, final: Any, **options: Any) -> Any:
    options.setdefault("what", "x")
    return wait_until_final(NOWHERE, fetch, ("status",), final, procedure="x.get", **options)


def test_each_change_is_reported_once_and_the_final_object_returned() -> None:
    seen: List[Dict[str, str]] = []
    result = _wait(
        _script(["pending", "pending", "running", "running", "running", "completed"]), {"completed", "failed"},
        what="run r1", timeout=5, on_progress=seen.append, min_interval=0.001,
    )
    assert result == {"status": "completed"}
    assert [s["status"] for s in seen] == ["pending", "running", "completed"]


def test_pauses_grow_while_nothing_changes_and_start_short_again(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: List[float] = []
    monkeypatch.setattr(
        "ethos_sdk._waiting._sleep",
        lambda until, wake, not_before=0.0: pauses.append(round(until - time.monotonic(), 1)),
    )
    _wait(
        _script(["a", "a", "a", "a", "a", "b", "b", "done"]), {"done"},
        timeout=None, min_interval=1.0, growth=2.0, longest_pause=4.0,
    )
    assert pauses == [1.0, 2.0, 4.0, 4.0, 4.0, 1.0, 2.0]


def test_the_timeout_names_the_last_status() -> None:
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as timed_out:
        _wait(_script(["running"]), {"completed"}, what="batch run r1", timeout=0.2)
    assert time.monotonic() - started < 2
    error = timed_out.value
    assert isinstance(error, APITimeoutError)  # an except APITimeoutError catches it too
    assert error.last_status == "running" and error.last == {"status": "running"}
    assert "batch run r1 is still 'running' after 0.2 s" in str(error)
    assert "'completed'" in str(error)  # and says what it was waiting for


@pytest.mark.parametrize("timeout", [0, -1, (1, 2), "10", float("nan")])
def test_a_bad_timeout_is_refused_before_reading(timeout: Any) -> None:
    reads: List[int] = []
    with pytest.raises(ConfigurationError):
        _wait(lambda client: reads.append(1), {"x"}, timeout=timeout)
    assert reads == []


def test_on_progress_must_be_callable() -> None:
    with pytest.raises(ConfigurationError, match="on_progress"):
        _wait(lambda client: {}, {"x"}, timeout=1, on_progress="print")


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({}, "the answer has no 'status'"),
        ({"status": None}, "the answer has 'status' of type null, not string"),
        ([], "the answer is of type array, not an object with 'status'"),
    ],
)
def test_an_answer_without_a_readable_status_is_an_unexpected_response(answer: Any, problem: str) -> None:
    with pytest.raises(UnexpectedResponseError, match=f"x.get answered, but {problem}"):
        _wait(lambda client: answer, {"done"}, timeout=5)


_CTRL_C_CHILD = """
import sys
from ethos_sdk.testing import LocalEthosServer
with LocalEthosServer(goal_step_delay=60, goal_poll_interval=60, work_step_delay=60) as server:
    client = server.client("cookie")
    if sys.argv[1] == "goal":
        goal = client.goals.create("researcher", "never ends")["goal"]
        wait = lambda: client.goals.wait(goal["id"])
    else:
        from ethos_sdk._waiting import wait_until_final
        run = client.batch.start('{"id": "t1", "prompt": "never ends"}')["run"]
        wait = lambda: wait_until_final(client, lambda c: c.batch.get(run["id"]), ("run", "status"), {"completed"},
                                        procedure="batch.get", what="run", timeout=None, min_interval=30)
    print("waiting", flush=True)
    try:
        wait()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        raise
"""


@pytest.mark.skipif(os.name != "posix", reason="sends a real SIGINT, which needs POSIX signals")
@pytest.mark.parametrize("kind", ["poll", "goal"])
def test_ctrl_c_interrupts_a_wait_at_once(kind: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CTRL_C_CHILD), kind],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "waiting"
        time.sleep(0.5)  # inside a pause (a 30 s one, for "poll")
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert "interrupted" in out, err
    assert "KeyboardInterrupt" in err
    assert took < 2.0, f"the wait took {took:.2f} s to stop after Ctrl-C"


# ------------------------------------------------------------ each namespace


def test_final_statuses_are_statuses_the_contract_knows(contract: Dict[str, Any]) -> None:
    procedures = contract["procedures"]

    def enum(schema: Dict[str, Any], *path: str) -> set[str]:
        for key in path:
            schema = schema["properties"][key]
        return set(schema["enum"])

    goal = enum(procedures["goals.get"]["output"], "goal", "status")
    batch = enum(procedures["batch.get"]["output"], "run", "status")
    evaluation = enum(procedures["eval.get"]["output"], "run", "status")
    task = enum(procedures["tasks.get"]["output"]["anyOf"][0], "status")
    assert Goals.FINAL_STATUSES < Goals.WAIT_STATUSES < goal and "running" not in Goals.WAIT_STATUSES
    assert Batch.FINAL_STATUSES == {"completed", "failed"} < batch
    assert Eval.FINAL_STATUSES == {"completed", "failed"} < evaluation
    assert Tasks.FINAL_STATUSES < task and not {"queued", "running", "blocked"} & Tasks.FINAL_STATUSES


def test_goal_wait_returns_the_ended_goal_and_reports_each_change(cookie: EthosClient) -> None:
    goal = cookie.goals.create("researcher", "Write a two word greeting")["goal"]
    seen: List[Any] = []
    detail = cookie.goals.wait(goal["id"], timeout=10, on_progress=seen.append)
    assert detail["goal"]["status"] == "completed" and detail["goal"]["outputMd"]
    assert detail == cookie.goals.get(goal["id"]) and seen[-1] == detail
    _changes(seen)
    statuses = [d["goal"]["status"] for d in seen]
    # Reads are 0.5 s apart at least: this goal's steps (20 ms each) are seen together.
    assert statuses[0] == "running" and statuses[-1] == "completed"
    # each new event of the goal was a change the callback heard about, in order
    assert [len(d["events"]) for d in seen] == sorted(len(d["events"]) for d in seen)


def test_goal_wait_returns_a_failed_goal(cookie: EthosClient) -> None:
    goal = cookie.goals.create("researcher", "FAIL on purpose")["goal"]
    assert cookie.goals.wait(goal["id"], timeout=10)["goal"]["status"] == "failed"


def test_goal_wait_times_out_naming_the_status_and_the_goal_goes_on(cookie: EthosClient) -> None:
    goal = cookie.goals.create("researcher", "SLOW and steady")["goal"]
    with pytest.raises(WaitTimeoutError) as timed_out:
        cookie.goals.wait(goal["id"], timeout=0.3)
    assert timed_out.value.last_status == "running"
    assert f"goal {goal['id']} is still 'running'" in str(timed_out.value)
    assert timed_out.value.last["goal"]["id"] == goal["id"]
    assert cookie.goals.cancel(goal["id"]) == {"ok": True}  # it was still running on the server
    assert cookie.goals.wait(goal["id"], timeout=5)["goal"]["status"] == "cancelled"


def test_goal_wait_errors(server: LocalEthosServer, cookie: EthosClient) -> None:
    with pytest.raises(NotFoundError):
        cookie.goals.wait("g_0000000000000000", timeout=5)
    with server.client(timeout=5) as key, pytest.raises(PermissionDeniedError):
        key.goals.wait("g_0000000000000000", timeout=5)


def test_batch_wait_returns_the_finished_run_with_its_counts(cookie: EthosClient) -> None:
    lines = "\n".join(f'{{"id": "t{i}", "prompt": "question {i}"}}' for i in range(4))
    run = cookie.batch.start(lines + '\n{"id": "bad", "prompt": "FAIL this one"}')["run"]
    assert run["status"] == "running"
    seen: List[Any] = []
    result = cookie.batch.wait(run["id"], timeout=10, on_progress=seen.append)
    assert result["run"]["status"] == "completed"
    assert (result["run"]["completed"], result["run"]["failed"], result["run"]["total"]) == (4, 1, 5)
    assert result["run"]["finishedAt"] is not None and seen[-1] == result
    _changes(seen)
    done = [r["run"]["completed"] + r["run"]["failed"] for r in seen]
    assert done == sorted(done)
    output = cookie.batch.output(run["id"])["content"].splitlines()
    assert len(output) == 5 and "question 0" in output[0]


_WAIT_IN_A_FRESH_PROCESS = """
import json, sys
sys.path.insert(0, sys.argv[1])
from ethos_sdk import EthosClient
client = EthosClient(sys.argv[2], cookie=sys.argv[3])
run = client.batch.start('{"id": "a", "prompt": "hi"}')["run"]
before = set(sys.modules)
assert client.batch.wait(run["id"], timeout=10)["run"]["status"] == "completed"
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_a_wait_loads_neither_the_event_stream_nor_the_turn_machinery(server: LocalEthosServer) -> None:
    """A script that waits for a batch run pays for the wait, not for sseclient and the chat helpers."""
    done = subprocess.run(
        [sys.executable, "-c", _WAIT_IN_A_FRESH_PROCESS, str(ROOT), server.base_url, server.web_token],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    added = set(json.loads(done.stdout))
    assert "ethos_sdk._waiting" in added
    assert added & {"sseclient", "ethos_sdk.stream", "ethos_sdk._turn", "ethos_sdk.namespaces.chat"} == set()


def test_batch_wait_returns_a_failed_run(cookie: EthosClient) -> None:
    run = cookie.batch.start('{"id": "a", "prompt": "FAIL"}')["run"]
    assert cookie.batch.wait(run["id"], timeout=10)["run"]["status"] == "failed"


def test_batch_wait_times_out_naming_the_status(cookie: EthosClient) -> None:
    run = cookie.batch.start('{"id": "a", "prompt": "SLOW"}')["run"]
    with pytest.raises(WaitTimeoutError, match=r"batch run \S+ is still 'running'") as timed_out:
        cookie.batch.wait(run["id"], timeout=0.2)
    assert timed_out.value.last_status == "running"


def test_batch_wait_for_an_unknown_run(cookie: EthosClient) -> None:
    with pytest.raises(BadRequestError, match="not found"):
        cookie.batch.wait("no-such-run", timeout=5)


def test_eval_wait_returns_the_scored_run(cookie: EthosClient) -> None:
    tasks = '{"id": "a", "prompt": "blue"}\n{"id": "b", "prompt": "green"}'
    expected = '{"id": "a", "expected": "You said: blue"}\n{"id": "b", "expected": "red"}'
    run = cookie.eval.start(tasks, expected, scorer="contains")["run"]
    seen: List[Any] = []
    result = cookie.eval.wait(run["id"], timeout=10, on_progress=seen.append)["run"]
    assert result["status"] == "completed"
    assert (result["passed"], result["failed"], result["avgScore"]) == (1, 1, 0.5)
    _changes(seen)


def test_eval_wait_times_out_naming_the_status(cookie: EthosClient) -> None:
    run = cookie.eval.start('{"id": "a", "prompt": "SLOW"}', '{"id": "a", "expected": "x"}')["run"]
    with pytest.raises(WaitTimeoutError, match="still 'running'"):
        cookie.eval.wait(run["id"], timeout=0.2)


def test_task_wait_returns_the_finished_task(server: LocalEthosServer, cookie: EthosClient) -> None:
    task_id = server.start_task("Summarise the report", label="summary")
    seen: List[Any] = []
    task = cookie.tasks.wait(task_id, timeout=10, on_progress=seen.append)
    assert task["status"] == "done" and task["summary"] == "Hello from the fake LLM. You said: Summarise the report"
    assert [e["eventType"] for e in task["events"]][-1] == "done"
    assert seen[0]["status"] in ("queued", "running") and seen[-1] == task
    _changes(seen)


def test_task_wait_returns_a_failed_task(server: LocalEthosServer, cookie: EthosClient) -> None:
    task = cookie.tasks.wait(server.start_task("FAIL now"), timeout=10)
    assert task["status"] == "failed" and task["error"]


def test_a_task_cancelled_while_waited_for_ends_aborted(server: LocalEthosServer, cookie: EthosClient) -> None:
    task_id = server.start_task("SLOW work")

    def cancel_once(task: Any) -> None:
        if task["status"] == "queued":
            assert cookie.tasks.cancel(task_id) == {"ok": True}

    task = cookie.tasks.wait(task_id, timeout=10, on_progress=cancel_once)
    assert task["status"] == "aborted"


def test_task_wait_times_out_and_unknown_tasks_are_not_found(server: LocalEthosServer, cookie: EthosClient) -> None:
    with pytest.raises(WaitTimeoutError, match="still 'queued'") as timed_out:
        cookie.tasks.wait(server.start_task("SLOW"), timeout=0.2)
    assert timed_out.value.last_status == "queued"
    with pytest.raises(NotFoundError, match="no task"):
        cookie.tasks.wait("00000000-0000-0000-0000-000000000000", timeout=5)


def test_tasks_of_a_session_are_listed_by_its_key(server: LocalEthosServer, cookie: EthosClient) -> None:
    session_id = cookie.chat.send("hello")["sessionId"]
    key = cookie.sessions.get(session_id)["session"]["key"]
    task_id = server.start_task("background job", session_id=session_id)
    assert [t["id"] for t in cookie.tasks.list(root_session_key=key)] == [task_id]
    assert cookie.tasks.list() == []  # the server lists nothing without a root session key


# ------------------------------------------------- one deadline, paced reads


WAITS: Dict[str, Callable[[EthosClient, float], Any]] = {
    "goals": lambda client, timeout: client.goals.wait("g_0000000000000001", timeout=timeout),
    "batch": lambda client, timeout: client.batch.wait("run-1", timeout=timeout),
    "eval": lambda client, timeout: client.eval.wait("run-1", timeout=timeout),
    "tasks": lambda client, timeout: client.tasks.wait("task-1", timeout=timeout),
}
RUNNING: Dict[str, Any] = {
    "goals": {"goal": {"id": "g_0000000000000001", "status": "running"}, "events": [], "attempts": []},
    "batch": {"run": {"id": "run-1", "status": "running"}},
    "eval": {"run": {"id": "run-1", "status": "running"}},
    "tasks": {"id": "task-1", "status": "running"},
}


def _answer(conn: socket.socket, payload: Any, status: str = "200 OK", extra: Tuple[Tuple[str, str], ...] = ()) -> None:
    conn.sendall(response_bytes(status, json.dumps({"json": payload}).encode(), extra=extra))


def _twenty_second_reads(conn: socket.socket, request: Request, server: RawServer) -> None:
    if not server.stopping.wait(20):  # released when the test ends
        _answer(conn, RUNNING["batch"])


def _rate_limited(conn: socket.socket, request: Request, server: RawServer) -> None:
    body = b'{"ok":false,"code":"TOO_MANY_REQUESTS","error":"Slow down","action":"Wait 30 s"}'
    conn.sendall(response_bytes("429 Too Many Requests", body, extra=(("Retry-After", "30"),)))


@pytest.mark.parametrize(
    ("kind", "behaviour", "failure"),
    [
        ("goals", _twenty_second_reads, "did not finish within the time left"),
        ("batch", _twenty_second_reads, "did not finish within the time left"),
        ("eval", _rate_limited, "429"),
        ("tasks", _rate_limited, "429"),
    ],
)
def test_a_wait_ends_at_its_timeout_whatever_its_reads_do(kind: str, behaviour: Any, failure: str) -> None:
    with RawServer(behaviour) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, timeout=60)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as timed_out:
            WAITS[kind](client, 2)
        took = time.monotonic() - started
    what = "every read taking 20 s" if behaviour is _twenty_second_reads else "429 with Retry-After: 30"
    report(f"{kind}.wait(timeout=2) against {what}: WaitTimeoutError after {took:.2f} s")
    assert took < 3.0, f"{took:.2f} s"
    error = timed_out.value
    assert error.last_status is None and "no read of its status succeeded after 2 s" in str(error)
    assert failure in str(error)  # the last failure is named


def test_a_burst_of_failures_is_waited_through() -> None:
    answers = iter(["503", "reset", "done"])

    def flaky(conn: socket.socket, request: Request, server: RawServer) -> None:
        answer = next(answers, "done")
        if answer == "503":
            conn.sendall(response_bytes("503 Service Unavailable", b"upstream restarting", content_type="text/plain"))
        elif answer == "reset":
            reset(conn)
        else:
            _answer(conn, {"id": "task-1", "status": "done", "summary": "ok"})

    with RawServer(flaky) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, timeout=10, max_retries=0)
        task = client.tasks.wait("task-1", timeout=30)
        arrivals = [r for r in server.requests if r.path == "/rpc/tasks/get"]
    assert task["status"] == "done" and len(arrivals) == 3


def test_a_chatty_goal_stream_does_not_make_more_than_two_reads_a_second() -> None:
    reads: List[float] = []
    first: List[float] = []

    def goal(conn: socket.socket, request: Request, server: RawServer) -> None:
        if request.method == "GET":  # the goal's event stream: an event every 2 ms, for as long as it is read
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            seq = 0
            while not server.stopping.is_set():
                seq += 1
                data = json.dumps({"id": seq, "goalId": "g_0000000000000001", "seq": seq, "eventType": "usage",
                                   "payload": {}, "createdAt": "2026-01-01T00:00:00Z"})
                frame = f"data: {data}\nid: {seq}\n\n".encode()
                try:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(frame), frame))
                except OSError:
                    return
                time.sleep(0.002)
            return
        now = time.monotonic()
        reads.append(now)
        first[:] = first or [now]
        # Every read differs (one more event); the goal ends after 2.5 s.
        detail = {**RUNNING["goals"], "events": [{"seq": n} for n in range(len(reads))]}
        if now - first[0] >= 2.5:
            detail["goal"] = {**detail["goal"], "status": "completed"}
        _answer(conn, detail)

    with RawServer(goal) as server:
        client = EthosClient(server.url, cookie="c" * 64, timeout=10)
        detail = client.goals.wait("g_0000000000000001", timeout=20)
    assert detail["goal"]["status"] == "completed"
    rate = (len(reads) - 1) / (reads[-1] - reads[0])
    report(f"goals.wait with a goal stream of 500 events/s and a goal changing on every read: {rate:.2f} reads/s")
    gaps = [b - a for a, b in zip(reads, reads[1:])]
    assert min(gaps) >= 0.4, gaps  # 0.5 s apart, less what a connection's set-up may shift
    assert rate <= 2.1
