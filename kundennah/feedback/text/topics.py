"""Topics found in the comments themselves: TF-IDF over stemmed content words, NMF, readable labels.

No fixed list of topics: the vocabulary is the comments' own words (German and English stop words
removed, snowball stems). The number of topics is chosen on a sample by the coherence of each
candidate's top words (how often they occur together in the same comments), at most ``max_topics``
and fewer on small data. The model is fitted on a sample and then applied to every comment. Labels
and terms are real words: every stem is shown as its most frequent written form.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize

from .tokens import _STEM_CACHE, STOP_WORDS, language_of_tokens, stem, tokenize_cased

MIN_TERMS_PER_TEXT = 2  # fewer content words: too short to have a topic
MIN_TEXTS = 10  # fewer usable texts: no topics at all
TEXTS_PER_TOPIC = 15  # small data gets at most one topic per this many usable texts
SELECTION_SAMPLE = 4_000
FIT_SAMPLE = 20_000
TOP_TERMS = 8
COHERENCE_TERMS = 8
MIN_TOPIC_SHARE = 0.02
REPRESENTATIVES = 5
REPRESENTATIVE_MIN_TERMS = 4

_SLUG = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass
class Topic:
    key: str  # stable slug from the top terms, e.g. "lieferung-verspaetet"
    label: str  # readable, e.g. "Lieferung · verspätet · Wartezeit"
    terms: list[str]  # top surface terms
    size: int  # texts assigned
    representative: list[int] = field(default_factory=list)  # indexes of the most typical texts


@dataclass
class TopicResult:
    topics: list[Topic]
    assignment: list[int | None]  # per input text: index into topics, or None


# From this many usable comments on, at least MIN_TOPICS_LARGE topics are looked for.
LARGE = 1_000
MIN_TOPICS_LARGE = 5


def _slug(words: list[str]) -> str:
    folded = []
    for word in words:
        text = unicodedata.normalize("NFKD", word.lower().translate(_FOLD))
        text = "".join(c for c in text if not unicodedata.combining(c))
        folded.append(_SLUG.sub("", text))
    return "-".join(w for w in folded if w) or "thema"


def _analyse(texts: Sequence[str]) -> tuple[list[list[str]], dict[str, str]]:
    """Content-word stems per text, and each stem's most frequent written form."""
    surfaces: Counter[tuple[str, str]] = Counter()
    docs: list[list[str]] = []
    caches = _STEM_CACHE
    for text in texts:
        cased = tokenize_cased(text or "")
        lower = [t.lower() for t in cased]
        language = language_of_tokens(lower[:500])
        cache = caches[language]
        terms: list[str] = []
        pairs: list[tuple[str, str]] = []
        for written, token in zip(cased, lower, strict=True):
            if len(token) < 3 or token in STOP_WORDS:
                continue
            stemmed = cache.get(token) or stem(token, language)
            terms.append(stemmed)
            pairs.append((stemmed, written))
        surfaces.update(pairs)
        docs.append(terms)
    best: dict[str, tuple[int, str]] = {}
    for (stemmed, written), count in surfaces.items():
        current = best.get(stemmed)
        if current is None or count > current[0]:
            best[stemmed] = (count, written)
    return docs, {s: w for s, (_, w) in best.items()}


def _matrix(docs: list[list[str]]) -> tuple[sp.csr_matrix, list[str]]:
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for terms in docs:
        indices.extend(vocabulary.setdefault(t, len(vocabulary)) for t in terms)
        indptr.append(len(indices))
    counts = sp.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(docs), len(vocabulary)),
    )
    counts.sum_duplicates()
    names = [""] * len(vocabulary)
    for name, index in vocabulary.items():
        names[index] = name
    return counts, names


def _coherence(binary: sp.csc_matrix, components: np.ndarray) -> float:
    """Mean normalised PMI of each topic's top terms over the comments (−1..1, higher = more coherent)."""
    n = binary.shape[0]
    scores = []
    for row in components:
        top = np.argsort(-row)[:COHERENCE_TERMS]
        sub = binary[:, top]
        together = np.asarray((sub.T @ sub).todense(), dtype=np.float64)
        single = np.diag(together)
        total = 0.0
        pairs = 0
        for a in range(len(top)):
            for b in range(a + 1, len(top)):
                pairs += 1
                joint = together[a, b] / n
                if joint <= 0 or single[a] == 0 or single[b] == 0:
                    total -= 1.0
                    continue
                pmi = math.log(joint / ((single[a] / n) * (single[b] / n)))
                total += pmi / -math.log(joint) if joint < 1 else 1.0
        scores.append(total / max(pairs, 1))
    return float(np.mean(scores)) if scores else -1.0


