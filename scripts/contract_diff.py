#!/usr/bin/env python3
"""Compare two Ethos contract snapshots and print what to update in the SDK.

Usage::

    python scripts/contract_diff.py OLD.json NEW.json

OLD and NEW are ``ethos-contract.json`` files (``contract/ethos-contract.json``
and a newer one from ethosagent/ethos ``packages/web-contracts``). The output
is a checklist: procedures added, removed, re-tiered, re-scoped or
(un)served, then, procedure by procedure, every input and output field that
was added or removed, became required or optional, changed type, changed its
enum (or const) values, or became nullable or not, each with the SDK method
and type to update.

Exit status: 0 when the two contracts agree, 1 when they differ, 2 when a
file cannot be read. A maintainers' tool: it is not part of the package.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FieldShape:
    """One field of a schema, flattened: its JSON type(s), enum values, nullability and requiredness."""

    type: str
    values: Optional[Tuple[str, ...]]
    nullable: bool
    required: bool


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def method_path(procedure: str) -> str:
    """Where the SDK keeps (or would keep) a procedure's method: ``a2a.peers.list`` -> ``client.a2a.peers.list``."""
    return "client." + ".".join(_snake(part) for part in procedure.split("."))


def _type_name(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(sorted(str(k) for k in kind if k != "null")) or "null"
    if isinstance(kind, str):
        return kind
    if "const" in schema:
        return type(schema["const"]).__name__.replace("str", "string")
    return "any"


def _values(schema: Mapping[str, Any]) -> Optional[Tuple[str, ...]]:
    if "enum" in schema:
        return tuple(sorted(json.dumps(v) for v in schema["enum"] if v is not None))
    if "const" in schema:
        return (json.dumps(schema["const"]),)
    return None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _variant_label(schema: Mapping[str, Any], index: int) -> str:
    for key, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, Mapping) and "const" in prop:
            return f"{key}={prop['const']}"
    return str(index)


def flatten(
    schema: Any, path: str = "", required: bool = True, nullable: bool = False
) -> Iterator[Tuple[str, FieldShape]]:
    """Every field of a JSON Schema as ``(path, FieldShape)``; ``items[].title``, ``parts<type=text>.text``."""
    if not isinstance(schema, Mapping):
        return
    union = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(union, list):
        members = [m for m in union if not _is_null(m)]
        nullable = nullable or len(members) < len(union)
        if len(members) == 1:
            yield from flatten(members[0], path, required, nullable)
            return
        kinds = sorted({_type_name(m) for m in members if isinstance(m, Mapping)})
        values = sorted({v for m in members if isinstance(m, Mapping) for v in (_values(m) or ())})
        all_enum = all(isinstance(m, Mapping) and _values(m) is not None for m in members)
        yield path, FieldShape(" | ".join(kinds), tuple(values) if all_enum else None, nullable, required)
        for index, member in enumerate(members):
            if isinstance(member, Mapping) and member.get("type") in ("object", "array"):
                yield from flatten(member, f"{path}<{_variant_label(member, index)}>", True, False)
        return
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        nullable = True
    yield path, FieldShape(_type_name(schema), _values(schema), nullable, required)
    needed = set(schema.get("required") or ())
    for key, prop in (schema.get("properties") or {}).items():
        yield from flatten(prop, f"{path}.{key}" if path else key, key in needed)
    if isinstance(schema.get("items"), Mapping):
        yield from flatten(schema["items"], f"{path}[]", True)
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping) and extra and not schema.get("properties"):
        yield from flatten(extra, f"{path}{{}}", True)


