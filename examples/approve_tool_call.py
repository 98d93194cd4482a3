"""Approve (or deny) the agent's tool calls as they are requested during a turn.

    python examples/approve_tool_call.py

When a tool needs a person's consent, the server pauses the turn and pushes a
``tool.approval_required`` event on the session's stream; ``tools.approve``
(or ``tools.deny``) lets the turn go on. Against a real server, use an API
key with the scope ``tools:approve`` (as well as ``sessions:read`` and
``chat:send`` for the turn itself), or the web cookie. The tools procedures are
in the contract's experimental tier (they may change in a later server
version), but unlike the other experimental namespaces they are open to keys.

This script answers the raw events itself; ``examples/approve_by_rule.py``
lets ``client.chat.ask(on_approval=...)`` do it. The local test server asks
for approval of the terminal commands its guard flags (here, one that drops a
table), as the real server does.
"""

from ethos_sdk import PermissionDeniedError
from ethos_sdk.testing import connect

DENY = {"terminal"}  # tools this script refuses; everything else is allowed once

with connect() as client:
    asked = 0
    with client.chat.stream(
        'Drop the scratch table. USE_TOOL:terminal ARGS:{"command": "echo drop table scratch"}', timeout=300
    ) as turn:
        for event in turn:
            if event["type"] == "tool.approval_required":
                asked += 1
                request = event["request"]
                name, approval_id = request["toolName"], request["approvalId"]
                print(f"approval asked for {name} {request['args']} ({request['reason'] or 'no reason given'})")
                try:
                    if name in DENY:
                        client.tools.deny(approval_id, client.client_id)
                        print(f"  denied {name}")
                    else:
                        client.tools.approve(approval_id, client.client_id, "once")
                        print(f"  approved {name}, this once")
                except PermissionDeniedError as err:
                    print(f"  could not answer: {err}")
                    client.chat.abort(turn.session_id)
            elif event["type"] == "tool_end":
                print(f"tool {event['toolName']} finished (ok={event['ok']})")
            elif event["type"] in ("done", "error"):
                print("turn ended:", event["type"])

    if asked == 0:
        print("No approval was asked for: this server let the tool run without one.")
