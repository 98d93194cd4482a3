"""Approve (or deny) the agent's tool calls as they are requested during a turn.

    python examples/approve_tool_call.py

When a tool needs a person's consent, the server pauses the turn and pushes a
``tool.approval_required`` event on the session's stream; ``tools.approve``
(or ``tools.deny``) lets the turn go on. Against a real server, use an API
key with the scope ``tools:approve`` (as well as ``sessions:read`` and
``chat:send`` for the turn itself), or the web cookie. The tools procedures are
in the contract's experimental tier (they may change in a later server
version), but unlike the other experimental namespaces they are open to keys.

This script answers each request itself, from inside its loop: the event says
a request arrived, and ``turn.pending`` is that request as an
:class:`ethos_sdk.ApprovalRequest`, whose ``describe()`` shows the tool, its
whole arguments and the server's reason with every control or bidi character
escaped (never print an agent's text raw to a person who decides on it).
``examples/approve_by_rule.py`` lets ``client.chat.ask(on_approval=...)`` do
it. The local test server asks for approval of the terminal commands its
guard flags (here, one that drops a table), as the real server does.
"""

from ethos_sdk import ApprovalRequest, PermissionDeniedError
from ethos_sdk.testing import connect

DENY = {"terminal"}  # tools this script refuses; everything else is allowed once

with connect() as client:
    asked = 0
    with client.chat.stream(
        'Drop the scratch table. USE_TOOL:terminal ARGS:{"command": "echo drop table scratch"}', timeout=300
    ) as turn:
        for event in turn:
            request = turn.pending
            if event["type"] == "tool.approval_required" and isinstance(request, ApprovalRequest):
                asked += 1
                print(f"approval asked for {request.describe()}")
                try:
                    if request.tool_name in DENY:
                        request.deny("this script does not allow it")
                        print("  denied")
                    else:
                        request.approve("once")
                        print("  approved, this once")
                except PermissionDeniedError as err:
                    print(f"  could not answer: {err}")
                    break  # leaving the turn stops it on the server
            elif event["type"] == "tool_end":
                print(f"tool call finished (ok={event['ok']})")
            elif event["type"] in ("done", "error"):
                print("turn ended:", event["type"])

    if asked == 0:
        print("No approval was asked for: this server let the tool run without one.")
