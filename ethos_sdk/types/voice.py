"""Types of the ``voice`` namespace: speech in and out, realtime, satellites, wake words and calls.

Provider entries are configured in ``config`` (``voiceTtsProviders``,
``voiceSttProviders``, ``voiceRealtimeProviders``); the types here describe
what the voice procedures report about them, the satellite devices that listen
for wake words, and the phone calls the server has handled.
"""

# Annotations are evaluated eagerly on purpose: under ``from __future__ import
# annotations`` the TypedDicts would list their NotRequired keys as required at
# run time (``__required_keys__``).
from typing import Dict, List, Optional, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "AudioFormat",
    "LaneMode",
    "CallDirection",
    "CallStatus",
    "CallTier",
    "Transcript",
    "SpeechOverrideParam",
    "SpeechAudio",
    "TurnReply",
    "TtsEntry",
    "TtsEntries",
    "ProviderEntry",
    "SttEntries",
    "RealtimeEntries",
    "RealtimeToken",
    "RealtimeUnavailable",
    "RealtimeTokenResult",
    "LaneModeState",
    "LaneModeResult",
    "SatelliteCapabilities",
    "SatelliteProbe",
    "SatelliteWake",
    "SatelliteConversation",
    "Satellite",
    "SatelliteList",
    "OkResult",
    "WakeRoute",
    "WakeRouteParam",
    "WakeSettings",
    "WakeRoutes",
    "Call",
    "CallDetail",
    "CallList",
    "CallResult",
]

AudioFormat: TypeAlias = Literal["opus", "mp3", "wav", "pcm"]
"""An encoding of synthesized speech."""

LaneMode: TypeAlias = Literal["off", "mirror_inbound", "all"]
"""When replies in a session are spoken: never, only when the user spoke, or always."""

CallDirection: TypeAlias = Literal["inbound", "outbound"]
"""Whether a call came in to the server or was placed by it."""

CallStatus: TypeAlias = Literal["ringing", "live", "completed", "screened", "refused", "failed"]
"""Where a phone call stands."""

CallTier: TypeAlias = Literal["pipeline", "realtime"]
"""How a call was voiced: speech-to-text plus text-to-speech, or a realtime speech model."""


# --- speech in, speech out ---------------------------------------------------


class Transcript(TypedDict):
    """The text heard in a recording (``voice.transcribe``)."""

    transcript: str


class SpeechOverrideParam(TypedDict, total=False):
    """Use this text-to-speech provider and/or voice for one ``synthesize`` call only."""

    provider: str
    voice: str


class SpeechAudio(TypedDict):
    """Synthesized speech (``voice.synthesize``)."""

    audio: str
    """The audio bytes, base64-encoded."""
    format: AudioFormat
    mimeType: str
    provider: NotRequired[str]
    """The text-to-speech provider that spoke it."""


class TurnReply(TypedDict):
    """The agent's answer to one spoken turn (``voice.runTurn``)."""

    reply: str


# --- provider rosters --------------------------------------------------------


class TtsEntry(TypedDict):
    """A text-to-speech provider entry and the voices it offers."""

    providerId: Optional[str]
    voices: Optional[List[str]]
    """``None`` when the provider does not list its voices."""


class TtsEntries(TypedDict):
    """The default text-to-speech setup and every named entry (``voice.ttsEntries``)."""

    default: TtsEntry
    roster: Dict[str, TtsEntry]
    """Named entries, by entry name."""


class ProviderEntry(TypedDict):
    """A speech-to-text or realtime provider entry."""

    providerId: Optional[str]


class SttEntries(TypedDict):
    """The default speech-to-text setup and every named entry (``voice.sttEntries``)."""

    default: ProviderEntry
    roster: Dict[str, ProviderEntry]
    """Named entries, by entry name."""


class RealtimeEntries(TypedDict):
    """The named realtime speech entries and which one is the default (``voice.realtimeEntries``)."""

    roster: Dict[str, ProviderEntry]
    defaultEntryName: Optional[str]


class RealtimeToken(TypedDict):
    """A short-lived credential a browser uses to talk to a realtime speech provider directly."""

    ok: Literal[True]
    providerId: str
    model: Optional[str]
    token: str
    expiresAt: float
    """When the token stops working (a timestamp from the server)."""
    url: str
    """Where to connect with the token."""
    inputSampleRate: float
    outputSampleRate: float


