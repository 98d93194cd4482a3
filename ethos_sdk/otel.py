"""OpenTelemetry for ethos-sdk: a span for every request and every turn, and the GenAI metrics.

Install the extra, ``pip install 'ethos-sdk[otel]'`` (it adds
``opentelemetry-api`` only), and turn it on::

    from ethos_sdk.otel import instrument
    instrument()            # every client, made before or after; instrument(client) for one

The SDK never configures an exporter: spans and metrics go to the tracer and
meter providers your application set up (``opentelemetry-sdk``, or a vendor's
distribution). Without one, the API is a no-op and instrumenting costs nothing
measurable. What is emitted follows the OpenTelemetry GenAI semantic
conventions (agent spans):

* a ``CLIENT`` span per HTTP request (each attempt of a procedure call, each
  event-stream connection, each request beside ``/rpc``), named
  ``POST /rpc/<namespace>/<method>``, ``GET /sse/sessions/{sessionId}``...,
  with ``http.request.method``, ``server.address``, ``server.port``,
  ``url.path``, ``http.response.status_code``, ``error.type``,
  ``http.request.resend_count``, ``ethos.procedure`` and ``ethos.request_id``;
  a W3C ``traceparent`` header is sent with it, so a tracing server or proxy
  joins the trace;
* an ``invoke_agent {personality}`` span per turn (``chat.ask``,
  ``chat.stream``, ``chat.follow``), parent of the requests the turn makes,
  with ``gen_ai.operation.name``, ``gen_ai.provider.name`` (``ethos``),
  ``gen_ai.agent.name``, ``gen_ai.conversation.id`` (the session id),
  ``gen_ai.response.model``, ``gen_ai.usage.input_tokens`` and
  ``output_tokens``, ``error.type``, and span events for approvals and
  questions (what was decided, and by whom);
* an ``execute_tool {tool}`` child span per tool call, with
  ``gen_ai.tool.name`` and ``gen_ai.tool.call.id``;
* the metrics ``gen_ai.client.operation.duration`` (seconds per turn) and
  ``gen_ai.client.token.usage`` (tokens per turn, by ``gen_ai.token.type``).

Message text (the prompt, the reply, tool arguments and results, questions
and answers) is recorded only when the environment variable
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` is ``true``. Keys and
cookies never are. The "Observability" page of the docs lists every attribute.
"""

from __future__ import annotations

import json
import os
import time
import weakref
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Set, Tuple
from urllib.parse import urlsplit

try:
    from opentelemetry import metrics, propagate, trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "ethos_sdk.otel needs the OpenTelemetry API, which is not installed: pip install 'ethos-sdk[otel]'"
    ) from exc

from . import _observe
from ._version import __version__
from .errors import ConfigurationError, EthosError

if TYPE_CHECKING:
    from ._client import EthosClient
    from ._turn import TurnResult, TurnStream
    from .middleware import CallNext, Request, Response
    from .types.events import StreamEvent

__all__ = ["instrument", "uninstrument", "CAPTURE_CONTENT"]

CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
"""The environment variable that, set to ``true``, lets message text into spans (read at each turn and request)."""

_NAME = "opentelemetry"  # its key among a client's instrumentation
_SPAN = "ethos_sdk.otel.span"  # the request's own span, in Request.extensions: one per attempt, however instrumented
_DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
_TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)
_ROUTES = {"sessions": "/sse/sessions/{sessionId}", "goals": "/sse/goals/{goalId}"}

_instrumented: weakref.WeakSet[_observe.Observers] = weakref.WeakSet()

_PUBLIC_ONLY = not hasattr(trace, "_TRACER_PROVIDER")


