"""The docs agree with themselves and with the code: counts, warnings, the landing example, environment variables.

Each was found wrong once: the procedure count was 221 in the README, 225 on
the procedures page and 222 in ``check-server``; ``calls.rst`` said
``timeout=30000`` warns, though only values over a day do; the landing page's
example had no ``origin=`` and ran past the code column; the examples read
``ETHOS_WEB_TOKEN`` and ``ETHOS_PERSONALITY``, which the SDK never reads.

What "procedure" counts is said once, on the generated procedures page: a
route ``POST /rpc/<namespace>/<method>`` the server serves (``served`` in the
contract). The built page itself is checked in ``tests/test_docs.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest

from ethos_sdk._types import check_timeout
from ethos_sdk.testing import LocalEthosServer

from .conftest import ROOT
from .test_code_examples import examples_in_rst

DOCUMENTED_VARIABLES = {"ETHOS_BASE_URL", "ETHOS_API_KEY", "ETHOS_ORIGIN", "ETHOS_STATE_DIR", "ETHOS_LOG"}
"""The environment variables the SDK's docs name as its own."""


def served(contract: Dict[str, Any]) -> List[str]:
    """The contract's procedures the server routes: what the docs call "procedures"."""
    return sorted(name for name, procedure in contract["procedures"].items() if procedure["served"])


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_readme_counts_the_procedures_and_namespaces_the_contract_serves(contract: Dict[str, Any]) -> None:
    found = re.search(r"a set of (\d+) procedures in (\d+) namespaces", _flat((ROOT / "README.rst").read_text()))
    assert found, "the README no longer says how many procedures there are: update this test"
    procedures = served(contract)
    assert int(found.group(1)) == len(procedures)
    assert int(found.group(2)) == len({name.split(".")[0] for name in procedures})


def test_no_guide_states_another_procedure_count(contract: Dict[str, Any]) -> None:
    count = len(served(contract))
    for page in [ROOT / "README.rst", *sorted((ROOT / "docs").glob("*.rst"))]:
        for number in re.findall(r"\b(\d{3}) (?:procedures|methods)\b", _flat(page.read_text())):
            assert int(number) == count, f"{page.name} says {number} procedures; the contract serves {count}"


# -------------------------------------------------------------- the timeout warning


def _warns(value: float) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_timeout(value)
    return any("milliseconds" in str(warning.message) for warning in caught)


def test_the_timeout_warning_described_in_calls_rst_is_the_codes() -> None:
    text = _flat((ROOT / "docs" / "calls.rst").read_text())
    sentences = [s for s in re.split(r"(?<=[.:])\s", text) if "``timeout=" in s and "warn" in s]
    assert sentences, "calls.rst no longer describes which timeouts warn: update this test"
    for sentence in sentences:
        for value in re.findall(r"``timeout=(\d+)``", sentence):
            said_to_warn = "does not warn" not in sentence
            assert _warns(float(value)) == said_to_warn, f"calls.rst: {sentence!r}"
    day = re.search(r"over a day \((\d+) seconds\)", text)
    assert day and _warns(float(day.group(1)) + 1) and not _warns(float(day.group(1)))


# ----------------------------------------------------------- the landing page


CODE_COLUMN = 64
"""Characters a line of code may hold on the docs' pages without a scroll bar.

The theme (alabaster) gives code 600 px at 15.3 px monospace: about 65
characters in DejaVu Sans Mono or Menlo, a few more in Consolas.
"""


def _landing_example() -> str:
    examples = list(examples_in_rst((ROOT / "docs" / "index.rst").read_text(), "docs/index.rst"))
    assert len(examples) == 1
    return examples[0].code


def test_the_landing_example_fits_the_code_column_and_passes_origin() -> None:
    code = _landing_example()
    too_long = [line for line in code.splitlines() if len(line) > CODE_COLUMN]
    assert too_long == [], f"lines over {CODE_COLUMN} characters are clipped on the page: {too_long}"
    assert "origin=" in code


def test_the_landing_example_runs_against_the_local_server() -> None:
    code = _landing_example()
    with LocalEthosServer() as server:
        runnable = (
            code.replace('"http://localhost:3000"', repr(server.base_url), 2)
            .replace('"sk-ethos-..."', repr(server.api_key))
        )
        assert runnable.count(repr(server.base_url)) == 2  # the URL and the origin its key is pinned to
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(runnable, "docs/index.rst", "exec"), {})
    assert printed.getvalue().startswith("Hello from the fake LLM.")


# ------------------------------------------------------ environment variables


_READ = re.compile(r"""(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*["']([A-Z0-9_]+)["']""")


def _variables_read(text: str) -> Set[str]:
    return set(_READ.findall(text))


def _example_sources() -> Dict[str, str]:
    sources = {path.name: path.read_text() for path in sorted((ROOT / "examples").glob("*.py"))}
    for notebook in sorted((ROOT / "examples").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        sources[notebook.name] = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return sources


def test_the_examples_read_only_variables_the_sdk_reads() -> None:
    read = {name: _variables_read(source) for name, source in _example_sources().items()}
    assert any(read.values()), "the pattern finds no variable at all: update this test"
    for name, variables in read.items():
        assert variables <= DOCUMENTED_VARIABLES, f"{name} reads {sorted(variables - DOCUMENTED_VARIABLES)}"
    for name, source in _example_sources().items():
        named = set(re.findall(r"\bETHOS_[A-Z_]+\b", source))
        assert named <= DOCUMENTED_VARIABLES, f"{name} names {sorted(named - DOCUMENTED_VARIABLES)}"


def test_every_documented_variable_is_read_by_the_sdk() -> None:
    package = "\n".join(path.read_text() for path in (ROOT / "ethos_sdk").rglob("*.py"))
    assert {name for name in DOCUMENTED_VARIABLES if f'"{name}"' not in package} == set()
    quickstart = _flat((ROOT / "docs" / "quickstart.rst").read_text()) + _flat((ROOT / "README.rst").read_text())
    assert {name for name in DOCUMENTED_VARIABLES if name not in quickstart} == set()


@pytest.mark.parametrize(
    "name, cookie_part",
    [("files_and_waiting.py", "batch ended completed"), ("beyond_rpc.py", "avatar: uploaded")],
)
def test_against_a_real_server_an_example_takes_the_web_token_where_the_sdk_does(
    name: str, cookie_part: str, tmp_path: Path
) -> None:
    """The real-server branch, run against the local server: the cookie part needs ``$ETHOS_STATE_DIR/web-token`` only."""
    state = tmp_path / "state"
    state.mkdir()
    with LocalEthosServer(goal_poll_interval=0.1) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETHOS_")}
        env.update(ETHOS_BASE_URL=server.base_url, ETHOS_API_KEY=server.api_key, ETHOS_ORIGIN=server.origin,
                   ETHOS_STATE_DIR=str(state), PYTHONPATH=str(ROOT))

        def run() -> str:
            done = subprocess.run([sys.executable, str(ROOT / "examples" / name)], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            assert "local test server" not in done.stderr  # the real-server branch ran
            return done.stdout

        without = run()
        (state / "web-token").write_text(server.web_token + "\n")
        (state / "web-token").chmod(0o600)
        with_token = run()
    assert "the web cookie: no web-token file in ETHOS_STATE_DIR" in without and cookie_part not in without
    assert cookie_part in with_token
