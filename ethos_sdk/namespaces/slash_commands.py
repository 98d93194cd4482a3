"""``client.slash_commands``: the commands the chat box offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.slash_commands import SlashCommandList

__all__ = ["SlashCommands"]


class SlashCommands(Namespace):
    """The ``slashCommands`` procedures (no stability tier is marked)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlashCommandList:
        """Every ``/command`` available, built in or added by plugins, with its usage.

        ``slashCommands.list`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "SlashCommandList",
            self._call(
                "slashCommands.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
