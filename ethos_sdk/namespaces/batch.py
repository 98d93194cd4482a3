"""``client.batch``: run many prompts as one job and read its output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.batch import BatchRunList, BatchRunResult, RunOutput

__all__ = ["Batch"]


class Batch(Namespace):
    """The ``batch`` procedures (experimental)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BatchRunList:
        """Every batch run, with its status and counts.

        ``batch.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "BatchRunList",
            self._call(
                "batch.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def start(
        self,
        tasks_jsonl: str,
        *,
        concurrency: int | NotGiven = NOT_GIVEN,
        default_personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BatchRunResult:
        """Start a batch run; it goes on in the background (follow it with :meth:`get`).

        Args:
            tasks_jsonl: the tasks as JSON Lines text, one task per line.
            concurrency: how many tasks run at once, 1 to 16.
            default_personality_id: the personality for tasks that name none.

        ``batch.start`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "BatchRunResult",
            self._call(
                "batch.start",
                {
                    "tasksJsonl": tasks_jsonl,
                    "concurrency": concurrency,
                    "defaultPersonalityId": default_personality_id,
                },
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
    ) -> BatchRunResult:
        """One batch run's status and counts.

        ``batch.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "BatchRunResult",
            self._call(
                "batch.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def output(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RunOutput:
        """The results a batch run has written, as text in ``content``.

        ``batch.output`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RunOutput",
            self._call(
                "batch.output",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
