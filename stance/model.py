"""The fitted classifier, its predictions, and its files on disk.

This module is on the one-quote path, so it imports no training code, no pandas and, for the
default code-free model file, no scikit-learn: loading a model costs numpy and the arrays.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stance.calibration import scale
from stance.card import ModelCard, library_versions, parse, render
from stance.errors import StanceError
from stance.schema import LABELS, UNCERTAIN

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

    from stance.model_format import ArrayModel

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


def model_path(path: str | Path | None = None) -> Path:
    """The model file a run uses: the path given, else $STANCE_MODEL, else the shipped model; a path to
    the `.npz` or the card means the model beside it. Loading, output checks and Dask all resolve it here."""
    resolved = Path(path or os.environ.get(MODEL_ENV) or default_model_path())
    return resolved.with_suffix(".joblib") if resolved.suffix in (".npz", ".json") else resolved


def default_model_path() -> Path:
    """The wheel carries the model inside the package; a checkout keeps it in the repo's models/."""
    packaged = _PACKAGE_DIR / "models" / MODEL_FILE
    if packaged.exists():
        return packaged
    return _PACKAGE_DIR.parent / "models" / MODEL_FILE


def card_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def arrays_path(model_path: Path) -> Path:
    """The code-free file beside the joblib file."""
    return model_path.with_suffix(".npz")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _checked_texts(texts: Iterable[str]) -> list[str]:
    """A list of strings, or a StanceError naming the first row that is not one."""
    if isinstance(texts, str | bytes):
        raise StanceError("expected a list of statements, got a single string; wrap it in a list: predict([text])")
    texts = list(texts)
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise StanceError(f"text of row {row} is {text!r} ({type(text).__name__}), not a string")
    return texts


class StanceModel:
    """A fitted model and its card; the only place that makes `Prediction`s.

    It predicts with the scikit-learn `Pipeline` when it has one (fitted here, or loaded with
    `trusted=True`), so a user who refits `model.pipeline` sees the refit; a model loaded from the
    code-free file predicts from its arrays (`stance.model_format`), to the same numbers.
    """

    def __init__(
        self, pipeline: Pipeline | None = None, card: ModelCard | None = None, *, arrays: ArrayModel | None = None
    ) -> None:
        if pipeline is None and arrays is None:
            raise StanceError("a StanceModel needs a fitted pipeline or code-free arrays")
        self._pipeline = pipeline
        self._arrays = arrays
        self.card = card
        classes = [str(c) for c in (pipeline.classes_ if pipeline is not None else arrays.classes)]  # type: ignore[union-attr]
        # Classifiers order probabilities alphabetically; users read them in LABELS order.
        self._columns = [classes.index(label) for label in LABELS if label in classes]
        self.labels = tuple(label for label in LABELS if label in classes)

    @property
    def pipeline(self) -> Pipeline:
        """The scikit-learn pipeline; a model loaded from the code-free file has none."""
        if self._pipeline is None:
            raise StanceError(
                "this model was loaded from its code-free file and has no scikit-learn pipeline; "
                "load_model(path, trusted=True) unpickles the joblib file, which can run code: only for files you trust"
            )
        return self._pipeline

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities, one row a statement, columns in `self.labels` order."""
        texts = _checked_texts(texts)
        if self._pipeline is not None:
            raw = self._pipeline.predict_proba(texts)[:, self._columns]
        else:
            assert self._arrays is not None
            raw = self._arrays.predict_proba(texts)[:, self._columns]
        return scale(raw, self.temperature)

    @property
    def temperature(self) -> float:
        """The card's calibration temperature (1.0 when the model was trained without cross-validation)."""
        calibration = self.card.calibration if self.card is not None else None
        return float(calibration["temperature"]) if calibration else 1.0

    def predict(self, texts: Iterable[str], min_confidence: float | None = None) -> list[Prediction]:
        """Label each statement; below `min_confidence` the label is `uncertain`, probabilities kept."""
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise StanceError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        texts = _checked_texts(texts)
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

    def predict_frame(
        self, frame: pd.DataFrame, column: str = "text", min_confidence: float | None = None
    ) -> pd.DataFrame:
        """The frame with the prediction columns of `stance classify` appended; input columns kept."""
        from stance.schema import PREDICTION_COLUMNS, probability_column

        if column not in frame.columns:
            raise StanceError(f"the frame has no {column!r} column (columns: {', '.join(map(str, frame.columns))})")
        clash = [name for name in PREDICTION_COLUMNS if name in frame.columns]
        if clash:
            raise StanceError(f"the frame already has a {clash[0]!r} column; rename it first")
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise StanceError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        # Columns from the probabilities in bulk, as `predict` would give them one by one: no object
        # per row, so a frame of millions of rows costs what scoring it costs.
        texts = _checked_texts(frame[column].tolist())
        probabilities = self.predict_proba(texts) if texts else np.zeros((0, len(self.labels)))
        best, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
        stance = np.array(self.labels, dtype=object)[best]
        if min_confidence is not None:
            stance[confidence < min_confidence] = UNCERTAIN
        out = frame.copy()
        out["stance"] = stance
        out["confidence"] = confidence
        for index, label in enumerate(self.labels):
            out[probability_column(label)] = probabilities[:, index]
        return out

    def _features(self, text: str) -> tuple[list[int], list[float], np.ndarray, list[str], Callable[[int], str]]:
        """One text's (columns, values), the coefficients, their classes, and a column's name."""
        if self._pipeline is not None:
            features = self._pipeline[:-1]
            classifier = self._pipeline[-1]
            row = features.transform([text]).tocsr()
            names = features.get_feature_names_out()
            return (
                row.indices.tolist(),
                row.data.tolist(),
                classifier.coef_,
                list(classifier.classes_),
                names.__getitem__,
            )
        assert self._arrays is not None
        arrays = self._arrays
        _, columns, values = arrays.transform([text])

        def name(column: int) -> str:
            kind, term = arrays.feature_name(column)
            return f"{kind}__{term}"

        return columns.tolist(), values.tolist(), arrays.coef, arrays.classes, name

    def explain(
        self, text: str, top: int = 5, label: str | None = None, kinds: tuple[str, ...] | None = None
    ) -> list[Evidence]:
        """The n-grams of `text` that pushed it most towards `label` (default: the predicted one).

        A feature's push is its TF-IDF value times how much more its weight favours the label
        than the average label: the terms of the linear model's log-odds that this text switched on.
        `kinds` keeps only some feature kinds ("word", "char"): word n-grams read best to a person.
        """
        [text] = _checked_texts([text])
        label = label or self.predict([text])[0].label
        if label not in self.labels:
            raise StanceError(f"cannot explain towards {label!r}: the model knows {', '.join(self.labels)}")
        columns, values, coef, classes, name = self._features(text)
        if len(classes) == 2:  # one coefficient row, for the second class: the first class's is its negative
            coef = np.vstack([-coef[0], coef[0]])
        target = classes.index(label)
        pushes = []
        for column, value in zip(columns, values, strict=True):
            push = float(value * (coef[target, column] - coef[:, column].mean()))
            if push > 0:
                kind, _, feature = name(column).partition("__")
                if kinds is None or kind in kinds:
                    pushes.append(Evidence(feature, kind, push))
        pushes.sort(key=lambda evidence: -evidence.weight)
        return pushes[:top]

    def save(self, path: str | Path) -> Path:
        """Write the joblib pipeline, its code-free `.npz` twin, and the card naming both hashes.

        Each file is written to a temporary beside it and renamed into place, the card last. Two
        runs saving to the same path at once can interleave their renames and leave one run's
        joblib beside the other's npz; the card, renamed last, then names a hash that one of the
        files does not have, and loading refuses the pair. Checking both hashes at every load costs
        a millisecond and keeps the three files in their usual place (a folder per model, renamed
        as one, would change the layout users and the wheel know).
        """
        import joblib

        from stance.model_format import from_pipeline, to_bytes
        from stance.output import temporary_beside

        path = Path(path)
        pipeline = self.pipeline
        arrays = from_pipeline(pipeline)
        card = self.card or ModelCard(labels=list(self.labels), settings={"name": "custom"})
        with (
            temporary_beside(path) as joblib_temporary,
            temporary_beside(arrays_path(path)) as arrays_temporary,
            temporary_beside(card_path(path)) as card_temporary,
        ):
            joblib.dump(pipeline, joblib_temporary, compress=3)
            arrays_temporary.write_bytes(to_bytes(arrays))
            card = replace(
                card,
                versions=library_versions(),
                sha256={"joblib": file_sha256(joblib_temporary), "npz": file_sha256(arrays_temporary)},
            )
            card_temporary.write_text(render(card), encoding="utf-8")
            os.replace(joblib_temporary, path)
            os.replace(arrays_temporary, arrays_path(path))
            os.replace(card_temporary, card_path(path))
        self.card = card
        return path


