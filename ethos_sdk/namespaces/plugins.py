"""``client.plugins``: install plugins, set their credentials, show their pages, run their tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.plugins import (
        CredentialKeyList,
        CredentialMeta,
        CredentialPreview,
        CredentialValue,
        OAuthCompletion,
        OAuthUrl,
        OkResult,
        PageSpecResult,
        PageToolResult,
        PluginList,
        ToolResult,
    )

__all__ = ["Plugins"]


class Plugins(Namespace):
    """The ``plugins`` procedures (experimental; cookie authentication only)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PluginList:
        """The installed plugins, and the configured MCP servers beside them.

        ``plugins.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PluginList",
            self._call(
                "plugins.list", None, idempotent=True, timeout=timeout, extra_headers=extra_headers
            ),
        )

    def install(
        self,
        package_spec: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Install a plugin.

        Args:
            package_spec: what to install, as a package specification.

        ``plugins.install`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "plugins.install",
                {"packageSpec": package_spec},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def uninstall(
        self,
        plugin_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Uninstall a plugin.

        ``plugins.uninstall`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "plugins.uninstall",
                {"pluginId": plugin_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_credential(
        self,
        plugin_id: str,
        key: str,
        value: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Set one of a plugin's credentials.

        Args:
            plugin_id: the plugin.
            key: which credential, as :meth:`list_credential_keys` names it.
            value: its new value.

        ``plugins.setCredential`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "plugins.setCredential",
                {"pluginId": plugin_id, "key": key, "value": value},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_credential_meta(
        self,
        plugin_id: str,
        key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CredentialMeta:
        """When one of a plugin's credentials was last set (not its value).

        ``plugins.getCredentialMeta`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CredentialMeta",
            self._call(
                "plugins.getCredentialMeta",
                {"pluginId": plugin_id, "key": key},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_credential_keys(
        self,
        plugin_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CredentialKeyList:
        """The credentials a plugin asks for, and which of them are set.

        ``plugins.listCredentialKeys`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CredentialKeyList",
            self._call(
                "plugins.listCredentialKeys",
                {"pluginId": plugin_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_page_spec(
        self,
        plugin_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageSpecResult:
        """The layout of a plugin's page; ``spec`` is ``None`` when it has none.

        ``plugins.getPageSpec`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PageSpecResult",
            self._call(
                "plugins.getPageSpec",
                {"pluginId": plugin_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def invoke_tool_for_page(
        self,
        plugin_id: str,
        tool_name: str,
        *,
        args: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageToolResult:
        """Run one of a plugin's tools to fill its page.

        A tool that fails is reported in the result (``ok`` is ``False``), not raised.

        Args:
            plugin_id: the plugin.
            tool_name: the tool to run.
            args: the tool's arguments.

        ``plugins.invokeToolForPage`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PageToolResult",
            self._call(
                "plugins.invokeToolForPage",
                {"pluginId": plugin_id, "toolName": tool_name, "args": args},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_credential(
        self,
        plugin_id: str,
        ref: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CredentialValue:
        """The value of one of a plugin's credentials, or ``None``.

        The result holds the secret itself: keep it out of logs.

        ``plugins.getCredential`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CredentialValue",
            self._call(
                "plugins.getCredential",
                {"pluginId": plugin_id, "ref": ref},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def credential_preview(
        self,
        plugin_id: str,
        ref: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CredentialPreview:
        """A preview of one of a plugin's credentials, or ``None``.

        ``plugins.credentialPreview`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CredentialPreview",
            self._call(
                "plugins.credentialPreview",
                {"pluginId": plugin_id, "ref": ref},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def execute_tool(
        self,
        plugin_id: str,
        tool_name: str,
        *,
        args: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ToolResult:
        """Run one of a plugin's tools.

        A tool that fails is reported in the result (``ok`` is ``False``, with
        ``error`` and ``code``), not raised.

        Args:
            plugin_id: the plugin.
            tool_name: the tool to run.
            args: the tool's arguments.

        ``plugins.executeTool`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ToolResult",
            self._call(
                "plugins.executeTool",
                {"pluginId": plugin_id, "toolName": tool_name, "args": args},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def request_oauth(
        self,
        plugin_id: str,
        oauth_ref: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthUrl:
        """Start authorising a plugin with OAuth: returns the URL to send the user to.

        Finish with :meth:`complete_oauth`.

        ``plugins.requestOAuth`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthUrl",
            self._call(
                "plugins.requestOAuth",
                {"pluginId": plugin_id, "oauthRef": oauth_ref},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def complete_oauth(
        self,
        plugin_id: str,
        oauth_ref: str,
        request_token: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthCompletion:
        """Finish authorising a plugin with OAuth, begun with :meth:`request_oauth`.

        ``plugins.completeOAuth`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthCompletion",
            self._call(
                "plugins.completeOAuth",
                {"pluginId": plugin_id, "oauthRef": oauth_ref, "requestToken": request_token},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
