"""A turn that waits for a person: approvals and questions, answered from a script (issue 18).

Against ``LocalEthosServer``: ``USE_TOOL:terminal ARGS:{"command": "echo drop table x"}``
matches the server's SQL DROP guard and waits for approval; ``USE_TOOL:clarify
ARGS:{"question": ...}`` asks a question, which only the web cookie may answer.
"""

from __future__ import annotations

import builtins
import json
import threading
import time
from typing import Any, Iterator, List

import pytest

from ethos_sdk import (
    APITimeoutError,
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequired,
    BadRequestError,
    ConfigurationError,
    EthosClient,
    PermissionDeniedError,
    Question,
    QuestionAnswer,
    QuestionAsked,
    TurnError,
    TurnPaused,
)
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.events import StreamEvent

from .conftest import report

DROP = 'USE_TOOL:terminal ARGS:{"command":"echo drop table probe"}'
SAFE = 'USE_TOOL:terminal ARGS:{"command":"echo hello"}'
ASK = 'USE_TOOL:clarify ARGS:{"question":"Which color?","options":["red","blue"]}'
DENIED_SUFFIX = " — destructive SQL DDL (DROP)"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as running:
        yield running


@pytest.fixture
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    """An API-key client (it may approve, but not answer questions)."""
    with server.client(timeout=10) as c:
        yield c


@pytest.fixture
def cookie(server: LocalEthosServer) -> Iterator[EthosClient]:
    """A cookie client: the only kind the server lets answer questions."""
    with server.client("cookie", timeout=10) as c:
        yield c


def drop(name: str) -> str:
    return f'USE_TOOL:terminal ARGS:{{"command":"echo drop table {name}"}}'


def at_a_terminal(monkeypatch: pytest.MonkeyPatch, typed: Any) -> None:
    """Let the prompts believe a person sits at a terminal, typing what ``typed(prompt)`` returns.

    (``tests/test_prompt.py`` runs the prompts on a real pseudo-terminal.)
    """
    monkeypatch.setattr("ethos_sdk._prompt.person_at", lambda: "terminal")
    monkeypatch.setattr(builtins, "input", typed)


# ------------------------------------------------------------ approval policies


def test_approve_policy_runs_the_tool_and_records_the_decision(client: EthosClient) -> None:
    reply = client.chat.ask(DROP, on_approval="approve", timeout=10)
    assert reply.text == "Tool said: drop table probe"
    assert [c.ok for c in reply.tool_calls] == [True]
    (decision,) = reply.approvals
    assert isinstance(decision, ApprovalDecision)
    assert (decision.tool_name, decision.args, decision.decision, decision.scope, decision.decided_by) == (
        "terminal", {"command": "echo drop table probe"}, "allow", "once", "policy",
    )
    assert decision.client_id == client.client_id


def test_deny_policy_tells_the_model_and_the_turn_goes_on(client: EthosClient) -> None:
    reply = client.chat.ask(DROP, on_approval="deny", timeout=10)
    assert reply.text.startswith("Tool said: denied by the script")
    assert reply.text.endswith(DENIED_SUFFIX)
    assert [c.ok for c in reply.tool_calls] == [False]
    assert [(a.decision, a.scope, a.decided_by) for a in reply.approvals] == [("deny", None, "policy")]


def test_a_command_the_guard_does_not_flag_needs_no_approval(client: EthosClient) -> None:
    reply = client.chat.ask(SAFE, timeout=10)
    assert reply.text == "Tool said: hello" and reply.approvals == []


@pytest.mark.parametrize(
    ("answer", "decision", "scope"),
    [(True, "allow", "once"), (False, "deny", None), ("once", "allow", "once")],
)
def test_function_policy_by_return_value(client: EthosClient, answer: Any, decision: str, scope: Any) -> None:
    seen: List[ApprovalRequest] = []

    def policy(request: ApprovalRequest) -> Any:
        seen.append(request)
        return answer

    reply = client.chat.ask(DROP, on_approval=policy, timeout=10)
    (request,) = seen
    assert (request.tool_name, request.args, request.reason) == (
        "terminal", {"command": "echo drop table probe"}, "destructive SQL DDL (DROP)",
    )
    assert request.approval_id and request.session_id == reply.session_id and request.tool_call_id == "call_fake_1"
    assert [(a.decision, a.scope) for a in reply.approvals] == [(decision, scope)]
    assert ("drop table probe" in reply.text) is (decision == "allow")


