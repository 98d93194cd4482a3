"""What ``chat.ask`` / ``chat.stream`` / ``chat.follow`` take besides the message (issue 22, item 3).

``timeout`` is checked before anything is sent; a ``(connect, read)`` pair
bounds each step instead of the whole turn; ``extra_headers`` go out with
every request of the turn, the abort on leaving included; ``detach=True`` on
``ask`` leaves the turn running when the call is interrupted.
"""

from __future__ import annotations

import json
from typing import Any, Callable, List, Tuple

import pytest

from ethos_sdk import APITimeoutError, ConfigurationError, EthosClient

from .conftest import FAKE_KEY
from .sse_server import HOLD, Received, Script, SSEServer, delta, frame, meta
from .test_stream_turn import done, run_start
from .test_turn_lifetime import APPROVAL

class Posts:
    """The RPC calls a loopback server receives: chat.send answers a new turn, the rest ok."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Received]] = []

    def __call__(self, request: Received, body: bytes) -> Tuple[str, bytes]:
        self.calls.append((request.path, request))
        if request.path == "/rpc/chat/send":
            return "200 OK", json.dumps({"json": {"sessionId": "sess-1", "turnId": "turn-1"}}).encode()
        if request.path == "/rpc/sessions/get":
            return "200 OK", json.dumps({"json": {"session": {"id": "sess-1"}, "messages": []}}).encode()
        return "200 OK", b'{"json":{"ok":true}}'

    def paths(self) -> List[str]:
        return [path for path, _ in self.calls]


BAD_TIMEOUTS: List[Any] = ["30", -1, 0, float("inf"), float("nan"), [5, 10], (5,), (1, 2, 3), (0, 5), True]


@pytest.mark.parametrize("bad", BAD_TIMEOUTS, ids=repr)
@pytest.mark.parametrize("helper", ["ask", "stream", "follow"])
def test_a_bad_timeout_is_refused_before_anything_is_sent(helper: str, bad: Any) -> None:
    posts = Posts()
    with SSEServer([], on_post=posts) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        call: Callable[[], object] = {
            "ask": lambda: client.chat.ask("hi", timeout=bad),
            "stream": lambda: client.chat.stream("hi", timeout=bad),
            "follow": lambda: client.chat.follow("sess-1", timeout=bad),
        }[helper]
        with pytest.raises(ConfigurationError, match=r"timeout must be|timeout\[|as a tuple must be"):
            call()
        assert sse.requests == []


def test_a_timeout_given_in_milliseconds_by_mistake_warns() -> None:
    script = Script([meta(), run_start(1), delta(2, "hi"), done(3, "hi"), HOLD])
    with SSEServer([script], on_post=Posts()) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with pytest.warns(UserWarning, match="more than a day"):
            assert client.chat.ask("hi", timeout=300_000).text == "hi"


def test_a_connect_read_pair_bounds_the_silence_between_events_not_the_whole_turn() -> None:
    # Events every 0.2 s for 1 s in all: longer than read=0.5, yet never silent that long.
    steps: List[Any] = [meta(), run_start(1)]
    for seq in range(2, 7):
        steps += [0.2, delta(seq, f"w{seq} ")]
    steps += [done(7, "the whole reply"), HOLD]
    posts = Posts()
    with SSEServer([Script(steps)], on_post=posts) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        assert client.chat.ask("hi", timeout=(2, 0.5)).text == "the whole reply"
    assert posts.paths() == ["/rpc/chat/send"]  # nothing stopped


def test_a_turn_silent_for_longer_than_the_read_timeout_is_stopped_and_named() -> None:
    posts = Posts()
    parked = Script([meta(), run_start(1), frame(2, json.dumps(APPROVAL)), HOLD])
    with SSEServer([parked], on_post=posts) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY, client_id="me")
        with pytest.raises(APITimeoutError) as caught:
            with client.chat.stream("hi", timeout=(2, 0.4)) as turn:
                for _ in turn:
                    pass
    message = str(caught.value)
    assert "went 0.4 s without an event (the read part of timeout=(2.0, 0.4))" in message
    assert "waiting for approval to run terminal" in message and "the SDK denied it" in message
    assert posts.paths() == ["/rpc/chat/send", "/rpc/tools/deny", "/rpc/chat/abort"]
    assert turn.state == "timed out"


@pytest.mark.parametrize("helper", ["stream", "follow"])
def test_extra_headers_go_with_every_request_of_the_turn(helper: str) -> None:
    posts = Posts()
    if helper == "stream":
        scripts = [Script([meta(), run_start(1), frame(2, json.dumps(APPROVAL)), HOLD])]
    else:  # the live subscription, the buffer read, then the stream that goes on from it
        scripts = [Script([meta("live"), HOLD]),
                   Script([meta(), run_start(1), frame(2, json.dumps(APPROVAL)), HOLD]),
                   Script([meta("req-2"), HOLD])]
    with SSEServer(scripts, on_post=posts) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY, client_id="me")
        with pytest.raises(KeyboardInterrupt):
            turn = (client.chat.stream("hi", extra_headers={"X-Trace": "t-42"}) if helper == "stream"
                    else client.chat.follow("sess-1", extra_headers={"X-Trace": "t-42"}))
            with turn:
                for event in turn:
                    if event["type"] == "tool.approval_required":
                        raise KeyboardInterrupt
        streams = [r for r in sse.requests if r.method == "GET"]
    assert posts.paths()[-2:] == ["/rpc/tools/deny", "/rpc/chat/abort"]
    assert [r.header("X-Trace") for _, r in posts.calls] == ["t-42"] * len(posts.calls)
    assert streams and [r.header("X-Trace") for r in streams] == ["t-42"] * len(streams)


def test_extra_headers_that_cannot_be_sent_are_refused_before_sending() -> None:
    with SSEServer([], on_post=Posts()) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)
        with pytest.raises(ConfigurationError, match="line feed"):
            client.chat.ask("hi", extra_headers={"X-Trace": "a\nb"})
        assert sse.requests == []


def test_ask_with_detach_leaves_the_turn_running_when_interrupted() -> None:
    posts = Posts()
    script = Script([meta(), run_start(1), delta(2, "one"), HOLD])
    with SSEServer([script], on_post=posts) as sse:
        client = EthosClient(sse.url, api_key=FAKE_KEY)

        def interrupt(event: Any) -> None:
            if event["type"] == "text_delta":
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            client.chat.ask("hi", on_event=interrupt, detach=True)
        with pytest.raises(KeyboardInterrupt):  # and without detach, the same interrupt stops it
            sse.add(Script([meta(), run_start(1), delta(2, "one"), HOLD]))
            client.chat.ask("hi", on_event=interrupt)
    assert posts.paths() == ["/rpc/chat/send", "/rpc/chat/send", "/rpc/chat/abort"]


def test_the_turn_options_object_names_exactly_what_chat_ask_and_stream_take() -> None:
    """chat.ask and chat.stream list their options for the reader; TurnOptions carries them down: the two agree."""
    import inspect

    from ethos_sdk._turn_options import TurnOptions
    from ethos_sdk.namespaces.chat import Chat

    for method in (Chat.ask, Chat.stream):
        keyword_only = {
            name for name, parameter in inspect.signature(method).parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        }
        assert keyword_only == TurnOptions.names(), method.__name__
    follow = set(inspect.signature(Chat.follow).parameters) - {"self", "session_id"}
    assert follow < TurnOptions.names()


def test_options_given_by_name_refuse_a_misspelt_one_with_the_list_of_names() -> None:
    from ethos_sdk._turn_options import TurnOptions

    assert TurnOptions.from_keywords("ask_many", {"timeout": 5}).timeout == 5
    with pytest.raises(ConfigurationError, match=r"ask_many got unknown option 'on_aproval'; it takes .*on_approval"):
        TurnOptions.from_keywords("ask_many", {"on_aproval": "deny"})
