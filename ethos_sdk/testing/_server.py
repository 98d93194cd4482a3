"""``LocalEthosServer``: start, stop, credentials and fault injection."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Optional, Tuple, Type

from ._events import EventHub
from ._http import EthosHTTPServer, ReceivedRequest
from ._scopes import ALL_SCOPES
from ._state import AgentSettings, State

if TYPE_CHECKING:
    from .._client import EthosClient

__all__ = ["Faults", "LocalEthosServer"]


class Faults:
    """Misbehaviour on demand, for resilience tests. Every method is thread-safe.

    Reach it as ``server.faults``; :meth:`clear` undoes everything.
    """

    def __init__(self, hub: EventHub, state: Optional[State] = None) -> None:
        self._lock = threading.Lock()
        self._hub = hub
        self._state = state
        self._down_until = 0.0
        self._failures: list[Tuple[int, Optional[str]]] = []
        self._delay = 0.0
        self._drops: list[int] = []

    def fail_next(self, count: int = 1, *, status: int = 503, retry_after: Optional[str] = None) -> None:
        """Answer the next ``count`` RPC calls with ``status`` (and a ``Retry-After`` header if given).

        The calls are still counted in ``server.request_counts``; they never run.
        """
        with self._lock:
            self._failures.extend([(status, retry_after)] * count)

    def delay_responses(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each RPC call from now on (``0`` stops it)."""
        with self._lock:
            self._delay = max(0.0, seconds)

    def drop_stream_after(self, frames: int, *, streams: int = 1) -> None:
        """Cut the next ``streams`` SSE connections after ``frames`` event frames.

        ``stream_meta`` does not count, so ``0`` cuts right after it. The cut is
        abrupt (no final chunk), as when a proxy or the network drops it.
        """
        with self._lock:
            self._drops.extend([frames] * streams)

    def restart(self, *, down_for: float = 0.0) -> None:
        """Behave as the real server does when it is killed and started again.

        Every turn in flight is lost: it sends nothing more, never ends with
        ``done`` and its partial reply is not saved. Every session's event
        buffer is forgotten, so event ids start again at 1, and every open
        stream ends abruptly. Sessions, messages, memory and keys are kept
        (the real server keeps them on disk). With ``down_for``, every
        connection made in the next ``down_for`` seconds is closed without an
        answer, as while the real server starts up (4-6 s).
        """
        with self._lock:
            self._down_until = time.monotonic() + max(0.0, down_for)
        if self._state is not None:
            self._state.restart()
        else:
            self._hub.reset()

    def restart_event_buffer(self) -> None:
        """The same as :meth:`restart` with no down time (its older name)."""
        self.restart()

    def is_down(self) -> bool:
        """True while a :meth:`restart` keeps the server down."""
        with self._lock:
            return time.monotonic() < self._down_until

    def clear(self) -> None:
        """No more failures, delays, drops or down time."""
        with self._lock:
            self._failures.clear()
            self._drops.clear()
            self._delay = 0.0
            self._down_until = 0.0

    # Used by the request handler.
    def take_failure(self) -> Optional[Tuple[int, Optional[str]]]:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def take_stream_drop(self) -> Optional[int]:
        with self._lock:
            return self._drops.pop(0) if self._drops else None

    def wait_delay(self, stopping: threading.Event) -> None:
        with self._lock:
            delay = self._delay
        if delay:
            stopping.wait(delay)