def test_function_may_deny_itself_with_a_reason(client: EthosClient) -> None:
    reply = client.chat.ask(drop("self"), on_approval=lambda r: r.deny("not on a Friday"), timeout=10)
    assert reply.text == "Tool said: not on a Friday" + DENIED_SUFFIX
    assert [(a.decision, a.reason, a.decided_by) for a in reply.approvals] == [("deny", "not on a Friday", "policy")]


def test_exact_args_scope_is_remembered_by_the_server(client: EthosClient) -> None:
    first = client.chat.ask(drop("exact"), on_approval=lambda r: "exact-args", timeout=10)
    assert [(a.decision, a.scope) for a in first.approvals] == [("allow", "exact-args")]
    again = client.chat.ask(drop("exact"), timeout=10)  # no policy: it would raise if asked
    assert again.approvals == [] and again.text == "Tool said: drop table exact"
    with pytest.raises(ApprovalRequired) as caught:  # other arguments still ask
        client.chat.ask(drop("exact-other"), timeout=10)
    caught.value.request.deny()
    caught.value.turn.result()


def test_a_policy_returning_nonsense_is_a_configuration_error_and_denies(
    client: EthosClient, server: LocalEthosServer
) -> None:
    with pytest.raises(ConfigurationError, match="must return True"):
        client.chat.ask(drop("nonsense"), on_approval=lambda r: "yes please", timeout=10)  # type: ignore[arg-type]
    assert server.wait_idle(5)  # denied, so the turn did not stay parked


def test_a_failing_policy_denies_the_request_before_the_error_propagates(
    client: EthosClient, server: LocalEthosServer
) -> None:
    def policy(request: ApprovalRequest) -> bool:
        raise RuntimeError("policy bug")

    with pytest.raises(RuntimeError, match="policy bug"):
        client.chat.ask(drop("bug"), on_approval=policy, timeout=10)
    assert server.wait_idle(5)


def test_unknown_policy_values_are_refused_before_anything_is_sent(client: EthosClient, server: LocalEthosServer) -> None:
    before = server.request_counts.get("chat.send", 0)
    with pytest.raises(ConfigurationError, match="on_approval must be"):
        client.chat.ask(DROP, on_approval="allow")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="on_question must be"):
        client.chat.stream(DROP, on_question=42)  # type: ignore[arg-type]
    assert server.request_counts.get("chat.send", 0) == before


@pytest.mark.parametrize(
    ("typed", "decision", "scope"),
    [(["y"], "allow", "once"), (["n"], "deny", None), (["maybe", "any"], "allow", "any-args")],
)
def test_prompt_policy_asks_with_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    typed: List[str], decision: str, scope: Any,
) -> None:
    answers = iter(typed)
    prompts: List[str] = []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    at_a_terminal(monkeypatch, fake_input)
    # Its own server: any-args lets every later terminal call through without asking.
    with LocalEthosServer() as own, own.client(timeout=10) as client:
        reply = client.chat.ask(DROP, on_approval="prompt", timeout=10)
        if scope == "any-args":
            assert client.chat.ask(drop("anything else"), timeout=10).approvals == []
    assert [(a.decision, a.scope) for a in reply.approvals] == [(decision, scope)]
    assert len(prompts) == len(typed) and prompts[0].startswith("Allow terminal [")
    shown = capsys.readouterr().out
    assert "terminal" in shown and "drop table" in shown and "permanent" in shown


