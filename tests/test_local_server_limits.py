"""``LocalEthosServer`` on a network: what it reads, for how long, and how many connections it serves at once.

Users run the local server in their own tests and demos, sometimes where
others can reach it. Each case was first reproduced against it: a 2 GiB
unauthenticated body grew it by 2 GiB, ``Content-Length: 10**12`` printed a
``MemoryError`` traceback, and 3,000 half-sent requests made 3,000 threads.
The memory and thread figures are the server's alone: it runs in a child
process and the test reads that process's ``/proc/<pid>/status``, as
``tests/test_hostile.py`` measures a client.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import selectors
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Tuple, cast
from urllib.parse import urlsplit

import pytest

from ethos_sdk import APIStatusError, EthosClient
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.testing._http import MAX_BODY_BYTES

from .conftest import ROOT, report

needs_proc = pytest.mark.skipif(
    not os.path.exists("/proc/self/status"), reason="measures the server's memory and threads in /proc (Linux only)"
)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(request_timeout=1.0) as running:
        yield running


def _address(base_url: str) -> Tuple[str, int]:
    parts = urlsplit(base_url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def _send_head(address: Tuple[str, int], head: str, body: bytes = b"") -> socket.socket:
    """A connection that has sent ``head`` (request line and headers, CRLF-separated) and ``body``."""
    connection = socket.create_connection(address, timeout=10)
    connection.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)
    return connection


def _answer(connection: socket.socket, within: float = 3.0) -> Tuple[int, Dict[str, str], bytes]:
    """The status, headers and body of the answer read from ``connection``, waiting at most ``within`` seconds."""
    connection.settimeout(within)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        assert chunk, f"the server closed without an answer (got {received!r})"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        assert chunk, "the answer's body was cut short"
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _closed_by_server(connection: socket.socket, within: float) -> bool:
    """True when the server ends the connection (EOF or reset) within ``within`` seconds."""
    connection.settimeout(within)
    try:
        while connection.recv(65536):
            pass
    except (socket.timeout, TimeoutError):
        return False
    except OSError:
        return True
    return True


# ----------------------------------------------------- the body comes last


@pytest.mark.parametrize(
    "path",
    ["/rpc/sessions/list", "/rpc/chat/send", "/api/personalities/researcher/avatar", "/sse/sessions/s1"],
)
def test_an_unauthenticated_request_is_answered_before_its_body_is_sent(server: LocalEthosServer, path: str) -> None:
    head = f"POST {path} HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 1000000\n"
    started = time.monotonic()
    with _send_head(_address(server.base_url), head) as connection:  # and not one byte of the million
        status, headers, body = _answer(connection)
    took = time.monotonic() - started
    assert status == 401 and json.loads(body)["code"] == "UNAUTHORIZED"
    assert headers.get("connection") == "close"  # the body is never read: the connection ends with the answer
    report(f"local server: 401 for {path} before its 1 MB body was sent, in {took * 1000:.0f} ms")


def test_a_short_unread_body_is_dropped_and_the_connection_serves_the_next_request(server: LocalEthosServer) -> None:
    head = "POST /rpc/sessions/list HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 11\n"
    authorised = (
        f"POST /rpc/sessions/list HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        f"Authorization: Bearer {server.api_key}\nOrigin: {server.origin}\nContent-Length: 11\n"
    )
    with _send_head(_address(server.base_url), head, b'{"json":{}}') as connection:
        assert _answer(connection)[0] == 401
        connection.sendall(authorised.replace("\n", "\r\n").encode() + b"\r\n" + b'{"json":{}}')
        status, _, body = _answer(connection)
    assert status == 200 and "items" in json.loads(body)["json"]


def test_an_accepted_body_is_read_whole(server: LocalEthosServer) -> None:
    with server.client(timeout=10) as client:
        text = "x" * (3 * 1024 * 1024)  # spans many reads
        sent = client.chat.send(text)
        assert client.sessions.get(sent["sessionId"])["messages"][0]["content"] == text


@pytest.mark.parametrize(
    "length, status, code",
    [
        (str(10**12), 413, "PAYLOAD_TOO_LARGE"),
        (str(MAX_BODY_BYTES + 1), 413, "PAYLOAD_TOO_LARGE"),
        ("-1", 400, "BAD_REQUEST"),
        ("abc", 400, "BAD_REQUEST"),
        ("1e3", 400, "BAD_REQUEST"),
        ("+12", 400, "BAD_REQUEST"),
        ("99999999999999999999999", 400, "BAD_REQUEST"),
    ],
)
def test_a_content_length_it_will_not_read_is_answered_at_once_without_a_traceback(
    server: LocalEthosServer, capfd: pytest.CaptureFixture[str], length: str, status: int, code: str
) -> None:
    head = (
        f"POST /rpc/sessions/list HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        f"Authorization: Bearer {server.api_key}\nOrigin: {server.origin}\nContent-Length: {length}\n"
    )
    with _send_head(_address(server.base_url), head, b'{"json":{}}') as connection:
        got, headers, body = _answer(connection)
    assert (got, json.loads(body)["code"]) == (status, code) and headers.get("connection") == "close"
    with server.client(timeout=10) as client:
        assert "items" in client.sessions.list()  # and the server goes on
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "extra, status",
    [("Content-Length: 2\nContent-Length: 3\n", 400), ("Transfer-Encoding: chunked\n", 411)],
)
def test_two_lengths_or_a_chunked_body_are_refused_unread(server: LocalEthosServer, extra: str, status: int) -> None:
    head = f"POST /rpc/sessions/list HTTP/1.1\nHost: x\nAuthorization: Bearer {server.api_key}\n{extra}"
    with _send_head(_address(server.base_url), head, b"3\r\n{}\n\r\n0\r\n\r\n") as connection:
        assert _answer(connection)[0] == status


def test_the_sdk_reports_a_body_over_the_limit_as_a_413(server: LocalEthosServer) -> None:
    with server.client(timeout=10, max_retries=0) as client:
        with pytest.raises(APIStatusError) as refused:
            client.chat.send("y" * (MAX_BODY_BYTES + 1))
        assert refused.value.status == 413 and "over the local test server's limit" in str(refused.value)
        assert "items" in client.sessions.list()


# --------------------------------------------------------------- timeouts


@pytest.mark.parametrize(
    "sent",
    [
        "POST /rpc/sessions/list HTTP/1.1\r\nHost: x\r\n",  # the headers never end
        "POST /rpc/sessions/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
        "Origin: {origin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"json\"",  # nor the body
        "",  # nothing after connecting
    ],
)
def test_a_half_sent_request_is_dropped_after_request_timeout(server: LocalEthosServer, sent: str) -> None:
    connection = socket.create_connection(_address(server.base_url), timeout=10)
    with connection:
        connection.sendall(sent.format(key=server.api_key, origin=server.origin).encode())
        started = time.monotonic()
        assert _closed_by_server(connection, within=10), "still open 10 s after request_timeout=1"
    took = time.monotonic() - started
    report(f"local server: a half-sent request dropped after {took:.2f} s (request_timeout=1)")
    assert took < 5


def test_request_timeout_and_max_connections_are_checked() -> None:
    for bad in ({"request_timeout": 0}, {"request_timeout": float("inf")}, {"max_connections": 0},
                {"max_connections": 2.5}, {"max_connections": True}):
        with pytest.raises(ValueError):
            LocalEthosServer(**bad)


# ------------------------------------------------- the server in a child process


@dataclass
class Child:
    process: "subprocess.Popen[bytes]"
    base_url: str
    api_key: str
    origin: str

    def status(self) -> Dict[str, int]:
        """VmHWM and VmRSS (kB) and Threads of the server's process."""
        figures: Dict[str, int] = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmHWM", "VmRSS", "Threads"):
                    figures[name] = int(value.split()[0])
        return figures

    def client(self) -> EthosClient:
        return EthosClient(self.base_url, api_key=self.api_key, origin=self.origin, timeout=10)


