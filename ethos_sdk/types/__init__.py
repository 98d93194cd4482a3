"""The ``TypedDict`` types of procedure inputs, outputs and stream events.

One module per contract namespace (``ethos_sdk.types.sessions``, ...) plus
``ethos_sdk.types.events`` for the event stream. Import what you annotate with::

    from ethos_sdk.types.sessions import Session

At run time every result is a plain ``dict`` exactly as the server sent it:
nothing is validated or renamed, and keys a newer server adds pass through.
"""
