"""Sentiment of customer comments: a seed lexicon that needs no data, and a model trained on ratings.

``SentimentModel.seed()`` scores with the hand-written lexicon in ``lexicon.py`` (negation,
intensifiers, "aber" clauses). ``SentimentModel.train()`` learns from the company's own rated
comments: TF-IDF over snowball-stemmed words and word pairs plus character 3–5-grams inside words,
and the seed lexicon's score as three extra features, into a logistic regression. The trained model
is stored as a NumPy ``.npz`` archive (arrays and JSON only, loaded with ``allow_pickle=False``).
"""

from __future__ import annotations

import io
import json
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from . import lexicon
from .tokens import _STEM_CACHE, PUNCTUATION, SENTENCE_END, STOP_WORDS, language_of_tokens, stem, tokenize

LABELS = ("negative", "neutral", "positive")
MIN_TRAINING_EXAMPLES = 30
FORMAT = "kundennah-sentiment"
FORMAT_VERSION = 1

# Score = s / sqrt(s² + ALPHA): one clearly positive word (+2) gives 0.63, "okay" (+0.5) stays neutral.
_ALPHA = 6.0
_THRESHOLD = 0.25
# Both sides at least this strong and the weaker at least MIXED_RATIO of the stronger: "mixed" = neutral.
_MIXED_MIN = 1.0
_MIXED_RATIO = 0.6
_NEGATION_FORWARD = 3
_NEGATION_BACKWARD = 4

_WORD_MAX_FEATURES = 60_000
_CHAR_MAX_FEATURES = 40_000
_CHAR_NGRAMS = (3, 5)
_LEXICON_FEATURE_WEIGHT = 1.0
_MAX_ITERATIONS = 150


@dataclass(frozen=True)
class Sentiment:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1.0 .. 1.0


def _squash(value: float) -> float:
    return value / math.sqrt(value * value + _ALPHA)


def _label_for(total: float, positive: float, negative: float) -> str:
    if positive >= _MIXED_MIN and negative >= _MIXED_MIN and min(positive, negative) >= _MIXED_RATIO * max(
        positive, negative
    ):
        return "neutral"
    score = _squash(total)
    if score >= _THRESHOLD:
        return "positive"
    if score <= -_THRESHOLD:
        return "negative"
    return "neutral"


def _negated(value: float) -> float:
    # "nicht gut" is clearly negative; "nicht schlecht" / "kein Problem" only mildly positive.
    if value > 0:
        return -max(0.8 * value, 1.0)
    return -0.5 * value


_NEGATOR, _INTENSIFIER, _CONTRAST, _PUNCTUATION = 1, 2, 3, 4
_SPECIAL: dict[str, int] = {
    **{token: _PUNCTUATION for token in PUNCTUATION},
    **{token: _CONTRAST for token in lexicon.CONTRAST},
    **{token: _INTENSIFIER for token in lexicon.INTENSIFIERS},
    **{token: _NEGATOR for token in lexicon.NEGATORS},
}


