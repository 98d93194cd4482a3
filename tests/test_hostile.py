"""Hostile servers and bad input: nothing leaks, nothing explodes, nothing answers the wrong call.

Each case was first reproduced against the SDK with a small loopback server or a
crafted argument (a web token sent off the machine, an answer filling the
memory, a 103 desynchronising the pool, a secret echoed into an error, a
download writing outside its folder...). Memory is measured in a child
process, so that the figure is the client's alone. Every case held adds to the
"hostile cases" of the adversarial summary.
"""

from __future__ import annotations

import copy
import gc
import gzip
import json
import os
import pickle
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional
from urllib.parse import urlsplit

import pytest
import requests
import urllib3.util

import ethos_sdk._turn
from ethos_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    EthosClient,
    ResponseTooLargeError,
    UnexpectedResponseError,
)
from ethos_sdk import errors as errors_module
from ethos_sdk._auth import is_loopback
from ethos_sdk._http import MAX_INTERIM_ANSWERS
from ethos_sdk._safety import MAX_NAME_LENGTH, download_name
from ethos_sdk.errors import EthosError

from .adversarial_servers import FIGURES, RawServer, Request, adversarial_summary, read_request, report, response_bytes

__all__ = ["adversarial_summary"]

KEY = "sk-ethos-" + "h0571le" * 6
COOKIE = "c00k1e5ecret" + "7" * 40
TOKEN = "web70ken" + "5" * 40
ROOT = Path(__file__).resolve().parent.parent


def held(line: str, cases: int = 1) -> None:
    FIGURES.add("hostile", cases)
    report(line)


def envelope(value: Any) -> bytes:
    return json.dumps({"json": value}).encode()


def keep_alive(status: str, body: bytes, *extra: tuple[str, str]) -> bytes:
    return response_bytes(status, body, extra=(("Connection", "keep-alive"), *extra))


# -- 1. one URL parser decides everything -------------------------------------------------


