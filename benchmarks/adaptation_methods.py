"""Ways of retraining on the corpus plus a user's labels, and of choosing what to ask, compared.

    .venv/bin/python -m benchmarks.adaptation_methods METHOD... [--orders queue random] [--sizes 100]
        [--seeds 3] [--first-seed 0] [--section NAME]

METHOD is `weight:W` (each user row weighs W corpus rows: what `stance train --base` does),
`share:S` (the user's rows together weigh S times the corpus), `augment:W` (Daumé III's feature
augmentation, corpus rows [x, x, 0] and user rows [x, 0, x] with weight W, exported as the
plain model w_general + w_user) or `sum:L` (the corpus model plus L times a model of the user's
rows alone, on the same vocabulary). Orders: the queue (`uncertainty_order`), random, and
variants of the queue (`entropy`, `cap1`, `balanced` round robin over predicted labels).

Same split, rows and scoring as benchmarks/adaptation.py (real statements, in memory, nothing
written): it prints each method's gain over the base model, mean ± sd over seeds, and the
per-seed gains; `--section NAME` also writes the table into that section of RESULTS.md. Used to
choose `stance train`'s default; the learning curve itself comes from adaptation.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone

from benchmarks.adaptation import TRAIN, real_rows, split
from benchmarks.sections import write_section
from stance.data import read_labelled
from stance.labelling import random_order, uncertainty_order
from stance.metrics import scores
from stance.training import build_pipeline, train

Predict = Callable[[list[str]], np.ndarray]


def fit(corpus: pd.DataFrame, mine: pd.DataFrame, method: str, seed: int) -> Predict:
    """A model of the standard shape (vocabulary fitted on corpus + user text) by `method`."""
    kind, _, value = method.partition(":")
    amount = float(value)
    texts = corpus["text"].tolist() + mine["text"].tolist()
    gold = np.array(corpus["label"].tolist() + mine["label"].tolist())
    n_corpus, n_mine = len(corpus), len(mine)
    pipeline = build_pipeline(seed=seed)
    features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
    x = features.fit_transform(texts)
    if kind in ("weight", "share"):
        weight = amount if kind == "weight" else max(1.0, amount * n_corpus / max(n_mine, 1))
        classifier.fit(x, gold, sample_weight=np.r_[np.ones(n_corpus), np.full(n_mine, weight)])
    elif kind == "augment":
        augmented = sp.vstack(
            [
                sp.hstack([x[:n_corpus], x[:n_corpus], sp.csr_matrix((n_corpus, x.shape[1]), dtype=x.dtype)]),
                sp.hstack([x[n_corpus:], sp.csr_matrix((n_mine, x.shape[1]), dtype=x.dtype), x[n_corpus:]]),
            ]
        ).tocsr()
        joint = clone(classifier).fit(augmented, gold, sample_weight=np.r_[np.ones(n_corpus), np.full(n_mine, amount)])
        width = x.shape[1]
        classifier.classes_ = joint.classes_
        classifier.coef_ = joint.coef_[:, :width] + joint.coef_[:, 2 * width :]
        classifier.intercept_ = joint.intercept_
    elif kind == "sum":
        classifier.fit(x[:n_corpus], gold[:n_corpus])
        own = clone(classifier).fit(x[n_corpus:], gold[n_corpus:])
        if list(own.classes_) != list(classifier.classes_):
            raise SystemExit("sum: the user's rows lack a label; use more rows")
        classifier.coef_ = classifier.coef_ + amount * own.coef_
        classifier.intercept_ = classifier.intercept_ + amount * own.intercept_
    else:
        raise SystemExit(f"unknown method {method!r}")
    return lambda batch: classifier.predict(features.transform(batch))


def orders(probabilities: np.ndarray, groups: list[str], seed: int) -> dict[str, list[int]]:
    queue = uncertainty_order(probabilities, groups)
    entropy = -(probabilities * np.log(np.clip(probabilities, 1e-12, 1))).sum(axis=1)
    predicted = probabilities.argmax(axis=1)
    by_label = [[i for i in queue if predicted[i] == k] for k in range(probabilities.shape[1])]
    balanced: list[int] = []
    while len(balanced) < len(queue):
        for rows in by_label:
            if rows:
                balanced.append(rows.pop(0))
    return {
        "queue": queue,
        "random": random_order(len(groups), seed),
        # entropy as a two-column "probability" whose margin falls as entropy rises
        "entropy": uncertainty_order(
            np.c_[1 - entropy / np.log(probabilities.shape[1]), np.zeros(len(groups))], groups
        ),
        "cap1": uncertainty_order(probabilities, groups, cap=1),
        "balanced": balanced,
    }


def macro_f1(gold: pd.Series, predicted: np.ndarray) -> float:
    return scores(gold.tolist(), list(predicted))["macro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--orders", nargs="+", default=["queue", "random"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--section", help="Write the table into this section of benchmarks/RESULTS.md.")
    args = parser.parse_args()
    corpus = read_labelled([TRAIN])[["text", "label"]]
    rows = real_rows()
    base = train(corpus, cv=0, seed=0)
    gains: dict[tuple[str, str, int], list[float]] = {}
    base_scores = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        pool, rest = split(rows, seed)
        base_score = macro_f1(rest["label"], np.array([p.label for p in base.predict(rest["text"].tolist())]))
        base_scores.append(base_score)
        ranked = orders(base.predict_proba(pool["text"].tolist()), pool["group"].tolist(), seed)
        for name in args.orders:
            for size in args.sizes:
                mine = pool.iloc[ranked[name][:size]][["text", "label"]]
                for method in args.methods:
                    predict = fit(corpus, mine, method, seed)
                    score = macro_f1(rest["label"], predict(rest["text"].tolist()))
                    gains.setdefault((method, name, size), []).append(score - base_score)
        print(f"seed {seed}: base {base_score:.3f}", flush=True)
    for (method, name, size), values in sorted(gains.items()):
        per_seed = " ".join(f"{value:+.3f}" for value in values)
        print(f"{method:12s} {name:8s} {size:4d}  {np.mean(values):+.4f} ± {np.std(values):.4f}   ({per_seed})")
    if args.section:
        path = Path(__file__).resolve().parent / "RESULTS.md"
        write_section(path, args.section, markdown(gains, args, base_scores))


def markdown(gains: dict[tuple[str, str, int], list[float]], args: argparse.Namespace, base: list[float]) -> str:
    """One row per method and order, one column per size: the gain over the base, mean ± sd."""
    command = " ".join(["python -m benchmarks.adaptation_methods", *sys.argv[1:]])
    lines = [
        f"## Retraining methods and queue orders compared: `{command}`",
        "",
        f"Gain in macro-F1 on the held-out real rest over the base model ({np.mean(base):.3f} on average), "
        f"mean ± sd over seeds {args.first_seed} to {args.first_seed + args.seeds - 1}; splits and rows as in "
        "the adaptation section. Methods: see the docstring of benchmarks/adaptation_methods.py.",
        "",
        "| method | order | " + " | ".join(str(size) for size in args.sizes) + " |",
        "|---|---|" + "---:|" * len(args.sizes),
    ]
    for method in args.methods:
        for name in args.orders:
            cells = [gains[(method, name, size)] for size in args.sizes]
            lines.append(
                f"| {method} | {name} | " + " | ".join(f"{np.mean(c):+.3f} ± {np.std(c):.3f}" for c in cells) + " |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
