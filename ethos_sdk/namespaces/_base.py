"""What every namespace object shares: a reference to its client and one way to call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from .._types import NotGiven, Timeout

if TYPE_CHECKING:
    from .._client import EthosClient
    from .._response import RawResponses

__all__ = ["Namespace"]


class Namespace:
    """Base of ``client.sessions``, ``client.chat`` and the other namespace objects.

    A namespace is a thin, stateless view on its :class:`~ethos_sdk.EthosClient`:
    each method writes the procedure's wire keys out by hand and hands the
    input to the client's transport.
    """

    __slots__ = ("_client",)

    def __init__(self, client: EthosClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} namespace of {self._client!r}>"

    if not TYPE_CHECKING:  # hidden from type checkers, which report a misspelt name themselves

        def __getattr__(self, name: str) -> Any:
            """Only for a name the namespace lacks: ``AttributeError``, naming the closest method (``lst`` -> ``list``)."""
            from .._suggest import no_such_attribute

            raise no_such_attribute(self, name)

    @property
    def with_raw_response(self) -> RawResponses:
        """Each method of this namespace, returning a :class:`~ethos_sdk.RawResponse`.

        ``client.sessions.with_raw_response.list(limit=1)`` returns the HTTP
        status, headers, request id and elapsed time of the call; ``.parse()``
        gives what ``client.sessions.list(limit=1)`` returns.
        """
        from .._response import RawResponses

        return RawResponses(self)

    def _call(
        self,
        procedure: str,
        params: Mapping[str, Any] | None,
        *,
        idempotent: bool,
        timeout: Timeout | NotGiven,
        extra_headers: Mapping[str, str] | None,
    ) -> Any:
        """POST ``params`` (keys left ``NOT_GIVEN`` dropped) to ``procedure``; return its output."""
        body = (
            None
            if params is None
            else {key: value for key, value in params.items() if not isinstance(value, NotGiven)}
        )
        try:
            return self._client._transport.rpc(
                procedure, body, idempotent=idempotent, timeout=timeout, extra_headers=extra_headers
            )
        except Exception as error:
            from ..errors import name_parameters  # already loaded; imported here to keep _call one hunk

            name_parameters(error, body)  # a 400's issues name the caller's parameters too
            raise
