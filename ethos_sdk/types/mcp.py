"""Types of the ``mcp`` namespace: MCP servers, their OAuth sign-in and their tools."""

# Annotations are evaluated eagerly on purpose (no ``from __future__ import
# annotations``): a TypedDict sees ``NotRequired`` only then, so that
# ``__required_keys__`` and ``__optional_keys__`` are right at run time.

from typing import Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "MCPTransport",
    "MCPServer",
    "MCPServerList",
    "StreamableHttpServerConfig",
    "SseServerConfig",
    "StdioServerConfig",
    "ServerConfig",
    "OAuthStarted",
    "OAuthStartFailed",
    "OAuthStart",
    "ServerAdded",
    "OAuthCompleteFailed",
    "OAuthCompletion",
    "AddServerFailed",
    "AddServerResult",
    "OAuthStatus",
    "OkResult",
    "AttachFailure",
    "AttachResult",
    "ServerTool",
    "ServerToolPage",
    "PersonalityServer",
    "PersonalityServerList",
    "TokenRefresh",
    "ScopeStatus",
    "ConfigIssue",
    "ConfigValidation",
]

MCPTransport: TypeAlias = Literal["stdio", "sse", "streamable-http"]
"""How the agent talks to an MCP server: a local process, or HTTP (SSE or streamable)."""


class MCPServer(TypedDict):
    """One configured MCP server, as ``mcp.list`` (and ``plugins.list``) lists it."""

    name: str
    transport: MCPTransport
    command: Optional[str]
    """The command line of a ``stdio`` server; ``None`` for HTTP servers."""
    url: Optional[str]
    """The endpoint of an HTTP server; ``None`` for ``stdio`` servers."""
    auth_status: Optional[Literal["none", "authorized", "expired", "missing", "pending"]]
    created_via: Optional[Literal["cli", "ui"]]
    mcpResultLimitChars: Optional[int]
    """Tool results longer than this many characters are cut; ``None`` for the default."""
    deprecated: Optional[bool]


class MCPServerList(TypedDict):
    """Every configured MCP server."""

    servers: List[MCPServer]


class StreamableHttpServerConfig(TypedDict):
    """A new MCP server reached over streamable HTTP, for ``mcp.add_server``."""

    transport: Literal["streamable-http"]
    name: str
    """1 to 64 characters; must not be taken."""
    url: str
    authType: NotRequired[Literal["bearer", "none"]]
    token: NotRequired[str]
    """The bearer token, when ``authType`` is ``"bearer"``."""
    mcpResultLimitChars: NotRequired[int]


class SseServerConfig(TypedDict):
    """A new MCP server reached over Server-Sent Events, for ``mcp.add_server``."""

    transport: Literal["sse"]
    name: str
    """1 to 64 characters; must not be taken."""
    url: str
    authType: NotRequired[Literal["bearer", "none"]]
    token: NotRequired[str]
    """The bearer token, when ``authType`` is ``"bearer"``."""
    mcpResultLimitChars: NotRequired[int]


class StdioServerConfig(TypedDict):
    """A new MCP server run as a local process, for ``mcp.add_server``."""

    transport: Literal["stdio"]
    name: str
    """1 to 64 characters; must not be taken."""
    command: str
    args: NotRequired[List[str]]
    env: NotRequired[Dict[str, str]]
    """Extra environment variables of the process."""
    mcpResultLimitChars: NotRequired[int]


ServerConfig: TypeAlias = Union[StreamableHttpServerConfig, SseServerConfig, StdioServerConfig]
"""Any of the three server descriptions ``mcp.add_server`` accepts, told apart by ``transport``."""


class OAuthStarted(TypedDict):
    """An OAuth sign-in is under way: send the user to ``authorizeUrl``."""

    ok: Literal[True]
    state: str
    """Identifies this sign-in in ``mcp.complete``, ``mcp.cancel``."""
    authorizeUrl: str
    serverName: str


