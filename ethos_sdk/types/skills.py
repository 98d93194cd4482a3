"""Types of the ``skills`` namespace: the skills agents can load."""

# Annotations are evaluated eagerly on purpose (no ``from __future__ import
# annotations``): a TypedDict sees ``NotRequired`` only then, so that
# ``__required_keys__`` and ``__optional_keys__`` are right at run time.

from typing import Any, Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypedDict

__all__ = ["Skill", "SkillList", "SkillResult", "OkResult"]


class Skill(TypedDict):
    """A skill: its body and frontmatter, and where it comes from."""

    id: str
    name: str
    description: Optional[str]
    frontmatter: Dict[str, Any]
    """The skill's frontmatter fields, as written."""
    body: str
    modifiedAt: str
    source: Literal["system", "user", "evolver", "personality"]
    readonly: bool
    """``True`` for skills that cannot be changed through the API."""
    unavailableReason: NotRequired[Optional[str]]
    """Why the skill cannot be used right now, if it cannot."""


class SkillList(TypedDict):
    """The skills, and how many are pending."""

    skills: List[Skill]
    pendingCount: int


class SkillResult(TypedDict):
    """One skill (from ``get``, ``create``, ``update``)."""

    skill: Skill


class OkResult(TypedDict):
    """``{"ok": True}``: done."""

    ok: Literal[True]
