"""Text features: scikit-learn's TF-IDF, with a faster transform for character n-grams.

Character n-grams within word boundaries ("char_wb") depend on one word at a time, and a corpus
of statements repeats its words endlessly. `WordCachedCharTfidf` remembers each word's n-gram
columns, so transforming a statement costs a dictionary lookup per word instead of building and
looking up some 150 n-grams. Its output is the parent's, number for number (a test holds it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

CACHE_WORDS = 200_000


class WordCachedCharTfidf(TfidfVectorizer):
    """`TfidfVectorizer(analyzer="char_wb")` whose transform caches each word's n-gram columns."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        if not fixed_vocab or self.analyzer != "char_wb":
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary = self.vocabulary_
        preprocess = self.build_preprocessor()
        cache: dict[str, list[int]] = self.__dict__.setdefault("_columns_of_word", {})
        columns: list[int] = []
        indptr = [0]
        for document in raw_documents:
            text = self._white_spaces.sub(" ", preprocess(self.decode(document)))
            for word in text.split():
                found = cache.get(word)
                if found is None:
                    if len(cache) >= CACHE_WORDS:
                        cache.clear()
                    found = cache[word] = [
                        vocabulary[gram] for gram in self._char_wb_ngrams(word) if gram in vocabulary
                    ]
                columns.extend(found)
            indptr.append(len(columns))
        counts = sp.csr_matrix(
            (np.ones(len(columns), dtype=self.dtype), np.asarray(columns, dtype=np.int64), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(vocabulary)),
            dtype=self.dtype,
        )
        counts.sum_duplicates()
        counts.sort_indices()
        return vocabulary, counts

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_columns_of_word", None)  # a cache, not part of the model
        return state
