"""``client.kanban``: the boards of agent teams — list teams, read boards, create, move and assign tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.kanban import (
        AgentList,
        BoardResult,
        CommentResult,
        KanbanTaskDetail,
        KanbanTaskResult,
        KanbanTaskStatus,
        TeamList,
    )

__all__ = ["Kanban"]


class Kanban(Namespace):
    """The ``kanban`` procedures (experimental)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TeamList:
        """Every team, with its dispatch mode, health and member counts.

        ``kanban.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TeamList",
            self._call(
                "kanban.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_board(
        self,
        team: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BoardResult:
        """A team's board: its tasks, the links between them, recent events and member statistics.

        Args:
            team: the team's name.

        ``kanban.getBoard`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "BoardResult",
            self._call(
                "kanban.getBoard",
                {"team": team},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update_status(
        self,
        team: str,
        task_id: str,
        status: KanbanTaskStatus,
        *,
        reason: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> KanbanTaskResult:
        """Move a task to another column of the board, e.g. ``"ready"`` or ``"done"``.

        Args:
            team: the team's name.
            task_id: the task.
            status: the new status.
            reason: why, in a few words.

        ``kanban.updateStatus`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "KanbanTaskResult",
            self._call(
                "kanban.updateStatus",
                {"team": team, "taskId": task_id, "status": status, "reason": reason},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create_task(
        self,
        team: str,
        title: str,
        *,
        body: str | NotGiven = NOT_GIVEN,
        priority: int | NotGiven = NOT_GIVEN,
        assignee: str | NotGiven = NOT_GIVEN,
        acceptance_criteria: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> KanbanTaskResult:
        """Put a new task on a team's board.

        Args:
            team: the team's name.
            title: the task's title.
            body: what the task is about.
            priority: 0 to 9; the server uses 0 when left out.
            assignee: who should do it.
            acceptance_criteria: what counts as done.

        ``kanban.createTask`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "KanbanTaskResult",
            self._call(
                "kanban.createTask",
                {
                    "team": team,
                    "title": title,
                    "body": body,
                    "priority": priority,
                    "assignee": assignee,
                    "acceptanceCriteria": acceptance_criteria,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_agents(
        self,
        team: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AgentList:
        """The agents of a team and whether each is online.

        Args:
            team: the team's name.

        ``kanban.listAgents`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "AgentList",
            self._call(
                "kanban.listAgents",
                {"team": team},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def assign(
        self,
        team: str,
        task_id: str,
        assignee: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> KanbanTaskResult:
        """Give a task to someone on the team.

        Args:
            team: the team's name.
            task_id: the task.
            assignee: who should do it.

        ``kanban.assign`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "KanbanTaskResult",
            self._call(
                "kanban.assign",
                {"team": team, "taskId": task_id, "assignee": assignee},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_task(
        self,
        team: str,
        task_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> KanbanTaskDetail:
        """One task of a team's board, with its comments and runs.

        Args:
            team: the team's name.
            task_id: the task.

        ``kanban.getTask`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "KanbanTaskDetail",
            self._call(
                "kanban.getTask",
                {"team": team, "taskId": task_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def add_comment(
        self,
        team: str,
        task_id: str,
        body: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CommentResult:
        """Comment on a task.

        Args:
            team: the team's name.
            task_id: the task.
            body: the comment's text.

        ``kanban.addComment`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CommentResult",
            self._call(
                "kanban.addComment",
                {"team": team, "taskId": task_id, "body": body},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
