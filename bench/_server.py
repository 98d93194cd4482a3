"""A small threaded loopback HTTP/1.1 server for the benchmarks.

It answers two kinds of request and nothing else:

* ``POST /rpc/sessions/list``: the recorded answer of the real server (capture
  ``rpc-01-sessions-list-bearer-origin``), on a kept-alive connection. The
  server does no work per request beyond reading the request, so the client's
  cost is what the benchmark sees.
* ``GET /sse/sessions/<kind>-<framing>-<count>``: an event stream,
  ``framing`` being ``chunked`` (one HTTP chunk per event, as the Ethos server
  writes them) or ``close`` (no ``Content-Length``, the body ends when the
  connection closes). ``kind`` is

  - ``bulk``: ``count`` small events as fast as the socket takes them;
  - ``paced``: events written one at a time, when the benchmark puts their
    id in :meth:`BenchServer.paced_writer`'s queue (latency). Each is stamped as
    it is written: ``{"type":"t","t":<microseconds since BenchServer.t0>}``
    (``time.perf_counter``), about 40 bytes in all.

Run it as a script (``python bench/_server.py``) to serve from another process:
it prints its port on the first line of stdout and serves until stdin closes.
Standard library only; it binds 127.0.0.1.
"""

from __future__ import annotations

import queue
import socket
import sys
import threading
import time
from typing import Dict, Iterator, Optional, Tuple

__all__ = ["BenchServer", "SESSIONS_LIST_BODY", "bulk_event", "bulk_payload"]

SESSIONS_LIST_BODY = (
    b'{"json":{"items":[{"id":"52df11a6-44e2-4ef2-80b4-837bb1141ff8",'
    b'"key":"web:3630b0c1-ccfd-4442-846e-da886ab22856","platform":"web","model":"fake-model",'
    b'"provider":"openai-compat","personalityId":null,"parentSessionId":null,"workingDir":null,'
    b'"title":null,"pinned":false,"usage":{"inputTokens":0,"outputTokens":0,"cacheReadTokens":0,'
    b'"cacheCreationTokens":0,"estimatedCostUsd":0,"apiCallCount":0,"compactionCount":0},'
    b'"createdAt":"2026-11-23T08:50:45.681Z","updatedAt":"2026-11-23T08:50:45.681Z","version":1}],'
    b'"nextCursor":null}}'
)
"""The body of the recorded ``sessions.list`` answer (523 bytes)."""

_RPC_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"access-control-allow-credentials: true\r\n"
    b"content-type: application/json\r\n"
    b"vary: Origin\r\n"
    b"x-request-id: a649d62a-927b-4e92-b3bc-92da82ef5e96\r\n"
    b"content-length: %d\r\n"
    b"Date: Mon, 23 Nov 2026 08:52:45 GMT\r\n"
    b"Connection: keep-alive\r\n\r\n" % len(SESSIONS_LIST_BODY)
)
_RPC_ANSWER = _RPC_HEAD + SESSIONS_LIST_BODY

_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"cache-control: no-cache\r\n"
    b"content-type: text/event-stream\r\n"
    b"x-request-id: 5659e9b6-c343-426e-b79e-c5f2e7179d69\r\n"
)
_META = b'data: {"type":"stream_meta","requestId":"5659e9b6-c343-426e-b79e-c5f2e7179d69"}\n\n'
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nConnection: close\r\n\r\n"

_BATCH_BYTES = 64 * 1024


def bulk_event(seq: int) -> bytes:
    """One small event frame (about 60 bytes), as the Ethos server writes a ``text_delta``."""
    return b'data: {"type":"text_delta","text":"w%d "}\nid: %d\n\n' % (seq % 1000, seq)


