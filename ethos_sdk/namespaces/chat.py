"""``client.chat``: start a turn, steer it while it runs, or abort it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional, Sequence, cast

from typing_extensions import Literal

from .._turn import EventCallback, TurnResult, TurnStream, ask, stream_turn
from .._types import NOT_GIVEN, NotGiven, Timeout
from ..types.chat import Attachment, Ok, SteerResult, TurnReceipt
from ._base import Namespace

if TYPE_CHECKING:
    from .._client import EthosClient

__all__ = ["Chat"]


class Chat(Namespace):
    """The ``chat`` procedures (stable).

    :meth:`send` only starts a turn: the assistant's reply is delivered on the
    session's event stream (``client.events(session_id)``), never in the
    answer to ``send`` itself.
    """

    def send(
        self,
        text: str,
        *,
        session_id: str | NotGiven = NOT_GIVEN,
        client_id: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        user_id: str | NotGiven = NOT_GIVEN,
        dry_run: bool | NotGiven = NOT_GIVEN,
        origin: Literal["text", "voice"] | NotGiven = NOT_GIVEN,
        attachments: Sequence[Attachment] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TurnReceipt:
        """Send a message and start the assistant's turn; return ``{sessionId, turnId}`` at once.

        The turn runs on the server. Its events (``run_start``, the
        ``text_delta``\\ s, ``done`` or ``error``) go only to the session's event
        stream, so to read the reply, follow ``client.events(session_id)``. On
        an existing session, open the stream *before* sending: events sent
        before you subscribe are replayed only from the server's buffer.

        Args:
            text: the message.
            session_id: the session to continue; without it a new session is
                created (its id is in the answer).
            client_id: the id this client reports; default
                ``client.client_id``.
            personality_id: the personality that answers.
            user_id: the user the message is from.
            dry_run: the server's dry-run flag for this turn.
            origin: how the message was entered: ``"text"`` or ``"voice"``
                (not the HTTP ``Origin`` header).
            attachments: files or images sent with the message.

        ``chat.send`` · stable · API keys need scope ``chat:send``.
        """
        if isinstance(client_id, NotGiven):
            client_id = self._client.client_id
        return cast(
            TurnReceipt,
            self._call(
                "chat.send",
                {
                    "sessionId": session_id,
                    "clientId": client_id,
                    "text": text,
                    "personalityId": personality_id,
                    "userId": user_id,
                    "dryRun": dry_run,
                    "origin": origin,
                    "attachments": attachments,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def abort(
        self,
        session_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Stop the turn running on a session.

        The turn still ends with a ``done`` event on the stream, carrying the
        text produced so far.

        ``chat.abort`` · stable · API keys need scope ``chat:send``.
        """
        return cast(
            Ok,
            self._call(
                "chat.abort",
                {"sessionId": session_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def steer(
        self,
        session_id: str,
        text: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SteerResult:
        """Add a message to the turn running on a session, to change its course.

        Answers ``{"ok": False}`` when no turn is running there; send the text
        with :meth:`send` instead.

        ``chat.steer`` · stable · API keys need scope ``chat:send``.
        """
        return cast(
            SteerResult,
            self._call(
                "chat.steer",
                {"sessionId": session_id, "text": text},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # -- following a turn (not procedures: chat.send plus the session's event stream) --

    def _ending_by(self, moment: Optional[float]) -> EthosClient:
        """A client like this one whose calls are all over by ``moment`` (a ``time.monotonic()`` value).

        :meth:`ask` and :meth:`stream` send the message through it, so that
        every attempt of ``chat.send``, the waits between them and the reading
        of its answer end within the turn's ``timeout``: a retry whose wait
        would pass it is not made. The client's own ``deadline``, when
        shorter, still applies. ``None`` (no timeout), or a closed client
        (whose ``send`` raises by itself), gives this namespace's client.
        """
        client = self._client
        if moment is None or client._transport.closed or client._transport.pool.closed:
            return client
        derived = client.with_options()
        transport = derived._transport
        transport.ends_by = moment if transport.ends_by is None else min(transport.ends_by, moment)
        return derived

    def stream(
        self,
        text: str,
        *,
        session_id: Optional[str] = None,
        personality_id: str | NotGiven = NOT_GIVEN,
        on_event: Optional[EventCallback] = None,
        timeout: Optional[float] = None,
        detach: bool = False,
    ) -> TurnStream:
        """Send a message and iterate the events of the turn it starts, ``run_start`` to ``done``.

        The message is sent before this returns. The iterator ends after the
        turn's ``done`` or ``error`` event (an ``error`` is yielded, not
        raised)::

            for event in client.chat.stream("Summarise this repo", session_id=sid):
                if event["type"] == "text_delta":
                    print(event["text"], end="")

        Args:
            text: the message.
            session_id: the session to continue; without it a new one is
                created (read it from the iterator's ``session_id``).
            personality_id: the personality that answers.
            on_event: called with each event of the turn as it arrives.
            timeout: seconds the whole operation may take -- sending the
                message (every attempt, and only the retries whose wait fits
                in what is left), connecting the stream and waiting for the
                end of the turn; then :class:`~ethos_sdk.APITimeoutError` is raised and
                the turn is stopped on the server (unless ``detach``).
                ``None``: no limit.
            detach: leave the turn running on the server when the ``with``
                block is left early. By default leaving early -- Ctrl-C, an
                exception, ``break``, ``close()``, the timeout -- stops it
                (a pending tool approval is denied, then :meth:`abort` is
                called, within a couple of seconds, and logged); see
                :class:`~ethos_sdk.TurnStream`.

        Iterating raises :class:`~ethos_sdk.StreamError` as soon as the
        stream sees that the server restarted while the turn was in flight:
        the turn is lost and would never end. Send the message again with the
        same ``session_id`` to carry on.
        """
        return stream_turn(
            self._client, text, session_id=session_id, personality_id=personality_id,
            on_event=on_event, timeout=timeout, detach=detach,
        )

    def ask(
        self,
        text: str,
        *,
        session_id: Optional[str] = None,
        personality_id: str | NotGiven = NOT_GIVEN,
        on_event: Optional[EventCallback] = None,
        timeout: Optional[float] = None,
    ) -> TurnResult:
        """Send a message, wait for the whole reply and return it.

        The result has ``text``, ``session_id``, ``turn_id``, ``usage`` (summed
        over the turn's model calls), ``tool_calls`` and the ``done`` event. To
        print the reply as it comes::

            def show(event):
                if event["type"] == "text_delta":
                    print(event["text"], end="", flush=True)

            reply = client.chat.ask("What is 2+2?", on_event=show)

        Arguments as for :meth:`stream`.

        Raises:
            TurnError: the turn ended with an ``error`` event (``code`` says why).
            APITimeoutError: ``timeout`` seconds passed (send included) before
                the turn ended; the turn was then stopped on the server.
            StreamError: the server restarted while the turn was in flight, so
                it was lost; send the message again on the same session.

        Leaving the call early (Ctrl-C, a timeout, ``on_event`` raising) stops
        the turn on the server, as leaving a :meth:`stream` block does.
        """
        return ask(
            self._client, text, session_id=session_id, personality_id=personality_id,
            on_event=on_event, timeout=timeout,
        )
