"""``client.mcp``, ``platforms``, ``plugins``, ``cron`` and ``skills``: what goes on the wire.

These namespaces are experimental and refuse API keys, so the client here
signs in with a cookie, as a user of them would.
"""

from __future__ import annotations

from typing import Iterator

import pytest
import responses

from ethos_sdk import EthosClient
from ethos_sdk.errors import ConflictError, InternalServerError

from .mocking import BASE, answer as ok, sent_input as sent

CRON_JOB = {
    "id": "job-1",
    "name": "morning brief",
    "schedule": "0 8 * * *",
    "prompt": "Summarise my inbox",
    "personalityId": "ada",
    "deliver": None,
    "status": "active",
    "missedRunPolicy": "skip",
    "source": "user",
    "lastRunAt": None,
    "nextRunAt": "2025-01-02T08:00:00.000Z",
    "createdAt": "2025-01-01T12:00:00.000Z",
}


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient(BASE, cookie="t") as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as rsps:
        yield rsps


# --- mcp ----------------------------------------------------------------------


def test_mcp_list_sends_null_input_with_the_cookie(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    server = {
        "name": "files",
        "transport": "stdio",
        "command": "mcp-files",
        "url": None,
        "auth_status": None,
        "created_via": "cli",
        "mcpResultLimitChars": None,
        "deprecated": None,
    }
    ok(mocked, "mcp/list", {"servers": [server]})

    result = client.mcp.list()

    request = mocked.calls[0].request
    assert request.url == f"{BASE}/rpc/mcp/list"
    assert "ethos_auth=t" in request.headers["Cookie"]
    assert "Authorization" not in request.headers
    assert sent(mocked) is None
    assert result["servers"][0]["name"] == "files"


def test_mcp_start_leaves_out_what_was_not_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    started = {"ok": True, "state": "s1", "authorizeUrl": "https://idp/auth", "serverName": "gh"}
    ok(mocked, "mcp/start", started)
    ok(mocked, "mcp/start", started)

    client.mcp.start("https://example.com/mcp")
    client.mcp.start("https://example.com/mcp", name="gh", personality_id="ada")

    assert sent(mocked, 0) == {"url": "https://example.com/mcp"}
    assert sent(mocked, 1) == {"url": "https://example.com/mcp", "name": "gh", "personalityId": "ada"}


def test_mcp_start_failure_comes_back_as_a_result_not_an_error(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/start", {"ok": False, "code": "ssrf_blocked", "detail": "private address"})

    result = client.mcp.start("http://10.0.0.1/mcp")

    assert result["ok"] is False
    assert result["code"] == "ssrf_blocked"


def test_mcp_complete_sends_state_and_only_the_given_code(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/complete", {"ok": True, "serverName": "gh"})

    client.mcp.complete("s1", code="abc")

    assert mocked.calls[0].request.url == f"{BASE}/rpc/mcp/complete"
    assert sent(mocked) == {"state": "s1", "code": "abc"}


def test_mcp_add_server_sends_the_description_as_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/addServer", {"ok": True, "serverName": "files"})
    description = {
        "transport": "stdio",
        "name": "files",
        "command": "mcp-files",
        "args": ["--root", "."],
        "env": {"LOG": "1"},
    }

    result = client.mcp.add_server(description)  # type: ignore[arg-type]

    assert mocked.calls[0].request.url == f"{BASE}/rpc/mcp/addServer"
    assert sent(mocked) == description
    assert result == {"ok": True, "serverName": "files"}


def test_mcp_add_server_refuses_something_that_is_not_a_dict(client: EthosClient) -> None:
    with responses.RequestsMock() as rsps:  # any request would fail: none is registered
        with pytest.raises(TypeError, match="server must be a dict"):
            client.mcp.add_server("stdio mcp-files")  # type: ignore[arg-type]
        assert len(rsps.calls) == 0


def test_mcp_attach_personalities_sends_the_ids_as_a_list(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/attachPersonalities", {"updated": ["ada"], "failed": []})

    client.mcp.attach_personalities("gh", ("ada", "bob"))

    assert sent(mocked) == {"serverName": "gh", "personalityIds": ["ada", "bob"]}


def test_mcp_server_tools_all_walks_every_page_with_the_same_filters(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "a"}, {"name": "b"}], "nextCursor": "c2"})
    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "c"}], "nextCursor": None})

    names = [tool["name"] for tool in client.mcp.server_tools_all("ada", "gh", limit=2)]

    assert names == ["a", "b", "c"]
    assert sent(mocked, 0) == {"personalityId": "ada", "serverName": "gh", "limit": 2}
    assert sent(mocked, 1) == {"personalityId": "ada", "serverName": "gh", "limit": 2, "cursor": "c2"}


