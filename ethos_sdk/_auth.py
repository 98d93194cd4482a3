"""Finding credentials: arguments, environment, the server's web-token file, login URLs."""

from __future__ import annotations

import ipaddress
import os
import stat
import warnings
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs, urlsplit

from .errors import ConfigurationError

__all__ = [
    "API_KEY_PREFIX",
    "InsecureCredentialWarning",
    "is_loopback",
    "token_file_path",
    "read_token_file",
    "token_from_login",
]

API_KEY_PREFIX = "sk-ethos-"


class InsecureCredentialWarning(UserWarning):
    """A credential is about to travel or be read somewhere others could see it."""


def is_loopback(url: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``[::1]``: this machine only.

    ``<name>.localhost`` is not counted: the resolver may ask DNS for it, so
    where it leads is not known.

    An IPv4-mapped IPv6 address (``[::ffff:127.0.0.1]``) is judged by the IPv4
    address it maps to, which is where its packets go, on every Python version.
    """
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


def token_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where ``ethos serve`` keeps its web token: ``$ETHOS_STATE_DIR/web-token``, else ``~/.ethos/web-token``."""
    env = os.environ if environ is None else environ
    state_dir = env.get("ETHOS_STATE_DIR")
    base = Path(state_dir).expanduser() if state_dir else Path.home() / ".ethos"
    return base / "web-token"


def read_token_file(path: Path) -> str | None:
    """The token in ``path``, or ``None`` when it is missing, empty or readable by others.

    A token file that other users can read is not used (a warning says why):
    whoever reads it can act as you on the server.
    """
    try:
        info = path.stat()
    except OSError:
        return None
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.warn(
            f"not using the Ethos web token in {path}: other users can read it "
            f"(mode {stat.filemode(info.st_mode)}). Run `chmod 600 {path}` to use it.",
            InsecureCredentialWarning,
            stacklevel=4,
        )
        return None
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token or None


def token_from_login(url_or_token: str) -> str:
    """The one-time token in a login URL printed by ``ethos serve`` (``...?t=<token>``), or the token itself."""
    text = url_or_token.strip()
    if "://" in text or text.startswith(("/", "?")):
        values = parse_qs(urlsplit(text).query).get("t")
        if not values or not values[0]:
            raise ConfigurationError(
                "the login URL has no t=<token> query parameter; pass the whole URL that "
                "`ethos serve` printed, or just the token"
            )
        return values[0]
    if not text:
        raise ConfigurationError("login() needs the URL `ethos serve` printed, or its token")
    return text


def check_api_key(api_key: str) -> str:
    """The key, stripped, when it looks like an Ethos API key and can travel in a header as it is."""
    from ._safety import check_header_secret

    key = api_key.strip()
    if not key.startswith(API_KEY_PREFIX):
        raise ConfigurationError(
            f"an Ethos API key starts with {API_KEY_PREFIX!r}; the value given does not. "
            "Create one in the Ethos web UI (Settings > API keys) or with `ethos api-key create`."
        )
    return check_header_secret(key, "api_key")