_CHILD = """
import json, sys
from ethos_sdk.testing import LocalEthosServer
with LocalEthosServer(**json.loads(sys.argv[1])) as server:
    print(json.dumps({"base_url": server.base_url, "api_key": server.api_key, "origin": server.origin}), flush=True)
    sys.stdin.read()  # serve until the test closes this
"""


@contextlib.contextmanager
def server_in_child(**options: Any) -> Iterator[Child]:
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(options)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert process.stdout is not None and process.stdin is not None and process.stderr is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the server did not start within 30 s"
        started = json.loads(process.stdout.readline())
        child = Child(process, started["base_url"], started["api_key"], started["origin"])
        with child.client() as client:
            client.sessions.list()  # warm: the figures after this are the server at work
        yield child
    finally:
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    process.stdout.close()
    assert "Traceback" not in errors, errors[-3000:]


def _stream(connection: socket.socket, total: int) -> Tuple[int, float]:
    """Send ``total`` zero bytes (1 MiB at a time, the same buffer) until done or the server closes; bytes sent, seconds."""
    chunk = memoryview(bytes(1024 * 1024))
    sent = 0
    started = time.monotonic()
    try:
        while sent < total:
            sent += connection.send(chunk[: min(len(chunk), total - sent)])
    except OSError:
        pass
    return sent, time.monotonic() - started


