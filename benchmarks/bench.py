"""Benchmarks: this project's model beside the tools a user would pick instead, measured in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench.py --real-dev ../shared/real_dev.csv

Every system trains on data/labeled/train.csv and is scored on data/labeled/test.csv (and on the
real dev set when given). Each system runs in a process of its own, limited to one thread, so
that its peak memory and its throughput are its own. Then the CLI is timed: a one-quote
`stance classify` in a cold process beside a bare scikit-learn import, and a 1,000,000-row CSV.
Results go to benchmarks/RESULTS.md (and RESULTS.json) with the machine, the versions and the date.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
QUOTE = "The United States condemns in the strongest terms this despicable attack."
BARE_IMPORT = "import sklearn.pipeline, sklearn.linear_model, sklearn.feature_extraction.text"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
LABELS = ("condemn", "deny", "de-escalate", "other")


# ---------------------------------------------------------------------------------------------
# The systems. Each fits on texts and labels, predicts labels, and saves itself to a folder.


class Stance:
    """This project's model, with the shipped settings (or another named candidate)."""

    def __init__(self, settings: str | None = None) -> None:
        from stance.training import DEFAULT_SETTINGS

        self.settings = settings or DEFAULT_SETTINGS

    def fit(self, texts, labels):
        from stance.training import train

        self.model = train(
            [{"text": t, "label": y} for t, y in zip(texts, labels, strict=True)], settings=self.settings, cv=0
        )

    def predict(self, texts):
        labels = []
        for i in range(0, len(texts), 10_000):
            labels += [p.label for p in self.model.predict(texts[i : i + 10_000])]
        return labels

    def save(self, folder: Path) -> list[Path]:
        path = self.model.save(folder / "stance.joblib")
        return [path, path.with_suffix(".json")]


def _tokens(text: str) -> str:
    """fastText splits on spaces only: lower-case and set punctuation apart, as its docs advise."""
    return " ".join(re.findall(r"\w+|[^\w\s]", text.lower()))


class FastText:
    """fastText supervised, with word bigrams and enough epochs for a small corpus (one thread)."""

    def fit(self, texts, labels):
        import fasttext

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
            for text, label in zip(texts, labels, strict=True):
                handle.write(f"__label__{label} {_tokens(text)}\n")
        self.model = fasttext.train_supervised(
            input=handle.name,
            epoch=40,
            lr=0.5,
            wordNgrams=2,
            dim=50,
            minn=0,
            maxn=0,
            loss="softmax",
            bucket=200_000,
            thread=1,
            seed=0,
            verbose=0,
        )
        os.unlink(handle.name)

    def predict(self, texts):
        predicted, _ = self.model.predict([_tokens(t) for t in texts], k=1)
        return [labels[0].removeprefix("__label__") for labels in predicted]

    def save(self, folder: Path) -> list[Path]:
        path = folder / "fasttext.bin"
        self.model.save_model(str(path))
        return [path]


class SpacyBow:
    """spaCy's text classifier, bag-of-words architecture, on a blank English pipeline."""

    def fit(self, texts, labels):
        import random

        import spacy
        from spacy.training import Example
        from spacy.util import minibatch

        spacy.util.fix_random_seed(0)
        self.nlp = spacy.blank("en")
        textcat = self.nlp.add_pipe(
            "textcat",
            config={
                "model": {
                    "@architectures": "spacy.TextCatBOW.v3",
                    "exclusive_classes": True,
                    "ngram_size": 2,
                    "no_output_layer": False,
                }
            },
        )
        for label in LABELS:
            textcat.add_label(label)
        examples = [
            Example.from_dict(self.nlp.make_doc(t), {"cats": {label: float(label == y) for label in LABELS}})
            for t, y in zip(texts, labels, strict=True)
        ]
        optimizer = self.nlp.initialize(lambda: examples)
        rng = random.Random(0)
        for _ in range(10):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=32):
                self.nlp.update(batch, sgd=optimizer)

    def predict(self, texts):
        return [max(doc.cats, key=doc.cats.get) for doc in self.nlp.pipe(texts, batch_size=1000)]

    def save(self, folder: Path) -> list[Path]:
        self.nlp.to_disk(folder / "spacy")
        return list((folder / "spacy").rglob("*"))