def _global_provider() -> Optional[trace.TracerProvider]:
    """The tracer provider the application set, or ``None`` while there is none.

    Asked before every request, so it must cost next to nothing: the API's
    ``get_tracer_provider()`` reads the environment each time while no
    provider is set. The module global it returns once one is set is read
    instead (with the public function as the fallback should the API ever
    lose it); a provider named by ``OTEL_PYTHON_TRACER_PROVIDER`` is loaded
    by :func:`instrument`.
    """
    if _PUBLIC_ONLY:
        provider = trace.get_tracer_provider()
        return None if isinstance(provider, trace.ProxyTracerProvider) else provider
    found: Optional[trace.TracerProvider] = getattr(trace, "_TRACER_PROVIDER")
    return found


def instrument(
    client: Optional[EthosClient] = None,
    *,
    tracer_provider: Optional[trace.TracerProvider] = None,
    meter_provider: Optional[metrics.MeterProvider] = None,
) -> None:
    """Emit spans and metrics for every request and turn of ``client``, or of every client when ``None``.

    Without ``client``: every ``EthosClient``, those made before and those
    made after. With one: that client and every client derived from it with
    ``with_options`` (before or after); its settings win over those of
    ``instrument()`` without a client. Calling it again replaces the
    settings; nothing is counted twice.

    Args:
        client: the client to instrument; ``None`` for all.
        tracer_provider: where spans go; default the global one
            (``opentelemetry.trace.set_tracer_provider``), looked up at each
            request, so one set later is used from then on.
        meter_provider: where metrics go; default the global one.

    Raises:
        ConfigurationError: ``client`` is not an ``EthosClient``.
    """
    instrumentation = _Instrumentation(tracer_provider, meter_provider)
    trace.get_tracer_provider()  # loads the one OTEL_PYTHON_TRACER_PROVIDER names, if any
    if client is None:
        _observe.EVERY_CLIENT.add(_NAME, instrumentation)
        return
    observers = _observers_of(client, "instrument")
    observers.add(_NAME, instrumentation)
    _instrumented.add(observers)


def uninstrument(client: Optional[EthosClient] = None) -> None:
    """Stop what :func:`instrument` started: for every client when ``None``, else for ``client`` alone.

    Without ``client`` it undoes every :func:`instrument` call, those for one
    client included. Spans already started end as usual.

    Raises:
        ConfigurationError: ``client`` is not an ``EthosClient``.
    """
    if client is None:
        _observe.EVERY_CLIENT.remove(_NAME)
        for observers in list(_instrumented):
            observers.remove(_NAME)
        _instrumented.clear()
        return
    observers = _observers_of(client, "uninstrument")
    observers.remove(_NAME)
    _instrumented.discard(observers)


def _observers_of(client: Any, verb: str) -> _observe.Observers:
    from ._client import EthosClient

    if not isinstance(client, EthosClient):
        raise ConfigurationError(
            f"ethos_sdk.otel.{verb}() takes an EthosClient (or nothing, for every client), not {type(client).__name__}"
        )
    return client._transport.observers


def _capturing() -> bool:
    return os.environ.get(CAPTURE_CONTENT, "").strip().lower() == "true"


