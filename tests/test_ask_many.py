"""``client.chat.ask_many`` and leaving a fan-out: every turn stops (issue 26, items 3 and 4).

The user's side, in five lines::

    with EthosClient() as client:
        results = client.chat.ask_many(tickets, personality_id="support", on_error="return", progress=True)
    print(results.usage.output_tokens, len(results.failed))
    frame = results.to_pandas()
    # Ctrl-C, an exception, close() or SIGTERM (after interrupt_on_sigterm()) stops every turn in flight

The local server's agent repeats each message, so a result in the wrong place
is seen; ``SLOW`` makes a turn last about ten seconds unless it is stopped,
and ``server.wait_idle`` says when no turn runs on the server any more.
"""

from __future__ import annotations

import concurrent.futures
import copyreg
import logging
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple, Union

import pytest

from ethos_sdk import (
    APIConnectionError,
    ApprovalRequired,
    ClientClosedError,
    ClientConfig,
    ConfigurationError,
    EthosClient,
    TurnError,
    TurnResult,
    TurnResults,
    interrupt_on_sigterm,
)
from ethos_sdk._many import _one_turn_in_worker
from ethos_sdk._turn_options import TurnOptions
from ethos_sdk.testing import LocalEthosServer

from .conftest import FAKE_KEY, ROOT, report
from .test_turn_lifetime import client, server  # noqa: F401 - the same fixtures: SLOW words 0.3 s apart

REPLY = "Hello from the fake LLM. You said: "
DROP = 'USE_TOOL:terminal ARGS:{"command":"echo drop table many"}'
SLOW = "SLOW " + " ".join(f"w{i}" for i in range(30))
"""About 35 words at 0.3 s each: ten seconds unless stopped."""


def _sends(server: LocalEthosServer) -> int:
    return server.request_counts.get("chat.send", 0)


def _idle_within(server: LocalEthosServer, since: float, bound: float = 10.0) -> float:
    """Seconds from ``since`` until no turn runs on the server (fails past ``bound``)."""
    assert server.wait_idle(bound), f"turns still ran on the server {bound} s later"
    return time.monotonic() - since


# -- results ------------------------------------------------------------------------------------


def test_results_keep_the_order_of_the_items_and_sum_the_usage(client: EthosClient) -> None:
    items = [f"item {i}" for i in range(12)]
    results = client.chat.ask_many(items, max_concurrency=4)
    assert isinstance(results, TurnResults) and len(results) == 12
    assert [r.text for r in results] == [REPLY + item for item in items]
    assert results.prompts == items and results.failed == []
    usages = [r.usage for r in results if r.usage is not None]
    assert len(usages) == 12
    total = results.usage
    assert (total.input_tokens, total.output_tokens, total.model_calls) == (
        sum(u.input_tokens for u in usages), sum(u.output_tokens for u in usages), 12,
    )
    assert total.output_tokens > 0 and results[3:5] == [results[3], results[4]]


def test_on_error_return_puts_each_error_in_its_place(client: EthosClient) -> None:
    items: List[Union[str, dict[str, Any]]] = ["first", "FAIL please", {"text": "third"}, "FAIL again", "fifth"]
    results = client.chat.ask_many(items, on_error="return", max_concurrency=3)
    assert [type(r).__name__ for r in results] == ["TurnResult", "TurnError", "TurnResult", "TurnError", "TurnResult"]
    assert [index for index, _ in results.failed] == [1, 3]
    assert all(isinstance(error, TurnError) and error.code == "LLM_ERROR" for _, error in results.failed)
    ok = [r for r in results if isinstance(r, TurnResult)]
    assert results.usage.model_calls == sum(r.usage.model_calls for r in ok if r.usage)
    copy = pickle.loads(pickle.dumps(results))  # errors included
    assert [type(r) for r in copy] == [type(r) for r in results] and str(copy[1]) == str(results[1])


