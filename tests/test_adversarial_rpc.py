"""RPC under faults: silent servers, resets, truncated and foreign bodies, 503 storms, redirects.

Each test injects one fault with a purpose-built loopback server (or the
local server's fault injection), says what it injected and what it saw, and
adds it to the figures printed at the end of the run.
"""

from __future__ import annotations

import random
import socket
import time
from typing import Any, Iterator, List

import pytest

from ethos_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    EthosClient,
    InternalServerError,
    StreamError,
    UnexpectedResponseError,
)
from ethos_sdk.errors import EthosError
from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import FIGURES, RawServer, Request, adversarial_summary, report, reset, response_bytes
from .conftest import FAKE_KEY

__all__ = ["adversarial_summary"]

OK_PAGE = b'{"json":{"items":[],"nextCursor":null}}'


def make_client(url: str, **options: Any) -> EthosClient:
    options.setdefault("max_retries", 2)
    return EthosClient(url, api_key=FAKE_KEY, **options)


def fault(line: str, *, faults: int, calls: int) -> None:
    FIGURES.add("faults", faults)
    FIGURES.add("calls", calls)
    report(line)


# -- a server that accepts and never answers ---------------------------------------------


def test_silent_server_ends_every_rpc_in_api_timeout_error_within_the_budget() -> None:
    """Injected: a server that accepts and reads each request but never answers.

    Observed: a read ends in APITimeoutError after 1 + max_retries attempts,
    within timeout x attempts + backoff (+2 s); chat.send ends after one
    attempt (it may have arrived), and the server received it exactly once.
    """
    with RawServer(lambda conn, req, srv: srv.hold(conn)) as server:
        read_timeout, retries = 0.4, 2
        with make_client(server.url, timeout=(1.0, read_timeout), max_retries=retries) as client:
            budget = read_timeout * (retries + 1) + 0.5 + 1.0  # backoff 0.5 s, then 1 s
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                client.sessions.list()
            read_took = time.monotonic() - started
            assert read_took < budget + 2.0
            assert server.count("/rpc/sessions/list") == retries + 1

            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                client.chat.send("hello", session_id="s1")
            write_took = time.monotonic() - started
            assert write_took < read_timeout + 2.0
            assert server.count("/rpc/chat/send") == 1

            with pytest.raises(APITimeoutError):  # a per-call timeout is honoured too
                client.call("meta.capabilities", None, idempotent=False, timeout=(1.0, 0.2))
    fault(
        f"silent server: read ended APITimeoutError after {retries + 1} attempts in {read_took:.1f} s "
        f"(budget {budget:.1f} s); chat.send after 1 attempt in {write_took:.1f} s, received once",
        faults=5, calls=3,
    )


def test_silent_server_ends_the_stream_connect_in_api_timeout_error() -> None:
    """Injected: the SSE endpoint accepts and never sends the answer's headers.

    Observed: EventStream raises APITimeoutError within connect_timeout (+2 s),
    even with a long idle_timeout: waiting for headers is part of connecting.
    """
    with RawServer(lambda conn, req, srv: srv.hold(conn)) as server:
        with make_client(server.url) as client:
            stream = client.events("s1", connect_timeout=1.0, idle_timeout=30.0)
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                next(iter(stream))
            took = time.monotonic() - started
            stream.close()
    assert took < 1.0 + 2.0
    fault(f"silent SSE endpoint: stream connect ended APITimeoutError in {took:.1f} s (connect_timeout 1 s)",
          faults=1, calls=1)


# -- broken answers -----------------------------------------------------------------------


def _reset_mid_body(conn: socket.socket, req: Request, srv: RawServer) -> None:
    full = response_bytes("200 OK", OK_PAGE)
    conn.sendall(full[: len(full) - 10])
    time.sleep(0.02)
    reset(conn)


def _reset_before_answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
    reset(conn)


@pytest.mark.parametrize("behaviour", [_reset_mid_body, _reset_before_answer], ids=["mid-body", "before-answer"])
def test_connection_reset_is_a_typed_error_and_writes_are_not_resent(behaviour: Any) -> None:
    """Injected: a TCP reset, mid-body or before any answer, on every connection.

    Observed: APIConnectionError (never a requests/urllib3 exception); a read
    is tried 1 + max_retries times, chat.send exactly once.
    """
    with RawServer(behaviour) as server:
        with make_client(server.url) as client:
            client._transport.sleep = lambda s: None
            with pytest.raises(APIConnectionError) as read_error:
                client.sessions.list()
            with pytest.raises(APIConnectionError):
                client.chat.send("hello", session_id="s1")
            reads, sends = server.count("/rpc/sessions/list"), server.count("/rpc/chat/send")
    assert not isinstance(read_error.value, APITimeoutError)
    assert (reads, sends) == (3, 1)
    fault(f"reset {behaviour.__name__[7:]}: APIConnectionError; read sent {reads}x, chat.send {sends}x",
          faults=reads + sends, calls=2)


