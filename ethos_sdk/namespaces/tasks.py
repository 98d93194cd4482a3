"""``client.tasks``: follow and cancel the background tasks the agent runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, FrozenSet, List, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from .._client import EthosClient
    from ..types.tasks import CancelResult, Task, TaskDetail

__all__ = ["Tasks"]


class Tasks(Namespace):
    """The ``tasks`` procedures (experimental)."""

    FINAL_STATUSES: FrozenSet[str] = frozenset({"done", "failed", "aborted", "stale", "expired"})
    """The statuses after which a task no longer moves by itself.

    ``"stale"`` (its runner stopped sending heartbeats) is among them: the
    server never resumes such a task on its own. ``"blocked"`` is not: the task
    waits for a person's answer and goes on once it has it.
    """

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

    def wait(
        self,
        task_id: str,
        *,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[TaskDetail], None]] = None,
    ) -> TaskDetail:
        """Wait until a background task has ended; return it as :meth:`get` does.

        Returns once ``task["status"]`` is final: ``"done"`` (``summary`` holds
        the outcome), ``"failed"``, ``"aborted"`` (cancelled, or over its
        spending limit), ``"stale"`` (its runner stopped answering; nothing
        resumes it by itself) or ``"expired"`` (never started); ``error`` says
        why for all but ``"done"``. A ``"blocked"`` task waits for a person's
        answer: the wait goes on (``on_progress`` shows it). The server has no
        event stream for tasks, so the task is read again and again: often at
        first and after each change (0.5 s apart at least), then every 5 s at
        most::

            task = client.tasks.wait(task_id, timeout=900,
                                     on_progress=lambda t: print(t["status"]))
            print(task["summary"])

        Args:
            task_id: the task.
            timeout: seconds to wait in all, reads included: each read gets
                what is left, and a read that fails in a way that may pass
                (429, 5xx, a dropped connection) is tried again until then.
                ``None`` (default): as long as it takes.
            on_progress: called with the task each time it changed since the
                last read (its status, a new event, its spending...), and once
                with the first read. Changes between two reads are seen together.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (the message names the
                last read's failure, if it failed); ``last_status`` says
                where the task was (it goes on on the server).
            NotFoundError: there is no such task.

        ``tasks.get`` · experimental · cookie authentication only (API keys get 403).
        """
        from .._waiting import wait_until_final
        from ..errors import NotFoundError

        def read(client: EthosClient) -> TaskDetail:
            task = client.tasks.get(task_id)
            if task is None:
                raise NotFoundError(
                    f"there is no task {task_id!r}",
                    status=404,
                    hint="client.tasks.list() shows the tasks",
                )
            return task

        return wait_until_final(
            self._client,
            read,
            ("status",),
            self.FINAL_STATUSES,
            procedure="tasks.get",
            what=f"task {task_id}",
            timeout=timeout,
            on_progress=on_progress,
        )
