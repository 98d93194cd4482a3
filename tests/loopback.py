"""A threaded TCP server on 127.0.0.1 that the purpose-built test servers build on.

Each accepted connection gets a daemon thread running the subclass's
``_serve(conn)``; :meth:`LoopbackServer.stop` shuts every connection down,
joins every thread and closes every socket, so no test leaves one behind.
"""

from __future__ import annotations

import socket
import threading
from typing import List, TypeVar

SOCKET_TIMEOUT = 10.0
"""No read or write on a test connection waits longer than this."""

_Server = TypeVar("_Server", bound="LoopbackServer")


class LoopbackServer:
    """Listen on a free port of 127.0.0.1 and serve each connection in its own thread.

    Subclasses set up their own state first and call ``super().__init__()``
    last: accepting starts as soon as it returns.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.accepted = 0
        self._threads: List[threading.Thread] = []
        self._conns: List[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept_thread.start()

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(SOCKET_TIMEOUT)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self.lock:
                self.accepted += 1
                self._conns.append(conn)
                self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        """Stop accepting, end every connection and wait for every thread."""
        self.stopping.set()
        self._accept_thread.join(timeout=5)
        with self.lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)
        for conn in conns:
            try:
                conn.close()
            except OSError:
                pass
        self._listener.close()

    def __enter__(self: _Server) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
