"""Types of the ``eval`` namespace: evaluation runs scored against expected outputs."""

from typing import List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = ["RunStatus", "Scorer", "EvalRun", "EvalRunList", "EvalRunResult", "RunOutput"]

RunStatus: TypeAlias = Literal["pending", "running", "completed", "failed"]
"""Where a run is: ``"completed"`` and ``"failed"`` are final."""

Scorer: TypeAlias = Literal["exact", "contains", "regex", "llm"]
"""How an answer is compared with the expected one."""


class EvalRun(TypedDict):
    """One evaluation run and its scores so far."""

    id: str
    status: RunStatus
    scorer: Scorer
    total: int
    passed: int
    failed: int
    avgScore: float
    """Between 0 and 1."""
    startedAt: str
    finishedAt: Optional[str]
    """``None`` until the run ends."""
    outputPath: str
    """Where the server writes the run's results (read them with ``eval.output``)."""
    errorMessage: Optional[str]
    """Why the run failed, or ``None``."""


class EvalRunList(TypedDict):
    """Every evaluation run the server knows."""

    runs: List[EvalRun]


class EvalRunResult(TypedDict):
    """One evaluation run (``eval.start``, ``eval.get``)."""

    run: EvalRun


class RunOutput(TypedDict):
    """The results a run has written so far, as text."""

    content: str
