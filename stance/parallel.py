"""`--jobs N`: the same classify and extract, the work that grows with the rows spread over N processes.

Each worker process loads the model once, by its path, when it starts. Classify keeps reading,
checking and writing in the main process, exactly as one job does, and cuts each chunk into N
parts: N - 1 go to the workers, which classify them and format their rows, while the main
process does the first; the parts are put back in order. Extract sends whole articles to the
workers, in order. The output is therefore the output of one job, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.model import StanceModel, load_model

if TYPE_CHECKING:
    import pandas as pd

    from stance.articles import Article
    from stance.batch import Chunk, Rendered
    from stance.extraction import AliasTable

MIN_PART = 500  # fewer statements than this per part are scored in the main process alone

_worker_model: StanceModel | None = None


def _load(path: Path | None, trusted: bool) -> None:
    global _worker_model
    _worker_model = load_model(path, trusted=trusted)


def _render(frame: pd.DataFrame, format: str, settings: dict[str, Any]) -> Rendered:
    from stance.batch import render_chunk

    assert _worker_model is not None
    return render_chunk(_worker_model, frame, format, **settings)


def rendered_chunks(
    model: StanceModel,
    path: Path | None,
    trusted: bool,
    chunks: Iterable[Chunk],
    jobs: int,
    format: str,
    settings: dict[str, Any],
) -> Iterator[tuple[Chunk, Rendered]]:
    """Each chunk classified and written out in the output format (`stance.batch.render_chunk`), in order.

    With N jobs each chunk is cut into N parts: N - 1 go to worker processes, which classify and
    format them, while this process does the first; so the work that grows with the rows, the
    formatting included, is shared, and this process only reads the input and writes the output.
    """
    from stance.batch import Rendered, render_chunk

    check_jobs(jobs)
    if jobs == 1:
        for chunk in chunks:
            yield chunk, render_chunk(model, chunk.frame, format, **settings)
        return

    def finish(chunk: Chunk, first: pd.DataFrame, futures: list[Future[Rendered]]) -> tuple[Chunk, Rendered]:
        mine = render_chunk(model, first, format, **settings)
        return chunk, Rendered.join([mine, *(future.result() for future in futures)], format)

    with ProcessPoolExecutor(jobs - 1, initializer=_load, initargs=(path, trusted)) as executor:
        # The workers' parts of the next chunk are sent before this process does its part of the
        # current one, so that they have work queued while this process reads and writes.
        waiting: tuple[Chunk, pd.DataFrame, list[Future[Rendered]]] | None = None
        for chunk in chunks:
            size = max(MIN_PART, math.ceil(len(chunk.frame) / jobs))
            parts = [chunk.frame.iloc[i : i + size] for i in range(0, len(chunk.frame), size)]
            futures = [executor.submit(_render, part, format, settings) for part in parts[1:]]
            if waiting is not None:
                yield finish(*waiting)
            waiting = (chunk, parts[0], futures)
        if waiting is not None:
            yield finish(*waiting)


def check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise StanceError(f"--jobs must be 1 or more, got {jobs}")


_worker_extract: dict[str, Any] = {}


def _load_for_extract(path: Path | None, trusted: bool, settings: dict[str, Any]) -> None:
    _worker_extract["model"] = load_model(path, trusted=trusted)
    _worker_extract.update(settings)


def _extract_one(article: Article) -> list[dict[str, Any]]:
    from stance.batch import article_rows

    settings = _worker_extract
    return article_rows(
        settings["model"], article, settings["aliases"], settings["all_speakers"], settings["min_confidence"]
    )


def extract_rows(
    path: Path | None,
    trusted: bool,
    articles: Iterable[Article],
    aliases: AliasTable | dict[str, str] | None,
    all_speakers: bool,
    min_confidence: float | None,
    jobs: int,
) -> Iterator[dict[str, Any]]:
    """`stance.batch.extract_rows` with the articles read in `jobs` processes; rows in the articles'
    order, and repeats marked in the main process, as one job marks them."""
    from stance.batch import mark_repeats

    check_jobs(jobs)
    load_model(path, trusted=trusted)  # a bad model is refused here, in one line, not by a broken pool
    settings = {"aliases": aliases, "all_speakers": all_speakers, "min_confidence": min_confidence}
    with ProcessPoolExecutor(jobs, initializer=_load_for_extract, initargs=(path, trusted, settings)) as executor:
        per_article = executor.map(_extract_one, articles)
        yield from mark_repeats(row for rows in per_article for row in rows)
