"""Settings that travel, and results and errors that cross processes (issue 26, item 2).

The user's side::

    config = client.to_config()            # picklable; no secret in it
    ...                                     # in a worker process:
    worker = config.connect()               # reads ETHOS_API_KEY (or the web-token file) there

Everything a worker returns or raises comes back through ``pickle``: a
``TurnResult`` equal to the one made, every ``EthosError`` as itself, and a
pause (``ApprovalRequired``) with the ids the parent needs to answer it and
rejoin the turn.
"""

from __future__ import annotations

import inspect
import os
import pickle
import stat
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from ethos_sdk import (
    ApprovalRequest,
    ApprovalRequired,
    ClientConfig,
    ConfigurationError,
    EthosClient,
    EthosError,
    QuestionAsked,
    TurnResult,
    errors,
)
from ethos_sdk.testing import LocalEthosServer

from .conftest import FAKE_KEY

DROP = 'USE_TOOL:terminal ARGS:{"command":"echo drop table config"}'
ASK = 'USE_TOOL:clarify ARGS:{"question":"Which color?","options":["red","blue"]}'


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as running:
        yield running


def _secret_free(data: bytes, *secrets: str) -> bool:
    return not any(secret.encode() in data for secret in secrets)


# -- ClientConfig ------------------------------------------------------------------------------


def test_a_config_pickles_without_the_secret_whatever_gave_it(monkeypatch: pytest.MonkeyPatch) -> None:
    cookie = "c" * 40
    clients = [
        EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY),
        EthosClient("http://127.0.0.1:9", cookie=cookie),
    ]
    monkeypatch.setenv("ETHOS_API_KEY", FAKE_KEY)
    clients.append(EthosClient("http://127.0.0.1:9"))
    for client in clients:
        config = client.to_config()
        data = pickle.dumps(config)
        assert _secret_free(data, FAKE_KEY, cookie) and config.credential is None
        assert FAKE_KEY not in repr(config) and cookie not in repr(config)
        assert pickle.loads(data) == config
    assert [c.to_config().credential_source for c in clients] == ["argument", "argument", "ETHOS_API_KEY"]


def test_include_credentials_carries_the_secret_and_masks_it_in_repr(server: LocalEthosServer) -> None:
    client = server.client()
    config = client.to_config(include_credentials=True)
    assert config.includes_credentials and config.credential == server.api_key
    assert server.api_key not in repr(config) and "credential='***'" in repr(config)
    assert server.api_key.encode() in pickle.dumps(config)  # on purpose: it is what makes it connect anywhere
    worker = pickle.loads(pickle.dumps(config)).connect()
    assert worker.chat.ask("from the config").text.endswith("from the config")
    assert worker.client_id != client.client_id  # each connected client has its own
    worker.close()
    client.close()


def test_connect_builds_the_same_client(server: LocalEthosServer) -> None:
    client = EthosClient(
        server.base_url, api_key=server.api_key, origin=server.origin, timeout=(3, 30), deadline=40,
        max_retries=4, headers={"X-Team": "docs"}, max_connections=12, max_response_bytes=1 << 20,
        max_event_bytes=1 << 16,
    )
    config = client.to_config(include_credentials=True)
    assert hash(config) == hash(pickle.loads(pickle.dumps(config)))
    twin = config.connect()
    mine, its = client._transport, twin._transport
    assert (its.base_url, its.origin, its.timeout, its.deadline, its.max_retries, its.extra_headers) == (
        mine.base_url, mine.origin, mine.timeout, mine.deadline, mine.max_retries, mine.extra_headers,
    )
    assert (its.pool.size, its.max_response_bytes, twin.max_event_bytes) == (12, 1 << 20, 1 << 16)
    assert twin.to_config(include_credentials=True) == config
    twin.close()
    client.close()