def read_card(path: Path) -> ModelCard:
    card_file = card_path(path)
    if not card_file.exists():
        raise StanceError(f"{path}: not a stance model (its card {card_file.name} is missing)")
    try:
        text = card_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StanceError(f"{card_file}: not a stance model card (not UTF-8 text)") from None
    return parse(text, card_file)


def _check_hash(path: Path, card: ModelCard, kind: str) -> None:
    if file_sha256(path) != card.sha256[kind]:
        raise StanceError(
            f"{path}: the file's SHA-256 differs from its card's; it was changed or damaged, or its card comes "
            "from another training run (two runs writing the same --out?); retrain it"
        )


def load_model(path: str | Path | None = None, *, trusted: bool = False) -> StanceModel:
    """Load a model: the path given, else $STANCE_MODEL, else the shipped default.

    By default the code-free `.npz` beside the joblib file is read: plain arrays, no pickle, so a
    model file from anyone cannot run code. `trusted=True` unpickles the joblib file instead, to
    get the scikit-learn `Pipeline`; unpickling runs whatever code the file names, and its card is
    no defence (whoever writes a file can write a matching card): use it only for files you trust.

    The card is checked before either file is read: both files must hash to what it says (so a
    damaged file, or one paired with another run's card, is refused). The joblib path also requires
    the scikit-learn minor version the file was saved with; the code-free path does not, because
    its arrays mean the same whatever scikit-learn is installed (or none at all). A path to the
    `.npz` or the card is taken to mean the model beside it.
    """
    path = model_path(path)
    if path.is_dir():
        raise StanceError(f"{path}: is a directory, not a model file")
    if not path.exists() and not arrays_path(path).exists():
        raise StanceError(f"{path}: no such model file")
    card = read_card(path)
    if not trusted:
        arrays_file = arrays_path(path)
        if not arrays_file.exists():
            raise StanceError(
                f"{path}: its code-free file {arrays_file.name} is missing; retrain the model, "
                "or pass trusted=True (--trust-model) to unpickle the joblib file if you trust it"
            )
        if path.exists():  # the joblib file may be left out when sharing a model; if present it must pair
            _check_hash(path, card, "joblib")
        _check_hash(arrays_file, card, "npz")
        from stance.model_format import read

        return StanceModel(card=card, arrays=read(arrays_file))
    if not path.exists():
        raise StanceError(f"{path}: no such model file")
    _check_hash(path, card, "joblib")
    if arrays_path(path).exists():
        _check_hash(arrays_path(path), card, "npz")
    saved = card.versions.get("scikit-learn", "unknown")
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
