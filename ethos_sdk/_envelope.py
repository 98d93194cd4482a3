"""The oRPC "RPC" body format: ``{"json": value, "meta": [[code, *path], ...]}``.

JSON cannot carry some JavaScript values, so the server sends them in a JSON
form and lists, in ``meta``, where each one sits and what it was. Decoding
turns them back into the nearest Python value:

====  ==========  =====================================================
code  JavaScript  Python
====  ==========  =====================================================
0     BigInt      ``int`` (sent as a decimal string)
1     Date        timezone-aware ``datetime.datetime`` (ISO string)
2     NaN         ``float("nan")``
3     undefined   ``None`` (an array item; JSON has no hole)
4     URL         ``str``
5     RegExp      ``str`` such as ``"/ab+c/i"`` (JavaScript syntax, not Python's)
6     Set         ``set``, or ``list`` when an item is not hashable
7     Map         ``dict``, or a ``list`` of pairs when a key is not hashable
====  ==========  =====================================================
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from typing import Any, Callable

__all__ = ["encode_input", "decode_output", "MetaError"]


class MetaError(ValueError):
    """A ``meta`` entry that does not fit the value it describes."""


def encode_input(value: Any) -> bytes:
    """The request body for a procedure input (``None`` is sent as ``{"json": null}``)."""
    return json.dumps({"json": value}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _bigint(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MetaError(f"bigint expected a decimal string, got {type(value).__name__}")
    return int(value)


def _date(value: Any) -> _dt.datetime:
    if not isinstance(value, str):
        raise MetaError(f"date expected an ISO string, got {type(value).__name__}")
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    parsed = _dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def _nan(value: Any) -> float:
    return math.nan


def _undefined(value: Any) -> None:
    return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise MetaError(f"expected a string, got {type(value).__name__}")
    return value


def _set(value: Any) -> Any:
    if not isinstance(value, list):
        raise MetaError(f"set expected an array, got {type(value).__name__}")
    try:
        return set(value)
    except TypeError:
        return value


def _map(value: Any) -> Any:
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in value
    ):
        raise MetaError("map expected an array of [key, value] pairs")
    try:
        return {key: item for key, item in value}
    except TypeError:
        return [tuple(pair) for pair in value]


_DECODERS: dict[int, Callable[[Any], Any]] = {
    0: _bigint,
    1: _date,
    2: _nan,
    3: _undefined,
    4: _text,
    5: _text,
    6: _set,
    7: _map,
}


def _apply(root: Any, entry: Any) -> Any:
    if not isinstance(entry, list) or not entry:
        raise MetaError(f"meta entry must be a non-empty array, got {entry!r:.80}")
    code, *path = entry
    decoder = _DECODERS.get(code) if isinstance(code, int) and not isinstance(code, bool) else None
    if decoder is None:
        raise MetaError(f"unknown meta type code {code!r:.40}")
    if not path:
        return _decode_value(decoder, code, root)
    parent = root
    for segment in path[:-1]:
        parent = _child(parent, segment)
    last = path[-1]
    _child(parent, last)  # validates the final segment
    key = int(last) if isinstance(parent, list) else last
    parent[key] = _decode_value(decoder, code, parent[key])
    return root


def _decode_value(decoder: Callable[[Any], Any], code: int, value: Any) -> Any:
    """``decoder(value)``, with a value that does not parse reported as a :class:`MetaError`."""
    try:
        return decoder(value)
    except MetaError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:  # int(""), a bad ISO date, ...
        raise MetaError(f"meta type {code} does not fit {value!r:.40}: {exc}") from exc


def _child(container: Any, segment: Any) -> Any:
    if isinstance(container, dict):
        if not isinstance(segment, str) or segment not in container:
            raise MetaError(f"meta path segment {segment!r:.40} not found")
        return container[segment]
    if isinstance(container, list):
        try:
            index = int(segment)
        except (TypeError, ValueError):
            raise MetaError(f"meta path segment {segment!r:.40} is not an index") from None
        if isinstance(segment, bool) or not 0 <= index < len(container):
            raise MetaError(f"meta path index {segment!r:.40} out of range")
        return container[index]
    raise MetaError(f"meta path goes through a {type(container).__name__}")


def decode_output(envelope: Any) -> Any:
    """The procedure output inside a decoded JSON body, with ``meta`` applied.

    Raises :class:`MetaError` (a ``ValueError``) when the body is not an
    envelope or its ``meta`` does not match the value.
    """
    if not isinstance(envelope, dict) or "json" not in envelope:
        raise MetaError('the body has no "json" member')
    value = envelope["json"]
    meta = envelope.get("meta")
    if meta is None:
        return value
    if not isinstance(meta, list):
        raise MetaError('"meta" must be an array')
    for entry in meta:
        value = _apply(value, entry)
    return value
