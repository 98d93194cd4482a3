"""Read a personality's memory, add a line, read it back, then put the original back.

    python examples/edit_memory.py [PERSONALITY_ID]

Each personality keeps a Markdown "memory" store (and a "user" store per
user). memory.write replaces the whole store, so edit what memory.get returned.
"""

import sys

from ethos_sdk.testing import connect

with connect() as client:
    if len(sys.argv) > 1:
        personality_id = sys.argv[1]
    else:
        personality_id = client.personalities.list(limit=1)["items"][0]["id"]

    original = client.memory.get("memory", personality_id)["file"]["content"]
    print(f"memory of {personality_id!r} holds {len(original)} characters")

    note = "- Prefers answers that end with a short code example."
    edited = original.rstrip("\n") + "\n" + note + "\n" if original.strip() else note + "\n"
    client.memory.write("memory", edited, personality_id)
    stored = client.memory.get("memory", personality_id)["file"]["content"]
    print("after the edit it ends with:", stored.rstrip("\n").splitlines()[-1])

    client.memory.write("memory", original, personality_id)  # leave it as we found it
    print("restored the original memory")
