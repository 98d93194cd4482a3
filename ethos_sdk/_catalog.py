"""Which procedures this SDK has a method for, and how that compares with a server.

The procedure name of each method is the string literal it hands to the
transport. Rather than keep a second list that could drift from the methods,
:func:`sdk_procedures` asks the methods themselves: it calls each one against
a stand-in client that records the procedure name and sends nothing.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Dict, List, Mapping

__all__ = ["NOT_ROUTED_YET", "Drift", "SdkMethod", "sdk_methods", "sdk_procedures", "server_procedures", "compare"]

NOT_ROUTED_YET = frozenset({"sessions.undoTurns"})
"""In the contract, with a method here, but not routed by the server yet."""

_NOT_PROCEDURES = frozenset({"stream", "ask"})


class _Recorded(Exception):
    def __init__(self, procedure: str, idempotent: bool = False) -> None:
        super().__init__(procedure)
        self.procedure = procedure
        self.idempotent = idempotent


class _RecordingTransport:
    def rpc(self, procedure: str, params: Any, **options: Any) -> Any:
        raise _Recorded(procedure, bool(options.get("idempotent")))


@dataclass(frozen=True)
class SdkMethod:
    """Where the method of one procedure lives, and whether it marks the call idempotent (a read)."""

    path: str
    idempotent: bool


class _StandInClient:
    client_id = "ethos-sdk-catalog"

    def __init__(self) -> None:
        self._transport = _RecordingTransport()


def _namespace_attributes(cls: type) -> List[str]:
    return [
        name
        for name, value in vars(cls).items()
        if isinstance(value, cached_property) and not name.startswith("_")
    ]


def _procedure_of(method: Any) -> _Recorded | None:
    args: List[Any] = []
    for param in inspect.signature(method).parameters.values():
        if param.default is inspect.Parameter.empty and param.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            args.append({})
    try:
        result = method(*args)
    except _Recorded as recorded:
        return recorded
    except Exception:
        return None
    close = getattr(result, "close", None)  # a lazy iterator that never ran
    if callable(close):
        close()
    return None


def _walk(namespace: Any, path: str, found: Dict[str, SdkMethod]) -> None:
    cls = type(namespace)
    for name in _namespace_attributes(cls):
        _walk(getattr(namespace, name), f"{path}.{name}", found)
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name in _NOT_PROCEDURES:
            continue
        recorded = _procedure_of(getattr(namespace, name))
        if recorded is not None:
            found[recorded.procedure] = SdkMethod(f"{path}.{name}", recorded.idempotent)


def sdk_procedures() -> Dict[str, str]:
    """Every procedure the SDK has a method for, mapped to where it lives (``client.sessions.list``)."""
    return {procedure: method.path for procedure, method in sdk_methods().items()}


def sdk_methods() -> Dict[str, SdkMethod]:
    """Every procedure the SDK has a method for: where the method lives and whether it is idempotent."""
    from ._client import EthosClient

    stand_in = _StandInClient()
    found: Dict[str, SdkMethod] = {}
    for name in _namespace_attributes(EthosClient):
        # Each property imports its namespace module and builds the namespace;
        # built on the stand-in, its methods record instead of sending.
        namespace = getattr(EthosClient, name).func(stand_in)
        _walk(namespace, f"client.{name}", found)
    return found


def server_procedures(spec: Mapping[str, Any]) -> List[str]:
    """Procedure names in a server's ``/openapi/spec.json`` (each path's ``operationId``)."""
    names: List[str] = []
    paths = spec.get("paths")
    if not isinstance(paths, Mapping):
        raise ValueError("the OpenAPI document has no 'paths' object")
    for path, operations in paths.items():
        if not isinstance(operations, Mapping):
            continue
        for operation in operations.values():
            if isinstance(operation, Mapping) and isinstance(operation.get("operationId"), str):
                names.append(operation["operationId"])
                break
        else:
            names.append(str(path).strip("/").replace("/", "."))
    return sorted(set(names))


@dataclass
class Drift:
    """How a server's procedures and the SDK's methods differ."""

    server_only: List[str] = field(default_factory=list)
    sdk_only: List[str] = field(default_factory=list)
    known_unrouted: List[str] = field(default_factory=list)
    matched: int = 0

    @property
    def drifted(self) -> bool:
        return bool(self.server_only or self.sdk_only)


def compare(server: List[str], sdk: Mapping[str, str]) -> Drift:
    """Compare procedure names; procedures known not to be routed yet are not drift."""
    server_set, sdk_set = set(server), set(sdk)
    only_sdk = sdk_set - server_set
    return Drift(
        server_only=sorted(server_set - sdk_set),
        sdk_only=sorted(only_sdk - NOT_ROUTED_YET),
        known_unrouted=sorted(only_sdk & NOT_ROUTED_YET),
        matched=len(server_set & sdk_set),
    )
