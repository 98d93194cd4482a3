"""``client.batch``: run many prompts as one job and read its output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, FrozenSet, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.batch import BatchRunList, BatchRunResult, RunOutput

__all__ = ["Batch"]


class Batch(Namespace):
    """The ``batch`` procedures (experimental)."""

    FINAL_STATUSES: FrozenSet[str] = frozenset({"completed", "failed"})
    """The statuses of a run that has ended (``"pending"`` and ``"running"`` are not)."""

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

    def wait(
        self,
        run_id: str,
        *,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[BatchRunResult], None]] = None,
    ) -> BatchRunResult:
        """Wait until a batch run has ended; return it as :meth:`get` does.

        Returns once ``result["run"]["status"]`` is final: ``"completed"`` or
        ``"failed"`` (then ``errorMessage`` says why). The server has no event
        stream for batch runs, so the run is read again and again: often at
        first and after each change (1 s apart at least), then less often (every
        5 s at most)::

            run = client.batch.start('{"id": "t1", "prompt": "Hello"}')["run"]
            result = client.batch.wait(
                run["id"], timeout=3600,
                on_progress=lambda r: print(r["run"]["completed"], "of", r["run"]["total"]),
            )
            print(result["run"]["status"], client.batch.output(run["id"])["content"])

        Args:
            run_id: the run, as :meth:`start` returned it.
            timeout: seconds to wait in all, reads included: each read gets
                what is left, and a read that fails in a way that may pass
                (429, 5xx, a dropped connection) is tried again until then.
                ``None`` (default): as long as it takes.
            on_progress: called with the run each time it changed since the
                last read (its status or its counts), and once with the
                first read. Changes between two reads are seen together.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (the message names the
                last read's failure, if it failed); ``last_status`` says
                where the run was (it goes on on the server).
            BadRequestError: there is no such run (the server says so with a 400).

        ``batch.get`` · experimental · cookie authentication only (API keys get 403).
        """
        from .._waiting import wait_until_final

        return wait_until_final(
            self._client,
            lambda client: client.batch.get(run_id),
            ("run", "status"),
            self.FINAL_STATUSES,
            procedure="batch.get",
            what=f"batch run {run_id}",
            timeout=timeout,
            on_progress=on_progress,
            min_interval=1.0,
        )
