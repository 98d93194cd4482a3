"""The turns in flight on one connection pool, so that leaving stops every one of them.

A turn runs on the server, not in the script: if the script goes away while
its turns run, the agent goes on working (and a turn parked on a tool approval
stays parked). Each :class:`~ethos_sdk.TurnStream` registers here, with the
pool of the client it was started from (clients made by ``with_options``
share it), from the moment it is set up until it ends, is closed or is
detached. Then:

* ``client.close()`` and the end of ``with EthosClient(...)`` stop every turn
  of the pool, in whatever thread it runs (a client made by ``with_options``
  stops the turns started through it);
* ``client.chat.ask_many`` stops its own turns when it is interrupted
  (Ctrl-C) or an item fails with ``on_error="raise"``;
* :func:`interrupt_on_sigterm` makes ``SIGTERM`` do what Ctrl-C does.

Stopping a turn is the turn's own stop (:meth:`TurnStream.close
<ethos_sdk.TurnStream.close>`: its stream closed, what it waits on denied,
``chat.abort``), run for all turns at once in threads of their own, so the
whole stop takes about as long as one, at most
:data:`~ethos_sdk._turn.ABORT_WITHIN` seconds. Detached turns are left running.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any, Callable, List, Optional

from .errors import ClientClosedError, ConfigurationError

if TYPE_CHECKING:
    from ._transport import Transport
    from ._turn import TurnStream

__all__ = ["TurnsInFlight", "interrupt_on_sigterm"]

log = logging.getLogger("ethos_sdk")


class TurnsInFlight:
    """The turns running through one pool. Thread-safe; holds the turns weakly.

    A turn a script dropped without closing it is not kept alive by being
    registered here.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._turns: weakref.WeakSet[TurnStream] = weakref.WeakSet()
        self._refused: weakref.WeakSet[Transport] = weakref.WeakSet()  # clients being closed: no new turn
        self._refuse_all = False

    def add(self, turn: TurnStream) -> None:
        """Register ``turn``; :class:`~ethos_sdk.ClientClosedError` when its client is closed or being closed."""
        owner = turn._owner
        with self._lock:
            if self._refuse_all or owner in self._refused or owner.closed or owner.pool.closed:
                refused = True
            else:
                refused = False
                self._turns.add(turn)
        if refused:
            owner.check_open()  # the usual message for a closed client
            raise ClientClosedError(
                f"this client sends nothing more: it is being closed, and the turns it started are being stopped "
                f"(base_url {owner.base_url}). Make a new EthosClient, or client.with_options() for a new run"
            )

    def discard(self, turn: TurnStream) -> None:
        """``turn`` ended, was closed or detached: it is no longer in flight."""
        with self._lock:
            self._turns.discard(turn)

    def count(self, owner: Optional[Transport] = None) -> int:
        """How many turns are in flight (started through ``owner``, when given)."""
        return len(self._running(owner))

    def _running(self, owner: Optional[Transport]) -> List[TurnStream]:
        with self._lock:
            turns = list(self._turns)
        return [
            turn for turn in turns
            if (owner is None or turn._owner is owner) and not turn._detached and not turn._finished
        ]

    def stop(self, why: str, owner: Optional[Transport] = None, within: Optional[float] = None) -> int:
        """Stop every turn in flight (started through ``owner``, when given), all at once; return how many.

        From this call on, no new turn of ``owner`` (of the pool, without
        ``owner``) is accepted. Each turn is stopped as its own ``close()``
        stops it, in a thread of its own; a turn whose message is still on its
        way is stopped once the server has answered the send. Returns once all
        are stopped, or after ``within`` seconds (default
        :data:`~ethos_sdk._turn.ABORT_WITHIN`) for the stop itself and as long
        again for a send in flight; the threads still working then finish
        before the interpreter exits. Logs how many turns it stopped, and how
        long it took. An interrupt (Ctrl-C) while it waits is raised at once.
        """
        from ._turn import ABORT_WITHIN

        within = ABORT_WITHIN if within is None else within
        with self._lock:
            if owner is None:
                self._refuse_all = True
            else:
                self._refused.add(owner)
        turns = self._running(owner)
        if not turns:
            return 0
        started = time.monotonic()
        threads = [
            threading.Thread(target=_stop_turn, args=(turn, why, within), name="ethos-sdk-stop-turn")
            for turn in turns
        ]
        for thread in threads:  # not daemons: an interpreter that is exiting waits for the aborts to go out
            thread.start()
        for thread in threads:
            thread.join(max(0.0, started + 2 * within + 0.5 - time.monotonic()))
        late = sum(thread.is_alive() for thread in threads)
        elapsed = time.monotonic() - started
        if late:
            log.warning(
                "stopping %d turn(s) in flight (%s): %d not stopped yet after %.2f s; they may still be running",
                len(turns), why, late, elapsed,
            )
        else:
            log.info("stopped %d turn(s) in flight (%s) in %.2f s", len(turns), why, elapsed)
        return len(turns)


def _stop_turn(turn: TurnStream, why: str, within: float) -> None:
    """One turn's own stop; a turn whose ``chat.send`` is in flight is stopped once the server answered it."""
    turn._stopped_by = why
    try:
        turn._stop(why)
        if turn._send_done.wait(within):
            turn._leave(why)  # a send in flight above: its turn is known now (once stopped, this does nothing)
    except Exception as exc:  # noqa: BLE001 - one turn's failure must not stop the others being stopped
        log.warning("could not stop turn %s on session %s (%s): %s", turn.turn_id, turn.session_id, why, exc)


# -- SIGTERM --------------------------------------------------------------------------------------

def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def interrupt_on_sigterm() -> Callable[..., Any] | int | None:
    """Make ``SIGTERM`` do what Ctrl-C does: raise :class:`KeyboardInterrupt` in the main thread.

    ``timeout``, ``kill``, docker, systemd and Kubernetes stop a program with
    ``SIGTERM``, which by default ends Python at once: no ``finally`` runs,
    no ``with`` block is left, and every turn of the script goes on running
    on the server. After this one line, at the top of the script::

        ethos_sdk.interrupt_on_sigterm()

    the program unwinds as on Ctrl-C: a turn being read is stopped on the
    server as it leaves, ``chat.ask_many`` stops all its turns, and leaving
    ``with EthosClient(...)`` (or ``client.close()``) stops every turn the
    client still has in flight, in any thread. Call it from the main thread
    (Python runs signal handlers there only). Returns the handler it
    replaced, to put back with ``signal.signal(signal.SIGTERM, previous)``.

    Raises:
        ConfigurationError: called from another thread than the main one.
    """
    if threading.current_thread() is not threading.main_thread():
        raise ConfigurationError(
            "interrupt_on_sigterm() must be called from the main thread: Python runs signal handlers there only"
        )
    return signal.signal(signal.SIGTERM, _raise_interrupt)
