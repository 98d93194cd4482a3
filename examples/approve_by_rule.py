"""Approve the agent's tool calls by rule: an allow-list of tools and of whole commands.

    python examples/approve_by_rule.py [PERSONALITY]

When a tool call needs consent, ``client.chat.ask(..., on_approval=by_rule)``
calls ``by_rule`` with the request; it allows the call (this once) when the tool
or the command is on the allow-list and denies it otherwise, with a reason the
model is told. The result lists every decision. Against a real server, use an
API key with the scopes ``chat:send``, ``sessions:read`` and ``tools:approve``
(or the web cookie) and a personality that has the ``terminal`` tool
(PERSONALITY, default ``engineer``). The local test server asks for
approval of the terminal commands its guard flags, as the real server does.

Why whole commands, not prefixes: the ``terminal`` tool hands its command to a
shell, and ``"echo x; rm -rf ~"`` starts with ``"echo "``. So a command is
allowed only when it holds none of the characters with which a shell runs more
than one program, redirects, substitutes or expands (``; & | $ ` > <``, line
breaks and the like), and when the words ``shlex`` splits it into are, all of
them, one of the allowed commands.
"""

import shlex
import sys
from typing import Optional

from ethos_sdk import ApprovalRequest
from ethos_sdk.testing import connect, uses_local_server

ALLOWED_TOOLS = {"web_search", "read_file"}  # tools allowed whatever their arguments
ALLOWED_COMMANDS = {  # terminal commands allowed as they are, program and every argument
    ("git", "status"),
    ("ls", "-la"),
    ("echo", "drop", "table", "scratch"),
}
SHELL_SYNTAX = set(";&|$`<>(){}[]*?~!#\\\n\r")  # what makes a shell do more than run one program


def allowed_command(command: str) -> bool:
    """True when ``command`` is exactly one of ALLOWED_COMMANDS, with nothing for the shell to do."""
    if SHELL_SYNTAX & set(command):
        return False
    try:
        words = tuple(shlex.split(command))
    except ValueError:  # an unclosed quote
        return False
    return words in ALLOWED_COMMANDS


def by_rule(request: ApprovalRequest) -> Optional[bool]:
    """True (approve once) for what the allow-lists name; deny the rest with a reason."""
    if request.tool_name in ALLOWED_TOOLS:
        return True
    command = request.args.get("command")  # args is always a JSON object (the SDK checks it)
    if request.tool_name == "terminal" and isinstance(command, str) and allowed_command(command):
        return True
    request.deny(f"not on this script's allow-list: {command if isinstance(command, str) else request.tool_name}")
    return None


TASKS = [
    'Show the drop-table warning. USE_TOOL:terminal ARGS:{"command": "echo drop table scratch"}',
    'Clean up. USE_TOOL:terminal ARGS:{"command": "psql -c \'DROP TABLE users\'"}',
    'Sneak one in. USE_TOOL:terminal ARGS:{"command": "echo drop table scratch; rm -rf ~"}',
]

personality = None if uses_local_server() else (sys.argv[1] if len(sys.argv) > 1 else "engineer")

with connect(timeout=30) as client:
    for task in TASKS:
        if personality:
            reply = client.chat.ask(task, personality_id=personality, on_approval=by_rule, timeout=300)
        else:
            reply = client.chat.ask(task, on_approval=by_rule, timeout=300)
        for decision in reply.approvals:
            verdict = "allowed" if decision.decision == "allow" else f"denied ({decision.reason})"
            print(f"{decision.tool_name} {decision.args}: {verdict} by {decision.decided_by}")
        if not reply.approvals:
            print("no approval was asked for")
        print("reply:", reply.text)
