"""A turn that waits for a person: tool approvals and the agent's questions.

The server pauses a turn in two ways, both announced on the session's stream:

* ``tool.approval_required`` -- a tool call needs consent before it runs
  (answered with ``tools.approve`` / ``tools.deny``; it never times out on the
  server, and ``chat.abort`` does not end it);
* ``clarify.request`` -- the agent asks the user a question (answered with
  ``clarify.respond``, which the server accepts from the web cookie only).

:class:`ApprovalRequest` and :class:`Question` wrap those events with the
methods that answer them. ``client.chat.ask(..., on_approval=, on_question=)``
answers them by a policy (:func:`approval_policy`, :func:`question_policy`
turn the accepted forms into one callable), and :class:`ApprovalDecision` /
:class:`QuestionAnswer` are what :class:`~ethos_sdk.TurnResult` keeps of them.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from typing_extensions import Literal, TypeAlias

from .errors import ConfigurationError
from .types.tools import ApprovalScope

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = [
    "ApprovalRequest",
    "Question",
    "ApprovalDecision",
    "QuestionAnswer",
    "ApprovalPolicy",
    "QuestionPolicy",
    "DecidedBy",
]

log = logging.getLogger("ethos_sdk")

_SCOPES = ("once", "exact-args", "any-args")

DecidedBy: TypeAlias = Literal["policy", "caller", "other client", "server", "sdk"]
"""Who settled a request: the ``on_approval``/``on_question`` policy, your own
code calling ``approve``/``deny``/``answer``, another client of the server
(a browser tab, another script), the server itself (a question's deadline, an
abort), or the SDK giving up on the turn (it denies what the turn waits on)."""

_PERMANENT = (
    "exact-args and any-args add a permanent entry to the server's allowlist "
    "(no procedure lists or removes it): the tool then runs without asking, "
    "with these arguments (exact-args) or with any (any-args)"
)


def _short(value: Any, limit: int = 200) -> str:
    """``value`` as compact JSON, cut to ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Unbound:
    """The client of a request that was pickled: it sends nothing, and says how to answer from here."""

    def __init__(self, how: str) -> None:
        self.how = how

    def __getattr__(self, name: str) -> Any:
        raise ConfigurationError(
            "this request was raised in another process (it was pickled) and has no client in this one: "
            f"{self.how}"
        )


class _Portable:
    """Pickles without its client, so a pause raised in a worker process reaches the parent with its ids.

    In the process that unpickles it, answering it raises a
    :class:`~ethos_sdk.ConfigurationError` naming the call to make with a
    client of that process (``_how_to_answer``).
    """

    _how_to_answer = ""
    _client: Any
    _lock: threading.Lock
    _listeners: List[Any]

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        for live in ("_client", "_lock", "_listeners"):
            state.pop(live, None)
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = _Unbound(self._how_to_answer.format(self=self))
        self._lock = threading.Lock()
        self._listeners = []


