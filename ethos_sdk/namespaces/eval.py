"""``client.eval``: evaluation runs that score answers against expected outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, FrozenSet, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.eval import EvalRunList, EvalRunResult, RunOutput, Scorer

__all__ = ["Eval"]


class Eval(Namespace):
    """The ``eval`` procedures (experimental)."""

    FINAL_STATUSES: FrozenSet[str] = frozenset({"completed", "failed"})
    """The statuses of a run that has ended (``"pending"`` and ``"running"`` are not)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> EvalRunList:
        """Every evaluation run, with its status and scores.

        ``eval.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvalRunList",
            self._call(
                "eval.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def start(
        self,
        tasks_jsonl: str,
        expected_jsonl: str,
        *,
        scorer: Scorer | NotGiven = NOT_GIVEN,
        concurrency: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> EvalRunResult:
        """Start an evaluation run; it goes on in the background (follow it with :meth:`get`).

        Args:
            tasks_jsonl: the tasks as JSON Lines text, one task per line.
            expected_jsonl: the expected answers as JSON Lines text.
            scorer: how answers are compared: ``"exact"``, ``"contains"``,
                ``"regex"`` or ``"llm"``.
            concurrency: how many tasks run at once, 1 to 16.

        ``eval.start`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvalRunResult",
            self._call(
                "eval.start",
                {
                    "tasksJsonl": tasks_jsonl,
                    "expectedJsonl": expected_jsonl,
                    "scorer": scorer,
                    "concurrency": concurrency,
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
    ) -> EvalRunResult:
        """One evaluation run's status and scores.

        ``eval.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "EvalRunResult",
            self._call(
                "eval.get",
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
        """The results an evaluation run has written, as text in ``content``.

        ``eval.output`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RunOutput",
            self._call(
                "eval.output",
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
        on_progress: Optional[Callable[[EvalRunResult], None]] = None,
    ) -> EvalRunResult:
        """Wait until an evaluation run has ended; return it as :meth:`get` does.

        Returns once ``result["run"]["status"]`` is final: ``"completed"`` or
        ``"failed"`` (then ``errorMessage`` says why). The server has no event
        stream for evaluation runs, so the run is read again and again: often at
        first and after each change (1 s apart at least), then less often (every
        5 s at most)::

            run = client.eval.start(tasks_jsonl, expected_jsonl)["run"]
            result = client.eval.wait(
                run["id"], timeout=3600,
                on_progress=lambda r: print(r["run"]["passed"], "passed so far"),
            )
            print(result["run"]["status"], result["run"]["avgScore"])

        Args:
            run_id: the run, as :meth:`start` returned it.
            timeout: seconds to wait in all, reads included: each read gets
                what is left, and a read that fails in a way that may pass
                (429, 5xx, a dropped connection) is tried again until then.
                ``None`` (default): as long as it takes.
            on_progress: called with the run each time it changed since the
                last read (its status, counts or score), and once with the
                first read. Changes between two reads are seen together.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (the message names the
                last read's failure, if it failed); ``last_status`` says
                where the run was (it goes on on the server).
            BadRequestError: there is no such run (the server says so with a 400).

        ``eval.get`` · experimental · cookie authentication only (API keys get 403).
        """
        from .._waiting import wait_until_final

        return wait_until_final(
            self._client,
            lambda client: client.eval.get(run_id),
            ("run", "status"),
            self.FINAL_STATUSES,
            procedure="eval.get",
            what=f"eval run {run_id}",
            timeout=timeout,
            on_progress=on_progress,
            min_interval=1.0,
        )