class _Lexicon:
    """Word scores looked up by surface form, then stem, then (German) compound head; cached per token."""

    def __init__(self) -> None:
        german = lexicon.german_entries()
        english = lexicon.english_entries()
        self.surface: dict[str, dict[str, float]] = {
            "de": {w.lower(): s for w, s in german.items()},
            "en": {w.lower(): s for w, s in english.items()},
        }
        self.stems: dict[str, dict[str, float]] = {
            "de": {stem(w.lower(), "de"): s for w, s in german.items()},
            "en": {stem(w.lower(), "en"): s for w, s in english.items()},
        }
        self.heads = {w.lower(): s for w, s in german.items() if w[:1].isupper() and len(w) >= 4}
        self.cache: dict[str, dict[str, float]] = {"de": {}, "en": {}}
        phrases: dict[tuple[str, ...], float] = {}
        phrases.update(lexicon.PHRASES_GERMAN)
        phrases.update(lexicon.PHRASES_ENGLISH)
        self.phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for phrase, score in sorted(phrases.items(), key=lambda item: -len(item[0])):
            self.phrases.setdefault(phrase[0], []).append((phrase, score))

    def word(self, token: str, language: str) -> float:
        cache = self.cache[language]
        found = cache.get(token)
        if found is not None:
            return found
        value = self.surface[language].get(token)
        if value is None:
            value = self.stems[language].get(stem(token, language))
        if value is None:
            other = "en" if language == "de" else "de"
            value = self.surface[other].get(token)  # loanwords: "sorry", "top", "okay"
        if value is None and language == "de" and len(token) >= 8:
            for start in range(2, len(token) - 3):
                head = self.heads.get(token[start:])
                if head is not None:
                    value = head
                    break
        if value is None:
            value = 0.0
        if len(cache) > 500_000:
            cache.clear()
        cache[token] = value
        return value

    def score(self, tokens: list[str], language: str) -> tuple[float, float, float]:
        """(total, positive mass, negative mass) of one tokenised comment."""
        cache = self.cache[language]
        phrases = self.phrases
        values: list[float] = []
        specials: list[tuple[int, int]] = []
        in_phrase: set[int] = set()
        skip_until = 0
        for i, token in enumerate(tokens):
            if i < skip_until:
                values.append(0.0)
                continue
            candidates = phrases.get(token)
            if candidates is not None:
                matched = False
                for phrase, phrase_score in candidates:
                    size = len(phrase)
                    if tuple(tokens[i : i + size]) == phrase:
                        values.append(phrase_score)
                        in_phrase.update(range(i, i + size))
                        skip_until = i + size
                        matched = True
                        break
                if matched:
                    continue
            kind = _SPECIAL.get(token)
            if kind is not None:
                if kind == _PUNCTUATION:
                    values.append(0.0)
                    continue
                specials.append((i, kind))
                if kind != _INTENSIFIER:
                    values.append(0.0)
                    continue
            value = cache.get(token)
            if value is None:
                value = self.word(token, language)
            values.append(value)
        if specials:
            self._modify(tokens, values, specials, in_phrase)
        total = positive = negative = 0.0
        for value in values:
            if value:
                total += value
                if value > 0:
                    positive += value
                else:
                    negative -= value
        return total, positive, negative

    @staticmethod
    def _modify(tokens: list[str], values: list[float], specials: list[tuple[int, int]], in_phrase: set[int]) -> None:
        n = len(tokens)
        # Intensifiers strengthen the next scored word (one word may stand between: "sehr sehr gut").
        for i, kind in specials:
            if kind != _INTENSIFIER or i in in_phrase:
                continue
            if i + 1 < n and tokens[i + 1] not in PUNCTUATION:
                values[i] = 0.0  # "super freundlich": "super" only strengthens
            for j in range(i + 1, min(i + 3, n)):
                if tokens[j] in PUNCTUATION:
                    break
                if values[j] != 0.0:
                    values[j] *= lexicon.INTENSIFIERS[tokens[i]]
                    break

        def negatable(j: int) -> bool:
            return values[j] != 0.0 and j not in in_phrase and tokens[j] not in lexicon.NOT_NEGATABLE

        # Negation turns the next scored word in the clause, or else the one before it ("klappt nicht").
        flipped: set[int] = set()
        for i, kind in specials:
            if kind != _NEGATOR or i in in_phrase:
                continue
            target = -1
            for j in range(i + 1, min(i + 1 + _NEGATION_FORWARD, n)):
                if tokens[j] in PUNCTUATION:
                    break
                if j not in flipped and negatable(j):
                    target = j
                    break
            if target < 0:
                for j in range(i - 1, max(i - 1 - _NEGATION_BACKWARD, -1), -1):
                    if tokens[j] in PUNCTUATION:
                        break
                    if j not in flipped and negatable(j):
                        target = j
                        break
            if target >= 0:
                values[target] = _negated(values[target])
                flipped.add(target)
        # "Freundlich, aber das Problem ist nicht gelöst": the part after "aber" weighs more.
        for i, kind in specials:
            if kind != _CONTRAST:
                continue
            j = i - 1
            while j >= 0 and tokens[j] not in SENTENCE_END:
                values[j] *= 0.5
                j -= 1
            j = i + 1
            while j < n and tokens[j] not in SENTENCE_END:
                values[j] *= 1.5
                j += 1


_LEXICON: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = _Lexicon()
    return _LEXICON


@dataclass
class _Analysed:
    """Per comment: lower-case words, stems, and the lexicon's (total, positive, negative)."""

    words: list[list[str]]
    stems: list[list[str]]
    lex: np.ndarray


def _analyse(texts: Sequence[str], *, want_features: bool) -> _Analysed:
    scorer = _lexicon()
    words: list[list[str]] = []
    stems: list[list[str]] = []
    lex = np.zeros((len(texts), 3), dtype=np.float64)
    stem_caches = _STEM_CACHE
    for row, text in enumerate(texts):
        tokens = tokenize(text or "")
        language = language_of_tokens(tokens[:500])
        lex[row] = scorer.score(tokens, language)
        if want_features:
            cache = stem_caches[language]
            doc_stems: list[str] = []
            previous = ""
            for token in tokens:
                if token in PUNCTUATION:
                    previous = ""
                    continue
                current = cache.get(token) or stem(token, language)
                doc_stems.append(current)
                if previous:
                    doc_stems.append(previous + " " + current)
                previous = current
            # Character n-grams only of content words: they carry typos and compounds, not "und".
            words.append([t for t in tokens if len(t) > 2 and t not in STOP_WORDS and t not in PUNCTUATION])
            stems.append(doc_stems)
    return _Analysed(words, stems, lex)


