"""The code-free model file: a fitted TF-IDF + logistic regression as plain arrays and JSON.

A joblib file is a pickle, and unpickling runs whatever code the file names: a model received
from someone else could do anything. This format holds only numbers, strings and JSON settings in
an `.npz` read with `allow_pickle=False`, and `ArrayModel` predicts from it with numpy alone,
repeating scikit-learn's steps (preprocessing, tokenising, n-grams, tf-idf, row normalisation,
the linear scores and their softmax) in the same precision and order, so its probabilities equal
the pipeline's (a test holds them to 1e-9; on the held-out split they are equal bit for bit).

It is also the fast way to classify: n-grams are found in bulk, a batch at a time. A batch is
split into whitespace words once, and each word is looked up once in a cache that holds, for every
word met so far, its char n-gram columns and its tokens' ids (two flat int32 arrays, not an object
per word). Word n-grams are then integer codes found by binary search, char n-gram counts the
n-grams x words @ words x documents product, and the scores a sparse product in scipy. It never
imports scikit-learn, and a small batch (one quote) is scored with numpy alone, so that path
never imports scipy either.

Only the pipelines stance builds are exported: a `FeatureUnion` of `TfidfVectorizer`s (word,
char or char_wb analyzers, no custom callables) into a `LogisticRegression`. Anything else is
refused when saving, so a file in this format always means exactly what its arrays say.
"""

from __future__ import annotations

import io
import json
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stance.errors import StanceError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FORMAT = "stance-linear-text"
FORMAT_VERSION = 1
ANALYZERS = ("word", "char", "char_wb")
NORMS = ("l1", "l2", None)
CACHE_WORDS = 100_000
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's whitespace normalisation for char n-grams


