"""``RawResponse``: a method's value together with the HTTP answer it came from.

``client.sessions.with_raw_response.list(limit=1)`` calls the same method as
``client.sessions.list(limit=1)``, through a copy of the namespace whose
transport hands back the ``requests.Response`` it read the output from. One
mechanism serves every method of every namespace.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Generic, List, TypeVar

import requests
from typing_extensions import ParamSpec

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .namespaces._base import Namespace

__all__ = ["RawResponse", "RawResponses", "with_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")


class RawResponse(Generic[T]):
    """What a method returned, with the HTTP answer it was read from.

    ``parse()`` gives the value the plain method returns; the other
    attributes describe the answer::

        raw = client.sessions.with_raw_response.list(limit=1)
        print(raw.status_code, raw.request_id, raw.elapsed)
        page = raw.parse()

    For a method that makes more than one call (``chat.ask``), the answer is
    that of its last procedure call.
    """

    __slots__ = ("http_response", "_value")

    def __init__(self, http_response: requests.Response, value: T) -> None:
        self.http_response: requests.Response = http_response
        """The ``requests.Response`` itself (its body is already read)."""
        self._value = value

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer (2xx: errors raise instead)."""
        return self.http_response.status_code

    @property
    def headers(self) -> requests.structures.CaseInsensitiveDict[str]:
        """The answer's headers, looked up case-insensitively."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's ``x-request-id`` for this call (else the id the SDK sent): quote it in bug reports."""
        found = self.http_response.headers.get("x-request-id")
        if found:
            return found
        sent = self.http_response.request.headers.get("x-request-id") if self.http_response.request else None
        return sent if isinstance(sent, str) else None

    @property
    def elapsed(self) -> timedelta:
        """Time from sending the request to receiving the answer's headers, as ``requests`` measures it."""
        return self.http_response.elapsed

    def parse(self) -> T:
        """The value the plain method returns (the same object, decoded once)."""
        return self._value

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"


class _CapturingTransport:
    """The client's transport, handing each procedure's HTTP answer to ``capture``."""

    __slots__ = ("_transport", "_capture")

    def __init__(self, transport: Any, capture: List[requests.Response]) -> None:
        self._transport = transport
        self._capture = capture

    @property
    def turn(self) -> Any:
        """The turn the wrapped transport's requests belong to (set by the turn itself)."""
        return self._transport.turn

    @turn.setter
    def turn(self, value: Any) -> None:
        self._transport.turn = value

    def rpc(self, procedure: str, params: Any, **options: Any) -> Any:
        return self._transport.rpc(procedure, params, capture=self._capture, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _CapturingClient:
    """Stands in for the client inside a namespace copy: everything but the transport is the client's.

    Namespaces reached through it (``chat.ask`` calls ``client.chat.send``) are
    built on it too, so that their calls are captured as well.
    """

    __slots__ = ("_client", "_transport")

    def __init__(self, client: Any, capture: List[requests.Response]) -> None:
        self._client = client
        self._transport = _CapturingTransport(client._transport, capture)

    def with_options(self, **options: Any) -> _CapturingClient:
        """The client's ``with_options``, its calls still captured (a turn makes its own client)."""
        return _CapturingClient(self._client.with_options(**options), self._transport._capture)

    def __getattr__(self, name: str) -> Any:
        factory = getattr(type(self._client), name, None)
        if isinstance(factory, cached_property):
            return factory.func(self)
        return getattr(self._client, name)


def _raw_caller(namespace: Namespace, name: str) -> Callable[..., RawResponse[Any]]:
    method = getattr(type(namespace), name, None)
    if name.startswith("_") or not inspect.isfunction(method):
        from ._suggest import closest_attribute

        near = closest_attribute(name, {n for n, _ in inspect.getmembers(type(namespace), inspect.isfunction)})
        raise AttributeError(
            f"{type(namespace).__name__} has no method {name!r}{f': did you mean {near!r}?' if near else ''} "
            "(with_raw_response wraps methods; for a nested namespace write "
            "client.<namespace>.<nested>.with_raw_response)",
            obj=namespace,  # set, so that the interpreter does not add a second suggestion of its own
        )
    if inspect.isgeneratorfunction(method):
        raise AttributeError(
            f"{type(namespace).__name__}.{name} is an iterator that makes its calls as you loop: "
            "it has no single HTTP answer. Use with_raw_response on the page method instead"
        )

    def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
        capture: List[requests.Response] = []
        view = type(namespace)(_CapturingClient(namespace._client, capture))  # type: ignore[arg-type]
        value = getattr(view, name)(*args, **kwargs)
        if not capture:
            close = getattr(value, "close", None)
            if callable(close):
                close()
            raise ConfigurationError(
                f"{type(namespace).__name__}.{name} made no procedure call, so there is no HTTP "
                "answer to return; call it without with_raw_response"
            )
        return RawResponse(capture[-1], value)

    call.__name__ = name
    call.__qualname__ = f"{type(namespace).__name__}.with_raw_response.{name}"
    call.__doc__ = method.__doc__
    return call


class RawResponses:
    """``<namespace>.with_raw_response``: each method of the namespace, returning a :class:`RawResponse`.

    ``client.sessions.with_raw_response.list(limit=1)`` takes the arguments
    of ``client.sessions.list`` and returns ``RawResponse[SessionPage]``.
    Type checkers see each method here as returning ``RawResponse[Any]``;
    :func:`with_raw_response` keeps the exact types.
    """

    __slots__ = ("_namespace",)

    def __init__(self, namespace: Namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Callable[..., RawResponse[Any]]:
        return _raw_caller(self._namespace, name)

    def __dir__(self) -> List[str]:
        cls = type(self._namespace)
        return [
            n for n, m in inspect.getmembers(cls, inspect.isfunction)
            if not n.startswith("_") and not inspect.isgeneratorfunction(m)
        ]

    def __repr__(self) -> str:
        return f"<with_raw_response of {self._namespace!r}>"


def with_raw_response(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """The namespace method ``method``, returning a :class:`RawResponse` of its value.

    The same as ``<namespace>.with_raw_response.<name>``, with the method's
    exact types kept for type checkers::

        from ethos_sdk import with_raw_response

        raw = with_raw_response(client.sessions.list)(limit=1)
        page = raw.parse()  # SessionPage

    Raises:
        ConfigurationError: ``method`` is not a method of a client namespace.
    """
    from .namespaces._base import Namespace

    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(owner, Namespace):
        raise ConfigurationError(
            f"with_raw_response takes a method of a client namespace, like client.sessions.list; "
            f"got {method!r}"
        )
    caller: Callable[P, RawResponse[T]] = _raw_caller(owner, name)
    return caller
