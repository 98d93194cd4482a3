"""The built-in personalities the local server offers, shaped like the real ones.

Four of the real server's built-ins, trimmed to the fields its
``personalities.list`` returns for them. ``researcher`` is the default, as on
a fresh Ethos install.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional

__all__ = ["DEFAULT_PERSONALITY", "all_personalities", "find_personality", "soul_of"]

DEFAULT_PERSONALITY = "researcher"


def _personality(
    id: str,
    name: str,
    description: str,
    *,
    model: Any,
    provider: Optional[str],
    toolset: List[str],
    capabilities: Optional[List[str]],
    system: bool = False,
    min_tool_calls: int = 3,
    cooldown_minutes: int = 30,
) -> Dict[str, Any]:
    return {
        "id": id,
        "name": name,
        "description": description,
        "model": model,
        "provider": provider,
        "toolset": toolset,
        "capabilities": capabilities,
        "streamingTimeoutMs": None,
        "mcp_servers": None,
        "plugins": None,
        "fs_reach": None,
        "skill_evolution": {
            "enabled": True,
            "min_tool_calls": min_tool_calls,
            "cooldown_minutes": cooldown_minutes,
        },
        "system": system,
        "builtin": True,
        "version": 1,
    }


_KANBAN = [
    "kanban_show",
    "kanban_list",
    "kanban_comment",
    "kanban_update_status",
    "kanban_complete",
    "kanban_block",
    "kanban_unblock",
    "kanban_heartbeat",
]

_BUILTINS: List[Dict[str, Any]] = [
    _personality(
        "engineer",
        "Engineer",
        "Terse, code-first agent that writes working code immediately and explains only "
        "what isn't obvious.",
        model={"trivial": "claude-haiku-4-5", "default": "claude-sonnet-4-6", "deep": "claude-opus-4-7"},
        provider="anthropic",
        toolset=["terminal", "read_file", "write_file", "patch_file", "search_files", "web_search",
                 "execute_code", "run_tests", "lint", "memory_read", "memory_write", *_KANBAN,
                 "think_deeper"],
        capabilities=["code", "file", "terminal"],
        min_tool_calls=5,
        cooldown_minutes=60,
    ),
    _personality(
        "debug",
        "Debug Assistant",
        "Read-only session inspector. Diagnoses tool failures, loops, context issues.",
        model="claude-sonnet-4-5",
        provider=None,
        toolset=["session_search", "get_session_events", "get_observability", "get_error_log",
                 "run_doctor", "memory_read"],
        capabilities=None,
        system=True,
    ),
    _personality(
        "researcher",
        "Researcher",
        "Methodical research agent that prioritises primary sources, flags uncertainty, and "
        "shows its reasoning.",
        model={"trivial": "claude-haiku-4-5", "default": "claude-opus-4-7", "deep": "claude-opus-4-7"},
        provider="anthropic",
        toolset=["web_search", "web_extract", "web_crawl", "read_file", "search_files", "memory_read",
                 "memory_write", "session_search", *_KANBAN, "think_deeper"],
        capabilities=["research", "web"],
    ),
    _personality(
        "reviewer",
        "Reviewer",
        "Critical, evidence-based reviewer that raises concerns directly and always explains "
        "why something is wrong.",
        model="claude-sonnet-4-6",
        provider=None,
        toolset=["read_file", "search_files", "session_search", *_KANBAN],
        capabilities=["review", "code"],
    ),
]


def all_personalities() -> List[Dict[str, Any]]:
    """Fresh copies of every built-in, in the order the real server lists them."""
    return copy.deepcopy(_BUILTINS)


def find_personality(personality_id: str) -> Optional[Dict[str, Any]]:
    """A copy of the built-in with this id, or ``None``."""
    for item in _BUILTINS:
        if item["id"] == personality_id:
            return copy.deepcopy(item)
    return None


def soul_of(personality: Dict[str, Any]) -> str:
    """A short ``SOUL.md`` for a built-in (the real ones are longer prose)."""
    return (
        f"# {personality['name']}\n\n"
        f"{personality['description']}\n\n"
        "This personality is served by the local Ethos test server; its replies are scripted.\n"
    )
