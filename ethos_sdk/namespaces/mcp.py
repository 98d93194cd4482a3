"""``client.mcp``: the MCP servers the agent uses, their OAuth sign-in, tokens and tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence, cast

from .._pagination import PageIterator, iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.mcp import (
        AddServerResult,
        AttachResult,
        ConfigValidation,
        MCPServerList,
        MCPTransport,
        OAuthCompletion,
        OAuthStart,
        OAuthStatus,
        OkResult,
        PersonalityServerList,
        ScopeStatus,
        ServerConfig,
        ServerTool,
        ServerToolPage,
        TokenRefresh,
    )

__all__ = ["MCP"]


class MCP(Namespace):
    """The ``mcp`` procedures (experimental; cookie authentication only)."""

    def start(
        self,
        url: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthStart:
        """Start adding an MCP server that signs in with OAuth.

        On success (``result["ok"]`` is ``True``) send the user to
        ``result["authorizeUrl"]``; the sign-in is then finished with
        :meth:`complete`, or abandoned with :meth:`cancel`. A failure is
        returned, not raised: ``result["code"]`` says what went wrong.

        Args:
            url: the MCP server's address.
            name: the name to save the server under, 1 to 64 characters.
            personality_id: the personality the sign-in is for.

        ``mcp.start`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthStart",
            self._call(
                "mcp.start",
                {"url": url, "name": name, "personalityId": personality_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def complete(
        self,
        state: str,
        *,
        code: str | NotGiven = NOT_GIVEN,
        error: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthCompletion:
        """Finish an OAuth sign-in with what the provider sent back to its redirect.

        A failure is returned, not raised: check ``result["ok"]`` and, when it
        is ``False``, ``result["code"]``.

        Args:
            state: the ``state`` of the sign-in, as returned by :meth:`start`.
            code: the authorization code the provider sent back.
            error: the error the provider sent back instead of a code.

        ``mcp.complete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthCompletion",
            self._call(
                "mcp.complete",
                {"code": code, "state": state, "error": error},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def status(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthStatus:
        """Where the current OAuth sign-in stands: pending, connected, in error or expired.

        ``mcp.status`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthStatus",
            self._call(
                "mcp.status", None, idempotent=True, timeout=timeout, extra_headers=extra_headers
            ),
        )

    def cancel(
        self,
        state: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Abandon an OAuth sign-in begun with :meth:`start` or :meth:`reconnect`.

        Args:
            state: the ``state`` the sign-in was started with.

        ``mcp.cancel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "mcp.cancel",
                {"state": state},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def attach_personalities(
        self,
        server_name: str,
        personality_ids: Sequence[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AttachResult:
        """Give several personalities the use of an MCP server.

        Each personality succeeds or fails on its own: the result lists the
        ones updated and, with the reason, the ones that failed.

        ``mcp.attachPersonalities`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "AttachResult",
            self._call(
                "mcp.attachPersonalities",
                {"serverName": server_name, "personalityIds": personality_ids},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MCPServerList:
        """Every configured MCP server, with its transport and sign-in state.

        ``mcp.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "MCPServerList",
            self._call(
                "mcp.list", None, idempotent=True, timeout=timeout, extra_headers=extra_headers
            ),
        )

    def delete(
        self,
        name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove an MCP server from the configuration.

        ``mcp.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "mcp.delete",
                {"name": name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def reconnect(
        self,
        name: str,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OAuthStart:
        """Sign in again to an existing OAuth MCP server, e.g. after its token expired.

        Returns like :meth:`start`: on success send the user to
        ``result["authorizeUrl"]`` and finish with :meth:`complete`.

        Args:
            name: the configured server.
            personality_id: the personality the sign-in is for.

        ``mcp.reconnect`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OAuthStart",
            self._call(
                "mcp.reconnect",
                {"name": name, "personalityId": personality_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def server_tools(
        self,
        personality_id: str,
        server_name: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ServerToolPage:
        """One page of the tools an MCP server offers to a personality.

        Args:
            personality_id: the personality using the server.
            server_name: the configured server.
            limit: page size, 1 to 500.
            cursor: ``nextCursor`` of the previous page.

        ``result["available"]`` is ``False`` when the tools could not be
        listed. :meth:`server_tools_all` walks every page for you.

        ``mcp.serverTools`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ServerToolPage",
            self._call(
                "mcp.serverTools",
                {
                    "personalityId": personality_id,
                    "serverName": server_name,
                    "limit": limit,
                    "cursor": cursor,
                },
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def server_tools_all(
        self,
        personality_id: str,
        server_name: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageIterator[ServerTool]:
        """Every tool of an MCP server, fetching pages of ``limit`` as the loop needs them::

            for tool in client.mcp.server_tools_all(personality_id, "github"):
                print(tool["name"])
        """

        def fetch(cursor: str | None) -> ServerToolPage:
            return self.server_tools(
                personality_id,
                server_name,
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch, items_key="tools")

    def personality_servers(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityServerList:
        """The MCP servers a personality uses, with the state of each one's credentials.

        ``mcp.personalityServers`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalityServerList",
            self._call(
                "mcp.personalityServers",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def add_server(
        self,
        server: ServerConfig,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AddServerResult:
        """Add an MCP server described by hand (no OAuth), sent to the server as given::

            client.mcp.add_server({"transport": "stdio", "name": "files",
                                   "command": "mcp-files", "args": ["--root", "."]})
            client.mcp.add_server({"transport": "streamable-http", "name": "search",
                                   "url": "https://example.com/mcp",
                                   "authType": "bearer", "token": token})

        A refusal is returned, not raised: check ``result["ok"]`` and, when it
        is ``False``, ``result["code"]``.

        Args:
            server: a :class:`~ethos_sdk.types.mcp.StdioServerConfig`,
                :class:`~ethos_sdk.types.mcp.StreamableHttpServerConfig` or
                :class:`~ethos_sdk.types.mcp.SseServerConfig`, with the wire's keys.

        ``mcp.addServer`` · experimental · cookie authentication only (API keys get 403).
        """
        if not isinstance(server, Mapping):
            raise TypeError(
                "server must be a dict describing the MCP server, such as "
                '{"transport": "stdio", "name": ..., "command": ...}; '
                f"got {type(server).__name__}"
            )
        return cast(
            "AddServerResult",
            self._call(
                "mcp.addServer",
                server,
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def refresh_token(
        self,
        server_name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TokenRefresh:
        """Refresh the OAuth token of an MCP server now.

        A failure is returned, not raised: ``result["ok"]`` is ``False`` and
        ``result["error"]`` says why.

        ``mcp.refreshToken`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TokenRefresh",
            self._call(
                "mcp.refreshToken",
                {"serverName": server_name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def rename(
        self,
        old_name: str,
        new_name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Rename an MCP server.

        Args:
            old_name: the server's current name.
            new_name: its new name, 1 to 64 characters.

        ``mcp.rename`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "mcp.rename",
                {"oldName": old_name, "newName": new_name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update_token(
        self,
        server_name: str,
        token: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Replace the token an MCP server is called with.

        ``mcp.updateToken`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "mcp.updateToken",
                {"serverName": server_name, "token": token},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def scope_status(
        self,
        server_name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ScopeStatus:
        """Compare the scopes an MCP server's token really has with the ones it declared.

        ``mcp.scopeStatus`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ScopeStatus",
            self._call(
                "mcp.scopeStatus",
                {"serverName": server_name},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def validate_config(
        self,
        transport: MCPTransport,
        *,
        url: str | NotGiven = NOT_GIVEN,
        command: str | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ConfigValidation:
        """Check an MCP server description before adding it; nothing is saved.

        Args:
            transport: ``"streamable-http"``, ``"sse"`` or ``"stdio"``.
            url: the address of an HTTP server.
            command: the command of a ``stdio`` server.
            name: the name it would be saved under.

        ``mcp.validateConfig`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ConfigValidation",
            self._call(
                "mcp.validateConfig",
                {"transport": transport, "url": url, "command": command, "name": name},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
