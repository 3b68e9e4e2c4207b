"""How well a model trained on the company's ratings would do: k-fold cross-validation."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

FOLDS = 5
# Cross-validation trains five models; on a large history a sample says the same, much faster.
SAMPLE = 20_000


def cross_validated_accuracy(texts: Sequence[str], labels: Sequence[str], *, seed: int = 0) -> tuple[float, float]:
    """(accuracy of the trained model, accuracy of always answering the most common label)."""
    from kundennah.feedback.text.sentiment import SentimentModel

    pairs = list(zip(texts, labels, strict=True))
    if len(pairs) > SAMPLE:
        pairs = random.Random(seed).sample(pairs, SAMPLE)
    random.Random(seed).shuffle(pairs)
    correct = baseline_correct = 0
    for fold in range(FOLDS):
        test = pairs[fold::FOLDS]
        train = [pair for index, pair in enumerate(pairs) if index % FOLDS != fold]
        model = SentimentModel.train([t for t, _ in train], [label for _, label in train])
        predicted = model.predict([t for t, _ in test])
        correct += sum(p.label == label for p, (_t, label) in zip(predicted, test, strict=True))
        majority = Counter(label for _, label in train).most_common(1)[0][0]
        baseline_correct += sum(label == majority for _t, label in test)
    return round(correct / len(pairs), 3), round(baseline_correct / len(pairs), 3)
