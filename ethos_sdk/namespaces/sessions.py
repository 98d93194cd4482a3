"""``client.sessions``: list, read, rename, pin, fork, export and delete conversations."""

from __future__ import annotations

from typing import Iterator, Mapping, cast

from .._pagination import iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ..types.sessions import DeleteResult, Session, SessionPage, SessionResult
from ._base import Namespace

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
            SessionPage,
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
    ) -> Iterator[Session]:
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
            SessionResult,
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
            DeleteResult,
            self._call(
                "sessions.delete",
                {"id": id, "expectedVersion": expected_version},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
