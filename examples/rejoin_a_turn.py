"""Leave a turn running, then join it again and get its reply.

    python examples/rejoin_a_turn.py

A turn runs on the server, not in your script: ``detach=True`` lets the
script stop reading while the agent goes on, and ``client.chat.follow``
joins the turn again later -- from this process or another one, with the
session id -- and gives every event of it from its start, then the result.
Without ``detach=True``, leaving the ``with`` block early would have stopped
the turn. (The word SLOW makes the local test server's agent answer slowly.)
"""

from ethos_sdk import TurnNotFoundError
from ethos_sdk.testing import connect

with connect() as client:
    with client.chat.stream("Draft the release notes for 2.0, SLOW and careful", detach=True) as turn:
        for text in turn.text_stream:
            print(f"first words: {text!r}")
            break  # the script moves on; the turn does not stop
    session_id = turn.session_id
    print(f"left the turn ({turn.state}); it goes on in session {session_id}")

    # Later, here or in another script that knows the session id:
    with client.chat.follow(session_id, timeout=300) as joined:
        reply = joined.result()
    print(f"joined it again: {joined.state}, reply: {reply.text}")

    # Once it ended, follow gives the same turn at once (until the server forgets it).
    try:
        again = client.chat.follow(session_id).result()
        print(f"read once more, same reply: {again.text == reply.text}")
    except TurnNotFoundError as err:
        print(f"the server no longer holds the turn: {err}")
