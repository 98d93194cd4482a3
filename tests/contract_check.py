"""Compare the SDK's methods and types with the server contract (``ethos-contract.json``).

Used by ``test_conformance.py``. Each ``check_*`` function returns a list of
problems, each a sentence naming the place that differs; an empty list means
the procedure conforms.
"""

from __future__ import annotations

import inspect
import keyword
import re
import types
import typing
from typing import Any, Callable, Iterable

import typing_extensions

from ethos_sdk import EthosClient, NotGiven
from ethos_sdk._hints import get_type_hints as method_hints

PER_CALL_OPTIONS = ("timeout", "extra_headers")

FILLED_IN_BY_THE_SDK = {("chat.send", "clientId")}
"""Inputs the server requires but the SDK supplies when the caller leaves them out
(``chat.send`` takes ``client_id`` from the client)."""

TURNED_INTO_AN_INPUT = {("Chat.send", "files")}
"""Parameters that are no input of their own but that the SDK turns into one
(``chat.send``'s ``files`` are read and sent as ``attachments``)."""

READS_BEHIND_A_WRITE_SCOPE = {"tools.catalog"}
"""Procedures that change nothing although the key scope they need is not a ``:read`` one."""

_NONE = type(None)


def snake(name: str) -> str:
    """``characterSheet`` -> ``character_sheet``; ``mcp_servers`` stays; keywords get ``_``."""
    name = name.replace("OAuth", "Oauth")
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    text = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", text).lower()
    return text + "_" if keyword.iskeyword(text) else text


def method_for(client: EthosClient, procedure: str) -> Callable[..., Any]:
    """``client.a2a.peers.list`` for ``"a2a.peers.list"``; AttributeError when missing."""
    target: Any = client
    for part in procedure.split("."):
        target = getattr(target, snake(part))
    if not callable(target):
        raise AttributeError(f"{procedure} is not a method")
    return typing.cast(Callable[..., Any], target)


# -- schema helpers -------------------------------------------------------------


