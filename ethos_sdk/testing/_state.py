"""What the local server remembers, and the procedures that read and change it.

Everything lives in memory and is guarded by one lock. Procedures take the
decoded input (already validated) and return the output dict, or raise
:class:`ProcedureError` with the code, status, message and ``action`` the real
server uses.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from ._events import EventHub
from ._hitl import Approvals, Questions, clarify_result, deadline_iso, guard_reason
from ._personalities import DEFAULT_PERSONALITY, all_personalities, find_personality, soul_of

__all__ = ["AgentSettings", "ApiKey", "ProcedureError", "State", "now_iso"]

SESSION_ACTION = "Verify the ID. Open the Sessions tab to see the current list."
CHAT_SESSION_ACTION = "Verify the ID. If the session was deleted, call chat.send without sessionId."
MODEL, PROVIDER = "fake-model", "openai-compat"


def now_iso() -> str:
    """The current time as the server writes it: ``2026-11-23T08:52:45.514Z``."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class ProcedureError(Exception):
    """A procedure's own error, sent as ``{"json": {"defined", "code", "status", "message", "data"}}``."""

    def __init__(self, code: str, status: int, message: str, action: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.action = action

    def body(self) -> Dict[str, Any]:
        error: Dict[str, Any] = {"defined": False, "code": self.code, "status": self.status, "message": self.message}
        if self.action is not None:
            error["data"] = {"action": self.action}
        return error


def session_not_found(session_id: str, action: str = SESSION_ACTION) -> ProcedureError:
    return ProcedureError("SESSION_NOT_FOUND", 404, f"Session {session_id} not found", action)


@dataclass
class ApiKey:
    """A key the server accepts: its secret, scopes and (possibly empty) origin allow-list."""

    id: str
    secret: str
    name: str
    scopes: List[str]
    allowed_origins: List[str]
    created_at: str = field(default_factory=now_iso)
    last_used: Optional[str] = None
    revoked_at: Optional[str] = None

    def public(self) -> Dict[str, Any]:
        """The key as ``apiKeys.list`` shows it (never the secret)."""
        return {
            "id": self.id,
            "prefix": self.secret[:17],
            "name": self.name,
            "scopes": list(self.scopes),
            "allowedOrigins": list(self.allowed_origins),
            "createdAt": self.created_at,
            "lastUsed": self.last_used,
            "revokedAt": self.revoked_at,
        }


@dataclass
class AgentSettings:
    """How the scripted agent paces its replies (seconds)."""

    word_delay: float = 0.002
    """Between two words of an ordinary reply."""
    slow_word_delay: float = 0.5
    """Between two words when the prompt contains ``SLOW``."""
    start_delay: float = 0.002
    """From ``chat.send`` returning to ``run_start``."""
    emit_message_persisted: bool = False
    """Also publish ``message_persisted`` events (the recorded web turns carry none)."""


@dataclass
class _Turn:
    session_id: str
    generation: int = 0  # the event hub's generation it started in: a restart kills it
    abort: threading.Event = field(default_factory=threading.Event)
    steers: List[str] = field(default_factory=list)


def _words(text: str) -> List[str]:
    """Split a reply into the deltas the fake LLM streams: each word with its trailing spaces."""
    return re.findall(r"\S+\s*", text) or [text]


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def _decode_cursor(cursor: Optional[str]) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return max(0, int(base64.urlsafe_b64decode(padded.encode()).decode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return 0


class State:
    """Sessions, messages, memory, API keys, the web token and the running turns."""

    def __init__(self, hub: EventHub, settings: AgentSettings) -> None:
        self.lock = threading.RLock()
        self.hub = hub
        self.settings = settings
        self.sessions: Dict[str, Dict[str, Any]] = {}
        self.messages: Dict[str, List[Dict[str, Any]]] = {}
        self.memory: Dict[tuple[str, str], Dict[str, Any]] = {}
        self.keys: Dict[str, ApiKey] = {}
        self.web_token = secrets.token_hex(32)
        self.turns: Dict[str, _Turn] = {}
        self._threads: List[threading.Thread] = []
        self.stopping = threading.Event()
        self.approvals = Approvals()
        self.questions = Questions()
        from ._surfaces import SurfaceState  # here: that module imports this one

        self.surfaces = SurfaceState(self)
        """Goals, avatars, documents and system events (``_surfaces.py``)."""
        from ._work import WorkState

        self.work = WorkState(self)
        """Batch runs, evaluation runs and background tasks (``_work.py``)."""

    # ------------------------------------------------------------------ keys
    def create_key(self, name: str, scopes: List[str], origins: List[str]) -> ApiKey:
        key = ApiKey(str(uuid.uuid4()), "sk-ethos-" + secrets.token_hex(32), name, list(scopes), list(origins))
        with self.lock:
            self.keys[key.secret] = key
        return key

    def find_key(self, secret: str) -> Optional[ApiKey]:
        with self.lock:
            key = self.keys.get(secret)
            if key is None or key.revoked_at is not None:
                return None
            key.last_used = now_iso()
            return key

    def rotate_web_token(self) -> str:
        with self.lock:
            self.web_token = secrets.token_hex(32)
            return self.web_token

    # -------------------------------------------------------------- sessions
    def _new_session(self, personality_id: Optional[str]) -> Dict[str, Any]:
        stamp = now_iso()
        session: Dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "key": f"web:{uuid.uuid4()}",
            "platform": "web",
            "model": MODEL,
            "provider": PROVIDER,
            "personalityId": personality_id,
            "parentSessionId": None,
            "workingDir": None,
            "title": None,
            "pinned": False,
            "usage": {
                "inputTokens": 0,
                "outputTokens": 0,
                "cacheReadTokens": 0,
                "cacheCreationTokens": 0,
                "estimatedCostUsd": 0,
                "apiCallCount": 0,
                "compactionCount": 0,
            },
            "createdAt": stamp,
            "updatedAt": stamp,
            "version": 1,
        }
        self.sessions[session["id"]] = session
        self.messages[session["id"]] = []
        return session

    def _session(self, session_id: str, action: str = SESSION_ACTION) -> Dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise session_not_found(session_id, action)
        return session

    @staticmethod
    def _copy(session: Dict[str, Any]) -> Dict[str, Any]:
        return {**session, "usage": dict(session["usage"])}

    def _add_message(self, session_id: str, role: str, content: str, **extra: Any) -> Dict[str, Any]:
        message = {
            "id": str(uuid.uuid4()),
            "sessionId": session_id,
            "role": role,
            "content": content,
            "toolCallId": extra.get("toolCallId"),
            "toolName": extra.get("toolName"),
            "toolCalls": extra.get("toolCalls"),
            "timestamp": now_iso(),
        }
        self.messages.setdefault(session_id, []).append(message)
        if self.settings.emit_message_persisted:
            self.hub.publish(session_id, {"type": "message_persisted", "messageId": message["id"], "role": role})
        return message

    def sessions_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            items = list(self.sessions.values())
            query = (data.get("q") or "").lower()
            if query:
                items = [s for s in items if self._matches(s, query)]
            if "personalityId" in data:
                items = [s for s in items if s["personalityId"] == data["personalityId"]]
            items.sort(key=lambda s: s["updatedAt"], reverse=True)
            items.sort(key=lambda s: not s["pinned"])
            offset = _decode_cursor(data.get("cursor"))
            limit = int(data.get("limit", 50))
            page = items[offset : offset + limit]
            more = offset + limit < len(items)
            return {
                "items": [self._copy(s) for s in page],
                "nextCursor": _encode_cursor(offset + limit) if more else None,
            }

    def _matches(self, session: Dict[str, Any], query: str) -> bool:
        if query in (session["title"] or "").lower():
            return True
        return any(query in m["content"].lower() for m in self.messages.get(session["id"], []))

    def sessions_get(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            return {
                "session": self._copy(session),
                "messages": [dict(m) for m in self.messages.get(session["id"], [])],
                "cards": [],
            }

    def _check_version(self, session: Dict[str, Any], data: Dict[str, Any]) -> None:
        expected = data.get("expectedVersion")
        if expected is not None and expected != session["version"]:
            raise ProcedureError(
                "CONFLICT",
                409,
                f"Session {session['id']} is at version {session['version']}, not {expected}",
                "Reload the session and try again.",
            )

    def sessions_update(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            self._check_version(session, data)
            session["title"] = data["title"]
            session["updatedAt"] = now_iso()
            return {"session": self._copy(session)}

    def sessions_fork(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            source = self._session(data["id"])
            self._check_version(source, data)
            fork = self._new_session(data.get("personalityId", source["personalityId"]))
            fork["key"] = f"{source['key']}:fork:{int(time.time() * 1000)}"
            fork["parentSessionId"] = source["id"]
            fork["title"] = source["title"]
            for message in self.messages.get(source["id"], []):
                copied = dict(message, id=str(uuid.uuid4()), sessionId=fork["id"], timestamp=now_iso())
                self.messages[fork["id"]].append(copied)
            return {"session": self._copy(fork)}

    def sessions_delete(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            self._session(data["id"])
            del self.sessions[data["id"]]
            self.messages.pop(data["id"], None)
            return {"ok": True}

    def sessions_pin(self, data: Dict[str, Any], pinned: bool) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            session["pinned"] = pinned
            session["updatedAt"] = now_iso()
            return {"session": self._copy(session)}

    def sessions_export(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            title = session["title"] or "Untitled session"
            lines = [f"# {title}", ""]
            for message in self.messages.get(session["id"], []):
                if message["role"] in ("user", "assistant") and message["content"]:
                    lines += [f"## {message['role'].capitalize()}", "", message["content"], ""]
            return {"content": "\n".join(lines), "filename": f"session-{session['id']}.md"}

    def sessions_context_anatomy(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            if session["usage"]["apiCallCount"] == 0:
                return {"anatomy": None}
            chars = sum(len(m["content"]) for m in self.messages.get(session["id"], []))
            messages = chars // 4
            return {
                "anatomy": {
                    "system": 6000,
                    "tools": 2000,
                    "messages": messages,
                    "total": 8000 + messages,
                    "inputTokens": session["usage"]["inputTokens"],
                    "cacheReadTokens": 0,
                    "cacheHitRate": 0,
                    "llmCallCount": session["usage"]["apiCallCount"],
                }
            }

    def sessions_compact(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            session = self._session(data["id"])
            before = sum(len(m["content"]) for m in self.messages.get(session["id"], [])) // 4
            session["usage"]["compactionCount"] += 1
            session["version"] += 1
            session["updatedAt"] = now_iso()
            return {
                "ok": True,
                "engineName": "local-test-server",
                "droppedCount": 0,
                "preTotalTokens": before,
                "postTotalTokens": before,
                "summariesEnabled": False,
            }

    # ---------------------------------------------------------- personalities
    def personalities_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        return {"items": all_personalities(), "nextCursor": None, "defaultId": DEFAULT_PERSONALITY}

    def personalities_get(self, data: Dict[str, Any]) -> Dict[str, Any]:
        personality = find_personality(data["id"])
        if personality is None:
            raise ProcedureError(
                "PERSONALITY_NOT_FOUND",
                404,
                f'Personality "{data["id"]}" not found',
                "Call `personalities.list` to see available IDs.",
            )
        return {"personality": personality, "soulMd": soul_of(personality), "mcpPolicy": None}

    # ----------------------------------------------------------------- memory
    def _memory_file(self, personality_id: str, store: str) -> Dict[str, Any]:
        found = self.memory.get((personality_id, store))
        if found is None:
            return {"store": store, "content": "", "path": None, "modifiedAt": None}
        return dict(found)

    def memory_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            items = [self._memory_file(data["personalityId"], store) for store in ("memory", "user")]
            return {"items": items, "nextCursor": None}

    def memory_get(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            return {"file": self._memory_file(data["personalityId"], data["store"])}

    def memory_write(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            file = {"store": data["store"], "content": data["content"], "path": None, "modifiedAt": now_iso()}
            self.memory[(data["personalityId"], data["store"])] = file
            return {"file": dict(file)}

    # ---------------------------------------------------------------- apiKeys
    def api_keys_create(self, data: Dict[str, Any]) -> Dict[str, Any]:
        key = self.create_key(data["name"], data["scopes"], data["allowedOrigins"])
        return {"secret": key.secret, "key": key.public()}

    def api_keys_list(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            items = [k.public() for k in self.keys.values() if k.revoked_at is None]
        items.sort(key=lambda k: str(k["createdAt"]), reverse=True)
        return {"items": items, "nextCursor": None}

    def api_keys_revoke(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            for key in self.keys.values():
                if key.id == data["id"] and key.revoked_at is None:
                    key.revoked_at = now_iso()
                    return {"ok": True}
        raise ProcedureError("NOT_FOUND", 404, f"API key {data['id']} not found", "Call `apiKeys.list` to see your keys.")

    # ------------------------------------------------------------------- chat
    def chat_send(self, data: Dict[str, Any], turn_id: str) -> Dict[str, Any]:
        personality_id = data.get("personalityId")
        if personality_id is not None and find_personality(personality_id) is None:
            raise ProcedureError(
                "PERSONALITY_NOT_FOUND",
                404,
                f'Personality "{personality_id}" not found',
                "Call `personalities.list` to see available IDs.",
            )
        from ._attachments import annotate

        seen = annotate(data["text"], data.get("attachments") or [])  # what the model is given
        with self.lock:
            if "sessionId" in data:
                session = self._session(data["sessionId"], CHAT_SESSION_ACTION)
            else:
                session = self._new_session(personality_id)
            session_id = session["id"]
            turn = _Turn(session_id, self.hub.generation)
            self.turns[session_id] = turn
            self._add_message(session_id, "user", seen)
            session["updatedAt"] = now_iso()
        thread = threading.Thread(
            target=self._run_turn, args=(turn, data["text"], seen), name=f"ethos-turn-{turn_id}", daemon=True
        )
        with self.lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return {"sessionId": session_id, "turnId": turn_id}

    def chat_abort(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            turn = self.turns.get(data["sessionId"])
            if turn is not None:
                turn.abort.set()
        return {"ok": True}

    def chat_steer(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            turn = self.turns.get(data["sessionId"])
            if turn is None or turn.abort.is_set():
                return {"ok": False}
            turn.steers.append(data["text"])
            self._add_message(turn.session_id, "user_steer", data["text"])
            return {"ok": True}

    # ------------------------------------------------------- the scripted agent
    def restart(self) -> None:
        """What a server restart does: running turns die unfinished, event buffers are forgotten.

        Sessions, messages, memory and keys are kept (the real server keeps them
        on disk); the turns' partial replies are not saved.
        """
        with self.lock:
            turns = list(self.turns.values())
            self.turns.clear()
            self.hub.reset()
        for turn in turns:
            turn.abort.set()  # wakes it; being of an old generation, it publishes and saves nothing

    def _lost(self, turn: _Turn) -> bool:
        return turn.generation != self.hub.generation

    def _wait(self, turn: _Turn, seconds: float) -> bool:
        """Sleep; True when the turn was aborted (or the server is stopping) meanwhile."""
        if seconds > 0:
            turn.abort.wait(seconds)
        return turn.abort.is_set() or self.stopping.is_set()

    def _run_turn(self, turn: _Turn, prompt: str, seen: Optional[str] = None) -> None:
        publish: Callable[[Dict[str, Any]], int] = lambda event: self.hub.publish(
            turn.session_id, event, turn.generation
        )
        trace_id = str(uuid.uuid4())
        try:
            if self._wait(turn, self.settings.start_delay) and self.stopping.is_set():
                return
            publish({"type": "run_start", "provider": PROVIDER, "model": MODEL, "source": "global", "traceId": trace_id})
            if "FAIL" in prompt:
                publish({"type": "error", "error": "The fake LLM was told to fail (the prompt contains FAIL).", "code": "LLM_ERROR"})
                return
            calls = 1
            input_tokens = 8192 + len(prompt) // 4
            delay = self.settings.slow_word_delay if "SLOW" in prompt else self.settings.word_delay
            tool = re.search(r"USE_TOOL:([A-Za-z0-9_.\-]+)", prompt)
            if tool:
                calls = 2
                answer = self._run_tool(turn, tool.group(1), prompt, publish)
                if answer is None:
                    return  # ended while the tool waited for a person (aborted, or the server went)
                reply = answer
            else:
                reply = f"Hello from the fake LLM. You said: {prompt if seen is None else seen}"
            words = _words(reply)
            sent: List[str] = []
            for index, word in enumerate(words):
                if index == len(words) - 1:
                    publish({"type": "usage", "inputTokens": input_tokens, "outputTokens": len(words), "estimatedCostUsd": 0})
                if self._wait(turn, delay):
                    break
                publish({"type": "text_delta", "text": word})
                sent.append(word)
            text = "".join(sent)
            if self._lost(turn):
                return  # the server "restarted" under the turn: it never finishes
            with self.lock:
                session = self.sessions.get(turn.session_id)
                if session is not None:
                    self._add_message(turn.session_id, "assistant", text)
                    usage = session["usage"]
                    usage["inputTokens"] += input_tokens * calls
                    usage["outputTokens"] += len(sent)
                    usage["apiCallCount"] += calls
                    titled = not session["title"] and bool(text)
                    if not session["title"]:
                        session["title"] = text[:80] or None
                    session["updatedAt"] = now_iso()
            publish({"type": "done", "text": text, "turnCount": calls, "traceId": trace_id})
            if session is not None and titled:
                self.surfaces.session_titled(turn.session_id, session["title"])
        finally:
            with self.lock:
                if self.turns.get(turn.session_id) is turn:
                    del self.turns[turn.session_id]

    def _run_tool(
        self, turn: _Turn, name: str, prompt: str, publish: Callable[[Dict[str, Any]], int]
    ) -> Optional[str]:
        """Play one tool call as the fake LLM does; return the text of the answer after it.

        ``None``: the turn ended during the call (it was aborted while waiting
        for a person, and the ``error`` event is sent; or the server stopped).
        """
        import json

        args: Any = {}
        match = re.search(r"ARGS:(\{.*\})", prompt)
        if match:
            try:
                args = json.loads(match.group(1))
            except ValueError:
                args = {}
        call_id = "call_fake_1"
        publish({"type": "usage", "inputTokens": 8192 + len(prompt) // 4, "outputTokens": 5, "estimatedCostUsd": 0})
        danger = guard_reason(name, args)
        ok = True
        if danger is not None and not self.approvals.allowed(name, args):
            approval = self.approvals.open(turn.session_id, name, args)
            publish({"type": "tool.approval_required", "request": {
                "approvalId": approval.approval_id, "sessionId": turn.session_id, "toolCallId": call_id,
                "toolName": name, "args": args, "reason": danger,
            }})
            while not approval.answered.wait(0.02):  # chat.abort does not end it: only an answer does
                if self.stopping.is_set() or self._lost(turn):
                    self.approvals.forget(approval.approval_id)
                    return None
            if approval.decision == "deny":
                result = f"{approval.reason or 'denied by user'} — {danger}"
                publish({"type": "tool_end", "toolCallId": call_id, "toolName": name, "ok": False, "durationMs": 0, "result": result})
                return self._after_tool(turn, call_id, name, args, result, publish)
        publish({"type": "tool_start", "toolCallId": call_id, "toolName": name, "args": args})
        started = time.monotonic()
        if name == "clarify":
            asked = self._clarify(turn, args, publish, started)
            if asked is None:
                return None
            ok, result = asked
        elif name == "terminal" and isinstance(args, dict) and str(args.get("command", "")).startswith("echo "):
            result = str(args["command"])[len("echo "):]
        elif name in ("skills_pending_approve", "skills_pending_reject"):
            ok, result = False, f'Skill "{args.get("id") if isinstance(args, dict) else None}" not found.'  # none are pending here
        elif name == "memory_read":
            with self.lock:
                session = self.sessions.get(turn.session_id)
                personality = (session or {}).get("personalityId") or DEFAULT_PERSONALITY
                store = args.get("store", "memory") if isinstance(args, dict) else "memory"
                result = self._memory_file(personality, str(store))["content"].strip()
        else:
            result = f"{name} ran (scripted by the local test server)"
        duration = int((time.monotonic() - started) * 1000)
        publish({"type": "tool_end", "toolCallId": call_id, "toolName": name, "ok": ok, "durationMs": duration, "result": result})
        return self._after_tool(turn, call_id, name, args, result, publish)

    def _after_tool(
        self, turn: _Turn, call_id: str, name: str, args: Any, result: str, publish: Callable[[Dict[str, Any]], int]
    ) -> Optional[str]:
        """Save the call and its result; the model's answer, or ``None`` (and ``error``) when aborted meanwhile."""
        if turn.abort.is_set() and not self.stopping.is_set():
            publish({"type": "error", "error": "Aborted", "code": "aborted"})
            return None
        with self.lock:
            if turn.session_id in self.sessions:
                self._add_message(turn.session_id, "assistant", "", toolCalls=[{"id": call_id, "name": name, "input": args}])
                self._add_message(
                    turn.session_id,
                    "tool_result",
                    f"===TOOL_RESULT_START:{name}===\n{result}\n===TOOL_RESULT_END===",
                    toolCallId=call_id,
                    toolName=name,
                )
        flat = " ".join(result.split()) or "(empty)"
        return f"Tool said: {flat}"

    def _clarify(
        self, turn: _Turn, args: Any, publish: Callable[[Dict[str, Any]], int], started: float
    ) -> Optional[tuple[bool, str]]:
        """Ask the ``clarify`` tool's question and wait: ``(ok, result)``, or ``None`` if the server stopped."""
        args = args if isinstance(args, dict) else {}
        try:
            wait = min(86400.0, max(1.0, float(args.get("timeout_s", 900))))
        except (TypeError, ValueError):
            wait = 900.0
        question = self.questions.open()
        event: Dict[str, Any] = {"type": "clarify.request", "requestId": question.request_id, "question": str(args.get("question", ""))}
        if isinstance(args.get("options"), list):
            event["options"] = [str(option) for option in args["options"]]
        default = args.get("default")
        if default is not None:
            event["default"] = str(default)
        event["defaultDeadlineAt"] = deadline_iso(wait)
        publish(event)
        deadline = time.monotonic() + wait
        source = ""
        while not question.answered.wait(0.02):
            if self.stopping.is_set() or self._lost(turn):
                self.questions.close(question.request_id)
                return None
            if turn.abort.is_set():  # chat.abort cancels a question at once
                source = "cancel"
                break
            if time.monotonic() >= deadline:
                source = "timeout-default" if default is not None else "timeout-no-default"
                break
        self.questions.close(question.request_id)
        source = source or question.source
        publish({"type": "clarify.resolved", "requestId": question.request_id, "source": source})
        if source == "timeout-no-default":
            return False, "CLARIFY_TIMED_OUT_NO_DEFAULT: Clarify timed out and no default was provided"
        if source == "timeout-default":
            return True, clarify_result(str(default), question.request_id, started, True, False)
        if source == "cancel":
            return True, clarify_result("", question.request_id, started, False, True)
        return True, clarify_result(question.answer, question.request_id, started, False, False)

    # ------------------------------------------------------ human in the loop
    def tools_answer(self, data: Dict[str, Any], decision: str) -> Dict[str, Any]:
        """``tools.approve`` (decision ``allow``) and ``tools.deny``."""

        def resolved(approval: Any) -> None:
            self.hub.publish(approval.session_id, {
                "type": "approval.resolved", "approvalId": approval.approval_id,
                "decision": decision, "decidedBy": data["clientId"],
            })

        self.approvals.answer(data["approvalId"], decision, data.get("scope"), data.get("reason"), resolved)
        return {"ok": True}

    def clarify_respond(self, data: Dict[str, Any]) -> Dict[str, Any]:
        self.questions.respond(data["requestId"], data["answer"], data["source"])
        return {"ok": True}

    def join_turns(self, timeout: float) -> None:
        """Wait (at most ``timeout`` seconds in all) for background turns to finish."""
        deadline = time.monotonic() + timeout
        with self.lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

