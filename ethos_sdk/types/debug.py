"""Types of the ``debug`` namespace: the debug-panel chat."""

from typing_extensions import TypedDict

__all__ = ["DebugReply"]


class DebugReply(TypedDict):
    """The debug agent's answer and the session it was written in."""

    sessionId: str
    turnId: str
    response: str
