"""Types of the ``dashboards`` namespace: dashboards, their panels, parameters and widget templates."""

# No ``from __future__ import annotations`` here, so that ``TypedDict``
# reads required and optional keys right; types are defined before use.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

from .sessions import Ok

__all__ = [
    "QueryType",
    "BlockType",
    "DashboardParam",
    "Dashboard",
    "DashboardResult",
    "DashboardList",
    "PanelEmitRule",
    "Panel",
    "PanelResult",
    "DashboardDetail",
    "NewPanel",
    "PromptSummary",
    "WidgetTemplate",
    "WidgetTemplateList",
    "QueryResult",
    "DashboardExport",
    "DashboardImport",
    "Ok",
]

QueryType: TypeAlias = Literal["static", "prompt", "sql", "header"]
"""Where a panel's content comes from: fixed content, a prompt, an SQL query, or a header."""

BlockType: TypeAlias = Literal["html", "image", "pdf", "text", "table"]
"""How a panel's content is shown."""


class DashboardParam(TypedDict):
    """A parameter of a dashboard, offered to the viewer as a control."""

    key: str
    label: str
    type: Literal["select", "options", "date-range"]
    options: NotRequired[List[str]]
    default: str


class Dashboard(TypedDict):
    """A dashboard, without its panels."""

    id: str
    userId: str
    personalityId: str
    title: str
    description: Optional[str]
    cronSchedule: Optional[str]
    paramsSchema: List[DashboardParam]
    paramsCurrent: Dict[str, str]
    """The value each parameter has now, by ``key``."""
    createdAt: float
    updatedAt: float


class DashboardResult(TypedDict):
    """The dashboard ``dashboards.create`` has just made."""

    dashboard: Dashboard


class DashboardList(TypedDict):
    """The answer of ``dashboards.list``."""

    dashboards: List[Dashboard]


class PanelEmitRule(TypedDict):
    """Sets a dashboard parameter from a column of the row the viewer clicks."""

    on: Literal["rowClick"]
    param: str
    column: str
    default: str


class Panel(TypedDict):
    """One panel of a dashboard: what it shows, where its content comes from and where it sits."""

    id: str
    dashboardId: str
    queryType: QueryType
    blockType: BlockType
    content: str
    metadata: Optional[Dict[str, Any]]
    title: Optional[str]
    prompt: Optional[str]
    sqlQuery: Optional[str]
    pluginId: Optional[str]
    dataSourceId: Optional[str]
    renderHint: Optional[str]
    cronSchedule: Optional[str]
    htmlTemplate: Optional[str]
    emitConfig: Optional[List[PanelEmitRule]]
    dependsOn: Optional[List[str]]
    paramDefaults: Dict[str, str]
    lastRunAt: Optional[float]
    lastError: Optional[str]
    sourceConversationId: Optional[str]
    sourceMessageSeq: Optional[float]
    col: float
    row: float
    w: float
    h: float
    createdAt: float
    updatedAt: float


class PanelResult(TypedDict):
    """The panel ``dashboards.addPanel`` has just added."""

    panel: Panel


class DashboardDetail(TypedDict):
    """A dashboard with all its panels, as ``dashboards.get`` returns it."""

    dashboard: Dashboard
    panels: List[Panel]


class NewPanel(TypedDict):
    """A panel to add with ``dashboards.add_panel``: what it shows and where its content comes from."""

    queryType: QueryType
    blockType: BlockType
    content: str
    metadata: NotRequired[Dict[str, Any]]
    title: NotRequired[str]
    prompt: NotRequired[str]
    sqlQuery: NotRequired[str]
    pluginId: NotRequired[str]
    dataSourceId: NotRequired[str]
    htmlTemplate: NotRequired[str]
    renderHint: NotRequired[str]
    cronSchedule: NotRequired[str]
    sourceConversationId: NotRequired[str]
    sourceMessageSeq: NotRequired[float]


class PromptSummary(TypedDict):
    """The answer of ``dashboards.summarizePrompt``."""

    summary: str


class WidgetTemplate(TypedDict):
    """A ready-made panel a plugin offers."""

    id: str
    pluginId: str
    title: str
    description: NotRequired[str]
    queryType: Literal["sql", "prompt"]
    dataSource: NotRequired[str]
    sql: NotRequired[str]
    prompt: NotRequired[str]
    outputType: NotRequired[Literal["table", "html", "image", "text"]]
    defaultCron: NotRequired[str]


class WidgetTemplateList(TypedDict):
    """The answer of ``dashboards.listWidgetTemplates``."""

    templates: List[WidgetTemplate]


class QueryResult(TypedDict):
    """The result of an SQL query: column names and one dict per row."""

    columns: List[str]
    rows: List[Dict[str, Any]]


class DashboardExport(TypedDict):
    """A dashboard exported as a JSON string, for ``dashboards.import_dashboard``."""

    json: str
    panelCount: float
    title: str


class DashboardImport(TypedDict):
    """The dashboard ``dashboards.importDashboard`` has made, and what it warned about."""

    dashboardId: str
    title: str
    warnings: List[str]