def test_middleware_stays_behind_and_connect_takes_the_workers_own(server: LocalEthosServer) -> None:
    seen: List[str] = []

    def note(request: Any, call_next: Any) -> Any:
        seen.append(request.url.rsplit("/rpc/", 1)[-1])
        return call_next(request)

    client = EthosClient(server.base_url, api_key=server.api_key, origin=server.origin, middleware=[note])
    config = client.to_config(include_credentials=True)
    pickle.dumps(config)  # a function of this process is not in it
    with config.connect() as plain:
        plain.sessions.list(limit=1)
    assert seen == []
    with config.connect(middleware=[note]) as worker:
        worker.sessions.list(limit=1)
    assert seen == ["sessions/list"]
    client.close()


def test_connect_reads_ethos_api_key_where_it_runs(server: LocalEthosServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETHOS_API_KEY", server.api_key)
    monkeypatch.setenv("ETHOS_ORIGIN", server.origin)
    config = EthosClient(server.base_url).to_config()
    assert config.credential_source == "ETHOS_API_KEY" and config.origin == server.origin
    monkeypatch.delenv("ETHOS_ORIGIN")  # the origin travels in the config; the key is read again
    with config.connect() as worker:
        assert worker.chat.ask("key from the environment").text.endswith("key from the environment")
    monkeypatch.delenv("ETHOS_API_KEY")
    with pytest.raises(ConfigurationError, match="ETHOS_API_KEY, which is not set in this process") as missing:
        config.connect()
    assert "include_credentials=True" in str(missing.value) and server.api_key not in str(missing.value)
    with config.connect(api_key=server.api_key) as given:  # or given by the worker's own code
        assert given.auth_mode == "bearer"


def test_connect_reads_the_web_token_file_again(server: LocalEthosServer, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "ethos-state"
    state.mkdir()
    token_file = state / "web-token"
    token_file.write_text(server.web_token)
    token_file.chmod(stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(state))
    config = EthosClient(server.base_url).to_config()
    assert (config.auth_mode, config.credential_source, config.token_file) == ("cookie", "web-token file", str(token_file))
    assert _secret_free(pickle.dumps(config), server.web_token)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "elsewhere"))  # the file named in the config is read
    with config.connect() as worker:
        assert worker.auth_mode == "cookie" and worker.sessions.list(limit=1)["items"] is not None
    token_file.unlink()
    with pytest.raises(ConfigurationError, match="cannot read"):
        config.connect()


@pytest.mark.parametrize("how", ["argument", "login"])
def test_a_secret_given_in_code_is_not_guessed(server: LocalEthosServer, how: str) -> None:
    if how == "argument":
        client = server.client()
    else:
        client = EthosClient.from_login_url(server.login_url)
    config = client.to_config()
    assert config.credential_source == how
    with pytest.raises(ConfigurationError, match="to_config\\(include_credentials=True\\)"):
        config.connect()
    client.close()


# -- errors and results through pickle ---------------------------------------------------------


