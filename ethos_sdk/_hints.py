"""``get_type_hints`` for the SDK's methods, whose result types only type checkers import.

The namespace modules import the ``TypedDict`` types of their answers under
``if TYPE_CHECKING:`` (importing them at run time made a script's first call
several milliseconds slower), so ``typing.get_type_hints`` cannot resolve a
method's annotations from the module's globals alone. :func:`get_type_hints`
here runs the module's ``TYPE_CHECKING`` imports in a copy of its globals and
resolves with that: the types a type checker sees, nothing else.
"""

from __future__ import annotations

import ast
import functools
import sys
import typing
from pathlib import Path
from typing import Any, Dict

__all__ = ["get_type_hints"]


def get_type_hints(obj: Any, *, include_extras: bool = False) -> Dict[str, Any]:
    """``typing.get_type_hints(obj)``, with what the module of ``obj`` imports for type checkers.

    For a function or method of an SDK module; a class is resolved by
    ``typing.get_type_hints`` itself (its annotations' names are imported at run time).
    """
    if isinstance(obj, type):
        return typing.get_type_hints(obj, include_extras=include_extras)
    module = sys.modules[obj.__module__]
    return typing.get_type_hints(obj, globalns=_namespace_of(module.__name__), include_extras=include_extras)


@functools.lru_cache(maxsize=None)
def _namespace_of(module_name: str) -> Dict[str, Any]:
    module = sys.modules[module_name]
    namespace = dict(vars(module))
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            block = ast.Module(body=node.body, type_ignores=[])
            exec(compile(block, str(module.__file__), "exec"), namespace)  # the block's imports only
    return namespace


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )
