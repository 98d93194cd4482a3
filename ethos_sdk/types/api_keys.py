"""Types of the ``apiKeys`` namespace: API keys, their scopes and the secret shown once."""

from typing import List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = ["ApiKeyScope", "ApiKey", "NewApiKey", "ApiKeyPage", "RevokeResult"]

ApiKeyScope: TypeAlias = Literal[
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
]
"""What a key may do; each procedure of the contract names the scope it needs."""


class ApiKey(TypedDict):
    """An API key as listed: everything but the secret itself."""

    id: str
    """Pass it to ``api_keys.revoke``."""
    prefix: str
    """The first characters of the secret, enough to recognise it (``sk-ethos-1a2b3c4d``)."""
    name: str
    scopes: List[ApiKeyScope]
    allowedOrigins: List[str]
    """Requests made with the key must send one of these as ``Origin``."""
    createdAt: str
    lastUsed: Optional[str]
    """When the key was last used, or ``None`` if never."""
    revokedAt: Optional[str]
    """When the key was revoked, or ``None`` while it still works."""


class NewApiKey(TypedDict):
    """A freshly minted key. ``secret`` is shown this once and cannot be read again."""

    secret: str
    """The key to give to ``EthosClient(api_key=...)``: ``sk-ethos-`` and 64 hex digits."""
    key: ApiKey


class ApiKeyPage(TypedDict):
    """One page of ``apiKeys.list``."""

    items: List[ApiKey]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""


class RevokeResult(TypedDict):
    """``{"ok": True}``: the key no longer works."""

    ok: Literal[True]
