"""Types of the ``personalities`` namespace: agent profiles, their skills and living soul.

A personality is one agent configuration: its model, tools, file-system reach,
MCP servers and the optional settings for dreaming, skill evolution, nightly
review and voice. Keys are the server's own, which mix ``camelCase``
(``streamingTimeoutMs``) and ``snake_case`` (``mcp_servers``).
"""

# No ``from __future__ import annotations`` here: evaluated annotations let each
# TypedDict's ``__optional_keys__`` list its ``NotRequired`` keys correctly.
from typing import Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "ProviderName",
    "ModelTiers",
    "FsReach",
    "FsReachParam",
    "DreamingSettings",
    "SkillEvolutionSettings",
    "InitialSkillEvolution",
    "SafetySettings",
    "MemorySettings",
    "DisplaySettings",
    "NightlyJudgeSettings",
    "NightlySettings",
    "VoiceSettings",
    "VoiceSettingsParam",
    "Personality",
    "PersonalityPage",
    "McpServerPolicy",
    "McpPolicy",
    "PersonalityDetail",
    "PersonalityResult",
    "SandboxMount",
    "DockerAbsence",
    "SandboxPosture",
    "CharacterSheet",
    "Renderers",
    "Skill",
    "SkillList",
    "SkillResult",
    "ImportedSkills",
    "SkillCandidate",
    "SkillCandidateList",
    "CandidateApproval",
    "OkResult",
    "LearningLogEntry",
    "DimensionScore",
    "JudgeVerdict",
    "NightlyRun",
    "LivingSoul",
    "ExpressionProposal",
    "ExpressionRevision",
    "ExpressionRevert",
    "SoulSplit",
]

ProviderName: TypeAlias = Literal[
    "anthropic", "openai", "openrouter", "openai-compat", "ollama", "azure", "codex", ""
]
"""An LLM provider a personality can be pinned to; ``""`` is accepted as well."""


# --- the settings blocks of a personality ------------------------------------


class ModelTiers(TypedDict):
    """One model per kind of work, instead of a single model name."""

    trivial: NotRequired[str]
    default: NotRequired[str]
    deep: NotRequired[str]


class FsReach(TypedDict):
    """Where a personality may read and write files, as the server reports it."""

    read: Optional[List[str]]
    write: Optional[List[str]]
    workdir: Optional[str]


class FsReachParam(TypedDict):
    """The file-system reach to set on a personality; leave out what you do not set."""

    read: NotRequired[List[str]]
    write: NotRequired[List[str]]
    workdir: NotRequired[str]


class DreamingSettings(TypedDict):
    """Whether the personality "dreams" while idle, and how often."""

    enable: bool
    idleMinutes: NotRequired[int]
    maxPerDay: NotRequired[int]


class SkillEvolutionSettings(TypedDict):
    """How the personality turns its work into new or improved skills."""

    enabled: NotRequired[bool]
    min_tool_calls: NotRequired[int]
    cooldown_minutes: NotRequired[int]
    model: NotRequired[str]
    evolve_existing: NotRequired[bool]
    promotion: NotRequired[Literal["review", "auto"]]
    scope: NotRequired[Literal["personality", "shared"]]


class InitialSkillEvolution(TypedDict):
    """Skill-evolution settings given to ``personalities.create``; it takes no ``model``."""

    enabled: NotRequired[bool]
    min_tool_calls: NotRequired[int]
    cooldown_minutes: NotRequired[int]
    evolve_existing: NotRequired[bool]
    promotion: NotRequired[Literal["review", "auto"]]
    scope: NotRequired[Literal["personality", "shared"]]


class SafetySettings(TypedDict):
    """How tool calls of the personality are approved."""

    approvalMode: NotRequired[Literal["manual", "smart", "off"]]


class MemorySettings(TypedDict):
    """Which memory provider the personality uses."""

    provider: NotRequired[str]


