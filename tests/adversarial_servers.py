"""Small loopback servers that misbehave on purpose, and the figures of the adversarial suite.

``RawServer`` accepts connections on 127.0.0.1 and hands each one, with the
request it read, to a *behaviour*: a function that writes whatever bytes it
likes (or nothing, or a reset). Every socket has a timeout, every thread is
joined by :meth:`RawServer.stop`, and every accepted connection is closed.

``EventLogServer`` serves one session's SSE stream from a list of events the
test controls: it honours ``Last-Event-ID`` like the Ethos server (replay of
the ids above it from a bounded buffer), can cut each connection after a given
number of body bytes (mid-frame included), and can restart (ids from 1 again).

``FIGURES`` counts what the suite did; a session fixture reports the totals.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from .conftest import report as report  # re-exported for the test modules
from .loopback import LoopbackServer



# -- figures ------------------------------------------------------------------------


@dataclass
class Figures:
    """Totals of the adversarial suite, printed once at the end of the run."""

    counts: Counter[str] = field(default_factory=Counter)
    reported: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            self.counts[name] += amount

    def summary(self) -> str:
        c = self.counts
        return (
            f"adversarial summary: {c['faults']} faults injected, {c['calls']} calls made, "
            f"{c['events']} events checked, {c['fuzzed']} inputs fuzzed; "
            f"{c['lost']} lost, {c['duplicated']} duplicated, {c['leaked']} leaked; "
            f"{c['hostile']} hostile cases held (answers, URLs, credentials, ids, file names)"
        )


FIGURES = Figures()


@pytest.fixture(scope="session", autouse=True)
def adversarial_summary() -> Iterator[Figures]:
    """Report the suite's totals once, after every adversarial test has run."""
    yield FIGURES
    with FIGURES.lock:
        if FIGURES.reported or not FIGURES.counts:
            return
        FIGURES.reported = True
    report(FIGURES.summary())


# -- a raw server ---------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


Behaviour = Callable[[socket.socket, Request, "RawServer"], None]


def read_request(conn: socket.socket) -> Optional[Request]:
    """One HTTP/1.1 request (head and Content-Length body), or ``None`` if the client left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return Request(method, path, headers, rest[:length])


def response_bytes(
    status: str, body: bytes, content_type: str = "application/json", extra: Tuple[Tuple[str, str], ...] = ()
) -> bytes:
    """A complete answer that also says the connection closes after it (as the raw server does)."""
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in extra]
    if not any(k.lower() == "connection" for k, _ in extra):
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def reset(conn: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN (SO_LINGER 0)."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class RawServer(LoopbackServer):
    """Accept on 127.0.0.1 and let ``behaviour`` answer each request; keep-alive when it returns True."""

    def __init__(self, behaviour: Behaviour, *, keep_alive: bool = False) -> None:
        self.behaviour = behaviour
        self.keep_alive = keep_alive
        self.requests: List[Request] = []
        super().__init__()

    def count(self, path_suffix: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path.endswith(path_suffix))

    def _serve(self, conn: socket.socket) -> None:
        try:
            for _ in range(100_000):  # bounded keep-alive loop
                if self.stopping.is_set():
                    return
                request = read_request(conn)
                if request is None:
                    return
                with self.lock:
                    self.requests.append(request)
                self.behaviour(conn, request, self)
                if not self.keep_alive or conn.fileno() < 0:
                    return
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def hold(self, conn: socket.socket) -> None:
        """Say nothing until the client leaves or the server stops."""
        conn.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                if conn.recv(4096) == b"":
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def drop_all(self) -> None:
        with self.lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# -- an SSE server with a controllable event log ------------------------------------------


class EventLogServer:
    """One session's stream: ids 1..n of ``events``, honouring ``Last-Event-ID``.

    ``cuts`` is a list of byte counts: connection *k* is cut abruptly after
    ``cuts[k]`` body bytes (a later connection, once the list is used up, runs
    to the end of the events and then stays open, silent). ``buffer`` bounds
    the replay like the server's 1000-event buffer.
    """

    def __init__(self, events: List[Dict[str, Any]], *, cuts: Optional[List[int]] = None, buffer: int = 10**9) -> None:
        self.lock = threading.Lock()
        self.events = list(events)
        self.first_id = 1
        self.cuts = list(cuts or [])
        self.buffer = buffer
        self.last_event_ids: List[Optional[str]] = []
        self.cut_count = 0
        self.raw = RawServer(self._answer)
        self.url = self.raw.url

    def restart(self, events: List[Dict[str, Any]]) -> None:
        """Forget everything: the new events are numbered from 1."""
        with self.lock:
            self.events = list(events)

    def frames(self, after: int) -> bytes:
        with self.lock:
            numbered = list(enumerate(self.events, start=1))[-self.buffer :]
        out = [b'data: {"type":"stream_meta","requestId":"adv"}\n\n']
        for seq, event in numbered:
            if seq > after:
                out.append(b"data: " + json.dumps(event).encode() + b"\nid: " + str(seq).encode() + b"\n\n")
        return b"".join(out)

    def _answer(self, conn: socket.socket, request: Request, server: RawServer) -> None:
        raw_last = request.headers.get("last-event-id")
        with self.lock:
            self.last_event_ids.append(raw_last)
            cut = self.cuts.pop(0) if self.cuts else None
        after = int(raw_last) if raw_last and re.fullmatch(r"\d+", raw_last) else 0
        body = self.frames(after)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Connection: close\r\n\r\n"
        )
        if cut is not None and cut < len(body):
            conn.sendall(body[:cut])
            with self.lock:
                self.cut_count += 1
            reset(conn)
            return
        conn.sendall(body)
        server.hold(conn)

    def append(self, events: List[Dict[str, Any]]) -> None:
        with self.lock:
            self.events.extend(events)

    def drop_all(self) -> None:
        """Cut every open connection abruptly (the client sees the body end)."""
        self.raw.drop_all()

    def stop(self) -> None:
        self.raw.stop()

    def __enter__(self) -> "EventLogServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def open_fds() -> int:
    """How many file descriptors this process has open."""
    import os

    return len(os.listdir("/proc/self/fd"))


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
