"""The model card: what a model was trained on, how it scored, and the hashes of its two files.

One typed, versioned record, built once (by training, completed by `save`), written and printed by
one function. It guards against accident, not attack: the SHA-256 of both files catches a damaged
or half-written file and a model paired with another run's card, but whoever can write the files
can write a matching card. Safety against a hostile file comes from the code-free format, which
cannot run code whatever its card says.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from stance.errors import StanceError

FORMAT_VERSION = 2  # 1 was the unversioned card of a joblib file alone
MODEL_DESCRIPTION = "stance TF-IDF + logistic regression"
FILE_KINDS = ("joblib", "npz")


@dataclass(frozen=True)
class ModelCard:
    """Everything `stance info` shows; `sha256` maps each file kind (joblib, npz) to its hash."""

    labels: list[str]
    settings: dict[str, Any]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    model: str = MODEL_DESCRIPTION
    seed: int | None = None
    training_data: dict[str, Any] = field(default_factory=dict)
    cross_validation: dict[str, Any] | None = None
    candidates: dict[str, Any] | None = None
    held_out: dict[str, Any] | None = None
    # The temperature that turns raw probabilities into calibrated ones; None: used as they are.
    calibration: dict[str, Any] | None = None
    versions: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("stance", "scikit-learn", "numpy", "scipy", "joblib", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def render(card: ModelCard) -> str:
    """The card as JSON: the file on disk and `stance info --format json` print the same text."""
    fields_ = asdict(card)
    first = {key: fields_.pop(key) for key in ("format_version", "model", "created")}  # what a reader looks for first
    return json.dumps(first | fields_, indent=2, ensure_ascii=False) + "\n"


def parse(text: str, source: Path) -> ModelCard:
    """A card from its JSON; a card without `format_version` predates the code-free format."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        raise StanceError(f"{source}: not a stance model card (not valid JSON)") from None
    if not isinstance(raw, dict):
        raise StanceError(f"{source}: not a stance model card (not a JSON object)")
    if "format_version" not in raw:
        if "model_sha256" in raw:
            raise StanceError(
                f"{source}: an old-style model card (no format_version, no code-free file); "
                "retrain the model with this stance (stance train) to get both files and a new card"
            )
        raise StanceError(f"{source}: not a stance model card (no format_version)")
    if raw["format_version"] != FORMAT_VERSION:
        raise StanceError(
            f"{source}: card format {raw['format_version']!r}, but this stance reads format {FORMAT_VERSION}; "
            "retrain the model or install the stance that wrote it"
        )
    known = {f.name for f in fields(ModelCard)}
    missing = [name for name in ("labels", "settings", "sha256") if name not in raw]
    if missing or not isinstance(raw.get("sha256"), dict) or set(raw["sha256"]) != set(FILE_KINDS):
        raise StanceError(f"{source}: not a stance model card (needs labels, settings and sha256 of {FILE_KINDS})")
    return ModelCard(**{key: value for key, value in raw.items() if key in known})
