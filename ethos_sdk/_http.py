"""The HTTP adapter of the client's own pool: interim (1xx) answers are skipped, as HTTP says.

``http.client`` skips a ``100 Continue`` before the real answer, and nothing
else: a ``103 Early Hints`` (which CDNs send) or a ``102 Processing`` is taken
for *the* answer, its connection goes back to the pool with the real answer
still unread in it, and the next request on that connection receives the
previous one's answer. The connections of :class:`Adapter` read past every
interim answer to the final one. A connection that still yields a 1xx (a
session passed in by the caller, or a ``101``) is discarded by the transport,
never pooled.
"""

from __future__ import annotations

import http.client
from typing import Any

import requests.adapters
import urllib3
import urllib3.connection

__all__ = ["Adapter", "MAX_INTERIM_ANSWERS"]

MAX_INTERIM_ANSWERS = 32
"""Interim answers read before one request's answer is given up as broken."""


class _FinalAnswer(http.client.HTTPResponse):
    """An ``http.client`` response that reads past interim answers (102, 103, ...) to the final one."""

    def _read_status(self) -> tuple[str, int, str]:
        for _ in range(MAX_INTERIM_ANSWERS):
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not (100 < status < 200 and status != 101):
                return version, status, reason  # 100 is skipped by begin(), 101 is final
            http.client.parse_headers(self.fp)  # the interim answer's headers: not ours
        raise http.client.HTTPException(
            f"the server sent more than {MAX_INTERIM_ANSWERS} interim (1xx) answers to one request"
        )


class _Connection(urllib3.connection.HTTPConnection):
    response_class = _FinalAnswer


class _TLSConnection(urllib3.connection.HTTPSConnection):
    response_class = _FinalAnswer


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS: dict[str, Any] = {"http": _Pool, "https": _TLSPool}


class Adapter(requests.adapters.HTTPAdapter):
    """``requests``' adapter whose connections skip interim answers (also through an HTTP proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own pool classes
            manager.pool_classes_by_scheme = _POOLS
        return manager
