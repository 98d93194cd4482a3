"""Types of the ``chat`` namespace: what you send with a message and what comes back at once."""

from typing_extensions import Literal, NotRequired, TypedDict

from .sessions import Ok

__all__ = ["Attachment", "TurnReceipt", "SteerResult", "Ok"]


class Attachment(TypedDict):
    """A file or image sent along with a message (``chat.send(..., attachments=[...])``)."""

    type: Literal["image", "file"]
    data: str
    """The file's content, encoded as a string."""
    mimeType: str
    """e.g. ``"image/png"``, ``"application/pdf"``."""
    name: NotRequired[str]
    """The file name to show."""


class TurnReceipt(TypedDict):
    """What ``chat.send`` answers at once: where the turn runs and the id it was given.

    The reply itself is not here: it arrives on the session's event stream.
    """

    sessionId: str
    """The session of the turn: the one given, or the one just created."""
    turnId: str
    """Equal to the request's ``x-request-id``; events carry a ``traceId`` instead."""


class SteerResult(TypedDict):
    ok: bool
    """``False`` when no turn was running on the session to steer."""
