"""Types of the ``config`` namespace: the server's configuration, as read and as changed.

:class:`ServerConfig` is what ``config.get`` reports. Secrets never come back:
every API key, password and webhook secret is replaced by a ``...Preview``
key (``apiKeyPreview``, ``voiceTrunkPasswordPreview``, ``secretPreview``)
holding a masked hint of it. The ``...Param`` types are the nested blocks
``config.update`` accepts; there most keys may be left out, and the secrets
are sent in full (``apiKey``, ``secret``).
"""

# Annotations are evaluated eagerly on purpose: under ``from __future__ import
# annotations`` the TypedDicts would list their NotRequired keys as required at
# run time (``__required_keys__``).
from typing import Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "AudioFormat",
    "LaneMode",
    "ConfiguredProvider",
    "VoiceTtsProvider",
    "VoiceSttProvider",
    "VoiceRealtimeProvider",
    "BargeInSettings",
    "VoiceFiller",
    "VoiceBotBinding",
    "VoiceBot",
    "CompactionSettings",
    "MemoryVaultSettings",
    "MemoryApprovalSettings",
    "MemoryConsolidationSettings",
    "MemoryCaptureSettings",
    "BackgroundSettings",
    "Webhook",
    "ExecQuickCommand",
    "ReplyQuickCommand",
    "QuickCommand",
    "NightlyPassSettings",
    "WeeklyDigestSettings",
    "ModelCatalogSettings",
    "LogsRotationSettings",
    "AuxModelSettings",
    "ServerConfig",
    "OkResult",
    "ProviderParam",
    "VoiceTtsProviderParam",
    "VoiceSttProviderParam",
    "VoiceRealtimeProviderParam",
    "BargeInParam",
    "VoiceFillerParam",
    "VoiceBotBindingParam",
    "VoiceBotParam",
    "CompactionParam",
    "MemoryVaultParam",
    "MemoryApprovalParam",
    "MemoryConsolidationParam",
    "MemoryCaptureParam",
    "BackgroundParam",
    "WebhookParam",
    "ExecQuickCommandParam",
    "ReplyQuickCommandParam",
    "QuickCommandParam",
    "NightlyPassParam",
    "WeeklyDigestParam",
    "ModelCatalogParam",
    "LogsRotationParam",
    "AuxModelParam",
]

AudioFormat: TypeAlias = Literal["opus", "mp3", "wav", "pcm"]
"""An encoding of synthesized speech."""

LaneMode: TypeAlias = Literal["off", "mirror_inbound", "all"]
"""When replies are spoken: never, only when the user spoke, or always."""


# --- blocks of the configuration, as config.get reports them ----------------


class ConfiguredProvider(TypedDict):
    """An extra LLM provider and its credentials (the key only as a preview)."""

    provider: str
    model: Optional[str]
    apiKeyPreview: str
    """A masked hint of the API key, never the key itself."""
    baseUrl: Optional[str]


class VoiceTtsProvider(TypedDict):
    """A named text-to-speech entry."""

    provider: str
    model: Optional[str]
    apiKeyPreview: Optional[str]
    """A masked hint of the API key, never the key itself."""
    voice: Optional[str]
    baseUrl: Optional[str]
    command: Optional[str]
    outputFormat: Optional[AudioFormat]
    timeout: Optional[float]
    maxTextLength: Optional[float]


class VoiceSttProvider(TypedDict):
    """A named speech-to-text entry."""

    provider: str
    model: Optional[str]
    apiKeyPreview: Optional[str]
    """A masked hint of the API key, never the key itself."""
    baseUrl: Optional[str]
    command: Optional[str]
    timeout: Optional[float]


class VoiceRealtimeProvider(TypedDict):
    """A named realtime speech entry."""

    provider: str
    model: Optional[str]
    apiKeyPreview: Optional[str]
    """A masked hint of the API key, never the key itself."""
    baseUrl: Optional[str]
    voice: Optional[str]
    costPerMinuteUsd: Optional[float]


class BargeInSettings(TypedDict):
    """When speech from the user interrupts a spoken reply."""

    energyThreshold: Optional[float]
    minSpeechMs: Optional[float]
    silenceMs: Optional[float]


