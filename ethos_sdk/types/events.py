"""The events of a session's stream (``client.events(session_id)``), one ``TypedDict`` each.

Every event is a plain ``dict`` with a ``"type"`` key. Comparing that key
narrows the union for a type checker::

    for event in client.events(session_id):
        if event["type"] == "text_delta":
            print(event["text"], end="")      # event is a TextDeltaEvent here
        elif event["type"] == "done":
            print("\\n", event["turnCount"], "turns so far")

Events the SDK does not know yet (a newer server) are still delivered, as the
plain dict the server sent; test ``event["type"] in KNOWN_EVENT_TYPES`` to tell
them apart. Nothing is validated on the way in: a key a newer server adds
passes through untouched.
"""

from typing import Any, Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypedDict

__all__ = [
    "Audience",
    "TextDeltaEvent",
    "ThinkingDeltaEvent",
    "ToolStartEvent",
    "ToolProgressEvent",
    "ToolEndEvent",
    "UsageEvent",
    "ContextMetaEvent",
    "DoneEvent",
    "ErrorEvent",
    "MessagePersistedEvent",
    "ApprovalRequest",
    "ToolApprovalRequiredEvent",
    "ApprovalResolvedEvent",
    "ClarifyRequestEvent",
    "RunUpdateEvent",
    "ClarifyResolvedEvent",
    "CronFiredEvent",
    "MeshAgent",
    "MeshChangedEvent",
    "EvolveSkillPendingEvent",
    "EvolveSkillAppliedEvent",
    "NotificationEvent",
    "MemoryCapturedEvent",
    "PlannedToolCall",
    "DryRunSummaryEvent",
    "RunStartEvent",
    "StreamMeta",
    "ProtocolUpgradeRequiredEvent",
    "StreamEvent",
    "KNOWN_EVENT_TYPES",
    "TURN_END_TYPES",
]

Audience = Literal["internal", "user", "dashboard"]
"""Who a tool's output is meant for."""


# -- a turn ---------------------------------------------------------------------


class RunStartEvent(TypedDict):
    """A turn started. Everything until the next ``done`` or ``error`` belongs to it."""

    type: Literal["run_start"]
    provider: str
    model: str
    source: Literal["team-coordinator", "team-personality", "personality", "global"]
    """Where the model choice came from."""
    traceId: NotRequired[str]
    """The turn's trace id; ``done`` carries the same one."""


class TextDeltaEvent(TypedDict):
    """The next piece of the assistant's reply."""

    type: Literal["text_delta"]
    text: str


class ThinkingDeltaEvent(TypedDict):
    """The next piece of the model's reasoning, for models that show it."""

    type: Literal["thinking_delta"]
    thinking: str


class ToolStartEvent(TypedDict):
    """The agent called a tool; ``tool_end`` with the same ``toolCallId`` follows."""

    type: Literal["tool_start"]
    toolCallId: str
    toolName: str
    args: Any
    """The tool's arguments, as the model wrote them (any JSON)."""
    audience: NotRequired[Audience]


class ToolProgressEvent(TypedDict):
    """A running tool reports progress."""

    type: Literal["tool_progress"]
    toolName: str
    message: str
    percent: NotRequired[float]
    """0 to 100."""
    audience: Audience


class ToolEndEvent(TypedDict):
    """A tool call finished."""

    type: Literal["tool_end"]
    toolCallId: str
    toolName: str
    ok: bool
    durationMs: float
    audience: NotRequired[Audience]
    result: NotRequired[str]
    """What the tool returned, as text."""
    structured: NotRequired[Dict[str, Any]]


class UsageEvent(TypedDict):
    """Tokens used by one model call of the turn (a turn with tools makes several)."""

    type: Literal["usage"]
    inputTokens: int
    outputTokens: int
    estimatedCostUsd: float


class ContextMetaEvent(TypedDict):
    """What went into the model's context for this turn."""

    type: Literal["context_meta"]
    data: Dict[str, Any]


class DoneEvent(TypedDict):
    """The turn ended; ``text`` is the whole reply (the partial one after ``chat.abort``)."""

    type: Literal["done"]
    text: str
    turnCount: int
    """How many turns the session has had, this one included."""
    traceId: NotRequired[str]


class ErrorEvent(TypedDict):
    """The turn failed."""

    type: Literal["error"]
    error: str
    """What went wrong, for a person."""
    code: str


class MessagePersistedEvent(TypedDict):
    """A message of the conversation was saved."""

    type: Literal["message_persisted"]
    messageId: str
    role: Literal["user", "assistant", "tool_result", "system", "user_steer"]


class PlannedToolCall(TypedDict):
    """One tool call a dry run planned."""

    toolCallId: str
    toolName: str
    args: Any


class DryRunSummaryEvent(TypedDict):
    """What a dry-run turn would have done."""

    type: Literal["dry_run_summary"]
    plan: List[PlannedToolCall]
    capped: int


# -- pushed at any time -----------------------------------------------------------


class ApprovalRequest(TypedDict):
    """A tool call waiting for someone to allow or deny it."""

    approvalId: str
    sessionId: str
    toolCallId: str
    toolName: str
    args: Any
    reason: Optional[str]