def field_changes(old: Any, new: Any) -> List[str]:
    """Each difference between two schemas, one sentence per field."""
    before, after = dict(flatten(old)), dict(flatten(new))
    changes: List[str] = []
    for path in sorted(set(before) | set(after)):
        name = path or "(whole value)"
        if path not in before:
            shape = after[path]
            changes.append(f"{name}: added ({_describe(shape)})")
            continue
        if path not in after:
            changes.append(f"{name}: removed (was {_describe(before[path])})")
            continue
        was, now = before[path], after[path]
        if was.required != now.required:
            changes.append(f"{name}: {'optional -> required' if now.required else 'required -> optional'}")
        if was.type != now.type:
            changes.append(f"{name}: type {was.type} -> {now.type}")
        if was.values != now.values:
            gone = sorted(set(was.values or ()) - set(now.values or ()))
            came = sorted(set(now.values or ()) - set(was.values or ()))
            if was.values is None or now.values is None:
                changes.append(f"{name}: enum {_enum(was.values)} -> {_enum(now.values)}")
            else:
                changes.append(f"{name}: enum changed (added {_enum(tuple(came))}; removed {_enum(tuple(gone))})")
        if was.nullable != now.nullable:
            changes.append(f"{name}: {'became nullable' if now.nullable else 'no longer nullable'}")
    return changes


def _enum(values: Optional[Tuple[str, ...]]) -> str:
    if values is None:
        return "(none)"
    return ", ".join(values) if values else "(none)"


def _describe(shape: FieldShape) -> str:
    parts = [shape.type]
    if shape.values is not None:
        parts.append(f"one of {_enum(shape.values)}")
    if shape.nullable:
        parts.append("nullable")
    parts.append("required" if shape.required else "optional")
    return ", ".join(parts)


def _sdk_types() -> Dict[str, Any]:
    """Procedure -> the return type the SDK's method declares, read from the SDK in this repository.

    Empty when the SDK cannot be imported (the checklist then names methods only).
    """
    sys.path.insert(0, str(ROOT))
    try:
        from ethos_sdk import EthosClient
        from ethos_sdk._catalog import sdk_procedures
        from ethos_sdk._hints import get_type_hints as method_hints
    except ImportError:
        return {}
    finally:
        sys.path.pop(0)
    client = EthosClient("http://127.0.0.1:9", cookie="contract-diff")
    found: Dict[str, Any] = {}
    for procedure, path in sdk_procedures().items():
        target: Any = client
        for part in path.split(".")[1:]:
            target = getattr(target, part)
        try:
            declared = method_hints(target).get("return")
        except Exception:  # an annotation this Python cannot evaluate: name the method only
            continue
        if declared is not None:
            found[procedure] = declared
    return found


def _type_label(tp: Any) -> str:
    if isinstance(tp, type):
        return f"{tp.__module__}.{tp.__qualname__}"
    return repr(tp).replace("typing.", "")


def owner_type(declared: Any, path: str) -> Any:
    """The ``TypedDict`` of the SDK that holds the last key of ``path`` (``session.pinned`` -> ``Session``).

    ``None`` when the path leaves the SDK's types (a new nested object, a type
    that is not a ``TypedDict``).
    """
    from ethos_sdk._shapes import _is_typeddict, _strip

    tp, owner = declared, None
    segments = re.findall(r"\[\]|\{\}|<[^>]*>|[^.\[\]<>{}]+", path)
    for index, segment in enumerate(segments):
        tp, _ = _strip(tp)
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) is typing.Union:
            if segment.startswith("<"):
                key, _, value = segment[1:-1].partition("=")
                tp = next((m for m in members if _has_const(m, key, value)), None)
                continue
            if len(members) != 1:
                return None
            tp, _ = _strip(members[0])
        if segment == "[]" and typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif segment == "{}" and typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif _is_typeddict(tp):
            owner = tp
            hints = typing.get_type_hints(tp, include_extras=True)
            if segment not in hints:
                return owner if index == len(segments) - 1 else None  # a key to add there
            tp = hints[segment]
        else:
            return None
    return owner


def _has_const(member: Any, key: str, value: str) -> bool:
    from ethos_sdk._shapes import _is_typeddict, _strip

    if not _is_typeddict(member):
        return False
    hint, _ = _strip(typing.get_type_hints(member, include_extras=True).get(key))
    return [str(a) for a in typing.get_args(hint)] == [value]


