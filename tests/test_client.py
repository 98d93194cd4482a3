"""EthosClient: where credentials come from, what each request carries, and login."""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

import ethos_sdk
from ethos_sdk import (
    AuthenticationError,
    ConfigurationError,
    EthosClient,
    InsecureCredentialWarning,
)

from .conftest import FAKE_KEY

BASE = "http://127.0.0.1:3000"
LIST_URL = f"{BASE}/rpc/sessions/list"
EMPTY_PAGE: dict[str, Any] = {"json": {"items": [], "nextCursor": None}}
TOKEN = "f" * 64


def write_token(state_dir: Path, token: str = TOKEN, mode: int = 0o600) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "web-token"
    path.write_text(token + "\n")
    path.chmod(mode)
    return path


# -- where the credential comes from ----------------------------------------------


def test_api_key_must_look_like_an_ethos_key() -> None:
    with pytest.raises(ConfigurationError, match="sk-ethos-"):
        EthosClient(BASE, api_key="esk_old_style_key")


def test_no_credential_lists_every_way_to_give_one() -> None:
    with pytest.raises(ConfigurationError) as info:
        EthosClient(BASE)
    message = str(info.value)
    for way in ("api_key=", "ETHOS_API_KEY", "cookie=", "web-token", "ETHOS_STATE_DIR", "from_login_url"):
        assert way in message


def test_api_key_and_cookie_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="either"):
        EthosClient(BASE, api_key=FAKE_KEY, cookie="c")


def test_environment_supplies_base_url_key_and_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETHOS_BASE_URL", "http://127.0.0.1:4567/")
    monkeypatch.setenv("ETHOS_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ETHOS_ORIGIN", "http://localhost:3001")
    client = EthosClient()
    assert client.base_url == "http://127.0.0.1:4567"
    assert client.auth_mode == "bearer"
    assert client.origin == "http://localhost:3001"


def test_default_base_url_is_the_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    client = EthosClient(api_key=FAKE_KEY)
    assert client.base_url == "http://localhost:3000"


def test_loopback_server_uses_the_web_token_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_token(tmp_path / "state")
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "state"))
    client = EthosClient(BASE)
    assert client.auth_mode == "cookie"
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, json=EMPTY_PAGE)
        client.sessions.list()
        sent = mock.calls[0].request.headers
    assert sent["Cookie"] == f"ethos_auth={TOKEN}"
    assert sent["Origin"] == BASE


def test_token_file_defaults_to_the_home_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ETHOS_STATE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    write_token(tmp_path / ".ethos")
    assert EthosClient(BASE).auth_mode == "cookie"


def test_token_file_is_not_used_for_a_remote_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_token(tmp_path / "state")
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "state"))
    with pytest.raises(ConfigurationError):
        EthosClient("https://ethos.example.com")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX only")
def test_token_file_readable_by_others_is_refused_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_token(tmp_path / "state", mode=0o644)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "state"))
    with pytest.warns(InsecureCredentialWarning, match="chmod 600"):
        with pytest.raises(ConfigurationError):
            EthosClient(BASE)
    assert TOKEN not in str(path.stat())  # the token itself is never part of the warning


def test_bearer_key_over_plain_http_to_another_host_warns_once() -> None:
    with pytest.warns(InsecureCredentialWarning, match="plain HTTP"):
        EthosClient("http://ethos.internal.example:3000", api_key=FAKE_KEY)
    with pytest.warns(InsecureCredentialWarning, match="plain HTTP"):
        EthosClient("Http://other.internal.example", api_key=FAKE_KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EthosClient("http://ethos.internal.example:3000", api_key=FAKE_KEY)
        EthosClient("HTTP://Ethos.Internal.Example:3000/ethos/", api_key=FAKE_KEY)
        EthosClient("https://ethos.example.com", api_key=FAKE_KEY)
        EthosClient("http://localhost:3000", api_key=FAKE_KEY)


# -- what each request carries ----------------------------------------------------


def sent_request(client: EthosClient, **call: object) -> requests.PreparedRequest:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, json=EMPTY_PAGE)
        client.sessions.list(**call)  # type: ignore[arg-type]
        request = mock.calls[0].request
    return request


