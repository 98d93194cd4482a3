"""Types of the ``meta`` namespace: what a server can do."""

from typing import Dict

from typing_extensions import TypedDict

__all__ = ["Capabilities"]


class Capabilities(TypedDict):
    """The server's features, by name, each on (``True``) or off."""

    capabilities: Dict[str, bool]
