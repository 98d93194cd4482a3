"""``check-server --shapes``: call the read-only procedures and check their answers' shapes.

Which procedures are read-only is the SDK's own knowledge: the methods that
mark their call idempotent (the reads; every write is sent non-idempotent so
it is never retried), less :data:`NOT_CALLED`. Nothing else is ever called.
A read needing input is called only when an earlier answer provides it (the
first item of ``personalities.list`` gives ``personalities.get`` its ``id``
and ``memory.list`` its ``personality_id``, ...); the rest are listed as
skipped, with the reason. Each answer is checked against the return type the
method declares, with :func:`ethos_sdk._shapes.validate`.
"""

from __future__ import annotations

import inspect
import re
import typing
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Dict, List, Mapping, Optional, Set, Tuple

from ._catalog import SdkMethod, sdk_methods
from ._hints import get_type_hints as method_hints
from ._shapes import Finding, validate
from .errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
)

if typing.TYPE_CHECKING:
    from ._client import EthosClient

__all__ = ["NOT_CALLED", "FIXED_INPUTS", "ShapeReport", "check_shapes", "read_only_procedures"]

NOT_CALLED: Mapping[str, str] = {
    "plugins.getCredential": "its answer is a stored credential, which a check must not fetch",
    "plugins.credentialPreview": "its answer shows part of a stored credential",
    "a2a.peers.preview": "it makes the server fetch a URL",
    "mcp.validateConfig": "validating an MCP configuration may start the server it describes",
    "platforms.validate": "it makes the server try a platform's credentials",
}
"""Idempotent procedures the shape check still never calls, and why."""

FIXED_INPUTS: Mapping[str, Mapping[str, Any]] = {
    "sessions.export": {"format": "markdown"},
    "memory.get": {"store": "memory"},
}
"""Required parameters that are a choice, not an id: the value the check passes."""

_SOURCES: Mapping[str, str] = {
    "personality_id": "personalities.list",
    "session_id": "sessions.list",
    "skill_id": "personalities.skillsList",
}
"""Where a required parameter of this name comes from: the first item of that answer."""


@dataclass
class ShapeReport:
    """What ``check-server --shapes`` found.

    Attributes:
        validated: the procedures called and checked, in call order.
        findings: ``(procedure, finding)`` for each place an answer differs from its type.
        skipped: ``(procedure, reason)`` for each read-only procedure not checked.
    """

    validated: List[str] = field(default_factory=list)
    findings: List[Tuple[str, Finding]] = field(default_factory=list)
    skipped: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        """True when any answer differs from the SDK's types."""
        return bool(self.findings)

    def lines(self) -> List[str]:
        """The findings as ``procedure: path: expected X, got Y``, repeats across list items folded."""
        grouped: Dict[Tuple[str, str, str, str], List[Finding]] = {}
        for procedure, finding in self.findings:
            key = (procedure, re.sub(r"\[\d+\]", "[]", finding.path), finding.expected, finding.got)
            grouped.setdefault(key, []).append(finding)
        lines = []
        for (procedure, _, _, _), same in grouped.items():
            more = f" (and {len(same) - 1} more like it)" if len(same) > 1 else ""
            lines.append(f"{procedure}: {same[0]}{more}")
        return lines


class CannotCheck(Exception):
    """The shape check cannot go on (bad credentials, server unreachable)."""


def read_only_procedures(methods: Optional[Mapping[str, SdkMethod]] = None) -> Dict[str, str]:
    """The procedures the shape check may call, mapped to their method (``client.sessions.get``)."""
    known = sdk_methods() if methods is None else methods
    return {
        procedure: method.path
        for procedure, method in sorted(known.items())
        if method.idempotent and procedure not in NOT_CALLED
    }


def _bound(client: EthosClient, path: str) -> Any:
    target: Any = client
    for part in path.split(".")[1:]:
        target = getattr(target, part)
    return target