class CuePhrases:
    """A hand-made dictionary of condemn / deny / de-escalate phrases, as event coders use.

    The label whose phrases occur most wins (ties: deny, condemn, de-escalate); no phrase: other.
    """

    CUES: ClassVar[dict[str, list[str]]] = {
        "deny": [
            r"\bden(?:y|ies|ied)\b",
            r"\breject(?:s|ed)?\b",
            r"groundless",
            r"baseless",
            r"unfounded",
            r"fabricat",
            r"\bfalse\b",
            r"\blies\b",
            r"\bfake\b",
            r"nothing to do with",
            r"not involved",
            r"no involvement",
            r"did not (?:carry out|strike|attack|fire|take part)",
            r"never (?:happened|took place)",
            r"\bstaged\b",
            r"no (?:evidence|truth|basis)",
            r"\bnonsense\b",
            r"\babsurd\b",
            r"categorically",
        ],
        "condemn": [
            r"condemn",
            r"denounc",
            r"deplor",
            r"unacceptable",
            r"outrag",
            r"heinous",
            r"barbar",
            r"despicable",
            r"atrocit",
            r"war crime",
            r"flagrant",
            r"violation",
            r"responsib(?:le|ility) for",
            r"accountab",
            r"\bblame",
            r"criminal",
            r"aggression",
            r"reckless",
            r"cowardly",
            r"\bcrime\b",
        ],
        "de-escalate": [
            r"restraint",
            r"cease-?fire",
            r"de-?escalat",
            r"dialogue",
            r"negotiat",
            r"\btalks\b",
            r"\bcalm\b",
            r"peaceful",
            r"political solution",
            r"diplomac",
            r"mediat",
            r"humanitarian pause",
            r"truce",
            r"step back",
            r"pull(?:ed)? back",
            r"withdraw",
            r"urge(?:s|d)? (?:all|both)",
            r"return to the table",
        ],
    }
    ORDER = ("deny", "condemn", "de-escalate")

    def fit(self, texts, labels):
        self.patterns = {label: re.compile("|".join(cues), re.I) for label, cues in self.CUES.items()}

    def predict(self, texts):
        predicted = []
        for text in texts:
            counts = {label: len(self.patterns[label].findall(text)) for label in self.ORDER}
            best = max(self.ORDER, key=lambda label: counts[label])
            predicted.append(best if counts[best] else "other")
        return predicted

    def save(self, folder: Path) -> list[Path]:
        path = folder / "cues.json"
        path.write_text(json.dumps(self.CUES))
        return [path]


class Majority:
    """The most frequent training label, for every statement."""

    def fit(self, texts, labels):
        self.label = statistics.mode(labels)

    def predict(self, texts):
        return [self.label] * len(texts)

    def save(self, folder: Path) -> list[Path]:
        path = folder / "majority.txt"
        path.write_text(self.label)
        return [path]


SYSTEMS = {
    "stance": lambda: Stance(),
    "stance (word n-grams only)": lambda: Stance("word"),
    "fastText": FastText,
    "spaCy bow": SpacyBow,
    "cue phrases": CuePhrases,
    "majority": Majority,
}
NEEDS_EXTRA = {"fastText", "spaCy bow"}


# ---------------------------------------------------------------------------------------------
# Measuring one system, in its own process


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def scores(gold: list[str], predicted: list[str]) -> dict:
    from stance.metrics import scores as stance_scores

    report = stance_scores(gold, predicted)
    return {key: report[key] for key in ("macro_f1", "macro_f1_stance", "accuracy")}


