"""``client.sessions``: list, read, rename, pin, fork, export and delete conversations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Mapping, cast

from .._pagination import PageIterator, iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.sessions import (
        CompactionResult,
        ContextAnatomyResult,
        DeleteResult,
        Session,
        SessionDetail,
        SessionExport,
        SessionPage,
        SessionResult,
        UndoResult,
    )

__all__ = ["Sessions"]


class Sessions(Namespace):
    """The ``sessions`` procedures (stable)."""

    def list(
        self,
        *,
        q: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | None | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionPage:
        """One page of sessions, pinned first, then the most recently updated.

        Args:
            q: only sessions whose title or messages contain this text.
            limit: page size, 1 to 200.
            cursor: ``nextCursor`` of the previous page.
            personality_id: only sessions of this personality.

        The cursor is an offset: sessions that change during a walk shift the
        pages, so an item can repeat or be skipped. :meth:`list_all` walks
        every page for you.

        ``sessions.list`` · stable · API keys need scope ``sessions:read``.
        """
        return cast(
            "SessionPage",
            self._call(
                "sessions.list",
                {"q": q, "limit": limit, "cursor": cursor, "personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_all(
        self,
        *,
        q: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageIterator[Session]:
        """Every session matching the filters, fetching pages of ``limit`` as the loop needs them::

            for session in client.sessions.list_all(q="deploy"):
                print(session["id"], session["title"])
        """

        def fetch(cursor: str | None) -> SessionPage:
            return self.list(
                q=q,
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                personality_id=personality_id,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch)

    def update(
        self,
        id: str,
        title: str | None,
        *,
        expected_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionResult:
        """Rename a session; ``title=None`` clears the title.

        A cleared (or empty) title is generated again, in the background,
        after the session's next turn.

        Args:
            id: the session.
            title: the new title (at most 200 characters), or ``None`` to clear it.
            expected_version: refuse the change (409) unless the session is
                still at this ``version``.

        ``sessions.update`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "SessionResult",
            self._call(
                "sessions.update",
                {"id": id, "title": title, "expectedVersion": expected_version},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        id: str,
        *,
        expected_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DeleteResult:
        """Delete a session and its messages. Deleting it again raises :class:`~ethos_sdk.NotFoundError`.

        ``sessions.delete`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "DeleteResult",
            self._call(
                "sessions.delete",
                {"id": id, "expectedVersion": expected_version},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionDetail:
        """One session with its whole transcript: ``session``, ``messages`` and ``cards``.

        ``messages`` are in order, tool calls and tool results included;
        ``cards`` are the rich results tools produced (tables, charts...), each
        told apart by ``card["envelope"]["kind"]``. An unknown id raises
        :class:`~ethos_sdk.NotFoundError`.

        ``sessions.get`` · stable · API keys need scope ``sessions:read``.
        """
        return cast(
            "SessionDetail",
            self._call(
                "sessions.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def fork(
        self,
        id: str,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        expected_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionResult:
        """Copy a session into a new one and return the copy.

        The copy's ``parentSessionId`` is ``id``; the original is left as it was.

        Args:
            id: the session to copy.
            personality_id: the personality the copy talks to.
            expected_version: refuse (409) unless the session is still at this ``version``.

        ``sessions.fork`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "SessionResult",
            self._call(
                "sessions.fork",
                {"id": id, "personalityId": personality_id, "expectedVersion": expected_version},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def export(
        self,
        id: str,
        format: Literal["markdown"],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionExport:
        """A session as a document (``content``) and a suggested ``filename``::

            doc = client.sessions.export(session_id, "markdown")
            Path(doc["filename"]).write_text(doc["content"])

        Args:
            format: the document format; ``"markdown"`` is the only one.

        ``sessions.export`` · stable · API keys need scope ``sessions:read``.
        """
        return cast(
            "SessionExport",
            self._call(
                "sessions.export",
                {"id": id, "format": format},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pin(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionResult:
        """Pin a session: :meth:`list` puts pinned sessions first.

        ``sessions.pin`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "SessionResult",
            self._call(
                "sessions.pin",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def unpin(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SessionResult:
        """Unpin a session, so that it is listed by last update again.

        ``sessions.unpin`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "SessionResult",
            self._call(
                "sessions.unpin",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def context_anatomy(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ContextAnatomyResult:
        """How the session's context splits into system prompt, tools and messages, in tokens.

        ``result["anatomy"]`` is ``None`` when the server has no figures for
        the session.

        ``sessions.contextAnatomy`` · stable · API keys need scope ``sessions:read``.
        """
        return cast(
            "ContextAnatomyResult",
            self._call(
                "sessions.contextAnatomy",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def undo_turns(
        self,
        id: str,
        *,
        n: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> UndoResult:
        """Remove the last ``n`` turns of a session.

        .. note::
           The server does not route this procedure yet: it is in the
           contract, but every call gets 404 (:class:`~ethos_sdk.NotFoundError`)
           — 403 with an API key, which cannot reach it at all.

        Args:
            n: how many turns to remove.

        ``sessions.undoTurns`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "UndoResult",
            self._call(
                "sessions.undoTurns",
                {"id": id, "n": n},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def compact(
        self,
        id: str,
        *,
        instructions: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CompactionResult:
        """Compact a session's history into fewer tokens.

        The answer gives the token totals before and after, and the compaction
        engine used.

        Args:
            instructions: extra guidance for the compaction, in your own words.

        ``sessions.compact`` · stable · API keys need scope ``sessions:write``.
        """
        return cast(
            "CompactionResult",
            self._call(
                "sessions.compact",
                {"id": id, "instructions": instructions},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
