"""Input checks that fail the way the real server's (zod 4) validation does.

Only what the local server's procedures need: required fields, JSON types,
enums, string/array lengths and number bounds. Each problem becomes one
``issue`` dict with the keys, in the order, that the recorded captures show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

__all__ = ["Field", "ValidationFailed", "validate"]

Path = List[Union[str, int]]

_UNDEFINED = object()
"""A field that was not sent at all (zod says "received undefined")."""


class ValidationFailed(Exception):
    """The input broke the procedure's schema; ``issues`` says how."""

    def __init__(self, issues: List[Dict[str, Any]]) -> None:
        super().__init__("Input validation failed")
        self.issues = issues


@dataclass(frozen=True)
class Field:
    """One property of a procedure's input object.

    ``kind`` is a JSON type (``string``, ``number``, ``int``, ``boolean``,
    ``array``, ``object``) or ``any``. ``minimum``/``maximum`` bound a
    number's value, a string's length or an array's size.
    """

    name: str
    kind: str
    required: bool = False
    nullable: bool = False
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    exclusive_minimum: bool = False
    enum: Optional[Tuple[str, ...]] = None
    item_enum: Optional[Tuple[str, ...]] = None


def _received(value: Any) -> str:
    if value is _UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _invalid_type(expected: str, value: Any, path: Path) -> Dict[str, Any]:
    return {
        "expected": expected,
        "code": "invalid_type",
        "path": path,
        "message": f"Invalid input: expected {expected}, received {_received(value)}",
    }


def _enum_issue(values: Sequence[str], path: Path) -> Dict[str, Any]:
    options = "|".join(f'"{v}"' for v in values)
    return {
        "code": "invalid_value",
        "values": list(values),
        "path": path,
        "message": f"Invalid option: expected one of {options}",
    }


_UNITS = {"string": " characters", "array": " items"}


def _size_issue(origin: str, too_big: bool, bound: float, inclusive: bool, path: Path) -> Dict[str, Any]:
    shown: Union[int, float] = int(bound) if float(bound).is_integer() else bound
    key = "maximum" if too_big else "minimum"
    sign = ("<" if too_big else ">") + ("=" if inclusive else "")
    if origin == "number":
        what = f"expected number to be {sign}{shown}"
    else:
        what = f"expected {origin} to have {sign}{shown}{_UNITS[origin]}"
    return {
        "origin": origin,
        "code": "too_big" if too_big else "too_small",
        key: shown,
        "inclusive": inclusive,
        "path": path,
        "message": f"{'Too big' if too_big else 'Too small'}: {what}",
    }


def _check_field(spec: Field, value: Any, issues: List[Dict[str, Any]]) -> None:
    path: Path = [spec.name]
    if value is None and spec.nullable:
        return
    kind = spec.kind
    if kind == "any":
        return
    if spec.enum is not None:
        if not isinstance(value, str) or value not in spec.enum:
            issues.append(_enum_issue(spec.enum, path))
        return
    json_kind = "number" if kind == "int" else kind
    if _received(value) != json_kind:
        issues.append(_invalid_type(json_kind, value, path))
        return
    if kind == "int" and not float(value).is_integer():
        issues.append(_invalid_type("int", value, path))
        return
    if kind in ("number", "int"):
        size: float = float(value)
    elif kind in ("string", "array"):
        size = float(len(value))
    else:
        size = 0.0
    if spec.minimum is not None:
        low = size <= spec.minimum if spec.exclusive_minimum else size < spec.minimum
        if low:
            origin = "number" if kind in ("number", "int") else kind
            issues.append(_size_issue(origin, False, spec.minimum, not spec.exclusive_minimum, path))
            return
    if spec.maximum is not None and size > spec.maximum:
        origin = "number" if kind in ("number", "int") else kind
        issues.append(_size_issue(origin, True, spec.maximum, True, path))
        return
    if kind == "array" and spec.item_enum is not None:
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in spec.item_enum:
                issues.append(_enum_issue(spec.item_enum, [spec.name, index]))


def validate(value: Any, fields: Sequence[Field]) -> Dict[str, Any]:
    """Check an input object against ``fields`` and return it (``ValidationFailed`` if not).

    ``value`` is what the envelope's ``json`` held; a request without it
    passes :data:`MISSING`, which reads "received undefined".
    """
    if not isinstance(value, dict):
        raise ValidationFailed([_invalid_type("object", value, [])])
    issues: List[Dict[str, Any]] = []
    for spec in fields:
        if spec.name not in value:
            if spec.required and spec.enum is not None:
                issues.append(_enum_issue(spec.enum, [spec.name]))
            elif spec.required:
                expected = "number" if spec.kind == "int" else spec.kind
                issues.append(_invalid_type(expected, _UNDEFINED, [spec.name]))
            continue
        _check_field(spec, value[spec.name], issues)
    if issues:
        raise ValidationFailed(issues)
    return value


MISSING: Any = _UNDEFINED
"""Pass as the input when the request had no ``json`` at all."""