def _scope(value: Any) -> str:
    return "cookie only" if value is None else str(value)


def _load(path: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    procedures = data.get("procedures") if isinstance(data, dict) else None
    if not isinstance(procedures, dict):
        raise ValueError(f"{path} has no 'procedures' object: is it an ethos-contract.json?")
    return data


def diff(old: Mapping[str, Any], new: Mapping[str, Any], types: Mapping[str, Any]) -> List[str]:
    """The checklist lines for the change from ``old`` to ``new`` (empty when they agree)."""
    before, after = old["procedures"], new["procedures"]
    lines: List[str] = []

    def section(title: str, items: List[str]) -> None:
        if items:
            count = sum(1 for item in items if item.startswith("- [ ]"))
            lines.append(f"{title} ({count}):")
            lines.extend(items)
            lines.append("")

    def where(procedure: str) -> str:
        declared = types.get(procedure)
        return f"{method_path(procedure)}" + (f", returns {_type_label(declared)}" if declared else "")

    def output_target(procedure: str, change: str) -> str:
        declared = types.get(procedure)
        path = change.split(":", 1)[0]
        owner = owner_type(declared, path) if declared is not None and path != "(whole value)" else None
        return _type_label(owner) if owner is not None else "the returned type"

    section(
        "Procedures added",
        [
            f"- [ ] {name} ({after[name].get('tier')}, {_scope(after[name].get('bearerScope'))}): "
            f"add {method_path(name)} and its types"
            for name in sorted(set(after) - set(before))
        ],
    )
    section(
        "Procedures removed",
        [
            f"- [ ] {name}: remove or deprecate {where(name)}"
            for name in sorted(set(before) - set(after))
        ],
    )
    both = sorted(set(before) & set(after))
    attributes = (
        ("re-tiered", "tier", "", str, "the docstring's last line of {method}"),
        ("re-scoped", "bearerScope", "", _scope, "the docstring of {method}; ethos_sdk/testing/_scopes.py"),
        ("served or unserved", "served", "served ", str, "NOT_ROUTED_YET in ethos_sdk/_catalog.py"),
    )
    for title, key, label, show, edit in attributes:
        section(
            f"Procedures {title}",
            [
                f"- [ ] {name}: {label}{show(before[name].get(key))} -> {show(after[name].get(key))} "
                f"({edit.format(method=method_path(name))})"
                for name in both
                if before[name].get(key) != after[name].get(key)
            ],
        )
    changed: List[str] = []
    for name in both:
        inputs = field_changes(before[name].get("input"), after[name].get("input"))
        outputs = field_changes(before[name].get("output"), after[name].get("output"))
        if not (inputs or outputs):
            continue
        changed.append(f"- [ ] {name} ({where(name)})")
        changed.extend(
            f"    input  {change}  -> parameter {_snake(change.split(':', 1)[0].split('.')[0])} and the body"
            for change in inputs
        )
        changed.extend(f"    output {change}  -> {output_target(name, change)}" for change in outputs)
    section("Fields changed", changed)
    return lines[:-1] if lines else lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="contract_diff.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("old", help="the contract the SDK follows now (contract/ethos-contract.json)")
    parser.add_argument("new", help="the newer ethos-contract.json")
    args = parser.parse_args(argv)
    try:
        old, new = _load(args.old), _load(args.new)
    except (OSError, ValueError) as exc:
        print(f"contract_diff: {exc}", file=sys.stderr)
        return 2
    lines = diff(old, new, _sdk_types())
    print(f"old: {old.get('source', args.old)}")
    print(f"new: {new.get('source', args.new)}")
    print()
    if not lines:
        print("no differences: nothing to update")
        return 0
    print("\n".join(lines))
    return 1


if __name__ == "__main__":
    sys.exit(main())
