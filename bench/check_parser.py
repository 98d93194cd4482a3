"""Check that the SDK's SSE parsers read exactly what sseclient reads.

    python bench/check_parser.py [--rounds N]

Two parsers split frames in bulk for speed (see ``bench/run.py``, stream
throughput), and each is fed the same random streams as ``sseclient.SSEClient``,
cut at random places, with LF, CR and CRLF line endings:

* ``ethos_sdk.stream._FrameParser`` (behind ``iter_sse_events``): every
  event's id, event, data and retry must be sseclient's;
* ``EventStream``'s own reading loop, which parses the common frame inline:
  the events it delivers, and its cursor after each, must be those that
  sseclient's events imply (JSON objects with a ``type``; ``stream_meta``
  without an id not delivered; an id moves the cursor).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from pathlib import Path
import json
from typing import Any, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sseclient  # noqa: E402

from ethos_sdk import APIConnectionError, EthosClient  # noqa: E402
from ethos_sdk.stream import EventStream, _FrameParser, _normalised_line_endings, _parse_id  # noqa: E402
from tests.sse_server import ReadsResponse  # noqa: E402

PIECES = [
    b"data: a\nid: 1\n\n",
    b"data:\nid:\n\n",
    b"data: \nid: 2\n\n",
    b"id: 3\ndata: x\n\n",
    b"data: a\ndata: b\nid: 4\n\n",
    b": comment\n\ndata: z\n\n",
    b"\n\n\n\ndata: q\nid:  7\n\n",
    b"data: x:y\nid: 8\n\nevent: e\ndata: 1\n\n",
    b"data: {\"type\":\"text_delta\",\"text\":\"caf\xc3\xa9\"}\nid: 9\n\n",
    b"data: a\nid: 10\nretry: 5\n\n",
    b"data: a\nid: 11\n\n\n",
    b"data: tail-without-end\nid: 12\n",
]


def parse(cls: type, parts: List[bytes]) -> list:
    events = cls(_normalised_line_endings(iter(parts))).events()
    return [(e.id, e.event, e.data, e.retry) for e in events]


# Event frames for EventStream: %d is replaced by increasing ids (a restart is tested elsewhere).
EVENT_PIECES = [
    b'data: {"type":"text_delta","text":"a"}\nid: %d\n\n',
    b'data: {"type":"text_delta","text":"caf\xc3\xa9 \xff"}\nid: %d\n\n',
    b'id: %d\ndata: {"type":"id_first"}\n\n',
    b'data: {"type":"two",\ndata: "lines":1}\nid: %d\n\n',
    b'event: e\ndata: {"type":"named"}\nid: %d\n\n',
    b'data: {"type":"retry"}\nid: %d\nretry: 5\n\n',
    b'data: {"type":"spaced"}\nid:  %d\n\n',
    b'data: not json\nid: %d\n\n',
    b'data: [1]\nid: %d\n\n',
    b'data: {"type":"blank after"}\nid: %d\n\n\n',
    b'data: {"type":"stream_meta","requestId":"r"}\n\n',
    b'data: {"type":"no_id"}\n\n',
    b': comment\n\n',
    b'\n\n',
]


def delivered(parts: List[bytes]) -> List[Tuple[Optional[int], Any]]:
    """What EventStream yields for one connection's reads, with its cursor after each."""
    client = EthosClient("http://127.0.0.1:9", api_key="sk-ethos-" + "0" * 64)
    stream = EventStream(client, "s", max_reconnects=0, check_session=False)
    stream._open = lambda last_event_id: ReadsResponse(parts)  # type: ignore[assignment,method-assign,return-value]
    out: List[Tuple[Optional[int], Any]] = []
    try:
        for event in stream:
            out.append((stream.last_seq, event))
    except APIConnectionError:  # the body's end, with no reconnect allowed
        pass
    return out


def implied(parts: List[bytes]) -> List[Tuple[Optional[int], Any]]:
    """What sseclient's events of the same reads imply EventStream must deliver."""
    cursor: Optional[int] = None
    out: List[Tuple[Optional[int], Any]] = []
    body = b"".join(_normalised_line_endings(iter(parts)))
    body = body.decode("utf-8", "replace").encode("utf-8")  # not UTF-8: U+FFFD, as the SDK reads it
    for event in sseclient.SSEClient(iter((body,))).events():
        seq = _parse_id(event.id)
        if seq is not None:
            cursor = seq
        try:
            obj = json.loads(event.data)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("type"), str):
            if obj["type"] != "stream_meta":
                out.append((cursor, obj))
    return out


def random_parts(rng: random.Random, pieces: List[bytes], numbered: bool) -> List[bytes]:
    chosen = [rng.choice(pieces) for _ in range(rng.randint(1, 8))]
    if numbered:
        chosen = [p % (i + 1) if b"%d" in p else p for i, p in enumerate(chosen)]
    stream = b"".join(chosen).replace(b"\n", rng.choice([b"\n", b"\r\n", b"\r"]))
    cuts = sorted(rng.sample(range(len(stream) + 1), min(len(stream) + 1, rng.randint(0, 6))))
    return [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)]) if b > a]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(1234)
    for _ in range(args.rounds):
        parts = random_parts(rng, PIECES, numbered=False)
        expected, got = parse(sseclient.SSEClient, parts), parse(_FrameParser, parts)
        if expected != got:
            print(f"MISMATCH for {parts!r}:\n  sseclient {expected}\n  _FrameParser {got}")
            return 1
    print(f"_FrameParser == sseclient.SSEClient on {args.rounds} random streams")
    logging.getLogger("ethos_sdk").setLevel(logging.ERROR)  # malformed frames are logged, on purpose
    rounds = max(1, args.rounds // 4)
    for _ in range(rounds):
        parts = random_parts(rng, EVENT_PIECES, numbered=True)
        expected_events, got_events = implied(parts), delivered(parts)
        if expected_events != got_events:
            print(f"MISMATCH for {parts!r}:\n  sseclient implies {expected_events}\n  EventStream {got_events}")
            return 1
    print(f"EventStream delivers what sseclient's events imply on {rounds} random streams")
    return 0


if __name__ == "__main__":
    sys.exit(main())
