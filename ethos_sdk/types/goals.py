"""Types of the ``goals`` namespace: long-running goals, their attempts and verdicts."""

# No ``from __future__ import annotations`` here: with string annotations
# ``TypedDict`` cannot see ``NotRequired`` and would list every key in
# ``__required_keys__``. Types are therefore defined before they are used.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "GoalStatus",
    "Goal",
    "GoalList",
    "GoalResult",
    "GoalEvent",
    "CriterionVerdict",
    "Verdict",
    "GoalAttempt",
    "GoalDetail",
    "AcceptanceCheck",
    "RubricItem",
    "AcceptanceCriteria",
    "OkResult",
    "ToolResult",
]

GoalStatus: TypeAlias = Literal[
    "planning",
    "running",
    "judging",
    "retrying",
    "needs_clarification",
    "completed",
    "exhausted",
    "failed",
    "cancelled",
    "interrupted",
]
"""Where a goal stands, from planning to a final state."""


class Goal(TypedDict):
    """A goal the agent works towards across attempts, with its limits and results so far."""

    id: str
    userId: str
    personalityId: str
    origin: str
    sourceSession: Optional[str]
    title: str
    goalText: str
    """What was asked, in the user's words."""
    acceptanceCriteria: Optional[Any]
    """The criteria given at creation (see :class:`AcceptanceCriteria`), if any."""
    planMd: Optional[str]
    """The plan, in Markdown, once one is made."""
    status: GoalStatus
    maxAttempts: int
    maxCostUsd: Optional[float]
    deadline: Optional[str]
    outputMd: Optional[str]
    """The result, in Markdown."""
    outputPartial: Optional[str]
    errorText: Optional[str]
    startedAt: float
    completedAt: Optional[float]
    resumeCount: int
    turnCount: Optional[int]
    toolCount: Optional[int]
    tokenCount: Optional[int]
    costUsd: Optional[float]
    maxToolCallsPerTurn: NotRequired[Optional[int]]
    maxIdenticalToolCalls: NotRequired[Optional[int]]
    allowDangerousToolCalls: NotRequired[Optional[bool]]
    maxRecoveryAttempts: NotRequired[Optional[int]]


class GoalList(TypedDict):
    """The answer of ``goals.list``."""

    goals: List[Goal]


class GoalResult(TypedDict):
    """The goal ``goals.create`` has just made."""

    goal: Goal


class GoalEvent(TypedDict):
    """One entry of a goal's history."""

    id: int
    goalId: str
    seq: int
    eventType: Literal[
        "run_start",
        "plan_start",
        "plan_ready",
        "attempt_start",
        "turn_text",
        "tool_start",
        "tool_end",
        "steer",
        "usage",
        "complete_attempt",
        "complete_rejected",
        "error",
        "done",
    ]
    payload: Dict[str, Any]
    createdAt: float


CriterionVerdict = TypedDict(
    "CriterionVerdict",
    {
        "id": str,
        "pass": NotRequired[bool],
        "score": NotRequired[float],
        "evidence": str,
        "gap": NotRequired[str],
    },
)
"""How an attempt fared against one criterion (``pass`` is a Python keyword: read it as ``v["pass"]``)."""


class Verdict(TypedDict):
    """The judgement of one attempt: an overall score and one verdict per criterion."""

    score: float
    perCriterion: List[CriterionVerdict]


class GoalAttempt(TypedDict):
    """One try at a goal, with its output and, once judged, its verdict."""

    id: str
    goalId: str
    n: int
    """The attempt's number."""
    sessionKey: str
    outputMd: Optional[str]
    artifacts: Optional[Any]
    verdict: Optional[Verdict]
    strategyUsed: Literal["first", "patch", "pivot"]
    costUsd: Optional[float]
    traceId: Optional[str]
    startedAt: float
    completedAt: Optional[float]


class GoalDetail(TypedDict):
    """A goal with its event history and attempts, as ``goals.get`` returns it."""

    goal: Goal
    events: List[GoalEvent]
    attempts: List[GoalAttempt]


class AcceptanceCheck(TypedDict):
    """One check the result must pass."""

    description: str


class RubricItem(TypedDict):
    """One weighted point of the scoring rubric."""

    description: str
    weight: float


class AcceptanceCriteria(TypedDict):
    """How a goal's attempts are judged: checks, a weighted rubric and a passing threshold."""

    checks: NotRequired[List[AcceptanceCheck]]
    rubric: NotRequired[List[RubricItem]]
    threshold: NotRequired[float]


class OkResult(TypedDict):
    """The answer of ``goals.steer``, ``goals.cancel`` and ``goals.resume``."""

    ok: bool


class ToolResult(TypedDict):
    """A tool call of a goal, looked up by id: ``found`` says whether it was; the other keys may be absent."""

    found: bool
    toolName: NotRequired[str]
    input: NotRequired[str]
    output: NotRequired[str]