@pytest.fixture
def web_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A readable-by-me-only web-token file where ``ethos serve`` would leave it, and no key in the environment."""
    state = tmp_path / "state"
    state.mkdir()
    token_file = state / "web-token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o600)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(state))
    monkeypatch.delenv("ETHOS_API_KEY", raising=False)
    monkeypatch.delenv("ETHOS_BASE_URL", raising=False)
    return token_file


def test_a_url_two_parsers_read_differently_never_gets_the_web_token(web_token: Path) -> None:
    # urllib.parse reads the host as localhost (token read), urllib3 as 127.0.0.1:<port> (where it went).
    with RawServer(lambda conn, req, srv: conn.sendall(response_bytes("200 OK", b'{"status":"ok"}'))) as server:
        tricks = [
            f"http://127.0.0.1:{server.port}\\@localhost",
            f"http://127.0.0.1:{server.port}\\@localhost:3000",
            f"http://127.0.0.1:{server.port}\\\\@localhost/",
            f"http://127.0.0.1:{server.port}#@localhost",
            f"http://127.0.0.1:{server.port}?@localhost",
        ]
        for url in tricks:
            with pytest.raises(ConfigurationError) as refused:
                EthosClient(url)
            assert TOKEN not in str(refused.value)
        assert server.requests == []  # nothing reached the server the URL really pointed to
    held(f"base_url parser confusion: {len(tricks)} URLs refused at construction; 0 requests, web token sent 0 times",
         len(tricks))


@pytest.mark.parametrize(
    "url, says",
    [
        ("http://user:s3cretpass@127.0.0.1:3000", "user name or password"),
        ("http://:s3cretpass@localhost:3000", "user name or password"),
        ("http://localhost:99999", "port"),
        ("http://localhost:0", "port"),
        ("http://localhost:3000\r\nX-Evil: 1", "carriage return"),
        ("http://local host:3000", "space"),
        ("http://localhost:3000/\x00", "NUL"),
        ("http://localhost\t:3000", "tab"),
        ("http://exämple.com", "xn--"),
        ("http://ex%61mple.com", "xn--"),
    ],
)
def test_a_base_url_that_is_not_plainly_one_address_is_refused(url: str, says: str, web_token: Path) -> None:
    with pytest.raises(ConfigurationError, match=says) as refused:
        EthosClient(url, api_key=KEY)
    assert "s3cretpass" not in str(refused.value)
    FIGURES.add("hostile")


def test_the_fix_for_a_password_in_base_url_shows_the_address_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETHOS_BASE_URL", "https://admin:s3cretpass@ethos.example.com/ethos")
    with pytest.raises(ConfigurationError) as refused:
        EthosClient(api_key=KEY)
    assert "s3cretpass" not in str(refused.value) and "admin" not in str(refused.value)
    assert "base_url='https://ethos.example.com/ethos'" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:3000", "HTTP://LOCALHOST:3000/", "http://[::1]:3000", "https://ethos.example.com/ethos",
     "http://[::ffff:127.0.0.1]:3000", "https://10.0.0.2"],
)
def test_an_accepted_base_url_means_the_same_host_to_every_parser(url: str) -> None:
    client = EthosClient(url, api_key=KEY)
    ours, theirs = urlsplit(client.base_url), urllib3.util.parse_url(client.base_url)
    assert (ours.hostname or "") == (theirs.host or "").strip("[]").lower()
    assert ours.port == theirs.port
    assert "@" not in repr(client) and "@" not in client.base_url
    client.close()


def test_a_name_under_localhost_is_not_this_machine(web_token: Path) -> None:
    # foo.localhost may be resolved through DNS: the token is not read for it.
    assert is_loopback("http://localhost:3000") and not is_loopback("http://foo.localhost:3000")
    with pytest.raises(ConfigurationError, match="no credential") as refused:
        EthosClient("http://foo.localhost:3000")
    assert TOKEN not in str(refused.value)
    assert EthosClient("http://localhost:3000").auth_mode == "cookie"  # the real loopback name still reads it
    FIGURES.add("hostile")


# -- 5/6. credentials that would break the header or smuggle cookies ---------------------------


@pytest.mark.parametrize("bad", ["\r\nX-Evil: 1", "\n", " x", "\x00", "é", "\x7f"])
def test_a_key_that_cannot_go_in_a_header_is_refused_without_echoing_it(bad: str) -> None:
    key = KEY[:20] + bad + KEY[20:]
    with pytest.raises(ConfigurationError, match="api_key contains") as refused:
        EthosClient("http://127.0.0.1:3000", api_key=key)
    assert KEY[9:20] not in str(refused.value) and KEY[20:] not in str(refused.value)
    FIGURES.add("hostile")


@pytest.mark.parametrize("bad", [";", "; admin=1", ",", " ", "\r\n", '"', "\\", "\t"])
def test_a_cookie_that_would_add_cookies_or_break_the_header_is_refused(bad: str) -> None:
    cookie = COOKIE[:10] + bad + COOKIE[10:]
    with pytest.raises(ConfigurationError, match="cookie contains") as refused:
        EthosClient("http://127.0.0.1:3000", cookie=cookie)
    assert COOKIE[:10] not in str(refused.value) and COOKIE[10:] not in str(refused.value)
    FIGURES.add("hostile")


PROXY_SECRET = "pr0xy5ecret" + "9" * 30


@pytest.mark.parametrize("headers, says", [
    ({"X-Proxy-Auth": PROXY_SECRET[:12] + "\r\nX-Evil: 1" + PROXY_SECRET[12:]}, "a carriage return"),
    ({"X-Proxy-Auth": PROXY_SECRET + "\n"}, "a line feed"),
    ({"X-Proxy-Auth": PROXY_SECRET[:5] + "\x00" + PROXY_SECRET[5:]}, "a NUL"),
    ({"X-Proxy-Auth": PROXY_SECRET + "\u2028"}, "character U+2028"),
    ({"X Proxy": "a"}, "header name 'X Proxy'"),
    ({"X-Proxy:": "a"}, "header name 'X-Proxy:'"),
    ({"X-Count": 5}, "must be a str, got int"),
])
def test_headers_that_would_break_the_request_are_refused_everywhere_without_echoing_them(
    headers: Dict[str, Any], says: str
) -> None:
    """CR/LF in a header value would end the header and smuggle another; a value may be a secret."""
    requests_seen: List[Request] = []

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        requests_seen.append(req)
        conn.sendall(keep_alive("200 OK", envelope({"items": [], "nextCursor": None})))

    with RawServer(answer) as server:
        client = EthosClient(server.url, api_key=KEY)
        attempts: List[Callable[[], object]] = [
            lambda: EthosClient(server.url, api_key=KEY, headers=headers),
            lambda: client.with_options(headers=headers),
            lambda: client.sessions.list(extra_headers=headers),
            lambda: client.call("sessions.list", {}, extra_headers=headers),
            lambda: client.events("s1", extra_headers=headers),
        ]
        for attempt in attempts:
            with pytest.raises(ConfigurationError, match=re.escape(says)) as refused:
                attempt()
            assert PROXY_SECRET[:12] not in str(refused.value) and PROXY_SECRET[12:] not in str(refused.value)
        client.close()
    assert requests_seen == []  # refused before anything was sent
    held(f"header {says}: refused by the constructor, with_options, a method, call() and events(); 0 requests")


@pytest.mark.parametrize("origin, says", [
    ("http://app.example.com\r\nX-Evil: 1", "a carriage return"),
    ("http://user:" + PROXY_SECRET + "@app.example.com", "user name or password"),
    ("https://app.example.com/login", "no path"),
    ("https://app.example.com:99999", "no path"),
    ("app.example.com", "no path"),
    ("https://app.example.com?next=/", "no path"),
])
def test_an_origin_that_is_not_scheme_host_port_is_refused(
    origin: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for given, env in ((origin, None), (None, origin)):
        if env is None:
            monkeypatch.delenv("ETHOS_ORIGIN", raising=False)
        else:
            monkeypatch.setenv("ETHOS_ORIGIN", env)
        with pytest.raises(ConfigurationError, match=re.escape(says)) as refused:
            EthosClient("http://127.0.0.1:3000", api_key=KEY, origin=given)
        assert PROXY_SECRET not in str(refused.value)
        assert ("ETHOS_ORIGIN" in str(refused.value)) == (env is not None)
    FIGURES.add("hostile")


def test_an_origin_is_sent_as_the_header_carries_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ETHOS_ORIGIN", raising=False)
    client = EthosClient("http://127.0.0.1:3000", api_key=KEY, origin=" HTTPS://app.example.com/ ")
    assert client.origin == "https://app.example.com"  # no trailing slash: a browser never sends one


def test_a_web_token_file_holding_more_than_a_token_is_refused(web_token: Path) -> None:
    web_token.write_text(TOKEN + "; admin=1")
    with pytest.raises(ConfigurationError, match="web token in") as refused:
        EthosClient("http://127.0.0.1:3000")
    assert TOKEN not in str(refused.value)


def test_a_login_cookie_the_header_cannot_carry_is_refused() -> None:
    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(response_bytes("200 OK", b"", "text/html", (("Set-Cookie", "ethos_auth=abc,def; Path=/"),)))

    with RawServer(answer) as server:
        client = EthosClient(server.url, cookie=COOKIE)
        with pytest.raises(ConfigurationError, match="cookie the server set"):
            client.login("t0ken")
        assert client._transport.credentials.secret == COOKIE  # the old credential is kept
        client.close()
    FIGURES.add("hostile")


# -- 3. interim (1xx) answers never desynchronise the pool ----------------------------------------


def _interim_then(interims: List[bytes]) -> Callable[[socket.socket, Request, RawServer], None]:
    """Answer each call with its own number, after the given interim answers, on a kept-alive connection."""

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        number = json.loads(req.body)["json"]["n"] if req.body else req.path
        conn.sendall(b"".join(interims) + keep_alive("200 OK", envelope({"n": number})))

    return answer


EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
PROCESSING = b"HTTP/1.1 102 Processing\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@pytest.mark.parametrize(
    "name, interims",
    [
        ("103", [EARLY_HINTS]),
        ("102", [PROCESSING]),
        ("100+103+102", [CONTINUE, EARLY_HINTS, PROCESSING]),
        ("103 x5", [EARLY_HINTS] * 5),
    ],
)
def test_every_call_gets_its_own_answer_after_interim_answers(name: str, interims: List[bytes]) -> None:
    calls = 60
    with RawServer(_interim_then(interims), keep_alive=True) as server:
        with EthosClient(server.url, api_key=KEY, max_retries=0) as client:
            answers = [client.call("x.echo", {"n": n}, strict=False)["n"] for n in range(calls)]
        connections = server.accepted
    right = sum(1 for n, got in enumerate(answers) if got == n)
    assert right == calls
    assert connections == 1  # the same connection carried them all: the interim answers were read past
    held(f"interim {name} before each answer: {right}/{calls} calls got their own answer on 1 reused connection")


def test_a_route_beside_rpc_reads_past_an_interim_answer_too() -> None:
    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(EARLY_HINTS + keep_alive("200 OK", json.dumps({"status": "ok", "path": req.path}).encode()))

    with RawServer(answer, keep_alive=True) as server:
        with EthosClient(server.url, cookie=COOKIE) as client:
            assert [client.health()["status"] for _ in range(10)] == ["ok"] * 10
    FIGURES.add("hostile")


def test_a_session_that_cannot_skip_interim_answers_fails_the_call_and_drops_the_connection() -> None:
    # A requests.Session passed in keeps its own adapter: the 1xx surfaces; it must never be pooled.
    mode = {"interim": True}

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        number = json.loads(req.body)["json"]["n"]
        conn.sendall((EARLY_HINTS if mode["interim"] else b"") + keep_alive("200 OK", envelope({"n": number})))

    with RawServer(answer, keep_alive=True) as server, requests.Session() as session:
        with EthosClient(server.url, api_key=KEY, session=session, max_retries=0) as client:
            wrong = failed = 0
            for n in range(20):
                try:
                    wrong += client.call("x.echo", {"n": n}, strict=False)["n"] != n
                except APIConnectionError as exc:
                    failed += 1
                    assert "interim status 103" in str(exc)
            mode["interim"] = False
            later = [client.call("x.echo", {"n": n}, strict=False)["n"] for n in range(100, 120)]
    assert wrong == 0 and failed == 20
    assert later == list(range(100, 120))  # no answer of an earlier call was left in a pooled connection
    held("a 103 through a session passed in: 20/20 calls failed cleanly, 0 answered with another call's answer, "
         "the 20 calls after all got their own")


def test_a_final_1xx_or_an_endless_run_of_interim_answers_is_an_error_not_a_hang() -> None:
    def switching(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\n\r\n" + keep_alive("200 OK", envelope({"n": -1})))

    def endless(conn: socket.socket, req: Request, srv: RawServer) -> None:
        try:
            for _ in range(MAX_INTERIM_ANSWERS * 4):
                conn.sendall(PROCESSING)
        except OSError:
            pass

    for behaviour in (switching, endless):
        with RawServer(behaviour, keep_alive=True) as server:
            with EthosClient(server.url, api_key=KEY, max_retries=0) as client:
                with pytest.raises(APIConnectionError):
                    client.call("x.echo", {"n": 1}, strict=False)
    FIGURES.add("hostile", 2)


# -- 2. answers too large, endless or bombed --------------------------------------------------------

GZIP_MEMBER = gzip.compress(b"\0" * (8 << 20), compresslevel=9)  # ~8 KiB that inflates to 8 MiB


def endless_chunked(conn: socket.socket, req: Request, srv: RawServer) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
    try:
        while not srv.stopping.is_set():
            conn.sendall(chunk)
    except OSError:
        pass


def gzip_bomb(conn: socket.socket, req: Request, srv: RawServer) -> None:
    """About 1 MiB on the wire that inflates to 1 GiB (128 concatenated gzip members)."""
    try:
        conn.sendall(response_bytes("200 OK", GZIP_MEMBER * 128, extra=(("Content-Encoding", "gzip"),)))
    except OSError:
        pass


def declared_huge(conn: socket.socket, req: Request, srv: RawServer) -> None:
    """A 300 MiB answer announced by its Content-Length, its body sent until the client leaves."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (300 << 20))
    try:
        while not srv.stopping.is_set():
            conn.sendall(b" " * 65536)
    except OSError:
        pass


