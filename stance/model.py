"""The fitted classifier, its predictions, and its files on disk.

This module is on the one-quote path, so it imports no training code and no pandas: loading a
model costs the scikit-learn modules the pickle needs and nothing more.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.schema import LABELS, UNCERTAIN

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

MODEL_ENV = "STANCE_MODEL"
MODEL_FILE = "stance.joblib"
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Prediction:
    """One statement's label, the probability behind it, and every label's probability."""

    label: str
    confidence: float
    probabilities: dict[str, float]


@dataclass(frozen=True)
class Evidence:
    """An n-gram of the statement and how far it pushed the prediction towards its label."""

    feature: str
    kind: str
    weight: float


def default_model_path() -> Path:
    """The wheel carries the model inside the package; a checkout keeps it in the repo's models/."""
    packaged = _PACKAGE_DIR / "models" / MODEL_FILE
    if packaged.exists():
        return packaged
    return _PACKAGE_DIR.parent / "models" / MODEL_FILE


def card_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


class StanceModel:
    """A fitted scikit-learn pipeline plus its card; the only place that makes `Prediction`s."""

    def __init__(self, pipeline: Pipeline, card: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.card = card or {}
        classes = list(pipeline.classes_)
        # The pipeline orders probabilities alphabetically; users read them in LABELS order.
        self._columns = [classes.index(label) for label in LABELS if label in classes]
        self.labels = tuple(label for label in LABELS if label in classes)

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities, one row a statement, columns in `self.labels` order."""
        texts = list(texts)
        return self.pipeline.predict_proba(texts)[:, self._columns]

    def predict(self, texts: Iterable[str], min_confidence: float | None = None) -> list[Prediction]:
        """Label each statement; below `min_confidence` the label is `uncertain`, probabilities kept."""
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise StanceError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        texts = list(texts)
        if not texts:
            return []
        rows = self.predict_proba(texts)
        predictions = []
        for row in rows.tolist():
            best = max(range(len(row)), key=row.__getitem__)
            confidence = row[best]
            label = self.labels[best]
            if min_confidence is not None and confidence < min_confidence:
                label = UNCERTAIN
            probabilities = dict(zip(self.labels, row, strict=True))
            predictions.append(Prediction(label, confidence, probabilities))
        return predictions

    def explain(
        self, text: str, top: int = 5, label: str | None = None, kinds: tuple[str, ...] | None = None
    ) -> list[Evidence]:
        """The n-grams of `text` that pushed it most towards `label` (default: the predicted one).

        A feature's push is its TF-IDF value times how much more its weight favours the label
        than the average label: the terms of the linear model's log-odds that this text switched on.
        `kinds` keeps only some feature kinds ("word", "char"): word n-grams read best to a person.
        """
        features = self.pipeline[:-1]
        classifier = self.pipeline[-1]
        label = label or self.predict([text])[0].label
        if label not in self.labels:
            raise StanceError(f"cannot explain towards {label!r}: the model knows {', '.join(self.labels)}")
        row = features.transform([text]).tocsr()
        coef = classifier.coef_
        target = list(classifier.classes_).index(label)
        names = features.get_feature_names_out()
        pushes = []
        for column, value in zip(row.indices, row.data, strict=True):
            push = float(value * (coef[target, column] - coef[:, column].mean()))
            if push > 0:
                kind, _, feature = names[column].partition("__")
                if kinds is None or kind in kinds:
                    pushes.append(Evidence(feature, kind, push))
        pushes.sort(key=lambda evidence: -evidence.weight)
        return pushes[:top]

    def save(self, path: str | Path) -> Path:
        """Write the pipeline and its card, each to a temporary file renamed into place."""
        import joblib

        from stance.output import temporary_beside

        path = Path(path)
        with temporary_beside(path) as temporary:
            joblib.dump(self.pipeline, temporary, compress=3)
            sha256 = file_sha256(temporary)
            card = {**self.card, "model_sha256": sha256}
            with temporary_beside(card_path(path)) as card_temporary:
                card_temporary.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
                os.replace(temporary, path)
                os.replace(card_temporary, card_path(path))
        self.card = card
        return path


def read_card(path: Path) -> dict[str, Any]:
    card_file = card_path(path)
    if not card_file.exists():
        raise StanceError(f"{path}: not a stance model (its card {card_file.name} is missing)")
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise StanceError(f"{card_file}: not a stance model card (not valid JSON)") from None
    if not isinstance(card, dict) or "model_sha256" not in card:
        raise StanceError(f"{card_file}: not a stance model card (no model_sha256)")
    return card


def load_model(path: str | Path | None = None) -> StanceModel:
    """Load a model: the path given, else $STANCE_MODEL, else the shipped default.

    The card is checked before anything is unpickled: the file must hash to what the card says
    and come from the installed scikit-learn's minor version, else predictions could silently differ.
    """
    path = Path(path or os.environ.get(MODEL_ENV) or default_model_path())
    if not path.exists():
        raise StanceError(f"{path}: no such model file")
    if path.is_dir():
        raise StanceError(f"{path}: is a directory, not a model file")
    card = read_card(path)
    if file_sha256(path) != card["model_sha256"]:
        raise StanceError(f"{path}: the file's SHA-256 differs from its card's; it was changed or damaged, retrain it")
    saved = card.get("versions", {}).get("scikit-learn", "unknown")
    installed = metadata.version("scikit-learn")
    if _minor(saved) != _minor(installed):
        raise StanceError(
            f"{path}: saved with scikit-learn {saved}, but {installed} is installed; "
            "retrain the model (stance train) or install the matching scikit-learn"
        )
    import joblib

    try:
        pipeline = joblib.load(path)
    except Exception as error:  # an unreadable pickle can fail in many ways; all mean the same to a user
        raise StanceError(f"{path}: not a readable stance model ({type(error).__name__})") from None
    if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "classes_"):
        raise StanceError(f"{path}: not a stance model (holds a {type(pipeline).__name__})")
    return StanceModel(pipeline, card)
