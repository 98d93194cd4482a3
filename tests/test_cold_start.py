"""A script's first call costs what it needs: no module loaded that the call does not use.

The time itself is measured by ``bench/run.py`` (cold start, against requests);
here, what a fresh process loads to make a client and its first call, and
that what was made lazy still works: request ids, the User-Agent, and the
answer types of every method for ``get_type_hints``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from ethos_sdk import EthosClient
from ethos_sdk._catalog import sdk_methods
from ethos_sdk._hints import get_type_hints
from ethos_sdk._ids import new_client_suffix, new_request_id

from .conftest import FAKE_KEY

ROOT = Path(__file__).resolve().parents[1]

FIRST_CALL = """
import json, sys
sys.path.insert(0, sys.argv[1])
import requests
before = set(sys.modules)
from ethos_sdk import EthosClient
client = EthosClient("http://127.0.0.1:9", api_key=sys.argv[2], max_retries=0)
try:
    client.sessions.list(limit=1)  # port 9: refused at once, after the call was built
except Exception as exc:
    print(type(exc).__name__, file=sys.stderr)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_first_call_loads_neither_uuid_platform_typing_extensions_nor_answer_types() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_CALL, str(ROOT), FAKE_KEY], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "APIConnectionError"  # the call did go out
    added = set(json.loads(done.stdout))
    assert "ethos_sdk.namespaces.sessions" in added
    heavy = {"uuid", "platform", "typing_extensions", "inspect"} | {m for m in added if m.startswith("ethos_sdk.types")}
    assert added & heavy == set()


def test_request_ids_are_version_4_uuids_and_differ() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    for text in list(ids)[:50]:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
    suffix = new_client_suffix()
    assert len(suffix) == 16 and int(suffix, 16) >= 0 and suffix != new_client_suffix()
    client = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    assert client.client_id.startswith("ethos-sdk-python-") and len(client.client_id) == len("ethos-sdk-python-") + 16


def test_every_methods_answer_type_resolves_with_the_sdks_get_type_hints() -> None:
    client: Any = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY)
    resolved = 0
    for procedure, where in sdk_methods().items():
        method = client
        for part in where.path.split(".")[1:]:
            method = getattr(method, part)
        hints = get_type_hints(method, include_extras=True)
        assert "return" in hints, procedure
        resolved += 1
    assert resolved > 200
    page = get_type_hints(client.sessions.list)["return"]
    assert page.__module__ == "ethos_sdk.types.sessions" and page.__name__ == "SessionPage"
