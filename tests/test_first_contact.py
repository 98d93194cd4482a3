"""A newcomer's first contact: the quickstart's scripts run as written, and ``testing.connect`` (issue 22)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from ethos_sdk import ClientClosedError, EthosClient
from ethos_sdk.testing import LocalEthosServer, connect, uses_local_server

from .conftest import ROOT
from .test_code_examples import examples_in_rst

QUICKSTART = ROOT / "docs" / "quickstart.rst"


def _first_scripts() -> List[str]:
    """The code blocks of the quickstart's "Five first scripts" section, in order."""
    text = QUICKSTART.read_text(encoding="utf-8")
    start = text.index("Five first scripts\n")
    end = text.index("\nMore examples\n", start)
    return [example.code for example in examples_in_rst(text[start:end], "quickstart")]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as running:
        yield running


def _run_script(code: str, folder: Path, server: LocalEthosServer) -> str:
    """Run ``code`` saved alone in ``folder``, configured through the environment only, as the docs say."""
    script = folder / "script.py"
    script.write_text(code, encoding="utf-8")
    env: Dict[str, str] = {k: v for k, v in os.environ.items() if not k.startswith("ETHOS_")}
    env.pop("PYTHONPATH", None)
    env.update(
        ETHOS_BASE_URL=server.base_url,
        ETHOS_API_KEY=server.api_key,
        ETHOS_ORIGIN=server.origin,
        PYTHONUNBUFFERED="1",
    )
    done = subprocess.run(
        [sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{code}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


def test_the_quickstart_gives_the_five_first_scripts() -> None:
    scripts = _first_scripts()
    assert len(scripts) == 5
    assert all("from ethos_sdk import EthosClient" in code for code in scripts)
    joined = "\n".join(scripts)
    for call in ("sessions.list(", "chat.ask(", "chat.stream(", "client.events(", "sessions.list_all("):
        assert call in joined


def test_the_five_first_scripts_run_as_written(tmp_path: Path, server: LocalEthosServer) -> None:
    listing, ask, stream, follow, dump = _first_scripts()
    folders = [tmp_path / name for name in ("list", "ask", "stream", "follow", "dump", "list-again")]
    for folder in folders:
        folder.mkdir()

    assert _run_script(listing, folders[0], server) == ""  # a fresh server has no session yet

    out = _run_script(ask, folders[1], server)
    assert "Hello from the fake LLM. You said: What is the capital of France?" in out
    assert "session: " in out

    out = _run_script(stream, folders[2], server)
    assert "You said: Write a haiku about rivers." in out

    types = _run_script(follow, folders[3], server).split()
    assert types[-1] == "done" and "text_delta" in types and "run_start" in types

    out = _run_script(dump, folders[4], server)
    written = sorted(p.name for p in folders[4].glob("*.md"))
    assert len(written) == 3 and out.count("wrote ") == 3
    assert any("haiku about rivers" in (folders[4] / name).read_text(encoding="utf-8") for name in written)

    titles = _run_script(listing, folders[5], server).splitlines()
    assert len(titles) == 3


def test_connect_without_base_url_starts_a_local_server_the_client_stops(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert uses_local_server()
    with connect(max_retries=0) as client:
        assert isinstance(client, EthosClient)
        assert client.chat.ask("hi").text == "Hello from the fake LLM. You said: hi"
        base = client.base_url
    assert "local test server" in capsys.readouterr().err
    with pytest.raises(ClientClosedError):
        client.sessions.list()
    # The server went with the client: a new client for its address finds nobody.
    from ethos_sdk import APIConnectionError

    with EthosClient(base, api_key="sk-ethos-" + "0" * 32, max_retries=0) as orphan:
        with pytest.raises(APIConnectionError):
            orphan.sessions.list()


def test_connect_with_base_url_is_a_plain_client(monkeypatch: pytest.MonkeyPatch, server: LocalEthosServer) -> None:
    monkeypatch.setenv("ETHOS_BASE_URL", server.base_url)
    monkeypatch.setenv("ETHOS_API_KEY", server.api_key)
    monkeypatch.setenv("ETHOS_ORIGIN", server.origin)
    assert not uses_local_server()
    with connect(timeout=10) as client:
        assert type(client) is EthosClient
        assert client.base_url == server.base_url
        assert client.sessions.list(limit=1)["items"] is not None


def test_type_checkers_find_the_installed_package_from_outside_the_checkout(tmp_path: Path) -> None:
    """``pip install -e .`` (the README's command) must not hide the package from mypy behind an import hook."""
    pytest.importorskip("mypy")
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert "[editable_wheel]\n" in setup and "mode = compat" in setup
    script = tmp_path / "mine.py"
    script.write_text("from ethos_sdk import EthosClient\n\nprint(EthosClient)\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=skip", "--no-incremental", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Cannot find implementation" not in done.stdout
