"""The code-free model file: a fitted TF-IDF + logistic regression as plain arrays and JSON.

A joblib file is a pickle, and unpickling runs whatever code the file names: a model received
from someone else could do anything. This format holds only numbers, strings and JSON settings in
an `.npz` read with `allow_pickle=False`, and `ArrayModel` predicts from it with numpy alone,
repeating scikit-learn's steps (preprocessing, tokenising, n-grams, tf-idf, row normalisation,
the linear scores and their softmax) in the same precision and order, so its probabilities equal
the pipeline's (a test holds them to 1e-9). It imports neither scikit-learn nor
scipy, which also makes it the fastest way to classify one quote.

Only the pipelines stance builds are exported: a `FeatureUnion` of `TfidfVectorizer`s (word,
char or char_wb analyzers, no custom callables) into a `LogisticRegression`. Anything else is
refused when saving, so a file in this format always means exactly what its arrays say.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
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
CACHE_WORDS = 200_000
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
        self._columns_of_word: dict[str, np.ndarray] = {}
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

    def _word_columns(self, word: str) -> np.ndarray:
        """The char_wb columns of one word, cached: statements repeat their words endlessly."""
        found = self._columns_of_word.get(word)
        if found is None:
            if len(self._columns_of_word) >= CACHE_WORDS:
                self._columns_of_word.clear()
            vocabulary = self.vocabulary
            padded = f" {word} "
            low, high = self.ngram_range
            grams: list[str] = []
            for n in range(low, high + 1):
                grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
                if len(padded) <= n:  # a short word counts once, as scikit-learn's char_wb does
                    break
            found = np.array([vocabulary[g] for g in grams if g in vocabulary], dtype=np.int64)
            self._columns_of_word[word] = found
        return found

    def columns(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every known n-gram occurrence, one pair per occurrence, rows in order."""
        pieces: list[np.ndarray] = []  # one array of columns per word (char_wb) or per text
        owners: list[int] = []  # the row each piece belongs to
        vocabulary = self.vocabulary
        for row, text in enumerate(texts):
            if self.lowercase:
                text = text.lower()
            if self.analyzer == "char_wb":
                words = _WHITE_SPACES.sub(" ", text).split()
                pieces.extend(self._word_columns(word) for word in words)
                owners.extend([row] * len(words))
                continue
            grams = self._word_grams(text) if self.analyzer == "word" else self._char_grams(text)
            pieces.append(np.array([vocabulary[g] for g in grams if g in vocabulary], dtype=np.int64))
            owners.append(row)
        if not pieces:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        lengths = np.fromiter((len(piece) for piece in pieces), dtype=np.int64, count=len(pieces))
        return np.repeat(np.asarray(owners, dtype=np.int64), lengths), np.concatenate(pieces)

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse tf-idf rows as (row, column, value), sorted by row then column, as scikit-learn's CSR."""
        rows, columns = self.columns(texts)
        width = len(self.terms)
        keys, counts = np.unique(rows * width + columns, return_counts=True)
        rows, columns = keys // width, keys % width
        dtype = np.dtype(self.dtype)
        values = np.ones(len(keys), dtype=dtype) if self.binary else counts.astype(dtype)
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        if self.idf is not None:
            values *= self.idf[columns]
        if self.norm is not None:
            # Sums in double, each term computed in the values' precision, as sklearn's Cython does.
            terms = np.abs(values) if self.norm == "l1" else values * values
            sums = np.bincount(rows, weights=terms, minlength=len(texts))
            if self.norm == "l2":
                sums = np.sqrt(sums)
            divisor = sums[rows]
            divisor[divisor == 0.0] = 1.0
            values = (values.astype(np.float64) / divisor).astype(dtype)
        return rows, columns, values


class ArrayModel:
    """Predicts from the arrays alone: no pickle, no scikit-learn."""

    def __init__(self, blocks: list[Block], coef: np.ndarray, intercept: np.ndarray, classes: list[str]) -> None:
        self.blocks = blocks
        self.coef = coef
        self.intercept = intercept
        self.classes = classes
        self._offsets = np.cumsum([0, *(len(block.terms) for block in blocks)])
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
        """The linear scores, summed term by term in the model's precision, as scipy's sparse product does."""
        rows, columns, values = self.transform(texts)
        # One class at a time into a contiguous row: numpy's fast path for add.at, in index order.
        scores = np.zeros((self.coef.shape[0], len(texts)), dtype=np.result_type(values, self.coef))
        for weights, out in zip(self.coef, scores, strict=True):
            np.add.at(out, rows, values * weights[columns])
        return scores.T + self.intercept

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
