"""``client.config`` and ``client.voice``: the experimental, cookie-only namespaces.

What a user relies on: each method reaches its own path (nested groups such
as ``voice.laneMode`` included) with the wire keys written out; settings left
out are not sent while ``None`` is sent as null; changing the configuration
or speaking is never sent twice, while reads are retried; and an API key gets
the server's own 403 explaining what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import requests
import responses

from ethos_sdk import EthosClient
from ethos_sdk.errors import APIConnectionError, PermissionDeniedError
from ethos_sdk.namespaces.voice import VoiceLaneMode
from ethos_sdk.types.voice import WakeRouteParam

from .conftest import FAKE_KEY
from .mocking import BASE, answer as ok, sent_body as sent
from .wire import load_exchange


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient(BASE, cookie="t") as c:
        c._transport.sleep = lambda seconds: None  # retries without waiting
        yield c


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


# --- config ------------------------------------------------------------------


def test_config_get_sends_no_input_and_returns_the_servers_dict(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    config = {"provider": "anthropic", "model": "m", "apiKeyPreview": "sk-...abcd", "future": 1}
    ok(rsps, "config/get", config)

    assert client.config.get() == config
    assert sent(rsps) == {"json": None}


def test_config_update_sends_only_the_settings_given_under_their_wire_keys(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    ok(rsps, "config/update", {"ok": True})

    result = client.config.update(
        api_key="sk-new",
        voice_tts_max_text_length=2000,
        display_bell_on_complete=True,
        a2a_enabled=False,
        compaction={"target": 0.5, "smallWindow": "auto"},
        quick_commands={"hi": {"type": "reply", "reply": "hello"}},
    )

    assert result == {"ok": True}
    assert rsps.calls[0].request.url == f"{BASE}/rpc/config/update"
    assert sent(rsps) == {
        "json": {
            "apiKey": "sk-new",
            "voiceTtsMaxTextLength": 2000,
            "displayBellOnComplete": True,
            "a2aEnabled": False,
            "compaction": {"target": 0.5, "smallWindow": "auto"},
            "quickCommands": {"hi": {"type": "reply", "reply": "hello"}},
        }
    }


def test_config_update_sends_none_as_null_to_clear_a_setting(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    ok(rsps, "config/update", {"ok": True})

    client.config.update(debug_panel_model=None, voice_trunk_password=None)

    assert sent(rsps) == {"json": {"debugPanelModel": None, "voiceTrunkPassword": None}}


def test_config_update_with_nothing_to_change_sends_an_empty_object(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    ok(rsps, "config/update", {"ok": True})

    client.config.update()

    assert sent(rsps) == {"json": {}}


def test_config_settings_are_keyword_only(client: EthosClient) -> None:
    with pytest.raises(TypeError):
        client.config.update("anthropic")  # type: ignore[call-arg]


def test_config_update_is_not_sent_twice_after_a_dropped_connection(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/rpc/config/update", body=requests.ConnectionError("connection reset"))

    with pytest.raises(APIConnectionError):
        client.config.update(model="m")

    assert len(rsps.calls) == 1


def test_config_get_is_retried_after_a_dropped_connection(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/rpc/config/get", body=requests.ConnectionError("connection reset"))
    ok(rsps, "config/get", {"provider": "anthropic"})

    assert client.config.get()["provider"] == "anthropic"
    assert len(rsps.calls) == 2


def test_an_api_key_is_refused_with_the_servers_advice(wire_dir: Path) -> None:
    exchange = load_exchange(wire_dir / "err-14-experimental-namespace-bearer-config-get.txt")
    with EthosClient(BASE, api_key=FAKE_KEY) as keyed, responses.RequestsMock() as rsps:
        rsps.post(
            f"{BASE}{exchange.target}",
            body=exchange.response.body,
            status=exchange.status,
            content_type="application/json",
        )
        with pytest.raises(PermissionDeniedError) as caught:
            keyed.config.get()

    error = caught.value
    assert error.status == 403
    assert error.code == "FORBIDDEN"
    assert error.action is not None and "cookie" in error.action.lower()
    assert FAKE_KEY not in str(error) and FAKE_KEY not in repr(error)


# --- voice -------------------------------------------------------------------


def test_nested_voice_groups_are_built_once_and_reach_nested_paths(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    assert isinstance(client.voice.lane_mode, VoiceLaneMode)
    assert client.voice.lane_mode is client.voice.lane_mode
    ok(rsps, "voice/laneMode/set", {"mode": "all"})
    ok(rsps, "voice/satellites/setWakeEnabled", {"ok": True})

    assert client.voice.lane_mode.set("s1", "all") == {"mode": "all"}
    client.voice.satellites.set_wake_enabled(node_id="kitchen", enabled=False)

    assert sent(rsps, 0) == {"json": {"sessionId": "s1", "mode": "all"}}
    assert sent(rsps, 1) == {"json": {"nodeId": "kitchen", "enabled": False}}


def test_voice_calls_list_sends_only_the_filters_given(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    ok(rsps, "voice/calls/list", {"calls": []})
    ok(rsps, "voice/calls/list", {"calls": []})

    client.voice.calls.list()
    client.voice.calls.list(status="live", limit=5)

    assert sent(rsps, 0) == {"json": {}}
    assert sent(rsps, 1) == {"json": {"status": "live", "limit": 5}}


def test_voice_synthesize_writes_wire_keys_and_passes_the_override_through(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    audio = {"audio": "AAAA", "format": "mp3", "mimeType": "audio/mpeg"}
    ok(rsps, "voice/synthesize", audio)

    result = client.voice.synthesize(
        "Hello", personality_id="p1", override={"provider": "openai", "voice": "alloy"}
    )

    assert result == audio
    assert sent(rsps) == {
        "json": {
            "text": "Hello",
            "personalityId": "p1",
            "override": {"provider": "openai", "voice": "alloy"},
        }
    }


def test_voice_wake_routes_set_sends_the_routes_as_a_list(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    ok(rsps, "voice/wakeRoutes/set", {"routes": [], "settings": {}})
    route: WakeRouteParam = {
        "id": "hey-ada",
        "phrase": "hey ada",
        "personalityId": "ada",
        "privileged": False,
        "enabled": True,
    }

    client.voice.wake_routes.set((route,))

    assert sent(rsps) == {"json": {"routes": [route]}}


def test_voice_realtime_token_refusal_is_returned_not_raised(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    refusal = {
        "ok": False,
        "reason": "not_configured",
        "message": "No realtime provider is configured.",
        "providerId": None,
    }
    ok(rsps, "voice/realtimeToken", refusal)

    result = client.voice.realtime_token()

    assert result["ok"] is False
    assert sent(rsps) == {"json": {}}


def test_voice_run_turn_is_not_sent_twice_after_a_dropped_connection(
    client: EthosClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/rpc/voice/runTurn", body=requests.ConnectionError("connection reset"))

    with pytest.raises(APIConnectionError):
        client.voice.run_turn("turn the lights off")

    assert len(rsps.calls) == 1
