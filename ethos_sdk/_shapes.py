"""Check a decoded JSON value against a type of this SDK, at run time.

``check-server --shapes`` uses it to compare what a server answers with the
``TypedDict`` a method declares it returns. It reads the types themselves
(``typing.get_type_hints(..., include_extras=True)``, ``Required`` /
``NotRequired``, ``Literal``, ``Optional`` / ``Union``, ``List``, ``Dict``,
nested ``TypedDict`` and ``Any``), needs only the standard library and
typing-extensions, and is never imported by ``import ethos_sdk``.

Results of this SDK pass unknown keys through, so an unexpected key is not an
error for a program; here it is still reported (``kind == "unexpected key"``)
because it is how a server's new or renamed field shows.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import typing_extensions

__all__ = ["Finding", "validate", "describe", "json_type"]

_NOT_REQUIRED = {typing_extensions.NotRequired, getattr(typing, "NotRequired", None)} - {None}
_REQUIRED = {typing_extensions.Required, getattr(typing, "Required", None)} - {None}
_LITERALS = {typing.Literal, typing_extensions.Literal}
_ANNOTATED = {typing_extensions.Annotated, getattr(typing, "Annotated", None)} - {None}
_UNION_TYPES: Tuple[Any, ...] = (typing.Union, getattr(types, "UnionType", typing.Union))
_NONE = type(None)
_TOP = "(answer)"


@dataclass(frozen=True)
class Finding:
    """One place where a value does not have the declared shape.

    Attributes:
        path: where, from the top of the answer (``items[0].title``; ``(answer)`` for the top).
        expected: what the type declares there (``string or null``, ``one of 'a', 'b'``).
        got: what the value has (``integer``, ``missing key``, ``'other'``).
        kind: ``"missing key"``, ``"unexpected key"``, ``"wrong type"``, ``"null"`` or ``"not in Literal"``.
    """

    path: str
    expected: str
    got: str
    kind: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


_JSON_TYPES: Tuple[Tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: a bool is an int in Python, never in JSON
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value: ``string``, ``integer``, ``number``, ``boolean``, ``null``, ``array``, ``object``."""
    if value is None:
        return "null"
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def _strip(tp: Any) -> Tuple[Any, bool | None]:
    """Remove ``Annotated`` / ``Required`` / ``NotRequired``; say which of the last two was there."""
    required: bool | None = None
    while True:
        origin = typing.get_origin(tp)
        if origin in _NOT_REQUIRED:
            required, tp = False, typing.get_args(tp)[0]
        elif origin in _REQUIRED:
            required, tp = True, typing.get_args(tp)[0]
        elif origin in _ANNOTATED:
            tp = typing.get_args(tp)[0]
        else:
            return tp, required


