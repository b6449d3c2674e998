"""Grouping repeated statements: syndicated wire copy, updated stories, captions repeating the lede.

A thousand outlets running one wire story must count as one statement, not a thousand. Exact
repeats (after normalising case, punctuation and quotation marks) are grouped by a hash; near
repeats (a word changed, a clause trimmed) by MinHash with locality-sensitive banding, so the work
grows with the number of statements, not with its square: each statement is hashed once, and only
statements sharing a band bucket are compared, each with the bucket's first member.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

SHINGLE_WORDS = 2
PERMUTATIONS = 60
BANDS = 20  # 20 bands of 3 rows: a pair at Jaccard 0.55 shares a bucket with probability 0.97, at 0.7 > 0.999
NEAR_DUPLICATE_JACCARD = 0.55
# A copy that adds or drops a negation says the opposite, however many words it shares.
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "neither", "nor", "nobody", "t"})
_PRIME = (1 << 31) - 1
_WORDS = re.compile(r"\w+")
_SEEDS = np.random.default_rng(20261207).integers(1, _PRIME, size=(2, PERMUTATIONS), dtype=np.int64)


def normalise(text: str) -> str:
    """Lower-case words only: quotation marks, dashes and spacing differ between outlets, words less so."""
    return " ".join(_WORDS.findall(text.lower()))


def shingles(text: str) -> set[int]:
    """Stable hashes of the word 2-grams (the whole text when it is shorter)."""
    words = normalise(text).split()
    if len(words) <= SHINGLE_WORDS:
        return {zlib.crc32(" ".join(words).encode("utf-8"))}
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _signature(hashes: set[int]) -> np.ndarray:
    values = np.fromiter(hashes, dtype=np.int64, count=len(hashes)) % _PRIME
    return ((values[:, None] * _SEEDS[0] + _SEEDS[1]) % _PRIME).min(axis=0)


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b)


def _negations(text: str) -> int:
    return sum(word in _NEGATIONS for word in normalise(text).split())


def duplicate_of(texts: Sequence[str], keys: Sequence[str] | None = None) -> list[int]:
    """For each text, the index of the first text of its group (itself when it is the first).

    Texts group when they are the same after `normalise`, or near the same (word 2-gram Jaccard
    >= 0.55, with as many negations), and share the same key (for statements, the actor: two
    actors saying the same words are two statements). Input order decides which member is
    first: sort by date to make the earliest publication the original.
    """
    keys = list(keys) if keys is not None else [""] * len(texts)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[max(root_i, root_j)] = min(root_i, root_j)

    first_of_text: dict[tuple[str, str], int] = {}
    distinct: list[int] = []
    for index, (text, key) in enumerate(zip(texts, keys, strict=True)):
        seen = first_of_text.setdefault((key, normalise(text)), index)
        if seen == index:
            distinct.append(index)
        else:
            union(seen, index)
    shingle_sets = {index: shingles(texts[index]) for index in distinct}
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple[str, int, bytes], int] = {}
    for index in distinct:
        signature = _signature(shingle_sets[index])
        for band in range(BANDS):
            bucket = (keys[index], band, signature[band * rows : (band + 1) * rows].tobytes())
            first = buckets.setdefault(bucket, index)
            if (
                first != index
                and _jaccard(shingle_sets[first], shingle_sets[index]) >= NEAR_DUPLICATE_JACCARD
                and _negations(texts[first]) == _negations(texts[index])
            ):
                union(first, index)
    return [find(index) for index in range(len(texts))]
