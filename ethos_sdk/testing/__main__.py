"""``python -m ethos_sdk.testing``: run the local Ethos-compatible server until Ctrl-C."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import threading
from typing import Any, Callable, Dict, List, Optional

from ._server import LocalEthosServer


def _seconds(minimum_exclusive: bool) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds, above 0 or at least 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not math.isfinite(value) or value < 0 or (minimum_exclusive and value == 0):
            bound = "above 0" if minimum_exclusive else "0 or more"
            raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds {bound}")
        return value

    return parse


def _folder(text: str) -> str:
    """An argparse type: a folder that exists, or can be made (not a file)."""
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    return text


_SECONDS_FLAGS = (
    ("--system-ping-interval", True, "seconds between the pings of /sse/system (default 25, as the real server)"),
    ("--goal-poll-interval", True, "how often a live goal stream looks for new events (default 1, as the real server)"),
    ("--goal-step-delay", False, "seconds between two events of the scripted goal (default 0.05)"),
    ("--slow-goal-step-delay", False, "the same for a goal whose text contains SLOW (default 0.5)"),
    ("--work-step-delay", False, "seconds between two steps of a batch or eval run or a background task (default 0.02)"),
    ("--slow-work-step-delay", False, "the same when the prompt contains SLOW (default 0.5)"),
)
"""The flags taking seconds: name, whether 0 is refused, help text."""


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m ethos_sdk.testing``; each option's ``dest`` is a :class:`LocalEthosServer` argument."""
    parser = argparse.ArgumentParser(
        prog="python -m ethos_sdk.testing",
        description="Serve a local, Ethos-compatible test server with a scripted agent.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000; 0 = any free port)")
    surfaces = parser.add_argument_group("routes beside /rpc (system and goal streams, downloads)")
    for flag, above_zero, text in _SECONDS_FLAGS:
        surfaces.add_argument(
            flag, type=_seconds(above_zero), default=argparse.SUPPRESS, metavar="SECONDS", help=text
        )
    surfaces.add_argument(
        "--documents-dir", type=_folder, default=argparse.SUPPRESS, metavar="FOLDER",
        help=(
            "folder holding one documents folder per personality (FOLDER/<personality id>), "
            "served by /documents/download and the documents procedures; created if missing "
            "(default: a temporary folder removed on exit)"
        ),
    )
    return parser


def server_options(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    """The :class:`LocalEthosServer` keyword arguments the command line ``argv`` asks for.

    Options not given are left out, so the server's own defaults apply. Bad
    values exit with status 2 and a message, as argparse does.
    """
    return vars(build_parser().parse_args(argv))


def main(argv: Optional[List[str]] = None) -> int:
    options = server_options(argv)
    host, port = options.pop("host"), options.pop("port")
    server = LocalEthosServer(host, port, **options)
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Local Ethos test server on {server.base_url}", flush=True)
    print("The credentials below are printed on purpose: they only work on this test server.")
    print(f"  API key (all scopes, send Origin: {server.origin}): {server.api_key}")
    print(f"  Cookie login URL (one use, rotates): {server.login_url}")
    print(f"  Documents of the default personality: {server.documents_path()}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
