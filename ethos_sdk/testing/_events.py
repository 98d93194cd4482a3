"""The per-session event buffers behind ``/sse/sessions/<id>``.

Like the real server: every event published to a session gets the next
sequence number of that session (starting at 1, continuing across turns), the
last 1000 are kept for replay, and live events go to every subscriber
unfiltered. :meth:`EventHub.reset` forgets everything, as a server restart does;
a turn that started before it publishes into a dead generation, so nothing it
still sends reaches anyone.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, List, Optional, Tuple

__all__ = ["BUFFER_SIZE", "EventHub", "Subscription"]

BUFFER_SIZE = 1000

Frame = Tuple[int, Dict[str, Any]]
"""``(seq, event)`` as it is written to a stream."""

_subscription_ids = itertools.count(1)


@dataclass
class Subscription:
    """One open stream: its queue of live frames and the generation it belongs to."""

    session_id: str
    generation: int
    frames: "queue.Queue[Optional[Frame]]" = field(default_factory=queue.Queue)
    ident: int = field(default_factory=lambda: next(_subscription_ids))


@dataclass
class _Buffer:
    next_seq: int = 1
    events: Deque[Frame] = field(default_factory=lambda: deque(maxlen=BUFFER_SIZE))


class EventHub:
    """Buffers and fans out the events of every session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffers: Dict[str, _Buffer] = {}
        self._subscribers: Dict[int, Subscription] = {}
        self.generation = 0
        """Increases at each :meth:`reset`; streams of an older generation are dropped."""

    def publish(self, session_id: str, event: Dict[str, Any], generation: Optional[int] = None) -> int:
        """Number ``event``, keep it for replay and hand it to every subscriber; return its seq.

        With ``generation`` (the hub's generation when the publisher started), an
        event from before the last :meth:`reset` is dropped and ``0`` returned.
        """
        with self._lock:
            if generation is not None and generation != self.generation:
                return 0
            buffer = self._buffers.setdefault(session_id, _Buffer())
            seq = buffer.next_seq
            buffer.next_seq += 1
            buffer.events.append((seq, event))
            for sub in self._subscribers.values():
                if sub.session_id == session_id:
                    sub.frames.put((seq, event))
            return seq

    def subscribe(self, session_id: str, last_event_id: int) -> Tuple[Subscription, List[Frame]]:
        """Register a stream; return it with the buffered frames whose seq is above ``last_event_id``.

        Both happen under one lock, so no event falls between replay and live.
        """
        with self._lock:
            sub = Subscription(session_id, self.generation)
            buffer = self._buffers.get(session_id)
            replay = [f for f in buffer.events if f[0] > last_event_id] if buffer else []
            self._subscribers[sub.ident] = sub
            return sub, replay

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers.pop(sub.ident, None)

    def reset(self) -> None:
        """Forget every buffer (seq restarts at 1) and end every open stream, like a restart."""
        with self._lock:
            self._buffers.clear()
            self.generation += 1
            for sub in self._subscribers.values():
                sub.frames.put(None)
            self._subscribers.clear()

    def close_all(self) -> None:
        """Wake every open stream so it ends (used when the server stops)."""
        with self._lock:
            for sub in self._subscribers.values():
                sub.frames.put(None)
