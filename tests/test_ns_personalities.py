"""``client.personalities``: what goes on the wire, paging, retries, and the recorded answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import responses
from typing_extensions import get_type_hints

from ethos_sdk import EthosClient
from ethos_sdk.errors import InternalServerError, NotFoundError, PermissionDeniedError
from ethos_sdk.types.personalities import Personality, PersonalityDetail, PersonalityPage

from .conftest import FAKE_KEY
from .mocking import BASE, answer as ok, sent_input as sent
from .wire import Exchange, load_exchange


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient(BASE, api_key=FAKE_KEY) as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as rsps:
        yield rsps


# --- the request ------------------------------------------------------------


def test_list_without_arguments_sends_an_empty_input(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/list", {"items": [], "nextCursor": None, "defaultId": "researcher"})

    page = client.personalities.list()

    assert mocked.calls[0].request.url == f"{BASE}/rpc/personalities/list"
    assert sent(mocked) == {}
    assert page["defaultId"] == "researcher"


def test_update_sends_only_what_was_given_under_the_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/update", {"personality": {"id": "writer"}})

    client.personalities.update(
        "writer",
        soul_md="# Writer",
        mcp_servers=("github",),
        mcp_tools={"github": ["search_issues"]},
        fs_reach={"write": ["~/notes"]},
        evolution_approval_mode="user",
    )

    assert mocked.calls[0].request.url == f"{BASE}/rpc/personalities/update"
    assert sent(mocked) == {
        "id": "writer",
        "soulMd": "# Writer",
        "mcp_servers": ["github"],
        "mcp_tools": {"github": ["search_issues"]},
        "fs_reach": {"write": ["~/notes"]},
        "evolution_approval_mode": "user",
    }


def test_falsy_values_and_none_are_sent_not_dropped(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/update", {"personality": {"id": "writer"}})

    client.personalities.update("writer", provider="", toolset=[], description=None)  # type: ignore[arg-type]

    # Only NOT_GIVEN means "leave out"; "", [] and None reach the server as given.
    assert sent(mocked) == {"id": "writer", "provider": "", "toolset": [], "description": None}


def test_create_takes_its_required_fields_in_order(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/create", {"personality": {"id": "writer"}})

    client.personalities.create(
        "writer",
        "Writer",
        ["read_file"],
        "# Writer",
        model={"default": "claude-sonnet-4-6", "deep": "claude-opus-4-7"},
        skill_evolution={"enabled": False},
    )

    assert sent(mocked) == {
        "id": "writer",
        "name": "Writer",
        "toolset": ["read_file"],
        "soulMd": "# Writer",
        "model": {"default": "claude-sonnet-4-6", "deep": "claude-opus-4-7"},
        "skill_evolution": {"enabled": False},
    }


@pytest.mark.parametrize(
    ("call", "path", "expected"),
    [
        (lambda p: p.duplicate("researcher", "researcher-2"), "duplicate",
         {"id": "researcher", "newId": "researcher-2"}),
        (lambda p: p.skills_get("researcher", "cite"), "skillsGet",
         {"personalityId": "researcher", "skillId": "cite"}),
        (lambda p: p.skills_import_global("researcher", ("cite", "summarise")), "skillsImportGlobal",
         {"personalityId": "researcher", "skillIds": ["cite", "summarise"]}),
        (lambda p: p.skill_candidate_approve("researcher", "cite.md"), "skillCandidateApprove",
         {"personalityId": "researcher", "fileName": "cite.md"}),
        (lambda p: p.mcp_delete_token("researcher", "github"), "mcpDeleteToken",
         {"personalityId": "researcher", "server": "github"}),
        (lambda p: p.apply_expression("researcher", "Warmer.", "warmer tone", "rev-1"), "applyExpression",
         {"id": "researcher", "newExpression": "Warmer.", "summary": "warmer tone", "evidenceRef": "rev-1"}),
        (lambda p: p.propose_soul_split("# Soul"), "proposeSoulSplit", {"soulMd": "# Soul"}),
    ],
)
def test_camel_case_procedures_use_slash_paths_and_wire_keys(
    client: EthosClient, mocked: responses.RequestsMock, call: Any, path: str, expected: Any
) -> None:
    ok(mocked, f"personalities/{path}", {"ok": True})

    call(client.personalities)

    assert mocked.calls[0].request.url == f"{BASE}/rpc/personalities/{path}"
    assert sent(mocked) == expected


# --- paging -----------------------------------------------------------------


def _person(pid: str) -> dict[str, Any]:
    return {"id": pid, "name": pid.title()}


def test_list_all_follows_cursors_with_the_same_limit_until_null(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/list", {"items": [_person("a"), _person("b")], "nextCursor": "2", "defaultId": "a"})
    ok(mocked, "personalities/list", {"items": [_person("c")], "nextCursor": None, "defaultId": "a"})

    ids = [p["id"] for p in client.personalities.list_all(limit=2)]

    assert ids == ["a", "b", "c"]
    assert [sent(mocked, i) for i in range(2)] == [{"limit": 2}, {"limit": 2, "cursor": "2"}]


def test_list_all_stops_when_the_server_repeats_a_cursor(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "personalities/list", {"items": [_person("a")], "nextCursor": "1", "defaultId": "a"})
    ok(mocked, "personalities/list", {"items": [_person("b")], "nextCursor": "1", "defaultId": "a"})

    ids = [p["id"] for p in client.personalities.list_all()]

    assert ids == ["a", "b"]
    assert len(mocked.calls) == 2


def test_list_all_fetches_nothing_until_iterated(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    walk = client.personalities.list_all()
    assert len(mocked.calls) == 0
    ok(mocked, "personalities/list", {"items": [], "nextCursor": None, "defaultId": "a"})
    assert list(walk) == []
    assert len(mocked.calls) == 1


# --- retries: reads are retried, changes never sent twice --------------------


def test_a_read_is_retried_after_a_503(client: EthosClient, mocked: responses.RequestsMock) -> None:
    mocked.post(f"{BASE}/rpc/personalities/renderers", status=503, body="")
    ok(mocked, "personalities/renderers", {"renderers": ["markdown"]})

    assert client.personalities.renderers("researcher") == {"renderers": ["markdown"]}
    assert len(mocked.calls) == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.delete("researcher"),
        lambda p: p.skills_create("researcher", "cite", "# Cite"),
        lambda p: p.mcp_set_token("researcher", "github", "tok"),
        lambda p: p.propose_expression("researcher"),
    ],
)
def test_a_change_is_not_resent_after_a_503(
    client: EthosClient, mocked: responses.RequestsMock, call: Any
) -> None:
    mocked.add(responses.POST, re.compile(rf"{BASE}/rpc/personalities/\w+"), status=503, body="")

    with pytest.raises(InternalServerError):
        call(client.personalities)
    assert len(mocked.calls) == 1


# --- recorded answers of the real server -------------------------------------


def replay(rsps: responses.RequestsMock, exchange: Exchange) -> None:
    """Answer the next request with the recorded response's status, headers and bytes."""
    rsps.add(
        responses.POST,
        f"{BASE}{exchange.target}",
        body=exchange.response.body,
        status=exchange.status,
        content_type=exchange.response.header("content-type") or "application/json",
        headers={"x-request-id": exchange.response.header("x-request-id") or ""},
    )


