"""Replay the human-in-the-loop transcripts (``tests/wire/hitl``) against ``LocalEthosServer``.

Each scenario (the files sharing a prefix) is played as it was captured: a
setup turn makes the session (its 14 frames numbered as in the capture, so
``Last-Event-ID`` values carry over), the session stream ``01`` is opened,
``02`` sends the turn, and once its ``tool.approval_required`` or
``clarify.request`` arrives the answering requests ``03+`` follow, with the
recorded session, approval and question ids swapped for the live ones.
Reconnects made "while pending" are opened before the answers. Answers are
compared as in ``test_fidelity.py`` (status, error code/message/data, keys and
JSON types), streams by the order of event types and each event's shape.
(``scope-allowlist-diff.txt`` is no HTTP exchange and has no ``.bin``: not loaded.)
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from ethos_sdk.testing import LocalEthosServer

from .test_fidelity import (
    RECORDED_COOKIE,
    RECORDED_SECRET,
    Stream,
    _frames,
    _parse_frame,
    check_response,
    check_stream,
)
from .wire import Exchange, all_exchanges

PUSH_TYPES = ("tool.approval_required", "clarify.request")
SETUP_TEXT = "setup turn of capture"  # 14 frames, as the capture's uncaptured setup turn
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

SKIPPED_SCENARIOS: Dict[str, str] = {}  # scenario -> why it cannot be replayed (printed)


def _scenario(name: str) -> str:
    return re.sub(r"-\d\d-.*$", "", name)


def _is_stream(exchange: Exchange) -> bool:
    return "text/event-stream" in (exchange.response.header("content-type") or "")


class HitlReplayer:
    def __init__(self, server: LocalEthosServer) -> None:
        self.server = server
        origin = ["http://127.0.0.1:18300"]
        self.keys = {
            "full": server.create_key(origins=origin, name="wire-hitl-full"),
            "readonly": server.create_key(["sessions:read"], origin, name="wire-hitl-readonly"),
        }
        self.ids: Dict[str, str] = {}

    def last_seq(self, session_id: str) -> int:
        buffer = self.server._state.hub._buffers.get(session_id)
        return 0 if buffer is None else buffer.next_seq - 1

    def setup_session(self) -> str:
        with self.server.client(timeout=10) as client:
            session_id = client.chat.send(SETUP_TEXT)["sessionId"]
        assert self.server.wait_idle(10)
        assert self.last_seq(session_id) == 14, "the setup turn must number its frames as the capture's did"
        return session_id

    def rewrite(self, exchange: Exchange, last_event_id: Optional[str] = None) -> Tuple[str, Dict[str, str], bytes]:
        target, body = exchange.target, exchange.request.body
        for recorded, live in self.ids.items():
            target = target.replace(recorded, live)
            body = body.replace(recorded.encode(), live.encode())
        if exchange.target.startswith("/rpc/chat/send"):
            data = json.loads(body)
            data["json"].pop("personalityId", None)  # "wire-hitl": made for the capture, then deleted
            data["json"]["text"] = re.sub(r'"timeout_s":\d+', '"timeout_s":1', data["json"]["text"])
            body = json.dumps(data).encode()
        readonly = "readonly" in exchange.name
        headers: Dict[str, str] = {}
        for name, value in exchange.request.headers:
            lower = name.lower()
            if lower in ("host", "content-length", "connection", "transfer-encoding"):
                continue
            if lower == "authorization":
                value = value.replace(RECORDED_SECRET, self.keys["readonly" if readonly else "full"])
            if lower == "cookie":
                value = value.replace(RECORDED_COOKIE, self.server.web_token)
            if lower == "last-event-id" and last_event_id is not None:
                value = last_event_id
            headers[name] = value
        return target, headers, body

    def send(self, exchange: Exchange) -> List[str]:
        import http.client

        target, headers, body = self.rewrite(exchange)
        host, port = self.server.base_url.rsplit("/", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request(exchange.method, target, body=body or None, headers=headers)
            response = conn.getresponse()
            status, response_headers, data = (
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            conn.close()
        return check_response(exchange, status, response_headers, data, self.ids)

    def open(self, exchange: Exchange, last_event_id: Optional[str] = None) -> Stream:
        import http.client

        target, headers, _ = self.rewrite(exchange, last_event_id)
        host, port = self.server.base_url.rsplit("/", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", target, headers=headers)
        return Stream(conn, conn.getresponse())


def _read_until(stream: Stream, kinds: Tuple[str, ...], seconds: float) -> Optional[Dict[str, Any]]:
    """Read frames until one of ``kinds`` arrives (or ``seconds`` pass); return that event."""
    deadline = time.monotonic() + seconds
    seen = 0
    while time.monotonic() < deadline:
        frames = stream.read(seen + 1, max(0.05, deadline - time.monotonic()))
        for frame in frames[seen:]:
            event = _parse_frame(frame)[0]
            if event.get("type") in kinds:
                return event
        if len(frames) == seen:
            return None
        seen = len(frames)
    return None


def _compare_stream(exchange: Exchange, stream: Stream, idle: float) -> List[str]:
    recorded = _frames(exchange.response.body)
    if _parse_frame(recorded[-1])[0].get("type") not in ("done", "error"):
        live = stream.read(len(recorded), idle)  # captured part-way: compare that part
    else:
        # Read to the turn's end, whatever the number of words in the local reply.
        live = stream.read(1, idle)
        while live and _parse_frame(live[-1])[0].get("type") not in ("done", "error"):
            count = len(live)
            live = stream.read(count + 1, idle)
            if len(live) == count:
                break
    if stream.response.status != exchange.status:
        return [f"status: recorded {exchange.status}, live {stream.response.status}"]
    return check_stream(recorded, live, exact_ids=False)


def replay(replayer: HitlReplayer, exchanges: List[Exchange]) -> Dict[str, List[str]]:
    """Play one scenario; the problems found, by exchange name."""
    problems: Dict[str, List[str]] = {}
    first, send, rest = exchanges[0], exchanges[1], exchanges[2:]
    recorded_session = UUID.findall(first.target)[0]
    replayer.ids = {recorded_session: replayer.setup_session()}
    main = replayer.open(first)
    opened: List[Tuple[Exchange, Stream]] = [(first, main)]
    try:
        main.read(1, 2.0)  # stream_meta: subscribed
        problems[send.name] = replayer.send(send)
        push = _read_until(main, PUSH_TYPES, 5.0)
        recorded_push = next(
            (e for e in (_parse_frame(f)[0] for f in _frames(first.response.body)[1:]) if e["type"] in PUSH_TYPES), None
        )
        if recorded_push is not None:
            if push is None:
                problems[first.name] = [f"no {recorded_push['type']} within 5 s"]
                return problems
            for key in ("approvalId", "requestId"):
                if key in recorded_push.get("request", recorded_push):
                    recorded_id = recorded_push.get("request", recorded_push)[key]
                    replayer.ids[recorded_id] = push.get("request", push)[key]
        for exchange in [e for e in rest if _is_stream(e) and "reconnect" in e.name]:
            opened.append((exchange, replayer.open(exchange)))  # while the request is pending
        for exchange in rest:
            if _is_stream(exchange) and "reconnect" in exchange.name:
                continue
            if _is_stream(exchange):  # a later turn's stream, opened at the end of the first
                _read_until(main, ("done", "error"), 5.0)
                assert replayer.server.wait_idle(5)
                live_id = str(replayer.last_seq(replayer.ids[recorded_session]))
                stream = replayer.open(exchange, live_id)
                stream.read(1, 2.0)
                opened.append((exchange, stream))
                continue
            problems[exchange.name] = replayer.send(exchange)
        for exchange, stream in opened:
            problems[exchange.name] = problems.get(exchange.name, []) + _compare_stream(exchange, stream, 1.5)
    finally:
        for _, stream in opened:
            stream.close()
        replayer.server.wait_idle(5)
    return {name: found for name, found in problems.items() if found}


@pytest.fixture(scope="module")
def scenarios(wire_dir: Path) -> Dict[str, List[Exchange]]:
    grouped: Dict[str, List[Exchange]] = {}
    for exchange in all_exchanges(wire_dir / "hitl"):
        grouped.setdefault(_scenario(exchange.name), []).append(exchange)
    return grouped


@pytest.fixture(scope="module")
def live_server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as server:
        yield server


def test_hitl_transcripts_replay(live_server: LocalEthosServer, scenarios: Dict[str, List[Exchange]]) -> None:
    replayer = HitlReplayer(live_server)
    failures: Dict[str, List[str]] = {}
    covered: List[str] = []
    skipped: List[Tuple[str, str]] = []
    for scenario, exchanges in sorted(scenarios.items()):
        reason = SKIPPED_SCENARIOS.get(scenario)
        if reason:
            skipped += [(e.name, reason) for e in exchanges]
            continue
        covered += [e.name for e in exchanges]
        failures.update(replay(replayer, exchanges))
    print(f"\nreplayed {len(covered)} hitl transcripts:")
    for name in covered:
        print(f"  {'FAIL' if name in failures else 'ok  '} {name}")
    print(f"skipped {len(skipped)}:")
    for name, reason in skipped:
        print(f"  {name}: {reason}")
    assert not failures, json.dumps(failures, indent=1)
    assert len(covered) >= 60
