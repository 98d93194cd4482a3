"""The routes beside ``/rpc``: health, metrics, the system and goal streams, avatars, downloads.

Each method runs against ``LocalEthosServer`` (which answers as the recorded
transcripts in ``tests/wire/surfaces`` say); the streams also run against
purpose-built servers that cut connections at random byte offsets.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import socket
import threading
import tracemalloc
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, cast

import pytest
import requests
import responses
import urllib3.exceptions

from ethos_sdk import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    EthosClient,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from ethos_sdk._surfaces import MAX_AVATAR_BYTES, avatar_content_type, filename_from_disposition
from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import RawServer, Request, reset, response_bytes, wait_until
from .conftest import FAKE_KEY, report

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x01" * 30
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30


@pytest.fixture(autouse=True)
def no_reconnect_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect at once: the backoff is the event stream's, tested there."""
    monkeypatch.setattr("ethos_sdk.stream.backoff_delay", lambda attempt: 0.0)  # the loop both share


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(goal_poll_interval=0.02, goal_step_delay=0.01, system_ping_interval=0.05) as local:
        yield local


@pytest.fixture
def cookie(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client("cookie", timeout=10) as client:
        yield client


@pytest.fixture
def key(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=10) as client:
        yield client


def _closed_port() -> str:
    """The URL of a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _in_thread(target: Any) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


# ----------------------------------------------------------------------- health


def test_health_needs_no_credential_and_is_typed(server: LocalEthosServer, key: EthosClient) -> None:
    health = key.health()
    assert health["status"] == "ok" and isinstance(health["uptime"], float)
    assert health["gateway"]["status"] == "ok" and health["gateway"]["adapters"] == []
    revoked = server.create_key()
    server.revoke_key(revoked)
    with EthosClient(server.base_url, api_key=revoked) as stale:
        assert stale.health()["status"] == "ok"  # credentials are ignored on /healthz


def test_a_degraded_server_is_an_answer_not_an_error(server: LocalEthosServer, key: EthosClient) -> None:
    server.set_gateway("stale", {"telegram": False})
    try:
        health = key.health()
    finally:
        server.set_gateway("ok")
    assert health["status"] == "degraded"
    assert health["gateway"] == {"status": "stale", "adapters": [{"name": "telegram", "ok": False}], "lastHeartbeatAgeSec": 45}
    assert key.health()["status"] == "ok"


def test_a_503_that_is_not_the_health_answer_raises() -> None:
    with EthosClient("http://127.0.0.1:3999", api_key=FAKE_KEY, max_retries=0) as client:
        with responses.RequestsMock() as mock:
            mock.get("http://127.0.0.1:3999/healthz", status=503, body="<html>proxy down</html>")
            with pytest.raises(InternalServerError, match="a proxy or load balancer answered"):
                client.health()


def test_health_of_an_unreachable_server_raises_a_connection_error() -> None:
    with EthosClient(_closed_port(), api_key=FAKE_KEY, max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            client.health()


# ---------------------------------------------------------------------- metrics


def test_metrics_returns_the_prometheus_text(server: LocalEthosServer, key: EthosClient) -> None:
    text = key.metrics()
    assert "# TYPE ethos_sessions_total gauge" in text
    assert re.search(r"^ethos_sessions_total \d+$", text, re.M)
    with EthosClient(server.base_url, api_key=server.create_key(["metrics:read"], [])) as unpinned:
        assert "ethos_" in unpinned.metrics()
    # A pinned key without any Origin passes: only a wrong one is refused.
    with EthosClient(server.base_url, api_key=server.create_key(["metrics:read"])) as pinned:
        assert "ethos_" in pinned.metrics()


def test_metrics_errors_carry_the_servers_message(server: LocalEthosServer, cookie: EthosClient) -> None:
    with pytest.raises(AuthenticationError) as refused:
        cookie.metrics()
    assert refused.value.code == "invalid_api_key"
    assert refused.value.message == "Missing Authorization header."
    assert refused.value.hint is not None and "metrics:read" in refused.value.hint
    with EthosClient(server.base_url, api_key=server.create_key(["sessions:read"], [])) as no_scope:
        with pytest.raises(PermissionDeniedError) as scope:
            no_scope.metrics()
    assert scope.value.code == "insufficient_scope"
    wrong = server.create_key(["metrics:read"])
    with EthosClient(server.base_url, api_key=wrong, origin="http://evil.example") as client:
        with pytest.raises(PermissionDeniedError) as origin:
            client.metrics()
    assert origin.value.code == "origin_not_allowed"
    assert origin.value.message == 'Origin "http://evil.example" is not in the allowedOrigins list for this API key.'
    assert wrong not in str(origin.value)


# ------------------------------------------------------------------ system events


def test_system_events_deliver_titles_and_emitted_events_without_pings(
    server: LocalEthosServer, cookie: EthosClient
) -> None:
    got: List[Dict[str, Any]] = []
    with cookie.system_events().wait_ready() as stream:
        guard = threading.Timer(15, stream.close)  # a bug must fail the test, not hang it
        guard.start()

        def drive() -> None:
            cookie.chat.send("Title me, please")
            server.wait_idle()  # the title comes after the turn, like on the real server
            server.emit_system_event({"type": "cron.failed", "jobId": "j1", "jobName": "backup", "error": "disk full"})

        driver = _in_thread(drive)
        for event in stream:
            got.append(dict(event))
            if event["type"] == "cron.failed":
                break
        driver.join(10)
        guard.cancel()
    titled = [e for e in got if e["type"] == "session.titled"]
    assert titled and titled[0]["title"] == "Hello from the fake LLM. You said: Title me, please"
    assert got[-1] == {"type": "cron.failed", "jobId": "j1", "jobName": "backup", "error": "disk full"}
    assert all(e["type"] != "ping" for e in got)
    assert stream.closed


def test_system_stream_pings_are_counted_not_delivered(server: LocalEthosServer, cookie: EthosClient) -> None:
    with cookie.system_events() as stream:
        wait = _in_thread(lambda: (wait_until(lambda: stream.pings >= 3), server.emit_system_event({"type": "health", "status": "ok"})))
        event = next(stream)
        wait.join(10)
    assert event == {"type": "health", "status": "ok"}
    assert stream.pings >= 3


def test_system_stream_reconnects_by_itself_and_counts_it(server: LocalEthosServer, cookie: EthosClient) -> None:
    server.faults.drop_stream_after(0, streams=3)  # the next three connections are cut at once
    received = threading.Event()

    def emit_until_received() -> None:
        # Events sent while the stream is away are lost (no history): keep sending until one lands.
        for _ in range(300):
            server.emit_system_event({"type": "platform.connected", "platformId": "tg"})
            if received.wait(0.05):
                return

    try:
        with cookie.system_events() as stream:
            guard = threading.Timer(15, stream.close)
            guard.start()
            driver = _in_thread(emit_until_received)
            event = next(stream)
            received.set()
            driver.join(10)
            guard.cancel()
            reconnects = stream.reconnects
    finally:
        server.faults.clear()
    assert event == {"type": "platform.connected", "platformId": "tg"}
    assert reconnects == 3
    report(f"system stream: 3 injected drops -> stream.reconnects == {reconnects}, then events flow again")


def test_wait_ready_connects_so_the_next_event_is_not_missed(server: LocalEthosServer, cookie: EthosClient) -> None:
    with cookie.system_events().wait_ready() as stream:
        assert server.system_stream_count >= 1  # registered before anything was read
        cookie.chat.send("Ready for a title")
        event = next(stream)
    assert event["type"] == "session.titled" and event["title"].endswith("Ready for a title")
    server.wait_idle()
    assert wait_until(lambda: server.system_stream_count == 0)  # closed without reading further
    unread = cookie.system_events().wait_ready()
    unread.close()
    assert unread.closed and wait_until(lambda: server.system_stream_count == 0)


def test_system_stream_close_from_another_thread_ends_the_loop(cookie: EthosClient) -> None:
    stream = cookie.system_events()
    ended = threading.Event()

    def consume() -> None:
        for _ in stream:
            pass
        ended.set()

    consumer = _in_thread(consume)
    assert wait_until(lambda: stream._response is not None)
    stream.close()
    assert ended.wait(5)
    consumer.join(5)
    assert stream.closed


def test_system_stream_with_an_api_key_is_refused_with_the_cookie_hint(key: EthosClient) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        next(key.system_events())
    with pytest.raises(PermissionDeniedError):
        key.system_events().wait_ready()
    assert refused.value.message == 'Namespace "system" is experimental and not accessible via API key.'
    assert refused.value.hint is not None and "GET /sse/system only accepts cookie authentication" in refused.value.hint


# ------------------------------------------------------------------- goal stream


def test_goal_stream_replays_follows_and_ends_by_itself(server: LocalEthosServer, cookie: EthosClient) -> None:
    goal = cookie.goals.create("researcher", "Write a two word greeting")["goal"]
    with cookie.goals.events(goal["id"]) as stream:
        live = [dict(e) for e in stream]
    assert [e["seq"] for e in live] == list(range(1, 8))
    assert [e["eventType"] for e in live] == [
        "run_start", "plan_start", "usage", "plan_ready", "turn_text", "usage", "done",
    ]
    assert stream.status == "completed" and stream.end == {"type": "done", "goalId": goal["id"], "status": "completed"}
    # Terminal now: a second stream replays the same events (the server then closes it).
    with cookie.goals.events(goal["id"]) as again:
        assert [dict(e) for e in again] == live
    # Resuming after seq 4 gives 5..7 only.
    with cookie.goals.events(goal["id"], since=4) as resumed:
        assert [e["seq"] for e in resumed] == [5, 6, 7]
    assert cookie.goals.get(goal["id"])["events"] == live


def test_goal_stream_of_a_cancelled_goal_ends_with_its_status(cookie: EthosClient) -> None:
    goal = cookie.goals.create("researcher", "SLOW count slowly")["goal"]
    with cookie.goals.events(goal["id"]) as stream:
        first = next(stream)
        assert cookie.goals.cancel(goal["id"]) == {"ok": True}
        rest = list(stream)
    assert first["eventType"] == "run_start"
    assert all(e["eventType"] != "done" for e in rest)
    assert stream.status == "cancelled"
    assert cookie.goals.cancel(goal["id"]) == {"ok": False}


def test_unknown_goal_raises_not_found(cookie: EthosClient) -> None:
    with pytest.raises(NotFoundError) as missing:
        list(cookie.goals.events("g_0000000000000000"))
    assert missing.value.message == "Goal not found"
    assert missing.value.hint is not None and "goals.list" in missing.value.hint


def test_goal_stream_with_an_api_key_is_refused_with_the_cookie_hint(key: EthosClient) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        list(key.goals.events("g_0000000000000000"))
    assert "GET /sse/goals/g_0000000000000000 only accepts cookie authentication" in (refused.value.hint or "")


def test_goal_stream_through_the_local_servers_drops(server: LocalEthosServer, cookie: EthosClient) -> None:
    """Injected: the live goal stream is cut after 0, 1 and 2 frames; every event still arrives once."""
    goal = cookie.goals.create("researcher", "Write a greeting")["goal"]
    server.faults.drop_stream_after(1, streams=1)
    server.faults.drop_stream_after(0, streams=1)
    server.faults.drop_stream_after(2, streams=1)
    try:
        with cookie.goals.events(goal["id"]) as stream:
            seqs = [e["seq"] for e in stream]
    finally:
        server.faults.clear()
    assert seqs == list(range(1, 8))
    assert stream.reconnects == 3 and stream.status == "completed"


class GoalLogServer:
    """A goal's stream honouring ``Last-Event-ID``, cut after chosen byte counts, as Ethos frames it.

    After the last event it sends the synthetic ``done`` frame, then closes the
    connection (``close_after_done``) or keeps it open and silent.
    """

    def __init__(self, count: int, *, cuts: List[int], close_after_done: bool) -> None:
        self.events: List[Dict[str, Any]] = [
            {"id": 100 + seq, "goalId": "g_1", "seq": seq, "eventType": "turn_text",
             "payload": {"text": f"part {seq}"}, "createdAt": 1796150826000 + seq}
            for seq in range(1, count + 1)
        ]
        self.cuts = list(cuts)
        self.close_after_done = close_after_done
        self.last_event_ids: List[Optional[str]] = []
        self.lock = threading.Lock()
        self.raw = RawServer(self._answer)
        self.url = self.raw.url

    def _answer(self, conn: socket.socket, request: Request, server: RawServer) -> None:
        raw_last = request.headers.get("last-event-id")
        with self.lock:
            self.last_event_ids.append(raw_last)
            cut = self.cuts.pop(0) if self.cuts else None
        after = int(raw_last) if raw_last and raw_last.isdigit() else 0
        frames = [
            b"data: " + json.dumps(e).encode() + b"\nid: " + str(e["seq"]).encode() + b"\n\n"
            for e in self.events if e["seq"] > after
        ]
        last = self.events[-1]["seq"]
        frames.append(b'data: {"type":"done","goalId":"g_1","status":"completed"}\nid: ' + str(last + 1).encode() + b"\n\n")
        body = b"".join(frames)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")
        if cut is not None and cut < len(body):
            conn.sendall(body[:cut])
            reset(conn)
            return
        conn.sendall(body)
        if not self.close_after_done:
            server.hold(conn)

    def __enter__(self) -> "GoalLogServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.stop()


def test_goal_stream_exactly_once_across_20_random_drops() -> None:
    """Injected: 20 abrupt TCP resets of a 400-event goal stream, each after a random byte count (mid-frame too)."""
    rng = random.Random(15)
    cuts = [rng.randint(1, 3000) for _ in range(20)]
    with GoalLogServer(400, cuts=cuts, close_after_done=False) as goal_server:
        with EthosClient(goal_server.url, cookie="c" * 64) as client:
            with client.goals.events("g_1", max_reconnects=50, idle_timeout=10.0) as stream:
                seqs = [e["seq"] for e in stream]
        sent = goal_server.last_event_ids
    lost = len(set(range(1, 401)) - set(seqs))
    repeated = len(seqs) - len(set(seqs))
    assert (lost, repeated) == (0, 0)
    assert seqs == list(range(1, 401))
    assert stream.reconnects == 20 and stream.status == "completed"
    assert sent[0] is None and len(sent) == 21
    # Each reconnection asked to resume after the last event it had delivered.
    assert all(value is None or value.isdigit() for value in sent)
    report(f"goal stream cut at 20 random byte offsets of 400 events: {len(seqs)} delivered, "
           f"{lost} lost, {repeated} repeated, {stream.reconnects} reconnects")


@pytest.mark.parametrize("close_after_done", [True, False], ids=["server-closes", "server-keeps-open"])
def test_goal_stream_ends_on_the_done_frame_whether_or_not_the_server_closes(close_after_done: bool) -> None:
    with GoalLogServer(3, cuts=[], close_after_done=close_after_done) as goal_server:
        with EthosClient(goal_server.url, cookie="c" * 64) as client:
            stream = client.goals.events("g_1", idle_timeout=30.0)
            seqs = [e["seq"] for e in stream]  # would hang for idle_timeout if it waited for the server
        assert len(goal_server.last_event_ids) == 1  # ended without reconnecting
    assert seqs == [1, 2, 3]
    assert stream.closed and stream.status == "completed"


# ------------------------------------------------------------------------ avatars


def test_avatar_round_trip_from_bytes_path_and_file(tmp_path: Path, cookie: EthosClient, server: LocalEthosServer) -> None:
    personalities = cookie.personalities
    assert personalities.set_avatar("researcher", PNG) == {"avatarUrl": "/api/personalities/researcher/avatar"}
    assert personalities.avatar("researcher") == PNG
    photo = tmp_path / "me.jpg"
    photo.write_bytes(JPEG)
    personalities.set_avatar("researcher", photo)
    assert personalities.avatar("researcher") == JPEG
    with open(tmp_path / "me.jpg", "rb") as handle:
        personalities.set_avatar("researcher", handle)
    with io.BytesIO(GIF) as handle:
        personalities.set_avatar("researcher", handle)
    assert personalities.avatar("researcher") == GIF
    assert personalities.delete_avatar("researcher") == {"ok": True}
    with pytest.raises(NotFoundError) as gone:
        personalities.avatar("researcher")
    assert "no avatar" in (gone.value.hint or "")
    assert personalities.delete_avatar("researcher") == {"ok": True}  # idempotent


def test_the_avatar_type_comes_from_magic_bytes_or_the_file_name() -> None:
    assert avatar_content_type(PNG, None) == "image/png"
    assert avatar_content_type(JPEG, "x.gif") == "image/jpeg"  # the bytes win over the name
    assert avatar_content_type(GIF, None) == "image/gif"
    assert avatar_content_type(WEBP, None) == "image/webp"
    assert avatar_content_type(b"no magic here", "face.WEBP") == "image/webp"
    assert avatar_content_type(b"<svg/>", "face.svg") is None


def test_avatar_limit_is_5_mib_exactly(cookie: EthosClient) -> None:
    largest = PNG + b"\x00" * (MAX_AVATAR_BYTES - len(PNG))
    cookie.personalities.set_avatar("engineer", largest)
    assert len(cookie.personalities.avatar("engineer")) == MAX_AVATAR_BYTES
    cookie.personalities.delete_avatar("engineer")


@pytest.mark.parametrize(
    "image, words",
    [
        (PNG + b"\x00" * MAX_AVATAR_BYTES, "over the server's limit"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PNG, JPEG, WebP or GIF"),
        (b"", "empty"),
        (12345, "must be bytes, a path or a binary file"),
        (io.StringIO("text"), "binary mode"),
    ],
    ids=["too-large", "svg", "empty", "not-an-image", "text-file"],
)
def test_bad_avatars_are_refused_before_sending(image: Any, words: str) -> None:
    # A closed port: had anything been sent, this would be a connection error.
    with EthosClient(_closed_port(), cookie="c" * 64, max_retries=0) as client:
        with pytest.raises(ConfigurationError) as refused:
            client.personalities.set_avatar("researcher", image)
    assert words in str(refused.value)


def test_a_missing_avatar_file_is_a_configuration_error(tmp_path: Path) -> None:
    with EthosClient(_closed_port(), cookie="c" * 64) as client:
        with pytest.raises(ConfigurationError, match="cannot read the avatar image"):
            client.personalities.set_avatar("researcher", tmp_path / "nope.png")


def test_avatar_errors_from_the_server(cookie: EthosClient, key: EthosClient) -> None:
    with pytest.raises(NotFoundError) as unknown:
        cookie.personalities.set_avatar("no-such-personality", PNG)
    assert unknown.value.code == "PERSONALITY_NOT_FOUND"
    with pytest.raises(NotFoundError):
        cookie.personalities.delete_avatar("no-such-personality")
    for call in (
        lambda: key.personalities.set_avatar("researcher", PNG),
        lambda: key.personalities.avatar("researcher"),
        lambda: key.personalities.delete_avatar("researcher"),
    ):
        with pytest.raises(AuthenticationError) as refused:
            call()
        assert refused.value.message == "Missing auth cookie"
        assert "only accepts cookie authentication" in (refused.value.hint or "")


# ---------------------------------------------------------------------- downloads


@pytest.fixture
def documents(server: LocalEthosServer) -> Path:
    folder = server.documents_path()
    (folder / "notes.md").write_text("# Wire notes\n\nA small file.\n", encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "résumé (1).txt").write_text("résumé\n", encoding="utf-8")
    link = folder / "link.md"
    if not link.is_symlink():
        link.symlink_to(folder / "notes.md")
    return folder


def test_download_into_memory_with_the_servers_file_name(documents: Path, cookie: EthosClient) -> None:
    listing = cookie.documents.list(path="sub")["entries"]
    got = cookie.documents.download(listing[0]["path"])
    assert got.content == "résumé\n".encode() and got.size == len(got.content)
    assert got.filename == "résumé (1).txt"
    assert got.content_type is not None and got.content_type.startswith("text/plain")
    assert got.path is None
    assert cookie.documents.download("notes.md", personality_id="researcher").filename == "notes.md"


def test_download_to_a_path_a_folder_and_a_file(documents: Path, cookie: EthosClient, tmp_path: Path) -> None:
    target = tmp_path / "copy.md"
    got = cookie.documents.download("notes.md", to=target)
    assert got.path == target and got.content is None
    assert target.read_bytes() == (documents / "notes.md").read_bytes()
    into_folder = cookie.documents.download("sub/résumé (1).txt", to=tmp_path)
    assert into_folder.path == tmp_path / "résumé (1).txt" and into_folder.path.read_text(encoding="utf-8") == "résumé\n"
    sink = io.BytesIO()
    assert cookie.documents.download("notes.md", to=sink).size == len(sink.getvalue()) > 0
    assert not list(tmp_path.glob("*.part"))


def test_download_errors_map_onto_the_usual_classes(documents: Path, cookie: EthosClient, key: EthosClient) -> None:
    with pytest.raises(PermissionDeniedError, match="outside this personality"):
        cookie.documents.download("../x")
    with pytest.raises(PermissionDeniedError, match="outside this personality"):
        cookie.documents.download("/etc/hostname")
    with pytest.raises(PermissionDeniedError, match="symbolic link"):
        cookie.documents.download("link.md")
    with pytest.raises(NotFoundError) as missing:
        cookie.documents.download("nope.txt")
    assert missing.value.code == "FILE_NOT_FOUND"
    with pytest.raises(BadRequestError, match="Only regular files"):
        cookie.documents.download("sub")
    with pytest.raises(NotFoundError) as personality:
        cookie.documents.download("notes.md", personality_id="no-such-personality")
    assert personality.value.code == "PERSONALITY_NOT_FOUND"
    with pytest.raises(AuthenticationError) as refused:
        key.documents.download("notes.md")
    assert "cookie" in (refused.value.hint or "")
    with pytest.raises(ConfigurationError):
        cookie.documents.download("")
    with pytest.raises(ConfigurationError, match="binary file opened for writing"):
        cookie.documents.download("notes.md", to=cast(Any, io.StringIO()))  # a mistake the types would flag
    with pytest.raises(ConfigurationError, match="does not exist"):
        cookie.documents.download("notes.md", to=documents / "no" / "such" / "folder" / "x.md")


def test_a_large_download_to_a_file_does_not_grow_memory_by_its_size(
    documents: Path, cookie: EthosClient, tmp_path: Path
) -> None:
    size = 12 * 1024 * 1024
    block = bytes(range(256)) * 4096  # 1 MiB
    with open(documents / "big.bin", "wb") as out:
        for _ in range(size // len(block)):
            out.write(block)
    del out
    tracemalloc.start()
    try:
        got = cookie.documents.download("big.bin", to=tmp_path / "big.bin")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        (documents / "big.bin").unlink()
    assert got.size == size and (tmp_path / "big.bin").stat().st_size == size
    assert peak < size / 8, f"peak traced memory {peak} bytes for a {size}-byte download"
    report(f"download of a {size // 2**20} MiB file to disk: peak traced memory {peak / 2**20:.2f} MiB "
           f"({100 * peak / size:.1f}% of the file, server thread included)")


def test_a_download_cut_short_leaves_no_file_behind(tmp_path: Path) -> None:
    def cut(conn: socket.socket, request: Request, server: RawServer) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n"
            "content-disposition: attachment; filename*=UTF-8''big.bin\r\n\r\n"
        )
        conn.sendall(head.encode() + b"x" * 100_000)
        reset(conn)

    raw = RawServer(cut)
    try:
        with EthosClient(raw.url, cookie="c" * 64) as client:
            with pytest.raises(APIConnectionError):
                client.documents.download("big.bin", to=tmp_path)
    finally:
        raw.stop()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "header, name",
    [
        ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%281%29.txt", "résumé (1).txt"),
        ("attachment; filename*=UTF-8''notes.md", "notes.md"),
        ('attachment; filename="plain.txt"', "plain.txt"),
        ("attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC.txt", "€.txt"),
        ("attachment", None),
        (None, None),
    ],
)
def test_the_file_name_is_decoded_from_content_disposition(header: Optional[str], name: Optional[str]) -> None:
    assert filename_from_disposition(header) == name


def test_a_server_file_name_cannot_escape_the_target_folder(tmp_path: Path) -> None:
    def answer(conn: socket.socket, request: Request, server: RawServer) -> None:
        conn.sendall(response_bytes(
            "200 OK", b"data", "application/octet-stream",
            (("content-disposition", "attachment; filename*=UTF-8''..%2F..%2Fevil.sh"),),
        ))

    raw = RawServer(answer)
    try:
        with EthosClient(raw.url, cookie="c" * 64) as client:
            got = client.documents.download("x", to=tmp_path)
    finally:
        raw.stop()
    assert got.path == tmp_path / "evil.sh" and got.path.read_bytes() == b"data"
    assert os.listdir(tmp_path) == ["evil.sh"]


def test_local_server_refuses_a_system_event_without_a_type(server: LocalEthosServer) -> None:
    with pytest.raises(ValueError, match='"type"'):
        server.emit_system_event({"jobId": "j1"})
    with pytest.raises(ValueError):
        server.set_gateway("sideways")


def test_download_and_stream_reprs_say_what_they_hold(documents: Path, cookie: EthosClient, tmp_path: Path) -> None:
    got = cookie.documents.download("notes.md", to=tmp_path)
    assert repr(got) == f"<Download filename='notes.md' size={got.size} content_type='text/markdown; charset=utf-8' path={str(tmp_path / 'notes.md')!r}>"
    stream = cookie.goals.events("g_0000000000000001", since=3)
    assert repr(stream) == "<GoalEventStream goal_id='g_0000000000000001' last_seq=3 status=None reconnects=0 open>"
    stream.close()
    assert repr(cookie.system_events()) == "<SystemEventStream reconnects=0 open>"


def test_a_closed_client_refuses_every_route_beside_rpc(server: LocalEthosServer) -> None:
    client = server.client("cookie", timeout=10)
    client.close()
    calls: List[Any] = [
        client.health,
        client.metrics,
        client.system_events,
        lambda: client.goals.events("g_0000000000000000"),
        lambda: client.personalities.avatar("researcher"),
        lambda: client.personalities.set_avatar("researcher", b"\x89PNG\r\n\x1a\n" + b"0" * 16),
        lambda: client.personalities.delete_avatar("researcher"),
        lambda: client.documents.download("notes.md"),
    ]
    for call in calls:
        with pytest.raises(ClientClosedError, match="closed"):
            stream = call()
            next(iter(stream))  # the streams connect on first use


# -------------------------------------------------------------------- retries

RETRY_BASE = "http://127.0.0.1:3999"
BUSY_TEXT = "<html>502 Bad Gateway</html>"
HEALTHY = {"status": "ok", "uptime": 1.0, "gateway": {"status": "ok", "adapters": [], "lastHeartbeatAgeSec": 10}}

# Each read beside /rpc: (name, URL it GETs, the successful answer's body, how to call it, what it returns).
ROUTE_READS: List[Any] = [
    ("health", "/healthz", json.dumps(HEALTHY), lambda c: c.health()["status"], "ok"),
    ("metrics", "/metrics", "ethos_sessions 1\n", lambda c: c.metrics(), "ethos_sessions 1\n"),
    ("avatar", "/api/personalities/p1/avatar", PNG, lambda c: c.personalities.avatar("p1"), PNG),
    (
        "download", "/documents/download", b"file bytes",
        lambda c: c.documents.download("notes.txt").content, b"file bytes",
    ),
]


def _retrying_client(auth: str = "key", **options: Any) -> tuple[EthosClient, List[float]]:
    """A client whose retry waits are recorded instead of slept."""
    if auth == "key":
        client = EthosClient(RETRY_BASE, api_key=FAKE_KEY, max_retries=2, **options)
    else:
        client = EthosClient(RETRY_BASE, cookie="c" * 64, max_retries=2, **options)
    waits: List[float] = []
    client._transport.sleep = waits.append
    return client, waits


@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("name, path, body, call, expected", ROUTE_READS, ids=[r[0] for r in ROUTE_READS])
def test_route_reads_retry_transient_statuses_like_rpc_reads(
    name: str, path: str, body: Any, call: Any, expected: Any, deadline: Optional[float]
) -> None:
    client, waits = _retrying_client("key" if name in ("health", "metrics") else "cookie", deadline=deadline)
    with client, responses.RequestsMock() as mock:
        mock.get(RETRY_BASE + path, status=502, body=BUSY_TEXT)
        mock.get(RETRY_BASE + path, status=503, json={"ok": False, "code": "UNAVAILABLE", "error": "busy"},
                 headers={"Retry-After": "1.5"})
        mock.get(RETRY_BASE + path, status=200, body=body)
        assert call(client) == expected
        ids = {c.request.headers["x-request-id"] for c in mock.calls}
        assert len(mock.calls) == 3
    assert len(waits) == 2 and 0.3 <= waits[0] <= 0.5 and waits[1] == 1.5  # backoff, then Retry-After
    assert len(ids) == 1  # one logical call, one request id across attempts


@pytest.mark.parametrize("name, path, body, call, expected", ROUTE_READS, ids=[r[0] for r in ROUTE_READS])
def test_route_reads_give_up_after_max_retries(name: str, path: str, body: Any, call: Any, expected: Any) -> None:
    client, waits = _retrying_client("key" if name in ("health", "metrics") else "cookie")
    with client, responses.RequestsMock() as mock:
        for _ in range(3):
            mock.get(RETRY_BASE + path, status=504, body="gateway timeout")
        with pytest.raises(InternalServerError, match="gateway timeout"):
            call(client)
        assert len(mock.calls) == 3
    assert len(waits) == 2


def test_a_degraded_health_answer_is_returned_at_once_not_retried() -> None:
    client, waits = _retrying_client()
    degraded = {**HEALTHY, "status": "degraded"}
    with client, responses.RequestsMock() as mock:
        mock.get(f"{RETRY_BASE}/healthz", status=503, json=degraded)
        assert client.health()["status"] == "degraded"
        assert len(mock.calls) == 1
    assert waits == []


def test_a_proxy_503_before_the_health_answer_is_retried() -> None:
    client, waits = _retrying_client()
    degraded = {**HEALTHY, "status": "degraded"}
    with client, responses.RequestsMock() as mock:
        mock.get(f"{RETRY_BASE}/healthz", status=503, body="<html>proxy down</html>")
        mock.get(f"{RETRY_BASE}/healthz", status=503, json=degraded)
        assert client.health()["status"] == "degraded"
        assert len(mock.calls) == 2
    assert len(waits) == 1


def test_route_reads_wait_no_longer_than_retry_after_allows_or_the_deadline() -> None:
    client, waits = _retrying_client()
    with client, responses.RequestsMock() as mock:
        mock.get(f"{RETRY_BASE}/metrics", status=429, body="slow down", headers={"Retry-After": "3600"})
        with pytest.raises(RateLimitError) as info:
            client.metrics()
        assert len(mock.calls) == 1
    assert info.value.retry_after == 3600 and waits == []
    hurried, waits = _retrying_client(deadline=2.0)
    with hurried, responses.RequestsMock() as mock:
        mock.get(f"{RETRY_BASE}/metrics", status=503, body="busy", headers={"Retry-After": "5"})
        with pytest.raises(InternalServerError):
            hurried.metrics()  # waiting 5 s would pass the 2 s deadline: raised at once
        assert len(mock.calls) == 1
    assert waits == []


def test_route_reads_retry_a_reset_connection() -> None:
    def flaky(conn: socket.socket, request: Request, server: RawServer) -> None:
        if server.count("/healthz") == 1:
            reset(conn)  # the first attempt's connection is reset before any answer
            return
        conn.sendall(response_bytes("200 OK", json.dumps(HEALTHY).encode()))

    raw = RawServer(flaky)
    try:
        with EthosClient(raw.url, api_key=FAKE_KEY, max_retries=2) as client:
            waits: List[float] = []
            client._transport.sleep = waits.append
            assert client.health()["status"] == "ok"
    finally:
        raw.stop()
    assert raw.count("/healthz") == 2 and len(waits) == 1


def _refused(url: str) -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, url, reason))  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_avatar_writes_are_sent_again_only_when_they_cannot_have_left(method: str) -> None:
    url = f"{RETRY_BASE}/api/personalities/p1/avatar"

    def write(client: EthosClient) -> Any:
        if method == "POST":
            return client.personalities.set_avatar("p1", PNG)
        return client.personalities.delete_avatar("p1")

    client, waits = _retrying_client("cookie")
    with client, responses.RequestsMock() as mock:
        mock.add(method, url, status=503, body="busy")
        with pytest.raises(InternalServerError):
            write(client)
        assert len(mock.calls) == 1  # an answer means it may have been done: never sent again
        mock.add(method, url, body=requests.exceptions.ConnectionError(
            urllib3.exceptions.ProtocolError("Connection aborted.")))
        with pytest.raises(APIConnectionError):
            write(client)
        assert len(mock.calls) == 2  # cut after sending: it may have arrived
        mock.add(method, url, body=_refused(url))
        mock.add(method, url, json={"avatarUrl": "/api/personalities/p1/avatar"} if method == "POST" else {"ok": True})
        write(client)
        assert len(mock.calls) == 4  # refused: it never left, so it is sent again
    assert len(waits) == 1


def test_streams_and_login_are_not_retried_by_the_transport() -> None:
    client, waits = _retrying_client()
    with client, responses.RequestsMock() as mock:
        mock.get(f"{RETRY_BASE}/auth/exchange", status=503, body="busy")
        with pytest.raises(InternalServerError):
            client.login("t" * 20)  # a login token is good for one use: never sent twice
        mock.get(f"{RETRY_BASE}/sse/sessions/s1", status=503, body="busy")
        with pytest.raises(InternalServerError):
            client._transport.get("/sse/sessions/s1", stream=True)  # the streams reconnect by themselves
        assert len(mock.calls) == 2
    assert waits == []
