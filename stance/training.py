"""Fitting the classifier: the candidate settings, cross-validation, and the model card.

Settings are a handful of named candidates rather than a free grid: each was measured by
grouped cross-validation and on real statements (see the card and benchmarks/RESULTS.md), and
a name is something a card, a test and a user can refer to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.card import ModelCard
from stance.errors import StanceError
from stance.model import StanceModel
from stance.schema import LABELS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.pipeline import Pipeline

# Each candidate: word n-gram range, char n-gram range (None: no char features), the inverse
# regularisation strength C, and whether classes are weighted by their inverse frequency.
CANDIDATES: dict[str, dict[str, Any]] = {
    "word": {"word_ngrams": (1, 2), "char_ngrams": None, "C": 10.0, "class_weight": "balanced"},
    "word-char": {"word_ngrams": (1, 2), "char_ngrams": (2, 5), "C": 10.0, "class_weight": "balanced"},
    "word-char-strong-reg": {"word_ngrams": (1, 2), "char_ngrams": (2, 5), "C": 2.0, "class_weight": "balanced"},
    "word-1-3-char": {"word_ngrams": (1, 3), "char_ngrams": (2, 5), "C": 10.0, "class_weight": "balanced"},
}
DEFAULT_SETTINGS = "word-char-strong-reg"
WHY_DEFAULT = (
    "highest macro-F1 on the real dev set among the candidates (over four and over three labels), with "
    "grouped cross-validation within about one standard deviation of the best (benchmarks/candidates.py); "
    "word n-grams alone are faster but score lower on real statements (benchmarks/RESULTS.md)"
)


def build_pipeline(settings: str = DEFAULT_SETTINGS, seed: int = 0) -> Pipeline:
    """An unfitted scikit-learn pipeline: TF-IDF features into a logistic regression."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from stance.features import StableTfidf, WordCachedCharTfidf

    if settings not in CANDIDATES:
        raise StanceError(f"unknown settings {settings!r} (expected one of: {', '.join(CANDIDATES)})")
    params = CANDIDATES[settings]
    vectorizers = [
        ("word", StableTfidf(ngram_range=params["word_ngrams"], sublinear_tf=True, min_df=2, dtype=np.float32)),
    ]
    if params["char_ngrams"]:
        vectorizers.append(
            (
                "char",
                WordCachedCharTfidf(
                    analyzer="char_wb", ngram_range=params["char_ngrams"], sublinear_tf=True, min_df=2, dtype=np.float32
                ),
            )
        )
    classifier = LogisticRegression(
        C=params["C"], class_weight=params["class_weight"], max_iter=5000, random_state=seed
    )
    return Pipeline([("features", FeatureUnion(vectorizers)), ("classifier", classifier)])


def as_frame(records: pd.DataFrame | Iterable[Mapping[str, str]]) -> pd.DataFrame:
    import pandas as pd

    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    for column in ("text", "label"):
        if column not in frame.columns:
            raise StanceError(f"training records need a {column!r} column")
    return frame


def check_trainable(frame: pd.DataFrame, folds: int) -> None:
    """Refuse data a classifier or a k-fold estimate cannot be made from, saying which label is short."""
    from sklearn.feature_extraction.text import CountVectorizer

    counts = frame["label"].value_counts()
    if len(counts) < 2:
        only = counts.index[0] if len(counts) else "none"
        raise StanceError(f"training data has a single label ({only}); a classifier needs at least two")
    if folds >= 2:
        short = counts[counts < folds]
        if len(short):
            raise StanceError(
                f"label {short.index[0]!r} has {int(short.iloc[0])} row(s), fewer than the {folds} "
                "cross-validation folds; add rows or lower --cv"
            )
    try:  # the word features' own test, so that scikit-learn's "empty vocabulary" becomes a clear line
        CountVectorizer(min_df=2).fit(frame["text"])
    except ValueError:
        raise StanceError(
            "the training texts have no usable words: no word of two or more letters occurs in two statements"
        ) from None


