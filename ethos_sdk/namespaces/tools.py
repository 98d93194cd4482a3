"""``client.tools``: approve or deny the tool calls waiting for you, and list the tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.tools import ApprovalScope, Ok, ToolCatalog

__all__ = ["Tools"]


class Tools(Namespace):
    """The ``tools`` procedures (experimental).

    When a tool call needs your approval, the server pushes a
    ``tool.approval_required`` event on the session's stream; answer it with
    :meth:`approve` or :meth:`deny`.

    Experimental is the contract's tier: these procedures may change in a later
    server version. Unlike the other experimental namespaces they are not
    refused to API keys: a key with the scope ``tools:approve`` may call all
    three, and so may the web cookie.
    """

    def approve(
        self,
        approval_id: str,
        client_id: str,
        scope: ApprovalScope,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Let a waiting tool call run.

        Args:
            approval_id: the id of the approval request, from its
                ``tool.approval_required`` event.
            client_id: the id this client reports; ``client.client_id`` is the
                one :meth:`Chat.send <ethos_sdk.namespaces.chat.Chat.send>` uses.
            scope: ``"once"`` for this call only, ``"exact-args"`` for the same
                tool with the same arguments, ``"any-args"`` for the same tool
                with any arguments.

        ``tools.approve`` · experimental · API keys need scope ``tools:approve``.
        """
        return cast(
            "Ok",
            self._call(
                "tools.approve",
                {"approvalId": approval_id, "clientId": client_id, "scope": scope},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def deny(
        self,
        approval_id: str,
        client_id: str,
        *,
        reason: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Refuse a waiting tool call.

        Args:
            approval_id: the id of the approval request, from its
                ``tool.approval_required`` event.
            client_id: the id this client reports (``client.client_id``).
            reason: why the call is refused.

        ``tools.deny`` · experimental · API keys need scope ``tools:approve``.
        """
        return cast(
            "Ok",
            self._call(
                "tools.deny",
                {"approvalId": approval_id, "clientId": client_id, "reason": reason},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def catalog(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ToolCatalog:
        """Every tool the server offers, in named groups, with their descriptions.

        It changes nothing, so it is retried like any read, although API keys
        need the same scope as for approving tool calls.

        ``tools.catalog`` · experimental · API keys need scope ``tools:approve``.
        """
        return cast(
            "ToolCatalog",
            self._call(
                "tools.catalog",
                {},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
