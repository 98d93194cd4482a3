"""``python -m ethos_sdk check-server``: compare a server's procedures with the SDK's methods."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import responses

from ethos_sdk import __version__
from ethos_sdk.__main__ import main
from ethos_sdk._catalog import NOT_ROUTED_YET, compare, sdk_methods, sdk_procedures, server_procedures
from ethos_sdk._check_shapes import NOT_CALLED, ShapeReport, read_only_procedures
from ethos_sdk._shapes import Finding
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.testing._http import PROCEDURES, Procedure

from .conftest import report
from .wire import load_exchange

BASE = "http://127.0.0.1:3000"


def recorded_spec(wire_dir: Path) -> dict[str, Any]:
    spec: dict[str, Any] = load_exchange(wire_dir / "openapi-01-spec-cookie.txt").response.json()
    return spec


def test_sdk_knows_every_procedure_of_the_contract(contract: dict[str, Any]) -> None:
    known = sdk_procedures()
    assert set(known) == set(contract["procedures"])
    assert known["a2a.peers.list"] == "client.a2a.peers.list"
    assert known["personalities.characterSheet"] == "client.personalities.character_sheet"


def test_the_recorded_server_has_no_drift_but_the_unrouted_procedure(wire_dir: Path) -> None:
    drift = compare(server_procedures(recorded_spec(wire_dir)), sdk_procedures())
    assert not drift.drifted
    assert drift.matched == 221
    assert drift.known_unrouted == sorted(NOT_ROUTED_YET)


def test_command_reports_drift_both_ways_and_exits_1(
    wire_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = recorded_spec(wire_dir)
    del spec["paths"]["/sessions/list"]
    spec["paths"]["/brandNew/thing"] = {"post": {"operationId": "brandNew.thing"}}
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/openapi/spec.json", json=spec)
        status = main(["check-server", "--base-url", BASE, "--cookie", "tok"])
        sent = mock.calls[0].request.headers
    out = capsys.readouterr().out
    assert status == 1
    assert "brandNew.thing" in out and "client.call" in out
    assert "sessions.list  (client.sessions.list)" in out
    assert sent["Cookie"] == "ethos_auth=tok"


def test_command_exits_0_without_drift(wire_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/openapi/spec.json", json=recorded_spec(wire_dir))
        assert main(["check-server", "--base-url", BASE, "--cookie", "tok"]) == 0
    assert "no drift" in capsys.readouterr().out


def test_command_counts_procedures_as_the_docs_do(
    wire_dir: Path, contract: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The SDK's count is the contract's served procedures, the one the README and the docs give."""
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/openapi/spec.json", json=recorded_spec(wire_dir))
        main(["check-server", "--base-url", BASE, "--cookie", "tok"])
    first = capsys.readouterr().out.splitlines()[0]
    served = sum(1 for procedure in contract["procedures"].values() if procedure["served"])
    unserved = len(contract["procedures"]) - served
    assert first == (
        f"server {BASE}: {served} procedures; ethos-sdk {__version__}: {served} procedures, "
        f"and {unserved} that the contract declares and no server routes yet"
    )