class ToolApprovalRequiredEvent(TypedDict):
    """A tool call needs approval before it runs."""

    type: Literal["tool.approval_required"]
    request: ApprovalRequest


class ApprovalResolvedEvent(TypedDict):
    """An approval request was answered."""

    type: Literal["approval.resolved"]
    approvalId: str
    decision: Literal["allow", "deny"]
    decidedBy: str


class ClarifyRequestEvent(TypedDict):
    """The agent asks the user a question (answer with ``client.clarify``)."""

    type: Literal["clarify.request"]
    requestId: str
    question: str
    options: NotRequired[List[str]]
    default: NotRequired[str]
    jobId: NotRequired[str]
    defaultDeadlineAt: Optional[str]
    """When the default answer is taken, if there is a deadline."""


class ClarifyResolvedEvent(TypedDict):
    """A question was answered, timed out or cancelled."""

    type: Literal["clarify.resolved"]
    requestId: str
    source: Literal["user", "timeout-default", "timeout-no-default", "cancel"]


class RunUpdateEvent(TypedDict):
    """Progress of a background job."""

    type: Literal["run.update"]
    jobId: str
    runner: str
    status: Literal["queued", "running", "blocked", "done", "failed", "aborted", "stale", "expired"]
    now: str
    elapsedMs: float
    spendUsd: float
    toolCount: int


class CronFiredEvent(TypedDict):
    """A scheduled job ran."""

    type: Literal["cron.fired"]
    jobId: str
    ranAt: str
    outputPath: Optional[str]
    sessionKey: NotRequired[str]


class MeshAgent(TypedDict):
    agentId: str
    capabilities: List[str]
    activeSessions: int


class MeshChangedEvent(TypedDict):
    """The set of agents in the mesh changed."""

    type: Literal["mesh.changed"]
    agents: List[MeshAgent]


class EvolveSkillPendingEvent(TypedDict):
    """A learned skill awaits review."""

    type: Literal["evolve.skill_pending"]
    skillId: str
    personalityId: Optional[str]
    proposedAt: str


class EvolveSkillAppliedEvent(TypedDict):
    """A learned skill was applied."""

    type: Literal["evolve.skill_applied"]
    skillId: str
    personalityId: Optional[str]
    appliedAt: str


class NotificationEvent(TypedDict):
    """A message for the user."""

    type: Literal["notification"]
    message: str
    source: NotRequired[str]


class MemoryCapturedEvent(TypedDict):
    """The agent saved something to memory."""

    type: Literal["memory.captured"]
    summary: str


class ProtocolUpgradeRequiredEvent(TypedDict):
    """The server expects a newer client."""

    type: Literal["protocol.upgrade_required"]
    serverVersion: str
    clientVersionExpected: str


class StreamMeta(TypedDict):
    """The first frame of every connection (it has no id).

    :class:`~ethos_sdk.EventStream` keeps its ``requestId`` as
    ``stream.request_id`` and yields the frame only when asked to
    (``include_meta=True``). It is written just before the server registers the
    subscriber, so once it has arrived, live events will not be missed.
    """

    type: Literal["stream_meta"]
    requestId: str


StreamEvent = Union[
    TextDeltaEvent,
    ThinkingDeltaEvent,
    ToolStartEvent,
    ToolProgressEvent,
    ToolEndEvent,
    UsageEvent,
    ContextMetaEvent,
    DoneEvent,
    ErrorEvent,
    MessagePersistedEvent,
    ToolApprovalRequiredEvent,
    ApprovalResolvedEvent,
    ClarifyRequestEvent,
    RunUpdateEvent,
    ClarifyResolvedEvent,
    CronFiredEvent,
    MeshChangedEvent,
    EvolveSkillPendingEvent,
    EvolveSkillAppliedEvent,
    NotificationEvent,
    MemoryCapturedEvent,
    DryRunSummaryEvent,
    RunStartEvent,
    StreamMeta,
    ProtocolUpgradeRequiredEvent,
]
"""Any event of the stream, tagged by ``"type"``.

At run time an event whose type is not in :data:`KNOWN_EVENT_TYPES` is also
delivered, as the plain dict the server sent; code that must handle it keeps
an ``else`` branch that reads it with ``.get()``.
"""

KNOWN_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "text_delta",
        "thinking_delta",
        "tool_start",
        "tool_progress",
        "tool_end",
        "usage",
        "context_meta",
        "done",
        "error",
        "message_persisted",
        "tool.approval_required",
        "approval.resolved",
        "clarify.request",
        "run.update",
        "clarify.resolved",
        "cron.fired",
        "mesh.changed",
        "evolve.skill_pending",
        "evolve.skill_applied",
        "notification",
        "memory.captured",
        "dry_run_summary",
        "run_start",
        "stream_meta",
        "protocol.upgrade_required",
    }
)
"""The ``"type"`` of every event this version of the SDK has a ``TypedDict`` for."""

TURN_END_TYPES: frozenset[str] = frozenset({"done", "error"})
"""The event types that end a turn."""