def cross_validate(
    frame: pd.DataFrame, settings: str, seed: int, folds: int, sample_weight: np.ndarray | None = None
) -> dict[str, Any]:
    """Out-of-fold macro-F1, grouped by crisis where the data names crises, so that the estimate
    measures crises the model has not seen, as the held-out split does."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
    from sklearn.model_selection import cross_validate as sk_cross_validate

    from stance.metrics import per_label_scores

    texts = frame["text"].tolist()
    gold = frame["label"].to_numpy()
    grouped = "crisis" in frame.columns and frame["crisis"].nunique() >= folds
    if grouped:
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        groups = frame["crisis"].to_numpy()
        scheme = f"StratifiedGroupKFold by crisis, {folds} folds"
    else:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        groups = None
        scheme = f"StratifiedKFold, {folds} folds"
    result = sk_cross_validate(
        build_pipeline(settings, seed),
        texts,
        gold,
        groups=groups,
        cv=splitter,
        scoring="f1_macro",
        return_estimator=True,
        return_indices=True,
        params=None if sample_weight is None else {"classifier__sample_weight": sample_weight},
    )
    classes = sorted(set(gold))
    probabilities = np.zeros((len(texts), len(classes)))
    for estimator, test_index in zip(result["estimator"], result["indices"]["test"], strict=True):
        columns = [classes.index(label) for label in estimator.classes_]
        probabilities[np.ix_(test_index, columns)] = estimator.predict_proba([texts[i] for i in test_index])
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    scores = result["test_score"]
    return {
        "scheme": scheme,
        "folds": folds,
        "macro_f1_mean": round(float(scores.mean()), 4),
        "macro_f1_std": round(float(scores.std()), 4),
        "per_label": per_label_scores(gold, predicted),
        "calibration": calibrate(probabilities, [classes.index(label) for label in gold]),
    }


def calibrate(probabilities: np.ndarray, gold_columns: list[int]) -> dict[str, Any]:
    """The temperature fitted on out-of-fold probabilities, and the calibration error it leaves."""
    import numpy as np

    from stance.calibration import fit_temperature, reliability, scale

    temperature = fit_temperature(probabilities, gold_columns)
    correct = probabilities.argmax(axis=1) == np.asarray(gold_columns)

    def ece(scaled: np.ndarray) -> float:
        return round(reliability(scaled.max(axis=1), correct).ece, 4)

    return {
        "temperature": temperature,
        "fitted_on": "out-of-fold probabilities of the cross-validation above",
        "ece_before": ece(probabilities),
        "ece_after": ece(scale(probabilities, temperature)),
    }


def train(
    records: pd.DataFrame | Iterable[Mapping[str, str]],
    *,
    settings: str = DEFAULT_SETTINGS,
    seed: int = 0,
    cv: int = 5,
    compare: bool = False,
    training_files: dict[str, Any] | None = None,
    sample_weight: Sequence[float] | None = None,
) -> StanceModel:
    """Fit a model on labelled records (text, label, optionally crisis) and describe it in a card.

    `cv` folds estimate its quality before the final fit on all rows (0 or 1 skips the estimate);
    `compare` cross-validates every candidate setting too, so the card shows why this one was chosen;
    `training_files` (names and hashes of the files read) opens the card's training_data;
    `sample_weight` (one a row) lets a user's corrections count more than the corpus they extend.
    """
    frame = as_frame(records)
    check_trainable(frame, cv)
    if settings not in CANDIDATES:
        raise StanceError(f"unknown settings {settings!r} (expected one of: {', '.join(CANDIDATES)})")
    import numpy as np

    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    cross = cross_validate(frame, settings, seed, cv, weights) if cv >= 2 else None
    candidates = None
    if cross is not None and compare:
        candidates = {
            name: {
                **_json_params(name),
                **{
                    key: value
                    for key, value in (
                        cross if name == settings else cross_validate(frame, name, seed, cv, weights)
                    ).items()
                    if key.startswith("macro_f1")
                },
            }
            for name in CANDIDATES
        }
    fit_params = {} if weights is None else {"classifier__sample_weight": weights}
    pipeline = build_pipeline(settings, seed).fit(frame["text"].tolist(), frame["label"].to_numpy(), **fit_params)
    card = ModelCard(
        labels=[label for label in LABELS if label in set(frame["label"])],
        settings={"name": settings, **_json_params(settings)}
        | ({"chosen_because": WHY_DEFAULT} if settings == DEFAULT_SETTINGS else {}),
        seed=seed,
        training_data={
            **(training_files or {}),
            "rows": len(frame),
            "per_label": {label: int((frame["label"] == label).sum()) for label in LABELS},
            "crises": int(frame["crisis"].nunique()) if "crisis" in frame.columns else None,
        },
        cross_validation=cross,
        candidates=candidates,
        calibration=cross.pop("calibration") if cross is not None else None,
    )
    return StanceModel(pipeline, card)


def _json_params(settings: str) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in CANDIDATES[settings].items()}


@dataclass
class TrainResult:
    """A trained model and, when a real dev set was given, its figures there (kept out of the card)."""

    model: StanceModel
    real_dev: dict[str, Any] | None = None


def train_files(
    data: list[Path],
    out: Path,
    *,
    held_out: Path | None = None,
    settings: str = DEFAULT_SETTINGS,
    seed: int = 0,
    cv: int = 5,
    compare: bool = False,
    real_dev: Path | None = None,
) -> TrainResult:
    """Train from files, score the held-out set once, and save: what `stance train` and train.py do.

    The card's data hash covers the training files and the held-out file, so a card whose
    held-out score belongs to other data is caught by the same check as a stale model.
    """
    from stance.data import files_sha256, read_labelled
    from stance.metrics import evaluate_model

    frame = read_labelled(data)
    held_frame = read_labelled([held_out]) if held_out is not None else None
    dev_frame = read_labelled([real_dev]) if real_dev is not None else None
    hashed = [*data, *([held_out] if held_out is not None else [])]
    files = {
        "files": [path.as_posix() for path in data],
        "sha256": files_sha256(hashed),
        "sha256_covers": [path.as_posix() for path in hashed],
    }
    model = train(frame, settings=settings, seed=seed, cv=cv, compare=compare, training_files=files)
    if held_frame is not None and held_out is not None:
        assert model.card is not None
        model.card = replace(model.card, held_out={"file": held_out.as_posix(), **evaluate_model(model, held_frame)[0]})
    dev_report = evaluate_model(model, dev_frame)[0] if dev_frame is not None else None
    model.save(out)
    return TrainResult(model, dev_report)