_CHILD = """
import json, resource, sys, time
from ethos_sdk import EthosClient
url, how = sys.argv[1], sys.argv[2]
client = EthosClient(url, api_key=sys.argv[3], max_retries=0, deadline=60)
started = time.monotonic()
try:
    if how == "rpc":
        client.call("x.big", {}, strict=False)
    else:
        client.health()
    outcome = "returned"
except Exception as exc:
    outcome = type(exc).__name__
try:  # this process's own high-water mark (ru_maxrss also counts the parent's, inherited at fork)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak, "seconds": time.monotonic() - started}))
"""


def run_client_in_child(url: str, how: str = "rpc") -> Dict[str, Any]:
    """One call in a fresh interpreter: its outcome and the child's peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url, how, KEY], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "name, behaviour, how",
    [
        ("endless chunked answer", endless_chunked, "rpc"),
        ("1 MiB gzip inflating to 1 GiB", gzip_bomb, "rpc"),
        ("300 MiB Content-Length", declared_huge, "rpc"),
        ("endless /healthz answer", endless_chunked, "health"),
    ],
)
def test_an_oversized_answer_ends_in_a_typed_error_with_bounded_memory(
    name: str, behaviour: Callable[[socket.socket, Request, RawServer], None], how: str
) -> None:
    with RawServer(behaviour) as server:
        result = run_client_in_child(server.url, how)
    assert result["outcome"] == "ResponseTooLargeError"
    assert result["peak_mb"] < 200, result
    held(f"{name} ({how}): ResponseTooLargeError after {result['seconds']:.2f} s, "
         f"client peak RSS {result['peak_mb']:.0f} MB (limit 64 MiB, bound 200 MB)")


def _answer_of(size: int, *, gzipped: bool = False, chunked: bool = False) -> Callable[..., None]:
    body = envelope({"text": "x" * (size - len(envelope({"text": ""})))})
    assert len(body) == size

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        if chunked:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        elif gzipped:
            conn.sendall(response_bytes("200 OK", gzip.compress(body), extra=(("Content-Encoding", "gzip"),)))
        else:
            conn.sendall(response_bytes("200 OK", body))

    return answer


@pytest.mark.parametrize("shape", ["plain", "gzipped", "chunked"])
def test_the_limit_is_per_client_and_per_call_and_counts_decompressed_bytes(shape: str) -> None:
    answer = _answer_of(5000, gzipped=shape == "gzipped", chunked=shape == "chunked")
    with RawServer(answer) as server:
        with EthosClient(server.url, api_key=KEY, max_retries=0) as client:
            assert len(client.call("x.big", strict=False)["text"]) > 4900  # the default 64 MiB lets it through
            assert len(client.call("x.big", max_response_bytes=5000, strict=False)["text"]) > 4900  # exactly at the limit
            with pytest.raises(ResponseTooLargeError) as per_call:
                client.call("x.big", max_response_bytes=4999, strict=False)
            assert per_call.value.limit == 4999 and "max_response_bytes=4999" in str(per_call.value)
            with pytest.raises(ResponseTooLargeError):
                client.with_options(max_response_bytes=1000).call("x.big", strict=False)
            with pytest.raises(ResponseTooLargeError):
                client.with_options(deadline=30, max_response_bytes=1000).call("x.big", strict=False)  # the deadline path
            with EthosClient(server.url, api_key=KEY, max_response_bytes=4000, max_retries=0) as small:
                with pytest.raises(ResponseTooLargeError):
                    small.call("x.big", strict=False)
            assert len(client.call("x.big", strict=False)["text"]) > 4900  # the connection after a refused answer is fine
    FIGURES.add("hostile")


@pytest.mark.parametrize("bad", [0, -1, 1.5, "64MB", True])
def test_a_limit_that_is_not_a_positive_number_of_bytes_is_refused(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        EthosClient("http://127.0.0.1:3000", api_key=KEY, max_response_bytes=bad)
    client = EthosClient("http://127.0.0.1:3000", api_key=KEY)
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        client.with_options(max_response_bytes=bad)
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        client.call("x.y", max_response_bytes=bad, strict=False)
    client.close()


def test_the_deadline_is_checked_while_the_body_streams() -> None:
    def trickle(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            while not srv.stopping.wait(0.02):
                conn.sendall(b"1\r\n \r\n")
        except OSError:
            pass

    with RawServer(trickle) as server:
        with EthosClient(server.url, api_key=KEY, max_retries=0, deadline=0.5) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError, match="deadline=0.5"):
                client.call("x.slow", strict=False)
            took = time.monotonic() - started
    assert took < 5  # ended by the deadline, not by the body (which never ends)
    held(f"a body trickling forever with deadline=0.5: APITimeoutError after {took:.2f} s")


def test_a_download_into_memory_is_bounded_too(tmp_path: Path) -> None:
    with RawServer(endless_chunked) as server:
        with EthosClient(server.url, cookie=COOKIE, max_retries=0, max_response_bytes=1 << 20) as client:
            with pytest.raises(ResponseTooLargeError):
                client.documents.download("big.bin")
            with pytest.raises(ResponseTooLargeError):
                client.metrics()
    FIGURES.add("hostile", 2)


# -- 9. secrets in error bodies, pickles and copies -----------------------------------------------


def _echo_headers(conn: socket.socket, req: Request, srv: RawServer) -> None:
    """A 500 whose JSON body and text repeat the request's headers, as debug pages do."""
    echoed = {"error": {"message": "boom", "request": {"headers": dict(req.headers)},
                        "keys": {req.headers.get("authorization", "none"): "seen"}}}
    conn.sendall(response_bytes("500 Internal Server Error", json.dumps(echoed).encode()))


