"""Every error the SDK raises, rooted at :class:`EthosError`.

The tree:

.. code-block:: text

    EthosError
    |- ConfigurationError            bad arguments or environment, raised before any request
    |- ClientClosedError             the client was closed; nothing is sent
    |- APIConnectionError            the server could not be reached or the connection broke
    |  `- APITimeoutError            no answer within the timeout
    |     `- WaitTimeoutError        a ``wait()`` for long work passed its timeout
    |- UnexpectedResponseError       a 2xx answer that is not the oRPC envelope
    |- ResponseTooLargeError         an answer or one event larger than the client's limit
    |- StreamError                   the event stream broke in a way a reconnect cannot mend
    |- TurnNotFoundError             ``chat.follow`` found no turn in the session's event buffer
    |- TurnError                     an agent turn ended with an ``error`` event
    |  `- TurnPaused                 the turn waits for a person (it goes on running)
    |     |- ApprovalRequired        a tool call waits for approval
    |     `- QuestionAsked           the agent asked a question
    `- APIStatusError                the server answered with an error status
       |- BadRequestError            400 (validation failures carry ``issues``)
       |- AuthenticationError        401
       |- PermissionDeniedError      403
       |- NotFoundError              404
       |- ConflictError              409
       |- RateLimitError             429
       `- InternalServerError        >= 500

``str(error)`` is one line meant for a person: status, code, the server's
message, what the server says to do about it, validation issues, a hint from
the SDK when it knows more than the server, and the request id to quote in a
bug report. It never contains an API key or a cookie.
"""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from types import FrameType

__all__ = [
    "EthosError",
    "ConfigurationError",
    "InvalidCallError",
    "ClientClosedError",
    "APIConnectionError",
    "APITimeoutError",
    "WaitTimeoutError",
    "UnexpectedResponseError",
    "ResponseTooLargeError",
    "StreamError",
    "TurnNotFoundError",
    "TurnError",
    "TurnPaused",
    "ApprovalRequired",
    "QuestionAsked",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
]

_SECRET_PATTERNS = (
    re.compile(r"sk-ethos-[A-Za-z0-9_-]+"),
    re.compile(r"(ethos_auth=)[^;\s,\"']+"),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"([?&]t=)[^&\s\"']+"),
)


_KNOWN_SECRETS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
"""The credentials of the clients alive in this process (objects with a ``secret``), masked
wherever they appear (a server may echo them). Held weakly: a client's secret is forgotten with
the client, so the set never grows past the clients in use."""


def _register_secret(holder: Any) -> None:
    """Mask ``holder.secret`` in every error for as long as ``holder`` (a client's credentials) lives."""
    if len(holder.secret) >= 8:  # a shorter value would mask ordinary words
        _KNOWN_SECRETS[id(holder)] = holder  # by identity: equal credentials of two clients are two entries


def redact(text: str) -> str:
    """Mask anything in ``text`` that looks like an Ethos API key, cookie or login token."""
    for holder in tuple(_KNOWN_SECRETS.values()):
        secret = holder.secret
        if secret in text:
            text = text.replace(secret, "***")
    text = _SECRET_PATTERNS[0].sub("sk-ethos-***", text)
    for pattern in _SECRET_PATTERNS[1:]:
        text = pattern.sub(r"\1***", text)
    return text


def _redact_value(value: Any, depth: int = 0) -> Any:
    """``value`` (decoded JSON) with :func:`redact` applied to every string in it, keys included."""
    if isinstance(value, str):
        return redact(value)
    if depth > 64:
        return None  # deeper than any error body: not kept rather than kept unmasked
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: _redact_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, depth + 1) for v in value]
    return value


_KEY_HINT = "this looks like an API key: pass api_key="


