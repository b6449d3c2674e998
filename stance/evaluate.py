"""Metrics from gold and predicted labels, as plain data that JSON, tables and tests all read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stance.schema import ACTORS, LABELS, STANCE_LABELS

if TYPE_CHECKING:
    import pandas as pd

    from stance.model import Prediction, StanceModel


def per_label_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(LABELS), zero_division=0
    )
    return {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support, strict=True)
    }


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the four labels and over the three stance labels, per label, confusion.

    The three-label figure is computed on the four-label predictions: a condemnation predicted
    `other` still counts against it.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    gold, predicted = list(gold), list(predicted)
    return {
        "rows": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "macro_f1_stance": round(
            float(f1_score(gold, predicted, labels=list(STANCE_LABELS), average="macro", zero_division=0)), 4
        ),
        "per_label": per_label_scores(gold, predicted),
        "confusion": {
            "labels": list(LABELS),
            "matrix": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
        },
    }


def evaluate(gold: Sequence[str], predicted: Sequence[str], actors: Sequence[str] | None = None) -> dict[str, Any]:
    """Overall scores, and the same for each actor when actors are given (rows = gold x predicted)."""
    report = scores(gold, predicted)
    if actors is not None:
        actors = list(actors)
        report["per_actor"] = {}
        for actor in ACTORS:
            rows = [i for i, a in enumerate(actors) if a == actor]
            if rows:
                report["per_actor"][actor] = scores([gold[i] for i in rows], [predicted[i] for i in rows])
    return report


def evaluate_model(model: StanceModel, frame: pd.DataFrame) -> tuple[dict[str, Any], list[Prediction]]:
    """Predict every labelled row and score it, per actor too when the frame names actors."""
    predictions = model.predict(frame["text"].tolist())
    actors = frame["actor"].tolist() if "actor" in frame.columns else None
    return evaluate(frame["label"].tolist(), [p.label for p in predictions], actors), predictions


def misclassified(frame: pd.DataFrame, predictions: list[Prediction]) -> list[dict[str, Any]]:
    """The rows the model got wrong, with their input columns and the prediction columns."""
    from stance.batch import prediction_columns

    return [
        {**row, **prediction_columns(prediction)}
        for row, prediction in zip(frame.to_dict("records"), predictions, strict=True)
        if prediction.label != row["label"]
    ]