class VoiceFiller(TypedDict):
    """The filler phrase spoken while a slow reply is being prepared."""

    enabled: bool
    afterMs: Optional[float]
    text: Optional[str]
    tickIntervalMs: Optional[float]


class VoiceBotBinding(TypedDict):
    """The personality or team a voice bot answers as."""

    type: Literal["personality", "team"]
    name: str
    allowSlashSwitch: bool


class VoiceBot(TypedDict):
    """A voice bot: which calls or lanes it matches and who answers them."""

    id: Optional[str]
    match: str
    bind: VoiceBotBinding


class CompactionSettings(TypedDict):
    """When and how far a long conversation is compacted."""

    pressure: Optional[float]
    target: Optional[float]
    gateDelta: Optional[float]
    retryOnOverflow: bool
    smallWindow: Literal["auto", "on", "off"]


class MemoryVaultSettings(TypedDict):
    """The folder of notes used when ``memory`` is ``"vault"``."""

    path: Optional[str]
    agentDir: Optional[str]
    prefetch: List[str]
    exclude: List[str]


class MemoryApprovalSettings(TypedDict):
    """Which memory writes wait for a person's approval."""

    mode: Literal["off", "automated", "all"]
    cap: float
    ttlDays: float


class MemoryConsolidationSettings(TypedDict):
    """How memories are merged and let fade over time."""

    halfLifeDays: float
    threshold: float
    exemptUser: bool
    flushThreshold: float
    timeboxMs: float
    maxTokens: float
    maxDeltaChars: float
    minMessagesSinceFlush: float


class MemoryCaptureSettings(TypedDict):
    """The model that captures memories from conversations, and its limits."""

    provider: Optional[str]
    apiKeyPreview: Optional[str]
    """A masked hint of the API key, never the key itself."""
    baseUrl: Optional[str]
    maxPerHour: float
    maxPerDay: float


class BackgroundSettings(TypedDict):
    """Limits on background jobs."""

    enabled: bool
    maxConcurrentJobs: float
    maxJobsPerRoot: float
    maxJobsPerPersonality: float
    defaultMaxCostUsd: float
    maxRootBackgroundUsd: float
    queuedTtlMs: float
    staleMs: float
    heartbeatMs: float
    retentionDays: float


class Webhook(TypedDict):
    """An incoming webhook and the personality that handles it."""

    personalityId: str
    secretPreview: str
    """A masked hint of the webhook secret, never the secret itself."""
    sessionKey: Optional[str]
    prefilter: Optional[str]
    prefilterTimeoutSeconds: Optional[float]
    mode: Literal["sync", "ack"]


class ExecQuickCommand(TypedDict):
    """A quick command that runs a shell command."""

    type: Literal["exec"]
    command: str
    gateway: bool
    channels: List[str]


class ReplyQuickCommand(TypedDict):
    """A quick command that answers with fixed text."""

    type: Literal["reply"]
    reply: str
    gateway: bool
    channels: List[str]


QuickCommand: TypeAlias = Union[ExecQuickCommand, ReplyQuickCommand]
"""A quick command; ``type`` tells which kind."""


class NightlyPassSettings(TypedDict):
    """The nightly pass and its cron schedule."""

    enabled: bool
    cron: str


class WeeklyDigestSettings(TypedDict):
    """The weekly digest, its cron schedule and who receives it."""

    enabled: bool
    cron: str
    recipients: List[str]


class ModelCatalogSettings(TypedDict):
    """Where the list of known models is fetched from, and how long it is kept."""

    enabled: bool
    url: Optional[str]
    ttlHours: float


class LogsRotationSettings(TypedDict):
    """When log files are rotated and how many are kept."""

    enabled: bool
    maxBytes: Optional[float]
    maxFiles: Optional[float]


class AuxModelSettings(TypedDict):
    """A helper model used for one side task (compression, vision or the web)."""

    model: Optional[str]
    provider: Optional[str]
    apiKeyPreview: Optional[str]
    """A masked hint of the API key, never the key itself."""
    baseUrl: Optional[str]


# --- the whole configuration -------------------------------------------------