class LocalEthosServer:
    """An Ethos-compatible server on this machine, for trying the SDK and testing scripts.

    It speaks the real server's wire (RPC envelopes, errors, API keys and the
    web cookie, the SSE stream) and answers chats with a scripted agent: the
    reply to ``text`` is ``"Hello from the fake LLM. You said: <text>"``,
    streamed word by word. A prompt containing ``USE_TOOL:<name>`` makes a tool
    call first, ``SLOW`` streams slowly enough to abort, and ``FAIL`` ends the
    turn with an ``error`` event. A ``terminal`` command the real server's
    guard flags waits for ``tools.approve``/``tools.deny``, and the ``clarify``
    tool waits for ``clarify.respond``, as on the real server. State lives in memory and dies with the server.

    Args:
        host: the address to listen on (default loopback only).
        port: the port; ``0`` picks a free one.
        word_delay: seconds between words of an ordinary reply.
        slow_word_delay: seconds between words when the prompt says ``SLOW``.
        emit_message_persisted: also send ``message_persisted`` events (the real
            server's web turns, as recorded, send none).
        system_ping_interval: seconds between the pings of ``/sse/system``
            (25 on the real server).
        goal_poll_interval: how often a live goal stream looks for new events
            (1 s on the real server).
        goal_step_delay: seconds between two events of the scripted goal
            (``slow_goal_step_delay`` when its text says ``SLOW``).
        work_step_delay: seconds between two steps of a batch or evaluation
            run (one task each) and of a background task (one status each);
            ``slow_work_step_delay`` when the prompt says ``SLOW``.
        documents_dir: the folder holding each personality's documents folder
            (``<documents_dir>/<personality id>``); default: a temporary
            folder removed at :meth:`stop`. See :meth:`documents_path`.
        request_timeout: the longest wait, in seconds, for each read or write
            of a connection: a request sent in part and then abandoned is
            dropped after it, and so is a connection left idle between
            requests (clients reconnect by themselves).
        max_connections: how many connections are served at once, one thread
            each (an open event stream holds one). The next ones wait to be
            accepted until one closes.

    It defends itself as a server on a network should: a request's body is
    read only once its headers are accepted (authentication first) and never
    beyond 32 MiB (a longer one is answered 413 without being read), and a
    ``Content-Length`` that is not one whole number is answered 400.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with LocalEthosServer() as server:
            client = server.client()
            client.chat.send("hello")
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        word_delay: float = 0.002,
        slow_word_delay: float = 0.5,
        emit_message_persisted: bool = False,
        system_ping_interval: float = 25.0,
        goal_poll_interval: float = 1.0,
        goal_step_delay: float = 0.05,
        slow_goal_step_delay: float = 0.5,
        documents_dir: Optional[str] = None,
        work_step_delay: float = 0.02,
        slow_work_step_delay: float = 0.5,
        request_timeout: float = 10.0,
        max_connections: int = 128,
    ) -> None:
        if not (isinstance(request_timeout, (int, float)) and 0 < request_timeout < float("inf")):
            raise ValueError(f"request_timeout must be a number of seconds above 0, got {request_timeout!r}")
        if not isinstance(max_connections, int) or isinstance(max_connections, bool) or max_connections < 1:
            raise ValueError(f"max_connections must be a whole number, 1 or more, got {max_connections!r}")
        self._host = host
        self._port = port
        self._request_timeout = float(request_timeout)
        self._max_connections = max_connections
        self._hub = EventHub()
        settings = AgentSettings(
            word_delay=word_delay, slow_word_delay=slow_word_delay, emit_message_persisted=emit_message_persisted
        )
        self._state = State(self._hub, settings)
        self.faults = Faults(self._hub, self._state)
        """Fault injection: see :class:`Faults`."""
        self._httpd: Optional[EthosHTTPServer] = None
        self._served: Optional[EthosHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._api_key: Optional[str] = None
        surfaces = self._state.surfaces.settings
        surfaces.system_ping_interval, surfaces.goal_poll_interval = system_ping_interval, goal_poll_interval
        surfaces.goal_step_delay, surfaces.slow_goal_step_delay = goal_step_delay, slow_goal_step_delay
        self._state.surfaces.use_documents_dir(documents_dir)
        self._state.work.settings.step_delay = work_step_delay
        self._state.work.settings.slow_step_delay = slow_work_step_delay

    # --------------------------------------------------------- life cycle
    def start(self) -> "LocalEthosServer":
        """Bind and serve in a background (daemon) thread; returns ``self``."""
        if self._httpd is not None:
            return self
        httpd = EthosHTTPServer(
            (self._host, self._port), self._state, self.faults,
            request_timeout=self._request_timeout, max_connections=self._max_connections,
        )
        self._httpd = self._served = httpd
        self._port = int(httpd.server_address[1])
        httpd.own_origins = [self.base_url]
        self._api_key = self.create_key(name="local-full-access")
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="ethos-local-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open streams and running turns. Safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._state.stopping.set()
        self._hub.close_all()
        self._state.surfaces.bus.close_all()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._state.join_turns(2)
        self._state.surfaces.close()
        self._state.work.close()

    def __enter__(self) -> "LocalEthosServer":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self._httpd is not None else "stopped"
        return f"<LocalEthosServer {self.base_url} {state}>"

    # --------------------------------------------------------- credentials
    @property
    def base_url(self) -> str:
        """``http://<host>:<port>``."""
        return f"http://{self._host}:{self._port}"

    @property
    def origin(self) -> str:
        """The ``Origin`` the default key is pinned to (the base URL)."""
        return self.base_url

    @property
    def api_key(self) -> str:
        """A key with every scope, pinned to :attr:`origin` (made at :meth:`start`)."""
        if self._api_key is None:
            raise RuntimeError("the server is not started")
        return self._api_key

    @property
    def web_token(self) -> str:
        """The current web token: the ``ethos_auth`` cookie value. It rotates at each login."""
        with self._state.lock:
            return self._state.web_token

    @property
    def login_url(self) -> str:
        """The one-time URL that sets the cookie (``/auth/exchange?t=<token>``), as ``ethos serve`` prints."""
        return f"{self.base_url}/auth/exchange?t={self.web_token}"

    def create_key(
        self,
        scopes: Iterable[str] = ALL_SCOPES,
        origins: Optional[Iterable[str]] = None,
        *,
        name: str = "local-test-key",
    ) -> str:
        """Mint an API key and return its secret.

        Args:
            scopes: what it may do (see ``ALL_SCOPES`` in the contract); default all.
            origins: the ``Origin`` values it must be sent with. Default: this
                server's base URL, as keys minted in the web UI are pinned. Pass
                ``[]`` for a key without an allow-list (like ``ethos api-key create``).
        """
        chosen = [self.base_url] if origins is None else list(origins)
        return self._state.create_key(name, list(scopes), chosen).secret

    def revoke_key(self, secret: str) -> None:
        """Revoke a key: it then gets 401 "API key is invalid or has been revoked."."""
        with self._state.lock:
            key = self._state.keys.get(secret)
            if key is not None and key.revoked_at is None:
                from ._state import now_iso

                key.revoked_at = now_iso()

    def client(self, auth: Literal["key", "cookie"] = "key", **options: Any) -> "EthosClient":
        """An ``EthosClient`` for this server: with :attr:`api_key` and :attr:`origin`, or the cookie.

        Extra keyword arguments go to ``EthosClient`` (``timeout``, ``max_retries``...).
        """
        from .._client import EthosClient

        if auth == "cookie":
            return EthosClient(self.base_url, cookie=self.web_token, **options)
        if auth != "key":
            raise ValueError("auth must be 'key' or 'cookie'")
        options.setdefault("origin", self.origin)
        return EthosClient(self.base_url, api_key=self.api_key, **options)

    # --------------------------------------------------------- observation
    @property
    def request_counts(self) -> Dict[str, int]:
        """How many RPC requests each procedure received (``"chat.send": 1``), failed ones included."""
        httpd = self._served
        if httpd is None:
            return {}
        with httpd.counts_lock:
            return dict(httpd.counts)

    @property
    def received(self) -> List[ReceivedRequest]:
        """The last 1,000 requests the server received, oldest first: method, path, request id, headers.

        For tests of what a client sends (a ``traceparent``, a header a
        middleware adds). The ``authorization`` and ``cookie`` headers are
        left out.
        """
        httpd = self._served
        if httpd is None:
            return []
        with httpd.counts_lock:
            return list(httpd.received)

    # --------------------------------------------------------- other routes
    def emit_system_event(self, event: Dict[str, Any]) -> int:
        """Send ``event`` to every open ``/sse/system`` stream; return how many got it.

        For example ``{"type": "cron.failed", "jobId": "j1", "jobName": "backup",
        "error": "disk full"}``. Like the real server, nothing is kept: a stream
        opened later never sees it. (``session.titled`` comes by itself after a
        new session's first turn.)
        """
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise ValueError('event must be a dict with a string "type"')
        return self._state.surfaces.bus.publish(dict(event))

    def set_gateway(self, status: str = "ok", adapters: Optional[Dict[str, bool]] = None) -> None:
        """What ``/healthz`` reports about the gateway: ``"ok"``, ``"stale"`` or ``"down"``.

        ``adapters`` maps adapter names to whether they work. Anything but
        ``"ok"`` with every adapter working makes ``/healthz`` answer 503
        ``"degraded"``, as the real server does.
        """
        if status not in ("ok", "stale", "down"):
            raise ValueError("status must be 'ok', 'stale' or 'down'")
        with self._state.lock:
            self._state.surfaces.gateway_status = status
            self._state.surfaces.adapters = [{"name": n, "ok": bool(ok)} for n, ok in (adapters or {}).items()]

    @property
    def system_stream_count(self) -> int:
        """How many ``/sse/system`` streams are open now."""
        return self._state.surfaces.bus.listeners

    def documents_path(self, personality_id: Optional[str] = None) -> Path:
        """The documents folder of a personality (default: the default one), for tests to fill.

        ``client.documents.download(path)`` serves the files under it.
        """
        return self._state.surfaces.documents_dir(personality_id)

    def start_task(
        self,
        prompt: str,
        *,
        label: Optional[str] = None,
        session_id: Optional[str] = None,
        personality_id: Optional[str] = None,
    ) -> str:
        """Start a background task, as the agent does when it delegates work; return its id.

        On the real server only the agent starts tasks (its ``delegate_task``
        tool); this stands in for that. The task goes ``"queued"`` ->
        ``"running"`` -> ``"done"`` with ``summary`` set to the scripted reply
        (``"failed"`` when the prompt says ``FAIL``), ``work_step_delay`` apart.
        ``session_id`` makes it one of that session's tasks
        (``tasks.list(root_session_key=<the session's key>)`` lists it).
        """
        if not isinstance(prompt, str) or not prompt:
            raise ValueError("prompt must be a non-empty string")
        return self._state.work.start_task(prompt, label=label, session_id=session_id, personality_id=personality_id)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no chat turn is running; False if one still is after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._state.lock:
                if not self._state.turns:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def restart_event_buffer(self) -> None:
        """Same as ``faults.restart()``: a server restart, as clients see it."""
        self.faults.restart()
