"""Types of the ``cron`` namespace: scheduled jobs and their runs."""

# Annotations are evaluated eagerly on purpose (no ``from __future__ import
# annotations``): a TypedDict sees ``NotRequired`` only then, so that
# ``__required_keys__`` and ``__optional_keys__`` are right at run time.

from typing import List, Optional

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "MissedRunPolicy",
    "CronJob",
    "CronJobList",
    "CronJobResult",
    "OkResult",
    "CronRunResult",
    "CronRun",
    "CronHistory",
]

MissedRunPolicy: TypeAlias = Literal["run-once", "skip"]
"""What to do about missed runs: run the job once, or skip them."""


class CronJob(TypedDict):
    """A scheduled job: a prompt sent to a personality on a schedule."""

    id: str
    name: str
    schedule: str
    prompt: str
    personalityId: str
    deliver: Optional[str]
    status: Literal["active", "paused", "done"]
    missedRunPolicy: MissedRunPolicy
    source: Literal["system", "user"]
    """``"system"`` for the server's own jobs, ``"user"`` for the ones people made."""
    systemTask: NotRequired[Optional[str]]
    lastRunAt: Optional[str]
    nextRunAt: Optional[str]
    createdAt: str


class CronJobList(TypedDict):
    """Every scheduled job."""

    jobs: List[CronJob]


class CronJobResult(TypedDict):
    """One scheduled job (from ``get``, ``create``, ``update``)."""

    job: CronJob


class OkResult(TypedDict):
    """``{"ok": True}``: done."""

    ok: Literal[True]


class CronRunResult(TypedDict):
    """What a job produced when run by hand, and when it ran."""

    ok: Literal[True]
    output: str
    ranAt: str


class CronRun(TypedDict):
    """One past run of a job."""

    ranAt: str
    outputPath: str
    """Where the run's output was saved on the server."""
    output: Optional[str]


class CronHistory(TypedDict):
    """Past runs of a job."""

    runs: List[CronRun]
