"""The HTTP side of the local server: routing, authentication, RPC envelopes and SSE.

Every message, status and header here is the one the real server sends in the
recorded transcripts; where the real server has more (OpenAPI, ``/metrics``,
``/v1``...), the local one answers 404 "Not Found".

What the local server adds, so that a test or a demo cannot be made to exhaust
it: a request's body is read only once its headers have been accepted
(authentication, scope, route), and never past :data:`MAX_BODY_BYTES` (a
longer one is answered 413 from its ``Content-Length`` alone); a
``Content-Length`` that is not one whole number is answered 400 and a chunked
body 411, unread; every socket read and write waits at most
``request_timeout`` seconds, so a half-sent request is dropped; at most
``max_connections`` connections are served at once (one thread each), the
next ones waiting to be accepted.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import queue
import re
import select
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable, Deque, Dict, List, NoReturn, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from ._scopes import ALL_SCOPES, COOKIE_ONLY, SCOPE_TABLE, SCOPED_NAMESPACES
from ._state import ApiKey, ProcedureError, State
from ._surfaces import SURFACE_PROCEDURES, serve_surface
from ._work import WORK_PROCEDURES
from ._validation import MISSING, Field, ValidationFailed, validate

if TYPE_CHECKING:
    from ._server import Faults

__all__ = ["EthosHTTPServer", "MAX_BODY_BYTES", "PROCEDURES", "ReceivedRequest"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9_=-]{1,255}$")
_COOKIE_MAX_AGE = 2592000

MAX_BODY_BYTES = 32 * 1024 * 1024
"""The longest request body the local server reads; a longer one is answered 413, unread.

