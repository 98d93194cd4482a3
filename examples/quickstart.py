"""Stream one answer, word by word, then list your recent sessions.

    python examples/quickstart.py

Uses the server in ETHOS_BASE_URL / ETHOS_API_KEY / ETHOS_ORIGIN, or a local
test server when ETHOS_BASE_URL is unset.
"""

from ethos_sdk.testing import connect

with connect() as client:
    print("Server:", client.base_url)

    # chat.stream sends the message and yields the turn's events until it ends.
    with client.chat.stream("Say hello to a new Ethos user in one sentence.") as turn:
        for event in turn:
            if event["type"] == "text_delta":
                print(event["text"], end="", flush=True)
            elif event["type"] == "error":
                print(f"\n[the turn failed: {event['error']}]")
    print()

    page = client.sessions.list(limit=5)
    print(f"Your {len(page['items'])} most recent sessions:")
    for session in page["items"]:
        print(f"  {session['id']}  {session['title'] or '(untitled)'}")