class ApprovalRequest(_Portable):
    """A tool call of a turn, parked on the server until someone allows or denies it.

    Built from a ``tool.approval_required`` event. Answer it once, with
    :meth:`approve` or :meth:`deny`; the turn then goes on (a denial reaches
    the model as a failed tool call, and the turn still ends with ``done``).
    The server never times an approval out and ``chat.abort`` leaves it
    pending, so a script that gives up on the turn should deny it.

    Attributes:
        approval_id: the id the answer names.
        session_id: the session of the turn.
        tool_call_id: the tool call's id (``tool_start``/``tool_end`` carry it).
        tool_name: the tool, e.g. ``"terminal"``.
        args: the arguments the model gave it, e.g. ``{"command": "..."}``.
        reason: why the server asks, e.g. ``"destructive SQL DDL (DROP)"``.
        decision: ``"allow"``, ``"deny"`` or ``None`` while unanswered.
        event: the ``tool.approval_required`` event itself.

    It pickles (a pause raised in a worker process reaches the parent) without
    its client: there, answer it with ``client.tools.approve(request.approval_id,
    client.client_id, "once")`` or ``client.tools.deny(...)``.
    """

    _how_to_answer = (
        "answer it with a client of this process: client.tools.approve({self.approval_id!r}, client.client_id, 'once') "
        "or client.tools.deny({self.approval_id!r}, client.client_id, reason=...)"
    )

    def __init__(self, client: EthosClient, event: Mapping[str, Any]) -> None:
        request = event.get("request") or {}
        self._client = client
        self.event: dict[str, Any] = dict(event)
        self.approval_id: str = str(request.get("approvalId", ""))
        self.session_id: str = str(request.get("sessionId", ""))
        self.tool_call_id: str = str(request.get("toolCallId", ""))
        self.tool_name: str = str(request.get("toolName", ""))
        self.args: Any = request.get("args")
        self.reason: Optional[str] = request.get("reason")
        self.decision: Optional[Literal["allow", "deny"]] = None
        self._lock = threading.Lock()
        self._by: DecidedBy = "caller"
        self._sent: Optional[tuple[Optional[ApprovalScope], Optional[str], DecidedBy]] = None  # answer in flight
        self._listeners: List[Callable[[ApprovalDecision], None]] = []

    @property
    def answered(self) -> bool:
        """True once this client answered it, or the server said it was settled."""
        return self.decision is not None

    def approve(self, scope: ApprovalScope = "once") -> None:
        """Let the tool call run.

        Args:
            scope: ``"once"`` (the default) allows this call only.
                ``"exact-args"`` and ``"any-args"`` add a permanent entry to
                the server's allowlist, which no procedure lists or removes:
                from then on the same tool runs without asking, with the same
                arguments (``exact-args``) or with any (``any-args``).

        Raises:
            ConfigurationError: ``scope`` is not one of the three.
            BadRequestError: the server has no such pending approval (it was
                answered already, e.g. in another tab, or the turn moved on).
            PermissionDeniedError: the API key lacks the scope ``tools:approve``.
        """
        if scope not in _SCOPES:
            raise ConfigurationError(f"scope must be 'once', 'exact-args' or 'any-args', not {scope!r}")
        self._sent = (scope, None, self._by)  # approval.resolved may be read before this call returns
        self._client.tools.approve(self.approval_id, self._client.client_id, scope)
        self._settle("allow", scope, None, self._by, self._client.client_id)

    def deny(self, reason: Optional[str] = None) -> None:
        """Refuse the tool call; the model is told it failed (with ``reason``) and goes on.

        Raises:
            BadRequestError: the server has no such pending approval.
            PermissionDeniedError: the API key lacks the scope ``tools:approve``.
        """
        self._sent = (None, reason, self._by)
        if reason is None:
            self._client.tools.deny(self.approval_id, self._client.client_id)
        else:
            self._client.tools.deny(self.approval_id, self._client.client_id, reason=reason)
        self._settle("deny", None, reason, self._by, self._client.client_id)

    def _settle(
        self,
        decision: Literal["allow", "deny"],
        scope: Optional[ApprovalScope],
        reason: Optional[str],
        by: DecidedBy,
        client_id: str,
    ) -> None:
        with self._lock:
            if self.decision is not None:
                return
            self.decision = decision
            listeners = list(self._listeners)
        record = ApprovalDecision(
            approval_id=self.approval_id, tool_name=self.tool_name, args=self.args, decision=decision,
            scope=scope, decided_by=by, client_id=client_id, reason=reason,
        )
        for listener in listeners:
            listener(record)

    def describe(self) -> str:
        """One line: the tool, its arguments and why the server asks."""
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.tool_name} {_short(self.args)}{why}"

    def __repr__(self) -> str:
        state = self.decision or "pending"
        return (
            f"<ApprovalRequest {self.tool_name} args={_short(self.args, 80)} "
            f"reason={self.reason!r} {state} id={self.approval_id}>"
        )

    def _repr_markdown_(self) -> str:
        state = self.decision or "waiting for approval"
        return (
            f"**Approval {state}:** tool `{self.tool_name}` — {self.reason or 'no reason given'}\n\n"
            f"```json\n{_short(self.args, 2000)}\n```\n\n"
            "`request.approve()` (once) · `request.deny(reason)`"
        )

    def _repr_html_(self) -> str:
        state = html.escape(self.decision or "waiting for approval")
        return (
            f"<div><b>Approval {state}:</b> tool <code>{html.escape(self.tool_name)}</code> — "
            f"{html.escape(self.reason or 'no reason given')}"
            f"<pre>{html.escape(_short(self.args, 2000))}</pre>"
            "<code>request.approve()</code> (once) · <code>request.deny(reason)</code></div>"
        )