def required_and_allowed(typed: Any) -> tuple[set[str], set[str]]:
    hints = get_type_hints(typed, include_extras=True)
    return set(typed.__required_keys__), set(hints)


def assert_shape(value: dict[str, Any], typed: Any) -> None:
    required, allowed = required_and_allowed(typed)
    assert required <= set(value), f"missing {required - set(value)}"
    assert set(value) <= allowed, f"undeclared {set(value) - allowed}"


def test_recorded_list_decodes_to_declared_personalities(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = load_exchange(wire_dir / "pers-01-list.txt")
    replay(mocked, exchange)

    page = client.personalities.list()

    assert sent(mocked) == exchange.request.json()["json"]
    assert_shape(dict(page), PersonalityPage)
    assert page["items"], "the recording lists the built-in personalities"
    for item in page["items"]:
        assert_shape(dict(item), Personality)
    assert page["defaultId"] in {item["id"] for item in page["items"]}


def test_recorded_get_decodes_to_a_personality_detail(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = load_exchange(wire_dir / "pers-02-get-researcher.txt")
    replay(mocked, exchange)

    detail = client.personalities.get("researcher")

    assert sent(mocked) == exchange.request.json()["json"]
    assert_shape(dict(detail), PersonalityDetail)
    assert_shape(dict(detail["personality"]), Personality)
    assert detail["personality"]["id"] == "researcher"
    assert detail["soulMd"].startswith("# Researcher")


def test_recorded_unknown_personality_raises_not_found_with_the_servers_advice(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = load_exchange(wire_dir / "pers-03-get-unknown.txt")
    replay(mocked, exchange)

    with pytest.raises(NotFoundError) as caught:
        client.personalities.get("nope")

    error = caught.value
    assert error.status == 404
    assert error.code == "PERSONALITY_NOT_FOUND"
    assert error.action == exchange.response.json()["json"]["data"]["action"]
    assert error.request_id == exchange.response.header("x-request-id")
    assert "personalities.list" in str(error)


def test_recorded_cookie_only_refusal_says_to_use_cookie_auth(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = load_exchange(wire_dir / "pers-04-create-bearer-cookie-only.txt")
    replay(mocked, exchange)

    with pytest.raises(PermissionDeniedError) as caught:
        client.personalities.create("x", "X", [], "")

    error = caught.value
    assert error.status == 403
    assert error.code == "FORBIDDEN"
    text = str(error)
    assert "cookie" in text.lower()
    assert FAKE_KEY not in text and FAKE_KEY not in repr(error)
    assert len(mocked.calls) == 1
