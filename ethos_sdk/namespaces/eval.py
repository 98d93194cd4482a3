"""``client.eval``: evaluation runs that score answers against expected outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.eval import EvalRunList, EvalRunResult, RunOutput, Scorer

__all__ = ["Eval"]


class Eval(Namespace):
    """The ``eval`` procedures (experimental)."""

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
