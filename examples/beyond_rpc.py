"""The routes beside the procedures: health, metrics, avatars, a download, a goal and the system stream.

    python examples/beyond_rpc.py

Health and metrics use the server in ETHOS_BASE_URL / ETHOS_API_KEY /
ETHOS_ORIGIN (the key needs ``metrics:read``). The rest is cookie-only:
against a real server it runs with the server's web token, read from the
``web-token`` file of its data directory (ETHOS_STATE_DIR, by default
``~/.ethos``: on the server's machine, or a copy of it), and is skipped
without it. With ETHOS_BASE_URL unset, everything runs against a local test
server.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
import zlib
from pathlib import Path
from typing import Iterator, Optional, Tuple

from ethos_sdk import EthosClient
from ethos_sdk.testing import uses_local_server


def tiny_png() -> bytes:
    """A real 1x1 PNG image (a teal pixel), made without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x80\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@contextlib.contextmanager
def clients() -> Iterator[Tuple[EthosClient, Optional[EthosClient], Optional[Path]]]:
    """An API-key client, a cookie client (or None) and, locally, the documents folder to fill."""
    if not uses_local_server():
        # The server's web token, where the SDK looks for it: the data directory's web-token file.
        token_file = Path(os.environ.get("ETHOS_STATE_DIR") or "~/.ethos", "web-token").expanduser()
        token = token_file.read_text(encoding="utf-8").strip() if token_file.is_file() else None
        with EthosClient() as key:
            if not token:
                yield key, None, None
                return
            with EthosClient(cookie=token) as cookie:
                yield key, cookie, None
        return
    from ethos_sdk.testing import LocalEthosServer

    print("(ETHOS_BASE_URL is not set: using a local test server with a scripted agent)", file=sys.stderr)
    with LocalEthosServer(goal_poll_interval=0.1) as server:
        with server.client() as key, server.client("cookie") as cookie:
            yield key, cookie, server.documents_path()


with clients() as (key, cookie, documents):
    health = key.health()
    print(f"health: {health['status']} (gateway {health['gateway']['status']}, up {health['uptime']:.0f} s)")
    series = [line for line in key.metrics().splitlines() if line and not line.startswith("#")]
    print(f"metrics: {len(series)} series")

    if cookie is None:
        print("the cookie-only routes (avatars, downloads, goals, system events) need the web cookie: "
              "no web-token file in ETHOS_STATE_DIR (or ~/.ethos)")
        raise SystemExit(0)

    personality = "researcher"
    image = tiny_png()
    cookie.personalities.set_avatar(personality, image)
    back = cookie.personalities.avatar(personality)
    print(f"avatar: uploaded {len(image)} bytes, read back {len(back)} bytes, same: {back == image}")
    cookie.personalities.delete_avatar(personality)

    if documents is not None:  # locally: give the agent a report to download
        (documents / "weekly report.md").write_text("# Weekly report\n\nAll green.\n", encoding="utf-8")
    files = [e for e in cookie.documents.list()["entries"] if not e["isDir"] and not e["isSymlink"]]
    if files:
        saved = cookie.documents.download(files[0]["path"], to=Path.cwd())
        print(f"saved {saved.filename} ({saved.size} bytes, {saved.content_type})")

    goal = cookie.goals.create(personality, "Write a two word greeting", title="greeting")["goal"]
    with cookie.goals.events(goal["id"]) as events:
        for event in events:
            print(f"  goal event {event['seq']}: {event['eventType']}")
    print(f"goal {goal['id']} ended: {events.status}")

    # A new session's first turn titles it; the system stream announces that.
    with cookie.system_events().wait_ready() as system:  # connected: nothing from now on is missed
        cookie.chat.send("Name this session, please")
        for system_event in system:
            if system_event["type"] == "session.titled":
                print(f"session titled: {system_event['title']}")
                break
