"""Check that EventStream's frame parser gives exactly sseclient's events.

    python bench/check_parser.py [--rounds N]

``ethos_sdk.stream._FrameParser`` splits frames in bulk for speed (see
``bench/run.py``, stream throughput); this feeds it and ``sseclient.SSEClient``
the same random streams, cut at random places, with LF, CR and CRLF line
endings (through the stream's own line-ending normalisation), and compares
every event's id, event, data and retry.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sseclient  # noqa: E402

from ethos_sdk.stream import _FrameParser, _normalised_line_endings  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(1234)
    for _ in range(args.rounds):
        stream = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))
        ending = rng.choice([b"\n", b"\r\n", b"\r"])
        stream = stream.replace(b"\n", ending)
        cuts = sorted(rng.sample(range(len(stream) + 1), min(len(stream) + 1, rng.randint(0, 6))))
        parts = [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)])]
        expected, got = parse(sseclient.SSEClient, parts), parse(_FrameParser, parts)
        if expected != got:
            print(f"MISMATCH for {parts!r}:\n  sseclient {expected}\n  _FrameParser {got}")
            return 1
    print(f"_FrameParser == sseclient.SSEClient on {args.rounds} random streams")
    return 0


if __name__ == "__main__":
    sys.exit(main())
