"""Types of the ``toolSettings`` namespace: what each tool can be set to, globally or per personality."""

from typing import Dict, List, Union

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "ToolSettingValues",
    "SettingsStorage",
    "EnumOption",
    "EnumField",
    "SecretBindingField",
    "SettingsField",
    "SettingsSchema",
    "ToolSchema",
    "ToolSchemaList",
    "DefaultSettings",
    "PersonalitySettings",
    "SaveResult",
    "PersonalitySaveResult",
]

ToolSettingValues: TypeAlias = Dict[str, Dict[str, str]]
"""Settings by tool name, then by field key: ``{"web_search": {"provider": "exa"}}``."""

SettingsStorage: TypeAlias = Literal["personality", "global"]
"""Where a personality's settings live: its own, or the global defaults."""


class EnumOption(TypedDict):
    """One choice of an :class:`EnumField`."""

    value: str
    label: NotRequired[str]


class EnumField(TypedDict):
    """A setting chosen from a fixed list of options."""

    kind: Literal["enum"]
    key: str
    label: str
    options: List[EnumOption]
    default: NotRequired[str]
    required: NotRequired[bool]


class SecretBindingField(TypedDict):
    """A setting that names a stored secret (see ``client.named_secrets``)."""

    kind: Literal["secret-binding"]
    key: str
    label: str
    secretKind: str
    """The kind of named secret that fits, e.g. ``"web-search"``."""
    required: NotRequired[bool]


SettingsField: TypeAlias = Union[EnumField, SecretBindingField]
"""One field of a tool's settings form; ``kind`` tells which."""


class SettingsSchema(TypedDict):
    """The form of one tool's settings."""

    fields: List[SettingsField]


class ToolSchema(TypedDict):
    """A tool that has settings, and their form."""

    name: str
    settingsSchema: SettingsSchema


class ToolSchemaList(TypedDict):
    """Every tool that has settings."""

    tools: List[ToolSchema]


class DefaultSettings(TypedDict):
    """The global tool settings every personality starts from."""

    values: ToolSettingValues


class PersonalitySettings(TypedDict):
    """The tool settings one personality uses, and where they are stored."""

    values: ToolSettingValues
    storage: SettingsStorage


class SaveResult(TypedDict):
    """``{"ok": True}``: the settings were saved."""

    ok: Literal[True]


class PersonalitySaveResult(TypedDict):
    """The settings were saved; ``storage`` says where."""

    ok: Literal[True]
    storage: SettingsStorage
