"""``client.admin``: the operator's view of channels, providers and MCP servers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.admin import AdminStatus, McpAuthType, OkResult, ProviderCheck, TestSendResult

__all__ = ["Admin"]


class Admin(Namespace):
    """The ``admin`` procedures (no stability tier is marked)."""

    def get_status(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AdminStatus:
        """The state of every messaging channel, model provider and MCP server.

        ``admin.getStatus`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "AdminStatus",
            self._call(
                "admin.getStatus",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def rotate_key(
        self,
        provider: str,
        key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Replace a model provider's API key.

        Args:
            provider: the provider's ``id`` (see :meth:`get_status`).
            key: the new key.

        ``admin.rotateKey`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "admin.rotateKey",
                {"provider": provider, "key": key},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def check_provider(
        self,
        provider: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ProviderCheck:
        """Ask a model provider for an answer now; returns whether it came and how fast.

        ``admin.checkProvider`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "ProviderCheck",
            self._call(
                "admin.checkProvider",
                {"provider": provider},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def test_send(
        self,
        channel: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TestSendResult:
        """Send a test message through a channel; ``error`` in the result says why it failed.

        Args:
            channel: the channel's ``id`` (see :meth:`get_status`).

        ``admin.testSend`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "TestSendResult",
            self._call(
                "admin.testSend",
                {"channel": channel},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def add_mcp_server(
        self,
        name: str,
        url: str,
        auth_type: McpAuthType,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Add an MCP server by name and address.

        Args:
            name: the name to know the server by.
            url: the server's address.
            auth_type: ``"none"``, ``"bearer"`` or ``"oauth"``.

        ``admin.addMcpServer`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "admin.addMcpServer",
                {"name": name, "url": url, "authType": auth_type},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def remove_mcp_server(
        self,
        name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove an MCP server by name.

        ``admin.removeMcpServer`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "admin.removeMcpServer",
                {"name": name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