@pytest.mark.parametrize("credential", [{"api_key": KEY}, {"cookie": COOKIE}])
def test_a_server_echoing_the_credential_into_an_error_body_leaks_nothing(credential: Dict[str, str]) -> None:
    secret = next(iter(credential.values()))
    with RawServer(_echo_headers) as server:
        with EthosClient(server.url, max_retries=0, **credential) as client:  # type: ignore[arg-type]
            with pytest.raises(APIStatusError) as caught:
                client.call("x.fail", strict=False)
    error = caught.value
    seen = [error.text, json.dumps(error.body), str(error), repr(error)]
    seen.append(pickle.dumps(error).decode("latin-1"))
    seen.append(str(pickle.loads(pickle.dumps(error)).text))
    seen.append(str(copy.deepcopy(error).body))
    assert all(secret not in text for text in seen)
    assert "***" in error.text and error.body["error"]["message"] == "boom"  # masked, not emptied
    held(f"a 500 echoing the {next(iter(credential))}: 0 occurrences in text, body, str, repr, pickle, deepcopy")


def test_a_non_envelope_answer_echoing_the_credential_leaks_nothing() -> None:
    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        conn.sendall(response_bytes("200 OK", f"<pre>{req.headers}</pre>".encode(), "text/html"))

    with RawServer(answer) as server:
        with EthosClient(server.url, cookie=COOKIE, max_retries=0) as client:
            with pytest.raises(UnexpectedResponseError) as caught:
                client.call("x.page", strict=False)
    assert COOKIE not in caught.value.text and COOKIE not in pickle.dumps(caught.value).decode("latin-1")


