"""Reading the recorded exchanges of ``tests/wire`` (vendored from a real server).

Each ``NAME.txt.bin`` holds the raw request bytes, a line
``=====RESPONSE=====``, then the raw response bytes (chunked framing kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEPARATOR = b"\n\n=====RESPONSE=====\n"


@dataclass
class HttpMessage:
    start_line: str
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes = field(repr=False, default=b"")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Exchange:
    name: str
    request: HttpMessage
    response: HttpMessage

    @property
    def method(self) -> str:
        return self.request.start_line.split(" ")[0]

    @property
    def target(self) -> str:
        return self.request.start_line.split(" ")[1]

    @property
    def status(self) -> int:
        return int(self.response.start_line.split(" ")[1])


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def _parse(raw: bytes) -> HttpMessage:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    message = HttpMessage(lines[0], headers, body, raw)
    if (message.header("transfer-encoding") or "").lower() == "chunked":
        message.body = _dechunk(body)
    return message


def load_exchange(path: Path) -> Exchange:
    """Parse ``NAME.txt.bin`` (pass either the ``.txt`` or the ``.txt.bin`` path)."""
    if path.suffix != ".bin":
        path = path.with_name(path.name + ".bin")
    data = path.read_bytes()
    request_raw, _, response_raw = data.partition(SEPARATOR)
    name = path.name[: -len(".txt.bin")]
    return Exchange(name, _parse(request_raw), _parse(response_raw))


def all_exchanges(wire_dir: Path) -> list[Exchange]:
    return [load_exchange(p) for p in sorted(wire_dir.glob("*.txt.bin"))]