def bulk_payload(first: int, count: int) -> bytes:
    return b"".join(bulk_event(seq) for seq in range(first, first + count))


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class BenchServer:
    """Serve on 127.0.0.1 in daemon threads, one per connection; use as a context manager."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.rpc_count = 0
        self.t0 = time.perf_counter()
        """The origin of the paced events' stamps."""
        # paced streams: session name -> queue of event ids to write (None ends the body)
        self._paced: Dict[str, "queue.Queue[Optional[int]]"] = {}
        self._paced_lock = threading.Lock()

    # -- life cycle ------------------------------------------------------------

    def start(self) -> "BenchServer":
        self._thread = threading.Thread(target=self._accept_loop, name="bench-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._paced_lock:
            for q in self._paced.values():
                q.put(None)

    def __enter__(self) -> "BenchServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- paced streams (latency) ---------------------------------------------

    def paced_writer(self, name: str) -> "queue.Queue[Optional[int]]":
        """Put an event id here and ``/sse/sessions/paced-<framing>-<name>`` writes it; ``None`` ends it."""
        with self._paced_lock:
            return self._paced.setdefault(name, queue.Queue())

    # -- serving -----------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._stopping.is_set():
                request = _read_request(reader)
                if request is None:
                    return
                method, path = request
                if method == "POST" and path == "/rpc/sessions/list":
                    self.rpc_count += 1
                    conn.sendall(_RPC_ANSWER)
                    continue
                if method == "GET" and path.startswith("/sse/sessions/"):
                    self._stream(conn, path[len("/sse/sessions/"):])
                    return  # a stream is the last answer of its connection
                conn.sendall(_NOT_FOUND)
                return
        except OSError:
            return
        finally:
            try:
                reader.close()
                conn.close()
            except OSError:
                pass

    def _stream(self, conn: socket.socket, spec: str) -> None:
        kind, framing, arg = spec.split("-", 2)
        chunked = framing == "chunked"
        if chunked:
            conn.sendall(_SSE_HEAD + b"transfer-encoding: chunked\r\n\r\n" + _chunk(_META))
        else:
            conn.sendall(_SSE_HEAD + b"Connection: close\r\n\r\n" + _META)
        wrap = _chunk if chunked else (lambda b: b)
        if kind == "bulk":
            for frames in _bulk_batches(int(arg), chunked):
                if self._stopping.is_set():
                    return
                conn.sendall(frames)
        elif kind == "paced":
            q = self.paced_writer(arg)
            clock, t0 = time.perf_counter, self.t0
            while True:
                try:
                    seq = q.get(timeout=30.0)
                except queue.Empty:
                    return
                if seq is None:
                    break
                stamp = int((clock() - t0) * 1e6)
                conn.sendall(wrap(b'data: {"type":"t","t":%d}\nid: %d\n\n' % (stamp, seq)))
        if chunked:
            conn.sendall(b"0\r\n\r\n")
        try:
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _bulk_batches(count: int, chunked: bool) -> Iterator[bytes]:
    """``count`` events in ~64 KiB writes; chunked bodies get one HTTP chunk per event."""
    seq = 1
    per_batch = max(1, _BATCH_BYTES // 60)
    while seq <= count:
        n = min(per_batch, count - seq + 1)
        if chunked:
            yield b"".join(_chunk(bulk_event(s)) for s in range(seq, seq + n))
        else:
            yield bulk_payload(seq, n)
        seq += n


def _read_request(reader) -> Optional[Tuple[str, str]]:  # type: ignore[no-untyped-def]
    line = reader.readline(65536)
    if not line:
        return None
    parts = line.split()
    if len(parts) < 2:
        return None
    length = 0
    for _ in range(100):
        header = reader.readline(65536)
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        reader.read(length)
    return parts[0].decode("ascii"), parts[1].decode("ascii")


def main() -> None:
    server = BenchServer().start()
    sys.stdout.write(f"{server.port}\n")
    sys.stdout.flush()
    sys.stdin.read()  # serve until the parent closes our stdin (or exits)
    server.stop()


if __name__ == "__main__":
    main()
