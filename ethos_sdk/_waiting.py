"""Waiting for long work to end: the loop behind ``goals.wait``, ``batch.wait``, ``eval.wait`` and ``tasks.wait``.

:func:`wait_until_final` reads the work's object again and again (one ``get``
call each time) until its status is one of the final ones, telling the caller
about each change once. Between two reads it pauses, starting short and
growing (``first_pause`` times ``growth`` each read, at most ``longest_pause``),
and starting short again whenever something changed: work that moves is read
often, work that sits still costs a call every few seconds. A *wake-up* (for
goals: the goal's event stream, see :class:`StreamWakeUp`) ends a pause early
as soon as the server announces something new.

Every pause is cut in slices of at most half a second, so Ctrl-C (and the
timeout) interrupt a wait at once on every platform.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any, Callable, Collection, Iterable, Optional, TypeVar

from ._types import check_timeout
from .errors import ConfigurationError, WaitTimeoutError

__all__ = ["StreamWakeUp", "check_wait_timeout", "wait_until_final"]

log = logging.getLogger("ethos_sdk")

T = TypeVar("T")

FIRST_PAUSE = 0.1
"""Seconds between the first two reads, and after every change."""
LONGEST_PAUSE = 5.0
"""The pause between two reads never grows beyond this."""
GROWTH = 1.5
"""Each read without a change makes the next pause this much longer."""
_SLICE = 0.5  # the longest single sleep: Ctrl-C is seen at the end of a slice at worst


def check_wait_timeout(timeout: Any) -> Optional[float]:
    """``timeout`` of a ``wait()`` as seconds (``None``: no limit), or :class:`ConfigurationError`."""
    value = check_timeout(timeout)
    if isinstance(value, tuple):
        raise ConfigurationError(
            f"timeout of a wait is one number of seconds (or None for no limit), not a (connect, read) "
            f"pair: {timeout!r}"
        )
    return value


class StreamWakeUp:
    """Ends the pauses of a wait early whenever an event stream delivers something.

    ``open_stream()`` is called in a background thread; each item its iterator
    yields (and its end) wakes the waiting thread. The stream is only a
    shortcut: if it cannot be opened or breaks, that is logged and the wait
    goes on polling at its usual pace. :meth:`close` closes the stream (from
    the waiting thread) and lets the background thread end.
    """

    def __init__(self, open_stream: Callable[[], Any], what: str) -> None:
        self._open_stream = open_stream
        self._what = what
        self._event = threading.Event()
        self._closed = threading.Event()
        self._stream: Any = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"ethos-wait-{what}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            stream = self._open_stream()
            with self._lock:
                if self._closed.is_set():
                    stream.close()
                    return
                self._stream = stream
            for _ in stream:
                self._event.set()
                if self._closed.is_set():
                    break
        except Exception as exc:  # the stream only speeds the wait up: polling goes on without it
            if not self._closed.is_set():
                log.info("waiting for %s: its event stream stopped (%s); polling instead", self._what, exc)
        finally:
            self._event.set()

    def pause(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when the stream woke us up (the flag is then cleared)."""
        woke = self._event.wait(seconds)
        self._event.clear()
        return woke

    def close(self) -> None:
        """Close the stream and let the background thread end (waits for it at most a second)."""
        self._closed.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing is best effort: the thread is a daemon
                pass
        self._thread.join(1.0)


def _sleep(seconds: float, wake: Optional[StreamWakeUp]) -> None:
    """Pause ``seconds`` in slices Ctrl-C can interrupt; return early when ``wake`` fires."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        step = min(left, _SLICE)
        if wake is not None:
            if wake.pause(step):
                return
        else:
            time.sleep(step)


def _describe(statuses: Iterable[str]) -> str:
    return ", ".join(repr(status) for status in sorted(statuses))


def wait_until_final(
    fetch: Callable[[], T],
    status_of: Callable[[T], str],
    final: Collection[str],
    *,
    what: str,
    timeout: Optional[float],
    on_progress: Optional[Callable[[T], None]] = None,
    wake: Optional[Callable[[T], Optional[StreamWakeUp]]] = None,
    first_pause: float = FIRST_PAUSE,
    longest_pause: float = LONGEST_PAUSE,
    growth: float = GROWTH,
) -> T:
    """Read the work with ``fetch()`` until ``status_of(obj)`` is in ``final``; return that object.

    Args:
        fetch: one read of the work (a ``get`` call); its errors propagate.
        status_of: the status of what ``fetch`` returned.
        final: the statuses after which the work no longer changes by itself.
        what: the work, for messages (``"batch run 2026-..."``).
        timeout: seconds in all (``None``: no limit); then
            :class:`~ethos_sdk.WaitTimeoutError` names the last status.
        on_progress: called with each object that differs from the one
            before (the first one included), once per change.
        wake: called once with the first object when it is not final; may
            return a :class:`StreamWakeUp` that ends pauses early.
        first_pause, longest_pause, growth: the pacing (see the module).
    """
    limit = check_wait_timeout(timeout)
    if on_progress is not None and not callable(on_progress):
        raise ConfigurationError(f"on_progress must be a function taking the object, got {on_progress!r}")
    deadline = None if limit is None else time.monotonic() + limit
    last: Any = _NOTHING
    pause = first_pause
    waker: Optional[StreamWakeUp] = None
    try:
        while True:
            current = fetch()
            if current != last:
                last = current
                pause = first_pause
                if on_progress is not None:
                    on_progress(current)
            status = status_of(current)
            if status in final:
                return current
            left = math.inf if deadline is None else deadline - time.monotonic()
            if left <= 0:
                raise WaitTimeoutError(
                    f"{what} is still {status!r} after {limit:g} s; it goes on on the server "
                    f"(final statuses: {_describe(final)}). Call wait() again to keep waiting.",
                    last_status=status,
                    last=current,
                )
            if wake is not None and waker is None:
                waker = wake(current)
                wake = None
            _sleep(min(pause, left), waker)
            pause = min(pause * growth, longest_pause)
    finally:
        if waker is not None:
            waker.close()


class _Nothing:
    def __repr__(self) -> str:
        return "<nothing read yet>"


_NOTHING = _Nothing()
