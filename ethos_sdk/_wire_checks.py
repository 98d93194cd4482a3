"""Checks on what the server sends, made where it arrives: the events a turn reads, the answers a wait reads.

The SDK passes the server's dicts through untouched, but the parts of them it
reads itself -- a ``text_delta``'s ``text`` joined into the reply, a
``usage``'s token counts added up, the ``status`` a ``wait()`` compares --
must be there and have the right type. When one is missing or of another type,
the error says which field of which event or answer, as an
:class:`~ethos_sdk.EthosError` (:class:`~ethos_sdk.StreamError` for an event,
:class:`~ethos_sdk.UnexpectedResponseError` for an answer), never as the
``KeyError`` or ``TypeError`` the reading would raise further on, and never
as a wrong type in a result.

Only the fields the SDK reads are checked; everything else passes as the
server sent it (a newer server's extra keys, an event type the SDK does not
know).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Mapping, Sequence, Tuple

from ._shapes import json_type
from .errors import StreamError, UnexpectedResponseError

__all__ = ["check_turn_event", "answer_field", "Kind", "STRING", "INTEGER", "NUMBER", "BOOLEAN", "ANY", "LIST"]

Kind = Tuple[str, Callable[[Any], bool]]
"""What a field must be: how messages name it, and the test of a value."""

STRING: Kind = ("string", lambda value: isinstance(value, str))
INTEGER: Kind = ("integer", lambda value: type(value) is int)  # bool is an int to Python, not to JSON
NUMBER: Kind = ("number", lambda value: type(value) in (int, float))
BOOLEAN: Kind = ("boolean", lambda value: type(value) is bool)
LIST: Kind = ("array", lambda value: isinstance(value, list))
ANY: Kind = ("any value", lambda value: True)
_OBJECT: Kind = ("object", lambda value: isinstance(value, dict))
_NAME: Kind = ("non-empty string", lambda value: isinstance(value, str) and value != "")

_REQUIRED, _OPTIONAL = True, False

# What the turn machinery reads of each event type (ethos_sdk._turn, ethos_sdk._hitl): field, kind,
# required. A field inside another is named by its path ("request.args"), after the object holding it.
_TURN_EVENTS: Dict[str, Tuple[Tuple[str, Kind, bool], ...]] = {
    "text_delta": (("text", STRING, _REQUIRED),),
    "thinking_delta": (("thinking", STRING, _REQUIRED),),
    "usage": (
        ("inputTokens", INTEGER, _REQUIRED),
        ("outputTokens", INTEGER, _REQUIRED),
        ("estimatedCostUsd", NUMBER, _REQUIRED),
    ),
    "tool_start": (("toolCallId", STRING, _REQUIRED), ("toolName", STRING, _REQUIRED), ("args", ANY, _REQUIRED)),
    "tool_end": (
        ("toolCallId", STRING, _REQUIRED),
        ("toolName", STRING, _REQUIRED),
        ("ok", BOOLEAN, _REQUIRED),
        ("durationMs", NUMBER, _REQUIRED),
        ("result", STRING, _OPTIONAL),
    ),
    # Without "text" the reply is the text_delta events joined; with it, it must be the reply.
    "done": (("text", STRING, _OPTIONAL),),
    "error": (("error", STRING, _REQUIRED), ("code", STRING, _OPTIONAL)),
    # A request for a person is answered by id, and what it asks is shown to them: all of it must be there.
    "tool.approval_required": (
        ("request", _OBJECT, _REQUIRED),
        ("request.approvalId", _NAME, _REQUIRED),
        ("request.toolCallId", _NAME, _REQUIRED),
        ("request.toolName", _NAME, _REQUIRED),
        ("request.sessionId", _NAME, _REQUIRED),
        ("request.args", _OBJECT, _REQUIRED),
        ("request.reason", STRING, _OPTIONAL),
    ),
    "clarify.request": (
        ("requestId", _NAME, _REQUIRED),
        ("question", STRING, _REQUIRED),
        ("options", LIST, _OPTIONAL),
    ),
}

_REQUESTS = frozenset({"tool.approval_required", "clarify.request"})


def _problem(container: Mapping[str, Any], name: str, kind: Kind, required: bool) -> str | None:
    """What is wrong with ``container[name]``, or None when it is fine.

    A dotted ``name`` is a path whose objects were checked before it (they
    come first in the table).
    """
    parent, _, leaf = name.rpartition(".")
    for step in parent.split(".") if parent else ():
        container = container[step]
    if leaf not in container:
        return f"has no {name!r}" if required else None
    value = container[leaf]
    if kind[1](value):
        return None
    return f"has {name!r} of type {json_type(value)}, not {kind[0]}"


def check_turn_event(event: Mapping[str, Any], session_id: str) -> None:
    """Raise :class:`~ethos_sdk.StreamError` when a field the turn reads of ``event`` is missing or of the wrong type.

    ``session_id`` names the stream in the message (``""`` for a session not
    known yet). Event types the turn does not read are not checked.
    """
    fields = _TURN_EVENTS.get(event["type"])
    if fields is None:
        return
    for name, kind, required in fields:
        problem = _problem(event, name, kind, required)
        if problem is not None:
            what = (
                "the SDK answers no such request (it would not know what it consents to) and stops following "
                "the turn" if event["type"] in _REQUESTS else "so the turn cannot be read from it"
            )
            raise StreamError(
                f"the event stream of session {session_id or '(new)'}: a {event['type']!r} event {problem}; {what}. "
                "The server (or something between it and this client) sent an event this SDK does not understand"
            )


def answer_field(answer: Any, path: Sequence[str], kind: Kind, procedure: str, root: str = "the answer") -> Any:
    """``answer[path[0]][path[1]]...``, checked to be of ``kind``; :class:`~ethos_sdk.UnexpectedResponseError` otherwise.

    ``procedure`` names the call that answered (``"goals.get"``) in the message,
    which says which field was missing or of the wrong type; ``root`` names
    ``answer`` itself (``"an event"`` for a part of the answer).
    """
    value = answer
    for depth, name in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[:depth]) or root
        if not isinstance(value, dict):
            raise _bad_answer(procedure, f"{where} is of type {json_type(value)}, not an object with {name!r}", answer)
        problem = _problem(value, name, kind if last else _OBJECT, True)
        if problem is not None:
            raise _bad_answer(procedure, f"{where} {problem}", answer)
        value = value[name]
    return value


def _bad_answer(procedure: str, problem: str, answer: Any) -> UnexpectedResponseError:
    try:
        text = json.dumps(answer, default=repr)[:2000]
    except (TypeError, ValueError, RecursionError):
        text = ""
    return UnexpectedResponseError(
        f"{procedure} answered, but {problem}; the SDK cannot read it (is base_url the Ethos server, "
        "and a version this SDK knows?)",
        status=200,
        text=text,
    )
