"""Request middleware: your own code around every HTTP request an :class:`~ethos_sdk.EthosClient` sends.

A middleware is a function ``fn(request, call_next) -> response``::

    import time
    from ethos_sdk import EthosClient
    from ethos_sdk.middleware import CallNext, Request, Response

    def timed(request: Request, call_next: CallNext) -> Response:
        started = time.monotonic()
        response = call_next(request)           # sends it (or calls the next middleware)
        print(request.name, request.attempt, response.status_code, time.monotonic() - started)
        return response

    client = EthosClient(middleware=[timed])

It runs once per *attempt*, inside the retry loop, for procedure calls, event
stream connections and the routes beside ``/rpc`` (health, metrics, avatars,
downloads): a call retried twice passes through it three times, with
``request.attempt`` 1, 2 and 3. ``request.headers`` can be changed before
``call_next`` and the change is sent. Middleware given first runs first (the
outermost); clients made with ``with_options`` keep it.

Errors: ``call_next`` raises the SDK's :class:`~ethos_sdk.APIConnectionError`
(or :class:`~ethos_sdk.APITimeoutError`) when the request could not be sent or
answered; passed on, it is retried as it would have been without middleware.
Anything a middleware raises itself reaches the caller as it is, and is never
retried. An answer with an error status is a response like any other (the SDK
raises its typed error, or retries, after the middleware returned it).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, MutableMapping, Optional, Sequence, Tuple

import requests

from .errors import ConfigurationError

if TYPE_CHECKING:
    import weakref

    from ._turn import TurnStream

__all__ = ["Request", "Response", "Middleware", "CallNext", "check_middleware"]


class Request:
    """One attempt at one HTTP request, as a middleware sees it before it is sent.

    Attributes:
        procedure: the procedure called (``"sessions.list"``), or ``None`` for
            a request outside ``/rpc`` (an event stream, ``/healthz``...).
        method: ``"POST"``, ``"GET"``...
        path: the path on the server, without the query
            (``"/rpc/sessions/list"``, ``"/sse/sessions/<id>"``).
        url: the whole URL sent.
        attempt: 1 for the first attempt, 2 for the first retry...
        input: the procedure's input as the SDK sends it (wire names), or
            ``None``; showing only: changing it changes nothing sent.
        request_id: the ``x-request-id`` sent, the same for every attempt.
        stream: True when the answer is read as it comes (an event stream, a
            download): the response then has its headers, not yet its body.
        extensions: a dict for middleware to leave notes for the middleware
            after it, on this attempt only.
    """

    __slots__ = (
        "procedure", "method", "path", "url", "attempt", "input", "request_id", "stream", "extensions",
        "_prepared", "_headers", "_turn",
    )

    def __init__(
        self,
        prepared: requests.PreparedRequest,
        what: str,
        procedure: Optional[str],
        attempt: int,
        input: Any,
        request_id: str,
        stream: bool,
        turn: Optional[weakref.ref[TurnStream]] = None,
    ) -> None:
        method, _, path = what.partition(" ")
        self.procedure = procedure
        self.method = method
        self.path = path
        self.url: str = prepared.url or ""
        self.attempt = attempt
        self.input = input
        self.request_id = request_id
        self.stream = stream
        self.extensions: Dict[str, Any] = {}
        self._prepared = prepared
        self._headers: Optional[requests.structures.CaseInsensitiveDict[str]] = None
        self._turn = turn

    @property
    def headers(self) -> MutableMapping[str, str]:
        """The headers to send (names case-insensitive); set, change or delete them before ``call_next``.

        A value must be a ``str`` without line breaks
        (:class:`~ethos_sdk.ConfigurationError` otherwise, before sending).
        The credentials are among them: never log them whole.
        """
        if self._headers is None:
            self._headers = requests.structures.CaseInsensitiveDict(self._prepared.headers)
        return self._headers

    @property
    def name(self) -> str:
        """The procedure, or ``"<method> <path>"`` for a request outside ``/rpc``."""
        return self.procedure or f"{self.method} {self.path}"

    @property
    def turn(self) -> Optional[TurnStream]:
        """The turn this request is part of (its send, its event stream, an approval...), or ``None``.

        Its ``session_id`` and ``turn_id`` say which (``""`` while not known yet).
        """
        return self._turn() if self._turn is not None else None

    def __repr__(self) -> str:
        return f"<Request {self.name} attempt {self.attempt} id={self.request_id}>"


class Response:
    """The answer to one attempt, as ``call_next`` returns it to a middleware.

    Attributes:
        request: the :class:`Request` it answers.
        http_response: the ``requests.Response`` itself (its body is read,
            unless ``request.stream``).

    ``elapsed`` is measured on ``time.monotonic()``, as every timing of the SDK.
    """

    __slots__ = ("request", "http_response", "_seconds")

    def __init__(self, request: Request, http_response: requests.Response, seconds: float) -> None:
        self.request = request
        self.http_response = http_response
        self._seconds = seconds

    @property
    def elapsed(self) -> timedelta:
        """From sending the attempt to reading its answer (its headers only, for a streamed one)."""
        return timedelta(seconds=self._seconds)

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self.http_response.status_code

    @property
    def headers(self) -> MutableMapping[str, str]:
        """The answer's headers (names case-insensitive)."""
        return self.http_response.headers

    @property
    def request_id(self) -> str:
        """The server's ``x-request-id`` for this answer, else the one sent."""
        return self.http_response.headers.get("x-request-id") or self.request.request_id

    def __repr__(self) -> str:
        return f"<Response {self.request.name} {self.status_code} in {self.elapsed.total_seconds() * 1000:.1f} ms>"


