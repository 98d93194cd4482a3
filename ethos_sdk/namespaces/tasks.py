"""``client.tasks``: follow and cancel the background tasks the agent runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.tasks import CancelResult, Task, TaskDetail

__all__ = ["Tasks"]


class Tasks(Namespace):
    """The ``tasks`` procedures (experimental)."""

    def list(
        self,
        *,
        root_session_key: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> List[Task]:
        """The background tasks, as a plain list (there is no page to walk).

        Args:
            root_session_key: only the tasks started from the conversation
                with this session key.

        ``tasks.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "List[Task]",
            self._call(
                "tasks.list",
                {"rootSessionKey": root_session_key},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Optional[TaskDetail]:
        """One task with its prompt, outcome and event history, or ``None`` if there is no such task.

        ``tasks.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Optional[TaskDetail]",
            self._call(
                "tasks.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def cancel(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelResult:
        """Ask a background task to stop.

        ``tasks.cancel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CancelResult",
            self._call(
                "tasks.cancel",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
