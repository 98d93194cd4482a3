"""``ethos_sdk.testing.LocalEthosServer``: what users of the stand-in server rely on."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from ethos_sdk import EthosClient
from ethos_sdk.errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.testing.__main__ import server_options
from ethos_sdk.testing._scopes import ALL_SCOPES, COOKIE_ONLY, SCOPE_TABLE

TIMEOUT = 10


@pytest.fixture()
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(slow_word_delay=0.2) as running:
        yield running


@pytest.fixture()
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=TIMEOUT, max_retries=0) as made:
        yield made


# ---------------------------------------------------------------- helpers


def read_events(server: LocalEthosServer, session_id: str, *, until: str = "done",
                last_event_id: Optional[str] = None, turns: int = 1) -> List[Dict[str, Any]]:
    """The events of a session's stream (replay, then live) up to the ``turns``-th ``until`` event."""
    headers = {"Authorization": f"Bearer {server.api_key}", "Origin": server.origin}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    events: List[Dict[str, Any]] = []
    with requests.get(f"{server.base_url}/sse/sessions/{session_id}", headers=headers,
                      stream=True, timeout=TIMEOUT) as response:
        assert response.status_code == 200
        seq: Optional[int] = None
        meta_seen = False
        for line in response.iter_lines():
            if line.startswith(b"data: "):
                event = json.loads(line[6:])
                if event["type"] == "stream_meta":
                    # The first frame, and the only one without an id.
                    assert not meta_seen and not events
                    meta_seen = True
                    continue
            elif line.startswith(b"id: "):
                assert meta_seen
                seq = int(line[4:])
                event["_id"] = seq
                continue
            else:
                if line == b"" and events and events[-1]["type"] == until:
                    if sum(e["type"] == until for e in events) >= turns:
                        break
                continue
            events.append(event)
    return events