@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_a_client_refuses_to_be_pickled_or_copied_with_a_clear_error(how: str) -> None:
    client = EthosClient("http://127.0.0.1:3000", api_key=KEY)
    actions: Dict[str, Callable[[Any], Any]] = {"pickle": pickle.dumps, "copy": copy.copy, "deepcopy": copy.deepcopy}
    act = actions[how]
    with pytest.raises(TypeError, match="cannot be pickled or copied") as refused:
        act(client)
    assert KEY not in str(refused.value)
    with pytest.raises(TypeError):
        pickle.dumps(client._transport.credentials)
    client.close()
    FIGURES.add("hostile")


def test_the_secrets_kept_for_masking_are_those_of_live_clients_only() -> None:
    gc.collect()
    before = len(errors_module._KNOWN_SECRETS)
    clients = [EthosClient("http://127.0.0.1:3000", cookie=f"cookie{n:040d}") for n in range(2000)]
    assert len(errors_module._KNOWN_SECRETS) >= before + 2000
    twin = EthosClient("http://127.0.0.1:3000", cookie=f"cookie{7:040d}")  # the same cookie as a dying client
    for client in clients:
        client.close()
    del clients, client
    gc.collect()
    assert len(errors_module._KNOWN_SECRETS) <= before + 1
    # The cookie of the client still alive is still masked, though an equal one died.
    assert errors_module.redact(f"echo cookie{7:040d}") == "echo ***"
    assert errors_module.redact(f"echo cookie{8:040d}") == f"echo cookie{8:040d}"  # a dead client's: forgotten
    twin.close()
    held("2000 clients made and dropped: the masking set went back to its size before (+1 live client)")