class RealtimeUnavailable(TypedDict):
    """Why no realtime token was handed out; ``ok`` is ``False``."""

    ok: Literal[False]
    reason: Literal[
        "pipeline_preferred",
        "not_configured",
        "unknown_entry",
        "untrusted_provider",
        "no_browser_token",
        "provider_unavailable",
    ]
    message: str
    providerId: Optional[str]


RealtimeTokenResult: TypeAlias = Union[RealtimeToken, RealtimeUnavailable]
"""What ``voice.realtimeToken`` answers; check ``result["ok"]`` to tell which."""


# --- lane mode ---------------------------------------------------------------


class LaneModeState(TypedDict):
    """A session's spoken-reply mode and the server-wide default."""

    mode: LaneMode
    default: LaneMode


class LaneModeResult(TypedDict):
    """The session's spoken-reply mode after a change."""

    mode: LaneMode


# --- satellites --------------------------------------------------------------


class SatelliteCapabilities(TypedDict):
    """What a satellite device can do by itself."""

    edgeStt: bool
    """It transcribes speech on the device."""
    playback: bool
    """It can play audio back."""
    captureSampleRate: float
    phraseMatch: bool
    """It matches wake phrases on the device."""


class SatelliteProbe(TypedDict):
    """One health check of a satellite."""

    name: str
    ok: bool
    detail: Optional[str]


class SatelliteWake(TypedDict):
    """The last time a satellite heard a wake phrase."""

    phrase: str
    personalityId: str
    at: float


class SatelliteConversation(TypedDict):
    """A conversation a satellite is in, and when it lapses."""

    personalityId: str
    until: float


class Satellite(TypedDict):
    """A connected satellite: a device that listens for wake words and speaks replies."""

    nodeId: str
    laneId: str
    displayName: Optional[str]
    capabilities: SatelliteCapabilities
    state: Literal["listening", "muted", "wake_off", "speaking", "degraded"]
    stateDetail: Optional[str]
    wakeEnabled: bool
    probes: List[SatelliteProbe]
    lastWake: Optional[SatelliteWake]
    conversation: Optional[SatelliteConversation]
    connectedAt: float


class SatelliteList(TypedDict):
    """The connected satellites (``voice.satellites.list``)."""

    nodes: List[Satellite]


class OkResult(TypedDict):
    """Whether the change was made."""

    ok: bool


# --- wake routes -------------------------------------------------------------


class WakeRoute(TypedDict):
    """A wake phrase and the personality it wakes."""

    id: str
    phrase: str
    personalityId: str
    privileged: bool
    enabled: bool
    implicit: bool
    """The server made this route itself; it was not configured."""


class WakeRouteParam(TypedDict):
    """A wake route to save with ``voice.wakeRoutes.set``."""

    id: str
    """Letters, digits, ``_`` and ``-`` only."""
    phrase: str
    personalityId: str
    privileged: bool
    enabled: bool


class WakeSettings(TypedDict):
    """How wake words are detected."""

    engine: Literal["fallback", "sherpa", "openwakeword"]
    sensitivity: float
    confirmationFrames: float
    edgeStt: bool
    idleTimeoutMs: float
    wakeEnabled: bool


class WakeRoutes(TypedDict):
    """Every wake route and the wake-word settings."""

    routes: List[WakeRoute]
    settings: WakeSettings


# --- calls -------------------------------------------------------------------


class Call(TypedDict):
    """One phone call, as ``voice.calls.list`` lists it."""

    id: str
    botKey: str
    laneKey: str
    direction: CallDirection
    fromNumber: str
    toNumber: str
    personalityId: Optional[str]
    tier: Optional[CallTier]
    status: CallStatus
    startedAt: float
    endedAt: Optional[float]
    """``None`` while the call goes on."""
    reason: Optional[str]
    summaryPreview: Optional[str]
    hasTranscript: bool
    costUsd: Optional[float]


class CallDetail(Call):
    """One phone call with its full summary and transcript (``voice.calls.get``)."""

    summary: Optional[str]
    transcript: Optional[str]


class CallList(TypedDict):
    """Phone calls, from ``voice.calls.list`` or ``voice.calls.active``."""

    calls: List[Call]


class CallResult(TypedDict):
    """The call asked for; ``None`` when there is no call with that id."""

    call: Optional[CallDetail]