def test_prompt_policy_denies_when_nobody_can_answer(client: EthosClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_terminal(prompt: str = "") -> str:
        raise EOFError

    at_a_terminal(monkeypatch, no_terminal)
    reply = client.chat.ask(drop("eof"), on_approval="prompt", timeout=10)
    assert [a.decision for a in reply.approvals] == ["deny"]
    assert "no one answered" in reply.text


# ------------------------------------------------------------------ no policy


def arrival_clock(kind: str) -> tuple[List[float], Any]:
    """An on_event callback noting when the first event of ``kind`` arrived."""
    seen: List[float] = []

    def note(event: StreamEvent) -> None:
        if event["type"] == kind and not seen:
            seen.append(time.monotonic())

    return seen, note


def test_ask_without_policy_pauses_at_once_and_hands_the_turn_over(client: EthosClient) -> None:
    arrived, note = arrival_clock("tool.approval_required")
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("paused"), on_event=note)  # no timeout: without the pause this would hang
    after = time.monotonic() - arrived[0]
    report(f"chat.ask without on_approval: ApprovalRequired {after * 1000:.1f} ms after the request arrived")
    assert after < 1.0
    error = caught.value
    assert isinstance(error, TurnPaused) and isinstance(error, TurnError)
    message = str(error)
    assert "terminal" in message and '"echo drop table paused"' in message
    assert "e.request.approve()" in message and "e.turn.result()" in message
    assert error.turn.state == "running" and error.turn.pending is error.request
    error.request.approve()
    reply = error.turn.result()
    assert reply.text == "Tool said: drop table paused"
    assert [(a.decision, a.decided_by) for a in reply.approvals] == [("allow", "caller")]
    assert error.turn.pending is None


def test_question_without_policy_pauses_and_answering_finishes(cookie: EthosClient) -> None:
    arrived, note = arrival_clock("clarify.request")
    with pytest.raises(QuestionAsked) as caught:
        cookie.chat.ask(ASK, on_event=note)
    assert time.monotonic() - arrived[0] < 1.0
    question = caught.value.request
    assert isinstance(question, Question)
    assert (question.question, question.options, question.default) == ("Which color?", ["red", "blue"], None)
    assert question.deadline is not None and question.deadline.tzinfo is not None
    assert "Which color?" in str(caught.value) and "e.request.answer(" in str(caught.value)
    question.answer("blue")
    reply = caught.value.turn.result()
    assert '"answer": "blue"' in reply.text
    assert reply.questions == [QuestionAnswer(question.request_id, "Which color?", "blue", "user", "caller")]


# ------------------------------------------------------------------- questions


def test_question_policies(cookie: EthosClient, monkeypatch: pytest.MonkeyPatch) -> None:
    by_string = cookie.chat.ask(ASK, on_question="red", timeout=10)
    assert [(q.answer, q.decided_by) for q in by_string.questions] == [("red", "policy")]
    assert '"answer": "red"' in by_string.text

    by_function = cookie.chat.ask(ASK, on_question=lambda q: (q.options or ["?"])[-1], timeout=10)
    assert [q.answer for q in by_function.questions] == ["blue"]

    at_a_terminal(monkeypatch, lambda prompt="": "1")  # the first option, by number
    by_prompt = cookie.chat.ask(ASK, on_question="prompt", timeout=10)
    assert [q.answer for q in by_prompt.questions] == ["red"]


def test_an_api_key_client_fails_fast_on_a_question_with_the_cookie_hint(
    client: EthosClient, cookie: EthosClient, server: LocalEthosServer
) -> None:
    for policy in (None, "red"):
        arrived, note = arrival_clock("clarify.request")
        with pytest.raises(QuestionAsked) as caught:
            client.chat.ask(ASK, on_question=policy, on_event=note, timeout=30)
        after = time.monotonic() - arrived[0]
        report(f"API-key client, question, on_question={policy!r}: QuestionAsked {after * 1000:.1f} ms after it arrived")
        assert after < 1.0
        message = str(caught.value)
        assert "cookie" in message and "API key" in message and "clarify.respond" in message
        assert server.api_key not in message
        # Answered with the cookie, the turn handed over by the error finishes.
        cookie.clarify.respond(caught.value.request.request_id, "blue", "user")
        reply = caught.value.turn.result()
        assert [(q.answer, q.decided_by) for q in reply.questions] == [("blue", "other client")]


