"""Types of the ``kanban`` namespace: agent teams, their boards, tasks, comments and runs."""

# No ``from __future__ import annotations`` here, so that ``TypedDict``
# reads required and optional keys right; types are defined before use.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = [
    "DispatchMode",
    "TeamHealth",
    "KanbanTaskStatus",
    "Team",
    "TeamList",
    "KanbanTask",
    "KanbanTaskResult",
    "TaskLink",
    "BoardEvent",
    "MemberStats",
    "Board",
    "BoardResult",
    "Agent",
    "AgentList",
    "Comment",
    "CommentResult",
    "RunCompleter",
    "TaskRun",
    "KanbanTaskDetail",
]

DispatchMode: TypeAlias = Literal["coordinator", "self-routing", "broadcast"]
"""How a team hands out its tasks."""

TeamHealth: TypeAlias = Literal["running", "stopped", "stale"]

KanbanTaskStatus: TypeAlias = Literal[
    "todo",
    "ready",
    "running",
    "blocked",
    "done",
    "archived",
    "scheduled",
    "failed",
    "needs_revision",
]
"""The column a task sits in."""


class Team(TypedDict):
    """A team of agents sharing a board."""

    name: str
    description: str
    dispatchMode: DispatchMode
    health: TeamHealth
    memberCount: int
    runningCount: int
    boardModifiedAt: Optional[str]


class TeamList(TypedDict):
    """The answer of ``kanban.list``."""

    teams: List[Team]


class KanbanTask(TypedDict):
    """A task on a team's board."""

    id: str
    title: str
    body: str
    status: KanbanTaskStatus
    assignee: Optional[str]
    priority: int
    workspaceMode: Literal["scratch", "worktree", "dir"]
    workspacePath: Optional[str]
    scheduledFor: Optional[str]
    currentRunId: Optional[str]
    retryCount: int
    maxRetries: Optional[int]
    acceptanceCriteria: Optional[str]
    createdAt: str
    updatedAt: str


class KanbanTaskResult(TypedDict):
    """The task after a change (``create_task``, ``update_status``, ``assign``)."""

    task: KanbanTask


class TaskLink(TypedDict):
    """A parent task and one of its child tasks."""

    parentId: str
    childId: str


class BoardEvent(TypedDict):
    """Something that happened to a task on the board."""

    id: int
    taskId: str
    kind: Literal[
        "created",
        "status_changed",
        "commented",
        "assigned",
        "linked",
        "unlinked",
        "run_started",
        "run_completed",
        "heartbeat",
        "archived",
    ]
    actor: str
    data: Dict[str, Any]
    createdAt: str


class MemberStats(TypedDict):
    """How one team member's tickets went."""

    teamId: str
    memberId: str
    ticketsCompleted: int
    ticketsFailed: int
    ticketsOrphaned: int
    lastUpdatedAt: str


class Board(TypedDict):
    """A team's board: its tasks, how they link, recent events and member statistics."""

    team: Team
    tasks: List[KanbanTask]
    links: List[TaskLink]
    recentEvents: List[BoardEvent]
    memberStats: List[MemberStats]


class BoardResult(TypedDict):
    """The answer of ``kanban.getBoard``."""

    board: Board


class Agent(TypedDict):
    """An agent of a team, and whether it is online."""

    personalityId: str
    displayName: str
    agentId: str
    online: bool


class AgentList(TypedDict):
    """The answer of ``kanban.listAgents``."""

    agents: List[Agent]


class Comment(TypedDict):
    """A comment on a task."""

    id: str
    taskId: str
    author: str
    body: str
    createdAt: str


class CommentResult(TypedDict):
    """The comment ``kanban.addComment`` has just added."""

    comment: Comment


class RunCompleter(TypedDict):
    """Who completed a run."""

    id: str
    name: str


class TaskRun(TypedDict):
    """One run of a task by an agent, and how it ended."""

    id: str
    taskId: str
    startedAt: str
    endedAt: Optional[str]
    outcome: Optional[Literal["completed", "blocked", "stalled", "cancelled"]]
    summary: Optional[str]
    lastHeartbeatAt: str
    completedBy: Optional[RunCompleter]


class KanbanTaskDetail(TypedDict):
    """A task with its comments and runs, as ``kanban.getTask`` returns it."""

    task: KanbanTask
    comments: List[Comment]
    runs: List[TaskRun]