class ServerConfig(TypedDict):
    """The server's configuration (``config.get``). Secrets appear only as ``...Preview`` hints."""

    # model and provider
    provider: str
    model: str
    apiKeyPreview: str
    """A masked hint of the main provider's API key, never the key itself."""
    baseUrl: Optional[str]
    providers: List[ConfiguredProvider]
    modelRouting: Dict[str, str]
    modelCatalog: ModelCatalogSettings
    apiVersion: Optional[str]
    auxCompression: AuxModelSettings
    auxVision: AuxModelSettings
    auxWeb: AuxModelSettings

    # the agent's behaviour
    personality: str
    """The default personality."""
    approvalMode: Literal["manual", "smart", "off"]
    verbosity: Literal["concise", "balanced", "verbose"]
    streamingEdits: Literal["off", "dms", "all"]
    contextLayering: bool
    autoCompact: bool
    compaction: CompactionSettings
    a2aEnabled: bool
    pluginsAutoInstall: Optional[bool]

    # memory
    memory: Literal["markdown", "vector", "vault"]
    """Where memories are kept."""
    memoryConsolidationEnabled: bool
    memoryConsolidation: MemoryConsolidationSettings
    memoryCaptureEnabled: bool
    memoryCaptureModel: Optional[str]
    memoryCapture: MemoryCaptureSettings
    memoryNotices: bool
    memoryVault: MemoryVaultSettings
    memoryApproval: MemoryApprovalSettings
    retention: Dict[str, str]
    """How long things are kept, each ``"forever"`` or a count and unit such as ``"30d"``."""
    personalityRetention: Dict[str, Dict[str, str]]
    """Per-personality ``retention`` overrides, by personality id."""

    # display and web
    skin: str
    callStyle: Literal["liquid", "orb", "rings", "personality"]
    callAccent: str
    verbose: bool
    displayVerbosity: Literal["quiet", "default", "verbose", "debug"]
    displayBusyInputMode: Literal["interrupt", "queue", "steer"]
    displayToolPreviewLength: float
    displayResumeHint: bool
    displayResumeRecapTurns: float
    displayBellOnComplete: bool
    webBaseUrl: Optional[str]

    # debugging and administration
    debugMode: bool
    debugPanelEnabled: bool
    debugPanelModel: Optional[str]
    adminEnabled: bool
    logsRotation: LogsRotationSettings

    # voice: listening, interrupting, speaking back
    voiceChime: bool
    voiceEndpointSilenceMs: float
    voiceBargeThreshold: float
    voiceBargeSustainMs: float
    voiceSpeechThreshold: float
    voiceSpeechMinMs: float
    voiceBargeIn: Dict[str, BargeInSettings]
    voiceFiller: VoiceFiller
    voiceDefaultMode: Optional[LaneMode]
    voiceChannelTtsOut: Dict[str, bool]

    # voice: speech to text
    voiceProvider: Optional[str]
    voiceApiKeyPreview: Optional[str]
    voiceBaseUrl: Optional[str]
    voiceModel: Optional[str]
    voiceSttCommand: Optional[str]
    voiceSttTimeoutMs: Optional[float]
    voiceSttProviders: Dict[str, VoiceSttProvider]

    # voice: text to speech
    voiceTtsProvider: Optional[str]
    voiceTtsApiKeyPreview: Optional[str]
    voiceTtsVoice: Optional[str]
    voiceTtsBaseUrl: Optional[str]
    voiceTtsModel: Optional[str]
    voiceTtsCommand: Optional[str]
    voiceTtsOutputFormat: Optional[AudioFormat]
    voiceTtsTimeoutMs: Optional[float]
    voiceTtsMaxTextLength: Optional[float]
    voiceTtsProviders: Dict[str, VoiceTtsProvider]
    voiceTrustedPlugins: Optional[List[str]]
    voiceTranscodeFfmpegPath: Optional[str]
    voiceTranscodeBitrateKbps: Optional[float]
    voiceTranscodeTimeoutSec: Optional[float]
    voiceArtifactAbandonAfterDays: Optional[float]
    voiceArtifactMaxTotalMb: Optional[float]

    # voice: realtime
    voiceTier: Optional[Literal["pipeline", "realtime"]]
    voiceRealtimeProviders: Dict[str, VoiceRealtimeProvider]
    voiceRealtimeDefault: Optional[str]
    voiceRealtimeSessionBudgetUsd: Optional[float]

    # voice: phone calls
    voiceTrunkProvider: Optional[Literal["twilio", "telnyx", "generic", "livekit"]]
    voiceTrunkId: Optional[str]
    voiceTrunkFromNumber: Optional[str]
    voiceTrunkUsername: Optional[str]
    voiceTrunkPasswordPreview: Optional[str]
    voiceTrunkWebhookSecretPreview: Optional[str]
    voiceTrunkWebhookPath: Optional[str]
    voiceTrunkCodec: Optional[Literal["opus", "g711"]]
    voiceLivekitUrl: Optional[str]
    voiceLivekitApiKeyPreview: Optional[str]
    voiceLivekitApiSecretPreview: Optional[str]
    voiceInboundAllowlist: Optional[List[str]]
    voiceInboundReceptionist: Optional[str]
    voiceInboundConcurrencyCap: Optional[float]
    voiceInboundPerCallerPerHour: Optional[float]
    voiceInboundDailyBudgetUsd: Optional[float]
    voiceInboundPrewarm: Optional[Literal["allowlisted", "none", "all"]]
    voiceInboundOwnerPlatform: Optional[str]
    voiceInboundOwnerChatId: Optional[str]
    voiceInboundOwnerBotKey: Optional[str]
    voiceBots: List[VoiceBot]

    # background jobs and schedules
    background: BackgroundSettings
    nightlyPass: NightlyPassSettings
    weeklyDigest: WeeklyDigestSettings

    # tools and integrations
    webSearchBackend: Optional[Literal["exa", "tavily", "brave"]]
    webExtractBackend: Optional[Literal["htmltext"]]
    webhooks: Dict[str, Webhook]
    """Incoming webhooks, by name."""
    quickCommands: Dict[str, QuickCommand]
    """Quick commands, by name."""
    channelToolsets: Dict[str, List[str]]