def test_answering_with_an_api_key_is_refused_by_the_server(client: EthosClient, cookie: EthosClient) -> None:
    turn = client.chat.stream(ASK, timeout=10)
    with turn:
        for event in turn:
            if event["type"] == "clarify.request":
                break
        with pytest.raises(PermissionDeniedError, match="cookie"):
            turn.answer("red")
        question = turn.pending
        assert isinstance(question, Question)
        cookie.clarify.respond(question.request_id, "red", "user")
        assert turn.result().questions[0].answer == "red"


def test_question_defaults_at_its_deadline(cookie: EthosClient) -> None:
    text = 'USE_TOOL:clarify ARGS:{"question":"Size?","options":["S","M"],"default":"M","timeout_s":1}'
    turn = cookie.chat.stream(text, timeout=10)
    for _ in turn:
        pass  # nobody answers: the server takes the default after 1 s
    reply = turn.result()
    assert [(q.answer, q.source, q.decided_by) for q in reply.questions] == [("M", "timeout-default", "server")]


# ------------------------------------------------------------------ streaming


def test_stream_without_policy_yields_the_request_and_offers_approve(client: EthosClient) -> None:
    kinds: List[str] = []
    with client.chat.stream(drop("streamed"), timeout=10) as turn:
        assert turn.pending is None
        for event in turn:
            kinds.append(event["type"])
            if event["type"] == "tool.approval_required":
                pending = turn.pending
                assert isinstance(pending, ApprovalRequest) and pending.tool_name == "terminal"
                with pytest.raises(ConfigurationError, match="no Question"):
                    turn.answer("x")
                turn.approve()
                assert turn.pending is None
    assert kinds.index("tool.approval_required") < kinds.index("approval.resolved") < kinds.index("tool_start")
    assert turn.result().text == "Tool said: drop table streamed"


def test_stream_deny_with_reason(client: EthosClient) -> None:
    turn = client.chat.stream(drop("streamed-deny"), timeout=10)
    for event in turn:
        if event["type"] == "tool.approval_required":
            turn.deny("too risky")
    assert turn.result().text == "Tool said: too risky" + DENIED_SUFFIX


def test_approve_with_nothing_pending_is_a_clear_error(client: EthosClient) -> None:
    turn = client.chat.stream("Hello", timeout=10)
    with pytest.raises(ConfigurationError, match="waits on no ApprovalRequest"):
        turn.approve()
    turn.result()


def test_a_stream_left_waiting_names_the_wait_and_denies_it(client: EthosClient, server: LocalEthosServer) -> None:
    turn = client.chat.stream(drop("left"), timeout=1.0)
    with pytest.raises(APITimeoutError) as caught:
        for _ in turn:
            pass
    message = str(caught.value)
    assert "waiting for approval to run terminal" in message and "echo drop table left" in message
    assert "denied it" in message
    assert server.wait_idle(5)  # the denial let the turn finish on the server
    messages = client.sessions.get(turn.session_id)["messages"]
    assert any("destructive SQL DDL" in str(m.get("content")) for m in messages)


def test_a_stream_left_waiting_for_an_answer_names_the_question(cookie: EthosClient) -> None:
    turn = cookie.chat.stream(ASK, timeout=1.0)
    with pytest.raises(APITimeoutError, match="waiting for an answer to the question 'Which color\\?'"):
        for _ in turn:
            pass
    cookie.chat.abort(turn.session_id)  # cancels the question on the server


def test_approval_settled_by_another_client_is_recorded(client: EthosClient, server: LocalEthosServer) -> None:
    with server.client(timeout=10, client_id="browser-tab") as other:
        turn = client.chat.stream(drop("tab"), timeout=10)
        for event in turn:
            if event["type"] == "tool.approval_required":
                other.tools.approve(event["request"]["approvalId"], other.client_id, "once")
        (decision,) = turn.result().approvals
    assert (decision.decision, decision.decided_by, decision.client_id, decision.scope) == (
        "allow", "other client", "browser-tab", None,
    )


