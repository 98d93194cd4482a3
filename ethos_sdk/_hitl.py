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

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from typing_extensions import Literal, TypeAlias

from ._display import abbreviated, html_text, md_block, md_code, visible, visible_json
from ._wire_checks import check_turn_event
from .errors import BadRequestError, ConfigurationError, StreamError
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

PERMANENT_SCOPES = (
    "exact and any add a permanent entry to the server's allowlist "
    "(no procedure lists or removes it): the tool then runs without asking, "
    "with these arguments (exact) or with any (any)"
)


def _no_pending(error: BaseException) -> bool:
    """True for the server's 400 INVALID_INPUT "No pending approval": the request was settled elsewhere."""
    return (
        isinstance(error, BadRequestError) and error.code == "INVALID_INPUT"
        and "no pending approval" in str(error.message).lower()
    )


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
        request = event.get("request")
        if not isinstance(request, Mapping):
            request = {}
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
        self._decided_by: Optional[DecidedBy] = None
        self._sent: Optional[tuple[Optional[ApprovalScope], Optional[str], DecidedBy]] = None  # answer in flight
        self._settled_elsewhere = False  # the server said so (a replay, or its 400 "No pending approval")
        self._listeners: List[Callable[[ApprovalDecision], None]] = []

    @property
    def answered(self) -> bool:
        """True once this client answered it, or it is known to be settled elsewhere."""
        return self.decision is not None or self._settled_elsewhere

    def approve(self, scope: ApprovalScope = "once") -> None:
        """Let the tool call run.

        Args:
            scope: ``"once"`` (the default) allows this call only.
                ``"exact-args"`` and ``"any-args"`` add a permanent entry to
                the server's allowlist, which no procedure lists or removes:
                from then on the same tool runs without asking, with the same
                arguments (``exact-args``) or with any (``any-args``).

        Raises:
            ConfigurationError: ``scope`` is not one of the three; or the
                request was answered already by this client -- by you, by the
                policy, or by the SDK, which denies what a turn waits on when
                it gives up on the turn (its ``timeout`` passed, it was left)
                -- or is known to be settled elsewhere. Nothing is sent then:
                the server takes one answer per request.
            BadRequestError: the server has no such pending approval (it was
                answered already, e.g. in another tab, or the turn moved on).
            PermissionDeniedError: the API key lacks the scope ``tools:approve``.
        """
        if scope not in _SCOPES:
            raise ConfigurationError(f"scope must be 'once', 'exact-args' or 'any-args', not {scope!r}")
        self._answer("allow", scope, None)

    def deny(self, reason: Optional[str] = None) -> None:
        """Refuse the tool call; the model is told it failed (with ``reason``) and goes on.

        Raises:
            ConfigurationError: the request was answered already, or is known
                to be settled elsewhere (see :meth:`approve`); nothing is sent.
            BadRequestError: the server has no such pending approval.
            PermissionDeniedError: the API key lacks the scope ``tools:approve``.
        """
        self._answer("deny", None, reason)

    def _answer(
        self, decision: Literal["allow", "deny"], scope: Optional[ApprovalScope], reason: Optional[str],
        by: Optional[DecidedBy] = None, client: Optional[EthosClient] = None,
    ) -> None:
        """Send one answer: claimed under the lock first, so that two answers never both go out."""
        by = by or self._by
        with self._lock:
            refusal = self._refusal()
            if refusal is not None:
                raise ConfigurationError(refusal)
            self._sent = (scope, reason, by)  # approval.resolved may be read before the call returns
        sender = client or self._client
        try:
            if decision == "allow":
                sender.tools.approve(self.approval_id, self._client.client_id, scope or "once")
            elif reason is None:
                sender.tools.deny(self.approval_id, self._client.client_id)
            else:
                sender.tools.deny(self.approval_id, self._client.client_id, reason=reason)
        except BaseException as exc:
            with self._lock:
                self._sent = None
                if _no_pending(exc):
                    self._settled_elsewhere = True
            raise
        self._settle(decision, scope, reason, by, self._client.client_id)

    def _refusal(self) -> Optional[str]:
        """Why no answer may be sent now (``None``: it may). Called under the lock."""
        what = f"approval {visible(self.approval_id)} ({visible(self.tool_name)})"
        if self.decision is not None:
            sent = self._sent
            if self._decided_by == "sdk":
                why = f": {visible(sent[1])}" if sent is not None and sent[1] else ""
                return (
                    f"{what} was already denied by the SDK when it gave up on the turn{why}; nothing was sent. "
                    "An answer now comes too late: the tool call was refused"
                )
            done = "allowed" if self.decision == "allow" else "denied"
            return (
                f"{what} was already {done} ({self._decided_by}); nothing was sent: the server takes "
                "one answer per request"
            )
        if self._settled_elsewhere:
            return (
                f"{what} was already settled elsewhere (another client, or the server); nothing was sent: "
                "the server takes one answer per request"
            )
        if self._sent is not None:
            return f"an answer to {what} is being sent already ({self._sent[2]}); nothing else was sent"
        return None

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
            self._decided_by = by
            listeners = list(self._listeners)
        record = ApprovalDecision(
            approval_id=self.approval_id, tool_name=self.tool_name, args=self.args, decision=decision,
            scope=scope, decided_by=by, client_id=client_id, reason=reason,
        )
        for listener in listeners:
            listener(record)

    def _settled_by(self, decision: Literal["allow", "deny"], client_id: str, own_id: str) -> None:
        """Record a settlement the stream announced: ours (an answer in flight) or another client's."""
        sent = self._sent
        if sent is not None and client_id in (own_id, ""):  # "": a tool event, with our answer on its way
            self._settle(decision, sent[0] if decision == "allow" else None, sent[1], sent[2], client_id)
        else:
            by: DecidedBy = "caller" if client_id and client_id == own_id else "other client"
            self._settle(decision, None, None, by, client_id)

    def describe(self) -> str:
        """One line: the tool, its arguments (whole, as JSON) and why the server asks, every control character escaped."""
        why = f" ({visible(self.reason)})" if self.reason else ""
        return f"{visible(self.tool_name)} {visible_json(self.args)}{why}"

    def __repr__(self) -> str:
        state = self.decision or ("settled elsewhere" if self._settled_elsewhere else "pending")
        return (
            f"<ApprovalRequest {visible(self.tool_name)} args={visible_json(self.args)} "
            f"reason={visible(repr(self.reason))} {state} id={visible(self.approval_id)}>"
        )

    def _repr_markdown_(self) -> str:
        state = self.decision or "waiting for approval"
        reason = md_code(self.reason) if self.reason else "no reason given"
        return (
            f"**Approval {state}:** tool {md_code(self.tool_name)} — {reason}\n\n"
            f"{md_block(visible_json(self.args, indent=2), 'json')}\n\n"
            "`request.approve()` (once) · `request.deny(reason)`"
        )

    def _repr_html_(self) -> str:
        state = self.decision or "waiting for approval"
        return (
            f"<div><b>Approval {state}:</b> tool <code>{html_text(self.tool_name)}</code> — "
            f"{html_text(self.reason or 'no reason given')}"
            f'<pre style="white-space: pre-wrap">{html_text(visible_json(self.args, indent=2), lines=True)}</pre>'
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
        """True once this client answered or cancelled it, or it is known to be settled elsewhere."""
        self._lock = threading.Lock()
        self._by: DecidedBy = "caller"
        self._recorded = False
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
            if self._recorded:
                return
            self._recorded = self.answered = True
            listeners = list(self._listeners)
        if source == "user" and by != "other client" and by != "server":
            self.answer_text = answer
        record = QuestionAnswer(self.request_id, self.question, answer, source, by)
        for listener in listeners:
            listener(record)

    def describe(self) -> str:
        """One line: the question and its options, whole, every control character escaped."""
        options = f" (options: {', '.join(visible(o) for o in self.options)})" if self.options else ""
        default = f" [default {visible(repr(self.default))}]" if self.default is not None else ""
        return f"{visible(repr(self.question))}{options}{default}"

    def __repr__(self) -> str:
        state = "answered" if self.answered else "pending"
        return (
            f"<Question {visible(repr(self.question))} options={visible(repr(self.options))} {state} "
            f"id={visible(self.request_id)}>"
        )

    def _repr_markdown_(self) -> str:
        options = "".join(f"\n- {md_code(o)}" for o in self.options or [])
        return (
            f"**The agent asks:**\n\n{md_block(visible(self.question, lines=True))}\n{options}\n\n"
            "`question.answer(text)`"
        )

    def _repr_html_(self) -> str:
        options = "".join(f"<li>{html_text(o)}</li>" for o in self.options or [])
        return (
            f'<div><b>The agent asks:</b> <span style="white-space: pre-wrap">{html_text(self.question, lines=True)}'
            f"</span>{'<ul>' + options + '</ul>' if options else ''}<code>question.answer(text)</code></div>"
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


def _prompt_approval(request: ApprovalRequest) -> None:
    """Ask the person at the terminal or in the notebook (see :mod:`ethos_sdk._prompt`)."""
    from ._prompt import prompt_approval  # loaded by the first prompt only

    prompt_approval(request)


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


def _prompt_question(question: Question) -> None:
    from ._prompt import prompt_question

    prompt_question(question)


# ------------------------------------------------------- following one turn

PauseRequest: TypeAlias = Union[ApprovalRequest, Question]


class _TurnWaits:
    """What one :class:`~ethos_sdk.TurnStream` knows of the requests its turn made.

    ``see(event)`` is called with every event of the turn in order; it checks
    and builds the request objects, offers the live ones to the policies,
    records how each was settled and returns the :class:`~ethos_sdk.TurnPaused`
    error to raise when the turn waits on something nobody here will answer.

    Only live requests are offered: a request that was already answered, or
    that the events read before the live part of a followed turn show settled
    (:meth:`replayed`), is recorded and never answered again; the server's 400
    "No pending approval" to a policy's answer means the same (settled
    elsewhere), never a failure of the turn.
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
        self._requests: List[PauseRequest] = []  # the live ones, in order of arrival
        self._approval_ids: dict[str, ApprovalRequest] = {}
        self._question_ids: dict[str, Question] = {}
        self._seen: set[str] = set()  # ids whose event see() handled: a replay after a reconnect is skipped
        self._clarify_calls: List[str] = []  # request ids waiting for their tool_end, oldest first

    @property
    def pending(self) -> Optional[PauseRequest]:
        """The latest request of the turn that nobody has answered yet."""
        for request in reversed(self._requests):
            if not request.answered:
                return request
        return None

    def see(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        kind = event.get("type")
        if kind == "tool.approval_required":
            return self._approval(event, turn)
        if kind == "approval.resolved":
            request = self._approval_ids.get(str(event.get("approvalId")))
            if request is not None:
                decision: Literal["allow", "deny"] = "deny" if event.get("decision") == "deny" else "allow"
                request._settled_by(decision, str(event.get("decidedBy", "")), self.client.client_id)
        elif kind == "clarify.request":
            return self._question(event, turn)
        elif kind == "clarify.resolved":
            question = self._question_ids.get(str(event.get("requestId")))
            if question is not None:
                source = str(event.get("source", ""))
                question._settle(None, source, "server" if source.startswith("timeout") else "other client")
        elif kind in ("tool_start", "tool_end"):
            self._tool_moved(event)
            if kind == "tool_end" and event.get("toolName") == "clarify" and self._clarify_calls:
                self._learn_answer(self._clarify_calls.pop(0), event)
        return None

    def replayed(self, events: Sequence[Mapping[str, Any]], session_id: str) -> None:
        """Learn the requests of ``events``, read from the server's buffer before the live part of a turn.

        A request that a later event of them settles (``approval.resolved``,
        ``clarify.resolved``, its tool's ``tool_start`` or ``tool_end``) is
        marked settled: :meth:`see` records it when its events come, and
        offers it to nobody. The others are live: :attr:`pending` holds the
        latest at once, before anything is iterated. Raises
        :class:`~ethos_sdk.StreamError` for a malformed request.
        """
        arrived: List[PauseRequest] = []
        open_approvals: dict[str, ApprovalRequest] = {}
        questions: List[Question] = []  # in order: a clarify tool_end ends the oldest
        for event in events:
            kind = event.get("type")
            if kind == "tool.approval_required":
                request = self._known_approval(event, session_id)
                open_approvals[request.approval_id] = request
                arrived.append(request)
            elif kind == "approval.resolved":
                settled = open_approvals.pop(str(event.get("approvalId")), None)
                if settled is not None:
                    settled._settled_elsewhere = True
            elif kind in ("tool_start", "tool_end"):
                for request in [r for r in open_approvals.values() if r.tool_call_id == event.get("toolCallId")]:
                    request._settled_elsewhere = True
                    del open_approvals[request.approval_id]
                if kind == "tool_end" and event.get("toolName") == "clarify" and questions:
                    questions.pop(0).answered = True
            elif kind == "clarify.request":
                question = self._known_question(event, session_id)
                questions.append(question)
                arrived.append(question)
            elif kind == "clarify.resolved":
                for question in questions:
                    if question.request_id == event.get("requestId"):
                        question.answered = True
        for live in arrived:
            if not live.answered and live not in self._requests:
                self._requests.append(live)
                self.current = live

    def _known_approval(self, event: Mapping[str, Any], session_id: str) -> ApprovalRequest:
        """The request of a ``tool.approval_required`` event, checked; the same object for the same id."""
        request = ApprovalRequest(self.client, _checked_approval(event, session_id))
        known = self._approval_ids.get(request.approval_id)
        if known is not None:
            return known
        self._approval_ids[request.approval_id] = request
        request._listeners.append(self.approvals.append)
        return request

    def _known_question(self, event: Mapping[str, Any], session_id: str) -> Question:
        check_turn_event(event, session_id)
        question = Question(self.client, event, session_id)
        known = self._question_ids.get(question.request_id)
        if known is not None:
            return known
        self._question_ids[question.request_id] = question
        self._clarify_calls.append(question.request_id)
        question._listeners.append(self.questions.append)
        return question

    def _first_sight(self, key: str, request: PauseRequest) -> bool:
        """True the first time ``see`` meets the event of ``request`` (not a replay after a reconnect)."""
        if key in self._seen:
            return False
        self._seen.add(key)
        if not request.answered:  # live: pending holds it (a request settled in a replay is not)
            if request not in self._requests:
                self._requests.append(request)
            self.current = request
        return True

    def _approval(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        request = self._known_approval(event, getattr(turn, "session_id", ""))
        if not self._first_sight("approval " + request.approval_id, request) or request.answered:
            return None  # seen before, settled in the replay, or answered (turn.pending.approve() after follow)
        if self.approve_by is not None:
            why = self._offer(request, self.approve_by, "on_approval")
            if why is not None:
                return self._paused(request, turn, why)
        if request.answered or not self.raise_on_pause:
            return None
        return self._paused(request, turn)

    def _question(self, event: Mapping[str, Any], turn: Any) -> Optional[Exception]:
        question = self._known_question(event, getattr(turn, "session_id", ""))
        if not self._first_sight("question " + question.request_id, question) or question.answered:
            return None
        if self.client.auth_mode == "bearer" and (self.answer_by is not None or self.raise_on_pause):
            return self._paused(question, turn)  # it cannot be answered from here: say so now
        if self.answer_by is not None:
            why = self._offer(question, self.answer_by, "on_question")
            if why is not None:
                return self._paused(question, turn, why)
        if question.answered or not self.raise_on_pause:
            return None
        return self._paused(question, turn)

    def _offer(self, request: Any, policy: Callable[[Any], None], name: str) -> Optional[str]:
        """Let the policy answer ``request``; a reason when it could not ask anyone (then nothing was answered).

        The server's "No pending approval" means another client settled the
        request first: it is recorded (when its events come), and the turn
        goes on. Any other exception denies every approval the turn waits on
        (the server would keep the turn parked) and is raised, except that a
        ``StopIteration`` is raised as a ``RuntimeError``: let through, it
        would end the caller's ``for event in turn`` quietly with the turn
        still running.
        """
        from ._prompt import CannotPrompt

        request._by = "policy"
        try:
            policy(request)
        except CannotPrompt as exc:
            return exc.why
        except BaseException as exc:
            if _no_pending(exc):
                log.info(
                    "approval %s of %s was settled elsewhere before the %s policy's answer reached the server",
                    abbreviated(request.approval_id, 80), abbreviated(request.tool_name, 80), name,
                )
                return None
            request._by = "caller"
            self.deny_pending(f"the script's {name} policy failed ({type(exc).__name__})")
            if isinstance(exc, StopIteration):
                raise RuntimeError(
                    f"the {name} policy raised StopIteration; the SDK denied what the turn waited on "
                    "and stops the turn"
                ) from exc
            raise
        finally:
            request._by = "caller"
        return None

    def _tool_moved(self, event: Mapping[str, Any]) -> None:
        """A tool started or ended: an approval of that call still unrecorded was settled (by someone else)."""
        call = event.get("toolCallId")
        for request in self._approval_ids.values():
            if request.decision is None and call and request.tool_call_id == call:
                ran = event.get("type") == "tool_start" or event.get("ok") is True
                request._settled_by("allow" if ran else "deny", "", self.client.client_id)

    def _learn_answer(self, request_id: str, event: Mapping[str, Any]) -> None:
        """Fill in the answer of a question settled elsewhere, from its tool's result."""
        try:
            result = event.get("result")
            told = json.loads(result) if isinstance(result, str) else None
        except ValueError:
            told = None
        told = told if isinstance(told, dict) else {}
        answer = told.get("answer")
        question = self._question_ids.get(request_id)
        if question is not None and not question._recorded:  # no clarify.resolved was read (a replay cut short)
            source = (
                "cancel" if told.get("cancelled") else "timeout-default" if told.get("was_default")
                else "user" if event.get("ok") is True else "timeout-no-default"
            )
            question._settle(None, source, "other client" if source in ("user", "cancel") else "server")
        for index, record in enumerate(self.questions):
            if record.request_id == request_id and record.answer is None and isinstance(answer, str) and answer:
                self.questions[index] = QuestionAnswer(
                    record.request_id, record.question, answer, record.source, record.decided_by
                )

    def _paused(self, request: PauseRequest, turn: Any, why: Optional[str] = None) -> Exception:
        from .errors import ApprovalRequired, QuestionAsked

        session = getattr(turn, "session_id", "") or ""
        where = f"the turn on session {visible(session) or '(new)'}"
        follow = f"client.chat.follow({visible(repr(session))})"
        if why is not None:
            kind = "on_approval" if isinstance(request, ApprovalRequest) else "on_question"
            where = f"{kind}='prompt' asked no one and answered nothing, because {why}. So {where}"
        if isinstance(request, ApprovalRequest):
            instead = (
                "Where no person is at a terminal, pass on_approval='deny' or a function (see the allow-list "
                "of the Human in the loop guide)." if why is not None else
                "Or pass on_approval='approve', 'deny', 'prompt' or a function to chat.ask/chat.stream."
            )
            return ApprovalRequired(
                f"{where} waits for approval to run {request.describe()}. It stays parked on the "
                "server until answered (approvals never time out). Answer it, then finish the turn:\n"
                "    e.request.approve()          # or e.request.deny('why not')\n"
                "    reply = e.turn.result()\n"
                "Without the exception at hand (an uncaught error in a notebook, another process), from anywhere:\n"
                f"    turn = {follow}\n"
                "    turn.pending.approve()       # or turn.pending.deny('why not')\n"
                "    reply = turn.result()\n"
                f"{instead}",
                request=request, turn=turn,
            )
        if self.client.auth_mode == "bearer":
            return QuestionAsked(
                f"{where} waits for an answer to the question {request.describe()}, and this client "
                "cannot give it: the server accepts answers to questions only with the web cookie, "
                "not with an API key. Answer it in the Ethos web UI, or with a cookie client:\n"
                "    EthosClient(base_url, cookie=<web token>).clarify.respond("
                f"{visible(repr(request.request_id))}, 'your answer', 'user')\n"
                "then e.turn.result() finishes the turn. (Unanswered, the server gives up "
                f"at {request.deadline.isoformat() if request.deadline else 'its deadline'}.)",
                request=request, turn=turn,
            )
        return QuestionAsked(
            f"{where} waits for an answer to the question {request.describe()}. Answer it, "
            "then finish the turn:\n"
            "    e.request.answer('your answer')\n"
            "    reply = e.turn.result()\n"
            "Without the exception at hand (an uncaught error in a notebook, another process), from anywhere:\n"
            f"    turn = {follow}\n"
            "    turn.pending.answer('your answer')\n"
            "    reply = turn.result()\n"
            "Or pass on_question='an answer', 'prompt' or a function to chat.ask/chat.stream.",
            request=request, turn=turn,
        )

    def deny_pending(self, reason: str, within: float = 2.0) -> bool:
        """Deny every approval the turn waits on: best effort, within ``within`` s in all, never raises.

        True when at least one pending approval was denied. One whose answer
        is being sent (a prompt, another thread) is left to that answer.
        """
        waiting = [r for r in self._requests if isinstance(r, ApprovalRequest) and not r.answered]
        ends = time.monotonic() + within
        denied = False
        for request in waiting:
            left = ends - time.monotonic()
            try:
                if left < 0.05:
                    raise TimeoutError(f"no time left of the {within:g} s given to deny")
                quick = self.client.with_options(timeout=left, max_retries=0, deadline=left)
                request._answer("deny", None, reason, by="sdk", client=quick)
            except ConfigurationError:
                continue  # answered meanwhile, or an answer is on its way: not ours to send
            except Exception as exc:  # noqa: BLE001 - best effort: the caller is already leaving the turn
                if _no_pending(exc):
                    continue  # settled elsewhere after all
                log.warning(
                    "could not deny the pending approval %s of %s (%s): %s; it stays parked on the server",
                    abbreviated(request.approval_id, 80), abbreviated(request.tool_name, 80),
                    type(exc).__name__, abbreviated(str(exc), 300),
                )
                continue
            log.info(
                "denied the pending approval %s of %s: %s",
                abbreviated(request.approval_id, 80), abbreviated(request.tool_name, 80), visible(reason),
            )
            denied = True
        return denied

    def waiting_on(self, request: Optional[PauseRequest], denied: bool = False) -> str:
        """A clause for a timeout message: what the turn was waiting for (``denied``: the SDK denied it)."""
        if isinstance(request, ApprovalRequest):
            fate = (
                "; the SDK denied it so the turn does not stay parked on the server"
                if denied else "; it is still pending on the server: deny it (client.tools.deny) or the turn stays parked"
            )
            return (
                f" while waiting for approval to run {request.describe()} "
                f"(approval id {visible(request.approval_id)}){fate}"
            )
        if isinstance(request, Question):
            return (
                f" while waiting for an answer to the question {request.describe()} "
                f"(request id {visible(request.request_id)}; it stays open on the server until its deadline "
                "unless answered, and client.chat.abort cancels it)"
            )
        return ""


def _bad_request(event: Mapping[str, Any], field: str, value: Any, want: str) -> StreamError:
    # The value is shortened: it is shown to say what was wrong, and nobody consents to it.
    return StreamError(
        f"the server sent a {visible(event.get('type'))} event whose {field} is {abbreviated(repr(value), 120)}, "
        f"not {want}; the SDK answers no such request (it would not know what it consents to) and stops "
        "following the turn"
    )


def _checked_approval(event: Mapping[str, Any], session_id: str) -> Mapping[str, Any]:
    """``event`` when its request can be answered safely; :class:`~ethos_sdk.StreamError` naming the field if not.

    Its fields are checked as every event the turn reads is
    (:func:`~ethos_sdk._wire_checks.check_turn_event`: ids non-empty strings,
    the arguments a JSON object, the reason a string or absent); the request
    must also be of the turn's own session.
    """
    check_turn_event(event, session_id)
    request = event["request"]
    if session_id and request["sessionId"] != session_id:
        raise _bad_request(event, "request.sessionId", request["sessionId"], f"this turn's session {visible(repr(session_id))}")
    return event
