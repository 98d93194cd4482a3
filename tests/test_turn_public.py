"""TurnStream's public surface: repr, ``text``, ``result()``, Markdown in Jupyter (issue 14).

Against ``LocalEthosServer``, whose fake model answers every message, calls a
tool on ``USE_TOOL:<name>`` and fails a turn whose text contains ``FAIL``.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from ethos_sdk import APITimeoutError, EthosClient, StreamError, TurnError, TurnResult, TurnStream
from ethos_sdk.types.events import StreamEvent

from .sse_server import HOLD, Script, SSEServer, delta, frame, meta
from .test_integration import client, server  # noqa: F401  (a LocalEthosServer per module, a client per test)
from .test_stream_turn import Chat, client_for, done, run_start


def _comparable(result: TurnResult) -> Dict[str, Any]:
    """A result without what differs between two runs of the same turn (ids, trace id)."""
    done = dict(result.done or {})
    done.pop("traceId", None)
    return {"text": result.text, "usage": result.usage, "tool_calls": result.tool_calls, "done": done}


def test_repr_names_session_turn_and_state(client: EthosClient) -> None:
    turn = client.chat.stream("Hello repr")
    assert repr(turn) == f"<TurnStream session={turn.session_id!r} turn={turn.turn_id!r} running>"
    assert turn.session_id and turn.turn_id
    for _ in turn:
        pass
    assert repr(turn).endswith(" done>") and turn.state == "done"


def test_text_grows_while_iterating_then_is_the_final_answer(client: EthosClient) -> None:
    turn = client.chat.stream("please USE_TOOL:memory_read now")
    assert turn.text == ""
    deltas: List[str] = []
    seen: List[str] = []
    for event in turn:
        if event["type"] == "text_delta":
            deltas.append(event["text"])
        if event["type"] != "done":
            seen.append(turn.text)
            assert turn.text == "".join(deltas)
        else:
            assert turn.text == event["text"]
    assert len(set(seen)) > 1  # it changed as the deltas came in
    assert turn.text and turn.text == turn.result().text


def test_result_after_iteration_equals_what_ask_returns(client: EthosClient) -> None:
    prompt = "please USE_TOOL:memory_read now"
    turn = client.chat.stream(prompt)
    with turn:
        kinds = [event["type"] for event in turn]
    result = turn.result()
    asked = client.chat.ask(prompt)
    assert kinds[-1] == "done" and "tool_end" in kinds
    assert isinstance(result, TurnResult)
    assert (result.session_id, result.turn_id) == (turn.session_id, turn.turn_id)
    assert result.tool_calls and result.usage is not None and result.usage.model_calls == kinds.count("usage")
    assert _comparable(result) == _comparable(asked)
    assert turn.result() == result  # asking again reads nothing and gives the same


def test_result_before_the_end_reads_the_rest_of_the_turn(client: EthosClient) -> None:
    delivered: List[str] = []
    turn = client.chat.stream("Hello early result", on_event=lambda e: delivered.append(e["type"]))
    first = next(turn)
    result = turn.result()
    assert first["type"] == "run_start"
    assert delivered[0] == "run_start" and delivered[-1] == "done"  # on_event saw every event
    assert "Hello early result" in result.text
    assert turn.state == "done" and list(turn) == []  # nothing is left to read


def test_failed_turn_result_raises_turn_error(client: EthosClient) -> None:
    turn = client.chat.stream("FAIL on purpose")
    kinds = [event["type"] for event in turn]
    assert kinds[-1] == "error" and turn.state == "failed" and repr(turn).endswith(" failed>")
    with pytest.raises(TurnError) as info:
        turn.result()
    assert info.value.code == "LLM_ERROR"
    assert turn._repr_markdown_() is None  # no answer to render: Jupyter shows the repr


def test_closed_early_has_no_result(client: EthosClient) -> None:
    turn = client.chat.stream("Hello closed")
    next(turn)
    turn.close()
    assert turn.state == "closed" and repr(turn).endswith(" closed>")
    with pytest.raises(StreamError, match="closed before the turn ended"):
        turn.result()


def test_jupyter_renders_the_reply_as_markdown(client: EthosClient) -> None:
    turn = client.chat.stream("Hello **markdown**")
    assert turn._repr_markdown_() is None  # still running: the repr is shown
    result = turn.result()
    assert turn._repr_markdown_() == result.text == turn.text
    assert result._repr_markdown_() == result.text and "**markdown**" in result.text


def test_timed_out_state() -> None:
    chat = Chat()
    with SSEServer(on_post=chat) as server:
        server.add(Script([meta(), run_start(1), delta(2, "slow"), HOLD]))
        turn = client_for(server).chat.stream("x", timeout=0.5)
        events: List[StreamEvent] = []
        with pytest.raises(APITimeoutError):
            for event in turn:
                events.append(event)
        assert turn.state == "timed out" and turn.text == "slow"
        assert repr(turn).endswith(" timed out>")
        with pytest.raises(APITimeoutError):
            turn.result()


def test_turn_stream_is_documented_under_its_public_name() -> None:
    import ethos_sdk

    assert ethos_sdk.TurnStream is TurnStream
    assert "result" in TurnStream.__dict__ and TurnStream.result.__doc__
    assert TurnStream.text.__doc__ and TurnStream.state.__doc__


def test_a_turn_lost_to_a_server_restart_is_lost_not_closed() -> None:
    """The server's numbering started again mid-turn: the turn will never finish, and says so."""
    chat = Chat()
    with SSEServer(on_post=chat) as server:
        # A new session: chat.send first, then the stream from the start of the buffer.
        # Id 1 after id 2 on the same connection is a new numbering: the server restarted.
        server.add(Script([meta(), run_start(1), delta(2, "half a rep"), delta(1, "after the restart"), HOLD]))
        turn = client_for(server).chat.stream("x", timeout=10)
        seen: List[str] = []
        with pytest.raises(StreamError) as caught:
            for event in turn:
                seen.append(event["type"])
        assert seen == ["run_start", "text_delta"]
        assert turn.state == "lost" and repr(turn).endswith(" lost>")
        assert "restarted" in str(caught.value) and "lost" in str(caught.value)
        assert turn.text == "half a rep" and not turn.finished
        with pytest.raises(StreamError) as again:
            turn.result()  # the same reason, not "closed before the turn ended"
        assert str(again.value) == str(caught.value)
        assert turn._repr_markdown_() is None
        turn.close()
        assert turn.state == "lost"  # closing it afterwards does not hide why it ended


