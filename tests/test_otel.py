"""OpenTelemetry (``ethos_sdk.otel``): spans, span events, metrics and the traceparent, against the local server.

Spans go to the OpenTelemetry SDK's in-memory exporter and metrics to its
in-memory reader, through providers passed to ``instrument`` (the global ones
can be set once per process, and are left alone).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from ethos_sdk import ConfigurationError, TurnError
from ethos_sdk.testing import LocalEthosServer

from .conftest import report

otel = pytest.importorskip("ethos_sdk.otel", reason="opentelemetry-api is not installed (pip install -e '.[test]')")
sdk_trace = pytest.importorskip("opentelemetry.sdk.trace", reason="opentelemetry-sdk is not installed")

from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind, StatusCode  # noqa: E402

from ethos_sdk.otel import CAPTURE_CONTENT, instrument, uninstrument  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOL = "look it up USE_TOOL:memory_read"
DROP = 'USE_TOOL:terminal ARGS:{"command":"echo drop table probe"}'


class Telemetry:
    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.metrics = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.metrics])

    def instrument(self, client: Any = None) -> None:
        instrument(client, tracer_provider=self.tracer_provider, meter_provider=self.meter_provider)

    def finished(self) -> List[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def points(self, name: str) -> List[Any]:
        data = self.metrics.get_metrics_data()
        return [
            point
            for resource in (data.resource_metrics if data is not None else [])
            for scope in resource.scope_metrics
            for metric in scope.metrics if metric.name == name
            for point in metric.data.data_points
        ]


@pytest.fixture()
def telemetry() -> Iterator[Telemetry]:
    found = Telemetry()
    yield found
    uninstrument()


@pytest.fixture()
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer(word_delay=0.0) as local:
        yield local


def _by_kind(spans: List[ReadableSpan]) -> Tuple[ReadableSpan, List[ReadableSpan], List[ReadableSpan]]:
    (agent,) = [s for s in spans if s.name.startswith("invoke_agent")]
    tools = [s for s in spans if s.name.startswith("execute_tool")]
    http = [s for s in spans if s.kind == SpanKind.CLIENT and not s.name.startswith("invoke_agent")]
    return agent, tools, http


def _traceparent(trace_id: int, span_id: int) -> Tuple[str, str]:
    return f"{trace_id:032x}", f"{span_id:016x}"


def test_a_turn_with_a_tool_is_one_trace_the_server_received(
    server: LocalEthosServer, telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CAPTURE_CONTENT, raising=False)
    client = server.client()
    telemetry.instrument(client)
    reply = client.chat.ask(TOOL, personality_id="researcher")
    agent, tools, http = _by_kind(telemetry.finished())

    attributes = dict(agent.attributes or {})
    assert agent.name == "invoke_agent researcher" and agent.kind == SpanKind.CLIENT
    assert attributes["gen_ai.operation.name"] == "invoke_agent"
    assert attributes["gen_ai.provider.name"] == "ethos"
    assert attributes["gen_ai.agent.name"] == "researcher"
    assert attributes["gen_ai.conversation.id"] == reply.session_id
    assert reply.usage is not None
    assert attributes["gen_ai.usage.input_tokens"] == reply.usage.input_tokens
    assert attributes["gen_ai.usage.output_tokens"] == reply.usage.output_tokens
    assert attributes["server.port"] == int(server.base_url.rsplit(":", 1)[1])

    (tool,) = tools
    assert tool.name == "execute_tool memory_read" and tool.parent is not None
    assert tool.parent.span_id == agent.context.span_id
    assert dict(tool.attributes or {})["gen_ai.tool.call.id"] == reply.tool_calls[0].id

    names = sorted(s.name for s in http)
    assert names == ["GET /sse/sessions/{sessionId}", "POST /rpc/chat/send"]
    trace_id = agent.context.trace_id
    assert {s.context.trace_id for s in [agent, tool, *http]} == {trace_id}
    assert all(s.parent is not None and s.parent.span_id == agent.context.span_id for s in http)
    send = next(s for s in http if s.name == "POST /rpc/chat/send")
    send_attributes = dict(send.attributes or {})
    assert send_attributes["ethos.procedure"] == "chat.send" and send_attributes["http.response.status_code"] == 200
    assert send_attributes["ethos.request_id"] == reply.turn_id and send_attributes["url.path"] == "/rpc/chat/send"

    received = {r.request_id: r.headers.get("traceparent", "") for r in server.received}
    for span in http:
        request_id = str(dict(span.attributes or {})["ethos.request_id"])
        version, tid, parent, flags = received[request_id].split("-")
        assert (tid, parent) == _traceparent(trace_id, span.context.span_id)
    report(f"otel: chat.ask with a tool: 1 invoke_agent, {len(tools)} execute_tool, {len(http)} client spans, "
           "one trace; the server received its traceparent on each request")


def test_an_approval_and_a_question_are_span_events_with_decision_and_who(
    server: LocalEthosServer, telemetry: Telemetry
) -> None:
    client = server.client(auth="cookie")
    telemetry.instrument(client)
    client.chat.ask(DROP, on_approval="approve")
    agent, tools, _ = _by_kind(telemetry.finished())
    events = {e.name: dict(e.attributes or {}) for e in agent.events}
    assert events["ethos.approval.requested"]["gen_ai.tool.name"] == "terminal"
    resolved = events["ethos.approval.resolved"]
    assert resolved["ethos.approval.decision"] == "allow" and resolved["ethos.approval.decided_by"] == "policy"
    assert resolved["ethos.approval.scope"] == "once" and resolved["gen_ai.tool.call.id"] == "call_fake_1"
    assert any(s.name == "POST /rpc/tools/approve" for s in telemetry.finished())

    telemetry.spans.clear()
    client.chat.ask(DROP, on_approval=lambda request: False)
    agent, tools, _ = _by_kind(telemetry.finished())
    denied = {e.name: dict(e.attributes or {}) for e in agent.events}["ethos.approval.resolved"]
    assert denied["ethos.approval.decision"] == "deny"
    (tool,) = tools
    assert dict(tool.attributes or {})["error.type"] == "denied" and tool.status.status_code == StatusCode.ERROR

    telemetry.spans.clear()
    client.chat.ask('USE_TOOL:clarify ARGS:{"question":"Which color?","options":["red","blue"]}', on_question="red")
    agent, _, _ = _by_kind(telemetry.finished())
    events = {e.name: dict(e.attributes or {}) for e in agent.events}
    assert events["ethos.question.resolved"]["ethos.question.decided_by"] == "policy"
    assert events["ethos.question.resolved"]["ethos.question.source"] == "user"
    assert "ethos.question.text" not in events["ethos.question.asked"]


def _all_text(spans: List[ReadableSpan]) -> str:
    parts = []
    for span in spans:
        parts.append(json.dumps(dict(span.attributes or {}), default=str))
        parts.extend(json.dumps(dict(e.attributes or {}), default=str) for e in span.events)
    return "\n".join(parts)


def test_message_text_only_with_the_opt_in_variable(
    server: LocalEthosServer, telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = server.client()
    telemetry.instrument(client)
    secret_words = "purple-elephant-42"
    monkeypatch.delenv(CAPTURE_CONTENT, raising=False)
    client.chat.ask(f"{secret_words} {DROP}", on_approval="approve")
    assert secret_words not in _all_text(telemetry.finished())
    assert "gen_ai.input.messages" not in _all_text(telemetry.finished())

    telemetry.spans.clear()
    monkeypatch.setenv(CAPTURE_CONTENT, "true")
    reply = client.chat.ask(f"{secret_words} {DROP}", on_approval="approve")
    agent, tools, _ = _by_kind(telemetry.finished())
    attributes = dict(agent.attributes or {})
    assert json.loads(str(attributes["gen_ai.input.messages"]))[0]["parts"][0]["content"].startswith(secret_words)
    assert json.loads(str(attributes["gen_ai.output.messages"]))[0]["parts"][0]["content"] == reply.text
    assert "echo drop table probe" in str(dict(tools[0].attributes or {})["gen_ai.tool.call.arguments"])
    assert server.api_key not in _all_text(telemetry.finished())


def test_metrics_count_the_turn_duration_and_tokens(server: LocalEthosServer, telemetry: Telemetry) -> None:
    client = server.client()
    telemetry.instrument(client)
    replies = [client.chat.ask("hello"), client.chat.ask("again")]
    (duration,) = telemetry.points("gen_ai.client.operation.duration")
    assert duration.count == 2 and duration.sum > 0
    assert duration.attributes["gen_ai.operation.name"] == "invoke_agent"
    tokens = {p.attributes["gen_ai.token.type"]: p for p in telemetry.points("gen_ai.client.token.usage")}
    assert tokens["input"].sum == sum(r.usage.input_tokens for r in replies if r.usage)
    assert tokens["output"].sum == sum(r.usage.output_tokens for r in replies if r.usage)


def test_a_failed_turn_and_a_failed_request_carry_error_type(server: LocalEthosServer, telemetry: Telemetry) -> None:
    client = server.client(max_retries=1)
    client._transport.sleep = lambda seconds: None
    telemetry.instrument(client)
    with pytest.raises(TurnError):
        client.chat.ask("please FAIL")
    agent, _, _ = _by_kind(telemetry.finished())
    assert dict(agent.attributes or {})["error.type"] == "LLM_ERROR" and agent.status.status_code == StatusCode.ERROR
    assert telemetry.points("gen_ai.client.operation.duration")[0].attributes["error.type"] == "LLM_ERROR"

    telemetry.spans.clear()
    server.faults.fail_next(1, status=503)
    client.sessions.list()
    first, second = sorted(telemetry.finished(), key=lambda s: s.start_time or 0)
    assert dict(first.attributes or {})["error.type"] == "503" and first.status.status_code == StatusCode.ERROR
    assert dict(second.attributes or {})["http.request.resend_count"] == 1
    assert "error.type" not in dict(second.attributes or {})


def test_instrument_for_every_client_and_uninstrument_stops_it(
    server: LocalEthosServer, telemetry: Telemetry
) -> None:
    before = server.client()
    telemetry.instrument()  # every client, made before or after
    after = server.client()
    before.sessions.list()
    after.with_options(timeout=30).sessions.list()
    assert len(telemetry.finished()) == 2
    telemetry.instrument(after)  # a client's own and every client's: one span per request, not two
    after.sessions.list()
    assert len(telemetry.finished()) == 3

    uninstrument()
    telemetry.spans.clear()
    seen = len(server.received)
    before.chat.ask("hello")
    after.sessions.list()
    assert telemetry.finished() == []
    assert all("traceparent" not in r.headers for r in server.received[seen:])

    telemetry.instrument(after)
    uninstrument(after)
    after.sessions.list()
    assert telemetry.finished() == []
    with pytest.raises(ConfigurationError, match="takes an EthosClient"):
        instrument("client")  # type: ignore[arg-type]


def test_without_a_tracer_provider_nothing_is_sent_or_recorded(server: LocalEthosServer) -> None:
    client = server.client()
    instrument(client)  # the global provider: none is set in the tests
    try:
        seen = len(server.received)
        reply = client.chat.ask(TOOL)
        assert reply.tool_calls
        assert all("traceparent" not in r.headers for r in server.received[seen:])
        assert client._transport.observers.instruments["opentelemetry"].active() is False
    finally:
        uninstrument(client)


def test_import_ethos_sdk_does_not_import_opentelemetry() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import ethos_sdk; from ethos_sdk import EthosClient; "
        "import ethos_sdk.middleware; "
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_attribute_list_in_the_docs_names_every_attribute_emitted(
    server: LocalEthosServer, telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CAPTURE_CONTENT, "true")
    client = server.client(auth="cookie")
    telemetry.instrument(client)
    client.chat.ask(DROP, on_approval="approve", personality_id="researcher")
    client.chat.ask('USE_TOOL:clarify ARGS:{"question":"Which color?","options":["red","blue"]}', on_question="red")
    with pytest.raises(TurnError):
        client.chat.ask("FAIL")
    names: Dict[str, None] = {}
    for span in telemetry.finished():
        names.update(dict.fromkeys(span.attributes or {}))
        for event in span.events:
            names.update(dict.fromkeys(event.attributes or {}))
    page = (ROOT / "docs" / "observability.rst").read_text(encoding="utf-8")
    missing = [name for name in names if f"``{name}``" not in page]
    assert missing == []
