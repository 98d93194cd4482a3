"""Find sessions by a word in their title or messages, and export the newest as Markdown.

    python examples/search_and_export.py [WORD]
"""

import sys
from pathlib import Path

from ethos_sdk.testing import connect, uses_local_server

word = sys.argv[1] if len(sys.argv) > 1 else "deploy"

with connect() as client:
    if uses_local_server():
        # A fresh local server has no history: make a session to find.
        client.chat.ask(f"How do I {word} a static site?")

    matches = list(client.sessions.list_all(q=word))
    print(f"{len(matches)} session(s) match {word!r}")
    for session in matches:
        print(f"  {session['id']}  {session['title'] or '(untitled)'}")
    if not matches:
        sys.exit(0)

    exported = client.sessions.export(matches[0]["id"], "markdown")
    path = Path(exported["filename"]).name  # never trust a server-sent path
    Path(path).write_text(exported["content"], encoding="utf-8")
    print(f"wrote {path} ({len(exported['content'])} characters)")
