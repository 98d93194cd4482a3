"""The SDK's words beside the server's: what a web-UI tab or a wire field is called in Python.

The server writes its errors for the web UI and for raw HTTP ("Open the
Sessions tab", "call chat.send without sessionId"). The server's text is kept
as it is; :func:`sdk_wording` adds what the same advice means for someone
holding an :class:`~ethos_sdk.EthosClient`.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

__all__ = ["sdk_wording"]

_ADVICE: Tuple[Tuple[str, str], ...] = (
    ("sessions tab", "client.sessions.list() shows the current sessions"),
    (
        "chat.send without sessionid",
        "leave session_id out of client.chat.send / ask / stream to start a new session",
    ),
    ("personalities tab", "client.personalities.list() lists the personality ids"),
    ("personalities.list", "client.personalities.list() lists the personality ids"),
    ("settings page", "with the web cookie, client.api_keys.create(name, scopes=[...]) mints a key"),
    ("web ui to manage api keys", "with the web cookie, client.api_keys.create / list / revoke manage keys"),
    (
        "printed by `ethos serve`",
        "in Python: EthosClient.from_login_url(url), client.login(url), or EthosClient(cookie=...) "
        "(the web-token file of the server's state directory)",
    ),
    ("printed by 'ethos serve'", "in Python: EthosClient.from_login_url(url) or client.login(url)"),
    ("authorization: bearer", "pass api_key= to EthosClient (or set ETHOS_API_KEY)"),
    ("refresh the listing", "client.documents.list(...) shows what is there now"),
    ("documents listing", "client.documents.list(...) shows what is there; client.documents.download(...) fetches a file"),
    ("send the image bytes as the raw request body", "client.personalities.set_avatar(id, image_bytes) sends them so"),
    ("reload to see the current state", "client.events(session_id) shows what the turn did since"),
)

_CAMEL = re.compile(r"\b[a-z]+(?:[A-Z][a-z0-9]*)+\b")


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()


def _parameters(text: str, procedure: Optional[str], said: str) -> Optional[str]:
    """``sessionId is session_id= in Python`` for the procedure's input keys the text names (and ``said`` does not)."""
    if procedure is None:
        return None
    words = sorted(set(_CAMEL.findall(text)))
    if not words:
        return None
    from ._procedures import procedure_inputs  # built once, and only for a message that names a key

    known = procedure_inputs().get(procedure)
    if known is None or not known.keys:
        return None
    named = [f"{word} is {_snake(word)}=" for word in words if word in known.keys and _snake(word) not in said]
    if not named:
        return None
    return f"{', '.join(named)} in {known.method}()"


def sdk_wording(message: str, action: Optional[str], procedure: Optional[str]) -> Optional[str]:
    """What the server's advice means in the SDK, or ``None`` when it says nothing the SDK can translate."""
    text = f"{message} {action or ''}"
    lowered = text.lower()
    said: List[str] = []
    for sign, advice in _ADVICE:
        if sign in lowered and advice not in said:
            said.append(advice)
    try:
        parameters = _parameters(text, procedure, " ".join(said))
    except Exception:  # never let a translation hide the server's error
        parameters = None
    if parameters:
        said.append(parameters)
    return "; ".join(said) if said else None