def test_a_reset_then_a_good_answer_is_invisible_to_a_read() -> None:
    """Injected: the first connection is reset mid-body, the next answers normally.

    Observed: the read returns the page; the server saw two requests.
    """
    seen: List[int] = []

    def flaky(conn: socket.socket, req: Request, srv: RawServer) -> None:
        seen.append(1)
        if len(seen) == 1:
            _reset_mid_body(conn, req, srv)
        else:
            conn.sendall(response_bytes("200 OK", OK_PAGE))

    with RawServer(flaky) as server:
        with make_client(server.url) as client:
            client._transport.sleep = lambda s: None
            assert client.sessions.list() == {"items": [], "nextCursor": None}
    assert len(seen) == 2
    fault("reset then answer: the read returned the page after 1 retry", faults=1, calls=1)


@pytest.mark.parametrize(
    "answer, expected",
    [
        (response_bytes("200 OK", OK_PAGE[:-7]), UnexpectedResponseError),  # truncated, length says so
        (response_bytes("200 OK", OK_PAGE)[:-7], APIConnectionError),  # fewer bytes than Content-Length
        (response_bytes("200 OK", b""), UnexpectedResponseError),
        (response_bytes("200 OK", b"\xff\xfe{not json"), UnexpectedResponseError),
        (response_bytes("200 OK", b'{"json": 1, "meta": [[9, "x"]]}'), UnexpectedResponseError),
        (response_bytes("200 OK", b"[" * 100_000), UnexpectedResponseError),  # nesting bomb
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"jso", APIConnectionError),
        (b"NOT HTTP AT ALL\r\n\r\n", APIConnectionError),
    ],
    ids=["truncated-json", "short-body", "empty", "binary", "bad-meta", "deep-nesting", "cut-chunk", "not-http"],
)
def test_broken_success_bodies_raise_typed_errors(
    answer: bytes, expected: type[EthosError], request: pytest.FixtureRequest
) -> None:
    """Injected: a 200 whose body is truncated, empty, binary, undecodable or not HTTP at all.

    Observed: the expected SDK error, never a raw ValueError/RecursionError/requests error.
    """
    def behaviour(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(answer)
        conn.shutdown(socket.SHUT_WR)

    with RawServer(behaviour) as server:
        with make_client(server.url, max_retries=0) as client:
            with pytest.raises(EthosError) as caught:
                client.sessions.list()
    assert type(caught.value) is expected or isinstance(caught.value, expected)
    label = request.node.callspec.id
    fault(f"broken 200 answer ({label}): {type(caught.value).__name__}", faults=1, calls=1)


HTML = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    b"</center><hr><center>nginx</center></body></html>"
)


def test_a_proxys_html_error_page_is_a_typed_error_with_status_and_text() -> None:
    """Injected: a proxy answering 502 with an nginx HTML page, and 200 with an HTML login page.

    Observed: InternalServerError with status 502 and the page text (reads
    retried, chat.send sent once), and UnexpectedResponseError for the 200.
    """
    def proxy(conn: socket.socket, req: Request, srv: RawServer) -> None:
        if req.path.endswith("/meta/capabilities"):
            conn.sendall(response_bytes("200 OK", b"<html><body>Sign in</body></html>", "text/html"))
        else:
            conn.sendall(response_bytes("502 Bad Gateway", HTML, "text/html"))

    with RawServer(proxy, keep_alive=True) as server:
        with make_client(server.url) as client:
            client._transport.sleep = lambda s: None
            with pytest.raises(InternalServerError) as read_error:
                client.sessions.list()
            with pytest.raises(InternalServerError):
                client.chat.send("hi", session_id="s1")
            with pytest.raises(UnexpectedResponseError) as odd:
                client.meta.capabilities()
            reads, sends = server.count("/rpc/sessions/list"), server.count("/rpc/chat/send")
    error = read_error.value
    assert error.status == 502 and error.code is None and "502 Bad Gateway" in error.text
    assert "502 Bad Gateway" in str(error)
    assert "Sign in" in odd.value.text and "Sign in" not in str(odd.value)  # the page is kept, not quoted
    assert "does not look like Ethos" in str(odd.value)
    assert (reads, sends) == (3, 1)
    fault(f"proxy HTML pages: 502 -> InternalServerError (read sent {reads}x, chat.send {sends}x); "
          "200 HTML -> UnexpectedResponseError", faults=reads + sends + 1, calls=3)


