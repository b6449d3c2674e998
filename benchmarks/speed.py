"""How fast is stance on this machine: training, a one-quote `stance classify` in a cold process,
and batch throughput over 100,000 statements.

    .venv/bin/python benchmarks/speed.py [--rows 100000] [--repeats 5] [--out benchmarks/speed.json]

Run from the repository root. The statements for throughput are the held-out split repeated to
the wanted count: the figure is about speed, not accuracy.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUOTE = "The United States condemns in the strongest terms this despicable attack."
BARE_IMPORT = "import sklearn.pipeline, sklearn.linear_model, sklearn.feature_extraction.text"


def cold_wall_time(command: list[str], repeats: int) -> float:
    """Median wall time of a fresh process, after one untimed run that warms the file cache."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(rows: int, repeats: int, train_path: Path, test_path: Path) -> dict:
    from stance.data import read_labelled
    from stance.model import load_model
    from stance.training import train

    frame = read_labelled([train_path])
    start = time.perf_counter()
    train(frame, cv=0)
    train_seconds = time.perf_counter() - start

    model = load_model()
    pool = read_labelled([test_path])["text"].tolist()
    texts = (pool * (rows // len(pool) + 1))[:rows]
    start = time.perf_counter()
    for i in range(0, rows, 10_000):
        model.predict(texts[i : i + 10_000])
    predict_seconds = time.perf_counter() - start

    stance = [sys.executable, "-m", "stance", "classify", QUOTE]
    bare = [sys.executable, "-c", BARE_IMPORT]
    return {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "training_rows": len(frame),
        "training_seconds": round(train_seconds, 2),
        "throughput_rows": rows,
        "throughput_per_second": round(rows / predict_seconds),
        "one_quote_classify_seconds": round(cold_wall_time(stance, repeats), 3),
        "bare_sklearn_import_seconds": round(cold_wall_time(bare, repeats), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "labeled" / "train.csv")
    parser.add_argument("--test", type=Path, default=ROOT / "data" / "labeled" / "test.csv")
    parser.add_argument("--out", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args()
    figures = measure(args.rows, args.repeats, args.train, args.test)
    figures["cold_start_ratio"] = round(
        figures["one_quote_classify_seconds"] / figures["bare_sklearn_import_seconds"], 2
    )
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
