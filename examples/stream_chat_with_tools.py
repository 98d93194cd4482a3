"""Follow a turn in which the agent calls a tool: print each call, its result, then the answer.

    python examples/stream_chat_with_tools.py

The local test server's agent runs a tool whenever the prompt contains
``USE_TOOL:<name>``; a real agent decides for itself, and the prompt below
asks for something it needs a tool for.
"""

import json

from ethos_sdk.testing import connect

PROMPT = "Look up today's top news headline on the web and quote it. USE_TOOL:web_search"

with connect() as client:
    with client.chat.stream(PROMPT, timeout=300) as turn:
        print(f"session {turn.session_id}")
        for event in turn:
            if event["type"] == "tool_start":
                print(f"-> tool {event['toolName']} called with {json.dumps(event['args'])}")
            elif event["type"] == "tool_end":
                status = "ok" if event["ok"] else "failed"
                print(f"<- tool {event['toolName']} {status} in {event['durationMs']} ms: {event.get('result')}")
            elif event["type"] == "text_delta":
                print(event["text"], end="", flush=True)
            elif event["type"] == "done":
                print(f"\n[done after {event['turnCount']} model call(s)]")
            elif event["type"] == "error":
                print(f"\n[the turn failed: {event['error']}]")
