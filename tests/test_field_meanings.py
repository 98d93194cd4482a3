"""Every field the contract describes has a meaning in its TypedDict (issue 22)."""

from __future__ import annotations

import ast
import inspect
import typing_extensions
from typing import Any, Dict, List, get_args, get_type_hints

import ethos_sdk.types.sessions as sessions_types

from .conftest import report


def _field_docs(module: Any) -> Dict[str, Dict[str, str]]:
    """{class: {field: docstring}}: the string literal written under each annotated field."""
    docs: Dict[str, Dict[str, str]] = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.ClassDef):
            docs[node.name] = {
                before.target.id: str(after.value.value)
                for before, after in zip(node.body, node.body[1:])
                if isinstance(before, ast.AnnAssign) and isinstance(before.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            }
    return docs


def _unwrap(tp: Any) -> Any:
    """The TypedDict inside ``NotRequired[List[X]]`` and the like, else None."""
    while True:
        if typing_extensions.is_typeddict(tp):
            return tp
        args = get_args(tp)
        found = [a for a in args if typing_extensions.is_typeddict(a) or get_args(a)]
        if not found:
            return None
        tp = found[0]


def _check(schema: Dict[str, Any], typed_dict: Any, docs: Dict[str, Dict[str, str]], missing: List[str]) -> int:
    described = 0
    hints = get_type_hints(typed_dict)
    for field, spec in (schema.get("properties") or {}).items():
        assert field in hints, f"{typed_dict.__name__} lacks the contract's field {field}"
        if spec.get("description"):
            described += 1
            if not docs.get(typed_dict.__name__, {}).get(field):
                missing.append(f"{typed_dict.__name__}.{field}: {spec['description']}")
        inner = spec.get("items") if spec.get("type") == "array" else spec
        nested = _unwrap(hints[field])
        if isinstance(inner, dict) and inner.get("properties") and nested is not None:
            described += _check(inner, nested, docs, missing)
    return described


def test_every_described_card_field_has_a_meaning(contract: Dict[str, Any]) -> None:
    docs = _field_docs(sessions_types)
    envelopes = contract["procedures"]["sessions.get"]["output"]["properties"]["cards"]["items"]["properties"]["envelope"]["oneOf"]
    cards = {
        get_args(get_type_hints(card)["kind"])[0]: card
        for card in get_args(sessions_types.CardEnvelope)
    }
    missing: List[str] = []
    described = 0
    for envelope in envelopes:
        kind = envelope["properties"]["kind"]["const"]
        payload_type = get_type_hints(cards[kind])["payload"]
        described += _check(envelope["properties"]["payload"], payload_type, docs, missing)
    assert described == 44  # every description the contract has is on a card field
    assert not missing, missing
    report(f"field meanings: all {described} fields the contract describes have one in their TypedDict")
