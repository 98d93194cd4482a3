"""One module per contract namespace; the client builds each on first use.

``client.sessions`` is :class:`ethos_sdk.namespaces.sessions.Sessions`,
``client.api_keys`` is :class:`ethos_sdk.namespaces.api_keys.ApiKeys`, and so on:
the module is the namespace's name in snake_case. Nothing here is imported by
``import ethos_sdk``.
"""
