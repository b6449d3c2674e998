"""How fast the model adapts to real speech: the labelling queue's order against random order.

    .venv/bin/python -m benchmarks.adaptation [--seeds 5] [--sizes 25 50 100 200] [--weight-new 10]

The "user's labels" are the real quotes and the gold statements of the real articles
(benchmarks/real_sets.py). This is the one place real statements are trained on: in memory,
inside this run; no model is saved and no statement is written out, only figures.

For each seed the real rows are split into a pool and a held-out rest (article statements grouped
by article, each quote its own group). From the pool, n rows are taken in the queue's order
(`stance.labelling.uncertainty_order` on the base model's probabilities, with its cap per group)
or in a seeded random order, added to the corpus with weight `--weight-new`, and a model is
retrained (no cross-validation). Every model is scored on the same rest, beside the base model.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.real_sets import populations
from benchmarks.sections import write_section
from stance.adapt import DEFAULT_WEIGHT_NEW
from stance.data import read_labelled
from stance.labelling import DEFAULT_CAP, random_order, uncertainty_order
from stance.metrics import scores
from stance.training import train

HERE = Path(__file__).resolve().parent
TRAIN = HERE.parent / "data" / "labeled" / "train.csv"
TEST = HERE.parent / "data" / "labeled" / "test.csv"
REST_SHARE = 0.4


def real_rows() -> pd.DataFrame:
    """Both real populations in one frame with a group per article (quotes: one per row)."""
    found = populations()
    if len(found) < 2:
        raise SystemExit("the real sets are missing (../shared/real_dev.csv and ../shared/real_articles/)")
    quotes = found["real quotes"][["text", "label"]].copy()
    quotes["group"] = [f"quote-{i}" for i in range(len(quotes))]
    quotes["population"] = "quotes"
    articles = found["real article statements"][["text", "label", "article"]].copy()
    articles = articles.rename(columns={"article": "group"})
    articles["population"] = "articles"
    return pd.concat([quotes, articles], ignore_index=True)


def split(rows: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import GroupShuffleSplit

    splitter = GroupShuffleSplit(n_splits=1, test_size=REST_SHARE, random_state=seed)
    pool, rest = next(splitter.split(rows, groups=rows["group"]))
    return rows.iloc[pool].reset_index(drop=True), rows.iloc[rest].reset_index(drop=True)


def macro_f1(model, frame: pd.DataFrame) -> float:
    return scores(frame["label"].tolist(), [p.label for p in model.predict(frame["text"].tolist())])["macro_f1"]


POPULATIONS = ("quotes", "articles")


def rest_scores(model, rest: pd.DataFrame, key: str) -> dict[str, float]:
    """Macro-F1 on the whole rest, and on each population's part of it."""
    figures = {key: macro_f1(model, rest)}
    for population in POPULATIONS:
        part = rest[rest["population"] == population]
        figures[f"{key}_{population}"] = macro_f1(model, part) if len(part) else float("nan")
    return figures


def run(seeds: int, sizes: list[int], weight_new: float, first_seed: int = 0) -> dict:
    corpus = read_labelled([TRAIN])[["text", "label"]]
    test = read_labelled([TEST])
    rows = real_rows()
    started = time.perf_counter()
    base = train(corpus, cv=0, seed=0)
    fit_seconds = [time.perf_counter() - started]
    results: dict = {
        "rows": {"corpus": len(corpus), "real": len(rows), "rest_share": REST_SHARE},
        "weight_new": weight_new,
        "cap_per_group": DEFAULT_CAP,
        "sizes": sizes,
        "seeds": [],
    }
    for seed in range(first_seed, first_seed + seeds):
        pool, rest = split(rows, seed)
        orders = {
            "queue": uncertainty_order(base.predict_proba(pool["text"].tolist()), pool["group"].tolist()),
            "random": random_order(len(pool), seed),
        }
        figures = {
            "seed": seed,
            "pool": len(pool),
            "rest": len(rest),
            **rest_scores(base, rest, "base"),
            "base_test": macro_f1(base, test),
        }
        for name, order in orders.items():
            for size in sizes:
                chosen = pool.iloc[order[:size]][["text", "label"]]
                frame = pd.concat([corpus, chosen], ignore_index=True)
                weights = [1.0] * len(corpus) + [weight_new] * len(chosen)
                started = time.perf_counter()
                model = train(frame, cv=0, seed=seed, sample_weight=weights)
                fit_seconds.append(time.perf_counter() - started)
                figures.update(rest_scores(model, rest, f"{name}_{size}"))
                figures[f"{name}_{size}_test"] = macro_f1(model, test)
                print(f"seed {seed} {name:6s} {size:4d}: {figures[f'{name}_{size}']:.3f} (base {figures['base']:.3f})")
        results["seeds"].append(figures)
    results["fit_seconds_mean"] = round(float(np.mean(fit_seconds)), 1)
    results["summary"] = summarise(results)
    return results


