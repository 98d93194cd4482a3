"""``client.config``: read and change the server's configuration.

The namespace is experimental and refused to API keys: use cookie
authentication (``EthosClient(..., cookie=...)`` or the local token file).

    settings = client.config.get()
    print(settings["provider"], settings["model"], settings["apiKeyPreview"])
    client.config.update(model="claude-sonnet-4-5", voice_chime=False)

Secrets go one way: ``update`` takes them in full (``api_key=``,
``voice_trunk_password=``), ``get`` only ever shows a masked preview
(``apiKeyPreview``, ``voiceTrunkPasswordPreview``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Mapping, Sequence, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.config import (
        AudioFormat,
        AuxModelParam,
        BackgroundParam,
        BargeInParam,
        CompactionParam,
        LaneMode,
        LogsRotationParam,
        MemoryApprovalParam,
        MemoryCaptureParam,
        MemoryConsolidationParam,
        MemoryVaultParam,
        ModelCatalogParam,
        NightlyPassParam,
        OkResult,
        ProviderParam,
        QuickCommandParam,
        ServerConfig,
        VoiceBotParam,
        VoiceFillerParam,
        VoiceRealtimeProviderParam,
        VoiceSttProviderParam,
        VoiceTtsProviderParam,
        WebhookParam,
        WeeklyDigestParam,
    )

__all__ = ["Config"]


class Config(Namespace):
    """The ``config`` procedures (experimental)."""

    def get(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ServerConfig:
        """The server's whole configuration: model, memory, voice, display, jobs and integrations.

        API keys, passwords and webhook secrets are never returned; each
        appears as a masked ``...Preview`` (``apiKeyPreview``,
        ``voiceTtsApiKeyPreview``, ``webhooks[name]["secretPreview"]``).

        ``config.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ServerConfig",
            self._call(
                "config.get",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update(
        self,
        *,
        # model and provider
        provider: str | NotGiven = NOT_GIVEN,
        model: str | NotGiven = NOT_GIVEN,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | NotGiven = NOT_GIVEN,
        providers: Sequence[ProviderParam] | NotGiven = NOT_GIVEN,
        model_routing: Mapping[str, str] | NotGiven = NOT_GIVEN,
        model_catalog: ModelCatalogParam | NotGiven = NOT_GIVEN,
        api_version: str | None | NotGiven = NOT_GIVEN,
        aux_compression: AuxModelParam | NotGiven = NOT_GIVEN,
        aux_vision: AuxModelParam | NotGiven = NOT_GIVEN,
        aux_web: AuxModelParam | NotGiven = NOT_GIVEN,

        # the agent's behaviour
        personality: str | NotGiven = NOT_GIVEN,
        approval_mode: Literal["manual", "smart", "off"] | NotGiven = NOT_GIVEN,
        verbosity: Literal["concise", "balanced", "verbose"] | NotGiven = NOT_GIVEN,
        streaming_edits: Literal["off", "dms", "all"] | NotGiven = NOT_GIVEN,
        context_layering: bool | NotGiven = NOT_GIVEN,
        auto_compact: bool | NotGiven = NOT_GIVEN,
        compaction: CompactionParam | NotGiven = NOT_GIVEN,
        a2a_enabled: bool | None | NotGiven = NOT_GIVEN,
        plugins_auto_install: bool | None | NotGiven = NOT_GIVEN,

        # memory
        memory: Literal["markdown", "vector", "vault"] | NotGiven = NOT_GIVEN,
        memory_consolidation_enabled: bool | NotGiven = NOT_GIVEN,
        memory_consolidation: MemoryConsolidationParam | NotGiven = NOT_GIVEN,
        memory_capture_enabled: bool | NotGiven = NOT_GIVEN,
        memory_capture_model: str | NotGiven = NOT_GIVEN,
        memory_capture: MemoryCaptureParam | NotGiven = NOT_GIVEN,
        memory_notices: bool | NotGiven = NOT_GIVEN,
        memory_vault: MemoryVaultParam | NotGiven = NOT_GIVEN,
        memory_approval: MemoryApprovalParam | NotGiven = NOT_GIVEN,
        retention: Mapping[str, str] | NotGiven = NOT_GIVEN,
        personality_retention: Mapping[str, Mapping[str, str]] | NotGiven = NOT_GIVEN,

        # display and web interface
        skin: str | NotGiven = NOT_GIVEN,
        call_style: Literal["liquid", "orb", "rings", "personality"] | NotGiven = NOT_GIVEN,
        call_accent: str | NotGiven = NOT_GIVEN,
        verbose: bool | None | NotGiven = NOT_GIVEN,
        display_verbosity: Literal["quiet", "default", "verbose", "debug"] | None | NotGiven = NOT_GIVEN,
        display_busy_input_mode: Literal["interrupt", "queue", "steer"] | None | NotGiven = NOT_GIVEN,
        display_tool_preview_length: int | None | NotGiven = NOT_GIVEN,
        display_resume_hint: bool | None | NotGiven = NOT_GIVEN,
        display_resume_recap_turns: int | None | NotGiven = NOT_GIVEN,
        display_bell_on_complete: bool | None | NotGiven = NOT_GIVEN,
        web_base_url: str | None | NotGiven = NOT_GIVEN,

        # debugging and administration
        debug_mode: bool | NotGiven = NOT_GIVEN,
        debug_panel_enabled: bool | NotGiven = NOT_GIVEN,
        debug_panel_model: str | None | NotGiven = NOT_GIVEN,
        admin_enabled: bool | NotGiven = NOT_GIVEN,
        logs_rotation: LogsRotationParam | NotGiven = NOT_GIVEN,

        # voice: listening, barge-in, spoken replies
        voice_chime: bool | NotGiven = NOT_GIVEN,
        voice_endpoint_silence_ms: float | NotGiven = NOT_GIVEN,
        voice_barge_threshold: float | NotGiven = NOT_GIVEN,
        voice_barge_sustain_ms: float | NotGiven = NOT_GIVEN,
        voice_speech_threshold: float | NotGiven = NOT_GIVEN,
        voice_speech_min_ms: float | NotGiven = NOT_GIVEN,
        voice_barge_in: Mapping[str, BargeInParam] | NotGiven = NOT_GIVEN,
        voice_filler: VoiceFillerParam | NotGiven = NOT_GIVEN,
        voice_default_mode: LaneMode | None | NotGiven = NOT_GIVEN,
        voice_channel_tts_out: Mapping[str, bool] | NotGiven = NOT_GIVEN,

        # voice: speech to text
        voice_provider: str | NotGiven = NOT_GIVEN,
        voice_api_key: str | NotGiven = NOT_GIVEN,
        voice_base_url: str | NotGiven = NOT_GIVEN,
        voice_model: str | NotGiven = NOT_GIVEN,
        voice_stt_command: str | None | NotGiven = NOT_GIVEN,
        voice_stt_timeout_ms: int | None | NotGiven = NOT_GIVEN,
        voice_stt_providers: Mapping[str, VoiceSttProviderParam] | NotGiven = NOT_GIVEN,

        # voice: text to speech
        voice_tts_provider: str | NotGiven = NOT_GIVEN,
        voice_tts_api_key: str | NotGiven = NOT_GIVEN,
        voice_tts_voice: str | NotGiven = NOT_GIVEN,
        voice_tts_base_url: str | NotGiven = NOT_GIVEN,
        voice_tts_model: str | NotGiven = NOT_GIVEN,
        voice_tts_command: str | None | NotGiven = NOT_GIVEN,
        voice_tts_output_format: AudioFormat | None | NotGiven = NOT_GIVEN,
        voice_tts_timeout_ms: int | None | NotGiven = NOT_GIVEN,
        voice_tts_max_text_length: int | None | NotGiven = NOT_GIVEN,
        voice_tts_providers: Mapping[str, VoiceTtsProviderParam] | NotGiven = NOT_GIVEN,
        voice_trusted_plugins: Sequence[str] | None | NotGiven = NOT_GIVEN,
        voice_transcode_ffmpeg_path: str | None | NotGiven = NOT_GIVEN,
        voice_transcode_bitrate_kbps: int | None | NotGiven = NOT_GIVEN,
        voice_transcode_timeout_sec: int | None | NotGiven = NOT_GIVEN,
        voice_artifact_abandon_after_days: int | None | NotGiven = NOT_GIVEN,
        voice_artifact_max_total_mb: int | None | NotGiven = NOT_GIVEN,

        # voice: realtime speech
        voice_tier: Literal["pipeline", "realtime"] | None | NotGiven = NOT_GIVEN,
        voice_realtime_providers: Mapping[str, VoiceRealtimeProviderParam] | NotGiven = NOT_GIVEN,
        voice_realtime_default: str | None | NotGiven = NOT_GIVEN,
        voice_realtime_session_budget_usd: float | None | NotGiven = NOT_GIVEN,

        # voice: phone calls
        voice_trunk_provider: Literal["twilio", "telnyx", "generic", "livekit"] | None | NotGiven = NOT_GIVEN,
        voice_trunk_id: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_from_number: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_username: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_password: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_webhook_secret: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_webhook_path: str | None | NotGiven = NOT_GIVEN,
        voice_trunk_codec: Literal["opus", "g711"] | None | NotGiven = NOT_GIVEN,
        voice_livekit_url: str | None | NotGiven = NOT_GIVEN,
        voice_livekit_api_key: str | None | NotGiven = NOT_GIVEN,
        voice_livekit_api_secret: str | None | NotGiven = NOT_GIVEN,
        voice_inbound_allowlist: Sequence[str] | None | NotGiven = NOT_GIVEN,
        voice_inbound_receptionist: str | None | NotGiven = NOT_GIVEN,
        voice_inbound_concurrency_cap: int | None | NotGiven = NOT_GIVEN,
        voice_inbound_per_caller_per_hour: int | None | NotGiven = NOT_GIVEN,
        voice_inbound_daily_budget_usd: float | None | NotGiven = NOT_GIVEN,
        voice_inbound_prewarm: Literal["allowlisted", "none", "all"] | None | NotGiven = NOT_GIVEN,
        voice_inbound_owner_platform: str | None | NotGiven = NOT_GIVEN,
        voice_inbound_owner_chat_id: str | None | NotGiven = NOT_GIVEN,
        voice_inbound_owner_bot_key: str | None | NotGiven = NOT_GIVEN,
        voice_bots: Sequence[VoiceBotParam] | NotGiven = NOT_GIVEN,

        # background jobs and schedules
        background: BackgroundParam | NotGiven = NOT_GIVEN,
        nightly_pass: NightlyPassParam | NotGiven = NOT_GIVEN,
        weekly_digest: WeeklyDigestParam | NotGiven = NOT_GIVEN,

        # tools and integrations
        web_search_backend: Literal["exa", "tavily", "brave"] | None | NotGiven = NOT_GIVEN,
        web_extract_backend: Literal["htmltext"] | None | NotGiven = NOT_GIVEN,
        webhooks: Mapping[str, WebhookParam] | NotGiven = NOT_GIVEN,
        quick_commands: Mapping[str, QuickCommandParam] | NotGiven = NOT_GIVEN,
        channel_toolsets: Mapping[str, Sequence[str]] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Change some settings; everything left out stays as it is.

        Only the arguments you pass are sent. Where a setting admits ``None``,
        ``None`` is sent as JSON ``null``. The nested blocks
        (``compaction=``, ``memory_vault=``, ``background=``...) take just the
        keys to change, with the wire's own names: ``compaction={"target": 0.5}``.
        Read the result back with :meth:`get`, where secrets show only as
        previews.

        Model and provider:
            provider, model: the main LLM provider (e.g. ``"anthropic"``) and model.
            api_key: the main provider's API key; ``get`` shows only ``apiKeyPreview``.
            base_url: the main provider's endpoint.
            providers: further providers, each
                ``{"provider", "model"?, "apiKey"?, "baseUrl"?}``.
            model_routing: model names by route.
            model_catalog: where the list of known models comes from
                (``{"enabled", "url", "ttlHours"}``).
            api_version: the provider API version to ask for.
            aux_compression, aux_vision, aux_web: helper models for those side
                tasks (``{"model", "provider", "apiKey", "baseUrl"}``).

        The agent's behaviour:
            personality: the default personality's id.
            approval_mode: ``"manual"``, ``"smart"`` or ``"off"``.
            verbosity: ``"concise"``, ``"balanced"`` or ``"verbose"``.
            streaming_edits: ``"off"``, ``"dms"`` or ``"all"``.
            context_layering, auto_compact: switch those features on or off.
            compaction: when and how far long conversations are compacted
                (``pressure`` and ``target`` between 0 and 1).
            a2a_enabled: agent-to-agent (A2A) on or off.
            plugins_auto_install: install plugins automatically.

        Memory:
            memory: where memories live: ``"markdown"``, ``"vector"`` or ``"vault"``.
            memory_consolidation_enabled, memory_consolidation: merging and
                fading of memories, and its tuning.
            memory_capture_enabled, memory_capture_model, memory_capture: the
                model that captures memories from conversations, and its limits.
            memory_notices: memory notices on or off.
            memory_vault: the notes folder used by ``memory="vault"``.
            memory_approval: which memory writes wait for approval
                (``mode`` ``"off"``, ``"automated"`` or ``"all"``).
            retention: how long things are kept, by kind: ``"forever"`` or a
                count and unit such as ``"90d"`` (``d``, ``w``, ``m``, ``y``).
            personality_retention: ``retention`` overrides by personality id.

        Display and web interface:
            skin: the interface theme.
            call_style, call_accent: how a voice call looks
                (``"liquid"``, ``"orb"``, ``"rings"`` or ``"personality"``) and its accent colour.
            verbose, display_verbosity: how much the terminal shows
                (``"quiet"``, ``"default"``, ``"verbose"``, ``"debug"``).
            display_busy_input_mode: what typing during a running turn does:
                ``"interrupt"``, ``"queue"`` or ``"steer"``.
            display_tool_preview_length, display_resume_hint,
                display_resume_recap_turns (0 to 10), display_bell_on_complete:
                the remaining display settings.
            web_base_url: the address the web interface is reached at.

        Debugging and administration:
            debug_mode, debug_panel_enabled, debug_panel_model: debugging aids.
            admin_enabled: the admin features.
            logs_rotation: ``{"enabled", "maxBytes", "maxFiles"}``.

        Voice, listening and speaking back:
            voice_chime: the chime on or off.
            voice_endpoint_silence_ms: silence that ends an utterance, 300 to 1500.
            voice_barge_threshold (0.02 to 0.2), voice_barge_sustain_ms (100 to 800):
                how loud and how long the user must speak to interrupt a reply.
            voice_speech_threshold (0.005 to 0.1), voice_speech_min_ms (100 to 500):
                what counts as speech.
            voice_barge_in: barge-in thresholds by name.
            voice_filler: the phrase spoken while a slow reply is prepared.
            voice_default_mode: when replies are spoken unless a session says
                otherwise: ``"off"``, ``"mirror_inbound"`` or ``"all"``.
            voice_channel_tts_out: spoken replies on or off, by channel.

        Voice, speech to text:
            voice_provider, voice_api_key, voice_base_url, voice_model: the
                default speech-to-text provider (``get`` shows only
                ``voiceApiKeyPreview``).
            voice_stt_command, voice_stt_timeout_ms: a local command to run instead.
            voice_stt_providers: named speech-to-text entries.

        Voice, text to speech:
            voice_tts_provider, voice_tts_api_key, voice_tts_voice,
                voice_tts_base_url, voice_tts_model: the default text-to-speech
                provider (``get`` shows only ``voiceTtsApiKeyPreview``).
            voice_tts_command, voice_tts_output_format, voice_tts_timeout_ms,
                voice_tts_max_text_length: a local command to run instead, and
                limits.
            voice_tts_providers: named text-to-speech entries.
            voice_trusted_plugins: the voice plugins to trust.
            voice_transcode_ffmpeg_path, voice_transcode_bitrate_kbps,
                voice_transcode_timeout_sec: audio conversion with ffmpeg.
            voice_artifact_abandon_after_days, voice_artifact_max_total_mb:
                how long and how much generated audio is kept.

        Voice, realtime:
            voice_tier: ``"pipeline"`` (speech to text, then text to speech) or
                ``"realtime"``.
            voice_realtime_providers, voice_realtime_default: named realtime
                entries and the default one's name.
            voice_realtime_session_budget_usd: the spending cap of one session.

        Voice, phone calls:
            voice_trunk_provider: ``"twilio"``, ``"telnyx"``, ``"generic"`` or ``"livekit"``.
            voice_trunk_id, voice_trunk_from_number, voice_trunk_username,
                voice_trunk_password, voice_trunk_webhook_secret,
                voice_trunk_webhook_path (starts with ``/``), voice_trunk_codec
                (``"opus"`` or ``"g711"``): the phone trunk.
            voice_livekit_url, voice_livekit_api_key, voice_livekit_api_secret:
                the LiveKit server.
            voice_inbound_allowlist, voice_inbound_receptionist,
                voice_inbound_concurrency_cap, voice_inbound_per_caller_per_hour,
                voice_inbound_daily_budget_usd, voice_inbound_prewarm: who may
                call in, who answers, and the limits.
            voice_inbound_owner_platform, voice_inbound_owner_chat_id,
                voice_inbound_owner_bot_key: where the owner is reached.
            voice_bots: which personality or team answers which calls.

        Background jobs and schedules:
            background: limits on background jobs.
            nightly_pass, weekly_digest: ``{"enabled", "cron"}``; the digest
                also takes ``"recipients"``.

        Tools and integrations:
            web_search_backend: ``"exa"``, ``"tavily"`` or ``"brave"``.
            web_extract_backend: ``"htmltext"``.
            webhooks: incoming webhooks by name, each
                ``{"personalityId", "secret"?, "mode"?, ...}``.
            quick_commands: quick commands by name, each
                ``{"type": "exec", "command"}`` or ``{"type": "reply", "reply"}``.
            channel_toolsets: the toolsets allowed on each channel.

        ``config.update`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "config.update",
                {
                    # model and provider
                    "provider": provider,
                    "model": model,
                    "apiKey": api_key,
                    "baseUrl": base_url,
                    "providers": providers,
                    "modelRouting": model_routing,
                    "modelCatalog": model_catalog,
                    "apiVersion": api_version,
                    "auxCompression": aux_compression,
                    "auxVision": aux_vision,
                    "auxWeb": aux_web,

                    # the agent's behaviour
                    "personality": personality,
                    "approvalMode": approval_mode,
                    "verbosity": verbosity,
                    "streamingEdits": streaming_edits,
                    "contextLayering": context_layering,
                    "autoCompact": auto_compact,
                    "compaction": compaction,
                    "a2aEnabled": a2a_enabled,
                    "pluginsAutoInstall": plugins_auto_install,

                    # memory
                    "memory": memory,
                    "memoryConsolidationEnabled": memory_consolidation_enabled,
                    "memoryConsolidation": memory_consolidation,
                    "memoryCaptureEnabled": memory_capture_enabled,
                    "memoryCaptureModel": memory_capture_model,
                    "memoryCapture": memory_capture,
                    "memoryNotices": memory_notices,
                    "memoryVault": memory_vault,
                    "memoryApproval": memory_approval,
                    "retention": retention,
                    "personalityRetention": personality_retention,

                    # display and web interface
                    "skin": skin,
                    "callStyle": call_style,
                    "callAccent": call_accent,
                    "verbose": verbose,
                    "displayVerbosity": display_verbosity,
                    "displayBusyInputMode": display_busy_input_mode,
                    "displayToolPreviewLength": display_tool_preview_length,
                    "displayResumeHint": display_resume_hint,
                    "displayResumeRecapTurns": display_resume_recap_turns,
                    "displayBellOnComplete": display_bell_on_complete,
                    "webBaseUrl": web_base_url,

                    # debugging and administration
                    "debugMode": debug_mode,
                    "debugPanelEnabled": debug_panel_enabled,
                    "debugPanelModel": debug_panel_model,
                    "adminEnabled": admin_enabled,
                    "logsRotation": logs_rotation,

                    # voice: listening, barge-in, spoken replies
                    "voiceChime": voice_chime,
                    "voiceEndpointSilenceMs": voice_endpoint_silence_ms,
                    "voiceBargeThreshold": voice_barge_threshold,
                    "voiceBargeSustainMs": voice_barge_sustain_ms,
                    "voiceSpeechThreshold": voice_speech_threshold,
                    "voiceSpeechMinMs": voice_speech_min_ms,
                    "voiceBargeIn": voice_barge_in,
                    "voiceFiller": voice_filler,
                    "voiceDefaultMode": voice_default_mode,
                    "voiceChannelTtsOut": voice_channel_tts_out,

                    # voice: speech to text
                    "voiceProvider": voice_provider,
                    "voiceApiKey": voice_api_key,
                    "voiceBaseUrl": voice_base_url,
                    "voiceModel": voice_model,
                    "voiceSttCommand": voice_stt_command,
                    "voiceSttTimeoutMs": voice_stt_timeout_ms,
                    "voiceSttProviders": voice_stt_providers,

                    # voice: text to speech
                    "voiceTtsProvider": voice_tts_provider,
                    "voiceTtsApiKey": voice_tts_api_key,
                    "voiceTtsVoice": voice_tts_voice,
                    "voiceTtsBaseUrl": voice_tts_base_url,
                    "voiceTtsModel": voice_tts_model,
                    "voiceTtsCommand": voice_tts_command,
                    "voiceTtsOutputFormat": voice_tts_output_format,
                    "voiceTtsTimeoutMs": voice_tts_timeout_ms,
                    "voiceTtsMaxTextLength": voice_tts_max_text_length,
                    "voiceTtsProviders": voice_tts_providers,
                    "voiceTrustedPlugins": voice_trusted_plugins,
                    "voiceTranscodeFfmpegPath": voice_transcode_ffmpeg_path,
                    "voiceTranscodeBitrateKbps": voice_transcode_bitrate_kbps,
                    "voiceTranscodeTimeoutSec": voice_transcode_timeout_sec,
                    "voiceArtifactAbandonAfterDays": voice_artifact_abandon_after_days,
                    "voiceArtifactMaxTotalMb": voice_artifact_max_total_mb,

                    # voice: realtime speech
                    "voiceTier": voice_tier,
                    "voiceRealtimeProviders": voice_realtime_providers,
                    "voiceRealtimeDefault": voice_realtime_default,
                    "voiceRealtimeSessionBudgetUsd": voice_realtime_session_budget_usd,

                    # voice: phone calls
                    "voiceTrunkProvider": voice_trunk_provider,
                    "voiceTrunkId": voice_trunk_id,
                    "voiceTrunkFromNumber": voice_trunk_from_number,
                    "voiceTrunkUsername": voice_trunk_username,
                    "voiceTrunkPassword": voice_trunk_password,
                    "voiceTrunkWebhookSecret": voice_trunk_webhook_secret,
                    "voiceTrunkWebhookPath": voice_trunk_webhook_path,
                    "voiceTrunkCodec": voice_trunk_codec,
                    "voiceLivekitUrl": voice_livekit_url,
                    "voiceLivekitApiKey": voice_livekit_api_key,
                    "voiceLivekitApiSecret": voice_livekit_api_secret,
                    "voiceInboundAllowlist": voice_inbound_allowlist,
                    "voiceInboundReceptionist": voice_inbound_receptionist,
                    "voiceInboundConcurrencyCap": voice_inbound_concurrency_cap,
                    "voiceInboundPerCallerPerHour": voice_inbound_per_caller_per_hour,
                    "voiceInboundDailyBudgetUsd": voice_inbound_daily_budget_usd,
                    "voiceInboundPrewarm": voice_inbound_prewarm,
                    "voiceInboundOwnerPlatform": voice_inbound_owner_platform,
                    "voiceInboundOwnerChatId": voice_inbound_owner_chat_id,
                    "voiceInboundOwnerBotKey": voice_inbound_owner_bot_key,
                    "voiceBots": voice_bots,

                    # background jobs and schedules
                    "background": background,
                    "nightlyPass": nightly_pass,
                    "weeklyDigest": weekly_digest,

                    # tools and integrations
                    "webSearchBackend": web_search_backend,
                    "webExtractBackend": web_extract_backend,
                    "webhooks": webhooks,
                    "quickCommands": quick_commands,
                    "channelToolsets": channel_toolsets,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
