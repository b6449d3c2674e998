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


class RepeatIndex:
    """Statements seen so far, to tell at once whether a new one repeats an earlier one.

    It grows one statement at a time, so `stance extract` can mark repeats while it streams
    through a pile of articles: the first statement of a group stays its original, and a later
    one joins the earliest group it repeats (groups are never merged after the fact, so a row
    once written never changes).
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], int] = {}
        self._buckets: dict[tuple[str, int, bytes], int] = {}
        self._shingles: list[set[int] | None] = []
        self._negations: list[int] = []
        self._group: list[int] = []

    def add(self, text: str, key: str = "") -> int:
        """The index of the first statement that `text` repeats, or its own new index."""
        index = len(self._group)
        normal = normalise(text)
        seen = self._exact.get((key, normal))
        if seen is not None:
            self._append(None, 0, self._group[seen])
            return self._group[seen]
        self._exact[(key, normal)] = index
        hashes = shingles(text)
        negations = _negations(text)
        signature = _signature(hashes)
        rows = PERMUTATIONS // BANDS
        group = index
        for band in range(BANDS):
            bucket = (key, band, signature[band * rows : (band + 1) * rows].tobytes())
            first = self._buckets.setdefault(bucket, index)
            candidate = self._shingles[first] if first != index else None
            if (
                candidate is not None
                and self._group[first] < group
                and self._negations[first] == negations
                and _jaccard(candidate, hashes) >= NEAR_DUPLICATE_JACCARD
            ):
                group = self._group[first]
        self._append(hashes, negations, group)
        return group

    def _append(self, hashes: set[int] | None, negations: int, group: int) -> None:
        self._shingles.append(hashes)
        self._negations.append(negations)
        self._group.append(group)


def duplicate_of(texts: Sequence[str], keys: Sequence[str] | None = None) -> list[int]:
    """For each text, the index of the first text of its group (itself when it is the first).

    Texts group when they are the same after `normalise`, or near the same (word 2-gram Jaccard
    >= 0.55, with as many negations), and share the same key (for statements, the actor: two
    actors saying the same words are two statements). Input order decides which member is
    first: sort by date to make the earliest publication the original.
    """
    index = RepeatIndex()
    keys = list(keys) if keys is not None else [""] * len(texts)
    return [index.add(text, key) for text, key in zip(texts, keys, strict=True)]
