"""The model's errors on both real populations, counted by kind (DECISIONS.md: summarised, never quoted).

    .venv/bin/python -m benchmarks.real_errors [--model PATH]

A kind is a (gold, predicted) pair named for the shape of speech behind it, read off the errors
of the round-1 model: each name says what real statements of that pair have in common. Counting by
pair keeps the table reproducible for any model, so a corpus batch written to one kind can be
checked against that kind.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.real_sets import populations
from stance.metrics import scores
from stance.model import load_model

KINDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "A": ("denial that argues or attacks the accuser, read as condemnation", [("deny", "condemn")]),
    "B": (
        "denial without a denial word (counter-facts, 'does not reflect the truth'), read as other or de-escalation",
        [("deny", "other"), ("deny", "de-escalate")],
    ),
    "C": ("call or demand aimed at one side that is really blame, read as de-escalation", [("condemn", "de-escalate")]),
    "D": (
        "blame voiced as assertion, regret, consequence or question, no condemnation word, read as other or denial",
        [("condemn", "other"), ("condemn", "deny")],
    ),
    "E": (
        "de-escalation as one's own diplomacy, readiness to help, an announced ceasefire, read as other",
        [("de-escalate", "other"), ("de-escalate", "deny")],
    ),
    "F": (
        "de-escalation voiced as a demand on one side ('keep out'), read as condemnation",
        [("de-escalate", "condemn")],
    ),
    "G": (
        "other that sounds like an act (praise, condolences, drills, threats, negated announcements, reported facts)",
        [("other", "condemn"), ("other", "deny"), ("other", "de-escalate")],
    ),
}


def kind_counts(gold: list[str], predicted: list[str]) -> dict[str, int]:
    pairs = list(zip(gold, predicted, strict=True))
    return {kind: sum(pairs.count(pair) for pair in cells) for kind, (_, cells) in KINDS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    model = load_model(args.model)
    found = populations()
    if not found:
        raise SystemExit("no real population found beside the repository (../shared); nothing to measure")
    counted = {}
    for name, frame in found.items():
        predicted = [p.label for p in model.predict(frame["text"].tolist())]
        figures = scores(frame["label"].tolist(), predicted)
        print(f"{name}: {len(frame)} rows, macro-F1 {figures['macro_f1']:.3f}, accuracy {figures['accuracy']:.3f}")
        counted[name] = kind_counts(frame["label"].tolist(), predicted)
    print()
    print("| kind | what the statements have in common | " + " | ".join(found) + " |")
    print("|---|---|" + "---|" * len(found))
    for kind, (description, _) in KINDS.items():
        print(f"| {kind} | {description} | " + " | ".join(str(counted[name][kind]) for name in found) + " |")
    print("| | all errors | " + " | ".join(str(sum(counted[name].values())) for name in found) + " |")


if __name__ == "__main__":
    main()
