"""Types of the ``admin`` namespace: the state of channels, providers and MCP servers."""

from typing import List

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "ConnectionStatus",
    "McpAuthType",
    "ChannelStatus",
    "ProviderStatus",
    "McpServerStatus",
    "AdminStatus",
    "ProviderCheck",
    "TestSendResult",
    "OkResult",
]

ConnectionStatus: TypeAlias = Literal["connected", "disconnected", "error"]

McpAuthType: TypeAlias = Literal["none", "bearer", "oauth"]
"""How the server authenticates to an MCP server."""


class ChannelStatus(TypedDict):
    """A messaging channel and whether it is connected."""

    id: str
    platform: str
    status: ConnectionStatus
    webhookUrl: NotRequired[str]


class ProviderStatus(TypedDict):
    """A model provider, whether it has a key and how it answered when last checked."""

    id: str
    name: str
    hasKey: bool
    healthy: NotRequired[bool]
    latencyMs: NotRequired[float]


class McpServerStatus(TypedDict):
    """An MCP server and whether it is connected."""

    name: str
    status: ConnectionStatus
    toolCount: NotRequired[float]


class AdminStatus(TypedDict):
    """The operator's overview: channels, model providers and MCP servers."""

    channels: List[ChannelStatus]
    providers: List[ProviderStatus]
    mcpServers: List[McpServerStatus]


class ProviderCheck(TypedDict):
    """Whether a provider answered, and how fast."""

    ok: bool
    latencyMs: float


class TestSendResult(TypedDict):
    """Whether the test message went out; ``error`` says why not."""

    ok: bool
    error: NotRequired[str]


class OkResult(TypedDict):
    """``{"ok": True}``: the change was made."""

    ok: Literal[True]
