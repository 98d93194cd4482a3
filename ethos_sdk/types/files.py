"""Types of the ``files`` namespace: paths for the @-file picker."""

from typing import List

from typing_extensions import TypedDict

__all__ = ["FileList"]


class FileList(TypedDict):
    """File paths matching what was typed so far."""

    paths: List[str]
