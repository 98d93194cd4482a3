"""What the local server does with the attachments of ``chat.send``.

The real server (its chat service and its context assembly, at the
contract's commit; no transcript records an attachment) refuses more than 10
attachments or more than 10 MiB of them in all with a 400 ``INVALID_INPUT``,
then puts what the model is to see before the message's text, and stores the
message with that prefix:

* a text file (``text/*``, JSON, YAML, XML) is inlined as
  ``=== file: <name> ===\\n<content>\\n=== end file ===`` (its name made safe,
  its content cut at 50,000 characters with a note saying so);
* any other file or image is listed in an ``<attachments>`` block, one
  ``<file ref=... mime=... size=... filename=... />`` line each.

The scripted agent echoes the message as stored, so a test sees in the reply
what the model would have been given. (The real server hands images to
models that can see them as well; the scripted agent cannot.)
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Any, List, Sequence

from ._state import ProcedureError

__all__ = ["MAX_ATTACHMENTS", "MAX_TOTAL_BYTES", "annotate"]

MAX_ATTACHMENTS = 10
MAX_TOTAL_BYTES = 10 * 1024 * 1024
_TEXT_MAX_CHARS = 50_000
_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|jsonl|x-ndjson|yaml|x-yaml|xml)|.*\+(json|xml))$")


def _safe_name(name: str) -> str:
    name = re.sub(r"[\r\n]", " ", name)
    name = re.sub(r"[^\x20-\x7e]", "_", name)
    return re.sub(r"={3,}", "==", name)[:200]


def _size(count: int) -> str:
    if count < 1024:
        return f"{count}B"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f}KB"
    return f"{count / (1024 * 1024):.1f}MB"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def annotate(text: str, attachments: Sequence[Any]) -> str:
    """The message as the model sees it (and as it is stored): the attachments' prefix, then ``text``.

    Raises the server's ``INVALID_INPUT`` error for too many or too large attachments.
    """
    if len(attachments) > MAX_ATTACHMENTS:
        raise ProcedureError(
            "INVALID_INPUT", 400, f"Too many attachments: {len(attachments)} (max {MAX_ATTACHMENTS})",
            "Reduce the number of attachments.",
        )
    total = 0
    listed: List[str] = []
    inlined: List[str] = []
    message_id = str(uuid.uuid4())
    for raw in attachments:
        raw = raw if isinstance(raw, dict) else {}
        try:
            data = base64.b64decode(str(raw.get("data", "")), validate=False)
        except (binascii.Error, ValueError):
            data = b""
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise ProcedureError(
                "INVALID_INPUT", 400, f"Total attachment size exceeds {MAX_TOTAL_BYTES // (1024 * 1024)} MB",
                "Reduce attachment sizes or count.",
            )
        mime = str(raw.get("mimeType", "application/octet-stream"))
        name = raw.get("name") if isinstance(raw.get("name"), str) else None
        if _TEXT_TYPES.match(mime.lower()):
            content = data.decode("utf-8", errors="replace")
            note = ""
            if len(content) > _TEXT_MAX_CHARS:
                note = f" [truncated to {_TEXT_MAX_CHARS:,} chars from {len(content):,}]"
                content = content[:_TEXT_MAX_CHARS]
            inlined.append(f"=== file: {_safe_name(name or 'unnamed')}{note} ===\n{content}\n=== end file ===")
            continue
        ref = "attachment://" + message_id + "/" + (name or "attachment")
        parts = [f'ref="{_attr(ref)}"', f'mime="{_attr(mime)}"']
        parts.append(f'size="{_size(len(data))}"')
        if name:
            parts.append(f'filename="{_attr(name)}"')
        listed.append(f"  <file {' '.join(parts)} />")
    blocks = []
    if listed:
        blocks.append("<attachments>\n" + "\n".join(listed) + "\n</attachments>")
    blocks += inlined
    return "\n\n".join(blocks + [text]) if blocks else text