class Question(_Portable):
    """A question the agent asked the user (the ``clarify`` tool), waiting for an answer.

    Built from a ``clarify.request`` event. Answer it with :meth:`answer` (or
    withdraw it with :meth:`cancel`); the answer becomes the tool's result and
    the turn goes on. The server accepts answers from the web cookie only: a
    client with an API key cannot answer (see :class:`~ethos_sdk.QuestionAsked`).
    Unanswered, the server takes ``default`` (or fails the tool) at ``deadline``.

    Attributes:
        request_id: the id the answer names.
        question: the question's text.
        options: the answers offered, or ``None`` for a free-form question.
        default: the answer taken at the deadline, if any.
        deadline: when the server stops waiting (UTC), if it said.
        session_id: the session of the turn.
        answer_text: the answer this client sent, if any.
        event: the ``clarify.request`` event itself.

    It pickles without its client, as :class:`ApprovalRequest` does: in
    another process, answer it with ``client.clarify.respond(question.request_id,
    text, "user")`` (web cookie only).
    """

    _how_to_answer = (
        "answer it with a client of this process that uses the web cookie: "
        "client.clarify.respond({self.request_id!r}, 'your answer', 'user')"
    )

    def __init__(self, client: EthosClient, event: Mapping[str, Any], session_id: str = "") -> None:
        self._client = client
        self.event: dict[str, Any] = dict(event)
        self.request_id: str = str(event.get("requestId", ""))
        self.question: str = str(event.get("question", ""))
        options = event.get("options")
        self.options: Optional[List[str]] = [str(o) for o in options] if isinstance(options, list) else None
        default = event.get("default")
        self.default: Optional[str] = None if default is None else str(default)
        self.deadline: Optional[datetime] = _parse_time(event.get("defaultDeadlineAt"))
        self.session_id = session_id
        self.answer_text: Optional[str] = None
        self.answered = False
        """True once this client answered or cancelled it, or the server said it was settled."""
        self._lock = threading.Lock()
        self._by: DecidedBy = "caller"
        self._listeners: List[Callable[[QuestionAnswer], None]] = []

    def answer(self, text: str) -> None:
        """Send ``text`` as the user's answer.

        Raises:
            ConfigurationError: ``text`` is not a string.
            PermissionDeniedError: this client uses an API key; the server
                takes answers only with the web cookie
                (``EthosClient(base_url, cookie=...)``, or the web UI).
        """
        if not isinstance(text, str):
            raise ConfigurationError(f"the answer must be a string, not {type(text).__name__}")
        self._client.clarify.respond(self.request_id, text, "user")
        self._settle(text, "user", self._by)

    def cancel(self) -> None:
        """Withdraw the question (as closing its card in the web UI does); the tool reports it cancelled."""
        self._client.clarify.respond(self.request_id, "", "cancel")
        self._settle(None, "cancel", self._by)

    def _settle(self, answer: Optional[str], source: str, by: DecidedBy) -> None:
        with self._lock:
            if self.answered:
                return
            self.answered = True
        if source == "user" and by != "other client" and by != "server":
            self.answer_text = answer
        record = QuestionAnswer(self.request_id, self.question, answer, source, by)
        for listener in list(self._listeners):
            listener(record)

    def describe(self) -> str:
        """One line: the question and its options."""
        options = f" (options: {', '.join(self.options)})" if self.options else ""
        default = f" [default {self.default!r}]" if self.default is not None else ""
        return f"{self.question!r}{options}{default}"

    def __repr__(self) -> str:
        state = "answered" if self.answered else "pending"
        return f"<Question {self.question!r} options={self.options!r} {state} id={self.request_id}>"

    def _repr_markdown_(self) -> str:
        options = "".join(f"\n- {o}" for o in self.options or [])
        return f"**The agent asks:** {self.question}{options}\n\n`question.answer(text)`"

    def _repr_html_(self) -> str:
        options = "".join(f"<li>{html.escape(o)}</li>" for o in self.options or [])
        return (
            f"<div><b>The agent asks:</b> {html.escape(self.question)}"
            f"{'<ul>' + options + '</ul>' if options else ''}<code>question.answer(text)</code></div>"
        )


