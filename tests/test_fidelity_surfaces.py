"""Replay the recorded transcripts of the routes beside ``/rpc`` (``tests/wire/surfaces``) against ``LocalEthosServer``.

Like ``tests/test_fidelity.py`` for the RPC and session-stream captures: each
recorded request is sent again, byte for byte apart from what cannot be
replayed as it is (the cookie and keys become live ones; the capture's
personality ``wire-surfaces`` becomes the built-in ``engineer``; goal ids and
the avatar's etag become the live ones the earlier replays produced), and the
answer is compared with the recorded one: status, content type, request id,
the server's error code, message and action, the JSON shape, the exact bytes
of files and images, the download headers, and for the streams the framing,
ids and the order of event types. The few captures that cannot be replayed are
printed with the reason.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, cast

import pytest

from ethos_sdk.testing import LocalEthosServer

from .conftest import WIRE_DIR, report
from .test_fidelity import RECORDED_COOKIE, RECORDED_SECRET, Stream, compare_shape
from .wire import Exchange, all_exchanges, load_exchange

SURFACES = WIRE_DIR / "surfaces"
EARLIER = ("err-35-healthz", "scope-04-metrics-with-full-key", "scope-07-sse-system-cookie")
"""Captures of these routes made with the RPC ones (``tests/wire``), replayed here too."""
PERSONALITY = ("wire-surfaces", "engineer")  # the capture's personality, and the built-in standing in for it
GOAL_ID = re.compile(r"g_[0-9a-f]{16}")
PROMETHEUS_LINE = re.compile(r"^(# TYPE ethos_\w+ (counter|gauge|histogram|summary)|ethos_\w+(\{[^}]*\})? [-+0-9.eE]+)$")

KEY_FOR: Dict[str, str] = {
    "metrics-02-bearer-readonly-key": "readonly-metrics",
    "metrics-03-bearer-no-origin-any-origin-key": "unpinned",
    "sysevents-02-bearer-readonly-key": "readonly",
    "goalsse-12-bearer-readonly-key": "readonly",
}

NOT_REPLAYED: Dict[str, str] = {
    "avatar-17-personality-get-shows-avatar-url": (
        "personalities.get of the personality made for the capture (no model or provider, a workdir, "
        "display settings): the local server has only built-in personalities, whose records have "
        "another shape (skill_evolution, no display)"
    ),
}

# Recorded with these files in the personality's workdir (docdownload-02/03 list them).
DOCUMENTS = {"notes.md": "# Wire notes\n\nA small file in the personality workdir.\n", "sub/résumé (1).txt": "résumé\n"}


class Connection:
    """One raw request on its own socket; its response read whole, or frame by frame as it arrives."""

    def __init__(self, port: int, raw: bytes, method: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(raw)
        self.response = http.client.HTTPResponse(self.sock, method=method)
        self.response.begin()
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        self.stream = Stream(cast(http.client.HTTPConnection, self), self.response)  # reads via .sock

    def body(self) -> bytes:
        try:
            return self.response.read()
        finally:
            self.close()

    def read_frames(self, count: int, idle: float) -> List[bytes]:
        """Frames until ``count`` are in, the body ends, or nothing arrives for ``idle`` seconds."""
        return self.stream.read(count, idle)

    @property
    def ended(self) -> bool:
        """The server ended the body (the terminating chunk came)."""
        return self.response.isclosed()

    def close(self) -> None:
        self.response.close()
        self.sock.close()


class SurfaceReplayer:
    """Rewrites recorded requests for the live server and remembers the ids its answers bring."""

    def __init__(self, server: LocalEthosServer) -> None:
        self.server = server
        self.port = int(server.base_url.rsplit(":", 1)[1])
        pinned = ["http://127.0.0.1:18300"]
        self.keys = {
            "full": server.create_key(origins=pinned, name="wire-full"),
            "readonly": server.create_key(["sessions:read"], pinned, name="wire-readonly"),
            "readonly-metrics": server.create_key(["sessions:read", "metrics:read"], pinned, name="wire-ro-metrics"),
            "unpinned": server.create_key(origins=[], name="cli-made"),
        }
        self.goal_ids: Dict[str, str] = {}
        self.etag: Optional[str] = None
        self.recorded_etag: Optional[str] = None

    def raw_request(self, exchange: Exchange) -> bytes:
        head, _, body = exchange.request.raw.partition(b"\r\n\r\n")
        text = head.decode("latin-1")
        body = body.replace(PERSONALITY[0].encode(), PERSONALITY[1].encode())
        for recorded, live in self.goal_ids.items():
            text = text.replace(recorded, live)
            body = body.replace(recorded.encode(), live.encode())
        lines = text.split("\r\n")
        request_line = lines[0].replace(PERSONALITY[0], PERSONALITY[1])
        out = [request_line]
        declared: Optional[int] = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            lower, value = name.strip().lower(), value.strip()
            if lower == "host":
                value = f"127.0.0.1:{self.port}"
            elif lower == "cookie":
                value = value.replace(RECORDED_COOKIE, self.server.web_token)
            elif lower == "authorization":
                value = value.replace(RECORDED_SECRET, self.keys[KEY_FOR.get(exchange.name, "full")])
            elif lower == "if-none-match" and self.etag and value == self.recorded_etag:
                value = self.etag
            elif lower == "content-length":
                declared = int(value)
                # A declared length the recorded body does not have is the point of the capture (avatar-09).
                value = str(len(body)) if declared == len(exchange.request.body) else value
            out.append(f"{name}: {value}")
        return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body

    def open(self, exchange: Exchange) -> Connection:
        return Connection(self.port, self.raw_request(exchange), exchange.method)

    def learn(self, exchange: Exchange, body: bytes, headers: Dict[str, str]) -> None:
        recorded = GOAL_ID.findall(exchange.response.body.decode("utf-8", "replace"))
        live = GOAL_ID.findall(body.decode("utf-8", "replace"))
        if exchange.name.startswith("goalsse") and "goals/create" in exchange.target and recorded and live:
            self.goal_ids.setdefault(recorded[0], live[0])
        if exchange.name.startswith("avatar-03") and headers.get("etag"):
            self.etag, self.recorded_etag = headers["etag"], exchange.response.header("etag")


# ---------------------------------------------------------------------- checks


def check_plain(exchange: Exchange, status: int, headers: Dict[str, str], body: bytes) -> List[str]:
    """An ordinary (not streamed) answer against the recorded one."""
    problems: List[str] = []
    if status != exchange.status:
        return [f"status: recorded {exchange.status}, live {status}: {body[:200]!r}"]
    if "x-request-id" not in headers:
        problems.append("no x-request-id header")
    recorded_type = (exchange.response.header("content-type") or "").split(";")[0]
    if recorded_type != (headers.get("content-type") or "").split(";")[0]:
        problems.append(f"content-type: recorded {recorded_type!r}, live {headers.get('content-type')!r}")
    recorded_body = exchange.response.body
    if recorded_type == "application/json" and recorded_body:
        rec, got = json.loads(recorded_body), json.loads(body)
        problems += compare_shape(rec, got)
        if isinstance(rec, dict) and rec.get("ok") is False:
            for name in ("code", "error", "action"):
                if rec.get(name) != got.get(name):
                    problems.append(f"{name}: recorded {rec.get(name)!r}, live {got.get(name)!r}")
            if got.get("requestId") != headers.get("x-request-id"):
                problems.append("requestId differs from the x-request-id header")
        if isinstance(rec, dict) and isinstance(rec.get("error"), dict):
            if rec["error"] != got.get("error"):
                problems.append(f"error: recorded {rec['error']!r}, live {got.get('error')!r}")
        return problems
    if exchange.target.startswith("/metrics") and status == 200:
        lines = body.decode("utf-8").splitlines()
        if not lines or not all(PROMETHEUS_LINE.match(line) for line in lines):
            problems.append(f"not Prometheus text as recorded: {body[:200]!r}")
        return problems
    if exchange.name.startswith("avatar-0") and status == 200 and exchange.method == "GET":
        for name in ("cache-control",):
            if headers.get(name) != exchange.response.header(name):
                problems.append(f"{name}: recorded {exchange.response.header(name)!r}, live {headers.get(name)!r}")
        if not re.fullmatch(r'"\d+(\.\d+)?-\d+"', headers.get("etag", "")) or "last-modified" not in headers:
            problems.append(f"etag/last-modified missing or malformed: {headers}")
    if exchange.name.startswith("docdownload") and status == 200:
        for name in ("content-disposition", "cache-control", "content-length", "content-type"):
            if headers.get(name) != exchange.response.header(name):
                problems.append(f"{name}: recorded {exchange.response.header(name)!r}, live {headers.get(name)!r}")
    if status == 304 and headers.get("etag") is None:
        problems.append("304 without etag")
    if body != recorded_body:
        problems.append(f"body: recorded {recorded_body[:120]!r}, live {body[:120]!r}")
    return problems


def _parse(frame: bytes) -> Tuple[Dict[str, Any], Optional[int], List[str]]:
    lines = frame.decode("utf-8").rstrip("\n").split("\n")
    fields = [line.split(":", 1)[0] for line in lines]
    data: Dict[str, Any] = json.loads(lines[0][len("data: "):])
    ident = int(lines[1][len("id: "):]) if len(lines) > 1 else None
    return data, ident, fields


def _kind(event: Dict[str, Any]) -> str:
    return str(event.get("eventType") or event.get("type"))


def check_frames(exchange: Exchange, live: List[bytes]) -> List[str]:
    recorded = [part + b"\n\n" for part in exchange.response.body.split(b"\n\n") if part]
    problems: List[str] = []
    rec = [_parse(f) for f in recorded]
    got = [_parse(f) for f in live]
    if any(fields != ["data", "id"] for _, _, fields in got):
        problems.append("a frame is not 'data' then 'id'")
    if [_kind(e) for e, _, _ in rec] != [_kind(e) for e, _, _ in got]:
        problems.append(f"event kinds: recorded {[_kind(e) for e, _, _ in rec]}, live {[_kind(e) for e, _, _ in got]}")
    if [i for _, i, _ in rec] != [i for _, i, _ in got]:
        problems.append(f"ids: recorded {[i for _, i, _ in rec]}, live {[i for _, i, _ in got]}")
    for (r, _, _), (g, _, _) in zip(rec, got):
        problems += compare_shape(r, g, f"frame {_kind(r)}")
    return problems


def check_stream_headers(exchange: Exchange, connection: Connection) -> List[str]:
    problems: List[str] = []
    if connection.response.status != exchange.status:
        return [f"status: recorded {exchange.status}, live {connection.response.status}"]
    for name in ("content-type", "cache-control", "transfer-encoding", "connection"):
        if connection.headers.get(name) != exchange.response.header(name):
            problems.append(f"header {name}: recorded {exchange.response.header(name)}, live {connection.headers.get(name)}")
    return problems


# ----------------------------------------------------------------------- replay


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalEthosServer]:
    with LocalEthosServer(
        system_ping_interval=1.0,
        goal_poll_interval=0.05,
        goal_step_delay=0.02,
        slow_goal_step_delay=0.4,
        documents_dir=str(tmp_path_factory.mktemp("documents")),
    ) as server:
        folder = server.documents_path(PERSONALITY[1])
        for name, text in DOCUMENTS.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "link.md").symlink_to(folder / "notes.md")
        yield server


def _replay_system_streams(replayer: SurfaceReplayer, group: Dict[str, Exchange]) -> Dict[str, List[str]]:
    """sysevents-04/04b/05/06: both streams open, then two new sessions' first turns, then a ping."""
    results: Dict[str, List[str]] = {}
    streams = {name: replayer.open(group[name]) for name in ("sysevents-05-cookie-stream-32s", "sysevents-06-cookie-stream-Last-Event-ID-5")}
    try:
        for name in ("sysevents-04-chat-send-new-session-cookie", "sysevents-04b-chat-send-new-session-bearer"):
            connection = replayer.open(group[name])
            status, headers = connection.response.status, connection.headers
            results[name] = check_plain(group[name], status, headers, connection.body())
            replayer.server.wait_idle()
        for name, connection in streams.items():
            problems = check_stream_headers(group[name], connection)
            frames = connection.read_frames(3, 3.0)
            results[name] = problems + check_frames(group[name], frames)
    finally:
        for connection in streams.values():
            connection.close()
    return results


