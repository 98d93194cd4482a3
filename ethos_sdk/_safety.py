"""Checks that keep hostile input from turning into a leak: addresses, credentials, ids, file names.

Each check refuses with :class:`~ethos_sdk.ConfigurationError` before anything
is sent, and none of its messages repeats a secret it was given.

* :func:`check_address` lets through only a ``base_url`` that every URL parser
  on the way (``urllib.parse`` for the loopback check and the ``Origin``,
  urllib3 for what is connected to) reads as the same scheme, host and port:
  no backslash, no ``user:password@``, no control character, a port of 1-65535.
* :func:`check_header_secret` and :func:`check_cookie_value`: a credential that
  can go into its header as it is, and a cookie that cannot smuggle others in;
  :func:`cookie_token` takes the token out of an ``ethos_auth=...`` line.
* :func:`quoted`: how a message shows a value the user gave, unless the value
  may be a credential given in the wrong place (then it is not shown).
* :func:`path_segment`: an id put into a URL path, refused when the URL layer
  would read it as a step up (``..``) or nothing (``.``, empty).
* :func:`clean_file_name`: a file name cut down to one harmless name (the
  name of a file sent with a message, and :func:`download_name`'s, a
  server-given name to create in a folder).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

from .errors import ConfigurationError

__all__ = [
    "check_address", "check_origin", "check_header_secret", "check_cookie_value", "cookie_token", "check_headers",
    "path_segment", "clean_file_name", "download_name", "quoted",
]

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_API_KEY_PREFIX = "sk-ethos-"
KEY_HINT = "this looks like an API key: pass api_key="
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_~+/=-]{32,}")


def quoted(value: str) -> str:
    """``repr(value)`` for a message, unless ``value`` may be a credential given where an address goes.

    An Ethos API key is shown as ``'sk-ethos-***'`` with the hint to pass it as
    ``api_key=``; a long run of token characters without a scheme or a dot (a
    web token, say) is not shown at all.
    """
    text = value.strip()
    if _API_KEY_PREFIX in text:
        return f"'sk-ethos-***' ({KEY_HINT})"
    if "://" not in text and _TOKEN_LIKE.fullmatch(text):
        return "a value that looks like a credential, not an address (not shown)"
    return repr(value)
_HOST_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _where(text: str, index: int) -> str:
    char = text[index]
    names = {"\r": "a carriage return", "\n": "a line feed", "\t": "a tab", " ": "a space", "\x00": "a NUL"}
    shown = names.get(char) or (f"{char!r}" if char.isprintable() else f"character U+{ord(char):04X}")
    return f"{shown} at position {index + 1}"


def check_address(base: str) -> None:
    """Raise :class:`ConfigurationError` unless ``base`` is an address all the parsers agree on.

    ``base`` is already stripped. Messages never show a ``user:password@`` part.
    """
    found = _CONTROL.search(base)
    if found:
        raise ConfigurationError(
            f"base_url contains {_where(base, found.start())}: give the server's address alone, "
            "like 'http://127.0.0.1:3000'"
        )
    if "\\" in base:
        raise ConfigurationError(
            "base_url contains a backslash: URL parsers disagree on where its host ends "
            "(one would connect to one machine while the credential checks read another). "
            "Write the address with '/' only"
        )
    parts = urlsplit(base)
    if "@" in parts.netloc:
        shown = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[1]}{parts.path}"
        raise ConfigurationError(
            f"base_url carries a user name or password ('...@' before the host); it would be sent "
            f"in the Origin header and shown in messages. Use base_url={shown!r} and pass the "
            "credential as api_key= or cookie="
        )
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return  # the caller's own check says what is wrong with it
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise ConfigurationError(
            f"base_url has a port that does not exist, got {base!r}: a port is a number from 1 to 65535"
        )
    host = parts.hostname or ""
    if not parts.netloc.startswith("[") and not _HOST_NAME.fullmatch(host):
        raise ConfigurationError(
            f"base_url has a host name that is not plain ASCII letters, digits, '.', '-', got "
            f"{base!r}: write an international name in its 'xn--' form"
        )
    import urllib3.util

    try:
        other = urllib3.util.parse_url(base)
    except ValueError:  # urllib3's LocationParseError
        other = None
    other_host = (other.host or "").strip("[]").lower() if other is not None else None
    if other is None or other_host != host.lower() or (other.port or None) != port:
        raise ConfigurationError(
            f"base_url {base!r} is read differently by the URL parsers the SDK uses, so the "
            "machine connected to could differ from the one the credential checks see; write "
            "it as scheme://host:port/path"
        )


def check_origin(origin: str, name: str = "origin") -> str:
    """``origin`` as the ``Origin`` header carries it (``scheme://host[:port]``), or :class:`ConfigurationError`.

    A browser sends an origin without a path, so one trailing ``/`` is
    dropped; anything else beyond the port, a ``user:password@``, a control
    character or a port outside 1-65535 is refused (the server compares the
    header with the key's allowed origins character for character).
    """
    value = origin.strip()
    found = _CONTROL.search(value)
    if found:
        raise ConfigurationError(
            f"{name} contains {_where(value, found.start())}: give the web app's origin alone, "
            "like 'https://app.example.com'"
        )
    parts = urlsplit(value)
    if "@" in parts.netloc:
        raise ConfigurationError(
            f"{name} carries a user name or password ('...@' before the host); an origin is "
            "scheme://host[:port] only"
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (
        parts.scheme.lower() not in ("http", "https") or not parts.hostname
        or parts.path not in ("", "/") or parts.query or parts.fragment or "?" in value or "#" in value
        or (port is not None and not 1 <= port <= 65535)
    ):
        raise ConfigurationError(
            f"{name} must be a web origin, scheme://host[:port] with no path (the value of the "
            f"Origin header the key's allowed origins are compared with), like "
            f"'https://app.example.com' or 'http://localhost:3001'; got {quoted(value)}"
        )
    return f"{parts.scheme.lower()}://{parts.netloc}"


_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
_COOKIE_SAFE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+")  # RFC 6265 cookie-octet


def _first_bad(value: str, allowed: re.Pattern[str]) -> int:
    for index, char in enumerate(value):
        if not allowed.fullmatch(char):
            return index
    return 0


def check_header_secret(value: str, name: str) -> str:
    """``value`` when it can be sent in an HTTP header as it is; never echoes it."""
    if not _HEADER_SAFE.fullmatch(value):
        raise ConfigurationError(
            f"{name} contains {_where(value, _first_bad(value, _HEADER_SAFE))}, which cannot be "
            f"sent in an HTTP header: copy the {name} again, without line breaks or spaces"
        )
    return value


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")


def check_headers(headers: object, name: str = "extra_headers", removable: bool = False) -> None:
    """Raise :class:`ConfigurationError` unless ``headers`` can be sent as they are; never echoes a value.

    Names must be HTTP tokens, values ``str`` without line breaks or other
    control characters (a value may hold a secret, so none is ever shown).
    ``removable``: ``None`` is a value too (a per-call header that removes
    the client's).
    """
    if not hasattr(headers, "items"):
        raise ConfigurationError(f"{name} must be a mapping of header names to values, got {type(headers).__name__}")
    for key, value in headers.items():
        if not isinstance(key, str) or not _HEADER_NAME.fullmatch(key):
            shown = repr(key) if isinstance(key, str) and len(key) <= 64 else type(key).__name__
            raise ConfigurationError(
                f"{name} has a header name {shown} that HTTP does not allow: letters, digits and "
                "!#$%&'*+-.^_`|~ only, no spaces or colons"
            )
        if value is None and removable:
            continue
        if not isinstance(value, str):
            raise ConfigurationError(f"{name}[{key!r}] must be a str, got {type(value).__name__}")
        bad = _HEADER_VALUE_BAD.search(value)
        if bad is not None:
            raise ConfigurationError(
                f"{name}[{key!r}] contains {_where(value, bad.start())}, which cannot be sent in an "
                "HTTP header (it would end the header and start another): remove line breaks and "
                "control characters"
            )


def check_cookie_value(value: str, name: str = "cookie") -> str:
    """``value`` when it is one cookie value (no ``;``, ``,``, quotes, spaces or control characters)."""
    if not _COOKIE_SAFE.fullmatch(value):
        raise ConfigurationError(
            f"{name} contains {_where(value, _first_bad(value, _COOKIE_SAFE))}, which a cookie "
            "value cannot hold (it would end the value or add other cookies): give the value of "
            "the ethos_auth cookie, or a cookie line that holds ethos_auth"
        )
    return value


def cookie_token(value: str, name: str = "cookie") -> str:
    """The web token in what ``cookie=`` was given: the token, ``ethos_auth=<token>`` or a whole cookie line.

    An ``sk-ethos-`` key is refused with a pointer to ``api_key=``. Anything
    else is returned as it is, for :func:`check_cookie_value` to judge. No
    message repeats the value.
    """
    text = value.strip()
    if text[:7].lower() == "cookie:":
        text = text[7:].strip()
    if _API_KEY_PREFIX in text:
        raise ConfigurationError(
            f"{name}= was given an Ethos API key (sk-ethos-***); {KEY_HINT}... instead. {name}= takes the web "
            "token, the value of the ethos_auth cookie"
        )
    if "ethos_auth=" in text:
        for pair in text.split(";"):
            key, sep, token = pair.partition("=")
            if sep and key.strip() == "ethos_auth":
                return token.strip()
    return text  # the token itself; check_cookie_value refuses what a cookie value cannot hold


def path_segment(value: object, name: str) -> str:
    """``value`` quoted as one URL path segment; empty, ``.`` and ``..`` are refused."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise ConfigurationError(
            f"{name} must be a non-empty string other than '.' and '..', got {value!r}: "
            "the URL layer would read it as a step in the path, not as an id"
        )
    return quote(value, safe="")


MAX_NAME_LENGTH = 200
"""Characters kept of a file name sent or saved (file systems allow 255 bytes)."""

_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)


def clean_file_name(name: str) -> str:
    """``name`` cut down to one harmless file name, or ``""`` when nothing usable is left.

    Only the last path component is kept (``/`` and ``\\`` both separate);
    control, format (bidi, zero-width) and separator characters are dropped, as
    are spaces and dots at either end; the name is capped at
    :data:`MAX_NAME_LENGTH` characters, keeping its extension.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ").strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def download_name(filename: str | None, fallback: str) -> str | None:
    """A file name to create in a folder, made from the server's name (or ``fallback``).

    The name is cleaned by :func:`clean_file_name`. ``None`` when nothing
    usable is left, or the name is one Windows reserves (``CON``, ``NUL``...).
    """
    for candidate in (filename, fallback):
        name = clean_file_name(candidate) if candidate else ""
        if not name:
            continue
        if name.split(".", 1)[0].lower() in _RESERVED:
            return None
        return name
    return None