def summarise(results: dict) -> dict:
    def stats(key: str) -> dict[str, float]:
        values = np.array([seed[key] for seed in results["seeds"]])
        return {"mean": round(float(np.nanmean(values)), 4), "sd": round(float(np.nanstd(values)), 4)}

    summary = {"base": stats("base"), "base_test": stats("base_test")}
    for population in POPULATIONS:
        summary[f"base_{population}"] = stats(f"base_{population}")
        for name in ("queue", "random"):
            for size in results["sizes"]:
                summary[f"{name}_{size}_{population}"] = stats(f"{name}_{size}_{population}")
    for name in ("queue", "random"):
        for size in results["sizes"]:
            summary[f"{name}_{size}"] = stats(f"{name}_{size}")
            summary[f"{name}_{size}_test"] = stats(f"{name}_{size}_test")
            gains = np.array([seed[f"{name}_{size}"] - seed["base"] for seed in results["seeds"]])
            summary[f"{name}_{size}_gain"] = {"mean": round(float(gains.mean()), 4), "sd": round(float(gains.std()), 4)}
    return summary


def markdown(results: dict) -> str:
    s = results["summary"]
    rows = results["rows"]
    lines = [
        "# Adaptation to real speech: labels chosen by the queue against random ones",
        "",
        "Generated by `.venv/bin/python -m benchmarks.adaptation`; do not edit by hand.",
        "",
        f"Corpus: data/labeled/train.csv ({rows['corpus']} rows). The user's labels: {rows['real']} real "
        f"statements (quotes, and article statements grouped by article), split per seed into a pool and "
        f"a held-out rest ({rows['rest_share']:.0%}). n pool rows are added with weight "
        f"{results['weight_new']:g}, chosen in the queue's order (least confident first, at most "
        f"{results['cap_per_group']} per article per round) or at random; the model is retrained without "
        f"cross-validation and scored on the rest. Macro-F1 over the four labels, mean ± sd over "
        f"{len(results['seeds'])} seeds; one fit takes about {results['fit_seconds_mean']} s here.",
        "",
        "| labels added | queue | random | queue − base | random − base | synthetic test (queue) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| 0 (base) | {s['base']['mean']:.3f} ± {s['base']['sd']:.3f} | | | | {s['base_test']['mean']:.3f} |",
    ]
    for size in results["sizes"]:
        q, r = s[f"queue_{size}"], s[f"random_{size}"]
        qg, rg = s[f"queue_{size}_gain"], s[f"random_{size}_gain"]
        lines.append(
            f"| {size} | {q['mean']:.3f} ± {q['sd']:.3f} | {r['mean']:.3f} ± {r['sd']:.3f} | "
            f"{qg['mean']:+.3f} ± {qg['sd']:.3f} | {rg['mean']:+.3f} ± {rg['sd']:.3f} | "
            f"{s[f'queue_{size}_test']['mean']:.3f} |"
        )
    lines += [
        "",
        "Per population of the rest (macro-F1, mean over seeds; base → queue / random):",
        "",
        "| labels added | real quotes | real article statements |",
        "|---:|---:|---:|",
        f"| 0 (base) | {s['base_quotes']['mean']:.3f} | {s['base_articles']['mean']:.3f} |",
    ]
    for size in results["sizes"]:
        cells = [
            f"{s[f'queue_{size}_{population}']['mean']:.3f} / {s[f'random_{size}_{population}']['mean']:.3f}"
            for population in POPULATIONS
        ]
        lines.append(f"| {size} | {cells[0]} | {cells[1]} |")
    target_size = 100 if 100 in results["sizes"] else results["sizes"][-1]
    gain = s[f"queue_{target_size}_gain"]["mean"]
    beats = [
        size
        for size in (50, 100)
        if size in results["sizes"] and s[f"queue_{size}"]["mean"] > s[f"random_{size}"]["mean"]
    ]
    lines += [
        "",
        f"Targets: +0.05 over the base at 100 queue-chosen labels: measured {gain:+.3f} "
        f"({'met' if gain >= 0.05 else 'not met'}); the queue beats random at 50 and 100: "
        f"{'met' if len(beats) == 2 else 'not met'} (beats it at: {', '.join(map(str, beats)) or 'neither'}).",
        "",
    ]
    return "\n".join(lines)


def plot(results: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    s = results["summary"]
    sizes = [0, *results["sizes"]]
    figure, axes = plt.subplots(figsize=(6, 4))
    for name in ("queue", "random"):
        means = [s["base"]["mean"]] + [s[f"{name}_{n}"]["mean"] for n in results["sizes"]]
        sds = [s["base"]["sd"]] + [s[f"{name}_{n}"]["sd"] for n in results["sizes"]]
        axes.errorbar(sizes, means, yerr=sds, marker="o", capsize=3, label=name)
    axes.set_xlabel("real labels added")
    axes.set_ylabel("macro-F1 on the held-out real rest")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return True


def results_section(report: str) -> str:
    """The adaptation report as a section of RESULTS.md, with the plot beside it."""
    return report.replace("# Adaptation", "## Adaptation", 1) + "\n![The learning curve](adaptation.png)\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--weight-new", type=float, default=DEFAULT_WEIGHT_NEW, help="Default: `stance train`'s.")
    parser.add_argument(
        "--first-seed", type=int, default=0, help="Other seeds than the reported ones, to choose a weight on."
    )
    parser.add_argument("--out", type=Path, default=HERE / "adaptation")
    args = parser.parse_args()
    results = run(args.seeds, args.sizes, args.weight_new, args.first_seed)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    write_section(HERE / "RESULTS.md", "adaptation", results_section(markdown(results)))
    plotted = plot(results, args.out.with_suffix(".png"))
    print(markdown(results))
    print(f"wrote {args.out.with_suffix('.md')}, .json" + (", .png" if plotted else " (no matplotlib: no plot)"))


if __name__ == "__main__":
    main()
