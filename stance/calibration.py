"""What the confidence means: a temperature fitted on out-of-fold probabilities, and its check.

A linear model's probabilities are shaped by its regularisation, not by how often it is right, so
`--min-confidence 0.8` would mean little without a map from raw to calibrated confidence. A single
temperature T (p ∝ p_raw ** (1 / T), the same as dividing the logits by T) is the least a map can
learn: it keeps every label's rank, so predictions and macro-F1 never change, and one number
fitted on thousands of out-of-fold rows cannot overfit them. It is fitted by grouped
cross-validation on the corpus and checked on real statements, where it matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The `--min-confidence` steps an analyst is likely to try; the table reports each one.
CONFIDENCE_STEPS: tuple[float, ...] = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
RELIABILITY_BINS = 10


def scale(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities with their log-odds divided by `temperature` (1.0 leaves them as they are)."""
    if temperature == 1.0:
        return probabilities
    logits = np.log(np.clip(probabilities, 1e-300, None)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, gold_columns: Sequence[int]) -> float:
    """The temperature that minimises the log-loss of out-of-fold probabilities on their gold labels."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(probabilities))
    gold = np.asarray(gold_columns)

    def log_loss(log_temperature: float) -> float:
        scaled = scale(probabilities, float(np.exp(log_temperature)))
        return float(-np.log(np.clip(scaled[rows, gold], 1e-300, None)).mean())

    best = minimize_scalar(log_loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return round(float(np.exp(best.x)), 4)


@dataclass(frozen=True)
class ConfidenceStep:
    """What `--min-confidence threshold` leaves: the share of rows kept and how many of them are right."""

    threshold: float
    kept: float
    accuracy: float | None


@dataclass(frozen=True)
class Reliability:
    """Expected calibration error and the steps table, for one population of labelled rows."""

    rows: int
    mean_confidence: float
    accuracy: float
    ece: float
    steps: tuple[ConfidenceStep, ...]


def reliability(
    confidence: Sequence[float], correct: Sequence[bool], steps: Sequence[float] = CONFIDENCE_STEPS
) -> Reliability:
    """ECE over equal-width bins, and the accuracy of what each confidence threshold keeps."""
    confidence_array = np.asarray(confidence, dtype=float)
    correct_array = np.asarray(correct, dtype=bool)
    rows = len(confidence_array)
    if rows == 0:
        return Reliability(0, 0.0, 0.0, 0.0, ())
    ece = sum(count / rows * abs(mean - right) for mean, right, count in reliability_curve(confidence, correct))
    table = []
    for threshold in steps:
        kept = confidence_array >= threshold
        accuracy = float(correct_array[kept].mean()) if kept.any() else None
        table.append(ConfidenceStep(float(threshold), float(kept.mean()), accuracy))
    return Reliability(rows, float(confidence_array.mean()), float(correct_array.mean()), float(ece), tuple(table))


def reliability_curve(confidence: Sequence[float], correct: Sequence[bool]) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, rows) for each non-empty bin: the points of a reliability plot."""
    confidence_array = np.asarray(confidence, dtype=float)
    correct_array = np.asarray(correct, dtype=bool)
    bins = np.minimum((confidence_array * RELIABILITY_BINS).astype(int), RELIABILITY_BINS - 1)
    return [
        (float(confidence_array[bins == b].mean()), float(correct_array[bins == b].mean()), int((bins == b).sum()))
        for b in np.unique(bins)
    ]


def plot_reliability(curves: dict[str, list[tuple[float, float, int]]], path: str | Path) -> None:
    """A reliability diagram, one line a population; needs the `[report]` extra (matplotlib)."""
    from stance.output import pyplot, save_figure

    plt = pyplot("a reliability plot")
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], color="0.6", linestyle=":", label="perfectly calibrated")
    for (name, points), marker in zip(curves.items(), "osD^v", strict=False):
        axes.plot([p[0] for p in points], [p[1] for p in points], marker=marker, label=name)
    axes.set(xlabel="confidence", ylabel="accuracy", xlim=(0, 1), ylim=(0, 1), title="Reliability")
    axes.legend(loc="lower right")
    figure.tight_layout()
    save_figure(figure, Path(path), dpi=120)
