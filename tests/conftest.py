"""Shared fixtures: the vendored contract and recorded exchanges, and small helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_PATH = ROOT / "contract" / "ethos-contract.json"
"""The vendored contract: every procedure's input and output schema, tier and scope."""
WIRE_DIR = ROOT / "tests" / "wire"
"""The vendored raw exchanges recorded from a real Ethos server."""

FAKE_KEY = "sk-ethos-" + "0123456789abcdef" * 4


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    """The parsed ``contract/ethos-contract.json``."""
    data: dict[str, Any] = json.loads(CONTRACT_PATH.read_text())
    return data


@pytest.fixture(scope="session")
def wire_dir() -> Path:
    """The folder of raw recorded exchanges, ``tests/wire``."""
    return WIRE_DIR


@pytest.fixture(autouse=True)
def _clean_ethos_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's own Ethos credentials or token file."""
    for name in ("ETHOS_BASE_URL", "ETHOS_API_KEY", "ETHOS_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "no-ethos-state"))
    yield


def mypy_strict(path: Path) -> tuple[str, int]:
    """``mypy --strict`` over one file (the package as installed, not re-checked): its report and exit status."""
    api = pytest.importorskip("mypy.api")
    out, _, status = api.run(["--strict", "--follow-imports=silent", "--no-incremental", str(path)])
    return out, status


_REPORT: list[str] = []


def report(line: str) -> None:
    """Add a line to the figures printed at the end of the test run."""
    _REPORT.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _REPORT:
        terminalreporter.section("ethos-sdk figures")
        for line in _REPORT:
            terminalreporter.write_line(line)
