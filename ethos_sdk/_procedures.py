"""What :meth:`EthosClient.call` checks before it sends: the procedure's name and its input keys.

The knowledge comes from the namespace methods themselves, as in
:mod:`ethos_sdk._catalog`: each method is run once against a stand-in client
whose namespaces record the procedure name and the wire keys the method writes
out (those left ``NOT_GIVEN`` included) instead of sending anything. The table
is built on the first checked ``call()`` and kept for the process.
"""

from __future__ import annotations

import difflib
import inspect
import threading
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

from ._catalog import _NOT_PROCEDURES, _namespace_attributes, _StandInClient
from ._suggest import closest_name
from .errors import InvalidCallError

__all__ = ["ProcedureInput", "procedure_inputs", "check_call"]


@dataclass(frozen=True)
class ProcedureInput:
    """One procedure as the SDK's methods call it."""

    method: str
    """Where its method lives, like ``client.sessions.list``."""
    keys: Optional[FrozenSet[str]]
    """The input object's wire keys; ``None`` when the method sends no object."""


class _Sent(Exception):
    def __init__(self, procedure: str, keys: Optional[FrozenSet[str]]) -> None:
        super().__init__(procedure)
        self.procedure = procedure
        self.keys = keys


def _record(self: Any, procedure: str, params: Optional[Mapping[str, Any]], **options: Any) -> Any:
    raise _Sent(procedure, None if params is None else frozenset(params))


_recorders: Dict[type, type] = {}


def _recording(cls: type) -> type:
    """``cls`` with a ``_call`` that records instead of sending."""
    if cls not in _recorders:
        _recorders[cls] = type(cls.__name__, (cls,), {"__slots__": (), "_call": _record})
    return _recorders[cls]


def _sent_by(method: Any) -> Optional[_Sent]:
    args: List[Any] = []
    for param in inspect.signature(method).parameters.values():
        if param.default is inspect.Parameter.empty and param.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            args.append({})
    try:
        result = method(*args)
    except _Sent as sent:
        return sent
    except Exception:
        return None
    close = getattr(result, "close", None)  # a lazy iterator that never ran
    if callable(close):
        close()
    return None


def _walk(cls: type, client: Any, path: str, found: Dict[str, ProcedureInput]) -> None:
    namespace = _recording(cls)(client)
    for name in _namespace_attributes(cls):
        _walk(type(getattr(namespace, name)), client, f"{path}.{name}", found)
    for name, _ in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name in _NOT_PROCEDURES:
            continue
        sent = _sent_by(getattr(namespace, name))
        if sent is None:
            continue
        known = found.get(sent.procedure)
        if known is None:
            found[sent.procedure] = ProcedureInput(f"{path}.{name}", sent.keys)
        elif sent.keys is not None:  # list_all and list send the same keys; keep them all
            found[sent.procedure] = ProcedureInput(known.method, (known.keys or frozenset()) | sent.keys)


_table: Optional[Dict[str, ProcedureInput]] = None
_table_lock = threading.Lock()


def procedure_inputs() -> Mapping[str, ProcedureInput]:
    """Every procedure the SDK has a method for, with its method and input keys (built once)."""
    global _table
    with _table_lock:
        if _table is None:
            from ._client import EthosClient

            stand_in = _StandInClient()
            found: Dict[str, ProcedureInput] = {}
            for name in _namespace_attributes(EthosClient):
                namespace = getattr(EthosClient, name).func(stand_in)
                _walk(type(namespace), stand_in, f"client.{name}", found)
            _table = found
        return _table


_ANYWAY = "pass strict=False to send it anyway (for a server newer than this SDK)"


def check_call(procedure: str, input: Any) -> None:
    """Raise :class:`InvalidCallError` when the SDK knows ``procedure`` is not one, or ``input`` has a key it does not take."""
    table = procedure_inputs()
    known = table.get(procedure)
    if known is None:
        by_lower = {name.lower(): name for name in table}
        near = [by_lower[procedure.lower()]] if procedure.lower() in by_lower else []
        near += [n for n in difflib.get_close_matches(procedure, list(table), n=3, cutoff=0.6) if n not in near]
        hint = f"did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
        raise InvalidCallError(
            f"{procedure!r} is not a procedure this SDK knows: {hint}"
            f"Nothing was sent; {_ANYWAY}.",
            procedure=procedure,
            suggestions=near,
        )
    if not isinstance(input, Mapping) or not input:
        return
    keys = known.keys or frozenset()
    unknown = [key for key in input if key not in keys]
    if not unknown:
        return
    fixes: List[Tuple[str, Optional[str]]] = [(str(key), closest_name(str(key), keys)) for key in unknown]
    named = "; ".join(f"{key!r} (did you mean {fix!r}?)" if fix else repr(key) for key, fix in fixes)
    takes = (
        f"it takes {', '.join(sorted(keys))} (wire names, as in the contract; {known.method}() "
        "takes them as Python arguments)"
        if keys
        else f"it takes no input ({known.method}())"
    )
    raise InvalidCallError(
        f"{procedure} does not take {named}: {takes}. Nothing was sent, since the server would "
        f"ignore the key without a word; {_ANYWAY}.",
        procedure=procedure,
        suggestions=[fix for _, fix in fixes if fix],
        unknown_keys=[key for key, _ in fixes],
    )