def _lexicon_features(lex: np.ndarray) -> np.ndarray:
    return np.asarray(lex / np.sqrt(lex * lex + _ALPHA)) * _LEXICON_FEATURE_WEIGHT


def _char_ngrams(word: str) -> list[str]:
    padded = f" {word} "
    low, high = _CHAR_NGRAMS
    grams = []
    for size in range(low, high + 1):
        for start in range(len(padded) - size + 1):
            grams.append(padded[start : start + size])
    return grams


def _count(docs: Iterable[list[str]], vocabulary: dict[str, int], n_docs: int, *, grow: bool) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for features in docs:
        if grow:
            for feature in features:
                indices.append(vocabulary.setdefault(feature, len(vocabulary)))
        else:
            for feature in features:
                index = vocabulary.get(feature)
                if index is not None:
                    indices.append(index)
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(n_docs, len(vocabulary)),
    )
    matrix.sum_duplicates()
    return matrix


def _char_counts(words: list[list[str]], vocabulary: dict[str, int], *, grow: bool) -> sp.csr_matrix:
    """Character n-grams per comment as (comment × distinct word) @ (distinct word × n-gram)."""
    word_ids: dict[str, int] = {}
    by_doc = _count(words, word_ids, len(words), grow=True)
    distinct = list(word_ids)
    grams = _count((_char_ngrams(w) for w in distinct), vocabulary, len(distinct), grow=grow)
    if grow:
        grams.resize((len(distinct), len(vocabulary)))
    return (by_doc @ grams).tocsr()