def masked(text: str) -> str:
    """A message as a person may see it: :func:`redact`, a hint for a misplaced key, controls escaped.

    The client's own credentials become ``***``; any other ``sk-ethos-`` key
    (one the caller passed as an address, a cookie, an id...) becomes
    ``sk-ethos-***``, and the message says what to do with it. Control, bidi
    and zero-width characters (from a server's message, an agent's error) are
    written as visible escapes; line breaks are kept.
    """
    from ._display import visible  # loaded with the first error, not with the package

    return visible(_hinted(redact(text)), lines=True)


def _hinted(shown: str) -> str:
    """``shown`` (already redacted) with the hint when it masked a key that is not the client's own."""
    if "sk-ethos-***" in shown and _KEY_HINT not in shown:
        return f"{shown} ({_KEY_HINT})"
    return shown


class EthosError(Exception):
    """Base class of every error raised by ``ethos_sdk``.

    Its message never holds a secret: anything that looks like an Ethos API
    key, a cookie or a login token, and the credentials of every live client,
    are masked (see :func:`redact`).

    Every one pickles and comes back equal -- its class, message and
    attributes -- so an error raised in a worker process (``ProcessPoolExecutor``,
    ``multiprocessing``, a Dask cluster) reaches the parent as itself. Live
    objects it holds stay behind (see :class:`TurnPaused`).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*(masked(arg) if isinstance(arg, str) else arg for arg in args))

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls cls(*args), which fails for the SDK's keyword-only arguments.
        return (_rebuild_error, (type(self), self.args, self.__dict__.copy()))


def _rebuild_error(cls: type[EthosError], args: tuple[Any, ...], state: dict[str, Any]) -> EthosError:
    """An error as :meth:`EthosError.__reduce__` pickled it, without running its ``__init__`` again."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigurationError(EthosError, ValueError):
    """The client was given arguments or an environment it cannot work with.

    Raised at construction time, before anything is sent, with a message that
    says how to fix it.
    """


