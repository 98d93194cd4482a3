"""``connect()``: your Ethos server when one is configured, a local stand-in otherwise."""

from __future__ import annotations

import atexit
import os
import sys
from typing import TYPE_CHECKING, Any, Optional

from .._client import EthosClient

if TYPE_CHECKING:
    from ._server import LocalEthosServer

__all__ = ["connect", "uses_local_server"]


def uses_local_server() -> bool:
    """True when :func:`connect` would start a local server: ``ETHOS_BASE_URL`` is unset or empty."""
    return not os.environ.get("ETHOS_BASE_URL")


class _LocalClient(EthosClient):
    """An :class:`~ethos_sdk.EthosClient` that stops the local server it was made for when closed."""

    _local_server: Optional[LocalEthosServer] = None

    def close(self) -> None:
        super().close()
        server, self._local_server = self._local_server, None
        if server is not None:
            server.stop()


def connect(**options: Any) -> EthosClient:
    """A client for the server in ``ETHOS_BASE_URL``, or for a local test server when it is unset.

    With ``ETHOS_BASE_URL`` set this is ``EthosClient(**options)``: the client
    reads ``ETHOS_API_KEY`` and ``ETHOS_ORIGIN`` itself. Without it, a
    :class:`LocalEthosServer` starts on a free loopback port (its agent
    answers with scripted text, so nothing leaves the machine), a line on
    stderr says so, and the client returned stops that server when it is
    closed, or when the interpreter exits. So a script, a notebook or a test
    runs the same code either way::

        from ethos_sdk.testing import connect

        with connect() as client:
            print(client.chat.ask("hello").text)

    ``options`` go to :class:`~ethos_sdk.EthosClient` (``timeout=``,
    ``max_retries=``...).
    """
    if not uses_local_server():
        return EthosClient(**options)

    from ._server import LocalEthosServer

    server = LocalEthosServer().start()
    print("(ETHOS_BASE_URL is not set: using a local test server with a scripted agent)", file=sys.stderr)
    options.setdefault("origin", server.origin)
    try:
        client = _LocalClient(server.base_url, api_key=server.api_key, **options)
    except BaseException:
        server.stop()
        raise
    client._local_server = server
    atexit.register(client.close)
    return client