def measure_system(name: str, rows: int, train_path: Path, test_path: Path, real_dev: Path | None) -> dict:
    texts, labels = read(train_path)
    test_texts, test_labels = read(test_path)
    system = SYSTEMS[name]()
    start = time.perf_counter()
    system.fit(texts, labels)
    train_seconds = time.perf_counter() - start
    figures = {
        "system": name,
        "training_seconds": round(train_seconds, 2),
        "held_out": scores(test_labels, system.predict(test_texts)),
    }
    if real_dev is not None:
        real_texts, real_labels = read(real_dev)
        figures["real_dev"] = scores(real_labels, system.predict(real_texts))
    batch = (test_texts * (rows // len(test_texts) + 1))[:rows]
    start = time.perf_counter()
    system.predict(batch)
    figures["throughput_per_second"] = round(rows / (time.perf_counter() - start))
    figures["throughput_rows"] = rows
    with tempfile.TemporaryDirectory() as folder:
        files = system.save(Path(folder))
        figures["size_bytes"] = sum(path.stat().st_size for path in files if path.is_file())
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def run_isolated(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB) and stdout of a command run in a child process of its own."""
    probe = (
        "import resource, subprocess, sys, time; start = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "wall = time.perf_counter() - start; "
        "sys.stderr.write(done.stderr); "
        "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, done.returncode); "
        "sys.stdout.write(done.stdout)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    first, _, rest = done.stdout.partition("\n")
    wall, peak, code = first.split()
    if code != "0":
        raise RuntimeError(f"{command[:3]} failed: {done.stderr[-2000:]}")
    return float(wall), float(peak), rest


def cold_start(repeats: int) -> dict:
    """Median wall time of a one-quote classify and of a bare scikit-learn import, alternated."""
    stance = [sys.executable, "-m", "stance", "classify", QUOTE]
    bare = [sys.executable, "-c", BARE_IMPORT]
    subprocess.run(stance, capture_output=True, check=True)
    subprocess.run(bare, capture_output=True, check=True)
    times: dict[str, list[float]] = {"classify": [], "bare": []}
    for _ in range(repeats):
        for key, command in (("classify", stance), ("bare", bare)):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[key].append(time.perf_counter() - start)
    classify, bare_time = statistics.median(times["classify"]), statistics.median(times["bare"])
    return {
        "one_quote_classify_seconds": round(classify, 3),
        "bare_sklearn_import_seconds": round(bare_time, 3),
        "ratio": round(classify / bare_time, 2),
    }


def big_csv(rows: int, test_path: Path) -> dict:
    """Wall time and peak memory of `stance classify` on a CSV of `rows` statements, to a CSV."""
    texts, _ = read(test_path)
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "big.csv", Path(folder) / "labelled.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            for i in range(rows):
                writer.writerow([i, texts[i % len(texts)]])
        wall, peak, _ = run_isolated(
            [sys.executable, "-m", "stance", "classify", "--input", str(source), "--output", str(output)], ONE_THREAD
        )
        with output.open(encoding="utf-8") as handle:
            written = sum(1 for _ in handle) - 1
    return {
        "rows": rows,
        "rows_written": written,
        "wall_seconds": round(wall, 1),
        "peak_rss_mb": round(peak, 1),
        "rows_per_second": round(rows / wall),
    }


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in ("stance", "scikit-learn", "numpy", "scipy", "pandas", "fasttext-numpy2", "spacy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def machine() -> str:
    model = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model}), {memory:.0f} GiB"


# ---------------------------------------------------------------------------------------------
# The report


def markdown(results: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {results['date']} on {results['machine']}, in one run of `benchmarks/bench.py`"
        f" ({results['command']}).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + ".",
        "",
        "Training on data/labeled/train.csv, scoring on data/labeled/test.csv (held out by crisis)"
        + (" and on the real dev set (real statements, never trained on)." if results["real_dev"] else "."),
        f"Throughput: batch prediction over {results['systems'][0]['throughput_rows']:,} statements, one thread."
        " Peak memory: the peak resident set of the process that trained, scored and timed the system.",
        "",
    ]
    real = results["real_dev"]
    header = "| system | held-out macro-F1 | 3-label | accuracy |" + (
        " real dev macro-F1 | real 3-label |" if real else ""
    )
    header += " training (s) | statements/s | size on disk | peak memory |"
    lines += [header, "|" + "---|" * (header.count("|") - 1)]
    for s in results["systems"]:
        held = s["held_out"]
        row = f"| {s['system']} | {held['macro_f1']:.3f} | {held['macro_f1_stance']:.3f} | {held['accuracy']:.3f} |"
        if real:
            row += f" {s['real_dev']['macro_f1']:.3f} | {s['real_dev']['macro_f1_stance']:.3f} |"
        row += (
            f" {s['training_seconds']:.2f} | {s['throughput_per_second']:,} | {s['size_bytes'] / 1e6:.2f} MB |"
            f" {s['peak_rss_mb']:.0f} MB |"
        )
        lines.append(row)
    if "cli" in results:
        cli = results["cli"]
        lines += [
            "",
            "## The command line",
            "",
            f"- A one-quote `stance classify` in a cold process: {cli['one_quote_classify_seconds']:.2f} s"
            f" (median), against {cli['bare_sklearn_import_seconds']:.2f} s for a bare"
            f' `python -c "{BARE_IMPORT}"` in the same run: {cli["ratio"]:.2f} x.',
        ]
    if "big_csv" in results:
        big = results["big_csv"]
        lines.append(
            f"- `stance classify --input big.csv --output labelled.csv` on {big['rows']:,} rows: "
            f"{big['wall_seconds']:.0f} s ({big['rows_per_second']:,} rows/s), peak memory {big['peak_rss_mb']:.0f} MB."
        )
    lines += ["", "## Targets", ""] + [f"- {line}" for line in targets(results)]
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[str]:
    """The benchmarks issue's targets, each checked against this run's figures."""
    by_name = {s["system"]: s for s in results["systems"]}
    ours = by_name.get("stance")
    if ours is None:
        return []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    checks = []
    for peer in ("fastText", "spaCy bow"):
        if peer in by_name:
            a, b = ours["held_out"]["macro_f1"], by_name[peer]["held_out"]["macro_f1"]
            checks.append(f"held-out macro-F1 at least {peer}'s: {a:.4f} against {b:.4f}: {verdict(a >= b)}")
    if "fastText" in by_name:
        fast = by_name["fastText"]["throughput_per_second"]
        share = ours["throughput_per_second"] / fast
        checks.append(f"throughput at least 50% of fastText's: {share:.0%}: {verdict(share >= 0.5)}")
        if "stance (word n-grams only)" in by_name:
            word = by_name["stance (word n-grams only)"]["throughput_per_second"] / fast
            checks.append(f"(the word n-grams candidate reaches {word:.0%} of fastText's throughput)")
    if "cli" in results:
        ratio = results["cli"]["ratio"]
        checks.append(f"one-quote classify at most 1.3 x the bare import: {ratio:.2f} x: {verdict(ratio <= 1.3)}")
    if "big_csv" in results:
        big = results["big_csv"]
        checks.append(
            f"{big['rows']:,}-row CSV under 1 GB of peak memory: {big['peak_rss_mb']:.0f} MB: "
            f"{verdict(big['peak_rss_mb'] < 1024)}"
        )
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="Comma-separated system names.")
    parser.add_argument("--rows", type=int, default=100_000, help="Statements for the throughput figure.")
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="Rows of the CSV for the CLI (0 skips).")
    parser.add_argument("--repeats", type=int, default=7, help="Cold starts to time (0 skips).")
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "labeled" / "train.csv")
    parser.add_argument("--test", type=Path, default=ROOT / "data" / "labeled" / "test.csv")
    parser.add_argument("--real-dev", type=Path, default=os.environ.get("STANCE_REAL_DEV"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="Folder for RESULTS.md and .json.")
    parser.add_argument("--system", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.system:
        print(json.dumps(measure_system(args.system, args.rows, args.train, args.test, args.real_dev)))
        return
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "versions": versions(),
        "command": " ".join(["python benchmarks/bench.py", *sys.argv[1:]]).replace(str(args.real_dev or ""), "REAL_DEV")
        if args.real_dev
        else " ".join(["python benchmarks/bench.py", *sys.argv[1:]]),
        "real_dev": bool(args.real_dev),
        "systems": [],
    }
    for name in args.systems.split(","):
        command = [
            sys.executable,
            __file__,
            "--system",
            name,
            "--rows",
            str(args.rows),
            "--train",
            str(args.train),
            "--test",
            str(args.test),
        ] + (["--real-dev", str(args.real_dev)] if args.real_dev else [])
        _, _, out = run_isolated(command, ONE_THREAD)
        results["systems"].append(json.loads(out))
        print(f"measured {name}", file=sys.stderr)
    if args.repeats:
        results["cli"] = cold_start(args.repeats)
    if args.big_rows:
        results["big_csv"] = big_csv(args.big_rows, args.test)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "RESULTS.json").write_text(json.dumps(results, indent=2) + "\n")
    results_md = args.out / "RESULTS.md"
    sys.path.insert(0, str(ROOT))
    from benchmarks.sections import kept_sections

    kept = "".join(f"\n{section}\n" for section in kept_sections(results_md))  # speed.py's and others'
    results_md.write_text(markdown(results) + kept)
    print(markdown(results))


if __name__ == "__main__":
    main()
