"""Classification and extraction on Dask, for datasets larger than one machine:
`stance.dask.classify(ddf)` and `stance.dask.extract(ddf)`.

Every partition is scored by the code-free scorer that `stance classify` uses, so a statement
gets the same label on a cluster as on a laptop. The model goes to each worker once: given as
a path (the default model, $STANCE_MODEL, or a file every worker can read) it is loaded once
per worker process and kept; given as a loaded `StanceModel` it travels as one Dask object,
which the scheduler sends once to each worker that needs it. Needs the `[dask]` extra.

As in `stance classify`, every row keeps its place: one whose text is empty or missing gets an
empty stance and empty probabilities. `extract` turns each partition of articles into its
statements, as `stance extract` lists them.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.model import StanceModel, load_model, model_path
from stance.schema import ENGINES, EXTRACT_COLUMNS, PREDICTION_COLUMNS, probability_column

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from stance.extraction import AliasTable

_MODELS: dict[tuple[str, bool], StanceModel] = {}  # one per worker process, by path


def _require_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise StanceError("the Dask engine needs the dask extra: pip install 'stance[dask]'") from None


def _model(model: StanceModel | str | None, trusted: bool) -> StanceModel:
    if isinstance(model, StanceModel):
        return model
    key = (model or "", trusted)
    if key not in _MODELS:
        _MODELS[key] = load_model(model or None, trusted=trusted)
    return _MODELS[key]


def predictions(
    frame: pd.DataFrame,
    model: StanceModel | str | None,
    text_column: str = "text",
    min_confidence: float | None = None,
    trusted: bool = False,
) -> pd.DataFrame:
    """One partition with the prediction columns of `stance classify` appended, rounded to 4 decimals as it does.

    It needs pandas but not Dask, so any engine that hands out pandas frames can call it (Spark's
    `mapInPandas`: docs/spark.md). `model` None means the default model, loaded once per process.
    """
    from stance.batch import prediction_frame

    loaded = _model(model, trusted)
    texts = frame[text_column]
    texts = texts.where(texts.notna(), "").astype(str).tolist()
    predicted = prediction_frame(loaded, texts, min_confidence)
    return frame.assign(**{name: predicted[name].to_numpy() for name in predicted.columns})


def classify(
    ddf: dd.DataFrame,
    model: StanceModel | str | Path | None = None,
    text_column: str = "text",
    min_confidence: float | None = None,
    trusted: bool = False,
) -> dd.DataFrame:
    """`ddf` with the prediction columns appended, computed lazily partition by partition.

    `model`: a path (default: $STANCE_MODEL, else the shipped model), loaded once per worker,
    or a loaded `StanceModel`, sent once per worker.
    """
    _require_dask()
    import dask
    import pandas as pd

    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise StanceError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    if text_column not in ddf.columns:
        raise StanceError(f"the data has no {text_column!r} column (it has: {', '.join(map(str, ddf.columns))})")
    clash = [column for column in PREDICTION_COLUMNS if column in ddf.columns]
    if clash:
        raise StanceError(f"input column {clash[0]!r} clashes with an output column; rename it")
    if isinstance(model, StanceModel):
        loaded, shipped = model, dask.delayed(model)
    else:
        path = str(model_path(model))
        loaded = load_model(path, trusted=trusted)  # checked here: a bad model fails before any task runs
        shipped = path
    meta = ddf._meta.assign(stance=pd.Series(dtype="string"), confidence=pd.Series(dtype="float64"))
    for label in loaded.labels:
        meta[probability_column(label)] = pd.Series(dtype="float64")
    return ddf.map_partitions(predictions, shipped, text_column, min_confidence, trusted, meta=meta)


def read(pattern: str, text_column: str) -> dd.DataFrame:
    """Parquet or CSV files named by a glob, all CSV values read as text (as `stance classify` reads them)."""
    _require_dask()
    import dask.dataframe as dd

    if "://" not in pattern and not glob.glob(pattern):
        raise StanceError(f"{pattern}: no files match")
    suffix = Path(pattern).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return dd.read_parquet(pattern)
    if suffix == ".csv":
        return dd.read_csv(pattern, dtype=str, keep_default_na=False, blocksize="32MB")
    raise StanceError(f"{pattern}: the Dask engine reads .parquet or .csv files")


def extract(
    ddf: dd.DataFrame,
    model: StanceModel | str | Path | None = None,
    text_column: str = "text",
    aliases: AliasTable | dict[str, str] | None = None,
    all_speakers: bool = False,
    min_confidence: float | None = None,
    trusted: bool = False,
) -> dd.DataFrame:
    """The statements in a dataset of articles (a row each: the text, and any of id, date, source, url,
    title), a row per statement with the columns of `stance extract`, computed partition by partition.

    Repeats (`duplicate_of`) are marked within each partition only: marking them across the whole
    dataset needs every earlier statement, which no single partition has.
    """
    _require_dask()
    import dask

    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise StanceError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    if text_column not in ddf.columns:
        raise StanceError(f"the data has no {text_column!r} column (it has: {', '.join(map(str, ddf.columns))})")
    if isinstance(model, StanceModel):
        shipped = dask.delayed(model)
    else:
        path = str(model_path(model))
        load_model(path, trusted=trusted)  # checked here: a bad model fails before any task runs
        shipped = path
    meta = _statement_frame([])
    return ddf.map_partitions(
        statements,
        shipped,
        text_column,
        aliases,
        all_speakers,
        min_confidence,
        trusted,
        meta=meta,
        clear_divisions=True,
    )


def statements(
    frame: pd.DataFrame,
    model: StanceModel | str | None,
    text_column: str = "text",
    aliases: AliasTable | dict[str, str] | None = None,
    all_speakers: bool = False,
    min_confidence: float | None = None,
    trusted: bool = False,
) -> pd.DataFrame:
    """One partition of articles -> its statements, as `stance extract` lists them (pandas only, no Dask).

    An article's `article` column is its `id` when the row gives one, else an id made from its text.
    """
    from stance.articles import METADATA, make_article
    from stance.batch import article_rows, mark_repeats

    loaded = _model(model, trusted)
    found: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        text = row[text_column]
        if not isinstance(text, str) or not text.strip():
            continue
        metadata = {key: str(row[key]) for key in (*METADATA, "id") if key in row and isinstance(row[key], str)}
        named = f"article {metadata['id']!r}" if metadata.get("id") else f"the article beginning {text[:40]!r}"
        article = make_article(text, named, **metadata)
        found.extend(article_rows(loaded, replace(article, path=article.id), aliases, all_speakers, min_confidence))
    return _statement_frame(list(mark_repeats(found)))


def _statement_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of `stance extract` as a frame with fixed types, so that every partition has the same schema."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(EXTRACT_COLUMNS))
    numbers = {"start": "int64", "end": "int64", "confidence": "float64"}
    numbers.update({column: "float64" for column in PREDICTION_COLUMNS if column.startswith("p_")})
    return frame.astype({column: numbers.get(column, "string") for column in EXTRACT_COLUMNS})


def classify_files(
    engine: str,
    pattern: Path | None,
    output: Path | None,
    text_column: str,
    model: Path | None,
    trusted: bool,
    min_confidence: float | None,
    workers: int,
) -> Path:
    """`stance classify --engine dask`: files in, a folder of the same format out, complete or absent."""
    _check_run(engine, pattern, output, workers)
    assert pattern is not None and output is not None
    result = classify(read(str(pattern), text_column), model, text_column, min_confidence, trusted)
    return _write(result, pattern, output, workers)


def extract_files(
    engine: str,
    pattern: Path | None,
    output: Path | None,
    text_column: str,
    model: Path | None,
    trusted: bool,
    aliases: AliasTable | None,
    all_speakers: bool,
    min_confidence: float | None,
    workers: int,
) -> Path:
    """`stance extract --engine dask`: a dataset of articles in, a folder of statements out, complete or absent."""
    _check_run(engine, pattern, output, workers)
    assert pattern is not None and output is not None
    ddf = read(str(pattern), text_column)
    result = extract(ddf, model, text_column, aliases, all_speakers, min_confidence, trusted)
    return _write(result, pattern, output, workers)


def _check_run(engine: str, pattern: Path | None, output: Path | None, workers: int) -> None:
    if engine not in ENGINES:
        raise StanceError(f"unknown engine {engine!r} (expected one of: {', '.join(ENGINES)})")
    if pattern is None or output is None:
        raise StanceError("--engine dask reads --input (a glob of .parquet or .csv files), writes --output (a folder)")
    if workers < 1:
        raise StanceError(f"--jobs must be 1 or more, got {workers}")
    if output.exists():
        raise StanceError(f"{output}: already exists; the Dask engine writes a new folder")
    _require_dask()


def _write(result: dd.DataFrame, pattern: Path, output: Path, workers: int) -> Path:
    """Compute `result` into a new folder, in the input's format, through a temporary folder renamed into place.

    Connects to the cluster at $DASK_SCHEDULER_ADDRESS when set; else starts `workers` local
    worker processes of one thread each.
    """
    from distributed import Client, LocalCluster

    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp"))
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    try:
        if address:
            client, cluster = Client(address), None
        else:
            # Workers log a failed task's traceback; the error itself reaches the user in one line.
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: another cluster on this machine is no concern of ours
                silence_logs=logging.CRITICAL,
            )
            client = Client(cluster)
        try:
            if Path(str(pattern)).suffix.lower() == ".csv":
                result.to_csv(str(temporary / "part-*.csv"), index=False)
            else:
                result.to_parquet(str(temporary), write_index=False)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        os.replace(temporary, output)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return output
