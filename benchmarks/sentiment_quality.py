"""Quality of the feedback sentiment models on the hand-written German test set.

Evaluates (a) the majority-class baseline, (b) the seed lexicon model, (c) a model trained with
5-fold stratified cross-validation on the test set itself (train on 4 folds, predict the 5th).
Prints accuracy, macro-F1 and the confusion matrix (rows: true label, columns: predicted).

Usage (from the repository root):

    .venv/bin/python benchmarks/sentiment_quality.py [--data benchmarks/data/sentiment_de.tsv]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from kundennah.feedback.text.sentiment import LABELS, SentimentModel  # noqa: E402


def load(path: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == "text\tlabel":
            continue
        text, label = line.rsplit("\t", 1)
        texts.append(text)
        labels.append(label)
    return texts, labels


def report(name: str, truth: list[str], predicted: list[str]) -> None:
    accuracy = accuracy_score(truth, predicted)
    macro = f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)
    print(f"\n## {name}\naccuracy {accuracy:.3f}   macro-F1 {macro:.3f}")
    matrix = confusion_matrix(truth, predicted, labels=list(LABELS))
    print("true \\ predicted   " + "  ".join(f"{label:>8}" for label in LABELS))
    for label, row in zip(LABELS, matrix, strict=True):
        print(f"{label:>17}   " + "  ".join(f"{value:>8}" for value in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / "benchmarks/data/sentiment_de.tsv")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    texts, labels = load(args.data)
    print(f"{len(texts)} comments: {dict(Counter(labels))}")

    majority = Counter(labels).most_common(1)[0][0]
    report(f"(a) majority class ({majority})", labels, [majority] * len(labels))

    seed = SentimentModel.seed()
    report("(b) seed lexicon", labels, [s.label for s in seed.predict(texts)])

    predicted = [""] * len(texts)
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    for train_index, test_index in folds.split(texts, labels):
        model = SentimentModel.train([texts[i] for i in train_index], [labels[i] for i in train_index])
        for i, sentiment in zip(test_index, model.predict([texts[i] for i in test_index]), strict=True):
            predicted[i] = sentiment.label
    report(f"(c) trained, {args.folds}-fold cross-validation", labels, predicted)


if __name__ == "__main__":
    main()