def test_items_are_ask_arguments_over_the_shared_options(client: EthosClient) -> None:
    session_id = client.chat.ask("start a session").session_id
    seen: List[str] = []
    results = client.chat.ask_many(
        [{"text": "continue it", "session_id": session_id}, {"text": "its own options", "on_event": None}, "plain"],
        on_event=lambda event: seen.append(event["type"]),
    )
    assert results[0].session_id == session_id and results[1].session_id != session_id
    assert [r.text for r in results] == [REPLY + t for t in ("continue it", "its own options", "plain")]
    assert seen.count("done") == 2  # the item that set on_event=None was not reported to the shared callback


def test_on_error_raise_raises_the_first_and_stops_the_other_turns(
    server: LocalEthosServer, client: EthosClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ethos_sdk"), pytest.raises(TurnError, match="told to fail"):
        started = time.monotonic()
        client.chat.ask_many([SLOW, SLOW, "FAIL now", SLOW], max_concurrency=4)
    raised = time.monotonic() - started
    idle = _idle_within(server, started)
    report(f"ask_many on_error='raise': raised after {raised:.2f} s, no turn left on the server after {idle:.2f} s")
    assert raised < 5 and "stopped 3 turn(s) in flight (chat.ask_many stopped its turns after item 2 failed" in caplog.text


def test_a_pause_nobody_answers_is_stopped_and_its_error_takes_the_item(
    server: LocalEthosServer, client: EthosClient
) -> None:
    results = client.chat.ask_many(["before", DROP, "after"], on_error="return")
    error = results[1]
    assert isinstance(error, ApprovalRequired) and error.turn is None
    assert error.request.decision == "deny"  # denied, not left parked on the server
    assert "chat.ask_many denied it and stopped the turn" in str(error) and "on_approval=" in str(error)
    assert [r.text for r in results if isinstance(r, TurnResult)] == [REPLY + "before", REPLY + "after"]
    assert server.wait_idle(5)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.request.approval_id == error.request.approval_id and copy.session_id == error.session_id
    approved = client.chat.ask_many([DROP], on_approval="approve")
    assert approved[0].text == "Tool said: drop table many" and approved[0].approvals[0].decision == "allow"


def test_bad_input_is_refused_before_anything_is_sent(server: LocalEthosServer, client: EthosClient) -> None:
    before = _sends(server)
    bad: List[Tuple[Any, dict[str, Any], str]] = [
        ("one message", {}, "not one str"),
        (["ok", 42], {}, "item 1 is a int"),
        (["ok", {"session_id": "s"}], {}, "item 1 has no 'text'"),
        (["ok", {"text": "x", "sesion_id": "s"}], {}, "unknown key(s) 'sesion_id'"),
        (["ok"], {"on_error": "ignore"}, "on_error must be 'raise' or 'return'"),
        (["ok"], {"max_concurrency": 0}, "max_concurrency must be"),
        (["ok"], {"progress": "yes"}, "progress must be True, False or a function"),
        (["ok"], {"executor": object()}, "executor must be a concurrent.futures.Executor"),
        (["ok"], {"personality": "x"}, "unknown option 'personality'"),
        (["ok"], {"timeout": -1}, "timeout"),
        (["ok"], {"on_approval": "maybe"}, "on_approval must be"),
        (["ok", {"text": "x", "timeout": "soon"}], {}, "timeout"),
    ]
    for items, keywords, message in bad:
        with pytest.raises(ConfigurationError, match=message.replace("(", "\\(").replace(")", "\\)")):
            client.chat.ask_many(items, **keywords)
    assert _sends(server) == before


def test_concurrency_never_exceeds_the_pool(server: LocalEthosServer, caplog: pytest.LogCaptureFixture) -> None:
    running = peak = 0
    lock = threading.Lock()

    def count(event: Any) -> None:
        nonlocal running, peak
        with lock:
            running += {"run_start": 1, "done": -1}.get(event["type"], 0)
            peak = max(peak, running)

    with server.client(max_connections=4) as small, caplog.at_level(logging.INFO, logger="ethos_sdk"):
        results = small.chat.ask_many([f"n{i}" for i in range(10)], max_concurrency=8, on_event=count)
    assert len(results) == 10 and peak <= 2  # 4 connections, two per turn
    assert "8 turns at once asked for, but the client's pool keeps 4 connections" in caplog.text
    peak = 0
    with server.client() as large:
        large.chat.ask_many([f"{SLOW[:30]} m{i}" for i in range(6)], max_concurrency=3, on_event=count)
    assert peak == 3


def test_a_long_run_is_handed_to_the_threads_a_few_items_at_a_time(
    client: EthosClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ask_many's queue bound, each ending item lets the next one in: the order holds."""
    monkeypatch.setattr("ethos_sdk._many._QUEUED_AT_MOST", 3)
    items = [f"long run {i}" for i in range(9)]
    results = client.chat.ask_many(items, max_concurrency=2)
    assert [r.text for r in results] == [REPLY + item for item in items]


def test_progress_goes_to_a_function_in_order(client: EthosClient) -> None:
    calls: List[Tuple[int, int, str]] = []
    client.chat.ask_many(
        ["a", "FAIL", "c"], on_error="return", progress=lambda done, total, r: calls.append((done, total, type(r).__name__))
    )
    assert [(d, t) for d, t, _ in calls] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(kind for _, _, kind in calls) == ["TurnError", "TurnResult", "TurnResult"]


def test_progress_true_without_tqdm_is_one_counter_on_stderr(
    client: EthosClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    client.chat.ask_many(["a", "FAIL", "c"], on_error="return", progress=True)
    err = capsys.readouterr().err
    assert "chat.ask_many: 3/3 turns done, 1 failed" in err


def test_progress_true_draws_a_tqdm_bar_when_installed(client: EthosClient, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm", reason="tqdm is in the test extra; without it the counter above is what users get")
    client.chat.ask_many(["a", "b"], progress=True)
    err = capsys.readouterr().err
    assert "chat.ask_many" in err and "2/2" in err and "turn" in err


def test_to_pandas_gives_one_row_per_item(client: EthosClient) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is in the test extra")
    results = client.chat.ask_many(["x", "FAIL y"], on_error="return")
    frame = results.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 2
    assert list(frame["prompt"]) == ["x", "FAIL y"]
    assert frame.loc[0, "text"] == REPLY + "x" and frame.loc[1, "error_type"] == "TurnError"
    assert frame.loc[0, "output_tokens"] == results[0].usage.output_tokens  # type: ignore[union-attr]


def test_a_thread_pool_given_runs_the_turns_through_this_client(client: EthosClient) -> None:
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = client.chat.ask_many(["t1", "t2", "t3", "t4"], executor=pool)
    assert [r.text for r in results] == [REPLY + f"t{i}" for i in range(1, 5)]


# -- other processes ----------------------------------------------------------------------------


def _policy(request: Any) -> bool:
    return True  # a function at the top of a module pickles; a lambda does not


def test_a_spawned_process_pool_gets_the_config_and_returns_the_right_answers(
    server: LocalEthosServer, client: EthosClient
) -> None:
    started = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = client.chat.ask_many(
            [f"p{i}" for i in range(6)] + [DROP, "FAIL"], executor=pool, on_error="return",
        )
        approved = client.chat.ask_many([DROP], executor=pool, on_approval=_policy)
        sends = _sends(server)
        with pytest.raises(TurnError, match="told to fail"):  # raised in a worker, as itself
            client.chat.ask_many(["FAIL first", "never sent", "nor this"], executor=pool, max_concurrency=1)
        assert _sends(server) == sends + 1  # the items after the failure were never handed out
    report(f"ask_many over a spawned ProcessPoolExecutor (2 workers, 9 items): {time.monotonic() - started:.1f} s")
    assert [r.text if isinstance(r, TurnResult) else r for r in results[:6]] == [REPLY + f"p{i}" for i in range(6)]
    assert isinstance(results[6], ApprovalRequired) and results[6].request.decision == "deny"
    assert isinstance(results[7], TurnError)
    assert approved[0].text == "Tool said: drop table many"


def test_options_a_worker_cannot_receive_are_refused_before_sending(
    server: LocalEthosServer, client: EthosClient
) -> None:
    before = _sends(server)
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(ConfigurationError, match="on_approval=<function .*cannot be sent.*does not pickle"):
            client.chat.ask_many(["x"], executor=pool, on_approval=lambda request: True)
        with pytest.raises(ConfigurationError, match="on_question='prompt' cannot work in the executor's workers"):
            client.chat.ask_many(["x"], executor=pool, on_question="prompt")
    assert _sends(server) == before


def _ask_in_a_worker(config: ClientConfig, text: str) -> str:
    """What a user's own worker function does: a client from the config, one turn.

    ``detach=True``: leaving the with block would otherwise stop the paused turn (its request denied);
    detached, it stays parked on the server for the parent to answer.
    """
    with config.connect() as worker:
        return worker.chat.ask(text, timeout=20, detach=True).text


def test_a_pause_in_a_worker_reaches_the_parent_as_itself(server: LocalEthosServer, client: EthosClient) -> None:
    config = client.to_config(include_credentials=True)
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(ApprovalRequired) as paused:
            pool.submit(_ask_in_a_worker, config, DROP).result(timeout=60)
    error = paused.value
    assert error.turn is None and error.request.tool_name == "terminal" and error.session_id
    client.tools.approve(error.request.approval_id, client.client_id, "once")
    assert client.chat.follow(error.session_id, timeout=20).result().text == "Tool said: drop table many"


@pytest.fixture
def _pickling_as_it_was() -> Iterator[None]:
    """Dask installs tblib's pickling of exceptions (their tracebacks and causes) process-wide: undo it after."""
    saved = dict(copyreg.dispatch_table)
    yield
    copyreg.dispatch_table.clear()
    copyreg.dispatch_table.update(saved)


def test_an_error_leaves_a_worker_without_the_exceptions_chained_to_it(_pickling_as_it_was: None) -> None:
    config = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY, max_retries=0).to_config(include_credentials=True)
    with pytest.raises(APIConnectionError) as raised:  # nothing listens on port 9: requests' error is the cause
        _one_turn_in_worker(config, "x", TurnOptions())
    error = raised.value
    assert error.__cause__ is None and error.__context__ is None
    tblib = pytest.importorskip("tblib.pickling_support", reason="tblib comes with distributed (test extra)")
    tblib.install()  # what a Dask worker does: tracebacks and causes travel with exceptions
    assert FAKE_KEY.encode() not in pickle.dumps(error)


def test_a_dask_cluster_with_worker_processes_returns_the_right_answers(
    client: EthosClient, _pickling_as_it_was: None
) -> None:
    distributed = pytest.importorskip("distributed", reason="distributed is in the test extra")
    started = time.monotonic()
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR,
    ) as cluster, distributed.Client(cluster) as dask:
        up = time.monotonic() - started
        results = client.chat.ask_many([f"d{i}" for i in range(6)], executor=dask.get_executor())
    report(f"ask_many over a Dask LocalCluster (2 worker processes, 6 items): {time.monotonic() - started:.1f} s "
           f"({up:.1f} s of it starting the cluster)")
    assert [r.text for r in results] == [REPLY + f"d{i}" for i in range(6)]


# -- leaving stops everything --------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, threading
    import ethos_sdk

    base_url, api_key, how, prompt = sys.argv[1:5]
    if how == "sigterm":
        ethos_sdk.interrupt_on_sigterm()
    client = ethos_sdk.EthosClient(base_url, api_key=api_key, origin=base_url)
    once = threading.Event()

    def started(event):
        if event["type"] == "text_delta" and not once.is_set():
            once.set()
            print("streaming", flush=True)

    client.chat.ask_many([f"{prompt} {i}" for i in range(6)], max_concurrency=6, on_event=started)
    print("ask_many returned", flush=True)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="sends real signals, which needs POSIX")
@pytest.mark.parametrize("how", ["sigint", "sigterm"])
def test_a_signal_inside_ask_many_stops_every_turn_on_the_server(
    server: LocalEthosServer, tmp_path: Path, how: str
) -> None:
    script = tmp_path / "fan_out.py"
    script.write_text(CHILD)
    env = dict(os.environ, ETHOS_LOG="info", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    aborts = server.request_counts.get("chat.abort", 0)
    child = subprocess.Popen(
        [sys.executable, str(script), server.base_url, server.api_key, how, SLOW],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "streaming"
        time.sleep(0.5)  # the six turns are all running by now
        sent = time.monotonic()
        child.send_signal(signal.SIGINT if how == "sigint" else signal.SIGTERM)
        stopped = _idle_within(server, sent)
        out, err = child.communicate(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    report(f"{how.upper()} inside ask_many (6 turns of ~10 s): no turn left on the server {stopped:.2f} s later")
    assert stopped < 3.0  # the promise is 2 s; the margin is for a busy machine
    assert child.returncode != 0 and "KeyboardInterrupt" in err and "ask_many returned" not in out
    assert "stopped 6 turn(s) in flight (chat.ask_many was interrupted (KeyboardInterrupt))" in err
    assert server.request_counts.get("chat.abort", 0) - aborts == 6
    assert server.api_key not in err


def test_close_from_another_thread_stops_the_turns_in_flight(
    server: LocalEthosServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = server.client(timeout=30)
    outcome: List[Any] = []
    streaming = threading.Event()

    def fan_out() -> None:
        outcome.append(client.chat.ask_many(
            [SLOW] * 4, on_error="return", on_event=lambda e: streaming.set() if e["type"] == "text_delta" else None,
        ))

    def one_turn() -> None:
        try:
            client.chat.ask(SLOW)
        except Exception as exc:
            outcome.append(exc)

    threads = [threading.Thread(target=fan_out), threading.Thread(target=one_turn)]
    for thread in threads:
        thread.start()
    assert streaming.wait(10)
    time.sleep(0.3)
    with caplog.at_level(logging.INFO, logger="ethos_sdk"):
        closing = time.monotonic()
        client.close()
        closed_in = time.monotonic() - closing
    stopped = _idle_within(server, closing)
    for thread in threads:
        thread.join(10)
    report(f"client.close() with 5 turns in flight in 2 threads: returned in {closed_in:.2f} s, "
           f"no turn left on the server {stopped:.2f} s later")
    assert stopped < 3.0 and "stopped 5 turn(s) in flight (its client was closed" in caplog.text
    results = next(o for o in outcome if isinstance(o, TurnResults))
    single = next(o for o in outcome if not isinstance(o, TurnResults))
    assert all(isinstance(r, ClientClosedError) for r in results) and isinstance(single, ClientClosedError)
    assert "was stopped: its client was closed" in str(single)


def test_closing_leaves_a_detached_turn_running_and_a_derived_client_stops_only_its_own(
    server: LocalEthosServer,
) -> None:
    client = server.client(timeout=30)
    patient = client.with_options(timeout=60)
    detached = client.chat.stream(SLOW, detach=True)
    next(iter(detached))
    own = patient.chat.stream(SLOW)
    next(iter(own))
    patient.close()  # stops the turn started through it only
    assert own.state == "closed" and detached.state == "running"
    client.close()  # the detached turn runs on
    assert not server.wait_idle(0.5)
    with server.client() as other:
        other.chat.abort(detached.session_id)
    assert server.wait_idle(5)


def test_interrupt_on_sigterm_is_for_the_main_thread() -> None:
    failure: List[BaseException] = []

    def elsewhere() -> None:
        try:
            interrupt_on_sigterm()
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert isinstance(failure[0], ConfigurationError) and "main thread" in str(failure[0])
    previous = interrupt_on_sigterm()
    try:
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
            time.sleep(1)  # the handler runs between two bytecodes of this thread
    finally:
        signal.signal(signal.SIGTERM, previous)
