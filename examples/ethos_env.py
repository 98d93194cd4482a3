"""The one choice every example makes: a real Ethos server, or a local stand-in.

Set ``ETHOS_BASE_URL`` (and ``ETHOS_API_KEY``, plus ``ETHOS_ORIGIN`` when the
key is pinned to origins) to run an example against your server. Leave
``ETHOS_BASE_URL`` unset and the example starts
:class:`ethos_sdk.testing.LocalEthosServer` on a free loopback port: a
stand-in whose agent replies with scripted text, so nothing leaves your machine.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import Any, Iterator

from ethos_sdk import EthosClient


def using_local_server() -> bool:
    """True when no real server is configured (``ETHOS_BASE_URL`` is unset)."""
    return not os.environ.get("ETHOS_BASE_URL")


@contextlib.contextmanager
def connect(**options: Any) -> Iterator[EthosClient]:
    """A client for the configured server, or for a local one started for the ``with`` block.

    ``options`` go to :class:`~ethos_sdk.EthosClient` (``timeout=``, ...).
    """
    if not using_local_server():
        # EthosClient reads ETHOS_BASE_URL, ETHOS_API_KEY and ETHOS_ORIGIN itself.
        with EthosClient(**options) as client:
            yield client
        return

    from ethos_sdk.testing import LocalEthosServer

    print("(ETHOS_BASE_URL is not set: using a local test server with a scripted agent)", file=sys.stderr)
    with LocalEthosServer() as server, server.client(**options) as client:
        yield client


def open_client(**options: Any) -> EthosClient:
    """Like :func:`connect`, for a notebook: the connection lives until the interpreter exits."""
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(connect(**options))
