"""The run-time shape validator behind ``check-server --shapes`` (``ethos_sdk._shapes``)."""

# No ``from __future__ import annotations``: the TypedDicts below are read at
# run time, as the SDK's own types are.
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import pytest
from typing_extensions import Literal, NotRequired, Required, TypedDict

from ethos_sdk import EthosClient
from ethos_sdk._catalog import sdk_methods
from ethos_sdk._hints import get_type_hints as method_hints
from ethos_sdk._shapes import Finding, describe, json_type, validate
from ethos_sdk.types.sessions import SessionPage

from .conftest import report
from .wire import all_exchanges


class Usage(TypedDict):
    inputTokens: int
    costUsd: float


class Item(TypedDict):
    id: str
    title: Optional[str]
    status: Literal["idle", "running"]
    pinned: bool
    usage: Usage
    tags: List[str]
    note: NotRequired[str]
    meta: NotRequired[Dict[str, Any]]


class Page(TypedDict):
    items: List[Item]
    nextCursor: Optional[str]


class Loose(TypedDict, total=False):
    id: Required[str]
    label: str


class Cat(TypedDict):
    kind: Literal["cat"]
    lives: int


class Dog(TypedDict):
    kind: Literal["dog"]
    good: bool


def item(**changes: Any) -> Dict[str, Any]:
    value: Dict[str, Any] = {
        "id": "s1",
        "title": None,
        "status": "idle",
        "pinned": False,
        "usage": {"inputTokens": 3, "costUsd": 0},
        "tags": ["a"],
    }
    value.update(changes)
    return value


def shapes(value: Any, tp: Any) -> List[tuple[str, str, str, str]]:
    return [(f.path, f.expected, f.got, f.kind) for f in validate(value, tp)]


def test_a_matching_answer_has_no_findings() -> None:
    page = {"items": [item(), item(id="s2", title="t", note="n", meta={"x": [1]})], "nextCursor": None}
    assert validate(page, Page) == []


def test_a_missing_required_key_is_named_with_its_path() -> None:
    broken = item()
    del broken["pinned"]
    assert shapes({"items": [item(), broken], "nextCursor": None}, Page) == [
        ("items[1].pinned", "boolean (required key of Item)", "missing key", "missing key")
    ]


def test_a_missing_not_required_key_is_fine_and_a_present_one_is_checked() -> None:
    assert validate(item(), Item) == []
    assert shapes(item(note=5), Item) == [("note", "string", "integer", "wrong type")]


def test_total_false_with_required_marks_only_that_key_required() -> None:
    assert validate({"id": "x"}, Loose) == []
    assert shapes({"label": "y"}, Loose) == [("id", "string (required key of Loose)", "missing key", "missing key")]


def test_an_unknown_key_is_reported_as_unexpected() -> None:
    found = validate(item(titel="renamed"), Item)
    assert [(f.path, f.kind, f.got) for f in found] == [("titel", "unexpected key", "string")]
    assert "unexpected key" in str(found[0]) and "Item" in str(found[0])


def test_wrong_json_types_including_bool_for_int_and_float_for_int() -> None:
    value = item(pinned="yes", usage={"inputTokens": True, "costUsd": 1.5}, tags="a")
    assert shapes(value, Item) == [
        ("pinned", "boolean", "string", "wrong type"),
        ("usage.inputTokens", "integer", "boolean", "wrong type"),
        ("tags", "array of string", "string", "wrong type"),
    ]
    assert shapes(item(usage={"inputTokens": 1.0, "costUsd": 2}), Item) == [
        ("usage.inputTokens", "integer", "number", "wrong type")
    ]


def test_null_where_not_nullable_and_null_where_nullable() -> None:
    assert validate(item(title=None), Item) == []
    assert shapes(item(id=None), Item) == [("id", "string", "null", "null")]
    assert shapes(item(title=3), Item) == [("title", "string", "integer", "wrong type")]


def test_a_value_outside_a_literal_shows_the_value() -> None:
    assert shapes(item(status="paused"), Item) == [("status", "one of 'idle', 'running'", "'paused'", "not in Literal")]
    assert shapes(item(status=None), Item) == [("status", "one of 'idle', 'running'", "null", "null")]


def test_nested_lists_are_checked_item_by_item() -> None:
    assert shapes({"grid": [[1, 2], [3, "4"]]}, Dict[str, List[List[int]]]) == [
        ("grid[1][1]", "integer", "string", "wrong type")
    ]
    assert shapes(item(tags=["a", 1]), Item) == [("tags[1]", "string", "integer", "wrong type")]


def test_a_union_of_typeddicts_reports_against_the_closest_member() -> None:
    pets = List[Union[Cat, Dog]]
    assert validate([{"kind": "cat", "lives": 9}, {"kind": "dog", "good": True}], pets) == []
    assert shapes([{"kind": "dog", "good": "very"}], pets) == [("[0].good", "boolean", "string", "wrong type")]
    assert shapes([5], pets) == [("[0]", "object (Cat) or object (Dog)", "integer", "wrong type")]


def test_an_optional_typeddict_accepts_null_and_checks_an_object() -> None:
    assert validate(None, Optional[Usage]) == []
    assert shapes({"inputTokens": 1}, Optional[Usage]) == [
        ("costUsd", "number (required key of Usage)", "missing key", "missing key")
    ]


def test_findings_read_procedure_style() -> None:
    finding = Finding("items[0].title", "string or null", "integer", "wrong type")
    assert str(finding) == "items[0].title: expected string or null, got integer"
    assert describe(Optional[List[Item]]) == "array of object (Item) or null"
    values: List[Any] = [None, True, 1, 1.5, "s", [], {}]
    assert [json_type(v) for v in values] == [
        "null", "boolean", "integer", "number", "string", "array", "object"
    ]


def test_every_answer_recorded_from_the_real_server_matches_its_methods_type(wire_dir: Path) -> None:
    """No false alarms on real data: each 200 RPC answer in tests/wire checks clean against the SDK's type."""
    methods = sdk_methods()
    client = EthosClient("http://127.0.0.1:3000", cookie="not-sent")
    checked: set[str] = set()
    for exchange in all_exchanges(wire_dir):
        procedure = exchange.target.split("?")[0][len("/rpc/"):].replace("/", ".")
        if not exchange.target.startswith("/rpc/") or exchange.status != 200 or procedure not in methods:
            continue
        method: Any = client
        for part in methods[procedure].path.split(".")[1:]:
            method = getattr(method, part)
        answer = exchange.response.json()["json"]
        assert validate(answer, method_hints(method)["return"]) == [], exchange.name
        checked.add(procedure)
    report(f"shape validator: {len(checked)} procedures' recorded answers match the SDK's types")
    assert {"sessions.list", "sessions.get", "personalities.list", "memory.get"} <= checked
    # and a broken copy of one of them is caught
    broken: Dict[str, Any] = {"items": [{}], "nextCursor": None}
    assert [f.path for f in validate(broken, SessionPage)][:1] == ["items[0].id"]


def test_a_type_it_cannot_check_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match="cannot check a value against"):
        validate(b"x", bytes)