def test_bearer_mode_sends_the_key_and_origin_only_when_given() -> None:
    plain = sent_request(EthosClient(BASE, api_key=FAKE_KEY))
    assert plain.headers["Authorization"] == f"Bearer {FAKE_KEY}"
    assert "Origin" not in plain.headers
    assert "Cookie" not in plain.headers
    pinned = sent_request(EthosClient(BASE, api_key=FAKE_KEY, origin="http://localhost:3001"))
    assert pinned.headers["Origin"] == "http://localhost:3001"


def test_cookie_mode_sends_origin_on_every_post() -> None:
    request = sent_request(EthosClient(BASE, cookie="tok"))
    assert request.headers["Cookie"] == "ethos_auth=tok"
    assert request.headers["Origin"] == BASE
    assert "Authorization" not in request.headers
    custom = sent_request(EthosClient(BASE, cookie="tok", origin="http://localhost:5173"))
    assert custom.headers["Origin"] == "http://localhost:5173"


def test_body_is_the_json_envelope_with_only_given_keys() -> None:
    request = sent_request(EthosClient(BASE, api_key=FAKE_KEY), limit=5, cursor=None)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body or b"") == {"json": {"limit": 5, "cursor": None}}


def test_user_agent_names_sdk_python_and_requests() -> None:
    request = sent_request(EthosClient(BASE, api_key=FAKE_KEY))
    agent = request.headers["User-Agent"]
    assert re.fullmatch(
        rf"ethos-sdk-python/{re.escape(ethos_sdk.__version__)} python/\S+ requests/{re.escape(requests.__version__)}",
        agent,
    )


def test_every_call_gets_its_own_request_id_unless_given() -> None:
    client = EthosClient(BASE, api_key=FAKE_KEY)
    first = sent_request(client).headers["x-request-id"]
    second = sent_request(client).headers["x-request-id"]
    assert first and second and first != second
    mine = sent_request(client, extra_headers={"x-request-id": "trace-123"})
    assert mine.headers["x-request-id"] == "trace-123"


def test_client_wide_headers_are_sent() -> None:
    request = sent_request(EthosClient(BASE, api_key=FAKE_KEY, headers={"X-Team": "blue"}))
    assert request.headers["X-Team"] == "blue"


def test_call_reaches_any_procedure_by_name() -> None:
    client = EthosClient(BASE, api_key=FAKE_KEY)
    with responses.RequestsMock() as mock:
        mock.post(f"{BASE}/rpc/a2a/peers/list", json={"json": [{"label": "x"}]})
        assert client.call("a2a.peers.list") == [{"label": "x"}]
        assert json.loads(mock.calls[0].request.body or b"") == {"json": None}
    with pytest.raises(ConfigurationError):
        client.call("")


# -- secrets stay secret ------------------------------------------------------------


def test_repr_shows_base_url_and_mode_but_no_secret() -> None:
    bearer = EthosClient(BASE, api_key=FAKE_KEY)
    cookie = EthosClient(BASE, cookie=TOKEN)
    assert repr(bearer) == f"EthosClient(base_url='{BASE}', auth='bearer')"
    assert TOKEN not in repr(cookie) and FAKE_KEY not in repr(bearer)
    assert FAKE_KEY not in repr(bearer._transport.credentials)
    assert FAKE_KEY not in repr(bearer.sessions)


