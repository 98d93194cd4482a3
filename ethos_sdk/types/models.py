"""Types of the ``models`` namespace: the catalogue of models by provider."""

from typing import Dict, List

from typing_extensions import NotRequired, TypedDict

__all__ = ["CatalogModel", "ProviderModels", "ModelCatalog"]


class CatalogModel(TypedDict):
    """One model a provider offers."""

    id: str
    """The name to configure, as the provider spells it."""
    label: str
    contextWindow: int
    """Tokens the model can take in at once."""
    default: NotRequired[bool]
    """``True`` for the provider's suggested model."""


class ProviderModels(TypedDict):
    """The models of one provider."""

    models: List[CatalogModel]


class ModelCatalog(TypedDict):
    """Every known model, grouped by provider name."""

    version: int
    updatedAt: str
    """ISO 8601 date and time of the catalogue's last update."""
    providers: Dict[str, ProviderModels]
