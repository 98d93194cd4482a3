"""``client.chat``: start a turn, steer it while it runs, or abort it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Optional, Sequence, Union, cast, overload

from .._hitl import ApprovalPolicy, QuestionPolicy
from .._turn import EventCallback, TurnOptions, TurnResult, TurnStream, ask, stream_turn
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .._files import FileInput
    from .._many import ProgressCallback, TurnResults
    from ..types.chat import Attachment, Ok, SteerResult, TurnReceipt

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
        files: Optional[Sequence[FileInput]] = None,
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
            attachments: files or images sent with the message, already in
                the wire's shape (base64 ``data``, ``mimeType``).
            files: files or images to send, read and encoded by the SDK: paths,
                ``(name, bytes)`` pairs, :class:`~ethos_sdk.File`\\ s or binary
                file objects (see :doc:`/streaming`, "Sending files"). They
                are sent after ``attachments``. At most 10 attachments and
                10 MiB of them in all (the server's limits), checked before
                sending: :class:`~ethos_sdk.ConfigurationError` otherwise, and
                nothing is sent.

        ``chat.send`` · stable · API keys need scope ``chat:send``.
        """
        if isinstance(client_id, NotGiven):
            client_id = self._client.client_id
        if files is not None:
            from .._files import attachments_for  # dataclasses and mimetypes only for a call with files

            attachments = attachments_for(files, () if isinstance(attachments, NotGiven) else attachments)
        return cast(
            "TurnReceipt",
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
            "Ok",
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
            "SteerResult",
            self._call(
                "chat.steer",
                {"sessionId": session_id, "text": text},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # -- following a turn (not procedures: chat.send plus the session's event stream) --

    def stream(
        self,
        text: str,
        *,
        session_id: Optional[str] = None,
        personality_id: str | NotGiven = NOT_GIVEN,
        on_event: Optional[EventCallback] = None,
        timeout: Timeout = None,
        files: Optional[Sequence[FileInput]] = None,
        on_approval: Optional[ApprovalPolicy] = None,
        on_question: Optional[QuestionPolicy] = None,
        detach: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
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
                the turn is stopped on the server (unless ``detach``): an
                approval it waits on is denied first (the server would keep it
                parked), and the error says what it was waiting for.
                ``None``: no limit. A ``(connect, read)`` pair sets no limit
                on the whole turn but bounds each step instead: ``connect``
                each connection, ``read`` the answer to ``chat.send`` and the
                silence between two events of the turn (the same error, and
                the turn is stopped the same way, when the turn sends nothing
                for that long -- a tool that works quietly, or a wait for a
                person, counts as silence).
            on_approval: who allows the tool calls that need approval:
                ``"approve"`` (scope ``once``), ``"deny"``, ``"prompt"`` (asks
                with ``input()``, in a terminal or a notebook), or a function
                ``f(request: ApprovalRequest)`` returning ``True`` (approve
                once), ``False`` (deny), a scope (``"once"``, ``"exact-args"``,
                ``"any-args"``), or ``None`` after answering the request itself
                (``request.deny("why")``) or to leave it to you. The scopes
                ``exact-args`` and ``any-args`` add a permanent server
                allowlist entry that no procedure removes. Without a policy the
                ``tool.approval_required`` event is yielded, :attr:`TurnStream.pending`
                holds the :class:`~ethos_sdk.ApprovalRequest`, and
                ``turn.approve()`` / ``turn.deny(reason)`` answer it.
            on_question: who answers the agent's questions (the ``clarify``
                tool): a string (the answer), ``"prompt"``, or a function
                ``f(question: Question) -> str``. Without one the
                ``clarify.request`` event is yielded and ``turn.answer(text)``
                answers it. The server takes answers only with the web cookie:
                with an API key a question raises
                :class:`~ethos_sdk.QuestionAsked` at once when a policy was
                given (it could not be applied).
            files: files or images to send with the message, as for
                :meth:`send` (read, and checked against the server's limits,
                before anything is sent).
            detach: leave the turn running on the server when the ``with``
                block is left early. By default leaving early -- Ctrl-C, an
                exception, ``break``, ``close()``, the timeout -- stops it
                (a pending tool approval is denied, then :meth:`abort` is
                called, within a couple of seconds, and logged); see
                :class:`~ethos_sdk.TurnStream`.
            extra_headers: headers added to every request of the turn (the
                send, the stream, an approval denied and the abort on leaving).

        Raises:
            ConfigurationError: a ``timeout`` that is not a number of seconds
                above 0, a ``(connect, read)`` pair of them or ``None``, or
                ``extra_headers`` that cannot be sent; nothing is sent.

        Iterating raises :class:`~ethos_sdk.StreamError` as soon as the
        stream sees that the server restarted while the turn was in flight:
        the turn is lost and would never end. Send the message again with the
        same ``session_id`` to carry on.
        """
        options = TurnOptions(
            session_id=session_id, personality_id=personality_id, on_event=on_event, timeout=timeout, files=files,
            on_approval=on_approval, on_question=on_question, detach=detach, extra_headers=extra_headers,
        )
        return stream_turn(self._client, text, options)

    def ask(
        self,
        text: str,
        *,
        session_id: Optional[str] = None,
        personality_id: str | NotGiven = NOT_GIVEN,
        on_event: Optional[EventCallback] = None,
        timeout: Timeout = None,
        files: Optional[Sequence[FileInput]] = None,
        on_approval: Optional[ApprovalPolicy] = None,
        on_question: Optional[QuestionPolicy] = None,
        detach: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> TurnResult:
        """Send a message, wait for the whole reply and return it.

        The result has ``text``, ``session_id``, ``turn_id``, ``usage`` (summed
        over the turn's model calls), ``tool_calls`` and the ``done`` event. To
        print the reply as it comes::

            def show(event):
                if event["type"] == "text_delta":
                    print(event["text"], end="", flush=True)

            reply = client.chat.ask("What is 2+2?", on_event=show)

        Arguments as for :meth:`stream`. A turn may stop to wait for a person;
        ``on_approval`` and ``on_question`` answer for them, and the result's
        ``approvals`` and ``questions`` say how each request was settled. A
        rule compares the whole command, never a prefix (``"rm -rf build; rm
        -rf ~"`` starts with ``"rm -rf build"``): no shell syntax in it, and
        the words ``shlex`` splits it into equal to an allowed command::

            import shlex

            def tidy_only(request):
                command = request.args.get("command", "")
                if request.tool_name != "terminal" or set(";&|$`<>()\\\\\\n\\r") & set(command):
                    return False
                try:
                    return shlex.split(command) == ["rm", "-rf", "build"]
                except ValueError:  # an unclosed quote
                    return False

            reply = client.chat.ask("Tidy the build directory", personality_id="engineer",
                                    on_approval=tidy_only)

        Raises:
            ApprovalRequired: a tool call needs approval and no ``on_approval``
                was given (raised as soon as the request arrives). The turn is
                not stopped: ``e.request.approve()`` (or ``.deny()``), then
                ``e.turn.result()`` finishes it.
            QuestionAsked: the agent asked a question and no ``on_question``
                was given, or this client uses an API key, with which the
                server takes no answers (the message says how to answer with
                the web cookie). ``e.turn`` goes on as above.
            TurnError: the turn ended with an ``error`` event (``code`` says why).
            APITimeoutError: ``timeout`` seconds passed (send included) before
                the turn ended; the turn was then stopped on the server.
            StreamError: the server restarted while the turn was in flight, so
                it was lost; send the message again on the same session.
            ConfigurationError: a bad ``timeout`` or ``extra_headers``
                (see :meth:`stream`); nothing is sent.

        Leaving the call early (Ctrl-C, a timeout, ``on_event`` raising) stops
        the turn on the server, as leaving a :meth:`stream` block does, unless
        ``detach=True``: then the turn runs on, and :meth:`follow` joins it
        later.
        """
        options = TurnOptions(
            session_id=session_id, personality_id=personality_id, on_event=on_event, timeout=timeout, files=files,
            on_approval=on_approval, on_question=on_question, detach=detach, extra_headers=extra_headers,
        )
        return ask(self._client, text, options)

    @overload
    def ask_many(
        self,
        items: Iterable[Union[str, Mapping[str, Any]]],
        *,
        max_concurrency: int = 8,
        on_error: Literal["raise"] = "raise",
        progress: Union[bool, ProgressCallback] = False,
        executor: Optional[Executor] = None,
        **options: Any,
    ) -> TurnResults[TurnResult]: ...

    @overload
    def ask_many(
        self,
        items: Iterable[Union[str, Mapping[str, Any]]],
        *,
        max_concurrency: int = 8,
        on_error: Literal["return"],
        progress: Union[bool, ProgressCallback] = False,
        executor: Optional[Executor] = None,
        **options: Any,
    ) -> TurnResults[Union[TurnResult, Exception]]: ...

    def ask_many(
        self,
        items: Iterable[Union[str, Mapping[str, Any]]],
        *,
        max_concurrency: int = 8,
        on_error: Literal["raise", "return"] = "raise",
        progress: Union[bool, ProgressCallback] = False,
        executor: Optional[Executor] = None,
        **options: Any,
    ) -> TurnResults[Any]:
        """Run one turn per item, several at once, and return every result in the order of the items.

        Each item is a message (a ``str``) or a dict of :meth:`ask` arguments
        with ``"text"`` (``session_id``, ``personality_id``, ``files``,
        ``timeout``...); ``options`` are :meth:`ask`'s keyword arguments for
        every item (``on_approval``, ``timeout``, ``personality_id``...), and
        an item's own keys win over them::

            results = client.chat.ask_many(
                [f"Summarise ticket {t['id']}: {t['body']}" for t in tickets],
                personality_id="support", timeout=300, progress=True,
            )
            for ticket, reply in zip(tickets, results):
                print(ticket["id"], reply.text)
            print(results.usage.output_tokens, "tokens")

        Args:
            items: the messages, or dicts of ``chat.ask`` arguments.
            max_concurrency: turns running at the same time (default 8). In
                threads of this process it never exceeds half the client's
                connection pool (``max_connections``, 100 by default; a turn
                holds its event stream and makes calls beside it); a lower
                figure is used, and logged, when asked for more.
            on_error: ``"raise"`` (default): the first item that fails stops
                the others (items not started never start, turns in flight
                are stopped on the server) and its error is raised.
                ``"return"``: the error takes the item's place in the results
                and the run goes on; ``results.failed`` lists them.
            progress: ``True`` draws a progress bar with tqdm when it is
                installed (a widget in a notebook), else a one-line counter on
                stderr; a function is called as ``f(done, total, result)`` in
                this thread after each item.
            executor: where the turns run. Default: threads of this process,
                through this client. Any ``concurrent.futures.Executor`` --
                a ``ProcessPoolExecutor`` (any start method), a Dask
                ``distributed.Client(...).get_executor()`` -- runs them in its
                workers instead; what travels there is the client's settings
                **with its credential** (``to_config(include_credentials=True)``),
                the item and the options, so the options must pickle (a
                function at the top level of a module, not a lambda: checked
                before anything is sent). Each worker process makes one client
                and keeps it. A ``ThreadPoolExecutor`` runs them in its threads
                through this client.

        A turn that waits for a person with nothing set to answer (no
        ``on_approval``/``on_question``) is stopped -- its request denied,
        the turn aborted -- and its item is the :class:`~ethos_sdk.ApprovalRequired`
        or :class:`~ethos_sdk.QuestionAsked` error, which pickles.

        Leaving early stops everything: Ctrl-C (or any exception) while it
        runs stops every turn it has in flight in this process on the server,
        within about two seconds, and logs how many. Turns already running in
        another process's workers run to their end there (a terminal's
        Ctrl-C reaches a process pool's workers too). ``on_event`` is called
        from the threads that run the turns.

        Returns:
            :class:`~ethos_sdk.TurnResults`: a sequence of
            :class:`~ethos_sdk.TurnResult` (and errors, with
            ``on_error="return"``), with ``usage`` (summed), ``failed`` and
            ``to_pandas()``.

        Raises:
            ConfigurationError: a bad item (neither a str nor a dict with
                ``"text"``, or an unknown key), option, ``on_error``,
                ``max_concurrency``, ``progress`` or ``executor``, or options
                that do not pickle with an executor; nothing is sent.
            ClientClosedError: the client is closed, or was closed while the
                run went on.
        """
        from .._many import ask_many

        return ask_many(
            self._client, items, max_concurrency=max_concurrency, on_error=on_error, progress=progress,
            executor=executor, options=options,
        )

    def follow(
        self,
        session_id: str,
        *,
        on_event: Optional[EventCallback] = None,
        timeout: Timeout = None,
        on_approval: Optional[ApprovalPolicy] = None,
        on_question: Optional[QuestionPolicy] = None,
        detach: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> TurnStream:
        """Join the turn running on a session -- started by ``chat.send``, another script, the web UI -- and follow it.

        The :class:`~ethos_sdk.TurnStream` it returns is the one
        :meth:`stream` returns: it yields every event of that turn from its
        ``run_start`` (the ones that already happened come from the server's
        buffer), each once, up to ``done`` or ``error``, and ``result()``
        waits for the whole reply::

            receipt = client.chat.send("Write the release notes", session_id=sid)
            ...  # later, or in another process
            with client.chat.follow(sid) as turn:
                for text in turn.text_stream:
                    print(text, end="", flush=True)

        When no turn runs, it is the last turn the buffer holds, already
        ended: iterating gives its events and ``result()`` returns at once.
        Which turn is the last is never guessed from a silence in the
        server's replay (a proxy holding it back looks the same): the first
        live event of the session bounds the replay, and when none comes
        the saved conversation (one ``sessions.get``) must end with the
        turn read. Where neither can tell, it raises
        :class:`~ethos_sdk.StreamError` after ten seconds (or the
        ``timeout`` error) instead of joining a turn that may be older (see
        "Joining a turn that is already running" in the streaming guide).

        A joined turn is yours as a streamed one is: leaving it early (Ctrl-C,
        an exception, ``break`` out of the ``with`` block, ``timeout``) stops
        it on the server, unless ``detach=True`` (to watch a turn that
        someone else owns). A tool approval or question it waits on is
        yielded, or answered by ``on_approval`` / ``on_question``, as in
        :meth:`stream`. ``turn_id`` is ``""``: the events carry only the
        turn's ``traceId`` (in its ``done`` event).

        Args:
            session_id: the session whose turn to join.
            on_event, timeout, on_approval, on_question, detach, extra_headers:
                as for :meth:`stream`; ``timeout`` counts from this call.

        Raises:
            NotFoundError: no session has this id.
            TurnNotFoundError: the server's buffer holds no turn of the
                session (it keeps a session's last 1000 events in memory, and
                drops them five minutes after the last subscriber left, and at
                a restart); ``client.sessions.get(session_id)`` has the saved
                conversation.
            StreamError: the end of the server's replay could not be told
                within ten seconds (nothing was joined); while iterating, as
                for :meth:`stream` (the server restarted and lost the turn).
            APITimeoutError: ``timeout`` passed, while finding the turn or
                following it (the turn running on the session is stopped).
        """
        options = TurnOptions(
            on_event=on_event, timeout=timeout, on_approval=on_approval, on_question=on_question, detach=detach,
            extra_headers=extra_headers,
        )
        return TurnStream._join(self._client, session_id, options)

