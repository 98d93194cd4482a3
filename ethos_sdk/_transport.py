"""One request to the server: headers, envelope, retry loop and error mapping.

Everything that touches ``requests`` for the RPC endpoint lives here, so the
rest of the package deals only in procedure names, Python values and the
SDK's own errors.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import socket
import sys
import threading
import time
from datetime import timedelta as _timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Tuple
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from . import _envelope
from ._ids import new_request_id
from ._observe import EVERY_CLIENT, Observers, chain_for, log_fields
from ._safety import check_headers
from ._types import NOT_GIVEN, NotGiven, Timeout, check_timeout
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ResponseTooLargeError,
    UnexpectedResponseError,
    _register_secret,
    redact,
    status_error_class,
)

if TYPE_CHECKING:
    import weakref

    from ._turn import TurnStream
    from .middleware import Middleware, Request as _Request

__all__ = [
    "Transport", "Pool", "Credentials", "DEFAULT_TIMEOUT", "DEFAULT_MAX_CONNECTIONS", "RETRY_STATUSES",
    "DEFAULT_MAX_RESPONSE_BYTES", "dropped_before_answer",
]

log = logging.getLogger("ethos_sdk")

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The largest answer read (64 MiB, decompressed): more raises :class:`ResponseTooLargeError`."""

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 60.0)
"""Seconds to connect and to wait for each read of an answer."""

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
"""Statuses after which a procedure that changes nothing is sent again."""

MAX_RETRY_AFTER = 60.0
"""A ``Retry-After`` longer than this is not waited for: the error is raised at once."""

_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0
_ERROR_TEXT_LIMIT = 64 * 1024


CredentialSource = Tuple[str, Optional[str]]
"""Where a client's credential came from: ``("argument", None)``, ``("ETHOS_API_KEY", None)``,
``("web-token file", <its path>)`` or ``("login", None)``."""


class Credentials:
    """How the client proves who it is: an API key (bearer) or the web cookie.

    Immutable, compared and hashed by value. (Written out rather than a frozen
    dataclass: ``dataclasses`` costs ~5 ms of ``import ethos_sdk``.)
    """

    __slots__ = ("mode", "secret", "__weakref__")
    __match_args__ = ("mode", "secret")

    mode: str  # "bearer" or "cookie"
    secret: str

    def __init__(self, mode: str, secret: str) -> None:
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "secret", secret)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Credentials)
        return (self.mode, self.secret) == (other.mode, other.secret)

    def __hash__(self) -> int:
        return hash((self.mode, self.secret))

    def header(self) -> tuple[str, str]:
        if self.mode == "bearer":
            return "Authorization", f"Bearer {self.secret}"
        return "Cookie", f"ethos_auth={self.secret}"

    def __repr__(self) -> str:
        return f"Credentials(mode={self.mode!r}, secret='***')"

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("the credentials of an EthosClient are not pickled or copied: they hold a secret")


def user_agent() -> str:
    """``ethos-sdk-python/<sdk> python/<python> requests/<requests>``."""
    # What platform.python_version() says (sys.version's first word), without
    # importing platform: that cost milliseconds on a script's first call.
    return (
        f"ethos-sdk-python/{__version__} python/{sys.version.split()[0]} "
        f"requests/{requests.__version__}"
    )


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as browsers send it in ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def shown_url(url: str) -> str:
    """``url`` fit for a message: without a ``user:password@`` part, secrets masked."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        url = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
    return redact(url)


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Delay before retry number ``attempt`` (0-based): 0.5 s doubling, capped at 8 s, with jitter."""
    delay: float = min(_BACKOFF_BASE * (2**attempt), _BACKOFF_CAP)
    return delay * (1.0 - 0.25 * rand())


def _cannot_have_reached_server(exc: BaseException) -> bool:
    """True when the failure happened before a byte of the request was sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason: Any = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def _reason(exc: BaseException) -> Any:
    """What urllib3 says went wrong under a requests exception (``MaxRetryError`` unwrapped)."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return reason


def _never_connected(exc: BaseException) -> bool:
    """Refused, unresolvable or unreachable: no connection was made at all.

    urllib3's ``NewConnectionError`` subclasses its ``ConnectTimeoutError``, so
    this is asked before :func:`_is_timeout`.
    """
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return True
    return isinstance(_reason(exc), urllib3.exceptions.NewConnectionError)


def dropped_before_answer(exc: BaseException) -> bool:
    """True when the connection broke before a byte of the answer came back.

    What a pooled keep-alive connection the server had closed looks like when
    the next request goes out on it (reset, broken pipe, or closed without a
    status line). ``exc`` is the SDK's error or what it wraps; the causes and
    arguments under it are searched.
    """
    found: list[BaseException] = [exc]
    seen: set[int] = set()
    while found:
        current = found.pop()
        if id(current) in seen or len(seen) > 32:
            continue
        seen.add(id(current))
        if isinstance(current, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return True  # http.client.RemoteDisconnected is a ConnectionResetError
        if _is_timeout(current) or _never_connected(current):
            return False
        found.extend(a for a in current.args if isinstance(a, BaseException))
        if current.__cause__ is not None:
            found.append(current.__cause__)
    return False


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)):
        return True
    return isinstance(_reason(exc), (urllib3.exceptions.TimeoutError, TimeoutError))


