"""Types of the ``evolver`` namespace: the skill evolver's settings, proposals and runs."""

from typing import List, Optional

from typing_extensions import Literal, TypedDict

__all__ = [
    "EvolverConfig",
    "EvolverConfigResult",
    "PendingSkill",
    "PendingSkillList",
    "SkippedProposal",
    "EvolverRun",
    "EvolverHistory",
    "OkResult",
]


class EvolverConfig(TypedDict):
    """When the evolver proposes rewriting a skill or writing a new one."""

    rewriteThreshold: float
    """Between 0 and 1."""
    newSkillPatternThreshold: float
    """Between 0 and 1."""
    minRunsBeforeEvolve: int
    minPatternCount: int
    autoApprove: bool
    """Apply proposals without waiting for ``evolver.pending_approve``."""


class EvolverConfigResult(TypedDict):
    """The evolver's settings, as ``config_get`` reads them and ``config_update`` leaves them."""

    config: EvolverConfig


class PendingSkill(TypedDict):
    """A skill the evolver proposes, waiting for approval."""

    id: str
    name: str
    description: Optional[str]
    body: str
    """The proposed skill text."""
    proposedAt: str


class PendingSkillList(TypedDict):
    """Every proposal waiting for approval."""

    pending: List[PendingSkill]


class SkippedProposal(TypedDict):
    """A change an evolver run considered and did not propose, with the reason."""

    kind: Literal["rewrite", "new"]
    target: str
    reason: str


class EvolverRun(TypedDict):
    """One run of the evolver and what it proposed."""

    ranAt: str
    evalOutputPath: str
    """The evaluation output the run learned from."""
    rewritesProposed: int
    newSkillsProposed: int
    skipped: List[SkippedProposal]


class EvolverHistory(TypedDict):
    """Past runs of the evolver."""

    runs: List[EvolverRun]


class OkResult(TypedDict):
    """``{"ok": True}``: the proposal was handled."""

    ok: Literal[True]
