"""Types of the ``sessions`` namespace: conversations, their messages and cards."""

from __future__ import annotations

from typing import List, Optional

from typing_extensions import Literal, TypedDict

__all__ = [
    "SessionUsage",
    "Session",
    "SessionPage",
    "SessionResult",
    "DeleteResult",
]


class SessionUsage(TypedDict):
    """Token and cost totals of a session so far."""

    inputTokens: int
    outputTokens: int
    cacheReadTokens: int
    cacheCreationTokens: int
    estimatedCostUsd: float
    apiCallCount: int
    compactionCount: int


class Session(TypedDict):
    """One conversation, as ``sessions.list`` lists it and ``sessions.get`` heads it."""

    id: str
    key: str
    """The session's routing key, e.g. ``"web:<uuid>"``; forks add ``":fork:<ms>"``."""
    platform: str
    model: str
    provider: str
    personalityId: Optional[str]
    parentSessionId: Optional[str]
    """The session this one was forked from, if any."""
    workingDir: Optional[str]
    title: Optional[str]
    """``None`` until a title is set or generated after the next turn."""
    pinned: bool
    usage: SessionUsage
    createdAt: str
    updatedAt: str
    version: int
    """Increases with each change; pass it as ``expected_version`` to refuse lost updates."""


class SessionPage(TypedDict):
    """One page of ``sessions.list``: pinned sessions first, then the most recently updated."""

    items: List[Session]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""


class SessionResult(TypedDict):
    """The session after a change (``update``, ``pin``, ``unpin``, ``fork``)."""

    session: Session


class DeleteResult(TypedDict):
    """``{"ok": True}``: the session is gone."""

    ok: Literal[True]
