"""``client.evolver``: the skill evolver's settings, its pending proposals and its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.evolver import EvolverConfigResult, EvolverHistory, OkResult, PendingSkillList

__all__ = ["Evolver"]


class Evolver(Namespace):
    """The ``evolver`` procedures (experimental).

    The evolver learns from evaluation runs and proposes rewritten or new
    skills; proposals wait in a queue until approved or rejected, unless
    ``autoApprove`` is on.
    """

    def config_get(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> EvolverConfigResult:
        """The evolver's current settings.

        ``evolver.configGet`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvolverConfigResult",
            self._call(
                "evolver.configGet",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def config_update(
        self,
        rewrite_threshold: float,
        new_skill_pattern_threshold: float,
        min_runs_before_evolve: int,
        min_pattern_count: int,
        auto_approve: bool,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> EvolverConfigResult:
        """Replace the evolver's settings (all of them are required) and return them.

        Args:
            rewrite_threshold: between 0 and 1.
            new_skill_pattern_threshold: between 0 and 1.
            min_runs_before_evolve: runs to wait for before the evolver proposes anything.
            min_pattern_count: how often a pattern must occur before it counts.
            auto_approve: apply proposals at once instead of queueing them.

        ``evolver.configUpdate`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvolverConfigResult",
            self._call(
                "evolver.configUpdate",
                {
                    "rewriteThreshold": rewrite_threshold,
                    "newSkillPatternThreshold": new_skill_pattern_threshold,
                    "minRunsBeforeEvolve": min_runs_before_evolve,
                    "minPatternCount": min_pattern_count,
                    "autoApprove": auto_approve,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PendingSkillList:
        """The skills the evolver proposes that wait for approval.

        ``evolver.pendingList`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PendingSkillList",
            self._call(
                "evolver.pendingList",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_approve(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Approve a pending proposal.

        Args:
            id: the proposal's ``id`` from :meth:`pending_list`.

        ``evolver.pendingApprove`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "evolver.pendingApprove",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_reject(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Reject a pending proposal.

        Args:
            id: the proposal's ``id`` from :meth:`pending_list`.

        ``evolver.pendingReject`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "evolver.pendingReject",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def history(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> EvolverHistory:
        """Past evolver runs: what each proposed and what it skipped, and why.

        Args:
            limit: how many runs, 1 to 100.

        ``evolver.history`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvolverHistory",
            self._call(
                "evolver.history",
                {"limit": limit},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