def _parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class ApprovalDecision:
    """How one approval request of a turn was settled (in :attr:`TurnResult.approvals`)."""

    approval_id: str
    tool_name: str
    args: Any
    decision: Literal["allow", "deny"]
    scope: Optional[ApprovalScope]
    """The scope of an approval this client gave; ``None`` for a denial or one decided elsewhere."""
    decided_by: DecidedBy
    """``"policy"`` (``on_approval``), ``"caller"`` (your code) or ``"other client"``."""
    client_id: str
    """The client id the server recorded as deciding (``approval.resolved.decidedBy``)."""
    reason: Optional[str] = None
    """The reason given with a denial."""


@dataclass(frozen=True)
class QuestionAnswer:
    """How one question of a turn was settled (in :attr:`TurnResult.questions`)."""

    request_id: str
    question: str
    answer: Optional[str]
    """The answer the tool got (``None`` when cancelled or timed out without a default)."""
    source: str
    """The server's word: ``"user"``, ``"cancel"``, ``"timeout-default"``, ``"timeout-no-default"``."""
    decided_by: DecidedBy
    """``"policy"`` (``on_question``), ``"caller"``, ``"other client"`` or ``"server"`` (its deadline)."""


# ----------------------------------------------------------------- policies

ApprovalPolicy: TypeAlias = Union[
    Literal["approve", "deny", "prompt"],
    Callable[[ApprovalRequest], Union[bool, ApprovalScope, None]],
]
"""What ``on_approval=`` takes; see :meth:`Chat.ask <ethos_sdk.namespaces.chat.Chat.ask>`."""

QuestionPolicy: TypeAlias = Union[str, Callable[[Question], Optional[str]]]
"""What ``on_question=`` takes: an answer, ``"prompt"``, or a callable returning the answer."""

Asker = Callable[[str], str]


def approval_policy(policy: Any) -> Optional[Callable[[ApprovalRequest], None]]:
    """Turn an ``on_approval=`` value into a function that answers a request (or leaves it).

    Raises :class:`~ethos_sdk.ConfigurationError` for a value it does not know,
    before anything is sent.
    """
    if policy is None:
        return None
    if policy == "approve":
        return lambda request: request.approve("once")
    if policy == "deny":
        return lambda request: request.deny("denied by the script's on_approval='deny' policy")
    if policy == "prompt":
        return _prompt_approval
    if callable(policy):
        return lambda request: _apply_decision(request, policy(request))
    raise ConfigurationError(
        f"on_approval must be 'approve', 'deny', 'prompt' or a function of the request, not {policy!r}"
    )


def _apply_decision(request: ApprovalRequest, decision: Any) -> None:
    if decision is None:
        return  # the function answered itself (or left it to the caller: the turn pauses)
    if decision is True:
        request.approve("once")
    elif decision is False:
        request.deny()
    elif decision in _SCOPES:
        request.approve(decision)
    else:
        raise ConfigurationError(
            "an on_approval function must return True (approve once), False (deny), "
            f"'once', 'exact-args', 'any-args' or None (it answered itself), not {decision!r}"
        )


_APPROVE_ANSWERS = {"y": "once", "yes": "once", "once": "once", "exact": "exact-args",
                    "exact-args": "exact-args", "any": "any-args", "any-args": "any-args"}


def _prompt_approval(request: ApprovalRequest, ask: Optional[Asker] = None) -> None:
    """Ask on the terminal (or in the notebook) with ``input()``."""
    ask = ask or input
    print(f"The agent wants to run {request.describe()}")
    print(f"  (warning: {_PERMANENT})")
    while True:
        try:
            reply = ask("Allow? [y]es once / [n]o / exact / any: ").strip().lower()
        except EOFError:
            request.deny("no one answered the prompt (end of input)")
            return
        if reply in ("n", "no", "deny"):
            request.deny()
            return
        if reply in _APPROVE_ANSWERS:
            request.approve(_APPROVE_ANSWERS[reply])  # type: ignore[arg-type]
            return
        print("Please answer y, n, exact or any.")


def question_policy(policy: Any) -> Optional[Callable[[Question], None]]:
    """Turn an ``on_question=`` value into a function that answers a question (or leaves it)."""
    if policy is None:
        return None
    if policy == "prompt":
        return _prompt_question
    if isinstance(policy, str):
        return lambda question: question.answer(policy)
    if callable(policy):
        def answer(question: Question) -> None:
            text = policy(question)
            if text is not None:
                question.answer(text)
        return answer
    raise ConfigurationError(f"on_question must be an answer, 'prompt' or a function of the question, not {policy!r}")