def _replay_goal_stream(replayer: SurfaceReplayer, exchange: Exchange, cancel: Optional[Exchange]) -> Dict[str, List[str]]:
    connection = replayer.open(exchange)
    results: Dict[str, List[str]] = {}
    try:
        problems = check_stream_headers(exchange, connection)
        recorded_count = len([p for p in exchange.response.body.split(b"\n\n") if p])
        if cancel is not None:
            connection.read_frames(2, 5.0)  # run_start, plan_start: then the recorded cancel
            cancelled = replayer.open(cancel)
            results[cancel.name] = check_plain(cancel, cancelled.response.status, cancelled.headers, cancelled.body())
        frames = connection.read_frames(recorded_count, 10.0)
        problems += check_frames(exchange, frames)
        # A live goal's stream stays open after its done frame; a replay of a finished one is closed.
        live_goal = exchange.name.startswith(("goalsse-03", "goalsse-15"))
        connection.read_frames(recorded_count + 1, 0.3)
        if live_goal == connection.ended:
            problems.append("the stream " + ("closed after done" if live_goal else "stayed open after its last frame"))
        results[exchange.name] = problems
    finally:
        connection.close()
    return results


def test_replayed_surface_transcripts_match(live_server: LocalEthosServer) -> None:
    exchanges = [load_exchange(WIRE_DIR / f"{name}.txt") for name in EARLIER] + all_exchanges(SURFACES)
    by_name = {e.name: e for e in exchanges}
    replayer = SurfaceReplayer(live_server)
    results: Dict[str, List[str]] = {}
    skipped: List[Tuple[str, str]] = []
    for exchange in exchanges:
        name = exchange.name
        if name in results:
            continue  # replayed with its group
        if name in NOT_REPLAYED:
            skipped.append((name, NOT_REPLAYED[name]))
            continue
        if name.startswith("sysevents-04"):
            results.update(_replay_system_streams(replayer, {n: e for n, e in by_name.items() if n.startswith(("sysevents-04", "sysevents-05", "sysevents-06"))}))
            continue
        is_stream = "text/event-stream" in (exchange.response.header("content-type") or "")
        if is_stream and exchange.target == "/sse/system":
            connection = replayer.open(exchange)
            try:  # recorded: nothing at all in the first moments (no initial frame, no replay)
                results[name] = check_stream_headers(exchange, connection) + check_frames(exchange, connection.read_frames(1, 0.3))
            finally:
                connection.close()
            continue
        if is_stream and name.startswith("goalsse"):
            cancel = by_name["goalsse-16-goals-cancel"] if name.startswith("goalsse-15") else None
            if name.startswith("goalsse-04"):
                # Recorded once the goal had finished.
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and "completed" not in json.dumps(
                    live_server.client("cookie").goals.get(replayer.goal_ids.get(GOAL_ID.findall(exchange.target)[0], "x"))["goal"]["status"]
                ):
                    time.sleep(0.05)
            results.update(_replay_goal_stream(replayer, exchange, cancel))
            continue
        live_server.wait_idle()
        if name == "err-35-healthz":
            live_server.set_gateway("down")  # recorded while the gateway was not running
        try:
            connection = replayer.open(exchange)
            status, headers = connection.response.status, connection.headers
            body = connection.body()
        finally:
            live_server.set_gateway("ok")
        results[name] = check_plain(exchange, status, headers, body)
        replayer.learn(exchange, body, headers)

    failures = {name: problems for name, problems in results.items() if problems}
    print(f"\nreplayed {len(results)} transcripts of tests/wire/surfaces:")
    for name in sorted(results):
        print(f"  {'FAIL' if name in failures else 'ok  '} {name}")
    print(f"not replayed {len(skipped)}:")
    for name, reason in skipped:
        print(f"  {name}: {reason}")
    report(f"surfaces fidelity: {len(results) - len(failures)}/{len(results)} replayed transcripts match, "
           f"{len(skipped)} not replayable ({', '.join(n for n, _ in skipped)})")
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
    assert len(results) + len(skipped) == len(exchanges)