def test_ask_goes_on_when_another_client_settles_the_pause(client: EthosClient, server: LocalEthosServer) -> None:
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("tab-ask"), timeout=10)
    with server.client(timeout=10, client_id="browser-tab") as other:
        other.tools.deny(caught.value.request.approval_id, other.client_id)
    reply = caught.value.turn.result()  # waits for the settlement it will read on the stream
    assert reply.text == "Tool said: denied by user" + DENIED_SUFFIX
    assert [(a.decision, a.decided_by) for a in reply.approvals] == [("deny", "other client")]


def test_deny_pending_is_best_effort_and_quiet(client: EthosClient, server: LocalEthosServer) -> None:
    turn = client.chat.stream(drop("deny-pending"), timeout=10)
    turn._deny_pending("nothing pending yet")  # before the request: does nothing
    for event in turn:
        if event["type"] == "tool.approval_required":
            turn._deny_pending("the script left")
            assert turn.pending is None
    reply = turn.result()
    assert reply.text == "Tool said: the script left" + DENIED_SUFFIX
    assert [(a.decision, a.decided_by) for a in reply.approvals] == [("deny", "sdk")]


def test_deny_pending_never_raises(server: LocalEthosServer) -> None:
    with server.client(timeout=10) as c:
        # Detached: closing the client would otherwise stop the turn, and deny its request on the way.
        turn = c.chat.stream(drop("closed"), timeout=10, detach=True)
        for event in turn:
            if event["type"] == "tool.approval_required":
                break
    # The client is closed: the denial cannot be sent, and says so in the log only.
    turn._deny_pending("gone")
    request = turn.pending
    assert isinstance(request, ApprovalRequest)
    with server.client(timeout=10) as c:
        c.tools.deny(request.approval_id, c.client_id)


# -------------------------------------------------------------- display


def test_request_and_question_show_well(client: EthosClient, cookie: EthosClient) -> None:
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("<b>repr</b>"), timeout=10)
    request = caught.value.request
    assert repr(request).startswith("<ApprovalRequest terminal args=") and "pending" in repr(request)
    assert "`terminal`" in request._repr_markdown_() and "destructive SQL DDL (DROP)" in request._repr_markdown_()
    assert "&lt;b&gt;repr&lt;/b&gt;" in request._repr_html_() and "<b>repr</b>" not in request._repr_html_()
    request.approve()
    assert "allow" in repr(request)
    caught.value.turn.result()

    with pytest.raises(QuestionAsked) as asked:
        cookie.chat.ask(ASK, timeout=10)
    question = asked.value.request
    assert repr(question) == f"<Question 'Which color?' options=['red', 'blue'] pending id={question.request_id}>"
    assert "- `red`" in question._repr_markdown_() and "<li>blue</li>" in question._repr_html_()
    question.cancel()
    reply = asked.value.turn.result()
    assert [(q.answer, q.source) for q in reply.questions] == [(None, "cancel")]


# -------------------------------------------------------- the local server's rules


def test_second_answer_to_an_approval_is_invalid_input(client: EthosClient) -> None:
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("twice"), timeout=10)
    caught.value.request.approve()
    with pytest.raises(BadRequestError, match="No pending approval for id"):
        client.tools.deny(caught.value.request.approval_id, client.client_id)
    caught.value.turn.result()


def test_clarify_rules(client: EthosClient, cookie: EthosClient) -> None:
    assert cookie.clarify.respond("no-such-question", "x", "user") == {"ok": True}
    assert cookie.clarify.list_pending("web:anything") == []
    with pytest.raises(PermissionDeniedError, match='Namespace "clarify" is experimental'):
        client.clarify.list_pending("web:anything")


