"""``client.dashboards``, ``client.kanban``, ``client.goals`` and ``client.tasks``: what goes on the wire and what comes back."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import responses

from ethos_sdk import EthosClient
from ethos_sdk.errors import InternalServerError

from .mocking import BASE, answer as ok, sent_input as sent


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient(BASE, cookie="t") as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as rsps:
        yield rsps


TASK: dict[str, Any] = {
    "id": "job-1",
    "status": "running",
    "label": None,
    "personalityId": "researcher",
    "spendUsd": 0.12,
    "maxCostUsd": None,
    "depth": 1,
    "createdAt": 1700000000000,
    "startedAt": 1700000000500,
    "finishedAt": None,
    "heartbeatAt": None,
    "owner": "web",
    "rootSessionKey": "web:root",
    "parentSessionKey": "web:root",
    "runner": None,
}


# --- dashboards ---------------------------------------------------------------


def test_dashboards_list_sends_no_input(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "dashboards/list", {"dashboards": []})

    assert client.dashboards.list() == {"dashboards": []}
    assert mocked.calls[0].request.url == f"{BASE}/rpc/dashboards/list"
    assert sent(mocked) is None


def test_add_panel_to_a_new_dashboard_sends_null_id_and_leaves_out_what_was_not_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "dashboards/addPanel", {"panel": {"id": "p1", "dashboardId": "d1"}})

    result = client.dashboards.add_panel(
        None,
        {"queryType": "prompt", "blockType": "text", "content": "", "prompt": "Open issues?"},
        new_dashboard_title="Repo",
    )

    assert mocked.calls[0].request.url == f"{BASE}/rpc/dashboards/addPanel"
    assert sent(mocked) == {
        "dashboardId": None,
        "newDashboardTitle": "Repo",
        "panel": {"queryType": "prompt", "blockType": "text", "content": "", "prompt": "Open issues?"},
    }
    assert result["panel"]["dashboardId"] == "d1"


def test_update_panel_sends_none_as_null_to_clear_a_setting(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "dashboards/updatePanel", {"ok": True})

    client.dashboards.update_panel(
        "p1",
        cron_schedule=None,
        sql_query="select 1",
        emit_config=[{"on": "rowClick", "param": "repo", "column": "name", "default": ""}],
        depends_on=None,
        param_defaults={"repo": "ethos"},
    )

    assert sent(mocked) == {
        "panelId": "p1",
        "cronSchedule": None,
        "sqlQuery": "select 1",
        "emitConfig": [{"on": "rowClick", "param": "repo", "column": "name", "default": ""}],
        "dependsOn": None,
        "paramDefaults": {"repo": "ethos"},
    }


def test_update_panel_layout_sends_every_coordinate(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "dashboards/updatePanelLayout", {"ok": True})

    client.dashboards.update_panel_layout("p1", 0, 2, 6, 4)

    assert mocked.calls[0].request.url == f"{BASE}/rpc/dashboards/updatePanelLayout"
    assert sent(mocked) == {"panelId": "p1", "col": 0, "row": 2, "w": 6, "h": 4}


def test_export_then_import_passes_the_json_string_through(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    exported = '{"title":"Repo","panels":[]}'
    ok(mocked, "dashboards/exportDashboard", {"json": exported, "panelCount": 0, "title": "Repo"})
    ok(mocked, "dashboards/importDashboard", {"dashboardId": "d2", "title": "Copy", "warnings": []})

    export = client.dashboards.export_dashboard("d1")
    imported = client.dashboards.import_dashboard(export["json"], title_override="Copy")

    assert sent(mocked, 0) == {"id": "d1"}
    assert sent(mocked, 1) == {"exportJson": exported, "titleOverride": "Copy"}
    assert imported["dashboardId"] == "d2"


def test_refreshing_a_panel_is_not_sent_twice_after_a_server_error(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(f"{BASE}/rpc/dashboards/refreshPanel", status=503, body="busy")

    with pytest.raises(InternalServerError):
        client.dashboards.refresh_panel("p1")
    assert len(mocked.calls) == 1


# --- kanban -------------------------------------------------------------------


def test_kanban_create_task_uses_the_wire_keys(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "kanban/createTask", {"task": {"id": "t1", "status": "todo"}})

    result = client.kanban.create_task("core", "Fix login", priority=3, acceptance_criteria="tests pass")

    assert mocked.calls[0].request.url == f"{BASE}/rpc/kanban/createTask"
    assert sent(mocked) == {
        "team": "core",
        "title": "Fix login",
        "priority": 3,
        "acceptanceCriteria": "tests pass",
    }
    assert result["task"]["id"] == "t1"


def test_kanban_update_status_and_assign(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "kanban/updateStatus", {"task": {"id": "t1", "status": "done"}})
    ok(mocked, "kanban/assign", {"task": {"id": "t1", "assignee": "coder"}})

    client.kanban.update_status("core", "t1", "done")
    client.kanban.assign("core", "t1", "coder")

    assert sent(mocked, 0) == {"team": "core", "taskId": "t1", "status": "done"}
    assert sent(mocked, 1) == {"team": "core", "taskId": "t1", "assignee": "coder"}


def test_kanban_reads_are_retried_after_a_server_error(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(f"{BASE}/rpc/kanban/getBoard", status=503, body="busy")
    ok(mocked, "kanban/getBoard", {"board": {"tasks": []}})

    board = client.kanban.get_board("core")

    assert board["board"]["tasks"] == []
    assert len(mocked.calls) == 2
    assert sent(mocked, 1) == {"team": "core"}


# --- goals --------------------------------------------------------------------


def test_goals_create_sends_nested_criteria_and_only_the_limits_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "goals/create", {"goal": {"id": "g1", "status": "planning"}})

    result = client.goals.create(
        "researcher",
        "Summarise open issues",
        acceptance_criteria={"rubric": [{"description": "complete", "weight": 1.0}], "threshold": 0.8},
        max_attempts=3,
        allow_dangerous_tool_calls=False,
    )

    assert mocked.calls[0].request.url == f"{BASE}/rpc/goals/create"
    assert sent(mocked) == {
        "personalityId": "researcher",
        "goalText": "Summarise open issues",
        "acceptanceCriteria": {"rubric": [{"description": "complete", "weight": 1.0}], "threshold": 0.8},
        "maxAttempts": 3,
        "allowDangerousToolCalls": False,
    }
    assert result["goal"]["id"] == "g1"


def test_goals_list_without_filters_sends_an_empty_object(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "goals/list", {"goals": []})

    client.goals.list()
    client.goals.list(status="running", limit=5)

    assert sent(mocked, 0) == {}
    assert sent(mocked, 1) == {"status": "running", "limit": 5}


def test_goals_tool_result_and_steer_use_the_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "goals/toolResult", {"found": False})
    ok(mocked, "goals/steer", {"ok": True})

    assert client.goals.tool_result("g1", "call-7") == {"found": False}
    client.goals.steer("g1", "Focus on bugs")

    assert mocked.calls[0].request.url == f"{BASE}/rpc/goals/toolResult"
    assert sent(mocked, 0) == {"goalId": "g1", "toolCallId": "call-7"}
    assert mocked.calls[1].request.url == f"{BASE}/rpc/goals/steer"
    assert sent(mocked, 1) == {"id": "g1", "message": "Focus on bugs"}


# --- tasks --------------------------------------------------------------------


def test_tasks_list_returns_the_bare_array(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "tasks/list", [TASK])

    tasks = client.tasks.list(root_session_key="web:root")

    assert sent(mocked) == {"rootSessionKey": "web:root"}
    assert isinstance(tasks, list)
    assert tasks[0]["id"] == "job-1"
    assert tasks[0]["label"] is None


def test_tasks_get_returns_none_for_an_unknown_task(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "tasks/get", None)

    assert client.tasks.get("missing") is None
    assert sent(mocked) == {"id": "missing"}


def test_tasks_get_returns_the_detail(client: EthosClient, mocked: responses.RequestsMock) -> None:
    detail: dict[str, Any] = {**TASK, "prompt": "Look into it", "events": [], "detailRows": [], "capabilities": None}
    ok(mocked, "tasks/get", detail)

    task = client.tasks.get("job-1")

    assert task is not None
    assert task["prompt"] == "Look into it"
    assert task["capabilities"] is None


def test_tasks_cancel_is_not_sent_twice_after_a_server_error(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(f"{BASE}/rpc/tasks/cancel", status=502, body="bad gateway")

    with pytest.raises(InternalServerError) as caught:
        client.tasks.cancel("job-1")
    assert caught.value.status == 502
    assert len(mocked.calls) == 1
