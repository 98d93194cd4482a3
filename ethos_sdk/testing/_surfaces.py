"""The local server's routes beside ``/rpc`` and ``/sse/sessions``, as the real server answers them.

``/healthz``, ``/metrics``, ``/sse/system``, ``/sse/goals/<id>``,
``/api/personalities/<id>/avatar`` and ``/documents/download``, plus the
``goals.create|get|cancel|list`` and ``documents.root|list|delete`` procedures
that feed them. Statuses, messages, headers and framing are those of the
transcripts in ``tests/wire/surfaces``.

The scripted goal: ``goals.create`` starts a goal that stores ``run_start``,
``plan_start``, ``usage``, ``plan_ready``, ``turn_text``, ``usage`` and
``done`` events a step apart (slower when its text says ``SLOW``; a goal whose
text says ``FAIL`` stores an ``error`` event and fails), then completes. Its
status is ``running`` (as recorded), then ``judging`` for the last step, then
``completed``.
System events come from chat turns (``session.titled`` after a new session's
first turn) and from :meth:`LocalEthosServer.emit_system_event`.
"""

from __future__ import annotations

import email.utils
import itertools
import json
import mimetypes
import os
import queue
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NoReturn, Optional, Tuple
from urllib.parse import parse_qs, quote, unquote

from ._personalities import DEFAULT_PERSONALITY, find_personality
from ._state import ProcedureError
from ._validation import Field

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from ._http import _Handler
    from ._state import State

__all__ = ["SurfaceState", "SURFACE_PROCEDURES", "serve_surface"]

MAX_AVATAR_BYTES = 5 * 1024 * 1024
AVATAR_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
TERMINAL = frozenset({"completed", "exhausted", "failed", "cancelled", "interrupted"})

_COOKIE_ONLY = ("Missing auth cookie", "Visit `?t=<token>` printed by `ethos serve` to sign in.")
_OUTSIDE = ("That path is outside this personality\u2019s workdir.", "Paths are relative to the Documents root.")
_NO_FILE = ("No such file in this workdir.", "Refresh the listing \u2014 it may have been moved or deleted.")


def _now_ms() -> float:
    return time.time() * 1000


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- system events


class SystemBus:
    """Fans system events out to the open ``/sse/system`` streams; keeps no history."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: List["queue.Queue[Optional[Dict[str, Any]]]"] = []

    def subscribe(self) -> "queue.Queue[Optional[Dict[str, Any]]]":
        q: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        with self._lock:
            self._queues.append(q)
        return q

    def unsubscribe(self, q: "queue.Queue[Optional[Dict[str, Any]]]") -> None:
        with self._lock:
            if q in self._queues:
                self._queues.remove(q)

    def publish(self, event: Dict[str, Any]) -> int:
        """Hand ``event`` to every open stream; return how many there were."""
        with self._lock:
            for q in self._queues:
                q.put(event)
            return len(self._queues)

    @property
    def listeners(self) -> int:
        with self._lock:
            return len(self._queues)

    def close_all(self) -> None:
        with self._lock:
            for q in self._queues:
                q.put(None)


# ------------------------------------------------------------------------ goals


@dataclass
class _Goal:
    record: Dict[str, Any]
    events: List[Dict[str, Any]] = field(default_factory=list)
    attempts: List[Dict[str, Any]] = field(default_factory=list)
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass
class SurfaceSettings:
    """Pacing of the scripted goal and the streams (seconds)."""

    system_ping_interval: float = 25.0
    """Between two ``{"type": "ping"}`` frames of ``/sse/system`` (25 s on the real server)."""
    goal_poll_interval: float = 1.0
    """How often a live goal stream looks for new events (1 s on the real server)."""
    goal_step_delay: float = 0.05
    """Between two events of the scripted goal."""
    slow_goal_step_delay: float = 0.5
    """The same, when the goal's text contains ``SLOW``."""


