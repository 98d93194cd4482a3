"""``python -m ethos_sdk check-server``: compare a server's procedures with the SDK's methods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import responses

from ethos_sdk.__main__ import main
from ethos_sdk._catalog import NOT_ROUTED_YET, compare, sdk_procedures, server_procedures

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


def test_command_explains_a_refusal_and_exits_2(wire_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refusal = load_exchange(wire_dir / "err-34-openapi-spec-bearer.txt").response.json()
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/openapi/spec.json", status=401, json=refusal)
        assert main(["check-server", "--base-url", BASE, "--cookie", "stale"]) == 2
    err = capsys.readouterr().err
    assert "Missing auth cookie" in err and "stale" not in err


def test_command_without_a_cookie_says_how_to_get_one() -> None:
    with pytest.raises(SystemExit, match="--cookie"):
        main(["check-server", "--base-url", "https://ethos.example.com"])
