"""The local server's human in the loop: tool approvals and the ``clarify`` tool's questions.

Facts from the real server (recorded in ``tests/wire/hitl``), played here:

* A ``terminal`` call whose command matches one of the server's hardline guard
  patterns (:data:`GUARD_PATTERNS`) is parked: ``tool.approval_required``
  comes *before* ``tool_start``. ``tools.approve`` / ``tools.deny`` answer it
  (``approval.resolved`` names the answering ``clientId``); a second answer to
  the same id is 400 ``INVALID_INPUT``. A denial skips the tool: ``tool_end``
  ``ok: false`` with ``"<reason or 'denied by user'> — <guard reason>"``, and
  the model goes on. Approvals never time out, and ``chat.abort`` leaves them
  pending: approving later still runs the tool, then the turn ends with
  ``error`` ``aborted``.
* The ``clarify`` tool asks: ``clarify.request`` comes *after*
  ``tool_start(clarify)``; ``clarify.respond`` (cookie only) answers it, unknown
  or settled ids included (200 ``{ok: true}``); the tool's ``timeout_s``
  argument (default 900 s) sets the deadline, after which ``default`` is taken
  (``timeout-default``) or the tool fails (``timeout-no-default``).
  ``chat.abort`` cancels a pending question at once. ``clarify.listPending``
  lists only background jobs' questions: always ``[]`` here.
* ``exact-args`` / ``any-args`` approvals are remembered for the life of the
  server (the real one writes them to ``allowlist.json``): matching calls then
  run with no approval events.

* The web surface also always asks before ``skills_pending_approve``,
  ``skills_pending_reject`` and ``call`` (:data:`ALWAYS_ASK`), with the reason
  ``"<tool> requires explicit approval"``.

Not played: the reaping of sessions with no subscriber for 5 minutes (which
denies their pending approvals), personalities' ``approvalMode`` and deny
rules, and the guard's always-deny path patterns.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple

__all__ = ["GUARD_PATTERNS", "ALWAYS_ASK", "guard_reason", "Approvals", "Questions"]

GUARD_PATTERNS: Tuple[Tuple[Pattern[str], str], ...] = (
    (re.compile(r"\brm\b(?=.*(?:-[a-zA-Z]*[rR][a-zA-Z]*f|-[a-zA-Z]*f[a-zA-Z]*[rR]))"
                r"(?=.*\s(?:/[\s;|&*]|/\*|/\s*$|~/?[\s;|&*]|~/\*|~/?\s*$))"),
     "recursive force-delete of root or home directory"),
    (re.compile(r"\brm\b[^&|;]*~/\.ssh\b"), "SSH key directory destruction"),
    (re.compile(r"\bgpg\b[^&|;]*--delete-secret-keys?"), "GPG secret key destruction"),
    (re.compile(r"\bfind\b[^&|;]*\s/\s[^&|;]*-delete\b"), "find-and-delete on root"),
    (re.compile(r"(?=.*\bdd\b).*\bof=/dev/[a-z]"), "direct write to a block device"),
    (re.compile(r"\bmkfs(?:\.[a-z]+)?\b"), "filesystem format operation"),
    (re.compile(r">\s*/dev/(?:sd|hd|vd|xvd|nvme)[a-z0-9]"), "overwriting a block device"),
    (re.compile(r":\s*\(\s*\)\s*\{"), "fork bomb"),
    (re.compile(r"\bchmod\b[^&|;]*\b(?:[4267]\d{3}|u\+s|g\+s)\b"), "setuid/setgid permission grant"),
    (re.compile(r"\bsetcap\b[^&|;]*\bcap_"), "capability grant via setcap"),
    (re.compile(r">\s*/etc/(?:sudoers|passwd|shadow)\b"), "overwrite of system auth file"),
    (re.compile(r">\s*/(?:boot|sys|proc/sys)/"), "kernel/boot tampering"),
    (re.compile(r">\s*~?/?\.?ssh/authorized_keys\b"), "authorized_keys overwrite"),
    (re.compile(r"\bdrop\s+(?:database|table|schema)\b", re.IGNORECASE), "destructive SQL DDL (DROP)"),
    (re.compile(r"\btruncate\s+table\b", re.IGNORECASE), "destructive SQL DDL (TRUNCATE)"),
)
"""The real server's hardline guard for ``terminal`` commands: (pattern, reason), first match wins."""