@needs_proc
def test_a_2_gib_unauthenticated_body_grows_the_server_by_less_than_100_mb() -> None:
    total = 2 * 1024**3
    with server_in_child() as child:
        before = child.status()
        outcomes: List[Tuple[str, int, int, float]] = []
        for route, length in (("/rpc/sessions/list", total), ("/rpc/chat/send", MAX_BODY_BYTES - 1024)):
            head = f"POST {route} HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: {length}\n"
            with _send_head(_address(child.base_url), head) as connection:
                sender_result: List[Tuple[int, float]] = []
                sender = threading.Thread(target=lambda: sender_result.append(_stream(connection, length)), daemon=True)
                sender.start()
                status, _, _ = _answer(connection, within=60)
                sender.join(120)
                assert not sender.is_alive()
            outcomes.append((route, status, *sender_result[0]))
        after = child.status()
        with child.client() as client:
            assert "items" in client.sessions.list()
    growth_mb = (after["VmHWM"] - before["VmHWM"]) / 1024
    for route, status, sent, seconds in outcomes:
        report(f"local server: unauthenticated {route}: answered {status}; the client got {sent / 1024**2:,.0f} MiB "
               f"out in {seconds:.2f} s before the server closed or the body ended")
    report(f"local server: peak memory grew by {growth_mb:.1f} MB over both bodies (bound 100 MB); "
           f"peak {after['VmHWM'] / 1024:.0f} MB")
    assert [status for _, status, _, _ in outcomes] == [413, 401]
    assert growth_mb < 100


def _raise_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"needs {wanted} open files and this system allows {hard} (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@needs_proc
def test_3000_half_sent_requests_never_make_more_threads_than_the_bound() -> None:
    count, bound = 3000, 128
    _raise_open_files(count + 200)
    with server_in_child(request_timeout=5.0, max_connections=bound) as child:
        idle = child.status()["Threads"]
        address = _address(child.base_url)
        half_sent = b"POST /rpc/sessions/list HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"  # headers never end
        sockets: List[socket.socket] = []
        connected = selectors.DefaultSelector()  # select() cannot watch descriptors past 1024
        try:
            for _ in range(count):
                connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                connection.setblocking(False)
                connection.connect_ex(address)
                sockets.append(connection)
                connected.register(connection, selectors.EVENT_WRITE)
            most = idle
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                for key, _ in connected.select(0.05):
                    with contextlib.suppress(OSError):
                        cast(socket.socket, key.fileobj).send(half_sent)
                    connected.unregister(key.fileobj)
                most = max(most, child.status()["Threads"])
        finally:
            connected.close()
            for connection in sockets:
                connection.close()
        started = time.monotonic()
        with child.client() as client:
            assert "items" in client.sessions.list()
        answered_in = time.monotonic() - started
    report(f"local server: {count} half-sent requests: at most {most} threads (idle {idle}, bound {bound} "
           f"connections); a normal call answered {answered_in:.2f} s after they were closed")
    assert most <= idle + bound