def schema_errors(schema: Any, value: Any, path: str = "$") -> List[str]:
    """A small JSON Schema check (the keywords the contract uses for outputs)."""
    if schema is True or schema == {}:
        return []
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [schema_errors(option, value, path) for option in schema[combinator]]
            if not any(not errs for errs in options):
                return [f"{path}: matches no {combinator} option ({min(options, key=len)})"]
            return []
    errors: List[str] = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != const {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind is not None and not checks[kind](value):
        return errors + [f"{path}: expected {kind}, got {type(value).__name__}"]
    if kind == "object":
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing {name}")
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(properties[name], item, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected key {name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(schema["additionalProperties"], item, f"{path}.{name}")
    if kind == "array" and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(schema["items"], item, f"{path}[{index}]")
    return errors


# ------------------------------------------------------------------ facts


def test_scope_table_agrees_with_the_contract(contract: Dict[str, Any]) -> None:
    procedures = contract["procedures"]
    scoped_namespaces = {name.split(".")[0] for name in SCOPE_TABLE}
    expected = {
        name: spec["bearerScope"]
        for name, spec in procedures.items()
        if name.split(".")[0] in scoped_namespaces
    }
    assert SCOPE_TABLE == expected
    # Every other namespace has no scope at all, so keys are refused there.
    others = {spec["bearerScope"] for name, spec in procedures.items() if name.split(".")[0] not in scoped_namespaces}
    assert others == {None}
    assert COOKIE_ONLY in SCOPE_TABLE.values()


def test_key_scopes_are_the_contract_enum(contract: Dict[str, Any]) -> None:
    schema = contract["procedures"]["apiKeys.create"]["input"]["properties"]["scopes"]["items"]
    assert list(ALL_SCOPES) == schema["enum"]


def test_outputs_match_the_contract_schemas(server: LocalEthosServer, contract: Dict[str, Any]) -> None:
    cookie = server.client(auth="cookie", timeout=TIMEOUT, max_retries=0)
    sent = cookie.chat.send("Please USE_TOOL:memory_read ARGS:{\"store\":\"memory\"}")
    assert server.wait_idle(TIMEOUT)
    sid = sent["sessionId"]
    cookie.call("memory.write", {"personalityId": "researcher", "store": "memory", "content": "# Memory\n"})
    forked = cookie.call("sessions.fork", {"id": sid})["session"]["id"]
    key = cookie.call("apiKeys.create", {"name": "k", "scopes": ["sessions:read"], "allowedOrigins": ["http://x"]})
    calls: Dict[str, Any] = {
        "chat.send": {"text": "hi", "clientId": "c", "sessionId": sid},
        "sessions.list": {"limit": 5},
        "sessions.get": {"id": sid},
        "sessions.update": {"id": sid, "title": None},
        "sessions.pin": {"id": sid},
        "sessions.unpin": {"id": sid},
        "sessions.export": {"id": sid, "format": "markdown"},
        "sessions.contextAnatomy": {"id": sid},
        "sessions.compact": {"id": sid},
        "sessions.delete": {"id": forked},
        "personalities.list": {},
        "personalities.get": {"id": "engineer"},
        "memory.list": {"personalityId": "researcher"},
        "memory.get": {"personalityId": "researcher", "store": "user"},
        "memory.write": {"personalityId": "researcher", "store": "user", "content": "x"},
        "meta.capabilities": None,
        "chat.steer": {"sessionId": sid, "text": "x"},
        "chat.abort": {"sessionId": sid},
        "apiKeys.list": {},
        "apiKeys.revoke": {"id": key["key"]["id"]},
    }
    problems = {}
    for name, data in calls.items():
        output = cookie.call(name, data)
        errors = schema_errors(contract["procedures"][name]["output"], output)
        if errors:
            problems[name] = errors
    assert server.wait_idle(TIMEOUT)
    assert not problems
    union = contract["sseEvent"]
    events = read_events(server, sid, turns=2)
    assert {e["type"] for e in events} >= {"run_start", "tool_start", "tool_end", "usage", "text_delta", "done"}
    for event in events:
        event.pop("_id", None)
        assert schema_errors(union, event) == [], event
    cookie.close()


# --------------------------------------------------------------- life cycle


def test_context_manager_serves_on_loopback_and_stops() -> None:
    with LocalEthosServer() as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        with server.client(timeout=TIMEOUT) as client:
            assert client.sessions.list()["items"] == []
        url = server.base_url
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/rpc/sessions/list", json={"json": {}}, timeout=2)


def test_stop_ends_an_open_stream() -> None:
    server = LocalEthosServer().start()
    response = requests.get(f"{server.base_url}/sse/sessions/x", headers={"Authorization": f"Bearer {server.api_key}",
                            "Origin": server.origin}, stream=True, timeout=TIMEOUT)
    lines = response.iter_lines()
    assert next(lines).startswith(b'data: {"type":"stream_meta"')
    server.stop()
    with pytest.raises(requests.exceptions.RequestException):
        for _ in lines:
            pass
    response.close()
    server.stop()  # twice is fine


# --------------------------------------------------------------- the agent


def test_a_turn_streams_the_scripted_reply_and_is_stored(server: LocalEthosServer, client: EthosClient) -> None:
    sent = client.chat.send("hello there")
    events = read_events(server, sent["sessionId"])
    types = [e["type"] for e in events]
    assert types == ["run_start", "text_delta", "text_delta", "text_delta", "text_delta", "text_delta",
                     "text_delta", "text_delta", "text_delta", "usage", "text_delta", "done"]
    assert [e["_id"] for e in events] == list(range(1, 13))
    reply = "Hello from the fake LLM. You said: hello there"
    assert "".join(e["text"] for e in events if e["type"] == "text_delta") == reply
    assert events[-1]["text"] == reply and events[-1]["traceId"] == events[0]["traceId"]
    assert server.wait_idle(TIMEOUT)
    got = client.sessions.get(sent["sessionId"])
    assert [(m["role"], m["content"]) for m in got["messages"]] == [("user", "hello there"), ("assistant", reply)]
    assert got["session"]["title"] == reply


def test_turn_id_is_the_request_id(client: EthosClient) -> None:
    sent = client.chat.send("hi", extra_headers={"x-request-id": "my-turn-1"})
    assert sent["turnId"] == "my-turn-1"


def test_ids_continue_across_turns_and_last_event_id_filters_the_replay(server: LocalEthosServer, client: EthosClient) -> None:
    first = client.chat.send("one two")
    assert server.wait_idle(TIMEOUT)
    client.chat.send("three four", session_id=first["sessionId"])
    assert server.wait_idle(TIMEOUT)
    # Each turn: run_start, 9 words, usage, done = 12 events; the second goes on from 13.
    replay = read_events(server, first["sessionId"], last_event_id="7", turns=2)
    assert [e["_id"] for e in replay] == list(range(8, 25))
    assert replay[5]["type"] == "run_start" and replay[5]["_id"] == 13
    garbage = read_events(server, first["sessionId"], last_event_id="abc")
    assert garbage[0]["_id"] == 1


def test_tool_turn(server: LocalEthosServer, client: EthosClient) -> None:
    client.call("memory.write", {"personalityId": "researcher", "store": "memory", "content": "remember me"})
    sent = client.chat.send("USE_TOOL:memory_read")
    events = read_events(server, sent["sessionId"])
    start = next(e for e in events if e["type"] == "tool_start")
    end = next(e for e in events if e["type"] == "tool_end")
    assert start["toolName"] == end["toolName"] == "memory_read"
    assert end["ok"] is True and end["result"] == "remember me"
    assert events[-1]["turnCount"] == 2 and "remember me" in events[-1]["text"]


def test_fail_ends_in_an_error_event(server: LocalEthosServer, client: EthosClient) -> None:
    sent = client.chat.send("please FAIL")
    events = read_events(server, sent["sessionId"], until="error")
    assert [e["type"] for e in events] == ["run_start", "error"]
    assert events[-1]["code"] and events[-1]["error"]


def test_abort_ends_a_slow_turn_with_the_partial_text(server: LocalEthosServer, client: EthosClient) -> None:
    sent = client.chat.send("SLOW one two three four five six seven")
    assert client.chat.steer(sent["sessionId"], "faster")["ok"] is True
    read_events(server, sent["sessionId"], until="text_delta")
    assert client.chat.abort(sent["sessionId"]) == {"ok": True}
    events = read_events(server, sent["sessionId"])
    partial = "".join(e["text"] for e in events if e["type"] == "text_delta")
    assert events[-1]["type"] == "done" and events[-1]["text"] == partial
    assert partial and len(partial) < len("Hello from the fake LLM. You said: SLOW one two three four five six seven")
    assert server.wait_idle(TIMEOUT)
    assert client.chat.steer(sent["sessionId"], "too late") == {"ok": False}


def test_send_to_unknown_session_is_404(client: EthosClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.chat.send("hi", session_id="nope")
    assert caught.value.code == "SESSION_NOT_FOUND"


# ------------------------------------------------------------------ sessions


def test_list_orders_pinned_then_recent_and_pages_by_offset(server: LocalEthosServer, client: EthosClient) -> None:
    ids = []
    for text in ("alpha", "beta", "gamma"):
        ids.append(client.chat.send(text)["sessionId"])
        assert server.wait_idle(TIMEOUT)
    client.sessions.pin(ids[0])
    assert [s["id"] for s in client.sessions.list()["items"]] == [ids[0], ids[2], ids[1]]
    page = client.sessions.list(limit=2)
    assert len(page["items"]) == 2 and page["nextCursor"]
    rest = client.sessions.list(limit=2, cursor=page["nextCursor"])
    assert [s["id"] for s in rest["items"]] == [ids[1]] and rest["nextCursor"] is None
    assert [s["id"] for s in client.sessions.list(q="BETA")["items"]] == [ids[1]]


def test_update_fork_delete(server: LocalEthosServer, client: EthosClient) -> None:
    sid = client.chat.send("hello")["sessionId"]
    assert server.wait_idle(TIMEOUT)
    assert client.sessions.update(sid, title=None)["session"]["title"] is None
    version = client.sessions.get(sid)["session"]["version"]
    with pytest.raises(ConflictError):
        client.sessions.update(sid, title="x", expected_version=version + 1)
    fork = client.sessions.fork(sid)["session"]
    assert fork["parentSessionId"] == sid
    assert len(client.sessions.get(fork["id"])["messages"]) == 2
    client.sessions.delete(fork["id"])
    with pytest.raises(NotFoundError):
        client.sessions.get(fork["id"])
    with pytest.raises(NotFoundError):
        client.sessions.delete(fork["id"])
    assert "hello" in client.sessions.export(sid, "markdown")["content"]


def test_validation_issues_look_like_the_real_ones(client: EthosClient) -> None:
    with pytest.raises(APIStatusError) as caught:
        client.sessions.list(limit=500)
    assert caught.value.status == 400
    assert caught.value.issues == [{"origin": "number", "code": "too_big", "maximum": 200, "inclusive": True,
                                    "path": ["limit"], "message": "Too big: expected number to be <=200"}]


# ----------------------------------------------------------------------- auth


def test_keys_are_limited_to_their_scopes_and_origins(server: LocalEthosServer) -> None:
    readonly = server.create_key(["sessions:read"], origins=["http://app.example"])
    with EthosClient(server.base_url, api_key=readonly, origin="http://app.example", max_retries=0) as client:
        assert client.sessions.list()["items"] == []
        with pytest.raises(PermissionDeniedError) as caught:
            client.chat.send("hi")
        assert caught.value.message == 'API key is missing required scope "chat:send".'
    with EthosClient(server.base_url, api_key=readonly, origin="http://other.example", max_retries=0) as client:
        with pytest.raises(PermissionDeniedError):
            client.sessions.list()
    server.revoke_key(readonly)
    with EthosClient(server.base_url, api_key=readonly, origin="http://app.example", max_retries=0) as client:
        with pytest.raises(AuthenticationError):
            client.sessions.list()


def test_login_rotates_the_token(server: LocalEthosServer) -> None:
    old_url, old_token = server.login_url, server.web_token
    response = requests.get(old_url, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302 and response.headers["location"] == "/"
    new_token = response.cookies["ethos_auth"]
    assert new_token == server.web_token != old_token
    assert requests.get(old_url, allow_redirects=False, timeout=TIMEOUT).status_code == 401
    headers = {"Origin": server.base_url, "Content-Type": "application/json"}
    body = json.dumps({"json": {}})
    url = f"{server.base_url}/rpc/sessions/list"
    assert requests.post(url, data=body, headers={**headers, "Cookie": f"ethos_auth={old_token}"}, timeout=TIMEOUT).status_code == 401
    assert requests.post(url, data=body, headers={**headers, "Cookie": f"ethos_auth={new_token}"}, timeout=TIMEOUT).status_code == 200


def test_request_id_is_echoed_only_when_valid(server: LocalEthosServer) -> None:
    url = f"{server.base_url}/rpc/meta/capabilities"
    good = requests.post(url, headers={"x-request-id": "abc_-=1"}, timeout=TIMEOUT)
    assert good.headers["x-request-id"] == "abc_-=1"
    bad = requests.post(url, headers={"x-request-id": "has space!"}, timeout=TIMEOUT)
    assert bad.headers["x-request-id"] != "has space!" and len(bad.headers["x-request-id"]) == 36


# --------------------------------------------------------------------- faults


def test_fail_next_answers_503_and_counts_requests(server: LocalEthosServer) -> None:
    server.faults.fail_next(2, retry_after="0")
    with server.client(timeout=TIMEOUT, max_retries=2) as client:
        assert client.sessions.list()["items"] == []
    assert server.request_counts["sessions.list"] == 3
    server.faults.fail_next(1)
    with server.client(timeout=TIMEOUT, max_retries=3) as client:
        with pytest.raises(APIStatusError) as caught:
            client.chat.send("hi")
    assert caught.value.status == 503
    assert server.request_counts["chat.send"] == 1


def test_drop_stream_after_and_restart(server: LocalEthosServer, client: EthosClient) -> None:
    sent = client.chat.send("a b c d")
    assert server.wait_idle(TIMEOUT)
    server.faults.drop_stream_after(2)
    headers = {"Authorization": f"Bearer {server.api_key}", "Origin": server.origin}
    with requests.get(f"{server.base_url}/sse/sessions/{sent['sessionId']}", headers=headers, stream=True,
                      timeout=TIMEOUT) as response:
        seen = []
        with pytest.raises(requests.exceptions.RequestException):
            for line in response.iter_lines():
                if line.startswith(b"id: "):
                    seen.append(int(line[4:]))
        assert seen == [1, 2]
    server.faults.restart_event_buffer()
    client.chat.send("again", session_id=sent["sessionId"])
    events = read_events(server, sent["sessionId"])
    assert events[0]["_id"] == 1 and events[0]["type"] == "run_start"


def test_delay_responses(server: LocalEthosServer) -> None:
    server.faults.delay_responses(5)
    with server.client(timeout=(5, 0.3), max_retries=0) as client:
        with pytest.raises(Exception):
            client.sessions.list()
    server.faults.clear()
    with server.client(timeout=TIMEOUT, max_retries=0) as client:
        assert client.sessions.list()["items"] == []


# ------------------------------------------------------------------------ CLI


@contextlib.contextmanager
def running_cli(*flags: str) -> Iterator[List[str]]:
    """Run ``python -m ethos_sdk.testing --port 0 <flags>``; yield its banner; Ctrl-C must end it with 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ethos_sdk.testing", "--port", "0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    try:
        assert process.stdout is not None
        yield [process.stdout.readline() for _ in range(6)]
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)


def test_cli_prints_credentials_and_exits_on_ctrl_c() -> None:
    with running_cli() as lines:
        base_url = lines[0].strip().rsplit(" ", 1)[1]
        key = lines[2].strip().rsplit(" ", 1)[1]
        login = lines[3].strip().rsplit(" ", 1)[1]
        assert "on purpose" in lines[1]
        assert key.startswith("sk-ethos-") and login.startswith(f"{base_url}/auth/exchange?t=")
        with EthosClient(base_url, api_key=key, origin=base_url, timeout=TIMEOUT) as client:
            assert client.sessions.list()["items"] == []


# ---------------------------------------------------------------- connections


def _request(method: str, path: str, headers: Dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _exchange(sock: socket.socket, request: bytes) -> Tuple[int, Dict[str, str], int]:
    """Send ``request`` on ``sock``; return the answer's status, headers and how many reads it took."""
    sock.sendall(request)
    data = b""
    reads = 0
    length: Optional[int] = None
    while length is None or len(data) < length:
        chunk = sock.recv(1 << 20)
        assert chunk, f"the server closed the connection after {data[:200]!r}"
        data += chunk
        reads += 1
        if length is None and b"\r\n\r\n" in data:
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            length = data.index(b"\r\n\r\n") + 4 + int(headers["content-length"])
    return int(head[0].split()[1]), headers, reads


def test_each_answer_arrives_whole_and_errors_keep_the_connection(server: LocalEthosServer) -> None:
    # An answer written as headers then body waited ~40 ms for the client's
    # delayed ACK (Nagle); a connection closed after an error cost a reconnect.
    # Every answer must arrive in one piece, on the same connection.
    rpc = {"Authorization": f"Bearer {server.api_key}", "Origin": server.origin, "Content-Type": "application/json"}
    cookie = {"Cookie": f"ethos_auth={server.web_token}"}
    steps = [
        ("ok", _request("POST", "/rpc/sessions/list", rpc, b'{"json":{}}'), 200),
        ("experimental namespace", _request("POST", "/rpc/nope/thing", rpc, b'{"json":{}}'), 403),
        ("unknown session", _request("POST", "/rpc/sessions/get", rpc, b'{"json":{"id":"missing"}}'), 404),
        ("download outside the workdir", _request("GET", "/documents/download?path=../x", cookie), 403),
        ("download of a missing file", _request("GET", "/documents/download?path=none.txt", cookie), 404),
        ("avatar of nobody", _request("GET", "/api/personalities/nobody/avatar", cookie), 404),
        ("metrics without a key", _request("GET", "/metrics", {}), 401),
        ("ok again", _request("POST", "/rpc/sessions/list", rpc, b'{"json":{}}'), 200),
    ]
    host, port = server.base_url.rsplit("/", 1)[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        for what, request, expected in steps:
            status, headers, reads = _exchange(sock, request)
            assert status == expected, what
            assert headers.get("connection", "").lower() != "close", what
            assert reads == 1, f"{what}: the answer came in {reads} pieces"


def test_clients_leaving_mid_answer_leave_no_traceback(server: LocalEthosServer, client: EthosClient,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Answers are buffered until flushed: a client gone before the flush must
    # end its connection quietly, not print the server's traceback.
    session_id = client.chat.send("hello")["sessionId"]
    auth = {"Authorization": f"Bearer {server.api_key}", "Origin": server.origin,
            "Content-Type": "application/json", "Cookie": f"ethos_auth={server.web_token}"}
    host, port = server.base_url.rsplit("/", 1)[1].rsplit(":", 1)
    for method, path in (("GET", f"/sse/sessions/{session_id}"), ("GET", "/sse/system"), ("POST", "/rpc/sessions/list")):
        for i in range(10):
            sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
            sock.sendall(_request(method, path, auth, b"{}"))
            if i % 2:
                time.sleep(0.02)  # leave after the server started answering
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # a reset, as a killed client leaves
    assert client.sessions.list(limit=1)["items"][0]["id"] == session_id
    time.sleep(0.3)  # let the handlers of the reset connections finish
    assert "Traceback" not in capsys.readouterr().err


SURFACE_FLAGS = {
    "--system-ping-interval": ("system_ping_interval", "0.25", 0.25),
    "--goal-poll-interval": ("goal_poll_interval", "0.1", 0.1),
    "--goal-step-delay": ("goal_step_delay", "0", 0.0),
    "--slow-goal-step-delay": ("slow_goal_step_delay", "0.02", 0.02),
    "--work-step-delay": ("work_step_delay", "0.01", 0.01),
    "--slow-work-step-delay": ("slow_work_step_delay", "0.2", 0.2),
    "--documents-dir": ("documents_dir", "docs-here", "docs-here"),
}


def test_cli_flags_are_the_servers_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [part for flag, (_, text, _) in SURFACE_FLAGS.items() for part in (flag, text)]
    options = server_options(argv)
    expected = {name: value for name, _, value in SURFACE_FLAGS.values()}
    assert options == {"host": "127.0.0.1", "port": 3000, **expected}
    accepted = inspect.signature(LocalEthosServer).parameters
    assert set(options) <= set(accepted)
    # Options not given are left out: the server's own defaults apply.
    assert server_options([]) == {"host": "127.0.0.1", "port": 3000}
    with pytest.raises(SystemExit):
        server_options(["--help"])
    shown = capsys.readouterr().out
    for flag in SURFACE_FLAGS:
        assert flag in shown


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--system-ping-interval", "0"], "above 0"),
        (["--goal-poll-interval", "-1"], "above 0"),
        (["--goal-step-delay", "-0.5"], "0 or more"),
        (["--slow-goal-step-delay", "soon"], "not a number of seconds"),
        (["--goal-poll-interval", "nan"], "above 0"),
    ],
)
def test_cli_refuses_bad_seconds(argv: List[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        server_options(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_a_file_as_documents_dir(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("x")
    with pytest.raises(SystemExit):
        server_options(["--documents-dir", str(file)])
    assert "is a file, not a folder" in capsys.readouterr().err


def test_cli_serves_documents_and_pings_as_told(tmp_path: Any) -> None:
    (tmp_path / "researcher").mkdir()
    (tmp_path / "researcher" / "report.txt").write_bytes(b"from the folder given")
    with running_cli("--documents-dir", str(tmp_path), "--system-ping-interval", "0.05") as lines:
        base_url = lines[0].strip().rsplit(" ", 1)[1]
        login = lines[3].strip().rsplit(" ", 1)[1]
        assert lines[4].strip().endswith(str(tmp_path / "researcher"))
        with EthosClient.from_login_url(login, timeout=TIMEOUT) as client:
            assert client.documents.download("report.txt").content == b"from the folder given"
            cookie = {"Cookie": f"ethos_auth={client._transport.credentials.secret}"}
        # The first frame of /sse/system is a ping: within the read timeout with
        # the interval given (the default, 25 s, would outlast it).
        with requests.get(f"{base_url}/sse/system", headers=cookie, stream=True, timeout=TIMEOUT) as response:
            assert response.status_code == 200
            first = next(line for line in response.iter_lines() if line.startswith(b"data: "))
        assert json.loads(first[6:]) == {"type": "ping"}
