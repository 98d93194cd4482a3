"""``client.dashboards``: build dashboards of panels fed by prompts or SQL, refresh, share and import them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.dashboards import (
        DashboardDetail,
        DashboardExport,
        DashboardImport,
        DashboardList,
        DashboardParam,
        DashboardResult,
        NewPanel,
        Ok,
        PanelEmitRule,
        PanelResult,
        PromptSummary,
        QueryResult,
        QueryType,
        WidgetTemplateList,
    )

__all__ = ["Dashboards"]


class Dashboards(Namespace):
    """The ``dashboards`` procedures (experimental)."""

    def create(
        self,
        title: str,
        personality_id: str,
        *,
        description: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DashboardResult:
        """Create an empty dashboard; add panels with :meth:`add_panel`.

        Args:
            title: the dashboard's title.
            personality_id: the personality the dashboard belongs to.
            description: a few words on what it shows.

        ``dashboards.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DashboardResult",
            self._call(
                "dashboards.create",
                {"title": title, "personalityId": personality_id, "description": description},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DashboardList:
        """Every dashboard, without its panels.

        ``dashboards.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DashboardList",
            self._call(
                "dashboards.list",
                None,
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
    ) -> DashboardDetail:
        """A dashboard with all its panels.

        ``dashboards.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DashboardDetail",
            self._call(
                "dashboards.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update(
        self,
        id: str,
        *,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        cron_schedule: str | None | NotGiven = NOT_GIVEN,
        params_schema: Sequence[DashboardParam] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Change a dashboard's title, description, schedule or parameters; what you leave out stays.

        Args:
            id: the dashboard.
            cron_schedule: a cron expression for the dashboard's schedule, or
                ``None`` to remove it.
            params_schema: the parameters the dashboard offers its viewers.

        ``dashboards.update`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.update",
                {
                    "id": id,
                    "title": title,
                    "description": description,
                    "cronSchedule": cron_schedule,
                    "paramsSchema": params_schema,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Delete a dashboard.

        ``dashboards.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.delete",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def add_panel(
        self,
        dashboard_id: str | None,
        panel: NewPanel,
        *,
        new_dashboard_title: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        params_schema: Sequence[DashboardParam] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PanelResult:
        """Add a panel to a dashboard, or to a new dashboard when ``dashboard_id`` is ``None``.

        Example::

            client.dashboards.add_panel(
                dashboard_id,
                {"queryType": "prompt", "blockType": "text", "content": "",
                 "prompt": "What changed in the repo today?"},
            )

        Args:
            dashboard_id: the dashboard, or ``None`` to make a new one.
            panel: what the panel shows (``blockType``) and where its content
                comes from (``queryType`` and the matching ``prompt``,
                ``sqlQuery`` or ``content``).
            new_dashboard_title: the title of the new dashboard.
            personality_id: the personality of the new dashboard.
            params_schema: the parameters of the new dashboard.

        ``dashboards.addPanel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PanelResult",
            self._call(
                "dashboards.addPanel",
                {
                    "dashboardId": dashboard_id,
                    "newDashboardTitle": new_dashboard_title,
                    "personalityId": personality_id,
                    "paramsSchema": params_schema,
                    "panel": panel,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update_panel(
        self,
        panel_id: str,
        *,
        title: str | NotGiven = NOT_GIVEN,
        cron_schedule: str | None | NotGiven = NOT_GIVEN,
        query_type: QueryType | NotGiven = NOT_GIVEN,
        prompt: str | None | NotGiven = NOT_GIVEN,
        sql_query: str | None | NotGiven = NOT_GIVEN,
        plugin_id: str | None | NotGiven = NOT_GIVEN,
        data_source_id: str | None | NotGiven = NOT_GIVEN,
        html_template: str | None | NotGiven = NOT_GIVEN,
        emit_config: Sequence[PanelEmitRule] | None | NotGiven = NOT_GIVEN,
        depends_on: Sequence[str] | None | NotGiven = NOT_GIVEN,
        param_defaults: Mapping[str, str] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Change a panel's settings; what you leave out stays, ``None`` clears a setting.

        Args:
            panel_id: the panel.
            cron_schedule: a cron expression for the panel's schedule.
            query_type: where the content comes from: ``"static"``,
                ``"prompt"``, ``"sql"`` or ``"header"``.
            sql_query: the SQL the panel runs, with ``plugin_id`` and
                ``data_source_id`` naming where.
            emit_config: dashboard parameters set from the row a viewer clicks.
            param_defaults: the value of each parameter when none is chosen, by key.

        ``dashboards.updatePanel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.updatePanel",
                {
                    "panelId": panel_id,
                    "title": title,
                    "cronSchedule": cron_schedule,
                    "queryType": query_type,
                    "prompt": prompt,
                    "sqlQuery": sql_query,
                    "pluginId": plugin_id,
                    "dataSourceId": data_source_id,
                    "htmlTemplate": html_template,
                    "emitConfig": emit_config,
                    "dependsOn": depends_on,
                    "paramDefaults": param_defaults,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update_panel_layout(
        self,
        panel_id: str,
        col: float,
        row: float,
        w: float,
        h: float,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Move or resize a panel on the dashboard's grid.

        Args:
            panel_id: the panel.
            col: the column of its top-left corner.
            row: the row of its top-left corner.
            w: its width.
            h: its height.

        ``dashboards.updatePanelLayout`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.updatePanelLayout",
                {"panelId": panel_id, "col": col, "row": row, "w": w, "h": h},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete_panel(
        self,
        panel_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Remove a panel from its dashboard.

        ``dashboards.deletePanel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.deletePanel",
                {"panelId": panel_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def refresh_panel(
        self,
        panel_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Run one panel's prompt or query again to bring its content up to date.

        ``dashboards.refreshPanel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.refreshPanel",
                {"panelId": panel_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def refresh_all(
        self,
        dashboard_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Refresh every panel of a dashboard.

        ``dashboards.refreshAll`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.refreshAll",
                {"dashboardId": dashboard_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def summarize_prompt(
        self,
        session_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PromptSummary:
        """Summarise a session into a prompt text for a dashboard panel.

        Args:
            session_id: the session to summarise.

        ``dashboards.summarizePrompt`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PromptSummary",
            self._call(
                "dashboards.summarizePrompt",
                {"sessionId": session_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_widget_templates(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WidgetTemplateList:
        """The ready-made panels that plugins offer.

        ``dashboards.listWidgetTemplates`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "WidgetTemplateList",
            self._call(
                "dashboards.listWidgetTemplates",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def run_query(
        self,
        plugin_id: str,
        source_id: str,
        sql: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run an SQL query against a plugin's data source and get its columns and rows.

        Args:
            plugin_id: the plugin that provides the data source.
            source_id: the data source.
            sql: the query.

        ``dashboards.runQuery`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "QueryResult",
            self._call(
                "dashboards.runQuery",
                {"pluginId": plugin_id, "sourceId": source_id, "sql": sql},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update_params(
        self,
        id: str,
        params_current: Mapping[str, str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Set the current values of a dashboard's parameters.

        Args:
            id: the dashboard.
            params_current: the value of each parameter, by key.

        ``dashboards.updateParams`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "dashboards.updateParams",
                {"id": id, "paramsCurrent": params_current},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def export_dashboard(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DashboardExport:
        """A dashboard and its panels as one JSON string, to keep or to import elsewhere.

        Pass ``result["json"]`` to :meth:`import_dashboard`.

        ``dashboards.exportDashboard`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DashboardExport",
            self._call(
                "dashboards.exportDashboard",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def import_dashboard(
        self,
        export_json: str,
        *,
        title_override: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DashboardImport:
        """Make a new dashboard from an export.

        Args:
            export_json: the ``json`` string that :meth:`export_dashboard` returned.
            title_override: a title for the new dashboard instead of the exported one.

        ``dashboards.importDashboard`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DashboardImport",
            self._call(
                "dashboards.importDashboard",
                {"exportJson": export_json, "titleOverride": title_override},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
