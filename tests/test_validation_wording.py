"""A 400's issues name the Python parameter beside the wire path (issue 14).

``client.chat.abort(session_id=5)`` is refused for ``sessionId``; the message
must let the user find that in the call they wrote: ``session_id (sessionId)``.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
import responses

from ethos_sdk import BadRequestError, EthosClient
from ethos_sdk.errors import python_path

from .mocking import BASE, replay
from .test_integration import client, server  # noqa: F401  (a LocalEthosServer per module, a client per test)


def test_a_camel_case_wire_key_is_named_as_the_parameter_too(client: EthosClient) -> None:
    with pytest.raises(BadRequestError) as info:
        client.chat.abort(session_id=5)  # type: ignore[arg-type]
    error = info.value
    text = str(error)
    assert "issues: session_id (sessionId): Invalid input: expected string, received number" in text
    # Everything that was there before is still there.
    assert text.startswith("400 BAD_REQUEST: Input validation failed")
    assert error.request_id and f"request id {error.request_id}" in text
    assert error.issues[0]["path"] == ["sessionId"] and error.python_paths == ["session_id"]
    assert str(error) == error.args[0]


def test_a_keyword_only_parameter_of_a_listing(client: EthosClient) -> None:
    with pytest.raises(BadRequestError) as info:
        client.sessions.list(personality_id=5)  # type: ignore[arg-type]
    assert "personality_id (personalityId): Invalid input: expected string" in str(info.value)


def test_a_parameter_with_the_wire_name_is_said_once(client: EthosClient) -> None:
    with pytest.raises(BadRequestError) as info:
        client.sessions.list(limit=500)
    assert "issues: limit: Too big: expected number to be <=200" in str(info.value)
    assert "limit (limit)" not in str(info.value)


def test_the_generic_call_keeps_the_wire_path_only(client: EthosClient) -> None:
    with pytest.raises(BadRequestError) as info:
        client.call("chat.abort", {"sessionId": 5})
    assert "issues: sessionId: Invalid input" in str(info.value)
    assert info.value.python_paths == [None]


def test_the_wording_survives_pickling(client: EthosClient) -> None:
    with pytest.raises(BadRequestError) as info:
        client.chat.abort(session_id=5)  # type: ignore[arg-type]
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and "session_id (sessionId)" in str(copy)


def test_recorded_refusal_of_a_real_server_names_allowed_origins(wire_dir: Path) -> None:
    with EthosClient(BASE, cookie="t") as cookie_client, responses.RequestsMock() as mocked:
        replay(mocked, wire_dir, "apikeys-03-create-no-allowedOrigins")
        with pytest.raises(BadRequestError) as info:
            cookie_client.api_keys.create("x", ["sessions:read"], [])
    assert "allowed_origins (allowedOrigins): " in str(info.value)


@pytest.mark.parametrize(
    ("path", "body", "arguments", "expected"),
    [
        # a snake-case wire key and an index inside the parameter's list
        (["mcp_servers", 1], {"mcp_servers": ["a", 7]}, {"mcp_servers": ["a", 7], "id": "p"}, "mcp_servers[1]"),
        # a key inside a dict the user passed (TypedDicts use wire keys)
        (["fsReach", "read", 0], {"fsReach": {"read": [1]}}, {"fs_reach": {"read": [1]}}, "fs_reach['read'][0]"),
        # a method that nests a parameter under another wire key: found by identity
        (["patch", "maxSize"], None, None, "size_limit"),
        # a key the method did not send and no parameter is named after
        (["unknownKey"], {}, {"limit": 5}, None),
        # a path that is not a list
        ("sessionId", {}, {"session_id": "x"}, None),
    ],
)
def test_python_path_walks_the_sent_body(path: Any, body: Any, arguments: Any, expected: Any) -> None:
    if body is None:
        value = [1, 2]
        body, arguments = {"patch": {"maxSize": value}}, {"size_limit": value, "other": [1, 2]}
    assert python_path(path, body, arguments) == expected


def test_python_path_does_not_guess_between_equal_objects() -> None:
    shared = object()
    body = {"patch": {"size": shared}}
    assert python_path(["patch", "size"], body, {"a": shared, "b": shared}) is None
    assert python_path(["patch", "flag"], {"patch": {"flag": True}}, {"x": True}) is None
