"""The platform namespaces: ``api_keys``, ``a2a`` and the other cookie-only ones.

What a user relies on: each method reaches its own path with the wire keys
written out, parameters left out stay out of the body, nested namespaces
(``client.a2a.peers``) reach nested paths, reads are retried and writes are
not, and the recorded ``apiKeys`` exchanges of the real server come back as
the types and errors the SDK promises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import responses

from ethos_sdk import EthosClient
from ethos_sdk.errors import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    PermissionDeniedError,
)
from ethos_sdk.types.api_keys import ApiKey, NewApiKey

from .conftest import FAKE_KEY
from .mocking import BASE, answer as ok, assert_shape, replay, sent_body as sent


@pytest.fixture
def client() -> Iterator[EthosClient]:
    """A cookie client: every platform namespace refuses API keys."""
    with EthosClient(BASE, cookie="t") as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as rsps:
        yield rsps


# -- apiKeys, against the recorded exchanges -----------------------------------


def test_create_sends_what_the_real_server_was_sent_and_returns_the_secret(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "apikeys-01-create-cookie-origin")
    recorded = exchange.request.json()["json"]

    new = client.api_keys.create(
        recorded["name"], recorded["scopes"], recorded["allowedOrigins"]
    )

    assert sent(mocked) == {"json": recorded}
    assert mocked.calls[0].request.headers["Origin"] == BASE
    assert_shape(new, NewApiKey)
    assert_shape(new["key"], ApiKey)
    assert new["secret"].startswith("sk-ethos-")
    assert new["key"]["allowedOrigins"] == recorded["allowedOrigins"]


def test_an_api_key_is_refused_with_an_error_that_says_cookie_only(
    mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    replay(mocked, wire_dir, "apikeys-07-create-with-bearer")

    with EthosClient(BASE, api_key=FAKE_KEY, origin=BASE) as bearer:
        with pytest.raises(PermissionDeniedError) as caught:
            bearer.api_keys.create("x", ["sessions:read"], [BASE])

    error = caught.value
    assert error.status == 403
    assert error.code == "FORBIDDEN"
    assert "requires cookie authentication" in str(error)
    assert error.action is not None and "web UI" in error.action
    assert FAKE_KEY not in str(error) and FAKE_KEY not in repr(error)
    assert len(mocked.calls) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    ("name", "allowed_origins", "scopes", "bad_path"),
    [
        ("apikeys-03-create-no-allowedOrigins", [], ["sessions:read"], ["allowedOrigins"]),
        ("apikeys-04-create-empty-allowedOrigins", [], ["sessions:read"], ["allowedOrigins"]),
        ("apikeys-05-create-bad-scope", [BASE], ["admin"], ["scopes", 0]),
    ],
)
def test_rejected_input_raises_bad_request_naming_the_field(
    client: EthosClient,
    mocked: responses.RequestsMock,
    wire_dir: Path,
    name: str,
    allowed_origins: list[str],
    scopes: list[Any],
    bad_path: list[Any],
) -> None:
    replay(mocked, wire_dir, name)

    with pytest.raises(BadRequestError) as caught:
        client.api_keys.create("x", scopes, allowed_origins)

    error = caught.value
    assert error.code == "BAD_REQUEST"
    assert [issue["path"] for issue in error.issues] == [bad_path]
    assert ".".join(str(p) for p in bad_path) in str(error)


def test_a_cookie_call_without_origin_gets_authentication_error(
    mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    replay(mocked, wire_dir, "apikeys-06-create-cookie-no-origin")
    with EthosClient(BASE, cookie="t") as c:
        with pytest.raises(AuthenticationError) as caught:
            c.api_keys.create("x", ["sessions:read"], [BASE])
    assert "Missing Origin header" in str(caught.value)


def test_list_sends_an_empty_object_and_decodes_recorded_keys(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "apikeys-08-list-cookie")

    page = client.api_keys.list()

    assert sent(mocked) == exchange.request.json() == {"json": {}}
    assert page["nextCursor"] is None
    assert [key["name"] for key in page["items"]] == ["wire-readonly", "wire-full"]
    for key in page["items"]:
        assert_shape(key, ApiKey)


def test_revoke_sends_the_key_id(
    client: EthosClient, mocked: responses.RequestsMock, wire_dir: Path
) -> None:
    exchange = replay(mocked, wire_dir, "apikeys-10-revoke-readonly")
    key_id = exchange.request.json()["json"]["id"]

    assert client.api_keys.revoke(key_id) == {"ok": True}
    assert sent(mocked) == {"json": {"id": key_id}}


def test_list_all_walks_every_page_keeping_the_limit(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    def key(n: int) -> dict[str, Any]:
        return {
            "id": f"k{n}", "prefix": "sk-ethos-0000", "name": f"key {n}",
            "scopes": ["chat"], "allowedOrigins": [BASE],
            "createdAt": "2026-01-01T00:00:00.000Z", "lastUsed": None, "revokedAt": None,
        }

    ok(mocked, "apiKeys/list", {"items": [key(1), key(2)], "nextCursor": "c2"})
    ok(mocked, "apiKeys/list", {"items": [key(3)], "nextCursor": None})

    names = [k["id"] for k in client.api_keys.list_all(limit=2)]

    assert names == ["k1", "k2", "k3"]
    assert [sent(mocked, i) for i in range(2)] == [
        {"json": {"limit": 2}},
        {"json": {"limit": 2, "cursor": "c2"}},
    ]


# -- a2a: nested namespaces ------------------------------------------------------


def test_nested_a2a_namespaces_reach_nested_paths(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    peer = {"fingerprint": "fp", "access": "full", "enabled": True}
    ok(mocked, "a2a/settings/get", {"enabled": False})
    ok(mocked, "a2a/peers/list", [peer])
    ok(mocked, "a2a/peers/setEnabled", {"ok": True})
    ok(mocked, "a2a/skills/listExposable", [{"name": "search", "exposed": True}])

    assert client.a2a.settings.get() == {"enabled": False}
    assert client.a2a.peers.list("p1") == [peer]
    assert client.a2a.peers.set_enabled("p1", "fp", False) == {"ok": True}
    assert client.a2a.skills.list_exposable("p1") == [{"name": "search", "exposed": True}]

    assert [sent(mocked, i) for i in range(4)] == [
        {"json": None},
        {"json": {"personalityId": "p1"}},
        {"json": {"personalityId": "p1", "fingerprint": "fp", "enabled": False}},
        {"json": {"personalityId": "p1"}},
    ]
    assert client.a2a.peers is client.a2a.peers


def test_peer_label_is_sent_only_when_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    peer = {"fingerprint": "fp", "access": "full", "enabled": True}
    ok(mocked, "a2a/peers/add", peer)
    ok(mocked, "a2a/peers/add", {**peer, "label": "Bob"})

    client.a2a.peers.add("p1", "https://bob.example", "fp")
    client.a2a.peers.add("p1", "https://bob.example", "fp", label="Bob")

    base = {"personalityId": "p1", "url": "https://bob.example", "expectedFingerprint": "fp"}
    assert sent(mocked, 0) == {"json": base}
    assert sent(mocked, 1) == {"json": {**base, "label": "Bob"}}


# -- the rest: wire keys, left-out parameters, null outputs -----------------------


def test_camel_case_wire_keys_are_written_out_and_left_out_options_are_not_sent(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "onboarding/complete", {"ok": True})
    ok(mocked, "onboarding/complete", {"ok": True})
    ok(mocked, "documents/list", {"entries": []})
    ok(mocked, "evolver/configUpdate", {"config": {}})

    client.onboarding.complete("openai", "gpt-x", "researcher")
    client.onboarding.complete(
        "ollama", "llama", "researcher", api_key="k", base_url="http://localhost:11434"
    )
    client.documents.list(path="notes")
    client.evolver.config_update(0.5, 0.25, 3, 2, False)

    assert sent(mocked, 0) == {
        "json": {"provider": "openai", "model": "gpt-x", "personalityId": "researcher"}
    }
    assert sent(mocked, 1) == {
        "json": {
            "provider": "ollama", "model": "llama", "personalityId": "researcher",
            "apiKey": "k", "baseUrl": "http://localhost:11434",
        }
    }
    assert sent(mocked, 2) == {"json": {"path": "notes"}}
    assert sent(mocked, 3) == {
        "json": {
            "rewriteThreshold": 0.5, "newSkillPatternThreshold": 0.25,
            "minRunsBeforeEvolve": 3, "minPatternCount": 2, "autoApprove": False,
        }
    }


def test_tool_settings_are_sent_as_given(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "toolSettings/setForPersonality", {"ok": True, "storage": "personality"})
    values = {"web_search": {"provider": "exa", "secret": "work"}}

    result = client.tool_settings.set_for_personality("researcher", values)

    assert result["storage"] == "personality"
    assert sent(mocked) == {"json": {"personalityId": "researcher", "values": values}}


def test_digest_latest_is_none_when_the_server_has_none(
    client: EthosClient, mocked: responses.RequestsMock
) -> None:
    ok(mocked, "digest/latest", None)
    assert client.digest.latest() is None
    assert sent(mocked) == {"json": None}


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.batch.get("run-1"), "batch/get"),
        (lambda c: c.api_keys.list(), "apiKeys/list"),
        (lambda c: c.models.catalog(), "models/catalog"),
    ],
)
def test_reads_are_retried_after_a_503(
    client: EthosClient, mocked: responses.RequestsMock, call: Any, path: str
) -> None:
    mocked.post(f"{BASE}/rpc/{path}", status=503, body="")
    ok(mocked, path, {"run": {}, "items": [], "nextCursor": None})

    call(client)

    assert len(mocked.calls) == 2


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.batch.start('{"prompt": "hi"}\n'), "batch/start"),
        (lambda c: c.api_keys.create("x", ["chat"], [BASE]), "apiKeys/create"),
        (lambda c: c.digest.generate(), "digest/generate"),
        (lambda c: c.admin.check_provider("openai"), "admin/checkProvider"),
    ],
)
def test_calls_that_change_or_probe_something_are_sent_once(
    client: EthosClient, mocked: responses.RequestsMock, call: Any, path: str
) -> None:
    mocked.post(f"{BASE}/rpc/{path}", status=503, body="")

    with pytest.raises(InternalServerError):
        call(client)

    assert len(mocked.calls) == 1