@dataclass
class Block:
    """One vectorizer of the union: its settings, vocabulary (terms in column order) and idf."""

    name: str
    analyzer: str
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: str
    sublinear_tf: bool
    binary: bool
    norm: str | None
    dtype: str
    terms: list[str]
    idf: np.ndarray | None

    def __post_init__(self) -> None:
        self._vocabulary: dict[str, int] | None = None
        self._table: _WordTable | None = None
        self._words: _WordCache | None = None  # this block's own, when it is counted alone
        self._tokens = re.compile(self.token_pattern)

    @property
    def vocabulary(self) -> dict[str, int]:
        if self._vocabulary is None:  # built on first use: a model that is only described never needs it
            self._vocabulary = dict(zip(self.terms, range(len(self.terms)), strict=True))
        return self._vocabulary

    def settings(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "lowercase": self.lowercase,
            "token_pattern": self.token_pattern,
            "sublinear_tf": self.sublinear_tf,
            "binary": self.binary,
            "norm": self.norm,
            "dtype": self.dtype,
            "use_idf": self.idf is not None,
            "features": len(self.terms),
        }

    def _word_grams(self, text: str) -> list[str]:
        tokens = self._tokens.findall(text)
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _char_grams(self, text: str) -> list[str]:
        text = _WHITE_SPACES.sub(" ", text)
        low, high = self.ngram_range
        return [text[i : i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]

    def items_of_word(self, word: str) -> list[int]:
        """What a whitespace word brings to this block: its char_wb columns (scikit-learn's padding
        and short-word rule), or its tokens' word ids."""
        if self.analyzer != "char_wb":
            table = self._word_table()
            return [table.ids.get(token, table.unknown) for token in _TOKENS.findall(word)]
        vocabulary = self.vocabulary
        padded = f" {word} "
        low, high = self.ngram_range
        grams: list[str] = []
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
            if len(padded) <= n:  # a short word counts once, as scikit-learn's char_wb does
                break
        return [vocabulary[g] for g in grams if g in vocabulary]

    def splits_into_words(self) -> bool:
        """Whether this block's n-grams follow from the text's whitespace words, each word looked at once."""
        return self.analyzer == "char_wb" or (self.analyzer == "word" and self._fast_words())

    def _fast_words(self) -> bool:
        """Whether word n-grams can be looked up in bulk: the default token pattern, codes that fit int64."""
        return self.token_pattern == DEFAULT_TOKEN_PATTERN and (len(self.terms) + 2) ** self.ngram_range[1] < 2**62

    def counts(self, texts: Sequence[str], lowered: list[str] | None = None) -> Counts:
        """The n-gram counts of a batch, by column (see `Counts`).

        `lowered` is the texts lower-cased, when the caller has them already.
        """
        if self.lowercase:
            texts = lowered if lowered is not None else [text.lower() for text in texts]
        else:
            texts = list(texts)
        if self.analyzer == "char_wb":
            if self._words is None:
                self._words = _WordCache([self])
            words = self._words.split(texts, lower=False)
            return self.counts_of_words(words, *self._words.of_block(0))
        if self.analyzer == "word" and self._fast_words():
            return self._word_counts(texts)
        pieces = []
        vocabulary = self.vocabulary
        for text in texts:
            grams = self._word_grams(text) if self.analyzer == "word" else self._char_grams(text)
            pieces.append(np.array([vocabulary[g] for g in grams if g in vocabulary], dtype=np.int64))
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        columns = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        return _tally(rows, columns, len(texts), len(self.terms))

    def _word_table(self) -> _WordTable:
        if self._table is None:
            self._table = _WordTable(self.terms, self.ngram_range)
        return self._table

    def _word_counts(self, texts: list[str]) -> Counts:
        """Word n-grams of a batch in bulk: one regex pass over the batch, one dictionary lookup per token.

        The texts are joined with NUL, which the token pattern never matches and which marks where
        a text ends; each token becomes the id of its word among the vocabulary's words (unknown
        words one id past them).
        """
        table = self._word_table()
        joined = "\0".join(text.replace("\0", " ") for text in texts)
        tokens = _TOKENS_OR_END.findall(joined)
        ids = np.fromiter(map(table.ids.get, tokens, repeat(table.unknown)), dtype=np.int64, count=len(tokens))
        ends = ids == table.end
        rows = np.cumsum(ends)
        keep = ~ends
        return self._ngram_counts(ids[keep], rows[keep], len(texts))

    def _ngram_counts(self, ids: np.ndarray, rows: np.ndarray, height: int) -> Counts:
        """Counts of the word n-grams of a token stream (word ids, and the text each token is in).

        An n-gram is its ids in base W, found by a binary search in the sorted codes of the
        vocabulary's n-grams; an n-gram across two texts is not one.
        """
        table = self._word_table()
        found_rows, found_columns = [], []
        low, high = self.ngram_range
        for n in range(low, high + 1):
            if len(ids) < n:
                break
            count = len(ids) - n + 1
            codes = ids[:count].copy()
            same = np.ones(count, dtype=bool)
            for k in range(1, n):
                codes = codes * table.base + ids[k : k + count]
                same &= rows[k : k + count] == rows[:count]
            if n > 1:  # only where the first and last words can open and close an n-gram of the vocabulary
                same &= table.can_open(n)[ids[:count]] & table.can_close(n)[ids[n - 1 : n - 1 + count]]
            at = same.nonzero()[0]
            columns = table.lookup(n, codes[at])
            hit = columns >= 0
            found_rows.append(rows[at[hit]])
            found_columns.append(columns[hit])
        if not found_rows:
            return _tally(np.zeros(0, np.int64), np.zeros(0, np.int64), height, len(self.terms))
        return _tally(np.concatenate(found_rows), np.concatenate(found_columns), height, len(self.terms))

    def counts_of_words(self, words: BatchWords, items: np.ndarray, bounds: np.ndarray) -> Counts:
        """The batch's counts from its words: word i's items (`items_of_word`) are items[bounds[i]:bounds[i + 1]]."""
        firsts = bounds[words.distinct]
        sizes = bounds[words.distinct + 1] - firsts
        if self.analyzer == "word":
            rows, ids = words.spread(items, firsts, sizes)
            return self._ngram_counts(ids, rows, words.height)
        width = len(self.terms)
        if words.height <= SMALL_BATCH or not _have_scipy():
            rows, columns = words.spread(items, firsts, sizes)
            return _tally(rows, columns, words.height, width)
        import scipy.sparse as sp

        # (n-grams x words) @ (words x documents) is the counts' CSC directly: its rows are the
        # n-grams, in order, and a document's terms within them come in column order, as needed.
        words_in = sp.csr_matrix(
            (np.ones(len(words.local), dtype=np.int32), words.text_of_word[words.by_word], words.word_starts),
            shape=(len(words.distinct), words.height),
        )
        ends = np.cumsum(sizes)
        grams = sp.csr_matrix(
            (
                np.ones(int(ends[-1]) if len(ends) else 0, dtype=np.int32),
                items[_ranges(firsts, sizes, ends)],
                np.concatenate([[0], ends]),
            ),
            shape=(len(words.distinct), width),
        )
        product = grams.T.tocsr() @ words_in
        return Counts(words.height, product.indptr.astype(np.int64), product.indices, product.data)

    def tfidf(self, counts: Counts) -> np.ndarray:
        """The tf-idf values of counts, in scikit-learn's precision and order of operations."""
        dtype = np.dtype(self.dtype)
        if self.binary:
            values = np.ones(len(counts.values), dtype=dtype)
        elif self.sublinear_tf and len(counts.values):
            # Counts are small integers: 1 + log(count) from a table, computed as scikit-learn computes it.
            table = np.arange(int(counts.values.max()) + 1, dtype=dtype)
            with np.errstate(divide="ignore"):
                np.log(table, out=table)
            table += 1.0
            values = table[counts.values]
        else:
            values = counts.values.astype(dtype)
        if self.idf is not None:
            values *= np.repeat(self.idf, np.diff(counts.colptr))
        if self.norm is not None:
            # Sums in double, each term computed in the values' precision, as sklearn's Cython does.
            terms = np.abs(values) if self.norm == "l1" else values * values
            sums = counts.row_sums(terms)
            if self.norm == "l2":
                sums = np.sqrt(sums)
            sums[sums == 0.0] = 1.0
            values = (values.astype(np.float64) / sums[counts.rows]).astype(dtype)
        return values

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse tf-idf rows as (row, column, value), sorted by row then column, as scikit-learn's CSR."""
        counts = self.counts(texts)
        columns, values = counts.columns(), self.tfidf(counts)
        order = np.lexsort((columns, counts.rows))
        return counts.rows[order], columns[order], values[order]


DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
# For this pattern a token is a maximal run of two or more word characters, which `\w\w+` finds faster.
_TOKENS = re.compile(r"\w\w+")
_TOKENS_OR_END = re.compile(r"\w\w+|\0")
SMALL_BATCH = 64  # below this, counting with numpy alone beats importing scipy
SCORE_BATCH = 4_000  # texts scored at once: bounds the memory of the n-gram matrices


def _have_scipy() -> bool:
    try:
        import scipy.sparse  # noqa: F401
    except ImportError:  # pragma: no cover - scipy comes with every install of stance
        return False
    return True


@dataclass
class Counts:
    """A batch's n-gram counts by column (CSC): column j's rows are rows[colptr[j]:colptr[j + 1]].

    Columns ascending is the order in which scikit-learn adds up a row's terms (its CSR rows are
    sorted), so a product that walks the columns in order adds each row's terms in the same order
    and gets the same last bits in float32. CSC also costs one pass less than sorted CSR here.
    Rows are int32 (a batch is far below 2**31 texts): the largest arrays of a batch, at half the size.
    """

    height: int
    colptr: np.ndarray
    rows: np.ndarray
    values: np.ndarray

    def columns(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.colptr) - 1, dtype=np.int64), np.diff(self.colptr))

    def row_sums(self, terms: np.ndarray) -> np.ndarray:
        """Per-row sums in double precision, each row's terms added in column order (0 for an empty row)."""
        return np.bincount(self.rows, weights=terms, minlength=self.height)