class DisplaySettings(TypedDict):
    """How the personality is shown in a user interface."""

    avatar_url: NotRequired[str]


class NightlyJudgeSettings(TypedDict):
    """The nightly judge that scores how well the personality kept to its soul."""

    enabled: NotRequired[bool]
    minInteractions: NotRequired[int]


class NightlySettings(TypedDict):
    """The nightly review of the personality's day."""

    enabled: NotRequired[bool]
    judge: NotRequired[NightlyJudgeSettings]
    expression: NotRequired[bool]


class VoiceSettings(TypedDict):
    """Speech settings of a personality, as the server reports them."""

    tts_provider: NotRequired[str]
    stt_provider: NotRequired[str]
    realtime_provider: NotRequired[str]
    tts_voice: NotRequired[str]
    call_style: NotRequired[Literal["liquid", "orb", "rings"]]
    tier: NotRequired[Literal["pipeline", "realtime"]]
    model: NotRequired[str]
    languages: NotRequired[Dict[str, str]]
    """A voice per language code, e.g. ``{"es": "ef_dora"}``."""


class VoiceSettingsParam(TypedDict):
    """Speech settings to set on a personality; ``call_style`` and ``tier`` also accept ``""``."""

    tts_provider: NotRequired[str]
    stt_provider: NotRequired[str]
    realtime_provider: NotRequired[str]
    tts_voice: NotRequired[str]
    call_style: NotRequired[Literal["liquid", "orb", "rings", ""]]
    tier: NotRequired[Literal["pipeline", "realtime", ""]]
    model: NotRequired[str]
    languages: NotRequired[Dict[str, str]]
    """A voice per language code (letters, digits and ``-``), e.g. ``{"es": "ef_dora"}``."""


# --- personalities -----------------------------------------------------------


class Personality(TypedDict):
    """One agent profile: its model, tools, reach and optional behaviour settings."""

    id: str
    name: str
    description: Optional[str]
    model: Optional[Union[str, ModelTiers]]
    """One model name, or a model per tier of work; ``None`` uses the server's default."""
    provider: Optional[str]
    toolset: Optional[List[str]]
    """Names of the tools the personality may call."""
    capabilities: Optional[List[str]]
    streamingTimeoutMs: Optional[int]
    mcp_servers: Optional[List[str]]
    plugins: Optional[List[str]]
    fs_reach: Optional[FsReach]
    dreaming: NotRequired[DreamingSettings]
    evolution_approval_mode: NotRequired[Literal["auto", "user"]]
    skill_evolution: NotRequired[SkillEvolutionSettings]
    safety: NotRequired[SafetySettings]
    memory: NotRequired[MemorySettings]
    display: NotRequired[DisplaySettings]
    nightly: NotRequired[NightlySettings]
    voice: NotRequired[VoiceSettings]
    system: bool
    builtin: bool
    """``True`` for the personalities that ship with Ethos."""
    version: int


class PersonalityPage(TypedDict):
    """One page of ``personalities.list``."""

    items: List[Personality]
    nextCursor: Optional[str]
    """Pass to ``cursor=`` for the next page; ``None`` on the last page."""
    defaultId: str
    """The id of the personality used when none is chosen."""


class McpServerPolicy(TypedDict):
    """What a personality may do with one MCP server."""

    tools: NotRequired[List[str]]
    reject_args: NotRequired[Dict[str, Dict[str, List[str]]]]
    """Per tool, per argument name: values that are refused."""
    enabled: NotRequired[bool]


class McpPolicy(TypedDict):
    """The MCP policy of a personality, per server name."""

    servers: NotRequired[Dict[str, McpServerPolicy]]


class PersonalityDetail(TypedDict):
    """A personality with its soul text and MCP policy, as ``personalities.get`` returns it."""

    personality: Personality
    soulMd: str
    """The personality's ``SOUL.md``: who it is, in its own words."""
    mcpPolicy: Optional[McpPolicy]