def connection_error(
    exc: BaseException,
    request_id: str | None,
    what: str,
    *,
    base_url: str | None = None,
    probe: bool = True,
) -> APIConnectionError:
    """Wrap a requests or urllib3 exception in the SDK's own error.

    A server that cannot be connected to at all (refused, unknown host,
    unreachable network) is an :class:`APIConnectionError` naming ``base_url``
    and what to check; only a real timeout is an :class:`APITimeoutError`.
    ``probe=False`` when the server is known to speak HTTP: a dropped
    connection is then not checked for TLS on a plain-HTTP port.
    """
    if _never_connected(exc):
        reason = _reason(exc)
        cause = reason if isinstance(reason, urllib3.exceptions.NewConnectionError) else exc
        detail = redact(f"{type(cause).__name__}: {cause}")
        server = shown_url(base_url) if base_url else "the server"
        return APIConnectionError(
            f"{what}: could not connect to {server} ({detail}). Is Ethos running there "
            "(start it with `ethos serve`)? Check base_url, or ETHOS_BASE_URL when it is "
            "not given",
            request_id=request_id,
        )
    from ._not_ethos import tls_mismatch  # only a failed call gets here

    mismatch = tls_mismatch(exc, base_url, probe=probe)
    if mismatch is not None:
        return APIConnectionError(f"{what}: {mismatch}", request_id=request_id)
    detail = redact(f"{type(exc).__name__}: {exc}")
    if _is_timeout(exc):
        return APITimeoutError(
            f"{what} timed out ({detail}); raise the limit with timeout=", request_id=request_id
        )
    return APIConnectionError(f"{what} failed: {detail}", request_id=request_id)


def hint_for(
    status: int, code: str | None, message: str, *, auth_mode: str | None, procedure: str | None
) -> str | None:
    """Advice the SDK can add to an error the server explained only in its own terms."""
    text = message.lower()
    if status in (401, 403) and "origin" in text:
        if auth_mode == "bearer":
            return (
                "this API key is pinned to origins: pass origin='<one of the key's allowedOrigins>' "
                "to EthosClient (or set ETHOS_ORIGIN)"
            )
        return (
            "cookie-authenticated calls must come from an origin the server accepts: "
            "pass origin='<the web UI's address>' to EthosClient (or set ETHOS_ORIGIN)"
        )
    if status == 403 and auth_mode == "bearer":
        name = procedure or "this procedure"
        if "missing required scope" in text:
            return (
                "mint a key that has this scope (scopes cannot be added to an existing key), "
                "or use cookie authentication"
            )
        if "cookie" in text or "not accessible via api key" in text or "experimental" in text:
            return (
                f"{name} cannot be called with an API key; use cookie authentication: "
                "EthosClient(cookie=...), the local web-token file, or client.login(...)"
            )
    if status == 404 and code is None and procedure:
        return (
            f"the server does not route {procedure}: it may be older or newer than this SDK "
            "(python -m ethos_sdk check-server lists the differences); or check base_url: "
            "it is the server's address, with the path prefix of a reverse proxy if any"
        )
    return None


def _body_prefix(response: requests.Response) -> bytes:
    """Up to 64 KiB of the body, read even from a streamed response that never ends."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(8192):
            chunks.append(chunk)
            size += len(chunk)
            if size >= _ERROR_TEXT_LIMIT:
                break
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError):
        pass  # keep what arrived: the status alone still says what went wrong
    return b"".join(chunks)[:_ERROR_TEXT_LIMIT]


def status_error(
    response: requests.Response,
    *,
    request_id: str | None,
    auth_mode: str | None,
    procedure: str | None,
) -> APIStatusError:
    """Build the typed error for a non-2xx answer, from whichever body shape it has."""
    status = response.status_code
    text = _body_prefix(response).decode("utf-8", errors="replace")
    body: Any = None
    try:
        body = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        body = None

    code: str | None = None
    message = ""
    action: str | None = None
    issues: list[dict[str, Any]] = []
    body_request_id: str | None = None

    error = body.get("json") if isinstance(body, dict) and isinstance(body.get("json"), dict) else body
    if isinstance(error, dict) and isinstance(error.get("code"), str) and "message" in error:
        # oRPC procedure error: {"json": {defined, code, status, message, data?}} (or bare).
        code = error["code"]
        message = str(error.get("message") or "")
        data = error.get("data")
        if isinstance(data, dict):
            if isinstance(data.get("action"), str):
                action = data["action"]
            found = data.get("issues")
            if isinstance(found, list):
                issues = [i for i in found if isinstance(i, dict)]
    elif isinstance(body, dict) and body.get("ok") is False:
        # Middleware error: {"ok": false, code, error, action, requestId?}.
        code = body["code"] if isinstance(body.get("code"), str) else None
        message = str(body.get("error") or "")
        if isinstance(body.get("action"), str):
            action = body["action"]
        if isinstance(body.get("requestId"), str):
            body_request_id = body["requestId"]
    elif isinstance(body, dict) and isinstance(body.get("error"), dict):
        # OpenAI-compatible routes: {"error": {message, type, code}}.
        inner = body["error"]
        code = inner["code"] if isinstance(inner.get("code"), str) else None
        message = str(inner.get("message") or "")
    hint = hint_for(status, code, message, auth_mode=auth_mode, procedure=procedure)
    if code is None:
        from ._not_ethos import not_ethos_status

        foreign = not_ethos_status(status, text, response.headers.get("content-type"), response.url or "", procedure)
        if foreign is not None:
            message, hint = foreign
    else:
        from ._wording import sdk_wording

        ours = sdk_wording(message, action, procedure)
        if ours is not None:
            hint = f"{hint}; {ours}" if hint else ours
    if not message:
        snippet = " ".join(text.split())[:200]
        message = snippet or (response.reason or "empty body")

    retry_after = parse_retry_after(response.headers.get("retry-after"))
    header_request_id = response.headers.get("x-request-id")
    cls = status_error_class(status)
    return cls(
        message,
        status=status,
        code=code,
        action=action,
        issues=issues,
        hint=hint,
        request_id=header_request_id or body_request_id or request_id,
        body=body,
        text=text,
        retry_after=retry_after,
    )


DEFAULT_MAX_CONNECTIONS = 100
"""Connections the client's own pool keeps open: one per thread calling at the same time."""

