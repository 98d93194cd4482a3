"""Helpers for the ``responses``-based namespace tests: answer a procedure, read what was sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_type_hints

import responses

from .wire import Exchange, load_exchange

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


def replay(rsps: responses.RequestsMock, wire_dir: Path, name: str) -> Exchange:
    """Answer the recorded request ``name`` (from ``tests/wire``) with its recorded response, byte for byte."""
    exchange = load_exchange(wire_dir / f"{name}.txt")
    rsps.post(
        f"{BASE}{exchange.target}",
        body=exchange.response.body,
        status=exchange.status,
        content_type=exchange.response.header("content-type") or "application/json",
    )
    return exchange


def assert_shape(value: Any, typed_dict: Any) -> None:
    """``value`` has every required key of ``typed_dict`` and no key it does not declare."""
    declared = set(get_type_hints(typed_dict))
    required = set(typed_dict.__required_keys__)
    assert isinstance(value, dict)
    assert required <= set(value), f"missing {sorted(required - set(value))}"
    assert set(value) <= declared, f"undeclared {sorted(set(value) - declared)}"