def _prompt_question(question: Question, ask: Optional[Asker] = None) -> None:
    ask = ask or input
    options: Sequence[str] = question.options or ()
    print(f"The agent asks: {question.question}")
    for number, option in enumerate(options, 1):
        print(f"  {number}. {option}")
    try:
        reply = ask("Your answer: " if not options else "Your answer (number or text): ").strip()
    except EOFError:
        question.cancel()
        return
    if reply.isdigit() and 1 <= int(reply) <= len(options):
        reply = options[int(reply) - 1]
    question.answer(reply)


# ------------------------------------------------------- following one turn

PauseRequest: TypeAlias = Union[ApprovalRequest, Question]


class _TurnWaits:
    """What one :class:`~ethos_sdk.TurnStream` knows of the requests its turn made.

    ``see(event)`` is called with every event of the turn in order; it builds
    the request objects, answers them by policy, records how each was settled
    and returns the :class:`~ethos_sdk.TurnPaused` error to raise when the turn
    waits on something nobody here will answer (only when ``raise_on_pause``).
    """

    def __init__(
        self,
        client: EthosClient,
        on_approval: Any = None,
        on_question: Any = None,
    ) -> None:
        self.client = client
        self.approve_by = approval_policy(on_approval)
        self.answer_by = question_policy(on_question)
        self.raise_on_pause = False
        self.current: Optional[PauseRequest] = None
        self.approvals: List[ApprovalDecision] = []
        self.questions: List[QuestionAnswer] = []
        self._approval_ids: dict[str, ApprovalRequest] = {}
        self._question_ids: dict[str, Question] = {}
        self._clarify_calls: List[str] = []  # request ids waiting for their tool_end, oldest first

    @property
    def pending(self) -> Optional[PauseRequest]:
        current = self.current
        if current is None or current.answered:
            return None
        return current

    def see(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        kind = event.get("type")
        if kind == "tool.approval_required":
            return self._approval(event, turn)
        if kind == "approval.resolved":
            request = self._approval_ids.get(str(event.get("approvalId")))
            if request is not None:
                decided_by = str(event.get("decidedBy", ""))
                decision: Literal["allow", "deny"] = "deny" if event.get("decision") == "deny" else "allow"
                sent = request._sent
                if decided_by == self.client.client_id and sent is not None:
                    request._settle(decision, sent[0] if decision == "allow" else None, sent[1], sent[2], decided_by)
                else:
                    by: DecidedBy = "caller" if decided_by == self.client.client_id else "other client"
                    request._settle(decision, None, None, by, decided_by)
        elif kind == "clarify.request":
            return self._question(event, turn)
        elif kind == "clarify.resolved":
            question = self._question_ids.get(str(event.get("requestId")))
            if question is not None:
                source = str(event.get("source", ""))
                question._settle(None, source, "server" if source.startswith("timeout") else "other client")
        elif kind == "tool_end" and event.get("toolName") == "clarify" and self._clarify_calls:
            self._learn_answer(self._clarify_calls.pop(0), event.get("result"))
        return None

    def _approval(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        request = ApprovalRequest(self.client, event)
        if request.approval_id in self._approval_ids:
            return None  # replayed after a reconnect: already handled
        self._approval_ids[request.approval_id] = request
        request._listeners.append(self.approvals.append)
        self.current = request
        if self.approve_by is not None:
            request._by = "policy"
            try:
                self.approve_by(request)
            except BaseException as exc:
                # The turn would stay parked on an approval nobody is left to answer.
                request._by = "caller"
                self.deny_pending(f"the script's on_approval policy failed ({type(exc).__name__})")
                raise
            finally:
                request._by = "caller"
        if request.answered or not self.raise_on_pause:
            return None
        return self._paused(request, turn)

    def _question(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        question = Question(self.client, event, getattr(turn, "session_id", ""))
        if question.request_id in self._question_ids:
            return None
        self._question_ids[question.request_id] = question
        self._clarify_calls.append(question.request_id)
        question._listeners.append(self.questions.append)
        self.current = question
        if self.client.auth_mode == "bearer" and (self.answer_by is not None or self.raise_on_pause):
            return self._paused(question, turn)  # it cannot be answered from here: say so now
        if self.answer_by is not None:
            question._by = "policy"
            try:
                self.answer_by(question)
            finally:
                question._by = "caller"
        if question.answered or not self.raise_on_pause:
            return None
        return self._paused(question, turn)

    def _learn_answer(self, request_id: str, result: Any) -> None:
        """Fill in the answer of a question settled elsewhere, from its tool's result."""
        try:
            answer = json.loads(result).get("answer") if isinstance(result, str) else None
        except (ValueError, AttributeError):
            return
        for index, record in enumerate(self.questions):
            if record.request_id == request_id and record.answer is None and isinstance(answer, str) and answer:
                self.questions[index] = QuestionAnswer(
                    record.request_id, record.question, answer, record.source, record.decided_by
                )

    def _paused(self, request: PauseRequest, turn: Any) -> Exception:
        from .errors import ApprovalRequired, QuestionAsked

        where = f"the turn on session {getattr(turn, 'session_id', '') or '(new)'}"
        if isinstance(request, ApprovalRequest):
            return ApprovalRequired(
                f"{where} waits for approval to run {request.describe()}. It stays parked on the "
                "server until answered (approvals never time out). Answer it, then finish the turn:\n"
                "    e.request.approve()          # or e.request.deny('why not')\n"
                "    reply = e.turn.result()\n"
                "or pass on_approval='approve', 'deny', 'prompt' or a function to chat.ask/chat.stream.",
                request=request, turn=turn,
            )
        if self.client.auth_mode == "bearer":
            return QuestionAsked(
                f"{where} waits for an answer to the question {request.describe()}, and this client "
                "cannot give it: the server accepts answers to questions only with the web cookie, "
                "not with an API key. Answer it in the Ethos web UI, or with a cookie client:\n"
                "    EthosClient(base_url, cookie=<web token>).clarify.respond("
                f"{request.request_id!r}, 'your answer', 'user')\n"
                "then e.turn.result() finishes the turn. (Unanswered, the server gives up "
                f"at {request.deadline.isoformat() if request.deadline else 'its deadline'}.)",
                request=request, turn=turn,
            )
        return QuestionAsked(
            f"{where} waits for an answer to the question {request.describe()}. Answer it, "
            "then finish the turn:\n"
            "    e.request.answer('your answer')\n"
            "    reply = e.turn.result()\n"
            "or pass on_question='an answer', 'prompt' or a function to chat.ask/chat.stream.",
            request=request, turn=turn,
        )

    def deny_pending(self, reason: str, within: float = 2.0) -> bool:
        """Deny the approval the turn waits on, if any: best effort, within ``within`` s, never raises.

        True when a pending approval was denied.
        """
        request = self.pending
        if not isinstance(request, ApprovalRequest):
            return False
        request._sent = (None, reason, "sdk")
        try:
            quick = self.client.with_options(timeout=within, max_retries=0, deadline=within)
            quick.tools.deny(request.approval_id, self.client.client_id, reason=reason)
        except Exception as exc:  # noqa: BLE001 - best effort: the caller is already leaving the turn
            log.warning(
                "could not deny the pending approval %s of %s (%s): %s; it stays parked on the server",
                request.approval_id, request.tool_name, type(exc).__name__, exc,
            )
            return False
        log.info("denied the pending approval %s of %s: %s", request.approval_id, request.tool_name, reason)
        request._settle("deny", None, reason, "sdk", self.client.client_id)
        return True

    def waiting_on(self, request: Optional[PauseRequest], denied: bool = False) -> str:
        """A clause for a timeout message: what the turn was waiting for (``denied``: the SDK denied it)."""
        if isinstance(request, ApprovalRequest):
            fate = (
                "; the SDK denied it so the turn does not stay parked on the server"
                if denied else "; it is still pending on the server: deny it (client.tools.deny) or the turn stays parked"
            )
            return f" while waiting for approval to run {request.describe()} (approval id {request.approval_id}){fate}"
        if isinstance(request, Question):
            return (
                f" while waiting for an answer to the question {request.describe()} "
                f"(request id {request.request_id}; it stays open on the server until its deadline "
                "unless answered, and client.chat.abort cancels it)"
            )
        return ""