# -- 503 storms against the local server ----------------------------------------------------


@pytest.fixture
def local() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(word_delay=0.0) as server:
        yield server


def test_503_storms_retry_reads_within_budget_and_never_resend_chat_send(local: LocalEthosServer) -> None:
    """Injected: 40 storms of 0-4 consecutive 503s, half with Retry-After, before reads and chat.send.

    Observed: a read succeeds exactly when the storm fits in max_retries
    (else InternalServerError after 1 + max_retries receipts), waits only what
    Retry-After asked (or the backoff); chat.send is received exactly once per
    call, storm or not (counted by the server).
    """
    rng = random.Random(503)
    retries = 2
    injected = calls = 0
    with local.client(max_retries=retries) as client:
        slept: List[float] = []
        client._transport.sleep = slept.append
        session_id = client.chat.send("open a session")["sessionId"]
        local.wait_idle()
        for round_ in range(40):
            storm = rng.randint(0, 4)
            retry_after = rng.choice([None, "0", "1", "0.25"])
            before = local.request_counts
            local.faults.fail_next(storm, status=503, retry_after=retry_after)
            injected += storm
            del slept[:]
            if round_ % 2 == 0:
                calls += 1
                if storm <= retries:
                    got = client.sessions.get(session_id)
                    assert got["session"]["id"] == session_id
                else:
                    with pytest.raises(InternalServerError) as caught:
                        client.sessions.get(session_id)
                    assert caught.value.status == 503
                    local.faults.clear()  # the rest of the storm is not ours to see
                received = local.request_counts.get("sessions.get", 0) - before.get("sessions.get", 0)
                assert received == min(storm, retries) + 1
                assert len(slept) == min(storm, retries)
                if retry_after is not None:
                    assert all(s == float(retry_after) for s in slept)
                else:
                    assert all(0 < s <= 8.0 for s in slept)
            else:
                calls += 1
                if storm:
                    with pytest.raises(InternalServerError):
                        client.chat.send("once only", session_id=session_id)
                    local.faults.clear()  # the rest of the storm is not ours to see
                else:
                    client.chat.send("once only", session_id=session_id)
                    local.wait_idle()
                received = local.request_counts.get("chat.send", 0) - before.get("chat.send", 0)
                assert received == 1, f"chat.send received {received} times in a storm of {storm}"
                assert slept == []
    FIGURES.add("faults", injected)
    FIGURES.add("calls", calls)
    report(f"503 storms: {injected} x 503 injected over 40 rounds; reads retried within max_retries={retries}, "
           "chat.send received exactly once per call (0 duplicated)")


# -- redirects ------------------------------------------------------------------------------


def test_no_request_and_no_credential_reaches_the_host_a_redirect_points_to() -> None:
    """Injected: a server that answers every RPC, login and stream request with a redirect elsewhere.

    Observed: the SDK raises (APIStatusError for RPC, StreamError for the
    stream, an error for login), and the second host receives no connection
    at all, so neither the key nor the cookie can reach it.
    """
    with RawServer(lambda conn, req, srv: None) as elsewhere:
        target = f"{elsewhere.url}/steal"

        def redirect(conn: socket.socket, req: Request, srv: RawServer) -> None:
            status = ["301 Moved Permanently", "302 Found", "303 See Other", "307 Temporary Redirect",
                      "308 Permanent Redirect"][len(srv.requests) % 5]
            conn.sendall(response_bytes(status, b"", "text/plain", (("Location", target),)))

        with RawServer(redirect) as server:
            raised: List[str] = []
            for mode in ("key", "cookie"):
                options: Any = {"api_key": FAKE_KEY} if mode == "key" else {"cookie": "c0ffee-cookie"}
                with EthosClient(server.url, max_retries=2, **options) as client:
                    client._transport.sleep = lambda s: None
                    for _ in range(5):
                        with pytest.raises(APIStatusError) as caught:
                            client.sessions.list()
                        assert 300 <= caught.value.status < 400
                        raised.append(type(caught.value).__name__)
                        with pytest.raises(APIStatusError):
                            client.chat.send("x", session_id="s")
                    with pytest.raises(StreamError):
                        next(iter(client.events("s1", connect_timeout=2.0)))
                    with pytest.raises(EthosError):
                        client.login(f"{server.url}/auth/exchange?t=one-time-token")
            first_host = len(server.requests)
        assert elsewhere.accepted == 0 and elsewhere.requests == []
    fault(f"redirects (301/302/303/307/308) to another host: {first_host} requests to the first host, "
          f"0 connections to the second", faults=first_host, calls=first_host)