def _nmf(k: int, seed: int, iterations: int) -> NMF:
    return NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=iterations, tol=1e-3)


def topics_find(texts: Sequence[str], *, max_topics: int = 12, seed: int = 0) -> TopicResult:
    """Find up to ``max_topics`` topics in the texts; deterministic for a given seed."""
    n = len(texts)
    assignment: list[int | None] = [None] * n
    empty = TopicResult(topics=[], assignment=assignment)
    if n < MIN_TEXTS or max_topics < 1:
        return empty
    docs, written = _analyse(texts)
    usable = np.asarray([i for i, terms in enumerate(docs) if len(terms) >= MIN_TERMS_PER_TEXT], dtype=np.int64)
    if len(usable) < MIN_TEXTS:
        return empty
    counts, names = _matrix([docs[i] for i in usable])
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    min_df = max(2, math.ceil(0.0005 * len(usable)))
    keep = np.flatnonzero((df >= min_df) & (df <= 0.5 * len(usable)))
    if len(keep) < 2:
        return empty
    counts = counts[:, keep]
    names = [names[i] for i in keep]
    df = df[keep]
    idf = np.log((1.0 + len(usable)) / (1.0 + df)) + 1.0
    tfidf = counts.tocsr(copy=True)
    tfidf.data = (1.0 + np.log(tfidf.data)) * idf[tfidf.indices]
    tfidf = normalize(tfidf, norm="l2", copy=False)
    has_terms = np.diff(tfidf.indptr) > 0

    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(has_terms)
    k_max = min(max_topics, len(rows) // TEXTS_PER_TOPIC, len(names) - 1)
    if k_max < 1:
        return empty
    selection = rows if len(rows) <= SELECTION_SAMPLE else np.sort(rng.choice(rows, SELECTION_SAMPLE, replace=False))
    fit_rows = rows if len(rows) <= FIT_SAMPLE else np.sort(rng.choice(rows, FIT_SAMPLE, replace=False))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        k = 1
        if k_max >= 2:
            sample = tfidf[selection]
            binary = (counts[selection] > 0).astype(np.float64).tocsc()
            best = -math.inf
            # On a large body of comments two or three broad topics say little a team can act on:
            # look for the most coherent split among the finer ones.
            k_min = min(k_max, MIN_TOPICS_LARGE) if len(rows) >= LARGE else 2
            for candidate in range(k_min, k_max + 1):
                model = _nmf(candidate, seed, 150)
                weights = model.fit_transform(sample)
                shares = np.bincount(weights.argmax(axis=1), minlength=candidate) / len(selection)
                if shares.min() < MIN_TOPIC_SHARE:
                    continue
                score = _coherence(binary, model.components_)
                if score > best + 0.01:  # a larger k must be clearly more coherent
                    best, k = score, candidate
        model = _nmf(k, seed, 300)
        model.fit(tfidf[fit_rows])
        weights = model.transform(tfidf)
    components = model.components_

    dominant = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    assigned = strength > 1e-6
    order = np.argsort(-np.bincount(dominant[assigned], minlength=k), kind="stable")
    topics: list[Topic] = []
    used_keys: set[str] = set()
    term_counts = np.diff(counts.indptr)
    for position, topic in enumerate(order.tolist()):
        members = np.flatnonzero(assigned & (dominant == topic))
        if not len(members):
            continue
        top = np.argsort(-components[topic])[:TOP_TERMS]
        terms = [written.get(names[i], names[i]) for i in top if components[topic, i] > 0]
        key = _slug(terms[:2])
        if key in used_keys:
            key = _slug(terms[:3])
        while key in used_keys:
            key = f"{key}-{position + 1}"
        used_keys.add(key)
        # Typical: high weight, not too short, distinct wording.
        ranked = members[np.argsort(-weights[members, topic], kind="stable")]
        long_enough = ranked[term_counts[ranked] >= REPRESENTATIVE_MIN_TERMS]
        representative: list[int] = []
        seen: set[str] = set()
        for row in [*long_enough.tolist(), *ranked.tolist()]:
            original = int(usable[row])
            normalised = " ".join((texts[original] or "").lower().split())
            if normalised in seen:
                continue
            seen.add(normalised)
            representative.append(original)
            if len(representative) == REPRESENTATIVES:
                break
        index = len(topics)
        for row in members.tolist():
            assignment[int(usable[row])] = index
        topics.append(
            Topic(
                key=key,
                label=" · ".join(terms[:3]),
                terms=terms,
                size=len(members),
                representative=representative,
            )
        )
    return TopicResult(topics=topics, assignment=assignment)
