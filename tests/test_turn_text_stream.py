"""``turn.text_stream``, ``turn.thinking_stream`` and ``turn.final`` (issue 19 item 3, issue 22 item 6).

The user's side::

    with client.chat.stream("Write a haiku") as turn:
        for text in turn.text_stream:
            print(text, end="", flush=True)
    print(turn.final.usage)
"""

from __future__ import annotations

import json
from typing import List

from ethos_sdk import EthosClient

from .sse_server import HOLD, Script, SSEServer, delta, frame, meta
from .test_integration import client, server  # noqa: F401  (a LocalEthosServer per module, a client per test)
from .test_stream_turn import Chat, client_for, done, run_start


def test_text_stream_joins_to_the_result_text(client: EthosClient) -> None:
    seen: List[str] = []
    with client.chat.stream("please USE_TOOL:memory_read now", on_event=lambda e: seen.append(e["type"])) as turn:
        assert turn.final is None  # nothing ended yet, and looking never waits
        pieces = list(turn.text_stream)
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == turn.result().text == turn.text
    assert "tool_end" in seen and seen[-1] == "done"  # the other events were read, not lost
    assert turn.final == turn.result()


def test_failed_turn_has_no_final(client: EthosClient) -> None:
    turn = client.chat.stream("FAIL on purpose")
    assert list(turn.text_stream) == []
    assert turn.state == "failed" and turn.final is None


def test_thinking_stream_gives_only_the_reasoning() -> None:
    chat = Chat()
    script = Script([
        meta(), run_start(1),
        frame(2, json.dumps({"type": "thinking_delta", "thinking": "Let me "})),
        frame(3, json.dumps({"type": "thinking_delta", "thinking": "think."})),
        delta(4, "Four"), done(5, "Four"), HOLD,
    ])
    with SSEServer([script], on_post=chat) as sse:
        with client_for(sse).chat.stream("x") as turn:
            assert "".join(turn.thinking_stream) == "Let me think."
        assert turn.text == "Four" and turn.state == "done"
