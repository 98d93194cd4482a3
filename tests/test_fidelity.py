"""Replay the recorded transcripts against ``LocalEthosServer`` and compare the answers.

Each request of ``tests/wire`` is sent again, in file-name order, to
one local server, after rewriting what cannot be replayed as it is: the
recorded keys and cookie become live ones (with the scopes and origins each
capture implies), and recorded session and key ids become the live ids the
earlier replays produced. The comparison covers the status, the error code,
message and action, the set of keys and the JSON types of the body
(recursively), the request id header and, for streams, the framing and the
order of event types. Ids, timestamps and the text of replies may differ.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from ethos_sdk.testing import LocalEthosServer

from .wire import Exchange, all_exchanges

RECORDED_ORIGIN = "http://127.0.0.1:18300"
RECORDED_SECRET = "sk-ethos-" + "f" * 64
RECORDED_COOKIE = "f" * 64
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

SKIPPED: Dict[str, str] = {
    "cors-01-preflight-rpc": "CORS preflight: the local server does not answer OPTIONS as a CORS endpoint",
    "err-34-openapi-spec-bearer": "the /openapi surface is not implemented",
    "err-35-healthz": "replayed with the other /healthz captures by tests/test_fidelity_surfaces.py",
    "err-37-v1-models-bearer": "the OpenAI-compatible /v1 API is not implemented",
    "err-38-v1-models-no-auth": "the OpenAI-compatible /v1 API is not implemented",
    "rpc-16-sessions-list-openapi-surface-cookie": "the /openapi surface is not implemented",
    "rpc-17-sessions-list-openapi-surface-bearer": "the /openapi surface is not implemented",
    "scope-04-metrics-with-full-key": "replayed with the other /metrics captures by tests/test_fidelity_surfaces.py",
    "scope-07-sse-system-cookie": "replayed with the other /sse/system captures by tests/test_fidelity_surfaces.py",
}
SKIPPED_PREFIXES = {"openapi-": "the /openapi surface is not implemented"}

# Which key each capture used, judged from its name and note.
KEY_FOR: Dict[str, str] = {
    "err-07-scope-missing-chat-send": "readonly",
    "err-08-scope-ok-readonly-sessions-list": "readonly",
    "err-09-scope-missing-memory-read": "readonly",
    "err-32-sse-readonly-key-ok": "readonly",
    "scope-01-sse-with-events-subscribe-only": "events",
    "scope-02-memory-list-with-memory-write-only": "memory-write",
    "scope-03-memory-write-with-memory-write-only": "memory-write",
    "scope-05-steer-needs-chat-send": "memory-write",
    "err-28-bearer-revoked-key": "revoked",
    "err-03-bad-api-key": "unknown",
    "chat-09-send-after-restart": "unpinned",
    "sse-11-after-server-restart-seq-reset": "unpinned",
    "sse-12-after-server-restart-full-replay": "unpinned",
}

# Keys whose recorded value may be null while the live one is set (or the reverse):
# they depend on what happened before, not on the shape.
STATE_NULLABLE = {"title", "lastUsed", "modifiedAt", "nextCursor", "revokedAt", "toolCalls", "toolCallId", "toolName", "anatomy"}


def _skip_reason(name: str) -> Optional[str]:
    if name in SKIPPED:
        return SKIPPED[name]
    for prefix, reason in SKIPPED_PREFIXES.items():
        if name.startswith(prefix):
            return reason
    return None


# ------------------------------------------------------------------ comparison


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compare_shape(recorded: Any, live: Any, path: str = "$", key: str = "") -> List[str]:
    """Differences in keys and JSON types between two bodies (empty list: same shape)."""
    rt, lt = _json_type(recorded), _json_type(live)
    if rt != lt:
        if key in STATE_NULLABLE and "null" in (rt, lt):
            return []
        return [f"{path}: recorded {rt}, live {lt}"]
    problems: List[str] = []
    if rt == "object":
        if set(recorded) != set(live):
            problems.append(f"{path}: keys differ: recorded {sorted(recorded)}, live {sorted(live)}")
        for name in set(recorded) & set(live):
            problems += compare_shape(recorded[name], live[name], f"{path}.{name}", name)
    elif rt == "array" and recorded and live:
        # Item counts depend on state; every live item must look like the recorded ones.
        for index, item in enumerate(live):
            model = recorded[min(index, len(recorded) - 1)]
            if isinstance(model, dict) and isinstance(item, dict) and "id" in model:
                model = next((r for r in recorded if r.get("id") == item.get("id")), model)
            problems += compare_shape(model, item, f"{path}[{index}]", key)
    return problems


# ---------------------------------------------------------------------- replay


class Replayer:
    """Sends recorded requests to the local server, rewriting credentials and ids."""

    def __init__(self, server: LocalEthosServer) -> None:
        self.server = server
        self.ids: Dict[str, str] = {}
        pinned = [RECORDED_ORIGIN]
        self.keys = {
            "full": server.create_key(origins=pinned, name="wire-full"),
            "readonly": server.create_key(["sessions:read"], pinned, name="wire-readonly"),
            "events": server.create_key(["events:subscribe"], pinned, name="events-only"),
            "memory-write": server.create_key(["memory:write"], pinned, name="memory-write-only"),
            "revoked": server.create_key(origins=pinned, name="revoked"),
            "unpinned": server.create_key(origins=[], name="cli-made"),
            "unknown": "sk-ethos-" + "0123456789abcdef" * 4,
        }
        server.revoke_key(self.keys["revoked"])
        self.last_exchange_token: Optional[str] = None

    def _live_id(self, recorded: str) -> str:
        if recorded not in self.ids:
            # A session the captures made outside any transcript: make one now.
            client = self.server.client(timeout=10)
            try:
                self.ids[recorded] = client.chat.send("a session made before the capture")["sessionId"]
            finally:
                client.close()
            self.server.wait_idle()
        return self.ids[recorded]

    def rewrite(self, exchange: Exchange) -> Tuple[str, str, Dict[str, str], bytes]:
        target = exchange.target
        body = exchange.request.body
        for recorded in set(UUID.findall(target) + UUID.findall(body.decode("utf-8", "replace"))):
            live = self._live_id(recorded)
            target = target.replace(recorded, live)
            body = body.replace(recorded.encode(), live.encode())
        headers: Dict[str, str] = {}
        for name, value in exchange.request.headers:
            lower = name.lower()
            if lower in ("host", "content-length", "connection", "transfer-encoding"):
                continue
            if lower == "authorization" and RECORDED_SECRET in value:
                value = value.replace(RECORDED_SECRET, self.keys[KEY_FOR.get(exchange.name, "full")])
            if lower == "cookie" and RECORDED_COOKIE in value:
                value = value.replace(RECORDED_COOKIE, self.server.web_token)
            headers[name] = value
        if exchange.name.startswith("auth-") and "t=" + RECORDED_COOKIE in target:
            if exchange.name.startswith("auth-03"):
                self.last_exchange_token = self.server.web_token
            token = self.last_exchange_token or self.server.web_token
            target = target.replace("t=" + RECORDED_COOKIE, "t=" + token)
        return exchange.method, target, headers, body

    def learn(self, exchange: Exchange, live: Any) -> None:
        """Remember the live ids of what a replay created (sessions, forks, keys)."""
        try:
            recorded = exchange.response.json()
        except ValueError:
            return
        if not (isinstance(recorded, dict) and isinstance(live, dict) and "json" in recorded and "json" in live):
            return
        rec, got = recorded["json"], live["json"]
        if not isinstance(rec, dict) or not isinstance(got, dict):
            return
        for outer, inner in (("sessionId", None), ("session", "id"), ("key", "id")):
            r = rec.get(outer)
            g = got.get(outer)
            if inner is not None:
                r = r.get(inner) if isinstance(r, dict) else None
                g = g.get(inner) if isinstance(g, dict) else None
            if isinstance(r, str) and isinstance(g, str) and UUID.fullmatch(r):
                self.ids.setdefault(r, g)

    def send(self, method: str, target: str, headers: Dict[str, str], body: bytes) -> Tuple[int, Dict[str, str], bytes]:
        host, port = self.server.base_url.rsplit("/", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request(method, target, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def open_stream(self, target: str, headers: Dict[str, str]) -> "Stream":
        host, port = self.server.base_url.rsplit("/", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", target, headers=headers)
        return Stream(conn, conn.getresponse())


class Stream:
    """An open SSE response read frame by frame with a deadline."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        self.conn = conn
        self.response = response
        self.buffer = b""
        self.frames: List[bytes] = []

    def read(self, count: int, idle: float) -> List[bytes]:
        """Frames until ``count`` are in or nothing arrives for ``idle`` seconds."""
        assert self.conn.sock is not None
        self.conn.sock.settimeout(idle)
        while len(self.frames) < count:
            try:
                data = self.response.read1(65536)
            except (socket.timeout, TimeoutError):
                break
            if not data:
                break
            self.buffer += data
            while b"\n\n" in self.buffer:
                frame, self.buffer = self.buffer.split(b"\n\n", 1)
                self.frames.append(frame + b"\n\n")
        return self.frames

    def close(self) -> None:
        self.conn.close()