The real server sets no such limit. Its own limit is on a message's
attachments, 10 MiB decoded, which is about 14 MB as base64 in the body:
this one lets every message the real server accepts through.
"""
_DROP_LIMIT = 64 * 1024
"""An unread body up to this long is read and dropped after the answer, so the connection can serve the next request."""
_LINGER_SECONDS = 1.0
"""How long a connection closed with a body still coming keeps dropping it, so the client can read the answer first."""
_LENGTH = re.compile(r"[0-9]{1,19}")

# ----------------------------------------------------------------- procedures

_ID = Field("id", "string", required=True)
_LIMIT_POSITIVE = Field("limit", "int", minimum=0, exclusive_minimum=True, maximum=9007199254740991)


@dataclass(frozen=True)
class Procedure:
    """One implemented procedure: its input fields (``None``: takes no input) and handler."""

    fields: Optional[Tuple[Field, ...]]
    run: Callable[[State, Dict[str, Any], str], Dict[str, Any]]


def _p(fields: Optional[Tuple[Field, ...]], run: Callable[[State, Dict[str, Any], str], Dict[str, Any]]) -> Procedure:
    return Procedure(fields, run)


PROCEDURES: Dict[str, Procedure] = {
    "sessions.list": _p(
        (
            Field("q", "string"),
            Field("limit", "int", minimum=1, maximum=200),
            Field("cursor", "string", nullable=True),
            Field("personalityId", "string"),
        ),
        lambda s, d, r: s.sessions_list(d),
    ),
    "sessions.get": _p((_ID,), lambda s, d, r: s.sessions_get(d)),
    "sessions.update": _p(
        (
            _ID,
            Field("title", "string", required=True, nullable=True, maximum=200),
            Field("expectedVersion", "int"),
        ),
        lambda s, d, r: s.sessions_update(d),
    ),
    "sessions.fork": _p(
        (_ID, Field("personalityId", "string"), Field("expectedVersion", "int")),
        lambda s, d, r: s.sessions_fork(d),
    ),
    "sessions.delete": _p((_ID,), lambda s, d, r: s.sessions_delete(d)),
    "sessions.export": _p(
        (_ID, Field("format", "string", required=True, enum=("markdown",))),
        lambda s, d, r: s.sessions_export(d),
    ),
    "sessions.pin": _p((_ID,), lambda s, d, r: s.sessions_pin(d, True)),
    "sessions.unpin": _p((_ID,), lambda s, d, r: s.sessions_pin(d, False)),
    "sessions.contextAnatomy": _p((_ID,), lambda s, d, r: s.sessions_context_anatomy(d)),
    "sessions.compact": _p((_ID, Field("instructions", "string")), lambda s, d, r: s.sessions_compact(d)),
    "personalities.list": _p((_LIMIT_POSITIVE, Field("cursor", "string")), lambda s, d, r: s.personalities_list(d)),
    "personalities.get": _p((_ID,), lambda s, d, r: s.personalities_get(d)),
    "memory.list": _p(
        (
            Field("personalityId", "string", required=True, minimum=1),
            _LIMIT_POSITIVE,
            Field("cursor", "string"),
            Field("userId", "string"),
        ),
        lambda s, d, r: s.memory_list(d),
    ),
    "memory.get": _p(
        (
            Field("store", "string", required=True, enum=("memory", "user")),
            Field("personalityId", "string", required=True, minimum=1),
            Field("userId", "string"),
        ),
        lambda s, d, r: s.memory_get(d),
    ),
    "memory.write": _p(
        (
            Field("store", "string", required=True, enum=("memory", "user")),
            Field("content", "string", required=True),
            Field("personalityId", "string", required=True, minimum=1),
            Field("userId", "string"),
        ),
        lambda s, d, r: s.memory_write(d),
    ),
    "meta.capabilities": _p(None, lambda s, d, r: {"capabilities": {"byok": True, "voice_stt": False, "voice_tts": False}}),
    "chat.send": _p(
        (
            Field("sessionId", "string"),
            Field("clientId", "string", required=True, minimum=1),
            Field("text", "string", required=True, minimum=1),
            Field("personalityId", "string"),
            Field("userId", "string"),
            Field("dryRun", "boolean"),
            Field("origin", "string", enum=("text", "voice")),
            Field("attachments", "array"),
        ),
        lambda s, d, r: s.chat_send(d, r),
    ),
    "chat.abort": _p((Field("sessionId", "string", required=True),), lambda s, d, r: s.chat_abort(d)),
    "chat.steer": _p(
        (Field("sessionId", "string", required=True), Field("text", "string", required=True, minimum=1)),
        lambda s, d, r: s.chat_steer(d),
    ),
    "apiKeys.create": _p(
        (
            Field("name", "string", required=True, minimum=1, maximum=100),
            Field("scopes", "array", required=True, minimum=1, item_enum=ALL_SCOPES),
            Field("allowedOrigins", "array", required=True, minimum=1),
        ),
        lambda s, d, r: s.api_keys_create(d),
    ),
    "tools.approve": _p(
        (
            Field("approvalId", "string", required=True),
            Field("clientId", "string", required=True, minimum=1),
            Field("scope", "string", required=True, enum=("once", "exact-args", "any-args")),
        ),
        lambda s, d, r: s.tools_answer(d, "allow"),
    ),
    "tools.deny": _p(
        (
            Field("approvalId", "string", required=True),
            Field("clientId", "string", required=True, minimum=1),
            Field("reason", "string"),
        ),
        lambda s, d, r: s.tools_answer(d, "deny"),
    ),
    "clarify.respond": _p(
        (
            Field("requestId", "string", required=True),
            Field("answer", "string", required=True),
            Field("source", "string", required=True, enum=("user", "cancel")),
        ),
        lambda s, d, r: s.clarify_respond(d),
    ),
    # Only questions of background jobs are listed, and the local server runs none.
    "clarify.listPending": _p((Field("rootSessionKey", "string", required=True),), lambda s, d, r: []),  # type: ignore[arg-type,return-value]
    "apiKeys.list": _p((_LIMIT_POSITIVE, Field("cursor", "string")), lambda s, d, r: s.api_keys_list(d)),
    "apiKeys.revoke": _p((_ID,), lambda s, d, r: s.api_keys_revoke(d)),
}
"""Every procedure the local server implements; any other answers as an unknown route."""
PROCEDURES.update({name: Procedure(fields, run) for name, (fields, run) in SURFACE_PROCEDURES.items()})
PROCEDURES.update({name: Procedure(fields, run) for name, (fields, run) in WORK_PROCEDURES.items()})


# ------------------------------------------------------------------ messages

_MISSING_AUTH = (
    "Missing authentication — provide a cookie or Authorization: Bearer header.",
    "Visit the URL printed by `ethos serve` to sign in, or use an API key.",
)
_INVALID_KEY = ("API key is invalid or has been revoked.", "Check the key, or mint a new one from the Settings page.")
_NOT_SK_ETHOS = ("API key must start with `sk-ethos-`.", "Create a key from the Ethos Settings page.")
_NOT_BEARER = ("Authorization header must use the Bearer scheme.", "Use `Authorization: Bearer sk-ethos-...`.")
_NO_ORIGIN_CSRF = (
    "Missing Origin header on state-changing request",
    "Browsers send Origin automatically for fetch/XHR. Check your client.",
)
_EXPERIMENTAL_ACTION = "Use cookie auth (the Ethos web UI) for experimental namespaces."
_UNMAPPED_ACTION = "Use cookie auth (the Ethos web UI), or map this method to a scope."


@dataclass
class Principal:
    """Who is calling: the web cookie, or an API key."""

    kind: str
    key: Optional[ApiKey] = None


def _is_loopback_origin(origin: str) -> bool:
    host = (urlsplit(origin).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin_of(url: str) -> Optional[str]:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Rejected(Exception):
    """The request has been answered already (an auth or routing error)."""


@dataclass(frozen=True)
class ReceivedRequest:
    """One request the local server received, as ``LocalEthosServer.received`` lists it."""

    method: str
    path: str
    """The path, without the query (``/rpc/sessions/list``, ``/sse/sessions/<id>``)."""
    request_id: str
    """The ``x-request-id`` the server answered with (the one sent, when it was valid)."""
    headers: Dict[str, str]
    """The request's headers, names in lower case, without ``authorization`` and ``cookie``."""
    received_at: float
    """``time.monotonic()`` when its handling began (before its body was read)."""

    def __repr__(self) -> str:
        return f"<ReceivedRequest {self.method} {self.path} id={self.request_id}>"


