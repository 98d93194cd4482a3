"""Seeing what every call and turn did: middleware, timings on results, structured log records.

Against ``LocalEthosServer``, which keeps the requests it received
(``server.received``) and, for the timing tests, whose event hub is wrapped to
note when each event was published (the server runs in this process, so both
sides read the same ``time.monotonic()``). OpenTelemetry is in ``test_otel.py``.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from ethos_sdk import APIConnectionError, ConfigurationError, EthosClient, TurnResult
from ethos_sdk.middleware import CallNext, Request, Response
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.testing._state import AgentSettings

from .conftest import report

DROP = 'USE_TOOL:terminal ARGS:{"command":"echo drop table probe"}'


@pytest.fixture()
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(word_delay=0.0) as local:
        yield local


class Recorder:
    """A middleware that notes each attempt it sees and adds a header to it."""

    def __init__(self) -> None:
        self.seen: List[Tuple[str, int, str, Any, int]] = []

    def __call__(self, request: Request, call_next: CallNext) -> Response:
        request.headers["X-Attempt"] = str(request.attempt)
        response = call_next(request)
        self.seen.append((request.name, request.attempt, request.request_id, request.input, response.status_code))
        return response


# -- middleware -----------------------------------------------------------------------------


def test_middleware_sees_each_retry_attempt_and_its_header_change_is_sent(server: LocalEthosServer) -> None:
    recorder = Recorder()
    client = server.client(middleware=[recorder], max_retries=2)
    client._transport.sleep = lambda seconds: None
    server.faults.fail_next(2, status=503)
    page = client.sessions.list(limit=1)
    assert page["items"] == []
    assert [(name, attempt, status) for name, attempt, _, _, status in recorder.seen] == [
        ("sessions.list", 1, 503), ("sessions.list", 2, 503), ("sessions.list", 3, 200),
    ]
    ids = {request_id for _, _, request_id, _, _ in recorder.seen}
    assert len(ids) == 1  # one call, one request id, three attempts
    assert all(given == {"limit": 1} for _, _, _, given, _ in recorder.seen)
    sent = [r for r in server.received if r.path == "/rpc/sessions/list"]
    assert [r.headers.get("x-attempt") for r in sent] == ["1", "2", "3"]
    assert {r.request_id for r in sent} == ids
    report("middleware: sessions.list behind two 503s passed through it 3 times, attempts 1, 2, 3, one request id")


def test_middleware_runs_for_stream_connections_and_routes_and_is_kept_by_with_options(
    server: LocalEthosServer,
) -> None:
    recorder = Recorder()
    client = server.client(auth="cookie", middleware=[recorder])
    patient = client.with_options(timeout=30)
    reply = patient.chat.ask("hello")
    patient.health()
    names = [name for name, *_ in recorder.seen]
    assert names[0] == "chat.send" and names[1] == f"GET /sse/sessions/{reply.session_id}"
    assert names[-1] == "GET /healthz"
    turn_requests = [r for r in server.received if r.path.endswith(reply.session_id) or r.path == "/rpc/chat/send"]
    assert turn_requests and all(r.headers.get("x-attempt") == "1" for r in turn_requests)


def test_a_middleware_sees_the_turn_its_requests_belong_to(server: LocalEthosServer) -> None:
    turns: List[Tuple[str, str]] = []

    def note(request: Request, call_next: CallNext) -> Response:
        response = call_next(request)
        if request.turn is not None:
            turns.append((request.name, request.turn.session_id))
        return response

    client = server.client(middleware=[note])
    reply = client.chat.ask("hello")
    client.sessions.get(reply.session_id)
    assert [name for name, _ in turns][:2] == ["chat.send", f"GET /sse/sessions/{reply.session_id}"]
    assert turns[-1][1] == reply.session_id and len(turns) == 2  # sessions.get is no part of a turn


def test_an_exception_a_middleware_raises_reaches_the_caller_as_itself_and_is_never_retried(
    server: LocalEthosServer,
) -> None:
    class Refused(Exception):
        pass

    calls: List[int] = []

    def refuse(request: Request, call_next: CallNext) -> Response:
        calls.append(request.attempt)
        raise Refused("not today")

    client = server.client(middleware=[refuse], max_retries=3)
    with pytest.raises(Refused, match="not today"):
        client.sessions.list()
    assert calls == [1]
    assert server.request_counts.get("sessions.list", 0) == 0

    def broken_pipe(request: Request, call_next: CallNext) -> Response:  # an OSError of its own: still not retried
        calls.append(request.attempt)
        raise BrokenPipeError("the middleware's own")

    calls.clear()
    with pytest.raises(BrokenPipeError):
        server.client(middleware=[broken_pipe], max_retries=3).sessions.list()
    assert calls == [1]


def test_a_connection_error_passed_on_by_middleware_is_retried() -> None:
    attempts: List[int] = []
    errors: List[str] = []

    def watch(request: Request, call_next: CallNext) -> Response:
        attempts.append(request.attempt)
        try:
            return call_next(request)
        except APIConnectionError as exc:
            errors.append(type(exc).__name__)
            raise

    with LocalEthosServer() as server:
        client = server.client(middleware=[watch], max_retries=2)
        waits: List[float] = []
        client._transport.sleep = waits.append
        server.faults.restart(down_for=30)  # every connection is closed without an answer
        with pytest.raises(APIConnectionError):
            client.sessions.list()
    assert attempts == [1, 2, 3] and errors == ["APIConnectionError"] * 3 and len(waits) == 2


def test_middleware_that_is_not_a_list_of_functions_or_returns_no_response_is_refused(
    server: LocalEthosServer,
) -> None:
    def passes(request: Request, call_next: CallNext) -> Response:
        return call_next(request)

    with pytest.raises(ConfigurationError, match=r"middleware=\[fn\]"):
        server.client(middleware=passes)
    with pytest.raises(ConfigurationError, match=r"middleware\[1\] must be a function"):
        server.client(middleware=[passes, "log"])

    def forgets(request: Request, call_next: CallNext) -> Response:
        call_next(request)
        return None  # type: ignore[return-value]

    with pytest.raises(ConfigurationError, match="returned NoneType, not a Response"):
        server.client(middleware=[forgets]).sessions.list()

    def injects(request: Request, call_next: CallNext) -> Response:
        request.headers["X-Bad"] = "one\r\nX-Evil: two"
        return call_next(request)

    with pytest.raises(ConfigurationError, match="line breaks") as caught:
        server.client(middleware=[injects]).sessions.list()
    assert "X-Evil" not in str(caught.value)
    assert all("x-evil" not in r.headers and "x-bad" not in r.headers for r in server.received)


def test_the_response_a_middleware_gets_has_status_headers_request_id_and_elapsed(server: LocalEthosServer) -> None:
    got: List[Response] = []

    def keep(request: Request, call_next: CallNext) -> Response:
        response = call_next(request)
        got.append(response)
        return response

    server.faults.delay_responses(0.05)
    server.client(middleware=[keep]).sessions.list(extra_headers={"x-request-id": "trace-42"})
    (response,) = got
    assert response.status_code == 200 and response.request_id == "trace-42"
    assert response.headers["content-type"].startswith("application/json")
    assert timedelta(seconds=0.05) <= response.elapsed < timedelta(seconds=5)
    assert "sessions.list 200" in repr(response) and "trace-42" in repr(response.request)
    assert "Authorization" in response.request.headers and "sk-ethos" not in repr(response.request)


# -- timings on results -------------------------------------------------------------------------


def _published_at(server: LocalEthosServer) -> List[Tuple[str, float]]:
    """Wrap the server's event hub: each published event's type and ``time.monotonic()``."""
    hub = server._hub
    publish = hub.publish
    noted: List[Tuple[str, float]] = []

    def noting(session_id: str, event: Dict[str, Any], generation: Any = None) -> int:
        noted.append((event["type"], time.monotonic()))
        return publish(session_id, event, generation)

    hub.publish = noting  # type: ignore[method-assign]
    return noted


def test_elapsed_and_time_to_first_token_match_the_scripted_delays_within_10_ms() -> None:
    """The scripted agent waits ``start_delay`` after ``chat.send``, then ``word_delay`` before each word.

    What the client measures must equal what happened on the server -- from the
    moment ``chat.send`` arrived to the first ``text_delta`` and to ``done``, as
    published -- plus the two loopback hops (the request's, the event's): within
    10 ms. The server's own figures are checked against the script's delays
    (never shorter). On a loaded machine a hop can stall past 10 ms now and
    then (the server's threads share this process's GIL, handed over every
    5 ms): so the turn is run up to three times and the closest is kept; every
    figure is printed.
    """
    word_delay = 0.05
    start_delay = AgentSettings().start_delay
    prompt = "time"
    words = len(f"Hello from the fake LLM. You said: {prompt}".split())
    tries: List[Tuple[float, float]] = []
    with LocalEthosServer(word_delay=word_delay) as server:
        noted = _published_at(server)
        client = server.client()
        for _ in range(3):
            noted.clear()
            reply = client.chat.ask(prompt)
            (arrived,) = [r.received_at for r in server.received if r.path == "/rpc/chat/send"][-1:]
            first = next(at for kind, at in noted if kind == "text_delta")
            done = next(at for kind, at in noted if kind == "done")
            assert reply.time_to_first_token is not None
            server_first, server_end = first - arrived, done - arrived
            assert server_first >= start_delay + word_delay - 0.001  # the script's delays, never shorter
            assert server_end >= start_delay + words * word_delay - 0.001
            off_first = reply.time_to_first_token.total_seconds() - server_first
            off_end = reply.elapsed.total_seconds() - server_end
            assert off_first >= 0 and off_end >= 0  # the client sends first and hears last: never less
            tries.append((off_first, off_end))
            if max(off_first, off_end) <= 0.010:
                break
    best = min(tries, key=max)
    assert reply.time_to_first_token is not None
    report(
        f"timings: time_to_first_token {reply.time_to_first_token.total_seconds() * 1000:.1f} ms, elapsed "
        f"{reply.elapsed.total_seconds() * 1000:.1f} ms (script: >= {(start_delay + word_delay) * 1000:.0f} and "
        f"{(start_delay + words * word_delay) * 1000:.0f} ms); over the server's own: "
        + ", ".join(f"+{a * 1000:.2f}/+{b * 1000:.2f} ms" for a, b in tries)
    )
    assert max(best) <= 0.010, f"the client's timings were off the server's by {tries} s"


def test_tool_calls_have_their_duration_and_the_time_spent_waiting_for_a_person(server: LocalEthosServer) -> None:
    def slow_person(request: Any) -> bool:
        time.sleep(0.2)
        return True

    reply = server.client().chat.ask(DROP, on_approval=slow_person)
    (call,) = reply.tool_calls
    assert call.ok and call.duration_ms is not None
    assert call.elapsed is not None and call.elapsed < timedelta(seconds=5)
    assert call.waited_for_person is not None and call.waited_for_person >= timedelta(seconds=0.2)
    assert reply.elapsed >= call.waited_for_person
    plain = server.client().chat.ask("USE_TOOL:memory_read")
    assert plain.tool_calls[0].waited_for_person is None and plain.tool_calls[0].elapsed is not None
    report(f"tool call: waited for a person {call.waited_for_person.total_seconds() * 1000:.0f} ms "
           f"(the policy slept 200), ran {call.elapsed.total_seconds() * 1000:.2f} ms as the client saw it")


def test_a_question_counts_as_waiting_for_a_person(server: LocalEthosServer) -> None:
    def slow_answer(question: Any) -> str:
        time.sleep(0.1)
        return "red"

    ask = 'USE_TOOL:clarify ARGS:{"question":"Which color?","options":["red","blue"]}'
    reply = server.client(auth="cookie").chat.ask(ask, on_question=slow_answer)
    (call,) = reply.tool_calls
    assert call.name == "clarify" and call.waited_for_person is not None
    assert call.waited_for_person >= timedelta(seconds=0.1) and call.elapsed is not None
    assert call.elapsed >= call.waited_for_person


def test_timings_leave_equality_alone_and_a_followed_turn_has_no_time_to_first_token(server: LocalEthosServer) -> None:
    client = server.client()
    reply = client.chat.ask("hello")
    assert reply == TurnResult(**{**reply.__dict__, "elapsed": timedelta(0), "time_to_first_token": None})
    followed = client.chat.follow(reply.session_id).result()
    assert followed.time_to_first_token is None and followed.elapsed >= timedelta(0)
    assert followed.text == reply.text


# -- structured log records -----------------------------------------------------------------------


def test_every_record_carries_the_ethos_fields_and_each_turn_has_one_info_line(
    server: LocalEthosServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ethos_sdk")
    client = server.client()
    reply = client.chat.ask(DROP, on_approval="approve")
    records = [r for r in caplog.records if r.name == "ethos_sdk"]
    fields = ("ethos.procedure", "ethos.status", "ethos.elapsed_ms", "ethos.request_id", "ethos.attempt",
              "ethos.session_id", "ethos.turn_id")
    assert records and all(hasattr(r, name) for r in records for name in fields)
    send = next(r for r in records if getattr(r, "ethos.procedure") == "chat.send")
    assert getattr(send, "ethos.status") == 200 and getattr(send, "ethos.attempt") == 1
    assert getattr(send, "ethos.request_id") == reply.turn_id and getattr(send, "ethos.elapsed_ms") > 0
    approve = next(r for r in records if getattr(r, "ethos.procedure") == "tools.approve")
    assert getattr(approve, "ethos.session_id") == reply.session_id
    assert getattr(approve, "ethos.turn_id") == reply.turn_id
    (line,) = [r for r in records if r.getMessage().startswith(f"turn {reply.turn_id}")]
    assert line.levelno == logging.INFO
    text = line.getMessage()
    assert " done in " in text and "1 tool call(s), 1 approval(s)" in text and "tokens" in text
    assert getattr(line, "ethos.session_id") == reply.session_id
    assert getattr(line, "ethos.elapsed_ms") == pytest.approx(reply.elapsed.total_seconds() * 1000, abs=0.01)
    assert getattr(line, "ethos.tool_calls") == 1 and getattr(line, "ethos.approvals") == 1
    assert reply.usage is not None and getattr(line, "ethos.output_tokens") == reply.usage.output_tokens
    outside = logging.getLogger("ethos_sdk").makeRecord("ethos_sdk", logging.INFO, "f", 1, "x", (), None)
    assert logging.getLogger("ethos_sdk").filter(outside)  # the logger's filters, as for every record
    assert getattr(outside, "ethos.procedure") is None  # set, and None where not known
    # A dotted name passes %-formatting, not the Formatter's check of its format string: validate=False.
    formatted = logging.Formatter("%(ethos.procedure)s %(ethos.request_id)s", validate=False).format(send)
    assert formatted == f"chat.send {reply.turn_id}"


def test_a_failed_or_left_turn_has_its_info_line_too(server: LocalEthosServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ethos_sdk")
    client = server.client()
    with pytest.raises(Exception):
        client.chat.ask("please FAIL")
    with client.chat.stream("SLOW words") as turn:
        next(turn)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("turn ")]
    assert any(" failed in " in line for line in lines)
    assert any(" closed in " in line and turn.turn_id in line for line in lines)


def test_ethos_log_info_prints_the_turn_line_without_a_secret(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = (
        "from ethos_sdk.testing import LocalEthosServer\n"
        "with LocalEthosServer() as s:\n"
        "    c = s.client()\n"
        "    print('KEY', s.api_key)\n"
        "    c.chat.ask('hello USE_TOOL:memory_read')\n"
    )
    env = {**os.environ, "ETHOS_LOG": "info", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    key = done.stdout.split("KEY ", 1)[1].split()[0]
    assert "tool call(s)" in done.stderr and "first token" in done.stderr
    assert key not in done.stderr
