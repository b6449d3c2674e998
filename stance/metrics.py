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


def scores(gold: Sequence[str], predicted: Sequence[str], present_only: bool = False) -> dict[str, Any]:
    """Accuracy, macro-F1 over the four labels and over the three stance labels, per label, confusion.

    The three-label figure is computed on the four-label predictions: a condemnation predicted
    `other` still counts against it. With `present_only`, the macro averages run over the labels
    that occur in `gold` or `predicted` (a slice such as one actor's rows may lack some labels,
    which would otherwise count as zeros); a macro figure with no label to average is None.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    gold, predicted = list(gold), list(predicted)
    present = set(gold) | set(predicted)

    def macro(labels: tuple[str, ...]) -> float | None:
        chosen = [label for label in labels if label in present] if present_only else list(labels)
        if not chosen:
            return None
        return round(float(f1_score(gold, predicted, labels=chosen, average="macro", zero_division=0)), 4)

    return {
        "rows": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": macro(LABELS),
        "macro_f1_stance": macro(STANCE_LABELS),
        "per_label": per_label_scores(gold, predicted),
        "confusion": {
            "labels": list(LABELS),
            "matrix": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
        },
    }


def evaluate(gold: Sequence[str], predicted: Sequence[str], actors: Sequence[str] | None = None) -> dict[str, Any]:
    """Overall scores, and each actor's over the labels present in that actor's rows (gold or predicted)."""
    report = scores(gold, predicted)
    if actors is not None:
        actors = list(actors)
        report["per_actor"] = {}
        for actor in ACTORS:
            rows = [i for i, a in enumerate(actors) if a == actor]
            if rows:
                report["per_actor"][actor] = scores(
                    [gold[i] for i in rows], [predicted[i] for i in rows], present_only=True
                )
    return report


def evaluate_model(model: StanceModel, frame: pd.DataFrame) -> tuple[dict[str, Any], list[Prediction]]:
    """Predict every labelled row and score it, per actor too when the frame names actors."""
    predictions = model.predict(frame["text"].tolist())
    actors = frame["actor"].tolist() if "actor" in frame.columns else None
    gold = frame["label"].tolist()
    report = evaluate(gold, [p.label for p in predictions], actors)
    report["calibration"] = confidence_report([p.confidence for p in predictions], [p.label for p in predictions], gold)
    return report, predictions


def compare_models(a: StanceModel, b: StanceModel, frame: pd.DataFrame) -> dict[str, Any]:
    """Two models on the same labelled rows: both reports, per-label F1 differences, the rows they disagree on."""
    report_a, predicted_a = evaluate_model(a, frame)
    report_b, predicted_b = evaluate_model(b, frame)
    per_label = {
        label: {
            "a": report_a["per_label"][label]["f1"],
            "b": report_b["per_label"][label]["f1"],
            "difference": round(report_b["per_label"][label]["f1"] - report_a["per_label"][label]["f1"], 4),
        }
        for label in LABELS
    }
    disagreements = [
        {
            "text": text,
            "gold": gold,
            "a": pa.label,
            "b": pb.label,
            "a_right": pa.label == gold,
            "b_right": pb.label == gold,
        }
        for text, gold, pa, pb in zip(frame["text"], frame["label"], predicted_a, predicted_b, strict=True)
        if pa.label != pb.label
    ]
    return {"a": report_a, "b": report_b, "per_label": per_label, "disagreements": disagreements}


def confidence_report(confidence: list[float], predicted: list[str], gold: list[str]) -> dict[str, Any]:
    """How far the confidence can be trusted here: ECE, and what each `--min-confidence` step keeps."""
    from dataclasses import asdict

    from stance.calibration import reliability, reliability_curve

    correct = [p == g for p, g in zip(predicted, gold, strict=True)]
    return {**asdict(reliability(confidence, correct)), "curve": reliability_curve(confidence, correct)}


def misclassified(frame: pd.DataFrame, predictions: list[Prediction]) -> list[dict[str, Any]]:
    """The rows the model got wrong, with their input columns and the prediction columns."""
    from stance.batch import prediction_columns

    return [
        {**row, **prediction_columns(prediction)}
        for row, prediction in zip(frame.to_dict("records"), predictions, strict=True)
        if prediction.label != row["label"]
    ]


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two spans are the same statement when they overlap by at least half of the longer one."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= 0.5 * max(a[1] - a[0], b[1] - b[0])


def extraction_scores(found: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of (statement, actor) pairs, overall, per form and per actor.

    Each row needs `actor`, `form`, `start`, `end` (and an `article` key when several articles are
    pooled). A found statement matches at most one gold statement of the same actor and article.
    """
    matched_found: set[int] = set()
    matched_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for g, wanted in enumerate(gold):
        for f, candidate in enumerate(found):
            if f in matched_found or candidate.get("article") != wanted.get("article"):
                continue
            if candidate["actor"] == wanted["actor"] and spans_match(
                (candidate["start"], candidate["end"]), (wanted["start"], wanted["end"])
            ):
                matched_found.add(f)
                matched_gold.add(g)
                pairs.append((f, g))
                break

    def figures(keep_found, keep_gold) -> dict[str, Any]:
        f_rows = [i for i, row in enumerate(found) if keep_found(row)]
        g_rows = [i for i, row in enumerate(gold) if keep_gold(row)]
        return {
            "found": len(f_rows),
            "gold": len(g_rows),
            "precision": round(sum(i in matched_found for i in f_rows) / len(f_rows), 4) if f_rows else None,
            "recall": round(sum(i in matched_gold for i in g_rows) / len(g_rows), 4) if g_rows else None,
        }

    return {
        **figures(lambda r: True, lambda r: True),
        "per_form": {
            form: figures(lambda r, v=form: r["form"] == v, lambda r, v=form: r["form"] == v)
            for form in ("direct", "reported")
        },
        "per_actor": {
            actor: figures(lambda r, v=actor: r["actor"] == v, lambda r, v=actor: r["actor"] == v) for actor in ACTORS
        },
        "matched": [(found[f], gold[g]) for f, g in pairs],
        "missed": [gold[i] for i in range(len(gold)) if i not in matched_gold],
        "spurious": [found[i] for i in range(len(found)) if i not in matched_found],
    }