_READ_CHUNK = 64 * 1024


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket under a streamed response: to bound its reads, or shut it down from another thread."""
    raw: Any = getattr(response, "raw", None)
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    try:  # http.client.HTTPResponse -> BufferedReader -> SocketIO -> socket
        sock = raw._fp.fp.raw._sock
    except AttributeError:
        return None
    return sock if isinstance(sock, socket.socket) else None


def _session_of(call_input: Any) -> str | None:
    """The session a procedure's input names (``sessionId``), if any: for log records."""
    if isinstance(call_input, dict):
        found = call_input.get("sessionId")
        return found if isinstance(found, str) else None
    return None


def _read_limit(timeout: Timeout) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


def _clip(timeout: Timeout, left: float) -> Timeout:
    """``timeout`` with each phase no longer than ``left`` seconds."""
    if timeout is None:
        return (left, left)
    if isinstance(timeout, tuple):
        connect, read = timeout
        return (
            left if connect is None else min(connect, left),
            left if read is None else min(read, left),
        )
    return min(timeout, left)


_ENVIRONMENT_NAMES = (
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    "no_proxy", "NO_PROXY", "REQUEST_METHOD", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)
"""The variables ``requests`` consults for an http(s) URL; their values key :data:`_SETTINGS`."""

_SETTINGS: dict[tuple[Any, ...], dict[str, Any]] = {}


def _environment_settings(session: requests.Session, base_url: str) -> dict[str, Any]:
    """What ``requests`` would read from the environment for ``base_url`` with a fresh session.

    The answer scans all of ``os.environ`` twice; clients made with the same
    variables reuse it, so making a client stays cheap.
    """
    key = (base_url, *(os.environ.get(name) for name in _ENVIRONMENT_NAMES))
    found = _SETTINGS.get(key)
    if found is None:
        found = dict(session.merge_environment_settings(base_url, {}, None, None, None))
        if len(_SETTINGS) >= 64:
            _SETTINGS.clear()
        _SETTINGS[key] = found
    return {**found, "proxies": dict(found["proxies"])}


class Pool:
    """A ``requests.Session`` and what the environment said about the server, read once.

    ``requests`` looks up proxies, ``NO_PROXY``, CA bundles and ``~/.netrc`` in
    the environment at every call. The SDK asks the session once, when the
    client is made (``Session.merge_environment_settings``, so the answer is the
    one ``requests`` would give), and sends each request through the session's
    adapter itself. ``~/.netrc`` is never read: the SDK's own credentials are
    the only ones sent.

    A pool is shared by a client and every client derived from it with
    :meth:`~ethos_sdk.EthosClient.with_options`; it belongs to the client that
    made it, and closes with that client.

    **Fork.** A process made with ``fork`` (``os.fork``, ``multiprocessing``'s
    default on Linux) inherits the pool's open connections, which are the
    parent's: two processes reading one socket get each other's answers. So
    the first use of the pool in a child process (a request, or :meth:`close`)
    gives the child connections of its own, and the inherited ones are never
    used, nor shut down, there: with the SDK's own session, a new session;
    with a session passed in, each ``HTTPAdapter`` mounted on it gets a new
    connection pool in the child's copy of it, as unpickling an adapter does
    (the parent's session is not touched). The turns in flight are the
    parent's, too: the child's registry of them starts empty.
    """

    __slots__ = (
        "session", "owned", "closed", "adapter", "proxies", "verify", "cert", "answered",
        "pid", "size", "_base_url", "_in_flight",
    )

    def __init__(self, base_url: str, session: requests.Session | None, max_connections: int) -> None:
        self.owned = session is None
        self._base_url = base_url
        self.pid = os.getpid()
        """The process whose connections the pool holds (see "Fork" above)."""
        self._in_flight: Any = None  # the turns in flight (ethos_sdk._inflight), made by the first turn
        if session is None:
            session = _own_session(max_connections)
            self.size = max_connections
        else:
            # requests' HTTPAdapter keeps this many connections per host (10 unless told otherwise).
            self.size = int(getattr(session.get_adapter(base_url), "_pool_maxsize", 10))
        if self.owned:
            settings = _environment_settings(session, base_url)
            session.trust_env = False  # nothing reads the environment or ~/.netrc again
        else:
            settings = dict(session.merge_environment_settings(base_url, {}, None, None, None))
        self.session = session
        self.closed = False
        self.answered = False  # has the server ever answered in HTTP? (then a reset is not a wrong scheme)
        self.adapter = session.get_adapter(base_url)
        self.proxies: Mapping[str, str] = settings["proxies"]
        self.verify: Any = settings["verify"]
        self.cert: Any = settings["cert"]

    def send(
        self, request: requests.PreparedRequest, *, stream: bool, timeout: Timeout
    ) -> requests.Response:
        """Send one prepared request through the adapter; redirects are never followed."""
        if self.pid != os.getpid():
            self._after_fork()
        started = time.monotonic()
        response = self.adapter.send(
            request, stream=stream, timeout=timeout,
            verify=self.verify, cert=self.cert, proxies=self.proxies,
        )
        response.elapsed = _timedelta(seconds=time.monotonic() - started)
        return response

    def close(self) -> None:
        if self.pid != os.getpid():
            self._after_fork()  # a child closes its own connections, never the parent's
        self.closed = True
        if self.owned:
            self.session.close()

    def in_flight(self) -> Any:
        """The registry of the turns running through this pool (:class:`ethos_sdk._inflight.TurnsInFlight`)."""
        if self.pid != os.getpid():
            self._after_fork()
        if self._in_flight is None:
            from ._inflight import TurnsInFlight

            with _MAKING_REGISTRY:  # two threads starting their first turns make one registry, not two
                if self._in_flight is None:
                    self._in_flight = TurnsInFlight()
        return self._in_flight

    def stop_turns(self, why: str, owner: Transport | None = None) -> int:
        """Stop the turns in flight on this pool (of ``owner`` only, when given); 0 when no turn ran through it.

        See :meth:`ethos_sdk._inflight.TurnsInFlight.stop`.
        """
        if self.pid != os.getpid():
            self._after_fork()
        if self._in_flight is None:
            return 0
        stopped: int = self._in_flight.stop(why, owner)
        return stopped

    def _after_fork(self) -> None:
        """In a child process: connections of its own; the parent's are left as they are.

        The inherited connection objects are dropped, not closed: closing the
        child's copy of a socket leaves the parent's connection open (only a
        shutdown would end it), and their locks may have been held by a
        thread of the parent at the moment of the fork.
        """
        self.pid = os.getpid()
        self._in_flight = None
        if self.owned:
            self.session = _own_session(self.size)
            self.session.trust_env = False
            self.adapter = self.session.get_adapter(self._base_url)
            return
        for adapter in self.session.adapters.values():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                # What HTTPAdapter.__setstate__ does when an adapter is unpickled: its settings, fresh pools.
                connections: int = getattr(adapter, "_pool_connections")
                maxsize: int = getattr(adapter, "_pool_maxsize")
                adapter.init_poolmanager(connections, maxsize, block=getattr(adapter, "_pool_block"))
                adapter.proxy_manager = {}
            else:
                log.warning(
                    "after fork: the %s adapter of the session passed to EthosClient is not an HTTPAdapter, "
                    "so the SDK cannot give it connections of this process's own; it may share the parent's. "
                    "Make a new client in the child process (client.to_config().connect())",
                    type(adapter).__name__,
                )