class SurfaceState:
    """Goals, avatars, documents folders and the system event bus of one local server."""

    def __init__(self, state: "State") -> None:
        self.state = state
        self.settings = SurfaceSettings()
        self.bus = SystemBus()
        self.goals: Dict[str, _Goal] = {}
        self.avatars: Dict[str, Tuple[bytes, str, float]] = {}
        self._row_ids = itertools.count(1)
        self._threads: List[threading.Thread] = []
        self._documents: Optional[Path] = None
        self._owns_documents = False
        self.started = time.monotonic()
        self.gateway_status = "ok"
        self.adapters: List[Dict[str, Any]] = []

    # -------------------------------------------------------------- documents
    def use_documents_dir(self, path: Optional[str]) -> None:
        if path is not None:
            self._documents = Path(path)
            self._owns_documents = False

    def documents_dir(self, personality_id: Optional[str] = None) -> Path:
        """The documents folder (workdir) of a personality, created on first use."""
        with self.state.lock:
            if self._documents is None:
                self._documents = Path(tempfile.mkdtemp(prefix="ethos-local-documents-"))
                self._owns_documents = True
            folder = self._documents / (personality_id or DEFAULT_PERSONALITY)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def close(self) -> None:
        """End the open system streams and running goals; remove a documents folder made here."""
        self.bus.close_all()
        with self.state.lock:
            for goal in self.goals.values():
                goal.cancel.set()
            threads = list(self._threads)
        for thread in threads:
            thread.join(2)
        if self._owns_documents and self._documents is not None:
            shutil.rmtree(self._documents, ignore_errors=True)
            self._documents = None

    # --------------------------------------------------------- system events
    def session_titled(self, session_id: str, title: str) -> None:
        self.bus.publish({"type": "session.titled", "sessionId": session_id, "title": title})

    # ------------------------------------------------------------------ goals
    def _goal(self, goal_id: str) -> _Goal:
        goal = self.goals.get(goal_id)
        if goal is None:
            raise ProcedureError("GOAL_NOT_FOUND", 404, f"Goal {goal_id} not found", "Call `goals.list` to see your goals.")
        return goal

    def goals_create(self, data: Dict[str, Any]) -> Dict[str, Any]:
        personality_id = data["personalityId"]
        if find_personality(personality_id) is None:
            raise ProcedureError(
                "PERSONALITY_NOT_FOUND", 404, f'Personality "{personality_id}" not found',
                "Call `personalities.list` to see available IDs.",
            )
        goal_id = "g_" + secrets.token_hex(8)
        text = data["goalText"]
        record: Dict[str, Any] = {
            "id": goal_id,
            "userId": "default-user",
            "personalityId": personality_id,
            "origin": "web",
            "sourceSession": None,
            "title": data.get("title") or text[:60],
            "goalText": text,
            "acceptanceCriteria": data.get("acceptanceCriteria"),
            "planMd": None,
            "status": "running",
            "maxAttempts": data.get("maxAttempts", 3),
            "maxCostUsd": data.get("maxCostUsd"),
            "deadline": data.get("deadline"),
            "outputMd": None,
            "outputPartial": None,
            "errorText": None,
            "startedAt": int(_now_ms()),
            "completedAt": None,
            "resumeCount": 0,
            "turnCount": None,
            "toolCount": None,
            "tokenCount": None,
            "costUsd": None,
            "allowDangerousToolCalls": bool(data.get("allowDangerousToolCalls", False)),
        }
        goal = _Goal(record)
        thread = threading.Thread(target=self._run_goal, args=(goal,), name=f"ethos-goal-{goal_id}", daemon=True)
        with self.state.lock:
            self.goals[goal_id] = goal
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return {"goal": dict(record)}

    def goals_get(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.state.lock:
            goal = self._goal(data["id"])
            return {"goal": dict(goal.record), "events": [dict(e) for e in goal.events], "attempts": [dict(a) for a in goal.attempts]}

    def goals_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.state.lock:
            goals = [dict(g.record) for g in self.goals.values() if data.get("status") in (None, g.record["status"])]
        goals.reverse()
        return {"goals": goals[: data.get("limit", 50)]}

    def goals_cancel(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.state.lock:
            goal = self._goal(data["id"])
            if goal.record["status"] in TERMINAL:
                return {"ok": False}
            goal.cancel.set()
            goal.record["status"] = "cancelled"
            goal.record["completedAt"] = int(_now_ms())
        return {"ok": True}

    def events_since(self, goal_id: str, after: int) -> Tuple[Optional[str], List[Dict[str, Any]]]:
        """The goal's status (``None``: no such goal) and its stored events with seq above ``after``."""
        with self.state.lock:
            goal = self.goals.get(goal_id)
            if goal is None:
                return None, []
            return goal.record["status"], [e for e in goal.events if e["seq"] > after]

    def _store(self, goal: _Goal, event_type: str, payload: Dict[str, Any]) -> bool:
        """Store one event of a running goal; False once it was cancelled."""
        with self.state.lock:
            if goal.cancel.is_set() or goal.record["status"] in TERMINAL:
                return False
            goal.events.append(
                {
                    "id": next(self._row_ids),
                    "goalId": goal.record["id"],
                    "seq": len(goal.events) + 1,
                    "eventType": event_type,
                    "payload": payload,
                    "createdAt": int(_now_ms()),
                }
            )
            return True

    def _run_goal(self, goal: _Goal) -> None:
        record = goal.record
        goal_id, text = record["id"], record["goalText"]
        delay = self.settings.slow_goal_step_delay if "SLOW" in text else self.settings.goal_step_delay
        plan = f"Hello from the fake LLM. You said: Goal: {text}  You are in the PLANNING phase"[:100]
        output = f"Hello from the fake LLM. You said: Goal: {text}  ## Plan {plan}"[:100]
        attempt_started = int(_now_ms())
        steps: List[Tuple[str, Dict[str, Any]]] = [
            ("run_start", {"attemptN": 1, "sessionKey": f"goal:{goal_id}:attempt-1"}),
            ("plan_start", {"sessionKey": f"goal:{goal_id}:plan"}),
            ("usage", {"inputTokens": 1125, "outputTokens": 19, "estimatedCostUsd": 0}),
            ("plan_ready", {"summary": plan}),
        ]
        if "FAIL" in text:
            steps.append(("error", {"error": "The fake LLM was told to fail (the goal contains FAIL)."}))
        else:
            steps += [
                ("turn_text", {"text": output}),
                ("usage", {"inputTokens": 1050, "outputTokens": 19, "estimatedCostUsd": 0}),
                ("done", {"attemptN": 1}),
            ]
        for index, (event_type, payload) in enumerate(steps):
            if event_type == "done":  # the attempt is judged before the goal ends (not recorded: see the docs)
                with self.state.lock:
                    if record["status"] in TERMINAL:
                        return
                    record["status"] = "judging"
            if index and (goal.cancel.wait(delay) or self.state.stopping.is_set()):
                return
            if not self._store(goal, event_type, payload):
                return
        with self.state.lock:
            if record["status"] in TERMINAL:
                return
            failed = "FAIL" in text
            record.update(
                status="failed" if failed else "completed",
                completedAt=int(_now_ms()),
                planMd=plan,
                outputMd=None if failed else output,
                errorText="The fake LLM was told to fail." if failed else None,
                turnCount=1,
                toolCount=0,
                tokenCount=1069,
                costUsd=0,
            )
            goal.attempts.append(
                {
                    "id": "ga_" + secrets.token_hex(8),
                    "goalId": goal_id,
                    "n": 1,
                    "sessionKey": f"goal:{goal_id}:attempt-1",
                    "outputMd": record["outputMd"],
                    "artifacts": None,
                    "verdict": None,
                    "strategyUsed": "first",
                    "costUsd": 0,
                    "traceId": None,
                    "startedAt": attempt_started,
                    "completedAt": record["completedAt"],
                }
            )

    # -------------------------------------------------------------- documents
    def _workdir(self, personality_id: Optional[str]) -> Path:
        return self.documents_dir(personality_id)

    def documents_root(self, data: Dict[str, Any]) -> Dict[str, Any]:
        personality_id = data.get("personalityId") or DEFAULT_PERSONALITY
        self._known_personality(personality_id)
        return {"root": str(self._workdir(personality_id)), "personalityId": personality_id}

    def documents_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        personality_id = data.get("personalityId") or DEFAULT_PERSONALITY
        self._known_personality(personality_id)
        root = self._workdir(personality_id)
        relative = data.get("path") or ""
        folder = _inside(root, relative)
        if folder is None or not folder.is_dir():
            raise ProcedureError("FILE_NOT_FOUND", 404, "No such folder in this workdir.", "Refresh the listing.")
        entries = []
        for child in sorted(folder.iterdir(), key=lambda p: p.name):
            entry: Dict[str, Any] = {
                "name": child.name,
                "path": child.relative_to(root).as_posix(),
                "isDir": child.is_dir() and not child.is_symlink(),
            }
            if not entry["isDir"]:
                info = child.stat() if child.exists() else child.lstat()  # a link shows its target's size
                entry["size"] = info.st_size
                entry["mtimeMs"] = info.st_mtime * 1000
            entry["isSymlink"] = child.is_symlink()
            entries.append(entry)
        return {"entries": entries}

    def documents_delete(self, data: Dict[str, Any]) -> Dict[str, Any]:
        personality_id = data.get("personalityId") or DEFAULT_PERSONALITY
        self._known_personality(personality_id)
        target = _inside(self._workdir(personality_id), data["path"])
        if target is None or not target.is_file():
            raise ProcedureError("FILE_NOT_FOUND", 404, _NO_FILE[0], _NO_FILE[1])
        target.unlink()
        return {"ok": True}

    @staticmethod
    def _known_personality(personality_id: str) -> None:
        if find_personality(personality_id) is None:
            raise ProcedureError(
                "PERSONALITY_NOT_FOUND", 404, f'Personality "{personality_id}" not found',
                "Call `personalities.list` to see available IDs.",
            )


def _inside(root: Path, relative: str) -> Optional[Path]:
    """``root/relative`` when it stays inside ``root`` (lexically), else ``None``."""
    if relative.startswith("/") or "\\" in relative:
        return None
    parts: List[str] = []
    for part in relative.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return root.joinpath(*parts)


_G = Field
SURFACE_PROCEDURES: Dict[str, Tuple[Optional[Tuple[Field, ...]], Callable[["State", Dict[str, Any], str], Dict[str, Any]]]] = {
    "goals.create": (
        (
            _G("personalityId", "string", required=True, minimum=1),
            _G("goalText", "string", required=True, minimum=1),
            _G("title", "string"),
            _G("acceptanceCriteria", "object"),
            _G("maxAttempts", "int", minimum=1),
            _G("maxCostUsd", "number"),
            _G("maxToolCallsPerTurn", "int"),
            _G("maxIdenticalToolCalls", "int"),
            _G("allowDangerousToolCalls", "boolean"),
            _G("maxRecoveryAttempts", "int", minimum=0),
            _G("deadline", "string"),
        ),
        lambda s, d, r: s.surfaces.goals_create(d),
    ),
    "goals.get": ((_G("id", "string", required=True),), lambda s, d, r: s.surfaces.goals_get(d)),
    "goals.list": (
        (_G("status", "string"), _G("limit", "int", minimum=1, maximum=100)),
        lambda s, d, r: s.surfaces.goals_list(d),
    ),
    "goals.cancel": ((_G("id", "string", required=True),), lambda s, d, r: s.surfaces.goals_cancel(d)),
    "documents.root": ((_G("personalityId", "string"),), lambda s, d, r: s.surfaces.documents_root(d)),
    "documents.list": (
        (_G("personalityId", "string"), _G("path", "string")),
        lambda s, d, r: s.surfaces.documents_list(d),
    ),
    "documents.delete": (
        (_G("personalityId", "string"), _G("path", "string", required=True, minimum=1)),
        lambda s, d, r: s.surfaces.documents_delete(d),
    ),
}
"""The procedures behind the goal stream and the downloads: ``(input fields, handler)``."""


# ------------------------------------------------------------------------- HTTP


class _Done(Exception):
    """The request has been answered."""


def serve_surface(handler: "_Handler", url: "SplitResult") -> bool:
    """Answer the request if it is for one of these routes; else False.

    A route reads the body (``handler.body()``) only once it has accepted the
    request; what it leaves unread is dropped by the handler after the answer.
    """
    path = url.path
    route: Optional[Callable[["_Handler", "SplitResult"], None]] = None
    if path == "/healthz":
        route = _healthz
    elif path == "/metrics":
        route = _metrics
    elif path == "/sse/system":
        route = _system_stream
    elif path.startswith("/sse/goals/") and path.count("/") == 3:
        route = _goal_stream
    elif re.fullmatch(r"/api/personalities/[^/]+/avatar", path):
        route = _avatar
    elif path == "/documents/download":
        route = _download
    if route is None:
        return False
    from ._http import _Rejected

    try:
        route(handler, url)
    except (_Rejected, _Done):
        pass
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True
    return True


def _error(handler: "_Handler", status: int, code: str, message: Tuple[str, str]) -> NoReturn:
    handler._send_json(
        status, {"ok": False, "code": code, "error": message[0], "action": message[1], "requestId": handler.request_id}
    )
    raise _Done()


def _cookie_only(handler: "_Handler") -> None:
    token = handler._cookie_token()
    state = handler.server.state
    with state.lock:
        current = state.web_token
    if token is None or not secrets.compare_digest(token.encode(), current.encode()):
        _error(handler, 401, "UNAUTHORIZED", _COOKIE_ONLY)


def _healthz(handler: "_Handler", url: "SplitResult") -> None:
    if handler.command not in ("GET", "HEAD"):
        handler._not_found()
    state = handler.server.state
    surfaces: SurfaceState = state.surfaces
    with state.lock:
        gateway, adapters = surfaces.gateway_status, [dict(a) for a in surfaces.adapters]
    healthy = gateway == "ok" and all(a.get("ok") for a in adapters)
    body = {
        "status": "ok" if healthy else "degraded",
        "uptime": time.monotonic() - surfaces.started,
        "gateway": {
            "status": gateway,
            "adapters": adapters,
            "lastHeartbeatAgeSec": {"ok": 10, "stale": 45}.get(gateway),
        },
    }
    if handler.command == "HEAD":
        handler.send_response(200 if healthy else 503)
        handler.send_header("content-type", "application/json")
        handler.send_header("x-request-id", handler.request_id)
        handler.close_connection = True
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.flush()
        return
    handler._send(200 if healthy else 503, _dumps(body), "application/json")


def _openai_error(handler: "_Handler", status: int, message: str, kind: str, code: str) -> NoReturn:
    handler._send_json(status, {"error": {"message": message, "type": kind, "code": code, "param": None}})
    raise _Done()


def _metrics(handler: "_Handler", url: "SplitResult") -> None:
    if handler.command != "GET":
        handler._not_found()
    header = handler.headers.get("Authorization")
    if not header:
        _openai_error(handler, 401, "Missing Authorization header.", "authentication_error", "invalid_api_key")
    scheme, _, secret = header.strip().partition(" ")
    key = handler.server.state.find_key(secret.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        _openai_error(handler, 401, "API key is invalid or has been revoked.", "authentication_error", "invalid_api_key")
    origin = handler.headers.get("Origin")
    if origin and key.allowed_origins and origin not in key.allowed_origins:
        _openai_error(
            handler, 403, f'Origin "{origin}" is not in the allowedOrigins list for this API key.',
            "permission_error", "origin_not_allowed",
        )
    if "metrics:read" not in key.scopes:
        _openai_error(
            handler, 403, 'API key is missing required scope "metrics:read".', "permission_error", "insufficient_scope"
        )
    handler._send(200, _prometheus_text(handler.server.state), "text/plain; version=0.0.4")


def _prometheus_text(state: "State") -> bytes:
    with state.lock:
        sessions = len(state.sessions)
        turns = sum(1 for messages in state.messages.values() for m in messages if m.get("role") == "assistant")
        goals = len(state.surfaces.goals)
    lines = [
        "# TYPE ethos_sessions_total gauge",
        f"ethos_sessions_total {sessions}",
        "# TYPE ethos_turn_outcomes_total counter",
        f'ethos_turn_outcomes_total{{outcome="done"}} {turns}',
        "# TYPE ethos_goals_total gauge",
        f"ethos_goals_total {goals}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _stream_headers(handler: "_Handler") -> None:
    """Start an SSE answer and send its headers now: these streams may stay silent a while."""
    handler._start_event_stream()
    handler.wfile.flush()


def _dual_auth(handler: "_Handler", namespace: str) -> None:
    principal = handler._authenticate()
    if principal.key is not None:
        handler._check_key(principal.key, f"{namespace}.stream", None, False)


def _frame(data: Dict[str, Any], ident: int) -> bytes:
    return b"data: " + _dumps(data) + b"\nid: " + str(ident).encode() + b"\n\n"


def _system_stream(handler: "_Handler", url: "SplitResult") -> None:
    _dual_auth(handler, "system")
    if handler.command != "GET":
        handler._not_found()
    state = handler.server.state
    surfaces: SurfaceState = state.surfaces
    drop_after = handler.server.faults.take_stream_drop()
    events = surfaces.bus.subscribe()  # before the headers: a client that has them misses nothing
    seq = 0
    next_ping = time.monotonic() + surfaces.settings.system_ping_interval
    try:
        _stream_headers(handler)
        while not state.stopping.is_set():
            if drop_after is not None and seq >= drop_after:
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            wait = max(0.0, min(0.2, next_ping - time.monotonic()))
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                if time.monotonic() >= next_ping:
                    seq += 1
                    handler._write_chunk(_frame({"type": "ping"}, seq))
                    next_ping += surfaces.settings.system_ping_interval
                elif handler._client_gone():
                    return
                continue
            if event is None:
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            seq += 1
            handler._write_chunk(_frame(event, seq))
    except OSError:
        return
    finally:
        surfaces.bus.unsubscribe(events)


def _goal_stream(handler: "_Handler", url: "SplitResult") -> None:
    _dual_auth(handler, "goals")
    if handler.command != "GET":
        handler._not_found()
    goal_id = unquote(url.path.rsplit("/", 1)[1])
    raw_last = (handler.headers.get("Last-Event-ID") or "").strip()
    last = int(raw_last) if re.fullmatch(r"\d+", raw_last) else 0
    state = handler.server.state
    surfaces: SurfaceState = state.surfaces
    drop_after = handler.server.faults.take_stream_drop()
    _stream_headers(handler)
    written = 0

    def write(data: Dict[str, Any], ident: int) -> None:
        nonlocal written
        if drop_after is not None and written >= drop_after:
            handler.connection.shutdown(socket.SHUT_RDWR)
            raise _Done()
        handler._write_chunk(_frame(data, ident))
        written += 1

    try:
        status, stored = surfaces.events_since(goal_id, last)
        for event in stored:
            write(event, event["seq"])
            last = event["seq"]
        if status is None:
            write({"type": "error", "error": "Goal not found"}, last + 1)
            handler._write_chunk(b"")  # the terminating chunk: the server closes this stream
            return
        if status in TERMINAL:
            write({"type": "done", "goalId": goal_id, "status": status}, last + 1)
            handler._write_chunk(b"")
            return
        done = False
        while not state.stopping.is_set():
            if state.stopping.wait(surfaces.settings.goal_poll_interval):
                break
            if handler._client_gone():
                return
            if done:
                continue  # as recorded: after a live goal's done the stream stays open
            status, stored = surfaces.events_since(goal_id, last)
            for event in stored:
                write(event, event["seq"])
                last = event["seq"]
            if status is None or status in TERMINAL:
                write({"type": "done", "goalId": goal_id, "status": status or "unknown"}, last + 1)
                done = True
    except OSError:
        return


def _personality_or_404(handler: "_Handler", personality_id: str, plain: bool) -> None:
    if find_personality(personality_id) is not None:
        return
    if plain:
        handler._send(404, b"404 Not Found", "text/plain; charset=UTF-8")
        raise _Done()
    _error(
        handler, 404, "PERSONALITY_NOT_FOUND",
        (f'Personality "{personality_id}" not found.', "Use personalities.list to see available ids."),
    )


def _avatar(handler: "_Handler", url: "SplitResult") -> None:
    personality_id = unquote(url.path.split("/")[3])
    _cookie_only(handler)
    surfaces: SurfaceState = handler.server.state.surfaces
    if handler.command == "POST":
        raw_type = handler.headers.get("Content-Type")
        content_type = (raw_type or "").split(";")[0].strip().lower()
        if content_type not in AVATAR_TYPES:
            _error(
                handler, 400, "INVALID_INPUT",
                (f'Unsupported avatar content type "{content_type or "(none)"}".', "Upload one of: " + ", ".join(AVATAR_TYPES) + "."),
            )
        declared = int(handler.headers.get("Content-Length") or 0)
        if declared > MAX_AVATAR_BYTES:
            _error(
                handler, 400, "INVALID_INPUT",
                (
                    f"Avatar upload exceeds the {MAX_AVATAR_BYTES}-byte limit (declared Content-Length: {declared}).",
                    "Upload an image smaller than 5MB.",
                ),
            )
        body = handler.body()
        if not body:
            _error(handler, 400, "INVALID_INPUT", ("Avatar upload body was empty.", "Send the image bytes as the raw request body."))
        _personality_or_404(handler, personality_id, plain=False)
        with handler.server.state.lock:
            surfaces.avatars[personality_id] = (body, content_type, _now_ms())
        handler._send_json(200, {"avatarUrl": f"/api/personalities/{personality_id}/avatar"})
        return
    if handler.command == "DELETE":
        _personality_or_404(handler, personality_id, plain=False)
        with handler.server.state.lock:
            surfaces.avatars.pop(personality_id, None)
        handler._send_json(200, {"ok": True})
        return
    if handler.command != "GET":
        handler._not_found()
    with handler.server.state.lock:
        found = surfaces.avatars.get(personality_id)
    if found is None:
        handler._send(404, b"404 Not Found", "text/plain; charset=UTF-8")
        return
    data, content_type, mtime_ms = found
    etag = f'"{mtime_ms}-{len(data)}"'
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.send_header("access-control-allow-credentials", "true")
        handler.send_header("etag", etag)
        handler.send_header("vary", "Origin")
        handler.send_header("x-request-id", handler.request_id)
        handler.end_headers()
        handler.wfile.flush()
        return
    handler._send(
        200, data, None,
        [
            ("cache-control", "no-cache"),
            ("content-type", content_type),
            ("etag", etag),
            ("last-modified", email.utils.formatdate(mtime_ms / 1000, usegmt=True)),
        ],
    )


def _download(handler: "_Handler", url: "SplitResult") -> None:
    _cookie_only(handler)
    if handler.command != "GET":
        handler._not_found()
    query = parse_qs(url.query, keep_blank_values=True)
    relative = (query.get("path") or [""])[0]
    personality_id = (query.get("personality") or [""])[0] or DEFAULT_PERSONALITY
    if not relative:
        _error(handler, 400, "INVALID_INPUT", ("A `path` query parameter is required.", "Use the download link from the Documents listing."))
    if find_personality(personality_id) is None:
        _error(
            handler, 404, "PERSONALITY_NOT_FOUND",
            (f'No personality with id "{personality_id}".', "Pick one from the Personalities tab."),
        )
    surfaces: SurfaceState = handler.server.state.surfaces
    root = surfaces.documents_dir(personality_id)
    target = _inside(root, relative)
    if target is None:
        _error(handler, 403, "FORBIDDEN", _OUTSIDE)
    walked = root
    for part in target.relative_to(root).parts:
        walked = walked / part
        if walked.is_symlink():
            _error(
                handler, 403, "FORBIDDEN",
                ("That path passes through a symbolic link.", "Symlinks are not served \u2014 they can point outside the workdir."),
            )
    if not target.exists():
        _error(handler, 404, "FILE_NOT_FOUND", _NO_FILE)
    if not target.is_file():
        _error(handler, 400, "INVALID_INPUT", ("Only regular files can be downloaded.", "Pick a file rather than a directory."))
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    size = target.stat().st_size
    handler.send_response(200)
    for name, value in (
        ("access-control-allow-credentials", "true"),
        ("cache-control", "no-store"),
        ("content-disposition", "attachment; filename*=UTF-8''" + quote(target.name, safe="!#$&+-.^_`|~")),
        ("content-length", str(size)),
        ("content-type", content_type),
        ("vary", "Origin"),
        ("x-request-id", handler.request_id),
    ):
        handler.send_header(name, value)
    handler.end_headers()
    with target.open("rb") as source:  # streamed: a large file is never held in memory
        while True:
            chunk = source.read(64 * 1024)
            if not chunk:
                break
            handler.wfile.write(chunk)
    handler.wfile.flush()