def test_read_only_key_cannot_approve(server: LocalEthosServer, client: EthosClient) -> None:
    key = server.create_key(["sessions:read"], [server.origin], name="read-only")
    with EthosClient(server.base_url, api_key=key, origin=server.origin) as readonly:
        with pytest.raises(ApprovalRequired) as caught:
            client.chat.ask(drop("readonly"), timeout=10)
        with pytest.raises(PermissionDeniedError, match="tools:approve"):
            readonly.tools.approve(caught.value.request.approval_id, readonly.client_id, "once")
    caught.value.request.deny()
    caught.value.turn.result()


def test_abort_leaves_an_approval_pending_and_approving_later_still_runs_the_tool(client: EthosClient) -> None:
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("aborted"), timeout=10)
    client.chat.abort(caught.value.turn.session_id)
    caught.value.request.approve()  # still pending: accepted
    with pytest.raises(TurnError) as ended:
        caught.value.turn.result()
    assert ended.value.code == "aborted"
    assert [c.ok for c in caught.value.turn._record.tools.values()] == [True]  # the tool ran


def test_abort_cancels_a_pending_question(cookie: EthosClient) -> None:
    with pytest.raises(QuestionAsked) as caught:
        cookie.chat.ask(ASK, timeout=10)
    cookie.chat.abort(caught.value.turn.session_id)
    with pytest.raises(TurnError) as ended:
        caught.value.turn.result()
    assert ended.value.code == "aborted"
    assert [(q.source, q.decided_by) for q in caught.value.turn._waits.questions] == [("cancel", "other client")]


def test_a_pending_request_is_replayed_on_reconnect(client: EthosClient) -> None:
    turn = client.chat.stream(drop("replay"), timeout=10)
    ids: List[str] = []
    for event in turn:
        if event["type"] == "tool.approval_required":
            ids.append(event["request"]["approvalId"])
            break
    with client.events(turn.session_id, since=0) as replay:
        replayed = [e for e in replay_until(replay, "tool.approval_required")]
    assert replayed[-1]["request"]["approvalId"] == ids[0]
    turn.approve()
    assert turn.result().text == "Tool said: drop table replay"


def replay_until(stream: Any, kind: str) -> Iterator[Any]:
    for event in stream:
        yield event
        if event.get("type") == kind:
            return


def test_the_guard_flags_what_the_real_server_flags() -> None:
    from ethos_sdk.testing._hitl import guard_reason

    flagged = {
        "rm -rf /": "recursive force-delete of root or home directory",
        "psql -c 'DROP TABLE users'": "destructive SQL DDL (DROP)",
        "mysql -e 'truncate table t'": "destructive SQL DDL (TRUNCATE)",
        "mkfs.ext4 /dev/sdb1": "filesystem format operation",
        "dd if=/dev/zero of=/dev/sda": "direct write to a block device",
        "chmod u+s /bin/x": "setuid/setgid permission grant",
        ":(){ :|:& };:": "fork bomb",
    }
    for command, reason in flagged.items():
        assert guard_reason("terminal", {"command": command}) == reason, command
    for command in ("rm -rf build", "echo hello", "ls /", "drop tables later"):
        assert guard_reason("terminal", {"command": command}) is None, command
    assert guard_reason("web_search", {"command": "rm -rf /"}) is None
    assert guard_reason("skills_pending_reject", {"id": "x"}) == "skills_pending_reject requires explicit approval"


def test_events_of_a_denied_call_are_as_recorded(client: EthosClient) -> None:
    events: List[Any] = []
    client.chat.ask(drop("order"), on_approval="deny", on_event=events.append, timeout=10)
    kinds = [e["type"] for e in events if e["type"] != "text_delta"]
    assert kinds == ["run_start", "usage", "tool.approval_required", "approval.resolved", "tool_end", "usage", "done"]
    end = next(e for e in events if e["type"] == "tool_end")
    assert (end["ok"], end["durationMs"]) == (False, 0)


def test_a_threaded_answer_unblocks_a_waiting_result(cookie: EthosClient) -> None:
    """``result()`` on a reported question waits for an answer from elsewhere (no re-raise, no busy loop)."""
    turn = cookie.chat.stream(ASK, timeout=10)
    for event in turn:
        if event["type"] == "clarify.request":
            break
    timer = threading.Timer(0.1, lambda: turn.answer("red"))
    timer.start()
    reply = turn.result()
    timer.join()
    assert json.loads(reply.tool_calls[0].result or "{}")["answer"] == "red"