def test_debug_logs_carry_no_credential(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for client in (EthosClient(BASE, api_key=FAKE_KEY), EthosClient(BASE, cookie=TOKEN)):
        with responses.RequestsMock() as mock:
            mock.post(LIST_URL, json=EMPTY_PAGE)
            mock.post(LIST_URL, status=401, json={"ok": False, "code": "UNAUTHORIZED", "error": "no"})
            client.sessions.list()
            with pytest.raises(AuthenticationError):
                client.sessions.list()
    assert "POST /rpc/sessions/list -> 200" in caplog.text
    assert FAKE_KEY not in caplog.text and TOKEN not in caplog.text


# -- login ----------------------------------------------------------------------------


def test_login_trades_the_url_token_for_a_cookie_and_switches_to_cookie_mode() -> None:
    client = EthosClient(BASE, api_key=FAKE_KEY)
    new_cookie = "a" * 64
    with responses.RequestsMock() as mock:
        mock.get(
            f"{BASE}/auth/exchange",
            status=302,
            headers={
                "location": "/",
                "set-cookie": f"ethos_auth={new_cookie}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Strict",
            },
        )
        mock.post(LIST_URL, json=EMPTY_PAGE)
        client.login(f"{BASE}/?t={TOKEN}")
        client.sessions.list()
        exchange, call = mock.calls[0].request, mock.calls[1].request
        assert len(mock.calls) == 2  # the 302 was not followed
    assert exchange.url == f"{BASE}/auth/exchange?t={TOKEN}"
    assert "Authorization" not in exchange.headers
    assert client.auth_mode == "cookie"
    assert call.headers["Cookie"] == f"ethos_auth={new_cookie}"
    assert call.headers["Origin"] == BASE
    assert "Authorization" not in call.headers
    assert "ethos_auth" not in client._transport.session.cookies  # kept by the client, not the jar


def test_login_with_a_used_token_raises_authentication_error() -> None:
    client = EthosClient(BASE, cookie="old")
    body = {"ok": False, "code": "UNAUTHORIZED", "error": "Invalid or rotated token",
            "action": "Re-run `ethos serve` to print a fresh URL."}
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/auth/exchange", status=401, json=body)
        with pytest.raises(AuthenticationError) as info:
            client.login(TOKEN)
    assert "Invalid or rotated token" in str(info.value)
    assert TOKEN not in str(info.value)
    assert client.auth_mode == "cookie"


def test_from_login_url_builds_a_cookie_client() -> None:
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/auth/exchange", status=302,
                 headers={"set-cookie": "ethos_auth=fresh; Path=/; HttpOnly"})
        client = EthosClient.from_login_url(f"{BASE}/?t={TOKEN}")
    assert client.base_url == BASE and client.auth_mode == "cookie"
    assert client._transport.credentials.secret == "fresh"


def test_login_url_without_token_is_a_clear_error() -> None:
    client = EthosClient(BASE, cookie="c")
    with pytest.raises(ConfigurationError, match="t=<token>"):
        client.login(f"{BASE}/?x=1")


# -- lifetime -------------------------------------------------------------------------


def test_context_manager_closes_its_own_session_but_not_a_borrowed_one() -> None:
    borrowed = requests.Session()
    closed: list[str] = []
    borrowed.close = lambda: closed.append("borrowed")  # type: ignore[method-assign]
    with EthosClient(BASE, api_key=FAKE_KEY, session=borrowed) as client:
        assert client._transport.session is borrowed
    assert closed == []
    with EthosClient(BASE, api_key=FAKE_KEY) as own:
        session = own._transport.session
        session.close = lambda: closed.append("own")  # type: ignore[method-assign]
    assert closed == ["own"]


def test_importing_the_package_loads_no_namespace_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ethos_sdk; "
        "print(sorted(m for m in sys.modules if m.startswith(('ethos_sdk.namespaces', "
        "'ethos_sdk.types', 'ethos_sdk.stream', 'sseclient', 'ethos_sdk._shapes', 'ethos_sdk._check_shapes'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_stream_and_turn_types_are_public_and_loaded_on_demand() -> None:
    from ethos_sdk import EventStream, ToolCall, TurnResult, TurnStream, TurnUsage
    from ethos_sdk._turn import TurnResult as Private
    from ethos_sdk.stream import EventStream as StreamClass

    assert TurnResult is Private and EventStream is StreamClass
    assert {ToolCall.__name__, TurnStream.__name__, TurnUsage.__name__} == {"ToolCall", "TurnStream", "TurnUsage"}
    with pytest.raises(AttributeError):
        ethos_sdk.NoSuchThing  # noqa: B018
