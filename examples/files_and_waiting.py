"""Send a file with a question, then run a batch and wait for it, printing its progress.

    python examples/files_and_waiting.py

The question uses the server in ETHOS_BASE_URL / ETHOS_API_KEY / ETHOS_ORIGIN
(the key needs ``chat:send``). Batch runs are cookie-only: against a real
server that part runs with the server's web token, read from the
``web-token`` file of its data directory (ETHOS_STATE_DIR, by default
``~/.ethos``: on the server's machine, or a copy of it), and is skipped
without it. With ETHOS_BASE_URL unset, everything runs against a local test
server.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Tuple

from ethos_sdk import EthosClient, WaitTimeoutError
from ethos_sdk.testing import LocalEthosServer, uses_local_server
from ethos_sdk.types.batch import BatchRunResult


@contextlib.contextmanager
def clients() -> Iterator[Tuple[EthosClient, Optional[EthosClient]]]:
    """An API-key client and a cookie client (or None without the server's web token)."""
    if not uses_local_server():
        # The server's web token, where the SDK looks for it: the data directory's web-token file.
        token_file = Path(os.environ.get("ETHOS_STATE_DIR") or "~/.ethos", "web-token").expanduser()
        token = token_file.read_text(encoding="utf-8").strip() if token_file.is_file() else None
        with EthosClient() as key:
            if not token:
                yield key, None
                return
            with EthosClient(cookie=token) as cookie:
                yield key, cookie
        return
    print("(ETHOS_BASE_URL is not set: using a local test server with a scripted agent)", file=sys.stderr)
    with LocalEthosServer() as server:
        with server.client() as key, server.client("cookie") as cookie:
            yield key, cookie


def show_progress(result: BatchRunResult) -> None:
    run = result["run"]
    print(f"  batch {run['status']}: {run['completed'] + run['failed']} of {run['total']} tasks done")


with clients() as (key, cookie), tempfile.TemporaryDirectory() as folder:
    note = Path(folder) / "meeting.txt"
    note.write_text("The release meeting moved to Thursday, 10:00.\n", encoding="utf-8")
    reply = key.chat.ask("When is the release meeting? Answer in one sentence.", files=[note])
    print(f"asked with {note.name}; the reply: {reply.text}")

    if cookie is None:
        print("the batch run needs the web cookie: no web-token file in ETHOS_STATE_DIR (or ~/.ethos)")
        raise SystemExit(0)

    questions = ["What is 2+2?", "Name a prime above 10.", "Spell 'ethos' backwards."]
    tasks = "\n".join(json.dumps({"id": f"q{i}", "prompt": q}) for i, q in enumerate(questions, 1))
    run = cookie.batch.start(tasks)["run"]
    print(f"batch {run['id']} started with {run['total']} tasks")
    try:
        result = cookie.batch.wait(run["id"], timeout=600, on_progress=show_progress)
    except WaitTimeoutError as exc:
        print(f"gave up waiting: the run is still {exc.last_status}")
        raise SystemExit(1)
    finished = result["run"]
    print(f"batch ended {finished['status']}: {finished['completed']} answered, {finished['failed']} failed")
    for line in cookie.batch.output(run["id"])["content"].splitlines():
        print("  output:", line[:100])
