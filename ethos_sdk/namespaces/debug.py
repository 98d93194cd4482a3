"""``client.debug``: the debug-panel chat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.debug import DebugReply

__all__ = ["Debug"]


class Debug(Namespace):
    """The ``debug`` procedures (no stability tier is marked)."""

    def chat(
        self,
        main_session_id: str,
        message: str,
        *,
        client_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DebugReply:
        """Ask the debug agent about a session and wait for its whole answer.

        Unlike ``chat.send``, the reply comes back in ``response`` rather than
        on the event stream.

        Args:
            main_session_id: the session being debugged.
            message: what to ask.
            client_id: the id this client reports.

        ``debug.chat`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "DebugReply",
            self._call(
                "debug.chat",
                {"mainSessionId": main_session_id, "message": message, "clientId": client_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
