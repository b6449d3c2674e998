"""The benchmark script runs end to end on a small sample, with the systems that need no extra."""

import json
import subprocess
import sys

from helpers import REPO, STATEMENTS


def test_the_benchmark_script_measures_this_model_and_the_baselines(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench.py"),
            "--systems",
            "stance,cue phrases,majority",
            "--rows",
            "300",
            "--big-rows",
            "200",
            "--repeats",
            "1",
            "--train",
            str(STATEMENTS),
            "--test",
            str(STATEMENTS),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "RESULTS.json").read_text())
    assert [s["system"] for s in results["systems"]] == ["stance", "cue phrases", "majority"]
    by_name = {s["system"]: s for s in results["systems"]}
    assert by_name["stance"]["held_out"]["macro_f1"] > by_name["majority"]["held_out"]["macro_f1"]
    assert all(s["throughput_per_second"] > 0 and s["peak_rss_mb"] > 0 for s in results["systems"])
    assert results["big_csv"]["rows_written"] == 200
    assert results["cli"]["ratio"] > 0
    assert "| stance |" in (tmp_path / "RESULTS.md").read_text()