def test_ask_is_result_of_the_same_turn_with_the_same_errors() -> None:
    """ask() returns what TurnStream.result() returns, and raises what it raises, for each ending."""
    turn_events = [meta(), run_start(1), delta(2, "Fo"), delta(3, "ur."), done(4, "Four.")]
    failing = [meta(), run_start(1), frame(2, '{"type":"error","error":"model down","code":"PROVIDER_DOWN"}')]
    restarted = [meta(), run_start(1), delta(2, "x"), delta(1, "y")]
    outcomes: Dict[str, List[Any]] = {"result": [], "ask": []}
    for how in ("result", "ask"):
        chat = Chat()
        with SSEServer(on_post=chat) as server:
            server.add(Script([*turn_events, HOLD]), Script([*failing, HOLD]), Script([*restarted, HOLD]))
            client = client_for(server)
            for _ in range(3):
                try:
                    if how == "ask":
                        outcomes[how].append(_comparable(client.chat.ask("x", timeout=10)))
                    else:
                        with client.chat.stream("x", timeout=10) as turn:
                            outcomes[how].append(_comparable(turn.result()))
                except (TurnError, StreamError) as exc:
                    outcomes[how].append((type(exc), str(exc)))
    assert outcomes["ask"] == outcomes["result"]
    assert outcomes["ask"][0]["text"] == "Four."
    assert outcomes["ask"][1][0] is TurnError and "model down" in outcomes["ask"][1][1]
    assert outcomes["ask"][2][0] is StreamError and "restarted" in outcomes["ask"][2][1]


def test_a_stream_that_stops_by_itself_is_told_from_one_closed_by_you() -> None:
    chat = Chat()
    with SSEServer(on_post=chat) as server:
        server.add(Script([meta(), run_start(1), delta(2, "a"), HOLD]))
        turn = client_for(server).chat.stream("x", timeout=10)
        assert next(turn)["type"] == "run_start"
        assert turn._stream is not None
        turn._stream.close()  # the event stream stopped, not the turn's iterator
        with pytest.raises(StreamError, match="stopped before the turn ended"):
            turn.result()
        assert turn.state == "closed"