def test_mcp_server_tools_all_stops_when_the_cursor_is_missing_or_repeats(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "a"}]})
    assert [t["name"] for t in client.mcp.server_tools_all("ada", "gh")] == ["a"]

    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "b"}], "nextCursor": "same"})
    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "c"}], "nextCursor": "same"})
    assert [t["name"] for t in client.mcp.server_tools_all("ada", "gh")] == ["b", "c"]
    assert len(mocked.calls) == 3


def test_mcp_server_tools_all_is_lazy(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "mcp/serverTools", {"available": True, "tools": [{"name": "a"}], "nextCursor": "c2"})

    tools = client.mcp.server_tools_all("ada", "gh")
    assert len(mocked.calls) == 0
    assert next(tools)["name"] == "a"
    assert len(mocked.calls) == 1


def test_mcp_reads_are_retried_but_changes_are_not(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    busy = {"ok": False, "code": "UNAVAILABLE", "error": "busy"}
    mocked.post(f"{BASE}/rpc/mcp/personalityServers", status=503, json=busy)
    ok(mocked, "mcp/personalityServers", {"servers": []})
    mocked.post(f"{BASE}/rpc/mcp/delete", status=503, json=busy)

    assert client.mcp.personality_servers("ada") == {"servers": []}
    with pytest.raises(InternalServerError):
        client.mcp.delete("gh")

    paths = [call.request.url for call in mocked.calls]
    assert paths.count(f"{BASE}/rpc/mcp/personalityServers") == 2
    assert paths.count(f"{BASE}/rpc/mcp/delete") == 1


# --- platforms ------------------------------------------------------------------


def test_platforms_set_sends_the_fields_under_their_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    platform = {"id": "telegram", "configured": True, "fields": {"token": True}}
    ok(mocked, "platforms/set", {"platform": platform})

    result = client.platforms.set("telegram", {"token": "123:abc"})

    assert mocked.calls[0].request.url == f"{BASE}/rpc/platforms/set"
    assert sent(mocked) == {"id": "telegram", "fields": {"token": "123:abc"}}
    assert result["platform"]["fields"] == {"token": True}


def test_platforms_whatsapp_bot_sends_camel_case_keys_only_when_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    bot = {"botKey": "wa1", "defaultMode": "all", "allowedNumbers": [], "paired": False}
    ok(mocked, "platforms/botsAddWhatsApp", {"bot": bot})
    ok(mocked, "platforms/botsAddWhatsApp", {"bot": bot})

    client.platforms.bots_add_whats_app({"type": "team", "name": "ops"})
    client.platforms.bots_add_whats_app(
        {"type": "personality", "name": "ada"},
        default_mode="mention_only",
        allowed_numbers=["+15550100"],
        phone_number="+15550199",
    )

    assert sent(mocked, 0) == {"bind": {"type": "team", "name": "ops"}}
    assert sent(mocked, 1) == {
        "bind": {"type": "personality", "name": "ada"},
        "defaultMode": "mention_only",
        "allowedNumbers": ["+15550100"],
        "phoneNumber": "+15550199",
    }


def test_platforms_set_channel_filter_sends_the_nested_filter(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    channel_filter = {"enabled": True, "ownerUserId": "42", "allowlist": ["7"]}
    ok(mocked, "platforms/setChannelFilter", {"filter": channel_filter})

    result = client.platforms.set_channel_filter(
        "telegram", {"enabled": True, "ownerUserId": "42", "allowlist": ["7"]}
    )

    assert mocked.calls[0].request.url == f"{BASE}/rpc/platforms/setChannelFilter"
    assert sent(mocked) == {"platform": "telegram", "filter": channel_filter}
    assert result["filter"]["allowlist"] == ["7"]


def test_platforms_remove_slack_bot_uses_the_bot_key(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "platforms/botsRemoveSlack", {"ok": True})

    client.platforms.bots_remove_slack("slack-1")

    assert sent(mocked) == {"botKey": "slack-1"}


# --- plugins -------------------------------------------------------------------


def test_plugins_execute_tool_sends_args_only_when_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "plugins/executeTool", {"ok": True, "value": "done"})
    ok(mocked, "plugins/executeTool", {"ok": False, "error": "boom", "code": "TOOL_FAILED"})

    first = client.plugins.execute_tool("weather", "forecast")
    second = client.plugins.execute_tool("weather", "forecast", args={"city": "Oslo", "days": 3})

    assert sent(mocked, 0) == {"pluginId": "weather", "toolName": "forecast"}
    assert sent(mocked, 1) == {"pluginId": "weather", "toolName": "forecast", "args": {"city": "Oslo", "days": 3}}
    assert first["ok"] is True
    assert second.get("error") == "boom"


def test_plugins_oauth_round_trip_keys(client: EthosClient, mocked: responses.RequestsMock) -> None:
    ok(mocked, "plugins/requestOAuth", {"url": "https://idp/authorize"})
    ok(mocked, "plugins/completeOAuth", {"ok": True, "userId": "u1"})

    url = client.plugins.request_oauth("calendar", "google")["url"]
    done = client.plugins.complete_oauth("calendar", "google", "rt-1")

    assert url == "https://idp/authorize"
    assert mocked.calls[1].request.url == f"{BASE}/rpc/plugins/completeOAuth"
    assert sent(mocked, 1) == {"pluginId": "calendar", "oauthRef": "google", "requestToken": "rt-1"}
    assert done["ok"] is True


# --- cron ----------------------------------------------------------------------


def test_cron_create_sends_every_required_field(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "cron/create", {"job": CRON_JOB})

    job = client.cron.create(
        "morning brief", "0 8 * * *", "Summarise my inbox", "ada", missed_run_policy="skip"
    )["job"]

    assert sent(mocked) == {
        "name": "morning brief",
        "schedule": "0 8 * * *",
        "prompt": "Summarise my inbox",
        "personalityId": "ada",
        "missedRunPolicy": "skip",
    }
    assert job["id"] == "job-1"


def test_cron_update_sends_only_what_changes(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "cron/update", {"job": CRON_JOB})

    client.cron.update("job-1", schedule="0 9 * * *")

    assert mocked.calls[0].request.url == f"{BASE}/rpc/cron/update"
    assert sent(mocked) == {"id": "job-1", "schedule": "0 9 * * *"}


def test_cron_run_now_is_not_retried(client: EthosClient, mocked: responses.RequestsMock) -> None:
    mocked.post(f"{BASE}/rpc/cron/runNow", status=502, body="Bad Gateway")

    with pytest.raises(InternalServerError):
        client.cron.run_now("job-1")
    assert len(mocked.calls) == 1


# --- skills --------------------------------------------------------------------


def test_skills_list_with_and_without_the_filter(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "skills/list", {"skills": [], "pendingCount": 0})
    ok(mocked, "skills/list", {"skills": [], "pendingCount": 2})

    client.skills.list()
    page = client.skills.list(include_unavailable=True)

    assert sent(mocked, 0) == {}
    assert sent(mocked, 1) == {"includeUnavailable": True}
    assert page["pendingCount"] == 2


def test_skills_create_on_a_taken_id_raises_conflict(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(
        f"{BASE}/rpc/skills/create",
        status=409,
        json={
            "json": {
                "defined": True,
                "code": "SKILL_EXISTS",
                "status": 409,
                "message": "Skill already exists",
                "data": {"action": "Pick another id or update the existing skill."},
            }
        },
    )

    with pytest.raises(ConflictError) as caught:
        client.skills.create("daily-notes", "# Daily notes")

    assert caught.value.code == "SKILL_EXISTS"
    assert sent(mocked) == {"id": "daily-notes", "body": "# Daily notes"}
    assert len(mocked.calls) == 1
