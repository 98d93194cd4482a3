"""The size limit of one event of a stream, shared by the client and the streams.

Kept apart from :mod:`ethos_sdk.stream` so that making a client does not
import the stream machinery.
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigurationError

DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024
"""The largest frame (one event: its ``data`` and ``id`` lines) a stream accepts: 16 MiB.

A larger one ends the iteration with :class:`~ethos_sdk.ResponseTooLargeError`
once that many bytes of it have arrived, so memory stays bounded whatever
the server sends. The Ethos server's events are far smaller (a tool's result
is the largest); raise it with ``EthosClient(max_event_bytes=...)`` or
``client.events(..., max_event_bytes=...)``.
"""


def check_max_event_bytes(value: Any) -> int:
    """``value`` if it is a usable ``max_event_bytes`` (an int, 1 or more); else :class:`ConfigurationError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"max_event_bytes must be a whole number of bytes, 1 or more (the default is "
            f"{DEFAULT_MAX_EVENT_BYTES:,}, 16 MiB), got {value!r}"
        )
    return value
