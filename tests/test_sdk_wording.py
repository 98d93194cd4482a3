"""Server advice written for the web UI or raw HTTP gets the SDK's wording beside it (issue 22)."""

from __future__ import annotations

from typing import Iterator

import pytest

from ethos_sdk import AuthenticationError, EthosClient, NotFoundError
from ethos_sdk._wording import sdk_wording
from ethos_sdk.testing import LocalEthosServer


@pytest.fixture(scope="module")
def client() -> Iterator[EthosClient]:
    with LocalEthosServer() as server, server.client(max_retries=0) as running:
        yield running


def test_the_sessions_tab_becomes_sessions_list(client: EthosClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.sessions.get("no-such-session")
    text = str(caught.value)
    assert "Open the Sessions tab to see the current list." in text  # the server's words stay
    assert "hint: client.sessions.list() shows the current sessions" in text
    assert caught.value.action == "Verify the ID. Open the Sessions tab to see the current list."


def test_chat_send_without_session_id_names_the_python_parameter(client: EthosClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.chat.send("hi", session_id="no-such-session")
    text = str(caught.value)
    assert "call chat.send without sessionId" in text
    assert "leave session_id out of client.chat.send / ask / stream to start a new session" in text
    assert text.count("session_id") == 1  # said once, not again as a parameter mapping


def test_personalities_list_is_the_python_method(client: EthosClient) -> None:
    with pytest.raises(NotFoundError, match=r"hint: client\.personalities\.list\(\) lists the personality ids"):
        client.personalities.get("no-such-personality")


def test_the_settings_page_is_api_keys_create() -> None:
    with LocalEthosServer() as server:
        with EthosClient(server.base_url, api_key="sk-ethos-" + "1" * 32, max_retries=0) as stranger:
            with pytest.raises(AuthenticationError) as caught:
                stranger.sessions.list()
    assert "Settings page" in str(caught.value) and "client.api_keys.create(name, scopes=[...])" in str(caught.value)


@pytest.mark.parametrize(
    "message, action, procedure, says",
    [
        ("Unauthorized", "Visit `?t=<token>` printed by `ethos serve` to sign in.", None, "EthosClient.from_login_url(url)"),
        ("Missing credentials", "Use `Authorization: Bearer sk-ethos-...`.", None, "pass api_key= to EthosClient"),
        ("Not found", "Refresh the listing — it may have been moved or deleted.", "documents.download", "client.documents.list(...)"),
        ("Bad avatar", "Send the image bytes as the raw request body.", None, "client.personalities.set_avatar(id, image_bytes)"),
        ("personalityId must be a known personality", None, "sessions.list", "personalityId is personality_id= in client.sessions.list()"),
        ("allowedOrigins must not be empty", None, "apiKeys.create", "allowedOrigins is allowed_origins= in client.api_keys.create()"),
    ],
)
def test_server_advice_is_translated(message: str, action: str | None, procedure: str | None, says: str) -> None:
    wording = sdk_wording(message, action, procedure)
    assert wording is not None and says in wording


def test_advice_the_sdk_cannot_translate_adds_nothing() -> None:
    assert sdk_wording("Session s1 is busy", "Wait for the turn to finish.", "chat.send") is None
    assert sdk_wording("toolName is wrong", None, "sessions.list") is None  # not an input of that procedure
    assert sdk_wording("sessionId missing", None, "no.suchProcedure") is None