# -- 8. ids that the URL layer would collapse -------------------------------------------------------


def test_dot_and_dot_dot_ids_are_refused_before_anything_is_sent() -> None:
    with RawServer(lambda conn, req, srv: conn.sendall(response_bytes("200 OK", b'{"ok":true}'))) as server:
        with EthosClient(server.url, cookie=COOKIE, max_retries=0) as client:
            attempts: List[Callable[[], Any]] = [
                lambda: client.personalities.delete_avatar(".."),
                lambda: client.personalities.delete_avatar("."),
                lambda: client.personalities.delete_avatar(""),
                lambda: client.personalities.avatar(".."),
                lambda: client.personalities.set_avatar("..", b"\x89PNG\r\n\x1a\n" + b"0" * 16),
                lambda: client.events(".."),
                lambda: client.events("."),
                lambda: client.goals.events(".."),
            ]
            for attempt in attempts:
                with pytest.raises(ConfigurationError, match="other than '.' and '..'"):
                    attempt()
            assert server.requests == []
            client.personalities.delete_avatar("%2e%2e")  # an id that merely looks like a step: sent quoted
            assert server.requests[0].path == "/api/personalities/%252e%252e/avatar"
    held(f"ids '', '.', '..': {len(attempts)} calls refused, 0 requests sent", len(attempts))