def _frames(body: bytes) -> List[bytes]:
    return [part + b"\n\n" for part in body.split(b"\n\n") if part]


def _parse_frame(frame: bytes) -> Tuple[Dict[str, Any], Optional[int], List[str]]:
    lines = frame.decode("utf-8").rstrip("\n").split("\n")
    fields = [line.split(":", 1)[0] for line in lines]
    event = json.loads(lines[0][len("data: ") :])
    seq = int(lines[1][len("id: ") :]) if len(lines) > 1 else None
    return event, seq, fields


def _collapsed(types: List[str]) -> List[str]:
    out: List[str] = []
    for name in types:
        if not (name == "text_delta" and out and out[-1] == "text_delta"):
            out.append(name)
    return out


def check_stream(recorded: List[bytes], live: List[bytes], exact_ids: bool) -> List[str]:
    problems: List[str] = []
    if not live:
        return ["no frame at all"]
    first, seq, fields = _parse_frame(live[0])
    if first.get("type") != "stream_meta" or seq is not None or fields != ["data"]:
        problems.append(f"first frame is not a bare stream_meta: {live[0]!r}")
    rec_events = [_parse_frame(f) for f in recorded[1:]]
    live_events = [_parse_frame(f) for f in live[1:]]
    for event, seq, fields in live_events:
        if fields != ["data", "id"] or seq is None:
            problems.append(f"event frame is not 'data' then 'id': {fields}")
    rec_types = _collapsed([e["type"] for e, _, _ in rec_events])
    live_types = _collapsed([e["type"] for e, _, _ in live_events])[: len(rec_types)]
    if rec_types != live_types:
        problems.append(f"event types differ: recorded {rec_types}, live {live_types}")
    for (rec, _, _), (got, _, _) in zip(rec_events, live_events):
        if rec["type"] == got["type"]:
            problems += compare_shape(rec, got, f"event {rec['type']}")
    if exact_ids:
        rec_ids = [s for _, s, _ in rec_events]
        live_ids = [s for _, s, _ in live_events][: len(rec_ids)]
        if rec_ids != live_ids:
            problems.append(f"ids differ: recorded {rec_ids}, live {live_ids}")
    return problems


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def check_response(exchange: Exchange, status: int, headers: Dict[str, str], body: bytes, ids: Dict[str, str]) -> List[str]:
    problems: List[str] = []
    if status != exchange.status:
        problems.append(f"status: recorded {exchange.status}, live {status}")
    if "x-request-id" not in headers:
        problems.append("no x-request-id header")
    sent_id = exchange.request.header("x-request-id")
    if sent_id and headers.get("x-request-id") != sent_id:
        problems.append("x-request-id not echoed")
    recorded_type = (exchange.response.header("content-type") or "").split(";")[0]
    if recorded_type != (headers.get("content-type") or "").split(";")[0]:
        problems.append(f"content-type: recorded {recorded_type}, live {headers.get('content-type')}")
    if exchange.status == 302:
        for name in ("location",):
            if headers.get(name) != exchange.response.header(name):
                problems.append(f"{name} differs")
        rec_cookie = (exchange.response.header("set-cookie") or "").split(";", 1)[1]
        live_cookie = headers.get("set-cookie", ";").split(";", 1)[1]
        if rec_cookie != live_cookie:
            problems.append(f"set-cookie attributes: recorded {rec_cookie}, live {live_cookie}")
        return problems
    if not _is_json(exchange.response.body):
        if body != exchange.response.body:
            problems.append(f"body: recorded {exchange.response.body!r}, live {body[:200]!r}")
        return problems
    recorded, live = exchange.response.json(), json.loads(body)
    problems += compare_shape(recorded, live)
    if isinstance(recorded, dict) and recorded.get("ok") is False:
        for name in ("code", "error", "action"):
            if recorded.get(name) != live.get(name):
                problems.append(f"{name}: recorded {recorded.get(name)!r}, live {live.get(name)!r}")
        if "requestId" in live and live["requestId"] != headers.get("x-request-id"):
            problems.append("requestId differs from the x-request-id header")
    elif isinstance(recorded, dict) and isinstance(recorded.get("json"), dict) and "defined" in recorded["json"]:
        rec_error, live_error = recorded["json"], live.get("json", {})
        message = rec_error.get("message")
        for old, new in ids.items():
            message = message.replace(old, new) if isinstance(message, str) else message
        expected = dict(rec_error, message=message)
        for name in ("code", "status", "message", "data"):
            if expected.get(name) != live_error.get(name):
                problems.append(f"{name}: recorded {expected.get(name)!r}, live {live_error.get(name)!r}")
    return problems