def _messages(role: str, text: str, **more: Any) -> str:
    """Message text as the GenAI conventions record it: a JSON list of ``{role, parts}``."""
    return json.dumps([{"role": role, "parts": [{"type": "text", "content": text}], **more}], ensure_ascii=False)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _server(url: str) -> Dict[str, Any]:
    """``server.address`` and ``server.port`` of ``url``."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return {
        "server.address": parts.hostname or "",
        "server.port": port or (443 if parts.scheme == "https" else 80),
    }


def _template(path: str) -> Optional[str]:
    """The low-cardinality form of ``path`` (``url.template``), when the SDK knows it."""
    if path.startswith("/rpc/") or path in ("/healthz", "/metrics", "/sse/system", "/auth/exchange"):
        return path
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "sse" and parts[2] in _ROUTES:
        return _ROUTES[parts[2]]
    return None


def _failed(span: Span, error_type: str, description: Optional[str]) -> None:
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, description))


def _error_of(exc: BaseException) -> Tuple[str, Optional[str]]:
    """``error.type`` and the status description of ``exc`` (the SDK's own messages never hold a secret)."""
    return type(exc).__qualname__, str(exc) if isinstance(exc, EthosError) else None


class _Instrumentation:
    """What :func:`instrument` adds to clients: the request middleware and a watcher per turn."""

    def __init__(
        self, tracer_provider: Optional[trace.TracerProvider], meter_provider: Optional[metrics.MeterProvider]
    ) -> None:
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        self._provider: Any = None  # the provider self._tracer was made from
        self._tracer: Optional[trace.Tracer] = None
        self._meters: Tuple[Any, Any] = (None, None)  # (provider, (duration, tokens))
        self._turns: weakref.WeakKeyDictionary[TurnStream, _TurnSpans] = weakref.WeakKeyDictionary()

    def active(self) -> bool:
        """False while there is no tracer provider: then requests skip the middleware altogether."""
        return self.tracer() is not None

    def tracer(self) -> Optional[trace.Tracer]:
        """The tracer, or ``None`` while no tracer provider is set (then nothing is done at all)."""
        provider = self._tracer_provider or _global_provider()
        if provider is self._provider:
            return self._tracer
        if provider is None or isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
            tracer = None
        else:
            tracer = trace.get_tracer("ethos_sdk", __version__, tracer_provider=provider)
        self._provider, self._tracer = provider, tracer
        return tracer

    def instruments(self) -> Any:
        """The two histograms, on the meter provider in use (made once per provider)."""
        provider = self._meter_provider or metrics.get_meter_provider()
        seen, made = self._meters
        if provider is seen:
            return made
        meter = metrics.get_meter("ethos_sdk", __version__, meter_provider=provider)
        made = (
            meter.create_histogram(
                "gen_ai.client.operation.duration", unit="s", description="Duration of an agent turn",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            ),
            meter.create_histogram(
                "gen_ai.client.token.usage", unit="{token}", description="Tokens used by an agent turn",
                explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
            ),
        )
        self._meters = (provider, made)
        return made

    # -- each request --------------------------------------------------------------------

    def middleware(self, request: Request, call_next: CallNext) -> Response:
        """A ``CLIENT`` span around one attempt, and its ``traceparent`` in the request's headers."""
        if _SPAN in request.extensions:  # instrumented twice (a client and every client): once is enough
            return call_next(request)
        tracer = self.tracer()
        if tracer is None:
            return call_next(request)
        turn = request.turn
        watched = self._turns.get(turn) if turn is not None else None
        parent = watched.context if watched is not None else None  # None: the current context
        template = _template(request.path)
        attributes: Dict[str, Any] = {
            "http.request.method": request.method,
            **_server(request.url),
            "url.path": request.path,
            "ethos.request_id": request.request_id,
        }
        if template is not None:
            attributes["url.template"] = template
        if request.procedure is not None:
            attributes["ethos.procedure"] = request.procedure
        if request.attempt > 1:
            attributes["http.request.resend_count"] = request.attempt - 1
        if watched is not None and request.procedure == "chat.send":
            watched.sending(request.input)
        span = tracer.start_span(
            f"{request.method} {template}" if template else request.method,
            context=parent, kind=SpanKind.CLIENT, attributes=attributes,
        )
        request.extensions[_SPAN] = span
        propagate.inject(request.headers, context=trace.set_span_in_context(span, parent))
        try:
            response = call_next(request)
        except BaseException as exc:
            _failed(span, *_error_of(exc))
            span.end()
            raise
        status = response.status_code
        span.set_attribute("http.response.status_code", status)
        span.set_attribute("ethos.request_id", response.request_id)
        if status >= 400:
            _failed(span, str(status), None)
        span.end()
        return response

    # -- each turn -----------------------------------------------------------------------

    def watch_turn(self, turn: TurnStream) -> Optional[_TurnSpans]:
        tracer = self.tracer()
        if tracer is None:
            return None
        watched = _TurnSpans(self, tracer, turn)
        self._turns[turn] = watched
        return watched


class _TurnSpans:
    """The ``invoke_agent`` span of one turn, its ``execute_tool`` children, and its metrics at the end."""

    def __init__(self, owner: _Instrumentation, tracer: trace.Tracer, turn: TurnStream) -> None:
        self.owner = owner
        self.tracer = tracer
        self.capture = _capturing()
        self.started = time.monotonic()
        self.server = _server(turn._client.base_url)
        self.common = {"gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "ethos", **self.server}
        self.span = tracer.start_span("invoke_agent", kind=SpanKind.CLIENT, attributes=self.common)
        if turn.session_id:
            self.span.set_attribute("gen_ai.conversation.id", turn.session_id)
        self.context = trace.set_span_in_context(self.span)
        self.tools: Dict[str, Span] = {}
        self.asked: Dict[str, int] = {}  # tool call id -> when its approval was asked (ns, for a span never started)
        self.reported: Set[str] = set()  # approvals and questions whose outcome has an event
        self.model: Optional[str] = None

    def sending(self, message: Any) -> None:
        """``chat.send`` of the turn goes out: the agent (personality) is known, and the prompt."""
        if not isinstance(message, Mapping):
            return
        agent = message.get("personalityId")
        if isinstance(agent, str) and agent:
            self.span.update_name(f"invoke_agent {agent}")
            self.span.set_attribute("gen_ai.agent.name", agent)
        text = message.get("text")
        if self.capture and isinstance(text, str):
            self.span.set_attribute("gen_ai.input.messages", _messages("user", text))

    def event(self, turn: TurnStream, event: StreamEvent) -> None:
        kind = event["type"]
        found: Mapping[str, Any] = event
        if kind == "run_start":
            self.model = str(found.get("model") or "") or None
            if self.model:
                self.span.set_attribute("gen_ai.response.model", self.model)
        elif kind == "tool_start":
            self._tool_started(str(found.get("toolCallId")), str(found.get("toolName")), found.get("args"))
        elif kind == "tool_end":
            self._tool_ended(turn, found)
        elif kind == "tool.approval_required":
            request = found.get("request") or {}
            call_id = str(request.get("toolCallId"))
            self.asked.setdefault(call_id, time.time_ns())
            attributes = {
                "ethos.approval.id": str(request.get("approvalId")),
                "gen_ai.tool.name": str(request.get("toolName")),
                "gen_ai.tool.call.id": call_id,
                "ethos.approval.reason": str(request.get("reason") or ""),
            }
            if self.capture:
                attributes["gen_ai.tool.call.arguments"] = _as_text(request.get("args"))
            self.span.add_event("ethos.approval.requested", attributes)
        elif kind == "clarify.request":
            attributes = {"ethos.question.id": str(found.get("requestId"))}
            if self.capture:
                attributes["ethos.question.text"] = str(found.get("question") or "")
            self.span.add_event("ethos.question.asked", attributes)
        if kind in ("approval.resolved", "clarify.resolved", "tool_end"):
            self._report_outcomes(turn)

    def _tool_started(self, call_id: str, name: str, args: Any) -> Span:
        attributes: Dict[str, Any] = {
            "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "gen_ai.tool.call.id": call_id,
        }
        if self.capture:
            attributes["gen_ai.tool.call.arguments"] = _as_text(args)
        span = self.tracer.start_span(
            f"execute_tool {name}", context=self.context, kind=SpanKind.INTERNAL, attributes=attributes,
            start_time=self.asked.get(call_id),  # a tool that ends unstarted (denied) spans its approval
        )
        self.tools[call_id] = span
        return span

    def _tool_ended(self, turn: TurnStream, event: Mapping[str, Any]) -> None:
        call_id = str(event.get("toolCallId"))
        span = self.tools.pop(call_id, None) or self._tool_started(call_id, str(event.get("toolName")), None)
        if isinstance(event.get("durationMs"), (int, float)):
            span.set_attribute("ethos.tool.duration_ms", event["durationMs"])
        if self.capture and isinstance(event.get("result"), str):
            span.set_attribute("gen_ai.tool.call.result", event["result"])
        if event.get("ok") is False:
            denied = any(
                a.decision == "deny" for a in turn._waits.approvals if self._call_of(turn, a.approval_id) == call_id
            )
            _failed(span, "denied" if denied else "tool_error", None)
        span.end()

    @staticmethod
    def _call_of(turn: TurnStream, approval_id: str) -> Optional[str]:
        request = turn._waits._approval_ids.get(approval_id)
        return request.tool_call_id if request is not None else None

    def _report_outcomes(self, turn: TurnStream) -> None:
        """A span event for each approval and question settled since the last one reported."""
        for decision in list(turn._waits.approvals):
            if decision.approval_id in self.reported:
                continue
            self.reported.add(decision.approval_id)
            attributes: Dict[str, Any] = {
                "ethos.approval.id": decision.approval_id,
                "gen_ai.tool.name": decision.tool_name,
                "ethos.approval.decision": decision.decision,
                "ethos.approval.decided_by": decision.decided_by,
                "ethos.approval.client_id": decision.client_id,
            }
            call_id = self._call_of(turn, decision.approval_id)
            if call_id is not None:
                attributes["gen_ai.tool.call.id"] = call_id
            if decision.scope is not None:
                attributes["ethos.approval.scope"] = decision.scope
            if self.capture and decision.reason is not None:
                attributes["ethos.approval.reason_given"] = decision.reason
            self.span.add_event("ethos.approval.resolved", attributes)
        for answer in list(turn._waits.questions):
            if answer.request_id in self.reported:
                continue
            self.reported.add(answer.request_id)
            attributes = {
                "ethos.question.id": answer.request_id,
                "ethos.question.source": answer.source,
                "ethos.question.decided_by": answer.decided_by,
            }
            if self.capture and answer.answer is not None:
                attributes["ethos.question.answer"] = answer.answer
            self.span.add_event("ethos.question.resolved", attributes)

    def end(self, turn: TurnStream, summary: TurnResult, error: Optional[BaseException]) -> None:
        self.owner._turns.pop(turn, None)
        self._report_outcomes(turn)
        for span in self.tools.values():  # the turn is over here without their tool_end
            _failed(span, "turn_ended", None)
            span.end()
        self.tools.clear()
        span = self.span
        if summary.session_id:
            span.set_attribute("gen_ai.conversation.id", summary.session_id)
        if summary.turn_id:
            span.set_attribute("ethos.turn_id", summary.turn_id)
        span.set_attribute("ethos.turn.state", turn.state)
        if summary.time_to_first_token is not None:
            span.set_attribute("ethos.time_to_first_token", summary.time_to_first_token.total_seconds())
        usage = summary.usage
        if usage is not None:
            span.set_attribute("gen_ai.usage.input_tokens", usage.input_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", usage.output_tokens)
        end = turn._record.end
        error_type: Optional[str] = None
        if end is not None and end["type"] == "error":
            error_type = str(end.get("code") or "error")
            _failed(span, error_type, str(end.get("error") or ""))
        elif error is not None:
            error_type, description = _error_of(error)
            _failed(span, error_type, description)
        elif turn.state in ("timed out", "lost"):
            error_type = "timeout" if turn.state == "timed out" else "lost"
            _failed(span, error_type, None)
        if self.capture and summary.text:
            span.set_attribute("gen_ai.output.messages", _messages("assistant", summary.text, finish_reason="stop"))
        span.end()
        self._measure(summary, error_type)

    def _measure(self, summary: TurnResult, error_type: Optional[str]) -> None:
        duration, tokens = self.owner.instruments()
        attributes: Dict[str, Any] = dict(self.common)
        if self.model:
            attributes["gen_ai.response.model"] = self.model
        if error_type is not None:
            attributes["error.type"] = error_type
        duration.record(time.monotonic() - self.started, attributes)
        if summary.usage is not None:
            tokens.record(summary.usage.input_tokens, {**attributes, "gen_ai.token.type": "input"})
            tokens.record(summary.usage.output_tokens, {**attributes, "gen_ai.token.type": "output"})