# -- 7. downloads ---------------------------------------------------------------------------------


def _serving(name: str, body: bytes = b"from the server") -> Callable[..., None]:
    from urllib.parse import quote

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        disposition = "attachment; filename*=UTF-8''" + quote(name, safe="")
        conn.sendall(response_bytes("200 OK", body, "application/octet-stream", (("content-disposition", disposition),)))

    return answer


def _download(name: str, to: Any, **options: Any) -> Any:
    with RawServer(_serving(name)) as server:
        with EthosClient(server.url, cookie=COOKIE, max_retries=0) as client:
            return client.documents.download("x", to=to, **options)


def test_a_download_never_replaces_an_existing_file_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    with pytest.raises(ConfigurationError, match="overwrite=True"):
        _download("notes.md", folder)
    with pytest.raises(ConfigurationError, match="overwrite=True"):
        _download("other.md", folder / "notes.md")
    assert (folder / "notes.md").read_text() == "mine" and os.listdir(folder) == ["notes.md"]
    got = _download("notes.md", folder, overwrite=True)
    assert got.path == folder / "notes.md" and got.path.read_bytes() == b"from the server"
    FIGURES.add("hostile", 2)


def test_a_symbolic_link_in_the_folder_is_never_written_through(tmp_path: Path) -> None:
    folder, outside = tmp_path / "downloads", tmp_path / "outside.txt"
    folder.mkdir()
    outside.write_text("precious")
    (folder / "notes.md").symlink_to(outside)
    (folder / "notes.md.part").symlink_to(outside)  # where the SDK used to write its partial file
    with pytest.raises(ConfigurationError, match="exists already"):
        _download("notes.md", folder)
    _download("fresh.md", folder)
    got = _download("notes.md", folder, overwrite=True)  # replaces the link itself
    assert outside.read_text() == "precious"
    assert got.path is not None and not got.path.is_symlink() and got.path.read_bytes() == b"from the server"
    assert sorted(os.listdir(folder)) == ["fresh.md", "notes.md", "notes.md.part"]
    FIGURES.add("hostile", 3)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../evil.sh", "evil.sh"),
        ("..\\..\\evil.bat", "evil.bat"),
        ("/etc/passwd", "passwd"),
        ("a\x00b.txt", "ab.txt"),
        ("in\x1b[31mvoice.pdf", "in[31mvoice.pdf"),
        ("report\u202egpj.exe", "reportgpj.exe"),  # a bidi override that would show it as ...exe.jpg
        ("x" * 1000 + ".txt", "x" * (MAX_NAME_LENGTH - 4) + ".txt"),
        ("..", "x"),  # nothing usable: the requested path's name
        (".bashrc", "bashrc"),
        ("CON.txt", None),
        ("nul", None),
    ],
)
def test_the_server_file_name_is_cleaned_to_one_harmless_name(name: str, expected: Optional[str], tmp_path: Path) -> None:
    assert download_name(name, "x") == expected
    folder = tmp_path / "downloads"
    folder.mkdir()
    if expected is None:
        with pytest.raises(ConfigurationError, match="pass to= a file path"):
            _download(name, folder)
    else:
        got = _download(name, folder)
        assert got.path == folder / expected and got.path.read_bytes() == b"from the server"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]  # nothing written beside the folder
    assert [p.name for p in folder.iterdir()] == ([] if expected is None else [expected])
    FIGURES.add("hostile")


