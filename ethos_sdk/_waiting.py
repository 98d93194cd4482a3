"""Waiting for long work to end: the loop behind ``goals.wait``, ``batch.wait``, ``eval.wait`` and ``tasks.wait``.

:func:`wait_until_final` reads the work's object again and again (one ``get``
call each time) until its status is one of the final ones, telling the caller
about each change once. Between two reads it pauses, starting short and
growing (``min_interval`` times ``growth`` each read, at most
``longest_pause``), and starting short again whenever something changed: work
that moves is read often, work that sits still costs a call every few
seconds. Two reads never start less than ``min_interval`` apart, however
often the work changes. A *wake-up* (for goals: the goal's event stream, see
:class:`StreamWakeUp`) ends a pause early as soon as the server announces
something new -- but not before ``min_interval``: a chatty stream does not
make the wait read more often.

The ``timeout`` is one deadline for the whole wait. Each read gets only what
is left of it (its attempt, and its reading of the answer, end by the
deadline), and a read that fails in a way that may pass -- ``429`` (after its
``Retry-After``), a 5xx, a dropped connection or a read timeout -- is tried
again, paced the same way, until the deadline, which ends the wait with
:class:`~ethos_sdk.WaitTimeoutError` naming the last status read (and the
last failure). Without a timeout, failures are waited through for
:data:`FAILING_FOR_AT_MOST` seconds in a row, then the last one is raised.
Other errors (``400``, ``403``, ``404``, an answer that is not the work's)
are raised at once.

Every pause is cut in slices of at most half a second, so Ctrl-C (and the
timeout) interrupt a wait at once on every platform.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable, Optional, Sequence, TypeVar

from ._transport import MAX_RETRY_AFTER, RETRY_STATUSES, backoff_delay
from ._types import check_timeout
from ._wire_checks import STRING, answer_field
from .errors import APIConnectionError, APIStatusError, ConfigurationError, WaitTimeoutError

if TYPE_CHECKING:
    from ._client import EthosClient

__all__ = ["StreamWakeUp", "check_wait_timeout", "wait_until_final", "MIN_INTERVAL", "FAILING_FOR_AT_MOST"]

log = logging.getLogger("ethos_sdk")

T = TypeVar("T")

MIN_INTERVAL = 0.5
"""Seconds between the starts of two reads at least (a wait may ask for more: batch and eval runs take 1 s)."""
LONGEST_PAUSE = 5.0
"""The pause between two reads never grows beyond this."""
GROWTH = 1.5
"""Each read without a change makes the next pause this much longer."""
FAILING_FOR_AT_MOST = 300.0
"""Seconds of failed reads in a row a wait without ``timeout`` goes through before it raises the last failure."""
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


def _sleep(until: float, wake: Optional[StreamWakeUp], not_before: float = 0.0) -> None:
    """Pause until ``until`` (a ``time.monotonic()`` value) in slices Ctrl-C can interrupt.

    ``wake`` firing ends the pause early, but never before ``not_before``
    (a wake-up that came sooner ends it at ``not_before``).
    """
    while True:
        now = time.monotonic()
        if now >= until:
            return
        if wake is None or now < not_before:
            target = until if wake is None else min(until, not_before)
            time.sleep(min(target - now, _SLICE))
        elif wake.pause(min(until - now, _SLICE)):
            return


def _describe(statuses: Iterable[str]) -> str:
    return ", ".join(repr(status) for status in sorted(statuses))


def _may_pass(error: BaseException) -> Optional[float]:
    """Seconds the server asked to wait before the next read (0: none) when ``error`` may pass; else ``None``."""
    if isinstance(error, APIStatusError):
        if error.status in RETRY_STATUSES or error.status >= 500:
            return min(error.retry_after or 0.0, MAX_RETRY_AFTER)
        return None
    if isinstance(error, APIConnectionError):  # refused, reset, dropped, a read timeout (the deadline is seen apart)
        return 0.0
    return None


def wait_until_final(
    client: EthosClient,
    fetch: Callable[[EthosClient], T],
    status_at: Sequence[str],
    final: Collection[str],
    *,
    procedure: str,
    what: str,
    timeout: Optional[float],
    on_progress: Optional[Callable[[T], None]] = None,
    wake: Optional[Callable[[T], Optional[StreamWakeUp]]] = None,
    min_interval: float = MIN_INTERVAL,
    longest_pause: float = LONGEST_PAUSE,
    growth: float = GROWTH,
) -> T:
    """Read the work with ``fetch(client)`` until its status is in ``final``; return that object.

    Args:
        client: the client whose options the reads use (with the wait's
            deadline, and no retries of its own: the wait paces them).
        fetch: one read of the work (a ``get`` call) through the client given.
        status_at: where the status is in what ``fetch`` returns
            (``("run", "status")``); a missing or non-string status is
            :class:`~ethos_sdk.UnexpectedResponseError`.
        final: the statuses after which the work no longer changes by itself.
        procedure: the call ``fetch`` makes (``"batch.get"``), for messages.
        what: the work, for messages (``"batch run 2026-..."``).
        timeout: seconds in all (``None``: no limit); then
            :class:`~ethos_sdk.WaitTimeoutError` names the last status.
        on_progress: called with each object that differs from the one
            before (the first one included), once per change.
        wake: called once with the first object when it is not final; may
            return a :class:`StreamWakeUp` that ends pauses early.
        min_interval, longest_pause, growth: the pacing (see the module).
    """
    limit = check_wait_timeout(timeout)
    if on_progress is not None and not callable(on_progress):
        raise ConfigurationError(f"on_progress must be a function taking the object, got {on_progress!r}")
    deadline = None if limit is None else time.monotonic() + limit
    reader = client.with_options(max_retries=0)._ending_by(deadline)  # every read ends by the deadline
    last: Any = _NOTHING
    status: Optional[str] = None
    pause = min_interval
    failing_since: Optional[float] = None
    failures = 0
    waker: Optional[StreamWakeUp] = None
    try:
        while True:
            read_at = time.monotonic()
            try:
                current = fetch(reader)
            except (APIStatusError, APIConnectionError) as exc:
                asked = _may_pass(exc)
                if asked is None:
                    raise  # a 400, 403, 404...: waiting longer would not change it
                failures += 1
                failing_since = read_at if failing_since is None else failing_since
                if deadline is not None and time.monotonic() >= deadline - 0.001:  # the read was cut at the deadline
                    raise _timed_out(what, limit, status, last, final, failures, exc) from exc
                if deadline is None and read_at - failing_since >= FAILING_FOR_AT_MOST:
                    raise
                delay = max(min_interval, asked or 0.0, backoff_delay(min(failures - 1, 4)))
                log.info("waiting for %s: %s read failed (%s); reading again in %.1f s", what, procedure, exc, delay)
                _sleep(read_at + delay if deadline is None else min(read_at + delay, deadline), None)
                if deadline is not None and time.monotonic() >= deadline:
                    raise _timed_out(what, limit, status, last, final, failures, exc) from exc
                continue
            failing_since, failures = None, 0
            status = answer_field(current, status_at, STRING, procedure)
            if current != last:
                last = current
                pause = min_interval
                if on_progress is not None:
                    on_progress(current)
            if status in final:
                return current
            if deadline is not None and time.monotonic() >= deadline:
                raise _timed_out(what, limit, status, current, final)
            if wake is not None and waker is None:
                waker = wake(current)
                wake = None
            until = time.monotonic() + max(pause, min_interval)
            _sleep(until if deadline is None else min(until, deadline), waker, read_at + min_interval)
            if deadline is not None and time.monotonic() >= deadline:
                raise _timed_out(what, limit, status, current, final)
            pause = min(pause * growth, longest_pause)
    finally:
        if waker is not None:
            waker.close()


def _timed_out(
    what: str,
    limit: Optional[float],
    status: Optional[str],
    last: Any,
    final: Collection[str],
    failures: int = 0,
    problem: Optional[BaseException] = None,
) -> WaitTimeoutError:
    """The wait's own error at its deadline: the last status read, and the failures that came after it."""
    after = f"after {limit:g} s" if limit is not None else "before its deadline"
    if status is None:
        head = f"{what}: no read of its status succeeded {after}"
    else:
        head = f"{what} is still {status!r} {after}"
    failed = "" if problem is None else (
        f" (the last {failures} read(s) failed; the last failure: {problem})" if failures > 1
        else f" (the last read failed: {problem})"
    )
    return WaitTimeoutError(
        f"{head}{failed}; it goes on on the server (final statuses: {_describe(final)}). "
        "Call wait() again to keep waiting.",
        last_status=status,
        last=None if last is _NOTHING else last,
    )


class _Nothing:
    def __repr__(self) -> str:
        return "<nothing read yet>"


_NOTHING = _Nothing()
