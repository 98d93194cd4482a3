"""Helpers for the ``responses``-based namespace tests: answer a procedure, read what was sent."""

from __future__ import annotations

import json
from typing import Any

import responses

BASE = "http://127.0.0.1:3000"
"""The base URL the mocked namespace tests use."""


def answer(rsps: responses.RequestsMock, path: str, output: Any) -> None:
    """Answer ``POST /rpc/<path>`` (e.g. ``"sessions/list"``) with ``{"json": output}``."""
    rsps.post(f"{BASE}/rpc/{path}", json={"json": output})


def sent_body(rsps: responses.RequestsMock, index: int = 0) -> Any:
    """The whole JSON body of the index-th request."""
    body = rsps.calls[index].request.body
    assert body is not None
    return json.loads(body)


def sent_input(rsps: responses.RequestsMock, index: int = 0) -> Any:
    """The procedure input of the index-th request, checking the body is exactly ``{"json": ...}``."""
    envelope = sent_body(rsps, index)
    assert list(envelope) == ["json"]
    return envelope["json"]