def _required(method: Any) -> List[str]:
    return [
        p.name
        for p in inspect.signature(method).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def _first_id(answer: Any) -> Optional[str]:
    """The ``id`` of the first item of a list answer (a bare list, ``items`` or another list of objects)."""
    lists: List[Any] = []
    if isinstance(answer, list):
        lists.append(answer)
    elif isinstance(answer, dict):
        if isinstance(answer.get("items"), list):
            lists.append(answer["items"])
        lists.extend(v for v in answer.values() if isinstance(v, list))
    for candidates in lists:
        if candidates and isinstance(candidates[0], dict) and isinstance(candidates[0].get("id"), str):
            return str(candidates[0]["id"])
    return None


def _source_of(procedure: str, parameter: str) -> Optional[str]:
    if parameter in _SOURCES:
        return _SOURCES[parameter]
    if parameter == "id":
        return procedure.rsplit(".", 1)[0] + ".list"
    return None


class _Plan:
    """Inputs for one call, or why there are none yet (``waiting``) or at all (``reason``)."""

    def __init__(
        self, kwargs: Optional[Dict[str, Any]] = None, waiting: Optional[str] = None, reason: Optional[str] = None
    ) -> None:
        self.kwargs, self.waiting, self.reason = kwargs, waiting, reason


def _plan(
    procedure: str,
    method: Any,
    answers: Mapping[str, Any],
    settled: AbstractSet[str],
    callable_: Mapping[str, str],
) -> _Plan:
    kwargs: Dict[str, Any] = {}
    for parameter in _required(method):
        fixed = FIXED_INPUTS.get(procedure, {})
        if parameter in fixed:
            kwargs[parameter] = fixed[parameter]
            continue
        source = _source_of(procedure, parameter)
        if source is None or source not in callable_:
            return _Plan(reason=f"no input available for {parameter!r} (no earlier answer gives one)")
        if source in answers:
            value = _first_id(answers[source])
            if value is None:
                return _Plan(reason=f"no input available for {parameter!r}: {source} answered no item")
            kwargs[parameter] = value
        elif source in settled:
            return _Plan(reason=f"no input available for {parameter!r}: {source} was skipped")
        else:
            return _Plan(waiting=source)
    return _Plan(kwargs=kwargs)


def _call(client: EthosClient, procedure: str, path: str, kwargs: Dict[str, Any], report: ShapeReport) -> Any:
    """Call one read; record its findings or why it was skipped; return the answer (``None`` if none)."""
    method = _bound(client, path)
    try:
        declared = method_hints(method)["return"]
    except Exception as exc:  # an annotation this Python cannot evaluate
        report.skipped.append((procedure, f"its declared return type cannot be read ({exc})"))
        return None
    try:
        answer = method(**kwargs)
    except AuthenticationError as exc:
        raise CannotCheck(f"{procedure}: the server refused the credentials ({exc.status} {exc.message})") from exc
    except APIConnectionError as exc:
        raise CannotCheck(f"{procedure}: {exc}") from exc
    except PermissionDeniedError as exc:
        report.skipped.append((procedure, f"403 for this credential's scopes: {exc.message}"))
        return None
    except NotFoundError as exc:
        what = "not routed by this server" if exc.code in (None, "NOT_FOUND") else exc.message
        report.skipped.append((procedure, f"404: {what}"))
        return None
    except BadRequestError as exc:
        report.findings.append((procedure, Finding("(input)", "the SDK's input to be accepted", str(exc), "input refused")))
        return None
    except UnexpectedResponseError as exc:
        report.findings.append((procedure, Finding("(answer)", "a JSON RPC answer", str(exc), "wrong type")))
        return None
    except APIStatusError as exc:
        report.skipped.append((procedure, f"the server answered {exc.status}: {exc.message}"))
        return None
    try:
        found = validate(answer, declared)
    except TypeError as exc:
        report.skipped.append((procedure, str(exc)))
        return answer
    report.validated.append(procedure)
    report.findings.extend((procedure, finding) for finding in found)
    return answer


def check_shapes(client: EthosClient, methods: Optional[Mapping[str, SdkMethod]] = None) -> ShapeReport:
    """Call every read-only procedure that can be called and check each answer's shape.

    Raises:
        CannotCheck: the credentials are refused (401) or the server cannot be reached.
    """
    known = sdk_methods() if methods is None else methods
    callable_ = read_only_procedures(known)
    report = ShapeReport()
    report.skipped.extend(
        (procedure, f"never called: {why}")
        for procedure, why in NOT_CALLED.items()
        if procedure in known
    )
    answers: Dict[str, Any] = {}
    settled: Set[str] = set()
    pending = list(callable_)
    for _ in range(len(pending) + 1):  # each round settles at least one, or stops
        progressed = False
        for procedure in list(pending):
            plan = _plan(procedure, _bound(client, callable_[procedure]), answers, settled, callable_)
            if plan.waiting is not None:
                continue
            pending.remove(procedure)
            progressed = True
            settled.add(procedure)
            if plan.kwargs is None:
                report.skipped.append((procedure, plan.reason or "no input available"))
                continue
            answer = _call(client, procedure, callable_[procedure], plan.kwargs, report)
            if answer is not None:
                answers[procedure] = answer
        if not progressed:
            break
    report.skipped.extend((procedure, "no input available (waits on itself)") for procedure in pending)
    report.skipped.sort()
    return report
