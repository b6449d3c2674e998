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


class StableTfidf(TfidfVectorizer):
    """`TfidfVectorizer` that pickles to the same bytes for the same fit.

    scikit-learn remembers `id(stop_words)`, a memory address that differs from run to run, so
    two identical models would hash differently; the model card promises the same hash.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        return {key: value for key, value in state.items() if key != "_stop_words_id"}


class WordCachedCharTfidf(StableTfidf):
    """`TfidfVectorizer(analyzer="char_wb")` whose transform works word by word.

    A batch's counts are (documents x words) @ (words x n-grams): the first matrix needs one
    dictionary lookup per token, the second one cached row per distinct word, and the product
    runs in compiled code.
    """

    def fit(self, raw_documents: Any, y: Any = None) -> WordCachedCharTfidf:
        self.__dict__.pop("_columns_of_word", None)  # columns of the old vocabulary would index the new one
        return super().fit(raw_documents, y)

    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        self.__dict__.pop("_columns_of_word", None)
        return super().fit_transform(raw_documents, y)

    def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> tuple[dict[str, int], Any]:
        if not fixed_vocab or self.analyzer != "char_wb":
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary = self.vocabulary_
        preprocess = self.build_preprocessor()
        cache: dict[str, list[int]] = self.__dict__.setdefault("_columns_of_word", {})
        if len(cache) >= CACHE_WORDS:
            cache.clear()
        words: dict[str, int] = {}
        tokens: list[int] = []
        doc_ends = [0]
        for document in raw_documents:
            for word in self._white_spaces.sub(" ", preprocess(self.decode(document))).split():
                tokens.append(words.setdefault(word, len(words)))
            doc_ends.append(len(tokens))
        columns: list[int] = []
        word_ends = [0]
        for word in words:
            found = cache.get(word)
            if found is None:
                found = cache[word] = [vocabulary[g] for g in self._char_wb_ngrams(word) if g in vocabulary]
            columns.extend(found)
            word_ends.append(len(columns))
        documents_by_words = sp.csr_matrix(
            (np.ones(len(tokens), dtype=self.dtype), np.asarray(tokens, dtype=np.int64), np.asarray(doc_ends)),
            shape=(len(doc_ends) - 1, len(words)),
        )
        words_by_ngrams = sp.csr_matrix(
            (np.ones(len(columns), dtype=self.dtype), np.asarray(columns, dtype=np.int64), np.asarray(word_ends)),
            shape=(len(words), len(vocabulary)),
        )
        counts = (documents_by_words @ words_by_ngrams).tocsr()
        counts.sort_indices()
        return vocabulary, counts

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_columns_of_word", None)  # a cache, not part of the model
        return state
