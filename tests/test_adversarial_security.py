"""Secrets: the key and the cookie never show in a repr, an error, a traceback or a DEBUG log line.

A hostile server echoes the credentials it received back in every answer
(error bodies, a 2xx that is not an envelope, a refused stream), or breaks
the connection; every error is then rendered the ways a user or an error
tracker would see it.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
import warnings
from pathlib import Path
from typing import Any, List
from unittest import mock

import pytest

from ethos_sdk import EthosClient
from ethos_sdk._auth import InsecureCredentialWarning
from ethos_sdk.errors import ConfigurationError, EthosError

from .adversarial_servers import FIGURES, RawServer, Request, adversarial_summary, report, reset, response_bytes

__all__ = ["adversarial_summary"]

KEY = "sk-ethos-" + "5ec7e7" * 10 + "abcd"
COOKIE = "c00kie5ecret" + "9" * 40


def _echo(conn: socket.socket, req: Request, srv: RawServer) -> None:
    echoed = (
        f"you sent Authorization={req.headers.get('authorization')} Cookie={req.headers.get('cookie')} "
        f"path={req.path} raw={(req.headers.get('cookie') or '').partition('=')[2]}"
    )
    path = req.path
    if path.startswith("/rpc/chat/send") or path.startswith("/auth/exchange"):
        reset(conn)
    elif path.startswith("/rpc/meta/capabilities"):
        conn.sendall(response_bytes("200 OK", echoed.encode(), "text/html"))
    elif path.startswith("/rpc/sessions/get"):
        body = ('{"ok":false,"code":"UNAUTHORIZED","error":%r,"action":%r}' % (echoed, echoed)).replace("'", '"')
        conn.sendall(response_bytes("401 Unauthorized", body.encode()))
    elif path.startswith("/sse/"):
        conn.sendall(response_bytes("403 Forbidden", echoed.encode(), "text/plain"))
    else:
        import json

        body = json.dumps({"json": {"defined": True, "code": "BAD_REQUEST", "status": 400, "message": echoed,
                                    "data": {"action": echoed, "issues": [{"path": [echoed], "message": echoed}]}}})
        conn.sendall(response_bytes("400 Bad Request", body.encode()))


def rendered(exc: BaseException) -> str:
    return "\n".join([repr(exc), str(exc), "".join(traceback.format_exception(exc))])


def test_no_secret_in_any_error_repr_traceback_or_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    """Injected: a server that echoes the Authorization and Cookie headers in every answer, or resets.

    Observed: across every error (400, 401, 403 stream, non-envelope 2xx,
    reset RPC, reset login), neither the key nor the cookie appears in repr,
    str, traceback.format_exception, nor in any DEBUG log record of any logger
    (urllib3's included).
    """
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    errors: List[BaseException] = []
    with RawServer(_echo) as server:
        for options in ({"api_key": KEY}, {"cookie": COOKIE}):
            with EthosClient(server.url, max_retries=1, **options) as client:  # type: ignore[arg-type]
                client._transport.sleep = lambda s: None
                calls: List[Any] = [
                    lambda: client.sessions.list(),
                    lambda: client.sessions.get("s1"),
                    lambda: client.meta.capabilities(),
                    lambda: client.chat.send("hi", session_id="s1"),
                    lambda: next(iter(client.events("s1", connect_timeout=2.0))),
                    lambda: client.login(f"{server.url}/auth/exchange?t={COOKIE}"),
                ]
                for call in calls:
                    with pytest.raises(EthosError) as caught:
                        call()
                    errors.append(caught.value)
                texts = [repr(client), repr(client.events("s1"))]
    leaks = []
    for error in errors:
        text = rendered(error)
        if KEY in text or COOKIE in text:
            leaks.append(f"{type(error).__name__}: {text[:300]}")
    logs = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    logs += "\n".join(  # the structured fields of every record (ethos.procedure, ethos.request_id...)
        f"{name}={value}" for r in caplog.records for name, value in vars(r).items() if name.startswith("ethos.")
    )
    for text in texts + [logs]:
        if KEY in text or COOKIE in text:
            leaks.append(text[:300])
    FIGURES.add("leaked", len(leaks))
    FIGURES.add("calls", len(errors))
    FIGURES.add("faults", len(errors))
    assert leaks == []
    assert len(errors) == 12 and caplog.records
    report(f"secrets: {len(errors)} errors from a server echoing the credentials, {len(caplog.records)} DEBUG "
           "log records: the key and cookie appeared 0 times in repr/str/traceback/logs")


def test_a_bearer_key_over_plain_http_to_another_host_warns_once_per_host() -> None:
    """Injected: 20 clients with a key for a plain-HTTP remote host, then for https and loopback.

    Observed: one InsecureCredentialWarning for the remote plain-HTTP host, none for the others.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(20):
            EthosClient("http://ethos-adversarial.example:3000", api_key=KEY).close()
            EthosClient("https://ethos-adversarial.example", api_key=KEY).close()
            EthosClient("http://127.0.0.1:3000", api_key=KEY).close()
    insecure = [w for w in caught if issubclass(w.category, InsecureCredentialWarning)]
    assert len(insecure) == 1 and KEY not in str(insecure[0].message)
    report("plain HTTP: 60 clients, 1 warning (remote plain-HTTP host only), key not in it")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX only")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o666, 0o610, 0o601])
def test_the_web_token_file_is_never_read_when_others_can_read_it(
    mode: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Injected: a web-token file with a mode that lets group or others in.

    Observed: a warning, a ConfigurationError, and the file's content never read.
    """
    state = tmp_path / "state"
    state.mkdir()
    token = state / "web-token"
    token.write_text(COOKIE)
    token.chmod(mode)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(state))
    with mock.patch.object(Path, "read_text", side_effect=AssertionError("the token file was read")) as read:
        with pytest.warns(InsecureCredentialWarning):
            with pytest.raises(ConfigurationError) as caught:
                EthosClient("http://127.0.0.1:3000")
    assert read.call_count == 0
    assert COOKIE not in str(caught.value)


@pytest.mark.parametrize("base", ["http://10.0.0.5:3000", "https://ethos.example.com", "http://127.0.0.1.nip.io:3000",
                                  "http://localhost@evil.example:3000", "http://[::ffff:a00:5]:3000"])
def test_the_web_token_file_is_never_read_for_a_server_elsewhere(
    base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Injected: a valid mode-600 token file and a base URL that is not this machine (or only looks like it).

    Observed: ConfigurationError, and the file never read.
    """
    state = tmp_path / "state"
    state.mkdir()
    token = state / "web-token"
    token.write_text(COOKIE)
    token.chmod(0o600)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(state))
    with mock.patch.object(Path, "read_text", side_effect=AssertionError("the token file was read")) as read:
        with pytest.raises(ConfigurationError):
            EthosClient(base)
    assert read.call_count == 0


def test_no_secret_in_log_fields_turn_lines_middleware_or_spans(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Injected: a turn with a tool approval, with a key and with a cookie, through a middleware that
    reprs what it sees, with DEBUG logs and (when installed) OpenTelemetry capturing message content.

    Observed: neither the key nor the cookie appears in any log message or ``ethos.*`` field, in
    the middleware's reprs, or in any span attribute or event.
    """
    from ethos_sdk.middleware import CallNext, Request, Response
    from ethos_sdk.testing import LocalEthosServer

    caplog.set_level(logging.DEBUG)
    seen: List[str] = []

    def note(request: Request, call_next: CallNext) -> Response:
        response = call_next(request)
        seen.extend([repr(request), repr(response), request.name, str(request.input)])
        return response

    spans: Any = None
    try:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        from ethos_sdk.otel import CAPTURE_CONTENT, instrument, uninstrument

        spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        monkeypatch.setenv(CAPTURE_CONTENT, "true")
        instrument(tracer_provider=provider)
    except ImportError:
        print("OpenTelemetry is not installed: spans are not checked here (test_otel.py says why it skips)")
    secrets: List[str] = []
    try:
        with LocalEthosServer(word_delay=0.0) as server:
            for auth in ("key", "cookie"):
                client = server.client(auth=auth, middleware=[note])
                client.chat.ask('USE_TOOL:terminal ARGS:{"command":"echo drop table x"}', on_approval="approve")
            secrets = [server.api_key, server.web_token]
    finally:
        if spans is not None:
            uninstrument()
    texts = [r.getMessage() for r in caplog.records] + seen
    texts += [f"{k}={v}" for r in caplog.records for k, v in vars(r).items() if k.startswith("ethos.")]
    for span in spans.get_finished_spans() if spans is not None else []:
        texts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
        texts += [f"{k}={v}" for e in span.events for k, v in (e.attributes or {}).items()]
    assert any("turn " in t and " done in " in t for t in texts)
    leaks = [t[:200] for t in texts if any(secret in t for secret in secrets)]
    assert leaks == []
    report(f"secrets: {len(texts)} log messages, ethos.* fields, middleware reprs and span attributes of two "
           "turns (key, cookie): the credentials appeared 0 times")
