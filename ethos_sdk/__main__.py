"""Command line: ``python -m ethos_sdk check-server [--base-url URL] [--cookie TOKEN]``.

``check-server`` compares the procedures a running server offers (its
``/openapi/spec.json``) with the methods of this SDK, so you know which
calls to make with ``client.call("<ns>.<method>", {...})`` when the server
is newer than the SDK, and which methods will answer 404 when it is older.
Exit status: 0 when both agree, 1 when they differ, 2 when the check could
not run.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Sequence

from . import EthosClient, EthosError, __version__
from ._auth import is_loopback, read_token_file, token_file_path
from ._catalog import compare, sdk_procedures, server_procedures


def _client(args: argparse.Namespace) -> EthosClient:
    cookie = args.cookie
    base_url = args.base_url
    if cookie is None:
        probe = EthosClient(base_url, cookie="probe")  # resolves ETHOS_BASE_URL and the default
        if is_loopback(probe.base_url):
            cookie = read_token_file(token_file_path())
        base_url = probe.base_url
        probe.close()
    if not cookie:
        raise SystemExit(
            "check-server needs cookie authentication: the server serves its OpenAPI "
            "document to the web cookie only. Pass --cookie <web token> (the content of "
            "the web-token file in the Ethos data directory), or run it on the server's "
            "machine, where that file is found."
        )
    return EthosClient(base_url, cookie=cookie, origin=args.origin)


def check_server(args: argparse.Namespace) -> int:
    try:
        with _client(args) as client:
            response = client._transport.get("/openapi/spec.json")
            try:
                spec = response.json()
            finally:
                response.close()
            base_url = client.base_url
    except EthosError as exc:
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"check-server: the server's /openapi/spec.json is not JSON ({exc})", file=sys.stderr)
        return 2
    try:
        served = server_procedures(spec)
    except ValueError as exc:
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    known = sdk_procedures()
    drift = compare(served, known)
    print(f"server {base_url}: {len(served)} procedures; ethos-sdk {__version__}: {len(known)} methods")
    print(f"in both: {drift.matched}")
    _print_list("on the server only (call them with client.call(name, input)):", drift.server_only)
    _print_list(
        "in the SDK only (the server answers 404 or 403 for them):",
        [f"{name}  ({known[name]})" for name in drift.sdk_only],
    )
    _print_list("in the SDK, not routed by any server yet:", drift.known_unrouted)
    print("drift found" if drift.drifted else "no drift")
    return 1 if drift.drifted else 0


def _print_list(title: str, items: List[str]) -> None:
    if items:
        print(title)
        for item in items:
            print(f"  {item}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ethos_sdk", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-server", help="compare a server's procedures with this SDK's methods"
    )
    check.add_argument("--base-url", help="the server (default: $ETHOS_BASE_URL or http://localhost:3000)")
    check.add_argument("--cookie", help="the web token (default: the local web-token file)")
    check.add_argument("--origin", help="the Origin header to send (default: the server's own)")
    args = parser.parse_args(argv)
    if args.command == "check-server":
        return check_server(args)
    return 2  # pragma: no cover - argparse rejects other commands


if __name__ == "__main__":
    sys.exit(main())