def _prune(matrix: sp.csr_matrix, vocabulary: dict[str, int], min_df: int, limit: int) -> list[str]:
    """The features to keep (document frequency ≥ min_df, the most frequent ``limit``), in column order."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero(df >= min_df)
    if len(keep) > limit:
        keep = keep[np.argsort(-df[keep], kind="stable")[:limit]]
        keep.sort()
    names = np.empty(len(vocabulary), dtype=object)
    for name, index in vocabulary.items():
        names[index] = name
    return [str(name) for name in names[keep]]


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    weighted = counts.tocsr(copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


def _idf(counts: sp.csr_matrix) -> np.ndarray:
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    n = counts.shape[0]
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def _pack_strings(values: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def _unpack_strings(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


class SentimentModel:
    """Seed lexicon alone (``trained_on == 0``) or lexicon + TF-IDF logistic regression."""

    def __init__(
        self,
        *,
        trained_on: int = 0,
        classes: Sequence[str] = (),
        word_vocabulary: Sequence[str] = (),
        word_idf: np.ndarray | None = None,
        char_vocabulary: Sequence[str] = (),
        char_idf: np.ndarray | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
    ) -> None:
        self.trained_on = trained_on
        self.classes = list(classes)
        self._word_vocabulary = {w: i for i, w in enumerate(word_vocabulary)}
        self._char_vocabulary = {g: i for i, g in enumerate(char_vocabulary)}
        self._word_idf = word_idf if word_idf is not None else np.zeros(0)
        self._char_idf = char_idf if char_idf is not None else np.zeros(0)
        self._coef = coef
        self._intercept = intercept

    def __repr__(self) -> str:
        return f"SentimentModel(trained_on={self.trained_on}, classes={self.classes})"

    # ----------------------------------------------------------------- construction

    @classmethod
    def seed(cls) -> SentimentModel:
        """The hand-written lexicon alone; works without any training data."""
        _lexicon()
        return cls()

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> SentimentModel:
        """Learn from rated comments (labels "negative" / "neutral" / "positive")."""
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"Unknown labels {unknown}; expected {list(LABELS)}.")
        if len(texts) < MIN_TRAINING_EXAMPLES:
            raise ValueError(
                f"Training needs at least {MIN_TRAINING_EXAMPLES} rated comments, got {len(texts)}; "
                "use SentimentModel.seed() until there are more."
            )
        classes = [label for label in LABELS if label in set(labels)]
        if len(classes) < 2:
            raise ValueError(f"Training needs comments of at least two labels, got only {classes}.")
        analysed = _analyse(texts, want_features=True)
        n = len(texts)
        min_df = 2 if n >= 500 else 1

        word_vocabulary: dict[str, int] = {}
        word_counts = _count(analysed.stems, word_vocabulary, n, grow=True)
        words_kept = _prune(word_counts, word_vocabulary, min_df, _WORD_MAX_FEATURES)
        char_vocabulary: dict[str, int] = {}
        char_counts = _char_counts(analysed.words, char_vocabulary, grow=True)
        chars_kept = _prune(char_counts, char_vocabulary, min_df, _CHAR_MAX_FEATURES)

        word_index = np.asarray([word_vocabulary[w] for w in words_kept], dtype=np.int64)
        char_index = np.asarray([char_vocabulary[g] for g in chars_kept], dtype=np.int64)
        word_counts = word_counts[:, word_index]
        char_counts = char_counts[:, char_index]
        word_idf = _idf(word_counts)
        char_idf = _idf(char_counts)
        features = sp.hstack(
            [_tfidf(word_counts, word_idf), _tfidf(char_counts, char_idf), _lexicon_features(analysed.lex)],
            format="csr",
        )
        classifier = LogisticRegression(C=2.0, class_weight="balanced", max_iter=_MAX_ITERATIONS, tol=1e-3)
        with warnings.catch_warnings():
            # Bounded iterations keep training on 100,000 comments in seconds; the optimum is close by then.
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(features, np.asarray(labels))
        assert list(classifier.classes_) == classes
        return cls(
            trained_on=n,
            classes=classes,
            word_vocabulary=words_kept,
            word_idf=word_idf,
            char_vocabulary=chars_kept,
            char_idf=char_idf,
            coef=np.asarray(classifier.coef_, dtype=np.float64),
            intercept=np.asarray(classifier.intercept_, dtype=np.float64),
        )

    # ----------------------------------------------------------------- use

    def predict(self, texts: Sequence[str]) -> list[Sentiment]:
        if not len(texts):
            return []
        if self._coef is None:
            analysed = _analyse(texts, want_features=False)
            return [
                Sentiment(label=_label_for(total, positive, negative), score=round(_squash(total), 4))
                for total, positive, negative in analysed.lex.tolist()
            ]
        probabilities = self._probabilities(texts)
        index = {label: i for i, label in enumerate(self.classes)}
        best = probabilities.argmax(axis=1)
        positive = probabilities[:, index["positive"]] if "positive" in index else np.zeros(len(texts))
        negative = probabilities[:, index["negative"]] if "negative" in index else np.zeros(len(texts))
        scores = np.clip(positive - negative, -1.0, 1.0)
        return [
            Sentiment(label=self.classes[int(b)], score=round(float(s), 4))
            for b, s in zip(best.tolist(), scores.tolist(), strict=True)
        ]

    def _probabilities(self, texts: Sequence[str]) -> np.ndarray:
        assert self._coef is not None and self._intercept is not None
        analysed = _analyse(texts, want_features=True)
        n = len(texts)
        word_counts = _count(analysed.stems, self._word_vocabulary, n, grow=False)
        char_counts = _char_counts(analysed.words, self._char_vocabulary, grow=False)
        features = sp.hstack(
            [
                _tfidf(word_counts, self._word_idf),
                _tfidf(char_counts, self._char_idf),
                _lexicon_features(analysed.lex),
            ],
            format="csr",
        )
        logits = np.asarray(features @ self._coef.T) + self._intercept
        if logits.shape[1] == 1:  # two classes: one decision function for the second class
            second = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - second, second])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    # ----------------------------------------------------------------- storage

    def to_bytes(self) -> bytes:
        """A NumPy ``.npz`` archive of plain arrays and JSON (no pickle)."""
        meta: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "trained_on": self.trained_on,
            "classes": self.classes,
        }
        arrays: dict[str, np.ndarray] = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
        if self._coef is not None and self._intercept is not None:
            arrays.update(
                word_vocabulary=_pack_strings(list(self._word_vocabulary)),
                char_vocabulary=_pack_strings(list(self._char_vocabulary)),
                word_idf=self._word_idf,
                char_idf=self._char_idf,
                coef=self._coef,
                intercept=self._intercept,
            )
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SentimentModel:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                meta = json.loads(archive["meta"].tobytes().decode("utf-8"))
                if meta.get("format") != FORMAT or meta.get("version") != FORMAT_VERSION:
                    raise ValueError("Not a Kundennah sentiment model of a known version.")
                if "coef" not in archive.files:
                    return cls.seed()
                return cls(
                    trained_on=int(meta["trained_on"]),
                    classes=[str(c) for c in meta["classes"]],
                    word_vocabulary=_unpack_strings(archive["word_vocabulary"]),
                    word_idf=np.asarray(archive["word_idf"], dtype=np.float64),
                    char_vocabulary=_unpack_strings(archive["char_vocabulary"]),
                    char_idf=np.asarray(archive["char_idf"], dtype=np.float64),
                    coef=np.asarray(archive["coef"], dtype=np.float64),
                    intercept=np.asarray(archive["intercept"], dtype=np.float64),
                )
        except (OSError, KeyError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as error:
            raise ValueError(f"Not a readable sentiment model: {error}") from error
