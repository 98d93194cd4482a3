"""Which API-key scope each procedure needs, as the real server's scope map says.

These are facts copied from the contract (``bearerScope`` of every procedure of
the namespaces that have scopes); ``tests/test_local_server_scopes.py`` checks
that they still agree with it. A namespace that is not listed here is
"experimental" for API keys: every key gets 403 there.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

__all__ = ["ALL_SCOPES", "COOKIE_ONLY", "SCOPE_TABLE", "scope_for"]

ALL_SCOPES: Tuple[str, ...] = (
    "sessions:read",
    "sessions:write",
    "chat",
    "chat:send",
    "personalities:read",
    "memory:read",
    "memory:write",
    "tools:approve",
    "events:subscribe",
    "metrics:read",
)
"""Every scope ``apiKeys.create`` accepts, in the order its input schema lists them."""

COOKIE_ONLY = "cookie-only"
"""The marker for procedures that API keys may never call."""

_READ, _WRITE = "sessions:read", "sessions:write"
_PERSONALITIES = "personalities:read"
_MEM_READ, _MEM_WRITE = "memory:read", "memory:write"

SCOPE_TABLE: Dict[str, Optional[str]] = {
    # sessions
    "sessions.list": _READ,
    "sessions.get": _READ,
    "sessions.fork": _WRITE,
    "sessions.delete": _WRITE,
    "sessions.update": _WRITE,
    "sessions.export": _READ,
    "sessions.pin": _WRITE,
    "sessions.unpin": _WRITE,
    "sessions.contextAnatomy": _READ,
    "sessions.undoTurns": None,  # in the contract, not mapped (and not served)
    "sessions.compact": _WRITE,
    # personalities
    "personalities.list": _PERSONALITIES,
    "personalities.get": _PERSONALITIES,
    "personalities.characterSheet": _PERSONALITIES,
    "personalities.create": COOKIE_ONLY,
    "personalities.update": COOKIE_ONLY,
    "personalities.delete": COOKIE_ONLY,
    "personalities.duplicate": COOKIE_ONLY,
    "personalities.renderers": _PERSONALITIES,
    "personalities.skillsList": _PERSONALITIES,
    "personalities.skillsGet": _PERSONALITIES,
    "personalities.skillsCreate": COOKIE_ONLY,
    "personalities.skillsUpdate": COOKIE_ONLY,
    "personalities.skillsDelete": COOKIE_ONLY,
    "personalities.skillsImportGlobal": COOKIE_ONLY,
    "personalities.skillCandidatesList": _PERSONALITIES,
    "personalities.skillCandidateApprove": COOKIE_ONLY,
    "personalities.skillCandidateReject": COOKIE_ONLY,
    "personalities.mcpSetToken": COOKIE_ONLY,
    "personalities.mcpDeleteToken": COOKIE_ONLY,
    "personalities.livingSoul": _PERSONALITIES,
    "personalities.proposeExpression": COOKIE_ONLY,
    "personalities.applyExpression": COOKIE_ONLY,
    "personalities.revertExpression": COOKIE_ONLY,
    "personalities.proposeSoulSplit": COOKIE_ONLY,
    # chat
    "chat.send": "chat:send",
    "chat.abort": "chat:send",
    "chat.steer": "chat:send",
    # tools (an experimental tier, but mapped to a scope)
    "tools.approve": "tools:approve",
    "tools.deny": "tools:approve",
    "tools.catalog": "tools:approve",
    # memory
    "memory.list": _MEM_READ,
    "memory.get": _MEM_READ,
    "memory.write": _MEM_WRITE,
    "memory.listUsers": _MEM_READ,
    "memory.history": _MEM_READ,
    "memory.historyBlob": _MEM_READ,
    "memory.restore": _MEM_WRITE,
    "memory.pendingList": _MEM_READ,
    "memory.pendingApprove": _MEM_WRITE,
    "memory.pendingReject": _MEM_WRITE,
}
"""Procedure -> the scope a key needs, :data:`COOKIE_ONLY`, or ``None`` (not mapped)."""

SCOPED_NAMESPACES = frozenset(name.split(".")[0] for name in SCOPE_TABLE)
"""Namespaces API keys can reach at all; the others are "experimental" for keys."""


def scope_for(procedure: str) -> Optional[str]:
    """The scope ``procedure`` needs (or :data:`COOKIE_ONLY`); ``None`` when unmapped."""
    return SCOPE_TABLE.get(procedure)
