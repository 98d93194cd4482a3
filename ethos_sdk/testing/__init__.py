"""A local, Ethos-compatible server for trying the SDK and testing code that uses it.

::

    from ethos_sdk.testing import LocalEthosServer

    with LocalEthosServer() as server:          # a free port on 127.0.0.1
        client = server.client()                 # full-scope API key, matching Origin
        sent = client.chat.send("hello")         # a scripted agent answers over SSE

Standard library only; it listens on loopback unless told otherwise. From a
shell: ``python -m ethos_sdk.testing --port 3000``.

:func:`connect` gives code that should run anywhere (examples, notebooks) the
server in ``ETHOS_BASE_URL`` when there is one, and a local server otherwise.
"""

from __future__ import annotations

from ._connect import connect, uses_local_server
from ._server import Faults, LocalEthosServer

__all__ = ["Faults", "LocalEthosServer", "connect", "uses_local_server"]
