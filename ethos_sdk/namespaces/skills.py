"""``client.skills``: list, read, write and delete the skills agents can load."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.skills import OkResult, SkillList, SkillResult

__all__ = ["Skills"]


class Skills(Namespace):
    """The ``skills`` procedures (experimental; cookie authentication only)."""

    def list(
        self,
        *,
        include_unavailable: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillList:
        """The skills, and how many are pending.

        Args:
            include_unavailable: also list skills that cannot be used right now
                (their ``unavailableReason`` says why).

        ``skills.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillList",
            self._call(
                "skills.list",
                {"includeUnavailable": include_unavailable},
                idempotent=True,
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
    ) -> SkillResult:
        """One skill, with its body and frontmatter.

        ``skills.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillResult",
            self._call(
                "skills.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create(
        self,
        id: str,
        body: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillResult:
        """Create a skill. An id already taken raises :class:`~ethos_sdk.ConflictError`.

        Args:
            id: letters, digits, ``_`` and ``-`` only.
            body: the skill's text.

        ``skills.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillResult",
            self._call(
                "skills.create",
                {"id": id, "body": body},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update(
        self,
        id: str,
        body: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillResult:
        """Replace the text of a skill.

        ``skills.update`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillResult",
            self._call(
                "skills.update",
                {"id": id, "body": body},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Delete a skill.

        ``skills.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "skills.delete",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