def test_the_turn_stays_subscribed_through_a_long_wait(client: EthosClient) -> None:
    """Silence while waiting makes the stream reconnect, not drop out; the request is not seen twice."""
    from ethos_sdk._turn import TurnOptions, stream_turn

    turn = stream_turn(client, drop("long wait"), TurnOptions(timeout=10, idle_timeout=0.2))
    reconnected = threading.Event()

    def approve_after_reconnects() -> None:
        stream = turn._stream
        assert stream is not None
        deadline = time.monotonic() + 5
        while stream.reconnects < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # each reconnect follows 0.2 s of silence
        if stream.reconnects >= 2:
            reconnected.set()
        turn.approve()

    kinds: List[str] = []
    helper = threading.Thread(target=approve_after_reconnects)
    for event in turn:
        kinds.append(event["type"])
        if event["type"] == "tool.approval_required":
            helper.start()  # the iterator goes on waiting (and reading) meanwhile
    helper.join()
    assert reconnected.is_set()
    assert kinds.count("tool.approval_required") == 1
    reply = turn.result()
    assert reply.text == "Tool said: drop table long wait"
    # Answered from another thread: recorded with its scope, whichever of the answer and its event came first.
    assert [(a.decision, a.scope, a.decided_by) for a in reply.approvals] == [("allow", "once", "caller")]


def test_a_function_returning_none_without_answering_leaves_it_to_the_caller(
    client: EthosClient, cookie: EthosClient
) -> None:
    looked: List[str] = []
    with pytest.raises(ApprovalRequired) as caught:
        client.chat.ask(drop("undecided"), on_approval=lambda r: looked.append(r.tool_name), timeout=10)
    assert looked == ["terminal"] and caught.value.turn.pending is caught.value.request
    caught.value.request.approve()
    assert caught.value.turn.result().approvals[0].decided_by == "caller"

    with pytest.raises(QuestionAsked) as asked:
        cookie.chat.ask(ASK, on_question=lambda q: None, timeout=10)
    asked.value.request.answer("red")
    assert [q.answer for q in asked.value.turn.result().questions] == ["red"]


def test_ctrl_c_at_the_prompt_denies_the_request(client: EthosClient, server: LocalEthosServer,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    at_a_terminal(monkeypatch, interrupted)
    caplog.set_level("INFO", logger="ethos_sdk")
    denials_before = server.request_counts.get("tools.deny", 0)
    with pytest.raises(KeyboardInterrupt):
        client.chat.ask(drop("ctrl-c"), on_approval="prompt", timeout=10)
    assert server.wait_idle(5)  # denied (and aborted) on the way out: the turn did not stay parked
    assert server.request_counts.get("tools.deny", 0) - denials_before == 1
    # The model is told why: the denial names the failed policy. (The session's saved messages
    # cannot show it reliably: the abort that follows may end the turn before it writes them.)
    denials = [r.getMessage() for r in caplog.records if r.getMessage().startswith("denied the pending approval")]
    assert len(denials) == 1 and "the script's on_approval policy failed (KeyboardInterrupt)" in denials[0]


def test_a_timeout_whose_denial_fails_says_the_approval_is_still_pending(
    client: EthosClient, server: LocalEthosServer
) -> None:
    turn = client.chat.stream(drop("deny-fails"), timeout=1.0)
    with pytest.raises(APITimeoutError, match="still pending on the server") as caught:
        for event in turn:
            if event["type"] == "tool.approval_required":
                server.faults.fail_next(1, status=500)  # the SDK's denial, sent once, without retries
    assert "echo drop table deny-fails" in str(caught.value)
    request = turn._waits.current
    assert isinstance(request, ApprovalRequest) and not request.answered
    request.deny()  # the turn was left parked: end it
    assert server.wait_idle(5)