_MAKING_REGISTRY = threading.Lock()


def _own_session(max_connections: int) -> requests.Session:
    """A ``requests.Session`` whose adapters skip interim answers and keep ``max_connections`` connections."""
    from ._http import Adapter

    session = requests.Session()
    adapter = Adapter(pool_maxsize=max_connections)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Transport:
    """Sends procedures to one server through one :class:`Pool`."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials,
        origin: str | None,
        timeout: Timeout,
        max_retries: int,
        session: requests.Session | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        pool: Pool | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        middleware: tuple[Middleware, ...] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_response_bytes = max_response_bytes
        """The largest answer read, decompressed bytes counted (see :class:`ResponseTooLargeError`)."""
        self.credentials = credentials
        self.credential_source: CredentialSource = ("argument", None)
        """Where the credential came from (the client sets it; see :meth:`EthosClient.to_config`)."""
        self.origin = origin
        self.timeout = timeout
        self.max_retries = max_retries
        self.deadline = deadline
        self.ends_by: float | None = None
        """A ``time.monotonic()`` moment no call may go past, on top of ``deadline`` (None: none)."""
        self.owns_pool = pool is None
        self.pool = pool if pool is not None else Pool(self.base_url + "/", session, max_connections)
        self.closed = False
        if headers:
            check_headers(headers, "headers")
        self.extra_headers = dict(headers or {})
        self.sleep: Callable[[float], None] = time.sleep
        self.observers = Observers(middleware)
        """The middleware and instrumentation of this client, shared with the clients derived from it."""
        self.turn: Optional[weakref.ref[TurnStream]] = None
        """The turn whose requests this transport sends (a turn's own client), for logs and middleware."""
        self._base_headers: dict[str, str] = {}
        self._rpc_headers: dict[str, tuple[str, str]] = {}
        self._urls: dict[str, tuple[str, str]] = {}
        self._rebuild_headers()

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` whose adapters carry the requests."""
        return self.pool.session

    def derive(
        self,
        *,
        timeout: Timeout | NotGiven,
        max_retries: int | NotGiven,
        headers: Mapping[str, str] | None,
        deadline: float | None | NotGiven,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
    ) -> Transport:
        """A transport over the same pool and credentials, with other options."""
        derived = Transport(
            self.base_url,
            credentials=self.credentials,
            origin=self.origin,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            headers={**self.extra_headers, **(headers or {})},
            deadline=self.deadline if isinstance(deadline, NotGiven) else deadline,
            pool=self.pool,
            max_response_bytes=(
                self.max_response_bytes if isinstance(max_response_bytes, NotGiven) else max_response_bytes
            ),
        )
        derived.sleep = self.sleep
        derived.ends_by = self.ends_by
        derived.credential_source = self.credential_source
        derived.observers = self.observers
        derived.turn = self.turn
        return derived

    # -- headers -----------------------------------------------------------

    def _rebuild_headers(self) -> None:
        # The session's own headers first (a session passed in keeps them), the SDK's over them.
        merged: requests.structures.CaseInsensitiveDict[Any] = requests.structures.CaseInsensitiveDict(
            self.pool.session.headers
        )
        merged.update({
            "User-Agent": user_agent(),
            "Accept": "application/json",
            "Content-Type": "application/json",
        })
        merged.update(self.extra_headers)
        _register_secret(self.credentials)  # masked in every error while in use, even when a server echoes it
        name, value = self.credentials.header()
        merged[name] = value
        origin = self.effective_origin()
        if origin:
            merged["Origin"] = origin
        self._base_headers = {
            k: v if isinstance(v, str) else bytes(v).decode("latin-1")
            for k, v in merged.items() if v is not None
        }
        self._rpc_headers = {k.lower(): (k, v) for k, v in self._base_headers.items()}

    def effective_origin(self) -> str | None:
        """The ``Origin`` sent: the one given, else (cookie mode only) the base URL's."""
        if self.origin:
            return self.origin
        if self.credentials.mode == "cookie":
            return origin_of(self.base_url)
        return None

    def set_credentials(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._rebuild_headers()

    def headers_for(
        self, extra: Mapping[str, str] | None, *, accept: str | None = None
    ) -> tuple[dict[str, str], str]:
        """The headers of one request, and its request id: the caller's ``x-request-id``, else a new one."""
        headers = dict(self._base_headers)
        if accept:
            headers["Accept"] = accept
        if extra:
            check_headers(extra, removable=True)
            headers.update(extra)
        for name, value in headers.items():
            if name.lower() == "x-request-id":
                return headers, value
        request_id = new_request_id()
        headers["x-request-id"] = request_id
        return headers, request_id

    def resolve_timeout(self, timeout: Timeout | NotGiven) -> Timeout:
        """The client's timeout, or the one given for this call once checked (:func:`check_timeout`)."""
        return self.timeout if isinstance(timeout, NotGiven) else check_timeout(timeout)

    # -- lifetime ------------------------------------------------------------

    def check_open(self) -> None:
        """Raise :class:`ClientClosedError` when this client, or the one it was derived from, is closed."""
        if self.closed or self.pool.closed:
            if self.closed:
                why = "it was closed (close() or the end of its with block)"
            else:
                why = "the client it was derived from with with_options() was closed"
            raise ClientClosedError(
                f"this EthosClient for {shown_url(self.base_url)} sends nothing more: {why}. "
                "Make a new EthosClient, or close the client only when you are done with it."
            )

    def close(self) -> None:
        """Refuse further calls; close the pool when this transport made it."""
        self.closed = True
        if self.owns_pool:
            self.pool.close()

    # -- RPC ---------------------------------------------------------------

    def _url_of(self, procedure: str) -> tuple[str, str]:
        found = self._urls.get(procedure)
        if found is None:
            path = "/rpc/" + procedure.replace(".", "/")
            found = (requests.utils.requote_uri(self.base_url + path), path)
            if len(self._urls) < 4096:  # the SDK's procedures, and room for call()'s
                self._urls[procedure] = found
        return found

    def rpc(
        self,
        procedure: str,
        params: Any,
        *,
        idempotent: bool,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        capture: list[requests.Response] | None = None,
        max_response_bytes: int | None = None,
    ) -> Any:
        """Call ``procedure`` with ``params`` and return its decoded output.

        ``capture``, when given, receives the HTTP response the output was read from.
        ``max_response_bytes`` replaces the transport's limit for this call.
        """
        if self.closed or self.pool.closed:
            self.check_open()
        url, path = self._url_of(procedure)
        body = _envelope.encode_input(params)
        store = self._rpc_headers.copy()
        if extra_headers:
            check_headers(extra_headers, removable=True)
            for name, value in extra_headers.items():
                if value is None:
                    store.pop(name.lower(), None)
                else:
                    store[name.lower()] = (name, value)
        given = store.get("x-request-id")
        if given is None:
            request_id = new_request_id()
            store["x-request-id"] = ("x-request-id", request_id)
        else:
            request_id = given[1]
        store["content-length"] = ("Content-Length", str(len(body)))
        headers: Any = _CaseInsensitiveDict()
        headers._store = store
        limit = self.timeout if isinstance(timeout, NotGiven) else check_timeout(timeout)
        deadline_at = self._deadline_at()
        what = "POST " + path
        attempt = 0
        while True:
            request = _PreparedRequest()
            request.method = "POST"
            request.url = url
            request.headers = headers
            request.body = body
            response = self._attempt(
                request, limit, deadline_at, False, what, request_id, procedure, idempotent, attempt,
                max_response_bytes, params,
            )
            if response is None:
                attempt += 1
                continue
            status = response.status_code
            if 200 <= status < 300:
                output = self._decode(response, request_id)
                if capture is not None:
                    capture.append(response)
                return output
            if 300 <= status < 400:
                raise self._redirect_error(response, request_id)
            error_obj = status_error(
                response, request_id=request_id,
                auth_mode=self.credentials.mode, procedure=procedure,
            )
            if self._retries_status(procedure, error_obj, idempotent, attempt, deadline_at):
                attempt += 1
                continue
            raise error_obj

    # -- the retry policy, shared by rpc() and the routes beside /rpc -----------

    def _attempt(
        self,
        request: requests.PreparedRequest,
        limit: Timeout,
        deadline_at: float | None,
        stream: bool,
        what: str,
        request_id: str,
        name: str,
        idempotent: bool | None,
        attempt: int,
        max_bytes: int | None = None,
        call_input: Any = None,
    ) -> requests.Response | None:
        """Attempt ``attempt + 1``: the answer, whatever its status, or None once a retry has been waited for.

        Unless ``stream``, the whole body is read here, so that a failure while
        reading is retried like one while sending. With a deadline, each phase
        is clipped to what is left of it, and a body trickling past it raises
        :class:`APITimeoutError`; a streamed body is left to the caller. A
        failure that is not retried raises the SDK's error; ``idempotent``
        None: never retried (see :meth:`_retries_failure` for True and False).

        A body is read up to ``max_bytes`` (default: the transport's
        ``max_response_bytes``), decompressed bytes counted; one over it raises
        :class:`ResponseTooLargeError` and its connection is dropped.

        With middleware (the client's, or instrumentation), the attempt goes
        through it (:meth:`_attempt_through`); ``call_input`` is the
        procedure's input it is shown.
        """
        started = time.monotonic()
        chain = chain_for(self.observers) if self.observers.chain or EVERY_CLIENT.chain else ()
        cause: Optional[BaseException] = None
        if chain:  # what a middleware raises itself is not caught here: it reaches the caller as it is
            try:
                response = self._attempt_through(
                    chain, request, limit, deadline_at, stream, what, request_id, name, attempt, max_bytes,
                    call_input,
                )
            except _PassedOn as passed:  # the send's own failure, passed on by the middleware
                cause, error = passed.cause, passed.error
        else:
            try:
                response = self._send_once(request, limit, deadline_at, stream, what, request_id, max_bytes, started)
            except _SEND_ERRORS as exc:
                cause, error = exc, self._failure_error(exc, request_id, what, deadline_at)
        if cause is not None:
            if idempotent is not None and self._retries_failure(name, cause, error, idempotent, attempt, deadline_at):
                return None
            raise error from cause
        self.pool.answered = True
        if log.isEnabledFor(logging.INFO):
            elapsed_ms = (time.monotonic() - started) * 1000
            log.info(
                "%s -> %d in %.1f ms (request id %s, attempt %d)",
                what, response.status_code, elapsed_ms, request_id, attempt + 1,
                extra=log_fields(
                    self, procedure=name, status=response.status_code, elapsed_ms=round(elapsed_ms, 3),
                    request_id=response.headers.get("x-request-id") or request_id, attempt=attempt + 1,
                    session_id=_session_of(call_input),
                ),
            )
        return response

    def _send_once(
        self,
        request: requests.PreparedRequest,
        limit: Timeout,
        deadline_at: float | None,
        stream: bool,
        what: str,
        request_id: str,
        max_bytes: int | None,
        started: float,
    ) -> requests.Response:
        """Send ``request`` once and read its answer (unless ``stream``); errors of requests are raised as they are."""
        if deadline_at is None:
            response = self.pool.send(request, stream=True, timeout=limit)
            if response.status_code < 200:
                raise self._interim_error(response, what, request_id)
            if not stream:
                headers = response.headers
                length = headers.get("content-length")
                if (
                    length is not None and length.isdigit() and "content-encoding" not in headers
                    and int(length) <= (self.max_response_bytes if max_bytes is None else max_bytes)
                ):
                    response.content  # noqa: B018  (bounded by its Content-Length)
                else:
                    self._read_within(response, None, _read_limit(limit), what, request_id, max_bytes)
        else:
            left = deadline_at - started
            if left <= 0:
                raise self._deadline_error(what, request_id)
            response = self.pool.send(request, stream=True, timeout=_clip(limit, left))
            if response.status_code < 200:
                raise self._interim_error(response, what, request_id)
            if not stream:
                self._read_within(response, deadline_at, _read_limit(limit), what, request_id, max_bytes)
        return response

    def _attempt_through(
        self,
        chain: tuple[Middleware, ...],
        request: requests.PreparedRequest,
        limit: Timeout,
        deadline_at: float | None,
        stream: bool,
        what: str,
        request_id: str,
        name: str,
        attempt: int,
        max_bytes: int | None,
        call_input: Any,
    ) -> requests.Response:
        """:meth:`_send_once` through the middleware ``chain``.

        A failed send reaches the middleware as the SDK's error; passed on by
        it, it leaves here as :class:`_PassedOn`, for :meth:`_attempt` to
        retry as it would without middleware. Anything a middleware raises
        itself leaves as it is.
        """
        global _middleware
        if _middleware is None:
            from . import middleware as _middleware  # loaded by the first client that has middleware

        failed: list[_PassedOn] = []

        def send(seen: _Request) -> requests.Response:
            if seen._headers is not None:  # a middleware read them, and may have changed them
                check_headers(seen._headers, "the headers a middleware set")
                request.headers = seen._headers
            try:
                return self._send_once(
                    request, limit, deadline_at, stream, what, request_id, max_bytes, time.monotonic()
                )
            except _SEND_ERRORS as exc:
                failed.append(_PassedOn(exc, self._failure_error(exc, request_id, what, deadline_at)))
                raise failed[-1].error from exc

        procedure = name if name != what else None
        shown = _middleware.Request(request, what, procedure, attempt + 1, call_input, request_id, stream, self.turn)
        try:
            answer: requests.Response = _middleware.run_chain(chain, shown, send)
        except APIConnectionError as error:
            if failed and error is failed[-1].error:
                raise failed[-1] from None
            raise
        return answer

    def _failure_error(
        self, exc: BaseException, request_id: str, what: str, deadline_at: float | None
    ) -> APIConnectionError:
        """The SDK's error for a failed attempt; a timeout that came at the deadline says so."""
        if deadline_at is not None and _is_timeout(exc) and time.monotonic() >= deadline_at - 0.001:
            return self._deadline_error(what, request_id)
        return connection_error(exc, request_id, what, base_url=self.base_url, probe=not self.pool.answered)

    def _retries_failure(
        self,
        what: str,
        exc: BaseException,
        error: APIConnectionError,
        idempotent: bool,
        attempt: int,
        deadline_at: float | None,
    ) -> bool:
        """After a failed attempt: wait and return True when the request is to be sent again.

        A request that changes something is sent again only when it cannot
        have reached the server (refused, or the connection never made).
        """
        if not (idempotent or _cannot_have_reached_server(exc)):
            return False
        return self._waited_to_retry(what, error, attempt, backoff_delay(attempt), deadline_at)

    def _retries_status(
        self, what: str, error: APIStatusError, idempotent: bool, attempt: int, deadline_at: float | None
    ) -> bool:
        """After an error answer: wait and return True when the request is to be sent again.

        Only a request that changes nothing is sent again, only after a status
        of :data:`RETRY_STATUSES`, after its ``Retry-After`` when it has one (an
        answer asking for more than :data:`MAX_RETRY_AFTER` is raised at once),
        else after :func:`backoff_delay`.
        """
        if not idempotent or error.status not in RETRY_STATUSES:
            return False
        wait = error.retry_after
        if wait is not None and wait > MAX_RETRY_AFTER:
            return False
        delay = backoff_delay(attempt) if wait is None else wait
        return self._waited_to_retry(what, error.status, attempt, delay, deadline_at)

    def _waited_to_retry(
        self, procedure: str, why: object, attempt: int, delay: float, deadline_at: float | None
    ) -> bool:
        """Wait ``delay`` before retry ``attempt + 1`` and say so; False when no retry is left or the wait would pass the deadline."""
        if attempt >= self.max_retries:
            return False
        if deadline_at is not None and time.monotonic() + delay >= deadline_at:
            return False
        log.info(
            "%s: %s; retry %d of %d in %.2f s", procedure, why, attempt + 1, self.max_retries, delay,
            extra=log_fields(
                self, procedure=procedure, status=getattr(why, "status", None), attempt=attempt + 1,
                request_id=getattr(why, "request_id", None),
            ),
        )
        self.sleep(delay)
        return True

    def _deadline_at(self) -> float | None:
        """When a call starting now must be over: ``deadline`` from now, and not after ``ends_by``."""
        if self.deadline is None:
            return self.ends_by
        deadline_at = time.monotonic() + self.deadline
        return deadline_at if self.ends_by is None else min(deadline_at, self.ends_by)

    def _deadline_error(self, what: str, request_id: str) -> APITimeoutError:
        if self.deadline is None or (self.ends_by is not None and self.ends_by <= time.monotonic() + 0.001):
            return APITimeoutError(
                f"{what} did not finish within the time left of the operation it is part of "
                "(all attempts, waits and reading the answer); raise that operation's timeout=",
                request_id=request_id,
            )
        return APITimeoutError(
            f"{what} did not finish within deadline={self.deadline:g} s (all attempts, waits "
            "and reading the answer); raise the limit with deadline=",
            request_id=request_id,
        )

    def _interim_error(self, response: requests.Response, what: str, request_id: str) -> APIConnectionError:
        """A 1xx taken for the answer (a session passed in, or a 101): its connection is dropped, never pooled."""
        status = response.status_code
        response.close()  # the real answer may still be in the connection: never hand it to another call
        return APIConnectionError(
            f"{what}: the server (or a proxy) answered with the interim status {status} and no final "
            "answer could be read after it; the connection was dropped. Let the client use its own "
            "connection pool (no session=), or check what sits in front of the server",
            request_id=request_id,
        )

    def _too_large(self, what: str, limit: int, request_id: str | None) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"{what}: the answer is larger than max_response_bytes={limit} bytes (counted after "
            "decompression), so reading stopped there. If an answer this large is expected, raise "
            "the limit: EthosClient(max_response_bytes=...) or client.with_options(max_response_bytes=...)",
            limit=limit,
            request_id=request_id,
        )

    def read_limited(
        self, response: requests.Response, what: str, request_id: str | None, max_bytes: int | None = None
    ) -> bytes:
        """The whole body of a streamed ``response``, at most ``max_bytes`` (default: the transport's limit).

        Raises :class:`ResponseTooLargeError` past the limit, the SDK's
        connection error when the body breaks; ``deadline`` bounds the reading.
        """
        try:
            self._read_within(response, self._deadline_at(), _read_limit(self.timeout), what, request_id or "", max_bytes)
        except _SEND_ERRORS as exc:
            raise connection_error(exc, request_id, what, base_url=self.base_url, probe=False) from exc
        return response.content

    def _read_within(
        self,
        response: requests.Response,
        deadline_at: float | None,
        read_timeout: float | None,
        what: str,
        request_id: str,
        max_bytes: int | None = None,
    ) -> None:
        """Read the body as it arrives, giving up at ``deadline_at`` however slowly it trickles.

        Past ``max_bytes`` (default: :attr:`max_response_bytes`) of decoded body,
        or a ``Content-Length`` saying so, raise :class:`ResponseTooLargeError`.
        """
        limit = self.max_response_bytes if max_bytes is None else max_bytes
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            response.close()
            raise self._too_large(what, limit, request_id)
        raw: Any = response.raw
        read = getattr(raw, "read1", None) or raw.read  # read1: what has arrived, urllib3 >= 2
        # Compressed: small reads, so that even an urllib3 that inflates a whole read at once stays bounded.
        amount = _READ_CHUNK if "content-encoding" not in response.headers else _READ_CHUNK // 4
        sock = _socket_of(response) if deadline_at is not None else None
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if deadline_at is not None:
                    left = deadline_at - time.monotonic()
                    if left <= 0:
                        raise self._deadline_error(what, request_id)
                    if sock is not None:
                        try:
                            sock.settimeout(left if read_timeout is None else min(left, read_timeout))
                        except OSError:  # closed under an answer that says "Connection: close": read what is buffered
                            sock = None
                try:
                    chunk = read(amount, decode_content=True)
                except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
                    if deadline_at is not None and time.monotonic() >= deadline_at - 0.001:
                        raise self._deadline_error(what, request_id) from exc
                    raise
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise self._too_large(what, limit, request_id)
                chunks.append(chunk)
        except BaseException:
            chunks.clear()
            response.close()
            raise
        response._content = b"".join(chunks)
        setattr(response, "_content_consumed", True)  # as Response.content leaves it

    def _decode(self, response: requests.Response, request_id: str) -> Any:
        request_id = response.headers.get("x-request-id", request_id)
        content = response.content
        try:
            envelope = json.loads(content)
            return _envelope.decode_output(envelope)
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            text = content[:2000].decode("utf-8", errors="replace")
            from ._not_ethos import not_ethos_answer

            foreign = not_ethos_answer(text, response.headers.get("content-type"), response.url or "")
            raise UnexpectedResponseError(
                foreign or f"the answer is not an oRPC envelope ({exc}); is base_url an Ethos server?",
                status=response.status_code,
                text=text,
                request_id=request_id,
            ) from exc

    def _redirect_error(self, response: requests.Response, request_id: str) -> APIStatusError:
        location = response.headers.get("location", "?")
        return APIStatusError(
            f"the server redirected to {redact(location)}; the SDK does not follow redirects "
            "(they would drop the request body or the credentials)",
            status=response.status_code,
            hint="set base_url to the address the server really answers on",
            request_id=response.headers.get("x-request-id", request_id),
            text=response.text[:2000],
        )

    # -- other routes (health, metrics, avatars, downloads) --------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        stream: bool = False,
        idempotent: bool | None = None,
        is_answer: Callable[[requests.Response], bool] | None = None,
    ) -> requests.Response:
        """One call of a route outside ``/rpc``, retried as :meth:`rpc` retries (redirects not followed).

        ``idempotent`` (default: True for GET and HEAD) says whether the route
        changes nothing: then it is sent again after a failed connection or a
        status of :data:`RETRY_STATUSES`; otherwise only when the request cannot
        have left. ``max_retries`` and ``deadline`` bound it as they bound a
        procedure; with ``stream``, the deadline bounds the attempts and the
        wait for the answer's headers, the caller reads the body.

        ``data`` is sent as it is, with the caller's ``Content-Type`` (none when
        no data). A 2xx answer, or one for which ``is_answer`` says True (not
        retried then), is returned; any other raises the SDK's typed error.
        """
        keep_type = data is not None or any(name.lower() == "content-type" for name in headers or {})
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD")
        response, request_id = self._send_route(
            method, path, params=params, data=data, headers=headers, timeout=timeout,
            stream=stream, credentials=True, keep_content_type=keep_type,
            idempotent=idempotent, is_answer=is_answer,
        )
        if 200 <= response.status_code < 300 or (is_answer is not None and is_answer(response)):
            return response
        raise self._route_error(response, request_id)

    # -- GET (event stream, login, spec) -------------------------------------

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        stream: bool = False,
        credentials: bool = True,
    ) -> requests.Response:
        """GET ``path`` once (no retries, no redirects followed); raises the SDK's errors for failures.

        The event streams reconnect by themselves, and a login token is good
        for one use only: neither is sent again here. A 3xx answer is returned
        to the caller, a 4xx/5xx raises.
        """
        response, request_id = self._send_route(
            "GET", path, params=params, data=None, headers=headers, timeout=timeout,
            stream=stream, credentials=credentials, keep_content_type=False,
        )
        if response.status_code >= 400:
            raise self._route_error(response, request_id)
        return response

    def _send_route(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        data: bytes | None,
        headers: Mapping[str, str] | None,
        timeout: Timeout | NotGiven,
        stream: bool,
        credentials: bool,
        keep_content_type: bool,
        idempotent: bool | None = None,
        is_answer: Callable[[requests.Response], bool] | None = None,
    ) -> tuple[requests.Response, str]:
        """Send a request outside ``/rpc`` through the pool; return the answer.

        ``idempotent`` None: sent once, whatever happens, and the answer is
        returned whatever its status. True or False: retried by the policy of
        :meth:`rpc` (:meth:`_retries_failure`, :meth:`_retries_status`) within
        the client's ``deadline``; a retryable status that ``is_answer`` does
        not claim raises once no retry is left.
        """
        self.check_open()
        all_headers, request_id = self.headers_for(headers)
        if not keep_content_type:
            all_headers.pop("Content-Type", None)
        if not credentials:
            all_headers.pop("Authorization", None)
            all_headers.pop("Cookie", None)
        prepared = _PreparedRequest()
        prepared.prepare_method(method)
        prepared.prepare_url(f"{self.base_url}{path}", params)
        prepared.prepare_headers(all_headers)  # no prepare_auth: a user:password@ in base_url is never sent
        prepared.prepare_body(data, None)
        limit = self.resolve_timeout(timeout)
        retried = idempotent is not None
        deadline_at = self._deadline_at() if retried else None
        what = f"{method} {path}"
        attempt = 0
        while True:
            response = self._attempt(
                prepared.copy(), limit, deadline_at, stream, what, request_id, what, idempotent, attempt
            )
            if response is None:
                attempt += 1
                continue
            status = response.status_code
            if retried and status in RETRY_STATUSES and not (is_answer is not None and is_answer(response)):
                error_obj = self._route_error(response, request_id)
                if self._retries_status(what, error_obj, bool(idempotent), attempt, deadline_at):
                    attempt += 1
                    continue
                raise error_obj
            return response, request_id

    def _route_error(self, response: requests.Response, request_id: str) -> APIStatusError:
        """The typed error of a failed answer outside ``/rpc``; the response is closed."""
        try:
            return status_error(
                response, request_id=request_id, auth_mode=self.credentials.mode, procedure=None
            )
        finally:
            response.close()


_SEND_ERRORS = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError)


class _PassedOn(Exception):
    """A send that failed under middleware, which passed the SDK's error on: retried as without middleware."""

    def __init__(self, cause: BaseException, error: APIConnectionError) -> None:
        super().__init__(cause, error)
        self.cause = cause
        self.error = error


_middleware: Any = None  # ethos_sdk.middleware, once a client with middleware sent something
_PreparedRequest = requests.models.PreparedRequest
_CaseInsensitiveDict = requests.structures.CaseInsensitiveDict


def _log_from_environment() -> None:
    """``ETHOS_LOG=debug|info``: the ``ethos_sdk`` logger writes to stderr (read once, at import)."""
    value = os.environ.get("ETHOS_LOG", "").strip().lower()
    if not value:
        return
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(value)
    if level is None:
        import warnings

        warnings.warn(
            f"ETHOS_LOG={redact(repr(value))} is not used: set it to 'debug' or 'info'", stacklevel=2
        )
        return
    handler = logging.StreamHandler()  # stderr
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


_log_from_environment()
