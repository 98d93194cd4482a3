"""Types of the ``sessions`` namespace: conversations, their messages and cards."""

from typing import Any, Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "SessionUsage",
    "Session",
    "SessionPage",
    "SessionResult",
    "Ok",
    "DeleteResult",
    "ToolCall",
    "Message",
    "TextCardPayload",
    "TextCard",
    "CodeCardPayload",
    "CodeCard",
    "AlertCardPayload",
    "AlertCard",
    "DetailField",
    "DetailCardPayload",
    "DetailCard",
    "ListItem",
    "ItemListCardPayload",
    "ItemListCard",
    "TableColumn",
    "DataTableCardPayload",
    "DataTableCard",
    "ChartPoint",
    "ChartSeries",
    "MetricChartCardPayload",
    "MetricChartCard",
    "SuggestedAction",
    "RecommendActionsCardPayload",
    "RecommendActionsCard",
    "CanvasCardPayload",
    "CanvasCard",
    "CardEnvelope",
    "Card",
    "SessionDetail",
    "SessionExport",
    "ContextAnatomy",
    "ContextAnatomyResult",
    "UndoResult",
    "CompactionResult",
]


class SessionUsage(TypedDict):
    """Token and cost totals of a session so far."""

    inputTokens: int
    outputTokens: int
    cacheReadTokens: int
    cacheCreationTokens: int
    estimatedCostUsd: float
    apiCallCount: int
    compactionCount: int


class Session(TypedDict):
    """One conversation, as ``sessions.list`` lists it and ``sessions.get`` heads it."""

    id: str
    key: str
    """The session's routing key, e.g. ``"web:<uuid>"``; forks add ``":fork:<ms>"``."""
    platform: str
    model: str
    provider: str
    personalityId: Optional[str]
    parentSessionId: Optional[str]
    """The session this one was forked from, if any."""
    workingDir: Optional[str]
    title: Optional[str]
    """``None`` until a title is set or generated after the next turn."""
    pinned: bool
    usage: SessionUsage
    createdAt: str
    updatedAt: str
    version: int
    """Increases with each change; pass it as ``expected_version`` to refuse lost updates."""


class SessionPage(TypedDict):
    """One page of ``sessions.list``: pinned sessions first, then the most recently updated."""

    items: List[Session]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""


class SessionResult(TypedDict):
    """The session after a change (``update``, ``pin``, ``unpin``, ``fork``)."""

    session: Session


class Ok(TypedDict):
    """``{"ok": True}``: the server did what was asked.

    Many procedures of other namespaces answer with this same shape and reuse it.
    """

    ok: Literal[True]


DeleteResult: TypeAlias = Ok
"""What ``sessions.delete`` answers: ``{"ok": True}``, the session is gone."""


# -- sessions.get: the transcript -------------------------------------------------


class ToolCall(TypedDict):
    """One tool the assistant asked to run in a message."""

    id: str
    name: str
    input: Any
    """The arguments, as the model wrote them (any JSON)."""


class Message(TypedDict):
    """One message of a session's transcript."""

    id: str
    sessionId: str
    role: Literal["user", "assistant", "tool_result", "system", "user_steer"]
    """``"user_steer"`` is text sent with ``chat.steer`` while a turn was running."""
    content: str
    toolCallId: Optional[str]
    """For a ``tool_result``: the :class:`ToolCall` it answers."""
    toolName: Optional[str]
    toolCalls: Optional[List[ToolCall]]
    """For an ``assistant`` message: the tools it asked to run, if any."""
    timestamp: str


# Cards are the rich results a tool can show beside the chat (tables, charts,
# alerts...). Each kind is one envelope ``{kind, specVersion, payload}``; tell
# them apart by ``card["envelope"]["kind"]``.


class TextCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, if the tool gave one."""
    text: str
    """The body, in Markdown (at most 8,000 characters)."""


class TextCard(TypedDict):
    """A block of text."""

    kind: Literal["text"]
    specVersion: Literal[1]
    payload: TextCardPayload


class CodeCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, often the file name."""
    language: NotRequired[str]
    """The language to highlight it as (``"python"``, ``"sql"``...)."""
    code: str
    """The source itself, without Markdown fences (at most 16,000 characters)."""


class CodeCard(TypedDict):
    """A snippet of code."""

    kind: Literal["code"]
    specVersion: Literal[1]
    payload: CodeCardPayload


class AlertCardPayload(TypedDict):
    severity: Literal["info", "success", "warning", "error"]
    """How serious it is; the web UI picks the icon and colour from it."""
    title: NotRequired[str]
    """A short heading, if any."""
    message: str
    """The notice: a sentence or two (at most 500 characters)."""


class AlertCard(TypedDict):
    """A notice with a severity."""

    kind: Literal["alert"]
    specVersion: Literal[1]
    payload: AlertCardPayload


class DetailField(TypedDict):
    label: str
    """The field's name."""
    value: str
    """Its value, as text to show."""


class DetailCardPayload(TypedDict):
    title: str
    """What the record is."""
    status: NotRequired[str]
    """A one-word state (``"open"``, ``"settled"``...)."""
    fields: List[DetailField]
    """The record's labelled values (1 to 12)."""


class DetailCard(TypedDict):
    """One record shown as labelled fields."""

    kind: Literal["detail"]
    specVersion: Literal[1]
    payload: DetailCardPayload


