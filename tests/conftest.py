"""Shared fixtures: where the recorded server facts live, and small helpers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

SHARED_DIR = Path(os.environ.get("ETHOS_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
"""The folder beside the project root holding DESIGN.md, the contract and the wire captures."""

FAKE_KEY = "sk-ethos-" + "0123456789abcdef" * 4


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name} not found: the shared server facts are expected in {SHARED_DIR}")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; tests that need it are skipped, with the reason, when it is absent."""
    return _require(SHARED_DIR)


@pytest.fixture(scope="session")
def contract(shared_dir: Path) -> dict[str, Any]:
    """The parsed ``ethos-contract.json``."""
    data: dict[str, Any] = json.loads(_require(shared_dir / "ethos-contract.json").read_text())
    return data


@pytest.fixture(scope="session")
def wire_dir(shared_dir: Path) -> Path:
    """The folder of raw recorded exchanges."""
    return _require(shared_dir / "ethos-wire")


@pytest.fixture(autouse=True)
def _clean_ethos_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's own Ethos credentials or token file."""
    for name in ("ETHOS_BASE_URL", "ETHOS_API_KEY", "ETHOS_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(tmp_path / "no-ethos-state"))
    yield


_REPORT: list[str] = []


def report(line: str) -> None:
    """Add a line to the figures printed at the end of the test run."""
    _REPORT.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _REPORT:
        terminalreporter.section("ethos-sdk figures")
        for line in _REPORT:
            terminalreporter.write_line(line)
