"""Telling "the server refused" from "that is not an Ethos server": a wrong port, a web app, http/https crossed.

Ethos answers every error of ``/rpc`` with its own JSON. An HTML page, a 405
or 501 to ``POST /rpc/...``, or a TLS failure that says the other end speaks
the other protocol means ``base_url`` points somewhere else; the SDK says so
instead of quoting the page or OpenSSL.
"""

from __future__ import annotations

import re
import socket
import threading
from typing import Optional, Tuple
from urllib.parse import urlsplit




def shown_url(url: str) -> str:
    from ._transport import shown_url as shown

    return shown(url)


__all__ = ["looks_like_html", "server_of", "not_ethos_status", "not_ethos_answer", "tls_mismatch"]

_CHECK = (
    "check base_url (or ETHOS_BASE_URL): it must be the address `ethos serve` listens on "
    "(by default http://localhost:3000), with a reverse proxy's path prefix if any; the page "
    "itself is in the error's .text"
)


def looks_like_html(text: str, content_type: Optional[str]) -> bool:
    """True for an HTML page: by its ``Content-Type``, or by how its text starts."""
    if content_type and "html" in content_type.lower():
        return True
    head = text.lstrip()[:100].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<?xml"))


def _title(text: str) -> str:
    found = re.search(r"<title[^>]*>(.*?)</title>", text[:4096], re.IGNORECASE | re.DOTALL)
    if not found:
        return ""
    title = " ".join(found.group(1).split())[:80]
    return f" titled {title!r}" if title else ""


def server_of(url: str) -> str:
    """The server part of a request URL: everything before ``/rpc/``, ``/sse/`` or the route, without secrets."""
    parts = urlsplit(url)
    path = parts.path
    for marker in ("/rpc/", "/sse/"):
        if marker in path:
            path = path[: path.index(marker)]
            break
    else:
        path = path.rsplit("/", 1)[0]
    return shown_url(f"{parts.scheme}://{parts.netloc}{path}")


def not_ethos_status(
    status: int, text: str, content_type: Optional[str], url: str, procedure: Optional[str]
) -> Optional[Tuple[str, str]]:
    """``(message, hint)`` for an error answer that did not come from Ethos, else ``None``.

    Only for answers without Ethos's JSON error (the caller checks that).
    """
    html = looks_like_html(text, content_type)
    server = server_of(url)
    page = f"an HTML page{_title(text)}" if html else "no Ethos error"
    if procedure is not None and status in (405, 501):
        return (
            f"the server at {server} does not look like Ethos: it answered POST /rpc/... with "
            f"{status} ({page}), where Ethos routes every procedure",
            _CHECK,
        )
    if not html:
        return None
    if status in (502, 503, 504):
        return (
            f"{status} with {page} from the server at {server}, not Ethos's JSON: a proxy or load "
            "balancer answered. Ethos behind it may be down or starting (reads are retried), or "
            "the address is not an Ethos server",
            _CHECK,
        )
    return (f"the server at {server} does not look like Ethos: it answered {status} with {page}", _CHECK)


def not_ethos_answer(text: str, content_type: Optional[str], url: str) -> Optional[str]:
    """The message for a 2xx answer that is an HTML page, not an oRPC envelope; else ``None``."""
    if not looks_like_html(text, content_type):
        return None
    return (
        f"the server at {server_of(url)} does not look like Ethos: it answered with an HTML "
        f"page{_title(text)}, not an oRPC envelope; {_CHECK}"
    )


_TLS_ON_PLAIN = ("wrong version number", "record layer failure", "packet length too long", "unknown protocol",
                 "http request", "record_layer_failure", "wrong_version_number")

_probed: dict[Tuple[str, int], bool] = {}
_probe_lock = threading.Lock()


def _speaks_tls(host: str, port: int) -> bool:
    """True when a TLS handshake with ``host:port`` succeeds (certificates not checked: only the protocol is asked)."""
    import ssl

    with _probe_lock:
        if (host, port) in _probed:
            return _probed[(host, port)]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=2) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                answer = True
    except (OSError, ValueError):
        answer = False
    with _probe_lock:
        _probed[(host, port)] = answer
    return answer


def _chain(exc: BaseException) -> str:
    """The text of an exception and of everything it wraps (requests and urllib3 nest them)."""
    seen: list[str] = []
    todo: list[object] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop()
        seen.append(f"{type(item).__name__}: {item}")
        if isinstance(item, BaseException):
            todo.extend(a for a in item.args if isinstance(a, BaseException))
            for linked in (item.__cause__, item.__context__, getattr(item, "reason", None)):
                if isinstance(linked, BaseException):
                    todo.append(linked)
    return " | ".join(seen).lower()


def tls_mismatch(exc: BaseException, base_url: Optional[str], *, probe: bool = True) -> Optional[str]:
    """What to say when ``exc`` shows that base_url's scheme is not what the port speaks; else ``None``.

    A dropped connection on an http URL is checked by trying a TLS handshake
    with the port, only with ``probe`` (the server has never answered in HTTP).
    """
    if not base_url:
        return None
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    text = _chain(exc)
    host, port = parts.hostname or "", parts.port
    if scheme == "https" and "ssl" in text and any(sign in text for sign in _TLS_ON_PLAIN):
        plain = shown_url("http://" + base_url.split("://", 1)[1])
        return (
            f"the server at {shown_url(base_url)} does not speak TLS (https) on this port: it "
            f"answers in plain HTTP, so it is not the https server base_url names. Use "
            f"base_url={plain!r} if that is your Ethos server, or the port that serves https"
        )
    if scheme == "http" and host and (
        "\\x15\\x03" in text or "\\x16\\x03" in text  # a TLS record where a status line should be
        or (
            any(sign in text for sign in ("connection reset", "remotedisconnected", "connection aborted"))
            and probe
            and _speaks_tls(host, port or 80)
        )
    ):
        secure = shown_url("https://" + base_url.split("://", 1)[1])
        return (
            f"the server at {shown_url(base_url)} speaks TLS (https) on this port, not plain "
            f"HTTP: use base_url={secure!r}"
        )
    return None
