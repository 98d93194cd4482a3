"""Events narrow by their "type" under mypy --strict: this file is type-checked by its own test."""

from __future__ import annotations

from pathlib import Path
from typing import List

from ethos_sdk.types.events import KNOWN_EVENT_TYPES, StreamEvent

from .conftest import mypy_strict


def describe(event: StreamEvent) -> str:
    """What a user writes: each branch reads keys only that event type has."""
    if event["type"] == "text_delta":
        return event["text"]
    if event["type"] == "tool_end":
        return f"{event['toolName']} ok={event['ok']} in {event['durationMs']} ms"
    if event["type"] == "done":
        return f"done after {event['turnCount']} turns"
    if event["type"] == "error":
        return f"{event['code']}: {event['error']}"
    if event["type"] == "tool.approval_required":
        return event["request"]["toolName"]
    if event["type"] not in KNOWN_EVENT_TYPES:
        return "unknown"  # a newer server's event, delivered as a plain dict
    return event["type"]


def test_narrowing_works_at_run_time() -> None:
    events: List[StreamEvent] = [
        {"type": "text_delta", "text": "hi"},
        {"type": "done", "text": "hi", "turnCount": 3},
        {"type": "error", "error": "boom", "code": "X"},
    ]
    assert [describe(e) for e in events] == ["hi", "done after 3 turns", "X: boom"]


def test_mypy_narrows_by_type(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from ethos_sdk.types.events import StreamEvent\n"
        "def f(event: StreamEvent) -> str:\n"
        "    if event['type'] == 'done':\n"
        "        return event['toolName']\n"  # done has no toolName: must be an error
        "    return ''\n"
    )
    out, status = mypy_strict(Path(__file__))
    assert status == 0, out
    out, status = mypy_strict(wrong)
    assert status == 1 and "toolName" in out, out
