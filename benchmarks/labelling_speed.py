"""How long a person waits in `stance label`: from a key press to the next statement on screen.

    .venv/bin/python -m benchmarks.labelling_speed [--statements 5000] [--answers 300]

The queue is built once from the corpus' statements with the shipped model (the one-off cost
before the first question); then each scripted key goes through what a key press does: the
answer appended and fsynced to a labels file, and the next screen rendered by rich to an
in-memory terminal. The target is under 50 ms a key.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console

from stance.label_session import run_session
from stance.labelling import AnswerLog, build_queue, read_statements
from stance.model import load_model

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "data" / "labeled" / "train.csv"


def measure(statements: int, answers: int) -> dict:
    frame = read_statements(CORPUS).head(statements)
    model = load_model()
    started = time.perf_counter()
    items = build_queue(frame, model)
    ranking_seconds = time.perf_counter() - started
    stamps: list[float] = []
    keys = iter("cdeo" * (answers // 4) + "q")

    def read_key() -> str:
        stamps.append(time.perf_counter())
        return next(keys)

    with tempfile.TemporaryDirectory() as folder:
        log = AnswerLog(Path(folder) / "labels.csv")
        console = Console(file=io.StringIO(), width=110, force_terminal=True, color_system="truecolor")
        run_session(items, log, read_key, console, sha256="x", annotator="bench")
        saved = len(AnswerLog(log.path).rows)
    per_key = [(b - a) * 1000 for a, b in itertools.pairwise(stamps)]
    return {
        "statements": len(frame),
        "ranking_seconds": round(ranking_seconds, 2),
        "answers": saved,
        "per_key_ms_median": round(statistics.median(per_key), 2),
        "per_key_ms_p95": round(sorted(per_key)[int(0.95 * (len(per_key) - 1))], 2),
        "per_key_ms_max": round(max(per_key), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(measure(args.statements, args.answers), indent=2))


if __name__ == "__main__":
    main()
