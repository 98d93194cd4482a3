"""``client.voice``: speech to text, text to speech, realtime, satellites, wake words and calls.

The whole namespace is experimental and refused to API keys: use cookie
authentication (``EthosClient(..., cookie=...)`` or the local token file).

    reply = client.voice.run_turn("What's on my calendar?")
    speech = client.voice.synthesize(reply["reply"])
    client.voice.lane_mode.set(session_id, "all")
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Mapping, Sequence, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.voice import (
        CallDirection,
        CallList,
        CallResult,
        CallStatus,
        LaneMode,
        LaneModeResult,
        LaneModeState,
        OkResult,
        RealtimeEntries,
        RealtimeTokenResult,
        SatelliteList,
        SpeechAudio,
        SpeechOverrideParam,
        SttEntries,
        Transcript,
        TtsEntries,
        TurnReply,
        WakeRouteParam,
        WakeRoutes,
    )

__all__ = ["Voice", "VoiceLaneMode", "VoiceSatellites", "VoiceWakeRoutes", "VoiceCalls"]


class VoiceLaneMode(Namespace):
    """``client.voice.lane_mode``: whether a session's replies are spoken."""

    def get(
        self,
        session_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> LaneModeState:
        """The spoken-reply mode of a session, and the server's default mode.

        ``"off"`` never speaks, ``"mirror_inbound"`` speaks when the user
        spoke, ``"all"`` speaks every reply.

        ``voice.laneMode.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "LaneModeState",
            self._call(
                "voice.laneMode.get",
                {"sessionId": session_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set(
        self,
        session_id: str,
        mode: LaneMode,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> LaneModeResult:
        """Choose when a session's replies are spoken.

        Args:
            session_id: the session.
            mode: ``"off"`` (never), ``"mirror_inbound"`` (when the user
                spoke) or ``"all"`` (every reply).

        ``voice.laneMode.set`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "LaneModeResult",
            self._call(
                "voice.laneMode.set",
                {"sessionId": session_id, "mode": mode},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class VoiceSatellites(Namespace):
    """``client.voice.satellites``: the devices that listen for wake words."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SatelliteList:
        """The connected satellites: their state, capabilities, health probes and last wake.

        ``voice.satellites.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SatelliteList",
            self._call(
                "voice.satellites.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_wake_enabled(
        self,
        node_id: str,
        enabled: bool,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Turn wake-word listening on or off for one satellite.

        Args:
            node_id: the satellite's ``nodeId`` from :meth:`list`.
            enabled: ``True`` to listen for wake words, ``False`` to stop.

        ``voice.satellites.setWakeEnabled`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "voice.satellites.setWakeEnabled",
                {"nodeId": node_id, "enabled": enabled},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class VoiceWakeRoutes(Namespace):
    """``client.voice.wake_routes``: which wake phrase wakes which personality."""

    def get(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WakeRoutes:
        """Every wake route and the wake-word detection settings.

        ``voice.wakeRoutes.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "WakeRoutes",
            self._call(
                "voice.wakeRoutes.get",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set(
        self,
        routes: Sequence[WakeRouteParam],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WakeRoutes:
        """Replace the configured wake routes; returns them with the detection settings.

        Args:
            routes: the full list of routes to keep, each
                ``{"id", "phrase", "personalityId", "privileged", "enabled"}``.

        ``voice.wakeRoutes.set`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "WakeRoutes",
            self._call(
                "voice.wakeRoutes.set",
                {"routes": routes},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class VoiceCalls(Namespace):
    """``client.voice.calls``: the phone calls the server has handled."""

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        direction: CallDirection | NotGiven = NOT_GIVEN,
        status: CallStatus | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CallList:
        """Recent phone calls, optionally only those of one direction or status.

        Args:
            limit: at most this many calls, 1 to 200.
            direction: ``"inbound"`` or ``"outbound"``.
            status: ``"ringing"``, ``"live"``, ``"completed"``, ``"screened"``,
                ``"refused"`` or ``"failed"``.

        ``voice.calls.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CallList",
            self._call(
                "voice.calls.list",
                {"limit": limit, "direction": direction, "status": status},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def active(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CallList:
        """The calls in progress right now.

        ``voice.calls.active`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CallList",
            self._call(
                "voice.calls.active",
                None,
                idempotent=True,
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
    ) -> CallResult:
        """One call with its summary and transcript; ``result["call"]`` is ``None`` for an unknown id.

        ``voice.calls.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CallResult",
            self._call(
                "voice.calls.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class Voice(Namespace):
    """The ``voice`` procedures (experimental), with ``lane_mode``, ``satellites``,
    ``wake_routes`` and ``calls`` below them."""

    @cached_property
    def lane_mode(self) -> VoiceLaneMode:
        """Whether a session's replies are spoken (``voice.laneMode.*``)."""
        return VoiceLaneMode(self._client)

    @cached_property
    def satellites(self) -> VoiceSatellites:
        """The devices that listen for wake words (``voice.satellites.*``)."""
        return VoiceSatellites(self._client)

    @cached_property
    def wake_routes(self) -> VoiceWakeRoutes:
        """Which wake phrase wakes which personality (``voice.wakeRoutes.*``)."""
        return VoiceWakeRoutes(self._client)

    @cached_property
    def calls(self) -> VoiceCalls:
        """The phone calls the server has handled (``voice.calls.*``)."""
        return VoiceCalls(self._client)

    def transcribe(
        self,
        audio: str,
        mime_type: str,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        language: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Transcript:
        """Turn a recording into text with the configured speech-to-text provider.

        Args:
            audio: the recording, base64-encoded.
            mime_type: its type, e.g. ``"audio/webm"``.
            personality_id: use this personality's speech-to-text settings.
            language: the spoken language, e.g. ``"en"``.

        ``voice.transcribe`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Transcript",
            self._call(
                "voice.transcribe",
                {
                    "audio": audio,
                    "mimeType": mime_type,
                    "personalityId": personality_id,
                    "language": language,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def synthesize(
        self,
        text: str,
        *,
        voice: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        language: str | NotGiven = NOT_GIVEN,
        override: SpeechOverrideParam | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SpeechAudio:
        """Speak ``text`` with the configured text-to-speech provider; the audio comes back base64-encoded.

        Args:
            text: what to say.
            voice: the voice to speak with.
            personality_id: use this personality's voice settings.
            language: the language of ``text``, e.g. ``"en"``.
            override: ``{"provider": ..., "voice": ...}`` for this call only.

        ``voice.synthesize`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SpeechAudio",
            self._call(
                "voice.synthesize",
                {
                    "text": text,
                    "voice": voice,
                    "personalityId": personality_id,
                    "language": language,
                    "override": override,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def run_turn(
        self,
        text: str,
        *,
        session_id: str | NotGiven = NOT_GIVEN,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TurnReply:
        """Run one spoken turn: send ``text`` (what the user said) to the agent and return its reply.

        Args:
            text: the user's words, already transcribed.
            session_id: continue this session.
            personality_id: answer as this personality.

        ``voice.runTurn`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TurnReply",
            self._call(
                "voice.runTurn",
                {"text": text, "sessionId": session_id, "personalityId": personality_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def tts_entries(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TtsEntries:
        """The text-to-speech providers: the default one and every named entry, with their voices.

        ``voice.ttsEntries`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TtsEntries",
            self._call(
                "voice.ttsEntries",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def stt_entries(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SttEntries:
        """The speech-to-text providers: the default one and every named entry.

        ``voice.sttEntries`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SttEntries",
            self._call(
                "voice.sttEntries",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def realtime_entries(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RealtimeEntries:
        """The named realtime speech entries and which one is the default.

        ``voice.realtimeEntries`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RealtimeEntries",
            self._call(
                "voice.realtimeEntries",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def realtime_token(
        self,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RealtimeTokenResult:
        """Mint a short-lived token a browser uses to talk to the realtime speech provider directly.

        When no token can be given the answer has ``ok`` ``False`` and a
        ``reason`` (``"not_configured"``, ``"pipeline_preferred"``, ...)
        instead of raising; check ``result["ok"]`` first.

        Args:
            personality_id: use this personality's realtime settings.

        ``voice.realtimeToken`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RealtimeTokenResult",
            self._call(
                "voice.realtimeToken",
                {"personalityId": personality_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
