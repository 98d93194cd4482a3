"""A small threaded loopback HTTP server that plays scripted SSE answers, for the stream tests.

Each incoming GET takes the next *script* from a queue. A script is a list of
steps: ``bytes`` to write (sent as they are on a close-delimited body, or as
one HTTP chunk each when ``chunked=True``), a ``float`` to pause, ``HOLD`` to
keep the connection open silently until the server stops or the client goes
away, ``CLOSE`` to end the connection abruptly. A POST goes to ``on_post``, or is
answered 404 (an unknown route) when there is none. The line and headers of
every GET and handled POST are recorded in ``server.requests`` so tests can
assert what the client sent (``Last-Event-ID`` above all).

Nothing here can hang a test: every socket has a timeout, and ``stop()``
wakes held connections and joins every thread.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple, Union

from .loopback import LoopbackServer

HOLD = "hold"
CLOSE = "close"

Step = Union[bytes, float, str, threading.Event]
"""bytes to send, seconds to pause, HOLD or CLOSE, or an Event to wait for (at most 5 s)."""

PostHandler = Callable[["Received", bytes], Tuple[str, bytes]]



@dataclass
class Script:
    """One answer: status line and headers, then the body steps."""

    steps: Sequence[Step] = ()
    status: str = "200 OK"
    content_type: str = "text/event-stream"
    chunked: bool = True
    extra_headers: Sequence[tuple[str, str]] = ()
    body_is_complete: bool = False  # a fixed body with Content-Length (for error answers)
    raw: Optional[bytes] = None  # a whole recorded answer, sent byte for byte (then the steps)


@dataclass
class Received:
    """What the client sent for one request."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    at: float = 0.0

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())


class SSEServer(LoopbackServer):
    """Serve scripts in order on 127.0.0.1; once they run out, repeat ``default`` (or hold)."""

    def __init__(
        self,
        scripts: Sequence[Script] = (),
        default: Optional[Script] = None,
        on_post: Optional[PostHandler] = None,
    ) -> None:
        self._scripts: List[Script] = list(scripts)
        self.default = default
        self.on_post = on_post
        self.requests: List[Received] = []
        self.hung_up = 0
        """Held connections the client closed."""
        self.posts_refused = 0
        """POSTs answered 404 because no ``on_post`` was given."""
        super().__init__()

    # -- control ---------------------------------------------------------------

    def wait_for_hang_ups(self, count: int, within: float = 2.0) -> int:
        """Wait until ``count`` held connections were closed by the client (at most ``within`` s); the count seen.

        The server notices a closed connection within about 50 ms of its
        polling, later on a loaded machine: tests that check the client let go
        wait for it here rather than stopping the server at once.
        """
        deadline = time.monotonic() + within
        while self.hung_up < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.hung_up

    def add(self, *scripts: Script) -> None:
        with self.lock:
            self._scripts.extend(scripts)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.requests) >= count:
                return True
            time.sleep(0.005)
        return False

    # -- serving ---------------------------------------------------------------

    def _read_request(self, conn: socket.socket) -> Optional[Tuple[Received, bytes]]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
        head_bytes, _, body = data.partition(b"\r\n\r\n")
        head = head_bytes.decode("latin-1")
        lines = head.split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(body) < length:
            chunk = conn.recv(4096)
            if not chunk:
                break
            body += chunk
        return Received(method, path, headers, time.monotonic()), body

    def _next_script(self) -> Optional[Script]:
        with self.lock:
            if self._scripts:
                return self._scripts.pop(0)
            return self.default

    def _serve(self, conn: socket.socket) -> None:
        try:
            got = self._read_request(conn)
            if got is None:
                return
            request, body = got
            if request.method == "POST" and self.on_post is None:
                # No RPC here (an EventStream's session check gets the real server's
                # answer to an unknown route, and goes on): not one of `requests`.
                self.posts_refused += 1
                conn.sendall(
                    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: 10\r\nConnection: close\r\n\r\nNot Found\n"
                )
                return
            self.requests.append(request)
            if request.method == "POST" and self.on_post is not None:
                status, answer = self.on_post(request, body)
                conn.sendall(
                    (
                        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(answer)}\r\nConnection: close\r\n\r\n"
                    ).encode("latin-1")
                    + answer
                )
                return
            script = self._next_script()
            if script is None:
                script = Script([HOLD])
            self._play(conn, script)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _play(self, conn: socket.socket, script: Script) -> None:
        if script.raw is not None:
            conn.sendall(script.raw)
            self._steps(conn, script.steps, chunked=False)
            return
        head = [f"HTTP/1.1 {script.status}", f"Content-Type: {script.content_type}"]
        head += [f"{name}: {value}" for name, value in script.extra_headers]
        if script.body_is_complete:
            body = b"".join(s for s in script.steps if isinstance(s, bytes))
            head += [f"Content-Length: {len(body)}", "Connection: close"]
            conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            return
        head.append("Cache-Control: no-cache")
        if script.chunked:
            head.append("Transfer-Encoding: chunked")
        else:
            head.append("Connection: close")
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if self._steps(conn, script.steps, chunked=script.chunked) and script.chunked:
            conn.sendall(b"0\r\n\r\n")

    def _steps(self, conn: socket.socket, steps: Sequence[Step], *, chunked: bool) -> bool:
        """Play the body steps; True when they ran out (the body may be ended)."""
        for step in steps:
            if self.stopping.is_set():
                return False
            if isinstance(step, threading.Event):
                step.wait(5.0)
            elif isinstance(step, bytes):
                if chunked:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(step), step))
                else:
                    conn.sendall(step)
            elif isinstance(step, float):
                if self.stopping.wait(step):
                    return False
            elif step == HOLD:
                self._hold(conn)
                return False
            elif step == CLOSE:
                return False
        return True

    def _hold(self, conn: socket.socket) -> None:
        """Keep the connection open, silent, until the client leaves or the server stops."""
        conn.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                if conn.recv(1) == b"":
                    self.hung_up += 1
                    return
            except socket.timeout:
                continue
            except OSError:
                self.hung_up += 1
                return


class _Reads:
    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = list(chunks)

    def read1(self, amt: int, decode_content: bool = False) -> bytes:
        return self._chunks.pop(0) if self._chunks else b""


class ReadsResponse:
    """A stand-in for a streamed ``requests.Response`` whose body arrives as ``chunks``, one per read.

    Give it to an EventStream through ``stream._open`` to run the stream's own
    byte-to-event path without a socket; after the last chunk the body ends.
    """

    status_code = 200
    headers: dict[str, str] = {}

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.raw = _Reads(chunks)

    def close(self) -> None:
        pass


def frame(seq: Optional[int], data: str, newline: str = "\n") -> bytes:
    """One event frame as the Ethos server writes it: data line first, then the id."""
    lines = [f"data: {data}"]
    if seq is not None:
        lines.append(f"id: {seq}")
    return (newline.join(lines) + newline + newline).encode("utf-8")


def meta(request_id: str = "req-1") -> bytes:
    return frame(None, '{"type":"stream_meta","requestId":"%s"}' % request_id)


def delta(seq: int, text: str) -> bytes:
    return frame(seq, '{"type":"text_delta","text":"%s"}' % text)
