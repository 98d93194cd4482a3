"""Types of the ``tasks`` namespace: background jobs the agent runs on its own."""

# No ``from __future__ import annotations`` here: with string annotations
# ``TypedDict`` cannot see ``NotRequired`` and would list every key in
# ``__required_keys__``. Types are therefore defined before they are used.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "TaskStatus",
    "Task",
    "TaskEvent",
    "TaskDetailRow",
    "RunnerCapabilities",
    "TaskDetail",
    "CancelResult",
]

TaskStatus: TypeAlias = Literal[
    "queued", "running", "blocked", "done", "failed", "aborted", "stale", "expired"
]
"""Where a background task stands."""


class Task(TypedDict):
    """One background task, as ``tasks.list`` lists it."""

    id: str
    status: TaskStatus
    label: Optional[str]
    personalityId: Optional[str]
    spendUsd: float
    """What the task has cost so far, in US dollars."""
    maxCostUsd: Optional[float]
    """The spending limit of the task, if it has one."""
    depth: int
    createdAt: float
    startedAt: Optional[float]
    finishedAt: Optional[float]
    heartbeatAt: Optional[float]
    owner: str
    rootSessionKey: str
    parentSessionKey: str
    runner: Optional[str]


class TaskEvent(TypedDict):
    """One entry of a task's history."""

    id: int
    jobId: str
    seq: int
    eventType: Literal[
        "queued",
        "claimed",
        "running",
        "heartbeat",
        "spend",
        "cancel_requested",
        "tool_headline",
        "tool_end",
        "text",
        "blocked",
        "resumed",
        "artifact_change",
        "done",
        "failed",
        "aborted",
        "stale",
        "expired",
        "recovered",
    ]
    payload: Dict[str, Any]
    createdAt: float


class TaskDetailRow(TypedDict):
    """A labelled value shown beside a task."""

    label: str
    value: str
    tone: NotRequired[Literal["accent", "safe", "warn"]]


class RunnerCapabilities(TypedDict):
    """What the runner of a task supports."""

    interactionKinds: List[str]
    answerScopes: List[Literal["once", "run", "always"]]
    takeover: Literal["pty", "none"]
    resume: Literal["session", "fork", "none"]
    steer: bool
    sandbox: Literal["process", "external", "none"]
    transport: str


class TaskDetail(Task):
    """One task with its prompt, outcome and history, as ``tasks.get`` returns it."""

    prompt: str
    summary: Optional[str]
    error: Optional[str]
    events: List[TaskEvent]
    childSessionKey: str
    originPlatform: Optional[str]
    originChatId: Optional[str]
    blockedRequestId: Optional[str]
    detailRows: List[TaskDetailRow]
    capabilities: Optional[RunnerCapabilities]


class CancelResult(TypedDict):
    """The answer of ``tasks.cancel``."""

    ok: bool
