"""Which base URLs count as this machine (and so may use the local web-token file), on every Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethos_sdk import EthosClient
from ethos_sdk._auth import is_loopback

TOKEN = "local-web-token-for-the-loopback-tests"


@pytest.mark.parametrize(
    "base",
    [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://127.8.9.10:3000",
        "http://[::1]:3000",
        "http://[::ffff:7f00:1]:3000",  # IPv4-mapped 127.0.0.1: its packets go to 127.0.0.1
        "http://[::ffff:127.0.0.1]:3000",
    ],
)
def test_loopback_addresses_are_this_machine_and_use_the_token_file(
    base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert is_loopback(base)
    state = tmp_path / "state"
    state.mkdir()
    (state / "web-token").write_text(TOKEN)
    (state / "web-token").chmod(0o600)
    monkeypatch.setenv("ETHOS_STATE_DIR", str(state))
    assert EthosClient(base).auth_mode == "cookie"


@pytest.mark.parametrize(
    "base",
    [
        "http://[::ffff:a00:5]:3000",  # IPv4-mapped 10.0.0.5
        "http://[::ffff:8.8.8.8]:3000",
        "http://[2001:db8::1]:3000",
        "http://10.0.0.5:3000",
        "http://127.0.0.1.nip.io:3000",
    ],
)
def test_addresses_elsewhere_are_not_loopback(base: str) -> None:
    assert not is_loopback(base)