_KEPT_REQUESTS = 1000
_SECRET_HEADERS = frozenset({"authorization", "cookie"})


class EthosHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server holding the state, the faults and the request counts.

    At most ``max_connections`` connections are served at once, one thread
    each: the next connection is accepted when one of them closes (until
    then it waits in the listening socket's queue). Every socket operation of
    a connection waits at most ``request_timeout`` seconds.
    """

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128  # socketserver's 5 overflows when dozens of client threads connect at once

    def __init__(
        self,
        address: Tuple[str, int],
        state: State,
        faults: "Faults",
        *,
        request_timeout: float,
        max_connections: int,
    ) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.faults = faults
        self.counts: Dict[str, int] = {}
        self.counts_lock = threading.Lock()
        self.received: Deque[ReceivedRequest] = deque(maxlen=_KEPT_REQUESTS)
        self.own_origins: List[str] = []
        self.request_timeout = request_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self._closing = threading.Event()

    def record(self, method: str, path: str, request_id: str, headers: Any) -> None:
        """Keep what a test may ask of a request (``LocalEthosServer.received``): never its credentials."""
        kept = {name.lower(): value for name, value in headers.items() if name.lower() not in _SECRET_HEADERS}
        seen = ReceivedRequest(method, path, request_id, kept, time.monotonic())
        with self.counts_lock:
            self.received.append(seen)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Refuse every connection while a simulated restart keeps the server down."""
        return not self.faults.is_down()

    def get_request(self) -> Tuple[socket.socket, Any]:
        """Accept the next connection once fewer than ``max_connections`` are being served."""
        while not self._slots.acquire(timeout=0.1):
            if self._closing.is_set():
                raise OSError("the local server is stopping")  # serve_forever skips it and sees the shutdown
        try:
            return super().get_request()
        except BaseException:
            self._slots.release()
            raise

    def shutdown_request(self, request: Any) -> None:
        """Close a connection, and free its place for the next one."""
        try:
            super().shutdown_request(request)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        """Stop serving, also while every place is taken and the loop waits for one."""
        self._closing.set()
        super().shutdown()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EthosHTTPServer
    request_id = ""
    unread = 0
    """Bytes of the current request's body not read yet (its ``Content-Length``, until :meth:`body` reads it)."""
    linger = False
    # Each answer leaves in one write (headers and body buffered until the
    # handler flushes), and Nagle's algorithm is off so that back-to-back writes
    # (SSE frames) are not held back either. With the standard library's
    # defaults (unbuffered, Nagle on) the body waited behind the headers for the
    # client's delayed ACK: about 40 ms per call on Linux.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the CLI print what matters themselves."""

    def setup(self) -> None:
        """Bound every wait on this connection's socket by the server's ``request_timeout``."""
        super().setup()
        self.connection.settimeout(self.server.request_timeout)

    def handle_one_request(self) -> None:
        """One request; a client gone before its buffered answer left ends the connection quietly."""
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def finish(self) -> None:
        """Flush and close, quietly when the client has left (what is still buffered is dropped)."""
        try:
            super().finish()
        except OSError:
            self.rfile.close()
        if self.linger:
            self._drop_what_still_comes()

    def _drop_what_still_comes(self) -> None:
        """After answering a request whose body was not read: stop writing, then drop what arrives for a moment.

        Closing a socket with unread bytes makes the kernel reset the
        connection, which can destroy the answer before the client reads it;
        a client still sending gets the time to finish and read it. What
        arrives is dropped as it comes: never more than one buffer is held.
        """
        connection: socket.socket = self.connection
        buffer = bytearray(64 * 1024)
        deadline = time.monotonic() + _LINGER_SECONDS
        dropped = 0
        try:
            connection.shutdown(socket.SHUT_WR)
            while dropped <= MAX_BODY_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                connection.settimeout(left)
                received = connection.recv_into(buffer)
                if not received:
                    return
                dropped += received
        except OSError:
            return

    def handle_expect_100(self) -> bool:
        """Send ``100 Continue`` at once (the buffered writer would keep it until the answer)."""
        accepted = super().handle_expect_100()
        self.wfile.flush()
        return accepted

    # ------------------------------------------------------------ plumbing
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def body(self) -> bytes:
        """The request's body, read now: call it only once the request is accepted (never before authentication).

        Its length was checked against :data:`MAX_BODY_BYTES` before routing.
        A client that stops sending raises ``TimeoutError`` after
        ``request_timeout`` seconds, and the connection is dropped.
        """
        length, self.unread = self.unread, 0
        if not length:
            return b""
        data = self.rfile.read(length)
        if len(data) < length:
            self.close_connection = True  # the client closed before the end
        return data

    def _refuse_framing(self) -> bool:
        """Answer, from the headers alone, a body this server will not read; True when it did."""
        lengths = [value.strip() for value in self.headers.get_all("Content-Length") or []]
        encoding = (self.headers.get("Transfer-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            refusal = (411, "LENGTH_REQUIRED", "The local test server does not read chunked request bodies.",
                       "Send the body with a Content-Length header.")
        elif len(set(lengths)) > 1 or not all(_LENGTH.fullmatch(value) for value in lengths):
            refusal = (400, "BAD_REQUEST", "Content-Length must be one whole number of bytes.",
                       "Send one Content-Length header holding the body's length.")
        elif lengths and int(lengths[0]) > MAX_BODY_BYTES:
            refusal = (413, "PAYLOAD_TOO_LARGE",
                       f"Request body of {int(lengths[0])} bytes is over the local test server's limit of "
                       f"{MAX_BODY_BYTES} bytes.", "Send a smaller body.")
        else:
            self.unread = int(lengths[0]) if lengths else 0
            return False
        status, code, message, action = refusal
        self.close_connection = self.linger = True  # where this body ends is not known, or not worth reading to
        self._send_json(status, {"ok": False, "code": code, "error": message, "action": action, "requestId": self.request_id})
        return True

    def _drop_unread_body(self) -> None:
        """After the answer: read and drop a short body left unread, so the connection serves the next request."""
        left, self.unread = self.unread, 0
        if not left:
            return
        if left > _DROP_LIMIT or self.close_connection:
            self.close_connection = self.linger = True
            return
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, _DROP_LIMIT))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass
        if left:
            self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: Optional[str], extra: Optional[List[Tuple[str, str]]] = None) -> None:
        if self.unread > _DROP_LIMIT:
            self.close_connection = True  # the body is not read: the connection ends with this answer
        self.send_response(status)
        self.send_header("access-control-allow-credentials", "true")
        if content_type:
            self.send_header("content-type", content_type)
        self.send_header("vary", "Origin")
        self.send_header("x-request-id", self.request_id)
        for name, value in extra or []:
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, value: Any, extra: Optional[List[Tuple[str, str]]] = None) -> None:
        self._send(status, _dumps(value), "application/json", extra)

    def _middleware_error(self, status: int, message: Tuple[str, str], *, with_request_id: bool = True) -> NoReturn:
        code = {401: "UNAUTHORIZED", 403: "FORBIDDEN"}.get(status, "ERROR")
        body: Dict[str, Any] = {"ok": False, "code": code, "error": message[0], "action": message[1]}
        if with_request_id:
            body["requestId"] = self.request_id
        self._send_json(status, body)
        raise _Rejected()

    def _not_found(self) -> NoReturn:
        self._send(404, b"Not Found", "text/plain; charset=UTF-8")
        raise _Rejected()

    def _handle(self) -> None:
        inbound = self.headers.get("x-request-id")
        self.request_id = inbound if inbound and _REQUEST_ID.match(inbound) else str(uuid.uuid4())
        url = urlsplit(self.path)
        self.server.record(self.command, url.path, self.request_id, self.headers)
        if self._refuse_framing():
            return
        try:
            if serve_surface(self, url):  # /healthz, /metrics, avatars, downloads, system and goal streams
                return
            if url.path == "/auth/exchange" and self.command == "GET":
                self._exchange(url.query)
            elif url.path.startswith("/rpc/"):
                self._rpc(url.path)
            elif url.path.startswith("/sse/"):
                self._sse(url.path)
            else:
                self._not_found()
        except _Rejected:
            pass
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._drop_unread_body()

    # ---------------------------------------------------------------- auth
    def _exchange(self, query: str) -> None:
        token = (parse_qs(query).get("t") or [""])[0]
        state = self.server.state
        if not token:
            self._middleware_error(401, ("Missing token query", "Use the URL printed by `ethos serve`."), with_request_id=False)
        with state.lock:
            valid = hmac.compare_digest(token.encode(), state.web_token.encode())
            new_token = state.rotate_web_token() if valid else ""
        if not valid:
            self._middleware_error(
                401, ("Invalid or rotated token", "Re-run `ethos serve` to print a fresh URL."), with_request_id=False
            )
        self.send_response(302)
        self.send_header("access-control-allow-credentials", "true")
        self.send_header("location", "/")
        self.send_header("vary", "Origin")
        self.send_header("x-request-id", self.request_id)
        self.send_header(
            "set-cookie", f"ethos_auth={new_token}; Max-Age={_COOKIE_MAX_AGE}; Path=/; HttpOnly; SameSite=Strict"
        )
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _cookie_token(self) -> Optional[str]:
        raw = self.headers.get("Cookie")
        if not raw:
            return None
        try:
            jar = SimpleCookie(raw)
        except CookieError:
            return None
        morsel = jar.get("ethos_auth")
        return morsel.value if morsel else None

    def _authenticate(self) -> Principal:
        state = self.server.state
        token = self._cookie_token()
        if token is not None:
            with state.lock:
                current = state.web_token
            if hmac.compare_digest(token.encode(), current.encode()):
                return Principal("cookie")
        header = self.headers.get("Authorization")
        if not header:
            self._middleware_error(401, _MISSING_AUTH)
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            self._middleware_error(401, _NOT_BEARER)
        secret = secret.strip()
        if not secret.startswith("sk-ethos-"):
            self._middleware_error(401, _NOT_SK_ETHOS)
        key = state.find_key(secret)
        if key is None:
            self._middleware_error(401, _INVALID_KEY)
        return Principal("bearer", key)

    def _check_csrf(self) -> None:
        """Cookie requests that change state need a loopback (or this server's) Origin or Referer."""
        origin = self.headers.get("Origin")
        if not origin:
            referer = self.headers.get("Referer")
            origin = _origin_of(referer) if referer else None
        if not origin:
            self._middleware_error(401, _NO_ORIGIN_CSRF)
        if not (_is_loopback_origin(origin) or origin in self.server.own_origins):
            self._middleware_error(
                401,
                (
                    f"Cross-origin request from {origin} blocked",
                    "Use the URL printed by `ethos serve`, or pass `--bind` with an explicit allow-list.",
                ),
            )

    def _check_key(self, key: ApiKey, procedure: str, scope: Optional[str], implemented: bool) -> None:
        """The scope map, then the key's origin pinning, as the real middleware orders them."""
        namespace = procedure.split(".")[0]
        if namespace == "apiKeys":
            self._middleware_error(
                403, ("The apiKeys namespace requires cookie authentication.", "Use the Ethos web UI to manage API keys.")
            )
        if namespace not in SCOPED_NAMESPACES:
            self._middleware_error(
                403, (f'Namespace "{namespace}" is experimental and not accessible via API key.', _EXPERIMENTAL_ACTION)
            )
        if scope == COOKIE_ONLY:
            self._middleware_error(
                403,
                (
                    f'Method "{procedure}" requires cookie authentication and is not accessible via API key.',
                    "Use cookie auth (the Ethos web UI) for this method.",
                ),
            )
        if scope is None:
            self._middleware_error(
                403, (f'Method "{procedure}" is not mapped to a scope and is not accessible via API key.', _UNMAPPED_ACTION)
            )
        if scope not in key.scopes:
            self._middleware_error(
                403, (f'API key is missing required scope "{scope}".', f'Create a key with the "{scope}" scope.')
            )
        if key.allowed_origins:
            origin = self.headers.get("Origin")
            if not origin:
                self._middleware_error(
                    403,
                    (
                        "This API key requires an Origin header but none was provided.",
                        "Include the Origin header in your request, or remove allowedOrigins from the key.",
                    ),
                )
            if origin not in key.allowed_origins:
                self._middleware_error(
                    403,
                    (
                        f'Origin "{origin}" is not in the allowedOrigins list for this API key.',
                        "Add this origin to the key's allowedOrigins, or use the correct key.",
                    ),
                )
        if not implemented:
            # The key may call it, but the local server does not serve it: answer
            # as the real server does for a route it does not know.
            self._middleware_error(
                403, (f'Method "{procedure}" is not mapped to a scope and is not accessible via API key.', _UNMAPPED_ACTION)
            )

    # ----------------------------------------------------------------- RPC
    def _rpc(self, path: str) -> None:
        raw_name = path[len("/rpc/") :].rstrip("/")
        procedure_name = raw_name.replace("/", ".")
        with self.server.counts_lock:
            self.server.counts[procedure_name] = self.server.counts.get(procedure_name, 0) + 1
        faults = self.server.faults
        faults.wait_delay(self.server.state.stopping)
        failure = faults.take_failure()
        if failure is not None:
            status, retry_after = failure
            extra = [("retry-after", retry_after)] if retry_after is not None else None
            self._send_json(
                status,
                {"json": {"defined": False, "code": "SERVICE_UNAVAILABLE", "status": status, "message": "Service Unavailable"}},
                extra,
            )
            return
        procedure = PROCEDURES.get(procedure_name) if "." not in raw_name else None
        principal = self._authenticate()
        if principal.key is not None:
            self._check_key(principal.key, procedure_name, SCOPE_TABLE.get(procedure_name), procedure is not None or "." in raw_name)
        elif self.command not in ("GET", "HEAD", "OPTIONS"):
            self._check_csrf()
        if procedure is None:
            self._not_found()
        if self.command != "POST":
            self._send_json(
                405, {"json": {"defined": False, "code": "METHOD_NOT_SUPPORTED", "status": 405, "message": "Method Not Supported"}}
            )
            return
        data = self._decode_input(self.body(), procedure)
        if data is None:
            return
        try:
            output = procedure.run(self.server.state, data, self.request_id)
        except ProcedureError as exc:
            self._send_json(exc.status, {"json": exc.body()})
            return
        self._send_json(200, {"json": output})

    def _decode_input(self, body: bytes, procedure: Procedure) -> Optional[Dict[str, Any]]:
        """The validated input, or ``None`` after answering 400."""
        value: Any = MISSING
        content_type = (self.headers.get("Content-Type") or "").lower()
        if body.strip() and "json" in content_type:
            try:
                envelope = json.loads(body)
            except ValueError:
                self._send_json(
                    400,
                    {
                        "json": {
                            "defined": False,
                            "code": "BAD_REQUEST",
                            "status": 400,
                            "message": "Malformed request. Ensure the request body is properly formatted and the "
                            "'Content-Type' header is set correctly.",
                        }
                    },
                )
                return None
            if isinstance(envelope, dict) and "json" in envelope:
                value = envelope["json"]
        if procedure.fields is None:
            return value if isinstance(value, dict) else {}
        try:
            return validate(value, procedure.fields)
        except ValidationFailed as exc:
            self._send_json(
                400,
                {
                    "json": {
                        "defined": False,
                        "code": "BAD_REQUEST",
                        "status": 400,
                        "message": "Input validation failed",
                        "data": {"issues": exc.issues},
                    }
                },
            )
            return None

    # ----------------------------------------------------------------- SSE
    def _sse(self, path: str) -> None:
        parts = path.strip("/").split("/")
        session_id = parts[2] if len(parts) == 3 and parts[1] == "sessions" else None
        principal = self._authenticate()
        if principal.key is not None:
            if session_id is not None:
                self._check_key(principal.key, "sessions.stream", "sessions:read", True)
            else:
                self._check_key(principal.key, f"{parts[1] if len(parts) > 1 else ''}.stream", None, False)
        if session_id is None:
            self._not_found()
        self._stream(session_id)

    def _start_event_stream(self) -> None:
        """The headers of every SSE answer, as the real server writes them (sent with the first chunk)."""
        self.close_connection = True
        self.send_response(200)
        for name, value in (
            ("access-control-allow-credentials", "true"),
            ("cache-control", "no-cache"),
            ("connection", "keep-alive"),
            ("content-type", "text/event-stream"),
            ("transfer-encoding", "chunked"),
            ("vary", "Origin"),
            ("x-request-id", self.request_id),
        ):
            self.send_header(name, value)
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")
        self.wfile.flush()

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except (OSError, ValueError):
            return True
        return False

    def _stream(self, session_id: str) -> None:
        raw_last = (self.headers.get("Last-Event-ID") or "").strip()
        last_event_id = int(raw_last) if re.fullmatch(r"\d+", raw_last) else 0
        server = self.server
        drop_after = server.faults.take_stream_drop()
        self._start_event_stream()
        self._write_chunk(b"data: " + _dumps({"type": "stream_meta", "requestId": self.request_id}) + b"\n\n")
        subscription, replay = server.state.hub.subscribe(session_id, last_event_id)
        written = 0
        try:
            pending: "queue.Queue[Any]" = subscription.frames
            backlog: List[Any] = list(replay)
            while not server.state.stopping.is_set():
                if drop_after is not None and written >= drop_after:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if backlog:
                    frame = backlog.pop(0)
                else:
                    try:
                        frame = pending.get(timeout=0.2)
                    except queue.Empty:
                        if self._client_gone():
                            return
                        continue
                if frame is None:
                    # A simulated restart (or shutdown): end the connection abruptly.
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                seq, event = frame
                self._write_chunk(b"data: " + _dumps(event) + b"\nid: " + str(seq).encode() + b"\n\n")
                written += 1
        except OSError:
            return
        finally:
            server.state.hub.unsubscribe(subscription)
