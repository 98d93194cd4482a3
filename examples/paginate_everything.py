"""Walk every page of every paginated list: sessions, personalities, memory entries.

    python examples/paginate_everything.py

``list_all`` asks for the next page only when the loop reaches it, carrying
the same filters, so a small ``limit`` just means more, smaller requests.
"""

from ethos_sdk.testing import connect, uses_local_server

with connect() as client:
    if uses_local_server():
        for n in range(5):  # something to page through
            client.chat.ask(f"note {n}")

    sessions = 0
    for session in client.sessions.list_all(limit=2):
        sessions += 1
        print(f"session  {session['id']}  {session['title'] or '(untitled)'}")

    personality_ids = []
    for personality in client.personalities.list_all(limit=2):
        personality_ids.append(personality["id"])
        print(f"personality  {personality['id']}  {personality['name']}")

    entries = 0
    for personality_id in personality_ids:
        for entry in client.memory.list_all(personality_id, limit=10):
            entries += 1

    print(f"{sessions} sessions, {len(personality_ids)} personalities, {entries} memory entries")
