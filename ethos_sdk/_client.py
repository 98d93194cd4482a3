"""``EthosClient``: credentials, timeouts, retries and the namespaces of one server."""

from __future__ import annotations

import os
import warnings
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence
from urllib.parse import urlsplit

import requests

from ._auth import (
    InsecureCredentialWarning,
    check_api_key,
    is_loopback,
    read_token_file,
    token_file_path,
    token_from_login,
)
from ._ids import new_client_suffix
from ._limits import DEFAULT_MAX_EVENT_BYTES, check_max_event_bytes
from ._safety import check_address, check_cookie_value, check_headers, check_origin, cookie_token, quoted
from ._transport import (
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Credentials, CredentialSource, Transport,
)
from ._types import NOT_GIVEN, NotGiven, Timeout, check_timeout
from .errors import AuthenticationError, ConfigurationError, redact

if TYPE_CHECKING:
    from ._config import ClientConfig
    from .middleware import Middleware
    from .stream import EventStream
    from .surface_streams import SystemEventStream
    from .types.system import Health
    from .namespaces.sessions import Sessions
    from .namespaces.chat import Chat
    from .namespaces.personalities import Personalities
    from .namespaces.memory import Memory
    from .namespaces.meta import Meta
    from .namespaces.a2a import A2A
    from .namespaces.admin import Admin
    from .namespaces.api_keys import ApiKeys
    from .namespaces.batch import Batch
    from .namespaces.clarify import Clarify
    from .namespaces.config import Config
    from .namespaces.context import Context
    from .namespaces.cron import Cron
    from .namespaces.dashboards import Dashboards
    from .namespaces.debug import Debug
    from .namespaces.deliveries import Deliveries
    from .namespaces.digest import Digest
    from .namespaces.documents import Documents
    from .namespaces.eval import Eval
    from .namespaces.evolver import Evolver
    from .namespaces.files import Files
    from .namespaces.goals import Goals
    from .namespaces.kanban import Kanban
    from .namespaces.mcp import MCP
    from .namespaces.mesh import Mesh
    from .namespaces.models import Models
    from .namespaces.named_secrets import NamedSecrets
    from .namespaces.onboarding import Onboarding
    from .namespaces.platforms import Platforms
    from .namespaces.plugins import Plugins
    from .namespaces.slash_commands import SlashCommands
    from .namespaces.skills import Skills
    from .namespaces.tasks import Tasks
    from .namespaces.tool_settings import ToolSettings
    from .namespaces.tools import Tools
    from .namespaces.voice import Voice

__all__ = ["EthosClient", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "http://localhost:3000"
"""Where ``ethos serve`` listens unless told otherwise."""

_warned_plain_http: set[str] = set()


def _origin_of(given: str | None, from_env: str | None) -> str | None:
    """The ``Origin`` header to send: ``origin=``, else ``$ETHOS_ORIGIN``, checked; None for the default."""
    if given:
        return check_origin(given)
    if from_env and from_env.strip():
        return check_origin(from_env, "ETHOS_ORIGIN")
    return None


def _check_base_url(value: str) -> str:
    """``value`` without a trailing slash, or a :class:`ConfigurationError` saying what is wrong.

    A credential given where the address goes (``EthosClient(key)``) is never
    repeated in the message: an API key shows as ``sk-ethos-***`` with the
    hint to pass it as ``api_key=``, a web token not at all.
    """
    base = value.strip().rstrip("/")
    check_address(base)  # first: the messages below may show the URL
    parts = urlsplit(base)
    if "://" not in base or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        shown = quoted(base)
        if shown != repr(base):
            raise ConfigurationError(
                f"base_url is the server's address (http:// or https://), and got {shown}. Pass the "
                "address first and the credential by name: EthosClient('http://127.0.0.1:3000', "
                "api_key='sk-ethos-...') or cookie='<web token>'"
            )
        raise ConfigurationError(f"base_url must start with http:// or https://, got {shown}")
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"base_url must not have a query or fragment, got {base!r}: give the server's address"
        )
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    if last in ("rpc", "sse"):
        fixed = base[: len(base) - len(last)].rstrip("/")
        raise ConfigurationError(
            f"base_url ends in /{last}, got {base!r}: give the server's address without it "
            f"(base_url={fixed!r}); the SDK adds /rpc and /sse itself"
        )
    return base