ALWAYS_ASK = frozenset({"skills_pending_approve", "skills_pending_reject", "call"})
"""Tools the real server's web surface asks about whatever their arguments (its ``alwaysAsk`` list)."""


def guard_reason(tool: str, args: Any) -> Optional[str]:
    """Why a tool call needs approval (the guard's reason), or ``None`` when it runs freely."""
    if tool in ALWAYS_ASK:
        return f"{tool} requires explicit approval"
    if tool != "terminal" or not isinstance(args, dict) or not isinstance(args.get("command"), str):
        return None
    for pattern, reason in GUARD_PATTERNS:
        if pattern.search(args["command"]):
            return reason
    return None


_NO_APPROVAL = "The approval was already resolved (likely by another tab) or the agent moved on. Reload to see the current state."


@dataclass
class _Approval:
    approval_id: str
    session_id: str
    tool: str
    args: Any
    answered: threading.Event = field(default_factory=threading.Event)
    decision: str = ""
    reason: Optional[str] = None


class Approvals:
    """Pending approvals and the allowlist that ``exact-args`` / ``any-args`` fill."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Dict[str, _Approval] = {}
        self._allowed: List[Tuple[str, Optional[str]]] = []  # (tool, canonical args or None for any)

    @staticmethod
    def _canonical(args: Any) -> str:
        return json.dumps(args, sort_keys=True, separators=(",", ":"))

    def allowed(self, tool: str, args: Any) -> bool:
        with self._lock:
            return (tool, None) in self._allowed or (tool, self._canonical(args)) in self._allowed

    def open(self, session_id: str, tool: str, args: Any) -> _Approval:
        approval = _Approval(str(uuid.uuid4()), session_id, tool, args)
        with self._lock:
            self._pending[approval.approval_id] = approval
        return approval

    def answer(self, approval_id: str, decision: str, scope: Optional[str], reason: Optional[str],
               publish: Callable[[_Approval], None]) -> None:
        """Settle a pending approval (raises the server's INVALID_INPUT when there is none)."""
        from ._state import ProcedureError

        with self._lock:
            approval = self._pending.pop(approval_id, None)
            if approval is None:
                raise ProcedureError("INVALID_INPUT", 400, f"No pending approval for id {approval_id}", _NO_APPROVAL)
            if scope == "exact-args":
                self._allowed.append((approval.tool, self._canonical(approval.args)))
            elif scope == "any-args":
                self._allowed.append((approval.tool, None))
            approval.decision, approval.reason = decision, reason
            publish(approval)  # under the lock: approval.resolved is numbered before the turn goes on
        approval.answered.set()

    def forget(self, approval_id: str) -> None:
        with self._lock:
            self._pending.pop(approval_id, None)


@dataclass
class _Question:
    request_id: str
    answered: threading.Event = field(default_factory=threading.Event)
    answer: str = ""
    source: str = ""


class Questions:
    """Questions of the ``clarify`` tool waiting for ``clarify.respond``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Dict[str, _Question] = {}

    def open(self) -> _Question:
        question = _Question(str(uuid.uuid4()))
        with self._lock:
            self._pending[question.request_id] = question
        return question

    def respond(self, request_id: str, answer: str, source: str) -> None:
        """Settle a question; unknown or settled ids are ignored, as on the real server."""
        with self._lock:
            question = self._pending.pop(request_id, None)
        if question is None:
            return
        question.answer, question.source = answer, source
        question.answered.set()

    def close(self, request_id: str) -> None:
        with self._lock:
            self._pending.pop(request_id, None)


def deadline_iso(seconds: float) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def clarify_result(answer: str, request_id: str, started: float, was_default: bool, cancelled: bool) -> str:
    """The ``clarify`` tool's result text, as the real server formats it."""
    took = max(1, round(time.monotonic() - started))
    body = {"answer": answer, "requestId": request_id, "took_s": took, "was_default": was_default, "cancelled": cancelled}
    return json.dumps(body, indent=2)