def split_nullable(schema: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The non-null alternatives of a schema and whether ``null`` is allowed.

    A nested ``anyOf`` (``anyOf: [anyOf: [string, object], null]``, as Zod writes
    a nullable union) is flattened: it means the same as one list of alternatives.
    """
    for key in ("anyOf", "oneOf"):
        if key in schema:
            variants: list[dict[str, Any]] = []
            nullable = False
            for option in schema[key]:
                inner, inner_nullable = split_nullable(option)
                variants.extend(inner)
                nullable = nullable or inner_nullable
            return variants, nullable
    if schema.get("type") == "null":
        return [], True
    return [schema], False


def literal_values(schema: dict[str, Any]) -> set[Any] | None:
    if "const" in schema:
        return {schema["const"]}
    if "enum" in schema:
        return set(schema["enum"])
    return None


# -- hint helpers ----------------------------------------------------------------


def union_members(hint: Any) -> list[Any]:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        members: list[Any] = []
        for arg in typing.get_args(hint):
            members.extend(union_members(arg))
        return members
    return [hint]


def strip_required_markers(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing_extensions.NotRequired, typing_extensions.Required):
        return typing.get_args(hint)[0]
    return hint


def literal_members(members: Iterable[Any]) -> set[Any] | None:
    found: set[Any] = set()
    for member in members:
        if typing.get_origin(member) is not typing_extensions.Literal and typing.get_origin(
            member
        ) is not typing.Literal:
            return None
        found.update(typing.get_args(member))
    return found


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or repr(hint)


# -- the recursive comparison ----------------------------------------------------

_SCALARS: dict[str, tuple[Any, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (float, int),
    "boolean": (bool,),
}


def compare(hint: Any, schema: dict[str, Any], where: str, *, depth: int = 0) -> list[str]:
    """Problems where the annotation ``hint`` does not describe ``schema``."""
    if depth > 40:
        return []
    hint = strip_required_markers(hint)
    variants, nullable = split_nullable(schema)
    members = union_members(hint)
    has_none = _NONE in members
    if nullable and not has_none:
        return [f"{where}: the schema allows null, the type does not (add Optional)"]
    if has_none and not nullable:
        return [f"{where}: the type allows None, the schema does not"]
    members = [m for m in members if m is not _NONE and m is not NotGiven]
    if not variants:
        return []
    if typing.Any in members:
        return [] if _is_any_schema(variants) else [f"{where}: typed Any, the schema is specific"]

    # Enums and consts, possibly spread over several variants.
    wanted_literals: set[Any] = set()
    all_literal = True
    for variant in variants:
        values = literal_values(variant)
        if values is None:
            all_literal = False
            break
        wanted_literals |= values
    if all_literal:
        got = literal_members(members)
        if got is None:
            return [f"{where}: the schema is an enum {sorted(map(repr, wanted_literals))}, "
                    f"the type is {' | '.join(_name(m) for m in members)}"]
        if got != wanted_literals:
            return [f"{where}: Literal values {sorted(map(repr, got))} != schema "
                    f"{sorted(map(repr, wanted_literals))}"]
        return []

    if len(variants) == 1:
        if len(members) != 1:
            return [f"{where}: one schema shape but a union of {len(members)} types"]
        return _compare_one(members[0], variants[0], where, depth)

    # A union of several shapes: each variant must match a distinct member.
    if len(members) != len(variants):
        return [f"{where}: the schema has {len(variants)} alternatives, the type {len(members)}"]
    unused = list(members)
    problems: list[str] = []
    for index, variant in enumerate(variants):
        match = next(
            (m for m in unused if not _compare_one(m, variant, f"{where}|{index}", depth)), None
        )
        if match is None:
            best = min(
                (_compare_one(m, variant, f"{where}|{index}", depth) for m in unused),
                key=len,
                default=[f"{where}|{index}: no type left for this alternative"],
            )
            problems.extend(best)
        else:
            unused.remove(match)
    return problems


def _is_any_schema(variants: list[dict[str, Any]]) -> bool:
    return any(not (set(v) - {"description", "default"}) for v in variants)


def _compare_one(hint: Any, schema: dict[str, Any], where: str, depth: int) -> list[str]:
    if hint is typing.Any:
        return [] if _is_any_schema([schema]) else [f"{where}: typed Any, the schema is specific"]
    if not (set(schema) - {"description", "default"}):
        return [f"{where}: the schema is any JSON value, the type {_name(hint)} (use Any)"]
    values = literal_values(schema)
    if values is not None:
        got = literal_members([hint])
        if got != values:
            return [f"{where}: Literal {sorted(map(repr, got or ()))} != schema {sorted(map(repr, values))}"]
        return []
    kind = schema.get("type")
    origin = typing.get_origin(hint)
    if kind in _SCALARS:
        if hint not in _SCALARS[kind]:
            return [f"{where}: schema {kind}, type {_name(hint)}"]
        return []
    if kind == "array":
        if origin not in (list, tuple, typing.Sequence, __import__("collections.abc").abc.Sequence):
            return [f"{where}: schema array, type {_name(hint)}"]
        args = typing.get_args(hint)
        item = args[0] if args else typing.Any
        return compare(item, schema.get("items", {}), f"{where}[]", depth=depth + 1)
    if kind == "object":
        if "properties" in schema:
            if not typing_extensions.is_typeddict(hint):
                return [f"{where}: schema object with properties, type {_name(hint)} is not a TypedDict"]
            return compare_typeddict(hint, schema, where, depth=depth + 1)
        # A record: {"additionalProperties": <value schema>} (keys may be an enum).
        import collections.abc

        if origin not in (dict, typing.Dict, typing.Mapping, collections.abc.Mapping):
            if typing_extensions.is_typeddict(hint):
                return [f"{where}: schema is a record (free keys), type is TypedDict {_name(hint)}"]
            return [f"{where}: schema record, type {_name(hint)}"]
        args = typing.get_args(hint)
        value_schema = schema.get("additionalProperties", {})
        if not args or value_schema in (True, None):
            return []
        return compare(args[1], value_schema, f"{where}{{}}", depth=depth + 1)
    return [f"{where}: unhandled schema {sorted(schema)}"]


def compare_typeddict(td: Any, schema: dict[str, Any], where: str, *, depth: int = 0) -> list[str]:
    """Keys, required-ness and each value of a TypedDict against an object schema."""
    hints = typing.get_type_hints(td)
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    problems: list[str] = []
    missing = set(props) - set(hints)
    extra = set(hints) - set(props)
    if missing:
        problems.append(f"{where} ({_name(td)}): keys missing: {sorted(missing)}")
    if extra:
        problems.append(f"{where} ({_name(td)}): keys not in the schema: {sorted(extra)}")
    td_required = set(getattr(td, "__required_keys__", ()))
    written = typing.get_type_hints(td, include_extras=True)
    for key in sorted(set(props) & set(hints)):
        if (key in required) != (key in td_required):
            want = "required" if key in required else "NotRequired"
            marked = typing.get_origin(written[key]) is typing_extensions.NotRequired
            if marked and key not in required:
                problems.append(
                    f"{where}.{key}: written NotRequired but __required_keys__ says required: "
                    "the module must not use `from __future__ import annotations` "
                    "(typing_extensions cannot see NotRequired inside string annotations)"
                )
            else:
                problems.append(f"{where}.{key}: should be {want}")
        problems.extend(compare(hints[key], props[key], f"{where}.{key}", depth=depth))
    return problems


# -- per-procedure checks -----------------------------------------------------------


def data_parameters(method: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    sig = inspect.signature(method)
    owner = getattr(method, "__qualname__", "")
    return {
        n: p for n, p in sig.parameters.items()
        if n not in PER_CALL_OPTIONS and (owner, n) not in TURNED_INTO_AN_INPUT
    }


def check_signature(method: Callable[..., Any], entry: dict[str, Any], procedure: str = "") -> list[str]:
    """Parameters are the input's properties; required-ness, types and per-call options agree."""
    schema = entry["input"]
    params = data_parameters(method)
    sig = inspect.signature(method)
    problems = [
        f"missing per-call option {name}=" for name in PER_CALL_OPTIONS if name not in sig.parameters
    ]
    hints = method_hints(method)
    if schema is None:
        if params:
            problems.append(f"takes {sorted(params)} but the procedure has no input")
        return problems
    if "properties" not in schema:  # a union input: one parameter carrying the whole body
        if len(params) != 1:
            return problems + [f"a union input should be one parameter, got {sorted(params)}"]
        (name,) = params
        return problems + compare(hints[name], schema, f"input({name})")
    props: dict[str, Any] = schema["properties"]
    required = set(schema.get("required", ()))
    expected = {snake(k): k for k in props}
    if set(params) != set(expected):
        missing = sorted(set(expected) - set(params))
        extra = sorted(set(params) - set(expected))
        problems.append(f"parameters differ: missing {missing}, not in the schema {extra}")
    for name, param in params.items():
        wire = expected.get(name)
        if wire is None:
            continue
        is_required = param.default is inspect.Parameter.empty
        filled_in = (procedure, wire) in FILLED_IN_BY_THE_SDK
        if is_required != (wire in required) and not (filled_in and not is_required):
            problems.append(f"parameter {name}: should be {'required' if wire in required else 'optional'}")
        if not is_required and not isinstance(param.default, NotGiven):
            problems.append(f"parameter {name}: optional parameters default to NOT_GIVEN")
        if not is_required and param.kind is not inspect.Parameter.KEYWORD_ONLY:
            problems.append(f"parameter {name}: optional parameters are keyword-only")
        hint = hints.get(name, typing.Any)
        problems.extend(compare(hint, props[wire], f"input.{wire}"))
    return problems


def check_output(method: Callable[..., Any], entry: dict[str, Any]) -> list[str]:
    schema = entry["output"]
    hint = method_hints(method).get("return", typing.Any)
    if schema is None:
        return []
    return compare(hint, schema, "output")


def marker_arguments(method: Callable[..., Any], entry: dict[str, Any]) -> tuple[list[Any], dict[str, Any], Any]:
    """Arguments to call ``method`` with, and the JSON input they must produce.

    Every parameter gets its own name as its value, so the body shows which
    parameter landed under which wire key.
    """
    schema = entry["input"]
    params = data_parameters(method)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if schema is None:
        return args, kwargs, None
    if "properties" not in schema:
        (name,) = params
        body = {"marker": name}
        return [body], kwargs, body
    expected = {}
    for wire in schema["properties"]:
        expected[wire] = snake(wire)
    for name, param in params.items():
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = name
        else:
            args.append(name)
    return args, kwargs, {wire: name for wire, name in expected.items() if name in params}


def check_docstring(method: Callable[..., Any], procedure: str, entry: dict[str, Any]) -> list[str]:
    doc = inspect.getdoc(method) or ""
    problems = []
    if f"``{procedure}``" not in doc:
        problems.append(f"docstring does not name ``{procedure}``")
    if entry["tier"] not in doc:
        problems.append(f"docstring does not give the tier ({entry['tier']})")
    scope = entry["bearerScope"]
    if scope in (None, "cookie-only"):
        if "cookie authentication only" not in doc:
            problems.append("docstring does not say it is cookie authentication only")
    elif f"``{scope}``" not in doc:
        problems.append(f"docstring does not name the scope ``{scope}``")
    return problems