class OkResult(TypedDict):
    """``{"ok": True}``: the change was saved."""

    ok: Literal[True]


# --- blocks config.update accepts ------------------------------------------


class ProviderParam(TypedDict):
    """An extra LLM provider for ``providers=``."""

    provider: str
    model: NotRequired[str]
    apiKey: NotRequired[str]
    baseUrl: NotRequired[str]


class VoiceTtsProviderParam(TypedDict):
    """A named text-to-speech entry for ``voice_tts_providers=``."""

    provider: str
    model: NotRequired[str]
    apiKey: NotRequired[str]
    voice: NotRequired[str]
    baseUrl: NotRequired[str]
    command: NotRequired[str]
    outputFormat: NotRequired[AudioFormat]
    timeout: NotRequired[int]
    """1 to 3600."""
    maxTextLength: NotRequired[int]
    """100 to 100000 characters."""


class VoiceSttProviderParam(TypedDict):
    """A named speech-to-text entry for ``voice_stt_providers=``."""

    provider: str
    model: NotRequired[str]
    apiKey: NotRequired[str]
    baseUrl: NotRequired[str]
    command: NotRequired[str]
    timeout: NotRequired[int]
    """1 to 3600."""


class VoiceRealtimeProviderParam(TypedDict):
    """A named realtime speech entry for ``voice_realtime_providers=``."""

    provider: str
    model: NotRequired[str]
    apiKey: NotRequired[str]
    baseUrl: NotRequired[str]
    voice: NotRequired[str]
    costPerMinuteUsd: NotRequired[float]
    """More than 0, at most 100."""


class BargeInParam(TypedDict, total=False):
    """Barge-in thresholds for one entry of ``voice_barge_in=``."""

    energyThreshold: float
    """More than 0, at most 1."""
    minSpeechMs: int
    silenceMs: int


class VoiceFillerParam(TypedDict, total=False):
    """Changes to the filler phrase (``voice_filler=``)."""

    enabled: Optional[bool]
    afterMs: Optional[int]
    """0 to 60000."""
    text: Optional[str]
    """1 to 200 characters."""
    tickIntervalMs: Optional[int]
    """0 to 60000."""


class VoiceBotBindingParam(TypedDict):
    """The personality or team a voice bot answers as."""

    type: Literal["personality", "team"]
    name: str
    allowSlashSwitch: NotRequired[bool]


class VoiceBotParam(TypedDict):
    """A voice bot for ``voice_bots=``."""

    id: NotRequired[str]
    match: str
    bind: VoiceBotBindingParam