# ----------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def exchanges(wire_dir: Path) -> List[Exchange]:
    return all_exchanges(wire_dir)


@pytest.fixture(scope="module")
def live_server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(slow_word_delay=0.25) as server:
        yield server


def _replay_stream(replayer: Replayer, exchange: Exchange) -> List[str]:
    method, target, headers, _ = replayer.rewrite(exchange)
    recorded = _frames(exchange.response.body)
    restart = exchange.name.startswith("sse-11")
    if restart:
        replayer.server.faults.restart_event_buffer()
    stream = replayer.open_stream(target, headers)
    try:
        response_headers = {k.lower(): v for k, v in stream.response.getheaders()}
        problems: List[str] = []
        if stream.response.status != exchange.status:
            return [f"status: recorded {exchange.status}, live {stream.response.status}"]
        for name in ("content-type", "cache-control", "transfer-encoding", "connection"):
            if response_headers.get(name) != exchange.response.header(name):
                problems.append(f"header {name}: recorded {exchange.response.header(name)}, live {response_headers.get(name)}")
        if restart:
            # As recorded: subscribed with Last-Event-ID 16, then a turn was sent.
            stream.read(1, 2.0)
            session_id = target.rsplit("/", 1)[1]
            client = replayer.server.client(timeout=10)
            try:
                client.chat.send("turn after a server restart", session_id=session_id)
            finally:
                client.close()
        live = stream.read(len(recorded), 1.0)
        if len(live) > 0:
            meta = json.loads(live[0].decode()[len("data: ") :])
            if meta.get("requestId") != response_headers.get("x-request-id"):
                problems.append("stream_meta.requestId differs from x-request-id")
        done = [_parse_frame(f)[0] for f in recorded[1:]]
        exact = all(e.get("text", "").startswith("Hello from the fake LLM") for e in done if e["type"] == "done")
        return problems + check_stream(recorded, live, exact_ids=exact)
    finally:
        stream.close()


