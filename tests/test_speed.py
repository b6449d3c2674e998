"""Speed and scale: the bulk scorer equals the pipeline, one quote starts light, --jobs and Dask keep the output."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from stance.articles import read_articles
from stance.cli import app
from stance.data import read_labelled
from stance.errors import StanceError
from stance.model import load_model
from stance.model_format import SMALL_BATCH
from stance.schema import EXTRACT_COLUMNS

REPO = Path(__file__).parent.parent
HELD_OUT = REPO / "data" / "labeled" / "test.csv"
ARTICLES = sorted((REPO / "tests" / "fixtures" / "articles").glob("*.txt"))
ODD = ["", "   ", "\t\n", "We deny\x00it.", "\x00", "Ceasefire now!!", "a", "İSTANBUL condemns", "x" * 300]


@pytest.fixture(scope="module")
def shipped_pair():
    return load_model(), load_model(trusted=True)


@pytest.fixture(scope="module")
def held_out_texts():
    return read_labelled([HELD_OUT])["text"].tolist()


def test_a_large_batch_with_odd_texts_gets_the_pipelines_probabilities(shipped_pair, held_out_texts):
    code_free, pickled = shipped_pair
    batch = held_out_texts[:300] + ODD + held_out_texts[300:400]
    assert len(batch) > SMALL_BATCH  # the bulk path, with scipy's product
    assert np.abs(code_free.predict_proba(batch) - pickled.predict_proba(batch)).max() <= 1e-9


def test_on_the_real_dev_quotes_the_scorer_gets_the_pipelines_probabilities(shipped_pair):
    import os

    import pandas as pd

    real_dev = Path(os.environ.get("STANCE_REAL_DEV", REPO.parent / "shared" / "real_dev.csv"))
    if not real_dev.is_file():
        pytest.skip("the real dev set is not beside the repository")
    texts = pd.read_csv(real_dev, dtype=str, keep_default_na=False)["text"].tolist()
    code_free, pickled = shipped_pair
    assert len(texts) > SMALL_BATCH
    assert np.abs(code_free.predict_proba(texts) - pickled.predict_proba(texts)).max() <= 1e-9


def test_a_word_cache_cleared_between_batches_changes_no_probability(shipped_pair, held_out_texts, monkeypatch):
    import stance.model_format

    code_free, pickled = shipped_pair
    monkeypatch.setattr(stance.model_format, "CACHE_WORDS", 50)  # cleared before almost every batch
    batches = [code_free.predict_proba(held_out_texts[i : i + 100]) for i in range(0, 600, 100)]
    assert np.abs(np.vstack(batches) - pickled.predict_proba(held_out_texts[:600])).max() <= 1e-9


def test_one_quote_at_a_time_gets_what_the_batch_gets(shipped_pair, held_out_texts):
    code_free, _ = shipped_pair
    batch = held_out_texts[:150] + ODD
    one_by_one = np.vstack([code_free.predict_proba([text]) for text in batch])
    assert np.abs(one_by_one - code_free.predict_proba(batch)).max() <= 1e-9


def test_one_quote_classify_imports_neither_scikit_learn_nor_scipy_nor_pandas():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "stance", "classify", "--format", "jsonl", "We deny it."],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert '"stance": "' in done.stdout and '"p_deny": ' in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "numpy" in imported and "typer" in imported  # the probe sees imports at all
    heavy = {name.split(".")[0] for name in imported} & {"sklearn", "scipy", "pandas", "joblib", "pyarrow", "dask"}
    assert heavy == set()


def _statements_csv(path: Path, texts: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows((i, text) for i, text in enumerate(texts))
    return path


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_classify_with_two_jobs_writes_what_one_job_writes(tmp_path, held_out_texts, suffix):
    source = _statements_csv(tmp_path / "in.csv", held_out_texts * 2)
    outputs = []
    for jobs in (1, 2):
        output = tmp_path / f"out{jobs}.{suffix}"
        result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(output), "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        outputs.append(output.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    if suffix == "csv":
        assert outputs[0].count("\n") == 2 * len(held_out_texts) + 1
    else:
        assert len(json.loads(outputs[1])) == 2 * len(held_out_texts)


@pytest.mark.parametrize("format", ["csv", "jsonl", "json"])
def test_a_table_written_a_chunk_at_a_time_is_what_row_by_row_writes(tmp_path, format, held_out_texts):
    from stance.batch import classify_table, render_chunk, table_chunks
    from stance.output import RowWriter

    texts = [*held_out_texts[:40], "=SUM(A1)", "", 'two\nlines, "quoted"', "-1 killed", *ODD]
    source = _statements_csv(tmp_path / "in.csv", texts)
    model = load_model()
    by_row, by_chunk = tmp_path / f"rows.{format}", tmp_path / f"chunks.{format}"
    with pytest.warns(UserWarning), RowWriter(format, by_row) as writer:
        writer.write(classify_table(model, source, min_confidence=0.9))
    with RowWriter(format, by_chunk) as writer:
        for chunk in table_chunks(source, chunk_rows=17):
            done = render_chunk(model, chunk.frame, format, min_confidence=0.9)
            writer.write_rendered(done.text, done.rows, done.columns)
    assert by_chunk.read_text(encoding="utf-8") == by_row.read_text(encoding="utf-8")
    assert ("'=SUM(A1)" in by_row.read_text(encoding="utf-8")) == (format == "csv")  # spreadsheets only


def test_two_jobs_name_the_line_of_an_empty_row_in_the_second_half(tmp_path, held_out_texts):
    texts = held_out_texts[:1200]
    texts[1100] = "   "
    source = _statements_csv(tmp_path / "in.csv", texts)
    result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(tmp_path / "o.csv"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "1 empty statement(s) at line(s) 1102 kept with no stance" in result.stderr


def test_extract_with_two_jobs_lists_what_one_job_lists():
    files = [str(path) for path in ARTICLES]
    one = CliRunner().invoke(app, ["extract", *files, "--format", "csv"])
    two = CliRunner().invoke(app, ["extract", *files, "--format", "csv", "--jobs", "2"])
    assert one.exit_code == 0 and two.exit_code == 0
    assert one.stdout == two.stdout and one.stdout.count("\n") > len(files)


@pytest.mark.parametrize("command", [["classify", "We deny it."], ["extract", str(ARTICLES[0])]])
def test_zero_jobs_is_refused_in_one_line(command):
    result = CliRunner().invoke(app, [*command, "--jobs", "0"])
    assert result.exit_code == 1 and "--jobs must be 1 or more" in result.stderr


# ---- Dask (the [dask] extra; skipped when it is not installed)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local,
        distributed.Client(local) as client,
    ):
        yield client


def test_dask_classify_on_two_workers_labels_as_stance_classify_does(cluster, held_out_texts):
    import dask.dataframe as dd
    import pandas as pd

    import stance.dask

    frame = pd.DataFrame({"id": range(400), "text": [*held_out_texts[:398], "", "We deny it."]})
    result = stance.dask.classify(dd.from_pandas(frame, npartitions=4)).compute()
    expected = load_model().predict([text for text in frame["text"] if text])
    labelled = result[result["text"] != ""]
    assert len(result) == 400 and result["stance"].isna().tolist() == [False] * 398 + [True, False]  # rows keep places
    assert labelled["stance"].tolist() == [p.label for p in expected]
    assert np.abs(labelled["p_deny"].to_numpy() - [round(p.probabilities["deny"], 4) for p in expected]).max() < 1e-4
    assert len(cluster.scheduler_info()["workers"]) == 2


def test_dask_classify_ships_a_loaded_model_to_the_workers(cluster, saved_model):
    import dask.dataframe as dd
    import pandas as pd

    import stance.dask

    model = load_model(saved_model)
    frame = pd.DataFrame({"text": ["We urge calm.", "We deny it.", "This attack is a crime."] * 20})
    result = stance.dask.classify(dd.from_pandas(frame, npartitions=3), model=model).compute()
    assert result["stance"].tolist() == [p.label for p in model.predict(frame["text"].tolist())]


def test_dask_classify_refuses_a_missing_text_column(cluster):
    import dask.dataframe as dd
    import pandas as pd

    import stance.dask

    with pytest.raises(StanceError, match="no 'body' column"):
        stance.dask.classify(dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1), text_column="body")


def test_classify_engine_dask_writes_a_folder_of_parquet_files(tmp_path, held_out_texts):
    pytest.importorskip("distributed")
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    for part in range(2):
        pd.DataFrame({"text": held_out_texts[part * 100 : (part + 1) * 100]}).to_parquet(data / f"{part}.parquet")
    output = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["classify", "--engine", "dask", "--input", str(data / "*.parquet"), "--output", str(output), "--jobs", "2"],
    )
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(output)
    assert written["stance"].tolist() == [p.label for p in load_model().predict(held_out_texts[:200])]
    again = CliRunner().invoke(
        app, ["classify", "--engine", "dask", "--input", str(data / "*.parquet"), "--output", str(output)]
    )
    assert again.exit_code == 1 and "already exists" in again.stderr


def _articles_frame():
    import pandas as pd

    texts = [path.read_text(encoding="utf-8") for path in ARTICLES]
    return pd.DataFrame({"id": [path.stem for path in ARTICLES], "text": texts, "date": "2026-03-04"})


def test_dask_extract_lists_the_statements_stance_extract_lists(cluster, tmp_path):
    import dask.dataframe as dd

    import stance.dask
    from stance.batch import extract_rows

    frame = _articles_frame()
    found = stance.dask.extract(dd.from_pandas(frame, npartitions=2)).compute()
    manifest = tmp_path / "m.csv"
    frame.to_csv(manifest, index=False)
    local = list(extract_rows(load_model(), read_articles([manifest])))
    assert len(found) == len(local) > 50
    for column in ("actor", "speaker", "statement", "start", "stance", "confidence", "statement_id", "date"):
        assert found[column].tolist() == [row[column] for row in local], column
    assert set(found["article"]) == set(frame["id"])


def test_extract_engine_dask_writes_a_folder_of_statements(tmp_path):
    pytest.importorskip("distributed")
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    _articles_frame().to_csv(data / "articles.csv", index=False)
    output = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["extract", "--engine", "dask", "--input", str(data / "*.csv"), "--output", str(output), "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    written = pd.concat(pd.read_csv(part) for part in sorted(output.glob("*.csv")))
    assert list(written.columns) == list(EXTRACT_COLUMNS) and len(written) > 50
    mixed = CliRunner().invoke(
        app, ["extract", "--engine", "dask", str(data / "articles.csv"), "-o", str(tmp_path / "x")]
    )
    assert mixed.exit_code == 2 and "--input GLOB" in mixed.stderr


def test_a_file_of_many_chunks_gets_one_warning_with_the_count(tmp_path, held_out_texts):
    texts = (held_out_texts * 20)[:25_000]  # three chunks
    for index in (5, 12_000, 24_000):
        texts[index] = ""
    source = _statements_csv(tmp_path / "in.csv", texts)
    result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("empty statement(s)") == 1
    assert "3 empty statement(s) at line(s) 7, 12002, 24002 kept" in result.stderr


def test_extract_engine_dask_names_the_article_with_a_bad_date_in_one_line(tmp_path):
    pytest.importorskip("distributed")
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    frame = pd.DataFrame({"id": ["x1", "x2"], "text": ["Peskov said it was a lie.", "Fine."], "date": ["", "soon"]})
    frame.to_parquet(data / "a.parquet")
    command = ["extract", "--engine", "dask", "--input", str(data / "*.parquet"), "--output", str(tmp_path / "o")]
    done = subprocess.run([sys.executable, "-m", "stance", *command], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: article 'x2': date 'soon' is not YYYY-MM-DD"  # no worker's traceback
    assert not (tmp_path / "o").exists()
