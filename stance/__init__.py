"""stance: label diplomatic statements as condemn, deny, de-escalate or other.

The public API is imported lazily, so `import stance` and the one-quote CLI path stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stance.errors import StanceError

__version__ = "0.1.0"

__all__ = [
    "Prediction",
    "StanceError",
    "StanceModel",
    "evaluate",
    "extract",
    "load_model",
    "read_articles",
    "report",
    "train",
]

_LAZY = {
    "Prediction": "stance.model",
    "StanceModel": "stance.model",
    "load_model": "stance.model",
    "train": "stance.training",
    "extract": "stance.api",
    "evaluate": "stance.api",
    "report": "stance.api",
    "read_articles": "stance.articles",
}

if TYPE_CHECKING:
    from stance.api import evaluate, extract, report
    from stance.articles import read_articles
    from stance.model import Prediction, StanceModel, load_model
    from stance.training import train


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stance' has no attribute {name!r}")