def test_replayed_transcripts_match(live_server: LocalEthosServer, exchanges: List[Exchange]) -> None:
    replayer = Replayer(live_server)
    covered: List[str] = []
    skipped: List[Tuple[str, str]] = []
    failures: Dict[str, List[str]] = {}
    for exchange in exchanges:
        reason = _skip_reason(exchange.name)
        if reason:
            skipped.append((exchange.name, reason))
            continue
        covered.append(exchange.name)
        is_stream = "text/event-stream" in (exchange.response.header("content-type") or "")
        if is_stream:
            live_server.wait_idle()
            problems = _replay_stream(replayer, exchange)
        else:
            if exchange.name.startswith("chat-04"):
                # As recorded, the abort comes while the SLOW reply is streaming.
                stream = replayer.open_stream(
                    f"/sse/sessions/{replayer.ids[UUID.findall(exchange.request.body.decode())[0]]}",
                    {"Authorization": f"Bearer {replayer.keys['full']}", "Origin": RECORDED_ORIGIN},
                )
                stream.read(4, 3.0)
                stream.close()
            elif not exchange.name.startswith(("chat-03", "chat-05", "chat-06")):
                live_server.wait_idle()
            method, target, headers, body = replayer.rewrite(exchange)
            status, response_headers, response_body = replayer.send(method, target, headers, body)
            problems = check_response(exchange, status, response_headers, response_body, replayer.ids)
            if _is_json(response_body):
                replayer.learn(exchange, json.loads(response_body))
        if problems:
            failures[exchange.name] = problems
    print(f"\nreplayed {len(covered)} transcripts:")
    for name in covered:
        print(f"  {'FAIL' if name in failures else 'ok  '} {name}")
    print(f"skipped {len(skipped)}:")
    for name, reason in skipped:
        print(f"  {name}: {reason}")
    assert not failures, json.dumps(failures, indent=1)
    assert len(covered) > 100
