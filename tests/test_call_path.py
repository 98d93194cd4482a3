"""The call path of issue 12 and the options of issue 14: connection errors, netrc, pool,
close, base_url forms, deadline, proxies read once, with_options, with_raw_response, ETHOS_LOG."""

from __future__ import annotations

import datetime
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, List

import pytest
import requests

import ethos_sdk
from ethos_sdk import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    EthosClient,
    NotFoundError,
    RawResponse,
    with_raw_response,
)
from ethos_sdk.errors import ClientClosedError as ClientClosedFromErrors
from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import RawServer, Request, response_bytes
from .conftest import FAKE_KEY, ROOT, mypy_strict, report

PAGE = b'{"json":{"items":[],"nextCursor":null}}'
NETRC_PASSWORD = "netrc-password-never-sent"


def answer_page(conn: socket.socket, request: Request, server: RawServer) -> None:
    conn.sendall(response_bytes("200 OK", PAGE, extra=(("Connection", "keep-alive"),)))


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return port


@pytest.fixture
def local() -> Any:
    with LocalEthosServer() as server:
        yield server


# -- refused connections ----------------------------------------------------------------


def test_refused_connection_is_a_connection_error_naming_the_server() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    client = EthosClient(base, api_key=FAKE_KEY, max_retries=0)
    for attempt in (
        lambda: client.sessions.list(),
        lambda: client.chat.ask("hello"),
        lambda: next(iter(client.events("s1"))),
    ):
        with pytest.raises(APIConnectionError) as info:
            attempt()
        assert not isinstance(info.value, APITimeoutError)
        text = str(info.value)
        assert base in text and "ethos serve" in text and "ETHOS_BASE_URL" in text
        assert "timed out" not in text and FAKE_KEY not in text


def test_a_password_in_base_url_is_refused_without_showing_it() -> None:
    # It would go out in the Origin header and show in repr(client): refused before anything is sent.
    port = closed_port()
    base = f"http://proxyuser:proxy-password-1@127.0.0.1:{port}"
    for credential in ({"cookie": "c" * 32}, {"api_key": FAKE_KEY}):
        with pytest.raises(ethos_sdk.ConfigurationError) as info:
            EthosClient(base, max_retries=0, **credential)  # type: ignore[arg-type]
        assert "proxy-password-1" not in str(info.value) and "proxyuser" not in str(info.value)
        assert f"base_url='http://127.0.0.1:{port}'" in str(info.value)  # the fix, without the password