def test_command_explains_a_refusal_and_exits_2(wire_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refusal = load_exchange(wire_dir / "err-34-openapi-spec-bearer.txt").response.json()
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/openapi/spec.json", status=401, json=refusal)
        assert main(["check-server", "--base-url", BASE, "--cookie", "stale"]) == 2
    err = capsys.readouterr().err
    assert "Missing auth cookie" in err and "stale" not in err


def test_command_without_a_cookie_says_how_to_get_one_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-server", "--base-url", "https://ethos.example.com"]) == 2
    err = capsys.readouterr().err
    assert "--cookie" in err and "ETHOS_STATE_DIR" in err and "not on this machine" in err


def test_command_on_this_machine_without_a_token_file_names_where_it_looked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "state"))
    assert main(["check-server", "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "state" / "web-token") in err and "ETHOS_STATE_DIR" in err


def test_the_command_line_exit_status_without_shapes_is_2_when_it_cannot_run(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHOS_")}
    env["ETHOS_STATE_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "ethos_sdk", "check-server", "--base-url", "http://127.0.0.1:9"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("check-server: ")


# -- check-server --shapes: the answers of the read-only procedures ------------


def _send_a_turn(server: LocalEthosServer) -> None:
    """One chat turn, so that sessions.list has an item whose id feeds sessions.get."""
    server.client().chat.send("hello")
    assert server.wait_idle()


def _shapes_with_key(server: LocalEthosServer, key: str) -> int:
    return main(
        ["check-server", "--shapes", "--base-url", server.base_url, "--api-key", key, "--origin", server.origin]
    )


def test_shapes_against_the_local_server_is_clean_and_counts_what_it_validated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LocalEthosServer() as server:
        _send_a_turn(server)
        before = server.request_counts
        status = main(["check-server", "--shapes", "--base-url", server.base_url, "--cookie", server.web_token])
        called = {name: count - before.get(name, 0) for name, count in server.request_counts.items()}
    out = capsys.readouterr().out
    validated = int(re.search(r"shapes: (\d+) procedures validated, 0 findings", out).group(1))  # type: ignore[union-attr]
    report(f"check-server --shapes on the local server: {validated} procedures validated")
    assert status == 0, out
    assert "no shape drift" in out
    assert "names: not compared (the server has no /openapi/spec.json: 404)" in out
    assert "plugins.getCredential: never called: its answer is a stored credential" in out
    assert "kanban.getTask: no input available for 'team'" in out
    # Reads fed by earlier answers were made: a session's get, a personality's memory.
    for fed in ("sessions.get", "sessions.export", "personalities.get", "memory.list", "memory.get"):
        assert called.get(fed) == 1, fed
    assert validated >= 10
    # Nothing but reads was ever called.
    read_only = set(read_only_procedures())
    assert {name for name, count in called.items() if count} <= read_only
    assert "chat.send" not in called or called["chat.send"] == 0


def _drifting(procedure: str, change: Callable[[Dict[str, Any]], None]) -> Procedure:
    original = PROCEDURES[procedure]

    def run(state: Any, data: Dict[str, Any], request_id: str) -> Dict[str, Any]:
        answer = original.run(state, data, request_id)
        change(answer)
        return answer

    return Procedure(original.fields, run)


def _rename_content(answer: Dict[str, Any]) -> None:
    answer["file"]["text"] = answer["file"].pop("content")


def _retype_pinned(answer: Dict[str, Any]) -> None:
    for item in answer["items"]:
        item["pinned"] = "no"


def test_shapes_names_a_renamed_and_a_retyped_field_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(PROCEDURES, "memory.get", _drifting("memory.get", _rename_content))
    monkeypatch.setitem(PROCEDURES, "sessions.list", _drifting("sessions.list", _retype_pinned))
    with LocalEthosServer() as server:
        _send_a_turn(server)
        status = _shapes_with_key(server, server.api_key)
    out = capsys.readouterr().out
    assert status == 1, out
    assert "memory.get: file.content: expected string (required key of MemoryFile), got missing key" in out
    assert "memory.get: file.text: expected no such key (unexpected key" in out
    assert "sessions.list: items[0].pinned: expected boolean, got string" in out
    assert "shape drift found" in out


def test_shapes_lists_403s_for_a_key_lacking_scopes_as_skipped_not_drift(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LocalEthosServer() as server:
        _send_a_turn(server)
        status = _shapes_with_key(server, server.create_key(scopes=["sessions:read"]))
    out = capsys.readouterr().out
    assert status == 0, out
    assert "names: not compared" in out
    assert "personalities.list: 403 for this credential's scopes" in out
    assert "memory.list: no input available for 'personality_id': personalities.list was skipped" in out
    assert "0 findings" in out and "no shape drift" in out
    assert re.search(r"shapes: [1-9]\d* procedures validated", out)


def test_shapes_with_a_revoked_key_cannot_run_and_keeps_the_key_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LocalEthosServer() as server:
        key = server.create_key()
        server.revoke_key(key)
        status = _shapes_with_key(server, key)
    captured = capsys.readouterr()
    assert status == 2
    assert "refused the credentials (401" in captured.err
    assert key not in captured.out + captured.err


def test_an_api_key_without_shapes_says_the_names_need_the_cookie(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-server", "--base-url", BASE, "--api-key", "sk-ethos-" + "a" * 40]) == 2
    assert "--shapes" in capsys.readouterr().err


def test_the_shape_check_calls_only_reads(contract: dict[str, Any]) -> None:
    methods = sdk_methods()
    chosen = read_only_procedures(methods)
    assert chosen and all(methods[name].idempotent for name in chosen)
    write_scopes = {"sessions:write", "memory:write", "chat:send"}
    assert not [name for name in chosen if contract["procedures"][name].get("bearerScope") in write_scopes]
    assert not set(NOT_CALLED) & set(chosen) and set(NOT_CALLED) <= set(methods)
    assert "sessions.get" in chosen and "sessions.delete" not in chosen and "memory.write" not in chosen


def test_help_documents_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check-server", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--shapes" in text and "read-only" in text and "expected X, got Y" in text


def test_an_api_key_and_a_cookie_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-server", "--shapes", "--base-url", BASE, "--api-key", "sk-ethos-" + "a" * 40, "--cookie", "c"]) == 2
    assert "not both" in capsys.readouterr().err


def test_the_same_finding_in_many_list_items_is_printed_once_with_a_count() -> None:
    found = ShapeReport(validated=["sessions.list"])
    for index in range(3):
        found.findings.append(("sessions.list", Finding(f"items[{index}].pinned", "boolean", "string", "wrong type")))
    found.findings.append(("sessions.list", Finding("items[1].title", "string or null", "integer", "wrong type")))
    assert found.drifted
    assert found.lines() == [
        "sessions.list: items[0].pinned: expected boolean, got string (and 2 more like it)",
        "sessions.list: items[1].title: expected string or null, got integer",
    ]