def _literal_text(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe(tp: Any) -> str:
    """A short, JSON-flavoured name of a type: ``string``, ``array of Session``, ``integer or null``."""
    tp, _ = _strip(tp)
    if tp is Any or tp is object:
        return "any value"
    if tp is _NONE or tp is None:
        return "null"
    if tp is str:
        return "string"
    if tp is bool:
        return "boolean"
    if tp is int:
        return "integer"
    if tp is float:
        return "number"
    if _is_typeddict(tp):
        return f"object ({tp.__name__})"
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in _LITERALS:
        return "one of " + ", ".join(_literal_text(a) for a in args)
    if origin in _UNION_TYPES:
        members = [a for a in args if a is not _NONE]
        text = " or ".join(describe(a) for a in members)
        return text + " or null" if len(members) < len(args) else text
    if origin in (list, List):
        return f"array of {describe(args[0])}" if args else "array"
    if origin in (dict, Dict):
        return f"object of {describe(args[1])}" if args else "object"
    if tp is list:
        return "array"
    if tp is dict:
        return "object"
    return getattr(tp, "__name__", repr(tp))


def validate(value: Any, tp: Any, path: str = _TOP) -> List[Finding]:
    """Every place where ``value`` (decoded JSON) does not match ``tp``; empty when it does.

    Args:
        value: what ``json.loads`` gave (or an SDK method returned).
        tp: the declared type, usually a method's return ``TypedDict``.
        path: how to name the top of ``value`` in findings.

    Raises:
        TypeError: ``tp`` is a kind of type this checker does not know; the
            message names it (nothing is guessed).
    """
    findings: List[Finding] = []
    _check(value, tp, path, findings)
    return findings


def _join(path: str, key: str) -> str:
    return key if path == _TOP else f"{path}.{key}"


def _mismatch(value: Any, tp: Any, path: str) -> Finding:
    if value is None:
        return Finding(path, describe(tp), "null", "null")
    return Finding(path, describe(tp), json_type(value), "wrong type")


def _check(value: Any, tp: Any, path: str, out: List[Finding]) -> None:
    tp, _ = _strip(tp)
    if tp is Any or tp is object:
        return
    if tp is _NONE or tp is None:
        if value is not None:
            out.append(Finding(path, "null", json_type(value), "wrong type"))
        return
    scalar = {str: (str,), bool: (bool,), int: (int,), float: (int, float)}.get(tp)
    if scalar is not None:
        if not isinstance(value, scalar) or (tp is not bool and isinstance(value, bool)):
            out.append(_mismatch(value, tp, path))
        return
    if _is_typeddict(tp):
        _check_typeddict(value, tp, path, out)
        return
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in _LITERALS:
        if not any(value == a and type(value) is type(a) for a in args):
            got = "null" if value is None else _literal_text(value)
            out.append(Finding(path, describe(tp), got, "null" if value is None else "not in Literal"))
        return
    if origin in _UNION_TYPES:
        _check_union(value, tp, args, path, out)
        return
    container = list if origin in (list, List) or tp is list else dict if origin in (dict, Dict) or tp is dict else None
    if container is not None:
        if not isinstance(value, container):
            out.append(_mismatch(value, tp, path))
            return
        item = args[-1] if args else Any  # List[X] -> X, Dict[str, X] -> X
        if isinstance(value, list):
            for index, element in enumerate(value):
                _check(element, item, f"{'' if path == _TOP else path}[{index}]", out)
        else:
            for key, element in value.items():
                _check(element, item, _join(path, str(key)), out)
        return
    raise TypeError(f"cannot check a value against {tp!r} (at {path}): not a JSON-shaped type")


def _check_union(value: Any, tp: Any, args: Tuple[Any, ...], path: str, out: List[Finding]) -> None:
    members = [a for a in args if a is not _NONE]
    if value is None:
        if len(members) < len(args):
            return
        out.append(_mismatch(value, tp, path))
        return
    if len(members) == 1:  # Optional[X] holding a value: X says what is wrong
        _check(value, members[0], path, out)
        return
    closest: List[Finding] | None = None
    for member in members:
        found: List[Finding] = []
        _check(value, member, path, found)
        if not found:
            return
        # A member that accepts the value's JSON kind (an object for a TypedDict)
        # and differs only inside it explains the mismatch best.
        inside = all(f.path != path for f in found)
        if inside and (closest is None or len(found) < len(closest)):
            closest = found
    if closest is not None:
        out.extend(closest)
    else:
        out.append(_mismatch(value, tp, path))


def _check_typeddict(value: Any, tp: Any, path: str, out: List[Finding]) -> None:
    if not isinstance(value, dict):
        out.append(_mismatch(value, tp, path))
        return
    hints = typing.get_type_hints(tp, include_extras=True)
    declared_required = set(getattr(tp, "__required_keys__", ()))
    for key, hint in hints.items():
        field_type, marker = _strip(hint)
        required = marker if marker is not None else key in declared_required
        if key not in value:
            if required:
                out.append(Finding(_join(path, key), f"{describe(field_type)} (required key of {tp.__name__})", "missing key", "missing key"))
            continue
        _check(value[key], field_type, _join(path, key), out)
    for key in value:
        if key not in hints:
            out.append(
                Finding(
                    _join(path, str(key)),
                    f"no such key (unexpected key: {tp.__name__} does not declare it)",
                    json_type(value[key]),
                    "unexpected key",
                )
            )