def test_unresolvable_host_is_a_connection_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "ethos-sdk-test.invalid":  # answered here: no query leaves the machine
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    client = EthosClient("http://ethos-sdk-test.invalid:3000", cookie="c" * 32, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.sessions.list()
    assert not isinstance(info.value, APITimeoutError)
    assert "http://ethos-sdk-test.invalid:3000" in str(info.value)


# -- ~/.netrc -------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["bearer", "cookie"])
def test_netrc_is_never_used(auth: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login someone password {NETRC_PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NETRC", raising=False)
    assert requests.utils.get_netrc_auth("http://127.0.0.1:1/") == ("someone", NETRC_PASSWORD)
    with RawServer(answer_page, keep_alive=True) as server:
        if auth == "bearer":
            client = EthosClient(server.url, api_key=FAKE_KEY)
        else:
            client = EthosClient(server.url, cookie="c" * 32)
        assert client.sessions.list() == {"items": [], "nextCursor": None}
        sent = server.requests[0].headers
    if auth == "bearer":
        assert sent["authorization"] == f"Bearer {FAKE_KEY}"
    else:
        assert "authorization" not in sent and sent["cookie"] == "ethos_auth=" + "c" * 32
    assert all(NETRC_PASSWORD not in value and "Basic" not in value for value in sent.values())


# -- a pool for threads -------------------------------------------------------------------


def test_64_threads_share_one_client_without_pool_warnings(caplog: pytest.LogCaptureFixture) -> None:
    errors: List[BaseException] = []
    with RawServer(answer_page, keep_alive=True) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY)
        start = threading.Barrier(64)

        def work() -> None:
            try:
                start.wait(timeout=30)
                for _ in range(25):
                    client.sessions.list()
            except BaseException as exc:  # recorded and asserted below
                errors.append(exc)

        with caplog.at_level(logging.WARNING):
            threads = [threading.Thread(target=work) for _ in range(64)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
        client.close()
        calls, connections = len(server.requests), server.accepted
    assert errors == [] and calls == 64 * 25
    assert "Connection pool is full" not in caplog.text
    assert connections <= 64  # each connection opened was kept and reused
    report(f"pool: 64 threads x 25 calls on one client: {connections} connections, 0 pool warnings")


def test_max_connections_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_connections"):
        EthosClient("http://127.0.0.1:1", api_key=FAKE_KEY, max_connections=0)


# -- a closed client refuses ----------------------------------------------------------------


def test_a_closed_client_sends_nothing(local: LocalEthosServer) -> None:
    client = local.client()
    client.sessions.list()
    client.close()
    before = dict(local.request_counts)
    for attempt in (
        lambda: client.sessions.list(),
        lambda: client.call("sessions.list", {}),
        lambda: client.chat.ask("hello"),
        lambda: client.chat.send("hello"),
        lambda: client.events("s1"),
        lambda: client.with_options(timeout=1),
    ):
        with pytest.raises(ClientClosedError, match="closed"):
            attempt()
    assert local.request_counts == before
    assert ClientClosedError is ClientClosedFromErrors and issubclass(ClientClosedError, ethos_sdk.EthosError)


# -- base_url forms -----------------------------------------------------------------------------


def test_a_path_prefix_is_kept() -> None:
    with RawServer(answer_page, keep_alive=True) as server:
        client = EthosClient(server.url + "/ethos/", api_key=FAKE_KEY)
        client.sessions.list()
        assert client.base_url == server.url + "/ethos"
        assert server.requests[0].path == "/ethos/rpc/sessions/list"


@pytest.mark.parametrize("suffix", ["/rpc", "/sse", "/RPC/", "/ethos/rpc", "?x=1", "#top"])
def test_a_base_url_with_the_rpc_part_is_refused(suffix: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        EthosClient("http://127.0.0.1:3000" + suffix, api_key=FAKE_KEY)


@pytest.mark.parametrize("base", ["ftp://127.0.0.1:3000", "http://", "127.0.0.1:3000", "http://:3000"])
def test_a_base_url_that_is_not_http_is_refused(base: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url must start with http"):
        EthosClient(base, api_key=FAKE_KEY)


def test_a_404_without_code_says_check_base_url() -> None:
    def not_found(conn: socket.socket, request: Request, server: RawServer) -> None:
        conn.sendall(response_bytes("404 Not Found", b"<html>Not Found</html>", "text/html"))

    with RawServer(not_found) as server:
        client = EthosClient(server.url + "/wrong", api_key=FAKE_KEY, max_retries=0)
        with pytest.raises(NotFoundError) as info:
            client.sessions.list()
    assert "check base_url" in str(info.value)


# -- deadline --------------------------------------------------------------------------------------


def test_deadline_bounds_a_trickling_answer() -> None:
    sent: List[int] = []

    def trickle(conn: socket.socket, request: Request, server: RawServer) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
        for i in range(100):  # 50 s in all, unless the client leaves
            if server.stopping.wait(0.5):
                return
            try:
                conn.sendall(b" ")
            except OSError:
                return
            sent.append(i)

    with RawServer(trickle) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, timeout=(5, 10), deadline=3, max_retries=2)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline=3"):
            client.sessions.list()
        took = time.monotonic() - started
    assert len(sent) < 100  # the answer was never read to its end
    report(f"deadline=3 against a body of one byte per 0.5 s: APITimeoutError after {took:.2f} s, {len(sent)} bytes read")


@pytest.mark.parametrize("bad", [0, -1.0])
def test_deadline_must_be_positive(bad: float) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        EthosClient("http://127.0.0.1:1", api_key=FAKE_KEY, deadline=bad)


def test_deadline_leaves_a_normal_call_alone(local: LocalEthosServer) -> None:
    client = local.client(deadline=30)
    assert client.sessions.list(limit=1)["items"] == client.with_options(deadline=None).sessions.list(limit=1)["items"]


# -- proxies: the environment read once, a passed-in session as it is -------------------------------


class Proxy(RawServer):
    """A forward proxy that answers every request itself, recording the absolute target."""

    def __init__(self) -> None:
        super().__init__(answer_page, keep_alive=True)


def test_http_proxy_set_before_construction_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with Proxy() as proxy, Proxy() as later:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        client = EthosClient("http://ethos.example:3000", cookie="c" * 32, max_retries=0)
        monkeypatch.setenv("HTTP_PROXY", later.url)  # read when the client was made, not now
        assert client.sessions.list() == {"items": [], "nextCursor": None}
        assert [r.path for r in proxy.requests] == ["http://ethos.example:3000/rpc/sessions/list"]
        EthosClient("http://ethos.example:3000", cookie="c" * 32).sessions.list()  # a new client reads it anew
        assert len(later.requests) == 1 and len(proxy.requests) == 1
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        direct = f"http://127.0.0.1:{closed_port()}"
        with pytest.raises(APIConnectionError, match="could not connect"):  # bypassed: straight to the port
            EthosClient(direct, cookie="c" * 32, max_retries=0).sessions.list()
        assert len(later.requests) == 1


def test_a_passed_in_session_keeps_its_proxies_and_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    with Proxy() as proxy:
        session = requests.Session()
        session.trust_env = False
        session.proxies = {"http": proxy.url}
        session.headers["X-Team"] = "blue"
        client = EthosClient("http://ethos.example:3000", cookie="c" * 32, session=session, max_retries=0)
        client.sessions.list()
        client.close()
        request = proxy.requests[0]
        assert request.path == "http://ethos.example:3000/rpc/sessions/list"
        assert request.headers["x-team"] == "blue"
        assert request.headers["cookie"] == "ethos_auth=" + "c" * 32
        assert session.get("http://ethos.example:3000/x").status_code == 200  # left open, still usable


# -- with_options ------------------------------------------------------------------------------------


def test_with_options_shares_the_pool_and_leaves_the_original_alone() -> None:
    with RawServer(answer_page, keep_alive=True) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, timeout=7, headers={"X-A": "1"})
        client.sessions.list()
        derived = client.with_options(timeout=2, max_retries=0, headers={"X-B": "2"}, deadline=10)
        derived.sessions.list()
        client.sessions.list()
        assert server.accepted == 1  # one connection served all three calls
        first, second, third = (r.headers for r in server.requests)
        assert "x-b" not in first and "x-b" not in third and second["x-b"] == "2" and second["x-a"] == "1"
        assert second["authorization"] == first["authorization"]
        assert derived.client_id == client.client_id and derived.base_url == client.base_url
        assert client._transport.timeout == 7 and client._transport.max_retries == 2
        assert derived._transport.timeout == 2 and derived._transport.deadline == 10

        derived.close()  # closing the derived client leaves the shared pool open
        with pytest.raises(ClientClosedError):
            derived.sessions.list()
        client.sessions.list()
        assert server.accepted == 1

        other = client.with_options(max_retries=1)
        client.close()  # the pool belongs to the original: the derived ones stop too
        with pytest.raises(ClientClosedError, match="derived"):
            other.sessions.list()


def test_with_options_checks_its_arguments() -> None:
    client = EthosClient("http://127.0.0.1:1", api_key=FAKE_KEY)
    with pytest.raises(ConfigurationError):
        client.with_options(max_retries=-1)
    with pytest.raises(ConfigurationError):
        client.with_options(deadline=0)


# -- with_raw_response -------------------------------------------------------------------------------


def test_with_raw_response_gives_the_answer_and_the_same_value(local: LocalEthosServer) -> None:
    client = local.client()
    raw = client.sessions.with_raw_response.list(limit=1, extra_headers={"x-request-id": "trace-7"})
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200 and raw.request_id == "trace-7"
    assert raw.headers["content-type"].startswith("application/json")
    assert isinstance(raw.elapsed, datetime.timedelta) and raw.elapsed.total_seconds() >= 0
    assert isinstance(raw.http_response, requests.Response)
    assert raw.parse() == client.sessions.list(limit=1)
    assert "200" in repr(raw) and "trace-7" in repr(raw)

    typed = with_raw_response(client.sessions.list)(limit=1)
    assert typed.parse() == raw.parse() and typed.request_id and typed.request_id != "trace-7"

    turn = client.chat.with_raw_response.ask("hello")  # two calls: the answer of the last one
    assert turn.status_code == 200 and "You said: hello" in turn.parse().text


def test_with_raw_response_on_a_nested_namespace() -> None:
    def peers(conn: socket.socket, request: Request, server: RawServer) -> None:
        body = b'{"json":[]}' if request.path.endswith("/a2a/peers/list") else b'{"json":null}'
        conn.sendall(response_bytes("200 OK", body, extra=(("x-request-id", "srv-1"),)))

    with RawServer(peers) as server:
        client = EthosClient(server.url, cookie="c" * 32)
        nested = client.a2a.peers.with_raw_response.list("researcher")
        assert nested.parse() == [] and nested.request_id == "srv-1"
        assert json.loads(server.requests[0].body) == {"json": {"personalityId": "researcher"}}


def test_with_raw_response_refuses_what_has_no_single_answer(local: LocalEthosServer) -> None:
    client = local.client()
    with pytest.raises(ConfigurationError, match="no procedure call"):
        client.sessions.with_raw_response.list_all()  # calls as the loop runs: no single answer
    with pytest.raises(AttributeError, match="no method"):
        client.sessions.with_raw_response.nothing_like_this
    with pytest.raises(ConfigurationError, match="namespace"):
        with_raw_response(print)
    assert "list" in dir(client.sessions.with_raw_response)


def test_with_raw_response_types_check(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        "from ethos_sdk import EthosClient, RawResponse, with_raw_response\n"
        "from ethos_sdk.types.sessions import SessionPage\n"
        "def f(client: EthosClient) -> SessionPage:\n"
        "    raw: RawResponse[SessionPage] = with_raw_response(client.sessions.list)(limit=1)\n"
        "    loose = client.sessions.with_raw_response.list(limit=1)\n"
        "    print(loose.status_code, loose.request_id, loose.elapsed.total_seconds())\n"
        "    return raw.parse()\n"
    )
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from ethos_sdk import EthosClient, with_raw_response\n"
        "def f(client: EthosClient) -> int:\n"
        "    return with_raw_response(client.sessions.list)(limit='one').parse()\n"
    )
    out, status = mypy_strict(good)
    assert status == 0, out
    out, status = mypy_strict(wrong)
    assert status == 1 and "\"limit\"" in out and "nextCursor" in out and "expected \"int\"" in out, out


# -- ETHOS_LOG ----------------------------------------------------------------------------------------


def test_ethos_log_writes_one_line_per_call_and_no_secret(local: LocalEthosServer) -> None:
    script = (
        "import sys\n"
        "from ethos_sdk import EthosClient\n"
        "base, key, origin, cookie = sys.argv[1:5]\n"
        "client = EthosClient(base, api_key=key, origin=origin)\n"
        "client.sessions.list(limit=1, extra_headers={'x-request-id': 'log-test-1'})\n"
        "sid = client.chat.send('hello')['sessionId']\n"
        "with client.events(sid) as stream:\n"
        "    stream.wait_ready()\n"
        "EthosClient(base, cookie=cookie).sessions.list(limit=1)\n"
    )
    env = {**os.environ, "ETHOS_LOG": "debug", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, local.base_url, local.api_key, local.origin, local.web_token],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert "ethos_sdk: POST /rpc/sessions/list -> 200 in" in err
    assert "(request id log-test-1, attempt 1)" in err
    assert "POST /rpc/chat/send -> 200" in err and "GET /sse/sessions/" in err
    assert local.api_key not in err and local.web_token not in err
    quiet = subprocess.run(
        [sys.executable, "-c", script, local.base_url, local.api_key, local.origin, local.web_token],
        env={**env, "ETHOS_LOG": ""}, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    report(f"ETHOS_LOG=debug: {len(err.splitlines())} lines for 4 calls and a stream, no key or cookie in them")



def test_an_unknown_ethos_log_value_is_reported_not_ignored() -> None:
    env = {**os.environ, "ETHOS_LOG": "verbose", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", "import ethos_sdk, logging; print(logging.getLogger('ethos_sdk').handlers)"],
        env=env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0 and done.stdout.strip() == "[]"
    assert "ETHOS_LOG='verbose' is not used: set it to 'debug' or 'info'" in done.stderr


# -- a turn's timeout bounds its chat.send, retries included ------------------------------------------


def _refusing_url() -> str:
    """A loopback port nobody listens on: every connection is refused, so chat.send is retried."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("how", ["ask", "stream"])
def test_a_turns_send_makes_no_retry_that_would_outlast_its_timeout(how: str) -> None:
    with EthosClient(_refusing_url(), api_key=FAKE_KEY, max_retries=2) as client:
        waits: List[float] = []
        client._transport.sleep = waits.append
        turn = client.chat.ask if how == "ask" else client.chat.stream
        with pytest.raises(APIConnectionError, match="could not connect"):
            turn("hi", timeout=0.3)  # the first backoff (0.375-0.5 s) would already pass it
        assert waits == []
        # With room left, a refused send is still retried (it cannot have reached the server).
        with pytest.raises(APIConnectionError, match="could not connect"):
            turn("hi", timeout=60)
        assert len(waits) == 2
        assert client._transport.ends_by is None  # the bound was the turn's, not the client's


def test_a_turns_send_keeps_the_clients_own_shorter_deadline() -> None:
    with EthosClient(_refusing_url(), api_key=FAKE_KEY, max_retries=2, deadline=0.3) as client:
        waits: List[float] = []
        client._transport.sleep = waits.append
        with pytest.raises(APIConnectionError):
            client.chat.ask("hi", timeout=60)
        assert waits == []


def test_a_send_bounded_by_a_turn_says_which_limit_passed() -> None:
    def silent(conn: socket.socket, request: Request, server: RawServer) -> None:
        server.hold(conn)

    with RawServer(silent) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, max_retries=0)
        bounded = client._ending_by(time.monotonic() + 0.3)
        with pytest.raises(APITimeoutError, match="time left of the operation"):
            bounded.chat.send("hi")
        with pytest.raises(APITimeoutError, match="deadline=0.3"):  # not "raise timeout=": it was not the limit
            client.with_options(deadline=0.3).sessions.list()


def test_deadline_reads_an_answer_that_closes_its_connection() -> None:
    def once(conn: socket.socket, request: Request, server: RawServer) -> None:
        conn.sendall(response_bytes("200 OK", PAGE))  # says "Connection: close", then closes

    with RawServer(once) as server:
        client = EthosClient(server.url, api_key=FAKE_KEY, deadline=5, max_retries=0)
        for _ in range(3):
            assert client.sessions.list() == {"items": [], "nextCursor": None}
