"""Types of the ``batch`` namespace: batch runs of many prompts."""

from typing import List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = ["RunStatus", "BatchRun", "BatchRunList", "BatchRunResult", "RunOutput"]

RunStatus: TypeAlias = Literal["pending", "running", "completed", "failed"]
"""Where a run is: ``"completed"`` and ``"failed"`` are final."""


class BatchRun(TypedDict):
    """One batch run and its progress so far."""

    id: str
    status: RunStatus
    total: int
    completed: int
    failed: int
    skipped: int
    startedAt: str
    finishedAt: Optional[str]
    """``None`` until the run ends."""
    outputPath: str
    """Where the server writes the run's results (read them with ``batch.output``)."""
    errorMessage: Optional[str]
    """Why the run failed, or ``None``."""


class BatchRunList(TypedDict):
    """Every batch run the server knows."""

    runs: List[BatchRun]


class BatchRunResult(TypedDict):
    """One batch run (``batch.start``, ``batch.get``)."""

    run: BatchRun


class RunOutput(TypedDict):
    """The results a run has written so far, as text."""

    content: str
