"""The transport: error shapes, meta decoding, retries, timeouts and redirects."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import time
from pathlib import Path
from typing import Any, cast

import pytest
import requests
import responses
import urllib3.exceptions

from ethos_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    EthosClient,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnexpectedResponseError,
)
from ethos_sdk._envelope import MetaError, decode_output
from ethos_sdk._pagination import iterate_pages
from ethos_sdk._transport import backoff_delay, parse_retry_after

from .conftest import FAKE_KEY
from .wire import load_exchange

BASE = "http://127.0.0.1:3000"
LIST_URL = f"{BASE}/rpc/sessions/list"
SEND_URL = f"{BASE}/rpc/chat/send"
PAGE: dict[str, Any] = {"json": {"items": [], "nextCursor": None}}


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> EthosClient:
    c = EthosClient(BASE, api_key=FAKE_KEY, max_retries=2)
    c._transport.sleep = sleeps.append
    return c


def replay(mock: responses.RequestsMock, wire_dir: Path, name: str, url: str) -> dict[str, Any]:
    """Answer ``url`` with the recorded response ``name``; return its JSON body."""
    exchange = load_exchange(wire_dir / f"{name}.txt")
    headers = {k: v for k, v in exchange.response.headers if k.lower() not in (
        "content-length", "transfer-encoding", "content-type", "connection")}
    mock.post(url, status=exchange.status, body=exchange.response.body, headers=headers,
              content_type=exchange.response.header("content-type") or "text/plain")
    try:
        body: dict[str, Any] = exchange.response.json()
    except ValueError:
        body = {}
    return body


# -- error shapes, from recorded answers ----------------------------------------------


def test_procedure_error_shape_becomes_not_found_with_action(client: EthosClient, wire_dir: Path) -> None:
    with responses.RequestsMock() as mock:
        replay(mock, wire_dir, "sess-10-get-deleted", f"{BASE}/rpc/sessions/get")
        with pytest.raises(NotFoundError) as info:
            client.call("sessions.get", {"id": "b73d0ba3-3738-4f2c-a3fc-912c1e306803"})
    err = info.value
    assert (err.status, err.code) == (404, "SESSION_NOT_FOUND")
    assert err.action == "Verify the ID. Open the Sessions tab to see the current list."
    assert err.request_id == "10018178-fc52-45f8-869c-4c4011852341"
    text = str(err)
    for part in ("404", "SESSION_NOT_FOUND", "not found", "Verify the ID", err.request_id):
        assert part in text


def test_middleware_error_shape_becomes_authentication_error(client: EthosClient, wire_dir: Path) -> None:
    with responses.RequestsMock() as mock:
        body = replay(mock, wire_dir, "err-03-bad-api-key", LIST_URL)
        with pytest.raises(AuthenticationError) as info:
            client.sessions.list()
    err = info.value
    assert err.code == "UNAUTHORIZED"
    assert err.message == body["error"]
    assert err.action == body["action"]
    assert err.request_id == body["requestId"]
    assert FAKE_KEY not in str(err) and FAKE_KEY not in repr(err)


def test_validation_error_lists_each_issue_with_its_path(client: EthosClient, wire_dir: Path) -> None:
    with responses.RequestsMock() as mock:
        replay(mock, wire_dir, "err-23-invalid-input-out-of-range", LIST_URL)
        with pytest.raises(BadRequestError) as info:
            client.sessions.list(limit=500)
    err = info.value
    assert err.issues[0]["path"] == ["limit"]
    assert "issues: limit: Too big: expected number to be <=200" in str(err)


@pytest.mark.parametrize("capture", ["rpc-02-sessions-list-bearer-NO-origin", "rpc-03-sessions-list-bearer-wrong-origin"])
def test_origin_refusal_tells_the_user_to_pass_origin(client: EthosClient, wire_dir: Path, capture: str) -> None:
    with responses.RequestsMock() as mock:
        replay(mock, wire_dir, capture, LIST_URL)
        with pytest.raises(PermissionDeniedError) as info:
            client.sessions.list()
    assert "origin=" in str(info.value) and "ETHOS_ORIGIN" in str(info.value)


def test_cookie_only_refusal_explains_cookie_authentication(client: EthosClient, wire_dir: Path) -> None:
    with responses.RequestsMock() as mock:
        replay(mock, wire_dir, "err-14-experimental-namespace-bearer-config-get", f"{BASE}/rpc/config/get")
        with pytest.raises(PermissionDeniedError) as info:
            client.call("config.get")
    assert "config.get cannot be called with an API key" in str(info.value)


def test_plain_text_not_found_keeps_the_text_and_suggests_check_server(client: EthosClient, wire_dir: Path) -> None:
    cookie_client = EthosClient(BASE, cookie="c")
    with responses.RequestsMock() as mock:
        replay(mock, wire_dir, "err-40-contract-only-procedure-undoTurns-cookie", f"{BASE}/rpc/sessions/undoTurns")
        with pytest.raises(NotFoundError) as info:
            cookie_client.call("sessions.undoTurns", {"id": "x"})
    err = info.value
    assert err.code is None and err.text.startswith("Not Found") and err.body is None
    assert "check-server" in str(err)


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", InternalServerError),
        (502, "", InternalServerError),
        (429, "slow down", RateLimitError),
        (418, "{\"unexpected\": true}", APIStatusError),
    ],
)
def test_bodies_that_are_not_the_servers_json_still_raise_by_status(
    client: EthosClient, status: int, body: str, cls: type[APIStatusError]
) -> None:
    client._transport.max_retries = 0
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=status, body=body, content_type="text/html")
        with pytest.raises(cls) as info:
            client.sessions.list()
    err = info.value
    assert type(err) is cls and err.status == status and err.text == body
    assert str(status) in str(err)
    assert err.request_id  # the id the SDK sent, since the answer had none


def test_success_that_is_not_an_envelope_is_an_unexpected_response(client: EthosClient) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, body="<html>portal login</html>", content_type="text/html")
        with pytest.raises(UnexpectedResponseError, match="does not look like Ethos") as caught:
            client.sessions.list()
    assert caught.value.text == "<html>portal login</html>" and "portal login" not in str(caught.value)


def test_redirect_is_refused_not_followed(client: EthosClient) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=307, headers={"location": "https://elsewhere.example/rpc/sessions/list"})
        with pytest.raises(APIStatusError, match="does not follow redirects"):
            client.sessions.list()
        assert len(mock.calls) == 1


# -- meta decoding ---------------------------------------------------------------------


def test_meta_codes_turn_back_into_python_values() -> None:
    envelope = {
        "json": {
            "big": "12345678901234567890",
            "when": "2026-11-23T08:59:04.249Z",
            "nan": None,
            "holes": [1, None, 3],
            "link": "https://example.com/",
            "pattern": "/ab+c/i",
            "tags": ["a", "b"],
            "pairs": [["k", 1], ["j", 2]],
            "nested": [{"at": "2026-01-01T00:00:00.000Z"}],
        },
        "meta": [[0, "big"], [1, "when"], [2, "nan"], [3, "holes", 1], [4, "link"],
                 [5, "pattern"], [6, "tags"], [7, "pairs"], [1, "nested", 0, "at"]],
    }
    out = decode_output(envelope)
    assert out["big"] == 12345678901234567890
    assert out["when"] == dt.datetime(2026, 11, 23, 8, 59, 4, 249000, tzinfo=dt.timezone.utc)
    assert math.isnan(out["nan"])
    assert out["holes"] == [1, None, 3]
    assert out["link"] == "https://example.com/" and out["pattern"] == "/ab+c/i"
    assert out["tags"] == {"a", "b"}
    assert out["pairs"] == {"k": 1, "j": 2}
    assert out["nested"][0]["at"].year == 2026


def test_meta_on_the_root_value_and_unhashable_sets() -> None:
    assert decode_output({"json": "7", "meta": [[0]]}) == 7
    assert decode_output({"json": [{"a": 1}], "meta": [[6]]}) == [{"a": 1}]


@pytest.mark.parametrize(
    "envelope",
    [
        {"json": {"a": 1}, "meta": [[9, "a"]]},
        {"json": {"a": 1}, "meta": [[0, "missing"]]},
        {"json": [1], "meta": [[0, 5]]},
        {"json": {"a": 1}, "meta": "nope"},
        {"json": {"a": "x"}, "meta": [[7, "a"]]},
        {"no-json": 1},
    ],
)
def test_meta_that_does_not_fit_is_reported_not_guessed(envelope: dict[str, Any]) -> None:
    with pytest.raises(MetaError):
        decode_output(envelope)


def test_undecodable_meta_surfaces_as_unexpected_response(client: EthosClient) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, json={"json": {"items": []}, "meta": [[1, "items"]]})
        with pytest.raises(UnexpectedResponseError):
            client.sessions.list()


# -- retries ---------------------------------------------------------------------------

BUSY = {"ok": False, "code": "UNAVAILABLE", "error": "busy"}


def test_reads_retry_transient_statuses_then_succeed(client: EthosClient, sleeps: list[float]) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=503, json=BUSY)
        mock.post(LIST_URL, status=502, body="")
        mock.post(LIST_URL, json=PAGE)
        assert client.sessions.list() == PAGE["json"]
        ids = {call.request.headers["x-request-id"] for call in mock.calls}
    assert len(sleeps) == 2 and all(0.3 <= s <= 2.0 for s in sleeps)
    assert len(ids) == 1  # one logical call, one request id across attempts


def test_reads_give_up_after_max_retries(client: EthosClient, sleeps: list[float]) -> None:
    with responses.RequestsMock() as mock:
        for _ in range(3):
            mock.post(LIST_URL, status=504, body="gateway timeout")
        with pytest.raises(InternalServerError):
            client.sessions.list()
        assert len(mock.calls) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500])
def test_other_statuses_are_not_retried(client: EthosClient, status: int) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=status, json={"ok": False, "code": "X", "error": "no"})
        with pytest.raises(APIStatusError):
            client.sessions.list()
        assert len(mock.calls) == 1


def test_retry_after_seconds_and_http_date_are_honoured(client: EthosClient, sleeps: list[float]) -> None:
    later = email.utils.formatdate(time.time() + 3, usegmt=True)
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=429, json=BUSY, headers={"Retry-After": "1.5"})
        mock.post(LIST_URL, status=503, json=BUSY, headers={"Retry-After": later})
        mock.post(LIST_URL, json=PAGE)
        client.sessions.list()
    assert sleeps[0] == 1.5
    assert 1.0 <= sleeps[1] <= 3.5


def test_a_retry_after_too_long_to_wait_raises_at_once(client: EthosClient, sleeps: list[float]) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, status=429, json=BUSY, headers={"Retry-After": "3600"})
        with pytest.raises(RateLimitError) as info:
            client.sessions.list()
    assert info.value.retry_after == 3600 and sleeps == []


def test_writes_are_never_resent_after_an_answer(client: EthosClient) -> None:
    with responses.RequestsMock() as mock:
        mock.post(SEND_URL, status=503, json=BUSY)
        with pytest.raises(InternalServerError):
            client.call("chat.send", {"text": "hi", "clientId": "c"})
        assert len(mock.calls) == 1


def _refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, SEND_URL, reason))  # type: ignore[arg-type]


def test_writes_retry_when_the_request_cannot_have_left(client: EthosClient, sleeps: list[float]) -> None:
    with responses.RequestsMock() as mock:
        mock.post(SEND_URL, body=_refused())
        mock.post(SEND_URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
        mock.post(SEND_URL, json={"json": {"sessionId": "s", "turnId": "t"}})
        assert client.call("chat.send", {"text": "hi", "clientId": "c"}) == {"sessionId": "s", "turnId": "t"}
        assert len(mock.calls) == 3


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.")),
        requests.exceptions.ChunkedEncodingError("broken chunk"),
    ],
)
def test_writes_are_not_resent_when_the_request_may_have_arrived(
    client: EthosClient, failure: Exception
) -> None:
    with responses.RequestsMock() as mock:
        mock.post(SEND_URL, body=failure)
        with pytest.raises(APIConnectionError) as info:
            client.call("chat.send", {"text": "hi", "clientId": "c"})
        assert len(mock.calls) == 1
    assert info.value.__cause__ is failure


def test_reads_retry_timeouts_and_resets(client: EthosClient) -> None:
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, body=requests.exceptions.ReadTimeout("read timed out"))
        mock.post(LIST_URL, body=requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("reset")))
        mock.post(LIST_URL, json=PAGE)
        client.sessions.list()
        assert len(mock.calls) == 3


def test_timeouts_become_api_timeout_error(client: EthosClient) -> None:
    client._transport.max_retries = 0
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(APITimeoutError, match="timeout="):
            client.sessions.list()
        mock.post(LIST_URL, body=requests.exceptions.ConnectionError(
            urllib3.exceptions.ReadTimeoutError(None, LIST_URL, "Read timed out.")))  # type: ignore[arg-type]
        with pytest.raises(APITimeoutError):
            client.sessions.list()


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    assert backoff_delay(0, rand=lambda: 0.0) == 0.5
    assert backoff_delay(1, rand=lambda: 0.0) == 1.0
    assert backoff_delay(10, rand=lambda: 0.0) == 8.0
    assert backoff_delay(0, rand=lambda: 1.0) == 0.375


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412480.0 - 10) == 10.0


# -- timeouts ------------------------------------------------------------------------------


def test_timeouts_default_and_can_be_set_per_client_and_per_call() -> None:
    default = EthosClient(BASE, api_key=FAKE_KEY)
    custom = EthosClient(BASE, api_key=FAKE_KEY, timeout=2.5)
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, json=PAGE)
        default.sessions.list()
        custom.sessions.list()
        custom.sessions.list(timeout=(1, 30))
        custom.call("sessions.list", {}, timeout=None)
        seen = [cast(Any, call.request).req_kwargs["timeout"] for call in mock.calls]
    assert seen == [(5.0, 60.0), 2.5, (1, 30), None]


# -- pagination ------------------------------------------------------------------------------


def test_iterate_pages_stops_on_null_and_on_a_repeated_cursor() -> None:
    pages = {None: {"items": [1, 2], "nextCursor": "2"}, "2": {"items": [3], "nextCursor": "4"},
             "4": {"items": [4], "nextCursor": "2"}}
    asked: list[str | None] = []

    def fetch(cursor: str | None) -> dict[str, Any]:
        asked.append(cursor)
        return pages[cursor]

    assert list(iterate_pages(fetch)) == [1, 2, 3, 4]
    assert asked == [None, "2", "4"]


def test_list_all_carries_every_filter_to_every_page(client: EthosClient) -> None:
    session = {"id": "s1"}
    with responses.RequestsMock() as mock:
        mock.post(LIST_URL, json={"json": {"items": [session], "nextCursor": "1"}})
        mock.post(LIST_URL, json={"json": {"items": [session], "nextCursor": None}})
        assert len(list(client.sessions.list_all(q="deploy", limit=1, personality_id="researcher"))) == 2
        bodies = [json.loads(call.request.body or b"")["json"] for call in mock.calls]
    assert bodies == [
        {"q": "deploy", "limit": 1, "personalityId": "researcher"},
        {"q": "deploy", "limit": 1, "personalityId": "researcher", "cursor": "1"},
    ]


def test_list_all_is_lazy(client: EthosClient) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(LIST_URL, json={"json": {"items": [{"id": "a"}, {"id": "b"}], "nextCursor": "2"}})
        walk = client.sessions.list_all()
        assert len(mock.calls) == 0
        assert next(walk)["id"] == "a"
        assert len(mock.calls) == 1


def test_connection_error_names_no_secret() -> None:
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY, max_retries=0, timeout=1)
    with pytest.raises(APIConnectionError) as info:
        client.sessions.list()
    assert FAKE_KEY not in str(info.value) and "sessions/list" in str(info.value)
    assert json.dumps(info.value.request_id)


def test_iterate_pages_reads_the_list_under_the_named_key() -> None:
    pages: dict[str | None, dict[str, Any]] = {
        None: {"entries": [1], "nextCursor": "a"},
        "a": {"entries": [2], "nextCursor": None},
    }
    assert list(iterate_pages(lambda cursor: pages[cursor], items_key="entries")) == [1, 2]