def test_a_file_that_cannot_be_written_is_an_ethos_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(EthosError, match="cannot write the download"):
        _download("x", tmp_path / ("n" * 300))  # a name the file system refuses
    assert list(tmp_path.iterdir()) == []


# -- 10. the stream's first connection over a connection the server had closed --------------------


def test_the_stream_opens_when_its_pooled_connection_was_closed_by_the_server() -> None:
    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        if req.path.startswith("/rpc/sessions/get"):
            conn.sendall(keep_alive("200 OK", envelope({"id": "s1"})))
            dropped.append(read_request(conn))  # the stream's GET arrives on this kept-alive connection...
            conn.close()  # ...and the server closes it without a byte of answer
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                     b'data: {"type":"stream_meta","requestId":"r"}\n\n'
                     b'data: {"type":"text_delta","text":"hi"}\nid: 1\n\n')
        srv.hold(conn)

    runs = 10
    opened = 0
    dropped: List[Optional[Request]] = []
    for _ in range(runs):
        with RawServer(answer, keep_alive=True) as server:
            with EthosClient(server.url, cookie=COOKIE) as client:
                with client.events("s1", idle_timeout=5) as stream:
                    opened += next(iter(stream))["type"] == "text_delta"
            assert server.count("/sse/sessions/s1") == 1 and server.accepted == 2  # then a fresh connection
    assert opened == runs
    assert len(dropped) == runs and all(r is not None and r.path == "/sse/sessions/s1" for r in dropped)
    held(f"stream opened over a connection the server closed after sessions.get: {opened}/{runs} runs")


# -- 11. a timeout message that says what really timed out ------------------------------------------


def test_ask_does_not_blame_its_own_timeout_for_the_stream_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ethos_sdk._turn, "DEFAULT_CONNECT_TIMEOUT", 0.3)

    def answer(conn: socket.socket, req: Request, srv: RawServer) -> None:
        srv.hold(conn)  # the stream: accepted, never answered

    with RawServer(answer) as server:
        with EthosClient(server.url, cookie=COOKIE, max_retries=0) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                client.chat.ask("hi", session_id="s1", timeout=20)
            took = time.monotonic() - started
    assert took < 20
    assert "within 20" not in str(caught.value) and "/sse/sessions/s1" in str(caught.value)
    FIGURES.add("hostile")