def _tally(rows: np.ndarray, columns: np.ndarray, height: int, width: int) -> Counts:
    """Counts of (row, column) pairs, by column then row."""
    keys, counts = np.unique(columns * height + rows, return_counts=True)
    colptr = np.concatenate([[0], np.cumsum(np.bincount(keys // height, minlength=width))])
    return Counts(height, colptr.astype(np.int64), (keys % height).astype(np.int32), counts)


class _WordCache(dict):
    """Whitespace word -> its index, and for each block served, the word's arrays, computed once.

    Words repeat across a corpus far more than texts do, so the work per word (its char n-grams,
    its tokens) is done the first time it is met; a batch then needs one split and one dictionary
    lookup per word for every block at once.
    """

    def __init__(self, blocks: list[Block]) -> None:
        super().__init__()
        self.blocks = blocks
        # Per block, every word's items end to end, and where each word's start (plus the end): two
        # flat arrays of int32 rather than an object per word, a fraction of the memory.
        self.flat = [array("i") for _ in blocks]
        self.bounds = [array("q", [0]) for _ in blocks]

    def __missing__(self, word: str) -> int:
        index = len(self)
        for block, items, bounds in zip(self.blocks, self.flat, self.bounds, strict=True):
            items.extend(block.items_of_word(word))
            bounds.append(len(items))
        self[word] = index
        return index

    def of_block(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """A block's (items, bounds) as numpy views: no copy; released before the cache grows again."""
        return np.frombuffer(self.flat[index], dtype=np.int32), np.frombuffer(self.bounds[index], dtype=np.int64)

    def split(self, texts: list[str], lower: bool) -> BatchWords:
        """The batch's words as cache indices (scikit-learn's char_wb splits on white space too).

        `lower` lower-cases the joined batch in one call: the same as each text's `lower()`, since
        the only context-dependent rule (Greek final sigma) does not reach across the separator.
        """
        if len(self) >= CACHE_WORDS:  # cleared between batches only, so a batch's indices stay valid
            self.clear()
            self.flat = [array("i") for _ in self.blocks]
            self.bounds = [array("q", [0]) for _ in self.blocks]
        # One split of the batch, texts parted by a NUL word; a text holding that word is split alone.
        joined = "\n\0\n".join(texts)
        words = (joined.lower() if lower else joined).split()
        if len(words) and words.count("\0") == len(texts) - 1:
            ids = np.fromiter(map(self.__getitem__, words), dtype=np.int64, count=len(words))
            ends = ids == self["\0"]
            lengths = np.bincount(np.cumsum(ends)[~ends], minlength=len(texts))
            ids = ids[~ends]
        else:
            split = [(text.lower() if lower else text).split() for text in texts]
            lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
            words = list(chain.from_iterable(split))
            ids = np.fromiter(map(self.__getitem__, words), dtype=np.int64, count=len(words))
        # np.unique's steps, keeping the sort: it is also the occurrences grouped by word.
        by_word = np.argsort(ids, kind="stable")
        ordered = ids[by_word]
        first = np.concatenate([[True], ordered[1:] != ordered[:-1]]) if len(ids) else np.zeros(0, dtype=bool)
        local = np.empty(len(ids), dtype=np.int64)
        local[by_word] = np.cumsum(first) - 1
        texts_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return BatchWords(len(texts), texts_of, ordered[first], local, by_word, np.append(first.nonzero()[0], len(ids)))


@dataclass
class BatchWords:
    """A batch's words: the distinct ones (cache indices), and for each occurrence its word and text."""

    height: int
    text_of_word: np.ndarray
    distinct: np.ndarray
    local: np.ndarray  # each occurrence's index in `distinct`
    by_word: np.ndarray  # the occurrences grouped by word, in text order within a word
    word_starts: np.ndarray  # where each word's occurrences start in `by_word`, and the end

    def spread(self, items: np.ndarray, firsts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each occurrence's items, in order, with the text they are in.

        Distinct word i has the `sizes[i]` items from `items[firsts[i]]` on.
        """
        per_occurrence = sizes[self.local]
        where = _ranges(firsts[self.local], per_occurrence, np.cumsum(per_occurrence))
        return np.repeat(self.text_of_word, per_occurrence), items[where].astype(np.int64)


def _ranges(starts: np.ndarray, sizes: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions start, start + 1, ... of each range, ranges end to end (`ends` is cumsum(sizes))."""
    offsets = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(ends - sizes, sizes)
    return np.repeat(starts, sizes) + offsets


class _WordTable:
    """The vocabulary's word n-grams as integer codes: each word an id, an n-gram its ids in base W."""

    def __init__(self, terms: list[str], ngram_range: tuple[int, int]) -> None:
        parts = [term.split(" ") for term in terms]
        words = dict.fromkeys(chain.from_iterable(parts))
        self.ids = dict(zip(words, range(len(words)), strict=True))
        self.unknown = len(words)
        self.end = len(words) + 1
        self.ids["\0"] = self.end
        self.base = len(words) + 2
        self.codes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._end_words: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        by_length: dict[int, tuple[list[int], list[int]]] = {}
        for column, words_of_term in enumerate(parts):
            code = 0
            for word in words_of_term:
                code = code * self.base + self.ids[word]
            found = by_length.setdefault(len(words_of_term), ([], []))
            found[0].append(code)
            found[1].append(column)
        self.unigrams = np.full(self.base, -1, dtype=np.int64)  # a word's own column, by id
        if 1 in by_length:
            self.unigrams[by_length[1][0]] = by_length[1][1]
        for n, (codes, columns) in by_length.items():
            order = np.argsort(np.asarray(codes, dtype=np.int64))
            self.codes[n] = (np.asarray(codes, dtype=np.int64)[order], np.asarray(columns, dtype=np.int64)[order])

    def can_open(self, n: int) -> np.ndarray:
        """By word id, whether the word is the first of some n-gram of the vocabulary."""
        return self._ends(n)[0]

    def can_close(self, n: int) -> np.ndarray:
        """By word id, whether the word is the last of some n-gram of the vocabulary."""
        return self._ends(n)[1]

    def _ends(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if n not in self._end_words:
            opens, closes = np.zeros(self.base, dtype=bool), np.zeros(self.base, dtype=bool)
            known = self.codes[n][0] if n in self.codes else np.zeros(0, dtype=np.int64)
            opens[known // self.base ** (n - 1)] = True
            closes[known % self.base] = True
            self._end_words[n] = (opens, closes)
        return self._end_words[n]

    def lookup(self, n: int, codes: np.ndarray) -> np.ndarray:
        """The column of each n-gram code, -1 where the vocabulary lacks it."""
        if n == 1:
            return self.unigrams[codes]
        if n not in self.codes:
            return np.full(len(codes), -1, dtype=np.int64)
        known, columns = self.codes[n]
        at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
        return np.where(known[at] == codes, columns[at], -1)


class ArrayModel:
    """Predicts from the arrays alone: no pickle, no scikit-learn."""

    def __init__(self, blocks: list[Block], coef: np.ndarray, intercept: np.ndarray, classes: list[str]) -> None:
        self.blocks = blocks
        self.coef = coef
        self.intercept = intercept
        self.classes = classes
        self._offsets = np.cumsum([0, *(len(block.terms) for block in blocks)])
        shared = all(block.splits_into_words() for block in blocks) and len({b.lowercase for b in blocks}) == 1
        self._words = _WordCache(blocks) if shared else None
        if coef.shape != (1 if len(classes) == 2 else len(classes), self._offsets[-1]):
            raise StanceError(f"the model's coefficients have shape {coef.shape}, which does not fit its vocabulary")

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The union's rows, block after block within each row, as (row, column, value)."""
        parts = [block.transform(texts) for block in self.blocks]
        rows = np.concatenate([p[0] for p in parts])
        columns = np.concatenate([p[1] + offset for p, offset in zip(parts, self._offsets, strict=False)])
        values = np.concatenate([p[2] for p in parts])
        order = np.argsort(rows, kind="stable")  # keeps each row's word columns before its char columns
        return rows[order], columns[order], values[order]

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The linear scores, batch by batch, so memory stays that of `SCORE_BATCH` texts."""
        texts = list(texts)
        if len(texts) <= SCORE_BATCH:
            return self._decision(texts)
        return np.concatenate([self._decision(texts[i : i + SCORE_BATCH]) for i in range(0, len(texts), SCORE_BATCH)])

    def _decision(self, texts: list[str]) -> np.ndarray:
        """The union's tf-idf rows times the coefficients, each row's terms added in column order.

        scikit-learn adds a row's terms one after another in the model's precision (float32 for
        the shipped model), word columns before char columns; the same order gives the same last
        bits. The union of the blocks' CSC matrices is their concatenation. Large batches multiply
        in scipy's sparse product, small ones (one quote) in numpy, so that path never imports scipy.
        """
        if self._words is not None:  # one split and one lookup per word for every block
            words = self._words.split(texts, lower=self.blocks[0].lowercase)
            parts = [block.counts_of_words(words, *self._words.of_block(i)) for i, block in enumerate(self.blocks)]
        else:
            lowered = [text.lower() for text in texts] if any(block.lowercase for block in self.blocks) else None
            parts = [block.counts(texts, lowered) for block in self.blocks]
        values = np.concatenate([block.tfidf(counts) for block, counts in zip(self.blocks, parts, strict=True)])
        rows = np.concatenate([counts.rows for counts in parts])
        starts = np.cumsum([0, *(len(counts.rows) for counts in parts)])
        colptr = np.concatenate(
            [counts.colptr[:-1] + start for counts, start in zip(parts, starts, strict=False)] + [starts[-1:]]
        )
        dtype = np.result_type(values, self.coef)
        if len(texts) <= SMALL_BATCH or not _have_scipy():
            columns = np.repeat(np.arange(len(colptr) - 1, dtype=np.int64), np.diff(colptr))
            scores = np.zeros((self.coef.shape[0], len(texts)), dtype=dtype)
            for weights, out in zip(self.coef, scores, strict=True):  # add.at adds in index order
                np.add.at(out, rows, values * weights[columns])
            return scores.T + self.intercept
        import scipy.sparse as sp

        matrix = sp.csc_matrix((values, rows, colptr), shape=(len(texts), int(self._offsets[-1])))
        return matrix @ np.ascontiguousarray(self.coef.T) + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in `self.classes` order, as `LogisticRegression.predict_proba`."""
        scores = self.decision(texts)
        if len(self.classes) == 2:
            from scipy.special import expit  # the function scikit-learn uses, for the same last bits

            positive = expit(scores[:, 0])
            return np.stack([1 - positive, positive], axis=1)
        scores -= scores.max(axis=1).reshape(-1, 1)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1).reshape(-1, 1)
        return scores

    def feature_name(self, column: int) -> tuple[str, str]:
        """(block name, n-gram) of a column of the union."""
        index = int(np.searchsorted(self._offsets, column, side="right")) - 1
        block = self.blocks[index]
        return block.name, block.terms[column - int(self._offsets[index])]

    def settings(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "blocks": [block.settings() for block in self.blocks],
            "classes": list(self.classes),
        }


def from_pipeline(pipeline: Pipeline) -> ArrayModel:
    """The arrays of a fitted stance pipeline; refuses a pipeline the format cannot reproduce."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        raise StanceError("only a Pipeline of (FeatureUnion of TfidfVectorizers, LogisticRegression) can be saved")
    union, classifier = steps[0][1], steps[1][1]
    if not isinstance(union, FeatureUnion) or union.transformer_weights is not None:
        raise StanceError("the pipeline's first step must be a FeatureUnion of TfidfVectorizers without weights")
    if not isinstance(classifier, LogisticRegression):
        raise StanceError(f"the pipeline must end in a LogisticRegression, not a {type(classifier).__name__}")
    blocks = []
    for name, vectorizer in union.transformer_list:
        if not isinstance(vectorizer, TfidfVectorizer):
            raise StanceError(f"feature {name!r} is a {type(vectorizer).__name__}, not a TfidfVectorizer")
        unsupported = {
            "analyzer": vectorizer.analyzer not in ANALYZERS,
            "input": vectorizer.input != "content",
            "tokenizer": vectorizer.tokenizer is not None,
            "preprocessor": vectorizer.preprocessor is not None,
            "strip_accents": vectorizer.strip_accents is not None,
            "stop_words": vectorizer.stop_words is not None,
            "norm": vectorizer.norm not in NORMS,
        }
        if any(unsupported.values()):
            wrong = ", ".join(key for key, bad in unsupported.items() if bad)
            raise StanceError(f"feature {name!r}: the code-free format cannot reproduce its {wrong} setting")
        terms = [""] * len(vectorizer.vocabulary_)
        for term, column in vectorizer.vocabulary_.items():
            terms[column] = term
        blocks.append(
            Block(
                name=name,
                analyzer=vectorizer.analyzer,
                ngram_range=tuple(vectorizer.ngram_range),
                lowercase=bool(vectorizer.lowercase),
                token_pattern=vectorizer.token_pattern or "",
                sublinear_tf=bool(vectorizer.sublinear_tf),
                binary=bool(vectorizer.binary),
                norm=vectorizer.norm,
                dtype=np.dtype(vectorizer.dtype).name,
                terms=terms,
                idf=np.asarray(vectorizer.idf_) if vectorizer.use_idf else None,
            )
        )
    classes = [str(label) for label in classifier.classes_]
    return ArrayModel(blocks, np.asarray(classifier.coef_), np.asarray(classifier.intercept_), classes)


def to_bytes(model: ArrayModel) -> bytes:
    """The `.npz` file's bytes: settings as JSON text, vocabularies as newline-joined UTF-8."""
    arrays: dict[str, np.ndarray] = {"settings": np.array(json.dumps(model.settings(), sort_keys=True))}
    for index, block in enumerate(model.blocks):
        if any("\n" in term for term in block.terms):
            raise StanceError(f"feature {block.name!r} has a term with a newline; the code-free format cannot hold it")
        arrays[f"terms_{index}"] = np.frombuffer("\n".join(block.terms).encode("utf-8"), dtype=np.uint8)
        if block.idf is not None:
            arrays[f"idf_{index}"] = block.idf
    arrays["coef"] = model.coef
    arrays["intercept"] = model.intercept
    buffer = io.BytesIO()
    # zip entries carry a fixed date: same model, same bytes
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as its flags
    return buffer.getvalue()


def read(path: Path) -> ArrayModel:
    """Read an `.npz` written by `to_bytes`; never unpickles (allow_pickle=False)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        settings = json.loads(str(arrays["settings"]))
        if settings.get("format") != FORMAT or settings.get("format_version") != FORMAT_VERSION:
            raise StanceError(f"{path}: not a {FORMAT} file of version {FORMAT_VERSION}; retrain the model")
        blocks = []
        for index, spec in enumerate(settings["blocks"]):
            terms = arrays[f"terms_{index}"].tobytes().decode("utf-8").split("\n")
            idf = arrays.get(f"idf_{index}") if spec["use_idf"] else None
            if len(terms) != spec["features"] or (idf is not None and idf.shape != (len(terms),)):
                raise StanceError(f"{path}: feature {spec['name']!r} has inconsistent arrays")
            if spec["analyzer"] not in ANALYZERS or spec["norm"] not in NORMS:
                raise StanceError(f"{path}: feature {spec['name']!r} has an unknown analyzer or norm")
            blocks.append(
                Block(
                    name=str(spec["name"]),
                    analyzer=spec["analyzer"],
                    ngram_range=(int(spec["ngram_range"][0]), int(spec["ngram_range"][1])),
                    lowercase=bool(spec["lowercase"]),
                    token_pattern=str(spec["token_pattern"]),
                    sublinear_tf=bool(spec["sublinear_tf"]),
                    binary=bool(spec["binary"]),
                    norm=spec["norm"],
                    dtype=np.dtype(spec["dtype"]).name,
                    terms=terms,
                    idf=idf,
                )
            )
        return ArrayModel(blocks, arrays["coef"], arrays["intercept"], [str(c) for c in settings["classes"]])
    except StanceError:
        raise
    except Exception as error:  # a damaged archive fails in many ways; all mean the same to a user
        raise StanceError(f"{path}: not a readable code-free stance model ({type(error).__name__})") from None
