"""The event stream under faults: 50 drops in 2,000 events, server restarts (alone and mixed into drops), a buffer overflow.

A purpose-built SSE server (``EventLogServer``) honours ``Last-Event-ID``
like Ethos and cuts connections at chosen byte offsets, mid-frame included;
the local server's own fault injection is used for a live chat.
"""

from __future__ import annotations

import random
import threading
from typing import Any, Dict, Iterator, List

import pytest

from ethos_sdk import EthosClient
from ethos_sdk.testing import LocalEthosServer

from .adversarial_servers import FIGURES, EventLogServer, adversarial_summary, report, wait_until
from .conftest import FAKE_KEY

__all__ = ["adversarial_summary"]


@pytest.fixture(autouse=True)
def no_reconnect_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect at once: the backoff is tested elsewhere, and 50 waits would make this slow."""
    monkeypatch.setattr("ethos_sdk.stream.backoff_delay", lambda attempt: 0.0)


def numbered(count: int, tag: str = "a") -> List[Dict[str, Any]]:
    return [{"type": "text_delta", "text": f"{tag}{i}"} for i in range(1, count + 1)]


def read(stream: Any, count: int) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for event in stream:
        out.append(dict(event))
        if len(out) >= count:
            break
    return out


def check(delivered: List[Dict[str, Any]], expected: List[Dict[str, Any]]) -> None:
    texts = [e["text"] for e in delivered]
    lost = len(set(e["text"] for e in expected) - set(texts))
    duplicated = len(texts) - len(set(texts))
    FIGURES.add("events", len(expected))
    FIGURES.add("lost", lost)
    FIGURES.add("duplicated", duplicated)
    assert (lost, duplicated) == (0, 0)
    assert delivered == expected


def test_2000_events_dropped_at_50_random_points_arrive_once_and_in_order() -> None:
    """Injected: 50 abrupt TCP resets, each after a random number of body bytes (mid-frame too).

    Observed: all 2,000 events delivered exactly once and in order; the stream
    reconnected 50 times with Last-Event-ID and saw no restart and no gap.
    """
    events = numbered(2000)
    rng = random.Random(2000)
    cuts = [rng.randint(1, 1500) for _ in range(50)]  # 50 x ~750 bytes < the ~80 KB body
    with EventLogServer(events, cuts=cuts) as server:
        with EthosClient(server.url, api_key=FAKE_KEY) as client:
            with client.events("s1", max_reconnects=100, idle_timeout=10.0, check_session=False) as stream:
                delivered = read(stream, len(events))
                reconnects, restarts, gaps = stream.reconnects, stream.restarts, stream.gaps
        assert server.cut_count == 50
        sent_ids = server.last_event_ids
    check(delivered, events)
    assert (restarts, gaps) == (0, 0)
    assert reconnects >= 50
    assert sent_ids[0] is None and all(i is not None for i in sent_ids[1:] if i != "0")
    FIGURES.add("faults", 50)
    report(f"SSE dropped at 50 random byte offsets of a 2,000-event stream: {len(delivered)} delivered, "
           f"0 lost, 0 duplicated, {reconnects} reconnects")


def test_a_server_restart_mid_stream_is_detected_and_the_new_events_are_all_delivered() -> None:
    """Injected: after 100 events the server restarts (ids from 1 again, other events) and drops the stream.

    Observed: the stream sees the event at its cursor changed, counts one
    restart, reads the new numbering from the start, and delivers all 150
    new events once, in order, after the 100 old ones.
    """
    old, new = numbered(100, "old"), numbered(150, "new")
    with EventLogServer(old) as server:
        with EthosClient(server.url, api_key=FAKE_KEY) as client:
            with client.events("s1", max_reconnects=10, idle_timeout=10.0, check_session=False) as stream:
                before = read(stream, 100)
                server.restart(new)
                server.drop_all()
                after = read(stream, 150)
                restarts, gaps = stream.restarts, stream.gaps
    check(before, old)
    check(after, new)
    assert restarts == 1 and gaps == 0
    FIGURES.add("faults", 1)
    report("server restart mid-stream (ids reset): 1 restart reported, 100 old + 150 new events, 0 lost, 0 duplicated")


def test_restarts_mixed_into_random_drops_lose_and_duplicate_nothing() -> None:
    """Injected: four numberings (600, 250, 700 and 400 events) separated by three restarts, and 40
    abrupt resets at random byte offsets across them.

    The second numbering ends below the first one's cursor (no replay can show
    it), the third goes past the second's. Observed: every event of every
    numbering delivered exactly once and in order, 3 restarts counted, no gap.
    """
    lives = [numbered(600, "a"), numbered(250, "b"), numbered(700, "c"), numbered(400, "d")]
    rng = random.Random(11)
    cuts = [rng.randint(1, 1500) for _ in range(40)]
    delivered: List[List[Dict[str, Any]]] = []
    with EventLogServer(lives[0], cuts=cuts) as server:
        with EthosClient(server.url, api_key=FAKE_KEY) as client:
            with client.events("s1", max_reconnects=100, idle_timeout=10.0, check_session=False) as stream:
                watchdog = threading.Timer(120.0, stream.close)  # cannot hang: close ends the loop
                watchdog.start()
                for number, events in enumerate(lives):
                    if number:
                        server.restart(events)
                        server.drop_all()
                    delivered.append(read(stream, len(events)))
                watchdog.cancel()
                restarts, gaps, reconnects = stream.restarts, stream.gaps, stream.reconnects
        cut = server.cut_count
    for got, events in zip(delivered, lives):
        check(got, events)
    assert (restarts, gaps) == (3, 0)
    FIGURES.add("faults", cut + 3)
    report(f"3 restarts mixed into {cut} random drops over 4 numberings (1,950 events): all delivered once, "
           f"in order; 3 restarts reported, {reconnects} reconnects")


def test_a_buffer_overflow_while_disconnected_is_reported_as_a_gap() -> None:
    """Injected: while the stream is cut, 1,500 events happen; the server keeps only the last 1,000.

    Observed: one gap of exactly 500 missing events is reported
    (stream.gaps, stream.missed_events), and every event still in the buffer
    is delivered once, in order.
    """
    first, burst = numbered(10, "x"), numbered(1500, "y")
    with EventLogServer(first, buffer=1000) as server:
        with EthosClient(server.url, api_key=FAKE_KEY) as client:
            with client.events("s1", max_reconnects=10, idle_timeout=10.0, check_session=False) as stream:
                before = read(stream, 10)
                server.append(burst)
                server.drop_all()
                after = read(stream, 1000)
                gaps, missed = stream.gaps, stream.missed_events
    check(before, first)
    check(after, burst[500:])
    assert (gaps, missed) == (1, 500)
    FIGURES.add("faults", 1)
    report("buffer overflow while disconnected: 1 gap of 500 events reported; the 1,000 kept all delivered once")


@pytest.fixture
def local() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(word_delay=0.0) as server:
        yield server


def test_live_turns_through_the_local_servers_stream_drops_and_restart(local: LocalEthosServer) -> None:
    """Injected: the local server cuts the next 10 SSE connections after 0-7 frames, then restarts its buffer.

    Observed: across 12 chat turns exactly 12 run_start and 12 done arrive
    (none lost, none delivered twice), the turn after the restart is
    delivered in full, and the restart is counted once.
    """
    with local.client() as client:
        session_id = client.chat.send("first")["sessionId"]
        assert local.wait_idle()
        rng = random.Random(7)
        for _ in range(10):
            local.faults.drop_stream_after(rng.randint(0, 7))
        seen: List[Dict[str, Any]] = []
        ids: List[int] = []
        with client.events(session_id, max_reconnects=50, idle_timeout=10.0) as stream:
            watchdog = threading.Timer(60.0, stream.close)  # cannot hang: close ends the loops
            watchdog.start()
            stop = threading.Event()

            def drive() -> None:
                for n in range(10):
                    if stop.is_set():
                        return
                    client.chat.send(f"turn {n}", session_id=session_id)
                    local.wait_idle()

            for event in stream:
                seen.append(dict(event))
                if stream.last_seq is not None:
                    ids.append(stream.last_seq)
                if sum(1 for e in seen if e["type"] == "done") == 1 and len(ids) == len(seen):
                    break
            driver = threading.Thread(target=drive, daemon=True)
            driver.start()
            for event in stream:
                seen.append(dict(event))
                if sum(1 for e in seen if e["type"] == "done") == 11:
                    break
            stop.set()
            driver.join(timeout=30)
            local.faults.restart_event_buffer()

            def send_once_resubscribed() -> None:
                # A restart shows only when an event of the new numbering arrives: send
                # once the stream is subscribed again (the hub's list was cleared).
                wait_until(lambda: bool(local._hub._subscribers), timeout=10)
                client.chat.send("after restart", session_id=session_id)

            sender = threading.Thread(target=send_once_resubscribed, daemon=True)
            sender.start()
            for event in stream:
                seen.append(dict(event))
                if event["type"] == "done":
                    break
            sender.join(timeout=15)
            watchdog.cancel()
            restarts = stream.restarts
            reconnects = stream.reconnects
    starts = sum(1 for e in seen if e["type"] == "run_start")
    dones = sum(1 for e in seen if e["type"] == "done")
    texts = [e for e in seen if e["type"] == "done"]
    assert starts == dones == 12
    assert texts[-1]["text"].endswith("You said: after restart")
    assert restarts == 1
    FIGURES.add("faults", 11)
    FIGURES.add("events", len(seen))
    report(f"local server: 10 SSE drops + 1 buffer restart over 12 turns: {starts} run_start / {dones} done, "
           f"{reconnects} reconnects, 1 restart")
