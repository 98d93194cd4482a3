"""Write the reference sections of the ``TypedDict`` types, read from ``ethos_sdk/types/*.py``.

Every result of the SDK is a plain ``dict`` described by a ``TypedDict``; its
fields and what they mean are what a user needs to know. Each type becomes a
``py:class`` entry with a table of its fields: name, type, whether the server
always sends it, whether it may be ``null``, and the field's docstring (the
string literal under the field in the source, read with :mod:`ast`, since
autodoc does not see those). Type aliases (``Literal`` choices, the event
union ``StreamEvent``) become ``py:data`` entries. Method return types and
parameters then link to these entries.

Only the repository is read, so the build stays offline.
"""

from __future__ import annotations

import ast
import collections.abc
import importlib
import inspect
import json
import types
import typing
from typing import Any, Dict, List, Optional, Tuple

import typing_extensions
from typing_extensions import is_typeddict

_INDENT = "   "


def _field_docs(module: Any) -> Dict[str, Dict[str, str]]:
    """{class name: {field: docstring}} of the ``TypedDict`` classes written in ``module``."""
    tree = ast.parse(inspect.getsource(module))
    docs: Dict[str, Dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: Dict[str, str] = {}
        body = node.body
        for previous, statement in zip(body, body[1:]):
            if (
                isinstance(previous, ast.AnnAssign)
                and isinstance(previous.target, ast.Name)
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                fields[previous.target.id] = inspect.cleandoc(statement.value.value)
        docs[node.name] = fields
    return docs


def _bases(module: Any, name: str) -> List[Tuple[Any, str]]:
    """The ``TypedDict`` classes ``name`` derives from, as (module, class name), nearest first."""
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            found: List[Tuple[Any, str]] = []
            for base in node.bases:
                if isinstance(base, ast.Name) and base.id != "TypedDict":
                    parent = getattr(module, base.id, None)
                    if parent is not None and is_typeddict(parent):
                        owner = importlib.import_module(parent.__module__)
                        found.append((owner, parent.__name__))
                        found += _bases(owner, parent.__name__)
            return found
    return []


def _alias_docs(module: Any) -> Dict[str, str]:
    """{name: docstring} of the module-level assignments followed by a string literal."""
    tree = ast.parse(inspect.getsource(module))
    docs: Dict[str, str] = {}
    for previous, statement in zip(tree.body, tree.body[1:]):
        target: Optional[ast.expr] = None
        if isinstance(previous, ast.Assign) and len(previous.targets) == 1:
            target = previous.targets[0]
        elif isinstance(previous, ast.AnnAssign):
            target = previous.target
        if (
            isinstance(target, ast.Name)
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            docs[target.id] = inspect.cleandoc(statement.value.value)
    return docs


_UNIONS = (typing.Union, types.UnionType)
_LISTS = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Iterable, collections.abc.Set)
_MAPS = (dict, collections.abc.Mapping)
_WRAPPERS = tuple(
    w for w in (getattr(typing_extensions, n, None) for n in ("Required", "NotRequired", "ReadOnly")) if w is not None
)


def _members(tp: Any) -> List[Any]:
    """The alternatives of a union (a single type is its own only alternative)."""
    origin = typing.get_origin(tp)
    if origin in _UNIONS:
        out: List[Any] = []
        for arg in typing.get_args(tp):
            out += _members(arg)
        return out
    if origin in _WRAPPERS:
        return _members(typing.get_args(tp)[0])
    return [tp]


def format_type(tp: Any) -> str:
    """reST for a type, with each ``TypedDict`` a link to its entry."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is type(None):
        return "``null``"
    if tp is Any:
        return "any JSON value"
    if is_typeddict(tp):
        return f":class:`~{tp.__module__}.{tp.__qualname__}`"
    if origin in _WRAPPERS:
        return format_type(args[0])
    if origin in _UNIONS:
        return " | ".join(format_type(member) for member in _members(tp))
    if origin is typing.Literal:
        return " | ".join(f"``{json.dumps(value)}``" for value in args)
    if origin in _LISTS:
        return f"list[{format_type(args[0])}]" if args else "list"
    if origin in _MAPS:
        return f"dict[{format_type(args[0])}, {format_type(args[1])}]" if args else "dict"
    if isinstance(tp, type):
        return f"``{tp.__name__}``"
    return f"``{tp!r}``".replace("typing.", "")


def _indented(text: str, prefix: str) -> List[str]:
    return [prefix + line if line.strip() else "" for line in text.splitlines()]


def typed_dict_entry(module: Any, name: str, docs: Dict[str, Dict[str, str]]) -> List[str]:
    """The ``py:class`` entry of one ``TypedDict``, with its table of fields."""
    cls = getattr(module, name)
    out = [f".. py:class:: {name}", ""]
    out += _indented(inspect.cleandoc(cls.__doc__ or ""), _INDENT) + [""]
    hints = typing_extensions.get_type_hints(cls)
    if not hints:
        return out + [f"{_INDENT}No fields: an empty object.", ""]
    meanings: Dict[str, str] = {}
    for owner, base in reversed(_bases(module, name)):
        meanings.update(_field_docs(owner).get(base, {}))
    meanings.update(docs.get(name, {}))
    required = getattr(cls, "__required_keys__", frozenset(hints))
    out += [
        f"{_INDENT}.. list-table:: Fields of ``{name}``",
        f"{_INDENT}   :header-rows: 1",
        f"{_INDENT}   :widths: 22 26 9 9 34",
        f"{_INDENT}   :class: ethos-fields",
        "",
        f"{_INDENT}   * - Field",
        f"{_INDENT}     - Type",
        f"{_INDENT}     - Required",
        f"{_INDENT}     - Nullable",
        f"{_INDENT}     - Meaning",
    ]
    cell = _INDENT + "       "
    for field, tp in hints.items():
        nullable = any(member is type(None) for member in _members(tp))
        out += [
            f"{_INDENT}   * - ``{field}``",
            f"{_INDENT}     - {format_type(tp)}",
            f"{_INDENT}     - {'yes' if field in required else 'no'}",
            f"{_INDENT}     - {'yes' if nullable else 'no'}",
        ]
        meaning = meanings.get(field, "")
        if meaning:
            first, *rest = meaning.splitlines()
            out.append(f"{_INDENT}     - {first}")
            out += _indented("\n".join(rest), cell)
        else:
            out.append(f"{_INDENT}     -")
    return out + [""]


def alias_entry(module: Any, name: str, doc: str) -> List[str]:
    """The ``py:data`` entry of a type alias: what it stands for, then its docstring."""
    value = getattr(module, name)
    out = [f".. py:data:: {name}", ""]
    members = _members(value)
    if len(members) > 1 and all(is_typeddict(m) for m in members):
        out += _indented(doc, _INDENT) + ["", f"{_INDENT}One of:", ""]
        out += [f"{_INDENT}* {format_type(m)}" for m in members]
    else:
        out += [f"{_INDENT}{format_type(value)}", ""] + _indented(doc, _INDENT)
    return out + [""]


def module_entries(module_name: str) -> List[str]:
    """The entries of every public ``TypedDict`` and type alias of one ``ethos_sdk.types`` module."""
    module = importlib.import_module(module_name)
    docs = _field_docs(module)
    aliases = _alias_docs(module)
    out = [f".. py:currentmodule:: {module_name}", ""]
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if is_typeddict(obj) and obj.__module__ == module_name:
            out += typed_dict_entry(module, name, docs)
        elif name in aliases and typing.get_origin(obj) is not None:
            out += alias_entry(module, name, aliases[name])
        elif name in aliases:  # a constant, such as KNOWN_EVENT_TYPES
            out += [f".. py:data:: {name}", ""] + _indented(aliases[name], _INDENT) + [""]
    return out