class InvalidCallError(ConfigurationError):
    """:meth:`~ethos_sdk.EthosClient.call` was given a procedure or an input key the SDK does not know.

    Nothing was sent. ``suggestions`` holds the names the SDK thinks were
    meant (a procedure, or the wire keys for ``unknown_keys``). For a server
    newer than the SDK, ``call(..., strict=False)`` sends it anyway.
    """

    def __init__(
        self,
        message: str,
        *,
        procedure: str,
        suggestions: Sequence[str] = (),
        unknown_keys: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.procedure = procedure
        """The procedure name as given."""
        self.suggestions = list(suggestions)
        """What was probably meant: procedure names, or wire keys."""
        self.unknown_keys = list(unknown_keys)
        """The input keys the procedure does not take (empty for an unknown procedure)."""


class ClientClosedError(EthosError):
    """The client was closed (``close()`` or the end of its ``with`` block): nothing is sent.

    Make a new :class:`~ethos_sdk.EthosClient`, or keep the client open for
    as long as you call it.
    """


class APIConnectionError(EthosError):
    """The request did not get an HTTP answer: refused, reset, DNS failure, broken body.

    ``request_id`` is the id the SDK sent, so the attempt can still be found in
    the server's log when it got that far.
    """

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(redact(message))
        self.message = redact(message)
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id:
            return masked(f"{self.message} (request id {self.request_id})")
        return masked(self.message)


class APITimeoutError(APIConnectionError):
    """The server did not answer within the timeout.

    Raise the limit with ``EthosClient(timeout=...)`` or per call with ``timeout=``.
    """


class WaitTimeoutError(APITimeoutError):
    """A ``wait()`` for long work (a goal, a batch or eval run, a task) gave up at its ``timeout``.

    The work goes on on the server; call ``wait`` again to keep waiting.

    Attributes:
        last_status: the status the work had when the wait gave up.
        last: the last object the wait read (what ``get`` returned then).
    """

    def __init__(self, message: str, *, last_status: str | None, last: Any) -> None:
        super().__init__(message)
        self.last_status = last_status
        self.last = last


class UnexpectedResponseError(EthosError):
    """The server answered 2xx with a body that is not an oRPC ``{"json": ...}`` envelope,
    or with one that lacks a field the SDK reads (the message names it).

    Usually a proxy or a different service sits at ``base_url``. ``text`` holds
    the start of what was received.
    """

    def __init__(
        self, message: str, *, status: int, text: str, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.text = redact(text)
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [f"{self.status}: {self.message}"]
        from ._not_ethos import looks_like_html  # a web page is not quoted: its message says what it was

        if self.text and not looks_like_html(self.text, None):
            parts.append(f"body starts {redact(self.text[:200])!r}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " — ".join(parts)


class ResponseTooLargeError(EthosError):
    """The server sent more than the client accepts: an answer over ``max_response_bytes``,
    or one event over ``max_event_bytes``.

    Reading stopped at the limit (decompressed bytes count), so memory stays
    bounded whatever the server sends. ``limit`` is the limit in bytes and
    ``what`` names what was too large. Raise the limit on the client
    (``EthosClient(max_response_bytes=...)``) or for one call if the answer is
    really expected to be that large.
    """

    def __init__(self, message: str, *, limit: int, what: str = "answer", request_id: str | None = None) -> None:
        super().__init__(redact(message))
        self.message = redact(message)
        self.limit = limit
        self.what = what
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message


class StreamError(EthosError):
    """The event stream failed in a way reconnecting cannot fix (wrong content type, bad URL).

    Also raised for an event that lacks a field the SDK reads, or has it with
    another type (the message names the field and the event's type).
    """


class ConcurrentReadError(EthosError, RuntimeError):
    """A :class:`~ethos_sdk.TurnStream` was read while it was being read already (by another thread, or from ``on_event``).

    A turn has one reader at a time: iterating it, ``text_stream`` and
    ``result()`` all take the next events, which go to whoever reads first.
    Nothing happens to the turn: the other reader goes on, and the turn is
    neither stopped nor closed. Read the turn in one thread, and share what it
    gives (``turn.text`` and ``turn.state`` may be read from any thread).
    """


class TurnNotFoundError(EthosError):
    """``client.chat.follow(session_id)`` found no turn to join on the session.

    The server keeps a session's last 1000 events in memory only: it drops
    them five minutes after the last subscriber left, and at a restart.
    What the conversation saved is still in ``client.sessions.get(session_id)``;
    ``session_id`` says which session was asked for.
    """

    def __init__(self, message: str, *, session_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.session_id = session_id


class TurnError(EthosError):
    """An agent turn ended with an ``error`` event instead of ``done``.

    ``code`` is the event's code when it has one; ``event`` is the whole event.
    """

    def __init__(self, message: str, *, code: str | None = None, event: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = redact(message)
        self.code = code
        self.event: dict[str, Any] = dict(event or {})

    def __str__(self) -> str:
        return masked(f"{self.code}: {self.message}" if self.code else self.message)


class TurnPaused(TurnError):
    """The turn waits for a person, and nothing was set to answer for them.

    Raised by ``client.chat.ask`` (and ``TurnStream.result()``) as soon as the
    request arrives, with a message that names what is asked and shows how to
    answer. The turn is *not* stopped and the request is *not* denied: the turn
    stays parked on the server and the error hands it over. ``request`` is
    what it waits on (answer it) and ``turn`` is the
    :class:`~ethos_sdk.TurnStream`, still following the turn, whose
    ``result()`` runs it to its end once the request is answered::

        try:
            reply = client.chat.ask("Drop the old table", personality_id="engineer")
        except ApprovalRequired as e:
            e.request.approve()          # or e.request.deny("not today")
            reply = e.turn.result()

    When the error crosses to another process (pickled by a process pool or
    a cluster), ``turn`` stays behind and is ``None`` there, and ``request``
    keeps its ids, tool, arguments or question but has no client: answer it
    with a client of the receiving process, then join the turn::

        try:
            future.result()                              # raised in a worker process
        except ApprovalRequired as e:
            client.tools.approve(e.request.approval_id, client.client_id, "once")
            reply = client.chat.follow(e.session_id).result()
    """

    def __init__(self, message: str, *, request: Any, turn: Any) -> None:
        super().__init__(message)
        self.request = request
        self.turn = turn

    @property
    def session_id(self) -> str:
        """The session of the paused turn (``client.chat.follow(e.session_id)`` joins it)."""
        found = getattr(self.request, "session_id", "") or getattr(self.turn, "session_id", "")
        return str(found or "")

    def __reduce__(self) -> tuple[Any, ...]:
        state = self.__dict__.copy()
        args = self.args
        if state.get("turn") is not None:
            state["turn"] = None  # a live TurnStream: it stays in the process that followed the turn
            note = (
                " [This error was raised in another process: e.turn is None here. Answer e.request with a "
                f"client of this process, then client.chat.follow({self.session_id!r}) joins the turn.]"
            )
            state["message"] = f"{self.message}{note}"
            args = (state["message"],)
        return (_rebuild_error, (type(self), args, state))


class ApprovalRequired(TurnPaused):
    """A tool call of the turn needs approval (``tool.approval_required``) and no ``on_approval`` was given.

    ``request`` is an :class:`~ethos_sdk.ApprovalRequest`: ``request.approve()``
    (scope ``once``) or ``request.deny(reason)``, then ``turn.result()``.
    The server never times an approval out: left unanswered, the turn stays
    parked.
    """


class QuestionAsked(TurnPaused):
    """The agent asked the user a question (``clarify.request``) that this client does not answer.

    Raised when no ``on_question`` was given, and also -- whatever the policy --
    when the client uses an API key: the server accepts answers to questions
    only with the web cookie, so the message says how to answer with it (or in
    the web UI). ``request`` is a :class:`~ethos_sdk.Question`:
    ``request.answer(text)`` (cookie clients), then ``turn.result()``.
    """


def _format_path(path: Any) -> str:
    if isinstance(path, Sequence) and not isinstance(path, str):
        text = ".".join(str(p) for p in path)
        return text or "(input)"
    return str(path) if path is not None else "(input)"


_NOT_SENT = object()
_NOT_PARAMETERS = frozenset({"self", "timeout", "extra_headers"})


def _snake(key: str) -> str:
    # Compiled on first use (re caches it), not at import: only a 400 needs it.
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()


def python_path(path: Any, body: Any, arguments: Mapping[str, Any]) -> str | None:
    """The Python spelling of an issue's wire ``path``, or ``None`` when it is not known.

    ``body`` is the input the method sent, ``arguments`` the method's
    parameters and their values. Walking the path into ``body``, the first key
    that belongs to a parameter names it: the parameter whose name is the key
    in snake case (``personalityId`` -> ``personality_id``, ``mcp_servers`` as
    it is), or else the one parameter whose value *is* the object found there
    (a method that nests ``max_entries`` under ``memory.maxEntries``). The rest
    of the path is written as subscripts: ``allowed_origins[0]``.
    """
    if not isinstance(path, Sequence) or isinstance(path, str) or not path:
        return None
    node: Any = body
    for depth, key in enumerate(path):
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, Sequence) and not isinstance(node, str) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            node = _NOT_SENT
        if not isinstance(key, str):
            continue
        name = _snake(key)
        if name not in arguments:
            sent = node is not _NOT_SENT and node is not None and not isinstance(node, bool)
            same = [n for n, value in arguments.items() if sent and value is node]
            if len(same) != 1:
                continue
            name = same[0]
        return name + "".join(f"[{part!r}]" for part in path[depth + 1:])
    return None


def name_parameters(error: BaseException, body: Any) -> None:
    """Let a validation error name the Python parameters beside the wire paths of its issues.

    Called by a namespace method's ``_call`` while it handles ``error``: the
    frame that called ``_call`` is the method, and its arguments are read from
    it. Anything else than a :class:`BadRequestError` with issues is left alone.
    """
    if not isinstance(error, BadRequestError) or not error.issues or error.__traceback__ is None:
        return
    method: FrameType | None = error.__traceback__.tb_frame.f_back
    if method is None:
        return
    code = method.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    values = method.f_locals
    arguments = {
        name: values[name]
        for name in code.co_varnames[:count]
        if name not in _NOT_PARAMETERS and name in values
    }
    error.python_paths = [python_path(issue.get("path"), body, arguments) for issue in error.issues]
    error.args = (str(error),)


class APIStatusError(EthosError):
    """The server answered with an error status.

    ``text``, ``body`` and the message have the API key and cookie of every
    live client masked (``***``), also after pickling.

    Attributes:
        status: the HTTP status code.
        code: the server's error code (``"SESSION_NOT_FOUND"``, ``"FORBIDDEN"``, ...),
            or ``None`` when the body was not the server's JSON.
        message: the server's message, or the start of the raw body.
        action: the server's sentence saying what to do, when it sent one.
        issues: validation issues of a 400, each a dict with ``path`` and ``message``.
        python_paths: for each issue, where it is in the arguments of the
            method you called (``personality_id``, ``allowed_origins[0]``), or
            ``None`` where that is not known (``client.call``, another cause).
        hint: advice added by the SDK (for example "pass origin=...").
        request_id: the ``x-request-id`` of the exchange.
        body: the decoded JSON body, or ``None`` when it was not JSON.
        text: the raw body text.
        retry_after: seconds the server asked to wait (``Retry-After``), if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        action: str | None = None,
        issues: Sequence[Mapping[str, Any]] = (),
        hint: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        text: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.code = code
        self.action = redact(action) if action else action
        self.issues: list[dict[str, Any]] = [dict(i) for i in issues]
        self.python_paths: list[str | None] = [None] * len(self.issues)
        self.hint = hint
        self.request_id = request_id
        self.body = _redact_value(body)  # a server may echo the request's headers: never keep them
        self.text = redact(text)
        self.retry_after = retry_after
        super().__init__(self.__str__())

    def __str__(self) -> str:
        head = f"{self.status} {self.code}" if self.code else str(self.status)
        parts = [f"{head}: {self.message}" if self.message else head]
        if self.issues:
            listed = "; ".join(
                f"{self._issue_place(index, issue)}: {issue.get('message', '?')}"
                for index, issue in enumerate(self.issues)
            )
            parts.append(f"issues: {redact(listed)}")
        if self.action:
            parts.append(self.action)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return masked(" — ".join(parts))

    def _issue_place(self, index: int, issue: Mapping[str, Any]) -> str:
        path = issue.get("path")
        wire = _format_path(path)
        paths = getattr(self, "python_paths", ())  # absent on errors pickled by older versions
        python = paths[index] if index < len(paths) else None
        if python is None or not isinstance(path, Sequence) or python.partition("[")[0] == str(path[0]):
            return wire  # the parameter has the wire key's name: say it once
        return f"{python} ({wire})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )



def _rebuild_status_error(cls: type[APIStatusError], state: dict[str, Any]) -> APIStatusError:
    """How versions before the one pickling every :class:`EthosError` alike rebuilt a status error."""
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, str(error))
    return error


class BadRequestError(APIStatusError):
    """400: the input was rejected. ``issues`` lists each field that failed and why."""


class AuthenticationError(APIStatusError):
    """401: no credential, a wrong or revoked one, or a cookie POST without ``Origin``."""


class PermissionDeniedError(APIStatusError):
    """403: the credential is valid but may not do this.

    With an API key: the key lacks the procedure's scope, the procedure is
    cookie-only, or the key is pinned to origins and ``origin=`` is missing or
    not in its list. ``hint`` says which.
    """


class NotFoundError(APIStatusError):
    """404: the thing (session, personality, ...) or the procedure itself does not exist."""


class ConflictError(APIStatusError):
    """409: the change conflicts with the current state (it exists already, a version moved on)."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` says how long the server asked to wait."""


class InternalServerError(APIStatusError):
    """A status of 500 or above: the server or a proxy in front of it failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The :class:`APIStatusError` subclass for an HTTP status."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIStatusError)