class OAuthStartFailed(TypedDict):
    """The OAuth sign-in could not start; ``code`` says why."""

    ok: Literal[False]
    code: Literal[
        "discovery_failed",
        "dcr_unsupported",
        "dcr_failed",
        "name_taken",
        "webBaseUrl_missing",
        "ssrf_blocked",
        "invalid_origin",
    ]
    detail: NotRequired[str]


OAuthStart: TypeAlias = Union[OAuthStarted, OAuthStartFailed]
"""What ``mcp.start`` and ``mcp.reconnect`` return; check ``result["ok"]`` first."""


class ServerAdded(TypedDict):
    """The server is now configured under ``serverName``."""

    ok: Literal[True]
    serverName: str


class OAuthCompleteFailed(TypedDict):
    """The OAuth sign-in could not be finished; ``code`` says why."""

    ok: Literal[False]
    code: Literal[
        "missing_pending_cookie",
        "expired_state",
        "state_mismatch",
        "code_exchange_failed",
        "upstream_error",
        "name_taken",
        "addserver_failed",
    ]
    detail: NotRequired[str]


OAuthCompletion: TypeAlias = Union[ServerAdded, OAuthCompleteFailed]
"""What ``mcp.complete`` returns; check ``result["ok"]`` first."""


class AddServerFailed(TypedDict):
    """The server was not added; ``code`` says why."""

    ok: Literal[False]
    code: Literal["ssrf_blocked", "name_taken", "invalid_url"]
    detail: NotRequired[str]


AddServerResult: TypeAlias = Union[ServerAdded, AddServerFailed]
"""What ``mcp.add_server`` returns; check ``result["ok"]`` first."""


class OAuthStatus(TypedDict):
    """Where the current OAuth sign-in stands."""

    status: Literal["pending", "connected", "error", "expired"]
    serverName: NotRequired[str]
    error: NotRequired[str]


class OkResult(TypedDict):
    """``{"ok": True}``: done."""

    ok: Literal[True]


class AttachFailure(TypedDict):
    """A personality the server could not be attached to, and why."""

    id: str
    error: str


class AttachResult(TypedDict):
    """Which personalities got the server, and which did not."""

    updated: List[str]
    """Ids of the personalities that now use the server."""
    failed: List[AttachFailure]


class ServerTool(TypedDict):
    """One tool an MCP server offers."""

    name: str
    description: NotRequired[str]


class ServerToolPage(TypedDict):
    """One page of an MCP server's tools."""

    available: bool
    """``False`` when the server's tools could not be listed for the personality."""
    tools: List[ServerTool]
    nextCursor: NotRequired[Optional[str]]
    """Pass to ``cursor=`` for the next page; missing or ``None`` on the last page."""


class PersonalityServer(TypedDict):
    """One MCP server a personality uses, with the state of its credentials."""

    name: str
    transport: NotRequired[str]
    url: NotRequired[str]
    auth_status: Literal["authorized", "expired", "missing"]
    auth_type: NotRequired[Literal["oauth2", "bearer", "none"]]


class PersonalityServerList(TypedDict):
    """The MCP servers of one personality."""

    servers: List[PersonalityServer]


class TokenRefresh(TypedDict):
    """The outcome of refreshing a server's OAuth token."""

    ok: bool
    expiresAt: Optional[str]
    """When the new token expires, if known."""
    error: NotRequired[str]


class ScopeStatus(TypedDict):
    """How the scopes a server's token really has compare with the ones it declared."""

    outcome: Literal["match", "mismatch", "inactive", "no-introspection", "error", "unknown"]
    declaredScopes: List[str]
    actualScopes: List[str]
    error: NotRequired[str]


class ConfigIssue(TypedDict):
    """One problem found in a server description."""

    field: str
    message: str


class ConfigValidation(TypedDict):
    """Whether a server description is acceptable, and what is wrong with it if not."""

    valid: bool
    errors: List[ConfigIssue]
