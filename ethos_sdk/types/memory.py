"""Types of the ``memory`` namespace: memory files, their change history and pending facts."""

from typing import List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

from .sessions import Ok

__all__ = [
    "MemoryStore",
    "MemorySource",
    "MemoryFile",
    "MemoryPage",
    "MemoryFileResult",
    "MemoryUser",
    "MemoryUserList",
    "HistoryEntry",
    "HistoryPage",
    "HistoryBlob",
    "RestoreResult",
    "AddFact",
    "ReplaceFact",
    "RemoveFact",
    "DeleteFact",
    "MemoryUpdate",
    "PendingFact",
    "PendingFactList",
    "Ok",
]

MemoryStore: TypeAlias = Literal["memory", "user"]
"""Which file of a personality: ``"memory"`` (what it knows) or ``"user"`` (about a user)."""

MemorySource: TypeAlias = Literal[
    "tool", "consolidation", "dream", "capture", "web-editor", "global-entry", "restore"
]
"""What made a change to memory."""


class MemoryFile(TypedDict):
    """One memory store's content."""

    store: MemoryStore
    content: str
    """The text of the store (Markdown); empty when nothing was written yet."""
    path: Optional[str]
    modifiedAt: Optional[str]
    """``None`` until something is written."""


class MemoryPage(TypedDict):
    """One page of ``memory.list``."""

    items: List[MemoryFile]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""


class MemoryFileResult(TypedDict):
    """The store read, or as it is after a write."""

    file: MemoryFile


class MemoryUser(TypedDict):
    """A user some personality keeps a ``user`` store for."""

    userId: str
    displayLabel: str
    platform: str
    firstSeenAt: str


class MemoryUserList(TypedDict):
    users: List[MemoryUser]


class HistoryEntry(TypedDict):
    """One recorded change to memory."""

    ts: float
    """When, in milliseconds since the epoch."""
    scopeId: str
    key: str
    actions: List[str]
    source: MemorySource
    sessionId: str
    sessionKey: str
    beforeHash: str
    afterHash: str
    diff: str
    hint: NotRequired[float]
    blob: NotRequired[str]
    """Pass to ``memory.history_blob`` to read the saved content."""
    sizeBefore: float
    sizeAfter: float


class HistoryPage(TypedDict):
    """One page of ``memory.history``."""

    entries: List[HistoryEntry]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""
    corruptLines: float
    """How many lines of the history log could not be read."""


class HistoryBlob(TypedDict):
    content: Optional[str]
    """``None`` when the server has no content saved under that blob."""


class RestoreResult(TypedDict):
    ok: Literal[True]
    restoredTo: str


class AddFact(TypedDict):
    action: Literal["add"]
    key: str
    content: str


class ReplaceFact(TypedDict):
    action: Literal["replace"]
    key: str
    content: str


class RemoveFact(TypedDict):
    action: Literal["remove"]
    key: str
    substringMatch: str


class DeleteFact(TypedDict):
    action: Literal["delete"]
    key: str


MemoryUpdate: TypeAlias = Union[AddFact, ReplaceFact, RemoveFact, DeleteFact]
"""A proposed change to memory; tell the kinds apart by ``update["action"]``."""


class PendingFact(TypedDict):
    """A change to memory waiting for approval (``memory.pending_approve``/``pending_reject``)."""

    id: str
    scopeId: str
    update: MemoryUpdate
    source: MemorySource
    factHash: NotRequired[str]
    sessionId: NotRequired[str]
    sessionKey: NotRequired[str]
    proposedAt: float


class PendingFactList(TypedDict):
    pending: List[PendingFact]
