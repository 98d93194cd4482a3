"""``client.cron``: scheduled jobs that send a prompt to a personality, and their runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.cron import (
        CronHistory,
        CronJobList,
        CronJobResult,
        CronRunResult,
        MissedRunPolicy,
        OkResult,
    )

__all__ = ["Cron"]


class Cron(Namespace):
    """The ``cron`` procedures (experimental; cookie authentication only)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronJobList:
        """Every scheduled job, with its status and its last and next run.

        ``cron.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronJobList",
            self._call(
                "cron.list", None, idempotent=True, timeout=timeout, extra_headers=extra_headers
            ),
        )

    def get(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronJobResult:
        """One scheduled job.

        ``cron.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronJobResult",
            self._call(
                "cron.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create(
        self,
        name: str,
        schedule: str,
        prompt: str,
        personality_id: str,
        *,
        missed_run_policy: MissedRunPolicy | NotGiven = NOT_GIVEN,
        notify_in_app: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronJobResult:
        """Schedule a prompt to be sent to a personality::

            client.cron.create("morning brief", "0 8 * * *", "Summarise my inbox", "ada")

        Args:
            name: what to call the job.
            schedule: when to run it.
            prompt: what to send.
            personality_id: the personality that answers.
            missed_run_policy: ``"run-once"`` or ``"skip"``: what to do about
                runs that were missed.
            notify_in_app: whether to notify in the app.

        ``cron.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronJobResult",
            self._call(
                "cron.create",
                {
                    "name": name,
                    "schedule": schedule,
                    "prompt": prompt,
                    "personalityId": personality_id,
                    "missedRunPolicy": missed_run_policy,
                    "notifyInApp": notify_in_app,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update(
        self,
        id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        schedule: str | NotGiven = NOT_GIVEN,
        prompt: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronJobResult:
        """Change a scheduled job; what is left out stays as it is.

        ``cron.update`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronJobResult",
            self._call(
                "cron.update",
                {
                    "id": id,
                    "name": name,
                    "schedule": schedule,
                    "prompt": prompt,
                    "personalityId": personality_id,
                },
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
        """Delete a scheduled job.

        ``cron.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "cron.delete",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pause(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Pause a scheduled job until :meth:`resume`.

        ``cron.pause`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "cron.pause",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def resume(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Resume a paused job.

        ``cron.resume`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "cron.resume",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def run_now(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronRunResult:
        """Run a job now, outside its schedule, and return what it produced.

        ``cron.runNow`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronRunResult",
            self._call(
                "cron.runNow",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def history(
        self,
        id: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CronHistory:
        """Past runs of a job.

        Args:
            id: the job.
            limit: how many runs, 1 to 100.

        ``cron.history`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CronHistory",
            self._call(
                "cron.history",
                {"id": id, "limit": limit},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
