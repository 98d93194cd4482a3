"""Load: 32 threads share one client for 2,000 mixed calls; no error, no crossed answer, no leaked socket."""

from __future__ import annotations

import gc
import random
import threading
from typing import Any, List

from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import FIGURES, adversarial_summary, open_fds, report, wait_until

__all__ = ["adversarial_summary"]

THREADS = 32
CALLS = 2000


def test_32_threads_share_one_client_for_2000_calls_without_crossed_answers() -> None:
    """Injected: 32 threads calling one client at once (reads, writes echoing a unique title, pages).

    Observed: every call succeeded, every answer belonged to its own request
    (the session asked for, the title just written), and after closing the
    client and stopping the server the process has as many open file
    descriptors as before.
    """
    baseline = open_fds()
    server = LocalEthosServer(word_delay=0.0).start()
    try:
        client = server.client(timeout=(5, 30))
        session_ids: List[str] = []
        for i in range(8):
            session_ids.append(client.chat.send(f"session {i}")["sessionId"])
        server.wait_idle()
        errors: List[BaseException] = []
        crossed: List[str] = []
        done = [0]
        lock = threading.Lock()
        per_thread = CALLS // THREADS
        start = threading.Barrier(THREADS)

        def worker(index: int) -> None:
            rng = random.Random(index)
            start.wait(timeout=10)
            for n in range(per_thread + (1 if index < CALLS % THREADS else 0)):
                session_id = rng.choice(session_ids)
                kind = n % 3
                try:
                    if kind == 0:
                        got: Any = client.sessions.get(session_id)
                        ok = got["session"]["id"] == session_id
                    elif kind == 1:
                        title = f"t-{index}-{n}"
                        got = client.sessions.update(session_id, title=title)
                        ok = got["session"]["id"] == session_id and got["session"]["title"] == title
                    else:
                        limit = rng.randint(1, 8)
                        got = client.sessions.list(limit=limit)
                        ok = isinstance(got["items"], list) and len(got["items"]) <= limit
                except BaseException as exc:  # noqa: BLE001 - every failure is a finding
                    with lock:
                        errors.append(exc)
                    continue
                with lock:
                    done[0] += 1
                    if not ok:
                        crossed.append(f"thread {index} call {n}: {got!r:.120}")

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a worker thread hung"
        client.close()
    finally:
        server.stop()
    assert errors == [], errors[:3]
    assert crossed == [], crossed[:3]
    assert done[0] == CALLS
    gc.collect()
    settled = wait_until(lambda: open_fds() <= baseline, timeout=10)
    after = open_fds()
    assert settled, f"{after - baseline} file descriptors leaked"
    FIGURES.add("calls", CALLS + 8)
    report(f"load: {THREADS} threads x one client, {CALLS} mixed calls: 0 errors, 0 crossed answers, "
           f"file descriptors {baseline} before / {after} after")
