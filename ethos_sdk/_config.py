"""``ClientConfig``: a client's settings, picklable, to make the same client in another process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Optional, Sequence, Tuple

from ._auth import read_token_file
from ._limits import DEFAULT_MAX_EVENT_BYTES
from ._transport import DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT
from ._types import Timeout
from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._client import EthosClient
    from .middleware import Middleware

__all__ = ["ClientConfig"]


@dataclass(frozen=True)
class ClientConfig:
    """The settings of an :class:`~ethos_sdk.EthosClient`, to make the same client where they are sent.

    Made by :meth:`EthosClient.to_config <ethos_sdk.EthosClient.to_config>`;
    picklable, hashable and comparable. :meth:`connect` builds a client from
    it, in the process that calls it (a worker of a process pool, a Dask or
    Ray worker, a job picked from a queue)::

        config = client.to_config()
        with ProcessPoolExecutor() as pool:
            pool.submit(summarise, config, ticket)     # summarise() calls config.connect()

    Without ``include_credentials=True`` it holds no secret, only where the
    credential came from (``credential_source``): ``connect()`` reads it there
    again -- ``ETHOS_API_KEY`` in the worker's environment, or the web-token
    file at ``token_file`` -- so the worker must have it. With it,
    ``credential`` holds the key or cookie (never shown by ``repr``): the
    pickled config then grants what the key grants, wherever it goes.

    Attributes:
        base_url, origin, timeout, deadline, max_retries, max_connections,
        max_response_bytes, max_event_bytes: as for ``EthosClient``.
        headers: the extra headers sent with every request, as pairs.
        auth_mode: ``"bearer"`` (API key) or ``"cookie"`` (web token).
        credential_source: ``"ETHOS_API_KEY"``, ``"web-token file"``,
            ``"argument"`` (``api_key=``/``cookie=`` was given) or ``"login"``
            (:meth:`~ethos_sdk.EthosClient.login`).
        token_file: the web-token file read, when that is the source.
        client_id: the ``client_id`` to give the client; ``None`` (what
            ``to_config`` leaves) gives each connected client its own.
        credential: the secret itself, only with ``include_credentials=True``.
    """

    base_url: str
    auth_mode: Literal["bearer", "cookie"]
    credential_source: str
    origin: Optional[str] = None
    timeout: Timeout = DEFAULT_TIMEOUT
    deadline: Optional[float] = None
    max_retries: int = 2
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    headers: Tuple[Tuple[str, str], ...] = ()
    token_file: Optional[str] = None
    client_id: Optional[str] = None
    credential: Optional[str] = field(default=None, repr=False)

    @classmethod
    def _of(cls, client: EthosClient, include_credentials: bool) -> ClientConfig:
        transport = client._transport
        source, detail = transport.credential_source
        return cls(
            base_url=transport.base_url,
            auth_mode=client.auth_mode,
            credential_source=source,
            origin=transport.origin,
            timeout=transport.timeout,
            deadline=transport.deadline,
            max_retries=transport.max_retries,
            max_connections=transport.pool.size,
            max_response_bytes=transport.max_response_bytes,
            max_event_bytes=client.max_event_bytes,
            headers=tuple(sorted(transport.extra_headers.items())),
            token_file=detail if source == "web-token file" else None,
            credential=transport.credentials.secret if include_credentials else None,
        )

    @property
    def includes_credentials(self) -> bool:
        """True when the config carries the secret itself (``to_config(include_credentials=True)``)."""
        return self.credential is not None

    def connect(
        self,
        *,
        api_key: Optional[str] = None,
        cookie: Optional[str] = None,
        middleware: Optional[Sequence[Middleware]] = None,
    ) -> EthosClient:
        """A new :class:`~ethos_sdk.EthosClient` with these settings, in this process.

        The credential is, in this order: ``api_key`` or ``cookie`` when
        given, the one the config carries, else read where the original
        client found it (``ETHOS_API_KEY``, or the web-token file).
        ``middleware`` is the new client's: the original client's functions
        do not travel in the config.

        Raises:
            ConfigurationError: the credential is not there (the variable is
                not set in this process, the file is missing or unreadable) or
                was an argument the config does not carry; the message says
                what to do.
        """
        from ._client import EthosClient

        if api_key is None and cookie is None:
            api_key, cookie = self._credential_here()
        return EthosClient(
            self.base_url,
            api_key=api_key,
            cookie=cookie,
            origin=self.origin,
            client_id=self.client_id,
            timeout=self.timeout,
            deadline=self.deadline,
            max_retries=self.max_retries,
            headers=dict(self.headers) or None,
            max_connections=self.max_connections,
            max_response_bytes=self.max_response_bytes,
            max_event_bytes=self.max_event_bytes,
            middleware=middleware,
        )

    def _credential_here(self) -> Tuple[Optional[str], Optional[str]]:
        """``(api_key, cookie)`` for :meth:`connect`: the carried secret, or the one at its source."""
        if self.credential is not None:
            return (self.credential, None) if self.auth_mode == "bearer" else (None, self.credential)
        carry = (
            "or make the config with client.to_config(include_credentials=True) (it then carries the secret), "
            "or pass it: config.connect(api_key=...)"
        )
        if self.credential_source == "ETHOS_API_KEY":
            key = os.environ.get("ETHOS_API_KEY")
            if not key:
                raise ConfigurationError(
                    f"the client this config was made from took its API key from ETHOS_API_KEY, which is not set "
                    f"in this process (pid {os.getpid()}): set it in the worker's environment, {carry}"
                )
            return key, None
        if self.credential_source == "web-token file" and self.token_file is not None:
            token = read_token_file(Path(self.token_file))
            if not token:
                raise ConfigurationError(
                    f"the client this config was made from used the web token in {self.token_file}, which this "
                    f"process (pid {os.getpid()}) cannot read (missing, empty, or readable by others): run the "
                    f"worker on the same machine as the same user, {carry}"
                )
            return None, token
        how = "obtained with login()" if self.credential_source == "login" else "given as an argument"
        raise ConfigurationError(
            f"the client this config was made from had its credential {how}, and to_config() leaves secrets "
            f"out: connect() has no credential to use. Make the config with "
            f"client.to_config(include_credentials=True) (it then carries the secret), or pass it: "
            f"config.connect(api_key=...) or config.connect(cookie=...)"
        )

    def __repr__(self) -> str:
        fields = [
            f"base_url={self.base_url!r}",
            f"auth_mode={self.auth_mode!r}",
            f"credential_source={self.credential_source!r}",
        ]
        if self.credential is not None:
            fields.append("credential='***'")
        if self.origin is not None:
            fields.append(f"origin={self.origin!r}")
        fields.append(f"timeout={self.timeout!r}")
        return f"ClientConfig({', '.join(fields)})"
