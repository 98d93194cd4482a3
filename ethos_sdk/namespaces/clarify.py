"""``client.clarify``: answer the questions the agent asks while it works."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.clarify import AnswerSource, Ok, PendingQuestion

__all__ = ["Clarify"]


class Clarify(Namespace):
    """The ``clarify`` procedures (experimental).

    A question arrives as a ``clarify.request`` event on the session's stream;
    :meth:`list_pending` finds the ones still open, :meth:`respond` answers one.
    """

    def respond(
        self,
        request_id: str,
        answer: str,
        source: AnswerSource,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Answer a question the agent asked.

        Args:
            request_id: the question's ``requestId``.
            answer: the answer's text.
            source: ``"user"`` for an answer, ``"cancel"`` to withdraw the question.

        ``clarify.respond`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Ok",
            self._call(
                "clarify.respond",
                {"requestId": request_id, "answer": answer, "source": source},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_pending(
        self,
        root_session_key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> List[PendingQuestion]:
        """The questions still waiting for an answer under one session.

        Args:
            root_session_key: the ``key`` of the session the work started from
                (``session["key"]``, e.g. ``"web:<uuid>"``), not its ``id``.

        ``clarify.listPending`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "List[PendingQuestion]",
            self._call(
                "clarify.listPending",
                {"rootSessionKey": root_session_key},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