class ListItem(TypedDict):
    id: str
    """A stable id of the item (not a URL: the web UI makes the link)."""
    name: str
    """The item's main label."""
    status: NotRequired[Literal["ok", "warn", "error", "neutral"]]
    """A coarse state, shown as a coloured dot."""
    meta: NotRequired[str]
    """One short line under the name."""


class ItemListCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, if any."""
    items: List[ListItem]
    """The items (1 to 50), all of one kind of thing."""


class ItemListCard(TypedDict):
    """A list of named items, each with an optional status."""

    kind: Literal["item_list"]
    specVersion: Literal[1]
    payload: ItemListCardPayload


class TableColumn(TypedDict):
    key: str
    """The key of this column's value in each row."""
    label: str
    """The column's header."""
    numeric: NotRequired[bool]
    """Right-aligned, with figures of equal width."""


class DataTableCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, if any."""
    caption: NotRequired[str]
    """A short note under the table, such as where the data comes from."""
    columns: List[TableColumn]
    """The columns (1 to 8), in display order."""
    rows: List[Dict[str, Union[str, float, None]]]
    """The rows (at most 50), each keyed by the columns' ``key``."""
    totals: NotRequired[Dict[str, Union[str, float, None]]]
    """A summary row, keyed like the rows."""


class DataTableCard(TypedDict):
    """A table: columns, rows keyed by column ``key``, optional totals."""

    kind: Literal["data_table"]
    specVersion: Literal[1]
    payload: DataTableCardPayload


class ChartPoint(TypedDict):
    x: Union[str, float]
    """Where the point sits: a category, a number or an ISO date."""
    y: float
    """The measured value."""


class ChartSeries(TypedDict):
    name: str
    """The series' name in the legend."""
    points: List[ChartPoint]
    """Its points in order (1 to 200)."""


class MetricChartCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, if any."""
    suggestedViz: NotRequired[Literal["line", "bar", "area", "scatter"]]
    """The kind of chart the tool suggests; the web UI may draw another."""
    xLabel: NotRequired[str]
    """The x axis' label."""
    yLabel: NotRequired[str]
    """The y axis' label, with the unit."""
    series: List[ChartSeries]
    """The series (1 to 4); they share the axes and the unit."""


class MetricChartCard(TypedDict):
    """A chart of one or more series of points."""

    kind: Literal["metric_chart"]
    specVersion: Literal[1]
    payload: MetricChartCardPayload


class SuggestedAction(TypedDict):
    label: str
    """The short text on the button."""
    prompt: str
    """The exact text put into the chat box when the user picks this action."""


class RecommendActionsCardPayload(TypedDict):
    question: NotRequired[str]
    """What the user is asked to choose."""
    actions: List[SuggestedAction]
    """The follow-ups to pick from (1 to 3); such a card comes last in its turn."""


class RecommendActionsCard(TypedDict):
    """Follow-up prompts the user can pick from."""

    kind: Literal["recommend_actions"]
    specVersion: Literal[1]
    payload: RecommendActionsCardPayload


class CanvasCardPayload(TypedDict):
    title: NotRequired[str]
    """A short heading, if any."""
    html: str
    """The document body, shown in a sandboxed frame."""
    data: NotRequired[Any]
    """Any JSON value handed to the page."""
    libraries: NotRequired[List[Literal["echarts@1"]]]
    """Bundled libraries loaded before the page; the server refuses any other name."""


class CanvasCard(TypedDict):
    """A small HTML page (with optional data and chart library)."""

    kind: Literal["canvas"]
    specVersion: Literal[1]
    payload: CanvasCardPayload


CardEnvelope: TypeAlias = Union[
    TextCard,
    CodeCard,
    AlertCard,
    DetailCard,
    ItemListCard,
    DataTableCard,
    MetricChartCard,
    RecommendActionsCard,
    CanvasCard,
]
"""One card, whichever its ``kind``."""


class Card(TypedDict):
    """A card a tool call produced during the session."""

    toolCallId: str
    seq: int
    """The card's position among the session's cards."""
    envelope: CardEnvelope


class SessionDetail(TypedDict):
    """A whole session: the session itself, its messages in order and its cards."""

    session: Session
    messages: List[Message]
    cards: List[Card]


# -- other results -------------------------------------------------------------------


class SessionExport(TypedDict):
    """A session rendered as a document, with a file name to save it under."""

    content: str
    filename: str


class ContextAnatomy(TypedDict):
    """How the session's context splits between system prompt, tools and messages.

    Sizes are in tokens; ``cacheHitRate`` is the share of input read from the cache.
    """

    system: float
    tools: float
    messages: float
    total: float
    inputTokens: float
    cacheReadTokens: float
    cacheHitRate: float
    llmCallCount: float


class ContextAnatomyResult(TypedDict):
    anatomy: Optional[ContextAnatomy]
    """``None`` when the server has no figures for this session."""


class UndoResult(TypedDict):
    """What ``sessions.undoTurns`` removed."""

    removed: float


class CompactionResult(TypedDict):
    """What compacting a session's history did."""

    ok: bool
    engineName: str
    droppedCount: float
    preTotalTokens: float
    postTotalTokens: float
    summariesEnabled: bool
