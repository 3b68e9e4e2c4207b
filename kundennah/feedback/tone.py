"""The tone of a text with the company's newest sentiment model (or the seed lexicon).

The model is loaded once per process and reloaded when a newer one was trained, so an answer
is scored in microseconds and retraining takes effect without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kundennah.feedback.models import TextModel

if TYPE_CHECKING:
    from kundennah.feedback.text.sentiment import SentimentModel

_lock = threading.Lock()
_loaded: tuple[int, SentimentModel] | None = None


@dataclass(frozen=True)
class Tone:
    language: str
    sentiment: str
    score: float


def sentiment_model() -> SentimentModel:
    """The newest trained model, else the seed."""
    # Imported here: scikit-learn costs start-up time every web process would otherwise pay.
    from kundennah.feedback.text.sentiment import SentimentModel

    global _loaded
    newest = TextModel.objects.order_by("-created_at", "-id").values_list("id", flat=True).first() or 0
    with _lock:
        if _loaded is None or _loaded[0] != newest:
            if newest:
                data = TextModel.objects.filter(pk=newest).values_list("data", flat=True).get()
                _loaded = (newest, SentimentModel.from_bytes(bytes(data)))
            else:
                _loaded = (0, SentimentModel.seed())
        return _loaded[1]


def tones_of(texts: Sequence[str], *, model: SentimentModel | None = None) -> list[Tone]:
    """Language, sentiment and score of each text; empty texts get an empty language and neutral."""
    from kundennah.feedback.text.language import language_of

    if not texts:
        return []
    predicted = (model or sentiment_model()).predict(list(texts))
    return [
        Tone(language=language_of(text) if text.strip() else "", sentiment=result.label, score=round(result.score, 3))
        for text, result in zip(texts, predicted, strict=True)
    ]