def _check_max_response_bytes(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_response_bytes must be a number of bytes above 0, got {value!r}")


def _check_deadline(deadline: Any) -> float | None:
    """``deadline`` as seconds (a float) or None, or :class:`ConfigurationError` saying what is accepted."""
    if isinstance(deadline, tuple):
        raise ConfigurationError(
            f"deadline is one number of seconds for the whole call (or None), not a pair; got {deadline!r}. "
            "A (connect, read) pair is what timeout= takes"
        )
    checked = check_timeout(deadline, "deadline")
    assert not isinstance(checked, tuple)
    return checked


class EthosClient:
    """A connection to one Ethos server.

    Args:
        base_url: the server, e.g. ``"http://127.0.0.1:3000"``. Default:
            ``$ETHOS_BASE_URL``, else ``http://localhost:3000``. Behind a
            reverse proxy, include its path prefix (``"https://host/ethos"``
            calls ``https://host/ethos/rpc/...``); never the ``/rpc`` or ``/sse``
            part itself.
        api_key: an API key (``sk-ethos-...``). Default: ``$ETHOS_API_KEY``.
            Keys are limited to their scopes and cannot call cookie-only or
            experimental procedures.
        cookie: the web token (the ``ethos_auth`` cookie value). Default, for a
            server on this machine only: the token in ``$ETHOS_STATE_DIR/web-token``
            (else ``~/.ethos/web-token``), the file ``ethos serve`` writes.
        origin: the ``Origin`` header to send. Keys minted with
            ``api_keys.create`` only work from the origins listed when they were
            made. Default: ``$ETHOS_ORIGIN``; in cookie mode, else the base URL's origin.
        client_id: the id ``chat.send`` reports for this client. Default: a new
            random id per client.
        timeout: seconds to connect and to wait for each read, as one number or
            ``(connect, read)``; ``None`` waits forever. Default ``(5, 60)``.
            Every method also takes ``timeout=`` for one call. A server that
            trickles its answer is bounded by ``deadline``, not by ``timeout``.
        deadline: seconds one call may take in all (a procedure, or a read
            beside ``/rpc`` such as :meth:`health`): every attempt, the waits
            between retries and reading the answer. Default ``None``:
            no bound beyond ``timeout`` and ``max_retries``. When it passes, the
            call raises :class:`~ethos_sdk.APITimeoutError`.
        max_retries: how many times a failed call is sent again (default 2).
            Reads are retried after connection errors, timeouts and statuses
            408, 429, 502, 503 and 504; calls that change something only when
            the request cannot have reached the server.
        session: a ``requests.Session`` to use. Its adapters, proxies,
            ``verify``, ``cert`` and headers are used as they are when the
            client is made (``max_connections`` does not resize its pools);
            the client never closes it. Its ``auth``, hooks and cookie jar are
            not used: the SDK sends its own credentials only (for code around
            each request, use ``middleware``).
        headers: extra headers sent with every request.
        max_connections: connections the client's own pool keeps open to the
            server (default 100): one per thread calling at the same time, so
            one client serves that many threads without opening and dropping
            connections. Not used with ``session``.
        max_response_bytes: the largest answer the client reads, in bytes after
            decompression (default 64 MiB). Reading stops there with
            :class:`~ethos_sdk.ResponseTooLargeError`, so a broken or hostile
            server cannot fill the memory. For one call:
            ``client.with_options(max_response_bytes=...)`` or
            ``client.call(..., max_response_bytes=...)``.
        max_event_bytes: the largest frame (one event) an event stream of this
            client accepts, in bytes (default 16 MiB); a larger one ends the
            iteration with :class:`~ethos_sdk.ResponseTooLargeError`, so memory
            stays bounded. ``client.events(..., max_event_bytes=...)`` sets it
            for one stream.
        middleware: functions ``fn(request, call_next) -> response`` run
            around every attempt of every request, in order (the first is the
            outermost), inside the retry loop; clients made with
            :meth:`with_options` keep them. See :mod:`ethos_sdk.middleware`
            and the "Observability" page of the docs.

    What the environment says (``HTTP_PROXY``/``HTTPS_PROXY``, ``NO_PROXY``,
    ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``) is read once, when the client is
    made, and honoured as read then. ``~/.netrc`` is never used.

    Raises:
        ConfigurationError: no credential could be found, the API key or the
            cookie is malformed (characters a header cannot carry, or ``;``
            in a cookie), or ``base_url`` is not an http(s) address of the
            server (one ending in ``/rpc`` or ``/sse`` is refused, and so is
            one with ``user:password@``, a backslash, a control character or
            a port outside 1-65535), ``origin`` is not ``scheme://host[:port]``
            (one trailing ``/`` is dropped), or ``headers`` has a name HTTP does not
            allow or a value that is not a ``str`` or holds a line break, or
            ``middleware`` is not a list of functions. No message repeats a
            credential or a header's value.

    Use it as a context manager, or call :meth:`close`, to free its connections::

        with EthosClient("http://127.0.0.1:3000", api_key=key, origin="http://localhost:3001") as client:
            page = client.sessions.list(limit=20)
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        cookie: str | None = None,
        origin: str | None = None,
        client_id: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        session: requests.Session | None = None,
        headers: Mapping[str, str] | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        middleware: Sequence[Middleware] | None = None,
    ) -> None:
        env = os.environ
        base = _check_base_url(base_url or env.get("ETHOS_BASE_URL") or DEFAULT_BASE_URL)
        if max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        timeout = check_timeout(timeout)
        deadline = _check_deadline(deadline)
        if max_connections < 1:
            raise ConfigurationError("max_connections must be 1 or more")
        _check_max_response_bytes(max_response_bytes)
        if api_key is not None and cookie is not None:
            raise ConfigurationError("pass either api_key or cookie, not both")
        chain: tuple[Middleware, ...] = ()
        if middleware is not None:
            from .middleware import check_middleware  # loaded only by clients that have middleware

            chain = check_middleware(middleware)
        self.max_event_bytes: int = check_max_event_bytes(max_event_bytes)
        """The largest frame (one event) the client's event streams accept, in bytes."""

        credentials, source = self._find_credentials(base, api_key, cookie)
        address = urlsplit(base)
        if credentials.mode == "bearer" and address.scheme.lower() == "http" and not is_loopback(base):
            host = address.netloc.lower()  # one warning per server, however its URL is spelled
            if host not in _warned_plain_http:
                _warned_plain_http.add(host)
                warnings.warn(
                    f"sending an API key over plain HTTP to {redact(base)}: anyone on the network "
                    "can read it. Use https:// for servers that are not on this machine.",
                    InsecureCredentialWarning,
                    stacklevel=2,
                )

        self.client_id: str = client_id or f"ethos-sdk-python-{new_client_suffix()}"
        """The ``clientId`` that ``chat.send`` reports unless a call gives its own."""
        self._transport = Transport(
            base,
            credentials=credentials,
            origin=_origin_of(origin, env.get("ETHOS_ORIGIN")),
            timeout=timeout,
            max_retries=max_retries,
            session=session,
            headers=headers,
            deadline=deadline,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            middleware=chain,
        )
        self._transport.credential_source = source

    def to_config(self, *, include_credentials: bool = False) -> ClientConfig:
        """This client's settings as a :class:`~ethos_sdk.ClientConfig`: picklable, to make the same client elsewhere.

        A client cannot be pickled (it holds open connections and a secret);
        its settings can. Send the config to a worker process, a cluster or a
        job queue, and call :meth:`ClientConfig.connect <ethos_sdk.ClientConfig.connect>`
        there::

            config = client.to_config()
            ...                            # in the worker:
            worker_client = config.connect()

        It holds the base URL, ``origin``, timeouts, ``deadline``,
        ``max_retries``, the limits, the extra headers, and **where the
        credential came from** -- ``ETHOS_API_KEY``, the web-token file, an
        argument or :meth:`login` -- but **not the credential itself**:
        ``connect()`` reads it again where it runs (the variable or the file
        must be there). ``include_credentials=True`` puts the secret in the
        config (its repr shows ``'***'``): then whoever can read the pickled
        config can use the key, so send it only where you would send the key.
        A ``session`` passed to this client and its ``middleware`` do not
        travel (give ``connect(middleware=...)`` its own), and each connected
        client gets its own ``client_id``.
        """
        from ._config import ClientConfig

        return ClientConfig._of(self, include_credentials)

    def _ending_by(self, moment: float | None) -> EthosClient:
        """A client like this one whose calls are all over by ``moment`` (a ``time.monotonic()`` value).

        The chat helpers send a turn's message through it, and the waits
        (``goals.wait``...) make their reads through it, so that every
        attempt, the waits between retries and the reading of each answer end
        within the operation's ``timeout``: a retry whose wait would pass it
        is not made. The client's own ``deadline``, when shorter, still
        applies. ``None`` (no limit), or a closed client (whose calls raise by
        themselves), gives this client.
        """
        if moment is None or self._transport.closed or self._transport.pool.closed:
            return self
        derived = self.with_options()
        transport = derived._transport
        transport.ends_by = moment if transport.ends_by is None else min(transport.ends_by, moment)
        return derived

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
    ) -> EthosClient:
        """A client like this one with other options; this one is left unchanged.

        The new client shares this one's connection pool (the same
        ``requests.Session`` and adapters), credentials, origin,
        ``client_id``, middleware and instrumentation; options not given keep this client's values, and
        ``headers`` are added to this client's extra headers::

            patient = client.with_options(timeout=300, max_retries=5)
            patient.sessions.export(session_id, "markdown")

        The pool belongs to the client that made it: closing the new client
        only stops the new client, while closing this one closes the pool, and
        the clients derived from it then raise
        :class:`~ethos_sdk.ClientClosedError` too.

        Raises:
            ConfigurationError: ``max_retries`` below 0, a ``timeout`` or
                ``deadline`` that is not a number of seconds above 0 (or None),
                or ``headers`` that cannot be sent (as for the constructor).
            ClientClosedError: this client is closed.
        """
        self._transport.check_open()
        if not isinstance(max_retries, NotGiven) and max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        if not isinstance(timeout, NotGiven):
            timeout = check_timeout(timeout)
        if not isinstance(deadline, NotGiven):
            deadline = _check_deadline(deadline)
        if not isinstance(max_response_bytes, NotGiven):
            _check_max_response_bytes(max_response_bytes)
        if headers:
            check_headers(headers, "headers")
        derived = type(self).__new__(type(self))
        derived.client_id = self.client_id
        derived.max_event_bytes = self.max_event_bytes
        derived._transport = self._transport.derive(
            timeout=timeout, max_retries=max_retries, headers=headers, deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        return derived

    @staticmethod
    def _find_credentials(base: str, api_key: str | None, cookie: str | None) -> tuple[Credentials, CredentialSource]:
        """The credentials, and where they came from (:meth:`to_config` records it, to read them there again)."""
        if api_key is not None:
            return Credentials("bearer", check_api_key(api_key)), ("argument", None)
        if cookie is not None:
            given = cookie_token(cookie)
            if not given:
                raise ConfigurationError("cookie is empty")
            return Credentials("cookie", check_cookie_value(given)), ("argument", None)
        env_key = os.environ.get("ETHOS_API_KEY")
        if env_key:
            return Credentials("bearer", check_api_key(env_key)), ("ETHOS_API_KEY", None)
        token_path = token_file_path()
        if is_loopback(base):
            token = read_token_file(token_path)
            if token:
                found = Credentials("cookie", check_cookie_value(token, f"the web token in {token_path}"))
                return found, ("web-token file", str(token_path))
        raise ConfigurationError(
            f"no credential for {base}. Give one of:\n"
            "  - api_key='sk-ethos-...' (or set ETHOS_API_KEY); add origin=... if the key is "
            "pinned to origins\n"
            "  - cookie='<web token>': the content of the web-token file of the Ethos data "
            "directory\n"
            f"  - for a server on this machine, nothing: the token in {token_path} is used "
            "when it exists (set ETHOS_STATE_DIR if the data directory is elsewhere)\n"
            "  - EthosClient.from_login_url('<URL printed by ethos serve>')"
        )

    @classmethod
    def from_login_url(cls, url: str, **kwargs: Any) -> EthosClient:
        """A cookie-authenticated client from the login URL ``ethos serve`` printed.

        The server address is taken from the URL unless ``base_url`` is given.
        Like :meth:`login`, this **rotates the server's web token**: the URL
        and every cookie issued before stop working.
        """
        base_url = kwargs.pop("base_url", None)
        if base_url is None:
            parts = url.split("?", 1)[0]
            base_url = parts.rsplit("/auth/exchange", 1)[0].rstrip("/")
        # The cookie is not known until the exchange: start with a stand-in
        # that login() replaces before any procedure is called.
        client = cls(base_url, cookie="not-yet-logged-in", **kwargs)
        client.login(url)
        return client

    # -- credentials -----------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The server's address, without a trailing slash."""
        return self._transport.base_url

    @property
    def auth_mode(self) -> Literal["bearer", "cookie"]:
        """``"bearer"`` with an API key, ``"cookie"`` with the web token."""
        return "bearer" if self._transport.credentials.mode == "bearer" else "cookie"

    @property
    def origin(self) -> str | None:
        """The ``Origin`` header sent with each request, if any."""
        return self._transport.effective_origin()

    def login(self, exchange_url_or_token: str) -> None:
        """Trade a one-time login URL (or its token) for the web cookie, and use it from now on.

        ``exchange_url_or_token`` is the URL ``ethos serve`` prints
        (``http://localhost:3000/?t=...``) or just its ``t`` value. The client
        calls ``GET /auth/exchange``, keeps the ``ethos_auth`` cookie of the
        answer and switches to cookie authentication.

        .. warning::
           This **rotates the server's web token**: the URL stops working, and
           so does every cookie issued before it, including your browser's
           session of the web UI and the ``web-token`` file's old content.

        Raises:
            AuthenticationError: the token is unknown or was already used.
        """
        token = token_from_login(exchange_url_or_token)
        response = self._transport.get(
            "/auth/exchange", params={"t": token}, credentials=False
        )
        try:
            cookie = response.cookies.get("ethos_auth")
        finally:
            response.close()
        # The client sends the cookie itself; keep it out of a session the
        # caller may share with other code.
        jar = self._transport.session.cookies
        for stale in [c for c in jar if c.name == "ethos_auth"]:
            jar.clear(stale.domain, stale.path, stale.name)
        if not cookie:
            raise AuthenticationError(
                "the server accepted the login token but set no ethos_auth cookie",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
                hint="is base_url an Ethos server?",
            )
        check_cookie_value(cookie, "the ethos_auth cookie the server set")
        self._transport.set_credentials(Credentials("cookie", cookie))
        self._transport.credential_source = ("login", None)

    # -- calls -------------------------------------------------------------------

    def call(
        self,
        procedure: str,
        input: Any = None,
        *,
        idempotent: bool = False,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        strict: bool = True,
        max_response_bytes: int | None = None,
    ) -> Any:
        """Call any procedure by its contract name and return its output untyped.

        ``input`` is sent as it is (``None`` is JSON ``null``), with the wire
        keys of the contract (``personalityId``, not ``personality_id``)::

            client.call("sessions.list", {"limit": 1, "personalityId": "engineer"})

        Before sending, the name and the input keys are checked against the
        procedures this SDK has methods for: a misspelt name or a key the
        procedure does not take (which the server would silently ignore)
        raises :class:`~ethos_sdk.InvalidCallError` naming what was probably
        meant, and nothing is sent. ``strict=False`` skips that check, to reach
        a procedure or a key of a server newer than the SDK. (The first checked
        call builds the SDK's table of procedures, once per process.)

        Set ``idempotent=True`` for a procedure that changes nothing, so that
        it is retried like the SDK's own reads. ``max_response_bytes`` replaces
        the client's limit on the answer's size for this call.

        Raises:
            InvalidCallError: with ``strict``, an unknown procedure or input key.
        """
        if not procedure or procedure.startswith(".") or procedure.endswith("."):
            raise ConfigurationError(f"not a procedure name: {procedure!r} (like 'sessions.list')")
        if strict:
            from ._procedures import check_call

            check_call(procedure, input)
        if max_response_bytes is not None:
            _check_max_response_bytes(max_response_bytes)
        return self._transport.rpc(
            procedure, input, idempotent=idempotent, timeout=timeout, extra_headers=extra_headers,
            max_response_bytes=max_response_bytes,
        )

    def events(self, session_id: str, **kwargs: Any) -> EventStream:
        """The live event stream of one session: an :class:`~ethos_sdk.EventStream`.

        Keyword arguments are those of :class:`~ethos_sdk.EventStream`
        (``since=``, ...)::

            with client.events(session_id) as stream:
                for event in stream:
                    ...
        """
        from .stream import EventStream

        self._transport.check_open()
        return EventStream(self, session_id, **kwargs)

    # -- routes beside /rpc (see ethos_sdk._surfaces and ethos_sdk.surface_streams) --

    def health(self, *, timeout: Timeout | NotGiven = NOT_GIVEN) -> Health:
        """The server's health check (``GET /healthz``), which needs no credential.

        A degraded server (the gateway's heartbeat missing or over 30 s old, or
        an adapter down) answers 503 with ``status: "degraded"``: that answer
        is returned, not raised. A server that cannot be reached raises
        :class:`~ethos_sdk.APIConnectionError` as usual::

            if client.health()["status"] != "ok":
                ...
        """
        from . import _surfaces

        return _surfaces.health(self, timeout=timeout)

    def metrics(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> str:
        """The server's Prometheus metrics (``GET /metrics``), as text.

        Needs an API key holding the scope ``metrics:read``; the web cookie is
        not accepted (401). A key pinned to origins is refused only when a
        wrong ``origin=`` is sent, never for a missing one.
        """
        from . import _surfaces

        return _surfaces.metrics(self, timeout=timeout, extra_headers=extra_headers)

    def system_events(self, **kwargs: Any) -> SystemEventStream:
        """The server-wide event stream (``GET /sse/system``): a :class:`~ethos_sdk.SystemEventStream`.

        Cron jobs completed or failed, platforms connected or disconnected,
        bot messages, sessions titled, health changes. Needs cookie
        authentication. The server keeps no history of this stream: events
        that happen while it reconnects are lost, and ``stream.reconnects``
        counts those moments. Keyword arguments are those of
        :class:`~ethos_sdk.SystemEventStream`::

            with client.system_events() as stream:
                for event in stream:
                    if event["type"] == "cron.failed":
                        print(event["jobName"], event["error"])
        """
        from .surface_streams import SystemEventStream

        return SystemEventStream(self, **kwargs)

    # -- lifetime --------------------------------------------------------------

    def close(self) -> None:
        """Stop the turns still in flight, then free the connections (a ``session`` passed in by you is left open).

        Every turn this client started and that is still running -- in any
        thread, through ``chat.ask``, ``chat.stream``, ``chat.follow`` or
        ``chat.ask_many``, through clients made by :meth:`with_options` too --
        is stopped on the server first, as leaving its ``with`` block would
        stop it: its pending approval denied, then ``chat.abort``, all at once,
        within about two seconds; the log (logger ``ethos_sdk``, INFO) says how
        many. The thread that followed such a turn gets
        :class:`~ethos_sdk.ClientClosedError`. Turns started with
        ``detach=True`` are left running. Leaving ``with EthosClient(...)``
        does the same, whatever made you leave it.

        From then on every call, :meth:`events` and the chat helpers raise
        :class:`~ethos_sdk.ClientClosedError`. Closing a client made by
        :meth:`with_options` stops only the turns started through it, and
        leaves the pool it shares open.
        """
        transport = self._transport
        if not transport.closed and not transport.pool.closed:
            transport.pool.stop_turns(
                "its client was closed (close(), or the end of its with block)",
                None if transport.owns_pool else transport,
            )
        transport.close()

    def __enter__(self) -> EthosClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EthosClient(base_url={self.base_url!r}, auth={self.auth_mode!r})"

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Refuse ``pickle``, ``copy`` and ``deepcopy``: a copy would carry the credential and share open connections."""
        raise TypeError(
            "an EthosClient cannot be pickled or copied: it holds a credential and open "
            "connections. Make a new EthosClient(...) where you need one (in another process "
            "too), or use client.with_options(...) for a variant of this one"
        )

    if not TYPE_CHECKING:  # hidden from type checkers, which report a misspelt name themselves

        def __getattr__(self, name: str) -> Any:
            """Only for a name the client lacks: ``AttributeError``, naming the closest one (``sesions`` -> ``sessions``)."""
            from ._suggest import no_such_attribute

            raise no_such_attribute(self, name)

    # -- namespaces (built on first use) -----------------------------------------

    @cached_property
    def sessions(self) -> Sessions:
        """Sessions: list, read, rename, pin, fork, export and delete conversations."""
        from .namespaces.sessions import Sessions

        return Sessions(self)

    @cached_property
    def chat(self) -> Chat:
        """Chat: start a turn, steer or abort it, and follow it live."""
        from .namespaces.chat import Chat

        return Chat(self)

    @cached_property
    def personalities(self) -> Personalities:
        """Personalities: the agent profiles, their skills, MCP tokens and living soul."""
        from .namespaces.personalities import Personalities

        return Personalities(self)

    @cached_property
    def memory(self) -> Memory:
        """Memory: each personality's memory and user stores, their history and pending facts."""
        from .namespaces.memory import Memory

        return Memory(self)

    @cached_property
    def meta(self) -> Meta:
        """Meta: what this server can do."""
        from .namespaces.meta import Meta

        return Meta(self)

    @cached_property
    def a2a(self) -> A2A:
        """A2A: agent-to-agent settings, identity, peers and exposed skills."""
        from .namespaces.a2a import A2A

        return A2A(self)

    @cached_property
    def admin(self) -> Admin:
        """Admin: the operator channel's status, key, provider check and MCP servers."""
        from .namespaces.admin import Admin

        return Admin(self)

    @cached_property
    def api_keys(self) -> ApiKeys:
        """API keys: mint, list and revoke keys (cookie authentication only)."""
        from .namespaces.api_keys import ApiKeys

        return ApiKeys(self)

    @cached_property
    def batch(self) -> Batch:
        """Batch: run many prompts as one job and read its output."""
        from .namespaces.batch import Batch

        return Batch(self)

    @cached_property
    def clarify(self) -> Clarify:
        """Clarify: answer the agent's pending questions."""
        from .namespaces.clarify import Clarify

        return Clarify(self)

    @cached_property
    def config(self) -> Config:
        """Config: read and change the server's configuration."""
        from .namespaces.config import Config

        return Config(self)

    @cached_property
    def context(self) -> Context:
        """Context: resolve @-references the way the chat box does."""
        from .namespaces.context import Context

        return Context(self)

    @cached_property
    def cron(self) -> Cron:
        """Cron: scheduled jobs, their runs and history."""
        from .namespaces.cron import Cron

        return Cron(self)

    @cached_property
    def dashboards(self) -> Dashboards:
        """Dashboards: dashboards, panels, queries and widget templates."""
        from .namespaces.dashboards import Dashboards

        return Dashboards(self)

    @cached_property
    def debug(self) -> Debug:
        """Debug: the debug-panel chat."""
        from .namespaces.debug import Debug

        return Debug(self)

    @cached_property
    def deliveries(self) -> Deliveries:
        """Deliveries: the outbound message delivery queue."""
        from .namespaces.deliveries import Deliveries

        return Deliveries(self)

    @cached_property
    def digest(self) -> Digest:
        """Digest: the periodic activity digest."""
        from .namespaces.digest import Digest

        return Digest(self)

    @cached_property
    def documents(self) -> Documents:
        """Documents: the documents folder the agent can read."""
        from .namespaces.documents import Documents

        return Documents(self)

    @cached_property
    def eval(self) -> Eval:
        """Eval: evaluation runs against expected outputs."""
        from .namespaces.eval import Eval

        return Eval(self)

    @cached_property
    def evolver(self) -> Evolver:
        """Evolver: the skill evolver's settings, proposals and history."""
        from .namespaces.evolver import Evolver

        return Evolver(self)

    @cached_property
    def files(self) -> Files:
        """Files: list files for the @-file picker."""
        from .namespaces.files import Files

        return Files(self)

    @cached_property
    def goals(self) -> Goals:
        """Goals: long-running goals, their attempts and verdicts."""
        from .namespaces.goals import Goals

        return Goals(self)

    @cached_property
    def kanban(self) -> Kanban:
        """Kanban: team boards, tasks, agents and comments."""
        from .namespaces.kanban import Kanban

        return Kanban(self)

    @cached_property
    def mcp(self) -> MCP:
        """MCP: Model Context Protocol servers, their OAuth and tools."""
        from .namespaces.mcp import MCP

        return MCP(self)

    @cached_property
    def mesh(self) -> Mesh:
        """Mesh: the agent mesh and its routing."""
        from .namespaces.mesh import Mesh

        return Mesh(self)

    @cached_property
    def models(self) -> Models:
        """Models: the model catalogue."""
        from .namespaces.models import Models

        return Models(self)

    @cached_property
    def named_secrets(self) -> NamedSecrets:
        """Named secrets: stored credentials referenced by name."""
        from .namespaces.named_secrets import NamedSecrets

        return NamedSecrets(self)

    @cached_property
    def onboarding(self) -> Onboarding:
        """Onboarding: first-run state and provider check."""
        from .namespaces.onboarding import Onboarding

        return Onboarding(self)

    @cached_property
    def platforms(self) -> Platforms:
        """Platforms: chat platform connections (Telegram, Slack, WhatsApp, ...)."""
        from .namespaces.platforms import Platforms

        return Platforms(self)

    @cached_property
    def plugins(self) -> Plugins:
        """Plugins: install plugins, their credentials, pages and tools."""
        from .namespaces.plugins import Plugins

        return Plugins(self)

    @cached_property
    def slash_commands(self) -> SlashCommands:
        """Slash commands: the commands the chat box offers."""
        from .namespaces.slash_commands import SlashCommands

        return SlashCommands(self)

    @cached_property
    def skills(self) -> Skills:
        """Skills: the global skill library."""
        from .namespaces.skills import Skills

        return Skills(self)

    @cached_property
    def tasks(self) -> Tasks:
        """Tasks: background agent tasks."""
        from .namespaces.tasks import Tasks

        return Tasks(self)

    @cached_property
    def tool_settings(self) -> ToolSettings:
        """Tool settings: defaults and per-personality settings of tools."""
        from .namespaces.tool_settings import ToolSettings

        return ToolSettings(self)

    @cached_property
    def tools(self) -> Tools:
        """Tools: approve or deny tool calls, and the tool catalogue."""
        from .namespaces.tools import Tools

        return Tools(self)

    @cached_property
    def voice(self) -> Voice:
        """Voice: speech to text, text to speech, realtime, satellites and calls."""
        from .namespaces.voice import Voice

        return Voice(self)
