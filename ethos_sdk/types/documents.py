"""Types of the ``documents`` namespace: the documents folder the agent can read."""

from typing import List

from typing_extensions import Literal, NotRequired, TypedDict

__all__ = ["DocumentsRoot", "DocumentEntry", "DocumentListing", "DeleteResult"]


class DocumentsRoot(TypedDict):
    """Where a personality's documents folder is on the server."""

    root: str
    personalityId: str


class DocumentEntry(TypedDict):
    """A file or folder in the documents folder."""

    name: str
    path: str
    """Relative to the documents folder; pass it back as ``path=``."""
    isDir: bool
    size: NotRequired[float]
    """Bytes."""
    mtimeMs: NotRequired[float]
    """Last change, in milliseconds since the epoch."""
    isSymlink: bool


class DocumentListing(TypedDict):
    """The entries of one folder."""

    entries: List[DocumentEntry]


class DeleteResult(TypedDict):
    """``{"ok": True}``: the file is gone."""

    ok: Literal[True]