class PersonalityResult(TypedDict):
    """The personality after ``create``, ``update`` or ``duplicate``."""

    personality: Personality


# --- character sheet ---------------------------------------------------------


class SandboxMount(TypedDict):
    """A host folder visible inside the personality's sandbox."""

    hostPath: str
    containerPath: str
    mode: Literal["ro", "rw"]


class DockerAbsence(TypedDict):
    """Present when the sandbox needs Docker and Docker is missing."""

    blocked: Literal[True]
    canInstall: Literal[True]
    canConsentLocal: bool
    consentForbiddenReason: NotRequired[str]


class SandboxPosture(TypedDict):
    """Where and how the personality's tools run."""

    backend: Literal["docker", "local", "ssh", "none"]
    networkMode: Literal["none", "bridge"]
    memoryMb: float
    containerized: bool
    mounts: List[SandboxMount]
    scratchPaths: List[str]
    dockerAbsent: NotRequired[DockerAbsence]


class CharacterSheet(TypedDict):
    """A readable summary of a personality, with its sandbox posture."""

    markdown: str
    posture: Optional[SandboxPosture]


class Renderers(TypedDict):
    """The names of the renderers available to a personality."""

    renderers: List[str]


# --- skills ------------------------------------------------------------------


class Skill(TypedDict):
    """One skill of a personality: a Markdown body with a name and description."""

    id: str
    name: str
    description: Optional[str]
    body: str
    modifiedAt: str


class SkillList(TypedDict):
    """The skills of one personality."""

    skills: List[Skill]


class SkillResult(TypedDict):
    """One skill, as read, created or updated."""

    skill: Skill


class ImportedSkills(TypedDict):
    """The skills copied into a personality by ``skills_import_global``."""

    imported: List[Skill]


class SkillCandidate(TypedDict):
    """A skill the personality drafted from its work, waiting for approval."""

    fileName: str
    content: str


class SkillCandidateList(TypedDict):
    """The skill candidates waiting for review."""

    candidates: List[SkillCandidate]


class CandidateApproval(TypedDict):
    """An approved skill candidate and where it was promoted to."""

    ok: Literal[True]
    promotedTo: str


class OkResult(TypedDict):
    """``{"ok": True}``: the change was made."""

    ok: Literal[True]


# --- living soul -------------------------------------------------------------


class LearningLogEntry(TypedDict):
    """One revision of the personality's expression, with its reason."""

    revisionId: str
    at: str
    summary: str
    evidenceRef: str
    prevExpressionRef: str


class DimensionScore(TypedDict):
    """The judge's score on one dimension."""

    dimension: str
    score: float


class JudgeVerdict(TypedDict):
    """The nightly judge's latest view of how the personality kept to its soul."""

    alignmentScore: float
    signal: Optional[Literal["drift", "underspecified_soul"]]
    lowStreak: float
    at: NotRequired[str]
    perDimension: NotRequired[List[DimensionScore]]


class NightlyRun(TypedDict):
    """The last nightly run: the window it covered and the steps it completed."""

    windowEnd: str
    completed: List[str]


class LivingSoul(TypedDict):
    """A personality's soul split into its fixed core and its evolving expression."""

    core: str
    expression: str
    learningLog: List[LearningLogEntry]
    judge: NotRequired[JudgeVerdict]
    nightly: NotRequired[NightlyRun]


class ExpressionProposal(TypedDict):
    """A proposed new expression, beside the current one, with why and on what evidence."""

    currentExpression: str
    newExpression: str
    rationale: str
    evidence: str


class ExpressionRevision(TypedDict):
    """The revision recorded when a new expression was applied."""

    revisionId: str


class ExpressionRevert(TypedDict):
    """The result of reverting an expression: the revision now in force."""

    ok: Literal[True]
    revertedTo: str


class SoulSplit(TypedDict):
    """A ``SOUL.md`` text divided into core and expression, with the reasoning."""

    core: str
    expression: str
    rationale: str