class CompactionParam(TypedDict, total=False):
    """Changes to conversation compaction (``compaction=``)."""

    pressure: Optional[float]
    """More than 0, at most 1."""
    target: Optional[float]
    """More than 0, at most 1."""
    gateDelta: Optional[int]
    retryOnOverflow: Optional[bool]
    smallWindow: Optional[Literal["auto", "on", "off"]]


class MemoryVaultParam(TypedDict, total=False):
    """Changes to the notes vault (``memory_vault=``)."""

    path: Optional[str]
    agentDir: Optional[str]
    prefetch: Optional[List[str]]
    exclude: Optional[List[str]]


class MemoryApprovalParam(TypedDict, total=False):
    """Changes to memory approval (``memory_approval=``)."""

    mode: Optional[Literal["off", "automated", "all"]]
    cap: Optional[int]
    ttlDays: Optional[int]


class MemoryConsolidationParam(TypedDict, total=False):
    """Changes to memory consolidation (``memory_consolidation=``)."""

    halfLifeDays: Optional[float]
    threshold: Optional[float]
    """0 to 1."""
    exemptUser: Optional[bool]
    flushThreshold: Optional[float]
    """More than 0, at most 1."""
    timeboxMs: Optional[int]
    maxTokens: Optional[int]
    maxDeltaChars: Optional[int]
    minMessagesSinceFlush: Optional[int]


class MemoryCaptureParam(TypedDict, total=False):
    """Changes to memory capture (``memory_capture=``)."""

    provider: Optional[str]
    apiKey: Optional[str]
    baseUrl: Optional[str]
    maxPerHour: Optional[int]
    maxPerDay: Optional[int]


class BackgroundParam(TypedDict, total=False):
    """Changes to background job limits (``background=``)."""

    enabled: Optional[bool]
    maxConcurrentJobs: Optional[int]
    maxJobsPerRoot: Optional[int]
    maxJobsPerPersonality: Optional[int]
    defaultMaxCostUsd: Optional[float]
    maxRootBackgroundUsd: Optional[float]
    queuedTtlMs: Optional[int]
    staleMs: Optional[int]
    heartbeatMs: Optional[int]
    retentionDays: Optional[int]


class WebhookParam(TypedDict):
    """An incoming webhook for ``webhooks=``."""

    personalityId: str
    secret: NotRequired[str]
    """At least 8 characters."""
    sessionKey: NotRequired[str]
    prefilter: NotRequired[str]
    prefilterTimeoutSeconds: NotRequired[int]
    """1 to 600."""
    mode: NotRequired[Literal["sync", "ack"]]


class ExecQuickCommandParam(TypedDict):
    """A quick command that runs a shell command."""

    type: Literal["exec"]
    command: str
    gateway: NotRequired[bool]
    channels: NotRequired[List[str]]


class ReplyQuickCommandParam(TypedDict):
    """A quick command that answers with fixed text."""

    type: Literal["reply"]
    reply: str
    gateway: NotRequired[bool]
    channels: NotRequired[List[str]]


QuickCommandParam: TypeAlias = Union[ExecQuickCommandParam, ReplyQuickCommandParam]
"""A quick command for ``quick_commands=``; ``type`` says which kind."""


class NightlyPassParam(TypedDict, total=False):
    """Changes to the nightly pass (``nightly_pass=``)."""

    enabled: Optional[bool]
    cron: Optional[str]


class WeeklyDigestParam(TypedDict, total=False):
    """Changes to the weekly digest (``weekly_digest=``)."""

    enabled: Optional[bool]
    cron: Optional[str]
    recipients: Optional[List[str]]


class ModelCatalogParam(TypedDict, total=False):
    """Changes to the model catalogue (``model_catalog=``)."""

    enabled: Optional[bool]
    url: Optional[str]
    ttlHours: Optional[float]
    """More than 0."""


class LogsRotationParam(TypedDict, total=False):
    """Changes to log rotation (``logs_rotation=``)."""

    enabled: Optional[bool]
    maxBytes: Optional[int]
    maxFiles: Optional[int]


class AuxModelParam(TypedDict, total=False):
    """Changes to a helper model (``aux_compression=``, ``aux_vision=``, ``aux_web=``)."""

    model: Optional[str]
    provider: Optional[str]
    apiKey: Optional[str]
    baseUrl: Optional[str]