CallNext = Callable[[Request], Response]
"""What a middleware calls to send the request (through the middleware after it)."""

Middleware = Callable[[Request, CallNext], Response]
"""``fn(request, call_next) -> response``: see :mod:`ethos_sdk.middleware`."""


def check_middleware(middleware: Any) -> Tuple[Middleware, ...]:
    """``middleware`` as a tuple, or :class:`ConfigurationError` when it is not a sequence of functions."""
    if middleware is None:
        return ()
    if callable(middleware) or not isinstance(middleware, Sequence) or isinstance(middleware, (str, bytes)):
        raise ConfigurationError(
            f"middleware must be a list of functions fn(request, call_next), got {type(middleware).__name__}; "
            "for one middleware, pass middleware=[fn]"
        )
    for index, fn in enumerate(middleware):
        if not callable(fn):
            raise ConfigurationError(
                f"middleware[{index}] must be a function fn(request, call_next) -> response, "
                f"got {type(fn).__name__}"
            )
    return tuple(middleware)


def run_chain(
    chain: Sequence[Middleware], request: Request, send: Callable[[Request], requests.Response]
) -> requests.Response:
    """Pass ``request`` through ``chain`` (first = outermost) to ``send``; the answer the outermost returned."""

    def innermost(seen: Request) -> Response:
        started = time.monotonic()
        answer = send(seen)
        return Response(seen, answer, time.monotonic() - started)

    call_next: CallNext = innermost
    for fn in reversed(chain):
        call_next = _step(fn, call_next)
    return call_next(request).http_response


def _step(fn: Middleware, after: CallNext) -> CallNext:
    def call(request: Request) -> Response:
        if not isinstance(request, Request):
            raise ConfigurationError(
                f"call_next was given {type(request).__name__}, not the Request the middleware got: "
                "pass it the request (changed as needed)"
            )
        answer = fn(request, after)
        if not isinstance(answer, Response):
            raise ConfigurationError(
                f"the middleware {getattr(fn, '__qualname__', type(fn).__name__)} returned "
                f"{type(answer).__name__}, not a Response: return what call_next(request) returned"
            )
        return answer

    return call
