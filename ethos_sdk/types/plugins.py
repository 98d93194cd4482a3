"""Types of the ``plugins`` namespace: installed plugins, their credentials, pages and tools."""

# Annotations are evaluated eagerly on purpose (no ``from __future__ import
# annotations``): a TypedDict sees ``NotRequired`` only then, so that
# ``__required_keys__`` and ``__optional_keys__`` are right at run time.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypedDict

from .mcp import MCPServer

__all__ = [
    "Plugin",
    "PluginList",
    "OkResult",
    "CredentialMeta",
    "CredentialKey",
    "CredentialKeyList",
    "PageSpec",
    "PageSpecResult",
    "PageToolResult",
    "CredentialValue",
    "CredentialPreview",
    "ToolResult",
    "OAuthUrl",
    "OAuthCompletion",
    "MCPServer",
]


class Plugin(TypedDict):
    """One installed plugin and where it was loaded from."""

    id: str
    name: str
    version: str
    description: Optional[str]
    source: Literal["user", "project", "npm"]
    path: str
    pluginContractMajor: Optional[int]
    """The major version of the plugin contract the plugin was written for, if it says."""
    hasHomePanel: NotRequired[bool]


class PluginList(TypedDict):
    """The installed plugins, and the configured MCP servers beside them."""

    plugins: List[Plugin]
    mcpServers: List[MCPServer]


class OkResult(TypedDict):
    """``{"ok": True}``: done."""

    ok: Literal[True]


class CredentialMeta(TypedDict):
    """When a plugin credential was last set; ``None`` if never."""

    updatedAt: Optional[str]


class CredentialKey(TypedDict):
    """A credential a plugin asks for, and whether it is set (never its value)."""

    key: str
    label: str
    type: Literal["secret", "text"]
    description: Optional[str]
    refreshHint: Optional[Literal["daily", "weekly", "manual"]]
    """How often the plugin expects the value to be renewed."""
    required: Optional[bool]
    isSet: bool
    updatedAt: Optional[str]


class CredentialKeyList(TypedDict):
    """The credentials a plugin asks for."""

    keys: List[CredentialKey]


class PageSpec(TypedDict):
    """How a plugin's page is laid out: a title and a list of sections."""

    title: str
    icon: NotRequired[str]
    sections: List[Dict[str, Any]]
    """Each section as the plugin describes it; the shape is the plugin's own."""
    showInSidebar: NotRequired[bool]


class PageSpecResult(TypedDict):
    """A plugin's page layout; ``spec`` is ``None`` when the plugin has no page."""

    spec: Optional[PageSpec]


class PageToolResult(TypedDict):
    """What a plugin tool returned for its page."""

    ok: bool
    value: str
    structured: NotRequired[Dict[str, Any]]
    error: NotRequired[str]


class CredentialValue(TypedDict):
    """A plugin credential's value, or ``None``."""

    value: Optional[str]


class CredentialPreview(TypedDict):
    """A preview of a plugin credential's value, or ``None``."""

    preview: Optional[str]


class ToolResult(TypedDict):
    """What a plugin tool returned: ``value`` on success, ``error`` and ``code`` otherwise."""

    ok: bool
    value: NotRequired[str]
    error: NotRequired[str]
    code: NotRequired[str]


class OAuthUrl(TypedDict):
    """Where to send the user to authorise a plugin."""

    url: str


class OAuthCompletion(TypedDict):
    """Whether a plugin's OAuth authorisation went through."""

    ok: bool
    userId: NotRequired[str]
