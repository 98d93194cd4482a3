"""Types of the ``slashCommands`` namespace: the commands the chat box offers."""

from typing import List

from typing_extensions import NotRequired, TypedDict

__all__ = ["SlashCommand", "SlashCommandList"]


class SlashCommand(TypedDict):
    """A ``/command`` the chat box understands."""

    name: str
    description: str
    usage: str
    pluginId: NotRequired[str]
    """The plugin that adds the command, if it is not built in."""


class SlashCommandList(TypedDict):
    """Every slash command available."""

    commands: List[SlashCommand]
