"""Random ids for requests and clients, without the cost of importing ``uuid``.

``import uuid`` takes milliseconds (it loads ``platform`` too): a script that
makes one call and exits paid for it on its first call. A version-4 UUID is
16 random bytes with six bits set, which ``os.urandom`` gives as well.
"""

from __future__ import annotations

import os

__all__ = ["new_request_id", "new_client_suffix"]


def new_request_id() -> str:
    """A random version-4 UUID as text (``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``), as ``str(uuid.uuid4())``."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_client_suffix() -> str:
    """16 random hex digits, for a client's default ``client_id``."""
    return os.urandom(8).hex()