def _every_error() -> List[EthosError]:
    """One instance of every class the SDK raises, with its attributes set."""
    made: Dict[str, EthosError] = {
        "EthosError": errors.EthosError("plain"),
        "ConfigurationError": errors.ConfigurationError("bad option"),
        "InvalidCallError": errors.InvalidCallError(
            "no such procedure", procedure="sesions.list", suggestions=["sessions.list"], unknown_keys=["x"]
        ),
        "ClientClosedError": errors.ClientClosedError("closed"),
        "APIConnectionError": errors.APIConnectionError("refused", request_id="r-1"),
        "APITimeoutError": errors.APITimeoutError("slow", request_id="r-2"),
        "WaitTimeoutError": errors.WaitTimeoutError("gave up", last_status="running", last={"id": "g1"}),
        "UnexpectedResponseError": errors.UnexpectedResponseError("html", status=200, text="<html>", request_id="r-3"),
        "ResponseTooLargeError": errors.ResponseTooLargeError("too big", limit=10, what="event", request_id="r-4"),
        "StreamError": errors.StreamError("broken"),
        "TurnNotFoundError": errors.TurnNotFoundError("nothing to join", session_id="s-1"),
        "TurnError": errors.TurnError("failed", code="LLM_ERROR", event={"type": "error", "error": "failed"}),
    }
    for cls in (errors.TurnPaused, errors.ApprovalRequired, errors.QuestionAsked):
        made[cls.__name__] = cls("waits", request={"approvalId": "a-1"}, turn=None)
    for name in errors.__all__:
        cls = getattr(errors, name)
        if issubclass(cls, errors.APIStatusError):
            made[name] = cls(
                "no", status=404 if cls is errors.APIStatusError else 400, code="X", action="do y",
                issues=[{"path": ["id"], "message": "required"}], hint="h", request_id="r-5", body={"k": "v"},
                text="{}", retry_after=1.5,
            )
    assert set(made) == set(errors.__all__)  # a new error class needs a line here
    return list(made.values())


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__name__)
def test_every_error_comes_back_from_pickle_as_itself(error: EthosError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and repr(copy) == repr(error) and copy.args == error.args
    assert copy.__dict__ == error.__dict__


def test_errors_need_their_keywords_so_plain_exception_pickling_would_fail() -> None:
    """What the SDK's own pickling is for: these cannot be rebuilt from their message alone."""
    needing = [
        cls.__name__ for cls in (getattr(errors, n) for n in errors.__all__)
        if any(p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in inspect.signature(cls.__init__).parameters.values())
    ]
    assert {"WaitTimeoutError", "UnexpectedResponseError", "ResponseTooLargeError", "TurnNotFoundError",
            "ApprovalRequired", "InvalidCallError", "BadRequestError"} <= set(needing)


def test_a_turn_result_with_tools_approvals_and_usage_pickles_equal(server: LocalEthosServer) -> None:
    with server.client(timeout=10) as client:
        reply = client.chat.ask(DROP, on_approval="approve")
    assert reply.tool_calls and reply.approvals and reply.usage is not None and reply.done is not None
    copy = pickle.loads(pickle.dumps(reply))
    assert isinstance(copy, TurnResult) and copy == reply


def test_a_pause_pickles_with_what_the_parent_needs_to_answer_and_rejoin(server: LocalEthosServer) -> None:
    with server.client(timeout=10) as client:
        with pytest.raises(ApprovalRequired) as paused:
            client.chat.ask(DROP)
        live = paused.value
        copy = pickle.loads(pickle.dumps(live))
        assert type(copy) is ApprovalRequired and copy.turn is None and live.turn is not None
        request = copy.request
        assert isinstance(request, ApprovalRequest)
        assert (request.approval_id, request.tool_name, request.args, copy.session_id) == (
            live.request.approval_id, "terminal", {"command": "echo drop table config"}, live.turn.session_id,
        )
        assert "e.turn is None here" in str(copy) and f"client.chat.follow({copy.session_id!r})" in str(copy)
        with pytest.raises(ConfigurationError, match=f"client.tools.approve\\('{request.approval_id}', client.client_id, 'once'\\)"):
            request.approve()  # no client came with it: the error says what to call
        live.turn.detach()  # this process stops following; the parent answers from the pickled copy
        client.tools.approve(request.approval_id, client.client_id, "once")
        reply = client.chat.follow(copy.session_id, timeout=10).result()  # the replay shows it settled
    assert reply.text == "Tool said: drop table config"


def test_a_question_pickles_with_its_text_and_options(server: LocalEthosServer) -> None:
    with server.client(timeout=10) as client:
        with pytest.raises(QuestionAsked) as asked:
            client.chat.ask(ASK)
        copy: Any = pickle.loads(pickle.dumps(asked.value))
        asked.value.turn.close()
    assert (copy.request.question, copy.request.options, copy.request.request_id) == (
        "Which color?", ["red", "blue"], asked.value.request.request_id,
    )
    with pytest.raises(ConfigurationError, match="clarify.respond"):
        copy.request.answer("red")


def test_a_config_is_not_a_client() -> None:
    """The config is only settings: a client still refuses to be pickled (it holds connections)."""
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)
    assert isinstance(pickle.loads(pickle.dumps(client.to_config())), ClientConfig)
    assert os.environ.get("ETHOS_API_KEY") is None
